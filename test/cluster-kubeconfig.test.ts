/**
 * Kubeconfig selection as kubectl does it, where client-node differs: several KUBECONFIG files (first file's
 * current-context and entries win, duplicates merge instead of throwing), --context checked, namespace fallbacks,
 * and no silent localhost:8080 when there is no kubeconfig.
 */
import test from 'ava'
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import jsYaml from 'js-yaml'
import {ClusterError, loadKubeConfig, resolveKubeconfig, resolveNamespace, SERVICE_ACCOUNT_DIR} from '../src/sources/kubeconfig.js'
import {readCluster} from '../src/sources/cluster.js'
import {FakeApiServer} from './support/fake-apiserver.js'
import {ingress, ROOT, run, tempDir} from './support/cluster-helpers.js'

interface Ctx {
  name: string
  cluster: string
  user: string
  namespace?: string
}

function writeConfig(file: string, cfg: {current?: string; clusters?: [string, string][]; users?: [string, Record<string, unknown>][]; contexts?: Ctx[]}): string {
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    ...(cfg.current ? {'current-context': cfg.current} : {}),
    clusters: (cfg.clusters ?? []).map(([name, server]) => ({name, cluster: {server, 'insecure-skip-tls-verify': true}})),
    users: (cfg.users ?? []).map(([name, user]) => ({name, user})),
    contexts: (cfg.contexts ?? []).map((c) => ({name: c.name, context: {cluster: c.cluster, user: c.user, ...(c.namespace ? {namespace: c.namespace} : {})}})),
  }
  writeFileSync(file, jsYaml.dump(doc))
  return file
}

function twoFiles(dir: string) {
  const a = writeConfig(join(dir, 'a.yaml'), {
    current: 'ctx-a',
    clusters: [['shared', 'https://first.example:6443']],
    users: [['admin', {token: 'from-a'}]],
    contexts: [{name: 'ctx-a', cluster: 'shared', user: 'admin', namespace: 'team-a'}],
  })
  const b = writeConfig(join(dir, 'b.yaml'), {
    current: 'ctx-b',
    clusters: [
      ['shared', 'https://second.example:6443'],
      ['other', 'https://other.example:6443'],
    ],
    users: [['admin', {token: 'from-b'}]],
    contexts: [
      {name: 'ctx-b', cluster: 'other', user: 'admin'},
      {name: 'ctx-a', cluster: 'other', user: 'admin'},
    ],
  })
  return {a, b}
}

test('several KUBECONFIG files: the first file current-context wins and duplicate names merge first-wins', (t) => {
  const dir = tempDir(t)
  const {a, b} = twoFiles(dir)
  const r = resolveKubeconfig({}, {KUBECONFIG: `${a}:${b}`, HOME: dir})
  t.is(r.context, 'ctx-a')
  t.is(r.server, 'https://first.example:6443')
  t.is(r.namespace, 'team-a')
  t.deepEqual(r.files, [a, b])
  // Merged: each name once, from the first file that has it; entries only in the second file are kept.
  t.deepEqual(r.config.clusters.map((c) => c.name).sort(), ['other', 'shared'])
  t.deepEqual(r.config.contexts.map((c) => c.name).sort(), ['ctx-a', 'ctx-b'])
  t.is((r.config.users.find((u) => u.name === 'admin')!.user as {token: string}).token, 'from-a')
  // Reversed order, the other file wins.
  const rev = resolveKubeconfig({}, {KUBECONFIG: `${b}:${a}`, HOME: dir})
  t.is(rev.context, 'ctx-b')
  t.is(rev.server, 'https://other.example:6443')
})

test('--context picks a context defined only in a later file; --kubeconfig overrides KUBECONFIG', (t) => {
  const dir = tempDir(t)
  const {a, b} = twoFiles(dir)
  const r = resolveKubeconfig({context: 'ctx-b'}, {KUBECONFIG: `${a}:${b}`, HOME: dir})
  t.is(r.context, 'ctx-b')
  t.is(r.server, 'https://other.example:6443')
  t.is(r.namespace, 'default')
  const only = resolveKubeconfig({kubeconfig: b}, {KUBECONFIG: a, HOME: dir})
  t.is(only.context, 'ctx-b')
  t.deepEqual(only.files, [b])
})

