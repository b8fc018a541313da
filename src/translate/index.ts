/**
 * The pure compiler core: translate(snapshot, options) -> {objects, diagnostics}. No I/O; never throws on bad
 * input (every problem becomes a diagnostic and the rest still converts).
 */
import {compareStrings} from '../util/hash.js'
import {servingConfig} from '../annotations/serving.js'
import type {Lookup} from '../annotations/types.js'
import {applyFamilies, readAnnotations} from './annotation-pass.js'
import {reportObjectsNeedingSubstitution, restoreOutput} from './substitution.js'
import {fluxSubstitutes, hasPlaceholders, restorePlaceholders} from '../annotations/placeholders.js'
import {about, sortDiagnostics} from '../model/diagnostics.js'
import {maskDiagnostic} from '../model/credentials.js'
import {diagnostic} from '../model/catalogue/diagnostic.js'
import {collectCertificateRefs, gatewayKey} from './emit-gateway.js'
import {controllersOfGateways, type GatewayControllers} from './controller-workloads.js'
import {addPlannedSecrets, isPassthrough, planCertificates, type CertManagerPlans} from './emit-bundle.js'
import {planHttpsListeners, resolveWildcardTls, type HttpsListenerPlan} from './https-listeners.js'
import {attachCoveredPlainHosts, inheritWildcardCertificates, reportAliasesUnderTlsWildcards} from './wildcard-certificates.js'
import {controllerDefaults, type ControllerDefaults} from '../model/controller-defaults.js'
import {decideSharedSettings} from './upstreams.js'
import type {SharedSettings} from '../model/upstream-decisions.js'
import {dropUnserved} from './capabilities.js'
import {emitPolicies} from './emit-policies.js'
import {ObjectNames, reportDuplicateNames} from './object-names.js'
import {emitRoutes, type RouteEmission} from './emit-routes.js'
import {gatewayOwnerRecords} from './gateway-owner.js'
import {mergeWithGatewayPolicies, redirectBeforeAuth} from './policy-passes.js'
import {ingressIds, record, toObjects, type Emitted} from './records.js'
import {buildHostIndexes, partitionByGateway, type GatewayPartition, type HostIndexes} from './shared-gateways.js'
import {resolveSettings} from '../model/settings.js'
import {servedLocations} from './location-table.js'
import type {IngressModel, Intent} from '../model/ingress-model.js'
import {DEFAULT_OPTIONS} from './options.js'
import {selectClasses, selectIngresses} from './select.js'
import {
  DEFAULT_CAPABILITIES,
  type Diagnostic,
  type Fidelity,
  type KubeObject,
  type Snapshot,
  type TranslateOptions,
  type TranslateResult,
  type IngressReport,
  type UnselectedIngress,
} from '../model/types.js'
import {pushAll} from '../util/arrays.js'

