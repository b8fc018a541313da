/**
 * The ingress-nginx controller ConfigMap -> a ClientTrafficPolicy on the shared Gateway (client IP, TLS versions and
 * ciphers, header handling, downstream timeouts, HSTS) and, with `nginxDefaults`, a Gateway-level
 * BackendTrafficPolicy / SecurityPolicy carrying the route defaults every Ingress inherited.
 *
 * The keys are registered and translated by the families of src/configmap/ (one file per concern, like the
 * annotations); this file runs their steps in order and turns the model they fill into objects. Every key present
 * in the ConfigMap ends in exactly one diagnostic whose `annotation` is the key, or in the single info listing keys
 * without effect under Envoy Gateway / unknown keys: nothing is lost silently.
 *
 * Policy precedence on a Gateway: a policy targeting a listener (sectionName) replaces the Gateway-wide one as a
 * whole (no field merge). The HSTS header must only be added on the https listener, so when HSTS is on a second CTP
 * targets that listener and repeats every other setting.
 */
import {accountAnnotationOnlyKeys, applyAccessLists, applyGlobalAuth, emitSecurityDefaults, type SecurityDefaults} from '../../configmap/access.js'
import {applyAdmissionSwitches} from '../../configmap/admission.js'
import {applyBodySize} from '../../configmap/body.js'
import {applyClientIp} from '../../configmap/client-ip.js'
import {applyCompression} from '../../configmap/compression.js'
import {configMapContext, emitObject, emptyModel, httpListenerTargets} from '../../configmap/context.js'
import {applyHeaderBlocks} from '../../configmap/header-blocks.js'
import {applyHsts, applyRequestHeaders} from '../../configmap/headers.js'
import {configMapRegistry, noticeSpecs} from '../../configmap/index.js'
import {RETIRED_KEYS, RETIRED_NOTICES} from '../../configmap/keys.js'
import {applyLoadBalance, applyRedirectDefaults, applyRetries} from '../../configmap/route-defaults.js'
import {applyBackendTimeouts, applyClientTimeouts} from '../../configmap/timeouts.js'
import {applyTls} from '../../configmap/tls.js'
import type {ChecklistLine, ClientTrafficContext, ConfigMapContext, ConfigMapModel} from '../../configmap/types.js'
import {mergeHeaders} from '../../annotations/external-auth/forms.js'
import {dnsName} from '../../model/names.js'
import {managedMetadata} from '../../model/provenance.js'
import {forwardedHeaderFilter, mergeHeaderFilters, type HeaderFilter} from '../../configmap/forwarded-headers.js'
import type {Diagnostic, Fidelity, KubeObject} from '../../model/types.js'
import {EG_API_VERSION, gatewayTargetRef} from '../../model/gateway-refs.js'
import {diagnostic} from '../../model/catalogue/diagnostic.js'
import {isObject} from '../../util/json.js'
import type {EmittedObject, OutputObject} from '../../model/emitted.js'
import type {ClientTrafficPolicySpec, ClientTrafficPolicySpecHeaders, ClientTrafficPolicySpecTlsClientValidation} from '../../model/generated/index.js'

export type {ClientTrafficContext, HostListenerTraffic} from '../../configmap/types.js'

const USUAL_NAMES = ['ingress-nginx/ingress-nginx-controller', 'ingress-nginx/nginx-configuration', 'kube-system/ingress-nginx-controller']

/**
 * The controller ConfigMap: `explicit` ('ns/name') when given, else the usual names, else any
 * `*\/ingress-nginx-controller`, else any `*\/<release>-ingress-nginx-controller` (the Helm chart names it
 * `<release>-ingress-nginx-controller` unless the release is called ingress-nginx). Several matches of one rule
 * are taken in 'ns/name' order, so the choice is deterministic.
 */
export function findControllerConfigMap(configMaps: KubeObject[], explicit?: string): KubeObject | undefined {
  const byKey = new Map<string, KubeObject>()
  for (const cm of Array.isArray(configMaps) ? configMaps : []) {
    if (!isObject(cm) || !isObject(cm.metadata) || typeof cm.metadata.name !== 'string') continue
    const ns = typeof cm.metadata.namespace === 'string' && cm.metadata.namespace !== '' ? cm.metadata.namespace : 'default'
    byKey.set(`${ns}/${cm.metadata.name}`, cm)
  }
  if (explicit !== undefined && explicit !== '') {
    const key = explicit.includes('/') ? explicit : `default/${explicit}`
    return byKey.get(key)
  }
  for (const key of USUAL_NAMES) if (byKey.has(key)) return byKey.get(key)
  const keys = [...byKey.keys()].sort()
  const plain = keys.find((k) => k.endsWith('/ingress-nginx-controller'))
  if (plain !== undefined) return byKey.get(plain)
  const helm = keys.find((k) => k.slice(k.indexOf('/') + 1).endsWith('-ingress-nginx-controller'))
  return helm !== undefined ? byKey.get(helm) : undefined
}

