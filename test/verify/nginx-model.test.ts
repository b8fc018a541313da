/**
 * The ingress-nginx model (src/verify/nginx-model.ts), one case per quirk of ../shared/reference/ingress-nginx-semantics.md
 * that decides where a request goes. Each case converts Ingresses with the compiler (the model reads its hosts) and
 * asks the model what one request gets; the expected answers are reasoned from the ingress-nginx source named.
 */
import test from 'ava'
import {translate} from '../../src/translate/index.js'
import type {KubeObject} from '../../src/model/types.js'
import {buildNginxModel, routeNginxRequest} from '../../src/verify/nginx-model.js'
import {describeOutcome, type Probe} from '../../src/verify/outcome.js'
import {parseProbe} from '../../src/verify/probes.js'

const P = 'nginx.ingress.kubernetes.io/'

interface Path {path: string; type?: string; svc: string; port?: number}
function ingress(name: string, rules: {host?: string; paths: Path[]}[], opts: {annotations?: Record<string, string>; created?: string; tls?: string[]; ns?: string} = {}): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {name, namespace: opts.ns ?? 'app', creationTimestamp: opts.created ?? '2024-01-01T00:00:00Z', annotations: Object.fromEntries(Object.entries(opts.annotations ?? {}).map(([k, v]) => [P + k, v]))},
    spec: {
      ingressClassName: 'nginx',
      ...(opts.tls ? {tls: [{hosts: opts.tls, secretName: `${name}-tls`}]} : {}),
      rules: rules.map((r) => ({
        ...(r.host ? {host: r.host} : {}),
        http: {paths: r.paths.map((p) => ({path: p.path, pathType: p.type ?? 'Prefix', backend: {service: {name: p.svc, port: {number: p.port ?? 80}}}}))},
      })),
    },
  }
}

/** What nginx answers each request (`GET http://h/x H:v`), as describeOutcome prints it. */
function ask(ingresses: KubeObject[], ...requests: string[]): string[] {
  const result = translate({objects: ingresses.map((object) => ({object, source: {}}))})
  const model = buildNginxModel(result.hostsByGateway!)
  return requests.map((r) => describeOutcome(routeNginxRequest(model, parseProbe(r) as Probe)))
}

const fwd = (svc: string, path: string, host: string) => `-> Service app/${svc}:80 path ${path} host ${host}`

test('Exact matches only its path, case-sensitively (location = "/x")', (t) => {
  t.deepEqual(ask([ingress('a', [{host: 'h.example.com', paths: [{path: '/x', type: 'Exact', svc: 'x'}, {path: '/', svc: 'root'}]}])], 'http://h.example.com/x', 'http://h.example.com/x/', 'http://h.example.com/X'), [
    fwd('x', '/x', 'h.example.com'),
    fwd('root', '/x/', 'h.example.com'),
    fwd('root', '/X', 'h.example.com'),
  ])
})

test('a Host with a trailing dot is served by the name without it (ngx_http_request.c ngx_http_validate_host), $host too', (t) => {
  const ingresses = [ingress('a', [{host: 'h.example.com', paths: [{path: '/x', svc: 'x'}]}], {tls: ['h.example.com']})]
  t.deepEqual(ask(ingresses, 'https://h.example.com./x', 'https://H.Example.com.:443/x', 'http://h.example.com./x'), [
    fwd('x', '/x', 'h.example.com.'),
    fwd('x', '/x', 'h.example.com.:443'),
    // lua_ingress.lua redirect_to_https builds the Location from ngx.var.host: the validated name.
    '308 -> https://h.example.com/x',
  ])
})

test('a Host with two dots in a row, or only a dot, is refused 400 before any server (ngx_http_request.c ngx_http_validate_host)', (t) => {
  const ingresses = [ingress('a', [{host: 'h.example.com', paths: [{path: '/x', svc: 'x'}]}])]
  t.deepEqual(ask(ingresses, 'http://h.example.com../x', 'http://h..example.com/x', 'http://./x', 'http://h.example.com./x'), [
    '400 (client sent invalid host header (nginx answers 400 before choosing a server))',
    '400 (client sent invalid host header (nginx answers 400 before choosing a server))',
    '400 (client sent invalid host header (nginx answers 400 before choosing a server))',
    fwd('x', '/x', 'h.example.com.'),
  ])
})

