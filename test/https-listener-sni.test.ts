/**
 * Hosts with HTTPS listeners of their own (client certificates, certificate overlap) share port 443 with the shared
 * https listener. Envoy Gateway makes each HTTPS listener a filter chain with its own route table, matched by SNI with
 * the listener's hostname (internal/xds/translator/listener.go addHCMToXDSListener, addServerNamesMatch), and Envoy
 * picks the exact name, then the longest wildcard suffix, then the chain without server names
 * (source/common/listener_manager/filter_chain_manager_impl.cc findFilterChainForServerName). These tests assert on the
 * output that every TLS host's routes are in the route table of the listener Envoy hands its connections to, and that
 * listeners whose certificates overlap (HTTP/1.1 only in Envoy Gateway) are reported.
 */
import test from 'ava'
import {assertValid, controllerConfigMap, ingressWith, translateAll, useValidator} from './annotations/support.js'
import type {KubeObject, TranslateResult} from '../src/model/types.js'

useValidator()

interface Listener {
  name: string
  hostname?: string
  port: number
  protocol: string
}

const listenersOf = (r: {objects: KubeObject[]}): Listener[] => r.objects.filter((o) => o.kind === 'Gateway').flatMap((g) => g.spec.listeners)

/** The listener whose filter chain Envoy selects for a TLS connection with this SNI on port 443. */
function chainFor(listeners: Listener[], sni: string): Listener | undefined {
  const tls = listeners.filter((l) => l.port === 443 && (l.protocol === 'HTTPS' || l.protocol === 'TLS'))
  const exact = tls.find((l) => l.hostname === sni)
  if (exact) return exact
  for (let pos = sni.indexOf('.', 1); pos >= 0 && pos < sni.length - 1; pos = sni.indexOf('.', pos + 1)) {
    const wildcard = tls.find((l) => l.hostname === `*${sni.slice(pos)}`)
    if (wildcard) return wildcard
  }
  return tls.find((l) => l.hostname === undefined)
}

/** Routes served over HTTPS whose host's TLS connections land on a listener the route is not attached to. */
function misdirected(r: {objects: KubeObject[]}): string[] {
  const listeners = listenersOf(r)
  const out: string[] = []
  for (const route of r.objects.filter((o) => o.kind === 'HTTPRoute' || o.kind === 'GRPCRoute')) {
    const sections: string[] = route.spec.parentRefs.map((p: any) => p.sectionName)
    const https = sections.filter((s) => listeners.some((l) => l.name === s && l.protocol === 'HTTPS'))
    if (https.length === 0) continue
    for (const host of route.spec.hostnames ?? []) {
      const sni = host.startsWith('*.') ? `x${host.slice(1)}` : host
      const chain = chainFor(listeners, sni)
      if (!chain || !https.includes(chain.name)) out.push(`${route.metadata.namespace}/${route.metadata.name} ${host}: Envoy hands its TLS connections to ${chain?.name ?? 'no listener'}, where the route is not attached`)
    }
  }
  return out
}

function wildcardMtls(): TranslateResult {
  return translateAll(
    [
      ingressWith({'auth-tls-secret': 'apps/client-ca'}, {name: 'tenants', namespace: 'apps', host: '*.example.com', tls: true, created: '2024-01-01T00:00:00Z'}),
      ingressWith({}, {name: 'www', namespace: 'web', host: 'www.example.com', tls: true}),
      ingressWith({}, {name: 'api', namespace: 'web', host: 'api.eu.example.com', tls: true}),
      ingressWith({}, {name: 'shop', namespace: 'shop', host: 'shop.example.org', tls: true}),
    ],
    {emitGateway: true},
  )
}

