/**
 * cloneJson and clonePlainData, the two deep copies of plain data. clonePlainData stands in for structuredClone where the emitters copy the specs they built (emit-policies.ts,
 * emit-routes.ts mergeFilters): compared with structuredClone over generated data with `__proto__` and integer-like
 * keys, undefined values, holes, dates, null-prototype objects and objects met twice, which each change the copy.
 */
import {isDeepStrictEqual} from 'node:util'
import test from 'ava'
import fc from 'fast-check'
import {cloneJson, clonePlainData} from '../src/util/json.js'

const key = fc.oneof(fc.constantFrom('a', 'b', '0', '1', '10', '-1', '1.5', '__proto__', 'toString', ''), fc.string({maxLength: 3}))

const {value} = fc.letrec<{value: unknown}>((tie) => ({
  value: fc.oneof(
    {depthSize: 'small', withCrossShrink: true},
    fc.oneof(fc.string({maxLength: 4}), fc.double(), fc.integer(), fc.boolean(), fc.constantFrom(null, undefined, -0, NaN)),
    fc.array(tie('value'), {maxLength: 4}),
    fc.sparseArray(tie('value'), {maxLength: 4}),
    fc.dictionary(key, tie('value'), {maxKeys: 4}),
    fc.dictionary(key, tie('value'), {maxKeys: 3, noNullPrototype: false}),
    fc.date({noInvalidDate: true}),
  ),
}))

/** Every object of a value, in visiting order (the copy's must be new ones, shared where the value's are). */
function objectsOf(v: unknown, out: object[] = []): object[] {
  if (typeof v !== 'object' || v === null) return out
  out.push(v)
  if (v instanceof Date) return out
  for (const k of Object.keys(v)) objectsOf((v as Record<string, unknown>)[k], out)
  return out
}

test('clonePlainData copies what structuredClone copies', (t) => {
  fc.assert(
    fc.property(value, (v) => {
      const copy = clonePlainData(v)
      if (!isDeepStrictEqual(copy, structuredClone(v))) return false
      const before = objectsOf(v)
      return objectsOf(copy).every((o) => !before.includes(o))
    }),
    {numRuns: 2000},
  )
  t.pass()
})

test('an object met twice stays one object in the copy, like structuredClone; a __proto__ key stays an own key', (t) => {
  const shared = {limit: {requests: 5}}
  const spec: Record<string, unknown> = {rules: [shared, shared], headers: {}}
  Object.defineProperty(spec, '__proto__', {value: {x: 1}, enumerable: true, writable: true, configurable: true})
  const copy = clonePlainData(spec) as any
  t.not(copy.rules[0], shared)
  t.is(copy.rules[0], copy.rules[1])
  t.true(Object.prototype.hasOwnProperty.call(copy, '__proto__'))
  t.is(Object.getPrototypeOf(copy), Object.prototype)
  t.is(JSON.stringify(copy), JSON.stringify(structuredClone(spec)))
})

test('cloneJson keeps a __proto__ key as an own key and splits an object met twice into two copies', (t) => {
  const shared = {a: 1}
  const input = JSON.parse('{"__proto__": {"x": 1}, "y": 2}') as Record<string, unknown>
  input.one = shared
  input.two = shared
  const copy = cloneJson(input)
  t.is(Object.getPrototypeOf(copy), Object.prototype)
  t.deepEqual(Object.keys(copy), ['__proto__', 'y', 'one', 'two'])
  t.deepEqual(Object.getOwnPropertyDescriptor(copy, '__proto__')?.value, {x: 1})
  t.not(copy.one, copy.two)
  t.deepEqual(copy.one, shared)
})
