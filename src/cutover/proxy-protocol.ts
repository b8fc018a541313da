/**
 * Does the Gateway expect PROXY protocol headers on a listener? The ClientTrafficPolicy that applies to a listener
 * is the one targeting its sectionName, else the one targeting the whole Gateway (by targetRefs or by a
 * targetSelector that matches its labels): Envoy Gateway translates
 * sectionName policies first and a Gateway-wide one skips the sections already taken
 * (internal/gatewayapi/clienttrafficpolicy.go ProcessClientTrafficPolicies). A policy the controller refused
 * (Accepted=False for that Gateway) is not in effect.
 */
import type {KubeObject} from '../model/types.js'
import {conditionsOf, findCondition} from '../status/conditions.js'
import {targetRefsOf} from '../status/policies.js'

export type ProxyExpectation = {expects: 'required' | 'optional' | 'no'; policy?: string}

function accepted(ctp: KubeObject, gw: KubeObject): boolean {
  const ancestors = ((ctp.status as {ancestors?: {ancestorRef?: {name?: string; namespace?: string}; conditions?: unknown}[]})?.ancestors ?? []).filter(
    (a) => a?.ancestorRef?.name === gw.metadata.name && (a.ancestorRef.namespace ?? ctp.metadata.namespace) === gw.metadata.namespace,
  )
  return !ancestors.some((a) => findCondition(conditionsOf(a.conditions), 'Accepted')?.status === 'False')
}

function expectation(ctp: KubeObject): ProxyExpectation['expects'] {
  const spec = (ctp.spec ?? {}) as {proxyProtocol?: {optional?: boolean}; enableProxyProtocol?: boolean}
  // ProxyProtocol takes precedence over the deprecated EnableProxyProtocol (clienttrafficpolicy_types.go).
  if (spec.proxyProtocol) return spec.proxyProtocol.optional === true ? 'optional' : 'required'
  return spec.enableProxyProtocol === true ? 'required' : 'no'
}

interface TargetSelector {
  group?: string
  kind?: string
  namespaces?: {from?: string}
  matchLabels?: Record<string, string>
  matchExpressions?: {key: string; operator: string; values?: string[]}[]
}

/**
 * A targetSelector that picks the Gateway as a whole (selectors carry no sectionName): kind Gateway, group
 * gateway.networking.k8s.io by default, its labels matched as metav1.LabelSelector does (Envoy Gateway
 * internal/gatewayapi/helpers.go resolvePolicyTargetsFromSelectors). Only policies of the Gateway's namespace are
 * read, so the namespace always matches.
 */
function selectsGateway(sel: TargetSelector, gw: KubeObject): boolean {
  if (sel?.kind !== 'Gateway' || (sel.group ?? 'gateway.networking.k8s.io') !== 'gateway.networking.k8s.io') return false
  const labels = gw.metadata.labels ?? {}
  if (!Object.entries(sel.matchLabels ?? {}).every(([k, v]) => labels[k] === v)) return false
  return (sel.matchExpressions ?? []).every((e) => {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key)
    switch (e.operator) {
      case 'In':
        return has && (e.values ?? []).includes(labels[e.key])
      case 'NotIn':
        return !has || !(e.values ?? []).includes(labels[e.key])
      case 'Exists':
        return has
      case 'DoesNotExist':
        return !has
      default:
        return false
    }
  })
}

export function gatewayExpectsProxyProtocol(gw: KubeObject, listener: string, ctps: KubeObject[]): ProxyExpectation {
  const inEffect = ctps.filter((c) => c.metadata.namespace === gw.metadata.namespace && accepted(c, gw))
  const selectors = (c: KubeObject) => ((c.spec as {targetSelectors?: TargetSelector[]})?.targetSelectors ?? []).filter(Boolean)
  const targets = (c: KubeObject, section: string | undefined) =>
    targetRefsOf(c).some((t) => t.kind === 'Gateway' && t.name === gw.metadata.name && t.sectionName === section) || (section === undefined && selectors(c).some((s) => selectsGateway(s, gw)))
  const chosen = inEffect.find((c) => targets(c, listener)) ?? inEffect.find((c) => targets(c, undefined))
  if (!chosen) return {expects: 'no'}
  return {expects: expectation(chosen), policy: `ClientTrafficPolicy ${chosen.metadata.namespace}/${chosen.metadata.name}`}
}
