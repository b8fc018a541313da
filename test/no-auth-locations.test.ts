/**
 * ConfigMap no-auth-locations under an Ingress's own auth (auth-url, basic auth). nginx.tmpl (location block) wraps
 * auth_request (and the auth-response-headers it copies), auth_basic/auth_digest and `proxy_set_header Authorization
 * ""` in `{{ if not (isLocationInLocationList $location $all.Cfg.NoAuthLocations) }}`, and template.go
 * isLocationInLocationList tests strings.HasPrefix(location.Path, item): the LOCATION's path (the Ingress path), not the
 * request's. The allow/deny lines and CORS come before that `if`, so they still apply there. emit-routes.ts
 * (isNoAuthLocation, exemptsNoAuthLocations) gives such locations a route of their own that the Ingress's
 * SecurityPolicy auth leaves out; emit-policies.ts gives that route a policy with the Ingress's other fields.
 */
import test from 'ava'
import {configMap, ingressWith, translateAll} from './annotations/support.js'
import type {KubeObject, TranslateResult} from '../src/model/types.js'

const NS = 'shop'
const authUrl = {'auth-url': 'http://authz.security.svc.cluster.local:8080/check'}
const basic = {'auth-type': 'basic', 'auth-secret': 'shop/users'}
const noAuth = (list: string) => configMap('ingress-nginx', 'ingress-nginx-controller', {'no-auth-locations': list})
const app = (annotations: Record<string, string>, paths: (string | {path: string; pathType?: string; service?: string})[], tls = false) =>
  ingressWith(annotations, {name: 'app', namespace: NS, host: 'app.example.com', paths: paths as never, tls})

const objects = (r: TranslateResult, kind: string) => r.objects.filter((o) => o.kind === kind && o.metadata.namespace === NS)
const routeNamed = (r: TranslateResult, name: string) => objects(r, 'HTTPRoute').find((o) => o.metadata.name === name)
const pathsOf = (route: KubeObject | undefined) => (route?.spec.rules ?? []).flatMap((rule: any) => rule.matches.map((m: any) => `${m.path.type} ${m.path.value}`)).sort()
/** The SecurityPolicy that applies to a route of the namespace (the one whose targetRefs name it). */
function policyOf(r: TranslateResult, route: string): KubeObject | undefined {
  const all = objects(r, 'SecurityPolicy').filter((p) => p.spec.targetRefs.some((x: any) => x.name === route && x.sectionName === undefined))
  if (all.length > 1) throw new Error(`${all.length} SecurityPolicies target ${route}`)
  return all[0]
}
/** Where a request path ends up: the auth Envoy asks for it, as the route its location went to says. */
function authAt(r: TranslateResult, path: string): string {
  for (const route of objects(r, 'HTTPRoute')) {
    if (!pathsOf(route).includes(path)) continue
    const p = policyOf(r, route.metadata.name)
    return [p?.spec.extAuth ? 'extAuth' : '', p?.spec.basicAuth ? 'basicAuth' : ''].filter(Boolean).join('+') || 'none'
  }
  throw new Error(`no route has ${path}`)
}

test('auth-url: a no-auth-locations path of a mixed Ingress is served without auth, the others keep it', (t) => {
  const r = translateAll([noAuth('/healthz,/public'), app(authUrl, ['/', {path: '/healthz', pathType: 'Exact'}, {path: '/public', service: 'static'}])])
  t.is(authAt(r, 'PathPrefix /'), 'extAuth')
  t.is(authAt(r, 'Exact /healthz'), 'none')
  t.is(authAt(r, 'PathPrefix /public'), 'none')
  t.deepEqual(pathsOf(routeNamed(r, 'app-no-auth')), ['Exact /healthz', 'PathPrefix /public'])
  t.deepEqual(pathsOf(routeNamed(r, 'app')), ['PathPrefix /'])
  // Same listeners and hostnames as the Ingress's route: only the auth differs.
  t.deepEqual(routeNamed(r, 'app-no-auth')!.spec.parentRefs, routeNamed(r, 'app')!.spec.parentRefs)
  t.deepEqual(routeNamed(r, 'app-no-auth')!.spec.hostnames, ['app.example.com'])
  t.false(r.diagnostics.some((d) => d.code === 'auth-exempt-location' && d.level === 'warning'))
})

