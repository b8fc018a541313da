/**
 * The in-place cutover plan: from the live ingress-nginx Service, the Gateway and its Envoy Service, the JSON patch
 * that repoints spec.selector and each spec.ports[].targetPort, the rollback patch made from the current values,
 * and every reason to refuse (pure: the facts are read beforehand).
 *
 * Envoy Gateway v1.9 gives the Envoy Service one port per listener port, with the container port Envoy listens on
 * as targetPort (privileged ports shifted by 10000: servicePortToContainerPort in internal/gatewayapi/listener.go,
 * ResourceRender.Service in internal/infrastructure/kubernetes/proxy/resource_provider.go), and selects the pods
 * with the app labels plus the owning-gateway labels. Both are read from that Service, never assumed.
 */
import type {KubeObject} from '../model/types.js'
import {conditionsOf, findCondition, isStale} from '../status/conditions.js'
import {deepEqualJson} from './json.js'
import {gitopsWarnings, helmChecks, lbSendsProxyProtocol, trafficPolicyWarnings} from './checks.js'
import type {CutoverFacts, CutoverPlan, JsonPatchOp, PortMove, Refusal, ServicePort} from './model.js'
import {gatewayExpectsProxyProtocol} from './proxy-protocol.js'
import {refusal} from './refusals.js'

interface Listener {
  name: string
  port: number
  protocol: string
}

const PROTOCOL_OF: Record<string, string> = {HTTP: 'TCP', HTTPS: 'TCP', TLS: 'TCP', TCP: 'TCP', UDP: 'UDP'}

function programmedListener(gw: KubeObject, name: string): boolean {
  const ls = ((gw.status as {listeners?: {name: string; conditions?: unknown}[]})?.listeners ?? []).find((l) => l?.name === name)
  const c = findCondition(conditionsOf(ls?.conditions), 'Programmed')
  return c?.status === 'True' && !isStale(c, gw.metadata.generation)
}

function gatewayRefusal(facts: CutoverFacts): Refusal | undefined {
  const gwId = `${facts.gatewayRef.namespace}/${facts.gatewayRef.name}`
  if (!facts.gateway) return refusal('gateway-not-found', `Gateway ${gwId} does not exist: apply the Gateway bundle first (kubectl ingress2gw apply -A), or name the Gateway with --gateway`)
  const c = findCondition(conditionsOf((facts.gateway.status as {conditions?: unknown})?.conditions), 'Programmed')
  if (c?.status === 'True' && !isStale(c, facts.gateway.metadata.generation)) return undefined
  const what = !c ? 'has no Programmed condition yet' : isStale(c, facts.gateway.metadata.generation) ? 'has not been processed since its last change' : `is not programmed (Programmed=${c.status}${c.reason ? `, ${c.reason}` : ''}${c.message ? `: ${c.message}` : ''})`
  return refusal('gateway-not-programmed', `Gateway ${gwId} ${what}: switching now would send the traffic to an Envoy that cannot serve it; see kubectl ingress2gw status -n ${facts.gatewayRef.namespace}`)
}

function envoyServiceRefusal(facts: CutoverFacts): Refusal | undefined {
  const gwId = `${facts.gatewayRef.namespace}/${facts.gatewayRef.name}`
  const svcNs = facts.service.metadata.namespace
  if (facts.envoyServices.length === 0 && facts.envoyServicesUnread?.length) {
    return refusal(
      'envoy-service-not-found',
      `the Envoy Service of Gateway ${gwId} could not be looked up: listing Services cluster-wide is forbidden, and so is listing them in namespace ${facts.envoyServicesUnread.join(', ')}; grant "list" on "services" (see examples/rbac/ingress2gw-rbac.yaml)`,
    )
  }
  if (facts.envoyServices.length === 0) {
    return refusal(
      'envoy-service-not-found',
      `no Service labelled gateway.envoyproxy.io/owning-gateway-name=${facts.gatewayRef.name},gateway.envoyproxy.io/owning-gateway-namespace=${facts.gatewayRef.namespace} exists: Envoy Gateway has not created the proxy of Gateway ${gwId} (is the Gateway programmed? kubectl get svc -A -l gateway.envoyproxy.io/owning-gateway-name=${facts.gatewayRef.name})`,
    )
  }
  if (facts.envoyServices.length > 1) {
    return refusal('envoy-service-ambiguous', `several Services carry the owning-gateway labels of ${gwId} (${facts.envoyServices.map((s) => `${s.metadata.namespace}/${s.metadata.name}`).join(', ')}): cannot tell which selects its Envoy pods`)
  }
  const envoy = facts.envoyServices[0]
  if (envoy.metadata.namespace !== svcNs) {
    return refusal(
      'envoy-other-namespace',
      `the Envoy proxy of Gateway ${gwId} runs in namespace ${envoy.metadata.namespace} (Service ${envoy.metadata.name}) but Service ${svcNs}/${facts.service.metadata.name} is in ${svcNs}: a Service selects pods of its own namespace only, so the patched Service would have no endpoints. ` +
        `Run the Envoy proxy in ${svcNs} (Envoy Gateway's GatewayNamespace deploy mode with the Gateway in ${svcNs}, or Envoy Gateway installed in ${svcNs}), or switch DNS instead (kubectl ingress2gw cutover --dns)`,
    )
  }
  const sel = (envoy.spec as {selector?: Record<string, string>})?.selector ?? {}
  if (Object.keys(sel).length === 0) {
    return refusal('envoy-service-not-found', `the Envoy Service ${envoy.metadata.namespace}/${envoy.metadata.name} has no selector: cannot tell which pods to send to`)
  }
  return undefined
}

