/**
 * "Did ingress-nginx serve this Ingress?", decided per key as ingress-nginx v1.15.1 decides it.
 *
 * annotations.go `Extractor.Extract` runs every annotation parser of `NewAnnotationFactory` over an Ingress:
 * - `Validate` first: `parser.CheckAnnotationRisk` refuses any present key (empty or not, alias included) whose
 *   Risk is above the ConfigMap's `annotations-risk-level` (default High) -> RiskyAnnotationError -> the store
 *   never keeps the Ingress (store.go `syncIngress`): **ingress dropped**.
 * - `Parse`, whose getters call validators.go `checkAnnotation`: the key's validator runs on every non-empty
 *   value ("We don't run validation against empty values") and fails with a ValidationError; an empty value
 *   reaches `parseString`/`parseBool`/`parseInt` and fails with InvalidContent. What the parser does with that
 *   error decides: swallowed -> the default is used (**ignored**); returned as ValidationError -> Extract returns
 *   it -> **ingress dropped**; returned as LocationDeniedError -> `Denied` is set and every location of the
 *   Ingress answers 503 (nginx.tmpl `isLocationAllowed` ... `return 503`): **locations denied**; returned as any
 *   other error -> Extract `continue`s without the parser's value: the default is used for **every key of that
 *   parser** (group ignored: e.g. an empty auth-url is no external authentication at all).
 *
 * This file is the table: one row per key, with the file and function that decide it, each parser's keys in the
 * order its Parse reads them (the first error it returns ends its reading). The registry exposes the rows as
 * `onInvalid`; the annotation pass applies them; docs/serving.md is generated from them.
 */
import {parseGoBool} from '../model/go-decode.js'
import type {KubeObject} from '../model/types.js'
import {normalizeSourceRange} from './access-lists.js'

export type AnnotationRisk = 'Low' | 'Medium' | 'High' | 'Critical'
const RISK_ORDER: AnnotationRisk[] = ['Low', 'Medium', 'High', 'Critical']

/**
 * What ingress-nginx does with the Ingress because of one value: serve it with the value ignored (default used),
 * serve it with the whole parser group ignored (every key of the group back to its default), drop it from the
 * store, or deny its locations (503).
 */
export type ServeOutcome = 'ignored' | 'group-ignored' | 'ingress-dropped' | 'location-denied'

/** What the controller ConfigMap says about serving annotations (defaults of config.go NewDefault). */
export interface ServingConfig {
  /** `annotations-risk-level` as parser.StringRiskToRisk reads it (default High; unknown words are Low). */
  riskLevel: AnnotationRisk
  /** `allow-snippet-annotations` (default false). */
  allowSnippets: boolean
  /** `allow-cross-namespace-resources` (default false). */
  allowCrossNamespace: boolean
  /** `global-allowed-response-headers`, the names custom-headers may set, exactly as written (default none). */
  allowedResponseHeaders: string[]
  /** `annotation-value-word-blocklist`, split as store.go checkBadAnnotationValue splits it (default none). */
  wordBlocklist: string[]
  /** The controller ConfigMap is part of the input (otherwise every value above is the default). */
  fromConfigMap: boolean
}

/** Read-only view of an Ingress's annotations for the `reached` conditions of the table. */
export interface ServeReader {
  /** The value under the canonical key (the alias's when the canonical one is empty), or undefined. */
  raw(key: string): string | undefined
  /** Present, non-empty and accepted by the key's validator and parser. */
  passes(key: string): boolean
  namespace: string
  config: ServingConfig
}

export interface ServeRule {
  /** Parser name in annotations.go NewAnnotationFactory: keys with the same group fall back together. */
  group: string
  /** File (under internal/ingress/annotations/) and function that decide the outcomes. */
  source: string
  /** AnnotationConfig.Risk: above the configured annotations-risk-level the Ingress is dropped. */
  risk: AnnotationRisk
  /** The key's validator (validators.go), and its name for the docs. */
  validator: string
  validate(value: string): boolean
  /** Outcome of the value "" (validation skipped; the getter returns InvalidContent). */
  empty: ServeOutcome
  /** Outcome of a value the validator refuses ('never': any value passes, ValidateNull). */
  invalid: ServeOutcome | 'never'
  /**
   * Outcome of a value the validator accepts and the parser then refuses (e.g. auth-url without a scheme); the
   * converter's own parse stands in for the parser's checks. Default: ignored.
   */
  parseFailure?: ServeOutcome
  /** Other outcomes the parser decides from more than the value (Secrets, ConfigMaps, namespaces). */
  more?: string
  /**
   * The parser reads the key only in this situation (e.g. auth-realm once auth-type and the Secret are good);
   * otherwise the value is never looked at and has no effect.
   */
  reached?: {when: string; test(r: ServeReader): boolean}
}

