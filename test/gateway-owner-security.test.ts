/**
 * Security properties of the gateway owner's bundle, asserted on the emitted objects as Envoy Gateway v1.9 reads them
 * (issue 16 items 1, 2 and 5). Each checker is also run on a deliberately broken copy of the output, so that it is
 * shown to fail when the property does not hold.
 */
import test from 'ava'
import {configMap, ingressWith, service, translateAll} from './annotations/support.js'
import type {KubeObject, TranslateOptions, TranslateResult} from '../src/model/types.js'

const GW = 'gateway.networking.k8s.io'
const listenersOf = (r: {objects: KubeObject[]}) => r.objects.filter((o) => o.kind === 'Gateway').flatMap((g) => g.spec.listeners.map((l: any) => ({gateway: g.metadata.name, ...l})))
const clone = <T>(v: T): T => structuredClone(v)

// ---------------------------------------------------------------------------------------------------------------
// Item 2: no route of a host that needs client certificates is reachable without one.

/**
 * Violations of "every route serving an mTLS host over HTTPS goes through a listener of that host only, whose
 * ClientTrafficPolicy requires and verifies a client certificate". A parentRef to a listener the Gateway does not
 * have attaches nowhere (Gateway API: the parent is not accepted), so it serves nothing. Plain HTTP is allowed only
 * where the Ingress turned the HTTPS redirect off, as nginx asked for no certificate on port 80.
 */
function reachableWithoutClientCertificate(r: {objects: KubeObject[]}, mtlsHosts: Set<string>, plainHttpAllowed: Set<string>): string[] {
  const violations: string[] = []
  const listeners = listenersOf(r)
  const ctps = r.objects.filter((o) => o.kind === 'ClientTrafficPolicy')
  for (const route of r.objects.filter((o) => o.kind === 'HTTPRoute' || o.kind === 'GRPCRoute')) {
    const hosts: string[] = (route.spec.hostnames ?? []).filter((h: string) => mtlsHosts.has(h))
    if (hosts.length === 0) continue
    const id = `${route.kind} ${route.metadata.namespace}/${route.metadata.name}`
    for (const parent of route.spec.parentRefs) {
      const listener = listeners.find((l) => l.gateway === parent.name && l.name === parent.sectionName)
      if (!listener) continue
      if (listener.protocol === 'HTTP') {
        // The https-redirect routes answer with a redirect and reach no backend.
        const servesContent = route.spec.rules.some((rule: any) => (rule.backendRefs ?? []).length > 0)
        if (servesContent && !plainHttpAllowed.has(route.metadata.name)) violations.push(`${id} is served over plain HTTP on ${listener.name}`)
        continue
      }
      for (const host of hosts) {
        if (listener.hostname !== undefined && listener.hostname !== host) continue // the listener does not admit this name
        const policy = ctps.find((c) => c.spec.targetRefs.some((t: any) => t.kind === 'Gateway' && t.name === parent.name && t.sectionName === listener.name))
        const validation = policy?.spec.tls?.clientValidation
        // clienttrafficpolicy.go buildListenerTLSParameters: no mode and no `optional` is RequireAndVerify.
        const mode = validation?.mode ?? (validation?.optional ? 'VerifyIfGiven' : 'RequireAndVerify')
        if (listener.hostname !== host) violations.push(`${id}: ${host} is reachable through ${listener.name}, a listener of no single host`)
        else if (!validation || mode !== 'RequireAndVerify' || !(validation.caCertificateRefs?.length > 0)) {
          violations.push(`${id}: ${host} is reachable through ${listener.name} without a verified client certificate`)
        }
      }
    }
  }
  return violations
}

