import {normalizeSourceRange} from '../annotations/access-lists.js'
import {parseGoBool} from '../model/go-decode.js'
import {forwardedHeadersDiagnostic} from './forwarded-headers.js'
import {splitList} from './context.js'
import type {ConfigMapContext, ConfigMapFamily, ConfigMapModel} from './types.js'
import {diagnostic} from '../model/catalogue/diagnostic.js'

const CLIENT_IP_KEYS = ['use-proxy-protocol', 'use-forwarded-headers', 'enable-real-ip', 'forwarded-for-header', 'proxy-real-ip-cidr']

/**
 * use-proxy-protocol, use-forwarded-headers, enable-real-ip, forwarded-for-header, proxy-real-ip-cidr ->
 * ClientTrafficPolicy proxyProtocol / clientIPDetection (or `--client-ip`, which overrides them), and the forwarded
 * request headers the listeners rewrite (forwarded-headers.ts).
 *
 * nginx.tmpl sets `real_ip_header` and `set_real_ip_from` from these keys with `real_ip_recursive on`; since v1.13
 * the PROXY protocol address is appended to the header's chain.
 */
export const clientIpFamily: ConfigMapFamily = {
  name: 'client-ip',
  specs: [
    {key: 'use-proxy-protocol', summary: 'Expect the PROXY protocol on every connection', fidelity: 'exact', target: 'ClientTrafficPolicy proxyProtocol: {}', default: 'false', onInvalid: 'default'},
    {key: 'use-forwarded-headers', summary: 'Trust X-Forwarded-For/-Proto/-Host/-Port from the client', fidelity: 'approximate', target: 'ClientTrafficPolicy clientIPDetection.xForwardedFor (trustedCIDRs or numTrustedHops: 1)', default: 'false', onInvalid: 'default', note: 'with proxy-real-ip-cidr 0.0.0.0/0 (its default) nginx took the leftmost, forgeable X-Forwarded-For entry; the translation trusts 1 hop instead (exact with a narrower proxy-real-ip-cidr)'},
    {key: 'enable-real-ip', summary: 'Take the client address from forwarded-for-header without trusting X-Forwarded-Proto/-Host', fidelity: 'approximate', target: 'ClientTrafficPolicy clientIPDetection', default: 'false', onInvalid: 'default', note: 'as use-forwarded-headers for the client address'},
    {key: 'forwarded-for-header', summary: 'Header the client address is read from', fidelity: 'approximate', target: 'ClientTrafficPolicy clientIPDetection.customHeader (other than X-Forwarded-For)', default: 'X-Forwarded-For', onInvalid: 'as-written', note: 'nginx trusted a custom header only from proxy-real-ip-cidr peers; Envoy takes it from any peer (exact for X-Forwarded-For)'},
    {key: 'proxy-real-ip-cidr', summary: 'Peers whose forwarded address or PROXY header nginx trusted', fidelity: 'exact', target: 'ClientTrafficPolicy clientIPDetection.xForwardedFor.trustedCIDRs', default: '0.0.0.0/0', onInvalid: 'as-written', note: 'with the PROXY protocol alone or a custom header Envoy cannot restrict the trusted peers'},
    {key: 'compute-full-forwarded-for', summary: 'Pass the received X-Forwarded-For with the peer appended (with use-forwarded-headers)', fidelity: 'exact', target: 'listener earlyRequestHeaders (X-Forwarded-For kept or removed)', default: 'false', onInvalid: 'default'},
    {key: 'proxy-protocol-header-timeout', summary: 'Time to wait for the PROXY header', fidelity: 'ignored', target: 'none', default: '5s', onInvalid: 'default', notice: {level: 'info', code: 'configmap-key-unmapped'}, note: 'timed out slow PROXY headers; Envoy\'s PROXY protocol listener filter uses its own listener inspection timeout'},
    {key: 'forwarded-for-proxy-protocol-header', summary: 'Internal header combining the PROXY address and X-Forwarded-For', fidelity: 'ignored', target: 'none', default: 'X-Forwarded-For-Proxy-Protocol', onInvalid: 'as-written', notice: {level: 'info', code: 'configmap-key-unmapped'}, note: 'names an internal header nginx used to combine PROXY protocol and X-Forwarded-For; nothing to translate'},
    {key: 'forwarded-host-header', summary: 'Header nginx read the forwarded host from, sent upstream as X-Original-Forwarded-Host', fidelity: 'approximate', target: 'none', default: 'X-Forwarded-Host', onInvalid: 'as-written', notice: {level: 'info', code: 'configmap-key-unmapped'}, note: 'named the header nginx copied into X-Original-Forwarded-Host for the backends (nginx.tmpl buildForwardedHost); Envoy sends no X-Original-Forwarded-Host, and X-Forwarded-Host is handled as forwarded-headers says'},
  ],
}

