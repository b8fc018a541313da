/**
 * The gateway owner's side of a run, assembled from what the route side decided: per used Gateway its listeners
 * (shared http/https, the hosts' own, TLS passthrough, tcp/udp-services), the Gateway itself or, without the bundle,
 * what its owner must add; the ReferenceGrants, https-redirect routes, Certificates and Issuers, EnvoyProxy,
 * ClientTrafficPolicies and Gateway-level defaults, and the labelled Namespaces. Everything comes out as records.
 */
import {compareStrings} from '../util/hash.js'
import {authServerChecklist} from '../annotations/external-auth/checklist.js'
import {VERIFY_CLIENT_MODE} from '../annotations/client-certificates.js'
import {passthroughListenerName} from '../annotations/passthrough.js'
import {authHeaderStrips, exemptAuthLocations, noAuthLocations} from './bundle/auth-headers.js'
import {GATEWAY_GROUP} from '../model/gateway-refs.js'
import type {ClassSelection} from './select.js'
import type {GatewayControllers} from './controller-workloads.js'
import {attachEnvoyProxy, buildEnvoyProxies, checkDataPlane, checkInheritedEnvoyProxy, envoyProxyConfigMapKeys, gatewayClassProxy, loadBalancerStepDone, planDataPlanes, type DataPlane, type DataPlaneContext} from './data-plane.js'
import {about} from '../model/diagnostics.js'
import {diagnostic} from '../model/catalogue/diagnostic.js'
import {certificateCutoverSteps, clientTrafficObjects, isPassthrough, issuerObjects, streamParts, type CertManagerPlans} from './emit-bundle.js'
import {
  gatewayKey,
  liveCertificateKeys,
  namespaceObject,
  planRedirects,
  redirectRoutes,
  referenceGrants,
  sharedGateway,
  unionWithLive,
  type CertRef,
  type RedirectPlan,
} from './emit-gateway.js'
import {normalizeHost} from '../model/names.js'
import {type HostIndex} from './hosts.js'
import {caReferenceGrants, hostListenerObject, hostListenerTraffic, type HostListener, type HttpsListenerPlan} from './https-listeners.js'
import {reportCatchAllHttps} from './catch-all-https.js'
import {mergedGatewayDiagnostics} from './merged-gateways.js'
import type {IngressModel, Location} from '../model/ingress-model.js'
import {ingressIds, record, records, type Emitted} from './records.js'
import type {GatewayPartition, HostIndexes} from './shared-gateways.js'
import type {Diagnostic, KubeObject, NamespacedName, TargetCapabilities, TranslateOptions, TranslateResult} from '../model/types.js'
import type {EmittedObject, GatewayListener, OutputObject} from '../model/emitted.js'
import {pushAll} from '../util/arrays.js'

const MAX_CERTIFICATE_REFS = 64

/** What the gateway owner's side reads: the input, and the route side's plans and records. */
export interface OwnerInput {
  options: TranslateOptions
  capabilities: TargetCapabilities
  /** Resolved --emit-gateway: generate the bundle, or tell the owner what to add. */
  emitBundle: boolean
  kindObjects: (kind: string) => KubeObject[]
  services: Map<string, KubeObject>
  configMaps: Map<string, KubeObject>
  selection: ClassSelection
  ingresses: IngressModel[]
  partitions: GatewayPartition[]
  indexes: HostIndexes
  controllers: GatewayControllers
  certPlans: CertManagerPlans
  httpsPlan: HttpsListenerPlan
  /** The route side's records (routes, their policies and objects). */
  emitted: Emitted[]
  /** no-auth-locations (the ACME challenge included) no SecurityPolicy targets, as nginx asked no auth there (emit-routes.ts isNoAuthLocation). */
  authExempt: ReadonlySet<Location>
}

export interface OwnerOutput {
  records: Emitted[]
  configMapKeys?: TranslateResult['configMapKeys']
}

/** One used Gateway and what its listeners carry. */
interface GatewayParts {
  key: string
  gateway: NamespacedName
  /** The shared https listener's certificates (at most 64). */
  certList: CertRef[]
  /** Listeners beyond http and https: the hosts' own, TLS passthrough, tcp/udp-services. */
  listeners: any[]
  hostListeners: HostListener[]
  redirect?: RedirectPlan
}

