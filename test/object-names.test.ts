/**
 * Names of the objects an Ingress names after itself (translate/object-names.ts). Two documents of one kind, namespace
 * and name replace each other on apply, so one Ingress's traffic would follow the other's object: every suffixed
 * name that another object already has (another Ingress's own name, or another Ingress's suffixed name) gets the
 * Ingress's id, whichever Ingress comes first, and a name nothing else has keeps its readable form.
 */
import test from 'ava'
import {configMap, controllerConfigMap, ingressWith, translateAll} from './annotations/support.js'
import type {KubeObject, TranslateResult} from '../src/model/types.js'

const NS = 'shop'
const OLD = '2020-01-01T00:00:00Z'
const NEW = '2024-01-01T00:00:00Z'

const of = (r: TranslateResult, kind: string, namespace = NS) => r.objects.filter((o) => o.kind === kind && o.metadata.namespace === namespace)
const names = (r: TranslateResult, kind: string, namespace = NS) => of(r, kind, namespace).map((o) => o.metadata.name as string)
const unique = (list: string[]) => [...new Set(list)]
const routeFor = (r: TranslateResult, host: string, kind = 'HTTPRoute') => {
  const found = of(r, kind).filter((o) => (o.spec.hostnames ?? []).includes(host))
  if (found.length !== 1) throw new Error(`${found.length} ${kind}s for ${host}`)
  return found[0]!
}
const renamed = (r: TranslateResult) => r.diagnostics.filter((d) => d.code === 'object-name-taken').map((d) => d.data)
/** Both orders of nginx's Ingress list: the older one first. */
const bothOrders = (a: (created: string) => KubeObject, b: (created: string) => KubeObject) => [
  [a(OLD), b(NEW)],
  [a(NEW), b(OLD)],
]

test('HTTPRoute: a route per host never takes the name of another Ingress\'s route, whichever Ingress is older', (t) => {
  // Ingress app splits per host into app-x-example-com and app-y-example-com; Ingress app-x-example-com's route has
  // its own name, which it keeps: before, the older Ingress took it and the other's route was renamed.
  const app = (created: string) =>
    ingressWith(
      {},
      {
        name: 'app',
        namespace: NS,
        created,
        rules: [
          {host: 'x.example.com', http: {paths: [{path: '/x', pathType: 'Prefix', backend: {service: {name: 'app', port: {number: 80}}}}]}},
          {host: 'y.example.com', http: {paths: [{path: '/y', pathType: 'Prefix', backend: {service: {name: 'app', port: {number: 80}}}}]}},
        ],
      },
    )
  const other = (created: string) => ingressWith({'enable-cors': 'true'}, {name: 'app-x-example-com', namespace: NS, host: 'z.example.com', created})
  for (const order of bothOrders(app, other)) {
    const r = translateAll(order)
    t.deepEqual(names(r, 'HTTPRoute'), unique(names(r, 'HTTPRoute')))
    t.is(routeFor(r, 'z.example.com').metadata.name, 'app-x-example-com')
    t.is(routeFor(r, 'y.example.com').metadata.name, 'app-y-example-com')
    t.is(routeFor(r, 'x.example.com').metadata.name, 'app-x-example-com-shop-app-5d6c0985')
    // The other Ingress's policy still targets its own route.
    t.deepEqual(of(r, 'SecurityPolicy').find((p) => p.metadata.name === 'app-x-example-com')?.spec.targetRefs.map((x: any) => x.name), ['app-x-example-com'])
    t.deepEqual(renamed(r), [{kind: 'HTTPRoute', namespace: NS, name: 'app-x-example-com', given: routeFor(r, 'x.example.com').metadata.name, holder: `${NS}/app-x-example-com`, ingress: `${NS}/app`}])
  }
})

test('HTTPRoute: the no-auth route of one Ingress and the route of Ingress <name>-no-auth', (t) => {
  const noAuth = configMap('ingress-nginx', 'ingress-nginx-controller', {'no-auth-locations': '/healthz'})
  const app = (created: string) => ingressWith({'auth-url': 'http://authz.security.svc.cluster.local:8080/check'}, {name: 'app', namespace: NS, host: 'app.example.com', paths: ['/', '/healthz'], created})
  const other = (created: string) => ingressWith({}, {name: 'app-no-auth', namespace: NS, host: 'other.example.com', created})
  for (const order of bothOrders(app, other)) {
    const r = translateAll([noAuth, ...order])
    t.deepEqual(names(r, 'HTTPRoute'), unique(names(r, 'HTTPRoute')))
    t.is(routeFor(r, 'other.example.com').metadata.name, 'app-no-auth')
  }
})

