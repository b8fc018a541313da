/**
 * How Envoy (as Envoy Gateway v1.9 configures it) reads a request before and while matching routes:
 * - filter chain by SNI (server_names: exact, then the longest `*.` suffix at any depth, then chains without names);
 * - path normalization in the HTTP connection manager (ConnectionManagerUtility::maybeNormalizePath): escaped
 *   slashes per `escapedSlashesAction` (EG default UnescapeAndRedirect: a 307 to the unescaped path, 400 for gRPC),
 *   then RFC 3986 canonicalization (EG sets normalize_path: true), then merge_slashes (EG default true);
 * - virtual host by Host, lower-cased, port ignored (EG sets ignore_port_in_host_matching): exact domain, then the
 *   longest `*.suffix` (Envoy RouteMatcher::findVirtualHost; a wildcard needs at least one more character, any
 *   depth), then `*`;
 * - route conditions: Exact and PathPrefix (path_separated_prefix: the value, or the value followed by `/`) compare
 *   the path without query, case-sensitively; RegularExpression is an RE2 full match of that path; headers compare
 *   their value (repeated headers joined with `,`), a missing header never matches; query parameters compare the
 *   first raw (not percent-decoded) value (QueryParamsMulti::parseQueryString); cookies the first cookie of that
 *   name (Http::Utility::parseCookie; a missing cookie is taken as not matching).
 */
import {withoutTrailingDot} from '../model/names.js'
import type {Probe} from './outcome.js'
import type {FilterChain, PathSettings, RouteEntry, RouteTable, StringCondition, VirtualHost} from './gateway-types.js'
import {examine} from './probe-work.js'
import {re2FullMatch} from './re2.js'

/** The request as route matching sees it, after normalization. */
export interface MatchRequest {
  scheme: 'http' | 'https'
  /** The Host header as sent (port included). */
  host: string
  /** :path after normalization, query included. */
  path: string
  /** `path` up to its query (or fragment): what path conditions compare. */
  pathOnly: string
  method: string
  headers: Map<string, string>
  grpc: boolean
}

/** The request as route matching reads it, or the local reply the connection manager answers it with. */
export type Normalized = NormalizedRequest | {status: number; location?: string; reason: string}

