/**
 * status (pure): each condition the controllers write, as Envoy Gateway v1.9 and cert-manager v1.21 write it (the
 * functions are named in src/status/*.ts), turned into ready / not ready / unknown and the fix.
 */
import test from 'ava'
import {buildStatusReport, allReady} from '../src/status/report.js'
import type {ObjectStatus, StatusInput} from '../src/status/model.js'
import type {KubeObject} from '../src/model/types.js'
import {accepted, cond, EG_API, gateway, gatewayClass, listenerStatus, MANAGED, parentStatus, route} from './support/cutover-fixtures.js'

function input(objects: Record<string, any>[], over: Partial<StatusInput> = {}): StatusInput {
  return {objects: objects as KubeObject[], missing: new Set(), unreadable: new Map(), notChecked: [], ...over}
}

function statusOf(objects: Record<string, any>[], kind: string, name: string, over: Partial<StatusInput> = {}): ObjectStatus {
  const r = buildStatusReport(input(objects, over))
  const o = r.namespaces.flatMap((n) => n.objects).find((x) => x.kind === kind && x.name === name)
  if (!o) throw new Error(`no status for ${kind} ${name}`)
  return o
}

const base = () => [gateway(), gatewayClass()]
const rejected = (reason: string, message: string, type = 'Accepted') =>
  route({parents: [parentStatus(type === 'Accepted' ? [cond('Accepted', 'False', reason, 1, message), cond('ResolvedRefs', 'True', 'ResolvedRefs')] : [cond('Accepted', 'True', 'Accepted'), cond('ResolvedRefs', 'False', reason, 1, message)])]})

test('an accepted route, a programmed Gateway and an accepted class are ready; the report says so per namespace', (t) => {
  const r = buildStatusReport(input([...base(), route({parents: [parentStatus(accepted())]})]))
  t.deepEqual(
    r.namespaces.map((n) => [n.namespace, n.ready, n.notReady, n.unknown]),
    [['gateway', 1, 0, 0], ['team-a', 1, 0, 0]],
  )
  t.true(allReady(r))
  const gw = r.namespaces[0].objects[0]
  t.is(gw.summary, 'Programmed=True (Programmed); addresses 203.0.113.20; listeners (attached routes): http (1), https (1)')
  t.is(r.namespaces[1].objects[0].summary, 'Accepted by gateway/shared (https)')
})

test('NotAllowedByListeners -> the namespace label the listener admits, read from the Gateway', (t) => {
  const s = statusOf([...base(), rejected('NotAllowedByListeners', 'No listeners included by this parent ref allowed this attachment.')], 'HTTPRoute', 'web')
  t.is(s.state, 'not-ready')
  t.is(s.findings[0].scope, 'parent gateway/shared (https)')
  t.is(s.findings[0].condition, 'Accepted=False (NotAllowedByListeners)')
  t.is(s.findings[0].fix, 'namespace team-a lacks the label shared-gateway-access=true by which listener https admits namespaces: kubectl label namespace team-a shared-gateway-access=true')
  t.is(s.source, 'Ingress team-a/web')
  // A listener that admits other kinds only says so instead.
  const gw = gateway({listeners: [{name: 'https', port: 443, protocol: 'HTTPS', allowedRoutes: {kinds: [{kind: 'GRPCRoute'}], namespaces: {from: 'All'}}}]})
  const kinds = statusOf([gw, gatewayClass(), rejected('NotAllowedByListeners', '')], 'HTTPRoute', 'web')
  t.is(kinds.findings[0].fix, 'listener https admits only GRPCRoute, not HTTPRoute')
})

