import test from 'ava'
import type {KubeObject} from '../../src/model/types.js'
import {P, assertDenied, assertValid, controllerConfigMap, diagnosticsFor, fidelityFor, ingressFactory, objectsOf, translateAll, useValidator} from './support.js'
import {backendOverrideFor} from '../../src/annotations/backend-protocol.js'
import type {BackendOverrideIntent, BackendTlsPlan} from '../../src/model/ingress-model.js'

const ingress = ingressFactory({service: 'web', port: 8443})
useValidator()

test('HTTPS by default: TLS without verification through an Envoy Gateway Backend, as nginx did', (t) => {
  const r = translateAll([ingress({'backend-protocol': 'HTTPS'})])
  const [backend] = objectsOf(r, 'Backend')
  t.is(backend?.metadata.name, 'web-web-8443')
  t.is(backend?.metadata.namespace, 'team')
  // nginx spoke HTTP/1.1 to the backend; Envoy would negotiate h2 by ALPN (xds cluster.go AutoHttpConfig) unless pinned.
  t.deepEqual(backend?.spec, {endpoints: [{fqdn: {hostname: 'web.team.svc.cluster.local', port: 8443}}], tls: {insecureSkipVerify: true, alpnProtocols: ['http/1.1']}})
  const [route] = objectsOf(r, 'HTTPRoute')
  t.deepEqual(route!.spec.rules[0].backendRefs, [{group: 'gateway.envoyproxy.io', kind: 'Backend', name: 'web-web-8443'}], 'no port on a Backend ref')
  t.is(objectsOf(r, 'BackendTLSPolicy').length, 0)
  t.is(fidelityFor(r, 'backend-protocol'), 'approximate')
  const messages = diagnosticsFor(r, 'backend-protocol')
  t.regex(messages.find((d) => d.code === 'annotation-approximate')!.message, /without certificate verification.*kube-proxy.*SNI.*HTTP\/1\.1 as nginx/)
  t.regex(messages.find((d) => d.code === 'annotation-approximate')!.hint!, /alpnProtocols on a Backend needs Envoy Gateway v1\.6\+/)
  const enable = messages.find((d) => d.code === 'backend-needs-enable-backend')
  t.is(enable?.level, 'info')
  t.regex(enable!.hint!, /extensionApis\.enableBackend: true/)
  t.is(route!.metadata.annotations?.['ingress2gw.io/annotations'], P + 'backend-protocol')
  assertValid(t, r)
})

test('the value is case-insensitive, HTTP is exact and an unknown protocol falls back to HTTP', (t) => {
  const lower = translateAll([ingress({'backend-protocol': 'https'})])
  t.is(objectsOf(lower, 'Backend').length, 1)
  const http = translateAll([ingress({'backend-protocol': 'HTTP'})])
  t.is(fidelityFor(http, 'backend-protocol'), 'exact')
  t.deepEqual(objectsOf(http, 'HTTPRoute')[0]!.spec.rules[0].backendRefs, [{name: 'web', port: 8443}])
  const bad = translateAll([ingress({'backend-protocol': 'SPDY'})])
  const [d] = diagnosticsFor(bad, 'backend-protocol')
  t.is(d?.code, 'invalid-annotation-value')
  t.regex(d!.message, /"SPDY" is not one of HTTP, HTTPS, GRPC, GRPCS, FCGI, AUTO_HTTP.*\(HTTP\)/)
  t.deepEqual(objectsOf(bad, 'HTTPRoute')[0]!.spec.rules[0].backendRefs, [{name: 'web', port: 8443}])
  t.is(objectsOf(bad, 'Backend').length, 0)
})

test('proxy-ssl-verify on with proxy-ssl-secret: the Secret is the CA only, and the report says how to add a client certificate by hand', (t) => {
  const r = translateAll([
    ingress({
      'backend-protocol': 'HTTPS',
      'proxy-ssl-secret': 'team/web-upstream-tls',
      'proxy-ssl-verify': 'on',
      'proxy-ssl-name': 'Web.Internal.Example',
      'proxy-ssl-server-name': 'on',
      'proxy-ssl-verify-depth': '2',
    }),
  ])
  const [backend] = objectsOf(r, 'Backend')
  // A CA-only Secret is the common case: a clientCertificateRef to it would make Envoy Gateway reject the Backend.
  // TLS 1.2 only: nginx rendered proxy_ssl_protocols with its default TLSv1.2 beside the CA (proxyssl/main.go, nginx.tmpl).
  t.deepEqual(
    backend?.spec,
    {endpoints: [{fqdn: {hostname: 'web.team.svc.cluster.local', port: 8443}}], tls: {minVersion: '1.2', maxVersion: '1.2', alpnProtocols: ['http/1.1']}},
    'no clientCertificateRef, no insecureSkipVerify, no CA on the Backend',
  )
  t.false(JSON.stringify(r.objects).includes('clientCertificateRef'))
  const [policy] = objectsOf(r, 'BackendTLSPolicy')
  t.is(policy?.apiVersion, 'gateway.networking.k8s.io/v1')
  t.deepEqual(policy?.spec, {
    targetRefs: [{group: 'gateway.envoyproxy.io', kind: 'Backend', name: 'web-web-8443'}],
    validation: {caCertificateRefs: [{group: '', kind: 'Secret', name: 'web-upstream-tls'}], hostname: 'web.internal.example'},
  })
  const [secretDiag] = diagnosticsFor(r, 'proxy-ssl-secret')
  t.is(fidelityFor(r, 'proxy-ssl-secret'), 'approximate')
  t.is(secretDiag?.level, 'warning')
  t.regex(secretDiag!.message, /nginx verified the backend against ca\.crt of Secret web-upstream-tls, and so does the BackendTLSPolicy \(spec\.validation\.caCertificateRefs\)/)
  t.regex(secretDiag!.message, /if the Secret also holds tls\.crt\/tls\.key, nginx presented them to the backend as a client certificate/)
  t.is(
    secretDiag!.hint,
    'if team/web-upstream-tls has tls.crt and tls.key (kubectl describe secret -n team web-upstream-tls lists its keys without their values), add spec.tls.clientCertificateRef: {group: "", kind: Secret, name: web-upstream-tls} to Backend team/web-web-8443',
  )
  t.regex(diagnosticsFor(r, 'backend-protocol').find((d) => d.code === 'annotation-approximate')!.message, /BackendTLSPolicy on an Envoy Gateway Backend \(kept so that a client certificate can be added to it, see proxy-ssl-secret\)/)
  t.is(fidelityFor(r, 'proxy-ssl-verify'), 'exact')
  t.is(fidelityFor(r, 'proxy-ssl-name'), 'exact')
  t.is(fidelityFor(r, 'proxy-ssl-server-name'), 'exact')
  t.is(fidelityFor(r, 'proxy-ssl-verify-depth'), 'approximate')
  t.regex(diagnosticsFor(r, 'proxy-ssl-verify-depth')[0]!.message, /deeper than 2/)
  assertValid(t, r)
})

