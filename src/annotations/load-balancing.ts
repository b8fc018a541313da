import {parseBool, parseEnum, parseInt10} from '../model/parsers.js'
import {objectRef} from '../model/diagnostics.js'
import {tlsBackendVerified} from './backend-protocol.js'
import {answersWithRedirect} from './headers.js'
import type {IngressInput} from '../model/ingress-model.js'
import type {UpstreamDecision} from '../model/upstream-decisions.js'
import type {AnnotationFamily, FamilyContext} from './types.js'
import type {ParseResult} from '../model/parsers.js'
import {toGatewayDuration} from '../model/units.js'
import type {BackendTrafficPolicySpecLoadBalancer, BackendTrafficPolicySpecLoadBalancerConsistentHash, BackendTrafficPolicySpecLoadBalancerConsistentHashCookie} from '../model/generated/index.js'
import {diagnostic} from '../model/catalogue/diagnostic.js'
import {STICKINESS_LOST_TLS, type InheritedUpstream} from '../model/catalogue/annotations.js'

/**
 * affinity + session-cookie-*, upstream-hash-by, load-balance, service-upstream -> BackendTrafficPolicy
 * loadBalancer (ConsistentHash Cookie / SourceIP / Headers / QueryParams, RoundRobin, LeastRequest) and routingType.
 *
 * ingress-nginx picks one balancer per upstream (balancer.lua): cookie affinity first, then upstream-hash-by, then
 * load-balance. Its "balanced" sticky cookie carries a random key that is consistently hashed onto the endpoints,
 * which is what Envoy's cookie hash does with the cookie it generates (a session cookie when ttl is 0s; without a
 * ttl Envoy generates none and only follows a cookie the client sends). These are upstream-level settings: one
 * upstream per Service:port, decided across the Ingresses that use it (src/translate/upstreams.ts), so every route
 * to a Service:port carries the same balancer, whichever Ingress it comes from; rules of one Ingress whose Services
 * are balanced differently get rule-level policies (emit-policies.ts).
 */

const DEFAULT_COOKIE_NAME = 'INGRESSCOOKIE'

/** parser.BasicCharsRegex, applied after removing spaces. */
const BASIC_CHARS = /^[-._~a-zA-Z0-9/:]*$/
/** parser.URLIsValidRegex, applied after removing spaces. */
const URL_CHARS = /^[-._~a-zA-Z0-9/:?&=]*$/
/** affinityCookieExpiresRegex, read as intended (a whole signed integer). */
const COOKIE_SECONDS = /^(0|-?[1-9]\d*)$/
/** The upstream-hash-by validator (hashByRegex), applied after removing spaces. */
const HASH_BY = /^[A-Za-z0-9_${}-]*$/

const SAMESITE: Record<string, string> = {none: 'None', lax: 'Lax', strict: 'Strict'}

function charsParser(pattern: RegExp, what: string) {
  return (value: string): ParseResult<string> => {
    const v = value.replace(/ /g, '')
    return v !== '' && pattern.test(v) ? {ok: true, value: v} : {ok: false, reason: `"${value}" is not a valid ${what}`}
  }
}

function parseCookieSeconds(value: string): ParseResult<number> {
  const v = value.replace(/ /g, '')
  return COOKIE_SECONDS.test(v) ? {ok: true, value: Number(v)} : {ok: false, reason: `"${value}" is not a number of seconds`}
}

function parseSameSite(value: string): ParseResult<string> {
  const v = SAMESITE[value.trim().toLowerCase()]
  return v ? {ok: true, value: v} : {ok: false, reason: `"${value}" is not None, Lax or Strict`}
}

function parseHashBy(value: string): ParseResult<string> {
  const v = value.replace(/ /g, '')
  return HASH_BY.test(v) ? {ok: true, value: v} : {ok: false, reason: `"${value}" is not an nginx variable expression (letters, digits, _, -, $, { and })`}
}

type HashSource = {kind: 'ip'} | {kind: 'header' | 'cookie' | 'arg'; name: string} | {kind: 'other'; name: string}

/** The nginx variables of an upstream-hash-by expression (`$remote_addr`, `${http_x_user}`), literal text dropped. */
export function hashSources(expression: string): {sources: HashSource[]; literal: boolean} {
  const sources: HashSource[] = []
  const rest = expression.replace(/\$\{([A-Za-z0-9_]+)\}|\$([A-Za-z0-9_]+)/g, (_m, braced: string | undefined, bare: string | undefined) => {
    const name = (braced ?? bare)!
    let m: RegExpExecArray | null
    if (name === 'remote_addr' || name === 'binary_remote_addr') sources.push({kind: 'ip'})
    else if ((m = /^http_(.+)$/.exec(name)) && name !== 'http_host') sources.push({kind: 'header', name: m[1]!.replace(/_/g, '-').toLowerCase()})
    else if ((m = /^cookie_(.+)$/.exec(name))) sources.push({kind: 'cookie', name: m[1]!})
    else if ((m = /^arg_(.+)$/.exec(name))) sources.push({kind: 'arg', name: m[1]!})
    else sources.push({kind: 'other', name})
    return ''
  })
  return {sources, literal: rest !== ''}
}

