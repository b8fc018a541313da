/**
 * The shared Gateway side: certificate references and the ReferenceGrants they need, the `https-redirect`
 * routes on the `http` listener, the Gateway itself and the namespace labels that admit routes.
 */
import {compareStrings, shortHash} from '../util/hash.js'
import {about, objectRef} from '../model/diagnostics.js'
import {diagnostic} from '../model/catalogue/diagnostic.js'
import type {HostIndex} from './hosts.js'
import type {IngressModel, Location} from '../model/ingress-model.js'
import {dnsName, normalizeHost} from '../model/names.js'
import {gatewayParentRef, GATEWAY_GROUP} from '../model/gateway-refs.js'
import {isAcmeChallengePath, pathMatch} from './emit-routes.js'
import {managedMetadata} from '../model/provenance.js'
import {ingressIds, record, type Emitted} from './records.js'
import type {Diagnostic, DiagnosticRef, KubeObject, NamespacedName, TargetCapabilities, TranslateOptions} from '../model/types.js'
import type {EmittedObject, GatewayListener, HTTPRouteFilter, NamespaceObject} from '../model/emitted.js'
import type {GatewaySpec, GatewaySpecListenersTlsCertificateRefs, HTTPRouteSpec} from '../model/generated/index.js'
import {pushAll} from '../util/arrays.js'

export interface CertRef {
  namespace: string
  name: string
  sources: string[]
  /** The Ingress whose TLS entry declared it, as diagnostics name it (model/diagnostics.ts about). */
  subject?: {object: string; ref: DiagnosticRef}
}

export function gatewayKey(g: NamespacedName): string {
  return `${g.namespace}/${g.name}`
}

/**
 * Secrets the https listener of each Gateway must list (sorted, deduplicated): per host, the Secret of the Ingress
 * that gives the host its certificate in ingress-nginx (see assignTls). Envoy picks among them by SNI.
 */
export function collectCertificateRefs(
  index: HostIndex,
  ingresses: IngressModel[],
  skip: (ingress: IngressModel) => boolean,
  diagnostics: Diagnostic[],
): Map<string, Map<string, CertRef>> {
  const byGateway = new Map<string, Map<string, CertRef>>()
  // Each ref's sources as a set too: a wildcard Secret named by thousands of Ingresses made the check quadratic.
  const sourcesOf = new Map<CertRef, Set<string>>()
  const add = (ingress: IngressModel, secretName: string) => {
    const key = gatewayKey(ingress.gateway)
    const refs = byGateway.get(key) ?? new Map<string, CertRef>()
    byGateway.set(key, refs)
    const id = `${ingress.ref.namespace}/${secretName}`
    let ref = refs.get(id)
    if (!ref) {
      ref = {namespace: ingress.ref.namespace, name: secretName, sources: [], subject: about('Ingress', ingress.ref)}
      refs.set(id, ref)
      sourcesOf.set(ref, new Set())
    }
    const source = objectRef('Ingress', ingress.ref)
    const seen = sourcesOf.get(ref)!
    if (!seen.has(source)) {
      seen.add(source)
      ref.sources.push(source)
    }
  }
  const at = (ingress: IngressModel, hint?: string) => ({...about('Ingress', ingress.ref), ...(hint !== undefined ? {hint} : {}), source: ingress.source})
  const defaultCertHosts = new Map<IngressModel, string[]>()
  const unlistedHosts = new Map<IngressModel, string[]>()
  const wonEntries = new Set<string>()
  for (const host of [...index.hosts.values()].sort((a, b) => compareStrings(a.name, b.name))) {
    const tls = host.tls
    // A host with its wildcard's certificate: the wildcard host lists (and reports) that certificate.
    if (!tls || skip(tls.ingress) || tls.fromWildcard !== undefined) continue
    if (tls.entryIndex !== undefined) wonEntries.add(`${tls.ingress.id}#${tls.entryIndex}`)
    if (tls.secretName) add(tls.ingress, tls.secretName)
    else if (tls.entryIndex !== undefined) defaultCertHosts.set(tls.ingress, [...(defaultCertHosts.get(tls.ingress) ?? []), host.name])
    else unlistedHosts.set(tls.ingress, [...(unlistedHosts.get(tls.ingress) ?? []), host.name])
  }
  for (const [ingress, hosts] of defaultCertHosts) {
    diagnostics.push(
      diagnostic('tls-without-secret', {hosts}, at(ingress, `the gateway owner must add the default certificate (--default-ssl-certificate of the controller) to the https listener of ${gatewayKey(ingress.gateway)}`)),
    )
  }
  for (const [ingress, hosts] of unlistedHosts) {
    const secrets = [...new Set(((ingress.object.spec.tls ?? []) as any[]).map((e) => e?.secretName).filter((n) => typeof n === 'string' && n !== ''))] as string[]
    for (const s of secrets) add(ingress, s)
    diagnostics.push(
      diagnostic('tls-host-not-listed', {hosts, secrets}, at(ingress, 'list every host in spec.tls (or check that one of the Secrets covers it); otherwise add the default certificate to the https listener')),
    )
  }
  // TLS entries that win no host: nginx ignored them (another Ingress came first, or no rule has the host).
  for (const ingress of ingresses) {
    if (ingress.isCanary || !ingress.served || skip(ingress)) continue
    const tls: any[] = Array.isArray(ingress.object.spec.tls) ? ingress.object.spec.tls : []
    tls.forEach((entry, i) => {
      if (wonEntries.has(`${ingress.id}#${i}`) || unlistedHosts.has(ingress)) return
      // The same Secret is on the listener anyway (two Ingresses of a namespace naming one Secret): nothing lost.
      if (entry?.secretName && byGateway.get(gatewayKey(ingress.gateway))?.has(`${ingress.ref.namespace}/${entry.secretName}`)) return
      const hosts = (Array.isArray(entry?.hosts) ? entry.hosts : []).map(normalizeHost)
      const winners = [...new Set(hosts.map((h: string) => index.hosts.get(h)?.tls?.ingress.id).filter((id: string | undefined) => id && id !== ingress.id))]
      diagnostics.push(diagnostic('tls-entry-ignored', {entry: i, hosts, ...(entry?.secretName ? {secret: String(entry.secretName)} : {}), winners: winners as string[]}, at(ingress)))
    })
  }
  return byGateway
}

