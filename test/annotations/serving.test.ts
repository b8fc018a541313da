/**
 * One test per row of the serve table: for every key ingress-nginx v1.15.1 reads, an Ingress with the value empty,
 * with a value the key's validator refuses, and with the key above the configured annotations-risk-level, each
 * translated end to end and checked for served / dropped / denied.
 *
 * The expectations are written here from the parsers (internal/ingress/annotations/<parser>/main.go), not read from
 * src/annotations/serving.ts: S served, G served with the key's whole parser group ignored (annotations.go Extract
 * `continue`s on a plain error), D dropped (ValidationError returned), N locations denied (LocationDeniedError).
 */
import test from 'ava'
import {ALL_KEYS} from '../../src/annotations/all-keys.js'
import {registry} from '../../src/annotations/index.js'
import type {AnnotationRisk} from '../../src/annotations/serving.js'
import type {TranslateResult} from '../../src/model/types.js'
import {controllerConfigMap, diagnosticsFor, ingressWith, P, translateAll} from './support.js'

type Outcome = 'S' | 'G' | 'D' | 'N'

interface Row {
  risk: AnnotationRisk
  /** A value the validator accepts (for the risk test). */
  valid: string
  empty: Outcome
  /** A value the key's validator refuses, and its outcome; null for ValidateNull keys (every value is valid). */
  invalid: [string, Outcome] | null
  /** Keys the parser needs before it reads this one (valid values). */
  with?: Record<string, string>
}

const OAUTH = 'http://oauth2-proxy.auth.svc.cluster.local:4180/oauth2/auth'
const AUTH_URL = {'auth-url': OAUTH}
const BASIC = {'auth-type': 'basic', 'auth-secret': 'users'}
const MTLS = {'auth-tls-secret': 'team/client-ca'}
const PROXY_SSL = {'backend-protocol': 'HTTPS', 'proxy-ssl-secret': 'team/upstream-ca'}
const COOKIE = {affinity: 'cookie'}
const CANARY = {canary: 'true'}

const row = (risk: AnnotationRisk, valid: string, empty: Outcome, invalid: [string, Outcome] | null, companions?: Record<string, string>): Row => ({risk, valid, empty, invalid, with: companions})

