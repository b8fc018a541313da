/**
 * The in-place cutover plan (pure): the patch and its rollback, and every refusal and warning, from the facts the
 * command reads. Expected values are reasoned from the sources named in src/cutover/plan.ts and checks.ts.
 */
import test from 'ava'
import {blockingRefusals, planCutover} from '../src/cutover/plan.js'
import {applyJsonPatch} from './support/fake-apiserver.js'
import type {CutoverFacts} from '../src/cutover/model.js'
import type {KubeObject} from '../src/model/types.js'
import {
  admissionService,
  clientTrafficPolicy,
  controllerConfigMap,
  ENVOY_SELECTOR,
  envoyService,
  gateway,
  listenerStatus,
  NGINX_SELECTOR,
  nginxService,
} from './support/cutover-fixtures.js'

function live(o: Record<string, any>, rv = '1042'): KubeObject {
  return {...o, metadata: {...o.metadata, uid: `uid-${o.metadata.name}`, resourceVersion: rv}} as KubeObject
}

function facts(over: Partial<CutoverFacts> = {}): CutoverFacts {
  return {
    service: live(nginxService({keep: true})),
    gatewayRef: {namespace: 'gateway', name: 'shared'},
    gateway: live(gateway()),
    envoyServices: [live(envoyService())],
    clientTrafficPolicies: [],
    controllerConfigMap: live(controllerConfigMap()),
    siblings: [live(admissionService())],
    force: false,
    ...over,
  }
}

const codes = (f: CutoverFacts) => planCutover(f).refusals.map((r) => r.code)

test('the patch replaces the selector by the Envoy Service\'s and each targetPort by the Envoy Service\'s port for it, guarded by uid, resourceVersion and port tests', (t) => {
  const plan = planCutover(facts())
  t.deepEqual(plan.refusals, [])
  t.deepEqual(plan.patch, [
    {op: 'test', path: '/metadata/uid', value: 'uid-ingress-nginx-controller'},
    {op: 'test', path: '/metadata/resourceVersion', value: '1042'},
    {op: 'test', path: '/spec/ports/0/port', value: 80},
    {op: 'test', path: '/spec/ports/1/port', value: 443},
    {op: 'replace', path: '/spec/selector', value: ENVOY_SELECTOR},
    {op: 'replace', path: '/spec/ports/0/targetPort', value: 10080},
    {op: 'replace', path: '/spec/ports/1/targetPort', value: 10443},
  ])
  // The rollback checks that the Service is as the cutover leaves it, then puts back what was there.
  t.deepEqual(plan.rollback, [
    {op: 'test', path: '/metadata/uid', value: 'uid-ingress-nginx-controller'},
    {op: 'test', path: '/spec/selector', value: ENVOY_SELECTOR},
    {op: 'test', path: '/spec/ports/0/port', value: 80},
    {op: 'test', path: '/spec/ports/0/targetPort', value: 10080},
    {op: 'test', path: '/spec/ports/1/port', value: 443},
    {op: 'test', path: '/spec/ports/1/targetPort', value: 10443},
    {op: 'replace', path: '/spec/selector', value: NGINX_SELECTOR},
    {op: 'replace', path: '/spec/ports/0/targetPort', value: 'http'},
    {op: 'replace', path: '/spec/ports/1/targetPort', value: 'https'},
  ])
  // Applied in turn to the Service, the two patches give back the same object, field for field.
  const svc = live(nginxService({keep: true}))
  const after = applyJsonPatch(svc as any, plan.patch as any)
  t.deepEqual(after.spec.selector, ENVOY_SELECTOR)
  t.deepEqual(after.spec.ports.map((p: any) => [p.port, p.targetPort, p.nodePort, p.name]), [[80, 10080, 30080, 'http'], [443, 10443, 30443, 'https']])
  t.deepEqual(applyJsonPatch(after, plan.rollback as any), svc)
  // The admission webhook Service selects the same pods: named, not changed.
  t.true(plan.warnings.some((w) => w.includes('ingress-nginx/ingress-nginx-controller-admission also selects the ingress-nginx pods')))
})

