/**
 * apply is safe to fail and to interrupt: what routes need goes first, a route whose policy failed is never applied,
 * every object written is reported as it is written, and a live shared Gateway is sent with ingress2gw's part only
 * (so another owner can still remove its own listener). In-process against the fake API server.
 */
import test, {type ExecutionContext} from 'ava'
import {spawn} from 'node:child_process'
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import jsYaml from 'js-yaml'
import {applyObjects, applySummary, formatResult, type ApplyOptions, type ApplyResult} from '../src/output/apply.js'
import {gatewayApplyShape, outsideNamespace, routeDependencies} from '../src/output/apply-plan.js'
import type {KubeObject} from '../src/model/types.js'
import {FakeApiServer} from './support/fake-apiserver.js'
import {httpRoute, ns, ROOT, tempDir} from './support/cluster-helpers.js'

const GW = 'gateway.networking.k8s.io/v1'
const EG = 'gateway.envoyproxy.io/v1alpha1'
const GROUP = 'gateway.networking.k8s.io'

async function setup(t: ExecutionContext) {
  const s = await FakeApiServer.start()
  t.teardown(() => s.close())
  const dir = tempDir(t)
  const kubeconfig = s.writeKubeconfig(dir, {namespace: 'shop'})
  const printed: string[] = []
  const apply = (objects: KubeObject[], o: Partial<ApplyOptions> = {}) =>
    applyObjects(objects, {dryRun: 'none', forceConflicts: false, kubeconfig, env: {HOME: dir}, onResult: (r) => printed.push(formatResult(r, 'none')), ...o})
  return {s, apply, printed}
}

const policy = (kind: string, name: string, namespace: string, target: {kind: string; name: string}): KubeObject => ({
  apiVersion: EG,
  kind,
  metadata: {name, namespace},
  spec: {targetRefs: [{group: GROUP, ...target}]},
})

const patched = (s: FakeApiServer) => s.requests.filter((q) => q.method === 'PATCH').map((q) => q.path.split('/').slice(-2).join('/'))

test('routeDependencies: policies on the route or its Gateway, its filters, Backends and the grants of its cross-namespace backends', (t) => {
  const route: KubeObject = {
    apiVersion: GW,
    kind: 'HTTPRoute',
    metadata: {name: 'web', namespace: 'shop'},
    spec: {
      parentRefs: [{name: 'shared', namespace: 'gateway'}],
      rules: [
        {
          filters: [{type: 'ExtensionRef', extensionRef: {group: 'gateway.envoyproxy.io', kind: 'HTTPRouteFilter', name: 'web-rewrite'}}],
          backendRefs: [{name: 'web', port: 80}, {name: 'canary', namespace: 'other', port: 80}, {group: 'gateway.envoyproxy.io', kind: 'Backend', name: 'ext'}],
        },
      ],
    },
  }
  const objects: KubeObject[] = [
    route,
    policy('SecurityPolicy', 'web', 'shop', {kind: 'HTTPRoute', name: 'web'}),
    policy('BackendTrafficPolicy', 'api', 'shop', {kind: 'HTTPRoute', name: 'api'}), // another route's
    policy('ClientTrafficPolicy', 'shared', 'gateway', {kind: 'Gateway', name: 'shared'}),
    policy('SecurityPolicy', 'web', 'other', {kind: 'HTTPRoute', name: 'web'}), // same name, other namespace
    {apiVersion: EG, kind: 'HTTPRouteFilter', metadata: {name: 'web-rewrite', namespace: 'shop'}, spec: {}},
    {apiVersion: EG, kind: 'Backend', metadata: {name: 'ext', namespace: 'shop'}, spec: {}},
    {apiVersion: `${GROUP}/v1beta1`, kind: 'ReferenceGrant', metadata: {name: 'from-shop', namespace: 'other'}, spec: {from: [{group: GROUP, kind: 'HTTPRoute', namespace: 'shop'}], to: [{group: '', kind: 'Service', name: 'canary'}]}},
    {apiVersion: `${GROUP}/v1beta1`, kind: 'ReferenceGrant', metadata: {name: 'from-gw', namespace: 'other'}, spec: {from: [{group: GROUP, kind: 'Gateway', namespace: 'gateway'}], to: [{group: '', kind: 'Secret'}]}},
  ]
  t.deepEqual(routeDependencies(objects).get(0), [1, 3, 5, 6, 7])
  t.is(routeDependencies(objects).size, 1, 'only routes have dependencies')
})

