import test from 'ava'
import {assertValid, configMap, diagnosticsFor, fidelityFor, fixture, objectsOf, routeOf, useValidator} from './support.js'

const {run, ingress} = fixture({name: 'payments', namespace: 'billing', host: 'pay.example.com', port: 8443, tls: true})
useValidator()

/** The spec of the HTTPRouteFilter a denied Ingress's route answers with. */
const r403 = (r: ReturnType<typeof run>) => objectsOf(r, 'HTTPRouteFilter').find((o) => o.metadata.name.endsWith('-denied'))?.spec

test('auth-tls-secret without the gateway bundle: the route attaches to the host listener only, which the gateway owner adds', (t) => {
  const r = run({'auth-tls-secret': 'billing/client-ca'})
  t.is(fidelityFor(r, 'auth-tls-secret'), 'manual')
  const [d] = diagnosticsFor(r, 'auth-tls-secret')
  t.is(d?.code, 'mtls-listener')
  t.regex(d!.message, /nothing is served over HTTPS for these hosts \(never without a client certificate\)/)
  t.regex(d!.message, /TLS handshake instead of nginx's HTTP 400/)
  const hint = d!.hint!
  t.regex(hint, /Gateway gateway\/shared/)
  t.regex(hint, /name: https-pay-example-com, hostname: pay\.example\.com/)
  t.regex(hint, /caCertificateRefs: \[\{group: "", kind: Secret, name: client-ca, namespace: billing\}\], mode: RequireAndVerify/)
  t.regex(hint, /ReferenceGrant in billing from ClientTrafficPolicy in gateway/)
  // Fail closed: the route never attaches to the shared https listener (nginx demanded a certificate for the host).
  t.deepEqual(routeOf(r)!.spec.parentRefs.map((p: any) => p.sectionName), ['https-pay-example-com'])
  t.false(r.objects.some((o) => o.kind === 'ClientTrafficPolicy' || o.kind === 'Gateway'), 'no bundle: the gateway owner adds listener and policy')
  t.true(r.checklist.some((l) => /listeners https-pay-example-com \(HTTPS 443, hostname pay\.example\.com\)/.test(l) && /ClientTrafficPolicies with tls\.clientValidation for https-pay-example-com \(CA billing\/client-ca\)/.test(l)))
  assertValid(t, r)
})

test('auth-tls-secret with the gateway bundle: host listener, ClientTrafficPolicy with clientValidation and ssl-client-* headers, CA grant', (t) => {
  const r = run({'auth-tls-secret': 'billing/client-ca', 'auth-tls-pass-certificate-to-upstream': 'true'}, {translate: {emitGateway: true}})
  t.is(fidelityFor(r, 'auth-tls-secret'), 'approximate')
  t.is(fidelityFor(r, 'auth-tls-pass-certificate-to-upstream'), 'exact')
  const gateway = objectsOf(r, 'Gateway')[0]!
  const listener = gateway.spec.listeners.find((l: any) => l.name === 'https-pay-example-com')
  t.like(listener, {hostname: 'pay.example.com', port: 443, protocol: 'HTTPS', tls: {mode: 'Terminate', certificateRefs: [{group: '', kind: 'Secret', name: 'payments-tls', namespace: 'billing'}]}})
  const ctp = objectsOf(r, 'ClientTrafficPolicy').find((o) => o.metadata.name === 'shared-client-https-pay-example-com')!
  t.deepEqual(ctp.spec.targetRefs, [{group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'shared', sectionName: 'https-pay-example-com'}])
  // No mode: RequireAndVerify, in the form every Envoy Gateway release accepts (mode exists from v1.8).
  t.deepEqual(ctp.spec.tls.clientValidation, {caCertificateRefs: [{group: '', kind: 'Secret', name: 'client-ca', namespace: 'billing'}]})
  // nginx.tmpl sets these on mTLS servers; with verify on every request carries a verified certificate.
  const set = Object.fromEntries(ctp.spec.headers.earlyRequestHeaders.set.map((h: any) => [h.name, h.value]))
  t.is(set['ssl-client-verify'], 'SUCCESS')
  t.is(set['ssl-client-subject-dn'], '%DOWNSTREAM_PEER_SUBJECT%')
  t.is(set['ssl-client-issuer-dn'], '%DOWNSTREAM_PEER_ISSUER%')
  t.is(set['ssl-client-cert'], '%DOWNSTREAM_PEER_CERT%')
  const grant = objectsOf(r, 'ReferenceGrant').find((o) => o.metadata.name === 'ingress2gw-gateway-shared-client-ca')!
  t.is(grant.metadata.namespace, 'billing')
  t.deepEqual(grant.spec, {from: [{group: 'gateway.envoyproxy.io', kind: 'ClientTrafficPolicy', namespace: 'gateway'}], to: [{group: '', kind: 'Secret', name: 'client-ca'}]})
  t.deepEqual(routeOf(r)!.spec.parentRefs.map((p: any) => p.sectionName), ['https-pay-example-com'])
  assertValid(t, r)
})

test('verify optional: client-sent ssl-client-* headers are removed, the certificate goes in X-Forwarded-Client-Cert', (t) => {
  const r = run({'auth-tls-secret': 'billing/client-ca', 'auth-tls-verify-client': 'optional', 'auth-tls-pass-certificate-to-upstream': 'true'}, {translate: {emitGateway: true}})
  const ctp = objectsOf(r, 'ClientTrafficPolicy').find((o) => o.metadata.name === 'shared-client-https-pay-example-com')!
  t.is(ctp.spec.tls.clientValidation.optional, true, 'optional: true is VerifyIfGiven, accepted before mode existed')
  const noCa = run({'auth-tls-secret': 'billing/client-ca', 'auth-tls-verify-client': 'optional_no_ca'}, {translate: {emitGateway: true}})
  t.is(objectsOf(noCa, 'ClientTrafficPolicy').find((o) => o.metadata.name === 'shared-client-https-pay-example-com')!.spec.tls.clientValidation.mode, 'Request')
  t.deepEqual(ctp.spec.headers.xForwardedClientCert, {mode: 'SanitizeSet', certDetailsToAdd: ['Subject', 'Cert']})
  const early = ctp.spec.headers.earlyRequestHeaders
  for (const name of ['ssl-client-verify', 'ssl-client-subject-dn', 'ssl-client-issuer-dn', 'ssl-client-cert']) {
    t.true(early.remove.includes(name), `${name} removed`)
    t.false((early.set ?? []).some((h: any) => h.name === name), `${name} not set from a possibly absent certificate`)
  }
  t.is(fidelityFor(r, 'auth-tls-pass-certificate-to-upstream'), 'approximate')
  assertValid(t, r)
})

test('match-cn: no listener is generated and the route stays off the shared listener (fail closed)', (t) => {
  const r = run({'auth-tls-secret': 'billing/client-ca', 'auth-tls-match-cn': 'CN=pos-[0-9]+'}, {translate: {emitGateway: true}})
  t.is(fidelityFor(r, 'auth-tls-secret'), 'manual')
  const gateway = objectsOf(r, 'Gateway')[0]!
  t.false(gateway.spec.listeners.some((l: any) => l.name === 'https-pay-example-com'))
  t.deepEqual(routeOf(r)!.spec.parentRefs.map((p: any) => p.sectionName), ['https-pay-example-com'])
  t.deepEqual(r.diagnostics.filter((d) => d.code === 'mtls-listener-not-generated').map((d) => [d.fidelity, d.data]), [
    ['manual', {host: 'pay.example.com', listener: 'https-pay-example-com', missing: 'auth-tls-match-cn restricts the certificate subject, which no listener setting checks', sharedListener: 'https'}],
  ])
})

test('another Ingress on the same host attaches to the host listener too; its own auth-tls settings lose to the older Ingress', (t) => {
  const other = ingress({'auth-tls-secret': 'billing/other-ca'}, {name: 'receipts', paths: ['/receipts'], created: '2025-01-01T00:00:00Z', tls: false})
  const plain = ingress({}, {name: 'static', paths: ['/static'], created: '2025-02-01T00:00:00Z', tls: false})
  const r = run({'auth-tls-secret': 'billing/client-ca'}, {ingress: {created: '2024-01-01T00:00:00Z'}, extra: [other, plain], translate: {emitGateway: true}})
  for (const name of ['payments', 'receipts', 'static']) {
    t.deepEqual(routeOf(r, name)?.spec.parentRefs.map((p: any) => p.sectionName), ['https-pay-example-com'], name)
  }
  const ctp = objectsOf(r, 'ClientTrafficPolicy').find((o) => o.metadata.name === 'shared-client-https-pay-example-com')!
  t.is(ctp.spec.tls.clientValidation.caCertificateRefs[0].name, 'client-ca', 'the first Ingress of the host with a CA wins')
  const lost = r.diagnostics.filter((d) => d.code === 'mtls-host-settings-from-other-ingress')
  t.deepEqual(lost.map((d) => [d.object, d.data]), [['Ingress billing/receipts', {host: 'pay.example.com', from: 'billing/payments', ca: 'billing/client-ca', verify: 'on'}]])
  const joined = r.diagnostics.filter((d) => d.code === 'mtls-host-from-other-ingress').map((d) => [d.object, d.data])
  t.deepEqual(joined, [
    ['Ingress billing/receipts', {host: 'pay.example.com', from: 'billing/payments', listeners: ['https-pay-example-com']}],
    ['Ingress billing/static', {host: 'pay.example.com', from: 'billing/payments', listeners: ['https-pay-example-com']}],
  ])
})

test('verify-client modes map to clientValidation.mode', (t) => {
  const cases: [string, string][] = [
    ['on', 'RequireAndVerify'],
    ['optional', 'VerifyIfGiven'],
    ['optional_no_ca', 'Request'],
  ]
  for (const [value, mode] of cases) {
    const r = run({'auth-tls-secret': 'billing/client-ca', 'auth-tls-verify-client': value})
    t.is(fidelityFor(r, 'auth-tls-verify-client'), 'manual', value)
    t.regex(diagnosticsFor(r, 'auth-tls-secret')[0]!.hint!, new RegExp(`mode: ${mode}\\}`), value)
    t.regex(diagnosticsFor(r, 'auth-tls-verify-client')[0]!.message, new RegExp(`mode ${mode}`), value)
  }
  const bad = run({'auth-tls-secret': 'billing/client-ca', 'auth-tls-verify-client': 'required'})
  t.is(diagnosticsFor(bad, 'auth-tls-verify-client')[0]?.code, 'invalid-annotation-value')
  t.regex(diagnosticsFor(bad, 'auth-tls-secret')[0]!.hint!, /mode: RequireAndVerify/, 'an invalid value means on')
})

test('verify-client off: nginx asks for no certificate, but its ssl-client-* headers replaced the client\'s: reported', (t) => {
  const r = run({'auth-tls-secret': 'billing/client-ca', 'auth-tls-verify-client': 'off', 'auth-tls-verify-depth': '2', 'auth-tls-pass-certificate-to-upstream': 'true'})
  // nginx.tmpl: `{{ if not (empty $server.CertificateAuth.CAFileName) }}` sets ssl-client-verify ($ssl_client_verify,
  // NONE without verification) and the empty subject/issuer/cert headers, which nginx then does not send at all.
  t.is(fidelityFor(r, 'auth-tls-secret'), 'approximate')
  const [d] = diagnosticsFor(r, 'auth-tls-secret')
  t.is(d?.level, 'warning')
  t.regex(d!.message, /ssl-client-verify: NONE upstream and dropped client-sent ssl-client-subject-dn, ssl-client-issuer-dn, ssl-client-cert/)
  t.regex(d!.hint!, /RequestHeaderModifier \{set: \[\{name: ssl-client-verify, value: NONE\}\], remove: \[ssl-client-subject-dn, ssl-client-issuer-dn, ssl-client-cert\]\}/)
  t.deepEqual(routeOf(r)!.spec.parentRefs.map((p: any) => p.sectionName), ['https'], 'no certificate asked: the shared listener')
  t.is(fidelityFor(r, 'auth-tls-verify-client'), 'exact')
  t.is(fidelityFor(r, 'auth-tls-verify-depth'), 'ignored')
})

test('the differences name the revocation list nginx loaded from ca.crl, and the ssl-client-* headers of the optional modes', (t) => {
  const on = diagnosticsFor(run({'auth-tls-secret': 'billing/client-ca'}, {translate: {emitGateway: true}}), 'auth-tls-secret')[0]!
  // store/backend_ssl.go reads ca.crl from the CA Secret, nginx.tmpl renders ssl_crl; the Secret is never read here.
  t.regex(on.message, /if Secret billing\/client-ca holds ca\.crl, nginx refused revoked certificates and the listener does not until clientValidation\.crl\.refs lists that Secret/)
  t.notRegex(on.message, /removes ssl-client-verify/, 'verify on: the headers are set from the verified certificate')
  const optional = diagnosticsFor(run({'auth-tls-secret': 'billing/client-ca', 'auth-tls-verify-client': 'optional'}, {translate: {emitGateway: true}}), 'auth-tls-secret')[0]!
  t.regex(optional.message, /removes ssl-client-verify, ssl-client-subject-dn and ssl-client-issuer-dn, which nginx set/)
  t.notRegex(optional.message, /verified or not/)
  const noCa = diagnosticsFor(run({'auth-tls-secret': 'billing/client-ca', 'auth-tls-verify-client': 'optional_no_ca'}, {translate: {emitGateway: true}}), 'auth-tls-secret')[0]!
  t.regex(noCa.message, /with optional_no_ca \(mode Request\) Envoy fills from any certificate the client presents, verified or not/)
})

test('one listener per host of the Ingress', (t) => {
  const r = run({'auth-tls-secret': 'billing/client-ca'}, {ingress: {hosts: ['pay.example.com', 'api.pay.example.com']}})
  const hint = diagnosticsFor(r, 'auth-tls-secret')[0]!.hint!
  t.regex(hint, /name: https-api-pay-example-com, hostname: api\.pay\.example\.com/)
  t.regex(hint, /name: https-pay-example-com, hostname: pay\.example\.com/)
})

test('pass-certificate-to-upstream false is exact; an invalid value drops the Ingress', (t) => {
  const off = run({'auth-tls-secret': 'billing/client-ca', 'auth-tls-pass-certificate-to-upstream': 'false'})
  t.is(fidelityFor(off, 'auth-tls-pass-certificate-to-upstream'), 'exact')
  const bad = run({'auth-tls-secret': 'billing/client-ca', 'auth-tls-pass-certificate-to-upstream': 'yes'})
  t.is(bad.ingresses[0]!.status, 'not-served')
})

test('match-cn -> a CEL authorization rule in the hint; a value without CN= drops the Ingress', (t) => {
  const r = run({'auth-tls-secret': 'billing/client-ca', 'auth-tls-match-cn': 'CN=(pos|kiosk)-[0-9]+'})
  t.is(fidelityFor(r, 'auth-tls-match-cn'), 'manual')
  t.true(diagnosticsFor(r, 'auth-tls-match-cn')[0]!.hint!.includes('connection.subject_peer_certificate.matches(\\"CN=(pos|kiosk)-[0-9]+\\")'))
  const bad = run({'auth-tls-secret': 'billing/client-ca', 'auth-tls-match-cn': 'pos-1'})
  t.is(bad.ingresses[0]!.status, 'not-served')
})

test('verify-depth and error-page are approximate', (t) => {
  const r = run({'auth-tls-secret': 'billing/client-ca', 'auth-tls-verify-depth': '1', 'auth-tls-error-page': 'https://pay.example.com/cert-help'})
  t.is(fidelityFor(r, 'auth-tls-verify-depth'), 'approximate')
  t.regex(diagnosticsFor(r, 'auth-tls-verify-depth')[0]!.message, /intermediate CA/)
  t.is(fidelityFor(r, 'auth-tls-error-page'), 'approximate')
  const badDepth = run({'auth-tls-secret': 'billing/client-ca', 'auth-tls-verify-depth': 'deep'})
  t.is(diagnosticsFor(badDepth, 'auth-tls-verify-depth')[0]?.code, 'invalid-annotation-value')
})

test('a CA without namespace, or in another namespace without allow-cross-namespace-resources: nginx answered 403 for the host', (t) => {
  // authtls Parse: k8s.ParseNameNS / cross-namespace -> LocationDenied -> AuthTLSError (nginx.tmpl: `return 403`).
  const plain = ingress({}, {name: 'static', paths: ['/static'], tls: false})
  for (const value of ['client-ca', 'pki/client-ca']) {
    const r = run({'auth-tls-secret': value}, {extra: [plain], translate: {emitGateway: true}})
    t.regex(diagnosticsFor(r, 'auth-tls-secret')[0]!.message, value === 'client-ca' ? /not namespace\/name/ : /another namespace/, value)
    // Its own paths answer 403 (the denial keeps the route, on the same never-generated listener).
    t.is(r.ingresses.find((i) => i.ingress === 'billing/payments')!.status, 'denied', value)
    t.truthy(r.diagnostics.find((d) => d.code === 'mtls-host-closed'), value)
    // The other Ingress of the host is not reachable either: its route points at a listener that is never generated.
    t.deepEqual(routeOf(r, 'static')!.spec.parentRefs.map((p: any) => p.sectionName), ['https-pay-example-com'], value)
    t.false(objectsOf(r, 'Gateway')[0]!.spec.listeners.some((l: any) => l.name === 'https-pay-example-com'), value)
  }
  // Spaces pass the validator (removed before BasicCharsRegex), but no Secret has such a name: denied, 403 too.
  const spaced = run({'auth-tls-secret': 'billing/client ca'})
  t.is(spaced.ingresses[0]!.status, 'denied')
  t.regex(diagnosticsFor(spaced, 'auth-tls-secret')[0]!.message, /names no Secret that can exist/)
  t.deepEqual(r403(spaced), {directResponse: {statusCode: 403}})
  const allowed = run({'auth-tls-secret': 'pki/client-ca'}, {extra: [configMap('ingress-nginx', 'ingress-nginx-controller', {'allow-cross-namespace-resources': 'true'})], translate: {emitGateway: true}})
  t.is(allowed.ingresses.find((i) => i.ingress === 'billing/payments')!.status, 'converted')
})

test('auth-tls-* without auth-tls-secret do nothing', (t) => {
  const r = run({'auth-tls-verify-client': 'on', 'auth-tls-match-cn': 'CN=x'})
  t.is(fidelityFor(r, 'auth-tls-verify-client'), 'ignored')
  t.is(fidelityFor(r, 'auth-tls-match-cn'), 'ignored')
})

// controller.go getBackendServers gives the server its CertificateAuth whether or not it has a certificate, and
// nginx.tmpl SERVER listens on 443 for every server with ssl_verify_client set; certificate.lua serves the default
// certificate to a name without one. https-listeners.ts planHttpsListeners generates no listener without a certificate
// for the host, so its routes stay on http: the messages must say that, not promise a listener.
test('auth-tls-secret on a host without TLS: the messages say the routes stay on http and HTTPS is not served, not that a listener carries them', (t) => {
  for (const emitGateway of [false, true]) {
    const r = run({'auth-tls-secret': 'billing/client-ca'}, {ingress: {tls: false}, translate: {emitGateway}})
    t.deepEqual(routeOf(r)!.spec.parentRefs.map((p: any) => p.sectionName), ['http'])
    t.false(r.objects.some((o) => o.kind === 'ClientTrafficPolicy' && o.spec.tls?.clientValidation))
    const [d] = diagnosticsFor(r, 'auth-tls-secret').filter((x) => x.code === 'mtls-listener')
    t.notRegex(d!.message, /every route of the host attaches there|the host's routes attach to listener/)
    t.regex(d!.message, /pay\.example\.com.*no TLS entry/)
    t.regex(d!.message, /plain HTTP, where nginx asked for none, stays on the http listener/)
    t.regex(d!.message, /not served over HTTPS \(mtls-host-without-tls\)/)
    t.regex(d!.message, /default certificate/)
    const without = r.diagnostics.find((x) => x.code === 'mtls-host-without-tls')!
    t.regex(without.message, /not served over HTTPS/)
    t.is(without.level, 'warning')
    t.is(fidelityFor(r, 'auth-tls-secret'), emitGateway ? 'approximate' : 'manual')
  }
})