test('targetPorts are read from the Envoy Service, not assumed: a Gateway on 8080/8443 maps to what Envoy Gateway chose', (t) => {
  const gw = gateway({listeners: [{name: 'web', port: 8080, protocol: 'HTTP'}, {name: 'tls', port: 8443, protocol: 'HTTPS'}]})
  const envoy = envoyService({ports: [{name: 'http-8080', port: 8080, protocol: 'TCP', targetPort: 8080}, {name: 'https-8443', port: 8443, protocol: 'TCP', targetPort: 8443}]})
  const svc = nginxService({keep: true, ports: [{name: 'http', port: 8080, protocol: 'TCP', targetPort: 'http'}, {name: 'https', port: 8443, protocol: 'TCP', targetPort: 'https'}]})
  const plan = planCutover(facts({service: live(svc), gateway: live(gw), envoyServices: [live(envoy)]}))
  t.deepEqual(plan.refusals, [])
  t.deepEqual(plan.ports.map((m) => [m.port, m.from, m.to, m.listener]), [[8080, 'http', 8080, 'web'], [8443, 'https', 8443, 'tls']])
})

test('refusals: no Gateway, Gateway not programmed, no Envoy Service, several, another namespace, a port without listener', (t) => {
  t.deepEqual(codes(facts({gateway: undefined})), ['gateway-not-found'])
  const notProgrammed = planCutover(facts({gateway: live(gateway({programmed: false}))}))
  t.deepEqual(notProgrammed.refusals.map((r) => r.code), ['gateway-not-programmed'])
  t.regex(notProgrammed.refusals[0].message, /Programmed=False, AddressNotAssigned: No addresses have been assigned/)
  // Not reconciled at all (the CRD's Pending defaults): the listeners have no status either.
  t.deepEqual(codes(facts({gateway: live(gateway({programmed: 'absent'}))})), ['gateway-not-programmed', 'listener-not-programmed', 'listener-not-programmed'])
  // A Programmed condition for an older generation says nothing about the current spec.
  const stale = gateway({generation: 2})
  stale.status.conditions[1].observedGeneration = 1
  t.deepEqual(codes(facts({gateway: live(stale)})), ['gateway-not-programmed'])

  t.deepEqual(codes(facts({envoyServices: []})), ['envoy-service-not-found'])
  const other = {...envoyService(), metadata: {...envoyService().metadata, name: 'envoy-other'}}
  t.deepEqual(codes(facts({envoyServices: [live(envoyService()), live(other)]})), ['envoy-service-ambiguous'])
  const elsewhere = planCutover(facts({envoyServices: [live(envoyService({namespace: 'envoy-gateway-system'}))]}))
  t.deepEqual(elsewhere.refusals.map((r) => r.code), ['envoy-other-namespace'])
  t.regex(elsewhere.refusals[0].message, /a Service selects pods of its own namespace only/)
  t.deepEqual(elsewhere.patch, [])

  // The Service also exposes 5432 (a tcp-services entry) but the Gateway has no listener there.
  const withDb = nginxService({keep: true, ports: [...nginxService().spec.ports, {name: '5432-tcp', port: 5432, protocol: 'TCP', targetPort: '5432-tcp'}]})
  const noListener = planCutover(facts({service: live(withDb)}))
  t.deepEqual(noListener.refusals.map((r) => r.code), ['port-without-listener'])
  t.regex(noListener.refusals[0].message, /port 5432\/TCP \(5432-tcp\) of the Service has no listener on Gateway gateway\/shared \(its listeners: http HTTP\/80, https HTTPS\/443\)/)
  t.deepEqual(noListener.patch, [], 'no patch when a port cannot move')
})

