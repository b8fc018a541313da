import test from 'ava'
import {retryOnFor} from '../../src/annotations/timeouts.js'
import {P, assertValid, btp, configMap, diagnosticsFor, fidelityFor, fixture, translateAll, useValidator} from './support.js'

const {ingress, run} = fixture({})
useValidator()

test('proxy-connect-timeout is the TCP connect timeout, exactly', (t) => {
  const r = run({'proxy-connect-timeout': '30'})
  t.deepEqual(btp(r)?.timeout, {tcp: {connectTimeout: '30s'}})
  t.is(fidelityFor(r, 'proxy-connect-timeout'), 'exact')
  t.deepEqual(diagnosticsFor(r, 'proxy-connect-timeout'), [])
  t.deepEqual(r.objects.find((o) => o.kind === 'BackendTrafficPolicy')!.metadata.annotations?.['ingress2gw.io/annotations'], P + 'proxy-connect-timeout')
  assertValid(t, r)
})

test('proxy-read-timeout becomes the stream idle timeout, the larger of read and send (approximate)', (t) => {
  const r = run({'proxy-read-timeout': '1800'})
  t.deepEqual(btp(r)?.timeout, {http: {streamIdleTimeout: '1800s'}})
  t.is(fidelityFor(r, 'proxy-read-timeout'), 'approximate')
  const [d] = diagnosticsFor(r, 'proxy-read-timeout')
  t.is(d?.level, 'warning')
  t.regex(d!.message, /read 1800s, send 60s \(nginx default\)/)
  t.is(btp(r)?.timeout?.http?.requestTimeout, undefined, 'requestTimeout is never derived from an inactivity timeout')
  assertValid(t, r)

  const send = run({'proxy-send-timeout': '120', 'proxy-read-timeout': '30'})
  t.deepEqual(btp(send)?.timeout, {http: {streamIdleTimeout: '120s'}})
  t.is(fidelityFor(send, 'proxy-send-timeout'), 'approximate')
  t.is(fidelityFor(send, 'proxy-read-timeout'), 'approximate')

  const shortRead = run({'proxy-read-timeout': '5'})
  t.deepEqual(btp(shortRead)?.timeout, {http: {streamIdleTimeout: '60s'}}, 'the unset send timeout keeps nginx\'s 60s')
})

test('the read/send timeout hint matches what the routes carry: Envoy\'s 15s request deadline is already lifted', (t) => {
  const r = run({'proxy-read-timeout': '1800'})
  const hint = diagnosticsFor(r, 'proxy-read-timeout')[0]!.hint!
  t.regex(hint, /Envoy Gateway v1\.8\+/)
  t.regex(hint, /default 15s deadline for a whole request is already lifted \(HTTPRoute rules: timeouts\.request "0s"; GRPCRoutes: timeout\.http\.requestTimeout "0s" in the BackendTrafficPolicy\)/)
  t.notRegex(hint, /ends any request|raise timeout\.http\.requestTimeout/, 'no stale advice to lift a deadline that is not there')
  // The hint's claim, checked against the emitted objects.
  for (const rule of r.objects.find((o) => o.kind === 'HTTPRoute')!.spec.rules) t.deepEqual(rule.timeouts, {request: '0s'})
  const grpc = run({'proxy-send-timeout': '300', 'backend-protocol': 'GRPC'})
  t.regex(diagnosticsFor(grpc, 'proxy-send-timeout')[0]!.hint!, /already lifted/)
  t.deepEqual(btp(grpc)?.timeout?.http, {streamIdleTimeout: '300s', requestTimeout: '0s'})
  assertValid(t, grpc)
})

test('large timeouts stay valid Gateway durations', (t) => {
  const r = run({'proxy-read-timeout': '100000', 'proxy-connect-timeout': '86400'})
  t.deepEqual(btp(r)?.timeout, {tcp: {connectTimeout: '86400s'}, http: {streamIdleTimeout: '27h46m40s'}})
  assertValid(t, r)
})

test('a timeout with a unit is invalid for nginx, which keeps its default; nothing is emitted', (t) => {
  const r = run({'proxy-read-timeout': '60s', 'proxy-connect-timeout': '10'})
  t.deepEqual(btp(r)?.timeout, {tcp: {connectTimeout: '10s'}})
  const [d] = diagnosticsFor(r, 'proxy-read-timeout')
  t.is(d?.code, 'invalid-annotation-value')
  t.is(d?.level, 'error')
  t.like(d!.data, {key: `${P}proxy-read-timeout`, value: '60s', default: '60'})
  t.regex(String(d!.data!.reason), /"60s" is not an integer/)
  t.is(fidelityFor(r, 'proxy-read-timeout'), 'exact')
  t.is(r.ingresses[0]!.status, 'converted')
})

