import test from 'ava'
import {classifyAuthUrl} from '../../src/annotations/external-auth.js'
import type {KubeObject} from '../../src/model/types.js'
import {
  assertDenied,
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
  validate,
} from './support.js'

const OAUTH2_PROXY = 'http://oauth2-proxy.auth.svc.cluster.local:4180/oauth2/auth'

const {run} = fixture({name: 'dashboard', namespace: 'apps', host: 'dash.example.com'})
useValidator()

test('oauth2-proxy in another namespace -> extAuth to its proxy handler (the request\'s own path), headersToBackend, a ReferenceGrant there, and the flags it needs', (t) => {
  const r = run({'auth-url': OAUTH2_PROXY, 'auth-response-headers': 'X-Auth-Request-User, X-Auth-Request-Email'})
  const sp = policyOf(r, 'SecurityPolicy')!
  // No path: oauth2-proxy's /oauth2/auth answers 202 (oauthproxy.go AuthOnly), which Envoy's ext_authz refuses.
  t.deepEqual(sp.spec.extAuth, {
    http: {backendRefs: [{name: 'oauth2-proxy', namespace: 'auth', port: 4180}], headersToBackend: ['X-Auth-Request-User', 'X-Auth-Request-Email']},
    headersToExtAuth: ['accept', 'cookie', 'x-forwarded-proto'],
    statusOnError: 500,
  })
  const grant = r.objects.find((o) => o.kind === 'ReferenceGrant' && o.metadata.namespace === 'auth')!
  t.deepEqual(grant.spec, {
    from: [{group: 'gateway.envoyproxy.io', kind: 'SecurityPolicy', namespace: 'apps'}],
    to: [{group: '', kind: 'Service', name: 'oauth2-proxy'}],
  })
  assertValid(t, r)
  // The policy is complete, but until oauth2-proxy runs with the flags every request is denied: a person acts.
  t.is(fidelityFor(r, 'auth-url'), 'manual')
  const [d] = diagnosticsFor(r, 'auth-url')
  t.is(d?.code, 'ext-auth-oauth2-proxy')
  t.regex(d!.message, /answers \/oauth2\/auth with 202 .* Envoy lets only 200 through/)
  t.regex(d!.message, /--ping-path \(\/ping\), --ready-path \(\/ready\) and \/robots\.txt/)
  t.regex(d!.hint!, /--upstream=static:\/\/200 .*--reverse-proxy, --skip-provider-button, --ping-path=\/oauth2\/ping and --ready-path=\/oauth2\/ready/)
  t.is(fidelityFor(r, 'auth-response-headers'), 'approximate')
  t.deepEqual(r.checklist.filter((c) => c.startsWith('oauth2-proxy')), [
    'oauth2-proxy auth/oauth2-proxy:4180 (auth-url of Ingress apps/dashboard): run it with --upstream=static://200 (its only upstream), --reverse-proxy, --skip-provider-button, --ping-path=/oauth2/ping and --ready-path=/oauth2/ready (and its probes moved to them); nginx keeps working with these flags, so set them before the cutover',
  ])
})

test('a Service of the same namespace needs no namespace and no grant; the port defaults by scheme', (t) => {
  const r = run({'auth-url': 'http://authz.apps.svc/verify'}, {extra: [service('apps', 'authz', 80)]})
  t.deepEqual(policyOf(r, 'SecurityPolicy')!.spec.extAuth.http.backendRefs, [{name: 'authz', port: 80}])
  t.false(r.objects.some((o) => o.kind === 'ReferenceGrant'))
  assertValid(t, r)
})

test('svc.ns is a Service only when that Service is in the input', (t) => {
  const known = run({'auth-url': 'http://authz.security/verify'}, {extra: [service('security', 'authz', 80)]})
  t.deepEqual(policyOf(known, 'SecurityPolicy')!.spec.extAuth.http.backendRefs, [{name: 'authz', namespace: 'security', port: 80}])
  const unknown = run({'auth-url': 'http://authz.security/verify'})
  t.deepEqual(policyOf(unknown, 'SecurityPolicy')!.spec.authorization, {defaultAction: 'Deny'}, 'fails closed')
  t.is(fidelityFor(unknown, 'auth-url'), 'manual')
})

