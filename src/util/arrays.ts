/**
 * Array helpers that take inputs of any size. `a.push(...items)`, `Math.max(...values)` and `f(...list)` pass one
 * call argument per element, and V8 throws `RangeError: Maximum call stack size exceeded` somewhere above about
 * 100,000 of them: a cluster's worth of objects, certificates or diagnostics. These loop instead.
 */

/** Appends every item to `target` (in order) and returns it. */
export function pushAll<T>(target: T[], items: Iterable<T>): T[] {
  for (const item of items) target.push(item)
  return target
}

/** Math.max(...values, floor) without the spread: -Infinity (the default floor) when there are no values. */
export function maxOf(values: Iterable<number>, floor = -Infinity): number {
  let max = floor
  for (const v of values) if (v > max) max = v
  return max
}

/** Math.min(...values, ceiling) without the spread: Infinity (the default ceiling) when there are no values. */
export function minOf(values: Iterable<number>, ceiling = Infinity): number {
  let min = ceiling
  for (const v of values) if (v < min) min = v
  return min
}
