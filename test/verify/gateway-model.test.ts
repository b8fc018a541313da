/**
 * The Envoy Gateway model beyond precedence: listeners and hostnames, redirects, rewrites, HTTPRouteFilters,
 * weights, broken rules, path normalization, TLS. Each expectation is reasoned from the EG v1.9 / Envoy source named
 * in the test (see also the doc comments in src/verify/gateway-*.ts).
 */
import test from 'ava'
import {
  ALL_NAMESPACES, exact, extensionRef, gateway, grpcRoute, httpRoute, httpRouteFilter, model, namespace, prefix, regex, rule, send, services, sharedGateway, useValidator,
} from './support.js'
import {buildGatewayModel} from '../../src/verify/gateway-model.js'
import {describeOutcome, outcomeDifferences} from '../../src/verify/outcome.js'

useValidator()

const HOST = ['a.example.com']
const replacePrefix = (value: string) => ({filters: [{type: 'URLRewrite', urlRewrite: {path: {type: 'ReplacePrefixMatch', replacePrefixMatch: value}}}]})

test('listeners: a route attached to the https listener is not served over http, and the other way round', (t) => {
  const m = model(t, [
    sharedGateway(),
    httpRoute('tls-only', {hostnames: HOST, sections: ['https'], rules: [rule([prefix('/')])]}),
  ])
  t.deepEqual(services(send(m, 'https://a.example.com/x')), ['app/backend:80'])
  const plain = send(m, 'http://a.example.com/x')
  t.is(plain.status, 404)
  t.is(plain.gateway.virtualHost, undefined, 'no virtual host on the http listener')
})

test('listeners: no listener on the port, plaintext to a TLS port, TLS to a plaintext port get no HTTP answer', (t) => {
  const m = model(t, [sharedGateway(), httpRoute('r', {hostnames: HOST, sections: ['http', 'https'], rules: [rule([prefix('/')])]})])
  t.is(send(m, 'http://a.example.com:8080/').kind, 'refused')
  t.is(send(m, 'http://a.example.com/', {}, {port: 443}).kind, 'refused')
  t.is(send(m, 'https://a.example.com/', {}, {port: 80}).kind, 'refused')
})

test('listeners: allowedRoutes Selector admits only routes from namespaces with the labels (Namespace objects in the input)', (t) => {
  const selector = {namespaces: {from: 'Selector', selector: {matchLabels: {'shared-gateway-access': 'true'}}}}
  const m = model(t, [
    sharedGateway([], {http: {allowedRoutes: selector}}),
    namespace('app', {'shared-gateway-access': 'true'}),
    namespace('other'),
    httpRoute('admitted', {hostnames: HOST, rules: [rule([prefix('/')], 'admitted')]}),
    httpRoute('refused', {hostnames: ['b.example.com'], rules: [rule([prefix('/')], 'refused')]}, {namespace: 'other'}),
  ])
  t.deepEqual(services(send(m, 'http://a.example.com/')), ['app/admitted:80'])
  t.is(send(m, 'http://b.example.com/').status, 404)
  t.true(m.notes.some((n) => n.includes('HTTPRoute other/refused') && n.includes('not allowed')))
})

test('listeners: a namespace missing from the input is assumed to carry the selected labels, unless the inventory is complete', (t) => {
  const selector = {namespaces: {from: 'Selector', selector: {matchLabels: {'shared-gateway-access': 'true'}}}}
  const objects = [sharedGateway([], {http: {allowedRoutes: selector}}), httpRoute('r', {hostnames: HOST, rules: [rule([prefix('/')])]})]
  const assumed = send(model(t, objects), 'http://a.example.com/')
  t.deepEqual(services(assumed), ['app/backend:80'])
  t.true(assumed.gateway.notes.some((n) => n.startsWith('Namespace app is not in the input')))
  t.is(send(model(t, objects, {completeInventory: true}), 'http://a.example.com/').status, 404)
})

