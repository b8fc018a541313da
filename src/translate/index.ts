/**
 * The pure compiler core: translate(snapshot, options) -> {objects, diagnostics}. No I/O; never throws on bad
 * input (every problem becomes a diagnostic and the rest still converts).
 */
import {compareStrings} from '../util/hash.js'
import {servingConfig} from '../annotations/serving.js'
import type {Lookup} from '../annotations/types.js'
import {applyFamilies, readAnnotations} from './annotation-pass.js'
import {objectRef, sortDiagnostics} from './diagnostics.js'
import {
  collectCertificateRefs,
  gatewayKey,
  type RedirectPlan,
  namespaceObject,
  planRedirects,
  redirectRoutes,
  referenceGrants,
  sharedGateway,
  liveCertificateKeys,
  httpsRedirectRoutes,
  unionWithLive,
} from './emit-gateway.js'
import {attachEnvoyProxy, buildEnvoyProxies, checkDataPlane, loadBalancerStepDone, planDataPlanes} from './data-plane.js'
import {controllersOfGateways} from './controller-workloads.js'
import {authHeaderStrips} from './bundle/auth-headers.js'
import {mergedGatewayDiagnostics} from './merged-gateways.js'
import {addPlannedSecrets, certificateCutoverSteps, clientTrafficObjects, isPassthrough, issuerObjects, planCertificates, streamParts} from './emit-bundle.js'
import {caReferenceGrants, hostListenerObject, hostListenerTraffic, planHttpsListeners, resolveWildcardTls, type HttpsListenerPlan} from './https-listeners.js'
import {VERIFY_CLIENT_MODE} from '../annotations/client-certificates.js'
import type {CertRef} from './emit-gateway.js'
import {controllerDefaults} from './controller-config.js'
import {decideSharedSettings, type SharedSettings} from './upstreams.js'
import {dropUnserved} from './capabilities.js'
import {emitPolicies, policyOptOuts} from './emit-policies.js'
import {GATEWAY_GROUP} from './bundle/common.js'
import {dnsName} from './names.js'
import {managedMetadata} from './provenance.js'
import {PASSTHROUGH_LISTENER} from '../annotations/passthrough.js'
import {emitRoutes} from './emit-routes.js'
import {normalizeHost, type HostIndex} from './hosts.js'
import {buildHostIndexes, partitionByGateway, type GatewayPartition, type HostIndexes} from './shared-gateways.js'
import {collectServedPaths, matchServedPath, type ServedLocation} from './served-paths.js'
import {authServerChecklist} from '../annotations/external-auth/checklist.js'
import type {IngressModel, Intent} from './model.js'
import {SOURCE_ANNOTATION} from './provenance.js'
import {selectClasses, selectIngresses} from './select.js'
import {
  DEFAULT_CAPABILITIES,
  DEFAULT_OPTIONS,
  type Diagnostic,
  type KubeObject,
  type NamespacedName,
  type Snapshot,
  type TranslateOptions,
  type TranslateResult,
  type IngressReport,
  type UnselectedIngress,
} from './types.js'

const MAX_CERTIFICATE_REFS = 64