test('RefNotPermitted, BackendNotFound, NoMatchingListenerHostname, UnsupportedValue -> their fixes', (t) => {
  const grant = statusOf([...base(), rejected('RefNotPermitted', 'Failed to process route rule 0 backendRef 0: Backend ref to Service team-b/api not permitted by any ReferenceGrant.', 'ResolvedRefs')], 'HTTPRoute', 'web')
  t.is(grant.findings[0].condition, 'ResolvedRefs=False (RefNotPermitted)')
  t.regex(grant.findings[0].fix, /^the route references Service team-b\/api without a ReferenceGrant in namespace team-b allowing HTTPRoutes from namespace team-a: apply the ReferenceGrant convert emitted \(kubectl ingress2gw apply -n team-b\)/)

  const missing = statusOf([...base(), rejected('BackendNotFound', 'Failed to process route rule 0 backendRef 0: service team-a/web not found.', 'ResolvedRefs')], 'HTTPRoute', 'web')
  t.is(missing.findings[0].fix, "Service team-a/web does not exist: create it, or fix the Ingress's backend and convert again; until then requests to it get HTTP 500")

  const gw = gateway({
    listeners: [
      {name: 'http', port: 80, protocol: 'HTTP'},
      {name: 'https-shop-example-com', port: 443, protocol: 'HTTPS', hostname: 'shop.example.com'},
    ],
  })
  const host = route({sectionName: 'https-shop-example-com', parents: [parentStatus([cond('Accepted', 'False', 'NoMatchingListenerHostname', 1, "There were no hostname intersections between the HTTPRoute and this parent ref's Listener(s).")], 'https-shop-example-com')]})
  const h = statusOf([gw, gatewayClass(), host], 'HTTPRoute', 'web')
  t.regex(h.findings[0].fix, /^none of the route's hostnames \(web\.example\.com\) falls within the hostname of the listeners it attaches to \(https-shop-example-com: shop\.example\.com\)/)

  const disabled = statusOf([...base(), rejected('UnsupportedValue', 'Failed to process route rule 0 backendRef 0: Backend is disabled in Envoy Gateway configuration.')], 'HTTPRoute', 'web')
  t.regex(disabled.findings[0].fix, /set extensionApis\.enableBackend: true in the EnvoyGateway configuration/)
  const other = statusOf([...base(), rejected('UnsupportedValue', 'Failed to process route rule 1: regex is not valid.')], 'HTTPRoute', 'web')
  t.is(other.findings[0].fix, 'Envoy Gateway rejected a value of the route (the message names it); the rules it rejects are not served')
})

test('NoMatchingParent names the listeners the Gateway has; comma-joined reasons get one fix each', (t) => {
  const r = route({sectionName: 'https-old', parents: [parentStatus([cond('Accepted', 'False', 'NoMatchingParent', 1, 'No listeners match this parent ref')], 'https-old')]})
  t.regex(statusOf([...base(), r], 'HTTPRoute', 'web').findings[0].fix, /^the Gateway has no listener named https-old \(it has: http, https\): apply the Gateway ingress2gw emits/)
  // MultiStatusError.Reason joins sorted unique reasons with commas.
  const both = statusOf([...base(), rejected('BackendNotFound,RefNotPermitted', 'service team-a/web not found.\nBackend ref to Service team-b/api not permitted by any ReferenceGrant.', 'ResolvedRefs')], 'HTTPRoute', 'web')
  const fixes = both.findings[0].fix.split('; until then requests to it get HTTP 500; ')
  t.is(fixes.length, 2, both.findings[0].fix)
  t.regex(both.findings[0].fix, /Service team-a\/web does not exist/)
  t.regex(both.findings[0].fix, /ReferenceGrant in namespace team-b/)
})

test('objects without status, with a Pending condition, or with status for an older generation are unknown, not ready', (t) => {
  const none = statusOf([...base(), route()], 'HTTPRoute', 'web')
  t.is(none.state, 'unknown')
  t.is(none.findings[0].fix, "no controller has written status for this parent yet (is the Gateway's class handled by Envoy Gateway?)")
  const pending = statusOf([gateway({programmed: 'absent'}), gatewayClass()], 'Gateway', 'shared')
  t.is(pending.state, 'unknown')
  t.is(pending.findings[0].condition, 'Accepted=Unknown (Pending)')
  const stale = route({parents: [parentStatus(accepted(1))]})
  stale.metadata.generation = 2
  const s = statusOf([...base(), stale], 'HTTPRoute', 'web')
  t.is(s.state, 'unknown')
  t.is(s.findings[0].fix, 'the condition is for generation 1, the object is at generation 2: the controller has not processed the latest change yet')
  t.false(allReady(buildStatusReport(input([...base(), stale]))))
})

test('a parent Gateway that does not exist is not ready; PartiallyInvalid is not ready; BackendsAvailable=False only warns', (t) => {
  const gone = statusOf([route()], 'HTTPRoute', 'web', {missing: new Set(['Gateway/gateway/shared'])})
  t.is(gone.state, 'not-ready')
  t.regex(gone.findings[0].fix, /^Gateway gateway\/shared does not exist: nothing serves this route/)
  const partial = route({parents: [parentStatus([...accepted(), cond('PartiallyInvalid', 'True', 'UnsupportedValue', 1, 'Dropped Rule(s) [1]: regex is not valid.')])]})
  const p = statusOf([...base(), partial], 'HTTPRoute', 'web')
  t.is(p.state, 'not-ready')
  t.regex(p.findings[0].fix, /^some rules were dropped and are not served: /)
  const noEndpoints = route({parents: [parentStatus([...accepted(), cond('BackendsAvailable', 'False', 'EndpointsNotFound', 1, 'failed to find endpoints')])]})
  const e = statusOf([...base(), noEndpoints], 'HTTPRoute', 'web')
  t.is(e.state, 'ready')
  t.deepEqual(e.findings.map((f) => [f.level, f.fix]), [['warning', 'the backend has no ready endpoint: requests to it get HTTP 503 until a pod is ready (ingress-nginx answered 503 as well)']])
})

test('Gateway: AddressNotAssigned, NoResources, a listener without its certificate, a missing GatewayClass', (t) => {
  const noAddr = statusOf([gateway({programmed: false}), gatewayClass()], 'Gateway', 'shared')
  t.is(noAddr.state, 'not-ready')
  t.regex(noAddr.findings[0].fix, /^the Envoy Service has no address yet: a LoadBalancer Service waits for the cloud load balancer/)
  const gw = gateway()
  gw.status.conditions[1] = cond('Programmed', 'False', 'NoResources', 1, 'Envoy replicas unavailable')
  t.is(statusOf([gw, gatewayClass()], 'Gateway', 'shared').findings[0].fix, 'no Envoy replica is available yet: kubectl get pods -A -l gateway.envoyproxy.io/owning-gateway-name=shared,gateway.envoyproxy.io/owning-gateway-namespace=gateway')
  // validateListenerConditions: InvalidCertificateRef leaves the listener Accepted, not Programmed; one finding says why.
  const cert = gateway({listenerStatuses: [listenerStatus('http'), listenerStatus('https', false)]})
  const c = statusOf([cert, gatewayClass()], 'Gateway', 'shared')
  t.deepEqual(c.findings.map((f) => [f.scope, f.condition]), [['listener https', 'ResolvedRefs=False (InvalidCertificateRef)']])
  t.regex(c.findings[0].fix, /HTTPS on this listener fails until it is there/)
  // The same listener problem with a route of the scope on it is not ready; with the routes elsewhere, a warning.
  const used = statusOf([cert, gatewayClass(), route({parents: [parentStatus(accepted())]})], 'Gateway', 'shared')
  t.is(used.state, 'not-ready')
  const elsewhere = statusOf([cert, gatewayClass(), route({sectionName: 'http', parents: [parentStatus(accepted(), 'http')]})], 'Gateway', 'shared')
  t.is(elsewhere.state, 'ready')
  t.deepEqual(elsewhere.findings.map((f) => [f.level, f.scope]), [['warning', 'listener https']])
  t.regex(elsewhere.findings[0].fix, /^no route checked here attaches to it; a certificate Secret of the listener is missing/)
  const noClass = statusOf([gateway()], 'Gateway', 'shared', {missing: new Set(['GatewayClass//eg'])})
  t.is(noClass.findings[0].fix, "GatewayClass eg does not exist: create it with controllerName gateway.envoyproxy.io/gatewayclass-controller (Envoy Gateway's)")
})

function btp(status?: Record<string, any>, target = 'web'): Record<string, any> {
  return {
    apiVersion: EG_API,
    kind: 'BackendTrafficPolicy',
    metadata: {name: 'web', namespace: 'team-a', labels: {...MANAGED}, annotations: {'ingress2gw.io/annotations': 'limit-rps,proxy-read-timeout'}, generation: 1},
    spec: {targetRefs: [{group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: target}]},
    ...(status ? {status} : {}),
  }
}
const ancestor = (conditions: Record<string, any>[]) => ({ancestors: [{ancestorRef: {group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'shared', namespace: 'gateway', sectionName: 'https'}, controllerName: 'gateway.envoyproxy.io/gatewayclass-controller', conditions}]})

test('a policy Envoy Gateway did not accept is reported loudly with what is lost', (t) => {
  const conflicted = statusOf([btp(ancestor([cond('Accepted', 'False', 'Conflicted', 1, 'Unable to target HTTPRoute web, another BackendTrafficPolicy has already attached to it')]))], 'BackendTrafficPolicy', 'web')
  t.is(conflicted.state, 'not-ready')
  t.is(conflicted.findings[0].scope, 'ancestor Gateway gateway/shared (https)')
  t.is(conflicted.findings[0].loss, 'BackendTrafficPolicy team-a/web is NOT in effect: HTTPRoute team-a/web is served WITHOUT its timeouts, retries, rate limits, body-size limits and load balancing from limit-rps, proxy-read-timeout')
  t.regex(conflicted.findings[0].fix, /^another BackendTrafficPolicy already targets the same object/)
  const sp = {...btp(ancestor([cond('Accepted', 'False', 'Invalid', 1, 'invalid SecurityPolicy: ...')])), kind: 'SecurityPolicy'}
  t.regex(statusOf([sp], 'SecurityPolicy', 'web').findings[0].loss!, /answers HTTP 500 on the route when the policy failed in translation, and serves the route WITHOUT its authentication/)
  // Overridden by a more specific policy is expected: a warning, the policy is ready.
  const over = statusOf([btp(ancestor([cond('Accepted', 'True', 'Accepted'), cond('Overridden', 'True', 'Overridden', 1, 'This policy is being overridden by other backendTrafficPolicy for route team-a/web')]))], 'BackendTrafficPolicy', 'web')
  t.is(over.state, 'ready')
  t.deepEqual(over.findings.map((f) => f.level), ['warning'])
})

test('a policy without status: not ready when its target is known not to exist (nothing applies it), unknown otherwise', (t) => {
  const gone = statusOf([btp(undefined, 'old')], 'BackendTrafficPolicy', 'web', {missing: new Set(['HTTPRoute/team-a/old'])})
  t.is(gone.state, 'not-ready')
  t.regex(gone.findings[0].fix, /^its target HTTPRoute team-a\/old does not exist, so Envoy Gateway writes no status and applies nothing/)
  t.truthy(gone.findings[0].loss)
  t.is(statusOf([btp()], 'BackendTrafficPolicy', 'web').state, 'unknown')
  const waiting = statusOf([btp(), rejected('NotAllowedByListeners', '')], 'BackendTrafficPolicy', 'web')
  t.is(waiting.state, 'unknown')
  t.is(waiting.findings[0].fix, 'its target HTTPRoute team-a/web is not accepted by any Gateway yet (see that route): the policy gets a status once it is')
})

test('Backend: the condition Envoy Gateway v1.9 writes with type and reason swapped counts as refused', (t) => {
  const b = (conditions: Record<string, any>[]) => ({apiVersion: EG_API, kind: 'Backend', metadata: {name: 'api', namespace: 'team-a', labels: {...MANAGED}, generation: 1}, spec: {}, status: {conditions}})
  // computeBackendAcceptedCondition: newCondition(string(BackendReasonInvalid) /* type */, False, string(BackendConditionAccepted) /* reason */, msg)
  const refused = statusOf([b([{type: 'Invalid', status: 'False', reason: 'Accepted', message: 'unix domain sockets are not supported', observedGeneration: 1}])], 'Backend', 'api')
  t.is(refused.state, 'not-ready')
  t.is(statusOf([b([cond('Accepted', 'True', 'Accepted')])], 'Backend', 'api').state, 'ready')
  t.is(statusOf([b([])], 'Backend', 'api').state, 'unknown')
})

function certificate(conditions?: Record<string, any>[]): Record<string, any> {
  return {
    apiVersion: 'cert-manager.io/v1',
    kind: 'Certificate',
    metadata: {name: 'web-tls', namespace: 'gateway', labels: {...MANAGED}, generation: 1},
    spec: {secretName: 'web-tls', dnsNames: ['web.example.com'], issuerRef: {kind: 'ClusterIssuer', name: 'letsencrypt'}},
    ...(conditions ? {status: {conditions}} : {}),
  }
}

function challenge(state: string, viaGateway = true): Record<string, any> {
  return {
    apiVersion: 'acme.cert-manager.io/v1',
    kind: 'Challenge',
    metadata: {name: 'web-tls-1-2934820-1129385', namespace: 'gateway'},
    spec: {dnsName: 'web.example.com', type: 'HTTP-01', solver: {http01: viaGateway ? {gatewayHTTPRoute: {parentRefs: [{name: 'shared'}]}} : {ingress: {}}}},
    status: {state, presented: true, processing: true, reason: state === 'invalid' ? 'Error accepting authorization: acme: authorization error for web.example.com: 404' : ''},
  }
}

test('Certificates: Ready, issuing with the pending HTTP-01 challenge through the Gateway, failed issuance; Issuers', (t) => {
  t.is(statusOf([certificate([cond('Ready', 'True', 'Ready')])], 'Certificate', 'web-tls').state, 'ready')
  t.is(statusOf([certificate()], 'Certificate', 'web-tls').state, 'unknown')
  const issuing = statusOf(
    [certificate([cond('Ready', 'False', 'DoesNotExist', 1, 'Issuing certificate as Secret does not exist'), cond('Issuing', 'True', 'DoesNotExist', 1, 'Issuing certificate as Secret does not exist')]), challenge('pending')],
    'Certificate',
    'web-tls',
  )
  t.is(issuing.state, 'not-ready')
  t.deepEqual(issuing.findings.map((f) => f.scope ?? f.condition), ['Ready=False (DoesNotExist)', 'Issuing=True (DoesNotExist)', 'challenge web.example.com (HTTP-01)'])
  t.regex(issuing.findings[0].fix, /^Secret gateway\/web-tls does not hold a certificate yet: until it does, HTTPS for these names fails on the Gateway/)
  t.regex(issuing.findings[2].fix, /while DNS still points at ingress-nginx the Gateway's solver route cannot answer; copy the existing certificate Secret first/)
  const failed = statusOf(
    [certificate([cond('Ready', 'False', 'DoesNotExist'), cond('Issuing', 'False', 'Failed', 1, 'The certificate request has failed to complete and will be retried: ...')]), challenge('invalid', false)],
    'Certificate',
    'web-tls',
  )
  t.regex(failed.findings[1].fix, /^the last issuance failed; cert-manager retries with backoff/)
  t.regex(failed.findings[2].fix, /^the ACME validation of web\.example\.com failed \(invalid\)/)
  t.is(failed.findings[2].message, 'Error accepting authorization: acme: authorization error for web.example.com: 404')
  const issuer = {apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: {name: 'letsencrypt', labels: {...MANAGED}, generation: 1}, spec: {}, status: {conditions: [cond('Ready', 'False', 'ErrRegisterACMEAccount', 1, 'Failed to register ACME account')]}}
  const i = statusOf([issuer], 'ClusterIssuer', 'letsencrypt')
  t.is(i.state, 'not-ready')
  t.is(buildStatusReport(input([issuer])).namespaces[0].namespace, '', 'cluster-scoped objects are grouped apart')
})

test('kinds without status are not listed; an unreadable kind keeps the exit status at not ready', (t) => {
  const grant = {apiVersion: 'gateway.networking.k8s.io/v1beta1', kind: 'ReferenceGrant', metadata: {name: 'g', namespace: 'team-b', labels: {...MANAGED}}, spec: {}}
  const r = buildStatusReport(input([...base(), grant]))
  t.deepEqual(r.namespaces.map((n) => n.namespace), ['gateway'])
  t.true(allReady(r))
  t.false(allReady(buildStatusReport(input(base(), {notChecked: ['securitypolicies.gateway.envoyproxy.io in namespace team-a: forbidden: ...']}))))
  t.false(allReady(buildStatusReport(input([]))), 'nothing found is not "all ready"')
})

test('RouteRulesOverlap (Envoy Gateway v1.9 checkRouteOverlaps) warns that only one of the routes serves the requests', (t) => {
  const overlap = route({parents: [parentStatus([...accepted(), cond('RouteRulesOverlap', 'True', 'RouteRulesOverlap', 1, 'Overlapping match conditions with route(s): HTTPRoute team-b/web')])]})
  const s = statusOf([...base(), overlap], 'HTTPRoute', 'web')
  t.is(s.state, 'ready', 'the route is served; the overlap is a warning')
  t.deepEqual(s.findings.map((f) => [f.level, f.condition, f.message]), [['warning', 'RouteRulesOverlap=True (RouteRulesOverlap)', 'Overlapping match conditions with route(s): HTTPRoute team-b/web']])
  t.regex(s.findings[0].fix, /only one of them serves them: the oldest by creationTimestamp, then by namespace\/name/)
})

test('listener and policy reasons as Envoy Gateway v1.9 writes them: UnsupportedProtocol, InvalidRouteKinds, TargetNotFound', (t) => {
  // listener.go validateListenerSpec: Accepted=False/UnsupportedProtocol for a protocol outside HTTP, HTTPS, TLS, TCP, UDP.
  const gw = gateway({listenerStatuses: [listenerStatus('http'), {name: 'https', attachedRoutes: 0, supportedKinds: [], conditions: [cond('Accepted', 'False', 'UnsupportedProtocol', 1, 'Protocol QUIC is unsupported, must be HTTP, HTTPS, TCP or UDP.'), cond('ResolvedRefs', 'True', 'ResolvedRefs'), cond('Programmed', 'False', 'Invalid', 1, 'Listener is invalid, see other Conditions for details.')]}]})
  const g = statusOf([gw, gatewayClass(), route({parents: [parentStatus(accepted())]})], 'Gateway', 'shared')
  t.deepEqual(g.findings.map((f) => [f.scope, f.condition]), [['listener https', 'Accepted=False (UnsupportedProtocol)']], 'Programmed=False/Invalid only repeats it')
  t.is(g.findings[0].fix, 'Envoy Gateway serves only HTTP, HTTPS, TLS, TCP and UDP listeners: change the listener protocol')
  // validate.go validateAllowedRoutes: ResolvedRefs=False/InvalidRouteKinds, and validateListenerConditions then
  // writes Programmed=False/Invalid but no Accepted (EG testdata gateway-with-listener-with-invalid-allowed-routes-kind):
  // the missing Accepted is not reported as a controller that has not run.
  const kinds = gateway({listenerStatuses: [listenerStatus('http'), {name: 'https', attachedRoutes: 0, supportedKinds: [], conditions: [cond('ResolvedRefs', 'False', 'InvalidRouteKinds', 1, 'TCPRoute is not supported, kind must be one of [HTTPRoute GRPCRoute]'), cond('Programmed', 'False', 'Invalid', 1, 'Listener is invalid, see other Conditions for details.')]}]})
  const k = statusOf([kinds, gatewayClass(), route({parents: [parentStatus(accepted())]})], 'Gateway', 'shared')
  t.deepEqual(k.findings.map((f) => [f.level, f.condition]), [['not-ready', 'ResolvedRefs=False (InvalidRouteKinds)']])
  t.regex(k.findings[0].fix, /^allowedRoutes\.kinds names a route kind this listener protocol cannot carry \(HTTP\/HTTPS: HTTPRoute, GRPCRoute;/)
  // validate.go validateRouteRuleSectionName: the route exists, the rule name the policy targets does not.
  const p = statusOf([btp(ancestor([cond('Accepted', 'False', 'TargetNotFound', 1, 'No section name slow found for HTTPRoute team-a/web')]))], 'BackendTrafficPolicy', 'web')
  t.is(p.state, 'not-ready')
  t.regex(p.findings[0].fix, /^the sectionName it targets \(a listener of the Gateway, or a rule name of the route\) does not exist on the target/)
  t.truthy(p.findings[0].loss)
})

test('cert-manager: Issuing=False/Issued (server-side apply after a success) is no failed issuance; a wildcard Challenge belongs to *.name', (t) => {
  // issuing_controller.go updateOrApplyStatus writes Issuing=False/Issued after a successful issuance.
  const renewed = statusOf([certificate([cond('Ready', 'False', 'RequestChanged', 1, 'Fields on existing CertificateRequest resource not up to date: [spec.dnsNames]'), cond('Issuing', 'False', 'Issued', 1, 'The certificate has been successfully issued')])], 'Certificate', 'web-tls')
  t.deepEqual(renewed.findings.map((f) => f.condition), ['Ready=False (RequestChanged)'])
  // types_challenge.go: dnsName is example.com for *.example.com, with wildcard: true.
  const wild = certificate([cond('Ready', 'False', 'DoesNotExist'), cond('Issuing', 'True', 'DoesNotExist')])
  wild.spec.dnsNames = ['*.example.com']
  const ch = {...challenge('pending', false), spec: {dnsName: 'example.com', wildcard: true, type: 'DNS-01', solver: {dns01: {}}}}
  const plain = {...challenge('pending', false), metadata: {name: 'apex', namespace: 'gateway'}, spec: {dnsName: 'example.com', type: 'HTTP-01', solver: {http01: {ingress: {}}}}}
  const w = statusOf([wild, ch, plain], 'Certificate', 'web-tls')
  t.deepEqual(w.findings.map((f) => f.scope ?? f.condition), ['Ready=False (DoesNotExist)', 'Issuing=True (DoesNotExist)', 'challenge *.example.com (DNS-01)'], 'the challenge for example.com itself belongs to another Certificate')
})