test('the exempt check is on the location path: a request for /healthz that location / serves is authenticated', (t) => {
  const r = translateAll([noAuth('/healthz'), app(authUrl, ['/'])])
  t.deepEqual(objects(r, 'HTTPRoute').map((o) => o.metadata.name), ['app'])
  t.is(authAt(r, 'PathPrefix /'), 'extAuth')
  // A prefix of the location path, not of a path segment: /healthzfoo starts with /healthz (strings.HasPrefix).
  const prefix = translateAll([noAuth('/healthz'), app(authUrl, ['/', '/healthzfoo'])])
  t.is(authAt(prefix, 'PathPrefix /healthzfoo'), 'none')
  // Case-sensitive, as strings.HasPrefix.
  const upper = translateAll([noAuth('/HealthZ'), app(authUrl, ['/', '/healthz'])])
  t.is(authAt(upper, 'PathPrefix /healthz'), 'extAuth')
})

test('basic auth: exempt paths get neither basicAuth nor the Authorization removal nginx wrote inside the same block', (t) => {
  const r = translateAll([noAuth('/healthz'), app(basic, ['/', '/healthz'], true)])
  t.is(authAt(r, 'PathPrefix /'), 'basicAuth')
  t.is(authAt(r, 'PathPrefix /healthz'), 'none')
  const removesAuthorization = (route: KubeObject | undefined) =>
    (route?.spec.rules ?? []).some((rule: any) => (rule.filters ?? []).some((f: any) => f.requestHeaderModifier?.remove?.includes('Authorization')))
  t.true(removesAuthorization(routeNamed(r, 'app')))
  t.false(removesAuthorization(routeNamed(r, 'app-no-auth')), 'nginx.tmpl: proxy_set_header Authorization "" is inside the no-auth-locations if')
  t.false((routeNamed(r, 'app-no-auth')!.metadata.annotations?.['ingress2gw.io/annotations'] ?? '').includes('auth-type'))
})

test('CORS and the allowlist, outside that block, still apply to the exempt paths; the auth does not', (t) => {
  const r = translateAll([noAuth('/public'), app({...authUrl, 'enable-cors': 'true', 'whitelist-source-range': '10.0.0.0/8'}, ['/', '/public'])])
  const main = policyOf(r, 'app')!
  const open = policyOf(r, 'app-no-auth')!
  t.truthy(main.spec.extAuth)
  t.is(open.metadata.name, 'app-no-auth')
  t.is(open.spec.extAuth, undefined)
  t.deepEqual(open.spec.cors, main.spec.cors)
  t.deepEqual(open.spec.authorization, main.spec.authorization)
  t.deepEqual(open.spec.authorization.rules.flatMap((x: any) => x.principal.clientCIDRs), ['10.0.0.0/8'])
})

test('the ACME challenge path on a host nginx does not redirect is exempt too (default no-auth-locations)', (t) => {
  // No TLS: no redirect, so no acme-challenge route of its own; the default no-auth-locations still exempts it.
  const r = translateAll([app(authUrl, ['/', {path: '/.well-known/acme-challenge/tok3n', pathType: 'Exact', service: 'solver'}])])
  t.is(authAt(r, 'Exact /.well-known/acme-challenge/tok3n'), 'none')
  t.is(authAt(r, 'PathPrefix /'), 'extAuth')
  // Not a redirected host's challenge: the location joins the Ingress's other exempt paths in the no-auth route.
  const names = objects(r, 'HTTPRoute').map((o) => o.metadata.name).sort()
  t.deepEqual(names, ['app', 'app-no-auth'])
})

test('only exempt paths: no route is left under the auth, and nothing else changes', (t) => {
  const r = translateAll([noAuth('/healthz'), app(authUrl, ['/healthz'])])
  t.deepEqual(objects(r, 'HTTPRoute').map((o) => o.metadata.name), ['app-no-auth'])
  t.false(objects(r, 'SecurityPolicy').some((p) => p.spec.extAuth !== undefined))
})

test('without auth of its own, an Ingress is not split (no policy difference between the paths)', (t) => {
  const r = translateAll([noAuth('/healthz'), app({'enable-cors': 'true'}, ['/', '/healthz'])])
  t.deepEqual(objects(r, 'HTTPRoute').map((o) => o.metadata.name), ['app'])
})

test('a failing-closed auth-url (deny-all for an auth nobody set) keeps every path denied', (t) => {
  const r = translateAll([noAuth('/healthz'), app({'auth-url': 'http://auth.example.org/check'}, ['/', '/healthz'])])
  t.deepEqual(objects(r, 'HTTPRoute').map((o) => o.metadata.name), ['app'])
  t.deepEqual(policyOf(r, 'app')!.spec.authorization, {defaultAction: 'Deny'})
})

