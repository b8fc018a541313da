import test from 'ava'
import {P, fidelityOf, ingressWith, routesOf, translateAll, useValidator, validate} from './support.js'

useValidator()

const primary = ingressWith({}, {name: 'app', created: '2024-01-01T00:00:00Z'})
const canary = (annotations: Record<string, string>) =>
  ingressWith({canary: 'true', ...annotations}, {name: 'app-next', created: '2024-02-01T00:00:00Z', paths: [{path: '/', service: 'app-next'}]})

test('weight: backendRef weights out of 100; the canary gets no route of its own', (t) => {
  const r = translateAll([primary, canary({'canary-weight': '25'})])
  const routes = routesOf(r)
  t.deepEqual(routes.map((o) => o.metadata.name), ['app'])
  t.deepEqual(routes[0]!.spec.rules[0].backendRefs, [
    {name: 'app', port: 80, weight: 75},
    {name: 'app-next', port: 80, weight: 25},
  ])
  t.deepEqual(validate(routes[0]), [])
})

test('canary-weight-total only counts above 100 (balancer.lua)', (t) => {
  const small = translateAll([primary, canary({'canary-weight': '5', 'canary-weight-total': '10'})])
  t.deepEqual(routesOf(small)[0]!.spec.rules[0].backendRefs.map((b: any) => b.weight), [95, 5])
  const large = translateAll([primary, canary({'canary-weight': '5', 'canary-weight-total': '1000'})])
  t.deepEqual(routesOf(large)[0]!.spec.rules[0].backendRefs.map((b: any) => b.weight), [995, 5])
  const all = translateAll([primary, canary({'canary-weight': '100'})])
  t.deepEqual(routesOf(all)[0]!.spec.rules[0].backendRefs, [{name: 'app-next', port: 80}])
})

test('header canary: always/never rules, and the fallback sends everything to the primary', (t) => {
  const r = translateAll([primary, canary({'canary-by-header': 'X-Beta'})])
  const rules = routesOf(r)[0]!.spec.rules
  // Rules with the same backends share one rule (never + fallback both go to the primary).
  const ruleFor = (pred: (m: any) => boolean) => rules.find((rule: any) => rule.matches.some(pred))
  t.deepEqual(ruleFor((m) => m.headers?.[0]?.value === 'always')?.backendRefs, [{name: 'app-next', port: 80}])
  t.deepEqual(ruleFor((m) => m.headers?.[0]?.value === 'never')?.backendRefs, [{name: 'app', port: 80}])
  t.deepEqual(ruleFor((m) => !m.headers)?.backendRefs, [{name: 'app', port: 80}], 'no 50/50 split for a header-only canary')
})

test('header pattern runs as an unanchored RE2 search; value wins over pattern', (t) => {
  const r = translateAll([primary, canary({'canary-by-header': 'X-Region', 'canary-by-header-pattern': 'eu-(west|north)'})])
  const rule = routesOf(r)[0]!.spec.rules.find((x: any) => x.matches[0].headers)
  t.deepEqual(rule.matches[0].headers, [{type: 'RegularExpression', name: 'X-Region', value: '.*(?:eu-(west|north)).*'}])
  t.is(fidelityOf(r, 'team/app-next', 'canary-by-header-pattern'), 'approximate')
  const both = translateAll([primary, canary({'canary-by-header': 'X-Region', 'canary-by-header-value': 'eu', 'canary-by-header-pattern': 'e.*'})])
  t.is(fidelityOf(both, 'team/app-next', 'canary-by-header-pattern'), 'ignored')
  t.deepEqual(routesOf(both)[0]!.spec.rules.find((x: any) => x.matches[0].headers).matches[0].headers[0], {type: 'Exact', name: 'X-Region', value: 'eu'})
  // `!` fails parser.IsValidRegex: nginx empties the pattern (canary/main.go), and the header falls back to always/never.
  const refused = translateAll([primary, canary({'canary-by-header': 'X-Region', 'canary-by-header-pattern': '(?!eu).*'})])
  t.true(refused.diagnostics.some((d) => d.annotation === P + 'canary-by-header-pattern' && d.code === 'invalid-annotation-value'))
  t.deepEqual(headerValues(refused), ['always', 'never'])
  // `(?=` passes nginx's validator but RE2 has no lookahead: a person must rewrite it; no pattern rule, and no
  // always/never rules either (balancer.lua never reads always/never while a pattern is set).
  const lookahead = translateAll([primary, canary({'canary-by-header': 'X-Region', 'canary-by-header-pattern': '(?=eu).*'})])
  t.is(fidelityOf(lookahead, 'team/app-next', 'canary-by-header-pattern'), 'manual')
  t.deepEqual(headerValues(lookahead), [])
})

