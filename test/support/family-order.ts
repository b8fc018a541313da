/** Runs the annotation families in another order (annotation-pass.ts familyRunOrder): the output must not change. */
import type {AnnotationFamily} from '../../src/annotations/types.js'
import {familyRunOrder} from '../../src/translate/annotation-pass.js'

/** A copy of `list` shuffled by a small seeded generator (the same seed, the same order, on every machine). */
export function shuffled<T>(list: readonly T[], seed: number): T[] {
  const out = [...list]
  let state = seed
  const next = () => ((state = (state * 1103515245 + 12345) % 2147483648), state / 2147483648)
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1))
    ;[out[i], out[j]] = [out[j]!, out[i]!]
  }
  return out
}

/** The orders every check runs besides the registered one: reversed, and three seeded shuffles. */
export const OTHER_ORDERS: {name: string; permute: (families: readonly AnnotationFamily[]) => AnnotationFamily[]}[] = [
  {name: 'reversed', permute: (families) => [...families].reverse()},
  ...[1, 2, 3].map((seed) => ({name: `shuffle ${seed}`, permute: (families: readonly AnnotationFamily[]) => shuffled(families, seed)})),
]

/** `run` with the families executed in the order `permute` gives (restored afterwards, also on a throw). */
export async function inFamilyOrder<T>(permute: (families: readonly AnnotationFamily[]) => AnnotationFamily[], run: () => T | Promise<T>): Promise<T> {
  const saved = familyRunOrder.permute
  familyRunOrder.permute = permute
  try {
    return await run()
  } finally {
    familyRunOrder.permute = saved
  }
}

/** The synchronous form, for translate(). */
export function inFamilyOrderSync<T>(permute: (families: readonly AnnotationFamily[]) => AnnotationFamily[], run: () => T): T {
  const saved = familyRunOrder.permute
  familyRunOrder.permute = permute
  try {
    return run()
  } finally {
    familyRunOrder.permute = saved
  }
}