// ---------------------------------------------------------------------------------------------------------------
// validators.go, in JavaScript. Go's `\s` is [\t\n\f\r ]; patterns with nested repetition are rewritten into an
// equivalent form without it, so a long hostile value cannot make the check exponential.

const ALNUM = String.raw`\-._~a-zA-Z0-9/:`
const REGEX_CHARS = String.raw`\^$\[\](){}*+?|&=\\`
const GO_SPACE = '[\\t\\n\\f\\r ]'
const IS_VALID_REGEX = new RegExp(`^[/${ALNUM}${REGEX_CHARS}]*$`)
const SIZE = /^\d+[bkmg]?$/i
const URL_IS_VALID = new RegExp(`^[${ALNUM},:?&=]*$`)
const BASIC_CHARS = new RegExp(`^[/${ALNUM}]*$`)
const EXTENDED_CHARS = new RegExp(`^[/${ALNUM}, ]*$`)
const CHARS_WITH_SPACE = new RegExp(`^[/${ALNUM} ]*$`)
const NGINX_VARIABLE = /^[A-Za-z0-9\-_${}]*$/
const REGEX_PATH_WITH_CAPTURE = new RegExp(`^/?[${ALNUM}/$]*$`)
const HEADERS_VARIABLE = /^[A-Za-z0-9\-_, ]*$/
const URL_WITH_NGINX_VARIABLE = new RegExp(`^[${ALNUM}, ,:?&=$]*$`)
const MALICIOUS = /\r|\n/

/** ValidateRegex(regex, removeSpace): the regex must match, and no CR/LF may remain. */
function regex(pattern: RegExp, removeSpace: boolean, name: string) {
  return {
    validator: `ValidateRegex(${name})`,
    validate: (v: string) => {
      const s = removeSpace ? v.replaceAll(' ', '') : v
      return pattern.test(s) && !MALICIOUS.test(s)
    },
  }
}

/** strings.TrimSpace. */
const GO_WHITESPACE = '[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]'
const GO_TRIM = new RegExp(`^${GO_WHITESPACE}+|${GO_WHITESPACE}+$`, 'g')
export const goTrim = (v: string) => v.replace(GO_TRIM, '')

/** ValidateOptions(options, caseSensitive, trimSpace). */
function options(list: string[], caseSensitive: boolean, trimSpace = true) {
  return {
    validator: `ValidateOptions(${list.join('|')})`,
    validate: (v: string) => {
      let s = trimSpace ? goTrim(v) : v
      if (!caseSensitive) s = s.toLowerCase()
      return list.includes(s)
    },
  }
}

