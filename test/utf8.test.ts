/**
 * util/utf8.ts against Go: `len(s)` and `a < b` on the string Go decodes from the same JSON, where a lone surrogate
 * (`"\ud800"`) becomes U+FFFD (encoding/json unquote) and strings compare by UTF-8 bytes, i.e. by code point.
 */
import test from 'ava'
import {compareUtf8, utf8Length} from '../src/util/utf8.js'

/** Go's view of a JavaScript string: its code points, a lone surrogate as U+FFFD. */
function goCodePoints(s: string): number[] {
  return [...s].map((c) => {
    const cp = c.codePointAt(0)!
    return cp >= 0xd800 && cp <= 0xdfff ? 0xfffd : cp
  })
}

function goCompare(a: string, b: string): number {
  const x = goCodePoints(a)
  const y = goCodePoints(b)
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1
  return Math.sign(x.length - y.length)
}

const SAMPLES = ['', '/', '/a', '/é', '/\u0800', '/\uffff', '/\ufffd', '/\ufffe', '/\ue000', '/😀', '/😀x', '/\ud83d', '/\ude00', '/\ud800', '/\ud83d\ud83d', '/\ude00\ud83d', '/\ud83dx']

test('utf8Length is Go\'s len: 1 to 4 bytes per code point, 3 for a lone surrogate (U+FFFD)', (t) => {
  for (const s of SAMPLES) t.is(utf8Length(s), goCodePoints(s).reduce((n, cp) => n + (cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4), 0), JSON.stringify(s))
})

test('compareUtf8 is Go\'s string order, lone surrogates included (U+FFFD: equal to each other, below U+FFFE)', (t) => {
  for (const a of SAMPLES) for (const b of SAMPLES) t.is(compareUtf8(a, b), goCompare(a, b), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`)
})
