import {parseRedirectAnnotations} from './redirects.js'
import type {AnnotationFamily, FamilyContext, ParseResult} from './types.js'

/** Gateway API hostname (HTTPRoute `hostnames`): lower case, an optional leading `*.` label. */
export const GATEWAY_HOSTNAME = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/
/** Gateway API PreciseHostname (URLRewrite/RequestRedirect `hostname`, BackendTLSPolicy `validation.hostname`). */
export const PRECISE_HOSTNAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/
/** The Host values nginx sends upstream by default: forwarding them changes nothing. */
const DEFAULT_HOST_VARIABLES = new Set(['$host', '$http_host', '$best_http_host'])
/** Gateway API allows at most 16 entries in each header modifier list. */
const MAX_HEADER_ENTRIES = 16

/**
 * ingress-nginx's "location denied": every path of the Ingress answers 503, for an invalid value with that effect
 * or for a reason the value alone does not show (a missing companion key, a cross-namespace reference). The
 * conversion emits nothing for such an Ingress (the framework's rule for invalid values with this effect), and
 * says why.
 */
export function denyLocations(ctx: FamilyContext, key: string, reason: string): void {
  ctx.ingress.served = false
  ctx.account(
    key,
    'manual',
    `${reason}; ingress-nginx answered 503 on every path of this Ingress because of it; the conversion emits nothing for this Ingress, as it serves nothing today`,
    {level: 'error', code: 'ingress-not-served', hint: 'fix the annotations if this Ingress is meant to serve traffic, then convert again'},
  )
}

/**
 * permanent-redirect or temporal-redirect answers every path of the Ingress: nginx's `return` runs before the
 * request could reach a backend (or be mirrored), so upstream settings have no effect.
 */
export function answersWithRedirect(ctx: FamilyContext): boolean {
  const parsed = parseRedirectAnnotations((k) => ctx.raw(k))
  return parsed.outcome === 'config' && parsed.config.kind !== undefined
}

/** `ns/name` (or `name`, read in the Ingress namespace) of a ConfigMap or Secret annotation. */
export function splitNamespacedName(value: string, defaultNamespace: string): {namespace: string; name: string} | undefined {
  const parts = value.trim().split('/')
  if (parts.length === 1 && parts[0] !== '') return {namespace: defaultNamespace, name: parts[0]}
  if (parts.length === 2 && parts[0] !== '' && parts[1] !== '') return {namespace: parts[0], name: parts[1]}
  return undefined
}

function parseNonEmpty(what: string) {
  return (value: string): ParseResult<string> =>
    value.trim() !== '' && !/\s/.test(value.trim()) ? {ok: true, value: value.trim()} : {ok: false, reason: `"${value}" is not a valid ${what}`}
}

function parseAliases(value: string): ParseResult<string[]> {
  const names = value.split(',').map((s) => s.trim()).filter((s) => s !== '')
  if (names.length === 0) return {ok: false, reason: `"${value}" lists no server name`}
  if (names.some((n) => /\s/.test(n))) return {ok: false, reason: `"${value}" is not a comma-separated list of server names`}
  return {ok: true, value: names}
}

/** A server-alias in nginx server_name syntax -> Gateway API hostnames, or why it has none. */
function aliasHostnames(alias: string): {names: string[]} | {why: string} {
  const name = alias.toLowerCase()
  if (name.startsWith('~')) return {why: `${alias} is a regular expression server name`}
  if (/\.\*$/.test(name)) return {why: `${alias} has a trailing wildcard`}
  // nginx's `.example.com` is shorthand for `example.com` and `*.example.com`.
  const names = name.startsWith('.') ? [name.slice(1), `*${name}`] : [name]
  if (names.some((n) => !GATEWAY_HOSTNAME.test(n) || /^\d+(\.\d+){3}$/.test(n))) return {why: `${alias} is not a valid Gateway API hostname`}
  return {names}
}

/**
 * upstream-vhost, server-alias, custom-headers -> HTTPRoute URLRewrite hostname, extra route hostnames,
 * ResponseHeaderModifier set from the ConfigMap's data.
 *
 * upstream-vhost is `proxy_set_header Host <value>` in each location; server-alias adds server_names to the
 * Ingress's servers; custom-headers renders `more_set_headers "<name>: <value>"` (dollars escaped, so values are
 * literal) for every data entry of the ConfigMap, and denies every location when the ConfigMap is missing or a
 * name is not in the controller's `global-allowed-response-headers`.
 */