/** Each Service port -> the Gateway listener on that port and the Envoy Service's targetPort for it. */
function portMoves(facts: CutoverFacts, ports: ServicePort[], refusals: Refusal[], warnings: string[]): PortMove[] {
  const gw = facts.gateway!
  const envoy = facts.envoyServices[0]
  const listeners = ((gw.spec as {listeners?: Listener[]})?.listeners ?? []).filter((l) => l && typeof l.port === 'number')
  const envoyPorts = ((envoy.spec as {ports?: ServicePort[]})?.ports ?? []).filter((p) => p && typeof p.port === 'number')
  const moves: PortMove[] = []
  for (const p of ports) {
    const protocol = p.protocol ?? 'TCP'
    const label = `port ${p.port}/${protocol}${p.name ? ` (${p.name})` : ''}`
    const onPort = listeners.filter((l) => l.port === p.port && PROTOCOL_OF[l.protocol] === protocol)
    if (onPort.length === 0) {
      refusals.push(refusal('port-without-listener', `${label} of the Service has no listener on Gateway ${gw.metadata.namespace}/${gw.metadata.name} (its listeners: ${listeners.map((l) => `${l.name} ${l.protocol}/${l.port}`).join(', ') || 'none'}): traffic to that port would be refused; add the listener, or cut over a Service without that port`))
      continue
    }
    const programmed = onPort.filter((l) => programmedListener(gw, l.name))
    if (programmed.length === 0) {
      refusals.push(refusal('listener-not-programmed', `${label}: listener ${onPort.map((l) => l.name).join(', ')} of Gateway ${gw.metadata.namespace}/${gw.metadata.name} is not programmed; see kubectl ingress2gw status -n ${gw.metadata.namespace}`))
      continue
    }
    for (const l of onPort.filter((x) => !programmed.includes(x))) warnings.push(`listener ${l.name} (port ${l.port}) is not programmed: the hosts it serves fail after the switch; see kubectl ingress2gw status -n ${gw.metadata.namespace}`)
    const ep = envoyPorts.find((e) => e.port === p.port && (e.protocol ?? 'TCP') === protocol)
    if (!ep || ep.targetPort === undefined) {
      refusals.push(refusal('port-not-on-envoy-service', `${label}: the Envoy Service ${envoy.metadata.namespace}/${envoy.metadata.name} has no port ${p.port}/${protocol} yet (Envoy Gateway adds it once the listener is programmed): cannot tell which port Envoy listens on`))
      continue
    }
    moves.push({port: p.port, protocol, ...(p.name ? {name: p.name} : {}), ...(p.targetPort !== undefined ? {from: p.targetPort} : {}), to: ep.targetPort, listener: programmed.map((l) => l.name).join(', ')})
  }
  const exposed = new Set(ports.map((p) => `${p.port}/${p.protocol ?? 'TCP'}`))
  for (const l of listeners) {
    if (!exposed.has(`${l.port}/${PROTOCOL_OF[l.protocol] ?? 'TCP'}`)) warnings.push(`listener ${l.name} (${l.protocol} ${l.port}) is not exposed by Service ${facts.service.metadata.namespace}/${facts.service.metadata.name}: it stays reachable only through the Envoy Service`)
  }
  return moves
}

/**
 * PROXY protocol must agree on both sides of every HTTP(S) and TLS port, or every connection fails. A side that could not be
 * read (the controller ConfigMap or the ClientTrafficPolicies forbidden) refuses like a mismatch: it may be one.
 */
