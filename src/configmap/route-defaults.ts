import {diagnostic} from '../model/catalogue/diagnostic.js'
import {NEXT_UPSTREAM_CONDITIONS, retryDifferences, retryOnFor} from '../annotations/timeouts.js'
import {parseGoInt} from '../model/go-decode.js'
import {controllerDefaults} from '../model/controller-defaults.js'
import type {Fidelity} from '../model/types.js'
import {routeDefaultNotice, splitList} from './context.js'
import type {ConfigMapContext, ConfigMapFamily, ConfigMapModel, ConfigMapSpec} from './types.js'
import type {BackendTrafficPolicySpecLoadBalancer} from '../model/generated/index.js'


/**
 * The ConfigMap settings of nginx's HTTP->HTTPS redirects. The translation assumes nginx's value: a ConfigMap that
 * changes it is reported as manual, with what to set on the Ingresses instead.
 */
const REDIRECT_DEFAULTS: Record<string, {dflt: string; note: string}> = {
  'http-redirect-code': {dflt: '308', note: 'is the status of nginx\'s HTTP->HTTPS redirects; the generated https-redirect routes answer 308'},
  'no-tls-redirect-locations': {dflt: '/.well-known/acme-challenge', note: 'lists path prefixes exempt from the HTTPS redirect; the generated redirect routes only exempt ACME challenges (their Exact HTTPRoutes win over the redirect\'s prefix match)'},
  'preserve-trailing-slash': {dflt: 'false', note: 'kept the trailing slash in HTTPS redirects; Gateway API redirects always keep the path as is'},
  'use-port-in-redirects': {dflt: 'false', note: 'added the port to nginx redirects; Gateway API redirects choose the port from the scheme'},
  'relative-redirects': {dflt: 'false', note: 'made nginx-generated redirects relative; Gateway API redirects are absolute'},
}

/**
 * ssl-redirect and force-ssl-redirect: rewrite/main.go Parse falls back to GetDefaultBackend().SSLRedirect /
 * .ForceSSLRedirect for every Ingress without a valid annotation, so the translation reads them (controller-config.ts)
 * into each Ingress's routes and https-redirect routes; a value mapstructure cannot decode keeps nginx's default.
 */
const REDIRECT_SWITCHES: Record<string, {field: 'sslRedirect' | 'forceSslRedirect'; dflt: string}> = {
  'ssl-redirect': {field: 'sslRedirect', dflt: 'true'},
  'force-ssl-redirect': {field: 'forceSslRedirect', dflt: 'false'},
}

const redirectSwitchSpecs: ConfigMapSpec[] = Object.entries(REDIRECT_SWITCHES).map(([key, {dflt}]) => ({
  key,
  summary: `Default of the ${key} annotation`,
  fidelity: 'exact',
  target: 'the routes and https-redirect routes of every Ingress without the annotation',
  default: dflt,
  onInvalid: 'default',
  note: `is the ${key} of every Ingress without a valid annotation (rewrite/main.go Parse falls back to the ConfigMap), and the conversion reads it so`,
}))

const redirectSpecs: ConfigMapSpec[] = Object.entries(REDIRECT_DEFAULTS).map(([key, {dflt, note}]) => ({
  key,
  summary: `Default of the ${key === 'http-redirect-code' || key === 'no-tls-redirect-locations' ? 'HTTP->HTTPS redirect' : `${key} annotation`}`,
  fidelity: 'exact',
  target: 'the generated https-redirect routes (the nginx default is assumed)',
  default: dflt,
  onInvalid: key === 'http-redirect-code' ? 'default' : key === 'no-tls-redirect-locations' ? 'as-written' : 'default',
  note: `${note}; another value than the default is reported as manual`,
}))

const retrySpecs: ConfigMapSpec[] = [
  {key: 'proxy-next-upstream', summary: 'When to retry a request on another endpoint', fidelity: 'approximate', target: 'Gateway-level BackendTrafficPolicy retry.retryOn (--nginx-defaults)', default: 'error timeout', onInvalid: 'as-written', note: 'the same mapping as the proxy-next-upstream annotation; without --nginx-defaults Envoy Gateway retries nothing'},
  {key: 'proxy-next-upstream-tries', summary: 'Tries including the first attempt', fidelity: 'exact', target: 'Gateway-level BackendTrafficPolicy retry.numRetries (--nginx-defaults)', default: '3', onInvalid: 'default'},
  {key: 'proxy-next-upstream-timeout', summary: 'Time limit for retrying', fidelity: 'approximate', target: 'none', default: '0', onInvalid: 'default', note: 'Envoy Gateway has no overall retry deadline (only retry.perRetry.timeout)'},
  {key: 'retry-non-idempotent', summary: 'Retry POST/PATCH/LOCK too', fidelity: 'approximate', target: 'none', default: 'false', onInvalid: 'default', notice: routeDefaultNotice('approximate'), note: 'let nginx retry POST/PATCH/LOCK after an error; Envoy retries every method on the configured triggers'},
]

