/**
 * verify keeps per-host answers at hand (nginx's server choice per Host header, a backend's canary and whole share,
 * the Host header's name/port/SNI and each route table's last virtual host on the Gateway side, the previous probe's
 * route, the last Ingress's counts, one sorted path list per set of nginx hosts) because derived probes
 * come host by host. A cache keyed on too little would answer a probe with another probe's facts. The oracle here
 * has no warm cache: every probe routed alone, by a fresh verifyTranslation. The same probes routed in one run, in
 * an order that interleaves hosts, schemes, ports, SNI and www twins (as user probes after the derived ones may), and
 * on two Gateways serving the same host, must give each probe exactly the answer it gets alone.
 */
import test from 'ava'
import {translate} from '../../src/translate/index.js'
import type {KubeObject} from '../../src/model/types.js'
import type {Probe} from '../../src/verify/outcome.js'
import {buildGatewayModel, routeRequest} from '../../src/verify/gateway-model.js'
import {buildNginxModel, routeNginxRequest} from '../../src/verify/nginx-model.js'
import {verifyTranslation, type VerifyOptions, type VerifyReport} from '../../src/verify/verify.js'
import {deriveProbes} from '../../src/verify/probes.js'

function ing(name: string, className: string, host: string, paths: Array<[string, string]>, extra: {tls?: boolean; annotations?: Record<string, string>; created?: string} = {}): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {name, namespace: 'app', creationTimestamp: extra.created ?? '2024-01-01T00:00:00Z', annotations: extra.annotations ?? {}},
    spec: {
      ingressClassName: className,
      ...(extra.tls ? {tls: [{hosts: [host], secretName: `${name}-tls`}]} : {}),
      rules: [{host, http: {paths: paths.map(([path, svc]) => ({path, pathType: 'Prefix', backend: {service: {name: svc, port: {number: 80}}}}))}}],
    },
  }
}

const a = 'nginx.ingress.kubernetes.io/'
/** Two controllers (each its own Gateway) serve shop.example.com with different Services; www twins, aliases, app-root, canary, passthrough. */
const OBJECTS: KubeObject[] = [
  ing('shop', 'nginx', 'shop.example.com', [['/', 'web'], ['/api', 'api']], {tls: true, annotations: {[`${a}from-to-www-redirect`]: 'true', [`${a}server-alias`]: 'store.example.com'}}),
  ing('shop-canary', 'nginx', 'shop.example.com', [['/', 'web-canary']], {annotations: {[`${a}canary`]: 'true', [`${a}canary-by-header`]: 'X-Canary'}}),
  ing('shop-internal', 'internal', 'shop.example.com', [['/', 'web-internal']], {created: '2024-02-01T00:00:00Z'}),
  ing('docs', 'nginx', 'docs.example.com', [['/', 'docs']], {annotations: {[`${a}app-root`]: '/start'}}),
  ing('vault', 'nginx', 'vault.example.com', [['/', 'vault']], {tls: true, annotations: {[`${a}ssl-passthrough`]: 'true'}}),
  ing('tenants', 'nginx', '*.tenants.example.com', [['/', 'router']]),
]

const HOSTS = ['shop.example.com', 'www.shop.example.com', 'store.example.com', 'docs.example.com', 'vault.example.com', 'a.tenants.example.com', 'nowhere.example.com']

/**
 * Every probe variant twice: grouped by host (a name's variants back to back: port, scheme, SNI changing under the
 * same name), then interleaved (the host changes on each probe, as user probes after the derived ones may).
 */
function probes(): Probe[] {
  const out: Probe[] = []
  for (const path of ['/', '/api', '/x/']) {
    for (const scheme of ['http', 'https'] as const) {
      for (const host of HOSTS) {
        out.push({scheme, host, path})
        out.push({scheme, host: `${host}:8443`, path})
        out.push({scheme, host, path, port: scheme === 'https' ? 443 : 80})
        out.push({scheme, host, path, headers: {'X-Canary': 'always'}})
        if (scheme === 'https') out.push({scheme, host, path, sni: 'vault.example.com'}, {scheme, host: HOSTS[(HOSTS.indexOf(host) + 3) % HOSTS.length]!, path, sni: host})
      }
    }
  }
  // A deterministic shuffle (stride through the list) so consecutive probes differ in host, scheme and port.
  const byHost = [...out].sort((x, y) => x.host.replace(/:.*/, '').localeCompare(y.host.replace(/:.*/, '')))
  return [...byHost, ...out.map((_, i) => out[(i * 37) % out.length]!)]
}

