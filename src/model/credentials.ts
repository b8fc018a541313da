/**
 * Credentials the report must never repeat that can stand in any value a diagnostic quotes: URL userinfo.
 * `https://user:pass@host/path` (or a token as the user name) becomes `https://<redacted>@host/path`: the scheme,
 * host and path stay readable, so the user still sees which URL is meant.
 */
import type {Diagnostic} from './types.js'

/** `scheme://user:pass@`: basic-auth-like userinfo in a URL (up to the first `@` of the authority). */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@"';?#]+@/gi
export const REDACTED = '<redacted>'

/** Text with the userinfo of every URL in it replaced by `<redacted>`. */
export function maskUrlUserinfo(text: string): string {
  return text.includes('@') ? text.replace(URL_USERINFO, `$1${REDACTED}@`) : text
}

/** A diagnostic's data with URL userinfo masked in every string it holds (the same object when none has any). */
export function maskData<T>(value: T): T {
  if (typeof value === 'string') return maskUrlUserinfo(value) as T
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
 * The last line before a diagnostic leaves the core: message, hint and data with URL userinfo masked (the same
 * object when there is none). Messages written where they are emitted quote values (a ConfigMap's global-auth-url,
 * an invalid annotation value) that no catalogue render has masked.
 */
export function maskDiagnostic(d: Diagnostic): Diagnostic {
  const message = maskUrlUserinfo(d.message)
  const hint = d.hint === undefined ? undefined : maskUrlUserinfo(d.hint)
  const data = d.data === undefined ? undefined : maskData(d.data)
  if (message === d.message && hint === d.hint && data === d.data) return d
  return {...d, message, ...(hint !== undefined ? {hint} : {}), ...(data !== undefined ? {data} : {})}
}
