/**
 * The golden cases of each auth server, driven end to end: the SecurityPolicy in the golden's expected.yaml is run
 * through a model of Envoy's decision (test/support/ext-authz.ts: only a 200 from the auth service lets a request
 * through, any other answer goes back to the client with its headers and body) against stand-in auth servers and
 * a stand-in backend on 127.0.0.1. Each stand-in answers as the server's code does (the function is named beside
 * it), configured as the golden's checklist tells the owner to configure it.
 *
 * Per server: a signed-in request reaches the backend (with the identity headers the policy copies), an anonymous
 * browser is redirected to sign in, an anonymous API client gets 401 (authentik: a redirect too, as its Envoy
 * endpoint never answers 401 and nginx redirected every 401), and the sign-in paths stay reachable without auth.
 */
import test from 'ava'
import jsYaml from 'js-yaml'
import {readFileSync} from 'node:fs'
import type {IncomingMessage, ServerResponse} from 'node:http'
import type {KubeObject} from '../../src/model/types.js'
import {OidcSessions, standIn, throughExtAuth, throughOidc, type ClientRequest, type StandIn} from '../support/ext-authz.js'

const GOLDEN = new URL('../golden/', import.meta.url).pathname

function golden(name: string): KubeObject[] {
  return (jsYaml.loadAll(readFileSync(`${GOLDEN}${name}/expected.yaml`, 'utf8')) as KubeObject[]).filter(Boolean)
}

function policyFor(objects: KubeObject[], namespace: string, route: string): KubeObject | undefined {
  return objects.find((o) => o.kind === 'SecurityPolicy' && o.metadata.namespace === namespace && o.spec.targetRefs.some((t: any) => t.kind === 'HTTPRoute' && t.name === route))
}

/**
 * The HTTPRoute (namespace/name) a request for host + path reaches, by Gateway API's precedence among routes:
 * an Exact path before any prefix, then the longest prefix (whole segments).
 */
function routeFor(objects: KubeObject[], host: string, path: string): string | undefined {
  let best: {route: string; exact: boolean; length: number} | undefined
  for (const r of objects.filter((o) => o.kind === 'HTTPRoute' && (o.spec.hostnames ?? []).includes(host))) {
    for (const rule of r.spec.rules) {
      for (const m of rule.matches ?? []) {
        const v: string = m.path?.value ?? '/'
        const exact = m.path?.type === 'Exact'
        const hit = exact ? path === v : v === '/' || path === v || path.startsWith(`${v.replace(/\/$/, '')}/`)
        if (!hit) continue
        const better = !best || (exact && !best.exact) || (exact === best.exact && v.length > best.length)
        if (better) best = {route: `${r.metadata.namespace}/${r.metadata.name}`, exact, length: v.length}
      }
    }
  }
  return best?.route
}

/** The diagnostic (message and hint) of an annotation of an Ingress in a golden's expected-diagnostics.txt. */
function goldenDiagnostic(name: string, ingress: string, annotation: string): string {
  const text = readFileSync(`${GOLDEN}${name}/expected-diagnostics.txt`, 'utf8')
  const block = text.split(/\n(?=\S)/).find((b) => b.startsWith(`Ingress ${ingress} `)) ?? ''
  const lines = block.split('\n')
  const at = lines.findIndex((l) => l.includes(`nginx.ingress.kubernetes.io/${annotation}:`))
  return at < 0 ? '' : `${lines[at]}\n${lines[at + 1] ?? ''}`
}

function cookieOf(req: IncomingMessage, name: string): string | undefined {
  return (req.headers.cookie ?? '')
    .split(';')
    .map((c) => c.trim().split('='))
    .find(([k]) => k === name)?.[1]
}

/** The application: it says which path it served and the identity headers it got. */
const backendHandler = (req: IncomingMessage, res: ServerResponse) => {
  const identity = ['x-auth-request-user', 'remote-user', 'x-authentik-username', 'x-user'].map((h) => req.headers[h]).find((v) => v !== undefined)
  res.writeHead(200, {'content-type': 'text/plain'})
  res.end(`app ${req.url} user=${identity ?? '-'}`)
}

async function withServers(auth: (req: IncomingMessage, res: ServerResponse) => void, run: (a: StandIn, b: StandIn) => Promise<void>): Promise<void> {
  const a = await standIn(auth)
  const b = await standIn(backendHandler)
  try {
    await run(a, b)
  } finally {
    await Promise.all([a.close(), b.close()])
  }
}

