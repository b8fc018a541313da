/**
 * A host no Ingress gives TLS, under a wildcard host that has TLS. ingress-nginx: controller.go createServers leaves
 * the host's SSLCert nil, nginx.go configureCertificates sends it as emptyUID (configuration.lua handle_servers
 * deletes its certificate_servers entry), and certificate.lua get_pem_cert_uid falls back to `*.` + the name without
 * its first label: the TLS handshake gets the wildcard's certificate, the request reaches the host's own server
 * (every server listens on 443, nginx.tmpl), and lua_ingress.lua redirect_to_https redirects plain HTTP because
 * certificate.configured_for_current_request makes the same lookup. The Gateway must route https for the host to the
 * host's own routes (not the wildcard route on the https listener) and redirect exactly where nginx did.
 */
import test from 'ava'
import {assertValid, ingressWith, translateAll, useValidator} from './annotations/support.js'
import {certificateFallbackName} from '../src/translate/wildcard-certificates.js'
import type {KubeObject, TranslateResult} from '../src/model/types.js'
import {verifyRun} from '../src/verify/run.js'

useValidator()

const wildcard = (extra: Record<string, string> = {}) =>
  ingressWith(extra, {name: 'tenants', namespace: 'web', host: '*.example.com', tls: true, service: 'tenant-router', created: '2024-01-01T00:00:00Z'})
const plain = (name: string, host: string, annotations: Record<string, string> = {}) =>
  ingressWith(annotations, {name, namespace: 'web', host, service: `svc-${name}`, created: '2024-01-02T00:00:00Z'})

const route = (r: TranslateResult, name: string) => r.objects.find((o) => o.kind === 'HTTPRoute' && o.metadata.name === name)!
const sections = (o: KubeObject) => o.spec.parentRefs.map((p: any) => p.sectionName)
const redirected = (r: TranslateResult) =>
  r.objects.filter((o) => o.kind === 'HTTPRoute' && o.metadata.name.startsWith('https-redirect')).flatMap((o) => o.spec.hostnames)
const gateway = (r: TranslateResult) => r.objects.find((o) => o.kind === 'Gateway')!

test('certificate.lua get_pem_cert_uid falls back to one wildcard label only', (t) => {
  t.is(certificateFallbackName('app.example.com'), '*.example.com')
  t.is(certificateFallbackName('a.b.example.com'), '*.b.example.com')
  t.is(certificateFallbackName('*.example.com'), undefined, 'a wildcard server looks up its own name only')
  t.is(certificateFallbackName('localhost'), undefined)
  t.is(certificateFallbackName(''), undefined, 'the catch-all server')
})

test('a host without TLS under a TLS wildcard is served on https by its own route, with the wildcard certificate, and redirected', (t) => {
  const r = translateAll([wildcard(), plain('app', 'app.example.com')], {emitGateway: true})
  t.deepEqual(sections(route(r, 'app')), ['https'], 'ssl-redirect is on (the default): https only, as the wildcard host')
  t.deepEqual(redirected(r), ['*.example.com', 'app.example.com'])
  const https = gateway(r).spec.listeners.find((l: any) => l.name === 'https')
  t.deepEqual(https.tls.certificateRefs.map((c: any) => `${c.namespace}/${c.name}`), ['web/tenants-tls'], 'no certificate added: the wildcard one covers the host')
  const d = r.diagnostics.filter((x) => x.code === 'tls-from-wildcard')
  t.deepEqual(d.map((x) => [x.object, x.level]), [['Ingress web/app', 'info']])
  t.regex(d[0]!.message, /certificate of the wildcard host \*\.example\.com \(Secret web\/tenants-tls, from Ingress web\/tenants\)/)
  t.false(r.diagnostics.some((x) => x.code === 'plain-hosts-https'), 'the host is no longer plain')
  assertValid(t, r)
})

