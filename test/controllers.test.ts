/**
 * Several ingress-nginx controllers (issue 13). Each controller only sees the Ingresses of its own classes
 * (store.go: ingressClassEventHandler keeps the IngressClasses of its --controller-class, GetIngressClass accepts
 * an Ingress by them or by --ingress-class), so every host-wide / first-Ingress-wins rule is computed per
 * controller; where two controllers' classes share one Gateway the merge is reported as cross-controller-conflict.
 */
import test from 'ava'
import {dumpOne} from '../src/output/serialize.js'
import {translate} from '../src/translate/index.js'
import type {Diagnostic, InputObject, KubeObject, TranslateOptions, TranslateResult} from '../src/model/types.js'

const A = 'nginx.ingress.kubernetes.io/'
const INTERNAL = {namespace: 'gateway', name: 'internal'}
const EXTERNAL = {namespace: 'gateway', name: 'external'}

function ingressClass(name: string, controller: string): KubeObject {
  return {apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: {name}, spec: {controller}}
}

interface PathDef {
  path: string
  service: string
  pathType?: string
  port?: number
}

function ingress(
  name: string,
  cls: string,
  created: string,
  rules: Record<string, PathDef[]>,
  extra: {annotations?: Record<string, string>; tls?: {hosts: string[]; secretName: string}[]; namespace?: string} = {},
): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      name,
      namespace: extra.namespace ?? 'web',
      creationTimestamp: `${created}T00:00:00Z`,
      annotations: Object.fromEntries(Object.entries(extra.annotations ?? {}).map(([k, v]) => [k.includes('/') ? k : A + k, v])),
    },
    spec: {
      ingressClassName: cls,
      ...(extra.tls ? {tls: extra.tls} : {}),
      rules: Object.entries(rules).map(([host, paths]) => ({
        host,
        http: {
          paths: paths.map((p) => ({path: p.path, pathType: p.pathType ?? 'Prefix', backend: {service: {name: p.service, port: {number: p.port ?? 80}}}})),
        },
      })),
    },
  }
}

const run = (objects: KubeObject[], options: Partial<TranslateOptions>): TranslateResult =>
  translate({objects: objects.map((object, i): InputObject => ({object, source: {file: 'input.yaml', line: i + 1}}))}, {emitGateway: true, ...options})

const routesOf = (r: TranslateResult) => r.objects.filter((o) => o.kind === 'HTTPRoute')
const route = (r: TranslateResult, name: string) => routesOf(r).find((o) => o.metadata.name === name)
const codes = (ds: Diagnostic[]) => ds.map((d) => d.code)
const withCode = (r: TranslateResult, code: string) => r.diagnostics.filter((d) => d.code === code)
const gatewayOf = (o: KubeObject) => [...new Set((o.spec?.parentRefs ?? []).map((p: any) => `${p.namespace}/${p.name}`))]

/**
 * Shared hosts on both sides, regex on the internal side only, a different TLS Secret per side, a canary on the
 * external side that splits a Service the internal side routes to as well, and a host with TLS on one side only.
 */
const twoControllers: KubeObject[] = [
  ingressClass('internal', 'k8s.io/internal-ingress-nginx'),
  ingressClass('external', 'k8s.io/external-ingress-nginx'),
  ingress(
    'admin',
    'internal',
    '2024-01-01',
    {'app.example.com': [{path: '/', service: 'app-admin'}, {path: '/admin/[0-9]+', service: 'app-admin', pathType: 'ImplementationSpecific'}, {path: '/public', service: 'app-public'}]},
    {annotations: {'use-regex': 'true'}, tls: [{hosts: ['app.example.com'], secretName: 'app-internal-ca'}]},
  ),
  ingress('status-int', 'internal', '2024-01-02', {'status.example.com': [{path: '/internal', service: 'status-internal'}]}, {tls: [{hosts: ['status.example.com'], secretName: 'status-internal-ca'}]}),
  ingress(
    'site',
    'external',
    '2024-02-01',
    {'app.example.com': [{path: '/', service: 'app-public'}, {path: '/About', service: 'app-public'}, {path: '/login', service: 'login', pathType: 'Exact'}]},
    {tls: [{hosts: ['app.example.com'], secretName: 'app-public-tls'}]},
  ),
  ingress('site-canary', 'external', '2024-03-01', {'app.example.com': [{path: '/', service: 'app-public-v2'}]}, {annotations: {canary: 'true', 'canary-weight': '30'}}),
  ingress('status-ext', 'external', '2024-02-02', {'status.example.com': [{path: '/', service: 'status-page'}]}, {annotations: {'proxy-body-size': '0'}}),
]

