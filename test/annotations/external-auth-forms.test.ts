/**
 * Which auth server an auth-url names, the extAuth form each gets (oauth2-proxy, Authelia, authentik, unknown),
 * the checklist line per server, the Gateway-level global auth a route's own auth replaces, and what
 * enable-global-auth says about the output. The stand-in tests (external-auth-servers.test.ts) drive the forms.
 */
import test from 'ava'
import {recognizeServer, type AuthServer} from '../../src/annotations/external-auth/forms.js'
import {
  assertValid,
  configMap,
  diagnosticsFor,
  fidelityFor,
  fidelityOf,
  fixture,
  ingressWith,
  objectsOf,
  policyOf,
  service,
  SNIPPETS_ALLOWED,
  translateAll,
  useValidator,
} from './support.js'

const {run} = fixture({name: 'app', namespace: 'apps', host: 'app.example.com'})
useValidator()

test('the server is recognised by the endpoint it documents for nginx, and oauth2-proxy under another prefix by its Service name', (t) => {
  const cases: [string, string, AuthServer][] = [
    ['/outpost.goauthentik.io/auth/nginx', 'ak-outpost-main', 'authentik'],
    ['/outpost.goauthentik.io/auth/traefik', 'authentik', 'authentik'],
    ['/api/verify', 'authelia', 'authelia'],
    ['/api/authz/auth-request', 'sso', 'authelia'],
    ['/oauth2/auth', 'sso', 'oauth2-proxy'],
    ['/auth/auth', 'oauth2-proxy', 'oauth2-proxy'],
    ['/auth/auth', 'sso', 'unknown'],
    ['/api/authz/forward-auth', 'authelia', 'unknown'],
    ['/verify', 'oauth2-proxy', 'unknown'],
  ]
  for (const [path, name, server] of cases) t.is(recognizeServer({path, name}), server, `${name}${path}`)
})

test('oauth2-proxy with an allowed_groups query fails closed: the check cannot carry the restriction', (t) => {
  const r = run({'auth-url': 'http://oauth2-proxy.auth.svc.cluster.local:4180/oauth2/auth?allowed_groups=admins'})
  const sp = policyOf(r, 'SecurityPolicy')!
  t.deepEqual(sp.spec.authorization, {defaultAction: 'Deny'})
  t.is(sp.spec.extAuth, undefined)
  t.is(fidelityFor(r, 'auth-url'), 'manual')
  const [d] = diagnosticsFor(r, 'auth-url')
  t.is(d!.code, 'auth-url-unresolved-fail-closed')
  t.regex(d!.message, /admit only allowed_groups=admins/)
  t.regex(d!.hint!, /second oauth2-proxy .*--allowed-group/)
  assertValid(t, r)
})

test('Authelia: its ext-authz endpoint with the request path appended, its guide\'s headers, Remote-* copied; the checklist names authelia_url', (t) => {
  const r = run({'auth-url': 'http://authelia.auth.svc.cluster.local/api/authz/auth-request', 'auth-signin': 'https://login.example.com/?rm=$request_method', 'auth-response-headers': 'Remote-User'})
  t.deepEqual(policyOf(r, 'SecurityPolicy')!.spec.extAuth, {
    http: {backendRefs: [{name: 'authelia', namespace: 'auth', port: 80}], path: '/api/authz/ext-authz/', headersToBackend: ['Remote-User', 'Remote-Groups', 'Remote-Name', 'Remote-Email']},
    headersToExtAuth: ['accept', 'cookie', 'authorization', 'proxy-authorization', 'x-forwarded-proto', 'x-requested-with'],
    statusOnError: 500,
  })
  t.is(fidelityFor(r, 'auth-url'), 'approximate')
  t.is(fidelityFor(r, 'auth-signin'), 'approximate')
  t.deepEqual(r.checklist.filter((c) => c.startsWith('Authelia')).length, 1)
  t.regex(r.checklist.find((c) => c.startsWith('Authelia'))!, /^Authelia auth\/authelia:80 \(auth-url of Ingress apps\/app\): .*session\.cookies\[\]\.authelia_url set to https:\/\/login\.example\.com for/)
  assertValid(t, r)
  // The legacy endpoint names the portal in ?rd=, which wins over the sign-in URL.
  const legacy = run({'auth-url': 'http://authelia.auth.svc.cluster.local/api/verify?rd=https://portal.example.com/', 'auth-signin': 'https://other.example.com/'})
  t.regex(legacy.checklist.find((c) => c.startsWith('Authelia'))!, /authelia_url set to https:\/\/portal\.example\.com for/)
})

