/**
 * A fast reader for the block YAML that Kubernetes manifests are written in, beside js-yaml.
 *
 * js-yaml's loader (node_modules/js-yaml/lib/loader.js, 4.3.2) is general, and most of the time spent parsing a
 * 10,000-Ingress stream went there. This reader handles only a strict subset: block mappings and sequences
 * with consistent indentation (compact `- key: v` items included), single-line plain, single- and double-quoted
 * scalars, `|`/`>` block scalars with an optional chomping indicator, flow collections (`[a, {b: c}]`) that close
 * on the line they open, comments, one leading `---`, LF or CRLF line breaks.
 * For such a document it returns exactly what `jsYaml.load(text, {schema})` returns; for anything else (anchors,
 * aliases, tags, multi-line flow collections, tabs, a CR not followed by LF, control characters, duplicate or merge
 * keys, multi-line plain or quoted scalars, odd indentation, deep nesting, explicit block indentation...) it returns
 * UNSUPPORTED and the caller loads the document with js-yaml unchanged. It never reports an error itself: every
 * diagnostic stays js-yaml's.
 *
 * Plain scalars are resolved by the schema's own implicit types (their resolve/construct), as composeNode does, so
 * number, boolean and null typing cannot drift from js-yaml (resolvePlain skips them only where their answer is
 * known). test/yaml-subset.test.ts compares both on generated documents and on every YAML file of the repository.
 */
import type jsYaml from 'js-yaml'
import {setOwn} from '../util/json.js'

/** Returned for a document this reader does not handle: load it with js-yaml. */
export const UNSUPPORTED: unique symbol = Symbol('unsupported YAML')

/** Thrown inside the reader to leave at the first construct it does not handle (a plain object: no stack to build). */
const BAIL = {bail: true}

/** js-yaml's maxDepth is 100 composeNode levels (composeNode); stay far below it instead of counting them exactly. */
const MAX_DEPTH = 40

interface ImplicitType {
  tag: string
  resolve(data: string): boolean
  construct(data: string): unknown
}

// Characters the reader accepts anywhere in a document: LF, printable ASCII, and printable non-ASCII outside
// U+0085, U+2028/U+2029 (js-yaml's PATTERN_NON_ASCII_LINE_BREAKS), U+FEFF, U+FFFE/U+FFFF and lone surrogates
// (PATTERN_NON_PRINTABLE in loader.js, which captureSegment applies). Tabs are out too: indentation and white-space
// rules around them (skipSeparationSpace, firstTabInLine) are not reproduced. A CR is read as an LF where that is
// all js-yaml makes of it (crlfAsLf).
const ASCII_ONLY = /^[\n\x20-\x7e]*$/
const OUTSIDE_SUBSET = /[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\u{10000}-\u{10ffff}]/u

const SPACE = 32
const LF = 10
const COMMA = 44
const OPEN_BRACKET = 91
const CLOSE_BRACKET = 93
const OPEN_BRACE = 123
const CLOSE_BRACE = 125
const HASH = 35
const COLON = 58
const DASH = 45
const DOT = 46
const SQUOTE = 39
const DQUOTE = 34
const BACKSLASH = 92

/**
 * First characters of a plain scalar that some implicit type of the manifest schema can resolve: null (`~`, `null`,
 * `Null`, `NULL`: resolveYamlNull), bool (`true`/`false` in three cases: resolveYamlBoolean), int (sign or digit:
 * resolveYamlInteger), float (sign, digit or `.`: YAML_FLOAT_PATTERN), merge (`<<`: resolveYamlMerge). A scalar
 * starting with anything else is a string without asking the types; the test pins the schema's implicit tags.
 * WORD: a letter, which only the null and bool words (4 or 5 characters) start with.
 */
const SYMBOL = 1
const WORD = 2
const MAY_RESOLVE = new Uint8Array(128)
for (const c of '~0123456789+-.<') MAY_RESOLVE[c.charCodeAt(0)] = SYMBOL
for (const c of 'nNtTfF') MAY_RESOLVE[c.charCodeAt(0)] = WORD

