import test from 'ava'
import {classifyAuthUrl, EXT_AUTH_FORWARDED_HEADERS} from '../../src/annotations/external-auth.js'
import type {KubeObject} from '../../src/translate/types.js'
import {assertValid, diagnosticsFor, fidelityFor, fixture, policyOf, service, useValidator, validate} from './support.js'

const OAUTH2_PROXY = 'http://oauth2-proxy.auth.svc.cluster.local:4180/oauth2/auth'

const {run} = fixture({name: 'dashboard', namespace: 'apps', host: 'dash.example.com'})
useValidator()

test('oauth2-proxy in another namespace -> extAuth with pathOverride, headersToBackend, and a ReferenceGrant there', (t) => {
  const r = run({'auth-url': OAUTH2_PROXY, 'auth-response-headers': 'X-Auth-Request-User, X-Auth-Request-Email'})
  t.deepEqual(policyOf(r, 'SecurityPolicy')!.spec.extAuth, {
    http: {
      backendRefs: [{name: 'oauth2-proxy', namespace: 'auth', port: 4180}],
      pathOverride: '/oauth2/auth',
      headersToBackend: ['X-Auth-Request-User', 'X-Auth-Request-Email'],
    },
    headersToExtAuth: EXT_AUTH_FORWARDED_HEADERS,
    statusOnError: 500,
  })
  t.true(EXT_AUTH_FORWARDED_HEADERS.includes('cookie'))
  const grant = r.objects.find((o) => o.kind === 'ReferenceGrant' && o.metadata.namespace === 'auth')!
  t.deepEqual(grant.spec, {
    from: [{group: 'gateway.envoyproxy.io', kind: 'SecurityPolicy', namespace: 'apps'}],
    to: [{group: '', kind: 'Service', name: 'oauth2-proxy'}],
  })
  assertValid(t, r)
  t.is(fidelityFor(r, 'auth-url'), 'approximate')
  const [d] = diagnosticsFor(r, 'auth-url')
  t.is(d?.code, 'ext-auth')
  t.regex(d!.message, /every client header/)
  t.regex(d!.message, /Set-Cookie/)
  t.regex(d!.hint!, /v1\.8/)
  t.is(fidelityFor(r, 'auth-response-headers'), 'approximate')
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
  t.is(policyOf(unknown, 'SecurityPolicy'), undefined)
  t.is(fidelityFor(unknown, 'auth-url'), 'manual')
})

