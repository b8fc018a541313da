/**
 * `diff`: what applying the output would change, per object, as unified diffs named like kubectl diff's files
 * (`<group>.<version>.<Kind>.<namespace>.<name>`, group dropped for the core group).
 *
 * Against a cluster, the live object is first reduced to what server-side apply with our field manager would
 * touch: server-populated fields go (status, managedFields, resourceVersion, uid, creationTimestamp, generation,
 * selfLink, the last-applied annotation), and so does every field we do not set ourselves (defaults the server
 * filled in, other managers' labels), except fields ingress2gw owned before (per managedFields): applying would
 * remove those, so the diff shows them removed. Against a rendered directory (`--against`), objects are compared
 * whole, and objects only in the directory show as removed.
 */
import {spawn} from 'node:child_process'
import {mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {Chalk} from 'chalk'
import {createTwoFilesPatch, FILE_HEADERS_ONLY} from 'diff'
import jsYaml from 'js-yaml'
import type {KubeObject} from '../model/types.js'
import {dumpOne} from './serialize.js'
import {setOwn} from '../util/json.js'

export const FIELD_MANAGER = 'ingress2gw'
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration'
const SERVER_METADATA = ['managedFields', 'resourceVersion', 'uid', 'creationTimestamp', 'generation', 'selfLink', 'deletionTimestamp', 'deletionGracePeriodSeconds']

type Obj = Record<string, any>

function groupOf(apiVersion: string): string {
  const i = apiVersion.indexOf('/')
  return i < 0 ? '' : apiVersion.slice(0, i)
}

function versionOf(apiVersion: string): string {
  const i = apiVersion.indexOf('/')
  return i < 0 ? apiVersion : apiVersion.slice(i + 1)
}

/** Identity of an object across versions: group, kind, namespace, name. */
export function objectKey(o: Pick<KubeObject, 'apiVersion' | 'kind' | 'metadata'>): string {
  return `${groupOf(o.apiVersion)}/${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`
}

/** kubectl diff's file name: `<group>.<version>.<Kind>.<namespace>.<name>`, the group (and its dot) dropped for core. */
export function diffFileName(o: Pick<KubeObject, 'apiVersion' | 'kind' | 'metadata'>): string {
  const group = groupOf(o.apiVersion)
  return `${group ? group + '.' : ''}${versionOf(o.apiVersion)}.${o.kind}.${o.metadata?.namespace ?? ''}.${o.metadata?.name ?? ''}`
}

function isMap(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
}

/** The fieldsV1 tree our field manager owns through Apply, or undefined. */
export function ownedTree(live: KubeObject): Obj | undefined {
  const entries = (live.metadata?.managedFields as Obj[] | undefined) ?? []
  const mine = entries.filter((e) => e?.manager === FIELD_MANAGER && e?.operation === 'Apply' && isMap(e.fieldsV1))
  if (mine.length === 0) return undefined
  return mine.reduce((acc, e) => mergeTrees(acc, e.fieldsV1), {} as Obj)
}

function mergeTrees(a: Obj, b: Obj): Obj {
  const out: Obj = {...a}
  for (const [k, v] of Object.entries(b)) out[k] = isMap(out[k]) && isMap(v) ? mergeTrees(out[k], v) : v
  return out
}

/** List items are matched by `name` when every item has one (listeners, rules with names...), else by position. */
function matchItems(live: unknown[], desired: unknown[]): (unknown | undefined)[] {
  const named = (xs: unknown[]) => xs.length > 0 && xs.every((x) => isMap(x) && typeof x.name === 'string')
  if (named(live) && named(desired)) {
    const byName = new Map(desired.map((d) => [(d as Obj).name as string, d]))
    return live.map((l) => byName.get((l as Obj).name))
  }
  return live.map((_, i) => desired[i])
}

/** A map or list with something in it (an emptied one is dropped rather than shown as `{}` / `[]`). */
function isNonEmptyCollection(v: unknown): boolean {
  return Array.isArray(v) ? v.length > 0 : isMap(v) && Object.keys(v).length > 0
}

/** True when pruning turned a non-empty live map or list into an empty one that `desired` does not ask for. */
function emptiedByPruning(liveValue: unknown, pruned: unknown, desiredValue: unknown): boolean {
  return isNonEmptyCollection(liveValue) && !isNonEmptyCollection(pruned) && (isMap(pruned) || Array.isArray(pruned)) && isNonEmptyCollection(desiredValue)
}

/**
 * Keep, recursively, only what `desired` sets or our manager owned; lists keep their live items, each pruned.
 * Maps and lists that pruning empties are dropped: a Namespace whose only live labels are someone else's must read
 * as "labels added", not as `labels: {}` (which reads as wiping them). An empty map or list that `desired` itself
 * sets is kept.
 */
function prune(live: unknown, desired: unknown, owned: Obj | undefined): unknown {
  if (isMap(live) && isMap(desired)) {
    const out: Obj = {}
    for (const [k, v] of Object.entries(live)) {
      // Own keys only, and setOwn: a live `__proto__` key (JSON.parse keeps it as data) is compared like any other.
      if (Object.hasOwn(desired, k)) {
        const p = prune(v, desired[k], isMap(owned?.[`f:${k}`]) ? owned![`f:${k}`] : undefined)
        if (!emptiedByPruning(v, p, desired[k])) setOwn(out, k, p)
      } else if (owned && `f:${k}` in owned) setOwn(out, k, v)
    }
    return out
  }
  if (Array.isArray(live) && Array.isArray(desired)) {
    const matched = matchItems(live, desired)
    const out: unknown[] = []
    for (const [i, item] of live.entries()) {
      if (matched[i] === undefined) {
        out.push(item)
        continue
      }
      const p = prune(item, matched[i], undefined)
      if (!emptiedByPruning(item, p, matched[i])) out.push(p)
    }
    return out
  }
  return live
}

/**
 * The live object as it compares with what we apply: server-populated fields removed and, unless `prune` is false,
 * reduced to the fields `desired` sets (plus fields our manager owned before).
 */
export function stripLive(live: KubeObject, desired: KubeObject | undefined, opts: {prune?: boolean} = {}): KubeObject {
  const owned = ownedTree(live)
  const copy = JSON.parse(JSON.stringify(live)) as Obj
  delete copy.status
  if (isMap(copy.metadata)) {
    for (const k of SERVER_METADATA) delete copy.metadata[k]
    if (isMap(copy.metadata.annotations)) {
      delete copy.metadata.annotations[LAST_APPLIED]
      if (Object.keys(copy.metadata.annotations).length === 0) delete copy.metadata.annotations
    }
  }
  if (opts.prune === false || !desired) return copy as KubeObject
  const pruned = prune(copy, JSON.parse(JSON.stringify(desired)), owned) as Obj
  // Identity fields always show, even if desired omitted them.
  pruned.apiVersion = copy.apiVersion
  pruned.kind = copy.kind
  pruned.metadata = {...(pruned.metadata ?? {}), name: copy.metadata?.name, ...(copy.metadata?.namespace !== undefined ? {namespace: copy.metadata.namespace} : {})}
  return pruned as KubeObject
}

export interface DiffOptions {
  color: boolean
  /** Reduce live objects to the fields we set (cluster mode, default). False compares whole objects (--against). */
  prune?: boolean
}

/**
 * Unified diffs of every object: live (key -> object, undefined when it does not exist) against desired.
 * Objects present in `live` but not in `desired` (only possible with --against) show as removed.
 */
export function diffObjects(live: Map<string, KubeObject | undefined>, desired: KubeObject[], opts: DiffOptions): {text: string; changed: number} {
  const chalk = new Chalk({level: opts.color ? 1 : 0})
  const parts: string[] = []
  let changed = 0
  const seen = new Set<string>()
  const emit = (name: string, before: string, after: string) => {
    if (before === after) return
    changed++
    const patch = createTwoFilesPatch(`LIVE/${name}`, `MERGED/${name}`, before, after, undefined, undefined, {context: 3, headerOptions: FILE_HEADERS_ONLY})
    const lines = [`diff -u -N LIVE/${name} MERGED/${name}`, ...patch.replace(/\n$/, '').split('\n')]
    parts.push(lines.map((l) => colorLine(l, chalk)).join('\n') + '\n')
  }
  for (const d of desired) {
    const key = objectKey(d)
    seen.add(key)
    const l = live.get(key)
    const before = l ? dumpOne(stripLive(l, d, {prune: opts.prune})) : ''
    emit(diffFileName(d), before, dumpOne(d))
  }
  for (const [key, l] of live) {
    if (seen.has(key) || !l) continue
    emit(diffFileName(l), dumpOne(stripLive(l, undefined, {prune: false})), '')
  }
  return {text: parts.join(''), changed}
}

function colorLine(line: string, chalk: InstanceType<typeof Chalk>): string {
  if (line.startsWith('diff ') || line.startsWith('--- ') || line.startsWith('+++ ')) return chalk.bold(line)
  if (line.startsWith('@@')) return chalk.cyan(line)
  if (line.startsWith('-')) return chalk.red(line)
  if (line.startsWith('+')) return chalk.green(line)
  return line
}

/**
 * KUBECTL_EXTERNAL_DIFF: split on spaces; as kubectl, extra arguments are kept only when they are made of letters,
 * digits, `-` and `=`. Returns the program and its arguments.
 */
export function parseExternalDiff(command: string): {program: string; args: string[]} {
  const [program, ...rest] = command.split(' ').filter((s) => s !== '')
  return {program: program ?? 'diff', args: rest.filter((a) => /^[a-zA-Z0-9\-=]+$/.test(a))}
}

/**
 * Write LIVE-* and MERGED-* directories (one file per object, kubectl diff's names; no LIVE file for an object that
 * does not exist yet) and run `command LIVE MERGED`. Resolves to its exit code (kubectl diff returns it as is).
 */
export async function externalDiff(
  live: Map<string, KubeObject | undefined>,
  desired: KubeObject[],
  command: string,
  opts: {prune?: boolean; stdout?: 'inherit' | 'pipe'; onOutput?: (text: string) => void} = {},
): Promise<number> {
  const root = mkdtempSync(join(tmpdir(), 'ingress2gw-diff-'))
  const liveDir = join(root, `LIVE-${process.pid}`)
  const mergedDir = join(root, `MERGED-${process.pid}`)
  mkdirSync(liveDir)
  mkdirSync(mergedDir)
  try {
    const seen = new Set<string>()
    for (const d of desired) {
      const key = objectKey(d)
      seen.add(key)
      const name = diffFileName(d)
      const l = live.get(key)
      if (l) writeFileSync(join(liveDir, name), dumpOne(stripLive(l, d, {prune: opts.prune})))
      writeFileSync(join(mergedDir, name), dumpOne(d))
    }
    for (const [key, l] of live) {
      if (seen.has(key) || !l) continue
      writeFileSync(join(liveDir, diffFileName(l)), dumpOne(stripLive(l, undefined, {prune: false})))
    }
    const {program, args} = parseExternalDiff(command)
    return await new Promise<number>((resolve, reject) => {
      const pipe = opts.stdout === 'pipe' || opts.onOutput !== undefined
      const child = spawn(program, [...args, liveDir, mergedDir], {stdio: ['ignore', pipe ? 'pipe' : 'inherit', 'inherit']})
      if (pipe) child.stdout!.on('data', (b: Buffer) => opts.onOutput?.(b.toString('utf8')))
      child.on('error', (err) => reject(new Error(`cannot run KUBECTL_EXTERNAL_DIFF program "${program}": ${err.message}`)))
      child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 2)))
    })
  } finally {
    rmSync(root, {recursive: true, force: true})
  }
}

