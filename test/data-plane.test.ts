/**
 * The data plane (issue 8): the ingress-nginx controller Service -> EnvoyProxy on each Gateway, the controller
 * workloads' args (controller-workloads.ts), per-controller ConfigMaps, and the security checks (internal stays
 * internal, PROXY protocol consistent, source ranges carried). Envoy Gateway behaviour is cited from
 * internal/infrastructure/kubernetes/resource/resource.go ExpectedServiceSpec and the EnvoyProxy CRD's CEL rules.
 */
import test from 'ava'
import {envoyProxyFromService, serviceTraits} from '../src/translate/bundle/envoy-proxy.js'
import {findControllerWorkloads, parsePerClassRefs} from '../src/translate/controller-workloads.js'
import {translate} from '../src/translate/index.js'
import type {KubeObject, TranslateOptions} from '../src/model/types.js'
import {loadValidator, type Validator} from './support/conformance.js'

let validator: Validator
test.before(async () => {
  validator = await loadValidator({channel: 'standard'})
})

const ingressClass = (name: string, controller: string): KubeObject => ({apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: {name}, spec: {controller}})

function controller(namespace: string, name: string, args: string[], labels: Record<string, string> = {app: name}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {name, namespace},
    spec: {
      selector: {matchLabels: labels},
      template: {
        metadata: {labels},
        spec: {containers: [{name: 'controller', image: 'registry.k8s.io/ingress-nginx/controller:v1.15.1', args: ['/nginx-ingress-controller', ...args], env: [{name: 'POD_NAMESPACE', valueFrom: {fieldRef: {fieldPath: 'metadata.namespace'}}}]}]},
      },
    },
  }
}

function lbService(namespace: string, name: string, selector: Record<string, string>, annotations: Record<string, string> = {}, spec: Record<string, unknown> = {}): KubeObject {
  return {apiVersion: 'v1', kind: 'Service', metadata: {name, namespace, annotations}, spec: {type: 'LoadBalancer', selector, ports: [{name: 'http', port: 80}], ...spec}}
}

function ing(namespace: string, name: string, className: string, host: string, annotations: Record<string, string> = {}): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {name, namespace, annotations},
    spec: {ingressClassName: className, rules: [{host, http: {paths: [{path: '/', pathType: 'Prefix', backend: {service: {name: 'app', port: {number: 80}}}}]}}]},
  }
}

const configMap = (namespace: string, name: string, data: Record<string, string>): KubeObject => ({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name, namespace}, data})

function run(objects: KubeObject[], options: Partial<TranslateOptions> = {}) {
  return translate({objects: objects.map((object, i) => ({object, source: {file: 'in.yaml', line: i + 1}}))}, {emitGateway: true, ...options})
}

const proxies = (objects: KubeObject[]) => objects.filter((o) => o.kind === 'EnvoyProxy')
const gateway = (objects: KubeObject[], name: string) => objects.find((o) => o.kind === 'Gateway' && o.metadata.name === name)!

test('controller args: --flag=value and --flag value, $(POD_NAMESPACE) from the downward API, the defaults of absent flags', (t) => {
  const [a, b] = findControllerWorkloads([
    controller('edge', 'a', ['--configmap=$(POD_NAMESPACE)/nginx', '--ingress-class', 'public', '--publish-service', 'edge/a-lb']),
    controller('edge', 'b', ['--controller-class=example.com/internal', '--tcp-services-configmap=$(OTHER)/tcp']),
    {apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'web', namespace: 'edge'}, spec: {template: {spec: {containers: [{name: 'web', image: 'nginx:1.27', args: ['--port', '80']}]}}}},
  ])
  t.like(a, {ref: 'Deployment edge/a', controllerClass: 'k8s.io/ingress-nginx', ingressClass: 'public', configMap: 'edge/nginx', publishService: 'edge/a-lb', tcpServicesConfigMap: undefined})
  // cmd/nginx/flags.go: --ingress-class defaults to nginx; an unset variable is left as written (Kubernetes does so).
  t.like(b, {controllerClass: 'example.com/internal', ingressClass: 'nginx', configMap: undefined, tcpServicesConfigMap: '$(OTHER)/tcp'})
  t.deepEqual(b.unresolved, ['--tcp-services-configmap=$(OTHER)/tcp'])
})

test('every internal-load-balancer annotation stays on the EnvoyProxy, so an internal load balancer never becomes public', (t) => {
  const samples: Record<string, string> = {
    'service.beta.kubernetes.io/aws-load-balancer-internal': 'true',
    'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internal',
    'networking.gke.io/load-balancer-type': 'Internal',
    'cloud.google.com/load-balancer-type': 'Internal',
    'service.beta.kubernetes.io/azure-load-balancer-internal': 'true',
    'service.beta.kubernetes.io/oci-load-balancer-internal': 'true',
    'service.beta.kubernetes.io/openstack-internal-load-balancer': 'true',
    'service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type': 'intranet',
    'service.kubernetes.io/ibm-load-balancer-cloud-provider-ip-type': 'private',
  }
  for (const [key, value] of Object.entries(samples)) {
    const plan = envoyProxyFromService(lbService('ingress-nginx', 'c', {app: 'c'}, {[key]: value, 'meta.helm.sh/release-name': 'x'}), {namespace: 'gateway', name: 'shared'})
    const kept = plan.object.spec.provider!.kubernetes!.envoyService!.annotations!
    t.is(kept[key], value, key)
    // The copy is internal for the same reason (other keys of the provider may be written out beside it).
    t.true(serviceTraits(kept).internal.length > 0, key)
    t.deepEqual(serviceTraits({[key]: value}).internal, [key])
    t.is((kept as Record<string, string | undefined>)['meta.helm.sh/release-name'], undefined)
    t.deepEqual(validator.validate(plan.object), [])
  }
  // aws-load-balancer-internal: "false" is a public load balancer (in-tree provider: only "false" turns it off).
  t.deepEqual(serviceTraits({'service.beta.kubernetes.io/aws-load-balancer-internal': 'false'}).internal, [])
})

test('the envoyService fields follow ExpectedServiceSpec and the CRD CEL: LoadBalancer-only fields stay off a NodePort Service', (t) => {
  const lb = envoyProxyFromService(lbService('n', 's', {a: 'b'}, {}, {loadBalancerSourceRanges: ['10.0.0.0/8'], loadBalancerClass: 'example.com/lb', allocateLoadBalancerNodePorts: false}), {namespace: 'g', name: 'gw'})
  // Kubernetes' default Cluster is written, because Envoy Gateway's default is Local.
  t.deepEqual(lb.object.spec.provider!.kubernetes!.envoyService!, {type: 'LoadBalancer', externalTrafficPolicy: 'Cluster', loadBalancerClass: 'example.com/lb', allocateLoadBalancerNodePorts: false, loadBalancerSourceRanges: ['10.0.0.0/8']})
  t.deepEqual(validator.validate(lb.object), [])
  const np = envoyProxyFromService(lbService('n', 's', {a: 'b'}, {}, {type: 'NodePort', externalTrafficPolicy: 'Local', loadBalancerSourceRanges: ['10.0.0.0/8'], loadBalancerIP: '10.1.1.1'}), {namespace: 'g', name: 'gw'})
  t.deepEqual(np.object.spec.provider!.kubernetes!.envoyService!, {type: 'NodePort', externalTrafficPolicy: 'Local'})
  t.deepEqual(validator.validate(np.object), [])
  const dual = envoyProxyFromService(lbService('n', 's', {a: 'b'}, {}, {ipFamilyPolicy: 'RequireDualStack', ipFamilies: ['IPv4', 'IPv6']}), {namespace: 'g', name: 'gw'})
  t.is(dual.object.spec.ipFamily, 'DualStack')
})

test('a PROXY-protocol load balancer whose ConfigMap does not turn use-proxy-protocol on is an error (apply refuses to run with errors); --client-ip proxy-protocol agrees', (t) => {
  const objects = [
    controller('ingress-nginx', 'ctl', ['--configmap=$(POD_NAMESPACE)/ctl']),
    lbService('ingress-nginx', 'ctl', {app: 'ctl'}, {'service.beta.kubernetes.io/aws-load-balancer-proxy-protocol': '*'}),
    configMap('ingress-nginx', 'ctl', {}),
    ing('web', 'app', 'nginx', 'app.example.com'),
  ]
  const r = run(objects)
  const e = r.diagnostics.find((d) => d.code === 'data-plane-proxy-protocol-mismatch')
  t.like(e, {level: 'error', object: 'Gateway gateway/shared'})
  t.is(proxies(r.objects)[0].spec.provider.kubernetes.envoyService.annotations['service.beta.kubernetes.io/aws-load-balancer-proxy-protocol'], '*')
  const fixed = run(objects, {clientIp: 'proxy-protocol'})
  t.false(fixed.diagnostics.some((d) => d.code === 'data-plane-proxy-protocol-mismatch'))
  t.truthy(fixed.diagnostics.find((d) => d.code === 'data-plane-proxy-protocol'))
})

test('two Services select one controller: the published one is repeated; without --publish-service no EnvoyProxy is guessed', (t) => {
  const objects = (publish: string[]) => [
    controller('ingress-nginx', 'ctl', publish),
    lbService('ingress-nginx', 'ctl', {app: 'ctl'}),
    lbService('ingress-nginx', 'ctl-internal', {app: 'ctl'}, {'service.beta.kubernetes.io/azure-load-balancer-internal': 'true'}),
    ing('web', 'app', 'nginx', 'app.example.com'),
  ]
  const published = run(objects(['--publish-service=$(POD_NAMESPACE)/ctl']))
  t.is(proxies(published.objects)[0].metadata.annotations?.['ingress2gw.io/source'], 'Service ingress-nginx/ctl')
  t.like(published.diagnostics.find((d) => d.code === 'controller-several-services'), {level: 'warning'})
  const unknown = run(objects([]))
  // Neither is guessed: the Envoy Service is ClusterIP, never Envoy Gateway's default public LoadBalancer.
  t.deepEqual(proxies(unknown.objects).map((p) => p.spec.provider.kubernetes.envoyService), [{type: 'ClusterIP'}])
  t.like(unknown.diagnostics.find((d) => d.code === 'controller-several-services'), {level: 'error'})
  t.is(unknown.diagnostics.find((d) => d.code === 'controller-service-unknown'), undefined)
  t.deepEqual(gateway(unknown.objects, 'shared').spec.infrastructure, {parametersRef: {group: 'gateway.envoyproxy.io', kind: 'EnvoyProxy', name: 'shared-proxy'}})
})