/**
 * The steps of the ConfigMap families, in the order their diagnostics and checklist lines have always come in
 * (the first account of a key wins: a family that reads a key another one reports as invalid comes after it).
 */
const STEPS: ((cm: ConfigMapContext, model: ConfigMapModel) => void)[] = [
  applyClientIp,
  applyRequestHeaders,
  applyClientTimeouts,
  applyTls,
  applyHsts,
  applyRedirectDefaults,
  applyBodySize,
  applyBackendTimeouts,
  applyRetries,
  applyLoadBalance,
  applyCompression,
  applyAdmissionSwitches,
]

export function clientTrafficFromConfigMap(
  configMap: KubeObject | undefined,
  ctx: ClientTrafficContext,
): {objects: OutputObject[]; carried: Map<OutputObject, string[]>; diagnostics: Diagnostic[]; checklist: ChecklistLine[]; keys: Record<string, Fidelity>} {
  const entries = new Map<string, Diagnostic>()
  const consumed: string[] = []
  const cm = configMapContext(configMap, ctx, entries, consumed)
  const model = emptyModel(consumed)
  for (const step of STEPS) step(cm, model)
  emitBackendDefaults(cm, model)
  accountAnnotationOnlyKeys(cm)
  const sp: SecurityDefaults = {spec: {}, keys: [], extAuthMapped: false}
  applyAccessLists(cm, sp)
  applyGlobalAuth(cm, model, sp)
  emitSecurityDefaults(cm, model, sp)
  applyHeaderBlocks(cm, model)
  gatewayWideRules(cm, model)
  if (ctx.nginxDefaults && Object.keys(model.backendTraffic).length > 0) {
    model.checklist.push(
      `BackendTrafficPolicy ${dnsName(ctx.gateway.name, 'defaults')} carries nginx's route defaults for the whole Gateway; a route-level BackendTrafficPolicy (from per-Ingress annotations) replaces it unless it sets mergeType: StrategicMerge`,
    )
  }
  accountNotices(cm)
  reportUnaccounted(cm, model)
  for (const policy of clientTrafficPolicies(cm, model)) emitObject(model, policy, model.consumed)
  return {objects: model.objects, carried: model.carried, diagnostics: [...entries.values(), ...model.general], checklist: model.checklist, keys: keyFidelities(cm, entries)}
}

/** The Gateway-wide ClientTrafficPolicy fields every listener-level policy repeats. */
const CLIENT_TRAFFIC_FIELDS = ['proxyProtocol', 'clientIPDetection', 'headers', 'timeout', 'connection', 'http2', 'tls'] as const

function copyDefined<T, K extends keyof T>(into: Partial<T>, from: T, key: K): void {
  if (from[key] !== undefined) into[key] = from[key]
}

/** The Gateway-wide rules nginx applied in its http block, and the generated policy each one now lives in. */
const GATEWAY_WIDE: {keys: string[]; kind: 'SecurityPolicy' | 'EnvoyExtensionPolicy' | 'BackendTrafficPolicy'; where: string}[] = [
  {keys: ['block-cidrs'], kind: 'SecurityPolicy', where: 'authorization rule block-cidrs'},
  {keys: ['block-user-agents', 'block-referers'], kind: 'EnvoyExtensionPolicy', where: 'Lua script'},
  {keys: ['use-gzip', 'enable-brotli'], kind: 'BackendTrafficPolicy', where: 'compression'},
]

/** One checklist line saying where each Gateway-wide rule of the ConfigMap now lives (--nginx-defaults). */
function gatewayWideRules(cm: ConfigMapContext, model: ConfigMapModel): void {
  const parts: string[] = []
  for (const {keys, kind, where} of GATEWAY_WIDE) {
    const policy = model.objects.find((o) => o.kind === kind && o.metadata.namespace === cm.traffic.gateway.namespace && (o.spec.targetRefs ?? []).some((t) => t.kind === 'Gateway'))
    const carried = policy ? (model.carried.get(policy) ?? []) : []
    const moved = keys.filter((k) => carried.includes(k))
    if (policy && moved.length > 0) parts.push(`${moved.join(', ')} -> ${kind} ${policy.metadata.namespace}/${policy.metadata.name} (${where})`)
  }
  if (parts.length > 0) model.checklist.push(`the ConfigMap's Gateway-wide rules now live in: ${parts.join('; ')}`)
}