/** One ReferenceGrant per (namespace, Gateway) letting the Gateway read the listed Secrets (16 per grant). */
export function referenceGrants(
  certs: Map<string, Map<string, CertRef>>,
  gateways: Map<string, NamespacedName>,
  capabilities: TargetCapabilities,
): Emitted[] {
  const out: Emitted[] = []
  for (const [key, refs] of certs) {
    const gw = gateways.get(key)!
    const byNs = new Map<string, CertRef[]>()
    for (const ref of refs.values()) {
      if (ref.namespace === gw.namespace) continue
      const list = byNs.get(ref.namespace) ?? []
      list.push(ref)
      byNs.set(ref.namespace, list)
    }
    for (const [ns, list] of byNs) {
      list.sort((a, b) => compareStrings(a.name, b.name))
      for (let i = 0; i < list.length; i += 16) {
        const chunk = list.slice(i, i + 16)
        const base = dnsName('ingress2gw', gw.namespace, gw.name, 'tls')
        const name = i === 0 ? base : dnsName(base, String(i / 16 + 1))
        const sources = chunk.flatMap((r) => r.sources)
        const grant: EmittedObject<'ReferenceGrant'> = {
          apiVersion: `${GATEWAY_GROUP}/${capabilities.referenceGrantVersion}`,
          kind: 'ReferenceGrant',
          metadata: managedMetadata(name, ns, sources),
          spec: {
            from: [{group: GATEWAY_GROUP, kind: 'Gateway', namespace: gw.namespace}],
            to: chunk.map((r) => ({group: '', kind: 'Secret', name: r.name})),
          },
        }
        out.push(record(grant, 'reference-grant', {ingresses: ingressIds(sources), gateway: key}))
      }
    }
  }
  return out
}

export interface RedirectPlan {
  /** Hosts whose every location redirects: one PathPrefix `/` redirect. */
  wholeHosts: {host: string; sources: string[]}[]
  /** Hosts where some Ingresses turned ssl-redirect off: redirect only the other locations. */
  partial: {host: string; aliases: string[]; locations: Location[]; regex: boolean}[]
}

