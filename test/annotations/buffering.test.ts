import test from 'ava'
import {controllerConfigMap, diagnosticsFor, fidelityFor, fixture, objectsOf} from './support.js'

const {run} = fixture({name: 'app', host: 'app.example.com'})

test('response buffering tuning has no effect under Envoy, each key with its reason', (t) => {
  const r = run({
    'proxy-buffering': 'on',
    'proxy-buffers-number': '8',
    'proxy-busy-buffers-size': '16k',
    'proxy-max-temp-file-size': '0',
    'http2-push-preload': 'true',
    'enable-rewrite-log': 'true',
  })
  t.deepEqual(objectsOf(r, 'BackendTrafficPolicy'), [])
  for (const key of ['proxy-buffering', 'proxy-buffers-number', 'proxy-busy-buffers-size', 'proxy-max-temp-file-size', 'http2-push-preload', 'enable-rewrite-log']) {
    t.is(fidelityFor(r, key), 'ignored', key)
    const [d] = diagnosticsFor(r, key)
    t.is(d?.level, 'info', key)
    t.true((d?.message.length ?? 0) > 40, `${key} says why`)
  }
})

test('proxy-buffer-size: ignored up to Envoy\'s 60 KiB header limit, approximate above', (t) => {
  const r = run({'proxy-buffer-size': '16k'})
  t.is(fidelityFor(r, 'proxy-buffer-size'), 'ignored')
  t.regex(diagnosticsFor(r, 'proxy-buffer-size')[0]!.message, /too big header/)
  const big = run({'proxy-buffer-size': '128k'})
  t.is(fidelityFor(big, 'proxy-buffer-size'), 'approximate')
  t.regex(diagnosticsFor(big, 'proxy-buffer-size')[0]!.message, /60 KiB/)
  const bad = run({'proxy-buffer-size': '16 kb'})
  t.is(diagnosticsFor(bad, 'proxy-buffer-size')[0]?.code, 'invalid-annotation-value')
})

test('proxy-request-buffering off streams, unless proxy-body-size makes Envoy buffer', (t) => {
  const stream = run({'proxy-request-buffering': 'off', 'proxy-body-size': '0'})
  t.is(fidelityFor(stream, 'proxy-request-buffering'), 'exact')
  t.deepEqual(objectsOf(stream, 'BackendTrafficPolicy'), [])
  const buffered = run({'proxy-request-buffering': 'off', 'proxy-body-size': '50m'})
  t.is(fidelityFor(buffered, 'proxy-request-buffering'), 'approximate')
  t.regex(diagnosticsFor(buffered, 'proxy-request-buffering')[0]!.message, /requestBuffer/)
  const on = run({'proxy-request-buffering': 'on'})
  t.is(fidelityFor(on, 'proxy-request-buffering'), 'ignored')
  const invalid = run({'proxy-request-buffering': 'Off'})
  t.is(diagnosticsFor(invalid, 'proxy-request-buffering')[0]?.code, 'invalid-annotation-value', 'ingress-nginx compares on/off case-sensitively')
})

test('proxy-http-version 1.0 is approximate: Envoy always speaks HTTP/1.1', (t) => {
  t.is(fidelityFor(run({'proxy-http-version': '1.1'}), 'proxy-http-version'), 'ignored')
  const r = run({'proxy-http-version': '1.0'})
  t.is(fidelityFor(r, 'proxy-http-version'), 'approximate')
  t.regex(diagnosticsFor(r, 'proxy-http-version')[0]!.hint!, /HTTP\/1.1/)
  t.is(diagnosticsFor(run({'proxy-http-version': '2'}), 'proxy-http-version')[0]?.code, 'invalid-annotation-value')
})