const mtls = {'auth-tls-secret': 'billing/client-ca'}
function mtlsScenario(emitGateway: boolean): TranslateResult {
  return translateAll(
    [
      // The older Ingress of the host names the CA; its certificate is also passed upstream; it has an alias.
      ingressWith({...mtls, 'auth-tls-pass-certificate-to-upstream': 'true', 'server-alias': 'payments.example.com'}, {name: 'payments', namespace: 'billing', host: 'pay.example.com', tls: true, created: '2024-01-01T00:00:00Z'}),
      // Newer Ingresses on the same host without annotations: nginx's server asked for certificates for them too.
      ingressWith({}, {name: 'receipts', namespace: 'billing', host: 'pay.example.com', paths: ['/receipts'], created: '2024-02-01T00:00:00Z'}),
      ingressWith({'backend-protocol': 'GRPC'}, {name: 'ledger', namespace: 'billing', host: 'pay.example.com', paths: ['/ledger.v1.Ledger'], created: '2024-03-01T00:00:00Z'}),
      // ssl-redirect off: nginx also served plain HTTP for it, without certificates.
      ingressWith({...mtls, 'ssl-redirect': 'false'}, {name: 'partners', namespace: 'billing', host: 'partners.example.com', tls: true}),
      // A subject check no listener can express: nothing may be reachable.
      ingressWith({...mtls, 'auth-tls-match-cn': 'CN=kiosk'}, {name: 'kiosk', namespace: 'billing', host: 'kiosk.example.com', tls: true}),
      // A host whose certificate overlaps another's gets a listener of its own as well.
      ingressWith({}, {name: 'www', namespace: 'web', host: 'www.example.com', tls: true}),
    ],
    {emitGateway},
  )
}
const mtlsHosts = new Set(['pay.example.com', 'payments.example.com', 'partners.example.com', 'kiosk.example.com'])

test('client certificates: no route of an mTLS host is reachable without one, with or without the gateway bundle', (t) => {
  for (const emitGateway of [true, false]) {
    const r = mtlsScenario(emitGateway)
    t.deepEqual(reachableWithoutClientCertificate(r, mtlsHosts, new Set(['partners'])), [], `emitGateway ${emitGateway}`)
    // Not vacuous: every mTLS host is served by some route, and with the bundle through a listener that checks.
    for (const host of ['pay.example.com', 'payments.example.com', 'partners.example.com', 'kiosk.example.com']) {
      t.true(r.objects.some((o) => o.kind.endsWith('Route') && (o.spec.hostnames ?? []).includes(host)), `${host} has a route (emitGateway ${emitGateway})`)
    }
    if (emitGateway) {
      const names = listenersOf(r).map((l) => l.name)
      t.true(names.includes('https-pay-example-com') && names.includes('https-payments-example-com') && names.includes('https-partners-example-com'))
      t.false(names.includes('https-kiosk-example-com'), 'match-cn: not generated')
    }
  }
})

test('client certificates: the checker finds a route moved back to the shared https listener, or a listener without validation', (t) => {
  const r = mtlsScenario(true)
  const moved = clone(r)
  const receipts = moved.objects.find((o) => o.kind === 'HTTPRoute' && o.metadata.name === 'receipts')!
  receipts.spec.parentRefs = [{group: GW, kind: 'Gateway', name: 'shared', namespace: 'gateway', sectionName: 'https'}]
  t.regex(reachableWithoutClientCertificate(moved, mtlsHosts, new Set(['partners'])).join('\n'), /receipts: pay\.example\.com is reachable through https, a listener of no single host/)
  const weakened = clone(r)
  const ctp = weakened.objects.find((o) => o.kind === 'ClientTrafficPolicy' && o.metadata.name === 'shared-client-https-pay-example-com')!
  delete ctp.spec.tls.clientValidation
  t.regex(reachableWithoutClientCertificate(weakened, mtlsHosts, new Set(['partners'])).join('\n'), /without a verified client certificate/)
})

// ---------------------------------------------------------------------------------------------------------------
// Item 5: TCP and TLS passthrough listeners are untouched by HTTP authorization.

/** Gateway-level SecurityPolicies / BackendTrafficPolicies that reach a listener other than HTTP/HTTPS ones. */
function nonHttpListenersReached(r: {objects: KubeObject[]}): string[] {
  const violations: string[] = []
  const listeners = listenersOf(r)
  for (const p of r.objects.filter((o) => o.kind === 'SecurityPolicy' || o.kind === 'BackendTrafficPolicy')) {
    for (const t of p.spec.targetRefs ?? []) {
      if (t.kind === 'TCPRoute' || t.kind === 'TLSRoute' || t.kind === 'UDPRoute') {
        if (p.kind === 'SecurityPolicy' || p.metadata.namespace === 'gateway') violations.push(`${p.kind} ${p.metadata.name} targets ${t.kind} ${t.name}`)
        continue
      }
      if (t.kind !== 'Gateway') continue
      const reached = listeners.filter((l) => l.gateway === t.name && (t.sectionName === undefined || l.name === t.sectionName))
      for (const l of reached) if (l.protocol !== 'HTTP' && l.protocol !== 'HTTPS') violations.push(`${p.kind} ${p.metadata.name} reaches ${l.protocol} listener ${l.name}`)
      if (t.sectionName !== undefined && reached.length === 0) violations.push(`${p.kind} ${p.metadata.name} names listener ${t.sectionName}, which the Gateway does not have`)
    }
  }
  return violations
}