const balancerSpecs: ConfigMapSpec[] = [
  {key: 'load-balance', summary: 'Default balancing algorithm', fidelity: 'exact', target: 'Gateway-level BackendTrafficPolicy loadBalancer (--nginx-defaults)', default: 'round_robin', onInvalid: 'as-written', note: 'the balancer of every upstream whose creating Ingress sets none (controller.go createUpstreams); creators\' route-level balancers override it; round_robin is exact, ewma becomes LeastRequest (approximate), chash and sticky need annotation settings (manual); a name balancer.lua does not know is round_robin; without --nginx-defaults Envoy Gateway balances with LeastRequest'},
  {key: 'service-upstream', summary: 'Proxy to the Service IP instead of the endpoints', fidelity: 'exact', target: 'HTTPRoute backends with routingType: Service (per Ingress)', default: 'false', onInvalid: 'default', notice: routeDefaultNotice('exact'), note: 'is the service-upstream of every upstream whose creating Ingress does not set the annotation; those routes get routingType: Service (each Ingress says so)'},
  {key: 'upstream-hash-by', summary: 'Consistent-hash key (read, never applied)', fidelity: 'ignored', target: 'none', default: '', onInvalid: 'as-written', notice: routeDefaultNotice('ignored'), note: 'is read into the controller\'s defaults but applied nowhere in v1.15 (upstreams take upstream-hash-by only from the annotation of the Ingress that creates them, controller.go createUpstreams), so it had no effect'},
  {key: 'upstream-hash-by-subset', summary: 'Hash to a subset of endpoints (read, never applied)', fidelity: 'ignored', target: 'none', default: 'false', onInvalid: 'default', notice: routeDefaultNotice('ignored'), note: 'is read into the controller\'s defaults but, like upstream-hash-by, applied nowhere (controller.go createUpstreams takes the annotation), so it had no effect'},
  {key: 'upstream-hash-by-subset-size', summary: 'Size of the hash subsets (read, never applied)', fidelity: 'ignored', target: 'none', default: '0', onInvalid: 'default', notice: routeDefaultNotice('ignored'), note: 'is read into the controller\'s defaults but, like upstream-hash-by, applied nowhere (controller.go createUpstreams takes the annotation), so it had no effect'},
]

const limitSpecs: ConfigMapSpec[] = [
  {key: 'limit-req-status-code', summary: 'Status of rate-limited requests', fidelity: 'approximate', target: 'none', default: '503', onInvalid: 'default', notice: routeDefaultNotice('approximate'), note: 'was the status of rate-limited requests (nginx default 503); Envoy Gateway answers 429'},
  {key: 'limit-conn-status-code', summary: 'Status of connection-limited requests', fidelity: 'ignored', target: 'none', default: '503', onInvalid: 'default', notice: routeDefaultNotice('ignored'), note: 'was the status of connection-limited requests; limit-connections has no Envoy Gateway equivalent'},
  {key: 'limit-conn-zone-variable', summary: 'Key of the rate and connection limits', fidelity: 'exact', target: 'the limit-rps / limit-rpm rate limits of the Ingresses', default: '$binary_remote_addr', onInvalid: 'as-written', notice: routeDefaultNotice('exact'), note: 'is the key of every limit-rps / limit-rpm / limit-connections count (nginx.tmpl maps $limit_<id> to it); the rate limits of the Ingresses that set them count per this key (client IP, request header or query parameter), and each says so'},
  {key: 'limit-rate', summary: 'Response rate limit per connection', fidelity: 'manual', target: 'BackendTrafficPolicy bandwidthLimit (by hand)', default: '0', onInvalid: 'default', notice: routeDefaultNotice('manual'), note: 'throttled every response to this rate; Envoy Gateway has a bandwidthLimit (BackendTrafficPolicy, v1.8+) to add by hand if needed'},
  {key: 'limit-rate-after', summary: 'Bytes sent before limit-rate applies', fidelity: 'ignored', target: 'none', default: '0', onInvalid: 'default', notice: routeDefaultNotice('ignored'), note: 'started limit-rate after this many bytes; no Envoy Gateway equivalent'},
]

