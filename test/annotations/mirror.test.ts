import test from 'ava'
import {assertValid, diagnosticsFor, fidelityFor, fixture, routeOf, useValidator} from './support.js'

const {run} = fixture({name: 'orders', namespace: 'shop', host: 'orders.example.com', port: 8080})
useValidator()

test('an in-cluster mirror URL with $request_uri mirrors to the Service and port', (t) => {
  const r = run({'mirror-target': 'http://orders-shadow.shop.svc.cluster.local:8080$request_uri'})
  t.deepEqual(routeOf(r)!.spec.rules[0].filters, [{type: 'RequestMirror', requestMirror: {backendRef: {group: '', kind: 'Service', name: 'orders-shadow', port: 8080}}}])
  t.deepEqual(routeOf(r)!.spec.rules[0].backendRefs, [{name: 'orders', port: 8080}])
  t.is(fidelityFor(r, 'mirror-target'), 'approximate')
  const message = diagnosticsFor(r, 'mirror-target')[0]!.message
  t.regex(message, /client's Host header.*Host: orders-shadow\.shop\.svc\.cluster\.local$/)
  t.notRegex(message, /path/, 'the path is the same as nginx\'s $request_uri')
  t.is(r.objects.filter((o) => o.kind === 'Backend').length, 0)
  assertValid(t, r)
})

test('a Service in another namespace gets a ReferenceGrant there', (t) => {
  const r = run({'mirror-target': 'http://recorder.qa.svc:80$request_uri'})
  t.deepEqual(routeOf(r)!.spec.rules[0].filters[0].requestMirror.backendRef, {group: '', kind: 'Service', name: 'recorder', namespace: 'qa', port: 80})
  const grant = r.objects.find((o) => o.kind === 'ReferenceGrant' && o.metadata.namespace === 'qa')
  t.deepEqual(grant?.spec, {from: [{group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'shop'}], to: [{group: '', kind: 'Service', name: 'recorder'}]})
  assertValid(t, r)
})

test('an external https mirror goes through a TLS Backend; a fixed path is approximate', (t) => {
  const r = run({'mirror-target': 'https://Shadow.Example.net/capture', 'mirror-host': 'capture.example.net', 'mirror-request-body': 'off'})
  const backend = r.objects.find((o) => o.kind === 'Backend')
  t.is(backend?.metadata.name, 'orders-mirror')
  t.deepEqual(backend?.spec, {endpoints: [{fqdn: {hostname: 'shadow.example.net', port: 443}}], tls: {insecureSkipVerify: true, sni: 'shadow.example.net'}})
  t.deepEqual(routeOf(r)!.spec.rules[0].filters[0].requestMirror.backendRef, {group: 'gateway.envoyproxy.io', kind: 'Backend', name: 'orders-mirror'})
  const [d] = diagnosticsFor(r, 'mirror-target')
  t.regex(d!.message, /Host: capture\.example\.net, and it gets the request's own path and query where nginx sent "\/capture"/)
  t.regex(d!.hint!, /enableBackend/)
  t.is(fidelityFor(r, 'mirror-host'), 'approximate')
  t.is(fidelityFor(r, 'mirror-request-body'), 'approximate')
  t.regex(diagnosticsFor(r, 'mirror-request-body')[0]!.message, /with its body/)
  assertValid(t, r)
})

test('mirror settings without a usable target', (t) => {
  const alone = run({'mirror-host': 'x.example.com', 'mirror-request-body': 'off'})
  t.is(fidelityFor(alone, 'mirror-host'), 'ignored')
  t.is(fidelityFor(alone, 'mirror-request-body'), 'ignored')
  t.is(routeOf(alone)!.spec.rules[0].filters, undefined)

  const variableHost = run({'mirror-target': 'https://$host-shadow$request_uri'})
  t.is(fidelityFor(variableHost, 'mirror-target'), 'manual')
  t.is(routeOf(variableHost)!.spec.rules[0].filters, undefined)

  const invalid = run({'mirror-target': 'shadow.example.com'})
  t.is(diagnosticsFor(invalid, 'mirror-target')[0]?.code, 'invalid-annotation-value')
  t.is(routeOf(invalid)!.spec.rules[0].filters, undefined)

  const redirected = run({'mirror-target': 'http://a.b.svc$request_uri', 'temporal-redirect': 'https://example.com/'})
  t.is(fidelityFor(redirected, 'mirror-target'), 'ignored')
})
