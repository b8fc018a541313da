/**
 * Which ingress-nginx controller (Deployment or DaemonSet), ConfigMaps and load-balancer Service belong to each
 * shared Gateway. Each ingress class's controller has its own ConfigMap and its own Service; a Gateway takes them
 * from the controller of its own Ingresses, never from another class's.
 *
 * How ingress-nginx reads its flags (pkg/flags/flags.go ParseFlags): --controller-class (default
 * k8s.io/ingress-nginx), --ingress-class (default nginx); --configmap, --tcp-services-configmap,
 * --udp-services-configmap and --publish-service default to "" and are otherwise `NAMESPACE/NAME`; the store watches
 * ConfigMaps by those names only (internal/ingress/controller/store/store.go New), so an absent --configmap means no
 * ConfigMap at all (nginx defaults), an absent --tcp-services-configmap no tcp-services. Kubernetes expands
 * `$(VAR)` in container args from the container's env (the chart writes `--configmap=$(POD_NAMESPACE)/...` with
 * POD_NAMESPACE from the fieldRef metadata.namespace).
 *
 * The Service in front of a controller is a LoadBalancer or NodePort Service of the controller's namespace whose
 * selector matches the pod template's labels (Kubernetes' own rule: every selector label equal).
 *
 * Explicit flags win: `--controller-service CLASS=NS/NAME` and `--controller-configmap CLASS=NS/NAME`; the plain
 * `NS/NAME` forms (and the usual names, when no controller workload is in the input) speak for the default
 * Gateway's controller, or for the only Gateway of the run.
 * Pure: no I/O.
 */
import {compareStrings} from '../util/hash.js'
import {NGINX_CONTROLLER} from './controllers.js'
import {about, objectRef} from '../model/diagnostics.js'
import {diagnostic} from '../model/catalogue/diagnostic.js'
import {isObject} from '../util/json.js'
import {findControllerConfigMap} from './bundle/client-traffic.js'
import {findStreamConfigMap} from './bundle/stream-services.js'
import type {Diagnostic, KubeObject, NamespacedName, TranslateOptions} from '../model/types.js'

/** One ingress-nginx controller found in the input (a Deployment or DaemonSet running /nginx-ingress-controller). */
export interface ControllerWorkload {
  /** "Deployment ingress-nginx/ingress-nginx-controller" */
  ref: string
  namespace: string
  controllerClass: string
  ingressClass: string
  /** `NS/NAME` from the args, undefined when the flag is absent. */
  configMap?: string
  tcpServicesConfigMap?: string
  udpServicesConfigMap?: string
  publishService?: string
  podLabels: Record<string, string>
  hostNetwork: boolean
  /** Args whose `$(VAR)` could not be expanded. */
  unresolved: string[]
}

const CONTROLLER_FLAGS = ['controller-class', 'ingress-class', 'configmap', 'tcp-services-configmap', 'udp-services-configmap', 'publish-service'] as const

/** Every ingress-nginx controller workload of the input, sorted by reference. */
export function findControllerWorkloads(workloads: KubeObject[]): ControllerWorkload[] {
  const out: ControllerWorkload[] = []
  for (const w of workloads) {
    if (!isObject(w) || !isObject(w.metadata) || (w.kind !== 'Deployment' && w.kind !== 'DaemonSet')) continue
    const namespace = typeof w.metadata.namespace === 'string' && w.metadata.namespace !== '' ? w.metadata.namespace : 'default'
    const pod = isObject(w.spec?.template) ? w.spec.template : {}
    const containers: any[] = Array.isArray(pod.spec?.containers) ? pod.spec.containers : []
    const container = containers.find(isControllerContainer)
    if (!container) continue
    const unresolved: string[] = []
    const args = [...stringList(container.command), ...stringList(container.args)].map((a) => expandEnv(a, container, namespace, unresolved))
    const flags = readFlags(args)
    out.push({
      ref: objectRef(w.kind, {namespace, name: w.metadata.name}),
      namespace,
      controllerClass: flags.get('controller-class') ?? NGINX_CONTROLLER,
      ingressClass: flags.get('ingress-class') ?? 'nginx',
      configMap: qualify(flags.get('configmap'), namespace),
      tcpServicesConfigMap: qualify(flags.get('tcp-services-configmap'), namespace),
      udpServicesConfigMap: qualify(flags.get('udp-services-configmap'), namespace),
      publishService: qualify(flags.get('publish-service'), namespace),
      podLabels: isObject(pod.metadata?.labels) ? pod.metadata.labels : {},
      hostNetwork: pod.spec?.hostNetwork === true,
      unresolved,
    })
  }
  return out.sort((a, b) => compareStrings(a.ref, b.ref))
}

