/**
 * The gateway-owner bundle: cert-manager Issuers and Certificates, the controller ConfigMap -> ClientTrafficPolicy
 * (+ Gateway-level defaults), tcp-/udp-services -> listeners and routes. Every emitted object is also checked
 * against the real CRDs (schema + CEL) with test/support/conformance.ts.
 */
import test from 'ava'
import {retryOnFor} from '../src/annotations/timeouts.js'
import {certificateIssuerChecks, certificatesForIngress} from '../src/translate/bundle/certificates.js'
import {clientTrafficFromConfigMap, findControllerConfigMap} from '../src/translate/bundle/client-traffic.js'
import {issuerCopyName} from '../src/model/gateway-refs.js'
import {rewriteIssuers} from '../src/translate/bundle/issuers.js'
import {findStreamConfigMap, streamServices} from '../src/translate/bundle/stream-services.js'
import {tlsVersionSpan} from '../src/model/envoy-tls.js'
import {translate} from '../src/translate/index.js'
import type {Diagnostic, KubeObject} from '../src/model/types.js'
import {loadValidator, type Validator} from './support/conformance.js'

const GW = {namespace: 'gateway', name: 'shared'}
const MANAGED = 'app.kubernetes.io/managed-by'
const SOURCE = 'ingress2gw.io/source'

let validator: Validator
test.before(async () => {
  validator = await loadValidator({channel: 'standard'})
})

function assertValid(t: any, objects: KubeObject[]): void {
  for (const obj of objects) {
    const issues = validator.validate(obj)
    t.deepEqual(issues, [], `${obj.kind} ${obj.metadata.namespace ?? ''}/${obj.metadata.name} must validate: ${JSON.stringify(issues)}`)
    t.is(obj.metadata.labels?.[MANAGED], 'ingress2gw', `${obj.kind} ${obj.metadata.name} carries the managed-by label`)
    t.truthy(obj.metadata.annotations?.[SOURCE], `${obj.kind} ${obj.metadata.name} carries its source`)
  }
}

const codes = (ds: Diagnostic[]) => ds.map((d) => d.code)
const find = (ds: Diagnostic[], code: string, annotation?: string) =>
  ds.find((d) => d.code === code && (annotation === undefined || d.annotation === annotation))

// ---------------------------------------------------------------------------------------------------------------
// Issuers

const clusterIssuer: KubeObject = {
  apiVersion: 'cert-manager.io/v1',
  kind: 'ClusterIssuer',
  metadata: {
    name: 'letsencrypt',
    uid: 'abc',
    resourceVersion: '42',
    generation: 3,
    creationTimestamp: '2024-01-01T00:00:00Z',
    managedFields: [{manager: 'kubectl'}],
    annotations: {'kubectl.kubernetes.io/last-applied-configuration': '{"big":"json"}', team: 'platform'},
  },
  spec: {
    acme: {
      server: 'https://acme-v02.api.letsencrypt.org/directory',
      email: 'ops@example.com',
      privateKeySecretRef: {name: 'letsencrypt-account'},
      solvers: [{http01: {ingress: {class: 'nginx', serviceType: 'ClusterIP', podTemplate: {spec: {nodeSelector: {pool: 'edge'}}}}}}],
    },
  },
  status: {conditions: [{type: 'Ready', status: 'True'}]},
}

const dnsSolver = {selector: {dnsZones: ['example.com']}, dns01: {cloudflare: {apiTokenSecretRef: {name: 'cloudflare-token', key: 'token'}}}}
const teamIssuer: KubeObject = {
  apiVersion: 'cert-manager.io/v1',
  kind: 'Issuer',
  metadata: {name: 'letsencrypt', namespace: 'team-a'},
  spec: {
    acme: {
      server: 'https://acme-v02.api.letsencrypt.org/directory',
      privateKeySecretRef: {name: 'team-a-acme-key'},
      solvers: [dnsSolver, {selector: {dnsNames: ['www.example.com']}, http01: {ingress: {ingressClassName: 'nginx'}}}],
    },
  },
}

const traefikIssuer: KubeObject = {
  apiVersion: 'cert-manager.io/v1',
  kind: 'Issuer',
  metadata: {name: 'other', namespace: 'team-b'},
  spec: {acme: {server: 'https://acme.example/dir', privateKeySecretRef: {name: 'k'}, solvers: [{http01: {ingress: {ingressClassName: 'traefik'}}}]}},
}

