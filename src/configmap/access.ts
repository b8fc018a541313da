import type {AuthServer} from '../annotations/external-auth/forms.js'
import {diagnostic} from '../model/catalogue/diagnostic.js'
import {globalExtAuthShape} from '../annotations/external-auth/global-auth.js'
import {normalizeSourceRange} from '../annotations/access-lists.js'
import {EG_API_VERSION, GATEWAY_GROUP, acmeExemptPolicyName} from '../model/gateway-refs.js'
import {dnsName} from '../model/names.js'
import {managedMetadata} from '../model/provenance.js'
import {emitObject, httpListenerTargets, splitList} from './context.js'
import type {ConfigMapContext, ConfigMapFamily, ConfigMapModel, ConfigMapSpec} from './types.js'

const globalAuth = (level: 'info' | 'warning') => ({level, code: 'global-auth' as const})

/** The companions of global-auth-url: what each did, and why the extAuth differs. */
const AUTH_COMPANIONS: Record<string, string> = {
  'global-auth-method': 'set the method of the auth subrequest; Envoy sends the original request\'s method',
  'global-auth-signin': 'redirected unauthenticated users to a sign-in page; extAuth returns the auth service\'s 401 as is (an oidc SecurityPolicy is the Envoy Gateway way to log users in)',
  'global-auth-signin-redirect-param': 'named the return-URL parameter of the sign-in redirect; see global-auth-signin',
  'global-auth-request-redirect': 'set X-Auth-Request-Redirect on the auth subrequest; Envoy does not send it',
  'global-auth-snippet': 'is raw nginx configuration for the auth location; it has no equivalent',
  'global-auth-cache-key': 'cached auth results; Envoy Gateway calls the auth service for every request',
  'global-auth-cache-duration': 'cached auth results; Envoy Gateway calls the auth service for every request',
  'global-auth-always-set-cookie': 'passed Set-Cookie from the auth service on every response; Envoy passes auth response headers only on denied requests',
  'no-auth-locations': 'exempted the locations whose Ingress path starts with one of these from global auth and from each Ingress\'s auth-url and basic auth; an Ingress with auth gets a route of its own for such paths that its SecurityPolicy\'s auth leaves out, and cert-manager\'s solver routes a SecurityPolicy without global auth (HTTPRoutes labelled acme.cert-manager.io/http01-solver); the paths of an Ingress without auth of its own stay under the Gateway-level global auth',
}
const MANUAL_COMPANIONS = new Set(['global-auth-signin', 'global-auth-snippet'])

const companionSpecs: ConfigMapSpec[] = Object.entries(AUTH_COMPANIONS).map(([key, note]) => ({
  key,
  summary: key === 'no-auth-locations' ? 'Paths exempt from auth-url, basic auth and global auth' : `global-auth-url companion (${key.slice('global-auth-'.length)})`,
  fidelity: MANUAL_COMPANIONS.has(key) ? 'manual' : 'approximate',
  target: key === 'no-auth-locations' ? 'Routes of their own outside an Ingress\'s auth; SecurityPolicy on the ACME solver routes' : 'none',
  default: key === 'no-auth-locations' ? '/.well-known/acme-challenge' : key === 'global-auth-always-set-cookie' ? 'false' : '',
  onInvalid: key === 'global-auth-method' || key === 'global-auth-signin' || key === 'global-auth-signin-redirect-param' ? 'unset' : key === 'global-auth-always-set-cookie' ? 'default' : 'as-written',
  note,
}))

/**
 * whitelist-source-range, denylist-source-range, block-cidrs, global-auth-url and its companions -> a Gateway-level
 * SecurityPolicy (authorization rules, extAuth) on the HTTP listeners with --nginx-defaults, plus one for cert-manager's
 * HTTP-01 solver routes; block-user-agents / block-referers are the header-blocks family's (an EnvoyExtensionPolicy).
 */
