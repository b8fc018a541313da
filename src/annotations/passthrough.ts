import {objectRef} from '../model/diagnostics.js'
import {GATEWAY_GROUP, gatewayParentRef} from '../model/gateway-refs.js'
import {dnsName, normalizeHost} from '../model/names.js'
import {managedMetadata} from '../model/provenance.js'
import {parseBool} from '../model/parsers.js'
import type {AnnotationFamily, FamilyContext} from './types.js'
import {diagnostic} from '../model/catalogue/diagnostic.js'

/** The Gateway listener TLSRoutes attach to; the gateway owner adds it (protocol TLS, mode Passthrough). */
export const PASSTHROUGH_LISTENER = 'tls-passthrough'

/** The bundle's TLS passthrough listener of one host: Envoy separates it from the https listener by SNI. */
export function passthroughListenerName(hostname: string): string {
  return dnsName('tls', hostname)
}

/** True when the Ingress passes TLS through: nginx then ignores all its other annotations. */
export function sslPassthroughOn(ctx: FamilyContext): boolean {
  return ctx.value<boolean>('ssl-passthrough') === true
}

interface PassthroughBackend {
  name: string
  port: number
}

/**
 * ssl-passthrough -> TLSRoute (gateway.networking.k8s.io/v1, served by the standard and experimental v1.6 CRDs)
 * on the `tls-passthrough` listener, and no HTTPRoute for the Ingress.
 *
 * With --enable-ssl-passthrough, ingress-nginx routes TLS connections by SNI before terminating them: a
 * passthrough host's connection goes, still encrypted, to the Service of the host's `/` location; every other
 * annotation of the Ingress is ignored for it.
 */