function policyScenario(options: Partial<TranslateOptions>): TranslateResult {
  return translateAll(
    [
      configMap('ingress-nginx', 'ingress-nginx-controller', {
        'whitelist-source-range': '10.0.0.0/8',
        'block-cidrs': '203.0.113.0/24',
        'global-auth-url': 'http://auth.auth-system.svc.cluster.local/verify',
      }),
      configMap('ingress-nginx', 'tcp-services', {'5432': 'db/postgres:5432', '6379': 'db/redis:6379:PROXY'}),
      service('db', 'postgres', [{name: 'pg', port: 5432}]),
      service('db', 'redis', [{name: 'redis', port: 6379}]),
      ingressWith({'ssl-passthrough': 'true'}, {name: 'vault', namespace: 'vault', host: 'vault.example.com', port: 8200}),
      ingressWith(mtls, {name: 'payments', namespace: 'billing', host: 'pay.example.com', tls: true}),
      ingressWith({'whitelist-source-range': '192.168.0.0/16'}, {name: 'web', namespace: 'web', host: 'www.example.com', tls: true}),
    ],
    options,
  )
}

test('ConfigMap access lists and route defaults reach the HTTP listeners only, never TCP or TLS passthrough listeners', (t) => {
  const r = policyScenario({emitGateway: true, nginxDefaults: true, tcpRoutes: true})
  t.deepEqual(nonHttpListenersReached(r), [])
  // Not vacuous: the Gateway has TCP and TLS listeners, and the Gateway-level policies exist with authorization.
  const protocols = new Set(listenersOf(r).map((l) => l.protocol))
  t.true(protocols.has('TCP') && protocols.has('TLS'))
  const sp = r.objects.find((o) => o.kind === 'SecurityPolicy' && o.metadata.name === 'shared-defaults')!
  t.truthy(sp.spec.authorization)
  t.deepEqual(sp.spec.targetRefs.map((x: any) => x.sectionName), ['http', 'https', 'https-pay-example-com'], 'every HTTP listener, the host listener included')
  t.truthy(r.objects.find((o) => o.kind === 'BackendTrafficPolicy' && o.metadata.name === 'shared-defaults'))
})

test('the listener checker finds a Gateway-wide SecurityPolicy', (t) => {
  const r = clone(policyScenario({emitGateway: true, nginxDefaults: true, tcpRoutes: true}))
  const sp = r.objects.find((o) => o.kind === 'SecurityPolicy' && o.metadata.name === 'shared-defaults')!
  sp.spec.targetRefs = [{group: GW, kind: 'Gateway', name: 'shared'}]
  const v = nonHttpListenersReached(r)
  t.true(v.some((x) => /reaches TCP listener tcp-5432/.test(x)))
  t.true(v.some((x) => /reaches TLS listener tls-vault-example-com/.test(x)))
})

// ---------------------------------------------------------------------------------------------------------------
// Item 1: a client-sent X-Real-IP never reaches the backend unchanged.

interface Request {
  headers: Map<string, string>
}

/**
 * Envoy Gateway's early header mutation (internal/xds/translator/header_mutation.go buildHeaderMutationRules: set /
 * add / addIfAbsent rules first, then removes) followed by the connection manager: with no clientIPDetection Envoy
 * runs with use_remote_address and appends the peer to X-Forwarded-For (listener.go addHCMToXDSListener). A value
 * with a %FORMAT% operator is computed by Envoy, never taken from the client.
 */
function throughEnvoy(request: Request, ctp: KubeObject | undefined, peer: string): Request {
  const headers = new Map(request.headers)
  const early = ctp?.spec.headers?.earlyRequestHeaders ?? {}
  const envoyValue = (v: string) => (v === '%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%' ? peer : v.includes('%') ? `<envoy ${v}>` : v)
  for (const h of early.set ?? []) headers.set(h.name.toLowerCase(), envoyValue(h.value))
  for (const h of early.add ?? []) headers.set(h.name.toLowerCase(), [headers.get(h.name.toLowerCase()), envoyValue(h.value)].filter(Boolean).join(','))
  for (const h of early.addIfAbsent ?? []) if (!headers.has(h.name.toLowerCase())) headers.set(h.name.toLowerCase(), envoyValue(h.value))
  for (const name of early.remove ?? []) headers.delete(name.toLowerCase())
  if (!ctp?.spec.clientIPDetection) headers.set('x-forwarded-for', [headers.get('x-forwarded-for'), peer].filter(Boolean).join(', '))
  return {headers}
}