test('a failing SecurityPolicy PATCH leaves its route unapplied (never exposed), the summary says so, and the other routes go on', async (t) => {
  const {s, apply, printed} = await setup(t)
  s.seed([ns('shop')])
  s.deny({verb: 'patch', group: 'gateway.envoyproxy.io', resource: 'securitypolicies'})
  const objects = [
    httpRoute('shop', 'web') as KubeObject,
    httpRoute('shop', 'public') as KubeObject,
    policy('SecurityPolicy', 'web', 'shop', {kind: 'HTTPRoute', name: 'web'}),
    policy('BackendTrafficPolicy', 'public', 'shop', {kind: 'HTTPRoute', name: 'public'}),
  ]
  const {results, interrupted} = await apply(objects)
  t.false(interrupted)
  t.is(s.getObject(GW, 'HTTPRoute', 'shop', 'web'), undefined, 'the protected route was never created')
  t.false(patched(s).includes('httproutes/web'), 'not even attempted')
  t.truthy(s.getObject(GW, 'HTTPRoute', 'shop', 'public'))
  // Policies were written before any route.
  t.deepEqual(patched(s), ['securitypolicies/web', 'backendtrafficpolicies/public', 'httproutes/public'])
  t.deepEqual(printed, [
    'error: securitypolicy.gateway.envoyproxy.io/web (namespace shop): forbidden: securitypolicies.gateway.envoyproxy.io "web" is forbidden: User "jane" cannot patch resource "securitypolicies" in API group "gateway.envoyproxy.io" in the namespace "shop"; grant "patch" on it (see examples/rbac/ingress2gw-rbac.yaml)',
    'backendtrafficpolicy.gateway.envoyproxy.io/public created',
    'error: httproute.gateway.networking.k8s.io/web (namespace shop): not applied: it needs securitypolicy.gateway.envoyproxy.io/web (namespace shop), which failed; without it the route would be served unprotected or broken',
    'httproute.gateway.networking.k8s.io/public created',
  ])
  t.is(
    applySummary(results, 'none', false),
    '2 of 4 object(s) applied: 2 created, 0 configured, 0 unchanged, 1 failed, 1 withheld\n' +
      '1 route(s) were not applied because a policy, filter, Backend or ReferenceGrant they need failed: shop/httproute.gateway.networking.k8s.io/web\n',
  )
})

test('a Gateway-level policy that fails withholds every route attached to that Gateway', async (t) => {
  const {s, apply} = await setup(t)
  s.seed([ns('shop'), ns('gateway')])
  s.inject({method: 'PATCH', path: /clienttrafficpolicies/, status: 422, message: 'ClientTrafficPolicy.gateway.envoyproxy.io "shared" is invalid: spec: Invalid value'})
  const route = httpRoute('shop', 'web') as KubeObject // parentRefs: gateway/shared
  const {results} = await apply([route, policy('ClientTrafficPolicy', 'shared', 'gateway', {kind: 'Gateway', name: 'shared'})])
  t.deepEqual(
    results.map((r) => r.status),
    ['failed', 'withheld'],
  )
  t.is(s.getObject(GW, 'HTTPRoute', 'shop', 'web'), undefined)
})

