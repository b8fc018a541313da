/**
 * Helpers shared by the gateway-owner bundle emitters (issuers, certificates, client traffic, stream services), and
 * the Gateway references the route side writes too.
 * Pure: no I/O, never throws.
 */
import {parseBool} from '../../annotations/parsers.js'
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

/**
 * A ConfigMap boolean as ingress-nginx decodes it: `ReadConfig` (internal/ingress/controller/template/configmap.go)
 * hands the data to mapstructure with WeaklyTypedInput, whose `decodeBool` runs strconv.ParseBool on the raw string
 * (no trimming: " true" is an error) and turns "" into false. An error keeps the key's default (mapstructure
 * records it and ReadConfig only logs it), which the caller does when this returns undefined.
 */
export function parseGoBool(value: unknown): boolean | undefined {
  if (typeof value !== 'string') return undefined
  if (value === '') return false
  const r = parseBool(value)
  return r.ok ? r.value : undefined
}

/**
 * A ConfigMap integer as ingress-nginx decodes it: mapstructure's weak `decodeInt` turns "" into "0" and calls
 * strconv.ParseInt(s, 0, 64), so base prefixes apply ("0x1e" is 30, a leading 0 means octal: "010" is 8) and
 * underscores may separate digits. Undefined when Go would return an error or the value is not a safe JS integer.
 */
export function parseGoInt(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined
  const n = goParseIntBase0(value === '' ? '0' : value)
  return n !== undefined && Number.isSafeInteger(n) ? n : undefined
}

/** strconv.ParseInt(s, 0, 64) (strconv/atoi.go ParseUint + underscoreOK); undefined on a syntax or range error. */
function goParseIntBase0(s: string): number | undefined {
  let body = s
  let negative = false
  if (body.startsWith('+') || body.startsWith('-')) {
    negative = body.startsWith('-')
    body = body.slice(1)
  }
  if (body === '') return undefined
  let base = 10n
  let digits = body
  if (body[0] === '0') {
    const prefix = body.length >= 3 ? body[1].toLowerCase() : ''
    if (prefix === 'b' || prefix === 'o' || prefix === 'x') {
      base = prefix === 'b' ? 2n : prefix === 'o' ? 8n : 16n
      digits = body.slice(2)
    } else {
      base = 8n
      digits = body.slice(1)
    }
  }
  let n = 0n
  for (const c of digits) {
    if (c === '_') continue
    const lower = c.toLowerCase()
    const d = c >= '0' && c <= '9' ? BigInt(c.charCodeAt(0) - 48) : lower >= 'a' && lower <= 'z' ? BigInt(lower.charCodeAt(0) - 87) : -1n
    if (d < 0n || d >= base) return undefined
    n = n * base + d
  }
  if (digits.includes('_') && !goUnderscoreOK(s)) return undefined
  const signed = negative ? -n : n
  if (BigInt.asIntN(64, signed) !== signed) return undefined
  return Number(signed)
}

/** strconv's underscoreOK: underscores only between digits (a base prefix counts as a digit). */
function goUnderscoreOK(s: string): boolean {
  const body = s.startsWith('+') || s.startsWith('-') ? s.slice(1) : s
  let saw = '^'
  let hex = false
  let i = 0
  if (body.length >= 2 && body[0] === '0' && 'box'.includes(body[1].toLowerCase())) {
    i = 2
    saw = '0'
    hex = body[1].toLowerCase() === 'x'
  }
  for (; i < body.length; i++) {
    const c = body[i]
    const lower = c.toLowerCase()
    if ((c >= '0' && c <= '9') || (hex && lower >= 'a' && lower <= 'f')) {
      saw = '0'
      continue
    }
    if (c === '_') {
      if (saw !== '0') return false
      saw = '_'
      continue
    }
    if (saw === '_') return false
    saw = '!'
  }
  return saw !== '_'
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
  if (d.ref !== undefined) out.ref = d.ref
  if (d.annotation !== undefined) out.annotation = d.annotation
  if (d.fidelity !== undefined) out.fidelity = d.fidelity
  if (d.hint !== undefined) out.hint = d.hint
  return out
}
