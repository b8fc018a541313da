/**
 * oauth2-proxy behind extAuth (the default): the check goes to its proxy handler with the request's own path.
 *
 * Why not `/oauth2/auth`: oauth2-proxy's AuthOnly handler answers a signed-in user with 202 Accepted
 * (oauth2-proxy oauthproxy.go AuthOnly), which nginx's auth_request accepted and Envoy's ext_authz turns into a
 * denial (empty 202 to the browser). Its Proxy handler (oauthproxy.go Proxy), which serves every path outside
 * its proxy prefix, answers a signed-in user through its upstream (`--upstream=static://200`: a plain 200,
 * pkg/upstream/static.go) with the X-Auth-Request-* response headers (buildHeadersChain), a JSON client
 * (Accept: application/json, isAjax) with 401, and a browser with the sign-in redirect (doOAuthStart with
 * --skip-provider-button, else its sign-in page with status 403). The return URL is the request's own path
 * (pkg/app/redirect getters.go getURIRedirect), so users come back to the page they asked for.
 *
 * The check sends no X-Forwarded-For. nginx set it (and X-Real-IP) to the client address for the auth subrequest
 * (nginx.tmpl, the auth location); Envoy passes the client's own entries with the peer appended
 * (conn_manager_utility.cc mutateRequestHeaders), and oauth2-proxy with --reverse-proxy takes the first entry for
 * the client (pkg/ip/realclientip.go GetRealClientIP), so --trusted-ip would admit whoever names a trusted address.
 */
import type {FamilyContext} from '../types.js'
import {readOauth2ProxyConfig} from './oauth2-proxy-config.js'
import {checkShape, type ExtAuthForm, type FormResult, queryParams, responseHeaders} from './forms.js'
import {HOST_VARIABLE, hostsWithoutRouteUnder, ownHosts, type ServiceTarget} from './url.js'

/** Query parameters of /oauth2/auth that narrow who gets in (oauthproxy.go authOnlyAuthorize), and the flag saying the same. */
const RESTRICTING_PARAMS: Record<string, string> = {
  allowed_groups: '--allowed-group',
  allowed_emails: '--authenticated-emails-file',
  allowed_email_domains: '--email-domain',
}

/** The proxy prefix an auth-url names (`/oauth2/auth` -> `/oauth2`). */
export function proxyPrefix(target: {path: string}): string {
  return target.path.replace(/\/+$/, '').replace(/\/auth$/, '') || '/oauth2'
}

/** The flags the ext-auth form needs on oauth2-proxy's side. */
export function oauth2ProxyFlags(prefix: string): string {
  return `--upstream=static://200 (its only upstream), --reverse-proxy, --skip-provider-button, --ping-path=${prefix}/ping and --ready-path=${prefix}/ready (and its probes moved to them)`
}

