/**
 * BackendTrafficPolicy / SecurityPolicy beside the route: one of each kind per Ingress, merged from that
 * Ingress's annotation fragments, targeting all of its routes (an annotation applies to its own Ingress only).
 */
import {about, objectRef} from '../model/diagnostics.js'
import {diagnostic} from '../model/catalogue/diagnostic.js'
import {EG_API_VERSION, GATEWAY_GROUP} from '../model/gateway-refs.js'
import type {IngressModel, Intent, Location, PolicyFragment, PolicyKind} from '../model/ingress-model.js'
import {dnsName} from '../model/names.js'
import {managedMetadata} from '../model/provenance.js'
import {clonePlainData} from '../util/json.js'
import {ingressIds, record, type Emitted} from './records.js'
import type {ObjectNames} from './object-names.js'
import {gatewayKey} from './emit-gateway.js'
import {isAcmeChallengePath, NO_AUTH_LOCATION_PATHS} from './emit-routes.js'
import type {Diagnostic} from '../model/types.js'
import {isRoute, type FragmentSpecs, type OutputObject, type PolicyTargetRef} from '../model/emitted.js'

/**
 * Sets a fragment's field. The walk is untyped, the fragments are not: PolicyFragment's path and value were checked
 * against the generated spec type where the family built them.
 */
function setPath(target: Record<string, unknown>, path: string, value: unknown): boolean {
  const parts = path.split('.')
  let node = target
  for (const p of parts.slice(0, -1)) {
    if (node[p] === undefined) node[p] = {}
    else if (typeof node[p] !== 'object' || Array.isArray(node[p])) return false
    node = node[p] as Record<string, unknown>
  }
  const last = parts[parts.length - 1]!
  if (node[last] !== undefined) return false
  node[last] = value
  return true
}

const MAX_TARGET_REFS = 16

/** A route of the Ingress; its record has, per rule, the upstream (namespace/service/port) its backends belong to. */
export interface EmittedRoute {
  kind: string
  name: string
  record: Emitted
  /** A route of locations nginx served without the Ingress's auth (emit-routes.ts isNoAuthLocation): the Ingress's SecurityPolicy leaves it out. */
  authExempt?: Location[]
}

interface Built {
  spec: Record<string, unknown>
  keys: Set<string>
  sources: Set<string>
  optOuts: string[]
}

/** Merges fragments into one policy spec; a field set twice keeps the first and is reported. */
function build(ingress: IngressModel, kind: string, fragments: PolicyFragment[], consumed: Set<Intent>, diagnostics: Diagnostic[]): Built {
  const built: Built = {spec: {}, keys: new Set(), sources: new Set([objectRef('Ingress', ingress.ref)]), optOuts: []}
  for (const f of fragments) {
    consumed.add(f)
    f.from.forEach((k) => built.keys.add(k))
    f.sources?.forEach((src) => built.sources.add(src))
    if (f.optOut) {
      if (!built.optOuts.includes(f.path)) built.optOuts.push(f.path)
      continue
    }
    if (!setPath(built.spec, f.path, f.value)) {
      diagnostics.push(diagnostic('policy-field-conflict', {keys: f.from, kind, path: f.path}, {...about('Ingress', ingress.ref), annotation: f.from[0], source: ingress.source}))
    }
  }
  return built
}

/** A route-level policy record: its opt-outs and Gateway travel with it to mergeWithGatewayPolicies. */
function policyRecord(ingress: IngressModel, kind: PolicyKind, name: string, built: Built, targetRefs: PolicyTargetRef[]): Emitted {
  const apiVersion = EG_API_VERSION
  const metadata = managedMetadata(name, ingress.ref.namespace, [...built.sources], [...built.keys])
  // The fragments' fields (only this kind's: emitPolicies filters them), each typed where it was built
  // (PolicyFragment), merged by setPath.
  const spec = clonePlainData(built.spec)
  spec.targetRefs = targetRefs
  const policy: OutputObject =
    kind === 'BackendTrafficPolicy'
      ? {apiVersion, kind, metadata, spec: spec as FragmentSpecs['BackendTrafficPolicy']}
      : {apiVersion, kind, metadata, spec: spec as FragmentSpecs['SecurityPolicy']}
  return record(policy, 'route-policy', {
    ingresses: ingressIds(built.sources),
    keys: [...built.keys],
    gateway: gatewayKey(ingress.gateway),
    ...(built.optOuts.length > 0 ? {optOuts: built.optOuts} : {}),
  })
}

