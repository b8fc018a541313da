/**
 * The YAML emitter (src/output/yaml-emitter.ts) writes what js-yaml's dump writes with the output's options, byte for
 * byte: over generated data built to hit every scalar-style rule of js-yaml's dumper (chooseScalarStyle, isPlainSafe,
 * the compat-mode keywords, the schema's implicit types, escapes, literal blocks), and over every golden's output.
 */
import test from 'ava'
import fc from 'fast-check'
import jsYaml from 'js-yaml'
import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {DUMP_OPTIONS, dumpYaml, dumpYamlChunks, dumpYamlStream} from '../src/output/yaml-emitter.js'

const jsYamlDump = (value: unknown) => jsYaml.dump(value, DUMP_OPTIONS)

// Strings that a YAML reader would take for something else, or that decide a style on their own.
const KEYWORDS = [
  // compat mode (YAML 1.1 booleans, base 60)
  'y', 'Y', 'yes', 'Yes', 'YES', 'n', 'N', 'no', 'No', 'NO', 'on', 'On', 'ON', 'off', 'Off', 'OFF', 'oN', 'yES',
  '1:30', '-1:30', '+190:20:30.15', '1_0:2_0', '_:1', '1:', ':1',
  // null, bool
  '~', 'null', 'Null', 'NULL', 'nULL', 'true', 'True', 'TRUE', 'tRUE', 'false', 'False', 'FALSE',
  // int: decimal, signed, 0b / 0o / 0x, underscores, out of range
  '0', '-0', '+0', '00', '012', '09', '1', '-1', '+1', '1_000', '0b101', '0b', '-0b1', '0o17', '0o8', '0x1F', '0xG', '0x', '-0x1f',
  '123456789012345678901234567890', '1' + '0'.repeat(400),
  // float, special floats
  '1.5', '-1.5', '1.', '.5', '+.5', '-.5', '1e3', '1E3', '1e+3', '1.5e-3', '.5e3', '1e', 'e1', '1.2.3', '1' + '0'.repeat(400) + '.5',
  '.inf', '.Inf', '.INF', '-.inf', '+.inf', '.nan', '.NaN', '.NAN', '-.nan', '.iNf', 'inf', 'nan',
  // timestamps
  '2001-12-14', '2001-1-14', '2001-12-14t21:59:43.10-05:00', '2001-12-14 21:59:43.10 -5', '2001-12-14T21:59:43Z', '2001-12-14T21:59',
  // merge key, indicators, document markers
  '<<', '<', '<<<', '-', '--', '---', '...', '- a', '-a', '?', '? a', '?a', ':', ': a', ':a', 'a:', 'a: b', 'a:b', 'a :b', 'a #b', 'a#b', '#a',
  '&a', '*a', '!a', '|', '|a', '>', '>a', '=', '%a', '@a', '`a', "'a'", '"a"', '[a]', '{a}', 'a,b', 'a[b]', 'a{b}', ',a',
  // white space, line breaks
  ' ', '  ', ' a', 'a ', '\t', 'a\tb', '\ta', 'a\n', '\n', '\n\n', 'a\nb', 'a\n\nb\n', ' a\nb', '\n a', 'a\n\n', 'a\r\nb', 'a\rb', 'a\n ',
  // escapes, non-printables, unicode
  '\u0000', '\u0007', '\u001b', '\u007f', '\u0085', '\u00a0', '\u00a1', '\u2028', '\u2029', '\ufeff', '\ufeffa', 'a\ufeff', '\ufffe', '\ufffd',
  '\ud800', '\udc00', 'a\ud800', '\ud800a', '\ud83d\ude00', '😀:', 'é', 'a\\b', 'a"b', "a'b", '\u00e9\n\u00e9',
  '',
]

// Characters that change a scalar's style, to build strings from.
const DANGEROUS = fc.constantFrom(
  ' ', ':', '#', '-', '?', '\n', '\t', '\r', '"', "'", '\\', '|', '>', '{', '}', '[', ']', ',', '&', '*', '!', '%', '@', '`', '=', '<', '~',
  'a', 'y', 'n', 'o', 'x', 'e', 'E', '1', '0', '.', '_', '+', '\u0085', '\u00a0', '\u2028', '\ufeff', '\ud800', '\udc00', '\ud83d\ude00',
  'é', '\u0000', '\u007f', '\u001b', 'inf', 'nan', 'null', 'true',
)

const adversarialString = fc.oneof(
  fc.constantFrom(...KEYWORDS),
  fc.array(DANGEROUS, {maxLength: 8}).map((parts) => parts.join('')),
  fc.string({unit: 'binary', maxLength: 12}),
  fc.string({unit: fc.integer({min: 0, max: 0xffff}).map((c) => String.fromCharCode(c)), maxLength: 6}),
  fc.stringMatching(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/),
  fc.string({unit: 'grapheme-ascii', minLength: 1000, maxLength: 1100}),
)

