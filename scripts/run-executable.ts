/**
 * Runs a single executable that `npm run release` built, on this machine where it can, and compares what it prints
 * with the npm build (bin/kubectl-ingress2gw). An executable of the host's platform runs as it is; linux-arm64 on
 * linux-x64 runs under QEMU's user-mode emulation (Debian: qemu-user, with the aarch64 C and C++ runtime of
 * libstdc++6-arm64-cross); win-x64 on linux-x64 under Wine (Debian: wine64). macOS executables run nowhere here
 * (no macOS, and they must be signed on the Mac first). `npm run release -- --check` and
 * test/distribution/release.test.ts both use it.
 */
import {execFile, spawn} from 'node:child_process'
import {closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync} from 'node:fs'
import {delimiter, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {promisify} from 'node:util'
import type {Target} from './release.js'

const ROOT = fileURLToPath(new URL('../', import.meta.url))

/** How to start an executable of one target here. */
export interface Runner {
  /** e.g. "natively", "under /usr/bin/qemu-aarch64 -L /usr/aarch64-linux-gnu (user-mode emulation)". */
  how: string
  argv(exe: string, args: string[]): [string, string[]]
  env: Record<string, string>
  /** Stops what the runner left behind (Wine's wineserver of its own prefix). */
  close(): Promise<void>
}

export interface RunResult {
  code: number
  stdout: string
  stderr: string
}

/** The first of `names` that is an executable file, as given when absolute, else on PATH. */
function findProgram(names: string[]): string | undefined {
  for (const name of names) {
    if (name.startsWith('/')) {
      if (existsSync(name)) return name
      continue
    }
    for (const dir of (process.env.PATH ?? '').split(delimiter)) if (dir && existsSync(join(dir, name))) return join(dir, name)
  }
  return undefined
}

/** This machine's platform in Node's distribution names (win, not win32). */
export const hostOs = (): Target['os'] => (process.platform === 'win32' ? 'win' : (process.platform as Target['os']))

/**
 * The runner for `t` on this machine, or why there is none (a sentence naming what to install). `workDir` is a
 * folder the runner may write to (Wine's prefix); the caller removes it after close().
 */
export async function runnerFor(t: Target, workDir: string): Promise<Runner | string> {
  if (t.os === hostOs() && t.arch === process.arch) return {how: 'natively', argv: (exe, args) => [exe, args], env: {}, async close() {}}
  if (process.platform !== 'linux' || process.arch !== 'x64') return `${t.os}-${t.arch} executables are run only on their own platform or on linux-x64`
  if (t.os === 'linux' && t.arch === 'arm64') return qemuRunner()
  if (t.os === 'win' && t.arch === 'x64') return wineRunner(workDir)
  return 'macOS executables run only on macOS, once signed there'
}

function qemuRunner(): Runner | string {
  const qemu = findProgram(['qemu-aarch64', 'qemu-aarch64-static'])
  if (!qemu) return 'qemu-aarch64 is not installed (Debian: apt-get install qemu-user)'
  // Node's linux-arm64 binary is dynamically linked against glibc and libstdc++: QEMU loads them from a sysroot.
  // Debian's cross runtime lives in /usr/aarch64-linux-gnu; a multiarch arm64 libc lives at / itself.
  const sysroot = ['/usr/aarch64-linux-gnu', '/'].find((root) => existsSync(join(root, 'lib', 'ld-linux-aarch64.so.1')) && hasLibstdcxx(root))
  if (!sysroot) return 'the aarch64 C and C++ runtime is not installed (Debian: apt-get install libstdc++6-arm64-cross)'
  return {how: `under ${qemu} -L ${sysroot} (user-mode emulation)`, argv: (exe, args) => [qemu, ['-L', sysroot, exe, ...args]], env: {}, async close() {}}
}

function hasLibstdcxx(root: string): boolean {
  return ['lib', 'lib/aarch64-linux-gnu', 'usr/lib/aarch64-linux-gnu'].some((dir) => existsSync(join(root, dir, 'libstdc++.so.6')))
}

async function wineRunner(workDir: string): Promise<Runner | string> {
  // Debian's wine64 package installs the loader in /usr/lib/wine; its `wine` package adds /usr/bin/wine.
  const wine = findProgram(['/usr/lib/wine/wine64', 'wine64', 'wine'])
  if (!wine) return 'wine is not installed (Debian: apt-get install wine64)'
  const server = findProgram([join(wine, '..', 'wineserver64'), join(wine, '..', 'wineserver'), 'wineserver'])
  const env = {WINEPREFIX: join(workDir, 'wine-prefix'), WINEDEBUG: '-all'}
  mkdirSync(workDir, {recursive: true})
  // A new prefix says Windows 7, which Node 20 refuses ("only supported on Windows 8.1 ... or higher"): say
  // Windows 10, as on the machines that will run the executable.
  await promisify(execFile)(wine, ['winecfg', '-v', 'win10'], {env: {...env, PATH: '/usr/bin:/bin', HOME: workDir}, timeout: 180_000})
  return {
    how: `under ${wine} (Wine, Windows 10 prefix)`,
    argv: (exe, args) => [wine, [exe, ...args]],
    env,
    async close() {
      // Stops this prefix's wineserver now rather than after its idle delay; exits 1 when it has already stopped.
      if (server) await promisify(execFile)(server, ['-k'], {env: {...env, PATH: '/usr/bin:/bin'}, timeout: 60_000}).catch(() => undefined)
    },
  }
}

/**
 * Runs the executable with no Node on PATH, from the repository root (so `-f examples/` names its examples). Its
 * output goes to files, not pipes: under Wine, Node for Windows cannot open a pipe given as stdout ("Error: open
 * EBADF" in net.Socket), while files (and consoles) work.
 */
export async function runWith(runner: Runner, exe: string, args: string[], home: string): Promise<RunResult> {
  const [program, argv] = runner.argv(exe, args)
  const env = {PATH: '/nonexistent', NO_COLOR: '1', HOME: home, ...runner.env}
  const dir = mkdtempSync(join(home, 'run-'))
  const [out, err] = [openSync(join(dir, 'stdout'), 'w'), openSync(join(dir, 'stderr'), 'w')]
  try {
    const code = await new Promise<number>((resolve, reject) => {
      const child = spawn(program, argv, {env, cwd: ROOT, stdio: ['ignore', out, err], timeout: 300_000})
      child.on('error', reject)
      child.on('exit', (status, signal) => resolve(status ?? (signal ? 128 : 99)))
    })
    return {code, stdout: readFileSync(join(dir, 'stdout'), 'utf8'), stderr: readFileSync(join(dir, 'stderr'), 'utf8')}
  } finally {
    closeSync(out)
    closeSync(err)
    rmSync(dir, {recursive: true, force: true})
  }
}

/** One thing the executable printed, beside what the npm build printed once adjusted for the executable's platform. */
export interface Comparison {
  what: string
  actual: string | number
  expected: string | number
}

/**
 * What the executable of `t` (embedding Node `nodeVersion`) prints for `--help` and `convert -f examples/`, beside
 * the npm build's output on this machine. The npm build's output is adjusted for the two things that may differ on
 * the executable's platform: the VERSION line of --help names the platform and Node version the CLI runs on (oclif's
 * `config.userAgent`), and on Windows the file names read from a folder are joined with `\` (node:path's win32 join).
 */
export async function compareWithNpmBuild(t: Target, exe: string, runner: Runner, nodeVersion: string, home: string): Promise<Comparison[]> {
  const npm = (args: string[]) => runWith({how: 'node', argv: (bin, a) => [process.execPath, [bin, ...a]], env: {}, async close() {}}, join(ROOT, 'bin', 'kubectl-ingress2gw'), args, home)
  const [help, npmHelp, convert, npmConvert] = [
    await runWith(runner, exe, ['--help'], home),
    await npm(['--help']),
    await runWith(runner, exe, ['convert', '-f', 'examples/'], home),
    await npm(['convert', '-f', 'examples/']),
  ]
  const hostLine = ` ${process.platform}-${process.arch} node-${process.version}\n`
  if (!npmHelp.stdout.includes(hostLine)) throw new Error(`the npm build's --help has no VERSION line "${hostLine.trim()}"`)
  const oclifPlatform = t.os === 'win' ? 'win32' : t.os
  const expectedHelp = npmHelp.stdout.replace(hostLine, ` ${oclifPlatform}-${t.arch} node-v${nodeVersion}\n`)
  const expectedStderr = t.os === 'win' ? npmConvert.stderr.replace(/\bexamples\/(?=[\w.-]+\.ya?ml:)/g, 'examples\\') : npmConvert.stderr
  return [
    {what: '--help exit code', actual: help.code, expected: npmHelp.code},
    {what: '--help stdout', actual: help.stdout, expected: expectedHelp},
    {what: '--help stderr', actual: help.stderr, expected: ''},
    {what: 'convert -f examples/ exit code', actual: convert.code, expected: npmConvert.code},
    {what: 'convert -f examples/ stdout', actual: convert.stdout, expected: npmConvert.stdout},
    {what: 'convert -f examples/ stderr', actual: convert.stderr, expected: expectedStderr},
  ]
}
