import {fidelitiesOf, levelsOf} from './define.js'
import {CATALOGUE, type Code} from './index.js'

/**
 * What an emitted diagnostic contradicts in its catalogue entry (an uncatalogued code, a level or a fidelity the
 * entry does not declare), else undefined. The tests run it over every diagnostic of the goldens and the unit inputs.
 */
export function catalogueContradiction(d: {code: string; level: string; fidelity?: string}): string | undefined {
  const entry = CATALOGUE.get(d.code as Code)
  if (!entry) return `${d.code}: not in the catalogue`
  const levels: readonly string[] = levelsOf(entry)
  if (!levels.includes(d.level)) return `${d.code}: emitted as ${d.level}, catalogued as ${levels.join(' | ')}`
  const fidelities: readonly string[] = fidelitiesOf(entry)
  const fidelity = d.fidelity ?? 'none'
  if (!fidelities.includes(fidelity)) return `${d.code}: emitted with fidelity ${fidelity}, catalogued as ${fidelities.join(' | ')}`
  return undefined
}

/**
 * A diagnostic about an Ingress, a ConfigMap or a Service (what the report groups by) must carry its object as data (`ref`),
 * matching its display text: the report reads `ref`, never the text.
 */
export function refProblem(d: {code: string; object?: string; ref?: {kind: string; namespace?: string; name: string}}): string | undefined {
  if (d.object === undefined) return d.ref === undefined ? undefined : `${d.code}: ref without object`
  if (d.ref === undefined) return /^(Ingress|ConfigMap|Service) /.test(d.object) ? `${d.code}: ${d.object.split(' ')[0]} diagnostic without ref` : undefined
  const text = d.ref.namespace ? `${d.ref.kind} ${d.ref.namespace}/${d.ref.name}` : `${d.ref.kind} ${d.ref.name}`
  return text === d.object ? undefined : `${d.code}: ref ${text} differs from object ${d.object}`
}