test('Prefix /foo is /foo/ plus = /foo (location.go updateServerLocations): not /foobar', (t) => {
  t.deepEqual(ask([ingress('a', [{host: 'h.example.com', paths: [{path: '/foo', svc: 'foo'}]}])], 'http://h.example.com/foo', 'http://h.example.com/foo/bar', 'http://h.example.com/foobar'), [
    fwd('foo', '/foo', 'h.example.com'),
    fwd('foo', '/foo/bar', 'h.example.com'),
    // The server's own `location /` (createServers) proxies to the default backend.
    '404 (the location proxies to the default backend (404))',
  ])
})

test('Prefix /foo/ answers /foo with nginx\'s 301 to /foo/ (auto_redirect of a proxy_pass prefix location)', (t) => {
  t.deepEqual(ask([ingress('a', [{host: 'h.example.com', paths: [{path: '/foo/', svc: 'foo'}]}])], 'http://h.example.com/foo?q=1'), ['301 -> http://h.example.com/foo/?q=1'])
})

test('regex mode is host-wide, case-insensitive and longest path first (template.go enforceRegexModifier, getBackendServers sort)', (t) => {
  const a = ingress('a', [{host: 'h.example.com', paths: [{path: '/api/v[0-9]+', type: 'ImplementationSpecific', svc: 'versioned'}]}], {annotations: {'use-regex': 'true'}})
  const b = ingress('b', [{host: 'h.example.com', paths: [{path: '/api', svc: 'api'}, {path: '/about', type: 'Exact', svc: 'about'}]}])
  t.deepEqual(ask([a, b], 'http://h.example.com/API/V2/x', 'http://h.example.com/api/list', 'http://h.example.com/aboutus'), [
    fwd('versioned', '/API/V2/x', 'h.example.com'),
    fwd('api', '/api/list', 'h.example.com'),
    // Exact /about became `~* "^/about"`: a prefix without segment boundary.
    fwd('about', '/aboutus', 'h.example.com'),
  ])
})

test('the oldest Ingress keeps a host + path + pathType defined twice (store.go order, "Location already configured")', (t) => {
  const older = ingress('older', [{host: 'h.example.com', paths: [{path: '/x', svc: 'old'}]}], {created: '2023-01-01T00:00:00Z'})
  const newer = ingress('newer', [{host: 'h.example.com', paths: [{path: '/x', svc: 'new'}]}], {created: '2024-01-01T00:00:00Z'})
  t.deepEqual(ask([newer, older], 'http://h.example.com/x'), [fwd('old', '/x', 'h.example.com')])
})

test('a wildcard host is one label (template.go buildServerName); other names go to the catch-all server', (t) => {
  const wild = ingress('wild', [{host: '*.example.com', paths: [{path: '/', svc: 'tenant'}]}])
  const catchAll = ingress('any', [{paths: [{path: '/', svc: 'fallback'}]}])
  t.deepEqual(ask([wild, catchAll], 'http://a.example.com/', 'http://a.b.example.com/', 'http://other.test/'), [
    fwd('tenant', '/', 'a.example.com'),
    fwd('fallback', '/', 'a.b.example.com'),
    fwd('fallback', '/', 'other.test'),
  ])
})

test('an exact server name beats the wildcard; server-alias answers as its host', (t) => {
  const wild = ingress('wild', [{host: '*.example.com', paths: [{path: '/', svc: 'tenant'}]}])
  const exact = ingress('exact', [{host: 'www.example.com', paths: [{path: '/', svc: 'www'}]}], {annotations: {'server-alias': 'alias.test'}})
  t.deepEqual(ask([wild, exact], 'http://www.example.com/', 'http://alias.test/'), [fwd('www', '/', 'www.example.com'), fwd('www', '/', 'alias.test')])
})

