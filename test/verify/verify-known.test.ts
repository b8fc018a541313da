/**
 * verify-known's labels must not hide an unrelated outage: a routing diagnostic about one aspect of an Ingress
 * (app-root's query string, a Prefix path's trailing slash) does not explain a request of another path of that
 * Ingress reaching the wrong Service. The wrong Service is simulated by editing the converted HTTPRoute (a compiler
 * bug the models would otherwise share nothing of); the nginx model still decides the probe from the Ingress.
 * Likewise the host-level labels: plain-hosts-https (the Gateway not serving a tls-less host over https) and
 * wildcard-host-depth (nginx's one-label wildcard) do not explain the Gateway sending a host nginx served to another
 * Service.
 */
import test from 'ava'
import {translate} from '../../src/translate/index.js'
import type {KubeObject} from '../../src/translate/types.js'
import {verifyTranslation} from '../../src/verify/verify.js'

function web(annotations: Record<string, string>, extraPath?: string): KubeObject {
  const paths = [{path: '/api', svc: 'api'}, {path: '/', svc: 'web'}, ...(extraPath ? [{path: extraPath, svc: 'docs'}] : [])]
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {name: 'web', namespace: 'app', creationTimestamp: '2024-01-01T00:00:00Z', annotations},
    spec: {ingressClassName: 'nginx', rules: [{host: 'h.example.com', http: {paths: paths.map((p) => ({path: p.path, pathType: 'Prefix', backend: {service: {name: p.svc, port: {number: 80}}}}))}}]},
  }
}

/** The converted objects with /api's rule sent to Service `wrong` (what a compiler bug would emit). */
function apiToWrongService(objects: KubeObject[]): KubeObject[] {
  return objects.map((o) => (o.kind !== 'HTTPRoute' || o.metadata.namespace !== 'app' ? o : {
    ...o,
    spec: {...o.spec, rules: o.spec.rules.map((r: any) => (r.matches?.some((m: any) => m.path?.value === '/api') ? {...r, backendRefs: r.backendRefs.map((b: any) => ({...b, name: 'wrong'}))} : r))},
  }))
}

function apiProbe(annotations: Record<string, string>, extraPath?: string) {
  const result = translate({objects: [{object: web(annotations, extraPath), source: {}}]}, {emitGateway: true})
  const report = verifyTranslation(result, apiToWrongService(result.objects))
  return {result, probe: report.differences.find((d) => d.probe.scheme === 'http' && d.probe.path === '/api/sub')}
}

test('control: without any diagnostic, /api sent to the wrong Service is an unlabelled finding', (t) => {
  const {probe} = apiProbe({})
  t.truthy(probe)
  t.deepEqual(probe!.differences, ['backends'])
  t.is(probe!.known, undefined)
})

test('an app-root approximation (query string of /) does not label /api reaching the wrong Service', (t) => {
  const {result, probe} = apiProbe({'nginx.ingress.kubernetes.io/app-root': '/catalog'})
  t.true(result.diagnostics.some((d) => d.annotation === 'nginx.ingress.kubernetes.io/app-root' && d.fidelity === 'approximate'))
  t.truthy(probe)
  t.deepEqual(probe!.differences, ['backends'])
  t.is(probe!.known, undefined)
})

test('a prefix-trailing-slash diagnostic about /docs/ does not label /api reaching the wrong Service', (t) => {
  const {result, probe} = apiProbe({}, '/docs/')
  t.true(result.diagnostics.some((d) => d.code === 'prefix-trailing-slash'))
  t.truthy(probe)
  t.deepEqual(probe!.differences, ['backends'])
  t.is(probe!.known, undefined)
})

test('plain-hosts-https does not label https to a tls-less host answered by a TLS wildcard Ingress\'s Service', (t) => {
  const ingress = (name: string, host: string, tls: boolean): KubeObject => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {name, namespace: 'app', creationTimestamp: '2024-01-01T00:00:00Z'},
    spec: {ingressClassName: 'nginx', ...(tls ? {tls: [{hosts: [host], secretName: `${name}-tls`}]} : {}), rules: [{host, http: {paths: [{path: '/', pathType: 'Prefix', backend: {service: {name, port: {number: 80}}}}]}}]},
  })
  // c.example.org is a plain host (plain-hosts-https is emitted); b.example.com takes the wildcard's certificate.
  const objects = [ingress('wild', '*.example.com', true), ingress('b', 'b.example.com', false), ingress('c', 'c.example.org', false)]
  const result = translate({objects: objects.map((object) => ({object, source: {}}))}, {emitGateway: true})
  t.true(result.diagnostics.some((d) => d.code === 'plain-hosts-https'))
  // A compiler bug (as before wildcard-certificates.ts): b's route on the http listener only.
  const buggy = result.objects.map((o) =>
    o.kind === 'HTTPRoute' && o.metadata.name === 'b' ? {...o, spec: {...o.spec, parentRefs: o.spec.parentRefs.map((p: any) => ({...p, sectionName: 'http'}))}} : o,
  )
  const report = verifyTranslation(result, buggy)
  const https = report.differences.find((d) => d.probe.scheme === 'https' && d.probe.host === 'b.example.com' && d.probe.path === '/')
  // nginx: server b.example.com proxies to b (its certificate lookup falls back to the wildcard's, certificate.lua
  // get_pem_cert_uid); the Gateway: b's route sits on the http listener only, the wildcard's https route takes it.
  t.truthy(https)
  t.deepEqual(https!.nginx.backends?.map((b) => b.name), ['b'])
  t.deepEqual(https!.envoy.backends?.map((b) => b.name), ['wild'])
  t.is(https!.known, undefined)
  t.false(verifyTranslation(result, result.objects).differences.some((d) => d.probe.host === 'b.example.com' && d.probe.scheme === 'https'), 'the real output has no such difference')
})

test('wildcard-host-depth does not label a deep name nginx serves from its own server', (t) => {
  const ingress = (name: string, host: string): KubeObject => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {name, namespace: 'app', creationTimestamp: '2024-01-01T00:00:00Z'},
    spec: {ingressClassName: 'nginx', rules: [{host, http: {paths: [{path: '/', pathType: 'Prefix', backend: {service: {name, port: {number: 80}}}}]}}]},
  })
  const result = translate({objects: [ingress('wild', '*.example.com'), ingress('deep', 'a.b.example.com')].map((object) => ({object, source: {}}))}, {emitGateway: true})
  t.true(result.diagnostics.some((d) => d.code === 'wildcard-host-depth'))
  // A compiler bug dropping deep's route: the Gateway's *.example.com route (any depth) takes a.b.example.com.
  const objects = result.objects.filter((o) => !(o.kind === 'HTTPRoute' && o.spec?.hostnames?.includes('a.b.example.com')))
  const report = verifyTranslation(result, objects)
  const deep = report.differences.find((d) => d.probe.scheme === 'http' && d.probe.host === 'a.b.example.com' && d.probe.path === '/')
  t.truthy(deep)
  t.deepEqual(deep!.nginx.backends?.map((b) => b.name), ['deep'])
  t.deepEqual(deep!.envoy.backends?.map((b) => b.name), ['wild'])
  t.is(deep!.known, undefined)
})