/** The controller image's entrypoint, or its flags (images are often mirrored under other names). */
function isControllerContainer(c: any): boolean {
  const words = [...stringList(c?.command), ...stringList(c?.args)]
  if (words.some((w) => w.endsWith('/nginx-ingress-controller') || w === 'nginx-ingress-controller')) return true
  return typeof c?.image === 'string' && /ingress-nginx\/controller[:@]/.test(c.image) && words.some((w) => w.startsWith('--'))
}

function stringList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []
}

/** `--flag=value` and `--flag value` (pflag accepts both; a single dash too). */
function readFlags(args: string[]): Map<string, string> {
  const out = new Map<string, string>()
  for (let i = 0; i < args.length; i++) {
    const m = /^--?([a-z-]+)(?:=(.*))?$/.exec(args[i])
    if (!m || !(CONTROLLER_FLAGS as readonly string[]).includes(m[1])) continue
    const value = m[2] ?? args[i + 1]
    if (m[2] === undefined) i++
    if (typeof value === 'string') out.set(m[1], value.trim())
  }
  return out
}

/** Kubernetes' `$(VAR)` expansion from the container's env (literal values and the metadata.namespace fieldRef). */
function expandEnv(arg: string, container: any, namespace: string, unresolved: string[]): string {
  const env: any[] = Array.isArray(container?.env) ? container.env : []
  return arg.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (whole, name: string) => {
    const e = env.find((x) => x?.name === name)
    if (typeof e?.value === 'string') return e.value
    if (e?.valueFrom?.fieldRef?.fieldPath === 'metadata.namespace') return namespace
    unresolved.push(arg)
    return whole
  })
}

function qualify(value: string | undefined, namespace: string): string | undefined {
  if (value === undefined || value === '') return undefined
  return value.includes('/') ? value : `${namespace}/${value}`
}

/**
 * Services in the workload's namespace that select its pods (Kubernetes' rule: every selector label equal), sorted
 * by name: those of type LoadBalancer or NodePort; when there is none, the ClusterIP ones that carry its HTTP or
 * HTTPS port (something else fronted nginx through them: an outside load balancer, a tunnel, another proxy), not
 * the chart's admission webhook or metrics Services, nor headless ones.
 */
export function servicesSelecting(workload: ControllerWorkload, services: Map<string, KubeObject>): KubeObject[] {
  const exposed: KubeObject[] = []
  const clusterIp: KubeObject[] = []
  for (const s of services.values()) {
    if ((s.metadata.namespace ?? 'default') !== workload.namespace) continue
    const selector = isObject(s.spec?.selector) ? s.spec.selector : {}
    const keys = Object.keys(selector)
    if (keys.length === 0 || !keys.every((k) => workload.podLabels[k] === selector[k])) continue
    if (s.spec?.type === 'LoadBalancer' || s.spec?.type === 'NodePort') exposed.push(s)
    else if ((s.spec?.type ?? 'ClusterIP') === 'ClusterIP' && s.spec?.clusterIP !== 'None' && carriesWebPorts(s)) clusterIp.push(s)
  }
  return (exposed.length > 0 ? exposed : clusterIp).sort((a, b) => compareStrings(a.metadata.name, b.metadata.name))
}

/** A port that reaches nginx's http or https listener (the chart names the container ports http and https). */
function carriesWebPorts(s: KubeObject): boolean {
  const ports: any[] = Array.isArray(s.spec?.ports) ? s.spec.ports : []
  return ports.some((p) => {
    const target = p?.targetPort ?? p?.port
    return ['http', 'https', 80, 443, '80', '443'].includes(target)
  })
}

