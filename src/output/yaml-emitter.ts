/**
 * A block-YAML emitter for plain data that writes exactly the bytes of js-yaml's dump with the options below, about
 * three times faster: js-yaml decides every node's type through its schema's type list, builds a closure per scalar and
 * looks each object up in its duplicate list. Here the data is known to be plain (objects with Object.prototype or no
 * prototype, arrays, strings, numbers, booleans, null, undefined), so the type test is `typeof`; anything else (a
 * Date, a Map, a Buffer, a function, a key whose scalar is over 1,024 characters) makes the whole document go
 * through js-yaml itself, so the output is js-yaml's in every case.
 *
 * Each rule below is the one of node_modules/js-yaml/lib/dumper.js (4.x) it mirrors: writeBlockMapping,
 * writeBlockSequence, writeNode (compact and `:` vs `: `), writeScalar + chooseScalarStyle (the scalar style),
 * escapeString, blockHeader/indentString (literal scalars), and the int/float types' represent. The property test
 * (test/yaml-emitter.test.ts) compares the two over generated data and every golden's output.
 */
import jsYaml from 'js-yaml'

/** The options every output document is dumped with (noRefs: the same object twice is written twice). */
export const DUMP_OPTIONS: jsYaml.DumpOptions = {noRefs: true, lineWidth: -1, sortKeys: true, skipInvalid: true, quotingType: '"'}

/** Thrown where the emitter meets what it does not reproduce; the document then goes through js-yaml. */
const UNSUPPORTED = new Error('not plain data: dumped by js-yaml')

/** js-yaml's dump(value, DUMP_OPTIONS), byte for byte. */
export function dumpYaml(value: unknown): string {
  return dumpYamlStream([value], '')
}

/** The documents dumped (as dumpYaml does each) and joined by `separator`. */
export function dumpYamlStream(values: readonly unknown[], separator: string): string {
  const chunks = dumpYamlChunks(values, separator)
  return chunks.length === 1 ? chunks[0] : chunks.join('')
}

/**
 * dumpYamlStream's text in chunks that end at a document's end, each of at least CHUNK_LENGTH characters but the last:
 * written one after the other, a large output is never one string (nor, written to a pipe, one buffer three times its
 * length). A document larger than that is a chunk of its own.
 */
export function dumpYamlChunks(values: readonly unknown[], separator: string): string[] {
  const outer = out // a getter that dumps while we dump (never in our data) must not lose the outer text
  const chunks: string[] = []
  // the chunk being made: pieces joined into a segment at a document's end once there are SEGMENT_PIECES of them
  let segments: string[] = []
  let length = 0
  try {
    out = []
    for (let i = 0; i < values.length; i++) {
      if (i > 0) out.push(separator)
      const start = out.length
      try {
        writeDocument(values[i])
      } catch (err) {
        if (err !== UNSUPPORTED) throw err
        out.length = start
        out.push(jsYaml.dump(values[i], DUMP_OPTIONS))
      }
      if (out.length >= SEGMENT_PIECES) {
        const segment = out.join('')
        out = []
        segments.push(segment)
        length += segment.length
        if (length >= CHUNK_LENGTH) {
          chunks.push(segments.length === 1 ? segments[0] : segments.join(''))
          segments = []
          length = 0
        }
      }
    }
    if (out.length > 0) segments.push(out.join(''))
    if (segments.length > 0 || chunks.length === 0) chunks.push(segments.join(''))
  } finally {
    out = outer
  }
  return chunks
}

// The pieces being written, joined into a segment at a document's end once there are SEGMENT_PIECES of them, and
// segments into a chunk once it holds CHUNK_LENGTH characters: appending to one string builds a rope of small strings
// that costs more in garbage collection than all the rest, and a long array of pieces costs more to keep and join
// than short ones (an array of 32k pieces per chunk took twice as long as 1k).
let out: string[] = []
const SEGMENT_PIECES = 1024
/** Characters per chunk (at least; a chunk ends at a document's end). */
const CHUNK_LENGTH = 1 << 16

