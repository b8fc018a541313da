/**
 * A PCRE regex (as nginx's map compiles it: ngx_regex_compile, no UTF mode, ASCII case folding) -> Lua patterns
 * that match exactly the same header values: the regex matches a value if and only if one of the patterns does
 * (`string.find(value, pattern)`, on the lower-cased value for a caseless regex). Lua patterns have classes,
 * single-character quantifiers, `^`/`$` anchors and the frontier `%f[set]` (Lua 5.1 and LuaJIT, which Envoy runs),
 * but no alternation, no quantified groups and no lookaround, so:
 * - alternatives (`a|b`, `(a|b)c`, `(ab)?c`, `x{2}`) are expanded into several patterns (at most MAX_PATTERNS);
 * - a group repeated without bound is kept only when each of its alternatives is one character (`(a|b)+` = `[ab]+`);
 * - `\b` becomes a frontier where the character on one side is known to be a word character or not;
 * - a caseless regex is matched against the lower-cased value, its letters lower-cased (only then);
 * - everything else (back-references, lookaround, `\B`, possessive quantifiers, Unicode classes, ...) is refused
 *   with the reason.
 * Header values never contain NUL, CR or LF (Envoy rejects them), so those bytes are left out of every class.
 *
 * Regexes are byte strings (one char per byte).
 */

const MAX_PATTERNS = 64
const MAX_REPEAT = 64

/**
 * A Lua pattern, or the parts of a regex `A.*B.*C` whose parts have fixed lengths: the value matches when each part
 * is found after the previous one ends (lua-script.ts), in linear time where one pattern would backtrack from every
 * offset (quadratic in the value's length, and Lua has no match limit as nginx's PCRE has).
 */
export type LuaPattern = string | string[]

export type LuaTranslation = {patterns: LuaPattern[]} | {refused: string}

type ByteSet = boolean[]

type Node =
  | {t: 'set'; set: ByteSet}
  | {t: 'start'}
  | {t: 'end'}
  | {t: 'boundary'}
  | {t: 'group'; alts: Node[][]}
  | {t: 'repeat'; node: Node; min: number; max: number}

/** One element of a linear pattern: a class with a Lua quantifier, an anchor or a word boundary. */
type Elem = {k: 'set'; set: ByteSet; q: '' | '*' | '+' | '?'} | {k: 'start'} | {k: 'end'} | {k: 'boundary'}

class Refused extends Error {}

const refuse = (why: string): never => {
  throw new Refused(why)
}

