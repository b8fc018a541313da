/**
 * Each owned intents field is written by one family (issue 19 item 2): the registry refuses two families declaring
 * the same field in `owns`, and the runner (annotation-pass.ts mergePatches) refuses a patch that sets a field its
 * family does not own, or that two families' patches both set.
 */
import test from 'ava'
import {checkOwnership, families} from '../src/annotations/index.js'
import type {AnnotationFamily} from '../src/annotations/types.js'
import {translate} from '../src/translate/index.js'
import type {KubeObject} from '../src/model/types.js'

const ingress: KubeObject = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: {name: 'web', namespace: 'team', annotations: {}},
  spec: {ingressClassName: 'nginx', rules: [{host: 'web.example.com', http: {paths: [{path: '/', pathType: 'Prefix', backend: {service: {name: 'web', port: {number: 80}}}}]}}]},
}
const run = () => translate({objects: [{object: ingress, source: {file: 'test.yaml'}}]})

/** Runs with extra families registered in front of the real ones (the registry's ownership check ran at load). */
function withFamilies(extra: AnnotationFamily[], body: () => void): void {
  families.unshift(...extra)
  try {
    body()
  } finally {
    families.splice(0, extra.length)
  }
}

const settingGrpc = (name: string, owns: AnnotationFamily['owns']): AnnotationFamily => ({
  name,
  specs: [],
  always: true,
  owns,
  apply(ctx) {
    ctx.patch.grpc = {from: [], tls: false}
  },
})

test('the registered families own disjoint fields, and every owned field has an owner', (t) => {
  t.notThrows(() => checkOwnership(families))
  const owned = families.flatMap((f) => f.owns ?? [])
  t.is(new Set(owned).size, owned.length)
  t.deepEqual(
    [...owned].sort(),
    ['authServerSteps', 'backendOverride', 'canary', 'clientAuth', 'forceSslRedirect', 'grpc', 'hostAliases', 'redirect', 'rewriteTarget', 'sslRedirect', 'suppressRoute', 'wwwTwins'],
  )
})

test('two families declaring the same field are refused, naming both', (t) => {
  const error = t.throws(() => checkOwnership([...families, settingGrpc('second-grpc', ['grpc'])]))
  t.is(error?.message, 'intents.grpc is owned by annotation families backend-protocol and second-grpc')
})

test('a family setting a field it does not own fails the conversion', (t) => {
  withFamilies([settingGrpc('stray', [])], () => {
    const error = t.throws(run)
    t.is(error?.message, 'annotation family stray set intents.grpc, which it does not declare in owns')
  })
})

test('two families whose patches set the same field fail the conversion, whatever they declare', (t) => {
  withFamilies([settingGrpc('one', ['grpc']), settingGrpc('two', ['grpc'])], () => {
    const error = t.throws(run)
    t.is(error?.message, 'intents.grpc of Ingress team/web is set by family one and by two')
  })
})

test('a family setting a field it owns merges it into the intents', (t) => {
  withFamilies([settingGrpc('owner', ['grpc'])], () => {
    const r = run()
    t.true(r.objects.some((o) => o.kind === 'GRPCRoute'), 'the owned grpc intent reached the emitter')
  })
})