test('a Service port that does not exist is reported', (t) => {
  const r = run({'auth-url': 'http://authz.apps.svc.cluster.local:9000/verify'}, {extra: [service('apps', 'authz', 8080)]})
  const d = r.diagnostics.find((x) => x.code === 'auth-url-port')!
  t.is(d.level, 'warning')
  t.deepEqual(d.data, {key: 'nginx.ingress.kubernetes.io/auth-url', service: 'apps/authz', port: 9000, ports: [8080]})
  t.is(d.message, 'nginx.ingress.kubernetes.io/auth-url: Service apps/authz has no port 9000 (it has 8080); extAuth will fail and Envoy answers 500 as nginx did')
})

test('https in-cluster: a Backend with TLS and no verification, as nginx did', (t) => {
  const r = run({'auth-url': 'https://authz.security.svc.cluster.local/verify'})
  const backend = r.objects.find((o) => o.kind === 'Backend')!
  t.deepEqual(backend.spec, {
    endpoints: [{fqdn: {hostname: 'authz.security.svc.cluster.local', port: 443}}],
    tls: {insecureSkipVerify: true},
  })
  t.is(backend.metadata.namespace, 'apps')
  t.deepEqual(policyOf(r, 'SecurityPolicy')!.spec.extAuth.http.backendRefs, [{group: 'gateway.envoyproxy.io', kind: 'Backend', name: backend.metadata.name}])
  t.regex(diagnosticsFor(r, 'auth-url')[0]!.message, /enableBackend/)
  assertValid(t, r)
})

test('auth-url parsing follows parser.StringToURL and the URL validator', (t) => {
  t.deepEqual(classifyAuthUrl('http://a.b.svc:81/x?y=1', {service: () => undefined} as any), {
    kind: 'service',
    scheme: 'http',
    name: 'a',
    namespace: 'b',
    port: 81,
    path: '/x',
    query: '?y=1',
  })
  // Characters outside URLWithNginxVariableRegex: the Ingress is dropped.
  const dropped = run({'auth-url': 'http://auth.apps.svc/check#frag'})
  t.is(dropped.ingresses[0]!.status, 'not-served')
  t.regex(diagnosticsFor(dropped, 'auth-url')[0]!.message, /refused the whole Ingress/)
  // Valid characters but no scheme: nginx denies the locations (503).
  const denied = run({'auth-url': 'oauth2-proxy/oauth2/auth'})
  assertDenied(t, denied)
  t.regex(diagnosticsFor(denied, 'auth-url')[0]!.message, /503 on every path/)
  // Empty: authReq.Parse returns the InvalidContent error, so Extract drops the whole external auth.
  const empty = run({'auth-url': '', 'auth-method': 'GET'})
  t.is(policyOf(empty, 'SecurityPolicy'), undefined)
  t.is(diagnosticsFor(empty, 'auth-url')[0]?.code, 'annotation-group-ignored')
  t.is(fidelityFor(empty, 'auth-method'), 'ignored')
})

test('the query string of the URL is named as not sent', (t) => {
  const r = run({'auth-url': 'http://authz.apps.svc/verify?realm=ops'})
  t.is(policyOf(r, 'SecurityPolicy')!.spec.extAuth.http.pathOverride, '/verify')
  t.regex(diagnosticsFor(r, 'auth-url')[0]!.message, /query string \?realm=ops/)
})

