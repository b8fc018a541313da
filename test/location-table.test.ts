/**
 * One nginx location table (location-table.ts) answers both the routes (hosts.ts buildHosts) and the families'
 * lookups (Lookup.serviceForPath, ingressesOnHost): an auth-url that points at a host of the input resolves to the
 * location nginx itself would pick for the subrequest. The nginx behaviour, ingress-nginx controller-v1.15.1:
 * - template.go enforceRegexModifier / buildLocation: one use-regex (or rewrite) location makes every location of
 *   the server `~* "^<path>"`, and ngx_http_core_find_location takes the first regex that matches, in the order
 *   controller.go getBackendServers sorted them (longest path string first);
 * - location.go updateServerLocations: Prefix `/p/` is `location /p/` plus `= /p/`; `/p` matches neither, and
 *   nginx answers it with a 301 to `/p/` (auto_redirect of a prefix location with proxy_pass);
 * - controller.go createUpstreams / getBackendServers: a path whose upstream an older canary created (NoServer) is
 *   skipped, so requests for it reach the host's other locations.
 */
import test from 'ava'
import type {ServedPath} from '../src/annotations/types.js'
import {controllerDefaults} from '../src/model/controller-defaults.js'
import {servedLocations} from '../src/translate/location-table.js'
import type {IngressModel} from '../src/model/ingress-model.js'
import {resolveSettings} from '../src/model/settings.js'
import {diagnosticsFor, ingressWith, objectsOf, translateAll} from './annotations/support.js'

const day = (n: number) => `2024-01-0${n}T00:00:00Z`
const dashboard = (annotations: Record<string, string> = {}) =>
  ingressWith({'auth-url': 'https://$host/oauth2/auth', ...annotations}, {name: 'dashboard', namespace: 'apps', host: 'dash.example.com', created: day(2)})
const extAuthOf = (r: ReturnType<typeof translateAll>) => objectsOf(r, 'SecurityPolicy').find((o) => o.metadata.name === 'dashboard')?.spec

test('regex mode: oauth2-proxy on a use-regex path /oauth2/.* serves the subrequest (served-paths ignored regex mode)', (t) => {
  const proxy = ingressWith({'use-regex': 'true'}, {name: 'oauth2-proxy', namespace: 'auth', host: 'dash.example.com', paths: [{path: '/oauth2/.*', pathType: 'ImplementationSpecific'}], port: 4180, created: day(1)})
  const r = translateAll([dashboard(), proxy])
  // `~* "^/oauth2/.*"` matches /oauth2/auth; outside regex mode the literal prefix /oauth2/.*/ would not.
  t.deepEqual(extAuthOf(r)?.extAuth?.http?.backendRefs, [{name: 'oauth2-proxy', namespace: 'auth', port: 4180}])
  t.regex(diagnosticsFor(r, 'auth-url').find((d) => d.object === 'Ingress apps/dashboard')!.message, /ImplementationSpecific \/oauth2\/\.\*|Prefix \/oauth2\/\.\*/)
})

test('regex mode is case-insensitive and not element-wise: Prefix /OAuth reaches /oauth2/auth once the host is regex', (t) => {
  const proxy = ingressWith({}, {name: 'oauth2-proxy', namespace: 'auth', host: 'dash.example.com', paths: ['/OAuth'], port: 4180, created: day(1)})
  // The dashboard's use-regex turns the whole server regex: `~* "^/OAuth"` matches /oauth2/auth.
  const regex = translateAll([dashboard({'use-regex': 'true'}), proxy])
  t.deepEqual(extAuthOf(regex)?.extAuth?.http?.backendRefs, [{name: 'oauth2-proxy', namespace: 'auth', port: 4180}])
  // Without regex mode, `location /OAuth/` and `= /OAuth` miss it: the subrequest reaches the dashboard's own `/`
  // (auth-url again, a loop), and the conversion fails closed.
  const plain = translateAll([dashboard(), proxy])
  t.deepEqual(extAuthOf(plain)?.authorization, {defaultAction: 'Deny'})
})

