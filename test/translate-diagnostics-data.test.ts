/**
 * The compiler's route, host and Gateway diagnostics are built from data (catalogue render): tests assert code and
 * data, and a few rendering goldens pin the sentences a user reads. The behaviours they name are ingress-nginx
 * controller-v1.15.1's: controller.go getBackendServers (invalid hosts and paths are skipped, the oldest Ingress owns
 * a contested path, store.go ordering by creationTimestamp), and the API server's own Ingress validation.
 */
import test from 'ava'
import {diagnostic} from '../src/model/catalogue/diagnostic.js'
import type {Diagnostic, KubeObject} from '../src/model/types.js'
import {ingressWith, translateAll} from './annotations/support.js'

const day = (n: number) => `2024-01-0${n}T00:00:00Z`
const about = (ds: Diagnostic[], code: string) => ds.filter((d) => d.code === code).map((d) => ({level: d.level, data: d.data, object: d.object}))

test('a rule host that is an IP and a relative path: errors with the rule index, host and problem as data', (t) => {
  const ing = ingressWith({}, {host: 'web.example.com'})
  ing.spec.rules.push({host: '10.0.0.1', http: {paths: [{path: '/', pathType: 'Prefix', backend: {service: {name: 'web', port: {number: 80}}}}]}})
  ing.spec.rules[0].http.paths.push({path: 'relative', pathType: 'Prefix', backend: {service: {name: 'web', port: {number: 80}}}})
  const r = translateAll([ing])
  t.deepEqual(about(r.diagnostics, 'invalid-host'), [{level: 'error', data: {rule: 1, host: '10.0.0.1', problem: 'ip-address'}, object: 'Ingress team/web'}])
  t.deepEqual(about(r.diagnostics, 'invalid-path'), [{level: 'error', data: {where: 'rules[0].http.paths[1]', path: 'relative'}, object: 'Ingress team/web'}])
})

test('a backend without a Service name or port: invalid-backend says which, as data', (t) => {
  const noName = ingressWith({}, {name: 'a', host: 'a.example.com'})
  noName.spec.rules[0].http.paths[0].backend = {service: {port: {number: 80}}}
  const noPort = ingressWith({}, {name: 'b', host: 'b.example.com'})
  noPort.spec.rules[0].http.paths[0].backend = {service: {name: 'svc'}}
  const r = translateAll([noName, noPort])
  t.deepEqual(about(r.diagnostics, 'invalid-backend'), [
    {level: 'error', data: {where: 'rules[0].http.paths[0]', problem: 'no-service-name'}, object: 'Ingress team/a'},
    {level: 'error', data: {where: 'rules[0].http.paths[0]', problem: 'no-port', service: 'svc'}, object: 'Ingress team/b'},
  ])
})

test('two Ingresses with one path: path-conflict names winner, loser and why (the older one) as data', (t) => {
  const old = ingressWith({}, {name: 'old', created: day(1)})
  const late = ingressWith({}, {name: 'late', created: day(2)})
  const r = translateAll([late, old])
  t.deepEqual(about(r.diagnostics, 'path-conflict'), [
    {
      level: 'warning',
      data: {host: 'web.example.com', match: 'Prefix', path: '/', loser: 'team/late', winner: 'team/old', reason: 'older', winnerCreated: day(1), loserCreated: day(2)},
      object: 'Ingress team/late',
    },
  ])
})

test('an Ingress the API server would refuse: invalid-ingress carries the problem, not a sentence', (t) => {
  const bad: KubeObject = {apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: {name: 'Bad_Name', namespace: 'team'}, spec: {rules: []}}
  const r = translateAll([bad])
  t.deepEqual(about(r.diagnostics, 'invalid-ingress'), [{level: 'error', data: {namespace: 'team', name: 'Bad_Name', problem: 'name-not-dns-subdomain', value: 'Bad_Name'}, object: 'Ingress team/Bad_Name'}])
})