export const passthroughFamily: AnnotationFamily = {
  name: 'passthrough',
  owns: ['suppressRoute'],
  specs: [
    {
      key: 'ssl-passthrough',
      summary: 'Pass TLS connections for the host to the backend of its / path without terminating them',
      fidelity: 'manual',
      target: `TLSRoute on a \`${PASSTHROUGH_LISTENER}\` listener (protocol TLS, mode Passthrough) that the gateway owner adds`,
      note: `the shared Gateway has no passthrough listener: the gateway owner must add the \`${PASSTHROUGH_LISTENER}\` listener before the TLSRoute is served`,
      default: 'false',
      parse: parseBool,
    },
  ],
  apply(ctx) {
    if (ctx.ingress.isCanary) return
    const on = ctx.value<boolean>('ssl-passthrough')
    if (on === false) ctx.account('ssl-passthrough', 'exact')
    if (on !== true) return
    const key = ctx.fullKey('ssl-passthrough')
    const ingress = ctx.ingress
    ctx.patch.suppressRoute = {from: [key]}

    const byBackend = new Map<string, {backend: PassthroughBackend; hosts: string[]}>()
    const missing: string[] = []
    const rules: any[] = Array.isArray(ingress.object.spec?.rules) ? ingress.object.spec.rules : []
    let hostless = false
    const wildcards: string[] = []
    for (const rule of rules) {
      const host = normalizeHost(rule?.host)
      if (host === '') {
        hostless = true
        continue
      }
      // nginx matches the client's server name to a passthrough host by string equality (pkg/tcpproxy/tcp.go
      // TCPProxy.Get: s.Hostname == host), and no server name contains `*`: a wildcard host was never passed through.
      if (host.startsWith('*.')) {
        if (!wildcards.includes(host)) wildcards.push(host)
        continue
      }
      const backend = rootBackend(ctx, rule)
      if (!backend) {
        if (!missing.includes(host)) missing.push(host)
        continue
      }
      const k = `${backend.name}:${backend.port}`
      const group = byBackend.get(k) ?? {backend, hosts: []}
      if (!group.hosts.includes(host)) group.hosts.push(host)
      byBackend.set(k, group)
    }

    const groups = [...byBackend.values()]
    for (const g of groups) g.hosts.sort()
    groups.sort((a, b) => a.hosts[0].localeCompare(b.hosts[0]))
    const sources = [objectRef('Ingress', ingress.ref)]
    for (const g of groups) {
      const name = groups.length === 1 ? ingress.ref.name : dnsName(ingress.ref.name, g.hosts[0])
      // The gateway bundle gives each passthrough host a TLS listener of its own (passthroughListeners); without it
      // the gateway owner adds the one listener the hint describes.
      const sections = ctx.options.emitGateway === true ? g.hosts.map(passthroughListenerName) : [PASSTHROUGH_LISTENER]
      ctx.patch.objects.push({
        from: [key],
        role: 'passthrough-route',
        object: {
          apiVersion: `${GATEWAY_GROUP}/v1`,
          kind: 'TLSRoute',
          metadata: managedMetadata(name, ingress.ref.namespace, sources, [key]),
          spec: {
            parentRefs: sections.map((section) => gatewayParentRef(ingress.gateway, section)),
            hostnames: g.hosts,
            rules: [{backendRefs: [{name: g.backend.name, port: g.backend.port}]}],
          },
        },
      })
    }

    const hosts = groups.flatMap((g) => g.hosts)
    const listener = `{name: ${PASSTHROUGH_LISTENER}, protocol: TLS, port: 443, hostname: ${hosts[0] ?? '<host>'}, tls: {mode: Passthrough}, allowedRoutes: {kinds: [{kind: TLSRoute}], namespaces: {from: Selector, selector: {matchLabels: {${ctx.options.namespaceLabel.key}: "${ctx.options.namespaceLabel.value}"}}}}}`
    const served = hosts.length > 0 ? `TLS connections for ${hosts.join(', ')} pass through to ${groups.map((g) => `${g.backend.name}:${g.backend.port}`).join(', ')} by a TLSRoute` : 'no TLSRoute could be built'
    ctx.account(
      'ssl-passthrough',
      'manual',
      `${served} attached to a TLS passthrough listener of ${ingress.gateway.namespace}/${ingress.gateway.name} (the gateway bundle, --emit-gateway, adds one per host; otherwise the gateway owner adds it); no HTTPRoute is emitted, because nginx ignores the Ingress's HTTP settings for passthrough hosts (plain-HTTP requests on port 80 were still served with them: add an HTTPRoute on the http listener if you relied on that, e.g. for a redirect to https)`,
      {
        hint: `the gateway owner adds the listener ${listener}. Port 443 already carries the https listener: Envoy Gateway separates the two by SNI only when the passthrough listener names its hostname, so use one such listener per passthrough host (with its own name, and the TLSRoute's sectionName set to it), or put the passthrough listener on a separate Gateway with its own address (point these hosts' DNS at it and change the TLSRoute's parentRef); ingress-nginx needed --enable-ssl-passthrough for this annotation to work at all`,
      },
    )
    if (missing.length > 0) {
      ctx.diag(diagnostic('ssl-passthrough-no-root-path', {key, hosts: missing}, {annotation: key, hint: 'add a TLSRoute for that host with the Service that serves its / path as backendRef'}))
    }
    if (wildcards.length > 0) {
      ctx.diag(diagnostic('ssl-passthrough-wildcard', {key, hosts: wildcards}, {
        annotation: key,
        hint: `to keep what nginx did, remove ssl-passthrough from this Ingress (or move ${wildcards.join(', ')} to an Ingress without it) and convert again; to pass the subdomains through, list them as exact hosts`,
      }))
    }
    if (hostless) {
      ctx.diag(diagnostic('ssl-passthrough-without-host', {key}, {annotation: key}))
    }
    for (const a of ingress.annotations.values()) {
      if (a.key === 'ssl-passthrough') continue
      ctx.account(a.key, 'ignored', 'ssl-passthrough is on: nginx hands the TLS connection to the backend unterminated and ignores the Ingress\'s other annotations')
    }
  },
}

/** The Service of the rule's `/` path (Prefix or ImplementationSpecific first, then Exact), else spec.defaultBackend. */
function rootBackend(ctx: FamilyContext, rule: any): PassthroughBackend | undefined {
  const paths: any[] = Array.isArray(rule?.http?.paths) ? rule.http.paths : []
  const root = paths.filter((p) => (p?.path ?? '') === '' || p?.path === '/')
  const chosen = root.find((p) => p?.pathType !== 'Exact') ?? root[0]
  const backend = chosen?.backend ?? ctx.ingress.object.spec?.defaultBackend
  const svc = backend?.service
  if (!svc || typeof svc.name !== 'string' || svc.name === '') return undefined
  const port = svc.port ?? {}
  if (typeof port.number === 'number') return {name: svc.name, port: port.number}
  if (typeof port.name === 'string') {
    const match = (ctx.lookup.service(ctx.ingress.ref.namespace, svc.name)?.spec?.ports ?? []).find((p: any) => p?.name === port.name)
    if (typeof match?.port === 'number') return {name: svc.name, port: match.port}
  }
  return undefined
}