const bothGateways = {gatewayFor: {internal: INTERNAL, external: EXTERNAL}}

for (const nginxDefaults of [false, true]) {
test(`two classes in one run give each Gateway byte for byte what converting its class alone gives${nginxDefaults ? ' (with Gateway-level defaults)' : ''}`, (t) => {
  const both = run(twoControllers, {...bothGateways, nginxDefaults})
  const internal = run(twoControllers, {ingressClasses: ['internal'], gatewayFor: {internal: INTERNAL}, nginxDefaults})
  const external = run(twoControllers, {ingressClasses: ['external'], gatewayFor: {external: EXTERNAL}, nginxDefaults})
  const serialized = (r: TranslateResult) => r.objects.map(dumpOne)
  // Each class alone never mentions the other's Gateway, so the union below is a partition per Gateway (the
  // Namespace objects are the only ones both runs emit, identical).
  t.false(serialized(internal).some((o) => o.includes('name: external')), 'the internal run emits nothing for gateway/external')
  t.false(serialized(external).some((o) => o.includes('name: internal')), 'the external run emits nothing for gateway/internal')
  const union = [...new Set([...serialized(internal), ...serialized(external)])].sort()
  t.deepEqual([...serialized(both)].sort(), union)
  t.true(routesOf(both).length >= 5, 'the fixture produces routes on both Gateways')
  t.deepEqual(withCode(both, 'cross-controller-conflict'), [])
  t.deepEqual(withCode(both, 'path-conflict'), [], 'app.example.com / is defined once per controller')
  // Diagnostics too, except those that describe the run as a whole: which classes were skipped, the notes on
  // hosts served by several Gateways (only a run with both classes sees them) and the per-Gateway plain-host notes
  // (named after their Gateway when a run has several). The gateway bundle gives some ConfigMap notes once per run
  // (on the first Gateway), so a Gateway's own notes need only come from one of the single-class runs.
  // The notes on merging several Gateways into one Envoy (merged-gateways.ts) exist only when a run has several.
  const runWide = new Set(['class-not-selected', 'host-on-two-gateways', 'plain-hosts-https', 'merged-gateways-listener-conflict', 'merged-gateways-wildcard-takes-host'])
  const key = (d: Diagnostic) => JSON.stringify([d.object, d.level, d.code, d.annotation, d.message])
  const onGateway = (d: Diagnostic) => d.object?.startsWith('Gateway ') === true
  const per = (r: TranslateResult, gateway: boolean) => r.diagnostics.filter((d) => !runWide.has(d.code) && onGateway(d) === gateway).map(key)
  t.deepEqual([...new Set(per(both, false))].sort(), [...new Set([...per(internal, false), ...per(external, false)])].sort())
  const alone = new Set([...per(internal, true), ...per(external, true)])
  t.deepEqual(per(both, true).filter((d) => !alone.has(d)), [])
  t.deepEqual(
    withCode(both, 'host-on-two-gateways').map((d) => [d.level, d.message.slice(0, d.message.indexOf(':'))]),
    [
      ['info', 'host "app.example.com" is served on gateway/external (external) and gateway/internal (internal)'],
      ['info', 'host "status.example.com" is served on gateway/external (external) and gateway/internal (internal)'],
    ],
  )
  if (nginxDefaults) {
    // Each route policy merges with, or replaces, the Gateway-level policy of its own Gateway.
    const gatewayPolicies = both.objects.filter((o) => o.kind === 'BackendTrafficPolicy' && o.spec.targetRefs.some((r: any) => r.kind === 'Gateway'))
    t.deepEqual(gatewayPolicies.map((o) => o.spec.targetRefs[0].name).sort(), ['external', 'internal'])
    const optOut = both.objects.find((o) => o.kind === 'BackendTrafficPolicy' && o.metadata.name.startsWith('status-ext'))
    t.truthy(optOut, 'proxy-body-size "0" on status-ext replaces the external Gateway-level body limit')
  }
})
}

