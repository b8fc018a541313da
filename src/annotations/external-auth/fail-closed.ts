/**
 * auth-url that cannot become a working external auth: the route denies every request instead of being
 * published without the authentication nginx enforced.
 */
import type {FamilyContext} from '../types.js'
import type {PolicyFragment} from '../../model/ingress-model.js'
import type {Diagnostic} from '../../model/types.js'
import {diagnostic} from '../../model/catalogue/diagnostic.js'
import {checkShape, recognizeServer} from './forms.js'
import {oauth2ProxyFlags, proxyPrefix} from './oauth2-proxy.js'
import {HOST_VARIABLE, type UnresolvedTarget} from './url.js'

/**
 * The URL cannot be resolved to an auth backend: deny every request (authorization with no rules and defaultAction
 * Deny) rather than publish the route without the authentication nginx enforced. The deny-all takes the place of
 * any other authorization of the Ingress (an Allow rule of an address list would let clients in without
 * authenticating), and opts out of a Gateway-level authorization (whose Allow rules a StrategicMerge would add):
 * the runner does both after the merge (annotation-pass.ts combineDenyAll), whichever family ran first.
 */
export function failClosed(ctx: FamilyContext, url: string, why: string, hint: string): void {
  ctx.patch.denyAll.push({from: ctx.fullKey('auth-url'), replacesAuthorization: true})
  ctx.account(
    'auth-url',
    'manual',
    `"${url}" ${why}; nginx sent every request through this auth subrequest, so instead of publishing the route without authentication the SecurityPolicy ${ctx.ingress.ref.namespace}/${ctx.ingress.ref.name} denies every request (authorization defaultAction Deny, no rules: 403) until its extAuth backend is set`,
    {level: 'error', code: 'auth-url-unresolved-fail-closed', hint},
  )
}

/** What the user learns of an authorization fragment a failing-closed auth-url (urlKey) left out (combineDenyAll). */
export function authorizationLeftOut(f: PolicyFragment, urlKey: string): Omit<Diagnostic, 'object' | 'source'> {
  return diagnostic('auth-url-fail-closed-overrides', {keys: f.from, authUrl: urlKey}, {
    annotation: f.from[0],
    hint: `put the rules back into authorization (beside the extAuth block) when you set the auth backend: ${JSON.stringify(f.value)}`,
  })
}

export function unresolvedReason(target: UnresolvedTarget): string {
  switch (target.kind) {
    case 'variables':
      return 'uses nginx variables (resolved per request), and Envoy Gateway\'s extAuth needs a fixed backend'
    case 'bare-name':
      return `names the bare host "${target.host}", which nginx resolved in the ingress-nginx controller's own namespace, which the conversion does not know`
    case 'scheme':
      return `uses the scheme ${target.scheme}, not http or https`
    case 'external':
      return 'is outside the cluster (or a Service not in the input), and extAuth needs a Service or an Envoy Gateway Backend'
  }
}

/** Exactly what to write into the SecurityPolicy once the backend is known. */
export function failClosedHint(ctx: FamilyContext, target: UnresolvedTarget): string {
  const ns = ctx.ingress.ref.namespace
  const policy = `SecurityPolicy ${ns}/${ctx.ingress.ref.name}`
  const headers = ctx.value<string[]>('auth-response-headers')
  const toBackend = headers && headers.length > 0 ? `, headersToBackend: [${headers.join(', ')}]` : ''
  // The form of the server the path names (a recognised server needs its Envoy endpoint, not its nginx one).
  const server = recognizeServer({path: target.path})
  const shape = checkShape(server, target.path)
  const pathField = 'pathOverride' in shape.path ? `, pathOverride: ${shape.path.pathOverride}` : 'path' in shape.path ? `, path: ${shape.path.path}` : ''
  const forServer = server === 'oauth2-proxy' ? ` (no path: oauth2-proxy checks the request's own path once it runs with ${oauth2ProxyFlags(proxyPrefix(target))})` : ''
  const block = (ref: string) =>
    `remove authorization from the ${policy} and set extAuth: {http: {backendRefs: [${ref}]${pathField}${toBackend}}, headersToExtAuth: [${shape.headersToExtAuth.join(', ')}], statusOnError: 500}${forServer}`
  const serviceRef = '{name: <auth Service>, namespace: <its namespace>, port: <its port>}'
  const grant = `, plus a ReferenceGrant in the Service's namespace from SecurityPolicy in ${ns} to that Service when it is another namespace`
  switch (target.kind) {
    case 'variables':
      return HOST_VARIABLE.test(target.host)
        ? `${block(serviceRef)} naming the Service that serves ${target.path} on this host (typically oauth2-proxy's Ingress on /oauth2)${grant}; or add that Ingress to the input and convert again`
        : `${block(serviceRef)}${grant}; or replace the variables with fixed values and convert again`
    case 'bare-name':
      return `${block(`{name: ${target.host}, namespace: <controller namespace, usually ingress-nginx>, port: ${target.port}}`)}${grant}; or write the URL as ${target.scheme}://${target.host}.<controller-namespace>.svc.cluster.local${target.explicitPort ? `:${target.port}` : ''}${target.path} and convert again`
    case 'scheme':
      return `point auth-url at an http(s) endpoint and convert again, or ${block(serviceRef)}${grant}`
    case 'external': {
      const served = ctx.lookup.serviceForPath(target.host, target.path)
      const inInput = served
        ? `; ${target.host}${target.path} is served by Ingress ${served.ingress} of the input (Service ${served.namespace}/${served.name}:${served.port}): if that name points at this ingress controller, the backendRef {name: ${served.name}, namespace: ${served.namespace}, port: ${served.port}} reaches the same service`
        : ''
      return (
        `${block('{group: gateway.envoyproxy.io, kind: Backend, name: <Backend>}')} with a Backend in ${ns} whose endpoint is fqdn {hostname: ${target.host}, port: ${target.port}}` +
        `${target.scheme === 'https' ? ' and tls {wellKnownCACertificates: System}' : ''} (needs extensionApis.enableBackend; Envoy sends the client's Host header, not ${target.host}); if ${target.host} is a Service, write it as <service>.<namespace>.svc and convert again${inInput}`
      )
    }
  }
}

