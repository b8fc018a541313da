import test from 'ava'
import {translate} from '../../src/translate/index.js'
import type {KubeObject, TranslateResult} from '../../src/translate/types.js'
import {loadValidator, type Validator} from '../support/conformance.js'

const P = 'nginx.ingress.kubernetes.io/'

function ingress(annotations: Record<string, string>, hosts = ['shop.example.com'], name = 'shop'): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {name, namespace: 'team', annotations: Object.fromEntries(Object.entries(annotations).map(([k, v]) => [P + k, v]))},
    spec: {
      ingressClassName: 'nginx',
      rules: hosts.map((host) => ({host, http: {paths: [{path: '/', pathType: 'Prefix', backend: {service: {name: 'shop', port: {number: 80}}}}]}})),
    },
  }
}

function run(...objects: KubeObject[]): TranslateResult {
  return translate({objects: objects.map((object) => ({object, source: {file: 'test.yaml', line: 1}}))}, {})
}

const routes = (r: TranslateResult) => r.objects.filter((o) => o.kind === 'HTTPRoute')
const route = (r: TranslateResult, name = 'shop') => routes(r).find((o) => o.metadata.name === name)
const fidelity = (r: TranslateResult, key: string) => r.ingresses[0]!.annotations[P + key]
const diags = (r: TranslateResult, key: string) => r.diagnostics.filter((d) => d.annotation === P + key)

let validator: Validator
test.before(async () => {
  validator = await loadValidator()
})

function assertValid(t: any, r: TranslateResult) {
  for (const o of r.objects) t.deepEqual(validator.validate(o), [], `${o.kind} ${o.metadata.name}`)
}

