/**
 * `cutover --service` end to end (oclif from source) against the fake API server: the plan, --apply with its
 * rollback file, --rollback, --dry-run=server, refusals and their exit codes, preconditions; the real kubectl reads
 * the patched Service back and applies the printed rollback command.
 */
import test, {type ExecutionContext} from 'ava'
import {existsSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {patchService} from '../src/cutover/apply.js'
import {planCutover} from '../src/cutover/plan.js'
import {readCutoverFacts} from '../src/cutover/read.js'
import {ClusterClient, ClusterError} from '../src/sources/cluster.js'
import {ACME_RESOURCES, ALL_RESOURCES, APPS_RESOURCES, FakeApiServer, type Obj} from './support/fake-apiserver.js'
import jsYaml from 'js-yaml'
import {kubectl, rbacAttributes, roleAllows, rolePermissions, ROOT, tempDir, usedPermissions} from './support/cluster-helpers.js'
import {runCli} from './support/run-cli.js'
import {controllerConfigMap, ENVOY_SELECTOR, envoyService, gateway, NGINX_SELECTOR, nginxService, readyWorld} from './support/cutover-fixtures.js'

const SVC = 'ingress-nginx/ingress-nginx-controller'

async function world(t: ExecutionContext, objects: Obj[] = readyWorld()) {
  const s = await FakeApiServer.start({resources: [...ALL_RESOURCES, ...APPS_RESOURCES, ...ACME_RESOURCES]})
  t.teardown(() => s.close())
  const dir = tempDir(t)
  s.seed(objects)
  const kubeconfig = s.writeKubeconfig(dir, {namespace: 'ingress-nginx'})
  // The plugin in this process (tests are serial: the capture replaces the process's writers), run in the temporary
  // directory, where the rollback file goes by default.
  const cli = async (args: string[]) => {
    const r = await runCli([...args, '--kubeconfig', kubeconfig], dir)
    return {code: r.exitCode, stdout: r.stdout, stderr: r.stderr}
  }
  const service = () => s.getObject('v1', 'Service', 'ingress-nginx', 'ingress-nginx-controller')!
  const writes = () => s.requests.filter((r) => r.method !== 'GET')
  return {s, dir, kubeconfig, cli, service, writes}
}

/** The Service without what a patch of selector and targetPorts may change, and server bookkeeping (resourceVersion, generation, managedFields). */
function untouched(svc: Obj): Obj {
  const c = JSON.parse(JSON.stringify(svc))
  delete c.metadata.resourceVersion
  delete c.metadata.generation
  delete c.metadata.managedFields
  delete c.spec.selector
  for (const p of c.spec.ports) delete p.targetPort
  return c
}

test.serial('without --apply: the checks, the patch and its rollback are printed and nothing is written', async (t) => {
  const {cli, writes, dir} = await world(t)
  const r = await cli(['cutover', '--service', SVC])
  t.is(r.code, 0, r.stderr)
  t.regex(r.stdout, /^Service ingress-nginx\/ingress-nginx-controller \(LoadBalancer\) -> Envoy proxy of Gateway gateway\/shared \(Envoy Service ingress-nginx\/envoy-gateway-shared-5d1c2e8a\)$/m)
  t.regex(r.stdout, /^  port 80\/TCP \(http\): targetPort http -> 10080 \(listener http\)$/m)
  t.regex(r.stdout, /^  port 443\/TCP \(https\): targetPort https -> 10443 \(listener https\)$/m)
  t.regex(r.stdout, /^patch:\n  kubectl patch service ingress-nginx-controller -n ingress-nginx --type json -p '\[\{"op":"test","path":"\/metadata\/uid"/m)
  t.regex(r.stdout, /^rollback patch:\n  kubectl patch service/m)
  t.regex(r.stderr, /warning: Service ingress-nginx\/ingress-nginx-controller carries helm\.sh\/resource-policy: keep, but helm uninstall honours it only when/)
  t.regex(r.stderr, /nothing was changed: review the patch, then run again with --apply/)
  t.deepEqual(writes(), [])
  t.deepEqual(readdirSync(dir).filter((f) => f.startsWith('ingress2gw-rollback')), [])
})

test.serial('--apply changes only the selector and targetPorts of the named Service (real kubectl reads it back); --rollback restores them exactly', async (t) => {
  const {cli, writes, dir, service, kubeconfig, s} = await world(t)
  const before = service()
  const others = ['Service/ingress-nginx/ingress-nginx-controller-admission', 'Service/ingress-nginx/envoy-gateway-shared-5d1c2e8a', 'Ingress/team-a/web'].map((k) => {
    const [kind, ns, name] = k.split('/')
    return s.getObject(kind === 'Ingress' ? 'networking.k8s.io/v1' : 'v1', kind, ns, name)
  })
  const r = await cli(['cutover', '--service', SVC, '--apply'])
  t.is(r.code, 0, r.stderr)
  const file = join(dir, `ingress2gw-rollback-ingress-nginx-ingress-nginx-controller-${before.metadata.resourceVersion}.json`)
  t.true(existsSync(file), readdirSync(dir).join(','))
  t.regex(r.stderr, /^service\/ingress-nginx-controller patched: it now sends traffic to the Envoy pods of Gateway gateway\/shared$/m)
  t.true(r.stderr.includes(`kubectl ingress2gw cutover --rollback ${file} --kubeconfig ${kubeconfig}`))

  // One write: a JSON patch of that Service, as field manager ingress2gw.
  t.deepEqual(writes().map((q) => [q.method, q.path, q.headers['content-type'], q.query.fieldManager, q.query.dryRun]), [
    ['PATCH', '/api/v1/namespaces/ingress-nginx/services/ingress-nginx-controller', 'application/json-patch+json', 'ingress2gw', undefined],
  ])
  const got = await kubectl(t, kubeconfig, ['get', 'service', 'ingress-nginx-controller', '-n', 'ingress-nginx', '-o', 'json'])
  t.is(got.code, 0, got.stderr)
  const live = JSON.parse(got.stdout)
  t.deepEqual(live.spec.selector, ENVOY_SELECTOR)
  t.deepEqual(live.spec.ports.map((p: Obj) => [p.name, p.port, p.targetPort, p.nodePort]), [['http', 80, 10080, 30080], ['https', 443, 10443, 30443]])
  t.deepEqual(untouched(live), untouched(before), 'every other field is as it was (labels, annotations, nodePorts, status)')
  t.deepEqual(others.map((o) => s.getObject(o!.apiVersion, o!.kind, o!.metadata.namespace, o!.metadata.name)), others, 'no other object changed')
  // examples/rbac/ingress2gw-rbac.yaml: the cutover role allows every request of the cutover.
  const role = (jsYaml.loadAll(readFileSync(`${ROOT}/examples/rbac/ingress2gw-rbac.yaml`, 'utf8')) as Obj[]).find((d) => d.kind === 'ClusterRole' && d.metadata.name === 'ingress2gw-cutover')
  for (const q of s.requests) {
    const a = rbacAttributes(q.method, q.path)
    if (a) t.true(roleAllows(role, a.verb, a.group, a.resource), `${a.verb} ${a.resource}.${a.group} not in ingress2gw-cutover`)
  }

  // Run again: the Service already selects the Envoy pods; nothing is sent.
  const again = await cli(['cutover', '--service', SVC, '--apply'])
  t.is(again.code, 0, again.stderr)
  t.regex(again.stderr, /^Service ingress-nginx\/ingress-nginx-controller already selects the Envoy pods of Gateway gateway\/shared: nothing to do$/m)
  t.is(writes().length, 1)

  const saved = JSON.parse(readFileSync(file, 'utf8'))
  t.is(saved.kind, 'ServiceCutoverRollback')
  t.deepEqual(saved.service, {namespace: 'ingress-nginx', name: 'ingress-nginx-controller', uid: before.metadata.uid})
  t.deepEqual(saved.selector, NGINX_SELECTOR)

  const back = await cli(['cutover', '--rollback', file])
  t.is(back.code, 0, back.stderr)
  t.regex(back.stderr, /^service\/ingress-nginx-controller rolled back: it selects the ingress-nginx pods again \(targetPorts 80\/TCP -> http, 443\/TCP -> https\)$/m)
  const restored = JSON.parse((await kubectl(t, kubeconfig, ['get', 'service', 'ingress-nginx-controller', '-n', 'ingress-nginx', '-o', 'json'])).stdout)
  t.deepEqual(restored.spec, before.spec, 'the exact previous selector and ports')
  t.deepEqual(untouched(restored), untouched(before))
})

test.serial('the printed plain-kubectl rollback works with the real kubectl', async (t) => {
  const {cli, dir, service, kubeconfig} = await world(t)
  const before = service()
  const r = await cli(['cutover', '--service', SVC, '--apply', '--rollback-file', join(dir, 'back.json')])
  t.is(r.code, 0, r.stderr)
  const m = r.stderr.match(/or, without the plugin: kubectl patch service (\S+) -n (\S+) --type json -p '([^']+)'/)
  t.truthy(m, r.stderr)
  const k = await kubectl(t, kubeconfig, ['patch', 'service', m![1], '-n', m![2], '--type', 'json', '-p', m![3]])
  t.is(k.code, 0, k.stderr)
  t.deepEqual(service().spec, before.spec)
  // Run again, the same rollback fails its tests (the selector is no longer the Envoy one): nothing changes.
  const again = await kubectl(t, kubeconfig, ['patch', 'service', m![1], '-n', m![2], '--type', 'json', '-p', m![3]])
  t.not(again.code, 0)
  t.deepEqual(service().spec, before.spec)
})

test.serial('--dry-run=server sends the patch with dryRun=All and changes nothing; no rollback file', async (t) => {
  const {cli, writes, dir, service} = await world(t)
  const before = service()
  const r = await cli(['cutover', '--service', SVC, '--dry-run=server'])
  t.is(r.code, 0, r.stderr)
  t.regex(r.stderr, /service\/ingress-nginx-controller patched \(server dry run\): the API server accepts the patch; nothing was changed/)
  t.deepEqual(writes().map((q) => [q.method, q.query.dryRun]), [['PATCH', 'All']])
  t.deepEqual(service(), before)
  t.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.json')), [])
})

test.serial('refusals exit 1 without writing: Helm without keep (then --force), Gateway not programmed, Envoy proxy in another namespace', async (t) => {
  const helm = await world(t, readyWorld({service: nginxService({keep: false})}))
  const r = await helm.cli(['cutover', '--service', SVC, '--apply'])
  t.is(r.code, 1, r.stderr)
  t.regex(r.stderr, /^refused: Service ingress-nginx\/ingress-nginx-controller belongs to Helm release ingress-nginx/m)
  t.regex(r.stderr, /^error: the cutover of Service ingress-nginx\/ingress-nginx-controller is refused \(helm-without-keep\); nothing was changed$/m)
  t.deepEqual(helm.writes(), [])
  t.deepEqual(readdirSync(helm.dir).filter((f) => f.endsWith('.json')), [])
  const forced = await helm.cli(['cutover', '--service', SVC, '--apply', '--force'])
  t.is(forced.code, 0, forced.stderr)
  t.regex(forced.stderr, /warning: overridden by --force: Service ingress-nginx\/ingress-nginx-controller belongs to Helm release/)
  t.deepEqual(helm.service().spec.selector, ENVOY_SELECTOR)

  const down = await world(t, readyWorld({gateway: gateway({programmed: false})}))
  const d = await down.cli(['cutover', '--service', SVC, '--apply', '--force'])
  t.is(d.code, 1, d.stderr)
  t.regex(d.stderr, /refused: Gateway gateway\/shared is not programmed \(Programmed=False, AddressNotAssigned/)
  t.deepEqual(down.writes(), [])

  // Found by its labels in envoy-gateway-system: a Service there cannot be selected from ingress-nginx.
  const apart = await world(t, [...readyWorld({envoy: envoyService({namespace: 'envoy-gateway-system'})})])
  const a = await apart.cli(['cutover', '--service', SVC])
  t.is(a.code, 1, a.stderr)
  t.regex(a.stderr, /refused: the Envoy proxy of Gateway gateway\/shared runs in namespace envoy-gateway-system \(Service envoy-gateway-shared-5d1c2e8a\)/)
  t.true(apart.s.requests.some((q) => q.path === '/api/v1/services' && /owning-gateway-name=shared/.test(q.query.labelSelector ?? '')), 'looked up across namespaces by label')
})

test.serial('refusals exit 1 without writing: a port of the Service without a listener, no Envoy Service for the Gateway (even with --force)', async (t) => {
  // The Service also exposes a tcp-services port (5432) the Gateway has no listener for.
  const ports = [
    {name: 'http', port: 80, protocol: 'TCP', targetPort: 'http', nodePort: 30080},
    {name: 'https', port: 443, protocol: 'TCP', targetPort: 'https', nodePort: 30443},
    {name: '5432-tcp', port: 5432, protocol: 'TCP', targetPort: '5432-tcp', nodePort: 30432},
  ]
  const tcp = await world(t, readyWorld({service: nginxService({keep: true, ports})}))
  const r = await tcp.cli(['cutover', '--service', SVC, '--apply', '--force'])
  t.is(r.code, 1, r.stderr)
  t.regex(r.stderr, /^refused: port 5432\/TCP \(5432-tcp\) of the Service has no listener on Gateway gateway\/shared \(its listeners: http HTTP\/80, https HTTPS\/443\)/m)
  t.regex(r.stderr, /^error: the cutover of Service ingress-nginx\/ingress-nginx-controller is refused \(port-without-listener\); nothing was changed$/m)
  t.deepEqual(tcp.writes(), [])
  t.deepEqual(readdirSync(tcp.dir).filter((f) => f.endsWith('.json')), [])

  const world0 = readyWorld().filter((o) => !(o.kind === 'Service' && o.metadata.name === 'envoy-gateway-shared-5d1c2e8a'))
  const none = await world(t, world0)
  const n = await none.cli(['cutover', '--service', SVC, '--apply', '--force'])
  t.is(n.code, 1, n.stderr)
  t.regex(n.stderr, /^refused: no Service labelled gateway\.envoyproxy\.io\/owning-gateway-name=shared,gateway\.envoyproxy\.io\/owning-gateway-namespace=gateway exists/m)
  t.deepEqual(none.writes(), [])
  // Looked up by the owning-gateway labels, then by the class label (mergeGateways), never by name.
  t.deepEqual(
    none.s.requests.filter((q) => q.path === '/api/v1/services').map((q) => q.query.labelSelector),
    [
      'app.kubernetes.io/name=envoy,app.kubernetes.io/component=proxy,app.kubernetes.io/managed-by=envoy-gateway,gateway.envoyproxy.io/owning-gateway-name=shared,gateway.envoyproxy.io/owning-gateway-namespace=gateway',
      'app.kubernetes.io/name=envoy,app.kubernetes.io/component=proxy,app.kubernetes.io/managed-by=envoy-gateway,gateway.envoyproxy.io/owning-gatewayclass=eg',
    ],
  )
})

test.serial('errors exit 2: unknown Service, a rollback file that exists, a forbidden patch', async (t) => {
  const {cli, s, dir, writes} = await world(t)
  const missing = await cli(['cutover', '--service', 'ingress-nginx/nope'])
  t.is(missing.code, 2)
  t.regex(missing.stderr, /^error: Service ingress-nginx\/nope not found$/m)
  const bad = await cli(['cutover', '--service', 'nope'])
  t.is(bad.code, 2)
  t.regex(bad.stderr, /--service expects NAMESPACE\/NAME, got "nope"/)

  const file = join(dir, 'back.json')
  const first = await cli(['cutover', '--service', SVC, '--apply', '--rollback-file', file, '--dry-run=server'])
  t.is(first.code, 0, first.stderr)
  t.false(existsSync(file))
  writeFileSync(file, '{}')
  const exists = await cli(['cutover', '--service', SVC, '--apply', '--rollback-file', file])
  t.is(exists.code, 2)
  t.regex(exists.stderr, /the rollback file .*back\.json already exists \(it may be the way back from an earlier cutover\)/)
  t.is(readFileSync(file, 'utf8'), '{}')
  t.is(writes().filter((q) => q.query.dryRun !== 'All').length, 0)

  s.deny({verb: 'patch', group: '', resource: 'services'})
  const denied = await cli(['cutover', '--service', SVC, '--apply', '--rollback-file', join(dir, 'other.json')])
  t.is(denied.code, 2)
  t.regex(denied.stderr, /forbidden: user "jane" may not patch services in namespace "ingress-nginx"; grant "patch" on "services"/)
  t.false(existsSync(join(dir, 'other.json')), 'the rollback file of a patch that failed is removed')
})

test.serial('the resourceVersion precondition: a Service changed after it was read is not patched', async (t) => {
  const {s, kubeconfig, dir, service} = await world(t)
  const client = await ClusterClient.connect({kubeconfig}, {HOME: dir})
  const read = await readCutoverFacts(client, {service: {namespace: 'ingress-nginx', name: 'ingress-nginx-controller'}, gateway: {namespace: 'gateway', name: 'shared'}, force: false})
  const plan = planCutover(read.facts)
  t.deepEqual(plan.refusals, [])
  // Meanwhile the cloud controller updates the load balancer status (a new resourceVersion).
  s.setStatus('v1', 'Service', 'ingress-nginx', 'ingress-nginx-controller', {loadBalancer: {ingress: [{ip: '198.51.100.8'}]}})
  const changed = service()
  const err = await t.throwsAsync(patchService(client, {namespace: 'ingress-nginx', name: 'ingress-nginx-controller'}, plan.patch, false, 'cutover'), {instanceOf: ClusterError})
  t.is(err!.message, `Service ingress-nginx/ingress-nginx-controller changed since it was read (/metadata/resourceVersion is now "${changed.metadata.resourceVersion}", the patch expects "${plan.service.resourceVersion}"); nothing was changed: run the command again to review the new patch`)
  t.deepEqual(service(), changed)
})

test.serial('--rollback refuses a Service changed since the cutover (unless --force) and a recreated one (always)', async (t) => {
  const {cli, s, dir, service, kubeconfig} = await world(t)
  const before = service()
  const file = join(dir, 'back.json')
  t.is((await cli(['cutover', '--service', SVC, '--apply', '--rollback-file', file])).code, 0)
  // Someone points the Service elsewhere after the cutover.
  const client = await ClusterClient.connect({kubeconfig}, {HOME: dir})
  await client.request('PATCH', '/api/v1/namespaces/ingress-nginx/services/ingress-nginx-controller', {}, {contentType: 'application/json-patch+json', text: JSON.stringify([{op: 'replace', path: '/spec/selector', value: {app: 'other'}}])})
  const changed = service()
  const r = await cli(['cutover', '--rollback', file])
  t.is(r.code, 2)
  t.regex(r.stderr, /Service ingress-nginx\/ingress-nginx-controller is no longer as the cutover left it \(\/spec\/selector is now \{"app":"other"\}/)
  t.deepEqual(service(), changed)
  const forced = await cli(['cutover', '--rollback', file, '--force'])
  t.is(forced.code, 0, forced.stderr)
  t.deepEqual(service().spec, before.spec)

  // A Service deleted and created again under the same name is another object: its uid differs.
  s.seed([nginxService({keep: true})])
  const recreated = service()
  const uid = await cli(['cutover', '--rollback', file, '--force'])
  t.is(uid.code, 2)
  t.regex(uid.stderr, /\/metadata\/uid is now "[^"]+", the patch expects/)
  t.deepEqual(service(), recreated)
})

test.serial('the ingress2gw-cutover role is exactly what cutover sends in all its modes: plan, dry run, apply, rollback (refused, then forced), --dns', async (t) => {
  const {cli, s, dir, kubeconfig} = await world(t)
  const file = join(dir, 'back.json')
  t.is((await cli(['cutover', '--service', SVC])).code, 0)
  t.is((await cli(['cutover', '--service', SVC, '--dry-run=server'])).code, 0)
  t.is((await cli(['cutover', '--service', SVC, '--apply', '--rollback-file', file])).code, 0)
  // A change after the cutover: the rollback's test fails (422) and the Service is read again to say which.
  const client = await ClusterClient.connect({kubeconfig}, {HOME: dir})
  const changed = [{op: 'add', path: '/metadata/labels/touched', value: 'yes'}, {op: 'replace', path: '/spec/selector', value: {app: 'other'}}]
  await client.request('PATCH', '/api/v1/namespaces/ingress-nginx/services/ingress-nginx-controller', {}, {contentType: 'application/json-patch+json', text: JSON.stringify(changed)})
  t.is((await cli(['cutover', '--rollback', file])).code, 2)
  t.is((await cli(['cutover', '--rollback', file, '--force'])).code, 0)
  t.not((await cli(['cutover', '--dns', '-A'])).code, 2)
  const role = (jsYaml.loadAll(readFileSync(`${ROOT}/examples/rbac/ingress2gw-rbac.yaml`, 'utf8')) as Obj[]).find((d) => d.kind === 'ClusterRole' && d.metadata.name === 'ingress2gw-cutover')!
  const sent = s.requests.filter((q) => q.body !== JSON.stringify(changed)) // not the test's own change
  t.deepEqual(usedPermissions(sent), rolePermissions(role), 'every rule is used, and nothing else is sent')
  t.deepEqual(
    usedPermissions(sent).filter((p) => !p.startsWith('get ') && !p.startsWith('list ')),
    ['patch /services'],
    'the only write is the Service patch',
  )
  t.false(rolePermissions(role).some((p) => /secrets|ingresses/.test(p) && !p.startsWith('list networking.k8s.io/ingresses')), 'no Secret at all; Ingresses are only listed (--dns)')
})

test.serial('PROXY protocol: a forbidden controller ConfigMap read refuses the cutover (says forbidden, not "not found"); --force overrides', async (t) => {
  // src/cutover/read.ts controllerConfigMap used to turn a 403 into "not found", and plan.ts proxyProtocolChecks then
  // only warned: with use-proxy-protocol on and a Gateway that does not expect PROXY headers, --apply cut over and
  // every connection failed.
  const objects = [...readyWorld().filter((o) => o.kind !== 'ConfigMap'), controllerConfigMap({'use-proxy-protocol': 'true'})]
  const {s, cli, writes, service} = await world(t, objects)
  s.deny({verb: 'get', group: '', resource: 'configmaps'})
  const r = await cli(['cutover', '--service', SVC, '--apply'])
  t.is(r.code, 1, r.stderr)
  t.regex(r.stderr, /^refused: port 80: reading the ingress-nginx controller ConfigMap ingress-nginx\/ingress-nginx-controller is forbidden/m)
  t.notRegex(r.stderr, /ConfigMap was not found/)
  t.regex(r.stderr, /\(proxy-protocol-unknown\); nothing was changed$/m)
  t.deepEqual(writes(), [])
  const forced = await cli(['cutover', '--service', SVC, '--apply', '--force'])
  t.is(forced.code, 0, forced.stderr)
  t.regex(forced.stderr, /warning: overridden by --force: port 80: reading the ingress-nginx controller ConfigMap ingress-nginx\/ingress-nginx-controller is forbidden/)
  t.deepEqual(service().spec.selector, ENVOY_SELECTOR)
})

test.serial('--rollback sends only what a cutover rollback may change: a file with other operations is refused before any request', async (t) => {
  // src/cutover/apply.ts parseRollbackFile used to check the file's shape only, and runRollback sent its `patch`
  // as is: an edited (or foreign) file could rewrite any field of the Service (here: its loadBalancerSourceRanges).
  const nginx = nginxService({keep: true})
  nginx.spec.loadBalancerSourceRanges = ['10.0.0.0/8']
  const {cli, dir, writes, service} = await world(t, readyWorld({service: nginx}))
  const file = join(dir, 'back.json')
  t.is((await cli(['cutover', '--service', SVC, '--apply', '--rollback-file', file])).code, 0)
  const saved = JSON.parse(readFileSync(file, 'utf8'))
  const writesBefore = writes().length
  const cutOver = service()
  for (const extra of [
    {op: 'remove', path: '/spec/loadBalancerSourceRanges'},
    {op: 'replace', path: '/spec/ports/0/port', value: 8080},
    {op: 'add', path: '/metadata/labels/x', value: 'y'},
  ]) {
    const tampered = join(dir, `tampered-${writes().length}-${extra.path.replace(/\W/g, '')}.json`)
    writeFileSync(tampered, JSON.stringify({...saved, patch: [...saved.patch, extra]}))
    const r = await cli(['cutover', '--rollback', tampered, '--force'])
    t.is(r.code, 2, r.stderr)
    t.regex(r.stderr, new RegExp(`^error: .*tampered.*: operation ${extra.op} ${extra.path.replace(/\//g, '\\/')} is not part of a cutover rollback`, 'm'))
  }
  // Without the uid test the patch could land on a recreated Service of the same name.
  const noUid = join(dir, 'no-uid.json')
  writeFileSync(noUid, JSON.stringify({...saved, patch: saved.patch.filter((op: {path: string}) => op.path !== '/metadata/uid')}))
  const u = await cli(['cutover', '--rollback', noUid])
  t.is(u.code, 2, u.stderr)
  t.regex(u.stderr, /does not start with the uid test of Service ingress-nginx\/ingress-nginx-controller/)
  t.is(writes().length, writesBefore)
  t.deepEqual(service(), cutOver)
  // The genuine file still rolls back.
  t.is((await cli(['cutover', '--rollback', file])).code, 0)
  t.deepEqual(service().spec.selector, NGINX_SELECTOR)
  t.deepEqual(service().spec.loadBalancerSourceRanges, ['10.0.0.0/8'])
})

test.serial('the Envoy Service lookup forbidden everywhere says forbidden, not "no Service exists"', async (t) => {
  // src/cutover/read.ts servicesByLabel swallowed the 403 of each fallback namespace: the refusal then claimed that
  // Envoy Gateway had not created the proxy.
  const {s, cli, writes} = await world(t)
  s.deny({verb: 'list', group: '', resource: 'services'})
  const r = await cli(['cutover', '--service', SVC, '--apply'])
  t.is(r.code, 1, r.stderr)
  t.regex(r.stderr, /^refused: the Envoy Service of Gateway gateway\/shared could not be looked up: listing Services cluster-wide is forbidden, and so is listing them in namespace ingress-nginx \(forbidden\), envoy-gateway-system \(forbidden\), gateway \(forbidden\)/m)
  t.notRegex(r.stderr, /no Service labelled/)
  t.deepEqual(writes(), [])
})

test.serial('--rollback never prints the userinfo of the server URL the rollback file names', async (t) => {
  // src/cutover/command.ts runRollback warned "the rollback was written against <saved.server>" and printed the file
  // with -o json as read: a kubeconfig server URL with userinfo (https://user:pass@host) reached stderr and stdout,
  // where ClusterClient.where masks the same URL of the live cluster.
  const {cli, dir} = await world(t)
  const file = join(dir, 'back.json')
  t.is((await cli(['cutover', '--service', SVC, '--apply', '--rollback-file', file])).code, 0)
  const saved = JSON.parse(readFileSync(file, 'utf8'))
  const foreign = join(dir, 'foreign.json')
  writeFileSync(foreign, JSON.stringify({...saved, server: 'https://admin:s3cr3t@old-cluster.example:6443'}))
  const r = await cli(['cutover', '--rollback', foreign, '-o', 'json'])
  t.is(r.code, 0, r.stderr)
  t.regex(r.stderr, /the rollback was written against https:\/\/<redacted>@old-cluster\.example:6443 \(context "fake"\)/)
  t.false(`${r.stdout}${r.stderr}`.includes('s3cr3t'))
  t.is(JSON.parse(r.stdout).rollback.server, 'https://<redacted>@old-cluster.example:6443')
})