test('missing files in KUBECONFIG are skipped; when none exist the error says so', (t) => {
  const dir = tempDir(t)
  const {a} = twoFiles(dir)
  const r = resolveKubeconfig({}, {KUBECONFIG: `${join(dir, 'nope.yaml')}:${a}`, HOME: dir})
  t.is(r.context, 'ctx-a')
  const err = t.throws(() => resolveKubeconfig({}, {KUBECONFIG: join(dir, 'nope.yaml'), HOME: dir}), {instanceOf: ClusterError})
  t.regex(err!.message, /none of the files in KUBECONFIG exist/)
  const missing = t.throws(() => resolveKubeconfig({kubeconfig: join(dir, 'gone.yaml')}, {HOME: dir}), {instanceOf: ClusterError})
  t.regex(missing!.message, /gone\.yaml \(from --kubeconfig\) does not exist/)
})

test('an unknown --context is an error naming it and listing the available contexts', (t) => {
  const dir = tempDir(t)
  const {a, b} = twoFiles(dir)
  const err = t.throws(() => resolveKubeconfig({context: 'prod'}, {KUBECONFIG: `${a}:${b}`, HOME: dir}), {instanceOf: ClusterError})
  t.regex(err!.message, /context "prod" does not exist/)
  t.regex(err!.message, /available contexts: ctx-a, ctx-b/)
  t.notRegex(err!.message, /\n/)
})

test('namespace: -n wins, then the context namespace, then default', (t) => {
  const dir = tempDir(t)
  const {a, b} = twoFiles(dir)
  const env = {KUBECONFIG: `${a}:${b}`, HOME: dir}
  t.is(resolveKubeconfig({namespace: 'team-z'}, env).namespace, 'team-z')
  t.is(resolveKubeconfig({}, env).namespace, 'team-a')
  t.is(resolveKubeconfig({context: 'ctx-b'}, env).namespace, 'default')
})

test('no kubeconfig anywhere is a clear error, not a silent localhost:8080', async (t) => {
  const home = tempDir(t)
  const err = t.throws(() => resolveKubeconfig({}, {HOME: home}), {instanceOf: ClusterError})
  t.regex(err!.message, /no kubeconfig found/)
  t.regex(err!.message, /\.kube\/config does not exist/)
  await t.throwsAsync(loadKubeConfig({}, {HOME: home}), {instanceOf: ClusterError, message: /no kubeconfig found/})
  // ~/.kube/config is used when present.
  mkdirSync(join(home, '.kube'))
  writeConfig(join(home, '.kube', 'config'), {current: 'c', clusters: [['k', 'https://home.example']], users: [['u', {}]], contexts: [{name: 'c', cluster: 'k', user: 'u'}]})
  t.is(resolveKubeconfig({}, {HOME: home}).server, 'https://home.example')
})

test('no current-context, or a context pointing at a missing cluster, are clear errors', (t) => {
  const dir = tempDir(t)
  const f = writeConfig(join(dir, 'k.yaml'), {clusters: [['k', 'https://x']], users: [['u', {}]], contexts: [{name: 'c', cluster: 'k', user: 'u'}, {name: 'd', cluster: 'gone', user: 'u'}]})
  t.throws(() => resolveKubeconfig({kubeconfig: f}), {instanceOf: ClusterError, message: /no current context is set.*available: c, d/})
  t.throws(() => resolveKubeconfig({kubeconfig: f, context: 'd'}), {instanceOf: ClusterError, message: /refers to cluster "gone"/})
})

test('relative certificate paths resolve against the file that names them', (t) => {
  const dir = tempDir(t)
  mkdirSync(join(dir, 'sub'))
  const f = join(dir, 'sub', 'k.yaml')
  writeFileSync(
    f,
    jsYaml.dump({
      'current-context': 'c',
      clusters: [{name: 'k', cluster: {server: 'https://x', 'certificate-authority': 'ca.crt'}}],
      users: [{name: 'u', user: {'client-certificate': 'certs/u.crt', 'client-key': '/abs/u.key'}}],
      contexts: [{name: 'c', context: {cluster: 'k', user: 'u'}}],
    }),
  )
  const r = resolveKubeconfig({}, {KUBECONFIG: f, HOME: dir})
  t.is((r.config.clusters[0].cluster as any)['certificate-authority'], join(dir, 'sub', 'ca.crt'))
  t.is((r.config.users[0].user as any)['client-certificate'], join(dir, 'sub', 'certs', 'u.crt'))
  t.is((r.config.users[0].user as any)['client-key'], '/abs/u.key')
})