const setOf = (pred: (b: number) => boolean): ByteSet => Array.from({length: 256}, (_, b) => pred(b))
const isWord = (b: number) => (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b === 95
const isDigit = (b: number) => b >= 48 && b <= 57
/** PCRE2 \s: space, \t \n \v \f \r. */
const isSpace = (b: number) => b === 32 || (b >= 9 && b <= 13)
const WORD = setOf(isWord)
const union = (a: ByteSet, b: ByteSet): ByteSet => a.map((x, i) => x || b[i])
const complement = (a: ByteSet): ByteSet => a.map((x) => !x)
const single = (b: number): ByteSet => setOf((x) => x === b)
const isUpper = (b: number) => b >= 65 && b <= 90
const isLower = (b: number) => b >= 97 && b <= 122
/** ASCII case folding (PCRE's default tables, C locale). */
const fold = (a: ByteSet): ByteSet => a.map((x, b) => x || (isUpper(b) && a[b + 32]) || (isLower(b) && a[b - 32]))

const ESCAPE_CLASSES: Record<string, ByteSet> = {
  d: setOf(isDigit),
  D: setOf((b) => !isDigit(b)),
  w: WORD,
  W: complement(WORD),
  s: setOf(isSpace),
  S: setOf((b) => !isSpace(b)),
}
const CONTROL_ESCAPES: Record<string, number> = {t: 9, n: 10, r: 13, f: 12, e: 27, a: 7}
const POSIX: Record<string, (b: number) => boolean> = {
  alpha: (b) => isUpper(b) || isLower(b),
  digit: isDigit,
  alnum: (b) => isUpper(b) || isLower(b) || isDigit(b),
  upper: isUpper,
  lower: isLower,
  space: isSpace,
  xdigit: (b) => isDigit(b) || (b >= 65 && b <= 70) || (b >= 97 && b <= 102),
  // C's ispunct, from which PCRE builds its character tables (pcre_maketables.c): "_" is punctuation.
  punct: (b) => b >= 33 && b <= 126 && !isDigit(b) && !isUpper(b) && !isLower(b),
  word: isWord,
  blank: (b) => b === 32 || b === 9,
}

/** Recursive-descent reader of the PCRE subset; throws Refused with the reason. */
class RegexReader {
  private i = 0
  caseless: boolean

  constructor(
    private readonly s: string,
    caseless: boolean,
  ) {
    this.caseless = caseless
  }

  read(): Node[][] {
    if (this.s.startsWith('(?i)')) {
      this.caseless = true
      this.i = 4
    }
    const alts = this.alternatives()
    if (this.i < this.s.length) refuse(`unbalanced ")" at offset ${this.i}`)
    return alts
  }

  private alternatives(): Node[][] {
    const alts = [this.sequence()]
    while (this.s[this.i] === '|') {
      this.i++
      alts.push(this.sequence())
    }
    return alts
  }

  private sequence(): Node[] {
    const items: Node[] = []
    while (this.i < this.s.length && this.s[this.i] !== '|' && this.s[this.i] !== ')') {
      const atom = this.atom()
      if (atom !== undefined) items.push(...atom.map((a) => this.quantified(a)))
    }
    return items
  }

  private literal(b: number): Node {
    return {t: 'set', set: this.caseless ? fold(single(b)) : single(b)}
  }

  /** One item (several for \Q...\E); undefined for what matches nothing (\E, a comment). */
  private atom(): Node[] | undefined {
    const c = this.s[this.i]
    if (c === '(') return [this.group()]
    if (c === '[') return [this.bracket()]
    this.i++
    if (c === '.') return [{t: 'set', set: setOf((b) => b !== 10)}]
    if (c === '^') return [{t: 'start'}]
    if (c === '$') return [{t: 'end'}]
    if (c === '*' || c === '+' || c === '?') return refuse(`"${c}" at offset ${this.i - 1} repeats nothing`)
    if (c === '{' && /^\d+(,\d*)?\}/.test(this.s.slice(this.i))) return refuse(`"{" at offset ${this.i - 1} repeats nothing`)
    if (c === '\\') return this.escape()
    return [this.literal(c.charCodeAt(0))]
  }

  private group(): Node {
    this.i++
    if (this.s[this.i] === '?') {
      const rest = this.s.slice(this.i)
      const named = /^\?(P?<[A-Za-z_]\w*>|'[A-Za-z_]\w*')/.exec(rest)
      if (rest.startsWith('?:')) this.i += 2
      else if (named) this.i += named[0].length
      else refuse(`the group construct "(${rest.slice(0, 3)}" (lookaround, inline options, atomic groups, ...)`)
    }
    const alts = this.alternatives()
    if (this.s[this.i] !== ')') refuse('a "(" is not closed')
    this.i++
    return {t: 'group', alts}
  }

  private quantified(node: Node): Node {
    const rest = this.s.slice(this.i)
    let min: number
    let max: number
    const counted = /^\{(\d+)(?:(,)(\d*))?\}/.exec(rest)
    if (rest[0] === '*') [min, max] = [0, Infinity]
    else if (rest[0] === '+') [min, max] = [1, Infinity]
    else if (rest[0] === '?') [min, max] = [0, 1]
    else if (counted) {
      min = Number(counted[1])
      max = counted[2] === undefined ? min : counted[3] === '' ? Infinity : Number(counted[3])
      if (max < min) refuse(`the quantifier ${counted[0]} has its numbers out of order`)
    } else return node
    this.i += counted ? counted[0].length : 1
    if (this.s[this.i] === '+') refuse('a possessive quantifier (it changes which values match)')
    if (this.s[this.i] === '?') this.i++ // lazy: the same values match
    if (node.t === 'start' || node.t === 'end' || node.t === 'boundary') refuse('a quantified anchor')
    if (min > MAX_REPEAT || (max !== Infinity && max > MAX_REPEAT)) refuse(`a repeat count above ${MAX_REPEAT}`)
    return {t: 'repeat', node, min, max}
  }

  private escape(): Node[] | undefined {
    const c = this.s[this.i++]
    if (c === undefined) return refuse('the regex ends with "\\"')
    if (ESCAPE_CLASSES[c]) return [{t: 'set', set: ESCAPE_CLASSES[c]}]
    if (c === 'b') return [{t: 'boundary'}]
    if (c === 'A') return [{t: 'start'}]
    if (c === 'z' || c === 'Z') return [{t: 'end'}]
    if (c === 'E') return undefined
    if (c === 'Q') {
      const end = this.s.indexOf('\\E', this.i)
      const text = this.s.slice(this.i, end === -1 ? undefined : end)
      this.i = end === -1 ? this.s.length : end + 2
      return [...text].map((ch) => this.literal(ch.charCodeAt(0)))
    }
    const byte = this.escapedByte(c)
    if (byte !== undefined) return [this.literal(byte)]
    return refuse(`the escape "\\${c}"`)
  }

  /** \t \n ..., \xhh, \x{hh}, and an escaped non-alphanumeric character: the byte; undefined otherwise. */
  private escapedByte(c: string): number | undefined {
    if (CONTROL_ESCAPES[c] !== undefined) return CONTROL_ESCAPES[c]
    if (c === 'x') {
      const m = /^\{([0-9A-Fa-f]{1,2})\}|^[0-9A-Fa-f]{0,2}/.exec(this.s.slice(this.i))!
      this.i += m[0].length
      return Number.parseInt(m[1] ?? (m[0] || '0'), 16)
    }
    return /[A-Za-z0-9]/.test(c) ? undefined : c.charCodeAt(0)
  }

  private bracket(): Node {
    this.i++
    const negated = this.s[this.i] === '^'
    if (negated) this.i++
    let set = setOf(() => false)
    let first = true
    for (;;) {
      if (this.i >= this.s.length) refuse('a "[" is not closed')
      const c = this.s[this.i]
      if (c === ']' && !first) break
      first = false
      const posix = /^\[:(\^?)([a-z]+):\]/.exec(this.s.slice(this.i))
      if (posix) {
        // pcre_compile.c compile_branch: "If matching is caseless, upper and lower are converted to alpha", before
        // a [:^...:] negates it (folding the negated set instead would take in every letter).
        const name = this.caseless && (posix[2] === 'lower' || posix[2] === 'upper') ? 'alpha' : posix[2]
        const pred = POSIX[name] ?? refuse(`the POSIX class [:${posix[2]}:]`)
        set = union(set, setOf((b) => (posix[1] === '^' ? !pred(b) : pred(b))))
        this.i += posix[0].length
        continue
      }
      const lo = this.classMember()
      if (this.s[this.i] === '-' && this.s[this.i + 1] !== ']' && this.i + 1 < this.s.length) {
        this.i++
        const hi = this.classMember()
        if (typeof lo !== 'number' || typeof hi !== 'number') refuse('a range with a class at one end')
        if ((hi as number) < (lo as number)) refuse('a range out of order')
        set = union(set, setOf((b) => b >= (lo as number) && b <= (hi as number)))
      } else set = union(set, typeof lo === 'number' ? single(lo) : lo)
    }
    this.i++
    if (this.caseless) set = fold(set)
    return {t: 'set', set: negated ? complement(set) : set}
  }

  /** A byte or an escaped class inside [...]. */
  private classMember(): number | ByteSet {
    const c = this.s[this.i++]
    if (c !== '\\') return c.charCodeAt(0)
    const e = this.s[this.i++]
    if (e === undefined) return refuse('the regex ends with "\\"')
    if (ESCAPE_CLASSES[e]) return ESCAPE_CLASSES[e]
    if (e === 'b') return 8
    const byte = this.escapedByte(e)
    return byte !== undefined ? byte : refuse(`the escape "\\${e}" in a class`)
  }
}