test('two controllers on one Gateway (no --gateway-for): the internal load balancer wins and the error says why', (t) => {
  const r = run([
    ingressClass('public', 'k8s.io/ingress-nginx'),
    ingressClass('private', 'example.com/private'),
    controller('ingress-nginx', 'pub', ['--ingress-class=public']),
    controller('ingress-private', 'priv', ['--controller-class=example.com/private', '--ingress-class=private']),
    lbService('ingress-nginx', 'pub', {app: 'pub'}),
    lbService('ingress-private', 'priv', {app: 'priv'}, {'networking.gke.io/load-balancer-type': 'Internal'}),
    ing('web', 'a', 'public', 'a.example.com'),
    ing('corp', 'b', 'private', 'b.corp.example.com'),
  ], {ingressClasses: ['public', 'private']})
  const ep = proxies(r.objects)
  t.is(ep.length, 1)
  t.is(ep[0].spec.provider.kubernetes.envoyService.annotations['networking.gke.io/load-balancer-type'], 'Internal')
  t.like(r.diagnostics.find((d) => d.code === 'gateway-several-controller-services'), {level: 'error'})
})

test('--controller-service naming a Service the input lacks is an error and the Envoy Service is ClusterIP; the plain form speaks for the default Gateway only', (t) => {
  const missing = run([ing('web', 'app', 'nginx', 'app.example.com')], {controllerService: 'ingress-nginx/gone'})
  t.like(missing.diagnostics.find((d) => d.code === 'controller-service-not-found'), {level: 'error'})
  t.deepEqual(proxies(missing.objects).map((p) => p.spec.provider.kubernetes.envoyService), [{type: 'ClusterIP'}])
  const objects = [
    ing('web', 'app', 'nginx', 'app.example.com'),
    ing('corp', 'wiki', 'internal', 'wiki.corp.example.com'),
    lbService('ingress-nginx', 'public', {app: 'x'}),
    lbService('ingress-internal', 'internal', {app: 'y'}, {'service.beta.kubernetes.io/aws-load-balancer-internal': 'true'}),
  ]
  const r = run(objects, {controllerService: 'ingress-nginx/public', controllerServiceFor: {internal: 'ingress-internal/internal'}, gatewayFor: {internal: {namespace: 'gw-internal', name: 'internal'}}, ingressClasses: ['nginx', 'internal']})
  const byNs = new Map(proxies(r.objects).map((p) => [p.metadata.namespace, p.metadata.annotations?.['ingress2gw.io/source']]))
  t.deepEqual([...byNs], [['gateway', 'Service ingress-nginx/public'], ['gw-internal', 'Service ingress-internal/internal']])
  t.deepEqual(gateway(r.objects, 'internal').spec.infrastructure, {parametersRef: {group: 'gateway.envoyproxy.io', kind: 'EnvoyProxy', name: 'internal-proxy'}})
  // Without the CLASS= form, the internal Gateway does not take the default controller's Service.
  const plainOnly = run(objects, {controllerService: 'ingress-nginx/public', gatewayFor: {internal: {namespace: 'gw-internal', name: 'internal'}}, ingressClasses: ['nginx', 'internal']})
  t.deepEqual(proxies(plainOnly.objects).map((p) => [p.metadata.namespace, p.spec.provider.kubernetes.envoyService.type]), [['gateway', 'LoadBalancer'], ['gw-internal', 'ClusterIP']])
  t.like(plainOnly.diagnostics.find((d) => d.code === 'controller-service-unknown'), {object: 'Gateway gw-internal/internal', level: 'warning'})
})

test('each Gateway takes its ConfigMap from its own controller: one class\'s use-forwarded-headers never reaches another class\'s Gateway', (t) => {
  const objects = [
    ing('web', 'app', 'nginx', 'app.example.com'),
    ing('corp', 'wiki', 'internal', 'wiki.corp.example.com'),
    configMap('ingress-nginx', 'ingress-nginx-controller', {'use-forwarded-headers': 'true'}),
    configMap('ingress-internal', 'settings', {'use-proxy-protocol': 'true'}),
  ]
  const base = {gatewayFor: {internal: {namespace: 'gw-internal', name: 'internal'}}, ingressClasses: ['nginx', 'internal']}
  const ctp = (r: ReturnType<typeof run>, ns: string) => r.objects.find((o) => o.kind === 'ClientTrafficPolicy' && o.metadata.namespace === ns && !o.spec.targetRefs[0].sectionName)!
  // Usual names speak for the default Gateway only; the internal one has nothing known: nginx defaults.
  const usual = run(objects, base)
  t.truthy(ctp(usual, 'gateway').spec.clientIPDetection)
  t.is(ctp(usual, 'gw-internal').spec.clientIPDetection, undefined)
  t.is(ctp(usual, 'gw-internal').spec.proxyProtocol, undefined)
  const perClass = run(objects, {...base, controllerConfigMapFor: {internal: 'ingress-internal/settings'}})
  t.deepEqual(ctp(perClass, 'gw-internal').spec.proxyProtocol, {})
  t.is(ctp(perClass, 'gateway').spec.proxyProtocol, undefined)
  // The controller's --configmap arg does the same without a flag.
  const fromArgs = run([...objects, ingressClass('internal', 'example.com/internal'), controller('ingress-internal', 'ctl', ['--controller-class=example.com/internal', '--ingress-class=internal', '--configmap=$(POD_NAMESPACE)/settings'])], base)
  t.deepEqual(ctp(fromArgs, 'gw-internal').spec.proxyProtocol, {})
})

test('a controller without --configmap ran on nginx defaults, even when a ConfigMap with the usual name exists', (t) => {
  const r = run([
    controller('ingress-nginx', 'ctl', []),
    configMap('ingress-nginx', 'ingress-nginx-controller', {'use-forwarded-headers': 'true'}),
    ing('web', 'app', 'nginx', 'app.example.com'),
  ])
  const ctp = r.objects.find((o) => o.kind === 'ClientTrafficPolicy' && !o.spec.targetRefs[0].sectionName)
  t.is(ctp?.spec.clientIPDetection, undefined)
})

test('a live Gateway that references another EnvoyProxy keeps it, with an error naming what to merge', (t) => {
  const live: KubeObject = {apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: {name: 'shared', namespace: 'gateway'}, spec: {gatewayClassName: 'eg', infrastructure: {parametersRef: {group: 'gateway.envoyproxy.io', kind: 'EnvoyProxy', name: 'platform'}}, listeners: []}}
  const r = run([live, lbService('ingress-nginx', 'ctl', {app: 'ctl'}), ing('web', 'app', 'nginx', 'app.example.com')], {controllerService: 'ingress-nginx/ctl'})
  t.is(gateway(r.objects, 'shared').spec.infrastructure.parametersRef.name, 'platform')
  t.like(r.diagnostics.find((d) => d.code === 'gateway-parameters-ref-kept'), {level: 'error'})
})

test('without the gateway bundle no EnvoyProxy is emitted; the checklist says which run generates it', (t) => {
  const r = run([lbService('ingress-nginx', 'ctl', {app: 'ctl'}), ing('web', 'app', 'nginx', 'app.example.com')], {emitGateway: false, controllerService: 'ingress-nginx/ctl'})
  t.deepEqual(proxies(r.objects), [])
  t.true(r.checklist.some((l) => l.includes('generates EnvoyProxy gateway/shared-proxy from Service ingress-nginx/ctl')))
})

test('--controller-service / --controller-configmap values: NS/NAME or CLASS=NS/NAME, one plain value', (t) => {
  t.deepEqual(parsePerClassRefs(['a/b', 'internal=c/d'], 'controller-service'), {byClass: {internal: 'c/d'}, plain: 'a/b'})
  t.throws(() => parsePerClassRefs(['internal=nope'], 'controller-service'), {message: /--controller-service expects NAMESPACE\/NAME or CLASS=NAMESPACE\/NAME, got "internal=nope"/})
  t.throws(() => parsePerClassRefs(['a/b', 'c/d'], 'controller-configmap'), {message: /given twice/})
})

test('a DaemonSet controller on hostNetwork: its Service is still found, and the node ports it served are a manual step', (t) => {
  const ds = {...controller('ingress-nginx', 'ctl', []), kind: 'DaemonSet'}
  ds.spec.template.spec.hostNetwork = true
  const r = run([ds, lbService('ingress-nginx', 'ctl', {app: 'ctl'}), ing('web', 'app', 'nginx', 'app.example.com')])
  t.is(proxies(r.objects).length, 1)
  t.like(r.diagnostics.find((d) => d.code === 'controller-host-network'), {object: 'DaemonSet ingress-nginx/ctl', fidelity: 'manual'})
})

test('the AWS Load Balancer Controller makes internal NLBs when no scheme is given: such a Service counts as internal', (t) => {
  t.deepEqual(serviceTraits({}, 'service.k8s.aws/nlb').internal.length, 1)
  // pkg/service/service_utils.go checkAWSLoadBalancerTypeAnnotation: type external is the controller's only with an nlb-target-type.
  const external = {'service.beta.kubernetes.io/aws-load-balancer-type': 'external', 'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type': 'ip'}
  t.deepEqual(serviceTraits(external).internal.length, 1)
  t.deepEqual(serviceTraits({...external, 'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internet-facing'}).internal, [])
  // The in-tree provider (type nlb) defaults to internet-facing.
  t.deepEqual(serviceTraits({'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb'}).internal, [])
})

