/**
 * Route precedence: one test per rule of the Gateway API spec (HTTPRouteRule doc, v1.6.1: Exact path, longest
 * prefix, method, header count, query count, then oldest route, then namespace/name, then rule order; hostnames
 * most specific first) and one per ordering Envoy Gateway v1.9 adds or does differently
 * (internal/gatewayapi/sort.go XdsIRRoutes.Less; translator.go processing order). In every test the route that
 * should lose is the older one, or the first by name, so that age and name cannot be what decides.
 */
import test from 'ava'
import {decidedBy, exact, grpcRoute, httpRoute, httpRouteFilter, extensionRef, model, prefix, regex, rule, send, services, sharedGateway, useValidator} from './support.js'

useValidator()

const OLD = '2024-01-01T00:00:00Z'
const NEW = '2025-01-01T00:00:00Z'

test('spec: an Exact path match beats a PathPrefix of the same path', (t) => {
  const m = model(t, [
    sharedGateway(),
    httpRoute('prefix', {hostnames: ['a.example.com'], rules: [rule([prefix('/foo/bar')], 'by-prefix')]}, {created: OLD}),
    httpRoute('exact', {hostnames: ['a.example.com'], rules: [rule([exact('/foo/bar')], 'by-exact')]}, {created: NEW}),
  ])
  t.deepEqual(services(send(m, 'http://a.example.com/foo/bar')), ['app/by-exact:80'])
  t.deepEqual(services(send(m, 'http://a.example.com/foo/bar/baz')), ['app/by-prefix:80'], 'the Exact match needs the whole path')
})

test('spec: the PathPrefix with the most characters wins', (t) => {
  const m = model(t, [
    sharedGateway(),
    httpRoute('short', {hostnames: ['a.example.com'], rules: [rule([prefix('/foo')], 'short')]}, {created: OLD}),
    httpRoute('long', {hostnames: ['a.example.com'], rules: [rule([prefix('/foo/bar')], 'long')]}, {created: NEW}),
  ])
  t.deepEqual(services(send(m, 'http://a.example.com/foo/bar/x')), ['app/long:80'])
  t.deepEqual(services(send(m, 'http://a.example.com/foo/barx')), ['app/short:80'], 'a prefix matches whole segments only')
})

test('spec: a method match beats a match without one at the same path', (t) => {
  const m = model(t, [
    sharedGateway(),
    httpRoute('any', {hostnames: ['a.example.com'], rules: [rule([prefix('/api')], 'any')]}, {created: OLD}),
    httpRoute('post', {hostnames: ['a.example.com'], rules: [rule([{...prefix('/api'), method: 'POST'}], 'post')]}, {created: NEW}),
  ])
  t.deepEqual(services(send(m, 'POST http://a.example.com/api')), ['app/post:80'])
  t.deepEqual(services(send(m, 'GET http://a.example.com/api')), ['app/any:80'])
})

test('EG differs from the spec: a method counts as one header match, so two headers beat a method', (t) => {
  // Spec: "Method match" ranks above "Largest number of header matches", so `method` would win.
  // EG route.go processHTTPRouteRule turns the method into a `:method` header match; sort.go then compares
  // header counts only: 2 headers > 1 (the method), and the older two-header route wins.
  const m = model(t, [
    sharedGateway(),
    httpRoute('headers', {hostnames: ['a.example.com'], rules: [rule([{...prefix('/'), headers: [{name: 'x-a', value: '1'}, {name: 'x-b', value: '1'}]}], 'headers')]}, {created: NEW}),
    httpRoute('method', {hostnames: ['a.example.com'], rules: [rule([{...prefix('/'), method: 'GET'}], 'method')]}, {created: OLD}),
  ])
  t.deepEqual(services(send(m, 'GET http://a.example.com/', {'X-A': '1', 'X-B': '1'})), ['app/headers:80'])
})

test('spec: more header matches win', (t) => {
  const m = model(t, [
    sharedGateway(),
    httpRoute('one', {hostnames: ['a.example.com'], rules: [rule([{...prefix('/'), headers: [{name: 'x-a', value: '1'}]}], 'one')]}, {created: OLD}),
    httpRoute('two', {hostnames: ['a.example.com'], rules: [rule([{...prefix('/'), headers: [{name: 'x-a', value: '1'}, {name: 'x-b', value: '2'}]}], 'two')]}, {created: NEW}),
  ])
  t.deepEqual(services(send(m, 'http://a.example.com/', {'x-a': '1', 'x-b': '2'})), ['app/two:80'])
  t.deepEqual(services(send(m, 'http://a.example.com/', {'x-a': '1'})), ['app/one:80'])
})