/** Envoy Gateway consistentHash for an upstream-hash-by expression, or why there is none. */
function consistentHashFor(expression: string): {hash: BackendTrafficPolicySpecLoadBalancerConsistentHash; what: string} | {reason: string} {
  const {sources} = hashSources(expression)
  if (sources.length === 0) return {reason: `"${expression}" has no nginx variable: nginx hashed a constant and sent every request to one endpoint`}
  const other = sources.filter((s) => s.kind === 'other').map((s) => `$${(s as {name: string}).name}`)
  if (other.length > 0) {
    return {reason: `${other.join(', ')} ${other.length > 1 ? 'have' : 'has'} no Envoy Gateway equivalent: it hashes only on the client IP, request headers, one cookie or query parameters (no path, URI or host hash)`}
  }
  const kinds = new Set(sources.map((s) => s.kind))
  if (kinds.size > 1) return {reason: `"${expression}" mixes ${[...kinds].join(' and ')}; Envoy Gateway hashes on one kind of input`}
  const names = [...new Set(sources.map((s) => (s as {name?: string}).name).filter((n): n is string => n !== undefined))]
  switch (sources[0]!.kind) {
    case 'ip':
      return {hash: {type: 'SourceIP'}, what: 'the client IP'}
    case 'header':
      return {hash: {type: 'Headers', headers: names.map((name) => ({name}))}, what: `request header${names.length > 1 ? 's' : ''} ${names.join(', ')}`}
    case 'arg':
      return {hash: {type: 'QueryParams', queryParams: names.map((name) => ({name}))}, what: `query parameter${names.length > 1 ? 's' : ''} ${names.join(', ')}`}
    default:
      if (names.length > 1) return {reason: `"${expression}" combines several cookies; Envoy Gateway hashes on one cookie`}
      return {hash: {type: 'Cookie', cookie: {name: names[0]!}}, what: `cookie ${names[0]}`}
  }
}

/** Longest common prefix of paths, cut at a segment boundary (`/shop/cart`, `/shop/pay` -> `/shop`). */
function commonPathPrefix(paths: string[]): string {
  const split = paths.map((p) => p.split('/').filter((s) => s !== ''))
  const common: string[] = []
  for (let i = 0; split.every((s) => i < s.length && s[i] === split[0]![i]); i++) common.push(split[0]![i]!)
  return `/${common.join('/')}`
}

const REGEX_CHARS = /[()[\]{}|^$*+?\\]/

/** True when every host of the Ingress has a certificate in its own spec.tls and plain HTTP is redirected. */
function servedOnlyOverHttps(ctx: FamilyContext): boolean {
  const spec = ctx.ingress.object.spec ?? {}
  const hosts: string[] = (spec.rules ?? []).map((r: any) => (typeof r?.host === 'string' ? r.host : ''))
  const tlsHosts = new Set<string>((spec.tls ?? []).flatMap((t: any) => (Array.isArray(t?.hosts) ? t.hosts : [])))
  return hosts.length > 0 && hosts.every((h) => h !== '' && tlsHosts.has(h)) && ctx.ingress.settings.sslRedirect.value
}

/** The valid value of another Ingress's annotation (the one that decided an upstream setting). */
function valueOf<T>(ingress: IngressInput, key: string): T | undefined {
  const a = ingress.annotations.get(key)
  return a?.valid ? (a.value as T) : undefined
}

const COOKIE_KEYS = [
  'session-cookie-name',
  'session-cookie-path',
  'session-cookie-domain',
  'session-cookie-expires',
  'session-cookie-max-age',
  'session-cookie-secure',
  'session-cookie-samesite',
  'session-cookie-conditional-samesite-none',
  'session-cookie-change-on-failure',
]
const AFFINITY_KEYS = ['affinity-mode', 'affinity-canary-behavior', ...COOKIE_KEYS]
const HASH_KEYS = ['upstream-hash-by', 'upstream-hash-by-subset', 'upstream-hash-by-subset-size']
const ALL_KEYS = ['affinity', ...AFFINITY_KEYS, ...HASH_KEYS, 'load-balance', 'service-upstream']

function present(ctx: FamilyContext, keys: string[]): string[] {
  return keys.filter((k) => ctx.has(k))
}

/** How the routes of one Ingress to one upstream are balanced, and who decided it. */
interface UpstreamPlan {
  upstream: string
  value: {loadBalancer?: BackendTrafficPolicySpecLoadBalancer; routingType?: 'Service'}
  /** What ingress-nginx did on this upstream: service-upstream, the sticky cookie, the creator's hash or balancer. */
  balancer: 'service' | 'sticky' | 'hash' | 'balance' | 'default'
  /** The Ingress whose annotations decided the balancer (the creator, or the first with affinity). */
  decider: IngressInput
  /** The Ingress that created the upstream (upstream-hash-by, load-balance, service-upstream). */
  creator: IngressInput
  /** The first Ingress with affinity-mode on the upstream. */
  modeFrom?: IngressInput
  /** The Ingress whose session-cookie-* apply (sticky only). */
  cookieFrom?: IngressInput
  /** This Ingress's locations to the upstream set the cookie (it has affinity cookie itself). */
  setsCookie: boolean
  /** Why an expression cannot be hashed on, or how nginx's per-location cookie paths were merged. */
  note?: string
  /** The value is the controller ConfigMap's default (service-upstream), not an annotation's. */
  viaConfigMap?: boolean
}

/**
 * The cookie of a sticky upstream as one Ingress's routes set it: name, lifetime, Domain, SameSite and an explicit
 * Path from the last Ingress with affinity cookie (controller.go getBackendServers); without an explicit Path, nginx
 * used the matched location's path ($location_path) of the Ingress serving the request.
 */
