/**
 * diff (stripping, headers, colour, --against, KUBECTL_EXTERNAL_DIFF) and apply (order, statuses, idempotency,
 * dry runs, conflicts, refusals, per-object failures) against the fake API server.
 */
import test, {type ExecutionContext} from 'ava'
import {mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {applyObjects, applyStep, formatResult, orderForApply, type ApplyOptions} from '../src/output/apply.js'
import {diffFileName, diffObjects, externalDiff, loadRenderedDir, objectKey, parseExternalDiff, stripLive} from '../src/output/diff.js'
import {ClusterClient, ClusterError, fetchLive} from '../src/sources/cluster.js'
import {dumpOne} from '../src/output/serialize.js'
import type {KubeObject} from '../src/model/types.js'
import {CORE_RESOURCES, FakeApiServer, GATEWAY_API_RESOURCES, type FakeApiServerOptions} from './support/fake-apiserver.js'
import {readFileSync} from 'node:fs'
import jsYaml from 'js-yaml'
import {httpRoute, ns, rbacAttributes, roleAllows, ROOT, tempDir} from './support/cluster-helpers.js'

async function setup(t: ExecutionContext, opts: FakeApiServerOptions = {}) {
  const s = await FakeApiServer.start({token: 'tok', ...opts})
  t.teardown(() => s.close())
  const dir = tempDir(t)
  const kubeconfig = s.writeKubeconfig(dir, {namespace: 'team-a'})
  const env = {HOME: dir}
  const apply = (objects: KubeObject[], o: Partial<ApplyOptions> = {}) => applyObjects(objects, {dryRun: 'none', forceConflicts: false, kubeconfig, env, ...o})
  const live = async (objects: KubeObject[]) => (await fetchLive(await ClusterClient.connect({kubeconfig}, env), objects, objectKey)).live
  return {s, dir, kubeconfig, env, apply, live}
}

const GW = 'gateway.networking.k8s.io/v1'
const EG = 'gateway.envoyproxy.io/v1alpha1'

/** A realistic output set: gateway bundle, a cross-namespace grant, app routes and policies. */
function outputSet(): KubeObject[] {
  return [
    {apiVersion: EG, kind: 'BackendTrafficPolicy', metadata: {name: 'web', namespace: 'team-a'}, spec: {targetRefs: [{group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'web'}]}},
    httpRoute('team-a', 'web'),
    {apiVersion: GW, kind: 'HTTPRoute', metadata: {name: 'https-redirect', namespace: 'gateway'}, spec: {parentRefs: [{name: 'shared', sectionName: 'http'}], rules: [{filters: [{type: 'RequestRedirect', requestRedirect: {scheme: 'https', statusCode: 308}}]}]}},
    {apiVersion: EG, kind: 'ClientTrafficPolicy', metadata: {name: 'shared', namespace: 'gateway'}, spec: {targetRefs: [{group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'shared'}]}},
    {apiVersion: GW, kind: 'Gateway', metadata: {name: 'shared', namespace: 'gateway'}, spec: {gatewayClassName: 'eg', listeners: [{name: 'http', port: 80, protocol: 'HTTP'}]}},
    {apiVersion: 'gateway.networking.k8s.io/v1beta1', kind: 'ReferenceGrant', metadata: {name: 'gateway-certs', namespace: 'team-a'}, spec: {from: [{group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'gateway'}], to: [{group: '', kind: 'Secret'}]}},
    ns('gateway', {'shared-gateway-access': 'true'}) as KubeObject,
    ns('team-a', {'shared-gateway-access': 'true'}) as KubeObject,
  ]
}

// ---------------------------------------------------------------- diff

test('diff file names follow kubectl diff (group dropped for core, empty namespace for cluster-scoped)', (t) => {
  t.is(diffFileName(httpRoute('team-a', 'web') as KubeObject), 'gateway.networking.k8s.io.v1.HTTPRoute.team-a.web')
  t.is(diffFileName(ns('team-a') as KubeObject), 'v1.Namespace..team-a')
})

test('an object applied and read back diffs clean: server fields and server defaults are stripped', async (t) => {
  const {s, apply, live} = await setup(t)
  s.seed([ns('team-a')])
  const desired = [httpRoute('team-a', 'web')] as KubeObject[]
  await apply(desired)
  const l = await live(desired)
  const raw = l.get(objectKey(desired[0]))!
  // The live object really carries what must be stripped.
  t.truthy(raw.metadata.managedFields)
  t.truthy(raw.metadata.uid)
  t.is((raw.spec as any).rules[0].backendRefs[0].weight, 1)
  const stripped = stripLive(raw, desired[0]) as any
  for (const k of ['managedFields', 'resourceVersion', 'uid', 'creationTimestamp', 'generation']) t.false(k in stripped.metadata, k)
  t.false('weight' in stripped.spec.rules[0].backendRefs[0])
  t.false('kind' in stripped.spec.parentRefs[0])
  t.deepEqual(diffObjects(l, desired, {color: false}), {text: '', changed: 0})
})

// diff.ts prune walks the live object by the keys desired sets: a label named __proto__ (own in both, as JSON.parse
// and the YAML readers keep it) was taken through `in` and `out[k] =`, which set the copy's prototype, so the live
// label vanished and an unchanged object read as changed.
test('a __proto__ label in both the live and the desired object is compared as data', (t) => {
  const desired = JSON.parse(JSON.stringify(httpRoute('team-a', 'web')).replace('"labels":{', '"labels":{"__proto__":"new",')) as KubeObject
  t.true(Object.hasOwn(desired.metadata.labels!, '__proto__'), 'not vacuous: the label is own')
  const liveObj = JSON.parse(JSON.stringify(desired))
  t.deepEqual(diffObjects(new Map([[objectKey(desired), liveObj]]), [desired], {color: false}), {text: '', changed: 0})
  liveObj.metadata.labels = JSON.parse(JSON.stringify(liveObj.metadata.labels).replace('"__proto__":"new"', '"__proto__":"old"'))
  const {text, changed} = diffObjects(new Map([[objectKey(desired), liveObj]]), [desired], {color: false})
  t.is(changed, 1)
  t.regex(text, /-\s+__proto__: old/)
  t.regex(text, /\+\s+__proto__: new/)
})

test('status, the last-applied annotation and other managers\' labels are ignored; a real change is shown', (t) => {
  const desired = httpRoute('team-a', 'web') as KubeObject
  const liveObj = JSON.parse(JSON.stringify(desired))
  liveObj.status = {parents: [{conditions: [{type: 'Accepted', status: 'True'}]}]}
  liveObj.metadata.annotations = {'kubectl.kubernetes.io/last-applied-configuration': '{}'}
  liveObj.metadata.labels['team'] = 'a'
  liveObj.metadata.resourceVersion = '7'
  t.is(diffObjects(new Map([[objectKey(desired), liveObj]]), [desired], {color: false}).changed, 0)
  liveObj.spec.hostnames = ['old.example.com']
  const {text, changed} = diffObjects(new Map([[objectKey(desired), liveObj]]), [desired], {color: false})
  t.is(changed, 1)
  t.regex(text, /^diff -u -N LIVE\/gateway\.networking\.k8s\.io\.v1\.HTTPRoute\.team-a\.web MERGED\/gateway\.networking\.k8s\.io\.v1\.HTTPRoute\.team-a\.web\n--- LIVE\/.*\n\+\+\+ MERGED\//)
  t.regex(text, /^-    - old\.example\.com$/m)
  t.regex(text, /^\+    - web\.example\.com$/m)
  t.notRegex(text, /status|last-applied|team: a/)
})

test('labels only someone else set are left out entirely, not shown as `labels: {}` (which reads as wiping them)', (t) => {
  // A Namespace labelled other=x, to which we add the shared-gateway label.
  const desiredNs = ns('team-a', {'shared-gateway-access': 'true'}) as KubeObject
  const liveNs = {...ns('team-a', {other: 'x'}), spec: {finalizers: ['kubernetes']}, status: {phase: 'Active'}} as KubeObject
  const nsDiff = diffObjects(new Map([[objectKey(desiredNs), liveNs]]), [desiredNs], {color: false})
  t.is(nsDiff.changed, 1)
  t.notRegex(nsDiff.text, /labels: \{\}/)
  t.notRegex(nsDiff.text, /^-(?!-- )/m, 'nothing reads as removed')
  t.regex(nsDiff.text, /^\+  labels:$/m)
  t.regex(nsDiff.text, /^\+    shared-gateway-access: "true"$/m)
  t.notRegex(nsDiff.text, /other/)
  // A Gateway whose live labels are all someone else's, and a positional list item reduced to nothing.
  const gw = {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: {name: 'shared', namespace: 'gateway', labels: {'app.kubernetes.io/managed-by': 'ingress2gw'}},
    spec: {gatewayClassName: 'eg', addresses: [{value: '10.0.0.1'}], listeners: [{name: 'http', port: 80, protocol: 'HTTP'}]},
  } as KubeObject
  const liveGw = JSON.parse(JSON.stringify(gw))
  liveGw.metadata.labels = {team: 'platform'}
  liveGw.spec.addresses = [{type: 'IPAddress'}]
  const gwDiff = diffObjects(new Map([[objectKey(gw), liveGw]]), [gw], {color: false})
  t.notRegex(gwDiff.text, /\{\}|\[\]/)
  t.notRegex(gwDiff.text, /team|IPAddress/)
  t.regex(gwDiff.text, /^\+    app\.kubernetes\.io\/managed-by: ingress2gw$/m)
  t.regex(gwDiff.text, /^\+  addresses:$/m)
  // Pruning still keeps an empty map that we set ourselves, and equal objects still diff clean.
  const emptyLabels = {...httpRoute('team-a', 'web'), metadata: {name: 'web', namespace: 'team-a', labels: {}}} as KubeObject
  const liveEmpty = JSON.parse(JSON.stringify(emptyLabels))
  liveEmpty.metadata.labels = {theirs: 'y'}
  t.is(diffObjects(new Map([[objectKey(emptyLabels), liveEmpty]]), [emptyLabels], {color: false}).changed, 0)
})

test('a field ingress2gw applied before but no longer sets shows as removed; one owned by someone else does not', (t) => {
  const desired = httpRoute('team-a', 'web') as KubeObject
  const liveObj = JSON.parse(JSON.stringify(desired))
  liveObj.metadata.labels.old = 'x'
  liveObj.metadata.labels.theirs = 'y'
  liveObj.metadata.managedFields = [
    {manager: 'ingress2gw', operation: 'Apply', fieldsType: 'FieldsV1', fieldsV1: {'f:metadata': {'f:labels': {'f:old': {}, 'f:app.kubernetes.io/managed-by': {}}}}},
    {manager: 'kubectl', operation: 'Update', fieldsType: 'FieldsV1', fieldsV1: {'f:metadata': {'f:labels': {'f:theirs': {}}}}},
  ]
  const {text, changed} = diffObjects(new Map([[objectKey(desired), liveObj]]), [desired], {color: false})
  t.is(changed, 1)
  t.regex(text, /^-    old: x$/m)
  t.notRegex(text, /theirs/)
})

test('a missing live object diffs as all new; colour only when asked', (t) => {
  const desired = httpRoute('team-a', 'web') as KubeObject
  const plain = diffObjects(new Map([[objectKey(desired), undefined]]), [desired], {color: false})
  t.is(plain.changed, 1)
  const body = plain.text.split('\n').slice(4).filter(Boolean)
  t.true(body.every((l) => l.startsWith('+')))
  t.is(body.length, dumpOne(desired).trim().split('\n').length)
  t.notRegex(plain.text, /\x1b\[/)
  const colored = diffObjects(new Map([[objectKey(desired), undefined]]), [desired], {color: true})
  t.regex(colored.text, /\x1b\[32m\+apiVersion/)
  t.regex(colored.text, /\x1b\[36m@@/)
})

test('--against a rendered directory compares whole objects and shows objects only in the directory as removed', (t) => {
  const dir = tempDir(t)
  const route = httpRoute('team-a', 'web') as KubeObject
  const stale = httpRoute('team-a', 'gone') as KubeObject
  mkdirSync(join(dir, 'team-a'))
  writeFileSync(join(dir, 'team-a', 'httproute-web.yaml'), dumpOne(route))
  writeFileSync(join(dir, 'team-a', 'httproute-gone.yaml'), dumpOne(stale))
  writeFileSync(join(dir, 'README.md'), '# not yaml')
  const rendered = loadRenderedDir(dir)
  t.is(rendered.size, 2)
  t.deepEqual(diffObjects(rendered, [route, stale], {color: false, prune: false}), {text: '', changed: 0})
  const onlyRoute = diffObjects(rendered, [route], {color: false, prune: false})
  t.is(onlyRoute.changed, 1)
  t.regex(onlyRoute.text, /LIVE\/gateway\.networking\.k8s\.io\.v1\.HTTPRoute\.team-a\.gone/)
  t.regex(onlyRoute.text, /^-  name: gone$/m)
  // Extra fields in the rendered file are differences when comparing with a directory (no pruning).
  const extra = JSON.parse(JSON.stringify(route))
  extra.spec.extra = true
  t.is(diffObjects(new Map([[objectKey(route), extra]]), [route], {color: false, prune: false}).changed, 1)
  t.is(diffObjects(new Map([[objectKey(route), extra]]), [route], {color: false}).changed, 0)
})

test('KUBECTL_EXTERNAL_DIFF runs with LIVE-* and MERGED-* directories and returns the program exit code', async (t) => {
  t.deepEqual(parseExternalDiff('colordiff -N -u --label=/etc/x'), {program: 'colordiff', args: ['-N', '-u']})
  const desired = httpRoute('team-a', 'web') as KubeObject
  const changedLive = JSON.parse(JSON.stringify(desired))
  changedLive.spec.hostnames = ['old.example.com']
  let out = ''
  const code = await externalDiff(new Map([[objectKey(desired), changedLive]]), [desired], 'diff -u -N', {onOutput: (s) => (out += s)})
  t.is(code, 1)
  t.regex(out, /--- \S*\/LIVE-\d+\/gateway\.networking\.k8s\.io\.v1\.HTTPRoute\.team-a\.web/)
  t.regex(out, /\+\+\+ \S*\/MERGED-\d+\/gateway\.networking\.k8s\.io\.v1\.HTTPRoute\.team-a\.web/)
  t.regex(out, /^-    - old\.example\.com$/m)
  out = ''
  t.is(await externalDiff(new Map([[objectKey(desired), JSON.parse(JSON.stringify(desired))]]), [desired], 'diff -u -N', {onOutput: (s) => (out += s)}), 0)
  t.is(out, '')
  // A new object has no LIVE file; -N makes diff treat it as empty.
  t.is(await externalDiff(new Map(), [desired], 'diff -u -N', {onOutput: () => {}}), 1)
})

// ---------------------------------------------------------------- apply

test('apply order: namespaces, then what routes need (policies, grants), then the Gateway, then every route', (t) => {
  const ordered = orderForApply(outputSet())
  t.deepEqual(
    ordered.map((o) => `${o.kind}/${o.metadata.name}`),
    [
      'Namespace/gateway',
      'Namespace/team-a',
      'BackendTrafficPolicy/web',
      'ClientTrafficPolicy/shared',
      'ReferenceGrant/gateway-certs',
      'Gateway/shared',
      'HTTPRoute/web',
      'HTTPRoute/https-redirect',
    ],
  )
})

test('apply creates everything in dependency order (a new gateway namespace first), then re-running is a no-op', async (t) => {
  const {s, apply} = await setup(t)
  s.seed([ns('team-a', {'kubernetes.io/metadata.name': 'team-a'})])
  const objects = outputSet()
  const first = await apply(objects)
  t.deepEqual(
    first.results.map((r) => formatResult(r, 'none')),
    [
      'namespace/gateway created',
      'namespace/team-a configured',
      'backendtrafficpolicy.gateway.envoyproxy.io/web created',
      'clienttrafficpolicy.gateway.envoyproxy.io/shared created',
      'referencegrant.gateway.networking.k8s.io/gateway-certs created',
      'gateway.gateway.networking.k8s.io/shared created',
      'httproute.gateway.networking.k8s.io/web created',
      'httproute.gateway.networking.k8s.io/https-redirect created',
    ],
  )
  // The PATCH sequence respects the steps (concurrency only within a step).
  const plural: Record<string, string> = {
    Namespace: 'namespaces',
    ReferenceGrant: 'referencegrants',
    HTTPRoute: 'httproutes',
    ClientTrafficPolicy: 'clienttrafficpolicies',
    Gateway: 'gateways',
    BackendTrafficPolicy: 'backendtrafficpolicies',
  }
  const stepOfPath = new Map(
    objects.map((o) => [
      `/${o.apiVersion.includes('/') ? 'apis' : 'api'}/${o.apiVersion}${o.metadata.namespace ? `/namespaces/${o.metadata.namespace}` : ''}/${plural[o.kind]}/${o.metadata.name}`,
      applyStep(o),
    ]),
  )
  const steps = s.requests.filter((q) => q.method === 'PATCH').map((q) => stepOfPath.get(q.path) ?? -1)
  t.is(steps.length, objects.length)
  t.false(steps.includes(-1))
  t.deepEqual(steps, [...steps].sort((a, b) => a - b))
  // examples/rbac/ingress2gw-rbac.yaml: apply needs the apply role for writes and its reads are in the read or apply role.
  const roles = jsYaml.loadAll(readFileSync(`${ROOT}/examples/rbac/ingress2gw-rbac.yaml`, 'utf8')) as any[]
  const applyRole = roles.find((d) => d.kind === 'ClusterRole' && d.metadata.name === 'ingress2gw-apply')
  const readRole = roles.find((d) => d.kind === 'ClusterRole' && d.metadata.name === 'ingress2gw-read')
  for (const q of s.requests) {
    const a = rbacAttributes(q.method, q.path)
    if (!a) continue
    t.true(roleAllows(applyRole, a.verb, a.group, a.resource), `${a.verb} ${a.resource}.${a.group} not in ingress2gw-apply`)
    if (a.verb === 'patch') t.true(roleAllows(applyRole, 'create', a.group, a.resource))
    if (a.verb === 'get') t.true(roleAllows(readRole, 'get', a.group, a.resource), `get ${a.resource}.${a.group} not in ingress2gw-read (diff)`)
  }
  // Namespace labels merged, not replaced.
  t.deepEqual(s.getObject('v1', 'Namespace', undefined, 'team-a')!.metadata.labels, {'kubernetes.io/metadata.name': 'team-a', 'shared-gateway-access': 'true'})

  const versions = () => objects.map((o) => s.getObject(o.apiVersion, o.kind, o.metadata.namespace, o.metadata.name)!.metadata.resourceVersion)
  const before = versions()
  const again = await apply(objects)
  t.true(again.results.every((r) => r.status === 'unchanged'), JSON.stringify(again.results))
  t.deepEqual(versions(), before)
})

test('a changed object is configured; server dry run reports without persisting; client dry run sends no writes', async (t) => {
  const {s, apply} = await setup(t)
  s.seed([ns('team-a')])
  t.is((await apply([httpRoute('team-a', 'web')] as KubeObject[])).results[0].status, 'created')
  const changed = [httpRoute('team-a', 'web', ['new.example.com']), httpRoute('team-a', 'api')] as KubeObject[]

  s.requests.length = 0
  const server = await apply(changed, {dryRun: 'server'})
  t.deepEqual(server.results.map((r) => formatResult(r, 'server')), [
    'httproute.gateway.networking.k8s.io/web configured (server dry run)',
    'httproute.gateway.networking.k8s.io/api created (server dry run)',
  ])
  t.true(s.requests.filter((q) => q.method === 'PATCH').every((q) => q.query.dryRun === 'All' && q.query.fieldManager === 'ingress2gw'))
  t.deepEqual(s.getObject(GW, 'HTTPRoute', 'team-a', 'web')!.spec.hostnames, ['web.example.com'])
  t.is(s.getObject(GW, 'HTTPRoute', 'team-a', 'api'), undefined)

  s.requests.length = 0
  const client = await apply(changed, {dryRun: 'client'})
  t.deepEqual(client.results.map((r) => formatResult(r, 'client')), [
    'httproute.gateway.networking.k8s.io/web configured (dry run)',
    'httproute.gateway.networking.k8s.io/api created (dry run)',
  ])
  t.deepEqual([...new Set(s.requests.map((q) => q.method))], ['GET'])

  const real = await apply(changed)
  t.deepEqual(real.results.map((r) => r.status), ['configured', 'created'])
  t.deepEqual(s.getObject(GW, 'HTTPRoute', 'team-a', 'web')!.spec.hostnames, ['new.example.com'])
})

test('a conflict with another field manager fails that object only, with the server message; --force-conflicts takes over', async (t) => {
  const {s, apply} = await setup(t)
  s.seed([ns('team-a'), httpRoute('team-a', 'web', ['old.example.com'])], 'kubectl-client-side-apply')
  const objects = [httpRoute('team-a', 'web'), httpRoute('team-a', 'api')] as KubeObject[]
  const r = await apply(objects)
  t.is(r.results[0].status, 'failed')
  t.is(
    r.results[0].message,
    'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using gateway.networking.k8s.io/v1: .spec.hostnames (re-run with --force-conflicts to take these fields over)',
  )
  t.is(r.results[1].status, 'created')
  t.deepEqual(s.getObject(GW, 'HTTPRoute', 'team-a', 'web')!.spec.hostnames, ['old.example.com'])
  const forced = await apply(objects, {forceConflicts: true})
  t.deepEqual(forced.results.map((x) => x.status), ['configured', 'unchanged'])
  const live = s.getObject(GW, 'HTTPRoute', 'team-a', 'web')!
  t.deepEqual(live.spec.hostnames, ['web.example.com'])
  const owner = live.metadata.managedFields.find((m: any) => m.fieldsV1?.['f:spec']?.['f:hostnames'])
  t.is(owner.manager, 'ingress2gw')
  t.true(s.requests.filter((q) => q.method === 'PATCH').slice(-2).every((q) => q.query.force === 'true'))
})

test('apply refuses Ingresses, Services and Secrets without sending any request for them', async (t) => {
  const {s, apply} = await setup(t)
  s.seed([ns('team-a')])
  const refused = [
    {apiVersion: 'v1', kind: 'Secret', metadata: {name: 'htpasswd', namespace: 'team-a'}, data: {auth: 'eA=='}},
    {apiVersion: 'v1', kind: 'Service', metadata: {name: 'web', namespace: 'team-a'}, spec: {}},
    {apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: {name: 'web', namespace: 'team-a'}, spec: {}},
  ] as KubeObject[]
  const only = await apply(refused)
  t.true(only.results.every((r) => r.status === 'failed'))
  t.deepEqual(
    only.results.map((r) => `${r.object}: ${r.message}`).sort(),
    [
      'ingress.networking.k8s.io/web: refused: ingress2gw never creates or changes an Ingress; apply it yourself after review',
      'secret/htpasswd: refused: ingress2gw never creates or changes a Secret; apply it yourself after review',
      'service/web: refused: ingress2gw never creates or changes a Service; apply it yourself after review',
    ],
  )
  t.is(s.requests.length, 0)
  const mixed = await apply([...refused, httpRoute('team-a', 'web') as KubeObject])
  t.deepEqual(mixed.results.map((r) => `${r.object} ${r.status}`).sort(), [
    'httproute.gateway.networking.k8s.io/web created',
    'ingress.networking.k8s.io/web failed',
    'secret/htpasswd failed',
    'service/web failed',
  ])
  t.false(s.requests.some((q) => /secrets|services|ingresses/.test(q.path)))
})

test('a kind the cluster does not serve and a 403 fail their objects only, each with one clear line', async (t) => {
  const {s, apply} = await setup(t, {resources: [...CORE_RESOURCES, ...GATEWAY_API_RESOURCES]})
  s.seed([ns('team-a')])
  s.deny({verb: 'patch', group: 'gateway.networking.k8s.io', resource: 'referencegrants', namespace: 'team-a'})
  const objects = [
    httpRoute('team-a', 'web'),
    {apiVersion: EG, kind: 'SecurityPolicy', metadata: {name: 'web', namespace: 'team-a'}, spec: {}},
    {apiVersion: GW, kind: 'ReferenceGrant', metadata: {name: 'certs', namespace: 'team-a'}, spec: {from: [], to: []}},
  ] as KubeObject[]
  const r = await apply(objects)
  const by = Object.fromEntries(r.results.map((x) => [x.object, x]))
  t.is(by['httproute.gateway.networking.k8s.io/web'].status, 'created')
  t.is(by['securitypolicy.gateway.envoyproxy.io/web'].message, 'the cluster does not serve SecurityPolicy (gateway.envoyproxy.io/v1alpha1); is its CRD installed?')
  t.regex(by['referencegrant.gateway.networking.k8s.io/certs'].message!, /^forbidden: referencegrants\.gateway\.networking\.k8s\.io "certs" is forbidden: User "jane" cannot patch resource "referencegrants"/)
  t.true(r.results.every((x) => !x.message?.includes('\n')))
})

test('apply against an unreachable server or with rejected credentials throws one ClusterError', async (t) => {
  const {s, dir, apply} = await setup(t)
  const bad = s.writeKubeconfig(dir, {file: 'bad', token: 'nope'})
  await t.throwsAsync(applyObjects([httpRoute('team-a', 'web') as KubeObject], {dryRun: 'none', forceConflicts: false, kubeconfig: bad, env: {HOME: dir}}), {
    instanceOf: ClusterError,
    message: /401 Unauthorized/,
  })
  await s.close()
  await t.throwsAsync(apply([httpRoute('team-a', 'web') as KubeObject]), {instanceOf: ClusterError, message: /cannot reach the Kubernetes API server .*connection refused/})
})

test('fetchLive maps kinds through discovery and treats an unserved kind as absent with one warning', async (t) => {
  const {s, kubeconfig, env} = await setup(t, {resources: [...CORE_RESOURCES, ...GATEWAY_API_RESOURCES]})
  s.seed([ns('team-a'), httpRoute('team-a', 'web')])
  const objects = [
    httpRoute('team-a', 'web'),
    httpRoute('team-a', 'missing'),
    {apiVersion: EG, kind: 'SecurityPolicy', metadata: {name: 'a', namespace: 'team-a'}, spec: {}},
    {apiVersion: EG, kind: 'SecurityPolicy', metadata: {name: 'b', namespace: 'team-a'}, spec: {}},
  ] as KubeObject[]
  const {live, diagnostics} = await fetchLive(await ClusterClient.connect({kubeconfig}, env), objects, objectKey)
  t.is(live.get(objectKey(objects[0]))?.metadata.name, 'web')
  t.is(live.get(objectKey(objects[1])), undefined)
  t.true(live.has(objectKey(objects[1])))
  t.is(live.get(objectKey(objects[2])), undefined)
  t.deepEqual(diagnostics.map((d) => d.code), ['cluster-missing-crd'])
  t.false(s.requests.some((q) => q.path.includes('securitypolicies')))
})
