import {dnsName} from '../model/names.js'
import {diagnostic} from '../model/catalogue/diagnostic.js'
import {typesDifferenceText, type TypesDifference} from '../model/catalogue/configmap.js'
import {splitList, truncate} from './context.js'
import type {ConfigMapContext, ConfigMapFamily, ConfigMapModel, ConfigMapSpec} from './types.js'
import type {BackendTrafficPolicySpecCompressor} from '../model/generated/index.js'

/** config.go gzipTypes / brotliTypes (v1.15.1); nginx compresses text/html besides them (gzip_types, brotli_types). */
const NGINX_GZIP_TYPES =
  'application/atom+xml application/javascript application/x-javascript application/json application/rss+xml application/vnd.ms-fontobject application/x-font-ttf application/x-web-app-manifest+json application/xhtml+xml application/xml font/opentype image/svg+xml image/x-icon text/css text/javascript text/plain text/x-component'
const NGINX_BROTLI_TYPES = `application/xml+rss ${NGINX_GZIP_TYPES}`

/**
 * The types Envoy's compressor filter compresses when content_type is not set (envoy
 * source/extensions/filters/http/compressor/compressor_filter.cc defaultContentEncoding()); Envoy Gateway v1.9 never
 * sets it (xds/translator/compressor.go buildCompressorFilter), so these are the types of every Gateway.
 */
export const ENVOY_COMPRESSED_TYPES = [
  'text/html', 'text/plain', 'text/css', 'application/javascript', 'application/x-javascript', 'text/javascript', 'text/x-javascript',
  'text/ecmascript', 'text/js', 'text/jscript', 'text/x-js', 'application/ecmascript', 'application/x-json', 'application/xml',
  'application/json', 'image/svg+xml', 'text/xml', 'application/xhtml+xml',
]

/** Envoy's smallest compressed response (compressor_filter.cc DefaultMinimumContentLength; EG: "at least 30 bytes"). */
const ENVOY_MIN_LENGTH = 30

interface Compressor {
  /** Envoy Gateway's compression type. */
  type: 'Gzip' | 'Brotli'
  /** The ConfigMap keys: switch, level, min length, types. */
  on: string
  level: string
  minLength: string
  types: string
  dflt: {level: number; minLength: number; types: string}
  /** Envoy's level and what it is called there (not settable through Envoy Gateway). */
  envoyLevel: string
}

const GZIP: Compressor = {type: 'Gzip', on: 'use-gzip', level: 'gzip-level', minLength: 'gzip-min-length', types: 'gzip-types', dflt: {level: 1, minLength: 256, types: NGINX_GZIP_TYPES}, envoyLevel: "zlib's default level 6 (gzip compressor compression_level DEFAULT_COMPRESSION)"}
const BROTLI: Compressor = {type: 'Brotli', on: 'enable-brotli', level: 'brotli-level', minLength: 'brotli-min-length', types: 'brotli-types', dflt: {level: 4, minLength: 20, types: NGINX_BROTLI_TYPES}, envoyLevel: 'quality 3 (brotli compressor default)'}

const target = (what: string) => `Gateway-level BackendTrafficPolicy compressor (compression without minContentLength) ${what} (--nginx-defaults)`

const compressorSpecs = (c: Compressor, name: string): ConfigMapSpec[] => [
  {key: c.on, summary: `${name} responses`, fidelity: 'approximate', target: target(`[{type: ${c.type}}]`), default: 'false', onInvalid: 'default', note: `the content types, level and status codes differ as ${c.types}, ${c.level} and the diagnostic say; Envoy Gateway v1.7+ also removes Accept-Encoding from the requests it sends to the backends, so a backend that compressed other types itself now sends them uncompressed`},
  {key: c.level, summary: `${name} level`, fidelity: 'approximate', target: 'none (Envoy Gateway has no level field)', default: String(c.dflt.level), onInvalid: 'default', note: `Envoy compresses ${name} at ${c.envoyLevel}`},
  {key: c.minLength, summary: `Smallest response compressed with ${name}`, fidelity: 'exact', target: target('minContentLength (Envoy Gateway v1.7+)'), default: String(c.dflt.minLength), onInvalid: 'default', note: `below ${ENVOY_MIN_LENGTH} bytes Envoy's minimum of ${ENVOY_MIN_LENGTH} applies`},
  {key: c.types, summary: `MIME types compressed with ${name}`, fidelity: 'approximate', target: "none (Envoy's built-in list; Envoy Gateway has no content-type field)", default: `${c.dflt.types.split(' ').slice(0, 1)} ... ${c.dflt.types.split(' ').slice(-1)}`, onInvalid: 'as-written', note: 'Envoy compresses its own list of types (text/html, text/plain, text/css, JavaScript, JSON, XML, SVG): the types only one side compresses are named'},
]