const BROWSER = {accept: 'text/html,application/xhtml+xml,*/*;q=0.8'}
const API = {accept: 'application/json'}

/**
 * oauth2-proxy run as the checklist says (--upstream=static://200 --reverse-proxy --skip-provider-button
 * --set-xauthrequest). oauthproxy.go: AuthOnly (/oauth2/auth) answers 202 for a session, 401 without; Proxy (any
 * path outside /oauth2) answers through the static upstream (200 "Authenticated", pkg/upstream/static.go) with
 * the X-Auth-Request-* headers for a session, 401 JSON for isAjax (Accept: application/json), else doOAuthStart:
 * a 302 to the provider with the callback on the request's host and the path asked for in the state.
 * `trustedIPs` adds --trusted-ip with --real-client-ip-header=X-Forwarded-For: getAuthenticatedSession lets a
 * request from such an address through without a session (IsAllowedRequest, isTrustedIP), and with --reverse-proxy
 * the address is the first entry of X-Forwarded-For (pkg/ip/realclientip.go GetRealClientIP).
 */
const oauth2ProxyWith = (trustedIPs?: RegExp) => (req: IncomingMessage, res: ServerResponse): void => {
  const url = new URL(req.url ?? '/', 'http://stand-in')
  const session = cookieOf(req, '_oauth2_proxy') === 'alice-session'
  const firstForwarded = String(req.headers['x-forwarded-for'] ?? '').split(',')[0]!.trim()
  const trusted = trustedIPs !== undefined && trustedIPs.test(firstForwarded)
  if (url.pathname === '/oauth2/auth') {
    res.writeHead(session || trusted ? 202 : 401, session ? {'x-auth-request-user': 'alice'} : {})
    res.end()
    return
  }
  if (session || trusted) {
    res.writeHead(200, session ? {'x-auth-request-user': 'alice', 'x-auth-request-email': 'alice@example.com'} : {})
    res.end('Authenticated')
  } else if ((req.headers.accept ?? '').split(',').some((m) => m.trim() === 'application/json')) {
    res.writeHead(401, {'content-type': 'application/json'})
    res.end('{}')
  } else {
    const callback = `https://${req.headers.host}/oauth2/callback`
    res.writeHead(302, {
      location: `https://idp.example.com/authorize?client_id=dashboard&redirect_uri=${encodeURIComponent(callback)}&state=nonce:${encodeURIComponent(url.pathname + url.search)}`,
      'set-cookie': '_oauth2_proxy_csrf=nonce; Path=/; HttpOnly; Secure',
    })
    res.end()
  }
}
const oauth2Proxy = oauth2ProxyWith()

test('oauth2-proxy golden (ext_authz modelled: only 200 allows, other answers and headers go back): signed-in -> app, browser -> provider with the path asked for, API -> 401', async (t) => {
  const objects = golden('security-auth-oauth2-proxy')
  const extAuth = policyFor(objects, 'apps', 'dashboard')!.spec.extAuth
  await withServers(oauth2Proxy, async (auth, backend) => {
    const signedIn = await throughExtAuth(extAuth, auth, backend, {host: 'dash.example.com', path: '/reports?q=1', headers: {...BROWSER, cookie: '_oauth2_proxy=alice-session'}})
    t.is(signedIn.from, 'backend')
    t.is(signedIn.body, 'app /reports?q=1 user=alice', 'the X-Auth-Request-User of the answer reaches the app')
    t.is(auth.seen.at(-1)!.path, '/reports?q=1', "the check goes to oauth2-proxy's proxy handler with the request's path")

    const browser = await throughExtAuth(extAuth, auth, backend, {host: 'dash.example.com', path: '/reports?q=1', headers: BROWSER})
    t.is(browser.status, 302)
    t.is(browser.from, 'auth')
    const location = new URL(browser.headers.location!)
    t.is(location.searchParams.get('redirect_uri'), 'https://dash.example.com/oauth2/callback')
    t.is(location.searchParams.get('state'), 'nonce:/reports?q=1', 'the user comes back to the page asked for')
    t.regex(browser.headers['set-cookie']!, /_oauth2_proxy_csrf=/, "the CSRF cookie of a denial reaches the browser")

    const api = await throughExtAuth(extAuth, auth, backend, {host: 'dash.example.com', path: '/api/items', headers: API})
    t.is(api.status, 401)
    t.is(api.from, 'auth')
    t.is(backend.seen.length, 1, 'only the signed-in request reached the app')
  })
  // The sign-in and callback paths go to oauth2-proxy's own route, which has no SecurityPolicy, as nginx served it.
  t.is(routeFor(objects, 'dash.example.com', '/oauth2/callback'), 'oauth2-proxy/oauth2-proxy')
  t.is(policyFor(objects, 'oauth2-proxy', 'oauth2-proxy'), undefined)
})

