/**
 * The diff and apply commands end to end (oclif, from source) against the fake API server, plus the proof that
 * `convert -f` and `--help` never load @kubernetes/client-node.
 */
import test, {type ExecutionContext} from 'ava'
import {readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import jsYaml from 'js-yaml'
import {FakeApiServer} from './support/fake-apiserver.js'
import {cli, ingress, ns, ROOT, service, tempDir} from './support/cluster-helpers.js'

const BLOCK = ['--import', join(ROOT, 'test', 'support', 'block-client-node.mjs')]

function inputFile(dir: string): string {
  const file = join(dir, 'input.yaml')
  writeFileSync(file, [service('shop', 'web'), ingress('shop', 'web', {host: 'shop.example.com'})].map((o) => jsYaml.dump(o)).join('---\n'))
  return file
}

async function cluster(t: ExecutionContext) {
  const s = await FakeApiServer.start({token: 'tok'})
  t.teardown(() => s.close())
  const dir = tempDir(t)
  s.seed([ns('shop'), service('shop', 'web'), ingress('shop', 'web', {host: 'shop.example.com'})])
  const kubeconfig = s.writeKubeconfig(dir, {namespace: 'shop'})
  const env = {HOME: dir, KUBECONFIG: ''}
  return {s, dir, kubeconfig, env}
}

test('convert -f and --help run with @kubernetes/client-node blocked; the cluster path trips the block', async (t) => {
  const dir = tempDir(t)
  const file = inputFile(dir)
  const convert = await cli(['convert', '-f', file], {nodeArgs: BLOCK, env: {HOME: dir}})
  t.is(convert.code, 0, convert.stderr)
  t.regex(convert.stdout, /kind: HTTPRoute/)
  const help = await cli(['diff', '--help'], {nodeArgs: BLOCK, env: {HOME: dir}})
  t.is(help.code, 0, help.stderr)
  t.regex(help.stdout, /--against/)
  // The hook is effective: reading a cluster needs client-node and fails.
  const s = await FakeApiServer.start()
  t.teardown(() => s.close())
  const fromCluster = await cli(['convert', '--kubeconfig', s.writeKubeconfig(dir)], {nodeArgs: BLOCK, env: {HOME: dir}})
  t.not(fromCluster.code, 0)
  t.regex(fromCluster.stderr, /BLOCKED: @kubernetes\/client-node was imported/)
})

test('diff exits 1 with kubectl-style diffs, apply creates then is a no-op, and diff then exits 0', async (t) => {
  const {kubeconfig, env, s} = await cluster(t)
  const before = await cli(['diff', '--kubeconfig', kubeconfig], {env})
  t.is(before.code, 1, before.stderr)
  t.regex(before.stdout, /^diff -u -N LIVE\/gateway\.networking\.k8s\.io\.v1\.HTTPRoute\.shop\.\S+ MERGED\//m)
  t.regex(before.stdout, /^\+kind: HTTPRoute$/m)
  t.false(s.requests.some((q) => q.method !== 'GET'))

  const dry = await cli(['apply', '--kubeconfig', kubeconfig, '--dry-run=server'], {env})
  t.is(dry.code, 0, dry.stderr)
  t.regex(dry.stdout, /^httproute\.gateway\.networking\.k8s\.io\/\S+ created \(server dry run\)$/m)

  const applied = await cli(['apply', '--kubeconfig', kubeconfig], {env})
  t.is(applied.code, 0, applied.stderr)
  const lines = applied.stdout.trim().split('\n')
  t.true(lines.length >= 1)
  t.true(lines.every((l) => / created$/.test(l)), applied.stdout)

  const again = await cli(['apply', '--kubeconfig', kubeconfig], {env})
  t.is(again.code, 0, again.stderr)
  t.deepEqual(again.stdout.trim().split('\n'), lines.map((l) => l.replace(/ created$/, ' unchanged')))

  const after = await cli(['diff', '--kubeconfig', kubeconfig], {env})
  t.is(after.code, 0, after.stderr)
  t.is(after.stdout, '')

  const external = await cli(['diff', '--kubeconfig', kubeconfig, '--gateway', 'gateway/other'], {env: {...env, KUBECTL_EXTERNAL_DIFF: 'diff -u -N'}})
  t.is(external.code, 1, external.stderr)
  t.regex(external.stdout, /^\+\+\+ \S*\/MERGED-\d+\/gateway\.networking\.k8s\.io\.v1\.HTTPRoute\.shop\./m)
  t.regex(external.stdout, /^\+\s+name: other$/m)
})

test('diff and apply exit 2 with one line when the server is unreachable', async (t) => {
  const {kubeconfig, env, s} = await cluster(t)
  await s.close()
  for (const cmd of ['diff', 'apply']) {
    const r = await cli([cmd, '--kubeconfig', kubeconfig], {env})
    t.is(r.code, 2, `${cmd}: ${r.stderr}`)
    t.regex(r.stderr, /cannot reach the Kubernetes API server at http:\/\/127\.0\.0\.1:\d+ \(context "fake"\): connection refused/)
    t.is(r.stdout, '')
  }
  // With -f the input is read from files and the cluster is first needed by diff/apply themselves: their fatal error
  // is exactly one line, as kubectl prints it (no oclif `›   Error:` prefix, no wrapping at 80 columns).
  const file = inputFile(tempDir(t))
  for (const cmd of ['diff', 'apply']) {
    const r = await cli([cmd, '-f', file, '--kubeconfig', kubeconfig], {env})
    t.is(r.code, 2, `${cmd}: ${r.stderr}`)
    const fatal = r.stderr.split('\n').filter((l) => /^(error:|Error)|›/.test(l.trim()))
    t.is(fatal.length, 1, r.stderr)
    t.regex(fatal[0], /^error: cannot reach the Kubernetes API server at http:\/\/127\.0\.0\.1:\d+ \(context "fake"\): connection refused\S*$/)
    t.notRegex(r.stderr, /›/)
    t.is(r.stdout, '')
  }
})

test('apply reports a refused conflict on stderr and exits 1; --force-conflicts applies it', async (t) => {
  const {kubeconfig, env, s} = await cluster(t)
  const first = await cli(['apply', '--kubeconfig', kubeconfig], {env})
  t.is(first.code, 0, first.stderr)
  // Someone else takes the hostnames of one route.
  const routes = s.requests.filter((q) => q.method === 'PATCH' && q.path.includes('/httproutes/'))
  const path = routes[0].path
  const name = path.split('/').pop()!
  const res = await fetch(`${s.url}${path}?fieldManager=someone&force=true`, {
    method: 'PATCH',
    headers: {'Content-Type': 'application/apply-patch+yaml', Authorization: 'Bearer tok'},
    body: JSON.stringify({apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: {name, namespace: 'shop'}, spec: {hostnames: ['taken.example.com']}}),
  })
  t.is(res.status, 200)
  const conflict = await cli(['apply', '--kubeconfig', kubeconfig], {env})
  t.is(conflict.code, 1)
  t.regex(conflict.stderr, new RegExp(`^error: httproute\\.gateway\\.networking\\.k8s\\.io/${name} \\(namespace shop\\): Apply failed with 1 conflict: conflict with "someone"`, 'm'))
  const forced = await cli(['apply', '--kubeconfig', kubeconfig, '--force-conflicts'], {env})
  t.is(forced.code, 0, forced.stderr)
  t.regex(forced.stdout, new RegExp(`^httproute\\.gateway\\.networking\\.k8s\\.io/${name} configured$`, 'm'))
})

test('diff --against a missing directory exits 2 with one `error:` line', async (t) => {
  const dir = tempDir(t)
  const file = inputFile(dir)
  const r = await cli(['diff', '-f', file, '--against', join(dir, 'a-directory-that-does-not-exist-and-has-a-long-name')], {nodeArgs: BLOCK, env: {HOME: dir}})
  t.is(r.code, 2, r.stderr)
  t.regex(r.stderr, /^error: --against \S+a-directory-that-does-not-exist-and-has-a-long-name: no such directory$/m)
  t.notRegex(r.stderr, /›/)
  t.is(r.stdout, '')
})

test('diff -f --against a directory rendered by convert --output-dir: 0 when equal, 1 after an edit, no cluster needed', async (t) => {
  const dir = tempDir(t)
  const file = inputFile(dir)
  const out = join(dir, 'rendered')
  const convert = await cli(['convert', '-f', file, '--output-dir', out], {env: {HOME: dir}})
  t.is(convert.code, 0, convert.stderr)
  const same = await cli(['diff', '-f', file, '--against', out], {nodeArgs: BLOCK, env: {HOME: dir}})
  t.is(same.code, 0, same.stderr)
  t.is(same.stdout, '')
  const nsDir = join(out, 'shop')
  const routeFile = readdirSync(nsDir).find((f) => f.startsWith('httproute'))!
  writeFileSync(join(nsDir, routeFile), readFileSync(join(nsDir, routeFile), 'utf8').replace('shop.example.com', 'old.example.com'))
  const changed = await cli(['diff', '-f', file, '--against', out], {nodeArgs: BLOCK, env: {HOME: dir}})
  t.is(changed.code, 1, changed.stderr)
  t.regex(changed.stdout, /^-\s+- old\.example\.com$/m)
  t.regex(changed.stdout, /^\+\s+- shop\.example\.com$/m)
})
