/**
 * verify stays linear in the number of probes: the work of routing one probe through both models (virtual hosts,
 * route entries, filter chains, nginx wildcard servers and diagnostics examined, counted by probe-work.ts) depends on
 * that probe's host alone, not on how many unrelated hosts the cluster has. Measured by counting, not by timing:
 * the same probes cost exactly the same examinations beside 10 and beside 40 unrelated Ingresses. A lookup that
 * scanned every virtual host, wildcard or diagnostic per probe (as verify once did) would examine about four times
 * as many in the larger input.
 */
import test from 'ava'
import type {KubeObject} from '../../src/model/types.js'
import {probeWork} from '../../src/verify/probe-work.js'
import {describeProbe} from '../../src/verify/probes.js'
import {verifyRun} from '../../src/verify/run.js'

function ingress(name: string, namespace: string, host: string, paths: Array<[string, string, string]>, extra: {tls?: boolean; annotations?: Record<string, string>} = {}): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {name, namespace, creationTimestamp: '2024-01-01T00:00:00Z', annotations: extra.annotations ?? {}},
    spec: {
      ingressClassName: 'nginx',
      ...(extra.tls ? {tls: [{hosts: [host], secretName: `${name}-tls`}]} : {}),
      rules: [{host, http: {paths: paths.map(([path, pathType, svc]) => ({path, pathType, backend: {service: {name: svc, port: {number: 80}}}}))}}],
    },
  }
}

/** The Ingresses whose probes are compared: TLS, several path types, a header canary, a one-label wildcard. */
const FIXED: KubeObject[] = [
  ingress('shop', 'fixed', 'shop.example.com', [['/', 'Prefix', 'web'], ['/api', 'Prefix', 'api'], ['/healthz', 'Exact', 'health']], {tls: true}),
  ingress('shop-canary', 'fixed', 'shop.example.com', [['/', 'Prefix', 'web-canary']], {
    annotations: {'nginx.ingress.kubernetes.io/canary': 'true', 'nginx.ingress.kubernetes.io/canary-by-header': 'X-Canary'},
  }),
  ingress('tenants', 'fixed', '*.tenants.example.com', [['/', 'Prefix', 'router']]),
]
const FIXED_HOSTS = /(^|\.)(shop|tenants)\.example\.com$/

/** Unrelated Ingresses, each on its own host with TLS and two paths. */
function unrelated(count: number): KubeObject[] {
  return Array.from({length: count}, (_, i) => ingress(`app${i}`, `team-${i % 7}`, `app${i}.team.example.com`, [['/', 'Prefix', `svc${i}`], ['/api', 'Prefix', `api${i}`]], {tls: true}))
}

/** Every probe's examinations (the counter's growth since the previous probe), keyed by the probe as written. */
function workPerProbe(objects: KubeObject[]): Map<string, number> {
  const work = new Map<string, number>()
  probeWork.examined = 0
  let before = 0
  verifyRun({
    snapshot: {objects: objects.map((object) => ({object, source: {}}))},
    options: {},
    onProbe: (r) => {
      work.set(`${r.gateway} ${describeProbe(r.probe)}`, probeWork.examined - before)
      before = probeWork.examined
    },
  })
  return work
}

test('a probe examines as many model elements beside 40 unrelated hosts as beside 10', (t) => {
  const small = workPerProbe([...FIXED, ...unrelated(10)])
  const large = workPerProbe([...FIXED, ...unrelated(40)])
  t.true(large.size > 3 * small.size, `the unrelated hosts are probed too (${small.size} and ${large.size} probes)`)
  const fixed = (work: Map<string, number>) => new Map([...work].filter(([probe]) => FIXED_HOSTS.test(new URL(probe.split(' ')[2]!).hostname)))
  const [fixedSmall, fixedLarge] = [fixed(small), fixed(large)]
  t.deepEqual([...fixedLarge.keys()].sort(), [...fixedSmall.keys()].sort(), 'the same probes for the fixed hosts')
  // Not vacuous: on average more than one element per probe (a virtual host and its entries, a chain, diagnostics).
  const total = [...fixedSmall.values()].reduce((a, b) => a + b, 0)
  t.true(fixedSmall.size > 40 && total > fixedSmall.size, `the fixed probes examined elements (${fixedSmall.size} probes, ${total} examined)`)
  t.deepEqual(fixedLarge, fixedSmall)
  // Every unrelated host has the same shape: no probe of the larger input costs more than the costliest of the smaller.
  t.is(Math.max(...large.values()), Math.max(...small.values()))
})
