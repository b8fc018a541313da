import test from 'ava'
import type {KubeObject} from '../../src/model/types.js'
import {P, assertDenied, diagnosticsFor, fidelityFor, fixture, policyOf, routeOf, useValidator, validate} from './support.js'

const {run} = fixture({name: 'grafana', namespace: 'monitoring', host: 'grafana.example.com', port: 3000, tls: true})
useValidator()

/** The htpasswd Secret ingress-nginx used: its data must never appear in the output. */
const OLD_SECRET: KubeObject = {
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: {name: 'basic-users', namespace: 'monitoring'},
  data: {auth: Buffer.from('admin:$apr1$x8Qb5lQm$0gkEoN9bGQ0Ov9v7k0Cg41\n').toString('base64')},
}

test('basic auth -> basicAuth on a new <secret>-basic-auth Secret, and Authorization removed upstream', (t) => {
  const r = run({'auth-type': 'basic', 'auth-secret': 'basic-users', 'auth-realm': 'Authentication Required - grafana'}, {extra: [OLD_SECRET]})
  const sp = policyOf(r, 'SecurityPolicy')!
  t.deepEqual(sp.spec.basicAuth, {users: {name: 'basic-users-basic-auth'}})
  t.is(sp.metadata.namespace, 'monitoring')
  t.deepEqual(validate(sp), [])
  const rt = routeOf(r)!
  for (const rule of rt.spec.rules) {
    t.deepEqual(rule.filters, [{type: 'RequestHeaderModifier', requestHeaderModifier: {remove: ['Authorization']}}])
  }
  t.deepEqual(validate(rt), [])
})

test('the hint says exactly how to create the new Secret', (t) => {
  const r = run({'auth-type': 'basic', 'auth-secret': 'basic-users'})
  t.is(fidelityFor(r, 'auth-type'), 'manual')
  t.is(fidelityFor(r, 'auth-secret'), 'manual')
  const [d] = diagnosticsFor(r, 'auth-type')
  t.is(d?.code, 'basic-auth-secret')
  t.is(d?.level, 'warning')
  t.regex(d!.message, /\{SHA\}/)
  t.regex(d!.hint!, /htpasswd -cs auth\.htpasswd USER/)
  t.regex(d!.hint!, /htpasswd -s auth\.htpasswd USER/)
  t.regex(d!.hint!, /kubectl create secret generic basic-users-basic-auth -n monitoring --from-file=\.htpasswd=auth\.htpasswd/)
  t.regex(d!.hint!, /plaintext passwords/)
})

test('the old Secret is never read, copied or printed', (t) => {
  const r = run({'auth-type': 'basic', 'auth-secret': 'basic-users'}, {extra: [OLD_SECRET]})
  t.false(r.objects.some((o) => o.kind === 'Secret'))
  const everything = JSON.stringify(r)
  t.false(everything.includes(OLD_SECRET.data!.auth!))
  t.false(everything.includes('$apr1$'))
})

test('digest has no Envoy equivalent: the route stays protected by basic auth (fail closed), manual', (t) => {
  const r = run({'auth-type': 'digest', 'auth-secret': 'digest-users'})
  t.deepEqual(policyOf(r, 'SecurityPolicy')!.spec.basicAuth, {users: {name: 'digest-users-basic-auth'}})
  t.is(fidelityFor(r, 'auth-type'), 'manual')
  const [d] = diagnosticsFor(r, 'auth-type')
  t.is(d?.code, 'digest-auth')
  t.regex(d!.message, /no digest authentication/)
})

test('an auth-type nginx rejects drops the whole Ingress', (t) => {
  for (const value of ['Basic', 'ldap']) {
    const r = run({'auth-type': value, 'auth-secret': 'basic-users'})
    t.is(r.ingresses[0]!.status, 'not-served', value)
    t.is(routeOf(r), undefined, value)
    const [d] = diagnosticsFor(r, 'auth-type')
    t.is(d?.code, 'ingress-not-served', value)
    t.like(d!.data, {problem: 'invalid', key: `${P}auth-type`, value}, value)
  }
})

test('auth-type without auth-secret: nginx answers 503 (auth.Parse LocationDenied), and so does the route', (t) => {
  const r = run({'auth-type': 'basic'})
  assertDenied(t, r)
  const [d] = diagnosticsFor(r, 'auth-type')
  t.is(d?.code, 'locations-denied')
  t.like(d!.data, {key: `${P}auth-type`, value: 'basic'}, 'the family account: key and value, its note as the message says')
  t.regex(d!.message, /503 on every path/)
})