export const headersFamily: AnnotationFamily = {
  name: 'headers',
  specs: [
    {
      key: 'upstream-vhost',
      summary: 'Host header sent to the backend (may use nginx variables)',
      fidelity: 'exact',
      target: 'HTTPRoute URLRewrite filter hostname',
      default: '$best_http_host (the client\'s Host)',
      onInvalid: 'default',
      parse: parseNonEmpty('Host value'),
    },
    {
      key: 'server-alias',
      summary: 'Extra server names for the Ingress\'s hosts (comma list, nginx server_name syntax)',
      fidelity: 'exact',
      target: 'extra HTTPRoute hostnames',
      onInvalid: 'default',
      parse: parseAliases,
    },
    {
      key: 'custom-headers',
      summary: 'Response headers from a ConfigMap (namespace/name); names must be allowed by global-allowed-response-headers',
      fidelity: 'exact',
      target: 'HTTPRoute ResponseHeaderModifier set (remove for empty values)',
      onInvalid: 'default',
      parse: parseNonEmpty('ConfigMap reference'),
    },
  ],
  apply(ctx) {
    if (ctx.ingress.isCanary) return
    applyUpstreamVhost(ctx)
    applyServerAlias(ctx)
    applyCustomHeaders(ctx)
  },
}

function applyUpstreamVhost(ctx: FamilyContext): void {
  const raw = ctx.value<string>('upstream-vhost')
  if (raw === undefined) return
  if (answersWithRedirect(ctx)) {
    ctx.account('upstream-vhost', 'ignored', 'the Ingress answers every path with a redirect (permanent/temporal-redirect), so no request reaches a backend')
    return
  }
  if (DEFAULT_HOST_VARIABLES.has(raw)) {
    ctx.account('upstream-vhost', 'ignored', `"${raw}" is the client's Host header, which nginx sends by default and Envoy forwards too`)
    return
  }
  if (raw.includes('$')) {
    ctx.account('upstream-vhost', 'manual', `"${raw}" uses nginx variables; a Gateway API hostname rewrite is a fixed name, so the Host header is not rewritten`, {
      hint: 'replace the variables with a fixed host name, or rewrite Host per request with an Envoy Gateway HTTPRouteFilter urlRewrite.hostname (type Header or Backend)',
    })
    return
  }
  const port = /^(.*):(\d+)$/.exec(raw)
  const host = (port ? port[1] : raw).toLowerCase()
  if (!PRECISE_HOSTNAME.test(host)) {
    ctx.account('upstream-vhost', 'manual', `"${raw}" is not a host name Gateway API accepts in a URLRewrite; the Host header is not rewritten`, {
      hint: 'use a DNS name (lower case letters, digits, dashes and dots) and convert again',
    })
    return
  }
  ctx.ingress.intents.filters.push({
    from: [ctx.fullKey('upstream-vhost')],
    filter: {type: 'URLRewrite', urlRewrite: {hostname: host}},
  })
  if (port) {
    ctx.account('upstream-vhost', 'approximate', `a Gateway API hostname rewrite carries no port: the backend receives Host "${host}" instead of "${raw}"`)
  }
}

function applyServerAlias(ctx: FamilyContext): void {
  const aliases = ctx.value<string[]>('server-alias')
  if (aliases === undefined) return
  const names: string[] = []
  const rejected: string[] = []
  for (const alias of aliases) {
    const r = aliasHostnames(alias)
    if ('why' in r) rejected.push(r.why)
    else for (const n of r.names) if (!names.includes(n)) names.push(n)
  }
  if (names.length > 0) ctx.ingress.intents.hostAliases = {names, from: [ctx.fullKey('server-alias')]}
  if (rejected.length > 0) {
    ctx.account('server-alias', 'manual', `${rejected.join('; ')}: Gateway API hostnames are exact names or a leading *. wildcard, so ${rejected.length === 1 ? 'this alias is' : 'these aliases are'} not added`, {
      hint: 'list the concrete host names the alias stood for in server-alias (or as Ingress hosts) and convert again',
    })
  }
}

