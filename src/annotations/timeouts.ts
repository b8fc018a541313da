import {type ControllerDefaults, describeDefault} from '../model/controller-defaults.js'
import {parseInt10} from '../model/parsers.js'
import {parseNginxSize, toGatewayDuration} from '../model/units.js'
import type {AnnotationFamily, FamilyContext} from './types.js'
import type {ParseResult} from '../model/parsers.js'
import {diagnostic} from '../model/catalogue/diagnostic.js'

/**
 * proxy-connect/read/send-timeout, proxy-next-upstream(-tries/-timeout) -> BackendTrafficPolicy timeout and retry.
 *
 * nginx's read and send timeouts are inactivity timers (the gap between two reads from, or two writes to, the
 * backend), not deadlines; Envoy's stream idle timeout is the closest, and it runs in both directions at once, so
 * it takes the larger of the two so that neither phase is cut earlier than under nginx. Retries are one coherent
 * block built from the retry annotations: a `retry` with only `numRetries` would silently change the conditions to
 * Envoy's defaults. A value the Ingress does not set is the controller ConfigMap's, else nginx's default, as the
 * annotation parser reads it (proxy/main.go Parse: `config.ReadTimeout = defBackend.ProxyReadTimeout`), and the
 * ConfigMap's retry-non-idempotent adds non_idempotent to every location (template.go buildNextUpstream).
 *
 * Envoy's 15s deadline for a whole request, which nginx does not have, is lifted by the route emitter for every
 * route (NO_REQUEST_DEADLINE in emit-routes.ts), not here: no timeout annotation derives a request deadline.
 */

/**
 * A read or send timeout this long marks connections that stay open through long silences: WebSockets (ingress-nginx
 * docs/user-guide/miscellaneous.md "Websockets": raise both "higher than one hour (3600)"; charts that serve them ship
 * 1800, Rancher's among them) and long streams. Envoy Gateway refuses protocol upgrades on a route that has
 * requestBuffer (xds translator route.go buildUpgradeConfig), so such a route must not get one.
 */
export const LONG_LIVED_SECONDS = 1800

/** A read or send timeout of at least LONG_LIVED_SECONDS, with what set it. */
export interface LongLived {
  key: 'proxy-read-timeout' | 'proxy-send-timeout'
  seconds: number
  /** The Ingress's annotation (full key) or "the ConfigMap's <key>", for messages. */
  label: string
  /** The value is the controller ConfigMap's: every location without the annotation has it. */
  fromConfigMap: boolean
}

const LONG_KEYS = ['proxy-read-timeout', 'proxy-send-timeout'] as const

/**
 * The controller ConfigMap's read or send timeout when it marks every location as long-lived (nginx's own defaults,
 * 60s, do not): the Gateway-level requestBuffer (--nginx-defaults) would then refuse upgrades on every route.
 */
export function longLivedDefault(defaults: Pick<ControllerDefaults, 'proxyReadTimeout' | 'proxySendTimeout'>): {key: (typeof LONG_KEYS)[number]; seconds: number} | undefined {
  for (const key of LONG_KEYS) {
    const seconds = key === 'proxy-read-timeout' ? defaults.proxyReadTimeout : defaults.proxySendTimeout
    if (seconds >= LONG_LIVED_SECONDS) return {key, seconds}
  }
  return undefined
}

/**
 * The read or send timeout that marks this Ingress's connections as long-lived, if any: the annotation where it is
 * valid, else the controller ConfigMap's value, which nginx gives every location without the annotation (proxy/main.go
 * Parse: `config.ReadTimeout = defBackend.ProxyReadTimeout`).
 */
export function longLivedTimeout(ctx: FamilyContext): LongLived | undefined {
  const settings = ctx.ingress.settings
  for (const key of LONG_KEYS) {
    const {value: seconds, from} = key === 'proxy-read-timeout' ? settings.proxyReadTimeout : settings.proxySendTimeout
    if (seconds < LONG_LIVED_SECONDS) continue
    return from === 'annotation' ? {key, seconds, label: ctx.fullKey(key), fromConfigMap: false} : {key, seconds, label: `the ConfigMap's ${key}`, fromConfigMap: true}
  }
  return undefined
}