/** --client-ip replaces the ConfigMap's client IP keys. */
function applyClientIpOverride(cm: ConfigMapContext, model: ConfigMapModel): void {
  const mode = cm.traffic.clientIp
  if (mode === 'auto') return
  const spec = model.clientTraffic
  const described = mode === 'proxy-protocol' ? 'proxy-protocol' : mode === 'none' ? 'none' : `xff:${mode.xffHops}`
  if (mode === 'proxy-protocol') spec.proxyProtocol = {}
  else if (mode !== 'none' && Number.isInteger(mode.xffHops) && mode.xffHops > 0) spec.clientIPDetection = {xForwardedFor: {numTrustedHops: mode.xffHops}}
  for (const key of CLIENT_IP_KEYS) {
    cm.account(key, diagnostic('client-ip-overridden', {key, value: cm.value(key), clientIp: described}))
  }
  model.general.push(
    diagnostic('client-ip-mode', mode === 'proxy-protocol' || mode === 'none' ? {mode} : {mode: 'xff', hops: mode.xffHops}, cm.cmSubject),
  )
}

/** What the client IP keys say, read as nginx reads them. */
interface ClientIpSettings {
  pp: boolean
  forwarded: boolean
  realIp: boolean
  xff: boolean
  header: string
  customHeader: boolean
  cidrs: string[]
  badCidrs: string[]
  trustAll: boolean
  /** The key that turned client IP detection on. */
  xffKey: string
}

function readClientIpSettings(cm: ConfigMapContext): ClientIpSettings {
  const pp = cm.bool('use-proxy-protocol', false)
  const forwarded = cm.bool('use-forwarded-headers', false)
  const realIp = cm.bool('enable-real-ip', false)
  const header = cm.value('forwarded-for-header').trim() || 'X-Forwarded-For'
  const cidrEntries = cm.has('proxy-real-ip-cidr') ? splitList(cm.data['proxy-real-ip-cidr'], /,/) : ['0.0.0.0/0']
  const cidrs = cidrEntries.map(normalizeSourceRange).filter((c): c is string => c !== undefined)
  return {
    pp,
    forwarded,
    realIp,
    xff: forwarded || realIp,
    header,
    customHeader: header.toLowerCase() !== 'x-forwarded-for',
    cidrs,
    badCidrs: cidrEntries.filter((c) => normalizeSourceRange(c) === undefined),
    trustAll: cidrs.length === 0 || cidrs.some((c) => c === '0.0.0.0/0' || c === '::/0'),
    xffKey: forwarded ? 'use-forwarded-headers' : 'enable-real-ip',
  }
}

/** client IP keys -> proxyProtocol / clientIPDetection when --client-ip is auto. */
function applyClientIpFromConfigMap(cm: ConfigMapContext, model: ConfigMapModel, s: ClientIpSettings): void {
  if (cm.traffic.clientIp !== 'auto') return
  const spec = model.clientTraffic
  if (s.pp) spec.proxyProtocol = {}
  if (s.xff) {
    if (s.customHeader) {
      if (/^[A-Za-z0-9-]+$/.test(s.header) && s.header.length <= 255) spec.clientIPDetection = {customHeader: {name: s.header}}
    } else if (!s.trustAll) {
      spec.clientIPDetection = {xForwardedFor: {trustedCIDRs: s.cidrs}}
    } else {
      spec.clientIPDetection = {xForwardedFor: {numTrustedHops: 1}}
    }
  }
  for (const k of CLIENT_IP_KEYS) cm.use(k)

  if (cm.has('use-proxy-protocol') && parseGoBool(cm.data['use-proxy-protocol']) !== undefined) {
    if (s.pp) {
      cm.account('use-proxy-protocol', diagnostic('client-ip-proxy-protocol', {key: 'use-proxy-protocol', value: cm.data['use-proxy-protocol']}, {hint: 'proxyProtocol needs Envoy Gateway v1.5+; older releases take enableProxyProtocol: true'}))
    } else cm.exact('use-proxy-protocol', `"${cm.data['use-proxy-protocol']}" matches Envoy's default (no PROXY protocol)`)
  }
  if (s.xff) accountForwardedDetection(cm, model, s)
  for (const key of ['use-forwarded-headers', 'enable-real-ip']) {
    if (cm.has(key) && parseGoBool(cm.data[key]) === false) {
      cm.exact(key, s.xff ? `"${cm.data[key]}" (off; client IP detection comes from ${s.xffKey})` : `"${cm.data[key]}" matches Envoy's default (X-Forwarded-For is not trusted for the client IP)`)
    }
  }
  accountForwardedForHeader(cm, model, s)
  accountProxyRealIpCidr(cm, s)
  if (s.pp) {
    model.checklist.push({
      id: 'proxy-protocol',
      line: 'PROXY protocol: configure the load balancer in front of the Envoy Service to send PROXY protocol headers (as it did for ingress-nginx), e.g. with Service annotations in the EnvoyProxy resource (spec.provider.kubernetes.envoyService.annotations); Envoy rejects connections without them',
    })
  }
  if (!s.pp && !s.xff) {
    model.checklist.push({
      id: 'client-address',
      line: 'Client IP: Envoy sees the TCP peer as the client; if the ingress-nginx Service used externalTrafficPolicy: Local to keep client addresses, set the same on the Envoy Service (EnvoyProxy spec.provider.kubernetes.envoyService.externalTrafficPolicy: Local)',
    })
  }
}