test('zero and negative timeouts are reported, not emitted', (t) => {
  const r = run({'proxy-connect-timeout': '0', 'proxy-read-timeout': '-1'})
  t.is(btp(r), undefined)
  t.is(fidelityFor(r, 'proxy-connect-timeout'), 'manual')
  t.regex(diagnosticsFor(r, 'proxy-connect-timeout')[0]!.message, /time out at once/)
  t.is(fidelityFor(r, 'proxy-read-timeout'), 'manual')
  t.regex(diagnosticsFor(r, 'proxy-read-timeout')[0]!.message, /negative/)
})

test('Rancher-style retries: conditions, status codes and tries become one coherent retry block', (t) => {
  const r = run({'proxy-next-upstream': 'error timeout http_502 http_503', 'proxy-next-upstream-tries': '5'})
  t.deepEqual(btp(r)?.retry, {
    numRetries: 4,
    retryOn: {triggers: ['connect-failure', 'refused-stream', 'reset-before-request', 'retriable-status-codes'], httpStatusCodes: [502, 503]},
  })
  t.is(fidelityFor(r, 'proxy-next-upstream'), 'approximate')
  const message = diagnosticsFor(r, 'proxy-next-upstream')[0]!.message
  t.regex(message, /POST, PATCH and LOCK/)
  t.regex(message, /not retried/)
  t.is(fidelityFor(r, 'proxy-next-upstream-tries'), 'exact')
  t.regex(diagnosticsFor(r, 'proxy-next-upstream-tries')[0]!.message, /5 tries = retry.numRetries 4/)
  assertValid(t, r)
})

test('tries alone keeps nginx\'s default conditions instead of Envoy\'s', (t) => {
  const r = run({'proxy-next-upstream-tries': '2'})
  t.deepEqual(btp(r)?.retry, {numRetries: 1, retryOn: {triggers: ['connect-failure', 'refused-stream', 'reset-before-request']}})
  t.truthy(r.diagnostics.find((d) => d.code === 'retry-default-conditions'))
  assertValid(t, r)
})

test('non_idempotent lets Envoy retry after resets, as nginx then does for every method', (t) => {
  const r = run({'proxy-next-upstream': 'error invalid_header http_500 non_idempotent'})
  t.deepEqual(btp(r)?.retry, {numRetries: 2, retryOn: {triggers: ['connect-failure', 'refused-stream', 'reset', 'retriable-status-codes'], httpStatusCodes: [500]}})
  t.notRegex(diagnosticsFor(r, 'proxy-next-upstream')[0]!.message, /POST/)
  t.deepEqual(retryOnFor(['invalid_header']), {triggers: [], codes: [], notRetried: ['invalid_header']})
  assertValid(t, r)
})

test('off, tries 1 and a condition-less list disable retries explicitly', (t) => {
  const off = run({'proxy-next-upstream': 'off', 'proxy-next-upstream-tries': '4', 'proxy-next-upstream-timeout': '10'})
  t.deepEqual(btp(off)?.retry, {numRetries: 0})
  t.is(fidelityFor(off, 'proxy-next-upstream'), 'exact')
  t.is(fidelityFor(off, 'proxy-next-upstream-tries'), 'ignored')
  t.is(fidelityFor(off, 'proxy-next-upstream-timeout'), 'ignored')
  const once = run({'proxy-next-upstream-tries': '1'})
  t.deepEqual(btp(once)?.retry, {numRetries: 0})
  t.is(fidelityFor(once, 'proxy-next-upstream-tries'), 'exact')
  const nothing = run({'proxy-next-upstream': 'non_idempotent'})
  t.deepEqual(btp(nothing)?.retry, {numRetries: 0})
  assertValid(t, off)
})

test('tries 0 (no limit in nginx) needs a number in Envoy Gateway', (t) => {
  const r = run({'proxy-next-upstream-tries': '0'})
  t.is(btp(r)?.retry?.numRetries, 2)
  t.is(fidelityFor(r, 'proxy-next-upstream-tries'), 'approximate')
  const negative = run({'proxy-next-upstream-tries': '-3'})
  t.is(btp(negative)?.retry?.numRetries, 2, 'nginx rejects the configuration; the conversion keeps nginx\'s default of 3 tries')
  t.is(fidelityFor(negative, 'proxy-next-upstream-tries'), 'manual')
})

test('proxy-next-upstream-timeout has no Envoy equivalent and does not create retries on its own', (t) => {
  const r = run({'proxy-next-upstream-timeout': '10'})
  t.is(btp(r), undefined)
  t.is(fidelityFor(r, 'proxy-next-upstream-timeout'), 'approximate')
  t.regex(diagnosticsFor(r, 'proxy-next-upstream-timeout')[0]!.message, /no time budget/)
  const zero = run({'proxy-next-upstream-timeout': '0'})
  t.is(fidelityFor(zero, 'proxy-next-upstream-timeout'), 'exact')
  const withTries = run({'proxy-next-upstream-timeout': '10', 'proxy-next-upstream-tries': '3'})
  t.is(btp(withTries)?.retry?.perRetry, undefined)
})

