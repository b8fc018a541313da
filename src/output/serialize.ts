import type {KubeObject} from '../model/types.js'
import {dumpYaml, dumpYamlChunks} from './yaml-emitter.js'

/**
 * The only serializer. Keys are sorted (cdk8s' sanitizeValue does the same) so output is byte-identical
 * across runs; js-yaml's default compat mode quotes YAML 1.1 booleans (`on`, `yes`), which kubectl would
 * otherwise read as booleans. The bytes are js-yaml's dump (see DESIGN "Built for what comes next"), written by
 * yaml-emitter.ts, which reproduces it for plain data several times faster.
 */
export function toYaml(objects: readonly KubeObject[]): string {
  return toYamlChunks(objects).join('')
}

/** toYaml's text in pieces (each ends at a document's end), to write a large output without one string of it all. */
export function toYamlChunks(objects: readonly KubeObject[]): string[] {
  return dumpYamlChunks(objects, '---\n')
}

export function dumpOne(value: unknown): string {
  // Keys sorted (as Object.keys(...).sort() does) and undefined values skipped, which is what a sortKeys() deep copy
  // did first: the same bytes without copying every object.
  return dumpYaml(value)
}

export function toJsonList(objects: readonly KubeObject[]): string {
  return toJsonListChunks(objects).join('')
}

// JSON.stringify(list, null, 2) of {apiVersion, items, kind, metadata} (sorted keys) around the items, each at the
// indentation of an element of `items`.
const LIST_HEAD = '{\n  "apiVersion": "v1",\n  "items": ['
const ITEM_LEAD = '\n    '
const LIST_TAIL = '],\n  "kind": "List",\n  "metadata": {}\n}\n'
// An item is stringified where it stands in the list, as the only element of `items` in {items: [item]}: what lies
// around it is cut off.
const ITEM_PREFIX = '{\n  "items": [\n    '
const ITEM_SUFFIX = '\n  ]\n}'
/** Characters of item text per chunk. */
const JSON_CHUNK = 1 << 18

/**
 * toJsonList's text in pieces: the bytes of JSON.stringify(sortKeys(list), null, 2) + '\n', written item by item so
 * that neither the whole text nor a copy of the list is ever made at once.
 */
export function toJsonListChunks(objects: readonly KubeObject[]): string[] {
  if (objects.length === 0) return [`${LIST_HEAD}${LIST_TAIL}`]
  const chunks: string[] = []
  let pieces: string[] = [LIST_HEAD]
  let length = 0
  for (let i = 0; i < objects.length; i++) {
    // JSON.stringify writes an element that has no JSON (undefined, a hole) as null
    const text = JSON.stringify({items: [sortedForJson(objects[i])]}, null, 2)
    pieces.push(i > 0 ? `,${ITEM_LEAD}` : ITEM_LEAD, text.slice(ITEM_PREFIX.length, text.length - ITEM_SUFFIX.length))
    length += text.length
    if (length >= JSON_CHUNK) {
      chunks.push(pieces.join(''))
      pieces = []
      length = 0
    }
  }
  pieces.push(`\n  ${LIST_TAIL}`)
  chunks.push(pieces.join(''))
  return chunks
}

/**
 * What JSON.stringify writes as it writes sortKeys(value), copying only what must change: a plain object whose keys
 * are already in order, and an array of Array.prototype, are kept as they are when nothing under them changed (most
 * of the output's objects: copying all of them cost more than the stringify). Anything else is copied as sortKeys
 * copies it.
 */
function sortedForJson(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return sortKeys(value)
    let copy: unknown[] | undefined
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i]
      const s = sortedForJson(v)
      if (s !== v && copy === undefined) copy = value.slice(0, i)
      if (copy !== undefined) copy.push(s)
    }
    return copy ?? value
  }
  const proto = Object.getPrototypeOf(value)
  if (proto !== Object.prototype && proto !== null) return sortKeys(value)
  const record = value as Record<string, unknown>
  const keys = Object.keys(record)
  let inOrder = true
  for (let i = 0; i < keys.length; i++) {
    // sorted, none integer-like (the copy would list those first, in numeric order) or __proto__ (the copy's
    // prototype, not a key); an undefined value may stay: JSON.stringify skips it as sortKeys drops it
    if ((i > 0 && keys[i - 1] >= keys[i]) || isDigitOrProto(keys[i])) {
      inOrder = false
      break
    }
  }
  if (inOrder) {
    let copy: Record<string, unknown> | undefined
    for (let i = 0; i < keys.length; i++) {
      const v = record[keys[i]]
      const s = sortedForJson(v)
      if (s !== v && copy === undefined) {
        copy = {}
        for (let j = 0; j < i; j++) copy[keys[j]] = record[keys[j]]
      }
      if (copy !== undefined) copy[keys[i]] = s
    }
    return copy ?? value
  }
  const copy: Record<string, unknown> = {}
  for (const key of keys.sort()) {
    const v = record[key]
    if (v !== undefined) copy[key] = sortedForJson(v)
  }
  return copy
}

function isDigitOrProto(key: string): boolean {
  const c = key.charCodeAt(0)
  return (c >= 0x30 && c <= 0x39) || key === '__proto__'
}

/** Deep copy with object keys sorted and undefined values dropped. Arrays keep their order. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key]
      if (v !== undefined) out[key] = sortKeys(v)
    }
    return out
  }
  return value
}