test('the host\'s fallback `location /` carries its first Ingress\'s rewrite-target, which can turn the host regex alone', (t) => {
  // controller.go createServers: the server's `location /` gets locationApplyAnnotations of the first Ingress with
  // a rule for the host; its rewrite-target /app/ differs from `/`, so template.go needsRewrite is true there and
  // enforceRegexModifier makes every location `~* "^<path>"` (its own `/app/` location needs no rewrite).
  const site = ingressWith({'rewrite-target': '/app/'}, {name: 'site', namespace: 'apps', host: 'dash.example.com', paths: ['/app/'], created: day(1)})
  const proxy = ingressWith({}, {name: 'oauth2-proxy', namespace: 'auth', host: 'dash.example.com', paths: ['/OAuth'], port: 4180, created: day(2)})
  const dash = ingressWith({'auth-url': 'https://$host/oauth2/auth'}, {name: 'dashboard', namespace: 'apps', host: 'dash.example.com', paths: ['/dash'], created: day(3)})
  const r = translateAll([site, proxy, dash])
  // `~* "^/OAuth"` matches /oauth2/auth: nginx's subrequest reached oauth2-proxy.
  t.deepEqual(extAuthOf(r)?.extAuth?.http?.backendRefs, [{name: 'oauth2-proxy', namespace: 'auth', port: 4180}])
})

test('Prefix /oauth2/ does not serve /oauth2 (nginx answers 301): an auth-url on /oauth2 fails closed', (t) => {
  const proxy = ingressWith({}, {name: 'oauth2-proxy', namespace: 'auth', host: 'dash.example.com', paths: ['/oauth2/'], port: 4180, created: day(1)})
  const r = translateAll([dashboard({'auth-url': 'https://$host/oauth2'}), proxy])
  t.deepEqual(extAuthOf(r)?.authorization, {defaultAction: 'Deny'})
  const served = translateAll([dashboard({'auth-url': 'https://$host/oauth2/auth'}), proxy])
  t.deepEqual(extAuthOf(served)?.extAuth?.http?.backendRefs, [{name: 'oauth2-proxy', namespace: 'auth', port: 4180}])
})

test('a path nginx skipped (its upstream created by an older canary) does not serve the subrequest', (t) => {
  const canary = ingressWith({canary: 'true', 'canary-weight': '10'}, {name: 'proxy-canary', namespace: 'auth', host: 'other.example.com', service: 'oauth2-proxy', port: 4180, created: day(1)})
  const proxy = ingressWith({}, {name: 'oauth2-proxy', namespace: 'auth', host: 'dash.example.com', paths: ['/oauth2'], port: 4180, created: day(3)})
  const r = translateAll([dashboard(), proxy, canary])
  t.true(r.diagnostics.some((d) => d.code === 'upstream-owned-by-canary' && d.object === 'Ingress auth/oauth2-proxy'))
  // nginx had no /oauth2 location: the subrequest reached the dashboard's own `/` (auth-url again): fail closed.
  t.deepEqual(extAuthOf(r)?.authorization, {defaultAction: 'Deny'})
})

test('a location whose Ingress answers with permanent/temporal-redirect does not serve the subrequest: nginx returns before proxy_pass', (t) => {
  // controller.go locationApplyAnnotations gives each location of the Ingress its Redirect; nginx.tmpl renders
  // `return <code> <url>` before buildProxyPass, so nginx's auth subrequest got the redirect, never oauth2-proxy,
  // and auth_request takes a 3xx as an error: the conversion fails closed rather than call the Service.
  for (const redirect of [{'permanent-redirect': 'https://login.example.com/'}, {'temporal-redirect': 'https://login.example.com/'}] as Record<string, string>[]) {
    const proxy = ingressWith(redirect, {name: 'oauth2-proxy', namespace: 'auth', host: 'dash.example.com', paths: ['/oauth2'], port: 4180, created: day(1)})
    const r = translateAll([dashboard(), proxy])
    t.deepEqual(extAuthOf(r)?.authorization, {defaultAction: 'Deny'}, Object.keys(redirect)[0])
    t.is(extAuthOf(r)?.extAuth, undefined)
  }
  // A redirect config redirect.go Parse skips (a temporal-redirect that is not http(s)) leaves the Service serving it.
  const skipped = ingressWith({'temporal-redirect': 'ftp://login.example.com/'}, {name: 'oauth2-proxy', namespace: 'auth', host: 'dash.example.com', paths: ['/oauth2'], port: 4180, created: day(1)})
  t.deepEqual(extAuthOf(translateAll([dashboard(), skipped]))?.extAuth?.http?.backendRefs, [{name: 'oauth2-proxy', namespace: 'auth', port: 4180}])
})