/** use-forwarded-headers / enable-real-ip (on): how the detection was translated. */
function accountForwardedDetection(cm: ConfigMapContext, model: ConfigMapModel, s: ClientIpSettings): void {
  const {xffKey, header} = s
  const hopsNote =
    'nginx trusted proxy-real-ip-cidr 0.0.0.0/0 (its default) with real_ip_recursive on, i.e. every hop: the client IP was the leftmost X-Forwarded-For entry, which any client can forge. ' +
    'Envoy would do the same with trustedCIDRs [0.0.0.0/0]; the translation instead trusts 1 hop (numTrustedHops: 1), the address the load balancer in front of Envoy appended, which only differs when several proxies append to the header'
  const value = cm.data[xffKey]
  // enable-real-ip alone: the listeners set X-Forwarded-Proto/-Host/-Port themselves, which nginx did not trust then.
  const realIpOnly = !s.forwarded && s.realIp
  const realIpNote = realIpOnly ? '; unlike use-forwarded-headers, enable-real-ip did not trust X-Forwarded-Proto/-Host/-Port, which the listeners set themselves (see forwarded-headers)' : ''
  if (s.pp) {
    const trust = s.customHeader ? ('custom-header' as const) : s.trustAll ? ('every-hop' as const) : ('cidrs' as const)
    const warn = trust === 'every-hop'
    const hint = warn ? 'if more than one proxy appends to X-Forwarded-For in front of the load balancer, set --client-ip xff:N (or proxy-real-ip-cidr) to the right count' : undefined
    cm.account(xffKey, diagnostic('client-ip-proxy-and-xff', {key: xffKey, value, header, trust, realIpOnly}, {level: warn ? 'warning' : 'info', hint}))
  } else if (s.customHeader) {
    cm.exact(xffKey, `"${value}" -> clientIPDetection.customHeader (${header}; see forwarded-for-header)${realIpNote}`)
  } else if (s.trustAll) {
    const hint = 'if several proxies append to X-Forwarded-For before Envoy, rerun with --client-ip xff:N or set proxy-real-ip-cidr to the proxies\' ranges (-> trustedCIDRs)'
    cm.note(xffKey, 'client-ip-xff-hops', `"${value}" -> clientIPDetection.xForwardedFor.numTrustedHops: 1. ${hopsNote}${realIpNote}`, {hint})
  } else {
    cm.exact(xffKey, `"${value}" -> clientIPDetection.xForwardedFor.trustedCIDRs (proxy-real-ip-cidr)${realIpNote}`)
  }
  if (s.forwarded && parseGoBool(cm.data['enable-real-ip']) === true) cm.exact('enable-real-ip', `"${cm.data['enable-real-ip']}" is implied by use-forwarded-headers`)
  model.checklist.push(
    `use-forwarded-headers/enable-real-ip: with TLS terminated by a load balancer that forwards plain HTTP to port 80, nginx skipped the HTTPS redirect for X-Forwarded-Proto: https; the https-redirect HTTPRoute on the "http" listener redirects regardless, which loops: send such traffic to the https listener, or restrict the redirect route with a header match on X-Forwarded-Proto`,
  )
}

function accountForwardedForHeader(cm: ConfigMapContext, model: ConfigMapModel, s: ClientIpSettings): void {
  if (!cm.has('forwarded-for-header')) return
  const {header} = s
  if (!s.xff) cm.account('forwarded-for-header', diagnostic('configmap-key-unused', {key: 'forwarded-for-header', value: cm.data['forwarded-for-header']}))
  else if (!s.customHeader) cm.exact('forwarded-for-header', `"${cm.data['forwarded-for-header']}" is the X-Forwarded-For header Envoy reads`)
  else if (model.clientTraffic.clientIPDetection?.customHeader) {
    cm.account(
      'forwarded-for-header',
      diagnostic('client-ip-custom-header', {key: 'forwarded-for-header', value: header}, {hint: 'make sure only the trusted proxy can reach Envoy (or that it overwrites the header), since clients can otherwise choose their IP'}),
    )
  } else {
    cm.account('forwarded-for-header', diagnostic('configmap-value-invalid', {key: 'forwarded-for-header', value: header, expected: 'header-name'}))
  }
}

