/**
 * A ConfigMap key's account as data: {key, value, note}, the message being `<key>: <note>` (context.ts note/notice/
 * exact), or {key, default, note} when the key is absent and nginx's default applied (config.go NewDefault:
 * load-balance round_robin, proxy-body-size 1m). A CI tool reads key and value; the note is prose.
 */
import test from 'ava'
import {clientTrafficFromConfigMap} from '../../src/translate/bundle/client-traffic.js'
import type {Diagnostic} from '../../src/model/types.js'
import {addConfigMapKeys, clientTrafficObjects} from '../../src/translate/emit-bundle.js'
import {DEFAULT_OPTIONS} from '../../src/translate/options.js'

function diagnostics(data: Record<string, string>, nginxDefaults = true): Diagnostic[] {
  const cm = {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'ingress-nginx-controller', namespace: 'ingress-nginx'}, data}
  return clientTrafficFromConfigMap(cm, {gateway: {namespace: 'gateway', name: 'shared'}, clientIp: 'auto', nginxDefaults, httpsListener: 'https'}).diagnostics
}
const account = (ds: Diagnostic[], key: string) => ds.find((d) => d.annotation === key)

test('a mapped key carries its key and value as written, and the message is `<key>: <note>`', (t) => {
  const d = account(diagnostics({'use-http2': 'false'}), 'use-http2')
  t.is(d?.code, 'configmap-key-mapped')
  t.deepEqual([d?.level, d?.fidelity], ['info', 'exact'])
  t.deepEqual(d?.data, {key: 'use-http2', value: 'false', note: '"false" -> tls.alpnProtocols: [http/1.1] (no HTTP/2 on the https listener)'})
  t.is(d?.message, `use-http2: ${(d?.data as {note: string}).note}`)
})

test('a notice quotes the value on one line, cut at 120 characters, in data as in the message: a snippet is not copied whole', (t) => {
  const snippet = `location /x {\n  ${'proxy_set_header X-Long-Header "value";\n  '.repeat(6)}}`
  const d = account(diagnostics({'http-snippet': snippet}), 'http-snippet')
  t.is(d?.code, 'configmap-snippet')
  t.deepEqual([d?.level, d?.fidelity], ['warning', 'manual'])
  const shown = snippet.replace(/\s+/g, ' ').trim().slice(0, 120) + '...'
  t.deepEqual(d?.data, {key: 'http-snippet', value: shown, note: `"${shown}" is raw nginx configuration (http context); review what it did: it has no declarative equivalent`})
  t.is(d?.message, `http-snippet: "${shown}" is raw nginx configuration (http context); review what it did: it has no declarative equivalent`)
})

test('ssl-ciphers names the suites kept and the ones BoringSSL does not have (no DHE suites) as lists', (t) => {
  const d = account(diagnostics({'ssl-ciphers': 'ECDHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-SHA'}), 'ssl-ciphers')
  t.is(d?.code, 'ssl-ciphers-approximate')
  t.deepEqual([d?.level, d?.fidelity], ['warning', 'approximate'])
  t.deepEqual(d?.data, {key: 'ssl-ciphers', value: 'ECDHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-SHA', kept: ['ECDHE-RSA-AES128-GCM-SHA256'], dropped: ['DHE-RSA-AES256-SHA']})
})

test('an absent key whose nginx default is carried says which default, as data', (t) => {
  const withDefaults = diagnostics({})
  const balancer = withDefaults.find((d) => d.code === 'configmap-route-default' && (d.data as {key?: string} | undefined)?.key === 'load-balance')
  t.like(balancer?.data, {key: 'load-balance', default: 'round_robin'})
  t.true(balancer?.message.startsWith("nginx's default balancer round_robin (ConfigMap load-balance) -> Gateway-level BackendTrafficPolicy loadBalancer RoundRobin"))
  const body = diagnostics({}, false).find((d) => d.code === 'proxy-body-size-default')
  t.deepEqual(body?.data, {key: 'proxy-body-size', default: '1m'})
  t.is(body?.message, 'nginx limited request bodies to 1m by default (proxy-body-size); Envoy Gateway sets no limit, so larger uploads that nginx refused with 413 now reach the backends')
})

test('a ConfigMap snippet notice masks credentials as annotation snippets do (redactSecrets), before the cut', (t) => {
  const snippet = 'location /admin { if ($http_authorization != "Basic c2VjcmV0OnBhc3M=") { return 401; } proxy_pass https://ops:hunter2@backend.internal; }'
  const d = account(diagnostics({'server-snippet': snippet}), 'server-snippet')
  const seen = JSON.stringify({message: d?.message, data: d?.data})
  t.false(seen.includes('c2VjcmV0OnBhc3M='), seen)
  t.false(seen.includes('hunter2'), seen)
  t.true(seen.includes('<redacted>'), seen)
})

test('one ConfigMap read by two Gateways: the report table keeps each key\'s worst outcome, not the first Gateway\'s', (t) => {
  // hsts-max-age is exact where the Gateway has an https listener (part of the Strict-Transport-Security value) and
  // ignored where it has none (hsts-no-https-listener): the shared table must not say exact for both.
  const cm = {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'ingress-nginx-controller', namespace: 'ingress-nginx'}, data: {'hsts-max-age': '600', 'use-gzip': 'true'}}
  const options = {...DEFAULT_OPTIONS, nginxDefaults: true}
  const run = (first: boolean) => {
    const withHttps = {gateway: {namespace: 'gateway', name: 'a'}, configMap: cm, hasHttps: true}
    const without = {gateway: {namespace: 'gateway', name: 'b'}, configMap: cm, hasHttps: false}
    return clientTrafficObjects(first ? [withHttps, without] : [without, withHttps], true, options, [], []).configMapKeys
  }
  for (const order of [true, false]) {
    const tables = run(order)
    t.is(tables?.length, 1)
    t.is(tables?.[0].keys['hsts-max-age'], 'ignored')
  }
  const alone = clientTrafficObjects([{gateway: {namespace: 'gateway', name: 'a'}, configMap: cm, hasHttps: true}], true, options, [], []).configMapKeys
  t.is(alone?.[0].keys['hsts-max-age'], 'exact')
  t.is(alone?.[0].keys['use-gzip'], run(true)?.[0].keys['use-gzip'])
})

test('addConfigMapKeys ranks exact < ignored < approximate < manual and keeps keys only one Gateway read', (t) => {
  const tables: {configMap: string; keys: Record<string, 'exact' | 'approximate' | 'manual' | 'ignored'>}[] = []
  addConfigMapKeys(tables, 'ConfigMap n/c', {a: 'approximate', b: 'exact', c: 'manual'})
  addConfigMapKeys(tables, 'ConfigMap n/c', {a: 'exact', b: 'ignored', d: 'exact'})
  addConfigMapKeys(tables, 'ConfigMap n/c', {b: 'approximate', c: 'approximate'})
  t.deepEqual(tables, [{configMap: 'ConfigMap n/c', keys: {a: 'approximate', b: 'approximate', c: 'manual', d: 'exact'}}])
})
