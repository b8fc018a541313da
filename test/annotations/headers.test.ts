import test from 'ava'
import {translate} from '../../src/translate/index.js'
import type {KubeObject, TranslateResult} from '../../src/translate/types.js'
import {loadValidator, type Validator} from '../support/conformance.js'

const P = 'nginx.ingress.kubernetes.io/'

function ingress(annotations: Record<string, string>, opts: {name?: string; host?: string; path?: string} = {}): KubeObject {
  const name = opts.name ?? 'app'
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {name, namespace: 'team', annotations: Object.fromEntries(Object.entries(annotations).map(([k, v]) => [P + k, v]))},
    spec: {
      ingressClassName: 'nginx',
      rules: [{host: opts.host ?? 'app.example.com', http: {paths: [{path: opts.path ?? '/', pathType: 'Prefix', backend: {service: {name, port: {number: 80}}}}]}}],
    },
  }
}

const configMap = (namespace: string, name: string, data: Record<string, string>): KubeObject => ({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name, namespace}, data})

function run(...objects: KubeObject[]): TranslateResult {
  return translate({objects: objects.map((object) => ({object, source: {file: 'test.yaml', line: 1}}))}, {})
}

const route = (r: TranslateResult, name = 'app') => r.objects.find((o) => o.kind === 'HTTPRoute' && o.metadata.name === name)
const fidelity = (r: TranslateResult, key: string) => r.ingresses[0]!.annotations[P + key]
const diags = (r: TranslateResult, key: string) => r.diagnostics.filter((d) => d.annotation === P + key)

let validator: Validator
test.before(async () => {
  validator = await loadValidator()
})

function assertValid(t: any, r: TranslateResult) {
  for (const o of r.objects) t.deepEqual(validator.validate(o), [], `${o.kind} ${o.metadata.name}`)
}

test('upstream-vhost rewrites the Host header', (t) => {
  const r = run(ingress({'upstream-vhost': 'Internal.Example.com'}))
  t.deepEqual(route(r)!.spec.rules[0].filters, [{type: 'URLRewrite', urlRewrite: {hostname: 'internal.example.com'}}])
  t.is(fidelity(r, 'upstream-vhost'), 'exact')
  t.deepEqual(diags(r, 'upstream-vhost'), [])
  assertValid(t, r)
})

test('upstream-vhost and rewrite-target on one Ingress make one URLRewrite filter', (t) => {
  const r = run(ingress({'upstream-vhost': 'api.internal', 'rewrite-target': '/'}, {path: '/api'}))
  const filters = route(r)!.spec.rules[0].filters
  t.deepEqual(filters, [{type: 'URLRewrite', urlRewrite: {hostname: 'api.internal', path: {type: 'ReplaceFullPath', replaceFullPath: '/'}}}])
  assertValid(t, r)
})

test('upstream-vhost with a port, with nginx variables, or equal to the default', (t) => {
  const port = run(ingress({'upstream-vhost': 'api.internal:8080'}))
  t.deepEqual(route(port)!.spec.rules[0].filters, [{type: 'URLRewrite', urlRewrite: {hostname: 'api.internal'}}])
  t.is(fidelity(port, 'upstream-vhost'), 'approximate')
  t.regex(diags(port, 'upstream-vhost')[0]!.message, /carries no port/)

  const variable = run(ingress({'upstream-vhost': '$service_name.internal'}))
  t.is(route(variable)!.spec.rules[0].filters, undefined)
  t.is(fidelity(variable, 'upstream-vhost'), 'manual')
  t.regex(diags(variable, 'upstream-vhost')[0]!.hint!, /fixed host name/)

  const dflt = run(ingress({'upstream-vhost': '$host'}))
  t.is(fidelity(dflt, 'upstream-vhost'), 'ignored')
  t.is(route(dflt)!.spec.rules[0].filters, undefined)

  const redirected = run(ingress({'upstream-vhost': 'api.internal', 'permanent-redirect': 'https://example.org/'}))
  t.is(fidelity(redirected, 'upstream-vhost'), 'ignored')
  t.deepEqual(route(redirected)!.spec.rules[0].filters.map((f: any) => f.type), ['RequestRedirect'])
})