/** Envoy Gateway's default numRetries, used where nginx would retry without bound. */
const EG_DEFAULT_RETRIES = 2

/** The conditions ingress-nginx accepts (validUpstreamAnnotation). */
export const NEXT_UPSTREAM_CONDITIONS = ['error', 'timeout', 'invalid_header', 'http_500', 'http_502', 'http_503', 'http_504', 'http_403', 'http_404', 'http_429', 'non_idempotent', 'off']
const NEXT_UPSTREAM = new RegExp(`^((${NEXT_UPSTREAM_CONDITIONS.join('|')})\\s?)+$`)

const STATUS_CONDITIONS: Record<string, number> = {http_403: 403, http_404: 404, http_429: 429, http_500: 500, http_502: 502, http_503: 503, http_504: 504}

/** strconv.Atoi seconds; negative values pass ingress-nginx's validation and are judged in apply. */
function parseSeconds(value: string): ParseResult<number> {
  return parseInt10(value)
}

function parseNextUpstream(value: string): ParseResult<string[]> {
  if (!NEXT_UPSTREAM.test(value)) {
    return {ok: false, reason: `"${value}" is not a space-separated list of ${NEXT_UPSTREAM_CONDITIONS.join(', ')}`}
  }
  return {ok: true, value: value.split(/\s/).filter((c) => c !== '')}
}

/** Envoy retry triggers and status codes for nginx's proxy_next_upstream conditions. */
export function retryOnFor(conditions: string[]): {triggers: string[]; codes: number[]; notRetried: string[]} {
  const nonIdempotent = conditions.includes('non_idempotent')
  const triggers = new Set<string>()
  const codes = new Set<number>()
  const notRetried: string[] = []
  for (const c of conditions) {
    if (c === 'error') {
      triggers.add('connect-failure')
      triggers.add('refused-stream')
      // nginx retries a request the backend already received only for idempotent methods (or with non_idempotent);
      // Envoy cannot tell methods apart, so without non_idempotent only resets before the request went out retry.
      triggers.add(nonIdempotent ? 'reset' : 'reset-before-request')
    } else if (c === 'timeout') {
      triggers.add('connect-failure')
    } else if (c === 'invalid_header') {
      if (nonIdempotent) triggers.add('reset')
      else notRetried.push(c)
    } else if (STATUS_CONDITIONS[c] !== undefined) {
      triggers.add('retriable-status-codes')
      codes.add(STATUS_CONDITIONS[c]!)
    }
  }
  const order = ['connect-failure', 'refused-stream', 'reset-before-request', 'reset', 'retriable-status-codes']
  return {triggers: order.filter((t) => triggers.has(t)), codes: [...codes].sort((a, b) => a - b), notRetried}
}

/**
 * What Envoy's retry for these proxy_next_upstream conditions (retryOnFor) does differently from nginx, one phrase
 * each; empty when nothing.
 */
export function retryDifferences(conditions: string[], retryOn: ReturnType<typeof retryOnFor> = retryOnFor(conditions)): string[] {
  const nonIdempotent = conditions.includes('non_idempotent')
  const {codes, notRetried} = retryOn
  const differences: string[] = []
  if (conditions.includes('timeout')) differences.push('an attempt that times out after connecting (proxy-read-timeout before the response header) is not retried, only connect timeouts are')
  if (notRetried.length > 0) differences.push(`${notRetried.join(', ')} is not retried: the backend already received the request, which nginx retried only for idempotent methods`)
  if (!nonIdempotent && conditions.includes('error')) differences.push('a connection reset after the request reached the backend is not retried (nginx retried it for idempotent methods)')
  if (!nonIdempotent && codes.length > 0) differences.push(`Envoy retries POST, PATCH and LOCK requests on ${codes.join(', ')} too, which nginx never did without non_idempotent`)
  return differences
}

/** template.go buildNextUpstream: non_idempotent once, last, when either the conditions or the ConfigMap ask for it. */
function withNonIdempotent(conditions: string[], retryNonIdempotent: boolean): string[] {
  const list = conditions.filter((c) => c !== 'non_idempotent')
  return retryNonIdempotent || conditions.includes('non_idempotent') ? [...list, 'non_idempotent'] : list
}

