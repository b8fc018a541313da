/** What a value parser returns: the value, or why nginx would reject it. */
export type ParseResult<T> = {ok: true; value: T} | {ok: false; reason: string}

/** Go strconv.ParseBool, which every ingress-nginx boolean annotation uses. */
export function parseBool(value: string): ParseResult<boolean> {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return {ok: true, value: true}
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return {ok: true, value: false}
  return {ok: false, reason: `"${value}" is not a boolean (nginx accepts true/false/1/0/t/f)`}
}

/** strconv.Atoi: no units ("60s" is invalid for timeouts). */
export function parseInt10(value: string): ParseResult<number> {
  // Go's strconv.Atoi neither trims spaces nor accepts units: " 300" and "60s" are invalid for nginx too.
  if (!/^[+-]?\d+$/.test(value)) return {ok: false, reason: `"${value}" is not an integer (no spaces or units allowed)`}
  // Atoi's int is 64 bits: a larger value is strconv.ErrRange, an invalid value like any other.
  if (BigInt.asIntN(64, BigInt(value)) !== BigInt(value)) return {ok: false, reason: `"${value}" is out of range for a 64-bit integer`}
  return {ok: true, value: Number.parseInt(value, 10)}
}

export function parseString(value: string): ParseResult<string> {
  return {ok: true, value}
}

export function parseEnum<T extends string>(allowed: readonly T[], caseInsensitive = false) {
  return (value: string): ParseResult<T> => {
    const v = value.trim()
    const hit = allowed.find((a) => (caseInsensitive ? a.toLowerCase() === v.toLowerCase() : a === v))
    return hit ? {ok: true, value: hit} : {ok: false, reason: `"${value}" is not one of ${allowed.join(', ')}`}
  }
}

export function parseRegexValue(pattern: RegExp, what: string) {
  return (value: string): ParseResult<string> =>
    pattern.test(value) ? {ok: true, value} : {ok: false, reason: `"${value}" is not a valid ${what}`}
}
