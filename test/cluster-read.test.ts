/**
 * readCluster against the fake API server: pagination, scope, what is (and is never) read, discovery-driven
 * capabilities, and the one-line errors.
 */
import test, {type ExecutionContext} from 'ava'
import {readCluster, ClusterError, type ReadClusterOptions} from '../src/sources/cluster.js'
import {
  ALL_RESOURCES,
  CORE_RESOURCES,
  GATEWAY_API_V1_2_RESOURCES,
  FakeApiServer,
  type FakeApiServerOptions,
} from './support/fake-apiserver.js'
import {readFileSync} from 'node:fs'
import jsYaml from 'js-yaml'
import {ingress, ns, rbacAttributes, roleAllows, ROOT, service, tempDir} from './support/cluster-helpers.js'

async function setup(t: ExecutionContext, opts: FakeApiServerOptions = {}) {
  const s = await FakeApiServer.start({token: 'tok', ...opts})
  t.teardown(() => s.close())
  const dir = tempDir(t)
  const kubeconfig = s.writeKubeconfig(dir, {namespace: 'team-a'})
  const read = (o: Partial<ReadClusterOptions> = {}) => readCluster({kubeconfig, allNamespaces: false, gateways: [{namespace: 'gateway', name: 'shared'}], env: {HOME: dir}, ...o})
  return {s, dir, kubeconfig, read}
}

const names = (objects: {object: {kind: string; metadata: {namespace?: string; name: string}}}[], kind: string) =>
  objects.filter((o) => o.object.kind === kind).map((o) => `${o.object.metadata.namespace ?? ''}/${o.object.metadata.name}`)

test('lists all pages with limit 500 + continue, and returns every object with apiVersion, kind and a cluster source', async (t) => {
  const {s, read} = await setup(t)
  const many = Array.from({length: 1203}, (_, i) => ingress(`ns-${i % 7}`, `ing-${String(i).padStart(4, '0')}`))
  s.seed(many)
  const r = await read({allNamespaces: true})
  const lists = s.requests.filter((q) => q.path === '/apis/networking.k8s.io/v1/ingresses')
  t.is(lists.length, 3)
  t.deepEqual(lists.map((q) => q.query.limit), ['500', '500', '500'])
  t.is(lists[0].query.continue as string | undefined, undefined)
  t.truthy(lists[1].query.continue)
  t.truthy(lists[2].query.continue)
  const ings = r.objects.filter((o) => o.object.kind === 'Ingress')
  t.is(ings.length, 1203)
  t.is(new Set(ings.map((o) => `${o.object.metadata.namespace}/${o.object.metadata.name}`)).size, 1203)
  t.true(ings.every((o) => o.object.apiVersion === 'networking.k8s.io/v1' && o.source.cluster === true))
  t.true(ings.every((o) => o.object.metadata.managedFields === undefined))
})

test('namespace scope and label selector: the Ingress list is namespaced and filtered, Services follow the scope', async (t) => {
  const {s, read} = await setup(t)
  s.seed([
    ingress('team-a', 'web', {labels: {tier: 'front'}}),
    ingress('team-a', 'api', {labels: {tier: 'back'}}),
    ingress('team-b', 'web', {labels: {tier: 'front'}}),
    service('team-a', 'web'),
    service('team-b', 'web'),
  ])
  const r = await read({selector: 'tier=front'})
  t.is(r.namespace, 'team-a')
  t.deepEqual(names(r.objects, 'Ingress'), ['team-a/web'])
  t.deepEqual(names(r.objects, 'Service'), ['team-a/web'])
  const req = s.requests.find((q) => q.path === '/apis/networking.k8s.io/v1/namespaces/team-a/ingresses')
  t.is(req?.query.labelSelector, 'tier=front')
  t.truthy(s.requests.find((q) => q.path === '/api/v1/namespaces/team-a/services'))
  // Namespaces are only read for -A.
  t.falsy(s.requests.find((q) => q.path === '/api/v1/namespaces'))
  // -n overrides the context namespace.
  const other = await read({namespace: 'team-b'})
  t.is(other.namespace, 'team-b')
  t.deepEqual(names(other.objects, 'Ingress'), ['team-b/web'])
})