/** The ClientTrafficPolicy Envoy Gateway applies to a listener: the listener's own, else the Gateway-wide one. */
function policyFor(r: TranslateResult, gateway: string, listener: string): KubeObject | undefined {
  const ctps = r.objects.filter((o) => o.kind === 'ClientTrafficPolicy')
  const targets = (c: KubeObject, section?: string) => c.spec.targetRefs.some((x: any) => x.kind === 'Gateway' && x.name === gateway && x.sectionName === section)
  return ctps.find((c) => targets(c, listener)) ?? ctps.find((c) => targets(c, undefined))
}

const FORGED = '6.6.6.6'
function forgedHeaderViolations(r: TranslateResult): string[] {
  const violations: string[] = []
  for (const l of listenersOf(r).filter((x) => x.protocol === 'HTTP' || x.protocol === 'HTTPS')) {
    const ctp = policyFor(r, l.gateway, l.name)
    const out = throughEnvoy({headers: new Map([['x-real-ip', FORGED], ['x-forwarded-for', FORGED]])}, ctp, '198.51.100.7')
    if (out.headers.get('x-real-ip') === FORGED) violations.push(`${l.gateway}/${l.name}: X-Real-IP reaches the backend as the client sent it`)
    // Without header-based detection nginx sent X-Forwarded-For with the client address alone.
    if (!ctp?.spec.clientIPDetection && out.headers.get('x-forwarded-for') !== '198.51.100.7') {
      violations.push(`${l.gateway}/${l.name}: X-Forwarded-For is "${out.headers.get('x-forwarded-for')}", not the client address alone`)
    }
  }
  return violations
}

const headerModes: [string, Record<string, string> | undefined, Partial<TranslateOptions>][] = [
  ['no ConfigMap', undefined, {}],
  ['use-proxy-protocol', {'use-proxy-protocol': 'true'}, {}],
  ['use-forwarded-headers', {'use-forwarded-headers': 'true'}, {}],
  ['use-forwarded-headers + proxy-real-ip-cidr', {'use-forwarded-headers': 'true', 'proxy-real-ip-cidr': '10.0.0.0/8'}, {}],
  ['enable-real-ip', {'enable-real-ip': 'true'}, {}],
  ['custom forwarded-for-header', {'use-forwarded-headers': 'true', 'forwarded-for-header': 'CF-Connecting-IP'}, {}],
  ['both PROXY and forwarded headers', {'use-proxy-protocol': 'true', 'use-forwarded-headers': 'true', 'compute-full-forwarded-for': 'true'}, {}],
  ['--client-ip xff:2', {'use-proxy-protocol': 'true'}, {clientIp: {xffHops: 2}}],
  ['--client-ip none', {'use-forwarded-headers': 'true'}, {clientIp: 'none'}],
  ['--client-ip proxy-protocol', undefined, {clientIp: 'proxy-protocol'}],
]

function headerScenario(data: Record<string, string> | undefined, options: Partial<TranslateOptions>): TranslateResult {
  return translateAll(
    [
      ...(data ? [configMap('ingress-nginx', 'ingress-nginx-controller', data)] : []),
      ingressWith({}, {name: 'web', namespace: 'web', host: 'www.example.com', tls: true}),
      ingressWith({}, {name: 'blog', namespace: 'blog', host: 'blog.example.com'}),
      ingressWith(mtls, {name: 'payments', namespace: 'billing', host: 'pay.example.com', tls: true}),
      ingressWith({'auth-tls-secret': 'billing/client-ca', 'auth-tls-verify-client': 'optional'}, {name: 'partners', namespace: 'billing', host: 'partners.example.com', tls: true}),
    ],
    {emitGateway: true, ...options},
  )
}

test('a client-sent X-Real-IP never reaches the backend unchanged, on every HTTP listener, in every client address mode', (t) => {
  for (const [name, data, options] of headerModes) {
    const r = headerScenario(data, options)
    const https = listenersOf(r).filter((l) => l.protocol === 'HTTPS').map((l) => l.name)
    t.deepEqual(https, ['https', 'https-partners-example-com', 'https-pay-example-com'], `${name}: the scenario has host listeners`)
    t.deepEqual(forgedHeaderViolations(r), [], name)
  }
})