test('listeners: HTTP and HTTPS on one port conflict and neither is programmed', (t) => {
  // validate.go validateConflictedProtocolsListeners: only HTTPS and TLS may share a port.
  const m = model(t, [
    gateway('shared', [
      {name: 'http', port: 8443, protocol: 'HTTP', allowedRoutes: ALL_NAMESPACES},
      {name: 'https', port: 8443, protocol: 'HTTPS', tls: {certificateRefs: [{name: 'cert'}]}, allowedRoutes: ALL_NAMESPACES},
    ]),
    httpRoute('r', {hostnames: HOST, rules: [rule([prefix('/')])]}),
  ])
  t.is(send(m, 'http://a.example.com:8443/').kind, 'refused')
  t.is(m.notes.filter((n) => n.includes('protocol conflict')).length, 2)
})

test('listeners: an HTTPS certificate in another namespace needs a ReferenceGrant, else the listener is not programmed', (t) => {
  const crossNamespace = {https: {tls: {certificateRefs: [{name: 'cert', namespace: 'certs'}]}}}
  const route = httpRoute('r', {hostnames: HOST, sections: ['https'], rules: [rule([prefix('/')])]})
  t.is(send(model(t, [sharedGateway([], crossNamespace), route]), 'https://a.example.com/').kind, 'refused')
  const grant = {
    apiVersion: 'gateway.networking.k8s.io/v1beta1', kind: 'ReferenceGrant', metadata: {name: 'g', namespace: 'certs'},
    spec: {from: [{group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'gateway'}], to: [{group: '', kind: 'Secret'}]},
  }
  t.deepEqual(services(send(model(t, [sharedGateway([], crossNamespace), route, grant]), 'https://a.example.com/')), ['app/backend:80'])
})

test('hostnames: a wildcard listener hostname intersects with route hostnames at any depth', (t) => {
  // helpers.go computeHosts / wildcardHostnameMatchesHostname.
  const m = model(t, [
    gateway('shared', [{name: 'http', port: 80, protocol: 'HTTP', hostname: '*.example.com', allowedRoutes: ALL_NAMESPACES}]),
    httpRoute('deep', {hostnames: ['a.b.example.com', 'example.com', 'a.example.org'], rules: [rule([prefix('/')])]}),
    httpRoute('hostless', {rules: [rule([prefix('/')], 'hostless')]}),
  ])
  t.deepEqual(services(send(m, 'http://a.b.example.com/')), ['app/backend:80'])
  t.is(send(m, 'http://example.com/').status, 404, 'example.com is outside *.example.com')
  t.is(send(m, 'http://a.example.org/').status, 404)
  const hostless = send(m, 'http://x.example.com/')
  t.deepEqual(services(hostless), ['app/hostless:80'], 'a route without hostnames takes the listener hostname')
  t.is(hostless.gateway.virtualHost, '*.example.com')
})

test('hostnames: a route on the catch-all listener loses a hostname another listener on the port names exactly', (t) => {
  // computeHosts removes hostnames of sibling listeners on the same port; the specific listener serves them.
  const m = model(t, [
    gateway('shared', [
      {name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: ALL_NAMESPACES},
      {name: 'http-a', port: 80, protocol: 'HTTP', hostname: 'a.example.com', allowedRoutes: ALL_NAMESPACES},
    ]),
    httpRoute('generic', {hostnames: ['a.example.com', 'b.example.com'], sections: ['http'], rules: [rule([prefix('/')], 'generic')]}),
    httpRoute('specific', {sections: ['http-a'], rules: [rule([prefix('/only')], 'specific')]}),
  ])
  t.deepEqual(services(send(m, 'http://b.example.com/')), ['app/generic:80'])
  t.is(send(m, 'http://a.example.com/').status, 404, 'a.example.com belongs to http-a, where only /only is routed')
  t.deepEqual(services(send(m, 'http://a.example.com/only')), ['app/specific:80'])
})