const BOOL = {validator: 'ValidateBool', validate: (v: string) => ['1', 't', 'T', 'TRUE', 'true', 'True', '0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)}

/** strconv.Atoi: an optional sign, decimal digits, within int64. */
export function goAtoi(v: string): number | undefined {
  if (!/^[+-]?\d+$/.test(v)) return undefined
  const n = BigInt(v)
  if (n > 9223372036854775807n || n < -9223372036854775808n) return undefined
  return Number(n)
}
const INT = {validator: 'ValidateInt', validate: (v: string) => goAtoi(v) !== undefined}

/** net.ParseCIDRs: "" is fine, otherwise every comma-separated entry is a CIDR or an address. */
const CIDRS = {
  validator: 'ValidateCIDRs',
  validate: (v: string) => v === '' || v.split(',').every((e) => normalizeSourceRange(goTrim(e)) !== undefined),
}

/** ValidateServerName: the trimmed value made of path, host and regex characters. */
const SERVER_NAME = {validator: 'ValidateServerName', validate: (v: string) => IS_VALID_REGEX.test(goTrim(v))}
const SERVER_NAMES = {validator: 'ValidateArrayOfServerName', validate: (v: string) => v.split(',').every((n) => IS_VALID_REGEX.test(goTrim(n)))}
/** ValidateServiceName: a DNS-1035 label. */
const SERVICE_NAME = {validator: 'ValidateServiceName', validate: (v: string) => v.length <= 63 && /^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(v)}
const NULL = {validator: 'ValidateNull', validate: () => true}

/** CommonNameAnnotationValidator: `CN=` then a regular expression RE2 compiles. */
const COMMON_NAME = {
  validator: 'CommonNameAnnotationValidator',
  validate: (v: string) => {
    if (!v.startsWith('CN=')) return false
    const re = v.slice(3)
    // RE2 has no lookaround, backreferences, atomic groups or possessive quantifiers.
    if (/\(\?<?[=!]|\\[1-9]|\(\?>|[*+?}][+]/.test(re)) return false
    try {
      new RegExp(re)
      return true
    } catch {
      return false
    }
  },
}

/** customhttperrors arrayOfHTTPErrors `^(?:[4,5]\d{2},?)*$` (spaces removed), checked position by position. */
function httpErrorList(v: string): boolean {
  const s = v.replaceAll(' ', '')
  if (MALICIOUS.test(s)) return false
  const reachable = new Set<number>([0])
  for (let p = 0; p <= s.length; p++) {
    if (!reachable.has(p)) continue
    if (p === s.length) return true
    if ('4,5'.includes(s[p]!) && /^\d\d$/.test(s.slice(p + 1, p + 3))) {
      reachable.add(p + 3)
      if (s[p + 3] === ',') reachable.add(p + 4)
    }
  }
  return false
}

// cors: the validators' languages without nested repetition (same accepted strings).
const CORS_ORIGIN = /^(?:\*|(?:[A-Za-z0-9.,-]|[a-z]:\/\/|\*\.|:\d)*)$/
const CORS_METHODS = new RegExp(`^[A-Za-z]+(?:(?:,${GO_SPACE}?|${GO_SPACE})[A-Za-z]+)*(?:,${GO_SPACE}?|${GO_SPACE})?$`)
const CORS_EXPOSE = new RegExp(`^[A-Za-z0-9_*-]+(?:(?:,${GO_SPACE}?|${GO_SPACE})[A-Za-z0-9_*-]+)*(?:,${GO_SPACE}?|${GO_SPACE})?$`)
const NEXT_UPSTREAM = new RegExp(`^(?:(?:error|timeout|invalid_header|http_500|http_502|http_503|http_504|http_403|http_404|http_429|non_idempotent|off)${GO_SPACE}?)+$`)
const COOKIE_DOMAIN = new RegExp(`^(?:off|[${ALNUM}]+${GO_SPACE}+[${ALNUM}]+)$`)
const SSL_CIPHER = /^(?:[A-Za-z0-9!:+_-]|@STRENGTH|@SECLEVEL=[0-5])*$/
const REDIRECT_PAGE = /^(?:@[A-Za-z0-9_-]+|(?:(?:https?:\/\/)?[A-Za-z0-9\-.]+(?::\d+)?)?(?:\/[A-Za-z0-9\-_.]+)*\/?)$/

// ---------------------------------------------------------------------------------------------------------------
// The table.

const I = 'ignored'
const G = 'group-ignored'
const D = 'ingress-dropped'
const N = 'location-denied'

type Check = {validator: string; validate(v: string): boolean}
type Extra = Pick<ServeRule, 'parseFailure' | 'more' | 'reached'>

function rows(group: string, source: string, list: [string, AnnotationRisk, Check, ServeOutcome, ServeOutcome | 'never', Extra?][]): [string, ServeRule][] {
  return list.map(([key, risk, check, empty, invalid, extra]) => [key, {group, source, risk, ...check, empty, invalid, ...extra}])
}

/** `ns/name` whose namespace nginx accepts (the Ingress's, or any with allow-cross-namespace-resources). */
function namespaceAccepted(r: ServeReader, value: string | undefined, nameOnly: 'ingress-namespace' | 'refused'): boolean {
  if (value === undefined) return false
  const parts = goTrim(value).split('/')
  if (parts.length === 1) return nameOnly === 'ingress-namespace'
  if (parts.length !== 2) return false
  // auth and authtls read an empty namespace as the Ingress's.
  const ns = parts[0] === '' ? r.namespace : parts[0]
  return ns === r.namespace || r.config.allowCrossNamespace
}

const AUTH_URL_READ = {when: 'auth-url is set and valid', test: (r: ServeReader) => r.passes('auth-url')}
const AUTH_TYPE_READ = {when: 'auth-type is set and valid', test: (r: ServeReader) => r.passes('auth-type')}
const AUTH_SECRET_READ = {
  when: 'auth-type and auth-secret are good (Secret in an accepted namespace)',
  test: (r: ServeReader) => r.passes('auth-type') && r.passes('auth-secret') && namespaceAccepted(r, r.raw('auth-secret'), 'ingress-namespace'),
}
const AUTH_TLS_READ = {
  when: 'auth-tls-secret is namespace/name in an accepted namespace',
  test: (r: ServeReader) => r.passes('auth-tls-secret') && namespaceAccepted(r, r.raw('auth-tls-secret'), 'refused'),
}
const TEMPORAL_SET = {when: 'temporal-redirect is set', test: (r: ServeReader) => r.passes('temporal-redirect')}
const NO_TEMPORAL = {when: 'temporal-redirect is not set', test: (r: ServeReader) => r.raw('temporal-redirect') === undefined}
const OTEL_ON = {when: 'enable-opentelemetry is true', test: (r: ServeReader) => r.passes('enable-opentelemetry') && /^(1|t|T|TRUE|true|True)$/.test(r.raw('enable-opentelemetry')!)}

const SECRET_MORE = 'a value that is not namespace/name, a Secret in another namespace without allow-cross-namespace-resources, or a Secret that does not exist: locations denied'

export const SERVE_TABLE: ReadonlyMap<string, ServeRule> = new Map<string, ServeRule>([
  ...rows('Aliases', 'alias/main.go alias.Parse', [['server-alias', 'High', SERVER_NAMES, I, D]]),
  ...rows('BasicDigestAuth', 'auth/main.go auth.Parse', [
    ['auth-type', 'Low', regex(/basic|digest/, true, 'basic|digest'), G, D],
    ['auth-secret-type', 'Low', regex(/auth-file|auth-map/, true, 'auth-file|auth-map'), I, D, {parseFailure: N, reached: AUTH_TYPE_READ}],
    ['auth-secret', 'Medium', regex(BASIC_CHARS, true, 'BasicCharsRegex'), N, N, {parseFailure: N, reached: AUTH_TYPE_READ, more: `missing with auth-type, ${SECRET_MORE}`}],
    ['auth-realm', 'Medium', regex(CHARS_WITH_SPACE, false, 'CharsWithSpace'), I, D, {reached: AUTH_SECRET_READ}],
  ]),
  ...rows('Canary', 'canary/main.go canary.Parse', [
    ['canary', 'Low', BOOL, I, I, {more: 'canary settings without canary "true": the whole canary group is ignored'}],
    ['canary-weight', 'Low', INT, I, I],
    ['canary-weight-total', 'Low', INT, I, I],
    ['canary-by-header', 'Medium', regex(BASIC_CHARS, true, 'BasicCharsRegex'), I, I],
    ['canary-by-header-value', 'Medium', regex(BASIC_CHARS, true, 'BasicCharsRegex'), I, I],
    ['canary-by-header-pattern', 'Medium', regex(IS_VALID_REGEX, false, 'IsValidRegex'), I, I],
    ['canary-by-cookie', 'Medium', regex(BASIC_CHARS, true, 'BasicCharsRegex'), I, I],
  ]),
  ...rows('CertificateAuth', 'authtls/main.go authTLS.Parse', [
    ['auth-tls-secret', 'Medium', regex(BASIC_CHARS, true, 'BasicCharsRegex'), G, D, {parseFailure: N, more: `${SECRET_MORE}, and the server of each of its hosts answers 403 to every request (AuthTLSError)`}],
    ['auth-tls-verify-client', 'Medium', regex(/^(on|off|optional|optional_no_ca)$/, true, 'on|off|optional|optional_no_ca'), I, I],
    ['auth-tls-verify-depth', 'Low', INT, I, I],
    ['auth-tls-error-page', 'High', regex(REDIRECT_PAGE, true, 'redirectRegex'), I, D, {reached: AUTH_TLS_READ}],
    ['auth-tls-pass-certificate-to-upstream', 'Low', BOOL, I, D, {reached: AUTH_TLS_READ}],
    ['auth-tls-match-cn', 'High', COMMON_NAME, I, D, {reached: AUTH_TLS_READ}],
  ]),
  ...rows('ClientBodyBufferSize', 'clientbodybuffersize/main.go clientBodyBufferSize.Parse', [['client-body-buffer-size', 'Low', regex(SIZE, true, 'SizeRegex'), I, D]]),
  ...rows('CustomHeaders', 'customheaders/main.go customHeaders.Parse', [
    ['custom-headers', 'Medium', regex(BASIC_CHARS, true, 'BasicCharsRegex'), I, I, {
      parseFailure: N,
      more: 'a ConfigMap that does not exist (a name without namespace never does), a header name or value it refuses, or a name not listed exactly in global-allowed-response-headers: locations denied',
    }],
  ]),
  ...rows('ConfigurationSnippet', 'snippet/main.go snippet.Parse', [['configuration-snippet', 'Critical', NULL, I, 'never']]),
  ...rows('Connection', 'connection/main.go connection.Parse', [['connection-proxy-header', 'Low', regex(/^(close|keep-alive)$/, true, 'close|keep-alive'), I, D]]),
  ...rows('CorsConfig', 'cors/main.go cors.Parse', [
    ['enable-cors', 'Low', BOOL, I, I],
    ['cors-allow-origin', 'Medium', regex(CORS_ORIGIN, true, 'corsOriginRegexValidator'), I, I],
    ['cors-allow-headers', 'Medium', regex(HEADERS_VARIABLE, true, 'HeadersVariable'), I, I],
    ['cors-allow-methods', 'Medium', regex(CORS_METHODS, true, 'corsMethodsRegex'), I, I],
    ['cors-allow-credentials', 'Low', BOOL, I, I],
    ['cors-expose-headers', 'Medium', regex(CORS_EXPOSE, true, 'corsExposeHeadersRegex'), I, I],
    ['cors-max-age', 'Low', INT, I, I],
  ]),
  ...rows('CustomHTTPErrors', 'customhttperrors/main.go customhttperrors.Parse', [
    ['custom-http-errors', 'Low', {validator: 'ValidateRegex(arrayOfHTTPErrors)', validate: httpErrorList}, I, D],
  ]),
  ...rows('DisableProxyInterceptErrors', 'disableproxyintercepterrors/main.go disableProxyInterceptErrors.Parse', [['disable-proxy-intercept-errors', 'Low', BOOL, I, I]]),
  ...rows('DefaultBackend', 'defaultbackend/main.go backend.Parse', [
    ['default-backend', 'Low', SERVICE_NAME, I, D, {more: 'a Service that does not exist in the Ingress namespace: ignored'}],
  ]),
  ...rows('FastCGI', 'fastcgi/main.go fastcgi.Parse', [
    ['fastcgi-index', 'Medium', regex(/^[A-Za-z0-9.\-_]+$/, true, 'regexValidIndexAnnotationAndKey'), I, D],
    ['fastcgi-params-configmap', 'Medium', regex(BASIC_CHARS, true, 'BasicCharsRegex'), I, D, {
      more: 'a ConfigMap in another namespace without allow-cross-namespace-resources: the FastCGI group is ignored; a missing ConfigMap: locations denied; a ConfigMap key or value it refuses: ingress dropped',
    }],
  ]),
  ...rows('ExternalAuth', 'authreq/main.go authReq.Parse', [
    ['auth-url', 'High', regex(URL_WITH_NGINX_VARIABLE, true, 'URLWithNginxVariableRegex'), G, D, {parseFailure: N, more: 'a URL without scheme or host (parser.StringToURL): locations denied'}],
    ['auth-method', 'Low', regex(/^(GET|HEAD|POST|PUT|PATCH|DELETE|CONNECT|OPTIONS|TRACE)$/, true, 'methodsRegex'), I, N, {reached: AUTH_URL_READ}],
    ['auth-signin', 'High', regex(URL_WITH_NGINX_VARIABLE, true, 'URLWithNginxVariableRegex'), I, I],
    ['auth-signin-redirect-param', 'Medium', regex(URL_IS_VALID, true, 'URLIsValidRegex'), I, I],
    ['auth-snippet', 'Critical', NULL, I, 'never'],
    ['auth-cache-key', 'Medium', regex(NGINX_VARIABLE, true, 'NGINXVariable'), I, I],
    ['auth-keepalive', 'Low', INT, I, I],
    ['auth-keepalive-share-vars', 'Low', BOOL, I, I],
    ['auth-keepalive-requests', 'Low', INT, I, I],
    ['auth-keepalive-timeout', 'Low', INT, I, I],
    ['auth-cache-duration', 'Medium', regex(EXTENDED_CHARS, false, 'ExtendedCharsRegex'), I, G, {parseFailure: N, reached: AUTH_URL_READ, more: 'an entry that is not `<codes> <duration>` (ValidCacheDuration): locations denied'}],
    ['auth-response-headers', 'Medium', regex(HEADERS_VARIABLE, true, 'HeadersVariable'), I, N, {parseFailure: N, reached: AUTH_URL_READ}],
    ['auth-proxy-set-headers', 'Medium', regex(BASIC_CHARS, true, 'BasicCharsRegex'), I, I, {
      parseFailure: N,
      reached: AUTH_URL_READ,
      more: 'a ConfigMap in another namespace without allow-cross-namespace-resources, one that does not exist (a name without namespace never does), or a header name it refuses: locations denied',
    }],
    ['auth-request-redirect', 'Medium', regex(URL_IS_VALID, true, 'URLIsValidRegex'), I, G, {reached: AUTH_URL_READ}],
    ['auth-always-set-cookie', 'Low', BOOL, I, G, {reached: AUTH_URL_READ}],
  ]),
  ...rows('EnableGlobalAuth', 'authreqglobal/main.go authReqGlobal.Parse', [['enable-global-auth', 'Low', BOOL, I, I]]),
  ...rows('HTTP2PushPreload', 'http2pushpreload/main.go http2PushPreload.Parse', [['http2-push-preload', 'Low', BOOL, I, D]]),
  ...rows('Opentelemetry', 'opentelemetry/main.go opentelemetry.Parse', [
    ['enable-opentelemetry', 'Low', BOOL, I, I],
    ['opentelemetry-trust-incoming-span', 'Low', BOOL, I, I],
    ['opentelemetry-operation-name', 'Medium', regex(/^[A-Za-z0-9_-]*$/, true, 'regexOperationName'), I, D, {reached: OTEL_ON}],
  ]),
  ...rows('Proxy', 'proxy/main.go proxy.Parse', [
    ['proxy-connect-timeout', 'Low', INT, I, I],
    ['proxy-send-timeout', 'Low', INT, I, I],
    ['proxy-read-timeout', 'Low', INT, I, I],
    ['proxy-buffers-number', 'Low', INT, I, I],
    ['proxy-buffer-size', 'Low', regex(SIZE, true, 'SizeRegex'), I, I],
    ['proxy-busy-buffers-size', 'Low', regex(SIZE, true, 'SizeRegex'), I, I],
    ['proxy-cookie-path', 'Medium', regex(URL_IS_VALID, true, 'URLIsValidRegex'), I, I],
    ['proxy-cookie-domain', 'Medium', regex(COOKIE_DOMAIN, false, 'cookieDomainRegex'), I, I],
    ['proxy-body-size', 'Medium', regex(SIZE, true, 'SizeRegex'), I, I],
    ['proxy-next-upstream', 'Medium', regex(NEXT_UPSTREAM, false, 'validUpstreamAnnotation'), I, I],
    ['proxy-next-upstream-timeout', 'Low', INT, I, I],
    ['proxy-next-upstream-tries', 'Low', INT, I, I],
    ['proxy-request-buffering', 'Low', options(['on', 'off'], true), I, I],
    ['proxy-redirect-from', 'Medium', regex(URL_IS_VALID, true, 'URLIsValidRegex'), I, I],
    ['proxy-redirect-to', 'Medium', regex(URL_IS_VALID, true, 'URLIsValidRegex'), I, I],
    ['proxy-buffering', 'Low', options(['on', 'off'], true), I, I],
    ['proxy-http-version', 'Low', options(['1.0', '1.1'], true), I, I],
    ['proxy-max-temp-file-size', 'Low', regex(SIZE, true, 'SizeRegex'), I, I],
  ]),
  ...rows('ProxySSL', 'proxyssl/main.go proxySSL.Parse', [
    ['proxy-ssl-secret', 'Medium', regex(BASIC_CHARS, true, 'BasicCharsRegex'), G, D, {parseFailure: N, more: SECRET_MORE}],
    ['proxy-ssl-ciphers', 'Medium', regex(/^[A-Za-z0-9+:_\-!]*$/, true, 'proxySSLCiphersRegex'), I, I],
    ['proxy-ssl-protocols', 'Low', regex(/^(TLSv1\.2|TLSv1\.3| )*$/, true, 'proxySSLProtocolRegex'), I, I],
    ['proxy-ssl-name', 'High', SERVER_NAME, I, I],
    ['proxy-ssl-verify', 'Low', regex(/^(on|off)$/, true, 'on|off'), I, I],
    ['proxy-ssl-verify-depth', 'Low', INT, I, I],
    ['proxy-ssl-server-name', 'Low', regex(/^(on|off)$/, true, 'on|off'), I, I],
  ]),
  ...rows('RateLimit', 'ratelimit/main.go ratelimit.Parse', [
    ['limit-rate', 'Low', INT, I, I],
    ['limit-rate-after', 'Low', INT, I, I],
    ['limit-rpm', 'Low', INT, I, D],
    ['limit-rps', 'Low', INT, I, D],
    ['limit-connections', 'Low', INT, I, D],
    ['limit-burst-multiplier', 'Low', INT, I, I],
    ['limit-allowlist', 'Low', CIDRS, I, D],
  ]),
  ...rows('Redirect', 'redirect/redirect.go redirect.Parse', [
    ['from-to-www-redirect', 'Low', BOOL, G, D],
    ['relative-redirects', 'Low', BOOL, G, D],
    ['temporal-redirect', 'Medium', regex(URL_IS_VALID, false, 'URLIsValidRegex'), G, D, {parseFailure: G, more: 'a URL whose scheme is not http(s) (isValidURL): the Redirect group is ignored'}],
    ['temporal-redirect-code', 'Low', INT, G, D, {reached: TEMPORAL_SET}],
    ['permanent-redirect', 'Medium', regex(URL_IS_VALID, false, 'URLIsValidRegex'), G, D, {reached: NO_TEMPORAL}],
    ['permanent-redirect-code', 'Low', INT, G, D, {reached: NO_TEMPORAL}],
  ]),
  ...rows('Rewrite', 'rewrite/main.go rewrite.Parse', [
    ['rewrite-target', 'Medium', regex(REGEX_PATH_WITH_CAPTURE, false, 'RegexPathWithCapture'), I, I],
    ['ssl-redirect', 'Low', BOOL, I, I],
    ['preserve-trailing-slash', 'Medium', BOOL, I, I],
    ['force-ssl-redirect', 'Medium', BOOL, I, I],
    ['use-regex', 'Low', BOOL, I, I],
    ['app-root', 'Medium', regex(REGEX_PATH_WITH_CAPTURE, false, 'RegexPathWithCapture'), I, I],
  ]),
  ...rows('Satisfy', 'satisfy/main.go satisfy.Parse', [['satisfy', 'Low', options(['any', 'all'], true), I, I]]),
  ...rows('ServerSnippet', 'serversnippet/main.go serverSnippet.Parse', [['server-snippet', 'Critical', NULL, I, 'never']]),
  ...rows('ServiceUpstream', 'serviceupstream/main.go serviceUpstream.Parse', [['service-upstream', 'Low', BOOL, I, I]]),
  ...rows('SessionAffinity', 'sessionaffinity/main.go affinity.Parse, cookieAffinityParse', [
    ['affinity', 'Low', options(['cookie'], true), I, I],
    ['affinity-mode', 'Medium', options(['balanced', 'persistent'], true), I, I],
    ['affinity-canary-behavior', 'Low', options(['sticky', 'legacy'], true), I, I],
    ['session-cookie-name', 'Medium', regex(BASIC_CHARS, true, 'BasicCharsRegex'), I, I],
    ['session-cookie-secure', 'Low', BOOL, I, I],
    ['session-cookie-expires', 'Medium', regex(/(^0|-?[1-9]\d*$)/, true, 'affinityCookieExpiresRegex'), I, I],
    ['session-cookie-max-age', 'Medium', regex(/(^0|-?[1-9]\d*$)/, false, 'affinityCookieExpiresRegex'), I, I],
    ['session-cookie-path', 'Medium', regex(URL_IS_VALID, true, 'URLIsValidRegex'), I, I],
    ['session-cookie-domain', 'Medium', regex(BASIC_CHARS, true, 'BasicCharsRegex'), I, I],
    ['session-cookie-samesite', 'Low', options(['none', 'lax', 'strict'], false), I, I],
    ['session-cookie-conditional-samesite-none', 'Low', BOOL, I, I],
    ['session-cookie-change-on-failure', 'Low', BOOL, I, I],
  ]),
  ...rows('SSLPassthrough', 'sslpassthrough/main.go sslpt.Parse', [['ssl-passthrough', 'Low', BOOL, I, D]]),
  ...rows('UsePortInRedirects', 'portinredirect/main.go portInRedirect.Parse', [['use-port-in-redirects', 'Low', BOOL, I, I]]),
  ...rows('UpstreamHashBy', 'upstreamhashby/main.go upstreamhashby.Parse', [
    ['upstream-hash-by', 'High', regex(/^[A-Za-z0-9\-_${}]*$/, true, 'hashByRegex'), G, D],
    ['upstream-hash-by-subset', 'Low', BOOL, G, D],
    ['upstream-hash-by-subset-size', 'Low', INT, G, D],
  ]),
  ...rows('LoadBalancing', 'loadbalancing/main.go loadbalancing.Parse', [
    ['load-balance', 'Low', options(['round_robin', 'chash', 'chashsubset', 'sticky_balanced', 'sticky_persistent', 'ewma'], true), I, D],
  ]),
  ...rows('UpstreamVhost', 'upstreamvhost/main.go upstreamVhost.Parse', [['upstream-vhost', 'Low', SERVER_NAME, I, D]]),
  ...rows('Allowlist', 'ipallowlist/main.go ipallowlist.Parse', [
    ['allowlist-source-range', 'Medium', CIDRS, N, N, {more: 'whitelist-source-range alone and empty is ignored (nginx reads the alias only when it is non-empty)'}],
  ]),
  ...rows('Denylist', 'ipdenylist/main.go ipdenylist.Parse', [['denylist-source-range', 'Medium', CIDRS, N, N]]),
  ...rows('XForwardedPrefix', 'xforwardedprefix/main.go xforwardedprefix.Parse', [['x-forwarded-prefix', 'Medium', regex(REGEX_PATH_WITH_CAPTURE, true, 'RegexPathWithCapture'), I, D]]),
  ...rows('SSLCipher', 'sslcipher/main.go sslCipher.Parse', [
    ['ssl-prefer-server-ciphers', 'Low', BOOL, I, I],
    ['ssl-ciphers', 'Low', regex(SSL_CIPHER, true, 'regexValidSSLCipher'), I, D],
  ]),
  ...rows('Logs', 'log/main.go log.Parse', [
    ['enable-access-log', 'Low', BOOL, I, I],
    ['enable-rewrite-log', 'Low', BOOL, I, I],
  ]),
  ...rows('BackendProtocol', 'backendprotocol/main.go backendProtocol.Parse', [
    ['backend-protocol', 'Low', options(['auto_http', 'http', 'https', 'grpc', 'grpcs', 'fcgi'], false), I, I],
  ]),
  ...rows('ModSecurity', 'modsecurity/main.go modSecurity.Parse', [
    ['enable-modsecurity', 'Low', BOOL, I, I],
    ['enable-owasp-core-rules', 'Low', BOOL, I, I],
    ['modsecurity-transaction-id', 'High', regex(NGINX_VARIABLE, true, 'NGINXVariable'), I, I],
    ['modsecurity-snippet', 'Critical', NULL, I, 'never'],
  ]),
  ...rows('Mirror', 'mirror/main.go mirror.Parse', [
    ['mirror-request-body', 'Low', regex(/^(on|off)$/, true, 'on|off'), I, I],
    ['mirror-target', 'High', SERVER_NAME, I, I, {more: 'an invalid value, or one without scheme and host and no mirror-host, leaves `mirror /_mirror-<uid>` in every location with no mirror location written (template.go buildMirrorLocations): the copies went to whichever location of the host matches that path'}],
    ['mirror-host', 'High', SERVER_NAME, I, I],
  ]),
  ...rows('StreamSnippet', 'streamsnippet/main.go streamSnippet.Parse', [['stream-snippet', 'Critical', NULL, I, 'never']]),
])

/** The five snippet keys controller.go dropSnippetDirectives clears when allow-snippet-annotations is false. */
export const SNIPPET_KEYS = ['configuration-snippet', 'server-snippet', 'modsecurity-snippet', 'auth-snippet', 'stream-snippet']

/** parser.CheckAnnotationRisk: the key's risk is above the configured level. */
export function tooRisky(risk: AnnotationRisk, config: ServingConfig): boolean {
  return RISK_ORDER.indexOf(risk) > RISK_ORDER.indexOf(config.riskLevel)
}

/** The keys of one parser group (for a group-ignored outcome). */
export function groupKeys(group: string): string[] {
  return [...SERVE_TABLE].filter(([, r]) => r.group === group).map(([k]) => k)
}

/** parser.StringRiskToRisk. */
function riskFromString(value: string): AnnotationRisk {
  const v = value.toLowerCase()
  return v === 'critical' ? 'Critical' : v === 'high' ? 'High' : v === 'medium' ? 'Medium' : 'Low'
}

/** mapstructure's weakly typed string -> bool (strconv.ParseBool, "" false); a value it refuses keeps the default. */
/** A ConfigMap boolean as mapstructure decodes it (parseGoBool); an invalid value keeps the default. */
function configBool(value: unknown, dflt: boolean): boolean {
  if (typeof value === 'boolean') return value
  return parseGoBool(value) ?? dflt
}

const DEFAULT_CONFIG: ServingConfig = {
  riskLevel: 'High',
  allowSnippets: false,
  allowCrossNamespace: false,
  allowedResponseHeaders: [],
  wordBlocklist: [],
  fromConfigMap: false,
}

/**
 * The serving settings of the controller ConfigMap (template/configmap.go ReadConfig over config.go NewDefault),
 * or the defaults when it is not in the input. Computed on each call (no module cache: a later run over the same
 * object, edited since, must see it as it is); translate memoizes it per run (index.ts perRun).
 */
export function servingConfig(cm: KubeObject | undefined): ServingConfig {
  if (!cm || typeof cm !== 'object') return DEFAULT_CONFIG
  const data: Record<string, unknown> = cm.data && typeof cm.data === 'object' ? cm.data : {}
  const text = (k: string): string | undefined => (typeof data[k] === 'string' ? (data[k] as string) : data[k] === undefined ? undefined : String(data[k]))
  const risk = text('annotations-risk-level')
  const allowed = text('global-allowed-response-headers')
  const words = text('annotation-value-word-blocklist')
  const config: ServingConfig = {
    riskLevel: risk === undefined ? 'High' : riskFromString(risk),
    allowSnippets: configBool(data['allow-snippet-annotations'], false),
    allowCrossNamespace: configBool(data['allow-cross-namespace-resources'], false),
    // configmap.go: split on commas, trimmed, names customheaders.ValidHeader refuses left out.
    allowedResponseHeaders: allowed === undefined || allowed === '' ? [] : allowed.split(',').map(goTrim).filter((h) => /^[a-zA-Z\d\-_]+$/.test(h)),
    // store.go checkBadAnnotationValue: strings.Split(strings.TrimSpace(list), ","), words not trimmed.
    wordBlocklist: words === undefined || words === '' ? [] : goTrim(words).split(','),
    fromConfigMap: true,
  }
  return config
}