test('canary: header always/never, header value, cookie, then weight (balancer.lua route_to_alternative_balancer)', (t) => {
  const primary = ingress('web', [{host: 'h.example.com', paths: [{path: '/', svc: 'web'}]}])
  const canary = ingress('web-canary', [{host: 'h.example.com', paths: [{path: '/', svc: 'next'}]}], {
    annotations: {canary: 'true', 'canary-by-header': 'X-Canary', 'canary-by-cookie': 'beta', 'canary-weight': '10'},
  })
  t.deepEqual(ask([primary, canary], 'http://h.example.com/ x-canary:always', 'http://h.example.com/ X-Canary:never Cookie:beta=always', 'http://h.example.com/ X-Canary:maybe Cookie:beta=always', 'http://h.example.com/'), [
    '-> Service app/next:80 path / host h.example.com',
    '-> Service app/web:80 path / host h.example.com',
    '-> Service app/next:80 path / host h.example.com',
    '-> Service app/next:80 10%, Service app/web:80 90% path / host h.example.com',
  ])
})

test('canary-weight-total counts only above 100; canary-by-header-value is an exact match without never', (t) => {
  const primary = ingress('web', [{host: 'h.example.com', paths: [{path: '/', svc: 'web'}]}])
  const canary = ingress('web-canary', [{host: 'h.example.com', paths: [{path: '/', svc: 'next'}]}], {
    annotations: {canary: 'true', 'canary-by-header': 'X-Env', 'canary-by-header-value': 'staging', 'canary-weight': '20', 'canary-weight-total': '50'},
  })
  t.deepEqual(ask([primary, canary], 'http://h.example.com/ X-Env:staging', 'http://h.example.com/ X-Env:never'), [
    '-> Service app/next:80 path / host h.example.com',
    '-> Service app/next:80 20%, Service app/web:80 80% path / host h.example.com',
  ])
})

test('ssl-redirect: 308 to https without one trailing slash once the host has a certificate (lua_ingress.lua)', (t) => {
  const tls = ingress('a', [{host: 'h.example.com', paths: [{path: '/', svc: 'web'}]}], {tls: ['h.example.com']})
  const plain = ingress('b', [{host: 'p.example.com', paths: [{path: '/', svc: 'web'}]}])
  t.deepEqual(ask([tls, plain], 'http://h.example.com/a/', 'https://h.example.com/a/', 'http://p.example.com/a/'), [
    '308 -> https://h.example.com/a',
    fwd('web', '/a/', 'h.example.com'),
    fwd('web', '/a/', 'p.example.com'),
  ])
})

test('force-ssl-redirect redirects without a certificate; ssl-redirect "false" keeps http on a TLS host', (t) => {
  const forced = ingress('a', [{host: 'p.example.com', paths: [{path: '/', svc: 'web'}]}], {annotations: {'force-ssl-redirect': 'true'}})
  const off = ingress('b', [{host: 'h.example.com', paths: [{path: '/', svc: 'web'}]}], {tls: ['h.example.com'], annotations: {'ssl-redirect': 'false'}})
  t.deepEqual(ask([forced, off], 'http://p.example.com/x', 'http://h.example.com/x'), ['308 -> https://p.example.com/x', fwd('web', '/x', 'h.example.com')])
})

test('app-root answers exactly / with a 302, before the https redirect (server-level if in nginx.tmpl)', (t) => {
  const a = ingress('a', [{host: 'h.example.com', paths: [{path: '/', svc: 'web'}]}], {tls: ['h.example.com'], annotations: {'app-root': '/app'}})
  t.deepEqual(ask([a], 'http://h.example.com/', 'http://h.example.com/?q=1', 'https://h.example.com/x'), [
    '302 -> http://h.example.com/app',
    '302 -> http://h.example.com/app',
    fwd('web', '/x', 'h.example.com'),
  ])
})

test('permanent-redirect returns its URL verbatim with its code; temporal-redirect wins over it (redirect.go Parse)', (t) => {
  const perm = ingress('a', [{host: 'a.example.com', paths: [{path: '/', svc: 'web'}]}], {annotations: {'permanent-redirect': 'https://new.example.com/', 'permanent-redirect-code': '308'}})
  const both = ingress('b', [{host: 'b.example.com', paths: [{path: '/', svc: 'web'}]}], {annotations: {'permanent-redirect': 'https://p.example.com/', 'temporal-redirect': 'https://t.example.com/'}})
  t.deepEqual(ask([perm, both], 'http://a.example.com/x', 'http://b.example.com/x'), ['308 -> https://new.example.com/', '302 -> https://t.example.com/'])
})

