/**
 * Route condition reasons -> the fix, in the user's terms.
 *
 * Reasons are those of Gateway API v1.6.1 (apis/v1/shared_types.go: Accepted NotAllowedByListeners,
 * NoMatchingListenerHostname, NoMatchingParent, UnsupportedValue, IncompatibleFilters, Pending; ResolvedRefs
 * RefNotPermitted, InvalidKind, BackendNotFound, UnsupportedProtocol) and the ones Envoy Gateway v1.9 adds
 * (internal/gatewayapi/status/error.go: PortNotFound, PortNotSpecified, InvalidBackendRef, InvalidBackendTLS,
 * InvalidBackendFilters, UnsupportedRefValue, UnsupportedAddressType, InvalidAddress, EndpointsNotFound).
 * Envoy Gateway writes a rule's error on Accepted as UnsupportedValue unless the reason is one of the Accepted
 * reasons (status.ConvertToAcceptedReason), and joins several reasons with commas (MultiStatusError.Reason).
 */
import type {KubeObject} from '../model/types.js'
import type {Condition} from './conditions.js'
import {reasonsOf} from './conditions.js'

const GW_GROUP = 'gateway.networking.k8s.io'

export interface ParentRef {
  group?: string
  kind?: string
  namespace?: string
  name: string
  sectionName?: string
  port?: number
}

interface Listener {
  name: string
  port?: number
  hostname?: string
  allowedRoutes?: {
    namespaces?: {from?: string; selector?: {matchLabels?: Record<string, string>; matchExpressions?: {key: string; operator: string; values?: string[]}[]}}
    kinds?: {group?: string; kind: string}[]
  }
}

/** The Gateway listeners a parentRef selects (by sectionName and port, as Gateway API defines). */
export function selectedListeners(gw: KubeObject | undefined, ref: ParentRef): Listener[] {
  const all = ((gw?.spec as {listeners?: Listener[]})?.listeners ?? []).filter((l) => l && typeof l.name === 'string')
  return all.filter((l) => (ref.sectionName === undefined || l.name === ref.sectionName) && (ref.port === undefined || l.port === ref.port))
}

function labelCommand(namespace: string, labels: Record<string, string>): string {
  return `kubectl label namespace ${namespace} ${Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(' ')}`
}

/** NotAllowedByListeners: which allowedRoutes rule keeps the route out, read from the Gateway's listeners. */
function notAllowedFix(route: KubeObject, ref: ParentRef, gw: KubeObject | undefined): string {
  const routeNs = route.metadata.namespace ?? ''
  const listeners = selectedListeners(gw, ref)
  if (!gw || listeners.length === 0) {
    return `no listener admits routes from namespace ${routeNs}: the shared Gateway ingress2gw emits admits namespaces labelled shared-gateway-access=true (${labelCommand(routeNs, {'shared-gateway-access': 'true'})}), or the label --namespace-label named`
  }
  const why: string[] = []
  for (const l of listeners) {
    const kinds = l.allowedRoutes?.kinds ?? []
    if (kinds.length > 0 && !kinds.some((k) => k.kind === route.kind && (k.group ?? GW_GROUP) === GW_GROUP)) {
      why.push(`listener ${l.name} admits only ${kinds.map((k) => k.kind).join(', ')}, not ${route.kind}`)
      continue
    }
    const from = l.allowedRoutes?.namespaces?.from ?? 'Same'
    if (from === 'Same') why.push(`listener ${l.name} admits routes from namespace ${gw.metadata.namespace} only (allowedRoutes.namespaces.from: Same)`)
    else if (from === 'Selector') {
      const sel = l.allowedRoutes?.namespaces?.selector ?? {}
      const labels = sel.matchLabels ?? {}
      const expr = (sel.matchExpressions ?? []).map((e) => `${e.key} ${e.operator} ${(e.values ?? []).join(',')}`.trim())
      if (Object.keys(labels).length > 0 && expr.length === 0) {
        why.push(`namespace ${routeNs} lacks the label ${Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',')} by which listener ${l.name} admits namespaces: ${labelCommand(routeNs, labels)}`)
      } else why.push(`namespace ${routeNs} does not match the namespace selector of listener ${l.name} (${[...Object.entries(labels).map(([k, v]) => `${k}=${v}`), ...expr].join(', ')})`)
    }
  }
  return why.length > 0 ? [...new Set(why)].join('; ') : `no listener of ${gw.metadata.namespace}/${gw.metadata.name} admits the route`
}

function hostnamesFix(route: KubeObject, ref: ParentRef, gw: KubeObject | undefined): string {
  const hosts = ((route.spec as {hostnames?: string[]})?.hostnames ?? []).join(', ') || '(none)'
  const ls = selectedListeners(gw, ref)
    .map((l) => `${l.name}: ${l.hostname ?? 'any host'}`)
    .join('; ')
  return `none of the route's hostnames (${hosts}) falls within the hostname of the listeners it attaches to${ls ? ` (${ls})` : ''}: attach it to a listener that serves those hosts, or add the hosts' listeners to the Gateway (kubectl ingress2gw convert -A --emit-gateway, then apply)`
}

