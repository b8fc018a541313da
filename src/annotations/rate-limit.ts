import {parseSourceRanges} from './access-lists.js'
import {hashSources} from './load-balancing.js'
import {parseInt10} from '../model/parsers.js'
import type {AnnotationFamily, FamilyContext} from './types.js'
import type {ParseResult} from '../model/parsers.js'

/**
 * limit-rps, limit-rpm, limit-allowlist (alias limit-whitelist), limit-burst-multiplier -> BackendTrafficPolicy local
 * rateLimit per client IP (or per header / query parameter when the ConfigMap's limit-conn-zone-variable says so);
 * limit-connections, limit-rate, limit-rate-after are reported (no Envoy Gateway field).
 *
 * nginx keeps one limit_req zone per annotation, keyed by the client address, and applies every zone the Ingress
 * has: rps and rpm together are two limits, so they become two sets of rules (Envoy applies the strictest matching
 * rule, which is the same as passing both). "Per client IP" is a `Distinct` sourceCIDR selector; it needs one rule
 * for IPv4 (0.0.0.0/0) and one for IPv6 (::/0). Allowlisted clients map to nginx's empty zone key (not counted):
 * a single `Distinct` selector with `invert: true` over the allowlisted range counts every other client separately.
 * Envoy Gateway evaluates only one sourceCIDR per rule (envoyproxy/gateway#10025), so an allowlist that does not
 * reduce to one range cannot be expressed and is reported as manual, never dropped silently.
 */

/** ingress-nginx's default limit-burst-multiplier. */
const DEFAULT_BURST_MULTIPLIER = 5
/** limit.requests is a uint32 in the CRD. */
const MAX_REQUESTS = 4294967295

/** net.ParseCIDRs: comma-separated CIDRs or addresses, read as the source-range annotations are; empty means no allowlist. */
function parseAllowlist(value: string): ParseResult<string[]> {
  return value.trim() === '' ? {ok: true, value: []} : parseSourceRanges(value)
}

interface CidrRange {
  text: string
  v6: boolean
  network: bigint
  bits: number
}

/** A normalized CIDR (`10.0.0.0/8`, `2001:db8::/32`) as a number range. */
function toRange(text: string): CidrRange {
  const [addr, bitsText] = text.split('/') as [string, string]
  const bits = Number(bitsText)
  if (!addr.includes(':')) {
    const network = addr.split('.').reduce((acc, b) => (acc << 8n) | BigInt(Number(b)), 0n)
    return {text, v6: false, network, bits}
  }
  const [head, tail] = addr.includes('::') ? (addr.split('::') as [string, string]) : [addr, undefined]
  const headGroups = head === '' ? [] : head.split(':')
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':')
  const groups = [...headGroups, ...new Array(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups]
  const network = groups.reduce((acc, g) => (acc << 16n) | BigInt(Number.parseInt(g, 16)), 0n)
  return {text, v6: true, network, bits}
}

function contains(outer: CidrRange, inner: CidrRange): boolean {
  if (outer.v6 !== inner.v6 || outer.bits > inner.bits) return false
  const width = BigInt(outer.v6 ? 128 : 32)
  const shift = width - BigInt(outer.bits)
  return outer.network >> shift === inner.network >> shift
}

/** The allowlist without ranges covered by another of its ranges. */
export function minimalRanges(cidrs: string[]): string[] {
  const ranges = cidrs.map(toRange)
  return ranges.filter((r, i) => !ranges.some((o, j) => j !== i && contains(o, r) && (o.bits < r.bits || j < i))).map((r) => r.text)
}

type Selector = Record<string, unknown>

/**
 * What nginx counts each limit per: every limit_req zone is keyed by `$limit_<id>`, which nginx.tmpl maps to the
 * ConfigMap's limit-conn-zone-variable (default $binary_remote_addr) for clients outside the allowlist and to ""
 * (not counted: "requests with an empty key value are not accounted") for the others.
 */
type RateKey =
  | {kind: 'ip'}
  | {kind: 'header' | 'query'; name: string}
  | {kind: 'shared'}
  | {kind: 'unsupported'; why: string}

function rateKeyOf(variable: string): RateKey {
  const {sources, literal} = hashSources(variable)
  if (sources.length === 0) return literal ? {kind: 'shared'} : {kind: 'ip'}
  if (sources.length > 1 || literal) return {kind: 'unsupported', why: `"${variable}" combines several values; an Envoy Gateway rate limit counts per one client IP, header or query parameter`}
  const source = sources[0]!
  if (source.kind === 'ip') return {kind: 'ip'}
  if (source.kind === 'header') return {kind: 'header', name: source.name}
  if (source.kind === 'arg') return {kind: 'query', name: source.name}
  if (source.kind === 'cookie') return {kind: 'unsupported', why: `"${variable}" counts per cookie value; Envoy Gateway rate limits count per client IP, header or query parameter, not per cookie`}
  return {kind: 'unsupported', why: `"${variable}" has no Envoy Gateway rate-limit equivalent (it counts per client IP, header or query parameter)`}
}