test('an invalid proxy-next-upstream keeps nginx\'s default conditions', (t) => {
  const r = run({'proxy-next-upstream': 'error,timeout', 'proxy-next-upstream-tries': '3'})
  t.is(diagnosticsFor(r, 'proxy-next-upstream')[0]?.code, 'invalid-annotation-value')
  t.deepEqual(btp(r)?.retry?.retryOn?.triggers, ['connect-failure', 'refused-stream', 'reset-before-request'])
})

test('a canary Ingress takes its primary\'s timeouts: no policy of its own', (t) => {
  const primary = ingress({'proxy-read-timeout': '300'}, {name: 'web'})
  const canary = ingress({canary: 'true', 'canary-weight': '10', 'proxy-read-timeout': '5', 'proxy-next-upstream-tries': '1'}, {name: 'web-canary'})
  const r = translateAll([primary, canary])
  const policies = r.objects.filter((o) => o.kind === 'BackendTrafficPolicy')
  t.deepEqual(policies.map((p) => [p.metadata.name, p.spec.timeout]), [['web', {http: {streamIdleTimeout: '300s'}}]])
  const canaryReport = r.ingresses.find((i) => i.ingress === 'team/web-canary')!
  t.is(canaryReport.annotations[P + 'proxy-read-timeout'], 'ignored')
  t.is(canaryReport.annotations[P + 'proxy-next-upstream-tries'], 'ignored')
})

/** The controller ConfigMap, found under its usual name. */
const controller = (data: Record<string, string>) => configMap('ingress-nginx', 'ingress-nginx-controller', data)

test('the read/send companion comes from the ConfigMap (proxy/main.go Parse falls back to the ConfigMap, not to 60s)', (t) => {
  // nginx: proxy_read_timeout 600s (ConfigMap), proxy_send_timeout 120s (annotation); Envoy's one idle timer takes the larger.
  const r = run({'proxy-send-timeout': '120'}, {extra: [controller({'proxy-read-timeout': '600'})]})
  t.deepEqual(btp(r)?.timeout, {http: {streamIdleTimeout: '600s'}})
  t.regex(diagnosticsFor(r, 'proxy-send-timeout')[0]!.message, /read 600s \(ConfigMap proxy-read-timeout\), send 120s/)
  // A value nginx cannot decode keeps its default (configmap.go ReadConfig: mapstructure leaves NewDefault's 60).
  const bad = run({'proxy-send-timeout': '30'}, {extra: [controller({'proxy-read-timeout': '10m'})]})
  t.deepEqual(btp(bad)?.timeout, {http: {streamIdleTimeout: '60s'}})
  t.regex(diagnosticsFor(bad, 'proxy-send-timeout')[0]!.message, /read 60s \(nginx default\)/)
  assertValid(t, r)
})

test('retry companions come from the ConfigMap: its conditions with the tries annotation, and retry-non-idempotent', (t) => {
  // nginx: proxy_next_upstream "error timeout http_502 http_503" (ConfigMap), proxy_next_upstream_tries 5 (annotation).
  const r = run({'proxy-next-upstream-tries': '5'}, {extra: [controller({'proxy-next-upstream': 'error timeout http_502 http_503'})]})
  t.deepEqual(btp(r)?.retry, {numRetries: 4, retryOn: {triggers: ['connect-failure', 'refused-stream', 'reset-before-request', 'retriable-status-codes'], httpStatusCodes: [502, 503]}})
  t.like(r.diagnostics.find((d) => d.code === 'retry-default-conditions')!.data, {conditions: ['error', 'timeout', 'http_502', 'http_503'], conditionsFrom: 'configmap'})
  // The annotation's conditions with the ConfigMap's tries, and non_idempotent added by buildNextUpstream.
  const both = run({'proxy-next-upstream': 'error http_500'}, {extra: [controller({'proxy-next-upstream-tries': '2', 'retry-non-idempotent': 'true'})]})
  t.deepEqual(btp(both)?.retry, {numRetries: 1, retryOn: {triggers: ['connect-failure', 'refused-stream', 'reset', 'retriable-status-codes'], httpStatusCodes: [500]}})
  t.regex(diagnosticsFor(both, 'proxy-next-upstream')[0]!.message, /"error http_500 non_idempotent" \(non_idempotent from ConfigMap retry-non-idempotent\)/)
  t.notRegex(diagnosticsFor(both, 'proxy-next-upstream')[0]!.message, /POST/, 'with non_idempotent nginx retried every method too')
  assertValid(t, r)
  assertValid(t, both)
})