test('a --gateway-for class without an IngressClass object or a controller of its own in the input never borrows the default controller\'s Service or ConfigMap', (t) => {
  const r = run(
    [
      controller('ingress-nginx', 'ctl', ['--configmap=$(POD_NAMESPACE)/ctl']),
      lbService('ingress-nginx', 'ctl', {app: 'ctl'}),
      configMap('ingress-nginx', 'ctl', {'use-forwarded-headers': 'true'}),
      ing('web', 'app', 'nginx', 'app.example.com'),
      ing('corp', 'wiki', 'internal', 'wiki.corp.example.com'),
    ],
    {gatewayFor: {internal: {namespace: 'gw-internal', name: 'internal'}}, ingressClasses: ['nginx', 'internal']},
  )
  t.deepEqual(proxies(r.objects).map((p) => [p.metadata.namespace, p.spec.provider.kubernetes.envoyService.type]), [['gateway', 'LoadBalancer'], ['gw-internal', 'ClusterIP']])
  t.like(r.diagnostics.find((d) => d.code === 'controller-service-unknown'), {object: 'Gateway gw-internal/internal'})
  const internalCtp = r.objects.find((o) => o.kind === 'ClientTrafficPolicy' && o.metadata.namespace === 'gw-internal' && !o.spec.targetRefs[0].sectionName)
  t.is(internalCtp?.spec.clientIPDetection, undefined)
})

test('the chart-labelled Service of another class\'s controller is never taken for the default Gateway', (t) => {
  const labels = {'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller'}
  const internalSvc = lbService('ingress-internal', 'internal', {app: 'internal'}, {'service.beta.kubernetes.io/aws-load-balancer-internal': 'true'})
  internalSvc.metadata.labels = labels
  const r = run(
    [
      ingressClass('internal', 'example.com/internal'),
      controller('ingress-internal', 'internal', ['--controller-class=example.com/internal', '--ingress-class=internal']),
      internalSvc,
      ing('web', 'app', 'nginx', 'app.example.com'),
      ing('corp', 'wiki', 'internal', 'wiki.corp.example.com'),
    ],
    {gatewayFor: {internal: {namespace: 'gw-internal', name: 'internal'}}, ingressClasses: ['nginx', 'internal']},
  )
  t.deepEqual(proxies(r.objects).map((p) => [p.metadata.namespace, p.spec.provider.kubernetes.envoyService.type]), [['gateway', 'ClusterIP'], ['gw-internal', 'LoadBalancer']])
  t.like(r.diagnostics.find((d) => d.code === 'controller-service-unknown'), {object: 'Gateway gateway/shared'})
})

