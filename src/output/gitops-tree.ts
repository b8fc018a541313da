/**
 * `convert --output-dir DIR`: a tree a GitOps tool can point at. One folder per namespace (the Gateway's included)
 * and `_cluster` for cluster-scoped objects, each with a kustomization.yaml listing its files, a kustomization.yaml
 * at the root listing the folders, and REPORT.md (the markdown report).
 *
 * Safe to rerun on a reviewed tree: the files written are recorded with their sha256 in MANIFEST_FILE, and only
 * those, while unchanged, are replaced or removed. A file a person added or edited is never touched (an edited file
 * becomes theirs; delete it to let convert write it again). New content is staged in a folder beside DIR and moved
 * in by rename: a new DIR appears whole, an existing one gets each file replaced atomically; a run that changes
 * nothing writes nothing.
 */
import {existsSync} from 'node:fs'
import {mkdir, mkdtemp, readFile, rename, rm, rmdir, stat, unlink, writeFile} from 'node:fs/promises'
import {basename, dirname, join, posix, resolve} from 'node:path'
import type {KubeObject} from '../model/types.js'
import {compareStrings} from '../util/hash.js'
import {sha256 as sha256Of} from './sha256.js'
import {dumpOne} from './serialize.js'

export const MANIFEST_FILE = '.ingress2gw-manifest.json'
const KUSTOMIZATION = 'kustomization.yaml'
const CLUSTER_FOLDER = '_cluster'

/** The file an object is written to: `<namespace>/<kind>-<name>.yaml` (`_cluster` when cluster-scoped), `/`-separated. */
export function objectPath(o: KubeObject): string {
  const path = `${o.metadata.namespace ?? CLUSTER_FOLDER}/${o.kind.toLowerCase()}-${o.metadata.name}.yaml`
  // Namespaces come from the input as written: one that is not a plain folder name must not reach outside DIR.
  if (!isTreePath(path)) throw new Error(`cannot write ${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name} under --output-dir: its namespace or name is not a plain folder or file name`)
  return path
}

/** A path of the tree's shape: a file at the root or in one folder, no `.`/`..` segment, no separator or NUL in a name. */
export function isTreePath(path: string): boolean {
  const segments = path.split('/')
  return segments.length <= 2 && segments.every((s) => s !== '' && s !== '.' && s !== '..' && !/[\\\0]/.test(s))
}

function kustomization(comment: string, resources: string[]): string {
  const list = resources.length > 0 ? resources.map((r) => `  - ${r}\n`).join('') : ''
  return `# ${comment}\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:${resources.length > 0 ? '\n' + list : ' []\n'}`
}

/** Every file of the tree, by `/`-separated path: objects, kustomizations, REPORT.md. */
export function gitopsFiles(objects: KubeObject[], reportMarkdown: string): Map<string, string> {
  const files = new Map<string, string>()
  const byFolder = new Map<string, string[]>()
  for (const o of objects) {
    const path = objectPath(o)
    files.set(path, dumpOne(o))
    const folder = path.slice(0, path.indexOf('/'))
    const inFolder = byFolder.get(folder)
    if (inFolder) inFolder.push(path.slice(folder.length + 1))
    else byFolder.set(folder, [path.slice(folder.length + 1)])
  }
  const folders = [...byFolder.keys()].sort(compareStrings)
  for (const folder of folders) {
    const what = folder === CLUSTER_FOLDER ? 'the cluster-scoped objects' : `the objects of namespace ${folder}`
    files.set(`${folder}/${KUSTOMIZATION}`, kustomization(`Written by kubectl-ingress2gw: ${what}. Edit it and it is yours: convert then leaves it alone.`, byFolder.get(folder)!.sort(compareStrings)))
  }
  files.set(KUSTOMIZATION, kustomization('Written by kubectl-ingress2gw: every folder of the migration (kubectl apply -k, or point Flux / Argo CD here).', folders))
  files.set('REPORT.md', reportMarkdown)
  return files
}

interface Manifest {
  generator: string
  note: string
  /** path -> sha256 of the content written. */
  files: Record<string, string>
  /** During a run: the content being moved in, so an interrupted run's files still count as written by it. */
  pending?: Record<string, string>
}

export interface TreeResult {
  written: string[]
  unchanged: string[]
  removed: string[]
  /** Files left alone: added or edited by a person where convert had something to write, or to remove. */
  kept: {path: string; why: 'added' | 'edited'; stale: boolean}[]
}

export interface TreeOptions {
  onProgress?: (done: number, total: number) => void
}

const sha256 = (data: string | Buffer) => sha256Of(data, 'hex')

function manifestText(files: Record<string, string>, pending?: Record<string, string>): string {
  const sorted = (r: Record<string, string>) => Object.fromEntries(Object.entries(r).sort(([a], [b]) => compareStrings(a, b)))
  const m: Manifest = {
    generator: 'kubectl-ingress2gw',
    note: 'The files kubectl-ingress2gw wrote here, with their sha256. It replaces or removes only these, and only while unchanged.',
    files: sorted(files),
    ...(pending ? {pending: sorted(pending)} : {}),
  }
  return JSON.stringify(m, null, 2) + '\n'
}

async function readManifest(dir: string): Promise<Manifest> {
  const path = join(dir, MANIFEST_FILE)
  if (!existsSync(path)) return {generator: '', note: '', files: {}}
  let parsed: any
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'))
  } catch (error) {
    throw new Error(`${path} is not the manifest convert writes (${(error as Error).message}); restore it from version control, or remove it (every file then counts as someone else's)`)
  }
  // Only paths of the tree's shape are taken: an edited manifest must not make convert remove files outside DIR.
  const record = (v: unknown): Record<string, string> =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? (Object.fromEntries(Object.entries(v).filter(([p, h]) => typeof h === 'string' && isTreePath(p))) as Record<string, string>)
      : {}
  return {generator: String(parsed?.generator ?? ''), note: '', files: record(parsed?.files), pending: record(parsed?.pending)}
}

