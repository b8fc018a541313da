/**
 * regex-order-differs (emit-routes.ts reportRegexOrder): nginx tries a regex host's locations longest path first
 * (controller.go getBackendServers) and Envoy Gateway its regex routes longest pattern first (sort.go
 * pathMatchCount); a top-level alternative lengthens the pattern by two characters and can swap two of them. Both
 * lengths are Go's len, in UTF-8 bytes: non-ASCII paths measured in UTF-16 code units made false warnings and
 * hid real swaps.
 */
import test from 'ava'
import {translate} from '../src/translate/index.js'

function regexIngress(paths: string[]): any {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {name: 'a', namespace: 'app', annotations: {'nginx.ingress.kubernetes.io/use-regex': 'true'}},
    spec: {
      ingressClassName: 'nginx',
      rules: [{host: 'h.example.com', http: {paths: paths.map((path, i) => ({path, pathType: 'ImplementationSpecific', backend: {service: {name: `s${i}`, port: {number: 80}}}}))}}],
    },
  }
}

const swaps = (paths: string[]) => translate({objects: [{object: regexIngress(paths), source: {}}]}).diagnostics.filter((d) => d.code === 'regex-order-differs').length

test('regex-order-differs measures paths and patterns in UTF-8 bytes, as Go does', (t) => {
  // `/ééé/xy` is 10 bytes, `/a|/bcde` 8: nginx tries the first first; EG's patterns tie (the alternative adds 2), and a
  // tie keeps the rule order, so nothing swaps (in code units, 7 against 10, it looked like a swap).
  t.is(swaps(['/ééé/xy', '/a|/bcde']), 0)
  // `/abcdefghi` is 10 bytes, `/é|/éé` 9: nginx tries the first first; EG's pattern for the second is a byte longer and
  // goes ahead (in code units, 10 against 8, it looked like no swap).
  t.is(swaps(['/abcdefghi', '/é|/éé']), 1)
  // ASCII as before: `/abcdefghi` is a byte longer than `/a|/bcdef` for nginx, a byte shorter as EG's pattern.
  t.is(swaps(['/abcdefghi', '/a|/bcdef']), 1)
})
