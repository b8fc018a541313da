import {diagnostic} from '../model/catalogue/diagnostic.js'
import {LONG_LIVED_SECONDS, longLivedDefault} from '../annotations/timeouts.js'
import {parseNginxSize} from '../model/units.js'
import {controllerDefaults} from '../model/controller-defaults.js'
import type {ConfigMapContext, ConfigMapFamily, ConfigMapModel} from './types.js'
import {routeDefaultNotice} from './context.js'


/**
 * proxy-body-size -> the Gateway-level BackendTrafficPolicy requestBuffer.limit with --nginx-defaults (the default of
 * the proxy-body-size annotation, proxy/main.go); nginx's buffer sizes have no Envoy equivalent and need none.
 */
export const bodyFamily: ConfigMapFamily = {
  name: 'body',
  specs: [
    {key: 'proxy-body-size', summary: 'Largest request body (413 above it)', fidelity: 'approximate', target: 'Gateway-level BackendTrafficPolicy requestBuffer.limit (--nginx-defaults)', default: '1m', onInvalid: 'as-written', note: `requestBuffer also buffers each whole request and refuses WebSocket upgrades on the routes that inherit it, so none is emitted when the ConfigMap's proxy-read-timeout or proxy-send-timeout is ${LONG_LIVED_SECONDS}s or more (every location long-lived); without --nginx-defaults Envoy Gateway sets no limit`},
    {key: 'client-body-buffer-size', summary: 'Request body buffer', fidelity: 'ignored', target: 'none', default: '8k', onInvalid: 'as-written', notice: routeDefaultNotice('ignored'), note: 'is an nginx buffer size (not a limit: see proxy-body-size); Envoy needs no equivalent'},
    {key: 'proxy-request-buffering', summary: 'Buffer request bodies before proxying', fidelity: 'approximate', target: 'none', default: 'on', onInvalid: 'as-written', notice: routeDefaultNotice('approximate'), note: 'controlled buffering of request bodies; Envoy streams request bodies to the backend unless a BackendTrafficPolicy sets requestBuffer'},
    {key: 'proxy-buffering', summary: 'Buffer responses', fidelity: 'ignored', target: 'none', default: 'off', onInvalid: 'as-written', notice: routeDefaultNotice('ignored'), note: 'controlled response buffering in nginx; Envoy streams responses, nothing to translate'},
    {key: 'proxy-buffer-size', summary: 'Buffer for the response headers', fidelity: 'ignored', target: 'none', default: '4k', onInvalid: 'as-written', notice: routeDefaultNotice('ignored'), note: 'is an nginx buffer size; Envoy needs no equivalent'},
    {key: 'proxy-buffers-number', summary: 'Number of response buffers', fidelity: 'ignored', target: 'none', default: '4', onInvalid: 'default', notice: routeDefaultNotice('ignored'), note: 'is an nginx buffer setting; Envoy needs no equivalent'},
    {key: 'proxy-busy-buffers-size', summary: 'Response buffers busy sending', fidelity: 'ignored', target: 'none', default: '', onInvalid: 'as-written', notice: routeDefaultNotice('ignored'), note: 'is an nginx buffer setting; Envoy needs no equivalent'},
    {key: 'proxy-max-temp-file-size', summary: 'Largest response spooled to disk', fidelity: 'ignored', target: 'none', default: '1024m', onInvalid: 'as-written', noEffect: true, note: 'nginx spooled buffered responses to disk; Envoy does not'},
    {key: 'grpc-buffer-size-kb', summary: 'gRPC response buffer', fidelity: 'ignored', target: 'none', default: '0', onInvalid: 'default', notice: routeDefaultNotice('ignored'), note: 'sized the nginx buffer for gRPC responses; Envoy needs no equivalent'},
  ],
}