test('a wildcard client-certificate listener does not take the TLS connections of the exact hosts nginx served apart', (t) => {
  const r = wildcardMtls()
  t.deepEqual(misdirected(r), [])
  const listeners = listenersOf(r)
  // Not vacuous: the wildcard listener exists, and the hosts it covers got listeners of their own; shop.example.org,
  // not covered, stays on the shared listener.
  t.is(listeners.find((l) => l.hostname === '*.example.com')?.protocol, 'HTTPS')
  t.deepEqual(
    listeners.filter((l) => l.hostname === 'www.example.com' || l.hostname === 'api.eu.example.com').map((l) => l.name),
    ['https-api-eu-example-com', 'https-www-example-com'],
  )
  const shared = listeners.find((l) => l.name === 'https') as any
  t.deepEqual(shared.tls.certificateRefs.map((c: any) => c.name), ['shop-tls'], 'Secrets of moved hosts leave the shared listener')
  const www = r.objects.find((o) => o.kind === 'ClientTrafficPolicy' && o.spec.targetRefs[0].sectionName === 'https-www-example-com')!
  t.is(www.spec.tls?.clientValidation, undefined, 'the exact host asks for no client certificate')
  t.truthy(www.spec.headers.earlyRequestHeaders, 'and gets the forwarded headers of every HTTPS listener')
  assertValid(t, r)
  t.regex(r.diagnostics.filter((d) => d.code === 'tls-sni-shadowed').map((d) => d.message).join('\n'), /https-example-com-[0-9a-f]+ \(hostname \*\.example\.com\) would receive the TLS connections for api\.eu\.example\.com, www\.example\.com/)
})

test('the SNI checker finds an exact host left on the shared listener beside a wildcard listener', (t) => {
  const r = structuredClone(wildcardMtls())
  const www = r.objects.find((o) => o.kind === 'HTTPRoute' && o.metadata.name === 'www')!
  www.spec.parentRefs[0].sectionName = 'https'
  const gw = r.objects.find((o) => o.kind === 'Gateway')!
  gw.spec.listeners = gw.spec.listeners.filter((l: any) => l.name !== 'https-www-example-com')
  t.deepEqual(misdirected(r), ['web/www www.example.com: Envoy hands its TLS connections to https-example-com-81506dd2, where the route is not attached'])
})

test('a wildcard listener made for a certificate overlap does not take the connections of the hosts it covers', (t) => {
  const r = translateAll(
    [
      // The older Ingress: team.example.com with a Secret that also declares *.example.com.
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: {name: 'team', namespace: 'a', creationTimestamp: '2024-01-01T00:00:00Z'},
        spec: {ingressClassName: 'nginx', tls: [{hosts: ['team.example.com', '*.example.com'], secretName: 'team-tls'}], rules: [{host: 'team.example.com', http: {paths: [{path: '/', pathType: 'Prefix', backend: {service: {name: 'team', port: {number: 80}}}}]}}]},
      },
      // The newer one serves the wildcard host and the apex with its own Secret: the clash on *.example.com (Envoy
      // Gateway would reject the later Secret whole) gives both hosts listeners of their own, and the wildcard
      // listener's SNI match covers team.example.com.
      ingressWith({}, {name: 'tenants', namespace: 'b', hosts: ['*.example.com', 'example.com'], tls: true, created: '2024-02-01T00:00:00Z'}),
    ],
    {emitGateway: true},
  )
  t.deepEqual(misdirected(r), [])
  t.true(listenersOf(r).some((l) => l.hostname === '*.example.com'), 'the overlap made a wildcard listener')
  t.true(listenersOf(r).some((l) => l.hostname === 'team.example.com'))
  assertValid(t, r)
})

