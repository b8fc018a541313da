/**
 * RE2 regular expressions (what Envoy's `safe_regex` and `regex_rewrite` run, and what Envoy Gateway validates with
 * Go's regexp package, internal/utils/regex Validate) emulated with JavaScript RegExp.
 *
 * The pattern is parsed and rewritten into an equivalent JS pattern, never handed to RegExp as is, because the two
 * dialects disagree on spellings that look alike:
 * - inline flags `(?i)`, `(?s)`, `(?m)` anywhere (scoped to the enclosing group): JS has none on Node 20, so case
 *   folding is expanded into classes (`a` -> `[aA]`) and `.`, `^`, `$` are spelled out for the active flags;
 * - `.` excludes only `\n` in RE2 (JS also excludes `\r`, U+2028, U+2029); `\s` is `[\t\n\f\r ]` (JS adds `\v` and
 *   Unicode spaces); `[]a]` is a class holding `]` in RE2 (an empty class in JS); `\z`, `\A`, `\Q…\E`, `[[:alpha:]]`;
 * - RE2 rejects what JS accepts: lookarounds, backreferences, `\8`, unknown letter escapes, nested repetition,
 *   repeat counts above 1000. Those raise Re2SyntaxError, as Envoy Gateway refuses the route rule.
 * Known remaining differences (Re2Unsupported is raised where a pattern depends on them, otherwise they are silent):
 * Unicode classes `\pL` and the `U` (ungreedy) flag are not translated; case folding covers ASCII letters only (RE2
 * also folds K/U+212A and S/U+017F); JS works on UTF-16 code units where RE2 works on code points (only matters
 * for astral characters, which request paths carry percent-encoded); captures inside a repeated group are reset on
 * each iteration in JS but keep their last value in RE2, e.g. `(?:(a)|b)*` on "ab" captures "a" in RE2 only.
 */

/** The pattern is not valid RE2 (Envoy Gateway rejects the rule that carries it). */
export class Re2SyntaxError extends Error {}

/** Valid RE2 that this emulation cannot evaluate faithfully. */
export class Re2Unsupported extends Error {}

interface Flags {
  i: boolean
  m: boolean
  s: boolean
}

interface Translation {
  source: string
  groups: number
}

const MAX_REPEAT = 1000
const PERL_SPACE = '\\t\\n\\f\\r '
const POSIX_CLASSES: Record<string, string> = {
  alnum: '0-9A-Za-z', alpha: 'A-Za-z', ascii: '\\x00-\\x7f', blank: '\\t ', cntrl: '\\x00-\\x1f\\x7f',
  digit: '0-9', graph: '!-~', lower: 'a-z', print: ' -~', punct: '!-/:-@\\[-`{-~', space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z', word: '0-9A-Za-z_', xdigit: '0-9A-Fa-f',
}
const CASE_INSENSITIVE_POSIX: Record<string, string> = {lower: 'A-Za-z', upper: 'A-Za-z'}

const cache = new Map<string, {full: RegExp; search: RegExp; groups: number} | Error>()

/** Translate an RE2 pattern to a JS pattern source (no flags needed) with the same capture groups. */
export function translateRe2(pattern: string): Translation {
  const parser = new Re2Parser(pattern)
  const source = parser.parseAlternation({i: false, m: false, s: false}, false)
  if (parser.pos < pattern.length) throw new Re2SyntaxError(`unexpected ) in ${JSON.stringify(pattern)}`)
  return {source, groups: parser.groups}
}

/** The RE2 syntax error for the pattern, or undefined when Go's regexp.Compile (and so Envoy Gateway) accepts it. */
export function re2SyntaxError(pattern: string): string | undefined {
  const compiled = compileCached(pattern)
  return compiled instanceof Re2SyntaxError ? compiled.message : undefined
}

function compileCached(pattern: string): {full: RegExp; search: RegExp; groups: number} | Error {
  let entry = cache.get(pattern)
  if (entry === undefined) {
    try {
      const {source, groups} = translateRe2(pattern)
      entry = {full: new RegExp(`^(?:${source})$`), search: new RegExp(source, 'g'), groups}
    } catch (error) {
      entry = error instanceof Error ? error : new Error(String(error))
    }
    cache.set(pattern, entry)
  }
  return entry
}

