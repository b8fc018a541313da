/**
 * GitOps repositories converted whole (issue 21 items 2 and 3): a Flux-shaped tree (test/fixtures/flux-tree) whose
 * IngressClasses and Services come from Helm charts, so they are not in the files; the end summary counts every
 * skipped Ingress by reason; --all-classes; the Helm path (`helm template ... | convert -f - -f DIR`); and
 * --lookup-cluster, which reads only what the files lack, with GETs, from the fake API server.
 */
import test from 'ava'
import {execFile} from 'node:child_process'
import {join} from 'node:path'
import jsYaml from 'js-yaml'
import {FakeApiServer} from './support/fake-apiserver.js'
import {cli, ROOT, tempDir} from './support/cluster-helpers.js'

const TREE = join(ROOT, 'test', 'fixtures', 'flux-tree')

/** The CLI from source with `input` on its stdin (`-f -`). */
function cliWithStdin(args: string[], input: string, env: NodeJS.ProcessEnv): Promise<{code: number; stdout: string; stderr: string}> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [join(ROOT, 'test', 'support', 'cli-dev.mjs'), ...args], {cwd: ROOT, env: {...process.env, NO_COLOR: '1', ...env}, maxBuffer: 64 * 1024 * 1024, timeout: 240_000}, (err, stdout, stderr) => {
      const code = err ? (typeof (err as {code?: unknown}).code === 'number' ? (err as {code: number}).code : 99) : 0
      resolve({code, stdout: String(stdout), stderr: String(stderr)})
    })
    child.stdin!.end(input)
  })
}

const countsLine = (stderr: string) => stderr.split('\n').find((l) => l.startsWith('Ingresses: ')) ?? ''
const routes = (stdout: string) => (jsYaml.loadAll(stdout) as any[]).filter((o) => o?.kind === 'HTTPRoute' && o.metadata.namespace !== 'gateway')

/** No kubeconfig anywhere: a run that contacted a cluster would fail. */
const noCluster = (t: any) => ({HOME: tempDir(t), KUBECONFIG: ''})

test('Flux tree without flags: internal and external are named once, as a warning with the line to paste; the summary counts the skips', async (t) => {
  const r = await cli(['convert', '-R', '-f', TREE, '--no-verify'], {env: noCluster(t)})
  t.is(r.code, 0, r.stderr)
  // 6 Ingresses: grafana (annotation class nginx) converts; jellyfin, sonarr (internal), echo, homepage (external)
  // have classes without an IngressClass in the files; legacy has no class.
  t.is(countsLine(r.stderr), 'Ingresses: 6 read, 1 converted, 5 skipped: 4 class not selected (external 2, internal 2), 1 without a class')
  const warnings = r.stderr.split('\n').filter((l) => l.startsWith('warning classes-not-selected'))
  t.is(warnings.length, 1, 'said once')
  t.true(warnings[0].endsWith('If ingress-nginx served them, add: --ingress-class nginx --ingress-class external --ingress-class internal'), warnings[0])
  t.notRegex(r.stderr, /info class-not-selected: .*class "(internal|external)"/, 'not repeated as info lines')
  t.deepEqual(routes(r.stdout).map((o) => o.metadata.name), ['grafana'])
})

test('Flux tree --all-classes: every class converts, each its own controller; named ports of the Helm-rendered Services are counted', async (t) => {
  const r = await cli(['convert', '-R', '-f', TREE, '--no-verify', '--all-classes'], {env: noCluster(t)})
  t.is(r.code, 0, r.stderr)
  const line = countsLine(r.stderr)
  // jellyfin: its only path names port "http" of a Service the HelmRelease renders -> no path left.
  // echo: "/" names port "http" (absent Service) and is dropped, "/metrics" (port 9090) converts.
  // sonarr: auth-url "https://auth.${SECRET_DOMAIN}/oauth2/auth" is an opaque placeholder token, valid for some
  // substitution (issue 21 item 1, docs/placeholders.md): it converts.
  t.is(line, 'Ingresses: 6 read, 4 converted, 2 skipped: 1 without a class, 1 no path left (named port of a Service not found); 1 path(s) of converted Ingresses dropped (named port of a Service not found)')
  t.notRegex(r.stderr, /classes-not-selected/)
  const names = routes(r.stdout).map((o) => o.metadata.name)
  for (const name of ['echo', 'grafana', 'homepage']) t.true(names.includes(name), name)
  t.false(names.includes('jellyfin'))
  const echo = routes(r.stdout).find((o) => o.metadata.name === 'echo')
  t.deepEqual(
    echo.spec.rules.flatMap((rule: any) => rule.backendRefs.map((b: any) => `${b.name}:${b.port}`)),
    ['echo-metrics:9090'],
    "the Ingress's other path still converts",
  )
  t.regex(r.stderr, /port name "http" of Service media\/jellyfin cannot be resolved, the Service is not in the input; the path is not converted/)
  t.regex(r.stderr, /hint: .*helm template RELEASE CHART -n NAMESPACE \| kubectl ingress2gw convert -f - -f DIR.*--lookup-cluster/)
})