export const accessFamily: ConfigMapFamily = {
  name: 'access',
  specs: [
    {key: 'whitelist-source-range', summary: 'Client addresses allowed on every location without its own allowlist', fidelity: 'exact', target: 'Gateway-level SecurityPolicy authorization Allow, defaultAction Deny (--nginx-defaults)', default: '', onInvalid: 'as-written', note: 'without --nginx-defaults it is reported as manual'},
    {key: 'denylist-source-range', summary: 'Client addresses refused on every location without its own denylist', fidelity: 'exact', target: 'Gateway-level SecurityPolicy authorization Deny (--nginx-defaults)', default: '', onInvalid: 'as-written'},
    {key: 'block-cidrs', summary: 'Client addresses refused everywhere', fidelity: 'approximate', target: 'Gateway-level SecurityPolicy authorization Deny (--nginx-defaults)', default: '', onInvalid: 'as-written', note: 'a route-level SecurityPolicy replaces the Gateway-level one, so on such routes the block list no longer applies'},
    {key: 'global-auth-url', summary: 'External auth for every location without its own auth-url', fidelity: 'approximate', target: 'Gateway-level SecurityPolicy extAuth.http (--nginx-defaults, in-cluster Service URLs)', default: '', onInvalid: 'unset', note: 'Envoy sends fewer request headers to the auth service, and a route-level SecurityPolicy replaces the Gateway-level one'},
    {key: 'global-auth-response-headers', summary: 'Auth response headers copied upstream', fidelity: 'exact', target: 'extAuth.http.headersToBackend', default: '', onInvalid: 'entries-dropped'},
    ...companionSpecs,
  ],
}

interface CidrList {
  valid: string[]
  invalid: string[]
}

function cidrList(cm: ConfigMapContext, key: string): CidrList {
  const entries = cm.has(key) ? splitList(cm.data[key], /,/) : []
  const valid: string[] = []
  const invalid: string[] = []
  for (const e of entries) {
    const n = normalizeSourceRange(e)
    if (n) valid.push(n)
    else invalid.push(e)
  }
  return {valid, invalid}
}

/** The Gateway-level SecurityPolicy the access lists and global auth fill. */
export interface SecurityDefaults {
  spec: Record<string, any>
  keys: string[]
  extAuthMapped: boolean
}

/** whitelist-source-range, denylist-source-range, block-cidrs -> authorization rules. */
export function applyAccessLists(cm: ConfigMapContext, sp: SecurityDefaults): void {
  const {data, has} = cm
  const on = cm.traffic.nginxDefaults
  // ReadConfig reads whitelist-source-range only; allowlist-source-range is the annotation's name (accountNotRead).
  const allowKey = 'whitelist-source-range'
  const allow = cidrList(cm, allowKey)
  const deny = cidrList(cm, 'denylist-source-range')
  const block = cidrList(cm, 'block-cidrs')
  const rules: any[] = []
  if (block.valid.length > 0) rules.push({name: 'block-cidrs', action: 'Deny', principal: {clientCIDRs: block.valid}})
  if (deny.valid.length > 0) rules.push({name: 'denylist-source-range', action: 'Deny', principal: {clientCIDRs: deny.valid}})
  if (allow.valid.length > 0) rules.push({name: 'allowlist-source-range', action: 'Allow', principal: {clientCIDRs: allow.valid}})
  const accessKeys: [string, CidrList, string][] = [
    [allowKey, allow, 'allowed only these client addresses on every location without its own allowlist annotation (403 otherwise)'],
    ['denylist-source-range', deny, 'refused these client addresses on every location without its own denylist annotation (403)'],
    ['block-cidrs', block, 'refused these client addresses everywhere (403), whatever the annotations'],
  ]
  for (const [key, list, what] of accessKeys) {
    if (!has(key)) continue
    const invalid = list.invalid.length > 0 ? ` (invalid entries dropped: ${list.invalid.join(', ')})` : ''
    if (list.valid.length === 0) {
      cm.note(key, 'configmap-route-default', `"${data[key]}" lists no valid address: nothing to translate${invalid}`, {level: list.invalid.length > 0 ? 'warning' : 'info', fidelity: 'exact'})
    } else if (on) {
      sp.keys.push(key)
      cm.note(
        key,
        'configmap-access-list',
        `"${data[key]}" ${what} -> Gateway-level SecurityPolicy authorization rule ${key === allowKey ? 'Allow (defaultAction Deny)' : 'Deny'}${key === 'block-cidrs' ? '; a route-level SecurityPolicy replaces the Gateway-level one, so on such routes the block list no longer applies' : ''}${invalid}`,
        {level: list.invalid.length > 0 ? 'warning' : 'info', fidelity: key === 'block-cidrs' ? 'approximate' : 'exact', hint: 'the client address depends on the ClientTrafficPolicy client IP detection'},
      )
    } else {
      cm.note(key, 'configmap-access-list', `"${data[key]}" ${what}; Envoy Gateway lets every client through unless a SecurityPolicy authorizes by address${invalid}`, {level: 'warning', fidelity: 'manual', hint: 'rerun with --nginx-defaults for a Gateway-level SecurityPolicy authorization'})
    }
  }
  if (on && rules.length > 0) {
    sp.spec.authorization = {defaultAction: allow.valid.length > 0 ? 'Deny' : 'Allow', rules}
  }
}

