/**
 * scripts/ascii-output.ts: the bundle's scripts are made pure ASCII (Node then reads each as a one-byte string), by
 * escapes that keep the meaning, and the build fails where an escape would change it.
 */
import test from 'ava'
import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import vm from 'node:vm'
import {asciiOnly} from '../../scripts/ascii-output.js'
import {ROOT} from '../support/run-cli.js'

const evaluate = (code: string): unknown => vm.runInNewContext(code)

test('a regular expression escaped matches what the original matched, with and without the u flag', (t) => {
  for (const source of ['/^(\\d+)(ns|us|µs|μs|ms)$/', '/[\\u001b\u009b][[()#;?]*/', '/(?<face>😀)+/u', '/^😀$/', '/^\\µs|\\\\µs$/']) {
    const escaped = asciiOnly(source, 'case.js')
    t.regex(escaped, /^[\x00-\x7f]*$/)
    const [before, after] = [evaluate(source), evaluate(escaped)] as [RegExp, RegExp]
    for (const input of ['5µs', '5μs', '5us', '5ns', '\u009b[', '\u001b(', '😀', '😀😀', '\ud83d', 'x', 'µs', '\\µs', 'u00B5s']) {
      t.is(after.test(input), before.test(input), `${source} on ${JSON.stringify(input)}`)
    }
  }
})

test('comments and string literals are escaped; the code around them is untouched', (t) => {
  t.is(asciiOnly('f(a /* — */, "é") // “x”\n', 'case.js'), 'f(a /* \\u2014 */, "\\u00E9") // \\u201Cx\\u201D\n')
  t.is(asciiOnly('if (x) { /** … */ }\n', 'case.js'), 'if (x) { /** \\u2026 */ }\n')
  t.is(evaluate(asciiOnly('"é" + "😀"', 'case.js')), 'é😀')
  // an escaped character keeps its meaning, an escaped backslash before one stays a backslash
  t.is(evaluate(asciiOnly('"\\é|\\\\é"', 'case.js')), 'é|\\é')
  t.is(asciiOnly('const plain = 1\n', 'case.js'), 'const plain = 1\n')
})

test('a line separator stays a line break: in a multi-line comment (ASI) and as a string\'s line continuation', (t) => {
  // U+2028 and U+2029 are line terminators: a multi-line comment holding one ends a return statement, and a backslash
  // before one in a string continues the line. An escape \u2028 would make either a plain character.
  for (const separator of ['\u2028', '\u2029']) {
    for (const source of [`(function () { return /*${separator}*/ 42 })()`, `"a\\${separator}b"`, `"a${separator}b"`, `"a\\\\${separator}b"`]) {
      const escaped = asciiOnly(source, 'case.js')
      t.regex(escaped, /^[\x00-\x7f]*$/)
      t.is(evaluate(escaped), evaluate(source), JSON.stringify(source))
    }
  }
})

test('a template literal, an identifier or non-ASCII whitespace fails the build, naming the place', (t) => {
  // A template literal's raw text (String.raw, tags) would read the backslash; an identifier or a no-break space is
  // syntax an escape would change.
  t.throws(() => asciiOnly('const x = 1\nconst t = String.raw`é`\n', 'a.js'), {message: /^a\.js:2:22: non-ASCII character U\+00E9 in a template literal,/})
  t.throws(() => asciiOnly('const t = `${x}é`\n', 'b.js'), {message: /^b\.js:1:16: non-ASCII character U\+00E9 in a template literal,/})
  t.throws(() => asciiOnly('const ñ = 1\n', 'c.js'), {message: /^c\.js:1:7: non-ASCII character U\+00F1 in an identifier,/})
  t.throws(() => asciiOnly('a\u00a0= 1\n', 'd.js'), {message: /^d\.js:1:2: non-ASCII character U\+00A0 in whitespace,/})
})

test('every script of the built bundle is pure ASCII', (t) => {
  const dir = join(ROOT, 'dist', 'bundle')
  const scripts = readdirSync(dir, {recursive: true, encoding: 'utf8'}).filter((f) => /\.[cm]js$/.test(f))
  for (const main of ['kubectl-ingress2gw.cjs', 'kubernetes-client.cjs', 'code-cache.cjs', 'precomputed-help.cjs']) t.true(scripts.includes(main), scripts.join(', '))
  const nonAscii = scripts.filter((f) => /[^\x00-\x7f]/.test(readFileSync(join(dir, f), 'utf8')))
  t.deepEqual(nonAscii, [])
})