const ROWS: Record<string, Row> = {
  // sessionaffinity/main.go: every error falls back to a default.
  affinity: row('Low', 'cookie', 'S', ['sticky', 'S']),
  'affinity-canary-behavior': row('Low', 'sticky', 'S', ['always', 'S']),
  'affinity-mode': row('Medium', 'persistent', 'S', ['sticky', 'S']),
  'session-cookie-change-on-failure': row('Low', 'true', 'S', ['yes', 'S'], COOKIE),
  'session-cookie-conditional-samesite-none': row('Low', 'true', 'S', ['yes', 'S'], COOKIE),
  'session-cookie-domain': row('Medium', 'example.com', 'S', ['example.com;', 'S'], COOKIE),
  'session-cookie-expires': row('Medium', '3600', 'S', ['1h', 'S'], COOKIE),
  'session-cookie-max-age': row('Medium', '3600', 'S', ['1h', 'S'], COOKIE),
  'session-cookie-name': row('Medium', 'route', 'S', ['route;', 'S'], COOKIE),
  'session-cookie-path': row('Medium', '/', 'S', ['/;', 'S'], COOKIE),
  'session-cookie-samesite': row('Low', 'Lax', 'S', ['Relaxed', 'S'], COOKIE),
  'session-cookie-secure': row('Low', 'true', 'S', ['yes', 'S'], COOKIE),
  // ipallowlist / ipdenylist: any error but a missing key is LocationDenied.
  'allowlist-source-range': row('Medium', '10.0.0.0/8', 'N', ['office', 'N']),
  'denylist-source-range': row('Medium', '10.0.0.0/8', 'N', ['office', 'N']),
  // rewrite/main.go: every error falls back.
  'app-root': row('Medium', '/app', 'S', ['/app?tab=1', 'S']),
  'force-ssl-redirect': row('Medium', 'true', 'S', ['yes', 'S']),
  'preserve-trailing-slash': row('Medium', 'true', 'S', ['yes', 'S']),
  'rewrite-target': row('Medium', '/$1', 'S', ['/a?b', 'S']),
  'ssl-redirect': row('Low', 'false', 'S', ['no', 'S']),
  'use-regex': row('Low', 'true', 'S', ['yes', 'S']),
  // authreq/main.go: auth-url returns its errors; the others are read after it.
  'auth-url': row('High', OAUTH, 'G', ['http://auth.example.com/check#frag', 'D']),
  'auth-method': row('Low', 'GET', 'S', ['get', 'N'], AUTH_URL),
  'auth-signin': row('High', 'https://login.example.com/', 'S', ['https://login.example.com/#x', 'S'], AUTH_URL),
  'auth-signin-redirect-param': row('Medium', 'rd', 'S', ['rd#', 'S'], AUTH_URL),
  'auth-snippet': row('Critical', 'proxy_set_header X-Extra 1;', 'S', null, AUTH_URL),
  'auth-cache-key': row('Medium', '$remote_user', 'S', ['$remote_user;', 'S'], AUTH_URL),
  'auth-keepalive': row('Low', '10', 'S', ['ten', 'S'], AUTH_URL),
  'auth-keepalive-share-vars': row('Low', 'true', 'S', ['yes', 'S'], AUTH_URL),
  'auth-keepalive-requests': row('Low', '100', 'S', ['many', 'S'], AUTH_URL),
  'auth-keepalive-timeout': row('Low', '60', 'S', ['long', 'S'], AUTH_URL),
  'auth-cache-duration': row('Medium', '200 5m', 'S', ['200;5m', 'G'], AUTH_URL),
  'auth-response-headers': row('Medium', 'X-User', 'S', ['X-User;', 'N'], AUTH_URL),
  'auth-proxy-set-headers': row('Medium', 'team/auth-headers', 'S', ['team/auth;headers', 'S'], AUTH_URL),
  'auth-request-redirect': row('Medium', 'https://app.example.com/', 'S', ['https://app.example.com/#x', 'G'], AUTH_URL),
  'auth-always-set-cookie': row('Low', 'true', 'S', ['yes', 'G'], AUTH_URL),
  'enable-global-auth': row('Low', 'false', 'S', ['no', 'S']),
  // auth/main.go: auth-type first, then auth-secret-type, auth-secret, auth-realm.
  'auth-type': row('Low', 'basic', 'G', ['ldap', 'D'], {'auth-secret': 'users'}),
  'auth-secret-type': row('Low', 'auth-map', 'S', ['htpasswd', 'D'], BASIC),
  'auth-secret': row('Medium', 'users', 'N', ['users@prod', 'N'], {'auth-type': 'basic'}),
  'auth-realm': row('Medium', 'Protected', 'S', ['Realm "x"', 'D'], BASIC),
  // authtls/main.go: the Secret first; the rest only once it resolves.
  'auth-tls-secret': row('Medium', 'team/client-ca', 'G', ['team/client-ca;', 'D']),
  'auth-tls-verify-client': row('Medium', 'on', 'S', ['always', 'S'], MTLS),
  'auth-tls-verify-depth': row('Low', '2', 'S', ['deep', 'S'], MTLS),
  'auth-tls-error-page': row('High', 'https://err.example.com/mtls', 'S', ['https://err.example.com/a?b', 'D'], MTLS),
  'auth-tls-pass-certificate-to-upstream': row('Low', 'true', 'S', ['yes', 'D'], MTLS),
  'auth-tls-match-cn': row('High', 'CN=client', 'S', ['client', 'D'], MTLS),
  'backend-protocol': row('Low', 'HTTPS', 'S', ['SPDY', 'S']),
  // canary/main.go: every error falls back (the Ingress stays a canary).
  canary: row('Low', 'true', 'S', ['yes', 'S']),
  'canary-by-cookie': row('Medium', 'beta', 'S', ['beta;', 'S'], CANARY),
  'canary-by-header': row('Medium', 'X-Beta', 'S', ['X-Beta;', 'S'], CANARY),
  'canary-by-header-pattern': row('Medium', 'beta|alpha', 'S', ['a b', 'S'], CANARY),
  'canary-by-header-value': row('Medium', 'on', 'S', ['on;', 'S'], CANARY),
  'canary-weight': row('Low', '10', 'S', ['ten', 'S'], CANARY),
  'canary-weight-total': row('Low', '1000', 'S', ['all', 'S'], CANARY),
  'client-body-buffer-size': row('Low', '16k', 'S', ['16kb', 'D']),
  'configuration-snippet': row('Critical', 'more_set_headers "X-A: 1";', 'S', null),
  'connection-proxy-header': row('Low', 'close', 'S', ['upgrade', 'D']),
  // cors/main.go: every error falls back.
  'enable-cors': row('Low', 'true', 'S', ['yes', 'S']),
  'cors-allow-credentials': row('Low', 'false', 'S', ['no', 'S']),
  'cors-allow-headers': row('Medium', 'X-A', 'S', ['X-A;', 'S']),
  'cors-allow-methods': row('Medium', 'GET, POST', 'S', ['GET;', 'S']),
  'cors-allow-origin': row('Medium', 'https://a.example.com', 'S', ['https://a.example.com/path', 'S']),
  'cors-expose-headers': row('Medium', 'X-A', 'S', ['X-A;', 'S']),
  'cors-max-age': row('Low', '600', 'S', ['long', 'S']),
  // customheaders: the validation error only empties the ConfigMap name.
  'custom-headers': row('Medium', 'team/headers', 'S', ['team/headers;', 'S']),
  // customhttperrors: returns its errors; an empty value is InvalidContent (ignored).
  'custom-http-errors': row('Low', '404,503', 'S', ['404,abc', 'D']),
  'default-backend': row('Low', 'errors', 'S', ['Errors', 'D']),
  'disable-proxy-intercept-errors': row('Low', 'true', 'S', ['yes', 'S']),
  'enable-access-log': row('Low', 'false', 'S', ['no', 'S']),
  'enable-rewrite-log': row('Low', 'true', 'S', ['yes', 'S']),
  'enable-modsecurity': row('Low', 'true', 'S', ['yes', 'S']),
  'enable-owasp-core-rules': row('Low', 'true', 'S', ['yes', 'S']),
  'modsecurity-transaction-id': row('High', '$request_id', 'S', ['$request_id;', 'S']),
  'modsecurity-snippet': row('Critical', 'SecRuleEngine On', 'S', null),
  'enable-opentelemetry': row('Low', 'true', 'S', ['yes', 'S']),
  'opentelemetry-trust-incoming-span': row('Low', 'false', 'S', ['no', 'S'], {'enable-opentelemetry': 'true'}),
  'opentelemetry-operation-name': row('Medium', 'checkout', 'S', ['check.out', 'D'], {'enable-opentelemetry': 'true'}),
  // fastcgi/main.go: validation errors are returned.
  'fastcgi-index': row('Medium', 'index.php', 'S', ['index.php;', 'D']),
  'fastcgi-params-configmap': row('Medium', 'fcgi-params', 'S', ['fcgi;params', 'D']),
  // redirect/redirect.go: every error but a missing key is returned; an empty value is a plain error.
  'from-to-www-redirect': row('Low', 'true', 'G', ['yes', 'D']),
  'relative-redirects': row('Low', 'true', 'G', ['yes', 'D']),
  'temporal-redirect': row('Medium', 'https://x.example.com/', 'G', ['https://x.example.com/a b', 'D']),
  'temporal-redirect-code': row('Low', '307', 'G', ['temporary', 'D'], {'temporal-redirect': 'https://x.example.com/'}),
  'permanent-redirect': row('Medium', 'https://x.example.com/', 'G', ['https://x.example.com/a b', 'D']),
  'permanent-redirect-code': row('Low', '308', 'G', ['moved', 'D']),
  'http2-push-preload': row('Low', 'true', 'S', ['yes', 'D']),
  // ratelimit/main.go: rpm, rps, connections and the allowlist return validation errors.
  'limit-allowlist': row('Low', '10.0.0.0/8', 'S', ['office', 'D']),
  'limit-burst-multiplier': row('Low', '3', 'S', ['x', 'S']),
  'limit-connections': row('Low', '10', 'S', ['ten', 'D']),
  'limit-rate': row('Low', '100', 'S', ['fast', 'S']),
  'limit-rate-after': row('Low', '100', 'S', ['x', 'S']),
  'limit-rpm': row('Low', '60', 'S', ['x', 'D']),
  'limit-rps': row('Low', '5', 'S', ['x', 'D']),
  'load-balance': row('Low', 'ewma', 'S', ['least_conn', 'D']),
  // mirror/main.go: every error falls back.
  'mirror-host': row('High', 'mirror.example.com', 'S', ['mirror host', 'S']),
  'mirror-request-body': row('Low', 'off', 'S', ['no', 'S']),
  'mirror-target': row('High', 'https://mirror.example.com$request_uri', 'S', ['https://mirror.example.com/#x', 'S']),
  // proxy/main.go: every error falls back to the ConfigMap's value.
  'proxy-body-size': row('Medium', '8m', 'S', ['8 mb', 'S']),
  'proxy-buffer-size': row('Low', '8k', 'S', ['8kb', 'S']),
  'proxy-buffering': row('Low', 'on', 'S', ['yes', 'S']),
  'proxy-buffers-number': row('Low', '4', 'S', ['four', 'S']),
  'proxy-busy-buffers-size': row('Low', '16k', 'S', ['16kb', 'S']),
  'proxy-connect-timeout': row('Low', '10', 'S', ['10s', 'S']),
  'proxy-cookie-domain': row('Medium', 'off', 'S', ['example.com', 'S']),
  'proxy-cookie-path': row('Medium', '/ /app', 'S', ['/ /app;', 'S']),
  'proxy-http-version': row('Low', '1.1', 'S', ['2', 'S']),
  'proxy-max-temp-file-size': row('Low', '1024m', 'S', ['1g0', 'S']),
  'proxy-next-upstream': row('Medium', 'error timeout', 'S', ['error http_418', 'S']),
  'proxy-next-upstream-timeout': row('Low', '5', 'S', ['5s', 'S']),
  'proxy-next-upstream-tries': row('Low', '3', 'S', ['x', 'S']),
  'proxy-read-timeout': row('Low', '120', 'S', ['2m', 'S']),
  'proxy-redirect-from': row('Medium', 'http://internal/', 'S', ['http://internal/#', 'S']),
  'proxy-redirect-to': row('Medium', 'https://public/', 'S', ['https://public/#', 'S']),
  'proxy-request-buffering': row('Low', 'off', 'S', ['no', 'S']),
  'proxy-send-timeout': row('Low', '120', 'S', ['2m', 'S']),
  // proxyssl/main.go: the Secret returns its errors; the rest fall back.
  'proxy-ssl-secret': row('Medium', 'team/upstream-ca', 'G', ['team/upstream-ca;', 'D'], {'backend-protocol': 'HTTPS'}),
  'proxy-ssl-ciphers': row('Medium', 'HIGH:!aNULL', 'S', ['HIGH;', 'S'], PROXY_SSL),
  'proxy-ssl-name': row('High', 'backend.internal', 'S', ['backend internal', 'S'], PROXY_SSL),
  'proxy-ssl-protocols': row('Low', 'TLSv1.2', 'S', ['TLSv1', 'S'], PROXY_SSL),
  'proxy-ssl-server-name': row('Low', 'on', 'S', ['yes', 'S'], PROXY_SSL),
  'proxy-ssl-verify': row('Low', 'on', 'S', ['yes', 'S'], PROXY_SSL),
  'proxy-ssl-verify-depth': row('Low', '2', 'S', ['deep', 'S'], PROXY_SSL),
  satisfy: row('Low', 'any', 'S', ['either', 'S']),
  'server-alias': row('High', 'alias.example.com', 'S', ['alias example.com', 'D']),
  'server-snippet': row('Critical', 'location /x { return 200; }', 'S', null),
  'service-upstream': row('Low', 'true', 'S', ['yes', 'S']),
  'ssl-ciphers': row('Low', 'ECDHE-RSA-AES128-GCM-SHA256', 'S', ['HIGH;', 'D']),
  'ssl-prefer-server-ciphers': row('Low', 'true', 'S', ['yes', 'S']),
  'ssl-passthrough': row('Low', 'true', 'S', ['yes', 'D']),
  'stream-snippet': row('Critical', 'server { listen 9000; }', 'S', null),
  'use-port-in-redirects': row('Low', 'true', 'S', ['yes', 'S']),
  // upstreamhashby/main.go: every error but a missing key is returned.
  'upstream-hash-by': row('High', '$request_uri', 'G', ['$request_uri;', 'D']),
  'upstream-hash-by-subset': row('Low', 'true', 'G', ['yes', 'D']),
  'upstream-hash-by-subset-size': row('Low', '3', 'G', ['x', 'D']),
  'upstream-vhost': row('Low', 'internal.example.com', 'S', ['internal example.com', 'D']),
  'x-forwarded-prefix': row('Medium', '/api', 'S', ['/api?x', 'D']),
}

