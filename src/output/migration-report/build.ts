/**
 * Builds the migration report from the translate result: per-Ingress status, namespaces, the annotation histogram,
 * conflicts, tcp/udp entries, the Gateway topology, the checklist. Reads diagnostics by their fields (code, level,
 * fidelity, object, annotation, hint), never by their message text.
 */
import {ingressIdOf} from '../../model/diagnostics.js'
import {maskDiagnostic} from '../../model/credentials.js'
import {compareStrings} from '../../util/hash.js'
import type {Diagnostic, Fidelity, IngressReport, Level, Snapshot, TranslateOptions, TranslateResult} from '../../model/types.js'
import {conflictsOf} from './conflicts.js'
import {gatewaysOf, sharedGatewayObjects} from './gateways.js'
import {
  FIDELITIES,
  RANK,
  REPORT_KIND,
  REPORT_SCHEMA_VERSION,
  zeroFidelity,
  zeroStatus,
  type AnnotationUse,
  type ConfigMapKeys,
  type FidelityCounts,
  type IngressEntry,
  type IngressOutcome,
  type IngressStatus,
  type MigrationReport,
  type NamespaceSummary,
  type ObjectRef,
  type ReportDiagnostic,
} from './model.js'
import {streamEntriesOf} from './stream-entries.js'

export interface ReportContext {
  /** Diagnostics of reading the input (files, cluster) that translate did not produce. */
  inputDiagnostics?: Diagnostic[]
  /** The input, for what the result names but does not carry (tcp/udp entry values, a losing Ingress's paths). */
  snapshot?: Snapshot
  options?: Partial<TranslateOptions>
  scope?: MigrationReport['scope']
}

export function buildReport(result: TranslateResult, context: ReportContext = {}): MigrationReport {
  // URL credentials masked once for every part of the report (entries, notes, conflicts): the input's diagnostics
  // come from the sources and the commands, outside translate's maskDiagnostic.
  const diagnostics = [...(context.inputDiagnostics ?? []), ...result.diagnostics].map(maskDiagnostic)
  const byIngress = new Map<string, Diagnostic[]>()
  const rest: Diagnostic[] = []
  for (const d of diagnostics) {
    const ingress = ingressIdOf(d)
    if (ingress !== undefined) push(byIngress, ingress, d)
    else rest.push(d)
  }

  const locate = objectLocator(result)
  const shared = sharedGatewayObjects(result, locate)
  const entries = result.ingresses.map((r) => ingressEntry(r, byIngress.get(r.ingress) ?? [], locate, shared.keys))
  const known = new Set(result.ingresses.map((r) => r.ingress))
  for (const [id, list] of byIngress) {
    if (known.has(id)) continue
    // Ingresses the compiler refused before modelling them (no spec, no rules...): nothing of them is served.
    if (list.some((d) => d.code === 'invalid-ingress')) entries.push(invalidEntry(id, list))
    else rest.push(...list)
  }
  entries.sort((a, b) => compareStrings(a.ingress, b.ingress))

  const stream = streamEntriesOf(rest, context.snapshot, context.options)
  const conflicts = conflictsOf(diagnostics, result, context.snapshot)
  const levels: Record<Level, number> = {error: 0, warning: 0, info: 0}
  for (const d of diagnostics) levels[d.level]++
  const byStatus = zeroStatus()
  const annotations = zeroFidelity()
  for (const e of entries) {
    byStatus[e.status]++
    for (const a of e.annotations) annotations[a.fidelity]++
  }
  const namespaces = namespaceSummaries(entries)
  const configMaps = (result.configMapKeys ?? []).map(configMapOf)
  const configMapCounts = configMaps.length > 0 ? fidelityCounts(configMaps.flatMap((c) => c.keys)) : undefined
  return {
    kind: REPORT_KIND,
    schemaVersion: REPORT_SCHEMA_VERSION,
    ...(context.scope ? {scope: context.scope} : {}),
    summary: {
      ingresses: entries.length,
      namespaces: namespaces.length,
      byStatus,
      annotations,
      ...(configMapCounts ? {configMapKeys: configMapCounts} : {}),
      objects: result.objects.length,
      diagnostics: levels,
      conflicts: conflicts.length,
      streamEntries: stream.entries.length,
    },
    namespaces,
    ingresses: entries,
    annotations: histogram(entries),
    ...(configMaps.length > 0 ? {configMap: configMaps[0], configMaps} : {}),
    conflicts,
    streamEntries: stream.entries,
    gateways: gatewaysOf(result, shared.objects),
    checklist: result.checklist,
    notes: stream.rest.map((d) => reportDiagnostic(d, true)),
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key)
  if (list) list.push(value)
  else map.set(key, [value])
}

