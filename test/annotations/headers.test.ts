import test from 'ava'
import {assertValid, configMap, diagnosticsFor, fidelityFor, ingressFactory, routeOf, translateObjects, useValidator} from './support.js'
import type {KubeObject} from '../../src/translate/types.js'

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

  const partial = translateObjects(ingress({'server-alias': 'ok.example.com,~^(?<sub>.+)\\.example\\.com$,www.example.*'}))
  t.deepEqual(routeOf(partial, 'app')!.spec.hostnames, ['app.example.com', 'ok.example.com'])
  t.is(fidelityFor(partial, 'server-alias'), 'manual')
  t.regex(diagnosticsFor(partial, 'server-alias')[0]!.message, /regular expression server name.*trailing wildcard/)
})

test('a server-alias that is another Ingress\'s host is dropped, as nginx drops it', (t) => {
  const r = translateObjects(ingress({'server-alias': 'other.example.com'}), ingress({}, {name: 'other', host: 'other.example.com'}))
  t.deepEqual(routeOf(r, 'app')!.spec.hostnames, ['app.example.com'])
  t.truthy(r.diagnostics.find((d) => d.code === 'server-alias-is-host'))
})

test('custom-headers sets the ConfigMap\'s headers on every response', (t) => {
  const r = translateObjects(ingress({'custom-headers': 'team/security-headers'}), configMap('team', 'security-headers', {'X-Frame-Options': 'DENY', 'Content-Security-Policy': "default-src 'self'"}))
  t.deepEqual(routeOf(r, 'app')!.spec.rules[0].filters, [
    {
      type: 'ResponseHeaderModifier',
      responseHeaderModifier: {set: [{name: 'Content-Security-Policy', value: "default-src 'self'"}, {name: 'X-Frame-Options', value: 'DENY'}]},
    },
  ])
  t.is(fidelityFor(r, 'custom-headers'), 'exact')
  t.is(r.diagnostics.find((d) => d.code === 'custom-headers-allow-list-unknown')?.level, 'info')
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

test('custom-headers checks the controller\'s global-allowed-response-headers: a name not listed denies every path', (t) => {
  const controller = configMap('ingress-nginx', 'ingress-nginx-controller', {'global-allowed-response-headers': 'X-Frame-Options, X-Team'})
  const ok = translateObjects(ingress({'custom-headers': 'team/h'}), configMap('team', 'h', {'X-Team': 'a'}), controller)
  t.deepEqual(routeOf(ok, 'app')!.spec.rules[0].filters[0].responseHeaderModifier.set, [{name: 'X-Team', value: 'a'}])
  t.is(ok.diagnostics.find((d) => d.code === 'custom-headers-allow-list-unknown'), undefined)

  const denied = translateObjects(ingress({'custom-headers': 'team/h'}), configMap('team', 'h', {'X-Powered-By': 'me'}), controller)
  t.is(routeOf(denied, 'app'), undefined)
  const [d] = diagnosticsFor(denied, 'custom-headers')
  t.is(d?.code, 'ingress-not-served')
  t.regex(d!.message, /X-Powered-By is not listed in the controller ConfigMap's global-allowed-response-headers \(which lists X-Frame-Options, X-Team, matched exactly, case included\); ingress-nginx answered 503/)

  const malformed = translateObjects(ingress({'custom-headers': 'a/b/c'}))
  t.is(diagnosticsFor(malformed, 'custom-headers')[0]?.code, 'ingress-not-served')
})

/**
 * customheaders/main.go Parse denies the location (503) unless every ConfigMap entry passes: the name matches
 * ^[a-zA-Z\d\-_]+$, the value matches a non-empty printable-ASCII pattern, and the name is in
 * global-allowed-response-headers exactly (slices.Contains: case-sensitive), whose default is empty (config.go
 * NewDefault: AllowedResponseHeaders []string{}). GetConfigMap looks the reference up by key, so a bare name (no
 * namespace) finds nothing.
 */
test('custom-headers that nginx refused: not allowed by default, other case, empty or non-ASCII value, bad name, no namespace', (t) => {
  const controller = (data: Record<string, string>) => configMap('ingress-nginx', 'ingress-nginx-controller', data)
  const allowed = controller({'global-allowed-response-headers': 'X-Team,X-Frame-Options,X.Bad'})
  const cases: [string, KubeObject[], RegExp][] = [
    ['no allow-list in the controller ConfigMap', [configMap('team', 'h', {'X-Team': 'a'}), controller({})], /X-Team is not listed/],
    ['another case', [configMap('team', 'h', {'x-team': 'a'}), allowed], /x-team is not listed/],
    ['empty value', [configMap('team', 'h', {'X-Team': ''}), allowed], /X-Team has an empty value/],
    ['non-ASCII value', [configMap('team', 'h', {'X-Team': 'caf\u00e9'}), allowed], /X-Team has a value with characters/],
    ['name with a dot', [configMap('team', 'h', {'X.Bad': 'a'}), allowed], /X\.Bad is not a header name/],
  ]
  for (const [what, objects, reason] of cases) {
    const r = translateObjects(ingress({'custom-headers': 'team/h'}), ...objects)
    t.is(routeOf(r, 'app'), undefined, what)
    const [d] = diagnosticsFor(r, 'custom-headers')
    t.is(d?.code, 'ingress-not-served', what)
    t.regex(d!.message, reason, what)
  }
  const bare = translateObjects(ingress({'custom-headers': 'h'}), configMap('team', 'h', {'X-Team': 'a'}), allowed)
  t.is(routeOf(bare, 'app'), undefined)
  t.regex(diagnosticsFor(bare, 'custom-headers')[0]!.message, /namespace\/name/)
})
