/**
 * ingress-nginx's "location denied" (annotations.go Extract keeps a LocationDeniedError in `Denied`): every
 * location of the Ingress exists, so it still shadows shorter paths of other Ingresses on its hosts, but
 * answers 503 (nginx.tmpl: `{{ if isLocationAllowed $location }} ... {{ else }} return 503;`) before any of its
 * location settings (auth, allowlists, rewrites, proxy settings, the HTTPS redirect of ngx_rewrite.lua, which runs
 * after the rewrite module's `return`) take effect. Server-level settings of the Ingress still apply.
 *
 * The conversion does the same: the Ingress's route keeps its matches and answers with an Envoy Gateway
 * HTTPRouteFilter directResponse on both listeners; every location-level intent is dropped.
 */
import {EG_GROUP} from '../model/gateway-refs.js'
import {about} from '../model/diagnostics.js'
import {diagnostic} from '../model/catalogue/diagnostic.js'
import type {IngressModel} from '../model/ingress-model.js'
import {dnsName} from '../model/names.js'
import {managedMetadata} from '../model/provenance.js'
import type {Diagnostic} from '../model/types.js'

/** Keys nginx applies to the server (host), not to the Ingress's locations: a denial leaves them in effect. */
const SERVER_LEVEL_KEYS = [
  'server-alias',
  'server-snippet',
  'from-to-www-redirect',
  'use-regex',
  'ssl-passthrough',
  'ssl-ciphers',
  'ssl-prefer-server-ciphers',
  'auth-tls-secret',
  'auth-tls-verify-client',
  'auth-tls-verify-depth',
  'auth-tls-error-page',
  'auth-tls-pass-certificate-to-upstream',
  'auth-tls-match-cn',
]

/**
 * Replace the Ingress's intents by a 503 on every path, once the families have run; their diagnostics and
 * fidelities about location settings are withdrawn (nginx applies none of them) and one info lists those keys.
 */
export function denyEveryLocation(ingress: IngressModel, prefix: string, diagnostics: Diagnostic[], before: {diagnostics: number; accounted: Set<string>}): void {
  const denied = ingress.denied!
  const subject = about('Ingress', ingress.ref)
  const deniedKey = ingress.annotations.get(denied.key)?.fullKey ?? `${prefix}/${denied.key}`
  const serverLevel = new Set(SERVER_LEVEL_KEYS.map((k) => ingress.annotations.get(k)?.fullKey).filter((k): k is string => k !== undefined))
  for (let i = diagnostics.length - 1; i >= before.diagnostics; i--) {
    const d = diagnostics[i]!
    if (d.object !== subject.object || d.annotation === undefined || serverLevel.has(d.annotation)) continue
    if (d.annotation === deniedKey && d.code === 'locations-denied') continue
    diagnostics.splice(i, 1)
  }
  for (const key of [...ingress.fidelity.keys()]) {
    if (!before.accounted.has(key) && !serverLevel.has(key) && key !== deniedKey) ingress.fidelity.withdraw(key)
  }
  const old = ingress.intents
  const from = [deniedKey]
  const name = dnsName(ingress.ref.name, 'denied')
  ingress.intents = {
    sslRedirect: false,
    forceSslRedirect: false,
    hostAliases: old.hostAliases,
    wwwTwins: old.wwwTwins,
    clientAuth: old.clientAuth,
    filters: [],
    extensionFilters: [],
    extraRules: [],
    policies: [],
    objects: [
      {
        from,
        object: {
          apiVersion: `${EG_GROUP}/v1alpha1`,
          kind: 'HTTPRouteFilter',
          metadata: managedMetadata(name, ingress.ref.namespace, [subject.object], from),
          spec: {directResponse: {statusCode: denied.status}},
        },
      },
    ],
    redirect: {from, filter: {type: 'ExtensionRef', extensionRef: {group: EG_GROUP, kind: 'HTTPRouteFilter', name}}},
  }
  const idle: string[] = []
  for (const a of ingress.annotations.values()) {
    if (ingress.fidelity.has(a.fullKey)) continue
    ingress.fidelity.account(a.fullKey, 'ignored', 'locations-denied')
    idle.push(a.fullKey)
  }
  if (idle.length > 0) {
    diagnostics.push(diagnostic('denied-location-settings', {status: denied.status, annotation: deniedKey, settings: idle.sort()}, {...subject, source: ingress.source}))
  }
}
