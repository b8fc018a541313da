/**
 * The annotation registry: every family file is listed here, and every key ingress-nginx reads is registered
 * (keys no family handles yet are registered as `manual`).
 */
import {ALIASES, ALL_KEYS} from './all-keys.js'
import {accessListsFamily} from './access-lists.js'
import {backendProtocolFamily} from './backend-protocol.js'
import {basicAuthFamily} from './basic-auth.js'
import {bodySizeFamily} from './body-size.js'
import {bufferingFamily} from './buffering.js'
import {canaryFamily} from './canary.js'
import {clientCertificatesFamily} from './client-certificates.js'
import {corsFamily} from './cors.js'
import {errorPagesFamily} from './error-pages.js'
import {externalAuthFamily} from './external-auth.js'
import {headersFamily} from './headers.js'
import {loadBalancingFamily} from './load-balancing.js'
import {mirrorFamily} from './mirror.js'
import {passthroughFamily} from './passthrough.js'
import {rateLimitFamily} from './rate-limit.js'
import {redirectsFamily} from './redirects.js'
import {rewriteFamily} from './rewrite.js'
import {snippetsFamily} from './snippets.js'
import {sslRedirectFamily} from './ssl-redirect.js'
import {timeoutsFamily} from './timeouts.js'
import {SERVE_TABLE, type ServeRule} from './serving.js'
import type {AnnotationFamily, AnnotationSpec} from './types.js'
import {unsupportedFamily} from './unsupported.js'

/**
 * The registration order is the order the families' patches merge in (list fields appended in it), not an order
 * they depend on: each reads only the Ingress, its resolved settings (ingress.settings) and the lookup, and where
 * one family's outcome decides another's (a canary's keys, ssl-passthrough, a denial, fail-closed authorization) the
 * runner combines them after the merge (translate/annotation-pass.ts). test/family-order.test.ts runs them shuffled.
 */
export const families: AnnotationFamily[] = [
  canaryFamily,
  passthroughFamily,
  rewriteFamily,
  sslRedirectFamily,
  corsFamily,
  accessListsFamily,
  basicAuthFamily,
  externalAuthFamily,
  clientCertificatesFamily,
  timeoutsFamily,
  bodySizeFamily,
  bufferingFamily,
  loadBalancingFamily,
  rateLimitFamily,
  backendProtocolFamily,
  redirectsFamily,
  headersFamily,
  errorPagesFamily,
  mirrorFamily,
  snippetsFamily,
  unsupportedFamily,
]

const pendingFamily: AnnotationFamily = {
  name: 'pending',
  specs: [],
}

/**
 * A registered key: its spec, its family, and `onInvalid`, what ingress-nginx does with the Ingress when the value
 * is empty, invalid or above the configured risk level (serving.ts).
 */
export interface RegistryEntry {
  spec: AnnotationSpec<any>
  family: AnnotationFamily
  onInvalid: ServeRule
}

function serveRule(key: string): ServeRule {
  const rule = SERVE_TABLE.get(key)
  if (!rule) throw new Error(`annotation ${key} has no row in the serve table`)
  return rule
}

/** Each owned intents field has one family: the one whose patch may set it (mergePatches checks the writes). */
export function checkOwnership(list: readonly AnnotationFamily[]): void {
  const owner = new Map<string, string>()
  for (const family of list) {
    for (const field of family.owns ?? []) {
      const other = owner.get(field)
      if (other !== undefined) throw new Error(`intents.${field} is owned by annotation families ${other} and ${family.name}`)
      owner.set(field, family.name)
    }
  }
}

function buildRegistry(): Map<string, RegistryEntry> {
  checkOwnership(families)
  const map = new Map<string, RegistryEntry>()
  for (const family of families) {
    for (const spec of family.specs) {
      if (map.has(spec.key)) throw new Error(`annotation ${spec.key} registered twice`)
      map.set(spec.key, {spec, family, onInvalid: serveRule(spec.key)})
    }
  }
  for (const key of ALL_KEYS) {
    if (map.has(key)) continue
    const spec: AnnotationSpec<string> = {
      key,
      summary: 'not translated by this version',
      fidelity: 'manual',
      target: 'none yet',
      note: 'this annotation is not translated yet; reproduce its effect by hand on the generated route or policies',
      parse: (v) => ({ok: true, value: v}),
    }
    pendingFamily.specs.push(spec)
    map.set(key, {spec, family: pendingFamily, onInvalid: serveRule(key)})
  }
  for (const [alias, canonical] of Object.entries(ALIASES)) {
    const target = map.get(canonical)
    if (!target) throw new Error(`alias ${alias} of unknown ${canonical}`)
    map.set(alias, target)
  }
  return map
}

export const registry = buildRegistry()

export function allFamilies(): AnnotationFamily[] {
  return [...families, pendingFamily]
}