/**
 * The clientSelectors of one limit, counting per key, skipping the allowlisted range when there is one. `several`:
 * limit-rps and limit-rpm both apply. A constant key without allowlist is one count for everybody, which a rule
 * without clientSelectors is, but Envoy Gateway takes at most one such rule per policy (backendtrafficpolicy.go
 * buildLocalRateLimit: "can not have more than one rule without clientSelectors", and an invalid policy answers 500 on
 * every route), and requests matching a selector skip that default bucket (local_ratelimit.go
 * AlwaysConsumeDefaultTokenBucket false); two limits each match every path instead, without Distinct: one count each.
 */
function selectorsFor(key: RateKey, exempt: string | undefined, several: boolean): Selector[][] {
  const outside = exempt !== undefined ? {sourceCIDR: {type: 'Exact', value: exempt, invert: true}} : {}
  switch (key.kind) {
    case 'ip':
      if (exempt !== undefined) return [[{sourceCIDR: {type: 'Distinct', value: exempt, invert: true}}]]
      return [[{sourceCIDR: {type: 'Distinct', value: '0.0.0.0/0'}}], [{sourceCIDR: {type: 'Distinct', value: '::/0'}}]]
    case 'header':
      return [[{headers: [{name: key.name, type: 'Distinct'}], ...outside}]]
    case 'query':
      return [[{queryParams: [{name: key.name, type: 'Distinct'}], ...outside}]]
    default:
      if (exempt !== undefined) return [[outside]]
      return [several ? [{path: {type: 'PathPrefix', value: '/'}}] : []]
  }
}

/** "each client IP", "each value of header X", ... for messages. */
function countedPer(key: RateKey, exempt: string | undefined): string {
  const outside = exempt !== undefined ? ` outside ${exempt}` : ''
  switch (key.kind) {
    case 'ip':
      return exempt !== undefined ? `each client IP outside ${exempt}` : 'each client IP (IPv4 and IPv6 rules)'
    case 'header':
      return `each value of request header ${key.name}${exempt !== undefined ? ` from clients${outside}` : ''} (requests without it are not limited, as nginx did not count an empty key)`
    case 'query':
      return `each value of query parameter ${key.name}${exempt !== undefined ? ` from clients${outside}` : ''} (requests without it are not limited, as nginx did not count an empty key)`
    default:
      return `all clients${outside} together (one count, as nginx's constant key)`
  }
}

function accountDisabled(ctx: FamilyContext, key: string, n: number): void {
  ctx.account(key, 'exact', n === 0 ? '0 turns this limit off, as when it is not set' : `${n} is not positive: nginx renders no limit, and neither does the conversion`, {
    level: 'info',
    code: 'rate-limit-off',
  })
}

function applyReportedLimits(ctx: FamilyContext): void {
  const conn = ctx.value<number>('limit-connections')
  if (conn !== undefined) {
    if (conn <= 0) accountDisabled(ctx, 'limit-connections', conn)
    else {
      ctx.account('limit-connections', 'manual', `nginx allowed ${conn} concurrent connections per client IP (503 above); Envoy Gateway has no per-client connection limit, so nothing is emitted`, {
        hint: 'closest: BackendTrafficPolicy circuitBreaker.maxParallelRequests caps concurrent requests to the backend for all clients together, ClientTrafficPolicy connection.connectionLimit caps connections per listener; or rely on limit-rps',
      })
    }
  }
  const rate = ctx.value<number>('limit-rate')
  const after = ctx.value<number>('limit-rate-after')
  if (rate !== undefined) {
    if (rate <= 0) accountDisabled(ctx, 'limit-rate', rate)
    else {
      ctx.account('limit-rate', 'manual', `nginx slowed every response of this Ingress to ${rate} KiB/s per request; Envoy Gateway's bandwidthLimit shares one token bucket among all requests of the route (per Envoy replica), a different limit, so nothing is emitted`, {
        hint: `if one shared cap is acceptable, set BackendTrafficPolicy bandwidthLimit.response.limit {value: ${rate}Ki, unit: Second} (Envoy Gateway v1.8+)`,
      })
    }
  }
  if (after !== undefined) {
    if (rate === undefined || rate <= 0) ctx.account('limit-rate-after', 'ignored', 'has no effect without a positive limit-rate')
    else if (after <= 0) accountDisabled(ctx, 'limit-rate-after', after)
    else {
      ctx.account('limit-rate-after', 'manual', `nginx sent the first ${after} KiB of each response at full speed before limit-rate applied; Envoy Gateway has no equivalent`, {
        hint: 'decide together with limit-rate; bandwidthLimit has no initial allowance',
      })
    }
  }
}

