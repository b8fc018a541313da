import {objectRef} from '../model/diagnostics.js'
import {GATEWAY_GROUP, gatewayParentRef} from '../model/gateway-refs.js'
import {dnsName, normalizeHost} from '../model/names.js'
import {restorePlaceholders} from './placeholders.js'
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
  namespace: string
  name: string
  port: number
}

/**
 * ssl-passthrough -> TLSRoute (gateway.networking.k8s.io/v1, served by the standard and experimental v1.6 CRDs)
 * on the `tls-passthrough` listener, and no HTTPRoute for the Ingress.
 *
 * With --enable-ssl-passthrough, ingress-nginx routes TLS connections by SNI before terminating them: a
 * passthrough host's connection goes, still encrypted, to the Service of its server's Prefix `/` location, whichever
 * Ingress of the host made it (Lookup.passthroughServer); every other annotation of the Ingress is ignored for it.
 */
export const passthroughFamily: AnnotationFamily = {
  name: 'passthrough',
  owns: ['suppressRoute'],
  specs: [
    {
      key: 'ssl-passthrough',
      summary: 'Pass TLS connections for the host, unterminated, to the Service of its Prefix / path (whichever Ingress of the host has it)',
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

    const {byBackend, missing, wildcards, hostless, borrowed, shared, unresolved} = passthroughHosts(ctx)
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
            rules: [{backendRefs: [backendRef(g.backend, ingress.ref.namespace)]}],
          },
        },
      })
    }
    referenceGrants(ctx, groups.map((g) => g.backend), key)

    accountPassthrough(ctx, groups)
    if (missing.length > 0) {
      ctx.diag(diagnostic('ssl-passthrough-no-root-path', {key, hosts: missing}, {
        annotation: key,
        hint: `add a path / of pathType Prefix to ${missing.length === 1 ? 'the host\'s rule' : 'each host\'s rule'} in this Ingress with the Service that terminates TLS for it, and convert again`,
      }))
    }
    for (const u of unresolved) {
      ctx.diag(diagnostic('ssl-passthrough-root-unresolved', {key, ...u}, {annotation: key, hint: 'add the Service to the input (or read it from the cluster with --lookup-cluster), or use port.number in that path, and convert again'}))
    }
    for (const b of borrowed) {
      ctx.diag(diagnostic('ssl-passthrough-root-from-other-ingress', {key, ...b}, {
        annotation: key,
        hint: `check that ${b.service} is the Service that should terminate TLS for ${b.host}: to pass the connections to another one, change the Prefix / path of ${b.ingress} (the oldest Ingress with one for the host), not this Ingress`,
      }))
    }
    for (const s of shared) ctx.diag(diagnostic('ssl-passthrough-host-shared', {key, ...s}, {annotation: key}))
    if (wildcards.length > 0) {
      ctx.diag(diagnostic('ssl-passthrough-wildcard', {key, hosts: wildcards}, {
        annotation: key,
        hint: `to keep what nginx did, remove ssl-passthrough from this Ingress (or move ${wildcards.join(', ')} to an Ingress without it) and convert again; to pass the subdomains through, list them as exact hosts`,
      }))
    }
    if (hostless) {
      ctx.diag(diagnostic('ssl-passthrough-without-host', {key}, {annotation: key}))
    }
    const aliasesAccounted = accountAliases(ctx, key)
    for (const a of ingress.annotations.values()) {
      if (a.key === 'ssl-passthrough' || (a.key === 'server-alias' && aliasesAccounted)) continue
      ctx.account(a.key, 'ignored', 'ssl-passthrough is on: nginx hands the TLS connection to the backend unterminated and ignores the Ingress\'s other annotations')
    }
  },
}

const HTTP_SIDE = 'no HTTPRoute is emitted, because nginx ignores the Ingress\'s HTTP settings for passthrough hosts (plain-HTTP requests on port 80 were still served with them: add an HTTPRoute on the http listener if you relied on that, e.g. for a redirect to https)'

/** The ssl-passthrough key's account: where the TLSRoutes send the connections and the listener they need. */
function accountPassthrough(ctx: FamilyContext, groups: {backend: PassthroughBackend; hosts: string[]}[]): void {
  const {ingress} = ctx
  const hosts = groups.flatMap((g) => g.hosts)
  if (hosts.length === 0) {
    // Every host is reported below (no `/` path, another Ingress's TLSRoute, wildcard, no host): no listener to add.
    ctx.account('ssl-passthrough', 'manual', `no TLSRoute is emitted from this Ingress; ${HTTP_SIDE}`)
    return
  }
  const listener = `{name: ${PASSTHROUGH_LISTENER}, protocol: TLS, port: 443, hostname: ${hosts[0]}, tls: {mode: Passthrough}, allowedRoutes: {kinds: [{kind: TLSRoute}], namespaces: {from: Selector, selector: {matchLabels: {${ctx.options.namespaceLabel.key}: "${ctx.options.namespaceLabel.value}"}}}}}`
  const services = groups.map((g) => `${g.backend.namespace === ingress.ref.namespace ? '' : `${g.backend.namespace}/`}${g.backend.name}:${g.backend.port}`)
  ctx.account(
    'ssl-passthrough',
    'manual',
    `TLS connections for ${hosts.join(', ')} pass through to ${services.join(', ')} by a TLSRoute attached to a TLS passthrough listener of ${ingress.gateway.namespace}/${ingress.gateway.name} (the gateway bundle, --emit-gateway, adds one per host; otherwise the gateway owner adds it); ${HTTP_SIDE}`,
    {
      hint: `the gateway owner adds the listener ${listener}. Port 443 already carries the https listener: Envoy Gateway separates the two by SNI only when the passthrough listener names its hostname, so use one such listener per passthrough host (with its own name, and the TLSRoute's sectionName set to it), or put the passthrough listener on a separate Gateway with its own address (point these hosts' DNS at it and change the TLSRoute's parentRef); ingress-nginx needed --enable-ssl-passthrough for this annotation to work at all`,
    },
  )
}

