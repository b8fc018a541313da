/** Diagnostics about Ingress annotations (src/annotations/). */
import {defineDiagnostic} from './define.js'

/**
 * A key's account (FamilyContext.account): the full annotation key, its value as written (absent when the key is
 * not on the Ingress) and the family's note on the difference, which the message prints after the key.
 */
export interface AnnotationNote {
  key: string
  value?: string
  note: string
}

/** A parser group whose keys ingress-nginx ignores together (annotation-group-ignored), as the message names it; authentication groups make it an error. */
export const GROUP_TEXT: Record<string, {what: string; security?: boolean}> = {
  ExternalAuth: {what: 'external authentication (auth-url and every auth-* setting of it)', security: true},
  BasicDigestAuth: {what: 'basic/digest authentication (auth-type, auth-secret, auth-realm)', security: true},
  CertificateAuth: {what: 'client certificate authentication (auth-tls-*)', security: true},
  ProxySSL: {what: 'backend TLS settings (proxy-ssl-*)'},
  Redirect: {what: 'redirect settings (permanent/temporal-redirect with their codes, from-to-www-redirect, relative-redirects)'},
  UpstreamHashBy: {what: 'upstream hashing (upstream-hash-by and its subset settings)'},
}

/** An annotation key (in full) and its value as written (credentials in raw nginx configuration masked). */
export interface KeyValue {
  key: string
  value: string
}

/** from-to-www-redirect: the hosts this Ingress has no location on, where nginx redirects no twin (www-redirect-skipped). */
export const wwwNotOwned = (unowned: string[]) =>
  `this Ingress owns no location on ${unowned.join(', ')} (no paths there, only its spec.defaultBackend, or an older Ingress has them), so nginx redirects no twin of ${unowned.length === 1 ? 'it' : 'them'}`

export const STICKINESS_LOST_TLS =
  'the routes reach their Services over TLS without certificate verification, which only an Envoy Gateway Backend can express; a Backend connects to the Service\'s cluster DNS name, one address, so the consistent hash has one endpoint to choose from and stickiness is lost (kube-proxy spreads the connections over the pods)'

/** A Service:port balanced as another Ingress decided (upstream-settings-from-ingress); Ingresses as `namespace/name`. */
export type InheritedUpstream = {service: string} & (
  | {setting: 'configmap-service-upstream' | 'service-upstream'; decider: string}
  | {setting: 'followed-cookie'; decider: string; cookie: string; cookieFrom: string}
  | {setting: 'cookie-settings'; cookieFrom: string}
  | {setting: 'hash'; decider: string; hashOn?: string}
  | {setting: 'balancer'; decider: string; type: string}
)

function renderInheritedUpstream(u: InheritedUpstream): string {
  const service = `Service ${u.service}`
  switch (u.setting) {
    case 'configmap-service-upstream':
      return `${service}: routingType Service, the ConfigMap's service-upstream (Ingress ${u.decider}, which created the upstream, does not set the annotation)`
    case 'followed-cookie':
      return `${service}: sticky (affinity cookie of Ingress ${u.decider}); nginx followed the cookie "${u.cookie}" (the settings of Ingress ${u.cookieFrom}, the last with affinity on it) on these paths too but set it only on the paths of Ingresses with affinity, and so does the route here (a cookie hash without ttl: no cookie is generated)`
    case 'cookie-settings':
      return `${service}: the cookie settings of Ingress ${u.cookieFrom}, the last with affinity cookie on it`
    case 'service-upstream':
      return `${service}: routingType Service, as Ingress ${u.decider} set service-upstream on it`
    case 'hash':
      return `${service}: consistent hash on ${u.hashOn}, as Ingress ${u.decider} decided`
    case 'balancer':
      return `${service}: loadBalancer ${u.type}, as Ingress ${u.decider} decided`
  }
}

export const isNote = (d: object): d is AnnotationNote => 'note' in d
export const renderNote = (d: AnnotationNote) => `${d.key}: ${d.note}`

