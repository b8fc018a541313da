/**
 * convert --output-dir: the GitOps tree (a folder per namespace and _cluster, kustomization.yaml in each and at the
 * root, REPORT.md, the manifest of written files), built by `kubectl kustomize` into exactly what convert prints,
 * rerun without changing a byte, and never touching a file a person added or edited.
 */
import test from 'ava'
import {execFile} from 'node:child_process'
import {createHash} from 'node:crypto'
import {existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, relative} from 'node:path'
import {promisify} from 'node:util'
import jsYaml from 'js-yaml'
import {sortKeys} from '../src/output/serialize.js'
import {MANIFEST_FILE} from '../src/output/gitops-tree.js'
import {generatedPlatform} from './support/generate-namespaces.js'
import {runCli} from './support/run-cli.js'

const exec = promisify(execFile)
process.env.KUBECONFIG = ''
process.env.HOME = mkdtempSync(join(tmpdir(), 'i2g-tree-home-'))

function workspace(): {cwd: string; dir: string} {
  const cwd = mkdtempSync(join(tmpdir(), 'i2g-tree-'))
  writeFileSync(join(cwd, 'input.yaml'), generatedPlatform())
  return {cwd, dir: join(cwd, 'migration')}
}

/** Every file under dir: relative path -> {bytes, mtime}. */
function snapshot(dir: string): Map<string, {bytes: Buffer; mtime: number}> {
  const out = new Map<string, {bytes: Buffer; mtime: number}>()
  const walk = (d: string) => {
    for (const e of readdirSync(d, {withFileTypes: true})) {
      const p = join(d, e.name)
      if (e.isDirectory()) walk(p)
      else out.set(relative(dir, p), {bytes: readFileSync(p), mtime: statSync(p).mtimeMs})
    }
  }
  walk(dir)
  return out
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex')
const identity = (o: any) => `${o.apiVersion}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`

/**
 * Why `kubectl kustomize` cannot build the tree here, or undefined when it can: kustomize lists folders under
 * `resources` since v2.1; kubectl prints its kustomize version from 1.24 (Debian's kubernetes-client 1.20 embeds v2.0.3).
 */
async function kustomizeMissing(): Promise<string | undefined> {
  const out = await exec('kubectl', ['version', '--client'], {timeout: 30_000}).then(
    (r) => r.stdout,
    () => undefined,
  )
  if (out === undefined) return 'kubectl is not installed'
  const m = /Kustomize Version: v(\d+)\.(\d+)/.exec(out)
  if (!m || Number(m[1]) < 3) return `kubectl's kustomize is older than v3 (${out.split('\n')[0]})`
  return undefined
}

test.serial('the tree: a kustomization per folder and at the root, REPORT.md, a manifest of every file, nothing left beside it', async (t) => {
  const {cwd, dir} = workspace()
  const r = await runCli(['convert', '-f', 'input.yaml', '--output-dir', 'migration'], cwd)
  t.is(r.exitCode, 0, r.stderr)
  t.notRegex(r.stderr, /\r/, 'no progress line when stderr is not a terminal')
  const files = snapshot(dir)
  t.regex(r.stderr, new RegExp(`^migration: ${files.size - 1} file\\(s\\) written, 0 unchanged, 0 removed \\(no longer generated\\)$`, 'm'))
  t.deepEqual(readdirSync(cwd).sort(), ['input.yaml', 'migration'], 'the staging folder was renamed into place')

  const folders = readdirSync(dir, {withFileTypes: true}).filter((e) => e.isDirectory()).map((e) => e.name).sort()
  t.true(folders.includes('gateway') && folders.includes('_cluster') && folders.includes('team-01') && folders.includes('team-40'), folders.join(' '))
  const root = jsYaml.load(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as any
  t.like(root, {apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization'})
  t.deepEqual(root.resources, folders)
  for (const folder of folders) {
    const k = jsYaml.load(readFileSync(join(dir, folder, 'kustomization.yaml'), 'utf8')) as any
    const yamls = readdirSync(join(dir, folder)).filter((f) => f !== 'kustomization.yaml').sort()
    t.deepEqual(k.resources, yamls, folder)
  }

  const report = await runCli(['report', '-f', 'input.yaml', '-o', 'markdown'], cwd)
  t.is(readFileSync(join(dir, 'REPORT.md'), 'utf8'), report.stdout, 'REPORT.md is the markdown report')

  const manifest = JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8'))
  const written = [...files.keys()].filter((p) => p !== MANIFEST_FILE).sort()
  t.deepEqual(Object.keys(manifest.files), written)
  for (const p of written) t.is(manifest.files[p], sha256(files.get(p)!.bytes), p)
  t.is(manifest.pending, undefined)
})

test.serial('kubectl kustomize builds the tree into exactly the objects convert prints', async (t) => {
  const missing = await kustomizeMissing()
  if (missing) {
    t.log(`${missing}: the kustomize build of the tree is not checked`)
    t.pass()
    return
  }
  const {cwd, dir} = workspace()
  t.is((await runCli(['convert', '-f', 'input.yaml', '--output-dir', 'migration'], cwd)).exitCode, 0)
  const printed = await runCli(['convert', '-f', 'input.yaml'], cwd)
  const built = await exec('kubectl', ['kustomize', dir], {maxBuffer: 64 * 1024 * 1024, timeout: 120_000})
  const objects = (text: string) => new Map((jsYaml.loadAll(text) as any[]).filter(Boolean).map((o) => [identity(o), sortKeys(o)]))
  const want = objects(printed.stdout)
  const got = objects(built.stdout)
  t.true(want.size > 200, `${want.size} objects`)
  t.deepEqual([...got.keys()].sort(), [...want.keys()].sort())
  for (const [id, o] of want) t.deepEqual(got.get(id), o, id)
})

test.serial('a second run changes no byte; files a person added stay, unlisted; an edited file is kept and reported', async (t) => {
  const {cwd, dir} = workspace()
  t.is((await runCli(['convert', '-f', 'input.yaml', '--output-dir', 'migration'], cwd)).exitCode, 0)
  writeFileSync(join(dir, 'NOTES.md'), 'our review notes\n')
  writeFileSync(join(dir, 'team-01', 'extra-configmap.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: extra, namespace: team-01}\n')
  const before = snapshot(dir)

  const again = await runCli(['convert', '-f', 'input.yaml', '--output-dir', 'migration'], cwd)
  t.is(again.exitCode, 0, again.stderr)
  t.regex(again.stderr, new RegExp(`^migration: 0 file\\(s\\) written, ${before.size - 3} unchanged, 0 removed \\(no longer generated\\)$`, 'm'))
  const after = snapshot(dir)
  t.deepEqual([...after.keys()].sort(), [...before.keys()].sort())
  for (const [p, f] of before) {
    t.true(after.get(p)!.bytes.equals(f.bytes), `${p}: same bytes`)
    t.is(after.get(p)!.mtime, f.mtime, `${p}: not rewritten`)
  }
  t.notRegex(readFileSync(join(dir, 'team-01', 'kustomization.yaml'), 'utf8'), /extra-configmap/, "a person's file is not listed in convert's kustomization")

  // A person edits a generated file; an Ingress disappears from the input (its files are no longer generated).
  // team-09: both Ingresses are served (team-02's app-2 has a configuration-snippet, which the default
  // annotations-risk-level High refuses: it has no files).
  const edited = join(dir, 'team-09', 'httproute-app-1.yaml')
  writeFileSync(edited, readFileSync(edited, 'utf8') + '# reviewed by platform team\n')
  const input = readFileSync(join(cwd, 'input.yaml'), 'utf8')
  const docs = input.split('---\n').filter((d) => !/name: app-2\n {2}namespace: team-09\n/.test(d) || !/kind: Ingress/.test(d))
  t.is(docs.length, input.split('---\n').length - 1, 'one Ingress removed')
  writeFileSync(join(cwd, 'input.yaml'), docs.join('---\n'))
  t.true(existsSync(join(dir, 'team-09', 'httproute-app-2.yaml')))
  const third = await runCli(['convert', '-f', 'input.yaml', '--output-dir', 'migration'], cwd)
  t.is(third.exitCode, 1, 'the tree is not what the conversion produced: the edited file was kept')
  t.regex(third.stderr, /^warning: migration\/team-09\/httproute-app-1\.yaml was edited after convert wrote it: the new content is not written; delete it \(or restore convert's version\) to let convert manage it again$/m)
  t.regex(readFileSync(edited, 'utf8'), /# reviewed by platform team\n$/)
  t.false(existsSync(join(dir, 'team-09', 'httproute-app-2.yaml')), "a file convert wrote and nobody edited is removed when it is no longer generated")
  t.regex(readFileSync(join(dir, 'team-09', 'kustomization.yaml'), 'utf8'), /- httproute-app-1\.yaml\n/, 'the kept file is still listed: it holds the route')
  t.is(readFileSync(join(dir, 'NOTES.md'), 'utf8'), 'our review notes\n')
  t.true(existsSync(join(dir, 'team-01', 'extra-configmap.yaml')))
  const manifest = JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8'))
  t.false('team-09/httproute-app-1.yaml' in manifest.files, 'an edited file becomes the editor\'s')

  // Deleting the edited file hands it back to convert.
  const {unlinkSync} = await import('node:fs')
  unlinkSync(edited)
  const fourth = await runCli(['convert', '-f', 'input.yaml', '--output-dir', 'migration'], cwd)
  t.is(fourth.exitCode, 0, fourth.stderr)
  t.regex(fourth.stderr, /^migration: 1 file\(s\) written, \d+ unchanged, 0 removed/m)
  t.notRegex(readFileSync(edited, 'utf8'), /reviewed/)
})

test.serial('an interrupted run: files it already moved in are still convert\'s; a file in the way is never overwritten', async (t) => {
  const {cwd, dir} = workspace()
  t.is((await runCli(['convert', '-f', 'input.yaml', '--output-dir', 'migration'], cwd)).exitCode, 0)
  // As a run stopped after moving a new version in: the manifest lists it as pending.
  const path = 'team-03/httproute-app-2.yaml'
  const half = readFileSync(join(dir, path), 'utf8').replace('app-2.team-03.example.com', 'half.team-03.example.com')
  writeFileSync(join(dir, path), half)
  const manifest = JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8'))
  manifest.pending = {[path]: sha256(Buffer.from(half))}
  writeFileSync(join(dir, MANIFEST_FILE), JSON.stringify(manifest))
  // A file convert did not write, where it now wants one (a person's, or a tree from before the manifest).
  const foreign = 'team-01/httproute-app-1.yaml'
  writeFileSync(join(dir, foreign), 'kind: Mine\n')
  delete manifest.files[foreign]
  writeFileSync(join(dir, MANIFEST_FILE), JSON.stringify(manifest))

  const r = await runCli(['convert', '-f', 'input.yaml', '--output-dir', 'migration'], cwd)
  t.is(r.exitCode, 1)
  t.regex(readFileSync(join(dir, path), 'utf8'), /app-2\.team-03\.example\.com/, 'the pending file was convert\'s: replaced')
  t.is(readFileSync(join(dir, foreign), 'utf8'), 'kind: Mine\n')
  t.regex(r.stderr, /^warning: migration\/team-01\/httproute-app-1\.yaml was not written by convert: the new content is not written;/m)
  const after = JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8'))
  t.is(after.pending, undefined)
})

test.serial('--output-dir naming a file, and a manifest that is not JSON, are errors that change nothing', async (t) => {
  const {cwd} = workspace()
  writeFileSync(join(cwd, 'a-file'), 'x')
  const r = await runCli(['convert', '-f', 'input.yaml', '--output-dir', 'a-file'], cwd)
  t.is(r.exitCode, 2)
  t.regex(r.stderr, /^error: --output-dir a-file exists and is not a directory$/m)
  mkdirSync(join(cwd, 'tree'))
  writeFileSync(join(cwd, 'tree', MANIFEST_FILE), '{not json')
  const bad = await runCli(['convert', '-f', 'input.yaml', '--output-dir', 'tree'], cwd)
  t.is(bad.exitCode, 2)
  t.regex(bad.stderr, /is not the manifest convert writes/)
  t.deepEqual(readdirSync(join(cwd, 'tree')), [MANIFEST_FILE])
  t.deepEqual(readdirSync(cwd).sort(), ['a-file', 'input.yaml', 'tree'], 'no staging folder left behind')
})

test('a manifest naming a path outside the tree cannot make convert remove it; a namespace that is not a folder name is refused', async (t) => {
  const {gitopsFiles, isTreePath, writeGitopsTree} = await import('../src/output/gitops-tree.js')
  const parent = mkdtempSync(join(tmpdir(), 'i2g-tree-escape-'))
  const dir = join(parent, 'tree')
  mkdirSync(dir)
  writeFileSync(join(parent, 'victim.txt'), 'keep me\n')
  writeFileSync(join(dir, MANIFEST_FILE), JSON.stringify({files: {'../victim.txt': sha256(Buffer.from('keep me\n'))}}))
  const result = await writeGitopsTree(dir, new Map([['REPORT.md', '# report\n']]))
  t.deepEqual(result.removed, [])
  t.is(readFileSync(join(parent, 'victim.txt'), 'utf8'), 'keep me\n')
  t.deepEqual(JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8')).files, {'REPORT.md': sha256(Buffer.from('# report\n'))})

  for (const bad of ['../x.yaml', 'a/../../x.yaml', '/etc/x.yaml', 'a/b/c.yaml', './x', 'a\\b.yaml']) t.false(isTreePath(bad), bad)
  for (const good of ['REPORT.md', 'team-a/httproute-web.yaml', '_cluster/namespace-team-a.yaml', 'team-${ENV}/httproute-web.yaml']) t.true(isTreePath(good), good)
  const escaping = {apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: {name: 'web', namespace: '..'}}
  t.throws(() => gitopsFiles([escaping], ''), {message: /cannot write HTTPRoute \.\.\/web under --output-dir/})
})