function timeoutPolicy(ctx: FamilyContext, path: 'timeout.tcp.connectTimeout' | 'timeout.http.streamIdleTimeout', value: string, keys: string[]): void {
  ctx.patch.policies.push({kind: 'BackendTrafficPolicy', path, value, from: keys.map((k) => ctx.fullKey(k))})
}

/** A timeout of 0 or less: nginx fails every request (0) or refuses the configuration (negative). */
function accountUnusableTimeout(ctx: FamilyContext, key: string, seconds: number): void {
  ctx.account(
    key,
    'manual',
    seconds === 0
      ? `"0" makes nginx time out at once on every request (it is not "no timeout"); Envoy would read 0s as "disabled", so nothing is emitted`
      : `"${seconds}" is negative: nginx rejects the generated configuration (nginx -t fails), so nothing is emitted`,
    {hint: 'set a positive number of seconds, or remove the annotation'},
  )
}

function applyTimeouts(ctx: FamilyContext): void {
  const connect = ctx.value<number>('proxy-connect-timeout')
  if (connect !== undefined) {
    if (connect <= 0) accountUnusableTimeout(ctx, 'proxy-connect-timeout', connect)
    else {
      timeoutPolicy(ctx, 'timeout.tcp.connectTimeout', toGatewayDuration(connect), ['proxy-connect-timeout'])
      ctx.account('proxy-connect-timeout', 'exact')
    }
  }

  const read = ctx.value<number>('proxy-read-timeout')
  const send = ctx.value<number>('proxy-send-timeout')
  const idleKeys: string[] = []
  for (const [key, v] of [['proxy-read-timeout', read], ['proxy-send-timeout', send]] as const) {
    if (v === undefined) continue
    if (v <= 0) accountUnusableTimeout(ctx, key, v)
    else idleKeys.push(key)
  }
  if (idleKeys.length === 0) return
  const defaults = ctx.lookup.controllerDefaults()
  const effRead = read !== undefined && read > 0 ? read : defaults.proxyReadTimeout
  const effSend = send !== undefined && send > 0 ? send : defaults.proxySendTimeout
  const idle = Math.max(effRead, effSend)
  const duration = toGatewayDuration(idle)
  timeoutPolicy(ctx, 'timeout.http.streamIdleTimeout', duration, idleKeys)
  const pair = `read ${read !== undefined && read > 0 ? `${read}s` : describeDefault(defaults, 'proxy-read-timeout', `${effRead}s`)}, send ${send !== undefined && send > 0 ? `${send}s` : describeDefault(defaults, 'proxy-send-timeout', `${effSend}s`)}`
  keepUpgrades(ctx)
  for (const key of idleKeys) {
    ctx.account(
      key,
      'approximate',
      `nginx times the gap between two reads from and two writes to the backend separately (${pair}); Envoy's single stream idle timeout covers both directions, so it is the larger one: streamIdleTimeout ${duration}`,
      {
        hint:
          'needs Envoy Gateway v1.8+ (timeout.http.streamIdleTimeout); Envoy\'s default 15s deadline for a whole request is already lifted (HTTPRoute rules: timeouts.request "0s"; GRPCRoutes: timeout.http.requestTimeout "0s" in the BackendTrafficPolicy), so, as under nginx, a slow response that keeps sending data is not cut: only this idle timeout ends it',
      },
    )
  }
}

/**
 * A long-lived Ingress must not inherit the Gateway-level requestBuffer (--nginx-defaults, the ConfigMap's
 * proxy-body-size): its policy replaces the Gateway one without it, so WebSocket upgrades keep working. Where the
 * ConfigMap's own timeouts are long-lived, the Gateway-level policy has no requestBuffer to opt out of.
 */
function keepUpgrades(ctx: FamilyContext): void {
  const long = longLivedTimeout(ctx)
  if (!long || long.fromConfigMap) return
  ctx.patch.policies.push({kind: 'BackendTrafficPolicy', path: 'requestBuffer', value: undefined, optOut: true, from: [long.label]})
  const defaults = ctx.lookup.controllerDefaults()
  const body = parseNginxSize(defaults.proxyBodySize)
  if (!ctx.options.nginxDefaults || !body.ok || body.value.unlimited || ctx.ingress.settings.proxyBodySize.from === 'annotation' || longLivedDefault(defaults)) return
  ctx.diag(diagnostic('long-lived-no-request-buffer', {key: long.label, seconds: long.seconds, bodySize: body.value.text}, {annotation: long.label}))
}