test('a multi-level code without a level given is refused, never guessed', (t) => {
  t.throws(() => diagnostic('mtls-host-without-tls', {host: 'a.example.com', matchCn: false}), {message: /allows info \| warning, say which/})
})

test('rendering goldens: the sentences the catalogue writes from the data', (t) => {
  t.is(
    diagnostic('invalid-host', {rule: 2, host: 'Web_1', problem: 'not-dns-name'}).message,
    'rules[2].host "Web_1" is not a valid DNS name (Gateway API hostnames are lower-case DNS names, optionally with a leading *.); the rule is not converted',
  )
  t.is(
    diagnostic('path-conflict', {host: '', match: 'Exact', path: '/api', loser: 'a/two', winner: 'a/one', reason: 'tie'}).message,
    'host "*" Exact /api is also defined by Ingress a/one; ingress-nginx serves it from a/one because their creationTimestamps are equal or missing, and ingress-nginx then orders by namespace/name descending, which puts a/one first; this path is not emitted for a/two',
  )
  t.is(
    diagnostic('needs-substitution', {case: 'fail-closed', key: 'nginx.ingress.kubernetes.io/whitelist-source-range', template: '${RANGES}', validator: 'CIDR list', placeholders: ['${RANGES}']}, {level: 'error'}).message,
    'nginx.ingress.kubernetes.io/whitelist-source-range: "${RANGES}" becomes a value ingress-nginx\'s CIDR list accepts only once Flux substitutes ${RANGES}, and the conversion needs that value to translate nginx.ingress.kubernetes.io/whitelist-source-range; rather than publish these paths without the protection, the converted route answers 503 on every path of this Ingress',
  )
  t.is(
    diagnostic('gateway-several-controller-services', {
      services: ['Service a/public', 'Service a/internal'],
      chosen: 'Service a/internal',
      internalChosen: true,
      differences: [
        {aspect: 'internal', values: []},
        {aspect: 'sourceRanges', values: [{service: 'Service a/public', value: 'any'}, {service: 'Service a/internal', value: '10.0.0.0/8'}]},
      ],
    }, {level: 'error'}).message,
    'the Ingresses of this Gateway came through 2 load balancers (Service a/public, Service a/internal) and the Gateway gets one: the EnvoyProxy repeats Service a/internal, the internal one, so that no internal host becomes reachable from outside; the hosts that were public are internal until the classes get Gateways of their own; the load balancers admitted clients differently, in internal or not, source ranges (Service a/public: any; Service a/internal: 10.0.0.0/8), so the hosts of the other one are admitted otherwise than nginx admitted them',
  )
  t.is(
    diagnostic('certmanager-annotation-invalid', {key: 'cert-manager.io/duration', value: '10m', problem: 'below-minimum', minimum: '1h'}, {}).message,
    'cert-manager.io/duration: "10m" is shorter than the 1h minimum cert-manager accepts; cert-manager\'s ingress-shim rejected this value and issued no Certificate for the Ingress, here the field is left out of the Certificate',
  )
})

test('a named port that cannot be resolved: unresolved-port-name says where, which Service and port, and whether the Service is in the input', (t) => {
  const noPort = ingressWith({}, {name: 'a', host: 'a.example.com', service: 'svc-a', port: 'http'})
  const noService = ingressWith({}, {name: 'b', host: 'b.example.com', service: 'svc-b', port: 'http'})
  const svcA = {apiVersion: 'v1', kind: 'Service', metadata: {name: 'svc-a', namespace: 'team'}, spec: {ports: [{name: 'web', port: 80}]}}
  const r = translateAll([noPort, noService, svcA])
  t.deepEqual(about(r.diagnostics, 'unresolved-port-name'), [
    {level: 'warning', data: {where: 'rules[0].http.paths[0]', namespace: 'team', service: 'svc-a', portName: 'http', problem: 'no-such-port'}, object: 'Ingress team/a'},
    {level: 'warning', data: {where: 'rules[0].http.paths[0]', namespace: 'team', service: 'svc-b', portName: 'http', problem: 'service-not-in-input'}, object: 'Ingress team/b'},
  ])
})
