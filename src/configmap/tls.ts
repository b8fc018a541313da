import {parseGoBool, parseGoInt} from '../model/go-decode.js'
import {ENVOY_CIPHERS, tlsVersionSpan} from '../model/envoy-tls.js'
import {splitList} from './context.js'
import type {ConfigMapContext, ConfigMapFamily, ConfigMapModel, ConfigMapSpec} from './types.js'
import {diagnostic} from '../model/catalogue/diagnostic.js'

const unmapped = {level: 'info', code: 'configmap-key-unmapped'} as const
const unmappedWarning = {level: 'warning', code: 'configmap-key-unmapped'} as const

const CURVES: Record<string, string> = {
  x25519: 'X25519', prime256v1: 'P-256', secp256r1: 'P-256', 'p-256': 'P-256', secp384r1: 'P-384', 'p-384': 'P-384',
  secp521r1: 'P-521', 'p-521': 'P-521',
}

const sessionSpecs: ConfigMapSpec[] = [
  {key: 'ssl-session-cache', summary: 'TLS session cache', fidelity: 'approximate', target: 'none', default: 'true', onInvalid: 'default', notice: unmapped, note: 'controlled TLS session resumption; Envoy Gateway resumes no sessions unless tls.session.resumption is set on the ClientTrafficPolicy (a performance difference only)'},
  {key: 'ssl-session-cache-size', summary: 'Size of the TLS session cache', fidelity: 'ignored', target: 'none', default: '10m', onInvalid: 'as-written', notice: unmapped, note: 'sized the nginx session cache; Envoy Gateway has no such setting'},
  {key: 'ssl-session-timeout', summary: 'Lifetime of cached TLS sessions', fidelity: 'ignored', target: 'none', default: '10m', onInvalid: 'as-written', notice: unmapped, note: 'has no Envoy Gateway equivalent (session lifetime is fixed by Envoy)'},
  {key: 'ssl-session-tickets', summary: 'TLS session tickets', fidelity: 'approximate', target: 'none', default: 'false', onInvalid: 'default', notice: unmapped, note: 'controlled session tickets; in Envoy Gateway that is tls.session.resumption.stateless on the ClientTrafficPolicy (off unless set)'},
  {key: 'ssl-session-ticket-key', summary: 'File with the session ticket key', fidelity: 'manual', target: 'none', default: '', onInvalid: 'as-written', notice: unmappedWarning, note: 'names a ticket key file; Envoy Gateway manages its own ticket keys: the key is not carried over'},
]

/**
 * ssl-protocols, ssl-ciphers, ssl-ecdh-curve, use-http2, http2-max-concurrent-streams -> ClientTrafficPolicy tls
 * (minVersion / maxVersion, ciphers, ecdhCurves, alpnProtocols) and http2. Envoy (BoringSSL) supports fewer
 * ciphers and curves than nginx (OpenSSL): the dropped ones are named.
 */
