/**
 * Flux post-build substitution placeholders (`${VAR}`, `${VAR:=default}`, ...) in Ingresses read from files.
 *
 * A GitOps tree holds Ingresses before Flux's kustomize-controller fills them in (fluxcd/pkg kustomize
 * kustomize_varsub.go `varSubstitution` runs fluxcd/pkg envsubst `Eval` over the whole object): the API server, and
 * so ingress-nginx, only ever saw the substituted value. A placeholder is therefore an opaque token that stands for
 * some value: a value is refused only when no substitution can make it valid.
 *
 * The grammar is fluxcd/pkg envsubst/parse (parse.go `parseAny`/`parseFunc`, scan.go `scanLbrack`/`scanEscaped`):
 * only `${` opens a substitution (`$VAR` without braces is plain text, which nginx variables rely on), `$$` is an
 * escape (`$${VAR}` is the literal text `${VAR}`), the name is an identifier, and what follows it up to the matching
 * `}` is a function: `:=`, `:-`, `=`, `-`, `:?`, `:+`, `?`, `+` all evaluate to the value, or the default when the
 * value is empty (template.go `lookupFunc` maps every one of them to `toDefault`); `/`, `//`, `#`, `%`, `^`, `,`
 * and `:offset` transform the value.
 *
 * The translation core works on *sentinels*: each placeholder is replaced by a lower-case token that every host,
 * URL, name and path validator accepts (`zq<hex of the placeholder text>qz`, reversible without any table), and
 * the emitted objects and messages get the placeholder text back (`restorePlaceholders`). A context that needs a
 * number, a size or an address cannot take a sentinel: `validForSomeSubstitution` tells such a value (translatable
 * only after substitution) from one no substitution can make valid (`1${N}s` as an integer).
 */

const SUBSTITUTE_KEY = 'kustomize.toolkit.fluxcd.io/substitute'

/**
 * True when Flux substitutes this object read from files. fluxcd/pkg kustomize/kustomize_varsub.go
 * SubstituteVariables skips a resource labeled or annotated `kustomize.toolkit.fluxcd.io/substitute: disabled`:
 * its `${...}` reach the API server, and nginx, as written. A live cluster's values are final too.
 */
export function fluxSubstitutes(cluster: boolean | undefined, metadata: {labels?: Record<string, string>; annotations?: Record<string, string>} | undefined): boolean {
  if (cluster) return false
  return metadata?.labels?.[SUBSTITUTE_KEY] !== 'disabled' && metadata?.annotations?.[SUBSTITUTE_KEY] !== 'disabled'
}

/** One `${...}` substitution as written. */
export interface Placeholder {
  /** The whole text, `${SECRET_DOMAIN:=example.com}`. */
  text: string
  /** The variable, `SECRET_DOMAIN`. */
  name: string
  /** The default of a `:=`/`:-`/`=`/`-`/`:?`/`:+`/`?`/`+` function when it holds no placeholder itself. */
  fallback?: string
  start: number
  end: number
}

const IDENT_START = /[_A-Za-z]/
const IDENT = /[_A-Za-z0-9]/
const DEFAULT_OPS = [':=', ':-', ':?', ':+', '=', '-', '?', '+']

/** The `}` that closes the `${` at `open` (nested `${...}` in a default count), or -1. */
function closingBrace(value: string, open: number): number {
  let depth = 0
  for (let i = open; i < value.length; i++) {
    if (value[i] === '$' && value[i + 1] === '{') {
      depth++
      i++
    } else if (value[i] === '}' && --depth === 0) {
      return i
    }
  }
  return -1
}

/** Every placeholder of a value, in order. An unterminated `${` is plain text (Flux itself fails on it). */
export function findPlaceholders(value: string): Placeholder[] {
  const found: Placeholder[] = []
  if (!value.includes('${')) return found
  for (let i = 0; i < value.length; i++) {
    if (value[i] !== '$') continue
    // scan.go scanEscaped: `$$` is one literal `$`, and what follows it is text.
    if (value[i + 1] === '$') {
      i++
      continue
    }
    if (value[i + 1] !== '{') continue
    const close = closingBrace(value, i)
    if (close < 0) break
    const body = value.slice(i + 2, close)
    // parse.go parseFunc: `${#VAR}` (length), else an identifier first.
    const nameStart = body.startsWith('#') ? 1 : 0
    let n = nameStart
    if (n >= body.length || !IDENT_START.test(body[n]!)) continue
    while (n < body.length && IDENT.test(body[n]!)) n++
    const name = body.slice(nameStart, n)
    const rest = body.slice(n)
    const op = DEFAULT_OPS.find((o) => rest.startsWith(o))
    const dflt = op === undefined ? undefined : rest.slice(op.length)
    found.push({text: value.slice(i, close + 1), name, start: i, end: close + 1, ...(dflt !== undefined && !dflt.includes('${') ? {fallback: dflt} : {})})
    i = close
  }
  return found
}

