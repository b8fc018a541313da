/**
 * `cutover --dns`: the records that point each host at the Gateway's Service, what they point at now, external-dns's
 * target annotation (prefix by version: source/annotations/annotations.go DefaultAnnotationPrefix), the verify
 * reminder; end to end once against the fake API server.
 */
import test from 'ava'
import {planDns, type DnsFacts} from '../src/cutover/dns.js'
import type {KubeObject} from '../src/model/types.js'
import {ACME_RESOURCES, ALL_RESOURCES, APPS_RESOURCES, FakeApiServer} from './support/fake-apiserver.js'
import {readFileSync} from 'node:fs'
import jsYaml from 'js-yaml'
import {rbacAttributes, roleAllows, ROOT, tempDir} from './support/cluster-helpers.js'
import {runCli} from './support/run-cli.js'
import {accepted, envoyService, gateway, ingress, parentStatus, readyWorld, route} from './support/cutover-fixtures.js'

function externalDns(image: string, args: string[]): Record<string, any> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {name: 'external-dns', namespace: 'external-dns', labels: {'app.kubernetes.io/name': 'external-dns'}},
    spec: {selector: {matchLabels: {'app.kubernetes.io/name': 'external-dns'}}, template: {metadata: {labels: {'app.kubernetes.io/name': 'external-dns'}}, spec: {containers: [{name: 'external-dns', image, args}]}}},
  }
}

function facts(over: Partial<DnsFacts> = {}): DnsFacts {
  return {
    gateway: {namespace: 'gateway', name: 'shared'},
    gatewayObject: gateway() as KubeObject,
    envoyServices: [envoyService() as KubeObject],
    routes: [route({hostnames: ['web.example.com', 'www.example.com']}), route({name: 'shop', hostnames: ['shop.example.com']}), {...route({name: 'internal', hostnames: ['intra.example.com']}), spec: {...route().spec, hostnames: ['intra.example.com'], parentRefs: [{name: 'internal', namespace: 'gateway'}]}}] as KubeObject[],
    ingresses: [ingress(), ingress({name: 'www', host: 'www.example.com', lbIp: '198.51.100.9'})] as KubeObject[],
    externalDns: {deployments: []},
    scopeArgs: '-A',
    ...over,
  }
}

test('every host of the routes on this Gateway gets an A record to the Envoy Service\'s load balancer, with what it points at now', (t) => {
  const plan = planDns(facts())
  t.deepEqual(plan.addresses, ['203.0.113.20'])
  t.is(plan.addressSource, 'Service ingress-nginx/envoy-gateway-shared-5d1c2e8a (load balancer)')
  t.deepEqual(plan.records, [
    {host: 'shop.example.com', type: 'A', values: ['203.0.113.20'], now: [], ingresses: []},
    {host: 'web.example.com', type: 'A', values: ['203.0.113.20'], now: ['198.51.100.7'], ingresses: ['team-a/web']},
    {host: 'www.example.com', type: 'A', values: ['203.0.113.20'], now: ['198.51.100.9'], ingresses: ['team-a/www']},
  ])
  t.is(plan.verify, 'kubectl ingress2gw verify -A --nginx-address 198.51.100.7 --gateway-address 203.0.113.20')
})

test('a load balancer with a host name gives CNAMEs (and the apex note); without any address there is nothing to list', (t) => {
  const plan = planDns(facts({envoyServices: [envoyService({lb: [{hostname: 'a1b2.elb.eu-west-1.amazonaws.com'}]}) as KubeObject]}))
  t.deepEqual(plan.records.map((r) => [r.type, r.values]), [['CNAME', ['a1b2.elb.eu-west-1.amazonaws.com']], ['CNAME', ['a1b2.elb.eu-west-1.amazonaws.com']], ['CNAME', ['a1b2.elb.eu-west-1.amazonaws.com']]])
  t.true(plan.notes.some((n) => n.includes('a zone apex cannot be a CNAME')))
  // No load balancer address yet: the Gateway's status.addresses is the fallback, and it is empty too.
  const none = planDns(facts({envoyServices: [envoyService({lb: []}) as KubeObject], gatewayObject: gateway({programmed: false}) as KubeObject}))
  t.deepEqual(none.addresses, [])
  t.is(none.verify, undefined)
})

test('external-dns: the target annotation per Ingress, with the prefix its version reads', (t) => {
  const old = planDns(facts({externalDns: {deployments: [externalDns('registry.k8s.io/external-dns/external-dns:v0.21.0', ['--source=ingress', '--provider=aws'])] as KubeObject[]}}))
  t.is(old.externalDns.length, 1)
  t.like(old.externalDns[0], {deployment: 'external-dns/external-dns', version: 'v0.21.0', prefix: 'external-dns.alpha.kubernetes.io/'})
  t.deepEqual(old.externalDns[0].commands, [
    {ingress: 'team-a/web', apply: 'kubectl annotate ingress web -n team-a external-dns.alpha.kubernetes.io/target=203.0.113.20 --overwrite', undo: 'kubectl annotate ingress web -n team-a external-dns.alpha.kubernetes.io/target-'},
    {ingress: 'team-a/www', apply: 'kubectl annotate ingress www -n team-a external-dns.alpha.kubernetes.io/target=203.0.113.20 --overwrite', undo: 'kubectl annotate ingress www -n team-a external-dns.alpha.kubernetes.io/target-'},
  ])
  const current = planDns(facts({externalDns: {deployments: [externalDns('registry.k8s.io/external-dns/external-dns:v0.22.0', ['--source=ingress', '--source=gateway-httproute'])] as KubeObject[]}}))
  t.is(current.externalDns[0].prefix, 'external-dns.kubernetes.io/')
  t.true(current.externalDns[0].notes.some((n) => n.startsWith('it reads both Ingresses and routes (gateway-httproute)')))
  const custom = planDns(facts({externalDns: {deployments: [externalDns('example.org/edns:latest', ['--source', 'ingress', '--annotation-prefix=dns.example.org/'])] as KubeObject[]}}))
  t.is(custom.externalDns[0].prefix, 'dns.example.org/')
  const services = planDns(facts({externalDns: {deployments: [externalDns('registry.k8s.io/external-dns/external-dns:v0.22.0', ['--source=service'])] as KubeObject[]}}))
  t.deepEqual(services.externalDns[0].commands, [])
  t.true(services.externalDns[0].notes.some((n) => n.startsWith('it does not read Ingresses')))
})

