import test from 'ava'
import {translate} from '../../src/translate/index.js'
import type {KubeObject, TranslateResult} from '../../src/translate/types.js'

const P = 'nginx.ingress.kubernetes.io/'

function ingress(annotations: Record<string, string>): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {name: 'app', namespace: 'team', annotations: Object.fromEntries(Object.entries(annotations).map(([k, v]) => [P + k, v]))},
    spec: {
      ingressClassName: 'nginx',
      rules: [{host: 'app.example.com', http: {paths: [{path: '/', pathType: 'Prefix', backend: {service: {name: 'app', port: {number: 80}}}}]}}],
    },
  }
}

function run(annotations: Record<string, string>): TranslateResult {
  return translate({objects: [{object: ingress(annotations), source: {file: 'test.yaml', line: 1}}]}, {})
}

function fidelity(r: TranslateResult, key: string) {
  return r.ingresses[0]!.annotations[P + key]
}

function diags(r: TranslateResult, key: string) {
  return r.diagnostics.filter((d) => d.annotation === P + key)
}

function policies(r: TranslateResult) {
  return r.objects.filter((o) => o.kind === 'BackendTrafficPolicy')
}

test('response buffering tuning has no effect under Envoy, each key with its reason', (t) => {
  const r = run({
    'proxy-buffering': 'on',
    'proxy-buffers-number': '8',
    'proxy-busy-buffers-size': '16k',
    'proxy-max-temp-file-size': '0',
    'http2-push-preload': 'true',
    'enable-rewrite-log': 'true',
  })
  t.deepEqual(policies(r), [])
  for (const key of ['proxy-buffering', 'proxy-buffers-number', 'proxy-busy-buffers-size', 'proxy-max-temp-file-size', 'http2-push-preload', 'enable-rewrite-log']) {
    t.is(fidelity(r, key), 'ignored', key)
    const [d] = diags(r, key)
    t.is(d?.level, 'info', key)
    t.true((d?.message.length ?? 0) > 40, `${key} says why`)
  }
})

test('proxy-buffer-size: ignored up to Envoy\'s 60 KiB header limit, approximate above', (t) => {
  const r = run({'proxy-buffer-size': '16k'})
  t.is(fidelity(r, 'proxy-buffer-size'), 'ignored')
  t.regex(diags(r, 'proxy-buffer-size')[0]!.message, /too big header/)
  const big = run({'proxy-buffer-size': '128k'})
  t.is(fidelity(big, 'proxy-buffer-size'), 'approximate')
  t.regex(diags(big, 'proxy-buffer-size')[0]!.message, /60 KiB/)
  const bad = run({'proxy-buffer-size': '16 kb'})
  t.is(diags(bad, 'proxy-buffer-size')[0]?.code, 'invalid-annotation-value')
})

test('proxy-request-buffering off streams, unless proxy-body-size makes Envoy buffer', (t) => {
  const stream = run({'proxy-request-buffering': 'off', 'proxy-body-size': '0'})
  t.is(fidelity(stream, 'proxy-request-buffering'), 'exact')
  t.deepEqual(policies(stream), [])
  const buffered = run({'proxy-request-buffering': 'off', 'proxy-body-size': '50m'})
  t.is(fidelity(buffered, 'proxy-request-buffering'), 'approximate')
  t.regex(diags(buffered, 'proxy-request-buffering')[0]!.message, /requestBuffer/)
  const on = run({'proxy-request-buffering': 'on'})
  t.is(fidelity(on, 'proxy-request-buffering'), 'ignored')
  const invalid = run({'proxy-request-buffering': 'Off'})
  t.is(diags(invalid, 'proxy-request-buffering')[0]?.code, 'invalid-annotation-value', 'ingress-nginx compares on/off case-sensitively')
})

test('proxy-http-version 1.0 is approximate: Envoy always speaks HTTP/1.1', (t) => {
  t.is(fidelity(run({'proxy-http-version': '1.1'}), 'proxy-http-version'), 'ignored')
  const r = run({'proxy-http-version': '1.0'})
  t.is(fidelity(r, 'proxy-http-version'), 'approximate')
  t.regex(diags(r, 'proxy-http-version')[0]!.hint!, /HTTP\/1.1/)
  t.is(diags(run({'proxy-http-version': '2'}), 'proxy-http-version')[0]?.code, 'invalid-annotation-value')
})

test('connection-proxy-header: keep-alive ignored, close approximate, anything else drops the Ingress', (t) => {
  t.is(fidelity(run({'connection-proxy-header': 'keep-alive'}), 'connection-proxy-header'), 'ignored')
  const close = run({'connection-proxy-header': 'close'})
  t.is(fidelity(close, 'connection-proxy-header'), 'approximate')
  t.regex(diags(close, 'connection-proxy-header')[0]!.hint!, /maxRequestsPerConnection: 1/)
  const bad = run({'connection-proxy-header': 'upgrade'})
  t.is(bad.ingresses[0]!.status, 'not-served')
  t.is(diags(bad, 'connection-proxy-header')[0]?.code, 'ingress-not-served')
})

test('an invalid http2-push-preload drops the Ingress, as ingress-nginx does', (t) => {
  const r = run({'http2-push-preload': 'yes'})
  t.is(r.ingresses[0]!.status, 'not-served')
  t.is(r.objects.filter((o) => o.kind === 'HTTPRoute').length, 0)
})

test('access log and tracing switches are Gateway-wide in Envoy Gateway: reported with what to set', (t) => {
  const defaults = run({'enable-access-log': 'true', 'enable-opentelemetry': 'false'})
  t.is(fidelity(defaults, 'enable-access-log'), 'ignored')
  t.is(fidelity(defaults, 'enable-opentelemetry'), 'manual')
  t.regex(diags(defaults, 'enable-opentelemetry')[0]!.hint!, /samplingFraction/)

  const off = run({'enable-access-log': 'false'})
  t.is(fidelity(off, 'enable-access-log'), 'manual')
  t.is(diags(off, 'enable-access-log')[0]?.level, 'info')
  t.regex(diags(off, 'enable-access-log')[0]!.hint!, /telemetry\.accessLog/)

  const traced = run({'enable-opentelemetry': 'true', 'opentelemetry-trust-incoming-span': 'false', 'opentelemetry-operation-name': 'checkout'})
  t.is(fidelity(traced, 'opentelemetry-trust-incoming-span'), 'manual')
  t.regex(diags(traced, 'opentelemetry-operation-name')[0]!.hint!, /spanName/)

  const untraced = run({'opentelemetry-trust-incoming-span': 'false', 'opentelemetry-operation-name': 'bad name!'})
  t.is(fidelity(untraced, 'opentelemetry-trust-incoming-span'), 'ignored')
  t.is(fidelity(untraced, 'opentelemetry-operation-name'), 'ignored')
  t.is(untraced.ingresses[0]!.status, 'converted', 'the operation name is validated only when tracing is on')
})

test('an invalid operation name on a traced Ingress drops it, as ingress-nginx does', (t) => {
  const r = run({'enable-opentelemetry': 'true', 'opentelemetry-operation-name': 'GET /x'})
  t.is(r.ingresses[0]!.status, 'not-served')
  const [d] = diags(r, 'opentelemetry-operation-name')
  t.is(d?.code, 'ingress-not-served')
  t.is(d?.level, 'error')
  t.is(r.objects.filter((o) => o.kind === 'HTTPRoute').length, 0)
})