export function hasPlaceholders(value: string): boolean {
  return findPlaceholders(value).length > 0
}

/** The distinct placeholder texts of a value, in order of appearance. */
export function placeholderTexts(value: string): string[] {
  return [...new Set(findPlaceholders(value).map((p) => p.text))]
}

const SENTINEL = /zq((?:[0-9a-f]{2})+)qz/g

/** The sentinel of one placeholder: lower-case letters and digits, a valid DNS label start, no regex or URL syntax. */
function sentinelOf(text: string): string {
  return `zq${Buffer.from(text, 'utf8').toString('hex')}qz`
}

/** The value with each placeholder replaced by its sentinel. */
export function toSentinels(value: string): string {
  const list = findPlaceholders(value)
  if (list.length === 0) return value
  let out = ''
  let at = 0
  for (const p of list) {
    out += value.slice(at, p.start) + sentinelOf(p.text)
    at = p.end
  }
  return out + value.slice(at)
}

/** True when a string carries a sentinel (something read from a placeholder). */
export function hasSentinels(value: string): boolean {
  SENTINEL.lastIndex = 0
  return SENTINEL.test(value)
}

/** The placeholder text back in place of every sentinel. */
export function restorePlaceholders(value: string): string {
  if (!value.includes('zq')) return value
  return value.replace(SENTINEL, (whole, hex: string) => {
    const text = Buffer.from(hex, 'hex').toString('utf8')
    return text.startsWith('${') && text.endsWith('}') ? text : whole
  })
}

/**
 * Restore placeholders in every string of a value, in place for arrays and plain objects (Map keys and values
 * too; a frozen object is copied); returns the value (a new string for strings). Objects already visited are skipped (shared subtrees).
 */
export function restoreDeep<T>(value: T, seen = new Set<object>()): T {
  if (typeof value === 'string') return restorePlaceholders(value) as T
  if (value === null || typeof value !== 'object' || seen.has(value)) return value
  seen.add(value)
  // A frozen record (an Ingress's resolved settings) is replaced by a restored, frozen copy: its owner's field is.
  if (Object.isFrozen(value) && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.freeze(Object.fromEntries(Object.entries(value).map(([k, v]) => [restorePlaceholders(k), restoreDeep(v, seen)]))) as T
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = restoreDeep(value[i], seen)
  } else if (value instanceof Map) {
    const entries = [...value.entries()]
    value.clear()
    for (const [k, v] of entries) value.set(restoreDeep(k, seen), restoreDeep(v, seen))
  } else if (value instanceof Set) {
    const items = [...value]
    value.clear()
    for (const v of items) value.add(restoreDeep(v, seen))
  } else if (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null) {
    const record = value as Record<string, unknown>
    for (const k of Object.keys(record)) {
      const restoredKey = restorePlaceholders(k)
      const v = restoreDeep(record[k], seen)
      if (restoredKey !== k) {
        delete record[k]
        record[restoredKey] = v
      } else if (v !== record[k]) {
        record[k] = v
      }
    }
  }
  return value
}

/**
 * Values tried for each placeholder when a partly literal value is checked: its own default first, then
 * representatives of the contexts placeholders stand in (a number, a DNS label, a host, an address, a CIDR), and "",
 * which Flux substitutes for an unset variable outside strict mode (kustomize_varsub.go varSubstitution).
 */
const REPRESENTATIVES = ['1', 'a', 'a1', 'example.com', '10.0.0.1', '10.0.0.0/8', '0', '']

/**
 * "Valid for some substitution": true when `accepts` takes the value once its placeholders are filled in, for one
 * of the representative values (or each placeholder's own default). A value that is one placeholder and nothing
 * else can become any value, so it is valid for every check that accepts anything at all. Sound: a true answer
 * names a substitution that passes; a false answer can miss exotic substitutions only for partly literal values.
 */
export function validForSomeSubstitution(template: string, accepts: (value: string) => boolean): boolean {
  const list = findPlaceholders(template)
  if (list.length === 0) return accepts(template)
  if (list.length === 1 && list[0]!.start === 0 && list[0]!.end === template.length) return true
  const fill = (pick: (p: Placeholder) => string) => {
    let out = ''
    let at = 0
    for (const p of list) {
      out += template.slice(at, p.start) + pick(p)
      at = p.end
    }
    return out + template.slice(at)
  }
  if (list.every((p) => p.fallback !== undefined) && accepts(fill((p) => p.fallback!))) return true
  return REPRESENTATIVES.some((r) => accepts(fill(() => r)))
}

/** "`${A}`, `${B}`" for messages. */
export function describePlaceholders(template: string): string {
  return placeholderTexts(template).join(', ')
}
