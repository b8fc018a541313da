/**
 * Route rule filters as Envoy Gateway v1.9 processes them (internal/gatewayapi/filters.go ProcessHTTPFilters /
 * ProcessGRPCFilters, processURLRewriteFilter, processRedirectFilter, processRequestHeaderModifierFilter,
 * processExtensionRefHTTPFilter): what each contributes to the rule, and which mistakes turn the whole rule into
 * a 500 direct response (EG sets one for an invalid, unsupported or unresolved filter).
 */
import type {HeaderChanges} from './outcome.js'
import {EG_GROUP, type Inventory, key} from './gateway-inventory.js'
import type {HostModifier, PathModifier} from './gateway-types.js'
import {re2SyntaxError} from './re2.js'

export interface RewriteState {
  path?: PathModifier
  pathCore?: boolean
  host?: HostModifier
  hostCore?: boolean
  /** HTTPRouteFilter urlRewrite.appendXForwardedHost (EG default: append on any host rewrite). */
  appendXForwardedHost?: boolean
}

export interface FilterResult {
  direct?: {status: number; body?: string; reason: string}
  redirect?: {scheme?: string; hostname?: string; path?: PathModifier; port?: number; statusCode: number}
  rewrite: RewriteState
  requestHeaders: HeaderChanges
  responseHeaders: HeaderChanges
  /** Backends of RequestMirror filters: they get copies only. */
  mirrors: any[]
  cors: boolean
  /** Cookie condition sets of an HTTPRouteFilter's `matches`, ANDed with every rule match (cross product). */
  cookieMatches?: any[][]
  /** Errors that make EG answer the whole rule with 500 (any filter error but a mirror without endpoints). */
  errors: string[]
  notes: string[]
}

const HTTP_FILTER_TYPES = new Set(['RequestMirror', 'URLRewrite', 'RequestRedirect', 'RequestHeaderModifier', 'ResponseHeaderModifier', 'CORS', 'ExtensionRef'])
const GRPC_FILTER_TYPES = new Set(['RequestHeaderModifier', 'ResponseHeaderModifier', 'RequestMirror', 'ExtensionRef'])
const REDIRECT_CODES = new Set([301, 302, 303, 307, 308])
/** filters.go HeaderValueRegexp (RFC 7230 field value). */
const HEADER_VALUE = /^[!-~]+([\t ]?[!-~]+)*$/

/** ProcessHTTPFilters / ProcessGRPCFilters for one rule of a route in `namespace`. */
export function processFilters(filters: any[], routeKind: 'HTTPRoute' | 'GRPCRoute', namespace: string, inventory: Inventory): FilterResult {
  const result: FilterResult = {
    rewrite: {}, requestHeaders: emptyChanges(), responseHeaders: emptyChanges(), mirrors: [], cors: false, errors: [], notes: [],
  }
  const allowed = routeKind === 'HTTPRoute' ? HTTP_FILTER_TYPES : GRPC_FILTER_TYPES
  for (const filter of filters) {
    // An earlier filter set a direct response (possibly the 500 of an invalid filter): the rest is skipped.
    if (result.direct !== undefined) break
    if (!allowed.has(filter.type)) {
      fail(result, `filter type ${filter.type} is not supported on ${routeKind}`)
      continue
    }
    applyFilter(filter, namespace, inventory, result)
  }
  if ((result.direct !== undefined || result.redirect !== undefined) && result.mirrors.length > 0) {
    result.direct = undefined
    result.redirect = undefined
    result.mirrors = []
    result.errors.push('RequestMirror cannot be combined with a direct response or a RequestRedirect')
  }
  if (routeKind === 'GRPCRoute' && result.direct !== undefined && result.direct.status >= 200 && result.direct.status < 300) {
    result.direct = undefined
    result.errors.push('a 2xx direct response is not supported on GRPCRoute')
  }
  return result
}

function applyFilter(filter: any, namespace: string, inventory: Inventory, result: FilterResult): void {
  switch (filter.type) {
    case 'URLRewrite':
      return coreRewrite(filter.urlRewrite, result)
    case 'RequestRedirect':
      return redirect(filter.requestRedirect, result)
    case 'RequestHeaderModifier':
      return headerModifier(filter.requestHeaderModifier, result.requestHeaders, 'RequestHeaderModifier', result)
    case 'ResponseHeaderModifier':
      return headerModifier(filter.responseHeaderModifier, result.responseHeaders, 'ResponseHeaderModifier', result)
    case 'RequestMirror':
      if (filter.requestMirror?.backendRef !== undefined) result.mirrors.push(filter.requestMirror.backendRef)
      return
    case 'CORS':
      result.cors = true
      return
    case 'ExtensionRef':
      return extensionRef(filter.extensionRef, namespace, inventory, result)
  }
}

function emptyChanges(): HeaderChanges {
  return {set: [], add: [], remove: []}
}

