/**
 * Annotation diagnostics carry their facts as data (catalogue diagnostic()): a key's account (FamilyContext.account,
 * and the settlement of keys no family accounted) carries {key, value, note}, so CI tooling reads which annotation
 * and which value without parsing the sentence; the message is rendered from that data.
 */
import test from 'ava'
import {CATALOGUE} from '../../src/model/catalogue/index.js'
import {controllerConfigMap, diagnosticsFor, ingressWith, P, translateAll} from './support.js'
import type {TranslateOptions} from '../../src/model/types.js'
import {maskUrlCredentials} from '../../src/model/credentials.js'

test('an account carries the full key, the value as written and the note the message prints after the key', (t) => {
  const r = translateAll([ingressWith({'proxy-buffering': 'on', 'enable-cors': 'true', 'cors-allow-credentials': 'true', 'cors-allow-origin': '*'})])
  const buffering = diagnosticsFor(r, 'proxy-buffering')[0]!
  t.is(buffering.code, 'annotation-ignored')
  t.like(buffering.data, {key: `${P}proxy-buffering`, value: 'on'})
  t.is(buffering.message, `${P}proxy-buffering: ${String(buffering.data!.note)}`)
  // A family's own code on an account: the same data.
  const credentials = diagnosticsFor(r, 'cors-allow-credentials')[0]!
  t.is(credentials.code, 'cors-credentials-wildcard')
  t.deepEqual(credentials.data, {
    key: `${P}cors-allow-credentials`,
    value: 'true',
    note: 'true together with origin *: browsers refused credentials with nginx\'s literal "*", so allowCredentials false keeps that (see enable-cors)',
  })
})

test('every diagnostic about an annotation of this Ingress is rendered from data by its catalogue entry', (t) => {
  const r = translateAll([
    ingressWith({
      'proxy-buffering': 'on',
      'proxy-read-timeout': 'soon',
      'unknown-key': 'x',
      'whitelist-source-range': '10.0.0.0/8',
      'allowlist-source-range': '192.168.0.0/16',
      'enable-cors': 'true',
      'cors-allow-origin': 'example.com, https://ok.example.com',
      'ssl-passthrough': 'true',
    }),
  ])
  const about = r.diagnostics.filter((d) => d.object === 'Ingress default/web' || d.annotation?.startsWith(P))
  t.true(about.length >= 5, `${about.length} diagnostics`)
  for (const d of about) {
    const render = CATALOGUE.get(d.code)?.render
    t.truthy(render && d.data, `${d.code} has data and a render`)
    if (render && d.data) t.is(render(d.data), d.message, d.code)
  }
})

test('values in data are masked where they may hold credentials: snippets, and keys ingress-nginx does not know', (t) => {
  const r = translateAll([ingressWith({'configuration-snipet': 'proxy_set_header Authorization "Bearer abc123xyz";'})])
  const d = diagnosticsFor(r, 'configuration-snipet')[0]!
  t.is(d.code, 'unknown-annotation')
  t.deepEqual(d.data, {key: `${P}configuration-snipet`, value: 'proxy_set_header Authorization <redacted>;'})
  t.false(JSON.stringify(r).includes('abc123xyz'))
})

/**
 * URL userinfo (`scheme://user:pass@`) in an annotation or ConfigMap value is a credential: no message, hint or data
 * field repeats it, wherever the value is quoted (the account of a key, an invalid value's reason, a stray mirror
 * target, the global auth notes). The host and path stay readable, so the user still sees which URL is meant.
 * Validators of ingress-nginx (parser/validators.go URLWithNginxVariableRegex, URLIsValidRegex, ValidateServerName)
 * refuse `@`, so an annotation URL with userinfo surfaces through the invalid-value diagnostics; the controller
 * ConfigMap's global-auth-url is only checked by parser.StringToURL (template/configmap.go), which accepts it.
 */