export const ANNOTATIONS = [
  defineDiagnostic({
    code: 'annotation-approximate',
    level: ['info', 'warning'],
    fidelity: 'approximate',
    doc: 'The annotation is translated, but the Gateway behaves differently from ingress-nginx in the way the message says (its registry note, docs/annotations.md). Traffic still flows; check that the difference is acceptable for this Ingress before cutover. Trips `--fail-on approximate`.',
    render: renderNote,
  }),
  defineDiagnostic({
    code: 'annotation-manual',
    level: ['info', 'warning'],
    fidelity: 'manual',
    doc: 'The annotation has no Envoy Gateway equivalent the conversion can emit: what nginx did for it is not done by the generated objects. A person must reproduce it (the message and docs/annotations.md say how) or accept its loss. Trips `--fail-on manual`.',
    render: renderNote,
  }),
  defineDiagnostic({
    code: 'annotation-ignored',
    level: ['info', 'warning'],
    fidelity: 'ignored',
    doc: 'The annotation has no effect: ingress-nginx did not apply it either (an invalid value, a setting without its companion, a key nginx does not read in this case), or it only tuned nginx itself. Nothing to do unless the message says the value is invalid, in which case fix or remove it.',
    render: renderNote,
  }),
  defineDiagnostic({
    code: 'annotation-exact',
    level: 'info',
    fidelity: 'exact',
    doc: 'The annotation is translated exactly; reported at info level only when the message adds something worth reading (usually no diagnostic is emitted for an exact key).',
    render: renderNote,
  }),
  defineDiagnostic({
    code: 'auth-signin',
    level: ['info', 'warning'],
    fidelity: ['approximate', 'ignored', 'manual'],
    doc: 'auth-signin (and auth-signin-redirect-param): where nginx sent a browser on 401. Approximate when what replaces the external auth (Envoy Gateway\'s OIDC, or a recognised auth server\'s own sign-in redirect) sends the browser to sign in another way; manual when no external auth is emitted (a person must set up the sign-in with it); ignored without auth-signin. Carry the return-URL parameter over to whatever replaces the redirect.',
    render: renderNote,
  }),
  defineDiagnostic({
    code: 'auth-type-missing',
    level: 'info',
    fidelity: 'ignored',
    doc: 'An auth-* key of basic/digest authentication without auth-type: ingress-nginx applies no authentication, and the conversion emits nothing for it. Set auth-type if authentication was meant.',
    render: renderNote,
  }),
  defineDiagnostic({
    code: 'auth-url-empty',
    level: 'warning',
    fidelity: 'ignored',
    doc: 'auth-url is empty: ingress-nginx applies no external authentication, and neither does the conversion. Remove the key or set the URL: as written the paths are open.',
    render: renderNote,
  }),
  defineDiagnostic({
    code: 'auth-url-fail-closed-overrides',
    level: 'warning',
    doc: 'auth-url (or global auth) fails closed because its auth backend cannot be reached or built, so the route\'s SecurityPolicy denies every request; the authorization rules of other annotations (allowlist-source-range, denylist...) are left out of that policy, since an Allow rule would let those clients in without the authentication nginx required. What to do: fix the auth backend the message names, then put the rules the hint lists back into the SecurityPolicy\'s authorization beside its extAuth block.',
    render: (d: {keys: string[]; authUrl: string}) =>
      `${d.keys.join(', ')}: its SecurityPolicy authorization rules are left out while ${d.authUrl} fails closed (an Allow rule would let those clients in without the authentication nginx required); the route denies every request instead`,
  }),
  defineDiagnostic({
    code: 'auth-url-missing',
    level: 'info',
    fidelity: 'ignored',
    doc: 'An auth-* companion of external auth without auth-url: it has no effect, and the conversion emits nothing for it.',
    render: renderNote,
  }),
  defineDiagnostic({
    code: 'auth-url-port',
    level: 'warning',
    doc: 'auth-url names a Service port the Service does not have. nginx\'s auth subrequest failed and it answered 500; the SecurityPolicy extAuth fails the same way and Envoy answers 500. Fix the port in auth-url (or the Service) and convert again.',
    render: (d: {key: string; service: string; port: number; ports: (number | undefined)[]}) =>
      `${d.key}: Service ${d.service} has no port ${d.port} (it has ${d.ports.join(', ') || 'none'}); extAuth will fail and Envoy answers 500 as nginx did`,
  }),
  defineDiagnostic({
    code: 'auth-url-target',
    level: 'warning',
    fidelity: 'manual',
    doc: 'auth-response-headers on an Ingress whose auth-url produced no extAuth (the auth target could not be converted; see the auth-url note): the headers nginx copied from the auth answer to the backend are not copied. What to do: list them in extAuth.http.headersToBackend when you add the external auth.',
    render: renderNote,
  }),
  defineDiagnostic({
    code: 'auth-url-unresolved-fail-closed',
    level: 'error',
    fidelity: 'manual',
    doc: 'The auth service of auth-url cannot be resolved to a backend (Service or port missing, a host the conversion cannot reach). nginx sent every request through this auth subrequest, so instead of publishing the route without authentication the SecurityPolicy denies every request (authorization defaultAction Deny: 403) until its extAuth backend is set. Fix auth-url or create the Service, then convert again.',
    render: renderNote,
  }),
  defineDiagnostic({
    code: 'backend-needs-enable-backend',
    level: 'info',
    doc: 'The route reaches its Services through Envoy Gateway Backend objects (backend-protocol with an ExternalName Service, TLS to an FQDN...), which Envoy Gateway serves only when its configuration enables extensionApis.enableBackend. Check the Envoy Gateway configuration (EnvoyGateway extensionApis.enableBackend: true) before cutover.',
    render: (d: {key: string; value: string}) => `${d.key}: the route reaches its Services through Envoy Gateway Backend objects, which Envoy Gateway serves only with extensionApis.enableBackend`,
  }),
  defineDiagnostic({
    code: 'basic-auth-realm',
    level: 'warning',
    fidelity: 'approximate',
    doc: 'auth-realm: Envoy Gateway\'s basicAuth has no realm setting, so the browser\'s login prompt shows Envoy\'s own realm instead. Authentication is the same.',
    render: renderNote,
  }),
  defineDiagnostic({
    code: 'basic-auth-secret',
    level: ['info', 'warning'],
    fidelity: ['ignored', 'manual'],
    doc: 'Basic auth becomes a SecurityPolicy basicAuth, but Envoy Gateway reads only {SHA} htpasswd hashes under the key .htpasswd, so nginx\'s Secret (bcrypt, apr1, crypt) cannot be reused: a new Secret is referenced, and until it exists Envoy Gateway rejects the policy and the route answers 500 (fail closed). Create the new Secret with {SHA} hashes of the same users. Info/ignored when the auth settings have no effect (no auth-type, a Secret nginx could not read).',
    render: renderNote,
  }),
  defineDiagnostic({
    code: 'body-size-default',
    level: 'info',
    doc: 'No limit is emitted for this Ingress: nginx\'s 1m default comes from the controller ConfigMap, which the Gateway-level BackendTrafficPolicy (--nginx-defaults) carries.',
    render: (d: {key: string; value: string; default: string; from: 'configmap' | 'nginx'}) =>
      d.from === 'configmap'
        ? `no limit is emitted for this Ingress: nginx used the controller ConfigMap's proxy-body-size ${d.default}, which the Gateway-level BackendTrafficPolicy (--nginx-defaults) carries`
        : `no limit is emitted for this Ingress: nginx's ${d.default} default comes from the controller ConfigMap, which the Gateway-level BackendTrafficPolicy (--nginx-defaults) carries`,
  }),
  defineDiagnostic({
    code: 'body-size-unlimited',
    level: 'info',
    fidelity: 'exact',
    doc: 'proxy-body-size 0 turned nginx\'s body limit off. Envoy Gateway sets no limit by default, so the route gets none; with --nginx-defaults the route\'s BackendTrafficPolicy carries the Gateway-level defaults except requestBuffer. Nothing to do.',
    render: renderNote,
  }),
  defineDiagnostic({
    code: 'canary-affinity-legacy',
    level: 'info',
    fidelity: 'exact',
    doc: 'affinity-canary-behavior legacy: the canary is picked by weight on every request, ignoring session affinity, which is what Envoy does. Nothing to do.',
    render: renderNote,
  }),
  defineDiagnostic({
    code: 'canary-annotation-ignored',
    level: 'info',
    fidelity: 'ignored',
    doc: 'An annotation on a canary Ingress that ingress-nginx does not apply there: canary traffic goes through the primary Ingress\'s locations, with the primary\'s settings (the canary keeps its canary-* keys, its backend and the upstream settings: load-balance, upstream-hash-by, affinity). The conversion ignores it too. Set it on the primary Ingress if it was meant for all traffic.',
    render: renderNote,
  }),
  defineDiagnostic({
    code: 'canary-header-and-cookie',
    level: 'warning',
    fidelity: 'approximate',
    doc: 'Canary-by-header and canary-by-cookie are both set: nginx checks the header first; for a request carrying both, Envoy Gateway picks between the two matching rules by rule order, not header-first.',
    render: (_: {header: string; cookie: string}) =>
      'canary-by-header and canary-by-cookie are both set: nginx checks the header first; for a request carrying both, Envoy Gateway picks between the two matching rules by rule order, not header-first',
  }),
  defineDiagnostic({
    code: 'canary-header-value-emptied',
    level: 'warning',
    doc: 'canary-by-header-value is not a valid header value, so ingress-nginx emptied it: the canary is then chosen by canary-by-header-pattern when set, otherwise by the header being "always" / "never". The conversion matches the same way. Fix the value if a specific header value was meant to select the canary.',
    render: (d: {key: string; value: string; header: string; by: 'pattern' | 'always-never'}) =>
      `ingress-nginx emptied the invalid canary-by-header-value, so ${d.header} selects the canary by ${d.by === 'pattern' ? 'canary-by-header-pattern' : '"always" / "never"'} instead, and so does the conversion`,
  }),
  defineDiagnostic({
    code: 'canary-load-balancing',
    level: 'warning',
    fidelity: 'approximate',
    doc: 'The canary backend is merged into the primary Ingress\'s route, whose BackendTrafficPolicy (from the primary\'s annotations) balances both backends; this canary setting is not applied separately.',
    render: renderNote,
  }),
  defineDiagnostic({
    code: 'canary-not-enabled',
    level: 'warning',
    fidelity: 'ignored',
    doc: 'Set without canary: "true"; ingress-nginx drops the canary settings and serves this Ingress as a normal one, and so does the conversion.',
    render: renderNote,
  }),
  defineDiagnostic({
    code: 'canary-weight-total-ignored',
    level: 'info',
    fidelity: 'exact',
    doc: 'canary-weight-total at or below 100: ingress-nginx honours it only above 100 and used 100, and so does the conversion. Nothing to do.',
    render: renderNote,
  }),
  defineDiagnostic({
    code: 'catch-all-annotation-ignored',
    level: 'warning',
    fidelity: 'ignored',
    doc: 'The Ingress has no rules: it only serves the catch-all server\'s `/`, where ingress-nginx leaves out its redirect and rewrite settings (controller.go createServers), so the annotation had no effect, and the conversion leaves it out too. Nothing to do.',
    render: renderNote,
  }),
  defineDiagnostic({
    code: 'cors-approximate',
    level: 'warning',
    fidelity: ['approximate', 'manual'],
    doc: 'enable-cors and its companions are translated with differences the message lists (origins Envoy matches differently, credentials with a wildcard, max-age, methods): approximate, or manual when an origin cannot be matched at all. Check cross-origin browser requests after cutover.',
    render: renderNote,
  }),
  defineDiagnostic({
    code: 'cors-credentials-wildcard',
    level: 'info',
    fidelity: 'exact',
    doc: 'cors-allow-credentials "true" with cors-allow-origin "*": browsers refuse credentials when the answer\'s origin is the literal "*", which nginx sent, so the CORS policy sets allowCredentials false, which browsers treat the same. Nothing to do; list the origins explicitly if credentials were meant to work.',
    render: renderNote,
  }),
  defineDiagnostic({
    code: 'cors-no-origin',
    level: ['info', 'warning'],
    fidelity: ['exact', 'ignored'],
    doc: 'enable-cors is on but cors-allow-origin lists no origin nginx accepts, so nginx answered no CORS headers (and preflights fell through to the backend); the conversion emits no CORS either. A warning on enable-cors (exact: same behaviour, probably not what was meant), info on the other cors-* keys (no effect). Fix cors-allow-origin if browsers should get CORS.',
    render: renderNote,
  }),
  defineDiagnostic({
    code: 'cors-not-enabled',
    level: 'info',
    fidelity: 'ignored',
    doc: 'A cors-* key without enable-cors "true": ingress-nginx adds no CORS headers, and the conversion emits nothing for it.',
    render: renderNote,
  }),
  defineDiagnostic({
    code: 'cors-origin-rejected',
    level: 'warning',
    fidelity: 'manual',
    doc: 'cors-allow-origin lists no origin Envoy Gateway accepts: no cors is emitted and cross-origin browser requests to this Ingress fail. List the real origins (https://app.example.com), or answer CORS in the application.',
    render: renderNote,
  }),
  defineDiagnostic({
    code: 'cors-origin-skipped',
    level: 'warning',
    doc: 'An entry of cors-allow-origin without a lower-case scheme (scheme://host): ingress-nginx skipped it, and so does the conversion. Fix the entry if that origin should be allowed.',
    render: (d: {key: string; skipped: string[]}) => `${d.key}: ${d.skipped.map((o) => `"${o}"`).join(', ')} skipped, as ingress-nginx skips entries without a lower-case scheme (scheme://host)`,
  }),
  defineDiagnostic({
    code: 'digest-auth',
    level: 'warning',
    fidelity: 'manual',
    doc: 'auth-type other than exactly "basic": ingress-nginx used digest authentication (auth_digest). Envoy has no digest authentication, so the route is protected with basic auth instead (fail closed): clients must send Basic credentials from the new Secret. Change the clients, or put a digest-capable auth service behind auth-url.',
    render: renderNote,
  }),
  defineDiagnostic({
    code: 'ext-auth',
    level: ['info', 'warning'],
    fidelity: ['approximate', 'exact', 'ignored', 'manual'],
    doc: 'A companion of auth-url (auth-method, auth-response-headers, auth-request-redirect, auth-always-set-cookie, auth-proxy-set-headers...) and how the SecurityPolicy extAuth carries it: exact, approximate (Envoy calls the auth service differently: the client\'s own method, only some headers, Set-Cookie only on denials) or manual. The message says what differs; the fidelity is the key\'s.',
    render: renderNote,
  }),
  defineDiagnostic({
    code: 'ext-auth-authelia',
    level: 'warning',
    fidelity: ['approximate', 'manual'],
    doc: 'auth-url points at Authelia: the SecurityPolicy extAuth calls Authelia\'s Envoy endpoint /api/authz/ext-authz/ (v4.38+) instead of nginx\'s auth-request endpoint, with the headers of Authelia\'s guide. Approximate because Envoy sends only those headers and cannot send X-Authelia-URL (Authelia must find its portal in session.cookies[].authelia_url). What to do: check Authelia\'s version and session.cookies configuration, as the gateway owner checklist says.',
    render: renderNote,
  }),
  defineDiagnostic({
    code: 'ext-auth-authentik',
    level: 'warning',
    fidelity: ['approximate', 'manual'],
    doc: 'auth-url points at an authentik outpost: the SecurityPolicy extAuth calls the outpost\'s Envoy endpoint with the headers of authentik\'s guide. Approximate (Envoy sends only those headers; a refreshed Set-Cookie of an allowed check does not reach the browser); manual when a protected host has no route for /outpost.goauthentik.io: nobody can sign in there until a person routes that path to the outpost.',
    render: renderNote,
  }),
  defineDiagnostic({
    code: 'ext-auth-cache',
    level: ['info', 'warning'],
    fidelity: ['approximate', 'ignored'],
    doc: 'auth-cache-key / auth-cache-duration: nginx cached the auth service\'s answers per cache key; Envoy Gateway\'s extAuth has no cache, so it asks the auth service on every request (same decisions, no staleness, more load on the auth service): approximate. Ignored with OIDC (Envoy checks its own session cookie, no auth subrequest) or when auth-cache-duration has no auth-cache-key (nginx cached nothing). Size the auth service for one call per request.',
    render: renderNote,
  }),
  defineDiagnostic({
    code: 'ext-auth-keepalive',
    level: 'info',
    fidelity: 'ignored',
    doc: 'auth-keepalive* tuned nginx\'s connection pool to the auth service; Envoy keeps its own connection pool to it, with nothing to configure. Nothing to do.',
    render: renderNote,
  }),
  defineDiagnostic({
    code: 'ext-auth-oauth2-proxy',
    level: 'warning',
    fidelity: ['approximate', 'manual'],
    doc: 'auth-url points at oauth2-proxy: the SecurityPolicy extAuth calls it as Envoy\'s ext-authz. oauth2-proxy answers 202 for an allowed request on /oauth2/auth, which Envoy treats as a denial, so a person must run oauth2-proxy with the settings the message names before cutover (until then a signed-in user\'s check only passes where the answer is a 200), or use --oauth2-proxy=oidc.',
    render: renderNote,
  }),
  defineDiagnostic({
    code: 'ext-auth-via-host',
    level: 'warning',
    fidelity: ['approximate', 'manual'],
    doc: 'auth-url names the auth service by an external host name, not a cluster Service: the SecurityPolicy extAuth reaches it through a Backend (FQDN). The message says which server and path; check that the host resolves from Envoy and answers 200 to an allowed request (not 202/204).',
    render: renderNote,
  }),
  defineDiagnostic({
    code: 'locations-denied',
    level: 'error',
    fidelity: 'manual',
    doc: 'An invalid annotation made ingress-nginx deny every location of this Ingress (it answers an error status, 503 by default, on every path), and the converted route does the same. Fix the annotation if the Ingress should serve traffic, then convert again.',
    render: (d: AnnotationNote | (KeyValue & {reason: string; status: number})) =>
      isNote(d) ? renderNote(d) : `${d.key}: ${d.reason}; ingress-nginx answers ${d.status} on every path of this Ingress because of it, and so does the converted route`,
  }),
  defineDiagnostic({
    code: 'long-lived-no-request-buffer',
    level: 'info',
    fidelity: 'approximate',
    doc: 'A route marked long-lived (WebSockets, streams): its BackendTrafficPolicy replaces the Gateway-level one without requestBuffer, because Envoy Gateway refuses upgrades on a route with requestBuffer, so request bodies are not size-limited here where nginx applied proxy-body-size. Limit body sizes in the backend if it matters.',
    render: (d: {key: string; seconds: number; bodySize: string}) =>
      `${d.key} ${d.seconds}s marks long-lived connections (WebSockets, streams): this route's BackendTrafficPolicy replaces the Gateway-level one without its requestBuffer (the ConfigMap's proxy-body-size ${d.bodySize}), because Envoy Gateway refuses upgrades on a route with requestBuffer; request bodies are not size-limited here, where nginx refused larger ones with 413`,
  }),
  defineDiagnostic({
    code: 'mirror-left-out',
    level: 'warning',
    fidelity: 'manual',
    doc: 'mirror-target points at something the Gateway cannot mirror to safely (an unreachable or unresolvable destination): the mirror is left out so that the main traffic is not put at risk (nginx\'s mirror never affected the response). The hint says what to create for it.',
    render: renderNote,
  }),
  defineDiagnostic({
    code: 'mirror-target-stray',
    level: 'info',
    doc: 'mirror-target was empty or invalid, so ingress-nginx rendered no mirror destination, yet every location of the Ingress kept `mirror /_mirror-<UID>`: each request was also sent, its answer discarded, to whatever location of the server matched that path (mirror/main.go Parse). The Gateway sends no copy. Nothing to do unless a backend relied on those copies.',
    render: (d: {key: string; value: string; validated: boolean}) =>
      `${d.key}: "${d.value}" gave ingress-nginx no mirror destination${d.validated ? ' (no mirror-host, and no scheme and host in the target)' : ' (its validator refused it)'}, yet every location of this Ingress kept \`mirror /_mirror-<Ingress UID>\` (mirror/main.go Parse): each request was also sent, its answer discarded, to whichever location of the same host matches that path; the conversion sends no copy`,
  }),
  defineDiagnostic({
    code: 'mtls-denied',
    level: 'info',
    fidelity: 'ignored',
    doc: 'auth-tls-* companions have no effect: the CA Secret of auth-tls-secret could not be loaded, so ingress-nginx denied the locations (see auth-tls-secret and locations-denied).',
    render: renderNote,
  }),
  defineDiagnostic({
    code: 'mtls-depth',
    level: 'warning',
    fidelity: 'approximate',
    doc: 'auth-tls-verify-depth: Envoy Gateway\'s clientValidation has no verify depth, so Envoy accepts a client certificate chain of any length up to the CA; with depth 1 nginx refused certificates issued through an intermediate CA, which Envoy now accepts. If that matters, put only the CAs you trust directly in the CA bundle.',
    render: renderNote,
  }),
  defineDiagnostic({
    code: 'mtls-error-page',
    level: 'warning',
    fidelity: 'approximate',
    doc: 'auth-tls-error-page is never shown: Envoy rejects a bad client certificate during the TLS handshake, before any HTTP response, where nginx redirected to the page. Clients see a TLS error instead.',
    render: renderNote,
  }),
  defineDiagnostic({
    code: 'mtls-forward-cert',
    level: 'warning',
    fidelity: ['approximate', 'exact', 'manual'],
    doc: 'auth-tls-pass-certificate-to-upstream: nginx sent the client certificate upstream in the ssl-client-cert header (URL-escaped PEM); the listener\'s ClientTrafficPolicy sets the same header from %DOWNSTREAM_PEER_CERT%. Exact when the mTLS listener is generated, approximate or manual when it is not or verifies differently.',
    render: renderNote,
  }),
  defineDiagnostic({
    code: 'mtls-listener',
    level: 'warning',
    fidelity: ['approximate', 'exact', 'manual'],
    doc: 'auth-tls-secret / auth-tls-verify-client: client certificate validation goes on the host\'s HTTPS listener (ClientTrafficPolicy tls.clientValidation). Exact when the listener is generated and checks what nginx checked; approximate when Envoy checks differently (optional_no_ca, depth); manual when the listener is not generated (auth-tls-match-cn needs a subject check no listener setting has): the gateway owner must add it.',
    render: renderNote,
  }),
  defineDiagnostic({
    code: 'mtls-match-cn',
    level: 'warning',
    fidelity: 'manual',
    doc: 'auth-tls-match-cn: nginx answered 403 unless the client certificate\'s subject matched the pattern; no ClientTrafficPolicy clientValidation field checks the subject, so the mTLS host listener is not generated (fail closed). What to do: add a SecurityPolicy targeting the listener(s) the hint names with authorization {defaultAction: Deny, rules: [{action: Allow, cel: ...}]} on connection.subject_peer_certificate (cel needs Envoy Gateway v1.9; route-level SecurityPolicies of these routes need mergeType: StrategicMerge to keep it), or list the allowed names in clientValidation.subjectAltNames if they are also SANs.',
    render: renderNote,
  }),
  defineDiagnostic({
    code: 'mtls-missing-secret',
    level: 'info',
    fidelity: 'ignored',
    doc: 'An auth-tls-* key without auth-tls-secret: ingress-nginx asks for no client certificate, and the conversion emits nothing for it.',
    render: renderNote,
  }),
  defineDiagnostic({
    code: 'mtls-off',
    level: ['info', 'warning'],
    fidelity: ['approximate', 'ignored'],
    doc: 'auth-tls-verify-client "off": ingress-nginx asked no client for a certificate, but still sent ssl-client-verify: NONE upstream and dropped client-sent copies of the ssl-client-* headers (servers with a CA); through Envoy these headers reach the backend as the client sent them (approximate): backends must not trust them. The other auth-tls-* keys have no effect (ignored).',
    render: renderNote,
  }),
  defineDiagnostic({
    code: 'oauth2-proxy-oidc-not-possible',
    level: 'warning',
    doc: '--oauth2-proxy=oidc asked for Envoy Gateway\'s native OIDC in place of oauth2-proxy, but the OIDC settings cannot be derived for this auth-url (the message says why: the oauth2-proxy Deployment or its ConfigMap is not in the input, it sets no client ID, or another Ingress of the host also has auth-url and the two cannot share a callback path). oauth2-proxy is kept behind extAuth, which works as with nginx. Add the missing objects with -f and rerun if OIDC was wanted.',
    render: (d: {key: string; reason: string}) => `${d.key}: --oauth2-proxy=oidc asked for Envoy Gateway's OIDC instead of oauth2-proxy, but ${d.reason}; oauth2-proxy is kept behind extAuth`,
  }),
  defineDiagnostic({
    code: 'oidc-oauth2-proxy',
    level: 'warning',
    fidelity: ['approximate', 'manual'],
    doc: '--oauth2-proxy=oidc: auth-url/auth-signin of oauth2-proxy become a SecurityPolicy oidc: Envoy Gateway talks to the identity provider itself. Approximate (session cookies, logout and claims headers differ from oauth2-proxy\'s); manual when the provider\'s client settings cannot be read from the input. Register Envoy\'s redirect URL with the provider and create the client Secret the message names.',
    render: renderNote,
  }),
  defineDiagnostic({
    code: 'proxy-ssl-host-wide',
    level: 'warning',
    fidelity: ['approximate', 'manual'],
    doc: 'proxy-ssl-* on this Ingress set how nginx verified the backend\'s certificate for its paths; a BackendTLSPolicy applies per Service to every route, so another Ingress using the same Service gets the same TLS check. Approximate when the others set the same, manual when they conflict: decide which verification the Service needs.',
    render: renderNote,
  }),
  defineDiagnostic({
    code: 'proxy-ssl-secret-elsewhere',
    level: 'warning',
    fidelity: 'manual',
    doc: 'proxy-ssl-secret names a Secret in another namespace, which allow-cross-namespace-resources let nginx read; Envoy Gateway references Secrets only in the namespace of the BackendTLSPolicy or Backend, so the backend\'s CA or client certificate is missing (the message says which; until the CA exists the paths fail closed). What to do: follow the hint, which copies the CA into a ConfigMap and the client certificate into a Secret of the route\'s namespace.',
    render: renderNote,
  }),
  defineDiagnostic({
    code: 'rate-limit-allowlist',
    level: 'info',
    fidelity: 'exact',
    doc: 'limit-allowlist: these client ranges are not rate limited; the emitted local rate-limit rules count only clients outside them (sourceCIDR invert), as nginx did.',
    render: renderNote,
  }),
  defineDiagnostic({
    code: 'rate-limit-off',
    level: 'info',
    fidelity: 'exact',
    doc: 'limit-rps / limit-rpm / limit-connections is 0 or negative: nginx renders no limit, and neither does the conversion. Nothing to do.',
    render: renderNote,
  }),
  defineDiagnostic({
    code: 'redirect-code-needs-gateway-api-1.5',
    level: 'info',
    doc: 'permanent-redirect-code / temporal-redirect-code is 303, 307 or 308: the HTTPRoute\'s RequestRedirect statusCode accepts those from the Gateway API v1.5 CRDs on (older CRDs allow only 301 and 302 and reject the route). Check the cluster\'s Gateway API CRD version before applying.',
    render: (d: {key: string; statusCode: number}) => `${d.key}: RequestRedirect statusCode ${d.statusCode} is accepted by Gateway API v1.5 CRDs and later (older CRDs allow only 301 and 302)`,
  }),
  defineDiagnostic({
    code: 'redirect-code-not-a-redirect',
    level: 'info',
    fidelity: 'exact',
    doc: 'The redirect code is not one nginx\'s return directive redirects with (301, 302, 303, 307, 308): nginx answered that status with the URL as the response body and no Location header. The conversion emits an Envoy Gateway HTTPRouteFilter directResponse that answers the same. Nothing to do, unless a real redirect was meant: then use one of those codes.',
    render: renderNote,
  }),
  defineDiagnostic({
    code: 'redirect-code-out-of-range',
    level: 'warning',
    fidelity: 'exact',
    doc: 'A redirect code outside the range ingress-nginx accepts: it used its default (301/302), and so does the conversion. Fix the code if another was meant.',
    render: renderNote,
  }),
  defineDiagnostic({
    code: 'redirect-config-dropped',
    level: 'warning',
    fidelity: 'ignored',
    doc: 'A redirect annotation (permanent-redirect, temporal-redirect, app-root, from-to-www-redirect companions...) is dropped because nginx dropped it too (an invalid or unusable value): nginx served the backend, and so do the routes. Fix the value if the redirect was wanted.',
    render: renderNote,
  }),
  defineDiagnostic({
    code: 'request-streaming',
    level: 'info',
    fidelity: 'exact',
    doc: 'proxy-request-buffering "off": nginx streamed request bodies to the backend instead of buffering them, which is what Envoy does by default. Exact; nothing to do.',
    render: renderNote,
  }),
  defineDiagnostic({
    code: 'retry-count',
    level: 'info',
    fidelity: 'exact',
    doc: 'proxy-next-upstream-tries: nginx counts the first attempt among its tries, Envoy counts retries, so N tries become retry.numRetries N-1. Exact; nothing to do.',
    render: renderNote,
  }),
  defineDiagnostic({
    code: 'retry-default-conditions',
    level: 'info',
    doc: 'proxy-next-upstream is not set on the Ingress, so nginx retried on its default conditions (the ConfigMap\'s proxy-next-upstream, "error timeout" unless changed; never for non-idempotent requests unless retry-non-idempotent is on); the route\'s BackendTrafficPolicy retries on the equivalent Envoy triggers the message lists. Nothing to do unless the list differs from what you expect.',
    render: (d: {key: string; conditions: string[]; conditionsFrom: 'configmap' | 'nginx'; nonIdempotentFromConfigMap: boolean; triggers: string[]; codes: number[]}) =>
      `retries on "${d.conditions.join(' ')}" (${d.conditionsFrom === 'configmap' ? 'ConfigMap proxy-next-upstream' : 'nginx default'})${d.nonIdempotentFromConfigMap ? ' (non_idempotent from ConfigMap retry-non-idempotent)' : ''}, as proxy-next-upstream is not set on the Ingress -> retry on ${d.triggers.join(', ')}${d.codes.length > 0 ? ` (${d.codes.join(', ')})` : ''}`,
  }),
  defineDiagnostic({
    code: 'retry-disabled',
    level: 'info',
    fidelity: 'exact',
    doc: 'proxy-next-upstream off (or proxy-next-upstream-tries 1): nginx did not retry on another endpoint; the route\'s BackendTrafficPolicy sets retry.numRetries 0, as nginx. Nothing to do.',
    render: renderNote,
  }),
  defineDiagnostic({
    code: 'routing-type-service',
    level: 'info',
    fidelity: 'exact',
    doc: 'service-upstream "true": nginx sent requests to the Service\'s ClusterIP instead of its endpoints; the route\'s BackendTrafficPolicy sets routingType: Service, which does the same. What to do: routingType needs Envoy Gateway v1.7+.',
    render: renderNote,
  }),
  defineDiagnostic({
    code: 'satisfy-any',
    level: ['info', 'warning'],
    fidelity: ['exact', 'ignored', 'manual'],
    doc: 'satisfy "any": nginx let a client in when either the address list or the authentication passed. Envoy Gateway applies authorization and authentication together (AND), never as alternatives, so where the authentication applies only it is emitted and allowed addresses must authenticate too (manual). On the Ingress\'s paths under the controller ConfigMap\'s no-auth-locations nginx asked no authentication and the address lists alone decided: their route gets the lists alone, as nginx applied them. A deny-list changes nothing where the authentication applies (ignored), and applies alone on those paths (exact when the Ingress has any); with only a deny-list, authentication alone decides, as emitted (exact); without authentication satisfy has no effect (ignored).',
    render: renderNote,
  }),
  defineDiagnostic({
    code: 'snippet',
    level: ['info', 'warning'],
    fidelity: ['ignored', 'manual'],
    doc: 'auth-snippet (or another snippet annotation): raw nginx configuration with no Envoy Gateway equivalent, a person must rebuild what it did (manual). Ignored when the snippet only told the auth service what Envoy\'s check already carries (the request\'s own Host), or when ingress-nginx did not apply it.',
    render: renderNote,
  }),
  defineDiagnostic({
    code: 'snippet-access-control-fail-closed',
    level: 'error',
    fidelity: 'manual',
    doc: 'A snippet annotation holds raw nginx access control (allow/deny, auth_basic, auth_request, a return 403 under a condition...) that cannot be converted: rather than publish the paths unprotected, the route\'s SecurityPolicy denies every request (fail closed, an error). What to do: write the same access control as a SecurityPolicy (authorization, basicAuth or extAuth) in place of the deny-all authorization, following the hint; the rest of the snippet needs the same manual review.',
    render: renderNote,
  }),
  defineDiagnostic({
    code: 'source-range-after-auth',
    level: 'warning',
    fidelity: 'approximate',
    doc: 'allowlist/denylist-source-range together with authentication: nginx checked the address before asking for credentials, Envoy Gateway runs the SecurityPolicy\'s authorization after the authentication, so a refused address is asked to authenticate first (401 instead of 403). Access is the same; the answers differ.',
    render: renderNote,
  }),
  defineDiagnostic({
    code: 'source-range-client-ip',
    level: 'info',
    fidelity: 'exact',
    doc: 'allowlist/denylist-source-range -> SecurityPolicy authorization on the client address. Exact, and the message says which address Envoy takes as the client\'s (the ClientTrafficPolicy clientIPDetection from the ConfigMap or --client-ip): check that it is the real client address behind your load balancer.',
    render: renderNote,
  }),
  defineDiagnostic({
    code: 'ssl-passthrough-alias',
    level: 'warning',
    fidelity: 'manual',
    doc: 'server-alias on an ssl-passthrough Ingress: nginx put the aliases in the host\'s server_name (controller.go createServers takes them from a passthrough Ingress too), but its TLS proxy passed through only the host name itself (controller.go getConfiguration lists server.Hostname; pkg/tcpproxy/tcp.go TCPProxy.Get compares it with the client\'s server name exactly). A TLS connection for an alias went to nginx\'s HTTPS server, which terminated it (with the host\'s certificate when it covers the alias, else the default certificate: nginx.go configureCertificates) and served every path of the host, as plain HTTP did on port 80. The routes of the host\'s other Ingresses carry the aliases as nginx served them; the paths of its ssl-passthrough Ingresses, which get no HTTPRoute, do not. What to do: if requests for the aliases reached those paths, add an Ingress without ssl-passthrough with those paths for the alias names and convert again, or list the aliases as hosts of the passthrough Ingress to pass them through (which nginx never did).',
    render: (d: {key: string; passthrough: string; aliases: string[]; hosts: string[]; served: string[]; lost: string[]}) =>
      `${d.key}: ${d.aliases.join(', ')} (server-alias of ${d.hosts.join(', ')}) ${d.aliases.length === 1 ? 'was' : 'were'} never passed through: with ${d.passthrough}, nginx's TLS proxy passes through only the host name itself (pkg/tcpproxy/tcp.go TCPProxy.Get), so nginx terminated TLS for the alias (with the host's certificate when it covers the name, else its default certificate) and served the host's paths under it, as it did over plain HTTP; ` +
      (d.served.length > 0 ? `the routes of ${d.served.map((i) => `Ingress ${i}`).join(', ')} answer for ${d.aliases.length === 1 ? 'it' : 'them'} too, as nginx did, ` : `no other Ingress of the host has a route to answer for ${d.aliases.length === 1 ? 'it' : 'them'}, `) +
      (d.lost.length > 0
        ? `but the paths of the host's ssl-passthrough Ingresses get no HTTPRoute, so under ${d.aliases.length === 1 ? 'the alias' : 'the aliases'} ${d.lost.join(', ')} ${d.lost.length === 1 ? 'is' : 'are'} no longer served`
        : 'and the host\'s ssl-passthrough Ingresses have no path there to lose'),
  }),
  defineDiagnostic({
    code: 'ssl-passthrough-host-shared',
    level: 'info',
    fidelity: 'manual',
    doc: 'Two ssl-passthrough Ingresses have a rule for the same host: nginx merged them into one server with one passthrough backend, so the first in nginx order (oldest; equal creationTimestamps by namespace/name descending, store.go sortIngressSlice) carries the host\'s TLSRoute and the later one emits none for it. `routed` says whether the first one emits a TLSRoute (when it does not, its own diagnostic says why and what to do). Nothing to do on this Ingress.',
    render: (d: {key: string; host: string; ingress: string; routed: boolean}) =>
      d.routed
        ? `${d.key}: ${d.host} passes through by the TLSRoute of Ingress ${d.ingress}, the first ssl-passthrough Ingress of the host (nginx has one passthrough backend per server); none is emitted from this Ingress for it`
        : `${d.key}: Ingress ${d.ingress}, the first ssl-passthrough Ingress of ${d.host}, decides its passthrough (nginx has one passthrough backend per server) and emits no TLSRoute for it (its own diagnostic says why); none is emitted from this Ingress either`,
  }),
  defineDiagnostic({
    code: 'ssl-passthrough-no-root-path',
    level: 'warning',
    fidelity: 'manual',
    doc: 'ssl-passthrough on a host for which no Ingress has a Prefix (or ImplementationSpecific) `/` path: nginx\'s TLS proxy dials the Service of the server\'s first `location /` (controller.go getConfiguration), which was then the one createServers builds for every server, without a Service (spec.defaultBackend too): the proxy had no address, the dial failed and nginx closed every TLS connection for the host. An Exact `/` is a location of its own that nginx never chose. No TLSRoute is emitted. What to do: add a Prefix `/` path with the Service that terminates TLS for the host.',
    render: (d: {key: string; hosts: string[]}) =>
      `${d.key}: no Ingress of ${d.hosts.join(', ')} has a Prefix \`/\` path (pathType Prefix or ImplementationSpecific; an Exact \`/\` or spec.defaultBackend does not count): nginx's TLS proxy dials the Service of the host's \`location /\`, which was then nginx's own without a Service, so the dial failed and nginx closed every TLS connection for ${d.hosts.length === 1 ? 'it' : 'them'}; no TLSRoute is emitted`,
  }),
  defineDiagnostic({
    code: 'ssl-passthrough-root-from-other-ingress',
    level: 'warning',
    fidelity: 'manual',
    doc: 'ssl-passthrough where the host\'s Prefix `/` path belongs to another Ingress: nginx merges every Ingress of a host into one server, and its TLS proxy dials the Service of the server\'s `location /`, which the oldest Ingress with a Prefix `/` path for the host made (controller.go getBackendServers, getConfiguration), not necessarily the passthrough Ingress. The TLSRoute passes the connections to that Service too (with a ReferenceGrant when it is in another namespace). What to do: check that this Service terminates TLS for the host.',
    render: (d: {key: string; host: string; ingress: string; service: string}) =>
      `${d.key}: TLS connections for ${d.host} pass through to ${d.service}, the Service of the Prefix \`/\` path of Ingress ${d.ingress}: nginx merged the host's Ingresses into one server, and its TLS proxy dials the Service of the server's \`location /\` (controller.go getConfiguration), which that Ingress made; the TLSRoute does the same`,
  }),
  defineDiagnostic({
    code: 'ssl-passthrough-root-unresolved',
    level: 'warning',
    fidelity: 'manual',
    doc: 'ssl-passthrough where the port of the host\'s Prefix `/` path is a name that no Service of the input resolves: nginx dialled the port the Service names so (nginx.go generateTemplate), which the conversion cannot know, so no TLSRoute is emitted. What to do: give the Service to the conversion, or use port.number.',
    render: (d: {key: string; host: string; ingress: string}) =>
      `${d.key}: the Prefix \`/\` path of ${d.host} (Ingress ${d.ingress}), whose Service nginx's TLS proxy dials, names its port by a name that no Service of the input resolves; no TLSRoute is emitted for ${d.host}`,
  }),
  defineDiagnostic({
    code: 'ssl-passthrough-wildcard',
    level: 'warning',
    fidelity: 'manual',
    doc: 'ssl-passthrough on a wildcard host: ingress-nginx never passed its connections through (its passthrough proxy compares the SNI with the host exactly, pkg/tcpproxy/tcp.go), so nginx terminated TLS for them. The conversion does the same; nothing is passed through for it.',
    render: (d: {key: string; hosts: string[]}) =>
      `${d.key}: ${d.hosts.join(', ')} was never passed through by ingress-nginx: its passthrough proxy picks a host by exact server name (pkg/tcpproxy/tcp.go TCPProxy.Get compares s.Hostname == the client's SNI), which never equals a wildcard, so connections for its subdomains went to nginx's own HTTPS server, which terminated TLS and served this Ingress's paths; ` +
      `no TLSRoute is emitted for it, because a TLS passthrough listener with that hostname would take every subdomain's connections from the https listener, other Ingresses' hosts included`,
  }),
  defineDiagnostic({
    code: 'ssl-passthrough-without-host',
    level: 'warning',
    fidelity: 'ignored',
    doc: 'ssl-passthrough on rules without a host: passthrough chooses the backend by the TLS server name (SNI), so a rule without a host cannot be passed through, and nginx passed none of it either; no TLSRoute is emitted for it. Give the rule a host if its connections should be passed through.',
    render: (d: {key: string}) => `${d.key}: rules without a host cannot be passed through (passthrough routes by the TLS server name); they are not converted`,
  }),
  defineDiagnostic({
    code: 'stickiness-lost-tls',
    level: 'warning',
    fidelity: 'manual',
    doc: 'Session affinity (affinity: cookie, upstream-hash-by) cannot be kept for this route: the Service is reached through a backend TLS setting that makes Envoy Gateway build a separate cluster per route, so a client is no longer pinned to one endpoint across paths. A person must decide whether the backends need stickiness (shared session store) before cutover.',
    render: (d: AnnotationNote | Record<string, never>) => (isNote(d) ? renderNote(d) : STICKINESS_LOST_TLS),
  }),
  defineDiagnostic({
    code: 'upstream-setting-overridden',
    level: ['info', 'warning'],
    fidelity: ['approximate', 'ignored'],
    doc: 'An upstream setting of this Ingress (load-balance, upstream-hash-by, service-upstream, affinity and its session-cookie-* keys) on a Service:port that another Ingress configures: ingress-nginx keeps one upstream per Service:port, configured by the Ingress that created it (controller.go createUpstreams), so the other Ingress\'s value applied to these paths too, and the routes of this Ingress carry it. Ignored when that holds for all its Services, approximate when its value still applies to some. Set the same value on both Ingresses if this one\'s was meant.',
    render: renderNote,
  }),
  defineDiagnostic({
    code: 'upstream-settings-from-ingress',
    level: 'info',
    doc: 'Ingress-nginx balances each Service:port as one upstream, configured by the Ingress that created it (the oldest using it, controller.go createUpstreams) and, for cookie affinity, merged across the Ingresses using it (controller.go getBackendServers). The routes of this Ingress get the settings the message lists from that Ingress, as nginx applied them. Nothing to do; align the annotations of the Ingresses if the result surprises you.',
    render: (d: {upstreams: InheritedUpstream[]}) =>
      `ingress-nginx balances each Service:port as one upstream, configured by the Ingress that created it (the oldest using it, controller.go createUpstreams) and, for cookie affinity, merged across the Ingresses using it (controller.go getBackendServers); this Ingress's routes get the same: ${d.upstreams.map(renderInheritedUpstream).join('; ')}`,
  }),
  defineDiagnostic({
    code: 'www-redirect-skipped',
    level: 'info',
    fidelity: ['exact', 'none'],
    doc: 'from-to-www-redirect creates no redirect for some names: the twin name (www. or without) is served by an Ingress of its own, the host is a wildcard, or this Ingress owns no location on it (no paths there, only spec.defaultBackend, or an older Ingress has them). Nginx redirected nothing there either, and neither does the conversion. Nothing to do.',
    render: (d: AnnotationNote | {key: string; unowned: string[]}) => (isNote(d) ? renderNote(d) : `${d.key}: ${wwwNotOwned(d.unowned)}, and neither does the conversion`),
  }),
] as const