const number = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(0, -0, NaN, Infinity, -Infinity, 1e21, -1e21, 5e-7, 1.5e-7, 1e300, 2 ** 53, 0.1, 123.456, Number.MIN_VALUE, Number.MAX_VALUE),
)

const leaf = fc.oneof(
  {weight: 6, arbitrary: adversarialString},
  {weight: 2, arbitrary: number},
  {weight: 1, arbitrary: fc.boolean()},
  {weight: 1, arbitrary: fc.constantFrom(null, undefined)},
)

const {value: plainData} = fc.letrec<{value: unknown}>((tie) => ({
  value: fc.oneof(
    {depthSize: 'small', withCrossShrink: true},
    leaf,
    fc.array(tie('value'), {maxLength: 4}),
    fc.dictionary(adversarialString, tie('value'), {maxKeys: 5}),
  ),
}))

test('strings: as a value, a key and a sequence entry, at every depth, as js-yaml writes them', (t) => {
  fc.assert(
    fc.property(adversarialString, fc.integer({min: 0, max: 2}), (s, depth) => {
      let doc: unknown = {[s]: s, list: [s, [s]], [s + 'k']: {inner: s}}
      for (let i = 0; i < depth; i++) doc = {nested: doc, items: [doc]}
      for (const value of [s, [s], doc]) {
        const expected = jsYamlDump(value)
        if (dumpYaml(value) !== expected) return false
      }
      return true
    }),
    {numRuns: 3_000},
  )
  t.pass()
})

test('plain data of any shape (undefined values, empty collections, numbers of every kind) as js-yaml writes it', (t) => {
  fc.assert(
    fc.property(plainData, (value) => dumpYaml(value) === jsYamlDump(value)),
    {numRuns: 2_000},
  )
  t.pass()
})

test('a stream of documents is each document dumped, joined by the separator', (t) => {
  fc.assert(
    fc.property(fc.array(plainData, {maxLength: 5}), (values) => dumpYamlStream(values, '---\n') === values.map(jsYamlDump).join('---\n')),
    {numRuns: 500},
  )
  t.pass()
})

test('what is not plain data goes through js-yaml: dates, maps, buffers, functions, class instances, arguments, tagged objects, long keys', (t) => {
  class Point {
    x = 1
  }
  const odd: unknown[] = [
    new Date(0), new Map([['a', 1]]), Buffer.from('hi'), () => 1, Symbol('s'), 10n, new Point(), new String('on'), new Number(3),
    Object.assign(Object.create(null) as object, {b: 1, a: 'yes'}),
    // Object.prototype's (or no) prototype, yet not an '[object Object]' to js-yaml, which skips them (skipInvalid)
    {a: 'on', [Symbol.toStringTag]: 'Tagged'},
    (function (..._args: unknown[]) {
      return arguments
    })('on', 1),
  ]
  for (const o of odd) {
    for (const value of [o, {a: o, b: 'x'}, [o, 'x'], {list: [{k: o}]}]) t.is(dumpYaml(value), jsYamlDump(value))
  }
  const longKey = {['a'.repeat(1030)]: 'v', b: 'w'}
  t.is(dumpYaml(longKey), jsYamlDump(longKey))
  t.true(dumpYaml(longKey).startsWith('? '), 'a key over 1,024 characters is an explicit pair')
  t.is(dumpYamlStream([{a: 1}, new Map(), {b: 2}], '---\n'), [{a: 1}, new Map(), {b: 2}].map(jsYamlDump).join('---\n'))
})

test('every golden\'s expected output is what the emitter writes for its documents', (t) => {
  const golden = new URL('./golden/', import.meta.url).pathname
  let checked = 0
  for (const name of readdirSync(golden).sort()) {
    const file = join(golden, name, 'expected.yaml')
    if (!existsSync(file)) continue
    const text = readFileSync(file, 'utf8')
    const documents = jsYaml.loadAll(text)
    t.is(dumpYamlStream(documents, '---\n'), text, name)
    checked++
  }
  t.true(checked >= 15, `only ${checked} goldens`)
})

test('a stream large enough for several chunks: each chunk ends at a document\'s end, and together they are the stream', (t) => {
  // 3,000 documents of about 150 characters: several chunks of 65,536 characters or a little more
  const documents = Array.from({length: 3000}, (_, i) => ({kind: 'HTTPRoute', metadata: {name: `r${i}`, labels: {a: 'on', b: `${i}`}}, spec: {rules: [{matches: [{path: {type: 'PathPrefix', value: `/p${i}`}}]}]}}))
  const withOdd = [...documents.slice(0, 1500), new Map(), undefined, ...documents.slice(1500)]
  const chunks = dumpYamlChunks(withOdd, '---\n')
  t.true(chunks.length > 1, `${chunks.length} chunk(s)`)
  t.is(chunks.join(''), withOdd.map(jsYamlDump).join('---\n'))
  for (const [i, chunk] of chunks.entries()) {
    t.true(chunk.endsWith('\n'), `chunk ${i} ends a document`)
    if (i > 0) t.true(chunk.startsWith('---\nkind: HTTPRoute\n'), `chunk ${i} starts one`)
  }
})