export function reportDiagnostic(d: Diagnostic, keepObject: boolean): ReportDiagnostic {
  const source = keepObject && d.source && (d.source.file || d.source.line) ? {...d.source} : undefined
  return {
    level: d.level,
    code: d.code,
    ...(d.fidelity ? {fidelity: d.fidelity} : {}),
    ...(keepObject && d.object ? {object: d.object} : {}),
    ...(keepObject && d.ref ? {ref: {...d.ref}} : {}),
    ...(d.annotation ? {annotation: d.annotation} : {}),
    message: d.message,
    ...(d.data ? {data: structuredClone(d.data)} : {}),
    ...(d.hint ? {hint: d.hint} : {}),
    ...(source ? {source} : {}),
  }
}

/** The worst status an Ingress's outcome, annotation fidelities and diagnostics imply, and what set it. */
export function ingressStatus(outcome: IngressOutcome, annotations: Record<string, Fidelity>, diagnostics: Diagnostic[]): {status: IngressStatus; reason?: string} {
  // Raised from the closure below: typed wide so the checks after the loop are not narrowed to 'exact'.
  let status = 'exact' as IngressStatus
  const causes: Record<IngressStatus, string[]> = {exact: [], approximate: [], manual: [], skipped: []}
  const raise = (s: IngressStatus, cause: string) => {
    if (RANK[s] > RANK[status]) status = s
    if (!causes[s].includes(cause)) causes[s].push(cause)
  }
  if (outcome === 'not-served' || outcome === 'denied' || outcome === 'skipped' || outcome === 'invalid') raise('skipped', OUTCOME_TEXT[outcome])
  for (const [key, f] of Object.entries(annotations)) if (f === 'approximate' || f === 'manual') raise(f, shortKey(key))
  for (const d of diagnostics) {
    const cause = d.annotation ? `${shortKey(d.annotation)} (${d.code})` : d.code
    if (d.fidelity === 'approximate' || d.fidelity === 'manual') raise(d.fidelity, cause)
    // An error or an unexplained warning (a path lost to a conflict, a missing Service) changes what is served.
    else if (d.level === 'error' || (d.level === 'warning' && !d.fidelity)) raise('approximate', cause)
  }
  if (status === 'exact') return {status}
  if (status === 'skipped') {
    // What made nginx drop it, or left no path to route: the errors and warnings on it.
    const why = diagnostics.filter((d) => d.level !== 'info').map((d) => (d.annotation ? `${d.code}: ${shortKey(d.annotation)}` : d.code))
    const list = [...new Set(why)]
    return {status, reason: `${REASON_LEAD.skipped}: ${causes.skipped.join(', ')}${list.length > 0 ? ` (${list.join(', ')})` : ''}`}
  }
  // An annotation's own diagnostic repeats it: "use-regex (annotation-approximate)" after "use-regex" says nothing more.
  const list = causes[status].filter((c) => !(c.includes(' (') && causes[status].includes(c.slice(0, c.indexOf(' (')))))
  return {status, reason: `${REASON_LEAD[status]}: ${list.join(', ')}`}
}

const OUTCOME_TEXT: Record<'not-served' | 'denied' | 'skipped' | 'invalid', string> = {
  'not-served': 'ingress-nginx does not serve this Ingress today',
  denied: 'ingress-nginx answers every path of this Ingress with an error status today (locations denied), and so do its routes',
  skipped: 'no route could be generated',
  invalid: 'not a valid Ingress',
}

const REASON_LEAD: Record<IngressStatus, string> = {
  exact: '',
  approximate: 'behaves differently',
  manual: 'needs a person',
  skipped: 'nothing is served',
}

/** `nginx.ingress.kubernetes.io/use-regex` -> `use-regex` (any prefix: --annotation-prefix). */
export function shortKey(key: string): string {
  const i = key.lastIndexOf('/')
  return i < 0 ? key : key.slice(i + 1)
}

function splitId(id: string): {namespace: string; name: string} {
  const i = id.indexOf('/')
  return i < 0 ? {namespace: '', name: id} : {namespace: id.slice(0, i), name: id.slice(i + 1)}
}