test('a Service port that does not exist is reported', (t) => {
  const r = run({'auth-url': 'http://authz.apps.svc.cluster.local:9000/verify'}, {extra: [service('apps', 'authz', 8080)]})
  t.is(r.diagnostics.find((d) => d.code === 'auth-url-port')?.level, 'warning')
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

test('URLs with nginx variables, outside the cluster, or a bare name need a person (and say the route is open)', (t) => {
  const cases: [string, RegExp][] = [
    ['https://$host/oauth2/auth', /pathOverride \/oauth2\/auth/],
    ['https://auth.example.com/verify', /Backend with the endpoint fqdn auth\.example\.com port 443/],
    ['http://oauth2-proxy/oauth2/auth', /<controller-namespace>\.svc\.cluster\.local/],
  ]
  for (const [url, hint] of cases) {
    const r = run({'auth-url': url, 'auth-response-headers': 'X-User'})
    t.is(policyOf(r, 'SecurityPolicy'), undefined, url)
    t.is(fidelityFor(r, 'auth-url'), 'manual', url)
    const [d] = diagnosticsFor(r, 'auth-url')
    t.regex(d!.message, /NOT protected/, url)
    t.regex(d!.hint!, hint, url)
    t.is(fidelityFor(r, 'auth-response-headers'), 'manual', url)
  }
})

test('auth-url parsing follows parser.StringToURL and the URL validator', (t) => {
  t.deepEqual(classifyAuthUrl('http://a.b.svc:81/x?y=1', {service: () => undefined, configMap: () => undefined}), {
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
  t.is(denied.ingresses[0]!.status, 'not-served')
  t.regex(diagnosticsFor(denied, 'auth-url')[0]!.message, /503 on every path/)
  // Empty: no external auth at all.
  const empty = run({'auth-url': '', 'auth-method': 'GET'})
  t.is(policyOf(empty, 'SecurityPolicy'), undefined)
  t.is(fidelityFor(empty, 'auth-url'), 'ignored')
  t.is(fidelityFor(empty, 'auth-method'), 'ignored')
})

test('the query string of the URL is named as not sent', (t) => {
  const r = run({'auth-url': 'http://authz.apps.svc/verify?realm=ops'})
  t.is(policyOf(r, 'SecurityPolicy')!.spec.extAuth.http.pathOverride, '/verify')
  t.regex(diagnosticsFor(r, 'auth-url')[0]!.message, /query string \?realm=ops/)
})

test('auth-signin needs a person: the hint names oidc and the redirecting auth service', (t) => {
  const r = run({
    'auth-url': OAUTH2_PROXY,
    'auth-signin': 'https://dash.example.com/oauth2/start?rd=$escaped_request_uri',
    'auth-signin-redirect-param': 'return_to',
  })
  t.truthy(policyOf(r, 'SecurityPolicy')!.spec.extAuth, 'authentication is still enforced')
  t.is(fidelityFor(r, 'auth-signin'), 'manual')
  const [d] = diagnosticsFor(r, 'auth-signin')
  t.regex(d!.message, /401 instead of the sign-in page/)
  t.regex(d!.hint!, /oidc/)
  t.is(fidelityFor(r, 'auth-signin-redirect-param'), 'manual')
  const noSignin = run({'auth-url': OAUTH2_PROXY, 'auth-signin-redirect-param': 'return_to'})
  t.is(fidelityFor(noSignin, 'auth-signin-redirect-param'), 'ignored')
})

test('auth-method: exact names only; anything else denies the locations', (t) => {
  const post = run({'auth-url': OAUTH2_PROXY, 'auth-method': 'POST'})
  t.is(fidelityFor(post, 'auth-method'), 'approximate')
  t.regex(diagnosticsFor(post, 'auth-method')[0]!.message, /client request's own method/)
  const lower = run({'auth-url': OAUTH2_PROXY, 'auth-method': 'post'})
  t.is(lower.ingresses[0]!.status, 'not-served')
})

test('auth-response-headers with a bad name denies the locations', (t) => {
  const r = run({'auth-url': OAUTH2_PROXY, 'auth-response-headers': 'X-User, X User'})
  t.is(r.ingresses[0]!.status, 'not-served')
  t.is(diagnosticsFor(r, 'auth-response-headers')[0]?.code, 'ingress-not-served')
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
  t.is(bad.ingresses[0]!.status, 'not-served')
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
      'auth-proxy-set-headers': 'auth-headers',
    },
    {extra: [cm]},
  )
  t.is(fidelityFor(r, 'auth-snippet'), 'manual')
  t.true(diagnosticsFor(r, 'auth-snippet')[0]!.message.includes('"proxy_set_header X-Forwarded-Uri $request_uri;"'))
  t.is(fidelityFor(r, 'auth-request-redirect'), 'approximate')
  t.is(fidelityFor(r, 'auth-always-set-cookie'), 'approximate')
  t.is(fidelityFor(r, 'auth-proxy-set-headers'), 'manual')
  t.regex(diagnosticsFor(r, 'auth-proxy-set-headers')[0]!.message, /\(X-Env, X-Tenant\)/)
  const other = run({'auth-url': OAUTH2_PROXY, 'auth-proxy-set-headers': 'auth/auth-headers'})
  t.is(other.ingresses[0]!.status, 'not-served')
})

test('companions without auth-url do nothing', (t) => {
  const r = run({'auth-signin': 'https://login.example.com/', 'auth-response-headers': 'X-User'})
  t.is(policyOf(r, 'SecurityPolicy'), undefined)
  t.is(fidelityFor(r, 'auth-signin'), 'ignored')
  t.is(diagnosticsFor(r, 'auth-response-headers')[0]?.code, 'auth-url-missing')
})

test('enable-global-auth "false" gives the route a SecurityPolicy of its own, which replaces the Gateway-level one', (t) => {
  const r = run({'enable-global-auth': 'false'})
  const sp = policyOf(r, 'SecurityPolicy')!
  t.deepEqual(sp.spec.authorization, {defaultAction: 'Allow'})
  t.deepEqual(validate(sp), [])
  t.is(fidelityFor(r, 'enable-global-auth'), 'exact')
  const withList = run({'enable-global-auth': 'false', 'denylist-source-range': '10.0.0.0/8'})
  t.is(policyOf(withList, 'SecurityPolicy')!.spec.authorization.defaultAction, 'Allow')
  t.is(policyOf(withList, 'SecurityPolicy')!.spec.authorization.rules.length, 1)
  t.false(withList.diagnostics.some((d) => d.code === 'policy-field-conflict'))
  const own = run({'enable-global-auth': 'false', 'auth-url': OAUTH2_PROXY})
  t.is(fidelityFor(own, 'enable-global-auth'), 'ignored')
  t.is(policyOf(own, 'SecurityPolicy')!.spec.authorization, undefined)
  const on = run({'enable-global-auth': 'true'})
  t.is(policyOf(on, 'SecurityPolicy'), undefined)
  t.is(fidelityFor(on, 'enable-global-auth'), 'exact')
})
