/**
 * Short stable hashes for generated names. FNV-1a (64-bit via two 32-bit lanes) keeps the core free of node:crypto.
 */
export function shortHash(input: string, length = 8): string {
  let h1 = 0x811c9dc5
  let h2 = 0x01000193 ^ 0x5bd1e995
  for (let i = 0; i < input.length; i++) {
    const c = input.charCodeAt(i)
    h1 = Math.imul(h1 ^ c, 0x01000193)
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) ^ (h2 >>> 13)
  }
  const hex = (h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0')
  return hex.slice(0, length)
}

/** Byte-order string comparison: deterministic on every machine and locale (localeCompare is neither fast nor stable across ICU builds). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
