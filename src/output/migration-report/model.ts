/**
 * The migration report's data: what `report -o json` prints and every other format renders. The JSON form is a
 * documented contract (docs/report-schema.json, checked in test/report-schema.test.ts): bump REPORT_SCHEMA_VERSION
 * with the schema whenever a field changes (minor: a field added; major: a field removed or its meaning changed).
 */
import type {Fidelity, Level, SourceLocation} from '../../model/types.js'

export const REPORT_SCHEMA_VERSION = '1.4'
export const REPORT_KIND = 'IngressMigrationReport'

/** exact: converts as nginx behaved; approximate: works, differs in a named way; manual: needs a person; skipped: nothing is served. */
export type IngressStatus = 'exact' | 'approximate' | 'manual' | 'skipped'
export const STATUSES: readonly IngressStatus[] = ['exact', 'approximate', 'manual', 'skipped']
export const FIDELITIES: readonly Fidelity[] = ['exact', 'approximate', 'manual', 'ignored']

/**
 * converted, canary (merged into its primary), not-served (nginx dropped it), denied (nginx answered every path with
 * 503, or 403 for client certificates, and so do the routes), skipped (nothing emitted), invalid (not an Ingress nginx
 * accepts).
 */
export type IngressOutcome = 'converted' | 'canary' | 'not-served' | 'denied' | 'skipped' | 'invalid'

export type StatusCounts = Record<IngressStatus, number>
export type FidelityCounts = Record<Fidelity, number>

/** A diagnostic as the report keeps it: the fields of translate's Diagnostic, never re-parsed from its message. */
export interface ReportDiagnostic {
  level: Level
  code: string
  fidelity?: Fidelity
  /** The input object it is about (kept for notes; omitted inside an Ingress entry, which names it). */
  object?: string
  /** `object` as data (since 1.3): group and filter on it, not on the text. */
  ref?: ObjectRef
  annotation?: string
  message: string
  /** What the message is rendered from, for codes the catalogue renders (since 1.3). */
  data?: Record<string, unknown>
  hint?: string
  source?: SourceLocation
}

export interface ObjectRef {
  kind: string
  namespace?: string
  name: string
}

/** Probe counts from `verify` (same answer from ingress-nginx and the Gateway, or not): src/verify/report-probes.ts. */
export interface ProbeCounts {
  total: number
  same: number
  different: number
  /** Of the different ones, those a conversion diagnostic names (verify's `known` label); since 1.2. */
  known?: number
}

/** `12 probes, 1 differ (1 known)`: verify's summary words, for the text, markdown and html reports. */
export function probeCountsText(p: ProbeCounts): string {
  return `${p.total} probe${p.total === 1 ? '' : 's'}, ${p.different} differ (${p.known ?? 0} known)`
}

export interface IngressEntry {
  /** `namespace/name` */
  ingress: string
  namespace: string
  name: string
  status: IngressStatus
  /** Why the status is not exact: the annotations and diagnostic codes that set it. */
  reason?: string
  outcome: IngressOutcome
  source?: SourceLocation
  annotations: {key: string; fidelity: Fidelity}[]
  /** What the Ingress became (objects shared by several Ingresses in a Gateway's namespace are under gateways). */
  objects: ObjectRef[]
  diagnostics: ReportDiagnostic[]
  probes?: ProbeCounts
}

export interface NamespaceSummary {
  name: string
  ingresses: number
  byStatus: StatusCounts
  annotations: FidelityCounts
  objects: number
}

/** One annotation key across all Ingresses: how often it ends in each fidelity. */
export interface AnnotationUse {
  key: string
  ingresses: number
  fidelity: FidelityCounts
}

/** Two Ingresses that define the same thing, or one that changes another's behaviour (nginx merges them per host). */
export interface Conflict {
  code: string
  level: Level
  /** The Ingress the conflict is reported on (the one that loses, or the one affected). */
  ingress: string
  host?: string
  path?: string
  pathType?: string
  /** The Ingress nginx serves the contested path from. */
  keptBy?: string
  message: string
  hint?: string
}