test('the forged-header checker finds a listener policy that passes X-Real-IP through', (t) => {
  const r = clone(headerScenario(undefined, {}))
  const ctp = r.objects.find((o) => o.kind === 'ClientTrafficPolicy' && o.metadata.name === 'shared-client-https-pay-example-com')!
  ctp.spec.headers.earlyRequestHeaders.set = ctp.spec.headers.earlyRequestHeaders.set.filter((h: any) => h.name !== 'X-Real-IP')
  t.deepEqual(forgedHeaderViolations(r), ['shared/https-pay-example-com: X-Real-IP reaches the backend as the client sent it'])
  const noPolicy = clone(headerScenario(undefined, {}))
  noPolicy.objects = noPolicy.objects.filter((o) => o.kind !== 'ClientTrafficPolicy')
  t.true(forgedHeaderViolations(noPolicy).length > 0, 'Envoy Gateway without the policies passes X-Real-IP as sent')
})

test('client certificate headers: a client-sent ssl-client-verify never passes on an mTLS listener', (t) => {
  const r = headerScenario(undefined, {})
  for (const listener of ['https-pay-example-com', 'https-partners-example-com']) {
    const out = throughEnvoy({headers: new Map([['ssl-client-verify', 'SUCCESS'], ['ssl-client-subject-dn', 'CN=admin']])}, policyFor(r, 'shared', listener), '198.51.100.7')
    const verify = out.headers.get('ssl-client-verify')
    t.true(verify === undefined || verify === 'SUCCESS', listener)
    t.not(out.headers.get('ssl-client-subject-dn'), 'CN=admin', `${listener}: the subject comes from the certificate, or is removed`)
  }
})

// ---------------------------------------------------------------------------------------------------------------
// External auth: a client cannot hand a protected backend its own auth-response-headers.

/**
 * Violations of "a header the external auth copies to the backend (extAuth.http.headersToBackend) never reaches a
 * protected backend as the client sent it". nginx set each auth-response-headers name from the auth answer and sent
 * none the answer lacked (nginx.tmpl buildAuthResponseHeaders); Envoy's ext_authz copies only the headers the answer
 * has, so the listener serving the route must remove the client's copies first (earlyRequestHeaders, run before
 * any filter: Envoy Gateway listener.go buildEarlyHeaderMutation). Modelled: the auth answer lacks every header.
 */
function forgedAuthHeaderViolations(r: TranslateResult): string[] {
  const violations: string[] = []
  const listeners = listenersOf(r)
  const policies = r.objects.filter((o) => o.kind === 'SecurityPolicy' && o.spec.extAuth)
  for (const route of r.objects.filter((o) => o.kind === 'HTTPRoute' && o.spec.rules.some((rule: any) => (rule.backendRefs ?? []).length > 0))) {
    const own = policies.find((p) => (p.spec.targetRefs ?? []).some((x: any) => x.kind === 'HTTPRoute' && x.name === route.metadata.name) && p.metadata.namespace === route.metadata.namespace)
    for (const parent of route.spec.parentRefs) {
      const gatewayWide = policies.find((p) => p.metadata.namespace === (parent.namespace ?? route.metadata.namespace) && (p.spec.targetRefs ?? []).some((x: any) => x.kind === 'Gateway' && x.name === parent.name && (x.sectionName === undefined || x.sectionName === parent.sectionName)))
      const extAuth = (own ?? gatewayWide)?.spec.extAuth
      const copied: string[] = extAuth?.http?.headersToBackend ?? []
      if (copied.length === 0) continue
      const listener = listeners.find((l) => l.gateway === parent.name && l.name === parent.sectionName)
      if (!listener) continue
      const out = throughEnvoy({headers: new Map(copied.map((h) => [h.toLowerCase(), 'forged-admin']))}, policyFor(r, parent.name, listener.name), '198.51.100.7')
      for (const h of copied) if (out.headers.get(h.toLowerCase()) === 'forged-admin') violations.push(`HTTPRoute ${route.metadata.namespace}/${route.metadata.name} on ${listener.name}: a client-sent ${h} reaches the backend`)
    }
  }
  return violations
}