test('a Secret of another namespace is refused by default, accepted when the controller ConfigMap allows it', (t) => {
  const denied = run({'auth-type': 'basic', 'auth-secret': 'shared/users'})
  assertDenied(t, denied)
  t.regex(diagnosticsFor(denied, 'auth-secret')[0]!.message, /allow-cross-namespace-resources/)

  const controller: KubeObject = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {name: 'ingress-nginx-controller', namespace: 'ingress-nginx'},
    data: {'allow-cross-namespace-resources': 'true'},
  }
  const allowed = run({'auth-type': 'basic', 'auth-secret': 'shared/users'}, {extra: [controller]})
  t.deepEqual(policyOf(allowed, 'SecurityPolicy')!.spec.basicAuth, {users: {name: 'users-basic-auth'}})
  t.regex(diagnosticsFor(allowed, 'auth-type')[0]!.message, /the new one goes beside the Ingress/)
  t.regex(diagnosticsFor(allowed, 'auth-type')[0]!.hint!, /-n monitoring/)
  const sameNs = run({'auth-type': 'basic', 'auth-secret': 'monitoring/basic-users'})
  t.deepEqual(policyOf(sameNs, 'SecurityPolicy')!.spec.basicAuth, {users: {name: 'basic-users-basic-auth'}})
})

test('auth-secret with characters nginx rejects: 503 for the Ingress', (t) => {
  const r = run({'auth-type': 'basic', 'auth-secret': 'users@prod'})
  assertDenied(t, r)
  t.is(diagnosticsFor(r, 'auth-secret')[0]?.code, 'locations-denied')
  // Spaces pass the validator (removed before BasicCharsRegex), but the Secret lookup of "users prod" fails.
  const spaced = run({'auth-type': 'basic', 'auth-secret': 'users prod'})
  assertDenied(t, spaced)
  t.regex(diagnosticsFor(spaced, 'auth-secret')[0]!.message, /names no Secret that can exist/)
})

test('auth-realm is approximate (no realm in Envoy Gateway); an invalid realm drops the Ingress', (t) => {
  const r = run({'auth-type': 'basic', 'auth-secret': 'basic-users', 'auth-realm': 'Restricted Area'})
  t.is(fidelityFor(r, 'auth-realm'), 'approximate')
  t.regex(diagnosticsFor(r, 'auth-realm')[0]!.message, /no realm setting/)
  const bad = run({'auth-type': 'basic', 'auth-secret': 'basic-users', 'auth-realm': 'Realm "quoted"'})
  t.is(bad.ingresses[0]!.status, 'not-served')
})

test('auth-secret-type only describes the old Secret', (t) => {
  const map = run({'auth-type': 'basic', 'auth-secret': 'basic-users', 'auth-secret-type': 'auth-map'})
  t.is(fidelityFor(map, 'auth-secret-type'), 'ignored')
  t.deepEqual(policyOf(map, 'SecurityPolicy')!.spec.basicAuth, {users: {name: 'basic-users-basic-auth'}})
  const bad = run({'auth-type': 'basic', 'auth-secret': 'basic-users', 'auth-secret-type': 'htpasswd'})
  t.is(bad.ingresses[0]!.status, 'not-served')
})

test('auth companions without auth-type do nothing', (t) => {
  const r = run({'auth-secret': 'basic-users', 'auth-realm': 'x'})
  t.is(policyOf(r, 'SecurityPolicy'), undefined)
  t.is(fidelityFor(r, 'auth-secret'), 'ignored')
  t.is(fidelityFor(r, 'auth-realm'), 'ignored')
  t.is(diagnosticsFor(r, 'auth-secret')[0]?.code, 'auth-type-missing')
  t.deepEqual(routeOf(r)!.spec.rules[0].filters, undefined)
})

test('basic auth and CORS share one SecurityPolicy', (t) => {
  const r = run({'auth-type': 'basic', 'auth-secret': 'basic-users', 'enable-cors': 'true', 'cors-allow-origin': 'https://app.example.com'})
  const sps = r.objects.filter((o) => o.kind === 'SecurityPolicy')
  t.is(sps.length, 1)
  t.truthy(sps[0]!.spec.cors)
  t.truthy(sps[0]!.spec.basicAuth)
  t.deepEqual(validate(sps[0]), [])
})
