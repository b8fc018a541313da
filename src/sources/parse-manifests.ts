/**
 * Manifest text -> input objects. Pure: no fs, no process.
 *
 * - JSON fast path (text starting with `{` or `[`), falling back to YAML on a JSON syntax error.
 * - YAML streams are split into documents here (so one malformed document does not stop the others) and
 *   each document is parsed with js-yaml; errors carry the absolute line in the file.
 * - `kind: List` / `*List` (kubectl output) and top-level JSON arrays are expanded into their items.
 * - Alias bombs are refused, aliased documents are expanded into independent trees.
 * - Secrets are reduced to {apiVersion, kind, type, metadata: {name, namespace}} before anything else.
 * - Only the kinds the compiler reads are kept; the others are counted (one diagnostic per kind).
 * - Namespaced objects without a namespace take the default namespace (one diagnostic per file); with an explicit
 *   -n, namespaced objects in another namespace are skipped with a warning each, as kubectl refuses them.
 * - v1beta1 Ingresses are normalised to networking.k8s.io/v1; duplicates keep the first.
 */
import jsYaml from 'js-yaml'
import type {Diagnostic, InputObject, KubeObject, SourceLocation} from '../model/types.js'
import {normalizeIngress} from './normalize.js'
import {loadSubset, UNSUPPORTED} from './yaml-subset.js'
import {cloneJson} from '../util/json.js'
import {creationSecond} from '../util/timestamp.js'
import {aboutObject} from '../model/diagnostics.js'
import {diagnostic} from '../model/catalogue/diagnostic.js'
import type {DocumentAt, ValueType} from '../model/catalogue/sources.js'

export interface ParseOptions {
  defaultNamespace: string
  namespaceExplicit: boolean
  /** Where the default namespace came from, for the namespace-defaulted note (`the kubeconfig context "prod"`). */
  defaultNamespaceOrigin?: string
  /**
   * Keep objects that carry `app.kubernetes.io/managed-by: ingress2gw` (ingress2gw's own output) apart, in
   * `converted`, instead of reading or skipping them: `apply -f` / `diff -f` of `convert`'s output.
   */
  keepConverted?: boolean
  /** Also keep the Gateway API and Envoy Gateway kinds (verify --against: a tree of Gateway-side manifests). */
  keepGatewayKinds?: boolean
}

export interface ParsedManifests {
  objects: InputObject[]
  diagnostics: Diagnostic[]
  /** With keepConverted: already-converted objects (ingress2gw's output), in input order. */
  converted?: InputObject[]
}

/** Input kinds that are never ingress2gw output, even when labelled so. */
const NEVER_CONVERTED = new Set(['Ingress', 'Service', 'Secret', 'ConfigMap', 'IngressClass', 'Namespace'])
const CLUSTER_SCOPED_OUTPUT = new Set(['Namespace', 'ClusterIssuer', 'GatewayClass'])

/** Refuse a document whose aliases expand to more than this many nodes... */
export const ALIAS_EXPANDED_LIMIT = 100_000
/** ...and to more than this many times its distinct node count. */
export const ALIAS_RATIO_LIMIT = 20

// YAML 1.2 core schema (no timestamps: creationTimestamp must stay a string) plus merge keys (`<<: *base`).
export const SCHEMA = jsYaml.CORE_SCHEMA.extend({
  implicit: [(jsYaml as unknown as {types: {merge: jsYaml.Type}}).types.merge],
})

type Json = Record<string, unknown>

function isPlainObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function typeOf(value: unknown): ValueType {
  return Array.isArray(value) ? 'list' : typeof value
}

/** A document's location as diagnostic data: the file and line, or the cluster. */
function documentAt(loc: SourceLocation): DocumentAt {
  return loc.cluster ? {cluster: true} : {file: loc.file, ...(loc.line ? {line: loc.line} : {})}
}

// ---------------------------------------------------------------------------------------------------------
// Kinds

type Scope = 'namespaced' | 'cluster'

interface KindSpec {
  versions: string[] | '*'
  scope: Scope
}

