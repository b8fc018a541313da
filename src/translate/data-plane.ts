/**
 * The data plane of each shared Gateway: the ingress-nginx controller Service it replaces, the EnvoyProxy that
 * repeats it (bundle/envoy-proxy.ts), the Gateway's parametersRef, and the checks that the new load balancer
 * admits the same clients in the same way: internal stays internal, PROXY protocol on the load balancer matches
 * what the ClientTrafficPolicy expects, source ranges carry over.
 * Pure: no I/O.
 */
import {compareStrings} from '../util/hash.js'
import {about, refOf} from '../model/diagnostics.js'
import {diagnostic} from '../model/catalogue/diagnostic.js'
import type {AdmissionDifference, LoadBalancerDifference} from '../model/catalogue/gateway.js'
import {clusterIpEnvoyProxy, envoyProxyFromService, envoyProxyName, knownLoadBalancerClass, serviceTraits, SOURCE_RANGES_ANNOTATION, type EnvoyProxyPlan} from './bundle/envoy-proxy.js'
import {EG_API_VERSION} from '../model/gateway-refs.js'
import {isObject} from '../util/json.js'
import {servicesSelecting, type ControllerWorkload, type GatewayController, type PerClassRefs} from './controller-workloads.js'
import type {IngressModel} from '../model/ingress-model.js'
import type {Diagnostic, KubeObject, NamespacedName} from '../model/types.js'
import type {LoadBalancerStepId} from '../configmap/types.js'
import type {EmittedObject} from '../model/emitted.js'

export interface DataPlane {
  gateway: NamespacedName
  service?: KubeObject
  plan?: EnvoyProxyPlan
  /** The EnvoyProxy the Gateway references: the plan's, or a ClusterIP one when no Service is known. */
  envoyProxy?: EmittedObject<'EnvoyProxy'>
  /** Why no Service was taken was already reported as an error. */
  refused?: boolean
  /**
   * No Ingress tied a controller to the Gateway and the input has several: the Services in front of them
   * (`NS/NAME`), none taken, which the controller-service-unknown warning names.
   */
  untied?: string[]
}

const ACCESS_LIST_KEYS = ['whitelist-source-range', 'allowlist-source-range', 'denylist-source-range']

/**
 * The controller Service of each Gateway: `--controller-service` for one of its classes (the plain form for the
 * default or only Gateway), else the LoadBalancer / NodePort Service selecting its controller's pods (the one the
 * controller publishes, --publish-service, when several do), else, without any controller workload in the
 * input, the only Service labelled as an ingress-nginx controller's (default or only Gateway).
 */
export function planDataPlanes(
  controllers: GatewayController[],
  defaultGateway: NamespacedName,
  services: Map<string, KubeObject>,
  flags: PerClassRefs,
  workloads: ControllerWorkload[],
  diagnostics: Diagnostic[],
): DataPlane[] {
  const only = controllers.length === 1
  return controllers.map((c) => {
    const speaksForThis = only || (c.gateway.namespace === defaultGateway.namespace && c.gateway.name === defaultGateway.name)
    const gwSubject = about('Gateway', c.gateway)
    const byClass = c.classes.filter((cls): cls is string => cls !== undefined && flags.byClass[cls] !== undefined)
    const named = byClass.length > 0 ? [...new Set(byClass.map((cls) => flags.byClass[cls]))] : speaksForThis && flags.plain !== undefined ? [flags.plain] : []
    if (named.length > 0) {
      const missing = named.find((n) => !services.has(n))
      if (missing !== undefined) {
        diagnostics.push(
          diagnostic('controller-service-not-found', {service: missing}, {...gwSubject, hint: `include the Service in the input (kubectl get service -n ${missing.split('/')[0]} ${missing.split('/')[1]} -o yaml), or read it from the cluster`}),
        )
        return {gateway: c.gateway, refused: true}
      }
      // The classes not named by the flag still came through their own controllers' load balancers: they are
      // compared with the named one(s), so that the flag for one class does not hide another class's.
      const rest = byClass.length > 0 ? c.workloads.filter((w) => c.classes.some((cls) => (cls === undefined || !byClass.includes(cls)) && c.classWorkloads.get(cls) === w)) : []
      const candidates = [...new Map([...named.map((n) => services.get(n)!), ...pickPublished({...c, workloads: rest}, services, diagnostics)].map((s) => [refOf(s), s])).values()]
      return {gateway: c.gateway, service: candidates.length > 1 ? chooseAmong(c, candidates, diagnostics, services.get(named[0])) : candidates[0]}
    }
    // Whether or not this Gateway is the default one: a class of another controller keeps the same verdict in a run
    // of its own and beside other classes (--gateway-for), so adding a class never turns this error into a warning.
    if (c.workloads.length === 0 && c.foreignClasses.length > 0) {
      reportForeignClasses(c, diagnostics)
      return {gateway: c.gateway, refused: true}
    }
    const before = diagnostics.length
    const candidates = c.workloads.length > 0 ? pickPublished(c, services, diagnostics) : speaksForThis ? labelledControllerServices(services, workloads) : []
    if (candidates.length > 1) return {gateway: c.gateway, service: chooseAmong(c, candidates, diagnostics)}
    const untied = candidates.length === 0 && c.classes.length === 0 ? workloads.flatMap((w) => servicesSelecting(w, services)).map(refOf).sort(compareStrings) : []
    return {gateway: c.gateway, service: candidates[0], refused: candidates.length === 0 && diagnostics.slice(before).some((d) => d.level === 'error'), ...(untied.length > 0 ? {untied} : {})}
  })
}

