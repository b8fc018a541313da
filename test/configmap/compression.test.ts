/**
 * use-gzip / enable-brotli -> the Gateway-level BackendTrafficPolicy compressor (compression without a minimum
 * length). Expectations from config.go NewDefault (gzip-level 1, gzip-min-length 256, brotli-level 4,
 * brotli-min-length 20, gzipTypes / brotliTypes), nginx.tmpl (brotli and gzip in the http block), Envoy's
 * compressor_filter.cc (default types, 30-byte minimum) and Envoy Gateway v1.9 compression_types.go /
 * backendtrafficpolicy.go (compressor needs the gzip/brotli object; compression is deprecated from v1.7).
 */
import test from 'ava'
import {contentTypeDifference} from '../../src/configmap/compression.js'
import {clientTrafficFromConfigMap} from '../../src/translate/bundle/client-traffic.js'
import type {Diagnostic, KubeObject} from '../../src/model/types.js'

function convert(data: Record<string, string>, nginxDefaults = true): {spec: Record<string, any> | undefined; diagnostics: Diagnostic[]} {
  const cm = {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'ingress-nginx-controller', namespace: 'ingress-nginx'}, data}
  const r = clientTrafficFromConfigMap(cm, {gateway: {namespace: 'gateway', name: 'shared'}, clientIp: 'auto', nginxDefaults, httpsListener: 'https'})
  return {spec: (r.objects as KubeObject[]).find((o) => o.kind === 'BackendTrafficPolicy')?.spec, diagnostics: r.diagnostics}
}
const of = (diagnostics: Diagnostic[], key: string) => diagnostics.find((d) => d.annotation === key)!

test('gzip with nginx\'s default minimum (256 bytes): compressor, whose minContentLength needs v1.7 anyway', (t) => {
  const {spec, diagnostics} = convert({'use-gzip': 'true'})
  t.deepEqual(spec?.compressor, [{type: 'Gzip', gzip: {}, minContentLength: 256}])
  t.is(spec?.compression, undefined)
  t.regex(of(diagnostics, 'use-gzip').hint!, /v1\.7\+/)
})

test('no minimum above Envoy\'s 30 bytes: the older name compression, accepted from v1.3; brotli before gzip', (t) => {
  const {spec, diagnostics} = convert({'use-gzip': 'true', 'gzip-min-length': '20', 'enable-brotli': 'true'})
  // brotli-min-length defaults to 20: below Envoy's minimum too.
  t.deepEqual(spec?.compression, [{type: 'Brotli', brotli: {}}, {type: 'Gzip', gzip: {}}])
  t.is(spec?.compressor, undefined)
  const d = of(diagnostics, 'gzip-min-length')
  t.is(d.fidelity, 'approximate')
  t.like(d.data, {case: 'min-length', minLength: 20, envoyMinimum: 30})
  t.regex(d.message, /responses of 20-29 bytes are no longer compressed/)
  t.regex(of(diagnostics, 'use-gzip').hint!, /accepted from Envoy Gateway v1\.3; from v1\.7 .*deprecated/)
})

test('content types: the types only one side compresses are named', (t) => {
  // nginx: text/html plus gzipTypes; Envoy: its 18 default types.
  t.is(
    contentTypeDifference('application/atom+xml application/javascript application/x-javascript application/json application/rss+xml application/vnd.ms-fontobject application/x-font-ttf application/x-web-app-manifest+json application/xhtml+xml application/xml font/opentype image/svg+xml image/x-icon text/css text/javascript text/plain text/x-component'),
    'no longer compressed: application/atom+xml, application/rss+xml, application/vnd.ms-fontobject, application/x-font-ttf, application/x-web-app-manifest+json, font/opentype, image/x-icon, text/x-component; ' +
      'now compressed too: application/ecmascript, application/x-json, text/ecmascript, text/js, text/jscript, text/x-javascript, text/x-js, text/xml',
  )
  t.regex(contentTypeDifference('*'), /^nginx compressed every type/)
  t.is(contentTypeDifference('TEXT/PLAIN application/json'), 'now compressed too: application/ecmascript, application/javascript, application/x-javascript, application/x-json, application/xhtml+xml, application/xml, image/svg+xml, text/css, text/ecmascript, text/javascript, text/js, text/jscript, text/x-javascript, text/x-js, text/xml')
})

test('gzip off: its tuning keys have nothing to translate; an invalid switch keeps nginx\'s default (off)', (t) => {
  const off = convert({'use-gzip': 'false', 'gzip-level': '9'})
  t.is(off.spec?.compressor ?? off.spec?.compression, undefined)
  t.deepEqual([of(off.diagnostics, 'use-gzip').fidelity, of(off.diagnostics, 'gzip-level').fidelity], ['exact', 'ignored'])
  const invalid = convert({'use-gzip': 'yes'})
  t.is(invalid.spec?.compressor ?? invalid.spec?.compression, undefined)
  t.is(of(invalid.diagnostics, 'use-gzip').code, 'configmap-value-invalid')
})

test('without --nginx-defaults nothing is emitted and the switch says how to get it', (t) => {
  const {spec, diagnostics} = convert({'enable-brotli': 'true', 'brotli-level': '6'}, false)
  t.is(spec, undefined)
  const d = of(diagnostics, 'enable-brotli')
  t.is(d.fidelity, 'manual')
  t.regex(d.hint!, /--nginx-defaults/)
  t.is(of(diagnostics, 'brotli-level').fidelity, 'manual')
})

test('gzip-disable is a difference only when gzip is generated', (t) => {
  t.is(of(convert({'use-gzip': 'true', 'gzip-disable': 'msie6'}).diagnostics, 'gzip-disable').fidelity, 'approximate')
  t.is(of(convert({'gzip-disable': 'msie6'}).diagnostics, 'gzip-disable').fidelity, 'exact')
})