test('redirects: Location keeps path and query; scheme https drops port 80 from Host; the CRD default code is 302', (t) => {
  // route.go processHTTPRouteParentRefListener: port 443 for scheme https; xds route.go leaves 80/443 out;
  // Envoy Http::Utility::newUri / processRequestHost drop ":80" when the scheme changes from http.
  const m = model(t, [
    sharedGateway(),
    httpRoute('r', {hostnames: HOST, rules: [{matches: [prefix('/')], filters: [{type: 'RequestRedirect', requestRedirect: {scheme: 'https'}}]}]}),
  ])
  const outcome = send(m, 'http://a.example.com:80/shop/cart?id=7')
  t.is(outcome.kind, 'redirect')
  t.is(outcome.status, 302)
  t.is(outcome.location, 'https://a.example.com/shop/cart?id=7')
})

test('redirects: without scheme or port the listener port goes into Location unless it is 80 or 443', (t) => {
  const m = model(t, [
    gateway('shared', [{name: 'alt', port: 8080, protocol: 'HTTP', allowedRoutes: ALL_NAMESPACES}]),
    httpRoute('r', {hostnames: HOST, sections: ['alt'], rules: [{filters: [{type: 'RequestRedirect', requestRedirect: {hostname: 'b.example.com', statusCode: 301}}]}]}),
  ])
  const outcome = send(m, 'http://a.example.com:8080/x')
  t.is(outcome.location, 'http://b.example.com:8080/x')
  t.is(outcome.status, 301)
})

test('redirects: a route on two listeners takes each listener port into Location (its entries are not shared across ports)', (t) => {
  // route.go processHTTPRouteParentRefListener fills a redirect without port from each listener it attaches to.
  const m = model(t, [
    gateway('shared', [{name: 'alt', port: 8080, protocol: 'HTTP', allowedRoutes: ALL_NAMESPACES}, {name: 'alt2', port: 8081, protocol: 'HTTP', allowedRoutes: ALL_NAMESPACES}]),
    httpRoute('r', {hostnames: HOST, sections: ['alt', 'alt2'], rules: [{filters: [{type: 'RequestRedirect', requestRedirect: {hostname: 'b.example.com', statusCode: 301}}]}]}),
  ])
  t.is(send(m, 'http://a.example.com:8080/x').location, 'http://b.example.com:8080/x')
  t.is(send(m, 'http://a.example.com:8081/x').location, 'http://b.example.com:8081/x')
})

test('redirects: ReplaceFullPath keeps the query unless it carries one; ReplacePrefixMatch swaps the matched prefix', (t) => {
  const m = model(t, [
    sharedGateway(),
    httpRoute('full', {hostnames: HOST, rules: [
      {matches: [prefix('/old')], filters: [{type: 'RequestRedirect', requestRedirect: {path: {type: 'ReplaceFullPath', replaceFullPath: '/new'}, statusCode: 308}}]},
      {matches: [prefix('/status')], filters: [{type: 'RequestRedirect', requestRedirect: {path: {type: 'ReplaceFullPath', replaceFullPath: '/?from=status'}}}]},
      {matches: [prefix('/docs')], filters: [{type: 'RequestRedirect', requestRedirect: {path: {type: 'ReplacePrefixMatch', replacePrefixMatch: '/manual'}}}]},
    ]}),
  ])
  t.is(send(m, 'http://a.example.com/old/page?x=1').location, 'http://a.example.com/new?x=1')
  t.is(send(m, 'http://a.example.com/status/x?y=2').location, 'http://a.example.com/?from=status')
  t.is(send(m, 'http://a.example.com/docs/guide?v=2').location, 'http://a.example.com/manual/guide?v=2')
})

test('rewrites: ReplacePrefixMatch trims a trailing slash when forwarding; `/` becomes the regex rewrite that strips the prefix', (t) => {
  // xds route.go buildXdsURLRewriteAction: TrimSuffix(replacement, "/") (EG #3989); "" or "/" -> prefix2RegexRewrite.
  const m = model(t, [
    sharedGateway(),
    httpRoute('r', {hostnames: HOST, rules: [
      rule([prefix('/v1')], 'v1', replacePrefix('/api/v1/')),
      rule([prefix('/strip')], 'strip', replacePrefix('/')),
    ]}),
  ])
  t.is(send(m, 'http://a.example.com/v1/users?id=1').upstreamPath, '/api/v1/users?id=1')
  t.is(send(m, 'http://a.example.com/v1').upstreamPath, '/api/v1')
  t.is(send(m, 'http://a.example.com/strip/x/y?q').upstreamPath, '/x/y?q')
  t.is(send(m, 'http://a.example.com/strip').upstreamPath, '/')
})

