/**
 * A cluster after `apply`, written for these tests (not copied from any chart): ingress-nginx installed by Helm
 * (release ingress-nginx), Envoy Gateway installed into the same namespace (so its proxy pods can be selected by
 * the ingress-nginx Service), the shared Gateway gateway/shared programmed, team-a's route accepted.
 *
 * Shapes follow the sources: the Envoy Service as ResourceRender.Service builds it (ports named
 * `<protocol>-<port>` by irListenerPortName, targetPort = port + 10000 for privileged ports by
 * servicePortToContainerPort, selector = app labels + owning-gateway labels); the ingress-nginx Service as the
 * chart's controller-service.yaml renders it (targetPorts http/https, selector name/instance/component).
 */
import type {Obj} from './fake-apiserver.js'

export const GW_API = 'gateway.networking.k8s.io/v1'
export const EG_API = 'gateway.envoyproxy.io/v1alpha1'
export const MANAGED = {'app.kubernetes.io/managed-by': 'ingress2gw'}

export const NGINX_SELECTOR = {'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/instance': 'ingress-nginx', 'app.kubernetes.io/component': 'controller'}
export const ENVOY_SELECTOR = {
  'app.kubernetes.io/name': 'envoy',
  'app.kubernetes.io/component': 'proxy',
  'app.kubernetes.io/managed-by': 'envoy-gateway',
  'gateway.envoyproxy.io/owning-gateway-name': 'shared',
  'gateway.envoyproxy.io/owning-gateway-namespace': 'gateway',
}

export const namespace = (name: string, labels?: Record<string, string>): Obj => ({apiVersion: 'v1', kind: 'Namespace', metadata: {name, ...(labels ? {labels} : {})}})

export function nginxService(opts: {helm?: boolean; keep?: boolean; name?: string; etp?: 'Cluster' | 'Local'; annotations?: Record<string, string>; labels?: Record<string, string>; ports?: Obj[]} = {}): Obj {
  const helm = opts.helm ?? true
  const annotations: Record<string, string> = {...(opts.annotations ?? {})}
  if (helm) Object.assign(annotations, {'meta.helm.sh/release-name': 'ingress-nginx', 'meta.helm.sh/release-namespace': 'ingress-nginx'})
  if (opts.keep) annotations['helm.sh/resource-policy'] = 'keep'
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: opts.name ?? 'ingress-nginx-controller',
      namespace: 'ingress-nginx',
      labels: {...NGINX_SELECTOR, ...(helm ? {'app.kubernetes.io/managed-by': 'Helm', 'app.kubernetes.io/version': '1.15.1'} : {}), ...(opts.labels ?? {})},
      ...(Object.keys(annotations).length ? {annotations} : {}),
    },
    spec: {
      type: 'LoadBalancer',
      externalTrafficPolicy: opts.etp ?? 'Cluster',
      ...(opts.etp === 'Local' ? {healthCheckNodePort: 31522} : {}),
      selector: {...NGINX_SELECTOR},
      ports: opts.ports ?? [
        {name: 'http', port: 80, protocol: 'TCP', targetPort: 'http', nodePort: 30080, appProtocol: 'http'},
        {name: 'https', port: 443, protocol: 'TCP', targetPort: 'https', nodePort: 30443, appProtocol: 'https'},
      ],
    },
    status: {loadBalancer: {ingress: [{ip: '198.51.100.7', ipMode: 'VIP'}]}},
  }
}

/** The admission webhook Service of the chart: same pods, another port. */
export const admissionService = (): Obj => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: {name: 'ingress-nginx-controller-admission', namespace: 'ingress-nginx'},
  spec: {type: 'ClusterIP', selector: {...NGINX_SELECTOR}, ports: [{name: 'https-webhook', port: 443, targetPort: 'webhook'}]},
})

