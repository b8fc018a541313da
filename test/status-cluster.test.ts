/**
 * `status` end to end (oclif from source) against the fake API server: what is read, the table per namespace,
 * -o json, -l, exit codes, and --wait polling while the test flips a status through the status subresource.
 */
import test, {type ExecutionContext} from 'ava'
import {ACME_RESOURCES, ALL_RESOURCES, FakeApiServer, type FakeResource, type Obj} from './support/fake-apiserver.js'
import {readFileSync} from 'node:fs'
import jsYaml from 'js-yaml'
import {rbacAttributes, roleAllows, rolePermissions, ROOT, tempDir, usedPermissions} from './support/cluster-helpers.js'
import {STATUS_KINDS} from '../src/status/read.js'
import {ROUTE_KINDS} from '../src/status/routes.js'
import {runCli} from './support/run-cli.js'
import {accepted, cond, EG_API, gateway, gatewayClass, MANAGED, namespace, parentStatus, route} from './support/cutover-fixtures.js'

async function world(t: ExecutionContext, objects: Obj[], ns = 'team-a', extra: FakeResource[] = []) {
  const s = await FakeApiServer.start({resources: [...ALL_RESOURCES, ...ACME_RESOURCES, ...extra]})
  t.teardown(() => s.close())
  const dir = tempDir(t)
  s.seed([namespace('gateway'), namespace('team-a'), namespace('team-b'), ...objects])
  const kubeconfig = s.writeKubeconfig(dir, {namespace: ns})
  // In this process (tests are serial: the capture replaces the process's writers).
  const status = async (args: string[] = []) => {
    const r = await runCli(['status', '--kubeconfig', kubeconfig, ...args], dir)
    return {code: r.exitCode, stdout: r.stdout, stderr: r.stderr}
  }
  return {s, status}
}

const notAllowed = () => route({parents: [parentStatus([cond('Accepted', 'False', 'NotAllowedByListeners', 1, 'No listeners included by this parent ref allowed this attachment.'), cond('ResolvedRefs', 'True', 'ResolvedRefs')])]})

test.serial('-n team-a: the team\'s objects and the Gateway they attach to, in a table per namespace; exit 0 when all are ready', async (t) => {
  const unmanaged = {...route({name: 'theirs', parents: [parentStatus(accepted())]}), metadata: {name: 'theirs', namespace: 'team-a'}}
  const other = route({namespace: 'team-b', name: 'shop', parents: [parentStatus(accepted())]})
  const {s, status} = await world(t, [gateway(), gatewayClass(), route({parents: [parentStatus(accepted())]}), unmanaged, other])
  const r = await status()
  t.is(r.code, 0, r.stderr)
  t.is(
    r.stdout,
    [
      'NAMESPACE gateway: 1 ready, 0 not ready, 0 unknown',
      '  KIND     NAME    STATUS     DETAIL',
      '  Gateway  shared  ready      Programmed=True (Programmed); addresses 203.0.113.20; listeners (attached routes): http (1), https (1)',
      '',
      'NAMESPACE team-a: 1 ready, 0 not ready, 0 unknown',
      '  KIND       NAME  STATUS     DETAIL',
      '  HTTPRoute  web   ready      Accepted by gateway/shared (https)',
      '',
      '2 ready, 0 not ready, 0 unknown',
      '',
    ].join('\n'),
  )
  const routeLists = s.requests.filter((q) => q.method === 'GET' && q.path.endsWith('/httproutes'))
  t.deepEqual(routeLists.map((q) => [q.path, q.query.labelSelector]), [['/apis/gateway.networking.k8s.io/v1/namespaces/team-a/httproutes', 'app.kubernetes.io/managed-by=ingress2gw']])
  t.true(s.requests.some((q) => q.path === '/apis/gateway.networking.k8s.io/v1/namespaces/gateway/gateways/shared'), 'the Gateway is read by name in its own namespace')
  t.false(s.requests.some((q) => /secrets/.test(q.path)), 'no Secret is read')
  // examples/rbac/ingress2gw-rbac.yaml: the status role allows every request status makes.
  for (const q of s.requests) {
    const a = rbacAttributes(q.method, q.path)
    if (a) t.true(roleAllows(statusRole(), a.verb, a.group, a.resource), `${a.verb} ${a.resource}.${a.group} not in ingress2gw-status`)
  }
})

function statusRole(): Obj {
  return (jsYaml.loadAll(readFileSync(`${ROOT}/examples/rbac/ingress2gw-rbac.yaml`, 'utf8')) as Obj[]).find((d) => d.kind === 'ClusterRole' && d.metadata.name === 'ingress2gw-status')!
}