test('rewrites: EG quirk: ReplacePrefixMatch after PathPrefix `/` glues the replacement to the rest of the path', (t) => {
  // Envoy prefix_rewrite replaces the matched prefix `/` with `/app` (trailing slash trimmed): /foo -> /appfoo.
  const m = model(t, [
    sharedGateway(),
    httpRoute('r', {hostnames: HOST, rules: [rule([prefix('/')], 'backend', replacePrefix('/app/'))]}),
  ])
  t.is(send(m, 'http://a.example.com/foo').upstreamPath, '/appfoo')
})

test('rewrites: ReplaceFullPath keeps the query; hostname rewrite sets Host and adds X-Forwarded-Host', (t) => {
  const m = model(t, [
    sharedGateway(),
    httpRoute('r', {hostnames: HOST, rules: [rule([prefix('/')], 'backend', {filters: [{type: 'URLRewrite', urlRewrite: {hostname: 'internal.svc', path: {type: 'ReplaceFullPath', replaceFullPath: '/index.html'}}}]})]}),
  ])
  const outcome = send(m, 'http://a.example.com/any/thing?x=1')
  t.is(outcome.upstreamPath, '/index.html?x=1')
  t.is(outcome.upstreamHost, 'internal.svc')
  t.deepEqual(outcome.requestHeaders?.add, [{name: 'X-Forwarded-Host', value: 'a.example.com'}])
})

test('HTTPRouteFilter: ReplaceRegexMatch replaces every match (RE2 GlobalReplace) with \\N groups, on the path only', (t) => {
  const m = model(t, [
    sharedGateway(),
    httpRouteFilter('versions', {urlRewrite: {path: {type: 'ReplaceRegexMatch', replaceRegexMatch: {pattern: 'v([0-9])', substitution: 'version-\\1'}}}}),
    httpRouteFilter('captures', {urlRewrite: {path: {type: 'ReplaceRegexMatch', replaceRegexMatch: {pattern: '(?i)^(?:/api(/|$)(.*)).*', substitution: '/\\2'}}}}),
    httpRoute('r', {hostnames: HOST, rules: [
      rule([prefix('/')], 'versions', {filters: [extensionRef('versions')]}),
      rule([regex('(?i)(?:/api(/|$)(.*)).*')], 'api', {filters: [extensionRef('captures')]}),
    ]}),
  ])
  t.is(send(m, 'http://a.example.com/v1/v2?v3').upstreamPath, '/version-1/version-2?v3')
  t.is(send(m, 'http://a.example.com/API/Users?id=1').upstreamPath, '/Users?id=1')
  t.is(send(m, 'http://a.example.com/api').upstreamPath, '/')
})

test('HTTPRouteFilter: hostname from a header, from the Backend FQDN, X-Forwarded-Host unless appendXForwardedHost is false', (t) => {
  // filters.go processExtensionRefHTTPFilter -> xds route.go host_rewrite_header / auto_host_rewrite.
  const backend = {apiVersion: 'gateway.envoyproxy.io/v1alpha1', kind: 'Backend', metadata: {name: 'ext', namespace: 'app'}, spec: {endpoints: [{fqdn: {hostname: 'api.partner.example', port: 443}}]}}
  const m = model(t, [
    sharedGateway(),
    backend,
    httpRouteFilter('from-header', {urlRewrite: {hostname: {type: 'Header', header: 'X-Target-Host'}, appendXForwardedHost: false}}),
    httpRouteFilter('from-backend', {urlRewrite: {hostname: {type: 'Backend'}}}),
    httpRoute('r', {hostnames: HOST, rules: [
      rule([prefix('/h')], 'backend', {filters: [extensionRef('from-header')]}),
      {matches: [prefix('/b')], filters: [extensionRef('from-backend')], backendRefs: [{group: 'gateway.envoyproxy.io', kind: 'Backend', name: 'ext'}]},
    ]}),
  ])
  const header = send(m, 'http://a.example.com/h', {'x-target-host': 'other.internal'})
  t.is(header.upstreamHost, 'other.internal')
  t.is(header.requestHeaders, undefined, 'appendXForwardedHost: false')
  t.is(send(m, 'http://a.example.com/h').upstreamHost, 'a.example.com', 'an absent header leaves Host intact')
  const viaBackend = send(m, 'http://a.example.com/b')
  t.is(viaBackend.upstreamHost, 'api.partner.example')
  t.deepEqual(viaBackend.requestHeaders?.add, [{name: 'X-Forwarded-Host', value: 'a.example.com'}])
})