const PASSWORD = 'hunter2Pw'
const userinfoCases: {name: string; annotations: Record<string, string>; configMap?: Record<string, string>; options?: Partial<TranslateOptions>; code: string; readable: string}[] = [
  {name: 'auth-url refused (ingress-not-served)', annotations: {'auth-url': `https://alice:${PASSWORD}@auth.example.com/check`}, code: 'ingress-not-served', readable: 'auth.example.com/check'},
  {name: 'auth-signin refused (invalid-annotation-value)', annotations: {'auth-signin': `https://bob:${PASSWORD}@login.example.com/start`}, code: 'invalid-annotation-value', readable: 'login.example.com/start'},
  {name: 'auth-signin after a refused auth-url (annotation-not-read)', annotations: {'auth-url': `https://alice:${PASSWORD}@auth.example.com/check`, 'auth-signin': `https://bob:${PASSWORD}@login.example.com/start`}, code: 'annotation-not-read', readable: 'login.example.com/start'},
  {name: 'mirror-target refused (mirror-target-stray)', annotations: {'mirror-target': `https://carol:${PASSWORD}@mirror.example.com/$request_uri`}, code: 'mirror-target-stray', readable: 'mirror.example.com/$request_uri'},
  {name: 'permanent-redirect refused', annotations: {'permanent-redirect': `https://dave:${PASSWORD}@new.example.com/x`}, code: 'ingress-not-served', readable: 'new.example.com/x'},
  {name: 'a username-only token', annotations: {'proxy-redirect-from': `https://${PASSWORD}@a.example.com/`}, code: 'invalid-annotation-value', readable: 'a.example.com/'},
  {
    name: 'enable-global-auth "false" quoting the ConfigMap global-auth-url (global-auth)',
    annotations: {'enable-global-auth': 'false'},
    configMap: {'global-auth-url': `http://alice:${PASSWORD}@auth.team.svc.cluster.local/check`},
    options: {nginxDefaults: true},
    code: 'global-auth',
    readable: 'auth.team.svc.cluster.local/check',
  },
  {name: 'the ConfigMap global-auth-url itself (global-auth-url)', annotations: {}, configMap: {'global-auth-url': `http://alice:${PASSWORD}@auth.example.com/check`}, code: 'global-auth-url', readable: 'auth.example.com/check'},
  {
    name: 'the ConfigMap global-auth-signin (global-auth)',
    annotations: {},
    configMap: {'global-auth-url': 'http://auth.team.svc.cluster.local/check', 'global-auth-signin': `https://bob:${PASSWORD}@login.example.com/x`},
    options: {nginxDefaults: true},
    code: 'global-auth',
    readable: 'login.example.com/x',
  },
]

for (const c of userinfoCases) {
  test(`URL userinfo is masked in message, hint and data, the host kept: ${c.name}`, (t) => {
    const r = translateAll([...(c.configMap ? [controllerConfigMap(c.configMap)] : []), ingressWith(c.annotations)], c.options)
    const d = r.diagnostics.find((x) => x.code === c.code && x.message.includes(c.readable))
    t.truthy(d, `a ${c.code} diagnostic quoting ${c.readable}: ${r.diagnostics.map((x) => x.code).join(', ')}`)
    t.true(d!.message.includes(`<redacted>@${c.readable}`), d!.message)
    if (d!.data && 'value' in d!.data && String(d!.data.value).includes(c.readable)) t.true(String(d!.data.value).includes(`<redacted>@${c.readable}`), String(d!.data.value))
    t.false(JSON.stringify(r).includes(PASSWORD), 'the password appears nowhere in the result')
  })
}

/**
 * A credential can also ride in a URL's query (`?api_key=`, `&access_token=`): nginx's validators accept those URLs
 * (parser/validators.go URLWithNginxVariableRegex allows `?` and `=`), so they reach messages that quote the value.
 * The parameter's value is masked, its name and the other parameters stay; a value that is only an nginx variable
 * (`$arg_token`) is no secret and stays.
 */
const queryCases: {name: string; annotations: Record<string, string>; code: string; shown: string}[] = [
  {name: 'auth-url outside the cluster (auth-url-unresolved-fail-closed)', annotations: {'auth-url': `https://auth.example.com/verify?api_key=${PASSWORD}&x=1`}, code: 'auth-url-unresolved-fail-closed', shown: 'https://auth.example.com/verify?api_key=<redacted>&x=1'},
  {name: 'auth-signin beside it (auth-signin)', annotations: {'auth-url': 'https://auth.example.com/verify', 'auth-signin': `https://login.example.com/start?rd=$escaped_request_uri&token=${PASSWORD}`}, code: 'auth-signin', shown: 'https://login.example.com/start?rd=$escaped_request_uri&token=<redacted>'},
  {name: 'mirror-target\'s path and query (annotation-approximate)', annotations: {'mirror-target': `https://mirror.example.com/m?access_token=${PASSWORD}`}, code: 'annotation-approximate', shown: '/m?access_token=<redacted>'},
]

