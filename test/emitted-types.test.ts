/**
 * The emitted objects and policy fragments are typed from the CRDs (src/model/generated/): a field the CRD does not
 * have, an enum value it refuses, or a fragment path it has no field for fails `tsc -p tsconfig.test.json`, which
 * `npm test` runs. Each `@ts-expect-error` below is such a mistake (tsc fails if it stops being an error); the runtime
 * tests show the API server (the conformance validator, same CRDs) refuses the same objects, so the types and the
 * schema agree.
 */
import test from 'ava'
import type {EmittedObject, HTTPRouteFilter, OutputObject} from '../src/model/emitted.js'
import type {PolicyFragment} from '../src/model/ingress-model.js'
import {record} from '../src/translate/records.js'
import {loadValidator} from './support/conformance.js'

const metadata = {name: 'web', namespace: 'team-a'}
const parentRefs = [{group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'shared', namespace: 'gateway', sectionName: 'http'}]

function route(rules: EmittedObject<'HTTPRoute'>['spec']['rules']): EmittedObject<'HTTPRoute'> {
  return {apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata, spec: {parentRefs, rules}}
}

/** Never called: what tsc must refuse. */
export function mistakesTscRefuses(): unknown[] {
  return [
    // The Ingress spelling of a path type: Gateway API says PathPrefix.
    // @ts-expect-error 'Prefix' is not an HTTPRoute path match type
    route([{matches: [{path: {type: 'Prefix', value: '/'}}], backendRefs: [{name: 'web', port: 80}]}]),
    // @ts-expect-error backendRef (singular) is not a field of an HTTPRoute rule
    route([{matches: [{path: {type: 'PathPrefix', value: '/'}}], backendRef: [{name: 'web', port: 80}]}]),
    // nginx's `return 304` is not a redirect, and Gateway API's RequestRedirect takes 301, 302, 303, 307, 308 only.
    // @ts-expect-error 304 is not a RequestRedirect statusCode
    {type: 'RequestRedirect', requestRedirect: {statusCode: 304}} satisfies HTTPRouteFilter,
    // Gateway API v1.6 standard CRDs serve TCPRoute as v1 only (v1alpha2 is experimental-channel only).
    // @ts-expect-error v1alpha2 is not an apiVersion the TCPRoute CRD serves
    record({apiVersion: 'gateway.networking.k8s.io/v1alpha2', kind: 'TCPRoute', metadata, spec: {parentRefs, rules: [{backendRefs: [{name: 'db', port: 5432}]}]}}, 'stream'),
    // An object typed by a union of kinds is one of them, spec included: not a SecurityPolicy with a retry.
    // @ts-expect-error retry is a BackendTrafficPolicy field, and this is a SecurityPolicy
    {apiVersion: 'gateway.envoyproxy.io/v1alpha1', kind: 'SecurityPolicy', metadata, spec: {retry: {numRetries: 3}}} satisfies EmittedObject<'SecurityPolicy' | 'BackendTrafficPolicy'>,
    // record() takes objects typed by kind: a kind's spec cannot carry another kind's fields.
    // @ts-expect-error proxyProtocol is a ClientTrafficPolicy/BackendTrafficPolicy field, not a SecurityPolicy one
    record({apiVersion: 'gateway.envoyproxy.io/v1alpha1', kind: 'SecurityPolicy', metadata, spec: {proxyProtocol: {version: 'V1'}}}, 'route-policy'),
  ]
}

/** Never called: policy fragments whose path or value the CRD does not have. */
export function fragmentsTscRefuses(): PolicyFragment[] {
  return [
    // @ts-expect-error the field is requestTimeout (lower-case o)
    {kind: 'BackendTrafficPolicy', path: 'timeout.http.requestTimeOut', value: '0s', from: []},
    // @ts-expect-error numRetries is an integer, not a string
    {kind: 'BackendTrafficPolicy', path: 'retry', value: {numRetries: '3'}, from: []},
    // @ts-expect-error clientIPDetection is a ClientTrafficPolicy field, not a BackendTrafficPolicy one
    {kind: 'BackendTrafficPolicy', path: 'clientIPDetection', value: {}, from: []},
    // @ts-expect-error cors lives in SecurityPolicy
    {kind: 'BackendTrafficPolicy', path: 'cors', value: {allowOrigins: ['*']}, from: []},
    // loadBalancer.type is required: a path through loadBalancer would build one without it (set loadBalancer whole).
    // @ts-expect-error loadBalancer has a required field, so no path goes through it
    {kind: 'BackendTrafficPolicy', path: 'loadBalancer.consistentHash', value: {type: 'Header', header: {name: 'x-user'}}, from: []},
    // @ts-expect-error an opt-out of a list entry names an entry type the list has (Gzip, Brotli, Zstd)
    {kind: 'BackendTrafficPolicy', path: 'compression.Deflate', optOut: true, from: []},
  ]
}