test('proxy-ssl-verify on: the hint names every Backend of the Ingress, named ports resolved through the Service', (t) => {
  const svc: KubeObject = {apiVersion: 'v1', kind: 'Service', metadata: {name: 'api', namespace: 'team'}, spec: {ports: [{name: 'https', port: 9443}]}}
  const r = translateAll(
    [ingress({'backend-protocol': 'HTTPS', 'proxy-ssl-secret': 'team/ca', 'proxy-ssl-verify': 'on'}, {paths: ['/', {path: '/api', service: 'api', port: 'https'}]}), svc],
  )
  t.deepEqual(objectsOf(r, 'Backend').map((b) => b.metadata.name).sort(), ['web-api-9443', 'web-web-8443'])
  t.regex(diagnosticsFor(r, 'proxy-ssl-secret')[0]!.hint!, /name: ca\} to Backends team\/web-api-9443, team\/web-web-8443$/)
  assertValid(t, r)
})

test('proxy-ssl-secret without verification: only the client certificate is referenced, ca.crt unused as in nginx, and SNI follows proxy-ssl-name', (t) => {
  const r = translateAll([ingress({'backend-protocol': 'HTTPS', 'proxy-ssl-secret': 'team/client', 'proxy-ssl-server-name': 'on', 'proxy-ssl-name': 'api.internal'})])
  t.deepEqual(objectsOf(r, 'Backend')[0]!.spec.tls, {insecureSkipVerify: true, clientCertificateRef: {group: '', kind: 'Secret', name: 'client'}, sni: 'api.internal', alpnProtocols: ['http/1.1']})
  t.is(objectsOf(r, 'BackendTLSPolicy').length, 0, 'no CA reference when nothing is verified')
  const [d] = diagnosticsFor(r, 'proxy-ssl-secret')
  t.regex(d!.message, /with proxy-ssl-verify off nginx took only tls\.crt\/tls\.key from Secret client, presented to the backend as a client certificate: the Backend's spec\.tls\.clientCertificateRef; its ca\.crt, if any, is unused, as in nginx/)
  t.regex(d!.hint!, /delete spec\.tls\.clientCertificateRef from Backend team\/web-web-8443/)
  t.regex(diagnosticsFor(r, 'backend-protocol').find((d) => d.code === 'annotation-approximate')!.message, /without certificate verification, as nginx did/)
  assertValid(t, r)
})

test('--backend-tls=verify with proxy-ssl-secret and verify off: one Secret in both roles, and the diagnostic says so', (t) => {
  const r = translateAll([ingress({'backend-protocol': 'HTTPS', 'proxy-ssl-secret': 'team/client', 'proxy-ssl-verify': 'off'})], {backendTls: 'verify'})
  t.deepEqual(objectsOf(r, 'Backend')[0]!.spec.tls, {clientCertificateRef: {group: '', kind: 'Secret', name: 'client'}, alpnProtocols: ['http/1.1']})
  t.deepEqual(objectsOf(r, 'BackendTLSPolicy')[0]!.spec.validation.caCertificateRefs, [{group: '', kind: 'Secret', name: 'client'}])
  const [d] = diagnosticsFor(r, 'proxy-ssl-secret')
  t.regex(d!.message, /ca\.crt from the same Secret.*which nginx never used: one Secret in both roles/)
  t.regex(d!.hint!, /if team\/client has no ca\.crt .*caCertificateRefs at a ConfigMap/)
  t.is(fidelityFor(r, 'proxy-ssl-verify'), 'approximate')
  assertValid(t, r)
})

test('proxy-ssl-protocols and proxy-ssl-ciphers become the Backend TLS range and cipher list', (t) => {
  const r = translateAll([
    ingress({
      'backend-protocol': 'HTTPS',
      'proxy-ssl-secret': 'team/client',
      'proxy-ssl-protocols': 'TLSv1.2',
      'proxy-ssl-ciphers': 'ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384',
    }),
  ])
  const tls = objectsOf(r, 'Backend')[0]!.spec.tls
  t.is(tls.minVersion, '1.2')
  t.is(tls.maxVersion, '1.2')
  t.deepEqual(tls.ciphers, ['ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES256-GCM-SHA384'])
  t.is(fidelityFor(r, 'proxy-ssl-protocols'), 'exact')
  t.is(fidelityFor(r, 'proxy-ssl-ciphers'), 'exact')
  assertValid(t, r)

  const expr = translateAll([ingress({'backend-protocol': 'HTTPS', 'proxy-ssl-secret': 'team/client', 'proxy-ssl-ciphers': 'HIGH:!aNULL:!MD5', 'proxy-ssl-protocols': 'TLSv1.3 TLSv1.2'})])
  t.is(objectsOf(expr, 'Backend')[0]!.spec.tls.ciphers, undefined)
  t.is(objectsOf(expr, 'Backend')[0]!.spec.tls.minVersion, undefined, 'Envoy\'s own range is not repeated')
  t.is(fidelityFor(expr, 'proxy-ssl-ciphers'), 'approximate')
  t.is(fidelityFor(expr, 'proxy-ssl-protocols'), 'exact')

  // proxyssl/main.go proxySSLProtocolRegex accepts only TLSv1.2 and TLSv1.3 (v1.12+); anything else keeps the
  // default TLSv1.2 (defaultProxySSLProtocols).
  for (const value of ['TLSv1.4', 'TLSv1 TLSv1.2', 'SSLv3']) {
    const bad = translateAll([ingress({'backend-protocol': 'HTTPS', 'proxy-ssl-secret': 'team/client', 'proxy-ssl-protocols': value})])
    const [d] = diagnosticsFor(bad, 'proxy-ssl-protocols')
    t.is(d?.code, 'invalid-annotation-value', value)
    t.regex(d!.message, /used the default \(TLSv1\.2\)/, value)
    t.is(objectsOf(bad, 'Backend')[0]!.spec.tls.minVersion, undefined, value)
  }
})

test('proxy-ssl-* without proxy-ssl-secret is not read by nginx: ignored, and verify "on" is called out', (t) => {
  const r = translateAll([ingress({'backend-protocol': 'HTTPS', 'proxy-ssl-verify': 'on', 'proxy-ssl-name': 'x.internal'})])
  t.deepEqual(objectsOf(r, 'Backend')[0]!.spec.tls, {insecureSkipVerify: true, alpnProtocols: ['http/1.1']})
  t.is(fidelityFor(r, 'proxy-ssl-verify'), 'ignored')
  const [d] = diagnosticsFor(r, 'proxy-ssl-verify')
  t.is(d?.level, 'warning')
  t.regex(d!.message, /only when proxy-ssl-secret is set: nginx did not verify/)
  t.is(fidelityFor(r, 'proxy-ssl-name'), 'ignored')

  const http = translateAll([ingress({'proxy-ssl-secret': 'team/client', 'proxy-ssl-verify': 'off'})])
  t.is(fidelityFor(http, 'proxy-ssl-secret'), 'ignored')
  t.regex(diagnosticsFor(http, 'proxy-ssl-secret')[0]!.message, /backend-protocol is HTTP/)
  t.is(objectsOf(http, 'Backend').length, 0)
})

test('--backend-tls=verify: a BackendTLSPolicy on the Service port, a CA ConfigMap to provide, the Service backendRef kept', (t) => {
  const service: KubeObject = {apiVersion: 'v1', kind: 'Service', metadata: {name: 'web', namespace: 'team'}, spec: {ports: [{name: 'https', port: 8443}, {name: 'metrics', port: 9090}]}}
  const r = translateAll([ingress({'backend-protocol': 'HTTPS'}), service], {backendTls: 'verify'})
  t.is(objectsOf(r, 'Backend').length, 0)
  t.deepEqual(objectsOf(r, 'HTTPRoute')[0]!.spec.rules[0].backendRefs, [{name: 'web', port: 8443}])
  const [policy] = objectsOf(r, 'BackendTLSPolicy')
  t.deepEqual(policy?.spec, {
    targetRefs: [{group: '', kind: 'Service', name: 'web', sectionName: 'https'}],
    validation: {caCertificateRefs: [{group: '', kind: 'ConfigMap', name: 'web-backend-ca'}], hostname: 'web.team.svc.cluster.local'},
  })
  t.is(fidelityFor(r, 'backend-protocol'), 'manual')
  t.regex(diagnosticsFor(r, 'backend-protocol')[0]!.hint!, /kubectl create configmap -n team web-backend-ca --from-file=ca\.crt=/)
  assertValid(t, r)
})

test('proxy-ssl-secret (proxyssl.Parse): bad characters drop the Ingress; no namespace, another namespace or a bad name deny its paths', (t) => {
  const cross = translateAll([ingress({'backend-protocol': 'HTTPS', 'proxy-ssl-secret': 'other/upstream'})])
  assertDenied(t, cross)
  const [d] = diagnosticsFor(cross, 'proxy-ssl-secret')
  t.is(d?.code, 'locations-denied')
  t.regex(d!.message, /another namespace.*503/)
  t.is(fidelityFor(cross, 'proxy-ssl-secret'), 'manual')

  const noNamespace = translateAll([ingress({'backend-protocol': 'HTTPS', 'proxy-ssl-secret': 'upstream'})])
  assertDenied(t, noNamespace)

  // Spaces are removed before BasicCharsRegex: the value passes, and the Secret lookup of "up stream" fails.
  const spaced = translateAll([ingress({'backend-protocol': 'HTTPS', 'proxy-ssl-secret': 'team/up stream'})])
  assertDenied(t, spaced)

  const chars = translateAll([ingress({'backend-protocol': 'HTTPS', 'proxy-ssl-secret': 'team/up@stream'})])
  t.is(diagnosticsFor(chars, 'proxy-ssl-secret')[0]?.code, 'ingress-not-served')
  t.regex(diagnosticsFor(chars, 'proxy-ssl-secret')[0]!.message, /refused the whole Ingress/)
  t.is(objectsOf(chars, 'HTTPRoute').length, 0)
})

test('allow-cross-namespace-resources lets proxy-ssl-secret name another namespace (proxyssl.Parse)', (t) => {
  const r = translateAll([ingress({'backend-protocol': 'HTTPS', 'proxy-ssl-secret': 'shared/upstream-ca', 'proxy-ssl-verify': 'on'}), controllerConfigMap({'allow-cross-namespace-resources': 'true'})])
  t.is(r.ingresses[0]!.status, 'converted')
  t.false(r.diagnostics.some((d) => d.code === 'locations-denied'))
  // Envoy Gateway reads the CA only from the policy's namespace (backendtlspolicy.go): it names a ConfigMap to create.
  const policy = objectsOf(r, 'BackendTLSPolicy')[0]!
  t.deepEqual(policy.spec.validation.caCertificateRefs, [{group: '', kind: 'ConfigMap', name: 'web-backend-ca'}])
  t.is(policy.metadata.namespace, 'team')
  t.is(fidelityFor(r, 'proxy-ssl-secret'), 'manual')
  const [d] = diagnosticsFor(r, 'proxy-ssl-secret')
  t.is(d?.code, 'proxy-ssl-secret-elsewhere')
  t.regex(d!.hint!, /kubectl get secret -n shared upstream-ca .* kubectl create configmap -n team web-backend-ca --from-file=ca\.crt/)
  assertValid(t, r)
})

// proxyssl/main.go Parse: `if !secCfg.AllowCrossNamespaceResources && ns != ing.Namespace` denies the location; with
// the ConfigMap's allow-cross-namespace-resources "true" nginx served the Ingress and presented the other namespace's
// tls.crt/tls.key; a Backend references Secrets of its own namespace only (clientCertificateRef), so none is presented.
// With a consistent hash the verified connection goes to the Service under a BackendTLSPolicy, as for a Secret of its own.
test('a cross-namespace proxy-ssl-secret under allow-cross-namespace-resources: client certificate copied by hand; hashed routes keep the BackendTLSPolicy', (t) => {
  const allow = controllerConfigMap({'allow-cross-namespace-resources': 'true'})
  const client = translateAll([allow, ingress({'backend-protocol': 'HTTPS', 'proxy-ssl-secret': 'certs/client'})])
  t.is(objectsOf(client, 'HTTPRoute').length, 1, 'nginx served it')
  const [backend] = objectsOf(client, 'Backend')
  t.is(backend!.spec.tls.clientCertificateRef, undefined, 'a Backend references Secrets of its own namespace only')
  t.is(fidelityFor(client, 'proxy-ssl-secret'), 'manual')
  const [d] = diagnosticsFor(client, 'proxy-ssl-secret')
  t.regex(d!.message, /the Backend presents no client certificate, where nginx presented the Secret's tls\.crt\/tls\.key/)
  t.regex(d!.hint!, /copy tls\.crt and tls\.key of certs\/client into a kubernetes\.io\/tls Secret of team/)
  assertValid(t, client)

  const svc: KubeObject = {apiVersion: 'v1', kind: 'Service', metadata: {name: 'web', namespace: 'team'}, spec: {ports: [{name: 'https', port: 8443}]}}
  const hashed = translateAll([allow, svc, ingress({'backend-protocol': 'HTTPS', 'proxy-ssl-secret': 'certs/upstream', 'proxy-ssl-verify': 'on', 'upstream-hash-by': '$remote_addr'})])
  t.is(objectsOf(hashed, 'Backend').length, 0, 'the route reaches the Service, whose pods the hash picks')
  t.deepEqual(objectsOf(hashed, 'BackendTLSPolicy')[0]!.spec.validation.caCertificateRefs, [{group: '', kind: 'ConfigMap', name: 'web-backend-ca'}])
  t.regex(diagnosticsFor(hashed, 'backend-protocol')[0]!.message, /verified by a BackendTLSPolicy on the Service/)
  t.is(diagnosticsFor(hashed, 'proxy-ssl-secret')[0]?.code, 'proxy-ssl-secret-elsewhere')
  assertValid(t, hashed)
})

test('GRPC becomes a GRPCRoute with service and method matches', (t) => {
  const r = translateAll([
    ingress(
      {'backend-protocol': 'GRPC'},
      {
        paths: [
          {path: '/', service: 'api', port: 50051},
          {path: '/billing.v1.Invoices', service: 'billing', port: 50051},
          {path: '/users.v1.Users/Get', pathType: 'Exact', service: 'users', port: 50051},
        ],
      },
    ),
  ])
  t.is(objectsOf(r, 'HTTPRoute').length, 0)
  const [route] = objectsOf(r, 'GRPCRoute')
  t.deepEqual(
    route!.spec.rules.map((rule: any) => rule.matches ?? 'all'),
    ['all', [{method: {type: 'Exact', service: 'billing.v1.Invoices'}}], [{method: {type: 'Exact', service: 'users.v1.Users', method: 'Get'}}]],
  )
  t.deepEqual(route!.spec.rules[0].backendRefs, [{name: 'api', port: 50051}])
  t.is(fidelityFor(r, 'backend-protocol'), 'approximate')
  t.is(objectsOf(r, 'Backend').length, 0, 'plain gRPC (h2c) needs no Backend')
  assertValid(t, r)
})

test('GRPCS is a GRPCRoute whose backends are TLS Backends', (t) => {
  const r = translateAll([ingress({'backend-protocol': 'GRPCS'}, {service: 'api', port: 50051})])
  const [route] = objectsOf(r, 'GRPCRoute')
  t.deepEqual(route!.spec.rules[0].backendRefs, [{group: 'gateway.envoyproxy.io', kind: 'Backend', name: 'web-api-50051'}])
  t.deepEqual(objectsOf(r, 'Backend')[0]!.spec.tls, {insecureSkipVerify: true})
  t.regex(diagnosticsFor(r, 'backend-protocol').find((d) => d.code === 'annotation-approximate')!.message, /GRPCRoute.*without certificate verification/)
  assertValid(t, r)
})

test('FCGI needs an HTTP adapter; AUTO_HTTP keeps plain HTTP', (t) => {
  const fcgi = translateAll([ingress({'backend-protocol': 'FCGI'})])
  t.is(fidelityFor(fcgi, 'backend-protocol'), 'manual')
  t.regex(diagnosticsFor(fcgi, 'backend-protocol')[0]!.hint!, /php-fpm/)
  const auto = translateAll([ingress({'backend-protocol': 'AUTO_HTTP'})])
  t.is(fidelityFor(auto, 'backend-protocol'), 'approximate')
  t.regex(diagnosticsFor(auto, 'backend-protocol')[0]!.message, /client's scheme/)
})

test('a canary of an HTTPS Ingress reaches its Service through a Backend too (the location\'s proxy_pass applies)', (t) => {
  const primary = ingress({'backend-protocol': 'HTTPS'})
  const canary = ingress({canary: 'true', 'canary-weight': '20'}, {name: 'web-canary', service: 'web-v2'})
  const r = translateAll([primary, canary])
  const refs = objectsOf(r, 'HTTPRoute')[0]!.spec.rules[0].backendRefs
  t.deepEqual(refs, [
    {group: 'gateway.envoyproxy.io', kind: 'Backend', name: 'web-web-8443', weight: 80},
    {group: 'gateway.envoyproxy.io', kind: 'Backend', name: 'web-web-v2-8443', weight: 20},
  ])
  t.deepEqual(objectsOf(r, 'Backend').map((b) => b.spec.endpoints[0].fqdn.hostname).sort(), ['web-v2.team.svc.cluster.local', 'web.team.svc.cluster.local'])
  assertValid(t, r)
})

/**
 * Issue 20 item 3. controller.go getBackendServers: unless the ConfigMap sets proxy-ssl-location-only, the first
 * Ingress of a host with a proxy-ssl-secret (whose Secret has ca.crt) has its ProxySSL copied to the server, and
 * nginx.tmpl renders proxy_ssl_trusted_certificate / proxy_ssl_verify / proxy_ssl_name / proxy_ssl_certificate in the
 * server block, inherited by every location that does not set its own.
 */
test('proxy-ssl-* of the first Ingress of a host apply to the other HTTPS backends of the host', (t) => {
  const first = ingress(
    {'backend-protocol': 'HTTPS', 'proxy-ssl-secret': 'team/upstream-ca', 'proxy-ssl-verify': 'on', 'proxy-ssl-name': 'internal.example.com'},
    {name: 'first', host: 'shop.example.com', paths: ['/api'], service: 'api', created: '2024-01-01T00:00:00Z'},
  )
  const second = ingress({'backend-protocol': 'HTTPS'}, {name: 'second', host: 'shop.example.com', paths: ['/web'], service: 'web', created: '2024-01-02T00:00:00Z'})
  const elsewhere = ingress({'backend-protocol': 'HTTPS'}, {name: 'elsewhere', host: 'other.example.com', service: 'other', created: '2024-01-03T00:00:00Z'})
  const r = translateAll([first, second, elsewhere])
  const backend = objectsOf(r, 'Backend').find((b) => b.metadata.name === 'second-web-8443-first')
  // Verified (no insecureSkipVerify), TLS 1.2 only as the inherited default protocols, HTTP/1.1.
  t.deepEqual(backend?.spec.tls, {minVersion: '1.2', maxVersion: '1.2', alpnProtocols: ['http/1.1']})
  t.deepEqual(objectsOf(r, 'BackendTLSPolicy').find((p) => p.metadata.name === 'second-web-8443-first')?.spec, {
    targetRefs: [{group: 'gateway.envoyproxy.io', kind: 'Backend', name: 'second-web-8443-first'}],
    validation: {caCertificateRefs: [{group: '', kind: 'Secret', name: 'upstream-ca'}], hostname: 'internal.example.com'},
  })
  t.is(backend?.metadata.annotations?.['ingress2gw.io/source'], 'Ingress team/first, Ingress team/second')
  const d = r.diagnostics.find((x) => x.object === 'Ingress team/second' && x.code === 'proxy-ssl-host-wide')
  t.regex(d!.message, /on shop\.example\.com nginx applied the proxy-ssl-\* settings of Ingress team\/first .*verified this Ingress's backends against ca\.crt of Secret team\/upstream-ca for the name internal\.example\.com; and so does the BackendTLSPolicy here/)
  t.is(fidelityFor(r, 'backend-protocol', r.ingresses.findIndex((i) => i.ingress === 'team/second')), 'approximate')
  // Another host keeps nginx's default for locations without proxy-ssl: no verification.
  t.deepEqual(objectsOf(r, 'Backend').find((b) => b.metadata.name === 'elsewhere-other-8443')?.spec.tls, {insecureSkipVerify: true, alpnProtocols: ['http/1.1']})
  assertValid(t, r)

  const locationOnly = translateAll([first, second, {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'ingress-nginx-controller', namespace: 'ingress-nginx'}, data: {'proxy-ssl-location-only': 'true'}}])
  t.deepEqual(objectsOf(locationOnly, 'Backend').find((b) => b.metadata.name === 'second-web-8443')?.spec.tls, {insecureSkipVerify: true, alpnProtocols: ['http/1.1']})
})

test('host-wide proxy-ssl on some hosts of an Ingress: the diagnostic carries {key, value, note} as an account does', (t) => {
  const first = ingress(
    {'backend-protocol': 'HTTPS', 'proxy-ssl-secret': 'team/upstream-ca', 'proxy-ssl-verify': 'on'},
    {name: 'first', host: 'shop.example.com', paths: ['/api'], service: 'api', created: '2024-01-01T00:00:00Z'},
  )
  // Two hosts, one inheriting the first Ingress's proxy-ssl-*: the key keeps its own fidelity, the host-wide
  // difference is a diagnostic beside it (backend-protocol.ts accountInheritedTls).
  const second = ingress({'backend-protocol': 'HTTPS'}, {name: 'second', hosts: ['shop.example.com', 'quiet.example.com'], paths: ['/web'], service: 'web', created: '2024-01-02T00:00:00Z'})
  const r = translateAll([first, second])
  const d = r.diagnostics.find((x) => x.object === 'Ingress team/second' && x.code === 'proxy-ssl-host-wide')!
  t.is(d.fidelity, 'approximate')
  t.deepEqual(Object.keys(d.data!).sort(), ['key', 'note', 'value'])
  t.like(d.data, {key: `${P}backend-protocol`, value: 'HTTPS'})
  t.regex(String(d.data!.note), /^on shop\.example\.com nginx applied the proxy-ssl-\* settings of Ingress team\/first/)
  t.is(d.message, `${P}backend-protocol: ${String(d.data!.note)}`)
})

test('host-wide proxy-ssl from another namespace fails closed: the CA must be provided, never skipped', (t) => {
  const first = ingress(
    {'backend-protocol': 'HTTPS', 'proxy-ssl-secret': 'team/upstream-ca', 'proxy-ssl-verify': 'on'},
    {name: 'first', host: 'shop.example.com', paths: ['/api'], service: 'api', created: '2024-01-01T00:00:00Z'},
  )
  const other = ingress({'backend-protocol': 'HTTPS'}, {name: 'other', namespace: 'web', host: 'shop.example.com', paths: ['/web'], service: 'web', created: '2024-01-02T00:00:00Z'})
  const r = translateAll([first, other])
  const backend = objectsOf(r, 'Backend').find((b) => b.metadata.namespace === 'web')!
  t.is(backend.spec.tls.insecureSkipVerify, undefined)
  t.deepEqual(objectsOf(r, 'BackendTLSPolicy').find((p) => p.metadata.namespace === 'web')?.spec.validation.caCertificateRefs, [{group: '', kind: 'ConfigMap', name: 'other-backend-ca'}])
  const report = r.ingresses.find((i) => i.ingress === 'web/other')!
  t.is(report.annotations[P + 'backend-protocol'], 'manual')
  const d = r.diagnostics.find((x) => x.object === 'Ingress web/other' && x.code === 'proxy-ssl-host-wide')!
  t.regex(d.hint!, /create ConfigMap web\/other-backend-ca with the CA certificate \(ca\.crt\) of Secret team\/upstream-ca/)
  assertValid(t, r)

  // Without verification the first Ingress's Secret is its client certificate: presented host-wide by nginx.
  const client = ingress({'backend-protocol': 'HTTPS', 'proxy-ssl-secret': 'team/client'}, {name: 'first', host: 'shop.example.com', paths: ['/api'], service: 'api', created: '2024-01-01T00:00:00Z'})
  const sameNs = ingress({'backend-protocol': 'HTTPS'}, {name: 'second', host: 'shop.example.com', paths: ['/web'], service: 'web', created: '2024-01-02T00:00:00Z'})
  const c = translateAll([client, sameNs])
  t.deepEqual(objectsOf(c, 'Backend').find((b) => b.metadata.name === 'second-web-8443-first')?.spec.tls, {
    insecureSkipVerify: true,
    clientCertificateRef: {group: '', kind: 'Secret', name: 'client'},
    alpnProtocols: ['http/1.1'],
  })
  // controller.go getBackendServers keeps the server's ProxySSL only once its CAFileName is set (the Secret has ca.crt);
  // a client-certificate-only Secret is overwritten by each later Ingress of the host, which the report must say.
  const note = c.diagnostics.find((x) => x.object === 'Ingress team/second' && x.code === 'proxy-ssl-host-wide')!
  t.regex(note.message, /if that Secret has ca\.crt; without it getBackendServers keeps copying the proxy-ssl settings of each later Ingress of the host/)
})

/** Issue 20 item 6: a Backend reaches the Service's one cluster address, so a consistent hash over it sticks nothing. */
test('stickiness over an HTTPS backend: kept through the Service when verified, reported as lost otherwise', (t) => {
  const lost = translateAll([ingress({'backend-protocol': 'HTTPS', affinity: 'cookie'})])
  t.is(objectsOf(lost, 'Backend').length, 1)
  t.is(fidelityFor(lost, 'affinity'), 'manual')
  const [d] = diagnosticsFor(lost, 'affinity')
  t.is(d?.code, 'stickiness-lost-tls')
  t.regex(d!.message, /one address, so the consistent hash has one endpoint to choose from and stickiness is lost/)
  t.regex(d!.hint!, /headless Service/)

  const svc: KubeObject = {apiVersion: 'v1', kind: 'Service', metadata: {name: 'web', namespace: 'team'}, spec: {ports: [{name: 'https', port: 8443}]}}
  const kept = translateAll([ingress({'backend-protocol': 'HTTPS', 'upstream-hash-by': '$remote_addr', 'proxy-ssl-secret': 'team/ca', 'proxy-ssl-verify': 'on'}), svc])
  t.is(objectsOf(kept, 'Backend').length, 0, 'no Backend: the route keeps the Service and its pods')
  t.deepEqual(objectsOf(kept, 'HTTPRoute')[0]!.spec.rules[0].backendRefs, [{name: 'web', port: 8443}])
  t.deepEqual(objectsOf(kept, 'BackendTLSPolicy')[0]!.spec, {
    targetRefs: [{group: '', kind: 'Service', name: 'web', sectionName: 'https'}],
    validation: {caCertificateRefs: [{group: '', kind: 'Secret', name: 'ca'}], hostname: 'web.team.svc.cluster.local'},
  })
  t.is(fidelityFor(kept, 'upstream-hash-by'), 'exact')
  t.regex(diagnosticsFor(kept, 'backend-protocol')[0]!.message, /reaches the Service itself so that Envoy balances across its pods/)
  t.regex(diagnosticsFor(kept, 'proxy-ssl-secret')[0]!.hint!, /at the cost of the stickiness/)
  assertValid(t, kept)
})

test('an ExternalName Service: the warning asks for a Backend only when the output has none for it', (t) => {
  const external: KubeObject = {apiVersion: 'v1', kind: 'Service', metadata: {name: 'web', namespace: 'team'}, spec: {type: 'ExternalName', externalName: 'origin.example.net'}}
  // HTTPS: the route already goes through a Backend whose fqdn is the Service's cluster DNS name (a CNAME to origin).
  const https = translateAll([ingress({'backend-protocol': 'HTTPS'}), external])
  const [viaBackend] = https.diagnostics.filter((d) => d.code === 'externalname-service')
  t.is(viaBackend?.level, 'info')
  t.regex(viaBackend!.message, /reaches it through the Envoy Gateway Backend this conversion emits .*web\.team\.svc\.cluster\.local, which the cluster DNS resolves to origin\.example\.net/)
  t.is(viaBackend!.hint, undefined)
  t.is(objectsOf(https, 'Backend').length, 1)
  // Plain HTTP: the route names the Service, which Envoy Gateway refuses; the hint says what to create.
  const plain = translateAll([ingress({}), external])
  const [direct] = plain.diagnostics.filter((d) => d.code === 'externalname-service')
  t.is(direct?.level, 'warning')
  t.regex(direct!.hint!, /create an Envoy Gateway Backend with the fqdn endpoint origin\.example\.net/)
  t.is(objectsOf(plain, 'Backend').length, 0)
})

test('the backend override is data: backendOverrideFor derives the ref and objects from the plan, the same every time', (t) => {
  const plan = (over: Partial<BackendTlsPlan>): BackendTlsPlan => ({verify: false, viaBackend: true, clientCertificate: false, http1: true, from: [`${P}backend-protocol`], caConfigMap: 'web-backend-ca', ...over})
  const override: BackendOverrideIntent = {
    from: [`${P}backend-protocol`],
    own: plan({}),
    // A host whose server block carried Ingress team/tls-owner's proxy-ssl-* with verification on, hashed onto pods.
    byHost: new Map([['hashed.example.com', plan({verify: true, viaBackend: false, inheritedFrom: {namespace: 'team', name: 'tls-owner'}})]]),
    viaBackend: false,
  }
  // structuredClone refuses functions: the intent is plain data.
  t.deepEqual(structuredClone(override), override)
  const owner = {namespace: 'team', name: 'web'}
  const svc = {name: 'api', namespace: 'team', port: 8443}
  const service: KubeObject = {apiVersion: 'v1', kind: 'Service', metadata: {name: 'api', namespace: 'team'}, spec: {ports: [{name: 'https', port: 8443}]}}
  const own = backendOverrideFor(override, owner, svc, 'web.example.com', service)
  t.deepEqual(own.ref, {group: 'gateway.envoyproxy.io', kind: 'Backend', name: 'web-api-8443'})
  t.deepEqual(own.objects.map((o) => `${o.object.kind}/${o.object.metadata.name}`), ['Backend/web-api-8443'])
  t.deepEqual(backendOverrideFor(override, owner, svc, 'web.example.com', service), own, 'pure: the same answer for the same facts')
  // The inherited plan: verified on the Service itself (no Backend), the policy scoped to the port by its name, and
  // named after both Ingresses.
  const inherited = backendOverrideFor(override, owner, svc, 'hashed.example.com', service)
  t.is(inherited.ref, undefined)
  const policy = inherited.objects.map((o) => o.object).find((o) => o.kind === 'BackendTLSPolicy')
  t.is(policy?.metadata.name, 'web-api-8443-tls-owner')
  t.deepEqual((policy?.spec as {targetRefs: unknown[]}).targetRefs, [{group: '', kind: 'Service', name: 'api', sectionName: 'https'}])
  t.deepEqual((policy?.spec as {validation: unknown}).validation, {caCertificateRefs: [{group: '', kind: 'ConfigMap', name: 'web-backend-ca'}], hostname: 'api.team.svc.cluster.local'})
  t.deepEqual(inherited.objects[0]?.sources, ['Ingress team/web', 'Ingress team/tls-owner'])
  t.is(override.byHost.size, 1, 'the intent is not changed by use')
})

/**
 * controller.go mergeAlternativeBackends joins a canary to the primary's location by host and path, whatever its
 * namespace, and its upstream (upstreamName) keeps the canary's namespace: the canary's share reaches its own Service.
 * The Backend of that Service must not share the name of the primary's same-named Service (the route emitter keeps
 * one object per name: the canary's 20% went to the primary's Service).
 */
test('a canary of another namespace with a same-named Service reaches its own Service through its own Backend', (t) => {
  const primary = ingress({'backend-protocol': 'HTTPS'})
  const canary = ingress({canary: 'true', 'canary-weight': '20'}, {name: 'web-canary', namespace: 'canaries'})
  const r = translateAll([primary, canary])
  const refs: {name: string; weight: number}[] = objectsOf(r, 'HTTPRoute')[0]!.spec.rules[0].backendRefs
  t.is(refs.length, 2)
  t.is(refs[0]!.name, 'web-web-8443')
  t.not(refs[1]!.name, refs[0]!.name, 'the canary share has a Backend of its own')
  const hostOf = (name: string) => objectsOf(r, 'Backend').find((b) => b.metadata.name === name)?.spec.endpoints[0].fqdn.hostname
  t.deepEqual(refs.map((x) => [hostOf(x.name), x.weight]), [
    ['web.team.svc.cluster.local', 80],
    ['web.canaries.svc.cluster.local', 20],
  ])
  assertValid(t, r)
})

/**
 * controller.go getBackendServers copies the proxy-ssl-* of each host's first Ingress (with a CA) to that host's
 * server block: one Ingress with two hosts can inherit from `a/tls` on one and `b/tls` on the other, two plans. Named
 * after the inherited Ingress's name only, both plans shared one Backend: the second host's routes used the first
 * host's TLS settings (verification against a CA that host never used).
 */
test('two hosts inheriting proxy-ssl from same-named Ingresses of two namespaces keep one Backend each', (t) => {
  const verifying = ingress(
    {'backend-protocol': 'HTTPS', 'proxy-ssl-secret': 'a/ca', 'proxy-ssl-verify': 'on'},
    {name: 'tls', namespace: 'a', host: 'one.example.com', paths: ['/a'], created: '2024-01-01T00:00:00Z'},
  )
  const clientOnly = ingress(
    {'backend-protocol': 'HTTPS', 'proxy-ssl-secret': 'b/client', 'proxy-ssl-verify': 'off', 'proxy-ssl-protocols': 'TLSv1.3'},
    {name: 'tls', namespace: 'b', host: 'two.example.com', paths: ['/b'], created: '2024-01-01T00:00:00Z'},
  )
  const both = (host: string) => ({host, http: {paths: [{path: '/app', pathType: 'Prefix', backend: {service: {name: 'app', port: {number: 8443}}}}]}})
  const owner = ingress({'backend-protocol': 'HTTPS'}, {name: 'owner', namespace: 'c', created: '2024-01-02T00:00:00Z'})
  owner.spec.rules = [both('one.example.com'), both('two.example.com')]
  const r = translateAll([verifying, clientOnly, owner])
  const backendOf = (host: string) => {
    const route = objectsOf(r, 'HTTPRoute').find((x) => x.metadata.namespace === 'c' && x.spec.hostnames.includes(host) && x.spec.rules.some((rule: any) => rule.backendRefs?.length))!
    const names: string[] = route.spec.rules.flatMap((rule: any) => (rule.backendRefs ?? []).map((b: any) => b.name))
    t.is(new Set(names).size, 1, `one Backend on ${host}`)
    t.false(route.spec.hostnames.includes(host === 'one.example.com' ? 'two.example.com' : 'one.example.com'), 'the hosts are not in one rule')
    return objectsOf(r, 'Backend').find((b) => b.metadata.namespace === 'c' && b.metadata.name === names[0])!
  }
  const one = backendOf('one.example.com')
  const two = backendOf('two.example.com')
  t.not(one.metadata.name, two.metadata.name)
  // one.example.com: verified (a/tls's CA, provided by hand as a ConfigMap of c), TLS 1.2 as nginx's default protocols.
  t.is(one.spec.tls.insecureSkipVerify, undefined)
  t.is(one.metadata.annotations?.['ingress2gw.io/source'], 'Ingress a/tls, Ingress c/owner')
  t.true(objectsOf(r, 'BackendTLSPolicy').some((p) => p.spec.targetRefs[0].name === one.metadata.name))
  // two.example.com: not verified, TLS 1.3 only, as b/tls's server block said.
  t.is(two.spec.tls.insecureSkipVerify, true)
  t.is(two.spec.tls.minVersion, '1.3')
  t.is(two.metadata.annotations?.['ingress2gw.io/source'], 'Ingress b/tls, Ingress c/owner')
  t.false(objectsOf(r, 'BackendTLSPolicy').some((p) => p.spec.targetRefs[0].name === two.metadata.name))
  assertValid(t, r)
})

/**
 * Backend names join owner, Service and port with `-`: Ingress `web` with Service `api-v1` and Ingress `web-api` with
 * Service `v1` both made `web-api-v1-8443` in one namespace, two objects of one name whose second, once applied,
 * replaces the first: one host's traffic reached the other Ingress's Service.
 */
test('two Ingresses whose owner and Service names join to one Backend name keep one Backend each', (t) => {
  const first = ingress({'backend-protocol': 'HTTPS', 'proxy-ssl-secret': 'team/ca', 'proxy-ssl-verify': 'on'}, {name: 'web', service: 'api-v1', host: 'a.example.com'})
  const second = ingress({'backend-protocol': 'HTTPS'}, {name: 'web-api', service: 'v1', host: 'b.example.com'})
  const r = translateAll([first, second])
  const backends = objectsOf(r, 'Backend')
  t.is(new Set(backends.map((b) => `${b.metadata.namespace}/${b.metadata.name}`)).size, backends.length, 'no two Backends share a name')
  const policies = objectsOf(r, 'BackendTLSPolicy')
  t.is(new Set(policies.map((p) => `${p.metadata.namespace}/${p.metadata.name}`)).size, policies.length, 'no two BackendTLSPolicies share a name')
  const target = (host: string) => {
    const route = objectsOf(r, 'HTTPRoute').find((x) => x.spec.hostnames.includes(host))!
    const name = route.spec.rules[0].backendRefs[0].name
    return backends.find((b) => b.metadata.name === name)
  }
  t.is(target('a.example.com')?.spec.endpoints[0].fqdn.hostname, 'api-v1.team.svc.cluster.local')
  t.is(target('a.example.com')?.spec.tls.insecureSkipVerify, undefined, 'web verifies its backend')
  t.is(target('b.example.com')?.spec.endpoints[0].fqdn.hostname, 'v1.team.svc.cluster.local')
  t.is(target('b.example.com')?.spec.tls.insecureSkipVerify, true, 'web-api does not')
  // The policy of web's Backend targets web's Backend.
  t.deepEqual(policies.map((p) => p.spec.targetRefs[0].name), [target('a.example.com')?.metadata.name])
  assertValid(t, r)
})
