import test from 'ava'
import {translate} from '../../src/translate/index.js'
import type {KubeObject, TranslateOptions, TranslateResult} from '../../src/translate/types.js'
import {loadValidator, type Validator} from '../support/conformance.js'

const P = 'nginx.ingress.kubernetes.io/'

function ingress(annotations: Record<string, string>, opts: {name?: string; service?: string; port?: any; paths?: any[]} = {}): KubeObject {
  const name = opts.name ?? 'web'
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {name, namespace: 'team', annotations: Object.fromEntries(Object.entries(annotations).map(([k, v]) => [P + k, v]))},
    spec: {
      ingressClassName: 'nginx',
      rules: [
        {
          host: 'web.example.com',
          http: {paths: opts.paths ?? [{path: '/', pathType: 'Prefix', backend: {service: {name: opts.service ?? 'web', port: opts.port ?? {number: 8443}}}}]},
        },
      ],
    },
  }
}

function run(objects: KubeObject[], options: Partial<TranslateOptions> = {}): TranslateResult {
  return translate({objects: objects.map((object) => ({object, source: {file: 'test.yaml', line: 1}}))}, options)
}

const kind = (r: TranslateResult, k: string) => r.objects.filter((o) => o.kind === k)
const fidelity = (r: TranslateResult, key: string, i = 0) => r.ingresses[i]!.annotations[P + key]
const diags = (r: TranslateResult, key: string) => r.diagnostics.filter((d) => d.annotation === P + key)

let validator: Validator
test.before(async () => {
  validator = await loadValidator()
})

function assertValid(t: any, r: TranslateResult) {
  for (const o of r.objects) t.deepEqual(validator.validate(o), [], `${o.kind} ${o.metadata.name}`)
}

test('HTTPS by default: TLS without verification through an Envoy Gateway Backend, as nginx did', (t) => {
  const r = run([ingress({'backend-protocol': 'HTTPS'})])
  const [backend] = kind(r, 'Backend')
  t.is(backend?.metadata.name, 'web-web-8443')
  t.is(backend?.metadata.namespace, 'team')
  t.deepEqual(backend?.spec, {endpoints: [{fqdn: {hostname: 'web.team.svc.cluster.local', port: 8443}}], tls: {insecureSkipVerify: true}})
  const [route] = kind(r, 'HTTPRoute')
  t.deepEqual(route!.spec.rules[0].backendRefs, [{group: 'gateway.envoyproxy.io', kind: 'Backend', name: 'web-web-8443'}], 'no port on a Backend ref')
  t.is(kind(r, 'BackendTLSPolicy').length, 0)
  t.is(fidelity(r, 'backend-protocol'), 'approximate')
  const messages = diags(r, 'backend-protocol')
  t.regex(messages.find((d) => d.code === 'annotation-approximate')!.message, /without certificate verification.*kube-proxy.*SNI/)
  const enable = messages.find((d) => d.code === 'backend-needs-enable-backend')
  t.is(enable?.level, 'info')
  t.regex(enable!.hint!, /extensionApis\.enableBackend: true/)
  t.is(route!.metadata.annotations?.['ingress2gw.io/annotations'], P + 'backend-protocol')
  assertValid(t, r)
})

test('the value is case-insensitive, HTTP is exact and an unknown protocol falls back to HTTP', (t) => {
  const lower = run([ingress({'backend-protocol': 'https'})])
  t.is(kind(lower, 'Backend').length, 1)
  const http = run([ingress({'backend-protocol': 'HTTP'})])
  t.is(fidelity(http, 'backend-protocol'), 'exact')
  t.deepEqual(kind(http, 'HTTPRoute')[0]!.spec.rules[0].backendRefs, [{name: 'web', port: 8443}])
  const bad = run([ingress({'backend-protocol': 'SPDY'})])
  const [d] = diags(bad, 'backend-protocol')
  t.is(d?.code, 'invalid-annotation-value')
  t.regex(d!.message, /"SPDY" is not one of HTTP, HTTPS, GRPC, GRPCS, FCGI, AUTO_HTTP.*\(HTTP\)/)
  t.deepEqual(kind(bad, 'HTTPRoute')[0]!.spec.rules[0].backendRefs, [{name: 'web', port: 8443}])
  t.is(kind(bad, 'Backend').length, 0)
})

