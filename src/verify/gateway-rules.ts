/**
 * HTTPRoute and GRPCRoute rules translated into route entries the way Envoy Gateway v1.9 builds its IR
 * (internal/gatewayapi/route.go processHTTPRouteRules / processHTTPRouteRule, processGRPCRouteRules /
 * processGRPCRouteRule, buildRouteMatchCombinations): one entry per match (per match x HTTPRouteFilter cookie
 * match), a rule without matches matching everything, and the action EG settles on: a 500 for a filter error,
 * the filter's direct response, the redirect, else the backends (500 when none is valid or all weigh 0; an invalid
 * backend's weight is answered 500 by Envoy's invalid-backend-cluster).
 */
import type {KubeObject} from '../model/types.js'
import type {BackendShare} from './outcome.js'
import {processFilters, type FilterResult} from './gateway-filters.js'
import {
  backendRefs,
  type BackendRefSpec,
  EG_GROUP,
  GATEWAY_API_GROUP,
  hasTimestamp,
  httpRouteRules,
  type Inventory,
  key,
  namespaceOf,
  referencePermitted,
} from './gateway-inventory.js'
import type {PathCondition, RouteAction, RouteEntry, RouteRef, StringCondition} from './gateway-types.js'
import {re2SyntaxError} from './re2.js'
import {hasChanges} from './gateway-actions.js'

/** route.go validServiceName / validMethodName: what a GRPCRoute regex method match fills in for the missing half. */
const VALID_SERVICE_NAME = '(?i)\\.?[a-z_][a-z_0-9]*(\\.[a-z_][a-z_0-9]*)*'
const VALID_METHOD_NAME = '[A-Za-z_][A-Za-z_0-9]*'
const BACKEND_GROUPS = new Set(['', 'multicluster.x-k8s.io', EG_GROUP])

/** A rule's entry before it is placed on a listener and hostname (the redirect port is still unresolved). */
export type RuleEntry = Omit<RouteEntry, 'action'> & {action: PendingAction}
export type PendingAction = Exclude<RouteAction, {type: 'redirect'}> | (Omit<Extract<RouteAction, {type: 'redirect'}>, 'port'> & {port?: number})

interface Conditions {
  path?: PathCondition
  headers: StringCondition[]
  queryParams: StringCondition[]
  cookies: StringCondition[]
  method?: string
  /** The rule match it comes from (EG numbers the match x cookie combinations; provenance names the rule's match); -1: none. */
  matchIndex: number
}

/** The entries of every rule of an HTTPRoute or GRPCRoute; `notes` receives what EG would report on the route. */
export function routeEntries(route: KubeObject, kind: 'HTTPRoute' | 'GRPCRoute', inventory: Inventory, notes: string[], assumptions: Set<string>): RuleEntry[] {
  const ref: RouteRef = {kind, namespace: namespaceOf(route), name: route.metadata.name}
  const label = `${kind} ${ref.namespace}/${ref.name}`
  const rules: any[] = kind === 'HTTPRoute' ? httpRouteRules(route) : route.spec?.rules ?? []
  const entries: RuleEntry[] = []
  rules.forEach((rule, ruleIndex) => {
    const filters = processFilters(rule.filters ?? [], kind, ref.namespace, inventory)
    const conditions = ruleConditions(rule, kind, filters)
    if (typeof conditions === 'string') {
      notes.push(`${label} rule ${ruleIndex} is not served: ${conditions}`)
      return
    }
    const mirrors = filters.mirrors.map((m) => backendCheck({...backendRefs({backendRefs: [m]}, ref.namespace)[0]}, ref, inventory, assumptions))
    for (const mirror of mirrors) if (!mirror.valid) filters.errors.push(`RequestMirror: ${mirror.problem}`)
    const action = ruleAction(rule, ref, filters, inventory, assumptions)
    if (filters.errors.length > 0) notes.push(`${label} rule ${ruleIndex} answers 500: ${filters.errors.join('; ')}`)
    // Read only from here on (the model's entries are), so one list serves every match of the rule, and the lists
    // of most rules are the one frozen empty list: the model holds tens of thousands of entries at 10,000 Ingresses.
    const mirrorKeys = mirrors.length === 0 ? (NO_MIRRORS as string[]) : mirrors.map((m) => m.key)
    // No changes: none kept (gateway-actions.ts actionOutcome reads an empty HeaderChanges as none: hasChanges).
    const requestHeaders = hasChanges(filters.requestHeaders) ? filters.requestHeaders : undefined
    const responseHeaders = hasChanges(filters.responseHeaders) ? filters.responseHeaders : undefined
    for (const c of conditions) {
      const base: RuleEntry = {
        route: ref,
        ruleIndex,
        matchIndex: c.matchIndex,
        ruleName: rule.name,
        path: c.path,
        headers: c.method === undefined ? c.headers : [...c.headers, {name: ':method', type: 'Exact', value: c.method}],
        queryParams: c.queryParams,
        cookies: c.cookies,
        action,
        requestHeaders,
        responseHeaders,
        mirrors: mirrorKeys,
        timestamped: hasTimestamp(route),
        notes: filters.notes,
      }
      entries.push(base)
      const preflight = corsPreflight(base, c, filters)
      if (preflight !== undefined) entries.push(preflight)
    }
  })
  return entries
}

