/**
 * precedenceKey: the Gateway model sorts a listener's route entries by one number per entry instead of calling
 * ranksBelow (EG internal/gatewayapi/sort.go XdsIRRoutes.Less) per comparison, wherever keyOrderHolds says the two
 * orders agree. Checked here pair by pair on generated entries (paths of every type, empty values, entries without a
 * path as GRPCRoutes have, header, cookie and query conditions Exact or not), and the case where ranksBelow itself is
 * cyclic, which no key can follow, is shown to be left to the comparator.
 */
import test from 'ava'
import fc from 'fast-check'
import type {PathCondition, RouteEntry, StringCondition} from '../../src/verify/gateway-types.js'
import {comparePrecedence, keyOrderHolds, precedenceKey} from '../../src/verify/gateway-sort.js'

function entry(path: PathCondition | undefined, headers: StringCondition[] = [], cookies: StringCondition[] = [], queryParams: StringCondition[] = []): RouteEntry {
  return {
    route: {kind: 'HTTPRoute', namespace: 'app', name: 'r'}, ruleIndex: 0, matchIndex: 0, path, headers, cookies, queryParams,
    action: {type: 'direct', status: 200, reason: 'test'}, mirrors: [], timestamped: true, notes: [],
  }
}

const condition = fc.record({name: fc.constantFrom('a', 'b'), type: fc.constantFrom('Exact' as const, 'RegularExpression' as const), value: fc.constant('v')})
const conditions = fc.array(condition, {maxLength: 3})
const path = fc.option(
  fc.record({type: fc.constantFrom('Exact' as const, 'PathPrefix' as const, 'RegularExpression' as const), value: fc.constantFrom('', '/', '/a', '/a/', '/ab', '/abc/d')}),
  {nil: undefined},
)
const entryArb = fc.tuple(path, conditions, conditions, conditions).map(([p, h, c, q]) => entry(p, h, c, q))

const sign = (n: number) => (n < 0 ? -1 : n > 0 ? 1 : 0)

test('wherever keyOrderHolds, comparing keys gives comparePrecedence for every pair', (t) => {
  let checked = 0
  fc.assert(
    fc.property(fc.array(entryArb, {minLength: 2, maxLength: 8}), (entries) => {
      const placed = entries.map((e) => ({entry: e, key: precedenceKey(e)}))
      if (!keyOrderHolds(placed)) return
      checked++
      for (const a of placed) for (const b of placed) t.is(sign(b.key! - a.key!), comparePrecedence(a.entry, b.entry))
    }),
    {numRuns: 400},
  )
  t.true(checked > 100, `the generator reaches lists the keys may sort (${checked} of 400)`)
})

test('sorted by key, a listener keeps the comparator\'s order, ties in translation order (EG breaks them by creation time, then name)', (t) => {
  // Few distinct entries among many: most neighbours tie, so the stable sort's handling of ties is what is compared.
  const tieProne = fc.tuple(fc.constantFrom<PathCondition | undefined>(undefined, {type: 'PathPrefix', value: '/'}, {type: 'Exact', value: '/a'}, {type: 'PathPrefix', value: '/ab'}), fc.array(condition, {maxLength: 1}))
    .map(([p, h]) => entry(p, h))
  let ties = 0
  fc.assert(
    fc.property(fc.array(tieProne, {minLength: 2, maxLength: 24}), (entries) => {
      // The index stands for translation order (sortXdsIRMap's sort.Stable keeps it among equals).
      const placed = entries.map((e, index) => ({entry: e, key: precedenceKey(e), index}))
      if (!keyOrderHolds(placed)) return
      const byKey = [...placed].sort((a, b) => b.key! - a.key!).map((p) => p.index)
      const byComparator = [...placed].sort((a, b) => comparePrecedence(a.entry, b.entry)).map((p) => p.index)
      t.deepEqual(byKey, byComparator)
      for (let i = 1; i < byKey.length; i++) {
        if (placed[byKey[i]!]!.key !== placed[byKey[i - 1]!]!.key) continue
        ties++
        t.true(byKey[i]! > byKey[i - 1]!, 'equal precedence: the earlier-translated entry first')
      }
    }),
    {numRuns: 300},
  )
  t.true(ties > 300, `equal keys met, in translation order (${ties} equal neighbours)`)
})

test('an entry without a path beside a RegularExpression path of length 0 leaves the sort to the comparator', (t) => {
  // ranksBelow is cyclic here: no path (2 headers) > regex `` (none) by conditions, regex `` > PathPrefix `/` by type,
  // PathPrefix `/` (5 headers) > no path by conditions. No key can order these as the comparator does.
  const h = (n: number) => Array.from({length: n}, (): StringCondition => ({name: 'x', type: 'Exact', value: 'v'}))
  const noPath = entry(undefined, h(2))
  const emptyRegex = entry({type: 'RegularExpression', value: ''})
  const root = entry({type: 'PathPrefix', value: '/'}, h(5))
  t.is(comparePrecedence(noPath, emptyRegex), -1)
  t.is(comparePrecedence(emptyRegex, root), -1)
  t.is(comparePrecedence(root, noPath), -1)
  t.false(keyOrderHolds([noPath, emptyRegex, root].map((e) => ({entry: e, key: precedenceKey(e)}))))
  t.true(keyOrderHolds([noPath, root].map((e) => ({entry: e, key: precedenceKey(e)}))), 'without the empty regex the keys order them')
})

test('a path type outside the three, or a field too wide for its bits, has no key', (t) => {
  t.is(precedenceKey(entry({type: 'Foo', value: '/a'} as unknown as PathCondition)), undefined)
  t.is(precedenceKey(entry({type: 'Exact', value: `/${'a'.repeat(70000)}`})), undefined)
  t.is(precedenceKey(entry({type: 'Exact', value: '/a'}, Array.from({length: 40}, () => ({name: 'x', type: 'Exact', value: 'v'})))), undefined)
  t.not(precedenceKey(entry({type: 'Exact', value: '/a'})), undefined)
})

test('the path length that ranks routes is Go\'s len: UTF-8 bytes, not UTF-16 code units (sort.go pathMatchCount)', (t) => {
  // `/ééé` is 4 code units and 7 bytes, `/abcde` 6 of each: EG ranks the longer in bytes first.
  const accented = entry({type: 'PathPrefix', value: '/ééé'})
  const ascii = entry({type: 'PathPrefix', value: '/abcde'})
  t.is(comparePrecedence(accented, ascii), -1)
  t.is(comparePrecedence(ascii, accented), 1)
  t.true(precedenceKey(accented)! > precedenceKey(ascii)!)
  // `/😀` is 3 code units (a surrogate pair) and 5 bytes, as many bytes as `/abcd`: a tie, where code units ranked `/abcd` first.
  t.is(comparePrecedence(entry({type: 'Exact', value: '/😀'}), entry({type: 'Exact', value: '/abcd'})), 0)
})
