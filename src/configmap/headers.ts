import {requestIdAction} from './forwarded-headers.js'
import {dnsName} from '../model/names.js'
import type {ConfigMapContext, ConfigMapFamily, ConfigMapModel} from './types.js'
import {routeDefaultNotice} from './context.js'
import {diagnostic} from '../model/catalogue/diagnostic.js'

const unmapped = {level: 'info', code: 'configmap-key-unmapped'} as const

/**
 * generate-request-id, enable-underscores-in-headers, ignore-invalid-headers, hsts* -> ClientTrafficPolicy
 * headers (requestID, withUnderscoresAction) and, for HSTS, headers.lateResponseHeaders on the https listeners'
 * policies (nginx.tmpl adds Strict-Transport-Security to HTTPS responses only); the header lists nginx added or
 * hid everywhere are left to the user.
 */
export const headersFamily: ConfigMapFamily = {
  name: 'headers',
  specs: [
    {key: 'generate-request-id', summary: 'Pass a client\'s X-Request-ID on, generate one when absent', fidelity: 'exact', target: 'ClientTrafficPolicy headers.requestID', default: 'true', onInvalid: 'default'},
    {key: 'enable-underscores-in-headers', summary: 'Accept request headers with underscores', fidelity: 'exact', target: 'ClientTrafficPolicy headers.withUnderscoresAction', default: 'false', onInvalid: 'default'},
    {key: 'ignore-invalid-headers', summary: 'Drop request headers with invalid names', fidelity: 'exact', target: 'ClientTrafficPolicy headers.withUnderscoresAction', default: 'true', onInvalid: 'default', note: 'off: Envoy still rejects names that are not HTTP tokens'},
    {key: 'hsts', summary: 'Send Strict-Transport-Security on HTTPS responses', fidelity: 'exact', target: 'ClientTrafficPolicy headers.lateResponseHeaders on the https listeners', default: 'true', onInvalid: 'default'},
    {key: 'hsts-max-age', summary: 'max-age of the HSTS header', fidelity: 'exact', target: 'the Strict-Transport-Security value', default: '31536000', onInvalid: 'as-written', note: 'a value that is not a number of seconds is reported and 31536000 used'},
    {key: 'hsts-include-subdomains', summary: 'includeSubDomains in the HSTS header', fidelity: 'exact', target: 'the Strict-Transport-Security value', default: 'true', onInvalid: 'default'},
    {key: 'hsts-preload', summary: 'preload in the HSTS header', fidelity: 'exact', target: 'the Strict-Transport-Security value', default: 'false', onInvalid: 'default'},
    {key: 'large-client-header-buffers', summary: 'Size of the buffers for one long request header line', fidelity: 'approximate', target: 'none', default: '4 8k', onInvalid: 'as-written', notice: unmapped, note: 'limited one request header line; Envoy accepts request headers up to 60 KiB in total and the ClientTrafficPolicy cannot change that'},
    {key: 'client-header-buffer-size', summary: 'Buffer for the request headers', fidelity: 'ignored', target: 'none', default: '1k', onInvalid: 'as-written', notice: unmapped, note: 'is an nginx buffer size; Envoy has no equivalent and needs none'},
    {key: 'http2-max-field-size', summary: 'Deprecated HTTP/2 header field limit', fidelity: 'ignored', target: 'none', default: '', onInvalid: 'as-written', notice: unmapped, note: 'is deprecated in nginx; Envoy limits HTTP/2 headers to 60 KiB in total'},
    {key: 'http2-max-header-size', summary: 'Deprecated HTTP/2 header list limit', fidelity: 'ignored', target: 'none', default: '', onInvalid: 'as-written', notice: unmapped, note: 'is deprecated in nginx; Envoy limits HTTP/2 headers to 60 KiB in total'},
    {key: 'proxy-add-original-uri-header', summary: 'Send X-Original-Uri upstream', fidelity: 'approximate', target: 'none', default: 'false', onInvalid: 'default', notice: routeDefaultNotice('approximate'), note: 'sent X-Original-Uri upstream; Envoy sends X-Envoy-Original-Path only when a route rewrites the path'},
    {key: 'proxy-set-headers', summary: 'ConfigMap of request headers added to every upstream request', fidelity: 'manual', target: 'ClientTrafficPolicy headers.earlyRequestHeaders (by hand)', default: '', onInvalid: 'as-written', notice: routeDefaultNotice('manual'), note: 'names a ConfigMap of request headers added to every upstream request; add them as ClientTrafficPolicy headers.earlyRequestHeaders (values with nginx variables have no equivalent)'},
    {key: 'add-headers', summary: 'ConfigMap of response headers added to every response', fidelity: 'manual', target: 'ClientTrafficPolicy headers.lateResponseHeaders (by hand)', default: '', onInvalid: 'as-written', notice: routeDefaultNotice('manual'), note: 'names a ConfigMap of response headers added to every response; add them as ClientTrafficPolicy headers.lateResponseHeaders'},
    {key: 'hide-headers', summary: 'Upstream response headers removed everywhere', fidelity: 'manual', target: 'ClientTrafficPolicy headers.lateResponseHeaders.remove (by hand)', default: '', onInvalid: 'as-written', notice: routeDefaultNotice('manual'), note: 'removed these upstream response headers everywhere; add them to headers.lateResponseHeaders.remove of the ClientTrafficPolicy'},
    {key: 'allow-backend-server-header', summary: 'Pass the backend\'s Server header', fidelity: 'approximate', target: 'none', default: 'false', onInvalid: 'default', notice: routeDefaultNotice('approximate'), note: 'controlled whether the backend Server header passed; Envoy replaces it with "envoy" by default'},
  ],
}