test('HTTPRoute: the from-to-www-redirect route and the route of Ingress <name>-www-redirect', (t) => {
  // Before, both were HTTPRoute shop/a-www-redirect: applying one replaced the other (the redirect, or the site).
  const r = translateAll([
    ingressWith({'from-to-www-redirect': 'true'}, {name: 'a', namespace: NS, host: 'example.com'}),
    ingressWith({}, {name: 'a-www-redirect', namespace: NS, host: 'other.example.com'}),
  ])
  t.deepEqual(names(r, 'HTTPRoute'), unique(names(r, 'HTTPRoute')))
  t.is(routeFor(r, 'other.example.com').metadata.name, 'a-www-redirect')
  t.is(routeFor(r, 'www.example.com').metadata.name, 'a-www-redirect-shop-a-6a87a144')
})

test('TLSRoute: ssl-passthrough routes per host and the TLSRoute of Ingress <name>-<host>', (t) => {
  const pass = {'ssl-passthrough': 'true'}
  const r = translateAll([
    ingressWith(pass, {
      name: 'app',
      namespace: NS,
      rules: ['x', 'y'].map((h) => ({host: `${h}.example.com`, http: {paths: [{path: '/', pathType: 'Prefix', backend: {service: {name: h, port: {number: 443}}}}]}})),
    }),
    ingressWith(pass, {name: 'app-x-example-com', namespace: NS, host: 'z.example.com', service: 'z'}),
  ])
  const list = names(r, 'TLSRoute')
  t.is(list.length, 3)
  t.deepEqual(list, unique(list))
  t.is(routeFor(r, 'z.example.com', 'TLSRoute').metadata.name, 'app-x-example-com')
})

test('HTTPRouteFilter: Ingresses a.b and a-b both denied make one filter name, a-b-denied', (t) => {
  // An invalid allowlist denies every location (503); each route must point at a filter of its own Ingress.
  const denied = {'allowlist-source-range': 'office'}
  const r = translateAll([ingressWith(denied, {name: 'a.b', namespace: NS, host: 'one.example.com'}), ingressWith(denied, {name: 'a-b', namespace: NS, host: 'two.example.com'})])
  const filters = names(r, 'HTTPRouteFilter')
  t.is(filters.length, 2)
  t.deepEqual(filters, unique(filters))
  const used = ['one.example.com', 'two.example.com'].map((h) => routeFor(r, h).spec.rules.flatMap((rule: any) => (rule.filters ?? []).map((f: any) => f.extensionRef?.name)).filter(Boolean))
  t.deepEqual(used.flat().sort(), [...filters].sort(), 'each route refers to its own Ingress\'s filter')
})

test('Backend: a mirror Backend and an https auth Backend of the same name keep their own routes and policies', (t) => {
  // Ingress a-auth mirrors to a-auth-mirror; Ingress a authenticates at https Service mirror: a-auth-mirror too.
  const r = translateAll([
    ingressWith({'mirror-target': 'https://mirror.example.net/$request_uri'}, {name: 'a-auth', namespace: NS, host: 'm.example.com'}),
    ingressWith({'auth-url': `https://mirror.${NS}.svc.cluster.local/auth`}, {name: 'a', namespace: NS, host: 'n.example.com'}),
  ])
  const backends = of(r, 'Backend')
  t.is(backends.length, 2)
  t.deepEqual(names(r, 'Backend'), unique(names(r, 'Backend')))
  const mirrorRef = routeFor(r, 'm.example.com').spec.rules.flatMap((rule: any) => rule.filters ?? []).find((f: any) => f.requestMirror)?.requestMirror.backendRef.name
  const authRef = of(r, 'SecurityPolicy').find((p) => p.metadata.name === 'a')?.spec.extAuth.http.backendRefs[0].name
  t.not(mirrorRef, authRef)
  t.is(backends.find((b) => b.metadata.name === mirrorRef)?.spec.endpoints[0].fqdn.hostname, 'mirror.example.net')
  t.is(backends.find((b) => b.metadata.name === authRef)?.spec.endpoints[0].fqdn.hostname, `mirror.${NS}.svc.cluster.local`)
})