test('proxy-ssl-verify on with proxy-ssl-secret: a BackendTLSPolicy verifies with the CA, the Backend presents the client certificate', (t) => {
  const r = run([
    ingress({
      'backend-protocol': 'HTTPS',
      'proxy-ssl-secret': 'team/web-upstream-tls',
      'proxy-ssl-verify': 'on',
      'proxy-ssl-name': 'Web.Internal.Example',
      'proxy-ssl-server-name': 'on',
      'proxy-ssl-verify-depth': '2',
    }),
  ])
  const [backend] = kind(r, 'Backend')
  t.deepEqual(backend?.spec.tls, {clientCertificateRef: {group: '', kind: 'Secret', name: 'web-upstream-tls'}}, 'no insecureSkipVerify, no CA on the Backend')
  const [policy] = kind(r, 'BackendTLSPolicy')
  t.is(policy?.apiVersion, 'gateway.networking.k8s.io/v1')
  t.deepEqual(policy?.spec, {
    targetRefs: [{group: 'gateway.envoyproxy.io', kind: 'Backend', name: 'web-web-8443'}],
    validation: {caCertificateRefs: [{group: '', kind: 'Secret', name: 'web-upstream-tls'}], hostname: 'web.internal.example'},
  })
  // The one Secret serves two roles; the report says which key each reference reads.
  const [secretDiag] = diags(r, 'proxy-ssl-secret')
  t.is(fidelity(r, 'proxy-ssl-secret'), 'approximate')
  t.regex(secretDiag!.message, /ca\.crt \(the trust anchor, read by the BackendTLSPolicy's caCertificateRefs\) and tls\.crt\/tls\.key \(the client certificate, read by the Backend's tls\.clientCertificateRef\)/)
  t.regex(secretDiag!.hint!, /delete tls\.clientCertificateRef/)
  t.is(fidelity(r, 'proxy-ssl-verify'), 'exact')
  t.is(fidelity(r, 'proxy-ssl-name'), 'exact')
  t.is(fidelity(r, 'proxy-ssl-server-name'), 'exact')
  t.is(fidelity(r, 'proxy-ssl-verify-depth'), 'approximate')
  t.regex(diags(r, 'proxy-ssl-verify-depth')[0]!.message, /deeper than 2/)
  assertValid(t, r)
})

test('proxy-ssl-secret without verification: only the client certificate is referenced, and SNI follows proxy-ssl-name', (t) => {
  const r = run([ingress({'backend-protocol': 'HTTPS', 'proxy-ssl-secret': 'team/client', 'proxy-ssl-server-name': 'on', 'proxy-ssl-name': 'api.internal'})])
  t.deepEqual(kind(r, 'Backend')[0]!.spec.tls, {insecureSkipVerify: true, clientCertificateRef: {group: '', kind: 'Secret', name: 'client'}, sni: 'api.internal'})
  t.is(kind(r, 'BackendTLSPolicy').length, 0, 'no CA reference when nothing is verified')
  t.regex(diags(r, 'proxy-ssl-secret')[0]!.message, /its ca\.crt is not needed because nothing is verified/)
  assertValid(t, r)
})

test('proxy-ssl-protocols and proxy-ssl-ciphers become the Backend TLS range and cipher list', (t) => {
  const r = run([
    ingress({
      'backend-protocol': 'HTTPS',
      'proxy-ssl-secret': 'team/client',
      'proxy-ssl-protocols': 'TLSv1 TLSv1.2',
      'proxy-ssl-ciphers': 'ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384',
    }),
  ])
  const tls = kind(r, 'Backend')[0]!.spec.tls
  t.is(tls.minVersion, '1.0')
  t.is(tls.maxVersion, '1.2')
  t.deepEqual(tls.ciphers, ['ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES256-GCM-SHA384'])
  t.is(fidelity(r, 'proxy-ssl-protocols'), 'approximate')
  t.regex(diags(r, 'proxy-ssl-protocols')[0]!.message, /TLSv1\.1/)
  t.is(fidelity(r, 'proxy-ssl-ciphers'), 'exact')
  assertValid(t, r)

  const expr = run([ingress({'backend-protocol': 'HTTPS', 'proxy-ssl-secret': 'team/client', 'proxy-ssl-ciphers': 'HIGH:!aNULL:!MD5', 'proxy-ssl-protocols': 'TLSv1.2 TLSv1.3'})])
  t.is(kind(expr, 'Backend')[0]!.spec.tls.ciphers, undefined)
  t.is(kind(expr, 'Backend')[0]!.spec.tls.minVersion, undefined, 'Envoy\'s own range is not repeated')
  t.is(fidelity(expr, 'proxy-ssl-ciphers'), 'approximate')
  t.is(fidelity(expr, 'proxy-ssl-protocols'), 'exact')

  const bad = run([ingress({'backend-protocol': 'HTTPS', 'proxy-ssl-secret': 'team/client', 'proxy-ssl-protocols': 'TLSv1.4'})])
  t.is(diags(bad, 'proxy-ssl-protocols')[0]?.code, 'invalid-annotation-value')
})

