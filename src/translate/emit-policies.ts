/**
 * BackendTrafficPolicy / SecurityPolicy beside the route: one of each kind per Ingress, merged from that
 * Ingress's annotation fragments, targeting all of its routes (an annotation applies to its own Ingress only).
 */
import {objectRef} from './diagnostics.js'
import {EG_GROUP, GATEWAY_GROUP} from './emit-routes.js'
import type {IngressModel, Intent, PolicyFragment} from './model.js'
import {dnsName} from './names.js'
import {managedMetadata} from './provenance.js'
import type {Diagnostic, KubeObject} from './types.js'

function setPath(target: Record<string, any>, path: string, value: unknown): boolean {
  const parts = path.split('.')
  let node = target
  for (const p of parts.slice(0, -1)) {
    if (node[p] === undefined) node[p] = {}
    else if (typeof node[p] !== 'object' || Array.isArray(node[p])) return false
    node = node[p]
  }
  const last = parts[parts.length - 1]
  if (node[last] !== undefined) return false
  node[last] = value
  return true
}

/** Fields a route policy must not inherit from the Gateway-level policy of its kind (see PolicyFragment.optOut). */
const MAX_TARGET_REFS = 16

export const policyOptOuts = new WeakMap<KubeObject, string[]>()

export function emitPolicies(
  ingress: IngressModel,
  routes: {kind: string; name: string}[],
  consumed: Set<Intent>,
  diagnostics: Diagnostic[],
): KubeObject[] {
  if (routes.length === 0 || ingress.intents.policies.length === 0) return []
  const out: KubeObject[] = []
  for (const kind of ['BackendTrafficPolicy', 'SecurityPolicy'] as const) {
    const fragments = ingress.intents.policies.filter((f) => f.kind === kind)
    if (fragments.length === 0) continue
    const spec: Record<string, any> = {}
    const keys = new Set<string>()
    const optOuts: string[] = []
    for (const f of fragments) {
      if (f.optOut) {
        if (!optOuts.includes(f.path)) optOuts.push(f.path)
        consumed.add(f)
        f.from.forEach((k) => keys.add(k))
        continue
      }
      if (!setPath(spec, f.path, f.value)) {
        diagnostics.push({
          level: 'warning',
          code: 'policy-field-conflict',
          object: objectRef('Ingress', ingress.ref),
          annotation: f.from[0],
          message: `${f.from.join(', ')} sets ${kind} ${f.path}, which another annotation of this Ingress already set; the first one is kept`,
          source: ingress.source,
        })
        continue
      }
      consumed.add(f as PolicyFragment)
      f.from.forEach((k) => keys.add(k))
    }
    // targetRefs holds at most 16 routes: an Ingress split into more routes gets one policy per 16, so every
    // route keeps its limits and access controls.
    for (let i = 0; i < routes.length; i += MAX_TARGET_REFS) {
      const policy: KubeObject = {
        apiVersion: `${EG_GROUP}/v1alpha1`,
        kind,
        metadata: managedMetadata(
          i === 0 ? ingress.ref.name : dnsName(ingress.ref.name, String(i / MAX_TARGET_REFS + 1)),
          ingress.ref.namespace,
          [objectRef('Ingress', ingress.ref)],
          [...keys],
        ),
        spec: {
          ...structuredClone(spec),
          targetRefs: routes.slice(i, i + MAX_TARGET_REFS).map((r) => ({group: GATEWAY_GROUP, kind: r.kind, name: r.name})),
        },
      }
      if (optOuts.length > 0) policyOptOuts.set(policy, optOuts)
      out.push(policy)
    }
  }
  return out
}