/** writeNode at the top: compact (a mapping's first pair on the first line), then a line break. */
function writeDocument(value: unknown): void {
  if (value === undefined) return
  if (typeof value === 'object' && value !== null) {
    if (Array.isArray(value)) {
      if (value.length === 0) out.push('[]')
      else writeSequence(value, 0, true)
    } else if (!writeMapping(plainObject(value), 0, true)) {
      out.push('{}')
    }
  } else {
    out.push(scalarText(value, 0))
  }
  out.push('\n')
}

const objectToString = Object.prototype.toString

function plainObject(value: object): Record<string, unknown> {
  const proto = Object.getPrototypeOf(value)
  // an arguments object, or one with its own Symbol.toStringTag, is not an '[object Object]' to js-yaml (skipped)
  if ((proto !== Object.prototype && proto !== null) || objectToString.call(value) !== '[object Object]') throw UNSUPPORTED
  return value as Record<string, unknown>
}

// '\n' + the indentation of a level (js-yaml's generateNextLine with indent 2).
const NEWLINE_INDENT: string[] = ['\n']
// The same followed by a sequence entry's `- `.
const NEWLINE_DASH: string[] = ['\n- ']
function newlineIndent(level: number): string {
  while (NEWLINE_INDENT.length <= level) {
    NEWLINE_INDENT.push(NEWLINE_INDENT[NEWLINE_INDENT.length - 1] + '  ')
    NEWLINE_DASH.push(NEWLINE_INDENT[NEWLINE_INDENT.length - 1] + '- ')
  }
  return NEWLINE_INDENT[level]
}

/**
 * writeBlockMapping: keys sorted, pairs whose value is undefined skipped, each pair on its own line (the first one
 * on the current line when compact: a sequence entry's mapping). A non-empty collection value starts on the next
 * line (`key:` then a line break), anything else follows `: `. Returns false when no pair was written.
 */
function writeMapping(object: Record<string, unknown>, level: number, compact: boolean): boolean {
  const keys = Object.keys(object).sort()
  const newline = newlineIndent(level)
  let wrote = false
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]
    const value = object[key]
    if (value === undefined) continue
    const keyText = keyScalar(key)
    const lead = wrote || !compact ? newline : ''
    wrote = true
    if (typeof value !== 'object' || value === null) {
      out.push(lead, keyText.beforeScalar, scalarText(value, level + 1))
      continue
    }
    out.push(lead, keyText.beforeBlock)
    if (Array.isArray(value)) {
      if (value.length === 0) out.push(' []')
      else writeSequence(value, level + 1, false)
    } else if (!writeMapping(plainObject(value), level + 1, false)) {
      out.push(' {}')
    }
  }
  return wrote
}

// Keys repeat (apiVersion, metadata, name, the annotation names...): their scalars are remembered, up to a bound.
interface KeyText {
  /** `key: `, a scalar follows. */
  beforeScalar: string
  /** `key:`, a line break follows (or ` []`, ` {}`). */
  beforeBlock: string
}
const KEY_TEXTS = new Map<string, KeyText>()

function keyScalar(key: string): KeyText {
  let text = KEY_TEXTS.get(key)
  if (text === undefined) {
    const scalar = stringText(key, true, 0)
    if (scalar.length > 1024) throw UNSUPPORTED // js-yaml writes an explicit `? key` pair
    text = {beforeScalar: scalar + ': ', beforeBlock: scalar + ':'}
    if (KEY_TEXTS.size < 10_000) KEY_TEXTS.set(key, text)
  }
  return text
}

/** writeBlockSequence: `- ` entries (undefined ones written as null), the first on the current line when compact. */
function writeSequence(array: unknown[], level: number, compact: boolean): void {
  newlineIndent(level)
  const newlineDash = NEWLINE_DASH[level]
  for (let i = 0; i < array.length; i++) {
    const lead = i > 0 || !compact ? newlineDash : '- '
    const value = array[i]
    if (typeof value !== 'object' || value === null) {
      out.push(lead, value === undefined ? 'null' : scalarText(value, level + 1))
      continue
    }
    out.push(lead)
    if (Array.isArray(value)) {
      if (value.length === 0) out.push('[]')
      else writeSequence(value, level + 1, true)
    } else if (!writeMapping(plainObject(value), level + 1, true)) {
      out.push('{}')
    }
  }
}