export function translate(snapshot: Snapshot, partial: Partial<TranslateOptions> = {}): TranslateResult {
  const options: TranslateOptions = {...DEFAULT_OPTIONS, ...partial}
  // Resolved once, so that the annotation families know whether the gateway bundle (host listeners, policies) is emitted.
  const emitBundle = options.emitGateway === true || (options.emitGateway === 'auto' && snapshot.spansCluster === true)
  options.emitGateway = emitBundle
  const capabilities = {...DEFAULT_CAPABILITIES, ...snapshot.capabilities}
  const diagnostics: Diagnostic[] = []
  const objects: KubeObject[] = []
  const checklist: string[] = []

  const byKind = new Map<string, typeof snapshot.objects>()
  for (const input of snapshot.objects) {
    const list = byKind.get(input.object.kind) ?? []
    list.push(input)
    byKind.set(input.object.kind, list)
  }
  const kindObjects = (kind: string) => (byKind.get(kind) ?? []).map((i) => i.object)
  const services = new Map<string, KubeObject>()
  for (const s of kindObjects('Service')) services.set(`${s.metadata.namespace ?? 'default'}/${s.metadata.name}`, s)
  const configMaps = new Map<string, KubeObject>()
  for (const c of kindObjects('ConfigMap')) configMaps.set(`${c.metadata.namespace ?? 'default'}/${c.metadata.name}`, c)
  const deployments = new Map<string, KubeObject[]>()
  for (const d of kindObjects('Deployment')) deployments.set(d.metadata.namespace ?? 'default', [...(deployments.get(d.metadata.namespace ?? 'default') ?? []), d])

  const selection = selectClasses(kindObjects('IngressClass'), options, kindObjects('Ingress'))
  const unselected: UnselectedIngress[] = []
  const ingresses = selectIngresses(byKind.get('Ingress') ?? [], selection, options, diagnostics, unselected)

  // Every host-wide decision is taken per Gateway (shared-gateways.ts), the lookups of the families included.
  const partitions = partitionByGateway(ingresses)
  // Each Gateway's controller: its own ConfigMaps and load-balancer Service, never another class's.
  const controllers = controllersOfGateways(partitions, kindObjects, selection.controllerByClass, options, diagnostics)
  const configMapOf = (gw: NamespacedName) => controllers.configMaps.get(gatewayKey(gw))
  // Whether nginx served an Ingress is its own controller's decision (annotations-risk-level, snippets, ...).
  const ownConfigMap = (ingress: IngressModel) => controllers.configMapOfClass(gatewayKey(ingress.gateway), ingress.className)
  for (const ingress of ingresses) {
    readAnnotations(ingress, options.annotationPrefix, servingConfig(ownConfigMap(ingress)), diagnostics)
    const canary = ingress.annotations.get('canary')
    ingress.isCanary = canary?.valid === true && canary.value === true
  }
  for (const partition of partitions) {
    const controllerConfigMap = configMapOf(partition.gateway)
    // Upstream-level settings (createUpstreams) and server proxy-ssl are decided within one controller too.
    const shared = decideSharedSettings(partition.ingresses, services, controllerDefaults(controllerConfigMap).proxySslLocationOnly, servingConfig(controllerConfigMap).allowCrossNamespace)
    const lookup = gatewayLookup(partition.ingresses, services, configMaps, controllerConfigMap, deployments, shared)
    for (const ingress of partition.ingresses) {
      if (!ingress.served) continue
      const own = ownConfigMap(ingress)
      applyFamilies(ingress, options, own === controllerConfigMap ? lookup : {...lookup, controllerConfigMap: () => own, controllerDefaults: () => controllerDefaults(own)}, diagnostics)
    }
  }

  const indexes = buildHostIndexes(partitions, services, selection.controllerByClass, diagnostics)
  // Certificates, and the hosts that leave the shared https listener, before the routes that attach to them; each
  // Gateway's from its own Ingresses (one controller's certificates, client certificates and overlaps).
  const certPlans = planCertificates(ingresses, kindObjects('Secret'), diagnostics)
  const httpsPlan: HttpsListenerPlan = {shared: new Map(), hostListeners: new Map()}
  for (const partition of partitions) {
    const index = indexes.byGateway.get(partition.key)!
    resolveWildcardTls(index)
    const certs = collectCertificateRefs(index, partition.ingresses, (i) => certPlans.ingresses.has(i.id) || isPassthrough(i), diagnostics)
    addPlannedSecrets(certs, certPlans, partition.ingresses)
    const plan = planHttpsListeners(index, partition.ingresses, certs, certPlans, options, diagnostics)
    for (const [key, refs] of plan.shared) httpsPlan.shared.set(key, refs)
    for (const [key, list] of plan.hostListeners) httpsPlan.hostListeners.set(key, list)
  }
  const routes = emitRoutes(ingresses, indexes, options, diagnostics)
  objects.push(...routes.objects)
  for (const ingress of ingresses) {
    objects.push(...emitPolicies(ingress, routes.routesByIngress.get(ingress.id) ?? [], routes.consumed, diagnostics))
    for (const o of ingress.intents.objects) {
      const routed = (routes.routesByIngress.get(ingress.id)?.length ?? 0) > 0 || ingress.intents.suppressRoute !== undefined
      if (!ingress.served || ingress.isCanary || !routed) continue
      routes.consumed.add(o)
      objects.push(o.object)
    }
  }

  // Gateway side.
  const gateways = new Map<string, NamespacedName>()
  gateways.set(gatewayKey(options.gateway), options.gateway)
  for (const i of ingresses) gateways.set(gatewayKey(i.gateway), i.gateway)
  objects.push(...referenceGrants(grantedCertificates(httpsPlan), gateways, capabilities))
  const allHostListeners = [...httpsPlan.hostListeners.values()].flat()
  objects.push(...caReferenceGrants(allHostListeners, capabilities.referenceGrantVersion))
  const redirects = new Map<string, RedirectPlan>()
  for (const partition of partitions) {
    const index = indexes.byGateway.get(partition.key)!
    for (const [key, plan] of planRedirects(index)) redirects.set(key, plan)
    reportPlainHosts(partitions.length > 1 ? partition : undefined, partition.ingresses, index, diagnostics)
  }
  const stream = streamParts(controllers.list, configMaps, services, capabilities, options, diagnostics, checklist)
  objects.push(...stream.objects)
  const routeNamespaces = new Set(
    // TCP/UDP listeners admit their Service's namespace by name; only HTTP-level routes need the label.
    objects.filter((o) => ['HTTPRoute', 'GRPCRoute', 'TLSRoute'].includes(o.kind) && o.metadata.namespace).map((o) => o.metadata.namespace!),
  )
  const servedGateways = new Set(ingresses.filter((i) => i.served && !i.isCanary).map((i) => gatewayKey(i.gateway)))
  if (servedGateways.size === 0) servedGateways.add(gatewayKey(options.gateway))
  const usedGateways = [...gateways.entries()].filter(([key]) => servedGateways.has(key)).sort(([a], [b]) => (a < b ? -1 : 1))
  const planes = planDataPlanes(
    controllers.list.filter((c) => servedGateways.has(gatewayKey(c.gateway))),
    options.gateway,
    services,
    {byClass: options.controllerServiceFor ?? {}, plain: options.controllerService},
    controllers.workloads,
    diagnostics,
  )
  objects.push(...buildEnvoyProxies(planes, emitBundle, diagnostics, checklist))
  const usedRouteNames = new Set(objects.filter((o) => o.kind === 'HTTPRoute').map((o) => `${o.metadata.namespace}/${o.metadata.name}`))
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
    const allCerts = [...(httpsPlan.shared.get(key)?.values() ?? [])].sort(
      (a, b) => compareStrings(a.namespace, b.namespace) || compareStrings(a.name, b.name),
    )
    // The Gateway CRD caps certificateRefs at 64 per listener; past that the API server rejects the Gateway.
    const certList = allCerts.slice(0, MAX_CERTIFICATE_REFS)
    if (allCerts.length > MAX_CERTIFICATE_REFS) {
      const rest = allCerts.slice(MAX_CERTIFICATE_REFS).map((c) => `${c.namespace}/${c.name}`)
      diagnostics.push({
        level: 'error',
        code: 'too-many-certificates',
        object: objectRef('Gateway', gw),
        message: `${allCerts.length} TLS Secrets for one https listener, and Gateway API allows ${MAX_CERTIFICATE_REFS}: ${rest.length} are left out (${rest.slice(0, 5).join(', ')}${rest.length > 5 ? ', ...' : ''}), so their hosts get no certificate`,
        hint: 'split the hosts over hostname-specific HTTPS listeners (or ListenerSets), or use wildcard certificates',
      })
      checklist.push(`${key}: more than ${MAX_CERTIFICATE_REFS} certificates: add hostname-specific HTTPS listeners for ${rest.length} Secrets`)
    }
    const plan = redirects.get(key)
    const passthrough = emitBundle ? passthroughListeners(objects, gw, options) : []
    if (passthrough.length > 0) {
      diagnostics.push({
        level: 'info',
        code: 'passthrough-listeners',
        object: objectRef('Gateway', gw),
        message: `listeners ${passthrough.map((l) => l.name).join(', ')} (TLS passthrough on 443, one per host so Envoy separates them from the https listener by SNI) are added to ${key}, and the TLSRoutes attach to them`,
      })
    }
    const hostListeners = httpsPlan.hostListeners.get(key) ?? []
    const listeners = [
      ...hostListeners.filter((l) => l.generated).map((l) => hostListenerObject(l, options)),
      ...passthrough,
      ...(stream.listeners.get(key) ?? []),
    ]
    // The Gateway CRD allows 64 listeners (http, https, the hosts' own, passthrough, tcp/udp-services).
    const listenerCount = 1 + (certList.length > 0 ? 1 : 0) + listeners.length
    if (listenerCount > 64) {
      diagnostics.push({
        level: 'error',
        code: 'too-many-listeners',
        object: objectRef('Gateway', gw),
        message: `${key} needs ${listenerCount} listeners and Gateway API allows 64: the API server rejects the Gateway`,
        hint: 'move hosts with listeners of their own (client certificates, passthrough) or tcp-services to a second Gateway, or use ListenerSets',
      })
    }
    const live = kindObjects('Gateway').find((g) => g.metadata.name === gw.name && (g.metadata.namespace ?? 'default') === gw.namespace)
    if (emitBundle) {
      const sources = [...new Set(certList.flatMap((c) => c.sources))]
      const generated = sharedGateway(gw, certList, listeners, options, sources)
      const gatewayObject = live ? unionWithLive(generated, live, diagnostics) : generated
      attachEnvoyProxy(gatewayObject, planes.find((p) => gatewayKey(p.gateway) === key), diagnostics)
      objects.push(gatewayObject)
      if (plan) {
        objects.push(...redirectRoutes(gw, plan, options, usedRouteNames))
        const own = partitions.find((p) => p.key === key)?.ingresses ?? []
        if (!own.some((i) => i.annotations.get('preserve-trailing-slash')?.value === true)) {
          diagnostics.push({
            level: 'info',
            code: 'redirect-keeps-trailing-slash',
            object: objectRef('Gateway', gw),
            fidelity: 'approximate',
            message: `nginx's HTTPS redirect drops one trailing slash (http://h/a/ -> https://h/a) unless preserve-trailing-slash; the https-redirect route keeps the path as it is, which backends see after the redirect`,
          })
        }
      }
      if (certList.length === 0 && hostListeners.length === 0 && plan) {
        diagnostics.push({
          level: 'warning',
          code: 'https-listener-without-certificates',
          object: objectRef('Gateway', gw),
          message: `no Ingress names a TLS Secret, so the https listener of ${key} is left out; its TLS hosts relied on the controller's default certificate`,
          hint: 'add the default certificate to an https listener before routes attached to it can be accepted',
        })
      }
    } else {
      const needs: string[] = []
      const present = liveCertificateKeys(live, options.httpsListener)
      const missing = certList.filter((c) => !present.has(`${c.namespace}/${c.name}`))
      if (missing.length > 0) needs.push(`certificateRefs ${missing.map((c) => `${c.namespace}/${c.name}`).join(', ')}`)
      if (listeners.length > 0) needs.push(`listeners ${listeners.map((l) => `${l.name} (${l.protocol} ${l.port}${l.hostname ? `, hostname ${l.hostname}` : ''})`).join(', ')}`)
      const clientCerts = hostListeners.filter((l) => l.generated && l.clientAuth)
      if (clientCerts.length > 0) {
        needs.push(`ClientTrafficPolicies with tls.clientValidation for ${clientCerts.map((l) => `${l.name} (CA ${l.clientAuth!.intent.secret.namespace}/${l.clientAuth!.intent.secret.name})`).join(', ')}`)
      }
      if (plan) needs.push(`https-redirect hostnames ${[...plan.wholeHosts.map((h) => h.host), ...plan.partial.map((p) => p.host + ' (some paths)')].join(', ')}`)
      if (needs.length > 0) {
        checklist.push(`add to ${key}: ${needs.join('; ')}`)
        diagnostics.push({
          level: 'info',
          code: 'gateway-owner-needs',
          object: objectRef('Gateway', gw),
          message: `the gateway owner must add to ${key}: ${needs.join('; ')}`,
          hint: 'or rerun with --emit-gateway to generate the Gateway bundle',
        })
      }
    }
  }
  const plannedCertificates = certPlans.plans.map((p) => p.plan.certificate)
  // Passthrough Certificates stay beside their backend, which serves them: they belong to the team, not the bundle.
  objects.push(...certPlans.backend.map((p) => p.plan.certificate))
  if (emitBundle) objects.push(...plannedCertificates)
  else {
    for (const c of plannedCertificates) {
      checklist.push(`issue Certificate ${c.metadata.namespace}/${c.metadata.name} (${(c.spec?.dnsNames ?? []).join(', ')}) in the gateway namespace (rerun with --emit-gateway to generate it)`)
    }
  }
  checklist.push(...certificateCutoverSteps(certPlans))
  checklist.push(...authServerChecklist(ingresses))
  const issuers = issuerObjects([...kindObjects('Issuer'), ...kindObjects('ClusterIssuer')], certPlans, [...new Set([...selection.classes, ...selection.annotationClasses])], ingresses, options, diagnostics)
  if (emitBundle) objects.push(...issuers)
  const ctpGateways = usedGateways.map(([key, gateway]) => {
    const index = indexes.byGateway.get(key)
    const strips = index ? authHeaderStrips(gateway, index, {http: options.httpListener, https: options.httpsListener, hostListeners: (httpsPlan.hostListeners.get(key) ?? []).filter((l) => l.generated).map((l) => l.name)}, emitBundle) : {strips: undefined, diagnostics: [], checklist: []}
    diagnostics.push(...strips.diagnostics)
    checklist.push(...strips.checklist)
    return {
      gateway,
      configMap: configMapOf(gateway),
      hasHttps: (httpsPlan.shared.get(key)?.size ?? 0) > 0,
      hostListeners: (httpsPlan.hostListeners.get(key) ?? []).filter((l) => l.generated).map((l) => hostListenerTraffic(l, VERIFY_CLIENT_MODE)),
      stripRequestHeaders: strips.strips,
    }
  })
  const clientTraffic = clientTrafficObjects(ctpGateways, emitBundle, options, diagnostics, checklist, loadBalancerStepDone(planes))
  objects.push(...clientTraffic.objects)
  for (const plane of planes) checkDataPlane(plane, ingresses, objects, diagnostics)
  if (emitBundle) {
    const nsNames = new Set<string>([...routeNamespaces, ...usedGateways.map(([, gw]) => gw.namespace)])
    for (const ns of [...nsNames].sort()) objects.push(namespaceObject(ns, options))
  } else if (routeNamespaces.size > 0) {
    checklist.push(`label namespaces ${[...routeNamespaces].sort().join(', ')} with ${options.namespaceLabel.key}=${options.namespaceLabel.value}`)
    diagnostics.push({
      level: 'info',
      code: 'namespace-label-needed',
      message: `namespaces ${[...routeNamespaces].sort().join(', ')} need the label ${options.namespaceLabel.key}=${options.namespaceLabel.value} before their routes attach to the shared Gateway`,
      hint: `kubectl label namespace NAME ${options.namespaceLabel.key}=${options.namespaceLabel.value}`,
    })
  }

  const finalObjects = mergeWithGatewayPolicies(objects, diagnostics)
  finalObjects.push(...redirectBeforeAuth(finalObjects, diagnostics))
  reportUnconsumed(ingresses, routes.consumed, diagnostics)
  reportPlaceholders(ingresses, diagnostics)

  const sorted = sortObjects(dropUnserved(finalObjects, capabilities, snapshot.capabilities !== undefined, options, diagnostics))
  return {objects: sorted, diagnostics: sortDiagnostics(diagnostics), ingresses: ingressReports(ingresses, sorted), unselected, checklist: [...new Set(checklist)], ...hostViews(indexes, options), ...(clientTraffic.configMapKeys ? {configMapKeys: clientTraffic.configMapKeys} : {})}
}