/**
 * First characters that do not start a plain scalar in block context (readPlainScalar returns false, or
 * composeNode reads a flow collection, block scalar, quoted scalar, tag, anchor or alias instead).
 */
const NOT_PLAIN_START = new Uint8Array(128)
for (const c of ',[]{}#&*!|>\'"%@`') NOT_PLAIN_START[c.charCodeAt(0)] = 1

/** The escapes of a double-quoted scalar that stand for one fixed character (loader.js simpleEscapeSequence). */
const SIMPLE_ESCAPES: Record<string, string> = {
  '0': '\x00', a: '\x07', b: '\x08', t: '\x09', n: '\x0A', v: '\x0B', f: '\x0C', r: '\x0D', e: '\x1B',
  ' ': ' ', '"': '"', '/': '/', '\\': '\\', N: '\x85', _: '\xA0', L: '\u2028', P: '\u2029',
}
/** Hex digits after \x, \u, \U (loader.js escapedHexLen). */
const HEX_ESCAPE_LENGTH: Record<string, number> = {x: 2, u: 4, U: 8}

/** The current content line: where it starts, where its content starts (after the indentation), where it ends. */
class Reader {
  readonly text: string
  readonly length: number
  readonly implicit: ImplicitType[]
  lineStart = 0
  contentStart = 0
  /** The column of contentStart; for a compact `- key: v` item, the column of `key`. */
  column = 0
  /** Offset of the line's LF (the text always ends with one). */
  lineEnd = 0
  eof = false
  depth = 0
  /** Where the flow node last read ends, and whether it was a plain scalar (flowNode, flowCollection). */
  flowEnd = 0
  flowPlain = false

  constructor(text: string, implicit: ImplicitType[]) {
    this.text = text
    this.length = text.length
    this.implicit = implicit
  }
}

/** Whether `c` is a space or the end of the line (tabs and CR never reach the reader). */
function isSpaceOrEol(c: number): boolean {
  return c === SPACE || c === LF
}

/**
 * Moves to the first line at or after `from` (a line start) with content, skipping blank and comment-only lines
 * (skipSeparationSpace skips both wherever the reader moves between nodes; readPlainScalar stops at the `#` of a
 * comment line without taking it, so a comment never continues a scalar).
 */
function seekContent(r: Reader, from: number): void {
  const text = r.text
  for (;;) {
    let i = from
    while (text.charCodeAt(i) === SPACE) i++
    if (i >= r.length) {
      r.eof = true
      return
    }
    const c = text.charCodeAt(i)
    if (c === LF) {
      from = i + 1
      continue
    }
    const end = text.indexOf('\n', i)
    if (c === HASH) {
      from = end + 1
      continue
    }
    // A document marker inside the document: parse-manifests splits at these, so it means something unusual.
    if (i === from && (c === DASH || c === DOT) && isDocumentMarker(text, i)) throw BAIL
    r.lineStart = from
    r.contentStart = i
    r.column = i - from
    r.lineEnd = end
    return
  }
}

function nextLine(r: Reader): void {
  seekContent(r, r.lineEnd + 1)
}

/** `---` or `...` followed by white space or the end (testDocumentSeparator). */
function isDocumentMarker(text: string, i: number): boolean {
  const c = text.charCodeAt(i)
  return text.charCodeAt(i + 1) === c && text.charCodeAt(i + 2) === c && isSpaceOrEol(text.charCodeAt(i + 3))
}

/** A block sequence entry: `-` followed by a space or the end of the line (readBlockSequence). */
function isSequenceEntry(r: Reader): boolean {
  return r.text.charCodeAt(r.contentStart) === DASH && isSpaceOrEol(r.text.charCodeAt(r.contentStart + 1))
}

function skipSpaces(text: string, i: number): number {
  while (text.charCodeAt(i) === SPACE) i++
  return i
}

/** Nothing but spaces, or spaces and a comment, from `i` to the end of the line; else leave. */
function expectLineEnd(r: Reader, i: number): void {
  const j = skipSpaces(r.text, i)
  if (j === r.lineEnd) return
  // js-yaml's skipSeparationSpace also takes a `#` glued to a quoted scalar as a comment; keep to the clear case.
  if (r.text.charCodeAt(j) === HASH && j > i) return
  throw BAIL
}

