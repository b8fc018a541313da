/**
 * Envoy Gateway policies (BackendTrafficPolicy, SecurityPolicy, ClientTrafficPolicy, EnvoyExtensionPolicy) and
 * BackendTLSPolicy -> status.ancestors[].conditions; Envoy Gateway Backends -> their Accepted condition.
 *
 * A policy the controller did not accept is a silent loss: the route keeps serving, without the timeout, limit or
 * authentication the policy carried, so these findings name what is lost. What Envoy Gateway v1.9 writes
 * (internal/gatewayapi/*policy.go, status/policy.go):
 * - Accepted=False/Conflicted when another policy of the kind already attached to the same target
 *   (resolveBackendTrafficPolicyRouteTargetRef and its SecurityPolicy twin), Accepted=False/Invalid for a spec or
 *   translation error (SetTranslationErrorForPolicyAncestors), Overridden=True when a more specific policy wins
 *   part of it, Warning=True for deprecated fields.
 * - Nothing at all when the target route or Gateway does not exist (the resolve functions return nil, nil).
 * - A SecurityPolicy that failed in translation turns its routes into HTTP 500 (fail closed,
 *   translateSecurityPolicyForRoute); one that could not attach (Conflicted) or whose spec was refused before
 *   translation (validateSecurityPolicy) is simply not applied.
 */
import {CONSUMED_ANNOTATION} from '../model/provenance.js'
import type {KubeObject} from '../model/types.js'
import {conditionsOf, describe, findCondition, isStale, requireTrue, whenStatus, type Condition} from './conditions.js'
import {refKey, stateOf, type Finding, type ObjectStatus, type StatusInput} from './model.js'

export const POLICY_KINDS = new Set(['BackendTrafficPolicy', 'SecurityPolicy', 'ClientTrafficPolicy', 'EnvoyExtensionPolicy', 'BackendTLSPolicy'])

const CARRIES: Record<string, string> = {
  BackendTrafficPolicy: 'timeouts, retries, rate limits, body-size limits and load balancing',
  SecurityPolicy: 'authentication, authorization (allow/deny lists) and CORS',
  ClientTrafficPolicy: 'client-side settings (PROXY protocol, client IP detection, TLS versions, forwarded headers, HSTS)',
  EnvoyExtensionPolicy: 'extensions',
  BackendTLSPolicy: 'TLS verification towards the backend',
}

interface TargetRef {
  group?: string
  kind: string
  name: string
  sectionName?: string
}

export function targetRefsOf(policy: KubeObject): TargetRef[] {
  const spec = (policy.spec ?? {}) as {targetRefs?: TargetRef[]; targetRef?: TargetRef}
  return [...(spec.targetRefs ?? []), ...(spec.targetRef ? [spec.targetRef] : [])].filter((t) => t && typeof t.kind === 'string' && typeof t.name === 'string')
}

function targetLabel(t: TargetRef, ns: string | undefined): string {
  return `${t.kind} ${ns}/${t.name}${t.sectionName ? ` (${t.sectionName})` : ''}`
}

/** What the policy carries, with the annotations it realises: "timeouts, ... (proxy-read-timeout, limit-rps)". */
function carried(policy: KubeObject): string {
  const consumed = policy.metadata.annotations?.[CONSUMED_ANNOTATION]
  return `${CARRIES[policy.kind] ?? 'settings'}${consumed ? ` from ${consumed.split(',').join(', ')}` : ''}`
}

function lossOf(policy: KubeObject, c: Condition, targets: string): string {
  const what = carried(policy)
  if (policy.kind === 'SecurityPolicy') {
    if (c.reason === 'Invalid') {
      return `SecurityPolicy ${policy.metadata.namespace}/${policy.metadata.name} is NOT in effect for ${targets}: Envoy Gateway answers HTTP 500 on the route when the policy failed in translation, and serves the route WITHOUT its ${what} when the spec itself was refused`
    }
    return `SecurityPolicy ${policy.metadata.namespace}/${policy.metadata.name} is NOT in effect: ${targets} is served WITHOUT its ${what}`
  }
  return `${policy.kind} ${policy.metadata.namespace}/${policy.metadata.name} is NOT in effect: ${targets} is served WITHOUT its ${what}`
}

function acceptedFix(policy: KubeObject, c: Condition): string {
  switch (c.reason) {
    case 'Conflicted':
      return `another ${policy.kind} already targets the same object and Envoy Gateway applies only one per target: merge the two into one`
    case 'Invalid':
      return 'Envoy Gateway refused the policy (the message says why): fix it, or the annotation it came from, and convert again'
    case 'TargetNotFound':
      // validate.go validateGatewayListenerSectionName / validateRouteRuleSectionName: the target exists, its section does not.
      return 'the sectionName it targets (a listener of the Gateway, or a rule name of the route) does not exist on the target: fix the sectionName or add that listener or rule'
    default:
      return `the controller reports ${c.reason ?? 'no reason'}: see its message`
  }
}

function ancestorLabel(a: {group?: string; kind?: string; namespace?: string; name?: string; sectionName?: string}, ns: string | undefined): string {
  return `ancestor ${a.kind ?? 'Gateway'} ${a.namespace ?? ns}/${a.name}${a.sectionName ? ` (${a.sectionName})` : ''}`
}