/**
 * A class whose IngressClass names another controller (not k8s.io/ingress-nginx) without its workload in the
 * input: the chart-labelled Service and the usual ConfigMap are the default controller's, and taking them would
 * put this class's hosts on another controller's load balancer (an internal host on the public one). Fail closed.
 */
function reportForeignClasses(c: GatewayController, diagnostics: Diagnostic[]): void {
  const first = c.foreignClasses[0].className
  diagnostics.push(
    diagnostic(
      'controller-service-foreign-class',
      {classes: c.foreignClasses.map((f) => ({className: f.className, controller: f.controller}))},
      {
        ...about('Gateway', c.gateway),
        hint: `name that controller's Service and ConfigMap with --controller-service ${first}=NAMESPACE/NAME and --controller-configmap ${first}=NAMESPACE/NAME, or include its controller workload in the input`,
      },
    ),
  )
}

/** The Services of the Gateway's controllers; per controller, the published one when several select its pods. */
function pickPublished(c: GatewayController, services: Map<string, KubeObject>, diagnostics: Diagnostic[]): KubeObject[] {
  const out = new Map<string, KubeObject>()
  for (const w of c.workloads) {
    const selecting = servicesSelecting(w, services)
    const published = selecting.find((s) => `${s.metadata.namespace ?? 'default'}/${s.metadata.name}` === w.publishService)
    const chosen = selecting.length > 1 && published ? published : selecting.length === 1 ? selecting[0] : undefined
    if (selecting.length > 1) {
      const others = selecting.filter((s) => s !== chosen)
      diagnostics.push(
        diagnostic('controller-several-services', {workload: w.ref, services: selecting.map(refOf), ...(chosen ? {chosen: refOf(chosen)} : {}), others: others.map(refOf)}, {
          ...about('Gateway', c.gateway),
          level: chosen ? 'warning' : 'error',
          hint: `name the Service to repeat with --controller-service ${c.classes.find((x) => x !== undefined) ?? 'CLASS'}=NAMESPACE/NAME; for the other, add a second Gateway (and EnvoyProxy) for the same routes by hand, e.g. the internal load balancer of the chart's controller.service.internal`,
        }),
      )
    }
    if (chosen) out.set(refOf(chosen), chosen)
  }
  return [...out.values()]
}

/**
 * Services labelled app.kubernetes.io/name=ingress-nginx, component=controller (the chart's), load balancers only;
 * not those in front of a controller the input shows (another class's).
 */
function labelledControllerServices(services: Map<string, KubeObject>, workloads: ControllerWorkload[]): KubeObject[] {
  const others = new Set(workloads.flatMap((w) => servicesSelecting(w, services)))
  const found = [...services.values()].filter((s) => {
    if (others.has(s)) return false
    const l = isObject(s.metadata.labels) ? s.metadata.labels : {}
    return l['app.kubernetes.io/name'] === 'ingress-nginx' && l['app.kubernetes.io/component'] === 'controller' && (s.spec?.type === 'LoadBalancer' || s.spec?.type === 'NodePort')
  })
  // Several such Services without their workloads (a dual setup): which is whose is unknown, so none is taken.
  return found.length === 1 ? found : []
}

/**
 * Several controllers (and Services) feed one Gateway: one Envoy Service must do for all. Where their load
 * balancers admitted clients differently (internal or not, source ranges, PROXY protocol) one of them is wrong for
 * some hosts: an error. An internal one wins, so that no internal host becomes public (fail closed: public clients
 * lose access, which the error says).
 */
function chooseAmong(c: GatewayController, candidates: KubeObject[], diagnostics: Diagnostic[], named?: KubeObject): KubeObject {
  const traits = candidates.map((s) => ({s, ...admission(s)}))
  const internal = traits.filter((x) => x.internal).map((x) => x.s)
  const mixed = internal.length > 0 && internal.length < candidates.length
  // Among those (the internal ones, else all), a source-restricted one wins over an unrestricted one, likewise.
  const pool = traits.filter((x) => !mixed || x.internal)
  const restricted = pool.filter((x) => x.sourceRanges !== '').map((x) => x.s)
  const narrowed = restricted.length > 0 && restricted.length < pool.length
  const safest = narrowed ? restricted : pool.map((x) => x.s)
  // A Service named by --controller-service is taken unless that would make another class's internal or
  // source-restricted hosts reachable by more clients.
  const chosen = named && safest.includes(named) ? named : mixed || narrowed ? safest[0] : (named ?? candidates[0])
  const differ = (k: 'type' | 'internal' | 'sourceRanges' | 'proxyProtocol' | 'ports') => new Set(traits.map((x) => String(x[k]))).size > 1
  const valueOf: Record<LoadBalancerDifference['aspect'], (x: (typeof traits)[number]) => string> = {
    type: (x) => x.type,
    internal: (x) => String(x.internal),
    sourceRanges: (x) => x.sourceRanges || 'any',
    proxyProtocol: (x) => (x.proxyProtocol ? 'sent' : 'not sent'),
    ports: (x) => x.ports,
  }
  const differences: LoadBalancerDifference[] = (['type', 'internal', 'sourceRanges', 'proxyProtocol', 'ports'] as const)
    .filter(differ)
    .map((aspect) => ({aspect, values: traits.map((x) => ({service: refOf(x.s), value: valueOf[aspect](x)}))}))
  diagnostics.push(
    diagnostic(
      'gateway-several-controller-services',
      {
        services: candidates.map(refOf),
        chosen: refOf(chosen),
        internalChosen: mixed,
        ...(narrowed ? {restrictedTo: traits.find((x) => x.s === chosen)!.sourceRanges} : {}),
        differences,
      },
      {
        ...about('Gateway', c.gateway),
        level: differences.length > 0 ? 'error' : 'warning',
        hint: 'give each ingress class its own Gateway with --gateway-for CLASS=NAMESPACE/NAME, so that each keeps its load balancer',
      },
    ),
  )
  return chosen
}