const NO_MIRRORS: readonly string[] = Object.freeze([])

/**
 * The match combinations of a rule, or the reason EG rejects the rule (an invalid regular expression: route.go
 * validates every one with Go's regexp and drops the rule).
 */
function ruleConditions(rule: any, kind: 'HTTPRoute' | 'GRPCRoute', filters: FilterResult): Conditions[] | string {
  const matches: any[] = rule.matches ?? []
  const cookieSets = filters.cookieMatches
  if (matches.length === 0 && cookieSets === undefined) return [{headers: [], queryParams: [], cookies: [], matchIndex: -1}]
  const combinations: Array<{match: any; cookies: any[]; matchIndex: number}> = []
  ;(matches.length === 0 ? [{}] : matches).forEach((match, matchIndex) => {
    for (const cookies of cookieSets ?? [[]]) combinations.push({match, cookies, matchIndex: matches.length === 0 ? -1 : matchIndex})
  })
  const out: Conditions[] = []
  for (const {match, cookies, matchIndex} of combinations) {
    const conditions: Conditions = kind === 'HTTPRoute' ? httpConditions(match, matchIndex) : grpcConditions(match, matchIndex)
    if (cookies.length > 0) conditions.cookies = cookies.map((c: any) => ({name: c.name, type: c.type ?? 'Exact', value: c.value}))
    const invalid = regexProblem(conditions)
    if (invalid !== undefined) return invalid
    out.push(conditions)
  }
  return out
}

/** The first syntax error of the combination's regular expressions (path, then headers, query, cookies), if any. */
function regexProblem(conditions: Conditions): string | undefined {
  if (conditions.path?.type === 'RegularExpression') {
    const problem = re2SyntaxError(conditions.path.value)
    if (problem !== undefined) return problem
  }
  for (const list of [conditions.headers, conditions.queryParams, conditions.cookies]) {
    for (const c of list) {
      if (c.type !== 'RegularExpression') continue
      const problem = re2SyntaxError(c.value)
      if (problem !== undefined) return problem
    }
  }
  return undefined
}

/**
 * An HTTPRoute match's conditions. A list without conditions is the one frozen empty list (the model's entries keep
 * them, read only; most matches have none): grpcConditions, which adds to its headers, makes its own.
 */
function httpConditions(match: any, matchIndex: number): Conditions {
  return {
    path: match.path === undefined ? undefined : {type: match.path.type, value: match.path.value},
    headers: stringConditions(match.headers),
    queryParams: stringConditions(match.queryParams),
    cookies: NO_CONDITIONS as StringCondition[],
    method: match.method,
    matchIndex,
  }
}

const NO_CONDITIONS: readonly StringCondition[] = Object.freeze([])

function stringConditions(specs: any[] | null | undefined): StringCondition[] {
  const list = specs ?? []
  if (list.length === 0) return NO_CONDITIONS as StringCondition[]
  return list.map((c: any) => ({name: c.name, type: c.type ?? 'Exact', value: c.value}))
}

