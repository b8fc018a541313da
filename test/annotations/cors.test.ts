import test from 'ava'
import {parseCorsOrigins} from '../../src/annotations/cors.js'
import type {TranslateResult} from '../../src/model/types.js'
import {P, assertValid, diagnosticsFor, fidelityFor, fixture, policyOf, translateAll, useValidator} from './support.js'

const DEFAULT_METHODS = ['GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'OPTIONS']
const DEFAULT_HEADERS = ['DNT', 'Keep-Alive', 'User-Agent', 'X-Requested-With', 'If-Modified-Since', 'Cache-Control', 'Content-Type', 'Range', 'Authorization']

const {ingress, run} = fixture({name: 'api', namespace: 'shop', host: 'api.example.com', port: 8080})
const cors = (r: TranslateResult): Record<string, any> | undefined => policyOf(r, 'SecurityPolicy')?.spec?.cors
useValidator()

test('enable-cors alone applies every ingress-nginx default (max-age 1728000 s -> 480h)', (t) => {
  const r = run({'enable-cors': 'true'})
  t.deepEqual(cors(r), {
    allowOrigins: ['*'],
    allowMethods: DEFAULT_METHODS,
    allowHeaders: DEFAULT_HEADERS,
    maxAge: '480h',
    // nginx's default credentials "true" with "*": browsers refused it, so false keeps their behaviour.
    allowCredentials: false,
  })
  const sp = r.objects.find((o) => o.kind === 'SecurityPolicy')!
  t.deepEqual(sp.spec.targetRefs, [{group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'api'}])
  assertValid(t, r)
})

test('origin * with the default credentials is approximate: OPTIONS handling named, credentials kept off as browsers did', (t) => {
  const r = run({'enable-cors': 'true'})
  t.is(fidelityFor(r, 'enable-cors'), 'approximate')
  const [d] = diagnosticsFor(r, 'enable-cors')
  t.is(d?.code, 'cors-approximate')
  t.is(d?.level, 'warning')
  t.regex(d!.message, /every OPTIONS request itself \(204\), even without an Origin header/)
  t.regex(d!.message, /allowCredentials is emitted false/)
  t.is(cors(r)?.allowCredentials, false)
})

test('origin * without credentials still names the OPTIONS difference, not the credentials one', (t) => {
  const r = run({'enable-cors': 'true', 'cors-allow-credentials': 'false'})
  t.is(cors(r)?.allowCredentials, false)
  const [d] = diagnosticsFor(r, 'enable-cors')
  t.regex(d!.message, /OPTIONS/)
  t.notRegex(d!.message, /credentials/i)
  t.is(fidelityFor(r, 'cors-allow-credentials'), 'exact')
})

test('a custom origin list with credentials false converts exactly (origins lower-cased as browsers send them)', (t) => {
  const r = run({
    'enable-cors': 'true',
    'cors-allow-origin': 'https://App.Example.com, http://localhost:3000,https://admin.example.com',
    'cors-allow-methods': 'GET, POST,OPTIONS',
    'cors-allow-headers': 'Content-Type, X-Api-Key',
    'cors-expose-headers': 'X-Request-Id, Content-Length',
    'cors-allow-credentials': 'false',
    'cors-max-age': '600',
  })
  t.deepEqual(cors(r), {
    allowOrigins: ['https://app.example.com', 'http://localhost:3000', 'https://admin.example.com'],
    allowMethods: ['GET', 'POST', 'OPTIONS'],
    allowHeaders: ['Content-Type', 'X-Api-Key'],
    exposeHeaders: ['X-Request-Id', 'Content-Length'],
    maxAge: '600s',
    allowCredentials: false,
  })
  for (const key of ['enable-cors', 'cors-allow-origin', 'cors-allow-methods', 'cors-allow-headers', 'cors-expose-headers', 'cors-allow-credentials', 'cors-max-age']) {
    t.is(fidelityFor(r, key), 'exact', key)
  }
  t.deepEqual(r.diagnostics.filter((d) => d.annotation?.startsWith(P)), [])
  assertValid(t, r)
})

test('cors-* keys without enable-cors do nothing and are reported as ignored', (t) => {
  const r = run({'cors-allow-origin': 'https://a.example.com', 'cors-max-age': '60'})
  t.is(cors(r), undefined)
  for (const key of ['cors-allow-origin', 'cors-max-age']) {
    t.is(fidelityFor(r, key), 'ignored', key)
    t.is(diagnosticsFor(r, key)[0]?.code, 'cors-not-enabled')
  }
  const off = run({'enable-cors': 'false', 'cors-allow-origin': 'https://a.example.com'})
  t.is(cors(off), undefined)
  t.is(fidelityFor(off, 'enable-cors'), 'exact')
})

test('an invalid enable-cors falls back to false, as ingress-nginx does', (t) => {
  const r = run({'enable-cors': 'yes', 'cors-allow-origin': 'https://a.example.com'})
  t.is(cors(r), undefined)
  const [d] = diagnosticsFor(r, 'enable-cors')
  t.is(d?.code, 'invalid-annotation-value')
  t.is(d?.level, 'error')
  t.regex(d!.message, /used the default \(false\)/)
})

test('an origin list nginx rejects as a whole (a path) falls back to *', (t) => {
  const r = run({'enable-cors': 'true', 'cors-allow-origin': 'https://app.example.com/'})
  t.deepEqual(cors(r)?.allowOrigins, ['*'])
  const [d] = diagnosticsFor(r, 'cors-allow-origin')
  t.is(d?.code, 'invalid-annotation-value')
  t.regex(d!.message, /used the default \(\*\)/)
  t.false(parseCorsOrigins('HTTPS://app.example.com').ok, 'the scheme must be lower case')
  // Go's validator accepts `*` only as the whole value, so a list containing it is invalid: the default is * anyway.
  t.false(parseCorsOrigins('https://a.com,*').ok)
  t.deepEqual(parseCorsOrigins('*'), {ok: true, value: {origins: ['*'], skipped: []}})
  t.deepEqual(parseCorsOrigins('https://a.com, https://*.b.com:8443,null'), {ok: true, value: {origins: ['https://a.com', 'https://*.b.com:8443', 'null'], skipped: []}})
})

test('"null" is accepted by nginx but not by Envoy Gateway: left out, named, approximate', (t) => {
  const r = run({'enable-cors': 'true', 'cors-allow-origin': 'https://app.example.com, null', 'cors-allow-credentials': 'false'})
  t.deepEqual(cors(r)?.allowOrigins, ['https://app.example.com'])
  t.is(fidelityFor(r, 'enable-cors'), 'approximate')
  t.regex(diagnosticsFor(r, 'enable-cors')[0]!.message, /"null" is not an origin Envoy Gateway accepts/)
  assertValid(t, r)

  const only = run({'enable-cors': 'true', 'cors-allow-origin': 'null'})
  t.is(cors(only), undefined)
  t.is(fidelityFor(only, 'cors-allow-origin'), 'manual')
  t.truthy(diagnosticsFor(only, 'cors-allow-origin')[0]?.hint)
})

test('a one-label wildcard origin is kept, with the label-depth difference named', (t) => {
  const r = run({'enable-cors': 'true', 'cors-allow-origin': 'https://*.example.com', 'cors-allow-credentials': 'false'})
  t.deepEqual(cors(r)?.allowOrigins, ['https://*.example.com'])
  t.is(fidelityFor(r, 'cors-allow-origin'), 'approximate')
  t.regex(diagnosticsFor(r, 'enable-cors')[0]!.message, /exactly one label/)
  assertValid(t, r)
})

test('entries without a scheme are skipped as nginx skips them', (t) => {
  const r = run({'enable-cors': 'true', 'cors-allow-origin': 'example.com, https://ok.example.com', 'cors-allow-credentials': 'false'})
  t.deepEqual(cors(r)?.allowOrigins, ['https://ok.example.com'])
  t.is(r.diagnostics.find((d) => d.code === 'cors-origin-skipped')?.level, 'warning')
  const none = run({'enable-cors': 'true', 'cors-allow-origin': 'example.com'})
  t.is(cors(none), undefined, 'no origin left: nginx never adds CORS headers')
})

test('invalid methods, headers and max-age fall back to the defaults; expose-headers to none', (t) => {
  const r = run({
    'enable-cors': 'true',
    'cors-allow-origin': 'https://a.example.com',
    'cors-allow-methods': 'GET;POST',
    'cors-allow-headers': 'X-Ok, X-Bad$',
    'cors-expose-headers': 'X-Ok, X/Bad',
    'cors-max-age': '10m',
  })
  const c = cors(r)!
  t.deepEqual(c.allowMethods, DEFAULT_METHODS)
  t.deepEqual(c.allowHeaders, DEFAULT_HEADERS)
  t.is(c.exposeHeaders, undefined)
  t.is(c.maxAge, '480h')
  for (const key of ['cors-allow-methods', 'cors-allow-headers', 'cors-expose-headers', 'cors-max-age']) {
    t.is(diagnosticsFor(r, key)[0]?.code, 'invalid-annotation-value', key)
  }
  assertValid(t, r)
})

test('max-age is always a valid Gateway duration', (t) => {
  const big = run({'enable-cors': 'true', 'cors-allow-origin': 'https://a.example.com', 'cors-max-age': '100000'})
  t.is(cors(big)?.maxAge, '27h46m40s')
  const negative = run({'enable-cors': 'true', 'cors-allow-origin': 'https://a.example.com', 'cors-max-age': '-1'})
  t.is(cors(negative)?.maxAge, '0s')
  t.is(fidelityFor(negative, 'cors-max-age'), 'approximate')
  assertValid(t, big)
  assertValid(t, negative)
})

test('expose-headers accepts *', (t) => {
  const r = run({'enable-cors': 'true', 'cors-allow-origin': 'https://a.example.com', 'cors-expose-headers': '*'})
  t.deepEqual(cors(r)?.exposeHeaders, ['*'])
})

test('a canary Ingress gets no CORS of its own', (t) => {
  const primary = ingress({})
  const canary = ingress({canary: 'true', 'canary-weight': '10', 'enable-cors': 'true'}, {name: 'api-canary', service: 'api-v2'})
  const r = translateAll([primary, canary])
  t.false(r.objects.some((o) => o.kind === 'SecurityPolicy'))
})

test('the origin validator runs in linear time on hostile input', (t) => {
  const started = Date.now()
  t.false(parseCorsOrigins(`${'a.'.repeat(20000)}a:1${'0'.repeat(20000)}/`).ok)
  t.false(parseCorsOrigins(`https://${'a-'.repeat(30000)}!`).ok)
  t.true(Date.now() - started < 1000)
})