export function translate(snapshot: Snapshot, partial: Partial<TranslateOptions> = {}): TranslateResult {
  const options: TranslateOptions = {...DEFAULT_OPTIONS, ...partial}
  // Resolved once, so that the annotation families know whether the gateway bundle (host listeners, policies) is emitted.
  const emitBundle = options.emitGateway === true || (options.emitGateway === 'auto' && snapshot.spansCluster === true)
  options.emitGateway = emitBundle
  const capabilities = {...DEFAULT_CAPABILITIES, ...snapshot.capabilities}
  const diagnostics: Diagnostic[] = []
  const checklist: string[] = []
  const input = indexInput(snapshot)

  const fromCluster = (kind: string) => (input.byKind.get(kind) ?? []).some((i) => i.source.cluster === true)
  const classesFromCluster = fromCluster('IngressClass') && fromCluster('Ingress')
  const selection = selectClasses(input.kindObjects('IngressClass'), options, input.kindObjects('Ingress'), classesFromCluster)
  const unselected: UnselectedIngress[] = []
  const ingresses = selectIngresses(input.byKind.get('Ingress') ?? [], selection, options, diagnostics, unselected)
  // Every host-wide decision is taken per Gateway (shared-gateways.ts), the lookups of the families included.
  const partitions = partitionByGateway(ingresses)
  // Each Gateway's controller: its own ConfigMaps and load-balancer Service, never another class's.
  const controllers = controllersOfGateways(partitions, input.kindObjects, selection.controllerByClass, options, diagnostics)
  compileAnnotations(ingresses, partitions, controllers, input, options, diagnostics)

  const indexes = buildHostIndexes(partitions, input.services, selection.controllerByClass, diagnostics)
  // Certificates, and the hosts that leave the shared https listener, before the routes that attach to them.
  const certPlans = planCertificates(ingresses, input.kindObjects('Secret'), diagnostics)
  const httpsPlan = planListeners(partitions, indexes, certPlans, options, diagnostics)
  // The Services as the families look them up (gatewayLookup): backendOverrideFor reads their port names.
  // Every object an Ingress names after itself claims its name in one place, whichever part emits it.
  const names = new ObjectNames(ingresses, diagnostics)
  const routes = emitRoutes(ingresses, indexes, options, diagnostics, (ns, name) => input.services.get(restorePlaceholders(`${ns}/${name}`)), names)
  const emitted = [...routes.records, ...ingressRecords(ingresses, routes, diagnostics, names)]
  const owner = gatewayOwnerRecords(
    {options, capabilities, emitBundle, kindObjects: input.kindObjects, services: input.services, configMaps: input.configMaps, selection, ingresses, partitions, indexes, controllers, certPlans, httpsPlan, emitted, authExempt: new Set([...routes.routesByIngress.values()].flat().flatMap((r) => r.authExempt ?? []))},
    diagnostics,
    checklist,
  )
  const merged = mergeWithGatewayPolicies([...emitted, ...owner.records], diagnostics)
  pushAll(merged, redirectBeforeAuth(merged, diagnostics))
  reportUnconsumed(ingresses, routes.consumed, diagnostics)
  const placeholders = reportPlaceholders(ingresses, diagnostics)
  // Annotation values read with Flux placeholders as sentinels: the output gets the placeholders back.
  const sentinels = ingresses.some((i) => [...i.annotations.values()].some((a) => a.template !== undefined))
  if (sentinels) restoreOutput([merged, diagnostics, checklist])

  // The capability check settles the fidelity of the keys whose objects the target cannot take; the report follows.
  const kept = sortRecords(dropUnserved(merged, capabilities, snapshot.capabilities !== undefined, options, new Map(ingresses.map((i) => [i.id, i])), diagnostics, owner.configMapKeys))
  reportDuplicateNames(kept.map((r) => r.object), diagnostics)
  // Emitted placeholders come from the Ingresses' own: no Ingress with one, no object to look through.
  if (placeholders > 0) reportObjectsNeedingSubstitution(kept.map((r) => r.object), diagnostics)
  const views = hostViews(indexes, options)
  if (sentinels) restoreOutput(views)
  return {
    objects: toObjects(kept, capabilities),
    diagnostics: sortDiagnostics(shareTexts(diagnostics.map(maskDiagnostic))),
    ingresses: ingressReports(ingresses, kept),
    unselected,
    checklist: [...new Set(checklist)],
    ...views,
    ...(owner.configMapKeys ? {configMapKeys: owner.configMapKeys} : {}),
  }
}

/**
 * The diagnostics with one copy of each text they repeat: a family writes its note (and the catalogue its message)
 * afresh for every Ingress, and at 10,000 Ingresses the copies of a few hundred texts held several megabytes for as
 * long as the result lives. Replaces equal strings with one of them (the same values): message, hint, and the strings
 * of data, one level deep and in its arrays (where notes, values and keys are), in objects that are not frozen.
 */
function shareTexts(diagnostics: Diagnostic[]): Diagnostic[] {
  const texts = new Map<string, string>()
  const share = (text: string): string => {
    const known = texts.get(text)
    if (known !== undefined) return known
    texts.set(text, text)
    return text
  }
  const shareStrings = (values: Record<string, unknown> | unknown[]) => {
    if (Object.isFrozen(values)) return
    const record = values as Record<string, unknown>
    for (const key of Object.keys(record)) {
      const value = record[key]
      if (typeof value === 'string') record[key] = share(value)
      else if (Array.isArray(value)) shareStrings(value)
    }
  }
  for (const d of diagnostics) {
    if (Object.isFrozen(d)) continue
    d.message = share(d.message)
    if (d.hint !== undefined) d.hint = share(d.hint)
    if (d.data !== undefined && typeof d.data === 'object' && d.data !== null) shareStrings(d.data)
  }
  return diagnostics
}

/** The input by kind, and the Services, ConfigMaps and Deployments by namespace/name. */
interface InputIndex {
  byKind: Map<string, Snapshot['objects']>
  kindObjects: (kind: string) => KubeObject[]
  services: Map<string, KubeObject>
  configMaps: Map<string, KubeObject>
  deployments: Map<string, KubeObject[]>
}

