/**
 * toJsonList writes what JSON.stringify wrote of the sorted deep copy (sortKeys) it used to make, while copying only
 * the objects whose keys are out of order: compared over generated data with integer-like and `__proto__` keys,
 * undefined values, holes, dates and null-prototype objects, which each change what the copy holds.
 */
import test from 'ava'
import fc from 'fast-check'
import {sortKeys, toJsonList, toJsonListChunks} from '../src/output/serialize.js'
import type {KubeObject} from '../src/model/types.js'

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
