/**
 * The passes over emitted records that relate route-level objects to Gateway-level ones: a route policy merges with
 * (or replaces) the Gateway's policy of its kind, and the https-redirect routes get past the Gateway's auth. They
 * find what they need by record role and Gateway, never by object names.
 */
import {about} from '../model/diagnostics.js'
import {diagnostic} from '../model/catalogue/diagnostic.js'
import {GATEWAY_GROUP} from '../model/gateway-refs.js'
import {dnsName} from '../model/names.js'
import {managedMetadata} from '../model/provenance.js'
import {record, type Emitted} from './records.js'
import type {Diagnostic} from '../model/types.js'
import {isMergingPolicy, type EmittedObject, type MergingPolicyKind} from '../model/emitted.js'

const SECURITY_FIELDS = ['cors', 'basicAuth', 'extAuth', 'authorization', 'jwt', 'oidc', 'apiKeyAuth']

/**
 * Without mergeType a route-level policy replaces the Gateway-level one of its kind (Envoy Gateway picks the most
 * specific policy), so an Ingress with, say, a timeout annotation would lose the Gateway-wide body limit that nginx
 * still applied to it. StrategicMerge keeps both, as nginx's ConfigMap defaults plus annotations did.
 */
export function mergeWithGatewayPolicies(list: Emitted[], diagnostics: Diagnostic[]): Emitted[] {
  // Per Gateway: a route's policy merges with the Gateway-level policy of the Gateway its routes attach to.
  // Both roles hold merging policy kinds only (gateway-owner.ts gatewayLevelRecord, emit-policies.ts policyRecord).
  const gatewayLevel = new Map<string, EmittedObject<MergingPolicyKind>>()
  for (const r of list) {
    if (r.role === 'gateway-policy' && r.gateway && isMergingPolicy(r.object)) gatewayLevel.set(`${r.object.kind}|${r.gateway}`, r.object)
  }
  const defaultsFor = (r: Emitted) => (r.gateway === undefined ? undefined : gatewayLevel.get(`${r.object.kind}|${r.gateway}`))
  // A policy that only opts out of Gateway defaults is pointless when there are none.
  const isOnlyOptOut = (r: Emitted) => r.optOuts !== undefined && isMergingPolicy(r.object) && Object.keys(r.object.spec).every((k) => k === 'targetRefs')
  const out = list.filter((r) => !(r.role === 'route-policy' && isOnlyOptOut(r) && !defaultsFor(r)))
  let merged = 0
  for (const r of out) {
    if (r.role !== 'route-policy') continue
    const defaults = defaultsFor(r)
    const o = r.object
    if (!defaults || (o.kind !== 'BackendTrafficPolicy' && o.kind !== 'SecurityPolicy')) continue
    if (!r.optOuts) {
      if (o.kind === 'SecurityPolicy') foldAddressLists(o.spec, defaults.spec)
      o.spec.mergeType = 'StrategicMerge'
      merged++
      continue
    }
    // A merge would bring back what the Ingress turned off: replace the Gateway policy instead, carrying its
    // other fields explicitly.
    fillFrom(o.spec, defaults.spec, r.optOuts, '')
    if (o.kind === 'SecurityPolicy' && !SECURITY_FIELDS.some((k) => k in o.spec)) o.spec.authorization = {defaultAction: 'Allow'}
    // Only name what the Gateway-level policy has: an opt-out of a field it lacks leaves nothing out.
    const leftOut = r.optOuts.filter((path) => hasPath(defaults.spec, path))
    diagnostics.push(diagnostic('policy-replaces-gateway-defaults', {kind: o.kind, leftOut}, about(o.kind, {namespace: o.metadata.namespace, name: o.metadata.name})))
  }
  if (merged > 0) {
    diagnostics.push(diagnostic('policy-merge-type', {policies: merged}))
  }
  return out
}

/**
 * nginx's allowlist and denylist annotations each replace only their own ConfigMap list (block-cidrs always
 * applies). A route's authorization replaces the Gateway's as a whole, so the lists it does not set are folded in.
 */