test('HTTPRouteFilter: a direct response answers; a missing filter makes the rule answer 500', (t) => {
  // filters.go processExtensionRefHTTPFilter (directResponse status default 200) / processUnresolvedHTTPFilter.
  const m = model(t, [
    sharedGateway(),
    httpRouteFilter('maintenance', {directResponse: {statusCode: 503, contentType: 'text/plain', body: {type: 'Inline', inline: 'down'}}}),
    httpRoute('r', {hostnames: HOST, rules: [
      {matches: [prefix('/down')], filters: [extensionRef('maintenance')]},
      rule([prefix('/broken')], 'backend', {filters: [extensionRef('does-not-exist')]}),
    ]}),
  ])
  const down = send(m, 'http://a.example.com/down')
  t.like(down, {kind: 'respond', status: 503, body: 'down'})
  t.deepEqual(down.responseHeaders?.set, [{name: 'Content-Type', value: 'text/plain'}])
  const broken = send(m, 'http://a.example.com/broken')
  t.like(broken, {kind: 'respond', status: 500})
  t.regex(broken.reason, /HTTPRouteFilter app\/does-not-exist not found/)
})

test('HTTPRouteFilter: an RE2-invalid pattern makes the rule answer 500; an invalid path regex drops the rule', (t) => {
  // filters.go: ReplaceRegexMatch must compile with Go regexp (500 via processFilterError);
  // route.go processHTTPRouteRule: an invalid RegularExpression match rejects the rule (not served at all).
  const m = model(t, [
    sharedGateway(),
    httpRouteFilter('lookahead', {urlRewrite: {path: {type: 'ReplaceRegexMatch', replaceRegexMatch: {pattern: '^/(?=x)', substitution: '/'}}}}),
    httpRoute('r', {hostnames: HOST, rules: [
      rule([prefix('/a')], 'backend', {filters: [extensionRef('lookahead')]}),
      rule([regex('/b/(\\d+)/\\1')], 'backref'),
      rule([prefix('/')], 'rest'),
    ]}),
  ])
  t.is(send(m, 'http://a.example.com/a').status, 500)
  t.deepEqual(services(send(m, 'http://a.example.com/b/1/1')), ['app/rest:80'], 'the regex rule is not served; the next match takes the request')
  t.true(m.notes.some((n) => n.startsWith('HTTPRoute app/r rule 1 is not served')))
})

test('weights: a distribution by weight; weight 0 drops a backend; all zero answers 500', (t) => {
  const m = model(t, [
    sharedGateway(),
    httpRoute('r', {hostnames: HOST, rules: [
      {matches: [prefix('/split')], backendRefs: [{name: 'stable', port: 80, weight: 90}, {name: 'canary', port: 80, weight: 10}, {name: 'off', port: 80, weight: 0}]},
      {matches: [prefix('/none')], backendRefs: [{name: 'stable', port: 80, weight: 0}]},
    ]}),
  ])
  const split = send(m, 'http://a.example.com/split')
  t.deepEqual(split.backends?.map((b) => [b.name, b.share]), [['stable', 0.9], ['canary', 0.1]])
  t.is(describeOutcome(split), '-> Service app/canary:80 10%, Service app/stable:80 90% path /split host a.example.com')
  t.like(send(m, 'http://a.example.com/none'), {kind: 'respond', status: 500})
})