test('proxy-ssl-* without proxy-ssl-secret is not read by nginx: ignored, and verify "on" is called out', (t) => {
  const r = run([ingress({'backend-protocol': 'HTTPS', 'proxy-ssl-verify': 'on', 'proxy-ssl-name': 'x.internal'})])
  t.deepEqual(kind(r, 'Backend')[0]!.spec.tls, {insecureSkipVerify: true})
  t.is(fidelity(r, 'proxy-ssl-verify'), 'ignored')
  const [d] = diags(r, 'proxy-ssl-verify')
  t.is(d?.level, 'warning')
  t.regex(d!.message, /only when proxy-ssl-secret is set: nginx did not verify/)
  t.is(fidelity(r, 'proxy-ssl-name'), 'ignored')

  const http = run([ingress({'proxy-ssl-secret': 'team/client', 'proxy-ssl-verify': 'off'})])
  t.is(fidelity(http, 'proxy-ssl-secret'), 'ignored')
  t.regex(diags(http, 'proxy-ssl-secret')[0]!.message, /backend-protocol is HTTP/)
  t.is(kind(http, 'Backend').length, 0)
})

test('--backend-tls=verify: a BackendTLSPolicy on the Service port, a CA ConfigMap to provide, the Service backendRef kept', (t) => {
  const service: KubeObject = {apiVersion: 'v1', kind: 'Service', metadata: {name: 'web', namespace: 'team'}, spec: {ports: [{name: 'https', port: 8443}, {name: 'metrics', port: 9090}]}}
  const r = run([ingress({'backend-protocol': 'HTTPS'}), service], {backendTls: 'verify'})
  t.is(kind(r, 'Backend').length, 0)
  t.deepEqual(kind(r, 'HTTPRoute')[0]!.spec.rules[0].backendRefs, [{name: 'web', port: 8443}])
  const [policy] = kind(r, 'BackendTLSPolicy')
  t.deepEqual(policy?.spec, {
    targetRefs: [{group: '', kind: 'Service', name: 'web', sectionName: 'https'}],
    validation: {caCertificateRefs: [{group: '', kind: 'ConfigMap', name: 'web-backend-ca'}], hostname: 'web.team.svc.cluster.local'},
  })
  t.is(fidelity(r, 'backend-protocol'), 'manual')
  t.regex(diags(r, 'backend-protocol')[0]!.hint!, /kubectl create configmap -n team web-backend-ca --from-file=ca\.crt=/)
  assertValid(t, r)
})

test('an invalid or cross-namespace proxy-ssl-secret means nginx did not serve the Ingress', (t) => {
  const cross = run([ingress({'backend-protocol': 'HTTPS', 'proxy-ssl-secret': 'other/upstream'})])
  t.deepEqual(cross.objects.filter((o) => ['HTTPRoute', 'Backend'].includes(o.kind)), [])
  const [d] = diags(cross, 'proxy-ssl-secret')
  t.is(d?.code, 'ingress-not-served')
  t.regex(d!.message, /another namespace.*503/)
  t.is(fidelity(cross, 'proxy-ssl-secret'), 'manual')

  const noNamespace = run([ingress({'backend-protocol': 'HTTPS', 'proxy-ssl-secret': 'upstream'})])
  t.is(diags(noNamespace, 'proxy-ssl-secret')[0]?.code, 'ingress-not-served')

  const chars = run([ingress({'backend-protocol': 'HTTPS', 'proxy-ssl-secret': 'team/up stream'})])
  t.is(diags(chars, 'proxy-ssl-secret')[0]?.code, 'ingress-not-served')
  t.regex(diags(chars, 'proxy-ssl-secret')[0]!.message, /refused the whole Ingress/)
  t.is(kind(chars, 'HTTPRoute').length, 0)
})