function foldAddressLists(route: Record<string, any>, gateway: Record<string, any>): void {
  const mine: any[] = route.authorization?.rules
  const theirs: any[] = gateway.authorization?.rules
  // A deny-all (no rules) must stay deny-all: folding the ConfigMap's Allow rule in would reopen the route.
  if (!mine || mine.length === 0 || !theirs) return
  const lists = ['block-cidrs', 'denylist-source-range', 'allowlist-source-range']
  if (!mine.every((r) => lists.includes(r.name))) return
  const pick = (name: string) => mine.find((r) => r.name === name) ?? theirs.find((r) => r.name === name)
  const rules = [theirs.find((r) => r.name === 'block-cidrs'), pick('denylist-source-range'), pick('allowlist-source-range')].filter(Boolean)
  route.authorization = {defaultAction: rules.some((r) => r.action === 'Allow') ? 'Deny' : 'Allow', rules}
}

/** Whether a dotted path (fillFrom's opt-out paths: `extAuth`, `timeout.http`) is set in a policy spec. */
function hasPath(spec: Record<string, any>, path: string): boolean {
  let at: any = spec
  for (const key of path.split('.')) {
    // A list of typed items (compressor): `compressor.Gzip` is its item of type Gzip.
    if (Array.isArray(at)) at = at.find((item) => item?.type === key)
    else if (at === null || typeof at !== 'object') return false
    else at = at[key]
    if (at === undefined) return false
  }
  return true
}

/** Copy fields of `from` that `into` lacks, recursing into objects, except the opted-out dotted paths. */
function fillFrom(into: Record<string, any>, from: Record<string, any>, optOuts: string[], prefix: string): void {
  for (const [key, value] of Object.entries(from)) {
    const path = prefix === '' ? key : `${prefix}.${key}`
    if (key === 'targetRefs' || key === 'targetRef' || key === 'targetSelectors' || optOuts.includes(path)) continue
    // Typed items opted out one by one (`compressor.Gzip`: a configuration-snippet's gzip off) are left out of the copy.
    const kept = Array.isArray(value) ? value.filter((item) => !optOuts.includes(`${path}.${item?.type}`)) : value
    if (Array.isArray(kept) && kept.length === 0) continue
    if (into[key] === undefined) into[key] = structuredClone(kept)
    else if (typeof into[key] === 'object' && !Array.isArray(into[key]) && typeof value === 'object' && !Array.isArray(value)) fillFrom(into[key], value, optOuts, path)
  }
}

/**
 * nginx redirects plain HTTP to HTTPS in its rewrite phase, before the allowlist and auth_request run: a
 * Gateway-level SecurityPolicy must not reach the https-redirect routes (users would get 401/403 over HTTP
 * instead of the redirect), so they get a policy of their own that lets everything through to the redirect.
 */
export function redirectBeforeAuth(list: Emitted[], diagnostics: Diagnostic[]): Emitted[] {
  const out: Emitted[] = []
  const gatewayPolicies = list.filter((r) => r.role === 'gateway-policy' && r.object.kind === 'SecurityPolicy' && (r.object.spec.extAuth || r.object.spec.authorization || r.object.spec.basicAuth))
  for (const {object: policy, gateway} of gatewayPolicies) {
    const namespace = policy.metadata.namespace!
    const gwName = gateway!.slice(gateway!.indexOf('/') + 1)
    const redirects = list.filter((r) => r.role === 'https-redirect-route' && r.gateway === gateway)
    for (let i = 0; i < redirects.length; i += 16) {
      const chunk = redirects.slice(i, i + 16)
      const name = dnsName(gwName, 'https-redirect', 'open', i === 0 ? '' : String(i / 16 + 1))
      const open: EmittedObject<'SecurityPolicy'> = {
        apiVersion: 'gateway.envoyproxy.io/v1alpha1',
        kind: 'SecurityPolicy',
        metadata: managedMetadata(name, namespace, [`SecurityPolicy ${namespace}/${policy.metadata.name}`]),
        spec: {
          authorization: {defaultAction: 'Allow'},
          targetRefs: chunk.map((r) => ({group: GATEWAY_GROUP, kind: 'HTTPRoute', name: r.object.metadata.name})),
        },
      }
      out.push(record(open, 'redirect-open-policy', {gateway}))
    }
    if (redirects.length > 0) {
      diagnostics.push(diagnostic('redirect-before-auth', {}, about('SecurityPolicy', {namespace, name: policy.metadata.name})))
    }
  }
  return out
}