test('listeners whose certificates share a name are reported as HTTP/1.1 only, with the gRPC hosts they break', (t) => {
  const r = translateAll(
    [
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: {name: 'payments', namespace: 'billing', annotations: {'nginx.ingress.kubernetes.io/auth-tls-secret': 'billing/client-ca'}},
        spec: {ingressClassName: 'nginx', tls: [{hosts: ['pay.example.com'], secretName: 'wildcard-tls'}], rules: [{host: 'pay.example.com', http: {paths: [{path: '/', pathType: 'Prefix', backend: {service: {name: 'pay', port: {number: 80}}}}]}}]},
      },
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: {name: 'ledger', namespace: 'billing', annotations: {'nginx.ingress.kubernetes.io/backend-protocol': 'GRPC'}},
        spec: {ingressClassName: 'nginx', tls: [{hosts: ['ledger.example.com'], secretName: 'wildcard-tls'}], rules: [{host: 'ledger.example.com', http: {paths: [{path: '/', pathType: 'Prefix', backend: {service: {name: 'ledger', port: {number: 9000}}}}]}}]},
      },
    ],
    {emitGateway: true},
  )
  const d = r.diagnostics.find((x) => x.code === 'tls-listeners-http1-only')!
  t.is(d.level, 'warning')
  t.deepEqual(d.ref, {kind: 'Gateway', namespace: 'gateway', name: 'shared'})
  const data = d.data as {gateway: string; listeners: string[]; pairs: string[]; grpcHosts: string[]}
  t.deepEqual([data.gateway, data.listeners, data.grpcHosts], ['gateway/shared', ['https', 'https-pay-example-com'], ['ledger.example.com']])
  t.true(data.pairs.some((p) => p.includes('both list Secret billing/wildcard-tls')), data.pairs.join('; '))

  // Distinct certificates for distinct names: Envoy Gateway keeps HTTP/2, nothing to report.
  const separate = translateAll(
    [
      ingressWith({'auth-tls-secret': 'billing/client-ca'}, {name: 'payments', namespace: 'billing', host: 'pay.example.com', tls: true}),
      ingressWith({'backend-protocol': 'GRPC'}, {name: 'ledger', namespace: 'billing', host: 'ledger.example.com', tls: true}),
    ],
    {emitGateway: true},
  )
  t.is(separate.diagnostics.find((x) => x.code === 'tls-listeners-http1-only'), undefined)
  // Declared names that overlap through a wildcard count as well (listener.go areOverlappingHostnames).
  const wildcard = translateAll(
    [
      ingressWith({'auth-tls-secret': 'billing/client-ca'}, {name: 'payments', namespace: 'billing', host: 'pay.example.com', tls: true}),
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: {name: 'www', namespace: 'web'},
        spec: {ingressClassName: 'nginx', tls: [{hosts: ['www.example.com', '*.example.com'], secretName: 'star-tls'}], rules: [{host: 'www.example.com', http: {paths: [{path: '/', pathType: 'Prefix', backend: {service: {name: 'www', port: {number: 80}}}}]}}]},
      },
    ],
    {emitGateway: true},
  )
  const w = wildcard.diagnostics.find((x) => x.code === 'tls-listeners-http1-only')!
  t.is(w.level, 'info')
  t.deepEqual((w.data as {grpcHosts: string[]}).grpcHosts, [])
  t.regex(w.message, /Secret web\/star-tls is declared for \*\.example\.com and Secret billing\/payments-tls for pay\.example\.com|Secret billing\/payments-tls is declared for pay\.example\.com and Secret web\/star-tls for \*\.example\.com/)
})

// A deep host with client certificates under a TLS wildcard gets a listener of its own presenting the wildcard's Secret
// (https-listeners.ts coverDeepClientAuthHost). Envoy Gateway sees the listeners' certificates overlap
// (internal/gatewayapi/listener.go checkOverlappingCertificates sets TLSOverlaps) and offers only http/1.1 on both
// (internal/xds/translator/listener.go: `TLSOverlaps && config.ALPNProtocols == nil`), which would take HTTP/2 (and gRPC)
// from every host of the shared listener. An explicit ClientTrafficPolicy tls.alpnProtocols is kept as it is; coalescing
// needs a certificate valid for the other name, and `*.example.com` is not valid for a.b.example.com.
const deepUnderWildcard = (wildcardHosts: string[] = ['*.example.com']): KubeObject[] => [
  {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {name: 'tenants', namespace: 'web'},
    spec: {ingressClassName: 'nginx', tls: [{hosts: wildcardHosts, secretName: 'tenants-tls'}], rules: [{host: '*.example.com', http: {paths: [{path: '/', pathType: 'Prefix', backend: {service: {name: 'tenants', port: {number: 80}}}}]}}]},
  },
  {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {name: 'ledger', namespace: 'web', annotations: {'nginx.ingress.kubernetes.io/backend-protocol': 'GRPC'}},
    spec: {ingressClassName: 'nginx', tls: [{hosts: ['ledger.example.com'], secretName: 'tenants-tls'}], rules: [{host: 'ledger.example.com', http: {paths: [{path: '/', pathType: 'Prefix', backend: {service: {name: 'ledger', port: {number: 9000}}}}]}}]},
  },
  {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {name: 'deep', namespace: 'web', annotations: {'nginx.ingress.kubernetes.io/auth-tls-secret': 'web/client-ca'}},
    spec: {ingressClassName: 'nginx', rules: [{host: 'a.b.example.com', http: {paths: [{path: '/', pathType: 'Prefix', backend: {service: {name: 'deep', port: {number: 80}}}}]}}]},
  },
]