export function emitPolicies(ingress: IngressModel, routes: EmittedRoute[], consumed: Set<Intent>, diagnostics: Diagnostic[], names: ObjectNames): Emitted[] {
  if (routes.length === 0 || ingress.intents.policies.length === 0) return []
  const out: Emitted[] = []
  for (const kind of ['BackendTrafficPolicy', 'SecurityPolicy'] as const) {
    const fragments = ingress.intents.policies.filter((f) => f.kind === kind)
    if (fragments.length === 0) continue
    const groups = ruleGroups(routes, fragments.filter((f) => f.upstreams !== undefined))
    const common = fragments.filter((f) => f.upstreams === undefined && !f.noAuthOnly)
    const base = groups[0]
    const built = build(ingress, kind, [...common, ...(base?.fragments ?? [])], consumed, diagnostics)
    // Upstream settings of an Ingress whose rules have no backends (a redirect) leave nothing to emit.
    if (Object.keys(built.spec).length === 0 && built.optOuts.length === 0 && groups.length <= 1) {
      for (const f of fragments) consumed.add(f)
      continue
    }
    // targetRefs holds at most 16 routes: an Ingress split into more routes gets one policy per 16, so every
    // route keeps its limits and access controls.
    const targets = kind === 'SecurityPolicy' ? routes.filter((r) => r.authExempt === undefined) : routes
    for (let i = 0; i < targets.length; i += MAX_TARGET_REFS) {
      const name = names.claim(kind, ingress.ref.namespace, i === 0 ? ingress.ref.name : dnsName(ingress.ref.name, String(i / MAX_TARGET_REFS + 1)), ingress)
      out.push(policyRecord(ingress, kind, name, built, targets.slice(i, i + MAX_TARGET_REFS).map((r) => ({group: GATEWAY_GROUP, kind: r.kind, name: r.name}))))
    }
    // The exempt routes (no-auth-locations) get a policy without the auth nginx.tmpl skipped there (emit-routes.ts
    // isNoAuthLocation), keeping what it applied outside that `if` (CORS, the address lists), and opting out of the
    // Gateway-level extAuth (global-auth-url, skipped there too): left without a route-level SecurityPolicy they
    // would fall under the Gateway's, global auth included. mergeWithGatewayPolicies repeats the Gateway's other
    // fields (its allowlist, which nginx applied there) or drops a policy left with nothing to say.
    const exempt = kind === 'SecurityPolicy' ? routes.filter((r) => r.authExempt !== undefined) : []
    if (exempt.length > 0) {
      // Its conflicts were reported building the Ingress's policy: not twice.
      // satisfy any's address lists (noAuthOnly) take the place of the Ingress's own there: nginx checked them alone.
      const exemptFragments = fragments.filter((f) => f.upstreams === undefined && !NO_AUTH_LOCATION_PATHS.has(f.path))
      const open = build(ingress, kind, exemptFragments, consumed, [])
      // Its provenance is what it carries: not the auth keys (auth-url, auth-type...) it leaves out.
      const kept: Built = {spec: open.spec, keys: open.keys, sources: open.sources, optOuts: [...new Set(['extAuth', ...open.optOuts])]}
      // One name per Ingress: `acme-challenge` where only in-place HTTP-01 challenges are exempt.
      const suffix = exempt.every((r) => r.authExempt!.every((l) => isAcmeChallengePath(l.path))) ? 'acme-challenge' : 'no-auth'
      for (let i = 0; i < exempt.length; i += MAX_TARGET_REFS) {
        const name = names.claim(kind, ingress.ref.namespace, dnsName(ingress.ref.name, suffix, i === 0 ? '' : String(i / MAX_TARGET_REFS + 1)), ingress)
        out.push(policyRecord(ingress, kind, name, kept, exempt.slice(i, i + MAX_TARGET_REFS).map((r) => ({group: GATEWAY_GROUP, kind: r.kind, name: r.name}))))
      }
    }
    // Rules whose upstream is balanced differently get a policy of their own (sectionName: the rule's name), which
    // replaces the route-level one for them, so it repeats the Ingress's other settings.
    groups.slice(1).forEach((group, g) => {
      const ruleBuilt = build(ingress, kind, [...common, ...group.fragments], consumed, diagnostics)
      const refs = group.rules.map(({route, index}) => ({group: GATEWAY_GROUP, kind: route.kind, name: route.name, sectionName: nameRule(route.record, index)}))
      for (let i = 0; i < refs.length; i += MAX_TARGET_REFS) {
        const name = names.claim(kind, ingress.ref.namespace, dnsName(ingress.ref.name, 'upstream', String(g + 2), i === 0 ? '' : String(i / MAX_TARGET_REFS + 1)), ingress)
        out.push(policyRecord(ingress, kind, name, ruleBuilt, refs.slice(i, i + MAX_TARGET_REFS)))
      }
    })
    for (const f of fragments) consumed.add(f)
  }
  return out
}