/** Which plain-HTTP requests nginx redirected to HTTPS, per Gateway. */
export function planRedirects(index: HostIndex): Map<string, RedirectPlan> {
  const plans = new Map<string, RedirectPlan>()
  for (const host of [...index.hosts.values()].sort((a, b) => compareStrings(a.name, b.name))) {
    if (host.name === '' || !host.tls) continue
    const redirecting = host.locations.filter((l) => (l.ingress.intents.sslRedirect || l.ingress.intents.forceSslRedirect) && !isAcmeChallengePath(l.path))
    if (redirecting.length === 0 && host.locations.length > 0) continue
    const key = gatewayKey(host.gateway)
    const plan = plans.get(key) ?? {wholeHosts: [], partial: []}
    plans.set(key, plan)
    if (redirecting.length === host.locations.length) {
      const sources = [...new Set([...redirecting.map((l) => objectRef('Ingress', l.ingress.ref)), objectRef('Ingress', host.tls.ingress.ref)])]
      // server-alias names share the host's configuration, its HTTPS redirect included.
      for (const name of [host.name, ...host.aliases]) plan.wholeHosts.push({host: name, sources})
    } else plan.partial.push({host: host.name, aliases: host.aliases, locations: redirecting, regex: host.regexFrom.length > 0})
  }
  return plans
}

const REDIRECT_FILTER: HTTPRouteFilter = {type: 'RequestRedirect', requestRedirect: {scheme: 'https', statusCode: 308}}

/** The `https-redirect` HTTPRoute(s): attached to `http` only (on `https` they would loop), 308 as nginx. */
export function redirectRoutes(gw: NamespacedName, plan: RedirectPlan, options: TranslateOptions, usedNames: Set<string>): Emitted[] {
  const out: Emitted[] = []
  const redirectRecord = (name: string, sources: string[], spec: HTTPRouteSpec) =>
    record({apiVersion: `${GATEWAY_GROUP}/v1`, kind: 'HTTPRoute', metadata: managedMetadata(name, gw.namespace, sources), spec}, 'https-redirect-route', {ingresses: ingressIds(sources), gateway: gatewayKey(gw)})
  // Hostnames map to names with dots as dashes (a.b.example.com and a-b.example.com collide): never reuse one.
  const unique = (name: string, salt: string) => {
    const chosen = usedNames.has(`${gw.namespace}/${name}`) ? dnsName(name, shortHash(salt)) : name
    usedNames.add(`${gw.namespace}/${chosen}`)
    return chosen
  }
  const parentRefs = [gatewayParentRef(gw, options.httpListener)]
  // Several Gateways may share a namespace: only the default one's route is plainly `https-redirect`.
  const base = gw.namespace === options.gateway.namespace && gw.name === options.gateway.name ? 'https-redirect' : dnsName(gw.name, 'https-redirect')
  for (let i = 0; i < plan.wholeHosts.length; i += 16) {
    const name = unique(i === 0 ? base : dnsName(base, String(i / 16 + 1)), `whole/${i}`)
    const chunk = plan.wholeHosts.slice(i, i + 16)
    out.push(
      redirectRecord(name, chunk.flatMap((h) => h.sources), {
        parentRefs,
        hostnames: chunk.map((h) => h.host),
        rules: [{matches: [{path: {type: 'PathPrefix', value: '/'}}], filters: [REDIRECT_FILTER]}],
      }),
    )
  }
  for (const p of plan.partial) {
    const matches = p.locations.map((l) => ({path: pathMatch(l, p.regex)}))
    for (let i = 0; i < matches.length; i += 64) {
      const hostBase = dnsName(base, p.host)
      const name = unique(i === 0 ? hostBase : dnsName(hostBase, String(i / 64 + 1)), p.host)
      const sources = [...new Set(p.locations.map((l) => objectRef('Ingress', l.ingress.ref)))]
      out.push(redirectRecord(name, sources, {parentRefs, hostnames: [p.host, ...p.aliases], rules: [{matches: matches.slice(i, i + 64), filters: [REDIRECT_FILTER]}]}))
    }
  }
  return out
}