/** The level just below a risk: the key is too risky there (Low has no lower level). */
const BELOW: Record<AnnotationRisk, string> = {Low: 'Low', Medium: 'Low', High: 'Medium', Critical: 'High'}

/** Risk level Critical and snippets allowed: only the value decides. */
const VALUE_ONLY = controllerConfigMap({'annotations-risk-level': 'Critical', 'allow-snippet-annotations': 'true'})

function translateWith(annotations: Record<string, string>, controller = VALUE_ONLY): TranslateResult {
  return translateAll([ingressWith(annotations, {name: 'web', namespace: 'team'}), controller])
}

function assertOutcome(t: any, r: TranslateResult, key: string, expected: Outcome, label: string): void {
  const status = r.ingresses[0]!.status
  const servedAs = ROWS[key]!.with?.canary === 'true' ? 'canary' : 'converted'
  const want = {S: servedAs, G: servedAs, D: 'not-served', N: 'denied'}[expected]
  t.is(status, want, `${key} ${label}: ${r.diagnostics.filter((d) => d.level === 'error').map((d) => d.message).join(' | ')}`)
  const codes = diagnosticsFor(r, key).map((d) => d.code)
  if (expected === 'D') t.true(codes.includes('ingress-not-served'), `${key} ${label}: ${codes.join(', ')}`)
  if (expected === 'N') t.true(codes.includes('locations-denied'), `${key} ${label}: ${codes.join(', ')}`)
  // The redirects family models redirect.go's reading order itself and reports the skipped config its own way.
  const groupIgnored = ['annotation-group-ignored', 'redirect-config-dropped']
  if (expected === 'G') t.true(codes.some((c) => groupIgnored.includes(c)), `${key} ${label}: ${codes.join(', ')}`)
  if (expected === 'S') t.false(codes.some((c) => ['ingress-not-served', 'locations-denied', ...groupIgnored].includes(c)), `${key} ${label}: ${codes.join(', ')}`)
}

