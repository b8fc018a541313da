import {parseBool} from '../model/parsers.js'
import {sslPassthroughOn} from './passthrough.js'
import type {AnnotationFamily, FamilyContext} from './types.js'
import type {ParseResult} from '../model/parsers.js'

function parseStatusCodes(value: string): ParseResult<number[]> {
  const parts = value.split(',').map((s) => s.trim()).filter((s) => s !== '')
  if (parts.length === 0 || parts.some((p) => !/^[1-5]\d\d$/.test(p))) {
    return {ok: false, reason: `"${value}" is not a comma-separated list of HTTP status codes`}
  }
  return {ok: true, value: [...new Set(parts.map(Number))]}
}

/** Service names are DNS-1035 labels. */
function parseServiceName(value: string): ParseResult<string> {
  const v = value.trim()
  return /^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(v) && v.length <= 63 ? {ok: true, value: v} : {ok: false, reason: `"${value}" is not a Service name`}
}

/**
 * custom-http-errors, default-backend, disable-proxy-intercept-errors -> reported with the responseOverride to
 * write by hand: Envoy Gateway can answer an error with a fixed body or a redirect, not with another Service's
 * response.
 *
 * nginx (`proxy_intercept_errors on` + `error_page`) sends the request, path rewritten to `/` and with X-Code,
 * X-Format, X-Original-URI, X-Namespace, X-Ingress-Name, X-Service-Name, X-Service-Port and X-Request-ID headers,
 * to the default-backend Service (or the controller's default backend) and returns that Service's response. The
 * default-backend Service also receives the traffic of paths whose Service has no ready endpoints.
 */
export const errorPagesFamily: AnnotationFamily = {
  name: 'error-pages',
  specs: [
    {
      key: 'custom-http-errors',
      summary: 'Status codes whose responses are replaced by the default backend\'s response (comma list)',
      fidelity: 'manual',
      target: 'none: BackendTrafficPolicy responseOverride (fixed bodies) written by hand',
      note: 'Envoy Gateway can replace an error response only with a fixed body or a redirect, not with another Service\'s response; write a responseOverride with static pages',
      parse: parseStatusCodes,
    },
    {
      key: 'default-backend',
      summary: 'Service (same namespace) for paths whose Service has no endpoints, and for custom-http-errors',
      fidelity: 'approximate',
      target: 'none (Envoy answers 503 when a Service has no ready endpoints)',
      note: 'when a path\'s Service has no ready endpoints nginx sent its requests to this Service; Envoy answers 503',
      parse: parseServiceName,
    },
    {
      key: 'disable-proxy-intercept-errors',
      summary: 'Apply custom-http-errors only to errors nginx generates, not to backend responses',
      fidelity: 'exact',
      target: 'responseOverride source: Local (part of the custom-http-errors hint)',
      default: 'false',
      parse: parseBool,
    },
  ],
  apply(ctx) {
    if (ctx.ingress.isCanary || sslPassthroughOn(ctx)) return
    const codes = ctx.value<number[]>('custom-http-errors')
    const service = ctx.value<string>('default-backend')
    const localOnly = ctx.value<boolean>('disable-proxy-intercept-errors') === true
    if (codes) {
      accountCustomErrors(ctx, codes, service, localOnly)
    } else if (localOnly) {
      ctx.account('disable-proxy-intercept-errors', 'ignored', 'this Ingress sets no custom-http-errors; error pages from the controller ConfigMap\'s custom-http-errors are not converted either (they would need the same hand-written responseOverride)')
    }
    if (service !== undefined) {
      const known = ctx.lookup.service(ctx.ingress.ref.namespace, service) !== undefined
      const role = codes ? '; it also served the error pages of custom-http-errors (see there)' : ''
      ctx.account('default-backend', codes ? 'manual' : 'approximate', `when a path's Service has no ready endpoints nginx sent its requests to ${ctx.ingress.ref.namespace}/${service}; Envoy answers 503${role}`, {
        hint: `if that fallback matters, reference ${service} through an Envoy Gateway Backend with fallback: true next to each rule's backend (needs extensionApis.enableBackend and health checks)${known ? '' : `; Service ${ctx.ingress.ref.namespace}/${service} is not in the input`}`,
      })
    }
  },
}

function accountCustomErrors(ctx: FamilyContext, codes: number[], service: string | undefined, localOnly: boolean): void {
  const errorService = service ? `Service ${ctx.ingress.ref.namespace}/${service} (default-backend)` : 'the controller\'s default backend (--default-backend-service)'
  const statusCodes = codes.map((value) => `{type: Value, value: ${value}}`).join(', ')
  const source = localOnly ? ', source: Local' : ''
  ctx.account(
    'custom-http-errors',
    'manual',
    `nginx replaced responses with status ${codes.join(', ')} by the response of ${errorService} (request path rewritten to /, X-Code and X-Original-URI headers set); Envoy Gateway can replace an error only with a fixed body or a redirect, not with another Service's response, so nothing is emitted`,
    {
      hint: `save the pages ${service ? `Service ${service}` : 'the default backend'} returns as static bodies (e.g. ConfigMap ${ctx.ingress.ref.name}-error-pages, key response.body) and add to the BackendTrafficPolicy of the route: responseOverride: [{match: {statusCodes: [${statusCodes}]}${source}, response: {contentType: text/html, body: {type: ValueRef, valueRef: {group: "", kind: ConfigMap, name: ${ctx.ingress.ref.name}-error-pages}}}}] (one entry per distinct page)`,
    },
  )
  if (ctx.has('disable-proxy-intercept-errors')) {
    ctx.account('disable-proxy-intercept-errors', localOnly ? 'manual' : 'exact', localOnly ? 'only errors nginx generated itself got the error pages, not backend responses: part of the custom-http-errors hint (source: Local)' : undefined, {
      hint: localOnly ? 'set source: Local in the responseOverride written for custom-http-errors' : undefined,
    })
  }
}
