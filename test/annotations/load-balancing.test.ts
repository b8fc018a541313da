import test from 'ava'
import {hashSources} from '../../src/annotations/load-balancing.js'
import type {TranslateResult} from '../../src/model/types.js'
import {P, assertValid, diagnosticsFor, fidelityFor, fixture, translateAll, useValidator} from './support.js'

const {ingress, run} = fixture({name: 'shop', host: 'shop.example.com', port: 8080, pathType: 'ImplementationSpecific'})
const lb = (r: TranslateResult): Record<string, any> | undefined => r.objects.find((o) => o.kind === 'BackendTrafficPolicy')?.spec?.loadBalancer
useValidator()

test('affinity cookie alone: INGRESSCOOKIE as a session cookie (ttl 0s) on the Ingress path', (t) => {
  const r = run({affinity: 'cookie'})
  t.deepEqual(lb(r), {type: 'ConsistentHash', consistentHash: {type: 'Cookie', cookie: {name: 'INGRESSCOOKIE', ttl: '0s', attributes: {Path: '/'}}}})
  t.is(fidelityFor(r, 'affinity'), 'approximate')
  t.regex(diagnosticsFor(r, 'affinity')[0]!.message, /session cookie/)
  assertValid(t, r)
})

test('session-cookie-* attributes, max-age as ttl, Secure on an HTTPS-only Ingress', (t) => {
  const r = run(
    {
      affinity: 'cookie',
      'affinity-mode': 'balanced',
      'session-cookie-name': 'route',
      'session-cookie-path': '/shop',
      'session-cookie-domain': '.example.com',
      'session-cookie-max-age': '172800',
      'session-cookie-expires': '172800',
      'session-cookie-samesite': 'lax',
    },
    {ingress: {tls: true}},
  )
  t.deepEqual(lb(r)?.consistentHash?.cookie, {name: 'route', ttl: '48h', attributes: {Path: '/shop', Domain: '.example.com', SameSite: 'Lax', Secure: ''}})
  t.is(fidelityFor(r, 'affinity-mode'), 'exact')
  t.is(fidelityFor(r, 'session-cookie-max-age'), 'exact')
  t.is(fidelityFor(r, 'session-cookie-expires'), 'ignored')
  t.is(fidelityFor(r, 'session-cookie-path'), 'exact')
  const provenance = r.objects.find((o) => o.kind === 'BackendTrafficPolicy')!.metadata.annotations!['ingress2gw.io/annotations']!
  t.false(provenance.includes('session-cookie-expires'), 'max-age, not expires, set the ttl')
  t.true(provenance.includes('session-cookie-max-age'))
  assertValid(t, r)
})

test('without TLS the cookie is not Secure unless session-cookie-secure forces it', (t) => {
  t.deepEqual(lb(run({affinity: 'cookie'}))?.consistentHash?.cookie?.attributes, {Path: '/'})
  t.deepEqual(lb(run({affinity: 'cookie', 'session-cookie-secure': 'true'}))?.consistentHash?.cookie?.attributes, {Path: '/', Secure: ''})
  const mixed = run({affinity: 'cookie', 'ssl-redirect': 'false'}, {ingress: {tls: true}})
  t.deepEqual(lb(mixed)?.consistentHash?.cookie?.attributes, {Path: '/'})
  t.regex(diagnosticsFor(mixed, 'affinity')[0]!.message, /HTTPS requests only/)
})

test('several paths share one cookie path; regex paths, which broke nginx\'s cookie, get /', (t) => {
  const r = run({affinity: 'cookie'}, {ingress: {paths: ['/shop/cart', '/shop/pay']}})
  t.is(lb(r)?.consistentHash?.cookie?.attributes?.Path, '/shop')
  t.regex(diagnosticsFor(r, 'affinity')[0]!.message, /one cookie per matched path/)
  const regex = run({affinity: 'cookie', 'use-regex': 'true'}, {ingress: {paths: ['/api/v[0-9]+']}})
  t.is(lb(regex)?.consistentHash?.cookie?.attributes?.Path, '/')
  t.regex(diagnosticsFor(regex, 'affinity')[0]!.message, /session-cookie-path/)
})

test('persistent mode, canary stickiness, conditional SameSite and change-on-failure are approximate', (t) => {
  const r = run({
    affinity: 'cookie',
    'affinity-mode': 'persistent',
    'affinity-canary-behavior': 'sticky',
    'session-cookie-samesite': 'None',
    'session-cookie-conditional-samesite-none': 'true',
    'session-cookie-change-on-failure': 'true',
  })
  for (const key of ['affinity-mode', 'affinity-canary-behavior', 'session-cookie-conditional-samesite-none', 'session-cookie-change-on-failure']) {
    t.is(fidelityFor(r, key), 'approximate', key)
  }
  t.regex(diagnosticsFor(r, 'affinity-mode')[0]!.hint!, /sessionPersistence/)
  assertValid(t, r)
})