test('reads exactly the expected resources, in parallel, and never a Secret', async (t) => {
  const {s, read} = await setup(t)
  s.seed([
    ns('team-a'),
    ingress('team-a', 'web'),
    {apiVersion: 'v1', kind: 'Secret', metadata: {name: 'tls', namespace: 'team-a'}, data: {'tls.key': 'c2VjcmV0'}},
    {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'ingress-nginx-controller', namespace: 'ingress-nginx'}, data: {'use-forwarded-headers': 'true'}},
    {apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: {name: 'nginx'}, spec: {controller: 'k8s.io/ingress-nginx'}},
    {apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: {name: 'letsencrypt'}, spec: {acme: {}}},
    {apiVersion: 'cert-manager.io/v1', kind: 'Issuer', metadata: {name: 'local', namespace: 'team-a'}, spec: {selfSigned: {}}},
    {apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: {name: 'shared', namespace: 'gateway'}, spec: {gatewayClassName: 'eg', listeners: []}},
  ])
  // No read is answered until 10 are under way: a client reading one after the other would be stuck at 1 until the
  // barrier gives up (10 s), whatever the speed of the machine.
  s.barrier = {count: 10, maxWaitMs: 10_000}
  const r = await read({allNamespaces: true})
  // Discovery first (3 requests), then the 10 reads at once.
  t.true(s.maxInFlight >= 10, `max in flight ${s.maxInFlight}`)
  const paths = s.requests.map((q) => q.path).sort()
  t.deepEqual(paths, [
    '/api/v1/namespaces/ingress-nginx/configmaps/ingress-nginx-controller',
    '/api/v1/namespaces',
    '/api/v1/namespaces/ingress-nginx/configmaps/tcp-services',
    '/api/v1/namespaces/ingress-nginx/configmaps/udp-services',
    '/api/v1/services',
    // The controllers of the ingress-nginx namespace (after the first reads: their args name their ConfigMaps).
    '/apis/apps/v1/namespaces/ingress-nginx/daemonsets',
    '/apis/apps/v1/namespaces/ingress-nginx/deployments',
    '/apis',
    '/apis/cert-manager.io/v1',
    '/apis/cert-manager.io/v1/clusterissuers',
    '/apis/cert-manager.io/v1/issuers',
    '/apis/gateway.networking.k8s.io/v1',
    '/apis/gateway.networking.k8s.io/v1/namespaces/gateway/gateways/shared',
    '/apis/gateway.networking.k8s.io/v1beta1',
    '/apis/networking.k8s.io/v1/ingressclasses',
    '/apis/networking.k8s.io/v1/ingresses',
  ].sort())
  t.false(s.requests.some((q) => /secrets/.test(q.path)))
  t.false(r.objects.some((o) => o.object.kind === 'Secret'))
  t.deepEqual(names(r.objects, 'ConfigMap'), ['ingress-nginx/ingress-nginx-controller'])
  t.deepEqual(names(r.objects, 'IngressClass'), ['/nginx'])
  t.deepEqual(names(r.objects, 'ClusterIssuer'), ['/letsencrypt'])
  t.deepEqual(names(r.objects, 'Issuer'), ['team-a/local'])
  t.deepEqual(names(r.objects, 'Gateway'), ['gateway/shared'])
  t.deepEqual(names(r.objects, 'Namespace'), ['/team-a'])
  t.deepEqual(r.diagnostics, [])
  // examples/rbac/ingress2gw-rbac.yaml's read role allows every request made, and says nothing about Secrets.
  const roles = jsYaml.loadAll(readFileSync(`${ROOT}/examples/rbac/ingress2gw-rbac.yaml`, 'utf8')) as any[]
  const readRole = roles.find((d) => d.kind === 'ClusterRole' && d.metadata.name === 'ingress2gw-read')
  for (const q of s.requests) {
    const a = rbacAttributes(q.method, q.path)
    if (a) t.true(roleAllows(readRole, a.verb, a.group, a.resource), `${a.verb} ${a.resource}.${a.group} not in ingress2gw-read`)
  }
  t.false(roles.some((d) => JSON.stringify(d.rules ?? []).includes('secrets')))
})

