/**
 * The objects of an external auth: the SecurityPolicy fragment, the route to the auth backend (Service, or a
 * Backend for https), the ReferenceGrant for another namespace, and the auth server's line of the checklist.
 */
import {objectRef} from '../../model/diagnostics.js'
import {dnsName} from '../../model/names.js'
import {managedMetadata} from '../../model/provenance.js'
import type {FamilyContext} from '../types.js'
import type {AuthServer, ExtAuthForm} from './forms.js'
import {ownHosts, type ServiceTarget} from './url.js'
import {diagnostic} from '../../model/catalogue/diagnostic.js'

export const SERVER_LABEL: Record<AuthServer, string> = {
  'oauth2-proxy': 'oauth2-proxy',
  authelia: 'Authelia',
  authentik: 'authentik outpost',
  unknown: 'auth service',
}

/** `ns/name:port` of an auth Service. */
export const serviceText = (t: ServiceTarget) => `${t.namespace}/${t.name}:${t.port}`

/** A ReferenceGrant in `namespace` letting this Ingress's SecurityPolicy use `to` (a Service or a Secret). */
export function pushGrant(ctx: FamilyContext, namespace: string, to: {kind: 'Service' | 'Secret'; name: string}, suffix: string, from: string[]): void {
  const ing = ctx.ingress
  ctx.patch.objects.push({
    from,
    object: {
      apiVersion: 'gateway.networking.k8s.io/v1beta1',
      kind: 'ReferenceGrant',
      metadata: managedMetadata(dnsName('ingress2gw', ing.ref.namespace, ing.ref.name, suffix), namespace, [objectRef('Ingress', ing.ref)], from),
      spec: {from: [{group: 'gateway.envoyproxy.io', kind: 'SecurityPolicy', namespace: ing.ref.namespace}], to: [{group: '', ...to}]},
    },
  })
}

/** The backendRef of the auth Service (with its ReferenceGrant or TLS Backend), and what it implies. */
function authBackendRef(ctx: FamilyContext, target: ServiceTarget): {ref: Record<string, unknown>; notes: string[]} {
  const ing = ctx.ingress
  const ns = ing.ref.namespace
  const urlKey = ctx.fullKey('auth-url')
  if (target.scheme === 'https') {
    // nginx's auth subrequest did TLS without verifying the certificate (proxy_ssl_verify off): a Backend does the same.
    const name = dnsName(ing.ref.name, 'auth', target.name)
    ctx.patch.objects.push({
      from: [urlKey],
      object: {
        apiVersion: 'gateway.envoyproxy.io/v1alpha1',
        kind: 'Backend',
        metadata: managedMetadata(name, ns, [objectRef('Ingress', ing.ref)], [urlKey]),
        spec: {endpoints: [{fqdn: {hostname: `${target.name}.${target.namespace}.svc.cluster.local`, port: target.port}}], tls: {insecureSkipVerify: true}},
      },
    })
    return {
      ref: {group: 'gateway.envoyproxy.io', kind: 'Backend', name},
      notes: [`the URL is https: the auth service is reached through the Backend ${name} with TLS and no certificate verification, as nginx did (needs extensionApis.enableBackend in the Envoy Gateway configuration)`],
    }
  }
  const notes: string[] = []
  let ref: Record<string, unknown> = {name: target.name, port: target.port}
  if (target.namespace !== ns) {
    ref = {name: target.name, namespace: target.namespace, port: target.port}
    pushGrant(ctx, target.namespace, {kind: 'Service', name: target.name}, 'ext-auth', [urlKey])
    notes.push(`the auth Service is in ${target.namespace}: a ReferenceGrant there lets the SecurityPolicy of ${ns} use it`)
  }
  const svc = ctx.lookup.service(target.namespace, target.name)
  const ports: any[] = svc?.spec?.ports ?? []
  if (svc && !ports.some((p) => p?.port === target.port)) {
    const service = `${target.namespace}/${target.name}`
    ctx.diag(diagnostic('auth-url-port', {key: urlKey, service, port: target.port, ports: ports.map((p) => p?.port)}, {annotation: urlKey}))
  }
  return {ref, notes}
}