function cookieFor(ctx: FamilyContext, from: IngressInput, paths: string[]): {cookie: BackendTrafficPolicySpecLoadBalancerConsistentHashCookie; pathNote?: string} {
  const name = valueOf<string>(from, 'session-cookie-name') ?? DEFAULT_COOKIE_NAME
  const lifetime = valueOf<number>(from, 'session-cookie-max-age') ?? valueOf<number>(from, 'session-cookie-expires')
  const attributes: Record<string, string> = {}
  let pathNote: string | undefined
  const explicitPath = valueOf<string>(from, 'session-cookie-path')
  if (explicitPath !== undefined) attributes.Path = explicitPath
  else {
    const regex = paths.filter((p) => REGEX_CHARS.test(p))
    if (regex.length > 0) {
      attributes.Path = '/'
      pathNote = `nginx used the path regex ${regex[0]} as the cookie path, which no browser sends back (set session-cookie-path with regex paths), so affinity did not work there; here the cookie path is /`
    } else {
      attributes.Path = paths.length === 0 ? '/' : commonPathPrefix(paths)
      if (paths.length > 1) pathNote = `nginx set one cookie per matched path (${paths.join(', ')}); here a single cookie with Path=${attributes.Path}`
    }
  }
  const domain = valueOf<string>(from, 'session-cookie-domain')
  if (domain !== undefined) attributes.Domain = domain
  const sameSite = valueOf<string>(from, 'session-cookie-samesite')
  if (sameSite !== undefined) attributes.SameSite = sameSite
  // sticky.lua set_cookie: Secure when forced, else when the request came over HTTPS.
  if (valueOf<boolean>(from, 'session-cookie-secure') === true || servedOnlyOverHttps(ctx)) attributes.Secure = ''
  return {cookie: {name, ttl: lifetime !== undefined && lifetime > 0 ? toGatewayDuration(lifetime) : '0s', attributes}, pathNote}
}

/** The balancing of one upstream for this Ingress's routes to it (balancer.lua get_implementation precedence). */
function planFor(ctx: FamilyContext, decision: UpstreamDecision, paths: string[]): UpstreamPlan {
  const defaults = ctx.lookup.controllerDefaults()
  const creator = decision.creator
  // One literal shape for every plan: spreading a shared base into each return was this family's costliest line.
  const plan = (value: UpstreamPlan['value'], balancer: UpstreamPlan['balancer'], decider: IngressInput, more: Pick<UpstreamPlan, 'cookieFrom' | 'note' | 'viaConfigMap'> & {setsCookie?: boolean} = {}): UpstreamPlan => ({
    upstream: decision.key,
    value,
    balancer,
    decider,
    creator,
    modeFrom: decision.modeFrom,
    cookieFrom: more.cookieFrom,
    setsCookie: more.setsCookie ?? false,
    note: more.note,
    viaConfigMap: more.viaConfigMap,
  })
  // serviceupstream/main.go Parse: only a missing annotation falls back to the ConfigMap; an empty or invalid one
  // returns GetBoolAnnotation's false.
  const written = creator.annotations.get('service-upstream')
  const serviceUpstream = written === undefined ? undefined : written.valid && written.value === true
  if (serviceUpstream ?? defaults.serviceUpstream) return plan({routingType: 'Service'}, 'service', creator, {viaConfigMap: serviceUpstream === undefined})
  if (decision.affinityFrom && decision.cookieFrom) {
    const from = decision.cookieFrom
    if (decision.cookieIngresses?.has(ctx.ingress.id) !== true) {
      // nginx's sticky balancer still followed the cookie on this Ingress's paths but never set it here; a cookie
      // hash without ttl does the same in Envoy (no cookie is generated, requests without it are spread).
      const name = valueOf<string>(from, 'session-cookie-name') ?? DEFAULT_COOKIE_NAME
      return plan({loadBalancer: {type: 'ConsistentHash', consistentHash: {type: 'Cookie', cookie: {name}}}}, 'sticky', decision.affinityFrom, {cookieFrom: from})
    }
    const {cookie, pathNote} = cookieFor(ctx, from, paths)
    return plan({loadBalancer: {type: 'ConsistentHash', consistentHash: {type: 'Cookie', cookie}}}, 'sticky', decision.affinityFrom, {cookieFrom: from, setsCookie: true, note: pathNote})
  }
  const hashBy = valueOf<string>(creator, 'upstream-hash-by')
  if (hashBy !== undefined && hashBy !== '') {
    const result = consistentHashFor(hashBy)
    if ('reason' in result) return plan({}, 'hash', creator, {note: result.reason})
    return plan({loadBalancer: {type: 'ConsistentHash', consistentHash: result.hash}}, 'hash', creator, {note: result.what})
  }
  const algorithm = valueOf<string>(creator, 'load-balance')
  if (algorithm === 'round_robin') return plan({loadBalancer: {type: 'RoundRobin'}}, 'balance', creator)
  if (algorithm === 'ewma') return plan({loadBalancer: {type: 'LeastRequest'}}, 'balance', creator)
  return plan({}, algorithm === undefined ? 'default' : 'balance', creator)
}