export function oauth2ProxyForm(ctx: FamilyContext, target: ServiceTarget, service: string): FormResult {
  const prefix = proxyPrefix(target)
  const params = queryParams(target.query)
  const restricting = Object.keys(RESTRICTING_PARAMS).filter((p) => params.has(p))
  if (restricting.length > 0) {
    const given = restricting.map((p) => `${p}=${params.getAll(p).join(',')}`).join('&')
    return {
      ok: false,
      reason: `asks oauth2-proxy to admit only ${given} (query of ${prefix}/auth, checked by oauthproxy.go authOnlyAuthorize); Envoy's check cannot carry a query of its own (it sends the request's path), so that restriction cannot be kept`,
      hint: `run a second oauth2-proxy for these routes with the restriction as flags (${restricting.map((p) => RESTRICTING_PARAMS[p]).join(', ')}) and ${oauth2ProxyFlags(prefix)}, then set extAuth: {http: {backendRefs: [{name: <that Service>, namespace: <its namespace>, port: <its port>}]}, headersToExtAuth: [${checkShape('oauth2-proxy', target.path).headersToExtAuth.join(', ')}], statusOnError: 500} in this SecurityPolicy and remove its authorization block`,
    }
  }
  const others = [...new Set(params.keys())].filter((p) => !(p in RESTRICTING_PARAMS))
  const notes = [
    `oauth2-proxy answers ${prefix}/auth with 202 for a signed-in user and Envoy lets only 200 through, so the check goes to its proxy handler instead, with the request's own path: with --upstream=static://200 it answers 200 for a signed-in user (the X-Auth-Request-* headers with --set-xauthrequest), 401 for a JSON client (Accept: application/json), and a sign-in redirect for a browser`,
    `oauth2-proxy answers its own endpoints itself, also on this host: ${prefix}/* and its --ping-path (/ping), --ready-path (/ready) and /robots.txt; an answer of 200 there lets the request reach the application without a session, so move the ping and ready paths under ${prefix}/ (nginx authenticated those paths like any other)`,
    `Envoy sends the request's Host, Method, Path, Authorization and the headersToExtAuth listed here (accept, cookie, x-forwarded-proto) instead of every client header; not X-Forwarded-For, whose first entry the client chooses under Envoy and oauth2-proxy takes for the client address, so --trusted-ip no longer lets anyone in without a session`,
    'Set-Cookie of a successful check (a refreshed oauth2-proxy session) no longer reaches the browser: sessions are refreshed when they are checked after expiry instead',
  ]
  if (others.length > 0) notes.push(`the query of the URL (${others.join(', ')}) is not sent`)
  // Its skip-auth rules saw /oauth2/auth under nginx (oauthproxy.go IsAllowedRequest, requestutil.GetRequestPath);
  // now they see the application's paths and let matching requests through without a session.
  const config = readOauth2ProxyConfig(ctx, target.namespace, target.name)
  const skips = ['skip-auth-route', 'skip-auth-regex'].flatMap((f) => (config?.values.get(f) ?? []).map((v) => `--${f}=${v}`))
  if (skips.length > 0) notes.push(`${skips.join(', ')} (${config!.source}) now match the application's paths, where nginx's check only showed them ${prefix}/auth: requests they match reach the application without a session`)
  // nginx's subrequest was a GET (ngx_http_core_module.c ngx_http_subrequest); Envoy's check has the client's method.
  if (config?.values.get('skip-auth-preflight')?.[0] === 'true') {
    notes.push(`--skip-auth-preflight (${config.source}) now lets every OPTIONS request reach the application without a session: nginx's check was a GET, Envoy's has the request's own method`)
  }
  const trusted = config?.values.get('trusted-ip') ?? []
  if (trusted.length > 0) notes.push(`--trusted-ip=${trusted.join(',')} (${config!.source}) no longer lets those clients in without a session: the check does not carry their address`)
  const form: ExtAuthForm = {
    server: 'oauth2-proxy',
    ...checkShape('oauth2-proxy', target.path),
    headersToBackend: responseHeaders(ctx),
    // The policy is complete, but every request is denied until oauth2-proxy runs with the flags: a person acts.
    fidelity: 'manual',
    code: 'ext-auth-oauth2-proxy',
    notes,
    hint: `before cutover run oauth2-proxy ${service} with ${oauth2ProxyFlags(prefix)}: until then a signed-in user's check gets the answer of its current upstream, and Envoy lets the request through only where that is a 200; nginx keeps working with these flags (it only calls ${prefix}/auth and ${prefix}/start); check that its --skip-auth-route / --skip-auth-regex, which now see the application's paths, open nothing nginx protected`,
    ownerStep: `run it with ${oauth2ProxyFlags(prefix)}; nginx keeps working with these flags, so set them before the cutover`,
    signin: (signin, param) => oauth2ProxySignin(ctx, prefix, signin, param),
  }
  return {ok: true, form}
}

/** The host an auth-signin URL names, or undefined when it is the request's own host ($host, or one of the Ingress's). */
function otherSigninHost(ctx: FamilyContext, signin: string): string | undefined {
  const host = /^[a-z][a-z0-9+.-]*:\/\/([^/?#:]*)/i.exec(signin.trim())?.[1]?.toLowerCase()
  if (host === undefined || HOST_VARIABLE.test(host) || ownHosts(ctx).includes(host)) return undefined
  return host
}

function oauth2ProxySignin(ctx: FamilyContext, prefix: string, signin: string, param: string) {
  const other = otherSigninHost(ctx, signin)
  if (other !== undefined) {
    return {
      fidelity: 'manual' as const,
      message: `nginx sent signed-out browsers to "${signin}" (sign-in on ${other}, return URL in ?${param}=); oauth2-proxy's own redirect starts the sign-in for the host of the request instead, so its callback ${prefix}/callback must reach oauth2-proxy on ${ownHosts(ctx).join(', ') || 'this Ingress\'s hosts'} too`,
      hint: `route ${prefix}/ of these hosts to oauth2-proxy (an Ingress like the one of ${other}) and register https://<host>${prefix}/callback with the identity provider; with --cookie-domain covering both hosts, users signed in on ${other} stay signed in`,
    }
  }
  const unrouted = hostsWithoutRouteUnder(ctx, prefix)
  if (unrouted.length > 0) {
    return {
      fidelity: 'manual' as const,
      message: `oauth2-proxy redirects a signed-out browser to sign in itself, with its callback on the request's host, and no Ingress of the input routes ${prefix}/ of ${unrouted.join(', ')} to oauth2-proxy (nginx's redirect to "${signin}" needed that route too)`,
      hint: `add the Ingress that routes ${prefix} of these hosts to oauth2-proxy to the input and convert again, or route it on the Gateway`,
    }
  }
  return {
    fidelity: 'approximate' as const,
    message: `oauth2-proxy redirects a signed-out browser to sign in itself (to the provider with --skip-provider-button, else to its sign-in page, answered with status 403) and brings the user back to the page asked for, as nginx's redirect to "${signin}" did; JSON clients (Accept: application/json) get 401 instead of the redirect`,
  }
}