export const rateLimitFamily: AnnotationFamily = {
  name: 'rate-limit',
  specs: [
    {
      key: 'limit-rps',
      summary: 'Requests per second per client IP (burst = rps x limit-burst-multiplier, 503 above)',
      fidelity: 'approximate',
      target: 'BackendTrafficPolicy rateLimit.local rules {requests: N, unit: Second} per client IP (sourceCIDR Distinct)',
      note: 'Envoy allows N per second with no burst and answers 429 instead of 503, and counts per route rule instead of one bucket for the whole Ingress',
      default: '0',
      parse: parseInt10,
    },
    {
      key: 'limit-rpm',
      summary: 'Requests per minute per client IP (burst = rpm x limit-burst-multiplier, 503 above)',
      fidelity: 'approximate',
      target: 'BackendTrafficPolicy rateLimit.local rules {requests: N, unit: Minute} per client IP (sourceCIDR Distinct)',
      note: 'Envoy allows N per minute with no burst and answers 429 instead of 503, and counts per route rule instead of one bucket for the whole Ingress',
      default: '0',
      parse: parseInt10,
    },
    {
      key: 'limit-burst-multiplier',
      summary: 'Burst size as a multiple of limit-rps / limit-rpm',
      fidelity: 'approximate',
      target: 'none: Envoy Gateway local rate limits have no burst',
      note: 'Envoy Gateway\'s local rate limit bucket holds exactly the per-unit limit, so bursts above it are refused',
      default: String(DEFAULT_BURST_MULTIPLIER),
      parse: parseInt10,
    },
    {
      key: 'limit-allowlist',
      summary: 'Client CIDRs that are not rate limited (alias limit-whitelist)',
      fidelity: 'exact',
      target: 'rate limit rules match only clients outside the range (sourceCIDR Distinct with invert)',
      parse: parseAllowlist,
    },
    {
      key: 'limit-connections',
      summary: 'Concurrent connections per client IP (503 above)',
      fidelity: 'manual',
      target: 'none: no per-client connection limit in Envoy Gateway',
      note: 'Envoy Gateway has no per-client-IP connection limit; circuitBreaker limits count all clients of a backend together',
      default: '0',
      parse: parseInt10,
    },
    {
      key: 'limit-rate',
      summary: 'Response bandwidth per request in KiB/s',
      fidelity: 'manual',
      target: 'none (bandwidthLimit shares one bucket per route)',
      note: 'Envoy Gateway\'s bandwidthLimit (v1.8) limits all requests of a route together, not each request; set it by hand if a shared cap is acceptable',
      default: '0',
      parse: parseInt10,
    },
    {
      key: 'limit-rate-after',
      summary: 'KiB of each response sent at full speed before limit-rate applies',
      fidelity: 'manual',
      target: 'none',
      note: 'no Envoy Gateway equivalent; decide together with limit-rate',
      default: '0',
      parse: parseInt10,
    },
  ],
  apply(ctx) {
    if (ctx.ingress.isCanary) return
    const limits: {key: 'limit-rps' | 'limit-rpm'; n: number; unit: 'Second' | 'Minute'}[] = []
    for (const [key, unit] of [['limit-rps', 'Second'], ['limit-rpm', 'Minute']] as const) {
      const n = ctx.value<number>(key)
      if (n === undefined) continue
      if (n <= 0) accountDisabled(ctx, key, n)
      else limits.push({key, n: Math.min(n, MAX_REQUESTS), unit})
    }
    applyReportedLimits(ctx)

    const allowlist = ctx.value<string[]>('limit-allowlist')
    const multiplierSet = ctx.value<number>('limit-burst-multiplier')
    const connLimited = (ctx.value<number>('limit-connections') ?? 0) > 0
    if (limits.length === 0) {
      if (allowlist !== undefined) {
        ctx.account('limit-allowlist', 'ignored', connLimited ? 'exempts clients from limit-connections only, which is not translated' : 'has no effect: no limit-rps or limit-rpm is set')
      }
      if (multiplierSet !== undefined) ctx.account('limit-burst-multiplier', 'ignored', 'has no effect: no limit-rps or limit-rpm is set')
      return
    }

    const ranges = allowlist === undefined ? [] : minimalRanges(allowlist)
    const exempt = ranges.length === 1 ? ranges[0] : undefined
    const defaults = ctx.lookup.controllerDefaults()
    const variable = defaults.limitConnZoneVariable
    const key = rateKeyOf(variable)
    const keyNote = defaults.fromConfigMap.has('limit-conn-zone-variable') ? ` (ConfigMap limit-conn-zone-variable ${variable})` : ''
    if (key.kind === 'unsupported') {
      for (const {key: k} of limits) {
        ctx.account(k, 'manual', `nginx counted this limit per ${variable} (ConfigMap limit-conn-zone-variable): ${key.why}; no rate limit is emitted rather than one counted per the wrong key`, {
          hint: 'set BackendTrafficPolicy rateLimit.local rules by hand with the clientSelectors that match how clients are told apart, or change limit-conn-zone-variable to $binary_remote_addr or $http_<header>',
        })
      }
      for (const k of ['limit-allowlist', 'limit-burst-multiplier']) if (ctx.has(k)) ctx.account(k, 'ignored', 'follows limit-rps / limit-rpm, which are not translated')
      return
    }
    const selectors = selectorsFor(key, exempt, limits.length > 1)
    // Fresh selector objects per rule: shared references would come out as YAML anchors.
    const rules = limits.flatMap(({n, unit}) =>
      selectors.map((clientSelectors) => ({...(clientSelectors.length > 0 ? {clientSelectors: structuredClone(clientSelectors)} : {}), limit: {requests: n, unit}})),
    )
    const from = [...limits.map((l) => l.key), ...(exempt !== undefined ? ['limit-allowlist'] : []), ...(multiplierSet !== undefined ? ['limit-burst-multiplier'] : [])]
    ctx.patch.policies.push({
      kind: 'BackendTrafficPolicy',
      path: 'rateLimit',
      // `type` is required up to Envoy Gateway v1.5 and deprecated (still accepted) after.
      value: {type: 'Local', local: {rules}},
      from: from.map((k) => ctx.fullKey(k)),
    })

    const multiplier = multiplierSet ?? DEFAULT_BURST_MULTIPLIER
    const needsV18 = exempt !== undefined || limits.length > 1
    const status = defaults.limitReqStatusCode
    const statusNote = status === 429 ? 'refused requests get 429, as nginx\'s limit-req-status-code 429' : `refused requests get 429 instead of nginx's ${status}${defaults.fromConfigMap.has('limit-req-status-code') ? ' (ConfigMap limit-req-status-code)' : ''}`
    for (const {key: k, n, unit} of limits) {
      const per = unit === 'Second' ? 'second' : 'minute'
      ctx.account(
        k,
        'approximate',
        `${n} per ${per} for ${countedPer(key, exempt)}${keyNote}${limits.length > 1 ? ' (limit-rps and limit-rpm both apply, as in nginx)' : ''}; ` +
          `nginx let a client burst to ${n * multiplier} requests (limit-burst-multiplier ${multiplier}) before refusing, Envoy allows ${n} per ${per} with no burst; ` +
          `${statusNote}; Envoy counts per route rule (path) where nginx kept one count per Ingress; both count per replica`,
        {
          hint: `needs Envoy Gateway ${key.kind === 'query' ? 'v1.7+ (queryParams client selectors)' : needsV18 ? 'v1.8+ (sourceCIDR invert, and several local rules with the same client selector)' : 'v1.4+'}${key.kind === 'ip' ? '; the client IP is the one the Gateway\'s ClientTrafficPolicy clientIPDetection finds' : ''}`,
        },
      )
    }
    if (multiplierSet !== undefined) {
      ctx.account('limit-burst-multiplier', 'approximate', `Envoy Gateway's local rate limit has no burst: the bucket holds exactly the per-unit limit, where nginx allowed ${multiplierSet} times as much at once`)
    }
    if (allowlist !== undefined) {
      if (exempt !== undefined) {
        ctx.account('limit-allowlist', 'exact', `${exempt} is not rate limited: the rules count only clients outside it (sourceCIDR invert)${ranges.length < allowlist.length ? `; ${allowlist.filter((c) => c !== exempt).join(', ')} ${allowlist.length - 1 > 1 ? 'lie' : 'lies'} inside it` : ''}`, {
          level: 'info',
          code: 'rate-limit-allowlist',
        })
      } else if (ranges.length === 0) {
        ctx.account('limit-allowlist', 'ignored', 'an empty list exempts nobody, in nginx as here')
      } else {
        ctx.account(
          'limit-allowlist',
          'manual',
          `${ranges.join(', ')} were exempt from nginx's rate limits; Envoy Gateway evaluates only one sourceCIDR per rate-limit rule (envoyproxy/gateway#10025), so several ranges cannot be exempted and these clients are rate limited like any other`,
          {hint: 'reduce the allowlist to one CIDR that covers these clients (the rules then skip it with invert: true), or stop rate limiting this Ingress for them by other means (a separate Gateway listener or a limit in the backend)'},
        )
      }
    }
  },
}
