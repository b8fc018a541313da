/**
 * Every ReferenceGrant follows discovery (v1 on Gateway API >= 1.5, v1beta1 before), not only the certificate
 * grants: the ext-auth grant (SecurityPolicy -> auth Service) and the canary grant (HTTPRoute -> a Service of
 * another namespace) too. Without discovery (files) they stay v1beta1, which every Gateway API release serves.
 */
import test from 'ava'
import {translate} from '../src/translate/index.js'
import {DEFAULT_CAPABILITIES, type KubeObject, type TargetCapabilities} from '../src/model/types.js'
import {loadValidator} from './support/conformance.js'

const P = 'nginx.ingress.kubernetes.io/'
const ingress = (namespace: string, name: string, annotations: Record<string, string>, host: string, tls = false): KubeObject => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: {name, namespace, annotations: Object.fromEntries(Object.entries(annotations).map(([k, v]) => [P + k, v]))},
  spec: {
    ingressClassName: 'nginx',
    ...(tls ? {tls: [{hosts: [host], secretName: `${name}-tls`}]} : {}),
    rules: [{host, http: {paths: [{path: '/', pathType: 'Prefix', backend: {service: {name, port: {number: 80}}}}]}}],
  },
})
const input = [
  ingress('shop', 'web', {'auth-url': 'http://oauth.auth.svc.cluster.local/verify'}, 'shop.example.com', true),
  // A canary in another namespace merges into shop/web's route (nginx merges canaries across namespaces).
  ingress('beta', 'web-canary', {canary: 'true', 'canary-weight': '10'}, 'shop.example.com'),
].map((object) => ({object, source: {cluster: true}}))

const grants = (objects: KubeObject[]) =>
  objects
    .filter((o) => o.kind === 'ReferenceGrant')
    .map((o) => `${o.apiVersion} ${o.metadata.namespace}/${o.spec.from[0].kind}->${o.spec.to[0].kind}`)
    .sort()

test('a Gateway API v1.5+ cluster gets every ReferenceGrant as v1, valid against the v1 CRD', async (t) => {
  const v1: TargetCapabilities = {...DEFAULT_CAPABILITIES, referenceGrantVersion: 'v1'}
  const objects = translate({objects: input, capabilities: v1}, {emitGateway: true}).objects
  const validator = await loadValidator()
  for (const g of objects.filter((o) => o.kind === 'ReferenceGrant')) t.deepEqual(validator.validate(g), [], `${g.metadata.namespace}/${g.metadata.name}`)
  t.deepEqual(grants(objects), [
    'gateway.networking.k8s.io/v1 auth/SecurityPolicy->Service',
    'gateway.networking.k8s.io/v1 beta/HTTPRoute->Service',
    'gateway.networking.k8s.io/v1 shop/Gateway->Secret',
  ])
})

test('an older cluster, and file input, get v1beta1', (t) => {
  const beta: TargetCapabilities = {...DEFAULT_CAPABILITIES, referenceGrantVersion: 'v1beta1'}
  const expected = ['gateway.networking.k8s.io/v1beta1 auth/SecurityPolicy->Service', 'gateway.networking.k8s.io/v1beta1 beta/HTTPRoute->Service', 'gateway.networking.k8s.io/v1beta1 shop/Gateway->Secret']
  t.deepEqual(grants(translate({objects: input, capabilities: beta}, {emitGateway: true}).objects), expected)
  t.deepEqual(grants(translate({objects: input}, {emitGateway: true}).objects), expected)
})