/** The linear sequences a node stands for (its alternatives expanded). */
function expand(node: Node): Elem[][] {
  switch (node.t) {
    case 'set':
      return [[{k: 'set', set: node.set, q: ''}]]
    case 'group':
      return expandAlternatives(node.alts)
    case 'repeat':
      return expandRepeat(node)
    default:
      return [[{k: node.t}]]
  }
}

function expandAlternatives(alts: Node[][]): Elem[][] {
  const out: Elem[][] = []
  for (const seq of alts) {
    let variants: Elem[][] = [[]]
    for (const node of seq) variants = product(variants, expand(node))
    out.push(...variants)
    if (out.length > MAX_PATTERNS) refuse(`it expands to more than ${MAX_PATTERNS} Lua patterns`)
  }
  return out
}

function product(a: Elem[][], b: Elem[][]): Elem[][] {
  if (a.length * b.length > MAX_PATTERNS) refuse(`it expands to more than ${MAX_PATTERNS} Lua patterns`)
  return a.flatMap((x) => b.map((y) => [...x, ...y]))
}

function expandRepeat(node: Extract<Node, {t: 'repeat'}>): Elem[][] {
  const inner = expand(node.node)
  // One character per alternative: the alternatives are one class, which Lua quantifies.
  const oneChar = inner.every((v) => v.length === 1 && v[0].k === 'set' && v[0].q === '')
  if (oneChar) {
    const set = inner.map((v) => (v[0] as Extract<Elem, {k: 'set'}>).set).reduce(union)
    const plain = (n: number): Elem[] => Array.from({length: n}, () => ({k: 'set' as const, set, q: '' as const}))
    if (node.max === Infinity) return [node.min === 0 ? [{k: 'set', set, q: '*'}] : [...plain(node.min - 1), {k: 'set', set, q: '+'}]]
    return [[...plain(node.min), ...Array.from({length: node.max - node.min}, () => ({k: 'set' as const, set, q: '?' as const}))]]
  }
  if (node.max === Infinity) return refuse('a group repeated without bound (Lua quantifies single characters only)')
  const out: Elem[][] = []
  for (let n = node.min; n <= node.max; n++) {
    let variants: Elem[][] = [[]]
    for (let k = 0; k < n; k++) variants = product(variants, inner)
    out.push(...variants)
    if (out.length > MAX_PATTERNS) refuse(`it expands to more than ${MAX_PATTERNS} Lua patterns`)
  }
  return out
}

