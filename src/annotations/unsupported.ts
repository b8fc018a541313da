import {parseBool} from '../model/parsers.js'
import {servingConfig} from './serving.js'
import type {AnnotationFamily, AnnotationSpec, FamilyContext} from './types.js'
import type {ParseResult} from '../model/parsers.js'

const SET_COOKIE_HINT = 'Envoy Gateway cannot rewrite Set-Cookie attributes: change them in the application, or rewrite the header with a Lua EnvoyExtensionPolicy (needs extensionApis.enableLua)'
const LOCATION_HINT = 'Envoy Gateway cannot rewrite Location/Refresh response headers: make the backend send the public URL, or rewrite the header with a Lua EnvoyExtensionPolicy (needs extensionApis.enableLua)'
const WAF_HINT = 'Envoy Gateway has no ModSecurity: run a WAF such as Coraza (Wasm EnvoyExtensionPolicy) or an external WAF in front of the Gateway, with the same rules'

function parseText(value: string): ParseResult<string> {
  return {ok: true, value: value.trim()}
}

function parseCiphers(value: string): ParseResult<string> {
  return /^[A-Za-z0-9+:_\-!@=]+$/.test(value.trim()) ? {ok: true, value: value.trim()} : {ok: false, reason: `"${value}" is not an OpenSSL cipher list`}
}

function spec(key: string, summary: string, fidelity: AnnotationSpec['fidelity'], target: string, note: string, parse: AnnotationSpec['parse'], dflt?: string): AnnotationSpec {
  return {key, summary, fidelity, target, note, default: dflt, parse}
}

/**
 * ModSecurity, FastCGI parameters, Set-Cookie / Location rewriting, per-host TLS ciphers -> reported: Envoy Gateway
 * has no per-route equivalent. Each key says what to do instead, or why nothing is needed.
 */
export const unsupportedFamily: AnnotationFamily = {
  name: 'unsupported',
  specs: [
    spec('enable-modsecurity', 'ModSecurity WAF for the Ingress\'s locations', 'manual', 'none', WAF_HINT, parseBool, 'false'),
    spec('enable-owasp-core-rules', 'OWASP Core Rule Set in ModSecurity', 'manual', 'none', WAF_HINT, parseBool, 'false'),
    spec('modsecurity-transaction-id', 'ModSecurity transaction id (an nginx variable)', 'manual', 'none', WAF_HINT, parseText),
    spec('fastcgi-index', 'FastCGI index file (backend-protocol FCGI)', 'manual', 'none', 'set the index file in the HTTP server put in front of the FastCGI process', parseText),
    spec('fastcgi-params-configmap', 'ConfigMap of FastCGI parameters (backend-protocol FCGI)', 'manual', 'none', 'set the FastCGI parameters in the HTTP server put in front of the FastCGI process', parseText),
    spec('proxy-cookie-domain', 'Rewrite the domain of Set-Cookie headers ("from to", or off)', 'manual', 'none', SET_COOKIE_HINT, parseText, 'off'),
    spec('proxy-cookie-path', 'Rewrite the path of Set-Cookie headers ("from to", or off)', 'manual', 'none', SET_COOKIE_HINT, parseText, 'off'),
    spec('proxy-redirect-from', 'Rewrite Location/Refresh response headers: text to replace (off, default, or a prefix)', 'manual', 'none', LOCATION_HINT, parseText, 'off'),
    spec('proxy-redirect-to', 'Rewrite Location/Refresh response headers: replacement for proxy-redirect-from', 'manual', 'none', LOCATION_HINT, parseText),
    spec('ssl-ciphers', 'TLS cipher list of the host\'s server (first Ingress of the host wins)', 'manual', 'none (ClientTrafficPolicy tls.ciphers is per listener)', 'ciphers are a listener setting in Envoy Gateway: a ClientTrafficPolicy tls.ciphers on a listener dedicated to this host', parseCiphers),
    spec('ssl-prefer-server-ciphers', 'Prefer the server\'s cipher order in the host\'s TLS handshakes', 'ignored', 'none (Envoy prefers the server\'s order)', 'Envoy already prefers the server\'s cipher order (TLS 1.2 and below)', parseBool),
  ],
  apply(ctx) {
    if (ctx.ingress.isCanary) return
    applyModSecurity(ctx)
    applyFastCgi(ctx)
    for (const key of ['proxy-cookie-domain', 'proxy-cookie-path']) {
      const value = ctx.value<string>(key)
      if (value === undefined) continue
      if (value === 'off' || value === '') ctx.account(key, 'exact')
      else ctx.account(key, 'manual', `"${value}": Set-Cookie headers from the backend are no longer rewritten`, {hint: SET_COOKIE_HINT})
    }
    applyProxyRedirect(ctx)
    const ciphers = ctx.value<string>('ssl-ciphers')
    if (ciphers !== undefined) {
      const hosts = ingressHosts(ctx)
      ctx.account('ssl-ciphers', 'manual', `"${ciphers}" applied to the TLS handshakes of ${hosts.join(', ') || 'the host'} only; on the shared Gateway ciphers are a listener setting, so the Gateway's default ciphers are used`, {
        hint: `the gateway owner adds an HTTPS listener with hostname ${hosts[0] ?? '<host>'} (and the host's certificate) and a ClientTrafficPolicy targeting it (sectionName) with tls.ciphers listing the names from "${ciphers}" (OpenSSL expressions such as HIGH or !aNULL must be expanded to names)`,
      })
    }
    if (ctx.value<boolean>('ssl-prefer-server-ciphers') === false) {
      ctx.account('ssl-prefer-server-ciphers', 'approximate', 'Envoy Gateway always uses the server\'s cipher order; nginx let the client\'s order win')
    }
  },
}