export function gatewayOwnerRecords(input: OwnerInput, diagnostics: Diagnostic[], checklist: string[]): OwnerOutput {
  const {options, capabilities, emitBundle, partitions, indexes, controllers, httpsPlan} = input
  const out: Emitted[] = []
  const gateways = new Map<string, NamespacedName>()
  gateways.set(gatewayKey(options.gateway), options.gateway)
  for (const i of input.ingresses) gateways.set(gatewayKey(i.gateway), i.gateway)
  pushAll(out, referenceGrants(grantedCertificates(httpsPlan), gateways, capabilities))
  pushAll(out, caReferenceGrants([...httpsPlan.hostListeners.values()].flat()))
  const redirects = new Map<string, RedirectPlan>()
  for (const partition of partitions) {
    const index = indexes.byGateway.get(partition.key)!
    for (const [key, plan] of planRedirects(index)) redirects.set(key, plan)
    reportPlainHosts(partitions.length > 1 ? partition : undefined, partition.ingresses, index, diagnostics)
    reportCatchAllHttps(index, (httpsPlan.shared.get(partition.key)?.size ?? 0) > 0, options, diagnostics)
  }
  const stream = streamParts(controllers.list, input.configMaps, input.services, capabilities, options, diagnostics, checklist)
  pushAll(out, records(stream.objects, 'stream'))
  const sideSoFar = [...input.emitted, ...out]
  // TCP/UDP listeners admit their Service's namespace by name; only HTTP-level routes need the label.
  const routeNamespaces = new Set(sideSoFar.filter((r) => ['HTTPRoute', 'GRPCRoute', 'TLSRoute'].includes(r.object.kind) && r.object.metadata.namespace).map((r) => r.object.metadata.namespace!))
  const servedGateways = new Set(input.ingresses.filter((i) => i.served && !i.isCanary).map((i) => gatewayKey(i.gateway)))
  if (servedGateways.size === 0) servedGateways.add(gatewayKey(options.gateway))
  const usedGateways = [...gateways.entries()].filter(([key]) => servedGateways.has(key)).sort(([a], [b]) => (a < b ? -1 : 1))
  const planes = planDataPlanes(
    controllers.list.filter((c) => servedGateways.has(gatewayKey(c.gateway))),
    options.gateway,
    input.services,
    {byClass: options.controllerServiceFor ?? {}, plain: options.controllerService},
    controllers.workloads,
    diagnostics,
  )
  for (const proxy of buildEnvoyProxies(planes, emitBundle, dataPlaneContext(input), diagnostics, checklist)) {
    const plane = planes.find((p) => p.envoyProxy === proxy)
    const configMap = plane ? envoyProxyConfigMapKeys(plane, controllers.configMaps.get(gatewayKey(plane.gateway))) : undefined
    out.push(record(proxy, 'envoy-proxy', configMap ? {configMap} : {}))
  }
  const usedRouteNames = new Set([...input.emitted, ...out].filter((r) => r.object.kind === 'HTTPRoute').map((r) => `${r.object.metadata.namespace}/${r.object.metadata.name}`))
  diagnostics.push(
    ...mergedGatewayDiagnostics(
      usedGateways.map(([key, gateway]) => ({
        key,
        gateway,
        shared: [
          {name: options.httpListener, protocol: 'HTTP' as const, port: 80},
          ...((httpsPlan.shared.get(key)?.size ?? 0) > 0 ? [{name: options.httpsListener, protocol: 'HTTPS' as const, port: 443}] : []),
        ],
        hostListeners: httpsPlan.hostListeners.get(key) ?? [],
        index: indexes.byGateway.get(key),
      })),
    ),
  )
  for (const [key, gw] of usedGateways) {
    const parts = gatewayParts(key, gw, redirects.get(key), stream.listeners.get(key) ?? [], input, diagnostics, checklist)
    if (emitBundle) pushAll(out, gatewayRecords(parts, planes, usedRouteNames, input, diagnostics))
    else ownerNeeds(parts, input, diagnostics, checklist)
  }
  pushAll(out, certificateRecords(input, diagnostics, checklist))
  const clientTraffic = clientTrafficRecords(usedGateways, planes, input, diagnostics, checklist)
  pushAll(out, clientTraffic.records)
  const objects = [...input.emitted, ...out].map((r) => r.object)
  for (const plane of planes) checkDataPlane(plane, input.ingresses, objects, diagnostics, input.options.clientIp === 'proxy-protocol')
  pushAll(out, namespaceRecords(routeNamespaces, usedGateways.map(([, gw]) => gw), input, diagnostics, checklist))
  return {records: out, ...(clientTraffic.configMapKeys ? {configMapKeys: clientTraffic.configMapKeys} : {})}
}