/** The TLSRoute's backendRef: a Service of another namespace when another Ingress's `/` path names it. */
function backendRef(backend: PassthroughBackend, namespace: string): {name: string; namespace?: string; port: number} {
  return backend.namespace === namespace ? {name: backend.name, port: backend.port} : {name: backend.name, namespace: backend.namespace, port: backend.port}
}

/** The ReferenceGrants that let this Ingress's TLSRoutes reach Services of other namespaces (one per namespace). */
function referenceGrants(ctx: FamilyContext, backends: PassthroughBackend[], key: string): void {
  const from = ctx.ingress.ref
  const byNamespace = new Map<string, Set<string>>()
  for (const b of backends) {
    if (b.namespace === from.namespace) continue
    const names = byNamespace.get(b.namespace) ?? new Set<string>()
    names.add(b.name)
    byNamespace.set(b.namespace, names)
  }
  for (const [namespace, names] of [...byNamespace].sort((a, b) => a[0].localeCompare(b[0]))) {
    ctx.patch.objects.push({
      from: [key],
      object: {
        apiVersion: `${GATEWAY_GROUP}/v1beta1`,
        kind: 'ReferenceGrant',
        metadata: managedMetadata(dnsName('ingress2gw-from', from.namespace, from.name, 'tlsroute'), namespace, [objectRef('Ingress', from)], [key]),
        spec: {
          from: [{group: GATEWAY_GROUP, kind: 'TLSRoute', namespace: from.namespace}],
          to: [...names].sort().map((name) => ({group: '', kind: 'Service', name})),
        },
      },
    })
  }
}

interface HostPlan {
  byBackend: Map<string, {backend: PassthroughBackend; hosts: string[]}>
  /** Hosts whose server has no Prefix `/` path: nginx's TLS proxy had nothing to dial. */
  missing: string[]
  wildcards: string[]
  hostless: boolean
  /** Hosts whose server's Prefix `/` path is another Ingress's. */
  borrowed: {host: string; ingress: string; service: string}[]
  /** Hosts that an older ssl-passthrough Ingress's TLSRoute carries. */
  shared: {host: string; ingress: string; routed: boolean}[]
  /** Hosts whose Prefix `/` path names its port by a name no Service of the input resolves. */
  unresolved: {host: string; ingress: string}[]
}

/**
 * Where each host of the Ingress passes its TLS connections: to the Service of its server's Prefix `/` location
 * (controller.go getConfiguration, see PassthroughServer), whichever Ingress of the host made it; one TLSRoute per
 * host, from the host's first ssl-passthrough Ingress in nginx order (nginx has one passthrough backend per server).
 */
function passthroughHosts(ctx: FamilyContext): HostPlan {
  const ingress = ctx.ingress
  const plan: HostPlan = {byBackend: new Map(), missing: [], wildcards: [], hostless: false, borrowed: [], shared: [], unresolved: []}
  const rules: any[] = Array.isArray(ingress.object.spec?.rules) ? ingress.object.spec.rules : []
  for (const host of new Set(rules.map((rule) => normalizeHost(rule?.host)))) {
    if (host === '') {
      plan.hostless = true
      continue
    }
    // nginx matches the client's server name to a passthrough host by string equality (pkg/tcpproxy/tcp.go
    // TCPProxy.Get: s.Hostname == host), and no server name contains `*`: a wildcard host was never passed through.
    if (host.startsWith('*.')) {
      plan.wildcards.push(host)
      continue
    }
    // A host nginx has no server for (an IP address, an invalid name: invalid-host says so) has nothing to pass.
    if (!ctx.lookup.hostServed(host)) continue
    const server = ctx.lookup.passthroughServer(host, ingress.controller)
    const first = server.passthrough[0]
    if (first !== undefined && first !== ingress.id) {
      // The first one's TLSRoute exists only when the server's Prefix `/` resolves (see below, for that Ingress).
      plan.shared.push({host, ingress: first, routed: server.firstRoot?.backend !== undefined})
      continue
    }
    if (!server.root) {
      plan.missing.push(host)
      continue
    }
    const backend = server.root.backend
    if (!backend) {
      plan.unresolved.push({host, ingress: server.root.ingress})
      continue
    }
    if (server.root.ingress !== ingress.id) plan.borrowed.push({host, ingress: server.root.ingress, service: `${backend.namespace}/${backend.name}:${backend.port}`})
    const k = `${backend.namespace}/${backend.name}:${backend.port}`
    const group = plan.byBackend.get(k) ?? {backend: {namespace: backend.namespace, name: backend.name, port: backend.port}, hosts: []}
    group.hosts.push(host)
    plan.byBackend.set(k, group)
  }
  return plan
}

