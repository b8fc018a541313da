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
  return JSON.stringify(sortKeys({apiVersion: 'v1', kind: 'List', items: objects, metadata: {}}), null, 2) + '\n'
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