const result = translate({objects: OBJECTS.map((object) => ({object, source: {}}))}, {
  emitGateway: true,
  ingressClasses: ['nginx', 'internal'],
  gatewayFor: {internal: {namespace: 'gw-internal', name: 'internal'}},
})

/** Routed first where an answer must start cold: module state (the Gateway side's last Host header) then holds another name. */
const ELSEWHERE: Probe = {scheme: 'http', host: 'elsewhere.invalid:1', path: '/'}

/** The probe's answer from a fresh verifyTranslation that routed only ELSEWHERE before it. */
function alone(probe: Probe, gateway: string): string | undefined {
  return answers([ELSEWHERE, probe], gateway)[1]
}

function answers(list: Probe[], gateway: string): string[] {
  const out: string[] = []
  const options: VerifyOptions = {probes: list, onlyGiven: true, defaultGateway: gateway, onProbe: (r) => out.push(JSON.stringify(r))}
  verifyTranslation(result, result.objects, options)
  return out
}

test('each probe, routed among interleaved others on two Gateways serving one host, answers as it does alone', (t) => {
  const gateways = [...(result.hostsByGateway ?? new Map()).keys()]
  t.is(gateways.length, 2, `two controllers, two Gateways (${gateways.join(', ')})`)
  const list = probes()
  t.is(new Set(list).size, list.length / 2, 'each half holds every probe once')
  for (const gateway of gateways) {
    const together = answers(list, gateway)
    const single = list.map((probe) => alone(probe, gateway))
    t.is(together.length, list.length)
    for (let i = 0; i < list.length; i++) t.is(together[i], single[i] ?? '(no answer)', `probe ${i} ${JSON.stringify(list[i])}`)
  }
})

test('both models answer each probe, among interleaved others, on either Gateway, as fresh models answer it alone', (t) => {
  const hostsByGateway = result.hostsByGateway ?? new Map()
  const nginx = buildNginxModel(hostsByGateway)
  const envoy = buildGatewayModel(result.objects)
  const gateways = [...hostsByGateway.keys()]
  // Gateway after Gateway for each probe: a cache shared by the two planes would hand one the other's server.
  for (const probe of probes()) {
    for (const gateway of gateways) {
      // The shared models first (right after the previous probe of the list), then fresh ones, cold: the last Host
      // header the Gateway side read is module state, so another name is routed before.
      const warm = [JSON.stringify(routeRequest(envoy, probe, gateway)), JSON.stringify(routeNginxRequest(nginx, probe, gateway))]
      const freshEnvoy = buildGatewayModel(result.objects)
      routeRequest(freshEnvoy, ELSEWHERE, gateway)
      const freshNginx = buildNginxModel(hostsByGateway)
      routeNginxRequest(freshNginx, ELSEWHERE, gateway)
      t.deepEqual(warm, [JSON.stringify(routeRequest(freshEnvoy, probe, gateway)), JSON.stringify(routeNginxRequest(freshNginx, probe, gateway))], `${gateway} ${JSON.stringify(probe)}`)
    }
  }
})

test('one Host header on two controllers: each answers with its own server, whichever asked first', (t) => {
  // A server-phase cache shared by the planes (or by the models: module state) would hand the second the first's.
  const hostsByGateway = result.hostsByGateway ?? new Map()
  const [shared, internal] = [...hostsByGateway.keys()]
  const backend = (model: ReturnType<typeof buildNginxModel>, gateway: string) => routeNginxRequest(model, {scheme: 'https', host: 'shop.example.com', path: '/'}, gateway).backends?.map((b) => b.name)
  const one = buildNginxModel(hostsByGateway)
  const other = buildNginxModel(hostsByGateway)
  t.deepEqual([backend(one, shared!), backend(one, internal!)], [['web'], ['web-internal']])
  t.deepEqual([backend(other, internal!), backend(other, shared!)], [['web-internal'], ['web']])
})

test('the per-Ingress counts of one run are the sums of each probe run alone', (t) => {
  const gateway = [...(result.hostsByGateway ?? new Map()).keys()][0]!
  const counts = (report: VerifyReport, into: Map<string, string>) => {
    for (const [id, c] of report.perIngress) {
      const [p, d, k] = (into.get(id) ?? '0 0 0').split(' ').map(Number)
      into.set(id, `${p! + c.probes} ${d! + c.differ} ${k! + c.known}`)
    }
  }
  const list = probes()
  const together = new Map<string, string>()
  const report = verifyTranslation(result, result.objects, {probes: list, onlyGiven: true, defaultGateway: gateway})
  counts(report, together)
  const alone = new Map<string, string>()
  let [probesAlone, differAlone, knownAlone] = [0, 0, 0]
  for (const probe of list) {
    const single = verifyTranslation(result, result.objects, {probes: [probe], onlyGiven: true, defaultGateway: gateway})
    verifyTranslation(result, result.objects, {probes: [ELSEWHERE], onlyGiven: true, defaultGateway: gateway})
    counts(single, alone)
    probesAlone += single.probes
    differAlone += single.differ
    knownAlone += single.known
  }
  t.true(report.differ > 0 && together.size > 3, `probes that differ and several Ingresses counted (${report.differ}, ${together.size})`)
  t.deepEqual([report.probes, report.differ, report.known], [probesAlone, differAlone, knownAlone])
  t.deepEqual(new Map([...together].sort()), new Map([...alone].sort()))
})