/** Stores a mapping entry as storeMappingPair does: duplicates are an error there (leave), `__proto__` an own key. */
function setEntry(map: Record<string, unknown>, key: string, value: unknown): void {
  if (Object.prototype.hasOwnProperty.call(map, key)) throw BAIL
  setOwn(map, key, value)
}

/**
 * A plain scalar's value: composeNode's implicit resolution, trying the schema's types in order, after two shortcuts
 * that keep the types' answers: a string no type can take (MAY_RESOLVE), and a short decimal integer without a
 * leading zero, which null and bool never take and resolveYamlInteger's base-10 branch takes as
 * parseYamlInteger's parseInt(value, 10) (exact below 2^53, so Number gives the same).
 */
function resolvePlain(r: Reader, data: string): unknown {
  const c = data.charCodeAt(0)
  if (c >= 128) return data
  const may = MAY_RESOLVE[c]
  if (may === 0 || (may === WORD && data.length !== 4 && data.length !== 5)) return data
  if (c > 48 && c <= 57 && data.length <= 15 && isDigits(data)) return Number(data)
  for (const type of r.implicit) if (type.resolve(data)) return type.construct(data)
  return data
}

function isDigits(data: string): boolean {
  for (let i = 0; i < data.length; i++) {
    const c = data.charCodeAt(i)
    if (c < 48 || c > 57) return false
  }
  return true
}

// ---------------------------------------------------------------------------------------------------------
// Scalars on one line

/** Whether a plain scalar can start at `i` (readPlainScalar's first-character rules; `-?:` + space excluded). */
function canStartPlain(text: string, i: number): boolean {
  const c = text.charCodeAt(i)
  if (c < 128 && NOT_PLAIN_START[c] === 1) return false
  if (c === DASH || c === 63 /* ? */ || c === COLON) return !isSpaceOrEol(text.charCodeAt(i + 1))
  return true
}

/**
 * The end (trailing spaces excluded) of a plain scalar value starting at `i`: it runs to the end of the line or to
 * a ` #` comment (readPlainScalar). A `: ` or a final `:` inside would end it early and js-yaml would then fail on
 * what follows (bad indentation of a mapping entry): leave.
 */
function plainEnd(r: Reader, i: number): number {
  const text = r.text
  const lineEnd = r.lineEnd
  let end = i
  for (; i < lineEnd; i++) {
    const c = text.charCodeAt(i)
    if (c === SPACE) continue
    if (c === COLON && isSpaceOrEol(text.charCodeAt(i + 1))) throw BAIL
    if (c === HASH && text.charCodeAt(i - 1) === SPACE) break
    end = i + 1
  }
  return end
}

/** A single-quoted scalar closed on its own line (readSingleQuotedScalar: `''` is a quote); returns [value, end]. */
function singleQuoted(r: Reader, i: number): [string, number] {
  const text = r.text
  let value = ''
  let from = i + 1
  for (;;) {
    const quote = text.indexOf("'", from)
    if (quote < 0 || quote > r.lineEnd) throw BAIL // continues on the next line: folding not reproduced
    value += text.slice(from, quote)
    if (text.charCodeAt(quote + 1) !== SQUOTE) return [value, quote + 1]
    value += "'"
    from = quote + 2
  }
}

/** A double-quoted scalar closed on its own line (readDoubleQuotedScalar's escapes); returns [value, end]. */
function doubleQuoted(r: Reader, i: number): [string, number] {
  const text = r.text
  let value = ''
  let from = i + 1
  for (let j = from; j < r.lineEnd; j++) {
    const c = text.charCodeAt(j)
    if (c === DQUOTE) return [value + text.slice(from, j), j + 1]
    if (c !== BACKSLASH) continue
    value += text.slice(from, j)
    const e = text[j + 1]
    const simple = SIMPLE_ESCAPES[e]
    if (simple !== undefined && Object.prototype.hasOwnProperty.call(SIMPLE_ESCAPES, e)) {
      value += simple
      j += 1
    } else {
      const digits = Object.prototype.hasOwnProperty.call(HEX_ESCAPE_LENGTH, e) ? HEX_ESCAPE_LENGTH[e] : 0
      const hex = text.slice(j + 2, j + 2 + digits)
      // unknown escape, escaped line break, short or bad hex: js-yaml errors or folds; leave
      if (digits === 0 || !/^[0-9a-fA-F]+$/.test(hex) || hex.length !== digits) throw BAIL
      const code = parseInt(hex, 16)
      // charFromCodepoint: one UTF-16 unit up to U+FFFF, a surrogate pair above; beyond U+10FFFF its 32-bit
      // arithmetic wraps (not reproduced)
      if (code > 0x10ffff) throw BAIL
      value += String.fromCodePoint(code)
      j += 1 + digits
    }
    from = j + 1
  }
  throw BAIL // not closed on this line
}

