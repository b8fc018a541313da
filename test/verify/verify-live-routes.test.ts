/**
 * verify --live-routes against the fake API server: the Gateway side is listed from the cluster (src/sources/
 * live-routes.ts) instead of converted. The converted objects seeded as applied route like the fresh conversion;
 * an edit of the live route (a mis-route someone made with kubectl edit) is an unlabelled difference; the Gateway
 * outside the namespace is read by name; an unlabelled namespace the listener does not admit is found; a 403 on
 * the routes names the RBAC; every request is a read the ingress2gw-read role allows, and nothing touches Secrets.
 */
import test, {type ExecutionContext} from 'ava'
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import jsYaml from 'js-yaml'
import {FakeApiServer, type Obj} from '../support/fake-apiserver.js'
import {ns, rbacAttributes, roleAllows, ROOT, service, tempDir} from '../support/cluster-helpers.js'
import {runCli} from '../support/run-cli.js'

/** One host, two Services (the same input as verify-cli's --against test). */
const SHOP: Obj = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: {name: 'shop', namespace: 'shop', creationTimestamp: '2024-01-01T00:00:00Z'},
  spec: {
    ingressClassName: 'nginx',
    rules: [{
      host: 'shop.example.com',
      http: {paths: [
        {path: '/cart', pathType: 'Prefix', backend: {service: {name: 'cart', port: {number: 8080}}}},
        {path: '/', pathType: 'Prefix', backend: {service: {name: 'web', port: {number: 80}}}},
      ]},
    }],
  },
}

const cartService = (): Obj => ({apiVersion: 'v1', kind: 'Service', metadata: {name: 'cart', namespace: 'shop'}, spec: {ports: [{port: 8080, protocol: 'TCP'}]}})

/** The cluster: the Ingress and its Services, plus what `convert --emit-gateway` made of them, seeded as applied. */
async function cluster(t: ExecutionContext) {
  const dir = tempDir(t)
  const input = join(dir, 'shop.yaml')
  writeFileSync(input, jsYaml.dump(SHOP))
  const converted = await runCli(['convert', '-f', input, '--emit-gateway', '--color', 'never'])
  t.is(converted.exitCode, 0, converted.stderr)
  const applied = (jsYaml.loadAll(converted.stdout) as Obj[]).filter((o) => o !== null && o !== undefined)
  const s = await FakeApiServer.start()
  t.teardown(() => s.close())
  s.seed([ns('shop'), service('shop', 'web'), cartService(), SHOP, ...applied])
  return {s, dir, input, applied, kubeconfig: s.writeKubeconfig(dir, {namespace: 'shop'})}
}