function scalarText(value: unknown, level: number): string {
  switch (typeof value) {
    case 'string':
      return stringText(value, false, level)
    case 'number':
      return numberText(value)
    case 'boolean':
      return value ? 'true' : 'false'
    default:
      if (value === null) return 'null'
      throw UNSUPPORTED // bigint, symbol, function: js-yaml skips them (skipInvalid)
  }
}

const SCIENTIFIC_WITHOUT_DOT = /^[-+]?[0-9]+e/

/** The int type's represent (decimal) for whole numbers, the float type's (lowercase) for the others. */
function numberText(n: number): string {
  if (n % 1 === 0 && !Object.is(n, -0)) return n.toString(10)
  if (Number.isNaN(n)) return '.nan'
  if (n === Infinity) return '.inf'
  if (n === -Infinity) return '-.inf'
  if (Object.is(n, -0)) return '-0.0'
  const text = n.toString(10)
  return SCIENTIFIC_WITHOUT_DOT.test(text) ? text.replace('e', '.e') : text
}

// ---------------------------------------------------------------------------------------------------------
// Strings: chooseScalarStyle with lineWidth -1, flowLevel -1 (every scalar in block context), forceQuotes off,
// quotingType '"': plain when it can be read back as the same string, a `|` literal when it has line breaks and
// only printable characters, double-quoted otherwise.

// writeScalar's compat mode (noCompatMode off): YAML 1.1 booleans and base-60 numbers are quoted as they are.
const DEPRECATED_BOOLEANS = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON', 'n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF'])
const DEPRECATED_BASE60 = /^[-+]?[0-9_]+(?::[0-9_]+)+(?:\.[0-9_]*)?$/

// isPlainSafeFirst: not white space and not an indicator (- ? : , [ ] { } # & * ! | = > ' " % @ `).
const NOT_PLAIN_FIRST = new Set([...'-?:,[]{}#&*!|=>\'"%@`'].map((c) => c.charCodeAt(0)))

const jsYamlTypes = (jsYaml as unknown as {types: Record<'null' | 'bool' | 'int' | 'float' | 'timestamp' | 'merge', jsYaml.Type>}).types
// DEFAULT_SCHEMA's implicit types (the dumper's testImplicitResolving): a plain scalar they resolve would be read
// back as a null, boolean, number, date or merge key.
const IMPLICIT = [jsYamlTypes.null, jsYamlTypes.bool, jsYamlTypes.int, jsYamlTypes.float, jsYamlTypes.timestamp, jsYamlTypes.merge]
// The first characters those types can resolve: null (~ n N), bool (t T f F), int/float/timestamp (sign, digit,
// `.`), merge (`<<`). Any other string is resolved by none of them, so they need not be asked.
const IMPLICIT_FIRST = new Set([...'~nNtTfF-+.0123456789<'].map((c) => c.charCodeAt(0)))

function isAmbiguous(s: string): boolean {
  if (!IMPLICIT_FIRST.has(s.charCodeAt(0))) return false
  for (const type of IMPLICIT) if (type.resolve(s)) return true
  return false
}

/** isPrintable for a code point at or above 0x80 (below, it is 0x20..0x7E). */
function isPrintableWide(c: number): boolean {
  return (c >= 0xa1 && c <= 0xd7ff && c !== 0x2028 && c !== 0x2029) || (c >= 0xe000 && c <= 0xfffd && c !== 0xfeff) || (c >= 0x10000 && c <= 0x10ffff)
}

function codePointAt(s: string, i: number): number {
  const first = s.charCodeAt(i)
  if (first >= 0xd800 && first <= 0xdbff && i + 1 < s.length) {
    const second = s.charCodeAt(i + 1)
    if (second >= 0xdc00 && second <= 0xdfff) return (first - 0xd800) * 0x400 + second - 0xdc00 + 0x10000
  }
  return first
}