function proxyProtocolChecks(facts: CutoverFacts, moves: PortMove[], refusals: Refusal[], warnings: string[]): void {
  const gw = facts.gateway!
  const lb = lbSendsProxyProtocol(facts.service, facts.controllerConfigMap, facts.controllerConfigMapError)
  // TLS too: ingress-nginx decodes PROXY headers on its ssl-passthrough port as well (nginx.go setupSSLProxy), and
  // Envoy Gateway applies proxyProtocol to TLS listeners (clienttrafficpolicy.go, tcpIR.ProxyProtocol).
  const listeners = ((gw.spec as {listeners?: Listener[]})?.listeners ?? []).filter((l) => l && (l.protocol === 'HTTP' || l.protocol === 'HTTPS' || l.protocol === 'TLS'))
  for (const m of moves) {
    const httpListeners = listeners.filter((l) => l.port === m.port && m.listener.split(', ').includes(l.name))
    for (const l of httpListeners) {
      if (facts.clientTrafficPoliciesError) {
        refusals.push(refusal('proxy-protocol-unknown', `port ${m.port}: ${facts.clientTrafficPoliciesError}: cannot tell whether listener ${l.name} expects PROXY protocol headers, while the load balancer ${lb.sends === 'yes' ? 'sends them' : lb.sends === 'no' ? 'does not send them' : 'may send them'} (${lb.why}); a mismatch fails every connection. Grant "list" on clienttrafficpolicies.gateway.envoyproxy.io in that namespace; --force switches anyway`))
        continue
      }
      const gwSide = gatewayExpectsProxyProtocol(gw, l.name, facts.clientTrafficPolicies)
      const expect = gwSide.expects === 'no' ? 'does not expect PROXY headers (no ClientTrafficPolicy in effect enables proxyProtocol)' : `expects PROXY headers (${gwSide.policy})`
      const ifWrong = gwSide.expects === 'no' ? 'sends PROXY headers, every connection fails' : 'does not send PROXY headers, every connection fails'
      if ((lb.sends === 'yes' && gwSide.expects === 'no') || (lb.sends === 'no' && gwSide.expects === 'required')) {
        refusals.push(
          refusal(
            'proxy-protocol-mismatch',
            `port ${m.port}: the load balancer ${lb.sends === 'yes' ? 'sends' : 'does not send'} PROXY protocol headers (${lb.why}) but listener ${l.name} ${expect}: every connection would fail. ${lb.sends === 'yes' ? 'Apply the ClientTrafficPolicy convert emits for use-proxy-protocol (proxyProtocol: {}) before the switch' : 'Remove proxyProtocol from the policy, or make it optional, before the switch'}; --force switches anyway`,
          ),
        )
      } else if (lb.sends === 'unknown' && gwSide.expects !== 'optional') {
        if (lb.readFailed) {
          refusals.push(refusal('proxy-protocol-unknown', `port ${m.port}: ${lb.why}: cannot tell whether the load balancer sends PROXY protocol headers (use-proxy-protocol); listener ${l.name} ${expect}: if the load balancer ${ifWrong}. Grant the read, or name a readable ConfigMap with --controller-configmap; --force switches anyway`))
        } else {
          warnings.push(`port ${m.port}: ${lb.why}; listener ${l.name} ${expect}: if the load balancer ${ifWrong}`)
        }
      }
    }
  }
}

function buildPatches(svc: KubeObject, ports: ServicePort[], moves: PortMove[], selectorFrom: Record<string, string>, selectorTo: Record<string, string>): {patch: JsonPatchOp[]; rollback: JsonPatchOp[]} {
  const uid = String(svc.metadata.uid ?? '')
  const patch: JsonPatchOp[] = [
    {op: 'test', path: '/metadata/uid', value: uid},
    {op: 'test', path: '/metadata/resourceVersion', value: String(svc.metadata.resourceVersion ?? '')},
  ]
  const rollback: JsonPatchOp[] = [
    {op: 'test', path: '/metadata/uid', value: uid},
    {op: 'test', path: '/spec/selector', value: selectorTo},
  ]
  const indexed = moves.map((m) => ({m, i: ports.findIndex((p) => p.port === m.port && (p.protocol ?? 'TCP') === m.protocol)}))
  for (const {m, i} of indexed) {
    patch.push({op: 'test', path: `/spec/ports/${i}/port`, value: m.port})
    rollback.push({op: 'test', path: `/spec/ports/${i}/port`, value: m.port}, {op: 'test', path: `/spec/ports/${i}/targetPort`, value: m.to})
  }
  patch.push({op: 'replace', path: '/spec/selector', value: selectorTo})
  rollback.push({op: 'replace', path: '/spec/selector', value: selectorFrom})
  for (const {m, i} of indexed) {
    patch.push({op: m.from === undefined ? 'add' : 'replace', path: `/spec/ports/${i}/targetPort`, value: m.to})
    rollback.push(m.from === undefined ? {op: 'remove', path: `/spec/ports/${i}/targetPort`} : {op: 'replace', path: `/spec/ports/${i}/targetPort`, value: m.from})
  }
  return {patch, rollback}
}

