/**
 * Discovery-driven output: whatever needs a CRD the cluster does not serve becomes a diagnostic, not an object
 * that would fail at apply time. File input (no discovery) keeps everything.
 */
import test from 'ava'
import {failOnMessage} from '../src/cli/fail-on.js'
import {buildReport} from '../src/output/migration-report/index.js'
import {translate} from '../src/translate/index.js'
import {DEFAULT_CAPABILITIES, type KubeObject, type TargetCapabilities} from '../src/model/types.js'

const P = 'nginx.ingress.kubernetes.io/'
const ingress = (name: string, annotations: Record<string, string>): KubeObject => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: {name, namespace: 'apps', annotations: Object.fromEntries(Object.entries(annotations).map(([k, v]) => [P + k, v]))},
  spec: {ingressClassName: 'nginx', rules: [{host: `${name}.example.com`, http: {paths: [{path: '/', pathType: 'Prefix', backend: {service: {name, port: {number: 80}}}}]}}]},
})
const objects = [
  ingress('web', {'proxy-read-timeout': '120'}),
  ingress('rpc', {'backend-protocol': 'GRPC'}),
].map((object) => ({object, source: {cluster: true}}))
const kinds = (o: KubeObject[]) => [...new Set(o.map((x) => x.kind))].sort()
// The defaults already serve every kind but TCP/UDP routes; ReferenceGrant v1 as a Gateway API >= 1.5 cluster.
const all: TargetCapabilities = {...DEFAULT_CAPABILITIES, referenceGrantVersion: 'v1', tcpRoute: true, udpRoute: true}

test('a cluster serving everything gets every object', (t) => {
  const r = translate({objects, capabilities: all})
  t.deepEqual(kinds(r.objects), ['BackendTrafficPolicy', 'GRPCRoute', 'HTTPRoute'])
  t.false(r.diagnostics.some((d) => d.code === 'target-lacks-crd'))
})

test('without Envoy Gateway CRDs or GRPCRoute, those objects are left out with one warning per kind', (t) => {
  const r = translate({objects, capabilities: {...all, envoyGateway: false, grpcRoute: false}})
  t.deepEqual(kinds(r.objects), ['HTTPRoute'])
  const warnings = r.diagnostics.filter((d) => d.code === 'target-lacks-crd')
  t.deepEqual(warnings.map((d) => d.message.split(' ').slice(0, 2).join(' ')).sort(), ['1 GRPCRoute', '2 BackendTrafficPolicy'])
  t.regex(warnings.find((d) => d.message.includes('BackendTrafficPolicy'))!.message, /apps\/rpc, apps\/web|apps\/web, apps\/rpc/)
})

test('file input has no discovery: nothing is dropped', (t) => {
  const r = translate({objects})
  t.deepEqual(kinds(r.objects), ['BackendTrafficPolicy', 'GRPCRoute', 'HTTPRoute'])
})

test('ReferenceGrant version follows discovery', (t) => {
  const tls = {
    ...ingress('secure', {}),
    spec: {...ingress('secure', {}).spec, tls: [{hosts: ['secure.example.com'], secretName: 'secure-tls'}]},
  }
  const v1 = translate({objects: [{object: tls, source: {cluster: true}}], capabilities: all})
  t.is(v1.objects.find((o) => o.kind === 'ReferenceGrant')?.apiVersion, 'gateway.networking.k8s.io/v1')
  const beta = translate({objects: [{object: tls, source: {cluster: true}}], capabilities: {...all, referenceGrantVersion: 'v1beta1'}})
  t.is(beta.objects.find((o) => o.kind === 'ReferenceGrant')?.apiVersion, 'gateway.networking.k8s.io/v1beta1')
})