function program(pattern: string): {full: RegExp; search: RegExp; groups: number} {
  const compiled = compileCached(pattern)
  if (compiled instanceof Error) throw compiled
  return compiled
}

/** RE2::FullMatch: the whole input must match (Envoy `safe_regex` on paths, headers, query values). */
export function re2FullMatch(pattern: string, input: string): boolean {
  return program(pattern).full.test(input)
}

/**
 * RE2::GlobalReplace, which Envoy's `regex_rewrite` (RegexMatchAndSubstitute) runs: every non-overlapping match
 * is replaced; `\0`-`\9` in the substitution name groups, `\\` is a backslash. Unlike String.replace, an empty
 * match right where the previous match ended is skipped ("abc" with `b*` -> "-a-c-", not JS's "-a--c-").
 */
export function re2ReplaceAll(pattern: string, input: string, substitution: string): string {
  const {search, groups} = program(pattern)
  const rewrite = parseRewrite(substitution, groups)
  let out = ''
  let p = 0
  let lastEnd = -1
  let count = 0
  while (p <= input.length) {
    search.lastIndex = p
    const match = search.exec(input)
    if (match === null) break
    const start = match.index
    const end = start + match[0].length
    if (p < start) out += input.slice(p, start)
    if (start === lastEnd && match[0] === '') {
      const step = codePointLength(input, p)
      if (p < input.length) out += input.slice(p, p + step)
      p += step
      continue
    }
    out += rewrite.map((part) => (typeof part === 'number' ? match[part] ?? '' : part)).join('')
    p = end
    lastEnd = end
    count++
  }
  if (count === 0) return input
  if (p < input.length) out += input.slice(p)
  return out
}

function codePointLength(input: string, at: number): number {
  const code = input.codePointAt(at)
  return code !== undefined && code > 0xffff ? 2 : 1
}

/** RE2::Rewrite's syntax: literal text with `\N` group references and `\\`; anything else after `\` is an error. */
function parseRewrite(substitution: string, groups: number): Array<string | number> {
  const parts: Array<string | number> = []
  let literal = ''
  for (let k = 0; k < substitution.length; k++) {
    const c = substitution[k]
    if (c !== '\\') {
      literal += c
      continue
    }
    const next = substitution[++k]
    if (next === '\\') {
      literal += '\\'
    } else if (next !== undefined && next >= '0' && next <= '9') {
      const group = Number(next)
      if (group > groups) throw new Re2SyntaxError(`substitution ${JSON.stringify(substitution)} names group \\${group}; the pattern has ${groups}`)
      parts.push(literal, group)
      literal = ''
    } else {
      throw new Re2SyntaxError(`invalid rewrite pattern ${JSON.stringify(substitution)}: \\ must be followed by a digit or \\`)
    }
  }
  parts.push(literal)
  return parts
}

/** Recursive-descent translator; `pos` is the next unread character. */
class Re2Parser {
  pos = 0
  groups = 0

  constructor(private readonly pattern: string) {}

  /** An alternation up to `)` (inside a group) or the end; inline flags last until the group closes. */
  parseAlternation(outer: Flags, inGroup: boolean): string {
    const flags = {...outer}
    let out = ''
    let canRepeat = false
    while (this.pos < this.pattern.length) {
      const c = this.pattern[this.pos]
      if (c === ')') {
        if (!inGroup) throw new Re2SyntaxError(`unexpected ) in ${JSON.stringify(this.pattern)}`)
        return out
      }
      if (c === '|') {
        this.pos++
        out += '|'
        canRepeat = false
        continue
      }
      const repeat = this.readRepeat()
      if (repeat !== undefined) {
        if (!canRepeat) throw new Re2SyntaxError(`missing argument to repetition operator ${repeat} in ${JSON.stringify(this.pattern)}`)
        out += repeat
        canRepeat = false
        continue
      }
      const atom = this.parseAtom(flags)
      out += atom.source
      // A bare flag group `(?i)` pushes nothing in Go's parser: a repetition after it applies to the atom before.
      if (atom.source !== '') canRepeat = atom.repeatable
    }
    if (inGroup) throw new Re2SyntaxError(`missing closing ) in ${JSON.stringify(this.pattern)}`)
    return out
  }