test('EG: at equal header counts, more Exact header matches beat RegularExpression ones', (t) => {
  // sort.go Less step 3: numberOfExactMatches(HeaderMatches).
  const m = model(t, [
    sharedGateway(),
    httpRoute('by-regex', {hostnames: ['a.example.com'], rules: [rule([{...prefix('/'), headers: [{name: 'x-env', type: 'RegularExpression', value: 'prod|canary'}]}], 'by-regex')]}, {created: OLD}),
    httpRoute('by-exact', {hostnames: ['a.example.com'], rules: [rule([{...prefix('/'), headers: [{name: 'x-env', type: 'Exact', value: 'canary'}]}], 'by-exact')]}, {created: NEW}),
  ])
  t.deepEqual(services(send(m, 'http://a.example.com/', {'x-env': 'canary'})), ['app/by-exact:80'])
  t.deepEqual(services(send(m, 'http://a.example.com/', {'x-env': 'prod'})), ['app/by-regex:80'])
})

test('spec: more query parameter matches win', (t) => {
  const m = model(t, [
    sharedGateway(),
    httpRoute('one', {hostnames: ['a.example.com'], rules: [rule([{...prefix('/'), queryParams: [{name: 'a', value: '1'}]}], 'one')]}, {created: OLD}),
    httpRoute('two', {hostnames: ['a.example.com'], rules: [rule([{...prefix('/'), queryParams: [{name: 'a', value: '1'}, {name: 'b', value: '2'}]}], 'two')]}, {created: NEW}),
  ])
  t.deepEqual(services(send(m, 'http://a.example.com/?b=2&a=1')), ['app/two:80'])
  t.deepEqual(services(send(m, 'http://a.example.com/?a=1&b=3')), ['app/one:80'])
})

test('spec: header matches rank above query parameter matches', (t) => {
  const m = model(t, [
    sharedGateway(),
    httpRoute('query', {hostnames: ['a.example.com'], rules: [rule([{...prefix('/'), queryParams: [{name: 'a', value: '1'}, {name: 'b', value: '1'}]}], 'query')]}, {created: OLD}),
    httpRoute('header', {hostnames: ['a.example.com'], rules: [rule([{...prefix('/'), headers: [{name: 'x-a', value: '1'}]}], 'header')]}, {created: NEW}),
  ])
  t.deepEqual(services(send(m, 'http://a.example.com/?a=1&b=1', {'x-a': '1'})), ['app/header:80'])
})

test('EG: at equal query counts, Exact query matches beat RegularExpression ones', (t) => {
  // sort.go Less step 4 (query): numberOfExactMatches(QueryParamMatches).
  const m = model(t, [
    sharedGateway(),
    httpRoute('by-regex', {hostnames: ['a.example.com'], rules: [rule([{...prefix('/'), queryParams: [{name: 'v', type: 'RegularExpression', value: '[0-9]+'}]}], 'by-regex')]}, {created: OLD}),
    httpRoute('by-exact', {hostnames: ['a.example.com'], rules: [rule([{...prefix('/'), queryParams: [{name: 'v', value: '2'}]}], 'by-exact')]}, {created: NEW}),
  ])
  t.deepEqual(services(send(m, 'http://a.example.com/?v=2')), ['app/by-exact:80'])
  t.deepEqual(services(send(m, 'http://a.example.com/?v=3')), ['app/by-regex:80'])
})

test('EG: cookie matches of an HTTPRouteFilter rank after headers and before query parameters', (t) => {
  // sort.go Less: header count, Exact header count, then cookie count, then query count.
  const m = model(t, [
    sharedGateway(),
    httpRouteFilter('canary-cookie', {matches: [{cookies: [{name: 'canary', type: 'Exact', value: 'always'}]}]}),
    httpRoute('query', {hostnames: ['a.example.com'], rules: [rule([{...prefix('/'), queryParams: [{name: 'a', value: '1'}]}], 'query')]}, {created: OLD}),
    httpRoute('cookie', {hostnames: ['a.example.com'], rules: [rule([prefix('/')], 'cookie', {filters: [extensionRef('canary-cookie')]})]}, {created: NEW}),
    httpRoute('header', {hostnames: ['a.example.com'], rules: [rule([{...prefix('/'), headers: [{name: 'x-a', value: '1'}]}], 'header')]}, {created: NEW}),
  ])
  t.deepEqual(services(send(m, 'http://a.example.com/?a=1', {cookie: 'canary=always'})), ['app/cookie:80'], 'a cookie beats a query parameter')
  t.deepEqual(services(send(m, 'http://a.example.com/?a=1', {cookie: 'canary=always', 'x-a': '1'})), ['app/header:80'], 'a header beats a cookie')
  t.deepEqual(services(send(m, 'http://a.example.com/?a=1', {cookie: 'other=1; canary=never'})), ['app/query:80'])
})