test('rewrite-target replaces the whole URI with captures of the path regex, query kept (buildProxyPass)', (t) => {
  const a = ingress('a', [{host: 'h.example.com', paths: [{path: '/api(/|$)(.*)', type: 'ImplementationSpecific', svc: 'api'}]}], {annotations: {'rewrite-target': '/$2', 'use-regex': 'true'}})
  t.deepEqual(ask([a], 'http://h.example.com/api/users?id=1', 'http://h.example.com/API'), [fwd('api', '/users?id=1', 'h.example.com'), fwd('api', '/', 'h.example.com')])
})

test('from-to-www-redirect: the other name answers the http-redirect-code to the host, same scheme (ngx_srv_redirect.lua)', (t) => {
  const a = ingress('a', [{host: 'example.com', paths: [{path: '/', svc: 'web'}]}], {annotations: {'from-to-www-redirect': 'true'}})
  t.deepEqual(ask([a], 'http://www.example.com/docs/'), ['308 -> http://example.com:80/docs'])
})

test('spec.defaultBackend of a rule-less Ingress is the catch-all; an unknown host without one gets 404', (t) => {
  const d: KubeObject = {...ingress('default', []), spec: {ingressClassName: 'nginx', defaultBackend: {service: {name: 'fallback', port: {number: 80}}}}}
  t.deepEqual(ask([d], 'http://nowhere.test/x'), [fwd('fallback', '/x', 'nowhere.test')])
  t.deepEqual(ask([ingress('a', [{host: 'h.example.com', paths: [{path: '/x', svc: 'x'}]}])], 'http://nowhere.test/x', 'http://h.example.com/y'), [
    '404 (no server for this host and no catch-all Ingress (the default backend answers 404))',
    '404 (the location proxies to the default backend (404))',
  ])
})

test('an Ingress ingress-nginx would not serve (invalid annotation value) has no locations', (t) => {
  const bad = ingress('bad', [{host: 'h.example.com', paths: [{path: '/', svc: 'web'}]}], {annotations: {'permanent-redirect': 'https://x.example.com/$host'}})
  t.deepEqual(ask([bad], 'http://h.example.com/'), ['404 (no server for this host and no catch-all Ingress (the default backend answers 404))'])
})

test('ssl-passthrough is decided by the TLS SNI (the server\'s hostname), not by the Host header (tcpproxy/tcp.go Handle, Get)', (t) => {
  const vault = ingress('vault', [{host: 'vault.example.com', paths: [{path: '/', svc: 'vault'}]}], {annotations: {'ssl-passthrough': 'true'}, tls: ['vault.example.com']})
  const web = ingress('web', [{host: 'web.example.com', paths: [{path: '/', svc: 'web'}]}], {tls: ['web.example.com']})
  const result = translate({objects: [vault, web].map((object) => ({object, source: {}}))})
  const model = buildNginxModel(result.hostsByGateway!)
  const route = (host: string, sni?: string) => {
    const outcome = routeNginxRequest(model, {scheme: 'https', host, path: '/x', ...(sni === undefined ? {} : {sni})})
    return `${describeOutcome(outcome)} [server ${outcome.nginx.server}]`
  }
  const through = 'TLS passthrough -> Service app/vault:80 [server vault.example.com]'
  t.deepEqual(
    [route('vault.example.com'), route('web.example.com', 'vault.example.com'), route('vault.example.com', 'web.example.com'), route('vault.example.com:443')],
    [
      through,
      // The SNI names the passthrough server: the stream goes there, whatever Host the encrypted request carries.
      through,
      // Another SNI: the proxy's default, nginx's HTTPS server, which routes by Host to the vault server's `/`.
      `${fwd('vault', '/x', 'vault.example.com')} [server vault.example.com]`,
      through,
    ],
  )
})