/** A used Gateway's certificates (capped by the CRD) and listeners beyond http/https, with the limits reported. */
function gatewayParts(key: string, gw: NamespacedName, redirect: RedirectPlan | undefined, streamListeners: any[], input: OwnerInput, diagnostics: Diagnostic[], checklist: string[]): GatewayParts {
  const {options, httpsPlan} = input
  const allCerts = [...(httpsPlan.shared.get(key)?.values() ?? [])].sort((a, b) => compareStrings(a.namespace, b.namespace) || compareStrings(a.name, b.name))
  // The Gateway CRD caps certificateRefs at 64 per listener; past that the API server rejects the Gateway.
  const certList = allCerts.slice(0, MAX_CERTIFICATE_REFS)
  if (allCerts.length > MAX_CERTIFICATE_REFS) {
    const rest = allCerts.slice(MAX_CERTIFICATE_REFS).map((c) => `${c.namespace}/${c.name}`)
    diagnostics.push(
      diagnostic('too-many-certificates', {count: allCerts.length, max: MAX_CERTIFICATE_REFS, left: rest}, {
        ...about('Gateway', gw),
        hint: 'split the hosts over hostname-specific HTTPS listeners (or ListenerSets), or use wildcard certificates',
      }),
    )
    checklist.push(`${key}: more than ${MAX_CERTIFICATE_REFS} certificates: add hostname-specific HTTPS listeners for ${rest.length} Secrets`)
  }
  const passthrough = input.emitBundle ? passthroughListeners(input.emitted, key, options) : []
  if (passthrough.length > 0) {
    diagnostics.push(diagnostic('passthrough-listeners', {gateway: key, listeners: passthrough.map((l) => l.name)}, about('Gateway', gw)))
  }
  const hostListeners = httpsPlan.hostListeners.get(key) ?? []
  const listeners = [...hostListeners.filter((l) => l.generated).map((l) => hostListenerObject(l, options)), ...passthrough, ...streamListeners]
  // The Gateway CRD allows 64 listeners (http, https, the hosts' own, passthrough, tcp/udp-services).
  const listenerCount = 1 + (certList.length > 0 ? 1 : 0) + listeners.length
  if (listenerCount > 64) {
    diagnostics.push(
      diagnostic('too-many-listeners', {gateway: key, count: listenerCount}, {
        ...about('Gateway', gw),
        hint: 'move hosts with listeners of their own (client certificates, passthrough) or tcp-services to a second Gateway, or use ListenerSets',
      }),
    )
  }
  return {key, gateway: gw, certList, listeners, hostListeners, ...(redirect ? {redirect} : {})}
}

/**
 * ssl-passthrough TLSRoutes: on a shared Gateway, TLS passthrough shares port 443 with the https listener only
 * through hostname-specific listeners (Envoy separates them by SNI), one per passthrough host. The family already
 * attached each TLSRoute to its hosts' listeners (passthroughListenerName) when the bundle is emitted.
 */
function passthroughListeners(emitted: Emitted[], key: string, options: TranslateOptions): GatewayListener[] {
  const listeners: GatewayListener[] = []
  for (const r of emitted) {
    if (r.role !== 'passthrough-route' || r.gateway !== key || r.object.kind !== 'TLSRoute') continue
    for (const hostname of r.object.spec.hostnames ?? []) {
      const name = passthroughListenerName(hostname)
      if (listeners.some((l) => l.name === name)) continue
      listeners.push({
        name,
        port: 443,
        protocol: 'TLS',
        hostname,
        tls: {mode: 'Passthrough'},
        allowedRoutes: {
          kinds: [{group: GATEWAY_GROUP, kind: 'TLSRoute'}],
          namespaces: {from: 'Selector', selector: {matchLabels: {[options.namespaceLabel.key]: options.namespaceLabel.value}}},
        },
      })
    }
  }
  return listeners
}

/**
 * What the data plane knows of the cluster: the live Gateways (their Envoy Services exist), the Gateways whose
 * public default the user accepted, and the GatewayClass's EnvoyProxy of each Gateway (data-plane.ts).
 */