test.serial('cutover --dns -A end to end: the table, the external-dns commands and the verify reminder; nothing is written', async (t) => {
  const s = await FakeApiServer.start({resources: [...ALL_RESOURCES, ...APPS_RESOURCES, ...ACME_RESOURCES]})
  t.teardown(() => s.close())
  const dir = tempDir(t)
  s.seed([...readyWorld(), route({name: 'shop', namespace: 'team-a', hostnames: ['shop.example.com'], parents: [parentStatus(accepted())]}), externalDns('registry.k8s.io/external-dns/external-dns:v0.22.0', ['--source=ingress'])])
  const kubeconfig = s.writeKubeconfig(dir, {namespace: 'team-a'})
  const r = await runCli(['cutover', '--dns', '-A', '--kubeconfig', kubeconfig], dir)
  t.is(r.exitCode, 0, r.stderr)
  t.is(
    r.stdout,
    [
      'Gateway gateway/shared answers at 203.0.113.20 (Service ingress-nginx/envoy-gateway-shared-5d1c2e8a (load balancer))',
      'HOST              RECORD  GATEWAY       NOW (ingress-nginx)  INGRESSES',
      'shop.example.com  A       203.0.113.20  -                    -',
      'web.example.com   A       203.0.113.20  198.51.100.7         team-a/web',
      '',
      'external-dns external-dns/external-dns v0.22.0 (sources: ingress) manages records: move each Ingress\'s records with its external-dns.kubernetes.io/target annotation',
      '  kubectl annotate ingress web -n team-a external-dns.kubernetes.io/target=203.0.113.20 --overwrite',
      '    undo: kubectl annotate ingress web -n team-a external-dns.kubernetes.io/target-',
      '',
      "Before switching DNS, check that both data planes answer alike (lower the records' TTL a day ahead, so a rollback is quick):",
      '  kubectl ingress2gw verify -A --nginx-address 198.51.100.7 --gateway-address 203.0.113.20',
      '',
    ].join('\n'),
  )
  t.deepEqual(s.requests.filter((q) => q.method !== 'GET'), [])
  t.true(s.requests.some((q) => q.path === '/apis/apps/v1/deployments' && q.query.labelSelector === 'app.kubernetes.io/name=external-dns'))
  const role = (jsYaml.loadAll(readFileSync(`${ROOT}/examples/rbac/ingress2gw-rbac.yaml`, 'utf8')) as Record<string, any>[]).find((d) => d.kind === 'ClusterRole' && d.metadata.name === 'ingress2gw-cutover')
  for (const q of s.requests) {
    const a = rbacAttributes(q.method, q.path)
    if (a) t.true(roleAllows(role, a.verb, a.group, a.resource), `${a.verb} ${a.resource}.${a.group} not in ingress2gw-cutover`)
  }
  const noGw = await runCli(['cutover', '--dns', '--gateway', 'gateway/other', '--kubeconfig', kubeconfig], dir)
  t.is(noGw.exitCode, 2)
  t.regex(noGw.stderr, /^error: Gateway gateway\/other not found: name the Gateway with --gateway$/m)
})

test.serial('cutover --dns reads TLSRoutes (ssl-passthrough hosts) in the version the cluster serves: v1alpha2 before Gateway API v1.5', async (t) => {
  const resources = [...ALL_RESOURCES.filter((r) => r.kind !== 'TLSRoute'), {group: 'gateway.networking.k8s.io', versions: ['v1alpha2'], kind: 'TLSRoute', plural: 'tlsroutes', namespaced: true}, ...APPS_RESOURCES]
  const s = await FakeApiServer.start({resources})
  t.teardown(() => s.close())
  const dir = tempDir(t)
  const tls: Record<string, any> = {...route({name: 'db', hostnames: ['db.example.com']}), apiVersion: 'gateway.networking.k8s.io/v1alpha2', kind: 'TLSRoute'}
  tls.spec = {hostnames: ['db.example.com'], parentRefs: [{name: 'shared', namespace: 'gateway', sectionName: 'tls-db'}], rules: [{backendRefs: [{name: 'db', port: 5432}]}]}
  s.seed([...readyWorld(), tls])
  const kubeconfig = s.writeKubeconfig(dir, {namespace: 'team-a'})
  const r = await runCli(['cutover', '--dns', '-A', '--kubeconfig', kubeconfig], dir)
  t.is(r.exitCode, 0, r.stderr)
  t.regex(r.stdout, /^db\.example\.com   A       203\.0\.113\.20  -/m)
  t.true(s.requests.some((q) => q.path === '/apis/gateway.networking.k8s.io/v1alpha2/tlsroutes'))
})