test('the derived probes run, then the same user probes: each user probe answers as it does alone', (t) => {
  // The derived probes warm every per-host cache; the user probes that follow must not read them wrongly.
  const list = probes()
  const gateway = [...(result.hostsByGateway ?? new Map()).keys()][0]!
  const all: string[] = []
  verifyTranslation(result, result.objects, {probes: list, defaultGateway: gateway, onProbe: (r) => all.push(JSON.stringify(r))})
  const users = all.filter((r) => (JSON.parse(r) as {origin: string}).origin === 'user')
  t.true(all.length > users.length, 'derived probes ran first')
  t.deepEqual(users, list.map((probe) => alone(probe, gateway)))
})

test('the sorted paths a name shares with its host\'s other names: not when a route adds a path, never another host\'s', (t) => {
  // probes.ts sortedPaths keeps one sorted list per set of nginx hosts, valid while no route added a path. shop's
  // names (itself, its www twin, its alias) share one; an HTTPRoute naming only the www twin adds /only-www there.
  const gateway = [...(result.hostsByGateway ?? new Map()).keys()][0]!
  const hosts = result.hostsByGateway!.get(gateway)!
  const [namespace, name] = gateway.split('/')
  const wwwRoute: KubeObject = {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: {name: 'www-only', namespace: 'app'},
    spec: {parentRefs: [{name, namespace}], hostnames: ['www.shop.example.com'], rules: [{matches: [{path: {type: 'PathPrefix', value: '/only-www'}}]}]},
  }
  const pathsOf = new Map<string, string[]>()
  deriveProbes(gateway, hosts, [...result.objects, wwwRoute], (probe) => {
    if (probe.scheme !== 'http' || probe.headers !== undefined) return
    pathsOf.set(probe.host, [...(pathsOf.get(probe.host) ?? []), probe.path])
  })
  const shop = pathsOf.get('shop.example.com')!
  const www = pathsOf.get('www.shop.example.com')!
  for (const [host, paths] of pathsOf) t.true(paths.every((p, i) => i === 0 || paths[i - 1]! < p), `${host}: each path once, in order`)
  t.true(shop.includes('/api') && !shop.includes('/only-www'), shop.join(' '))
  t.deepEqual(www, [...shop, '/only-www', '/only-www/', '/only-www/sub', '/only-wwwx', '/ONLY-WWW'].filter((p, i, all) => all.indexOf(p) === i).sort())
  t.deepEqual(pathsOf.get('store.example.com'), shop, 'the alias probes its host\'s paths')
  // docs.example.com (another host, sorted between them) has only its own.
  t.false(pathsOf.get('docs.example.com')!.includes('/api'), pathsOf.get('docs.example.com')!.join(' '))
})

test('a backend\'s whole share belongs to that backend: each path of one host answers with its own Service', (t) => {
  // nginx-model.ts backendFacts keeps `[share(backend, 1, 1)]` per backend; a key of less (the host, the server)
  // would hand /api the Service of /.
  const gateway = [...(result.hostsByGateway ?? new Map()).keys()][0]!
  const nginx = buildNginxModel(result.hostsByGateway!)
  const service = (host: string, path: string) => routeNginxRequest(nginx, {scheme: 'https', host, path}, gateway).backends?.map((b) => `${b.name} ${b.share}`)
  // shop's `/` has a canary (its shares are made per probe) and docs's `/` its app-root redirect; the others end at one Service each.
  const answers = [service('docs.example.com', '/x'), service('shop.example.com', '/api'), service('a.tenants.example.com', '/y'), service('shop.example.com', '/api/v1'), service('docs.example.com', '/start')]
  t.deepEqual(answers, [['docs 1'], ['api 1'], ['router 1'], ['api 1'], ['docs 1']])
  t.true(Object.isFrozen(routeNginxRequest(nginx, {scheme: 'https', host: 'shop.example.com', path: '/api'}, gateway).backends), 'shared, so read only')
})
