/**
 * Upstream-level settings follow the Service:port, not the Ingress (issue 20 item 5, issue 14 item 3). Expected values
 * are read from ingress-nginx v1.15.1 internal/ingress/controller/controller.go:
 * - createUpstreams: the first Ingress (nginx order: oldest first) whose rule uses a Service:port creates the upstream
 *   with its upstream-hash-by, load-balance and service-upstream; a later Ingress's spec.defaultBackend recreates it;
 * - getBackendServers: the first affinity makes the upstream sticky, every Ingress with affinity cookie overwrites the
 *   cookie settings (the last one wins), and only the paths of Ingresses with affinity set the cookie
 *   (rootfs/etc/nginx/lua/balancer/sticky.lua should_set_cookie).
 */
import test from 'ava'
import type {KubeObject, TranslateResult} from '../src/model/types.js'
import {P, assertValid, configMap, diagnosticsFor, fidelityOf, ingressWith, service, translateAll, useValidator} from './annotations/support.js'

useValidator()

const policies = (r: TranslateResult) => r.objects.filter((o) => o.kind === 'BackendTrafficPolicy')
const policy = (r: TranslateResult, name: string) => policies(r).find((o) => o.metadata.name === name)
const lbOf = (r: TranslateResult, name: string) => policy(r, name)?.spec?.loadBalancer
const at = (day: number) => `2024-01-0${day}T00:00:00Z`

test('the oldest Ingress using a Service:port decides its hash for every route to it', (t) => {
  const first = ingressWith({'upstream-hash-by': '$remote_addr'}, {name: 'first', host: 'a.example.com', service: 'api', created: at(1)})
  const second = ingressWith({}, {name: 'second', host: 'b.example.com', service: 'api', created: at(2)})
  const r = translateAll([second, first])
  t.deepEqual(lbOf(r, 'first'), {type: 'ConsistentHash', consistentHash: {type: 'SourceIP'}})
  t.deepEqual(lbOf(r, 'second'), {type: 'ConsistentHash', consistentHash: {type: 'SourceIP'}}, 'the route without annotation hashes too')
  t.is(policy(r, 'second')!.metadata.annotations!['ingress2gw.io/source'], 'Ingress team/first, Ingress team/second', 'the deciding Ingress is named')
  const d = r.diagnostics.find((x) => x.code === 'upstream-settings-from-ingress' && x.object === 'Ingress team/second')
  t.deepEqual(d!.data, {upstreams: [{service: 'team/api:80', setting: 'hash', decider: 'team/first', hashOn: 'the client IP'}]})
  t.regex(d!.message, /Service team\/api:80: consistent hash on the client IP, as Ingress team\/first decided/)
  assertValid(t, r)
})

test('a newer Ingress\'s load-balance on a Service it did not create has no effect', (t) => {
  const first = ingressWith({}, {name: 'first', host: 'a.example.com', service: 'api', created: at(1)})
  const second = ingressWith({'load-balance': 'ewma'}, {name: 'second', host: 'b.example.com', service: 'api', created: at(2)})
  const r = translateAll([first, second])
  t.is(policies(r).length, 0, 'the creator set no balancer, so no route gets one')
  t.is(fidelityOf(r, 'team/second', 'load-balance'), 'ignored')
  const [d] = r.diagnostics.filter((x) => x.annotation === P + 'load-balance')
  t.is(d!.code, 'upstream-setting-overridden')
  t.regex(d!.message, /on Service team\/api:80 \(Ingress team\/first\) that is another Ingress/)
})

test('spec.defaultBackend recreates the upstream: the later Ingress decides (createUpstreams has no existence check there)', (t) => {
  const first = ingressWith({'upstream-hash-by': '$remote_addr'}, {name: 'first', host: 'a.example.com', service: 'api', created: at(1)})
  const catchAll: KubeObject = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {name: 'fallback', namespace: 'team', creationTimestamp: at(2), annotations: {}},
    spec: {ingressClassName: 'nginx', defaultBackend: {service: {name: 'api', port: {number: 80}}}},
  }
  const r = translateAll([first, catchAll])
  t.is(lbOf(r, 'first'), undefined)
  t.is(fidelityOf(r, 'team/first', 'upstream-hash-by'), 'ignored')
})