  /** `*`, `+`, `?`, `{n}`, `{n,}`, `{n,m}` with an optional lazy `?`; undefined when none starts here. */
  private readRepeat(): string | undefined {
    const rest = this.pattern.slice(this.pos)
    const match = /^(?:[*+?]|\{(\d+)(,(\d*))?\})\??/.exec(rest)
    if (match === null) return undefined
    const min = match[1] === undefined ? 0 : Number(match[1])
    const max = match[3] === undefined || match[3] === '' ? min : Number(match[3])
    if (min > MAX_REPEAT || max > MAX_REPEAT || (match[3] !== undefined && match[3] !== '' && max < min)) {
      throw new Re2SyntaxError(`invalid repeat count ${match[0]} in ${JSON.stringify(this.pattern)}`)
    }
    this.pos += match[0].length
    return match[0]
  }

  private parseAtom(flags: Flags): {source: string; repeatable: boolean} {
    const c = this.pattern[this.pos++]
    switch (c) {
      case '(':
        return this.parseGroup(flags)
      case '[':
        return {source: this.parseClass(flags), repeatable: true}
      case '\\':
        return this.parseEscape(flags)
      case '.':
        return {source: flags.s ? '[\\s\\S]' : '[^\\n]', repeatable: true}
      case '^':
        return {source: flags.m ? '(?:^|(?<=\\n))' : '(?:^)', repeatable: true}
      case '$':
        return {source: flags.m ? '(?:$|(?=\\n))' : '(?:$)', repeatable: true}
      default:
        return {source: literal(c, flags), repeatable: true}
    }
  }