test('verify: https for the host reaches its own Service and http is redirected, as in nginx (no difference)', (t) => {
  const objects = [wildcard(), plain('app', 'app.example.com')]
  const report = verifyRun({snapshot: {objects: objects.map((object) => ({object, source: {}}))}, options: {emitGateway: true}})
  const about = report.differences.filter((d) => d.probe.host === 'app.example.com')
  t.deepEqual(about.map((d) => `${d.probe.scheme}://${d.probe.host}${d.probe.path} ${d.known}`), [])
  t.true(report.probes > 0)
})

test('ssl-redirect "false" on the host keeps it on http as well, with no redirect (nginx: location ssl_redirect false)', (t) => {
  const r = translateAll([wildcard(), plain('legacy', 'legacy.example.com', {'ssl-redirect': 'false'})], {emitGateway: true})
  t.deepEqual(sections(route(r, 'legacy')), ['http', 'https'])
  t.deepEqual(redirected(r), ['*.example.com'])
  t.regex(r.diagnostics.find((x) => x.code === 'tls-from-wildcard')!.message, /ssl-redirect is off for its paths/)
})

test('only one label: a host two labels under the wildcard keeps no certificate and no redirect, but its route answers https', (t) => {
  // get_pem_cert_uid tries *.b.example.com only: nginx's default certificate, no redirect, its own server on 443.
  const r = translateAll([wildcard(), plain('deep', 'a.b.example.com')], {emitGateway: true})
  t.false(r.diagnostics.some((x) => x.code === 'tls-from-wildcard'))
  t.deepEqual(redirected(r), ['*.example.com'])
  // The Gateway's *.example.com route on https matches any depth: without its own attachment the host's HTTPS
  // requests would reach tenant-router.
  t.deepEqual(sections(route(r, 'deep')), ['http', 'https'])
  const d = r.diagnostics.find((x) => x.code === 'plain-host-under-tls-wildcard')!
  t.is(d.object, 'Ingress web/deep')
  t.is(d.level, 'info')
  t.false(r.diagnostics.some((x) => x.code === 'plain-hosts-https'), 'served over https, so not among the http-only hosts')
  const objects = [wildcard(), plain('deep', 'a.b.example.com')]
  const report = verifyRun({snapshot: {objects: objects.map((object) => ({object, source: {}}))}, options: {}})
  t.deepEqual(report.differences.filter((d) => d.probe.host === 'a.b.example.com').map((d) => `${d.probe.scheme}://${d.probe.host}${d.probe.path}`), [])
  assertValid(t, r)
})

test('a plain wildcard host under a TLS wildcard: nginx chose the longer wildcard server, so its route answers https too', (t) => {
  const r = translateAll([wildcard(), plain('team', '*.team.example.com')], {emitGateway: true})
  t.deepEqual(sections(route(r, 'team')), ['http', 'https'])
  t.true(r.diagnostics.some((x) => x.code === 'plain-host-under-tls-wildcard' && x.object === 'Ingress web/team'))
})

test('a plain host under a wildcard without TLS, or under nothing, stays on http only', (t) => {
  const plainWildcard = ingressWith({}, {name: 'tenants', namespace: 'web', host: '*.example.com', created: '2024-01-01T00:00:00Z'})
  const r = translateAll([plainWildcard, plain('deep', 'a.b.example.com'), plain('shop', 'shop.example.org')], {emitGateway: true})
  t.deepEqual(sections(route(r, 'deep')), ['http'])
  t.deepEqual(sections(route(r, 'shop')), ['http'])
  t.false(r.diagnostics.some((x) => x.code === 'plain-host-under-tls-wildcard'))
})

test('under a wildcard listener that asks for client certificates, a deep plain host attaches there and the difference is a warning', (t) => {
  const r = translateAll([wildcard({'auth-tls-secret': 'web/client-ca'}), plain('deep', 'a.b.example.com')], {emitGateway: true})
  const wild = gateway(r).spec.listeners.find((l: any) => l.hostname === '*.example.com')
  t.deepEqual(sections(route(r, 'deep')), ['http', wild.name], 'Envoy hands a.b.example.com to the *.example.com listener')
  const d = r.diagnostics.find((x) => x.code === 'plain-host-under-tls-wildcard')!
  t.is(d.level, 'warning')
  t.regex(d.message, /asks for client certificates/)
  assertValid(t, r)
})

