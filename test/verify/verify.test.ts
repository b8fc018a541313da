/**
 * verify end to end over converted Ingresses: the deliberate difference (a one-label nginx wildcard against a Gateway
 * API wildcard of any depth) is reported and labelled with the diagnostic that names it; a difference no diagnostic
 * names (a route removed from the output) is unlabelled; probes parse as the user writes them; and a property test
 * converts random Ingress sets of the exactly-supported subset and finds no unlabelled difference.
 */
import test from 'ava'
import fc from 'fast-check'
import {translate} from '../../src/translate/index.js'
import type {KubeObject} from '../../src/model/types.js'
import {parseProbe, parseProbesFile, samplePaths} from '../../src/verify/probes.js'
import {renderVerifyText} from '../../src/verify/render.js'
import {verifyRun} from '../../src/verify/run.js'
import {verifyTranslation} from '../../src/verify/verify.js'

function ing(name: string, host: string | undefined, paths: {path: string; type: string; svc: string}[], created = '2024-01-01T00:00:00Z', tls = false): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {name, namespace: 'app', creationTimestamp: created},
    spec: {
      ingressClassName: 'nginx',
      ...(tls && host ? {tls: [{hosts: [host], secretName: `${name}-tls`}]} : {}),
      rules: [{...(host ? {host} : {}), http: {paths: paths.map((p) => ({path: p.path, pathType: p.type, backend: {service: {name: p.svc, port: {number: 80}}}}))}}],
    },
  }
}

const snapshot = (objects: KubeObject[]) => ({objects: objects.map((object) => ({object, source: {}}))})

test('a one-label nginx wildcard against an any-depth Gateway wildcard: reported, labelled wildcard-host-depth', (t) => {
  const report = verifyRun({snapshot: snapshot([ing('tenants', '*.tenants.example.com', [{path: '/', type: 'Prefix', svc: 'router'}])]), options: {}})
  const deep = report.differences.filter((d) => d.probe.host === 'a.b.tenants.example.com' && d.probe.scheme === 'http')
  t.true(deep.length > 0)
  for (const d of deep) {
    t.is(d.known, 'wildcard-host-depth')
    t.is(d.nginx.kind, 'respond')
    t.is(d.envoy.kind, 'forward')
    t.is(d.group, 'app/tenants')
  }
  const text = renderVerifyText(report)
  t.regex(text, /^Ingress app\/tenants:\n  known wildcard-host-depth: GET http:\/\/a\.b\.tenants\.example\.com\/  nginx: 404 .* gateway: -> Service app\/router:80 path \/ host a\.b\.tenants\.example\.com$/m)
  t.regex(text, /^verify: \d+ probes, \d+ differ \(\d+ known\)\n$/m)
  t.is(report.differ, report.known)
})

test('a difference no diagnostic names is unlabelled (a route missing from the output)', (t) => {
  const result = translate(snapshot([ing('web', 'h.example.com', [{path: '/api', type: 'Prefix', svc: 'api'}, {path: '/', type: 'Prefix', svc: 'web'}])]), {emitGateway: true})
  const objects = result.objects.map((o) => (o.kind === 'HTTPRoute' && o.metadata.namespace === 'app' ? {...o, spec: {...o.spec, rules: o.spec.rules.filter((r: any) => !r.matches?.some((m: any) => m.path?.value === '/api'))}} : o))
  const report = verifyTranslation(result, objects)
  const api = report.differences.find((d) => d.probe.path === '/api/sub' && d.probe.scheme === 'http')
  t.truthy(api)
  t.is(api!.known, undefined)
  t.deepEqual(api!.differences, ['backends'])
  t.true(report.differ > report.known)
})

test('countsOnly (convert, report): the same counts, per Ingress too, without keeping the differing probes', (t) => {
  // Two differences of different kinds: the wildcard depth (known) and a route removed from the output (unlabelled).
  const result = translate(snapshot([ing('tenants', '*.tenants.example.com', [{path: '/', type: 'Prefix', svc: 'router'}]), ing('web', 'h.example.com', [{path: '/api', type: 'Prefix', svc: 'api'}, {path: '/', type: 'Prefix', svc: 'web'}])]), {emitGateway: true})
  const objects = result.objects.map((o) => (o.kind === 'HTTPRoute' && o.metadata.name.includes('web') ? {...o, spec: {...o.spec, rules: o.spec.rules.filter((r: any) => !r.matches?.some((m: any) => m.path?.value === '/api'))}} : o))
  const full = verifyTranslation(result, objects)
  const counts = verifyTranslation(result, objects, {countsOnly: true})
  t.true(full.differences.length > 0 && full.differ > full.known && full.known > 0, `${full.differ} differ, ${full.known} known`)
  t.deepEqual(counts.differences, [])
  t.deepEqual([counts.probes, counts.differ, counts.known, [...counts.perIngress]], [full.probes, full.differ, full.known, [...full.perIngress]])
  const run = verifyRun({snapshot: snapshot([ing('tenants', '*.tenants.example.com', [{path: '/', type: 'Prefix', svc: 'router'}])]), options: {}, countsOnly: true})
  t.true(run.differ > 0)
  t.deepEqual(run.differences, [])
})