const proxySpecs: ConfigMapSpec[] = [
  {key: 'proxy-http-version', summary: 'HTTP version towards backends', fidelity: 'ignored', target: 'none', default: '1.1', onInvalid: 'as-written', notice: routeDefaultNotice('ignored'), note: 'set the HTTP version towards backends; Envoy uses HTTP/1.1 to Services unless their appProtocol says otherwise'},
  {key: 'custom-http-errors', summary: 'Upstream statuses replaced by the default backend\'s error pages', fidelity: 'manual', target: 'BackendTrafficPolicy responseOverride (by hand)', default: '', onInvalid: 'entries-dropped', notice: routeDefaultNotice('manual'), note: 'intercepted these upstream status codes on every location and served the default backend\'s error pages; add a BackendTrafficPolicy responseOverride (source: Backend) where that matters'},
  {key: 'disable-proxy-intercept-errors', summary: 'Let upstream error pages through despite custom-http-errors', fidelity: 'ignored', target: 'none', default: 'false', onInvalid: 'default', notice: routeDefaultNotice('ignored'), note: 'only mattered beside custom-http-errors (nginx.tmpl proxy_intercept_errors), which is not translated: upstream error responses pass through as this key asked'},
  {key: 'proxy-cookie-domain', summary: 'Default Set-Cookie domain rewrite', fidelity: 'manual', target: 'none', default: 'off', onInvalid: 'as-written', notice: routeDefaultNotice('manual'), note: 'rewrote the Domain of Set-Cookie headers on every location without the proxy-cookie-domain annotation (proxy/main.go falls back to it); Envoy Gateway does not rewrite cookies: make the backends set the right domain'},
  {key: 'proxy-cookie-path', summary: 'Default Set-Cookie path rewrite', fidelity: 'manual', target: 'none', default: 'off', onInvalid: 'as-written', notice: routeDefaultNotice('manual'), note: 'rewrote the Path of Set-Cookie headers on every location without the proxy-cookie-path annotation (proxy/main.go falls back to it); Envoy Gateway does not rewrite cookies: make the backends set the right path'},
  {key: 'proxy-redirect-from', summary: 'Default Location header rewrite (from)', fidelity: 'manual', target: 'none', default: 'off', onInvalid: 'as-written', notice: routeDefaultNotice('manual'), note: 'rewrote Location headers of backend responses on every location without the proxy-redirect-* annotations (proxy/main.go falls back to it; "off" rewrote nothing); Envoy does not rewrite Location headers: make the backends send the public URL'},
  {key: 'proxy-redirect-to', summary: 'Default Location header rewrite (to)', fidelity: 'manual', target: 'none', default: 'off', onInvalid: 'as-written', notice: routeDefaultNotice('manual'), note: 'is the replacement of proxy-redirect-from; see proxy-redirect-from'},
  {key: 'app-root', summary: 'Backend default of the app-root annotation (never read)', fidelity: 'ignored', target: 'none', default: '', onInvalid: 'as-written', notice: routeDefaultNotice('ignored'), note: 'is decoded into the defaults, but rewrite/main.go reads app-root only from the annotation, so it had no effect'},
]

/**
 * The ConfigMap keys that are the defaults of per-Ingress annotations and became Gateway-level policies or route
 * shapes: ssl-redirect / force-ssl-redirect (read into every Ingress), the other redirect settings (assumed),
 * proxy-next-upstream* and load-balance (a Gateway-level BackendTrafficPolicy retry and loadBalancer with
 * --nginx-defaults), limits and the proxy_* defaults (a sentence each); compression has a family of its own.
 */
export const routeDefaultsFamily: ConfigMapFamily = {
  name: 'route-defaults',
  specs: [...redirectSwitchSpecs, ...redirectSpecs, ...retrySpecs, ...balancerSpecs, ...limitSpecs, ...proxySpecs],
}