export const tlsFamily: ConfigMapFamily = {
  name: 'tls',
  specs: [
    {key: 'ssl-protocols', summary: 'TLS versions offered to clients', fidelity: 'exact', target: 'ClientTrafficPolicy tls.minVersion / maxVersion', default: 'TLSv1.2 TLSv1.3', onInvalid: 'as-written', note: 'a gap inside the range cannot be left out by Envoy'},
    {key: 'ssl-ciphers', summary: 'TLS 1.2 cipher suites', fidelity: 'approximate', target: 'ClientTrafficPolicy tls.ciphers', default: 'ECDHE-ECDSA-AES128-GCM-SHA256:... (8 suites, 2 DHE)', onInvalid: 'as-written', note: 'suites BoringSSL lacks (DHE, OpenSSL keywords) are dropped and named; exact when every suite is supported'},
    {key: 'ssl-ecdh-curve', summary: 'ECDH curves', fidelity: 'exact', target: 'ClientTrafficPolicy tls.ecdhCurves', default: 'auto', onInvalid: 'as-written', note: 'curves Envoy does not know are dropped and named'},
    {key: 'use-http2', summary: 'Offer HTTP/2 on HTTPS', fidelity: 'exact', target: 'ClientTrafficPolicy tls.alpnProtocols [http/1.1] when false', default: 'true', onInvalid: 'default'},
    {key: 'http2-max-concurrent-streams', summary: 'Concurrent HTTP/2 streams per connection', fidelity: 'exact', target: 'ClientTrafficPolicy http2.maxConcurrentStreams', default: '128', onInvalid: 'default'},
    {key: 'http2-max-requests', summary: 'Deprecated HTTP/2 requests per connection', fidelity: 'ignored', target: 'none', default: '0', onInvalid: 'default', notice: unmapped, note: 'is deprecated in nginx; Envoy sets no per-connection HTTP/2 request limit unless keep-alive-requests is mapped'},
    ...sessionSpecs,
    {key: 'ssl-buffer-size', summary: 'TLS record buffer size', fidelity: 'ignored', target: 'none', default: '4k', onInvalid: 'as-written', notice: unmapped, note: 'is an nginx TLS record buffer size; Envoy has no equivalent setting'},
    {key: 'ssl-dh-param', summary: 'Secret with DHE parameters', fidelity: 'ignored', target: 'none', default: '', onInvalid: 'as-written', notice: unmapped, note: 'configured DHE key exchange; Envoy (BoringSSL) supports no DHE cipher suites, so the parameters are not needed'},
    {key: 'ssl-early-data', summary: 'TLS 1.3 0-RTT', fidelity: 'ignored', target: 'none', default: 'false', onInvalid: 'default', notice: unmapped, note: 'enabled TLS 1.3 0-RTT in nginx; Envoy Gateway does not accept early data from clients'},
    {key: 'enable-ocsp', summary: 'OCSP stapling', fidelity: 'manual', target: 'none', default: 'false', onInvalid: 'default', notice: unmappedWarning, note: 'stapled OCSP responses; Envoy Gateway staples nothing on its own (Envoy needs a pre-fetched OCSP response beside each certificate)'},
    {key: 'ssl-reject-handshake', summary: 'Refuse handshakes for unknown SNI names', fidelity: 'approximate', target: 'none', default: 'false', onInvalid: 'default', notice: unmapped, note: 'refused TLS handshakes for unknown SNI names; Envoy answers with the listener\'s first certificate unless the https listener is split per hostname'},
  ],
}

/** use-http2, http2-max-concurrent-streams -> tls.alpnProtocols, http2.maxConcurrentStreams. */
function applyHttp2(cm: ConfigMapContext, model: ConfigMapModel): string[] | undefined {
  const {data, has} = cm
  if (has('use-http2')) {
    const h2 = cm.bool('use-http2', true)
    if (parseGoBool(data['use-http2']) !== undefined) {
      cm.use('use-http2')
      if (h2) cm.exact('use-http2', '"true": HTTP/2 over TLS, as Envoy offers by default (ALPN h2, http/1.1)')
      else cm.exact('use-http2', '"false" -> tls.alpnProtocols: [http/1.1] (no HTTP/2 on the https listener)')
    }
  }
  if (has('http2-max-concurrent-streams')) {
    const n = cm.int('http2-max-concurrent-streams', 128, 1)
    const raw = parseGoInt(data['http2-max-concurrent-streams'])
    if (raw !== undefined && raw >= 1 && raw <= 2147483647) {
      model.clientTraffic.http2 = {maxConcurrentStreams: n}
      cm.use('http2-max-concurrent-streams')
      cm.exact('http2-max-concurrent-streams', `"${data['http2-max-concurrent-streams']}" -> http2.maxConcurrentStreams: ${n}`)
    }
  }
  return has('use-http2') && parseGoBool(data['use-http2']) === false ? ['http/1.1'] : undefined
}