test('spec: at full precedence ties the oldest route wins', (t) => {
  const m = model(t, [
    sharedGateway(),
    httpRoute('a-newer', {hostnames: ['a.example.com'], rules: [rule([prefix('/x')], 'newer')]}, {created: NEW}),
    httpRoute('z-older', {hostnames: ['a.example.com'], rules: [rule([prefix('/x')], 'older')]}, {created: OLD}),
  ])
  const outcome = send(m, 'http://a.example.com/x')
  t.deepEqual(services(outcome), ['app/older:80'])
  t.deepEqual(outcome.gateway.tiedWith, [{route: {kind: 'HTTPRoute', namespace: 'app', name: 'a-newer'}, ruleIndex: 0, matchIndex: 0}])
  t.false(outcome.gateway.orderAssumed, 'both routes carry a creationTimestamp')
})

test('spec: at equal age the first route by namespace/name wins (namespace first)', (t) => {
  // resource.go Sort: namespace, then name. `alpha/zzz` precedes `beta/aaa`.
  const m = model(t, [
    sharedGateway(),
    httpRoute('aaa', {hostnames: ['a.example.com'], rules: [rule([prefix('/x')], 'beta-aaa')]}, {namespace: 'beta', created: OLD}),
    httpRoute('zzz', {hostnames: ['a.example.com'], rules: [rule([prefix('/x')], 'alpha-zzz')]}, {namespace: 'alpha', created: OLD}),
  ])
  t.deepEqual(services(send(m, 'http://a.example.com/x')), ['alpha/alpha-zzz:80'])
})

test('converter output has no creationTimestamp: ties fall to namespace/name, and the outcome says the order was assumed', (t) => {
  const m = model(t, [
    sharedGateway(),
    httpRoute('second', {hostnames: ['a.example.com'], rules: [rule([prefix('/x')], 'second')]}),
    httpRoute('first', {hostnames: ['a.example.com'], rules: [rule([prefix('/x')], 'first')]}),
  ])
  const outcome = send(m, 'http://a.example.com/x')
  t.deepEqual(services(outcome), ['app/first:80'])
  t.true(outcome.gateway.orderAssumed)
  t.is(outcome.gateway.tiedWith[0]?.route.name, 'second')
})

test('converter output sorts after live routes: an existing route wins a tie over a new one, whatever the names', (t) => {
  // An object without creationTimestamp will be created after everything that exists (gateway-inventory.ts byAgeThenName).
  const m = model(t, [
    sharedGateway(),
    httpRoute('aaa-new', {hostnames: ['a.example.com'], rules: [rule([prefix('/x')], 'new')]}),
    httpRoute('zzz-live', {hostnames: ['a.example.com'], rules: [rule([prefix('/x')], 'live')]}, {created: OLD}),
  ])
  t.deepEqual(services(send(m, 'http://a.example.com/x')), ['app/live:80'])
})

test('spec: within one route the first rule in list order wins a tie', (t) => {
  const m = model(t, [
    sharedGateway(),
    httpRoute('one', {hostnames: ['a.example.com'], rules: [rule([prefix('/x')], 'first-rule'), rule([prefix('/x')], 'second-rule')]}),
  ])
  const outcome = send(m, 'http://a.example.com/x')
  t.is(decidedBy(outcome), 'app/one rule 0 match 0')
  t.deepEqual(outcome.gateway.tiedWith, [], 'a tie inside one route is not order-dependent')
})

test('EG: a RegularExpression path ranks between Exact and PathPrefix, whatever the prefix length', (t) => {
  // sort.go Less step 1: Exact > RegularExpression > PathPrefix (the spec leaves regex precedence to implementations).
  const m = model(t, [
    sharedGateway(),
    httpRoute('prefix', {hostnames: ['a.example.com'], rules: [rule([prefix('/static/images/icons')], 'prefix')]}, {created: OLD}),
    httpRoute('regex', {hostnames: ['a.example.com'], rules: [rule([regex('/.*')], 'regex')]}, {created: NEW}),
    httpRoute('exact', {hostnames: ['a.example.com'], rules: [rule([exact('/static/images/icons/a.png')], 'exact')]}, {created: NEW}),
  ])
  t.deepEqual(services(send(m, 'http://a.example.com/static/images/icons/b.png')), ['app/regex:80'])
  t.deepEqual(services(send(m, 'http://a.example.com/static/images/icons/a.png')), ['app/exact:80'])
})

