import test from 'ava'
import {assertDenied, assertValid, configMap, controllerConfigMap, diagnosticsFor, fidelityFor, ingressFactory, routeOf, translateObjects, useValidator} from './support.js'

const ingress = ingressFactory({name: 'app', host: 'app.example.com'})
useValidator()

test('upstream-vhost rewrites the Host header', (t) => {
  const r = translateObjects(ingress({'upstream-vhost': 'Internal.Example.com'}))
  t.deepEqual(routeOf(r, 'app')!.spec.rules[0].filters, [{type: 'URLRewrite', urlRewrite: {hostname: 'internal.example.com'}}])
  t.is(fidelityFor(r, 'upstream-vhost'), 'exact')
  t.deepEqual(diagnosticsFor(r, 'upstream-vhost'), [])
  assertValid(t, r)
})

test('upstream-vhost and rewrite-target on one Ingress make one URLRewrite filter', (t) => {
  const r = translateObjects(ingress({'upstream-vhost': 'api.internal', 'rewrite-target': '/'}, {paths: ['/api']}))
  const filters = routeOf(r, 'app')!.spec.rules[0].filters
  t.deepEqual(filters, [{type: 'URLRewrite', urlRewrite: {hostname: 'api.internal', path: {type: 'ReplaceFullPath', replaceFullPath: '/'}}}])
  assertValid(t, r)
})

test('upstream-vhost with a port, with nginx variables, or equal to the default', (t) => {
  const port = translateObjects(ingress({'upstream-vhost': 'api.internal:8080'}))
  t.deepEqual(routeOf(port, 'app')!.spec.rules[0].filters, [{type: 'URLRewrite', urlRewrite: {hostname: 'api.internal'}}])
  t.is(fidelityFor(port, 'upstream-vhost'), 'approximate')
  t.regex(diagnosticsFor(port, 'upstream-vhost')[0]!.message, /carries no port/)

  const variable = translateObjects(ingress({'upstream-vhost': '$service_name.internal'}))
  t.is(routeOf(variable, 'app')!.spec.rules[0].filters, undefined)
  t.is(fidelityFor(variable, 'upstream-vhost'), 'manual')
  t.regex(diagnosticsFor(variable, 'upstream-vhost')[0]!.hint!, /fixed host name/)

  const dflt = translateObjects(ingress({'upstream-vhost': '$host'}))
  t.is(fidelityFor(dflt, 'upstream-vhost'), 'ignored')
  t.is(routeOf(dflt, 'app')!.spec.rules[0].filters, undefined)

  const redirected = translateObjects(ingress({'upstream-vhost': 'api.internal', 'permanent-redirect': 'https://example.org/'}))
  t.is(fidelityFor(redirected, 'upstream-vhost'), 'ignored')
  t.deepEqual(routeOf(redirected, 'app')!.spec.rules[0].filters.map((f: any) => f.type), ['RequestRedirect'])
})

test('server-alias adds hostnames; nginx wildcard forms are mapped or reported', (t) => {
  const r = translateObjects(ingress({'server-alias': 'App.Example.NET, *.apps.example.com, .example.org'}))
  t.deepEqual(routeOf(r, 'app')!.spec.hostnames, ['app.example.com', 'app.example.net', '*.apps.example.com', 'example.org', '*.example.org'])
  t.is(fidelityFor(r, 'server-alias'), 'exact')
  assertValid(t, r)

  const partial = translateObjects(ingress({'server-alias': 'ok.example.com,~^www\\d+\\.example\\.com$,www.example.*'}))
  t.deepEqual(routeOf(partial, 'app')!.spec.hostnames, ['app.example.com', 'ok.example.com'])
  t.is(fidelityFor(partial, 'server-alias'), 'manual')
  t.regex(diagnosticsFor(partial, 'server-alias')[0]!.message, /regular expression server name.*trailing wildcard/)

  // ValidateArrayOfServerName: `<` and `>` are no server name characters, so a named capture drops the Ingress.
  const named = translateObjects(ingress({'server-alias': '~^(?<sub>.+)\\.example\\.com$'}))
  t.is(named.ingresses[0]!.status, 'not-served')
  t.is(diagnosticsFor(named, 'server-alias')[0]?.code, 'ingress-not-served')
})

test('a server-alias that is another Ingress\'s host is dropped, as nginx drops it', (t) => {
  const r = translateObjects(ingress({'server-alias': 'other.example.com'}), ingress({}, {name: 'other', host: 'other.example.com'}))
  t.deepEqual(routeOf(r, 'app')!.spec.hostnames, ['app.example.com'])
  t.truthy(r.diagnostics.find((d) => d.code === 'server-alias-is-host'))
})