  /** After `(`: a capture, `(?:…)`, `(?P<name>…)`, `(?flags)` or `(?flags:…)`; lookarounds are not RE2. */
  private parseGroup(flags: Flags): {source: string; repeatable: boolean} {
    if (this.pattern[this.pos] !== '?') return this.captureGroup(flags)
    const rest = this.pattern.slice(this.pos)
    const named = /^\?P?<([A-Za-z0-9_]+)>/.exec(rest)
    if (named !== null) {
      this.pos += named[0].length
      return this.captureGroup(flags)
    }
    if (/^\?(=|!|<=|<!)/.test(rest)) {
      throw new Re2SyntaxError(`invalid or unsupported Perl syntax (lookaround) in ${JSON.stringify(this.pattern)}`)
    }
    const flagGroup = /^\?([imsU]*)(?:-([imsU]*))?([:)])/.exec(rest)
    const noFlags = flagGroup !== null && flagGroup[1] === '' && flagGroup[2] === undefined && flagGroup[3] === ')'
    if (flagGroup === null || noFlags || flagGroup[2] === '') {
      throw new Re2SyntaxError(`invalid or unsupported Perl syntax in ${JSON.stringify(this.pattern)}`)
    }
    this.pos += flagGroup[0].length
    const next = applyFlags(flags, flagGroup[1], flagGroup[2] ?? '', this.pattern)
    if (flagGroup[3] === ')') {
      Object.assign(flags, next)
      return {source: '', repeatable: false}
    }
    const inner = this.parseAlternation(next, true)
    this.pos++
    return {source: `(?:${inner})`, repeatable: true}
  }

  private captureGroup(flags: Flags): {source: string; repeatable: boolean} {
    this.groups++
    const inner = this.parseAlternation(flags, true)
    this.pos++
    return {source: `(${inner})`, repeatable: true}
  }

  private parseEscape(flags: Flags): {source: string; repeatable: boolean} {
    const c = this.pattern[this.pos]
    if (c === undefined) throw new Re2SyntaxError(`trailing backslash at end of expression ${JSON.stringify(this.pattern)}`)
    if (c === 'Q') {
      this.pos++
      const end = this.pattern.indexOf('\\E', this.pos)
      const text = this.pattern.slice(this.pos, end === -1 ? undefined : end)
      this.pos = end === -1 ? this.pattern.length : end + 2
      return {source: [...text].map((ch) => literal(ch, flags)).join(''), repeatable: text.length > 0}
    }
    // Wrapped so that a repetition of an assertion (valid in Go) stays valid JS.
    const anchors: Record<string, string> = {A: '(?:^)', z: '(?:$)', b: '(?:\\b)', B: '(?:\\B)'}
    if (anchors[c] !== undefined) {
      this.pos++
      return {source: anchors[c], repeatable: true}
    }
    const perl: Record<string, string> = {d: '\\d', D: '\\D', w: '\\w', W: '\\W', s: `[${PERL_SPACE}]`, S: `[^${PERL_SPACE}]`}
    if (perl[c] !== undefined) {
      this.pos++
      return {source: perl[c], repeatable: true}
    }
    return {source: literal(this.readEscapedChar(), flags), repeatable: true}
  }

  /** One escaped character (after the backslash), as Go's regexp/syntax parseEscape reads it. */
  private readEscapedChar(): string {
    const c = this.pattern[this.pos++]
    if (c === 'p' || c === 'P') throw new Re2Unsupported(`Unicode class \\${c} in ${JSON.stringify(this.pattern)} is not emulated`)
    if (c === 'C') throw new Re2Unsupported(`\\C in ${JSON.stringify(this.pattern)} is not emulated`)
    if (c >= '1' && c <= '7' && !isOctal(this.pattern[this.pos])) {
      throw new Re2SyntaxError(`invalid escape sequence \\${c} (backreferences are not RE2) in ${JSON.stringify(this.pattern)}`)
    }
    if (c >= '0' && c <= '7') {
      let value = Number(c)
      for (let k = 0; k < 2 && isOctal(this.pattern[this.pos]); k++) value = value * 8 + Number(this.pattern[this.pos++])
      return String.fromCodePoint(value)
    }
    if (c === 'x') return this.readHexEscape()
    const simple: Record<string, string> = {a: '\x07', f: '\f', t: '\t', n: '\n', r: '\r', v: '\v'}
    if (simple[c] !== undefined) return simple[c]
    if (c.charCodeAt(0) < 0x80 && !/[0-9A-Za-z]/.test(c)) return c
    throw new Re2SyntaxError(`invalid escape sequence \\${c} in ${JSON.stringify(this.pattern)}`)
  }

  private readHexEscape(): string {
    const rest = this.pattern.slice(this.pos)
    const match = /^(?:\{([0-9A-Fa-f]{1,8})\}|([0-9A-Fa-f]{2}))/.exec(rest)
    const code = match === null ? NaN : parseInt(match[1] ?? match[2], 16)
    if (match === null || code > 0x10ffff) throw new Re2SyntaxError(`invalid escape sequence \\x in ${JSON.stringify(this.pattern)}`)
    this.pos += match[0].length
    return String.fromCodePoint(code)
  }

  /** After `[`: a class up to its `]` (a `]` first in the class is a member, as in RE2). */
  private parseClass(flags: Flags): string {
    let negated = false
    if (this.pattern[this.pos] === '^') {
      negated = true
      this.pos++
    }
    const members: string[] = []
    let first = true
    for (;;) {
      const c = this.pattern[this.pos]
      if (c === undefined) throw new Re2SyntaxError(`missing closing ] in ${JSON.stringify(this.pattern)}`)
      if (c === ']' && !first) {
        this.pos++
        break
      }
      first = false
      members.push(this.parseClassMember(flags))
    }
    return `[${negated ? '^' : ''}${members.join('')}]`
  }

  private parseClassMember(flags: Flags): string {
    const posix = /^\[:(\^)?([a-z]+):\]/.exec(this.pattern.slice(this.pos))
    if (posix !== null) {
      const ranges = (flags.i ? CASE_INSENSITIVE_POSIX[posix[2]] : undefined) ?? POSIX_CLASSES[posix[2]]
      if (ranges === undefined) throw new Re2SyntaxError(`invalid character class range ${posix[0]} in ${JSON.stringify(this.pattern)}`)
      if (posix[1] !== undefined) throw new Re2Unsupported(`negated POSIX class ${posix[0]} inside a class is not emulated`)
      this.pos += posix[0].length
      return ranges
    }
    if (this.pattern[this.pos] === '\\') {
      const c = this.pattern[this.pos + 1]
      const perl: Record<string, string> = {d: '0-9', w: '0-9A-Za-z_', s: PERL_SPACE}
      if (c !== undefined && perl[c] !== undefined) {
        this.pos += 2
        return perl[c]
      }
      if (c === 'D' || c === 'W' || c === 'S') throw new Re2Unsupported(`\\${c} inside a class is not emulated`)
    }
    const low = this.readClassChar()
    if (this.pattern[this.pos] === '-' && this.pattern[this.pos + 1] !== ']' && this.pattern[this.pos + 1] !== undefined) {
      this.pos++
      const high = this.readClassChar()
      if (high.codePointAt(0)! < low.codePointAt(0)!) throw new Re2SyntaxError(`invalid character class range ${low}-${high} in ${JSON.stringify(this.pattern)}`)
      return classRange(low, high, flags)
    }
    return classRange(low, low, flags)
  }

  private readClassChar(): string {
    const c = this.pattern[this.pos++]
    if (c !== '\\') return c
    return this.readEscapedChar()
  }
}