/** The fidelity each key of the ConfigMap ended in (the report's histogram); keys of the no-effect info are ignored. */
function keyFidelities(cm: ConfigMapContext, entries: Map<string, Diagnostic>): Record<string, Fidelity> {
  const keys: Record<string, Fidelity> = {}
  for (const key of Object.keys(cm.data).sort()) keys[key] = entries.get(key)?.fidelity ?? 'ignored'
  return keys
}

/** The Gateway-level BackendTrafficPolicy (--nginx-defaults) the body, timeout and retry steps filled. */
function emitBackendDefaults(cm: ConfigMapContext, model: ConfigMapModel): void {
  if (!cm.traffic.nginxDefaults || Object.keys(model.backendTraffic).length === 0) return
  const gw = cm.traffic.gateway
  const keys = model.backendTrafficKeys.filter(cm.has)
  emitObject(model, {
    apiVersion: EG_API_VERSION,
    kind: 'BackendTrafficPolicy',
    metadata: managedMetadata(dnsName(gw.name, 'defaults'), gw.namespace, cm.sources, keys),
    spec: {targetRefs: httpListenerTargets(cm.traffic), ...model.backendTraffic},
  }, keys)
}

/** Keys translated by a sentence only: `<key>: "<value>" <note>`, with the spec's level, code and fidelity. */
function accountNotices(cm: ConfigMapContext): void {
  for (const spec of noticeSpecs) {
    if (!cm.has(spec.key)) continue
    cm.notice(spec.key, spec.notice!, spec.fidelity, spec.note!)
  }
  for (const [key, n] of Object.entries(RETIRED_NOTICES)) {
    cm.notice(key, n, 'ignored', n.note)
  }
}

/** Everything else: one info listing the keys without effect and the keys nginx does not read. */
function reportUnaccounted(cm: ConfigMapContext, model: ConfigMapModel): void {
  const irrelevant: string[] = []
  const unknown: string[] = []
  for (const key of Object.keys(cm.data).sort()) {
    if (cm.accounted(key)) continue
    if (configMapRegistry.get(key)?.spec.noEffect === true || (RETIRED_KEYS as string[]).includes(key)) irrelevant.push(key)
    else unknown.push(key)
  }
  if (irrelevant.length === 0 && unknown.length === 0) return
  model.general.push(diagnostic('configmap-keys-ignored', {configMap: cm.cmRef, noEffect: irrelevant, unknown}, cm.cmSubject))
}

/**
 * The ClientTrafficPolicy (Gateway-wide: the http listener, and passthrough listeners, where headers do not apply),
 * and one per HTTPS listener: a listener-level policy replaces the Gateway-wide one as a whole, and the https
 * listeners differ in the forwarded port and scheme, HSTS and client certificates.
 */
