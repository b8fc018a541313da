import test from 'ava'
import type {KubeObject} from '../../src/model/types.js'
import {assertValid, diagnosticsFor, fidelityFor, ingressFactory, routeOf, routesOf, translateAll, translateObjects, useValidator} from './support.js'
import {verifyRun} from '../../src/verify/run.js'

const ingress = ingressFactory({name: 'shop', host: 'shop.example.com'})
useValidator()

test('permanent-redirect answers every path with the URL verbatim, 301 by default', (t) => {
  const r = translateObjects(ingress({'permanent-redirect': 'https://www.example.org/new-shop'}))
  t.deepEqual(routeOf(r, 'shop')!.spec.rules, [
    {
      matches: [{path: {type: 'PathPrefix', value: '/'}}],
      filters: [
        {
          type: 'RequestRedirect',
          requestRedirect: {scheme: 'https', hostname: 'www.example.org', path: {type: 'ReplaceFullPath', replaceFullPath: '/new-shop'}, statusCode: 301},
        },
      ],
    },
  ])
  t.is(fidelityFor(r, 'permanent-redirect'), 'approximate')
  // Envoy keeps the request's query unless the redirect path has one (utility.cc Utility::newUri); nginx's return does not.
  const d = diagnosticsFor(r, 'permanent-redirect')[0]!
  t.regex(d.message, /nginx's return sent https:\/\/www\.example\.org\/new-shop alone, while the Gateway redirect appends the request's query string to it \(\/any\?x=1 -> https:\/\/www\.example\.org\/new-shop\?x=1\)/)
  t.regex(d.hint!, /end the annotation URL with `\?`/)
  assertValid(t, r)
})

test('a target with a query string and a port is exact; a bare host redirects to /', (t) => {
  const r = translateObjects(ingress({'permanent-redirect': 'http://Legacy.Example.com:8080/?from=shop&x=1', 'permanent-redirect-code': '302'}))
  t.deepEqual(routeOf(r, 'shop')!.spec.rules[0].filters[0].requestRedirect, {
    scheme: 'http',
    hostname: 'legacy.example.com',
    port: 8080,
    path: {type: 'ReplaceFullPath', replaceFullPath: '/?from=shop&x=1'},
    statusCode: 302,
  })
  t.is(fidelityFor(r, 'permanent-redirect'), 'exact')
  const bare = translateObjects(ingress({'permanent-redirect': 'https://example.org'}))
  t.deepEqual(routeOf(bare, 'shop')!.spec.rules[0].filters[0].requestRedirect.path, {type: 'ReplaceFullPath', replaceFullPath: '/'})
  t.regex(diagnosticsFor(bare, 'permanent-redirect')[0]!.message, /-> https:\/\/example\.org\/\?x=1\)/)
  t.is(routeOf(bare, 'shop')!.spec.rules[0].filters[0].requestRedirect.port, undefined)
  assertValid(t, r)
})

test('temporal-redirect wins over permanent-redirect; code 307 is kept and needs Gateway API 1.5', (t) => {
  const r = translateObjects(ingress({'temporal-redirect': 'https://maintenance.example.com/', 'temporal-redirect-code': '307', 'permanent-redirect': 'https://other.example.com/', 'permanent-redirect-code': '308'}))
  const redirect = routeOf(r, 'shop')!.spec.rules[0].filters[0].requestRedirect
  t.is(redirect.hostname, 'maintenance.example.com')
  t.is(redirect.statusCode, 307)
  t.is(fidelityFor(r, 'permanent-redirect'), 'ignored')
  t.is(fidelityFor(r, 'permanent-redirect-code'), 'ignored')
  t.is(diagnosticsFor(r, 'permanent-redirect')[0]?.level, 'warning')
  t.is(fidelityFor(r, 'temporal-redirect-code'), 'exact')
  t.truthy(r.diagnostics.find((d) => d.code === 'redirect-code-needs-gateway-api-1.5'))
  assertValid(t, r)
})