const listenerPolicy = (r: TranslateResult, section: string) => r.objects.find((o) => o.kind === 'ClientTrafficPolicy' && o.spec.targetRefs?.[0]?.sectionName === section)

test('a deep mTLS host presenting the TLS wildcard\'s Secret keeps HTTP/2 on both listeners (explicit ALPN, merged into their policies)', (t) => {
  const r = translateAll(deepUnderWildcard(), {emitGateway: true})
  t.is(r.diagnostics.find((x) => x.code === 'tls-listeners-http1-only'), undefined, 'gRPC of ledger.example.com keeps HTTP/2')
  const d = r.diagnostics.find((x) => x.code === 'tls-listeners-http2-kept')!
  t.regex(d.message, /listeners https, https-a-b-example-com of gateway\/shared/)
  t.regex(d.message, /a\.b\.example\.com's listener presents the certificate of \*\.example\.com/)
  const shared = listenerPolicy(r, 'https')!
  const deep = listenerPolicy(r, 'https-a-b-example-com')!
  t.deepEqual(shared.spec.tls?.alpnProtocols, ['h2', 'http/1.1'])
  t.deepEqual(deep.spec.tls?.alpnProtocols, ['h2', 'http/1.1'])
  t.deepEqual(deep.spec.tls?.clientValidation?.caCertificateRefs?.map((c: any) => c.name), ['client-ca'], 'merged with the client certificates')
  t.is(r.objects.find((o) => o.kind === 'ClientTrafficPolicy' && o.metadata.name === 'shared-client')?.spec.tls?.alpnProtocols, undefined, 'the http listener has no TLS')
  assertValid(t, r)
})

test('explicit ALPN only where the overlap is harmless: use-http2 "false" stays, a Secret declared for the deep name keeps HTTP/1.1 only', (t) => {
  const off = translateAll([...deepUnderWildcard(), controllerConfigMap({'use-http2': 'false'})], {emitGateway: true})
  t.deepEqual(listenerPolicy(off, 'https')!.spec.tls?.alpnProtocols, ['http/1.1'], 'the ConfigMap turned HTTP/2 off: kept')
  t.deepEqual(listenerPolicy(off, 'https-a-b-example-com')!.spec.tls?.alpnProtocols, ['http/1.1'])
  // The wildcard's Secret is also declared for *.b.example.com, valid for a.b.example.com: a browser may reuse a
  // connection to ledger.example.com for a.b.example.com, so Envoy Gateway's downgrade stays.
  const covered = translateAll(deepUnderWildcard(['*.example.com', '*.b.example.com']), {emitGateway: true})
  const d = covered.diagnostics.find((x) => x.code === 'tls-listeners-http1-only')
  t.truthy(d, JSON.stringify(covered.diagnostics.map((x) => x.code)))
  t.regex(d!.message, /gRPC routes of ledger\.example\.com fail/)
  t.is(listenerPolicy(covered, 'https')?.spec.tls?.alpnProtocols, undefined)
  t.is(covered.diagnostics.find((x) => x.code === 'tls-listeners-http2-kept'), undefined)
})