test('ClusterIssuer with an nginx http01 solver becomes a gatewayHTTPRoute solver, user fields only', (t) => {
  const {objects, diagnostics} = rewriteIssuers([clusterIssuer], {gateway: GW, httpListener: 'http', nginxClasses: ['nginx'], gatewayNamespaceNeeds: new Set()})
  t.is(objects.length, 1)
  const out = objects[0]
  t.deepEqual(out.spec.acme!.solvers, [
    {
      http01: {
        gatewayHTTPRoute: {
          parentRefs: [{group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'shared', namespace: 'gateway', sectionName: 'http'}],
          serviceType: 'ClusterIP',
          podTemplate: {spec: {nodeSelector: {pool: 'edge'}}},
        },
      },
    },
  ])
  t.is(out.spec.acme!.privateKeySecretRef.name, 'letsencrypt-account')
  t.deepEqual(Object.keys(out).sort(), ['apiVersion', 'kind', 'metadata', 'spec'])
  t.deepEqual(Object.keys(out.metadata).sort(), ['annotations', 'labels', 'name'])
  t.is(out.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration'], undefined)
  t.is(out.metadata.annotations?.team, 'platform')
  t.is(out.metadata.annotations?.[SOURCE], 'ClusterIssuer letsencrypt')
  t.truthy(find(diagnostics, 'issuer-rewritten'))
  // the input is not mutated
  t.deepEqual(clusterIssuer.spec.acme.solvers[0].http01, {ingress: {class: 'nginx', serviceType: 'ClusterIP', podTemplate: {spec: {nodeSelector: {pool: 'edge'}}}}})
  assertValid(t, objects)
})

test('Issuer with ingressClassName beside a DNS-01 solver: DNS-01 untouched, selector kept, copy in the gateway namespace', (t) => {
  const {objects, diagnostics} = rewriteIssuers([teamIssuer], {
    gateway: GW,
    httpListener: 'http',
    nginxClasses: ['nginx'],
    gatewayNamespaceNeeds: new Set(['team-a/letsencrypt']),
  })
  t.deepEqual(
    objects.map((o) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`),
    ['Issuer team-a/letsencrypt', `Issuer gateway/${issuerCopyName(GW, 'team-a', 'letsencrypt')}`],
  )
  t.regex(objects[1].metadata.name, /^team-a-letsencrypt-[0-9a-f]{8}$/, 'copies carry their origin namespace and a hash of ns/name')
  for (const o of objects) {
    const [dns, http] = o.spec.acme!.solvers!
    t.deepEqual(dns, dnsSolver)
    t.deepEqual(http!.selector, {dnsNames: ['www.example.com']})
    t.deepEqual(Object.keys(http!.http01!), ['gatewayHTTPRoute'])
    t.is(http!.http01!.gatewayHTTPRoute!.parentRefs![0]!.sectionName, 'http')
  }
  const copied = find(diagnostics, 'issuer-copied')
  t.truthy(copied)
  t.regex(copied!.message, /ACME account key Secret "team-a-acme-key" must exist in gateway/)
  t.regex(copied!.message, /cloudflare-token/)
  t.is(copied!.level, 'info')
  assertValid(t, objects)
})

test('Issuer for another ingress class is not emitted', (t) => {
  const {objects, diagnostics} = rewriteIssuers([traefikIssuer], {gateway: GW, httpListener: 'http', nginxClasses: ['nginx'], gatewayNamespaceNeeds: new Set()})
  t.deepEqual(objects, [])
  const d = find(diagnostics, 'issuer-unchanged')
  t.truthy(d)
  t.regex(d!.message, /traefik/)
  t.is(d!.object, 'Issuer team-b/other')
})

test('a needed Issuer that is missing from the input is reported', (t) => {
  const {objects, diagnostics} = rewriteIssuers([], {gateway: GW, httpListener: 'http', nginxClasses: ['nginx'], gatewayNamespaceNeeds: new Set(['team-c/le'])})
  t.deepEqual(objects, [])
  t.regex(find(diagnostics, 'issuer-not-found')!.message, /team-c-le/)
})

// ---------------------------------------------------------------------------------------------------------------
// Certificates

function ingress(ns: string, name: string, annotations: Record<string, string>, tls: any[]): KubeObject {
  return {apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: {name, namespace: ns, annotations}, spec: {tls, rules: []}}
}

test('cluster-issuer with two TLS entries gives two Certificates in the gateway namespace', (t) => {
  const ing = ingress(
    'team-a',
    'web',
    {
      'cert-manager.io/cluster-issuer': 'letsencrypt',
      'cert-manager.io/duration': '2160h',
      'cert-manager.io/renew-before': '360h',
      'cert-manager.io/usages': 'digital signature, key encipherment, server auth',
      'cert-manager.io/private-key-algorithm': 'ECDSA',
      'cert-manager.io/private-key-size': '384',
      'cert-manager.io/subject-organizations': '"Example, Inc.",Other',
      'acme.cert-manager.io/http01-edit-in-place': 'true',
    },
    [
      {hosts: ['www.example.com', 'example.com', 'www.example.com'], secretName: 'web-tls'},
      {hosts: ['api.example.com'], secretName: 'api-tls'},
    ],
  )
  const taken = new Set<string>()
  const {plans, diagnostics} = certificatesForIngress(ing, {gateway: GW, takenNames: taken})
  t.deepEqual(
    plans.map((p) => [p.certificate.metadata.name, p.secretRef, p.hosts]),
    [
      ['team-a-api-tls', {namespace: 'gateway', name: 'team-a-api-tls'}, ['api.example.com']],
      ['team-a-web-tls', {namespace: 'gateway', name: 'team-a-web-tls'}, ['example.com', 'www.example.com']],
    ],
  )
  const web = plans[1].certificate
  t.is(web.metadata.namespace, 'gateway')
  t.deepEqual(web.spec.issuerRef, {name: 'letsencrypt', kind: 'ClusterIssuer', group: 'cert-manager.io'})
  t.is(web.spec.secretName, 'team-a-web-tls')
  t.is(web.spec.duration, '2160h')
  t.is(web.spec.renewBefore, '360h')
  t.deepEqual(web.spec.usages, ['digital signature', 'key encipherment', 'server auth'])
  t.deepEqual(web.spec.privateKey, {algorithm: 'ECDSA', size: 384})
  t.deepEqual(web.spec.subject, {organizations: ['Example, Inc.', 'Other']})
  t.is(web.metadata.annotations?.[SOURCE], 'Ingress team-a/web')
  t.deepEqual(plans[1].issuer, {kind: 'ClusterIssuer', name: 'letsencrypt', group: 'cert-manager.io'})
  t.deepEqual([...taken].sort(), ['team-a-api-tls', 'team-a-web-tls'])
  t.is(find(diagnostics, 'certmanager-solver-annotation', 'acme.cert-manager.io/http01-edit-in-place')?.fidelity, 'ignored')
  t.truthy(find(diagnostics, 'certmanager-certificate', 'cert-manager.io/cluster-issuer'))
  assertValid(t, plans.map((p) => p.certificate))
})

test('the same secretName in two namespaces gives two distinct Certificates; a taken name gets a hash', (t) => {
  const taken = new Set<string>()
  const a = certificatesForIngress(ingress('team-a', 'web', {'cert-manager.io/cluster-issuer': 'le'}, [{hosts: ['a.example.com'], secretName: 'tls'}]), {gateway: GW, takenNames: taken})
  const b = certificatesForIngress(ingress('team-b', 'web', {'cert-manager.io/cluster-issuer': 'le'}, [{hosts: ['b.example.com'], secretName: 'tls'}]), {gateway: GW, takenNames: taken})
  t.is(a.plans[0].certificate.metadata.name, 'team-a-tls')
  t.is(b.plans[0].certificate.metadata.name, 'team-b-tls')
  t.not(a.plans[0].secretRef.name, b.plans[0].secretRef.name)
  // a second Ingress in team-a with the same Secret name
  const c = certificatesForIngress(ingress('team-a', 'other', {'cert-manager.io/cluster-issuer': 'le'}, [{hosts: ['c.example.com'], secretName: 'tls'}]), {gateway: GW, takenNames: taken})
  const name = c.plans[0].certificate.metadata.name
  t.regex(name, /^team-a-tls-[0-9a-f]{8}$/)
  t.is(c.plans[0].certificate.spec.secretName, name)
  t.truthy(find(c.diagnostics, 'certificate-name-taken'))
  t.is(taken.size, 3)
  assertValid(t, [...a.plans, ...b.plans, ...c.plans].map((p) => p.certificate))
})

test('an invalid private-key-algorithm is reported and left out; the rest still applies', (t) => {
  const {plans, diagnostics} = certificatesForIngress(
    ingress('team-a', 'web', {'cert-manager.io/issuer': 'letsencrypt', 'cert-manager.io/private-key-algorithm': 'DSA', 'cert-manager.io/private-key-size': '4096'}, [
      {hosts: ['www.example.com'], secretName: 'web-tls'},
    ]),
    {gateway: GW, takenNames: new Set()},
  )
  const d = find(diagnostics, 'certmanager-annotation-invalid', 'cert-manager.io/private-key-algorithm')
  t.is(d?.level, 'warning')
  t.regex(d!.message, /"DSA"/)
  const cert = plans[0].certificate
  t.deepEqual(cert.spec.privateKey, {size: 4096})
  // a namespaced Issuer lives in the Ingress namespace: the Certificate references its copy
  t.deepEqual(plans[0].issuer, {kind: 'Issuer', name: 'letsencrypt', group: 'cert-manager.io', namespace: 'team-a'})
  t.deepEqual(cert.spec.issuerRef, {name: issuerCopyName(GW, 'team-a', 'letsencrypt'), kind: 'Issuer', group: 'cert-manager.io'})
  t.false((cert.metadata.annotations?.['ingress2gw.io/annotations'] ?? '').includes('private-key-algorithm'))
  assertValid(t, [cert])
})

test('kubernetes.io/tls-acme alone needs the default issuer: no Certificate, a warning saying what to do', (t) => {
  const {plans, diagnostics} = certificatesForIngress(ingress('team-a', 'web', {'kubernetes.io/tls-acme': 'true'}, [{hosts: ['a.example.com'], secretName: 'tls'}]), {
    gateway: GW,
    takenNames: new Set(),
  })
  t.deepEqual(plans, [])
  const d = find(diagnostics, 'certmanager-tls-acme')
  t.is(d?.level, 'warning')
  t.regex(d!.hint!, /cert-manager\.io\/cluster-issuer/)
})

test('TLS entries without hosts or secretName are skipped with warnings; conflicting issuers give nothing', (t) => {
  const r = certificatesForIngress(
    ingress('team-a', 'web', {'cert-manager.io/cluster-issuer': 'le'}, [{secretName: 'no-hosts'}, {hosts: ['a.example.com']}, {hosts: ['b.example.com'], secretName: 'ok'}]),
    {gateway: GW, takenNames: new Set()},
  )
  t.deepEqual(r.plans.map((p) => p.hosts), [['b.example.com']])
  t.truthy(find(r.diagnostics, 'certificate-tls-no-hosts'))
  t.truthy(find(r.diagnostics, 'certificate-tls-no-secret'))
  const c = certificatesForIngress(ingress('team-a', 'web', {'cert-manager.io/cluster-issuer': 'le', 'cert-manager.io/issuer': 'x'}, [{hosts: ['a.example.com'], secretName: 's'}]), {
    gateway: GW,
    takenNames: new Set(),
  })
  t.deepEqual(c.plans, [])
  t.truthy(find(c.diagnostics, 'certmanager-issuer-conflict'))
})

// ---------------------------------------------------------------------------------------------------------------
// Controller ConfigMap -> ClientTrafficPolicy

function configMap(data: Record<string, string>, ns = 'ingress-nginx', name = 'ingress-nginx-controller'): KubeObject {
  return {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name, namespace: ns}, data}
}
const ctx = {gateway: GW, clientIp: 'auto' as const, nginxDefaults: false, httpsListener: 'https'}
const byName = (objects: KubeObject[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name)

test('findControllerConfigMap: explicit name wins, then the usual names', (t) => {
  const cms = [configMap({}, 'infra', 'ingress-nginx-controller'), configMap({}, 'ingress-nginx', 'nginx-configuration'), configMap({}, 'x', 'custom')]
  t.is(findControllerConfigMap(cms)?.metadata.name, 'nginx-configuration')
  t.is(findControllerConfigMap(cms, 'x/custom')?.metadata.namespace, 'x')
  t.is(findControllerConfigMap(cms, 'x/missing'), undefined)
  t.is(findControllerConfigMap([cms[0], cms[2]])?.metadata.namespace, 'infra')
  t.is(findControllerConfigMap([cms[2]]), undefined)
})

test('PROXY protocol mode: required proxyProtocol, no XFF detection, underscores dropped, HSTS on the https listener', (t) => {
  const {objects, diagnostics, checklist} = clientTrafficFromConfigMap(configMap({'use-proxy-protocol': 'true'}), ctx)
  const ctp = byName(objects, 'ClientTrafficPolicy', 'shared-client')!
  // The client address is the PROXY header's (no header detection): nginx's X-Real-IP / X-Forwarded-For
  // $remote_addr, and the Gateway-wide policy carries the http listener's scheme (nginx.tmpl, lua_ingress.lua). The
  // port is the PROXY header's destination port (nginx.tmpl `set $pass_server_port $proxy_protocol_server_port` with
  // use-proxy-protocol), which Envoy's proxy_protocol filter restores as the local address: %DOWNSTREAM_LOCAL_PORT%.
  const early = (scheme: string, port: string) => ({
    set: [
      {name: 'X-Real-IP', value: '%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%'},
      {name: 'X-Forwarded-Host', value: '%REQ(:authority)%'},
      {name: 'X-Forwarded-Port', value: port},
      {name: 'X-Forwarded-Proto', value: scheme},
      {name: 'X-Forwarded-Scheme', value: scheme},
      {name: 'X-Scheme', value: scheme},
    ],
    remove: ['X-Forwarded-For', 'Proxy'],
  })
  t.deepEqual(ctp.spec, {
    targetRefs: [{group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'shared'}],
    proxyProtocol: {},
    headers: {withUnderscoresAction: 'DropHeader', requestID: 'PreserveOrGenerate', earlyRequestHeaders: early('http', '%DOWNSTREAM_LOCAL_PORT%')},
  })
  const https = byName(objects, 'ClientTrafficPolicy', 'shared-client-https')!
  t.deepEqual(https.spec.targetRefs, [{group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'shared', sectionName: 'https'}])
  t.deepEqual(https.spec.proxyProtocol, {})
  t.deepEqual(https.spec.headers, {
    withUnderscoresAction: 'DropHeader',
    requestID: 'PreserveOrGenerate',
    earlyRequestHeaders: early('https', '%DOWNSTREAM_LOCAL_PORT%'),
    lateResponseHeaders: {set: [{name: 'Strict-Transport-Security', value: 'max-age=31536000; includeSubDomains'}]},
  })
  // lua_ingress.lua rewrite: with use-proxy-protocol, destination port 443 meant https even on a plain connection.
  t.regex(find(diagnostics, 'forwarded-headers')!.message, /destination port 443 for https even on a plain connection/)
  t.true(checklist.some((l) => /PROXY protocol and TLS: .*https-redirect route loops/.test(typeof l === 'string' ? l : l.line)))
  t.is(ctp.metadata.namespace, 'gateway')
  t.is(ctp.metadata.annotations?.[SOURCE], 'ConfigMap ingress-nginx/ingress-nginx-controller')
  t.is(find(diagnostics, 'client-ip-proxy-protocol', 'use-proxy-protocol')?.fidelity, 'exact')
  t.truthy(find(diagnostics, 'hsts'))
  t.truthy(find(diagnostics, 'proxy-body-size-default'))
  // The load-balancer step carries its id, so that a generated EnvoyProxy that does it can withdraw it (data-plane.ts).
  t.true(checklist.some((l) => typeof l !== 'string' && l.id === 'proxy-protocol' && /^PROXY protocol: configure the load balancer/.test(l.line)))
  assertValid(t, objects)
})

test('forwarded-headers mode with proxy-real-ip-cidr: trustedCIDRs; without it: one trusted hop (approximate)', (t) => {
  const withCidr = clientTrafficFromConfigMap(configMap({'use-forwarded-headers': 'true', 'proxy-real-ip-cidr': '10.0.0.0/8, 192.168.1.1'}), ctx)
  const a = byName(withCidr.objects, 'ClientTrafficPolicy', 'shared-client')!
  t.deepEqual(a.spec.clientIPDetection, {xForwardedFor: {trustedCIDRs: ['10.0.0.0/8', '192.168.1.1/32']}})
  t.is(a.spec.proxyProtocol, undefined)
  t.is(find(withCidr.diagnostics, 'client-ip-trusted-cidrs', 'proxy-real-ip-cidr')?.fidelity, 'exact')
  assertValid(t, withCidr.objects)

  const trustAll = clientTrafficFromConfigMap(configMap({'use-forwarded-headers': 'true'}), ctx)
  const b = byName(trustAll.objects, 'ClientTrafficPolicy', 'shared-client')!
  t.deepEqual(b.spec.clientIPDetection, {xForwardedFor: {numTrustedHops: 1}})
  const d = find(trustAll.diagnostics, 'client-ip-xff-hops', 'use-forwarded-headers')
  t.is(d?.fidelity, 'approximate')
  t.regex(d!.message, /leftmost/)

  const both = clientTrafficFromConfigMap(configMap({'use-forwarded-headers': 'true', 'use-proxy-protocol': 'true', 'proxy-real-ip-cidr': '10.0.0.0/8'}), ctx)
  const c = byName(both.objects, 'ClientTrafficPolicy', 'shared-client')!
  t.deepEqual(c.spec.proxyProtocol, {})
  t.deepEqual(c.spec.clientIPDetection, {xForwardedFor: {trustedCIDRs: ['10.0.0.0/8']}})
  t.truthy(find(both.diagnostics, 'client-ip-proxy-and-xff', 'use-forwarded-headers'))

  const custom = clientTrafficFromConfigMap(configMap({'use-forwarded-headers': 'true', 'forwarded-for-header': 'CF-Connecting-IP'}), ctx)
  t.deepEqual(byName(custom.objects, 'ClientTrafficPolicy', 'shared-client')!.spec.clientIPDetection, {customHeader: {name: 'CF-Connecting-IP'}})
  // Envoy Gateway listener.go: header detection turns use_remote_address off, and the custom_header extension appends
  // nothing (the xff one appends the peer): X-Forwarded-For reaches the backend exactly as received.
  const forwarded = find(custom.diagnostics, 'forwarded-headers')!.message
  t.regex(forwarded, /with the custom header CF-Connecting-IP Envoy appends nothing and passes X-Forwarded-For exactly as received/)
  t.notRegex(forwarded, /peer appended/)
  t.regex(find(trustAll.diagnostics, 'forwarded-headers')!.message, /Envoy passes the received list with the peer appended/, 'the xff detection does append')
  const full = clientTrafficFromConfigMap(configMap({'use-forwarded-headers': 'true', 'forwarded-for-header': 'CF-Connecting-IP', 'compute-full-forwarded-for': 'true'}), ctx)
  t.regex(find(full.diagnostics, 'forwarded-headers')!.message, /nginx set X-Forwarded-For to the received list plus the address of its TCP peer \(compute-full-forwarded-for\); with the custom header/)
  assertValid(t, [...trustAll.objects, ...both.objects, ...custom.objects])
})

test('--client-ip overrides the ConfigMap', (t) => {
  const r = clientTrafficFromConfigMap(configMap({'use-proxy-protocol': 'true', 'use-forwarded-headers': 'true'}), {...ctx, clientIp: {xffHops: 2}})
  const ctp = byName(r.objects, 'ClientTrafficPolicy', 'shared-client')!
  t.is(ctp.spec.proxyProtocol, undefined)
  t.deepEqual(ctp.spec.clientIPDetection, {xForwardedFor: {numTrustedHops: 2}})
  t.deepEqual(
    r.diagnostics.filter((d) => d.code === 'client-ip-overridden').map((d) => d.annotation),
    ['use-proxy-protocol', 'use-forwarded-headers'],
  )
  const none = clientTrafficFromConfigMap(undefined, {...ctx, clientIp: 'proxy-protocol'})
  t.deepEqual(byName(none.objects, 'ClientTrafficPolicy', 'shared-client')!.spec.proxyProtocol, {})
  assertValid(t, [...r.objects, ...none.objects])
})

test('TLS versions, ciphers, timeouts and header keys map to ClientTrafficPolicy fields', (t) => {
  const nginxDefaultCiphers =
    'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-AES128-GCM-SHA256'
  const r = clientTrafficFromConfigMap(
    configMap({
      'ssl-protocols': 'TLSv1 TLSv1.2',
      'ssl-ciphers': nginxDefaultCiphers,
      'enable-underscores-in-headers': 'true',
      'client-header-timeout': '30',
      'keep-alive': '200000',
      'use-http2': 'false',
      hsts: 'false',
    }),
    ctx,
  )
  // The https listener's policy exists without HSTS too: it carries the https port and scheme of the forwarded headers.
  const httpsTwin = byName(r.objects, 'ClientTrafficPolicy', 'shared-client-https')!
  t.is(httpsTwin.spec.headers.lateResponseHeaders, undefined, 'no HSTS header with hsts "false"')
  t.deepEqual(httpsTwin.spec.tls, byName(r.objects, 'ClientTrafficPolicy', 'shared-client')!.spec.tls, 'the twin repeats the TLS settings')
  const spec = byName(r.objects, 'ClientTrafficPolicy', 'shared-client')!.spec
  t.deepEqual(spec.tls.minVersion, '1.0')
  t.deepEqual(spec.tls.maxVersion, '1.2')
  t.deepEqual(spec.tls.alpnProtocols, ['http/1.1'])
  t.false(spec.tls.ciphers.some((c: string) => c.startsWith('DHE')))
  t.is(spec.tls.ciphers.length, 6)
  t.is(spec.headers.withUnderscoresAction, 'Allow')
  t.deepEqual(spec.timeout, {http: {requestHeadersReceivedTimeout: '30s', idleTimeout: '55h33m20s'}})
  t.regex(find(r.diagnostics, 'ssl-ciphers-approximate', 'ssl-ciphers')!.message, /DHE-RSA-AES256-GCM-SHA384/)
  t.regex(find(r.diagnostics, 'ssl-protocols-approximate', 'ssl-protocols')!.message, /TLS 1\.1/)
  assertValid(t, r.objects)
})

test('ConfigMap keys without effect and TLS values Envoy cannot use: code and data (the catalogue renders the message)', (t) => {
  const keyData = (ds: Diagnostic[], key: string) => ds.filter((d) => d.annotation === key).map((d) => ({code: d.code, data: d.data, level: d.level, fidelity: d.fidelity}))
  // nginx.tmpl: real_ip_header / set_real_ip_from sit under `if or (or UseForwardedHeaders UseProxyProtocol) EnableRealIP`
  // (forwarded-for-header only outside the UseProxyProtocol branches), compute-full-forwarded-for under
  // `if and UseForwardedHeaders ComputeFullForwardedFor`; the hsts-* parts only shape the header hsts turns on.
  const off = clientTrafficFromConfigMap(
    configMap({'forwarded-for-header': 'CF-Connecting-IP', 'proxy-real-ip-cidr': '10.0.0.0/8', 'compute-full-forwarded-for': 'true', hsts: 'false', 'hsts-max-age': '600', 'ssl-protocols': 'SSLv3', 'ssl-ciphers': 'NOT-A-CIPHER'}),
    ctx,
  )
  const unused = (key: string, value: string) => [{code: 'configmap-key-unused', data: {key, value}, level: 'info', fidelity: 'ignored'}]
  t.deepEqual(keyData(off.diagnostics, 'forwarded-for-header'), unused('forwarded-for-header', 'CF-Connecting-IP'))
  t.deepEqual(keyData(off.diagnostics, 'proxy-real-ip-cidr'), unused('proxy-real-ip-cidr', '10.0.0.0/8'))
  t.deepEqual(keyData(off.diagnostics, 'compute-full-forwarded-for'), unused('compute-full-forwarded-for', 'true'))
  t.deepEqual(keyData(off.diagnostics, 'hsts-max-age'), unused('hsts-max-age', '600'))
  t.deepEqual(keyData(off.diagnostics, 'ssl-protocols'), [{code: 'ssl-protocols-invalid', data: {value: 'SSLv3'}, level: 'warning', fidelity: 'ignored'}])
  t.deepEqual(keyData(off.diagnostics, 'ssl-ciphers'), [{code: 'ssl-ciphers-unsupported', data: {value: 'NOT-A-CIPHER'}, level: 'warning', fidelity: 'approximate'}])
  const tls13 = clientTrafficFromConfigMap(configMap({'ssl-protocols': 'TLSv1.3', 'ssl-ciphers': 'ECDHE-RSA-AES128-GCM-SHA256'}), ctx)
  t.deepEqual(keyData(tls13.diagnostics, 'ssl-ciphers'), [{code: 'ssl-ciphers-tls13', data: {value: 'ECDHE-RSA-AES128-GCM-SHA256'}, level: 'info', fidelity: 'ignored'}])
  // One rendering golden: the sentence the catalogue writes from that data.
  t.is(
    off.diagnostics.find((d) => d.annotation === 'proxy-real-ip-cidr')!.message,
    'proxy-real-ip-cidr: "10.0.0.0/8" had no effect without use-forwarded-headers, enable-real-ip or use-proxy-protocol',
  )
})

test('every ConfigMap key is accounted for exactly once', (t) => {
  const data: Record<string, string> = {
    'use-proxy-protocol': 'false',
    'use-forwarded-headers': 'true',
    'enable-real-ip': 'false',
    'compute-full-forwarded-for': 'true',
    'forwarded-for-header': 'X-Forwarded-For',
    'proxy-real-ip-cidr': '0.0.0.0/0',
    'ssl-protocols': 'TLSv1.2 TLSv1.3',
    'ssl-ciphers': 'ECDHE-RSA-AES128-GCM-SHA256',
    'ssl-ecdh-curve': 'secp384r1',
    'ssl-session-tickets': 'false',
    'enable-underscores-in-headers': 'false',
    'ignore-invalid-headers': 'true',
    hsts: 'true',
    'hsts-max-age': '600',
    'hsts-include-subdomains': 'false',
    'hsts-preload': 'true',
    'client-header-timeout': '60',
    'client-body-timeout': '60',
    'keep-alive': '75',
    'keep-alive-requests': '100',
    'http2-max-concurrent-streams': '64',
    'proxy-body-size': '8m',
    'proxy-connect-timeout': '10',
    'proxy-read-timeout': '120',
    'proxy-send-timeout': 'bogus',
    'proxy-next-upstream': 'error timeout http_503',
    'proxy-next-upstream-tries': '4',
    'whitelist-source-range': '10.0.0.0/8,not-a-cidr',
    'block-cidrs': '203.0.113.7',
    'global-auth-url': 'http://auth.auth-system.svc.cluster.local:8080/verify',
    'global-auth-signin': 'https://auth.example.com/start',
    'ssl-redirect': 'false',
    'http-redirect-code': '308',
    'server-snippet': 'location /x { return 200; }',
    'use-gzip': 'true',
    'worker-processes': '4',
    'log-format-upstream': '$remote_addr',
    'made-up-key': 'x',
  }
  for (const nginxDefaults of [false, true]) {
    const r = clientTrafficFromConfigMap(configMap(data), {...ctx, nginxDefaults})
    const ignored = r.diagnostics.filter((d) => d.code === 'configmap-keys-ignored')
    t.is(ignored.length, 1)
    t.regex(ignored[0].message, /keys with no effect under Envoy Gateway .*: log-format-upstream, worker-processes;/)
    t.regex(ignored[0].message, /keys not recognised, not translated: made-up-key$/)
    for (const key of Object.keys(data)) {
      const n = r.diagnostics.filter((d) => d.annotation === key).length
      const listed = ignored[0].message
        .split('; ')
        .flatMap((part) => part.split(': ').pop()!.split(', '))
        .filter((k) => k === key).length
      t.is(n + listed, 1, `${key} (nginxDefaults ${nginxDefaults}) is accounted for once, got ${n} diagnostics and ${listed} listing`)
    }
    for (const d of r.diagnostics) {
      t.is(d.object, 'ConfigMap ingress-nginx/ingress-nginx-controller')
      t.regex(d.code, /^[a-z0-9]+(-[a-z0-9]+)*$/)
    }
    assertValid(t, r.objects)
    if (!nginxDefaults) {
      t.deepEqual(r.objects.map((o) => o.kind), ['ClientTrafficPolicy', 'ClientTrafficPolicy'])
      t.regex(find(r.diagnostics, 'proxy-body-size', 'proxy-body-size')!.message, /8m.*Envoy Gateway sets no limit/)
      t.is(find(r.diagnostics, 'proxy-body-size-default'), undefined)
      const https = byName(r.objects, 'ClientTrafficPolicy', 'shared-client-https')!
      t.deepEqual(https.spec.headers.lateResponseHeaders.set, [{name: 'Strict-Transport-Security', value: 'max-age=600; preload'}])
      t.deepEqual(https.spec.tls.ecdhCurves, ['P-384'])
      t.deepEqual(https.spec.connection, {connectionLimit: {maxRequestsPerConnection: 100}})
    } else {
      const btp = byName(r.objects, 'BackendTrafficPolicy', 'shared-defaults')!
      // Gateway-level route defaults target the HTTP listeners by name: nginx applied them to HTTP locations only.
      const httpListeners = [
        {group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'shared', sectionName: 'http'},
        {group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'shared', sectionName: 'https'},
      ]
      t.deepEqual(btp.spec, {
        targetRefs: httpListeners,
        requestBuffer: {limit: '8Mi'},
        timeout: {tcp: {connectTimeout: '10s'}, http: {streamIdleTimeout: '120s'}},
        retry: {numRetries: 3, retryOn: {triggers: ['connect-failure', 'refused-stream', 'reset-before-request', 'retriable-status-codes'], httpStatusCodes: [503]}},
        // No load-balance key: nginx balanced round robin (balancer.lua DEFAULT_LB_ALG), Envoy would use LeastRequest.
        loadBalancer: {type: 'RoundRobin'},
        // use-gzip true: gzip with nginx's default gzip-min-length 256 (config.go NewDefault), Envoy's default level;
        // minContentLength needs Envoy Gateway v1.7, where the field is called compressor.
        compressor: [{type: 'Gzip', gzip: {}, minContentLength: 256}],
      })
      const sp = byName(r.objects, 'SecurityPolicy', 'shared-defaults')!
      t.deepEqual(sp.spec.targetRefs, httpListeners)
      t.deepEqual(sp.spec.authorization, {
        defaultAction: 'Deny',
        rules: [
          {name: 'block-cidrs', action: 'Deny', principal: {clientCIDRs: ['203.0.113.7/32']}},
          {name: 'allowlist-source-range', action: 'Allow', principal: {clientCIDRs: ['10.0.0.0/8']}},
        ],
      })
      // An unknown server: the URL's path, fixed, with the client headers and error status of a per-Ingress auth-url (forms.ts).
      t.deepEqual(sp.spec.extAuth, {
        http: {backendRefs: [{group: '', kind: 'Service', name: 'auth', namespace: 'auth-system', port: 8080}], pathOverride: '/verify'},
        headersToExtAuth: ['authorization', 'cookie', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto'],
        statusOnError: 500,
      })
      const grant = byName(r.objects, 'ReferenceGrant', 'ingress2gw-gateway-global-auth')!
      t.is(grant.metadata.namespace, 'auth-system')
      const exempt = byName(r.objects, 'SecurityPolicy', 'shared-acme-exempt')!
      t.deepEqual(
        exempt.spec.authorization,
        {defaultAction: 'Allow', rules: [{name: 'block-cidrs', action: 'Deny', principal: {clientCIDRs: ['203.0.113.7/32']}}]},
        'ACME challenges keep the deny lists, lose the allowlist and the auth',
      )
      t.is(exempt.spec.extAuth, undefined)
      t.is(find(r.diagnostics, 'configmap-value-invalid', 'proxy-send-timeout')?.level, 'warning')
    }
  }
})

test('without a ConfigMap nginx defaults still differ from Envoy: underscores dropped, HSTS, body size reported', (t) => {
  const r = clientTrafficFromConfigMap(undefined, ctx)
  const headers = byName(r.objects, 'ClientTrafficPolicy', 'shared-client')!.spec.headers
  t.is(headers.withUnderscoresAction, 'DropHeader')
  t.is(headers.requestID, 'PreserveOrGenerate', 'nginx passed a client X-Request-ID on and generated one when absent')
  t.deepEqual(headers.earlyRequestHeaders.set[0], {name: 'X-Real-IP', value: '%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%'})
  t.truthy(byName(r.objects, 'ClientTrafficPolicy', 'shared-client-https'))
  t.truthy(find(r.diagnostics, 'proxy-body-size-default'))
  t.true(r.diagnostics.every((d) => d.object === 'Gateway gateway/shared'))
  const withDefaults = clientTrafficFromConfigMap(undefined, {...ctx, nginxDefaults: true})
  const btp = byName(withDefaults.objects, 'BackendTrafficPolicy', 'shared-defaults')!
  t.deepEqual(btp.spec.requestBuffer, {limit: '1Mi'})
  t.deepEqual(btp.spec.retry, {numRetries: 2, retryOn: {triggers: ['connect-failure', 'refused-stream', 'reset-before-request']}}, 'the same mapping as the proxy-next-upstream annotation')
  t.is(byName(withDefaults.objects, 'SecurityPolicy', 'shared-defaults'), undefined)
  assertValid(t, [...r.objects, ...withDefaults.objects])
})

// ---------------------------------------------------------------------------------------------------------------
// tcp-services / udp-services

const services = new Map<string, KubeObject>([
  [
    'team-a/db',
    {apiVersion: 'v1', kind: 'Service', metadata: {name: 'db', namespace: 'team-a'}, spec: {ports: [{name: 'postgres', port: 5432, targetPort: 5432}]}},
  ],
  [
    'team-a/dns',
    {apiVersion: 'v1', kind: 'Service', metadata: {name: 'dns', namespace: 'team-a'}, spec: {ports: [{name: 'dns', port: 53, protocol: 'UDP'}]}},
  ],
])

const tcpCm = configMap(
  {
    '9000': 'team-a/db:5432:PROXY:PROXY',
    '9001': 'team-a/db:postgres',
    '80': 'team-a/db:5432',
    '9002': 'not-a-valid-entry',
    '9003': 'team-b/missing:http',
    '9004': 'team-a/db:6000',
  },
  'ingress-nginx',
  'tcp-services',
)

test('tcp-services with routes: listeners, TCPRoutes, PROXY decode/encode, named port; bad entries reported', (t) => {
  const r = streamServices(tcpCm, 'TCP', {gateway: GW, emitRoutes: true, services})
  t.deepEqual(
    r.listeners.map((l) => [l.name, l.port, l.protocol]),
    [
      ['tcp-9000', 9000, 'TCP'],
      ['tcp-9001', 9001, 'TCP'],
    ],
  )
  t.deepEqual(r.listeners[0].allowedRoutes, {
    namespaces: {from: 'Selector', selector: {matchLabels: {'kubernetes.io/metadata.name': 'team-a'}}},
    kinds: [{group: 'gateway.networking.k8s.io', kind: 'TCPRoute'}],
  })
  const route = byName(r.objects, 'TCPRoute', 'db-9000')!
  t.is(route.apiVersion, 'gateway.networking.k8s.io/v1')
  t.is(route.metadata.namespace, 'team-a')
  t.deepEqual(route.spec, {
    parentRefs: [{group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'shared', namespace: 'gateway', sectionName: 'tcp-9000'}],
    rules: [{backendRefs: [{name: 'db', port: 5432}]}],
  })
  t.deepEqual(byName(r.objects, 'TCPRoute', 'db-9001')!.spec.rules[0].backendRefs, [{name: 'db', port: 5432}], 'named port resolved through the Service')
  const decode = byName(r.objects, 'ClientTrafficPolicy', 'shared-tcp-9000')!
  t.deepEqual(decode.spec, {targetRefs: [{group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'shared', sectionName: 'tcp-9000'}], proxyProtocol: {}})
  t.is(decode.metadata.namespace, 'gateway')
  t.is(byName(r.objects, 'ClientTrafficPolicy', 'shared-tcp-9001')!.spec.proxyProtocol, undefined)
  const encode = byName(r.objects, 'BackendTrafficPolicy', 'db-9000')!
  t.deepEqual(encode.spec, {targetRefs: [{group: 'gateway.networking.k8s.io', kind: 'TCPRoute', name: 'db-9000'}], proxyProtocol: {version: 'V1'}})
  t.is(encode.metadata.namespace, 'team-a')
  t.is(byName(r.objects, 'BackendTrafficPolicy', 'db-9001'), undefined)
  t.is(find(r.diagnostics, 'stream-port-reserved', '80')?.level, 'warning')
  t.deepEqual(find(r.diagnostics, 'stream-entry-invalid', '9002')!.data, {entry: 'tcp-services "9002": "not-a-valid-entry"', problem: 'format'})
  t.truthy(find(r.diagnostics, 'stream-port-name-unresolved', '9003'))
  t.truthy(find(r.diagnostics, 'stream-service-port-missing', '9004'))
  assertValid(t, r.objects)
})

test('tcp-services without routes: one warning per entry saying what to do', (t) => {
  const r = streamServices(tcpCm, 'TCP', {gateway: GW, emitRoutes: false, services})
  t.deepEqual(r.objects, [])
  t.deepEqual(r.listeners, [])
  const w = r.diagnostics.filter((d) => d.code === 'stream-route-unavailable')
  t.deepEqual(w.map((d) => d.annotation), ['9000', '9001'])
  t.regex(w[0].hint!, /--tcp-routes/)
  t.regex(w[0].hint!, /LoadBalancer/)
})

test('udp-services with PROXY: warning, UDPRoute without PROXY policies', (t) => {
  const r = streamServices(configMap({'53': 'team-a/dns:53:PROXY'}, 'ingress-nginx', 'udp-services'), 'UDP', {gateway: GW, emitRoutes: true, services})
  t.truthy(find(r.diagnostics, 'stream-udp-proxy-protocol', '53'))
  t.deepEqual(r.objects.map((o) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`), ['UDPRoute team-a/dns-53'])
  t.deepEqual(r.listeners[0]!.allowedRoutes?.kinds, [{group: 'gateway.networking.k8s.io', kind: 'UDPRoute'}])
  t.is(r.listeners[0].name, 'udp-53')
  t.is(r.listeners[0].protocol, 'UDP')
  // a TCP Service port is not a UDP target
  const wrong = streamServices(configMap({'5432': 'team-a/db:5432'}, 'ingress-nginx', 'udp-services'), 'UDP', {gateway: GW, emitRoutes: true, services})
  t.truthy(find(wrong.diagnostics, 'stream-service-port-protocol', '5432'))
  assertValid(t, r.objects)
})

// ---------------------------------------------------------------------------------------------------------------
// Helpers and robustness

test('durations and sizes use the annotation units (src/model/units.ts)', (t) => {
  // Read loosely (KubeObject): the assertions below walk deep optional fields of the generated policies.
  const at = (data: Record<string, string>): KubeObject[] => clientTrafficFromConfigMap(configMap(data), {...ctx, nginxDefaults: true}).objects
  const ctp = (data: Record<string, string>) => at(data).find((o) => o.kind === 'ClientTrafficPolicy')
  const btp = (data: Record<string, string>) => at(data).find((o) => o.kind === 'BackendTrafficPolicy')
  t.is(ctp({'keep-alive': '60'})?.spec.timeout.http.idleTimeout, '60s')
  t.is(ctp({'keep-alive': '1728000'})?.spec.timeout.http.idleTimeout, '480h')
  t.is(ctp({'keep-alive': '100000'})?.spec.timeout.http.idleTimeout, '27h46m40s')
  // Beyond 99999h the Gateway duration pattern has no room: capped, never dropped.
  t.is(btp({'proxy-connect-timeout': '999999999999'})?.spec.timeout.tcp.connectTimeout, '99999h59m59s')
  t.is(btp({'proxy-connect-timeout': '0'})?.spec.timeout.tcp.connectTimeout, '0s')
  t.deepEqual(btp({'proxy-body-size': '8m'})?.spec.requestBuffer, {limit: '8Mi'})
  t.deepEqual(btp({'proxy-body-size': '1g'})?.spec.requestBuffer, {limit: '1Gi'})
  t.deepEqual(btp({'proxy-body-size': '512'})?.spec.requestBuffer, {limit: '512'})
  t.is(btp({'proxy-body-size': '0'})?.spec.requestBuffer, undefined, '0 = no limit')
  t.deepEqual(btp({'proxy-body-size': '1.5m'})?.spec.requestBuffer, {limit: '1Mi'}, 'invalid: nginx kept 1m')
  for (const data of [{'keep-alive': '1728000', 'proxy-body-size': '512'}, {'proxy-connect-timeout': '999999999999'}] as Record<string, string>[]) assertValid(t, at(data))
})

test('bad input never throws', (t) => {
  const junk: any[] = [undefined, null, {}, {kind: 'Issuer'}, {kind: 'Issuer', metadata: {name: 'x'}, spec: {acme: {solvers: 'no'}}}, {metadata: {name: 1}, data: null}]
  t.notThrows(() => rewriteIssuers(junk as any, {gateway: GW, httpListener: 'http', nginxClasses: [], gatewayNamespaceNeeds: new Set(['a/b'])}))
  t.notThrows(() => rewriteIssuers(null as any, {gateway: GW, httpListener: 'http', nginxClasses: [], gatewayNamespaceNeeds: new Set()}))
  for (const j of junk) {
    t.notThrows(() => certificatesForIngress(j, {gateway: GW, takenNames: new Set()}))
    t.notThrows(() => clientTrafficFromConfigMap(j, ctx))
    t.notThrows(() => streamServices(j, 'TCP', {gateway: GW, emitRoutes: true, services: new Map()}))
  }
  t.notThrows(() => certificatesForIngress({kind: 'Ingress', metadata: {name: 'x', namespace: 'y', annotations: {'cert-manager.io/cluster-issuer': 'le'}}, spec: {tls: [null, 'x', {hosts: [1, null]}]}} as any, {gateway: GW, takenNames: new Set()}))
  t.notThrows(() => clientTrafficFromConfigMap(configMap({'keep-alive': '-1', 'ssl-protocols': 'SSLv3', 'proxy-body-size': 'huge', 'global-auth-url': '::'}), {...ctx, nginxDefaults: true}))
  t.notThrows(() => findControllerConfigMap(junk as any))
  t.notThrows(() => streamServices(configMap({'9000': 'a/b:1:2:3:4:5', x: 'y'}), 'TCP', {gateway: GW, emitRoutes: true, services: null as any}))
})

test('diagnostic codes are kebab-case and objects are named', (t) => {
  const all: Diagnostic[] = [
    ...rewriteIssuers([clusterIssuer, teamIssuer, traefikIssuer], {gateway: GW, httpListener: 'http', nginxClasses: ['nginx'], gatewayNamespaceNeeds: new Set(['team-a/letsencrypt'])}).diagnostics,
    ...streamServices(tcpCm, 'TCP', {gateway: GW, emitRoutes: true, services}).diagnostics,
    ...clientTrafficFromConfigMap(configMap({'use-forwarded-headers': 'true'}), ctx).diagnostics,
  ]
  for (const d of all) {
    t.regex(d.code, /^[a-z0-9]+(-[a-z0-9]+)*$/)
    t.truthy(d.object)
    t.truthy(d.message)
  }
  t.true(codes(all).includes('issuer-copied'))
})

test('Gateway-level retry defaults map proxy-next-upstream as the annotation does', (t) => {
  for (const next of ['error timeout', 'error timeout http_502 http_503', 'timeout', 'error non_idempotent', 'invalid_header non_idempotent http_429']) {
    const r = clientTrafficFromConfigMap(configMap({'proxy-next-upstream': next}), {...ctx, nginxDefaults: true})
    const retry = byName(r.objects, 'BackendTrafficPolicy', 'shared-defaults')!.spec.retry
    const {triggers, codes} = retryOnFor(next.split(' '))
    t.deepEqual(retry.retryOn, codes.length > 0 ? {triggers, httpStatusCodes: codes} : {triggers}, next)
  }
  const r = clientTrafficFromConfigMap(configMap({'proxy-next-upstream': 'error bogus'}), {...ctx, nginxDefaults: true})
  t.regex(find(r.diagnostics, 'configmap-route-default-approximate', 'proxy-next-upstream')!.message, /reset-before-request.*bogus is not a proxy_next_upstream condition/)
})

test('annotation families read the same controller ConfigMap as the bundle, in any namespace', (t) => {
  const ingress: KubeObject = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {name: 'web', namespace: 'team', annotations: {'nginx.ingress.kubernetes.io/from-to-www-redirect': 'true'}},
    spec: {ingressClassName: 'nginx', rules: [{host: 'example.com', http: {paths: [{path: '/', pathType: 'Prefix', backend: {service: {name: 'web', port: {number: 80}}}}]}}]},
  }
  const redirectCode = (objects: KubeObject[]) => {
    const route = objects.find((o) => o.kind === 'HTTPRoute' && o.spec.hostnames?.includes('www.example.com'))
    return route?.spec.rules[0].filters[0].requestRedirect.statusCode
  }
  const run = (cms: KubeObject[], controllerConfigMap?: string) =>
    translate({objects: [ingress, ...cms].map((object, i) => ({object, source: {file: 'test.yaml', line: i + 1}}))}, {controllerConfigMap}).objects
  t.is(redirectCode(run([])), 308, 'nginx default without a ConfigMap')
  t.is(redirectCode(run([configMap({'http-redirect-code': '301'}, 'infra')])), 301, 'infra/ingress-nginx-controller is found')
  t.is(redirectCode(run([configMap({'http-redirect-code': '301'}, 'default', 'nginx-conf')], 'nginx-conf')), 301, 'explicit name without namespace = default/')
  t.is(redirectCode(run([configMap({'http-redirect-code': '301'}, 'infra')], 'x/missing')), 308, 'explicit name wins, even when missing')
})

