import {parseBool, parseInt10} from '../model/parsers.js'
import type {AnnotationFamily, FamilyContext} from './types.js'
import type {ParseResult} from '../model/parsers.js'
import {toGatewayDuration} from '../model/units.js'
import {diagnostic} from '../model/catalogue/diagnostic.js'

/**
 * enable-cors + cors-* -> SecurityPolicy cors, with every ingress-nginx default applied when a key is absent.
 *
 * ingress-nginx (annotations/cors/main.go, template `buildCorsOriginRegex`) validates each key on its own and
 * falls back to the key's default when the value is invalid; the cors-* keys do nothing without enable-cors.
 * Origins are matched case-insensitively, a `*.` wildcard covers exactly one label, and `*` anywhere in the list
 * means "any origin": nginx then sends a literal `Access-Control-Allow-Origin: *` on every response and answers
 * every OPTIONS request itself (204), before authentication runs. Envoy's CORS filter also runs before the
 * authentication filters (filter order: cors, ext_authz, basic_auth, ..., rbac), but it only reacts to requests
 * carrying an Origin header and always echoes the request's origin.
 */

export const DEFAULT_CORS_METHODS = 'GET, PUT, POST, DELETE, PATCH, OPTIONS'
export const DEFAULT_CORS_HEADERS = 'DNT,Keep-Alive,User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Range,Authorization'
export const DEFAULT_CORS_MAX_AGE = 1728000

/**
 * The annotation validator (corsOriginRegexValidator, applied with spaces removed), rewritten without nested
 * quantifiers so it runs in linear time in JavaScript: Go's original
 * `^((((([a-z]+://)?(\*\.)?[A-Za-z0-9\-.]*(:\d+)?,?)|null)+)|\*)?$` accepts exactly the strings made of host
 * characters, commas, `*.`, `:<digit>` and `://` right after a lower-case letter.
 */
const ORIGIN_LIST = /^(?:\*|(?:[A-Za-z0-9\-.,]|\*\.|:\d|(?<=[a-z]):\/\/)*)$/
/** Each entry of a valid list must also match corsOriginRegex, or nginx skips it. */
const ORIGIN_ENTRY = /^(?:[a-z]+:\/\/(?:\*\.)?[A-Za-z0-9\-.]*(?::\d+)?|\*|null)$/
/** SecurityPolicy cors.allowOrigins items (EG v1.9 CRD pattern). */
export const EG_CORS_ORIGIN = /^(\*|[A-Za-z][A-Za-z0-9+.-]*:\/\/(\*|(\*\.)?(([\w-]+\.?)+)?[\w-]+)(:\d{1,5})?)$/
const METHODS = /^([A-Za-z]+,?\s?)+$/
const HEADERS = /^[A-Za-z0-9-_, ]*$/
const EXPOSE_HEADERS = /^(([A-Za-z0-9\-_]+|\*),?\s?)+$/

export interface CorsOrigins {
  /** `['*']`, or the entries nginx keeps, as written. */
  origins: string[]
  /** Entries that pass the annotation validator but not corsOriginRegex: nginx logs and skips them. */
  skipped: string[]
}

/** cors-allow-origin with nginx's two checks: the whole value (else default `*`), then each entry (else skipped). */
export function parseCorsOrigins(value: string): ParseResult<CorsOrigins> {
  const text = value.trim()
  if (text === '') return {ok: false, reason: 'the value is empty'}
  if (!ORIGIN_LIST.test(text.replaceAll(' ', ''))) {
    return {ok: false, reason: `"${value}" is not a list of origins (scheme://host[:port], scheme://*.domain, null or *; no path)`}
  }
  const origins: string[] = []
  const skipped: string[] = []
  for (const raw of text.split(',')) {
    const origin = raw.trim()
    if (origin === '*') return {ok: true, value: {origins: ['*'], skipped}}
    if (ORIGIN_ENTRY.test(origin)) origins.push(origin)
    else skipped.push(origin)
  }
  return {ok: true, value: {origins, skipped}}
}

function listParser(pattern: RegExp, what: string) {
  return (value: string): ParseResult<string[]> => {
    if (value.trim() === '') return {ok: false, reason: 'the value is empty'}
    if (!pattern.test(value.replaceAll(' ', ''))) return {ok: false, reason: `"${value}" is not a valid ${what}`}
    return {ok: true, value: splitList(value)}
  }
}

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '')
}

const CORS_KEYS = ['cors-allow-origin', 'cors-allow-methods', 'cors-allow-headers', 'cors-expose-headers', 'cors-allow-credentials', 'cors-max-age']