/** customheaders/main.go headerRegexp and valueRegexp. */
const NGINX_HEADER_NAME = /^[a-zA-Z\d\-_]+$/
const NGINX_HEADER_VALUE = /^[a-zA-Z\d_ :;.,\\/"'?!(){}[\]@<>=\-+*#$&`|~^%]+$/

/**
 * Why customheaders/main.go Parse denied the location (503), or undefined: an entry whose name or value fails its
 * regex, or whose name is not exactly (slices.Contains, case-sensitive) in global-allowed-response-headers, which is
 * empty unless the controller ConfigMap lists names (config.go NewDefault; configmap.go ReadConfig drops invalid ones).
 * Without the controller ConfigMap in the input the allow-list is unknown and not checked (reported by the caller).
 */
function refusedCustomHeaders(ctx: FamilyContext, data: Record<string, unknown>, names: string[]): string | undefined {
  for (const name of names) {
    const value = data[name]
    if (!NGINX_HEADER_NAME.test(name)) return `${name} is not a header name ingress-nginx accepts (letters, digits, - and _)`
    if (typeof value !== 'string' || value === '') return `${name} has an empty value, which ingress-nginx refuses`
    if (!NGINX_HEADER_VALUE.test(value)) return `${name} has a value with characters ingress-nginx refuses (printable ASCII only, no tabs or newlines)`
  }
  const controller = ctx.lookup.controllerConfigMap()
  if (!controller) return undefined
  const raw = controller.data?.['global-allowed-response-headers']
  const allowList = typeof raw === 'string' ? raw.split(',').map((h) => h.trim()).filter((h) => h !== '' && NGINX_HEADER_NAME.test(h)) : []
  const denied = names.filter((n) => !allowList.includes(n))
  if (denied.length === 0) return undefined
  return `${denied.join(', ')} ${denied.length === 1 ? 'is' : 'are'} not listed in the controller ConfigMap's global-allowed-response-headers (${allowList.length > 0 ? `which lists ${allowList.join(', ')}, matched exactly, case included` : 'empty by default'})`
}

function applyCustomHeaders(ctx: FamilyContext): void {
  const raw = ctx.value<string>('custom-headers')
  if (raw === undefined) return
  // store.GetConfigMap looks the value up as an informer key: a bare name (no namespace) finds no ConfigMap.
  const ref = raw.includes('/') ? splitNamespacedName(raw, ctx.ingress.ref.namespace) : undefined
  if (!ref) {
    denyLocations(ctx, 'custom-headers', `"${raw}" is not a ConfigMap reference (namespace/name): ingress-nginx looks it up as namespace/name and found no ConfigMap`)
    return
  }
  const cm = ctx.lookup.configMap(ref.namespace, ref.name)
  if (!cm) {
    // With file input the ConfigMap may just not have been given; in a cluster nginx would have answered 503.
    ctx.account('custom-headers', 'manual', `ConfigMap ${ref.namespace}/${ref.name} is not in the input, so its headers are not known and no response header is set (if it does not exist in the cluster either, ingress-nginx answered 503 on every path of this Ingress)`, {
      hint: `include the ConfigMap in the input (kubectl get configmap -n ${ref.namespace} ${ref.name} -o yaml > cm.yaml, then kubectl ingress2gw convert -f <ingresses> -f cm.yaml) and convert again`,
    })
    return
  }
  const data = cm.data ?? {}
  const names = Object.keys(data).sort()
  const refused = refusedCustomHeaders(ctx, data, names)
  if (refused) {
    denyLocations(ctx, 'custom-headers', refused)
    return
  }
  const allowed = ctx.lookup.controllerConfigMap() ? '' : undefined
  // Names and values passed nginx's checks (refusedCustomHeaders): every entry is a header to set.
  const set: {name: string; value: string}[] = []
  const skipped: string[] = []
  for (const name of names) {
    if (data[name].length > 4096) skipped.push(`${name} (value longer than 4096 characters)`)
    else if (set.length < MAX_HEADER_ENTRIES) set.push({name, value: data[name]})
    else skipped.push(`${name} (Gateway API sets at most ${MAX_HEADER_ENTRIES} headers per filter)`)
  }
  if (set.length > 0) {
    ctx.ingress.intents.filters.push({
      from: [ctx.fullKey('custom-headers')],
      filter: {type: 'ResponseHeaderModifier', responseHeaderModifier: {set}},
    })
  }
  if (skipped.length > 0) {
    ctx.account('custom-headers', 'manual', `ConfigMap ${ref.namespace}/${ref.name}: ${skipped.join(', ')} not converted`, {
      hint: 'set the remaining headers with a second ResponseHeaderModifier on another rule, or in the application',
    })
  } else if (names.length === 0) {
    ctx.account('custom-headers', 'ignored', `ConfigMap ${ref.namespace}/${ref.name} has no data, so nginx set no header`)
  } else if (allowed === undefined) {
    ctx.account('custom-headers', 'exact', undefined)
    ctx.diag({
      level: 'info',
      code: 'custom-headers-allow-list-unknown',
      annotation: ctx.fullKey('custom-headers'),
      message: `${ctx.fullKey('custom-headers')}: ingress-nginx served these headers only if the controller ConfigMap's global-allowed-response-headers lists ${names.join(', ')} (otherwise it answered 503); that ConfigMap is not in the input, so the headers are converted as set`,
    })
  }
}