/** ssl-redirect / force-ssl-redirect read as every Ingress's default; the other redirect settings exact when nginx's, manual otherwise. */
export function applyRedirectDefaults(cm: ConfigMapContext): void {
  const read = controllerDefaults({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'controller'}, data: cm.data})
  for (const [key, {field}] of Object.entries(REDIRECT_SWITCHES)) {
    if (!cm.has(key)) continue
    if (!read.fromConfigMap.has(key)) {
      cm.account(key, diagnostic('configmap-value-invalid', {key, value: cm.data[key], expected: 'boolean', default: read[field], scope: 'route-default'}))
      continue
    }
    cm.note(key, 'configmap-route-default', `"${cm.data[key]}" is the ${key} of every Ingress without the annotation (rewrite/main.go), as in the generated routes and https-redirect routes`, {level: 'info', fidelity: 'exact'})
  }
  for (const [key, {dflt, note}] of Object.entries(REDIRECT_DEFAULTS)) {
    if (!cm.has(key)) continue
    const same = cm.data[key].trim() === dflt
    cm.note(
      key,
      same ? 'configmap-route-default' : 'configmap-route-default-manual',
      `"${cm.data[key]}" ${note}${same ? ' (the ingress-nginx default, which the translation assumes)' : `; the translation assumes the ingress-nginx default "${dflt}"`}`,
      {level: same ? 'info' : 'warning', fidelity: same ? 'exact' : 'manual', hint: same ? undefined : `set the equivalent annotation on the Ingresses that relied on ${key}, or adjust the generated routes`},
    )
  }
}

/** proxy-next-upstream* -> Gateway-level BackendTrafficPolicy retry (--nginx-defaults), else a note each. */
export function applyRetries(cm: ConfigMapContext, model: ConfigMapModel): void {
  const {data, has} = cm
  const nextRaw = has('proxy-next-upstream') ? data['proxy-next-upstream'] : 'error timeout'
  const conditions = splitList(nextRaw)
  const tries = has('proxy-next-upstream-tries') ? parseGoInt(data['proxy-next-upstream-tries']) : 3
  if (has('proxy-next-upstream-tries') && (tries === undefined || tries < 0)) {
    cm.account('proxy-next-upstream-tries', diagnostic('configmap-value-invalid', {key: 'proxy-next-upstream-tries', value: data['proxy-next-upstream-tries'], expected: 'non-negative-integer', default: 3}))
  }
  const triesN = tries !== undefined && tries >= 0 ? tries : 3
  if (!cm.traffic.nginxDefaults) {
    for (const key of ['proxy-next-upstream', 'proxy-next-upstream-tries', 'proxy-next-upstream-timeout']) {
      cm.note(key, 'configmap-route-default-approximate', `"${data[key]}" set how nginx retried failed requests on another endpoint by default (nginx: error timeout, 3 tries); Envoy Gateway retries nothing unless a BackendTrafficPolicy sets retry`, {level: 'info', fidelity: 'approximate', hint: 'rerun with --nginx-defaults for a Gateway-level BackendTrafficPolicy retry'})
    }
    return
  }
  if (conditions.includes('off') || triesN === 1) {
    const why = conditions.includes('off') ? 'proxy-next-upstream off' : 'proxy-next-upstream-tries 1'
    cm.note('proxy-next-upstream', 'configmap-route-default', `"${nextRaw}": no retries (${why}), as Envoy Gateway without retry`, {level: 'info', fidelity: 'exact'})
  } else {
    // The same mapping as the proxy-next-upstream annotation (timeouts family).
    const retryOn = retryOnFor(conditions)
    const {triggers, codes} = retryOn
    const unknown = conditions.filter((c) => !NEXT_UPSTREAM_CONDITIONS.includes(c))
    const retry: Record<string, any> = {}
    if (triesN > 1) retry.numRetries = triesN - 1
    if (triggers.length > 0) {
      retry.retryOn = {triggers}
      if (codes.length > 0) retry.retryOn.httpStatusCodes = codes
      model.backendTraffic.retry = retry
      model.backendTrafficKeys.push('proxy-next-upstream', 'proxy-next-upstream-tries')
    }
    const differences = retryDifferences(conditions, retryOn)
    if (unknown.length > 0) differences.push(`${unknown.join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not a proxy_next_upstream condition and ${unknown.length === 1 ? 'is' : 'are'} ignored`)
    cm.note(
      'proxy-next-upstream',
      'configmap-route-default-approximate',
      `"${nextRaw}" -> Gateway-level BackendTrafficPolicy retry${triggers.length > 0 ? ` on ${triggers.join(', ')}${codes.length > 0 ? ` (${codes.join(', ')})` : ''}` : ' (none: no condition maps)'}` +
        `${differences.length > 0 ? `; ${differences.join('; ')}` : ''}`,
      {level: 'info', fidelity: 'approximate'},
    )
  }
  cm.note('proxy-next-upstream-tries', 'configmap-route-default', `"${data['proxy-next-upstream-tries']}": nginx counted tries including the first attempt -> retry.numRetries: ${Math.max(triesN - 1, 0)}${triesN === 0 ? ' (0 = unlimited in nginx; Envoy Gateway\'s default of 2 retries applies)' : ''}`, {level: 'info', fidelity: 'exact'})
  cm.note('proxy-next-upstream-timeout', 'configmap-route-default-approximate', `"${data['proxy-next-upstream-timeout']}" bounded the time spent retrying; Envoy Gateway has no overall retry deadline (only retry.perRetry.timeout)`, {level: 'info', fidelity: 'approximate'})
}

