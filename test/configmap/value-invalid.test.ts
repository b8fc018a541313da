/**
 * configmap-value-invalid as data: a CI tool reads {key, value, expected, default} rather than the sentence. The
 * defaults nginx keeps come from config.go NewDefault (proxy-connect-timeout 5, proxy-body-size 1m,
 * proxy-next-upstream-tries 3, hsts-max-age 31536000, keep-alive-requests 1000); a value nginx cannot parse leaves
 * the default in place (ReadConfig decodes the ConfigMap with mapstructure's weak decoding and keeps NewDefault's
 * value for a field that fails).
 */
import test from 'ava'
import {clientTrafficFromConfigMap} from '../../src/translate/bundle/client-traffic.js'
import type {Diagnostic} from '../../src/model/types.js'

function diagnostics(data: Record<string, string>, nginxDefaults = true): Diagnostic[] {
  const cm = {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'ingress-nginx-controller', namespace: 'ingress-nginx'}, data}
  return clientTrafficFromConfigMap(cm, {gateway: {namespace: 'gateway', name: 'shared'}, clientIp: 'auto', nginxDefaults, httpsListener: 'https'}).diagnostics
}
const invalid = (ds: Diagnostic[], key: string) => ds.find((d) => d.annotation === key && d.code === 'configmap-value-invalid')

test('each unparsable value says, as data, what was expected and which default applies', (t) => {
  const ds = diagnostics({
    'proxy-connect-timeout': '5s',
    'proxy-body-size': '8mb',
    'proxy-next-upstream-tries': '-1',
    'hsts-max-age': '1y',
    'keep-alive-requests': 'many',
    'ssl-redirect': 'sometimes',
    'ssl-ecdh-curve': 'brainpoolP256r1',
  })
  t.deepEqual(invalid(ds, 'proxy-connect-timeout')?.data, {key: 'proxy-connect-timeout', value: '5s', expected: 'seconds', default: 5, gatewayPolicy: true})
  t.deepEqual(invalid(ds, 'proxy-body-size')?.data, {key: 'proxy-body-size', value: '8mb', expected: 'nginx-size', default: '1m', gatewayPolicy: true})
  t.deepEqual(invalid(ds, 'proxy-next-upstream-tries')?.data, {key: 'proxy-next-upstream-tries', value: '-1', expected: 'non-negative-integer', default: 3})
  t.deepEqual(invalid(ds, 'hsts-max-age')?.data, {key: 'hsts-max-age', value: '1y', expected: 'max-age-seconds', default: 31536000})
  t.deepEqual(invalid(ds, 'keep-alive-requests')?.data, {key: 'keep-alive-requests', value: 'many', expected: 'integer', default: 1000, min: 1})
  t.deepEqual(invalid(ds, 'ssl-redirect')?.data, {key: 'ssl-redirect', value: 'sometimes', expected: 'boolean', default: true, scope: 'route-default'})
  t.deepEqual(invalid(ds, 'ssl-ecdh-curve')?.data, {key: 'ssl-ecdh-curve', value: 'brainpoolP256r1', expected: 'curve', supported: ['X25519', 'P-256', 'P-384', 'P-521']})
  for (const d of ds.filter((x) => x.code === 'configmap-value-invalid')) t.deepEqual([d.level, d.fidelity], ['warning', 'ignored'], d.annotation)
})

test('the sentence names the key, the value and the default kept (one rendering pinned)', (t) => {
  const off = diagnostics({'proxy-read-timeout': '60s'}, false)
  t.is(invalid(off, 'proxy-read-timeout')?.message, 'proxy-read-timeout: "60s" is not a number of seconds (nginx takes no units); nginx kept its default 60s')
  t.deepEqual(invalid(off, 'proxy-read-timeout')?.data, {key: 'proxy-read-timeout', value: '60s', expected: 'seconds', default: 60, gatewayPolicy: false})
})
