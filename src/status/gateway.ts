/**
 * Gateway -> Accepted, Programmed, each listener's conditions and attachedRoutes, addresses.
 *
 * Which condition Envoy Gateway v1.9 sets when (internal/gatewayapi/status/gateway.go and validate.go):
 * - Accepted: True/Accepted when every listener is accepted, True/ListenersNotValid when some are,
 *   False/ListenersNotValid when none are (computeGatewayAcceptedFromListeners); False/InvalidParameters for a bad
 *   EnvoyProxy. The CRD defaults both conditions to Unknown/Pending until a controller writes them.
 * - Programmed: False/AddressNotAssigned while the Envoy Service has no address, False/NoResources while no Envoy
 *   replica is available, False/AddressNotUsable for unusable spec.addresses (updateGatewayProgrammedCondition).
 * - Listeners: ResolvedRefs=False/InvalidCertificateRef leaves the listener Accepted but not Programmed;
 *   ResolvedRefs=False/PartiallyInvalidCertificateRef keeps it Programmed with the valid certificates only
 *   (validateListenerConditions).
 */
import type {KubeObject} from '../model/types.js'
import {conditionsOf, describe, findCondition, requireAllTrue, requireTrue, whenStatus, type Condition} from './conditions.js'
import {refKey, stateOf, type Finding, type ObjectStatus, type StatusInput} from './model.js'

export const EG_CONTROLLER = 'gateway.envoyproxy.io/gatewayclass-controller'

function envoyPods(gw: KubeObject): string {
  return `kubectl get pods -A -l gateway.envoyproxy.io/owning-gateway-name=${gw.metadata.name},gateway.envoyproxy.io/owning-gateway-namespace=${gw.metadata.namespace}`
}

/** Gateway Accepted=False -> what to do. */
function gatewayAcceptedFix(gw: KubeObject, c: Condition): string {
  switch (c.reason) {
    case 'ListenersNotValid':
      return 'no listener of the Gateway is valid: see the listener findings'
    case 'InvalidParameters':
      return `the EnvoyProxy named by the Gateway or its GatewayClass (parametersRef) is invalid: fix it as the message says`
    case 'UnsupportedAddress':
      return 'an address type in spec.addresses is not supported by Envoy Gateway: remove it or use IPAddress'
    default:
      return `the controller rejected the Gateway ${gw.metadata.namespace}/${gw.metadata.name}: fix what the message names`
  }
}

/** Gateway Programmed=False -> what to do. */
function gatewayProgrammedFix(gw: KubeObject, c: Condition): string {
  switch (c.reason) {
    case 'AddressNotAssigned':
      return `the Envoy Service has no address yet: a LoadBalancer Service waits for the cloud load balancer (kubectl get svc -A -l gateway.envoyproxy.io/owning-gateway-name=${gw.metadata.name}); on a cluster without one, install a load-balancer implementation or give the EnvoyProxy a NodePort or ClusterIP Service`
    case 'NoResources':
      return `no Envoy replica is available yet: ${envoyPods(gw)}`
    case 'AddressNotUsable':
      return 'an address in spec.addresses cannot be used: fix or remove it'
    default:
      return 'the Gateway is not programmed: fix what the message names'
  }
}