test('cookie affinity merged per backend: the last Ingress processed sets name, SameSite and Secure for all', (t) => {
  const older = ingressWith(
    {affinity: 'cookie', 'session-cookie-name': 'older', 'session-cookie-samesite': 'Lax', 'session-cookie-max-age': '3600'},
    {name: 'older', host: 'a.example.com', service: 'shop', created: at(1)},
  )
  const newer = ingressWith({affinity: 'cookie', 'session-cookie-name': 'newer', 'session-cookie-secure': 'true'}, {name: 'newer', host: 'b.example.com', service: 'shop', created: at(2)})
  const plain = ingressWith({}, {name: 'plain', host: 'c.example.com', service: 'shop', created: at(3)})
  const r = translateAll([plain, newer, older])
  // Both cookie Ingresses set the newer one's cookie: no SameSite, no Max-Age (a session cookie), Secure forced.
  const cookie = {name: 'newer', ttl: '0s', attributes: {Path: '/', Secure: ''}}
  t.deepEqual(lbOf(r, 'older'), {type: 'ConsistentHash', consistentHash: {type: 'Cookie', cookie}})
  t.deepEqual(lbOf(r, 'newer'), {type: 'ConsistentHash', consistentHash: {type: 'Cookie', cookie}})
  // The Ingress without affinity follows the cookie but never sets it: no ttl, so Envoy generates none.
  t.deepEqual(lbOf(r, 'plain'), {type: 'ConsistentHash', consistentHash: {type: 'Cookie', cookie: {name: 'newer'}}})
  for (const key of ['session-cookie-name', 'session-cookie-samesite', 'session-cookie-max-age']) t.is(fidelityOf(r, 'team/older', key), 'ignored', key)
  t.regex(r.diagnostics.find((d) => d.annotation === P + 'session-cookie-name' && d.object === 'Ingress team/older')!.message, /last Ingress with affinity cookie.*Service team\/shop:80 \(Ingress team\/newer\)/)
  t.is(fidelityOf(r, 'team/newer', 'session-cookie-name'), 'exact')
  t.regex(r.diagnostics.find((d) => d.code === 'annotation-approximate' && d.annotation === P + 'affinity' && d.object === 'Ingress team/older')!.message, /the cookie of Service team\/shop:80 is the one Ingress team\/newer configures/)
  t.regex(r.diagnostics.find((d) => d.code === 'upstream-settings-from-ingress' && d.object === 'Ingress team/plain')!.message, /set it only on the paths of Ingresses with affinity/)
  assertValid(t, r)
})

test('rules of one Ingress whose Services are balanced differently get rule-level policies', (t) => {
  const sticky = ingressWith({affinity: 'cookie'}, {name: 'cart', host: 'cart.example.com', service: 'cart', created: at(1)})
  const mixed = ingressWith(
    {'load-balance': 'round_robin', 'proxy-connect-timeout': '3'},
    {name: 'shop', host: 'shop.example.com', created: at(2), paths: [{path: '/cart', service: 'cart'}, {path: '/', service: 'web'}]},
  )
  const r = translateAll([sticky, mixed])
  const route = r.objects.find((o) => o.kind === 'HTTPRoute' && o.metadata.name === 'shop')!
  const cartRule = route.spec.rules.find((rule: any) => rule.backendRefs[0].name === 'cart')
  const webRule = route.spec.rules.find((rule: any) => rule.backendRefs[0].name === 'web')
  t.is(cartRule.name, 'cart-80')
  t.is(webRule.name, undefined)
  // Route level: the Ingress's own round_robin for web; the cart rule: the sticky cookie it follows, plus the same timeout.
  t.deepEqual(policy(r, 'shop')!.spec, {loadBalancer: {type: 'RoundRobin'}, targetRefs: [{group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'shop'}], timeout: {tcp: {connectTimeout: '3s'}}})
  t.deepEqual(policy(r, 'shop-upstream-2')!.spec, {
    loadBalancer: {type: 'ConsistentHash', consistentHash: {type: 'Cookie', cookie: {name: 'INGRESSCOOKIE'}}},
    targetRefs: [{group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'shop', sectionName: 'cart-80'}],
    timeout: {tcp: {connectTimeout: '3s'}},
  })
  t.is(fidelityOf(r, 'team/shop', 'load-balance'), 'approximate', 'it applies to web, not to cart')
  t.regex(diagnosticsFor(r, 'load-balance')[0]!.message, /sticky, which takes precedence/)
  assertValid(t, r)
})