test('--probe syntax: method, URL, headers; a probes file names the bad line', (t) => {
  t.deepEqual(parseProbe('GET https://A.example.com:8443/x?q=1 X-Canary:always'), {scheme: 'https', host: 'a.example.com:8443', path: '/x?q=1', headers: {'X-Canary': 'always'}})
  t.deepEqual(parseProbe('http://a.example.com'), {scheme: 'http', host: 'a.example.com', path: '/'})
  t.deepEqual(parseProbe('head http://a.example.com/'), {scheme: 'http', host: 'a.example.com', path: '/', method: 'HEAD'})
  t.throws(() => parseProbesFile('# smoke\nGET http://a.example.com/\nGET ftp://x\n', 'probes.txt'), {message: /^probes\.txt:3: /})
})

test('user probes go through both models beside the derived ones', (t) => {
  const report = verifyRun({snapshot: snapshot([ing('web', 'h.example.com', [{path: '/', type: 'Prefix', svc: 'web'}])]), options: {}, probes: [parseProbe('GET http://h.example.com/custom')], onlyGiven: true})
  t.is(report.probes, 1)
  t.is(report.differ, 0)
})

// The exactly-supported subset: hosts (exact or one wildcard), Exact and Prefix paths over [a-z/], several Ingresses
// with distinct ages, optional TLS. Everything else (regex, rewrites, canaries) has its own approximations.
// Host-less rules (the catch-all server, also on 443: catch-all-https) and hosts one and two labels under the
// wildcard (its certificate: tls-from-wildcard; its https route: plain-host-under-tls-wildcard) are in the mix.
const segment = fc.constantFrom('a', 'b', 'api', 'v1', 'x')
const path = fc.array(segment, {minLength: 0, maxLength: 3}).chain((segs) => fc.boolean().map((slash) => `/${segs.join('/')}${slash && segs.length > 0 ? '/' : ''}`))
const host = fc.constantFrom('a.example.com', 'b.example.com', '*.w.example.com', 'c.w.example.com', 'd.c.w.example.com', undefined)
const ingressArb = fc.record({
  host,
  tls: fc.boolean(),
  paths: fc.array(fc.record({path, type: fc.constantFrom('Exact', 'Prefix'), svc: fc.constantFrom('s1', 's2', 's3')}), {minLength: 1, maxLength: 3}),
})

test('property: random Ingress sets of the exact subset convert with no unlabelled difference', (t) => {
  fc.assert(
    fc.property(fc.array(ingressArb, {minLength: 1, maxLength: 4}), (specs) => {
      const objects = specs.map((s, i) => ing(`i${i}`, s.host, s.paths, `2024-01-0${i + 1}T00:00:00Z`, s.tls))
      const report = verifyRun({snapshot: snapshot(objects), options: {}})
      const unlabelled = report.differences.filter((d) => d.known === undefined)
      if (unlabelled.length > 0) t.log(renderVerifyText({...report, differences: unlabelled}))
      return unlabelled.length === 0
    }),
    {seed: 20260112, numRuns: 150},
  )
  t.pass()
})

test('regex paths are probed: a group\'s first alternative, the path ending where a group admits the end, class members', (t) => {
  // The rewrite-target idiom: `(/|$)` once made `/api/|x`, which is no request path, so the Ingress got no probe.
  t.deepEqual(samplePaths('/api(/|$)(.*)'), ['/api/x', '/api'])
  t.deepEqual(samplePaths('/v1/(users|items)/([0-9]+)'), ['/v1/users/0'])
  t.deepEqual(samplePaths('/u/\\d+/[^/]+\\.png'), ['/u/0/a.png'])
  t.deepEqual(samplePaths('/a|/b'), ['/a', '/b'])
  const api = ing('api', 'h.example.com', [{path: '/api(/|$)(.*)', type: 'ImplementationSpecific', svc: 'api'}])
  api.metadata.annotations = {'nginx.ingress.kubernetes.io/use-regex': 'true', 'nginx.ingress.kubernetes.io/rewrite-target': '/$2'}
  const report = verifyRun({snapshot: snapshot([api, ing('web', 'h.example.com', [{path: '/', type: 'Prefix', svc: 'web'}])])})
  t.true((report.perIngress.get('app/api')?.probes ?? 0) >= 6, JSON.stringify([...report.perIngress]))
})