function siblingNotes(facts: CutoverFacts, selectorFrom: Record<string, string>): string[] {
  return facts.siblings
    .filter((s) => s.metadata.name !== facts.service.metadata.name && deepEqualJson((s.spec as {selector?: unknown})?.selector ?? {}, selectorFrom))
    .map((s) => `Service ${s.metadata.namespace}/${s.metadata.name} also selects the ingress-nginx pods and is not changed: cut it over on its own (an internal load balancer to its own Gateway: kubectl ingress2gw cutover --service ${s.metadata.namespace}/${s.metadata.name} --gateway NAMESPACE/NAME)`)
}

export function planCutover(facts: CutoverFacts): CutoverPlan {
  const svc = facts.service
  const spec = (svc.spec ?? {}) as {selector?: Record<string, string>; ports?: ServicePort[]; type?: string}
  const selectorFrom = spec.selector ?? {}
  const ports = (spec.ports ?? []).filter((p) => p && typeof p.port === 'number')
  const refusals: Refusal[] = []
  const warnings: string[] = []
  const plan: CutoverPlan = {
    service: {namespace: svc.metadata.namespace ?? '', name: svc.metadata.name, uid: String(svc.metadata.uid ?? ''), resourceVersion: String(svc.metadata.resourceVersion ?? ''), type: spec.type ?? 'ClusterIP'},
    gateway: facts.gatewayRef,
    selectorFrom,
    selectorTo: {},
    ports: [],
    patch: [],
    rollback: [],
    refusals,
    warnings,
    alreadyCutOver: false,
  }
  if (spec.type === 'ExternalName' || Object.keys(selectorFrom).length === 0) {
    refusals.push(refusal('no-selector', `Service ${svc.metadata.namespace}/${svc.metadata.name} has no selector (its endpoints are managed by hand or by another controller): there is nothing to repoint`))
    return plan
  }
  const gatewayProblem = gatewayRefusal(facts)
  if (gatewayProblem) refusals.push(gatewayProblem)
  if (!facts.gateway) return plan
  const envoyProblem = envoyServiceRefusal(facts)
  if (envoyProblem) {
    refusals.push(envoyProblem)
    return plan
  }
  const envoy = facts.envoyServices[0]
  plan.envoyService = {namespace: envoy.metadata.namespace ?? '', name: envoy.metadata.name}
  const programmed = findCondition(conditionsOf((facts.gateway.status as {conditions?: unknown})?.conditions), 'Programmed')
  if (programmed?.status === 'True' && programmed.message) plan.gatewayProgrammed = programmed.message
  plan.selectorTo = {...((envoy.spec as {selector?: Record<string, string>}).selector ?? {})}
  if (facts.envoyByClass) warnings.push(`the Envoy Service was found by its GatewayClass label (mergeGateways): its pods serve every Gateway of class ${String((facts.gateway.spec as {gatewayClassName?: string})?.gatewayClassName)}`)
  plan.ports = portMoves(facts, ports, refusals, warnings)
  plan.alreadyCutOver =
    deepEqualJson(selectorFrom, plan.selectorTo) && plan.ports.length === ports.length && plan.ports.every((m) => m.from !== undefined && String(m.from) === String(m.to))
  const helm = helmChecks(svc)
  if (helm.refusal) refusals.push(helm.refusal)
  warnings.push(...helm.warnings, ...gitopsWarnings(svc), ...trafficPolicyWarnings(svc))
  proxyProtocolChecks(facts, plan.ports, refusals, warnings)
  warnings.push(...siblingNotes(facts, selectorFrom))
  if (plan.ports.length === ports.length) Object.assign(plan, buildPatches(svc, ports, plan.ports, selectorFrom, plan.selectorTo))
  return plan
}

/** The refusals that stand (overridable ones give way to --force). */
export function blockingRefusals(plan: CutoverPlan, force: boolean): CutoverPlan['refusals'] {
  return plan.refusals.filter((r) => !(force && r.overridable))
}