test('upstream decisions stay within one controller: another class mapped to another Gateway decides for itself', (t) => {
  const internal = ingressWith({'upstream-hash-by': '$remote_addr'}, {name: 'internal', host: 'a.example.com', service: 'api', created: at(1)})
  internal.spec.ingressClassName = 'internal'
  const external = ingressWith({}, {name: 'external', host: 'b.example.com', service: 'api', created: at(2)})
  external.spec.ingressClassName = 'external'
  const r = translateAll([internal, external], {
    ingressClasses: ['internal', 'external'],
    gatewayFor: {internal: {namespace: 'gateway', name: 'internal'}, external: {namespace: 'gateway', name: 'external'}},
  })
  t.deepEqual(lbOf(r, 'internal'), {type: 'ConsistentHash', consistentHash: {type: 'SourceIP'}})
  t.is(policy(r, 'external'), undefined)
})

test('the ConfigMap\'s service-upstream applies to upstreams whose creator does not set the annotation', (t) => {
  const cm = configMap('ingress-nginx', 'ingress-nginx-controller', {'service-upstream': 'true'})
  const plain = ingressWith({}, {name: 'plain', created: at(1)})
  const opted = ingressWith({'service-upstream': 'false'}, {name: 'opted', host: 'o.example.com', service: 'other', created: at(2)})
  const r = translateAll([plain, opted, cm])
  t.is(policy(r, 'plain')?.spec.routingType, 'Service')
  t.like((r.diagnostics.find((d) => d.code === 'upstream-settings-from-ingress')!.data as {upstreams: unknown[]}).upstreams[0], {setting: 'configmap-service-upstream', decider: 'team/plain'})
  t.is(policy(r, 'opted'), undefined)
  assertValid(t, r)
})

test('an Ingress that answers every path with a redirect never reaches a balancer: its balancing keys are ignored', (t) => {
  const r = translateAll([ingressWith({'permanent-redirect': 'https://example.com/', affinity: 'cookie', 'load-balance': 'ewma'}, {name: 'moved'})])
  t.is(policies(r).length, 0)
  t.is(fidelityOf(r, 'team/moved', 'affinity'), 'ignored')
  t.is(fidelityOf(r, 'team/moved', 'load-balance'), 'ignored')
})

/**
 * util.go upstreamName names an upstream `<ns>-<service>-<port number or name>`: `port: {name: http}` and
 * `port: {number: 80}` are two upstreams even where the name resolves to 80, each created (and balanced) by the first
 * Ingress that writes it so.
 */
test('a Service port written by name and by number are two upstreams, each decided by its own creator', (t) => {
  const svc = service('team', 'api', [{name: 'http', port: 80}])
  const byNumber = ingressWith({}, {name: 'by-number', host: 'a.example.com', service: 'api', port: 80, created: at(1)})
  const byName = ingressWith({'upstream-hash-by': '$remote_addr'}, {name: 'by-name', host: 'b.example.com', service: 'api', port: 'http', created: at(2)})
  const alsoByName = ingressWith({}, {name: 'also-by-name', host: 'c.example.com', service: 'api', port: 'http', created: at(3)})
  const r = translateAll([svc, byNumber, byName, alsoByName])
  t.is(policy(r, 'by-number'), undefined, 'the upstream api-80 has no hash')
  t.deepEqual(lbOf(r, 'by-name'), {type: 'ConsistentHash', consistentHash: {type: 'SourceIP'}}, 'by-name created api-http')
  t.is(fidelityOf(r, 'team/by-name', 'upstream-hash-by'), 'exact')
  t.deepEqual(lbOf(r, 'also-by-name'), {type: 'ConsistentHash', consistentHash: {type: 'SourceIP'}}, 'api-http is hashed for every Ingress that writes the port by name')
  assertValid(t, r)
})

/**
 * A canary Ingress that uses a primary's Service:port (controller.go createUpstreams walks every Ingress, canaries
 * included, oldest first): when the canary comes first it creates the upstream with NoServer = true, the primary's
 * rule finds it existing (`if _, ok := upstreams[name]; ok { continue }`), and getBackendServers skips every location
 * whose upstream is NoServer (`if ups.NoServer { continue }`): nginx served none of the primary's paths to it.
 */