test('regex locations sort by path length in bytes, then by path bytes descending (controller.go getBackendServers, Go len and >)', (t) => {
  // `/é` and `/.*` are both 3 bytes (`/é` is 2 UTF-16 code units): the byte order puts `/é` (0xC3) above `/.*` (0x2E),
  // so nginx tries it first; by code units `/.*` was longer and took every request.
  const a = ingress('a', [{host: 'h.example.com', paths: [{path: '/.*', type: 'ImplementationSpecific', svc: 'any'}, {path: '/é', type: 'ImplementationSpecific', svc: 'accent'}]}], {annotations: {'use-regex': 'true'}})
  t.deepEqual(ask([a], 'http://h.example.com/é', 'http://h.example.com/x'), [fwd('accent', '/é', 'h.example.com'), fwd('any', '/x', 'h.example.com')])
})

test('ssl-passthrough hands the stream to the server\'s Prefix `/` location, whichever Ingress made it; without one the TLS proxy cannot dial (controller.go getConfiguration, createServers)', (t) => {
  const tls = {annotations: {'ssl-passthrough': 'true'}, tls: ['v.example.com']}
  const route = (ingresses: KubeObject[]) => {
    const model = buildNginxModel(translate({objects: ingresses.map((object) => ({object, source: {}}))}).hostsByGateway!)
    return describeOutcome(routeNginxRequest(model, {scheme: 'https', host: 'v.example.com', path: '/'}))
  }
  // The passthrough Ingress's first path is not `/`: getConfiguration still looks for Path `/`.
  t.is(route([ingress('v', [{host: 'v.example.com', paths: [{path: '/api', svc: 'api'}, {path: '/', svc: 'root'}]}], tls)]), 'TLS passthrough -> Service app/root:80')
  // `/` from another Ingress of the host: the server is passthrough (any of its Ingresses says so), its `/` is that Service.
  t.is(route([ingress('v', [{host: 'v.example.com', paths: [{path: '/api', svc: 'api'}]}], tls), ingress('w', [{host: 'v.example.com', paths: [{path: '/', svc: 'root'}]}], {created: '2024-02-01T00:00:00Z'})]), 'TLS passthrough -> Service app/root:80')
  // No `/` at all: the location is the default backend's, with an empty Service; the proxy closes the connection.
  t.regex(route([ingress('v', [{host: 'v.example.com', paths: [{path: '/api', svc: 'api'}]}], tls)]), /^no response \(ssl-passthrough/)
  // ImplementationSpecific is Prefix to the controller (k8s/main.go SetDefaultNGINXPathType).
  t.is(route([ingress('v', [{host: 'v.example.com', paths: [{path: '/', type: 'ImplementationSpecific', svc: 'root'}]}], tls)]), 'TLS passthrough -> Service app/root:80')
})

test('ssl-passthrough on an Ingress that owns no location of the host still makes the server passthrough (controller.go createServers sets SSLPassthrough for any rule of the host)', (t) => {
  const route = (ingresses: KubeObject[]) => {
    const model = buildNginxModel(translate({objects: ingresses.map((object) => ({object, source: {}}))}).hostsByGateway!)
    return describeOutcome(routeNginxRequest(model, {scheme: 'https', host: 'v.example.com', path: '/'}))
  }
  const root = ingress('web', [{host: 'v.example.com', paths: [{path: '/', svc: 'root'}]}])
  // A rule without paths: createServers' second loop reads the annotation for every rule; getBackendServers adds no location.
  const bare: KubeObject = {...ingress('pt', [], {annotations: {'ssl-passthrough': 'true'}, created: '2024-02-01T00:00:00Z'}), spec: {ingressClassName: 'nginx', rules: [{host: 'v.example.com'}]}}
  t.is(route([root, bare]), 'TLS passthrough -> Service app/root:80')
  // Its only path lost to an older Ingress's identical path (getBackendServers keeps the first): still passthrough.
  const loser = ingress('pt', [{host: 'v.example.com', paths: [{path: '/', svc: 'other'}]}], {annotations: {'ssl-passthrough': 'true'}, created: '2024-02-01T00:00:00Z'})
  t.is(route([root, loser]), 'TLS passthrough -> Service app/root:80')
})