/** What the emitters do write: tsc accepts it. */
const accepted: PolicyFragment[] = [
  {kind: 'BackendTrafficPolicy', path: 'timeout.http.requestTimeout', value: '0s', from: []},
  {kind: 'BackendTrafficPolicy', path: 'retry', value: {numRetries: 3, retryOn: {triggers: ['connect-failure']}}, from: []},
  {kind: 'BackendTrafficPolicy', path: 'compression.Gzip', optOut: true, from: []},
  {kind: 'SecurityPolicy', path: 'authorization', value: {defaultAction: 'Deny'}, from: []},
]

test('the API server refuses what tsc refuses: an Ingress path type and a misspelt rule field', async (t) => {
  const validator = await loadValidator()
  const good = route([{matches: [{path: {type: 'PathPrefix', value: '/'}}], backendRefs: [{name: 'web', port: 80}]}])
  t.deepEqual(validator.validate(good), [])
  const prefix = structuredClone(good) as {spec: {rules: {matches: {path: {type: string}}[]}[]}}
  prefix.spec.rules[0]!.matches[0]!.path.type = 'Prefix'
  t.true(validator.validate(prefix).some((i) => i.path.includes('matches[0].path.type') || i.path.includes('matches/0/path/type')))
  const misspelt = structuredClone(good) as unknown as {spec: {rules: Record<string, unknown>[]}}
  misspelt.spec.rules[0]!.backendRef = misspelt.spec.rules[0]!.backendRefs
  delete misspelt.spec.rules[0]!.backendRefs
  t.true(validator.validate(misspelt).some((i) => /backendRef\b/.test(`${i.path} ${i.message}`)))
})

test('the API server refuses an apiVersion tsc refuses: TCPRoute v1alpha2', async (t) => {
  const validator = await loadValidator()
  const tcp: EmittedObject<'TCPRoute'> = {apiVersion: 'gateway.networking.k8s.io/v1', kind: 'TCPRoute', metadata, spec: {parentRefs, rules: [{backendRefs: [{name: 'db', port: 5432}]}]}}
  t.deepEqual(validator.validate(tcp), [])
  t.true(validator.validate({...tcp, apiVersion: 'gateway.networking.k8s.io/v1alpha2'}).some((i) => i.path === 'apiVersion'))
})

test('the API server refuses the object a path through a parent with a required field builds', async (t) => {
  const validator = await loadValidator()
  const policy: OutputObject = {
    apiVersion: 'gateway.envoyproxy.io/v1alpha1',
    kind: 'BackendTrafficPolicy',
    metadata,
    spec: {targetRefs: [{group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'web'}], loadBalancer: {type: 'ConsistentHash', consistentHash: {type: 'Header', header: {name: 'x-user'}}}},
  }
  t.deepEqual(validator.validate(policy), [])
  // What setPath('loadBalancer.consistentHash') would build: the parent without its required type.
  const partial = structuredClone(policy) as unknown as {spec: {loadBalancer: Record<string, unknown>}}
  delete partial.spec.loadBalancer.type
  t.true(validator.validate(partial).some((i) => i.path === 'spec.loadBalancer.type'))
})

test('the fragments tsc accepts build a policy the API server accepts', async (t) => {
  const validator = await loadValidator()
  const spec: Record<string, unknown> = {}
  for (const f of accepted.filter((f) => f.kind === 'BackendTrafficPolicy' && !f.optOut)) {
    const parts = f.path.split('.')
    let node = spec
    for (const p of parts.slice(0, -1)) node = (node[p] ??= {}) as Record<string, unknown>
    node[parts[parts.length - 1]!] = f.value
  }
  const policy: OutputObject = {
    apiVersion: 'gateway.envoyproxy.io/v1alpha1',
    kind: 'BackendTrafficPolicy',
    metadata,
    spec: {...spec, targetRefs: [{group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'web'}]},
  }
  t.deepEqual(validator.validate(policy), [])
})
