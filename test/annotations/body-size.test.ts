import test from 'ava'
import {P, assertValid, btp, controllerConfigMap, diagnosticsFor, fidelityFor, fixture, useValidator} from './support.js'

const {run} = fixture({name: 'registry', namespace: 'infra', host: 'registry.example.com', port: 5000})
useValidator()

test('8m is eight mebibytes, never a Kubernetes milli-quantity', (t) => {
  const r = run({'proxy-body-size': '8m'})
  t.deepEqual(btp(r)?.requestBuffer, {limit: '8Mi'})
  t.is(fidelityFor(r, 'proxy-body-size'), 'approximate')
  const [d] = diagnosticsFor(r, 'proxy-body-size')
  t.regex(d!.message, /413/)
  t.regex(d!.message, /in memory/)
  t.regex(d!.message, /WebSocket/)
  assertValid(t, r)
})

test('a large limit spells out the memory Envoy needs per upload', (t) => {
  t.regex(diagnosticsFor(run({'proxy-body-size': '1g'}), 'proxy-body-size')[0]!.message, /1Gi per concurrent upload/)
  t.notRegex(diagnosticsFor(run({'proxy-body-size': '8m'}), 'proxy-body-size')[0]!.message, /per concurrent upload/)
})

test('sizes keep their binary unit', (t) => {
  for (const [value, limit] of [['1g', '1Gi'], ['512K', '512Ki'], ['100M', '100Mi'], ['1048576', '1048576']] as const) {
    const r = run({'proxy-body-size': value})
    t.deepEqual(btp(r)?.requestBuffer, {limit}, value)
    assertValid(t, r, value)
  }
})

test('a "b" unit passes ingress-nginx\'s validation but not nginx\'s: manual, read as bytes', (t) => {
  const r = run({'proxy-body-size': '2048b'})
  t.deepEqual(btp(r)?.requestBuffer, {limit: '2048'})
  t.is(fidelityFor(r, 'proxy-body-size'), 'manual')
  t.regex(diagnosticsFor(r, 'proxy-body-size')[0]!.message, /nginx -t fails/)
})

test('0 means no limit: nothing emitted, exact', (t) => {
  const r = run({'proxy-body-size': '0'})
  t.is(btp(r), undefined)
  t.is(fidelityFor(r, 'proxy-body-size'), 'exact')
  t.deepEqual(diagnosticsFor(r, 'proxy-body-size'), [])
})

test('0 with --nginx-defaults warns that the Gateway-level limit may still apply', (t) => {
  const r = run({'proxy-body-size': '0'}, {translate: {nginxDefaults: true}})
  t.is(fidelityFor(r, 'proxy-body-size'), 'exact')
  t.regex(diagnosticsFor(r, 'proxy-body-size')[0]!.message, /Gateway-level/)
})

test('an invalid size ("10mb") is ignored by nginx, which keeps its default', (t) => {
  const r = run({'proxy-body-size': '10mb'})
  t.is(btp(r), undefined)
  const [d] = diagnosticsFor(r, 'proxy-body-size')
  t.is(d?.code, 'invalid-annotation-value')
  t.like(d!.data, {key: `${P}proxy-body-size`, value: '10mb', default: '1m'})
  t.regex(String(d!.data!.reason), /"10mb" is not an nginx size/)
  t.is(r.diagnostics.find((x) => x.code === 'body-size-default')?.annotation, P + 'proxy-body-size')
  t.is(r.ingresses[0]!.status, 'converted')
})

test('gRPC backends are warned that streaming calls are buffered', (t) => {
  const r = run({'proxy-body-size': '4m', 'backend-protocol': 'GRPC'})
  t.regex(diagnosticsFor(r, 'proxy-body-size')[0]!.message, /gRPC/)
})

test('client-body-buffer-size is a buffer, not a limit: ignored; an invalid one drops the Ingress in nginx', (t) => {
  const r = run({'client-body-buffer-size': '64k'})
  t.is(btp(r), undefined)
  t.is(fidelityFor(r, 'client-body-buffer-size'), 'ignored')
  t.regex(diagnosticsFor(r, 'client-body-buffer-size')[0]!.message, /not a limit/)

  const bad = run({'client-body-buffer-size': '64kb', 'proxy-body-size': '8m'})
  t.is(bad.ingresses[0]!.status, 'not-served')
  t.is(diagnosticsFor(bad, 'client-body-buffer-size')[0]?.code, 'ingress-not-served')
  t.is(bad.objects.filter((o) => o.kind === 'BackendTrafficPolicy' || o.kind === 'HTTPRoute').length, 0)
})

// proxy/main.go Parse: without a valid proxy-body-size the location gets GetDefaultBackend().ProxyBodySize, the
// controller ConfigMap's value: the note names that limit, not nginx's built-in 1m.
test('an invalid proxy-body-size under a ConfigMap 8m: the note names the ConfigMap limit nginx used', (t) => {
  const r = run({'proxy-body-size': '8 MB'}, {extra: [controllerConfigMap({'proxy-body-size': '8m'})], translate: {nginxDefaults: true, emitGateway: true}})
  const note = diagnosticsFor(r, 'proxy-body-size').find((d) => d.code === 'body-size-default')!
  t.deepEqual(note.data, {key: `${P}proxy-body-size`, value: '8 MB', default: '8m', from: 'configmap'})
  t.regex(note.message, /the controller ConfigMap's proxy-body-size 8m/)
})