test('expires alone is the ttl; zero or negative lifetimes are reported', (t) => {
  t.is(lb(run({affinity: 'cookie', 'session-cookie-expires': '3600'}))?.consistentHash?.cookie?.ttl, '3600s')
  const zero = run({affinity: 'cookie', 'session-cookie-max-age': '0'})
  t.is(lb(zero)?.consistentHash?.cookie?.ttl, '0s')
  t.is(fidelityFor(zero, 'session-cookie-max-age'), 'approximate')
  const bad = run({affinity: 'cookie', 'session-cookie-max-age': '1h'})
  t.is(diagnosticsFor(bad, 'session-cookie-max-age')[0]?.code, 'invalid-annotation-value')
  t.is(lb(bad)?.consistentHash?.cookie?.ttl, '0s')
})

test('session-cookie-* without affinity has no effect; an invalid affinity type is ignored by nginx', (t) => {
  const r = run({'session-cookie-name': 'x', 'affinity-mode': 'persistent'})
  t.is(lb(r), undefined)
  t.is(fidelityFor(r, 'session-cookie-name'), 'ignored')
  t.is(fidelityFor(r, 'affinity-mode'), 'ignored')
  const header = run({affinity: 'header'})
  t.is(diagnosticsFor(header, 'affinity')[0]?.code, 'invalid-annotation-value')
  t.is(lb(header), undefined)
})

test('affinity wins over upstream-hash-by and load-balance, hash-by over load-balance', (t) => {
  const r = run({affinity: 'cookie', 'upstream-hash-by': '$remote_addr', 'load-balance': 'ewma'})
  t.is(lb(r)?.consistentHash?.type, 'Cookie')
  t.is(fidelityFor(r, 'upstream-hash-by'), 'ignored')
  t.is(fidelityFor(r, 'load-balance'), 'ignored')
  const h = run({'upstream-hash-by': '$remote_addr', 'load-balance': 'ewma'})
  t.deepEqual(lb(h), {type: 'ConsistentHash', consistentHash: {type: 'SourceIP'}})
  t.is(fidelityFor(h, 'upstream-hash-by'), 'exact')
  t.is(fidelityFor(h, 'load-balance'), 'ignored')
})

test('upstream-hash-by variables map to Headers, Cookie and QueryParams', (t) => {
  const header = run({'upstream-hash-by': '$http_x_user_id'})
  t.deepEqual(lb(header), {type: 'ConsistentHash', consistentHash: {type: 'Headers', headers: [{name: 'x-user-id'}]}})
  t.is(fidelityFor(header, 'upstream-hash-by'), 'approximate')
  t.regex(diagnosticsFor(header, 'upstream-hash-by')[0]!.hint!, /v1\.6/)
  assertValid(t, header)
  const cookie = run({'upstream-hash-by': '${cookie_session}'})
  t.deepEqual(lb(cookie), {type: 'ConsistentHash', consistentHash: {type: 'Cookie', cookie: {name: 'session'}}})
  assertValid(t, cookie)
  const arg = run({'upstream-hash-by': '$arg_tenant'})
  t.deepEqual(lb(arg), {type: 'ConsistentHash', consistentHash: {type: 'QueryParams', queryParams: [{name: 'tenant'}]}})
  assertValid(t, arg)
  const binary = run({'upstream-hash-by': '$binary_remote_addr'})
  t.deepEqual(lb(binary)?.consistentHash, {type: 'SourceIP'})
})

test('$request_uri, mixed inputs and constants have no equivalent: manual, nothing emitted', (t) => {
  for (const value of ['$request_uri', '$host', '$remote_addr$http_x_a', 'static']) {
    const r = run({'upstream-hash-by': value, 'upstream-hash-by-subset': 'true'})
    t.is(lb(r), undefined, value)
    t.is(fidelityFor(r, 'upstream-hash-by'), 'manual', value)
    t.truthy(diagnosticsFor(r, 'upstream-hash-by')[0]?.hint, value)
    t.is(fidelityFor(r, 'upstream-hash-by-subset'), 'ignored', value)
  }
  t.deepEqual(hashSources('${request_uri}-x'), {sources: [{kind: 'other', name: 'request_uri'}], literal: true})
})