function dataPlaneContext(input: OwnerInput): DataPlaneContext {
  const live = new Map(input.kindObjects('Gateway').map((g) => [`${g.metadata.namespace ?? 'default'}/${g.metadata.name}`, g]))
  const classProxy = (gw: string) => {
    const className = live.get(gw)?.spec?.gatewayClassName ?? input.options.gatewayClass
    const proxy = gatewayClassProxy(className, input.kindObjects('GatewayClass'), input.kindObjects('EnvoyProxy'))
    return proxy ? {className, proxy} : undefined
  }
  return {live, publicLoadBalancer: input.options.publicLoadBalancer ?? [], classProxy}
}

/** The bundle's Gateway (united with the live one) and its https-redirect routes. */
function gatewayRecords(parts: GatewayParts, planes: DataPlane[], usedRouteNames: Set<string>, input: OwnerInput, diagnostics: Diagnostic[]): Emitted[] {
  const {key, gateway: gw, certList, listeners, hostListeners, redirect} = parts
  const {options} = input
  const out: Emitted[] = []
  const live = liveGateway(input, gw)
  const sources = [...new Set(certList.flatMap((c) => c.sources))]
  const generated = sharedGateway(gw, certList, listeners, options, sources)
  const gatewayObject = live ? unionWithLive(generated, live, diagnostics) : generated
  const plane = planes.find((p) => gatewayKey(p.gateway) === key)
  attachEnvoyProxy(gatewayObject, plane, live, diagnostics)
  checkInheritedEnvoyProxy(gatewayObject, plane, input.kindObjects('GatewayClass'), input.kindObjects('EnvoyProxy'), diagnostics)
  out.push(record(gatewayObject, 'gateway', {ingresses: ingressIds(sources), gateway: key}))
  if (redirect) {
    pushAll(out, redirectRoutes(gw, redirect, options, usedRouteNames))
    const own = input.partitions.find((p) => p.key === key)?.ingresses ?? []
    if (!own.some((i) => i.annotations.get('preserve-trailing-slash')?.value === true)) {
      diagnostics.push(diagnostic('redirect-keeps-trailing-slash', {}, {...about('Gateway', gw), fidelity: 'approximate'}))
    }
  }
  if (certList.length === 0 && hostListeners.length === 0 && redirect) {
    diagnostics.push(
      diagnostic('https-listener-without-certificates', {gateway: key}, {...about('Gateway', gw), hint: 'add the default certificate to an https listener before routes attached to it can be accepted'}),
    )
  }
  return out
}

function liveGateway(input: OwnerInput, gw: NamespacedName): KubeObject | undefined {
  return input.kindObjects('Gateway').find((g) => g.metadata.name === gw.name && (g.metadata.namespace ?? 'default') === gw.namespace)
}

/** Without the bundle: what the gateway owner must add to the live Gateway for these routes. */
function ownerNeeds(parts: GatewayParts, input: OwnerInput, diagnostics: Diagnostic[], checklist: string[]): void {
  const {key, gateway: gw, certList, listeners, hostListeners, redirect} = parts
  const needs: string[] = []
  const present = liveCertificateKeys(liveGateway(input, gw), input.options.httpsListener)
  const missing = certList.filter((c) => !present.has(`${c.namespace}/${c.name}`))
  if (missing.length > 0) needs.push(`certificateRefs ${missing.map((c) => `${c.namespace}/${c.name}`).join(', ')}`)
  if (listeners.length > 0) needs.push(`listeners ${listeners.map((l) => `${l.name} (${l.protocol} ${l.port}${l.hostname ? `, hostname ${l.hostname}` : ''})`).join(', ')}`)
  const clientCerts = hostListeners.filter((l) => l.generated && l.clientAuth)
  if (clientCerts.length > 0) {
    needs.push(`ClientTrafficPolicies with tls.clientValidation for ${clientCerts.map((l) => `${l.name} (CA ${l.clientAuth!.intent.secret.namespace}/${l.clientAuth!.intent.secret.name})`).join(', ')}`)
  }
  if (redirect) needs.push(`https-redirect hostnames ${[...redirect.wholeHosts.map((h) => h.host), ...redirect.partial.map((p) => p.host + ' (some paths)')].join(', ')}`)
  if (needs.length === 0) return
  checklist.push(`add to ${key}: ${needs.join('; ')}`)
  diagnostics.push(diagnostic('gateway-owner-needs', {gateway: key, needs}, {...about('Gateway', gw), hint: 'or rerun with --emit-gateway to generate the Gateway bundle'}))
}