export const corsFamily: AnnotationFamily = {
  name: 'cors',
  specs: [
    {
      key: 'enable-cors',
      summary: 'Add CORS response headers and answer preflight requests (the cors-* keys need it)',
      fidelity: 'approximate',
      target: 'SecurityPolicy cors (with the ingress-nginx defaults of every absent cors-* key)',
      note: 'with origin * (the default) Envoy echoes the caller\'s origin (with the default credentials: more permissive) and answers only real preflights; a list of origins converts exactly',
      default: 'false',
      parse: parseBool,
    },
    {
      key: 'cors-allow-origin',
      summary: 'Allowed origins: comma list of scheme://host[:port], scheme://*.domain (one label), null, or *',
      fidelity: 'exact',
      target: 'SecurityPolicy cors.allowOrigins',
      default: '*',
      parse: parseCorsOrigins,
    },
    {
      key: 'cors-allow-methods',
      summary: 'Access-Control-Allow-Methods (letters and commas only)',
      fidelity: 'exact',
      target: 'SecurityPolicy cors.allowMethods',
      default: DEFAULT_CORS_METHODS,
      parse: listParser(METHODS, 'method list (letters and commas only)'),
    },
    {
      key: 'cors-allow-headers',
      summary: 'Access-Control-Allow-Headers',
      fidelity: 'exact',
      target: 'SecurityPolicy cors.allowHeaders',
      default: DEFAULT_CORS_HEADERS,
      parse: listParser(HEADERS, 'header list'),
    },
    {
      key: 'cors-expose-headers',
      summary: 'Access-Control-Expose-Headers (`*` allowed)',
      fidelity: 'exact',
      target: 'SecurityPolicy cors.exposeHeaders',
      parse: listParser(EXPOSE_HEADERS, 'header list'),
    },
    {
      key: 'cors-allow-credentials',
      summary: 'Access-Control-Allow-Credentials: true (default true)',
      fidelity: 'exact',
      target: 'SecurityPolicy cors.allowCredentials',
      default: 'true',
      parse: parseBool,
    },
    {
      key: 'cors-max-age',
      summary: 'Access-Control-Max-Age in seconds',
      fidelity: 'exact',
      target: 'SecurityPolicy cors.maxAge (a Gateway duration: 1728000 -> 480h)',
      default: String(DEFAULT_CORS_MAX_AGE),
      parse: parseInt10,
    },
  ],
  apply(ctx) {
    if (ctx.ingress.isCanary) return
    if (ctx.value<boolean>('enable-cors') !== true) {
      if (ctx.has('enable-cors')) ctx.account('enable-cors', 'exact')
      for (const key of CORS_KEYS) {
        if (ctx.has(key)) {
          ctx.account(key, 'ignored', 'has no effect without enable-cors: "true" (ingress-nginx adds no CORS headers), and the conversion emits nothing for it', {
            level: 'info',
            code: 'cors-not-enabled',
          })
        }
      }
      return
    }
    const from = ['enable-cors', ...CORS_KEYS].filter((k) => ctx.has(k)).map((k) => ctx.fullKey(k))
    const cors = corsPolicy(ctx)
    if (cors) ctx.patch.policies.push({kind: 'SecurityPolicy', path: 'cors', value: cors, from})
  },
}