export function envoyService(opts: {namespace?: string; ports?: Obj[]; lb?: {ip?: string; hostname?: string}[]} = {}): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {name: 'envoy-gateway-shared-5d1c2e8a', namespace: opts.namespace ?? 'ingress-nginx', labels: {...ENVOY_SELECTOR}},
    spec: {
      type: 'LoadBalancer',
      externalTrafficPolicy: 'Local',
      selector: {...ENVOY_SELECTOR},
      ports: opts.ports ?? [
        {name: 'http-80', port: 80, protocol: 'TCP', targetPort: 10080},
        {name: 'https-443', port: 443, protocol: 'TCP', targetPort: 10443},
      ],
    },
    status: {loadBalancer: {ingress: opts.lb ?? [{ip: '203.0.113.20'}]}},
  }
}

const cond = (type: string, status: string, reason: string, generation = 1, message = '') => ({type, status, reason, message, observedGeneration: generation, lastTransitionTime: '2026-01-01T00:00:00Z'})

export function listenerStatus(name: string, programmed = true, attached = 1, gen = 1): Obj {
  return {
    name,
    attachedRoutes: attached,
    supportedKinds: [{group: 'gateway.networking.k8s.io', kind: 'HTTPRoute'}],
    conditions: programmed
      ? [cond('Programmed', 'True', 'Programmed', gen), cond('Accepted', 'True', 'Accepted', gen), cond('ResolvedRefs', 'True', 'ResolvedRefs', gen)]
      : [
          cond('Programmed', 'False', 'Invalid', gen, 'Listener is invalid, see other Conditions for details.'),
          cond('Accepted', 'True', 'Accepted', gen),
          cond('ResolvedRefs', 'False', 'InvalidCertificateRef', gen, 'No valid secrets exist: certificate refs 0: Secret gateway/web-tls does not exist.'),
        ],
  }
}

const ADMIT = {namespaces: {from: 'Selector', selector: {matchLabels: {'shared-gateway-access': 'true'}}}}

export function gateway(opts: {programmed?: boolean | 'absent'; listeners?: Obj[]; listenerStatuses?: Obj[]; addresses?: string[]; generation?: number} = {}): Obj {
  const gen = opts.generation ?? 1
  const programmed = opts.programmed ?? true
  const listeners = opts.listeners ?? [
    {name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: ADMIT},
    {name: 'https', port: 443, protocol: 'HTTPS', allowedRoutes: ADMIT, tls: {mode: 'Terminate', certificateRefs: [{kind: 'Secret', name: 'web-tls'}]}},
  ]
  const conditions =
    programmed === 'absent'
      ? [cond('Accepted', 'Unknown', 'Pending', 0, 'Waiting for controller'), cond('Programmed', 'Unknown', 'Pending', 0, 'Waiting for controller')]
      : [
          cond('Accepted', 'True', 'Accepted', gen, 'The Gateway has been scheduled by Envoy Gateway'),
          programmed
            ? cond('Programmed', 'True', 'Programmed', gen, 'Address assigned to the Gateway, 2/2 envoy replicas available')
            : cond('Programmed', 'False', 'AddressNotAssigned', gen, 'No addresses have been assigned to the Gateway'),
        ]
  return {
    apiVersion: GW_API,
    kind: 'Gateway',
    metadata: {name: 'shared', namespace: 'gateway', labels: {...MANAGED}, generation: gen},
    spec: {gatewayClassName: 'eg', listeners},
    status: {
      conditions,
      ...(programmed === true ? {addresses: (opts.addresses ?? ['203.0.113.20']).map((value) => ({type: 'IPAddress', value}))} : {}),
      ...(programmed === 'absent' ? {} : {listeners: opts.listenerStatuses ?? listeners.map((l) => listenerStatus(String(l.name), true, 1, gen))}),
    },
  }
}

export const gatewayClass = (): Obj => ({
  apiVersion: GW_API,
  kind: 'GatewayClass',
  metadata: {name: 'eg'},
  spec: {controllerName: 'gateway.envoyproxy.io/gatewayclass-controller'},
  status: {conditions: [cond('Accepted', 'True', 'Accepted', 1, 'Valid GatewayClass')]},
})

