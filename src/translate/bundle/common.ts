/**
 * Helpers shared by the gateway-owner bundle emitters (issuers, certificates, client traffic, stream services).
 * Pure: no I/O, never throws.
 */
import {parseBool, parseInt10} from '../../annotations/parsers.js'
import {objectRef} from '../diagnostics.js'
import {dnsName} from '../names.js'
import type {Diagnostic, Fidelity, KubeObject, Level, NamespacedName} from '../types.js'

export const GATEWAY_GROUP = 'gateway.networking.k8s.io'
export const EG_API_VERSION = 'gateway.envoyproxy.io/v1alpha1'
export const CERT_MANAGER_GROUP = 'cert-manager.io'
export const CERT_MANAGER_API_VERSION = 'cert-manager.io/v1'

/** "Kind ns/name" (or "Kind name" for cluster-scoped objects), as diagnostics and provenance name inputs. */
export function refOf(obj: KubeObject | undefined): string {
  if (!obj || typeof obj !== 'object') return 'unknown'
  const kind = typeof obj.kind === 'string' ? obj.kind : 'Object'
  const name = typeof obj.metadata?.name === 'string' ? obj.metadata.name : ''
  const ns = typeof obj.metadata?.namespace === 'string' && obj.metadata.namespace !== '' ? obj.metadata.namespace : undefined
  return objectRef(kind, {namespace: ns, name})
}

/** A policy targetRef to the Gateway (or one of its listeners). `group` is always written: it has no default. */
export function gatewayTargetRef(gateway: NamespacedName, sectionName?: string): Record<string, string> {
  const ref: Record<string, string> = {group: GATEWAY_GROUP, kind: 'Gateway', name: gateway.name}
  if (sectionName) ref.sectionName = sectionName
  return ref
}

/** A route parentRef to the Gateway (cross-namespace, so the namespace is always written). */
export function gatewayParentRef(gateway: NamespacedName, sectionName?: string): Record<string, string> {
  const ref: Record<string, string> = {group: GATEWAY_GROUP, kind: 'Gateway', name: gateway.name, namespace: gateway.namespace}
  if (sectionName) ref.sectionName = sectionName
  return ref
}

export const DURATION_PATTERN = /^([0-9]{1,5}(h|m|s|ms)){1,4}$/

/**
 * Whole seconds as a Gateway API duration (`^([0-9]{1,5}(h|m|s|ms)){1,4}$`): `60s`, and for values with more than
 * five digits `480h`, `27h46m40s`. Negative or non-integer input gives undefined.
 */
export function secondsToDuration(seconds: number): string | undefined {
  if (!Number.isInteger(seconds) || seconds < 0) return undefined
  if (seconds <= 99999) return `${seconds}s`
  const h = Math.floor(seconds / 3600)
  const m = Math.floor((seconds % 3600) / 60)
  const s = seconds % 60
  if (h > 99999) return undefined
  let out = `${h}h`
  if (m > 0) out += `${m}m`
  if (s > 0) out += `${s}s`
  return out
}

/**
 * nginx size (`^\d+[bkmg]?$`, case-insensitive; `k` = 1024) as an Envoy Gateway quantity: `8m` -> `8Mi`, `512` -> 512
 * (bytes). `0` (no limit in nginx) gives {unlimited: true}. Anything else is invalid.
 */
export function nginxSizeToQuantity(value: string): {ok: true; quantity?: string | number; unlimited?: boolean} | {ok: false} {
  const m = /^(\d+)([bkmg]?)$/i.exec(value.trim())
  if (!m) return {ok: false}
  const n = Number.parseInt(m[1], 10)
  if (!Number.isSafeInteger(n)) return {ok: false}
  if (n === 0) return {ok: true, unlimited: true}
  const unit = m[2].toLowerCase()
  if (unit === '' || unit === 'b') return {ok: true, quantity: n}
  return {ok: true, quantity: `${n}${{k: 'Ki', m: 'Mi', g: 'Gi'}[unit as 'k' | 'm' | 'g']}`}
}

/** Go strconv.ParseBool (as ingress-nginx reads ConfigMap booleans); undefined when invalid. */
export function parseGoBool(value: unknown): boolean | undefined {
  if (typeof value !== 'string') return undefined
  const r = parseBool(value.trim())
  return r.ok ? r.value : undefined
}

/** Go strconv.Atoi (no units); undefined when invalid or unsafe. */
export function parseGoInt(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined
  const r = parseInt10(value)
  return r.ok && Number.isSafeInteger(r.value) ? r.value : undefined
}

/**
 * Name of the copy of a namespaced Issuer in the gateway namespace. Teams often have Issuers with the same name
 * ("letsencrypt") in several namespaces, so copies are prefixed with their origin namespace; an Issuer that already
 * lives in the gateway namespace keeps its name.
 */
export function issuerCopyName(gateway: NamespacedName, namespace: string, name: string): string {
  return namespace === gateway.namespace ? name : dnsName(namespace, name)
}

export function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Deep copy of plain JSON data (objects read from YAML/JSON). */
export function cloneJson<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => cloneJson(v)) as T
  if (isObject(value)) {
    const out: Record<string, any> = {}
    for (const [k, v] of Object.entries(value)) out[k] = cloneJson(v)
    return out as T
  }
  return value
}

export interface DiagInput {
  level: Level
  code: string
  message: string
  object?: string
  annotation?: string
  fidelity?: Fidelity
  hint?: string
}

/** A diagnostic without undefined fields (stable JSON / deep-equal). */
export function diag(d: DiagInput): Diagnostic {
  const out: Diagnostic = {level: d.level, code: d.code, message: d.message}
  if (d.object !== undefined) out.object = d.object
  if (d.annotation !== undefined) out.annotation = d.annotation
  if (d.fidelity !== undefined) out.fidelity = d.fidelity
  if (d.hint !== undefined) out.hint = d.hint
  return out
}
