/**
 * The Envoy Gateway model over the converter's own golden outputs (test/golden/<case>/expected.yaml): routing
 * answers reasoned from each YAML by hand. Cases converted without --emit-gateway get the shared Gateway the
 * converter would emit (http on 80, https on 443, namespaces labelled shared-gateway-access).
 */
import test from 'ava'
import {readFileSync} from 'node:fs'
import {parseAllDocuments} from 'yaml'
import type {KubeObject} from '../../src/model/types.js'
import {buildGatewayModel} from '../../src/verify/gateway-model.js'
import type {GatewayModel} from '../../src/verify/gateway-types.js'
import {gateway} from './support.js'
import {decidedBy, send, services} from './support.js'

const SELECTOR = {namespaces: {from: 'Selector', selector: {matchLabels: {'shared-gateway-access': 'true'}}}}
const CONVERTER_GATEWAY = gateway('shared', [
  {name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: SELECTOR},
  {name: 'https', port: 443, protocol: 'HTTPS', tls: {mode: 'Terminate', certificateRefs: [{group: '', kind: 'Secret', name: 'default-tls'}]}, allowedRoutes: SELECTOR},
])

function golden(name: string): GatewayModel {
  const text = readFileSync(new URL(`../golden/${name}/expected.yaml`, import.meta.url), 'utf8')
  const objects = parseAllDocuments(text).map((d) => d.toJS()).filter((o): o is KubeObject => o !== null)
  const hasGateway = objects.some((o) => o.kind === 'Gateway')
  return buildGatewayModel(hasGateway ? objects : [...objects, CONVERTER_GATEWAY])
}

test('basic-paths: Exact /admin goes to port 9090 only without a trailing slash; the rest of shop.example.com to port 80', (t) => {
  const m = golden('basic-paths')
  t.deepEqual(services(send(m, 'http://shop.example.com/admin')), ['shop/web:9090'])
  t.deepEqual(services(send(m, 'http://shop.example.com/admin/')), ['shop/web:80'])
  t.is(decidedBy(send(m, 'http://shop.example.com/static/app.js')), 'shop/web-shop-example-com rule 0 match 1')
  t.deepEqual(services(send(m, 'http://www.shop.example.com/anything')), ['shop/web:80'])
  t.is(send(m, 'http://unknown.example.com/').status, 404, 'no route without hostnames: no catch-all virtual host')
  t.is(send(m, 'https://shop.example.com/').status, 404, 'the routes are attached to the http listener only')
  t.true(m.notes.some((n) => n.startsWith('Namespace shop is not in the input')), 'the labels of namespace shop were assumed')
})

test('ssl-redirect-mixed-host: example.com redirects to https except /hooks, which ssl-redirect=false keeps on http', (t) => {
  const m = golden('ssl-redirect-mixed-host')
  t.like(send(m, 'http://example.com/account?a=1'), {kind: 'redirect', status: 308, location: 'https://example.com/account?a=1'})
  t.like(send(m, 'http://example.com/'), {kind: 'redirect', status: 308, location: 'https://example.com/'})
  t.deepEqual(services(send(m, 'http://example.com/hooks/github')), ['web/hooks:8080'])
  t.deepEqual(services(send(m, 'https://example.com/hooks/github')), ['web/hooks:8080'])
  t.deepEqual(services(send(m, 'https://example.com/account/orders')), ['web/account:80'])
  t.deepEqual(services(send(m, 'https://example.com/')), ['web/site:80'])
  t.like(send(m, 'http://www.example.com/p'), {kind: 'redirect', location: 'https://www.example.com/p'})
})

test('routing-redirects: codes, targets and query strings of each redirect', (t) => {
  const m = golden('routing-redirects')
  // replaceFullPath with a query: Envoy's path_redirect replaces the request's query.
  t.like(send(m, 'http://checkout.example.com/pay?step=2'), {status: 307, location: 'https://status.example.com/?from=checkout'})
  // replaceFullPath without a query: Envoy keeps the request's query (nginx `return 301 URL` would drop it).
  t.like(send(m, 'http://old-shop.example.com/x?y=1'), {status: 301, location: 'https://shop.example.com/catalog?y=1'})
  // hostname only: scheme and listener port stay (80 and 443 are left out of Location).
  t.like(send(m, 'http://www.shop.example.com/a?b=1'), {status: 308, location: 'http://shop.example.com/a?b=1'})
  t.like(send(m, 'https://www.shop.example.com/a'), {status: 308, location: 'https://shop.example.com/a'})
  // app-root: Exact / redirects, everything else is served.
  t.like(send(m, 'https://shop.example.com/?ref=mail'), {status: 302, location: 'https://shop.example.com/catalog?ref=mail'})
  t.deepEqual(services(send(m, 'https://shop.example.com/catalog')), ['shop/shop:80'])
  t.like(send(m, 'https://blog.example.com/post'), {status: 308, location: 'https://www.blog.example.com/post'})
})

test('canary-weight-and-header: the header pins a side; without it 90/10 by weight, /status included', (t) => {
  const m = golden('canary-weight-and-header')
  t.deepEqual(services(send(m, 'http://checkout.example.com/status', {'X-Checkout-Canary': 'always'})), ['shop/checkout-next:80'])
  t.deepEqual(services(send(m, 'http://checkout.example.com/cart', {'X-Checkout-Canary': 'never'})), ['shop/checkout:80'])
  const weighted = send(m, 'http://checkout.example.com/status', {'X-Checkout-Canary': 'maybe'})
  t.deepEqual(weighted.backends?.map((b) => [b.name, b.share]), [['checkout', 0.9], ['checkout-next', 0.1]])
  t.is(decidedBy(weighted), 'shop/checkout rule 2 match 1', 'Exact /status of the weighted rule outranks the header rules\' PathPrefix /')
})

