import test from 'ava'
import {P, fidelityOf, ingressWith, routesOf, translateAll, useValidator, validate} from './support.js'

useValidator()

test('rewrite-target with captures: regex match host-wide and a ReplaceRegexMatch filter with \\N', (t) => {
  const r = translateAll([
    ingressWith({'use-regex': 'true', 'rewrite-target': '/$2'}, {paths: [{path: '/api(/|$)(.*)', pathType: 'ImplementationSpecific'}]}),
  ])
  const route = routesOf(r)[0]!
  t.deepEqual(route.spec.rules[0].matches, [{path: {type: 'RegularExpression', value: '(?i)(?:/api(/|$)(.*)).*'}}])
  const filterName = route.spec.rules[0].filters[0].extensionRef.name
  const filter = r.objects.find((o) => o.kind === 'HTTPRouteFilter' && o.metadata.name === filterName)!
  t.deepEqual(filter.spec.urlRewrite.path.replaceRegexMatch, {pattern: '(?i)^(?:/api(/|$)(.*)).*', substitution: '/\\2'})
  // What nginx does to /api/users?x=1 is /users?x=1: the JS equivalent of the RE2 pattern must agree.
  const re = new RegExp('^(?:/api(/|$)(.*)).*', 'i')
  t.is('/API/users'.replace(re, '/$2'), '/users')
  t.deepEqual([route, filter].flatMap((o) => validate(o)), [])
})

test('rewrite-target without captures: URLRewrite ReplaceFullPath; a path equal to the target is not rewritten', (t) => {
  const r = translateAll([ingressWith({'rewrite-target': '/'}, {paths: [{path: '/old'}, {path: '/'}]})])
  const rules = routesOf(r)[0]!.spec.rules
  const old = rules.find((x: any) => x.matches[0].path.value === '(?i)(?:/old).*')
  t.deepEqual(old.filters, [{type: 'URLRewrite', urlRewrite: {path: {type: 'ReplaceFullPath', replaceFullPath: '/'}}}])
  const root = rules.find((x: any) => x.matches[0].path.value === '(?i)(?:/).*')
  t.is(root.filters, undefined)
})

test('regex mode is host-wide: another Ingress on the host gets case-insensitive prefix regexes too', (t) => {
  const r = translateAll([
    ingressWith({}, {name: 'site', paths: [{path: '/about', pathType: 'Exact'}]}),
    ingressWith({'use-regex': 'true'}, {name: 'api', paths: [{path: '/v[0-9]+/', pathType: 'ImplementationSpecific'}]}),
    ingressWith({}, {name: 'other', host: 'other.example.com', paths: [{path: '/about', pathType: 'Exact'}]}),
  ])
  const match = (name: string) => routesOf(r).find((o) => o.metadata.name === name)!.spec.rules[0].matches[0].path
  t.deepEqual(match('site'), {type: 'RegularExpression', value: '(?i)(?:/about).*'})
  t.deepEqual(match('api'), {type: 'RegularExpression', value: '(?i)(?:/v[0-9]+/).*'})
  t.deepEqual(match('other'), {type: 'Exact', value: '/about'}, 'other hosts are untouched')
  const fromOther = r.diagnostics.filter((d) => d.code === 'regex-mode-from-other-ingress')
  t.deepEqual(
    fromOther.map((d) => [d.object, d.data]),
    [['Ingress team/site', {host: 'web.example.com', from: ['team/api']}]],
  )
})

test('x-forwarded-prefix is sent only with a rewrite', (t) => {
  const withRewrite = translateAll([ingressWith({'rewrite-target': '/', 'x-forwarded-prefix': '/old'}, {paths: [{path: '/old'}]})])
  t.deepEqual(routesOf(withRewrite)[0]!.spec.rules[0].filters[0], {
    type: 'RequestHeaderModifier',
    requestHeaderModifier: {set: [{name: 'X-Forwarded-Prefix', value: '/old'}]},
  })
  const without = translateAll([ingressWith({'x-forwarded-prefix': '/old'})])
  t.is(fidelityOf(without, 'team/web', 'x-forwarded-prefix'), 'ignored')
  t.is(routesOf(without)[0]!.spec.rules[0].filters, undefined)
})

test('nginx variables in rewrite-target are manual; invalid characters fall back to no rewrite', (t) => {
  const vars = translateAll([ingressWith({'rewrite-target': '/$host/x'}, {paths: [{path: '/a'}]})])
  t.is(fidelityOf(vars, 'team/web', 'rewrite-target'), 'manual')
  const bad = translateAll([ingressWith({'rewrite-target': '/a b'}, {paths: [{path: '/a'}]})])
  t.true(bad.diagnostics.some((d) => d.annotation === P + 'rewrite-target' && d.code === 'invalid-annotation-value'))
  t.deepEqual(routesOf(bad)[0]!.spec.rules[0].matches[0].path, {type: 'PathPrefix', value: '/a'})
})