const CREATOR_RULE = 'nginx takes service-upstream from the Ingress that created the upstream (the oldest one using the Service:port, controller.go createUpstreams)'
const BALANCER_RULE =
  'nginx balances an upstream as one Ingress decides: the one that created it (the oldest using the Service:port, controller.go createUpstreams) for upstream-hash-by and load-balance, unless an Ingress with affinity cookie made it sticky, which takes precedence (balancer.lua)'
const COOKIE_RULE = 'nginx takes the cookie settings of an upstream from the last Ingress with affinity cookie on it (controller.go getBackendServers merges affinity per Service:port)'
const MODE_RULE = 'nginx takes affinity-mode from the first Ingress that sets it on the upstream (controller.go getBackendServers)'

/** One plan per upstream (Service:port) this Ingress routes to, with the Ingress's paths to it. */
function upstreamPlans(ctx: FamilyContext): UpstreamPlan[] {
  const shared = ctx.lookup.sharedSettings()
  const byUpstream = new Map<UpstreamDecision, {decision: UpstreamDecision; paths: string[]}>()
  for (const b of shared.backendsOf(ctx.ingress)) {
    const decision = shared.upstream(ctx.ingress, b)
    if (!decision) continue
    const entry = byUpstream.get(decision) ?? {decision, paths: []}
    if (!entry.paths.includes(b.path)) entry.paths.push(b.path)
    byUpstream.set(decision, entry)
  }
  return [...byUpstream.values()].map(({decision, paths}) => planFor(ctx, decision, paths.length > 1 ? paths.sort() : paths))
}

/**
 * True when this Ingress's routes balance an upstream by consistent hash (the loadBalancer fragment the family
 * writes): backend-protocol reads it here, from the same upstream decisions, not from the family's output.
 */
export function balancesByConsistentHash(ctx: FamilyContext): boolean {
  if (ctx.ingress.isCanary || answersWithRedirect(ctx)) return false
  return upstreamPlans(ctx).some((p) => p.value.loadBalancer?.type === 'ConsistentHash')
}

/** This Ingress's own keys, where no other Ingress decided them (accountOverridden ran first). */
function accountOwn(ctx: FamilyContext, plans: UpstreamPlan[]): void {
  if (ctx.value<boolean>('service-upstream') === true) {
    ctx.account('service-upstream', 'exact', 'routingType: Service sends requests to the Service ClusterIP, as nginx did', {level: 'info', code: 'routing-type-service', hint: 'needs Envoy Gateway v1.7+'})
  }
  const routed = plans.filter((p) => p.balancer !== 'service')
  if (plans.length > 0 && routed.length === 0) {
    for (const key of present(ctx, ALL_KEYS).filter((k) => k !== 'service-upstream')) {
      ctx.account(key, 'ignored', 'has no effect with service-upstream: every request goes to the one ClusterIP address, in nginx as in Envoy')
    }
    return
  }
  if (ctx.value<string>('affinity') === 'cookie') {
    accountCookieAffinity(ctx, plans)
    for (const key of present(ctx, [...HASH_KEYS, 'load-balance'])) ctx.account(key, 'ignored', 'cookie affinity takes precedence (ingress-nginx balancer.lua), in nginx as here')
    return
  }
  for (const key of present(ctx, AFFINITY_KEYS)) ctx.account(key, 'ignored', 'has no effect without affinity: "cookie"')
  const hashBy = ctx.value<string>('upstream-hash-by')
  const algorithm = ctx.value<string>('load-balance')
  if (hashBy === '') ctx.account('upstream-hash-by', 'ignored', 'an empty value turns consistent hashing off, in nginx as here')
  if (hashBy !== undefined && hashBy !== '') {
    accountHashBy(ctx, hashBy)
    if (algorithm !== undefined) ctx.account('load-balance', 'ignored', 'upstream-hash-by takes precedence (ingress-nginx balancer.lua), in nginx as here')
    return
  }
  for (const key of present(ctx, ['upstream-hash-by-subset', 'upstream-hash-by-subset-size'])) ctx.account(key, 'ignored', 'has no effect without upstream-hash-by')
  if (algorithm !== undefined) accountLoadBalance(ctx, algorithm)
}

/**
 * Consistent hashing over an unverified TLS backend: only an Envoy Gateway Backend can skip verification, and it
 * connects to the Service's cluster DNS name (one address, kube-proxy spreads the connections), so the hash has one
 * endpoint to choose from and nothing sticks. Verified backends keep the pods (backend-protocol routes to the Service
 * with a BackendTLSPolicy then).
 */
function reportTlsStickiness(ctx: FamilyContext, plans: UpstreamPlan[]): void {
  if (tlsBackendVerified(ctx) !== false || !plans.some((p) => p.value.loadBalancer?.type === 'ConsistentHash')) return
  const message = STICKINESS_LOST_TLS
  const hint =
    'to keep stickiness, verify the backend (proxy-ssl-secret with ca.crt and proxy-ssl-verify "on", or --backend-tls=verify): the route then reaches the Service itself with a BackendTLSPolicy; or point the Backend\'s fqdn at a headless Service (clusterIP: None) selecting the same pods, whose DNS name resolves to every pod'
  const key = ctx.value<string>('affinity') === 'cookie' ? 'affinity' : ctx.value<string>('upstream-hash-by') ? 'upstream-hash-by' : undefined
  if (key && !ctx.accounted(key)) ctx.account(key, 'manual', message, {hint, code: 'stickiness-lost-tls'})
  else ctx.diag(diagnostic('stickiness-lost-tls', {}, {level: 'warning', hint}))
}