/**
 * How a load balancer admits clients: its Service type (a ClusterIP one is reached only through what fronts it), internal, its source ranges (spec.loadBalancerSourceRanges, else the
 * service.beta.kubernetes.io/load-balancer-source-ranges annotation, as Kubernetes' cloud providers read them,
 * k8s.io/cloud-provider service helpers GetLoadBalancerSourceRanges), and whether it sends the PROXY protocol.
 */
function admission(s: KubeObject): {type: string; internal: boolean; sourceRanges: string; proxyProtocol: boolean; ports: string} {
  const annotations = annotationsOf(s)
  const t = serviceTraits(annotations, s.spec?.loadBalancerClass)
  const fromSpec: string[] = Array.isArray(s.spec?.loadBalancerSourceRanges) ? s.spec.loadBalancerSourceRanges.filter((r: unknown): r is string => typeof r === 'string') : []
  const fromAnnotation = (annotations[SOURCE_RANGES_ANNOTATION] ?? '').split(',')
  const ranges = (fromSpec.length > 0 ? fromSpec : fromAnnotation).map((r) => r.trim()).filter((r) => r !== '').sort(compareStrings)
  // The ports that reached nginx's web listeners (tcp-services ports become listeners of their own either way).
  const ports = webPorts(s).map((p: any) => `${p.port} -> ${p.targetPort ?? p.port}`).sort(compareStrings).join(', ')
  return {type: String(s.spec?.type ?? 'ClusterIP'), internal: t.internal.length > 0, sourceRanges: ranges.join(', '), proxyProtocol: t.proxyProtocol.length > 0, ports}
}

function annotationsOf(s: KubeObject): Record<string, string> {
  return isObject(s.metadata.annotations) ? (s.metadata.annotations as Record<string, string>) : {}
}

/** What the run knows of the Gateways already in the cluster, and what the user accepted for them. */
export interface DataPlaneContext {
  /** Gateways (`NS/NAME`) of the input that already exist: their Envoy Service exists too. */
  live: Map<string, KubeObject>
  /** `--public-load-balancer NS/NAME`: Gateways for which Envoy Gateway's default public LoadBalancer is accepted. */
  publicLoadBalancer: string[]
  /** The EnvoyProxy of the Gateway's GatewayClass, when the input has both (by Gateway `NS/NAME`). */
  classProxy?: (gateway: string) => {className: string; proxy: KubeObject} | undefined
}

/** The GatewayClass's EnvoyProxy referenced by a GatewayClass of the input (undefined when either is absent). */
export function gatewayClassProxy(className: string, gatewayClasses: KubeObject[], envoyProxies: KubeObject[]): KubeObject | undefined {
  const ref = gatewayClasses.find((c) => c.metadata.name === className)?.spec?.parametersRef
  if (!ref || ref.kind !== 'EnvoyProxy' || ref.group !== EG_API_VERSION.split('/')[0]) return undefined
  return envoyProxies.find((e) => e.metadata.name === ref.name && (e.metadata.namespace ?? 'default') === (ref.namespace ?? 'default'))
}

/**
 * Builds each Gateway's EnvoyProxy. A Gateway whose controller Service is not known never gets Envoy Gateway's
 * default public LoadBalancer by omission: a new Gateway gets a ClusterIP Envoy Service, a live one is an error
 * (its existing Envoy Service cannot be judged), unless `--public-load-balancer` names it.
 */
export function buildEnvoyProxies(planes: DataPlane[], emitBundle: boolean, context: DataPlaneContext, diagnostics: Diagnostic[], checklist: string[]): EmittedObject<'EnvoyProxy'>[] {
  const objects: EmittedObject<'EnvoyProxy'>[] = []
  const accepted = new Set(context.publicLoadBalancer)
  for (const p of planes) {
    const gw = `${p.gateway.namespace}/${p.gateway.name}`
    const merging = context.classProxy?.(gw)
    if (emitBundle && merging?.proxy.spec?.mergeGateways === true) {
      mergedGatewaysDataPlane(p, merging.className, merging.proxy, accepted.has(gw), diagnostics)
      continue
    }
    if (!p.service) {
      if (emitBundle) {
        const proxy = withoutControllerService(p, context.live.get(gw), accepted.has(gw), diagnostics, checklist)
        if (proxy) objects.push(proxy)
      }
      continue
    }
    if (accepted.has(gw)) {
      diagnostics.push(diagnostic('public-load-balancer-unused', {gateway: gw, service: refOf(p.service)}, about('Gateway', p.gateway)))
    }
    p.plan = envoyProxyFromService(p.service, p.gateway)
    const ep = `${p.plan.object.metadata.namespace}/${p.plan.object.metadata.name}`
    if (!emitBundle) {
      checklist.push(`data plane of Gateway ${gw}: the gateway owner's run (--emit-gateway) generates EnvoyProxy ${ep} from Service ${refOf(p.service).replace(/^Service /, '')}`)
      continue
    }
    p.envoyProxy = p.plan.object
    diagnostics.push(...p.plan.diagnostics)
    objects.push(p.plan.object)
    checklist.push(`data plane of Gateway ${gw}: ${refOf(p.service)} -> EnvoyProxy ${ep}: ${p.plan.mapping.join('; ')}`)
  }
  const unknown = context.publicLoadBalancer.filter((g) => !planes.some((p) => `${p.gateway.namespace}/${p.gateway.name}` === g))
  if (unknown.length > 0) {
    diagnostics.push(diagnostic('public-load-balancer-unused', {unknown, gateways: planes.map((p) => `${p.gateway.namespace}/${p.gateway.name}`)}))
  }
  if (objects.length > 0) {
    checklist.push(
      'EnvoyProxy attachment: Gateway spec.infrastructure.parametersRef needs Gateway API v1.2+ (standard channel; v1.1 experimental) and Envoy Gateway v1.1+, mergeType needs Envoy Gateway v1.8+ (older: remove mergeType; the EnvoyProxy then replaces the GatewayClass\'s); ' +
        'when the GatewayClass\'s EnvoyProxy sets mergeGateways: true, Envoy Gateway does not accept a Gateway that has a parametersRef (Accepted False, reason InvalidParameters: none of its routes is served), so with merged Gateways move envoyService into the GatewayClass\'s EnvoyProxy and drop the Gateway\'s parametersRef before applying; on releases without Gateway parametersRef, reference the EnvoyProxy from a GatewayClass of its own (spec.parametersRef with namespace) per load balancer',
    )
  }
  return objects
}