/** Kept kinds by "group/kind" (core group = ""). */
const KEPT: Record<string, KindSpec> = {
  'networking.k8s.io/Ingress': {versions: ['v1', 'v1beta1'], scope: 'namespaced'},
  'extensions/Ingress': {versions: ['v1beta1'], scope: 'namespaced'},
  'networking.k8s.io/IngressClass': {versions: ['v1', 'v1beta1'], scope: 'cluster'},
  '/Service': {versions: ['v1'], scope: 'namespaced'},
  '/ConfigMap': {versions: ['v1'], scope: 'namespaced'},
  '/Secret': {versions: ['v1'], scope: 'namespaced'},
  '/Namespace': {versions: ['v1'], scope: 'cluster'},
  'cert-manager.io/Issuer': {versions: ['v1'], scope: 'namespaced'},
  'cert-manager.io/ClusterIssuer': {versions: ['v1'], scope: 'cluster'},
  'cert-manager.io/Certificate': {versions: ['v1'], scope: 'namespaced'},
  'gateway.networking.k8s.io/Gateway': {versions: '*', scope: 'namespaced'},
  // The GatewayClass's EnvoyProxy is merged under the generated one (translate/data-plane.ts checkInheritedEnvoyProxy).
  'gateway.networking.k8s.io/GatewayClass': {versions: '*', scope: 'cluster'},
  'gateway.envoyproxy.io/EnvoyProxy': {versions: '*', scope: 'namespaced'},
  // oauth2-proxy's flags (auth-url, --oauth2-proxy=oidc) and the ingress-nginx controllers' args and pod labels
  // (translate/controller-workloads.ts); no other field of a Deployment or DaemonSet is read.
  'apps/Deployment': {versions: ['v1'], scope: 'namespaced'},
  'apps/DaemonSet': {versions: ['v1'], scope: 'namespaced'},
}

/** The Gateway side of verify --against: what the Gateway model reads, kept only with keepGatewayKinds. */
const GATEWAY_KINDS: Record<string, KindSpec> = {
  'gateway.networking.k8s.io/HTTPRoute': {versions: '*', scope: 'namespaced'},
  'gateway.networking.k8s.io/GRPCRoute': {versions: '*', scope: 'namespaced'},
  'gateway.networking.k8s.io/TLSRoute': {versions: '*', scope: 'namespaced'},
  'gateway.networking.k8s.io/ReferenceGrant': {versions: '*', scope: 'namespaced'},
  'gateway.networking.k8s.io/BackendTLSPolicy': {versions: '*', scope: 'namespaced'},
  'gateway.envoyproxy.io/HTTPRouteFilter': {versions: '*', scope: 'namespaced'},
  'gateway.envoyproxy.io/BackendTrafficPolicy': {versions: '*', scope: 'namespaced'},
  'gateway.envoyproxy.io/SecurityPolicy': {versions: '*', scope: 'namespaced'},
  'gateway.envoyproxy.io/ClientTrafficPolicy': {versions: '*', scope: 'namespaced'},
  'gateway.envoyproxy.io/EnvoyExtensionPolicy': {versions: '*', scope: 'namespaced'},
  'gateway.envoyproxy.io/Backend': {versions: '*', scope: 'namespaced'},
}

function splitApiVersion(apiVersion: string): {group: string; version: string} {
  const slash = apiVersion.lastIndexOf('/')
  return slash < 0 ? {group: '', version: apiVersion} : {group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1)}
}

/** A kind that was skipped, counted (diagnostics are one per kind, not one per object). */
export interface SkippedKind {
  key: string
  label: string
  reason: string
  count: number
  files: string[]
  first: SourceLocation
}

function classify(apiVersion: string, kind: string, gatewayKinds = false): {keep: KindSpec} | {skipKey: string; label: string; reason: string} {
  const {group, version} = splitApiVersion(apiVersion)
  const spec = KEPT[`${group}/${kind}`] ?? (gatewayKinds ? GATEWAY_KINDS[`${group}/${kind}`] : undefined)
  if (spec) {
    if (spec.versions === '*' || spec.versions.includes(version)) return {keep: spec}
    const supported = spec.versions.map((v) => (group ? `${group}/${v}` : v)).join(', ')
    return {
      skipKey: `${apiVersion} ${kind}`,
      label: `${kind} (${apiVersion})`,
      reason: `apiVersion ${apiVersion} is not read (supported: ${supported}); update the manifests to a supported version`,
    }
  }
  return {
    skipKey: `${group}/${kind}`,
    label: group ? `${kind} (${group})` : kind,
    reason: 'ingress2gw does not read this kind; nothing to do',
  }
}