test('auth-signin of an unknown server needs a person: Envoy returns its 401; the hint names oidc and a redirecting auth service', (t) => {
  const r = run({
    'auth-url': 'http://authz.apps.svc/verify',
    'auth-signin': 'https://login.example.com/start?rd=$escaped_request_uri',
    'auth-signin-redirect-param': 'return_to',
  })
  t.truthy(policyOf(r, 'SecurityPolicy')!.spec.extAuth, 'authentication is still enforced')
  t.is(fidelityFor(r, 'auth-url'), 'manual')
  t.regex(diagnosticsFor(r, 'auth-url')[0]!.message, /only a 200 answer lets a request through/)
  t.is(fidelityFor(r, 'auth-signin'), 'manual')
  const [d] = diagnosticsFor(r, 'auth-signin')
  t.regex(d!.message, /401 instead of the sign-in page/)
  t.regex(d!.hint!, /answer unauthenticated browsers with the redirect itself/)
  t.regex(d!.hint!, /oidc/)
  t.notRegex(d!.hint!, /static:\/\/202/, 'a 202 is a denial for Envoy: never suggest it')
  t.is(fidelityFor(r, 'auth-signin-redirect-param'), 'manual')
  const noSignin = run({'auth-url': OAUTH2_PROXY, 'auth-signin-redirect-param': 'return_to'})
  t.is(fidelityFor(noSignin, 'auth-signin-redirect-param'), 'ignored')
})

test('auth-signin with oauth2-proxy: its own redirect replaces nginx\'s when its callback is routed on the host; a sign-in on another host needs a person', (t) => {
  const signin = {'auth-url': OAUTH2_VIA_HOST, 'auth-signin': 'https://$host/oauth2/start?rd=$escaped_request_uri', 'auth-signin-redirect-param': 'rd'}
  const routed = translateAll([ingressWith(signin, {name: 'dashboard', namespace: 'apps', host: 'dash.example.com'}), oauth2ProxyIngress()])
  t.is(fidelityOf(routed, 'apps/dashboard', 'auth-signin'), 'approximate')
  t.regex(diagnosticsFor(routed, 'auth-signin')[0]!.message, /brings the user back to the page asked for/)
  t.is(fidelityOf(routed, 'apps/dashboard', 'auth-signin-redirect-param'), 'approximate')
  // oauth2-proxy on the in-cluster URL, sign-in on a central host: oauth2-proxy's redirect is for the request's host.
  const central = run({'auth-url': OAUTH2_PROXY, 'auth-signin': 'https://auth.example.com/oauth2/start?rd=https://$host$escaped_request_uri'})
  t.is(fidelityFor(central, 'auth-signin'), 'manual')
  t.regex(diagnosticsFor(central, 'auth-signin')[0]!.hint!, /register https:\/\/<host>\/oauth2\/callback/)
  // Same host, but the Ingress routing /oauth2 there is not in the input.
  const unrouted = run({'auth-url': OAUTH2_PROXY, 'auth-signin': 'https://dash.example.com/oauth2/start'})
  t.is(fidelityFor(unrouted, 'auth-signin'), 'manual')
  t.regex(diagnosticsFor(unrouted, 'auth-signin')[0]!.message, /no Ingress of the input routes \/oauth2\/ of dash\.example\.com to oauth2-proxy/)
})