test('codes outside nginx\'s range fall back to its default; non-integers drop the Ingress', (t) => {
  const out = translateObjects(ingress({'temporal-redirect': 'https://x.example.com/', 'temporal-redirect-code': '308'}))
  t.is(routeOf(out, 'shop')!.spec.rules[0].filters[0].requestRedirect.statusCode, 302, 'temporal accepts 300-307 only')
  const [d] = diagnosticsFor(out, 'temporal-redirect-code')
  t.is(d?.code, 'redirect-code-out-of-range')
  t.is(d?.level, 'warning')
  t.is(fidelityFor(out, 'temporal-redirect-code'), 'exact')

  const nan = translateObjects(ingress({'permanent-redirect': 'https://x.example.com/', 'permanent-redirect-code': 'moved'}))
  t.is(diagnosticsFor(nan, 'permanent-redirect-code')[0]?.code, 'ingress-not-served')
  t.is(routesOf(nan).length, 0)
})

test('URLIsValidRegex (validators.go): variables and % drop the Ingress', (t) => {
  for (const url of ['https://example.com$request_uri', 'https://example.com/a%20b']) {
    const r = translateObjects(ingress({'permanent-redirect': url}))
    t.is(diagnosticsFor(r, 'permanent-redirect')[0]?.code, 'ingress-not-served', url)
    t.is(routesOf(r).length, 0, url)
    t.is(r.ingresses[0]!.status, 'not-served')
  }
})

// redirect.go Parse reads from-to-www-redirect, relative-redirects, temporal-redirect (+ its code, then isValidURL,
// then returns), else permanent-redirect and permanent-redirect-code. Only a validator failure (ValidationError) of
// a key it reads drops the Ingress (annotations.go Extract); isValidURL's plain error skips the redirect config.
test('redirect.go Parse: a relative permanent-redirect is served; the Location keeps the request\'s host', (t) => {
  const r = translateObjects(ingress({'permanent-redirect': '/new-path'}))
  t.is(r.ingresses[0]!.status, 'converted')
  // nginx `return 301 /new-path` with absolute_redirect on: Location http://<Host>/new-path (port_in_redirect off).
  t.deepEqual(routeOf(r, 'shop')!.spec.rules[0].filters, [{type: 'RequestRedirect', requestRedirect: {path: {type: 'ReplaceFullPath', replaceFullPath: '/new-path'}, statusCode: 301}}])
  t.is(fidelityFor(r, 'permanent-redirect'), 'approximate', 'the Gateway keeps the query string')
  assertValid(t, r)
})

test('redirect.go Parse: permanent-redirect is not URL-checked; a bare word is sent as a relative Location', (t) => {
  const word = translateObjects(ingress({'permanent-redirect': 'maintenance'}))
  t.deepEqual(routeOf(word, 'shop')!.spec.rules[0].filters[0].requestRedirect, {path: {type: 'ReplaceFullPath', replaceFullPath: '/maintenance'}, statusCode: 301})
  t.is(fidelityFor(word, 'permanent-redirect'), 'approximate')
  t.regex(diagnosticsFor(word, 'permanent-redirect')[0]!.message, /relative `Location: maintenance`/)
  // `return 301 ftp://...` is served too, but a RequestRedirect cannot say it: nothing emitted, a person decides.
  const ftp = translateObjects(ingress({'permanent-redirect': 'ftp://example.com/file'}))
  t.is(ftp.ingresses[0]!.status, 'converted')
  t.is(fidelityFor(ftp, 'permanent-redirect'), 'manual')
  t.deepEqual(routeOf(ftp, 'shop')!.spec.rules[0].backendRefs, [{name: 'shop', port: 80}])
})

test('redirect.go Parse: a temporal-redirect that is not an http(s) URL drops the redirect config, not the Ingress', (t) => {
  const r = translateObjects(ingress({'temporal-redirect': 'maintenance', 'from-to-www-redirect': 'true', 'permanent-redirect': 'https://other.example.com/'}))
  t.is(r.ingresses[0]!.status, 'converted')
  t.deepEqual(routeOf(r, 'shop')!.spec.rules[0].backendRefs, [{name: 'shop', port: 80}])
  t.is(routeOf(r, 'shop-www-redirect'), undefined, 'from-to-www-redirect lived in the same skipped config')
  t.is(diagnosticsFor(r, 'temporal-redirect')[0]?.code, 'redirect-config-dropped')
  for (const k of ['temporal-redirect', 'from-to-www-redirect', 'permanent-redirect']) t.is(fidelityFor(r, k), 'ignored', k)
})

