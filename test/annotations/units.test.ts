import test from 'ava'
import {parseNginxSize, toGatewayDuration} from '../../src/model/units.js'

const DURATION = /^([0-9]{1,5}(h|m|s|ms)){1,4}$/
const QUANTITY = /^[1-9]+[0-9]*([EPTGMK]i|[EPTGMk])?$/

function size(value: string) {
  const r = parseNginxSize(value)
  if (!r.ok) throw new Error(r.reason)
  return r.value
}

test('nginx sizes become binary quantities, never milli', (t) => {
  t.deepEqual(size('8m'), {text: '8m', bytes: 8 * 1024 * 1024, unit: 'm', unlimited: false, quantity: '8Mi'})
  t.is(size('100B').unit, 'b')
  t.is(size('10M').quantity, '10Mi')
  t.is(size('512k').quantity, '512Ki')
  t.is(size('1g').quantity, '1Gi')
  t.is(size('1G').bytes, 1024 ** 3)
  t.is(size('1024').quantity, '1024')
  t.is(size('100b').quantity, '100')
  t.is(size('100b').bytes, 100)
  t.is(size('08m').quantity, '8Mi')
  t.is(size(' 2m ').quantity, '2Mi')
  for (const v of ['8m', '10M', '512k', '1g', '1024', '100b', '08m']) t.regex(size(v).quantity!, QUANTITY, v)
})

test('a zero size is unlimited and has no quantity (EG rejects "0")', (t) => {
  for (const v of ['0', '0m', '00', '0K']) {
    t.true(size(v).unlimited, v)
    t.is(size(v).quantity, undefined, v)
    t.is(size(v).bytes, 0)
  }
  t.false(size('1').unlimited)
})

test('invalid nginx sizes are rejected with the value in the reason', (t) => {
  for (const v of ['10mb', '1.5m', '-1m', 'm', '', '8Mi', '8 m', '1t', 'unlimited']) {
    const r = parseNginxSize(v)
    t.false(r.ok, v)
    if (!r.ok) t.true(r.reason.includes(`"${v}"`))
  }
})

test('seconds become valid Gateway durations', (t) => {
  const cases: Array<[number, string]> = [
    [0, '0s'],
    [5, '5s'],
    [60, '60s'],
    [1800, '1800s'],
    [3600, '3600s'],
    [99999, '99999s'],
    [100000, '27h46m40s'],
    [1728000, '480h'],
    [86400 * 365, '8760h'],
    [0.5, '500ms'],
    [1.25, '1s250ms'],
    [3600 * 99999 + 3599, '99999h59m59s'],
    [1e12, '99999h59m59s'],
  ]
  for (const [s, d] of cases) {
    t.is(toGatewayDuration(s), d, String(s))
    t.regex(toGatewayDuration(s), DURATION, String(s))
  }
})

test('negative or non-finite seconds are a programming error', (t) => {
  t.throws(() => toGatewayDuration(-1), {instanceOf: RangeError})
  t.throws(() => toGatewayDuration(Number.NaN), {instanceOf: RangeError})
  t.throws(() => toGatewayDuration(Number.POSITIVE_INFINITY), {instanceOf: RangeError})
})

test('integers as strconv.Atoi reads them: sign, digits, 64-bit range', async (t) => {
  const {parseInt10} = await import('../../src/model/parsers.js')
  t.deepEqual(parseInt10('+308'), {ok: true, value: 308})
  t.deepEqual(parseInt10('-9223372036854775808'), {ok: true, value: -9223372036854775808})
  t.false(parseInt10('9223372036854775808').ok, 'one past int64: ErrRange')
  t.false(parseInt10('99999999999999999999').ok)
  t.false(parseInt10(' 301').ok)
})