for (const c of queryCases) {
  test(`a credential query parameter is masked in message and data, the rest of the URL kept: ${c.name}`, (t) => {
    const r = translateAll([ingressWith(c.annotations)])
    const d = r.diagnostics.find((x) => x.code === c.code && x.message.includes(c.shown))
    t.truthy(d, `a ${c.code} diagnostic quoting ${c.shown}: ${r.diagnostics.map((x) => `${x.code}: ${x.message}`).join('\n')}`)
    t.false(JSON.stringify(r.diagnostics).includes(PASSWORD), 'the credential appears in no diagnostic')
  })
}

test('maskUrlCredentials: credential-named query values masked; other names, variables and the URL kept', (t) => {
  const rows: [string, string][] = [
    ['https://a.example.com/v?api_key=k1&x=1', 'https://a.example.com/v?api_key=<redacted>&x=1'],
    ['/m?access_token=k2#frag', '/m?access_token=<redacted>#frag'],
    ['https://x/y?token=$arg_token&key=k3', 'https://x/y?token=$arg_token&key=<redacted>'],
    ['https://x/y?monkey=1&keys=2&auth=k4', 'https://x/y?monkey=1&keys=2&auth=<redacted>'],
    ['"https://u:p@x/?sig=k5"', '"https://<redacted>@x/?sig=<redacted>"'],
    ['https://x/?X-Amz-Signature=k6&X-Amz-Credential=AKIA/2020&X-Amz-Date=1', 'https://x/?X-Amz-Signature=<redacted>&X-Amz-Credential=<redacted>&X-Amz-Date=1'],
    ['path /a=b and ?rd=/next', 'path /a=b and ?rd=/next'],
  ]
  for (const [input, masked] of rows) t.is(maskUrlCredentials(input), masked, input)
})

/**
 * Branches of the converted messages that no golden shows: each render must print what the inline message printed
 * before the conversion to data (the literals of 8de8584, evaluated by hand for these values).
 */