/** processInvalidHTTPFilter / processUnresolvedHTTPFilter: the rule answers 500. */
function fail(result: FilterResult, message: string): void {
  result.errors.push(message)
  result.direct = {status: 500, reason: message}
}

/** processURLRewriteFilter: at most one core rewrite per rule, never on a part an EG HTTPRouteFilter rewrites. */
function coreRewrite(rewrite: any, result: FilterResult): void {
  if (rewrite === undefined) return
  const state = result.rewrite
  const contextHasCore = (state.path !== undefined && state.pathCore === true) || (state.host !== undefined && state.hostCore === true)
  const rewriteHasCore = rewrite.hostname !== undefined || rewrite.path !== undefined
  const conflictsWithExtension = (rewrite.hostname !== undefined && state.host !== undefined && state.hostCore === false) ||
    (rewrite.path !== undefined && state.path !== undefined && state.pathCore === false)
  if ((contextHasCore && rewriteHasCore) || conflictsWithExtension) {
    result.errors.push('cannot configure multiple urlRewrite filters for a single rule')
    return
  }
  if (rewrite.hostname !== undefined && state.host === undefined) {
    state.host = {type: 'Literal', value: rewrite.hostname}
    state.hostCore = true
  }
  if (rewrite.path === undefined) return
  const path = pathModifier(rewrite.path, 'rewrite')
  if (typeof path === 'string') {
    result.errors.push(path)
  } else if (state.path === undefined) {
    state.path = path
    state.pathCore = true
  }
}

function pathModifier(spec: any, what: string): PathModifier | string {
  if (spec.type === 'ReplaceFullPath') {
    return spec.replaceFullPath === undefined ? `ReplaceFullPath must be set when ${what} path type is "ReplaceFullPath"` : {type: 'ReplaceFullPath', value: spec.replaceFullPath}
  }
  if (spec.type === 'ReplacePrefixMatch') {
    return spec.replacePrefixMatch === undefined ? `ReplacePrefixMatch must be set when ${what} path type is "ReplacePrefixMatch"` : {type: 'ReplacePrefixMatch', value: spec.replacePrefixMatch}
  }
  return `${what} path type ${spec.type} is invalid`
}

/** processRedirectFilter: one per rule; scheme http/https; status 301/302/303/307/308 (CRD default 302). */
function redirect(spec: any, result: FilterResult): void {
  if (result.redirect !== undefined) {
    result.errors.push('cannot configure multiple requestRedirect filters for a single rule')
    return
  }
  if (spec === undefined) return
  if (spec.scheme !== undefined && spec.scheme !== 'http' && spec.scheme !== 'https') {
    result.errors.push(`redirect scheme ${spec.scheme} is unsupported`)
    return
  }
  const statusCode = spec.statusCode ?? 302
  if (!REDIRECT_CODES.has(statusCode)) {
    result.errors.push(`redirect status code ${statusCode} is invalid`)
    return
  }
  let path: PathModifier | undefined
  if (spec.path !== undefined) {
    const parsed = pathModifier(spec.path, 'redirect')
    if (typeof parsed === 'string') {
      // processRedirectFilter only rejects an unknown type; a missing value leaves the path as it is.
      if (spec.path.type !== 'ReplaceFullPath' && spec.path.type !== 'ReplacePrefixMatch') {
        result.errors.push(parsed)
        return
      }
    } else {
      path = parsed
    }
  }
  result.redirect = {scheme: spec.scheme, hostname: spec.hostname, path, port: spec.port, statusCode}
}

/**
 * processRequestHeaderModifierFilter / processResponseHeaderModifierFilter: names must not be empty, Host, or
 * contain `/` or `:`; values must be RFC 7230 field values; a repeated name is dropped (first wins).
 */
function headerModifier(spec: any, changes: HeaderChanges, what: string, result: FilterResult): void {
  if (spec === undefined) return
  const errors: string[] = []
  const configured = (spec.add ?? []).length + (spec.set ?? []).length + (spec.remove ?? []).length > 0
  const before = changes.add.length + changes.set.length + changes.remove.length
  const modifiable = (name: string): boolean => name !== '' && !name.includes('/') && !name.includes(':') && name.toLowerCase() !== 'host'
  const taken = (name: string): boolean => [...changes.add, ...changes.set].some((h) => h.name.toLowerCase() === name.toLowerCase())
  for (const [list, target] of [[spec.add ?? [], changes.add], [spec.set ?? [], changes.set]] as const) {
    for (const header of list) {
      if (!modifiable(header.name)) errors.push(`${what} cannot modify header ${JSON.stringify(header.name)}`)
      else if (!HEADER_VALUE.test(header.value ?? '')) errors.push(`${what} header ${header.name} has an invalid value`)
      else if (!taken(header.name)) target.push({name: header.name, value: header.value})
    }
  }
  for (const name of spec.remove ?? []) {
    if (!modifiable(name)) errors.push(`${what} cannot remove header ${JSON.stringify(name)}`)
    else if (!changes.remove.some((r) => r.toLowerCase() === name.toLowerCase())) changes.remove.push(name)
  }
  if (configured && changes.add.length + changes.set.length + changes.remove.length === before && errors.length === 0) {
    errors.push(`${what} did not provide valid configuration to add/set/remove any headers`)
  }
  result.errors.push(...errors)
}