test('an interrupted apply reports every object it wrote, starts nothing after the interruption, and lists what it left', async (t) => {
  const {s, apply, printed} = await setup(t)
  s.seed([ns('shop')])
  s.latencyMs = 30 // several requests under way when the interruption comes
  const objects: KubeObject[] = []
  for (let i = 0; i < 12; i++) {
    objects.push(policy('BackendTrafficPolicy', `r${i}`, 'shop', {kind: 'HTTPRoute', name: `r${i}`}))
    objects.push(httpRoute('shop', `r${i}`) as KubeObject)
  }
  const abort = new AbortController()
  let seen = 0
  const {results, interrupted} = await apply(objects, {
    signal: abort.signal,
    onResult: (r: ApplyResult) => {
      printed.push(formatResult(r, 'none'))
      if (++seen === 3) abort.abort() // Ctrl-C after the third line
    },
  })
  t.true(interrupted)
  const written = patched(s).map((p) => p.replace(/^backendtrafficpolicies\//, 'backendtrafficpolicy.gateway.envoyproxy.io/').replace(/^httproutes\//, 'httproute.gateway.networking.k8s.io/'))
  const reported = printed.filter((l) => l.endsWith(' created')).map((l) => l.replace(/ created$/, ''))
  t.true(written.length >= 3)
  t.true(written.length < objects.length, 'the rest was not started')
  t.deepEqual([...reported].sort(), [...written].sort(), 'every write is printed, and only writes')
  t.false(written.some((w) => w.startsWith('httproute')), 'no route goes out while its policies are being written')
  t.is(printed.length, objects.length, 'one line per object of the plan')
  t.true(results.filter((r) => r.status === 'interrupted').every((r) => r.message === 'not applied: interrupted'))
  t.regex(applySummary(results, 'none', true), /^interrupted: \d+ of 24 object\(s\) applied: .*\d+ not started\nnot applied \(interrupted before they started\): .*run apply again to finish\n$/)
})

test('the shared Gateway: only ingress2gw\'s listeners and changes are sent, so another owner can still remove its own listener', async (t) => {
  const {s, apply} = await setup(t)
  s.seed([ns('gateway')])
  const helm = {
    apiVersion: GW,
    kind: 'Gateway',
    metadata: {name: 'shared', namespace: 'gateway'},
    spec: {
      gatewayClassName: 'envoy-internal',
      listeners: [
        {name: 'http', port: 80, protocol: 'HTTP'},
        {name: 'https', port: 443, protocol: 'HTTPS', tls: {mode: 'Terminate', certificateRefs: [{name: 'wildcard'}]}},
        {name: 'team-x', port: 8443, protocol: 'HTTPS', tls: {mode: 'Terminate', certificateRefs: [{name: 'x-tls'}]}},
      ],
    },
  }
  s.seed([helm], 'helm')
  // What the translation emits for this Gateway: the union with the live one (translate/emit-gateway.ts
  // unionWithLive keeps the live class and listeners and appends our certificates).
  const union: KubeObject = {
    apiVersion: GW,
    kind: 'Gateway',
    metadata: {name: 'shared', namespace: 'gateway', labels: {'app.kubernetes.io/managed-by': 'ingress2gw'}},
    spec: {
      gatewayClassName: 'envoy-internal',
      listeners: [
        helm.spec.listeners[0],
        {...helm.spec.listeners[1], tls: {mode: 'Terminate', certificateRefs: [{name: 'wildcard'}, {name: 'shop-tls', namespace: 'shop'}]}},
        helm.spec.listeners[2],
        {name: 'shop-passthrough', port: 443, protocol: 'TLS', hostname: 'tls.shop.example.com', tls: {mode: 'Passthrough'}},
      ],
    },
  }
  const {results} = await apply([union], {forceConflicts: true})
  t.is(results[0].status, 'configured', JSON.stringify(results))
  const sent = JSON.parse(s.requests.find((q) => q.method === 'PATCH')!.body!)
  t.false('gatewayClassName' in sent.spec, 'the live class is another owner\'s')
  t.deepEqual(sent.spec.listeners.map((l: any) => l.name), ['https', 'shop-passthrough'], 'http and team-x are unchanged and not ours')

  // Helm drops team-x (forcing: the https certificateRefs list is atomic and now co-owned): with listeners merged by
  // name, team-x goes and ours stay. Had ingress2gw sent team-x, it would co-own it and the listener would stay.
  const withoutTeamX = {...helm, spec: {...helm.spec, listeners: helm.spec.listeners.filter((l) => l.name !== 'team-x')}}
  const r = await fetch(`${s.url}/apis/gateway.networking.k8s.io/v1/namespaces/gateway/gateways/shared?fieldManager=helm&force=true`, {
    method: 'PATCH',
    headers: {'Content-Type': 'application/apply-patch+yaml', Authorization: 'Bearer dummy'},
    body: JSON.stringify(withoutTeamX),
  })
  t.is(r.status, 200)
  const live = s.getObject(GW, 'Gateway', 'gateway', 'shared')!
  t.deepEqual(live.spec.listeners.map((l: any) => l.name).sort(), ['http', 'https', 'shop-passthrough'])
  t.is(live.spec.gatewayClassName, 'envoy-internal')

  // The next run (the union now without team-x) sends the listeners ingress2gw owns, https and shop-passthrough,
  // and nothing else; the run after it is a no-op.
  const next = {...union, spec: {...union.spec, listeners: union.spec.listeners.filter((l: any) => l.name !== 'team-x')}}
  s.requests.length = 0
  await apply([next], {forceConflicts: true})
  t.deepEqual(JSON.parse(s.requests.find((q) => q.method === 'PATCH')!.body!).spec.listeners.map((l: any) => l.name), ['https', 'shop-passthrough'])
  t.is((await apply([next])).results[0].status, 'unchanged')
})

test('gatewayApplyShape: a Gateway that does not exist yet is sent whole', (t) => {
  const desired: KubeObject = {apiVersion: GW, kind: 'Gateway', metadata: {name: 'shared', namespace: 'gateway'}, spec: {gatewayClassName: 'eg', listeners: [{name: 'http', port: 80, protocol: 'HTTP'}]}}
  t.is(gatewayApplyShape(desired, undefined, undefined), desired)
})

test('outsideNamespace: other namespaces, other Namespace objects and cluster-scoped objects; never the refused kinds', (t) => {
  const objects: KubeObject[] = [
    httpRoute('shop', 'web') as KubeObject,
    {apiVersion: `${GROUP}/v1beta1`, kind: 'ReferenceGrant', metadata: {name: 'g', namespace: 'auth'}, spec: {}},
    ns('shop') as KubeObject,
    ns('gateway') as KubeObject,
    {apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: {name: 'le'}, spec: {}},
    {apiVersion: 'v1', kind: 'Service', metadata: {name: 's', namespace: 'other'}},
  ]
  t.deepEqual(
    outsideNamespace(objects, 'shop').map((o) => `${o.kind}/${o.metadata.name}`),
    ['ReferenceGrant/g', 'Namespace/gateway', 'ClusterIssuer/le'],
  )
})

test('Ctrl-C during apply (the real command, SIGINT): every object written was printed, nothing new starts, exit 130', async (t) => {
  const {s} = await setup(t)
  const dir = tempDir(t)
  const kubeconfig = s.writeKubeconfig(dir, {namespace: 'shop'})
  s.seed([ns('shop')])
  s.latencyMs = 40
  const objects: object[] = []
  for (let i = 0; i < 30; i++) objects.push(httpRoute('shop', `r${i}`))
  const file = join(dir, 'routes.yaml')
  writeFileSync(file, objects.map((o) => jsYaml.dump({...o, metadata: {...(o as any).metadata, labels: {'app.kubernetes.io/managed-by': 'ingress2gw'}}})).join('---\n'))
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'kubectl-ingress2gw'), 'apply', '-f', file, '--kubeconfig', kubeconfig], {env: {...process.env, HOME: dir, KUBECONFIG: '', NO_COLOR: '1'}})
  let stdout = ''
  let stderr = ''
  let interrupted = false
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()))
  const code = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 240_000) // the bound of every spawned command (test/support/cluster-helpers.ts): a loaded 2-core machine slows the child, which then got SIGKILLed here (exit null)
    child.stdout.on('data', (b: Buffer) => {
      stdout += b.toString()
      if (!interrupted && stdout.includes('\n')) {
        interrupted = true
        child.kill('SIGINT')
      }
    })
    child.on('close', (c) => {
      clearTimeout(timer)
      resolve(c)
    })
  })
  t.is(code, 130, stderr)
  const written = s.requests.filter((q) => q.method === 'PATCH').map((q) => `httproute.gateway.networking.k8s.io/${q.path.split('/').pop()} created`)
  const printed = stdout.trim().split('\n')
  t.deepEqual([...printed].sort(), [...written].sort())
  t.true(written.length < 30, 'the rest was not started')
  t.regex(stderr, /^interrupted: \d+ of 30 object\(s\) applied: /m)
  t.regex(stderr, /^not applied \(interrupted before they started\): /m)
})