// ---------------------------------------------------------------------------------------------------------
// Flow collections on one line

/** `,` `[` `]` `{` `}` (loader.js isFlowIndicator). */
function isFlowIndicator(c: number): boolean {
  return c === COMMA || c === OPEN_BRACKET || c === CLOSE_BRACKET || c === OPEN_BRACE || c === CLOSE_BRACE
}

/**
 * Skips the spaces between the tokens of a flow collection, which readFlowCollection skips with skipSeparationSpace
 * allowing comments: a `#` there starts a comment even glued to a token (`["a"#c]`, `[a,#c]`), and with the comment
 * or a line break the collection goes on on the next line, where its folding is not reproduced: leave.
 */
function flowSpace(r: Reader, i: number): number {
  i = skipSpaces(r.text, i)
  if (i >= r.lineEnd || r.text.charCodeAt(i) === HASH) throw BAIL
  return i
}

/**
 * Whether a plain scalar can start at `i` in a flow collection: readPlainScalar's first-character rules with
 * withinFlowCollection set (`-` or `?` followed by a flow indicator does not start one either), and a `:` that
 * readPlainScalar's loop would stop at before taking anything (it then returns false: an empty node).
 */
function canStartFlowPlain(text: string, i: number): boolean {
  const c = text.charCodeAt(i)
  if (c < 128 && NOT_PLAIN_START[c] === 1) return false
  if (c === DASH || c === 63 /* ? */ || c === COLON) {
    const next = text.charCodeAt(i + 1)
    return !isSpaceOrEol(next) && !isFlowIndicator(next)
  }
  return true
}

/**
 * The end (trailing spaces excluded) of a plain scalar starting at `i` in a flow collection: readPlainScalar with
 * withinFlowCollection stops at a flow indicator, at a `:` followed by a space, a line break or a flow indicator,
 * and at a `#` after a space; a `:` or `#` anywhere else is content (`[a:b]` is ['a:b'], `{a:1}` is {'a:1': null}).
 * A scalar running to the end of the line would continue on the next one: leave.
 */
function flowPlainEnd(r: Reader, i: number): number {
  const text = r.text
  let end = i
  for (; i < r.lineEnd; i++) {
    const c = text.charCodeAt(i)
    if (c === COLON) {
      const next = text.charCodeAt(i + 1)
      if (isSpaceOrEol(next) || isFlowIndicator(next)) return end
    } else if ((c === HASH && text.charCodeAt(i - 1) === SPACE) || isFlowIndicator(c)) {
      return end
    }
    if (c !== SPACE) end = i + 1
  }
  throw BAIL
}

/**
 * A node inside a flow collection at `i` (composeNode with CONTEXT_FLOW_IN: no block styles): a nested flow
 * collection, a quoted scalar or a plain one; anything else (an anchor, a tag, an alias, an empty node, a `? `
 * explicit key) is left to js-yaml. Sets r.flowEnd and r.flowPlain.
 */
function flowNode(r: Reader, i: number): unknown {
  const text = r.text
  const c = text.charCodeAt(i)
  if (c === OPEN_BRACKET || c === OPEN_BRACE) {
    const value = flowCollection(r, i)
    r.flowPlain = false
    return value
  }
  r.flowPlain = false
  if (c === SQUOTE || c === DQUOTE) {
    const [value, end] = c === SQUOTE ? singleQuoted(r, i) : doubleQuoted(r, i)
    r.flowEnd = end
    return value
  }
  if (!canStartFlowPlain(text, i)) throw BAIL
  const end = flowPlainEnd(r, i)
  r.flowEnd = end
  r.flowPlain = true
  return resolvePlain(r, text.slice(i, end))
}