test('server-alias adds hostnames; nginx wildcard forms are mapped or reported', (t) => {
  const r = run(ingress({'server-alias': 'App.Example.NET, *.apps.example.com, .example.org'}))
  t.deepEqual(route(r)!.spec.hostnames, ['app.example.com', 'app.example.net', '*.apps.example.com', 'example.org', '*.example.org'])
  t.is(fidelity(r, 'server-alias'), 'exact')
  assertValid(t, r)

  const partial = run(ingress({'server-alias': 'ok.example.com,~^(?<sub>.+)\\.example\\.com$,www.example.*'}))
  t.deepEqual(route(partial)!.spec.hostnames, ['app.example.com', 'ok.example.com'])
  t.is(fidelity(partial, 'server-alias'), 'manual')
  t.regex(diags(partial, 'server-alias')[0]!.message, /regular expression server name.*trailing wildcard/)
})

test('a server-alias that is another Ingress\'s host is dropped, as nginx drops it', (t) => {
  const r = run(ingress({'server-alias': 'other.example.com'}), ingress({}, {name: 'other', host: 'other.example.com'}))
  t.deepEqual(route(r)!.spec.hostnames, ['app.example.com'])
  t.truthy(r.diagnostics.find((d) => d.code === 'server-alias-is-host'))
})

test('custom-headers sets the ConfigMap\'s headers on every response; an empty value removes the header', (t) => {
  const r = run(ingress({'custom-headers': 'team/security-headers'}), configMap('team', 'security-headers', {'X-Frame-Options': 'DENY', 'Content-Security-Policy': "default-src 'self'", Server: ''}))
  t.deepEqual(route(r)!.spec.rules[0].filters, [
    {
      type: 'ResponseHeaderModifier',
      responseHeaderModifier: {set: [{name: 'Content-Security-Policy', value: "default-src 'self'"}, {name: 'X-Frame-Options', value: 'DENY'}], remove: ['Server']},
    },
  ])
  t.is(fidelity(r, 'custom-headers'), 'exact')
  t.is(r.diagnostics.find((d) => d.code === 'custom-headers-allow-list-unknown')?.level, 'info')
  assertValid(t, r)
})

test('custom-headers whose ConfigMap is not in the input: reported, the Ingress still converted', (t) => {
  const r = run(ingress({'custom-headers': 'team/missing'}))
  t.is(fidelity(r, 'custom-headers'), 'manual')
  const [d] = diags(r, 'custom-headers')
  t.is(d?.level, 'warning')
  t.regex(d!.hint!, /kubectl get configmap -n team missing -o yaml/)
  t.truthy(route(r))
  t.is(r.ingresses[0]!.status, 'converted')
})

test('custom-headers checks the controller\'s global-allowed-response-headers: a name not listed denies every path', (t) => {
  const controller = configMap('ingress-nginx', 'ingress-nginx-controller', {'global-allowed-response-headers': 'X-Frame-Options, X-Team'})
  const ok = run(ingress({'custom-headers': 'team/h'}), configMap('team', 'h', {'x-team': 'a'}), controller)
  t.deepEqual(route(ok)!.spec.rules[0].filters[0].responseHeaderModifier.set, [{name: 'x-team', value: 'a'}])
  t.is(ok.diagnostics.find((d) => d.code === 'custom-headers-allow-list-unknown'), undefined)

  const denied = run(ingress({'custom-headers': 'team/h'}), configMap('team', 'h', {'X-Powered-By': 'me'}), controller)
  t.is(route(denied), undefined)
  const [d] = diags(denied, 'custom-headers')
  t.is(d?.code, 'ingress-not-served')
  t.regex(d!.message, /X-Powered-By is not listed in the controller ConfigMap's global-allowed-response-headers; ingress-nginx answered 503/)

  const malformed = run(ingress({'custom-headers': 'a/b/c'}))
  t.is(diags(malformed, 'custom-headers')[0]?.code, 'ingress-not-served')
})
