/**
 * Helpers shared by the gateway-owner bundle emitters (issuers, certificates, client traffic, stream services), and
 * the Gateway references the route side writes too.
 * Pure: no I/O, never throws.
 */
import {parseBool, parseInt10} from '../../annotations/parsers.js'
import {objectRef} from '../diagnostics.js'
import {shortHash} from '../../util/hash.js'
import {dnsName} from '../names.js'
import type {Diagnostic, KubeObject, NamespacedName} from '../types.js'

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

/**
 * The HTTPS listener a host gets of its own (client certificates, or a certificate that cannot share the https
 * listener): `https-<host>`, a valid listener name (DNS label) derived from the hostname.
 */
export function hostListenerName(host: string): string {
  return dnsName('https', host)
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
 * ("letsencrypt") in several namespaces, so copies carry their origin namespace; `<ns>-<name>` alone is ambiguous
 * (`team-a/le` and `team/a-le` both give `team-a-le`, and an Issuer of the gateway namespace may already be called
 * that), so every copy also gets a hash of `<ns>/<name>`. An Issuer that already lives in the gateway namespace keeps
 * its name. certificates.ts writes the same name into issuerRef.
 */
export function issuerCopyName(gateway: NamespacedName, namespace: string, name: string): string {
  return namespace === gateway.namespace ? name : dnsName(namespace, name, shortHash(`${namespace}/${name}`))
}

/**
 * The SecurityPolicy that lets cert-manager's HTTP-01 solver routes past the Gateway-level access lists and global
 * auth (client-traffic.ts); issuers.ts names it when an ingressTemplate opened the allowlist for the solver.
 */
export function acmeExemptPolicyName(gateway: NamespacedName): string {
  return dnsName(gateway.name, 'acme-exempt')
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

/** A diagnostic without undefined fields, in Diagnostic's field order (stable JSON / deep-equal); callers add `source`. */
export function diag(d: Omit<Diagnostic, 'source'>): Diagnostic {
  const out: Diagnostic = {level: d.level, code: d.code, message: d.message}
  if (d.object !== undefined) out.object = d.object
  if (d.annotation !== undefined) out.annotation = d.annotation
  if (d.fidelity !== undefined) out.fidelity = d.fidelity
  if (d.hint !== undefined) out.hint = d.hint
  return out
}