/** One tcp-services / udp-services entry: a port ingress-nginx exposed outside HTTP. */
export interface StreamEntry {
  protocol: 'TCP' | 'UDP'
  /** `namespace/name` of the ConfigMap. */
  configMap: string
  port: string
  /** The entry's value as written (`<namespace>/<service>:<port>[:PROXY][:PROXY]`). */
  target?: string
  status: IngressStatus
  diagnostics: ReportDiagnostic[]
}

export interface GatewayListener {
  name: string
  protocol?: string
  port?: number
  hostname?: string
  /** Routes attached to it by this conversion. */
  routes: number
}

export interface GatewayRoute {
  kind: string
  namespace: string
  name: string
  listeners: string[]
  /** Backends: `Service/name:port` or `Kind/name` (Backend, ...), in the route's namespace unless qualified. */
  backends: string[]
}

export interface GatewaySummary {
  namespace: string
  name: string
  /** The Gateway object is part of this output (the gateway-owner bundle), not only named by routes. */
  emitted: boolean
  listeners: GatewayListener[]
  namespaces: {name: string; routes: number; backends: number}[]
  routes: GatewayRoute[]
  /** Objects in the Gateway's namespace that several Ingresses share (redirect route, certificates...). */
  shared: ObjectRef[]
}

export interface ReportSummary {
  ingresses: number
  namespaces: number
  byStatus: StatusCounts
  annotations: FidelityCounts
  /** The keys of the controller ConfigMaps (all of configMaps) by the fidelity they ended in (since 1.1; absent without a ConfigMap). */
  configMapKeys?: FidelityCounts
  objects: number
  diagnostics: Record<Level, number>
  conflicts: number
  streamEntries: number
  probes?: ProbeCounts
}

/** A controller ConfigMap (`namespace/name`) and the fidelity each of its keys ended in, sorted by key. */
export interface ConfigMapKeys {
  name: string
  keys: {key: string; fidelity: Fidelity}[]
}

export interface MigrationReport {
  kind: typeof REPORT_KIND
  schemaVersion: string
  scope?: {source: 'files' | 'cluster'; namespace?: string; selector?: string}
  summary: ReportSummary
  namespaces: NamespaceSummary[]
  ingresses: IngressEntry[]
  annotations: AnnotationUse[]
  /** The controller ConfigMap and the fidelity each of its keys ended in, sorted by key (since 1.1). */
  configMap?: ConfigMapKeys
  /** Since 1.4: every controller ConfigMap of the converted Gateways (several controllers), in Gateway order; configMap is the first. */
  configMaps?: ConfigMapKeys[]
  conflicts: Conflict[]
  streamEntries: StreamEntry[]
  gateways: GatewaySummary[]
  checklist: string[]
  /** Diagnostics about no Ingress (input, controller ConfigMap, Gateway): what the gateway owner reads. */
  notes: ReportDiagnostic[]
}

export const RANK: Record<IngressStatus, number> = {exact: 0, approximate: 1, manual: 2, skipped: 3}

export function statusAtLeast(status: IngressStatus, threshold: IngressStatus): boolean {
  return RANK[status] >= RANK[threshold]
}

export function zeroStatus(): StatusCounts {
  return {exact: 0, approximate: 0, manual: 0, skipped: 0}
}

export function zeroFidelity(): FidelityCounts {
  return {exact: 0, approximate: 0, manual: 0, ignored: 0}
}

/** Work left in a namespace: what needs a person first (manual, skipped), then what needs a review (approximate). */
export function workLeft(s: StatusCounts): [number, number] {
  return [s.manual + s.skipped, s.approximate]
}

/** Namespaces with the most work left first, then by name. */
export function byWorkLeft(namespaces: NamespaceSummary[]): NamespaceSummary[] {
  return [...namespaces].sort((a, b) => {
    const [am, aa] = workLeft(a.byStatus)
    const [bm, ba] = workLeft(b.byStatus)
    return bm - am || ba - aa || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
  })
}

/** The report's Ingresses per namespace (in report order), grouped once. */
export function ingressesByNamespace(report: MigrationReport): Map<string, IngressEntry[]> {
  const out = new Map<string, IngressEntry[]>()
  for (const e of report.ingresses) {
    const list = out.get(e.namespace)
    if (list) list.push(e)
    else out.set(e.namespace, [e])
  }
  return out
}