function accountProxyRealIpCidr(cm: ConfigMapContext, s: ClientIpSettings): void {
  if (!cm.has('proxy-real-ip-cidr')) return
  const raw = cm.data['proxy-real-ip-cidr']
  const invalid = s.badCidrs.length > 0 ? ` (invalid entries dropped: ${s.badCidrs.join(', ')})` : ''
  const cidrData = {key: 'proxy-real-ip-cidr' as const, value: raw, invalid: [...s.badCidrs]}
  if (!s.xff && !s.pp) cm.account('proxy-real-ip-cidr', diagnostic('configmap-key-unused', {key: 'proxy-real-ip-cidr', value: raw}))
  else if (s.xff && s.customHeader) cm.account('proxy-real-ip-cidr', diagnostic('client-ip-trusted-cidrs', {...cidrData, detection: 'custom-header'}, {level: 'info', fidelity: 'approximate'}))
  else if (s.xff && !s.trustAll) cm.account('proxy-real-ip-cidr', diagnostic('client-ip-trusted-cidrs', {...cidrData, detection: 'xff', cidrs: s.cidrs}, {level: s.badCidrs.length > 0 ? 'warning' : 'info', fidelity: 'exact'}))
  else if (s.xff) cm.exact('proxy-real-ip-cidr', `"${raw}" trusts every peer; see ${s.xffKey} for how that is translated${invalid}`)
  else cm.account('proxy-real-ip-cidr', diagnostic('client-ip-trusted-cidrs', {...cidrData, detection: 'proxy-protocol'}, {level: 'info', fidelity: 'approximate', hint: 'keep the Envoy Service reachable only through the load balancer'}))
}

/** Forwarded request headers (X-Real-IP, X-Forwarded-*): the listeners' header mode, and compute-full-forwarded-for. */
function applyForwardedHeaders(cm: ConfigMapContext, model: ConfigMapModel, s: ClientIpSettings): void {
  // As nginx.tmpl, which reads use-forwarded-headers whatever --client-ip says.
  const {forwarded, header} = s
  const fullForwardedFor = cm.bool('compute-full-forwarded-for', false)
  model.forwardedForHeader = header
  model.headerMode = {detected: model.clientTraffic.clientIPDetection !== undefined, trustForwarded: forwarded, fullForwardedFor, proxyProtocol: model.clientTraffic.proxyProtocol !== undefined, customHeader: model.clientTraffic.clientIPDetection?.customHeader !== undefined}
  const headerMode = model.headerMode
  model.general.push(forwardedHeadersDiagnostic(headerMode, cm.cmSubject, header))
  if (headerMode.proxyProtocol) {
    model.checklist.push(
      'PROXY protocol and TLS: if the load balancer terminates TLS and sends PROXY protocol to port 80, ingress-nginx treated those requests as https (destination port 443 in the PROXY header); the Gateway treats them as http and its https-redirect route loops: let the load balancer pass TLS through to port 443 instead',
    )
  }
  if (!cm.has('compute-full-forwarded-for') || parseGoBool(cm.data['compute-full-forwarded-for']) === undefined) return
  const raw = cm.data['compute-full-forwarded-for']
  cm.use('compute-full-forwarded-for')
  if (fullForwardedFor && !forwarded) {
    cm.account('compute-full-forwarded-for', diagnostic('configmap-key-unused', {key: 'compute-full-forwarded-for', value: raw}))
  } else if (fullForwardedFor) {
    cm.exact('compute-full-forwarded-for', `"${raw}": nginx passed the received X-Forwarded-For with the peer appended, as Envoy does with clientIPDetection`)
  } else {
    cm.note(
      'compute-full-forwarded-for',
      'configmap-key-mapped',
      `"${raw}": nginx replaced X-Forwarded-For with the client address alone${headerMode.detected ? '; with client IP detection from a header Envoy keeps the received list (see forwarded-headers)' : ', as the listeners do (the received header is removed before Envoy appends the client address)'}`,
      {level: 'info', fidelity: headerMode.detected ? 'approximate' : 'exact'},
    )
  }
}

/** The client IP family's steps, in pipeline order. */
export function applyClientIp(cm: ConfigMapContext, model: ConfigMapModel): void {
  // Read first, so that an invalid boolean is reported as such even when --client-ip overrides the key.
  const settings = readClientIpSettings(cm)
  applyClientIpOverride(cm, model)
  applyClientIpFromConfigMap(cm, model, settings)
  applyForwardedHeaders(cm, model, settings)
}