test('the test table has a row for each of the 136 keys', (t) => {
  t.deepEqual(Object.keys(ROWS).sort(), [...ALL_KEYS].sort())
})

for (const key of Object.keys(ROWS).sort()) {
  const r = ROWS[key]!
  test(`${key}: empty ${r.empty}, invalid ${r.invalid ? r.invalid[1] : '-'}, risk ${r.risk}`, (t) => {
    t.is(registry.get(key)!.onInvalid.risk, r.risk, 'the table records the parser\'s Risk')
    // Empty: checkAnnotation skips the validator; the getter returns InvalidContent.
    assertOutcome(t, translateWith({...r.with, [key]: ''}), key, r.empty, `""`)
    // Invalid: the validator refuses the value.
    if (r.invalid) assertOutcome(t, translateWith({...r.with, [key]: r.invalid[0]}), key, r.invalid[1], JSON.stringify(r.invalid[0]))
    else t.is(registry.get(key)!.onInvalid.invalid, 'never', 'ValidateNull accepts every value')
    // Above the configured risk level: CheckAnnotationRisk drops the Ingress (the key alone, valid value).
    const level = BELOW[r.risk]
    const risky = translateWith({[key]: r.valid}, controllerConfigMap({'annotations-risk-level': level, 'allow-snippet-annotations': 'true'}))
    const refused = diagnosticsFor(risky, key).some((d) => d.code === 'ingress-not-served' && d.data?.problem === 'risk' && d.data.risk === r.risk && d.data.riskLevel === level)
    if (r.risk === 'Low') {
      t.false(refused, 'a Low-risk key is never too risky')
    } else {
      t.true(refused, `${key} at annotations-risk-level ${level}`)
      t.is(risky.ingresses[0]!.status, 'not-served')
    }
  })
}