/**
 * The controller workload of an ingress class: the one whose --controller-class is the class's IngressClass
 * spec.controller (preferring the one whose --ingress-class names the class when several share it), else, for a
 * class without an IngressClass object (the annotation), the one whose --ingress-class is that class, else the
 * default controller's, unless the class has a Gateway of its own (`ownController`, controllers.ts controllerOf):
 * then it is another controller, whose workload the input lacks.
 */
export function workloadOfClass(className: string | undefined, controllerByClass: Map<string, string>, workloads: ControllerWorkload[], ownController = false): ControllerWorkload | undefined {
  const declared = className === undefined ? undefined : controllerByClass.get(className)
  if (declared !== undefined) {
    const same = workloads.filter((w) => w.controllerClass === declared)
    return same.find((w) => w.ingressClass === className) ?? same[0]
  }
  const byName = className === undefined ? undefined : workloads.find((w) => w.ingressClass === className)
  return byName ?? (ownController ? undefined : workloads.find((w) => w.controllerClass === NGINX_CONTROLLER))
}

/** `CLASS=NS/NAME` entries by class, and the plain `NS/NAME` one (the only or default controller's). */
export interface PerClassRefs {
  byClass: Record<string, string>
  plain?: string
}

/** Parses repeatable `CLASS=NS/NAME` / `NS/NAME` flag values; throws on a malformed one (the CLI prints it). */
export function parsePerClassRefs(values: string[] | undefined, flag: string): PerClassRefs {
  const out: PerClassRefs = {byClass: {}}
  for (const raw of values ?? []) {
    const entry = String(raw).trim()
    const eq = entry.indexOf('=')
    const [cls, ref] = eq >= 0 ? [entry.slice(0, eq), entry.slice(eq + 1)] : [undefined, entry]
    if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(ref) || cls === '') {
      throw new Error(`--${flag} expects NAMESPACE/NAME or CLASS=NAMESPACE/NAME, got "${entry}"`)
    }
    if (cls === undefined) {
      if (out.plain !== undefined && out.plain !== ref) throw new Error(`--${flag} NAMESPACE/NAME is given twice ("${out.plain}", "${ref}"); name the others CLASS=NAMESPACE/NAME`)
      out.plain = ref
    } else out.byClass[cls] = ref
  }
  return out
}

/** What one Gateway takes from its controller(s). */
export interface GatewayController {
  gateway: NamespacedName
  /** The ingress classes of the Gateway's Ingresses (undefined: Ingresses without a class). */
  classes: (string | undefined)[]
  workloads: ControllerWorkload[]
  /** The controller ConfigMap `NS/NAME` and where it was named; undefined name: nginx defaults. */
  configMap: {name?: string; from: string}
  /**
   * Each class's own controller ConfigMap: whether nginx served an Ingress, and its routes' settings, follow the
   * controller that served it, even where several controllers share this Gateway (`configMap` then only gives
   * the Gateway-wide settings).
   */
  classConfigMaps: Map<string | undefined, {name?: string; from: string}>
  /**
   * Classes whose IngressClass names a controller other than k8s.io/ingress-nginx and whose workload the input
   * lacks: the chart's usual names and labels belong to the default controller, never to these.
   */
  foreignClasses: {className: string; controller: string}[]
  /** Each class's controller workload (undefined: not in the input). */
  classWorkloads: Map<string | undefined, ControllerWorkload | undefined>
  tcpServices: {name?: string; from: string}
  udpServices: {name?: string; from: string}
}

export interface ControllerFlags {
  configMaps: PerClassRefs
  tcpServices?: string
  udpServices?: string
}

/**
 * The controller of each Gateway: the workloads of its classes, and the ConfigMaps from the flags, the
 * workloads' args, or (only for the default or only Gateway, with no workload in the input) the usual names.
 */