function applyRetries(ctx: FamilyContext): void {
  const hasConditions = ctx.has('proxy-next-upstream')
  const hasTries = ctx.has('proxy-next-upstream-tries')
  const budget = ctx.value<number>('proxy-next-upstream-timeout')
  const defaults = ctx.lookup.controllerDefaults()
  const own = ctx.value<string[]>('proxy-next-upstream')
  // buildNextUpstream: the ConfigMap's retry-non-idempotent adds non_idempotent to the location's conditions.
  const conditions = withNonIdempotent(own ?? defaults.proxyNextUpstream, defaults.retryNonIdempotent)
  const triesSet = ctx.value<number>('proxy-next-upstream-tries')
  if (triesSet !== undefined && triesSet < 0) {
    ctx.account('proxy-next-upstream-tries', 'manual', `"${triesSet}" is negative: nginx rejects the generated configuration (nginx -t fails); the conversion uses ${describeDefault(defaults, 'proxy-next-upstream-tries', String(defaults.proxyNextUpstreamTries))} tries`, {
      hint: 'set the number of tries including the first attempt (0 = no limit)',
    })
  }
  const tries = triesSet !== undefined && triesSet >= 0 ? triesSet : defaults.proxyNextUpstreamTries
  const addedNonIdempotent = defaults.retryNonIdempotent && !(own ?? defaults.proxyNextUpstream).includes('non_idempotent')
  const nonIdempotentNote = addedNonIdempotent ? ' (non_idempotent from ConfigMap retry-non-idempotent)' : ''
  const off = conditions.includes('off')

  if (budget !== undefined) {
    if (off) ctx.account('proxy-next-upstream-timeout', 'ignored', 'has no effect: proxy-next-upstream is "off" (no retries)')
    else if (budget < 0) accountUnusableTimeout(ctx, 'proxy-next-upstream-timeout', budget)
    else if (budget === 0) ctx.account('proxy-next-upstream-timeout', 'exact')
    else {
      ctx.account(
        'proxy-next-upstream-timeout',
        'approximate',
        `nginx stopped trying further endpoints ${budget}s after the first attempt began; Envoy Gateway has no time budget for retries (retry.perRetry.timeout would also cut the first attempt, which nginx never did), so retries are bounded only by their number`,
      )
    }
  }
  if (!hasConditions && !hasTries) return

  const from = ['proxy-next-upstream', 'proxy-next-upstream-tries'].filter((k) => ctx.has(k)).map((k) => ctx.fullKey(k))
  const retryOn = retryOnFor(conditions)
  const {triggers, codes} = retryOn
  const noRetry = off || triggers.length === 0 || tries === 1
  if (noRetry) {
    // An explicit zero keeps a Gateway-level default retry (nginx defaults) from applying to this route.
    ctx.patch.policies.push({kind: 'BackendTrafficPolicy', path: 'retry', value: {numRetries: 0}, from})
    const why = off ? 'proxy-next-upstream "off"' : tries === 1 ? 'proxy-next-upstream-tries 1 (the first attempt only)' : `"${conditions.join(' ')}" names no retry condition`
    if (hasConditions) ctx.account('proxy-next-upstream', 'exact', `no retries (${why}): retry.numRetries 0`, {level: 'info', code: 'retry-disabled'})
    if (hasTries) {
      if (off) ctx.account('proxy-next-upstream-tries', 'ignored', 'has no effect: proxy-next-upstream is "off" (no retries)')
      else ctx.account('proxy-next-upstream-tries', 'exact')
    }
    return
  }

  const numRetries = tries === 0 ? EG_DEFAULT_RETRIES : tries - 1
  const value: Record<string, unknown> = {triggers}
  if (codes.length > 0) value.httpStatusCodes = codes
  ctx.patch.policies.push({kind: 'BackendTrafficPolicy', path: 'retry', value: {numRetries, retryOn: value}, from})

  const differences = retryDifferences(conditions, retryOn)
  if (hasConditions) {
    ctx.account(
      'proxy-next-upstream',
      'approximate',
      `"${conditions.join(' ')}"${nonIdempotentNote} -> retry on ${triggers.join(', ')}${codes.length > 0 ? ` (${codes.join(', ')})` : ''}${differences.length > 0 ? `; ${differences.join('; ')}` : ''}`,
    )
  }
  if (hasTries) {
    if (tries === 0) {
      ctx.account('proxy-next-upstream-tries', 'approximate', `0 means no limit on tries in nginx; Envoy Gateway needs a number: retry.numRetries ${EG_DEFAULT_RETRIES} (its default)`)
    } else {
      ctx.account('proxy-next-upstream-tries', 'exact', `nginx counts the first attempt: ${tries} tries = retry.numRetries ${numRetries}`, {level: 'info', code: 'retry-count'})
    }
  }
  if (!hasConditions) {
    const key = ctx.fullKey('proxy-next-upstream-tries')
    const conditionsFrom = defaults.fromConfigMap.has('proxy-next-upstream') ? 'configmap' : 'nginx'
    ctx.diag(diagnostic('retry-default-conditions', {key, conditions: defaults.proxyNextUpstream, conditionsFrom, nonIdempotentFromConfigMap: addedNonIdempotent, triggers, codes}, {annotation: key}))
  }
}

