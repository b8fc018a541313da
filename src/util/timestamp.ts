/**
 * metadata.creationTimestamp as the controllers compare it. ingress-nginx (store.go sortIngressSlice) and Envoy
 * Gateway (internal/gatewayapi/resource/resource.go Sort) order objects with metav1.Time Equal and Before: instants,
 * not text. From the cluster they are always whole seconds: the API server sets creationTimestamp itself on create,
 * and metav1.Time marshals with time.RFC3339 (apimachinery pkg/apis/meta/v1/time.go MarshalJSON), which drops the
 * fraction; two objects created within one second are equal there, and the tie-break (namespace/name) decides.
 *
 * Manifest files (`-f`) never reached those controllers, so a value written by hand decides nothing for them; what a
 * user means by it is the instant it names, as the cluster would have stored it: any RFC 3339 offset (`+02:00` is
 * the same instant as the `Z` time two hours earlier), the fraction dropped (the second the cluster keeps), and the
 * lower-case `t` and `z` RFC 3339 section 5.6 allows (Go's time.Parse refuses those, but the instant is plain).
 * Anything else is no time at all: undefined, which the callers order as they order a missing timestamp and report.
 */

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/

/** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil): no Date, so years 0-99 stay themselves. */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year
  const era = Math.floor(y / 400)
  const yearOfEra = y - era * 400
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear
  return era * 146097 + dayOfEra - 719468
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31
}

/**
 * The whole second (Unix time) a creationTimestamp names, or undefined when the value is not an RFC 3339 date-time
 * (missing, not a string, out of range: month 13, February 30, hour 24, second 60, as Go's time.Parse refuses them).
 */
export function creationSecond(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined
  const m = RFC3339.exec(value)
  if (!m) return undefined
  const year = +m[1]!
  const month = +m[2]!
  const day = +m[3]!
  const hour = +m[4]!
  const minute = +m[5]!
  const second = +m[6]!
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) return undefined
  let offset = 0
  if (m[7] === undefined) {
    const offsetHours = +m[9]!
    const offsetMinutes = +m[10]!
    if (offsetHours > 23 || offsetMinutes > 59) return undefined
    offset = (m[8] === '-' ? -1 : 1) * (offsetHours * 3600 + offsetMinutes * 60)
  }
  return daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset
}

/**
 * Oldest first, as metav1.Time Before; 0 when both name the same second. A missing or unparseable timestamp sorts
 * after every real one (an object of the files not yet in the cluster would be created after all that are), and two
 * of them are equal, so the caller's tie-break decides.
 */
export function compareCreation(a: number | undefined, b: number | undefined): number {
  if (a === b) return 0
  if (a === undefined) return 1
  if (b === undefined) return -1
  return a - b
}