test('end to end: with two KUBECONFIG files naming the same cluster and user, the first file is the one used', async (t) => {
  const s = await FakeApiServer.start({token: 'right'})
  t.teardown(() => s.close())
  s.seed([ingress('team-a', 'web')])
  const dir = tempDir(t)
  // Same names in both; the second points at a closed port with a wrong token. client-node alone would throw
  // "Duplicate cluster", or (with distinct names) take the second file's current-context.
  const first = writeConfig(join(dir, 'first.yaml'), {
    current: 'main',
    clusters: [['c', s.url]],
    users: [['u', {token: 'right'}]],
    contexts: [{name: 'main', cluster: 'c', user: 'u', namespace: 'team-a'}],
  })
  const second = writeConfig(join(dir, 'second.yaml'), {
    current: 'main',
    clusters: [['c', 'http://127.0.0.1:1']],
    users: [['u', {token: 'wrong'}]],
    contexts: [{name: 'main', cluster: 'c', user: 'u', namespace: 'elsewhere'}],
  })
  const kc = await loadKubeConfig({}, {KUBECONFIG: `${first}:${second}`, HOME: dir})
  t.is(kc.kc.getCurrentContext(), 'main')
  t.is(kc.kc.getCurrentCluster()?.server, s.url)
  const read = await readCluster({allNamespaces: false, gateways: [], env: {KUBECONFIG: `${first}:${second}`, HOME: dir}})
  t.is(read.namespace, 'team-a')
  t.deepEqual(
    read.objects.filter((o) => o.object.kind === 'Ingress').map((o) => o.object.metadata.name),
    ['web'],
  )
  t.true(s.requests.every((q) => q.headers.authorization === 'Bearer right'))
})

/** A fake pod filesystem: `<root>/var/run/secrets/kubernetes.io/serviceaccount/{token,namespace,ca.crt}`. */
function podRoot(t: Parameters<typeof tempDir>[0], files: {token?: string; namespace?: string; ca?: boolean} = {}): string {
  const root = tempDir(t, 'i2g-pod-')
  const sa = join(root, SERVICE_ACCOUNT_DIR)
  mkdirSync(sa, {recursive: true})
  if (files.token !== undefined) writeFileSync(join(sa, 'token'), files.token)
  if (files.namespace !== undefined) writeFileSync(join(sa, 'namespace'), files.namespace)
  if (files.ca) writeFileSync(join(sa, 'ca.crt'), 'not read until a request is made')
  return root
}

