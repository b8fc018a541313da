/**
 * The shared vocabulary of `verify`: a Probe (one request as a client would send it) and an Outcome (what a data
 * plane does with it). Each routing model (Envoy Gateway over Gateway API objects, ingress-nginx over Ingresses)
 * answers a Probe with an Outcome of this shape, adding its own provenance in a field of its own, so two models can
 * be compared field by field. Pure: no I/O.
 */

/** One request, as `curl --resolve HOST:PORT:ADDR SCHEME://HOST/PATH` would send it to a data plane. */
export interface Probe {
  scheme: 'http' | 'https'
  /** The Host header (and, for https, the TLS SNI unless `sni` says otherwise). May carry a `:port`. */
  host: string
  /** The request target: path plus optional query string ("/a/b?x=1"). */
  path: string
  /** Request method; GET when absent. */
  method?: string
  /** Extra request headers (names are case-insensitive). Cookies travel in a `Cookie` header. */
  headers?: Record<string, string>
  /** Destination port: the port in `host`, else 80 for http and 443 for https. */
  port?: number
  /** TLS SNI for https: the host without port by default (none for an IP literal, as curl does); null sends none. */
  sni?: string | null
}

/** Where a share of the forwarded requests goes. */
export interface BackendShare {
  /** `invalid`: a backendRef the data plane cannot resolve; its share is answered with 500 by Envoy Gateway. */
  kind: 'Service' | 'Backend' | 'ServiceImport' | 'invalid'
  namespace: string
  name: string
  /** Service / ServiceImport port; absent for an EG Backend (its endpoints carry their ports). */
  port?: number
  weight: number
  /** weight / sum of weights of the rule, in [0, 1]. */
  share: number
}

/** Header changes made on the way (RequestHeaderModifier / ResponseHeaderModifier or nginx equivalents). */
export interface HeaderChanges {
  set: Array<{name: string; value: string}>
  add: Array<{name: string; value: string}>
  remove: string[]
}

/**
 * - forward: the request reaches `backends` (the backend answers; `status` is absent);
 * - redirect: the data plane answers `status` with `location`;
 * - respond: the data plane answers `status` itself (direct response, 404 for no route, 5xx for a broken rule);
 * - passthrough: TLS is not terminated; the TCP stream goes to `backends`;
 * - refused: no HTTP answer at all (no listener on the port, TLS handshake failure).
 */
export type OutcomeKind = 'forward' | 'redirect' | 'respond' | 'passthrough' | 'refused'

export interface Outcome {
  kind: OutcomeKind
  status?: number
  backends?: BackendShare[]
  /** forward: the request target (path and query) the backend receives after rewrites. */
  upstreamPath?: string
  /** forward: the Host header the backend receives after rewrites. */
  upstreamHost?: string
  requestHeaders?: HeaderChanges
  responseHeaders?: HeaderChanges
  /** redirect: the Location header. */
  location?: string
  /** respond: the body, when the configuration fixes it. */
  body?: string
  /** One sentence: why the data plane does this. */
  reason: string
}

/** A stable key for a backend: `Service ns/name:port`, `Backend ns/name`, `invalid ns/name`. */
export function backendKey(backend: Pick<BackendShare, 'kind' | 'namespace' | 'name' | 'port'>): string {
  const port = backend.port === undefined ? '' : `:${backend.port}`
  return `${backend.kind} ${backend.namespace}/${backend.name}${port}`
}

/** The distribution as text, backends sorted by key: "Service a/web:80 90%, Service a/next:80 10%". */
export function describeBackends(backends: BackendShare[]): string {
  return [...backends]
    .sort((a, b) => (backendKey(a) < backendKey(b) ? -1 : backendKey(a) > backendKey(b) ? 1 : 0))
    .map((b) => (backends.length === 1 ? backendKey(b) : `${backendKey(b)} ${roundPercent(b.share)}%`))
    .join(', ')
}

function roundPercent(share: number): number {
  return Math.round(share * 10000) / 100
}

/** One line for reports: "forward Service a/web:80 path /x", "308 https://a/x", "404 (no route)". */
export function describeOutcome(outcome: Outcome): string {
  switch (outcome.kind) {
    case 'forward': {
      const host = outcome.upstreamHost === undefined ? '' : ` host ${outcome.upstreamHost}`
      return `-> ${describeBackends(outcome.backends ?? [])} path ${outcome.upstreamPath ?? '?'}${host}`
    }
    case 'passthrough':
      return `TLS passthrough -> ${describeBackends(outcome.backends ?? [])}`
    case 'redirect':
      return `${outcome.status} -> ${outcome.location}`
    case 'respond':
      return `${outcome.status} (${outcome.reason})`
    case 'refused':
      return `no response (${outcome.reason})`
  }
}

/**
 * The fields in which two outcomes differ, by the comparison verify makes: kind, status, Location, the backend
 * distribution (keys and shares to 0.01%), the upstream path and Host. Header changes and reasons are not compared
 * here (models describe them differently); an empty list means the same answer (one shared frozen list: read only).
 */
export function outcomeDifferences(a: Outcome, b: Outcome): string[] {
  const forward = a.kind === 'forward' && b.kind === 'forward'
  // Most probes agree: they share one frozen empty list rather than each allocating its own.
  if (a.kind === b.kind && a.status === b.status && a.location === b.location && sameDistribution(a.backends, b.backends) &&
    (!forward || (a.upstreamPath === b.upstreamPath && a.upstreamHost === b.upstreamHost))) return NO_DIFFERENCES as string[]
  const differences: string[] = []
  if (a.kind !== b.kind) differences.push('kind')
  if (a.status !== b.status) differences.push('status')
  if (a.location !== b.location) differences.push('location')
  if (!sameDistribution(a.backends, b.backends)) differences.push('backends')
  if (forward) {
    if (a.upstreamPath !== b.upstreamPath) differences.push('upstreamPath')
    if (a.upstreamHost !== b.upstreamHost) differences.push('upstreamHost')
  }
  return differences
}

const NO_DIFFERENCES: readonly string[] = Object.freeze([])

/**
 * distributionKey(a) === distributionKey(b); most probes compare one backend with the same one, decided here
 * field by field without making the two keys (equal fields make equal keys; otherwise the keys decide).
 */
function sameDistribution(a: BackendShare[] | undefined, b: BackendShare[] | undefined): boolean {
  if (a?.length === 1 && b?.length === 1) {
    const x = a[0]!
    const y = b[0]!
    if (x.share > 0 && y.share > 0 && x.kind === y.kind && x.namespace === y.namespace && x.name === y.name && x.port === y.port && roundPercent(x.share) === roundPercent(y.share)) return true
  }
  return distributionKey(a) === distributionKey(b)
}

function distributionKey(backends: BackendShare[] | undefined): string {
  // Most probes end at one backend (or none): the same key without the map and the sort.
  if (backends === undefined || backends.length === 0) return ''
  if (backends.length === 1) return backends[0]!.share > 0 ? `${backendKey(backends[0]!)}=${roundPercent(backends[0]!.share)}` : ''
  const shares = new Map<string, number>()
  for (const b of backends ?? []) shares.set(backendKey(b), (shares.get(backendKey(b)) ?? 0) + b.share)
  return [...shares.entries()]
    .filter(([, share]) => share > 0)
    .map(([key, share]) => `${key}=${roundPercent(share)}`)
    .sort()
    .join(',')
}