/**
 * Keys of the Ingress annotations that people put in the ConfigMap, where ReadConfig does not read them: they did
 * nothing there, and the translation must not act on them either.
 */
const ANNOTATION_ONLY: Record<string, string> = {
  'allowlist-source-range': 'is the Ingress annotation\'s name; the controller ConfigMap key is whitelist-source-range (template/configmap.go ReadConfig reads no other), so nginx allowed every client and so does the translation',
  'enable-global-auth': 'is an Ingress annotation (authreqglobal/main.go); ingress-nginx does not read it from the controller ConfigMap, so global-auth-url applied to every location without its own auth-url, and so does the translation',
}

/** The ANNOTATION_ONLY keys present in the ConfigMap: one warning each. */
export function accountAnnotationOnlyKeys(cm: ConfigMapContext): void {
  for (const [key, note] of Object.entries(ANNOTATION_ONLY)) {
    cm.notice(key, {level: 'warning', code: 'configmap-key-not-read'}, 'ignored', note)
  }
}

export const ANNOTATION_ONLY_KEYS = Object.keys(ANNOTATION_ONLY)

/** http(s)://<svc>.<ns>.svc[.cluster.local][:port]/path -> the Service it names (`svc.ns` alone could be a public domain). */
function clusterServiceUrl(raw: string): {name: string; namespace: string; port: number; path: string; scheme: string} | undefined {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return undefined
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined
  if (url.search !== '' || /\$/.test(raw)) return undefined
  const m = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.svc(\.cluster\.local)?$/.exec(url.hostname)
  if (!m) return undefined
  const scheme = url.protocol.slice(0, -1)
  const port = url.port !== '' ? Number.parseInt(url.port, 10) : scheme === 'https' ? 443 : 80
  return {name: m[1], namespace: m[3], port, path: url.pathname || '/', scheme}
}

