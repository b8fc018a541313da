/**
 * One diagnostic code: what it means and what it implies. The catalogue (index.ts) is the list CI gates key on
 * (`report --fail-on`, `jq '.notes[] | select(.code == ...)'`), so a code means one thing: its level and the fidelity
 * it gives the key (annotation or ConfigMap key) it is about are declared here, and a test fails when an emitted
 * diagnostic contradicts them.
 */

export type CatalogueLevel = 'error' | 'warning' | 'info'
export type CatalogueFidelity = 'exact' | 'approximate' | 'manual' | 'ignored'

export interface DiagnosticDefinition<C extends string = string, D = never> {
  code: C
  /** The level it is emitted at; a list when the level says how far the case goes (an error when a security setting is lost, a warning otherwise). */
  level: CatalogueLevel | readonly CatalogueLevel[]
  /**
   * The fidelity it gives its key. A list for a code that reports one key's outcome whatever it is (a family's code,
   * a ConfigMap notice, whose fidelity is the key's registered one); `none` when it may also be about no key.
   * Absent: the diagnostic carries no fidelity (it is about an object, a path, the input).
   */
  fidelity?: CatalogueFidelity | readonly (CatalogueFidelity | 'none')[]
  /** For a platform engineer: what it means, what nginx did and what the Gateway does, what to do. */
  doc: string
  /** The message of a diagnostic built from data (`diagnostic(code, data, where)`). */
  render?: (data: D) => string
}

export function defineDiagnostic<const C extends string, D = never>(definition: DiagnosticDefinition<C, D>): DiagnosticDefinition<C, D> {
  return definition
}

/** The levels a definition allows. */
export function levelsOf(d: DiagnosticDefinition<string, any>): readonly CatalogueLevel[] {
  return typeof d.level === 'string' ? [d.level] : d.level
}

/** The fidelities a definition allows (`none`: the diagnostic carries none). */
export function fidelitiesOf(d: DiagnosticDefinition<string, any>): readonly (CatalogueFidelity | 'none')[] {
  return d.fidelity === undefined ? ['none'] : typeof d.fidelity === 'string' ? [d.fidelity] : d.fidelity
}
