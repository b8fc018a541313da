import test from 'ava'
import {assertValid, configMap, diagnosticsFor, fidelityFor, ingressFactory, routeOf, translateObjects, useValidator} from './support.js'

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

test('custom-headers sets the ConfigMap\'s headers on every response; an empty value removes the header', (t) => {
  const r = translateObjects(ingress({'custom-headers': 'team/security-headers'}), configMap('team', 'security-headers', {'X-Frame-Options': 'DENY', 'Content-Security-Policy': "default-src 'self'", Server: ''}))
  t.deepEqual(routeOf(r, 'app')!.spec.rules[0].filters, [
    {
      type: 'ResponseHeaderModifier',
      responseHeaderModifier: {set: [{name: 'Content-Security-Policy', value: "default-src 'self'"}, {name: 'X-Frame-Options', value: 'DENY'}], remove: ['Server']},
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
  const ok = translateObjects(ingress({'custom-headers': 'team/h'}), configMap('team', 'h', {'x-team': 'a'}), controller)
  t.deepEqual(routeOf(ok, 'app')!.spec.rules[0].filters[0].responseHeaderModifier.set, [{name: 'x-team', value: 'a'}])
  t.is(ok.diagnostics.find((d) => d.code === 'custom-headers-allow-list-unknown'), undefined)

  const denied = translateObjects(ingress({'custom-headers': 'team/h'}), configMap('team', 'h', {'X-Powered-By': 'me'}), controller)
  t.is(routeOf(denied, 'app'), undefined)
  const [d] = diagnosticsFor(denied, 'custom-headers')
  t.is(d?.code, 'ingress-not-served')
  t.regex(d!.message, /X-Powered-By is not listed in the controller ConfigMap's global-allowed-response-headers; ingress-nginx answered 503/)

  const malformed = translateObjects(ingress({'custom-headers': 'a/b/c'}))
  t.is(diagnosticsFor(malformed, 'custom-headers')[0]?.code, 'ingress-not-served')
})
