/**
 * One backend object in several Ingresses, as a YAML alias (`backend: *api`) or a Helm/Kustomize merge gives it: each
 * Ingress resolves it in its own namespace against the Services of the input (hosts.ts resolveBackend keeps a result
 * per backend object, so that memo must be keyed by namespace and Services, and must not keep a result that reported
 * something: each Ingress gets its own diagnostic). ingress-nginx reads each Ingress's backends afresh:
 * controller.go createUpstreams looks the Service up as `<ingress namespace>/<service name>` and resolves a port name
 * from that Service's ports, per path of every Ingress.
 */
import test from 'ava'
import type {KubeObject} from '../src/model/types.js'
import {ingressWith, routesOf, service, translateAll} from './annotations/support.js'

/** The backend object every Ingress below shares, as a YAML alias would. */
const sharedBackend = () => ({service: {name: 'api', port: {name: 'http'}}})

function ingressIn(namespace: string, name: string, backend: unknown, className = 'nginx'): KubeObject {
  const ingress = ingressWith({}, {name, namespace, host: `${name}.example.com`})
  ingress.spec.ingressClassName = className
  ingress.spec.rules[0].http.paths[0].backend = backend
  return ingress
}

const portsOf = (objects: KubeObject[], namespace: string, name: string) =>
  objects
    .filter((o) => o.metadata.namespace === namespace && o.metadata.name === name)
    .flatMap((o) => o.spec.rules.flatMap((r: any) => (r.backendRefs ?? []).map((b: any) => `${b.name}:${b.port}`)))

test('a backend object shared across namespaces resolves its port name from each namespace\'s own Service', (t) => {
  const backend = sharedBackend()
  const r = translateAll([
    ingressIn('one', 'first', backend),
    ingressIn('two', 'second', backend),
    ingressIn('one', 'third', backend, 'other'),
    service('one', 'api', [{name: 'http', port: 8080}]),
    service('two', 'api', [{name: 'http', port: 9090}]),
  ], {gatewayFor: {other: {namespace: 'gw', name: 'other'}}})
  const routes = routesOf(r)
  t.deepEqual(portsOf(routes, 'one', 'first'), ['api:8080'])
  t.deepEqual(portsOf(routes, 'two', 'second'), ['api:9090'])
  // Another Gateway (its own controller), the same Services: the same answer as its namespace's first Ingress.
  t.deepEqual(portsOf(routes, 'one', 'third'), ['api:8080'])
})

test('a shared backend that resolves with a word to say says it for every Ingress that uses it', (t) => {
  const backend = sharedBackend()
  const external: KubeObject = {apiVersion: 'v1', kind: 'Service', metadata: {name: 'api', namespace: 'ext'}, spec: {type: 'ExternalName', externalName: 'api.example.net', ports: [{name: 'http', port: 443}]}}
  const r = translateAll([
    // Resolved quietly first (namespace one), then the same object where the Service is missing or an ExternalName.
    ingressIn('one', 'quiet', backend),
    ingressIn('missing', 'a', backend),
    ingressIn('missing', 'b', backend),
    ingressIn('ext', 'c', backend),
    ingressIn('ext', 'd', backend),
    service('one', 'api', [{name: 'http', port: 8080}]),
    external,
  ])
  const codes = (code: string) => r.diagnostics.filter((d) => d.code === code).map((d) => d.object).sort()
  t.deepEqual(codes('unresolved-port-name'), ['Ingress missing/a', 'Ingress missing/b'])
  t.deepEqual(codes('externalname-service'), ['Ingress ext/c', 'Ingress ext/d'])
  const routes = routesOf(r)
  t.deepEqual(portsOf(routes, 'one', 'quiet'), ['api:8080'])
  // The ExternalName Service's port name still resolves (nginx proxies to the external name on that port).
  t.deepEqual(portsOf(routes, 'ext', 'c'), ['api:443'])
  t.deepEqual(portsOf(routes, 'missing', 'a'), [])
})

test('a shared backend names one nginx upstream per namespace: an older Ingress of another namespace does not decide it', (t) => {
  // controller.go createUpstreams: the upstream `<namespace>-<service>-<port>` is created by the oldest Ingress that
  // names it, whose upstream-hash-by holds for every path on it; `one-api-http` (the older Ingress's, no hash) is
  // not `two-api-http`, which the younger Ingress creates with its own hash.
  const backend = sharedBackend()
  const older = ingressIn('one', 'older', backend)
  older.metadata.creationTimestamp = '2024-01-01T00:00:00Z'
  const younger = ingressIn('two', 'younger', backend)
  younger.metadata.creationTimestamp = '2024-01-02T00:00:00Z'
  younger.metadata.annotations = {'nginx.ingress.kubernetes.io/upstream-hash-by': '$http_x_user'}
  const r = translateAll([older, younger, service('one', 'api', [{name: 'http', port: 8080}]), service('two', 'api', [{name: 'http', port: 8080}])])
  const hashed = r.objects.filter((o) => o.kind === 'BackendTrafficPolicy' && o.spec?.loadBalancer?.type === 'ConsistentHash').map((o) => `${o.metadata.namespace}/${o.metadata.name}`)
  t.deepEqual(hashed, ['two/younger'])
  t.deepEqual(r.diagnostics.filter((d) => d.code === 'upstream-settings-from-ingress').map((d) => d.object), [])
})
