/** Plain JSON data (objects read from YAML/JSON). Pure: no I/O, never throws. */

export function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Deep copy of plain JSON data (objects read from YAML/JSON). */
export function cloneJson<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => cloneJson(v)) as T
  if (isObject(value)) {
    const out: Record<string, any> = {}
    for (const [k, v] of Object.entries(value)) out[k] = cloneJson(v)
    return out as T
  }
  return value
}