test('backends: an invalid backendRef keeps its share, which Envoy answers with 500; a rule without backends answers 500', (t) => {
  // route.go processHTTPRouteRules + xds route.go buildXdsWeightedRouteAction (invalid-backend-cluster).
  const m = model(t, [
    sharedGateway(),
    httpRoute('r', {hostnames: HOST, rules: [
      {matches: [prefix('/mixed')], backendRefs: [{name: 'local', port: 80, weight: 3}, {name: 'remote', namespace: 'elsewhere', port: 80, weight: 1}]},
      {matches: [prefix('/empty')]},
    ]}),
  ])
  const mixed = send(m, 'http://a.example.com/mixed')
  t.deepEqual(services(mixed), ['app/local:80', 'invalid elsewhere/remote:80'])
  t.is(mixed.backends?.[1]?.share, 0.25)
  t.like(send(m, 'http://a.example.com/empty'), {kind: 'respond', status: 500})
})

test('backends: with a complete inventory a missing Service or port answers 500; an ExternalName Service is rejected', (t) => {
  const svc = (name: string, spec: any) => ({apiVersion: 'v1', kind: 'Service', metadata: {name, namespace: 'app'}, spec})
  const objects = [
    sharedGateway(),
    svc('web', {ports: [{port: 8080}]}),
    svc('ext', {type: 'ExternalName', externalName: 'example.org'}),
    httpRoute('r', {hostnames: HOST, rules: [rule([prefix('/web')], 'web'), rule([prefix('/ext')], 'ext'), rule([prefix('/ghost')], 'ghost')]}),
  ]
  const m = model(t, objects, {completeInventory: true})
  t.like(send(m, 'http://a.example.com/web'), {kind: 'respond', status: 500}, 'port 80 is not a port of Service web')
  t.like(send(m, 'http://a.example.com/ext'), {kind: 'respond', status: 500})
  t.like(send(m, 'http://a.example.com/ghost'), {kind: 'respond', status: 500})
  t.deepEqual(services(send(model(t, objects), 'http://a.example.com/ghost')), ['app/ghost:80'], 'assumed present by default')
})

test('RequestMirror: the outcome is the primary backend; the mirror is listed on the entry only', (t) => {
  const m = model(t, [
    sharedGateway(),
    httpRoute('r', {hostnames: HOST, rules: [rule([prefix('/')], 'primary', {filters: [{type: 'RequestMirror', requestMirror: {backendRef: {name: 'shadow', port: 80}}}]})]}),
  ])
  t.deepEqual(services(send(m, 'http://a.example.com/x')), ['app/primary:80'])
})

test('matching: paths are case-sensitive, headers names are not, query values are raw, the first cookie of a name counts', (t) => {
  const m = model(t, [
    sharedGateway(),
    httpRoute('r', {hostnames: HOST, rules: [
      rule([{...exact('/Case'), headers: [{name: 'X-Team', value: 'blue'}]}], 'header'),
      rule([{...exact('/q'), queryParams: [{name: 'name', value: 'a%20b'}]}], 'query'),
      rule([exact('/c')], 'cookie', {filters: [extensionRef('cookie')]}),
    ]}),
    httpRouteFilter('cookie', {matches: [{cookies: [{name: 'flag', value: 'on'}]}]}),
  ])
  t.deepEqual(services(send(m, 'http://a.example.com/Case', {'x-team': 'blue'})), ['app/header:80'])
  t.is(send(m, 'http://a.example.com/case', {'x-team': 'blue'}).status, 404)
  t.deepEqual(services(send(m, 'http://a.example.com/q?name=a%20b')), ['app/query:80'])
  t.is(send(m, 'http://a.example.com/q?name=a+b').status, 404, 'no decoding before the comparison')
  t.deepEqual(services(send(m, 'http://a.example.com/c', {cookie: 'flag="on"; flag=off'})), ['app/cookie:80'])
  t.is(send(m, 'http://a.example.com/c', {cookie: 'flag=off; flag=on'}).status, 404)
})