test('authentik: the outpost\'s Envoy endpoint, X-authentik-* copied by name; a host without the outpost route is named; the X-Forwarded-Host snippet is not needed', (t) => {
  const url = 'http://ak-outpost-main.authentik.svc.cluster.local:9000/outpost.goauthentik.io/auth/nginx'
  // auth-snippet is Critical: only a controller at annotations-risk-level Critical with snippets allowed serves it.
  const r = run({'auth-url': url, 'auth-snippet': 'proxy_set_header X-Forwarded-Host app.example.com;'}, {extra: [SNIPPETS_ALLOWED]})
  const extAuth = policyOf(r, 'SecurityPolicy')!.spec.extAuth
  t.is(extAuth.http.path, '/outpost.goauthentik.io/auth/envoy')
  t.is(extAuth.http.pathOverride, undefined)
  t.deepEqual(extAuth.headersToExtAuth, ['cookie'])
  t.true(extAuth.http.headersToBackend.includes('X-authentik-username'))
  t.true(extAuth.http.headersToBackend.includes('X-authentik-jwt'))
  t.is(fidelityFor(r, 'auth-snippet'), 'ignored')
  // No Ingress routes /outpost.goauthentik.io on app.example.com: the outpost's redirect to
  // /outpost.goauthentik.io/start would reach the protected route, whose check the outpost answers 200 for any path
  // under /outpost.goauthentik.io (mode_forward.go forwardHandleEnvoy), so the app gets it and nobody can sign in.
  t.regex(diagnosticsFor(r, 'auth-url')[0]!.hint!, /route \/outpost\.goauthentik\.io on app\.example\.com to the outpost/)
  t.is(fidelityFor(r, 'auth-url'), 'manual')
  t.regex(r.checklist.find((c) => c.startsWith('authentik outpost'))!, /route \/outpost\.goauthentik\.io on app\.example\.com/)
  assertValid(t, r)
  const withSignin = run({'auth-url': url, 'auth-signin': 'https://app.example.com/outpost.goauthentik.io/start?rd=$escaped_request_uri'})
  t.is(fidelityFor(withSignin, 'auth-signin'), 'manual')
  const routed = translateAll([
    ingressWith({'auth-url': url, 'auth-signin': 'https://app.example.com/outpost.goauthentik.io/start?rd=$escaped_request_uri'}, {name: 'app', namespace: 'apps', host: 'app.example.com'}),
    ingressWith({}, {name: 'outpost', namespace: 'authentik', host: 'app.example.com', paths: ['/outpost.goauthentik.io'], service: 'ak-outpost-main', port: 9000}),
  ])
  t.is(diagnosticsFor(routed, 'auth-url')[0]!.hint, undefined)
  t.is(fidelityOf(routed, 'apps/app', 'auth-url'), 'approximate')
  t.is(fidelityOf(routed, 'apps/app', 'auth-signin'), 'approximate')
  // A snippet that does more than set the host stays manual.
  const other = run({'auth-url': url, 'auth-snippet': 'proxy_set_header X-Forwarded-Host app.example.com;\nproxy_set_header X-Tenant a;'}, {extra: [SNIPPETS_ALLOWED]})
  t.is(fidelityFor(other, 'auth-snippet'), 'manual')
})

test('the checklist has one line per auth server and change, listing every Ingress that uses it', (t) => {
  const proxy = 'http://oauth2-proxy.auth.svc.cluster.local:4180/oauth2/auth'
  const r = translateAll([
    ingressWith({'auth-url': proxy}, {name: 'a', namespace: 'apps', host: 'a.example.com'}),
    ingressWith({'auth-url': proxy}, {name: 'b', namespace: 'team', host: 'b.example.com'}),
    ingressWith({'auth-url': 'http://authz.security.svc.cluster.local/check'}, {name: 'c', namespace: 'apps', host: 'c.example.com'}),
  ])
  const lines = r.checklist.filter((c) => /auth-url of Ingress/.test(c))
  t.is(lines.length, 2)
  t.regex(lines[0]!, /^auth service security\/authz:80 \(auth-url of Ingress apps\/c\): make sure it answers 200 \(not 202 or 204\)/)
  t.regex(lines[1]!, /^oauth2-proxy auth\/oauth2-proxy:4180 \(auth-url of Ingress apps\/a, team\/b\): run it with --upstream=static:\/\/200/)
})

