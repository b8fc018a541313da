/**
 * creationTimestamp compared as the controllers compare it: metav1.Time Equal/Before (instants), at the whole second
 * the API server stores (apimachinery time.go MarshalJSON: time.RFC3339). ingress-nginx store.go sortIngressSlice
 * orders Ingresses oldest first, equal ones by namespace/name descending; Envoy Gateway resource.go Sort orders
 * routes oldest first, equal ones by namespace then name. File input may write a time with an offset, a fraction or
 * lower-case letters; text comparison got those wrong.
 */
import test from 'ava'
import {compareCreation, creationSecond} from '../src/util/timestamp.js'
import {parseManifestText} from '../src/sources/parse-manifests.js'
import {byAgeThenName} from '../src/verify/gateway-inventory.js'
import type {KubeObject} from '../src/model/types.js'
import {ingressWith, translateAll} from './annotations/support.js'

const EPOCH_2024 = 1704067200 // 2024-01-01T00:00:00Z

test('creationSecond: the instant of any RFC 3339 date-time, truncated to the second', (t) => {
  t.is(creationSecond('2024-01-01T00:00:00Z'), EPOCH_2024)
  t.is(creationSecond('2024-01-01T02:00:00+02:00'), EPOCH_2024)
  t.is(creationSecond('2023-12-31T19:30:00-04:30'), EPOCH_2024)
  t.is(creationSecond('2024-01-01T00:00:00.999999999Z'), EPOCH_2024)
  t.is(creationSecond('2024-01-01t00:00:00z'), EPOCH_2024)
  t.is(creationSecond('2024-02-29T00:00:00Z'), EPOCH_2024 + 59 * 86400)
  t.is(creationSecond('1970-01-01T00:00:00Z'), 0)
  // Years below 100 are themselves (JavaScript's Date.UTC would read 0099 as 1999).
  t.is(creationSecond('0099-01-01T00:00:00Z'), -59042995200)
})

test('creationSecond: no time at all for what time.Parse(time.RFC3339) refuses (Date.parse accepted each)', (t) => {
  for (const value of ['2024-01-01', 'Jan 1 2024', '2024-01-01 00:00:00Z', '2024-01-01T00:00:00', '2024-02-30T00:00:00Z', '2023-02-29T00:00:00Z', '2024-01-01T24:00:00Z', '2024-01-01T00:00:60Z', '2024-13-01T00:00:00Z', '', 1704067200, null, undefined]) {
    t.is(creationSecond(value), undefined, String(value))
  }
})

test('compareCreation: oldest first, missing or unparseable last and equal to each other', (t) => {
  t.true(compareCreation(1, 2) < 0)
  t.true(compareCreation(2, 1) > 0)
  t.is(compareCreation(5, 5), 0)
  t.true(compareCreation(undefined, 1) > 0)
  t.true(compareCreation(1, undefined) < 0)
  t.is(compareCreation(undefined, undefined), 0)
})

/** Two Ingresses with the same host and path: the first in nginx order serves it, the other gets path-conflict. */
function pathOwner(a: {name: string; created: string}, b: {name: string; created: string}) {
  const ing = (x: {name: string; created: string}) => ingressWith({}, {name: x.name, namespace: 'web', host: 'shop.example.com', created: x.created})
  const conflict = translateAll([ing(a), ing(b)]).diagnostics.find((d) => d.code === 'path-conflict')
  return conflict?.data as {winner: string; reason: string} | undefined
}

test('nginx order: creation times within one second are equal (the API server keeps seconds), so the name decides', (t) => {
  // web/b wins by name descending; by milliseconds web/a would have been older.
  t.like(pathOwner({name: 'a', created: '2024-01-01T00:00:00.1Z'}, {name: 'b', created: '2024-01-01T00:00:00.9Z'}), {winner: 'web/b', reason: 'tie'})
})

test('nginx order: the same instant written with two offsets is a tie, not the lexically smaller text', (t) => {
  t.like(pathOwner({name: 'a', created: '2024-01-01T00:00:00Z'}, {name: 'b', created: '2024-01-01T02:00:00+02:00'}), {winner: 'web/b', reason: 'tie'})
  // An offset that makes the later-looking text the older instant.
  t.like(pathOwner({name: 'b', created: '2024-01-01T01:00:00Z'}, {name: 'a', created: '2024-01-01T02:00:00+02:00'}), {winner: 'web/a', reason: 'older'})
})

