/**
 * Host-less rules over HTTPS. ingress-nginx's catch-all server `_` listens on 443 (template.go buildHTTPSListener,
 * commonListenOptions: `default_server ssl`) with the default certificate (controller.go createServers,
 * getDefaultSSLCertificate), so an HTTPS request for any name without a server reaches the host-less rules. The
 * Gateway cannot emit that certificate and keeps the route without hostnames on http: catch-all-https names the
 * difference on each Ingress concerned, and verify labels the differing https probes with it.
 */
import test from 'ava'
import {ingressWith, translateAll} from './annotations/support.js'
import type {KubeObject} from '../src/model/types.js'
import {verifyRun} from '../src/verify/run.js'

const hostless = (name: string, paths: string[], created = '2024-01-01T00:00:00Z'): KubeObject => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: {name, namespace: 'infra', creationTimestamp: created},
  spec: {
    ingressClassName: 'nginx',
    rules: [{http: {paths: paths.map((path) => ({path, pathType: 'Prefix', backend: {service: {name: `${name}-svc`, port: {number: 80}}}}))}}],
  },
})
const shop = ingressWith({}, {name: 'shop', namespace: 'web', host: 'shop.example.com', tls: true, created: '2024-01-02T00:00:00Z'})
const verify = (objects: KubeObject[]) => verifyRun({snapshot: {objects: objects.map((object) => ({object, source: {}}))}, options: {}})

test('no TLS anywhere: the Gateway has no HTTPS listener, the host-less route stays on http, and the warning says what to add', (t) => {
  const r = translateAll([hostless('edge', ['/healthz'])], {emitGateway: true})
  const gw = r.objects.find((o) => o.kind === 'Gateway')!
  t.deepEqual(gw.spec.listeners.map((l: any) => l.protocol), ['HTTP'])
  const route = r.objects.find((o) => o.kind === 'HTTPRoute' && o.metadata.name === 'edge')!
  t.deepEqual(route.spec.parentRefs.map((p: any) => p.sectionName), ['http'])
  const d = r.diagnostics.filter((x) => x.code === 'catch-all-https')
  t.deepEqual(d.map((x) => [x.object, x.level]), [['Ingress infra/edge', 'warning']])
  t.regex(d[0]!.message, /its rules without a host \(Prefix \/healthz\)/)
  t.regex(d[0]!.message, /has no HTTPS listener .* refuses those connections/)
  t.regex(d[0]!.hint!, /--default-ssl-certificate.*HTTPS listener on port 443 without hostname/)
})

test('no TLS anywhere: verify finds the refused https probes of the host-less paths and labels each catch-all-https', (t) => {
  const report = verify([hostless('edge', ['/healthz'])])
  const https = report.differences.filter((d) => d.probe.scheme === 'https')
  // Not vacuous: nginx forwarded https://unknown.invalid/healthz to edge-svc, the Gateway refuses port 443.
  t.true(https.some((d) => d.probe.path === '/healthz' && d.nginx.kind === 'forward' && d.envoy.kind === 'refused'))
  t.deepEqual(https.filter((d) => d.known !== 'catch-all-https').map((d) => `${d.probe.host}${d.probe.path} ${d.known}`), [])
  t.is(report.differences.filter((d) => d.known === undefined).length, 0)
})

test('with an HTTPS listener (another Ingress has TLS): the host-less paths get 404 over https, named and labelled', (t) => {
  const r = translateAll([hostless('edge', ['/api']), shop], {emitGateway: true})
  const d = r.diagnostics.find((x) => x.code === 'catch-all-https')!
  t.regex(d.message, /The https listener of gateway\/shared takes those connections, and the route without hostnames is not attached there: they get 404/)
  t.regex(d.hint!, /sectionName https/)
  const report = verify([hostless('edge', ['/api']), shop])
  const api = report.differences.filter((d) => d.probe.scheme === 'https' && d.probe.host === 'unknown.invalid' && d.probe.path.startsWith('/api'))
  t.true(api.length > 0, 'verify probes the host-less paths over https')
  t.deepEqual([...new Set(api.map((d) => d.known))], ['catch-all-https'])
  t.is(report.differences.filter((d) => d.known === undefined).length, 0)
})

test('a rule-less spec.defaultBackend is the catch-all `/`: named as such', (t) => {
  const fallback: KubeObject = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {name: 'fallback', namespace: 'infra'},
    spec: {ingressClassName: 'nginx', defaultBackend: {service: {name: 'default-http-backend', port: {number: 80}}}},
  }
  const d = translateAll([fallback]).diagnostics.find((x) => x.code === 'catch-all-https')!
  t.regex(d.message, /^its spec\.defaultBackend \(Prefix \/\) is served by ingress-nginx's catch-all server/)
})

test('named hosts only: no catch-all-https', (t) => {
  const r = translateAll([ingressWith({}, {name: 'a', namespace: 'web', host: 'a.example.com'}), shop])
  t.false(r.diagnostics.some((x) => x.code === 'catch-all-https'))
})