function indexInput(snapshot: Snapshot): InputIndex {
  const byKind = new Map<string, Snapshot['objects']>()
  for (const input of snapshot.objects) {
    const list = byKind.get(input.object.kind) ?? []
    list.push(input)
    byKind.set(input.object.kind, list)
  }
  const kindObjects = (kind: string) => (byKind.get(kind) ?? []).map((i) => i.object)
  const nsName = (o: KubeObject) => `${o.metadata.namespace ?? 'default'}/${o.metadata.name}`
  const services = new Map<string, KubeObject>()
  for (const s of kindObjects('Service')) services.set(nsName(s), s)
  const configMaps = new Map<string, KubeObject>()
  for (const c of kindObjects('ConfigMap')) configMaps.set(nsName(c), c)
  const deployments = new Map<string, KubeObject[]>()
  for (const d of kindObjects('Deployment')) deployments.set(d.metadata.namespace ?? 'default', [...(deployments.get(d.metadata.namespace ?? 'default') ?? []), d])
  return {byKind, kindObjects, services, configMaps, deployments}
}

/** Reads every Ingress's annotations as its own controller does, then runs the families per Gateway. */
function compileAnnotations(ingresses: IngressModel[], partitions: GatewayPartition[], controllers: GatewayControllers, input: InputIndex, options: TranslateOptions, diagnostics: Diagnostic[]): void {
  // Whether nginx served an Ingress is its own controller's decision (annotations-risk-level, snippets, ...).
  const ownConfigMap = (ingress: IngressModel) => controllers.configMapOfClass(gatewayKey(ingress.gateway), ingress.className)
  const defaultsOf = perRun(controllerDefaults)
  const servingOf = perRun(servingConfig)
  for (const ingress of ingresses) {
    const defaults = defaultsOf(ownConfigMap(ingress))
    readAnnotations(ingress, options.annotationPrefix, servingOf(ownConfigMap(ingress)), diagnostics, defaults)
    // The resolve phase: what the families (and the location table) combine, before any of them runs.
    ingress.settings = resolveSettings(ingress.annotations, defaults)
    const canary = ingress.annotations.get('canary')
    ingress.isCanary = canary?.valid === true && canary.value === true
  }
  for (const partition of partitions) {
    const controllerConfigMap = controllers.configMaps.get(gatewayKey(partition.gateway))
    // Upstream-level settings (createUpstreams) and server proxy-ssl are decided within one controller too.
    const shared = decideSharedSettings(partition.ingresses, input.services, defaultsOf(controllerConfigMap).proxySslLocationOnly, servingOf(controllerConfigMap).allowCrossNamespace)
    const lookup = gatewayLookup(partition.ingresses, input.services, input.configMaps, controllerConfigMap, input.deployments, shared, defaultsOf)
    for (const ingress of partition.ingresses) {
      if (!ingress.served) continue
      const own = ownConfigMap(ingress)
      applyFamilies(ingress, options, own === controllerConfigMap ? lookup : {...lookup, controllerConfigMap: () => own, controllerDefaults: () => defaultsOf(own)}, diagnostics)
    }
  }
}

/** Each Gateway's https listeners, from its own Ingresses (one controller's certificates, client certificates, overlaps). */
function planListeners(partitions: GatewayPartition[], indexes: HostIndexes, certPlans: CertManagerPlans, options: TranslateOptions, diagnostics: Diagnostic[]): HttpsListenerPlan {
  const httpsPlan: HttpsListenerPlan = {shared: new Map(), hostListeners: new Map(), keepHttp2: new Map()}
  for (const partition of partitions) {
    const index = indexes.byGateway.get(partition.key)!
    resolveWildcardTls(index)
    inheritWildcardCertificates(index, diagnostics)
    reportAliasesUnderTlsWildcards(index, diagnostics)
    const certs = collectCertificateRefs(index, partition.ingresses, (i) => certPlans.ingresses.has(i.id) || isPassthrough(i), diagnostics)
    addPlannedSecrets(certs, certPlans, partition.ingresses)
    const plan = planHttpsListeners(index, partition.ingresses, certs, certPlans, options, diagnostics)
    attachCoveredPlainHosts(index, plan, options, diagnostics)
    for (const [key, refs] of plan.shared) httpsPlan.shared.set(key, refs)
    for (const [key, list] of plan.hostListeners) httpsPlan.hostListeners.set(key, list)
    for (const [key, names] of plan.keepHttp2) httpsPlan.keepHttp2.set(key, names)
  }
  return httpsPlan
}

