import test from 'ava'
import {diagnosticsFor, fidelityFor, fixture} from './support.js'

const {run} = fixture({name: 'legacy', host: 'legacy.example.com', tls: true})

test('ModSecurity: enabled is manual with a WAF hint, disabled is exact, the transaction id follows', (t) => {
  const on = run({'enable-modsecurity': 'true', 'enable-owasp-core-rules': 'true', 'modsecurity-transaction-id': '$request_id'})
  for (const key of ['enable-modsecurity', 'enable-owasp-core-rules', 'modsecurity-transaction-id']) t.is(fidelityFor(on, key), 'manual', key)
  t.regex(diagnosticsFor(on, 'enable-modsecurity')[0]!.hint!, /Coraza/)
  const off = run({'enable-modsecurity': 'false', 'modsecurity-transaction-id': '$request_id'})
  t.is(fidelityFor(off, 'enable-modsecurity'), 'exact')
  t.is(fidelityFor(off, 'modsecurity-transaction-id'), 'ignored')
})

test('FastCGI parameters matter only with backend-protocol FCGI', (t) => {
  const http = run({'fastcgi-index': 'index.php', 'fastcgi-params-configmap': 'team/fcgi'})
  t.is(fidelityFor(http, 'fastcgi-index'), 'ignored')
  t.is(fidelityFor(http, 'fastcgi-params-configmap'), 'ignored')
  const fcgi = run({'backend-protocol': 'FCGI', 'fastcgi-index': 'index.php', 'fastcgi-params-configmap': 'team/fcgi'})
  t.is(fidelityFor(fcgi, 'fastcgi-index'), 'manual')
  t.is(fidelityFor(fcgi, 'fastcgi-params-configmap'), 'manual')
})

test('Set-Cookie rewriting is manual unless off', (t) => {
  const r = run({'proxy-cookie-domain': 'backend.internal example.com', 'proxy-cookie-path': 'off'})
  t.is(fidelityFor(r, 'proxy-cookie-domain'), 'manual')
  t.regex(diagnosticsFor(r, 'proxy-cookie-domain')[0]!.message, /no longer rewritten/)
  t.is(fidelityFor(r, 'proxy-cookie-path'), 'exact')
})

test('proxy-redirect-from/-to: manual as a pair, ignored when half set or off', (t) => {
  const pair = run({'proxy-redirect-from': 'http://backend.internal/', 'proxy-redirect-to': 'https://legacy.example.com/'})
  t.is(fidelityFor(pair, 'proxy-redirect-from'), 'manual')
  t.is(fidelityFor(pair, 'proxy-redirect-to'), 'manual')
  t.regex(diagnosticsFor(pair, 'proxy-redirect-from')[0]!.hint!, /Lua/)
  const off = run({'proxy-redirect-from': 'off', 'proxy-redirect-to': 'https://legacy.example.com/'})
  t.is(fidelityFor(off, 'proxy-redirect-from'), 'exact')
  t.is(fidelityFor(off, 'proxy-redirect-to'), 'ignored')
  const dflt = run({'proxy-redirect-from': 'default'})
  t.is(fidelityFor(dflt, 'proxy-redirect-from'), 'ignored')
  const fromOnly = run({'proxy-redirect-from': 'http://backend.internal/'})
  t.is(fidelityFor(fromOnly, 'proxy-redirect-from'), 'ignored')
})

test('ssl-ciphers is a listener setting: manual with the ClientTrafficPolicy to write', (t) => {
  const r = run({'ssl-ciphers': 'ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384', 'ssl-prefer-server-ciphers': 'true'})
  t.is(fidelityFor(r, 'ssl-ciphers'), 'manual')
  t.regex(diagnosticsFor(r, 'ssl-ciphers')[0]!.hint!, /HTTPS listener with hostname legacy\.example\.com .* ClientTrafficPolicy/)
  t.is(fidelityFor(r, 'ssl-prefer-server-ciphers'), 'ignored')
  const clientOrder = run({'ssl-prefer-server-ciphers': 'false'})
  t.is(fidelityFor(clientOrder, 'ssl-prefer-server-ciphers'), 'approximate')
  const bad = run({'ssl-ciphers': 'HIGH aNULL'})
  t.is(diagnosticsFor(bad, 'ssl-ciphers')[0]?.code, 'invalid-annotation-value')
})
