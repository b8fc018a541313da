/**
 * Route precedence as Envoy Gateway v1.9 orders xDS routes: internal/gatewayapi/sort.go XdsIRRoutes.Less, applied
 * with sort.Stable(sort.Reverse(...)) to each listener's routes (sortXdsIRMap), so ties keep translation order:
 * HTTPRoutes before GRPCRoutes (translator.go Translate), routes by creationTimestamp then namespace then name
 * (resource.go Sort), then parentRef, hostname, rule and match order (route.go processHTTPRouteParentRefListener).
 *
 * Where EG and the Gateway API spec (HTTPRouteRule doc) differ, this follows EG:
 * - path type first: Exact > RegularExpression > PathPrefix (the spec ranks only Exact over Prefix and leaves
 *   regular expressions implementation-specific);
 * - then the length of the path value in bytes (Go's len), for every type including regular expressions (the raw
 *   value: a PathPrefix `/foo/` counts 5 though Envoy matches it as `/foo`; `/` counts 0 like no path at all);
 * - a method match is a `:method` header match (route.go processHTTPRouteRule), so it counts with the headers
 *   rather than ranking above them as the spec's "method match" criterion does;
 * - then header count, then the count of Exact headers, then cookie matches (EG HTTPRouteFilter), then query
 *   parameter count and Exact count. Hostname precedence is not here: it is the virtual host lookup.
 */
import {utf8Length} from '../util/utf8.js'
import type {RouteEntry, StringCondition} from './gateway-types.js'

const PATH_ORDER = {Exact: 3, RegularExpression: 2, PathPrefix: 1}
/** After the path: the count of each, then of its Exact ones (sort.go Less). */
const COUNTED = ['headers', 'cookies', 'queryParams'] as const

/** sort.go Less: true when `a` ranks below `b`. */
export function ranksBelow(a: RouteEntry, b: RouteEntry): boolean {
  if (a.path !== undefined && b.path !== undefined) {
    if (PATH_ORDER[a.path.type] !== PATH_ORDER[b.path.type]) return PATH_ORDER[a.path.type] < PATH_ORDER[b.path.type]
  }
  // Each count only when the ones before tie, and nothing allocated: sorts and every probe's tie check call this.
  let x = pathMatchCount(a)
  let y = pathMatchCount(b)
  if (x !== y) return x < y
  for (const field of COUNTED) {
    if (a[field].length !== b[field].length) return a[field].length < b[field].length
    x = exactCount(a[field])
    y = exactCount(b[field])
    if (x !== y) return x < y
  }
  return false
}

/** sort.go pathMatchCount: the length of the value in bytes (Go's len); a PathPrefix `/` and no path count 0. */
function pathMatchCount(entry: RouteEntry): number {
  if (entry.path === undefined) return 0
  if (entry.path.type === 'PathPrefix' && entry.path.value === '/') return 0
  return utf8Length(entry.path.value)
}

function exactCount(conditions: StringCondition[]): number {
  let n = 0
  for (const c of conditions) if (c.type === 'Exact') n++
  return n
}

/** Same precedence: neither ranks below the other, so translation order decides. */
export function samePrecedence(a: RouteEntry, b: RouteEntry): boolean {
  return !ranksBelow(a, b) && !ranksBelow(b, a)
}

/** Comparator for a stable sort (Array.prototype.sort is stable): highest precedence first, as sort.Stable(sort.Reverse(XdsIRRoutes)). */
export function comparePrecedence(a: RouteEntry, b: RouteEntry): number {
  return ranksBelow(b, a) ? -1 : ranksBelow(a, b) ? 1 : 0
}

/** Field widths of precedenceKey: a path value under 2^16 UTF-8 bytes (pathMatchCount), under 2^5 conditions of each sort. */
const PATH_LENGTH_LIMIT = 2 ** 16
const COUNT_LIMIT = 2 ** 5

/**
 * One number per entry whose order is ranksBelow's wherever keyOrderHolds, for sorting many entries without the
 * comparator: the fields ranksBelow compares, in its order, packed (48 bits, exact in a double); an entry without a
 * path takes the type of a PathPrefix. Undefined when a field does not fit or the path type is unknown.
 */
export function precedenceKey(entry: RouteEntry): number | undefined {
  const length = pathMatchCount(entry)
  // A path type outside the three (an input the CRD would refuse) has no rank: the comparator decides.
  const type = entry.path?.type ?? 'PathPrefix'
  if (length >= PATH_LENGTH_LIMIT || !Object.hasOwn(PATH_ORDER, type)) return undefined
  let key = PATH_ORDER[type] * PATH_LENGTH_LIMIT + length
  for (const field of COUNTED) {
    const conditions = entry[field]
    if (conditions.length >= COUNT_LIMIT) return undefined
    key = (key * COUNT_LIMIT + conditions.length) * COUNT_LIMIT + exactCount(conditions)
  }
  return key
}

/**
 * Whether the order of precedenceKey is ranksBelow's among these entries: every key made, and no entry without a
 * path beside an Exact or RegularExpression path of length 0. ranksBelow skips the path type when one side has no
 * path, so an entry without a path compares with one of path length 0 by the conditions only: as with a PathPrefix
 * (the type its key takes), not with the other types. (Those three could even make ranksBelow cyclic, which no key
 * follows; the comparator sort then stays.) Otherwise ranksBelow is the keys' lexicographic order.
 */
export function keyOrderHolds(entries: Array<{entry: RouteEntry; key: number | undefined}>): boolean {
  let withoutPath = false
  let emptyNotPrefix = false
  for (const {entry, key} of entries) {
    if (key === undefined) return false
    if (entry.path === undefined) withoutPath = true
    else if (entry.path.type !== 'PathPrefix' && entry.path.value.length === 0) emptyNotPrefix = true
  }
  return !(withoutPath && emptyNotPrefix)
}