const GLOBAL = configMap('ingress-nginx', 'ingress-nginx-controller', {
  'global-auth-url': 'http://oauth2-proxy.auth.svc.cluster.local:4180/oauth2/auth',
  'whitelist-source-range': '10.0.0.0/8',
})

test('a route with its own auth replaces the Gateway-level global auth instead of merging it (nginx used the location\'s auth-url alone)', (t) => {
  const r = run({'auth-url': 'http://authelia.auth.svc.cluster.local/api/authz/auth-request'}, {extra: [GLOBAL], translate: {nginxDefaults: true, emitGateway: true}})
  const gatewayLevel = objectsOf(r, 'SecurityPolicy').find((o) => o.spec.targetRefs?.[0]?.kind === 'Gateway')!
  t.truthy(gatewayLevel.spec.extAuth.http.backendRefs, 'the Gateway carries the global auth')
  const sp = objectsOf(r, 'SecurityPolicy').find((o) => o.metadata.name === 'app')!
  t.is(sp.spec.mergeType, undefined, 'a StrategicMerge would put the global pathOverride beside this form\'s path')
  t.is(sp.spec.extAuth.http.path, '/api/authz/ext-authz/')
  t.is(sp.spec.extAuth.http.pathOverride, undefined)
  t.deepEqual(sp.spec.authorization, gatewayLevel.spec.authorization, 'the ConfigMap address list still applies, as in nginx')
  assertValid(t, r)
})

