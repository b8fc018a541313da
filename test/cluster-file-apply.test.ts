/**
 * apply -f / diff -f: file input, cluster output. The live shared Gateway is read so the emitted Gateway is the
 * union with it (another team's certificate is never dropped), and its certificate order is kept; of it, apply
 * sends only what ingress2gw owns or changes.
 */
import test from 'ava'
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import jsYaml from 'js-yaml'
import {FakeApiServer} from './support/fake-apiserver.js'
import {cli, ingress, ns, tempDir} from './support/cluster-helpers.js'

const liveGateway = {
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'Gateway',
  metadata: {name: 'shared', namespace: 'gateway'},
  spec: {
    gatewayClassName: 'eg',
    listeners: [
      {name: 'http', port: 80, protocol: 'HTTP'},
      {name: 'https', port: 443, protocol: 'HTTPS', tls: {mode: 'Terminate', certificateRefs: [{name: 'zz-wildcard'}, {kind: 'Secret', group: '', name: 'aa-payments', namespace: 'payments'}]}},
      {name: 'team-x', port: 8443, protocol: 'HTTPS', hostname: 'x.example.com', tls: {mode: 'Terminate', certificateRefs: [{name: 'x-tls'}]}},
    ],
  },
}

test('apply -f --emit-gateway keeps the live listeners and certificates, in their order, and adds ours', async (t) => {
  const s = await FakeApiServer.start()
  t.teardown(() => s.close())
  const dir = tempDir(t)
  s.seed([ns('gateway'), ns('shop'), liveGateway])
  const withTls: Record<string, any> = {...ingress('shop', 'web', {host: 'shop.example.com'})}
  withTls.spec = {...withTls.spec, tls: [{hosts: ['shop.example.com'], secretName: 'shop-tls'}]}
  const file = join(dir, 'in.yaml')
  writeFileSync(file, jsYaml.dump(withTls))
  const kubeconfig = s.writeKubeconfig(dir, {namespace: 'shop'})
  // No controller Service in the input: the live Gateway keeps its Envoy Service, which the user accepts for these
  // hosts (without the flag that is an error and apply refuses: data-plane.test.ts).
  const r = await cli(['apply', '-f', file, '--emit-gateway', '--public-load-balancer', 'gateway/shared', '--kubeconfig', kubeconfig, '--force-conflicts'], {env: {HOME: dir, KUBECONFIG: ''}})
  t.is(r.code, 0, r.stderr)
  const patch = s.requests.find((q) => q.method === 'PATCH' && q.path.endsWith('/gateways/shared'))
  t.truthy(patch, 'the Gateway was applied')
  const sent = JSON.parse(patch!.body!)
  // Only what ingress2gw changes is sent (output/apply-plan.ts gatewayApplyShape): the https listener, which gets
  // our certificate; http and team-x are another owner's and unchanged, and the live class is not claimed.
  t.deepEqual(
    sent.spec.listeners.map((l: any) => l.name),
    ['https'],
  )
  t.false('gatewayClassName' in sent.spec)
  const live = s.getObject('gateway.networking.k8s.io/v1', 'Gateway', 'gateway', 'shared')!
  t.deepEqual(live.spec.listeners.map((l: any) => l.name), ['http', 'https', 'team-x'], 'nothing of the live Gateway was lost')
  const https = sent.spec.listeners.find((l: any) => l.name === 'https')
  t.deepEqual(
    https.tls.certificateRefs.map((c: any) => `${c.namespace ?? 'gateway'}/${c.name}`),
    ['gateway/zz-wildcard', 'payments/aa-payments', 'shop/shop-tls'],
    'live refs first and unchanged, ours appended',
  )
  t.deepEqual(https.tls.certificateRefs[0], {name: 'zz-wildcard'}, 'a live short-form ref is not rewritten')
})