test('per controller: regex, certificate, redirect and canary of one side never reach the other', (t) => {
  const r = run(twoControllers, bothGateways)
  const site = route(r, 'site')!
  t.deepEqual(gatewayOf(site), ['gateway/external'])
  // No use-regex on the external side: paths stay case-sensitive prefixes / exact matches, and its `/` is its own.
  const siteMatches = site.spec.rules.flatMap((rule: any) => rule.matches.map((m: any) => `${m.path.type} ${m.path.value}`)).sort()
  t.deepEqual(siteMatches, ['Exact /login', 'PathPrefix /', 'PathPrefix /About'])
  const admin = route(r, 'admin')!
  t.true(admin.spec.rules.flatMap((rule: any) => rule.matches).every((m: any) => m.path.type === 'RegularExpression'), 'the internal host is in regex mode')
  // The canary splits app-public:80 on the external side only; the internal /public goes to app-public alone.
  const split = site.spec.rules.find((rule: any) => rule.backendRefs?.length === 2)
  t.deepEqual(split?.backendRefs.map((b: any) => [b.name, b.weight]), [['app-public', 70], ['app-public-v2', 30]])
  const adminRefs = admin.spec.rules.flatMap((rule: any) => rule.backendRefs.map((b: any) => `${b.name}:${b.weight ?? '-'}`)).sort()
  t.deepEqual(adminRefs, ['app-admin:-', 'app-public:-'])
  // Each Gateway's https listener lists its own side's Secret.
  const gateway = (name: string) => r.objects.find((o) => o.kind === 'Gateway' && o.metadata.name === name)!
  const certs = (name: string) => gateway(name).spec.listeners.find((l: any) => l.name === 'https')?.tls.certificateRefs.map((c: any) => c.name)
  t.deepEqual(certs('internal'), ['app-internal-ca', 'status-internal-ca'])
  t.deepEqual(certs('external'), ['app-public-tls'])
  // status.example.com has TLS on the internal side only: the external side stays plain HTTP, unredirected.
  t.deepEqual(route(r, 'status-ext')!.spec.parentRefs.map((p: any) => p.sectionName), ['http'])
  t.deepEqual(route(r, 'status-int')!.spec.parentRefs.map((p: any) => p.sectionName), ['https'])
  const redirectHosts = (name: string) => r.objects.find((o) => o.kind === 'HTTPRoute' && o.metadata.name === name)?.spec.hostnames
  t.deepEqual(redirectHosts('internal-https-redirect'), ['app.example.com', 'status.example.com'])
  t.deepEqual(redirectHosts('external-https-redirect'), ['app.example.com'])
})

test('the issue case: the newer external Ingress of a shared host keeps its route on its own Gateway', (t) => {
  const objects = [
    ingressClass('internal', 'k8s.io/internal-ingress-nginx'),
    ingressClass('external', 'k8s.io/external-ingress-nginx'),
    ingress('app-int', 'internal', '2024-01-01', {'app.example.com': [{path: '/', service: 'app-admin'}]}),
    ingress('app-ext', 'external', '2024-02-01', {'app.example.com': [{path: '/', service: 'app-public'}]}),
  ]
  const r = run(objects, bothGateways)
  t.deepEqual(gatewayOf(route(r, 'app-int')!), ['gateway/internal'])
  t.deepEqual(gatewayOf(route(r, 'app-ext')!), ['gateway/external'])
  t.is(route(r, 'app-ext')!.spec.rules[0].backendRefs[0].name, 'app-public')
  for (const code of ['path-conflict', 'no-routable-paths', 'cross-controller-conflict'] as const) t.false(codes(r.diagnostics).includes(code), code)
  t.deepEqual(withCode(r, 'host-on-two-gateways').map((d) => d.level), ['info'])
})

