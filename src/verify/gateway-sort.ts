/**
 * Route precedence as Envoy Gateway v1.9 orders xDS routes: internal/gatewayapi/sort.go XdsIRRoutes.Less, applied
 * with sort.Stable(sort.Reverse(...)) to each listener's routes (sortXdsIRMap), so ties keep translation order:
 * HTTPRoutes before GRPCRoutes (translator.go Translate), routes by creationTimestamp then namespace then name
 * (resource.go Sort), then parentRef, hostname, rule and match order (route.go processHTTPRouteParentRefListener).
 *
 * Where EG and the Gateway API spec (HTTPRouteRule doc) differ, this follows EG:
 * - path type first: Exact > RegularExpression > PathPrefix (the spec ranks only Exact over Prefix and leaves
 *   regular expressions implementation-specific);
 * - then the length of the path value, for every type including regular expressions (the raw value: a PathPrefix
 *   `/foo/` counts 5 though Envoy matches it as `/foo`; `/` counts 0 like no path at all);
 * - a method match is a `:method` header match (route.go processHTTPRouteRule), so it counts with the headers
 *   rather than ranking above them as the spec's "method match" criterion does;
 * - then header count, then the count of Exact headers, then cookie matches (EG HTTPRouteFilter), then query
 *   parameter count and Exact count. Hostname precedence is not here: it is the virtual host lookup.
 */
import type {RouteEntry, StringCondition} from './gateway-types.js'

/** sort.go Less: true when `a` ranks below `b`. */
export function ranksBelow(a: RouteEntry, b: RouteEntry): boolean {
  if (a.path !== undefined && b.path !== undefined) {
    const order = {Exact: 3, RegularExpression: 2, PathPrefix: 1}
    if (order[a.path.type] !== order[b.path.type]) return order[a.path.type] < order[b.path.type]
  }
  const counts: Array<[number, number]> = [
    [pathMatchCount(a), pathMatchCount(b)],
    [a.headers.length, b.headers.length],
    [exactCount(a.headers), exactCount(b.headers)],
    [a.cookies.length, b.cookies.length],
    [exactCount(a.cookies), exactCount(b.cookies)],
    [a.queryParams.length, b.queryParams.length],
    [exactCount(a.queryParams), exactCount(b.queryParams)],
  ]
  for (const [x, y] of counts) if (x !== y) return x < y
  return false
}

/** sort.go pathMatchCount: the length of the value; a PathPrefix `/` and no path count 0. */
function pathMatchCount(entry: RouteEntry): number {
  if (entry.path === undefined) return 0
  if (entry.path.type === 'PathPrefix' && entry.path.value === '/') return 0
  return entry.path.value.length
}

function exactCount(conditions: StringCondition[]): number {
  return conditions.filter((c) => c.type === 'Exact').length
}

/** Same precedence: neither ranks below the other, so translation order decides. */
export function samePrecedence(a: RouteEntry, b: RouteEntry): boolean {
  return !ranksBelow(a, b) && !ranksBelow(b, a)
}

/** Comparator for a stable sort (Array.prototype.sort is stable): highest precedence first, as sort.Stable(sort.Reverse(XdsIRRoutes)). */
export function comparePrecedence(a: RouteEntry, b: RouteEntry): number {
  return ranksBelow(b, a) ? -1 : ranksBelow(a, b) ? 1 : 0
}