test('GRPC becomes a GRPCRoute with service and method matches', (t) => {
  const r = run([
    ingress(
      {'backend-protocol': 'GRPC'},
      {
        paths: [
          {path: '/', pathType: 'Prefix', backend: {service: {name: 'api', port: {number: 50051}}}},
          {path: '/billing.v1.Invoices', pathType: 'Prefix', backend: {service: {name: 'billing', port: {number: 50051}}}},
          {path: '/users.v1.Users/Get', pathType: 'Exact', backend: {service: {name: 'users', port: {number: 50051}}}},
        ],
      },
    ),
  ])
  t.is(kind(r, 'HTTPRoute').length, 0)
  const [route] = kind(r, 'GRPCRoute')
  t.deepEqual(
    route!.spec.rules.map((rule: any) => rule.matches ?? 'all'),
    ['all', [{method: {type: 'Exact', service: 'billing.v1.Invoices'}}], [{method: {type: 'Exact', service: 'users.v1.Users', method: 'Get'}}]],
  )
  t.deepEqual(route!.spec.rules[0].backendRefs, [{name: 'api', port: 50051}])
  t.is(fidelity(r, 'backend-protocol'), 'approximate')
  t.is(kind(r, 'Backend').length, 0, 'plain gRPC (h2c) needs no Backend')
  assertValid(t, r)
})

test('GRPCS is a GRPCRoute whose backends are TLS Backends', (t) => {
  const r = run([ingress({'backend-protocol': 'GRPCS'}, {service: 'api', port: {number: 50051}})])
  const [route] = kind(r, 'GRPCRoute')
  t.deepEqual(route!.spec.rules[0].backendRefs, [{group: 'gateway.envoyproxy.io', kind: 'Backend', name: 'web-api-50051'}])
  t.deepEqual(kind(r, 'Backend')[0]!.spec.tls, {insecureSkipVerify: true})
  t.regex(diags(r, 'backend-protocol').find((d) => d.code === 'annotation-approximate')!.message, /GRPCRoute.*without certificate verification/)
  assertValid(t, r)
})

test('FCGI needs an HTTP adapter; AUTO_HTTP keeps plain HTTP', (t) => {
  const fcgi = run([ingress({'backend-protocol': 'FCGI'})])
  t.is(fidelity(fcgi, 'backend-protocol'), 'manual')
  t.regex(diags(fcgi, 'backend-protocol')[0]!.hint!, /php-fpm/)
  const auto = run([ingress({'backend-protocol': 'AUTO_HTTP'})])
  t.is(fidelity(auto, 'backend-protocol'), 'approximate')
  t.regex(diags(auto, 'backend-protocol')[0]!.message, /client's scheme/)
})

test('a canary of an HTTPS Ingress reaches its Service through a Backend too (the location\'s proxy_pass applies)', (t) => {
  const primary = ingress({'backend-protocol': 'HTTPS'})
  const canary = ingress({canary: 'true', 'canary-weight': '20'}, {name: 'web-canary', service: 'web-v2'})
  const r = run([primary, canary])
  const refs = kind(r, 'HTTPRoute')[0]!.spec.rules[0].backendRefs
  t.deepEqual(refs, [
    {group: 'gateway.envoyproxy.io', kind: 'Backend', name: 'web-web-8443', weight: 80},
    {group: 'gateway.envoyproxy.io', kind: 'Backend', name: 'web-web-v2-8443', weight: 20},
  ])
  t.deepEqual(kind(r, 'Backend').map((b) => b.spec.endpoints[0].fqdn.hostname).sort(), ['web-v2.team.svc.cluster.local', 'web.team.svc.cluster.local'])
  assertValid(t, r)
})