/**
 * The key of a flow pair as storeMappingPair makes it: String of a scalar. A collection as a key (stringified
 * there) and the merge key `<<` (a plain `<<` resolves to the schema's merge type: mergeMappings) are left to js-yaml.
 */
function flowKey(key: unknown, plain: boolean): string {
  if (typeof key === 'object' && key !== null) throw BAIL
  if (plain && key === '<<') throw BAIL
  return String(key)
}

/**
 * A flow sequence or mapping opening at `i` and closed on the same line, as readFlowCollection reads it; sets
 * r.flowEnd past its terminator. Entries are separated by `,`, a last `,` before the terminator is allowed
 * (`[a, ]` is ['a']), an empty entry (`[,]`, `[a,,b]`) or a missing `,` is an error there. An entry is a node,
 * optionally followed by `:` and a value node (the `:` may be glued to the key, `{"a":1}`); the value may be empty
 * (`{a: }`, `{a:,b}`: null). In a mapping, an entry without `:` is a key with a null value (`{a}`); in a sequence, an
 * entry with `:` is a single-pair mapping (`[a: b]` is [{a: 'b'}]).
 */
function flowCollection(r: Reader, i: number): unknown {
  enter(r)
  const text = r.text
  const isMapping = text.charCodeAt(i) === OPEN_BRACE
  const terminator = isMapping ? CLOSE_BRACE : CLOSE_BRACKET
  const map: Record<string, unknown> | undefined = isMapping ? {} : undefined
  const list: unknown[] | undefined = isMapping ? undefined : []
  let p = i + 1
  for (;;) {
    p = flowSpace(r, p)
    if (text.charCodeAt(p) === terminator) break
    const key = flowNode(r, p)
    const plain = r.flowPlain
    p = flowSpace(r, r.flowEnd)
    if (text.charCodeAt(p) === COLON) {
      p = flowSpace(r, p + 1)
      let value: unknown = null
      const v = text.charCodeAt(p)
      if (v !== COMMA && v !== terminator) {
        value = flowNode(r, p)
        p = flowSpace(r, r.flowEnd)
      }
      if (map) setEntry(map, flowKey(key, plain), value)
      else {
        const pair: Record<string, unknown> = {}
        setOwn(pair, flowKey(key, plain), value)
        list!.push(pair)
      }
    } else if (map) {
      setEntry(map, flowKey(key, plain), null)
    } else {
      list!.push(key)
    }
    const c = text.charCodeAt(p)
    if (c === COMMA) p++
    else if (c !== terminator) throw BAIL // a missing `,`, or an indicator where a node was expected
  }
  r.depth--
  r.flowEnd = p + 1
  return map ?? list
}

/**
 * The value of a scalar or flow collection written on the current line at `i`, the node's parent at column
 * `parentIndent`; leaves the reader on the next content line, which must not be more indented than the parent: a
 * deeper line would continue a plain scalar (readPlainScalar folds it in) or be js-yaml's "bad indentation" error.
 */
function inlineValue(r: Reader, i: number, parentIndent: number): unknown {
  const text = r.text
  const c = text.charCodeAt(i)
  let value: unknown
  if (c === 124 /* | */ || c === 62 /* > */) {
    value = blockScalar(r, i, parentIndent + 1)
  } else {
    let end: number
    if (c === SQUOTE) [value, end] = singleQuoted(r, i)
    else if (c === DQUOTE) [value, end] = doubleQuoted(r, i)
    else if (c === OPEN_BRACKET || c === OPEN_BRACE) {
      value = flowCollection(r, i)
      end = r.flowEnd
    } else {
      if (!canStartPlain(text, i)) throw BAIL
      end = plainEnd(r, i)
      value = resolvePlain(r, text.slice(i, end))
    }
    expectLineEnd(r, end)
    nextLine(r)
  }
  if (!r.eof && r.column > parentIndent) throw BAIL
  return value
}

