/**
 * The RE2 emulation (src/verify/re2.ts): where RE2 (Envoy safe_regex / regex_rewrite, Go regexp in Envoy Gateway)
 * and JavaScript RegExp read the same text differently, the emulation must answer as RE2 does.
 */
import test from 'ava'
import {re2FullMatch, re2ReplaceAll, re2SyntaxError, Re2SyntaxError, Re2Unsupported, translateRe2} from '../../src/verify/re2.js'

test('a match is a full match, as Envoy safe_regex requires of paths and header values', (t) => {
  t.true(re2FullMatch('/api/.*', '/api/x'))
  t.false(re2FullMatch('/api', '/api/x'))
  t.false(re2FullMatch('a|ab', 'abc'))
  t.true(re2FullMatch('a|ab', 'ab'), 'alternatives are retried until the whole input matches')
})

test('inline flags: (?i) at the start, in the middle (until the group closes) and as (?i:...)', (t) => {
  t.true(re2FullMatch('(?i)(?:/articles/[0-9]+).*', '/ARTICLES/12/x'))
  t.true(re2FullMatch('(a(?i)b)c', 'aBc'))
  t.false(re2FullMatch('(a(?i)b)c', 'aBC'), 'the flag ends with its group')
  t.false(re2FullMatch('(a(?i)b)c', 'ABc'), 'and does not reach back')
  t.true(re2FullMatch('x(?i:y)z', 'xYz'))
  t.true(re2FullMatch('(?i)[a-c]+', 'AbC'))
  t.false(re2FullMatch('(?i)[^a-c]', 'B'), 'case folding happens before negation')
  // EG route.go builds this for a GRPCRoute regex match on the method only: (?i) sits mid-pattern.
  const grpcMethodOnly = '/(?i)\\.?[a-z_][a-z_0-9]*(\\.[a-z_][a-z_0-9]*)*/[A-Za-z_][A-Za-z_0-9]*'
  t.true(re2FullMatch(grpcMethodOnly, '/Shop.V1.Orders/Get'))
})

test('RE2 spellings JS reads differently: `.`, `\\s`, `[]a]`, `\\Q…\\E`, POSIX classes, `\\z`, (?s), (?m)', (t) => {
  t.true(re2FullMatch('a.b', 'a\rb'), 'RE2 . matches \\r (JS . does not)')
  t.false(re2FullMatch('a.b', 'a\nb'))
  t.true(re2FullMatch('(?s)a.b', 'a\nb'))
  t.false(re2FullMatch('\\s', '\v'), 'RE2 \\s is [\\t\\n\\f\\r ]')
  t.true(re2FullMatch('[]a]+', ']a]'), 'a ] first in a class is a member')
  t.true(re2FullMatch('\\Q/a.b*\\E', '/a.b*'))
  t.false(re2FullMatch('\\Q/a.b*\\E', '/axb'))
  t.true(re2FullMatch('[[:alpha:]-]+', 'ab-c'))
  t.true(re2FullMatch('ab\\z', 'ab'))
  t.true(re2FullMatch('(?m)a$\\nb', 'a\nb'))
  t.true(re2FullMatch('(?P<version>v[0-9]+)/.*', 'v2/x'))
  t.true(re2FullMatch('\\x{41}\\101', 'AA'), 'hex and octal escapes')
})

test('RE2 rejects what JS accepts: lookarounds, backreferences, \\8, nested repetition, counts over 1000', (t) => {
  for (const pattern of ['(?=a)a', '(?<!x)a', '(a)\\1', '\\8', 'a**', 'a{1001}', '(?-)a', '[z-a]', '(a', 'a)', '\\e', '(?i)*', '(*a)', 'a|*']) {
    t.not(re2SyntaxError(pattern), undefined, pattern)
  }
  for (const pattern of ['a*?', 'a{2,3}', '\\12', '(?i)a', '[\\d-]', 'x{,3}', '^*a', 'a(?i)*']) {
    t.is(re2SyntaxError(pattern), undefined, pattern)
  }
  t.throws(() => re2FullMatch('(?=a)a', 'a'), {instanceOf: Re2SyntaxError})
})

test('constructs outside the emulation raise Re2Unsupported instead of a silent guess', (t) => {
  for (const pattern of ['\\pL', '(?U)a*', '[\\S]', '\\x{1F600}']) {
    t.throws(() => translateRe2(pattern), {instanceOf: Re2Unsupported}, pattern)
  }
})

test('GlobalReplace: every match, \\N groups, and no empty match right after a match (unlike String.replace)', (t) => {
  t.is(re2ReplaceAll('one', '/xxx/one/yyy/one/zzz', 'two'), '/xxx/two/yyy/two/zzz')
  t.is(re2ReplaceAll('^/service/([^/]+)(/.*)$', '/service/foo/v1/api', '\\2/instance/\\1'), '/v1/api/instance/foo')
  t.is(re2ReplaceAll('b*', 'abc', '-'), '-a-c-')
  t.is('abc'.replace(/b*/g, '-'), '-a--c-', 'what JS would have answered')
  t.is(re2ReplaceAll('x', 'abc', 'y'), 'abc', 'no match: unchanged')
  t.is(re2ReplaceAll('(a)', 'a', '\\\\\\1$1'), '\\a$1', '\\\\ is a backslash; $ is literal')
})

test('GlobalReplace: substitutions RE2 refuses', (t) => {
  t.throws(() => re2ReplaceAll('(a)', 'a', '\\2'), {instanceOf: Re2SyntaxError})
  t.throws(() => re2ReplaceAll('a', 'a', '\\n'), {instanceOf: Re2SyntaxError})
})