/** proxy-body-size -> requestBuffer.limit (--nginx-defaults), else one note (or the default's note when absent). */
export function applyBodySize(cm: ConfigMapContext, model: ConfigMapModel): void {
  const {data, has} = cm
  const on = cm.traffic.nginxDefaults
  const bodyRaw = has('proxy-body-size') ? data['proxy-body-size'] : '1m'
  const body = parseNginxSize(bodyRaw)
  if (!body.ok) {
    cm.account('proxy-body-size', diagnostic('configmap-value-invalid', {key: 'proxy-body-size', value: bodyRaw, expected: 'nginx-size', default: '1m', gatewayPolicy: on}))
  }
  const limit: {quantity?: string; unlimited?: boolean} = body.ok ? body.value : {quantity: '1Mi'}
  if (on) {
    // Long read/send timeouts in the ConfigMap are every location's (proxy/main.go falls back to them): a Gateway-level
    // requestBuffer would turn WebSocket upgrades off on every route (xds route.go buildUpgradeConfig).
    const longLived = longLivedDefault(controllerDefaults({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'controller'}, data}))
    if (!limit.unlimited && !longLived) {
      model.backendTraffic.requestBuffer = {limit: limit.quantity}
      model.backendTrafficKeys.push('proxy-body-size')
    }
    // The note after `proxy-body-size: `, quoting the value; when the key is absent nginx's default 1m applied.
    const value = `"${bodyRaw}"`
    const note = limit.unlimited
      ? `${value} means no limit, as Envoy: no requestBuffer`
      : longLived
        ? `${value} is not enforced by the Gateway-level BackendTrafficPolicy: the ConfigMap's ${longLived.key} ${longLived.seconds}s marks every location as long-lived (WebSockets, streams), and Envoy Gateway refuses upgrades on every route that inherits a requestBuffer (xds route.go buildUpgradeConfig), its only hard body limit; bodies nginx refused with 413 reach the backends, except on Ingresses whose own proxy-body-size and shorter proxy-read-timeout and proxy-send-timeout give their routes a requestBuffer`
        : `${value} -> Gateway-level BackendTrafficPolicy requestBuffer.limit: ${limit.quantity} (413 above it, as nginx); requestBuffer also buffers each whole request before forwarding it, and Envoy Gateway refuses WebSocket upgrades on every route that inherits it (xds route.go buildUpgradeConfig)`
    const hint = longLived
      ? `if no Ingress serves WebSockets or long streams, set proxy-read-timeout and proxy-send-timeout below ${LONG_LIVED_SECONDS} in the ConfigMap (raise them on the Ingresses that need it) and convert again, or limit request sizes in the backends`
      : `Ingresses with proxy-read-timeout or proxy-send-timeout of ${LONG_LIVED_SECONDS}s or more, or proxy-request-buffering "off", get a route-level BackendTrafficPolicy that replaces this one without requestBuffer; ` +
        'for another WebSocket or streaming Ingress, set nginx.ingress.kubernetes.io/proxy-body-size: "0" on it and convert again'
    const where = {level: limit.unlimited ? ('info' as const) : ('warning' as const), hint: limit.unlimited ? undefined : hint}
    if (has('proxy-body-size') && body.ok) cm.note('proxy-body-size', 'proxy-body-size', note, where)
    else if (!has('proxy-body-size')) {
      model.general.push(diagnostic('proxy-body-size', {key: 'proxy-body-size', default: '1m', note: `proxy-body-size 1m${note.slice(value.length)}`}, {...where, ...cm.cmSubject}))
    }
  } else if (has('proxy-body-size') && body.ok) {
    cm.note(
      'proxy-body-size',
      'proxy-body-size',
      limit.unlimited ? `"${bodyRaw}" means no limit, as Envoy Gateway` : `"${bodyRaw}": nginx limited request bodies to ${bodyRaw} by default; Envoy Gateway sets no limit`,
      {level: 'info', hint: limit.unlimited ? undefined : 'rerun with --nginx-defaults for a Gateway-level BackendTrafficPolicy requestBuffer.limit, or rely on the per-Ingress proxy-body-size annotations'},
    )
  } else if (!has('proxy-body-size')) {
    model.general.push(diagnostic('proxy-body-size-default', {key: 'proxy-body-size', default: '1m'}, {...cm.cmSubject, hint: 'rerun with --nginx-defaults for a Gateway-level BackendTrafficPolicy requestBuffer.limit of 1Mi'}))
  }
}