/**
 * The GatewayClass's EnvoyProxy merges Gateways: Envoy Gateway refuses a Gateway that has a parametersRef
 * (internal/provider/kubernetes/controller.go processGatewayParamsRef errs; the Gateway is Accepted=False,
 * InvalidParameters) and every Gateway of the class shares that EnvoyProxy's one Envoy Service. No EnvoyProxy is
 * attached; the shared Service must repeat the controller's, which only the platform can do: an error, unless
 * no Service is known and --public-load-balancer accepts the shared one.
 */
function mergedGatewaysDataPlane(p: DataPlane, className: string, classProxy: KubeObject, accepted: boolean, diagnostics: Diagnostic[]): void {
  const gw = `${p.gateway.namespace}/${p.gateway.name}`
  const classRef = `EnvoyProxy ${classProxy.metadata.namespace ?? 'default'}/${classProxy.metadata.name}`
  const subject = about('Gateway', p.gateway)
  if (!p.service && accepted) {
    diagnostics.push(diagnostic('public-load-balancer-accepted', {gateway: gw, case: 'merged-gateways', className, classRef}, {...subject, level: 'info'}))
    return
  }
  const plan = p.service ? envoyProxyFromService(p.service, p.gateway) : undefined
  diagnostics.push(
    diagnostic('gateway-merged-envoy-service', {className, classRef, ...(p.service ? {service: refOf(p.service), mapping: plan!.mapping} : {})}, {
      ...subject,
      hint: p.service
        ? `set these in provider.kubernetes.envoyService of ${classRef} if every merged Gateway may share them, or give these classes a GatewayClass of their own without mergeGateways`
        : `name the Service with --controller-service CLASS=NAMESPACE/NAME, or --public-load-balancer ${gw} if the shared Envoy Service is right for these hosts`,
    }),
  )
}

/**
 * No controller Service known for this Gateway (fail closed). New Gateway: a ClusterIP EnvoyProxy, unless the user
 * accepted the public default. Live Gateway: its Envoy Service already exists and is kept as it is; without the
 * user's word that it may serve these Ingresses, an error (apply refuses).
 */
function withoutControllerService(p: DataPlane, live: KubeObject | undefined, accepted: boolean, diagnostics: Diagnostic[], checklist: string[]): EmittedObject<'EnvoyProxy'> | undefined {
  const gw = `${p.gateway.namespace}/${p.gateway.name}`
  const subject = about('Gateway', p.gateway)
  const flags = `--controller-service CLASS=NAMESPACE/NAME (the ingress-nginx controller Service of this Gateway's classes), or --public-load-balancer ${gw} if a public load balancer is right for all of them`
  if (live) {
    const ref = live.spec?.infrastructure?.parametersRef
    if (ref?.kind === 'EnvoyProxy' && ref.name === envoyProxyName(p.gateway)) {
      // An earlier run generated and attached it: the live Gateway keeps it (the Gateway union keeps parametersRef).
      diagnostics.push(diagnostic('controller-service-unknown', {case: 'live-keeps-envoyproxy', envoyProxy: ref.name}, {...subject, level: 'info'}))
      return undefined
    }
    if (accepted) {
      diagnostics.push(diagnostic('public-load-balancer-accepted', {gateway: gw, case: 'live-service-kept'}, {...subject, level: 'info'}))
      return undefined
    }
    diagnostics.push(diagnostic('controller-service-unknown', {case: 'live-gateway'}, {...subject, level: 'error', hint: `name the Service with ${flags} (keeps the live Envoy Service as it is)`}))
    return undefined
  }
  if (accepted) {
    diagnostics.push(diagnostic('public-load-balancer-accepted', {gateway: gw, case: 'default-service'}, {...subject, level: 'warning'}))
    checklist.push(`data plane of Gateway ${gw}: Envoy Gateway's default Service (public LoadBalancer), accepted with --public-load-balancer`)
    return undefined
  }
  p.envoyProxy = clusterIpEnvoyProxy(p.gateway)
  const ep = `${p.gateway.namespace}/${p.envoyProxy.metadata.name}`
  if (!p.refused) {
    diagnostics.push(
      diagnostic('controller-service-unknown', p.untied ? {case: 'untied', services: p.untied, envoyProxy: ep} : {case: 'not-in-input', envoyProxy: ep}, {
        ...subject,
        level: 'warning',
        fidelity: 'manual',
        hint: p.untied
        ? `pass --controller-service NAMESPACE/NAME naming the one of ${p.untied.join(', ')} whose ports this Gateway takes over, or --public-load-balancer ${gw}`
          : `include the controller Service and Deployment in the input (or read the cluster), or pass ${flags}; \`cutover\` in place also works with the ClusterIP Service`,
      }),
    )
  }
  checklist.push(`data plane of Gateway ${gw}: controller Service unknown -> EnvoyProxy ${ep}: type ClusterIP (unreachable from outside the cluster until --controller-service or --public-load-balancer)`)
  return p.envoyProxy
}