function applyProtocols(cm: ConfigMapContext, tls: Record<string, any>): void {
  if (!cm.has('ssl-protocols')) return
  const raw = cm.data['ssl-protocols']
  const {min, max, unknown, missing: gaps} = tlsVersionSpan(splitList(raw))
  if (min === undefined || max === undefined) {
    cm.account('ssl-protocols', diagnostic('ssl-protocols-invalid', {value: raw}))
    return
  }
  tls.minVersion = min
  tls.maxVersion = max
  cm.use('ssl-protocols')
  const notes: string[] = []
  if (unknown.length > 0) notes.push(`${unknown.join(', ')} not supported by Envoy and dropped`)
  if (gaps.length > 0) notes.push(`Envoy cannot leave out ${gaps.map((g) => `TLS ${g}`).join(', ')} inside the range`)
  cm.note(
    'ssl-protocols',
    notes.length > 0 ? 'ssl-protocols-approximate' : 'configmap-key-mapped',
    `"${raw}" -> tls.minVersion: "${tls.minVersion}", tls.maxVersion: "${tls.maxVersion}"${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`,
    {level: notes.length > 0 ? 'warning' : 'info', fidelity: notes.length > 0 ? 'approximate' : 'exact'},
  )
}

function applyCiphers(cm: ConfigMapContext, tls: Record<string, any>): void {
  if (!cm.has('ssl-ciphers')) return
  const raw = cm.data['ssl-ciphers']
  const list = splitList(raw, /:/)
  const kept = list.filter((c) => ENVOY_CIPHERS.has(c))
  const dropped = list.filter((c) => !ENVOY_CIPHERS.has(c))
  if (tls.minVersion === '1.3') {
    cm.account('ssl-ciphers', diagnostic('ssl-ciphers-tls13', {value: raw}))
  } else if (kept.length === 0) {
    cm.account('ssl-ciphers', diagnostic('ssl-ciphers-unsupported', {value: raw}))
  } else {
    tls.ciphers = kept
    cm.use('ssl-ciphers')
    const mapped = {key: 'ssl-ciphers' as const, value: raw, kept, dropped}
    const where = {level: dropped.length > 0 ? ('warning' as const) : ('info' as const), fidelity: dropped.length > 0 ? ('approximate' as const) : ('exact' as const)}
    cm.account('ssl-ciphers', dropped.length > 0 ? diagnostic('ssl-ciphers-approximate', mapped, where) : diagnostic('configmap-key-mapped', mapped, where))
  }
}

function applyCurves(cm: ConfigMapContext, tls: Record<string, any>): void {
  if (!cm.has('ssl-ecdh-curve')) return
  const raw = cm.data['ssl-ecdh-curve'].trim()
  if (raw === '' || raw.toLowerCase() === 'auto') {
    cm.exact('ssl-ecdh-curve', `"${raw}": library default curves, as Envoy (X25519, P-256)`)
    return
  }
  const names = splitList(raw, /:/)
  const mapped = [...new Set(names.map((n) => CURVES[n.toLowerCase()]).filter((x): x is string => x !== undefined))]
  const unknown = names.filter((n) => CURVES[n.toLowerCase()] === undefined)
  if (mapped.length === 0) {
    cm.account('ssl-ecdh-curve', diagnostic('configmap-value-invalid', {key: 'ssl-ecdh-curve', value: raw, expected: 'curve', supported: [...new Set(Object.values(CURVES))]}))
    return
  }
  tls.ecdhCurves = mapped
  cm.use('ssl-ecdh-curve')
  const dropped = unknown.length > 0 ? `; dropped (unknown to Envoy): ${unknown.join(', ')}` : ''
  cm.note('ssl-ecdh-curve', 'configmap-key-mapped', `"${raw}" -> tls.ecdhCurves [${mapped.join(', ')}]${dropped}`, {level: unknown.length > 0 ? 'warning' : 'info', fidelity: unknown.length > 0 ? 'approximate' : 'exact'})
}

/** The TLS family's step: http2 and tls of the ClientTrafficPolicy. */
export function applyTls(cm: ConfigMapContext, model: ConfigMapModel): void {
  const alpn = applyHttp2(cm, model)
  const tls: Record<string, any> = {}
  applyProtocols(cm, tls)
  applyCiphers(cm, tls)
  applyCurves(cm, tls)
  if (alpn) tls.alpnProtocols = alpn
  if (Object.keys(tls).length > 0) model.clientTraffic.tls = tls
}
