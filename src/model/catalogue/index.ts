/**
 * The diagnostics catalogue: every code the compiler, the sources and the commands emit, with its level, the fidelity
 * it implies and a doc (docs/diagnostics.md is generated from it). `Code` is the union of the codes, so a diagnostic
 * with an uncatalogued code does not compile.
 */
import {ANNOTATIONS} from './annotations.js'
import {CONFIGMAP} from './configmap.js'
import type {DiagnosticDefinition} from './define.js'
import {GATEWAY} from './gateway.js'
import {ROUTES} from './routes.js'
import {SOURCES} from './sources.js'
import {TLS} from './tls.js'

export {defineDiagnostic, fidelitiesOf, levelsOf, type CatalogueFidelity, type CatalogueLevel, type DiagnosticDefinition} from './define.js'

/** The catalogue by area, in the order docs/diagnostics.md lists them. */
export const CATALOGUE_AREAS = [
  {area: 'Ingress annotations', definitions: ANNOTATIONS},
  {area: 'The controller ConfigMap and tcp/udp-services', definitions: CONFIGMAP},
  {area: 'Routes, hosts and paths', definitions: ROUTES},
  {area: 'TLS, certificates and HTTPS listeners', definitions: TLS},
  {area: 'The Gateway, its data plane and Gateway-level policies', definitions: GATEWAY},
  {area: 'Reading the input', definitions: SOURCES},
] as const

/** Every definition, with its code and data types. */
export type Definitions = (typeof CATALOGUE_AREAS)[number]['definitions'][number]

/** Every catalogued diagnostic code. */
export type Code = Definitions['code']

export const CATALOGUE: ReadonlyMap<Code, DiagnosticDefinition<Code, any>> = (() => {
  const map = new Map<Code, DiagnosticDefinition<Code, any>>()
  for (const {definitions} of CATALOGUE_AREAS) {
    for (const d of definitions as unknown as readonly DiagnosticDefinition<Code, any>[]) {
      if (map.has(d.code)) throw new Error(`diagnostic code ${d.code} is catalogued twice`)
      map.set(d.code, d)
    }
  }
  return map
})()