/** `Service ns/name:port` of an upstream key. */
/** An upstream key (`namespace/name/port`) as `namespace/name:port`. */
function upstreamName(upstream: string): string {
  const [ns, name, port] = upstream.split('/')
  return `${ns}/${name}:${port}`
}

function serviceOf(upstream: string): string {
  return `Service ${upstreamName(upstream)}`
}

/**
 * The fragments of this Ingress's BackendTrafficPolicy for its upstreams: one per distinct setting, each for the
 * upstreams (route rules) it applies to; values another Ingress decided carry that Ingress as a source.
 */
function pushPlans(ctx: FamilyContext, plans: UpstreamPlan[]): void {
  const groups = new Map<string, UpstreamPlan[]>()
  for (const p of plans) {
    if (Object.keys(p.value).length === 0) continue
    const key = JSON.stringify(p.value)
    groups.set(key, [...(groups.get(key) ?? []), p])
  }
  const me = ctx.ingress
  for (const group of groups.values()) {
    const keys = new Set<string>()
    const sources = new Set<string>()
    for (const p of group) {
      // The Ingress whose annotations shaped the value: the cookie's for a sticky upstream, else the creator's.
      const shaper = p.balancer === 'sticky' ? p.cookieFrom! : p.decider
      if (shaper !== me && !p.viaConfigMap) sources.add(objectRef('Ingress', shaper.ref))
      if (p.balancer === 'service' && p.decider === me) keys.add('service-upstream')
      if (p.balancer === 'hash' && p.decider === me) present(ctx, HASH_KEYS).forEach((k) => keys.add(k))
      if (p.balancer === 'balance' && p.decider === me) keys.add('load-balance')
      if (p.balancer === 'sticky' && p.setsCookie) {
        keys.add('affinity')
        if (p.cookieFrom === me) {
          const shaping = ['session-cookie-name', 'session-cookie-path', 'session-cookie-domain', 'session-cookie-samesite', 'session-cookie-secure', 'session-cookie-max-age']
          if (ctx.value('session-cookie-max-age') === undefined) shaping.push('session-cookie-expires')
          shaping.filter((k) => ctx.value(k) !== undefined).forEach((k) => keys.add(k))
        }
      }
    }
    // Two upstreams of one Service:port (its port by name and by number) route through the same rules.
    const upstreams = [...new Set(group.map((p) => p.upstream))]
    const first = group[0]!.value
    const from = [...keys].map((k) => ctx.fullKey(k))
    const extra = sources.size > 0 ? {sources: [...sources].sort()} : {}
    if (first.loadBalancer) ctx.patch.policies.push({kind: 'BackendTrafficPolicy', path: 'loadBalancer', value: first.loadBalancer, from, upstreams, ...extra})
    if (first.routingType) ctx.patch.policies.push({kind: 'BackendTrafficPolicy', path: 'routingType', value: first.routingType, from, upstreams, ...extra})
  }
}

/**
 * Keys of this Ingress that another Ingress overrode on some of its upstreams: ignored where that is every upstream,
 * approximate where only some; accounted before the family's own messages, which then apply to the rest.
 */
function accountOverridden(ctx: FamilyContext, keys: string[], plans: UpstreamPlan[], deciderOf: (p: UpstreamPlan) => IngressInput | undefined, rule: string): void {
  const me = ctx.ingress
  const theirs = plans.filter((p) => {
    const d = deciderOf(p)
    return d !== undefined && d !== me
  })
  if (theirs.length === 0) return
  const where = theirs.map((p) => `${serviceOf(p.upstream)} (Ingress ${deciderOf(p)!.id})`).join(', ')
  const all = theirs.length === plans.length
  for (const key of present(ctx, keys)) {
    ctx.account(
      key,
      all ? 'ignored' : 'approximate',
      `${rule}: on ${where} that is another Ingress, whose setting the routes of this Ingress carry${all ? '' : '; on its other Services this value applies'}`,
      {code: 'upstream-setting-overridden'},
    )
  }
}