test('nginx order: lower-case t and z name the same instant as upper-case ones', (t) => {
  t.like(pathOwner({name: 'a', created: '2024-01-01T00:00:00Z'}, {name: 'b', created: '2024-01-01t00:00:00z'}), {winner: 'web/b', reason: 'tie'})
  t.like(pathOwner({name: 'b', created: '2024-01-02T00:00:00Z'}, {name: 'a', created: '2024-01-01t00:00:00z'}), {winner: 'web/a', reason: 'older'})
})

test('nginx order: an unparseable creationTimestamp orders as a missing one, after every real one', (t) => {
  // Date.parse read `2024-01-01` as midnight and made web/b the older.
  t.like(pathOwner({name: 'b', created: '2024-01-01'}, {name: 'a', created: '2024-06-01T00:00:00Z'}), {winner: 'web/a'})
})

test('a canary whose creationTimestamp has an offset is "older" by its instant, not by its text', (t) => {
  // 2024-01-01T05:00:00+06:00 is 2023-12-31T23:00:00Z: the canary came first in nginx order, created the upstream of
  // Service app (controller.go createUpstreams) and the primary's path was not served; its text sorts after the primary's.
  const canary = ingressWith({canary: 'true', 'canary-weight': '10'}, {name: 'app-canary', namespace: 'web', host: 'other.example.com', service: 'app', created: '2024-01-01T05:00:00+06:00'})
  const primary = ingressWith({}, {name: 'app', namespace: 'web', host: 'a.example.com', service: 'app', created: '2024-01-01T00:00:00Z'})
  const owned = translateAll([primary, canary]).diagnostics.find((d) => d.code === 'upstream-owned-by-canary')
  t.like(owned?.data, {canary: 'web/app-canary', canaryOlder: true})
})

test('Envoy Gateway order (verify): routes by instant at the second, then namespace, then name', (t) => {
  const route = (name: string, created?: string): KubeObject => ({apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: {name, namespace: 'web', ...(created ? {creationTimestamp: created} : {})}})
  const sorted = [route('c', '2024-01-01T00:00:00.9Z'), route('b', '2024-01-01T02:00:00+02:00'), route('a', '2024-01-01t00:00:00.5z'), route('z', '2023-12-31T23:59:59Z'), route('y')]
  t.deepEqual(sorted.sort(byAgeThenName).map((r) => r.metadata.name), ['z', 'a', 'b', 'c', 'y'])
})

test('file input: an unparseable creationTimestamp is reported, naming the object and the value', (t) => {
  const doc = (name: string, created: string) => `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: ${name}\n  namespace: web\n  creationTimestamp: ${created}\nspec:\n  defaultBackend: {service: {name: s, port: {number: 80}}}\n`
  const r = parseManifestText([doc('good', '"2024-01-01T02:00:00.5+02:00"'), doc('bad', '"yesterday"'), doc('number', '1704067200')].join('---\n'), 'a.yaml', {defaultNamespace: 'default', namespaceExplicit: false})
  t.deepEqual(
    r.diagnostics.map((d) => [d.level, d.code, d.object, d.data]),
    [
      ['warning', 'invalid-object', 'Ingress web/bad', {problem: 'creation-timestamp-unparseable', value: 'yesterday'}],
      ['warning', 'invalid-object', 'Ingress web/number', {problem: 'creation-timestamp-unparseable', value: '1704067200'}],
    ],
  )
  t.regex(r.diagnostics[0]!.message, /creationTimestamp "yesterday" is not an RFC 3339 time/)
  t.is(r.objects.length, 3)
})

test('path-conflict: an Ingress without a creationTimestamp loses to one with, and the message does not claim the name decided', (t) => {
  // hosts.ts reportConflict called this a tie, "ingress-nginx then orders by namespace/name descending, which puts
  // web/a first": by name web/z comes first; web/a won because web/z, having no time, is ordered after it.
  const ing = (name: string, created?: string) => ingressWith({}, {name, namespace: 'web', host: 'shop.example.com', ...(created ? {created} : {})})
  for (const input of [[ing('a', '2024-01-01T00:00:00Z'), ing('z')], [ing('z'), ing('a', '2024-01-01T00:00:00Z')], [ing('a', '2024-01-01T00:00:00Z'), ing('z', 'yesterday')]]) {
    const conflict = translateAll(input).diagnostics.find((d) => d.code === 'path-conflict')
    t.like(conflict?.data, {winner: 'web/a', loser: 'web/z', reason: 'undated', winnerCreated: '2024-01-01T00:00:00Z'})
    t.notRegex(conflict!.message, /namespace\/name descending/)
    t.regex(conflict!.message, /web\/a has creationTimestamp 2024-01-01T00:00:00Z and the other has none that is an RFC 3339 time/)
  }
})