/** writeScalar for a string: a key (single line only) or a value at `level` (a literal's lines are indented by it). */
function stringText(s: string, isKey: boolean, level: number): string {
  const length = s.length
  if (length === 0) return '""'
  const first = s.charCodeAt(0)
  if ((length <= 3 && DEPRECATED_BOOLEANS.has(s)) || ((first <= 0x39 || first === 0x5f) && DEPRECATED_BASE60.test(s))) return '"' + s + '"'

  const last = s.charCodeAt(length - 1)
  // isPlainSafeFirst / isPlainSafeLast (first: printable is checked in the loop; last: not white space, not `:`)
  let plain = first !== 0x20 && first !== 0xfeff && !NOT_PLAIN_FIRST.has(first) && last !== 0x20 && last !== 0x09 && last !== 0x3a
  let lineBreak = false
  let prev = -1
  for (let i = 0; i < length; i++) {
    let c = s.charCodeAt(i)
    if (c >= 0x20 && c < 0x7f) {
      // isPlainSafe: ` #` starts a comment, `: ` separates a pair
      if ((c === 0x23 && prev === 0x20) || (c === 0x20 && prev === 0x3a)) plain = false
    } else if (c === 0x0a && !isKey) {
      lineBreak = true
      plain = false
    } else if (c < 0x80) {
      return '"' + escapeString(s) + '"' // control character (a key's line break included)
    } else {
      c = codePointAt(s, i)
      if (!isPrintableWide(c)) return '"' + escapeString(s) + '"'
      if (c >= 0x10000) i++
    }
    prev = c
  }
  if (lineBreak) return literal(s, 2 * Math.max(1, level))
  if (plain && !isAmbiguous(s)) return s
  return '"' + escapeString(s) + '"'
}

const ESCAPE_SEQUENCES: Record<number, string> = {
  0x00: '\\0', 0x07: '\\a', 0x08: '\\b', 0x09: '\\t', 0x0a: '\\n', 0x0b: '\\v', 0x0c: '\\f', 0x0d: '\\r', 0x1b: '\\e',
  0x22: '\\"', 0x5c: '\\\\', 0x85: '\\N', 0xa0: '\\_', 0x2028: '\\L', 0x2029: '\\P',
}

function encodeHex(c: number): string {
  const hex = c.toString(16).toUpperCase()
  if (c <= 0xff) return '\\x' + hex.padStart(2, '0')
  if (c <= 0xffff) return '\\u' + hex.padStart(4, '0')
  return '\\U' + hex.padStart(8, '0')
}

/** escapeString: the named escapes, \x \u \U for the other non-printable code points. */
function escapeString(s: string): string {
  let result = ''
  for (let i = 0; i < s.length; i++) {
    const c = codePointAt(s, i)
    const escape = ESCAPE_SEQUENCES[c]
    if (escape === undefined && ((c >= 0x20 && c <= 0x7e) || isPrintableWide(c))) {
      result += s[i]
      if (c >= 0x10000) result += s[++i]
    } else {
      result += escape ?? encodeHex(c)
      if (c >= 0x10000) i++
    }
  }
  return result
}

/** `|` + blockHeader (indentation indicator when it starts with a space, chomping) + the lines indented. */
function literal(s: string, indent: number): string {
  const indentIndicator = /^\n* /.test(s) ? '2' : ''
  const clip = s[s.length - 1] === '\n'
  const keep = clip && (s[s.length - 2] === '\n' || s === '\n')
  const chomp = keep ? '+' : clip ? '' : '-'
  const body = indentLines(s, ' '.repeat(indent))
  return '|' + indentIndicator + chomp + '\n' + (body[body.length - 1] === '\n' ? body.slice(0, -1) : body)
}

/** indentString: every line but an empty one gets the indentation. */
function indentLines(s: string, indentation: string): string {
  let result = ''
  let position = 0
  while (position < s.length) {
    const next = s.indexOf('\n', position)
    const end = next === -1 ? s.length : next + 1
    if (end - position > 1 || next === -1) result += indentation
    result += s.slice(position, end)
    position = end
  }
  return result
}
