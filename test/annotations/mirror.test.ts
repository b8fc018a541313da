import test from 'ava'
import {translate} from '../../src/translate/index.js'
import type {KubeObject, TranslateResult} from '../../src/translate/types.js'
import {loadValidator, type Validator} from '../support/conformance.js'

const P = 'nginx.ingress.kubernetes.io/'

function ingress(annotations: Record<string, string>): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {name: 'orders', namespace: 'shop', annotations: Object.fromEntries(Object.entries(annotations).map(([k, v]) => [P + k, v]))},
    spec: {
      ingressClassName: 'nginx',
      rules: [{host: 'orders.example.com', http: {paths: [{path: '/', pathType: 'Prefix', backend: {service: {name: 'orders', port: {number: 8080}}}}]}}],
    },
  }
}

function run(annotations: Record<string, string>): TranslateResult {
  return translate({objects: [{object: ingress(annotations), source: {file: 'test.yaml', line: 1}}]}, {})
}

const route = (r: TranslateResult) => r.objects.find((o) => o.kind === 'HTTPRoute')
const fidelity = (r: TranslateResult, key: string) => r.ingresses[0]!.annotations[P + key]
const diags = (r: TranslateResult, key: string) => r.diagnostics.filter((d) => d.annotation === P + key)

let validator: Validator
test.before(async () => {
  validator = await loadValidator()
})

function assertValid(t: any, r: TranslateResult) {
  for (const o of r.objects) t.deepEqual(validator.validate(o), [], `${o.kind} ${o.metadata.name}`)
}

test('an in-cluster mirror URL with $request_uri mirrors to the Service and port', (t) => {
  const r = run({'mirror-target': 'http://orders-shadow.shop.svc.cluster.local:8080$request_uri'})
  t.deepEqual(route(r)!.spec.rules[0].filters, [{type: 'RequestMirror', requestMirror: {backendRef: {group: '', kind: 'Service', name: 'orders-shadow', port: 8080}}}])
  t.deepEqual(route(r)!.spec.rules[0].backendRefs, [{name: 'orders', port: 8080}])
  t.is(fidelity(r, 'mirror-target'), 'approximate')
  const message = diags(r, 'mirror-target')[0]!.message
  t.regex(message, /client's Host header.*Host: orders-shadow\.shop\.svc\.cluster\.local$/)
  t.notRegex(message, /path/, 'the path is the same as nginx\'s $request_uri')
  t.is(r.objects.filter((o) => o.kind === 'Backend').length, 0)
  assertValid(t, r)
})

test('a Service in another namespace gets a ReferenceGrant there', (t) => {
  const r = run({'mirror-target': 'http://recorder.qa.svc:80$request_uri'})
  t.deepEqual(route(r)!.spec.rules[0].filters[0].requestMirror.backendRef, {group: '', kind: 'Service', name: 'recorder', namespace: 'qa', port: 80})
  const grant = r.objects.find((o) => o.kind === 'ReferenceGrant' && o.metadata.namespace === 'qa')
  t.deepEqual(grant?.spec, {from: [{group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'shop'}], to: [{group: '', kind: 'Service', name: 'recorder'}]})
  assertValid(t, r)
})

test('an external https mirror goes through a TLS Backend; a fixed path is approximate', (t) => {
  const r = run({'mirror-target': 'https://Shadow.Example.net/capture', 'mirror-host': 'capture.example.net', 'mirror-request-body': 'off'})
  const backend = r.objects.find((o) => o.kind === 'Backend')
  t.is(backend?.metadata.name, 'orders-mirror')
  t.deepEqual(backend?.spec, {endpoints: [{fqdn: {hostname: 'shadow.example.net', port: 443}}], tls: {insecureSkipVerify: true, sni: 'shadow.example.net'}})
  t.deepEqual(route(r)!.spec.rules[0].filters[0].requestMirror.backendRef, {group: 'gateway.envoyproxy.io', kind: 'Backend', name: 'orders-mirror'})
  const [d] = diags(r, 'mirror-target')
  t.regex(d!.message, /Host: capture\.example\.net, and it gets the request's own path and query where nginx sent "\/capture"/)
  t.regex(d!.hint!, /enableBackend/)
  t.is(fidelity(r, 'mirror-host'), 'approximate')
  t.is(fidelity(r, 'mirror-request-body'), 'approximate')
  t.regex(diags(r, 'mirror-request-body')[0]!.message, /with its body/)
  assertValid(t, r)
})

test('mirror settings without a usable target', (t) => {
  const alone = run({'mirror-host': 'x.example.com', 'mirror-request-body': 'off'})
  t.is(fidelity(alone, 'mirror-host'), 'ignored')
  t.is(fidelity(alone, 'mirror-request-body'), 'ignored')
  t.is(route(alone)!.spec.rules[0].filters, undefined)

  const variableHost = run({'mirror-target': 'https://$host-shadow$request_uri'})
  t.is(fidelity(variableHost, 'mirror-target'), 'manual')
  t.is(route(variableHost)!.spec.rules[0].filters, undefined)

  const invalid = run({'mirror-target': 'shadow.example.com'})
  t.is(diags(invalid, 'mirror-target')[0]?.code, 'invalid-annotation-value')
  t.is(route(invalid)!.spec.rules[0].filters, undefined)

  const redirected = run({'mirror-target': 'http://a.b.svc$request_uri', 'temporal-redirect': 'https://example.com/'})
  t.is(fidelity(redirected, 'mirror-target'), 'ignored')
})
