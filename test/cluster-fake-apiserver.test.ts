/**
 * The fake API server's fidelity, proven with the real kubectl (v1.32): if kubectl can list across pages,
 * server-side apply (dry run and real), and reports conflicts, 401, 403 and unknown kinds as it does against a
 * real API server, then our tests against the fake mean something.
 */
import test, {type ExecutionContext} from 'ava'
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {FakeApiServer, type FakeApiServerOptions} from './support/fake-apiserver.js'
import {ingress, kubectl, ns, tempDir} from './support/cluster-helpers.js'

async function server(t: ExecutionContext, opts: FakeApiServerOptions = {}) {
  // No token: client-go (kubectl) does not send bearer tokens to a plain-http server, so 401 is injected below.
  const s = await FakeApiServer.start(opts)
  t.teardown(() => s.close())
  const dir = tempDir(t)
  return {s, dir, kc: s.writeKubeconfig(dir)}
}

const ROUTE = `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: web
  namespace: team-a
spec:
  hostnames: [web.example.com]
  parentRefs: [{name: shared, namespace: gateway}]
  rules:
  - backendRefs: [{name: web, port: 80}]
`

test('kubectl get ingress -A lists every seeded Ingress across pages (--chunk-size=1)', async (t) => {
  const {s, kc} = await server(t)
  s.seed([ingress('team-a', 'one'), ingress('team-a', 'two'), ingress('team-b', 'three')])
  const r = await kubectl(t, kc, ['get', 'ingress', '-A', '--chunk-size=1'])
  t.is(r.code, 0, r.stderr)
  const rows = r.stdout.trim().split('\n').slice(1).map((l) => l.split(/\s+/).slice(0, 2).join('/'))
  t.deepEqual(rows, ['team-a/one', 'team-a/two', 'team-b/three'])
  const lists = s.requests.filter((q) => q.method === 'GET' && q.path === '/apis/networking.k8s.io/v1/ingresses')
  t.is(lists.length, 3)
  t.deepEqual(lists.map((q) => q.query.limit as string | undefined), ['1', '1', '1'])
  t.is(lists[0].query.continue as string | undefined, undefined)
  t.truthy(lists[1].query.continue)
  t.truthy(lists[2].query.continue)
  t.not(lists[1].query.continue, lists[2].query.continue)
})

test('kubectl get -o json: label selector and namespace scope are honoured; built-in list items lack apiVersion/kind on the wire', async (t) => {
  const {s, kc} = await server(t)
  s.seed([ingress('team-a', 'one', {labels: {app: 'x'}}), ingress('team-a', 'two', {labels: {app: 'y'}}), ingress('team-b', 'three', {labels: {app: 'x'}})])
  const r = await kubectl(t, kc, ['get', 'ingress', '-n', 'team-a', '-l', 'app=x', '-o', 'json'])
  t.is(r.code, 0, r.stderr)
  const list = JSON.parse(r.stdout)
  t.deepEqual(list.items.map((i: any) => `${i.metadata.namespace}/${i.metadata.name}`), ['team-a/one'])
  // kubectl fills in apiVersion/kind itself, as with a real server.
  t.is(list.items[0].kind, 'Ingress')
  const req = s.requests.find((q) => q.path === '/apis/networking.k8s.io/v1/namespaces/team-a/ingresses')
  t.is(req?.query.labelSelector, 'app=x')
  const wire = (await (await fetch(`${s.url}/apis/networking.k8s.io/v1/ingresses`)).json()) as any
  t.is(wire.kind, 'IngressList')
  t.is(wire.items.length, 3)
  t.is(wire.items[0].kind, undefined)
  t.is(wire.items[0].apiVersion, undefined)
})

test('kubectl apply --server-side --dry-run=server works and persists nothing', async (t) => {
  const {s, dir, kc} = await server(t)
  s.seed([ns('team-a')])
  const file = join(dir, 'route.yaml')
  writeFileSync(file, ROUTE)
  const r = await kubectl(t, kc, ['apply', '--server-side', '--dry-run=server', '-f', file])
  t.is(r.code, 0, r.stderr)
  t.is(r.stdout.trim(), 'httproute.gateway.networking.k8s.io/web serverside-applied (server dry run)')
  const patch = s.requests.find((q) => q.method === 'PATCH')!
  t.is(patch.path, '/apis/gateway.networking.k8s.io/v1/namespaces/team-a/httproutes/web')
  t.is(patch.headers['content-type'], 'application/apply-patch+yaml')
  t.is(patch.query.dryRun, 'All')
  t.is(patch.query.fieldManager, 'kubectl')
  t.is(patch.status, 201)
  t.is(s.getObject('gateway.networking.k8s.io/v1', 'HTTPRoute', 'team-a', 'web'), undefined)
})

