/**
 * The one-file build (dist/bundle/, scripts/bundle.ts) against the TypeScript build (dist/), both through
 * bin/kubectl-ingress2gw (INGRESS2GW_UNBUNDLED=1 picks the TypeScript build): the same bytes for --help and a few
 * commands, the Kubernetes client only in its lazily loaded script, and every command registered in the explicit map.
 * `npm test` (and `npm ci`, through prepare) builds the bundle first.
 */
import test from 'ava'
import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {COMMAND_LOADERS} from '../../src/entry/command-loaders.js'
import {COMMANDS} from '../../src/entry/commands.js'
import {FakeApiServer} from '../support/fake-apiserver.js'
import {ingress, ns, run, service, tempDir} from '../support/cluster-helpers.js'
import {ROOT} from '../support/run-cli.js'

const BIN = join(ROOT, 'bin', 'kubectl-ingress2gw')
const BUNDLE = join(ROOT, 'dist', 'bundle', 'kubectl-ingress2gw.cjs')
const BLOCK = join(ROOT, 'test', 'support', 'block-client-node.mjs')
const BLOCK_TRANSLATOR = join(ROOT, 'test', 'support', 'block-translator.mjs')

function plugin(args: string[], opts: {unbundled?: boolean; nodeArgs?: string[]; env?: NodeJS.ProcessEnv} = {}) {
  const env = {...process.env, NO_COLOR: '1', INGRESS2GW_UNBUNDLED: opts.unbundled ? '1' : '', ...opts.env}
  return run(process.execPath, [...(opts.nodeArgs ?? []), BIN, ...args], {env})
}

test.before(() => {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run \`npm run bundle\` (npm test and npm ci build it)`)
})

test('the explicit command map registers every command in src/commands/', (t) => {
  const files = readdirSync(join(ROOT, 'src', 'commands')).filter((f) => f.endsWith('.ts')).map((f) => f.replace(/\.ts$/, ''))
  t.deepEqual(Object.keys(COMMANDS).filter((id) => id !== 'help').sort(), files.sort())
})

test('the bundle starts --help, --version and help COMMAND without importing any command\'s code; convert imports it', async (t) => {
  for (const args of [['--help'], ['--version'], ['help', 'convert']]) {
    // oclif's own start, as on a terminal (a pipe gets the recorded bytes without oclif: precomputed-help.test.ts)
    const r = await plugin(args, {nodeArgs: ['--import', BLOCK_TRANSLATOR], env: {INGRESS2GW_PRECOMPUTED_HELP: '0'}})
    t.is(r.code, 0, `${args.join(' ')}: ${r.stderr}`)
  }
  // The block is effective: a conversion runs the translator's module and trips it.
  const convert = await plugin(['convert', '-f', 'examples/'], {nodeArgs: ['--import', BLOCK_TRANSLATOR]})
  t.not(convert.code, 0)
  t.regex(convert.stderr, /BLOCKED: the translator was imported \(bundle module\)/)
})

test('the bundle\'s lazy loaders give the same command classes as the explicit map, id by id', async (t) => {
  t.deepEqual(Object.keys(COMMAND_LOADERS).sort(), Object.keys(COMMANDS).sort())
  for (const [id, load] of Object.entries(COMMAND_LOADERS)) t.is(await load(), COMMANDS[id], id)
})

// Every command's help (flags, examples, --json) comes from the manifest made at bundle time in the bundle and from the
// command classes in the TypeScript build: each command is compared, so a flag added without rebundling fails here.
const HELP_CASES = [['--help'], ['--version'], ['help', 'diff'], ...Object.keys(COMMANDS).map((id) => [id, '--help'])]
for (const args of HELP_CASES) {
  test(`\`${args.join(' ')}\` prints the same bytes from the bundle and the TypeScript build`, async (t) => {
    const [bundled, unbundled] = await Promise.all([plugin(args), plugin(args, {unbundled: true})])
    t.is(unbundled.code, 0, unbundled.stderr)
    t.is(bundled.code, 0, bundled.stderr)
    t.true(unbundled.stdout.length > 20)
    t.is(bundled.stdout, unbundled.stdout)
    t.is(bundled.stderr, unbundled.stderr)
  })
}