test.serial('the ingress2gw-status role is exactly what status sends: the kinds it lists, the Gateways, classes and policy targets it gets, Ingresses with -l', async (t) => {
  const eep: FakeResource = {group: 'gateway.envoyproxy.io', versions: ['v1alpha1'], kind: 'EnvoyExtensionPolicy', plural: 'envoyextensionpolicies', namespaced: true}
  // A policy targeting one route of each kind that ingress2gw did not label: status reads each by name.
  const targetRefs = [...ROUTE_KINDS].map((kind) => ({group: 'gateway.networking.k8s.io', kind, name: 'theirs'}))
  const btp = {apiVersion: EG_API, kind: 'BackendTrafficPolicy', metadata: {name: 'all', namespace: 'team-a', labels: {...MANAGED}, generation: 1}, spec: {targetRefs}}
  const ing = {apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: {name: 'web', namespace: 'team-a', labels: {tier: 'front'}}, spec: {rules: []}}
  const {s, status} = await world(t, [gateway(), gatewayClass(), route({parents: [parentStatus(accepted())]}), btp, ing], 'team-a', [eep])
  for (const args of [[], ['-A'], ['-A', '-l', 'tier=front']]) t.not((await status(args)).code, 2, args.join(' '))
  t.deepEqual(usedPermissions(s.requests), rolePermissions(statusRole()), 'every rule is used, and nothing else is sent')
  // The role follows the code: a kind added to STATUS_KINDS fails here until the role lists it.
  const resources = [...ALL_RESOURCES, ...ACME_RESOURCES, eep]
  const plural = (group: string, kind: string) => resources.find((r) => r.group === group && r.kind === kind)!.plural
  const GW = 'gateway.networking.k8s.io'
  const fromCode = [
    ...STATUS_KINDS.map((k) => `list ${k.group}/${plural(k.group, k.kind)}`),
    `get ${GW}/gateways`,
    `get ${GW}/gatewayclasses`,
    ...[...ROUTE_KINDS].map((k) => `get ${GW}/${plural(GW, k)}`),
    'list networking.k8s.io/ingresses',
  ]
  t.deepEqual(rolePermissions(statusRole()), [...new Set(fromCode)].sort())
  t.false(rolePermissions(statusRole()).some((p) => /secrets|^(patch|create|update|delete)/.test(p)), 'reads only, never Secrets')
})

test.serial('a route the Gateway did not admit: exit 1, the fix in the table, the same in -o json', async (t) => {
  const {status} = await world(t, [gateway(), gatewayClass(), notAllowed()])
  const r = await status()
  t.is(r.code, 1, r.stderr)
  t.regex(r.stdout, /^  HTTPRoute  web   NOT READY  0\/1 parents accepted$/m)
  t.regex(r.stdout, /^      from Ingress team-a\/web$/m)
  t.regex(r.stdout, /^      x parent gateway\/shared \(https\): Accepted=False \(NotAllowedByListeners\): namespace team-a lacks the label shared-gateway-access=true by which listener https admits namespaces: kubectl label namespace team-a shared-gateway-access=true$/m)
  t.regex(r.stdout, /^        controller: No listeners included by this parent ref allowed this attachment\.$/m)
  t.regex(r.stdout, /^1 ready, 1 not ready, 0 unknown$/m)
  const j = await status(['-o', 'json'])
  t.is(j.code, 1)
  const report = JSON.parse(j.stdout)
  t.is(report.kind, 'StatusReport')
  t.deepEqual([report.ready, report.notReady, report.unknown], [1, 1, 0])
  const web = report.namespaces.find((n: Obj) => n.namespace === 'team-a').objects[0]
  t.like(web, {kind: 'HTTPRoute', name: 'web', state: 'not-ready', source: 'Ingress team-a/web'})
  t.like(web.findings[0], {level: 'not-ready', scope: 'parent gateway/shared (https)', reason: 'NotAllowedByListeners'})
})

test.serial('-A with -l: only the objects converted from the selected Ingresses, and their Gateway', async (t) => {
  const ing = (ns: string, name: string, labels: Record<string, string>) => ({apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: {name, namespace: ns, labels}, spec: {rules: []}})
  const {status} = await world(t, [
    gateway(),
    gatewayClass(),
    ing('team-a', 'web', {tier: 'front'}),
    ing('team-b', 'shop', {tier: 'back'}),
    route({parents: [parentStatus(accepted())]}),
    route({namespace: 'team-b', name: 'shop', parents: [parentStatus([cond('Accepted', 'False', 'NotAllowedByListeners', 1, '')])]}),
  ])
  const all = await status(['-A'])
  t.is(all.code, 1)
  t.regex(all.stdout, /^NAMESPACE team-b: 0 ready, 1 not ready, 0 unknown$/m)
  const front = await status(['-A', '-l', 'tier=front'])
  t.is(front.code, 0, front.stdout + front.stderr)
  t.notRegex(front.stdout, /team-b/)
  t.regex(front.stdout, /^NAMESPACE team-a: 1 ready/m)
})