function ingressEntry(r: IngressReport, diagnostics: Diagnostic[], locate: (ref: string, ns: string) => ObjectRef, shared: Set<string>): IngressEntry {
  const {namespace, name} = splitId(r.ingress)
  const outcome: IngressOutcome = r.status
  const {status, reason} = ingressStatus(outcome, r.annotations, diagnostics)
  const objects = r.objects.map((ref) => locate(ref, namespace)).filter((o) => !shared.has(objectRefKey(o)))
  objects.sort((a, b) => compareStrings(objectRefKey(a), objectRefKey(b)))
  const entry: IngressEntry = {
    ingress: r.ingress,
    namespace,
    name,
    status,
    ...(reason ? {reason} : {}),
    outcome,
    ...(r.source.file ? {source: {file: r.source.file, ...(r.source.line ? {line: r.source.line} : {})}} : {}),
    annotations: Object.entries(r.annotations)
      .sort(([a], [b]) => compareStrings(a, b))
      .map(([key, fidelity]) => ({key, fidelity})),
    objects,
    diagnostics: diagnostics.map((d) => reportDiagnostic(d, false)),
  }
  return entry
}

function invalidEntry(id: string, diagnostics: Diagnostic[]): IngressEntry {
  const {namespace, name} = splitId(id)
  const invalid = diagnostics.find((d) => d.code === 'invalid-ingress')!
  const source = invalid.source
  return {
    ingress: id,
    namespace,
    name,
    status: 'skipped',
    reason: ingressStatus('invalid', {}, diagnostics).reason,
    outcome: 'invalid',
    ...(source?.file ? {source: {file: source.file, ...(source.line ? {line: source.line} : {})}} : {}),
    annotations: [],
    objects: [],
    diagnostics: diagnostics.map((d) => reportDiagnostic(d, false)),
  }
}

export function objectRefKey(o: ObjectRef): string {
  return `${o.kind}/${o.namespace ?? ''}/${o.name}`
}

/**
 * translate names an Ingress's objects `Kind/name`; the namespace is the Ingress's own when such an object is
 * there (routes, policies, grants), else the only namespace holding that Kind/name (certificates in the Gateway's).
 */
function objectLocator(result: TranslateResult): (ref: string, namespace: string) => ObjectRef {
  const where = new Map<string, Set<string>>()
  for (const o of result.objects) {
    const key = `${o.kind}/${o.metadata.name}`
    const set = where.get(key) ?? new Set<string>()
    set.add(o.metadata.namespace ?? '')
    where.set(key, set)
  }
  return (ref, namespace) => {
    const slash = ref.indexOf('/')
    const kind = ref.slice(0, slash)
    const name = ref.slice(slash + 1)
    const namespaces = where.get(ref)
    let ns: string | undefined
    if (namespaces?.has(namespace)) ns = namespace
    else if (namespaces?.size === 1) ns = [...namespaces][0]
    return ns ? {kind, namespace: ns, name} : {kind, name}
  }
}

function namespaceSummaries(entries: IngressEntry[]): NamespaceSummary[] {
  const byName = new Map<string, NamespaceSummary>()
  for (const e of entries) {
    let s = byName.get(e.namespace)
    if (!s) {
      s = {name: e.namespace, ingresses: 0, byStatus: zeroStatus(), annotations: zeroFidelity(), objects: 0}
      byName.set(e.namespace, s)
    }
    s.ingresses++
    s.byStatus[e.status]++
    for (const a of e.annotations) s.annotations[a.fidelity]++
    s.objects += e.objects.length
  }
  return [...byName.values()].sort((a, b) => compareStrings(a.name, b.name))
}

/** Annotation keys by how many Ingresses use them (then by key), with the fidelity each ended in. */
function histogram(entries: IngressEntry[]): AnnotationUse[] {
  const byKey = new Map<string, AnnotationUse>()
  for (const e of entries) {
    for (const a of e.annotations) {
      let use = byKey.get(a.key)
      if (!use) {
        use = {key: a.key, ingresses: 0, fidelity: zeroFidelity()}
        byKey.set(a.key, use)
      }
      use.ingresses++
      use.fidelity[a.fidelity]++
    }
  }
  return [...byKey.values()].sort((a, b) => b.ingresses - a.ingresses || compareStrings(a.key, b.key))
}

/** A controller ConfigMap's keys (one of translate's configMapKeys tables), sorted by key. */
function configMapOf(table: NonNullable<TranslateResult['configMapKeys']>[number]): ConfigMapKeys {
  const keys = Object.keys(table.keys)
    .sort(compareStrings)
    .map((key) => ({key, fidelity: table.keys[key]}))
  return {name: table.configMap.replace(/^ConfigMap /, ''), keys}
}

/** How many keys ended in each fidelity (a ConfigMap's histogram). */
export function fidelityCounts(keys: {fidelity: Fidelity}[]): FidelityCounts {
  const counts = zeroFidelity()
  for (const k of keys) counts[k.fidelity]++
  return counts
}

/** The fidelity counts as `3 exact, 1 approximate, ...` in FIDELITIES order. */
export function fidelityText(counts: Record<Fidelity, number>): string {
  return FIDELITIES.map((f) => `${counts[f]} ${f}`).join(', ')
}
