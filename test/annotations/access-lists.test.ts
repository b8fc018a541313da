import test from 'ava'
import {normalizeSourceRange, parseSourceRanges} from '../../src/annotations/access-lists.js'
import {P, diagnosticsFor, fidelityFor, fixture, policyOf, useValidator, validate, assertDenied} from './support.js'

const {run} = fixture({name: 'admin', namespace: 'ops', host: 'admin.example.com'})
useValidator()

test('whitelist (alias) + denylist -> Deny rule first, Allow rule, defaultAction Deny; bare IPs become /32 and /128', (t) => {
  const r = run({'whitelist-source-range': '10.0.0.0/8, 192.168.1.7,2001:DB8::1', 'denylist-source-range': '10.1.2.3/16'})
  const sp = policyOf(r, 'SecurityPolicy')!
  t.deepEqual(sp.spec.authorization, {
    defaultAction: 'Deny',
    rules: [
      {name: 'denylist-source-range', action: 'Deny', principal: {clientCIDRs: ['10.1.0.0/16']}},
      {name: 'allowlist-source-range', action: 'Allow', principal: {clientCIDRs: ['10.0.0.0/8', '192.168.1.7/32', '2001:db8::1/128']}},
    ],
  })
  t.deepEqual(sp.spec.targetRefs, [{group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'admin'}])
  t.deepEqual(validate(sp), [])
  t.is(sp.metadata.annotations!['ingress2gw.io/annotations'], `${P}denylist-source-range,${P}whitelist-source-range`)
})

test('the lists are exact given the client IP mode, and the message says which one', (t) => {
  const auto = run({'allowlist-source-range': '10.0.0.0/8'})
  t.is(fidelityFor(auto, 'allowlist-source-range'), 'exact')
  const [d] = diagnosticsFor(auto, 'allowlist-source-range')
  t.is(d?.level, 'info')
  t.is(d?.code, 'source-range-client-ip')
  t.regex(d!.message, /clientIPDetection.*--client-ip/)
  const xff = run({'allowlist-source-range': '10.0.0.0/8'}, {translate: {clientIp: {xffHops: 2}}})
  t.regex(diagnosticsFor(xff, 'allowlist-source-range')[0]!.message, /--client-ip xff:2/)
  const pp = run({'denylist-source-range': '10.0.0.0/8'}, {translate: {clientIp: 'proxy-protocol'}})
  t.regex(diagnosticsFor(pp, 'denylist-source-range')[0]!.message, /--client-ip proxy-protocol/)
})

test('a deny-list alone lets everyone else in (defaultAction Allow)', (t) => {
  const r = run({'denylist-source-range': '203.0.113.0/24'})
  t.deepEqual(policyOf(r, 'SecurityPolicy')!.spec.authorization, {
    defaultAction: 'Allow',
    rules: [{name: 'denylist-source-range', action: 'Deny', principal: {clientCIDRs: ['203.0.113.0/24']}}],
  })
  t.deepEqual(validate(policyOf(r, 'SecurityPolicy')), [])
})

test('an invalid or empty entry makes nginx answer 503 on every path (ipallowlist.Parse LocationDenied): so does the route', (t) => {
  for (const value of ['10.0.0.0/8, 300.1.1.1', '10.0.0.0/8,', '', 'office', '10.0.0.0/33', '010.0.0.1']) {
    const r = run({'allowlist-source-range': value})
    assertDenied(t, r, value)
    const [d] = diagnosticsFor(r, 'allowlist-source-range')
    t.is(d?.code, 'locations-denied', value)
    t.like(d!.data, {key: `${P}allowlist-source-range`, value, status: 503}, value)
  }
  const deny = run({'denylist-source-range': '1.2.3.4/24, bad'})
  assertDenied(t, deny)
  t.regex(diagnosticsFor(deny, 'denylist-source-range')[0]!.message, /"bad" is not an IP address or CIDR/)
  // validators.go checkAnnotation reads whitelist-source-range only when it is not empty: alone and empty, it is
  // never read, and allowlist-source-range (absent) keeps its default.
  const alias = run({'whitelist-source-range': ''})
  t.is(alias.ingresses[0]!.status, 'converted')
  t.is(policyOf(alias, 'SecurityPolicy'), undefined)
})

