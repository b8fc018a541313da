import test from 'ava'
import {translate} from '../../src/translate/index.js'
import type {KubeObject, TranslateResult} from '../../src/translate/types.js'

const P = 'nginx.ingress.kubernetes.io/'

function ingress(annotations: Record<string, string>): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {name: 'shop', namespace: 'team', annotations: Object.fromEntries(Object.entries(annotations).map(([k, v]) => [P + k, v]))},
    spec: {
      ingressClassName: 'nginx',
      rules: [{host: 'shop.example.com', http: {paths: [{path: '/', pathType: 'Prefix', backend: {service: {name: 'shop', port: {number: 80}}}}]}}],
    },
  }
}

function run(...objects: KubeObject[]): TranslateResult {
  return translate({objects: objects.map((object) => ({object, source: {file: 'test.yaml', line: 1}}))}, {})
}

const fidelity = (r: TranslateResult, key: string) => r.ingresses[0]!.annotations[P + key]
const diags = (r: TranslateResult, key: string) => r.diagnostics.filter((d) => d.annotation === P + key)

test('custom-http-errors with default-backend: reported with the responseOverride to write, nothing emitted', (t) => {
  const r = run(ingress({'custom-http-errors': '404, 503', 'default-backend': 'error-pages'}))
  t.is(fidelity(r, 'custom-http-errors'), 'manual')
  const [d] = diags(r, 'custom-http-errors')
  t.is(d?.level, 'warning')
  t.regex(d!.message, /status 404, 503 by the response of Service team\/error-pages \(default-backend\)/)
  t.regex(d!.hint!, /responseOverride: \[\{match: \{statusCodes: \[\{type: Value, value: 404\}, \{type: Value, value: 503\}\]\}, response: /)
  t.is(r.objects.find((o) => o.kind === 'BackendTrafficPolicy'), undefined, 'no policy that would answer differently')
  t.deepEqual(r.objects.find((o) => o.kind === 'HTTPRoute')!.spec.rules[0].backendRefs, [{name: 'shop', port: 80}])
  t.is(fidelity(r, 'default-backend'), 'manual')
  t.regex(diags(r, 'default-backend')[0]!.message, /no ready endpoints nginx sent its requests to team\/error-pages; Envoy answers 503; it also served the error pages/)
})

test('without default-backend the error pages came from the controller\'s default backend', (t) => {
  const r = run(ingress({'custom-http-errors': '500'}))
  t.regex(diags(r, 'custom-http-errors')[0]!.message, /controller's default backend/)
})

test('disable-proxy-intercept-errors limits the override to errors Envoy generates (source: Local)', (t) => {
  const r = run(ingress({'custom-http-errors': '502', 'disable-proxy-intercept-errors': 'true'}))
  t.regex(diags(r, 'custom-http-errors')[0]!.hint!, /source: Local/)
  t.is(fidelity(r, 'disable-proxy-intercept-errors'), 'manual')
  const alone = run(ingress({'disable-proxy-intercept-errors': 'true'}))
  t.is(fidelity(alone, 'disable-proxy-intercept-errors'), 'ignored')
  const off = run(ingress({'custom-http-errors': '502', 'disable-proxy-intercept-errors': 'false'}))
  t.is(fidelity(off, 'disable-proxy-intercept-errors'), 'exact')
  t.notRegex(diags(off, 'custom-http-errors')[0]!.hint!, /source: Local/)
})

test('default-backend alone: the no-endpoints fallback is approximate', (t) => {
  const svc: KubeObject = {apiVersion: 'v1', kind: 'Service', metadata: {name: 'fallback', namespace: 'team'}, spec: {ports: [{port: 80}]}}
  const r = run(ingress({'default-backend': 'fallback'}), svc)
  t.is(fidelity(r, 'default-backend'), 'approximate')
  const [d] = diags(r, 'default-backend')
  t.regex(d!.hint!, /fallback: true/)
  t.notRegex(d!.hint!, /not in the input/)
})

test('invalid values drop the Ingress, as ingress-nginx does', (t) => {
  for (const [key, value] of [['custom-http-errors', '404,not-found'], ['custom-http-errors', '4040'], ['default-backend', 'Error_Pages']]) {
    const r = run(ingress({[key]: value}))
    t.is(diags(r, key)[0]?.code, 'ingress-not-served', `${key}: ${value}`)
    t.is(r.ingresses[0]!.status, 'not-served')
    t.is(r.objects.filter((o) => o.kind === 'HTTPRoute').length, 0)
  }
})