export function gatewayControllers(
  gateways: {gateway: NamespacedName; isDefault: boolean; classes: (string | undefined)[]}[],
  controllerByClass: Map<string, string>,
  workloads: ControllerWorkload[],
  flags: ControllerFlags & {gatewayFor: Record<string, NamespacedName>},
  usual: {configMap?: string; tcpServices?: string; udpServices?: string},
  diagnostics: Diagnostic[],
): GatewayController[] {
  const only = gateways.length === 1
  return gateways.map(({gateway, isDefault, classes}) => {
    const own = (c: string | undefined) => !only && c !== undefined && Object.prototype.hasOwnProperty.call(flags.gatewayFor, c)
    const speaksForThis = isDefault || only
    const ws =
      classes.length === 0
        ? workloadsWithoutIngresses(speaksForThis, workloads)
        : [...new Map(classes.map((c) => workloadOfClass(c, controllerByClass, workloads, own(c))).filter((w): w is ControllerWorkload => w !== undefined).map((w) => [w.ref, w])).values()]
    const foreignClasses = classes
      .filter((c): c is string => c !== undefined && !ws.some((w) => w.ingressClass === c || w.controllerClass === controllerByClass.get(c)))
      .map((c) => ({className: c, controller: controllerByClass.get(c) ?? NGINX_CONTROLLER}))
      .filter((f) => f.controller !== NGINX_CONTROLLER)
    // The usual names are the default controller's (the chart's): a class of another controller never takes them.
    const usualAllowed = speaksForThis && foreignClasses.length === 0
    const explicitCm = classes.map((c) => (c === undefined ? undefined : flags.configMaps.byClass[c])).find((x) => x !== undefined)
    const pick = (explicit: {value?: string; from: string} | undefined, fromArgs: (w: ControllerWorkload) => string | undefined, argName: string, usualName: string | undefined) => {
      if (explicit?.value !== undefined) return {name: explicit.value, from: explicit.from}
      if (ws.length > 0) {
        const named = [...new Set(ws.map(fromArgs).filter((x): x is string => x !== undefined))]
        if (named.length > 1) {
          diagnostics.push(
            diagnostic('gateway-several-controller-configmaps', {controllers: ws.map((w) => w.ref), flag: argName, configMaps: named}, {
              ...about('Gateway', gateway),
              hint: 'give each controller a Gateway of its own with --gateway-for, so that each keeps its own settings',
            }),
          )
        }
        return {name: named[0], from: named.length > 0 ? `${ws.find((w) => fromArgs(w) === named[0])!.ref} --${argName}` : `${ws[0].ref} (no --${argName})`}
      }
      return usualAllowed && usualName !== undefined ? {name: usualName, from: 'found by its usual name'} : {name: undefined, from: 'none known for this controller'}
    }
    const plainCm = speaksForThis && flags.configMaps.plain !== undefined ? {value: flags.configMaps.plain, from: '--controller-configmap'} : undefined
    const configMap = pick(explicitCm !== undefined ? {value: explicitCm, from: '--controller-configmap'} : plainCm, (w) => w.configMap, 'configmap', usual.configMap)
    const classConfigMaps = new Map<string | undefined, {name?: string; from: string}>()
    for (const c of classes) {
      const explicit = c === undefined ? undefined : flags.configMaps.byClass[c]
      // With several controllers on this Gateway, each class's workload names its own (none: nginx defaults).
      const w = ws.length > 1 ? workloadOfClass(c, controllerByClass, workloads, own(c)) : undefined
      classConfigMaps.set(
        c,
        explicit !== undefined ? {name: explicit, from: '--controller-configmap'} : w ? {name: w.configMap, from: w.configMap !== undefined ? `${w.ref} --configmap` : `${w.ref} (no --configmap)`} : configMap,
      )
    }
    return {
      gateway,
      classes,
      workloads: ws,
      configMap,
      classConfigMaps,
      foreignClasses,
      classWorkloads: new Map(classes.map((c) => [c, workloadOfClass(c, controllerByClass, workloads, own(c))])),
      tcpServices: pick(speaksForThis && flags.tcpServices ? {value: flags.tcpServices, from: '--tcp-services-configmap'} : undefined, (w) => w.tcpServicesConfigMap, 'tcp-services-configmap', usual.tcpServices),
      udpServices: pick(speaksForThis && flags.udpServices ? {value: flags.udpServices, from: '--udp-services-configmap'} : undefined, (w) => w.udpServicesConfigMap, 'udp-services-configmap', usual.udpServices),
    }
  })
}

