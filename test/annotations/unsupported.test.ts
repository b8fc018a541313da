import test from 'ava'
import {translate} from '../../src/translate/index.js'
import type {KubeObject, TranslateResult} from '../../src/translate/types.js'

const P = 'nginx.ingress.kubernetes.io/'

function run(annotations: Record<string, string>): TranslateResult {
  const ingress: KubeObject = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {name: 'legacy', namespace: 'team', annotations: Object.fromEntries(Object.entries(annotations).map(([k, v]) => [P + k, v]))},
    spec: {
      ingressClassName: 'nginx',
      tls: [{hosts: ['legacy.example.com'], secretName: 'legacy-tls'}],
      rules: [{host: 'legacy.example.com', http: {paths: [{path: '/', pathType: 'Prefix', backend: {service: {name: 'legacy', port: {number: 80}}}}]}}],
    },
  }
  return translate({objects: [{object: ingress, source: {file: 'test.yaml', line: 1}}]}, {})
}

const fidelity = (r: TranslateResult, key: string) => r.ingresses[0]!.annotations[P + key]
const diags = (r: TranslateResult, key: string) => r.diagnostics.filter((d) => d.annotation === P + key)

test('ModSecurity: enabled is manual with a WAF hint, disabled is exact, the transaction id follows', (t) => {
  const on = run({'enable-modsecurity': 'true', 'enable-owasp-core-rules': 'true', 'modsecurity-transaction-id': '$request_id'})
  for (const key of ['enable-modsecurity', 'enable-owasp-core-rules', 'modsecurity-transaction-id']) t.is(fidelity(on, key), 'manual', key)
  t.regex(diags(on, 'enable-modsecurity')[0]!.hint!, /Coraza/)
  const off = run({'enable-modsecurity': 'false', 'modsecurity-transaction-id': '$request_id'})
  t.is(fidelity(off, 'enable-modsecurity'), 'exact')
  t.is(fidelity(off, 'modsecurity-transaction-id'), 'ignored')
})

test('FastCGI parameters matter only with backend-protocol FCGI', (t) => {
  const http = run({'fastcgi-index': 'index.php', 'fastcgi-params-configmap': 'team/fcgi'})
  t.is(fidelity(http, 'fastcgi-index'), 'ignored')
  t.is(fidelity(http, 'fastcgi-params-configmap'), 'ignored')
  const fcgi = run({'backend-protocol': 'FCGI', 'fastcgi-index': 'index.php', 'fastcgi-params-configmap': 'team/fcgi'})
  t.is(fidelity(fcgi, 'fastcgi-index'), 'manual')
  t.is(fidelity(fcgi, 'fastcgi-params-configmap'), 'manual')
})

test('Set-Cookie rewriting is manual unless off', (t) => {
  const r = run({'proxy-cookie-domain': 'backend.internal example.com', 'proxy-cookie-path': 'off'})
  t.is(fidelity(r, 'proxy-cookie-domain'), 'manual')
  t.regex(diags(r, 'proxy-cookie-domain')[0]!.message, /no longer rewritten/)
  t.is(fidelity(r, 'proxy-cookie-path'), 'exact')
})

test('proxy-redirect-from/-to: manual as a pair, ignored when half set or off', (t) => {
  const pair = run({'proxy-redirect-from': 'http://backend.internal/', 'proxy-redirect-to': 'https://legacy.example.com/'})
  t.is(fidelity(pair, 'proxy-redirect-from'), 'manual')
  t.is(fidelity(pair, 'proxy-redirect-to'), 'manual')
  t.regex(diags(pair, 'proxy-redirect-from')[0]!.hint!, /Lua/)
  const off = run({'proxy-redirect-from': 'off', 'proxy-redirect-to': 'https://legacy.example.com/'})
  t.is(fidelity(off, 'proxy-redirect-from'), 'exact')
  t.is(fidelity(off, 'proxy-redirect-to'), 'ignored')
  const dflt = run({'proxy-redirect-from': 'default'})
  t.is(fidelity(dflt, 'proxy-redirect-from'), 'ignored')
  const fromOnly = run({'proxy-redirect-from': 'http://backend.internal/'})
  t.is(fidelity(fromOnly, 'proxy-redirect-from'), 'ignored')
})

test('ssl-ciphers is a listener setting: manual with the ClientTrafficPolicy to write', (t) => {
  const r = run({'ssl-ciphers': 'ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384', 'ssl-prefer-server-ciphers': 'true'})
  t.is(fidelity(r, 'ssl-ciphers'), 'manual')
  t.regex(diags(r, 'ssl-ciphers')[0]!.hint!, /HTTPS listener with hostname legacy\.example\.com .* ClientTrafficPolicy/)
  t.is(fidelity(r, 'ssl-prefer-server-ciphers'), 'ignored')
  const clientOrder = run({'ssl-prefer-server-ciphers': 'false'})
  t.is(fidelity(clientOrder, 'ssl-prefer-server-ciphers'), 'approximate')
  const bad = run({'ssl-ciphers': 'HIGH aNULL'})
  t.is(diags(bad, 'ssl-ciphers')[0]?.code, 'invalid-annotation-value')
})