/** Cookie affinity of this Ingress, after the upstream merge (its own cookie where it is the last one with affinity). */
function accountCookieAffinity(ctx: FamilyContext, plans: UpstreamPlan[]): void {
  const sticky = plans.filter((p) => p.balancer === 'sticky' && p.setsCookie)
  const own = sticky.find((p) => p.cookieFrom === ctx.ingress) ?? sticky[0]
  if (!own) {
    ctx.account('affinity', 'ignored', 'no path of this Ingress reaches a Service it routes to (see the path messages), so there is nothing to make sticky')
    return
  }
  const cookie = own.value.loadBalancer!.consistentHash!.cookie!
  const lifetime = cookie.ttl === '0s' ? 'a session cookie' : `Max-Age ${cookie.ttl}`
  const notes = [
    `Envoy generates the cookie "${cookie.name}" (${lifetime}, HttpOnly as nginx's) and consistently hashes it onto the endpoints like nginx's balanced mode; cookies nginx issued are re-hashed, so each client is re-pinned once at cutover`,
  ]
  for (const p of sticky) if (p.note) notes.push(p.note)
  const others = sticky.filter((p) => p.cookieFrom !== ctx.ingress)
  if (others.length > 0) {
    notes.push(`the cookie of ${others.map((p) => `${serviceOf(p.upstream)} is the one Ingress ${p.cookieFrom!.id} configures (the last Ingress with affinity cookie on it, controller.go getBackendServers)`).join('; ')}`)
  }
  const forcedSecure = sticky.some((p) => p.cookieFrom && valueOf<boolean>(p.cookieFrom, 'session-cookie-secure') === true)
  if (!forcedSecure && !servedOnlyOverHttps(ctx) && (ctx.ingress.object.spec?.tls ?? []).length > 0) {
    notes.push('nginx added Secure on HTTPS requests only; this route also answers plain HTTP, so the cookie is not marked Secure')
  }
  ctx.account('affinity', 'approximate', notes.join('; '), {hint: 'needs Envoy Gateway v1.1+ (consistentHash type Cookie with attributes)'})

  const mode = ctx.value<string>('affinity-mode')
  if (mode === 'persistent') {
    ctx.account('affinity-mode', 'approximate', 'nginx never moved a session while its endpoint lived; Envoy\'s consistent hashing moves about 1/N of the sessions when endpoints are added (like nginx\'s balanced mode)', {
      hint: 'for strict stickiness, Gateway API HTTPRoute sessionPersistence (experimental channel) pins the cookie to one endpoint',
    })
  } else if (mode === 'balanced') ctx.account('affinity-mode', 'exact')
  const canaryBehavior = ctx.value<string>('affinity-canary-behavior')
  if (canaryBehavior === 'sticky') {
    ctx.account('affinity-canary-behavior', 'approximate', 'nginx kept a client that once got the canary on the canary; Envoy picks primary or canary by weight on every request')
  } else if (canaryBehavior === 'legacy') ctx.account('affinity-canary-behavior', 'exact', 'the canary is picked by weight on every request, as in Envoy', {level: 'info', code: 'canary-affinity-legacy'})
  accountCookieAttributes(ctx, own.note !== undefined)
}

function accountCookieAttributes(ctx: FamilyContext, pathMerged: boolean): void {
  const maxAge = ctx.value<number>('session-cookie-max-age')
  const expires = ctx.value<number>('session-cookie-expires')
  if (maxAge !== undefined && expires !== undefined) {
    ctx.account('session-cookie-expires', 'ignored', `browsers honour Max-Age over Expires, and Envoy sets Max-Age from session-cookie-max-age (${maxAge}s)`)
  }
  for (const [key, v] of [['session-cookie-max-age', maxAge], ['session-cookie-expires', expires]] as const) {
    if (v !== undefined && v <= 0) {
      ctx.account(key, 'approximate', `${v} made nginx's cookie expire at once, so nothing stuck; Envoy issues a session cookie instead (a TTL of 0 cannot be expired)`)
    }
  }
  if (ctx.value<boolean>('session-cookie-conditional-samesite-none') === true) {
    if (ctx.value<string>('session-cookie-samesite') === 'None') {
      ctx.account('session-cookie-conditional-samesite-none', 'approximate', 'nginx left out SameSite=None for browsers that reject it (Chrome 51-66, Safari on iOS 12 / macOS 10.14); Envoy sends it to every browser')
    } else ctx.account('session-cookie-conditional-samesite-none', 'ignored', 'has no effect unless session-cookie-samesite is None')
  }
  if (ctx.value<boolean>('session-cookie-change-on-failure') === true) {
    ctx.account('session-cookie-change-on-failure', 'approximate', 'nginx re-pinned the client to another endpoint when its endpoint failed; Envoy keeps the cookie, so the client comes back to the failed endpoint until it leaves the endpoint set (passive health checks eject it sooner)')
  }
  if (ctx.value<string>('session-cookie-path') !== undefined && !pathMerged) ctx.account('session-cookie-path', 'exact')
}

function accountHashBy(ctx: FamilyContext, expression: string): void {
  const result = consistentHashFor(expression)
  const subset = ctx.value<boolean>('upstream-hash-by-subset') === true
  if ('reason' in result) {
    ctx.account('upstream-hash-by', 'manual', `${result.reason}; no consistent hashing is emitted`, {
      hint: 'choose an input Envoy Gateway can hash on (loadBalancer.consistentHash: SourceIP, Headers, Cookie or QueryParams) in this Ingress\'s BackendTrafficPolicy, or keep plain load balancing',
    })
    for (const k of ['upstream-hash-by-subset', 'upstream-hash-by-subset-size']) if (ctx.has(k)) ctx.account(k, 'ignored', 'follows upstream-hash-by, which is not translated')
    return
  }
  const type = result.hash.type
  const missing =
    type === 'SourceIP'
      ? ''
      : `; requests without the ${type === 'Cookie' ? 'cookie' : type === 'Headers' ? 'header' : 'parameter'} all went to one endpoint in nginx (the hash of an empty value), Envoy spreads them`
  ctx.account(
    'upstream-hash-by',
    type === 'SourceIP' ? 'exact' : 'approximate',
    type === 'SourceIP' ? undefined : `"${expression}" -> consistent hash on ${result.what}${missing}`,
    {hint: type === 'Headers' ? 'needs Envoy Gateway v1.6+ (consistentHash type Headers; the deprecated singular header field is not used)' : type === 'QueryParams' ? 'needs Envoy Gateway v1.7+ (consistentHash type QueryParams)' : undefined},
  )
  if (subset) {
    const size = ctx.value<number>('upstream-hash-by-subset-size') ?? 3
    ctx.account('upstream-hash-by-subset', 'approximate', `nginx spread each hash key over a subset of ${size} endpoints (random inside the subset); Envoy sends each key to one endpoint`)
    if (ctx.has('upstream-hash-by-subset-size')) ctx.account('upstream-hash-by-subset-size', 'approximate', 'Envoy has no hash subsets: each key goes to one endpoint')
  } else if (ctx.has('upstream-hash-by-subset-size')) {
    ctx.account('upstream-hash-by-subset-size', 'ignored', 'has no effect unless upstream-hash-by-subset is true')
  }
}

