import {dnsName} from '../model/names.js'
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

/** The difference between nginx's and Envoy's compressed types, in words; '' when none. */
export function contentTypeDifference(value: string): string {
  const nginx = nginxTypes(value)
  if (nginx === undefined) return `nginx compressed every type ("*"); Envoy compresses only ${ENVOY_COMPRESSED_TYPES.join(', ')}`
  const lost = [...nginx].filter((t) => !ENVOY_COMPRESSED_TYPES.includes(t)).sort()
  const gained = ENVOY_COMPRESSED_TYPES.filter((t) => !nginx.has(t)).sort()
  const parts: string[] = []
  if (lost.length > 0) parts.push(`no longer compressed: ${lost.join(', ')}`)
  if (gained.length > 0) parts.push(`now compressed too: ${gained.join(', ')}`)
  return parts.join('; ')
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
function applyCompressor(cm: ConfigMapContext, c: Compressor, name: string, field: CompressionField): BackendTrafficPolicySpecCompressor | undefined {
  const on = cm.bool(c.on, false)
  const level = cm.int(c.level, c.dflt.level)
  const minLength = cm.int(c.minLength, c.dflt.minLength)
  const typesValue = cm.has(c.types) ? cm.data[c.types] : c.dflt.types
  const tuning = [c.level, c.minLength, c.types]
  if (!on) {
    cm.account(c.on, {level: 'info', code: 'configmap-compression', fidelity: 'exact', message: `${c.on}: "${cm.data[c.on]}": nginx did not compress with ${name}, nor does Envoy Gateway`})
    for (const key of tuning) cm.account(key, {level: 'info', code: 'configmap-compression', fidelity: 'ignored', message: `${key}: "${truncate(cm.value(key))}" tuned ${name}, which is off (${c.on} is not true): nothing to translate`})
    return undefined
  }
  if (!cm.traffic.nginxDefaults) {
    cm.account(c.on, {level: 'info', code: 'configmap-compression', fidelity: 'manual', message: `${c.on}: "${cm.data[c.on]}": nginx compressed responses with ${name}; Envoy Gateway compresses nothing unless a BackendTrafficPolicy sets compression`, hint: `rerun with --nginx-defaults for a Gateway-level BackendTrafficPolicy compression ${c.type}`})
    for (const key of tuning) cm.account(key, {level: 'info', code: 'configmap-compression', fidelity: 'manual', message: `${key}: "${truncate(cm.value(key))}" tuned nginx's ${name}; see ${c.on}`})
    return undefined
  }
  const item: BackendTrafficPolicySpecCompressor = c.type === 'Gzip' ? {type: 'Gzip', gzip: {}} : {type: 'Brotli', brotli: {}}
  if (minLength > ENVOY_MIN_LENGTH) item.minContentLength = minLength
  const types = contentTypeDifference(typesValue)
  const source = cm.has(c.types) ? `${c.types} "${truncate(typesValue)}"` : `nginx's default ${c.types}`
  cm.account(c.on, {
    level: 'info',
    code: 'configmap-compression',
    fidelity: 'approximate',
    message:
      `${c.on}: "${cm.data[c.on]}" -> Gateway-level BackendTrafficPolicy ${field} ${c.type}; ` +
      `content types (${source}): ${types || 'the same'}; nginx compressed only 200, 403 and 404 responses (ngx_http_${name === 'gzip' ? 'gzip' : 'brotli'}_filter_module header filter)${name === 'gzip' ? ' to HTTP/1.1 and later requests (gzip_http_version 1.1)' : ''}, Envoy every status; ` +
      'Envoy Gateway v1.7+ removes Accept-Encoding from the requests it forwards on these routes (xds/translator/compressor.go), so backends that compressed responses themselves now send them uncompressed and only the types above get compressed',
    hint: FIELD_NOTE[field],
  })
  const levelNote = `Envoy compresses ${name} at ${c.envoyLevel}, nginx at ${c.level} ${level}; Envoy Gateway has no field to set it`
  if (cm.has(c.level)) cm.account(c.level, {level: 'info', code: 'configmap-compression', fidelity: 'approximate', message: `${c.level}: "${cm.data[c.level]}": ${levelNote}`})
  if (cm.has(c.minLength)) {
    cm.account(c.minLength, {
      level: 'info',
      code: 'configmap-compression',
      fidelity: minLength >= ENVOY_MIN_LENGTH ? 'exact' : 'approximate',
      message:
        minLength > ENVOY_MIN_LENGTH
          ? `${c.minLength}: "${cm.data[c.minLength]}" -> ${field} ${c.type} minContentLength: ${minLength} (responses whose Content-Length is smaller are not compressed, as nginx; needs Envoy Gateway v1.7+)`
          : minLength === ENVOY_MIN_LENGTH
            ? `${c.minLength}: "${cm.data[c.minLength]}" is Envoy's own minimum of ${ENVOY_MIN_LENGTH} bytes`
            : `${c.minLength}: "${cm.data[c.minLength]}": Envoy compresses from ${ENVOY_MIN_LENGTH} bytes (its minimum), so responses of ${minLength}-${ENVOY_MIN_LENGTH - 1} bytes are no longer compressed`,
    })
  }
  if (cm.has(c.types)) cm.account(c.types, {level: 'info', code: 'configmap-compression', fidelity: types === '' ? 'exact' : 'approximate', message: `${c.types}: "${truncate(typesValue)}": ${types || 'the types Envoy compresses'}; Envoy Gateway has no content-type field`})
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
    cm.account('gzip-disable', {
      level: gzipOn && value.trim() !== '' ? 'warning' : 'info',
      code: 'configmap-compression',
      fidelity: gzipOn && value.trim() !== '' ? 'approximate' : 'exact',
      message: gzipOn && value.trim() !== ''
        ? `gzip-disable: "${truncate(value)}": nginx did not gzip responses to User-Agents matching it; Envoy gzips for every client that accepts gzip (its compressor has no User-Agent condition)`
        : `gzip-disable: "${truncate(value)}" has no effect${gzipOn ? '' : ' (gzip is off, or not generated without --nginx-defaults)'}`,
    })
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
