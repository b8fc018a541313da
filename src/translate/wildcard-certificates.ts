/**
 * Hosts without TLS under a TLS wildcard host take the wildcard's certificate, and with it HTTPS and the redirect.
 *
 * ingress-nginx: controller.go createServers leaves `SSLCert` nil on a server that no Ingress with a `tls:` section
 * routes; nginx.go configureCertificates sends such a server as emptyUID, and configuration.lua handle_servers
 * deletes its certificate_servers entry. certificate.lua get_pem_cert_uid then looks a name up exactly and, failing
 * that, as `*.` + the name without its first label (one label only), so:
 * - the TLS handshake for app.example.com (certificate.lua call, by SNI) gets the certificate of the server
 *   `*.example.com`, and the request is routed by Host to the server app.example.com, which listens on 443 like
 *   every server (nginx.tmpl): https://app.example.com/ reaches app.example.com's own locations;
 * - lua_ingress.lua redirect_to_https asks certificate.configured_for_current_request, the same lookup for the
 *   request's Host: plain-HTTP requests to app.example.com's locations with ssl-redirect (the default) get the 308.
 * The host therefore behaves as a TLS host whose certificate is the wildcard's. Left on the http listener, its
 * HTTPS requests would reach the wildcard's route on the https listener (another Service) and its HTTP requests
 * would not be redirected. Pure.
 */
import {compareStrings} from '../util/hash.js'
import {objectRef} from './diagnostics.js'
import {isPassthrough} from './emit-bundle.js'
import {gatewayKey} from './emit-gateway.js'
import {isAcmeChallengePath} from './emit-routes.js'
import type {HostIndex} from './hosts.js'
import type {HttpsListenerPlan} from './https-listeners.js'
import type {HostModel, IngressModel} from './model.js'
import type {Diagnostic, TranslateOptions} from './types.js'

/** certificate.lua get_pem_cert_uid's fallback name: the first label replaced by `*` (undefined for wildcards). */
export function certificateFallbackName(host: string): string | undefined {
  if (host === '' || host.startsWith('*.')) return undefined
  const dot = host.indexOf('.')
  return dot <= 0 || dot === host.length - 1 ? undefined : `*${host.slice(dot)}`
}

/** The Ingresses nginx serves the host from: its locations' and the fallback `location /`'s, in nginx order. */
function servingIngresses(host: HostModel): IngressModel[] {
  const all = new Set<IngressModel>(host.locations.map((l) => l.ingress))
  if (host.fallback) all.add(host.fallback.ingress)
  return [...all].sort((a, b) => a.order - b.order)
}

/**
 * Gives every named host without TLS whose one-label wildcard host has TLS (on the same Gateway, from the same
 * controller: each controller has its own certificate_servers) the wildcard's TLS, marked `fromWildcard`, and says
 * so on the host's first Ingress. Runs once the wildcard hosts' own TLS is final (after resolveWildcardTls).
 */
export function inheritWildcardCertificates(index: HostIndex, diagnostics: Diagnostic[]): void {
  for (const host of [...index.hosts.values()].sort((a, b) => compareStrings(a.name, b.name))) {
    if (host.tls) continue
    const fallback = certificateFallbackName(host.name)
    const wildcard = fallback === undefined ? undefined : index.hosts.get(fallback)
    const tls = wildcard?.tls
    if (!wildcard || !tls) continue
    const ingresses = servingIngresses(host)
    if (ingresses.some((i) => i.controller !== tls.ingress.controller)) continue
    host.tls = {...tls, fromWildcard: wildcard.name}
    const first = ingresses[0]
    if (!first) continue
    const certificate = tls.secretName
      ? `Secret ${tls.ingress.ref.namespace}/${tls.secretName}`
      : tls.entryIndex !== undefined
        ? 'the default certificate: its TLS entry names no Secret'
        : 'a Secret of its Ingress whose certificate covers it, else the default certificate'
    const redirecting = host.locations.filter((l) => (l.ingress.intents.sslRedirect || l.ingress.intents.forceSslRedirect) && !isAcmeChallengePath(l.path))
    const redirect =
      redirecting.length === 0
        ? 'ssl-redirect is off for its paths, so it stays served over plain HTTP too, as nginx did'
        : redirecting.length === host.locations.length
          ? 'its plain-HTTP requests are redirected to HTTPS (308), as nginx did'
          : 'its plain-HTTP requests are redirected to HTTPS (308) on the paths of Ingresses with ssl-redirect on, as nginx did'
    diagnostics.push({
      level: 'info',
      code: 'tls-from-wildcard',
      object: objectRef('Ingress', first.ref),
      message:
        `host "${host.name}" has no TLS entry in any Ingress, and ingress-nginx served it over HTTPS with the certificate of the wildcard host ${wildcard.name} (${certificate}, from Ingress ${tls.ingress.id}): ` +
        'certificate.lua looks a name up as itself, then as its one-label wildcard, both for the TLS handshake and for the HTTPS redirect (lua_ingress.lua redirect_to_https). ' +
        `So its routes attach to the HTTPS listener that serves ${wildcard.name}, and ${redirect}`,
      hint: `list ${host.name} in a TLS entry (with the wildcard's Secret) to make this explicit`,
      source: first.source,
    })
  }
}