async function readIfExists(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

/** A fresh DIR: everything staged beside it, then one rename. */
async function writeFresh(dir: string, files: Map<string, string>, options: TreeOptions): Promise<TreeResult> {
  await mkdir(dirname(dir), {recursive: true})
  const staging = await mkdtemp(join(dirname(dir), `.${basename(dir)}.ingress2gw-`))
  try {
    let done = 0
    const hashes: Record<string, string> = {}
    for (const [path, content] of files) {
      await mkdir(dirname(join(staging, path)), {recursive: true})
      await writeFile(join(staging, path), content)
      hashes[path] = sha256(content)
      options.onProgress?.(++done, files.size)
    }
    await writeFile(join(staging, MANIFEST_FILE), manifestText(hashes))
    await rename(staging, dir)
  } catch (error) {
    await rm(staging, {recursive: true, force: true})
    throw error
  }
  return {written: [...files.keys()], unchanged: [], removed: [], kept: []}
}

export async function writeGitopsTree(outputDir: string, files: Map<string, string>, options: TreeOptions = {}): Promise<TreeResult> {
  // Absolute, so that "beside DIR" is its parent also for `--output-dir .`.
  const dir = resolve(outputDir)
  const info = await stat(dir).catch(() => undefined)
  if (!info) return writeFresh(dir, files, options)
  if (!info.isDirectory()) throw new Error(`--output-dir ${outputDir} exists and is not a directory`)

  const manifest = await readManifest(dir)
  const ours = (path: string, hash: string) => manifest.files[path] === hash || manifest.pending?.[path] === hash
  const result: TreeResult = {written: [], unchanged: [], removed: [], kept: []}
  const toWrite: [string, string][] = []
  const finalFiles: Record<string, string> = {}
  for (const [path, content] of files) {
    const want = sha256(content)
    const have = await readIfExists(join(dir, path))
    if (have === undefined) toWrite.push([path, content])
    else if (have.equals(Buffer.from(content))) result.unchanged.push(path)
    else if (ours(path, sha256(have))) toWrite.push([path, content])
    else {
      result.kept.push({path, why: path in manifest.files || path in (manifest.pending ?? {}) ? 'edited' : 'added', stale: false})
      continue
    }
    finalFiles[path] = want
  }
  const toRemove: string[] = []
  for (const path of new Set([...Object.keys(manifest.files), ...Object.keys(manifest.pending ?? {})])) {
    if (files.has(path)) continue
    const have = await readIfExists(join(dir, path))
    if (have === undefined) continue
    if (ours(path, sha256(have))) toRemove.push(path)
    else result.kept.push({path, why: 'edited', stale: true})
  }
  const manifestNow = manifestText(finalFiles)
  const manifestBefore = await readIfExists(join(dir, MANIFEST_FILE))
  if (toWrite.length === 0 && toRemove.length === 0 && manifestBefore?.toString('utf8') === manifestNow) return sortResult(result)

  const staging = await stagingFolder(dir)
  try {
    for (const [i, [path, content]] of toWrite.entries()) {
      await mkdir(dirname(join(staging, path)), {recursive: true})
      await writeFile(join(staging, path), content)
      options.onProgress?.(i + 1, toWrite.length + toRemove.length)
    }
    // Written first, so that files already moved in count as ours if the run stops half-way.
    const pending = Object.fromEntries(toWrite.map(([path, content]) => [path, sha256(content)]))
    await replaceFile(dir, MANIFEST_FILE, manifestText(manifest.files, pending), staging)
    for (const [path] of toWrite) {
      await mkdir(dirname(join(dir, path)), {recursive: true})
      await rename(join(staging, path), join(dir, path))
      result.written.push(path)
    }
    for (const [i, path] of toRemove.entries()) {
      await unlink(join(dir, path))
      result.removed.push(path)
      await removeEmptyParents(dir, path)
      options.onProgress?.(toWrite.length + i + 1, toWrite.length + toRemove.length)
    }
    await replaceFile(dir, MANIFEST_FILE, manifestNow, staging)
  } finally {
    await rm(staging, {recursive: true, force: true})
  }
  return sortResult(result)
}

/**
 * Beside DIR, so that files move in by rename; inside DIR when DIR is a mount point (a volume mounted into a
 * container), where a rename from its parent would cross filesystems.
 */
async function stagingFolder(dir: string): Promise<string> {
  const parent = dirname(dir)
  const [a, b] = await Promise.all([stat(parent), stat(dir)])
  return a.dev === b.dev ? mkdtemp(join(parent, `.${basename(dir)}.ingress2gw-`)) : mkdtemp(join(dir, '.ingress2gw-staging-'))
}

async function replaceFile(dir: string, path: string, content: string, staging: string): Promise<void> {
  const temp = join(staging, `${path}.next`)
  await writeFile(temp, content)
  await rename(temp, join(dir, path))
}

/** The folders of a removed file, when nothing is left in them (a folder holding anyone's file stays). */
async function removeEmptyParents(dir: string, path: string): Promise<void> {
  let folder = posix.dirname(path)
  while (folder !== '.' && folder !== '') {
    try {
      await rmdir(join(dir, folder))
    } catch {
      return
    }
    folder = posix.dirname(folder)
  }
}

function sortResult(r: TreeResult): TreeResult {
  for (const list of [r.written, r.unchanged, r.removed]) list.sort(compareStrings)
  r.kept.sort((a, b) => compareStrings(a.path, b.path))
  return r
}