test('hosts with the same exempt rules share the no-auth route; different ones get one each', (t) => {
  const two = ingressWith(authUrl, {name: 'app', namespace: NS, hosts: ['a.example.com', 'b.example.com'], paths: ['/', '/healthz']})
  const r = translateAll([noAuth('/healthz'), two])
  t.deepEqual(objects(r, 'HTTPRoute').map((o) => o.metadata.name).sort(), ['app', 'app-no-auth'])
  t.deepEqual(routeNamed(r, 'app-no-auth')!.spec.hostnames, ['a.example.com', 'b.example.com'])
  const split = translateAll([
    noAuth('/healthz'),
    {
      ...two,
      spec: {
        ingressClassName: 'nginx',
        rules: [
          {host: 'a.example.com', http: {paths: [{path: '/', pathType: 'Prefix', backend: {service: {name: 'app', port: {number: 80}}}}, {path: '/healthz', pathType: 'Prefix', backend: {service: {name: 'a', port: {number: 80}}}}]}},
          {host: 'b.example.com', http: {paths: [{path: '/', pathType: 'Prefix', backend: {service: {name: 'app', port: {number: 80}}}}, {path: '/healthz', pathType: 'Prefix', backend: {service: {name: 'b', port: {number: 80}}}}]}},
        ],
      },
    },
  ])
  t.deepEqual(objects(split, 'HTTPRoute').map((o) => o.metadata.name).sort(), ['app', 'app-no-auth-a-example-com', 'app-no-auth-b-example-com'])
  t.deepEqual(policyOf(split, 'app-no-auth-a-example-com')?.metadata.name, policyOf(split, 'app-no-auth-b-example-com')?.metadata.name)
})

test('satisfy any: the address lists nginx checked alone on an exempt path still apply there', (t) => {
  // nginx.tmpl writes `satisfy any`, the deny/allow lines (before the no-auth-locations `if`) and no auth_basic on an
  // exempt location: with the access module the only access-phase handler left, ngx_http_core_access_phase finalizes
  // with its 403 (satisfy any lets in on the first handler that returns NGX_OK, and none other runs). The lists are
  // dropped where the auth applies (Envoy cannot say OR), but not where nginx had no auth to fall back on.
  const lists = {...basic, satisfy: 'any', 'whitelist-source-range': '10.0.0.0/8', 'denylist-source-range': '10.1.0.0/16'}
  const r = translateAll([noAuth('/healthz'), app(lists, ['/', '/healthz'])])
  t.is(authAt(r, 'PathPrefix /healthz'), 'none')
  const open = policyOf(r, 'app-no-auth')
  t.truthy(open, 'the exempt route must not be left without the address lists')
  t.deepEqual(open?.spec.authorization, {
    defaultAction: 'Deny',
    rules: [
      {name: 'denylist-source-range', action: 'Deny', principal: {clientCIDRs: ['10.1.0.0/16']}},
      {name: 'allowlist-source-range', action: 'Allow', principal: {clientCIDRs: ['10.0.0.0/8']}},
    ],
  })
  // Where the auth applies nothing changes: the authentication alone, as satisfy-any reports.
  t.is(policyOf(r, 'app')!.spec.authorization, undefined)
  t.truthy(policyOf(r, 'app')!.spec.basicAuth)
  // A deny-list alone: nginx answered 403 to those clients on the exempt path.
  const deny = translateAll([noAuth('/healthz'), app({...authUrl, satisfy: 'any', 'denylist-source-range': '192.0.2.0/24'}, ['/', '/healthz'])])
  t.deepEqual(policyOf(deny, 'app-no-auth')?.spec.authorization, {defaultAction: 'Allow', rules: [{name: 'denylist-source-range', action: 'Deny', principal: {clientCIDRs: ['192.0.2.0/24']}}]})
  t.is(policyOf(deny, 'app')!.spec.authorization, undefined)
})

test('the exempt policy never takes the name of another Ingress\'s policy', (t) => {
  // Ingress app's exempt policy would be app-no-auth, the name of Ingress app-no-auth's own (basic auth) policy: one
  // of the two documents would replace the other on apply, leaving that Ingress's route without its auth.
  const other = ingressWith(basic, {name: 'app-no-auth', namespace: NS, host: 'other.example.com', service: 'secret'})
  for (const order of [[app({...basic, 'enable-cors': 'true'}, ['/', '/healthz']), other], [other, app({...basic, 'enable-cors': 'true'}, ['/', '/healthz'])]]) {
    const r = translateAll([noAuth('/healthz'), ...order])
    const names = objects(r, 'SecurityPolicy').map((p) => p.metadata.name)
    t.deepEqual(names, [...new Set(names)], 'SecurityPolicy names repeat in the namespace')
    const otherRoute = objects(r, 'HTTPRoute').find((o) => o.spec.hostnames.includes('other.example.com'))!
    t.is(authAt(r, pathsOf(otherRoute)[0]!), 'basicAuth')
    const exemptRoute = objects(r, 'HTTPRoute').find((o) => o.spec.hostnames.includes('app.example.com') && pathsOf(o).includes('PathPrefix /healthz'))!
    t.truthy(policyOf(r, exemptRoute.metadata.name)?.spec.cors)
  }
})