test('an older canary on the primary\'s own Service:port: nginx served none of the primary\'s paths to it', (t) => {
  const canary = ingressWith({canary: 'true', 'canary-weight': '50'}, {name: 'web-canary', service: 'web', created: at(1)})
  const primary = ingressWith({}, {name: 'web', paths: ['/', {path: '/static', service: 'assets'}], created: at(2)})
  const r = translateAll([primary, canary])
  const route = r.objects.find((o) => o.kind === 'HTTPRoute' && o.metadata.name === 'web')!
  const backends = route.spec.rules.flatMap((rule: any) => (rule.backendRefs ?? []).map((b: any) => b.name))
  t.deepEqual(backends, ['assets'], 'only /static (its own upstream team/assets/80) was a location in nginx')
  const d = r.diagnostics.find((x) => x.code === 'upstream-owned-by-canary')
  t.is(d?.object, 'Ingress team/web')
  t.regex(d!.message, /Prefix \/ -> Service team\/web:80.*canary Ingress team\/web-canary.*older/)
  t.like(d!.data, {where: 'rules[0].http.paths[0]', match: 'Prefix', path: '/', service: {namespace: 'team', name: 'web', port: 80}, canary: 'team/web-canary', canaryOlder: true})
})

test('a newer canary on the primary\'s own Service:port changes nothing: the primary created the upstream', (t) => {
  const primary = ingressWith({}, {name: 'web', service: 'web', created: at(1)})
  const canary = ingressWith({canary: 'true', 'canary-weight': '50'}, {name: 'web-canary', service: 'web', created: at(2)})
  const r = translateAll([primary, canary])
  const route = r.objects.find((o) => o.kind === 'HTTPRoute' && o.metadata.name === 'web')!
  t.deepEqual(route.spec.rules.flatMap((rule: any) => rule.backendRefs.map((b: any) => [b.name, b.weight])), [['web', undefined]])
  t.false(r.diagnostics.some((x) => x.code === 'upstream-owned-by-canary'))
  t.true(r.diagnostics.some((x) => x.code === 'canary-same-service'))
})

/**
 * ConfigMap load-balance is the balancer of every upstream whose creating Ingress has no load-balance annotation
 * (createUpstreams: `if upstreams[name].LoadBalancing == "" { ... = GetBackendConfiguration().LoadBalancing }`), so with
 * --nginx-defaults it is the Gateway-level loadBalancer, which StrategicMerge route policies keep unless their
 * upstream's creator chose another balancer.
 */
test('ConfigMap load-balance: Gateway-level loadBalancer; a creator\'s annotation overrides it for its upstream only', (t) => {
  const cm = configMap('ingress-nginx', 'ingress-nginx-controller', {'load-balance': 'ewma'})
  const first = ingressWith({'load-balance': 'round_robin'}, {name: 'first', host: 'a.example.com', service: 'api', created: at(1)})
  const second = ingressWith({'load-balance': 'round_robin'}, {name: 'second', host: 'b.example.com', service: 'web', created: at(2)})
  const third = ingressWith({}, {name: 'third', host: 'c.example.com', service: 'web', created: at(3)})
  const r = translateAll([cm, first, second, third], {nginxDefaults: true, emitGateway: true})
  const gatewayLevel = policies(r).find((p) => p.spec.targetRefs.some((ref: any) => ref.kind === 'Gateway'))!
  t.deepEqual(gatewayLevel.spec.loadBalancer, {type: 'LeastRequest'}, 'ewma is approximated by LeastRequest')
  t.deepEqual(lbOf(r, 'first'), {type: 'RoundRobin'})
  t.deepEqual(lbOf(r, 'second'), {type: 'RoundRobin'}, 'second created team/web/80')
  t.deepEqual(lbOf(r, 'third'), {type: 'RoundRobin'}, 'third routes to the upstream second created')
  assertValid(t, r)
})

test('ConfigMap load-balance round_robin (nginx\'s default too) is the Gateway-level loadBalancer; routes without a creator\'s balancer inherit it', (t) => {
  const plain = ingressWith({}, {name: 'plain', host: 'a.example.com', service: 'api', created: at(1)})
  const withDefaults = translateAll([plain], {nginxDefaults: true, emitGateway: true})
  const gatewayLevel = policies(withDefaults).find((p) => p.spec.targetRefs.some((ref: any) => ref.kind === 'Gateway'))!
  t.deepEqual(gatewayLevel.spec.loadBalancer, {type: 'RoundRobin'}, 'balancer.lua DEFAULT_LB_ALG round_robin, not Envoy\'s LeastRequest')
  t.is(lbOf(withDefaults, 'plain'), undefined)
  // A value balancer.lua has no plain implementation for (chash without upstream-hash-by): nothing is emitted.
  const odd = translateAll([configMap('ingress-nginx', 'ingress-nginx-controller', {'load-balance': 'chash'}), plain], {nginxDefaults: true, emitGateway: true})
  const oddLevel = policies(odd).find((p) => p.spec.targetRefs.some((ref: any) => ref.kind === 'Gateway'))!
  t.is(oddLevel.spec.loadBalancer, undefined)
  t.true(odd.diagnostics.some((d) => d.message.startsWith('load-balance: "chash"') && d.fidelity === 'manual'))
  assertValid(t, withDefaults)
})