/** Listener condition False (or Conflicted True) -> what to do, by reason. */
function listenerFix(gw: KubeObject, c: Condition): string {
  switch (c.reason) {
    case 'InvalidCertificateRef':
      return `a certificate Secret of the listener is missing or is not a kubernetes.io/tls Secret with tls.crt and tls.key: HTTPS on this listener fails until it is there (when cert-manager issues it, kubectl ingress2gw status -n ${gw.metadata.namespace} shows why its Certificate is not ready)`
    case 'PartiallyInvalidCertificateRef':
      return 'some certificate Secrets of the listener are missing or invalid: the listener serves with the others, so clients of the hosts those certificates cover get another certificate (a TLS error)'
    case 'RefNotPermitted': {
      const ns = c.message?.match(/secret ([a-z0-9-]+)\/[^ ]+ not permitted/i)?.[1]
      return `a certificateRef names a Secret in ${ns ? `namespace ${ns}` : 'another namespace'} without a ReferenceGrant there allowing Gateways from namespace ${gw.metadata.namespace}: apply the ReferenceGrant convert emitted for it (kubectl ingress2gw apply -n ${ns ?? '<secret namespace>'})`
    }
    case 'PortUnavailable':
      return 'the port is not available: another listener or Gateway sharing this Envoy uses it'
    case 'UnsupportedProtocol':
      // listener.go: any protocol but HTTP, HTTPS, TLS, TCP and UDP is Accepted=False/UnsupportedProtocol.
      return 'Envoy Gateway serves only HTTP, HTTPS, TLS, TCP and UDP listeners: change the listener protocol'
    case 'HostnameConflict':
    case 'ProtocolConflict':
      return 'two listeners on the same port conflict (same hostname, or protocols that cannot share the port): give one a distinct hostname or port'
    case 'InvalidRouteKinds':
      // validate.go validateAllowedRoutes, listener.go allowedRouteKindsForProtocol: a kind the listener's protocol cannot carry, or a group other than Gateway API's.
      return 'allowedRoutes.kinds names a route kind this listener protocol cannot carry (HTTP/HTTPS: HTTPRoute, GRPCRoute; TLS: TLSRoute, and TCPRoute unless in Passthrough mode; TCP: TCPRoute; UDP: UDPRoute): the routes of that kind do not attach'
    case 'InvalidCACertificateRef':
    case 'InvalidCACertificateKind':
    case 'NoValidCACertificate':
      return 'the CA certificate for client-certificate validation (auth-tls-secret) is missing or invalid: clients cannot be verified'
    default:
      return 'the listener is not usable: fix what the message names'
  }
}

function listenerFindings(gw: KubeObject, spec: {name: string}, status: {conditions?: unknown} | undefined): Finding[] {
  const scope = `listener ${spec.name}`
  if (!status) return [{level: 'unknown', scope, fix: 'no controller has written a status for this listener yet'}]
  const conds = conditionsOf(status.conditions)
  const gen = gw.metadata.generation
  const absent = 'no controller has written this condition for the listener yet'
  const fix = (c: Condition) => listenerFix(gw, c)
  // validateListenerConditions writes Accepted only for a listener without errors (or with certificate errors
  // alone): next to a False condition, a missing Accepted is not a pending controller (EG testdata
  // gateway-with-listener-with-invalid-allowed-routes-kind.out.yaml: ResolvedRefs=False and Programmed=False only).
  const checked = requireAllTrue(conds, ['Accepted', 'ResolvedRefs'], gen, {scope, absent, fix})
  const findings = checked.some((f) => f.level === 'not-ready') ? checked.filter((f) => f.level === 'not-ready') : checked
  const conflicted = whenStatus(conds, 'Conflicted', 'True', gen, (c) => ({level: 'not-ready', scope, fix: fix(c)}))
  if (conflicted) findings.push(conflicted)
  // Programmed=False/Invalid only repeats the other conditions (validateListenerConditions): report it alone.
  const programmed = requireTrue(conds, 'Programmed', gen, {scope, absent, fix})
  if (programmed && !(programmed.level === 'not-ready' && findings.some((f) => f.level === 'not-ready'))) findings.push(programmed)
  const overlap = whenStatus(conds, 'OverlappingTLSConfig', 'True', gen, () => ({
    level: 'warning',
    scope,
    fix: 'listeners share hostnames or certificates: a client that reuses one HTTP/2 connection for several hosts can reach the other listener',
  }))
  if (overlap) findings.push(overlap)
  return findings
}