test('rewrite-with-captures: the regex rewrite strips /api (case-insensitively) and keeps the query; /v2/api wins by pattern length', (t) => {
  const m = golden('rewrite-with-captures')
  const users = send(m, 'http://api.example.com/API/users?x=1')
  t.deepEqual(services(users), ['backend/api:8080'])
  t.is(users.upstreamPath, '/users?x=1')
  t.deepEqual(users.requestHeaders?.set, [{name: 'X-Forwarded-Prefix', value: '/api'}])
  const v2 = send(m, 'http://api.example.com/v2/api/x')
  t.deepEqual(services(v2), ['backend/api-v2:8080'])
  t.is(v2.upstreamPath, '/x')
  t.is(send(m, 'http://api.example.com/apix').status, 404, '`(/|$)` needs a segment boundary after /api')
})

test('regex-host-wide: every path of cms.example.com is a case-insensitive regex, longest pattern first', (t) => {
  const m = golden('regex-host-wide')
  t.deepEqual(services(send(m, 'http://cms.example.com/ARTICLES/12')), ['cms/articles:8080'])
  t.deepEqual(services(send(m, 'http://cms.example.com/articles/latest')), ['cms/pages:80'], '[0-9]+ does not match; the `/` regex takes it')
  t.is(decidedBy(send(m, 'http://cms.example.com/About')), 'cms/pages-cms-example-com rule 0 match 0')
  t.deepEqual(services(send(m, 'http://static.example.com/assets/site.css')), ['cms/pages:80'])
  t.is(send(m, 'http://static.example.com/ASSETS/site.css').status, 404, 'another host keeps case-sensitive prefixes')
})

test('catch-all-server: hostless routes answer other hosts; a host with routes of its own gets no fallback', (t) => {
  const m = golden('catch-all-server')
  t.deepEqual(services(send(m, 'http://anything.example.org/app/x')), ['team-a/site:80'])
  t.deepEqual(services(send(m, 'http://anything.example.org/status')), ['team-b/status:80'])
  t.deepEqual(services(send(m, 'http://anything.example.org/other')), ['infra/default-http-backend:80'])
  t.deepEqual(services(send(m, 'http://site.example.com/app')), ['team-a/site:80'])
  t.is(send(m, 'http://site.example.com/').status, 404, 'the site.example.com virtual host has /app only')
})

test('routing-grpc: method and service matches, the catch-all rule, and a TLS Backend', (t) => {
  const m = golden('routing-grpc')
  const grpc = {'content-type': 'application/grpc'}
  t.deepEqual(services(send(m, 'POST https://grpc.example.com/users.v1.Users/GetUser', grpc)), ['grpc/users:50051'])
  t.deepEqual(services(send(m, 'POST https://grpc.example.com/users.v1.Users/ListUsers', grpc)), ['grpc/api:50051'])
  t.deepEqual(services(send(m, 'POST https://grpc.example.com/billing.v1.Invoices/Pay', grpc)), ['grpc/billing:50051'])
  t.is(decidedBy(send(m, 'POST https://grpc.example.com/other.Svc/Call', grpc)), 'grpc/grpc-api rule 0 match -1')
  const secure = send(m, 'POST https://secure-grpc.example.com/secure.v1.Vault/Get', grpc)
  t.deepEqual(secure.backends?.map((b) => `${b.kind} ${b.namespace}/${b.name}`), ['Backend grpc/grpc-secure-secure-api-8443'])
  t.is(send(m, 'POST http://grpc.example.com/users.v1.Users/GetUser', grpc).status, 404, 'GRPCRoutes are on the https listener only')
})

test('passthrough-bundle: argocd.example.com is passed through by SNI, www is terminated and routed', (t) => {
  const m = golden('passthrough-bundle')
  const argo = send(m, 'https://argocd.example.com/')
  t.is(argo.kind, 'passthrough')
  t.deepEqual(services(argo), ['argocd/argocd-server:443'])
  t.deepEqual(services(send(m, 'https://www.example.com/')), ['web/web:80'])
  t.like(send(m, 'http://www.example.com/x'), {kind: 'redirect', status: 308, location: 'https://www.example.com/x'})
  t.is(send(m, 'http://argocd.example.com/').status, 404, 'nothing routes argocd over plain http')
})

test('hostless-and-wildcard: *.tenants.example.com takes hosts at any depth (nginx: one label); /healthz elsewhere', (t) => {
  const m = golden('hostless-and-wildcard')
  t.deepEqual(services(send(m, 'http://acme.tenants.example.com/x')), ['saas/tenant-router:8080'])
  t.deepEqual(services(send(m, 'http://eu.acme.tenants.example.com/x')), ['saas/tenant-router:8080'])
  t.deepEqual(services(send(m, 'http://tenants.example.com/healthz')), ['saas/health:8080'], 'the bare domain is outside the wildcard')
  t.is(send(m, 'http://acme.tenants.example.com/healthz').gateway.virtualHost, '*.tenants.example.com', 'the wildcard host does not fall back to the hostless route')
})