test('auth-method: exact names only; anything else denies the locations', (t) => {
  const post = run({'auth-url': OAUTH2_PROXY, 'auth-method': 'POST'})
  t.is(fidelityFor(post, 'auth-method'), 'approximate')
  t.regex(diagnosticsFor(post, 'auth-method')[0]!.message, /client request's own method/)
  const lower = run({'auth-url': OAUTH2_PROXY, 'auth-method': 'post'})
  assertDenied(t, lower)
})

test('auth-response-headers with a bad name denies the locations', (t) => {
  const r = run({'auth-url': OAUTH2_PROXY, 'auth-response-headers': 'X-User, X User'})
  assertDenied(t, r)
  t.is(diagnosticsFor(r, 'auth-response-headers')[0]?.code, 'locations-denied')
})

test('cache and keepalive: cache approximate, keepalive ignored, a bad cache duration denies', (t) => {
  const r = run({
    'auth-url': OAUTH2_PROXY,
    'auth-cache-key': '$remote_user$http_authorization',
    'auth-cache-duration': '200 202 401 5m, 403 30s',
    'auth-keepalive': '10',
    'auth-keepalive-requests': '100',
    'auth-keepalive-timeout': '30',
    'auth-keepalive-share-vars': 'true',
  })
  t.is(fidelityFor(r, 'auth-cache-key'), 'approximate')
  t.is(fidelityFor(r, 'auth-cache-duration'), 'approximate')
  for (const k of ['auth-keepalive', 'auth-keepalive-requests', 'auth-keepalive-timeout', 'auth-keepalive-share-vars']) t.is(fidelityFor(r, k), 'ignored', k)
  const bad = run({'auth-url': OAUTH2_PROXY, 'auth-cache-key': '$remote_user', 'auth-cache-duration': '5m 200'})
  assertDenied(t, bad)
  // A character ExtendedCharsRegex refuses is a plain error from authReq.Parse: the whole external auth is dropped.
  const chars = run({'auth-url': OAUTH2_PROXY, 'auth-cache-duration': '200 5m;'})
  t.is(chars.ingresses[0]!.status, 'converted')
  t.is(policyOf(chars, 'SecurityPolicy'), undefined)
  t.is(diagnosticsFor(chars, 'auth-cache-duration')[0]?.level, 'error')
  const noKey = run({'auth-url': OAUTH2_PROXY, 'auth-cache-duration': '200 5m'})
  t.is(fidelityFor(noKey, 'auth-cache-duration'), 'ignored')
})

test('auth-snippet is quoted; request-redirect, always-set-cookie and proxy-set-headers are named', (t) => {
  const cm: KubeObject = {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'auth-headers', namespace: 'apps'}, data: {'X-Tenant': 'ops', 'X-Env': 'prod'}}
  const r = run(
    {
      'auth-url': OAUTH2_PROXY,
      'auth-snippet': 'proxy_set_header X-Forwarded-Uri $request_uri;',
      'auth-request-redirect': 'https://dash.example.com/',
      'auth-always-set-cookie': 'true',
      'auth-proxy-set-headers': 'apps/auth-headers',
    },
    {extra: [cm, SNIPPETS_ALLOWED]},
  )
  t.is(fidelityFor(r, 'auth-snippet'), 'manual')
  t.true(diagnosticsFor(r, 'auth-snippet')[0]!.message.includes('"proxy_set_header X-Forwarded-Uri $request_uri;"'))
  t.is(fidelityFor(r, 'auth-request-redirect'), 'approximate')
  t.is(fidelityFor(r, 'auth-always-set-cookie'), 'approximate')
  t.is(fidelityFor(r, 'auth-proxy-set-headers'), 'manual')
  t.regex(diagnosticsFor(r, 'auth-proxy-set-headers')[0]!.message, /\(X-Env, X-Tenant\)/)
  const other = run({'auth-url': OAUTH2_PROXY, 'auth-proxy-set-headers': 'auth/auth-headers'})
  assertDenied(t, other)
  // store GetConfigMap looks the value up as the key: a name without namespace never exists.
  assertDenied(t, run({'auth-url': OAUTH2_PROXY, 'auth-proxy-set-headers': 'auth-headers'}, {extra: [cm]}), 'no namespace')
})

test('companions without auth-url do nothing', (t) => {
  const r = run({'auth-signin': 'https://login.example.com/', 'auth-response-headers': 'X-User'})
  t.is(policyOf(r, 'SecurityPolicy'), undefined)
  t.is(fidelityFor(r, 'auth-signin'), 'ignored')
  t.is(diagnosticsFor(r, 'auth-response-headers')[0]?.code, 'auth-url-missing')
})