/**
 * server-alias on a passthrough Ingress. nginx puts the aliases in the server's server_name (controller.go
 * createServers takes them from any Ingress of the host; nginx.tmpl server_name ... $server.Aliases), but its TLS
 * proxy passes through only the server's own host name (controller.go getConfiguration builds the list from
 * server.Hostname; pkg/tcpproxy/tcp.go TCPProxy.Get compares it with the SNI exactly): a connection for an alias goes
 * to nginx's HTTPS server, which terminates TLS (nginx.go configureCertificates: the server's certificate when it
 * covers the alias, else the default one) and serves every location of the server, as plain HTTP on port 80 does.
 * The host model gives the aliases to the host's routes (hosts.ts aliasIntent), the other Ingresses' included; the
 * passthrough Ingresses' paths have no route, so the diagnostic names them. Where the aliases were not the host's
 * (an older Ingress's took it, or each is a host of its own), the host model's own diagnostic says so.
 */
function accountAliases(ctx: FamilyContext, key: string): boolean {
  const aliases = ctx.value<string[]>('server-alias')
  if (aliases === undefined || aliases.length === 0) return false
  const ingress = ctx.ingress
  const rules: any[] = Array.isArray(ingress.object.spec?.rules) ? ingress.object.spec.rules : []
  const hosts = [...new Set(rules.map((rule) => normalizeHost(rule?.host)))].filter((h) => h !== '' && ctx.lookup.hostServed(h))
  if (hosts.length === 0) {
    ctx.account('server-alias', 'ignored', 'this Ingress has no named host to alias: nginx did not use these aliases')
    return true
  }
  const owned = hosts.filter((h) => ctx.lookup.passthroughServer(h, ingress.controller).aliasOwner === ingress.id)
  // createServers drops an alias that is a server's host name (allAliases loop); a later Ingress's aliases are
  // skipped: hosts.ts assignAliases reports both (server-alias-shadowed, server-alias-is-host).
  const names = [...new Set(aliases.map((a) => restorePlaceholders(a).toLowerCase()))].filter((n) => !ctx.lookup.hostServed(n))
  if (owned.length === 0 || names.length === 0) {
    ctx.account('server-alias', 'ignored')
    return true
  }
  const passthrough = new Set(owned.flatMap((h) => ctx.lookup.passthroughServer(h, ingress.controller).passthrough))
  const served = [...new Set(owned.flatMap((h) => ctx.lookup.ingressesOnHost(h).map((o) => o.ingress)))].filter((id) => !passthrough.has(id))
  const lost = lostPaths(ctx, owned, passthrough)
  // The diagnostic below says it: an account without a message adds none of its own.
  ctx.account('server-alias', 'manual')
  ctx.diag(diagnostic('ssl-passthrough-alias', {key: ctx.fullKey('server-alias'), passthrough: key, aliases: names, hosts: owned, served, lost}, {
    annotation: ctx.fullKey('server-alias'),
    hint: `if requests for ${names.join(', ')} reached these paths, add an Ingress without ssl-passthrough whose rules name ${names.length === 1 ? 'it' : 'them'} with those paths (and tls), and convert again; to pass ${names.length === 1 ? 'it' : 'them'} through instead (which nginx never did), list ${names.length === 1 ? 'it as a host' : 'them as hosts'} of this Ingress's rules`,
  }))
  return true
}

/**
 * The locations of the host's ssl-passthrough Ingresses that the alias no longer reaches: this Ingress's rule paths
 * on those hosts (`host: pathType path`), and the other passthrough Ingresses of the hosts by name.
 */
function lostPaths(ctx: FamilyContext, hosts: string[], passthrough: Set<string>): string[] {
  const ingress = ctx.ingress
  const rules: any[] = Array.isArray(ingress.object.spec?.rules) ? ingress.object.spec.rules : []
  const own: string[] = []
  for (const rule of rules) {
    const host = normalizeHost(rule?.host)
    if (!hosts.includes(host)) continue
    const paths: any[] = Array.isArray(rule?.http?.paths) ? rule.http.paths : []
    for (const p of paths) {
      const path = typeof p?.path === 'string' && p.path !== '' ? p.path : '/'
      own.push(`${p?.pathType ?? 'ImplementationSpecific'} ${path}`)
    }
  }
  const mine = own.length === 0 ? [] : [`${[...new Set(own)].join(', ')} of Ingress ${ingress.id}`]
  return [...mine, ...[...passthrough].filter((id) => id !== ingress.id).map((id) => `the paths of Ingress ${id}`)]
}