const ESCAPED_SLASH = /%2f|%5c/i
/** googleurl kPathCharLookup (pre-2024 table): UNESCAPE and ESCAPE classes among ASCII characters. */
const PATH_UNESCAPE = /^[A-Za-z0-9\-_~]$/
const PATH_ESCAPE = /^[\x00-\x20"#%<>^`{|}\x7f]$/
/** The characters canonicalPath copies as they are (no backslash, escape, ESCAPE class or non-ASCII). */
const CANONICAL_AS_IS = /^[^\x00-\x20"#%<>^`{|}\x7f\\\u0080-\uffff]*$/
/** A `.` or `..` segment: the one place where a dot changes the path (`/.well-known`, `/a.png` keep theirs). */
const DOT_SEGMENT = /\/\.\.?(\/|$)/

export function hostWithoutPort(host: string): string {
  if (host.startsWith('[')) {
    const end = host.indexOf(']')
    return end === -1 ? host : host.slice(0, end + 1)
  }
  const colon = host.lastIndexOf(':')
  return colon === -1 ? host : host.slice(0, colon)
}

/** What a Host header says besides itself: the name Envoy matches (lower case, no port), the port, curl's SNI. */
interface HostFacts {
  host: string
  name: string
  port: number | undefined
  sni: string | undefined
}

/** The last Host header's facts: verify sends tens of probes in a row to one host. */
let lastHost: HostFacts | undefined

function hostFacts(host: string): HostFacts {
  if (lastHost?.host === host) return lastHost
  const bare = hostWithoutPort(host)
  const name = bare.toLowerCase()
  const rest = host.slice(bare.length)
  const port = rest.startsWith(':') && /^\d+$/.test(rest.slice(1)) ? Number(rest.slice(1)) : undefined
  // curl sends the name without one trailing dot as SNI (lib/vtls/vtls.c Curl_ssl_snihost; RFC 6066 section 3); the
  // Host header keeps it, and Envoy matches virtual hosts by the header as sent (EG sets the connection manager's
  // strip_trailing_host_dot only from a ClientTrafficPolicy's headers.host, listener.go, which is not modelled).
  const server = withoutTrailingDot(name)
  const sni = /^\d+\.\d+\.\d+\.\d+$/.test(server) || server.startsWith('[') ? undefined : server
  return (lastHost = {host, name, port, sni})
}

export function portOfHost(host: string): number | undefined {
  return hostFacts(host).port
}

/** The SNI a client like curl sends: the host without port, none for an IP literal. */
export function probeSni(probe: Probe): string | undefined {
  if (probe.sni === null) return undefined
  if (probe.sni !== undefined) return probe.sni.toLowerCase()
  return hostFacts(probe.host).sni
}

interface ChainIndex {
  chains: FilterChain[]
  length: number
  /** server name (exact or `*.suffix`) -> the first chain listing it. */
  byName: Map<string, FilterChain>
  unnamed?: FilterChain
}

const chainIndexes = new WeakMap<FilterChain[], ChainIndex>()

/** The chains indexed by server name once (rebuilt if the list grew), so that a lookup does not scan every chain. */
function chainIndex(chains: FilterChain[]): ChainIndex {
  const cached = chainIndexes.get(chains)
  if (cached !== undefined && cached.length === chains.length) return cached
  const index: ChainIndex = {chains, length: chains.length, byName: new Map()}
  for (const chain of chains) {
    for (const name of chain.serverNames) if (!index.byName.has(name)) index.byName.set(name, chain)
    if (chain.serverNames.length === 0) index.unnamed ??= chain
  }
  chainIndexes.set(chains, index)
  return index
}

/** Envoy filter chain match on server_names: exact, then the longest `*.` suffix, then a chain without names. */
export function selectChain(chains: FilterChain[], sni: string | undefined): FilterChain | undefined {
  const index = chainIndex(chains)
  if (sni !== undefined && index.byName.size > 0) {
    const exact = index.byName.get(sni)
    if (exact !== undefined) return examined(exact)
    const labels = sni.split('.')
    for (let i = 1; i < labels.length; i++) {
      const chain = index.byName.get(`*.${labels.slice(i).join('.')}`)
      if (chain !== undefined) return examined(chain)
    }
  }
  return index.unnamed === undefined ? undefined : examined(index.unnamed)
}

function examined<T>(found: T): T {
  examine()
  return found
}

/**
 * The request headers by lower-case name (repeated names joined with `,`, Host left out), then the pseudo-headers.
 * Made when first read: most probes carry no headers and most routes match none, so most requests never need it.
 */
export class NormalizedRequest implements MatchRequest {
  #headers: Map<string, string> | undefined
  constructor(
    readonly scheme: 'http' | 'https',
    readonly host: string,
    readonly path: string,
    readonly pathOnly: string,
    readonly method: string,
    readonly grpc: boolean,
    own: Map<string, string> | undefined,
  ) {
    this.#headers = own
    if (own !== undefined) this.#withPseudoHeaders(own)
  }

  get headers(): Map<string, string> {
    if (this.#headers === undefined) this.#headers = this.#withPseudoHeaders(new Map())
    return this.#headers
  }

  #withPseudoHeaders(headers: Map<string, string>): Map<string, string> {
    headers.set(':method', this.method)
    headers.set(':path', this.path)
    headers.set(':authority', this.host)
    headers.set(':scheme', this.scheme)
    return headers
  }
}

function probeHeaders(probe: Probe): Map<string, string> | undefined {
  if (probe.headers === undefined) return undefined
  const headers = new Map<string, string>()
  for (const [name, value] of Object.entries(probe.headers)) {
    const lower = name.toLowerCase()
    if (lower === 'host') continue
    headers.set(lower, headers.has(lower) ? `${headers.get(lower)},${value}` : value)
  }
  return headers
}

/** The connection manager's checks and path normalization; a local reply when it answers the request itself. */
export function normalizeRequest(probe: Probe, settings: PathSettings): Normalized {
  const headers = probeHeaders(probe)
  const grpc = (headers?.get('content-type') ?? '').startsWith('application/grpc')
  if (!probe.path.startsWith('/')) return {status: 404, reason: 'the request path is not absolute (Envoy answers 404)'}
  const queryAt = probe.path.indexOf('?')
  let pathPart = queryAt === -1 ? probe.path : probe.path.slice(0, queryAt)
  const query = queryAt === -1 ? '' : probe.path.slice(queryAt)
  let redirect = false
  if (settings.escapedSlashesAction !== 'KeepUnchanged' && pathPart.includes('%') && ESCAPED_SLASH.test(pathPart)) {
    if (settings.escapedSlashesAction === 'RejectRequest') return {status: 400, reason: 'escaped slashes in the path are rejected (ClientTrafficPolicy path.escapedSlashesAction)'}
    pathPart = pathPart.replace(/%2f/gi, '/').replace(/%5c/gi, '\\')
    redirect = settings.escapedSlashesAction === 'UnescapeAndRedirect'
  }
  pathPart = canonicalPath(pathPart)
  if (settings.mergeSlashes && pathPart.includes('//')) pathPart = pathPart.replace(/\/{2,}/g, '/')
  const path = query === '' ? pathPart : pathPart + query
  if (redirect) {
    if (grpc) return {status: 400, reason: 'escaped slashes in a gRPC request path (Envoy cannot redirect gRPC)'}
    return {status: 307, location: path, reason: 'Envoy redirects a path with escaped slashes to its unescaped form (escapedSlashesAction UnescapeAndRedirect)'}
  }
  const method = probe.method === undefined ? 'GET' : probe.method.toUpperCase()
  // Route conditions compare the path without its query (or fragment): pathPart, which ends before the first `?` and
  // holds no `#` (canonicalPath percent-encodes it, as every character of the ESCAPE class).
  return new NormalizedRequest(probe.scheme, probe.host, path, pathPart, method, grpc, headers)
}

/**
 * Envoy's normalize_path: googleurl CanonicalizePath (url_canon_path.cc DoPartialPath). `.` and `..` segments
 * (also written `%2e`) are resolved, `\` becomes `/`, characters of the ESCAPE class (controls, space, `"`, `<`,
 * `>`, `^`, backquote, braces, `|`, non-ASCII as UTF-8) are percent-encoded, and an escaped character of the
 * UNESCAPE class (letters, digits, `-`, `_`, `~`) is decoded. The decoding is what googleurl did before Chromium's
 * December 2023 path table change (crbug.com/1509295), which Envoy's legacy canonicalizer and its pinned googleurl
 * snapshot follow; a newer googleurl would keep those escapes.
 */
function canonicalPath(path: string): string {
  // Most probe paths have nothing to canonicalize: skip the character walk (once per probe).
  if (CANONICAL_AS_IS.test(path) && !(path.includes('/.') && DOT_SEGMENT.test(path))) return path
  let out = ''
  const dotAt = (i: number): number => (path[i] === '.' ? 1 : path[i] === '%' && path[i + 1] === '2' && (path[i + 2] === 'e' || path[i + 2] === 'E') ? 3 : 0)
  const slashAt = (i: number): boolean => path[i] === '/' || path[i] === '\\'
  for (let i = 0; i < path.length; i++) {
    const c = path[i]
    const dot = dotAt(i)
    if (dot > 0) {
      const after = i + dot
      const second = dotAt(after)
      if (out.endsWith('/') && (after === path.length || slashAt(after))) {
        i = after === path.length ? after - 1 : after // `.`: current directory, skipped with its slash
      } else if (out.endsWith('/') && second > 0 && (after + second === path.length || slashAt(after + second))) {
        if (out.length > 1) out = out.slice(0, out.slice(0, -1).lastIndexOf('/') + 1) // `..`: back up one segment
        i = after + second === path.length ? after + second - 1 : after + second
      } else {
        out += '.'
        i += dot - 1
      }
    } else if (c === '\\') {
      out += '/'
    } else if (c === '%') {
      const hex = path.slice(i + 1, i + 3)
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) {
        out += '%'
        continue
      }
      const decoded = String.fromCharCode(parseInt(hex, 16))
      out += PATH_UNESCAPE.test(decoded) ? decoded : `%${hex}`
      i += 2
    } else if (c.charCodeAt(0) >= 0x80) {
      const astral = path.codePointAt(i)! > 0xffff
      out += encodeURIComponent(path.slice(i, astral ? i + 2 : i + 1))
      if (astral) i++
    } else if (PATH_ESCAPE.test(c)) {
      out += `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`
    } else {
      out += c
    }
  }
  return out
}

interface VirtualHostIndex {
  length: number
  /** domain -> the first virtual host with it. */
  exact: Map<string, VirtualHost>
  /** `*suffix` domains by their suffix (without the `*`). */
  wildcard: Map<string, VirtualHost>
  /** The shortest and longest wildcard suffix, to bound the suffixes a lookup tries. */
  minSuffix: number
  maxSuffix: number
}

const virtualHostIndexes = new WeakMap<VirtualHost[], VirtualHostIndex>()

/** The table's virtual hosts indexed by domain once (rebuilt if the list grew): a lookup does not scan them all. */
function virtualHostIndex(virtualHosts: VirtualHost[]): VirtualHostIndex {
  const cached = virtualHostIndexes.get(virtualHosts)
  if (cached !== undefined && cached.length === virtualHosts.length) return cached
  const index: VirtualHostIndex = {length: virtualHosts.length, exact: new Map(), wildcard: new Map(), minSuffix: Infinity, maxSuffix: 0}
  for (const v of virtualHosts) {
    if (!index.exact.has(v.domain)) index.exact.set(v.domain, v)
    if (!v.domain.startsWith('*') || v.domain.length <= 1) continue
    const suffix = v.domain.slice(1)
    if (!index.wildcard.has(suffix)) index.wildcard.set(suffix, v)
    index.minSuffix = Math.min(index.minSuffix, suffix.length)
    index.maxSuffix = Math.max(index.maxSuffix, suffix.length)
  }
  virtualHostIndexes.set(virtualHosts, index)
  return index
}

/**
 * Envoy RouteMatcher::findVirtualHost: the exact domain, else the longest `*suffix` domain the name ends with (the
 * name longer than the suffix), else `*`. Among wildcards of one length only one suffix can match a name, and the
 * first virtual host of that domain is the one taken.
 */
export function selectVirtualHost(table: RouteTable, host: string): VirtualHost | undefined {
  // Probes come host by host: the table's previous answer stands for the same Host header while its list of virtual
  // hosts has the same length (an index is rebuilt when the list grew).
  const last = table.lastLookup
  if (last !== undefined && last.host === host && last.length === table.virtualHosts.length) {
    if (last.found !== undefined) examine()
    return last.found
  }
  const found = findVirtualHost(table, host)
  table.lastLookup = {host, length: table.virtualHosts.length, found}
  return found
}

function findVirtualHost(table: RouteTable, host: string): VirtualHost | undefined {
  const name = hostFacts(host).name
  const index = virtualHostIndex(table.virtualHosts)
  const exact = index.exact.get(name)
  if (exact !== undefined) return examined(exact)
  for (let length = Math.min(index.maxSuffix, name.length - 1); length >= index.minSuffix; length--) {
    const suffixMatch = index.wildcard.get(name.slice(name.length - length))
    if (suffixMatch !== undefined) return examined(suffixMatch)
  }
  const any = index.exact.get('*')
  return any === undefined ? undefined : examined(any)
}

/** Whether the entry's conditions hold; Re2Unsupported propagates when a pattern cannot be emulated. */
export function entryMatches(entry: RouteEntry, request: MatchRequest): boolean {
  if (entry.path !== undefined && !pathMatches(entry.path.type, entry.path.value, request.pathOnly)) return false
  for (const condition of entry.headers) {
    if (!conditionHolds(condition, request.headers.get(condition.name.toLowerCase()))) return false
  }
  if (entry.queryParams.length > 0) {
    const params = queryParams(request.path)
    for (const condition of entry.queryParams) if (!conditionHolds(condition, params.get(condition.name))) return false
  }
  if (entry.cookies.length > 0) {
    const cookies = parseCookies(request.headers.get('cookie'))
    for (const condition of entry.cookies) if (!conditionHolds(condition, cookies.get(condition.name))) return false
  }
  return true
}

/** buildPathMatch: `/` is a plain prefix; any other PathPrefix loses a trailing `/` and becomes path_separated_prefix. */
function pathMatches(type: 'Exact' | 'PathPrefix' | 'RegularExpression', value: string, path: string): boolean {
  if (type === 'Exact') return path === value
  if (type === 'RegularExpression') return re2FullMatch(value, path)
  if (value === '/') return path.startsWith('/')
  // The value without its trailing `/` (P), matched whole or followed by `/`: with value P/, that is a path starting
  // with P/ or equal to P (no slice per probe and entry).
  if (value.endsWith('/')) return path.startsWith(value) || (path.length === value.length - 1 && value.startsWith(path))
  return path.startsWith(value) && (path.length === value.length || path[value.length] === '/')
}

function conditionHolds(condition: StringCondition, value: string | undefined): boolean {
  if (value === undefined) return false
  if (condition.type === 'Exact') return value === condition.value
  if (condition.type === 'Suffix') return value.endsWith(condition.value)
  return re2FullMatch(condition.value, value)
}

/** QueryParamsMulti::parseQueryString + getFirstValue: raw values, the first occurrence of a name wins. */
function queryParams(path: string): Map<string, string> {
  const params = new Map<string, string>()
  const queryAt = path.indexOf('?')
  if (queryAt === -1) return params
  for (const pair of path.slice(queryAt + 1).split('&')) {
    if (pair === '') continue
    const eq = pair.indexOf('=')
    const name = eq === -1 ? pair : pair.slice(0, eq)
    if (!params.has(name)) params.set(name, eq === -1 ? '' : pair.slice(eq + 1))
  }
  return params
}

/** Http::Utility forEachCookie / parseCookie: `name=value` pairs split on `;`, quotes dropped, first one wins. */
function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>()
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=')
    if (eq === -1) continue
    const name = part.slice(0, eq).replace(/^ +/, '')
    let value = part.slice(eq + 1)
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1)
    if (!cookies.has(name)) cookies.set(name, value)
  }
  return cookies
}

