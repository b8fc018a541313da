/**
 * The subset YAML reader (src/sources/yaml-subset.ts) against js-yaml, the loader it stands in for: for any text it
 * must give UNSUPPORTED or exactly js-yaml's value under the manifest schema (same types, key order, prototypes, own
 * properties), and never a value where js-yaml fails. Generated adversarial documents, every YAML file of the
 * repository, and the benchmark's fixture (which it must read entirely, or the fast path is gone).
 */
import test, {type ExecutionContext} from 'ava'
import fc from 'fast-check'
import jsYaml from 'js-yaml'
import {readdirSync, readFileSync, statSync} from 'node:fs'
import {join} from 'node:path'
import {chunkWithLineBreak, SCHEMA, splitDocuments, type Chunk} from '../src/sources/parse-manifests.js'
import {loadSubset, UNSUPPORTED} from '../src/sources/yaml-subset.js'
import {generateFixture} from '../scripts/bench/fixture.js'
import {fixtureYaml} from '../scripts/bench/stages.js'

type Outcome = {ok: true; value: unknown} | {ok: false}

function viaJsYaml(text: string): Outcome {
  try {
    return {ok: true, value: jsYaml.load(text, {schema: SCHEMA})}
  } catch {
    return {ok: false}
  }
}

/** Where two trees differ in type, prototype, own keys (order included) or value; undefined when identical. */
function difference(a: unknown, b: unknown, path = '$'): string | undefined {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) {
    return Object.is(a, b) ? undefined : `${path}: ${String(a)} (${typeof a}) vs ${String(b)} (${typeof b})`
  }
  if (Array.isArray(a) !== Array.isArray(b)) return `${path}: array vs not`
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return `${path}: prototypes differ`
  const keysA = Reflect.ownKeys(a)
  const keysB = Reflect.ownKeys(b)
  if (keysA.join('\u0000') !== keysB.join('\u0000')) return `${path}: own keys ${keysA.join(',')} vs ${keysB.join(',')}`
  for (const key of keysA) {
    const da = Object.getOwnPropertyDescriptor(a, key)!
    const db = Object.getOwnPropertyDescriptor(b, key)!
    if (da.enumerable !== db.enumerable || da.writable !== db.writable || da.configurable !== db.configurable) return `${path}.${String(key)}: descriptors differ`
    const d = difference(da.value, db.value, `${path}.${String(key)}`)
    if (d) return d
  }
  return undefined
}

/** Checks one document both ways; true when the subset reader took it. */
function agrees(t: ExecutionContext, text: string, label: string): boolean {
  const fast = loadSubset(text, SCHEMA)
  if (fast === UNSUPPORTED) return false
  const reference = viaJsYaml(text)
  if (!reference.ok) {
    t.fail(`${label}: the subset reader returned a value where js-yaml fails:\n${text}`)
    return true
  }
  const d = difference(fast, reference.value)
  if (d) t.fail(`${label}: ${d}\n${text}`)
  return true
}

// ---------------------------------------------------------------------------------------------------------
// The schema the shortcuts of resolvePlain assume

test('the manifest schema resolves plain scalars with null, bool, int, float and merge, in that order', (t) => {
  const implicit = (SCHEMA as unknown as {compiledImplicit: {tag: string}[]}).compiledImplicit.map((type) => type.tag)
  t.deepEqual(implicit, ['null', 'bool', 'int', 'float', 'merge'].map((name) => `tag:yaml.org,2002:${name}`))
})