test('Backend: a backend-protocol Backend and an https auth Backend of the same name, whichever is made first', (t) => {
  // backend-protocol names its Backend <ingress>-<service>-<port> (backend-protocol.ts backendOverrideFor), the https
  // auth its own <ingress>-auth-<service> (external-auth/emit.ts authBackendRef): Ingress a-auth's Service x:443 and
  // Ingress a's auth Service x-443 both make a-auth-x-443. Applied together, one Backend replaces the other: the
  // application's traffic goes to the auth service, or the auth checks to the application.
  const cases = [
    // the auth Backend's Ingress comes first
    [
      ingressWith({'auth-url': `https://x-443.${NS}.svc.cluster.local/check`}, {name: 'a', namespace: NS, host: 'n.example.com'}),
      ingressWith({'backend-protocol': 'HTTPS'}, {name: 'a-auth', namespace: NS, host: 'm.example.com', service: 'x', port: 443}),
    ],
    // the backend-protocol Backend's Ingress comes first
    [
      ingressWith({'backend-protocol': 'HTTPS'}, {name: 'a', namespace: NS, host: 'm.example.com', service: 'b-auth-x', port: 443}),
      ingressWith({'auth-url': `https://x-443.${NS}.svc.cluster.local/check`}, {name: 'a-b', namespace: NS, host: 'n.example.com'}),
    ],
  ]
  for (const input of cases) {
    const r = translateAll(input)
    const backends = of(r, 'Backend')
    t.is(backends.length, 2)
    t.deepEqual(names(r, 'Backend'), unique(names(r, 'Backend')))
    const appRef = routeFor(r, 'm.example.com').spec.rules[0].backendRefs[0].name
    const authRef = of(r, 'SecurityPolicy').find((p) => p.spec.extAuth)?.spec.extAuth.http.backendRefs[0].name
    t.is(backends.find((b) => b.metadata.name === appRef)?.spec.endpoints[0].fqdn.hostname, `${input[1]!.metadata.name === 'a-auth' ? 'x' : 'b-auth-x'}.${NS}.svc.cluster.local`)
    t.is(backends.find((b) => b.metadata.name === authRef)?.spec.endpoints[0].fqdn.hostname, `x-443.${NS}.svc.cluster.local`)
  }
})

test('two emitted objects of one kind, namespace and name that no rename kept apart are an error', (t) => {
  // The Gateway's own BackendTrafficPolicy is <gateway>-defaults (bundle/client-traffic.ts), in the Gateway's
  // namespace; an Ingress there named so has its own policy of that name (an Ingress's own name is its). Applied
  // together, one replaces the other: the Gateway's defaults or the Ingress's timeout is gone, silently.
  const r = translateAll([controllerConfigMap({'proxy-read-timeout': '120'}), ingressWith({'proxy-read-timeout': '5'}, {name: 'shared-defaults', namespace: 'gateway', host: 'a.example.com'})], {
    emitGateway: true,
    nginxDefaults: true,
  })
  const key = (o: KubeObject) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`
  const twice = unique(r.objects.map(key).filter((k, i, all) => all.indexOf(k) !== i))
  t.deepEqual(twice, ['BackendTrafficPolicy gateway/shared-defaults'])
  const errors = r.diagnostics.filter((d) => d.code === 'object-name-duplicate')
  t.deepEqual(errors.map((d) => [d.level, `${d.data!.kind} ${d.data!.namespace}/${d.data!.name}`]), [['error', 'BackendTrafficPolicy gateway/shared-defaults']])
})

test('ReferenceGrant: auth grants of Ingresses a-b/c and a/b-c in the auth Service\'s namespace', (t) => {
  // dnsName joins namespace and name with `-`: both grants would be ingress2gw-a-b-c-..., each letting in the
  // SecurityPolicies of one namespace; one replacing the other leaves the other Ingress's auth unreachable.
  const auth = {'auth-url': 'http://authz.security.svc.cluster.local:8080/check'}
  const r = translateAll([ingressWith(auth, {name: 'c', namespace: 'a-b', host: 'one.example.com'}), ingressWith(auth, {name: 'b-c', namespace: 'a', host: 'two.example.com'})])
  const grants = of(r, 'ReferenceGrant', 'security')
  t.true(grants.length >= 2)
  t.deepEqual(grants.map((g) => g.metadata.name), unique(grants.map((g) => g.metadata.name)))
  t.deepEqual(grants.flatMap((g) => g.spec.from.map((f: any) => f.namespace)).sort(), ['a', 'a-b'])
})

test('a name nothing else has keeps its readable form, and the same input gives the same names', (t) => {
  const input = () => [ingressWith({'from-to-www-redirect': 'true'}, {name: 'a', namespace: NS, host: 'example.com'}), ingressWith({}, {name: 'a-www-redirect', namespace: NS, host: 'other.example.com'})]
  t.deepEqual(translateAll(input()).objects, translateAll(input()).objects)
  const alone = translateAll([ingressWith({'from-to-www-redirect': 'true'}, {name: 'a', namespace: NS, host: 'example.com'})])
  t.is(routeFor(alone, 'www.example.com').metadata.name, 'a-www-redirect')
  t.deepEqual(renamed(alone), [])
})