/**
 * Sets the Gateway's spec.infrastructure.parametersRef to its EnvoyProxy. A live Gateway that already names
 * another parametersRef keeps it (replacing it would drop the platform's settings): the user merges by hand.
 */
export function attachEnvoyProxy(gateway: KubeObject, plane: DataPlane | undefined, live: KubeObject | undefined, diagnostics: Diagnostic[]): void {
  const proxy = plane?.envoyProxy
  if (!plane || !proxy) return
  const name = proxy.metadata.name
  const spec = gateway.spec
  const current = spec.infrastructure?.parametersRef
  if (current && !(current.kind === 'EnvoyProxy' && current.name === name)) {
    diagnostics.push(
      diagnostic('gateway-parameters-ref-kept', {kind: String(current.kind), name: String(current.name), envoyProxy: name, ...(plane.service ? {service: refOf(plane.service)} : {})}, {
        ...about('Gateway', plane.gateway),
        hint: `copy provider.kubernetes.envoyService of EnvoyProxy ${name} into ${current.kind} ${current.name}, or point the Gateway at ${name} after merging the two`,
      }),
    )
    return
  }
  if (live && !current) checkLiveEnvoyService(plane, proxy, diagnostics)
  const {listeners, ...rest} = spec
  gateway.spec = {...rest, infrastructure: {...(spec.infrastructure ?? {}), parametersRef: {group: EG_API_VERSION.split('/')[0], kind: 'EnvoyProxy', name}}, listeners}
}

/**
 * A live Gateway without parametersRef already has its Envoy Service, made from Envoy Gateway's defaults (or the
 * GatewayClass's EnvoyProxy). Some settings of the new EnvoyProxy cannot reach it in place:
 * - spec.loadBalancerClass may not change once set on a LoadBalancer Service (Kubernetes ValidateServiceUpdate), and
 *   Envoy Gateway server-side applies the whole Service (internal/infrastructure/kubernetes/infra_resource.go
 *   createOrUpdateService -> applyIfOwned): the API server rejects the update, so none of the settings (internal
 *   annotations, source ranges) reach the Service, and its current load balancer keeps serving;
 * - an internal annotation does not turn an existing AWS load balancer internal (the in-tree provider's
 *   ensureLoadBalancer leaves the scheme as created: "TODO: Sync internal vs non-internal"), so the current
 *   load balancer, public by Envoy Gateway's default, would take the internal hosts.
 * An error with the two ways out: a new Gateway, or recreating the Envoy Service.
 */
function checkLiveEnvoyService(plane: DataPlane, proxy: KubeObject, diagnostics: Diagnostic[]): void {
  const envoyService = proxy.spec.provider.kubernetes.envoyService
  const internal = plane.plan?.traits.internal ?? []
  const loadBalancerClass = typeof envoyService.loadBalancerClass === 'string' ? envoyService.loadBalancerClass : undefined
  const clusterIp = envoyService.type === 'ClusterIP'
  if (loadBalancerClass === undefined && internal.length === 0 && !clusterIp) return
  const gw = `${plane.gateway.namespace}/${plane.gateway.name}`
  diagnostics.push(
    diagnostic('envoy-service-not-changed-in-place', {envoyProxy: proxy.metadata.name, ...(loadBalancerClass !== undefined ? {loadBalancerClass} : {}), internal, clusterIp}, {
      ...about('Gateway', plane.gateway),
      hint: `generate a new Gateway for these Ingresses (--gateway NAMESPACE/NEW-NAME, or --gateway-for CLASS=NAMESPACE/NEW-NAME): Envoy Gateway creates its Envoy Service with these settings; or, in a maintenance window, apply, then delete the Envoy Service (kubectl delete service -n ENVOY-GATEWAY-NAMESPACE -l gateway.envoyproxy.io/owning-gateway-name=${plane.gateway.name},gateway.envoyproxy.io/owning-gateway-namespace=${plane.gateway.namespace}) so that Envoy Gateway recreates it with a new load balancer and address; check with \`kubectl ingress2gw status\` that ${gw} is Programmed. If the current Envoy Service already has these settings (kubectl get service -n ENVOY-GATEWAY-NAMESPACE -l gateway.envoyproxy.io/owning-gateway-name=${plane.gateway.name} -o yaml), apply with --force`,
    }),
  )
}

/**
 * The GatewayClass's EnvoyProxy, when the input has it, merged under the Gateway's as Envoy Gateway does
 * (internal/gatewayapi/envoyproxy_merge.go MergeEnvoyProxyConfigs: the Gateway's mergeType StrategicMerge, so
 * utils.Merge -> strategicpatch.StrategicMergePatch: annotation maps merge key by key, a field the Gateway's
 * EnvoyProxy leaves unset keeps the GatewayClass's value, lists and scalars it sets win). What the GatewayClass adds
 * can change who is admitted: a loadBalancerClass (another controller, with other defaults), an annotation that
 * decides internal-or-not for a provider, source ranges, an envoyService.patch (applied after everything,
 * resource_provider.go Service -> MergeWithPatch). A difference in admission is an error; one we cannot judge (a
 * patch, or a GatewayClass EnvoyProxy not in the input) a warning.
 */