test('redirect.go Parse: keys it never reads cannot drop the Ingress; those it reads can', (t) => {
  // temporal wins and returns before the permanent keys are read.
  const beside = translateObjects(ingress({'temporal-redirect': 'https://status.example.com/', 'permanent-redirect-code': '30x'}))
  t.is(beside.ingresses[0]!.status, 'converted')
  t.is(routeOf(beside, 'shop')!.spec.rules[0].filters[0].requestRedirect.statusCode, 302)
  // Never read: no "used the default" (there was none to use), a warning that the value had no effect.
  const unread = diagnosticsFor(beside, 'permanent-redirect-code').find((d) => d.code === 'annotation-ignored')!
  t.is(unread.level, 'warning')
  t.is(unread.fidelity, 'ignored')
  t.notRegex(unread.message, /default/)
  t.regex(unread.message, /returns before reading the permanent keys/)
  // temporal-redirect-code is read only beside its URL.
  const alone = translateObjects(ingress({'temporal-redirect-code': 'abc'}))
  t.is(alone.ingresses[0]!.status, 'converted')
  t.deepEqual(routeOf(alone, 'shop')!.spec.rules[0].backendRefs, [{name: 'shop', port: 80}])
  t.regex(diagnosticsFor(alone, 'temporal-redirect-code').find((d) => d.code === 'annotation-ignored')!.message, /has no effect without temporal-redirect/)
  t.is(fidelityFor(alone, 'temporal-redirect-code'), 'ignored')
  // ... and validated before the URL check: an invalid code drops the Ingress even beside a non-http URL.
  const both = translateObjects(ingress({'temporal-redirect': 'maintenance', 'temporal-redirect-code': 'abc'}))
  t.is(both.ingresses[0]!.status, 'not-served')
  t.is(diagnosticsFor(both, 'temporal-redirect-code')[0]?.code, 'ingress-not-served')
  // permanent-redirect-code is read whenever temporal-redirect is absent, even without permanent-redirect.
  const permanentCode = translateObjects(ingress({'permanent-redirect-code': '30x'}))
  t.is(permanentCode.ingresses[0]!.status, 'not-served')
})

test('redirect.go Parse: an empty value skips validation and the getter refuses it: no redirect config', (t) => {
  const r = translateObjects(ingress({'from-to-www-redirect': '', 'permanent-redirect': 'https://new.example.com/'}))
  t.is(r.ingresses[0]!.status, 'converted')
  t.deepEqual(routeOf(r, 'shop')!.spec.rules[0].backendRefs, [{name: 'shop', port: 80}])
  t.is(fidelityFor(r, 'permanent-redirect'), 'ignored')
})

test('codes 300, 304, 305, 306 are not redirects in nginx: the URL is the response body', (t) => {
  const r = translateObjects(ingress({'permanent-redirect': 'https://example.com/moved', 'permanent-redirect-code': '300'}))
  t.deepEqual(routeOf(r, 'shop')!.spec.rules[0].filters, [{type: 'ExtensionRef', extensionRef: {group: 'gateway.envoyproxy.io', kind: 'HTTPRouteFilter', name: 'shop-redirect-response'}}])
  t.is(routeOf(r, 'shop')!.spec.rules[0].backendRefs, undefined)
  const filter = r.objects.find((o) => o.kind === 'HTTPRouteFilter')
  t.deepEqual(filter?.spec, {directResponse: {statusCode: 300, contentType: 'text/html', body: {type: 'Inline', inline: 'https://example.com/moved'}}})
  t.is(fidelityFor(r, 'permanent-redirect-code'), 'exact')
  t.is(diagnosticsFor(r, 'permanent-redirect-code')[0]?.code, 'redirect-code-not-a-redirect')
  assertValid(t, r)
})