test('two controllers sent to one Gateway: every merged decision is a warning naming both classes and the Service that wins', (t) => {
  const r = run(twoControllers, {ingressClasses: ['internal', 'external']})
  const cross = withCode(r, 'cross-controller-conflict')
  const about = (object: string, start: string) => cross.filter((d) => d.object === `Ingress ${object}` && d.message.startsWith(start))
  for (const d of cross) {
    t.is(d.level, 'warning')
    t.true(d.message.includes('class internal') && d.message.includes('class external'), `names both classes: ${d.message}`)
    t.true(d.message.includes('share Gateway gateway/shared'), d.message)
  }
  // The older internal Ingress owns app.example.com Prefix /: app-admin gets what the external side sent to app-public.
  const [path] = about('web/site', 'host "app.example.com" Prefix /')
  t.truthy(path)
  // Rendered from data (catalogue/routes.ts crossControllerText): JSON consumers read both Ingresses, classes and Gateway.
  t.like(path!.data, {
    case: 'path',
    first: {id: 'web/admin', className: 'internal'},
    second: {id: 'web/site', className: 'external'},
    gateway: 'gateway/shared',
    host: 'app.example.com',
    firstService: 'Service web/app-admin:80',
    secondService: 'Service web/app-public:80',
  })
  t.deepEqual([...new Set(cross.map((d) => (d.data as {case?: string} | undefined)?.case))].sort(), ['canary', 'path', 'regex', 'tls-other-secret', 'tls-plain'])
  t.regex(path!.message, /Service web\/app-admin:80 now gets the requests the controller of web\/site sent to Service web\/app-public:80/)
  t.is(about('web/site', 'host "app.example.com" is in regex mode').length, 1)
  t.is(about('web/site', 'host "app.example.com" has Secret web/app-public-tls').length, 1)
  t.is(about('web/status-ext', 'host "status.example.com": the controller of class external had no TLS').length, 1)
  // The external canary's path `/` now belongs to the internal Ingress, whose Service it splits.
  t.is(about('web/admin', 'canary Ingress web/site-canary (class external) now splits Service web/app-admin:80 of Ingress web/admin').length, 1)
  const adminRoute = route(r, 'admin')!
  t.deepEqual(
    adminRoute.spec.rules.find((rule: any) => rule.backendRefs.length === 2)?.backendRefs.map((b: any) => [b.name, b.weight]),
    [['app-admin', 70], ['app-public-v2', 30]],
  )
  t.is(cross.length, 5, cross.map((d) => d.message).join('\n'))
  // Not reported twice: the regex note of the same controller is not emitted for the other controller's Ingress.
  t.false(r.diagnostics.some((d) => d.code === 'regex-mode-from-other-ingress' && d.object === 'Ingress web/site'))
  t.false(codes(r.diagnostics).includes('host-on-two-gateways'))
})

test('--ingress-class values without IngressClass objects are one controller: conflicts are plain nginx conflicts', (t) => {
  const objects = twoControllers.filter((o) => o.kind === 'Ingress')
  const r = run(objects, {ingressClasses: ['internal', 'external']})
  t.deepEqual(withCode(r, 'cross-controller-conflict'), [])
  t.is(withCode(r, 'path-conflict').filter((d) => d.object === 'Ingress web/site').length, 1)
})

test('two --gateway-for classes on one Gateway are two controllers unless their IngressClasses share a spec.controller', (t) => {
  const apps = [
    ingress('app-int', 'internal', '2024-01-01', {'app.example.com': [{path: '/', service: 'app-admin'}]}),
    ingress('app-ext', 'external', '2024-02-01', {'app.example.com': [{path: '/', service: 'app-public'}]}),
  ]
  const shared = {namespace: 'gateway', name: 'shared'}
  const separate = run(apps, {gatewayFor: {internal: shared, external: shared}})
  t.deepEqual(withCode(separate, 'cross-controller-conflict').map((d) => d.object), ['Ingress web/app-ext'])
  t.deepEqual(withCode(separate, 'path-conflict'), [])
  // store.go ingressClassEventHandler: a controller keeps every IngressClass of its --controller-class, so one
  // controller merged these two classes already: the conflict is nginx's own, not a merge the Gateway makes.
  const oneController = [ingressClass('internal', 'k8s.io/ingress-nginx'), ingressClass('external', 'k8s.io/ingress-nginx'), ...apps]
  const merged = run(oneController, {gatewayFor: {internal: shared, external: shared}})
  t.deepEqual(withCode(merged, 'cross-controller-conflict'), [])
  t.deepEqual(withCode(merged, 'path-conflict').map((d) => d.object), ['Ingress web/app-ext'])
})

