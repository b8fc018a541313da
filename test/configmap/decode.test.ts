/**
 * ConfigMap values decode as ingress-nginx's ReadConfig decodes them: mapstructure with WeaklyTypedInput
 * (mapstructure.go decodeBool / decodeInt), i.e. strconv.ParseBool on the raw string with "" as false, and
 * strconv.ParseInt(s, 0, 64) with "" as 0. Expected values below are what those Go functions return.
 */
import test from 'ava'
import {parseGoBool, parseGoInt} from '../../src/model/go-decode.js'
import {controllerDefaults} from '../../src/model/controller-defaults.js'

test('booleans: ParseBool spellings, "" is false, no trimming', (t) => {
  for (const v of ['1', 't', 'T', 'TRUE', 'true', 'True']) t.is(parseGoBool(v), true, v)
  for (const v of ['0', 'f', 'F', 'FALSE', 'false', 'False', '']) t.is(parseGoBool(v), false, JSON.stringify(v))
  // ParseBool(" true") and ParseBool("yes") are errors: mapstructure reports them and the default stays.
  for (const v of [' true', 'true ', 'yes', 'on', 'tRUE']) t.is(parseGoBool(v), undefined, JSON.stringify(v))
})

test('integers: base prefixes, octal leading zero, underscores, "" is 0', (t) => {
  const cases: Array<[string, number | undefined]> = [
    ['', 0], ['60', 60], ['+60', 60], ['-5', -5], ['0', 0],
    ['010', 8], ['0x1e', 30], ['0X1E', 30], ['0o17', 15], ['0b101', 5], ['1_000', 1000], ['0x_1f', 31],
    // syntax errors in strconv: 8 is not an octal digit, dangling or doubled underscores, units, spaces, bare prefix
    ['08', undefined], ['1__0', undefined], ['_1', undefined], ['1_', undefined], ['60s', undefined],
    [' 60', undefined], ['0x', undefined], ['1.5', undefined],
    // range: int is 64 bits
    ['9223372036854775808', undefined],
  ]
  for (const [input, expected] of cases) t.is(parseGoInt(input), expected, JSON.stringify(input))
})

test('ssl-redirect: "" in the ConfigMap turns the default off, as mapstructure decodes it', (t) => {
  const configMap = (value: string) => ({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'ingress-nginx-controller', namespace: 'ingress-nginx'}, data: {'ssl-redirect': value}})
  t.false(controllerDefaults(configMap('')).sslRedirect)
  t.false(controllerDefaults(configMap('false')).sslRedirect)
  t.true(controllerDefaults(configMap(' false')).sslRedirect, 'an invalid value keeps the default (true)')
  t.is(controllerDefaults({...configMap(''), data: {'proxy-connect-timeout': '010'}}).proxyConnectTimeout, 8)
})