/** Each Ingress's policies and the objects its families asked for, emitted only where its routes were. */
function ingressRecords(ingresses: IngressModel[], routes: RouteEmission, diagnostics: Diagnostic[], names: ObjectNames): Emitted[] {
  const out: Emitted[] = []
  for (const ingress of ingresses) {
    const own = routes.routesByIngress.get(ingress.id) ?? []
    out.push(...emitPolicies(ingress, own, routes.consumed, diagnostics, names))
    const routed = own.length > 0 || ingress.intents.suppressRoute !== undefined
    if (!ingress.served || ingress.isCanary || !routed) continue
    for (const o of ingress.intents.objects) {
      routes.consumed.add(o)
      const ids = [ingress.id, ...ingressIds(o.sources ?? [])]
      out.push(record(o.object, o.role ?? 'ingress-object', {ingresses: [...new Set(ids)], keys: o.from, gateway: gatewayKey(ingress.gateway)}))
    }
  }
  return out
}

function hostViews(indexes: HostIndexes, options: TranslateOptions): Pick<TranslateResult, 'hosts' | 'hostsByGateway'> {
  const hostsByGateway = new Map([...indexes.byGateway].map(([key, index]) => [key, index.hosts]))
  const only = hostsByGateway.size === 1 ? [...hostsByGateway.values()][0] : undefined
  return {hosts: only ?? hostsByGateway.get(gatewayKey(options.gateway)) ?? new Map(), hostsByGateway}
}

/**
 * What the families may look up about the rest of the input: the hosts and paths are those of one Gateway's
 * Ingresses (an auth-url or a from-to-www-redirect host resolves within the controller that served the Ingress).
 */
function gatewayLookup(
  ingresses: IngressModel[],
  services: Map<string, KubeObject>,
  configMaps: Map<string, KubeObject>,
  controllerConfigMap: KubeObject | undefined,
  deployments: Map<string, KubeObject[]>,
  shared: SharedSettings,
  defaultsOf: (cm: KubeObject | undefined) => ControllerDefaults,
): Lookup {
  return {
    // Names read from annotation values carry placeholders as sentinels; the objects of the input as written.
    service: (ns, name) => services.get(restorePlaceholders(`${ns}/${name}`)),
    configMap: (ns, name) => configMaps.get(restorePlaceholders(`${ns}/${name}`)),
    controllerConfigMap: () => controllerConfigMap,
    gatewayConfigMap: () => controllerConfigMap,
    controllerDefaults: () => defaultsOf(controllerConfigMap),
    sharedSettings: () => shared,
    // nginx's locations of this Gateway's Ingresses, from the table the routes are built from.
    ...servedLocations(ingresses, services),
    workloads: (ns) => deployments.get(ns) ?? [],
  }
}

/** Per Ingress: its outcome, the final fidelity of its keys, and the objects whose records name it. */
function ingressReports(ingresses: IngressModel[], kept: Emitted[]): IngressReport[] {
  const produced = new Map<string, string[]>()
  for (const r of kept) {
    const name = `${r.object.kind}/${r.object.metadata.name}`
    for (const id of r.ingresses) {
      const list = produced.get(id)
      if (list) list.push(name)
      else produced.set(id, [name])
    }
  }
  return [...ingresses]
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((i) => {
      const objects = produced.get(i.id) ?? []
      return {
        ingress: i.id,
        source: i.source,
        status: !i.served ? 'not-served' : i.isCanary ? 'canary' : objects.length === 0 ? 'skipped' : i.denied ? 'denied' : 'converted',
        annotations: fidelityRecord(i.fidelity),
        objects,
      }
    })
}

/**
 * The fidelities as a record in the order the default sort gives the entries (by `key,fidelity` as text). Keys
 * without a character up to `,` (annotation keys have none) sort the same by the key alone, since the keys differ: a
 * key that is another's prefix comes first either way. Otherwise each entry's text is made once: the default sort of
 * pairs converts both pairs to text at every comparison. Made for every Ingress and kept by the result, so the
 * common case builds no text and no wrapper per entry.
 */
function fidelityRecord(fidelity: ReadonlyMap<string, Fidelity>): Record<string, Fidelity> {
  const entries = [...fidelity.entries()]
  if (!entries.some(([key]) => SORTS_BEFORE_COMMA.test(key))) return Object.fromEntries(entries.sort((a, b) => compareStrings(a[0], b[0])))
  const texts = entries.map((e) => ({text: String(e), e}))
  texts.sort((a, b) => compareStrings(a.text, b.text))
  return Object.fromEntries(texts.map((x) => x.e))
}

/** A character that sorts before or as the `,` joining an entry's key and fidelity. */
const SORTS_BEFORE_COMMA = /[\0-,]/