test('enable-global-auth "false" leaves out only the global external auth', (t) => {
  // Without a global-auth-url there is nothing to opt out of: no policy.
  const alone = run({'enable-global-auth': 'false'})
  t.is(policyOf(alone, 'SecurityPolicy'), undefined)
  t.is(fidelityFor(alone, 'enable-global-auth'), 'exact')

  // With the ConfigMap's global-auth-url and address list as Gateway-level policy (--nginx-defaults), the route's
  // policy replaces it (no merge, which would bring extAuth back) and repeats the address list.
  const controller = configMap('ingress-nginx', 'ingress-nginx-controller', {
    'global-auth-url': 'http://oauth2-proxy.auth.svc.cluster.local:4180/oauth2/auth',
    'whitelist-source-range': '10.0.0.0/8',
  })
  const withGlobal = run({'enable-global-auth': 'false'}, {extra: [controller], translate: {nginxDefaults: true, emitGateway: true}})
  const gatewayLevel = objectsOf(withGlobal, 'SecurityPolicy').find((o) => o.spec.targetRefs?.[0]?.kind === 'Gateway')!
  t.truthy(gatewayLevel.spec.extAuth, 'the Gateway-level policy carries the global auth')
  const sp = objectsOf(withGlobal, 'SecurityPolicy').find((o) => o.metadata.name === 'dashboard')!
  t.is(sp.spec.extAuth, undefined)
  t.is(sp.spec.mergeType, undefined)
  t.deepEqual(sp.spec.authorization, gatewayLevel.spec.authorization, 'the address list still applies, as in nginx')
  t.deepEqual(validate(sp), [])

  // Other settings of the route merge as usual, without the opt-out.
  const own = run({'enable-global-auth': 'false', 'auth-url': OAUTH2_PROXY})
  t.is(fidelityFor(own, 'enable-global-auth'), 'ignored')
  t.is(policyOf(own, 'SecurityPolicy')!.spec.authorization, undefined)
  const on = run({'enable-global-auth': 'true'})
  t.is(policyOf(on, 'SecurityPolicy'), undefined)
  t.is(fidelityFor(on, 'enable-global-auth'), 'exact')
})

// --- auth-url that names no Service: the oauth2-proxy pattern, and fail-closed for the rest ---

const OAUTH2_VIA_HOST = 'https://$host/oauth2/auth'

/** The usual oauth2-proxy Ingress: its own namespace, the protected host, path /oauth2, no auth of its own. */
const oauth2ProxyIngress = (options: {host?: string; port?: number | string; namespace?: string} = {}) =>
  ingressWith({}, {name: 'oauth2-proxy', namespace: options.namespace ?? 'auth', host: options.host ?? 'dash.example.com', paths: ['/oauth2'], port: options.port ?? 4180})

/** The SecurityPolicy of an Ingress, by its name. */
const spOf = (r: ReturnType<typeof run>, name = 'dashboard') => objectsOf(r, 'SecurityPolicy').find((o) => o.metadata.name === name)