const CASES: Array<[string, string[]]> = [
  ['convert -f examples/ -o json', ['convert', '-f', 'examples/', '-o', 'json']],
  ['report -f examples/ -o markdown', ['report', '-f', 'examples/', '-o', 'markdown']],
  ['convert of a missing file (exit 2)', ['convert', '-f', 'does/not/exist.yaml']],
  ['an unknown flag (exit 2)', ['convert', '--no-such-flag']],
]
for (const [name, args] of CASES) {
  test(`${name}: same stdout, stderr and exit status from both builds`, async (t) => {
    const [bundled, unbundled] = await Promise.all([plugin(args), plugin(args, {unbundled: true})])
    t.is(bundled.code, unbundled.code)
    t.is(bundled.stdout, unbundled.stdout)
    t.is(bundled.stderr, unbundled.stderr)
    t.true(bundled.stdout.length + bundled.stderr.length > 0)
  })
}

test('the bundle keeps @kubernetes/client-node in a script of its own that convert -f and --help never load; a cluster read loads it', async (t) => {
  // The sources of each script, from esbuild's metafile (scripts/bundle.ts): the minified scripts name none. Module
  // paths run from the project: node_modules/..., or ../x/node_modules/... when node_modules is a symbolic link to
  // another checkout's.
  const inputs: Record<string, string[]> = JSON.parse(readFileSync(join(ROOT, 'dist', 'bundle-inputs.json'), 'utf8'))
  const scripts = readdirSync(join(ROOT, 'dist', 'bundle'), {recursive: true, encoding: 'utf8'}).filter((f) => /\.[cm]js$/.test(f))
  t.deepEqual(Object.keys(inputs).sort(), scripts.map((f) => f.replace(/\\/g, '/')).sort(), 'dist/bundle-inputs.json lists every script of the bundle')
  const CLIENT = /^(?:\.\.\/.*)?node_modules\/@kubernetes\/client-node\//
  const clientScripts = Object.keys(inputs).filter((f) => inputs[f].some((i) => CLIENT.test(i)))
  t.deepEqual(clientScripts, ['kubernetes-client.cjs'])
  t.false(inputs['kubectl-ingress2gw.cjs'].some((i) => CLIENT.test(i)), 'the main script holds none of the client')
  const convert = await plugin(['convert', '-f', 'examples/'], {nodeArgs: ['--import', BLOCK]})
  t.is(convert.code, 0, convert.stderr)
  t.regex(convert.stdout, /kind: HTTPRoute/)
  const help = await plugin(['diff', '--help'], {nodeArgs: ['--import', BLOCK]})
  t.is(help.code, 0, help.stderr)
  // The block is effective on the bundle: reading a cluster loads the chunk and trips it.
  const s = await FakeApiServer.start()
  t.teardown(() => s.close())
  const dir = tempDir(t)
  const fromCluster = await plugin(['convert', '--kubeconfig', s.writeKubeconfig(dir)], {nodeArgs: ['--import', BLOCK], env: {HOME: dir}})
  t.not(fromCluster.code, 0)
  t.regex(fromCluster.stderr, /BLOCKED: @kubernetes\/client-node was imported \(bundle script\)/)
})

test('the bundled Kubernetes client reads a cluster: convert through the bundle equals the TypeScript build', async (t) => {
  const s = await FakeApiServer.start({token: 'tok'})
  t.teardown(() => s.close())
  const dir = tempDir(t)
  s.seed([ns('shop'), service('shop', 'web'), ingress('shop', 'web', {host: 'shop.example.com'})])
  const kubeconfig = s.writeKubeconfig(dir, {namespace: 'shop'})
  const env = {HOME: dir, KUBECONFIG: ''}
  const bundled = await plugin(['convert', '--kubeconfig', kubeconfig], {env})
  const unbundled = await plugin(['convert', '--kubeconfig', kubeconfig], {env, unbundled: true})
  t.is(bundled.code, 0, bundled.stderr)
  t.regex(bundled.stdout, /hostnames:\n\s+- shop\.example\.com/)
  t.is(bundled.stdout, unbundled.stdout)
  t.is(bundled.stderr, unbundled.stderr)
})