function hostViews(indexes: HostIndexes, options: TranslateOptions): Pick<TranslateResult, 'hosts' | 'hostsByGateway'> {
  const hostsByGateway = new Map([...indexes.byGateway].map(([key, index]) => [key, index.hosts]))
  const only = hostsByGateway.size === 1 ? [...hostsByGateway.values()][0] : undefined
  return {hosts: only ?? hostsByGateway.get(gatewayKey(options.gateway)) ?? new Map(), hostsByGateway}
}

/**
 * What the families may look up about the rest of the input: the hosts and paths are those of one Gateway's
 * Ingresses (an auth-url or a from-to-www-redirect host resolves within the controller that served the Ingress).
 */
function gatewayLookup(
  ingresses: IngressModel[],
  services: Map<string, KubeObject>,
  configMaps: Map<string, KubeObject>,
  controllerConfigMap: KubeObject | undefined,
  deployments: Map<string, KubeObject[]>,
  shared: SharedSettings,
): Lookup {
  const servedHosts = new Set<string>()
  for (const ingress of ingresses) {
    if (!ingress.served || ingress.isCanary) continue
    for (const rule of Array.isArray(ingress.object.spec.rules) ? ingress.object.spec.rules : []) servedHosts.add(normalizeHost(rule?.host))
  }
  const servedPaths = new Map<string, ServedLocation[]>()
  collectServedPaths(ingresses, services, servedPaths)
  return {
    service: (ns, name) => services.get(`${ns}/${name}`),
    configMap: (ns, name) => configMaps.get(`${ns}/${name}`),
    controllerConfigMap: () => controllerConfigMap,
    controllerDefaults: () => controllerDefaults(controllerConfigMap),
    sharedSettings: () => shared,
    hostServed: (host) => servedHosts.has(host.toLowerCase()),
    serviceForPath: (host, path) => matchServedPath(servedPaths.get(host.toLowerCase()) ?? [], path),
    ingressesOnHost: (host) => [...new Map((servedPaths.get(host.toLowerCase()) ?? []).map((l) => [l.found.ingress, l.found.authenticated])).entries()].map(([ingress, authenticated]) => ({ingress, authenticated})),
    workloads: (ns) => deployments.get(ns) ?? [],
  }
}