const consumes = (e: Elem | undefined): e is Extract<Elem, {k: 'set'}> => e !== undefined && e.k === 'set' && (e.q === '' || e.q === '+')
const subset = (a: ByteSet, b: ByteSet, domain: ByteSet) => a.every((x, i) => !x || !domain[i] || b[i])

/**
 * A `\b` needs a character on one side known to be (or not to be) a word character: an optional neighbour (`s?`,
 * `s*`) splits the sequence in two, without it and with it present (`s`, `s+`), which together match the same values.
 */
function settleBoundaries(seq: Elem[]): Elem[][] {
  for (let i = 0; i < seq.length; i++) {
    if (seq[i].k !== 'boundary') continue
    for (const j of [i - 1, i + 1]) {
      const e = seq[j]
      if (e?.k !== 'set' || (e.q !== '?' && e.q !== '*')) continue
      const present: Elem = {...e, q: e.q === '?' ? '' : '+'}
      return [...settleBoundaries([...seq.slice(0, j), ...seq.slice(j + 1)]), ...settleBoundaries([...seq.slice(0, j), present, ...seq.slice(j + 1)])]
    }
  }
  return [seq]
}

/**
 * One expanded sequence as a Lua pattern, or null when it matches no non-empty value (a character before `^` or
 * after `$`, or `$` before `^`); `domain` is the bytes a (lower-cased) header value can hold.
 */