export function skippedKindDiagnostics(skipped: Iterable<SkippedKind>): Diagnostic[] {
  const out: Diagnostic[] = []
  for (const s of skipped) {
    out.push(diagnostic('skipped-kind', {count: s.count, kind: s.label, files: [...s.files], reason: s.reason}, {source: s.first}))
  }
  return out
}

export function mergeSkipped(into: Map<string, SkippedKind>, from: Iterable<SkippedKind>): void {
  for (const s of from) {
    const existing = into.get(s.key)
    if (!existing) {
      into.set(s.key, {...s, files: [...s.files]})
      continue
    }
    existing.count += s.count
    for (const f of s.files) if (!existing.files.includes(f)) existing.files.push(f)
  }
}

// ---------------------------------------------------------------------------------------------------------
// Object naming, duplicates

function objectLabel(obj: KubeObject): string {
  const ns = obj.metadata.namespace
  return ns ? `${obj.kind} ${ns}/${obj.metadata.name}` : `${obj.kind} ${obj.metadata.name}`
}

function where(loc: SourceLocation): string {
  if (loc.cluster) return 'the cluster'
  return loc.line ? `${loc.file}:${loc.line}` : `${loc.file}`
}

function identityKey(obj: KubeObject): string {
  // Compare by group + kind, not version: a v1beta1 and a v1 Ingress with the same name are the same object.
  // (Ingresses are already normalised to networking.k8s.io/v1 here, extensions/* included.)
  const {group} = splitApiVersion(obj.apiVersion)
  return `${group}\u0000${obj.kind}\u0000${obj.metadata.namespace ?? ''}\u0000${obj.metadata.name}`
}

/**
 * Drops objects already seen (same group/kind/namespace/name), keeping the first, with a warning naming both
 * locations. `seen` is updated; pass the same map to dedupe across files.
 */
export function dedupeObjects(objects: InputObject[], seen: Map<string, SourceLocation>, diagnostics: Diagnostic[]): InputObject[] {
  const kept: InputObject[] = []
  for (const input of objects) {
    const key = identityKey(input.object)
    const first = seen.get(key)
    if (first) {
      const data = {object: objectLabel(input.object), kept: where(first), ignored: where(input.source)}
      diagnostics.push(diagnostic('duplicate-object', data, {...aboutObject(input.object), source: input.source}))
      continue
    }
    seen.set(key, input.source)
    kept.push(input)
  }
  return kept
}

// ---------------------------------------------------------------------------------------------------------
// Document splitting

export interface Chunk {
  /** 0-based index of the chunk's first line in the file. */
  start: number
  /** 0-based index one past the chunk's last line. */
  end: number
  /** 1-based line of the first content line (where the document starts). */
  docLine: number
  /** Offset in the text of the chunk's first character... */
  from: number
  /** ...and one past its last (its last line's line break excluded): the chunk's text is text.slice(from, to). */
  to: number
}

/** Whether the line text[from, to) is the marker alone or followed by white space. */
function isMarker(text: string, from: number, to: number, marker: '---' | '...'): boolean {
  if (to - from < 3 || !text.startsWith(marker, from)) return false
  if (to - from === 3) return true
  const c = text.charCodeAt(from + 3)
  return c === 32 /* space */ || c === 9 /* tab */ || c === 13 /* \r */
}

function isBlankOrComment(line: string): boolean {
  const t = line.trim()
  return t === '' || t.startsWith('#')
}

/** isBlankOrComment of the line text[from, to), without copying it when it starts with a visible ASCII character. */
function isBlankOrCommentAt(text: string, from: number, to: number): boolean {
  if (from === to) return true
  const c = text.charCodeAt(from)
  if (c > 32 && c < 127) return c === 35 /* # */
  return isBlankOrComment(text.slice(from, to))
}