test('the aliases: whitelist-source-range and limit-whitelist are checked like their keys, and read only when not empty', (t) => {
  t.is(translateWith({'whitelist-source-range': 'office'}).ingresses[0]!.status, 'denied')
  t.is(translateWith({'whitelist-source-range': ''}).ingresses[0]!.status, 'converted', 'an empty alias alone is never read')
  t.is(translateWith({'limit-whitelist': 'office'}).ingresses[0]!.status, 'not-served')
  // The canonical key empty, the alias set: checkAnnotation reads the alias.
  const both = translateWith({'allowlist-source-range': '', 'whitelist-source-range': '10.0.0.0/8'})
  t.is(both.ingresses[0]!.status, 'converted')
  t.is(both.ingresses[0]!.annotations[`${P}allowlist-source-range`], 'ignored')
  // Both empty: nginx reads the canonical key, which is empty: denied.
  t.is(translateWith({'allowlist-source-range': '', 'whitelist-source-range': ''}).ingresses[0]!.status, 'denied')
})

test('without the controller ConfigMap the defaults apply: High risk level, snippets not allowed', (t) => {
  for (const key of ['auth-snippet', 'configuration-snippet', 'server-snippet', 'modsecurity-snippet', 'stream-snippet']) {
    const r = translateAll([ingressWith({...(key === 'auth-snippet' ? AUTH_URL : {}), [key]: ROWS[key]!.valid})])
    t.is(r.ingresses[0]!.status, 'not-served', key)
    t.regex(diagnosticsFor(r, key)[0]!.message, /Critical-risk annotation, above the default annotations-risk-level High/, key)
  }
  // An unknown level reads as Low (parser.StringRiskToRisk): every Medium key is then too risky.
  const r = translateWith({'proxy-body-size': '8m'}, controllerConfigMap({'annotations-risk-level': 'hihg'}))
  t.is(r.ingresses[0]!.status, 'not-served')
})