// The ConfigMap keys the per-Ingress translation reads are accounted as read, never as "no effect" or "not recognised":
// allow-cross-namespace-resources (proxyssl, auth, authtls, authreq main.go), proxy-ssl-location-only (controller.go
// getBackendServers), global-allowed-response-headers (customheaders/main.go).
test('ConfigMap keys that decide what nginx served are accounted as read, an undecodable one as nginx\'s default', (t) => {
  const cm = configMap('ingress-nginx', 'ingress-nginx-controller', {'allow-cross-namespace-resources': 'true', 'proxy-ssl-location-only': 'yes', 'global-allowed-response-headers': 'X-Team'})
  const r = translateAll([cm, ingressWith({}, {name: 'plain'})])
  const ignored = r.diagnostics.find((d) => d.code === 'configmap-keys-ignored')
  t.notRegex(ignored?.message ?? '', /allow-cross-namespace-resources|proxy-ssl-location-only|global-allowed-response-headers/)
  const about = (key: string) => r.diagnostics.find((d) => d.annotation === key && d.object === 'ConfigMap ingress-nginx/ingress-nginx-controller')
  t.is(about('allow-cross-namespace-resources')?.fidelity, 'exact')
  t.is(about('global-allowed-response-headers')?.fidelity, 'exact')
  t.is(about('proxy-ssl-location-only')?.fidelity, 'ignored', '"yes" is not a Go boolean: nginx kept false')
  t.regex(about('proxy-ssl-location-only')!.message, /kept its default \(false\)/)
})

/**
 * A canary's traffic shaping lives on its upstream and is set only when the canary creates it (createUpstreams:
 * `upstreams[name].TrafficShapingPolicy = newTrafficShapingPolicy(&anns.Canary)` inside the creation block). When an
 * older primary already uses the canary's Service port, the upstream has no weight, header or cookie, so balancer.lua
 * route_to_alternative_balancer never picks it: the canary sent nothing.
 */
test('a canary whose Service port an older primary already uses never receives traffic in nginx', (t) => {
  const other = ingressWith({}, {name: 'next', host: 'next.example.com', service: 'web-next', created: at(1)})
  const primary = ingressWith({}, {name: 'web', service: 'web', created: at(2)})
  const canary = ingressWith({canary: 'true', 'canary-weight': '30'}, {name: 'web-canary', service: 'web-next', created: at(3)})
  const r = translateAll([primary, canary, other])
  const route = r.objects.find((o) => o.kind === 'HTTPRoute' && o.metadata.name === 'web')!
  t.deepEqual(route.spec.rules.flatMap((rule: any) => rule.backendRefs.map((b: any) => b.name)), ['web'], 'no split to web-next')
  const d = r.diagnostics.find((x) => x.code === 'canary-upstream-not-created')
  t.is(d?.object, 'Ingress team/web-canary')
  t.regex(d!.message, /Ingress team\/next.*older.*never/)
  t.like(d!.data, {service: {namespace: 'team', name: 'web-next', port: 80}, creator: 'team/next', creatorIsCanary: false, creatorOlder: true})
})

test('a newer canary path with no primary location, on a Service port a primary created: nginx served it as an ordinary location', (t) => {
  const primary = ingressWith({}, {name: 'web', service: 'web', created: at(1)})
  const canary = ingressWith({canary: 'true', 'canary-weight': '30'}, {name: 'web-canary', service: 'web', paths: ['/beta'], created: at(2)})
  const r = translateAll([primary, canary])
  const d = r.diagnostics.find((x) => x.code === 'canary-path-served')
  t.is(d?.object, 'Ingress team/web-canary')
  t.regex(d!.message, /Prefix \/beta.*Ingress team\/web, which created the upstream/)
  t.false(r.diagnostics.some((x) => x.code === 'canary-without-primary'))
})
