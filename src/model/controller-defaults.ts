/**
 * The controller ConfigMap keys that per-Ingress translations combine with their annotations, read as
 * ingress-nginx reads them: template/configmap.go ReadConfig decodes the ConfigMap over config.go NewDefault with
 * mapstructure, so an absent key or a value that does not parse keeps nginx's default. Annotation parsers then fall
 * back to these values for keys the Ingress does not set (e.g. proxy/main.go: `config.ReadTimeout =
 * defBackend.ProxyReadTimeout`), which is why a translation that combines several nginx settings must take the
 * missing ones from here, not from nginx's built-in defaults.
 */
import {parseGoBool, parseGoInt} from './go-decode.js'
import type {KubeObject} from './types.js'

export interface ControllerDefaults {
  proxyConnectTimeout: number
  proxyReadTimeout: number
  proxySendTimeout: number
  /** proxy-next-upstream, split on spaces. */
  proxyNextUpstream: string[]
  proxyNextUpstreamTries: number
  /** retry-non-idempotent: template.go buildNextUpstream appends non_idempotent to every location's conditions. */
  retryNonIdempotent: boolean
  /** Status of requests refused by limit-rps / limit-rpm (limit_req_status). */
  limitReqStatusCode: number
  /** The key of every limit_req / limit_conn zone (nginx.tmpl: `map $allowlist_<id> $limit_<id> { 0 <this>; }`). */
  limitConnZoneVariable: string
  /** The balancer of upstreams whose creating Ingress has no load-balance annotation (controller.go createUpstreams). */
  loadBalance: string
  /** service-upstream for Ingresses without the annotation (serviceupstream/main.go). */
  serviceUpstream: boolean
  /** proxy-body-size (nginx size syntax), the limit every location without the annotation has. */
  proxyBodySize: string
  /** proxy-ssl-location-only: proxy-ssl-* stay on the Ingress's own locations instead of the whole server. */
  proxySslLocationOnly: boolean
  /** ssl-redirect for Ingresses without a valid annotation (rewrite/main.go: GetDefaultBackend().SSLRedirect). */
  sslRedirect: boolean
  /** force-ssl-redirect for Ingresses without a valid annotation (rewrite/main.go: GetDefaultBackend().ForceSSLRedirect). */
  forceSslRedirect: boolean
  /**
   * no-auth-locations: path prefixes where nginx.tmpl sends no auth request and asks no basic auth
   * (isLocationInLocationList wraps both); a plain string, so "" exempts nothing.
   */
  noAuthLocations: string[]
  /** Keys present in the ConfigMap with a value nginx accepted; the others are nginx's defaults. */
  fromConfigMap: Set<string>
}

/** config.go NewDefault (v1.15.1) for the keys above. */
const NGINX_DEFAULTS: Omit<ControllerDefaults, 'fromConfigMap'> = {
  proxyConnectTimeout: 5,
  proxyReadTimeout: 60,
  proxySendTimeout: 60,
  proxyNextUpstream: ['error', 'timeout'],
  proxyNextUpstreamTries: 3,
  retryNonIdempotent: false,
  limitReqStatusCode: 503,
  limitConnZoneVariable: '$binary_remote_addr',
  loadBalance: 'round_robin',
  serviceUpstream: false,
  proxyBodySize: '1m',
  proxySslLocationOnly: false,
  sslRedirect: true,
  forceSslRedirect: false,
  noAuthLocations: ['/.well-known/acme-challenge'],
}

const cache = new WeakMap<KubeObject, ControllerDefaults>()
/** nginx's defaults alone (no ConfigMap): asked for several times per Ingress, so made once. */
let withoutConfigMap: ControllerDefaults | undefined

export function controllerDefaults(configMap: KubeObject | undefined): ControllerDefaults {
  if (configMap && cache.has(configMap)) return cache.get(configMap)!
  if (!configMap && withoutConfigMap) return withoutConfigMap
  const data: Record<string, unknown> = configMap?.data && typeof configMap.data === 'object' ? configMap.data : {}
  const fromConfigMap = new Set<string>()
  const read = <T>(key: string, parse: (v: unknown) => T | undefined, fallback: T): T => {
    if (!Object.prototype.hasOwnProperty.call(data, key)) return fallback
    const raw = data[key]
    const value = parse(typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : raw)
    if (value === undefined) return fallback
    fromConfigMap.add(key)
    return value
  }
  const nonNegative = (v: unknown) => {
    const n = parseGoInt(v)
    return n !== undefined && n >= 0 ? n : undefined
  }
  const text = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined)
  const d = NGINX_DEFAULTS
  const result: ControllerDefaults = {
    proxyConnectTimeout: read('proxy-connect-timeout', nonNegative, d.proxyConnectTimeout),
    proxyReadTimeout: read('proxy-read-timeout', nonNegative, d.proxyReadTimeout),
    proxySendTimeout: read('proxy-send-timeout', nonNegative, d.proxySendTimeout),
    proxyNextUpstream: read('proxy-next-upstream', (v) => text(v)?.split(/\s+/), d.proxyNextUpstream),
    proxyNextUpstreamTries: read('proxy-next-upstream-tries', nonNegative, d.proxyNextUpstreamTries),
    retryNonIdempotent: read('retry-non-idempotent', parseGoBool, d.retryNonIdempotent),
    limitReqStatusCode: read('limit-req-status-code', parseGoInt, d.limitReqStatusCode),
    limitConnZoneVariable: read('limit-conn-zone-variable', text, d.limitConnZoneVariable),
    loadBalance: read('load-balance', text, d.loadBalance),
    serviceUpstream: read('service-upstream', parseGoBool, d.serviceUpstream),
    proxyBodySize: read('proxy-body-size', text, d.proxyBodySize),
    proxySslLocationOnly: read('proxy-ssl-location-only', parseGoBool, d.proxySslLocationOnly),
    sslRedirect: read('ssl-redirect', parseGoBool, d.sslRedirect),
    forceSslRedirect: read('force-ssl-redirect', parseGoBool, d.forceSslRedirect),
    // template.go isLocationInLocationList: strings.Split on ",", each entry trimmed, empty ones skipped.
    noAuthLocations: read('no-auth-locations', (v) => (typeof v === 'string' ? v.split(',').map((s) => s.replace(/^ +| +$/g, '')).filter((s) => s !== '') : undefined), d.noAuthLocations),
    fromConfigMap,
  }
  if (configMap) cache.set(configMap, result)
  else withoutConfigMap = result
  return result
}

/** `<value> (ConfigMap <key>)` or `<value> (nginx default)`, for messages that name where a companion value came from. */
export function describeDefault(defaults: ControllerDefaults, key: string, value: string): string {
  return `${value} (${defaults.fromConfigMap.has(key) ? `ConfigMap ${key}` : 'nginx default'})`
}