// --- nginx's choice among a host's locations outside regex mode (served-paths.test.ts before the one table) ---
// location.go updateServerLocations turns Prefix `p` into `location p/` (normalizePrefixPath) plus the exact twin
// `location = p` (skipped when an Exact `p` exists); nginx's ngx_http_core_find_static_location takes an exact
// location first, else the longest prefix location, and answers a URI one slash short of a prefix location with 301
// (auto_redirect, set by proxy_pass) before any shorter prefix is used.

/** One Ingress per location, in nginx order (the first keeps a path defined twice), all on host h.example.com. */
const at = (name: string, path: string, exact = false) => ({name, path, exact})
function match(locations: ReturnType<typeof at>[], uri: string): ServedPath | undefined {
  const models = locations.map((l, order) => {
    const object = {apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: {name: l.name, namespace: 'n'}, spec: {rules: [{host: 'h.example.com', http: {paths: [{path: l.path, pathType: l.exact ? 'Exact' : 'Prefix', backend: {service: {name: l.name, port: {number: 80}}}}]}}]}}
    const intents = {sslRedirect: true, forceSslRedirect: false, filters: [], extensionFilters: [], extraRules: [], policies: [], objects: []}
    const settings = resolveSettings(new Map(), controllerDefaults(undefined))
    return {id: `n/${l.name}`, ref: {namespace: 'n', name: l.name}, object, source: {file: 'test.yaml'}, order, gateway: {namespace: 'gateway', name: 'shared'}, annotations: new Map(), served: true, isCanary: false, fidelity: new Map(), settings, intents} as unknown as IngressModel
  })
  return servedLocations(models, new Map()).serviceForPath('h.example.com', uri)
}

test('a Prefix path written with a trailing slash does not serve the path without it: nginx answers 301 there', (t) => {
  const locations = [at('root', '/'), at('api', '/api/')]
  // location /api/ + location = /api/; `/api` matches neither, and nginx redirects it to /api/ (not `location /`).
  t.is(match(locations, '/api'), undefined)
  t.is(match(locations, '/api/')?.name, 'api')
  t.is(match(locations, '/api/v1')?.name, 'api')
  t.is(match(locations, '/apix')?.name, 'root')
})

test('a Prefix path without a trailing slash serves itself through its exact twin, and only whole segments below it', (t) => {
  const locations = [at('root', '/'), at('api', '/api')]
  t.is(match(locations, '/api')?.name, 'api')
  t.is(match(locations, '/api/')?.name, 'api')
  t.is(match(locations, '/api/v1')?.name, 'api')
  t.is(match(locations, '/apix')?.name, 'root')
})

test('an exact location of the path wins over the 301 of a Prefix path with a trailing slash', (t) => {
  // Another Ingress's Exact /api, or a Prefix /api's twin `= /api`, answers /api itself.
  t.is(match([at('root', '/'), at('api', '/api/'), at('exact', '/api', true)], '/api')?.name, 'exact')
  t.is(match([at('root', '/'), at('slash', '/api/'), at('bare', '/api')], '/api')?.name, 'bare')
  // The Exact path beats the Prefix twin of the same path (location.go skips the twin).
  t.is(match([at('prefix', '/api'), at('exact', '/api', true)], '/api')?.name, 'exact')
})

test('the longest prefix location wins, measured as nginx writes it (with its trailing slash)', (t) => {
  const locations = [at('root', '/'), at('a', '/a'), at('ab', '/a/b/')]
  t.is(match(locations, '/a/b/c')?.name, 'ab')
  t.is(match(locations, '/a/c')?.name, 'a')
  t.is(match(locations, '/a/b'), undefined, 'one slash short of /a/b/: 301, even though /a/ matches')
  t.is(match([at('a', '/a')], '/b'), undefined)
})

test('serviceForPath follows nginx: an equal Exact path first, then the longest Prefix over whole segments', (t) => {
  const locations = [at('root', '/'), at('oauth', '/oauth2'), at('auth', '/oauth2/auth/'), at('exact', '/oauth2/auth', true)]
  t.is(match(locations, '/oauth2/auth')?.name, 'exact')
  t.is(match(locations, '/oauth2/auth/x')?.name, 'auth')
  t.is(match(locations, '/oauth2/start')?.name, 'oauth')
  t.is(match(locations, '/oauth2x')?.name, 'root')
  t.is(match(locations.slice(1), '/other'), undefined)
})