test('no kubeconfig, in a pod: the in-cluster config (https, service-account token and namespace), as kubectl', async (t) => {
  const home = tempDir(t)
  const root = podRoot(t, {token: 'sa-token', namespace: 'team-pod\n', ca: true})
  const env = {HOME: home, KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443'}
  const loaded = await loadKubeConfig({}, env, root)
  t.is(loaded.server, 'https://10.96.0.1:443')
  t.is(loaded.namespace, 'team-pod')
  t.deepEqual(loaded.files, [])
  t.is(loaded.kc.getCurrentCluster()?.server, 'https://10.96.0.1:443')
  t.is(loaded.kc.getCurrentCluster()?.caFile, join(root, SERVICE_ACCOUNT_DIR, 'ca.crt'))
  const fetchOpts = await loaded.kc.applyToFetchOptions({})
  t.is(new Headers(fetchOpts.headers as Record<string, string> | Headers | undefined).get('Authorization'), 'Bearer sa-token')
  // -n wins; POD_NAMESPACE wins over the namespace file; kubectl uses https whatever the port (client-node would not).
  t.is((await loadKubeConfig({namespace: 'team-z'}, env, root)).namespace, 'team-z')
  const onProxyPort = await loadKubeConfig({}, {...env, KUBERNETES_SERVICE_PORT: '8080', POD_NAMESPACE: 'from-env'}, root)
  t.is(onProxyPort.server, 'https://10.96.0.1:8080')
  t.is(onProxyPort.namespace, 'from-env')
  // Without the token file, or without the service env, or with --context, it is not in-cluster: the usual error.
  const noToken = podRoot(t, {namespace: 'team-pod'})
  await t.throwsAsync(loadKubeConfig({}, env, noToken), {instanceOf: ClusterError, message: /no kubeconfig found/})
  await t.throwsAsync(loadKubeConfig({}, {HOME: home}, root), {instanceOf: ClusterError, message: /no kubeconfig found/})
  await t.throwsAsync(loadKubeConfig({context: 'prod'}, env, root), {instanceOf: ClusterError, message: /no kubeconfig found/})
  // A kubeconfig, when there is one, is used instead; a context without a namespace takes the pod's (as kubectl).
  const f = writeConfig(join(home, 'k.yaml'), {current: 'c', clusters: [['k', 'https://k.example']], users: [['u', {}]], contexts: [{name: 'c', cluster: 'k', user: 'u'}]})
  const withFile = await loadKubeConfig({kubeconfig: f}, env, root)
  t.is(withFile.server, 'https://k.example')
  t.is(withFile.namespace, 'team-pod')
})

test('a plain-http server (kubectl proxy) is used as kubectl does, without insecure-skip-tls-verify in the file', async (t) => {
  const s = await FakeApiServer.start({token: 'tok'})
  t.teardown(() => s.close())
  s.seed([ingress('team-a', 'web')])
  const dir = tempDir(t)
  const file = join(dir, 'proxy.yaml')
  const text = jsYaml.dump({
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': 'proxy',
    clusters: [{name: 'proxy', cluster: {server: s.url}}],
    users: [{name: 'u', user: {token: 'tok'}}],
    contexts: [{name: 'proxy', context: {cluster: 'proxy', user: 'u', namespace: 'team-a'}}],
  })
  writeFileSync(file, text)
  const env = {KUBECONFIG: file, HOME: dir}
  const loaded = await loadKubeConfig({}, env)
  t.is(loaded.kc.getCurrentCluster()?.server, s.url)
  const read = await readCluster({allNamespaces: false, gateways: [], env})
  t.deepEqual(
    read.objects.filter((o) => o.object.kind === 'Ingress').map((o) => o.object.metadata.name),
    ['web'],
  )
  // In memory only: the kubeconfig file is untouched.
  t.is(readFileSync(file, 'utf8'), text)
})

test('resolveNamespace: -n, else the context namespace, else default; undefined without a kubeconfig; errors as kubectl', (t) => {
  const dir = tempDir(t)
  const {a, b} = twoFiles(dir)
  const env = {KUBECONFIG: `${a}:${b}`, HOME: dir}
  t.is(resolveNamespace({namespace: 'team-z'}, env), 'team-z')
  t.is(resolveNamespace({}, env), 'team-a')
  t.is(resolveNamespace({context: 'ctx-b'}, env), 'default')
  t.is(resolveNamespace({kubeconfig: b}, env), 'default')
  // No kubeconfig at all: undefined (the caller keeps its own default)...
  const home = tempDir(t)
  t.is(resolveNamespace({}, {HOME: home}), undefined)
  t.is(resolveNamespace({}, {HOME: home, KUBECONFIG: join(home, 'nope.yaml')}), undefined)
  t.is(resolveNamespace({namespace: 'team-z'}, {HOME: home}), 'team-z')
  // ...except in a pod, where kubectl uses the pod's namespace.
  const root = podRoot(t, {token: 'x', namespace: 'team-pod'})
  const pod = {HOME: home, KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443'}
  t.is(resolveNamespace({}, pod, root), 'team-pod')
  t.is(resolveNamespace({}, {...pod, ...env}, root), 'team-a')
  t.is(resolveNamespace({context: 'ctx-b'}, {...pod, ...env}, root), 'team-pod')
  // Where kubectl fails, one line: a missing --kubeconfig, an unknown --context. The cluster is never checked here.
  t.throws(() => resolveNamespace({kubeconfig: join(home, 'gone.yaml')}, {HOME: home}), {instanceOf: ClusterError, message: /gone\.yaml \(from --kubeconfig\) does not exist/})
  t.throws(() => resolveNamespace({context: 'prod'}, env), {instanceOf: ClusterError, message: /context "prod" does not exist.*available contexts: ctx-a, ctx-b$/})
  const broken = writeConfig(join(dir, 'broken.yaml'), {current: 'c', contexts: [{name: 'c', cluster: 'gone', user: 'gone', namespace: 'team-c'}]})
  t.is(resolveNamespace({kubeconfig: broken}, {HOME: dir}), 'team-c')
})

test('resolveNamespace runs with @kubernetes/client-node blocked', async (t) => {
  const dir = tempDir(t)
  const {a} = twoFiles(dir)
  const script = `const m = await import(${JSON.stringify(join(ROOT, 'src', 'sources', 'kubeconfig.ts'))}); console.log(m.resolveNamespace({}))`
  const r = await run(process.execPath, ['--import', 'tsx', '--import', join(ROOT, 'test', 'support', 'block-client-node.mjs'), '--input-type=module', '-e', script], {
    env: {...process.env, KUBECONFIG: a, HOME: dir},
  })
  t.is(r.code, 0, r.stderr)
  t.is(r.stdout.trim(), 'team-a')
})