/** The SecurityPolicy cors block for an Ingress with enable-cors, and the accounting of every cors key. */
function corsPolicy(ctx: FamilyContext): Record<string, unknown> | undefined {
  const parsed = ctx.value<CorsOrigins>('cors-allow-origin') ?? {origins: ['*'], skipped: []}
  const credentials = ctx.value<boolean>('cors-allow-credentials') ?? true
  if (parsed.skipped.length > 0) {
    ctx.diag(diagnostic('cors-origin-skipped', {key: ctx.fullKey('cors-allow-origin'), skipped: parsed.skipped}, {annotation: ctx.fullKey('cors-allow-origin')}))
  }
  if (parsed.origins.length === 0) {
    // nginx renders no origin match at all: no request ever gets CORS headers, OPTIONS goes to the backend.
    const message = 'no usable origin is left, so ingress-nginx never adds CORS headers; the conversion emits no cors either'
    ctx.account('enable-cors', 'exact', message, {level: 'warning', code: 'cors-no-origin'})
    for (const key of CORS_KEYS) if (ctx.has(key)) ctx.account(key, 'ignored', message, {level: 'info', code: 'cors-no-origin'})
    return undefined
  }

  const wildcardAll = parsed.origins[0] === '*'
  const origins: string[] = []
  const rejected: string[] = []
  const deeper: string[] = []
  const otherSchemes: string[] = []
  for (const origin of parsed.origins) {
    // Browsers serialise Origin in lower case; nginx compares case-insensitively, Envoy exactly.
    const normalized = origin === '*' ? origin : origin.toLowerCase()
    if (!EG_CORS_ORIGIN.test(normalized)) {
      rejected.push(origin)
      continue
    }
    if (normalized.includes('*.')) deeper.push(origin)
    if (normalized !== '*' && !/^https?:\/\//.test(normalized)) otherSchemes.push(origin)
    if (!origins.includes(normalized)) origins.push(normalized)
  }

  const differences: string[] = []
  if (wildcardAll) {
    differences.push(
      'with origin * nginx answers every OPTIONS request itself (204), even without an Origin header; Envoy answers only CORS preflights (Origin + Access-Control-Request-Method) and sends other OPTIONS requests to the backend',
    )
    if (credentials) {
      differences.push(
        'nginx sends the literal "Access-Control-Allow-Origin: *" with "Access-Control-Allow-Credentials: true", which browsers refuse for credentialed requests; Envoy would echo the caller\'s origin and let credentialed requests from any site through, so allowCredentials is emitted false, which gives browsers what nginx gave them',
      )
    }
  }
  if (deeper.length > 0) {
    differences.push(`${deeper.join(', ')}: nginx's "*." matches exactly one label, Envoy Gateway's matches any number of labels (a.b.example.com is allowed too)`)
  }
  if (otherSchemes.length > 0) {
    differences.push(`${otherSchemes.join(', ')}: origins with a scheme other than http/https need Envoy Gateway v1.9 (older CRDs reject them)`)
  }

  let fidelity: 'exact' | 'approximate' = differences.length > 0 ? 'approximate' : 'exact'
  if (rejected.length > 0) {
    const what = `${rejected.map((o) => `"${o}"`).join(', ')} ${rejected.length > 1 ? 'are' : 'is'} not an origin Envoy Gateway accepts (scheme://host[:port] or *; no "null", no path, no empty host)`
    if (origins.length === 0) {
      ctx.account('cors-allow-origin', 'manual', `${what}; no origin is left, so no cors is emitted and cross-origin browser requests to this Ingress fail`, {
        hint: 'list the real origins (https://app.example.com) in cors-allow-origin, or answer CORS in the application',
        code: 'cors-origin-rejected',
      })
      ctx.account('enable-cors', 'manual', 'see cors-allow-origin: no origin Envoy Gateway accepts is left', {
        hint: 'fix cors-allow-origin and convert again',
        code: 'cors-origin-rejected',
      })
      return undefined
    }
    fidelity = 'approximate'
    differences.push(`${what}; it is left out, so requests from it no longer get CORS headers`)
  }

  const methods = ctx.value<string[]>('cors-allow-methods') ?? splitList(DEFAULT_CORS_METHODS)
  const headers = ctx.value<string[]>('cors-allow-headers') ?? splitList(DEFAULT_CORS_HEADERS)
  const expose = ctx.value<string[]>('cors-expose-headers') ?? []
  let maxAgeSeconds = ctx.value<number>('cors-max-age') ?? DEFAULT_CORS_MAX_AGE
  if (maxAgeSeconds < 0) {
    ctx.account('cors-max-age', 'approximate', `${maxAgeSeconds} is sent as is by nginx (browsers treat a negative max-age as invalid and fall back to their default); Envoy Gateway durations cannot be negative, so 0s (no preflight caching) is emitted`)
    maxAgeSeconds = 0
  }

  const cors: Record<string, unknown> = {allowOrigins: origins, allowMethods: methods, allowHeaders: headers}
  if (expose.length > 0) cors.exposeHeaders = expose
  cors.maxAge = toGatewayDuration(maxAgeSeconds)
  // With origin *, nginx's credentials flag had no effect in browsers (they refuse "*" with credentials); Envoy
  // echoing the origin would make it real, for every site.
  cors.allowCredentials = wildcardAll ? false : credentials

  if (fidelity === 'exact') ctx.account('enable-cors', 'exact')
  else {
    const message = differences.join('; ')
    ctx.account('enable-cors', fidelity, message, {code: 'cors-approximate'})
    // The keys behind each difference carry it too, so a report per key tells the same story.
    if (wildcardAll && credentials && ctx.has('cors-allow-credentials')) {
      ctx.account('cors-allow-credentials', 'exact', 'true together with origin *: browsers refused credentials with nginx\'s literal "*", so allowCredentials false keeps that (see enable-cors)', {code: 'cors-credentials-wildcard', level: 'info'})
    }
    if (ctx.has('cors-allow-origin') && (rejected.length > 0 || deeper.length > 0 || otherSchemes.length > 0 || wildcardAll)) {
      ctx.account('cors-allow-origin', 'approximate', 'see enable-cors for how Envoy matches these origins differently', {code: 'cors-approximate'})
    }
  }
  return cors
}