test('connection-proxy-header: keep-alive ignored, close approximate, anything else drops the Ingress', (t) => {
  t.is(fidelityFor(run({'connection-proxy-header': 'keep-alive'}), 'connection-proxy-header'), 'ignored')
  const close = run({'connection-proxy-header': 'close'})
  t.is(fidelityFor(close, 'connection-proxy-header'), 'approximate')
  t.regex(diagnosticsFor(close, 'connection-proxy-header')[0]!.hint!, /maxRequestsPerConnection: 1/)
  const bad = run({'connection-proxy-header': 'upgrade'})
  t.is(bad.ingresses[0]!.status, 'not-served')
  t.is(diagnosticsFor(bad, 'connection-proxy-header')[0]?.code, 'ingress-not-served')
})

test('an invalid http2-push-preload drops the Ingress, as ingress-nginx does', (t) => {
  const r = run({'http2-push-preload': 'yes'})
  t.is(r.ingresses[0]!.status, 'not-served')
  t.is(r.objects.filter((o) => o.kind === 'HTTPRoute').length, 0)
})

test('access log and tracing switches are Gateway-wide in Envoy Gateway: reported with what to set', (t) => {
  const defaults = run({'enable-access-log': 'true', 'enable-opentelemetry': 'false'})
  t.is(fidelityFor(defaults, 'enable-access-log'), 'ignored')
  t.is(fidelityFor(defaults, 'enable-opentelemetry'), 'manual')
  t.regex(diagnosticsFor(defaults, 'enable-opentelemetry')[0]!.hint!, /samplingFraction/)

  const off = run({'enable-access-log': 'false'})
  t.is(fidelityFor(off, 'enable-access-log'), 'manual')
  t.is(diagnosticsFor(off, 'enable-access-log')[0]?.level, 'info')
  t.regex(diagnosticsFor(off, 'enable-access-log')[0]!.hint!, /telemetry\.accessLog/)

  const traced = run({'enable-opentelemetry': 'true', 'opentelemetry-trust-incoming-span': 'false', 'opentelemetry-operation-name': 'checkout'})
  t.is(fidelityFor(traced, 'opentelemetry-trust-incoming-span'), 'manual')
  t.regex(diagnosticsFor(traced, 'opentelemetry-operation-name')[0]!.hint!, /spanName/)

  const untraced = run({'opentelemetry-trust-incoming-span': 'false', 'opentelemetry-operation-name': 'bad name!'})
  t.is(fidelityFor(untraced, 'opentelemetry-trust-incoming-span'), 'ignored')
  t.is(fidelityFor(untraced, 'opentelemetry-operation-name'), 'ignored')
  t.is(untraced.ingresses[0]!.status, 'converted', 'the operation name is validated only when tracing is on')
})

test('an invalid operation name on a traced Ingress drops it, as ingress-nginx does', (t) => {
  const r = run({'enable-opentelemetry': 'true', 'opentelemetry-operation-name': 'GET /x'})
  t.is(r.ingresses[0]!.status, 'not-served')
  const [d] = diagnosticsFor(r, 'opentelemetry-operation-name')
  t.is(d?.code, 'ingress-not-served')
  t.is(d?.level, 'error')
  t.is(r.objects.filter((o) => o.kind === 'HTTPRoute').length, 0)
})

// proxy/main.go Parse: an invalid proxy-body-size falls back to GetDefaultBackend().ProxyBodySize, the ConfigMap's:
// nginx enforced 8m here, which the route's policy (streaming, no requestBuffer) no longer carries.
test('proxy-request-buffering off beside an invalid proxy-body-size: the ConfigMap limit nginx enforced is named', (t) => {
  const options = {extra: [controllerConfigMap({'proxy-body-size': '8m'})], translate: {nginxDefaults: true, emitGateway: true}}
  const r = run({'proxy-request-buffering': 'off', 'proxy-body-size': '8 megabytes'}, options)
  t.is(diagnosticsFor(r, 'proxy-body-size')[0]?.code, 'invalid-annotation-value')
  t.is(fidelityFor(r, 'proxy-request-buffering'), 'approximate')
  t.regex(diagnosticsFor(r, 'proxy-request-buffering')[0]!.message, /the ConfigMap's proxy-body-size 8m is therefore not enforced here/)
})