test('plain scalars the shortcuts of resolvePlain answer (digits, words of 4 or 5 letters) resolve as js-yaml does', (t) => {
  const scalar = fc.oneof(
    fc.stringMatching(/^[-+]?[0-9]{1,17}$/),
    fc.stringMatching(/^[nNtTfF][a-zA-Z]{2,5}$/),
    fc.constantFrom('null', 'Null', 'NULL', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE', 'nulL', 'tRue', 'falsE'),
  )
  fc.assert(
    fc.property(scalar, (s) => {
      const text = `a: ${s}\n${s}: b\n`
      const fast = loadSubset(text, SCHEMA)
      if (fast === UNSUPPORTED) t.fail(`${s} left to js-yaml`)
      else t.is(difference(fast, jsYaml.load(text, {schema: SCHEMA})), undefined, s)
    }),
    {numRuns: 2000},
  )
})

// ---------------------------------------------------------------------------------------------------------
// Examples: what the fast path takes, and what it leaves to js-yaml

const MANIFEST = `# a comment before the document
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web   # trailing comment
  namespace: "team-a"
  annotations:
    nginx.ingress.kubernetes.io/rewrite-target: /$2
    nginx.ingress.kubernetes.io/ssl-redirect: 'false'
    nginx.ingress.kubernetes.io/configuration-snippet: |
      more_set_headers "X-A: b";

      # not a comment
    nginx.ingress.kubernetes.io/server-snippet: >-
      folded
      text
  labels: {}
spec:
  tls:
  - hosts: [ ]
  - hosts:
    - a.example.com
    secretName: tls-a
  rules:
    - host: a.example.com
      http:
        paths:
          -   path: /
              pathType: Prefix
              backend:
                service: {name: ignored}
    -
      host: b
    - 80
    - ~
    - 0x1F
    - 1.5e3
    - "\\u00e9\\x41\\t"
    - 2024-01-01
    -
  empty:
  __proto__: {}
  "quoted key": 'it''s'
  80: number key
  true: bool key
`

test('a typical manifest, flow collections included, is read by the fast path as js-yaml reads it', (t) => {
  t.true(agrees(t, MANIFEST, 'manifest'))
  const value = loadSubset(MANIFEST, SCHEMA) as {metadata: {annotations: Record<string, string>}; spec: Record<string, unknown>}
  t.is(value.metadata.annotations['nginx.ingress.kubernetes.io/configuration-snippet'], 'more_set_headers "X-A: b";\n\n# not a comment\n')
  t.is(value.metadata.annotations['nginx.ingress.kubernetes.io/server-snippet'], 'folded text')
  t.true(Object.prototype.hasOwnProperty.call(value.spec, '__proto__'), '__proto__ is an own key, as js-yaml defines it')
  t.is(Object.getPrototypeOf(value.spec), Object.prototype)
  t.deepEqual((value.spec.rules as unknown[]).slice(2), [80, null, 31, 1500, '\u00e9A\t', '2024-01-01', null])
  t.deepEqual((value.spec.tls as unknown[])[0], {hosts: []})
})

test('the same manifest with CRLF line breaks (a Windows checkout) gives the same value on the fast path', (t) => {
  const crlf = MANIFEST.replace(/\n/g, '\r\n')
  t.true(agrees(t, crlf, 'CRLF manifest'))
  t.is(difference(loadSubset(crlf, SCHEMA), loadSubset(MANIFEST, SCHEMA)), undefined)
  // the chunk parse-manifests cuts from a CRLF stream ends in the CR of its last line
  t.true(agrees(t, crlf.slice(0, -1), 'CRLF manifest ending in CR'))
})

const LEFT_TO_JS_YAML: [string, string][] = [
  ['an anchor and alias', 'a: &x 1\nb: *x\n'],
  ['a tag', 'a: !!str 1\n'],
  ['a flow collection over two lines', 'a: [1,\n  2]\n'],
  ['a flow collection at the end of its line', 'a: [\n  1]\n'],
  ['a plain scalar at the end of a flow line', 'a: [1, b\n  c]\n'],
  ['an anchor in a flow collection', 'a: [&x 1, 2]\n'],
  ['an alias in a flow collection', 'a: &x 1\nb: [*x]\n'],
  ['a tag in a flow collection', 'a: [!!str 1]\n'],
  ['an explicit key in a flow mapping', 'a: {? b: 1}\n'],
  ['a comment in a flow collection', 'a: [b, #c\n  d]\n'],
  ['a comment glued to a flow entry', 'a: ["b"#c]\n'],
  ['a flow collection as a flow key', 'a: {[b]: 1}\n'],
  ['a flow collection as a pair key', 'a: [{b: 1}: 2]\n'],
  ['a merge key in a flow mapping', 'a: {<<: {b: 1}}\n'],
  ['a duplicate key in a flow mapping', 'a: {b: 1, b: 2}\n'],
  ['a flow collection as a block key', '[a]: 1\n'],
  ['a flow collection root', '{a: 1}\n'],
  ['a tab in indentation', 'a:\n\tb: 1\n'],
  ['a tab in a value', 'a: b\tc\n'],
  ['a lone CR line break', 'a: 1\rb: 2\n'],
  ['a CR before a CRLF', 'a: 1\r\r\nb: 2\n'],
  ['a CR in a quoted scalar', 'a: "b\rc"\n'],
  ['a CRLF in a quoted scalar', 'a: "b\r\n  c"\n'],
  ['a duplicate key', 'a: 1\na: 2\n'],
  ['a merge key', 'a: 1\n<<: {b: 2}\n'],
  ['an explicit key', '? a\n: 1\n'],
  ['a multi-line plain scalar', 'a: b\n  c\n'],
  ['a multi-line quoted scalar', 'a: "b\n  c"\n'],
  ['an escaped line break', 'a: "b\\\n  c"\n'],
  ['an unknown escape', 'a: "\\q"\n'],
  ['a block scalar indentation indicator', 'a: |2\n    b\n'],
  ['a value with `: `', 'a: b: c\n'],
  ['bad indentation', 'a:\n  b: 1\n c: 2\n'],
  ['a compact nested sequence', '- - a\n'],
  ['a scalar document', 'just text\n'],
  ['an indented root', '  a: 1\n'],
  ['a directive', '%YAML 1.2\n---\na: 1\n'],
  ['content on the marker line', '--- a: 1\n'],
  ['a second document marker', 'a: 1\n---\nb: 2\n'],
  ['a control character', 'a: b\u0007\n'],
  ['a lone surrogate', 'a: \ud800\n'],
  ['U+2028', 'a: b\u2028c\n'],
  ['a glued comment after a quoted scalar', "a: 'b'#c\n"],
]

for (const [what, text] of LEFT_TO_JS_YAML) {
  test(`left to js-yaml: ${what}`, (t) => {
    t.is(loadSubset(text, SCHEMA), UNSUPPORTED)
  })
}

/** undefined when the subset reader leaves `text` to js-yaml or gives exactly its value; else what differs. */
function mismatch(text: string): string | undefined {
  const fast = loadSubset(text, SCHEMA)
  if (fast === UNSUPPORTED) return undefined
  const reference = viaJsYaml(text)
  if (!reference.ok) return `a value (${JSON.stringify(fast)}) where js-yaml fails`
  return difference(fast, reference.value)
}

// readDocument takes `---` at column 0 as the marker whatever follows it (it tests no white space after, unlike
// testDocumentSeparator): `---a: 1` is the mapping {a: 1} at column 3, and a next line at column 0 an error.
test('a first line `---` glued to content is a document marker for js-yaml, not part of a key', (t) => {
  for (const text of ['---a: 1\n', '---a: 1\nb: 2\n', '# c\n---a: 1\n', '---:\n', '----\na: 1\n', '---x\n']) {
    t.is(mismatch(text), undefined, JSON.stringify(text))
  }
  // further down the document the same line is a plain key for both
  t.deepEqual(loadSubset('a: 1\n---x: 2\n', SCHEMA), {a: 1, '---x': 2})
  t.is(mismatch('a: 1\n---x: 2\n'), undefined)
})

/** Inputs where a subset reader typically slips: each gives js-yaml's value or is left to js-yaml. */
const EDGE_CASES: string[] = [
  'a:value\n', 'a: value #comment\n', 'a: value#notcomment\n', 'a: b: c\n', '- a: b: c\n', 'a: http://h:80/p\n', 'a: b  \n', 'a:  \n',
  '"a": 1\n', "'b': 2\n", '80: x\n', 'true: x\n', '~: x\n', '0x1F: x\n', '1e3: x\n', '.inf: x\n', '-0: x\n', '1.0: x\n',
  'a: "\\x41"\n', 'a: "\\u00e9"\n', 'a: "\\N"\n', "a: 'it''s'\n", 'a: "b\\\n  c"\n', 'a: "\\U0001F600"\n', 'a: "\\UFFFFFFFF"\n',
  'a: |\n\n  x\n', 'a: |\n    \n  x\n', 'a: |2-\n   x\n', 'a: |-\n  x\n\n', 'a: |+\n  x\n\n', 'a: >\n  a\n   b\n  c\n', 'a: >\n  a\n\n    b\n  c\n',
  '', '# only a comment\n', '---\n', 'scalar\n', '- a\n- b\n', '- - a\n', '-\n', '- \n- x\n',
  'a:\n- b\nc: d\n', 'a:\n  b: 1\n  - c\n', '---\na: 1\n', '---\n- a\n', '--- # c\na: 1\n', 'a: 1\n...\n', 'a: 1\n...\nb: 2\n',
  '\ufeffa: 1\n', '__proto__: {}\n', 'constructor: 1\nprototype: 2\n', 'a: 1\n"a": 2\n', "a: 1\n'a': 2\n",
  'a: 0x1F\n', 'a: 0o7\n', 'a: +1\n', 'a: 1_000\n', 'a: -0\n', 'a: 1e3\n', 'a: .5\n', 'a: .inf\n', 'a: -.inf\n', 'a: .NaN\n',
  'a: ~\n', 'a: Null\n', 'a: NULL\n', 'a: nULL\n', 'a: True\n', 'a: TRUE\n', 'a: yes\n', 'a: 2024-01-01\n', 'a: 2024-01-01T00:00:00Z\n',
  'a: 1234567890123456\n', 'a: 12345678901234567\n', 'a: 9007199254740993\n', 'a: 012\n', 'a: 09\n', 'a: 0b11\n', 'a: 1:30\n',
  'a: [b]#c\n', 'a: [b] #c\n', 'a: [b] c\n', 'a: [b]: c\n', '- [b]: c\n', '- {b: c}: d\n', 'a: [b]\n  c: d\n', '- [b]\n  - c\n',
  'a: 1\r\nb: 2\r\n', 'a: 1\r\nb: 2\r', 'a: 1\r\nb: 2', 'a: 1\nb: 2\r\n', 'a: |\r\n  x\r\n\r\n  y\r\n', 'a: >-\r\n  x\r\n  y\r\n\r\n',
  'a: |+\r\n  x\r\n\r', 'a: |+\r\n  x\r\n\r\n', 'a: "b\\\r\n  c"\r\n', "a: 'b''c'\r\n", '---\r\na: 1\r\n', '# c\r\n--- # c\r\na: 1\r\n',
  'a: "x"\r\nb: [c, "d"]\r\n', 'a:\r\n- b\r\n-\r\n  c: d\r\n', 'a: b \r\n', 'a: b #c\r\n', 'a: |\r', 'a:\r', '\r\n', '\r',
]

test('edge cases (glued colons and comments, key typing, escapes, block scalar indentation, markers, numbers) agree with js-yaml', (t) => {
  let fast = 0
  for (const text of EDGE_CASES) {
    t.is(mismatch(text), undefined, JSON.stringify(text))
    if (loadSubset(text, SCHEMA) !== UNSUPPORTED) fast++
  }
  // not vacuous: most of them are read by the subset reader and compared
  t.true(fast >= 50, `${fast} of ${EDGE_CASES.length} read by the subset reader`)
})

/**
 * Flow collections on one line, as loader.js readFlowCollection and readPlainScalar (withinFlowCollection) read them:
 * each is read by the fast path with js-yaml's value (shown, where it surprises), or is an error or a construct
 * (`#` comment, empty entry, indicator where a node was expected, duplicate key) left to js-yaml.
 */
const FLOW_CASES: [string, 'fast' | 'js-yaml', unknown?][] = [
  ['[a,b]', 'fast', ['a', 'b']],
  ['[ ]', 'fast', []],
  ['[a, [b, {c: d}]]', 'fast', ['a', ['b', {c: 'd'}]]],
  ['{a: }', 'fast', {a: null}],
  ['{a}', 'fast', {a: null}],
  ['[a: b]', 'fast', [{a: 'b'}]],
  ['{"a":1}', 'fast', {a: 1}],
  ['{a:1}', 'fast', {'a:1': null}],
  ['[a:b]', 'fast', ['a:b']],
  ['{a:,b}', 'fast', {a: null, b: null}],
  ['[a:]', 'fast', [{a: null}]],
  ['[-1, .5, 0x1F, ~, null, true]', 'fast', [-1, 0.5, 31, null, null, true]],
  ["['it''s']", 'fast', ["it's"]],
  ['[a, ]', 'fast', ['a']],
  ['[ a , b , ]', 'fast', ['a', 'b']],
  ['[a b , c  d ]', 'fast', ['a b', 'c  d']],
  ['[a, -b, ?c, :d, --, a#b]', 'fast', ['a', '-b', '?c', ':d', '--', 'a#b']],
  ['["a" : 1, "b":c:d]', 'fast', [{a: 1}, {b: 'c:d'}]],
  ['{"<<": 1, __proto__: 2}', 'fast'],
  ['[<<]', 'fast', ['<<']],
  ['{1: a, ~: b, true: c, 0x10: d}', 'fast', {1: 'a', null: 'b', true: 'c', 16: 'd'}],
  ['["GET", "POST"]', 'fast', ['GET', 'POST']],
  ['[{port: 80}, {port: 443, name: "https"}]', 'fast', [{port: 80}, {port: 443, name: 'https'}]],
  ['["--x", "--y=\\"z\\""]', 'fast', ['--x', '--y="z"']],
  ['[a #c]', 'js-yaml'],
  ['[,]', 'js-yaml'],
  ['[a,,b]', 'js-yaml'],
  ['[-]', 'js-yaml'],
  ['[?]', 'js-yaml'],
  ['[:]', 'js-yaml'],
  ['[>]', 'js-yaml'],
  ['{a: |}', 'js-yaml'],
  ['{: a}', 'js-yaml'],
  ['{a: b: c}', 'js-yaml'],
  ['[a]b', 'js-yaml'],
  ['[a}', 'js-yaml'],
  ['{1: a, 1.0: b}', 'js-yaml'],
]

for (const [flow, expected, value] of FLOW_CASES) {
  for (const text of [`k: ${flow}\n`, `- ${flow}\n`]) {
    test(`flow collection ${JSON.stringify(text)}: ${expected === 'fast' ? "js-yaml's value on the fast path" : 'left to js-yaml'}`, (t) => {
      if (expected === 'js-yaml') {
        t.is(loadSubset(text, SCHEMA), UNSUPPORTED)
        return
      }
      t.true(agrees(t, text, 'flow'), 'read by the fast path')
      if (value !== undefined) t.deepEqual(loadSubset(text, SCHEMA), text.startsWith('k') ? {k: value} : [value])
    })
  }
}

/** CRLF documents the fast path reads, with js-yaml's value (agrees) and this one. */
const CRLF_CASES: [string, unknown][] = [
  ['a: 1\r\nb: [c, "d"]\r\n', {a: 1, b: ['c', 'd']}],
  ['a: |\r\n  x\r\n\r\n  y\r\n', {a: 'x\n\ny\n'}],
  ['a: >-\r\n  x\r\n  y\r\n\r\n', {a: 'x y'}],
  // a chunk of a CRLF stream ends in the CR of its last line, which js-yaml takes as the last line break
  ['a: |+\r\n  x\r\n\r', {a: 'x\n\n'}],
  ["a: 'b''c'\r\nd: \"e\\tf\" # c\r\n", {a: "b'c", d: 'e\tf'}],
  ['# c\r\n--- # c\r\na:\r\n- b\r\n-\r\n  c: d\r\n', {a: ['b', {c: 'd'}]}],
  ['a: b \r\nc: d', {a: 'b', c: 'd'}],
]

test('CRLF line breaks, in block scalars and after quoted scalars too, are read by the fast path as js-yaml reads them', (t) => {
  for (const [text, value] of CRLF_CASES) {
    t.true(agrees(t, text, JSON.stringify(text)), `${JSON.stringify(text)} read by the fast path`)
    t.deepEqual(loadSubset(text, SCHEMA), value, JSON.stringify(text))
  }
})

test('deep nesting is left to js-yaml, which enforces its own depth limit', (t) => {
  let text = ''
  for (let i = 0; i < 60; i++) text += `${' '.repeat(i)}k${i}:\n`
  t.is(loadSubset(text, SCHEMA), UNSUPPORTED)
})

// ---------------------------------------------------------------------------------------------------------
// Generated documents

/** Plain scalars that look like other types, carry indicators, or are odd in other ways. */
const PLAIN = [
  '0', '00', '012', '09', '0x1F', '0xg', '0o17', '0o8', '0b101', '0b', '-0', '+1', '-12', '1_000', '1e3', '1E+3', '1.5',
  '.5', '5.', '-.inf', '+.Inf', '.NaN', '.nan', '.NAN', 'nan', 'inf', '123456789012345', '1234567890123456',
  '9007199254740993', '99999999999999999999', '1e400', 'null', 'Null', 'NULL', 'nULL', '~', '~x', 'true', 'True',
  'TRUE', 'tRUE', 'false', 'False', 'FALSE', 'yes', 'No', 'on', 'OFF', 'y', 'n', 'nulls', 'truex', 'fals',
  '2024-01-01', '2024-01-01T00:00:00Z', '2001-12-14 21:59:43.10 -5', '12:30', '1:2', '190:20:30', 'a:b', 'a :b',
  'a#b', 'a #b', 'x:', ':x', '-x', '-', '?x', '<<', '< <', 'a&b', 'a*b', 'a!b', 'a|b', 'a>b', "a'b", 'a"b', 'a%b',
  'a@b', 'a,b', 'a]', 'a}', 'a[b]', '---x', '...x', '\u00e9t\u00e9', '\u65e5\u672c', '\ud83d\ude00', '\u00a0x',
  'nginx.ingress.kubernetes.io/rewrite-target', '/$1', '/api(/|$)(.*)', 'http://a:80/b', '\\', '\\n', 'a b  c',
  'name', 'namespace', 'team-0', 'svc-0', '80', '8080', '443', '0.0.0.0/0', '10.0.0.1', '1.2.3', '__proto__',
  'constructor', 'toString', 'hasOwnProperty',
]
/** Characters that scalars and mutations are made of: indicators, spaces, quotes, escapes, unicode, controls. */
const ALPHABET = [
  'a', 'Z', '0', '1', '9', ' ', ' ', ':', '#', '-', '?', '.', ',', '[', ']', '{', '}', '&', '*', '!', '|', '>',
  "'", '"', '%', '@', '`', '\\', '/', '~', '<', '+', 'e', 'x', 'u', 'n', '\u00e9', '\ud83d\ude00',
]
/** Characters outside the subset (white space, line breaks, controls js-yaml treats its own way): rarer. */
const ODD = ['\t', '\r', '\u0085', '\u2028', '\ufeff', '\u0000', '\u0007', '\ud800', '\u00a0', '\ufffe']

function character(c: Choices): string {
  return c.wild && c.next(40) === 0 ? c.pick(ODD) : c.pick(ALPHABET)
}
const ESCAPES = ['\\n', '\\t', '\\\\', '\\"', '\\/', '\\0', '\\a', '\\e', '\\N', '\\_', '\\L', '\\P', '\\ ', '\\x41',
  '\\xe9', '\\xE9', '\\u00e9', '\\uD83D', '\\U0001F600', '\\U0010FFFF', '\\b', '\\f', '\\v', '\\r']
const WILD_ESCAPES = ['\\U00110000', '\\UFFFFFFFF', '\\q', '\\x4', '\\u12G4', '\\', '\\\t']

/** Renders YAML from a list of choices: shrinking the list shrinks the document. */
class Choices {
  private i = 0
  /** A wild document has odd keys, bad indentation, indicators and damage; a tame one mostly stays in the subset. */
  wild = false
  constructor(private readonly values: number[]) {}
  next(n: number): number {
    // past the end, the list again with an offset: the document still varies
    const v = this.values[this.i % this.values.length] + Math.floor(this.i / this.values.length) * 7919
    this.i++
    return v % n
  }
  pick<T>(items: readonly T[]): T {
    return items[this.next(items.length)]
  }
}

function randomText(c: Choices, max: number): string {
  let s = ''
  const n = c.next(max + 1)
  for (let i = 0; i < n; i++) s += character(c)
  return s
}

function scalarText(c: Choices): string {
  switch (c.wild ? c.next(10) : c.next(8)) {
    case 0:
    case 1:
    case 2:
    case 6:
      return c.pick(PLAIN)
    case 7:
      return c.pick(PLAIN) + c.pick([' ', '', ' # c', '  ', ':', ' :x']) + c.pick(['', c.pick(PLAIN)])
    case 3:
      return singleQuotedText(c)
    case 4:
      return doubleQuotedText(c)
    case 5:
    case 8:
      if (c.next(3) === 0) return c.wild ? c.pick(['[]', '{}', '[ ]', '&a x', '*a', '!!str 1', '!t x', '>', '|', '>-', '|+']) : c.pick(['[]', '{}'])
      return flowText(c, 0)
    default:
      return randomText(c, 8)
  }
}

function singleQuotedText(c: Choices): string {
  return `'${(c.next(2) ? c.pick(PLAIN) : randomText(c, 6)).replace(/'/g, c.next(4) ? "''" : "'")}'`
}

function doubleQuotedText(c: Choices): string {
  let s = '"'
  for (let i = c.next(4); i >= 0; i--) s += c.next(2) ? (c.wild && c.next(3) === 0 ? c.pick(WILD_ESCAPES) : c.pick(ESCAPES)) : c.pick(PLAIN).replace(/["\\]/g, c.next(4) ? '\\$&' : '$&')
  return s + '"'
}

/**
 * Plain scalars whose meaning changes inside a flow collection (a `:` glued or not, `#`, `-` `?` `:` first, the
 * merge key), besides PLAIN, where `,` `[` `]` `{` `}` now end a scalar.
 */
const FLOW_PLAIN = ['a:b', ':a', 'a:', 'a::b', 'http://h:80/p', '-1', '-x', '?x', '--', '<<', 'a#b', 'a #b', '-', '?', ':',
  'a b', 'a  b ', 'x"y', "x'y", '.5', '0x1F', '~', 'null', 'true', '1e3', '__proto__', '&a', '*a', '!t', '|', '>', '%', '@', '`']
/** Properties and indicators that only js-yaml reads in a flow collection: anchors, tags, aliases, explicit keys. */
const WILD_FLOW = ['&a x', '*a', '!!str 1', '!t x', '? a', '? a : b', '#c', ' #c', '[a', 'a]', '{', '}', ',']

function flowScalar(c: Choices): string {
  switch (c.next(c.wild ? 7 : 6)) {
    case 0:
    case 1:
      return c.pick(FLOW_PLAIN)
    case 2:
      return singleQuotedText(c)
    case 3:
      return doubleQuotedText(c)
    case 6:
      return c.pick(WILD_FLOW)
    default:
      return c.pick(PLAIN)
  }
}

function flowNodeText(c: Choices, depth: number): string {
  return depth < 3 && c.next(5) === 0 ? flowText(c, depth + 1) : flowScalar(c)
}

/**
 * A flow collection: entries and pairs (`k: v`, `k:v`, `k : v`, `k:`, `k`), any spacing, sometimes a last comma;
 * in a wild document sometimes broken over two lines, or with an empty entry.
 */
function flowText(c: Choices, depth: number): string {
  const mapping = c.next(2) === 0
  let s = (mapping ? '{' : '[') + c.pick(['', '', ' ', '  '])
  for (let i = c.next(4), first = true; i > 0; i--, first = false) {
    if (!first) s += c.pick([', ', ', ', ',', ' , ', ',  ']) + (c.wild && c.next(12) === 0 ? ',' : '')
    const node = flowNodeText(c, depth)
    switch (c.next(7)) {
      case 0:
        s += `${node}: ${flowNodeText(c, depth)}`
        break
      case 1:
        s += `${node}:${flowNodeText(c, depth)}`
        break
      case 2:
        s += `${node} : ${flowNodeText(c, depth)}`
        break
      case 3:
        s += node + c.pick([':', ': ', ' :'])
        break
      default:
        s += node
    }
  }
  if (c.next(6) === 0) s += c.pick([',', ', ', ' ,'])
  s += c.pick(['', '', ' ']) + (mapping ? '}' : ']')
  if (c.wild && c.next(8) === 0) {
    const at = c.next(s.length + 1)
    s = s.slice(0, at) + '\n' + ' '.repeat(c.next(6)) + s.slice(at)
  }
  return s
}

function blockScalar(c: Choices, indent: number): string[] {
  const header = c.pick(['|', '>']) + (c.wild ? c.pick(['', '-', '+', '2', '-1', '+-']) + c.pick(['', ' # c', ' ', 'x']) : c.pick(['', '-', '+']) + c.pick(['', '', ' # c', ' ']))
  const lines = [header]
  const base = indent + 1 + c.next(3)
  // a tame block scalar starts with a line at its indentation (a longer blank line or a deeper line first sets a
  // deeper indentation, after which the other lines end it)
  if (!c.wild) lines.push(' '.repeat(base) + c.pick(PLAIN))
  for (let i = c.next(6); i >= 0; i--) {
    const kind = c.next(6)
    if (kind === 0) lines.push('')
    else if (kind === 1) lines.push(' '.repeat(c.next(base + 3)))
    else if (kind === 2) lines.push(' '.repeat(base + 1 + c.next(3)) + scalarText(c))
    else lines.push(' '.repeat(base) + c.pick([scalarText(c), '# text', c.pick(PLAIN)]))
  }
  return lines
}

const KEYS = ['a', 'b', 'name', 'spec', 'x y', 'k-1', 'nginx.ingress.kubernetes.io/auth-url', '80', 'true', 'null', '~', '0x10',
  '1.5', '-0', '.inf', '__proto__', 'constructor', "'q'", '"d"', '"e\\n"', "'it''s'", 'a#b', 'a:b', '\u00e9', 'x  ']
const WILD_KEYS = ['<<', '? q', '-k', 'a #b', '', ' s', '"x', "'y", '[k]', '&a k', '!t k', '"d" x']

function key(c: Choices): string {
  return c.wild && c.next(4) === 0 ? c.pick(WILD_KEYS) : c.pick(KEYS)
}

/** The node after the last line's `key:` or `-`, `indent` being the column of that key or dash. */
function node(c: Choices, indent: number, depth: number, out: string[]): void {
  const last = out.length - 1
  const afterDash = /^ *-$/.test(out[last])
  const kind = depth > 3 ? 2 : c.next(5)
  if (kind === 0 || kind === 1) {
    // a mapping: compact on the dash's line, or on the next lines (deeper than the head, or not: bad indentation)
    const compact = afterDash && c.next(2) === 0
    const gap = ' '.repeat(1 + c.next(2))
    const column = compact ? out[last].length + gap.length : indent + (c.wild ? c.next(4) : 1 + c.next(3))
    const used = new Set<string>()
    for (let i = c.next(3), first = true; i >= 0; i--, first = false) {
      let k = key(c)
      // duplicates are js-yaml errors: mostly in wild documents
      for (let tries = 0; !c.wild && used.has(k) && tries < 50; tries++) k = key(c)
      used.add(k)
      const entry = k + c.pick([':', ':', ':', '  :'])
      if (first && compact) out[last] += gap + entry
      else out.push(' '.repeat(column) + entry)
      node(c, column, depth + 1, out)
    }
  } else if (kind === 2) {
    // nothing (null), a block scalar, or a scalar on the head's line
    const choice = c.next(6)
    if (choice === 1) {
      const lines = blockScalar(c, indent)
      out[last] += ' ' + lines[0]
      out.push(...lines.slice(1))
    } else if (choice > 1) {
      out[last] += c.pick([' ', ' ', '  ']) + scalarText(c) + c.pick(['', '', ' # c', '  '])
    }
  } else {
    // a sequence on the next lines: at the key's column (allowed after a key), deeper, or not deep enough
    const deeper = afterDash ? 1 + c.next(2) : c.next(3)
    const column = c.wild ? Math.max(0, indent + c.next(4) - 1) : indent + deeper
    for (let i = c.next(3); i >= 0; i--) {
      out.push(' '.repeat(column) + '-')
      node(c, column, depth + 1, out)
    }
  }
}

/** Blank lines, comments and small damage: a line's indentation, a character, a duplicated or dropped line. */
function mutate(c: Choices, lines: string[]): string[] {
  const out = [...lines]
  for (let i = c.next(4); i > 0 && out.length > 0; i--) {
    const at = c.next(out.length)
    switch (c.next(16)) {
      case 0:
        out.splice(at, 0, c.pick(['', '  ', '# comment', '   # indented comment', '#']))
        break
      case 1:
        out[at] = c.next(2) ? ' ' + out[at] : out[at].replace(/^ /, '')
        break
      case 2: {
        const p = c.next(out[at].length + 1)
        out[at] = out[at].slice(0, p) + character(c) + out[at].slice(p)
        break
      }
      case 3:
        out.splice(at, 0, out[at])
        break
      case 4:
        out.splice(at, 1)
        break
      default:
        break // most documents stay intact, so the fast path is exercised as much as the fallback
    }
  }
  return out
}

function document(c: Choices): string {
  c.wild = c.next(3) === 0
  const out: string[] = []
  const root = c.next(6)
  if (root === 0) out.push('---')
  else if (root === 1) out.push('# head', '--- # c')
  const lines: string[] = []
  const sequence = c.next(5) === 0
  for (let i = c.next(4); i >= 0; i--) {
    lines.push(sequence ? '-' : c.pick(KEYS) + ':')
    node(c, 0, 1, lines)
  }
  out.push(...(c.wild ? mutate(c, lines) : lines))
  // LF, CRLF, or (wild) a mix of both and of lone CRs
  const style = c.next(c.wild ? 4 : 3)
  const lineBreak = (): string => (style === 0 ? '\r\n' : style === 3 ? c.pick(['\n', '\r\n', '\r']) : '\n')
  let text = out[0]
  for (let i = 1; i < out.length; i++) text += lineBreak() + out[i]
  return text + c.pick(['\n', '', '\n\n', '\n# end\n', '\r']).replace(/\n/g, lineBreak)
}

test('generated documents: the subset reader gives js-yaml\'s value or leaves the document to it', (t) => {
  let fast = 0
  let runs = 0
  fc.assert(
    fc.property(fc.array(fc.nat(), {minLength: 8, maxLength: 160}), (values) => {
      const text = document(new Choices(values))
      runs++
      if (agrees(t, text, 'generated')) fast++
    }),
    {numRuns: 3000},
  )
  // Not vacuous: a fair share of the generated documents takes the fast path (and is compared).
  t.true(fast > runs / 10, `${fast} of ${runs} documents took the fast path`)
})

// ---------------------------------------------------------------------------------------------------------
// Real files

function yamlFiles(dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) out.push(...yamlFiles(path))
    else if (/\.ya?ml$/.test(name)) out.push(path)
  }
  return out.sort()
}

test('every YAML file under test/ and examples/, document by document as parse-manifests splits them, LF and CRLF', (t) => {
  const root = new URL('..', import.meta.url).pathname
  const files = [...yamlFiles(join(root, 'test')), ...yamlFiles(join(root, 'examples'))]
  let documents = 0
  let fast = 0
  let fastCrlf = 0
  for (const file of files) {
    let text = readFileSync(file, 'utf8')
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
    for (const chunk of splitDocuments(text)) {
      documents++
      if (agreesAsParseManifestsReads(t, text, chunk, `${file}:${chunk.docLine}`)) fast++
    }
    const crlf = text.replace(/\r?\n/g, '\r\n')
    for (const chunk of splitDocuments(crlf)) {
      if (agreesAsParseManifestsReads(t, crlf, chunk, `${file}:${chunk.docLine} (CRLF)`)) fastCrlf++
    }
  }
  // most documents have flow collections somewhere (`metadata: {name: a}`): the fast path takes nearly all of them
  t.true(files.length > 100 && fast > documents * 0.95, `${fast} of ${documents} documents in ${files.length} files took the fast path`)
  t.is(fastCrlf, fast, 'written with CRLF, the same documents take the fast path')
})

/** parse-manifests gives the subset reader the chunk with the file's line break after it, js-yaml the chunk alone. */
function agreesAsParseManifestsReads(t: ExecutionContext, fileText: string, chunk: Chunk, label: string): boolean {
  const text = fileText.slice(chunk.from, chunk.to)
  const fast = loadSubset(chunkWithLineBreak(fileText, chunk, text), SCHEMA)
  if (fast === UNSUPPORTED) return false
  const reference = viaJsYaml(text)
  if (!reference.ok) t.fail(`${label}: the subset reader returned a value where js-yaml fails`)
  else t.is(difference(fast, reference.value), undefined, label)
  return true
}

test('chunks ending in blank lines: a `|+` block scalar keeps what js-yaml keeps of the chunk', (t) => {
  const stream = 'a: |+\n  x\n\n---\nb: |+\n  y\n\n\n...\nc: >+\n  z\n\n# end\n---\nd: |+\n  w\n\n'
  for (const text of [stream, stream.replace(/\n/g, '\r\n')]) {
    const chunks = splitDocuments(text)
    t.is(chunks.length, 4)
    for (const chunk of chunks) t.true(agreesAsParseManifestsReads(t, text, chunk, `${JSON.stringify(text)}:${chunk.docLine}`))
  }
  for (const noFinalBreak of ['a: |+\n  x', 'a: |+\n  x\n']) {
    t.true(agreesAsParseManifestsReads(t, noFinalBreak, splitDocuments(noFinalBreak)[0], JSON.stringify(noFinalBreak)))
  }
})

test('the benchmark fixture is read entirely by the fast path, also with CRLF line breaks and with flow collections', (t) => {
  const objects = generateFixture(200).objects
  const block = fixtureYaml(objects)
  // js-yaml's dump writes every collection from the third level on as a one-line flow collection
  const flow = objects.map((o) => jsYaml.dump(o, {flowLevel: 2, lineWidth: -1})).join('---\n')
  t.true(flow.includes(': [{'), 'the flow variant has flow collections')
  for (const [label, yaml] of [['block', block], ['CRLF', block.replace(/\n/g, '\r\n')], ['flow', flow], ['flow CRLF', flow.replace(/\n/g, '\r\n')]]) {
    const chunks = splitDocuments(yaml)
    let fast = 0
    for (const chunk of chunks) if (agreesAsParseManifestsReads(t, yaml, chunk, `${label} fixture:${chunk.docLine}`)) fast++
    t.is(fast, chunks.length, label)
  }
})
