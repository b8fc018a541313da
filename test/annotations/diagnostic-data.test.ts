/**
 * Annotation diagnostics carry their facts as data (catalogue diagnostic()): a key's account (FamilyContext.account,
 * and the settlement of keys no family accounted) carries {key, value, note}, so CI tooling reads which annotation
 * and which value without parsing the sentence; the message is rendered from that data.
 */
import test from 'ava'
import {CATALOGUE} from '../../src/model/catalogue/index.js'
import {diagnosticsFor, ingressWith, P, translateAll} from './support.js'

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
