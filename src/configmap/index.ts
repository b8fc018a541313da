/**
 * The controller ConfigMap registry: every family file is listed here, and every key ingress-nginx v1.15.1 reads is
 * registered by exactly one family (a test checks it against keys.ts), so every key present in a ConfigMap ends in
 * exactly one diagnostic.
 */
import {accessFamily} from './access.js'
import {admissionFamily} from './admission.js'
import {bodyFamily} from './body.js'
import {clientIpFamily} from './client-ip.js'
import {compressionFamily} from './compression.js'
import {headerBlocksFamily} from './header-blocks.js'
import {headersFamily} from './headers.js'
import {luaFamily} from './lua.js'
import {nginxRuntimeFamily} from './nginx-runtime.js'
import {observabilityFamily} from './observability.js'
import {routeDefaultsFamily} from './route-defaults.js'
import {snippetsFamily} from './snippets.js'
import {streamsFamily} from './streams.js'
import {timeoutsFamily} from './timeouts.js'
import {tlsFamily} from './tls.js'
import type {ConfigMapFamily, ConfigMapSpec} from './types.js'

export const configMapFamilies: ConfigMapFamily[] = [
  clientIpFamily,
  tlsFamily,
  headersFamily,
  timeoutsFamily,
  bodyFamily,
  routeDefaultsFamily,
  compressionFamily,
  accessFamily,
  headerBlocksFamily,
  admissionFamily,
  observabilityFamily,
  snippetsFamily,
  luaFamily,
  streamsFamily,
  nginxRuntimeFamily,
]

function buildRegistry(): Map<string, {spec: ConfigMapSpec; family: ConfigMapFamily}> {
  const map = new Map<string, {spec: ConfigMapSpec; family: ConfigMapFamily}>()
  for (const family of configMapFamilies) {
    for (const spec of family.specs) {
      if (map.has(spec.key)) throw new Error(`ConfigMap key ${spec.key} registered twice`)
      map.set(spec.key, {spec, family})
    }
  }
  return map
}

export const configMapRegistry = buildRegistry()

/** The specs translated by a sentence only (`notice`), in registry order. */
export const noticeSpecs: ConfigMapSpec[] = configMapFamilies.flatMap((f) => f.specs.filter((s) => s.notice !== undefined))