/**
 * Hosts without TLS that a TLS wildcard host's route covers on an HTTPS listener (Gateway API hostnames match any
 * depth: `*.example.com` takes a.b.example.com, and app.example.com when its controller differs) get their routes
 * attached to that listener too, without a redirect. ingress-nginx answered their HTTPS requests from their own
 * servers (every server listens on 443; the one-label regex server_name of the wildcard never takes them) with its
 * default certificate; on the http listener only, their HTTPS requests would reach the wildcard's route: another
 * Service. Envoy hands the connection to the most specific listener by SNI (exact, then the longest wildcard, then
 * the shared https listener: filter_chain_manager_impl.cc findFilterChainForServerName), so the host attaches to the
 * listener that holds the wildcard's routes for its name. Runs after planHttpsListeners.
 */
export function attachCoveredPlainHosts(index: HostIndex, plan: HttpsListenerPlan, options: TranslateOptions, diagnostics: Diagnostic[]): void {
  const passthrough = new Set<string>()
  for (const host of index.hosts.values()) if (host.locations.some((l) => isPassthrough(l.ingress))) passthrough.add(host.name)
  const wildcards = [...index.hosts.values()].filter((h) => h.name.startsWith('*.') && h.tls && !h.closed)
  if (wildcards.length === 0) return
  for (const host of [...index.hosts.values()].sort((a, b) => compareStrings(a.name, b.name))) {
    if (host.tls || host.closed || host.name === '' || passthrough.has(host.name)) continue
    const key = gatewayKey(host.gateway)
    const generated = (plan.hostListeners.get(key) ?? []).filter((l) => l.generated)
    // The listener Envoy gives the host's SNI: an exact one, else the longest wildcard covering it, else the shared one.
    const own = generated.find((l) => l.hostname === host.name)
    const wildcardListener = generated
      .filter((l) => l.hostname.startsWith('*.') && l.hostname !== host.name && host.name.endsWith(l.hostname.slice(1)))
      .sort((a, b) => b.hostname.length - a.hostname.length || compareStrings(a.name, b.name))[0]
    const listener = own?.name ?? wildcardListener?.name ?? ((plan.shared.get(key)?.size ?? 0) > 0 ? options.httpsListener : undefined)
    if (listener === undefined || own) continue
    // Is a wildcard host's route on that listener for this name? (Envoy picks the longest wildcard virtual host.)
    const covering = wildcards
      .filter((w) => gatewayKey(w.gateway) === key && w.name !== host.name && host.name.endsWith(w.name.slice(1)))
      .filter((w) => (wildcardListener ? (w.httpsListeners ?? []).includes(wildcardListener.name) : w.httpsListeners === undefined))
      .sort((a, b) => b.name.length - a.name.length || compareStrings(a.name, b.name))[0]
    if (!covering) continue
    const first = servingIngresses(host)[0]
    // nginx asked for client certificates on HTTPS for the host (its own server's ssl_verify_client): a listener
    // that does not ask must not serve it. Fail closed: not attached, said so.
    const clientAuth = servingIngresses(host).find((i) => i.intents.clientAuth !== undefined && (i.intents.clientAuth.denied !== undefined || i.intents.clientAuth.verify !== 'off'))
    if (clientAuth) {
      diagnostics.push({
        level: 'warning',
        code: 'mtls-host-under-tls-wildcard',
        object: objectRef('Ingress', clientAuth.ref),
        annotation: clientAuth.intents.clientAuth!.from[0],
        message: `host "${host.name}" has no TLS, and the route of the wildcard host ${covering.name} on the ${listener} listener answers its HTTPS requests (Gateway API hostnames match any depth); ingress-nginx answered them from the host's own server, asking for client certificates. No listener here asks them for this host without a certificate of its own, so its routes are not attached to ${listener}: over HTTPS it reaches ${covering.name}'s routes`,
        hint: `give ${host.name} a TLS entry with its certificate and convert again: it then gets a listener of its own with the client certificate settings`,
        source: clientAuth.source,
      })
      continue
    }
    host.httpsAlso = [listener]
    if (!first) continue
    const clientCertificates = wildcardListener?.clientAuth !== undefined
    diagnostics.push({
      level: clientCertificates ? 'warning' : 'info',
      code: 'plain-host-under-tls-wildcard',
      object: objectRef('Ingress', first.ref),
      message:
        `host "${host.name}" has no TLS, and the route of the wildcard host ${covering.name} on the ${listener} listener would answer its HTTPS requests (Gateway API hostnames match any depth, nginx's wildcard server name one label${host.name.startsWith('*.') ? ', and nginx chose the longer wildcard server' : ''}): ` +
        `ingress-nginx answered them from the host's own server, with its default certificate. Its routes attach to ${listener} as well (no redirect), so HTTPS keeps reaching its own Services; the certificate is the one of the listener's that Envoy picks by SNI (the first when none names the host) where nginx presented its default certificate` +
        (clientCertificates ? `. ${listener} asks for client certificates (auth-tls-* of ${covering.name}), which nginx did not ask of ${host.name}: clients without one now fail the handshake` : ''),
      hint: `give ${host.name} a TLS entry with a certificate for it to serve it properly over HTTPS`,
      source: first.source,
    })
  }
}
