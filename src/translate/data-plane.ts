/**
 * The data plane of each shared Gateway: the ingress-nginx controller Service it replaces, the EnvoyProxy that
 * repeats it (bundle/envoy-proxy.ts), the Gateway's parametersRef, and the checks that the new load balancer
 * admits the same clients in the same way: internal stays internal, PROXY protocol on the load balancer matches
 * what the ClientTrafficPolicy expects, source ranges carry over.
 * Pure: no I/O.
 */
import {compareStrings} from '../util/hash.js'
import {about, refOf} from '../model/diagnostics.js'
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
        diagnostics.push({
          level: 'error',
          code: 'controller-service-not-found',
          ...gwSubject,
          message: `controller Service ${missing} (--controller-service) is not in the input: its settings cannot be repeated, so the Envoy Service of this Gateway is ClusterIP (reached from nowhere outside the cluster) rather than Envoy Gateway's default public LoadBalancer`,
          hint: `include the Service in the input (kubectl get service -n ${missing.split('/')[0]} ${missing.split('/')[1]} -o yaml), or read it from the cluster`,
        })
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
  const list = c.foreignClasses.map((f) => `${f.className} (controller ${f.controller})`).join(', ')
  const first = c.foreignClasses[0].className
  diagnostics.push({
    level: 'error',
    code: 'controller-service-foreign-class',
    ...about('Gateway', c.gateway),
    message: `the IngressClass of ${list} names a controller other than k8s.io/ingress-nginx, whose Deployment or DaemonSet is not in the input: the chart-labelled Service and ConfigMap belong to the default controller, so neither is taken: the Envoy Service of this Gateway is ClusterIP (not Envoy Gateway's default public LoadBalancer, whatever this controller's load balancer was) and nginx defaults are assumed for the ConfigMap`,
    hint: `name that controller's Service and ConfigMap with --controller-service ${first}=NAMESPACE/NAME and --controller-configmap ${first}=NAMESPACE/NAME, or include its controller workload in the input`,
  })
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
      diagnostics.push({
        level: chosen ? 'warning' : 'error',
        code: 'controller-several-services',
        ...about('Gateway', c.gateway),
        message: `${selecting.length} load-balancer Services select the pods of ${w.ref} (${selecting.map(refOf).join(', ')})${chosen ? `; the EnvoyProxy repeats ${refOf(chosen)}, the one the controller publishes (--publish-service)` : ' and none is its --publish-service: none is repeated, and the Envoy Service is ClusterIP'}; Envoy Gateway gives a Gateway one Service, so ${others.map(refOf).join(', ')} ${others.length === 1 ? 'has' : 'have'} no twin`,
        hint: `name the Service to repeat with --controller-service ${c.classes.find((x) => x !== undefined) ?? 'CLASS'}=NAMESPACE/NAME; for the other, add a second Gateway (and EnvoyProxy) for the same routes by hand, e.g. the internal load balancer of the chart's controller.service.internal`,
      })
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
  const differences = [
    ...(differ('type') ? [`Service type (${traits.map((x) => `${refOf(x.s)}: ${x.type}`).join('; ')})`] : []),
    ...(differ('internal') ? ['internal or not'] : []),
    ...(differ('sourceRanges') ? [`source ranges (${traits.map((x) => `${refOf(x.s)}: ${x.sourceRanges || 'any'}`).join('; ')})`] : []),
    ...(differ('proxyProtocol') ? [`PROXY protocol (${traits.map((x) => `${refOf(x.s)}: ${x.proxyProtocol ? 'sent' : 'not sent'}`).join('; ')})`] : []),
    ...(differ('ports') ? [`ports (${traits.map((x) => `${refOf(x.s)}: ${x.ports}`).join('; ')})`] : []),
  ]
  diagnostics.push({
    level: differences.length > 0 ? 'error' : 'warning',
    code: 'gateway-several-controller-services',
    ...about('Gateway', c.gateway),
    message: `the Ingresses of this Gateway came through ${candidates.length} load balancers (${candidates.map(refOf).join(', ')}) and the Gateway gets one: the EnvoyProxy repeats ${refOf(chosen)}${mixed ? ', the internal one, so that no internal host becomes reachable from outside; the hosts that were public are internal until the classes get Gateways of their own' : ''}${narrowed ? `, the source-restricted one, so that no restricted host is reachable from more sources; the hosts that were open to any source are restricted to ${traits.find((x) => x.s === chosen)!.sourceRanges} until the classes get Gateways of their own` : ''}${differences.length > 0 ? `; the load balancers admitted clients differently, in ${differences.join(', ')}, so the hosts of the other ${candidates.length === 2 ? 'one' : 'ones'} are admitted otherwise than nginx admitted them` : ''}`,
    hint: 'give each ingress class its own Gateway with --gateway-for CLASS=NAMESPACE/NAME, so that each keeps its load balancer',
  })
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
      diagnostics.push({level: 'warning', code: 'public-load-balancer-unused', ...about('Gateway', p.gateway), message: `--public-load-balancer ${gw} has no effect: the EnvoyProxy of this Gateway repeats ${refOf(p.service)}`})
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
    diagnostics.push({level: 'warning', code: 'public-load-balancer-unused', message: `--public-load-balancer ${unknown.join(', ')} names no Gateway of this run (${planes.map((p) => `${p.gateway.namespace}/${p.gateway.name}`).join(', ')})`})
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
    diagnostics.push({level: 'info', code: 'public-load-balancer-accepted', ...subject, message: `GatewayClass ${className} merges Gateways (${classRef} mergeGateways: true): this Gateway shares its Envoy Service, as --public-load-balancer ${gw} accepts`})
    return
  }
  const plan = p.service ? envoyProxyFromService(p.service, p.gateway) : undefined
  diagnostics.push({
    level: 'error',
    code: 'gateway-merged-envoy-service',
    ...subject,
    message: `GatewayClass ${className} merges Gateways (${classRef} mergeGateways: true): Envoy Gateway does not accept a Gateway with its own parametersRef (Accepted False, InvalidParameters), so no EnvoyProxy is attached, and this Gateway shares the Envoy Service of ${classRef}, ${p.service ? `which must repeat ${refOf(p.service)}: ${plan!.mapping.join('; ')}` : 'though the ingress-nginx controller Service of its Ingresses is unknown (they may have come through an internal or source-restricted load balancer)'}`,
    hint: p.service
      ? `set these in provider.kubernetes.envoyService of ${classRef} if every merged Gateway may share them, or give these classes a GatewayClass of their own without mergeGateways`
      : `name the Service with --controller-service CLASS=NAMESPACE/NAME, or --public-load-balancer ${gw} if the shared Envoy Service is right for these hosts`,
  })
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
      diagnostics.push({level: 'info', code: 'controller-service-unknown', ...subject, message: `the ingress-nginx controller Service is not in the input; the live Gateway keeps EnvoyProxy ${ref.name}, which an earlier run generated from it`})
      return undefined
    }
    if (accepted) {
      diagnostics.push({level: 'info', code: 'public-load-balancer-accepted', ...subject, message: `the live Gateway keeps its Envoy Service as it is, as --public-load-balancer ${gw} accepts`})
      return undefined
    }
    diagnostics.push({
      level: 'error',
      code: 'controller-service-unknown',
      ...subject,
      message: `the ingress-nginx controller Service of this Gateway's Ingresses is not in the input, and the Gateway already exists: its Envoy Service (whatever it is, Envoy Gateway's default being a public LoadBalancer) would take these hosts, though they may have come through an internal or source-restricted load balancer`,
      hint: `name the Service with ${flags} (keeps the live Envoy Service as it is)`,
    })
    return undefined
  }
  if (accepted) {
    diagnostics.push({level: 'warning', code: 'public-load-balancer-accepted', ...subject, message: `no EnvoyProxy: as --public-load-balancer ${gw} asks, the Envoy Service gets Envoy Gateway's defaults, a public LoadBalancer with externalTrafficPolicy Local`})
    checklist.push(`data plane of Gateway ${gw}: Envoy Gateway's default Service (public LoadBalancer), accepted with --public-load-balancer`)
    return undefined
  }
  p.envoyProxy = clusterIpEnvoyProxy(p.gateway)
  const ep = `${p.gateway.namespace}/${p.envoyProxy.metadata.name}`
  if (!p.refused) {
    diagnostics.push({
      level: 'warning',
      code: 'controller-service-unknown',
      ...subject,
      fidelity: 'manual',
      message: p.untied
        ? `no Ingress of the input ties one of its ingress-nginx controllers to this Gateway, and there are several (Services ${p.untied.join(', ')}): which load balancer it stands for, internal, source-restricted or sending the PROXY protocol, is unknown, so rather than Envoy Gateway's default (a public LoadBalancer), EnvoyProxy ${ep} gives the Gateway a ClusterIP Envoy Service, which nothing outside the cluster reaches`
        : `the ingress-nginx controller Service of this Gateway is not in the input, so whether its load balancer was internal, source-restricted or sent the PROXY protocol is unknown: rather than Envoy Gateway's default (a public LoadBalancer), EnvoyProxy ${ep} gives the Gateway a ClusterIP Envoy Service, which nothing outside the cluster reaches`,
      hint: p.untied
        ? `pass --controller-service NAMESPACE/NAME naming the one of ${p.untied.join(', ')} whose ports this Gateway takes over, or --public-load-balancer ${gw}`
        : `include the controller Service and Deployment in the input (or read the cluster), or pass ${flags}; \`cutover\` in place also works with the ClusterIP Service`,
    })
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
    diagnostics.push({
      level: 'error',
      code: 'gateway-parameters-ref-kept',
      ...about('Gateway', plane.gateway),
      message: `the live Gateway already references ${current.kind} ${current.name} (spec.infrastructure.parametersRef); it is kept, so EnvoyProxy ${name} does not apply and the Envoy Service does not repeat ${plane.service ? refOf(plane.service) : 'the ClusterIP Service it sets'}`,
      hint: `copy provider.kubernetes.envoyService of EnvoyProxy ${name} into ${current.kind} ${current.name}, or point the Gateway at ${name} after merging the two`,
    })
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
  const reasons = [
    ...(typeof envoyService.loadBalancerClass === 'string' ? [`loadBalancerClass ${envoyService.loadBalancerClass} (Kubernetes refuses to change it on an existing LoadBalancer Service, so Envoy Gateway's server-side apply of the Service fails as a whole and none of the EnvoyProxy's settings reach it)`] : []),
    ...(internal.length > 0 ? [`an internal load balancer (${internal.join(', ')}; a cloud provider does not turn an existing load balancer internal in place: the AWS in-tree provider never changes its scheme)`] : []),
    ...(envoyService.type === 'ClusterIP' ? ['type ClusterIP (the existing load balancer is deleted, and with it the address clients use)'] : []),
  ]
  if (reasons.length === 0) return
  const gw = `${plane.gateway.namespace}/${plane.gateway.name}`
  diagnostics.push({
    level: 'error',
    code: 'envoy-service-not-changed-in-place',
    ...about('Gateway', plane.gateway),
    message: `the Gateway already exists, and so does its Envoy Service (Envoy Gateway's default, a public LoadBalancer, or its GatewayClass's EnvoyProxy's); EnvoyProxy ${proxy.metadata.name} sets ${reasons.join('; and ')}: the current load balancer would keep serving, now with these hosts`,
    hint: `generate a new Gateway for these Ingresses (--gateway NAMESPACE/NEW-NAME, or --gateway-for CLASS=NAMESPACE/NEW-NAME): Envoy Gateway creates its Envoy Service with these settings; or, in a maintenance window, apply, then delete the Envoy Service (kubectl delete service -n ENVOY-GATEWAY-NAMESPACE -l gateway.envoyproxy.io/owning-gateway-name=${plane.gateway.name},gateway.envoyproxy.io/owning-gateway-namespace=${plane.gateway.namespace}) so that Envoy Gateway recreates it with a new load balancer and address; check with \`kubectl ingress2gw status\` that ${gw} is Programmed. If the current Envoy Service already has these settings (kubectl get service -n ENVOY-GATEWAY-NAMESPACE -l gateway.envoyproxy.io/owning-gateway-name=${plane.gateway.name} -o yaml), apply with --force`,
  })
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
    diagnostics.push({
      level: 'warning',
      code: 'gatewayclass-envoyproxy-not-checked',
      ...subject,
      message: `GatewayClass ${className} references ${classRef}, which is not in the input: Envoy Gateway merges it under EnvoyProxy ${proxy.metadata.name} (StrategicMerge), so its envoyService annotations, loadBalancerClass, source ranges and patch apply wherever ${proxy.metadata.name} sets none, and could admit clients otherwise than the ingress-nginx load balancer`,
      hint: `include ${classRef} in the input (kubectl get envoyproxy -n ${ref.namespace ?? 'default'} ${ref.name} -o yaml) to have the merge checked`,
    })
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
  const opened = [
    ...(before.internal && !after.internal ? [`internal becomes public${foreignClass !== undefined ? ` (loadBalancerClass ${foreignClass})` : ''}`] : []),
    ...(before.internal && after.internal && foreignClass !== undefined && !knownLoadBalancerClass(foreignClass) ? [`loadBalancerClass ${foreignClass} (another load-balancer controller serves the Envoy Service, and need not read the annotations that keep it internal: ${plane.plan?.traits.internal.join(', ')})`] : []),
    ...(before.sourceRanges !== '' && before.sourceRanges !== after.sourceRanges ? [`source ranges ${before.sourceRanges} become ${after.sourceRanges || 'any'}`] : []),
    ...(before.proxyProtocol !== after.proxyProtocol ? [`PROXY protocol ${before.proxyProtocol ? 'sent' : 'not sent'} becomes ${after.proxyProtocol ? 'sent' : 'not sent'} (every connection fails)`] : []),
  ]
  const narrowed = [
    ...(!before.internal && after.internal ? ['public becomes internal'] : []),
    ...(before.sourceRanges === '' && after.sourceRanges !== '' ? [`any source becomes ${after.sourceRanges}`] : []),
    ...(foreignClass !== undefined && !opened.some((o) => o.includes(foreignClass)) ? [`loadBalancerClass ${foreignClass} (another load-balancer controller serves the Envoy Service, with its own defaults for what no annotation sets)`] : []),
  ]
  for (const [level, differences] of [['error', opened], ['warning', narrowed]] as const) {
    if (differences.length === 0 || !lb) continue
    diagnostics.push({
      level,
      code: 'gatewayclass-envoyproxy-changes-admission',
      ...subject,
      message: `GatewayClass ${className}'s ${classRef} is merged under EnvoyProxy ${proxy.metadata.name} (StrategicMerge: what the Gateway's leaves unset comes from the GatewayClass's), and the merged Envoy Service differs from ${plane.service ? refOf(plane.service) : 'the ClusterIP Service'}: ${differences.join('; ')}`,
      hint: `set the differing settings explicitly in envoyService of EnvoyProxy ${proxy.metadata.name} (they then win), or remove them from ${classRef}${foreignClass !== undefined ? ` (a loadBalancerClass cannot be unset from the Gateway's EnvoyProxy: remove it from ${classRef}, or give these Gateways a GatewayClass of their own)` : ''}`,
    })
  }
  if (isObject(theirs.patch)) {
    diagnostics.push({
      level: 'warning',
      code: 'gatewayclass-envoyproxy-not-checked',
      ...subject,
      message: `${classRef} (GatewayClass ${className}) patches the Envoy Service (envoyService.patch), which Envoy Gateway applies after EnvoyProxy ${proxy.metadata.name}'s settings: it can change the type, annotations or source ranges this EnvoyProxy repeats`,
      hint: `check that the patch of ${classRef} leaves the Service's type, internal annotations and source ranges alone`,
    })
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
    diagnostics.push({
      level: 'error',
      code: 'data-plane-proxy-protocol-mismatch',
      ...gwSubject,
      message: `${svc} makes its load balancer send the PROXY protocol (${sends.join(', ')}), copied to the EnvoyProxy, but the Gateway's listeners do not expect it (no proxyProtocol in its ClientTrafficPolicy): every connection would fail`,
      hint: 'set use-proxy-protocol: "true" in the controller ConfigMap (as nginx needed to serve this load balancer), or run with --client-ip proxy-protocol',
    })
  } else if (sends.length === 0 && expectsProxy) {
    // nginx served with use-proxy-protocol, so something outside the Service's annotations sent PROXY headers; the
    // EnvoyProxy repeats the annotations only, so the new load balancer sends none, and the proxy_protocol listener
    // filter (Envoy Gateway xds/translator/proxy_protocol.go buildProxyProtocolFilter: allow_requests_without_proxy_protocol
    // only with proxyProtocol.optional, which would let a client behind a non-PROXY load balancer forge its address)
    // refuses every connection without one. In place (cutover --service) the existing load balancer keeps sending
    // them: the user says which.
    const named = namedProxyAnnotations(plane.plan.object.spec?.provider?.kubernetes?.envoyService?.annotations ?? {})
    if (named.length > 0) {
      diagnostics.push({
        level: 'warning',
        code: 'data-plane-proxy-protocol-mismatch',
        ...gwSubject,
        message: `the Gateway's listeners require the PROXY protocol (ClientTrafficPolicy ${ctp!.metadata.name}, from use-proxy-protocol), and ${svc} has ${named.join(', ')}, which names the PROXY protocol but which this tool does not know; EnvoyProxy ${plane.plan.object.metadata.name} copies it to the Envoy Service, so its load balancer is asked for PROXY headers as the controller's was: if it does not send them, every connection is refused`,
        hint: `check that ${named.join(', ')} makes the load balancer send PROXY headers, then rerun with --client-ip proxy-protocol to confirm (or \`cutover --service ${svc}\` in place)`,
      })
    } else {
      diagnostics.push({
        level: proxyProtocolConfirmed ? 'warning' : 'error',
        code: 'data-plane-proxy-protocol-mismatch',
        ...gwSubject,
        message:
          `the Gateway's listeners require the PROXY protocol (ClientTrafficPolicy ${ctp!.metadata.name}, from use-proxy-protocol), and ${svc} has no annotation that makes its load balancer send it, so ingress-nginx got PROXY headers from a setting outside the Service (target group attributes, a load balancer in front): ` +
          `EnvoyProxy ${plane.plan.object.metadata.name} repeats the annotations only, so a new load balancer for the Envoy Service sends none, and every connection through it is refused` +
          (proxyProtocolConfirmed ? ' (--client-ip proxy-protocol: the PROXY headers are said to come, as they must)' : ''),
        hint:
          `before traffic moves: either cut over in place with \`cutover --service ${svc}\` (the existing load balancer keeps sending PROXY headers), or configure the Envoy Service's load balancer to send them as the controller's does (e.g. an annotation in the EnvoyProxy's envoyService.annotations); then rerun with --client-ip proxy-protocol to confirm. ` +
          'If nothing sends PROXY headers any more, rerun with --client-ip auto after removing use-proxy-protocol, or with --client-ip none',
      })
    }
  } else if (sends.length > 0) {
    diagnostics.push({level: 'info', code: 'data-plane-proxy-protocol', ...gwSubject, message: `PROXY protocol stays end to end: ${svc} (${sends.join(', ')}) -> EnvoyProxy ${plane.plan.object.metadata.name} -> ClientTrafficPolicy ${ctp!.metadata.name} proxyProtocol`})
  }
  reportPorts(plane, diagnostics)
  if (ctp?.spec?.clientIPDetection?.xForwardedFor !== undefined) reportClassicElbForwardedFor(plane, diagnostics)
  const own = ingresses.filter((i) => i.served && !i.isCanary && i.gateway.namespace === plane.gateway.namespace && i.gateway.name === plane.gateway.name)
  const withLists = own.filter((i) => ACCESS_LIST_KEYS.some((k) => i.annotations.has(k))).map((i) => i.id)
  const etp = plane.plan.object.spec.provider?.kubernetes?.envoyService?.externalTrafficPolicy
  const detects = expectsProxy || ctp?.spec?.clientIPDetection !== undefined
  if (etp === 'Cluster' && !detects && withLists.length > 0) {
    diagnostics.push({
      level: 'warning',
      code: 'data-plane-client-address',
      ...gwSubject,
      message: `externalTrafficPolicy Cluster without PROXY protocol or X-Forwarded-For: the client address Envoy sees is a node's (kube-proxy SNAT), as nginx's was, so the source-range rules of ${withLists.slice(0, 3).join(', ')}${withLists.length > 3 ? ', ...' : ''} match node addresses, not clients`,
      hint: 'set externalTrafficPolicy: Local on the EnvoyProxy (the client address is kept), or enable PROXY protocol on the load balancer and in the ClientTrafficPolicy',
    })
  }
  const ranges: string[] = plane.plan.object.spec.provider?.kubernetes?.envoyService?.loadBalancerSourceRanges ?? []
  if (ranges.length > 0 && withLists.length > 0) {
    diagnostics.push({
      level: 'info',
      code: 'data-plane-source-ranges',
      ...gwSubject,
      message: `two layers of source ranges carry over, as with nginx: the load balancer admits ${ranges.join(', ')} (EnvoyProxy loadBalancerSourceRanges), then the SecurityPolicies of ${withLists.slice(0, 3).join(', ')}${withLists.length > 3 ? ', ...' : ''} apply their own lists; a client must pass both`,
    })
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
  diagnostics.push({
    level: 'warning',
    code: 'data-plane-aws-classic-elb-forwarded-for',
    ...about('Gateway', plane.gateway),
    fidelity: 'manual',
    message: `${refOf(plane.service!)} is an in-tree Classic ELB at layer 7 (aws-load-balancer-backend-protocol: ${backend}), which added X-Forwarded-For, and the Gateway trusts X-Forwarded-For (ClientTrafficPolicy clientIPDetection); where the AWS Load Balancer Controller runs with its Service webhook (the default since v2.5), the new Envoy Service is given loadBalancerClass service.k8s.aws/nlb and becomes an NLB, which adds no X-Forwarded-For: the client address, and every source-range rule, would then come from a header the client writes`,
    hint: 'after applying, check the Envoy Service (kubectl get service -n ENVOY-GATEWAY-NAMESPACE -l gateway.envoyproxy.io/owning-gateway-name=' + plane.gateway.name + ' -o jsonpath={.items[*].spec.loadBalancerClass}): if it is service.k8s.aws/nlb, use the PROXY protocol instead (aws-load-balancer-proxy-protocol: "*" on the EnvoyProxy and --client-ip proxy-protocol), or exclude the Service from the webhook',
  })
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
  const list = moved.map((p) => `${p.port} -> ${p.targetPort ?? p.port}`).join(', ')
  diagnostics.push({
    level: 'warning',
    code: 'data-plane-ports-differ',
    ...about('Gateway', plane.gateway),
    fidelity: 'manual',
    message: `${refOf(plane.service)} took clients on port(s) ${list} (nginx's http/https listeners); the Envoy Service listens on the Gateway's listener ports 80 and 443, so clients of ${moved.map((p) => p.port).join(', ')} find nothing on the new load balancer`,
    hint: 'point those clients at 80/443, or add Gateway listeners on those ports (their routes attach by sectionName), or put a port mapping in front',
  })
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