test('a code without its URL has no effect', (t) => {
  const r = translateObjects(ingress({'permanent-redirect-code': '308'}))
  t.is(fidelityFor(r, 'permanent-redirect-code'), 'ignored')
  t.deepEqual(routeOf(r, 'shop')!.spec.rules[0].backendRefs, [{name: 'shop', port: 80}])
})

test('app-root adds an Exact / rule redirecting (302) to the path', (t) => {
  // RegexPathWithCapture refuses ? and =: rewrite.Parse logs the validation error and keeps no app-root.
  const query = translateObjects(ingress({'app-root': '/dashboard?tab=1'}))
  t.is(diagnosticsFor(query, 'app-root')[0]?.code, 'invalid-annotation-value')
  t.is(routeOf(query, 'shop')!.spec.rules.length, 1)

  const r = translateObjects(ingress({'app-root': '/dashboard'}))
  const rules = routeOf(r, 'shop')!.spec.rules
  // nginx checks app-root before any location, so the rule comes first.
  t.deepEqual(rules[0], {
    matches: [{path: {type: 'Exact', value: '/'}}],
    filters: [{type: 'RequestRedirect', requestRedirect: {path: {type: 'ReplaceFullPath', replaceFullPath: '/dashboard'}, statusCode: 302}}],
  })
  t.deepEqual(rules[1].backendRefs, [{name: 'shop', port: 80}], 'the other paths still go to the backend')
  t.is(fidelityFor(r, 'app-root'), 'approximate')
  assertValid(t, r)

  const absolute = translateObjects(ingress({'app-root': 'https://example.com/dashboard'}))
  t.is(diagnosticsFor(absolute, 'app-root')[0]?.code, 'invalid-annotation-value')
  t.is(routeOf(absolute, 'shop')!.spec.rules.length, 1, 'nginx clears an absolute app-root')
  const loop = translateObjects(ingress({'app-root': '/'}))
  t.is(fidelityFor(loop, 'app-root'), 'ignored')
})

// nginx.tmpl renders app-root as a server-level `if ($uri = /) { return 302 $scheme://$http_host<root>; }`, run in the
// server rewrite phase, before the location's rewrite_by_lua (lua_ingress.lua redirect_to_https): on a TLS host plain
// HTTP for / is answered 302 -> http://host<root> (then 308 to https), not 308 -> https://host/.
test('app-root on a redirected TLS host: plain HTTP for / gets the app-root 302 before the HTTPS redirect, as in nginx', (t) => {
  const objects = [ingress({'app-root': '/dashboard'}, {tls: true})]
  const r = translateAll(objects, {emitGateway: true})
  const http = routeOf(r, 'shop-http')!
  t.deepEqual(http.spec.parentRefs.map((p: any) => p.sectionName), ['http'])
  t.deepEqual(http.spec.rules, [{matches: [{path: {type: 'Exact', value: '/'}}], filters: [{type: 'RequestRedirect', requestRedirect: {path: {type: 'ReplaceFullPath', replaceFullPath: '/dashboard'}, statusCode: 302}}]}])
  t.deepEqual(routeOf(r, 'shop')!.spec.parentRefs.map((p: any) => p.sectionName), ['https'], 'the rest of the host stays https only')
  const report = verifyRun({snapshot: {objects: objects.map((object) => ({object, source: {}}))}, options: {emitGateway: true}})
  t.deepEqual(report.differences.filter((d) => d.probe.scheme === 'http' && d.probe.path === '/').map((d) => d.probe.host), [])
  t.false(routesOf(translateAll([ingress({'app-root': '/dashboard', 'ssl-redirect': 'false'}, {tls: true})], {emitGateway: true})).some((o) => o.metadata.name === 'shop-http'), 'not redirected: the route is on http already')
  assertValid(t, r)
})