/**
 * A run without Ingresses (the tcp-services / udp-services ports alone) has only the default Gateway and no class to
 * tie a controller to it: the only controller workload of the input is the one it stands for (its Service, its
 * --tcp-services-configmap). With several, which one is unknown: none is taken (data-plane.ts says so).
 */
function workloadsWithoutIngresses(speaksForThis: boolean, workloads: ControllerWorkload[]): ControllerWorkload[] {
  return speaksForThis && workloads.length === 1 ? workloads : []
}

export interface GatewayControllers {
  list: GatewayController[]
  /** The controller ConfigMap object of each Gateway (by gateway key), undefined: nginx defaults. */
  configMaps: Map<string, KubeObject | undefined>
  /** The ConfigMap of the controller that served an Ingress of this class on this Gateway (undefined: nginx defaults). */
  configMapOfClass(gatewayKey: string, className: string | undefined): KubeObject | undefined
  /** Every controller workload of the input, whichever Gateway it serves. */
  workloads: ControllerWorkload[]
}

/**
 * The controllers of the run's Gateways (those with Ingresses, or the default one alone), with their ConfigMaps
 * looked up in the input; a ConfigMap that a flag or a controller's args name but the input lacks is a warning
 * (nginx's defaults are assumed, as the translation cannot know better).
 */
export function controllersOfGateways(
  partitions: {key: string; gateway: NamespacedName; ingresses: {className?: string}[]}[],
  kindObjects: (kind: string) => KubeObject[],
  controllerByClass: Map<string, string>,
  options: TranslateOptions,
  diagnostics: Diagnostic[],
): GatewayControllers {
  const allConfigMaps = kindObjects('ConfigMap')
  const byKey = new Map<string, KubeObject>()
  for (const c of allConfigMaps) byKey.set(`${c.metadata.namespace ?? 'default'}/${c.metadata.name}`, c)
  const keyOf = (o: KubeObject | undefined) => (o ? `${o.metadata.namespace ?? 'default'}/${o.metadata.name}` : undefined)
  const workloads = findControllerWorkloads([...kindObjects('Deployment'), ...kindObjects('DaemonSet')])
  reportWorkloads(workloads, diagnostics)
  const defaultKey = `${options.gateway.namespace}/${options.gateway.name}`
  const gateways =
    partitions.length > 0
      ? partitions.map((p) => ({gateway: p.gateway, isDefault: p.key === defaultKey, classes: [...new Set(p.ingresses.map((i) => i.className))].sort((a, b) => compareStrings(a ?? '', b ?? ''))}))
      : [{gateway: options.gateway, isDefault: true, classes: []}]
  const list = gatewayControllers(
    gateways,
    controllerByClass,
    workloads,
    {configMaps: {byClass: options.controllerConfigMapFor ?? {}, plain: options.controllerConfigMap}, tcpServices: options.tcpServicesConfigMap, udpServices: options.udpServicesConfigMap, gatewayFor: options.gatewayFor},
    {
      configMap: keyOf(findControllerConfigMap(allConfigMaps, undefined)),
      tcpServices: keyOf(findStreamConfigMap(allConfigMaps, undefined, 'TCP')),
      udpServices: keyOf(findStreamConfigMap(allConfigMaps, undefined, 'UDP')),
    },
    diagnostics,
  )
  const configMaps = new Map<string, KubeObject | undefined>()
  const byClass = new Map<string, Map<string | undefined, KubeObject | undefined>>()
  const missing = new Set<string>()
  const resolve = (c: GatewayController, ref: {name?: string; from: string}): KubeObject | undefined => {
    const name = ref.name === undefined ? undefined : ref.name.includes('/') ? ref.name : `default/${ref.name}`
    const cm = name === undefined ? undefined : byKey.get(name)
    if (name !== undefined && !cm && !missing.has(name)) {
      missing.add(name)
      diagnostics.push(diagnostic('controller-configmap-not-found', {configMap: name, from: ref.from, gateway: `${c.gateway.namespace}/${c.gateway.name}`}))
    }
    return cm
  }
  for (const c of list) {
    const key = `${c.gateway.namespace}/${c.gateway.name}`
    const gatewayCm = resolve(c, c.configMap)
    configMaps.set(key, gatewayCm)
    const classes = new Map([...c.classConfigMaps].map(([cls, ref]) => [cls, resolve(c, ref)]))
    byClass.set(key, classes)
    reportAccessDifferences(c.gateway, gatewayCm, classes, diagnostics)
  }
  const configMapOfClass = (gatewayKey: string, className: string | undefined) => {
    const own = byClass.get(gatewayKey)
    return own?.has(className) ? own.get(className) : configMaps.get(gatewayKey)
  }
  return {list, configMaps, configMapOfClass, workloads}
}