function accountLoadBalance(ctx: FamilyContext, algorithm: string): void {
  if (algorithm === 'round_robin') ctx.account('load-balance', 'exact')
  else if (algorithm === 'ewma') {
    ctx.account('load-balance', 'approximate', 'nginx\'s ewma prefers the endpoint with the lowest moving average of response times; Envoy\'s LeastRequest prefers the one with the fewest requests in flight')
  } else {
    ctx.account('load-balance', 'manual', `"${algorithm}" is nginx's internal balancer for ${algorithm.startsWith('sticky') ? 'cookie affinity' : 'upstream-hash-by'}, which this Ingress does not configure; nothing is emitted`, {
      hint: algorithm.startsWith('sticky') ? 'add affinity: cookie (and session-cookie-*) instead, or use round_robin' : 'add upstream-hash-by with the variable to hash on instead, or use round_robin',
    })
  }
}

/**
 * Settings this Ingress did not write but its routes carry: nginx balanced the upstream as another Ingress decided,
 * so do the routes here, and the report names that Ingress.
 */
function reportInherited(ctx: FamilyContext, plans: UpstreamPlan[]): void {
  const me = ctx.ingress
  const upstreams: InheritedUpstream[] = []
  for (const p of plans) {
    if (Object.keys(p.value).length === 0) continue
    const service = upstreamName(p.upstream)
    if (p.viaConfigMap) {
      upstreams.push({service, setting: 'configmap-service-upstream', decider: p.decider.id})
      continue
    }
    if (p.balancer === 'sticky' && !p.setsCookie) {
      const cookie = valueOf<string>(p.cookieFrom!, 'session-cookie-name') ?? DEFAULT_COOKIE_NAME
      upstreams.push({service, setting: 'followed-cookie', decider: p.decider.id, cookie, cookieFrom: p.cookieFrom!.id})
    } else if (p.balancer === 'sticky') {
      if (p.cookieFrom !== me) upstreams.push({service, setting: 'cookie-settings', cookieFrom: p.cookieFrom!.id})
    } else if (p.decider === me) {
      continue
    } else if (p.balancer === 'service') {
      upstreams.push({service, setting: 'service-upstream', decider: p.decider.id})
    } else if (p.balancer === 'hash') {
      upstreams.push({service, setting: 'hash', decider: p.decider.id, hashOn: p.note})
    } else {
      upstreams.push({service, setting: 'balancer', decider: p.decider.id, type: p.value.loadBalancer!.type})
    }
  }
  if (upstreams.length === 0) return
  ctx.diag(diagnostic('upstream-settings-from-ingress', {upstreams}))
}