test('global-auth-url gets the form of the server it names, as a per-Ingress auth-url does: oauth2-proxy is not asked at /oauth2/auth (202 = denied)', (t) => {
  const gatewayAuth = (data: Record<string, string>) => {
    const r = run({}, {extra: [configMap('ingress-nginx', 'ingress-nginx-controller', data)], translate: {nginxDefaults: true, emitGateway: true}})
    const sp = objectsOf(r, 'SecurityPolicy').find((o) => o.spec.targetRefs?.[0]?.kind === 'Gateway')!
    assertValid(t, r)
    return {r, extAuth: sp.spec.extAuth, diag: r.diagnostics.find((d) => d.annotation === 'global-auth-url')!}
  }
  // oauth2-proxy: its AuthOnly handler (oauthproxy.go) answers 202, which Envoy's ext_authz denies; its proxy handler
  // with --upstream=static://200 answers 200 (oauth2-proxy.ts): no pathOverride, the request's own path.
  const oauth2 = gatewayAuth({'global-auth-url': 'http://oauth2-proxy.auth.svc.cluster.local:4180/oauth2/auth', 'global-auth-signin': 'https://auth.example.com/oauth2/start?rd=$escaped_request_uri'})
  t.is(oauth2.extAuth.http.pathOverride, undefined)
  t.is(oauth2.extAuth.http.path, undefined)
  t.deepEqual(oauth2.extAuth.headersToExtAuth, ['accept', 'cookie', 'x-forwarded-proto'])
  t.is(oauth2.extAuth.statusOnError, 500)
  t.is(oauth2.diag.fidelity, 'manual')
  t.regex(oauth2.diag.message, /oauth2-proxy auth\/oauth2-proxy:4180, the request's own path: its \/oauth2\/auth answers 202/)
  t.true(oauth2.r.checklist.some((c) => /^global-auth-url http:\/\/oauth2-proxy\.auth\.svc\.cluster\.local:4180\/oauth2\/auth: run it with --upstream=static:\/\/200/.test(c)))
  const signin = oauth2.r.diagnostics.find((d) => d.annotation === 'global-auth-signin')!
  t.is(signin.fidelity, 'approximate')
  t.regex(signin.message, /oauth2-proxy check now answers a signed-out browser with its own sign-in redirect/)
  // Authelia: its Envoy endpoint as a path prefix, its Remote-* headers copied, removed from client requests.
  const authelia = gatewayAuth({'global-auth-url': 'http://authelia.auth.svc.cluster.local/api/verify'})
  t.is(authelia.extAuth.http.path, '/api/authz/ext-authz/')
  t.deepEqual(authelia.extAuth.http.headersToBackend, ['Remote-User', 'Remote-Groups', 'Remote-Name', 'Remote-Email'])
  const ctp = objectsOf(authelia.r, 'ClientTrafficPolicy').find((o) => o.spec.targetRefs[0].sectionName === undefined)!
  t.true(['Remote-User', 'Remote-Groups', 'Remote-Name', 'Remote-Email'].every((h) => ctp.spec.headers.earlyRequestHeaders.remove.includes(h)))
  // An unknown server keeps the URL's path, fixed.
  t.is(gatewayAuth({'global-auth-url': 'http://authz.auth.svc.cluster.local:8080/check'}).extAuth.http.pathOverride, '/check')
})

test('enable-global-auth "false" says only what the output contains', (t) => {
  const message = (r: ReturnType<typeof run>) => diagnosticsFor(r, 'enable-global-auth')[0]?.message ?? ''
  const noConfigMap = run({'enable-global-auth': 'false'})
  t.is(fidelityFor(noConfigMap, 'enable-global-auth'), 'exact')
  t.regex(message(noConfigMap), /no controller ConfigMap is in the input/)
  t.notRegex(message(noConfigMap), /SecurityPolicy|Gateway-level/)
  t.is(policyOf(noConfigMap, 'SecurityPolicy'), undefined)

  const noUrl = run({'enable-global-auth': 'false'}, {extra: [configMap('ingress-nginx', 'ingress-nginx-controller', {'use-forwarded-headers': 'true'})]})
  t.regex(message(noUrl), /sets no global-auth-url/)

  const notConverted = run({'enable-global-auth': 'false'}, {extra: [GLOBAL]})
  t.regex(message(notConverted), /is not converted without --nginx-defaults \(no Gateway-level SecurityPolicy is generated\)/)
  t.false(objectsOf(notConverted, 'SecurityPolicy').some((o) => o.spec.targetRefs?.[0]?.kind === 'Gateway'))

  const external = run({'enable-global-auth': 'false'}, {extra: [configMap('ingress-nginx', 'ingress-nginx-controller', {'global-auth-url': 'https://auth.example.com/check'})], translate: {nginxDefaults: true, emitGateway: true}})
  t.regex(message(external), /not an in-cluster Service URL, so no Gateway-level extAuth is generated/)
  t.false(objectsOf(external, 'SecurityPolicy').some((o) => o.spec.extAuth))

  const converted = run({'enable-global-auth': 'false'}, {extra: [GLOBAL], translate: {nginxDefaults: true, emitGateway: true}})
  t.regex(message(converted), /this route's SecurityPolicy replaces the Gateway-level one that carries global-auth-url/)
  const gatewayLevel = objectsOf(converted, 'SecurityPolicy').find((o) => o.spec.targetRefs?.[0]?.kind === 'Gateway')
  t.truthy(gatewayLevel?.spec.extAuth, 'the Gateway-level policy the message names is in the output')
  t.is(objectsOf(converted, 'SecurityPolicy').find((o) => o.metadata.name === 'app')?.spec.extAuth, undefined)
})

test('an unknown server keeps the URL\'s path and says that only a 200 lets users in; the Service port is checked', (t) => {
  const r = run({'auth-url': 'http://authz.apps.svc.cluster.local:8080/check'}, {extra: [service('apps', 'authz', 8080)]})
  const extAuth = policyOf(r, 'SecurityPolicy')!.spec.extAuth
  t.is(extAuth.http.pathOverride, '/check')
  t.is(fidelityOf(r, 'apps/app', 'auth-url'), 'manual')
  t.regex(diagnosticsFor(r, 'auth-url')[0]!.message, /a 202 or 204 that nginx accepted as success is now a denial/)
  t.false(r.diagnostics.some((d) => d.code === 'auth-url-port'))
  // nginx.tmpl (auth location): proxy_set_header Host <the URL's host> and X-Forwarded-For $remote_addr.
  t.regex(diagnosticsFor(r, 'auth-url')[0]!.message, /nginx sent the auth service Host: authz\.apps\.svc\.cluster\.local, Envoy sends the client's Host \(app\.example\.com\)/)
  t.regex(diagnosticsFor(r, 'auth-url')[0]!.message, /X-Forwarded-For holds the entries the client sent before the address Envoy appends/)
})
