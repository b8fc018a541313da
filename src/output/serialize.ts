import type {KubeObject} from '../model/types.js'
import {setOwn} from '../util/json.js'
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
// Items are stringified a batch at a time where they stand in the list, as the elements of `items` in {items: [...]}:
// what lies around them is cut off.
const ITEMS_PREFIX = '{\n  "items": [\n    '
const ITEMS_SUFFIX = '\n  ]\n}'
/** Items per chunk (about 64 KB of text at the 10,000-Ingress benchmark). */
const JSON_BATCH = 64

/**
 * toJsonList's text in pieces: the bytes of JSON.stringify(sortKeys(list), null, 2) + '\n', written a batch of items
 * at a time so that neither the whole text nor a copy of the whole list is ever made.
 */
export function toJsonListChunks(objects: readonly KubeObject[]): string[] {
  if (objects.length === 0) return [`${LIST_HEAD}${LIST_TAIL}`]
  const chunks: string[] = []
  for (let start = 0; start < objects.length; start += JSON_BATCH) {
    const batch: unknown[] = []
    // JSON.stringify writes an element that has no JSON (undefined, a hole) as null, here as in the list
    for (let i = start; i < Math.min(start + JSON_BATCH, objects.length); i++) batch.push(sortedForJson(objects[i]))
    const text = JSON.stringify({items: batch}, null, 2)
    const lead = start === 0 ? LIST_HEAD + ITEM_LEAD : ',' + ITEM_LEAD
    chunks.push(lead + text.slice(ITEMS_PREFIX.length, text.length - ITEMS_SUFFIX.length))
  }
  chunks.push(`\n  ${LIST_TAIL}`)
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
    // sorted, none integer-like (the copy would list those first, in numeric order) or __proto__ (copied with
    // setOwn below); an undefined value may stay: JSON.stringify skips it as sortKeys drops it
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
    // setOwn: an own `__proto__` key (an Issuer's solver labels, read from YAML as data) is written like any other,
    // where `copy[key] =` would make its value the copy's prototype and JSON.stringify would leave it out.
    if (v !== undefined) setOwn(copy, key, sortedForJson(v))
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
      if (v !== undefined) setOwn(out, key, sortKeys(v))
    }
    return out
  }
  return value
}