test('ConfigMaps named by flags are read by name; a missing flag-named one is a warning, the usual names are silent', async (t) => {
  const {s, read} = await setup(t)
  s.seed([{apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'nginx-conf', namespace: 'ops'}, data: {}}])
  const r = await read({controllerConfigMaps: ['ops/nginx-conf'], tcpServicesConfigMap: 'ops/tcp'})
  t.truthy(s.requests.find((q) => q.path === '/api/v1/namespaces/ops/configmaps/nginx-conf'))
  t.truthy(s.requests.find((q) => q.path === '/api/v1/namespaces/ops/configmaps/tcp'))
  t.truthy(s.requests.find((q) => q.path === '/api/v1/namespaces/ingress-nginx/configmaps/udp-services'))
  t.deepEqual(names(r.objects, 'ConfigMap'), ['ops/nginx-conf'])
  t.deepEqual(
    r.diagnostics.map((d) => d.code),
    ['cluster-configmap-not-found'],
  )
  t.deepEqual(r.diagnostics[0].data, {namespace: 'ops', name: 'tcp', namedBy: {flag: '--tcp-services-configmap'}})
  t.is(r.diagnostics[0].message, 'ConfigMap ops/tcp (named by a flag) does not exist; continuing without it')
})

test('capabilities follow discovery: a Gateway API v1.2 cluster without Envoy Gateway or cert-manager', async (t) => {
  const {s, read} = await setup(t, {resources: [...CORE_RESOURCES, ...GATEWAY_API_V1_2_RESOURCES]})
  s.seed([ingress('team-a', 'web')])
  const r = await read()
  t.deepEqual(r.capabilities, {
    referenceGrantVersion: 'v1beta1',
    tcpRoute: false,
    udpRoute: false,
    tlsRoute: false,
    grpcRoute: true,
    backendTLSPolicy: false,
    envoyGateway: false,
    certManager: false,
  })
  t.true(r.diagnostics.some((d) => d.code === 'cluster-missing-crd' && d.data?.missing === 'envoy-gateway' && d.data.group === 'gateway.envoyproxy.io'))
  // cert-manager is not served, so its kinds are not listed.
  t.false(s.requests.some((q) => q.path.includes('cert-manager')))
})

test('capabilities follow discovery: Gateway API v1.6 with Envoy Gateway and cert-manager', async (t) => {
  const {s, read} = await setup(t, {resources: ALL_RESOURCES})
  s.seed([ingress('team-a', 'web')])
  const r = await read()
  t.deepEqual(r.capabilities, {
    referenceGrantVersion: 'v1',
    tcpRoute: true,
    udpRoute: true,
    tlsRoute: true,
    grpcRoute: true,
    backendTLSPolicy: true,
    envoyGateway: true,
    certManager: true,
  })
  t.deepEqual(r.diagnostics, [])
})

test('no Gateway API CRDs at all: a warning, and the live Gateway is not requested', async (t) => {
  const {s, read} = await setup(t, {resources: CORE_RESOURCES})
  s.seed([ingress('team-a', 'web')])
  const r = await read()
  t.true(r.diagnostics.some((d) => d.code === 'cluster-missing-crd' && d.data?.missing === 'gateway-api'))
  t.false(s.requests.some((q) => q.path.includes('gateways')))
  t.deepEqual(names(r.objects, 'Ingress'), ['team-a/web'])
})

test('a cluster that does not serve networking.k8s.io/v1 is a clear error', async (t) => {
  const {read} = await setup(t, {resources: CORE_RESOURCES.filter((r) => r.group === '')})
  const err = await t.throwsAsync(read(), {instanceOf: ClusterError})
  t.regex(err!.message, /does not serve networking\.k8s\.io\/v1 Ingresses/)
})