test('Helm path: helm template output on stdin (-f -) beside the Ingress folder resolves the named ports', async (t) => {
  // What `helm template jellyfin bjw-s/app-template -n media` and `... echo ...` print: Services with named ports
  // (and a Deployment), each after a "# Source:" comment.
  const rendered = [
    '---\n# Source: app-template/templates/common.yaml\n' +
      jsYaml.dump({apiVersion: 'v1', kind: 'Service', metadata: {name: 'jellyfin', namespace: 'media', labels: {'app.kubernetes.io/managed-by': 'Helm'}}, spec: {ports: [{name: 'http', port: 8096, targetPort: 8096}]}}),
    '---\n# Source: app-template/templates/common.yaml\n' +
      jsYaml.dump({apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'jellyfin', namespace: 'media'}, spec: {selector: {matchLabels: {app: 'jellyfin'}}, template: {metadata: {labels: {app: 'jellyfin'}}, spec: {containers: [{name: 'app', image: 'ghcr.io/example/jellyfin:1.0.0'}]}}}}),
    '---\n# Source: echo/templates/service.yaml\n' + jsYaml.dump({apiVersion: 'v1', kind: 'Service', metadata: {name: 'echo', namespace: 'default'}, spec: {ports: [{name: 'http', port: 8080}]}}),
  ].join('')
  const r = await cliWithStdin(['convert', '-f', '-', '-R', '-f', TREE, '--no-verify', '--all-classes'], rendered, noCluster(t))
  t.is(r.code, 0, r.stderr)
  t.notRegex(r.stderr, /unresolved-port-name/)
  const line = countsLine(r.stderr)
  t.is(line, 'Ingresses: 6 read, 5 converted, 1 skipped: 1 without a class')
  const byName = new Map(routes(r.stdout).map((o) => [o.metadata.name, o]))
  t.deepEqual(byName.get('jellyfin')?.spec.rules[0].backendRefs.map((b: any) => b.port), [8096])
  t.deepEqual(byName.get('jellyfin')?.spec.hostnames, ['jellyfin.${SECRET_DOMAIN}'], 'the placeholder is kept verbatim')
  t.deepEqual(
    byName.get('echo')?.spec.rules.flatMap((rule: any) => rule.backendRefs.map((b: any) => `${b.name}:${b.port}`)).sort(),
    ['echo-metrics:9090', 'echo:8080'],
  )
})

const clusterObjects = [
  {apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'media'}},
  {apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'ingress-nginx'}},
  {apiVersion: 'v1', kind: 'Service', metadata: {name: 'jellyfin', namespace: 'media'}, spec: {ports: [{name: 'http', port: 8096}]}},
  {apiVersion: 'v1', kind: 'Service', metadata: {name: 'unrelated', namespace: 'media'}, spec: {ports: [{name: 'http', port: 80}]}},
  {apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: {name: 'internal'}, spec: {controller: 'k8s.io/ingress-nginx'}},
  {apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: {name: 'traefik'}, spec: {controller: 'traefik.io/ingress-controller'}},
  {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'ingress-nginx-controller', namespace: 'ingress-nginx'}, data: {'proxy-body-size': '20m'}},
  {apiVersion: 'v1', kind: 'Secret', metadata: {name: 'jellyfin-tls', namespace: 'media'}, data: {'tls.key': 'c2VjcmV0'}},
]