test('a wildcard host without TLS gives nothing, and a host whose own Ingress has TLS keeps its own choice', (t) => {
  const plainWildcard = ingressWith({}, {name: 'tenants', namespace: 'web', host: '*.example.com', created: '2024-01-01T00:00:00Z'})
  const r1 = translateAll([plainWildcard, plain('app', 'app.example.com')], {emitGateway: true})
  t.deepEqual(sections(route(r1, 'app')), ['http'])
  t.false(r1.diagnostics.some((x) => x.code === 'tls-from-wildcard'))
  // controller.go createServers: an Ingress with a tls section that does not cover the host gives it the default
  // certificate (SSLCert set), so the lookup never reaches the wildcard.
  const own: KubeObject = {
    ...plain('app', 'app.example.com'),
    spec: {...plain('app', 'app.example.com').spec, tls: [{hosts: ['other.example.org'], secretName: 'other-tls'}]},
  }
  const r2 = translateAll([wildcard(), own], {emitGateway: true})
  t.false(r2.diagnostics.some((x) => x.code === 'tls-from-wildcard'))
  t.true(r2.diagnostics.some((x) => x.code === 'tls-host-not-listed' && x.object === 'Ingress web/app'))
})

test('beside a wildcard listener of its own (client certificates on *.example.com) the host gets a listener with the wildcard certificate and no client validation', (t) => {
  const r = translateAll([wildcard({'auth-tls-secret': 'web/client-ca'}), plain('app', 'app.example.com')], {emitGateway: true})
  const listeners = gateway(r).spec.listeners
  const own = listeners.find((l: any) => l.hostname === 'app.example.com')
  t.truthy(own, 'Envoy would hand app.example.com to the *.example.com listener otherwise (findFilterChainForServerName)')
  t.deepEqual(own.tls.certificateRefs.map((c: any) => c.name), ['tenants-tls'])
  t.deepEqual(sections(route(r, 'app')), [own.name])
  const policy = r.objects.find((o) => o.kind === 'ClientTrafficPolicy' && o.spec.targetRefs?.[0]?.sectionName === own.name)
  t.is(policy?.spec.tls?.clientValidation, undefined, 'nginx asked for client certificates in the wildcard server only')
  assertValid(t, r)
})

test('a wildcard TLS entry without secretName: the host takes the default certificate with it, and verify labels the https it loses tls-without-secret', (t) => {
  const noSecret: KubeObject = {...wildcard(), spec: {...wildcard().spec, tls: [{hosts: ['*.example.com']}]}}
  const objects = [noSecret, plain('app', 'app.example.com')]
  const r = translateAll(objects, {emitGateway: true})
  t.regex(r.diagnostics.find((x) => x.code === 'tls-from-wildcard')!.message, /the default certificate: its TLS entry names no Secret/)
  t.false(r.diagnostics.some((x) => x.code === 'tls-without-secret' && x.message.includes('app.example.com')), 'reported once, on the wildcard')
  const report = verifyRun({snapshot: {objects: objects.map((object) => ({object, source: {}}))}, options: {}})
  const https = report.differences.filter((d) => d.probe.scheme === 'https' && (d.probe.host === 'app.example.com' || d.probe.host === 'a.example.com'))
  t.true(https.length > 0, 'no https listener: nginx served both names with its default certificate')
  t.deepEqual([...new Set(https.map((d) => d.known))], ['tls-without-secret'])
})

