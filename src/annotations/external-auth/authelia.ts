/**
 * Authelia -> its ext-authz endpoint, in the form of Authelia's own Envoy Gateway guide
 * (authelia/authelia docs/content/integration/kubernetes/envoy/gateway.md: path `/api/authz/ext-authz/`, the
 * headers accept, cookie, authorization, proxy-authorization, x-forwarded-proto to the check, Remote-User,
 * Remote-Groups, Remote-Name, Remote-Email back).
 *
 * The endpoint (internal/handlers/handler_authz_impl_extauthz.go handleAuthzGetObjectExtAuthz) rebuilds the
 * original URL from X-Forwarded-Proto, the Host and the path after the prefix; it answers 200 with the Remote-*
 * headers when access is granted (handler_authz_common.go handleAuthzAuthorizedStandard), 403 when the rules
 * forbid it, and otherwise redirects browsers to its portal (302, 303 for other methods) while XHR and clients
 * that do not accept text/html get 401 (handler_authz_util.go getAuthzRedirectStatusCode). The portal URL comes
 * from the X-Authelia-URL header, which Envoy Gateway cannot add, else from the session cookie configuration's
 * authelia_url (handler_authz.go getAutheliaURL; handler_authz_builder.go: ExtAuthz reads the header).
 */
import type {FamilyContext} from '../types.js'
import {checkShape, type ExtAuthForm, mergeHeaders, queryParams, responseHeaders} from './forms.js'
import type {ServiceTarget} from './url.js'

export const AUTHELIA_HEADERS = ['Remote-User', 'Remote-Groups', 'Remote-Name', 'Remote-Email']

/**
 * Where the nginx setup told Authelia its portal is: `rd` of the legacy /api/verify, `authelia_url` of
 * /api/authz/auth-request (handleAuthzPortalURLFromQuery[Legacy]), else the auth-signin URL without its query.
 */
function portalUrl(ctx: FamilyContext, target: ServiceTarget): string | undefined {
  const params = queryParams(target.query)
  const fromQuery = params.get(target.path.startsWith('/api/verify') ? 'rd' : 'authelia_url')
  const signin = ctx.value<string>('auth-signin')
  const url = fromQuery && !fromQuery.includes('$') ? fromQuery : signin
  const m = url !== undefined ? /^(https?:\/\/[^/?#$]+)([^?#$]*)/.exec(url.trim()) : null
  // One spelling per portal (Authelia appends the slash itself, schema/session.go): https://auth.example.com
  return m ? `${m[1]}${m[2]!.replace(/\/+$/, '')}` : undefined
}

export function autheliaForm(ctx: FamilyContext, target: ServiceTarget): ExtAuthForm {
  const portal = portalUrl(ctx, target)
  const portalText = portal ?? 'the portal URL (the auth-signin URL without its query)'
  const added = AUTHELIA_HEADERS.filter((h) => !responseHeaders(ctx).some((r) => r.toLowerCase() === h.toLowerCase()))
  const notes = [
    `${target.path} -> Authelia's Envoy endpoint /api/authz/ext-authz/ (Authelia v4.38+), which reads the original path after that prefix, the Host and X-Forwarded-Proto, and answers 200 (access granted), 403 (forbidden by its rules), a redirect to its portal for browsers or 401 for XHR and clients that do not accept text/html`,
    'Envoy sends the request\'s Host, Method, Path, Authorization and the headersToExtAuth of Authelia\'s guide (accept, cookie, proxy-authorization, x-forwarded-proto, plus x-requested-with, which Authelia reads to answer XHR with 401) instead of every client header',
  ]
  if (added.length > 0) notes.push(`${added.join(', ')} from Authelia's answer are also copied onto the request, as its guide does (a client-sent header of those names is overwritten)`)
  if (target.query !== '') notes.push(`the query of the URL (${target.query}) is not sent: Authelia finds its portal in session.cookies[].authelia_url`)
  const ownerStep =
    `Authelia v4.38+ with the ext-authz endpoint enabled (server.endpoints.authz; on by default), and session.cookies[].authelia_url set to ${portalText} for the cookie domain of these hosts: Envoy Gateway cannot send the X-Authelia-URL header, so Authelia answers 400 to every check without it`
  return {
    server: 'authelia',
    ...checkShape('authelia', target.path),
    headersToBackend: mergeHeaders(responseHeaders(ctx), AUTHELIA_HEADERS),
    fidelity: 'approximate',
    code: 'ext-auth-authelia',
    notes,
    hint: `check on Authelia's side: ${ownerStep}`,
    ownerStep,
    signin: (signin) => ({
      fidelity: 'approximate',
      message: `Authelia redirects a signed-out browser to its portal itself (${portalText}, with the page asked for in rd), as nginx's redirect to "${signin}" did; XHR and clients that do not accept text/html get 401`,
    }),
  }
}