function clientTrafficPolicies(cm: ConfigMapContext, model: ConfigMapModel): EmittedObject<'ClientTrafficPolicy'>[] {
  const ctx = cm.traffic
  const gw = ctx.gateway
  const spec = model.clientTraffic
  const objects: EmittedObject<'ClientTrafficPolicy'>[] = []
  const httpsHeaders = model.hstsHeader ? {lateResponseHeaders: {set: [model.hstsHeader]}} : {}
  const globalAuthHeaders = globalAuthResponseHeaders(model)
  const policy = (name: string, sectionName: string | undefined, scheme: 'http' | 'https', extra: {headers?: ClientTrafficPolicySpecHeaders; early?: HeaderFilter; clientValidation?: ClientTrafficPolicySpecTlsClientValidation; keepHttp2?: boolean}, from: string[]): EmittedObject<'ClientTrafficPolicy'> => {
    const out: ClientTrafficPolicySpec = {targetRefs: [gatewayTargetRef(gw, sectionName)]}
    const early = mergeHeaderFilters(mergeHeaderFilters(forwardedHeaderFilter(model.headerMode, scheme, scheme === 'https' ? 443 : 80), extra.early), strippedHeaders(ctx, sectionName, globalAuthHeaders))
    const fields: ConfigMapModel['clientTraffic'] = {
      ...spec,
      headers: {...spec.headers, earlyRequestHeaders: early, ...(extra.headers ?? {})},
      tls: listenerTls(spec.tls, extra),
    }
    for (const key of CLIENT_TRAFFIC_FIELDS) copyDefined(out, fields, key)
    return {apiVersion: EG_API_VERSION, kind: 'ClientTrafficPolicy', metadata: managedMetadata(name, gw.namespace, from, model.consumed), spec: out}
  }
  objects.push(policy(dnsName(gw.name, 'client'), undefined, 'http', {}, cm.sources))
  const listenerPolicies: string[] = []
  if (ctx.hasHttpsListener !== false) {
    listenerPolicies.push(dnsName(gw.name, 'client', ctx.httpsListener))
    objects.push(policy(dnsName(gw.name, 'client', ctx.httpsListener), ctx.httpsListener, 'https', {headers: httpsHeaders, keepHttp2: ctx.httpsListenerKeepsHttp2}, cm.sources))
  }
  for (const l of ctx.hostListeners ?? []) {
    const headers: Record<string, any> = {...httpsHeaders}
    if (l.xForwardedClientCert) headers.xForwardedClientCert = l.xForwardedClientCert
    listenerPolicies.push(dnsName(gw.name, 'client', l.name))
    objects.push(policy(dnsName(gw.name, 'client', l.name), l.name, 'https', {headers, early: l.earlyRequestHeaders, clientValidation: l.clientValidation, keepHttp2: l.keepHttp2}, [...cm.sources, ...l.sources]))
  }
  if (listenerPolicies.length > 0) {
    model.checklist.push(
      `ClientTrafficPolicies ${listenerPolicies.join(', ')} target single listeners and repeat every setting of ${dnsName(gw.name, 'client')} (a listener-level policy replaces the Gateway-wide one there): keep them in step when editing`,
    )
  }
  return objects
}

/**
 * A listener's tls: the ConfigMap's (ssl-protocols, ciphers, use-http2...) plus its client certificates, and, where
 * Envoy Gateway would force HTTP/1.1 on an overlap no client can act on (https-listeners.ts reportHttp2Downgrade),
 * ALPN [h2, http/1.1] set explicitly, which xds/translator/listener.go keeps (`TLSOverlaps && ALPNProtocols == nil`).
 * An ALPN the ConfigMap already set (use-http2: "false") is kept as it is.
 */
function listenerTls(
  tls: ConfigMapModel['clientTraffic']['tls'],
  extra: {clientValidation?: ClientTrafficPolicySpecTlsClientValidation; keepHttp2?: boolean},
): ConfigMapModel['clientTraffic']['tls'] {
  const alpn = extra.keepHttp2 && tls?.alpnProtocols === undefined ? {alpnProtocols: ['h2' as const, 'http/1.1' as const]} : {}
  if (!extra.clientValidation && Object.keys(alpn).length === 0) return tls
  return {...(tls ?? {}), ...(extra.clientValidation ? {clientValidation: extra.clientValidation} : {}), ...alpn}
}

/**
 * The global-auth-response-headers of the Gateway-level extAuth, less the headers the check reads from the client
 * (Authorization, those of headersToExtAuth: auth-headers.ts CHECK_HEADERS), which must reach the auth service.
 */
function globalAuthResponseHeaders(model: ConfigMapModel): string[] {
  const policy = model.objects.find((o): o is EmittedObject<'SecurityPolicy'> => o.kind === 'SecurityPolicy' && o.spec.extAuth !== undefined)
  const extAuth = policy?.spec.extAuth
  const checkReads = new Set(['authorization', 'proxy-authorization', 'cookie', 'host', ...(extAuth?.headersToExtAuth ?? []).map((h) => h.toLowerCase())])
  return (extAuth?.http?.headersToBackend ?? []).filter((h) => !checkReads.has(h.toLowerCase()))
}

/**
 * The client headers a listener's policy removes for external auth: those of its protected hosts, and the
 * global-auth-response-headers of the Gateway-level extAuth on every listener (auth-headers.ts says why).
 */
function strippedHeaders(ctx: ClientTrafficContext, sectionName: string | undefined, globalAuthHeaders: string[]): HeaderFilter | undefined {
  const remove = mergeHeaders(globalAuthHeaders, ctx.stripRequestHeaders?.get(sectionName ?? '') ?? [])
  return remove.length > 0 ? {remove} : undefined
}