const headerValues = (r: ReturnType<typeof translateAll>) =>
  routesOf(r)[0]!.spec.rules.flatMap((x: any) => x.matches.flatMap((m: any) => (m.headers ?? []).map((h: any) => h.value))).sort()

test('canary/main.go empties values failing BasicCharsRegex: balancer.lua falls back to always/never', (t) => {
  // `+` and `=` are outside BasicCharsRegex: nginx compared the header with "always"/"never", never with "v1+beta".
  const r = translateAll([primary, canary({'canary-by-header': 'X-Version', 'canary-by-header-value': 'v1+beta'})])
  t.deepEqual(headerValues(r), ['always', 'never'])
  t.truthy(r.diagnostics.find((d) => d.code === 'canary-header-value-emptied'))
  // Spaces are removed before validation and the value is then trimmed: " blue " selects the canary on "blue".
  const spaced = translateAll([primary, canary({'canary-by-header': 'X-Color', 'canary-by-header-value': ' blue '})])
  t.deepEqual(headerValues(spaced), ['blue'])
  // An invalid header name is emptied: no header rule at all, the canary is weight-only (here: 0, primary only).
  const badName = translateAll([primary, canary({'canary-by-header': 'X-Canary!', 'canary-by-header-value': 'yes'})])
  t.deepEqual(headerValues(badName), [])
  t.deepEqual(routesOf(badName)[0]!.spec.rules.map((x: any) => x.backendRefs), [[{name: 'app', port: 80}]])
  // A name BasicCharsRegex accepts but nginx drops as a request header (ignore_invalid_headers) never matched.
  const dotted = translateAll([primary, canary({'canary-by-header': 'X.Canary'})])
  t.deepEqual(headerValues(dotted), [])
  t.is(fidelityOf(dotted, 'team/app-next', 'canary-by-header'), 'ignored')
})

test('cookie canary matches the Cookie header for name=always / name=never', (t) => {
  const r = translateAll([primary, canary({'canary-by-cookie': 'beta'})])
  const headers = routesOf(r)[0]!.spec.rules.flatMap((x: any) => x.matches.flatMap((m: any) => m.headers ?? []))
  t.deepEqual(headers.map((h: any) => h.value).sort(), ['(?:.*;\\s*)?beta=always(?:;.*)?', '(?:.*;\\s*)?beta=never(?:;.*)?'])
  t.is(fidelityOf(r, 'team/app-next', 'canary-by-cookie'), 'approximate')
})

test('canary settings without canary: "true" are dropped and the Ingress is served normally', (t) => {
  const notCanary = ingressWith({'canary-weight': '50'}, {name: 'other', host: 'other.example.com'})
  const r = translateAll([notCanary])
  t.is(fidelityOf(r, 'team/other', 'canary-weight'), 'ignored')
  t.deepEqual(routesOf(r).map((o) => o.metadata.name), ['other'])
})

test('other annotations of a canary are ignored; an invalid weight falls back to 0', (t) => {
  const r = translateAll([primary, canary({'canary-weight': 'ten', 'proxy-body-size': '1m'})])
  t.is(fidelityOf(r, 'team/app-next', 'proxy-body-size'), 'ignored')
  t.true(r.diagnostics.some((d) => d.annotation === P + 'canary-weight' && d.code === 'invalid-annotation-value'))
  t.deepEqual(routesOf(r)[0]!.spec.rules[0].backendRefs, [{name: 'app', port: 80}])
})

test('a canary without a primary location has no effect', (t) => {
  const r = translateAll([canary({'canary-weight': '10'})])
  t.deepEqual(routesOf(r), [])
  t.true(r.diagnostics.some((d) => d.code === 'canary-without-primary'))
})