/**
 * Splits a YAML stream into documents at column-0 `---` (alone or followed by a space/comment/content) and
 * `...` markers. Documents with no content (empty, comments only) are dropped. Lines are walked by offset, not
 * split into strings: a 10,000-object file has hundreds of thousands of them.
 */
export function splitDocuments(text: string): Chunk[] {
  const chunks: Chunk[] = []
  let start = 0
  let from = 0
  let hasMarker = false
  let contentLine = -1

  // A chunk ends at the line break before line `end`, or at the end of the text.
  const flush = (end: number, to: number) => {
    if (contentLine >= 0) chunks.push({start, end, docLine: contentLine + 1, from, to})
  }

  let i = 0
  let lineStart = 0
  for (;;) {
    const lineBreak = text.indexOf('\n', lineStart)
    const lineEnd = lineBreak < 0 ? text.length : lineBreak
    const c = lineStart < lineEnd ? text.charCodeAt(lineStart) : -1
    if (c === 45 /* - */ && isMarker(text, lineStart, lineEnd, '---')) {
      if (contentLine >= 0 || hasMarker) {
        flush(i, lineStart - 1)
        start = i
        from = lineStart
        contentLine = -1
      }
      hasMarker = true
      if (!isBlankOrCommentAt(text, lineStart + 3, lineEnd)) contentLine = i // `--- |` or `--- {a: 1}`: content on the marker line
    } else if (c === 46 /* . */ && isMarker(text, lineStart, lineEnd, '...')) {
      flush(i, lineStart - 1)
      start = i + 1
      from = lineBreak < 0 ? text.length : lineBreak + 1
      hasMarker = false
      contentLine = -1
    } else if (contentLine < 0) {
      // blank or comment lines, and directives (%YAML, %TAG) before the document, do not start it
      if (!isBlankOrCommentAt(text, lineStart, lineEnd) && !(c === 37 /* % */ && !hasMarker)) contentLine = i
    }
    if (lineBreak < 0) break
    lineStart = lineBreak + 1
    i++
  }
  flush(i + 1, text.length)
  return chunks
}

// ---------------------------------------------------------------------------------------------------------
// Aliases