interface RuleGroup {
  fragments: PolicyFragment[]
  rules: {route: EmittedRoute; index: number}[]
}

/**
 * The rules of the Ingress's routes grouped by the upstream-qualified fragments that apply to them; the first group
 * goes to the route-level policy. Rules without backends (redirects) take whatever the route-level policy carries.
 */
function ruleGroups(routes: EmittedRoute[], qualified: PolicyFragment[]): RuleGroup[] {
  if (qualified.length === 0) return []
  const bySignature = new Map<string, RuleGroup>()
  for (const route of routes) {
    const upstreams = route.record.upstreams ?? []
    upstreams.forEach((upstream, index) => {
      if (upstream === undefined) return
      const fragments = qualified.filter((f) => f.upstreams!.includes(upstream))
      const signature = JSON.stringify(fragments.map((f) => [f.path, f.value]))
      const group = bySignature.get(signature) ?? {fragments, rules: []}
      group.rules.push({route, index})
      bySignature.set(signature, group)
    })
  }
  const groups = [...bySignature.values()]
  if (groups.length <= 1) return groups
  // Route level: no upstream setting, else the Ingress's own settings (no other Ingress decided them), else the
  // setting most rules share.
  const rank = (g: RuleGroup) => (g.fragments.length === 0 ? 2 : g.fragments.every((f) => !f.sources?.length) ? 1 : 0)
  const first = groups.reduce((best, g) => (rank(g) > rank(best) || (rank(g) === rank(best) && g.rules.length > best.rules.length) ? g : best), groups[0]!)
  return [first, ...groups.filter((g) => g !== first)]
}

/** Gives a route rule a name (unique in the route) so a policy can target it; keeps a name it already has. */
function nameRule(route: Emitted, index: number): string {
  const o = route.object
  if (!isRoute(o)) throw new Error(`${o.kind} ${o.metadata.name} is not a route: it has no rules to name`)
  const rules: {name?: string}[] = o.spec.rules ?? []
  const rule = rules[index]!
  if (typeof rule.name === 'string') return rule.name
  const upstream = route.upstreams?.[index] ?? `rule-${index + 1}`
  const [, service = 'rule', port = String(index + 1)] = upstream.split('/')
  const taken = new Set(rules.map((r) => r.name).filter((n) => typeof n === 'string'))
  let name = dnsName(service, port)
  for (let n = 2; taken.has(name); n++) name = dnsName(service, port, String(n))
  rule.name = name
  return name
}