test('401: expired credentials are one clear line', async (t) => {
  const {s, dir} = await setup(t)
  const bad = s.writeKubeconfig(dir, {file: 'expired', token: 'expired-token'})
  const err = await t.throwsAsync(readCluster({kubeconfig: bad, allNamespaces: true, gateways: [], env: {HOME: dir}}), {instanceOf: ClusterError})
  t.regex(err!.message, /401 Unauthorized/)
  t.regex(err!.message, /expired/)
  t.regex(err!.message, new RegExp(`at ${s.url.replace(/[.]/g, '\\.')} \\(context "fake"\\)`))
  t.notRegex(err!.message, /\n/)
})

test('403 on a required list names the verb, the resource and the scope in one line', async (t) => {
  const {s, read} = await setup(t)
  s.deny({verb: 'list', group: 'networking.k8s.io', resource: 'ingresses'})
  const all = await t.throwsAsync(read({allNamespaces: true}), {instanceOf: ClusterError})
  t.is(
    all!.message,
    'forbidden: user "jane" may not list ingresses.networking.k8s.io at the cluster scope; grant "list" on "ingresses.networking.k8s.io" (see examples/rbac/ingress2gw-rbac.yaml)',
  )
  s.denials.length = 0
  s.deny({verb: 'list', group: '', resource: 'services', namespace: 'team-a'})
  const one = await t.throwsAsync(read(), {instanceOf: ClusterError})
  t.regex(one!.message, /may not list services in namespace "team-a"/)
})

test('403 on an optional read (IngressClasses, the live Gateway) is a warning and the read goes on', async (t) => {
  const {s, read} = await setup(t)
  s.seed([ingress('team-a', 'web')])
  s.deny({verb: 'list', group: 'networking.k8s.io', resource: 'ingressclasses'})
  s.deny({verb: 'get', group: 'gateway.networking.k8s.io', resource: 'gateways'})
  const r = await read()
  t.deepEqual(names(r.objects, 'Ingress'), ['team-a/web'])
  const forbidden = r.diagnostics.filter((d) => d.code === 'cluster-forbidden').map((d) => d.message)
  t.is(forbidden.length, 2)
  t.true(forbidden.some((m) => /may not list ingressclasses\.networking\.k8s\.io at the cluster scope/.test(m)))
  t.true(forbidden.some((m) => /may not get gateways\.gateway\.networking\.k8s\.io in namespace "gateway"/.test(m)))
})

// optionalReader (src/sources/cluster.ts): an API error other than 403/404 on an optional read is a warning naming the
// read, the code and the server's message, and the read goes on; on a required read the same error is fatal.
test('a 500 on an optional read (IngressClasses, the controller ConfigMap) is a warning and the read goes on; on the Ingress list it is fatal', async (t) => {
  const {s, read} = await setup(t)
  s.seed([ingress('team-a', 'web')])
  s.inject({path: '/apis/networking.k8s.io/v1/ingressclasses', status: 500, message: 'etcdserver: request timed out'})
  s.inject({path: '/api/v1/namespaces/ops/configmaps/nginx-conf', status: 503, message: 'the server is currently unable to handle the request'})
  const r = await read({controllerConfigMaps: ['ops/nginx-conf']})
  t.deepEqual(names(r.objects, 'Ingress'), ['team-a/web'])
  t.deepEqual(
    // Parallel reads: diagnostics come in completion order.
    r.diagnostics.filter((d) => d.code === 'cluster-read-failed').map((d) => [d.level, d.message]).sort(),
    [
      ['warning', 'could not get configmaps ops/nginx-conf (503): the server is currently unable to handle the request; continuing without it'],
      ['warning', 'could not list ingressclasses.networking.k8s.io (500): etcdserver: request timed out; continuing without it'],
    ],
  )
  s.inject({path: '/apis/networking.k8s.io/v1/namespaces/team-a/ingresses', status: 500, message: 'etcdserver: request timed out'})
  const fatal = await t.throwsAsync(read(), {instanceOf: ClusterError})
  t.regex(fatal!.message, /ingresses.*500|500.*ingresses/)
})

test('an unreachable server is one clear line', async (t) => {
  const {s, read} = await setup(t)
  const url = s.url
  await s.close()
  const err = await t.throwsAsync(read(), {instanceOf: ClusterError})
  t.is(err!.message, `cannot reach the Kubernetes API server at ${url} (context "fake"): connection refused`)
})
