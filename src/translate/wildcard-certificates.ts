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
import {about} from '../model/diagnostics.js'
import {diagnostic} from '../model/catalogue/diagnostic.js'
import {isPassthrough} from './emit-bundle.js'
import {gatewayKey} from './emit-gateway.js'
import {isAcmeChallengePath} from './emit-routes.js'
import type {HostIndex} from './hosts.js'
import type {HttpsListenerPlan} from './https-listeners.js'
import type {HostModel, IngressModel} from '../model/ingress-model.js'
import type {Diagnostic, TranslateOptions} from '../model/types.js'

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
      ? {case: 'secret' as const, secret: `${tls.ingress.ref.namespace}/${tls.secretName}`}
      : {case: tls.entryIndex !== undefined ? ('entry-without-secret' as const) : ('covering-or-default' as const)}
    const redirecting = host.locations.filter((l) => (l.ingress.intents.sslRedirect || l.ingress.intents.forceSslRedirect) && !isAcmeChallengePath(l.path))
    const redirect = redirecting.length === 0 ? 'none' : redirecting.length === host.locations.length ? 'all' : 'some'
    // ssl-passthrough: the TLS connection goes to the backend (the passthrough listener), yet the plain-HTTP server's
    // redirect still asks certificate.lua, which finds the wildcard's certificate for the name.
    const passthrough = ingresses.some(isPassthrough)
    diagnostics.push(
      diagnostic('tls-from-wildcard', {host: host.name, wildcard: wildcard.name, ingress: tls.ingress.id, passthrough, certificate, redirect}, {
        ...about('Ingress', first.ref),
        hint: `list ${host.name} in a TLS entry (with the wildcard's Secret) to make this explicit`,
        source: first.source,
      }),
    )
  }
}

/**
 * A server-alias of a host without TLS takes the certificate of its own one-label wildcard host, as any name does
 * (nginx.go configureCertificates sends the alias emptyUID when its server has no certificate), and
 * lua_ingress.lua redirect_to_https looks up the request's Host (certificate.configured_for_current_request,
 * ngx.var.host): plain HTTP for the alias was redirected to HTTPS, for the host's own name not. One route carries
 * both names on the Gateway, so the alias is served over plain HTTP as well: said on the host's first Ingress.
 * Runs after inheritWildcardCertificates (a host that took a certificate redirects all its names).
 */
export function reportAliasesUnderTlsWildcards(index: HostIndex, diagnostics: Diagnostic[]): void {
  for (const host of [...index.hosts.values()].sort((a, b) => compareStrings(a.name, b.name))) {
    if (host.tls || host.aliases.length === 0) continue
    const ingresses = servingIngresses(host)
    const first = ingresses[0]
    const redirecting = host.locations.some((l) => l.ingress.intents.sslRedirect && !l.ingress.intents.forceSslRedirect && !isAcmeChallengePath(l.path))
    if (!first || !redirecting) continue
    for (const alias of [...host.aliases].sort(compareStrings)) {
      const fallback = certificateFallbackName(alias)
      const tls = fallback === undefined ? undefined : index.hosts.get(fallback)?.tls
      if (!tls || ingresses.some((i) => i.controller !== tls.ingress.controller)) continue
      diagnostics.push(
        diagnostic('alias-under-tls-wildcard', {alias, host: host.name, wildcard: fallback!}, {
          ...about('Ingress', first.ref),
          fidelity: 'approximate',
          hint: `give ${host.name} and ${alias} a TLS entry (the redirect then holds for both), or move ${alias} to an Ingress of its own with the wildcard's Secret`,
          source: first.source,
        }),
      )
    }
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
    // Every name of the host's server: a server-alias is answered by the same server (nginx.tmpl server_name), so an
    // alias the wildcard's route would take over HTTPS is lost the same way as the host's own name.
    const covered = [host.name, ...host.aliases].flatMap((name) => {
      // The listener Envoy gives the name's SNI: an exact one, else the longest wildcard covering it, else the shared one.
      if (generated.some((l) => l.hostname === name)) return []
      const wildcardListener = generated
        .filter((l) => l.hostname.startsWith('*.') && l.hostname !== name && name.endsWith(l.hostname.slice(1)))
        .sort((a, b) => b.hostname.length - a.hostname.length || compareStrings(a.name, b.name))[0]
      const listener = wildcardListener?.name ?? ((plan.shared.get(key)?.size ?? 0) > 0 ? options.httpsListener : undefined)
      if (listener === undefined) return []
      // Is a wildcard host's route on that listener for this name? (Envoy picks the longest wildcard virtual host.)
      const covering = wildcards
        .filter((w) => gatewayKey(w.gateway) === key && w.name !== name && name.endsWith(w.name.slice(1)))
        .filter((w) => (wildcardListener ? (w.httpsListeners ?? []).includes(wildcardListener.name) : w.httpsListeners === undefined))
        .sort((a, b) => b.name.length - a.name.length || compareStrings(a.name, b.name))[0]
      return covering ? [{name, listener, wildcardListener, covering}] : []
    })
    const main = covered[0]
    if (!main) continue
    const {listener, wildcardListener, covering} = main
    const names = covered.map((c) => c.name)
    const first = servingIngresses(host)[0]
    // nginx asked for client certificates on HTTPS for the host (its own server's ssl_verify_client): a listener
    // that does not ask must not serve it. Fail closed: not attached, said so.
    const clientAuth = servingIngresses(host).find((i) => i.intents.clientAuth !== undefined && (i.intents.clientAuth.denied !== undefined || i.intents.clientAuth.verify !== 'off'))
    if (clientAuth) {
      // Only when no listener of the host's own could ask (https-listeners.ts coverDeepClientAuthHost: auth-tls-match-cn,
      // or the wildcard's certificate is not known): the wildcard's route answers the name without a client certificate.
      diagnostics.push(
        diagnostic(
          'mtls-host-under-tls-wildcard',
          {case: 'no-listener', host: host.name, names, wildcard: covering.name, listener, reason: clientAuth.intents.clientAuth!.matchCn !== undefined ? 'match-cn' : 'no-certificate'},
          {
            ...about('Ingress', clientAuth.ref),
            level: 'error',
            annotation: clientAuth.intents.clientAuth!.from[0],
            hint: `before applying, add to the Gateway a listener {hostname: ${host.name}, port 443, protocol HTTPS} with a certificate and a ClientTrafficPolicy tls.clientValidation (and the subject check, if auth-tls-match-cn is set), or give ${host.name} a TLS entry with its certificate and convert again`,
            source: clientAuth.source,
          },
        ),
      )
      continue
    }
    // The route carries all of the server's names: attached for one, it answers HTTPS for each of them.
    host.httpsAlso = [...new Set(covered.map((c) => c.listener))].sort(compareStrings)
    if (!first) continue
    const clientCertificates = wildcardListener?.clientAuth !== undefined
    diagnostics.push(
      diagnostic('plain-host-under-tls-wildcard', {host: host.name, names, wildcard: covering.name, listener, clientCertificates}, {
        ...about('Ingress', first.ref),
        level: clientCertificates ? 'warning' : 'info',
        hint: `give ${host.name} a TLS entry with a certificate for it to serve it properly over HTTPS`,
        source: first.source,
      }),
    )
  }
}
