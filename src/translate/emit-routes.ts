/**
 * Emits one HTTPRoute per Ingress (split per host group and before Gateway API limits), attached to the
 * shared Gateway, plus the Envoy Gateway filters and policies its intents ask for.
 */
import {fluxSubstitutes, hasPlaceholders, validForSomeSubstitution} from '../annotations/placeholders.js'
import {compareStrings} from '../util/hash.js'
import {utf8Length} from '../util/utf8.js'
import {usesCaptures} from '../annotations/rewrite.js'
import {backendOverrideFor, type BackendNames} from '../annotations/backend-protocol.js'
import {isRoute} from '../model/emitted.js'
import {EG_GROUP, EG_API_VERSION, GATEWAY_GROUP, GATEWAY_V1, gatewayParentRef} from '../model/gateway-refs.js'
import {about, objectRef} from '../model/diagnostics.js'
import {diagnostic} from '../model/catalogue/diagnostic.js'
import {re2Incompatibility} from '../model/re2.js'
import {upstreamKey, type HostIndex} from './hosts.js'
import type {HostIndexes} from './shared-gateways.js'
import type {HostModel, IngressModel, Intent, Location, ServiceBackend} from '../model/ingress-model.js'
import {renderServer, type NginxLocation, type NginxServer} from './nginx-locations.js'
import {dnsName} from '../model/names.js'
import type {ObjectNames} from './object-names.js'
import {managedMetadata} from '../model/provenance.js'
import type {EmittedRoute} from './emit-policies.js'
import type {Diagnostic, KubeObject, ObjectMeta, TranslateOptions} from '../model/types.js'
import type {BackendRef, EmittedObject, GRPCRouteFilter, GRPCRouteMatch, GRPCRouteRule, HTTPPathMatch, HTTPRouteFilter, HTTPRouteMatch, HTTPRouteRule} from '../model/emitted.js'
import type {HTTPRouteFilterSpec, HTTPRouteSpec} from '../model/generated/index.js'
import {gatewayKey} from './emit-gateway.js'
import {ingressIds, record, type Emitted} from './records.js'
import {pushAll} from '../util/arrays.js'
import {clonePlainData} from '../util/json.js'

const MAX_RULES = 16
const MAX_MATCHES_PER_RULE = 64
const MAX_MATCHES_PER_ROUTE = 127
const MAX_HOSTNAMES = 16
/**
 * nginx has no deadline for a whole request (proxy-read/send-timeout are inactivity timeouts), while Envoy's
 * route timeout defaults to 15s: without this every response slower than 15s would become a 504. Gateway API:
 * "Setting a timeout to the zero duration (e.g. "0s") SHOULD disable the timeout completely."
 */
const NO_REQUEST_DEADLINE = {request: '0s'}

/** The characters Gateway API accepts in Exact/PathPrefix values (HTTPRoute CEL). */
const PLAIN_PATH = /^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|%[0-9a-fA-F]{2})+$/

export interface RouteEmission {
  records: Emitted[]
  /** Routes per Ingress id, for policies and the report. */
  routesByIngress: Map<string, EmittedRoute[]>
  /** Intents an emitter consumed (the rest is reported as not emitted). */
  consumed: Set<Intent>
}

/** An HTTPRoute rule as the route emitter writes it: backendRefs without filters, so GRPCRoute can take them too. */
type RouteRule = HTTPRouteRule & {backendRefs?: BackendRef[]}

interface RuleDraft {
  matches: HTTPRouteMatch[]
  filters: HTTPRouteFilter[]
  backendRefs?: BackendRef[]
  /** The upstream (namespace/service/port) of the location the rule routes, for upstream-level policies. */
  upstream?: string
  /**
   * Canary precedence tier (balancer.lua: header, then cookie, then weight): drafts merge only within a tier, so
   * a header rule is always written before a cookie rule of the same path.
   */
  tier?: number
}

/**
 * A route's backendRef to a Service in another namespace (a canary Ingress of another namespace merged into the
 * primary's route: nginx merges canaries across namespaces) needs a ReferenceGrant there, or Envoy Gateway
 * answers 500 for that share of the traffic.
 */
function crossNamespaceBackendGrants(routes: Emitted[]): Emitted[] {
  const grants = new Map<string, {to: string; from: string; kind: string; services: Set<string>; ingresses: Set<string>}>()
  for (const {object: route, role, ingresses} of routes) {
    if (role !== 'route' || !isRoute(route)) continue
    const from = route.metadata.namespace!
    for (const rule of route.spec.rules ?? []) {
      for (const b of rule.backendRefs ?? []) {
        if (!b.namespace || b.namespace === from || (b.kind && b.kind !== 'Service')) continue
        const key = `${b.namespace}|${from}|${route.kind}`
        const g = grants.get(key) ?? {to: b.namespace, from, kind: route.kind, services: new Set<string>(), ingresses: new Set<string>()}
        g.services.add(b.name)
        for (const id of ingresses) g.ingresses.add(id)
        grants.set(key, g)
      }
    }
  }
  return [...grants.values()].map((g) =>
    record(
      {
        apiVersion: `${GATEWAY_GROUP}/v1beta1`,
        kind: 'ReferenceGrant',
        metadata: managedMetadata(dnsName('ingress2gw-from', g.from, g.kind.toLowerCase()), g.to, [...g.ingresses].map((id) => `Ingress ${id}`)),
        spec: {
          from: [{group: GATEWAY_GROUP, kind: g.kind, namespace: g.from}],
          to: [...g.services].sort().map((name) => ({group: '', kind: 'Service', name})),
        },
      },
      'reference-grant',
      {ingresses: [...g.ingresses]},
    ),
  )
}

/** ingress-nginx's no-tls-redirect-locations default: these paths are never redirected to HTTPS. */
export function isAcmeChallengePath(path: string): boolean {
  return path.startsWith('/.well-known/acme-challenge')
}

/** SecurityPolicy fields nginx.tmpl leaves out under no-auth-locations: auth-url's (extAuth, or OIDC) and basic auth. */
export const NO_AUTH_LOCATION_PATHS: ReadonlySet<string> = new Set(['extAuth', 'oidc', 'basicAuth'])

/**
 * Whether nginx served this location without the Ingress's auth: nginx.tmpl wraps auth_request (auth-url, global
 * auth included: $authPath) and auth_basic/auth_digest in `if not (isLocationInLocationList $location
 * $all.Cfg.NoAuthLocations)`, and template.go isLocationInLocationList tests strings.HasPrefix of the location's
 * own path (the Ingress path, not the request's: a request for /healthz that location `/` serves is authenticated).
 */
export function isNoAuthLocation(ingress: IngressModel, loc: Location): boolean {
  return ingress.settings.noAuthLocations.some((e) => loc.path.startsWith(e))
}

