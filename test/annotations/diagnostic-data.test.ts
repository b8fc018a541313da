/**
 * Annotation diagnostics carry their facts as data (catalogue diagnostic()): a key's account (FamilyContext.account,
 * and the settlement of keys no family accounted) carries {key, value, note}, so CI tooling reads which annotation
 * and which value without parsing the sentence; the message is rendered from that data.
 */
import test from 'ava'
import {CATALOGUE} from '../../src/model/catalogue/index.js'
import {controllerConfigMap, diagnosticsFor, ingressWith, P, translateAll} from './support.js'
import type {TranslateOptions} from '../../src/model/types.js'

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