/**
 * Read a rendered directory (convert --output-dir layout `DIR/<namespace>/<kind>-<name>.yaml`; any *.yaml / *.yml /
 * *.json below DIR is read) into key -> object, for `diff --against DIR`.
 */
export function loadRenderedDir(dir: string): Map<string, KubeObject> {
  const out = new Map<string, KubeObject>()
  let st
  try {
    st = statSync(dir)
  } catch {
    throw new Error(`--against ${dir}: no such directory`)
  }
  if (!st.isDirectory()) throw new Error(`--against ${dir}: not a directory`)
  const walk = (d: string) => {
    for (const entry of readdirSync(d, {withFileTypes: true}).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(d, entry.name)
      if (entry.isDirectory()) walk(p)
      else if (/\.(ya?ml|json)$/.test(entry.name)) {
        let docs: unknown[]
        try {
          docs = jsYaml.loadAll(readFileSync(p, 'utf8'))
        } catch (err) {
          throw new Error(`--against: cannot parse ${p}: ${(err as Error).message.split('\n')[0]}`)
        }
        for (const doc of docs) {
          for (const o of flattenList(doc)) out.set(objectKey(o), o)
        }
      }
    }
  }
  walk(dir)
  return out
}

function flattenList(doc: unknown): KubeObject[] {
  if (!isMap(doc)) return []
  if (typeof doc.kind === 'string' && doc.kind.endsWith('List') && Array.isArray(doc.items)) return doc.items.flatMap(flattenList)
  if (typeof doc.apiVersion === 'string' && typeof doc.kind === 'string' && isMap(doc.metadata) && typeof doc.metadata.name === 'string') return [doc as KubeObject]
  return []
}
