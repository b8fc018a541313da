import test from 'ava'
import {P, configMap, fidelityOf, ingressWith, routesOf, translateAll} from './support.js'

const emit = {emitGateway: true}
const redirectHosts = (r: ReturnType<typeof translateAll>) =>
  routesOf(r)
    .filter((o) => o.metadata.name.startsWith('https-redirect'))
    .flatMap((o) => o.spec.hostnames)

test('TLS hosts redirect by default: route on https only, host in https-redirect (308)', (t) => {
  const r = translateAll([ingressWith({}, {tls: true})], emit)
  const route = routesOf(r).find((o) => o.metadata.name === 'web')!
  t.deepEqual(route.spec.parentRefs.map((p: any) => p.sectionName), ['https'])
  t.deepEqual(redirectHosts(r), ['web.example.com'])
  const redirect = routesOf(r).find((o) => o.metadata.name === 'https-redirect')!
  t.deepEqual(redirect.spec.rules[0].filters, [{type: 'RequestRedirect', requestRedirect: {scheme: 'https', statusCode: 308}}])
  t.deepEqual(redirect.spec.parentRefs.map((p: any) => p.sectionName), ['http'], 'on https it would loop')
})

test('ssl-redirect "false": route on both listeners, no redirect', (t) => {
  const r = translateAll([ingressWith({'ssl-redirect': 'false'}, {tls: true})], emit)
  const route = routesOf(r).find((o) => o.metadata.name === 'web')!
  t.deepEqual(route.spec.parentRefs.map((p: any) => p.sectionName), ['http', 'https'])
  t.deepEqual(redirectHosts(r), [])
  t.is(fidelityOf(r, 'team/web', 'ssl-redirect'), 'exact')
})

test('an invalid boolean falls back to the default (true), as nginx does', (t) => {
  const r = translateAll([ingressWith({'ssl-redirect': 'yes'}, {tls: true})], emit)
  t.true(r.diagnostics.some((d) => d.annotation === P + 'ssl-redirect' && d.code === 'invalid-annotation-value' && d.level === 'error'))
  t.deepEqual(redirectHosts(r), ['web.example.com'])
})

test('plain hosts never redirect; force-ssl-redirect there is reported, not emitted (it would loop)', (t) => {
  const plain = translateAll([ingressWith({})], emit)
  t.deepEqual(redirectHosts(plain), [])
  const forced = translateAll([ingressWith({'force-ssl-redirect': 'true'})], emit)
  t.deepEqual(redirectHosts(forced), [])
  t.is(fidelityOf(forced, 'team/web', 'force-ssl-redirect'), 'manual')
  t.true(forced.diagnostics.some((d) => d.code === 'force-ssl-redirect-without-tls'))
})

test('preserve-trailing-slash: exact when true; when false the trailing-slash difference is named', (t) => {
  const keep = translateAll([ingressWith({'preserve-trailing-slash': 'true'}, {tls: true})], emit)
  t.is(fidelityOf(keep, 'team/web', 'preserve-trailing-slash'), 'exact')
  const strip = translateAll([ingressWith({'preserve-trailing-slash': 'false'}, {tls: true})], emit)
  t.is(fidelityOf(strip, 'team/web', 'preserve-trailing-slash'), 'approximate')
  t.regex(strip.diagnostics.find((d) => d.annotation === P + 'preserve-trailing-slash')!.message, /strips one trailing slash/)
})

// rewrite/main.go Parse: without the annotation (or with an invalid one) SSLRedirect and ForceSSLRedirect are the
// ConfigMap's (GetDefaultBackend().SSLRedirect / .ForceSSLRedirect), not nginx's built-in true / false.
test('ConfigMap ssl-redirect "false" is every Ingress\'s default; the annotation still overrides it', (t) => {
  const cm = configMap('ingress-nginx', 'ingress-nginx-controller', {'ssl-redirect': 'false'})
  const r = translateAll([cm, ingressWith({}, {tls: true}), ingressWith({'ssl-redirect': 'true'}, {name: 'shop', host: 'shop.example.com', tls: true})], emit)
  const web = routesOf(r).find((o) => o.metadata.name === 'web')!
  t.deepEqual(web.spec.parentRefs.map((p: any) => p.sectionName), ['http', 'https'])
  t.deepEqual(redirectHosts(r), ['shop.example.com'])
  t.true(r.diagnostics.some((d) => d.message.startsWith('ssl-redirect: "false"') && d.fidelity === 'exact'))
})

test('ConfigMap force-ssl-redirect "true" redirects TLS hosts whose Ingress turned ssl-redirect off', (t) => {
  const cm = configMap('ingress-nginx', 'ingress-nginx-controller', {'force-ssl-redirect': 'true'})
  const r = translateAll([cm, ingressWith({'ssl-redirect': 'false'}, {tls: true})], emit)
  const web = routesOf(r).find((o) => o.metadata.name === 'web')!
  t.deepEqual(web.spec.parentRefs.map((p: any) => p.sectionName), ['https'])
  t.deepEqual(redirectHosts(r), ['web.example.com'])
  // On a plain host the forced redirect is reported against the ConfigMap, not against an annotation the Ingress lacks.
  const plain = translateAll([cm, ingressWith({})], emit)
  const d = plain.diagnostics.find((x) => x.code === 'force-ssl-redirect-without-tls')!
  t.is(d.annotation, undefined)
  t.regex(d.message, /ConfigMap force-ssl-redirect/)
  t.is(fidelityOf(plain, 'team/web', 'force-ssl-redirect'), undefined)
})

// rewrite/main.go Parse: an invalid ssl-redirect logs "defaulting to '<GetDefaultBackend().SSLRedirect>'", the
// ConfigMap's value: the message must name that default, not nginx's built-in true.
test('an invalid ssl-redirect under a ConfigMap "false" falls back to false, and the message says so', (t) => {
  const cm = configMap('ingress-nginx', 'ingress-nginx-controller', {'ssl-redirect': 'false'})
  const r = translateAll([cm, ingressWith({'ssl-redirect': 'yes'}, {tls: true})], emit)
  const web = routesOf(r).find((o) => o.metadata.name === 'web')!
  t.deepEqual(web.spec.parentRefs.map((p: any) => p.sectionName), ['http', 'https'])
  t.deepEqual(redirectHosts(r), [])
  const invalid = r.diagnostics.find((d) => d.annotation === P + 'ssl-redirect' && d.code === 'invalid-annotation-value')!
  t.regex(invalid.message, /the default \(false, from the controller ConfigMap's ssl-redirect\)/)
  t.notRegex(invalid.message, /\(true\)/)
  const empty = translateAll([cm, ingressWith({'ssl-redirect': ''}, {tls: true})], emit)
  t.regex(empty.diagnostics.find((d) => d.annotation === P + 'ssl-redirect')!.message, /uses the default \(false, from the controller ConfigMap's ssl-redirect\)/)
})

// template/configmap.go ReadConfig decodes the ConfigMap with mapstructure (WeaklyTypedInput): "" is false for a
// bool (decodeBool), while " true" fails strconv.ParseBool, so the field keeps config.go NewDefault's true.
test('ConfigMap ssl-redirect "" is false (mapstructure), " true" is invalid and keeps nginx\'s true', (t) => {
  const run = (value: string) => translateAll([configMap('ingress-nginx', 'ingress-nginx-controller', {'ssl-redirect': value}), ingressWith({}, {tls: true})], emit)
  t.deepEqual(redirectHosts(run('')), [])
  t.deepEqual(redirectHosts(run(' true')), ['web.example.com'])
  t.deepEqual(redirectHosts(run('0')), [])
})
