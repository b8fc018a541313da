/**
 * Adapts the output to what the target cluster serves (discovered by the cluster source): an object whose CRD
 * is missing would only fail at apply time, so it is left out and reported instead.
 */
import type {Diagnostic, KubeObject, TargetCapabilities, TranslateOptions} from './types.js'

interface Requirement {
  served: (c: TargetCapabilities) => boolean
  what: string
  consequence: string
}

function requirementFor(o: KubeObject, options: TranslateOptions): Requirement | undefined {
  const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : ''
  if (group === 'gateway.envoyproxy.io') {
    return {
      served: (c) => c.envoyGateway,
      what: 'the Envoy Gateway CRDs (gateway.envoyproxy.io)',
      consequence: 'the routes still convert, without the policies and filters their annotations asked for (route rules that reference a missing HTTPRouteFilter or Backend will not be accepted)',
    }
  }
  if (group === 'cert-manager.io') {
    return {served: (c) => c.certManager, what: 'cert-manager', consequence: 'certificates must be issued another way before the https listener can use them'}
  }
  switch (o.kind) {
    case 'GRPCRoute':
      return {served: (c) => c.grpcRoute, what: 'GRPCRoute (Gateway API v1.1+)', consequence: 'the gRPC Ingresses are not routed'}
    case 'TLSRoute':
      return {served: (c) => c.tlsRoute, what: 'TLSRoute', consequence: 'the ssl-passthrough hosts are not routed'}
    case 'BackendTLSPolicy':
      return {served: (c) => c.backendTLSPolicy, what: 'BackendTLSPolicy v1 (Gateway API v1.4+)', consequence: 'connections to those backends are not verified'}
    case 'TCPRoute':
      return options.tcpRoutes ? undefined : {served: (c) => c.tcpRoute, what: 'TCPRoute', consequence: 'the tcp-services ports are not exposed'}
    case 'UDPRoute':
      return options.tcpRoutes ? undefined : {served: (c) => c.udpRoute, what: 'UDPRoute', consequence: 'the udp-services ports are not exposed'}
  }
  return undefined
}

export function dropUnserved(
  objects: KubeObject[],
  capabilities: TargetCapabilities,
  discovered: boolean,
  options: TranslateOptions,
  diagnostics: Diagnostic[],
): KubeObject[] {
  // Without discovery (file input) nothing is known about the target: keep everything.
  if (!discovered) return objects
  referenceGrantsAsServed(objects, capabilities)
  const dropped = new Map<string, {req: Requirement; names: string[]}>()
  const kept = objects.filter((o) => {
    const req = requirementFor(o, options)
    if (!req || req.served(capabilities)) return true
    const entry = dropped.get(o.kind) ?? {req, names: []}
    entry.names.push(`${o.metadata.namespace ? o.metadata.namespace + '/' : ''}${o.metadata.name}`)
    dropped.set(o.kind, entry)
    return false
  })
  for (const [kind, {req, names}] of [...dropped.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    diagnostics.push({
      level: 'warning',
      code: 'target-lacks-crd',
      message: `${names.length} ${kind} object(s) left out because the cluster does not serve ${req.what}: ${names.slice(0, 5).join(', ')}${names.length > 5 ? ', ...' : ''}; ${req.consequence}`,
      hint: `install ${req.what} and convert again`,
    })
  }
  return kept
}

/**
 * Every ReferenceGrant in the version the cluster serves (v1 from Gateway API v1.5, else v1beta1), whichever part of
 * the compiler emitted it (certificates, canary backends, ext-auth, mirrors, client certificates): one place, so a
 * new grant cannot forget it.
 */
function referenceGrantsAsServed(objects: KubeObject[], capabilities: TargetCapabilities): void {
  for (const o of objects) {
    if (o.kind === 'ReferenceGrant' && o.apiVersion.startsWith('gateway.networking.k8s.io/')) o.apiVersion = `gateway.networking.k8s.io/${capabilities.referenceGrantVersion}`
  }
}