test('from-to-www-redirect: an HTTPRoute for the twin name on both listeners, 308 by default', (t) => {
  const r = translateObjects(ingress({'from-to-www-redirect': 'true'}, {hosts: ['shop.example.com', 'www.blog.example.com']}))
  const twins = routesOf(r).filter((o) => o.metadata.name.startsWith('shop-www-redirect'))
  t.deepEqual(
    twins.map((o) => [o.spec.hostnames, o.spec.rules[0].filters[0].requestRedirect]),
    [
      [['blog.example.com'], {hostname: 'www.blog.example.com', statusCode: 308}],
      [['www.shop.example.com'], {hostname: 'shop.example.com', statusCode: 308}],
    ],
  )
  t.deepEqual(twins[0]!.spec.parentRefs.map((p: any) => p.sectionName), ['http', 'https'])
  t.is(fidelityFor(r, 'from-to-www-redirect'), 'approximate')
  t.regex(diagnosticsFor(r, 'from-to-www-redirect')[0]!.message, /trailing slash/)
  assertValid(t, r)
})

test('from-to-www-redirect uses the controller\'s http-redirect-code and skips names the Ingress serves', (t) => {
  const controller: KubeObject = {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'ingress-nginx-controller', namespace: 'ingress-nginx'}, data: {'http-redirect-code': '301'}}
  const r = translateObjects(ingress({'from-to-www-redirect': 'true'}), controller)
  t.is(routeOf(r, 'shop-www-redirect')!.spec.rules[0].filters[0].requestRedirect.statusCode, 301)

  const both = translateObjects(ingress({'from-to-www-redirect': 'true'}, {hosts: ['shop.example.com', 'www.shop.example.com']}))
  t.deepEqual(routesOf(both).map((o) => o.metadata.name), ['shop'])
  t.is(diagnosticsFor(both, 'from-to-www-redirect')[0]?.code, 'www-redirect-skipped')

  const invalid = translateObjects(ingress({'from-to-www-redirect': 'yes'}))
  t.is(diagnosticsFor(invalid, 'from-to-www-redirect')[0]?.code, 'ingress-not-served')
})

test('use-port-in-redirects and relative-redirects: Gateway redirects are absolute and omit default ports', (t) => {
  const r = translateObjects(ingress({'use-port-in-redirects': 'true', 'relative-redirects': 'true'}))
  t.is(fidelityFor(r, 'use-port-in-redirects'), 'approximate')
  t.is(fidelityFor(r, 'relative-redirects'), 'approximate')
  const off = translateObjects(ingress({'use-port-in-redirects': 'false', 'relative-redirects': 'false'}))
  t.is(fidelityFor(off, 'use-port-in-redirects'), 'exact')
  t.is(fidelityFor(off, 'relative-redirects'), 'exact')
  t.deepEqual(diagnosticsFor(off, 'relative-redirects'), [])
  const bad = translateObjects(ingress({'relative-redirects': 'sometimes'}))
  t.is(diagnosticsFor(bad, 'relative-redirects')[0]?.code, 'ingress-not-served')
})

// controller.go getBackendServers sets server.RedirectFromToWWW only where the Ingress adds or takes over a location
// from its rule paths; spec.defaultBackend reaches a host through createServers' `location /` (Backend: the default
// backend's upstream), which never marks the server, and a rule without http adds no location.
test('from-to-www-redirect: a host reached only through spec.defaultBackend gets no twin redirect', (t) => {
  const shop = ingress({'from-to-www-redirect': 'true'}, {rules: [{host: 'shop.example.com'}]})
  shop.spec.defaultBackend = {service: {name: 'shop', port: {number: 80}}}
  const r = translateObjects(shop)
  t.deepEqual(routesOf(r).filter((o) => o.metadata.name.startsWith('shop-www-redirect')), [])
  t.truthy(routesOf(r).find((o) => o.metadata.name === 'shop'), 'the defaultBackend route itself is still emitted')
  t.is(diagnosticsFor(r, 'from-to-www-redirect')[0]?.code, 'www-redirect-skipped')
  t.is(fidelityFor(r, 'from-to-www-redirect'), 'exact')
})