/**
 * use-gzip, enable-brotli and their level, minimum length and types -> the `compressor` of the Gateway-level
 * BackendTrafficPolicy with --nginx-defaults (Brotli first: nginx's brotli filter runs before gzip, so a client
 * accepting both got br), or its older name `compression` when no minContentLength is needed. Envoy Gateway has no
 * level or content-type field: the differences are named.
 */
export const compressionFamily: ConfigMapFamily = {
  name: 'compression',
  specs: [
    ...compressorSpecs(GZIP, 'gzip'),
    {key: 'gzip-disable', summary: 'User-Agents not gzipped', fidelity: 'approximate', target: 'none', default: '', onInvalid: 'as-written', note: 'Envoy compresses for every client that accepts gzip (the compressor has no User-Agent condition)'},
    ...compressorSpecs(BROTLI, 'brotli'),
  ],
}

/** The media types nginx compressed for a gzip_types / brotli_types value: text/html always; undefined: any type. */
function nginxTypes(value: string): Set<string> | undefined {
  const types = splitList(value.toLowerCase(), /\s+/)
  return types.includes('*') ? undefined : new Set(['text/html', ...types])
}

/** The types nginx and Envoy compress differently for a gzip_types / brotli_types value. */
function typesDifference(value: string): TypesDifference {
  const nginx = nginxTypes(value)
  if (nginx === undefined) return {every: true, envoy: [...ENVOY_COMPRESSED_TYPES]}
  return {lost: [...nginx].filter((t) => !ENVOY_COMPRESSED_TYPES.includes(t)).sort(), gained: ENVOY_COMPRESSED_TYPES.filter((t) => !nginx.has(t)).sort()}
}

/** The difference between nginx's and Envoy's compressed types, in words; '' when none. */
export function contentTypeDifference(value: string): string {
  return typesDifferenceText(typesDifference(value))
}

/**
 * The BackendTrafficPolicy field: the items are the same under both names (compression_types.go), `compression`
 * is accepted from Envoy Gateway v1.3 but flagged with a DeprecatedField warning from v1.7
 * (backendtrafficpolicy.go deprecatedFieldsUsedInBackendTrafficPolicy), `compressor` exists from v1.6, and
 * minContentLength from v1.7. With a minContentLength the output needs v1.7 anyway, so it says `compressor`;
 * without one, `compression`, which the older releases accept too.
 */
type CompressionField = 'compressor' | 'compression'

const FIELD_NOTE: Record<CompressionField, string> = {
  compressor: 'compressor with minContentLength needs Envoy Gateway v1.7+ (on v1.6 drop minContentLength; before v1.6 also rename compressor to compression, same items)',
  compression: 'compression is accepted from Envoy Gateway v1.3; from v1.7 Envoy Gateway flags it as deprecated (a Warning condition): rename it to compressor there, same items',
}

