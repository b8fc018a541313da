import test from 'ava'
import {translate} from '../../src/translate/index.js'
import type {KubeObject, TranslateResult} from '../../src/translate/types.js'
import {loadValidator} from '../support/conformance.js'

const P = 'nginx.ingress.kubernetes.io/'

function ingress(annotations: Record<string, string>, hosts = ['pay.example.com']): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {name: 'payments', namespace: 'billing', annotations: Object.fromEntries(Object.entries(annotations).map(([k, v]) => [P + k, v]))},
    spec: {
      ingressClassName: 'nginx',
      tls: [{hosts, secretName: 'payments-tls'}],
      rules: hosts.map((host) => ({host, http: {paths: [{path: '/', pathType: 'Prefix', backend: {service: {name: 'payments', port: {number: 8443}}}}]}})),
    },
  }
}

function run(annotations: Record<string, string>, hosts?: string[]): TranslateResult {
  return translate({objects: [{object: ingress(annotations, hosts), source: {file: 'test.yaml', line: 1}}]}, {})
}

const fidelity = (r: TranslateResult, key: string) => r.ingresses[0]!.annotations[P + key]
const diags = (r: TranslateResult, key: string) => r.diagnostics.filter((d) => d.annotation === P + key)

test('auth-tls-secret needs a host listener + ClientTrafficPolicy: the hint names both, nothing is emitted for it', async (t) => {
  const r = run({'auth-tls-secret': 'billing/client-ca'})
  t.is(fidelity(r, 'auth-tls-secret'), 'manual')
  const [d] = diags(r, 'auth-tls-secret')
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
  const v = await loadValidator()
  for (const o of r.objects) t.deepEqual(v.validate(o), [], o.kind)
})

test('verify-client modes map to clientValidation.mode', (t) => {
  const cases: [string, string][] = [
    ['on', 'RequireAndVerify'],
    ['optional', 'VerifyIfGiven'],
    ['optional_no_ca', 'Request'],
  ]
  for (const [value, mode] of cases) {
    const r = run({'auth-tls-secret': 'billing/client-ca', 'auth-tls-verify-client': value})
    t.is(fidelity(r, 'auth-tls-verify-client'), 'manual', value)
    t.regex(diags(r, 'auth-tls-secret')[0]!.hint!, new RegExp(`mode: ${mode}\\}`), value)
    t.regex(diags(r, 'auth-tls-verify-client')[0]!.message, new RegExp(`mode ${mode}`), value)
  }
  const bad = run({'auth-tls-secret': 'billing/client-ca', 'auth-tls-verify-client': 'required'})
  t.is(diags(bad, 'auth-tls-verify-client')[0]?.code, 'invalid-annotation-value')
  t.regex(diags(bad, 'auth-tls-secret')[0]!.hint!, /mode: RequireAndVerify/, 'an invalid value means on')
})

test('verify-client off: nginx asks for no certificate, nothing to do', (t) => {
  const r = run({'auth-tls-secret': 'billing/client-ca', 'auth-tls-verify-client': 'off', 'auth-tls-verify-depth': '2'})
  t.is(fidelity(r, 'auth-tls-secret'), 'ignored')
  t.is(fidelity(r, 'auth-tls-verify-client'), 'exact')
  t.is(fidelity(r, 'auth-tls-verify-depth'), 'ignored')
})

test('one listener per host of the Ingress', (t) => {
  const r = run({'auth-tls-secret': 'billing/client-ca'}, ['pay.example.com', 'api.pay.example.com'])
  const hint = diags(r, 'auth-tls-secret')[0]!.hint!
  t.regex(hint, /sectionName: https-api-pay-example-com/)
  t.regex(hint, /sectionName: https-pay-example-com/)
})

test('pass-certificate-to-upstream -> xForwardedClientCert in the hint; an invalid value drops the Ingress', (t) => {
  const r = run({'auth-tls-secret': 'billing/client-ca', 'auth-tls-pass-certificate-to-upstream': 'true'})
  t.is(fidelity(r, 'auth-tls-pass-certificate-to-upstream'), 'manual')
  t.regex(diags(r, 'auth-tls-pass-certificate-to-upstream')[0]!.hint!, /xForwardedClientCert \{mode: SanitizeSet, certDetailsToAdd: \[Cert\]\}/)
  const off = run({'auth-tls-secret': 'billing/client-ca', 'auth-tls-pass-certificate-to-upstream': 'false'})
  t.is(fidelity(off, 'auth-tls-pass-certificate-to-upstream'), 'exact')
  const bad = run({'auth-tls-secret': 'billing/client-ca', 'auth-tls-pass-certificate-to-upstream': 'yes'})
  t.is(bad.ingresses[0]!.status, 'not-served')
})

test('match-cn -> a CEL authorization rule in the hint; a value without CN= drops the Ingress', (t) => {
  const r = run({'auth-tls-secret': 'billing/client-ca', 'auth-tls-match-cn': 'CN=(pos|kiosk)-[0-9]+'})
  t.is(fidelity(r, 'auth-tls-match-cn'), 'manual')
  t.true(diags(r, 'auth-tls-match-cn')[0]!.hint!.includes('connection.subject_peer_certificate.matches(\\"CN=(pos|kiosk)-[0-9]+\\")'))
  const bad = run({'auth-tls-secret': 'billing/client-ca', 'auth-tls-match-cn': 'pos-1'})
  t.is(bad.ingresses[0]!.status, 'not-served')
})

test('verify-depth and error-page are approximate', (t) => {
  const r = run({'auth-tls-secret': 'billing/client-ca', 'auth-tls-verify-depth': '1', 'auth-tls-error-page': 'https://pay.example.com/cert-help'})
  t.is(fidelity(r, 'auth-tls-verify-depth'), 'approximate')
  t.regex(diags(r, 'auth-tls-verify-depth')[0]!.message, /intermediate CA/)
  t.is(fidelity(r, 'auth-tls-error-page'), 'approximate')
  const badDepth = run({'auth-tls-secret': 'billing/client-ca', 'auth-tls-verify-depth': 'deep'})
  t.is(diags(badDepth, 'auth-tls-verify-depth')[0]?.code, 'invalid-annotation-value')
})

test('a secret without namespace is named as a failed lookup', (t) => {
  const r = run({'auth-tls-secret': 'client-ca'})
  t.regex(diags(r, 'auth-tls-secret')[0]!.message, /expects namespace\/name/)
})

test('auth-tls-* without auth-tls-secret do nothing', (t) => {
  const r = run({'auth-tls-verify-client': 'on', 'auth-tls-match-cn': 'CN=x'})
  t.is(fidelity(r, 'auth-tls-verify-client'), 'ignored')
  t.is(fidelity(r, 'auth-tls-match-cn'), 'ignored')
})
