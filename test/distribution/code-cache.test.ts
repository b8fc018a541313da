/**
 * bin/kubectl-ingress2gw runs the bundle's CommonJS scripts through dist/bundle/code-cache.cjs (src/entry/code-cache.ts),
 * which keeps V8's code cache of each in v8-code-cache/ of the user's cache folder: written by the first run (a private
 * file in a private folder), used by the next, never for other bytes of the same length (V8 checks only the length),
 * and any trouble (a corrupt or truncated cache, a folder that cannot be made) runs the same command without it,
 * printing nothing. INGRESS2GW_CODE_CACHE_DEBUG=1 says what happened; no time is measured here.
 */
import test, {type ExecutionContext} from 'ava'
import {chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {FakeApiServer} from '../support/fake-apiserver.js'
import {ingress, ns, run, service, tempDir} from '../support/cluster-helpers.js'
import {ROOT} from '../support/run-cli.js'

const INPUT = join(ROOT, 'examples', 'team-b-blog.yaml')
const MAIN = 'kubectl-ingress2gw.cjs'

interface Home {
  home: string
  cache: string
}

function home(t: ExecutionContext): Home {
  const dir = tempDir(t, 'i2gw-code-cache-')
  return {home: dir, cache: join(dir, 'xdg', 'kubectl-ingress2gw', 'v8-code-cache')}
}

/** Runs the plugin (bin/ of `root`) with a HOME and XDG_CACHE_HOME of its own. */
function plugin(h: Home, args: string[], opts: {root?: string; env?: NodeJS.ProcessEnv; debug?: boolean} = {}) {
  const env: NodeJS.ProcessEnv = {PATH: process.env.PATH, NO_COLOR: '1', HOME: h.home, XDG_CACHE_HOME: join(h.home, 'xdg'), ...opts.env}
  if (opts.debug) env.INGRESS2GW_CODE_CACHE_DEBUG = '1'
  return run(process.execPath, [join(opts.root ?? ROOT, 'bin', 'kubectl-ingress2gw'), ...args], {env})
}

const cacheFiles = (dir: string, script = MAIN) => (existsSync(dir) ? readdirSync(dir).filter((f) => f.startsWith(`${script}-`)) : [])
/** The debug lines about `script`'s cache: "absent", "accepted", "rejected", "written". */
const events = (stderr: string, script = MAIN) => [...stderr.matchAll(/^code cache: (\S+): (.*)$/gm)].filter((m) => m[1].startsWith(`${script}-`)).map((m) => m[2])

test.before(() => {
  if (!existsSync(join(ROOT, 'dist', 'bundle', MAIN))) throw new Error(`dist/bundle/${MAIN} is missing: run \`npm run bundle\``)
})

test('the first run writes the cache (a private file in a private folder), the second uses it and prints the same', async (t) => {
  const h = home(t)
  const first = await plugin(h, ['convert', '-f', INPUT], {debug: true})
  t.is(first.code, 0, first.stderr)
  t.deepEqual(events(first.stderr).filter((e) => e !== 'ENOENT'), ['absent', 'written'])
  const [file] = cacheFiles(h.cache)
  t.regex(file, new RegExp(`^${MAIN.replace('.', '\\.')}-[0-9a-f]{8}-${statSync(join(ROOT, 'dist', 'bundle', MAIN)).size}-${process.versions.v8.replace(/\./g, '\\.')}-${process.arch}\\.v8cache$`))
  if (process.platform !== 'win32') {
    t.is(statSync(join(h.cache, file)).mode & 0o777, 0o600)
    t.is(statSync(h.cache).mode & 0o777, 0o700)
  }
  const second = await plugin(h, ['convert', '-f', INPUT], {debug: true})
  t.deepEqual(events(second.stderr), ['accepted'])
  t.deepEqual(cacheFiles(h.cache), [file])
  const [plain, unbundled] = await Promise.all([plugin(h, ['convert', '-f', INPUT]), plugin(h, ['convert', '-f', INPUT], {env: {INGRESS2GW_UNBUNDLED: '1'}})])
  for (const r of [first, second, plain]) t.is(r.stdout, unbundled.stdout)
  t.is(plain.stderr, unbundled.stderr)
})

test('a cache made for other bytes of the same length is not used: the changed script runs', async (t) => {
  const h = home(t)
  const copy = tempDir(t, 'i2gw-code-cache-copy-')
  cpSync(join(ROOT, 'bin'), join(copy, 'bin'), {recursive: true})
  cpSync(join(ROOT, 'dist', 'bundle'), join(copy, 'dist', 'bundle'), {recursive: true})
  const before = await plugin(h, ['convert', '-f', INPUT], {root: copy})
  t.is(before.code, 0, before.stderr)
  t.is(cacheFiles(h.cache).length, 1)
  // The same length, another constant (the label every output object carries): a cache V8 accepted for it would run
  // the old bytecode and print the old label.
  const script = join(copy, 'dist', 'bundle', MAIN)
  const text = readFileSync(script, 'latin1')
  const changed = text.replace('MANAGED_BY="app.kubernetes.io/managed-by"', 'MANAGED_BY="app.kubernetes.io/managed-XY"')
  t.not(changed, text)
  t.is(changed.length, text.length)
  writeFileSync(script, changed, 'latin1')
  const after = await plugin(h, ['convert', '-f', INPUT], {root: copy, debug: true})
  t.is(after.code, 0, after.stderr)
  const uncached = await plugin(h, ['convert', '-f', INPUT], {root: copy, env: {INGRESS2GW_CODE_CACHE: '0'}})
  t.regex(uncached.stdout, /app\.kubernetes\.io\/managed-XY: ingress2gw\n/)
  t.not(uncached.stdout, before.stdout)
  t.is(after.stdout, uncached.stdout)
  t.deepEqual(events(after.stderr).filter((e) => e !== 'ENOENT'), ['absent', 'written'])
})

test('a corrupt or truncated cache runs the command as without one, prints nothing, and is replaced', async (t) => {
  const h = home(t)
  const made = await plugin(h, ['convert', '-f', INPUT])
  t.is(made.code, 0, made.stderr)
  const [file] = cacheFiles(h.cache)
  const path = join(h.cache, file)
  const valid = readFileSync(path)
  const none = await plugin(h, ['convert', '-f', INPUT], {env: {INGRESS2GW_CODE_CACHE: '0'}})
  for (const [what, bytes] of [
    ['garbage', Buffer.alloc(4096, 0xa5)],
    ['truncated', valid.subarray(0, valid.length >> 1)],
    ['empty', Buffer.alloc(0)],
    ['one byte changed in its header', Buffer.concat([valid.subarray(0, 8), Buffer.from([valid[8] ^ 0xff]), valid.subarray(9)])],
  ] as const) {
    writeFileSync(path, bytes)
    const r = await plugin(h, ['convert', '-f', INPUT])
    t.is(r.code, 0, `${what}: ${r.stderr}`)
    t.is(r.stdout, none.stdout, what)
    t.is(r.stderr, none.stderr, what)
    const next = await plugin(h, ['convert', '-f', INPUT], {debug: true})
    t.deepEqual(events(next.stderr), ['accepted'], `${what}: the rejected cache was written anew`)
  }
})

test('no cache where the folder cannot be made or is not private, none with INGRESS2GW_CODE_CACHE=0: the command runs the same, silently', async (t) => {
  const h = home(t)
  const reference = await plugin(h, ['convert', '-f', INPUT], {env: {INGRESS2GW_UNBUNDLED: '1'}})
  t.is(reference.code, 0, reference.stderr)
  // XDG_CACHE_HOME a file: mkdir fails (ENOTDIR) even for root, who may write into any read-only folder.
  const file = join(h.home, 'a-file')
  writeFileSync(file, '')
  const notDir = await plugin(h, ['convert', '-f', INPUT], {env: {XDG_CACHE_HOME: file}})
  const relativeHome = await plugin(h, ['convert', '-f', INPUT], {env: {HOME: 'relative', XDG_CACHE_HOME: ''}})
  const off = await plugin(h, ['convert', '-f', INPUT], {env: {INGRESS2GW_CODE_CACHE: '0'}})
  for (const [what, r] of [['not a folder', notDir], ['relative home', relativeHome], ['off', off]] as const) {
    t.is(r.code, 0, `${what}: ${r.stderr}`)
    t.is(r.stdout, reference.stdout, what)
    t.is(r.stderr, reference.stderr, what)
  }
  t.deepEqual(cacheFiles(h.cache), [], 'INGRESS2GW_CODE_CACHE=0 wrote nothing')
  t.false(existsSync(join(h.home, 'relative')))
  if (process.platform !== 'win32') {
    // A folder others may write to: a cache there could be another user's code.
    mkdirSync(h.cache, {recursive: true})
    chmodSync(h.cache, 0o777)
    const shared = await plugin(h, ['convert', '-f', INPUT], {debug: true})
    t.is(shared.stdout, reference.stdout)
    t.regex(shared.stderr, /is not this user's alone: not written/)
    t.deepEqual(cacheFiles(h.cache), [])
  }
  // The control: the same command in a usable folder writes its cache.
  chmodSync(h.cache, 0o700)
  await plugin(h, ['convert', '-f', INPUT])
  t.is(cacheFiles(h.cache).length, 1)
})

test('writing a cache removes the same script\'s caches of other bytes or Nodes once they are a week old, nothing else', async (t) => {
  const h = home(t)
  mkdirSync(h.cache, {recursive: true, mode: 0o700})
  const old = `${MAIN}-0123abcd-1000-11.3.244.8-node.1-x64.v8cache`
  const recent = `${MAIN}-89abcdef-1000-11.3.244.8-node.1-x64.v8cache`
  const client = 'kubernetes-client.cjs-0123abcd-1000-11.3.244.8-node.1-x64.v8cache'
  for (const f of [old, recent, client, 'unrelated']) writeFileSync(join(h.cache, f), 'x')
  const eightDaysAgo = (Date.now() - 8 * 24 * 3600 * 1000) / 1000
  for (const f of [old, client, 'unrelated']) utimesSync(join(h.cache, f), eightDaysAgo, eightDaysAgo)
  const r = await plugin(h, ['convert', '-f', INPUT])
  t.is(r.code, 0, r.stderr)
  const left = readdirSync(h.cache).sort()
  t.false(left.includes(old))
  t.true(left.includes(recent) && left.includes(client) && left.includes('unrelated'), left.join(', '))
  t.is(cacheFiles(h.cache).length, 2)
})

test('a cluster command loads the Kubernetes client through the same loader: it gets a cache of its own', async (t) => {
  const s = await FakeApiServer.start()
  t.teardown(() => s.close())
  const h = home(t)
  s.seed([ns('shop'), service('shop', 'web'), ingress('shop', 'web', {host: 'shop.example.com'})])
  const kubeconfig = s.writeKubeconfig(h.home, {namespace: 'shop'})
  const args = ['convert', '--kubeconfig', kubeconfig]
  const first = await plugin(h, args, {debug: true})
  t.is(first.code, 0, first.stderr)
  t.true(events(first.stderr, 'kubernetes-client.cjs').includes('written'), first.stderr)
  t.is(cacheFiles(h.cache, 'kubernetes-client.cjs').length, 1)
  const second = await plugin(h, args, {debug: true})
  t.deepEqual(events(second.stderr, 'kubernetes-client.cjs'), ['accepted'])
  t.is(second.stdout, first.stdout)
  t.regex(second.stdout, /hostnames:\n\s+- shop\.example\.com/)
})