test('a host split over two Gateways although one controller served both classes is a warning', (t) => {
  const objects = [
    ingressClass('internal', 'k8s.io/ingress-nginx'),
    ingressClass('external', 'k8s.io/ingress-nginx'),
    ingress('app-int', 'internal', '2024-01-01', {'app.example.com': [{path: '/', service: 'app-admin'}]}),
    ingress('app-ext', 'external', '2024-02-01', {'app.example.com': [{path: '/', service: 'app-public'}]}),
  ]
  const [note] = withCode(run(objects, bothGateways), 'host-on-two-gateways')
  t.is(note?.level, 'warning')
  t.regex(note!.message, /one spec\.controller \(k8s\.io\/ingress-nginx\)/)
})

test('the default selection is one controller: its classes and the nginx annotation merge as before', (t) => {
  const byAnnotation = ingress('b', 'nginx', '2024-02-01', {'app.example.com': [{path: '/', service: 'two'}]})
  delete byAnnotation.spec.ingressClassName
  byAnnotation.metadata.annotations = {'kubernetes.io/ingress.class': 'nginx'}
  const objects = [ingressClass('nginx-public', 'k8s.io/ingress-nginx'), ingress('a', 'nginx-public', '2024-01-01', {'app.example.com': [{path: '/', service: 'one'}]}), byAnnotation]
  const r = run(objects, {})
  t.is(withCode(r, 'path-conflict').length, 1)
  t.deepEqual(withCode(r, 'cross-controller-conflict'), [])
})

test('--gateway-for selects its class when no --ingress-class is given; with --ingress-class the list is exact', (t) => {
  const objects = [
    ingressClass('internal', 'k8s.io/internal-ingress-nginx'),
    ingressClass('external', 'k8s.io/external-ingress-nginx'),
    ingress('app-int', 'internal', '2024-01-01', {'app.example.com': [{path: '/', service: 'app-admin'}]}),
    ingress('app-ext', 'external', '2024-02-01', {'app.example.com': [{path: '/', service: 'app-public'}]}),
  ]
  t.deepEqual(routesOf(run(objects, bothGateways)).map((o) => o.metadata.name).sort(), ['app-ext', 'app-int'])
  t.deepEqual(routesOf(run(objects, {ingressClasses: ['internal'], ...bothGateways})).map((o) => o.metadata.name), ['app-int'])
  t.deepEqual(routesOf(run(objects, {})).map((o) => o.metadata.name), [], 'classes of other controllers stay unselected by default')
})

test('host lookups of the families stay within the controller: from-to-www-redirect and auth-url on $host', (t) => {
  const objects = [
    ingressClass('internal', 'k8s.io/internal-ingress-nginx'),
    ingressClass('external', 'k8s.io/external-ingress-nginx'),
    // www.example.com is a host of the external controller only: the internal one still redirected it.
    ingress('corp', 'internal', '2024-01-01', {'example.com': [{path: '/', service: 'corp'}]}, {annotations: {'from-to-www-redirect': 'true'}}),
    ingress('www', 'external', '2024-01-01', {'www.example.com': [{path: '/', service: 'site'}]}),
    // Both controllers serve /oauth2 on app.example.com; the older one is external's. The internal auth-url on
    // $host reaches the internal controller's oauth2-proxy.
    ingress('oauth-ext', 'external', '2023-01-01', {'app.example.com': [{path: '/oauth2', service: 'oauth2-ext', port: 4180}]}),
    ingress('oauth-int', 'internal', '2023-06-01', {'app.example.com': [{path: '/oauth2', service: 'oauth2-int', port: 4180}]}),
    ingress('app', 'internal', '2024-01-01', {'app.example.com': [{path: '/', service: 'app-admin'}]}, {annotations: {'auth-url': 'http://$host/oauth2/auth'}}),
  ]
  const r = run(objects, bothGateways)
  const www = route(r, 'corp-www-redirect')
  t.truthy(www, 'the internal Gateway redirects www.example.com to example.com')
  t.deepEqual(www && gatewayOf(www), ['gateway/internal'])
  const policy = r.objects.find((o) => o.kind === 'SecurityPolicy' && o.spec?.extAuth)
  t.deepEqual(policy?.spec.extAuth.http.backendRefs?.map((b: any) => b.name), ['oauth2-int'])
})