/**
 * ingress-nginx answered HTTPS for every host, with its default certificate where no Ingress gave one. Each
 * controller has its own default certificate, hence one note per Gateway (named when there are several).
 */
function reportPlainHosts(partition: GatewayPartition | undefined, ingresses: IngressModel[], index: HostIndex, diagnostics: Diagnostic[]): void {
  // Passthrough hosts are not among them: nginx handed their TLS connections to the backend (and no HTTPRoute exists).
  const passthroughHosts = new Set(ingresses.filter((i) => i.served && !i.isCanary && isPassthrough(i)).flatMap((i) => (i.object.spec.rules ?? []).map((r: any) => normalizeHost(r?.host))))
  const plainHosts = [...index.hosts.values()].filter((h) => h.name !== '' && !h.tls && !h.name.includes('${') && !passthroughHosts.has(h.name)).map((h) => h.name).sort(compareStrings)
  if (plainHosts.length === 0) return
  diagnostics.push({
    level: 'info',
    code: 'plain-hosts-https',
    message: `${partition ? `${partition.key}: ` : ''}${plainHosts.length} host(s) have no TLS in any Ingress (${plainHosts.slice(0, 5).join(', ')}${plainHosts.length > 5 ? ', ...' : ''}): ingress-nginx still answered HTTPS for them with its default certificate; on the Gateway they are served on the http listener only`,
    hint: 'if clients reach them over HTTPS (a wildcard --default-ssl-certificate, say), add TLS entries for them or attach their routes to the https listener with that certificate on it',
  })
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

function ingressReports(ingresses: IngressModel[], objects: KubeObject[]): IngressReport[] {
  const bySource = new Map<string, string[]>()
  for (const o of objects) {
    for (const src of (o.metadata.annotations?.[SOURCE_ANNOTATION] ?? '').split(', ')) {
      if (!src.startsWith('Ingress ')) continue
      const list = bySource.get(src.slice(8)) ?? []
      list.push(`${o.kind}/${o.metadata.name}`)
      bySource.set(src.slice(8), list)
    }
  }
  return [...ingresses]
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((i) => {
      const produced = bySource.get(i.id) ?? []
      return {
        ingress: i.id,
        source: i.source,
        status: !i.served ? 'not-served' : i.isCanary ? 'canary' : produced.length === 0 ? 'skipped' : i.denied ? 'denied' : 'converted',
        annotations: Object.fromEntries([...i.fidelity.entries()].sort()),
        objects: produced,
      }
    })
}

/**
 * Without mergeType a route-level policy replaces the Gateway-level one of its kind (Envoy Gateway picks the most
 * specific policy), so an Ingress with, say, a timeout annotation would lose the Gateway-wide body limit that nginx
 * still applied to it. StrategicMerge keeps both, as nginx's ConfigMap defaults plus annotations did.
 */
function mergeWithGatewayPolicies(objects: KubeObject[], diagnostics: Diagnostic[]): KubeObject[] {
  // Per Gateway: a route's policy merges with the Gateway-level policy of the Gateway the route attaches to.
  const gatewayLevel = new Map<string, KubeObject>()
  for (const o of objects) {
    const target = (o.spec?.targetRefs ?? []).find((t: any) => t.kind === 'Gateway')
    if ((o.kind === 'BackendTrafficPolicy' || o.kind === 'SecurityPolicy') && target) {
      gatewayLevel.set(`${o.kind}|${o.metadata.namespace}/${target.name}`, o)
    }
  }
  const routeGateway = new Map<string, string>()
  for (const o of objects) {
    if (!o.kind.endsWith('Route')) continue
    const parent = (o.spec?.parentRefs ?? [])[0]
    if (parent) routeGateway.set(`${o.kind}|${o.metadata.namespace}/${o.metadata.name}`, `${parent.namespace ?? o.metadata.namespace}/${parent.name}`)
  }
  const defaultsFor = (o: KubeObject) => {
    const route = (o.spec?.targetRefs ?? []).find((t: any) => typeof t.kind === 'string' && t.kind.endsWith('Route'))
    const gateway = route && routeGateway.get(`${route.kind}|${o.metadata.namespace}/${route.name}`)
    return gateway === undefined ? undefined : gatewayLevel.get(`${o.kind}|${gateway}`)
  }
  // A policy that only opts out of Gateway defaults is pointless when there are none.
  const isOnlyOptOut = (o: KubeObject) => policyOptOuts.has(o) && Object.keys(o.spec ?? {}).every((k) => k === 'targetRefs')
  objects = objects.filter((o) => !(isOnlyOptOut(o) && !defaultsFor(o)))
  let merged = 0
  for (const o of objects) {
    const defaults = defaultsFor(o)
    const refs: any[] = o.spec?.targetRefs ?? []
    if (!defaults || refs.length === 0 || !refs.every((t) => t.kind.endsWith('Route'))) continue
    const optOuts = policyOptOuts.get(o)
    if (!optOuts) {
      if (o.kind === 'SecurityPolicy') foldAddressLists(o.spec, defaults.spec)
      o.spec.mergeType = 'StrategicMerge'
      merged++
      continue
    }
    // A merge would bring back what the Ingress turned off: replace the Gateway policy instead, carrying its
    // other fields explicitly.
    fillFrom(o.spec, defaults.spec, optOuts, '')
    if (o.kind === 'SecurityPolicy' && !['cors', 'basicAuth', 'extAuth', 'authorization', 'jwt', 'oidc', 'apiKeyAuth'].some((k) => k in o.spec)) {
      o.spec.authorization = {defaultAction: 'Allow'}
    }
    // Only name what the Gateway-level policy has: an opt-out of a field it lacks leaves nothing out.
    const leftOut = optOuts.filter((path) => hasPath(defaults.spec, path))
    diagnostics.push({
      level: 'info',
      code: 'policy-replaces-gateway-defaults',
      object: objectRef(o.kind, {namespace: o.metadata.namespace, name: o.metadata.name}),
      message:
        leftOut.length > 0
          ? `this route-level ${o.kind} replaces the Gateway-level one, whose settings it repeats except ${leftOut.join(', ')} (left out for this Ingress: see the diagnostics of its annotations)`
          : `this route-level ${o.kind} replaces the Gateway-level one and repeats all its settings`,
    })
  }
  if (merged > 0) {
    diagnostics.push({
      level: 'info',
      code: 'policy-merge-type',
      message: `${merged} route-level policies set mergeType: StrategicMerge so that they add to the Gateway-level defaults instead of replacing them (as nginx's ConfigMap defaults applied beside annotations); this needs Envoy Gateway v1.4+ for BackendTrafficPolicy and v1.8+ for SecurityPolicy`,
    })
  }
  return objects
}

/**
 * nginx's allowlist and denylist annotations each replace only their own ConfigMap list (block-cidrs always
 * applies). A route's authorization replaces the Gateway's as a whole, so the lists it does not set are folded in.
 */
function foldAddressLists(route: Record<string, any>, gateway: Record<string, any>): void {
  const mine: any[] = route.authorization?.rules
  const theirs: any[] = gateway.authorization?.rules
  // A deny-all (no rules) must stay deny-all: folding the ConfigMap's Allow rule in would reopen the route.
  if (!mine || mine.length === 0 || !theirs) return
  const lists = ['block-cidrs', 'denylist-source-range', 'allowlist-source-range']
  if (!mine.every((r) => lists.includes(r.name))) return
  const pick = (name: string) => mine.find((r) => r.name === name) ?? theirs.find((r) => r.name === name)
  const rules = [theirs.find((r) => r.name === 'block-cidrs'), pick('denylist-source-range'), pick('allowlist-source-range')].filter(Boolean)
  route.authorization = {defaultAction: rules.some((r) => r.action === 'Allow') ? 'Deny' : 'Allow', rules}
}

/** Copy fields of `from` that `into` lacks, recursing into objects, except the opted-out dotted paths. */
/** Whether a dotted path (fillFrom's opt-out paths: `extAuth`, `timeout.http`) is set in a policy spec. */
function hasPath(spec: Record<string, any>, path: string): boolean {
  let at: any = spec
  for (const key of path.split('.')) {
    if (at === null || typeof at !== 'object' || at[key] === undefined) return false
    at = at[key]
  }
  return true
}

function fillFrom(into: Record<string, any>, from: Record<string, any>, optOuts: string[], prefix: string): void {
  for (const [key, value] of Object.entries(from)) {
    const path = prefix === '' ? key : `${prefix}.${key}`
    if (key === 'targetRefs' || key === 'targetRef' || key === 'targetSelectors' || optOuts.includes(path)) continue
    if (into[key] === undefined) into[key] = structuredClone(value)
    else if (typeof into[key] === 'object' && !Array.isArray(into[key]) && typeof value === 'object' && !Array.isArray(value)) fillFrom(into[key], value, optOuts, path)
  }
}

/**
 * nginx redirects plain HTTP to HTTPS in its rewrite phase, before the allowlist and auth_request run: a
 * Gateway-level SecurityPolicy must not reach the https-redirect routes (users would get 401/403 over HTTP
 * instead of the redirect), so they get a policy of their own that lets everything through to the redirect.
 */
function redirectBeforeAuth(objects: KubeObject[], diagnostics: Diagnostic[]): KubeObject[] {
  const out: KubeObject[] = []
  const gatewayPolicies = objects.filter(
    (o) => o.kind === 'SecurityPolicy' && (o.spec?.targetRefs ?? []).some((t: any) => t.kind === 'Gateway') && (o.spec.extAuth || o.spec.authorization || o.spec.basicAuth),
  )
  for (const policy of gatewayPolicies) {
    const gwName = policy.spec.targetRefs.find((t: any) => t.kind === 'Gateway').name
    const namespace = policy.metadata.namespace!
    const redirects = objects.filter(
      (o) => httpsRedirectRoutes.has(o) && o.metadata.namespace === namespace && (o.spec?.parentRefs ?? []).some((p: any) => p.name === gwName),
    )
    for (let i = 0; i < redirects.length; i += 16) {
      const chunk = redirects.slice(i, i + 16)
      const name = dnsName(gwName, 'https-redirect', 'open', i === 0 ? '' : String(i / 16 + 1))
      out.push({
        apiVersion: 'gateway.envoyproxy.io/v1alpha1',
        kind: 'SecurityPolicy',
        metadata: managedMetadata(name, namespace, [`SecurityPolicy ${namespace}/${policy.metadata.name}`]),
        spec: {
          authorization: {defaultAction: 'Allow'},
          targetRefs: chunk.map((r) => ({group: GATEWAY_GROUP, kind: 'HTTPRoute', name: r.metadata.name})),
        },
      })
    }
    if (redirects.length > 0) {
      diagnostics.push({
        level: 'info',
        code: 'redirect-before-auth',
        object: objectRef('SecurityPolicy', {namespace, name: policy.metadata.name}),
        message: `the https-redirect routes get a SecurityPolicy of their own that lets every request through to the redirect: nginx redirected to HTTPS before its allowlist and global auth ran`,
      })
    }
  }
  return out
}

/**
 * ssl-passthrough TLSRoutes: on a shared Gateway, TLS passthrough shares port 443 with the https listener only
 * through hostname-specific listeners (Envoy separates them by SNI), one per passthrough host.
 */
function passthroughListeners(objects: KubeObject[], gw: NamespacedName, options: TranslateOptions): any[] {
  const listeners: any[] = []
  for (const route of objects) {
    if (route.kind !== 'TLSRoute') continue
    const refs: any[] = route.spec?.parentRefs ?? []
    const ours = refs.filter((r) => r.name === gw.name && r.namespace === gw.namespace && r.sectionName === PASSTHROUGH_LISTENER)
    if (ours.length === 0) continue
    const hostnames: string[] = route.spec.hostnames ?? []
    const perHost = hostnames.map((hostname) => {
      const name = dnsName('tls', hostname)
      if (!listeners.some((l) => l.name === name)) {
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
      return {...ours[0], sectionName: name}
    })
    route.spec.parentRefs = [...refs.filter((r) => !ours.includes(r)), ...perHost]
  }
  return listeners
}

function reportUnconsumed(ingresses: IngressModel[], consumed: Set<Intent>, diagnostics: Diagnostic[]): void {
  for (const ingress of ingresses) {
    if (!ingress.served || ingress.isCanary) continue
    const i = ingress.intents
    const all: Intent[] = [...i.filters, ...i.extensionFilters, ...i.policies, ...i.objects, ...i.extraRules]
    if (i.hostAliases) all.push(i.hostAliases)
    if (i.grpc) all.push(i.grpc)
    if (i.suppressRoute) all.push(i.suppressRoute)
    if (i.redirect) all.push(i.redirect)
    if (i.rewriteTarget) all.push(i.rewriteTarget)
    if (i.backendOverride) all.push(i.backendOverride)
    for (const intent of all) {
      if (consumed.has(intent)) continue
      diagnostics.push({
        level: 'warning',
        code: 'intent-not-emitted',
        object: objectRef('Ingress', ingress.ref),
        annotation: intent.from[0],
        message: `${intent.from.join(', ')} produced a setting that no emitted object carries (the route it belongs to was not emitted, or a conflicting annotation won)`,
        source: ingress.source,
      })
    }
  }
}

function reportPlaceholders(ingresses: IngressModel[], diagnostics: Diagnostic[]): void {
  const withPlaceholders = ingresses.filter((i) => JSON.stringify(i.object.spec ?? {}).includes('${'))
  if (withPlaceholders.length === 0) return
  diagnostics.push({
    level: 'info',
    code: 'gitops-placeholders',
    message: `${withPlaceholders.length} Ingress(es) contain \${VAR} placeholders (${withPlaceholders
      .slice(0, 5)
      .map((i) => i.id)
      .join(', ')}${withPlaceholders.length > 5 ? ', ...' : ''}); they are kept verbatim, and schema checks of those fields happen after substitution`,
  })
}

const KIND_ORDER = (o: KubeObject) => o.kind

/** Objects sorted by kind, namespace, name: the same input always gives the same output order. */
export function sortObjects(objects: KubeObject[]): KubeObject[] {
  return [...objects].sort(
    (a, b) =>
      compareStrings(KIND_ORDER(a), KIND_ORDER(b)) ||
      compareStrings(a.metadata.namespace ?? '', b.metadata.namespace ?? '') ||
      compareStrings(a.metadata.name, b.metadata.name),
  )
}
