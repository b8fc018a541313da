import type {KubeObject} from '../model/types.js'
import {dumpYaml, dumpYamlStream} from './yaml-emitter.js'

/**
 * The only serializer. Keys are sorted (cdk8s' sanitizeValue does the same) so output is byte-identical
 * across runs; js-yaml's default compat mode quotes YAML 1.1 booleans (`on`, `yes`), which kubectl would
 * otherwise read as booleans. The bytes are js-yaml's dump (see DESIGN "Built for what comes next"), written by
 * yaml-emitter.ts, which reproduces it for plain data several times faster.
 */
export function toYaml(objects: readonly KubeObject[]): string {
  return dumpYamlStream(objects, '---\n')
}

export function dumpOne(value: unknown): string {
  // Keys sorted (as Object.keys(...).sort() does) and undefined values skipped, which is what a sortKeys() deep copy
  // did first: the same bytes without copying every object.
  return dumpYaml(value)
}

export function toJsonList(objects: readonly KubeObject[]): string {
  return JSON.stringify(sortedForJson({apiVersion: 'v1', kind: 'List', items: objects, metadata: {}}), null, 2) + '\n'
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