function toPattern(seq: Elem[], domain: ByteSet): LuaPattern | null {
  const elems = seq.filter((e, i) => !(e.k === 'boundary' && seq[i - 1]?.k === 'boundary'))
  const starts = elems.flatMap((e, i) => (e.k === 'start' ? [i] : []))
  const ends = elems.flatMap((e, i) => (e.k === 'end' ? [i] : []))
  const lastStart = starts.length > 0 ? Math.max(...starts) : -1
  const firstEnd = ends.length > 0 ? Math.min(...ends) : elems.length
  // What stands before ^ (after $) must match the empty string, and does.
  const outside = [...elems.slice(0, Math.max(lastStart, 0)), ...elems.slice(firstEnd + 1)]
  if (outside.some((e) => consumes(e))) return null
  if (outside.some((e) => e.k === 'boundary')) refuse('a word boundary beside an anchor')
  if (firstEnd < lastStart) return null
  const body = elems.slice(lastStart + 1, firstEnd)
  // string.find tries every offset: an unanchored leading `s*` / `s?` decides nothing and `s+` decides as one `s`
  // (likewise at the end). Left out, so that Lua, which backtracks with no match limit (nginx's PCRE has one), does
  // not rescan a long value from every offset for a `.*bot`. settleBoundaries leaves no optional set beside a \b.
  const optional = (e: Elem | undefined) => e?.k === 'set' && (e.q === '*' || e.q === '?')
  if (lastStart === -1) {
    while (optional(body[0])) body.shift()
    if (body[0]?.k === 'set' && body[0].q === '+') body[0] = {...body[0], q: ''}
  }
  if (ends.length === 0) {
    while (optional(body.at(-1))) body.pop()
    const last = body.at(-1)
    if (last?.k === 'set' && last.q === '+') body[body.length - 1] = {...last, q: ''}
  }
  const parts: string[] = []
  const cuts: number[] = []
  for (let i = 0; i < body.length; i++) {
    const e = body[i]
    if (e.k === 'boundary') {
      parts.push(frontier(body[i - 1], body[i + 1], domain))
      continue
    }
    if (e.k !== 'set') continue
    const inDomain = e.set.map((x, b) => x && domain[b])
    if (!inDomain.some((x) => x)) {
      if (e.q === '' || e.q === '+') return null
      continue
    }
    // A middle `.*` (any run of the bytes a value holds) is where the parts of a split pattern meet.
    if (e.q === '*' && inDomain.every((x, b) => x === domain[b])) cuts.push(parts.length)
    parts.push(luaClass(inDomain, domain) + e.q)
  }
  const head = lastStart !== -1 ? '^' : ''
  const tail = ends.length > 0 ? '$' : ''
  const fixed = body.every((e) => e.k !== 'set' || e.q === '' || (e.q === '*' && cuts.length > 0 && e.set.every((x, b) => x || !domain[b])))
  if (cuts.length === 0 || !fixed) return head + parts.join('') + tail
  const pieces = [...cuts, parts.length].map((end, k) => parts.slice(k === 0 ? 0 : cuts[k - 1] + 1, end).join(''))
  pieces[0] = head + pieces[0]
  pieces[pieces.length - 1] += tail
  return pieces
}