/** cert-manager Certificates (passthrough ones beside their backend, the rest in the bundle) and rewritten Issuers. */
function certificateRecords(input: OwnerInput, diagnostics: Diagnostic[], checklist: string[]): Emitted[] {
  const {certPlans, emitBundle, options, selection, ingresses} = input
  const out: Emitted[] = []
  const certificate = ({ingress, plan}: {ingress: IngressModel; plan: {certificate: EmittedObject<'Certificate'>}}) => record(plan.certificate, 'certificate', {ingresses: [ingress.id]})
  // Passthrough Certificates stay beside their backend, which serves them: they belong to the team, not the bundle.
  pushAll(out, certPlans.backend.map(certificate))
  if (emitBundle) pushAll(out, certPlans.plans.map(certificate))
  else {
    for (const {plan} of certPlans.plans) {
      const c = plan.certificate
      checklist.push(`issue Certificate ${c.metadata.namespace}/${c.metadata.name} (${(c.spec?.dnsNames ?? []).join(', ')}) in the gateway namespace (rerun with --emit-gateway to generate it)`)
    }
  }
  pushAll(checklist, certificateCutoverSteps(certPlans))
  pushAll(checklist, authServerChecklist(ingresses))
  const issuers = issuerObjects([...input.kindObjects('Issuer'), ...input.kindObjects('ClusterIssuer')], certPlans, [...new Set([...selection.classes, ...selection.annotationClasses])], ingresses, options, diagnostics)
  if (emitBundle) pushAll(out, records(issuers, 'issuer'))
  return out
}

/** Each used Gateway's ClientTrafficPolicies and Gateway-level defaults from its controller's ConfigMap. */
function clientTrafficRecords(usedGateways: [string, NamespacedName][], planes: DataPlane[], input: OwnerInput, diagnostics: Diagnostic[], checklist: string[]): {records: Emitted[]; configMapKeys?: TranslateResult['configMapKeys']} {
  const {options, httpsPlan, indexes, emitBundle} = input
  const ctpGateways = usedGateways.map(([key, gateway]) => {
    const index = indexes.byGateway.get(key)
    const keepHttp2 = httpsPlan.keepHttp2.get(key)
    const listenerNames = {http: options.httpListener, https: options.httpsListener, hostListeners: (httpsPlan.hostListeners.get(key) ?? []).filter((l) => l.generated).map((l) => l.name)}
    const strips = index ? authHeaderStrips(gateway, index, listenerNames, emitBundle) : {strips: undefined, diagnostics: [], checklist: []}
    pushAll(diagnostics, strips.diagnostics)
    if (index) pushAll(diagnostics, exemptAuthLocations(index, noAuthLocations(input.controllers.configMaps.get(key)), input.authExempt))
    pushAll(checklist, strips.checklist)
    return {
      gateway,
      configMap: input.controllers.configMaps.get(key),
      hasHttps: (httpsPlan.shared.get(key)?.size ?? 0) > 0,
      hostListeners: (httpsPlan.hostListeners.get(key) ?? []).filter((l) => l.generated).map((l) => ({...hostListenerTraffic(l, VERIFY_CLIENT_MODE), ...(keepHttp2?.has(l.name) ? {keepHttp2: true} : {})})),
      ...(keepHttp2?.has(options.httpsListener) ? {httpsListenerKeepsHttp2: true} : {}),
      stripRequestHeaders: strips.strips,
    }
  })
  const r = clientTrafficObjects(ctpGateways, emitBundle, options, diagnostics, checklist, loadBalancerStepDone(planes))
  // A host listener's ClientTrafficPolicy carries the client certificates of the Ingresses of that host, and the
  // auth-tls-* keys of the Ingress whose CA it verifies: left out, the listener accepts any client.
  const listenerIngresses = new Map<string, {ingresses: string[]; keys: string[]}>()
  for (const g of ctpGateways) for (const l of g.hostListeners) listenerIngresses.set(`${gatewayKey(g.gateway)}|${l.name}`, {ingresses: ingressIds(l.sources), keys: []})
  for (const [key, list] of httpsPlan.hostListeners) {
    for (const l of list) {
      const entry = listenerIngresses.get(`${key}|${l.name}`)
      if (entry && l.clientAuth) entry.keys = [...l.clientAuth.intent.from]
    }
  }
  // Each object carries the ConfigMap keys it consumed: if the target cannot take it, those keys are not applied.
  const carried = (o: OutputObject) => {
    const configMap = r.configMapOf.get(o)
    return configMap ? {configMap} : {}
  }
  return {records: r.objects.map((o) => ({...gatewayLevelRecord(o, listenerIngresses), ...carried(o)})), ...(r.configMapKeys ? {configMapKeys: r.configMapKeys} : {})}
}