test('normalization: merged slashes and dot segments before matching; escaped slashes get a 307 to the unescaped path', (t) => {
  // Envoy ConnectionManagerUtility::maybeNormalizePath with EG's defaults (listener.go ProcessListeners).
  const m = model(t, [sharedGateway(), httpRoute('r', {hostnames: HOST, rules: [rule([prefix('/admin')], 'admin'), rule([prefix('/')], 'public')]})])
  t.deepEqual(services(send(m, 'http://a.example.com//admin//x')), ['app/admin:80'])
  t.is(send(m, 'http://a.example.com/public/../admin/x').upstreamPath, '/admin/x')
  t.like(send(m, 'http://a.example.com/a%2Fb?x=1'), {kind: 'redirect', status: 307, location: '/a/b?x=1'})
  t.like(send(m, 'http://a.example.com/a%5cb'), {kind: 'redirect', status: 307, location: '/a/b'}, '%5C unescapes to a backslash, which canonicalization turns into /')
  // googleurl's path table: escaped letters, digits, -, _ and ~ are decoded; a space and `\"` are escaped; `\\` is `/`.
  t.is(send(m, 'http://a.example.com/', {}, {path: '/%7Euser/%61b c"/x\\y/%2e%2e/z?q=%41'}).upstreamPath, '/~user/ab%20c%22/x/z?q=%41')
  t.like(send(m, 'POST http://a.example.com/a%2Fb', {'content-type': 'application/grpc'}), {kind: 'respond', status: 400})
})

test('normalization: a ClientTrafficPolicy can keep escaped slashes and stop merging slashes', (t) => {
  const ctp = {
    apiVersion: 'gateway.envoyproxy.io/v1alpha1', kind: 'ClientTrafficPolicy', metadata: {name: 'paths', namespace: 'gateway'},
    spec: {targetRefs: [{group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'shared'}], path: {escapedSlashesAction: 'KeepUnchanged', disableMergeSlashes: true}},
  }
  const m = model(t, [sharedGateway(), ctp, httpRoute('r', {hostnames: HOST, rules: [rule([prefix('/')])]})])
  t.is(send(m, 'http://a.example.com//a%2Fb').upstreamPath, '//a%2Fb')
})

/** A TLS passthrough listener for db.example.com with its TLSRoute, and an https-only HTTPRoute for a.example.com. */
function passthroughDbAndWeb(): any[] {
  return [
    sharedGateway([{name: 'tls-db', port: 443, protocol: 'TLS', hostname: 'db.example.com', tls: {mode: 'Passthrough'}, allowedRoutes: {...ALL_NAMESPACES, kinds: [{kind: 'TLSRoute'}]}}]),
    {apiVersion: 'gateway.networking.k8s.io/v1', kind: 'TLSRoute', metadata: {name: 'db', namespace: 'app'}, spec: {
      hostnames: ['db.example.com'], parentRefs: [{name: 'shared', namespace: 'gateway', sectionName: 'tls-db'}], rules: [{backendRefs: [{name: 'db', port: 5432}]}],
    }},
    httpRoute('web', {hostnames: HOST, sections: ['https'], rules: [rule([prefix('/')], 'web')]}),
  ]
}

test('TLS: the https filter chain is chosen by SNI; a TLSRoute passes its hostnames through; the Host header picks the virtual host', (t) => {
  const m = model(t, passthroughDbAndWeb())
  t.like(send(m, 'https://db.example.com/'), {kind: 'passthrough'})
  t.deepEqual(services(send(m, 'https://db.example.com/')), ['app/db:5432'])
  t.deepEqual(services(send(m, 'https://a.example.com/')), ['app/web:80'])
  const misdirected = send(m, 'https://db.example.com/', {}, {sni: 'a.example.com'})
  t.like(misdirected, {kind: 'respond', status: 404}, 'SNI a.example.com selects the https chain; Host db.example.com then finds no virtual host')
  t.is(misdirected.gateway.listener?.name, 'https')
  t.deepEqual(services(send(m, 'https://a.example.com/', {}, {sni: null})), ['app/web:80'], 'no SNI: the chain without server names')
})

