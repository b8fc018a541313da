/**
 * The data plane read from a live cluster (the fake API server): IngressClasses -> the controller Deployments'
 * --controller-class / --ingress-class / --configmap args -> the Services selecting their pods, in two controller
 * namespaces, then one EnvoyProxy per Gateway from its own controller's Service and ConfigMap. Services are only read.
 */
import test from 'ava'
import {readCluster} from '../src/sources/cluster.js'
import {translate} from '../src/translate/index.js'
import {FakeApiServer} from './support/fake-apiserver.js'
import {ingress, tempDir} from './support/cluster-helpers.js'

function controllerDeployment(namespace: string, name: string, args: string[]) {
  const labels = {'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/instance': name, 'app.kubernetes.io/component': 'controller'}
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {name, namespace},
    spec: {
      selector: {matchLabels: labels},
      template: {metadata: {labels}, spec: {containers: [{name: 'controller', image: 'registry.k8s.io/ingress-nginx/controller:v1.15.1', args: ['/nginx-ingress-controller', ...args], env: [{name: 'POD_NAMESPACE', valueFrom: {fieldRef: {fieldPath: 'metadata.namespace'}}}]}]}},
    },
  }
}

function controllerService(namespace: string, instance: string, annotations: Record<string, string>) {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {name: `${instance}-controller`, namespace, labels: {'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller'}, annotations},
    spec: {type: 'LoadBalancer', selector: {'app.kubernetes.io/instance': instance, 'app.kubernetes.io/component': 'controller'}, ports: [{name: 'http', port: 80}]},
  }
}

test('-A: controllers in two namespaces, their Services and the ConfigMaps their args name are read; each Gateway gets its own EnvoyProxy', async (t) => {
  const s = await FakeApiServer.start({token: 'tok'})
  t.teardown(() => s.close())
  const dir = tempDir(t)
  const kubeconfig = s.writeKubeconfig(dir, {namespace: 'default'})
  s.seed([
    {apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: {name: 'nginx'}, spec: {controller: 'k8s.io/ingress-nginx'}},
    {apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: {name: 'internal'}, spec: {controller: 'k8s.io/ingress-nginx-internal'}},
    controllerDeployment('ingress-nginx', 'ingress-nginx', ['--controller-class=k8s.io/ingress-nginx', '--ingress-class=nginx', '--configmap=$(POD_NAMESPACE)/ingress-nginx-controller']),
    // The internal controller lives in a namespace of its own, found through its chart-labelled Service.
    controllerDeployment('ingress-internal', 'ingress-internal', ['--controller-class=k8s.io/ingress-nginx-internal', '--ingress-class=internal', '--configmap=$(POD_NAMESPACE)/internal-settings']),
    controllerService('ingress-nginx', 'ingress-nginx', {'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb'}),
    controllerService('ingress-internal', 'ingress-internal', {'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb', 'service.beta.kubernetes.io/aws-load-balancer-internal': 'true'}),
    {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'ingress-nginx-controller', namespace: 'ingress-nginx'}, data: {'use-forwarded-headers': 'true'}},
    {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'internal-settings', namespace: 'ingress-internal'}, data: {'use-proxy-protocol': 'true'}},
    {...ingress('web', 'shop', {host: 'shop.example.com'}), spec: {...ingress('web', 'shop', {host: 'shop.example.com'}).spec, ingressClassName: 'nginx'}},
    {...ingress('corp', 'wiki', {host: 'wiki.corp.example.com'}), spec: {...ingress('corp', 'wiki', {host: 'wiki.corp.example.com'}).spec, ingressClassName: 'internal'}},
  ])
  const gatewayFor = {internal: {namespace: 'gateway-internal', name: 'internal'}}
  const read = await readCluster({kubeconfig, allNamespaces: true, gateways: [{namespace: 'gateway', name: 'shared'}, gatewayFor.internal], env: {HOME: dir}})
  const paths = s.requests.map((q) => q.path)
  for (const ns of ['ingress-nginx', 'ingress-internal']) {
    t.true(paths.includes(`/apis/apps/v1/namespaces/${ns}/deployments`), `lists the Deployments of ${ns}`)
  }
  t.true(paths.includes('/api/v1/namespaces/ingress-internal/configmaps/internal-settings'), 'reads the ConfigMap the internal controller names')
  t.false(s.requests.some((q) => q.method !== 'GET'), 'only reads')
  t.deepEqual(read.diagnostics, [])

  const r = translate({objects: read.objects, capabilities: read.capabilities, spansCluster: true}, {gatewayFor, ingressClasses: ['nginx', 'internal'], clientIp: 'auto'})
  const proxies = r.objects.filter((o) => o.kind === 'EnvoyProxy')
  t.deepEqual(
    proxies.map((p) => [p.metadata.namespace, p.metadata.annotations?.['ingress2gw.io/source'], p.spec.provider.kubernetes.envoyService.annotations['service.beta.kubernetes.io/aws-load-balancer-internal']]),
    [
      ['gateway', 'Service ingress-nginx/ingress-nginx-controller', undefined],
      ['gateway-internal', 'Service ingress-internal/ingress-internal-controller', 'true'],
    ],
  )
  const ctp = (ns: string) => r.objects.find((o) => o.kind === 'ClientTrafficPolicy' && o.metadata.namespace === ns && !o.spec.targetRefs[0].sectionName)!
  t.truthy(ctp('gateway').spec.clientIPDetection, 'the public Gateway trusts forwarded headers, as its controller did')
  t.is(ctp('gateway').spec.proxyProtocol, undefined)
  t.deepEqual(ctp('gateway-internal').spec.proxyProtocol, {}, 'the internal Gateway expects PROXY headers, as its controller did')
  // The internal load balancer does not send PROXY headers: the mismatch is reported on that Gateway only.
  t.deepEqual(r.diagnostics.filter((d) => d.code === 'data-plane-proxy-protocol-mismatch').map((d) => d.object), ['Gateway gateway-internal/internal'])
})
