/**
 * Go measures and orders strings by their UTF-8 bytes (`len(s)`, `a < b`), JavaScript by UTF-16 code units. Where
 * a model of ingress-nginx or Envoy Gateway sorts as their Go code does, it uses these: the same answers for ASCII,
 * and Go's for any other text.
 */

/** `len(s)` in Go: the length of the string's UTF-8 encoding (a lone surrogate counts as the 3 bytes of U+FFFD). */
export function utf8Length(s: string): number {
  let n = s.length
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 0x80) continue
    if (c < 0x800) n += 1
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 2 // a pair: 2 code units, 4 bytes
      i++
    } else n += 2
  }
  return n
}

/**
 * Go's `a < b` on strings as a comparator (-1, 0, 1): UTF-8 byte order, which is code point order. It differs from
 * JavaScript's code unit order only where a surrogate meets another code unit: a pair is a code point above U+FFFF,
 * and a lone surrogate is U+FFFD to Go (a string decoded from JSON, as the API server and both controllers read
 * them), so two different lone surrogates are equal. Those rare comparisons compare the UTF-8 encodings, in which
 * TextEncoder writes U+FFFD for a lone surrogate as Go's decoder does.
 */
export function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x === y) continue
    if ((x & 0xf800) === 0xd800 || (y & 0xf800) === 0xd800) return compareBytes(a, b)
    return x < y ? -1 : 1
  }
  // One is a prefix of the other in code units: a trailing high surrogate lone in the shorter (U+FFFD, EF BF BD)
  // and paired in the longer (F0 ...) still sorts first, as any prefix does.
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1
}

const encoder = new TextEncoder()

function compareBytes(a: string, b: string): number {
  const x = encoder.encode(a)
  const y = encoder.encode(b)
  const n = Math.min(x.length, y.length)
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1
  return x.length === y.length ? 0 : x.length < y.length ? -1 : 1
}