function applyModSecurity(ctx: FamilyContext): void {
  const enabled = ctx.value<boolean>('enable-modsecurity')
  if (enabled === false) ctx.account('enable-modsecurity', 'exact')
  if (enabled === true) ctx.account('enable-modsecurity', 'manual', 'the ModSecurity WAF (detection-only unless its configuration sets SecRuleEngine On) no longer inspects these requests', {hint: WAF_HINT})
  const crs = ctx.value<boolean>('enable-owasp-core-rules')
  if (crs === false) ctx.account('enable-owasp-core-rules', 'exact')
  if (crs === true) ctx.account('enable-owasp-core-rules', 'manual', 'the OWASP Core Rule Set no longer inspects these requests', {hint: WAF_HINT})
  if (ctx.has('modsecurity-transaction-id') && enabled !== true && crs !== true) {
    ctx.account('modsecurity-transaction-id', 'ignored', 'ModSecurity is not enabled by this Ingress, so the transaction id has no effect here')
  }
}

function applyFastCgi(ctx: FamilyContext): void {
  const fcgi = ctx.ingress.settings.backendProtocol === 'FCGI'
  // fastcgi.Parse: a ConfigMap of another namespace without allow-cross-namespace-resources is a plain error, so
  // Extract drops the whole FastCGI configuration (index included).
  const params = ctx.value<string>('fastcgi-params-configmap')
  const namespace = params?.includes('/') ? params.split('/')[0] : ''
  const refused = namespace !== '' && namespace !== ctx.ingress.ref.namespace && !servingConfig(ctx.lookup.controllerConfigMap()).allowCrossNamespace
  for (const key of ['fastcgi-index', 'fastcgi-params-configmap']) {
    if (!ctx.has(key)) continue
    if (refused) ctx.account(key, 'ignored', `ingress-nginx ignores the whole FastCGI configuration: ${params} is a ConfigMap of another namespace and the controller ConfigMap does not set allow-cross-namespace-resources: "true"`, {level: 'warning'})
    else if (!fcgi) ctx.account(key, 'ignored', 'ingress-nginx reads it only with backend-protocol FCGI')
  }
}

function applyProxyRedirect(ctx: FamilyContext): void {
  const from = ctx.value<string>('proxy-redirect-from')
  const to = ctx.value<string>('proxy-redirect-to')
  const active = from !== undefined && from !== '' && from !== 'off' && from !== 'default'
  if (from !== undefined && !active) {
    ctx.account('proxy-redirect-from', from === 'default' ? 'ignored' : 'exact', from === 'default' ? 'nginx\'s "default" rewrites Location headers naming its internal upstream (upstream_balancer), which backends never send' : undefined)
  }
  if (active && to !== undefined) {
    ctx.account('proxy-redirect-from', 'manual', `Location/Refresh headers starting with "${from}" are no longer rewritten to "${to}"`, {hint: LOCATION_HINT})
    ctx.account('proxy-redirect-to', 'manual', 'see proxy-redirect-from', {hint: LOCATION_HINT})
  } else if (active) {
    ctx.account('proxy-redirect-from', 'ignored', 'has no effect without proxy-redirect-to')
  } else if (to !== undefined) {
    ctx.account('proxy-redirect-to', 'ignored', 'has no effect unless proxy-redirect-from names the text to replace (it is off or default)')
  }
}

function ingressHosts(ctx: FamilyContext): string[] {
  const rules: any[] = Array.isArray(ctx.ingress.object.spec?.rules) ? ctx.ingress.object.spec.rules : []
  return [...new Set(rules.map((r) => (typeof r?.host === 'string' ? r.host.toLowerCase() : '')).filter((h) => h !== ''))].sort()
}