test('a server dry run into a namespace this apply creates: the policy fails there only for the dry run, so its route is not withheld', async (t) => {
  const {apply} = await setup(t)
  const objects = [ns('fresh', {'shared-gateway-access': 'true'}) as KubeObject, httpRoute('fresh', 'web') as KubeObject, policy('SecurityPolicy', 'web', 'fresh', {kind: 'HTTPRoute', name: 'web'})]
  const {results} = await apply(objects, {dryRun: 'server'})
  t.deepEqual(
    results.map((r) => `${r.kind} ${r.status}`),
    ['Namespace created', 'SecurityPolicy failed', 'HTTPRoute failed'],
  )
  t.true(results.slice(1).every((r) => /namespaces "fresh" not found: this apply creates that namespace/.test(r.message!)))
})

test('routeDependencies: a BackendTLSPolicy on a backend Service of the route (without it Envoy would send that backend plaintext)', (t) => {
  // src/output/apply-plan.ts routeDependencies. backend-protocol: HTTPS with proxy-ssl-verify becomes a
  // BackendTLSPolicy targeting the Service; a route applied while that policy failed would send the requests (with
  // their credentials) to the backend in cleartext, where ingress-nginx used TLS.
  const route: KubeObject = {
    apiVersion: GW,
    kind: 'HTTPRoute',
    metadata: {name: 'web', namespace: 'shop'},
    spec: {parentRefs: [{name: 'shared', namespace: 'gateway'}], rules: [{backendRefs: [{name: 'secure', port: 443}, {group: '', kind: 'Service', name: 'plain', port: 80}]}]},
  }
  const tls = (name: string, namespace: string, service: string): KubeObject => ({
    apiVersion: `${GROUP}/v1`,
    kind: 'BackendTLSPolicy',
    metadata: {name, namespace},
    spec: {targetRefs: [{group: '', kind: 'Service', name: service}], validation: {hostname: 'secure.shop.svc', wellKnownCACertificates: 'System'}},
  })
  const objects = [route, tls('secure', 'shop', 'secure'), tls('elsewhere', 'other', 'secure'), tls('unused', 'shop', 'unused')]
  t.deepEqual(routeDependencies(objects).get(0), [1])
})