test('EG: among regular expressions the longer pattern text wins, not the more specific pattern', (t) => {
  // sort.go pathMatchCount counts len(SafeRegex): `/(api|www|app)/.*` (17) outranks `/api/v1/.*` (10).
  const m = model(t, [
    sharedGateway(),
    httpRoute('specific', {hostnames: ['a.example.com'], rules: [rule([regex('/api/v1/.*')], 'specific')]}, {created: OLD}),
    httpRoute('broad', {hostnames: ['a.example.com'], rules: [rule([regex('/(api|www|app)/.*')], 'broad')]}, {created: NEW}),
  ])
  t.deepEqual(services(send(m, 'http://a.example.com/api/v1/users')), ['app/broad:80'])
})

test('EG: a PathPrefix counts its trailing slash: `/foo/` outranks `/foo` and still matches `/foo`', (t) => {
  // sort.go pathMatchCount uses the raw value; xds route.go buildPathMatch trims the `/` into path_separated_prefix `/foo`.
  const m = model(t, [
    sharedGateway(),
    httpRoute('plain', {hostnames: ['a.example.com'], rules: [rule([prefix('/foo')], 'plain')]}, {created: OLD}),
    httpRoute('slash', {hostnames: ['a.example.com'], rules: [rule([prefix('/foo/')], 'slash')]}, {created: NEW}),
  ])
  t.deepEqual(services(send(m, 'http://a.example.com/foo')), ['app/slash:80'])
  t.deepEqual(services(send(m, 'http://a.example.com/foo/x')), ['app/slash:80'])
})

test('EG: a PathPrefix `/` ranks like no path match at all: any condition beats it', (t) => {
  const m = model(t, [
    sharedGateway(),
    httpRoute('root', {hostnames: ['a.example.com'], rules: [rule([prefix('/')], 'root')]}, {created: OLD}),
    httpRoute('everything', {hostnames: ['a.example.com'], rules: [rule([{path: {type: 'PathPrefix', value: '/'}, queryParams: [{name: 'debug', value: '1'}]}], 'debug')]}, {created: NEW}),
  ])
  t.deepEqual(services(send(m, 'http://a.example.com/x?debug=1')), ['app/debug:80'])
})

test('EG: at full ties an HTTPRoute beats an older GRPCRoute (HTTPRoutes are translated first)', (t) => {
  // translator.go Translate processes all HTTPRoutes before all GRPCRoutes; sort.Stable keeps that order on ties.
  const m = model(t, [
    sharedGateway(),
    grpcRoute('grpc', {hostnames: ['a.example.com'], rules: [{matches: [{method: {service: 'pkg.Svc', method: 'Get'}}], backendRefs: [{name: 'grpc', port: 50051}]}]}, {created: OLD}),
    httpRoute('http', {hostnames: ['a.example.com'], rules: [rule([exact('/pkg.Svc/Get')], 'http')]}, {created: NEW}),
  ])
  t.deepEqual(services(send(m, 'POST http://a.example.com/pkg.Svc/Get', {'content-type': 'application/grpc'})), ['app/http:80'])
})

test('spec: an exact hostname beats a wildcard, and the longest wildcard beats a shorter one, before any path precedence', (t) => {
  const m = model(t, [
    sharedGateway(),
    httpRoute('wide', {hostnames: ['*.example.com'], rules: [rule([prefix('/a/very/long/path')], 'wide')]}, {created: OLD}),
    httpRoute('narrow', {hostnames: ['*.b.example.com'], rules: [rule([prefix('/')], 'narrow')]}, {created: OLD}),
    httpRoute('exact', {hostnames: ['x.b.example.com'], rules: [rule([prefix('/')], 'exact')]}, {created: NEW}),
  ])
  t.deepEqual(services(send(m, 'http://x.b.example.com/a/very/long/path')), ['app/exact:80'])
  t.deepEqual(services(send(m, 'http://y.b.example.com/a/very/long/path')), ['app/narrow:80'])
  t.deepEqual(services(send(m, 'http://y.c.example.com/a/very/long/path')), ['app/wide:80'], 'a wildcard matches any depth')
})

test('EG: the most specific virtual host takes the request even when none of its routes matches (no fallback)', (t) => {
  // Envoy selects one virtual host (RouteMatcher::findVirtualHost) and answers 404 when no route in it matches.
  const m = model(t, [
    sharedGateway(),
    httpRoute('catch-all', {rules: [rule([prefix('/')], 'fallback')]}, {created: OLD}),
    httpRoute('site', {hostnames: ['site.example.com'], rules: [rule([prefix('/app')], 'site')]}, {created: NEW}),
  ])
  const outcome = send(m, 'http://site.example.com/')
  t.is(outcome.kind, 'respond')
  t.is(outcome.status, 404)
  t.is(outcome.gateway.virtualHost, 'site.example.com')
  t.deepEqual(services(send(m, 'http://other.example.com/')), ['app/fallback:80'])
})