// The object that carries an annotation is left out: the annotation is not applied on that cluster, so its fidelity
// cannot stay exact, and a `report --fail-on approximate` gate must trip on it.
test('an annotation whose policy the cluster cannot take becomes manual and trips --fail-on approximate', (t) => {
  const snapshot = {objects: [{object: ingress('slow', {'proxy-connect-timeout': '30'}), source: {cluster: true}}], capabilities: {...all, envoyGateway: false}}
  const r = translate(snapshot)
  t.false(r.objects.some((o) => o.kind === 'BackendTrafficPolicy'))
  const key = `${P}proxy-connect-timeout`
  t.is(r.ingresses[0]!.annotations[key], 'manual')
  const d = r.diagnostics.find((x) => x.code === 'annotation-needs-crd')
  t.truthy(d)
  t.is(d!.object, 'Ingress apps/slow')
  t.is(d!.annotation, key)
  t.is(d!.fidelity, 'manual')
  t.regex(d!.message, /BackendTrafficPolicy apps\/slow/)
  const report = buildReport(r, {snapshot})
  t.is(report.ingresses[0]!.status, 'manual')
  t.regex(failOnMessage(report, 'approximate') ?? '', /apps\/slow \(manual\)/)
  // The same Ingress on a cluster that serves Envoy Gateway: exact, and the gate passes.
  const served = translate({...snapshot, capabilities: all})
  t.is(served.ingresses[0]!.annotations[key], 'exact')
  t.is(failOnMessage(buildReport(served, {snapshot}), 'approximate'), undefined)
})

test('an annotation carried by a kept object as well as a dropped one keeps its kind of loss named once per Ingress', (t) => {
  // backend-protocol GRPC: the GRPCRoute (dropped) and the BackendTrafficPolicy lifting its 15s default (dropped too).
  const r = translate({objects, capabilities: {...all, envoyGateway: false, grpcRoute: false}})
  const rpc = r.ingresses.find((i) => i.ingress === 'apps/rpc')!
  t.is(rpc.annotations[`${P}backend-protocol`], 'manual')
  t.is(rpc.status, 'skipped')
  const web = r.ingresses.find((i) => i.ingress === 'apps/web')!
  t.is(web.annotations[`${P}proxy-read-timeout`], 'manual')
  t.is(r.diagnostics.filter((d) => d.code === 'annotation-needs-crd' && d.object === 'Ingress apps/rpc').length, 1)
})

// The controller ConfigMap's Gateway-level policies (ClientTrafficPolicy, the --nginx-defaults BackendTrafficPolicy)
// are Envoy Gateway objects too: on a cluster without those CRDs they are left out, so the keys they carried are not
// applied and cannot stay exact in the report's ConfigMap table, and `--fail-on approximate` must trip on them.
test('controller ConfigMap keys whose Gateway-level policies are left out become manual', (t) => {
  const cm: KubeObject = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {name: 'ingress-nginx-controller', namespace: 'ingress-nginx'},
    data: {'use-forwarded-headers': 'true', 'proxy-connect-timeout': '7'},
  }
  const snapshot = {
    objects: [{object: ingress('plain', {}), source: {cluster: true}}, {object: cm, source: {cluster: true}}],
    capabilities: {...all, envoyGateway: false},
    spansCluster: true,
  }
  const options = {emitGateway: true as const, nginxDefaults: true}
  const served = translate({...snapshot, capabilities: all}, options)
  t.true(served.objects.some((o) => o.kind === 'ClientTrafficPolicy'))
  // use-forwarded-headers is approximate even where served (client-ip.ts says why); neither is manual there.
  t.is(served.configMapKeys?.[0]?.keys['use-forwarded-headers'], 'approximate')
  t.is(served.configMapKeys?.[0]?.keys['proxy-connect-timeout'], 'exact')
  const r = translate(snapshot, options)
  t.false(r.objects.some((o) => o.kind === 'ClientTrafficPolicy' || o.kind === 'BackendTrafficPolicy'))
  t.is(r.configMapKeys?.[0]?.keys['use-forwarded-headers'], 'manual')
  t.is(r.configMapKeys?.[0]?.keys['proxy-connect-timeout'], 'manual')
  const d = r.diagnostics.find((x) => x.code === 'annotation-needs-crd' && x.annotation === 'use-forwarded-headers')
  t.is(d?.object, 'ConfigMap ingress-nginx/ingress-nginx-controller')
  t.is(d?.fidelity, 'manual')
  t.regex(failOnMessage(buildReport(r, {snapshot}), 'approximate') ?? '', /ConfigMap key use-forwarded-headers \(manual\)/)
})