/**
 * Whether the Ingress's no-auth-locations get a route of their own that its SecurityPolicy's auth leaves out: the
 * policy carries auth nginx skipped there (extAuth, oidc, basicAuth). Its other fields (CORS, address lists:
 * outside that `if`) still apply there, through the exempt routes' own policy (emit-policies.ts). An ACME group
 * (already a route of its own) is also exempt where the policy only opts out of the Gateway's global auth, as before.
 * A failing-closed auth-url (a deny-all authorization, no extAuth) is not exempted: it stands for an auth nobody set.
 */
function exemptsNoAuthLocations(ingress: IngressModel, acme: boolean): boolean {
  const security = ingress.intents.policies.filter((p) => p.kind === 'SecurityPolicy')
  if (security.some((p) => NO_AUTH_LOCATION_PATHS.has(p.path) && p.value !== undefined)) return true
  return acme && security.length > 0 && security.every((p) => NO_AUTH_LOCATION_PATHS.has(p.path))
}

/** Capturing groups of a PCRE/RE2 path: `(` not escaped, not inside a class, and not `(?:`, `(?=`… (named groups count). */
export function captureGroupCount(path: string): number {
  let count = 0
  let inClass = false
  for (let i = 0; i < path.length; i++) {
    const c = path[i]
    if (c === '\\') {
      i++
      continue
    }
    if (inClass) {
      if (c === ']') inClass = false
      continue
    }
    if (c === '[') inClass = true
    else if (c === '(') {
      if (path[i + 1] !== '?') count++
      else if (/^\?P?<[A-Za-z_]/.test(path.slice(i + 1, i + 5))) count++
    }
  }
  return count
}

function escapeRegex(s: string): string {
  return s.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&')
}

/**
 * The top-level alternatives of a regex path (`|` outside groups and classes). PCRE binds nginx's `^<path>` to the
 * first one only: `^/api|/graphql` is `(^/api)|(/graphql)`, and `/v2/graphql` matches.
 */
export function topLevelBranches(path: string): string[] {
  const branches: string[] = []
  let depth = 0
  let inClass = false
  let start = 0
  for (let i = 0; i < path.length; i++) {
    const c = path[i]
    if (c === '\\') {
      i++
      continue
    }
    if (inClass) {
      if (c === ']') inClass = false
    } else if (c === '[') inClass = true
    else if (c === '(') depth++
    else if (c === ')') depth--
    else if (c === '|' && depth === 0) {
      branches.push(path.slice(start, i))
      start = i + 1
    }
  }
  branches.push(path.slice(start))
  return branches
}

/**
 * The path match for a location. In regex mode nginx renders `location ~* "^<path>"` (case-insensitive, anchored
 * at the start only, and `^` binds only the first top-level alternative); Envoy matches a RegularExpression against
 * the whole path, hence `(?i)(?:<path>).*`, or `(?i)(?:<first>|.*<other>).*` for an alternation. `nginxPath` is the
 * path as nginx renders it (updateServerLocations may have added a slash). Lengths stay ordered as nginx orders
 * regex locations (longest path first), because Envoy Gateway sorts regex matches by pattern length and the
 * wrapper adds the same length to each (two more per extra alternative).
 */
export function pathMatch(loc: Location, regexMode: boolean, nginxPath: string = loc.path): HTTPPathMatch & {value: string} {
  if (regexMode) {
    const [first, ...others] = topLevelBranches(nginxPath)
    const body = others.length === 0 ? nginxPath : [first, ...others.map((b) => `.*${b}`)].join('|')
    return {type: 'RegularExpression', value: `(?i)(?:${body}).*`}
  }
  const plain = (p: string) => PLAIN_PATH.test(p) && !/\/\/|\/\.\.?\/|%2f|\/\.\.?$/i.test(p)
  // A file's Flux `${VAR}` stays as written when some substitution makes the path plain: Flux fills it in before the
  // API server sees it (escaped into a regex, the placeholder would no longer be substituted).
  const flux = fluxSubstitutes(loc.ingress.source.cluster, loc.ingress.object.metadata) && hasPlaceholders(loc.path)
  if (flux ? validForSomeSubstitution(loc.path, plain) : plain(loc.path)) {
    return {type: loc.match === 'Exact' ? 'Exact' : 'PathPrefix', value: loc.path}
  }
  // A literal path Gateway API refuses as Exact/PathPrefix: the same literal, escaped, as a regex.
  const literal = escapeRegex(loc.path.replace(/\/+$/, '') || '/')
  return {type: 'RegularExpression', value: loc.match === 'Exact' ? escapeRegex(loc.path) : `${literal}(/.*)?`}
}

/**
 * The pattern of a regex rewrite: nginx's `rewrite "(?i)<path>"` searches the URI and replaces all of it with the
 * target. The location matched at the start, so the first match is there too, except through a later top-level
 * alternative: then the leftmost match anywhere, as `.*?` finds it.
 */
function rewritePattern(path: string): string {
  return topLevelBranches(path).length > 1 ? `(?i)^.*?(?:${path}).*` : `(?i)^(?:${path}).*`
}

/**
 * Envoy Gateway orders regex matches by pattern length, which follows nginx's order (longest path first) because
 * every pattern adds the same wrapper, except that each extra top-level alternative adds two characters: where that
 * swaps two locations of the host, say so. Both lengths are Go's len, in UTF-8 bytes (EG sort.go pathMatchCount,
 * controller.go getBackendServers), as renderServer orders the locations.
 */
function reportRegexOrder(host: HostModel, server: NginxServer, diagnostics: Diagnostic[]): void {
  const emitted = server.locations.filter((n) => n.location && (n.location.backend !== undefined || n.location.ingress.intents.redirect))
  const lengths = emitted.map((n) => utf8Length(pathMatch(n.location!, true, n.path).value))
  // Only an alternation lengthens a pattern beyond the common wrapper, so only those can move ahead.
  emitted.forEach((b, j) => {
    if (topLevelBranches(b.path).length < 2) return
    const a = emitted.slice(0, j).find((x, i) => x.location !== b.location && lengths[i]! < lengths[j]!)
    if (!a) return
    diagnostics.push(
      diagnostic(
        'regex-order-differs',
        {
          host: host.name,
          first: {pattern: a.path, match: a.location!.match, path: a.location!.path},
          second: {pattern: b.path, match: b.location!.match, path: b.location!.path},
        },
        {...about('Ingress', b.ingress!.ref), hint: 'make the two paths exclusive (anchor or reorder the alternatives) so the order does not matter', source: b.ingress!.source},
      ),
    )
  })
}

/**
 * Regex locations of equal length, one exempt from the Ingress's auth (no-auth-locations) and one not, go to two
 * routes. nginx tries them in its order (controller.go getBackendServers: by path, descending, then stably by length,
 * longest first); Envoy Gateway sorts regex matches by length only (gatewayapi/sort.go XdsIRRoutes.Less,
 * pathMatchCount, in a stable sort) and keeps equal ones in route order, which is creation time, then namespace/name
 * (gatewayapi/resource/resource.go): a path both patterns match may get the other location's auth. Two literal
 * paths of one length never both match a path (both are plain prefixes), nor do patterns whose literal starts
 * differ (startsApart), so only the others are reported.
 */