// ---------------------------------------------------------------------------------------------------------
// Block scalars

/**
 * A `|` or `>` block scalar whose header is at `i`, `nodeIndent` being composeNode's flowIndent (parent column + 1).
 * Follows readBlockScalar line by line: indentation detection (the first non-empty line, or a longer blank line
 * before it), literal and folded line breaks, more-indented lines, chomping. Leaves the reader on the next content
 * line. Explicit indentation indicators are not reproduced.
 */
function blockScalar(r: Reader, i: number, nodeIndent: number): string {
  const text = r.text
  const folding = text.charCodeAt(i) === 62
  let p = i + 1
  let chomping: 'clip' | 'strip' | 'keep' = 'clip'
  if (text.charCodeAt(p) === 43 /* + */ || text.charCodeAt(p) === DASH) chomping = text.charCodeAt(p++) === 43 ? 'keep' : 'strip'
  const after = text.charCodeAt(p)
  if (after !== SPACE && after !== LF) throw BAIL // indentation digit, second indicator, or text glued to the header
  expectLineEnd(r, p)

  let textIndent = nodeIndent
  let detectedIndent = false
  let didReadContent = false
  let emptyLines = 0
  let atMoreIndented = false
  let result = ''
  p = r.lineEnd // at the line break that ends the header (or the previous content line)
  for (;;) {
    const lineStart = p + 1
    p = lineStart
    let indent = 0
    while ((!detectedIndent || indent < textIndent) && text.charCodeAt(p) === SPACE) {
      indent++
      p++
    }
    if (!detectedIndent && indent > textIndent) textIndent = indent
    if (p < r.length && text.charCodeAt(p) === LF) {
      emptyLines++
      continue
    }
    if (indent < textIndent) {
      // The end (a less indented line, or the end of the text): chomping.
      if (chomping === 'keep') result += '\n'.repeat(didReadContent ? 1 + emptyLines : emptyLines)
      else if (chomping === 'clip' && didReadContent) result += '\n'
      seekContent(r, lineStart)
      return result
    }
    const c = text.charCodeAt(p)
    if (folding) {
      if (c === SPACE) {
        atMoreIndented = true
        result += '\n'.repeat(didReadContent ? 1 + emptyLines : emptyLines)
      } else if (atMoreIndented) {
        atMoreIndented = false
        result += '\n'.repeat(emptyLines + 1)
      } else if (emptyLines === 0) {
        if (didReadContent) result += ' '
      } else {
        result += '\n'.repeat(emptyLines)
      }
    } else {
      result += '\n'.repeat(didReadContent ? 1 + emptyLines : emptyLines)
    }
    didReadContent = true
    detectedIndent = true
    emptyLines = 0
    const end = text.indexOf('\n', p)
    result += text.slice(p, end)
    p = end
  }
}

// ---------------------------------------------------------------------------------------------------------
// Block collections

/**
 * Where the `:` of an implicit key starting at `i` on the current line is, or -1 when the line is not a key: the
 * key is a quoted scalar or a plain one up to the first `:` followed by a space or the end of the line
 * (readBlockMapping reads the key with composeNode, readPlainScalar stopping there). A ` #` before it is a comment.
 */
function keyColon(r: Reader, i: number): number {
  const text = r.text
  const c = text.charCodeAt(i)
  if (c === SQUOTE || c === DQUOTE) {
    const [, end] = c === SQUOTE ? singleQuoted(r, i) : doubleQuoted(r, i)
    const colon = skipSpaces(text, end)
    return text.charCodeAt(colon) === COLON && isSpaceOrEol(text.charCodeAt(colon + 1)) ? colon : -1
  }
  if (!canStartPlain(text, i)) return -1
  for (let j = i + 1; j < r.lineEnd; j++) {
    const d = text.charCodeAt(j)
    if (d === COLON && isSpaceOrEol(text.charCodeAt(j + 1))) return j
    if (d === HASH && text.charCodeAt(j - 1) === SPACE) return -1
  }
  return -1
}