const K = `${P}x`
const renderCases: {code: string; data: Record<string, unknown>; old: string}[] = [
  {code: 'body-size-default', data: {key: K, value: 'x', default: '1m', from: 'nginx'}, old: 'no limit is emitted for this Ingress: nginx\'s 1m default comes from the controller ConfigMap, which the Gateway-level BackendTrafficPolicy (--nginx-defaults) carries'},
  {code: 'body-size-default', data: {key: K, value: 'x', default: '8m', from: 'configmap'}, old: 'no limit is emitted for this Ingress: nginx used the controller ConfigMap\'s proxy-body-size 8m, which the Gateway-level BackendTrafficPolicy (--nginx-defaults) carries'},
  {code: 'canary-header-value-emptied', data: {key: K, value: 'a b', header: 'X-Canary', by: 'pattern'}, old: 'ingress-nginx emptied the invalid canary-by-header-value, so X-Canary selects the canary by canary-by-header-pattern instead, and so does the conversion'},
  {code: 'canary-header-value-emptied', data: {key: K, value: 'a b', header: 'X-Canary', by: 'always-never'}, old: 'ingress-nginx emptied the invalid canary-by-header-value, so X-Canary selects the canary by "always" / "never" instead, and so does the conversion'},
  {code: 'empty-annotation-value', data: {key: K, value: ''}, old: `${K} is empty: ingress-nginx ignores it and uses the default, and so does the conversion`},
  {code: 'empty-annotation-value', data: {key: K, value: '  ', default: '60'}, old: `${K} is only spaces (empty once ingress-nginx trims it): ingress-nginx ignores it and uses the default (60), and so does the conversion`},
  {code: 'invalid-annotation-value', data: {key: K, value: 'v', reason: 'R'}, old: `${K}: R; ingress-nginx ignored this value and used the default, and the conversion leaves it out`},
  {code: 'invalid-annotation-value', data: {key: K, value: 'v', reason: 'R', default: 'off'}, old: `${K}: R; ingress-nginx ignored this value and used the default (off), and so does the conversion`},
  {code: 'ingress-not-served', data: {problem: 'risk', key: K, value: 'v', risk: 'Critical'}, old: `${K} is a Critical-risk annotation, above the default annotations-risk-level High (since v1.12; the controller ConfigMap is not in the input): ingress-nginx refused this whole Ingress (not served, and the admission webhook rejects it); the conversion emits nothing for it either`},
  {code: 'ingress-not-served', data: {problem: 'risk', key: K, value: 'v', risk: 'High', riskLevel: 'Medium'}, old: `${K} is a High-risk annotation, above annotations-risk-level Medium of the controller ConfigMap: ingress-nginx refused this whole Ingress (not served, and the admission webhook rejects it); the conversion emits nothing for it either`},
  {code: 'mirror-target-stray', data: {key: K, value: 'https://', validated: true}, old: `${K}: "https://" gave ingress-nginx no mirror destination (no mirror-host, and no scheme and host in the target), yet every location of this Ingress kept \`mirror /_mirror-<Ingress UID>\` (mirror/main.go Parse): each request was also sent, its answer discarded, to whichever location of the same host matches that path; the conversion sends no copy`},
  {code: 'www-redirect-skipped', data: {key: K, unowned: ['a.example.com']}, old: `${K}: this Ingress owns no location on a.example.com (no paths there, only its spec.defaultBackend, or an older Ingress has them), so nginx redirects no twin of it, and neither does the conversion`},
  {code: 'www-redirect-skipped', data: {key: K, unowned: ['a.example.com', 'b.example.com']}, old: `${K}: this Ingress owns no location on a.example.com, b.example.com (no paths there, only its spec.defaultBackend, or an older Ingress has them), so nginx redirects no twin of them, and neither does the conversion`},
  {code: 'auth-url-port', data: {key: K, service: 'team/auth', port: 81, ports: []}, old: `${K}: Service team/auth has no port 81 (it has none); extAuth will fail and Envoy answers 500 as nginx did`},
  {code: 'auth-url-port', data: {key: K, service: 'team/auth', port: 81, ports: [80, 443]}, old: `${K}: Service team/auth has no port 81 (it has 80, 443); extAuth will fail and Envoy answers 500 as nginx did`},
  {
    code: 'retry-default-conditions',
    data: {key: K, conditions: ['error', 'timeout', 'http_502'], conditionsFrom: 'configmap', nonIdempotentFromConfigMap: true, triggers: ['connect-failure', 'retriable-status-codes'], codes: [502]},
    old: 'retries on "error timeout http_502" (ConfigMap proxy-next-upstream) (non_idempotent from ConfigMap retry-non-idempotent), as proxy-next-upstream is not set on the Ingress -> retry on connect-failure, retriable-status-codes (502)',
  },
  {
    code: 'retry-default-conditions',
    data: {key: K, conditions: ['error', 'timeout'], conditionsFrom: 'nginx', nonIdempotentFromConfigMap: false, triggers: ['connect-failure', 'reset'], codes: []},
    old: 'retries on "error timeout" (nginx default), as proxy-next-upstream is not set on the Ingress -> retry on connect-failure, reset',
  },
  {code: 'annotation-not-read', data: {key: K, value: 'v', reason: 'R', stoppedBy: `${P}auth-url`}, old: `${K}: R; ${P}auth-url ended the parser before it, so it has no effect, and the conversion leaves it out`},
  {code: 'annotation-group-ignored', data: {key: K, value: 'v', group: 'ProxySSL', reason: 'R'}, old: `${K}: R; ingress-nginx ignores the whole backend TLS settings (proxy-ssl-*) of this Ingress because of it, and so does the conversion`},
  {code: 'annotation-group-ignored', data: {key: K, value: 'v', group: 'ExternalAuth', reason: 'R'}, old: `${K}: R; ingress-nginx ignores the whole external authentication (auth-url and every auth-* setting of it) of this Ingress because of it, so its paths are served without that authentication, and so does the conversion`},
]

test('renders print what the inline messages printed, for branches no golden covers', (t) => {
  for (const c of renderCases) t.is(CATALOGUE.get(c.code as never)!.render!(c.data as never), c.old, `${c.code} ${JSON.stringify(c.data)}`)
})

test('the default an invalid value falls back to is a value in data; where it comes from the ConfigMap is a field of its own', (t) => {
  const r = translateAll([controllerConfigMap({'proxy-read-timeout': '120'}), ingressWith({'proxy-read-timeout': 'soon'})])
  const d = diagnosticsFor(r, 'proxy-read-timeout')[0]!
  t.is(d.code, 'invalid-annotation-value')
  t.like(d.data, {key: `${P}proxy-read-timeout`, value: 'soon', default: '120', defaultFromConfigMap: 'proxy-read-timeout'})
  // The message is unchanged: it names where the default comes from.
  t.regex(d.message, /used the default \(120, from the controller ConfigMap's proxy-read-timeout\), and so does the conversion$/)
  const plain = diagnosticsFor(translateAll([ingressWith({'proxy-read-timeout': 'soon'})]), 'proxy-read-timeout')[0]!
  t.like(plain.data, {default: '60'})
  t.false('defaultFromConfigMap' in plain.data!)
})