test('a canary path left empty pairs with nothing (mergeAlternativeBackends compares the paths as written)', (t) => {
  // Both Ingresses leave the ImplementationSpecific path empty: nginx serves the primary at `/`, but the canary's
  // path "" never equals a location's path, so nginx deletes the alternative backend.
  const emptyPath = (ing: any) => {
    delete ing.spec.rules[0].http.paths[0].path
    ing.spec.rules[0].http.paths[0].pathType = 'ImplementationSpecific'
    return ing
  }
  const r = translateAll([emptyPath(ingressWith({}, {name: 'app', created: '2024-01-01T00:00:00Z'})), emptyPath(canary({'canary-weight': '50'}))])
  t.deepEqual(routesOf(r)[0]!.spec.rules.map((rule: any) => rule.backendRefs), [[{name: 'app', port: 80}]])
  t.true(r.diagnostics.some((d) => d.code === 'canary-without-primary' && /path is empty/.test(d.message)))
})

test('a canary in another namespace is merged (nginx does so) and gets a ReferenceGrant for its Service', (t) => {
  const other = ingressWith({canary: 'true', 'canary-weight': '30'}, {name: 'app-next', paths: [{path: '/', service: 'app-next'}]})
  other.metadata.namespace = 'team-b'
  const r = translateAll([primary, other])
  const route = routesOf(r)[0]!
  t.deepEqual(route.spec.rules[0].backendRefs, [
    {name: 'app', port: 80, weight: 70},
    {name: 'app-next', namespace: 'team-b', port: 80, weight: 30},
  ])
  const grant = r.objects.find((o) => o.kind === 'ReferenceGrant' && o.metadata.namespace === 'team-b')!
  t.deepEqual(grant.spec, {
    from: [{group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'team'}],
    to: [{group: '', kind: 'Service', name: 'app-next'}],
  })
  t.deepEqual(validate(grant), [])
})

test('header and cookie: header rules come before cookie rules, so "never" in the header wins over a cookie', (t) => {
  const r = translateAll([primary, canary({'canary-by-header': 'X-Canary', 'canary-by-cookie': 'beta'})])
  const rules = routesOf(r)[0]!.spec.rules
  const firstCookie = rules.findIndex((x: any) => x.matches.some((m: any) => m.headers?.[0]?.name === 'Cookie'))
  const lastHeader = rules.map((x: any) => x.matches.some((m: any) => m.headers?.[0]?.name === 'X-Canary')).lastIndexOf(true)
  t.true(lastHeader >= 0 && firstCookie > lastHeader, `header rules ${lastHeader} before cookie rules ${firstCookie}`)
  const never = rules.find((x: any) => x.matches.some((m: any) => m.headers?.[0]?.value === 'never' && m.headers[0].name === 'X-Canary'))
  t.false(never.matches.some((m: any) => m.headers?.[0]?.name === 'Cookie'), 'the header-never rule does not share a rule with cookie matches')
})

// hosts.ts attachCanaries: a canary whose paths attach to no primary location (here its Service is the primary's own,
// which makes its upstream canary-only: controller.go createUpstreams, NoServer) has no effect in ingress-nginx
// (mergeAlternativeBackends finds nothing to attach). Its keys end in `ignored`, said once, not `approximate` as well.
test('an unattached canary: every canary key ends in ignored with one diagnostic, not annotation-approximate beside canary-unattached', (t) => {
  const own = ingressWith({canary: 'true', 'canary-weight': '10', 'canary-by-header': 'X-Canary'}, {name: 'app-next', service: 'app', created: '2023-12-01T00:00:00Z'})
  const r = translateAll([own, primary])
  for (const key of ['canary', 'canary-weight', 'canary-by-header']) {
    t.is(fidelityOf(r, 'team/app-next', key), 'ignored', key)
    const about = r.diagnostics.filter((d) => d.object === 'Ingress team/app-next' && d.annotation === P + key)
    t.deepEqual(about.map((d) => d.code), key === 'canary' ? ['canary-unattached'] : [], key)
  }
  const d = r.diagnostics.find((x) => x.code === 'canary-unattached')!
  t.is(d.fidelity, 'ignored')
  t.regex(d.message, /canary-weight/)
})