test('satisfy any: the diagnostics say the address lists still decide on the exempt paths, not "only the authentication"', (t) => {
  const lists = {...basic, satisfy: 'any', 'whitelist-source-range': '10.0.0.0/8', 'denylist-source-range': '10.1.0.0/16'}
  const r = translateAll([noAuth('/healthz'), app(lists, ['/', '/healthz'])])
  const said = (key: string) => r.diagnostics.find((d) => d.annotation === `nginx.ingress.kubernetes.io/${key}` && d.code === 'satisfy-any')!.message
  t.notRegex(said('whitelist-source-range'), /only the authentication is emitted: /)
  t.regex(said('whitelist-source-range'), /must now authenticate there too; on \/healthz \(under the controller ConfigMap's no-auth-locations\) nginx asked no authentication, so the address lists alone decided there/)
  // The deny-list is applied where nginx applied it (the exempt path) and changes nothing elsewhere: nginx's outcome.
  t.regex(said('denylist-source-range'), /on \/healthz .* they are emitted alone on the route of those paths/)
  t.is(r.ingresses.find((i) => i.ingress === `${NS}/app`)!.annotations['nginx.ingress.kubernetes.io/denylist-source-range'], 'exact')
  // Without an exempt path nothing changes.
  const plain = translateAll([noAuth('/healthz'), app(lists, ['/'])])
  t.regex(plain.diagnostics.find((d) => d.annotation === 'nginx.ingress.kubernetes.io/whitelist-source-range')!.message, /only the authentication is emitted: clients in this list must now authenticate too$/)
  t.is(plain.ingresses.find((i) => i.ingress === `${NS}/app`)!.annotations['nginx.ingress.kubernetes.io/denylist-source-range'], 'ignored')
})

test('the exempt route\'s policy names as its sources only the annotations it carries, not the auth it leaves out', (t) => {
  const r = translateAll([noAuth('/healthz'), app({...basic, 'enable-cors': 'true'}, ['/', '/healthz'])])
  const carried = (name: string) => objects(r, 'SecurityPolicy').find((p) => p.metadata.name === name)!.metadata.annotations!['ingress2gw.io/annotations']
  t.is(carried('app-no-auth'), 'nginx.ingress.kubernetes.io/enable-cors')
  t.is(carried('app'), 'nginx.ingress.kubernetes.io/auth-secret,nginx.ingress.kubernetes.io/auth-type,nginx.ingress.kubernetes.io/enable-cors')
})

test('regex mode: equal-length patterns of the exempt route and the authenticated one are reported, their order is the routes\'', (t) => {
  // /healthz.. (exempt, under /healthz) and /[a-z]+/.. (authenticated) have one length and both match /healthz/ab:
  // nginx tries /healthz.. first (getBackendServers: descending path, 'h' > '['), Envoy Gateway by route order
  // between app and app-no-auth.
  const r = translateAll([noAuth('/healthz'), app({...basic, 'use-regex': 'true'}, ['/', '/healthz..', '/[a-z]+/..'])])
  const d = r.diagnostics.filter((x) => x.code === 'regex-order-no-auth')
  t.deepEqual(
    d.map((x) => x.data),
    [{host: 'app.example.com', first: {pattern: '/healthz..', match: 'Prefix', path: '/healthz..', exempt: true}, second: {pattern: '/[a-z]+/..', match: 'Prefix', path: '/[a-z]+/..', exempt: false}}],
  )
  t.is(authAt(r, 'RegularExpression (?i)(?:/healthz..).*'), 'none')
  // Literal paths of one length never both match: nothing to say.
  const literal = translateAll([noAuth('/healthz'), app({...basic, 'use-regex': 'true'}, ['/', '/healthz', '/metrics'])])
  t.false(literal.diagnostics.some((x) => x.code === 'regex-order-no-auth'))
  // Nor do patterns whose literal starts differ (`^/hz/v1/` and `^/healthz` part at their third character, `^/api/v1/`
  // at their second): no path matches both, whichever is tried first. /h[a-z]+/. starts as /healthz.. does, and both
  // match /healthz/a.
  const apart = translateAll([noAuth('/healthz'), app({...basic, 'use-regex': 'true'}, ['/', '/hz/v1/...', '/healthz..', '/api/v1/..', '/h[a-z]+/.'])])
  t.deepEqual(
    apart.diagnostics.filter((x) => x.code === 'regex-order-no-auth').map((x) => [(x.data as any).first.pattern, (x.data as any).second.pattern]),
    [['/healthz..', '/h[a-z]+/.']],
  )
})