/** generate-request-id, enable-underscores-in-headers, ignore-invalid-headers -> headers.requestID / withUnderscoresAction. */
export function applyRequestHeaders(cm: ConfigMapContext, model: ConfigMapModel): void {
  const {data, has} = cm
  const requestID = requestIdAction(has('generate-request-id') ? data['generate-request-id'] : undefined)
  if (has('generate-request-id')) {
    cm.use('generate-request-id')
    cm.exact('generate-request-id', `"${data['generate-request-id']}" -> headers.requestID: ${requestID} (nginx passed a client's X-Request-ID on${requestID === 'Preserve' ? ' and generated none' : ' and generated one when absent'}; Envoy replaces it unless told otherwise)`)
  }
  const underscores = cm.bool('enable-underscores-in-headers', false)
  const ignoreInvalid = cm.bool('ignore-invalid-headers', true)
  const underscoreAction = underscores || !ignoreInvalid ? 'Allow' : 'DropHeader'
  model.clientTraffic.headers = {withUnderscoresAction: underscoreAction, requestID}
  cm.use('enable-underscores-in-headers')
  cm.use('ignore-invalid-headers')
  if (has('enable-underscores-in-headers')) {
    cm.exact(
      'enable-underscores-in-headers',
      underscoreAction === 'Allow'
        ? `"${data['enable-underscores-in-headers']}" -> headers.withUnderscoresAction: Allow (nginx passed headers with underscores)`
        : `"${data['enable-underscores-in-headers']}" -> headers.withUnderscoresAction: DropHeader (nginx silently dropped request headers with underscores; Envoy's default would reject the request)`,
    )
  }
  if (has('ignore-invalid-headers')) {
    if (ignoreInvalid) cm.exact('ignore-invalid-headers', `"${data['ignore-invalid-headers']}": headers with underscores are dropped (headers.withUnderscoresAction: ${underscoreAction})`)
    else cm.note('ignore-invalid-headers', 'configmap-key-mapped', `"${data['ignore-invalid-headers']}": nginx passed invalid header names on (headers with underscores -> Allow); Envoy still rejects names that are not valid HTTP tokens`, {level: 'info', fidelity: 'approximate'})
  }
}

const HSTS_PARTS = ['hsts-max-age', 'hsts-include-subdomains', 'hsts-preload'] as const

/** HSTS (nginx default on): only on https responses -> lateResponseHeaders on a CTP for each https listener. */
export function applyHsts(cm: ConfigMapContext, model: ConfigMapModel): void {
  const {data, has, traffic: ctx} = cm
  const gw = ctx.gateway
  const hsts = cm.bool('hsts', true)
  const maxAgeRaw = has('hsts-max-age') ? data['hsts-max-age'].trim() : '31536000'
  const maxAgeOk = /^\d+$/.test(maxAgeRaw)
  const maxAge = maxAgeOk ? maxAgeRaw : '31536000'
  if (has('hsts-max-age') && !maxAgeOk) cm.account('hsts-max-age', diagnostic('configmap-value-invalid', {key: 'hsts-max-age', value: data['hsts-max-age'], expected: 'max-age-seconds', default: 31536000}))
  const includeSub = cm.bool('hsts-include-subdomains', true)
  const preload = cm.bool('hsts-preload', false)
  const hstsValue = `max-age=${maxAge}${includeSub ? '; includeSubDomains' : ''}${preload ? '; preload' : ''}`
  const anyHttps = ctx.hasHttpsListener !== false || (ctx.hostListeners?.length ?? 0) > 0
  if (hsts && !anyHttps) {
    // No https listener on this Gateway: there is no https response to add the header to. Each hsts* key that is set
    // gets one diagnostic saying so; hsts unset (on by default) needs none.
    for (const key of ['hsts', ...HSTS_PARTS]) {
      if (!has(key)) continue
      cm.account(key, diagnostic('hsts-no-https-listener', {key, value: data[key], gateway: {namespace: gw.namespace, name: gw.name}}))
    }
  } else if (hsts) {
    model.hstsHeader = {name: 'Strict-Transport-Security', value: hstsValue}
    const hstsData = {
      ...(has('hsts') ? {value: data.hsts} : {}),
      header: hstsValue,
      ...(ctx.hasHttpsListener === false ? {} : {policy: dnsName(gw.name, 'client', ctx.httpsListener), listener: ctx.httpsListener}),
      hostListeners: (ctx.hostListeners ?? []).map((l) => l.name),
    }
    const hint = 'lateResponseHeaders is in the Envoy Gateway v1.9 CRD; on releases without it, add a ResponseHeaderModifier (set Strict-Transport-Security) to the https routes instead'
    if (has('hsts')) cm.account('hsts', diagnostic('hsts', hstsData, {hint}))
    else model.general.push(diagnostic('hsts', hstsData, {hint, ...cm.cmSubject}))
    for (const key of HSTS_PARTS) {
      cm.use(key)
      cm.exact(key, `"${cm.value(key)}" is part of the Strict-Transport-Security value "${hstsValue}"`)
    }
    cm.use('hsts')
    model.checklist.push(`HSTS: "Strict-Transport-Security: ${hstsValue}" is added on the "${ctx.httpsListener}" listener by a ClientTrafficPolicy (headers.lateResponseHeaders, Envoy Gateway v1.9 CRD)`)
  } else {
    cm.exact('hsts', `"${data.hsts}": no Strict-Transport-Security header, as Envoy`)
    for (const key of HSTS_PARTS) {
      cm.account(key, diagnostic('configmap-key-unused', {key, value: cm.value(key)}))
    }
  }
}
