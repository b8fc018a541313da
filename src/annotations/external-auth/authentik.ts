/**
 * authentik outpost -> its Envoy endpoint, in the form of authentik's Envoy guide (goauthentik/authentik
 * website/docs/add-secure-apps/providers/proxy/_envoy_istio.md: pathPrefix `/outpost.goauthentik.io/auth/envoy`,
 * cookie to the check, set-cookie and x-authentik-* back).
 *
 * The outpost serves that prefix with the original path appended (internal/outpost/proxyv2/application/
 * mode_forward.go: `PathPrefix(envoyPrefix)`, forwardHandleEnvoy trims the prefix and takes the Host): a signed-in
 * user (session cookie, or a valid bearer / basic Authorization, auth.go checkAuth) gets 200 with the
 * X-authentik-* headers; a path that itself starts with /outpost.goauthentik.io gets 200 ("allowing access");
 * anyone else a 307 to `//<Host>/outpost.goauthentik.io/start`, which sends the browser on to authentik with the
 * callback `/outpost.goauthentik.io/callback`. Both must reach the outpost's own route on the application's host:
 * left to the protected route, the check would answer 200 and the application would get them, so nobody could
 * sign in. Envoy Gateway copies headers onto the upstream request by exact name only, so the prefix becomes the
 * list the outpost sets (mode_common.go addHeaders).
 */
import type {FamilyContext} from '../types.js'
import {checkShape, type ExtAuthForm, mergeHeaders, responseHeaders} from './forms.js'
import {hostsWithoutRouteUnder, type ServiceTarget} from './url.js'

export const AUTHENTIK_HEADERS = [
  'X-authentik-username',
  'X-authentik-groups',
  'X-authentik-entitlements',
  'X-authentik-email',
  'X-authentik-name',
  'X-authentik-uid',
  'X-authentik-jwt',
  'X-authentik-meta-jwks',
  'X-authentik-meta-outpost',
  'X-authentik-meta-provider',
  'X-authentik-meta-app',
  'X-authentik-meta-version',
]

export function authentikForm(ctx: FamilyContext, target: ServiceTarget): ExtAuthForm {
  const added = AUTHENTIK_HEADERS.filter((h) => !responseHeaders(ctx).some((r) => r.toLowerCase() === h.toLowerCase()))
  const unrouted = hostsWithoutRouteUnder(ctx, '/outpost.goauthentik.io')
  const notes = [
    `${target.path} -> the outpost's Envoy endpoint /outpost.goauthentik.io/auth/envoy with the request's path appended: it answers 200 with the X-authentik-* headers for a signed-in user and anyone else a redirect to /outpost.goauthentik.io/start on the request's host, which starts authentik's login`,
    "Envoy sends the request's Host, Method, Path, Authorization and the cookie header (authentik's guide) instead of every client header",
    'Set-Cookie of an allowed check (a refreshed outpost session) does not reach the browser: Envoy Gateway passes the auth answer\'s headers to the client only on denials',
  ]
  if (added.length > 0) notes.push(`${added.join(', ')} from the outpost's answer are also copied onto the request, as authentik's guide does (a client-sent header of those names is overwritten)`)
  if (target.query !== '') notes.push(`the query of the URL (${target.query}) is not sent`)
  const routeStep =
    unrouted.length > 0
      ? `route /outpost.goauthentik.io on ${unrouted.join(', ')} to the outpost (no Ingress of the input does): its sign-in start and callback land there, and until then the outpost's check lets those paths through to the application, so nobody can sign in`
      : 'keep the /outpost.goauthentik.io route of the protected hosts pointing at the outpost (its sign-in start and callback land there)'
  return {
    server: 'authentik',
    ...checkShape('authentik', target.path),
    headersToBackend: mergeHeaders(responseHeaders(ctx), AUTHENTIK_HEADERS),
    // Without the outpost's route on a host nobody can sign in there: a person must add it.
    fidelity: unrouted.length > 0 ? 'manual' : 'approximate',
    code: 'ext-auth-authentik',
    notes,
    ...(unrouted.length > 0 ? {hint: routeStep} : {}),
    ownerStep: `nothing to change on the outpost (the Envoy endpoint is built in); ${routeStep}`,
    signin: (signin) =>
      unrouted.length > 0
        ? {
            fidelity: 'manual',
            message: `the outpost redirects signed-out users to /outpost.goauthentik.io/start on the request's host, and no Ingress of the input routes /outpost.goauthentik.io of ${unrouted.join(', ')} to the outpost (nginx's redirect to "${signin}" needed that route too)`,
            hint: `add the Ingress that routes /outpost.goauthentik.io of these hosts to the outpost to the input and convert again, or route it on the Gateway`,
          }
        : {
            fidelity: 'approximate',
            message: `the outpost redirects signed-out users to authentik's login itself (through /outpost.goauthentik.io/start) and brings them back to the page asked for, as nginx's redirect to "${signin}" did (for API clients too: the Envoy endpoint never answers 401, like nginx turning every 401 into that redirect)`,
          },
  }
}
