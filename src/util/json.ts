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

/**
 * structuredClone's result for the plain data the emitters build (objects, arrays, primitives), without its
 * serialization, which cost more than building the data: an object met twice stays shared in the copy, a
 * `__proto__` key stays an own key, and anything else (a Date, a Map, a class instance) is left to structuredClone.
 */
export function clonePlainData<T>(value: T): T {
  return clonePlain(value, new Map()) as T
}

function clonePlain(value: unknown, seen: Map<object, unknown>): unknown {
  if (typeof value !== 'object' || value === null) return value
  const known = seen.get(value)
  if (known !== undefined) return known
  const proto = Object.getPrototypeOf(value)
  if (Array.isArray(value) && proto === Array.prototype) {
    const out: unknown[] = []
    seen.set(value, out)
    for (let i = 0; i < value.length; i++) if (i in value) out[i] = clonePlain(value[i], seen)
    out.length = value.length
    return out
  }
  if (proto !== Object.prototype && proto !== null) {
    const out = structuredClone(value)
    seen.set(value, out)
    return out
  }
  const out: Record<string, unknown> = {}
  seen.set(value, out)
  for (const key of Object.keys(value)) {
    const copy = clonePlain((value as Record<string, unknown>)[key], seen)
    if (key === '__proto__') Object.defineProperty(out, key, {value: copy, enumerable: true, writable: true, configurable: true})
    else out[key] = copy
  }
  return out
}
