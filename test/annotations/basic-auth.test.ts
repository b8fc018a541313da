import test from 'ava'
import {translate} from '../../src/translate/index.js'
import type {KubeObject, TranslateResult} from '../../src/translate/types.js'
import {loadValidator, type Validator} from '../support/conformance.js'

const P = 'nginx.ingress.kubernetes.io/'

function ingress(annotations: Record<string, string>): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {name: 'grafana', namespace: 'monitoring', annotations: Object.fromEntries(Object.entries(annotations).map(([k, v]) => [P + k, v]))},
    spec: {
      ingressClassName: 'nginx',
      tls: [{hosts: ['grafana.example.com'], secretName: 'grafana-tls'}],
      rules: [{host: 'grafana.example.com', http: {paths: [{path: '/', pathType: 'Prefix', backend: {service: {name: 'grafana', port: {number: 3000}}}}]}}],
    },
  }
}

/** The htpasswd Secret ingress-nginx used: its data must never appear in the output. */
const OLD_SECRET: KubeObject = {
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: {name: 'basic-users', namespace: 'monitoring'},
  data: {auth: Buffer.from('admin:$apr1$x8Qb5lQm$0gkEoN9bGQ0Ov9v7k0Cg41\n').toString('base64')},
}

function run(annotations: Record<string, string>, extra: KubeObject[] = []): TranslateResult {
  const objects = [ingress(annotations), ...extra].map((object, i) => ({object, source: {file: 'test.yaml', line: 1 + i * 20}}))
  return translate({objects}, {})
}

const policy = (r: TranslateResult) => r.objects.find((o) => o.kind === 'SecurityPolicy')
const route = (r: TranslateResult) => r.objects.find((o) => o.kind === 'HTTPRoute')
const fidelity = (r: TranslateResult, key: string) => r.ingresses[0]!.annotations[P + key]
const diags = (r: TranslateResult, key: string) => r.diagnostics.filter((d) => d.annotation === P + key)

let validator: Validator
test.before(async () => {
  validator = await loadValidator()
})

test('basic auth -> basicAuth on a new <secret>-basic-auth Secret, and Authorization removed upstream', (t) => {
  const r = run({'auth-type': 'basic', 'auth-secret': 'basic-users', 'auth-realm': 'Authentication Required - grafana'}, [OLD_SECRET])
  const sp = policy(r)!
  t.deepEqual(sp.spec.basicAuth, {users: {name: 'basic-users-basic-auth'}})
  t.is(sp.metadata.namespace, 'monitoring')
  t.deepEqual(validator.validate(sp), [])
  const rt = route(r)!
  for (const rule of rt.spec.rules) {
    t.deepEqual(rule.filters, [{type: 'RequestHeaderModifier', requestHeaderModifier: {remove: ['Authorization']}}])
  }
  t.deepEqual(validator.validate(rt), [])
})

test('the hint says exactly how to create the new Secret', (t) => {
  const r = run({'auth-type': 'basic', 'auth-secret': 'basic-users'})
  t.is(fidelity(r, 'auth-type'), 'manual')
  t.is(fidelity(r, 'auth-secret'), 'manual')
  const [d] = diags(r, 'auth-type')
  t.is(d?.code, 'basic-auth-secret')
  t.is(d?.level, 'warning')
  t.regex(d!.message, /\{SHA\}/)
  t.regex(d!.hint!, /htpasswd -cs auth\.htpasswd USER/)
  t.regex(d!.hint!, /htpasswd -s auth\.htpasswd USER/)
  t.regex(d!.hint!, /kubectl create secret generic basic-users-basic-auth -n monitoring --from-file=\.htpasswd=auth\.htpasswd/)
  t.regex(d!.hint!, /plaintext passwords/)
})

test('the old Secret is never read, copied or printed', (t) => {
  const r = run({'auth-type': 'basic', 'auth-secret': 'basic-users'}, [OLD_SECRET])
  t.false(r.objects.some((o) => o.kind === 'Secret'))
  const everything = JSON.stringify(r)
  t.false(everything.includes(OLD_SECRET.data!.auth!))
  t.false(everything.includes('$apr1$'))
})

test('digest has no Envoy equivalent: the route stays protected by basic auth (fail closed), manual', (t) => {
  const r = run({'auth-type': 'digest', 'auth-secret': 'digest-users'})
  t.deepEqual(policy(r)!.spec.basicAuth, {users: {name: 'digest-users-basic-auth'}})
  t.is(fidelity(r, 'auth-type'), 'manual')
  const [d] = diags(r, 'auth-type')
  t.is(d?.code, 'digest-auth')
  t.regex(d!.message, /no digest authentication/)
})

