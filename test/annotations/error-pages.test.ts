import test from 'ava'
import type {KubeObject} from '../../src/model/types.js'
import {diagnosticsFor, fidelityFor, ingressFactory, translateObjects} from './support.js'

const ingress = ingressFactory({name: 'shop', host: 'shop.example.com'})

test('custom-http-errors with default-backend: reported with the responseOverride to write, nothing emitted', (t) => {
  const r = translateObjects(ingress({'custom-http-errors': '404, 503', 'default-backend': 'error-pages'}))
  t.is(fidelityFor(r, 'custom-http-errors'), 'manual')
  const [d] = diagnosticsFor(r, 'custom-http-errors')
  t.is(d?.level, 'warning')
  t.regex(d!.message, /status 404, 503 by the response of Service team\/error-pages \(default-backend\)/)
  t.regex(d!.hint!, /responseOverride: \[\{match: \{statusCodes: \[\{type: Value, value: 404\}, \{type: Value, value: 503\}\]\}, response: /)
  t.is(r.objects.find((o) => o.kind === 'BackendTrafficPolicy'), undefined, 'no policy that would answer differently')
  t.deepEqual(r.objects.find((o) => o.kind === 'HTTPRoute')!.spec.rules[0].backendRefs, [{name: 'shop', port: 80}])
  t.is(fidelityFor(r, 'default-backend'), 'manual')
  t.regex(diagnosticsFor(r, 'default-backend')[0]!.message, /no ready endpoints nginx sent its requests to team\/error-pages; Envoy answers 503; it also served the error pages/)
})

test('without default-backend the error pages came from the controller\'s default backend', (t) => {
  const r = translateObjects(ingress({'custom-http-errors': '500'}))
  t.regex(diagnosticsFor(r, 'custom-http-errors')[0]!.message, /controller's default backend/)
})

test('disable-proxy-intercept-errors limits the override to errors Envoy generates (source: Local)', (t) => {
  const r = translateObjects(ingress({'custom-http-errors': '502', 'disable-proxy-intercept-errors': 'true'}))
  t.regex(diagnosticsFor(r, 'custom-http-errors')[0]!.hint!, /source: Local/)
  t.is(fidelityFor(r, 'disable-proxy-intercept-errors'), 'manual')
  const alone = translateObjects(ingress({'disable-proxy-intercept-errors': 'true'}))
  t.is(fidelityFor(alone, 'disable-proxy-intercept-errors'), 'ignored')
  const off = translateObjects(ingress({'custom-http-errors': '502', 'disable-proxy-intercept-errors': 'false'}))
  t.is(fidelityFor(off, 'disable-proxy-intercept-errors'), 'exact')
  t.notRegex(diagnosticsFor(off, 'custom-http-errors')[0]!.hint!, /source: Local/)
})

test('default-backend alone: the no-endpoints fallback is approximate', (t) => {
  const svc: KubeObject = {apiVersion: 'v1', kind: 'Service', metadata: {name: 'fallback', namespace: 'team'}, spec: {ports: [{port: 80}]}}
  const r = translateObjects(ingress({'default-backend': 'fallback'}), svc)
  t.is(fidelityFor(r, 'default-backend'), 'approximate')
  const [d] = diagnosticsFor(r, 'default-backend')
  t.regex(d!.hint!, /fallback: true/)
  t.notRegex(d!.hint!, /not in the input/)
})

test('invalid values drop the Ingress, as ingress-nginx does', (t) => {
  for (const [key, value] of [['custom-http-errors', '404,not-found'], ['custom-http-errors', '4040'], ['default-backend', 'Error_Pages']]) {
    const r = translateObjects(ingress({[key]: value}))
    t.is(diagnosticsFor(r, key)[0]?.code, 'ingress-not-served', `${key}: ${value}`)
    t.is(r.ingresses[0]!.status, 'not-served')
    t.is(r.objects.filter((o) => o.kind === 'HTTPRoute').length, 0)
  }
})
