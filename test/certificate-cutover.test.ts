/**
 * The checklist's Secret copy (issue 16 item 7) against cert-manager v1.21's reissuance checks: the copy must not make
 * cert-manager reissue at cutover (the issuance would fail while DNS still points at ingress-nginx).
 */
import test from 'ava'
import {execFileSync} from 'node:child_process'
import {ingressWith, translateAll} from './annotations/support.js'
import type {KubeObject} from '../src/model/types.js'

/**
 * internal/controller/certificates/policies/checks.go SecretIssuerAnnotationsMismatch, as written: `(ok1 || ok2 ||
 * ok3) && name != ref.Name || !issuerKindsEqual(...) || !issuerGroupsEqual(...)`, where an empty kind means
 * "Issuer" and an empty group "cert-manager.io"; and SecretCertificateNameAnnotationsMismatch.
 */
function reissues(secret: {metadata: {annotations?: Record<string, string>}}, certificate: KubeObject): string | undefined {
  const a = secret.metadata.annotations ?? {}
  const ref = certificate.spec.issuerRef
  const present = 'cert-manager.io/issuer-name' in a || 'cert-manager.io/issuer-kind' in a || 'cert-manager.io/issuer-group' in a
  const kind = (v: string | undefined) => (v ? v : 'Issuer')
  const group = (v: string | undefined) => (v ? v : 'cert-manager.io')
  if ((present && a['cert-manager.io/issuer-name'] !== ref.name) || kind(a['cert-manager.io/issuer-kind']) !== kind(ref.kind) || group(a['cert-manager.io/issuer-group']) !== group(ref.group)) {
    return 'IncorrectIssuer'
  }
  if ('cert-manager.io/certificate-name' in a && a['cert-manager.io/certificate-name'] !== certificate.metadata.name) return 'IncorrectCertificate'
  return undefined
}

/** A Secret as cert-manager left it for the shim's Certificate (named after the Secret) in the Ingress's namespace. */
function issuedSecret(namespace: string, name: string, issuer: {name: string; kind: string}): any {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'kubernetes.io/tls',
    data: {'tls.crt': 'Y2VydA==', 'tls.key': 'a2V5'},
    metadata: {
      name,
      namespace,
      uid: 'u-1',
      resourceVersion: '7',
      labels: {'controller.cert-manager.io/fao': 'true', team: 'a'},
      annotations: {
        'cert-manager.io/issuer-name': issuer.name,
        'cert-manager.io/issuer-kind': issuer.kind,
        'cert-manager.io/issuer-group': 'cert-manager.io',
        'cert-manager.io/certificate-name': name,
        'cert-manager.io/alt-names': 'x.example.com',
        'kubectl.kubernetes.io/last-applied-configuration': '{}',
      },
    },
  }
}

function hasJq(): boolean {
  try {
    execFileSync('jq', ['--version'], {stdio: 'ignore'})
    return true
  } catch {
    return false
  }
}

const result = translateAll(
  [
    {apiVersion: 'cert-manager.io/v1', kind: 'Issuer', metadata: {name: 'le', namespace: 'billing'}, spec: {acme: {server: 'https://acme.example', privateKeySecretRef: {name: 'le-account'}, solvers: [{http01: {ingress: {ingressClassName: 'nginx'}}}]}}},
    ingressWith({'cert-manager.io/issuer': 'le'}, {name: 'invoices', namespace: 'billing', host: 'invoices.example.com', tls: true}),
    ingressWith({'cert-manager.io/cluster-issuer': 'letsencrypt'}, {name: 'shop', namespace: 'shop', host: 'shop.example.com', tls: true}),
  ],
  {emitGateway: true},
)
const cases = [
  {source: issuedSecret('billing', 'invoices-tls', {name: 'le', kind: 'Issuer'}), certificate: 'billing-invoices-tls'},
  {source: issuedSecret('shop', 'shop-tls', {name: 'letsencrypt', kind: 'ClusterIssuer'}), certificate: 'shop-shop-tls'},
]

test('a copy without cert-manager annotations, or with the old ones, would make cert-manager reissue at once', (t) => {
  const cert = (name: string) => result.objects.find((o) => o.kind === 'Certificate' && o.metadata.name === name)!
  // The namespaced Issuer is copied under another name into the gateway namespace: the old issuer-name mismatches.
  t.is(cert('billing-invoices-tls').spec.issuerRef.name, 'billing-le-74af8eee')
  t.is(reissues(cases[0].source, cert('billing-invoices-tls')), 'IncorrectIssuer')
  // Same ClusterIssuer, but the Certificate has a new name: the old certificate-name mismatches.
  t.is(reissues(cases[1].source, cert('shop-shop-tls')), 'IncorrectCertificate')
  // The former copy step kept no annotations: a ClusterIssuer's certificate then reads as issued by an "Issuer".
  t.is(reissues({metadata: {}}, cert('shop-shop-tls')), 'IncorrectIssuer')
})

test('the checklist copy command gives a Secret cert-manager keeps (jq run on a sample Secret)', (t) => {
  if (!hasJq()) {
    t.log('jq is not installed (.ci/run installs it): skipped')
    t.pass()
    return
  }
  for (const {source, certificate} of cases) {
    const cert = result.objects.find((o) => o.kind === 'Certificate' && o.metadata.name === certificate)!
    const step = result.checklist.find((l) => l.includes(`to gateway/${certificate} `))!
    const program = /\| jq '(.*)' \| kubectl apply -f -$/.exec(step)![1]
    const copy = JSON.parse(execFileSync('jq', [program], {input: JSON.stringify(source), encoding: 'utf8'}))
    t.is(reissues(copy, cert), undefined, certificate)
    t.deepEqual(Object.keys(copy.metadata).sort(), ['annotations', 'labels', 'name', 'namespace'], 'no uid, resourceVersion or ownerReferences')
    t.is(copy.metadata.namespace, 'gateway')
    t.is(copy.metadata.name, cert.spec.secretName)
    t.deepEqual(copy.data, source.data)
    t.deepEqual(copy.metadata.labels, {'controller.cert-manager.io/fao': 'true'})
    t.is(copy.metadata.annotations['cert-manager.io/alt-names'], 'x.example.com', 'other cert-manager annotations are kept')
    t.false('kubectl.kubernetes.io/last-applied-configuration' in copy.metadata.annotations)
  }
})
