/**
 * toJsonList writes what JSON.stringify wrote of the sorted deep copy (sortKeys) it used to make, while copying only
 * the objects whose keys are out of order: compared over generated data with integer-like and `__proto__` keys,
 * undefined values, holes, dates and null-prototype objects, which each change what the copy holds.
 */
import test from 'ava'
import fc from 'fast-check'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {sortKeys, toJsonList, toJsonListChunks, toYaml} from '../src/output/serialize.js'
import {setOwn} from '../src/util/json.js'
import type {KubeObject} from '../src/model/types.js'
import {runCli} from './support/run-cli.js'

const key = fc.oneof(
  fc.constantFrom('a', 'b', 'kind', 'apiVersion', 'metadata', 'name', '0', '1', '10', '2', '01', '-1', '4294967295', '4294967294', '1.5', '__proto__', 'toString', '', 'é', 'Z'),
  fc.string({maxLength: 4}),
)

const {value} = fc.letrec<{value: unknown}>((tie) => ({
  value: fc.oneof(
    {depthSize: 'small', withCrossShrink: true},
    fc.oneof(fc.string({maxLength: 4}), fc.double(), fc.integer(), fc.boolean(), fc.constantFrom(null, undefined, -0, NaN, Infinity)),
    fc.array(tie('value'), {maxLength: 4}),
    fc.sparseArray(tie('value'), {maxLength: 4}),
    fc.dictionary(key, tie('value'), {maxKeys: 6}),
    fc.dictionary(key, tie('value'), {maxKeys: 3, noNullPrototype: false}),
    fc.constantFrom(new Date(0), new Map([['a', 1]])),
  ),
}))

const before = (objects: unknown[]) => JSON.stringify(sortKeys({apiVersion: 'v1', kind: 'List', items: objects, metadata: {}}), null, 2) + '\n'

test('toJsonList writes the bytes of JSON.stringify(sortKeys(list)) for data of any shape', (t) => {
  fc.assert(
    fc.property(fc.array(value, {maxLength: 4}), (objects) => toJsonList(objects as KubeObject[]) === before(objects)),
    {numRuns: 3_000},
  )
  t.pass()
})

test('an object kept as it is and one copied in order write the same', (t) => {
  const inOrder = {a: 1, b: {c: [1, {d: 2}]}}
  const outOfOrder = {b: {c: [1, {d: 2}]}, a: 1, x: undefined}
  t.is(toJsonList([inOrder as unknown as KubeObject]), toJsonList([outOfOrder as unknown as KubeObject]))
  t.is(toJsonList([{b: 1, 10: 'ten', 9: 'nine', a: 2} as unknown as KubeObject]), before([{b: 1, 10: 'ten', 9: 'nine', a: 2}]))
})

test('a list long enough for several chunks is the same bytes, cut between items', (t) => {
  const objects = Array.from({length: 3000}, (_, i) => ({metadata: {name: `r${i}`, labels: {z: '1', a: String(i)}}, kind: 'HTTPRoute', apiVersion: 'v1'}))
  const items = [...objects, undefined, new Date(0), [], {}] as unknown as KubeObject[]
  const chunks = toJsonListChunks(items)
  t.true(chunks.length > 1, `${chunks.length} chunk(s)`)
  t.is(chunks.join(''), before(items))
  for (const chunk of chunks.slice(1)) t.true(chunk.startsWith(',\n    ') || chunk === '\n  ],\n  "kind": "List",\n  "metadata": {}\n}\n')
  t.is(toJsonList([]), before([]))
})

// An own `__proto__` key is data (js-yaml and JSON.parse keep it own; util/json.ts setOwn copies it as such): the
// serializer's sorted copy (serialize.ts sortedForJson, sortKeys) assigned it with `copy[key] =`, which sets the
// copy's prototype instead, so -o json left it out (and an object value became the copy's prototype).
test('an own __proto__ key is written as data in JSON and YAML, at any place of the object', (t) => {
  const labels: Record<string, unknown> = {team: 'a'}
  setOwn(labels, '__proto__', 'solver')
  const alone: Record<string, unknown> = {}
  setOwn(alone, '__proto__', 'only')
  const nested: Record<string, unknown> = {}
  setOwn(nested, '__proto__', {polluted: 'no'})
  const object = {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'a', labels, annotations: alone}, data: nested} as unknown as KubeObject
  const parsed = JSON.parse(toJsonList([object])).items[0]
  t.deepEqual(Object.entries(parsed.metadata.labels), [['__proto__', 'solver'], ['team', 'a']])
  t.deepEqual(Object.entries(parsed.metadata.annotations), [['__proto__', 'only']])
  t.deepEqual(Object.entries(parsed.data), [['__proto__', {polluted: 'no'}]])
  const sorted = sortKeys(object) as any
  t.true(Object.hasOwn(sorted.data, '__proto__'))
  t.is(Object.getPrototypeOf(sorted.data), Object.prototype, 'the value is not made the prototype of the copy')
  t.regex(toYaml([object]), /labels:\n {4}__proto__: solver\n {4}team: a\n/)
})

test('through the CLI: a ClusterIssuer solver label named __proto__ survives -o json and -o yaml', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'i2g-proto-'))
  writeFileSync(
    join(dir, 'in.yaml'),
    [
      'apiVersion: cert-manager.io/v1',
      'kind: ClusterIssuer',
      'metadata: {name: le}',
      'spec:',
      '  acme:',
      '    server: https://acme-v02.api.letsencrypt.org/directory',
      '    privateKeySecretRef: {name: le-account}',
      '    solvers:',
      '    - http01:',
      '        ingress:',
      '          class: nginx',
      '          ingressTemplate: {metadata: {labels: {__proto__: solver, team: a}}}',
      '---',
      'apiVersion: networking.k8s.io/v1',
      'kind: Ingress',
      'metadata: {name: web, namespace: team-a, annotations: {cert-manager.io/cluster-issuer: le}}',
      'spec:',
      '  ingressClassName: nginx',
      '  tls: [{hosts: [a.example.com], secretName: web-tls}]',
      '  rules: [{host: a.example.com, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]',
      '',
    ].join('\n'),
  )
  const json = await runCli(['convert', '-f', join(dir, 'in.yaml'), '--emit-gateway', '-o', 'json', '--color', 'never'])
  t.is(json.exitCode, 0, json.stderr)
  const issuer = JSON.parse(json.stdout).items.find((o: any) => o.kind === 'ClusterIssuer')
  t.deepEqual(Object.entries(issuer.spec.acme.solvers[0].http01.gatewayHTTPRoute.labels), [['__proto__', 'solver'], ['team', 'a']])
  const yaml = await runCli(['convert', '-f', join(dir, 'in.yaml'), '--emit-gateway', '--color', 'never'])
  t.is(yaml.exitCode, 0, yaml.stderr)
  t.regex(yaml.stdout, /gatewayHTTPRoute:\n {12}labels:\n {14}__proto__: solver\n {14}team: a\n/)
})