export function route(opts: {namespace?: string; name?: string; hostnames?: string[]; parents?: Obj[]; sectionName?: string; source?: string} = {}): Obj {
  const ns = opts.namespace ?? 'team-a'
  const name = opts.name ?? 'web'
  const section = opts.sectionName ?? 'https'
  return {
    apiVersion: GW_API,
    kind: 'HTTPRoute',
    metadata: {name, namespace: ns, labels: {...MANAGED}, annotations: {'ingress2gw.io/source': opts.source ?? `Ingress ${ns}/${name}`}, generation: 1},
    spec: {
      hostnames: opts.hostnames ?? ['web.example.com'],
      parentRefs: [{group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'shared', namespace: 'gateway', sectionName: section}],
      rules: [{matches: [{path: {type: 'PathPrefix', value: '/'}}], backendRefs: [{name, port: 80}]}],
    },
    ...(opts.parents === undefined ? {} : {status: {parents: opts.parents}}),
  }
}

/** One status.parents entry as Envoy Gateway writes it (parentRef copied from the spec). */
export function parentStatus(conditions: Obj[], sectionName = 'https'): Obj {
  return {
    parentRef: {group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'shared', namespace: 'gateway', sectionName},
    controllerName: 'gateway.envoyproxy.io/gatewayclass-controller',
    conditions,
  }
}

export const accepted = (gen = 1) => [cond('Accepted', 'True', 'Accepted', gen, 'Route is accepted'), cond('ResolvedRefs', 'True', 'ResolvedRefs', gen, 'Resolved all the Object references for the Route')]
export {cond}

export function ingress(opts: {namespace?: string; name?: string; host?: string; lbIp?: string; annotations?: Record<string, string>} = {}): Obj {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {name: opts.name ?? 'web', namespace: opts.namespace ?? 'team-a', ...(opts.annotations ? {annotations: opts.annotations} : {})},
    spec: {ingressClassName: 'nginx', rules: [{host: opts.host ?? 'web.example.com', http: {paths: [{path: '/', pathType: 'Prefix', backend: {service: {name: 'web', port: {number: 80}}}}]}}]},
    status: {loadBalancer: {ingress: [{ip: opts.lbIp ?? '198.51.100.7'}]}},
  }
}

export function clientTrafficPolicy(opts: {name?: string; sectionName?: string; proxyProtocol?: Obj; enableProxyProtocol?: boolean; accepted?: boolean} = {}): Obj {
  return {
    apiVersion: EG_API,
    kind: 'ClientTrafficPolicy',
    metadata: {name: opts.name ?? 'shared-client', namespace: 'gateway', labels: {...MANAGED}, annotations: {'ingress2gw.io/annotations': 'use-proxy-protocol'}, generation: 1},
    spec: {
      targetRefs: [{group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'shared', ...(opts.sectionName ? {sectionName: opts.sectionName} : {})}],
      ...(opts.proxyProtocol ? {proxyProtocol: opts.proxyProtocol} : {}),
      ...(opts.enableProxyProtocol !== undefined ? {enableProxyProtocol: opts.enableProxyProtocol} : {}),
    },
    status: {
      ancestors: [
        {
          ancestorRef: {group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'shared', namespace: 'gateway', ...(opts.sectionName ? {sectionName: opts.sectionName} : {})},
          controllerName: 'gateway.envoyproxy.io/gatewayclass-controller',
          conditions: [opts.accepted === false ? cond('Accepted', 'False', 'Conflicted', 1, 'Unable to target Gateway shared, another ClientTrafficPolicy has already attached to it') : cond('Accepted', 'True', 'Accepted', 1, 'Policy has been accepted.')],
        },
      ],
    },
  }
}

export const controllerConfigMap = (data: Record<string, string> = {}): Obj => ({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'ingress-nginx-controller', namespace: 'ingress-nginx'}, data})

/** Everything a ready in-place cutover needs. */
export function readyWorld(overrides: {service?: Obj; envoy?: Obj; gateway?: Obj; extra?: Obj[]} = {}): Obj[] {
  return [
    namespace('ingress-nginx'),
    namespace('gateway', {'shared-gateway-access': 'true'}),
    namespace('team-a', {'shared-gateway-access': 'true'}),
    overrides.service ?? nginxService({keep: true}),
    admissionService(),
    overrides.envoy ?? envoyService(),
    overrides.gateway ?? gateway(),
    gatewayClass(),
    controllerConfigMap(),
    route({parents: [parentStatus(accepted())]}),
    ingress(),
    ...(overrides.extra ?? []),
  ]
}