/** Records sorted by kind, namespace, name (sortObjects' order). */
function sortRecords(list: Emitted[]): Emitted[] {
  const objects = sortObjects(list.map((r) => r.object))
  const byObject = new Map(list.map((r) => [r.object, r]))
  return objects.map((o) => byObject.get(o)!)
}

function reportUnconsumed(ingresses: IngressModel[], consumed: Set<Intent>, diagnostics: Diagnostic[]): void {
  for (const ingress of ingresses) {
    if (!ingress.served || ingress.isCanary) continue
    const i = ingress.intents
    const all: Intent[] = [...i.filters, ...i.extensionFilters, ...i.policies, ...i.objects, ...i.extraRules]
    if (i.hostAliases) all.push(i.hostAliases)
    if (i.grpc) all.push(i.grpc)
    if (i.suppressRoute) all.push(i.suppressRoute)
    if (i.redirect) all.push(i.redirect)
    if (i.rewriteTarget) all.push(i.rewriteTarget)
    if (i.backendOverride) all.push(i.backendOverride)
    for (const intent of all) {
      if (consumed.has(intent)) continue
      diagnostics.push(diagnostic('intent-not-emitted', {keys: intent.from}, {...about('Ingress', ingress.ref), annotation: intent.from[0], source: ingress.source}))
    }
  }
}

/** The Ingresses with Flux placeholders (spec or annotation values), said once; returns how many. */
function reportPlaceholders(ingresses: IngressModel[], diagnostics: Diagnostic[]): number {
  // Files only: a live cluster's values are final (`${` there is literal text).
  const withPlaceholders = ingresses.filter((i) => fluxSubstitutes(i.source.cluster, i.object.metadata) && ((mentionsPlaceholder(i.object.spec) && hasPlaceholders(JSON.stringify(i.object.spec ?? {}))) || [...i.annotations.values()].some((a) => a.template !== undefined)))
  if (withPlaceholders.length === 0) return 0
  diagnostics.push(diagnostic('gitops-placeholders', {ingresses: withPlaceholders.map((i) => i.id)}))
  return withPlaceholders.length
}

/**
 * Whether any string of a value (keys included) contains `${`: JSON.stringify escapes neither `$` nor `{`, so its
 * text has a `${` only where one of these strings does, and most Ingresses need no serialization to know they have none.
 */
function mentionsPlaceholder(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('${')
  if (typeof value !== 'object' || value === null) return false
  if (Array.isArray(value)) return value.some(mentionsPlaceholder)
  for (const key in value) {
    if (Object.prototype.hasOwnProperty.call(value, key) && (key.includes('${') || mentionsPlaceholder((value as Record<string, unknown>)[key]))) return true
  }
  return false
}

/** Objects sorted by kind, namespace, name: the same input always gives the same output order. */
export function sortObjects<T extends KubeObject>(objects: T[]): T[] {
  // One text per object, `kind NUL namespace NUL name`, compared once per pair: the order of the three compared in
  // turn, since NUL sorts before every other character, unless a part is no string or holds a NUL itself.
  const keyed: {key: string; object: T}[] = []
  for (const object of objects) {
    const {kind} = object
    const {namespace = '', name} = object.metadata
    if (typeof kind !== 'string' || typeof namespace !== 'string' || typeof name !== 'string' || kind.includes('\0') || namespace.includes('\0') || name.includes('\0')) return sortObjectsByParts(objects)
    keyed.push({key: `${kind}\0${namespace}\0${name}`, object})
  }
  return keyed.sort((a, b) => compareStrings(a.key, b.key)).map((k) => k.object)
}

function sortObjectsByParts<T extends KubeObject>(objects: T[]): T[] {
  return [...objects].sort(
    (a, b) => compareStrings(a.kind, b.kind) || compareStrings(a.metadata.namespace ?? '', b.metadata.namespace ?? '') || compareStrings(a.metadata.name, b.metadata.name),
  )
}

/**
 * One computation per ConfigMap object for the length of one translate() call: the families ask for the controller's
 * settings several times per Ingress; the memo dies with the run, so a later run never sees this one's answers.
 */
function perRun<T>(compute: (configMap: KubeObject | undefined) => T): (configMap: KubeObject | undefined) => T {
  const seen = new WeakMap<KubeObject, T>()
  let withoutConfigMap: {value: T} | undefined
  return (configMap) => {
    if (!configMap) return (withoutConfigMap ??= {value: compute(undefined)}).value
    if (!seen.has(configMap)) seen.set(configMap, compute(configMap))
    return seen.get(configMap)!
  }
}