test('TLS: a Host with a trailing dot is sent without it as SNI (curl Curl_ssl_snihost); the virtual host is looked up with it', (t) => {
  const m = model(t, passthroughDbAndWeb())
  t.deepEqual(services(send(m, 'https://db.example.com./')), ['app/db:5432'], 'SNI db.example.com: the passthrough chain')
  const dotted = send(m, 'https://a.example.com./x')
  // Envoy compares the Host header as sent: EG sets strip_trailing_host_dot only from a ClientTrafficPolicy.
  t.like(dotted, {kind: 'respond', status: 404})
  t.is(dotted.gateway.listener?.name, 'https', 'the TLS handshake succeeded on the https chain')
})

test('GRPCRoute: a method-only match is a :path suffix; a service-only match a path prefix', (t) => {
  // route.go processGRPCRouteMethodExact.
  const m = model(t, [
    sharedGateway(),
    grpcRoute('g', {hostnames: HOST, rules: [
      {matches: [{method: {method: 'Health'}}], backendRefs: [{name: 'health', port: 50051}]},
      {matches: [{method: {service: 'shop.v1.Orders'}}], backendRefs: [{name: 'orders', port: 50051}]},
    ]}),
  ])
  const grpc = {'content-type': 'application/grpc'}
  t.deepEqual(services(send(m, 'POST http://a.example.com/any.Service/Health', grpc)), ['app/health:50051'])
  t.deepEqual(services(send(m, 'POST http://a.example.com/shop.v1.Orders/Get', grpc)), ['app/orders:50051'])
  t.is(send(m, 'POST http://a.example.com/shop.v1.OrdersX/Get', grpc).status, 404)
})

test('CORS filter: EG adds a preflight route beside a method match', (t) => {
  // route.go processHTTPRouteRule: OPTIONS + origin + access-control-request-method, without the method condition.
  const m = model(t, [
    sharedGateway(),
    httpRoute('r', {hostnames: HOST, rules: [rule([{...prefix('/api'), method: 'PUT'}], 'api', {filters: [{type: 'CORS', cors: {allowOrigins: ['https://app.example.com'], allowMethods: ['PUT']}}]})]}),
  ])
  const preflight = send(m, 'OPTIONS http://a.example.com/api', {origin: 'https://app.example.com', 'access-control-request-method': 'PUT'})
  t.deepEqual(services(preflight), ['app/api:80'])
  t.regex(preflight.reason, /preflight/)
  t.is(send(m, 'OPTIONS http://a.example.com/api').status, 404, 'a bare OPTIONS is not a preflight')
})

test('regex emulation limits are reported, not guessed: an outcome past an unsupported pattern is marked uncertain', (t) => {
  const m = model(t, [sharedGateway(), httpRoute('r', {hostnames: HOST, rules: [rule([regex('/\\pL+')], 'letters'), rule([prefix('/')], 'rest')]})])
  const outcome = send(m, 'http://a.example.com/abc')
  t.true(outcome.gateway.uncertain)
  t.deepEqual(services(outcome), ['app/rest:80'])
})

test('several Gateways: the probe must name one', (t) => {
  const m = buildGatewayModel([gateway('internal', [{name: 'http', port: 80, protocol: 'HTTP'}]), gateway('external', [{name: 'http', port: 80, protocol: 'HTTP'}])])
  t.throws(() => send(m, 'http://a.example.com/'), {message: /name the one the probe targets/})
})

test('outcomeDifferences compares what a user sees: kind, status, Location, distribution, upstream path and Host', (t) => {
  const base = {kind: 'forward' as const, reason: 'x', upstreamPath: '/a', upstreamHost: 'h', backends: [{kind: 'Service' as const, namespace: 'n', name: 's', port: 80, weight: 1, share: 1}]}
  t.deepEqual(outcomeDifferences(base, {...base, reason: 'other words'}), [])
  t.deepEqual(outcomeDifferences(base, {...base, backends: [{...base.backends[0], weight: 5}]}), [], 'weights are compared as shares')
  t.deepEqual(outcomeDifferences(base, {...base, upstreamPath: '/b'}), ['upstreamPath'])
  t.deepEqual(outcomeDifferences(base, {kind: 'redirect', status: 308, location: 'https://h/a', reason: 'r'}), ['kind', 'status', 'location', 'backends'])
})