test('--lookup-cluster reads only what the files lack, by name with GETs, and says what it read', async (t) => {
  const s = await FakeApiServer.start()
  t.teardown(() => s.close())
  s.seed(clusterObjects)
  const dir = tempDir(t)
  const kubeconfig = s.writeKubeconfig(dir, {namespace: 'default'})
  const r = await cli(['convert', '-R', '-f', TREE, '--no-verify', '--lookup-cluster', '--kubeconfig', kubeconfig], {env: {HOME: dir, KUBECONFIG: ''}})
  t.is(r.code, 0, r.stderr)
  const data = s.requests
  t.true(data.every((q) => q.method === 'GET'), 'read-only')
  t.false(data.some((q) => q.query.limit !== undefined || /\/(services|ingressclasses|configmaps)$/.test(q.path)), 'nothing is listed')
  t.false(data.some((q) => q.path.includes('/secrets')), 'no Secret is read')
  // Exactly the objects the Ingresses need: the 5 Services they name (homepage's is in the files), their 3 classes
  // (nginx, internal, external), the chart's usual controller ConfigMap.
  t.deepEqual(data.map((q) => q.path).sort(), [
    '/api/v1/namespaces/default/services/echo',
    '/api/v1/namespaces/default/services/echo-metrics',
    '/api/v1/namespaces/default/services/legacy',
    '/api/v1/namespaces/ingress-nginx/configmaps/ingress-nginx-controller',
    '/api/v1/namespaces/media/services/jellyfin',
    '/api/v1/namespaces/media/services/sonarr',
    '/api/v1/namespaces/observability/services/grafana',
    '/apis/networking.k8s.io/v1/ingressclasses/external',
    '/apis/networking.k8s.io/v1/ingressclasses/internal',
    '/apis/networking.k8s.io/v1/ingressclasses/nginx',
  ])
  t.regex(
    r.stderr,
    /info cluster-lookup: --lookup-cluster read from http:\/\/127\.0\.0\.1:\d+ \(context "[^"]+"\) \(get only\): 1 Service\(s\) \(media\/jellyfin\), 1 IngressClass\(s\) \(internal\), 1 ConfigMap\(s\) \(ingress-nginx\/ingress-nginx-controller\); not in the cluster either: 5 Service\(s\) \(default\/echo, default\/echo-metrics, default\/legacy, media\/sonarr, observability\/grafana\), 2 IngressClass\(s\) \(external, nginx\)/,
  )
  // The cluster's IngressClass makes internal an ingress-nginx class; external has none anywhere: still the warning.
  t.regex(r.stderr, /warning classes-not-selected: 2 Ingress\(es\) are not converted: .*external \(default\/echo, default\/homepage\)\. If ingress-nginx served them, add: --ingress-class internal --ingress-class nginx --ingress-class external/)
  const jellyfin = routes(r.stdout).find((o) => o.metadata.name === 'jellyfin')
  t.deepEqual(jellyfin?.spec.rules[0].backendRefs.map((b: any) => b.port), [8096], 'the named port resolved from the cluster Service')
  // Services are now known: a missing one is said to be missing from the cluster.
  t.regex(r.stderr, /Service observability\/grafana \(port 80\) does not exist in the cluster/)
})

test('without --lookup-cluster no cluster is contacted, even with a kubeconfig', async (t) => {
  const s = await FakeApiServer.start()
  t.teardown(() => s.close())
  s.seed(clusterObjects)
  const dir = tempDir(t)
  const kubeconfig = s.writeKubeconfig(dir, {namespace: 'default'})
  const r = await cli(['convert', '-R', '-f', TREE, '--no-verify', '--all-classes', '--kubeconfig', kubeconfig], {env: {HOME: dir, KUBECONFIG: ''}})
  t.is(r.code, 0, r.stderr)
  t.deepEqual(s.requests, [])
  t.regex(r.stderr, /port name "http" of Service media\/jellyfin cannot be resolved/)
})

test('--all-classes and --lookup-cluster are for files: reading the cluster, they are refused', async (t) => {
  for (const flag of ['--all-classes', '--lookup-cluster']) {
    const r = await cli(['convert', flag], {env: noCluster(t)})
    t.is(r.code, 2)
    t.regex(r.stderr, new RegExp(`^error: ${flag} applies to files \\(-f\\)`), r.stderr)
  }
})