test.serial('--wait polls until the controller writes the status (progress on stderr), and times out with exit 1', async (t) => {
  const {s, status} = await world(t, [gateway(), gatewayClass(), route()])
  const waiting = status(['--wait', '--timeout', '90s', '--poll-interval', '200ms'])
  // Flip the route's status once the command has read it at least twice (it saw it without status).
  for (let i = 0; i < 600 && s.requests.filter((q) => q.path.endsWith('/httproutes')).length < 2; i++) await new Promise((r) => setTimeout(r, 100))
  s.setStatus('gateway.networking.k8s.io/v1', 'HTTPRoute', 'team-a', 'web', {parents: [parentStatus(accepted())]})
  const r = await waiting
  t.is(r.code, 0, r.stderr)
  t.regex(r.stderr, /^waiting: 1 unknown, 1 ready \(\d+s of 1m30s\)$/m)
  t.regex(r.stdout, /^2 ready, 0 not ready, 0 unknown$/m)

  const never = await status(['--wait', '--timeout', '1s', '--poll-interval', '200ms'])
  t.is(never.code, 0, 'already ready: returns at once')
  s.setStatus('gateway.networking.k8s.io/v1', 'HTTPRoute', 'team-a', 'web', undefined)
  const timeout = await status(['--wait', '--timeout', '1s', '--poll-interval', '200ms'])
  t.is(timeout.code, 1)
  t.regex(timeout.stderr, /timed out after 1s waiting for every object to be ready/)
  t.regex(timeout.stdout, /^  HTTPRoute  web   unknown    0\/1 parents accepted$/m)
  const bad = await status(['--wait', '--timeout', 'soon'])
  t.is(bad.code, 2)
  t.regex(bad.stderr, /--timeout expects a duration such as 30s, 5m or 1m30s, got "soon"/)
})

test.serial('nothing applied, a kind that cannot be listed, an unreachable server', async (t) => {
  const empty = await world(t, [], 'team-b')
  const e = await empty.status()
  t.is(e.code, 1)
  t.is(e.stdout, '')
  t.regex(e.stderr, /No objects labelled app\.kubernetes\.io\/managed-by=ingress2gw found in namespace team-b: nothing was applied there yet/)

  const {s, status} = await world(t, [gateway(), gatewayClass(), route({parents: [parentStatus(accepted())]})])
  s.deny({verb: 'list', group: 'gateway.envoyproxy.io', resource: 'securitypolicies'})
  const r = await status()
  t.is(r.code, 1)
  t.regex(r.stdout, /^not checked: securitypolicies\.gateway\.envoyproxy\.io in namespace team-a: forbidden: /m)
  t.regex(r.stdout, /^2 ready, 0 not ready, 0 unknown$/m)

  await s.close()
  const down = await status()
  t.is(down.code, 2)
  t.regex(down.stderr, /^error: cannot reach the Kubernetes API server at http:\/\/127\.0\.0\.1:\d+ \(context "fake"\): connection refused$/m)
})

test.serial('policies and certificates in the cluster report: the lost policy loudly, the pending challenge with its hint', async (t) => {
  const btp = {
    apiVersion: 'gateway.envoyproxy.io/v1alpha1',
    kind: 'BackendTrafficPolicy',
    metadata: {name: 'web', namespace: 'team-a', labels: {...MANAGED}, annotations: {'ingress2gw.io/annotations': 'proxy-read-timeout'}, generation: 1},
    spec: {targetRefs: [{group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'web'}]},
    status: {ancestors: [{ancestorRef: {group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'shared', namespace: 'gateway', sectionName: 'https'}, controllerName: 'gateway.envoyproxy.io/gatewayclass-controller', conditions: [cond('Accepted', 'False', 'Conflicted', 1, 'Unable to target HTTPRoute web, another BackendTrafficPolicy has already attached to it')]}]},
  }
  const cert = {
    apiVersion: 'cert-manager.io/v1',
    kind: 'Certificate',
    metadata: {name: 'web-tls', namespace: 'gateway', labels: {...MANAGED}, generation: 1},
    spec: {secretName: 'web-tls', dnsNames: ['web.example.com']},
    status: {conditions: [cond('Ready', 'False', 'DoesNotExist', 1, 'Issuing certificate as Secret does not exist'), cond('Issuing', 'True', 'DoesNotExist')]},
  }
  const ch = {apiVersion: 'acme.cert-manager.io/v1', kind: 'Challenge', metadata: {name: 'web-tls-1-3389-2210', namespace: 'gateway'}, spec: {dnsName: 'web.example.com', type: 'HTTP-01', solver: {http01: {gatewayHTTPRoute: {}}}}, status: {state: 'pending', presented: true}}
  const {status} = await world(t, [gateway(), gatewayClass(), route({parents: [parentStatus(accepted())]}), btp, cert, ch])
  const r = await status(['-A', '--color=always'])
  t.is(r.code, 1)
  t.true(r.stdout.includes('\u001b[1m\u001b[31m!! BackendTrafficPolicy team-a/web is NOT in effect: HTTPRoute team-a/web is served WITHOUT its timeouts, retries, rate limits, body-size limits and load balancing from proxy-read-timeout'))
  const plain = r.stdout.replace(/\u001b\[\d+m/g, '')
  t.regex(plain, /x challenge web\.example\.com \(HTTP-01\): state=pending: waiting for the ACME server to fetch http:\/\/web\.example\.com\/\.well-known\/acme-challenge\//)
  t.regex(plain, /^NAMESPACE gateway: 1 ready, 1 not ready, 0 unknown$/m)
})