function authHeaderScenario(options: Partial<TranslateOptions>, data?: Record<string, string>): TranslateResult {
  return translateAll(
    [
      ...(data ? [configMap('ingress-nginx', 'ingress-nginx-controller', data)] : []),
      // oauth2-proxy on the shared https listener; an unknown server on an mTLS host with a listener of its own.
      ingressWith({'auth-url': 'http://oauth2-proxy.auth.svc.cluster.local:4180/oauth2/auth', 'auth-response-headers': 'X-Auth-Request-User, X-Auth-Request-Email'}, {name: 'dash', namespace: 'apps', host: 'dash.example.com', tls: true}),
      ingressWith({...mtls, 'auth-url': 'http://authz.security.svc.cluster.local:8080/check', 'auth-response-headers': 'Remote-User'}, {name: 'payments', namespace: 'billing', host: 'pay.example.com', tls: true}),
      ingressWith({}, {name: 'web', namespace: 'web', host: 'www.example.com', tls: true}),
      // Not redirected to https: the protected backend is also served over plain HTTP.
      ingressWith({'auth-url': 'http://authz.security.svc.cluster.local:8080/check', 'auth-response-headers': 'X-User', 'ssl-redirect': 'false'}, {name: 'intranet', namespace: 'web', host: 'intranet.example.com'}),
    ],
    {emitGateway: true, ...options},
  )
}