function isOctal(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '7'
}

function applyFlags(flags: Flags, on: string, off: string, pattern: string): Flags {
  if (on.includes('U') || off.includes('U')) throw new Re2Unsupported(`the U (ungreedy) flag in ${JSON.stringify(pattern)} is not emulated`)
  const next = {...flags}
  for (const f of on) next[f as keyof Flags] = true
  for (const f of off) next[f as keyof Flags] = false
  return next
}

/** A literal character outside a class; an ASCII letter under (?i) becomes `[xX]`. */
function literal(c: string, flags: Flags): string {
  if (flags.i && /^[A-Za-z]$/.test(c)) return `[${c.toLowerCase()}${c.toUpperCase()}]`
  return escapeForJs(c)
}

function escapeForJs(c: string): string {
  rejectAstral(c)
  if (/^[\\^$.|?*+()[\]{}/-]$/.test(c)) return `\\${c}`
  const code = c.codePointAt(0)!
  if (code < 0x20 || code === 0x7f) return `\\x${code.toString(16).padStart(2, '0')}`
  return c
}

/** A class range (or single character) in JS syntax, with the other-case ASCII letters added under (?i). */
function classRange(low: string, high: string, flags: Flags): string {
  const lo = low.codePointAt(0)!
  const hi = high.codePointAt(0)!
  let out = lo === hi ? escapeInClass(low) : `${escapeInClass(low)}-${escapeInClass(high)}`
  if (!flags.i) return out
  for (const [start, end, shift] of [[0x61, 0x7a, -0x20], [0x41, 0x5a, 0x20]]) {
    const from = Math.max(lo, start)
    const to = Math.min(hi, end)
    if (from > to) continue
    const a = String.fromCharCode(from + shift)
    const b = String.fromCharCode(to + shift)
    out += from === to ? a : `${a}-${b}`
  }
  return out
}

function escapeInClass(c: string): string {
  rejectAstral(c)
  if (/^[\\\]\[^-]$/.test(c)) return `\\${c}`
  const code = c.codePointAt(0)!
  if (code < 0x20 || code === 0x7f) return `\\x${code.toString(16).padStart(2, '0')}`
  return c
}

/** JS without the u flag sees a character above U+FFFF as two code units; RE2 sees one code point. */
function rejectAstral(c: string): void {
  if (c.codePointAt(0)! > 0xffff) throw new Re2Unsupported(`character U+${c.codePointAt(0)!.toString(16)} above U+FFFF is not emulated`)
}