/** global-auth-url -> extAuth.http on the Gateway-level SecurityPolicy (+ a ReferenceGrant to another namespace). */
export function applyGlobalAuth(cm: ConfigMapContext, model: ConfigMapModel, sp: SecurityDefaults): void {
  const {data, has} = cm
  const on = cm.traffic.nginxDefaults
  const gw = cm.traffic.gateway
  let globalAuthServer: AuthServer | undefined
  if (has('global-auth-url') && data['global-auth-url'].trim() !== '') {
    const url = data['global-auth-url'].trim()
    const target = clusterServiceUrl(url)
    if (on && target) {
      const shape = globalExtAuthShape(target, has('global-auth-response-headers') ? splitList(data['global-auth-response-headers'], /,/) : [])
      globalAuthServer = shape.server
      const http = {backendRefs: [{group: '', kind: 'Service', name: target.name, namespace: target.namespace, port: target.port}], ...shape.http}
      // statusOnError 500: nginx turns an unreachable or failing auth service into 500 (Envoy's default is 403).
      sp.spec.extAuth = {http, headersToExtAuth: shape.headersToExtAuth, statusOnError: 500}
      sp.extAuthMapped = true
      sp.keys.push('global-auth-url', 'global-auth-response-headers')
      if (shape.ownerStep) model.checklist.push(`global-auth-url ${url}: ${shape.ownerStep}`)
      const hint = `${shape.ownerStep ? `before cutover: ${shape.ownerStep}; ` : 'check that the auth service answers 200 (not 202 or 204) to an allowed request; '}${'pathOverride' in shape.http ? 'pathOverride needs Envoy Gateway v1.8+ (path would append the request path); ' : ''}${target.namespace !== gw.namespace ? `a ReferenceGrant in ${target.namespace} (from SecurityPolicy in ${gw.namespace} to Service ${target.name}) is generated; ` : ''}list other headers the auth service reads in extAuth.headersToExtAuth`
      const generated = {key: 'global-auth-url' as const, value: url, case: 'generated' as const, summary: shape.summary, headersToExtAuth: shape.headersToExtAuth, https: target.scheme === 'https'}
      cm.account('global-auth-url', diagnostic('global-auth-url', generated, {level: 'warning', fidelity: shape.server === 'oauth2-proxy' ? 'manual' : 'approximate', hint}))
      if (target.namespace !== gw.namespace) {
        emitObject(model, {
          apiVersion: `${GATEWAY_GROUP}/v1beta1`,
          kind: 'ReferenceGrant',
          metadata: managedMetadata(dnsName('ingress2gw', gw.namespace, 'global-auth'), target.namespace, cm.sources, ['global-auth-url']),
          spec: {from: [{group: 'gateway.envoyproxy.io', kind: 'SecurityPolicy', namespace: gw.namespace}], to: [{group: '', kind: 'Service', name: target.name}]},
        }, ['global-auth-url'])
      }
    } else if (on) {
      const hint = 'create a Backend (FQDN) for the auth endpoint and add extAuth.http.backendRefs to a Gateway-level SecurityPolicy'
      cm.account('global-auth-url', diagnostic('global-auth-url', {key: 'global-auth-url', value: url, case: 'not-in-cluster'}, {level: 'warning', fidelity: 'manual', hint}))
    } else {
      const hint = 'rerun with --nginx-defaults for a Gateway-level SecurityPolicy extAuth'
      cm.account('global-auth-url', diagnostic('global-auth-url', {key: 'global-auth-url', value: url, case: 'not-generated'}, {level: 'warning', fidelity: 'manual', hint}))
    }
  } else if (has('global-auth-url')) {
    // ReadConfig: parser.StringToURL("") fails, so nginx set no global auth; this key used to fall among the unknown ones.
    cm.account('global-auth-url', diagnostic('global-auth-url', {key: 'global-auth-url', value: '', case: 'empty'}, {level: 'info', fidelity: 'exact'}))
  }
  for (const [key, note] of Object.entries(AUTH_COMPANIONS)) {
    if (!has(key)) continue
    if (key === 'global-auth-signin' && globalAuthServer !== undefined && globalAuthServer !== 'unknown') {
      // A recognised server answers the Envoy check of a signed-out browser with its own sign-in redirect.
      cm.notice(key, globalAuth('info'), 'approximate', `redirected unauthenticated users to a sign-in page; the ${globalAuthServer} check now answers a signed-out browser with its own sign-in redirect (see global-auth-url)`)
      continue
    }
    const manual = MANUAL_COMPANIONS.has(key)
    cm.notice(key, globalAuth(manual ? 'warning' : 'info'), manual ? 'manual' : 'approximate', note)
  }
  if (has('global-auth-response-headers')) {
    cm.note('global-auth-response-headers', 'global-auth', `"${data['global-auth-response-headers']}" ${sp.extAuthMapped ? "-> extAuth.http.headersToBackend, and removed from client requests by every listener's ClientTrafficPolicy (earlyRequestHeaders, before extAuth runs): nginx set them from the auth answer only, none it lacked, while Envoy copies only the headers the answer has and would pass a client-sent one on" : 'copied auth response headers upstream; see global-auth-url'}`, {level: 'info', fidelity: sp.extAuthMapped ? 'exact' : 'manual'})
  }
}