test('PCRE-only path features are refused with an error, the rest of the host converts', (t) => {
  const r = translateAll([ingressWith({'use-regex': 'true'}, {paths: [{path: '/(?=x)y', pathType: 'ImplementationSpecific'}, {path: '/ok'}]})])
  t.deepEqual(
    r.diagnostics.filter((d) => d.code === 'regex-not-re2').map((d) => [d.level, d.fidelity, d.data]),
    [['error', 'manual', {path: '/(?=x)y', host: 'web.example.com', feature: 'lookaround assertions'}]],
  )
  t.deepEqual(routesOf(r)[0]!.spec.rules.flatMap((x: any) => x.matches.map((m: any) => m.path.value)), ['(?i)(?:/ok).*'])
})

test('a literal path Gateway API refuses as PathPrefix becomes an escaped regex, with a warning', (t) => {
  const r = translateAll([ingressWith({}, {paths: [{path: '/files/{id}'}, {path: '/a|b', pathType: 'Exact'}]})])
  const values = routesOf(r)[0]!.spec.rules.flatMap((x: any) => x.matches.map((m: any) => m.path))
  t.deepEqual(values, [
    {type: 'RegularExpression', value: '/files/\\{id\\}(/.*)?'},
    {type: 'RegularExpression', value: '/a\\|b'},
  ])
  // The regex accepts what nginx's prefix location accepted, and nothing of a longer name.
  const prefix = new RegExp(`^(?:${values[0].value})$`)
  t.true(prefix.test('/files/{id}'))
  t.true(prefix.test('/files/{id}/x'))
  t.false(prefix.test('/files/{id}x'))
  t.deepEqual(
    r.diagnostics.filter((d) => d.code === 'literal-path-as-regex').map((d) => d.data),
    [
      {match: 'Exact', path: '/a|b', regex: '/a\\|b'},
      {match: 'Prefix', path: '/files/{id}', regex: '/files/\\{id\\}(/.*)?'},
    ],
  )
})

test('a top-level alternation is anchored as PCRE binds nginx\'s ^: (^/api)|(/graphql)', (t) => {
  // nginx renders `location ~* "^/api|/graphql"`: only the first alternative is anchored (checked on real nginx by
  // test/golden/regex-top-level-alternation through test/real-nginx.test.ts).
  const r = translateAll([ingressWith({'use-regex': 'true'}, {paths: [{path: '/api|/graphql', pathType: 'ImplementationSpecific'}]})])
  const value = routesOf(r)[0]!.spec.rules[0].matches[0].path.value
  t.is(value, '(?i)(?:/api|.*/graphql).*')
  const full = new RegExp(`^${value.replace('(?i)', '')}$`, 'i')
  t.true(full.test('/api/users'))
  t.true(full.test('/GraphQL'))
  t.true(full.test('/v2/graphql'), 'the second alternative matches anywhere, as in nginx')
  t.false(full.test('/v2/api'), 'the first one only at the start')
})

test('a capture the path does not have is empty, as in nginx (RE2 would refuse the substitution)', (t) => {
  const r = translateAll([ingressWith({'rewrite-target': '/$1'}, {paths: [{path: '/api'}, {path: '/v(\\d+)/x', pathType: 'ImplementationSpecific'}]})])
  const rules = routesOf(r)[0]!.spec.rules
  const api = rules.find((x: any) => x.matches[0].path.value === '(?i)(?:/api).*')
  t.deepEqual(api.filters, [{type: 'URLRewrite', urlRewrite: {path: {type: 'ReplaceFullPath', replaceFullPath: '/'}}}])
  const versioned = rules.find((x: any) => x.matches[0].path.value.includes('/v('))
  const filter = r.objects.find((o) => o.kind === 'HTTPRouteFilter' && o.metadata.name === versioned.filters[0].extensionRef.name)!
  t.is(filter.spec.urlRewrite.path.replaceRegexMatch.substitution, '/\\1')
})

test('x-forwarded-prefix goes only on the paths that are rewritten', (t) => {
  const r = translateAll([ingressWith({'rewrite-target': '/', 'x-forwarded-prefix': '/app'}, {paths: [{path: '/app'}, {path: '/'}]})])
  const rules = routesOf(r)[0]!.spec.rules
  const app = rules.find((x: any) => x.matches[0].path.value === '(?i)(?:/app).*')
  const root = rules.find((x: any) => x.matches[0].path.value === '(?i)(?:/).*')
  t.deepEqual(app.filters.map((f: any) => f.type), ['RequestHeaderModifier', 'URLRewrite'])
  t.is(root.filters, undefined, 'target equals path: nginx does not rewrite, so no header')
})

test('rewrite-target with a query string is invalid for nginx: no rewrite, no regex mode', (t) => {
  const r = translateAll([ingressWith({'rewrite-target': '/index.php?page=$1'}, {paths: [{path: '/a'}]})])
  t.true(r.diagnostics.some((d) => d.annotation === P + 'rewrite-target' && d.code === 'invalid-annotation-value'))
  t.deepEqual(routesOf(r)[0]!.spec.rules[0].matches[0].path, {type: 'PathPrefix', value: '/a'})
})
