/**
 * Host-less rules over HTTPS (nginx's catch-all server `_` on 443) -> catch-all-https: what the Gateway does not
 * serve, and what the user must add.
 *
 * ingress-nginx renders the server `_` with `listen 443 default_server ssl` (template.go buildHTTPSListener,
 * commonListenOptions) and gives it the default certificate (controller.go createServers: getDefaultSSLCertificate,
 * i.e. --default-ssl-certificate, else the self-signed "Kubernetes Ingress Controller Fake Certificate");
 * certificate.lua call serves that certificate to every SNI no server has a certificate for, and nginx routes the
 * request by Host to `_` when no server has the name. So an HTTPS request for any name without a server of its own
 * (or by address, as load balancer health checks do) reached the host-less rules. The Gateway attaches their route
 * (no hostnames) to the http listener only: it cannot emit the default certificate (never seen, or self-signed by
 * the controller), and on an https listener the route would also answer the HTTPS requests of every host without TLS,
 * which nginx served from their own servers. Pure.
 */
import {compareStrings} from '../util/hash.js'
import {about} from '../model/diagnostics.js'
import {diagnostic} from '../model/catalogue/diagnostic.js'
import {gatewayKey} from './emit-gateway.js'
import type {HostIndex} from './hosts.js'
import type {IngressModel, Location} from '../model/ingress-model.js'
import type {Diagnostic, TranslateOptions} from '../model/types.js'

/**
 * One warning per Ingress whose rules (or rule-less spec.defaultBackend) nginx served on the catch-all server of this
 * Gateway. `httpsListener`: the Gateway has the shared https listener (it takes TLS connections for any name).
 */
export function reportCatchAllHttps(index: HostIndex, httpsListener: boolean, options: TranslateOptions, diagnostics: Diagnostic[]): void {
  const catchAll = index.hosts.get('')
  if (!catchAll || catchAll.closed) return
  const byIngress = new Map<IngressModel, Location[]>()
  // Redirect-only locations (no backend) answered HTTPS too.
  for (const l of catchAll.locations) byIngress.set(l.ingress, [...(byIngress.get(l.ingress) ?? []), l])
  const gateway = gatewayKey(catchAll.gateway)
  for (const [ingress, locations] of [...byIngress].sort(([a], [b]) => a.order - b.order || compareStrings(a.id, b.id))) {
    const paths = locations.map((l) => ({match: l.match, path: l.path})).sort((a, b) => compareStrings(`${a.match} ${a.path}`, `${b.match} ${b.path}`))
    const ruleless = !Array.isArray(ingress.object.spec?.rules) || ingress.object.spec.rules.length === 0
    const facts = {ruleless, paths, gateway, httpListener: options.httpListener, ...(httpsListener ? {httpsListener: options.httpsListener} : {})}
    diagnostics.push(
      diagnostic('catch-all-https', facts, {
        ...about('Ingress', ingress.ref),
        hint:
          `if clients or load balancer health checks use HTTPS here: ${httpsListener ? '' : `put the controller's default certificate (--default-ssl-certificate) in a Secret and add an HTTPS listener on port 443 without hostname to ${gateway} listing it, then `}` +
          `add a parentRef with sectionName ${httpsListener ? options.httpsListener : '<that listener>'} to this Ingress's route without hostnames, and to the routes of the hosts without TLS (otherwise their HTTPS requests reach ${ruleless ? 'it' : 'these rules'} instead of a 404)`,
        source: ingress.source,
      }),
    )
  }
}