test('routeDependencies: the ReferenceGrant a needed policy uses across namespaces (ext-auth Service in another namespace)', (t) => {
  // src/output/apply-plan.ts routeDependencies. Without the grant, Envoy Gateway fails the SecurityPolicy's ext-auth
  // backendRef and answers HTTP 500 on the route (internal/gatewayapi/securitypolicy.go, "return a 500 direct
  // response to avoid unauthorized access"): the route would be applied only to fail.
  const route = httpRoute('shop', 'web') as KubeObject
  const extAuth: KubeObject = {
    apiVersion: EG,
    kind: 'SecurityPolicy',
    metadata: {name: 'web', namespace: 'shop'},
    spec: {targetRefs: [{group: GROUP, kind: 'HTTPRoute', name: 'web'}], extAuth: {http: {backendRefs: [{name: 'oauth2-proxy', namespace: 'auth', port: 4180}]}}},
  }
  const grant = (name: string, fromKind: string, fromNs: string): KubeObject => ({
    apiVersion: `${GROUP}/v1beta1`,
    kind: 'ReferenceGrant',
    metadata: {name, namespace: 'auth'},
    spec: {from: [{group: 'gateway.envoyproxy.io', kind: fromKind, namespace: fromNs}], to: [{group: '', kind: 'Service'}]},
  })
  const objects = [route, extAuth, grant('from-shop-sp', 'SecurityPolicy', 'shop'), grant('from-other-sp', 'SecurityPolicy', 'other'), grant('from-shop-btp', 'BackendTrafficPolicy', 'shop')]
  t.deepEqual(routeDependencies(objects).get(0), [1, 2])
})

test('a Gateway whose own policy failed is withheld too: routes a later run attaches would be served without it', async (t) => {
  // src/output/apply-plan.ts routeDependencies (Gateways included). A ClientTrafficPolicy on the Gateway carries
  // the client IP detection the routes' allowlists rely on, PROXY protocol and TLS settings: a Gateway applied
  // without it serves every route an app team attaches later (apply -n shop, whose plan does not hold the policy).
  const {s, apply, printed} = await setup(t)
  s.seed([ns('gateway')])
  s.inject({method: 'PATCH', path: /clienttrafficpolicies/, status: 422, message: 'ClientTrafficPolicy.gateway.envoyproxy.io "shared" is invalid: spec: Invalid value'})
  const gateway: KubeObject = {apiVersion: GW, kind: 'Gateway', metadata: {name: 'shared', namespace: 'gateway'}, spec: {gatewayClassName: 'eg', listeners: [{name: 'http', port: 80, protocol: 'HTTP'}]}}
  const other: KubeObject = {apiVersion: GW, kind: 'Gateway', metadata: {name: 'internal', namespace: 'gateway'}, spec: {gatewayClassName: 'eg', listeners: [{name: 'http', port: 80, protocol: 'HTTP'}]}}
  const {results} = await apply([gateway, other, policy('ClientTrafficPolicy', 'shared', 'gateway', {kind: 'Gateway', name: 'shared'})])
  t.deepEqual(
    results.map((r) => [r.object, r.status]),
    [
      ['clienttrafficpolicy.gateway.envoyproxy.io/shared', 'failed'],
      ['gateway.gateway.networking.k8s.io/shared', 'withheld'],
      ['gateway.gateway.networking.k8s.io/internal', 'created'],
    ],
  )
  t.is(s.getObject(GW, 'Gateway', 'gateway', 'shared'), undefined)
  t.regex(printed[1], /^error: gateway\.gateway\.networking\.k8s\.io\/shared \(namespace gateway\): not applied: it needs clienttrafficpolicy\.gateway\.envoyproxy\.io\/shared \(namespace gateway\), which failed; without it the Gateway would serve its routes without the policy's settings$/)
  t.regex(applySummary(results, 'none', false), /^1 Gateway\(s\) were not applied because a policy targeting them failed: gateway\/gateway\.gateway\.networking\.k8s\.io\/shared$/m)
})