/** The Gateway-level SecurityPolicy, and the one that keeps cert-manager's HTTP-01 challenges reachable. */
export function emitSecurityDefaults(cm: ConfigMapContext, model: ConfigMapModel, sp: SecurityDefaults): void {
  if (!cm.traffic.nginxDefaults || Object.keys(sp.spec).length === 0) return
  const gw = cm.traffic.gateway
  const name = dnsName(gw.name, 'defaults')
  const keys = sp.keys.filter(cm.has)
  emitObject(model, {
    apiVersion: EG_API_VERSION,
    kind: 'SecurityPolicy',
    metadata: managedMetadata(name, gw.namespace, cm.sources, keys),
    spec: {targetRefs: httpListenerTargets(cm.traffic), ...sp.spec},
  }, keys)
  model.checklist.push(
    `SecurityPolicy ${name} applies the ConfigMap access lists / global auth to every route of the Gateway's HTTP listeners; a route with its own SecurityPolicy (cors, basic auth, allowlist annotations) loses them, because the more specific policy replaces it`,
  )
  if (sp.spec.authorization) {
    model.general.push(
      diagnostic(
        'gateway-policy-http-listeners',
        {policy: name, gateway: {namespace: gw.namespace, name: gw.name}, listeners: httpListenerTargets(cm.traffic).map((t) => t.sectionName!)},
        {...cm.cmSubject, hint: 'listeners added to the Gateway later are not covered: add them to its targetRefs if nginx served them'},
      ),
    )
  }
  emitAcmeExemption(cm, model, sp)
}

/**
 * cert-manager's HTTP-01 solver routes (Exact /.well-known/acme-challenge/<token>, labelled
 * acme.cert-manager.io/http01-solver) inherit the Gateway-level policy. nginx kept challenges out of auth
 * (no-auth-locations), and the CA validates from addresses it does not publish, so HTTP-01 behind a ConfigMap
 * allowlist only worked when the solver Ingress opened it (ingressTemplate annotation whitelist-source-range:
 * 0.0.0.0/0): the solver routes get their own policy with the deny lists only.
 */
function emitAcmeExemption(cm: ConfigMapContext, model: ConfigMapModel, sp: SecurityDefaults): void {
  const gw = cm.traffic.gateway
  const allowRule = sp.spec.authorization?.rules?.some((r: any) => r.action === 'Allow') === true
  if (!sp.extAuthMapped && !allowRule) return
  const denyRules = (sp.spec.authorization?.rules ?? []).filter((r: any) => r.action === 'Deny')
  const exemptName = acmeExemptPolicyName(gw)
  // Derived from the deny lists it keeps and the allowlist / global auth it lifts.
  const keys = ['no-auth-locations', ...sp.keys.filter((k) => k !== 'global-auth-response-headers' && cm.has(k))]
  emitObject(model, {
    apiVersion: EG_API_VERSION,
    kind: 'SecurityPolicy',
    metadata: managedMetadata(exemptName, gw.namespace, cm.sources, keys),
    spec: {
      targetSelectors: [{group: GATEWAY_GROUP, kind: 'HTTPRoute', matchLabels: {'acme.cert-manager.io/http01-solver': 'true'}}],
      authorization: denyRules.length > 0 ? {defaultAction: 'Allow', rules: denyRules} : {defaultAction: 'Allow'},
    },
  }, keys)
  const lifted: ('global-auth' | 'allowlist')[] = []
  if (sp.extAuthMapped) lifted.push('global-auth')
  if (allowRule) lifted.push('allowlist')
  const data = {policy: exemptName, namespace: gw.namespace, replaces: dnsName(gw.name, 'defaults'), lifted, denyRules: denyRules.map((r: any) => String(r.name))}
  model.general.push(
    diagnostic('acme-challenge-exempt', data, {
      ...cm.cmSubject,
      hint: 'the solver HTTPRoutes are created in the namespace of the Certificate: Certificates in other namespaces than the gateway namespace need the same policy there',
    }),
  )
}