// The records carry the ConfigMap keys as data (configmap/context.ts emitObject): the Lua EnvoyExtensionPolicy of
// block-user-agents (configmap/header-blocks.ts) and the EnvoyProxy that keeps the load balancer sending PROXY
// headers (bundle/envoy-proxy.ts serviceTraits) are left out without the Envoy Gateway CRDs, and say so by name.
test('ConfigMap keys carried by the header-block EnvoyExtensionPolicy and the EnvoyProxy become manual when left out', (t) => {
  const cm: KubeObject = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {name: 'ingress-nginx-controller', namespace: 'ingress-nginx'},
    data: {'block-user-agents': '~*curl', 'use-proxy-protocol': 'true'},
  }
  const service: KubeObject = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: 'ingress-nginx-controller',
      namespace: 'ingress-nginx',
      labels: {'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller'},
      annotations: {'service.beta.kubernetes.io/aws-load-balancer-proxy-protocol': '*'},
    },
    spec: {type: 'LoadBalancer', ports: [{name: 'http', port: 80, targetPort: 'http'}, {name: 'https', port: 443, targetPort: 'https'}]},
  }
  const snapshot = {
    objects: [ingress('plain', {}), cm, service].map((object) => ({object, source: {cluster: true}})),
    capabilities: {...all, envoyGateway: false},
    spansCluster: true,
  }
  const options = {emitGateway: true as const, nginxDefaults: true}
  const served = translate({...snapshot, capabilities: all}, options)
  t.true(served.objects.some((o) => o.kind === 'EnvoyExtensionPolicy'))
  t.true(served.objects.some((o) => o.kind === 'EnvoyProxy'))
  t.not(served.configMapKeys?.[0]?.keys['block-user-agents'], 'manual')
  t.not(served.configMapKeys?.[0]?.keys['use-proxy-protocol'], 'manual')
  const r = translate(snapshot, options)
  t.false(r.objects.some((o) => o.kind === 'EnvoyExtensionPolicy' || o.kind === 'EnvoyProxy'))
  t.is(r.configMapKeys?.[0]?.keys['block-user-agents'], 'manual')
  t.is(r.configMapKeys?.[0]?.keys['use-proxy-protocol'], 'manual')
  const lost = (key: string) => r.diagnostics.find((x) => x.code === 'annotation-needs-crd' && x.annotation === key)?.message ?? ''
  t.regex(lost('block-user-agents'), /EnvoyExtensionPolicy gateway\/shared-defaults/)
  t.regex(lost('use-proxy-protocol'), /EnvoyProxy gateway\//)
  t.regex(lost('use-proxy-protocol'), /ClientTrafficPolicy/)
})

// auth-tls-* live in the host listener's ClientTrafficPolicy (https-listeners.ts hostListenerTraffic): without the
// Envoy Gateway CRDs that policy is left out, the listener then accepts any client, so the keys cannot stay exact.
test('client-certificate keys whose listener ClientTrafficPolicy is left out become manual', (t) => {
  const pay: KubeObject = {
    ...ingress('pay', {'auth-tls-secret': 'apps/client-ca', 'auth-tls-verify-client': 'on'}),
  }
  pay.spec = {...pay.spec, tls: [{hosts: ['pay.example.com'], secretName: 'pay-tls'}]}
  const snapshot = {objects: [{object: pay, source: {cluster: true}}], capabilities: {...all, envoyGateway: false}, spansCluster: true}
  const served = translate({...snapshot, capabilities: all}, {emitGateway: true})
  t.true(served.objects.some((o) => o.kind === 'ClientTrafficPolicy' && o.spec.tls?.clientValidation))
  // approximate where served (verify "on" headers come from Envoy's format strings); not manual.
  t.is(served.ingresses[0]!.annotations[`${P}auth-tls-secret`], 'approximate')
  const r = translate(snapshot, {emitGateway: true})
  t.false(r.objects.some((o) => o.kind === 'ClientTrafficPolicy'))
  t.is(r.ingresses[0]!.annotations[`${P}auth-tls-secret`], 'manual')
  t.is(r.ingresses[0]!.annotations[`${P}auth-tls-verify-client`], 'manual')
  t.regex(failOnMessage(buildReport(r, {snapshot}), 'approximate') ?? '', /apps\/pay \(manual\)/)
  // Fail closed: the route on that listener is withheld, not published to every client (nginx refused them).
  const onListener = (o: KubeObject) => o.kind === 'HTTPRoute' && (o.spec.parentRefs ?? []).some((p: any) => p.sectionName === 'https-pay-example-com')
  t.true(served.objects.some(onListener), 'served: the route attaches to the host listener')
  t.false(r.objects.some(onListener))
  t.is(r.diagnostics.filter((d) => d.code === 'route-withheld-client-certificates' && d.level === 'error').length, served.objects.filter(onListener).length)
})
