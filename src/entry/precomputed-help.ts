/**
 * `--help`, `--version`, `help [COMMAND]` and `COMMAND --help` of the one-file build without starting oclif: the bytes
 * oclif printed for them at bundle time (scripts/bundle.ts runs the bundle once per case, stdout a pipe), written out
 * again when this process would print the same, else undefined and bin/kubectl-ingress2gw starts oclif as usual.
 *
 * oclif's output depends on more than argv; the cases where it can differ from the recorded bytes all go to oclif:
 * - width: oclif wraps help to the terminal's columns when stdout is a TTY, else to OCLIF_COLUMNS, else to 80
 *   (@oclif/core lib/screen.js termwidth); the recording is the 80 of a non-TTY stdout without OCLIF_COLUMNS.
 * - colour: oclif colours help only where supports-color allows it on stdout and stderr (@oclif/core
 *   lib/ux/theme.js colorize, lib/ux/supports-color.js); supports-color 8 says no for a non-TTY stdout unless
 *   FORCE_COLOR is set or argv asks for a colour level (index.js supportsColor). The recorded argv have no such flag.
 * - the user agent (`--version`, root help's VERSION): name/version platform-arch node-version
 *   (@oclif/core lib/config/config.js Config.load), platform being "wsl" on Windows' Linux (is-wsl): filled in here
 *   from this process, and left to oclif wherever is-wsl could say yes.
 * - Windows, where oclif continues a wrapped example with `^` or a backtick instead of the recording's `\`.
 * - oclif's settings object, globalThis.oclif (columns, debug), when a preload module set it.
 * - debug output on stderr (DEBUG for the debug package oclif logs through, and oclif's own `<BIN>_DEBUG`, here
 *   "KUBECTL INGRESS2GW_DEBUG": Config.scopedEnvVarKeys keeps the bin's space) and the warning oclif prints when the
 *   working directory is gone (lib/index.js checkCWD).
 * INGRESS2GW_PRECOMPUTED_HELP=0 always starts oclif.
 */
import {existsSync, fstatSync, readFileSync, statSync} from 'node:fs'
import {createRequire} from 'node:module'
import {release} from 'node:os'

/**
 * What scripts/bundle.ts records: oclif's stdout per argv, cut where it printed the user agent. The index (names,
 * keys) is inlined in dist/bundle/precomputed-help.cjs, which bin/kubectl-ingress2gw requires at every start; the texts
 * stay in dist/bundle/precomputed-help.json, read only to answer.
 */
export interface HelpIndex {
  /** package name/version, the start of oclif's user agent */
  nameVersion: string
  /** argv joined by NUL -> index into texts (`--help` and `help`, `help X` and `X --help` print the same) */
  keys: Record<string, number>
}

export interface HelpRecording extends HelpIndex {
  /** each distinct stdout, split on the user agent */
  texts: string[][]
}

/** Inlined by esbuild's `define` in dist/bundle/precomputed-help.cjs (scripts/bundle.ts). */
declare const INGRESS2GW_HELP_INDEX: HelpIndex

/** The argv whose output is recorded: those that print help or the version and never run a command. */
export function recordedArgv(commandIds: string[]): string[][] {
  return [[], ['--help'], ['--version'], ['help'], ...commandIds.flatMap((id) => [['help', id], [id, '--help']])]
}

export function recordingKey(argv: readonly string[]): string {
  return argv.join('\0')
}

/** Root help (its VERSION section) and --version print the user agent. */
function printsUserAgent(argv: readonly string[]): boolean {
  return argv.length === 0 || (argv.length === 1 && ['--help', '--version', 'help'].includes(argv[0]))
}

/**
 * The recording of oclif's stdout per argv, each cut where it printed the user agent. An argv whose output should hold
 * the user agent (root help, also as `help help`) but does not hold it whole is left out (to oclif): root help wrapped
 * a long one across lines (lib/help/root.js version()), and the machine's platform and Node version would stay in the
 * recorded bytes.
 */
export function recordingFrom(nameVersion: string, userAgent: string, outputs: Iterable<[readonly string[], string]>): HelpRecording {
  const keys: Record<string, number> = {}
  const texts: string[][] = []
  const seen = new Map<string, number>()
  for (const [argv, stdout] of outputs) {
    if (!stdout.includes(userAgent) && (printsUserAgent(argv) || stdout.includes(nameVersion))) continue
    if (!seen.has(stdout)) seen.set(stdout, texts.push(stdout.split(userAgent)) - 1)
    keys[recordingKey(argv)] = seen.get(stdout)!
  }
  return {nameVersion, keys, texts}
}

/** An environment variable that turns on debug output of oclif or the debug package (the recording runs without). */
export function isDebugSwitch(name: string): boolean {
  return name === 'DEBUG' || name.toUpperCase().endsWith('INGRESS2GW_DEBUG')
}