function noParentFix(ref: ParentRef, gw: KubeObject | undefined): string {
  const names = ((gw?.spec as {listeners?: Listener[]})?.listeners ?? []).map((l) => l.name)
  const what = ref.sectionName !== undefined ? `listener named ${ref.sectionName}` : `listener on port ${ref.port}`
  return `the Gateway has no ${what}${names.length > 0 ? ` (it has: ${names.join(', ')})` : ''}: apply the Gateway ingress2gw emits (kubectl ingress2gw apply -A), which has the listeners the routes name`
}

/** "Backend ref to Service team-b/api not permitted by any ReferenceGrant." (validateBackendNamespace) */
function refNotPermittedFix(route: KubeObject, message: string | undefined): string {
  const m = message?.match(/ref to (\w+) ([a-z0-9-]+)\/([a-z0-9.-]+) not permitted/i)
  const target = m ? `${m[1]} ${m[2]}/${m[3]}` : 'an object in another namespace'
  const ns = m?.[2] ?? '<its namespace>'
  return `the route references ${target} without a ReferenceGrant in namespace ${ns} allowing ${route.kind}s from namespace ${route.metadata.namespace}: apply the ReferenceGrant convert emitted (kubectl ingress2gw apply -n ${ns}) or create one; until then requests to that backend get HTTP 500`
}

function backendNotFoundFix(message: string | undefined): string {
  const m = message?.match(/(service|Backend|service import) ([a-z0-9-]+\/[a-z0-9.-]+) not found/i)
  const what = m ? `${/backend/i.test(m[1]) ? 'Backend' : 'Service'} ${m[2]}` : 'a backend the route names'
  return `${what} does not exist: create it, or fix the Ingress's backend and convert again; until then requests to it get HTTP 500`
}

function unsupportedValueFix(message: string | undefined): string {
  if (message && /Backend is disabled/i.test(message)) {
    return 'the route uses an Envoy Gateway Backend (backend-protocol HTTPS, external auth or an external backend) but the Backend API is off: set extensionApis.enableBackend: true in the EnvoyGateway configuration (ConfigMap envoy-gateway-config) and restart Envoy Gateway'
  }
  if (message && /ExternalName/i.test(message)) {
    return 'a backend Service is of type ExternalName, which Envoy Gateway does not route to: use an Envoy Gateway Backend with an FQDN endpoint'
  }
  return 'Envoy Gateway rejected a value of the route (the message names it); the rules it rejects are not served'
}

/** One reason -> its fix. */
export function routeReasonFix(reason: string, ctx: {route: KubeObject; ref: ParentRef; gateway?: KubeObject; message?: string}): string {
  switch (reason) {
    case 'NotAllowedByListeners':
      return notAllowedFix(ctx.route, ctx.ref, ctx.gateway)
    case 'NoMatchingListenerHostname':
      return hostnamesFix(ctx.route, ctx.ref, ctx.gateway)
    case 'NoMatchingParent':
      return noParentFix(ctx.ref, ctx.gateway)
    case 'UnsupportedValue':
      return unsupportedValueFix(ctx.message)
    case 'IncompatibleFilters':
      return 'a rule combines filters that cannot go together (for example URLRewrite with RequestRedirect): the rule is not served'
    case 'RefNotPermitted':
      return refNotPermittedFix(ctx.route, ctx.message)
    case 'BackendNotFound':
      return backendNotFoundFix(ctx.message)
    case 'PortNotFound':
      return 'a backendRef names a port the Service does not have (the message names it): fix the Service or the Ingress port and convert again; requests to it get HTTP 500'
    case 'PortNotSpecified':
      return 'a backendRef to a Service has no port: give it the Service port'
    case 'InvalidKind':
      return 'a backendRef names a kind Envoy Gateway does not route to (only Service, ServiceImport and Envoy Gateway Backend)'
    case 'UnsupportedProtocol':
      return "a backend's appProtocol is not supported by Envoy Gateway"
    case 'InvalidBackendTLS':
      return 'the TLS settings towards the backend (BackendTLSPolicy, or the Backend tls) are invalid: the message says which'
    case 'InvalidBackendRef':
    case 'InvalidBackendFilters':
    case 'UnsupportedRefValue':
    case 'UnsupportedAddressType':
    case 'InvalidAddress':
      return 'a backendRef is invalid (the message says how): requests to it get HTTP 500'
    case 'EndpointsNotFound':
      return 'the backend has no ready endpoint: requests to it get HTTP 503 until a pod is ready (ingress-nginx answered 503 as well)'
    case 'Pending':
      return 'the controller has not reconciled the route yet'
    default:
      return `the controller reports ${reason}: see its message`
  }
}

/** Every reason of a condition (comma-joined by Envoy Gateway) -> fixes, one per distinct reason. */
export function routeConditionFix(c: Condition, ctx: {route: KubeObject; ref: ParentRef; gateway?: KubeObject}): string {
  const reasons = reasonsOf(c)
  if (reasons.length === 0) return 'the controller gives no reason: see its message'
  return [...new Set(reasons.map((r) => routeReasonFix(r, {...ctx, message: c.message})))].join('; ')
}