function reportExemptRegexTies(ingress: IngressModel, host: HostModel, server: NginxServer, authenticated: Location[], exempt: Location[], diagnostics: Diagnostic[]): void {
  if (authenticated.length === 0 || exempt.length === 0) return
  const entries = server.locations
    .map((n) => ({n, exempt: n.location !== undefined && exempt.includes(n.location)}))
    .filter((e) => e.n.location !== undefined && (e.exempt || authenticated.includes(e.n.location)))
  const lengths = entries.map((e) => utf8Length(pathMatch(e.n.location!, true, e.n.path).value))
  entries.forEach((a, i) => {
    const b = entries.find((x, j) => j > i && x.exempt !== a.exempt && lengths[j] === lengths[i] && !(isLiteralPath(a.n.path) && isLiteralPath(x.n.path)) && !startsApart(a.n.path, x.n.path))
    if (!b) return
    const side = (e: typeof a) => ({pattern: e.n.path, match: e.n.location!.match, path: e.n.location!.path, exempt: e.exempt})
    diagnostics.push(
      diagnostic('regex-order-no-auth', {host: host.name, first: side(a), second: side(b)}, {...about('Ingress', ingress.ref), hint: 'make the two paths exclusive (anchor them) so the order does not matter', source: ingress.source}),
    )
  })
}

/**
 * Two patterns no path matches both: nginx anchors each (`~* "^<path>"`) and Envoy's is `(?i)(?:<path>).*`, so a
 * path both match starts with the literal head of each (the characters before the first regex syntax, less the one
 * a `?`, `*` or `{` quantifier may drop), case aside; heads that differ within the shorter one part them. A `|`
 * anywhere may hold an unanchored alternative: never apart then.
 */
