/**
 * metav1.Condition as controllers write it, and the two questions every check asks: is it there for the object's
 * latest generation, and is it True.
 */
import type {Finding} from './model.js'

export interface Condition {
  type: string
  status: 'True' | 'False' | 'Unknown' | string
  reason?: string
  message?: string
  observedGeneration?: number
}

export function conditionsOf(v: unknown): Condition[] {
  return Array.isArray(v) ? v.filter((c): c is Condition => !!c && typeof c === 'object' && typeof (c as Condition).type === 'string') : []
}

export function findCondition(conditions: Condition[], type: string): Condition | undefined {
  return conditions.find((c) => c.type === type)
}

/**
 * Written for an older generation of the object: Envoy Gateway and cert-manager stamp observedGeneration with the
 * generation they translated (status.newCondition(..., gw.Generation)), so a lower value means the last change
 * has not been processed yet and the condition says nothing about it.
 */
export function isStale(c: Condition, generation: unknown): boolean {
  return typeof c.observedGeneration === 'number' && typeof generation === 'number' && c.observedGeneration < generation
}

/** `Accepted=False (NotAllowedByListeners)` */
export function describe(c: Condition): string {
  return `${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ''}`
}

/**
 * The finding for a condition that must be True: none when it is True and current; unknown when it is absent,
 * Unknown or stale; not-ready (with `fix`) when False.
 */
export function requireTrue(
  conditions: Condition[],
  type: string,
  generation: unknown,
  opts: {scope?: string; absent: string; fix: (c: Condition) => string},
): Finding | undefined {
  const c = findCondition(conditions, type)
  if (!c) return {level: 'unknown', scope: opts.scope, condition: `${type} not set`, fix: opts.absent}
  if (isStale(c, generation)) {
    return {
      level: 'unknown',
      scope: opts.scope,
      condition: describe(c),
      reason: c.reason,
      fix: `the condition is for generation ${c.observedGeneration}, the object is at generation ${generation}: the controller has not processed the latest change yet`,
    }
  }
  if (c.status === 'True') return undefined
  if (c.status !== 'False') {
    return {level: 'unknown', scope: opts.scope, condition: describe(c), reason: c.reason, message: c.message || undefined, fix: opts.absent}
  }
  return {level: 'not-ready', scope: opts.scope, condition: describe(c), reason: c.reason, message: c.message || undefined, fix: opts.fix(c)}
}

/** Envoy Gateway joins the reasons of several errors of one condition type with commas (MultiStatusError.Reason). */
export function reasonsOf(c: Condition): string[] {
  return (c.reason ?? '').split(',').map((r) => r.trim()).filter(Boolean)
}

/** requireTrue for several condition types with the same options: the findings of those that are not True. */
export function requireAllTrue(conditions: Condition[], types: string[], generation: unknown, opts: Parameters<typeof requireTrue>[3]): Finding[] {
  return types.map((type) => requireTrue(conditions, type, generation, opts)).filter((f): f is Finding => f !== undefined)
}

/**
 * The finding for a condition that signals something when it has a given status (Conflicted=True,
 * PartiallyInvalid=True, BackendsAvailable=False): built from the condition when it is there and current.
 */
export function whenStatus(
  conditions: Condition[],
  type: string,
  status: 'True' | 'False',
  generation: unknown,
  build: (c: Condition) => Omit<Finding, 'condition' | 'reason' | 'message'>,
): Finding | undefined {
  const c = findCondition(conditions, type)
  if (c?.status !== status || isStale(c, generation)) return undefined
  return {condition: describe(c), reason: c.reason, message: c.message || undefined, ...build(c)}
}
