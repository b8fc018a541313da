import test from 'ava'
import {minimalRanges} from '../../src/annotations/rate-limit.js'
import type {TranslateResult} from '../../src/model/types.js'
import {P, assertValid, btp, configMap, diagnosticsFor, fidelityFor, fixture, translateAll, useValidator} from './support.js'

const {ingress, run} = fixture({name: 'api', host: 'api.example.com', port: 8080})
const rateLimit = (r: TranslateResult): Record<string, any> | undefined => r.objects.find((o) => o.kind === 'BackendTrafficPolicy')?.spec?.rateLimit
useValidator()

const perIp = (unit: string, requests: number) => [
  {clientSelectors: [{sourceCIDR: {type: 'Distinct', value: '0.0.0.0/0'}}], limit: {requests, unit}},
  {clientSelectors: [{sourceCIDR: {type: 'Distinct', value: '::/0'}}], limit: {requests, unit}},
]

test('limit-rps: a local limit per client IP, IPv4 and IPv6, with type Local for older Envoy Gateway', (t) => {
  const r = run({'limit-rps': '10'})
  t.deepEqual(rateLimit(r), {type: 'Local', local: {rules: perIp('Second', 10)}})
  t.is(fidelityFor(r, 'limit-rps'), 'approximate')
  const message = diagnosticsFor(r, 'limit-rps')[0]!.message
  t.regex(message, /burst to 50 requests/)
  t.regex(message, /429 instead of nginx's 503/)
  assertValid(t, r)
})

test('limit-rps and limit-rpm both apply: two sets of rules, neither dropped', (t) => {
  const r = run({'limit-rps': '5', 'limit-rpm': '100'})
  t.deepEqual(rateLimit(r)?.local?.rules, [...perIp('Second', 5), ...perIp('Minute', 100)])
  t.is(fidelityFor(r, 'limit-rps'), 'approximate')
  t.is(fidelityFor(r, 'limit-rpm'), 'approximate')
  t.regex(diagnosticsFor(r, 'limit-rpm')[0]!.message, /both apply/)
  t.regex(diagnosticsFor(r, 'limit-rpm')[0]!.hint!, /v1\.8/)
  assertValid(t, r)
})

test('limit-whitelist exempts one range: every rule counts only clients outside it', (t) => {
  const r = run({'limit-rps': '5', 'limit-rpm': '100', 'limit-whitelist': '10.0.0.0/8, 10.20.30.40'})
  const selector = [{sourceCIDR: {type: 'Distinct', value: '10.0.0.0/8', invert: true}}]
  t.deepEqual(rateLimit(r)?.local?.rules, [
    {clientSelectors: selector, limit: {requests: 5, unit: 'Second'}},
    {clientSelectors: selector, limit: {requests: 100, unit: 'Minute'}},
  ])
  t.is(fidelityFor(r, 'limit-whitelist'), 'exact')
  t.regex(diagnosticsFor(r, 'limit-whitelist')[0]!.message, /10\.20\.30\.40\/32 lies inside it/)
  t.true(r.objects.find((o) => o.kind === 'BackendTrafficPolicy')!.metadata.annotations!['ingress2gw.io/annotations']!.includes(P + 'limit-whitelist'))
  assertValid(t, r)
  const allowlist = run({'limit-rpm': '60', 'limit-allowlist': '2001:db8::/32'})
  t.deepEqual(rateLimit(allowlist)?.local?.rules, [{clientSelectors: [{sourceCIDR: {type: 'Distinct', value: '2001:db8::/32', invert: true}}], limit: {requests: 60, unit: 'Minute'}}])
})

test('several allowlisted ranges cannot be exempted in Envoy Gateway: manual, never silently dropped', (t) => {
  const r = run({'limit-rps': '5', 'limit-whitelist': '10.0.0.0/8,192.168.0.0/16'})
  t.deepEqual(rateLimit(r)?.local?.rules, perIp('Second', 5))
  t.is(fidelityFor(r, 'limit-whitelist'), 'manual')
  const [d] = diagnosticsFor(r, 'limit-whitelist')
  t.regex(d!.message, /10\.0\.0\.0\/8, 192\.168\.0\.0\/16/)
  t.truthy(d!.hint)
})

test('contained ranges reduce to one', (t) => {
  t.deepEqual(minimalRanges(['10.0.0.0/8', '10.1.0.0/16', '10.2.3.4/32']), ['10.0.0.0/8'])
  t.deepEqual(minimalRanges(['2001:db8::/32', '2001:db8:1::/48', '2001:db9::/32']), ['2001:db8::/32', '2001:db9::/32'])
  t.deepEqual(minimalRanges(['10.0.0.0/8', '::/0']), ['10.0.0.0/8', '::/0'])
})

test('0 disables a limit; the allowlist and the multiplier then have nothing to act on', (t) => {
  const r = run({'limit-rps': '0', 'limit-rpm': '0', 'limit-whitelist': '10.0.0.0/8', 'limit-burst-multiplier': '2'})
  t.is(rateLimit(r), undefined)
  t.is(fidelityFor(r, 'limit-rps'), 'exact')
  t.is(fidelityFor(r, 'limit-whitelist'), 'ignored')
  t.is(fidelityFor(r, 'limit-burst-multiplier'), 'ignored')
})

test('invalid rate limit values drop the whole Ingress, as ingress-nginx does', (t) => {
  for (const annotations of <Record<string, string>[]>[{'limit-rps': '10r/s'}, {'limit-rpm': '1.5'}, {'limit-rps': '5', 'limit-whitelist': '10.0.0.0/33'}, {'limit-connections': 'ten'}]) {
    const r = run(annotations)
    t.is(r.ingresses[0]!.status, 'not-served', JSON.stringify(annotations))
    t.is(r.diagnostics.find((d) => d.code === 'ingress-not-served')?.level, 'error')
    t.deepEqual(r.objects.filter((o) => o.kind === 'HTTPRoute' || o.kind === 'BackendTrafficPolicy'), [])
  }
})

test('an invalid burst multiplier or limit-rate falls back to the default', (t) => {
  const r = run({'limit-rps': '10', 'limit-burst-multiplier': 'x', 'limit-rate': 'fast'})
  t.is(r.ingresses[0]!.status, 'converted')
  t.regex(diagnosticsFor(r, 'limit-rps')[0]!.message, /burst to 50/)
  t.is(diagnosticsFor(r, 'limit-rate')[0]?.code, 'invalid-annotation-value')
})

test('limit-connections, limit-rate and limit-rate-after are manual with a hint', (t) => {
  const r = run({'limit-connections': '20', 'limit-rate': '512', 'limit-rate-after': '1024'})
  t.is(rateLimit(r), undefined)
  for (const key of ['limit-connections', 'limit-rate', 'limit-rate-after']) {
    t.is(fidelityFor(r, key), 'manual', key)
    t.truthy(diagnosticsFor(r, key)[0]?.hint, key)
  }
  t.regex(diagnosticsFor(r, 'limit-rate')[0]!.hint!, /bandwidthLimit/)
  t.regex(diagnosticsFor(r, 'limit-connections')[0]!.message, /per client IP/)
  const after = run({'limit-rate-after': '1024'})
  t.is(fidelityFor(after, 'limit-rate-after'), 'ignored')
})

test('a canary Ingress is limited by its primary\'s policy only', (t) => {
  const primary = ingress({'limit-rps': '10'})
  const canary = ingress({canary: 'true', 'canary-weight': '10', 'limit-rps': '1'}, {name: 'api-canary'})
  const r = translateAll([primary, canary])
  const policies = r.objects.filter((o) => o.kind === 'BackendTrafficPolicy')
  t.deepEqual(policies.map((p) => p.spec.rateLimit.local.rules[0].limit.requests), [10])
})

/** nginx.tmpl: `map $allowlist_<id> $limit_<id> { 0 <limit-conn-zone-variable>; 1 ""; }` keys every limit_req zone. */
test('limit-conn-zone-variable keys the rate limits: per API key header, per query parameter, or reported', (t) => {
  const cm = (variable: string, extra: Record<string, string> = {}) => configMap('ingress-nginx', 'ingress-nginx-controller', {'limit-conn-zone-variable': variable, ...extra})
  const byHeader = run({'limit-rps': '10'}, {extra: [cm('$http_x_api_key', {'limit-req-status-code': '429'})]})
  t.deepEqual(btp(byHeader)?.rateLimit, {type: 'Local', local: {rules: [{clientSelectors: [{headers: [{name: 'x-api-key', type: 'Distinct'}]}], limit: {requests: 10, unit: 'Second'}}]}})
  const message = diagnosticsFor(byHeader, 'limit-rps')[0]!.message
  t.regex(message, /each value of request header x-api-key \(requests without it are not limited, as nginx did not count an empty key\) \(ConfigMap limit-conn-zone-variable \$http_x_api_key\)/)
  t.regex(message, /refused requests get 429, as nginx's limit-req-status-code 429/)
  assertValid(t, byHeader)

  // The allowlist still maps to the empty key: clients inside it are not counted, whatever the header says.
  const allowlisted = run({'limit-rpm': '600', 'limit-allowlist': '10.0.0.0/8'}, {extra: [cm('${http_x_api_key}')]})
  t.deepEqual(btp(allowlisted)?.rateLimit.local.rules, [
    {clientSelectors: [{headers: [{name: 'x-api-key', type: 'Distinct'}], sourceCIDR: {type: 'Exact', value: '10.0.0.0/8', invert: true}}], limit: {requests: 600, unit: 'Minute'}},
  ])
  assertValid(t, allowlisted)

  const byArg = run({'limit-rps': '3'}, {extra: [cm('$arg_token')]})
  t.deepEqual(btp(byArg)?.rateLimit.local.rules[0].clientSelectors, [{queryParams: [{name: 'token', type: 'Distinct'}]}])

  const byCookie = run({'limit-rps': '3', 'limit-burst-multiplier': '2'}, {extra: [cm('$cookie_session')]})
  t.is(btp(byCookie), undefined, 'no limit counted per the wrong key')
  t.is(fidelityFor(byCookie, 'limit-rps'), 'manual')
  t.regex(diagnosticsFor(byCookie, 'limit-rps')[0]!.message, /per cookie value/)
  t.is(fidelityFor(byCookie, 'limit-burst-multiplier'), 'ignored')

  const byIp = run({'limit-rps': '3'}, {extra: [cm('$binary_remote_addr')]})
  t.is(btp(byIp)?.rateLimit.local.rules.length, 2, 'the default key: per client IP, IPv4 and IPv6')
  t.regex(diagnosticsFor(byIp, 'limit-rps')[0]!.message, /instead of nginx's 503/)
})

/**
 * A constant limit-conn-zone-variable is one count for every client. Envoy Gateway v1.9 refuses a local rate limit with
 * more than one rule without clientSelectors (internal/gatewayapi/backendtrafficpolicy.go buildLocalRateLimit), and a
 * policy it refuses answers 500 on every route it targets (translateBackendTrafficPolicyForRoute: DirectResponse 500).
 * A rule with selectors does not consume the selector-less default bucket (xds local_ratelimit.go
 * AlwaysConsumeDefaultTokenBucket false), so with two limits both need a selector that every request matches.
 */
test('a constant key with limit-rps and limit-rpm: two shared counts, never two rules without selectors', (t) => {
  const cm = configMap('ingress-nginx', 'ingress-nginx-controller', {'limit-conn-zone-variable': 'global'})
  const both = run({'limit-rps': '20', 'limit-rpm': '600'}, {extra: [cm]})
  const rules = btp(both)?.rateLimit.local.rules
  t.is(rules.filter((r: any) => r.clientSelectors === undefined).length, 0)
  t.deepEqual(rules, [
    {clientSelectors: [{path: {type: 'PathPrefix', value: '/'}}], limit: {requests: 20, unit: 'Second'}},
    {clientSelectors: [{path: {type: 'PathPrefix', value: '/'}}], limit: {requests: 600, unit: 'Minute'}},
  ])
  t.regex(diagnosticsFor(both, 'limit-rps')[0]!.message, /all clients together/)
  assertValid(t, both)

  const one = run({'limit-rps': '20'}, {extra: [cm]})
  t.deepEqual(btp(one)?.rateLimit.local.rules, [{limit: {requests: 20, unit: 'Second'}}], 'one limit: the route\'s default bucket')
})