test('kubectl apply --server-side persists, defaults fields, and a second manager gets a 409 conflict unless it forces', async (t) => {
  const {s, dir, kc} = await server(t)
  s.seed([ns('team-a')])
  const file = join(dir, 'route.yaml')
  writeFileSync(file, ROUTE)
  const first = await kubectl(t, kc, ['apply', '--server-side', '-f', file])
  t.is(first.code, 0, first.stderr)
  const got = await kubectl(t, kc, ['get', 'httproute', '-n', 'team-a', 'web', '-o', 'json'])
  t.is(got.code, 0, got.stderr)
  const live = JSON.parse(got.stdout)
  t.is(live.spec.parentRefs[0].kind, 'Gateway') // defaulted by the server
  t.is(live.spec.rules[0].backendRefs[0].weight, 1)
  t.truthy(live.metadata.uid)
  const rv = live.metadata.resourceVersion

  // Same manager, same content: a no-op that keeps the resourceVersion.
  t.is((await kubectl(t, kc, ['apply', '--server-side', '-f', file])).code, 0)
  t.is(s.getObject('gateway.networking.k8s.io/v1', 'HTTPRoute', 'team-a', 'web')!.metadata.resourceVersion, rv)

  const changed = join(dir, 'changed.yaml')
  writeFileSync(changed, ROUTE.replace('web.example.com', 'other.example.com'))
  const conflict = await kubectl(t, kc, ['apply', '--server-side', '--field-manager=someone-else', '-f', changed])
  t.not(conflict.code, 0)
  t.regex(conflict.stderr, /conflict with "kubectl" using gateway\.networking\.k8s\.io\/v1: \.spec\.hostnames/)
  t.deepEqual(s.getObject('gateway.networking.k8s.io/v1', 'HTTPRoute', 'team-a', 'web')!.spec.hostnames, ['web.example.com'])

  const forced = await kubectl(t, kc, ['apply', '--server-side', '--field-manager=someone-else', '--force-conflicts', '-f', changed])
  t.is(forced.code, 0, forced.stderr)
  const after = s.getObject('gateway.networking.k8s.io/v1', 'HTTPRoute', 'team-a', 'web')!
  t.deepEqual(after.spec.hostnames, ['other.example.com'])
  t.not(after.metadata.resourceVersion, rv)
  const owners = after.metadata.managedFields.filter((m: any) => m.fieldsV1?.['f:spec']?.['f:hostnames']).map((m: any) => m.manager)
  t.deepEqual(owners, ['someone-else'])
})

test('kubectl sees 401 as a login problem, the real 403 wording for a denial, and an unknown resource type', async (t) => {
  const {s, kc} = await server(t)
  s.seed([ingress('team-a', 'one')])
  s.inject({path: /.*/, status: 401, times: 1000})
  const unauth = await kubectl(t, kc, ['get', 'ingress', '-A'])
  t.not(unauth.code, 0)
  t.regex(unauth.stderr, /You must be logged in to the server/)
  s.injections.length = 0

  s.deny({verb: 'list', group: 'networking.k8s.io', resource: 'ingresses'})
  const forbidden = await kubectl(t, kc, ['get', 'ingress', '-A'])
  t.not(forbidden.code, 0)
  t.regex(
    forbidden.stderr,
    /Error from server \(Forbidden\): ingresses\.networking\.k8s\.io is forbidden: User "jane" cannot list resource "ingresses" in API group "networking\.k8s\.io" at the cluster scope/,
  )

  const unknown = await kubectl(t, kc, ['get', 'widgets'])
  t.not(unknown.code, 0)
  t.regex(unknown.stderr, /doesn't have a resource type "widgets"/)
})

test('kubectl reports a closed port as a refused connection', async (t) => {
  const {s, kc} = await server(t)
  await s.close()
  const r = await kubectl(t, kc, ['get', 'ingress', '-A', '--request-timeout=5s'])
  t.not(r.code, 0)
  t.regex(r.stderr, /connection refused|refused/)
})
