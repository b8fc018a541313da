/** Plain JSON data (objects read from YAML/JSON). Pure: no I/O, never throws. */

export function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * `target[key] = value`, also for the key `__proto__`, which assignment would take as the object's prototype: a
 * mapping read from YAML or JSON may hold that key as data (js-yaml's setProperty and JSON.parse keep it own).
 */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, {value, enumerable: true, writable: true, configurable: true})
  else target[key] = value
}

/**
 * Deep copy of plain JSON data (objects read from YAML/JSON). An object met twice (a YAML alias) becomes two
 * independent copies, so a change to one place of the copy never shows in another.
 */
export function cloneJson<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => cloneJson(v)) as T
  if (isObject(value)) {
    const out: Record<string, unknown> = {}
    for (const key of Object.keys(value)) setOwn(out, key, cloneJson(value[key]))
    return out as T
  }
  return value
}

/**
 * structuredClone's result for the plain data the emitters build (objects, arrays, primitives), without its
 * serialization, which cost more than building the data: an object met twice stays shared in the copy (cloneJson
 * would split it, which structuredClone did not), a
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
  for (const key of Object.keys(value)) setOwn(out, key, clonePlain((value as Record<string, unknown>)[key], seen))
  return out
}