/** One compressor (gzip or brotli) -> its compression item, and one diagnostic per present key. */
function applyCompressor(cm: ConfigMapContext, c: Compressor, name: 'gzip' | 'brotli', field: CompressionField): BackendTrafficPolicySpecCompressor | undefined {
  const on = cm.bool(c.on, false)
  const level = cm.int(c.level, c.dflt.level)
  const minLength = cm.int(c.minLength, c.dflt.minLength)
  const typesValue = cm.has(c.types) ? cm.data[c.types] : c.dflt.types
  const tuning = [c.level, c.minLength, c.types]
  if (!on) {
    cm.account(c.on, diagnostic('configmap-compression', {key: c.on, value: cm.data[c.on], compressor: name, case: 'off'}, {level: 'info', fidelity: 'exact'}))
    for (const key of tuning) cm.account(key, diagnostic('configmap-compression', {key, value: truncate(cm.value(key)), compressor: name, case: 'tuning-off', switch: c.on}, {level: 'info', fidelity: 'ignored'}))
    return undefined
  }
  if (!cm.traffic.nginxDefaults) {
    const hint = `rerun with --nginx-defaults for a Gateway-level BackendTrafficPolicy compression ${c.type}`
    cm.account(c.on, diagnostic('configmap-compression', {key: c.on, value: cm.data[c.on], compressor: name, case: 'not-generated'}, {level: 'info', fidelity: 'manual', hint}))
    for (const key of tuning) cm.account(key, diagnostic('configmap-compression', {key, value: truncate(cm.value(key)), compressor: name, case: 'tuning-not-generated', switch: c.on}, {level: 'info', fidelity: 'manual'}))
    return undefined
  }
  const item: BackendTrafficPolicySpecCompressor = c.type === 'Gzip' ? {type: 'Gzip', gzip: {}} : {type: 'Brotli', brotli: {}}
  if (minLength > ENVOY_MIN_LENGTH) item.minContentLength = minLength
  const types = typesDifference(typesValue)
  const typesSource = cm.has(c.types) ? {typesKey: c.types, typesValue: truncate(typesValue)} : {typesKey: c.types}
  cm.account(c.on, diagnostic('configmap-compression', {key: c.on, value: cm.data[c.on], compressor: name, case: 'generated', field, type: c.type, ...typesSource, types}, {level: 'info', fidelity: 'approximate', hint: FIELD_NOTE[field]}))
  if (cm.has(c.level)) cm.account(c.level, diagnostic('configmap-compression', {key: c.level, value: cm.data[c.level], compressor: name, case: 'level', nginxLevel: level, envoyLevel: c.envoyLevel}, {level: 'info', fidelity: 'approximate'}))
  if (cm.has(c.minLength)) {
    const data = {key: c.minLength, value: cm.data[c.minLength], compressor: name, case: 'min-length' as const, minLength, envoyMinimum: ENVOY_MIN_LENGTH, field, type: c.type}
    cm.account(c.minLength, diagnostic('configmap-compression', data, {level: 'info', fidelity: minLength >= ENVOY_MIN_LENGTH ? 'exact' : 'approximate'}))
  }
  if (cm.has(c.types)) {
    const same = typesDifferenceText(types) === ''
    cm.account(c.types, diagnostic('configmap-compression', {key: c.types, value: truncate(typesValue), compressor: name, case: 'types', types}, {level: 'info', fidelity: same ? 'exact' : 'approximate'}))
  }
  return item
}

/**
 * use-gzip / enable-brotli -> the Gateway-level BackendTrafficPolicy compressor / compression (--nginx-defaults). Route-level
 * BackendTrafficPolicies keep it: they merge with the Gateway-level one (mergeType: StrategicMerge) or, when an
 * Ingress opts out of another default, repeat its fields (translate/index.ts mergeWithGatewayPolicies).
 */
export function applyCompression(cm: ConfigMapContext, model: ConfigMapModel): void {
  const needsMinLength = (c: Compressor) => cm.bool(c.on, false) && cm.int(c.minLength, c.dflt.minLength) > ENVOY_MIN_LENGTH
  const field: CompressionField = needsMinLength(BROTLI) || needsMinLength(GZIP) ? 'compressor' : 'compression'
  const items = [applyCompressor(cm, BROTLI, 'brotli', field), applyCompressor(cm, GZIP, 'gzip', field)].filter((i) => i !== undefined)
  const gzipOn = items.some((i) => i.type === 'Gzip')
  if (cm.has('gzip-disable')) {
    const value = cm.data['gzip-disable']
    const differs = gzipOn && value.trim() !== ''
    cm.account('gzip-disable', diagnostic('configmap-compression', {key: 'gzip-disable', value: truncate(value), compressor: 'gzip', case: 'gzip-disable', gzipOn}, {level: differs ? 'warning' : 'info', fidelity: differs ? 'approximate' : 'exact'}))
  }
  if (items.length === 0) return
  // The same items under either name (compression_types.go).
  if (field === 'compressor') model.backendTraffic.compressor = items
  else model.backendTraffic.compression = items
  model.backendTrafficKeys.push('use-gzip', 'gzip-min-length', 'enable-brotli', 'brotli-min-length')
  model.checklist.push(
    `BackendTrafficPolicy ${dnsName(cm.traffic.gateway.name, 'defaults')} compresses responses (${items.map((i) => i.type).join(', ')}) on every route of the Gateway, as the ConfigMap's ${items.map((i) => (i.type === 'Gzip' ? 'use-gzip' : 'enable-brotli')).join(' and ')} did; ${FIELD_NOTE[field]}`,
  )
}