// The deep host's own server asked for client certificates on 443 (nginx.tmpl SERVER: ssl_verify_client per server,
// applied by SNI, and ngx_http_set_virtual_server answers 421 when the Host's server verifies and differs from the SNI's),
// with the default certificate (certificate.lua get_pem_cert_uid finds neither a.b.example.com nor *.b.example.com).
// On the Gateway the wildcard route on the https listener matches a.b.example.com (any depth): only a listener of the
// host's own, which Envoy prefers by SNI (exact before wildcard), keeps its HTTPS behind the client-certificate check.
test('fail closed: a deep plain host whose own server asked for client certificates gets a listener of its own that asks them', (t) => {
  const objects = [wildcard(), plain('deep', 'a.b.example.com', {'auth-tls-secret': 'web/client-ca'})]
  const r = translateAll(objects, {emitGateway: true})
  const own = gateway(r).spec.listeners.find((l: any) => l.hostname === 'a.b.example.com')
  t.truthy(own, 'without it https://a.b.example.com/ reaches the *.example.com route, asking no certificate')
  t.deepEqual(own.tls.certificateRefs.map((c: any) => c.name), ['tenants-tls'])
  t.deepEqual(sections(route(r, 'deep')), ['http', own.name], 'plain HTTP stays served (no certificate for the name: no redirect), HTTPS on its own listener only')
  const policy = r.objects.find((o) => o.kind === 'ClientTrafficPolicy' && o.spec.targetRefs?.[0]?.sectionName === own.name)
  t.deepEqual(policy?.spec.tls?.clientValidation?.caCertificateRefs?.map((c: any) => c.name), ['client-ca'])
  const d = r.diagnostics.find((x) => x.code === 'mtls-host-under-tls-wildcard')!
  t.is(d.level, 'warning')
  t.is(d.object, 'Ingress web/deep')
  t.regex(d.message, /default certificate/)
  t.false(r.diagnostics.some((x) => x.code === 'mtls-host-without-tls'))
  const report = verifyRun({snapshot: {objects: objects.map((object) => ({object, source: {}}))}, options: {emitGateway: true}})
  const https = report.differences.filter((x) => x.probe.scheme === 'https' && x.probe.host === 'a.b.example.com')
  t.deepEqual(https.map((x) => x.probe.path), [], 'https for the deep host reaches svc-deep on both sides')
  assertValid(t, r)
})

test('client certificates on a host that takes the wildcard certificate: a listener of its own with that certificate asks for them', (t) => {
  const r = translateAll([wildcard(), plain('app', 'app.example.com', {'auth-tls-secret': 'web/client-ca'})], {emitGateway: true})
  const own = gateway(r).spec.listeners.find((l: any) => l.hostname === 'app.example.com')
  t.deepEqual(own.tls.certificateRefs.map((c: any) => c.name), ['tenants-tls'])
  t.deepEqual(sections(route(r, 'app')), [own.name], 'never on the shared https listener, which asks nobody')
  const policy = r.objects.find((o) => o.kind === 'ClientTrafficPolicy' && o.spec.targetRefs?.[0]?.sectionName === own.name)
  t.deepEqual(policy?.spec.tls?.clientValidation?.caCertificateRefs?.map((c: any) => c.name), ['client-ca'])
  assertValid(t, r)
})

// A server-alias is a name of its host's server (nginx.tmpl server_name), and nginx.go configureCertificates sends an
// alias its server's certificate only when that certificate covers it, else emptyUID: certificate.lua
// get_pem_cert_uid then falls back to the alias's one-label wildcard like for any other name. So https://<alias>
// reached the alias's own server (svc-shop), never the wildcard's route, whatever the depth.
test('a server-alias under a TLS wildcard: https for the alias reaches its own server, not the wildcard route', (t) => {
  const objects = [wildcard(), plain('shop', 'shop.example.org', {'server-alias': 'shop.example.com'})]
  const r = translateAll(objects, {emitGateway: true})
  t.deepEqual(sections(route(r, 'shop')), ['http', 'https'], 'the route answers https for its alias as well')
  const report = verifyRun({snapshot: {objects: objects.map((object) => ({object, source: {}}))}, options: {emitGateway: true}})
  const https = report.differences.filter((d) => d.probe.host === 'shop.example.com' && d.probe.scheme === 'https')
  t.deepEqual(https.map((d) => `${d.probe.path} ${d.known ?? 'UNLABELLED'}`), [], 'https for the alias reaches svc-shop on both sides')
  assertValid(t, r)
})