// An anchor (`&a`) / alias (`*a`) token: only documents with both can share nodes.
const ANCHOR_RE = /(?:^|[\s[{,])&[^\s[\]{},]/m
const ALIAS_RE = /(?:^|[\s[{,])\*[^\s[\]{},]/m

interface AliasStats {
  shared: boolean
  cyclic: boolean
  expanded: number
  distinct: number
}

/** Expanded vs distinct node counts of a parsed document, by object identity (memoised DAG walk). */
export function aliasStats(root: unknown): AliasStats {
  const memo = new Map<object, number>()
  const onStack = new Set<object>()
  const stats: AliasStats = {shared: false, cyclic: false, expanded: 0, distinct: 0}

  const visit = (node: object): number => {
    const known = memo.get(node)
    if (known !== undefined) {
      stats.shared = true
      return known
    }
    if (onStack.has(node)) {
      stats.cyclic = true
      return 0
    }
    onStack.add(node)
    stats.distinct++
    let total = 1
    const children = Array.isArray(node) ? node : Object.values(node)
    for (const child of children) {
      if (typeof child === 'object' && child !== null) {
        total += visit(child)
        if (stats.cyclic) return total
      } else {
        total += 1
        stats.distinct++
      }
    }
    onStack.delete(node)
    memo.set(node, total)
    return total
  }

  if (typeof root === 'object' && root !== null) stats.expanded = visit(root)
  else stats.expanded = stats.distinct = 1
  return stats
}

// ---------------------------------------------------------------------------------------------------------
// List item lines

/** Lines (1-based) of the items of a kubectl YAML List document (the chunk's text), or undefined when they cannot be told. */
function yamlListItemLines(text: string, chunk: Chunk, count: number): number[] | undefined {
  const lines = text.split('\n')
  let i = 0
  for (; i < lines.length; i++) if (/^items:\s*(#.*)?$/.test(lines[i].trimEnd())) break
  if (i >= lines.length) return undefined
  const result: number[] = []
  let indent = -1
  for (i++; i < lines.length; i++) {
    const line = lines[i]
    if (isBlankOrComment(line)) continue
    const lineIndent = line.length - line.trimStart().length
    const isEntry = /^\s*-(\s|$)/.test(line)
    if (indent < 0) {
      if (!isEntry) return undefined
      indent = lineIndent
    }
    if (lineIndent < indent || (lineIndent === indent && !isEntry)) break
    if (lineIndent === indent) result.push(chunk.start + i + 1)
  }
  return result.length === count ? result : undefined
}

/** Lines (1-based) of the items of a pretty-printed JSON array whose `[` is on line index `open`. */
function jsonArrayItemLines(lines: string[], open: number, count: number): number[] | undefined {
  const result: number[] = []
  let indent = -1
  for (let i = open + 1; i < lines.length; i++) {
    const line = lines[i]
    const trimmed = line.trim()
    if (trimmed === '') continue
    const lineIndent = line.length - line.trimStart().length
    if (indent < 0) {
      if (trimmed !== '{') return undefined
      indent = lineIndent
    }
    if (lineIndent < indent) break
    if (lineIndent === indent && trimmed === '{') result.push(i + 1)
  }
  return result.length === count ? result : undefined
}

function jsonListItemLines(lines: string[], count: number): number[] | undefined {
  let best = -1
  let bestIndent = Infinity
  for (let i = 0; i < lines.length; i++) {
    const m = /^(\s*)"items"\s*:\s*\[\s*$/.exec(lines[i])
    if (m && m[1].length < bestIndent) {
      best = i
      bestIndent = m[1].length
    }
  }
  return best < 0 ? undefined : jsonArrayItemLines(lines, best, count)
}

// ---------------------------------------------------------------------------------------------------------
// Per-object processing

/** A Secret reduced to what the compiler may know: never data, stringData, annotations or labels. */
function sanitizeSecret(raw: Json): Json {
  const meta = isPlainObject(raw.metadata) ? raw.metadata : undefined
  const metadata: Json = {}
  if (meta && meta.name !== undefined) metadata.name = meta.name
  if (meta && meta.namespace !== undefined) metadata.namespace = meta.namespace
  const out: Json = {apiVersion: raw.apiVersion, kind: raw.kind}
  if (raw.type !== undefined) out.type = raw.type
  out.metadata = metadata
  return out
}

/** labels/annotations values must be strings (the API server rejects anything else); coerce scalars. */
function checkStringMap(obj: KubeObject, field: 'labels' | 'annotations', loc: SourceLocation, diagnostics: Diagnostic[]): void {
  const map = obj.metadata[field]
  if (map === undefined || map === null) {
    if (map === null) delete obj.metadata[field]
    return
  }
  if (!isPlainObject(map)) {
    diagnostics.push(diagnostic('invalid-object', {problem: 'map-not-a-mapping', field, type: typeOf(map)}, {level: 'warning', ...aboutObject(obj), source: loc}))
    delete obj.metadata[field]
    return
  }
  for (const [key, value] of Object.entries(map)) {
    if (typeof value === 'string') continue
    if (value === null || typeof value === 'number' || typeof value === 'boolean') {
      const text = value === null ? '' : String(value)
      map[key] = text
      const type = value === null ? 'null' : typeof value === 'number' ? 'number' : 'boolean'
      diagnostics.push(diagnostic('invalid-object', {problem: 'value-coerced', field, key, type, readAs: text}, {level: 'warning', ...aboutObject(obj), ...(field === 'annotations' ? {annotation: key} : {}), source: loc}))
    } else {
      delete map[key]
      diagnostics.push(diagnostic('invalid-object', {problem: 'value-dropped', field, key, type: typeOf(value)}, {level: 'warning', ...aboutObject(obj), ...(field === 'annotations' ? {annotation: key} : {}), source: loc}))
    }
  }
}

/**
 * A creationTimestamp ingress-nginx and Envoy Gateway could not have held (util/timestamp.ts): kept as written and
 * ordered as a missing one (last), said once here rather than by each comparison.
 */
function checkCreationTimestamp(obj: KubeObject, loc: SourceLocation, diagnostics: Diagnostic[]): void {
  const value: unknown = obj.metadata.creationTimestamp
  if (value === undefined || value === null || creationSecond(value) !== undefined) return
  const text = typeof value === 'string' ? value : JSON.stringify(value)
  diagnostics.push(diagnostic('invalid-object', {problem: 'creation-timestamp-unparseable', value: text}, {level: 'warning', ...aboutObject(obj), source: loc}))
}

interface FileState {
  file: string
  options: ParseOptions
  objects: InputObject[]
  diagnostics: Diagnostic[]
  skipped: Map<string, SkippedKind>
  defaulted: number
  firstDefaulted?: SourceLocation
  converted: InputObject[]
}

function isConvertedOutput(raw: Json, state: FileState): boolean {
  if (!state.options.keepConverted || NEVER_CONVERTED.has(String(raw.kind))) return false
  const labels = isPlainObject(raw.metadata) ? raw.metadata.labels : undefined
  return isPlainObject(labels) && labels['app.kubernetes.io/managed-by'] === 'ingress2gw' && isPlainObject(raw.metadata) && typeof raw.metadata.name === 'string'
}

function processObject(value: unknown, loc: SourceLocation, state: FileState): void {
  if (value === null || value === undefined) return
  if (!isPlainObject(value)) {
    state.diagnostics.push(diagnostic('invalid-object', {problem: 'not-an-object', type: typeOf(value), ...documentAt(loc)}, {level: 'error', source: loc}))
    return
  }
  // Secrets first, before anything can copy or report their content.
  const raw = value.kind === 'Secret' ? sanitizeSecret(value) : value

  const apiVersion = raw.apiVersion
  const kind = raw.kind
  const missing: ('apiVersion' | 'kind')[] = []
  if (typeof apiVersion !== 'string' || apiVersion.trim() === '') missing.push('apiVersion')
  if (typeof kind !== 'string' || kind.trim() === '') missing.push('kind')
  if (missing.length > 0) {
    state.diagnostics.push(diagnostic('invalid-object', {problem: 'no-api-version-or-kind', missing, ...documentAt(loc)}, {level: 'error', source: loc}))
    return
  }
  const av = apiVersion as string
  const k = kind as string

  if (isConvertedOutput(raw, state)) {
    const obj = raw as unknown as KubeObject
    if (!CLUSTER_SCOPED_OUTPUT.has(k) && !obj.metadata.namespace) {
      obj.metadata.namespace = state.options.defaultNamespace
      state.defaulted++
      state.firstDefaulted ??= loc
    }
    state.converted.push({object: obj, source: loc})
    return
  }

  // Lists nested in lists are not produced by kubectl; treat them like any other unknown kind.
  const cls = classify(av, k, state.options.keepGatewayKinds === true)
  if (!('keep' in cls)) {
    const existing = state.skipped.get(cls.skipKey)
    if (existing) existing.count++
    else state.skipped.set(cls.skipKey, {key: cls.skipKey, label: cls.label, reason: cls.reason, count: 1, files: [state.file], first: loc})
    return
  }

  const meta = raw.metadata
  const name = isPlainObject(meta) ? meta.name : undefined
  if (typeof name !== 'string' || name.trim() === '') {
    const nameType = !isPlainObject(meta) || name === undefined || name === null || name === '' ? undefined : typeOf(name)
    state.diagnostics.push(diagnostic('invalid-object', {problem: 'no-name', kind: k, metadata: isPlainObject(meta), ...(nameType ? {nameType} : {}), ...documentAt(loc)}, {level: 'error', source: loc}))
    return
  }
  const ns = (meta as Json).namespace
  if (ns !== undefined && ns !== null && typeof ns !== 'string') {
    state.diagnostics.push(diagnostic('invalid-object', {problem: 'namespace-not-a-string', kind: k, name, type: typeOf(ns), ...documentAt(loc)}, {level: 'error', source: loc}))
    return
  }

  let obj = raw as unknown as KubeObject
  // `-n NS -f FILE` with an object in another namespace: kubectl refuses it ("the namespace from the provided object
  // does not match the namespace sent on the request"). Skip it and say so: -n acts as a filter that names what it
  // left out. Cluster-scoped kinds have no namespace to mismatch.
  if (cls.keep.scope === 'namespaced' && state.options.namespaceExplicit && typeof ns === 'string' && ns !== '' && ns !== state.options.defaultNamespace) {
    const given = state.options.defaultNamespace
    state.diagnostics.push(diagnostic('namespace-mismatch', {object: objectLabel(obj), at: where(loc), namespace: ns, given}, {...aboutObject(obj), source: loc}))
    return
  }
  if (cls.keep.scope === 'cluster') {
    delete obj.metadata.namespace
  } else if (!obj.metadata.namespace) {
    obj.metadata.namespace = state.options.defaultNamespace
    state.defaulted++
    state.firstDefaulted ??= loc
  }

  checkStringMap(obj, 'labels', loc, state.diagnostics)
  checkStringMap(obj, 'annotations', loc, state.diagnostics)
  checkCreationTimestamp(obj, loc, state.diagnostics)

  if (k === 'Ingress') {
    const normalized = normalizeIngress(obj)
    obj = normalized.object
    for (const d of normalized.diagnostics) state.diagnostics.push({...d, source: loc})
  }

  state.objects.push({object: obj, source: loc})
}

function isListValue(value: unknown): value is Json & {items: unknown[] | null | undefined} {
  if (!isPlainObject(value) || typeof value.kind !== 'string' || !value.kind.endsWith('List')) return false
  if (Array.isArray(value.items)) return true
  // `items: null` (or none) in a List without a name: an empty list, not an object.
  return (value.items === null || value.items === undefined) && !(isPlainObject(value.metadata) && value.metadata.name)
}

function processValue(value: unknown, loc: SourceLocation, itemLines: (count: number) => number[] | undefined, state: FileState): void {
  if (isListValue(value)) {
    const items = value.items ?? []
    const lines = itemLines(items.length)
    items.forEach((item, i) => processObject(item, {file: loc.file, line: lines ? lines[i] : loc.line}, state))
    return
  }
  processObject(value, loc, state)
}

// ---------------------------------------------------------------------------------------------------------
// Entry points

/** Per-file parse result with the skipped kinds still as counts (readFileInputs merges them across files). */
export interface FileParse extends ParsedManifests {
  skipped: SkippedKind[]
}

function parseJson(text: string, state: FileState): boolean {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return false // YAML is a superset of JSON: let the YAML parser report the error with a line
  }
  const lines = text.split('\n')
  const firstLine = lines.findIndex((l) => l.trim() !== '')
  const loc: SourceLocation = {file: state.file, line: firstLine + 1}
  if (Array.isArray(value)) {
    const lineNos = lines[firstLine].trim() === '[' ? jsonArrayItemLines(lines, firstLine, value.length) : undefined
    value.forEach((item, i) =>
      processValue(item, {file: state.file, line: lineNos ? lineNos[i] : loc.line}, () => undefined, state),
    )
  } else {
    processValue(value, loc, (count) => jsonListItemLines(lines, count), state)
  }
  return true
}

/**
 * A chunk's text as js-yaml reads it: loadDocuments appends a line break to a text that ends without one (a blank
 * last line keeps its text as it is: a `|+` block scalar would keep one more). When the file has that line break
 * right after the chunk, the slice that includes it is the same text without a copy.
 */
export function chunkWithLineBreak(fileText: string, chunk: Chunk, text: string): string {
  const last = text.charCodeAt(text.length - 1)
  if (last === 10 || last === 13) return text
  return fileText.charCodeAt(chunk.to) === 10 ? fileText.slice(chunk.from, chunk.to + 1) : text
}

function parseYamlChunk(fileText: string, chunk: Chunk, state: FileState): void {
  const text = fileText.slice(chunk.from, chunk.to)
  const loc: SourceLocation = {file: state.file, line: chunk.docLine}
  // Most manifests are plain block YAML that the subset reader takes at a fraction of js-yaml's cost; whatever it
  // does not handle (and every error) goes through js-yaml unchanged.
  let value: unknown = loadSubset(chunkWithLineBreak(fileText, chunk, text), SCHEMA)
  if (value === UNSUPPORTED) {
    try {
      value = jsYaml.load(text, {schema: SCHEMA, filename: state.file})
    } catch (err) {
      const e = err as {reason?: string; mark?: {line: number; column: number}; message?: string}
      // js-yaml's mark.line is 0-based in the chunk; an end-of-stream error may point one past the chunk's last line.
      const markLine = e.mark ? chunk.start + e.mark.line + 1 : chunk.docLine
      const line = Math.min(markLine, chunk.end)
      const column = e.mark && markLine === line ? {column: e.mark.column + 1} : {}
      // e.reason, not e.message: the message carries a snippet of the source (which may be a Secret's data).
      const reason = e.reason ?? (err instanceof RangeError ? 'document nested too deeply' : 'cannot be parsed')
      state.diagnostics.push(diagnostic('yaml-syntax', {file: state.file, line, ...column, reason, documentLine: chunk.docLine}, {source: {file: state.file, line}}))
      return
    }
  }
  if (value === null || value === undefined) return

  // (includes first: a search for one character is far cheaper than the expressions, and most documents have neither)
  if (typeof value === 'object' && text.includes('&') && ANCHOR_RE.test(text) && text.includes('*') && ALIAS_RE.test(text)) {
    const stats = aliasStats(value)
    if (stats.cyclic) {
      state.diagnostics.push(diagnostic('yaml-alias-bomb', {at: where(loc), recursive: true}, {source: loc}))
      return
    }
    if (stats.expanded > ALIAS_EXPANDED_LIMIT && stats.expanded > ALIAS_RATIO_LIMIT * stats.distinct) {
      const data = {at: where(loc), recursive: false as const, expanded: stats.expanded, distinct: stats.distinct, limit: ALIAS_EXPANDED_LIMIT, ratio: ALIAS_RATIO_LIMIT}
      state.diagnostics.push(diagnostic('yaml-alias-bomb', data, {source: loc}))
      return
    }
    // Shared references (aliases) expanded into independent subtrees, as structuredClone would not.
    if (stats.shared) value = cloneJson(value)
  }

  processValue(value, loc, (count) => yamlListItemLines(text, chunk, count), state)
}

/** parseManifestText, keeping skipped kinds as counts so that a caller can merge them across files. */
export function parseManifestFile(text: string, file: string, options: ParseOptions): FileParse {
  const state: FileState = {file, options, objects: [], diagnostics: [], skipped: new Map(), defaulted: 0, converted: []}
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)

  const firstChar = text.search(/\S/)
  const c = firstChar < 0 ? '' : text[firstChar]
  const parsedAsJson = (c === '{' || c === '[') && parseJson(text, state)
  if (!parsedAsJson) {
    for (const chunk of splitDocuments(text)) parseYamlChunk(text, chunk, state)
  }

  const objects = dedupeObjects(state.objects, new Map(), state.diagnostics)

  if (state.defaulted > 0) {
    const ns = options.defaultNamespace
    const n = state.defaulted
    const data = {count: n, file, namespace: ns, ...(options.namespaceExplicit ? {from: 'flag' as const} : {from: 'context' as const, origin: options.defaultNamespaceOrigin ?? 'the default namespace'})}
    state.diagnostics.push(diagnostic('namespace-defaulted', data, {source: state.firstDefaulted}))
  }

  return {objects, diagnostics: state.diagnostics, skipped: [...state.skipped.values()], ...(options.keepConverted ? {converted: state.converted} : {})}
}

/**
 * Parses one file's text (multi-document YAML, JSON, kubectl Lists) into input objects and diagnostics.
 * Never throws on bad input: every problem is a diagnostic with the file and line.
 */
export function parseManifestText(text: string, file: string, options: ParseOptions): ParsedManifests {
  const parsed = parseManifestFile(text, file, options)
  return {objects: parsed.objects, diagnostics: [...parsed.diagnostics, ...skippedKindDiagnostics(parsed.skipped)]}
}