export const loadBalancingFamily: AnnotationFamily = {
  name: 'load-balancing',
  specs: [
    {
      key: 'affinity',
      summary: 'Sticky sessions with a cookie (the only type is cookie)',
      fidelity: 'approximate',
      target: 'BackendTrafficPolicy loadBalancer ConsistentHash type Cookie (ttl 0s = session cookie, attributes Path/Domain/SameSite/Secure)',
      note: 'Envoy consistently hashes its own cookie onto the endpoints like nginx\'s balanced mode; nginx\'s existing cookies are re-hashed, so clients are re-pinned once at cutover',
      parse: parseEnum(['cookie'] as const),
    },
    {
      key: 'affinity-mode',
      summary: 'balanced (sessions may move when endpoints are added) or persistent (never)',
      fidelity: 'exact',
      target: 'consistent hashing (balanced); persistent is approximate',
      default: 'balanced',
      parse: parseEnum(['balanced', 'persistent'] as const),
    },
    {
      key: 'affinity-canary-behavior',
      summary: 'sticky: clients that got the canary stay on it; legacy: decide per request',
      fidelity: 'approximate',
      target: 'none: Envoy picks weighted backends per request',
      note: 'Envoy picks primary or canary by weight on every request; nginx\'s sticky default kept a client on the canary',
      default: 'sticky',
      parse: parseEnum(['sticky', 'legacy'] as const),
    },
    {
      key: 'session-cookie-name',
      summary: 'Name of the affinity cookie',
      fidelity: 'exact',
      target: 'consistentHash.cookie.name',
      default: DEFAULT_COOKIE_NAME,
      parse: charsParser(BASIC_CHARS, 'cookie name'),
    },
    {
      key: 'session-cookie-path',
      summary: 'Path attribute of the affinity cookie (default: the matched Ingress path)',
      fidelity: 'exact',
      target: 'consistentHash.cookie.attributes.Path',
      parse: charsParser(URL_CHARS, 'cookie path'),
    },
    {
      key: 'session-cookie-domain',
      summary: 'Domain attribute of the affinity cookie',
      fidelity: 'exact',
      target: 'consistentHash.cookie.attributes.Domain',
      parse: charsParser(BASIC_CHARS, 'cookie domain'),
    },
    {
      key: 'session-cookie-expires',
      summary: 'Expires attribute, seconds from now (legacy form of max-age)',
      fidelity: 'exact',
      target: 'consistentHash.cookie.ttl (Max-Age, when session-cookie-max-age is not set)',
      parse: parseCookieSeconds,
    },
    {
      key: 'session-cookie-max-age',
      summary: 'Max-Age attribute in seconds (without it and expires: a session cookie)',
      fidelity: 'exact',
      target: 'consistentHash.cookie.ttl',
      parse: parseCookieSeconds,
    },
    {
      key: 'session-cookie-secure',
      summary: 'Always mark the cookie Secure (by default only on HTTPS requests)',
      fidelity: 'exact',
      target: 'consistentHash.cookie.attributes.Secure',
      default: 'false',
      parse: parseBool,
    },
    {
      key: 'session-cookie-samesite',
      summary: 'SameSite attribute: None, Lax or Strict',
      fidelity: 'exact',
      target: 'consistentHash.cookie.attributes.SameSite',
      parse: parseSameSite,
    },
    {
      key: 'session-cookie-conditional-samesite-none',
      summary: 'Leave out SameSite=None for browsers known to reject it',
      fidelity: 'approximate',
      target: 'none: Envoy sends the same attributes to every browser',
      note: 'Envoy sends SameSite=None to every browser, including the old ones nginx spared',
      default: 'false',
      parse: parseBool,
    },
    {
      key: 'session-cookie-change-on-failure',
      summary: 'Re-pin the client to another endpoint after a failed attempt',
      fidelity: 'exact',
      target: 'none needed for false; true is approximate',
      default: 'false',
      parse: parseBool,
    },
    {
      key: 'upstream-hash-by',
      summary: 'Consistent hashing on an nginx variable expression ($remote_addr, $http_x, $cookie_x, $arg_x, $request_uri)',
      fidelity: 'approximate',
      target: 'BackendTrafficPolicy loadBalancer ConsistentHash SourceIP / Headers / Cookie / QueryParams',
      note: '$remote_addr is exact; headers, cookies and query parameters hash the same way but requests without them are spread instead of all going to one endpoint; $request_uri, $uri and $host have no equivalent (manual)',
      parse: parseHashBy,
    },
    {
      key: 'upstream-hash-by-subset',
      summary: 'Hash each key onto a subset of endpoints and pick one at random inside it',
      fidelity: 'approximate',
      target: 'none: Envoy hashes each key onto one endpoint',
      note: 'Envoy has no hash subsets: each key goes to one endpoint instead of being spread over a subset',
      default: 'false',
      parse: parseBool,
    },
    {
      key: 'upstream-hash-by-subset-size',
      summary: 'Endpoints per hash subset',
      fidelity: 'approximate',
      target: 'none',
      note: 'Envoy has no hash subsets',
      default: '3',
      parse: parseInt10,
    },
    {
      key: 'load-balance',
      summary: 'Balancing algorithm: round_robin (default) or ewma',
      fidelity: 'exact',
      target: 'BackendTrafficPolicy loadBalancer RoundRobin (round_robin) / LeastRequest (ewma, approximate)',
      default: 'round_robin',
      parse: parseEnum(['round_robin', 'chash', 'chashsubset', 'sticky_balanced', 'sticky_persistent', 'ewma'] as const),
    },
    {
      key: 'service-upstream',
      summary: 'Proxy to the Service ClusterIP instead of the endpoints',
      fidelity: 'exact',
      target: 'BackendTrafficPolicy routingType: Service',
      default: 'false',
      parse: parseBool,
    },
  ],
  always: true,
  apply(ctx) {
    if (ctx.ingress.isCanary) {
      for (const key of present(ctx, ALL_KEYS)) {
        ctx.account(key, 'approximate', 'the canary backend is merged into the primary Ingress\'s route, whose BackendTrafficPolicy (from the primary\'s annotations) balances both backends; this canary setting is not applied separately', {
          code: 'canary-load-balancing',
        })
      }
      return
    }
    if (answersWithRedirect(ctx)) {
      for (const key of present(ctx, ALL_KEYS)) ctx.account(key, 'ignored', 'the Ingress answers every path with a redirect (permanent/temporal-redirect), which nginx returns before choosing an endpoint')
      return
    }
    const plans = upstreamPlans(ctx)
    // Most Ingresses write no key of this family and every upstream they route to is balanced as nginx does by
    // default: each step below acts only on a key the Ingress wrote or on a plan with a value, so none has work.
    if (plans.every((p) => p.value.loadBalancer === undefined && p.value.routingType === undefined) && !ALL_KEYS.some((k) => ctx.has(k))) return
    pushPlans(ctx, plans)
    reportInherited(ctx, plans)
    accountOverridden(ctx, ['service-upstream'], plans, (p) => p.creator, CREATOR_RULE)
    accountOverridden(ctx, [...HASH_KEYS, 'load-balance'], plans, (p) => (p.balancer === 'sticky' ? p.decider : p.creator), BALANCER_RULE)
    accountOverridden(ctx, COOKIE_KEYS, plans.filter((p) => p.setsCookie), (p) => p.cookieFrom, COOKIE_RULE)
    accountOverridden(ctx, ['affinity-mode'], plans.filter((p) => p.balancer === 'sticky'), (p) => p.modeFrom, MODE_RULE)
    reportTlsStickiness(ctx, plans)
    accountOwn(ctx, plans)
  },
}