export function checkInheritedEnvoyProxy(gateway: KubeObject, plane: DataPlane | undefined, gatewayClasses: KubeObject[], envoyProxies: KubeObject[], diagnostics: Diagnostic[]): void {
  const proxy = plane?.envoyProxy
  if (!plane || !proxy || gateway.spec?.infrastructure?.parametersRef?.name !== proxy.metadata.name) return
  const className = gateway.spec?.gatewayClassName
  const ref = gatewayClasses.find((c) => c.metadata.name === className)?.spec?.parametersRef
  if (!ref || ref.kind !== 'EnvoyProxy' || ref.group !== EG_API_VERSION.split('/')[0]) return
  const subject = about('Gateway', plane.gateway)
  const classProxy = envoyProxies.find((e) => e.metadata.name === ref.name && (e.metadata.namespace ?? 'default') === (ref.namespace ?? 'default'))
  const classRef = `EnvoyProxy ${ref.namespace ?? 'default'}/${ref.name}`
  if (!classProxy) {
    diagnostics.push(
      diagnostic('gatewayclass-envoyproxy-not-checked', {case: 'not-in-input', className, classRef, envoyProxy: proxy.metadata.name}, {
        ...subject,
        hint: `include ${classRef} in the input (kubectl get envoyproxy -n ${ref.namespace ?? 'default'} ${ref.name} -o yaml) to have the merge checked`,
      }),
    )
    return
  }
  if (classProxy.spec?.mergeGateways === true) return
  // Both EnvoyProxy builders (envoy-proxy.ts) set provider.kubernetes.envoyService.
  const ours = proxy.spec.provider?.kubernetes?.envoyService ?? {}
  const theirs = isObject(classProxy.spec?.provider?.kubernetes?.envoyService) ? classProxy.spec.provider.kubernetes.envoyService : {}
  const merged = mergeEnvoyService(theirs, ours)
  // Only a LoadBalancer Service gets the class, source ranges and cloud annotations a load balancer reads
  // (resource.go ExpectedServiceSpec); the Gateway's EnvoyProxy always sets the type.
  const lb = ours.type === 'LoadBalancer'
  const before = admission(asService(ours))
  const after = admission(asService(merged))
  // Letting in clients the old load balancer kept out, or breaking every connection: errors. Keeping out clients it let in: warnings.
  // A loadBalancerClass of the GatewayClass's hands the Service to another load-balancer controller, which need not
  // read the provider annotations that made this one internal (GKE's l4-regional-external class is external
  // whatever networking.gke.io/load-balancer-type says, which serviceTraits knows): under an internal load
  // balancer, a class whose reading is not known is an error too.
  const foreignClass = ours.loadBalancerClass === undefined && typeof theirs.loadBalancerClass === 'string' ? theirs.loadBalancerClass : undefined
  const opened: AdmissionDifference[] = [
    ...(before.internal && !after.internal ? [{kind: 'internal-to-public' as const, ...(foreignClass !== undefined ? {loadBalancerClass: foreignClass} : {})}] : []),
    ...(before.internal && after.internal && foreignClass !== undefined && !knownLoadBalancerClass(foreignClass)
      ? [{kind: 'class-may-ignore-internal' as const, loadBalancerClass: foreignClass, internal: plane.plan?.traits.internal ?? []}]
      : []),
    ...(before.sourceRanges !== '' && before.sourceRanges !== after.sourceRanges ? [{kind: 'source-ranges' as const, from: before.sourceRanges, to: after.sourceRanges}] : []),
    ...(before.proxyProtocol !== after.proxyProtocol ? [{kind: 'proxy-protocol' as const, from: before.proxyProtocol, to: after.proxyProtocol}] : []),
  ]
  const narrowed: AdmissionDifference[] = [
    ...(!before.internal && after.internal ? [{kind: 'public-to-internal' as const}] : []),
    ...(before.sourceRanges === '' && after.sourceRanges !== '' ? [{kind: 'any-source' as const, to: after.sourceRanges}] : []),
    ...(foreignClass !== undefined && !opened.some((o) => 'loadBalancerClass' in o && o.loadBalancerClass === foreignClass) ? [{kind: 'foreign-class' as const, loadBalancerClass: foreignClass}] : []),
  ]
  for (const [level, differences] of [['error', opened], ['warning', narrowed]] as const) {
    if (differences.length === 0 || !lb) continue
    const facts = {className, classRef, envoyProxy: proxy.metadata.name, ...(plane.service ? {service: refOf(plane.service)} : {}), differences}
    diagnostics.push(
      diagnostic('gatewayclass-envoyproxy-changes-admission', facts, {
        level,
        ...subject,
        hint: `set the differing settings explicitly in envoyService of EnvoyProxy ${proxy.metadata.name} (they then win), or remove them from ${classRef}${foreignClass !== undefined ? ` (a loadBalancerClass cannot be unset from the Gateway's EnvoyProxy: remove it from ${classRef}, or give these Gateways a GatewayClass of their own)` : ''}`,
      }),
    )
  }
  if (isObject(theirs.patch)) {
    diagnostics.push(
      diagnostic('gatewayclass-envoyproxy-not-checked', {case: 'patch', className, classRef, envoyProxy: proxy.metadata.name}, {
        ...subject,
        hint: `check that the patch of ${classRef} leaves the Service's type, internal annotations and source ranges alone`,
      }),
    )
  }
}

/** Strategic merge of two envoyService specs (Gateway's over GatewayClass's): maps by key, the rest by field. */
function mergeEnvoyService(base: Record<string, any>, override: Record<string, any>): Record<string, any> {
  const out: Record<string, any> = {...base, ...override}
  for (const k of ['annotations', 'labels']) {
    if (isObject(base[k]) || isObject(override[k])) out[k] = {...(isObject(base[k]) ? base[k] : {}), ...(isObject(override[k]) ? override[k] : {})}
  }
  return out
}

function asService(envoyService: Record<string, any>): KubeObject {
  return {apiVersion: 'v1', kind: 'Service', metadata: {name: 'envoy', annotations: envoyService.annotations ?? {}}, spec: {type: envoyService.type ?? 'LoadBalancer', loadBalancerClass: envoyService.loadBalancerClass, loadBalancerSourceRanges: envoyService.loadBalancerSourceRanges}}
}

/**
 * The load balancer and the Gateway's listeners must agree: PROXY protocol on the load balancer vs the
 * ClientTrafficPolicy (a mismatch fails every connection), externalTrafficPolicy vs the client address that
 * source-range rules see, and the load balancer's source ranges beside the per-Ingress allowlists.
 */
export function checkDataPlane(plane: DataPlane, ingresses: IngressModel[], objects: KubeObject[], diagnostics: Diagnostic[], proxyProtocolConfirmed = false): void {
  if (!plane.plan || !plane.service) return
  const gwSubject = about('Gateway', plane.gateway)
  const svc = refOf(plane.service)
  const ctp = objects.find(
    (o) => o.kind === 'ClientTrafficPolicy' && o.metadata.namespace === plane.gateway.namespace && (o.spec?.targetRefs ?? []).some((t: any) => t.kind === 'Gateway' && t.name === plane.gateway.name && t.sectionName === undefined),
  )
  const expectsProxy = ctp !== undefined && (ctp.spec.proxyProtocol !== undefined || ctp.spec.enableProxyProtocol === true)
  const sends = plane.plan.traits.proxyProtocol
  if (sends.length > 0 && !expectsProxy) {
    diagnostics.push(
      diagnostic('data-plane-proxy-protocol-mismatch', {service: svc, case: 'not-expected', sends}, {
        ...gwSubject,
        level: 'error',
        hint: 'set use-proxy-protocol: "true" in the controller ConfigMap (as nginx needed to serve this load balancer), or run with --client-ip proxy-protocol',
      }),
    )
  } else if (sends.length === 0 && expectsProxy) {
    // nginx served with use-proxy-protocol, so something outside the Service's annotations sent PROXY headers; the
    // EnvoyProxy repeats the annotations only, so the new load balancer sends none, and the proxy_protocol listener
    // filter (Envoy Gateway xds/translator/proxy_protocol.go buildProxyProtocolFilter: allow_requests_without_proxy_protocol
    // only with proxyProtocol.optional, which would let a client behind a non-PROXY load balancer forge its address)
    // refuses every connection without one. In place (cutover --service) the existing load balancer keeps sending
    // them: the user says which.
    const named = namedProxyAnnotations(plane.plan.object.spec?.provider?.kubernetes?.envoyService?.annotations ?? {})
    if (named.length > 0) {
      diagnostics.push(
        diagnostic(
          'data-plane-proxy-protocol-mismatch',
          {service: svc, case: 'unknown-annotations', policy: ctp!.metadata.name, annotations: named, envoyProxy: plane.plan.object.metadata.name},
          {
            ...gwSubject,
            level: 'warning',
            hint: `check that ${named.join(', ')} makes the load balancer send PROXY headers, then rerun with --client-ip proxy-protocol to confirm (or \`cutover --service ${svc}\` in place)`,
          },
        ),
      )
    } else {
      diagnostics.push(
        diagnostic(
          'data-plane-proxy-protocol-mismatch',
          {service: svc, case: 'sent-outside-service', policy: ctp!.metadata.name, envoyProxy: plane.plan.object.metadata.name, confirmed: proxyProtocolConfirmed},
          {
            ...gwSubject,
            level: proxyProtocolConfirmed ? 'warning' : 'error',
            hint:
          `before traffic moves: either cut over in place with \`cutover --service ${svc}\` (the existing load balancer keeps sending PROXY headers), or configure the Envoy Service's load balancer to send them as the controller's does (e.g. an annotation in the EnvoyProxy's envoyService.annotations); then rerun with --client-ip proxy-protocol to confirm. ` +
              'If nothing sends PROXY headers any more, rerun with --client-ip auto after removing use-proxy-protocol, or with --client-ip none',
          },
        ),
      )
    }
  } else if (sends.length > 0) {
    diagnostics.push(diagnostic('data-plane-proxy-protocol', {service: svc, sends, envoyProxy: plane.plan.object.metadata.name, policy: ctp!.metadata.name}, gwSubject))
  }
  reportPorts(plane, diagnostics)
  if (ctp?.spec?.clientIPDetection?.xForwardedFor !== undefined) reportClassicElbForwardedFor(plane, diagnostics)
  const own = ingresses.filter((i) => i.served && !i.isCanary && i.gateway.namespace === plane.gateway.namespace && i.gateway.name === plane.gateway.name)
  const withLists = own.filter((i) => ACCESS_LIST_KEYS.some((k) => i.annotations.has(k))).map((i) => i.id)
  const etp = plane.plan.object.spec.provider?.kubernetes?.envoyService?.externalTrafficPolicy
  const detects = expectsProxy || ctp?.spec?.clientIPDetection !== undefined
  if (etp === 'Cluster' && !detects && withLists.length > 0) {
    diagnostics.push(
      diagnostic('data-plane-client-address', {ingresses: withLists}, {
        ...gwSubject,
        hint: 'set externalTrafficPolicy: Local on the EnvoyProxy (the client address is kept), or enable PROXY protocol on the load balancer and in the ClientTrafficPolicy',
      }),
    )
  }
  const ranges: string[] = plane.plan.object.spec.provider?.kubernetes?.envoyService?.loadBalancerSourceRanges ?? []
  if (ranges.length > 0 && withLists.length > 0) {
    diagnostics.push(diagnostic('data-plane-source-ranges', {ranges, ingresses: withLists}, gwSubject))
  }
}

/**
 * An in-tree AWS Classic ELB at layer 7 (no aws-load-balancer-type, no loadBalancerClass, backend-protocol http or
 * https) added X-Forwarded-For, which the Gateway now trusts. The Envoy Service is a new Service: where the AWS Load
 * Balancer Controller runs with its Service webhook (on by default since v2.5; webhooks/core/service_mutator.go
 * MutateCreate gives every new LoadBalancer Service without a class service.k8s.aws/nlb), it becomes an NLB, which
 * adds no X-Forwarded-For: the address Envoy trusts is then the client's own header, forgeable.
 */
function reportClassicElbForwardedFor(plane: DataPlane, diagnostics: Diagnostic[]): void {
  const annotations = annotationsOf(plane.service!)
  const backend = (annotations['service.beta.kubernetes.io/aws-load-balancer-backend-protocol'] ?? '').trim()
  if (plane.service!.spec?.type !== 'LoadBalancer' || plane.service!.spec?.loadBalancerClass !== undefined) return
  if (annotations['service.beta.kubernetes.io/aws-load-balancer-type'] !== undefined || !['http', 'https'].includes(backend)) return
  diagnostics.push(
    diagnostic('data-plane-aws-classic-elb-forwarded-for', {service: refOf(plane.service!), backendProtocol: backend}, {
      ...about('Gateway', plane.gateway),
      fidelity: 'manual',
      hint: 'after applying, check the Envoy Service (kubectl get service -n ENVOY-GATEWAY-NAMESPACE -l gateway.envoyproxy.io/owning-gateway-name=' + plane.gateway.name + ' -o jsonpath={.items[*].spec.loadBalancerClass}): if it is service.k8s.aws/nlb, use the PROXY protocol instead (aws-load-balancer-proxy-protocol: "*" on the EnvoyProxy and --client-ip proxy-protocol), or exclude the Service from the webhook',
    }),
  )
}

/**
 * The ports clients used on the old load balancer: those that reached nginx's http or https listener (targetPort
 * http/https or 80/443, the chart's names). Envoy Gateway gives the Envoy Service the Gateway's listener ports
 * (80 and 443 here), so a client of another port (8080 -> http, say) finds nothing on the new load balancer.
 */
const WEB_TARGETS: Record<string, number> = {http: 80, '80': 80, https: 443, '443': 443}

function webPorts(s: KubeObject | undefined): any[] {
  const ports: any[] = Array.isArray(s?.spec?.ports) ? s!.spec.ports : []
  return ports.filter((p) => WEB_TARGETS[String(p?.targetPort ?? p?.port)] !== undefined)
}

function reportPorts(plane: DataPlane, diagnostics: Diagnostic[]): void {
  const moved = webPorts(plane.service).filter((p) => Number(p?.port) !== WEB_TARGETS[String(p?.targetPort ?? p?.port)])
  if (moved.length === 0) return
  diagnostics.push(
    diagnostic('data-plane-ports-differ', {service: refOf(plane.service), ports: moved.map((p) => ({port: String(p.port), targetPort: String(p.targetPort ?? p.port)}))}, {
      ...about('Gateway', plane.gateway),
      fidelity: 'manual',
      hint: 'point those clients at 80/443, or add Gateway listeners on those ports (their routes attach by sectionName), or put a port mapping in front',
    }),
  )
}

/**
 * The ConfigMap family (configmap/client-ip.ts) asks the gateway owner to repeat the old load balancer's
 * externalTrafficPolicy and PROXY protocol on the Envoy Service by hand; its steps carry ids, and this says which
 * a Gateway's generated EnvoyProxy already does: it copies the Service's externalTrafficPolicy, and its
 * PROXY-protocol annotations when the Service has any.
 */
export function loadBalancerStepDone(planes: DataPlane[]): (gateway: NamespacedName, step: LoadBalancerStepId) => boolean {
  return (gateway, step) => {
    const plan = planes.find((p) => p.gateway.namespace === gateway.namespace && p.gateway.name === gateway.name)?.plan
    if (!plan) return false
    return step === 'client-address' || (step === 'proxy-protocol' && plan.traits.proxyProtocol.length > 0)
  }
}

/**
 * The controller ConfigMap keys a Gateway's generated EnvoyProxy carries: with use-proxy-protocol the load balancer
 * in front of the Envoy Service must send PROXY headers, and an EnvoyProxy that copies the Service's PROXY-protocol
 * annotations is what does it (loadBalancerStepDone withdraws the owner's step for it). Left out, that half of the
 * key is not applied.
 */
export function envoyProxyConfigMapKeys(plane: DataPlane | undefined, configMap: KubeObject | undefined): {ref: string; keys: string[]} | undefined {
  if (!plane?.plan || !configMap || plane.plan.traits.proxyProtocol.length === 0) return undefined
  const data = isObject(configMap.data) ? configMap.data : {}
  return typeof data['use-proxy-protocol'] === 'string' ? {ref: refOf(configMap), keys: ['use-proxy-protocol']} : undefined
}

/**
 * Annotations (as copied to the EnvoyProxy) whose key names the PROXY protocol with a value that does not turn it off,
 * for clouds serviceTraits has no rule for (OVHcloud, Civo, Vultr...); the same reading as cutover/checks.ts
 * lbSendsProxyProtocol. Not proof that PROXY headers are sent, but the Envoy Service's load balancer gets the same ask.
 */
function namedProxyAnnotations(annotations: Record<string, string>): string[] {
  return Object.entries(annotations)
    .filter(([k, v]) => /proxy-?protocol|ppv2/i.test(k) && !/^(|false|0|no|off|disabled|none)$/i.test(String(v).trim()))
    .map(([k, v]) => `${k}: "${v}"`)
    .sort(compareStrings)
}