test('external auth: a client-sent auth-response header never reaches a protected backend, on any listener serving it', (t) => {
  const r = authHeaderScenario({})
  t.deepEqual(forgedAuthHeaderViolations(r), [])
  // Not vacuous: each protected route copies headers, and they are served on http, https and a host listener.
  const served = new Set(r.objects.filter((o) => o.kind === 'HTTPRoute').flatMap((o) => o.spec.parentRefs.map((p: any) => p.sectionName)))
  t.true(served.has('http') && served.has('https') && served.has('https-pay-example-com'))
  // The host listener of pay.example.com removes its own header only, not dash.example.com's.
  t.deepEqual(policyFor(r, 'shared', 'https-pay-example-com')!.spec.headers.earlyRequestHeaders.remove.filter((h: string) => !/forwarded|proxy|ssl-client/i.test(h)), ['Remote-User'])
  const d = r.diagnostics.find((x) => x.code === 'auth-headers-client-copies')!
  t.is(d.level, 'warning')
  t.regex(d.message, /without external auth \(www\.example\.com\)/, 'the unprotected host sharing the listeners is named')
  // Authorization is never removed: Envoy sends the client's to the check (ext_authz_http_impl.cc toRequestMatchers),
  // and every other host on the listener would lose it.
  const bearer = translateAll([ingressWith({'auth-url': 'http://oauth2-proxy.auth.svc.cluster.local:4180/oauth2/auth', 'auth-response-headers': 'X-Auth-Request-User, Authorization'}, {name: 'api', namespace: 'apps', host: 'api.example.com', tls: true})], {emitGateway: true})
  for (const c of bearer.objects.filter((o) => o.kind === 'ClientTrafficPolicy')) t.false(c.spec.headers.earlyRequestHeaders.remove.some((h: string) => h.toLowerCase() === 'authorization'), c.metadata.name)
  t.true(policyFor(bearer, 'shared', 'https')!.spec.headers.earlyRequestHeaders.remove.includes('X-Auth-Request-User'))
  t.regex(bearer.diagnostics.find((x) => x.code === 'auth-headers-client-copies')!.message, /Authorization is not removed, because the check reads the client's own/)
  // With global-auth-url as Gateway-level extAuth (--nginx-defaults), every listener removes its response headers.
  const global = authHeaderScenario({nginxDefaults: true}, {'global-auth-url': 'http://authz.security.svc.cluster.local:8080/check', 'global-auth-response-headers': 'X-Global-User'})
  t.deepEqual(forgedAuthHeaderViolations(global), [])
  t.true(global.objects.filter((o) => o.kind === 'ClientTrafficPolicy').every((c) => c.spec.headers.earlyRequestHeaders.remove.includes('X-Global-User')))
})

test('the forged auth-header checker finds a listener that lets the client copy through', (t) => {
  const r = clone(authHeaderScenario({}))
  const ctp = r.objects.find((o) => o.kind === 'ClientTrafficPolicy' && o.metadata.name === 'shared-client-https')!
  ctp.spec.headers.earlyRequestHeaders.remove = ctp.spec.headers.earlyRequestHeaders.remove.filter((h: string) => h !== 'X-Auth-Request-User')
  t.deepEqual(forgedAuthHeaderViolations(r), ['HTTPRoute apps/dash on https: a client-sent X-Auth-Request-User reaches the backend'])
})

test('external auth without the gateway bundle: the gateway owner is told to remove the client copies', (t) => {
  const r = authHeaderScenario({emitGateway: false})
  const d = r.diagnostics.find((x) => x.code === 'auth-headers-client-copies')!
  t.is(d.fidelity, 'manual')
  // Per listener: the host listener of pay.example.com serves that host only; http serves every host.
  const step = r.checklist.find((c) => c.startsWith('remove client-sent auth response headers'))!
  t.regex(step, /http: \[X-User\]; https: \[X-Auth-Request-User, X-Auth-Request-Email\]; https-pay-example-com: \[Remote-User\]/)
  t.true(d.hint!.startsWith(step))
})

// nginx.tmpl (location block): the auth_request line and the buildAuthResponseHeaders proxy_set_header lines sit inside
// `if not (isLocationInLocationList $location $all.Cfg.NoAuthLocations)` (template.go: strings.HasPrefix of the
// location path), so on such a path nginx asked nothing of the auth service and passed the client's own copies of the
// auth-response-headers on. Those paths get a route the SecurityPolicy's auth leaves out (emit-routes.ts
// isNoAuthLocation); the listener still removes the copies (stricter), which must be said.
test('external auth on a no-auth-locations path: served without auth as nginx did; the client copies still removed are named', (t) => {
  const paths = ['/', '/public/status', '/.well-known/acme-challenge']
  const app = ingressWith({'auth-url': 'http://authz.security.svc.cluster.local:8080/check', 'auth-response-headers': 'X-User'}, {name: 'app', namespace: 'web', host: 'app.example.com', tls: true, paths})
  const exemptDiagnostics = (r: TranslateResult) => r.diagnostics.filter((x) => x.code === 'auth-exempt-location')
  const defaults = translateAll([app], {emitGateway: true})
  t.deepEqual(exemptDiagnostics(defaults).map((d) => [d.level, (d.data as any).paths]), [['info', ['app.example.com/.well-known/acme-challenge']]], 'the default no-auth-locations is /.well-known/acme-challenge only, and its route is left open as nginx left it')
  t.deepEqual(forgedAuthHeaderViolations(defaults), [], 'the Gateway still removes the copies there (stricter than nginx)')
  const custom = translateAll([configMap('ingress-nginx', 'ingress-nginx-controller', {'no-auth-locations': '/public, /health'}), app], {emitGateway: true})
  const [d, ...more] = exemptDiagnostics(custom)
  t.is(more.length, 0)
  t.is(d!.level, 'info')
  t.is(d!.object, 'Ingress web/app')
  t.deepEqual((d!.data as any).paths, ['app.example.com/public/status'], 'the challenge path is not in this no-auth-locations')
  t.regex(d!.message, /client's own X-User/)
  t.deepEqual(forgedAuthHeaderViolations(custom), [])
  const none = translateAll([configMap('ingress-nginx', 'ingress-nginx-controller', {'no-auth-locations': ''}), app], {emitGateway: true})
  t.deepEqual(exemptDiagnostics(none), [], 'an empty list exempts nothing')
  const authTargets = none.objects.filter((o) => o.kind === 'SecurityPolicy' && o.spec.extAuth !== undefined).flatMap((o) => o.spec.targetRefs.map((x: any) => x.name))
  t.deepEqual(authTargets.sort(), ['app', 'app-acme-challenge'], 'every route stays under the auth')
})

// An in-place HTTP-01 challenge (cert-manager adds /.well-known/acme-challenge/<token> to the Ingress) on a redirected
// host gets a route of its own on both listeners (emit-routes.ts: no-tls-redirect-locations). nginx.tmpl skips
// auth_request and auth_basic there (isLocationInLocationList $location $all.Cfg.NoAuthLocations, default
// "/.well-known/acme-challenge"), so the SecurityPolicy's auth must not reach that route, or the CA's request gets a
// 401/403; the allowlist (allow/deny come before that block) still holds there.
test('no-auth-locations: the ACME challenge route of an auth-url Ingress is left out of its SecurityPolicy, as nginx asked no auth there', (t) => {
  const auth = {'auth-url': 'http://authz.security.svc.cluster.local:8080/check'}
  const app = (annotations: Record<string, string>) => ingressWith(annotations, {name: 'app', namespace: 'web', host: 'app.example.com', tls: true, paths: ['/', '/.well-known/acme-challenge/tok3n']})
  const policies = (r: TranslateResult) => r.objects.filter((o) => o.kind === 'SecurityPolicy' && o.metadata.namespace === 'web')
  const targets = (r: TranslateResult) => policies(r).flatMap((o) => o.spec.targetRefs.map((x: any) => x.name))
  const routes = (r: TranslateResult) => r.objects.filter((o) => o.kind === 'HTTPRoute' && o.metadata.namespace === 'web').map((o) => o.metadata.name).sort()

  const defaults = translateAll([app(auth)], {emitGateway: true})
  t.deepEqual(routes(defaults), ['app', 'app-acme-challenge'])
  t.deepEqual(targets(defaults), ['app'])
  t.false(defaults.diagnostics.some((x) => x.code === 'auth-exempt-location'))
  const basic = translateAll([app({'auth-type': 'basic', 'auth-secret': 'web/users'})], {emitGateway: true})
  t.deepEqual(targets(basic), ['app'], 'auth_basic sits inside the same isLocationInLocationList block')

  // Not exempt: a no-auth-locations without the challenge path.
  const other = translateAll([configMap('ingress-nginx', 'ingress-nginx-controller', {'no-auth-locations': '/public'}), app(auth)], {emitGateway: true})
  t.deepEqual(targets(other).sort(), ['app', 'app-acme-challenge'])
  // An allowlist applies there (nginx.tmpl writes allow/deny before that block): the challenge route gets a policy of
  // its own with the allowlist and without the auth.
  const allowlist = translateAll([app({...auth, 'whitelist-source-range': '10.0.0.0/8'})], {emitGateway: true})
  const [open, ...more] = policies(allowlist).filter((o) => o.spec.targetRefs.some((x: any) => x.name === 'app-acme-challenge'))
  t.is(more.length, 0)
  t.deepEqual(open!.spec.targetRefs.map((x: any) => x.name), ['app-acme-challenge'])
  t.is(open!.spec.extAuth, undefined)
  t.deepEqual(open!.spec.authorization.rules.flatMap((x: any) => x.principal.clientCIDRs), ['10.0.0.0/8'])
  t.false(allowlist.diagnostics.some((x) => x.code === 'auth-exempt-location'))
})

// A route left out of the Ingress's SecurityPolicy falls under the Gateway-level one (Envoy Gateway: a route-level
// SecurityPolicy replaces the Gateway's for its routes, internal/gatewayapi/securitypolicy.go). With global-auth-url,
// that is the global extAuth, which nginx.tmpl also skipped on no-auth-locations ($authPath is inside the same
// isLocationInLocationList block) and which enable-global-auth: "false" turned off for the Ingress altogether.
test('no-auth-locations: an ACME challenge route never falls under the Gateway-level global extAuth nginx skipped there', (t) => {
  const cm = configMap('ingress-nginx', 'ingress-nginx-controller', {'global-auth-url': 'http://auth.auth-system.svc.cluster.local/verify', 'whitelist-source-range': '10.0.0.0/8'})
  const app = (annotations: Record<string, string>) => ingressWith(annotations, {name: 'app', namespace: 'web', host: 'app.example.com', tls: true, paths: ['/', '/.well-known/acme-challenge/tok3n']})
  const gatewayAuth = (r: TranslateResult) => r.objects.some((o) => o.kind === 'SecurityPolicy' && o.metadata.namespace !== 'web' && o.spec.extAuth !== undefined)
  const policyOf = (r: TranslateResult, route: string) => r.objects.filter((o) => o.kind === 'SecurityPolicy' && o.metadata.namespace === 'web' && o.spec.targetRefs.some((x: any) => x.name === route))
  const cases: Record<string, string>[] = [{'auth-url': 'http://authz.security.svc.cluster.local:8080/check'}, {'enable-global-auth': 'false'}, {'auth-type': 'basic', 'auth-secret': 'web/users'}]
  for (const annotations of cases) {
    const what = JSON.stringify(annotations)
    const r = translateAll([cm, app(annotations)], {emitGateway: true, nginxDefaults: true})
    t.true(gatewayAuth(r), 'not vacuous: the Gateway carries the global extAuth')
    const [acme, ...more] = policyOf(r, 'app-acme-challenge')
    t.is(more.length, 0, what)
    t.truthy(acme, `${what}: a route-level SecurityPolicy must cover the challenge route, or the Gateway's global auth applies to it`)
    t.is(acme?.spec.extAuth, undefined, `${what}: no auth on the challenge route`)
    t.is(acme?.spec.basicAuth, undefined, what)
    t.deepEqual(acme?.spec.authorization?.rules?.flatMap((x: any) => x.principal.clientCIDRs), ['10.0.0.0/8'], `${what}: the ConfigMap allowlist, applied by nginx outside the no-auth block, still holds`)
  }
})
