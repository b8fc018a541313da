/**
 * The gateway-owner bundle with several Gateways (--gateway-for): cert-manager objects land in the namespace of the
 * Gateway that needs them, and names stay unique per namespace (Certificates and Secrets are namespaced objects).
 */
import test from 'ava'
import {translate} from '../src/translate/index.js'
import type {KubeObject} from '../src/model/types.js'
import {loadValidator} from './support/conformance.js'

function tlsIngress(namespace: string, name: string, className: string, host: string, secretName: string, annotations: Record<string, string>): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {name, namespace, annotations, creationTimestamp: '2024-01-01T00:00:00Z'},
    spec: {
      ingressClassName: className,
      tls: [{hosts: [host], secretName}],
      rules: [{host, http: {paths: [{path: '/', pathType: 'Prefix', backend: {service: {name: 'app', port: {number: 80}}}}]}}],
    },
  }
}

const run = (objects: KubeObject[], gatewayFor: Record<string, {namespace: string; name: string}>) =>
  translate({objects: objects.map((object, i) => ({object, source: {file: 'in.yaml', line: i + 1}}))}, {emitGateway: true, gatewayFor, ingressClasses: ['nginx', ...Object.keys(gatewayFor)]})

test('a namespaced Issuer used by Ingresses of two Gateways in two namespaces is copied into both, and each Certificate names a copy beside it', async (t) => {
  const issuer: KubeObject = {apiVersion: 'cert-manager.io/v1', kind: 'Issuer', metadata: {name: 'le', namespace: 'team'}, spec: {acme: {server: 'https://acme.example/dir', privateKeySecretRef: {name: 'le-account'}, solvers: [{http01: {ingress: {ingressClassName: 'nginx'}}}]}}}
  const r = run(
    [
      issuer,
      tlsIngress('team', 'site', 'nginx', 'site.example.com', 'site-tls', {'cert-manager.io/issuer': 'le'}),
      tlsIngress('team', 'admin', 'internal', 'admin.corp.example.com', 'admin-tls', {'cert-manager.io/issuer': 'le'}),
    ],
    {internal: {namespace: 'gateway-internal', name: 'internal'}},
  )
  const issuers = r.objects.filter((o) => o.kind === 'Issuer').map((o) => `${o.metadata.namespace}/${o.metadata.name}`)
  for (const cert of r.objects.filter((o) => o.kind === 'Certificate')) {
    t.true(issuers.includes(`${cert.metadata.namespace}/${cert.spec.issuerRef.name}`), `Certificate ${cert.metadata.namespace}/${cert.metadata.name} references an Issuer in its own namespace (${issuers.join(', ')})`)
  }
  t.deepEqual(r.objects.filter((o) => o.kind === 'Certificate').map((o) => o.metadata.namespace).sort(), ['gateway', 'gateway-internal'])
  t.is(r.diagnostics.filter((d) => d.code === 'issuer-copied').length, 2)
  t.is(r.diagnostics.filter((d) => d.code === 'issuer-rewritten').length, 1, 'the Issuer itself is reported once')
  const validator = await loadValidator({channel: 'standard'})
  for (const o of r.objects.filter((x) => x.kind === 'Issuer')) t.deepEqual(validator.validate(o), [])
})

test('two Gateways in one namespace: Ingresses of both classes with the same namespace/secretName get Certificates of different names', (t) => {
  const r = run(
    [
      tlsIngress('web', 'public', 'nginx', 'www.example.com', 'tls', {'cert-manager.io/cluster-issuer': 'le'}),
      tlsIngress('web', 'private', 'internal', 'www.corp.example.com', 'tls', {'cert-manager.io/cluster-issuer': 'le'}),
    ],
    {internal: {namespace: 'gateway', name: 'internal'}},
  )
  const certs = r.objects.filter((o) => o.kind === 'Certificate')
  t.is(certs.length, 2)
  t.not(certs[0].metadata.name, certs[1].metadata.name)
  t.not(certs[0].spec.secretName, certs[1].spec.secretName)
  t.truthy(r.diagnostics.find((d) => d.code === 'certificate-name-taken'))
  // Each Gateway's https listener references its own Certificate's Secret.
  const refs = (name: string) => r.objects.find((o) => o.kind === 'Gateway' && o.metadata.name === name)!.spec.listeners.find((l: any) => l.name === 'https').tls.certificateRefs.map((c: any) => c.name)
  t.deepEqual(new Set([...refs('shared'), ...refs('internal')]).size, 2)
})