/** The fail-closed SecurityPolicy: deny-all authorization and nothing that lets a request through. */
function assertFailsClosed(t: any, r: ReturnType<typeof run>, label: string) {
  const sp = spOf(r)
  t.truthy(sp, `${label}: a SecurityPolicy`)
  t.deepEqual(sp!.spec.authorization, {defaultAction: 'Deny'}, label)
  t.is(sp!.spec.extAuth, undefined, label)
  t.is(sp!.spec.mergeType, undefined, label)
  t.deepEqual(sp!.spec.targetRefs, [{group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: objectsOf(r, 'HTTPRoute').find((o) => o.metadata.namespace === 'apps')!.metadata.name}], label)
  t.is(fidelityOf(r, 'apps/dashboard', 'auth-url'), 'manual', label)
  const d = diagnosticsFor(r, 'auth-url').find((x) => x.object === 'Ingress apps/dashboard')!
  t.is(d.level, 'error', label)
  t.is(d.code, 'auth-url-unresolved-fail-closed', label)
  t.regex(d.message, /denies every request .*until its extAuth backend is set/, label)
  t.regex(d.hint!, /set extAuth: \{http: \{backendRefs: \[.*\]/, label)
  t.regex(d.hint!, /statusOnError: 500/, label)
  t.false(r.diagnostics.some((x) => x.code === 'policy-field-conflict' || x.code === 'intent-not-emitted'), label)
  assertValid(t, r, label)
  return d
}

test('https://$host/oauth2/auth with oauth2-proxy on /oauth2 of the same host -> extAuth to that Service, ReferenceGrant in its namespace', (t) => {
  const r = translateAll([
    ingressWith({'auth-url': OAUTH2_VIA_HOST, 'auth-response-headers': 'X-Auth-Request-User'}, {name: 'dashboard', namespace: 'apps', host: 'dash.example.com'}),
    oauth2ProxyIngress(),
  ])
  t.deepEqual(spOf(r)!.spec.extAuth, {
    http: {backendRefs: [{name: 'oauth2-proxy', namespace: 'auth', port: 4180}], headersToBackend: ['X-Auth-Request-User']},
    headersToExtAuth: ['accept', 'cookie', 'x-forwarded-proto'],
    statusOnError: 500,
  })
  t.is(spOf(r)!.spec.authorization, undefined)
  const grant = r.objects.find((o) => o.kind === 'ReferenceGrant' && o.metadata.namespace === 'auth')!
  t.deepEqual(grant.spec, {from: [{group: 'gateway.envoyproxy.io', kind: 'SecurityPolicy', namespace: 'apps'}], to: [{group: '', kind: 'Service', name: 'oauth2-proxy'}]})
  // The oauth2-proxy Ingress itself stays unauthenticated (nginx did not authenticate it either).
  t.is(spOf(r, 'oauth2-proxy'), undefined)
  t.is(fidelityOf(r, 'apps/dashboard', 'auth-url'), 'manual', 'oauth2-proxy needs its flags changed')
  t.is(fidelityOf(r, 'apps/dashboard', 'auth-response-headers'), 'approximate')
  const d = diagnosticsFor(r, 'auth-url')[0]!
  t.is(d.code, 'ext-auth-oauth2-proxy')
  t.regex(d.message, /Prefix \/oauth2 of Ingress auth\/oauth2-proxy routes \/oauth2\/auth to Service auth\/oauth2-proxy:4180/)
  t.regex(d.message, /directly instead of going through the proxy again/)
  t.false(r.diagnostics.some((x) => x.level === 'error'))
  assertValid(t, r)
})

test('$http_host, $best_http_host and the Ingress\'s own host name resolve the same way; a named port through its Service', (t) => {
  for (const url of ['http://$http_host/oauth2/auth', 'https://$best_http_host/oauth2/auth', 'https://dash.example.com/oauth2/auth', 'https://DASH.example.com:443/oauth2/auth?rd=$escaped_request_uri']) {
    const r = translateAll([ingressWith({'auth-url': url}, {name: 'dashboard', namespace: 'apps', host: 'dash.example.com'}), oauth2ProxyIngress({port: 'http'}), service('auth', 'oauth2-proxy', [{name: 'http', port: 4180}])])
    t.deepEqual(spOf(r)!.spec.extAuth?.http.backendRefs, [{name: 'oauth2-proxy', namespace: 'auth', port: 4180}], url)
    t.is(fidelityOf(r, 'apps/dashboard', 'auth-url'), 'manual', url)
    assertValid(t, r, url)
  }
  // Without the Service the port name cannot be resolved: fail closed.
  const unresolved = translateAll([ingressWith({'auth-url': OAUTH2_VIA_HOST}, {name: 'dashboard', namespace: 'apps', host: 'dash.example.com'}), oauth2ProxyIngress({port: 'http'})])
  assertFailsClosed(t, unresolved, 'named port without its Service')
})

test('$host: the oauth2-proxy Service with backend-protocol HTTPS is called through a TLS Backend', (t) => {
  const proxy = oauth2ProxyIngress({port: 4443})
  proxy.metadata.annotations = {'nginx.ingress.kubernetes.io/backend-protocol': 'HTTPS'}
  const r = translateAll([ingressWith({'auth-url': OAUTH2_VIA_HOST}, {name: 'dashboard', namespace: 'apps', host: 'dash.example.com'}), proxy])
  const backend = objectsOf(r, 'Backend').find((o) => o.metadata.namespace === 'apps')!
  t.deepEqual(backend.spec.endpoints, [{fqdn: {hostname: 'oauth2-proxy.auth.svc.cluster.local', port: 4443}}])
  t.deepEqual(spOf(r)!.spec.extAuth.http.backendRefs, [{group: 'gateway.envoyproxy.io', kind: 'Backend', name: backend.metadata.name}])
  assertValid(t, r)
})

test('$host with no Ingress serving the path fails closed: deny-all SecurityPolicy and an error saying what to write', (t) => {
  // Nothing on the host serves /oauth2/auth (the dashboard only serves /app).
  const r = run({'auth-url': OAUTH2_VIA_HOST, 'auth-response-headers': 'X-Auth-Request-User'}, {ingress: {paths: ['/app']}})
  const d = assertFailsClosed(t, r, 'no location')
  t.regex(d.message, /no served Ingress of the input routes dash\.example\.com\/oauth2\/auth/)
  // The hint writes oauth2-proxy's form: no path (its proxy handler checks the request's path), the flags it needs.
  t.regex(d.hint!, /backendRefs: \[\{name: <auth Service>, namespace: <its namespace>, port: <its port>\}\], headersToBackend: \[X-Auth-Request-User\]\}, headersToExtAuth: \[accept, cookie, x-forwarded-proto\]/)
  t.regex(d.hint!, /--upstream=static:\/\/200/)
  t.regex(d.hint!, /oauth2-proxy's Ingress on \/oauth2/)
  t.is(fidelityFor(r, 'auth-response-headers'), 'manual')
  // The Ingress's own `/` serves the path: that location is itself authenticated (nginx looped), so no backend.
  const self = run({'auth-url': OAUTH2_VIA_HOST})
  t.regex(assertFailsClosed(t, self, 'own location').message, /served by Prefix \/ of Ingress apps\/dashboard, which itself has auth-url/)
  // The oauth2-proxy Ingress on another host does not serve this host.
  const elsewhere = translateAll([ingressWith({'auth-url': OAUTH2_VIA_HOST}, {name: 'dashboard', namespace: 'apps', host: 'dash.example.com', paths: ['/app']}), oauth2ProxyIngress({host: 'auth.example.com'})])
  assertFailsClosed(t, elsewhere, 'other host')
  // A canary on /oauth2 is not a location of its own.
  const canary = oauth2ProxyIngress()
  canary.metadata.annotations = {'nginx.ingress.kubernetes.io/canary': 'true', 'nginx.ingress.kubernetes.io/canary-weight': '10'}
  assertFailsClosed(t, translateAll([ingressWith({'auth-url': OAUTH2_VIA_HOST}, {name: 'dashboard', namespace: 'apps', host: 'dash.example.com', paths: ['/app']}), canary]), 'canary only')
})

test('$host over several hosts that reach different auth Services fails closed', (t) => {
  const r = translateAll([
    ingressWith({'auth-url': OAUTH2_VIA_HOST}, {name: 'dashboard', namespace: 'apps', hosts: ['dash.example.com', 'dash.example.org']}),
    oauth2ProxyIngress(),
    ingressWith({}, {name: 'oauth2-proxy-org', namespace: 'auth', host: 'dash.example.org', paths: ['/oauth2'], port: 4181}),
  ])
  const sp = spOf(r)!
  t.deepEqual(sp.spec.authorization, {defaultAction: 'Deny'})
  const d = r.diagnostics.find((x) => x.code === 'auth-url-unresolved-fail-closed')!
  t.regex(d.message, /different Services \(dash\.example\.com: auth\/oauth2-proxy:4180, dash\.example\.org: auth\/oauth2-proxy-org:4181\)/)
  assertValid(t, r)
})

test('external, bare-name, other-variable and explicit-port URLs fail closed with an error and the exact extAuth to write', (t) => {
  const cases: [string, RegExp, RegExp][] = [
    ['https://auth.example.org/verify', /is outside the cluster/, /Backend in apps whose endpoint is fqdn \{hostname: auth\.example\.org, port: 443\} and tls \{wellKnownCACertificates: System\}/],
    ['http://oauth2-proxy/oauth2/auth', /bare host "oauth2-proxy"/, /\{name: oauth2-proxy, namespace: <controller namespace, usually ingress-nginx>, port: 80\}/],
    ['http://authz.$namespace.svc/verify', /uses nginx variables/, /replace the variables with fixed values/],
    ['https://$host/$service_name/auth', /variables in its path/, /pathOverride: \/\$service_name\/auth/],
    ['https://$host:8443/oauth2/auth', /explicit port/, /headersToExtAuth: \[accept, cookie, x-forwarded-proto\], statusOnError: 500\} \(no path: oauth2-proxy checks/],
    ['https://auth.example.org/api/verify', /is outside the cluster/, /path: \/api\/authz\/ext-authz\/\}, headersToExtAuth: \[accept, cookie, authorization, proxy-authorization, x-forwarded-proto, x-requested-with\]/],
    ['ftp://auth.example.org/verify', /scheme ftp/, /http\(s\) endpoint/],
  ]
  for (const [url, message, hint] of cases) {
    const r = translateAll([ingressWith({'auth-url': url}, {name: 'dashboard', namespace: 'apps', host: 'dash.example.com'}), oauth2ProxyIngress()])
    const d = assertFailsClosed(t, r, url)
    t.regex(d.message, message, url)
    t.regex(d.hint!, hint, url)
    t.false(r.objects.some((o) => o.kind === 'ReferenceGrant' || o.kind === 'Backend'), url)
  }
  // An external host that an Ingress of the input serves is named in the hint.
  const served = translateAll([ingressWith({'auth-url': 'https://auth.example.com/oauth2/auth'}, {name: 'dashboard', namespace: 'apps', host: 'dash.example.com'}), oauth2ProxyIngress({host: 'auth.example.com'})])
  t.regex(assertFailsClosed(t, served, 'served elsewhere').hint!, /backendRef \{name: oauth2-proxy, namespace: auth, port: 4180\} reaches the same service/)
})

test('fail-closed wins over the access lists of the same Ingress and merges with cors', (t) => {
  const r = run({
    'auth-url': 'https://auth.example.org/verify',
    'allowlist-source-range': '10.0.0.0/8',
    'denylist-source-range': '10.1.0.0/16',
    'enable-cors': 'true',
  })
  const sp = spOf(r)!
  t.deepEqual(sp.spec.authorization, {defaultAction: 'Deny'}, 'no Allow rule lets the allow-listed clients in')
  t.truthy(sp.spec.cors)
  const overridden = r.diagnostics.find((d) => d.code === 'auth-url-fail-closed-overrides')!
  t.is(overridden.level, 'warning')
  t.deepEqual(overridden.data, {keys: ['nginx.ingress.kubernetes.io/denylist-source-range', 'nginx.ingress.kubernetes.io/allowlist-source-range'], authUrl: 'nginx.ingress.kubernetes.io/auth-url'})
  t.regex(overridden.hint!, /allowlist-source-range/)
  assertFailsClosed(t, r, 'with access lists')
})

test('fail-closed auth-url beside a snippet with access control: one deny-all from both keys, no conflict between them', (t) => {
  // Both ask for the same authorization (annotation-pass.ts combineDenyAll): before the merge made one fragment of
  // them, the second in registration order was reported as a policy-field-conflict that was "left out".
  const r = run({'auth-url': 'https://auth.example.org/verify', 'configuration-snippet': 'deny all;', 'allowlist-source-range': '10.0.0.0/8'}, {extra: [SNIPPETS_ALLOWED]})
  assertFailsClosed(t, r, 'auth-url and snippet')
  t.deepEqual(
    r.diagnostics.filter((d) => d.code === 'policy-field-conflict').map((d) => d.annotation),
    [],
    'the deny-all requests agree: neither is reported as left out',
  )
  t.is(fidelityFor(r, 'configuration-snippet'), 'manual')
  t.regex(r.diagnostics.find((d) => d.code === 'auth-url-fail-closed-overrides')!.hint!, /allowlist-source-range/, 'the allowlist is still reported as left out')
})

test('fail-closed replaces a Gateway-level authorization instead of merging its Allow rules', (t) => {
  const r = run(
    {'auth-url': OAUTH2_VIA_HOST},
    {extra: [configMap('ingress-nginx', 'ingress-nginx-controller', {'whitelist-source-range': '192.168.0.0/16'})], ingress: {paths: ['/app']}, translate: {nginxDefaults: true, emitGateway: true}},
  )
  const gatewayLevel = objectsOf(r, 'SecurityPolicy').find((o) => o.spec.targetRefs?.some((ref: any) => ref.kind === 'Gateway'))
  t.truthy(gatewayLevel?.spec.authorization, 'the Gateway-level policy carries the ConfigMap allow-list')
  assertFailsClosed(t, r, 'with a Gateway-level SecurityPolicy')
})

