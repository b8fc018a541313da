import {longLivedTimeout} from './timeouts.js'
import type {AnnotationFamily, FamilyContext} from './types.js'
import {type NginxSize, parseNginxSize} from '../model/units.js'
import {diagnostic} from '../model/catalogue/diagnostic.js'
import {writtenValue} from './snippets.js'

/**
 * proxy-body-size -> BackendTrafficPolicy requestBuffer.limit (413 above it); client-body-buffer-size is ignored.
 *
 * nginx's client_max_body_size answers 413 for a larger request body, and `0` turns the check off. Envoy Gateway's
 * only hard limit on a request body is requestBuffer, which also makes Envoy hold each whole request in memory
 * before forwarding it: the limit is kept, the streaming is not, and Envoy Gateway then refuses protocol upgrades
 * (WebSocket) on the route. Without the annotation nginx applied its default of 1m while Envoy has no limit; that
 * default belongs to the controller ConfigMap translation, not to this family.
 */

/**
 * The size this Ingress's own BackendTrafficPolicy buffers requests up to (requestBuffer.limit), or undefined: no
 * annotation, "0", or a long-lived Ingress whose upgrades the buffer would break.
 */
export function ownRequestBuffer(ctx: FamilyContext): NginxSize | undefined {
  const size = ctx.value<NginxSize>('proxy-body-size')
  return size === undefined || size.unlimited || longLivedTimeout(ctx) ? undefined : size
}

/** From this size on, the memory Envoy needs for buffered uploads is worth spelling out. */
const LARGE_BODY = 64 * 1024 * 1024

function bodySizeDifferences(ctx: FamilyContext, size: NginxSize): string {
  const protocol = ctx.ingress.settings.backendProtocol
  const grpc = protocol === 'GRPC' || protocol === 'GRPCS'
  return (
    `"${size.text}" -> requestBuffer.limit ${size.quantity} (nginx units are binary: 1m = 1Mi); larger requests get 413 as in nginx, ` +
    `but Envoy holds each request body in memory up to that size before forwarding it (nginx spooled large bodies to disk` +
    (size.bytes >= LARGE_BODY ? `; ${size.quantity} per concurrent upload in each Envoy replica` : '') +
    `), ` +
    `and Envoy Gateway does not allow WebSocket or other upgrades on a route with requestBuffer` +
    (grpc ? '; streaming gRPC calls are buffered whole, so client-streaming RPCs stall until the client half-closes' : '')
  )
}

export const bodySizeFamily: AnnotationFamily = {
  name: 'body-size',
  specs: [
    {
      key: 'proxy-body-size',
      summary: 'Largest request body accepted (nginx size, 0 = no limit); larger bodies get 413',
      fidelity: 'approximate',
      target: 'BackendTrafficPolicy requestBuffer.limit (`8m` -> `8Mi`; `0` -> no limit emitted)',
      note: 'the limit and the 413 are the same, but Envoy buffers each whole request in memory up to the limit before forwarding it, and Envoy Gateway allows no WebSocket upgrade on such a route',
      default: '1m',
      parse: parseNginxSize,
    },
    {
      key: 'client-body-buffer-size',
      summary: 'Memory buffer for request bodies before nginx spills them to a temporary file',
      fidelity: 'ignored',
      target: 'none',
      note: 'a buffer size, not a limit: Envoy streams request bodies with its own flow-control buffers and never spools them to disk',
      parse: parseNginxSize,
    },
  ],
  apply(ctx) {
    if (ctx.ingress.isCanary) return
    const size = ctx.value<NginxSize>('proxy-body-size')
    if (size === undefined) {
      // proxy/main.go Parse: the location gets GetDefaultBackend().ProxyBodySize (the resolved setting).
      const fallback = ctx.ingress.settings.proxyBodySize
      if (ctx.has('proxy-body-size')) {
        const key = ctx.fullKey('proxy-body-size')
        ctx.diag(diagnostic('body-size-default', {key, value: writtenValue(ctx.ingress.annotations.get('proxy-body-size')!), default: fallback.value, from: fallback.from === 'configmap' ? 'configmap' : 'nginx'}, {annotation: key}))
      }
      return
    }
    if (size.unlimited || size.quantity === undefined) {
      // "0" turns nginx's ConfigMap default off for this Ingress: the route must not inherit the Gateway-level limit.
      ctx.patch.policies.push({kind: 'BackendTrafficPolicy', path: 'requestBuffer', value: undefined, optOut: true, from: [ctx.fullKey('proxy-body-size')]})
      ctx.account(
        'proxy-body-size',
        'exact',
        ctx.options.nginxDefaults
          ? `"${size.text}" turns the limit off: this route's BackendTrafficPolicy carries the Gateway-level defaults except requestBuffer`
          : undefined,
        {level: 'info', code: 'body-size-unlimited'},
      )
      return
    }
    const long = longLivedTimeout(ctx)
    if (long) {
      // nginx enforced the limit on a connection that also carried WebSockets; Envoy Gateway cannot do both. A
      // long-lived ConfigMap leaves the Gateway-level policy without requestBuffer: nothing to opt out of then.
      if (!long.fromConfigMap) ctx.patch.policies.push({kind: 'BackendTrafficPolicy', path: 'requestBuffer', value: undefined, optOut: true, from: [ctx.fullKey('proxy-body-size')]})
      ctx.account(
        'proxy-body-size',
        'approximate',
        `"${size.text}" is not enforced: ${long.label} ${long.seconds}s marks long-lived connections (WebSockets, streams), and Envoy Gateway refuses upgrades on a route with requestBuffer, its only hard body limit; nginx enforced both, here larger bodies reach the backend`,
        {hint: long.fromConfigMap ? 'if this Ingress serves no WebSocket, set proxy-read-timeout and proxy-send-timeout below 1800 on it and convert again, or limit request sizes in the backend' : 'if this Ingress serves no WebSocket, remove the long timeout or limit request sizes in the backend'},
      )
      return
    }
    ctx.patch.policies.push({
      kind: 'BackendTrafficPolicy',
      path: 'requestBuffer.limit',
      value: size.quantity,
      from: [ctx.fullKey('proxy-body-size')],
    })
    if (size.unit === 'b') {
      ctx.account('proxy-body-size', 'manual', `"${size.text}" passes ingress-nginx's validation, but nginx has no "b" unit and refuses the generated configuration (nginx -t fails); the conversion reads it as ${size.quantity} bytes`, {
        hint: `write the size without a unit ("${size.text.slice(0, -1)}") or with k, m or g`,
      })
    }
    ctx.account('proxy-body-size', 'approximate', bodySizeDifferences(ctx, size), {
      hint: `needs Envoy Gateway v1.4+; if this Ingress serves WebSocket or streaming uploads, set proxy-body-size "0" on it and convert again (its policy then carries no requestBuffer${ctx.options.nginxDefaults ? ' and replaces the Gateway-level one without it' : ''}), or limit request sizes in the backend`,
    })
  },
}