/** The key of the entry at `i` whose colon is at `colon`, as storeMappingPair makes it (String of the node). */
function keyAt(r: Reader, i: number, colon: number): string {
  const text = r.text
  const c = text.charCodeAt(i)
  if (c === SQUOTE) return singleQuoted(r, i)[0]
  if (c === DQUOTE) return doubleQuoted(r, i)[0]
  let end = colon
  while (text.charCodeAt(end - 1) === SPACE) end--
  // Manifests repeat a few hundred keys: reusing the string of an earlier occurrence saves a slice and, above all,
  // V8's internalization of a fresh string on every property store.
  const length = end - i
  const slot = (length * 31 + c * 7 + text.charCodeAt(end - 1) + text.charCodeAt(i + (length >> 1)) * 13) & (KEY_CACHE_SIZE - 1)
  const cached = keyCacheText[slot]
  if (cached.length === length && text.startsWith(cached, i)) return keyCacheKey[slot]
  const data = text.slice(i, end)
  if (data === '<<') throw BAIL // a merge key (the schema's merge type): mergeMappings not reproduced
  const key = String(resolvePlain(r, data))
  keyCacheText[slot] = data
  keyCacheKey[slot] = key
  return key
}

/** Plain key text -> the key it stands for, by a hash of its length and a few characters. */
const KEY_CACHE_SIZE = 1024
const keyCacheText: string[] = new Array<string>(KEY_CACHE_SIZE).fill('')
const keyCacheKey: string[] = new Array<string>(KEY_CACHE_SIZE).fill('')

function enter(r: Reader): void {
  if (++r.depth > MAX_DEPTH) throw BAIL
}

/**
 * A block mapping whose first key is at the reader's content start, at column `indent` (readBlockMapping). Each
 * value is on the key's line or below it; a line at the mapping's column is its next key, a shallower one ends it.
 */
function blockMapping(r: Reader, indent: number): Record<string, unknown> {
  enter(r)
  const map: Record<string, unknown> = {}
  for (;;) {
    const start = r.contentStart
    const colon = keyColon(r, start)
    if (colon < 0) throw BAIL // not `key: value`: a scalar, an explicit `?` key, or an error in js-yaml
    const key = keyAt(r, start, colon)
    const v = skipSpaces(r.text, colon + 1)
    let value: unknown
    if (v === r.lineEnd || r.text.charCodeAt(v) === HASH) {
      nextLine(r)
      value = nodeBelow(r, indent, true)
    } else {
      value = inlineValue(r, v, indent)
    }
    setEntry(map, key, value)
    if (r.eof || r.column < indent) break
    // deeper: bad indentation in js-yaml; a `- ` at the mapping's column after a value that was not that sequence
    if (r.column > indent || isSequenceEntry(r)) throw BAIL
  }
  r.depth--
  return map
}

/**
 * The value of a key or `-` with nothing after it on its line; the reader is on the next content line. A deeper
 * line starts a nested mapping or sequence; a mapping's value may also be a sequence at the mapping's own column
 * (composeNode's same-indentation special case); anything else is null.
 */
function nodeBelow(r: Reader, parentIndent: number, inMapping: boolean): unknown {
  if (r.eof || r.column < parentIndent) return null
  if (r.column === parentIndent) return inMapping && isSequenceEntry(r) ? blockSequence(r, parentIndent) : null
  return blockNode(r)
}

/** A mapping or sequence at the reader's content start. A scalar alone on its line is left to js-yaml. */
function blockNode(r: Reader): unknown {
  return isSequenceEntry(r) ? blockSequence(r, r.column) : blockMapping(r, r.column)
}