/** processGRPCRouteMethodExact / processGRPCRouteMethodRegularExpression: the method match becomes a path match. */
function grpcConditions(match: any, matchIndex: number): Conditions {
  const conditions: Conditions = {
    headers: (match.headers ?? []).map((h: any) => ({name: h.name, type: h.type ?? 'Exact', value: h.value})),
    queryParams: [],
    cookies: [],
    matchIndex,
  }
  const method = match.method
  if (method === undefined) return conditions
  const {service, method: name} = method
  if ((method.type ?? 'Exact') === 'Exact') {
    if (service !== undefined && name !== undefined) conditions.path = {type: 'Exact', value: `/${service}/${name}`}
    else if (name !== undefined) conditions.headers.push({name: ':path', type: 'Suffix', value: `/${name}`})
    else if (service !== undefined) conditions.path = {type: 'PathPrefix', value: `/${service}`}
  } else if (service !== undefined || name !== undefined) {
    conditions.path = {type: 'RegularExpression', value: `/${service ?? VALID_SERVICE_NAME}/${name ?? VALID_METHOD_NAME}`}
  }
  return conditions
}

/**
 * EG adds a CORS preflight route beside a match that names a method other than OPTIONS in a rule with a CORS
 * filter (no cookie matches): same path and query, the method swapped for OPTIONS plus `origin` and
 * `access-control-request-method` present. It forwards like the rule; Envoy's CORS filter answers allowed origins.
 */
function corsPreflight(base: RuleEntry, conditions: Conditions, filters: FilterResult): RuleEntry | undefined {
  if (!filters.cors || conditions.method === undefined || conditions.method === 'OPTIONS' || base.cookies.length > 0) return undefined
  return {
    ...base,
    corsPreflight: true,
    headers: [
      ...conditions.headers,
      {name: ':method', type: 'Exact', value: 'OPTIONS'},
      {name: 'origin', type: 'RegularExpression', value: '.*'},
      {name: 'access-control-request-method', type: 'RegularExpression', value: '.*'},
    ],
  }
}

/** The action of every entry of the rule, in EG's order of precedence. */
function ruleAction(rule: any, ref: RouteRef, filters: FilterResult, inventory: Inventory, assumptions: Set<string>): PendingAction {
  if (filters.errors.length > 0) return {type: 'direct', status: 500, reason: `rule rejected by Envoy Gateway: ${filters.errors.join('; ')}`}
  if (filters.direct !== undefined) return {type: 'direct', ...filters.direct}
  if (filters.redirect !== undefined) return {type: 'redirect', ...filters.redirect}
  const refs = backendRefs(rule, ref.namespace)
  const checked = refs.filter((b) => b.weight !== 0).map((b) => {
    const {valid, problem} = backendCheck(b, ref, inventory, assumptions)
    return {ref: b, valid, problem}
  })
  const validWeight = checked.filter((c) => c.valid).reduce((sum, c) => sum + c.ref.weight, 0)
  if (validWeight === 0) {
    const why = refs.length === 0
      ? 'the rule has no backendRefs'
      : checked.length === 0 ? 'every backendRef has weight 0' : `no valid backendRef (${checked.map((c) => c.problem).join('; ')})`
    return {type: 'direct', status: 500, reason: why}
  }
  const total = checked.reduce((sum, c) => sum + c.ref.weight, 0)
  const backends: BackendShare[] = checked.map((c) => ({
    kind: c.valid ? (c.ref.kind as BackendShare['kind']) : 'invalid',
    namespace: c.ref.namespace,
    name: c.ref.name,
    port: c.ref.kind === 'Backend' ? undefined : c.ref.port,
    weight: c.ref.weight,
    share: c.ref.weight / total,
  }))
  if (refs.some((b) => b.filters.length > 0)) filters.notes.push('backendRef filters are not modelled')
  let host = filters.rewrite.host
  if (host?.type === 'Backend') host = {type: 'Backend', hostname: backendHostname(backends, inventory)}
  return {type: 'forward', backends, path: filters.rewrite.path, host, appendXForwardedHost: filters.rewrite.appendXForwardedHost !== false}
}