test('the old form (pathOverride /oauth2/auth) under the same ext_authz model: a signed-in user gets an empty 202, never the app', async (t) => {
  const old = {http: {backendRefs: [{name: 'oauth2-proxy', port: 4180}], pathOverride: '/oauth2/auth'}, headersToExtAuth: ['cookie'], statusOnError: 500}
  await withServers(oauth2Proxy, async (auth, backend) => {
    const r = await throughExtAuth(old, auth, backend, {host: 'dash.example.com', path: '/reports', headers: {...BROWSER, cookie: '_oauth2_proxy=alice-session'}})
    t.is(r.status, 202)
    t.is(r.body, '')
    t.is(backend.seen.length, 0)
  })
})

test('oauth2-proxy golden (ext_authz modelled, X-Forwarded-For as Envoy appends to it): a client cannot pick the address --trusted-ip admits; the form that sent X-Forwarded-For let it in', async (t) => {
  const extAuth = policyFor(golden('security-auth-oauth2-proxy'), 'apps', 'dashboard')!.spec.extAuth
  // nginx set X-Forwarded-For to $remote_addr for the auth subrequest (nginx.tmpl, the auth location); Envoy keeps
  // the client's entries and appends the peer, and oauth2-proxy takes the first one.
  const forged = {host: 'dash.example.com', path: '/admin', peer: '203.0.113.9', headers: {...BROWSER, 'x-forwarded-for': '10.1.2.3'}}
  await withServers(oauth2ProxyWith(/^10\./), async (auth, backend) => {
    const r = await throughExtAuth(extAuth, auth, backend, forged)
    t.is(r.status, 302, 'a browser from outside the trusted range is sent to sign in')
    t.false('x-forwarded-for' in auth.seen.at(-1)!.headers, 'the check does not carry X-Forwarded-For')
    const before = {...extAuth, headersToExtAuth: [...extAuth.headersToExtAuth, 'x-forwarded-for']}
    const open = await throughExtAuth(before, auth, backend, forged)
    t.is(open.from, 'backend', 'with X-Forwarded-For in the check the forged first entry was trusted')
    t.is(backend.seen.length, 1)
  })
})

test('oauth2-proxy golden (ext_authz modelled): an identity header the answer lacks is the client\'s own; removing it on the listener first, as the hint says, closes that', async (t) => {
  const extAuth = policyFor(golden('security-auth-oauth2-proxy'), 'apps', 'dashboard')!.spec.extAuth
  // Bob's session has no email: oauth2-proxy adds no X-Auth-Request-Email (pkg/header/injector.go skips empty claims).
  const bob = (req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(cookieOf(req, '_oauth2_proxy') === 'bob-session' ? 200 : 401, {'x-auth-request-user': 'bob'})
    res.end()
  }
  const forged = {host: 'dash.example.com', path: '/admin', headers: {cookie: '_oauth2_proxy=bob-session', 'x-auth-request-email': 'ceo@example.com'}}
  await withServers(bob, async (auth, backend) => {
    await throughExtAuth(extAuth, auth, backend, forged)
    t.is(backend.seen.at(-1)!.headers['x-auth-request-email'], 'ceo@example.com', 'nginx removed it (proxy_set_header with an empty value); Envoy passes it on')
    const remove = extAuth.http.headersToBackend
    t.regex(goldenDiagnostic('security-auth-oauth2-proxy', 'apps/dashboard', 'auth-response-headers'), /earlyRequestHeaders\.remove: \[X-Auth-Request-User, X-Auth-Request-Email\]/)
    await throughExtAuth(extAuth, auth, backend, forged, {remove})
    t.false('x-auth-request-email' in backend.seen.at(-1)!.headers)
    t.is(backend.seen.at(-1)!.headers['x-auth-request-user'], 'bob', "the auth answer's own header still reaches the app")
  })
})