/** A block sequence whose first `-` is at the reader's content start, at column `indent` (readBlockSequence). */
function blockSequence(r: Reader, indent: number): unknown[] {
  enter(r)
  const list: unknown[] = []
  const text = r.text
  for (;;) {
    const p = skipSpaces(text, r.contentStart + 1)
    if (p === r.lineEnd || text.charCodeAt(p) === HASH) {
      nextLine(r)
      if (r.eof || r.column <= indent) {
        list.push(null)
        // readBlockSequence goes on with a `- ` at any column after an empty entry: not reproduced
        if (!r.eof && r.column < indent && isSequenceEntry(r)) throw BAIL
      } else {
        list.push(blockNode(r))
      }
    } else if (text.charCodeAt(p) === DASH && isSpaceOrEol(text.charCodeAt(p + 1))) {
      throw BAIL // `- - x`: a compact nested sequence
    } else if (keyColon(r, p) >= 0) {
      // `- key: value`: a compact mapping whose keys are at the column of `key`
      r.contentStart = p
      r.column = p - r.lineStart
      list.push(blockMapping(r, r.column))
    } else {
      list.push(inlineValue(r, p, indent))
    }
    if (r.eof || r.column < indent) break
    if (r.column > indent) throw BAIL // bad indentation of a sequence entry
    if (!isSequenceEntry(r)) break
  }
  r.depth--
  return list
}

// ---------------------------------------------------------------------------------------------------------
// Documents

/**
 * One YAML document (a chunk that parse-manifests' splitDocuments cut), read as `jsYaml.load(text, {schema})` would
 * read it, or UNSUPPORTED when it uses anything outside the subset. The root must be a block mapping or sequence at
 * column 0, optionally after one `---` line.
 */
export function loadSubset(text: string, schema: jsYaml.Schema): unknown {
  if (!ASCII_ONLY.test(text)) {
    if (text.includes('\r')) {
      const lf = crlfAsLf(text)
      if (lf === undefined) return UNSUPPORTED
      text = lf
    }
    if (!ASCII_ONLY.test(text) && OUTSIDE_SUBSET.test(text)) return UNSUPPORTED
  }
  const implicit = (schema as unknown as {compiledImplicit?: ImplicitType[]}).compiledImplicit
  if (!Array.isArray(implicit)) return UNSUPPORTED
  // loadDocuments appends a line break when the input does not end with one; block scalars see it.
  if (text.length === 0 || text.charCodeAt(text.length - 1) !== LF) text += '\n'
  const r = new Reader(text, implicit)
  try {
    seekDocumentStart(r)
    if (r.eof || r.column !== 0) return UNSUPPORTED
    const root = blockNode(r)
    return r.eof ? root : UNSUPPORTED
  } catch (e) {
    if (e === BAIL) return UNSUPPORTED
    throw e
  }
}

/**
 * The text with its CRLF line breaks (and a CR ending it) written as LF, which js-yaml reads alike: every test of a
 * line end in loader.js takes CR with LF (isEol, isWsOrEol, the comment loop of skipSeparationSpace), readLineBreak
 * takes CR LF as one line break (lineStart after the LF, so indentation and columns are the same), the line breaks of
 * a block scalar's value are always `\n` (readBlockScalar), and loadDocuments appends no LF to a text ending in CR.
 * No scalar ever takes a CR in: readPlainScalar, the quoted scalar readers and readBlockScalar end each captured
 * segment before a line end. A CR anywhere else (a lone CR is a line break of its own for js-yaml, but not for
 * parse-manifests' line numbers): undefined.
 */
function crlfAsLf(text: string): string | undefined {
  const lf = text.replaceAll('\r\n', '\n')
  const cr = lf.indexOf('\r')
  if (cr < 0) return lf
  return cr === lf.length - 1 ? lf.slice(0, -1) + '\n' : undefined
}

/**
 * Skips leading blank and comment lines and one `---` line with nothing after it but a comment (readDocument). A
 * `---` glued to text (`---a: 1`) is still readDocument's marker (it checks three dashes at column 0, nothing after
 * them) with the document starting after it: leave.
 */
function seekDocumentStart(r: Reader): void {
  const text = r.text
  let from = 0
  for (;;) {
    const i = skipSpaces(text, from)
    if (i >= r.length) break
    const c = text.charCodeAt(i)
    if (c !== LF && c !== HASH) break
    from = text.indexOf('\n', i) + 1
  }
  if (text.startsWith('---', from)) {
    if (!isSpaceOrEol(text.charCodeAt(from + 3))) throw BAIL
    const end = text.indexOf('\n', from)
    const j = skipSpaces(text, from + 3)
    if (j !== end && !(text.charCodeAt(j) === HASH && j > from + 3)) throw BAIL // content on the marker line
    from = end + 1
  }
  seekContent(r, from)
}
