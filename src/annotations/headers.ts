import {restorePlaceholders} from './placeholders.js'
import {parseRedirectAnnotations} from './redirects.js'
import {servingConfig} from './serving.js'
import type {AnnotationFamily, FamilyContext} from './types.js'
import type {ParseResult} from '../model/parsers.js'

/** Gateway API hostname (HTTPRoute `hostnames`): lower case, an optional leading `*.` label. */
export const GATEWAY_HOSTNAME = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/
/** Gateway API PreciseHostname (URLRewrite/RequestRedirect `hostname`, BackendTLSPolicy `validation.hostname`). */
export const PRECISE_HOSTNAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/
/** The Host values nginx sends upstream by default: forwarding them changes nothing. */
const DEFAULT_HOST_VARIABLES = new Set(['$host', '$http_host', '$best_http_host'])
/** Gateway API allows at most 16 entries in each header modifier list. */
const MAX_HEADER_ENTRIES = 16

/**
 * ingress-nginx's "location denied": every path of the Ingress answers 503, for a reason the value alone does not
 * show (a missing companion key, a cross-namespace reference, a ConfigMap nginx cannot use). The annotation pass
 * then turns the Ingress's route into a 503 on every path (translate/denied.ts), as nginx does.
 */
export function denyLocations(ctx: FamilyContext, key: string, reason: string, status = 503): void {
  ctx.patch.denied ??= {key, status, reason}
  ctx.account(
    key,
    'manual',
    `${reason}; ingress-nginx answers ${status} on every path of this Ingress because of it, and so does the converted route`,
    {level: 'error', code: 'locations-denied', hint: 'fix the annotations if this Ingress is meant to serve traffic, then convert again'},
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
  owns: ['hostAliases'],
  specs: [
    {
      key: 'upstream-vhost',
      summary: 'Host header sent to the backend (may use nginx variables)',
      fidelity: 'exact',
      target: 'HTTPRoute URLRewrite filter hostname',
      default: '$best_http_host (the client\'s Host)',
      parse: parseNonEmpty('Host value'),
    },
    {
      key: 'server-alias',
      summary: 'Extra server names for the Ingress\'s hosts (comma list, nginx server_name syntax)',
      fidelity: 'exact',
      target: 'extra HTTPRoute hostnames',
      parse: parseAliases,
    },
    {
      key: 'custom-headers',
      summary: 'Response headers from a ConfigMap (namespace/name); names must be listed exactly in global-allowed-response-headers',
      fidelity: 'exact',
      target: 'HTTPRoute ResponseHeaderModifier set',
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
  ctx.patch.filters.push({
    from: [ctx.fullKey('upstream-vhost')],
    filter: {type: 'URLRewrite', urlRewrite: {hostname: host}},
  })
  if (port) {
    ctx.account('upstream-vhost', 'approximate', `a Gateway API hostname rewrite carries no port: the backend receives Host "${host}" instead of "${raw}"`)
  }
}

/**
 * A server-alias value as Gateway API hostnames (`names`, in order, without repeats) and why the others have none
 * (`rejected`). Also read for an ssl-passthrough Ingress, whose families do not run (hosts.ts aliasIntent).
 */
export function serverAliasNames(aliases: readonly string[]): {names: string[]; rejected: string[]} {
  const names: string[] = []
  const rejected: string[] = []
  for (const alias of aliases) {
    const r = aliasHostnames(alias)
    if ('why' in r) rejected.push(r.why)
    // A placeholder goes back to its text: the host model compares aliases with rule hosts as written.
    else for (const n of r.names.map(restorePlaceholders)) if (!names.includes(n)) names.push(n)
  }
  return {names, rejected}
}

function applyServerAlias(ctx: FamilyContext): void {
  const aliases = ctx.value<string[]>('server-alias')
  if (aliases === undefined) return
  const {names, rejected} = serverAliasNames(aliases)
  if (names.length > 0) ctx.patch.hostAliases = {names, from: [ctx.fullKey('server-alias')]}
  if (rejected.length > 0) {
    ctx.account('server-alias', 'manual', `${rejected.join('; ')}: Gateway API hostnames are exact names or a leading *. wildcard, so ${rejected.length === 1 ? 'this alias is' : 'these aliases are'} not added`, {
      hint: 'list the concrete host names the alias stood for in server-alias (or as Ingress hosts) and convert again',
    })
  }
}

/** customheaders.ValidHeader / ValidValue: the names and values ingress-nginx accepts in a custom-headers ConfigMap. */
const CUSTOM_HEADER_NAME = /^[a-zA-Z\d\-_]+$/
const CUSTOM_HEADER_VALUE = /^[a-zA-Z\d_ :;.,\\/"'?!(){}[\]@<>=\-+*#$&`|~^%]+$/

const listed = (names: string[]) => `${names.join(', ')} ${names.length === 1 ? 'is' : 'are'}`

/**
 * customHeaders.Parse: the ConfigMap is looked up by the value itself (store GetConfigMap), so only namespace/name
 * can exist; every entry must have a valid name, a non-empty printable-ASCII value, and a name listed exactly in
 * global-allowed-response-headers (default: none). Anything else denies every location.
 */
function applyCustomHeaders(ctx: FamilyContext): void {
  const raw = ctx.value<string>('custom-headers')
  if (raw === undefined) return
  const parts = raw.trim().split('/')
  if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
    denyLocations(ctx, 'custom-headers', `"${raw}" is not namespace/name: ingress-nginx looks the ConfigMap up by exactly this key, and no ConfigMap has it`)
    return
  }
  const ref = {namespace: parts[0]!, name: parts[1]!}
  const cm = ctx.lookup.configMap(ref.namespace, ref.name)
  if (!cm) {
    // With file input the ConfigMap may just not have been given; in a cluster nginx would have answered 503.
    ctx.account('custom-headers', 'manual', `ConfigMap ${ref.namespace}/${ref.name} is not in the input, so its headers are not known and no response header is set (if it does not exist in the cluster either, ingress-nginx answered 503 on every path of this Ingress)`, {
      hint: `include the ConfigMap in the input (kubectl get configmap -n ${ref.namespace} ${ref.name} -o yaml > cm.yaml, then kubectl ingress2gw convert -f <ingresses> -f cm.yaml) and convert again`,
    })
    return
  }
  const data: Record<string, unknown> = cm.data ?? {}
  const names = Object.keys(data).sort()
  const config = servingConfig(ctx.lookup.controllerConfigMap())
  const badNames = names.filter((n) => !CUSTOM_HEADER_NAME.test(n))
  const badValues = names.filter((n) => CUSTOM_HEADER_NAME.test(n) && !CUSTOM_HEADER_VALUE.test(String(data[n] ?? '')))
  const notAllowed = names.filter((n) => CUSTOM_HEADER_NAME.test(n) && !config.allowedResponseHeaders.includes(n))
  const problems: string[] = []
  if (badNames.length > 0) problems.push(`${listed(badNames)} not a header name ingress-nginx accepts (letters, digits, - and _)`)
  if (badValues.length > 0) problems.push(`the value of ${listed(badValues)} empty or has characters ingress-nginx refuses (printable ASCII only)`)
  if (notAllowed.length > 0) {
    problems.push(
      `${listed(notAllowed)} not listed, exactly as written, in global-allowed-response-headers` +
        (config.fromConfigMap ? ` of the controller ConfigMap (${config.allowedResponseHeaders.join(', ') || 'empty'})` : ' (empty by default; the controller ConfigMap is not in the input)'),
    )
  }
  if (problems.length > 0) {
    denyLocations(ctx, 'custom-headers', `ConfigMap ${ref.namespace}/${ref.name}: ${problems.join('; ')}`)
    return
  }
  const set: {name: string; value: string}[] = []
  const skipped: string[] = []
  for (const name of names) {
    const value = String(data[name])
    if (value.length > 4096) skipped.push(`${name} (value longer than 4096 characters)`)
    else if (set.length < MAX_HEADER_ENTRIES) set.push({name, value})
    else skipped.push(`${name} (Gateway API sets at most ${MAX_HEADER_ENTRIES} headers per filter)`)
  }
  if (set.length > 0) {
    ctx.patch.filters.push({
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
  }
}