function noStatusFinding(policy: KubeObject, targets: TargetRef[], input: StatusInput): Finding {
  const ns = policy.metadata.namespace
  const missing = targets.filter((t) => input.missing.has(refKey(t.kind, ns, t.name)))
  if (missing.length > 0) {
    return {
      level: 'not-ready',
      fix: `its target ${missing.map((t) => targetLabel(t, ns)).join(', ')} does not exist, so Envoy Gateway writes no status and applies nothing: apply the target, or convert again`,
      loss: `${policy.kind} ${ns}/${policy.metadata.name} applies to nothing: its ${carried(policy)} are in effect nowhere`,
    }
  }
  // Envoy Gateway resolves a route target among the routes it translated: one no Gateway accepted gets no policy status.
  const unattached = targets.filter((t) => {
    const route = input.objects.find((o) => o.kind === t.kind && o.metadata.namespace === ns && o.metadata.name === t.name)
    const parents = ((route?.status as {parents?: {conditions?: unknown}[]})?.parents ?? []) as {conditions?: unknown}[]
    return route !== undefined && !parents.some((p) => findCondition(conditionsOf(p.conditions), 'Accepted')?.status === 'True')
  })
  if (unattached.length > 0) {
    return {level: 'unknown', fix: `its target ${unattached.map((t) => targetLabel(t, ns)).join(', ')} is not accepted by any Gateway yet (see that route): the policy gets a status once it is`}
  }
  return {level: 'unknown', fix: 'no controller has written status for the policy yet (its target may not be attached to a Gateway Envoy Gateway manages)'}
}

function ancestorFindings(policy: KubeObject, ancestor: {ancestorRef?: Record<string, string>; conditions?: unknown}, targets: string): Finding[] {
  const gen = policy.metadata.generation
  const scope = ancestorLabel(ancestor.ancestorRef ?? {}, policy.metadata.namespace)
  const conds = conditionsOf(ancestor.conditions)
  const findings: Finding[] = []
  const accepted = requireTrue(conds, 'Accepted', gen, {scope, absent: 'the controller has not written Accepted for this ancestor yet', fix: (c) => acceptedFix(policy, c)})
  if (accepted) {
    if (accepted.level === 'not-ready') accepted.loss = lossOf(policy, findCondition(conds, 'Accepted')!, targets)
    findings.push(accepted)
  }
  // BackendTLSPolicy (Gateway API) reports its CA and hostname references on ResolvedRefs.
  const resolved = whenStatus(conds, 'ResolvedRefs', 'False', gen, (c) => ({
    level: 'not-ready',
    scope,
    fix: 'a reference of the policy (CA certificate ConfigMap or Secret) is missing or invalid: the message names it',
    loss: lossOf(policy, c, targets),
  }))
  if (resolved) findings.push(resolved)
  const notes: Record<string, string> = {
    Overridden: 'a more specific policy overrides part of it for some routes (expected for Gateway-level defaults an annotation changes)',
    Warning: 'the controller warns about the policy (see the message)',
    Aggregated: 'the controller truncated the ancestor list: not every ancestor is shown',
  }
  for (const [type, fix] of Object.entries(notes)) {
    const f = whenStatus(conds, type, 'True', gen, () => ({level: 'warning', scope, fix}))
    if (f) findings.push(f)
  }
  return findings
}

export function evaluatePolicy(policy: KubeObject, input: StatusInput): ObjectStatus {
  const targets = targetRefsOf(policy)
  const targetText = targets.map((t) => targetLabel(t, policy.metadata.namespace)).join(', ') || 'its targets'
  const ancestors = ((policy.status as {ancestors?: {ancestorRef?: Record<string, string>; conditions?: unknown}[]})?.ancestors ?? []).filter(Boolean)
  const findings: Finding[] = []
  if (ancestors.length === 0) findings.push(noStatusFinding(policy, targets, input))
  for (const a of ancestors) findings.push(...ancestorFindings(policy, a, targetText))
  const notAccepted = findings.filter((f) => f.loss).length
  const summary = ancestors.length === 0 ? `targets ${targetText}` : notAccepted > 0 ? `NOT accepted for ${notAccepted} of ${ancestors.length} ancestors` : `Accepted for ${ancestors.length} ancestor(s)`
  return {apiVersion: policy.apiVersion, kind: policy.kind, namespace: policy.metadata.namespace, name: policy.metadata.name, state: stateOf(findings), summary, findings}
}

/**
 * Backend -> Accepted. Envoy Gateway v1.9 writes a refused Backend as a condition of type "Invalid" with reason
 * "Accepted" (computeBackendAcceptedCondition passes reason and type in swapped positions), so both spellings count.
 */
export function evaluateBackend(backend: KubeObject, _input: StatusInput): ObjectStatus {
  const conds = conditionsOf((backend.status as {conditions?: unknown})?.conditions)
  const gen = backend.metadata.generation
  const refused = conds.find((c) => (c.type === 'Invalid' || (c.type === 'Accepted' && c.status === 'False')) && !isStale(c, gen))
  const findings: Finding[] = []
  if (refused) {
    findings.push({
      level: 'not-ready',
      condition: describe(refused),
      message: refused.message,
      fix: 'Envoy Gateway refused the Backend (the message says why): the routes that send to it answer HTTP 500',
    })
  } else {
    const f = requireTrue(conds, 'Accepted', gen, {
      absent: 'no status yet: when the Backend API is disabled (extensionApis.enableBackend), Envoy Gateway never writes one and the routes report UnsupportedValue',
      fix: () => 'Envoy Gateway refused the Backend: the routes that send to it answer HTTP 500',
    })
    if (f) findings.push(f)
  }
  return {apiVersion: backend.apiVersion, kind: 'Backend', namespace: backend.metadata.namespace, name: backend.metadata.name, state: stateOf(findings), summary: findings.length === 0 ? 'Accepted' : '', findings}
}

/** Keys of every object a policy targets, for the existence lookups the reader does. */
export function policyTargetKeys(policy: KubeObject): string[] {
  return targetRefsOf(policy).map((t) => refKey(t.kind, policy.metadata.namespace, t.name))
}
