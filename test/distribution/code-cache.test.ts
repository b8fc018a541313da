/**
 * bin/kubectl-ingress2gw runs the bundle's CommonJS scripts through dist/bundle/code-cache.cjs (src/entry/code-cache.ts),
 * which keeps V8's code cache of each in v8-code-cache/ of the user's cache folder: written by the first run (a private
 * file in a private folder), used by the next, never for other bytes of the same length (V8 checks only the length),
 * and any trouble (a corrupt or truncated cache, a folder that cannot be made) runs the same command without it,
 * printing nothing. INGRESS2GW_CODE_CACHE_DEBUG=1 says what happened; no time is measured here.
 */
import test, {type ExecutionContext} from 'ava'
import {chmodSync, chownSync, cpSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {pathToFileURL} from 'node:url'
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
  t.regex(file, new RegExp(`^${MAIN.replace('.', '\\.')}-[0-9a-f]{8}-${statSync(join(ROOT, 'dist', 'bundle', MAIN)).size}-${process.versions.v8.replace(/\./g, '\\.')}-${process.arch}-[0-9a-f]{8}\\.v8cache$`))
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

/** `bytes` with every `step`th byte after the first kilobyte inverted. */
function changedEvery(bytes: Buffer, step: number): Buffer {
  const changed = Buffer.from(bytes)
  for (let i = 1024; i < changed.length; i += step) changed[i] ^= 0xff
  return changed
}

test('a run that stops early (exit status 2) writes no cache, the next full run does', async (t) => {
  const h = home(t)
  const stopped = await plugin(h, ['convert', '-f', join(h.home, 'missing.yaml')], {debug: true})
  t.is(stopped.code, 2, stopped.stderr)
  t.deepEqual(events(stopped.stderr).filter((e) => e !== 'ENOENT'), ['absent', 'not written (exit status 2)'])
  t.deepEqual(cacheFiles(h.cache), [])
  const converted = await plugin(h, ['convert', '-f', INPUT], {debug: true})
  t.deepEqual(events(converted.stderr).filter((e) => e !== 'ENOENT'), ['absent', 'written'])
  // Exit status 1 (a gate tripped) is a run that did its work: it writes the cache.
  const h1 = home(t)
  const gated = await plugin(h1, ['convert', '-f', join(ROOT, 'examples'), '--fail-on', 'approximate'], {debug: true})
  t.is(gated.code, 1, gated.stderr)
  t.deepEqual(events(gated.stderr).filter((e) => e !== 'ENOENT'), ['absent', 'written'])
})

test('runs with and without an option that changes V8\'s flags, in turn, each keep their cache', async (t) => {
  const h = home(t)
  const withOption = {NODE_OPTIONS: '--max-old-space-size=4000'}
  const seen: string[][] = []
  for (const env of [withOption, {}, withOption, {}]) {
    const r = await plugin(h, ['convert', '-f', INPUT], {env, debug: true})
    t.is(r.code, 0, r.stderr)
    seen.push(events(r.stderr).filter((e) => e !== 'ENOENT'))
  }
  // V8 rejects a cache made under other flags: one shared cache was rejected and written anew at every run.
  t.deepEqual(seen, [['absent', 'written'], ['absent', 'written'], ['accepted'], ['accepted']])
  t.is(cacheFiles(h.cache).length, 2)
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
    // V8 checks no checksum of the bytecode it deserialises (--verify-snapshot-checksum is off in release builds):
    // fed these bytes, it crashed the process (V8_Fatal "unreachable code", SIGSEGV) at every start.
    ['bytes changed in its bytecode', changedEvery(valid, 4096)],
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

/** `root`'s bin/ and dist/bundle/ copied, with the label every output object carries changed (the same length). */
function relabelledCopy(t: ExecutionContext): string {
  const copy = tempDir(t, 'i2gw-code-cache-copy-')
  cpSync(join(ROOT, 'bin'), join(copy, 'bin'), {recursive: true})
  cpSync(join(ROOT, 'dist', 'bundle'), join(copy, 'dist', 'bundle'), {recursive: true})
  const script = join(copy, 'dist', 'bundle', MAIN)
  const text = readFileSync(script, 'latin1')
  const changed = text.replace('MANAGED_BY="app.kubernetes.io/managed-by"', 'MANAGED_BY="app.kubernetes.io/managed-XY"')
  if (changed === text || changed.length !== text.length) throw new Error('the label to change is not in the bundle')
  writeFileSync(script, changed, 'latin1')
  return copy
}

const posix = process.platform === 'win32' ? test.skip : test

posix('a cache file that is not this user\'s alone is not used: one others may write to, or one with a second name', async (t) => {
  const h = home(t)
  const made = await plugin(h, ['convert', '-f', INPUT])
  t.is(made.code, 0, made.stderr)
  const none = await plugin(h, ['convert', '-f', INPUT], {env: {INGRESS2GW_CODE_CACHE: '0'}})
  const [file] = cacheFiles(h.cache)
  const path = join(h.cache, file)
  chmodSync(path, 0o666)
  const writable = await plugin(h, ['convert', '-f', INPUT], {debug: true})
  t.is(writable.stdout, none.stdout)
  t.regex(writable.stderr, /: not this user's alone: not used/)
  // A hard link: whoever may write where the second name is could have made it to another cache of this user's.
  const second = join(h.home, 'second-name')
  linkSync(path, second)
  const linked = await plugin(h, ['convert', '-f', INPUT], {debug: true})
  t.is(linked.stdout, none.stdout)
  t.regex(linked.stderr, /: not this user's alone: not used/)
  // The control: the file written anew (the run above replaced the linked name) is used.
  const control = await plugin(h, ['convert', '-f', INPUT], {debug: true})
  t.deepEqual(events(control.stderr), ['accepted'])
})

// Another user's files need root to make (chown).
const asRoot = process.getuid?.() === 0 ? test : test.skip

asRoot('the cache folder swapped for another user\'s between its check and the read (the folder above writable by others): that user\'s compiled code does not run', async (t) => {
  const h = home(t)
  const reference = await plugin(h, ['convert', '-f', INPUT], {env: {INGRESS2GW_CODE_CACHE: '0'}})
  t.is(reference.code, 0, reference.stderr)
  t.regex(reference.stdout, /app\.kubernetes\.io\/managed-by: ingress2gw\n/)
  // The other user's code: a valid cache of a script of the same length that prints another label, under the name
  // of this script's cache.
  const planted = home(t)
  const copy = relabelledCopy(t)
  t.is((await plugin(planted, ['convert', '-f', INPUT], {root: copy})).code, 0)
  // The preload (it swaps nothing without SWAP_FOLDER) is one of Node's options, which the cache's name carries.
  const preload = {NODE_OPTIONS: `--import=${pathToFileURL(join(ROOT, 'test', 'support', 'swap-folder.mjs')).href}`}
  const made = await plugin(h, ['convert', '-f', INPUT], {env: preload})
  t.is(made.code, 0, made.stderr)
  const [ours] = cacheFiles(h.cache)
  const [theirs] = cacheFiles(planted.cache)
  t.not(theirs, ours)
  const evil = join(h.home, 'evil')
  mkdirSync(evil)
  cpSync(join(planted.cache, theirs), join(evil, ours))
  const NOBODY = 65534
  for (const p of [evil, join(evil, ours)]) chownSync(p, NOBODY, NOBODY)
  chmodSync(dirname(h.cache), 0o777)
  const swapped = await plugin(h, ['convert', '-f', INPUT], {
    debug: true,
    env: {...preload, SWAP_FOLDER: h.cache, SWAP_WITH: evil},
  })
  t.is(swapped.code, 0, swapped.stderr)
  t.false(existsSync(evil), 'the folder was swapped')
  t.is(swapped.stdout, reference.stdout)
  t.regex(swapped.stderr, /: not this user's alone: not used/)
})

test('writing a cache removes the same script\'s caches of other bytes or Nodes once they are a week old, and temporary files an hour old, nothing else', async (t) => {
  const h = home(t)
  mkdirSync(h.cache, {recursive: true, mode: 0o700})
  const old = `${MAIN}-0123abcd-1000-11.3.244.8-node.1-x64.v8cache`
  const recent = `${MAIN}-89abcdef-1000-11.3.244.8-node.1-x64.v8cache`
  const client = 'kubernetes-client.cjs-0123abcd-1000-11.3.244.8-node.1-x64.v8cache'
  // Temporary files of writes killed before their rename: one two hours old is a leftover, a new one a write in progress.
  const leftover = `${recent}.4242-abc.tmp`
  const writing = `${recent}.4343-def.tmp`
  for (const f of [old, recent, client, 'unrelated', leftover, writing]) writeFileSync(join(h.cache, f), 'x')
  const eightDaysAgo = (Date.now() - 8 * 24 * 3600 * 1000) / 1000
  for (const f of [old, client, 'unrelated']) utimesSync(join(h.cache, f), eightDaysAgo, eightDaysAgo)
  const twoHoursAgo = (Date.now() - 2 * 3600 * 1000) / 1000
  utimesSync(join(h.cache, leftover), twoHoursAgo, twoHoursAgo)
  const r = await plugin(h, ['convert', '-f', INPUT])
  t.is(r.code, 0, r.stderr)
  const left = readdirSync(h.cache).sort()
  t.false(left.includes(old))
  t.false(left.includes(leftover), 'a temporary file left by a killed write is removed')
  t.true(left.includes(recent) && left.includes(client) && left.includes('unrelated') && left.includes(writing), left.join(', '))
  t.is(cacheFiles(h.cache).filter((f) => f.endsWith('.v8cache')).length, 2)
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