/** processExtensionRefHTTPFilter for EG's HTTPRouteFilter (same namespace as the route). */
function extensionRef(ref: any, namespace: string, inventory: Inventory, result: FilterResult): void {
  if (ref === undefined || ref.group !== EG_GROUP || ref.kind !== 'HTTPRouteFilter') {
    fail(result, `unknown extensionRef kind ${ref?.group}/${ref?.kind}`)
    return
  }
  const filter = inventory.httpRouteFilters.get(key(namespace, ref.name))
  if (filter === undefined) {
    fail(result, `HTTPRouteFilter ${namespace}/${ref.name} not found`)
    return
  }
  const spec = filter.spec ?? {}
  const name = `HTTPRouteFilter ${namespace}/${ref.name}`
  if ((spec.matches ?? []).length > 0) {
    if (result.cookieMatches !== undefined) {
      result.errors.push('only one HTTPRouteFilter with matches is supported per rule')
      return
    }
    result.cookieMatches = spec.matches.map((m: any) => m.cookies ?? [])
  }
  if (spec.urlRewrite !== undefined && !extensionRewrite(spec.urlRewrite, name, result)) return
  if (spec.directResponse !== undefined) {
    const body = spec.directResponse.body
    result.direct = {
      status: spec.directResponse.statusCode ?? 200,
      body: body?.type === 'ValueRef' ? undefined : body?.inline,
      reason: `direct response of ${name}`,
    }
    if (body?.type === 'ValueRef') result.notes.push(`the body of ${name} comes from ConfigMap ${body.valueRef?.name} (not read)`)
    // filters.go: Content-Type is set (Append false); header.add appends, header.set replaces.
    if (spec.directResponse.contentType !== undefined) result.responseHeaders.set.push({name: 'Content-Type', value: spec.directResponse.contentType})
    result.responseHeaders.add.push(...(spec.directResponse.header?.add ?? []))
    result.responseHeaders.set.push(...(spec.directResponse.header?.set ?? []))
  }
  if (spec.credentialInjection !== undefined) result.notes.push(`${name} injects a credential header (not modelled)`)
}

/** The urlRewrite part of an HTTPRouteFilter; false when EG rejects it (the rule answers 500). */
function extensionRewrite(rewrite: any, name: string, result: FilterResult): boolean {
  const state = result.rewrite
  const contextHasExtension = (state.path !== undefined && state.pathCore === false) || (state.host !== undefined && state.hostCore === false)
  const conflictsWithCore = (rewrite.hostname !== undefined && state.host !== undefined && state.hostCore === true) ||
    (rewrite.path !== undefined && state.path !== undefined && state.pathCore === true)
  if ((contextHasExtension && (rewrite.hostname !== undefined || rewrite.path !== undefined)) || conflictsWithCore) {
    result.errors.push('cannot configure multiple urlRewrite filters for a single rule')
    return false
  }
  if (rewrite.path?.type === 'ReplaceRegexMatch') {
    const pattern = rewrite.path.replaceRegexMatch?.pattern ?? ''
    const problem = pattern === '' ? 'ReplaceRegexMatch pattern must be set' : re2SyntaxError(pattern)
    if (problem !== undefined) {
      result.errors.push(`${name}: ${problem}`)
      return false
    }
    if (state.path === undefined) {
      state.path = {type: 'ReplaceRegexMatch', pattern, substitution: rewrite.path.replaceRegexMatch.substitution ?? ''}
      state.pathCore = false
    }
  }
  if (rewrite.hostname !== undefined) {
    const host = hostModifier(rewrite.hostname, name)
    if (typeof host === 'string') {
      result.errors.push(host)
      return false
    }
    if (state.host === undefined) {
      state.host = host
      state.hostCore = false
    }
  }
  if (rewrite.appendXForwardedHost !== undefined) state.appendXForwardedHost = rewrite.appendXForwardedHost
  return true
}

function hostModifier(spec: any, name: string): HostModifier | string {
  switch (spec.type) {
    case 'Header':
      return spec.header === undefined ? `${name}: Header must be set for hostname type Header` : {type: 'Header', header: spec.header}
    case 'Backend':
      return {type: 'Backend'}
    case 'PathRegex': {
      const pattern = spec.pathRegex?.pattern ?? ''
      const substitution = spec.pathRegex?.substitution ?? ''
      if (pattern === '' || substitution === '') return `${name}: PathRegex pattern and substitution must be set`
      const problem = re2SyntaxError(pattern)
      return problem === undefined ? {type: 'PathRegex', pattern, substitution} : `${name}: ${problem}`
    }
    default:
      return `${name}: hostname type ${spec.type} is invalid`
  }
}