function gatewayClassFindings(gw: KubeObject, input: StatusInput): Finding[] {
  const cls = String((gw.spec as {gatewayClassName?: string})?.gatewayClassName ?? '')
  if (!cls) return []
  if (input.missing.has(refKey('GatewayClass', undefined, cls))) {
    return [{level: 'not-ready', scope: `GatewayClass ${cls}`, fix: `GatewayClass ${cls} does not exist: create it with controllerName ${EG_CONTROLLER} (Envoy Gateway's)`}]
  }
  const gc = input.objects.find((o) => o.kind === 'GatewayClass' && o.metadata.name === cls)
  if (!gc) return []
  const controller = String((gc.spec as {controllerName?: string})?.controllerName ?? '')
  if (controller && controller !== EG_CONTROLLER) {
    return [{level: 'warning', scope: `GatewayClass ${cls}`, fix: `its controller is ${controller}, not Envoy Gateway (${EG_CONTROLLER}): the Envoy Gateway policies ingress2gw emits only work with Envoy Gateway`}]
  }
  const f = requireTrue(conditionsOf((gc.status as {conditions?: unknown})?.conditions), 'Accepted', gc.metadata.generation, {
    scope: `GatewayClass ${cls}`,
    absent: `no controller has accepted GatewayClass ${cls}: is Envoy Gateway running?`,
    fix: () => `the controller did not accept GatewayClass ${cls}: fix what the message names`,
  })
  return f ? [f] : []
}

/**
 * `usedListeners`: the listeners the checked routes attach to. A problem of a listener none of them uses is a
 * warning: it does not keep this scope's traffic from being served (another team's host listener, say).
 */
export function evaluateGateway(gw: KubeObject, input: StatusInput, usedListeners?: Set<string>): ObjectStatus {
  const status = (gw.status ?? {}) as {conditions?: unknown; listeners?: {name: string; attachedRoutes?: number; conditions?: unknown}[]; addresses?: {value: string}[]}
  const conds = conditionsOf(status.conditions)
  const gen = gw.metadata.generation
  const cls = String((gw.spec as {gatewayClassName?: string})?.gatewayClassName ?? '')
  const pending = `no controller has reconciled the Gateway yet: check that GatewayClass ${cls} exists and is accepted by Envoy Gateway (kubectl get gatewayclass ${cls})`
  const findings: Finding[] = [...gatewayClassFindings(gw, input)]
  const accepted = requireTrue(conds, 'Accepted', gen, {absent: pending, fix: (c) => gatewayAcceptedFix(gw, c)})
  if (accepted) findings.push(accepted)
  const programmed = requireTrue(conds, 'Programmed', gen, {absent: pending, fix: (c) => gatewayProgrammedFix(gw, c)})
  if (programmed) findings.push(programmed)
  const specListeners = ((gw.spec as {listeners?: {name: string}[]})?.listeners ?? []).filter((l) => l && typeof l.name === 'string')
  const attached: string[] = []
  for (const l of specListeners) {
    const ls = (status.listeners ?? []).find((x) => x?.name === l.name)
    const fs = listenerFindings(gw, l, ls)
    const unused = usedListeners !== undefined && !usedListeners.has(l.name)
    findings.push(...(unused ? fs.map((f) => ({...f, level: 'warning' as const, fix: `no route checked here attaches to it; ${f.fix}`})) : fs))
    attached.push(`${l.name} (${ls?.attachedRoutes ?? '?'})`)
  }
  const addresses = (status.addresses ?? []).map((a) => a?.value).filter(Boolean)
  const programmedCond = findCondition(conds, 'Programmed')
  const summary = [
    programmedCond ? describe(programmedCond) : 'no status',
    addresses.length > 0 ? `addresses ${addresses.join(', ')}` : 'no address',
    attached.length > 0 ? `listeners (attached routes): ${attached.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join('; ')
  return {apiVersion: gw.apiVersion, kind: 'Gateway', namespace: gw.metadata.namespace, name: gw.metadata.name, state: stateOf(findings), summary, findings}
}
