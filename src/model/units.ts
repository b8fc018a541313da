import type {ParseResult} from './parsers.js'

/**
 * nginx sizes and seconds -> Kubernetes quantities and Gateway API durations.
 *
 * Shared by every family that carries a size or a time: a size must never be passed through as a Kubernetes
 * quantity (`10m` is ten milli-bytes there; nginx means ten megabytes), and a seconds value must fit the Gateway
 * duration pattern `^([0-9]{1,5}(h|m|s|ms)){1,4}$` (at most five digits per unit: `1728000s` is invalid).
 */

/** A parsed nginx size (`8m`, `512k`, `1g`, `1024`). */
export interface NginxSize {
  /** The value as written. */
  text: string
  /** Size in bytes; may lose precision beyond 2^53 (only for absurd values). */
  bytes: number
  /**
   * The unit as written, lower-cased. `b` passes ingress-nginx's validation but nginx itself knows only k, m and g
   * (ngx_parse_size / ngx_parse_offset), so a `b` size makes `nginx -t` fail; it is read here as bytes.
   */
  unit: '' | 'b' | 'k' | 'm' | 'g'
  /** nginx treats a zero size as "no limit" for the directives that take one (client_max_body_size 0). */
  unlimited: boolean
  /**
   * The same size as an EG quantity (`8Mi`, `512Ki`, `1Gi`, `1024`), or undefined when unlimited: EG quantities
   * reject `0` (pattern `^[1-9]+[0-9]*([EPTGMK]i|[EPTGMk])?$`), so "unlimited" is expressed by emitting nothing.
   */
  quantity: string | undefined
}

/** ingress-nginx's size validator (`SizeRegex`): digits with an optional b/k/m/g unit, case-insensitive. */
const NGINX_SIZE = /^(\d+)([bkmg]?)$/i

const BINARY_SUFFIX: Record<string, {suffix: string; factor: number}> = {
  '': {suffix: '', factor: 1},
  b: {suffix: '', factor: 1},
  k: {suffix: 'Ki', factor: 1024},
  m: {suffix: 'Mi', factor: 1024 ** 2},
  g: {suffix: 'Gi', factor: 1024 ** 3},
}

/**
 * Parse an nginx size with ingress-nginx's own validation. nginx's units are binary (1k = 1024 bytes), so they
 * map to the Kubernetes binary suffixes Ki/Mi/Gi, never to k/M/G (decimal) and never to `m` (milli).
 */
export function parseNginxSize(value: string): ParseResult<NginxSize> {
  const text = value.trim()
  const m = NGINX_SIZE.exec(text)
  if (!m) return {ok: false, reason: `"${value}" is not an nginx size (digits with an optional unit k, m or g, e.g. 8m)`}
  const digits = m[1]!.replace(/^0+(?=\d)/, '')
  const unitText = m[2]!.toLowerCase() as NginxSize['unit']
  const unit = BINARY_SUFFIX[unitText]!
  const bytes = Number(digits) * unit.factor
  const unlimited = /^0+$/.test(digits)
  return {ok: true, value: {text, bytes, unit: unitText, unlimited, quantity: unlimited ? undefined : `${digits}${unit.suffix}`}}
}

/** Largest value a single duration unit can carry under the Gateway pattern. */
const MAX_UNIT_DIGITS = 99999

/**
 * nginx seconds -> Gateway API duration. Values up to 99999 are written in seconds as the user wrote them
 * (`60` -> `60s`); larger ones are split into h/m/s (`1728000` -> `480h`, `100000` -> `27h46m40s`). Fractions
 * become milliseconds (`0.5` -> `500ms`). Values beyond 99999h (over 11 years) are capped there, which no
 * timeout can tell apart from unlimited.
 */
export function toGatewayDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) throw new RangeError(`duration must be a finite non-negative number of seconds, got ${seconds}`)
  const totalMs = Math.round(seconds * 1000)
  const ms = totalMs % 1000
  let whole = (totalMs - ms) / 1000
  if (whole <= MAX_UNIT_DIGITS) {
    if (ms === 0) return `${whole}s`
    return whole === 0 ? `${ms}ms` : `${whole}s${ms}ms`
  }
  const maxWhole = MAX_UNIT_DIGITS * 3600 + 59 * 60 + 59
  if (whole > maxWhole) return `${MAX_UNIT_DIGITS}h59m59s`
  const h = Math.floor(whole / 3600)
  whole -= h * 3600
  const min = Math.floor(whole / 60)
  const s = whole - min * 60
  return `${h}h${min ? `${min}m` : ''}${s ? `${s}s` : ''}${ms ? `${ms}ms` : ''}`
}