test('source ranges are normalised the way Go parses them', (t) => {
  t.is(normalizeSourceRange('10.1.2.3/8'), '10.0.0.0/8')
  t.is(normalizeSourceRange(' 10.0.0.1 '), '10.0.0.1/32')
  t.is(normalizeSourceRange('0.0.0.0/0'), '0.0.0.0/0')
  t.is(normalizeSourceRange('::/0'), '::/0')
  t.is(normalizeSourceRange('2001:0db8:0000:0000:0000:0000:0000:0001'), '2001:db8::1/128')
  t.is(normalizeSourceRange('2001:db8:0:0:1:0:0:1'), '2001:db8::1:0:0:1/128')
  t.is(normalizeSourceRange('1:0:0:0:0:0:0:8'), '1::8/128')
  t.is(normalizeSourceRange('2001:db8::ffff/64'), '2001:db8::/64')
  t.is(normalizeSourceRange('::ffff:192.0.2.1'), '192.0.2.1/32')
  t.is(normalizeSourceRange('fe80::1%eth0'), undefined)
  t.is(normalizeSourceRange('1.2.3'), undefined)
  t.is(normalizeSourceRange('1.2.3.4/'), undefined)
  t.is(normalizeSourceRange('2001:db8::1::2'), undefined)
  t.is(normalizeSourceRange('2001:db8::/129'), undefined)
  t.deepEqual(parseSourceRanges('10.0.0.0/8, 10.0.0.0/8 ,10.9.9.9/8'), {ok: true, value: ['10.0.0.0/8']})
})

test('satisfy any with basic auth: only the authentication is emitted, the allow-list needs a person', (t) => {
  const r = run({
    'allowlist-source-range': '10.0.0.0/8',
    'denylist-source-range': '10.6.6.6',
    'satisfy': 'any',
    'auth-type': 'basic',
    'auth-secret': 'admins',
  })
  const sp = policyOf(r, 'SecurityPolicy')!
  t.is(sp.spec.authorization, undefined)
  t.deepEqual(sp.spec.basicAuth, {users: {name: 'admins-basic-auth'}})
  t.is(fidelityFor(r, 'allowlist-source-range'), 'manual')
  t.is(fidelityFor(r, 'satisfy'), 'manual')
  t.is(fidelityFor(r, 'denylist-source-range'), 'ignored')
  const [d] = diagnosticsFor(r, 'allowlist-source-range')
  t.is(d?.code, 'satisfy-any')
  t.regex(d!.message, /must now authenticate too/)
  t.truthy(d?.hint)
  t.deepEqual(validate(sp), [])
})

test('satisfy any without authentication changes nothing; satisfy all is exact; an invalid satisfy is all', (t) => {
  const any = run({'allowlist-source-range': '10.0.0.0/8', 'satisfy': 'any'})
  t.is(fidelityFor(any, 'satisfy'), 'ignored')
  t.truthy(policyOf(any, 'SecurityPolicy')!.spec.authorization)
  const all = run({'allowlist-source-range': '10.0.0.0/8', 'satisfy': 'all'})
  t.is(fidelityFor(all, 'satisfy'), 'exact')
  const bad = run({'allowlist-source-range': '10.0.0.0/8', 'satisfy': 'either'})
  t.is(diagnosticsFor(bad, 'satisfy')[0]?.code, 'invalid-annotation-value')
  t.truthy(policyOf(bad, 'SecurityPolicy')!.spec.authorization)
})

test('with external auth the order differs: Envoy authenticates before checking the address', (t) => {
  const r = run({'allowlist-source-range': '10.0.0.0/8', 'auth-url': 'http://auth.ops.svc.cluster.local/check'})
  const sp = policyOf(r, 'SecurityPolicy')!
  t.truthy(sp.spec.authorization)
  t.truthy(sp.spec.extAuth)
  t.is(fidelityFor(r, 'allowlist-source-range'), 'approximate')
  const [d] = diagnosticsFor(r, 'allowlist-source-range')
  t.is(d?.code, 'source-range-after-auth')
  t.regex(d!.message, /instead of 403/)
  t.deepEqual(validate(sp), [])
})

test('the canonical key wins over the alias, as in ingress-nginx', (t) => {
  const r = run({'allowlist-source-range': '10.0.0.0/8', 'whitelist-source-range': '192.168.0.0/16'})
  t.deepEqual(policyOf(r, 'SecurityPolicy')!.spec.authorization.rules[0].principal.clientCIDRs, ['10.0.0.0/8'])
  t.is(fidelityFor(r, 'whitelist-source-range'), 'ignored')
})