/**
 * The controller ConfigMap's objects: a policy that targets the Gateway (or its listeners) is the Gateway-level
 * default route policies merge with; the rest (the ACME exemption, ReferenceGrants for global auth) are bundle parts.
 */
function gatewayLevelRecord(o: OutputObject, listenerIngresses: Map<string, {ingresses: string[]; keys: string[]}>): Emitted {
  const isPolicy = o.kind === 'BackendTrafficPolicy' || o.kind === 'SecurityPolicy' || o.kind === 'ClientTrafficPolicy'
  const target = isPolicy ? (o.spec.targetRefs ?? []).find((t) => t.kind === 'Gateway') : undefined
  if (target && isPolicy) {
    const gateway = `${o.metadata.namespace}/${target.name}`
    const listener = o.kind === 'ClientTrafficPolicy' && target.sectionName ? listenerIngresses.get(`${gateway}|${target.sectionName}`) : undefined
    return record(o, 'gateway-policy', {gateway, ingresses: listener?.ingresses ?? [], keys: listener?.keys ?? []})
  }
  return record(o, 'bundle')
}

/** The labelled Namespaces (bundle), or the label the owner must add. */
function namespaceRecords(routeNamespaces: Set<string>, gateways: NamespacedName[], input: OwnerInput, diagnostics: Diagnostic[], checklist: string[]): Emitted[] {
  const {options} = input
  if (input.emitBundle) {
    const names = new Set<string>([...routeNamespaces, ...gateways.map((gw) => gw.namespace)])
    return [...names].sort().map((ns) => record(namespaceObject(ns, options), 'namespace'))
  }
  if (routeNamespaces.size > 0) {
    const namespaces = [...routeNamespaces].sort()
    const label = `${options.namespaceLabel.key}=${options.namespaceLabel.value}`
    checklist.push(`label namespaces ${namespaces.join(', ')} with ${label}`)
    diagnostics.push(diagnostic('namespace-label-needed', {namespaces, label}, {hint: `kubectl label namespace NAME ${label}`}))
  }
  return []
}

/**
 * ingress-nginx answered HTTPS for every host, with its default certificate where no Ingress gave one. Each
 * controller has its own default certificate, hence one note per Gateway (named when there are several).
 */
function reportPlainHosts(partition: GatewayPartition | undefined, ingresses: IngressModel[], index: HostIndex, diagnostics: Diagnostic[]): void {
  // Passthrough hosts are not among them: nginx handed their TLS connections to the backend (and no HTTPRoute exists).
  const passthroughHosts = new Set(ingresses.filter((i) => i.served && !i.isCanary && isPassthrough(i)).flatMap((i) => (i.object.spec.rules ?? []).map((r: any) => normalizeHost(r?.host))))
  const plainHosts = [...index.hosts.values()].filter((h) => h.name !== '' && !h.tls && !h.httpsAlso && !h.name.includes('${') && !passthroughHosts.has(h.name)).map((h) => h.name).sort(compareStrings)
  if (plainHosts.length === 0) return
  diagnostics.push(
    diagnostic('plain-hosts-https', {...(partition ? {gateway: partition.key} : {}), hosts: plainHosts}, {
      hint: 'if clients reach them over HTTPS (a wildcard --default-ssl-certificate, say), add TLS entries for them or attach their routes to the https listener with that certificate on it',
    }),
  )
}

/** Every Secret a Gateway's listeners read (the shared https listener and the hosts' own), for the ReferenceGrants. */
function grantedCertificates(plan: HttpsListenerPlan): Map<string, Map<string, CertRef>> {
  const out = new Map<string, Map<string, CertRef>>()
  for (const [key, refs] of plan.shared) out.set(key, new Map(refs))
  for (const [key, listeners] of plan.hostListeners) {
    const refs = out.get(key) ?? new Map<string, CertRef>()
    for (const l of listeners) {
      for (const c of l.certificates) {
        const id = `${c.namespace}/${c.name}`
        const ref = refs.get(id) ?? {namespace: c.namespace, name: c.name, sources: []}
        for (const s of c.sources) if (!ref.sources.includes(s)) ref.sources.push(s)
        refs.set(id, ref)
      }
    }
    out.set(key, refs)
  }
  return out
}