const WORD_FRONTIER = '%f[0-9A-Za-z_]'
const NON_WORD_FRONTIER = '%f[^0-9A-Za-z_]'

/** `\b` as a frontier, decided by the character known to follow or precede it. */
function frontier(prev: Elem | undefined, next: Elem | undefined, domain: ByteSet): string {
  const nonWord = complement(WORD)
  if (consumes(next) && subset(next.set, WORD, domain)) return WORD_FRONTIER
  if (consumes(next) && subset(next.set, nonWord, domain)) return NON_WORD_FRONTIER
  if (consumes(prev) && subset(prev.set, WORD, domain)) return NON_WORD_FRONTIER
  if (consumes(prev) && subset(prev.set, nonWord, domain)) return WORD_FRONTIER
  return refuse('a word boundary (\\b) beside characters that may or may not be word characters')
}

const isAlnum = (b: number) => isDigit(b) || isUpper(b) || isLower(b)
const isPunct = (b: number) => b >= 33 && b <= 126 && !isAlnum(b)
/** A byte inside a pattern: `%` before punctuation (Lua's magic characters among them), other bytes as they are. */
const patternChar = (b: number) => (isPunct(b) ? `%${String.fromCharCode(b)}` : String.fromCharCode(b))

/** A set of bytes as a Lua class: `.`, one character, `[...]` or `[^...]`, whichever is shortest. */
function luaClass(set: ByteSet, domain: ByteSet): string {
  const members = set.flatMap((x, b) => (x ? [b] : []))
  if (members.length === domain.filter((x) => x).length) return '.'
  if (members.length === 1) return patternChar(members[0])
  const rest = domain.flatMap((x, b) => (x && !set[b] ? [b] : []))
  const listed = bracketBody(members)
  const negated = bracketBody(rest)
  return negated.length + 1 < listed.length ? `[^${negated}]` : `[${listed}]`
}

/** Bytes inside [...]: runs of digits or of one letter case as ranges, the rest one by one. */
function bracketBody(bytes: number[]): string {
  let out = ''
  const kind = (b: number) => (isDigit(b) ? 1 : isUpper(b) ? 2 : isLower(b) ? 3 : 0)
  for (let i = 0; i < bytes.length; ) {
    let j = i
    while (j + 1 < bytes.length && bytes[j + 1] === bytes[j] + 1 && kind(bytes[i]) !== 0 && kind(bytes[j + 1]) === kind(bytes[i])) j++
    if (j - i >= 2) out += `${String.fromCharCode(bytes[i])}-${String.fromCharCode(bytes[j])}`
    else for (let k = i; k <= j; k++) out += patternChar(bytes[k])
    i = j + 1
  }
  return out
}

/**
 * A map regex (without its `~` / `~*`) as Lua patterns, or the reason it cannot be. Caseless patterns are meant for
 * the lower-cased value.
 */
export function regexToLuaPatterns(source: string, caseless: boolean): LuaTranslation & {caseless: boolean} {
  try {
    const reader = new RegexReader(source, caseless)
    const alts = reader.read()
    const lowered = reader.caseless
    // Bytes a header value can hold: no NUL, CR or LF; no upper-case letter once lower-cased.
    const domain = setOf((b) => b !== 0 && b !== 10 && b !== 13 && !(lowered && isUpper(b)))
    const sequences = expandAlternatives(alts).flatMap(settleBoundaries)
    if (sequences.length > MAX_PATTERNS) refuse(`it expands to more than ${MAX_PATTERNS} Lua patterns`)
    const translated = sequences.map((seq) => toPattern(seq, domain)).filter((p): p is LuaPattern => p !== null)
    const patterns = [...new Map(translated.map((p) => [JSON.stringify(p), p])).values()]
    return {patterns, caseless: lowered}
  } catch (e) {
    if (e instanceof Refused) return {refused: e.message, caseless}
    throw e
  }
}