// lua_ingress.lua redirect_to_https asks certificate.configured_for_current_request, which looks up the request's
// Host (ngx.var.host), not the server's name: plain HTTP for a one-label alias under a TLS wildcard was redirected
// while its host's own name was not. The Gateway route serves both names alike, so verify must see the difference
// and a diagnostic must name it for the alias.
test('a one-label server-alias under a TLS wildcard: nginx redirected its plain HTTP (Host lookup), said and labelled for that alias only', (t) => {
  const objects = [wildcard(), plain('shop', 'shop.example.org', {'server-alias': 'shop.example.com'})]
  const report = verifyRun({snapshot: {objects: objects.map((object) => ({object, source: {}}))}, options: {emitGateway: true}})
  const alias = report.differences.filter((d) => d.probe.host === 'shop.example.com' && d.probe.scheme === 'http')
  t.true(alias.length > 0, 'nginx redirected http://shop.example.com/ (the wildcard certificate is configured for that Host)')
  t.true(alias.every((d) => d.nginx.kind === 'redirect' && d.known === 'alias-under-tls-wildcard'), JSON.stringify(alias.map((d) => [d.probe.path, d.nginx.kind, d.known])))
  const own = report.differences.filter((d) => d.probe.host === 'shop.example.org' && d.probe.scheme === 'http')
  t.deepEqual(own.map((d) => d.probe.path), [], 'its host name has no certificate: no redirect either side')
})

// Each ingress-nginx controller has its own certificate_servers (nginx.go configureCertificates posts its own
// servers only): a host of another controller never finds the wildcard's certificate, so neither its TLS handshake
// nor lua_ingress.lua redirect_to_https sees one, and the compiler keeps it unredirected. verify's nginx model must
// agree (it redirected such a host, an unlabelled false difference on every plain-HTTP probe).
test('verify: a host of another controller under a TLS wildcard is not redirected by nginx (certificate_servers per controller)', (t) => {
  const ingressClass = (name: string, controller: string): KubeObject => ({apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: {name}, spec: {controller}})
  const wild = wildcard()
  const app = plain('app', 'app.example.com')
  wild.spec.ingressClassName = 'internal'
  app.spec.ingressClassName = 'external'
  const objects = [ingressClass('internal', 'k8s.io/internal-ingress-nginx'), ingressClass('external', 'k8s.io/external-ingress-nginx'), wild, app]
  const report = verifyRun({snapshot: {objects: objects.map((object) => ({object, source: {}}))}, options: {emitGateway: true, ingressClasses: ['internal', 'external']}})
  t.true(report.probes > 0)
  const http = report.differences.filter((d) => d.probe.host === 'app.example.com' && d.probe.scheme === 'http')
  t.deepEqual(http.map((d) => `${d.probe.path} nginx ${d.nginx.kind}`), [], 'neither side redirects app.example.com')
})

test('a deep plain host with auth-tls-match-cn under a TLS wildcard: no listener can check the subject, so an error says the wildcard route answers its HTTPS', (t) => {
  const r = translateAll([wildcard(), plain('deep', 'a.b.example.com', {'auth-tls-secret': 'web/client-ca', 'auth-tls-match-cn': 'CN=client'})], {emitGateway: true})
  t.false(gateway(r).spec.listeners.some((l: any) => l.hostname === 'a.b.example.com'))
  t.deepEqual(sections(route(r, 'deep')), ['http'])
  const d = r.diagnostics.find((x) => x.code === 'mtls-host-under-tls-wildcard')!
  t.is(d.level, 'error', 'apply refuses to run on errors: the name is answered without the check nginx made')
  t.regex(d.message, /auth-tls-match-cn/)
  t.regex(d.hint!, /listener \{hostname: a\.b\.example\.com/)
  // The wildcard's route does answer its HTTPS: nothing may say the host is not served over HTTPS.
  const without = r.diagnostics.find((x) => x.code === 'mtls-host-without-tls')
  t.false(without !== undefined && /not served over HTTPS/.test(without.message), 'contradicts the error above')
  t.regex(r.diagnostics.find((x) => x.code === 'mtls-match-cn')!.hint!, /targeting the listener\(s\) https-a-b-example-com with/, 'names the listener to add')
})