test('a listener that is not programmed, or a port the Envoy Service lacks, refuses that port', (t) => {
  const gw = gateway({listenerStatuses: [listenerStatus('http'), listenerStatus('https', false)]})
  t.deepEqual(codes(facts({gateway: live(gw)})), ['listener-not-programmed'])
  const envoy = envoyService({ports: [{name: 'http-80', port: 80, protocol: 'TCP', targetPort: 10080}]})
  t.deepEqual(codes(facts({envoyServices: [live(envoy)]})), ['port-not-on-envoy-service'])
})

test('a Service without selector is refused before anything else', (t) => {
  const svc = nginxService({keep: true})
  delete svc.spec.selector
  t.deepEqual(codes(facts({service: live(svc)})), ['no-selector'])
})

test('Helm: without helm.sh/resource-policy: keep refused (overridable), with it a reminder about the stored manifest; helm upgrade reverts either way', (t) => {
  const plan = planCutover(facts({service: live(nginxService({keep: false}))}))
  t.deepEqual(plan.refusals.map((r) => [r.code, r.overridable]), [['helm-without-keep', true]])
  const msg = plan.refusals[0].message
  t.regex(msg, /belongs to Helm release ingress-nginx \(namespace ingress-nginx\)/)
  t.regex(msg, /helm uninstall ingress-nginx would delete it, and with it the load balancer/)
  t.regex(msg, /can only see the live Service \(the release record is a Secret, which it never reads\)/)
  t.regex(msg, /--set-string 'controller\.service\.annotations\.helm\\\.sh\/resource-policy=keep'/)
  t.deepEqual(blockingRefusals(plan, true), [], '--force overrides it')
  t.true(plan.patch.length > 0, 'the patch is still computed for review')

  const kept = planCutover(facts())
  t.deepEqual(kept.refusals, [])
  t.true(kept.warnings.some((w) => /honours it only when the release's stored manifest has it too \(helm get manifest ingress-nginx -n ingress-nginx/.test(w)))
  t.true(kept.warnings.some((w) => /helm upgrade of release ingress-nginx puts the chart's selector and targetPorts back/.test(w)))

  // Detected by the meta.helm.sh annotation alone too (Helm 3.2+ adoption), and not at all without Helm's marks.
  const annotatedOnly = nginxService({helm: false, annotations: {'meta.helm.sh/release-name': 'edge', 'meta.helm.sh/release-namespace': 'ingress-nginx'}})
  t.regex(planCutover(facts({service: live(annotatedOnly)})).refusals[0].message, /Helm release edge/)
  t.deepEqual(codes(facts({service: live(nginxService({helm: false}))})), [])
})

test('PROXY protocol: the load balancer and the Gateway must agree on every HTTP(S) listener', (t) => {
  const sends = live(controllerConfigMap({'use-proxy-protocol': 'true'}))
  const gwWide = live(clientTrafficPolicy({proxyProtocol: {}}))
  // nginx expected PROXY headers (so the LB sends them); the Gateway does not: every connection would fail.
  const missing = planCutover(facts({controllerConfigMap: sends}))
  t.deepEqual(missing.refusals.map((r) => [r.code, r.overridable]), [['proxy-protocol-mismatch', true], ['proxy-protocol-mismatch', true]])
  t.regex(missing.refusals[0].message, /port 80: the load balancer sends PROXY protocol headers \(ConfigMap ingress-nginx\/ingress-nginx-controller sets use-proxy-protocol: "true"\) but listener http does not expect PROXY headers/)
  // A Gateway-wide ClientTrafficPolicy with proxyProtocol covers both listeners.
  t.deepEqual(codes(facts({controllerConfigMap: sends, clientTrafficPolicies: [gwWide]})), [])
  // A listener-level policy without it replaces the Gateway-wide one for that listener (ProcessClientTrafficPolicies order).
  const httpsOwn = live(clientTrafficPolicy({name: 'shared-client-https', sectionName: 'https'}))
  const partial = planCutover(facts({controllerConfigMap: sends, clientTrafficPolicies: [gwWide, httpsOwn]}))
  t.deepEqual(partial.refusals.map((r) => r.message.slice(0, 8)), ['port 443'])
  // A refused (Conflicted) policy is not in effect.
  t.deepEqual(codes(facts({controllerConfigMap: sends, clientTrafficPolicies: [live(clientTrafficPolicy({proxyProtocol: {}, accepted: false}))]})), ['proxy-protocol-mismatch', 'proxy-protocol-mismatch'])
  // The deprecated enableProxyProtocol counts as required.
  t.deepEqual(codes(facts({controllerConfigMap: sends, clientTrafficPolicies: [live(clientTrafficPolicy({enableProxyProtocol: true}))]})), [])

  // The other way: nginx served without PROXY, the Gateway requires it.
  const requires = planCutover(facts({clientTrafficPolicies: [gwWide]}))
  t.deepEqual(requires.refusals.map((r) => r.code), ['proxy-protocol-mismatch', 'proxy-protocol-mismatch'])
  t.regex(requires.refusals[0].message, /does not send PROXY protocol headers \(ConfigMap ingress-nginx\/ingress-nginx-controller does not turn use-proxy-protocol on/)
  // optional: true accepts both.
  t.deepEqual(codes(facts({clientTrafficPolicies: [live(clientTrafficPolicy({proxyProtocol: {optional: true}}))]})), [])
  // A cloud annotation says the LB sends it, even without the ConfigMap.
  const aws = nginxService({keep: true, annotations: {'service.beta.kubernetes.io/aws-load-balancer-proxy-protocol': '*'}})
  t.regex(planCutover(facts({service: live(aws), controllerConfigMap: undefined})).refusals[0].message, /the Service annotation service\.beta\.kubernetes\.io\/aws-load-balancer-proxy-protocol: "\*"/)
  // Without the ConfigMap and without an annotation, nothing is known: a warning, not a refusal.
  const unknown = planCutover(facts({controllerConfigMap: undefined}))
  t.deepEqual(unknown.refusals, [])
  t.true(unknown.warnings.some((w) => /port 80: the ingress-nginx controller ConfigMap was not found/.test(w)))
})

test('warnings: externalTrafficPolicy Local, GitOps owners, listeners the Service does not expose', (t) => {
  const local = planCutover(facts({service: live(nginxService({keep: true, etp: 'Local'}))}))
  t.true(local.warnings.some((w) => /externalTrafficPolicy: Local: .* health checks on healthCheckNodePort 31522/.test(w)))
  const argo = planCutover(facts({service: live(nginxService({keep: true, annotations: {'argocd.argoproj.io/tracking-id': 'ingress-nginx:/Service:ingress-nginx/ingress-nginx-controller'}}))}))
  t.true(argo.warnings.some((w) => /^Argo CD \(ingress-nginx\) manages Service ingress-nginx\/ingress-nginx-controller/.test(w)))
  const onlyHttp = nginxService({keep: true, ports: [{name: 'http', port: 80, protocol: 'TCP', targetPort: 'http'}]})
  const partial = planCutover(facts({service: live(onlyHttp)}))
  t.deepEqual(partial.refusals, [])
  t.true(partial.warnings.some((w) => w.startsWith('listener https (HTTPS 443) is not exposed by Service ingress-nginx/ingress-nginx-controller')))
})

test('a Service that already selects the Envoy pods with their ports needs nothing', (t) => {
  const svc = nginxService({keep: true})
  svc.spec.selector = {...ENVOY_SELECTOR}
  svc.spec.ports[0].targetPort = 10080
  svc.spec.ports[1].targetPort = 10443
  const plan = planCutover(facts({service: live(svc)}))
  t.true(plan.alreadyCutOver)
  t.false(planCutover(facts()).alreadyCutOver)
})

test('PROXY protocol: a side that could not be read refuses (overridable), it is not assumed absent', (t) => {
  // src/cutover/plan.ts proxyProtocolChecks: a forbidden ConfigMap or ClientTrafficPolicy list used to count as
  // "not found" / "none": a warning (ConfigMap) or a silent pass (policies) where every connection may fail.
  const cmDenied = planCutover(facts({controllerConfigMap: undefined, controllerConfigMapError: 'reading the ingress-nginx controller ConfigMap ingress-nginx/ingress-nginx-controller is forbidden'}))
  t.deepEqual(cmDenied.refusals.map((r) => [r.code, r.overridable]), [['proxy-protocol-unknown', true], ['proxy-protocol-unknown', true]])
  t.regex(cmDenied.refusals[0].message, /^port 80: reading the ingress-nginx controller ConfigMap ingress-nginx\/ingress-nginx-controller is forbidden: cannot tell whether the load balancer sends PROXY protocol headers/)
  t.deepEqual(blockingRefusals(cmDenied, true), [])
  // A cloud annotation still answers the LB side; an optional policy accepts both, so nothing is unknown.
  const aws = live(nginxService({keep: true, annotations: {'service.beta.kubernetes.io/aws-load-balancer-proxy-protocol': '*'}}))
  t.deepEqual(codes(facts({service: aws, controllerConfigMap: undefined, controllerConfigMapError: 'forbidden'})), ['proxy-protocol-mismatch', 'proxy-protocol-mismatch'])
  t.deepEqual(codes(facts({controllerConfigMap: undefined, controllerConfigMapError: 'forbidden', clientTrafficPolicies: [live(clientTrafficPolicy({proxyProtocol: {optional: true}}))]})), [])
  // nginx served without PROXY (ConfigMap read), but the Gateway's policies could not be listed: one of them may require it.
  const ctpDenied = planCutover(facts({clientTrafficPoliciesError: 'listing the ClientTrafficPolicies of namespace gateway failed (forbidden: no)'}))
  t.deepEqual(codes(facts({clientTrafficPoliciesError: 'x'})), ['proxy-protocol-unknown', 'proxy-protocol-unknown'])
  t.regex(ctpDenied.refusals[0].message, /^port 80: listing the ClientTrafficPolicies of namespace gateway failed \(forbidden: no\): cannot tell whether listener http expects PROXY protocol headers, while the load balancer does not send them/)
})

test('PROXY protocol: a TLS passthrough listener is checked too (ingress-nginx decodes PROXY on its passthrough port)', (t) => {
  // ingress-nginx internal/ingress/controller/nginx.go setupSSLProxy wraps the ssl-passthrough listener in
  // proxyproto.Listener when use-proxy-protocol is on; Envoy Gateway internal/gatewayapi/clienttrafficpolicy.go
  // translateClientTrafficPolicyForListener sets tcpIR.ProxyProtocol for TLS/TCP listeners as for HTTP ones.
  const tlsGateway = live(
    gateway({
      listeners: [
        {name: 'http', port: 80, protocol: 'HTTP'},
        {name: 'passthrough', port: 443, protocol: 'TLS', tls: {mode: 'Passthrough'}},
      ],
    }),
  )
  const sends = live(controllerConfigMap({'use-proxy-protocol': 'true'}))
  const plan = planCutover(facts({gateway: tlsGateway, controllerConfigMap: sends}))
  t.deepEqual(plan.refusals.map((r) => r.message.slice(0, 8)), ['port 80:', 'port 443'])
  t.regex(plan.refusals[1].message, /but listener passthrough does not expect PROXY headers/)
  t.deepEqual(codes(facts({gateway: tlsGateway, controllerConfigMap: sends, clientTrafficPolicies: [live(clientTrafficPolicy({proxyProtocol: {}}))]})), [])
})

test('PROXY protocol from cloud annotations: Linode "none" is off; AWS NLB target-group attribute proxy_protocol_v2.enabled=true is on', (t) => {
  // src/cutover/checks.ts lbSendsProxyProtocol, without a controller ConfigMap to ask. Linode's
  // service.beta.kubernetes.io/linode-loadbalancer-proxy-protocol takes none|v1|v2; the AWS load balancer controller
  // turns PROXY v2 on with the target-group attribute proxy_protocol_v2.enabled=true.
  const linodeOff = live(nginxService({keep: true, annotations: {'service.beta.kubernetes.io/linode-loadbalancer-proxy-protocol': 'none'}}))
  t.deepEqual(codes(facts({service: linodeOff, controllerConfigMap: undefined})), [])
  const awsNlb = live(nginxService({keep: true, annotations: {'service.beta.kubernetes.io/aws-load-balancer-target-group-attributes': 'deregistration_delay.timeout_seconds=30,proxy_protocol_v2.enabled=true'}}))
  const plan = planCutover(facts({service: awsNlb, controllerConfigMap: undefined}))
  t.deepEqual(plan.refusals.map((r) => r.code), ['proxy-protocol-mismatch', 'proxy-protocol-mismatch'])
  t.regex(plan.refusals[0].message, /aws-load-balancer-target-group-attributes: "deregistration_delay\.timeout_seconds=30,proxy_protocol_v2\.enabled=true"/)
  const awsOff = live(nginxService({keep: true, annotations: {'service.beta.kubernetes.io/aws-load-balancer-target-group-attributes': 'proxy_protocol_v2.enabled=false'}}))
  t.deepEqual(planCutover(facts({service: awsOff, controllerConfigMap: undefined})).refusals, [])
})

test('PROXY protocol: a ClientTrafficPolicy that selects the Gateway by label (targetSelectors) counts Gateway-wide', (t) => {
  // Envoy Gateway v1.9 internal/gatewayapi/helpers.go resolvePolicyTargetsFromSelectors: a targetSelector of kind
  // Gateway whose matchLabels/matchExpressions match the Gateway's labels targets it as a whole (no sectionName).
  // src/cutover/proxy-protocol.ts gatewayExpectsProxyProtocol used to read targetRefs only: the Gateway requiring
  // PROXY headers went unseen, and nginx's LB sends none.
  const bySelector = (selector: Record<string, unknown>, name = 'by-label') => {
    const ctp = clientTrafficPolicy({name, proxyProtocol: {}})
    ctp.spec.targetRefs = undefined
    ctp.spec.targetSelectors = [{kind: 'Gateway', ...selector}]
    return live(ctp)
  }
  // The Gateway fixture carries app.kubernetes.io/managed-by: ingress2gw.
  t.deepEqual(codes(facts({clientTrafficPolicies: [bySelector({matchLabels: {'app.kubernetes.io/managed-by': 'ingress2gw'}})]})), ['proxy-protocol-mismatch', 'proxy-protocol-mismatch'])
  t.deepEqual(codes(facts({clientTrafficPolicies: [bySelector({matchExpressions: [{key: 'app.kubernetes.io/managed-by', operator: 'In', values: ['ingress2gw']}]})]})), ['proxy-protocol-mismatch', 'proxy-protocol-mismatch'])
  // Not matching: another label value, NotIn, another kind or group.
  t.deepEqual(codes(facts({clientTrafficPolicies: [bySelector({matchLabels: {'app.kubernetes.io/managed-by': 'helm'}})]})), [])
  t.deepEqual(codes(facts({clientTrafficPolicies: [bySelector({matchExpressions: [{key: 'app.kubernetes.io/managed-by', operator: 'NotIn', values: ['ingress2gw']}]})]})), [])
  t.deepEqual(codes(facts({clientTrafficPolicies: [bySelector({group: 'example.com', matchLabels: {}})]})), [])
  // A listener-level targetRef still wins over a Gateway-wide selector for its listener.
  const httpOwn = live(clientTrafficPolicy({name: 'http-own', sectionName: 'http'}))
  const partial = planCutover(facts({clientTrafficPolicies: [httpOwn, bySelector({matchLabels: {'app.kubernetes.io/managed-by': 'ingress2gw'}}, 'x')]}))
  t.deepEqual(partial.refusals.map((r) => r.message.slice(0, 8)), ['port 443'])
})