/**
 * load-balance -> the Gateway-level BackendTrafficPolicy loadBalancer (--nginx-defaults): the balancer of every upstream
 * whose creating Ingress sets no load-balance (controller.go createUpstreams falls back to the ConfigMap's); creators'
 * route-level balancers (load-balance, upstream-hash-by, affinity) override it. Without --nginx-defaults, a note.
 */
export function applyLoadBalance(cm: ConfigMapContext, model: ConfigMapModel): void {
  const raw = cm.has('load-balance') ? cm.data['load-balance'] : undefined
  const balance = configMapBalancer(raw)
  if (!cm.traffic.nginxDefaults) {
    cm.note(
      'load-balance',
      'configmap-route-default-approximate',
      `"${raw}" was the balancer of every upstream whose creating Ingress has no load-balance annotation (controller.go createUpstreams); Envoy Gateway balances with LeastRequest unless a BackendTrafficPolicy sets loadBalancer`,
      {level: 'info', fidelity: 'approximate', hint: balance.loadBalancer ? `rerun with --nginx-defaults for a Gateway-level BackendTrafficPolicy loadBalancer ${balance.loadBalancer.type}` : undefined},
    )
    return
  }
  if (balance.loadBalancer) {
    model.backendTraffic.loadBalancer = balance.loadBalancer
    model.backendTrafficKeys.push('load-balance')
  }
  const {level, code} = routeDefaultNotice(balance.fidelity)
  if (raw !== undefined) cm.note('load-balance', code, `"${raw}" ${balance.message}`, {level, fidelity: balance.fidelity})
  else model.general.push(diagnostic(code, {key: 'load-balance', default: 'round_robin', note: `balancer round_robin (ConfigMap load-balance) ${balance.message}`}, {level, fidelity: balance.fidelity, ...cm.cmSubject}))
}

/**
 * The balancer of the upstreams without one of their own, as balancer.lua get_implementation picks it: a name it has
 * no implementation for falls back to DEFAULT_LB_ALG round_robin; chash and sticky need the hash or cookie settings
 * only annotations give.
 */
function configMapBalancer(raw: string | undefined): {loadBalancer?: BackendTrafficPolicySpecLoadBalancer; fidelity: Fidelity; message: string} {
  const name = raw?.trim() ?? 'round_robin'
  const rule = 'for every upstream whose creating Ingress sets no balancer of its own (controller.go createUpstreams); their route-level policies override it'
  if (name === 'round_robin') return {loadBalancer: {type: 'RoundRobin'}, fidelity: 'exact', message: `-> Gateway-level BackendTrafficPolicy loadBalancer RoundRobin ${rule}`}
  if (name === 'ewma') {
    return {loadBalancer: {type: 'LeastRequest'}, fidelity: 'approximate', message: `-> Gateway-level BackendTrafficPolicy loadBalancer LeastRequest ${rule}; nginx's ewma prefers the endpoint with the lowest moving average of response times, Envoy's LeastRequest the one with the fewest requests in flight`}
  }
  if (['chash', 'chashsubset', 'sticky_balanced', 'sticky_persistent'].includes(name)) {
    return {fidelity: 'manual', message: `is nginx's internal balancer for ${name.startsWith('sticky') ? 'cookie affinity' : 'upstream-hash-by'}, which needs settings only annotations give; no Gateway-level loadBalancer is emitted (Envoy Gateway's LeastRequest applies)`}
  }
  return {loadBalancer: {type: 'RoundRobin'}, fidelity: 'exact', message: `is not a balancer nginx has (balancer.lua falls back to round_robin) -> Gateway-level BackendTrafficPolicy loadBalancer RoundRobin ${rule}`}
}