/**
 * Authelia v4.38+ with session.cookies[].authelia_url https://auth.example.com (the checklist's step). Its
 * ext-authz endpoint (internal/server/handlers.go: /api/authz/ext-authz and below; handler_authz_impl_extauthz.go)
 * reads X-Forwarded-Proto, answers 200 with Remote-* for a session (handleAuthzAuthorizedStandard), else
 * redirects to the portal with rd and rm (getRedirectionURL), 302 for GET, 401 for XHR and clients that do not
 * accept text/html (handler_authz_util.go getAuthzRedirectStatusCode).
 */
function authelia(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://stand-in')
  const prefix = '/api/authz/ext-authz'
  // Without X-Forwarded-Proto Authelia takes the scheme of its own connection (authelia_context.go XForwardedProto).
  const proto = req.headers['x-forwarded-proto'] ?? 'http'
  if (!url.pathname.startsWith(prefix)) {
    res.writeHead(404)
    res.end()
    return
  }
  if (cookieOf(req, 'authelia_session') === 'bob-session') {
    res.writeHead(200, {'remote-user': 'bob', 'remote-groups': 'staff', 'remote-name': 'Bob', 'remote-email': 'bob@example.com'})
    res.end()
    return
  }
  const accepts = String(req.headers.accept ?? '').split(',').map((a, i) => ({a: a.split(';')[0]!.trim(), i}))
  const html = accepts.some(({a, i}) => a === 'text/html' || (i === 0 && a === '*/*'))
  const target = `${proto}://${req.headers.host}${url.pathname.slice(prefix.length).replace(/^\/+/, '/')}${url.search}`
  res.writeHead(req.headers['x-requested-with'] === 'XMLHttpRequest' || !html ? 401 : 302, {location: `https://auth.example.com/?rd=${encodeURIComponent(target)}&rm=${req.method}`})
  res.end()
}