// ---------------------------------------------------------------------------------------------------------------
// Review fixes

test('ACME exemption: a ConfigMap allowlist alone (no global auth) still gets the solver-route SecurityPolicy', (t) => {
  const r = clientTrafficFromConfigMap(configMap({'whitelist-source-range': '10.0.0.0/8', 'denylist-source-range': '5.6.7.8'}), {...ctx, nginxDefaults: true})
  const sp = byName(r.objects, 'SecurityPolicy', 'shared-defaults')!
  t.is(sp.spec.extAuth, undefined)
  const exempt = byName(r.objects, 'SecurityPolicy', 'shared-acme-exempt')
  t.truthy(exempt, 'HTTP-01 challenges must not hit the Gateway-level allowlist')
  t.deepEqual(exempt!.spec, {
    targetSelectors: [{group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', matchLabels: {'acme.cert-manager.io/http01-solver': 'true'}}],
    authorization: {defaultAction: 'Allow', rules: [{name: 'denylist-source-range', action: 'Deny', principal: {clientCIDRs: ['5.6.7.8/32']}}]},
  })
  const d = find(r.diagnostics, 'acme-challenge-exempt')!
  t.regex(d.message, /whitelist-source-range allowlist/)
  t.regex(d.message, /denylist-source-range\) still apply/)
  // allowlist only: nothing left to enforce on the challenge routes
  const only = clientTrafficFromConfigMap(configMap({'whitelist-source-range': '10.0.0.0/8'}), {...ctx, nginxDefaults: true})
  t.deepEqual(byName(only.objects, 'SecurityPolicy', 'shared-acme-exempt')!.spec.authorization, {defaultAction: 'Allow'})
  // deny lists only: the Gateway-level policy lets challenges through already, no copy of it
  const denyOnly = clientTrafficFromConfigMap(configMap({'block-cidrs': '1.2.3.4'}), {...ctx, nginxDefaults: true})
  t.truthy(byName(denyOnly.objects, 'SecurityPolicy', 'shared-defaults'))
  t.is(byName(denyOnly.objects, 'SecurityPolicy', 'shared-acme-exempt'), undefined)
  // without --nginx-defaults there is no Gateway-level SecurityPolicy to exempt from
  t.is(byName(clientTrafficFromConfigMap(configMap({'whitelist-source-range': '10.0.0.0/8'}), ctx).objects, 'SecurityPolicy', 'shared-acme-exempt'), undefined)
  assertValid(t, [...r.objects, ...only.objects])
})

test('ACME exemption end to end: --nginx-defaults with a ConfigMap allowlist and an HTTP-01 ClusterIssuer', (t) => {
  const objects: KubeObject[] = [
    {
      apiVersion: 'cert-manager.io/v1',
      kind: 'ClusterIssuer',
      metadata: {name: 'le'},
      spec: {acme: {server: 'https://acme-v02.api.letsencrypt.org/directory', privateKeySecretRef: {name: 'le-key'}, solvers: [{http01: {ingress: {ingressClassName: 'nginx'}}}]}},
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: {name: 'web', namespace: 'team-a', annotations: {'cert-manager.io/cluster-issuer': 'le'}},
      spec: {
        ingressClassName: 'nginx',
        tls: [{hosts: ['a.example.com'], secretName: 'web-tls'}],
        rules: [{host: 'a.example.com', http: {paths: [{path: '/', pathType: 'Prefix', backend: {service: {name: 'web', port: {number: 80}}}}]}}],
      },
    },
    configMap({'whitelist-source-range': '10.0.0.0/8'}),
  ]
  const r = translate({objects: objects.map((object, i) => ({object, source: {file: 'in.yaml', line: i + 1}}))}, {emitGateway: true, nginxDefaults: true})
  const exempt = r.objects.find((o) => o.kind === 'SecurityPolicy' && o.metadata.name === 'shared-acme-exempt')
  t.truthy(exempt)
  t.is(exempt!.metadata.namespace, 'gateway')
})

test('Issuer ingressTemplate: ingress-nginx annotations give a warning naming the exemption policy, others an info', (t) => {
  const issuer: KubeObject = {
    apiVersion: 'cert-manager.io/v1',
    kind: 'ClusterIssuer',
    metadata: {name: 'le'},
    spec: {
      acme: {
        server: 'https://acme-v02.api.letsencrypt.org/directory',
        privateKeySecretRef: {name: 'le-key'},
        solvers: [
          {
            http01: {
              ingress: {
                ingressClassName: 'nginx',
                ingressTemplate: {
                  metadata: {
                    labels: {team: 'x'},
                    annotations: {'nginx.ingress.kubernetes.io/whitelist-source-range': '0.0.0.0/0', 'example.com/owner': 'ops'},
                  },
                },
              },
            },
          },
        ],
      },
    },
  }
  const {objects, diagnostics} = rewriteIssuers([issuer], {gateway: GW, httpListener: 'http', nginxClasses: ['nginx'], gatewayNamespaceNeeds: new Set()})
  const w = find(diagnostics, 'issuer-ingress-template-nginx')!
  t.is(w.level, 'warning')
  t.regex(w.message, /nginx\.ingress\.kubernetes\.io\/whitelist-source-range: "0\.0\.0\.0\/0" \(opened the ConfigMap allowlist/)
  t.regex(w.message, /SecurityPolicy gateway\/shared-acme-exempt/)
  t.notRegex(w.message, /example\.com\/owner/)
  const i = find(diagnostics, 'issuer-ingress-template-annotations')!
  t.is(i.level, 'info')
  t.regex(i.message, /\(example\.com\/owner\)/)
  t.deepEqual(objects[0]!.spec.acme!.solvers![0]!.http01!.gatewayHTTPRoute!.labels, {team: 'x'})
})

test('streamServices: a numeric service port matches port number and protocol (dns 53/UDP + dns-tcp 53/TCP)', (t) => {
  const dns: KubeObject = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {name: 'dns', namespace: 'kube-system'},
    spec: {ports: [{name: 'dns', port: 53, protocol: 'UDP'}, {name: 'dns-tcp', port: 53, protocol: 'TCP'}]},
  }
  const svcs = new Map([['kube-system/dns', dns]])
  const tcp = streamServices(configMap({'53': 'kube-system/dns:53'}, 'ingress-nginx', 'tcp-services'), 'TCP', {gateway: GW, emitRoutes: true, services: svcs})
  t.is(find(tcp.diagnostics, 'stream-service-port-protocol'), undefined)
  t.deepEqual(tcp.objects.filter((o) => o.kind === 'TCPRoute').map((o) => o.spec.rules[0].backendRefs), [[{name: 'dns', port: 53}]])
  t.deepEqual(tcp.listeners.map((l) => `${l.name} ${l.protocol}`), ['tcp-53 TCP'])
  const udp = streamServices(configMap({'53': 'kube-system/dns:53'}, 'ingress-nginx', 'udp-services'), 'UDP', {gateway: GW, emitRoutes: true, services: svcs})
  t.deepEqual(udp.objects.map((o) => o.kind), ['UDPRoute'])
  // a port name still has to be of the entry's protocol
  const named = streamServices(configMap({'53': 'kube-system/dns:dns'}, 'ingress-nginx', 'tcp-services'), 'TCP', {gateway: GW, emitRoutes: true, services: svcs})
  t.like(find(named.diagnostics, 'stream-service-port-protocol', '53')!.data, {service: 'kube-system/dns', servicePort: 'dns', portProtocol: 'UDP', protocol: 'TCP'})
  assertValid(t, [...tcp.objects, ...udp.objects])
})

test('streamServices: the 4th field PROXY only counts with exactly 4 fields; extra fields are reported, the entry is kept', (t) => {
  const r = streamServices(configMap({'9000': 'team-a/db:5432:PROXY:PROXY:extra'}, 'ingress-nginx', 'tcp-services'), 'TCP', {gateway: GW, emitRoutes: true, services})
  t.deepEqual(r.objects.map((o) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`), ['TCPRoute team-a/db-9000', 'ClientTrafficPolicy gateway/shared-tcp-9000'])
  t.deepEqual((r.objects[1] as KubeObject).spec.proxyProtocol, {}, 'the 3rd field PROXY still decodes')
  t.is(find(r.diagnostics, 'stream-proxy-protocol-encode'), undefined, 'no BackendTrafficPolicy proxyProtocol: nginx did not encode')
  const w = find(r.diagnostics, 'stream-fields-extra', '9000')!
  t.is(w.level, 'warning')
  t.deepEqual(w.data, {entry: 'tcp-services "9000": "team-a/db:5432:PROXY:PROXY:extra"', fields: 5, extra: ['extra'], fourthProxy: true, decode: true})
  t.regex(w.hint!, /keep :PROXY as the 4th field/)
  // exactly 4 fields: encode as before
  const four = streamServices(configMap({'9000': 'team-a/db:5432:PROXY:PROXY'}, 'ingress-nginx', 'tcp-services'), 'TCP', {gateway: GW, emitRoutes: true, services})
  t.truthy(find(four.diagnostics, 'stream-proxy-protocol-encode', '9000'))
  t.is(find(four.diagnostics, 'stream-fields-extra'), undefined)
  assertValid(t, r.objects)
})

test('Issuer copies have collision-free names, and Certificates reference the same names', (t) => {
  const a = issuerCopyName(GW, 'team-a', 'le')
  const b = issuerCopyName(GW, 'team', 'a-le')
  t.not(a, b)
  t.is(issuerCopyName(GW, 'gateway', 'le'), 'le', 'an Issuer of the gateway namespace keeps its name')
  t.is(a, issuerCopyName(GW, 'team-a', 'le'), 'deterministic')
  const ca = (ns: string, name: string, secret: string): KubeObject => ({apiVersion: 'cert-manager.io/v1', kind: 'Issuer', metadata: {name, namespace: ns}, spec: {ca: {secretName: secret}}})
  const {objects} = rewriteIssuers([ca('team-a', 'le', 'ca-a'), ca('team', 'a-le', 'ca-b')], {
    gateway: GW,
    httpListener: 'http',
    nginxClasses: ['nginx'],
    gatewayNamespaceNeeds: new Set(['team-a/le', 'team/a-le']),
  })
  t.deepEqual(objects.map((o) => o.metadata.name).sort(), [a, b].sort())
  const refA = certificatesForIngress(ingress('team-a', 'web', {'cert-manager.io/issuer': 'le'}, [{hosts: ['a.example.com'], secretName: 'x'}]), {gateway: GW, takenNames: new Set()})
  const refB = certificatesForIngress(ingress('team', 'web', {'cert-manager.io/issuer': 'a-le'}, [{hosts: ['b.example.com'], secretName: 'y'}]), {gateway: GW, takenNames: new Set()})
  t.is(refA.plans[0].certificate.spec.issuerRef.name, a)
  t.is(refB.plans[0].certificate.spec.issuerRef.name, b)
  assertValid(t, objects)
})

test('copied Issuers naming the same Secret: a warning tells which copy renames its reference', (t) => {
  const acme = (ns: string, server: string): KubeObject => ({
    apiVersion: 'cert-manager.io/v1',
    kind: 'Issuer',
    metadata: {name: 'le', namespace: ns},
    spec: {acme: {server, privateKeySecretRef: {name: 'letsencrypt'}, solvers: [{dns01: {cloudflare: {apiTokenSecretRef: {name: 'cloudflare', key: 'token'}}}}]}},
  })
  const own: KubeObject = {apiVersion: 'cert-manager.io/v1', kind: 'Issuer', metadata: {name: 'internal', namespace: 'gateway'}, spec: {ca: {secretName: 'ca'}}}
  const teamC: KubeObject = {apiVersion: 'cert-manager.io/v1', kind: 'Issuer', metadata: {name: 'ca', namespace: 'team-c'}, spec: {ca: {secretName: 'ca'}}}
  const {diagnostics} = rewriteIssuers([acme('team-a', 'https://acme-v02.api.letsencrypt.org/directory'), acme('team-b', 'https://acme-staging-v02.api.letsencrypt.org/directory'), own, teamC], {
    gateway: GW,
    httpListener: 'http',
    nginxClasses: ['nginx'],
    gatewayNamespaceNeeds: new Set(['team-a/le', 'team-b/le', 'team-c/ca']),
  })
  const w = diagnostics.filter((d) => d.code === 'issuer-secret-collision')
  t.deepEqual(w.map((d) => `${d.object} ${d.level}`), ['Issuer team-c/ca warning', 'Issuer team-b/le warning', 'Issuer team-b/le warning'])
  const copyB = issuerCopyName(GW, 'team-b', 'le')
  const [ca, cloudflare, account] = w
  t.regex(ca.message, /Issuer gateway\/internal both reference Secret "ca" \(spec\.ca\.secretName\)/)
  t.regex(ca.hint!, /Issuer gateway\/internal keeps the name/)
  t.regex(cloudflare.message, /Secret "cloudflare" \(spec\.acme\.solvers\[0\]\.dns01\.cloudflare\.apiTokenSecretRef\)/)
  t.regex(account.message, new RegExp(`Issuer gateway/${copyB} \\(the copy of Issuer team-b/le\\) and Issuer gateway/${issuerCopyName(GW, 'team-a', 'le')} \\(the copy of Issuer team-a/le\\) both reference Secret "letsencrypt" \\(spec\\.acme\\.privateKeySecretRef\\)`))
  t.regex(account.hint!, new RegExp(`copy Secret team-b/letsencrypt to gateway/${copyB}-letsencrypt and change spec\\.acme\\.privateKeySecretRef of Issuer gateway/${copyB} to "${copyB}-letsencrypt"`))
  // one copy alone: no collision
  const single = rewriteIssuers([acme('team-a', 'https://x')], {gateway: GW, httpListener: 'http', nginxClasses: [], gatewayNamespaceNeeds: new Set(['team-a/le'])})
  t.is(find(single.diagnostics, 'issuer-secret-collision'), undefined)
})

test('no https listener: each hsts* key gets one diagnostic saying HSTS is not sent, and no listener policy', (t) => {
  const data = {hsts: 'true', 'hsts-max-age': '600', 'hsts-include-subdomains': 'false', 'hsts-preload': 'true', 'use-http2': 'true'}
  const r = clientTrafficFromConfigMap(configMap(data), {...ctx, hasHttpsListener: false})
  t.deepEqual(r.objects.map((o) => o.metadata.name), ['shared-client'])
  for (const key of Object.keys(data)) t.is(r.diagnostics.filter((d) => d.annotation === key).length, 1, key)
  for (const key of ['hsts', 'hsts-max-age', 'hsts-include-subdomains', 'hsts-preload']) {
    const d = find(r.diagnostics, 'hsts-no-https-listener', key)!
    t.regex(d.message, /has no https listener, so HSTS is not sent/)
    t.is(d.fidelity, 'ignored')
  }
  t.false(r.checklist.some((c) => /HSTS|shared-client-https/.test(typeof c === 'string' ? c : c.line)))
  // the default (no hsts key): no listener policy, and nothing to say about a header no HTTPS response could carry
  const dflt = clientTrafficFromConfigMap(undefined, {...ctx, hasHttpsListener: false})
  t.deepEqual(dflt.objects.map((o) => o.metadata.name), ['shared-client'])
  t.false(dflt.diagnostics.some((d) => /HSTS|Strict-Transport-Security/.test(d.message)))
  // the default context still has the https listener
  t.truthy(byName(clientTrafficFromConfigMap(configMap(data), ctx).objects, 'ClientTrafficPolicy', 'shared-client-https'))
})

test('ssl-protocols names are case-insensitive, as nginx reads them', (t) => {
  t.deepEqual(tlsVersionSpan(['tlsv1.2', 'TLSV1.3']), {min: '1.2', max: '1.3', unknown: [], missing: []})
  t.deepEqual(tlsVersionSpan(['TLSv1', 'sslv3']), {min: '1.0', max: '1.0', unknown: ['sslv3'], missing: []})
  const r = clientTrafficFromConfigMap(configMap({'ssl-protocols': 'tlsv1.2 tlsv1.3'}), ctx)
  t.deepEqual(byName(r.objects, 'ClientTrafficPolicy', 'shared-client')!.spec.tls, {minVersion: '1.2', maxVersion: '1.3'})
  t.is(find(r.diagnostics, 'configmap-key-mapped', 'ssl-protocols')?.fidelity, 'exact')
})

test('Helm-named controller and stream ConfigMaps are found (<release>-ingress-nginx-controller, <fullname>-tcp/-udp)', (t) => {
  const helm = configMap({}, 'ingress', 'nginx-ingress-nginx-controller')
  t.is(findControllerConfigMap([helm, configMap({}, 'x', 'custom')]), helm)
  const usual = configMap({}, 'ingress-nginx', 'ingress-nginx-controller')
  t.is(findControllerConfigMap([helm, usual]), usual, 'the usual names come first')
  const other = configMap({}, 'zz', 'other-ingress-nginx-controller')
  t.is(findControllerConfigMap([other, helm]), helm, 'several Helm names: ns/name order')
  t.is(findControllerConfigMap([configMap({}, 'x', 'ingress-nginx-controllers')]), undefined)

  const tcpHelm = configMap({}, 'ingress-nginx', 'ingress-nginx-tcp')
  const udpHelm = configMap({}, 'ingress', 'nginx-ingress-nginx-udp')
  const tcpDoc = configMap({}, 'ingress-nginx', 'tcp-services')
  t.is(findStreamConfigMap([tcpHelm, udpHelm], undefined, 'TCP'), tcpHelm)
  t.is(findStreamConfigMap([tcpHelm, udpHelm], undefined, 'UDP'), udpHelm)
  t.is(findStreamConfigMap([tcpHelm, tcpDoc], undefined, 'TCP'), tcpDoc, 'tcp-services in ingress-nginx first')
  t.is(findStreamConfigMap([tcpHelm, tcpDoc], 'ingress-nginx/ingress-nginx-tcp', 'TCP'), tcpHelm, 'explicit wins')
  t.is(findStreamConfigMap([tcpHelm], 'x/missing', 'TCP'), undefined)
  t.is(findStreamConfigMap([configMap({}, 'b', 'udp-services'), configMap({}, 'a', 'udp-services')], undefined, 'UDP')?.metadata.namespace, 'a')
  t.is(findStreamConfigMap([configMap({}, 'a', 'my-tcp')], undefined, 'TCP'), undefined)
})

test('renew-before not shorter than the (default 90d) duration is reported with both values and left out', (t) => {
  const r = certificatesForIngress(ingress('team-a', 'web', {'cert-manager.io/cluster-issuer': 'le', 'cert-manager.io/renew-before': '2400h'}, [{hosts: ['a.example.com'], secretName: 'tls'}]), {
    gateway: GW,
    takenNames: new Set(),
  })
  const d = find(r.diagnostics, 'certificate-renew-before-too-long', 'cert-manager.io/renew-before')!
  t.is(d.level, 'warning')
  t.regex(d.message, /"2400h" is not shorter than the default duration 2160h/)
  t.is(r.plans[0].certificate.spec.renewBefore, undefined)
  const explicit = certificatesForIngress(
    ingress('team-a', 'web', {'cert-manager.io/cluster-issuer': 'le', 'cert-manager.io/duration': '720h', 'cert-manager.io/renew-before': '720h'}, [{hosts: ['a.example.com'], secretName: 'tls'}]),
    {gateway: GW, takenNames: new Set()},
  )
  t.regex(find(explicit.diagnostics, 'certificate-renew-before-too-long')!.message, /"720h" is not shorter than the duration 720h/)
  const fine = certificatesForIngress(ingress('team-a', 'web', {'cert-manager.io/cluster-issuer': 'le', 'cert-manager.io/renew-before': '720h'}, [{hosts: ['a.example.com'], secretName: 'tls'}]), {
    gateway: GW,
    takenNames: new Set(),
  })
  t.is(fine.plans[0].certificate.spec.renewBefore, '720h')
  t.is(find(fine.diagnostics, 'certificate-renew-before-too-long'), undefined)
})

test('wildcard dnsNames with an issuer that only has HTTP-01 solvers: warning (ACME needs DNS-01 for wildcards)', (t) => {
  const http01Only: KubeObject = {
    apiVersion: 'cert-manager.io/v1',
    kind: 'ClusterIssuer',
    metadata: {name: 'le'},
    spec: {acme: {server: 'https://acme-v02.api.letsencrypt.org/directory', privateKeySecretRef: {name: 'k'}, solvers: [{http01: {ingress: {class: 'nginx'}}}]}},
  }
  const {plans} = certificatesForIngress(ingress('team-a', 'web', {'cert-manager.io/cluster-issuer': 'le'}, [{hosts: ['*.example.com', 'example.com'], secretName: 'tls'}]), {gateway: GW, takenNames: new Set()})
  const w = certificateIssuerChecks(plans, [http01Only])
  t.is(w.length, 1)
  t.is(w[0].code, 'certificate-wildcard-http01')
  t.is(w[0].level, 'warning')
  t.is(w[0].object, 'Ingress team-a/web')
  t.regex(w[0].message, /\*\.example\.com, but ClusterIssuer le has only ACME HTTP-01 solvers/)
  // a DNS-01 solver, an unknown issuer, or no wildcard: nothing to say
  const withDns = {...http01Only, spec: {acme: {...http01Only.spec.acme, solvers: [...http01Only.spec.acme.solvers, dnsSolver]}}}
  t.deepEqual(certificateIssuerChecks(plans, [withDns]), [])
  t.deepEqual(certificateIssuerChecks(plans, []), [])
  const plain = certificatesForIngress(ingress('team-a', 'web', {'cert-manager.io/cluster-issuer': 'le'}, [{hosts: ['a.example.com'], secretName: 'tls'}]), {gateway: GW, takenNames: new Set()})
  t.deepEqual(certificateIssuerChecks(plain.plans, [http01Only]), [])
  // a namespaced Issuer is looked up in the Ingress namespace
  const nsIssuer = {...http01Only, kind: 'Issuer', metadata: {name: 'le', namespace: 'team-a'}}
  const ns = certificatesForIngress(ingress('team-a', 'web', {'cert-manager.io/issuer': 'le'}, [{hosts: ['*.example.com'], secretName: 'tls'}]), {gateway: GW, takenNames: new Set()})
  t.is(certificateIssuerChecks(ns.plans, [nsIssuer]).length, 1)
  t.deepEqual(certificateIssuerChecks(ns.plans, [{...nsIssuer, metadata: {name: 'le', namespace: 'team-b'}}]), [])
  t.notThrows(() => certificateIssuerChecks(null as any, null as any))
})