export const timeoutsFamily: AnnotationFamily = {
  name: 'timeouts',
  specs: [
    {
      key: 'proxy-connect-timeout',
      summary: 'Seconds to establish the connection (and TLS handshake) to the backend',
      fidelity: 'exact',
      target: 'BackendTrafficPolicy timeout.tcp.connectTimeout',
      default: '5',
      parse: parseSeconds,
    },
    {
      key: 'proxy-read-timeout',
      summary: 'Seconds allowed between two successive reads from the backend (an inactivity timer)',
      fidelity: 'approximate',
      target: 'BackendTrafficPolicy timeout.http.streamIdleTimeout (larger of read and send)',
      note: 'nginx proxy-read-timeout is an inactivity timeout between two reads from the backend; Envoy\'s stream idle timeout, which covers both directions, is the closest',
      default: '60',
      parse: parseSeconds,
    },
    {
      key: 'proxy-send-timeout',
      summary: 'Seconds allowed between two successive writes to the backend (an inactivity timer)',
      fidelity: 'approximate',
      target: 'BackendTrafficPolicy timeout.http.streamIdleTimeout (larger of read and send)',
      note: 'nginx proxy-send-timeout is an inactivity timeout between two writes to the backend; Envoy\'s stream idle timeout, which covers both directions, is the closest',
      default: '60',
      parse: parseSeconds,
    },
    {
      key: 'proxy-next-upstream',
      summary: 'Conditions on which nginx retries the request on another endpoint',
      fidelity: 'approximate',
      target: 'BackendTrafficPolicy retry.retryOn triggers and httpStatusCodes',
      note: 'error maps to connection failures and resets before the request was sent, http_NNN to retriable status codes; Envoy retries non-idempotent methods on status codes too, and does not retry read timeouts',
      default: 'error timeout',
      parse: parseNextUpstream,
    },
    {
      key: 'proxy-next-upstream-tries',
      summary: 'Total attempts including the first (0 = no limit)',
      fidelity: 'exact',
      target: 'BackendTrafficPolicy retry.numRetries (tries - 1)',
      default: '3',
      parse: parseSeconds,
    },
    {
      key: 'proxy-next-upstream-timeout',
      summary: 'Seconds during which nginx may still try further endpoints (0 = no limit)',
      fidelity: 'approximate',
      target: 'none: Envoy Gateway has no retry time budget',
      note: 'Envoy Gateway has no overall time budget for retries; retry.perRetry.timeout would also cut the first attempt, so retries are bounded only by numRetries',
      default: '0',
      parse: parseSeconds,
    },
  ],
  apply(ctx) {
    if (ctx.ingress.isCanary) return
    applyTimeouts(ctx)
    applyRetries(ctx)
  },
}
