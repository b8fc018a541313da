/**
 * HTTPRoute / GRPCRoute / TLSRoute / TCPRoute / UDPRoute -> per parentRef: Accepted, ResolvedRefs,
 * PartiallyInvalid, and Envoy Gateway's BackendsAvailable and RouteRulesOverlap.
 *
 * Envoy Gateway writes a status.parents entry only for parentRefs to Gateways it controls
 * (processAllowedListenersForParentRefs skips the others), so a parentRef without an entry is not served by it.
 * A route with some invalid rules stays Accepted with PartiallyInvalid=True ("Dropped Rule(s) ..."); a backendRef
 * to a Service without endpoints reports BackendsAvailable=False/EndpointsNotFound and keeps ResolvedRefs True
 * (internal/gatewayapi/route.go processHTTPRouteParentRefs and processHTTPRouteRules).
 */
import type {KubeObject} from '../model/types.js'
import {conditionsOf, requireAllTrue, whenStatus, type Condition} from './conditions.js'
import {refKey, stateOf, type Finding, type ObjectStatus, type StatusInput} from './model.js'
import {routeConditionFix, type ParentRef} from './route-reasons.js'

export const ROUTE_KINDS = new Set(['HTTPRoute', 'GRPCRoute', 'TLSRoute', 'TCPRoute', 'UDPRoute'])
const GW_GROUP = 'gateway.networking.k8s.io'

function normalized(ref: ParentRef, routeNs: string | undefined): string {
  return JSON.stringify([ref.group ?? GW_GROUP, ref.kind ?? 'Gateway', ref.namespace ?? routeNs ?? '', ref.name, ref.sectionName ?? '', ref.port ?? ''])
}

export function parentRefsOf(route: KubeObject): ParentRef[] {
  return ((route.spec as {parentRefs?: ParentRef[]})?.parentRefs ?? []).filter((r) => r && typeof r.name === 'string')
}

export function parentLabel(ref: ParentRef, routeNs: string | undefined): string {
  const kind = ref.kind && ref.kind !== 'Gateway' ? `${ref.kind} ` : ''
  const where = [ref.sectionName, ref.port !== undefined ? `port ${ref.port}` : undefined].filter(Boolean).join(', ')
  return `parent ${kind}${ref.namespace ?? routeNs}/${ref.name}${where ? ` (${where})` : ''}`
}

function missingParentFinding(route: KubeObject, ref: ParentRef, input: StatusInput, scope: string): Finding {
  const ns = ref.namespace ?? route.metadata.namespace
  const key = refKey(ref.kind ?? 'Gateway', ns, ref.name)
  if (input.missing.has(key)) {
    return {level: 'not-ready', scope, fix: `${ref.kind ?? 'Gateway'} ${ns}/${ref.name} does not exist: nothing serves this route; apply the Gateway bundle (kubectl ingress2gw apply -A) or fix --gateway and convert again`}
  }
  const why = input.unreadable.get(key)
  if (why) return {level: 'unknown', scope, fix: `the Gateway could not be read (${why}); no controller has written status for this parent`}
  return {level: 'unknown', scope, fix: 'no controller has written status for this parent yet (is the Gateway\'s class handled by Envoy Gateway?)'}
}

function parentFindings(route: KubeObject, ref: ParentRef, entry: {conditions?: unknown}, gateway: KubeObject | undefined, scope: string): Finding[] {
  const conds = conditionsOf(entry.conditions)
  const gen = route.metadata.generation
  const ctx = {route, ref, gateway}
  const absent = 'the controller has not written this condition for the parent yet'
  const fix = (c: Condition) => routeConditionFix(c, ctx)
  const findings = requireAllTrue(conds, ['Accepted', 'ResolvedRefs'], gen, {scope, absent, fix})
  const partial = whenStatus(conds, 'PartiallyInvalid', 'True', gen, (c) => ({level: 'not-ready', scope, fix: `some rules were dropped and are not served: ${fix(c)}`}))
  if (partial) findings.push(partial)
  const backends = whenStatus(conds, 'BackendsAvailable', 'False', gen, (c) => ({level: 'warning', scope, fix: fix(c)}))
  if (backends) findings.push(backends)
  // Envoy Gateway v1.9 route.go checkRouteOverlaps: another route on the same listener matches exactly the same
  // requests (hostname, path, headers, query, cookies). Only one of them serves those requests: by the HTTPRoute
  // spec's tie-break (rules[].matches), the oldest route by creationTimestamp, then by namespace/name.
  const overlap = whenStatus(conds, 'RouteRulesOverlap', 'True', gen, () => ({
    level: 'warning',
    scope,
    fix: 'another route (the message names it) matches exactly the same requests on this listener, and only one of them serves them: the oldest by creationTimestamp, then by namespace/name. Check that it is the one that served them on ingress-nginx, or make the matches differ',
  }))
  if (overlap) findings.push(overlap)
  return findings
}

export function evaluateRoute(route: KubeObject, input: StatusInput, gateways: Map<string, KubeObject>): ObjectStatus {
  const routeNs = route.metadata.namespace
  const entries = ((route.status as {parents?: {parentRef?: ParentRef; conditions?: unknown}[]})?.parents ?? []).filter((p) => p?.parentRef)
  const findings: Finding[] = []
  const accepted: string[] = []
  const refs = parentRefsOf(route)
  if (refs.length === 0) findings.push({level: 'not-ready', fix: 'the route has no parentRefs: it attaches to no Gateway'})
  for (const ref of refs) {
    const scope = parentLabel(ref, routeNs)
    const entry = entries.find((e) => normalized(e.parentRef!, routeNs) === normalized(ref, routeNs))
    if (!entry) {
      findings.push(missingParentFinding(route, ref, input, scope))
      continue
    }
    const gateway = gateways.get(refKey('Gateway', ref.namespace ?? routeNs, ref.name))
    const fs = parentFindings(route, ref, entry, gateway, scope)
    findings.push(...fs)
    if (!fs.some((f) => f.level !== 'warning')) accepted.push(scope.replace(/^parent /, ''))
  }
  const summary = accepted.length === refs.length && refs.length > 0 ? `Accepted by ${accepted.join(', ')}` : `${accepted.length}/${refs.length} parents accepted`
  return {apiVersion: route.apiVersion, kind: route.kind, namespace: routeNs, name: route.metadata.name, state: stateOf(findings), summary, findings}
}