test('annotation-value-word-blocklist: a value containing a listed word makes the store skip the Ingress', (t) => {
  const blocklist = controllerConfigMap({'annotation-value-word-blocklist': 'load_module,lua_package,_by_lua'})
  const r = translateWith({'upstream-vhost': 'x.example.com', 'proxy-body-size': '8m', 'server-alias': 'access_by_lua.example.com'}, blocklist)
  t.is(r.ingresses[0]!.status, 'not-served')
  t.regex(diagnosticsFor(r, 'server-alias')[0]!.message, /contains "_by_lua", a word of the controller ConfigMap's annotation-value-word-blocklist/)
  t.is(r.ingresses[0]!.annotations[`${P}proxy-body-size`], 'ignored', 'the other keys are accounted too')
  t.is(translateWith({'proxy-body-size': '8m'}, blocklist).ingresses[0]!.status, 'converted')
})

test('a group ignored by an empty or invalid value takes every key of the group with it', (t) => {
  // authReq.Parse returns a plain error for auth-always-set-cookie: Extract drops the whole external auth.
  const r = translateWith({...AUTH_URL, 'auth-response-headers': 'X-User', 'auth-always-set-cookie': 'yes'})
  t.is(r.ingresses[0]!.status, 'converted')
  t.false(r.objects.some((o) => o.kind === 'SecurityPolicy'), 'nginx serves these paths without authentication, and so does the conversion')
  const [d] = diagnosticsFor(r, 'auth-always-set-cookie')
  t.is(d?.level, 'error')
  t.regex(d!.message, /served without that authentication/)
  for (const key of ['auth-url', 'auth-response-headers']) t.is(r.ingresses[0]!.annotations[P + key], 'ignored', key)
  // An empty permanent-redirect-code drops every redirect setting, from-to-www-redirect included.
  const redirect = translateWith({'permanent-redirect': 'https://x.example.com/', 'permanent-redirect-code': ''})
  t.deepEqual(redirect.objects.find((o) => o.kind === 'HTTPRoute')!.spec.rules[0].backendRefs, [{name: 'web', port: 80}])
})

test('a key the parser never reads has no effect whatever its value', (t) => {
  // auth-realm is read only once auth-type and its Secret are good: alone, a bad realm changes nothing.
  const r = translateWith({'auth-realm': 'Realm "x"'})
  t.is(r.ingresses[0]!.status, 'converted')
  t.is(diagnosticsFor(r, 'auth-realm')[0]?.code, 'annotation-not-read')
  // opentelemetry-operation-name is validated only when tracing is on.
  t.is(translateWith({'opentelemetry-operation-name': 'check.out'}).ingresses[0]!.status, 'converted')
})

test('a denied Ingress keeps shadowing shorter paths of other Ingresses on its host, with 503 on both listeners', (t) => {
  const root = ingressWith({}, {name: 'site', namespace: 'team', paths: ['/'], tls: true})
  const api = ingressWith({'allowlist-source-range': 'office', 'ssl-redirect': 'true', 'enable-cors': 'true'}, {name: 'api', namespace: 'team', paths: ['/api'], tls: true})
  const r = translateAll([root, api, VALUE_ONLY])
  const route = r.objects.find((o) => o.kind === 'HTTPRoute' && o.metadata.name === 'api')!
  t.deepEqual(route.spec.rules, [{matches: [{path: {type: 'PathPrefix', value: '/api'}}], filters: [{type: 'ExtensionRef', extensionRef: {group: 'gateway.envoyproxy.io', kind: 'HTTPRouteFilter', name: 'api-denied'}}]}])
  // nginx's `return 503` runs in the rewrite phase before the HTTPS redirect of ngx_rewrite.lua: 503 over HTTP too.
  t.deepEqual(route.spec.parentRefs.map((p: any) => p.sectionName), ['http', 'https'])
  t.false(r.objects.some((o) => o.kind === 'SecurityPolicy' && o.metadata.name === 'api'), 'no CORS: nginx applies no location setting')
  const info = r.diagnostics.find((d) => d.code === 'denied-location-settings')!
  t.regex(info.message, /nginx\.ingress\.kubernetes\.io\/enable-cors, nginx\.ingress\.kubernetes\.io\/ssl-redirect have no effect/)
})

test('a parser stops at the first error it returns: later keys of the same parser are not read', (t) => {
  // redirect.Parse: an empty from-to-www-redirect returns before permanent-redirect is validated, so the invalid
  // URL drops nothing; the whole Redirect group is ignored.
  const r = translateWith({'from-to-www-redirect': '', 'permanent-redirect': 'https://x.example.com/a b'})
  t.is(r.ingresses[0]!.status, 'converted')
  t.notDeepEqual(diagnosticsFor(r, 'permanent-redirect').map((d) => d.code), ['ingress-not-served'])
  // The other way round: the invalid URL is read first only when nothing before it failed.
  t.is(translateWith({'permanent-redirect': 'https://x.example.com/a b'}).ingresses[0]!.status, 'not-served')
  // ratelimit.Parse: limit-rpm's validation error returns before limit-allowlist is read.
  const rate = translateWith({'limit-rpm': 'x', 'limit-allowlist': 'office'})
  t.is(rate.ingresses[0]!.status, 'not-served')
  t.is(diagnosticsFor(rate, 'limit-allowlist')[0]?.code, 'annotation-not-read')
})

test('a value of spaces reads as empty where the validator accepts it (parser.normalizeString trims it to "")', (t) => {
  // checkAnnotation runs the validator on "  " (not empty); where it passes, parseString trims each line and
  // returns InvalidContent as for "". The outcome is then the empty one of the parser, not its invalid one.
  const cases: [Record<string, string>, string, Outcome][] = [
    [{'auth-tls-secret': '  '}, 'auth-tls-secret', 'G'], // authtls.Parse returns the InvalidContent: no mTLS, served
    [{...PROXY_SSL, 'proxy-ssl-secret': '  '}, 'proxy-ssl-secret', 'G'], // proxyssl.Parse likewise
    [{...AUTH_URL, 'auth-url': '  '}, 'auth-url', 'G'], // authReq.Parse likewise: no external auth at all
    [{'upstream-hash-by': '  '}, 'upstream-hash-by', 'G'],
    [{'custom-headers': '  '}, 'custom-headers', 'S'], // customHeaders.Parse only logs it: no headers, served
    [{'server-alias': '  '}, 'server-alias', 'S'],
    [{'auth-type': 'basic', 'auth-secret': '  '}, 'auth-secret', 'N'], // auth.Parse wraps it in LocationDeniedError
    // URLIsValidRegex without space removal refuses a space: a ValidationError, the Ingress dropped.
    [{'temporal-redirect': '  '}, 'temporal-redirect', 'D'],
  ]
  for (const [annotations, key, outcome] of cases) {
    const r = translateWith(annotations)
    const want = ({S: 'converted', G: 'converted', D: 'not-served', N: 'denied'} as const)[outcome as 'S' | 'G' | 'D' | 'N']
    t.is(r.ingresses[0]!.status, want, key)
    const codes = diagnosticsFor(r, key).map((d) => d.code)
    if (outcome === 'G') t.true(codes.some((c) => ['annotation-group-ignored', 'redirect-config-dropped'].includes(c)), `${key}: ${codes.join(', ')}`)
  }
  t.false(translateWith({'auth-tls-secret': '  '}).objects.some((o) => o.kind === 'HTTPRouteFilter'), 'no 403 filter: nginx serves without mTLS')
})