test('one Gateway for two controllers: catch-all, spec.defaultBackend fallback and server-alias merges are warnings', (t) => {
  const catchAll = (name: string, cls: string, created: string, service: string): KubeObject => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {name, namespace: 'web', creationTimestamp: `${created}T00:00:00Z`},
    spec: {ingressClassName: cls, defaultBackend: {service: {name: service, port: {number: 80}}}},
  })
  const withFallback = ingress('api-ext', 'external', '2024-02-01', {'app.example.com': [{path: '/api', service: 'api'}]})
  withFallback.spec.defaultBackend = {service: {name: 'ext-fallback', port: {number: 80}}}
  const objects = [
    ingressClass('internal', 'k8s.io/internal-ingress-nginx'),
    ingressClass('external', 'k8s.io/external-ingress-nginx'),
    catchAll('default-int', 'internal', '2024-01-01', 'int-default'),
    catchAll('default-ext', 'external', '2024-02-01', 'ext-default'),
    ingress('app-int', 'internal', '2024-01-01', {'app.example.com': [{path: '/', service: 'app-admin'}]}, {annotations: {'server-alias': 'shop.example.com'}}),
    withFallback,
    ingress('alias-ext', 'external', '2024-02-02', {'app.example.com': [{path: '/about', service: 'about'}]}, {annotations: {'server-alias': 'app2.example.com'}}),
    ingress('shop', 'external', '2024-02-03', {'shop.example.com': [{path: '/', service: 'shop'}]}),
    ingress('b-int', 'internal', '2024-01-01', {'b.example.com': [{path: '/', service: 'b-admin'}]}, {annotations: {'server-alias': 'b-int.example.com'}}),
    ingress('b-ext', 'external', '2024-02-01', {'b.example.com': [{path: '/public', service: 'b-public'}]}, {annotations: {'server-alias': 'b-ext.example.com'}}),
  ]
  const r = run(objects, {ingressClasses: ['internal', 'external']})
  const cross = withCode(r, 'cross-controller-conflict').map((d) => `${d.object}: ${d.message}`)
  const has = (object: string, pattern: RegExp) => t.true(cross.some((m) => m.startsWith(`Ingress ${object}: `) && pattern.test(m)), `${object} ${pattern}\n${cross.join('\n')}`)
  has('web/default-ext', /catch-all goes to the spec\.defaultBackend of Ingress web\/default-int \(class internal\)/)
  has('web/api-ext', /fallback `\/` of host "app\.example\.com".*Service web\/app-admin:80 now gets the requests no path of web\/api-ext matches/)
  // app-int's alias is a host of the external side, so it is dropped, and alias-ext's alias applies instead.
  has('web/app-int', /server-alias shop\.example\.com of host "app\.example\.com" .* is a host of Ingress web\/shop \(class external\).*requests for shop\.example\.com go to that host's routes \(Service web\/shop:80 for Prefix \/\)/)
  has('web/b-ext', /server-alias b-ext\.example\.com of host "b\.example\.com" .* is not used.*Ingress web\/b-int \(class internal\) \(b-int\.example\.com\)$/)
  for (const m of cross) t.true(m.includes('class internal') && m.includes('class external'), m)
  t.is(cross.length, 4, cross.join('\n'))
  // Within one controller, the same situations keep their own codes.
  t.false(codes(run(objects, {gatewayFor: {internal: INTERNAL, external: EXTERNAL}}).diagnostics).includes('cross-controller-conflict'))
})

test('one Gateway for two controllers: a spec.defaultBackend fallback lost to the other class creating the host first', (t) => {
  const withFallback = ingress('c-ext', 'external', '2024-02-01', {'c.example.com': [{path: '/y', service: 'y'}]})
  withFallback.spec.defaultBackend = {service: {name: 'ext-fallback', port: {number: 80}}}
  const objects = [
    ingressClass('internal', 'k8s.io/internal-ingress-nginx'),
    ingressClass('external', 'k8s.io/external-ingress-nginx'),
    ingress('c-int', 'internal', '2024-01-01', {'c.example.com': [{path: '/x', service: 'x'}]}),
    withFallback,
  ]
  const r = run(objects, {ingressClasses: ['internal', 'external']})
  const [warning] = withCode(r, 'cross-controller-conflict')
  t.is(warning?.object, 'Ingress web/c-ext')
  t.regex(warning!.message, /Ingress web\/c-int \(class internal\) created the host first.*requests no path matches get 404/)
  // buildHosts: the fallback `/` goes only to hosts the Ingress created first, so the merged route has none.
  t.false(JSON.stringify(route(r, 'c-ext')).includes('ext-fallback'))
  // Each class on its own Gateway: the external controller's fallback `/` is there.
  t.true(JSON.stringify(route(run(objects, bothGateways), 'c-ext')).includes('ext-fallback'))
})

