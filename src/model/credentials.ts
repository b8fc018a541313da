/**
 * Credentials the report must never repeat that can stand in any value a diagnostic quotes: URL userinfo and
 * credential query parameters. `https://user:pass@host/path?api_key=k&x=1` (or a token as the user name) becomes
 * `https://<redacted>@host/path?api_key=<redacted>&x=1`: the scheme, host, path and the parameter names stay
 * readable, so the user still sees which URL is meant.
 */
import type {Diagnostic} from './types.js'

/** `scheme://user:pass@`: basic-auth-like userinfo in a URL (up to the first `@` of the authority). */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@"';?#]+@/gi
export const REDACTED = '<redacted>'

/**
 * What a credential is called, as a header (`X-Api-Key`, `Proxy-Authorization`, `Set-Cookie`) or an nginx variable
 * (`$api_key`, `$arg_token`, `$db_password`): the report must not repeat the values.
 */
const CREDENTIAL_WORD = '(?:authorization|cookie|api[-_]?key|access[-_]?key|token|secret|passw(?:or)?d|pwd|credential)'

/**
 * The value of a query parameter named like a credential (`?api_key=`, `&access_token=`, `&X-Amz-Signature=`), or
 * one of the short names APIs use for one (`key`, `sig`, `auth`), in a URL or a bare path with its query
 * (`/m?token=...`). A value made of nginx variables (`$arg_token`) carries no secret and stays.
 */
const QUERY_CREDENTIAL = new RegExp(`([?&](?:[\\w.-]*(?:${CREDENTIAL_WORD}|signature)[\\w.-]*|key|sig|auth)=)(?!\\$\\{?\\w+\\}?(?:[&#\\s"']|$))([^&#\\s"']+)`, 'gi')

/** Text with the userinfo and the credential query values of every URL in it replaced by `<redacted>`. */
export function maskUrlCredentials(text: string): string {
  const userinfo = text.includes('@') ? text.replace(URL_USERINFO, `$1${REDACTED}@`) : text
  return userinfo.includes('=') ? userinfo.replace(QUERY_CREDENTIAL, `$1${REDACTED}`) : userinfo
}

/** A diagnostic's data with URL credentials (userinfo, credential query values) masked in every string it holds (the same object when none has any). */
export function maskData<T>(value: T): T {
  if (typeof value === 'string') return maskUrlCredentials(value) as T
  if (Array.isArray(value)) {
    const out = value.map(maskData)
    return (out.some((v, i) => v !== value[i]) ? out : value) as T
  }
  if (value !== null && typeof value === 'object') {
    let out: Record<string, unknown> | undefined
    for (const [k, v] of Object.entries(value)) {
      const masked = maskData(v)
      if (masked !== v) (out ??= {...(value as Record<string, unknown>)})[k] = masked
    }
    return (out ?? value) as T
  }
  return value
}

/**
 * The last line before a diagnostic leaves the core: message, hint and data with URL credentials masked (the same
 * object when there is none). Messages written where they are emitted quote values (a ConfigMap's global-auth-url,
 * an invalid annotation value) that no catalogue render has masked.
 */
export function maskDiagnostic(d: Diagnostic): Diagnostic {
  const message = maskUrlCredentials(d.message)
  const hint = d.hint === undefined ? undefined : maskUrlCredentials(d.hint)
  const data = d.data === undefined ? undefined : maskData(d.data)
  if (message === d.message && hint === d.hint && data === d.data) return d
  return {...d, message, ...(hint !== undefined ? {hint} : {}), ...(data !== undefined ? {data} : {})}
}

const CREDENTIAL_NAME = `[\\w-]*${CREDENTIAL_WORD}[\\w-]*`
/** Standard request headers whose values are no credentials: comparisons with them stay readable. */
const PLAIN_HEADERS = 'user_agent|host|referer|origin|accept(?:_\\w+)?|content_type|content_length|upgrade|connection|x_forwarded_(?:proto|for|host|port)|x_real_ip|x_requested_with'
/**
 * Variables whose values come from the client (`$http_*` headers but the standard ones above, `$cookie_*`) or are
 * named like a credential.
 */
const CREDENTIAL_VARIABLE = `(?:http_(?!(?:${PLAIN_HEADERS})\\b)\\w+|cookie_\\w+|\\w*${CREDENTIAL_WORD}\\w*)`
const QUOTED = `"(?:[^"\\\\]|\\\\.)*"|'(?:[^'\\\\]|\\\\.)*'`
/** `Name: value` / `Name value` of a credential header, wherever it stands (not a `$variable`). */
const CREDENTIAL_HEADER = new RegExp(`(?<![$\\w-])(${CREDENTIAL_NAME})(["']?\\s*:?\\s+)(${QUOTED}|[^;"'\\s][^;"']*)`, 'gi')
/** `$http_x_api_key != "s3cr3t"`, `$cookie_session = abc`, `$token ~* ^abc`: the value compared. */
const CREDENTIAL_COMPARISON = new RegExp(`(\\$\\{?${CREDENTIAL_VARIABLE}\\}?\\s*(?:!?~\\*?|!?=)\\s*)(${QUOTED}|[^\\s)]+)`, 'gi')
/** `set $token "..."`: the value assigned. */
const CREDENTIAL_ASSIGNMENT = new RegExp(`(\\bset\\s+\\$${CREDENTIAL_VARIABLE}\\s+)(${QUOTED}|[^\\s;]+)`, 'gi')
const IS_CREDENTIAL = new RegExp(`^${CREDENTIAL_NAME}$`, 'i')

/** A header or variable name that holds a credential (`X-Api-Key`, `$db_password`). */
export function isCredentialName(name: string): boolean {
  return IS_CREDENTIAL.test(name)
}

/** A value made only of nginx variables (`$http_cookie`, `"$cookie_a $cookie_b"`) carries no secret of its own. */
export function onlyVariables(value: string): boolean {
  return /^(["']?)(\s*\$\{?\w+\}?)+\s*\1$/.test(value)
}

const keepVariables = (prefix: string, value: string) => prefix + (onlyVariables(value) ? value : REDACTED)

/**
 * Credentials in any text of raw nginx configuration (an annotation or ConfigMap snippet) (compared, assigned, URL credentials) replaced by `<redacted>`; header
 * values too unless `headers` is false (hints, whose own header values are masked by name).
 */
export function redactSecrets(text: string, headers = true): string {
  let out = maskUrlCredentials(text)
    .replace(CREDENTIAL_COMPARISON, (_m, prefix: string, value: string) => keepVariables(prefix, value))
    .replace(CREDENTIAL_ASSIGNMENT, (_m, prefix: string, value: string) => keepVariables(prefix, value))
  if (headers) out = out.replace(CREDENTIAL_HEADER, (_m, name: string, sep: string, value: string) => name + keepVariables(sep, value.trimEnd()) + (value.match(/\s*$/)?.[0] ?? ''))
  return out
}