/**
 * The ConfigMap keys by which nginx controlled access to every Ingress of its controller (configmap/access.ts):
 * global external auth, source allow/deny lists, blocked addresses, user agents and referers.
 */
const ACCESS_KEYS = ['global-auth-url', 'enable-global-auth', 'whitelist-source-range', 'allowlist-source-range', 'denylist-source-range', 'block-cidrs', 'block-user-agents', 'block-referers']

/**
 * Several controllers on one Gateway: its Gateway-wide policies repeat one controller's ConfigMap. Where another
 * class's controller controlled access differently (a global-auth-url the Gateway's ConfigMap lacks, say), that
 * class's routes would not get its access controls: an error, so that apply does not publish them that way.
 */
function reportAccessDifferences(gateway: NamespacedName, gatewayCm: KubeObject | undefined, classes: Map<string | undefined, KubeObject | undefined>, diagnostics: Diagnostic[]): void {
  const value = (cm: KubeObject | undefined, k: string) => (isObject(cm?.data) && cm.data[k] !== undefined ? String(cm.data[k]).trim() : '')
  const cmRef = (cm: KubeObject) => `${cm.metadata.namespace ?? 'default'}/${cm.metadata.name}`
  const reported = new Set<KubeObject | undefined>([gatewayCm])
  for (const [cls, cm] of classes) {
    if (reported.has(cm)) continue
    reported.add(cm)
    const differ = ACCESS_KEYS.filter((k) => value(cm, k) !== value(gatewayCm, k))
    if (differ.length === 0) continue
    const users = [...classes].filter(([, x]) => x === cm).map(([c]) => c ?? '(no class)')
    diagnostics.push(
      diagnostic(
        'gateway-controller-access-differs',
        {
          classes: users,
          ...(cm ? {configMap: cmRef(cm)} : {}),
          keys: differ,
          ...(gatewayCm ? {gatewayConfigMap: cmRef(gatewayCm)} : {}),
          globalAuthLost: value(cm, 'global-auth-url') !== '' && value(gatewayCm, 'global-auth-url') === '',
        },
        {
          ...about('Gateway', gateway),
          hint: `give class ${cls ?? users[0]} a Gateway of its own with --gateway-for ${cls ?? 'CLASS'}=NAMESPACE/NAME, so that its Gateway repeats its own controller's ConfigMap`,
        },
      ),
    )
  }
}

/** Controller args this translation cannot follow, and controllers that listen on the nodes themselves. */
function reportWorkloads(workloads: ControllerWorkload[], diagnostics: Diagnostic[]): void {
  for (const w of workloads) {
    if (w.unresolved.length > 0) {
      diagnostics.push(diagnostic('controller-args-unresolved', {args: w.unresolved}, {object: w.ref}))
    }
    if (w.hostNetwork) {
      diagnostics.push(
        diagnostic('controller-host-network', {}, {
          object: w.ref,
          fidelity: 'manual',
          hint: 'point the outside load balancer at the Envoy Service (its node ports or load balancer), or run Envoy as a DaemonSet with hostNetwork through EnvoyProxy provider.kubernetes.envoyDaemonSet patches',
        }),
      )
    }
  }
}