function startsApart(a: string, b: string): boolean {
  if (a.includes('|') || b.includes('|')) return false
  const head = (path: string) => {
    const at = path.search(/[\\^$.|?*+()[\]{}]/)
    if (at < 0) return path.toLowerCase()
    return path.slice(0, /[?*{]/.test(path[at]!) ? Math.max(0, at - 1) : at).toLowerCase()
  }
  const [x, y] = [head(a), head(b)]
  const n = Math.min(x.length, y.length)
  return x.slice(0, n) !== y.slice(0, n)
}

/** A path without regex syntax, matched by nginx's `^<path>` as a plain case-insensitive prefix. */
function isLiteralPath(path: string): boolean {
  return !/[\\^$.|?*+()[\]{}]/.test(path)
}

/**
 * The nginx locations of one model location, in nginx's order, on a regex-mode host, with those an earlier location
 * of the host always wins dropped (nginx takes the first matching regex: Exact /foo before Prefix /foo, whose
 * location is `^/foo/` because the Exact path kept updateServerLocations from adding its twin).
 */
function regexVariants(loc: Location, server: NginxServer, diagnostics: Diagnostic[]): NginxLocation[] {
  const out: NginxLocation[] = []
  server.locations.forEach((n, i) => {
    if (n.location !== loc || out.some((o) => o.path === n.path)) return
    const earlier = isLiteralPath(n.path)
      ? server.locations.slice(0, i).find((e) => e.location !== loc && isLiteralPath(e.path) && n.path.toLowerCase().startsWith(e.path.toLowerCase()))
      : undefined
    if (!earlier) {
      out.push(n)
      return
    }
    if (n.twin) return
    const shadowing = earlier.location ? {earlier: {match: earlier.location.match, path: earlier.location.path, ingress: earlier.ingress!.id}} : {}
    diagnostics.push(
      diagnostic(
        'regex-location-shadowed',
        {match: loc.match, path: loc.path, host: loc.host, nginxPath: n.path, earlierPath: earlier.path, ...shadowing},
        {
          ...about('Ingress', loc.ingress.ref),
          hint: 'nginx tries regex locations in order and takes the first match (controller.go sorts them by path length, then as the Ingresses added them)',
          source: loc.ingress.source,
        },
      ),
    )
  })
  return out
}

function serviceRef(b: ServiceBackend, routeNamespace: string, weight?: number): BackendRef {
  const ref: BackendRef = {name: b.name, port: b.port}
  if (b.namespace !== routeNamespace) ref.namespace = b.namespace
  if (weight !== undefined) ref.weight = weight
  return ref
}

/** A Service of the input by namespace and name. */
export type ServiceLookup = (namespace: string, name: string) => KubeObject | undefined

/** What one emitRoutes run shares across Ingresses. */
interface RouteRun {
  options: TranslateOptions
  service: ServiceLookup
  diagnostics: Diagnostic[]
  consumed: Set<Intent>
  /** The names of the run's objects: routes and filters claim theirs there. */
  names: ObjectNames
  /** The Backends and BackendTLSPolicies of backend-protocol so far, by `namespace/name`: one name, one Service:port and plan. */
  backendNames: BackendNames
  /** Per host model, so per Gateway: two Gateways serving one hostname render two servers. */
  servers: Map<HostModel, NginxServer>
}

/** Hosts of one Ingress whose rules and listeners came out identical: they share a route. */
interface HostGroup {
  hosts: string[]
  sections: string[]
  rules: RuleDraft[]
  canaries: Set<IngressModel>
  acme: boolean
  /** The locations of a group whose auth nginx skipped (isNoAuthLocation): its route is left out of the auth. */
  authExempt?: Location[]
  /** Rules nginx answered before its HTTPS redirect, on the http listener of a redirected host (app-root). */
  early?: boolean
}

export function emitRoutes(
  ingresses: IngressModel[],
  indexes: HostIndexes,
  options: TranslateOptions,
  diagnostics: Diagnostic[],
  service: ServiceLookup,
  names: ObjectNames,
): RouteEmission {
  const records: Emitted[] = []
  const routesByIngress = new Map<string, EmittedRoute[]>()
  const run: RouteRun = {options, service, diagnostics, consumed: new Set<Intent>(), names, backendNames: names.backendNames(), servers: new Map()}
  for (const ingress of ingresses) {
    if (ingress.isCanary || !ingress.served) continue
    if (ingress.intents.suppressRoute) {
      run.consumed.add(ingress.intents.suppressRoute)
      names.settleObjects(ingress)
      continue
    }
    const index = indexes.of(ingress)
    const locations = index.byIngress.get(ingress.id) ?? []
    if (locations.length === 0) {
      diagnostics.push(diagnostic('no-routable-paths', {ingress: ingress.id}, {...about('Ingress', ingress.ref), source: ingress.source}))
      continue
    }
    names.settleObjects(ingress)
    const filters: IngressFilters = {byName: new Map(), names}
    const groups = hostGroups(ingress, locations, index, filters, run)
    const routes = routeRecords(ingress, groups, index, run)
    for (const r of routes) records.push(r.record)
    pushAll(records, filters.byName.values())
    routesByIngress.set(ingress.id, routes)
    reportPathDifferences(ingress, locations, index, diagnostics)
  }
  pushAll(records, crossNamespaceBackendGrants(records))
  return {records, routesByIngress, consumed: run.consumed}
}

/** Render the rules of each host of the Ingress, then group hosts whose rules and listeners are identical. */
function hostGroups(ingress: IngressModel, locations: Location[], index: HostIndex, filters: IngressFilters, run: RouteRun): HostGroup[] {
  const {options, diagnostics} = run
  const byHost = new Map<string, Location[]>()
  for (const loc of locations) {
    const list = byHost.get(loc.host) ?? []
    list.push(loc)
    byHost.set(loc.host, list)
  }
  const groups = new Map<string, HostGroup>()
  const exempt = exemptsNoAuthLocations(ingress, false)
  const exemptAcme = exemptsNoAuthLocations(ingress, true)
  // Hosts share a group when their signatures (the JSON of their rules) agree; with one host every group is a
  // different part of it (early, plain, no-auth, acme), so a counter names them without serializing every rule.
  let parts = 0
  const signature = (sig: unknown[]) => (byHost.size > 1 ? JSON.stringify(sig) : String(parts++))
  const filtersAt = ingressLocationFilters(ingress, filters, run.consumed)
  for (const [hostName, locs] of byHost) {
    const host = index.hosts.get(hostName)!
    const server = regexServer(ingress, host, run)
    const sections = sectionsFor(ingress, host, options, diagnostics)
    // nginx never redirects paths under no-tls-redirect-locations (/.well-known/acme-challenge): they keep being
    // served over plain HTTP, so they get a route on both listeners of their own.
    const redirected = !sections.includes(options.httpListener) && !host.closed
    const acme = redirected ? locs.filter((l) => isAcmeChallengePath(l.path)) : []
    const plain = locs.filter((l) => !acme.includes(l))
    // Locations nginx served without the Ingress's auth (no-auth-locations) get routes of their own.
    const open = (l: Location, acmePart: boolean) => (acmePart ? exemptAcme : exempt) && isNoAuthLocation(ingress, l)
    const partitions = [
      {locs: plain.filter((l) => !open(l, false)), sections, acme: false, exempt: false},
      {locs: plain.filter((l) => open(l, false)), sections, acme: false, exempt: true},
      {locs: acme.filter((l) => !open(l, true)), sections: [options.httpListener, ...sections], acme: true, exempt: false},
      {locs: acme.filter((l) => open(l, true)), sections: [options.httpListener, ...sections], acme: true, exempt: true},
    ]
    if (server) reportExemptRegexTies(ingress, host, server, partitions[0]!.locs, partitions[1]!.locs, diagnostics)
    // app-root: nginx answers it before the location's HTTPS redirect (redirects.ts applyAppRoot), so on a redirected
    // host plain HTTP for / gets it too; its Exact match outranks the https-redirect route's PathPrefix / on the http
    // listener (Envoy Gateway gatewayapi/sort.go XdsIRRoutes.Less: Exact > RegularExpression > PathPrefix).
    const early = redirected ? ingress.intents.extraRules.filter((x) => x.beforeHttpsRedirect) : []
    if (early.length > 0) {
      for (const x of early) run.consumed.add(x)
      const rules = early.map((x) => ({matches: x.rule.matches, filters: x.rule.filters ?? [], backendRefs: x.rule.backendRefs}))
      const sig = signature([hostName === '', 'early', rules])
      const g = groups.get(sig)
      if (g) g.hosts.push(hostName)
      else groups.set(sig, {hosts: [hostName], sections: [options.httpListener], rules: rules as RuleDraft[], canaries: new Set(), acme: false, early: true})
    }
    for (const part of partitions) {
      if (part.locs.length === 0) continue
      const hostCanaries = new Set<IngressModel>()
      const rules = renderRules(ingress, {locs: part.locs, exempt: part.exempt}, server, index, filtersAt, run.consumed, hostCanaries, diagnostics, run)
      if (rules.length === 0) continue
      if (!part.acme && !part.exempt) {
        // Extra rules (app-root's `Exact /` redirect) go first: nginx checks them before any location.
        const extras = ingress.intents.extraRules.map((extra) => {
          run.consumed.add(extra)
          return {matches: extra.rule.matches, filters: extra.rule.filters ?? [], backendRefs: extra.rule.backendRefs}
        })
        rules.unshift(...extras)
      }
      // The catch-all server never shares a route with named hosts: a route with hostnames would drop it.
      const sig = signature([hostName === '', part.acme, part.exempt, part.sections, rules])
      const g = groups.get(sig)
      if (g) {
        g.hosts.push(hostName)
        for (const c of hostCanaries) g.canaries.add(c)
        if (part.exempt) g.authExempt!.push(...part.locs)
      } else groups.set(sig, {hosts: [hostName], sections: part.sections, rules, canaries: hostCanaries, acme: part.acme, ...(part.exempt ? {authExempt: [...part.locs]} : {})})
    }
  }
  const list = [...groups.values()]
  for (const g of list) g.hosts.sort()
  return list.sort((a, b) => compareStrings(a.hosts[0], b.hosts[0]))
}

/** The host's nginx server in regex mode (rendered once per host), or undefined: the host is not in regex mode. */
function regexServer(ingress: IngressModel, host: HostModel, run: RouteRun): NginxServer | undefined {
  if (host.regexFrom.length === 0) return undefined
  let server = run.servers.get(host)
  if (!server) {
    server = renderServer(host)
    run.servers.set(host, server)
    reportRegexOrder(host, server, run.diagnostics)
  }
  // Regex mode from another controller's Ingress (classes sharing a Gateway) is reported by shared-gateways.ts.
  if (!host.regexFrom.includes(ingress.id) && host.regexControllers.includes(ingress.controller)) {
    run.diagnostics.push(diagnostic('regex-mode-from-other-ingress', {host: host.name, from: [...host.regexFrom]}, {...about('Ingress', ingress.ref), source: ingress.source}))
  }
  return server
}

/** The route records of one Ingress: one per host group, split before Gateway API limits. */
function routeRecords(ingress: IngressModel, groups: HostGroup[], index: HostIndex, run: RouteRun): EmittedRoute[] {
  const routes: EmittedRoute[] = []
  const routeBase = ingress.ref.name
  const plainGroups = groups.filter((x) => !x.acme && !x.early && !x.authExempt).length
  const noAuthGroups = groups.filter((x) => !x.acme && x.authExempt).length
  for (const g of groups) {
    const sources = [objectRef('Ingress', ingress.ref), ...[...g.canaries].map((c) => objectRef('Ingress', c.ref))]
    const consumedKeys = routeAnnotationKeys(ingress, g.canaries, g.authExempt !== undefined)
    const baseName = g.acme
      ? dnsName(routeBase, 'acme-challenge', plainGroups > 1 ? g.hosts[0] : '')
      : g.early
        ? dnsName(routeBase, 'http', plainGroups > 1 ? g.hosts[0] : '')
      : g.authExempt
        ? dnsName(routeBase, 'no-auth', noAuthGroups > 1 ? g.hosts[0] || 'default' : '')
      : plainGroups === 1
        ? routeBase
        : dnsName(routeBase, g.hosts[0] || 'default')
    // server-alias names answer for their host: they join the hostnames of every route of the host.
    const hostnames = g.hosts.flatMap((h) => {
      const host = index.hosts.get(h)!
      if (host.aliasFrom) run.consumed.add(host.aliasFrom)
      for (const ignored of host.aliasesIgnored ?? []) run.consumed.add(ignored)
      return [h, ...host.aliases]
    })
    chunkRoute(hostnames, g.rules).forEach((chunk, i) => {
      const name = run.names.claim('HTTPRoute', ingress.ref.namespace, i === 0 ? baseName : dnsName(baseName, String(i + 1)), ingress)
      const route = routeObject(ingress, managedMetadata(name, ingress.ref.namespace, sources, consumedKeys), g.sections, chunk, run)
      if (!route) return
      const emitted = record(route.object, 'route', {ingresses: ingressIds(sources), keys: consumedKeys, gateway: gatewayKey(ingress.gateway), upstreams: route.upstreams})
      routes.push({kind: route.object.kind, name, record: emitted, ...(g.authExempt ? {authExempt: g.authExempt} : {})})
    })
    if (g.hosts.includes('')) {
      run.diagnostics.push(diagnostic('catch-all-route', {}, {...about('Ingress', ingress.ref), source: ingress.source}))
    }
  }
  return routes
}

/** One HTTPRoute (or GRPCRoute for backend-protocol GRPC) and the upstream of each of its rules; undefined: no rule left. */
function routeObject(
  ingress: IngressModel,
  metadata: ObjectMeta,
  sections: string[],
  chunk: {hosts: string[]; rules: RuleDraft[]},
  run: RouteRun,
): {object: EmittedObject<'HTTPRoute'> | EmittedObject<'GRPCRoute'>; upstreams: (string | undefined)[]} | undefined {
  let upstreams = chunk.rules.map((r) => r.upstream)
  const spec: HTTPRouteSpec & {rules: RouteRule[]} = {
    parentRefs: sections.map((sectionName) => gatewayParentRef(ingress.gateway, sectionName)),
    rules: chunk.rules.map((r) => {
      const rule: RouteRule = {matches: r.matches}
      if (r.filters.length > 0) rule.filters = r.filters
      if (r.backendRefs) {
        rule.backendRefs = r.backendRefs
        rule.timeouts = NO_REQUEST_DEADLINE
      }
      return rule
    }),
  }
  const named = chunk.hosts.filter((h) => h !== '')
  if (named.length > 0) spec.hostnames = named
  const metaAndVersion = {apiVersion: GATEWAY_V1, metadata}
  if (ingress.intents.grpc) {
    run.consumed.add(ingress.intents.grpc)
    // GRPCRoute has no timeouts field: the same 15s default is lifted through the Ingress's BackendTrafficPolicy.
    if (!ingress.intents.policies.some((p) => p.path === 'timeout.http.requestTimeout')) {
      ingress.intents.policies.push({kind: 'BackendTrafficPolicy', path: 'timeout.http.requestTimeout', value: '0s', from: ingress.intents.grpc.from})
    }
    const grpc = toGrpcRules(ingress, spec.rules, run.diagnostics)
    upstreams = grpc.from.map((i) => upstreams[i])
    if (grpc.rules.length === 0) return undefined
    // GRPCRoute and HTTPRoute share parentRefs and hostnames.
    return {object: {...metaAndVersion, kind: 'GRPCRoute', spec: {...spec, rules: grpc.rules}}, upstreams}
  }
  return {object: {...metaAndVersion, kind: 'HTTPRoute', spec}, upstreams}
}

/** Where Gateway API hostnames and PathPrefix match more than nginx did, on this Ingress's paths. */
function reportPathDifferences(ingress: IngressModel, locations: Location[], index: HostIndex, diagnostics: Diagnostic[]): void {
  const wildcards = [...new Set(locations.filter((l) => l.host.startsWith('*.')).map((l) => l.host))]
  if (wildcards.length > 0) diagnostics.push(diagnostic('wildcard-host-depth', {hosts: wildcards}, {...about('Ingress', ingress.ref), source: ingress.source}))
  const trailing = locations.filter((l) => l.match === 'Prefix' && l.path.length > 1 && l.path.endsWith('/'))
  if (trailing.length > 0 && !trailing.some((l) => index.hosts.get(l.host)!.regexFrom.length > 0)) {
    diagnostics.push(diagnostic('prefix-trailing-slash', {paths: trailing.map((l) => l.path)}, {...about('Ingress', ingress.ref), source: ingress.source}))
  }
}

/**
 * backend-protocol GRPC/GRPCS: gRPC paths are /package.Service/Method, so Prefix `/` routes every method,
 * Prefix `/pkg.Svc` one service and Exact `/pkg.Svc/Method` one method. Other paths have no GRPCRoute form.
 */
/** The HTTPRoute filters a GRPCRoute rule has too. */
const GRPC_FILTER_TYPES: string[] = ['RequestHeaderModifier', 'ResponseHeaderModifier', 'RequestMirror', 'ExtensionRef'] satisfies GRPCRouteFilter['type'][]

function toGrpcRules(ingress: IngressModel, rules: RouteRule[], diagnostics: Diagnostic[]): {rules: GRPCRouteRule[]; from: number[]} {
  const out: GRPCRouteRule[] = []
  const from: number[] = []
  for (const [index, rule] of rules.entries()) {
    const matches: GRPCRouteMatch[] = []
    let all = false
    for (const m of rule.matches ?? []) {
      const p: HTTPPathMatch = m.path ?? {type: 'PathPrefix', value: '/'}
      const svc = /^\/([A-Za-z_][\w.]*)\/?$/.exec(p.value ?? '')
      const method = /^\/([A-Za-z_][\w.]*)\/([A-Za-z_]\w*)$/.exec(p.value ?? '')
      const headers = m.headers ? {headers: m.headers} : {}
      if (p.type === 'PathPrefix' && p.value === '/') {
        if (m.headers) matches.push({...headers})
        else all = true
      } else if (p.type === 'PathPrefix' && svc) matches.push({method: {type: 'Exact', service: svc[1]}, ...headers})
      else if (p.type === 'Exact' && method) matches.push({method: {type: 'Exact', service: method[1], method: method[2]}, ...headers})
      else {
        diagnostics.push(
          diagnostic(
            'grpc-path-untranslatable',
            {type: p.type ?? 'PathPrefix', value: p.value ?? ''},
            {...about('Ingress', ingress.ref), hint: 'use Prefix / (all methods), Prefix /package.Service or Exact /package.Service/Method', source: ingress.source},
          ),
        )
      }
    }
    if (!all && matches.length === 0) continue
    const grpcRule: GRPCRouteRule = {}
    if (!all) grpcRule.matches = matches
    const filters = (rule.filters ?? []).filter((f): f is HTTPRouteFilter & GRPCRouteFilter => GRPC_FILTER_TYPES.includes(f.type))
    if (filters.length < (rule.filters ?? []).length) {
      const dropped = (rule.filters ?? []).filter((f) => !GRPC_FILTER_TYPES.includes(f.type)).map((f) => f.type)
      diagnostics.push(diagnostic('grpc-filter-dropped', {filters: dropped}, {...about('Ingress', ingress.ref), source: ingress.source}))
    }
    if (filters.length > 0) grpcRule.filters = filters
    if (rule.backendRefs) grpcRule.backendRefs = rule.backendRefs
    out.push(grpcRule)
    from.push(index)
  }
  return {rules: out, from}
}

/** At most one filter of each modifier type per rule (HTTPRoute CEL): merge URLRewrite and header modifiers. */
export function mergeFilters(filters: any[]): any[] {
  const out: any[] = []
  const byType = new Map<string, any>()
  for (const f of filters) {
    const field = {URLRewrite: 'urlRewrite', RequestHeaderModifier: 'requestHeaderModifier', ResponseHeaderModifier: 'responseHeaderModifier'}[f.type as string]
    if (!field) {
      out.push(f)
      continue
    }
    const existing = byType.get(f.type)
    if (!existing) {
      const copy = {type: f.type, [field]: clonePlainData(f[field])}
      byType.set(f.type, copy)
      out.push(copy)
      continue
    }
    const target = existing[field]
    for (const [k, v] of Object.entries(f[field] as Record<string, any>)) {
      if (Array.isArray(v) && Array.isArray(target[k])) {
        // set/add entries are keyed by header name (case-insensitive); remove entries are plain names.
        const keyOf = (x: any) => (typeof x === 'string' ? x : x?.name)?.toLowerCase?.()
        for (const item of v) {
          const name = keyOf(item)
          if (name === undefined || !target[k].some((x: any) => keyOf(x) === name)) target[k].push(item)
        }
      } else if (target[k] === undefined) target[k] = v
    }
  }
  return out
}

/** The keys every route of the Ingress carries out when valid, whatever its intents. */
const ROUTE_KEYS = new Set(['use-regex', 'ssl-redirect', 'force-ssl-redirect'])

function routeAnnotationKeys(ingress: IngressModel, canaries: Set<IngressModel>, noAuth: boolean): string[] {
  const keys = new Set<string>()
  const i = ingress.intents
  for (const f of i.filters) if (!(noAuth && f.withAuth)) f.from.forEach((k) => keys.add(k))
  for (const f of i.extensionFilters) f.from.forEach((k) => keys.add(k))
  i.rewriteTarget?.from.forEach((k) => keys.add(k))
  i.redirect?.from.forEach((k) => keys.add(k))
  i.hostAliases?.from.forEach((k) => keys.add(k))
  i.grpc?.from.forEach((k) => keys.add(k))
  for (const r of i.extraRules) r.from.forEach((k) => keys.add(k))
  i.backendOverride?.from.forEach((k) => keys.add(k))
  for (const a of ingress.annotations.values()) {
    if (ROUTE_KEYS.has(a.key) && a.valid) keys.add(a.fullKey)
  }
  for (const c of canaries) c.intents.canary?.from.forEach((k) => keys.add(k))
  return [...keys].sort()
}

/** Listeners a route attaches to: `https` for TLS hosts, also `http` where the Ingress turned ssl-redirect off. */
function sectionsFor(ingress: IngressModel, host: HostModel, options: TranslateOptions, diagnostics: Diagnostic[]): string[] {
  const tls = host.tls !== undefined
  if (host.closed) return host.httpsListeners ?? [options.httpsListener]
  if (!tls) {
    if (ingress.intents.forceSslRedirect && host.name !== '') {
      // Without the annotation the forced redirect is the ConfigMap's (rewrite/main.go falls back to it).
      const own = ingress.annotations.get('force-ssl-redirect')?.valid === true
      const annotation = `${options.annotationPrefix}/force-ssl-redirect`
      if (own) ingress.fidelity.revise(annotation, 'manual', 'redirect-without-tls')
      diagnostics.push(
        diagnostic('force-ssl-redirect-without-tls', {host: host.name, fromConfigMap: !own}, {
          ...about('Ingress', ingress.ref),
          ...(own ? {annotation} : {}),
          fidelity: 'manual',
          hint: 'redirect to HTTPS at the load balancer that terminates TLS, or add a TLS entry so the Gateway terminates it',
          source: ingress.source,
        }),
      )
    }
    return [options.httpListener, ...(host.httpsAlso ?? [])]
  }
  // https-listeners.ts: a host that needs client certificates (or a certificate of its own) is served by listeners of
  // its own, never by the shared one; a host nginx answered with 403 keeps no http attachment either.
  const https = host.httpsListeners ?? [options.httpsListener]
  if (host.closed) return https
  return ingress.intents.sslRedirect || ingress.intents.forceSslRedirect ? https : [options.httpListener, ...https]
}

/** Rules for one host of an Ingress: one draft per location variant, merged where filters and backends agree. */
function renderRules(
  ingress: IngressModel,
  {locs, exempt}: {locs: Location[]; exempt: boolean},
  server: NginxServer | undefined,
  index: HostIndex,
  filtersAt: LocationFilters,
  consumed: Set<Intent>,
  canariesUsed: Set<IngressModel>,
  diagnostics: Diagnostic[],
  run: Pick<RouteRun, 'service' | 'backendNames'>,
): RuleDraft[] {
  const intents = ingress.intents
  const drafts: RuleDraft[] = []
  const regex = server !== undefined
  for (const {loc, path, rewrite: rewritten} of ruleEntries(ingress, locs, server, diagnostics)) {
    const match = pathMatch(loc, regex, path)
    if (!regex && match.type === 'RegularExpression') {
      diagnostics.push(diagnostic('literal-path-as-regex', {match: loc.match, path: loc.path, regex: match.value ?? ''}, {...about('Ingress', ingress.ref), source: ingress.source}))
    }
    if (intents.redirect) {
      consumed.add(intents.redirect)
      // nginx adds custom response headers to its redirect responses too.
      const responseHeaders = intents.filters.filter((f) => f.filter.type === 'ResponseHeaderModifier')
      for (const f of responseHeaders) consumed.add(f)
      drafts.push({matches: [{path: match}], filters: mergeFilters([intents.redirect.filter, ...responseHeaders.map((f) => f.filter)])})
      continue
    }
    const filters = filtersAt(path, rewritten, exempt)
    if (!loc.backend) continue
    drafts.push(...backendDrafts(ingress, loc, loc.backend, match, filters, index, consumed, canariesUsed, run))
  }
  return mergeDrafts(drafts)
}

/** The merged filters of one rendered location (locationFilters, then mergeFilters). */
type LocationFilters = (path: string, rewritten: boolean, noAuth: boolean) => HTTPRouteFilter[]

/**
 * The merged filters of an Ingress's locations. Only a location nginx rewrites has filters of its own (its path's
 * rewrite); every other location gets the Ingress's filters, merged once and shared by its rules: merging them anew
 * per location (cloning every header modifier) was most of renderRules' allocation. Sharing is safe because no
 * step after mergeFilters changes a rule's filters in place; the records locationFilters adds are the same, added
 * at the same first location.
 */
function ingressLocationFilters(ingress: IngressModel, filterRecords: IngressFilters, consumed: Set<Intent>): LocationFilters {
  // One shared list with the auth's filters, one without (no-auth-locations: FilterIntent withAuth).
  let unrewritten: HTTPRouteFilter[] | undefined
  let unrewrittenNoAuth: HTTPRouteFilter[] | undefined
  return (path, rewritten, noAuth) => {
    if (rewritten && ingress.intents.rewriteTarget) return mergeFilters(locationFilters(ingress, path, true, filterRecords, consumed, noAuth))
    if (noAuth) return (unrewrittenNoAuth ??= mergeFilters(locationFilters(ingress, path, false, filterRecords, consumed, true)))
    return (unrewritten ??= mergeFilters(locationFilters(ingress, path, false, filterRecords, consumed, false)))
  }
}

/**
 * The locations of the host to render, each with the path nginx renders. Regex mode: each location as nginx renders
 * it (a Prefix path may become `<path>/` plus its exact twin), in nginx's order (longest path first). Envoy Gateway
 * sorts regex matches by length too; for equal lengths the rules are at least written in nginx's order.
 */
function ruleEntries(ingress: IngressModel, locs: Location[], server: NginxServer | undefined, diagnostics: Diagnostic[]): {loc: Location; path: string; rewrite: boolean}[] {
  const usable = locs.filter((loc) => {
    const bad = server ? re2Incompatibility(loc.path) : undefined
    if (bad) {
      diagnostics.push(
        diagnostic('regex-not-re2', {path: loc.path, host: loc.host, feature: bad}, {...about('Ingress', ingress.ref), hint: 'rewrite the path regex without that feature and convert again', source: ingress.source}),
      )
    }
    return !bad
  })
  if (!server) return usable.map((loc) => ({loc, path: loc.path, rewrite: false}))
  return usable
    .flatMap((loc) => regexVariants(loc, server, diagnostics).map((n) => ({loc, path: n.path, rewrite: n.rewrite !== undefined, at: server.locations.indexOf(n)})))
    .sort((a, b) => a.at - b.at)
}

/** The filters of one rendered location: the Ingress's own, its rewrite (where nginx rewrites), its extension filters. */
function locationFilters(ingress: IngressModel, path: string, rewritten: boolean, filterRecords: IngressFilters, consumed: Set<Intent>, noAuth: boolean): HTTPRouteFilter[] {
  const intents = ingress.intents
  const filters: HTTPRouteFilter[] = []
  for (const f of intents.filters) {
    consumed.add(f)
    if (!(noAuth && f.withAuth)) filters.push(f.filter)
  }
  const rewrite = intents.rewriteTarget
  // A target equal to the path as nginx renders it rewrites nothing there (buildProxyPass): nothing to emit.
  if (rewrite) consumed.add(rewrite)
  if (rewrite && rewritten) filters.push(...rewriteFilters(ingress, rewrite, path, filterRecords))
  for (const ext of intents.extensionFilters) {
    consumed.add(ext)
    const name = filterName(ingress, dnsName(ingress.ref.name, ext.suffix), filterRecords, (given) => filterRecord(ingress, given, ext.spec, ext.from))
    filters.push({type: 'ExtensionRef', extensionRef: {group: EG_GROUP, kind: 'HTTPRouteFilter', name}})
  }
  return filters
}

/** rewrite-target on a location nginx rewrites: a URLRewrite, or an HTTPRouteFilter where the target uses captures. */
function rewriteFilters(ingress: IngressModel, rewrite: NonNullable<IngressModel['intents']['rewriteTarget']>, path: string, filterRecords: IngressFilters): HTTPRouteFilter[] {
  const filters: HTTPRouteFilter[] = []
  if (rewrite.forwardedPrefix !== undefined) {
    filters.push({type: 'RequestHeaderModifier', requestHeaderModifier: {set: [{name: 'X-Forwarded-Prefix', value: rewrite.forwardedPrefix}]}})
  }
  // nginx substitutes an empty string for a capture the path regex does not have; RE2 refuses the whole
  // substitution instead, so references past the path's group count are dropped here.
  const groups = captureGroupCount(path)
  const target = rewrite.target.replace(/\$(\d)/g, (ref, n: string) => (Number(n) <= groups ? ref : ''))
  if (!usesCaptures(target)) {
    filters.push({type: 'URLRewrite', urlRewrite: {path: {type: 'ReplaceFullPath', replaceFullPath: target === '' ? '/' : target}}})
    return filters
  }
  const spec: HTTPRouteFilterSpec = {
    urlRewrite: {
      path: {
        type: 'ReplaceRegexMatch',
        replaceRegexMatch: {pattern: rewritePattern(path), substitution: target.replace(/\$(\d)/g, '\\$1')},
      },
    },
  }
  const name = filterName(ingress, dnsName(ingress.ref.name, 'rewrite', path), filterRecords, (given) => filterRecord(ingress, given, spec, rewrite.from))
  filters.push({type: 'ExtensionRef', extensionRef: {group: EG_GROUP, kind: 'HTTPRouteFilter', name}})
  return filters
}

/** The HTTPRouteFilters of one Ingress by the name each asked for, and the run's names, where each claims its own once. */
interface IngressFilters {
  byName: Map<string, Emitted>
  names: ObjectNames
}

/** The name of the Ingress's filter asking for `asked` (the same filter asks again for each location it is on). */
function filterName(ingress: IngressModel, asked: string, filters: IngressFilters, build: (name: string) => Emitted): string {
  let emitted = filters.byName.get(asked)
  if (!emitted) {
    emitted = build(filters.names.claim('HTTPRouteFilter', ingress.ref.namespace, asked, ingress))
    filters.byName.set(asked, emitted)
  }
  return emitted.object.metadata.name
}

function filterRecord(ingress: IngressModel, name: string, spec: HTTPRouteFilterSpec, from: string[]): Emitted {
  const object: EmittedObject<'HTTPRouteFilter'> = {
    apiVersion: EG_API_VERSION,
    kind: 'HTTPRouteFilter',
    metadata: managedMetadata(name, ingress.ref.namespace, [objectRef('Ingress', ingress.ref)], from),
    spec,
  }
  return record(object, 'route-filter', {ingresses: [ingress.id], keys: [...from], gateway: gatewayKey(ingress.gateway)})
}

/** The rule drafts of a location with a backend: its Service, split off to a canary as balancer.lua decides. */
function backendDrafts(
  ingress: IngressModel,
  loc: Location,
  backend: ServiceBackend,
  match: HTTPPathMatch,
  filters: HTTPRouteFilter[],
  index: HostIndex,
  consumed: Set<Intent>,
  canariesUsed: Set<IngressModel>,
  run: Pick<RouteRun, 'service' | 'backendNames'>,
): RuleDraft[] {
  const override = ingress.intents.backendOverride
  const ref = (b: ServiceBackend, weight?: number): BackendRef => {
    if (override) {
      consumed.add(override)
      const {ref: r, objects} = backendOverrideFor(override, ingress.ref, {name: b.name, port: b.port, namespace: b.namespace}, loc.host, run.service(b.namespace, b.name), run.backendNames)
      // The Backend and BackendTLSPolicy of a Service:port are emitted once per Ingress, however many rules use it.
      for (const o of objects) if (!ingress.intents.objects.some((x) => x.object.kind === o.object.kind && x.object.metadata.name === o.object.metadata.name)) ingress.intents.objects.push(o)
      if (r) return weight === undefined ? r : {...r, weight}
    }
    return serviceRef(b, ingress.ref.namespace, weight)
  }
  const upstream = upstreamKey(backend)
  const canary = index.canaryByUpstream.get(upstream)
  if (!canary) return [{matches: [{path: match}], filters, backendRefs: [ref(backend)], upstream}]
  canariesUsed.add(canary.ingress)
  const c = canary.ingress.intents.canary
  if (c) consumed.add(c)
  const drafts: RuleDraft[] = []
  const primaryOnly = [ref(backend)]
  const canaryOnly = [ref(canary.backend)]
  if (c?.header) {
    const h = c.header
    if (h.value !== undefined) {
      drafts.push({matches: [{path: match, headers: [{type: 'Exact', name: h.name, value: h.value}]}], filters, backendRefs: canaryOnly, tier: 0, upstream})
    } else if (h.pattern !== undefined) {
      drafts.push({
        matches: [{path: match, headers: [{type: 'RegularExpression', name: h.name, value: `.*(?:${h.pattern}).*`}]}],
        filters,
        backendRefs: canaryOnly,
        tier: 0,
        upstream,
      })
    } else {
      drafts.push({matches: [{path: match, headers: [{type: 'Exact', name: h.name, value: 'always'}]}], filters, backendRefs: canaryOnly, tier: 0, upstream})
      drafts.push({matches: [{path: match, headers: [{type: 'Exact', name: h.name, value: 'never'}]}], filters, backendRefs: primaryOnly, tier: 0, upstream})
    }
  }
  if (c?.cookie) {
    const cookie = escapeRegex(c.cookie)
    for (const [value, backends] of [['always', canaryOnly], ['never', primaryOnly]] as const) {
      drafts.push({
        matches: [{path: match, headers: [{type: 'RegularExpression', name: 'Cookie', value: `(?:.*;\\s*)?${cookie}=${value}(?:;.*)?`}]}],
        filters,
        backendRefs: [...backends],
        tier: 1,
        upstream,
      })
    }
  }
  const weight = c?.weight ?? 0
  if (weight > 0) {
    const total = c!.weightTotal
    drafts.push({matches: [{path: match}], filters, backendRefs: weight >= total ? canaryOnly : [ref(backend, total - weight), ref(canary.backend, weight)], upstream})
  } else {
    drafts.push({matches: [{path: match}], filters, backendRefs: primaryOnly, upstream})
  }
  return drafts
}

/** Rules with the same filters and backends become one rule with several matches (precedence is per match). */
function mergeDrafts(drafts: RuleDraft[]): RuleDraft[] {
  // One draft (a host part with one location): nothing to merge it with, no key to serialize.
  if (drafts.length === 1) return [{...drafts[0]!, matches: [...drafts[0]!.matches]}]
  const out: RuleDraft[] = []
  const byKey = new Map<string, RuleDraft>()
  // The JSON of each merged rule's matches, kept as they are added (not re-serialized for every draft).
  const matchKeys = new Map<RuleDraft, Set<string>>()
  // Consecutive drafts share their filters (ingressLocationFilters): a list is serialized once, where it changes. The
  // key is the text JSON.stringify([tier, filters, backendRefs, upstream]) writes, put together from its parts.
  let lastFilters: HTTPRouteFilter[] | undefined
  let filtersJson = ''
  for (const d of drafts) {
    if (d.filters !== lastFilters) {
      lastFilters = d.filters
      filtersJson = JSON.stringify(d.filters)
    }
    const key = `[${JSON.stringify(d.tier ?? 2)},${filtersJson},${JSON.stringify(d.backendRefs ?? null)},${JSON.stringify(d.upstream ?? null)}]`
    const existing = byKey.get(key)
    const matchJson = d.matches.map((m) => JSON.stringify(m))
    const dup = existing !== undefined && matchJson.length > 0 && matchKeys.get(existing)!.has(matchJson[0]!)
    if (existing && !dup && existing.matches.length < MAX_MATCHES_PER_RULE) {
      const keys = matchKeys.get(existing)!
      d.matches.forEach((m, i) => {
        existing.matches.push(m)
        keys.add(matchJson[i]!)
      })
    } else if (!dup) {
      const copy = {...d, matches: [...d.matches]}
      byKey.set(key, copy)
      matchKeys.set(copy, new Set(matchJson))
      out.push(copy)
    }
  }
  // Stable: header rules, then cookie rules, then the rest, each in first-appearance order.
  return out.sort((a, b) => (a.tier ?? 2) - (b.tier ?? 2))
}

/** Splits hostnames (16) and rules (16 rules, 127 matches per route) into several routes when needed. */
function chunkRoute(hosts: string[], rules: RuleDraft[]): {hosts: string[]; rules: RuleDraft[]}[] {
  const ruleChunks: RuleDraft[][] = []
  let current: RuleDraft[] = []
  let matches = 0
  for (const r of rules) {
    if (current.length === MAX_RULES || matches + r.matches.length > MAX_MATCHES_PER_ROUTE) {
      ruleChunks.push(current)
      current = []
      matches = 0
    }
    current.push(r)
    matches += r.matches.length
  }
  if (current.length > 0) ruleChunks.push(current)
  const hostChunks: string[][] = []
  for (let i = 0; i < hosts.length; i += MAX_HOSTNAMES) hostChunks.push(hosts.slice(i, i + MAX_HOSTNAMES))
  const out: {hosts: string[]; rules: RuleDraft[]}[] = []
  for (const h of hostChunks) for (const r of ruleChunks) out.push({hosts: h, rules: r})
  return out
}