/** The shared Gateway with `http` and `https` listeners admitting labelled namespaces. */
export function sharedGateway(
  gw: NamespacedName,
  certs: CertRef[],
  extraListeners: GatewayListener[],
  options: TranslateOptions,
  sources: string[],
): EmittedObject<'Gateway'> {
  const allowedRoutes: GatewayListener['allowedRoutes'] = {
    namespaces: {from: 'Selector', selector: {matchLabels: {[options.namespaceLabel.key]: options.namespaceLabel.value}}},
  }
  const listeners: GatewayListener[] = [{name: options.httpListener, port: 80, protocol: 'HTTP', allowedRoutes}]
  if (certs.length > 0) {
    listeners.push({
      name: options.httpsListener,
      port: 443,
      protocol: 'HTTPS',
      allowedRoutes,
      tls: {
        mode: 'Terminate',
        certificateRefs: certs.map((c) => {
          const ref: GatewaySpecListenersTlsCertificateRefs = {group: '', kind: 'Secret', name: c.name}
          if (c.namespace !== gw.namespace) ref.namespace = c.namespace
          return ref
        }),
      },
    })
  }
  pushAll(listeners, extraListeners)
  return {
    apiVersion: `${GATEWAY_GROUP}/v1`,
    kind: 'Gateway',
    metadata: managedMetadata(gw.name, gw.namespace, sources.length > 0 ? sources : ['ingress2gw']),
    spec: {gatewayClassName: options.gatewayClass, listeners},
  }
}

export function namespaceObject(name: string, options: TranslateOptions): NamespaceObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {name, labels: {[options.namespaceLabel.key]: options.namespaceLabel.value}},
  }
}

function certKey(ref: {namespace?: string; name: string}, gatewayNamespace: string): string {
  return `${ref.namespace ?? gatewayNamespace}/${ref.name}`
}

/** certificateRefs already on the live Gateway's listener of that name (to list only what is missing). */
export function liveCertificateKeys(live: KubeObject | undefined, listener: string): Set<string> {
  const l = liveGatewaySpec(live).listeners?.find((x) => x?.name === listener)
  return new Set((l?.tls?.certificateRefs ?? []).map((r) => certKey(r, live!.metadata.namespace ?? '')))
}

/** A live Gateway's spec: the API server validated it against the same CRD (a file's may lack fields). */
function liveGatewaySpec(live: KubeObject | undefined): Partial<GatewaySpec> {
  return (live?.spec ?? {}) as Partial<GatewaySpec>
}

/**
 * The emitted Gateway is the union with the live one: its other listeners, certificates and settings stay, so
 * applying it never drops another team's certificate. certificateRefs is an atomic list, hence the union.
 */
export function unionWithLive(generated: EmittedObject<'Gateway'>, live: KubeObject, diagnostics: Diagnostic[]): EmittedObject<'Gateway'> {
  const gwNs = generated.metadata.namespace!
  const subject = about('Gateway', {namespace: gwNs, name: generated.metadata.name})
  const {gatewayClassName: liveClass, listeners: liveListeners = [], ...otherSpec} = liveGatewaySpec(live)
  const spec: GatewaySpec = {...structuredClone(otherSpec), gatewayClassName: liveClass ?? generated.spec.gatewayClassName, listeners: []}
  if (liveClass && liveClass !== generated.spec.gatewayClassName) {
    diagnostics.push(diagnostic('gateway-class-differs', {live: liveClass, expected: generated.spec.gatewayClassName}, subject))
  }
  const listeners: GatewayListener[] = structuredClone(liveListeners)
  for (const ours of generated.spec.listeners) {
    const existing = listeners.find((l) => l.name === ours.name)
    if (!existing) {
      listeners.push(ours)
      continue
    }
    if (existing.port !== ours.port || existing.protocol !== ours.protocol) {
      diagnostics.push(
        diagnostic('gateway-listener-differs', {listener: ours.name, live: {protocol: existing.protocol, port: existing.port}, expected: {protocol: ours.protocol, port: ours.port}}, subject),
      )
    }
    if (ours.tls?.certificateRefs) {
      // The live refs stay as they are, in their order (the first is Envoy's fallback certificate for clients
      // without a matching SNI name); only the missing ones are appended.
      const present = new Set((existing.tls?.certificateRefs ?? []).map((r) => certKey(r, gwNs)))
      const added = ours.tls.certificateRefs.filter((r) => !present.has(certKey(r, gwNs)))
      existing.tls = {...(existing.tls ?? {mode: 'Terminate'}), certificateRefs: [...(existing.tls?.certificateRefs ?? []), ...added]}
    }
  }
  spec.listeners = listeners
  return {...generated, spec}
}