test('an invalid upstream-hash-by or subset drops the Ingress, as ingress-nginx does', (t) => {
  for (const annotations of <Record<string, string>[]>[{'upstream-hash-by': '$request_uri?x'}, {'upstream-hash-by': '$remote_addr', 'upstream-hash-by-subset': 'yes'}, {'upstream-hash-by-subset-size': 'three'}]) {
    const r = run(annotations)
    t.is(r.ingresses[0]!.status, 'not-served', JSON.stringify(annotations))
    t.is(r.objects.filter((o) => o.kind === 'HTTPRoute' || o.kind === 'BackendTrafficPolicy').length, 0)
  }
})

test('hash subsets are approximate; subset-size without subset is ignored', (t) => {
  const r = run({'upstream-hash-by': '$remote_addr', 'upstream-hash-by-subset': 'true', 'upstream-hash-by-subset-size': '5'})
  t.is(fidelityFor(r, 'upstream-hash-by-subset'), 'approximate')
  t.regex(diagnosticsFor(r, 'upstream-hash-by-subset')[0]!.message, /subset of 5/)
  const size = run({'upstream-hash-by': '$remote_addr', 'upstream-hash-by-subset-size': '5'})
  t.is(fidelityFor(size, 'upstream-hash-by-subset-size'), 'ignored')
})

test('load-balance: round_robin exact, ewma approximate, internal balancer names manual, invalid drops', (t) => {
  const rr = run({'load-balance': 'round_robin'})
  t.deepEqual(lb(rr), {type: 'RoundRobin'})
  t.is(fidelityFor(rr, 'load-balance'), 'exact')
  const ewma = run({'load-balance': 'ewma'})
  t.deepEqual(lb(ewma), {type: 'LeastRequest'})
  t.is(fidelityFor(ewma, 'load-balance'), 'approximate')
  const chash = run({'load-balance': 'chash'})
  t.is(lb(chash), undefined)
  t.is(fidelityFor(chash, 'load-balance'), 'manual')
  const bad = run({'load-balance': 'least_conn'})
  t.is(bad.ingresses[0]!.status, 'not-served')
  assertValid(t, ewma)
})

test('service-upstream routes to the ClusterIP (routingType Service); balancing keys then have no effect', (t) => {
  const r = run({'service-upstream': 'true', affinity: 'cookie', 'load-balance': 'ewma'})
  const spec = r.objects.find((o) => o.kind === 'BackendTrafficPolicy')!.spec
  t.is(spec.routingType, 'Service')
  t.is(spec.loadBalancer, undefined)
  t.is(fidelityFor(r, 'service-upstream'), 'exact')
  t.is(fidelityFor(r, 'affinity'), 'ignored')
  assertValid(t, r)
  const off = run({'service-upstream': 'false'})
  t.is(off.objects.find((o) => o.kind === 'BackendTrafficPolicy'), undefined)
})

test('service-upstream empty or invalid is false, not the ConfigMap\'s service-upstream (serviceupstream/main.go Parse: only a missing key falls back)', (t) => {
  const configMap = {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'ingress-nginx-controller', namespace: 'ingress-nginx'}, data: {'service-upstream': 'true'}}
  const routing = (annotations: Record<string, string>) =>
    translateAll([ingress(annotations), configMap]).objects.find((o) => o.kind === 'BackendTrafficPolicy')?.spec?.routingType
  t.is(routing({}), 'Service', 'no annotation: the ConfigMap decides')
  t.is(routing({'service-upstream': ''}), undefined, 'empty: GetBoolAnnotation returns false with InvalidContent, and Parse returns that false')
  t.is(routing({'service-upstream': 'yes'}), undefined, 'invalid: the ValidationError is swallowed the same way')
  t.is(routing({'service-upstream': 'false'}), undefined)
})

test('a canary Ingress\'s balancing settings are reported: the primary\'s policy covers both backends', (t) => {
  const primary = ingress({affinity: 'cookie'}, {name: 'shop'})
  const canary = ingress({canary: 'true', 'canary-weight': '20', affinity: 'cookie', 'load-balance': 'ewma'}, {name: 'shop-canary'})
  const r = translateAll([primary, canary])
  t.deepEqual(r.objects.filter((o) => o.kind === 'BackendTrafficPolicy').map((o) => o.metadata.name), ['shop'])
  const report = r.ingresses.find((i) => i.ingress === 'team/shop-canary')!
  t.is(report.annotations[P + 'affinity'], 'approximate')
  t.is(report.annotations[P + 'load-balance'], 'approximate')
})