test('one Gateway for two controllers: the redirect of the first Ingress of a host now answers the other class too', (t) => {
  const objects = [
    ingressClass('internal', 'k8s.io/internal-ingress-nginx'),
    ingressClass('external', 'k8s.io/external-ingress-nginx'),
    ingress('moved', 'internal', '2024-01-01', {'old.example.com': [{path: '/legacy', service: 'unused'}]}, {annotations: {'permanent-redirect': 'https://new.example.com'}}),
    ingress('still-here', 'external', '2024-02-01', {'old.example.com': [{path: '/api', service: 'api'}]}),
  ]
  const merged = withCode(run(objects, {ingressClasses: ['internal', 'external']}), 'cross-controller-conflict')
  t.deepEqual(merged.map((d) => d.object), ['Ingress web/still-here'])
  t.regex(merged[0]!.message, /first defined by Ingress web\/moved \(class internal\), which answers with a redirect/)
  t.deepEqual(withCode(run(objects, bothGateways), 'cross-controller-conflict'), [])
})

test('--gateway-for with mergeGateways: repeated listeners and a wildcard listener taking another Gateway\'s host are reported', (t) => {
  const objects = [
    ingressClass('internal', 'k8s.io/ingress-nginx'),
    ingressClass('external', 'k8s.io/ingress-nginx'),
    // Client certificates give *.example.com a listener of its own on the internal Gateway.
    ingress('wild-int', 'internal', '2024-01-01', {'*.example.com': [{path: '/', service: 'admin'}]}, {annotations: {'auth-tls-secret': 'web/client-ca'}, tls: [{hosts: ['*.example.com'], secretName: 'wild-tls'}]}),
    ingress('shop-ext', 'external', '2024-02-01', {'shop.example.com': [{path: '/', service: 'shop'}]}, {tls: [{hosts: ['shop.example.com'], secretName: 'shop-tls'}]}),
    ingress('blog-ext', 'external', '2024-02-02', {'blog.example.org': [{path: '/', service: 'blog'}]}, {tls: [{hosts: ['blog.example.org'], secretName: 'blog-tls'}]}),
  ]
  const r = run(objects, bothGateways)
  const listeners = (name: string) => r.objects.find((o) => o.kind === 'Gateway' && o.metadata.name === name)!.spec.listeners.map((l: any) => `${l.name} ${l.protocol} ${l.port} ${l.hostname ?? '-'}`)
  t.true(listeners('internal').some((l: string) => l.endsWith('HTTPS 443 *.example.com')), listeners('internal').join('\n'))
  t.false(listeners('internal').some((l: string) => l.startsWith('https HTTPS')), 'no shared https listener on the internal Gateway')
  // validate.go validateConflictedMergedListeners: both Gateways have http (HTTP 80) without hostname; only the
  // external one has the shared https listener (the internal host has a listener of its own).
  const conflict = withCode(r, 'merged-gateways-listener-conflict')
  t.is(conflict.length, 1)
  t.is(conflict[0]!.level, 'info', 'advice about an option the output does not set, present on every multi-Gateway run')
  t.regex(conflict[0]!.message, /repeat a protocol, hostname and port \(HTTP 80 \(no hostname\): gateway\/external http, gateway\/internal http\),/)
  // Envoy prefers the wildcard server name over the external https listener without hostname: shop, not blog.
  const taken = withCode(r, 'merged-gateways-wildcard-takes-host')
  t.is(taken.length, 1)
  t.is(taken[0]!.object, 'Gateway gateway/internal')
  t.regex(taken[0]!.message, /\(\*\.example\.com\) of gateway\/internal takes the TLS connections for shop\.example\.com \(gateway\/external\):/)
  t.notRegex(taken[0]!.message, /blog/)
  // One Gateway: nothing to merge.
  t.deepEqual(withCode(run(objects.filter((o) => o.metadata.name !== 'wild-int'), bothGateways), 'merged-gateways-wildcard-takes-host'), [])
  t.deepEqual(withCode(run(objects, {ingressClasses: ['external'], gatewayFor: {external: EXTERNAL}}), 'merged-gateways-listener-conflict'), [])
})