/**
 * A route with its own auth must not merge the Gateway-level extAuth (global-auth-url) in: nginx used a
 * location's auth-url instead of the global one (template shouldApplyGlobalAuth), and a StrategicMerge would
 * combine both blocks (a pathOverride from the Gateway beside this form's path is even refused).
 */
export function replaceGatewayExtAuth(ctx: FamilyContext, from: string[]): void {
  ctx.patch.policies.push({kind: 'SecurityPolicy', path: 'extAuth', value: undefined, optOut: true, from})
}

/** The auth server's line of the migration checklist (merged over the Ingresses that use the same server). */
export function pushOwnerStep(ctx: FamilyContext, server: AuthServer, target: ServiceTarget, step: string): void {
  const steps = (ctx.patch.authServerSteps ??= [])
  steps.push({from: [ctx.fullKey('auth-url')], server: `${SERVER_LABEL[server]} ${serviceText(target)}`, step})
}

/**
 * nginx's subrequest carried `Host: <the URL's host>` (nginx.tmpl auth location, `proxy_set_header Host`;
 * authreq/main.go: Host is the URL's hostname); Envoy's check carries the client's Host. The recognised servers read
 * the client's Host on their Envoy endpoints, so only an unknown server is told.
 */
function hostNote(ctx: FamilyContext, url: string, form: ExtAuthForm): string[] {
  if (form.server !== 'unknown') return []
  const urlHost = /^[a-z][a-z0-9+.-]*:\/\/([^/?#:]*)/i.exec(url.trim())?.[1]?.toLowerCase() ?? ''
  const hosts = ownHosts(ctx).map((h) => h || '*')
  return [`nginx sent the auth service Host: ${urlHost}, Envoy sends the client's Host (${hosts.join(', ') || '*'}): an auth service that routes or decides by Host now sees the application's host`]
}

/** `via`: how the URL reached this Service when it named no Service (resolveThroughHost). */
export function emitExtAuth(ctx: FamilyContext, url: string, target: ServiceTarget, form: ExtAuthForm, via?: string): void {
  const backend = authBackendRef(ctx, target)
  // Without auth-signin nginx answered a signed-out browser with the auth service's 401; a recognised server
  // answers it with its sign-in redirect instead (the same people get in).
  const noSignin = form.server !== 'unknown' && !ctx.has('auth-signin') ? [`without auth-signin nginx answered signed-out browsers with 401; the ${SERVER_LABEL[form.server]} redirects them to sign in instead`] : []
  const notes = [...(via ? [via] : []), ...form.notes, ...(via ? [] : hostNote(ctx, url, form)), ...noSignin, ...backend.notes]
  const http: Record<string, unknown> = {backendRefs: [backend.ref], ...form.path}
  if (form.headersToBackend.length > 0) http.headersToBackend = form.headersToBackend
  const from = ['auth-url', 'auth-response-headers'].filter((k) => ctx.has(k)).map((k) => ctx.fullKey(k))
  ctx.patch.policies.push({
    kind: 'SecurityPolicy',
    path: 'extAuth',
    // statusOnError 500: nginx turns an unreachable or failing auth service into 500 (Envoy's default is 403).
    value: {http, headersToExtAuth: form.headersToExtAuth, statusOnError: 500},
    from,
  })
  replaceGatewayExtAuth(ctx, [ctx.fullKey('auth-url')])
  const where = 'pathOverride' in form.path ? `pathOverride ${form.path.pathOverride}` : 'path' in form.path ? `path ${form.path.path} + the request's path` : "the request's own path"
  ctx.account('auth-url', form.fidelity, `"${url}" -> SecurityPolicy extAuth (${SERVER_LABEL[form.server]} ${serviceText(target)}, ${where}); ${notes.join('; ')}`, {
    ...(form.hint ? {hint: form.hint} : {}),
    code: via && form.server === 'unknown' ? 'ext-auth-via-host' : form.code,
  })
  pushOwnerStep(ctx, form.server, target, form.ownerStep ?? 'make sure it answers 200 (not 202 or 204) to an allowed request, and redirects browsers to sign in itself where users must be sent there')
}