test('an auth-type nginx rejects drops the whole Ingress', (t) => {
  for (const value of ['Basic', 'ldap']) {
    const r = run({'auth-type': value, 'auth-secret': 'basic-users'})
    t.is(r.ingresses[0]!.status, 'not-served', value)
    t.is(route(r), undefined, value)
    const [d] = diags(r, 'auth-type')
    t.is(d?.code, 'ingress-not-served', value)
    t.regex(d!.message, /refused the whole Ingress/, value)
  }
})

test('auth-type without auth-secret: nginx answers 503, nothing is emitted', (t) => {
  const r = run({'auth-type': 'basic'})
  t.is(r.ingresses[0]!.status, 'not-served')
  t.is(route(r), undefined)
  t.is(policy(r), undefined)
  const [d] = diags(r, 'auth-type')
  t.is(d?.code, 'ingress-not-served')
  t.regex(d!.message, /503 on every path/)
})

test('a Secret of another namespace is refused by default, accepted when the controller ConfigMap allows it', (t) => {
  const denied = run({'auth-type': 'basic', 'auth-secret': 'shared/users'})
  t.is(denied.ingresses[0]!.status, 'not-served')
  t.regex(diags(denied, 'auth-secret')[0]!.message, /allow-cross-namespace-resources/)

  const controller: KubeObject = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {name: 'ingress-nginx-controller', namespace: 'ingress-nginx'},
    data: {'allow-cross-namespace-resources': 'true'},
  }
  const allowed = run({'auth-type': 'basic', 'auth-secret': 'shared/users'}, [controller])
  t.deepEqual(policy(allowed)!.spec.basicAuth, {users: {name: 'users-basic-auth'}})
  t.regex(diags(allowed, 'auth-type')[0]!.message, /the new one goes beside the Ingress/)
  t.regex(diags(allowed, 'auth-type')[0]!.hint!, /-n monitoring/)
  const sameNs = run({'auth-type': 'basic', 'auth-secret': 'monitoring/basic-users'})
  t.deepEqual(policy(sameNs)!.spec.basicAuth, {users: {name: 'basic-users-basic-auth'}})
})

test('auth-secret with characters nginx rejects: 503 for the Ingress', (t) => {
  const r = run({'auth-type': 'basic', 'auth-secret': 'users@prod'})
  t.is(r.ingresses[0]!.status, 'not-served')
  t.is(diags(r, 'auth-secret')[0]?.code, 'ingress-not-served')
})

test('auth-realm is approximate (no realm in Envoy Gateway); an invalid realm drops the Ingress', (t) => {
  const r = run({'auth-type': 'basic', 'auth-secret': 'basic-users', 'auth-realm': 'Restricted Area'})
  t.is(fidelity(r, 'auth-realm'), 'approximate')
  t.regex(diags(r, 'auth-realm')[0]!.message, /no realm setting/)
  const bad = run({'auth-type': 'basic', 'auth-secret': 'basic-users', 'auth-realm': 'Realm "quoted"'})
  t.is(bad.ingresses[0]!.status, 'not-served')
})

test('auth-secret-type only describes the old Secret', (t) => {
  const map = run({'auth-type': 'basic', 'auth-secret': 'basic-users', 'auth-secret-type': 'auth-map'})
  t.is(fidelity(map, 'auth-secret-type'), 'ignored')
  t.deepEqual(policy(map)!.spec.basicAuth, {users: {name: 'basic-users-basic-auth'}})
  const bad = run({'auth-type': 'basic', 'auth-secret': 'basic-users', 'auth-secret-type': 'htpasswd'})
  t.is(bad.ingresses[0]!.status, 'not-served')
})

test('auth companions without auth-type do nothing', (t) => {
  const r = run({'auth-secret': 'basic-users', 'auth-realm': 'x'})
  t.is(policy(r), undefined)
  t.is(fidelity(r, 'auth-secret'), 'ignored')
  t.is(fidelity(r, 'auth-realm'), 'ignored')
  t.is(diags(r, 'auth-secret')[0]?.code, 'auth-type-missing')
  t.deepEqual(route(r)!.spec.rules[0].filters, undefined)
})

test('basic auth and CORS share one SecurityPolicy', (t) => {
  const r = run({'auth-type': 'basic', 'auth-secret': 'basic-users', 'enable-cors': 'true', 'cors-allow-origin': 'https://app.example.com'})
  const sps = r.objects.filter((o) => o.kind === 'SecurityPolicy')
  t.is(sps.length, 1)
  t.truthy(sps[0]!.spec.cors)
  t.truthy(sps[0]!.spec.basicAuth)
  t.deepEqual(validator.validate(sps[0]), [])
})
