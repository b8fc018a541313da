import test from 'ava'
import {assertValid, diagnosticsFor, fidelityFor, fixture, useValidator} from './support.js'

const {run} = fixture({name: 'payments', namespace: 'billing', host: 'pay.example.com', port: 8443, tls: true})
useValidator()

test('auth-tls-secret needs a host listener + ClientTrafficPolicy: the hint names both, nothing is emitted for it', (t) => {
  const r = run({'auth-tls-secret': 'billing/client-ca'})
  t.is(fidelityFor(r, 'auth-tls-secret'), 'manual')
  const [d] = diagnosticsFor(r, 'auth-tls-secret')
  t.is(d?.code, 'mtls-listener')
  t.regex(d!.message, /per host.*per listener/)
  t.regex(d!.message, /TLS handshake instead of nginx's HTTP 400/)
  const hint = d!.hint!
  t.regex(hint, /Gateway gateway\/shared/)
  t.regex(hint, /name: https-pay-example-com, hostname: pay\.example\.com/)
  t.regex(hint, /sectionName: https-pay-example-com/)
  t.regex(hint, /caCertificateRefs: \[\{kind: Secret, name: client-ca, namespace: billing\}\], mode: RequireAndVerify/)
  t.regex(hint, /ReferenceGrant in billing from ClientTrafficPolicy in gateway/)
  t.false(r.objects.some((o) => o.kind === 'ClientTrafficPolicy' || o.kind === 'SecurityPolicy'), 'the gateway owner decides; no tenant policy is emitted')
  assertValid(t, r)
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

test('verify-client off: nginx asks for no certificate, nothing to do', (t) => {
  const r = run({'auth-tls-secret': 'billing/client-ca', 'auth-tls-verify-client': 'off', 'auth-tls-verify-depth': '2'})
  t.is(fidelityFor(r, 'auth-tls-secret'), 'ignored')
  t.is(fidelityFor(r, 'auth-tls-verify-client'), 'exact')
  t.is(fidelityFor(r, 'auth-tls-verify-depth'), 'ignored')
})

test('one listener per host of the Ingress', (t) => {
  const r = run({'auth-tls-secret': 'billing/client-ca'}, {ingress: {hosts: ['pay.example.com', 'api.pay.example.com']}})
  const hint = diagnosticsFor(r, 'auth-tls-secret')[0]!.hint!
  t.regex(hint, /sectionName: https-api-pay-example-com/)
  t.regex(hint, /sectionName: https-pay-example-com/)
})

test('pass-certificate-to-upstream -> xForwardedClientCert in the hint; an invalid value drops the Ingress', (t) => {
  const r = run({'auth-tls-secret': 'billing/client-ca', 'auth-tls-pass-certificate-to-upstream': 'true'})
  t.is(fidelityFor(r, 'auth-tls-pass-certificate-to-upstream'), 'manual')
  t.regex(diagnosticsFor(r, 'auth-tls-pass-certificate-to-upstream')[0]!.hint!, /xForwardedClientCert \{mode: SanitizeSet, certDetailsToAdd: \[Cert\]\}/)
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

test('a secret without namespace is named as a failed lookup', (t) => {
  const r = run({'auth-tls-secret': 'client-ca'})
  t.regex(diagnosticsFor(r, 'auth-tls-secret')[0]!.message, /expects namespace\/name/)
})

test('auth-tls-* without auth-tls-secret do nothing', (t) => {
  const r = run({'auth-tls-verify-client': 'on', 'auth-tls-match-cn': 'CN=x'})
  t.is(fidelityFor(r, 'auth-tls-verify-client'), 'ignored')
  t.is(fidelityFor(r, 'auth-tls-match-cn'), 'ignored')
})