/** The environment oclif's output depends on; a seam for tests. */
export interface HelpEnvironment {
  env: NodeJS.ProcessEnv
  stdoutIsTty: () => boolean
  /** oclif's platform where its output is the recording's (not WSL, not Windows: platformAsRecorded), else undefined */
  platform: () => string | undefined
  cwdExists: () => boolean
  /** whether something loaded before (a --require/--import preload) set oclif's settings (globalThis.oclif) */
  oclifSettingsPreset: () => boolean
}

/** The recorded bytes for argv when oclif would print exactly them here, else undefined. */
export function precomputedOutput(recording: HelpRecording, argv: readonly string[], host: HelpEnvironment): string | undefined {
  const index = recording.keys[recordingKey(argv)]
  if (index === undefined) return undefined
  const parts = recording.texts[index]
  const {env} = host
  if (env.INGRESS2GW_PRECOMPUTED_HELP === '0') return undefined
  if ('FORCE_COLOR' in env || Number.parseInt(env.OCLIF_COLUMNS ?? '', 10)) return undefined
  if (Object.keys(env).some(isDebugSwitch)) return undefined
  if (!host.cwdExists() || host.stdoutIsTty()) return undefined
  // oclif's settings (lib/settings.js) live in globalThis.oclif: columns sets the help width, debug the stderr output.
  if (host.oclifSettingsPreset()) return undefined
  if (parts.length === 1) return parts[0]
  const platform = host.platform()
  if (platform === undefined) return undefined
  const arch = process.arch === 'ia32' ? 'x86' : process.arch
  const userAgent = `${recording.nameVersion} ${platform}-${arch} node-${process.version}`
  // Root help wraps the user agent to the width like any text (lib/help/root.js version()): recorded lines stand
  // only for one that fits in 80 columns whole, as every recorded one did.
  if (userAgent.length > 60) return undefined
  return parts.join(userAgent)
}

/**
 * Whether fd 1 is a terminal, without loading node:tty (it costs more than the rest of this file): pipes, files and
 * sockets never are, nor is /dev/null (where `kubectl ingress2gw --help >/dev/null` and most benchmarks write); any other
 * character device is asked of tty.isatty, as oclif's process.stdout.isTTY does.
 */
function stdoutIsTty(): boolean {
  try {
    const out = fstatSync(1)
    if (!out.isCharacterDevice()) return false
    if (process.platform !== 'win32' && out.rdev === statSync('/dev/null').rdev) return false
  } catch {
    // unknown: ask tty below
  }
  // Required, not imported: bin/kubectl-ingress2gw runs this file as CommonJS, without Node's ES module loader.
  const tty = createRequire(import.meta.url)('node:tty') as typeof import('node:tty')
  return tty.isatty(1)
}

/**
 * process.platform unless is-wsl could call this Linux Windows' (is-wsl index.js: any of these signs), or this is
 * Windows: there oclif continues a wrapped example with `^` or a backtick (lib/help/command.js examples()) where the
 * recording, made on a POSIX build machine, has `\`.
 */
function platformAsRecorded(): string | undefined {
  if (process.platform === 'win32') return undefined
  if (process.platform !== 'linux') return process.platform
  if (release().toLowerCase().includes('microsoft')) return undefined
  try {
    if (readFileSync('/proc/version', 'utf8').toLowerCase().includes('microsoft')) return undefined
  } catch {
    // is-wsl ignores an unreadable /proc/version too
  }
  if (existsSync('/proc/sys/fs/binfmt_misc/WSLInterop') || existsSync('/run/WSL')) return undefined
  return process.platform
}

function oclifSettingsPreset(): boolean {
  return (globalThis as {oclif?: unknown}).oclif !== undefined
}

function cwdExists(): boolean {
  try {
    process.cwd()
    return true
  } catch {
    return false
  }
}

/** Writes the recorded output for this process's argv and returns true, or returns false for oclif to run. */
export function writePrecomputedHelp(): boolean {
  const argv = process.argv.slice(2)
  if (INGRESS2GW_HELP_INDEX.keys[recordingKey(argv)] === undefined) return false
  const tty = stdoutIsTty()
  const texts = JSON.parse(readFileSync(new URL('precomputed-help.json', import.meta.url), 'utf8')) as string[][]
  const text = precomputedOutput({...INGRESS2GW_HELP_INDEX, texts}, argv, {env: process.env, stdoutIsTty: () => tty, platform: platformAsRecorded, cwdExists, oclifSettingsPreset})
  if (text === undefined) return false
  // oclif ignores EPIPE on stdout (@oclif/core lib/command.js): a reader such as `head` that is gone ends the output
  // quietly with status 0, not with an unhandled 'error' event.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error
  })
  process.stdout.write(text)
  return true
}