test('Authelia golden (ext_authz modelled: only 200 allows, other answers and headers go back): signed-in -> app with Remote-User, browser -> portal, API -> 401', async (t) => {
  const objects = golden('security-auth-authelia')
  for (const [ns, route, host] of [['apps', 'wiki', 'wiki.example.com'], ['apps', 'files', 'files.example.com']] as const) {
    const extAuth = policyFor(objects, ns, route)!.spec.extAuth
    // Envoy's connection manager sets X-Forwarded-Proto before the filters run (https listener; the model does it).
    const req = (headers: Record<string, string>): ClientRequest => ({host, path: '/docs/page?x=1', headers})
    await withServers(authelia, async (auth, backend) => {
      const signedIn = await throughExtAuth(extAuth, auth, backend, req({...BROWSER, cookie: 'authelia_session=bob-session'}))
      t.is(signedIn.body, 'app /docs/page?x=1 user=bob', route)
      t.is(auth.seen.at(-1)!.path, '/api/authz/ext-authz//docs/page?x=1', `${route}: Authelia's prefix + the request's path`)
      const browser = await throughExtAuth(extAuth, auth, backend, req(BROWSER))
      t.is(browser.status, 302, route)
      t.is(browser.headers.location, `https://auth.example.com/?rd=${encodeURIComponent(`https://${host}/docs/page?x=1`)}&rm=GET`, route)
      const api = await throughExtAuth(extAuth, auth, backend, req(API))
      t.is(api.status, 401, route)
      t.is(backend.seen.length, 1, route)
    })
  }
})

/**
 * An authentik proxy outpost, single-application forward auth (goauthentik/authentik
 * internal/outpost/proxyv2/application/mode_forward.go forwardHandleEnvoy, PathPrefix
 * /outpost.goauthentik.io/auth/envoy, the rest is the request's path): a session (getClaims) -> 200 with the
 * X-authentik-* headers (addHeaders); a path that itself starts with /outpost.goauthentik.io -> 200 without headers
 * ("allowing access"); anyone else -> 307 to //<Host>/outpost.goauthentik.io/start on the application's own host,
 * with the page asked for kept in the outpost's session cookie. /start then sends the browser to authentik's
 * authorize endpoint with the callback /outpost.goauthentik.io/callback: both are served by the outpost's own route.
 */
function authentikOutpost(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://stand-in')
  const prefix = '/outpost.goauthentik.io/auth/envoy'
  if (!url.pathname.startsWith(prefix)) {
    res.writeHead(404)
    res.end()
    return
  }
  const path = url.pathname.slice(prefix.length)
  if (cookieOf(req, 'authentik_proxy_main') === 'carol-session') {
    res.writeHead(200, {'x-authentik-username': 'carol', 'x-authentik-groups': 'admins', 'x-authentik-email': 'carol@example.com'})
    res.end()
    return
  }
  if (path.startsWith('/outpost.goauthentik.io')) {
    res.writeHead(200)
    res.end()
    return
  }
  res.writeHead(307, {location: `//${req.headers.host}/outpost.goauthentik.io/start`, 'set-cookie': `authentik_proxy_main=pending-${encodeURIComponent(path + url.search)}; Path=/`})
  res.end()
}

test('authentik golden (ext_authz modelled: only 200 allows, other answers and headers go back): signed-in -> app, browser -> the outpost\'s start on its own route, API -> the same redirect (as nginx redirected every 401)', async (t) => {
  const objects = golden('security-auth-authentik')
  const extAuth = policyFor(objects, 'monitoring', 'grafana')!.spec.extAuth
  await withServers(authentikOutpost, async (auth, backend) => {
    const signedIn = await throughExtAuth(extAuth, auth, backend, {host: 'grafana.example.com', path: '/d/abc', headers: {...BROWSER, cookie: 'authentik_proxy_main=carol-session'}})
    t.is(signedIn.body, 'app /d/abc user=carol')
    t.is(auth.seen.at(-1)!.path, '/outpost.goauthentik.io/auth/envoy/d/abc')
    t.is(auth.seen.at(-1)!.headers.host, 'grafana.example.com', 'the outpost picks the application by the request\'s Host')
    for (const headers of [BROWSER, API]) {
      const anonymous = await throughExtAuth(extAuth, auth, backend, {host: 'grafana.example.com', path: '/d/abc', headers})
      t.is(anonymous.status, 307)
      t.is(anonymous.headers.location, '//grafana.example.com/outpost.goauthentik.io/start')
      t.regex(anonymous.headers['set-cookie']!, /authentik_proxy_main=pending-%2Fd%2Fabc/, 'the page asked for is kept in the outpost session')
    }
    t.is(backend.seen.length, 1)
    // Were /outpost.goauthentik.io/start left to the protected route, the outpost would let it through to the app.
    const start = await throughExtAuth(extAuth, auth, backend, {host: 'grafana.example.com', path: '/outpost.goauthentik.io/start', headers: BROWSER})
    t.is(start.from, 'backend')
  })
  for (const path of ['/outpost.goauthentik.io/start', '/outpost.goauthentik.io/callback']) {
    t.is(routeFor(objects, 'grafana.example.com', path), 'authentik/authentik-outpost', `${path} reaches the outpost's route`)
  }
  t.is(policyFor(objects, 'authentik', 'authentik-outpost'), undefined, "the outpost's sign-in route stays without auth")
})

/** A token checker the conversion does not know: 200 + X-User for a good bearer token, 401 otherwise (or `okStatus`). */
const tokenChecker = (okStatus: number) => (req: IncomingMessage, res: ServerResponse) => {
  const ok = req.url === '/check' && req.headers.authorization === 'Bearer good-token'
  res.writeHead(ok ? okStatus : 401, ok ? {'x-user': 'dave'} : {'www-authenticate': 'Bearer realm="reports"'})
  res.end(ok ? '' : 'unauthorized')
}

test('unknown server golden (ext_authz modelled: only 200 allows, other answers and headers go back): a good token -> app, a browser gets the 401 (auth-signin not reproduced), a 204 "success" is a denial', async (t) => {
  const extAuth = policyFor(golden('security-auth-unknown-server'), 'apps', 'reports')!.spec.extAuth
  await withServers(tokenChecker(200), async (auth, backend) => {
    const ok = await throughExtAuth(extAuth, auth, backend, {host: 'reports.example.com', path: '/q3', headers: {authorization: 'Bearer good-token'}})
    t.is(ok.body, 'app /q3 user=dave')
    const browser = await throughExtAuth(extAuth, auth, backend, {host: 'reports.example.com', path: '/q3', headers: BROWSER})
    t.is(browser.status, 401, 'no sign-in redirect: the diagnostics mark auth-signin manual')
    t.is(browser.headers['www-authenticate'], 'Bearer realm="reports"')
    const api = await throughExtAuth(extAuth, auth, backend, {host: 'reports.example.com', path: '/q3', headers: {...API, authorization: 'Bearer expired'}})
    t.is(api.status, 401)
  })
  await withServers(tokenChecker(204), async (auth, backend) => {
    const r = await throughExtAuth(extAuth, auth, backend, {host: 'reports.example.com', path: '/q3', headers: {authorization: 'Bearer good-token'}})
    t.is(r.status, 204, 'nginx let a 204 through; Envoy returns it to the client')
    t.is(backend.seen.length, 0)
  })
})

test('unknown server golden: an auth service that fails answers 500 (statusOnError), as nginx did', async (t) => {
  const extAuth = policyFor(golden('security-auth-unknown-server'), 'apps', 'reports')!.spec.extAuth
  await withServers((_req, res) => {
    res.writeHead(503)
    res.end()
  }, async (auth, backend) => {
    const r = await throughExtAuth(extAuth, auth, backend, {host: 'reports.example.com', path: '/q3', headers: {authorization: 'Bearer good-token'}})
    t.is(r.status, 500)
    t.is(r.from, 'envoy')
  })
})

/**
 * The identity provider oauth2-proxy used (https://idp.example.com/realms/main): discovery, and a token endpoint
 * that accepts only the registered client, its secret and the redirect URI registered for oauth2-proxy.
 */
function provider(req: IncomingMessage, res: ServerResponse): void {
  const base = 'https://idp.example.com/realms/main'
  if (req.url === '/realms/main/.well-known/openid-configuration') {
    res.writeHead(200, {'content-type': 'application/json'})
    res.end(JSON.stringify({issuer: base, authorization_endpoint: `${base}/auth`, token_endpoint: `${base}/token`}))
    return
  }
  let body = ''
  req.on('data', (c: Buffer) => (body += c.toString()))
  req.on('end', () => {
    const form = new URLSearchParams(body)
    const client = Buffer.from(String(req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString()
    const ok = req.url === '/realms/main/token' && client === 'dashboard:test-client-secret' && form.get('code') === 'code-alice' && form.get('redirect_uri') === 'https://dash.example.com/oauth2/callback'
    res.writeHead(ok ? 200 : 400, {'content-type': 'application/json'})
    res.end(ok ? JSON.stringify({access_token: 'at-alice', id_token: 'it-alice', expires_in: 300}) : '{"error":"invalid_grant"}')
  })
}

test('oauth2-proxy oidc golden (Envoy OIDC modelled): browser -> provider, callback on the protected route -> session -> app; API -> 401', async (t) => {
  const objects = golden('security-auth-oauth2-proxy-oidc')
  const oidc = policyFor(objects, 'apps', 'dashboard')!.spec.oidc
  const sessions = new OidcSessions()
  // Envoy Gateway reads key client-secret of the referenced Secret; the model is given that value.
  const secrets = {[oidc.clientSecret.name]: 'test-client-secret'}
  await withServers(provider, async (idp, backend) => {
    const browser = await throughOidc(oidc, idp, backend, sessions, secrets, {host: 'dash.example.com', path: '/reports', headers: BROWSER})
    t.is(browser.status, 302)
    const authorize = new URL(browser.headers.location!)
    t.is(authorize.origin + authorize.pathname, 'https://idp.example.com/realms/main/auth')
    t.is(authorize.searchParams.get('redirect_uri'), 'https://dash.example.com/oauth2/callback', "oauth2-proxy's registered callback")
    const callbackPath = `/oauth2/callback?code=code-alice&state=${authorize.searchParams.get('state')}`
    // The callback must reach the protected route (its Exact rule), not oauth2-proxy's /oauth2 route.
    t.is(routeFor(objects, 'dash.example.com', '/oauth2/callback'), 'apps/dashboard')
    const callback = await throughOidc(oidc, idp, backend, sessions, secrets, {host: 'dash.example.com', path: callbackPath, headers: BROWSER})
    t.is(callback.status, 302)
    t.is(callback.headers.location, 'https://dash.example.com/reports')
    const session = callback.headers['set-cookie']!.split(';')[0]!
    const signedIn = await throughOidc(oidc, idp, backend, sessions, secrets, {host: 'dash.example.com', path: '/reports', headers: {...BROWSER, cookie: session}})
    t.is(signedIn.body, 'app /reports user=-')
    const api = await throughOidc(oidc, idp, backend, sessions, secrets, {host: 'dash.example.com', path: '/api/items', headers: API})
    t.is(api.status, 401)
    t.is(backend.seen.length, 1)
  })
  // Everything else under /oauth2 still goes to oauth2-proxy's route, which has no SecurityPolicy.
  t.is(routeFor(objects, 'dash.example.com', '/oauth2/start'), 'oauth2-proxy/oauth2-proxy')
  t.is(policyFor(objects, 'oauth2-proxy', 'oauth2-proxy'), undefined)
})