/** The one DNS name auto_host_rewrite would use: every valid backend is an EG Backend whose endpoints share one FQDN. */
function backendHostname(backends: BackendShare[], inventory: Inventory): string | undefined {
  const names = new Set<string>()
  for (const b of backends.filter((b) => b.kind !== 'invalid')) {
    const endpoints: any[] = b.kind === 'Backend' ? inventory.backends.get(key(b.namespace, b.name))?.spec?.endpoints ?? [] : []
    if (endpoints.length === 0 || endpoints.some((e) => e.fqdn === undefined)) return undefined
    for (const e of endpoints) names.add(e.fqdn.hostname)
  }
  return names.size === 1 ? [...names][0] : undefined
}

/** validate.go validateBackendRef: group, kind, ReferenceGrant, port, and the Service / Backend itself. */
function backendCheck(b: BackendRefSpec, route: RouteRef, inventory: Inventory, assumptions: Set<string>): {valid: boolean; problem?: string; key: string} {
  const label = `${b.kind} ${key(b.namespace, b.name)}${b.port === undefined ? '' : `:${b.port}`}`
  const invalid = (problem: string) => ({valid: false, problem: `${label}: ${problem}`, key: label})
  if (!BACKEND_GROUPS.has(b.group)) return invalid(`group ${b.group} is not supported`)
  if (!['Service', 'ServiceImport', 'Backend'].includes(b.kind)) return invalid(`kind ${b.kind} is not supported`)
  if (b.namespace !== route.namespace && !referencePermitted(inventory, {group: GATEWAY_API_GROUP, kind: route.kind, namespace: route.namespace}, {group: b.group, kind: b.kind, namespace: b.namespace, name: b.name})) {
    return invalid('cross-namespace reference not permitted by any ReferenceGrant')
  }
  if (b.kind !== 'Backend' && b.port === undefined) return invalid('no port')
  if (b.kind === 'Backend') {
    const backend = inventory.backends.get(key(b.namespace, b.name))
    if (backend === undefined) return invalid('Backend not found')
    if ((backend.spec?.endpoints ?? []).some((e: any) => e.unix !== undefined)) return invalid('unix domain socket endpoints are not supported in routes')
    return {valid: true, key: label}
  }
  if (b.kind === 'ServiceImport') {
    assumptions.add(`ServiceImport ${key(b.namespace, b.name)} assumed to exist with port ${b.port}`)
    return {valid: true, key: label}
  }
  const service = inventory.services.get(key(b.namespace, b.name))
  if (service === undefined) {
    if (inventory.complete) return invalid('Service not found')
    assumptions.add(`Service ${key(b.namespace, b.name)} is not in the input; assumed to exist with port ${b.port} and ready endpoints`)
    return {valid: true, key: label}
  }
  if (service.spec?.type === 'ExternalName') return invalid('ExternalName Services are rejected by Envoy Gateway v1.9 (use a Backend)')
  const portFound = (service.spec?.ports ?? []).some((p: any) => p.port === b.port && (p.protocol ?? 'TCP') === 'TCP')
  return portFound ? {valid: true, key: label} : invalid(`TCP port ${b.port} not found on the Service`)
}

/** TLSRoute backends (route.go processTLSRouteParentRefs): every rule's valid backendRefs of weight > 0, pooled. */
export function tlsBackends(route: KubeObject, inventory: Inventory, assumptions: Set<string>): BackendShare[] {
  const ref: RouteRef = {kind: 'TLSRoute', namespace: namespaceOf(route), name: route.metadata.name}
  const valid = (route.spec?.rules ?? [])
    .flatMap((rule: any) => backendRefs(rule, ref.namespace))
    .filter((b: BackendRefSpec) => b.weight > 0 && backendCheck(b, ref, inventory, assumptions).valid)
  const total = valid.reduce((sum: number, b: BackendRefSpec) => sum + b.weight, 0)
  return valid.map((b: BackendRefSpec) => ({
    kind: b.kind as BackendShare['kind'], namespace: b.namespace, name: b.name, port: b.kind === 'Backend' ? undefined : b.port, weight: b.weight, share: b.weight / total,
  }))
}