test('each Ingress is admitted by its own controller\'s ConfigMap: a configuration-snippet the other class\'s controller refused is not served, on separate Gateways or on one', (t) => {
  // annotations/serving.ts: configuration-snippet is a Critical annotation; parser.CheckAnnotationRisk refuses it
  // under the default annotations-risk-level High, and controller.go dropSnippetDirectives needs
  // allow-snippet-annotations. Only the internal controller's ConfigMap allows both.
  const snippet = {'nginx.ingress.kubernetes.io/configuration-snippet': 'more_set_headers "X-Team: a";'}
  const objects = [
    ingressClass('nginx', 'k8s.io/ingress-nginx'),
    ingressClass('internal', 'example.com/internal'),
    controller('ingress-nginx', 'pub', ['--configmap=$(POD_NAMESPACE)/pub-settings']),
    controller('ingress-internal', 'priv', ['--controller-class=example.com/internal', '--ingress-class=internal', '--configmap=$(POD_NAMESPACE)/priv-settings']),
    configMap('ingress-nginx', 'pub-settings', {}),
    configMap('ingress-internal', 'priv-settings', {'allow-snippet-annotations': 'true', 'annotations-risk-level': 'Critical'}),
    ing('web', 'app', 'nginx', 'app.example.com', snippet),
    ing('corp', 'wiki', 'internal', 'wiki.corp.example.com', snippet),
  ]
  const status = (r: ReturnType<typeof run>) => Object.fromEntries(r.ingresses.map((i) => [i.ingress, i.status]))
  const routes = (r: ReturnType<typeof run>) => r.objects.filter((o) => o.kind === 'HTTPRoute' && o.metadata.namespace !== 'gateway' && o.metadata.namespace !== 'gw-internal').map((o) => `${o.metadata.namespace}/${o.metadata.name}`)
  const separate = run(objects, {gatewayFor: {internal: {namespace: 'gw-internal', name: 'internal'}}, ingressClasses: ['nginx', 'internal']})
  t.deepEqual(status(separate), {'corp/wiki': 'converted', 'web/app': 'not-served'})
  t.like(separate.diagnostics.find((d) => d.code === 'ingress-not-served'), {object: 'Ingress web/app', annotation: 'nginx.ingress.kubernetes.io/configuration-snippet'})
  t.false(separate.diagnostics.some((d) => d.object === 'Ingress corp/wiki' && (d.code === 'ingress-not-served' || d.code === 'snippet-not-allowed')))
  t.deepEqual(routes(separate), ['corp/wiki'])
  // One Gateway for both classes: the Gateway-wide settings come from one ConfigMap (a warning says which), but
  // each Ingress is still admitted by its own controller's.
  const shared = run(objects, {ingressClasses: ['nginx', 'internal']})
  t.deepEqual(status(shared), {'corp/wiki': 'converted', 'web/app': 'not-served'})
  t.regex(shared.diagnostics.find((d) => d.code === 'gateway-several-controller-configmaps')!.message, /each Ingress keeps its own controller's for whether nginx served it/)
  t.deepEqual(routes(shared), ['corp/wiki'])
  // The other way round: only the default controller allows them.
  const swapped = run(
    objects.map((o) => (o.kind === 'ConfigMap' ? {...o, data: o.metadata.name === 'pub-settings' ? {'allow-snippet-annotations': 'true', 'annotations-risk-level': 'Critical'} : ({} as Record<string, string>)} : o)),
    {ingressClasses: ['nginx', 'internal']},
  )
  t.deepEqual(status(swapped), {'corp/wiki': 'not-served', 'web/app': 'converted'})
})

test('the load-balancer steps of the ConfigMap checklist are withdrawn by id where the generated EnvoyProxy does them, kept where no controller Service is known', (t) => {
  const proxyProtocol = /^PROXY protocol: configure the load balancer/
  const clientAddress = /^Client IP: Envoy sees the TCP peer/
  const withService = run([
    controller('ingress-nginx', 'ctl', ['--configmap=ingress-nginx/ctl']),
    lbService('ingress-nginx', 'ctl', {app: 'ctl'}, {'service.beta.kubernetes.io/aws-load-balancer-proxy-protocol': '*'}),
    configMap('ingress-nginx', 'ctl', {'use-proxy-protocol': 'true'}),
    ing('web', 'app', 'nginx', 'app.example.com'),
  ])
  t.is(proxies(withService.objects).length, 1)
  t.false(withService.checklist.some((l) => proxyProtocol.test(l)))
  const without = run([configMap('ingress-nginx', 'ingress-nginx-controller', {'use-proxy-protocol': 'true'}), ing('web', 'app', 'nginx', 'app.example.com')])
  t.deepEqual(proxies(without.objects).map((p) => p.spec.provider.kubernetes.envoyService), [{type: 'ClusterIP'}])
  t.true(without.checklist.some((l) => proxyProtocol.test(l)))
  // No PROXY protocol, no forwarded headers: the externalTrafficPolicy step goes once the EnvoyProxy copies it.
  const plain = [controller('ingress-nginx', 'ctl', []), ing('web', 'app', 'nginx', 'app.example.com')]
  t.false(run([...plain, lbService('ingress-nginx', 'ctl', {app: 'ctl'})]).checklist.some((l) => clientAddress.test(l)))
  t.true(run(plain).checklist.some((l) => clientAddress.test(l)))
})

test('several controllers on one Gateway whose ConfigMaps control access differently: an error names the class whose routes lose their global-auth-url', (t) => {
  const objects = [
    ingressClass('nginx', 'k8s.io/ingress-nginx'),
    ingressClass('internal', 'example.com/internal'),
    controller('ingress-nginx', 'pub', ['--configmap=$(POD_NAMESPACE)/pub-settings']),
    controller('ingress-internal', 'priv', ['--controller-class=example.com/internal', '--ingress-class=internal', '--configmap=$(POD_NAMESPACE)/priv-settings']),
    configMap('ingress-internal', 'priv-settings', {}),
    ing('web', 'app', 'nginx', 'app.example.com'),
    ing('corp', 'wiki', 'internal', 'wiki.corp.example.com'),
  ]
  const guarded = configMap('ingress-nginx', 'pub-settings', {'global-auth-url': 'http://auth.sso.svc.cluster.local/verify'})
  // The classes are read in name order, so the Gateway-wide policies repeat the internal controller's ConfigMap.
  const shared = run([...objects, guarded], {ingressClasses: ['nginx', 'internal']})
  const e = shared.diagnostics.find((d) => d.code === 'gateway-controller-access-differs')
  t.like(e, {level: 'error', object: 'Gateway gateway/shared'})
  t.regex(e!.message, /^the Ingresses of class nginx were served by a controller whose ConfigMap ingress-nginx\/pub-settings sets global-auth-url otherwise than ConfigMap ingress-internal\/priv-settings.*served without the external authentication nginx required/)
  // Each class on its own Gateway keeps its own controller's access controls: nothing to report.
  const separate = run([...objects, guarded], {gatewayFor: {internal: {namespace: 'gw-internal', name: 'internal'}}, ingressClasses: ['nginx', 'internal']})
  t.false(separate.diagnostics.some((d) => d.code === 'gateway-controller-access-differs'))
  // The same access keys on both sides: nothing to report either.
  const same = run([...objects, configMap('ingress-nginx', 'pub-settings', {'proxy-body-size': '8m'})], {ingressClasses: ['nginx', 'internal']})
  t.false(same.diagnostics.some((d) => d.code === 'gateway-controller-access-differs'))
})

test('a class whose IngressClass names another controller, without that controller in the input, never takes the chart-labelled Service or the usual ConfigMap: an error names the flag', (t) => {
  const labels = {'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller'}
  const publicSvc = lbService('ingress-nginx', 'ingress-nginx-controller', {app: 'public'})
  publicSvc.metadata.labels = labels
  const r = run(
    [
      ingressClass('nginx', 'k8s.io/ingress-nginx'),
      ingressClass('nginx-internal', 'k8s.io/ingress-nginx-internal'),
      publicSvc,
      configMap('ingress-nginx', 'ingress-nginx-controller', {'use-forwarded-headers': 'true'}),
      ing('corp', 'wiki', 'nginx-internal', 'wiki.corp.example.com'),
    ],
    {ingressClasses: ['nginx-internal']},
  )
  t.deepEqual(proxies(r.objects).map((p) => p.spec.provider.kubernetes.envoyService), [{type: 'ClusterIP'}])
  const err = r.diagnostics.find((d) => d.code === 'controller-service-foreign-class')
  t.like(err, {level: 'error', object: 'Gateway gateway/shared'})
  t.regex(err!.message, /nginx-internal \(controller k8s\.io\/ingress-nginx-internal\)/)
  t.regex(err!.hint!, /--controller-service nginx-internal=NAMESPACE\/NAME/)
  // The public controller's use-forwarded-headers must not reach the internal class's Gateway.
  const ctp = r.objects.find((o) => o.kind === 'ClientTrafficPolicy' && !o.spec.targetRefs[0].sectionName)
  t.is(ctp?.spec.clientIPDetection, undefined)
})

test('--controller-service for one class does not hide the other classes of the same Gateway: their load balancers are still compared', (t) => {
  const objects = [
    ingressClass('public', 'k8s.io/ingress-nginx'),
    ingressClass('private', 'example.com/private'),
    controller('ingress-nginx', 'pub', ['--ingress-class=public']),
    controller('ingress-private', 'priv', ['--controller-class=example.com/private', '--ingress-class=private']),
    lbService('ingress-nginx', 'pub', {app: 'pub'}),
    lbService('ingress-private', 'priv', {app: 'priv'}, {'networking.gke.io/load-balancer-type': 'Internal'}),
    ing('web', 'a', 'public', 'a.example.com'),
    ing('corp', 'b', 'private', 'b.corp.example.com'),
  ]
  const r = run(objects, {ingressClasses: ['public', 'private'], controllerServiceFor: {public: 'ingress-nginx/pub'}})
  const ep = proxies(r.objects)
  t.is(ep.length, 1)
  // The private class's hosts stay internal: the named public Service does not win over the internal one.
  t.is(ep[0].spec.provider.kubernetes.envoyService.annotations?.['networking.gke.io/load-balancer-type'], 'Internal')
  t.like(r.diagnostics.find((d) => d.code === 'gateway-several-controller-services'), {level: 'error'})
})

test('two public load balancers on one Gateway that admit clients differently (source ranges by field or annotation, PROXY protocol) are an error naming the difference', (t) => {
  const two = (pub: KubeObject, priv: KubeObject) =>
    run([
      ingressClass('public', 'k8s.io/ingress-nginx'),
      ingressClass('partner', 'example.com/partner'),
      controller('ingress-nginx', 'pub', ['--ingress-class=public']),
      controller('ingress-partner', 'partner', ['--controller-class=example.com/partner', '--ingress-class=partner']),
      pub,
      priv,
      ing('web', 'a', 'public', 'a.example.com'),
      ing('corp', 'b', 'partner', 'b.partner.example.com'),
    ], {ingressClasses: ['public', 'partner']}).diagnostics.find((d) => d.code === 'gateway-several-controller-services')
  const pub = lbService('ingress-nginx', 'pub', {app: 'pub'})
  const byField = two(pub, lbService('ingress-partner', 'partner', {app: 'partner'}, {}, {loadBalancerSourceRanges: ['203.0.113.0/24']}))
  t.like(byField, {level: 'error'})
  t.regex(byField!.message, /source ranges \(.*partner: 203\.0\.113\.0\/24/)
  const byAnnotation = two(pub, lbService('ingress-partner', 'partner', {app: 'partner'}, {'service.beta.kubernetes.io/load-balancer-source-ranges': '198.51.100.0/24'}))
  t.like(byAnnotation, {level: 'error'})
  const proxy = two(pub, lbService('ingress-partner', 'partner', {app: 'partner'}, {'service.beta.kubernetes.io/aws-load-balancer-proxy-protocol': '*'}))
  t.like(proxy, {level: 'error'})
  t.regex(proxy!.message, /PROXY protocol/)
  // A ClusterIP controller Service (fronted by something else) beside a LoadBalancer one: not alike either.
  const clusterIp = two(pub, lbService('ingress-partner', 'partner', {app: 'partner'}, {}, {type: 'ClusterIP', ports: [{name: 'http', port: 80, targetPort: 'http'}]}))
  t.like(clusterIp, {level: 'error'})
  t.regex(clusterIp!.message, /Service type \((?=[^)]*: ClusterIP)(?=[^)]*: LoadBalancer)/)
  // Alike load balancers stay a warning: one Service is as good as the other.
  t.like(two(pub, lbService('ingress-partner', 'partner', {app: 'partner'})), {level: 'warning'})
})

test('a ClusterIP controller Service (nginx fronted by something else) is repeated as ClusterIP, not replaced by a public LoadBalancer; the admission Service is not taken', (t) => {
  const svc = (name: string, ports: unknown[]): KubeObject => ({apiVersion: 'v1', kind: 'Service', metadata: {name, namespace: 'ingress-nginx'}, spec: {type: 'ClusterIP', selector: {app: 'ctl'}, ports}})
  const r = run([
    controller('ingress-nginx', 'ctl', []),
    svc('ctl', [{name: 'http', port: 80, targetPort: 'http'}, {name: 'https', port: 443, targetPort: 'https'}]),
    svc('ctl-admission', [{name: 'https-webhook', port: 443, targetPort: 'webhook'}]),
    ing('web', 'app', 'nginx', 'app.example.com'),
  ])
  const ep = proxies(r.objects)
  t.is(ep.length, 1)
  t.deepEqual(ep[0].spec.provider.kubernetes.envoyService, {type: 'ClusterIP'})
  t.like(r.diagnostics.find((d) => d.code === 'controller-service-cluster-ip'), {level: 'warning', object: 'Service ingress-nginx/ctl'})
  t.is(r.diagnostics.find((d) => d.code === 'controller-service-unknown'), undefined)
  t.deepEqual(validator.validate(ep[0]), [])
})

test('a hostNetwork controller is an error: the Envoy Service does not take over the nodes\' ports', (t) => {
  const ds = controller('ingress-nginx', 'ctl', [])
  ds.kind = 'DaemonSet'
  ds.spec.template.spec.hostNetwork = true
  const r = run([ds, lbService('ingress-nginx', 'ctl', {app: 'ctl'}), ing('web', 'app', 'nginx', 'app.example.com')])
  t.like(r.diagnostics.find((d) => d.code === 'controller-host-network'), {level: 'error'})
})

test('annotations that name or identify the old load balancer are withheld like its addresses: a manual step at cutover', (t) => {
  const identity: Record<string, string> = {
    'kubernetes.digitalocean.com/load-balancer-id': '4de7ac8b-495b-4884-9a69-1050c6793cd6',
    'service.beta.kubernetes.io/do-loadbalancer-name': 'edge-lb',
    'service.beta.kubernetes.io/aws-load-balancer-name': 'edge-nlb',
    'service.beta.kubernetes.io/azure-dns-label-name': 'edge',
    'service.beta.kubernetes.io/azure-pls-name': 'edge-pls',
    'service.beta.kubernetes.io/azure-pls-create': 'true',
    'service.beta.kubernetes.io/linode-loadbalancer-nodebalancer-id': '12345',
    'load-balancer.hetzner.cloud/name': 'edge',
  }
  const plan = envoyProxyFromService(lbService('ingress-nginx', 'c', {app: 'c'}, {...identity, 'service.beta.kubernetes.io/do-loadbalancer-size-unit': '2'}), {namespace: 'gateway', name: 'shared'})
  // Only the setting that does not identify the load balancer is copied.
  t.deepEqual(plan.object.spec.provider!.kubernetes!.envoyService!.annotations, {'service.beta.kubernetes.io/do-loadbalancer-size-unit': '2'})
  const withheld = plan.diagnostics.filter((d) => d.code === 'controller-service-address-not-carried')
  t.deepEqual(withheld.map((d) => d.annotation).sort(), Object.keys(identity).sort())
  t.true(withheld.every((d) => d.level === 'warning' && d.fidelity === 'manual'))
  t.deepEqual(validator.validate(plan.object), [])
})

test('the EnvoyProxy attachment step says that with mergeGateways a Gateway with parametersRef is not accepted, not that the ref is ignored', (t) => {
  // Envoy Gateway v1.9 internal/provider/kubernetes/controller.go processGatewayParamsRef returns an error when the
  // GatewayClass's EnvoyProxy sets mergeGateways, and the caller marks the Gateway Accepted=False InvalidParameters.
  const r = run([controller('ingress-nginx', 'ctl', []), lbService('ingress-nginx', 'ctl', {app: 'ctl'}), ing('web', 'app', 'nginx', 'app.example.com')])
  const step = r.checklist.find((l) => l.startsWith('EnvoyProxy attachment'))!
  t.regex(step, /mergeGateways: true, Envoy Gateway does not accept a Gateway that has a parametersRef \(Accepted False, reason InvalidParameters/)
  t.notRegex(step, /ignores/)
})

const envoyServices = (objects: KubeObject[]) => proxies(objects).map((p) => [p.metadata.namespace, p.spec.provider.kubernetes.envoyService])
const liveGateway = (infrastructure?: Record<string, unknown>): KubeObject => ({apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: {name: 'shared', namespace: 'gateway'}, spec: {gatewayClassName: 'eg', ...(infrastructure ? {infrastructure} : {}), listeners: [{name: 'http', port: 80, protocol: 'HTTP'}]}})

test('no controller Service known: a new Gateway gets a ClusterIP Envoy Service, never Envoy Gateway\'s default public LoadBalancer; --public-load-balancer accepts the default for the Gateway it names', (t) => {
  const objects = [ing('corp', 'wiki', 'nginx', 'wiki.corp.example.com')]
  const r = run(objects)
  t.deepEqual(envoyServices(r.objects), [['gateway', {type: 'ClusterIP'}]])
  t.deepEqual(validator.validate(proxies(r.objects)[0]), [])
  t.deepEqual(gateway(r.objects, 'shared').spec.infrastructure, {parametersRef: {group: 'gateway.envoyproxy.io', kind: 'EnvoyProxy', name: 'shared-proxy'}})
  const w = r.diagnostics.find((d) => d.code === 'controller-service-unknown')!
  t.like(w, {level: 'warning', object: 'Gateway gateway/shared', fidelity: 'manual'})
  t.regex(w.hint!, /--controller-service CLASS=NAMESPACE\/NAME .* --public-load-balancer gateway\/shared/)
  t.true(r.checklist.some((l) => /^data plane of Gateway gateway\/shared: controller Service unknown -> EnvoyProxy gateway\/shared-proxy: type ClusterIP/.test(l)))
  // The explicit opt-in: Envoy Gateway's default Service, no EnvoyProxy, said so.
  const accepted = run(objects, {publicLoadBalancer: ['gateway/shared']})
  t.deepEqual(proxies(accepted.objects), [])
  t.is(gateway(accepted.objects, 'shared').spec.infrastructure, undefined)
  t.like(accepted.diagnostics.find((d) => d.code === 'public-load-balancer-accepted'), {level: 'warning'})
  t.is(accepted.diagnostics.find((d) => d.code === 'controller-service-unknown'), undefined)
  // The opt-in names one Gateway: another Gateway of the run stays ClusterIP, and a name of no Gateway is reported.
  const two = run([...objects, ing('web', 'app', 'public', 'app.example.com')], {publicLoadBalancer: ['gateway/shared', 'gateway/typo'], gatewayFor: {public: {namespace: 'gw-public', name: 'public'}}, ingressClasses: ['nginx', 'public']})
  t.deepEqual(envoyServices(two.objects), [['gw-public', {type: 'ClusterIP'}]])
  t.regex(two.diagnostics.find((d) => d.code === 'public-load-balancer-unused')!.message, /gateway\/typo names no Gateway/)
})

test('no controller Service known for a live Gateway: an error (its existing Envoy Service would take the hosts), unless --public-load-balancer accepts it; the live Gateway is not given a ClusterIP Service', (t) => {
  const objects = [liveGateway(), ing('corp', 'wiki', 'nginx', 'wiki.corp.example.com')]
  const r = run(objects)
  t.deepEqual(proxies(r.objects), [])
  t.is(gateway(r.objects, 'shared').spec.infrastructure, undefined)
  const e = r.diagnostics.find((d) => d.code === 'controller-service-unknown')!
  t.like(e, {level: 'error', object: 'Gateway gateway/shared'})
  t.regex(e.hint!, /--public-load-balancer gateway\/shared/)
  const accepted = run(objects, {publicLoadBalancer: ['gateway/shared']})
  t.false(accepted.diagnostics.some((d) => d.level === 'error' && d.code === 'controller-service-unknown'))
  t.like(accepted.diagnostics.find((d) => d.code === 'public-load-balancer-accepted'), {level: 'info'})
})

test('a live Gateway whose Envoy Service exists cannot take loadBalancerClass or an internal scheme in place: an error says to use a new Gateway or recreate the Service', (t) => {
  // Kubernetes ValidateServiceUpdate: spec.loadBalancerClass may not change once set; Envoy Gateway applies the whole
  // Service (infra_resource.go createOrUpdateService), so the update fails and the current load balancer stays.
  const internal = lbService('ingress-nginx', 'ctl', {app: 'ctl'}, {'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internal'}, {loadBalancerClass: 'service.k8s.aws/nlb'})
  const objects = [controller('ingress-nginx', 'ctl', []), internal, ing('corp', 'wiki', 'nginx', 'wiki.corp.example.com')]
  const live = run([liveGateway(), ...objects])
  const e = live.diagnostics.find((d) => d.code === 'envoy-service-not-changed-in-place')!
  t.like(e, {level: 'error', object: 'Gateway gateway/shared'})
  t.regex(e.message, /loadBalancerClass service\.k8s\.aws\/nlb .*; and an internal load balancer/)
  t.regex(e.hint!, /--gateway NAMESPACE\/NEW-NAME.*gateway\.envoyproxy\.io\/owning-gateway-name=shared,gateway\.envoyproxy\.io\/owning-gateway-namespace=gateway/)
  // A new Gateway gets a new Envoy Service: nothing to say. A live Gateway already on this EnvoyProxy: neither.
  t.false(run(objects).diagnostics.some((d) => d.code === 'envoy-service-not-changed-in-place'))
  const already = run([liveGateway({parametersRef: {group: 'gateway.envoyproxy.io', kind: 'EnvoyProxy', name: 'shared-proxy'}}), ...objects])
  t.false(already.diagnostics.some((d) => d.code === 'envoy-service-not-changed-in-place'))
  // A public load balancer without a class changes in place (annotations, source ranges): no error.
  const plain = run([liveGateway(), controller('ingress-nginx', 'ctl', []), lbService('ingress-nginx', 'ctl', {app: 'ctl'}, {}, {loadBalancerSourceRanges: ['203.0.113.0/24']}), ing('web', 'app', 'nginx', 'app.example.com')])
  t.false(plain.diagnostics.some((d) => d.code === 'envoy-service-not-changed-in-place'))
})

test('AWS: an internal load balancer is written out as internal for both controllers (scheme for the AWS Load Balancer Controller, internal for the in-tree provider)', (t) => {
  const envoyAnnotations = (annotations: Record<string, string>, spec: Record<string, unknown> = {}) =>
    envoyProxyFromService(lbService('ingress-nginx', 'c', {app: 'c'}, annotations, spec), {namespace: 'gateway', name: 'shared'}).object.spec.provider!.kubernetes!.envoyService!.annotations ?? {}
  const scheme = 'service.beta.kubernetes.io/aws-load-balancer-scheme'
  const internal = 'service.beta.kubernetes.io/aws-load-balancer-internal'
  // In-tree "0.0.0.0/0" (internal there) would fail the AWS Load Balancer Controller's strconv.ParseBool if its
  // webhook gave the new Service its class: both keys are written in the forms both controllers read.
  t.like(envoyAnnotations({[internal]: '0.0.0.0/0', 'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb'}), {[scheme]: 'internal', [internal]: 'true'})
  // legacy aws.go: only "false" (exactly) keeps an in-tree load balancer public; "False" is internal there.
  t.deepEqual(serviceTraits({[internal]: 'False'}).internal, [internal])
  // The controller reads the scheme first (buildLoadBalancerScheme): a scheme internal gets the in-tree key too.
  t.like(envoyAnnotations({[scheme]: 'internal'}, {loadBalancerClass: 'service.k8s.aws/nlb'}), {[scheme]: 'internal', [internal]: 'true'})
  // internet-facing by the controller's scheme, though the legacy key says internal: public, nothing written out.
  t.deepEqual(serviceTraits({[scheme]: 'internet-facing', [internal]: 'true'}, 'service.k8s.aws/nlb').internal, [])
  t.deepEqual(envoyAnnotations({[scheme]: 'internet-facing'}, {loadBalancerClass: 'service.k8s.aws/nlb'}), {[scheme]: 'internet-facing'})
  // A public in-tree NLB: nothing added (the same cluster's controllers decide for the copy as for the original).
  t.deepEqual(envoyAnnotations({'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb'}), {'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb'})
  // The controller's default (no scheme, no internal): internal since v2.2, internet-facing under v2.0/v2.1: the
  // EnvoyProxy says internal, and a warning says how to check the old NLB.
  const byDefault = envoyProxyFromService(lbService('ingress-nginx', 'c', {app: 'c'}, {'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb-ip'}), {namespace: 'gateway', name: 'shared'})
  t.like(byDefault.object.spec.provider!.kubernetes!.envoyService!.annotations, {[scheme]: 'internal', [internal]: 'true'})
  t.like(byDefault.diagnostics.find((d) => d.code === 'controller-service-aws-default-scheme'), {level: 'warning'})
  t.deepEqual(validator.validate(byDefault.object), [])
})

test('GKE: the first type key present decides (gce_annotations.go GetLoadBalancerAnnotationType): an internal Service gets both keys', (t) => {
  const envoyAnnotations = (annotations: Record<string, string>) => envoyProxyFromService(lbService('n', 'c', {app: 'c'}, annotations), {namespace: 'g', name: 'gw'}).object.spec.provider!.kubernetes!.envoyService!.annotations
  t.deepEqual(envoyAnnotations({'cloud.google.com/load-balancer-type': 'Internal'}), {'cloud.google.com/load-balancer-type': 'Internal', 'networking.gke.io/load-balancer-type': 'Internal'})
  // networking.gke.io decides when present: External there is a public load balancer, nothing is written out.
  t.deepEqual(envoyAnnotations({'networking.gke.io/load-balancer-type': 'External', 'cloud.google.com/load-balancer-type': 'Internal'}), {'cloud.google.com/load-balancer-type': 'Internal', 'networking.gke.io/load-balancer-type': 'External'})
})

test('source ranges in the annotation form become loadBalancerSourceRanges too, so that no inherited field takes precedence over them', (t) => {
  const plan = envoyProxyFromService(lbService('n', 'c', {app: 'c'}, {'service.beta.kubernetes.io/load-balancer-source-ranges': '10.0.0.0/8, 192.168.0.0/16'}), {namespace: 'g', name: 'gw'})
  t.deepEqual(plan.object.spec.provider!.kubernetes!.envoyService!.loadBalancerSourceRanges, ['10.0.0.0/8', '192.168.0.0/16'])
  t.deepEqual(validator.validate(plan.object), [])
  // The field wins where both are set (GetLoadBalancerSourceRanges): it alone is written.
  const both = envoyProxyFromService(lbService('n', 'c', {app: 'c'}, {'service.beta.kubernetes.io/load-balancer-source-ranges': '0.0.0.0/0'}, {loadBalancerSourceRanges: ['10.0.0.0/8']}), {namespace: 'g', name: 'gw'})
  t.deepEqual(both.object.spec.provider!.kubernetes!.envoyService!.loadBalancerSourceRanges, ['10.0.0.0/8'])
  // And the two-layer note sees them.
  const r = run([controller('ingress-nginx', 'ctl', []), lbService('ingress-nginx', 'ctl', {app: 'ctl'}, {'service.beta.kubernetes.io/load-balancer-source-ranges': '10.0.0.0/8'}), ing('web', 'app', 'nginx', 'app.example.com', {'nginx.ingress.kubernetes.io/whitelist-source-range': '10.1.0.0/16'})])
  t.regex(r.diagnostics.find((d) => d.code === 'data-plane-source-ranges')!.message, /admits 10\.0\.0\.0\/8/)
})

test('a GatewayClass-level EnvoyProxy merged under the Gateway\'s (StrategicMerge) cannot re-open an internal load balancer; what it still changes is reported', (t) => {
  const gatewayClass = (ref?: Record<string, string>): KubeObject => ({apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', metadata: {name: 'eg'}, spec: {controllerName: 'gateway.envoyproxy.io/gatewayclass-controller', ...(ref ? {parametersRef: ref} : {})}})
  const ref = {group: 'gateway.envoyproxy.io', kind: 'EnvoyProxy', namespace: 'envoy-gateway-system', name: 'platform'}
  const platform = (envoyService: Record<string, unknown>): KubeObject => ({apiVersion: 'gateway.envoyproxy.io/v1alpha1', kind: 'EnvoyProxy', metadata: {name: 'platform', namespace: 'envoy-gateway-system'}, spec: {provider: {type: 'Kubernetes', kubernetes: {envoyService}}}})
  const base = [controller('ingress-nginx', 'ctl', []), lbService('ingress-nginx', 'ctl', {app: 'ctl'}, {'service.beta.kubernetes.io/aws-load-balancer-internal': 'true', 'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb'}), ing('corp', 'wiki', 'nginx', 'wiki.corp.example.com')]
  // The platform's EnvoyProxy hands every Envoy Service to the AWS Load Balancer Controller, internet-facing: merged
  // under an EnvoyProxy with aws-load-balancer-internal alone, the controller would read its scheme first: public.
  const reopening = platform({loadBalancerClass: 'service.k8s.aws/nlb', annotations: {'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internet-facing'}})
  const r = run([gatewayClass(ref), reopening, ...base])
  t.is(proxies(r.objects).find((p) => p.metadata.name === 'shared-proxy')!.spec.provider.kubernetes.envoyService.annotations['service.beta.kubernetes.io/aws-load-balancer-scheme'], 'internal')
  t.false(r.diagnostics.some((d) => d.code === 'gatewayclass-envoyproxy-changes-admission' && d.level === 'error'))
  t.regex(r.diagnostics.find((d) => d.code === 'gatewayclass-envoyproxy-changes-admission')!.message, /loadBalancerClass service\.k8s\.aws\/nlb/)
  // Source ranges the Gateway's EnvoyProxy does not set come from the GatewayClass's: narrower, a warning.
  const narrowed = run([gatewayClass(ref), platform({loadBalancerSourceRanges: ['10.0.0.0/8']}), ...base])
  t.like(narrowed.diagnostics.find((d) => d.code === 'gatewayclass-envoyproxy-changes-admission'), {level: 'warning'})
  // A provider key not written out by us (another provider's controller class) would change who decides: here the
  // platform turns a public Service internal, a warning (public clients lose access, none are let in).
  const publicBase = [controller('ingress-nginx', 'ctl', []), lbService('ingress-nginx', 'ctl', {app: 'ctl'}), ing('web', 'app', 'nginx', 'app.example.com')]
  const internalised = run([gatewayClass(ref), platform({annotations: {'service.beta.kubernetes.io/azure-load-balancer-internal': 'true'}}), ...publicBase])
  t.like(internalised.diagnostics.find((d) => d.code === 'gatewayclass-envoyproxy-changes-admission'), {level: 'warning'})
  // A patch is applied after everything: not judged, a warning. Not in the input: a warning naming how to include it.
  t.like(run([gatewayClass(ref), platform({patch: {type: 'StrategicMerge', value: {metadata: {annotations: {a: 'b'}}}}}), ...base]).diagnostics.find((d) => d.code === 'gatewayclass-envoyproxy-not-checked'), {level: 'warning'})
  t.regex(run([gatewayClass(ref), ...base]).diagnostics.find((d) => d.code === 'gatewayclass-envoyproxy-not-checked')!.hint!, /kubectl get envoyproxy -n envoy-gateway-system platform -o yaml/)
  t.false(run([gatewayClass(), ...base]).diagnostics.some((d) => d.code.startsWith('gatewayclass-envoyproxy')))
})

test('a GatewayClass-level EnvoyProxy that makes the load balancer send the PROXY protocol the listeners do not expect is an error', (t) => {
  const r = run([
    {apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', metadata: {name: 'eg'}, spec: {controllerName: 'gateway.envoyproxy.io/gatewayclass-controller', parametersRef: {group: 'gateway.envoyproxy.io', kind: 'EnvoyProxy', namespace: 'envoy-gateway-system', name: 'platform'}}},
    {apiVersion: 'gateway.envoyproxy.io/v1alpha1', kind: 'EnvoyProxy', metadata: {name: 'platform', namespace: 'envoy-gateway-system'}, spec: {provider: {type: 'Kubernetes', kubernetes: {envoyService: {annotations: {'service.beta.kubernetes.io/aws-load-balancer-proxy-protocol': '*'}}}}}},
    controller('ingress-nginx', 'ctl', []),
    lbService('ingress-nginx', 'ctl', {app: 'ctl'}, {'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb'}),
    ing('web', 'app', 'nginx', 'app.example.com'),
  ])
  const e = r.diagnostics.find((d) => d.code === 'gatewayclass-envoyproxy-changes-admission')!
  t.like(e, {level: 'error', object: 'Gateway gateway/shared'})
  t.regex(e.message, /PROXY protocol not sent becomes sent/)
})

test('a GatewayClass whose EnvoyProxy merges Gateways: no parametersRef is attached (Envoy Gateway would not accept the Gateway), and the shared Envoy Service is an error to settle', (t) => {
  // internal/provider/kubernetes/controller.go processGatewayParamsRef errs under mergeGateways: Accepted=False.
  const classObjects: KubeObject[] = [
    {apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', metadata: {name: 'eg'}, spec: {controllerName: 'gateway.envoyproxy.io/gatewayclass-controller', parametersRef: {group: 'gateway.envoyproxy.io', kind: 'EnvoyProxy', namespace: 'envoy-gateway-system', name: 'merged'}}},
    {apiVersion: 'gateway.envoyproxy.io/v1alpha1', kind: 'EnvoyProxy', metadata: {name: 'merged', namespace: 'envoy-gateway-system'}, spec: {mergeGateways: true}},
  ]
  const internalSvc = lbService('ingress-nginx', 'ctl', {app: 'ctl'}, {'service.beta.kubernetes.io/azure-load-balancer-internal': 'true'})
  const known = run([...classObjects, controller('ingress-nginx', 'ctl', []), internalSvc, ing('corp', 'wiki', 'nginx', 'wiki.corp.example.com')])
  t.deepEqual(proxies(known.objects), [])
  t.is(gateway(known.objects, 'shared').spec.infrastructure, undefined)
  const e = known.diagnostics.find((d) => d.code === 'gateway-merged-envoy-service')!
  t.like(e, {level: 'error', object: 'Gateway gateway/shared'})
  t.regex(e.message, /must repeat Service ingress-nginx\/ctl: internal load balancer \(service\.beta\.kubernetes\.io\/azure-load-balancer-internal\)/)
  // No Service known: the same error, unless the shared Envoy Service is accepted.
  const unknown = run([...classObjects, ing('corp', 'wiki', 'nginx', 'wiki.corp.example.com')])
  t.deepEqual(proxies(unknown.objects), [])
  t.like(unknown.diagnostics.find((d) => d.code === 'gateway-merged-envoy-service'), {level: 'error'})
  const accepted = run([...classObjects, ing('corp', 'wiki', 'nginx', 'wiki.corp.example.com')], {publicLoadBalancer: ['gateway/shared']})
  t.false(accepted.diagnostics.some((d) => d.level === 'error'))
})

test('enable-global-auth "false" answers what the Gateway carries: with two controllers on one Gateway, the Gateway\'s ConfigMap (its global-auth-url extAuth), not the Ingress\'s own', (t) => {
  const objects = [
    ingressClass('nginx', 'k8s.io/ingress-nginx'),
    ingressClass('internal', 'example.com/internal'),
    controller('ingress-nginx', 'pub', ['--configmap=$(POD_NAMESPACE)/pub-settings']),
    controller('ingress-internal', 'priv', ['--controller-class=example.com/internal', '--ingress-class=internal', '--configmap=$(POD_NAMESPACE)/priv-settings']),
    configMap('ingress-nginx', 'pub-settings', {}),
    // The classes are read in name order: the Gateway-wide policies repeat the internal controller's ConfigMap.
    configMap('ingress-internal', 'priv-settings', {'global-auth-url': 'http://auth.sso.svc.cluster.local/verify'}),
    ing('web', 'app', 'nginx', 'app.example.com', {'nginx.ingress.kubernetes.io/enable-global-auth': 'false'}),
    ing('corp', 'wiki', 'internal', 'wiki.corp.example.com'),
  ]
  const r = run(objects, {ingressClasses: ['nginx', 'internal'], nginxDefaults: true})
  // The Gateway carries the internal controller's global-auth-url as extAuth; nginx applied none to web/app, so its
  // route must opt out of the Gateway-level one (the access difference itself is an error of its own).
  const note = r.diagnostics.find((d) => d.object === 'Ingress web/app' && d.code === 'global-auth')!
  t.regex(note.message, /replaces the Gateway-level one that carries global-auth-url "http:\/\/auth\.sso\.svc\.cluster\.local\/verify"/)
  t.truthy(r.diagnostics.find((d) => d.code === 'gateway-controller-access-differs'))
})

test('ports: clients of the old load balancer on a port other than 80/443 are a manual step; two controllers\' load balancers on different web ports differ', (t) => {
  const svc = lbService('ingress-nginx', 'ctl', {app: 'ctl'}, {}, {ports: [{name: 'http', port: 8080, targetPort: 'http'}, {name: 'https', port: 443, targetPort: 'https'}, {name: 'metrics', port: 10254, targetPort: 'metrics'}]})
  const r = run([controller('ingress-nginx', 'ctl', []), svc, ing('web', 'app', 'nginx', 'app.example.com')])
  const w = r.diagnostics.find((d) => d.code === 'data-plane-ports-differ')!
  t.like(w, {level: 'warning', fidelity: 'manual'})
  t.regex(w.message, /port\(s\) 8080 -> http;|port\(s\) 8080 -> http \(/)
  t.notRegex(w.message, /10254|443 ->/)
  // The usual 80/443: nothing to say.
  t.false(run([controller('ingress-nginx', 'ctl', []), lbService('ingress-nginx', 'ctl', {app: 'ctl'}, {}, {ports: [{name: 'http', port: 80, targetPort: 'http'}]}), ing('web', 'app', 'nginx', 'app.example.com')]).diagnostics.some((d) => d.code === 'data-plane-ports-differ'))
  const shared = run([
    ingressClass('public', 'k8s.io/ingress-nginx'),
    ingressClass('partner', 'example.com/partner'),
    controller('ingress-nginx', 'pub', ['--ingress-class=public']),
    controller('ingress-partner', 'partner', ['--controller-class=example.com/partner', '--ingress-class=partner']),
    lbService('ingress-nginx', 'pub', {app: 'pub'}, {}, {ports: [{name: 'http', port: 80, targetPort: 'http'}]}),
    lbService('ingress-partner', 'partner', {app: 'partner'}, {}, {ports: [{name: 'http', port: 8080, targetPort: 'http'}]}),
    ing('web', 'a', 'public', 'a.example.com'),
    ing('corp', 'b', 'partner', 'b.partner.example.com'),
  ], {ingressClasses: ['public', 'partner']})
  const e = shared.diagnostics.find((d) => d.code === 'gateway-several-controller-services')!
  t.like(e, {level: 'error'})
  t.regex(e.message, /ports \(Service ingress-partner\/partner: 8080 -> http; Service ingress-nginx\/pub: 80 -> http\)/)
})

test('without --emit-gateway the data-plane checks still run on the controller Service (the team run warns of a PROXY-protocol mismatch too); a live Gateway already on the generated EnvoyProxy keeps it without an error', (t) => {
  const objects = [controller('ingress-nginx', 'ctl', ['--configmap=ingress-nginx/ctl']), lbService('ingress-nginx', 'ctl', {app: 'ctl'}, {'service.beta.kubernetes.io/aws-load-balancer-proxy-protocol': '*'}), configMap('ingress-nginx', 'ctl', {}), ing('web', 'app', 'nginx', 'app.example.com')]
  t.truthy(run(objects, {emitGateway: false}).diagnostics.find((d) => d.code === 'data-plane-proxy-protocol-mismatch'))
  const kept = run([liveGateway({parametersRef: {group: 'gateway.envoyproxy.io', kind: 'EnvoyProxy', name: 'shared-proxy'}}), ing('corp', 'wiki', 'nginx', 'wiki.corp.example.com')])
  t.like(kept.diagnostics.find((d) => d.code === 'controller-service-unknown'), {level: 'info'})
  t.deepEqual(gateway(kept.objects, 'shared').spec.infrastructure, {parametersRef: {group: 'gateway.envoyproxy.io', kind: 'EnvoyProxy', name: 'shared-proxy'}})
})

test('a load balancer made internal by its loadBalancerClass counts as internal: GKE l4-regional-internal, EKS Auto Mode without a scheme (internal by default)', (t) => {
  // GKE: networking.gke.io/l4-regional-internal selects the internal passthrough load balancer with no annotation
  // (cloud-provider-gcp / ingress-gce RegionalInternalLoadBalancerClass): beside a public load balancer on one
  // Gateway, it is the one kept, as for the annotation form.
  const r = run([
    ingressClass('public', 'k8s.io/ingress-nginx'),
    ingressClass('private', 'example.com/private'),
    controller('ingress-nginx', 'pub', ['--ingress-class=public']),
    controller('ingress-private', 'priv', ['--controller-class=example.com/private', '--ingress-class=private']),
    lbService('ingress-nginx', 'pub', {app: 'pub'}),
    lbService('ingress-private', 'priv', {app: 'priv'}, {}, {loadBalancerClass: 'networking.gke.io/l4-regional-internal'}),
    ing('web', 'a', 'public', 'a.example.com'),
    ing('corp', 'b', 'private', 'b.corp.example.com'),
  ], {ingressClasses: ['public', 'private']})
  t.is(proxies(r.objects)[0].spec.provider.kubernetes.envoyService.loadBalancerClass, 'networking.gke.io/l4-regional-internal')
  t.like(r.diagnostics.find((d) => d.code === 'gateway-several-controller-services'), {level: 'error'})
  t.deepEqual(serviceTraits({}, 'networking.gke.io/l4-regional-internal').internal.length, 1)
  // EKS Auto Mode (loadBalancerClass eks.amazonaws.com/nlb) reads aws-load-balancer-scheme like the AWS Load Balancer
  // Controller and makes an NLB internal without it: the scheme is written out, so that a GatewayClass-level
  // EnvoyProxy's internet-facing scheme cannot win the merge.
  const eks = envoyProxyFromService(lbService('ingress-nginx', 'ctl', {app: 'ctl'}, {}, {loadBalancerClass: 'eks.amazonaws.com/nlb'}), {namespace: 'gateway', name: 'shared'})
  t.is(eks.object.spec.provider!.kubernetes!.envoyService!.annotations?.['service.beta.kubernetes.io/aws-load-balancer-scheme'], 'internal')
  t.is(serviceTraits({'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internet-facing'}, 'eks.amazonaws.com/nlb').internal.length, 0)
})

test('OCI reads its internal annotations as Go booleans (older releases: any value): "1" or "True" count as internal', (t) => {
  t.is(serviceTraits({'service.beta.kubernetes.io/oci-load-balancer-internal': '1'}).internal.length, 1)
  t.is(serviceTraits({'oci.oraclecloud.com/oci-network-load-balancer-internal': 'True'}).internal.length, 1)
  t.is(serviceTraits({'service.beta.kubernetes.io/oci-load-balancer-internal': 'false'}).internal.length, 0)
})

test('a GatewayClass-level loadBalancerClass under an internal load balancer is an error: the other controller may not read the internal annotations at all', (t) => {
  // GKE: with loadBalancerClass networking.gke.io/l4-regional-external the Service is an external load balancer
  // whatever networking.gke.io/load-balancer-type says; a warning that it "narrows" would tell the user the opposite.
  const r = run([
    {apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', metadata: {name: 'eg'}, spec: {controllerName: 'gateway.envoyproxy.io/gatewayclass-controller', parametersRef: {group: 'gateway.envoyproxy.io', kind: 'EnvoyProxy', namespace: 'envoy-gateway-system', name: 'platform'}}},
    {apiVersion: 'gateway.envoyproxy.io/v1alpha1', kind: 'EnvoyProxy', metadata: {name: 'platform', namespace: 'envoy-gateway-system'}, spec: {provider: {type: 'Kubernetes', kubernetes: {envoyService: {loadBalancerClass: 'networking.gke.io/l4-regional-external'}}}}},
    controller('ingress-nginx', 'ctl', []),
    lbService('ingress-nginx', 'ctl', {app: 'ctl'}, {'networking.gke.io/load-balancer-type': 'Internal'}),
    ing('corp', 'wiki', 'nginx', 'wiki.corp.example.com'),
  ])
  const e = r.diagnostics.find((d) => d.code === 'gatewayclass-envoyproxy-changes-admission' && d.level === 'error')
  t.truthy(e)
  t.regex(e!.message, /loadBalancerClass networking\.gke\.io\/l4-regional-external/)
  t.regex(e!.hint!, /GatewayClass of its own|remove/)
})

test('a GatewayClass-level loadBalancerClass of a controller whose reading is unknown, under an internal load balancer, is an error too', (t) => {
  const r = run([
    {apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', metadata: {name: 'eg'}, spec: {controllerName: 'gateway.envoyproxy.io/gatewayclass-controller', parametersRef: {group: 'gateway.envoyproxy.io', kind: 'EnvoyProxy', namespace: 'envoy-gateway-system', name: 'platform'}}},
    {apiVersion: 'gateway.envoyproxy.io/v1alpha1', kind: 'EnvoyProxy', metadata: {name: 'platform', namespace: 'envoy-gateway-system'}, spec: {provider: {type: 'Kubernetes', kubernetes: {envoyService: {loadBalancerClass: 'example.com/metal-lb'}}}}},
    controller('ingress-nginx', 'ctl', []),
    lbService('ingress-nginx', 'ctl', {app: 'ctl'}, {'service.beta.kubernetes.io/azure-load-balancer-internal': 'true'}),
    ing('corp', 'wiki', 'nginx', 'wiki.corp.example.com'),
  ])
  t.regex(r.diagnostics.find((d) => d.code === 'gatewayclass-envoyproxy-changes-admission' && d.level === 'error')!.message, /loadBalancerClass example\.com\/metal-lb \(another load-balancer controller/)
})

test('DigitalOcean and Hetzner read their PROXY-protocol annotations as Go booleans: "1" sends PROXY headers, and a GatewayClass-level one is caught', (t) => {
  t.is(serviceTraits({'service.beta.kubernetes.io/do-loadbalancer-enable-proxy-protocol': '1'}).proxyProtocol.length, 1)
  t.is(serviceTraits({'load-balancer.hetzner.cloud/uses-proxyprotocol': 'True'}).proxyProtocol.length, 1)
  t.is(serviceTraits({'load-balancer.hetzner.cloud/uses-proxyprotocol': 'false'}).proxyProtocol.length, 0)
  const r = run([
    {apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', metadata: {name: 'eg'}, spec: {controllerName: 'gateway.envoyproxy.io/gatewayclass-controller', parametersRef: {group: 'gateway.envoyproxy.io', kind: 'EnvoyProxy', namespace: 'envoy-gateway-system', name: 'platform'}}},
    {apiVersion: 'gateway.envoyproxy.io/v1alpha1', kind: 'EnvoyProxy', metadata: {name: 'platform', namespace: 'envoy-gateway-system'}, spec: {provider: {type: 'Kubernetes', kubernetes: {envoyService: {annotations: {'service.beta.kubernetes.io/do-loadbalancer-enable-proxy-protocol': '1'}}}}}},
    controller('ingress-nginx', 'ctl', []),
    lbService('ingress-nginx', 'ctl', {app: 'ctl'}, {'service.beta.kubernetes.io/do-loadbalancer-size-unit': '2'}),
    ing('web', 'app', 'nginx', 'app.example.com'),
  ])
  t.regex(r.diagnostics.find((d) => d.code === 'gatewayclass-envoyproxy-changes-admission' && d.level === 'error')!.message, /PROXY protocol not sent becomes sent/)
})

test('two load balancers on one Gateway, one source-restricted: the restricted one is repeated (fail closed), as the internal one is', (t) => {
  const r = run([
    ingressClass('public', 'k8s.io/ingress-nginx'),
    ingressClass('partner', 'example.com/partner'),
    controller('ingress-nginx', 'pub', ['--ingress-class=public']),
    controller('ingress-partner', 'partner', ['--controller-class=example.com/partner', '--ingress-class=partner']),
    lbService('ingress-nginx', 'pub', {app: 'pub'}),
    lbService('ingress-partner', 'partner', {app: 'partner'}, {}, {loadBalancerSourceRanges: ['203.0.113.0/24']}),
    ing('web', 'a', 'public', 'a.example.com'),
    ing('corp', 'b', 'partner', 'b.partner.example.com'),
  ], {ingressClasses: ['public', 'partner']})
  t.deepEqual(proxies(r.objects)[0].spec.provider.kubernetes.envoyService.loadBalancerSourceRanges, ['203.0.113.0/24'])
  const e = r.diagnostics.find((d) => d.code === 'gateway-several-controller-services')!
  t.like(e, {level: 'error'})
  t.regex(e.message, /the source-restricted one/)
})

test('an in-tree AWS Classic ELB at layer 7 added X-Forwarded-For; the new Envoy Service may become an NLB (the AWS Load Balancer Controller webhook) that does not: a warning where the Gateway trusts X-Forwarded-For', (t) => {
  const r = run([
    controller('ingress-nginx', 'ctl', ['--configmap=ingress-nginx/ctl']),
    configMap('ingress-nginx', 'ctl', {'use-forwarded-headers': 'true'}),
    lbService('ingress-nginx', 'ctl', {app: 'ctl'}, {'service.beta.kubernetes.io/aws-load-balancer-backend-protocol': 'http', 'service.beta.kubernetes.io/aws-load-balancer-ssl-ports': 'https'}),
    ing('web', 'app', 'nginx', 'app.example.com', {'nginx.ingress.kubernetes.io/whitelist-source-range': '10.0.0.0/8'}),
  ])
  const w = r.diagnostics.find((d) => d.code === 'data-plane-aws-classic-elb-forwarded-for')
  t.like(w, {level: 'warning', object: 'Gateway gateway/shared'})
  t.regex(w!.message, /webhooks\/core\/service_mutator\.go|AWS Load Balancer Controller/)
  // An NLB-typed or TCP Classic ELB never added X-Forwarded-For: nothing to say.
  const tcp = run([controller('ingress-nginx', 'ctl', ['--configmap=ingress-nginx/ctl']), configMap('ingress-nginx', 'ctl', {'use-forwarded-headers': 'true'}), lbService('ingress-nginx', 'ctl', {app: 'ctl'}, {'service.beta.kubernetes.io/aws-load-balancer-backend-protocol': 'tcp'}), ing('web', 'app', 'nginx', 'app.example.com')])
  t.false(tcp.diagnostics.some((d) => d.code === 'data-plane-aws-classic-elb-forwarded-for'))
})

test('OCI: an internal Service gets both internal keys, so that a network-load-balancer type added by a GatewayClass-level EnvoyProxy stays internal', (t) => {
  const plan = envoyProxyFromService(lbService('ingress-nginx', 'ctl', {app: 'ctl'}, {'service.beta.kubernetes.io/oci-load-balancer-internal': 'True'}), {namespace: 'gateway', name: 'shared'})
  const annotations = plan.object.spec.provider!.kubernetes!.envoyService!.annotations!
  t.is(annotations['service.beta.kubernetes.io/oci-load-balancer-internal'], 'true')
  t.is(annotations['oci.oraclecloud.com/oci-network-load-balancer-internal'], 'true')
  t.true(plan.diagnostics.some((d) => d.code === 'controller-service-internal-pinned' && /OCI/.test(d.message)))
})

// No Ingress (a run for the tcp-services ports alone): controller-workloads.ts gatewayControllers gave the default
// Gateway no class, hence no workload, and data-plane.ts labelledControllerServices skips every Service in front of a
// workload of the input, so the controller Service that carried those ports was reported "not in the input" and the
// Envoy Service became ClusterIP. The one controller of the input is the default Gateway's.
test('no Ingress: the only controller of the input is the default Gateway\'s, so its Service is repeated for the stream ports', (t) => {
  const objects = [
    controller('ingress-nginx', 'ingress-nginx-controller', ['--tcp-services-configmap=$(POD_NAMESPACE)/tcp-services']),
    lbService('ingress-nginx', 'ingress-nginx-controller', {app: 'ingress-nginx-controller'}, {'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internal'}),
    configMap('ingress-nginx', 'tcp-services', {'5432': 'db/postgres:5432'}),
  ]
  const r = run(objects, {tcpRoutes: true})
  t.false(r.diagnostics.some((d) => d.code === 'controller-service-unknown'), r.diagnostics.map((d) => `${d.code}: ${d.message}`).join('\n'))
  const [proxy] = proxies(r.objects)
  t.is(proxy?.spec.provider.kubernetes.envoyService.type, 'LoadBalancer')
  t.is(proxy?.spec.provider.kubernetes.envoyService.annotations?.['service.beta.kubernetes.io/aws-load-balancer-scheme'], 'internal', 'an internal load balancer stays internal')
  t.true(r.objects.some((o) => o.kind === 'TCPRoute'))
  // Two controllers and no Ingress: which one the Gateway stands for is unknown; the message says the Services are there.
  const two = run([...objects, controller('ingress-nginx', 'internal', ['--ingress-class=internal', '--controller-class=k8s.io/internal']), lbService('ingress-nginx', 'internal', {app: 'internal'})], {tcpRoutes: true})
  const d = two.diagnostics.find((x) => x.code === 'controller-service-unknown')
  t.truthy(d)
  t.notRegex(d!.message, /is not in the input/)
  t.regex(d!.message, /ingress-nginx\/internal/)
})

// ingress-nginx with use-proxy-protocol: "true" served its clients, so PROXY headers reached it; the controller Service
// has no annotation that asks for them (a target-group attribute set outside Kubernetes, an L4 load balancer in front).
// The EnvoyProxy repeats the Service: the new load balancer sends no PROXY header, and the listeners the
// ClientTrafficPolicy makes expect one (Envoy's proxy_protocol listener filter refuses a connection without it), so
// every connection through it fails. An error (apply refuses) unless --client-ip proxy-protocol says the headers come.
test('use-proxy-protocol without a PROXY annotation on the controller Service: an error, a warning once --client-ip proxy-protocol confirms', (t) => {
  const objects = [
    controller('ingress-nginx', 'ingress-nginx-controller', ['--configmap=$(POD_NAMESPACE)/ingress-nginx-controller']),
    lbService('ingress-nginx', 'ingress-nginx-controller', {app: 'ingress-nginx-controller'}),
    configMap('ingress-nginx', 'ingress-nginx-controller', {'use-proxy-protocol': 'true'}),
    ing('web', 'app', 'nginx', 'app.example.com'),
  ]
  const r = run(objects)
  const ctp = r.objects.find((o) => o.kind === 'ClientTrafficPolicy' && o.spec.targetRefs.some((x: any) => x.sectionName === undefined))
  t.truthy(ctp?.spec.proxyProtocol ?? ctp?.spec.enableProxyProtocol, 'the listeners expect PROXY headers')
  t.false(Object.keys(proxies(r.objects)[0]!.spec.provider.kubernetes.envoyService.annotations ?? {}).some((k) => /proxy/i.test(k)), 'the new load balancer is not asked to send them')
  const d = r.diagnostics.find((x) => x.code === 'data-plane-proxy-protocol-mismatch')!
  t.is(d.level, 'error')
  t.regex(d.hint!, /--client-ip proxy-protocol/)
  t.regex(d.hint!, /cutover --service/)
  const confirmed = run(objects, {clientIp: 'proxy-protocol'})
  t.is(confirmed.diagnostics.find((x) => x.code === 'data-plane-proxy-protocol-mismatch')?.level, 'warning')
})

// A cloud whose PROXY annotation this tool has no rule for (OVHcloud's ovh-loadbalancer-proxy-protocol: v2): the
// annotation is copied to the EnvoyProxy, so the Envoy Service's load balancer is asked for PROXY headers as the
// controller's was. "No annotation makes it send them ... a new load balancer sends none" would be false, and as an
// error it would stop apply: a warning names the copied annotation and asks to confirm with --client-ip proxy-protocol.
test('use-proxy-protocol with an unrecognised PROXY annotation copied to the EnvoyProxy: a warning naming it, not an error', (t) => {
  const key = 'service.beta.kubernetes.io/ovh-loadbalancer-proxy-protocol'
  const objects = [
    controller('ingress-nginx', 'ingress-nginx-controller', ['--configmap=$(POD_NAMESPACE)/ingress-nginx-controller']),
    lbService('ingress-nginx', 'ingress-nginx-controller', {app: 'ingress-nginx-controller'}, {[key]: 'v2'}),
    configMap('ingress-nginx', 'ingress-nginx-controller', {'use-proxy-protocol': 'true'}),
    ing('web', 'app', 'nginx', 'app.example.com'),
  ]
  const r = run(objects)
  t.is(proxies(r.objects)[0]!.spec.provider.kubernetes.envoyService.annotations?.[key], 'v2', 'the annotation reaches the Envoy Service')
  const d = r.diagnostics.find((x) => x.code === 'data-plane-proxy-protocol-mismatch')!
  t.is(d.level, 'warning')
  t.true(d.message.includes(key))
  t.false(/has no annotation/.test(d.message))
  t.regex(d.hint!, /--client-ip proxy-protocol/)
  // A key that names PROXY protocol but turns it off is no evidence: still the error.
  const off = run([...objects.slice(0, 1), lbService('ingress-nginx', 'ingress-nginx-controller', {app: 'ingress-nginx-controller'}, {'service.beta.kubernetes.io/vultr-loadbalancer-proxy-protocol': 'false'}), ...objects.slice(2)])
  t.is(off.diagnostics.find((x) => x.code === 'data-plane-proxy-protocol-mismatch')?.level, 'error')
})
