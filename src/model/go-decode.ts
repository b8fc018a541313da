/**
 * ConfigMap values as ingress-nginx's ReadConfig decodes them (mapstructure's weak decoding over strconv).
 * Pure: no I/O, never throws.
 */
import {parseBool} from './parsers.js'

/**
 * A ConfigMap boolean as ingress-nginx decodes it: `ReadConfig` (internal/ingress/controller/template/configmap.go)
 * hands the data to mapstructure with WeaklyTypedInput, whose `decodeBool` runs strconv.ParseBool on the raw string
 * (no trimming: " true" is an error) and turns "" into false. An error keeps the key's default (mapstructure
 * records it and ReadConfig only logs it), which the caller does when this returns undefined.
 */
export function parseGoBool(value: unknown): boolean | undefined {
  if (typeof value !== 'string') return undefined
  if (value === '') return false
  const r = parseBool(value)
  return r.ok ? r.value : undefined
}

/**
 * A ConfigMap integer as ingress-nginx decodes it: mapstructure's weak `decodeInt` turns "" into "0" and calls
 * strconv.ParseInt(s, 0, 64), so base prefixes apply ("0x1e" is 30, a leading 0 means octal: "010" is 8) and
 * underscores may separate digits. Undefined when Go would return an error or the value is not a safe JS integer.
 */
export function parseGoInt(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined
  const n = goParseIntBase0(value === '' ? '0' : value)
  return n !== undefined && Number.isSafeInteger(n) ? n : undefined
}

/** strconv.ParseInt(s, 0, 64) (strconv/atoi.go ParseUint + underscoreOK); undefined on a syntax or range error. */
function goParseIntBase0(s: string): number | undefined {
  let body = s
  let negative = false
  if (body.startsWith('+') || body.startsWith('-')) {
    negative = body.startsWith('-')
    body = body.slice(1)
  }
  if (body === '') return undefined
  let base = 10n
  let digits = body
  if (body[0] === '0') {
    const prefix = body.length >= 3 ? body[1].toLowerCase() : ''
    if (prefix === 'b' || prefix === 'o' || prefix === 'x') {
      base = prefix === 'b' ? 2n : prefix === 'o' ? 8n : 16n
      digits = body.slice(2)
    } else {
      base = 8n
      digits = body.slice(1)
    }
  }
  let n = 0n
  for (const c of digits) {
    if (c === '_') continue
    const lower = c.toLowerCase()
    const d = c >= '0' && c <= '9' ? BigInt(c.charCodeAt(0) - 48) : lower >= 'a' && lower <= 'z' ? BigInt(lower.charCodeAt(0) - 87) : -1n
    if (d < 0n || d >= base) return undefined
    n = n * base + d
  }
  if (digits.includes('_') && !goUnderscoreOK(s)) return undefined
  const signed = negative ? -n : n
  if (BigInt.asIntN(64, signed) !== signed) return undefined
  return Number(signed)
}

/** strconv's underscoreOK: underscores only between digits (a base prefix counts as a digit). */
function goUnderscoreOK(s: string): boolean {
  const body = s.startsWith('+') || s.startsWith('-') ? s.slice(1) : s
  let saw = '^'
  let hex = false
  let i = 0
  if (body.length >= 2 && body[0] === '0' && 'box'.includes(body[1].toLowerCase())) {
    i = 2
    saw = '0'
    hex = body[1].toLowerCase() === 'x'
  }
  for (; i < body.length; i++) {
    const c = body[i]
    const lower = c.toLowerCase()
    if ((c >= '0' && c <= '9') || (hex && lower >= 'a' && lower <= 'f')) {
      saw = '0'
      continue
    }
    if (c === '_') {
      if (saw !== '0') return false
      saw = '_'
      continue
    }
    if (saw === '_') return false
    saw = '!'
  }
  return saw !== '_'
}