/** A controller that lets custom-headers set these response headers. */
const allowing = (names: string) => controllerConfigMap({'global-allowed-response-headers': names})

test('custom-headers sets the ConfigMap\'s headers on every response when the controller allows each name', (t) => {
  const headers = configMap('team', 'security-headers', {'X-Frame-Options': 'DENY', 'Content-Security-Policy': "default-src 'self'"})
  const r = translateObjects(ingress({'custom-headers': 'team/security-headers'}), headers, allowing('X-Frame-Options, Content-Security-Policy'))
  t.deepEqual(routeOf(r, 'app')!.spec.rules[0].filters, [
    {type: 'ResponseHeaderModifier', responseHeaderModifier: {set: [{name: 'Content-Security-Policy', value: "default-src 'self'"}, {name: 'X-Frame-Options', value: 'DENY'}]}},
  ])
  t.is(fidelityFor(r, 'custom-headers'), 'exact')
  assertValid(t, r)
})

test('custom-headers whose ConfigMap is not in the input: reported, the Ingress still converted', (t) => {
  const r = translateObjects(ingress({'custom-headers': 'team/missing'}))
  t.is(fidelityFor(r, 'custom-headers'), 'manual')
  const [d] = diagnosticsFor(r, 'custom-headers')
  t.is(d?.level, 'warning')
  t.regex(d!.hint!, /kubectl get configmap -n team missing -o yaml/)
  t.truthy(routeOf(r, 'app'))
  t.is(r.ingresses[0]!.status, 'converted')
})

test('custom-headers validation (customHeaders.Parse) denies every path: names not listed exactly, the default empty list, bad names and values, no namespace', (t) => {
  const controller = allowing('X-Frame-Options, X-Team')
  const ok = translateObjects(ingress({'custom-headers': 'team/h'}), configMap('team', 'h', {'X-Team': 'a'}), controller)
  t.deepEqual(routeOf(ok, 'app')!.spec.rules[0].filters[0].responseHeaderModifier.set, [{name: 'X-Team', value: 'a'}])

  const cases: [string, Record<string, string>, RegExp, ...unknown[]][] = [
    ['not listed', {'X-Powered-By': 'me'}, /X-Powered-By is not listed, exactly as written, in global-allowed-response-headers of the controller ConfigMap \(X-Frame-Options, X-Team\)/, controller],
    ['listed in another case', {'x-team': 'a'}, /x-team is not listed, exactly as written/, controller],
    ['no controller ConfigMap: the list is empty', {'X-Team': 'a'}, /\(empty by default; the controller ConfigMap is not in the input\)/],
    ['an empty value', {'X-Team': ''}, /the value of X-Team is empty or has characters ingress-nginx refuses/, controller],
    ['a non-ASCII value', {'X-Team': 'café'}, /the value of X-Team is empty or has characters/, controller],
    ['a name with a dot', {'X.Team': 'a'}, /X\.Team is not a header name ingress-nginx accepts/, controller],
  ]
  for (const [label, data, message, ...extra] of cases) {
    const r = translateObjects(ingress({'custom-headers': 'team/h'}), configMap('team', 'h', data), ...(extra as any[]))
    assertDenied(t, r, label)
    t.regex(diagnosticsFor(r, 'custom-headers')[0]!.message, message, label)
  }
  // store GetConfigMap looks the value up as the key: a name without namespace never exists.
  const bare = translateObjects(ingress({'custom-headers': 'h'}), configMap('team', 'h', {'X-Team': 'a'}), controller)
  assertDenied(t, bare, 'no namespace')
  assertDenied(t, translateObjects(ingress({'custom-headers': 'a/b/c'}), controller), 'a/b/c')
  // Another namespace needs no allow-cross-namespace-resources: customheaders has no such check.
  const other = translateObjects(ingress({'custom-headers': 'shared/h'}), configMap('shared', 'h', {'X-Team': 'a'}), controller)
  t.is(other.ingresses[0]!.status, 'converted')
  // A value nginx's validator refuses is ignored: the Ingress is served without headers.
  const invalid = translateObjects(ingress({'custom-headers': 'team/h@1'}), controller)
  t.is(invalid.ingresses[0]!.status, 'converted')
  t.is(diagnosticsFor(invalid, 'custom-headers')[0]?.code, 'invalid-annotation-value')
})
