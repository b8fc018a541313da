/**
 * bin/kubectl-ingress2gw answers --help, --version, help COMMAND and COMMAND --help from the bytes oclif printed for them
 * at bundle time (src/entry/precomputed-help.ts), only where oclif would print the same: every recorded case is compared
 * with oclif's own rendering from the bundle and from the TypeScript build, and the conditions that send a case back to
 * oclif (terminal width, colour, debug output, WSL) are checked one by one.
 */
import test from 'ava'
import {existsSync} from 'node:fs'
import {join} from 'node:path'
import {COMMANDS} from '../../src/entry/commands.js'
import {precomputedOutput, recordedArgv, recordingKey, type HelpEnvironment, type HelpRecording} from '../../src/entry/precomputed-help.js'
import {run} from '../support/cluster-helpers.js'
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
  if (!existsSync(join(ROOT, 'dist', 'bundle', 'precomputed-help.mjs'))) throw new Error('dist/bundle/precomputed-help.mjs is missing: run `npm run bundle`')
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
  return {env: {}, stdoutIsTty: () => false, platform: () => 'linux', cwdExists: () => true, ...over}
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
  t.is(precomputedOutput({...RECORDING, nameVersion: `tool/${'9'.repeat(40)}`}, ['--version'], host()), undefined, 'a user agent root help could wrap')
  // oclif reads OCLIF_COLUMNS with parseInt and falls back to its default for what is not a number.
  t.not(precomputedOutput(RECORDING, ['--version'], host({env: {OCLIF_COLUMNS: 'wide', NVPL_BLAS_DEBUG_CPU_TYPE: '1', NO_COLOR: '1'}})), undefined)
})