test.serial('--live-routes over the applied conversion answers as the fresh conversion; the Gateway outside -n is read by name', async (t) => {
  const {s, kubeconfig, applied} = await cluster(t)
  t.true(applied.some((o) => o.kind === 'Namespace' && o.metadata.name === 'shop'), 'the bundle labels namespace shop for the Gateway')
  const fresh = await runCli(['verify', '--kubeconfig', kubeconfig])
  t.is(fresh.exitCode, 0, fresh.stdout + fresh.stderr)
  const live = await runCli(['verify', '--kubeconfig', kubeconfig, '--live-routes'])
  t.is(live.exitCode, 0, live.stdout + live.stderr)
  // The same known lines (plain-hosts-https); the summary names the side and the objects read.
  t.regex(fresh.stdout, /\nverify: 20 probes, 2 differ \(2 known\)\n$/)
  const objects = Number(/\((\d+) objects;/.exec(live.stdout)?.[1])
  t.is(live.stdout, fresh.stdout.replace(/\n$/, `; gateway side: the live routes (context "fake", namespace shop) (${objects} objects; known labels from a fresh conversion of the input)\n`))
  // HTTPRoute shop, Gateway gateway/shared (outside -n, by name), Namespace shop, Services cart and web.
  t.true(objects >= 5, String(objects))
  t.regex(live.stderr, /note: --live-routes read namespace shop only: routes of other namespaces attached to the same Gateway/)
  t.true(s.requests.some((q) => q.method === 'GET' && q.path === '/apis/gateway.networking.k8s.io/v1/namespaces/gateway/gateways/shared'))
  t.true(s.requests.some((q) => q.path === '/apis/gateway.networking.k8s.io/v1/namespaces/shop/httproutes'))

  // Read-only, never a Secret, and every request within examples/rbac/ingress2gw-rbac.yaml's read role.
  t.false(s.requests.some((q) => q.method !== 'GET'))
  t.false(s.requests.some((q) => /\/secrets\b/.test(q.path)))
  const roles = jsYaml.loadAll(readFileSync(`${ROOT}/examples/rbac/ingress2gw-rbac.yaml`, 'utf8')) as Obj[]
  const readRole = roles.find((r) => r.kind === 'ClusterRole' && r.metadata.name === 'ingress2gw-read')!
  for (const q of s.requests) {
    const a = rbacAttributes(q.method, q.path)
    if (a) t.true(roleAllows(readRole as any, a.verb, a.group, a.resource), `${a.verb} ${a.resource}.${a.group} not in ingress2gw-read`)
  }
})

test.serial('--live-routes: a live route edited to the wrong Service is an unlabelled difference (exit 1); -A reads every namespace', async (t) => {
  const {s, kubeconfig, applied} = await cluster(t)
  const route = structuredClone(applied.find((o) => o.kind === 'HTTPRoute' && o.metadata.namespace === 'shop')!)
  const cartRule = route.spec.rules.find((r: Obj) => r.backendRefs?.some((b: Obj) => b.name === 'cart'))
  t.truthy(cartRule, 'the converted route has the cart rule')
  cartRule.backendRefs = [{name: 'web', port: 80}]
  s.seed([route])
  const r = await runCli(['verify', '--kubeconfig', kubeconfig, '--live-routes', '-o', 'json'])
  t.is(r.exitCode, 1, r.stderr)
  const json = JSON.parse(r.stdout)
  const cart = json.differences.find((d: Obj) => d.request === 'GET http://shop.example.com/cart')
  t.truthy(cart, json.differences.map((d: Obj) => d.request).join('\n'))
  t.deepEqual(cart.differences, ['backends'])
  t.is(cart.known, undefined)
  t.is(cart.group, 'shop/shop')
  t.deepEqual(cart.envoy.backends.map((b: Obj) => `${b.name}:${b.port}`), ['web:80'])

  const all = await runCli(['verify', '--kubeconfig', kubeconfig, '--live-routes', '-A', '-o', 'json'])
  t.is(all.exitCode, 1)
  t.regex(JSON.parse(all.stdout).gatewaySide, /^the live routes \(context "fake", all namespaces\)/)
  t.notRegex(all.stderr, /read namespace shop only/)
  t.true(s.requests.some((q) => q.path === '/apis/gateway.networking.k8s.io/v1/httproutes'))
})

test.serial('--live-routes: a namespace without the Gateway\'s admission label is not admitted (every probe of it differs, unlabelled)', async (t) => {
  const {s, kubeconfig} = await cluster(t)
  // The label convert's bundle adds was never applied: the listeners' allowedRoutes selector does not admit shop.
  s.seed([ns('shop')])
  const r = await runCli(['verify', '--kubeconfig', kubeconfig, '--live-routes', '-o', 'json'])
  t.is(r.exitCode, 1)
  const json = JSON.parse(r.stdout)
  const cart = json.differences.find((d: Obj) => d.request === 'GET http://shop.example.com/cart')
  t.truthy(cart)
  t.is(cart.envoy.kind, 'respond')
  t.is(cart.known, undefined)
})

test.serial('--live-routes: no Gateway live, forbidden routes, no routes: a note or exit 2 naming the cause', async (t) => {
  const {s, kubeconfig, dir} = await cluster(t)
  // Routes in a namespace whose Gateway was never created: the note says so, and nothing is served.
  const other = s.writeKubeconfig(dir, {namespace: 'shop', file: 'other'})
  const gatewayless = await runCli(['verify', '--kubeconfig', other, '--live-routes', '--gateway', 'edge/missing', '-o', 'json'])
  t.is(gatewayless.exitCode, 1)
  t.regex(gatewayless.stderr, /note: Gateway edge\/missing does not exist in the cluster: nothing answers for the routes attached to it/)
  const everywhere = await runCli(['verify', '--kubeconfig', other, '--live-routes', '-A', '--gateway', 'edge/missing'])
  t.regex(everywhere.stderr, /note: Gateway edge\/missing does not exist in the cluster/)
  t.notRegex(everywhere.stderr, /Gateway gateway\/shared does not exist/)

  s.deny({verb: 'list', group: 'gateway.networking.k8s.io', resource: 'httproutes'})
  const denied = await runCli(['verify', '--kubeconfig', kubeconfig, '--live-routes'])
  t.is(denied.exitCode, 2)
  t.regex(denied.stderr, /^error: forbidden: user "jane" may not list httproutes\.gateway\.networking\.k8s\.io in namespace "shop"; grant "list" on "httproutes\.gateway\.networking\.k8s\.io" \(see examples\/rbac\/ingress2gw-rbac\.yaml\); --live-routes reads/m)

  const empty = await FakeApiServer.start()
  t.teardown(() => empty.close())
  empty.seed([ns('shop'), service('shop', 'web'), cartService(), SHOP])
  const none = await runCli(['verify', '--kubeconfig', empty.writeKubeconfig(dir, {namespace: 'shop', file: 'empty'}), '--live-routes'])
  t.is(none.exitCode, 2)
  t.regex(none.stderr, /^error: --live-routes: no HTTPRoute, GRPCRoute or TLSRoute in context "fake", namespace shop: nothing to verify against/m)
})

test.serial('--live-routes is refused with --against and with the live data-plane mode', async (t) => {
  const r = await runCli(['verify', '-f', 'examples/', '--live-routes', '--against', 'examples/'])
  t.is(r.exitCode, 2)
  // oclif's validation message, its reason line (src/cli/kubectl-flags.ts usageError).
  t.regex(r.stderr, /^error: --(against=examples\/ cannot also be provided when using --live-routes|live-routes=true cannot also be provided when using --against)\n/)
  const l = await runCli(['verify', '-f', 'examples/', '--live-routes', '--nginx-address', '127.0.0.1', '--gateway-address', '127.0.0.1'])
  t.is(l.exitCode, 2)
  t.regex(l.stderr, /cannot also be provided when using --(live-routes|nginx-address|gateway-address)/)
})