test('permanent-redirect answers every path with the URL verbatim, 301 by default', (t) => {
  const r = run(ingress({'permanent-redirect': 'https://www.example.org/new-shop'}))
  t.deepEqual(route(r)!.spec.rules, [
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
  t.is(fidelity(r, 'permanent-redirect'), 'approximate')
  t.regex(diags(r, 'permanent-redirect')[0]!.message, /keeps the request's query string; nginx's return drops it/)
  assertValid(t, r)
})

test('a target with a query string and a port is exact; a bare host redirects to /', (t) => {
  const r = run(ingress({'permanent-redirect': 'http://Legacy.Example.com:8080/?from=shop&x=1', 'permanent-redirect-code': '302'}))
  t.deepEqual(route(r)!.spec.rules[0].filters[0].requestRedirect, {
    scheme: 'http',
    hostname: 'legacy.example.com',
    port: 8080,
    path: {type: 'ReplaceFullPath', replaceFullPath: '/?from=shop&x=1'},
    statusCode: 302,
  })
  t.is(fidelity(r, 'permanent-redirect'), 'exact')
  const bare = run(ingress({'permanent-redirect': 'https://example.org'}))
  t.deepEqual(route(bare)!.spec.rules[0].filters[0].requestRedirect.path, {type: 'ReplaceFullPath', replaceFullPath: '/'})
  t.is(route(bare)!.spec.rules[0].filters[0].requestRedirect.port, undefined)
  assertValid(t, r)
})

test('temporal-redirect wins over permanent-redirect; code 307 is kept and needs Gateway API 1.5', (t) => {
  const r = run(ingress({'temporal-redirect': 'https://maintenance.example.com/', 'temporal-redirect-code': '307', 'permanent-redirect': 'https://other.example.com/', 'permanent-redirect-code': '308'}))
  const redirect = route(r)!.spec.rules[0].filters[0].requestRedirect
  t.is(redirect.hostname, 'maintenance.example.com')
  t.is(redirect.statusCode, 307)
  t.is(fidelity(r, 'permanent-redirect'), 'ignored')
  t.is(fidelity(r, 'permanent-redirect-code'), 'ignored')
  t.is(diags(r, 'permanent-redirect')[0]?.level, 'warning')
  t.is(fidelity(r, 'temporal-redirect-code'), 'exact')
  t.truthy(r.diagnostics.find((d) => d.code === 'redirect-code-needs-gateway-api-1.5'))
  assertValid(t, r)
})

test('codes outside nginx\'s range fall back to its default; non-integers drop the Ingress', (t) => {
  const out = run(ingress({'temporal-redirect': 'https://x.example.com/', 'temporal-redirect-code': '308'}))
  t.is(route(out)!.spec.rules[0].filters[0].requestRedirect.statusCode, 302, 'temporal accepts 300-307 only')
  const [d] = diags(out, 'temporal-redirect-code')
  t.is(d?.code, 'redirect-code-out-of-range')
  t.is(d?.level, 'warning')
  t.is(fidelity(out, 'temporal-redirect-code'), 'exact')

  const nan = run(ingress({'permanent-redirect': 'https://x.example.com/', 'permanent-redirect-code': 'moved'}))
  t.is(diags(nan, 'permanent-redirect-code')[0]?.code, 'ingress-not-served')
  t.is(routes(nan).length, 0)
})

test('nginx validation of the URL: variables, % and non-http schemes drop the Ingress', (t) => {
  for (const url of ['https://example.com$request_uri', 'https://example.com/a%20b', 'ftp://example.com/file']) {
    const r = run(ingress({'permanent-redirect': url}))
    t.is(diags(r, 'permanent-redirect')[0]?.code, 'ingress-not-served', url)
    t.is(routes(r).length, 0, url)
    t.is(r.ingresses[0]!.status, 'not-served')
  }
})

test('codes 300, 304, 305, 306 are not redirects in nginx: the URL is the response body', (t) => {
  const r = run(ingress({'permanent-redirect': 'https://example.com/moved', 'permanent-redirect-code': '300'}))
  t.deepEqual(route(r)!.spec.rules[0].filters, [{type: 'ExtensionRef', extensionRef: {group: 'gateway.envoyproxy.io', kind: 'HTTPRouteFilter', name: 'shop-redirect-response'}}])
  t.is(route(r)!.spec.rules[0].backendRefs, undefined)
  const filter = r.objects.find((o) => o.kind === 'HTTPRouteFilter')
  t.deepEqual(filter?.spec, {directResponse: {statusCode: 300, contentType: 'text/html', body: {type: 'Inline', inline: 'https://example.com/moved'}}})
  t.is(fidelity(r, 'permanent-redirect-code'), 'exact')
  t.is(diags(r, 'permanent-redirect-code')[0]?.code, 'redirect-code-not-a-redirect')
  assertValid(t, r)
})

test('a code without its URL has no effect', (t) => {
  const r = run(ingress({'permanent-redirect-code': '308'}))
  t.is(fidelity(r, 'permanent-redirect-code'), 'ignored')
  t.deepEqual(route(r)!.spec.rules[0].backendRefs, [{name: 'shop', port: 80}])
})

test('app-root adds an Exact / rule redirecting (302) to the path', (t) => {
  const r = run(ingress({'app-root': '/dashboard?tab=1'}))
  const rules = route(r)!.spec.rules
  // nginx checks app-root before any location, so the rule comes first.
  t.deepEqual(rules[0], {
    matches: [{path: {type: 'Exact', value: '/'}}],
    filters: [{type: 'RequestRedirect', requestRedirect: {path: {type: 'ReplaceFullPath', replaceFullPath: '/dashboard'}, statusCode: 302}}],
  })
  t.deepEqual(rules[1].backendRefs, [{name: 'shop', port: 80}], 'the other paths still go to the backend')
  t.is(fidelity(r, 'app-root'), 'approximate')
  assertValid(t, r)

  const absolute = run(ingress({'app-root': 'https://example.com/dashboard'}))
  t.is(diags(absolute, 'app-root')[0]?.code, 'invalid-annotation-value')
  t.is(route(absolute)!.spec.rules.length, 1, 'nginx clears an absolute app-root')
  const loop = run(ingress({'app-root': '/'}))
  t.is(fidelity(loop, 'app-root'), 'ignored')
})

test('from-to-www-redirect: an HTTPRoute for the twin name on both listeners, 308 by default', (t) => {
  const r = run(ingress({'from-to-www-redirect': 'true'}, ['shop.example.com', 'www.blog.example.com']))
  const twins = routes(r).filter((o) => o.metadata.name.startsWith('shop-www-redirect'))
  t.deepEqual(
    twins.map((o) => [o.spec.hostnames, o.spec.rules[0].filters[0].requestRedirect]),
    [
      [['blog.example.com'], {hostname: 'www.blog.example.com', statusCode: 308}],
      [['www.shop.example.com'], {hostname: 'shop.example.com', statusCode: 308}],
    ],
  )
  t.deepEqual(twins[0]!.spec.parentRefs.map((p: any) => p.sectionName), ['http', 'https'])
  t.is(fidelity(r, 'from-to-www-redirect'), 'approximate')
  t.regex(diags(r, 'from-to-www-redirect')[0]!.message, /trailing slash/)
  assertValid(t, r)
})

test('from-to-www-redirect uses the controller\'s http-redirect-code and skips names the Ingress serves', (t) => {
  const controller: KubeObject = {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'ingress-nginx-controller', namespace: 'ingress-nginx'}, data: {'http-redirect-code': '301'}}
  const r = run(ingress({'from-to-www-redirect': 'true'}), controller)
  t.is(route(r, 'shop-www-redirect')!.spec.rules[0].filters[0].requestRedirect.statusCode, 301)

  const both = run(ingress({'from-to-www-redirect': 'true'}, ['shop.example.com', 'www.shop.example.com']))
  t.deepEqual(routes(both).map((o) => o.metadata.name), ['shop'])
  t.is(diags(both, 'from-to-www-redirect')[0]?.code, 'www-redirect-skipped')

  const invalid = run(ingress({'from-to-www-redirect': 'yes'}))
  t.is(diags(invalid, 'from-to-www-redirect')[0]?.code, 'ingress-not-served')
})

test('use-port-in-redirects and relative-redirects: Gateway redirects are absolute and omit default ports', (t) => {
  const r = run(ingress({'use-port-in-redirects': 'true', 'relative-redirects': 'true'}))
  t.is(fidelity(r, 'use-port-in-redirects'), 'approximate')
  t.is(fidelity(r, 'relative-redirects'), 'approximate')
  const off = run(ingress({'use-port-in-redirects': 'false', 'relative-redirects': 'false'}))
  t.is(fidelity(off, 'use-port-in-redirects'), 'exact')
  t.is(fidelity(off, 'relative-redirects'), 'exact')
  t.deepEqual(diags(off, 'relative-redirects'), [])
  const bad = run(ingress({'relative-redirects': 'sometimes'}))
  t.is(diags(bad, 'relative-redirects')[0]?.code, 'ingress-not-served')
})
