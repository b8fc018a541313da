/**
 * bin/kubectl-ingress2gw answers --help, --version, help COMMAND and COMMAND --help from the bytes oclif printed for them
 * at bundle time (src/entry/precomputed-help.ts), only where oclif would print the same: every recorded case is compared
 * with oclif's own rendering from the bundle and from the TypeScript build, and the conditions that send a case back to
 * oclif (terminal width, colour, debug output, WSL) are checked one by one.
 */
import test from 'ava'
import {spawnSync} from 'node:child_process'
import {closeSync, constants, cpSync, existsSync, openSync, rmSync} from 'node:fs'
import {join} from 'node:path'
import {COMMANDS} from '../../src/entry/commands.js'
import {precomputedOutput, recordedArgv, recordingFrom, recordingKey, type HelpEnvironment, type HelpRecording} from '../../src/entry/precomputed-help.js'
import {run, tempDir} from '../support/cluster-helpers.js'
import {ROOT} from '../support/run-cli.js'

const BIN = join(ROOT, 'bin', 'kubectl-ingress2gw')
const BLOCK_START = join(ROOT, 'test', 'support', 'block-bundle-start.mjs')

/** The environment the plugin runs in here, without anything that changes oclif's output. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = {...process.env}
  for (const k of Object.keys(env)) if (k === 'FORCE_COLOR' || k === 'OCLIF_COLUMNS' || k === 'DEBUG' || k.endsWith('INGRESS2GW_DEBUG')) delete env[k]
  return env
}

function plugin(args: string[], opts: {env?: NodeJS.ProcessEnv; nodeArgs?: string[]; mode?: 'precomputed' | 'oclif' | 'unbundled'} = {}) {
  const mode = opts.mode ?? 'precomputed'
  const env = {...cleanEnv(), INGRESS2GW_UNBUNDLED: mode === 'unbundled' ? '1' : '', INGRESS2GW_PRECOMPUTED_HELP: mode === 'oclif' ? '0' : '', ...opts.env}
  return run(process.execPath, [...(opts.nodeArgs ?? []), BIN, ...args], {env})
}

test.before(() => {
  if (!existsSync(join(ROOT, 'dist', 'bundle', 'precomputed-help.cjs'))) throw new Error('dist/bundle/precomputed-help.cjs is missing: run `npm run bundle`')
})

for (const argv of recordedArgv(Object.keys(COMMANDS))) {
  test(`\`${argv.join(' ') || '(no arguments)'}\`: the recorded bytes equal oclif's from the bundle and the TypeScript build, without starting oclif`, async (t) => {
    const [fast, oclif, unbundled] = await Promise.all([
      plugin(argv, {nodeArgs: ['--import', BLOCK_START]}),
      plugin(argv, {mode: 'oclif'}),
      plugin(argv, {mode: 'unbundled'}),
    ])
    t.is(fast.code, 0, fast.stderr)
    t.is(oclif.code, 0, oclif.stderr)
    t.true(oclif.stdout.length > 20)
    t.is(fast.stdout, oclif.stdout)
    t.is(fast.stdout, unbundled.stdout)
    t.is(fast.stderr, '')
    t.is(oclif.stderr, '')
  })
}

test('a width, a colour request or debug output sends --help to oclif, which prints what the TypeScript build prints', async (t) => {
  const cases: Array<[NodeJS.ProcessEnv, string[]]> = [
    [{OCLIF_COLUMNS: '100'}, ['convert', '--help']],
    [{FORCE_COLOR: '0'}, ['--help']],
    [{DEBUG: 'nothing-matches'}, ['--version']],
    [{'KUBECTL INGRESS2GW_DEBUG': '0'}, ['help', 'diff']],
  ]
  for (const [env, argv] of cases) {
    const what = `${JSON.stringify(env)} ${argv.join(' ')}`
    const blocked = await plugin(argv, {env, nodeArgs: ['--import', BLOCK_START]})
    t.not(blocked.code, 0, what)
    t.regex(blocked.stderr, /BLOCKED: the bundle started oclif/, what)
    const [bundled, unbundled] = await Promise.all([plugin(argv, {env}), plugin(argv, {env, mode: 'unbundled'})])
    t.is(bundled.code, 0, bundled.stderr)
    t.is(bundled.stdout, unbundled.stdout, what)
  }
  // The width guard matters: oclif wraps convert's help to 100 columns, not to the recorded 80.
  const [wide, recorded] = await Promise.all([plugin(['convert', '--help'], {env: {OCLIF_COLUMNS: '100'}}), plugin(['convert', '--help'])])
  t.not(wide.stdout, recorded.stdout)
})

const RECORDING: HelpRecording = {nameVersion: 'tool/1.2.3', keys: {[recordingKey(['--version'])]: 0, [recordingKey(['help'])]: 1}, texts: [['', '\n'], ['HELP\n']]}

function host(over: Partial<HelpEnvironment> = {}): HelpEnvironment {
  return {env: {}, stdoutIsTty: () => false, platform: () => 'linux', cwdExists: () => true, oclifSettingsPreset: () => false, ...over}
}

test('precomputedOutput fills in the user agent as oclif builds it and answers only recorded argv', (t) => {
  const arch = process.arch === 'ia32' ? 'x86' : process.arch
  t.is(precomputedOutput(RECORDING, ['--version'], host()), `tool/1.2.3 linux-${arch} node-${process.version}\n`)
  t.is(precomputedOutput(RECORDING, ['help'], host({platform: () => undefined})), 'HELP\n', 'no user agent, no platform needed')
  t.is(precomputedOutput(RECORDING, ['help', 'nope'], host()), undefined)
  t.is(precomputedOutput(RECORDING, ['--help', '--version'], host()), undefined)
})

test('precomputedOutput leaves to oclif every case where oclif could print other bytes', (t) => {
  const none = (over: Partial<HelpEnvironment>, why: string) => t.is(precomputedOutput(RECORDING, ['--version'], host(over)), undefined, why)
  none({stdoutIsTty: () => true}, 'a terminal: oclif wraps to its columns')
  none({env: {OCLIF_COLUMNS: '120'}}, 'OCLIF_COLUMNS')
  none({env: {FORCE_COLOR: ''}}, 'FORCE_COLOR, even empty')
  none({env: {DEBUG: '*'}}, 'DEBUG')
  none({env: {'KUBECTL INGRESS2GW_DEBUG': '1'}}, "oclif's scoped debug switch")
  none({env: {INGRESS2GW_PRECOMPUTED_HELP: '0'}}, 'the opt-out')
  none({platform: () => undefined}, 'is-wsl could say yes')
  none({cwdExists: () => false}, 'oclif warns about the missing directory')
  none({oclifSettingsPreset: () => true}, "a preload set oclif's settings (globalThis.oclif)")
  t.is(precomputedOutput({...RECORDING, nameVersion: `tool/${'9'.repeat(40)}`}, ['--version'], host()), undefined, 'a user agent root help could wrap')
  // oclif reads OCLIF_COLUMNS with parseInt and falls back to its default for what is not a number.
  t.not(precomputedOutput(RECORDING, ['--version'], host({env: {OCLIF_COLUMNS: 'wide', NVPL_BLAS_DEBUG_CPU_TYPE: '1', NO_COLOR: '1'}})), undefined)
})

test('stdout a pipe whose reader is gone: both paths end quietly with status 0, as oclif ignores EPIPE', (t) => {
  // A FIFO opened for reading (non-blocking), then for writing, then closed for reading: writes to it fail with EPIPE
  // at once, without depending on when a reader such as `head` exits.
  const fifo = join(tempDir(t, 'i2g-epipe-'), 'out')
  const made = spawnSync('mkfifo', [fifo])
  if (made.status !== 0) return t.fail(`mkfifo: ${made.stderr}`)
  for (const mode of ['precomputed', 'oclif'] as const) {
    for (const argv of [['--help'], ['--version'], ['convert', '--help']]) {
      const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK)
      const writer = openSync(fifo, 'w')
      closeSync(reader)
      const env = {...cleanEnv(), INGRESS2GW_UNBUNDLED: '', INGRESS2GW_PRECOMPUTED_HELP: mode === 'oclif' ? '0' : ''}
      const r = spawnSync(process.execPath, [BIN, ...argv], {env, stdio: ['ignore', writer, 'pipe'], encoding: 'utf8', timeout: 60_000})
      closeSync(writer)
      t.is(r.status, 0, `${mode} ${argv.join(' ')}: ${r.stderr}`)
      t.is(r.stderr, '', `${mode} ${argv.join(' ')}`)
    }
  }
})

test('a bundle without its recording (dist/bundle/precomputed-help.cjs) runs oclif instead of failing to start', async (t) => {
  const copy = tempDir(t, 'i2g-no-recording-')
  cpSync(join(ROOT, 'bin'), join(copy, 'bin'), {recursive: true})
  cpSync(join(ROOT, 'dist', 'bundle'), join(copy, 'dist', 'bundle'), {recursive: true})
  rmSync(join(copy, 'dist', 'bundle', 'precomputed-help.cjs'))
  for (const argv of [['--version'], ['convert', '--help']]) {
    const env = {...cleanEnv(), INGRESS2GW_UNBUNDLED: '', INGRESS2GW_PRECOMPUTED_HELP: ''}
    const [copied, oclif] = await Promise.all([run(process.execPath, [join(copy, 'bin', 'kubectl-ingress2gw'), ...argv], {env}), plugin(argv, {mode: 'oclif'})])
    t.is(copied.code, 0, copied.stderr)
    t.is(copied.stderr, '')
    t.is(copied.stdout, oclif.stdout)
  }
})

test("oclif's settings set by a preload module (globalThis.oclif.columns) send --help to oclif, which wraps to them", async (t) => {
  const preload = ['--import', 'data:text/javascript,globalThis.oclif={columns:100}']
  const [preset, oclif, recorded] = await Promise.all([
    plugin(['convert', '--help'], {nodeArgs: preload}),
    plugin(['convert', '--help'], {nodeArgs: preload, mode: 'oclif'}),
    plugin(['convert', '--help']),
  ])
  t.is(preset.code, 0, preset.stderr)
  t.is(preset.stdout, oclif.stdout)
  t.not(preset.stdout, recorded.stdout, 'oclif wraps to 100 columns, not the recorded 80')
})

test('recordingFrom leaves out root help whose user agent oclif wrapped, which would keep the build machine\'s Node version', (t) => {
  // What oclif printed for version 0.1.0-rc.1.build.20261207.abcdef0123456789: root help wraps VERSION at 80 columns.
  const nameVersion = 'kubectl-ingress2gw/0.1.0-rc.1.build.20261207.abcdef0123456789'
  const userAgent = `${nameVersion} linux-x64 node-v20.20.2`
  const wrapped = `USAGE\n  $ kubectl ingress2gw [COMMAND]\n\nVERSION\n  ${nameVersion} linux-x64\n  node-v20.20.2\n`
  const recording = recordingFrom(nameVersion, userAgent, [
    [['--help'], wrapped],
    [['help', 'help'], wrapped],
    [['--version'], `${userAgent}\n`],
    [['help', 'convert'], 'CONVERT HELP\n'],
    [['convert', '--help'], 'CONVERT HELP\n'],
  ])
  t.deepEqual(Object.keys(recording.keys).sort(), ['--version', 'convert\0--help', 'help\0convert'].sort())
  t.deepEqual(recording.texts, [['', '\n'], ['CONVERT HELP\n']])
  t.is(precomputedOutput(recording, ['--help'], host()), undefined)
})
