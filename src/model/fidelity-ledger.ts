/**
 * The per-key fidelity of one Ingress, and the only way to write it: every key ends in exactly one fidelity,
 * decided by one writer (the read pass, one family, the settlement, or a later pass). The ledger remembers who
 * decided each key, so a second writer deciding it again is seen, wherever it runs.
 */
import type {Fidelity} from './types.js'

/** A key of one Ingress decided by two writers: the first decision stands, the second is lost. */
export interface DoubleAccount {
  ingress: string
  key: string
  first: string
  second: string
}

/**
 * Where a double account is reported: nowhere in production (the first account wins, as documented); the tests
 * install a listener (test/annotations/support.ts fails, test/golden.test.ts collects), so a writer that starts
 * deciding another writer's key is caught by every test that converts an Ingress.
 */
export const accountingAudit: {onDoubleAccount?: (conflict: DoubleAccount) => void} = {}

/** The writer name of the read pass (annotation-pass.ts readAnnotations, substitution.ts), and of the settlement. */
export const READ_PASS = 'read'
export const SETTLEMENT = 'settlement'

/**
 * A later pass that revises a key by design (the key's earlier decision no longer holds, for a reason its writer
 * could not know), named so the audit tells a revision from a second writer:
 * - `missing-crd`: the object that applied the key is left out on this cluster (capabilities.ts downgradeKeys);
 * - `canary-unattached`: the canary attaches to no primary location, its keys have no effect (hosts.ts);
 * - `redirect-without-tls`: force-ssl-redirect on a host without TLS emits no redirect (emit-routes.ts sectionsFor).
 */
export type Revision = 'missing-crd' | 'canary-unattached' | 'redirect-without-tls'

export class FidelityLedger implements ReadonlyMap<string, Fidelity> {
  readonly #fidelity = new Map<string, Fidelity>()
  readonly #by = new Map<string, string>()

  /** `ingress` names the Ingress in audit reports (namespace/name). */
  constructor(readonly ingress: string) {}

  /**
   * Decide `key`; a key already decided keeps its first fidelity. Another writer deciding it is a double account
   * (reported to the audit); the same writer deciding it again is not (a family may account its key from two
   * places). True when this call decided the key.
   */
  account(key: string, fidelity: Fidelity, by: string): boolean {
    const first = this.#by.get(key)
    if (first === undefined) {
      this.#fidelity.set(key, fidelity)
      this.#by.set(key, by)
      return true
    }
    if (first !== by) accountingAudit.onDoubleAccount?.({ingress: this.ingress, key, first, second: by})
    return false
  }

  /**
   * Replace the decision on `key` for a reason the earlier writer could not know (see Revision); the reviser
   * withdraws what the earlier writer said about the key where it no longer holds.
   */
  revise(key: string, fidelity: Fidelity, why: Revision): void {
    this.#fidelity.set(key, fidelity)
    this.#by.set(key, why)
  }

  /** Take back the decision on `key` (denied.ts: a location setting nginx never applies once the paths are denied). */
  withdraw(key: string): void {
    this.#fidelity.delete(key)
    this.#by.delete(key)
  }

  /** Who decided `key` (a family name, `read`, `settlement`, a pass or a Revision). */
  decidedBy(key: string): string | undefined {
    return this.#by.get(key)
  }

  get size(): number {
    return this.#fidelity.size
  }
  get(key: string): Fidelity | undefined {
    return this.#fidelity.get(key)
  }
  has(key: string): boolean {
    return this.#fidelity.has(key)
  }
  keys(): MapIterator<string> {
    return this.#fidelity.keys()
  }
  values(): MapIterator<Fidelity> {
    return this.#fidelity.values()
  }
  entries(): MapIterator<[string, Fidelity]> {
    return this.#fidelity.entries()
  }
  [Symbol.iterator](): MapIterator<[string, Fidelity]> {
    return this.#fidelity.entries()
  }
  forEach(callback: (value: Fidelity, key: string, map: ReadonlyMap<string, Fidelity>) => void): void {
    for (const [k, v] of this.#fidelity) callback(v, k, this)
  }
}
