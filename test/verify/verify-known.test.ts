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
import type {KubeObject} from '../../src/model/types.js'
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
  t.deepEqual(result.diagnostics.filter((d) => d.code === 'wildcard-host-depth').map((d) => [d.object, d.data]), [['Ingress app/wild', {hosts: ['*.example.com']}]])
  // A compiler bug dropping deep's route: the Gateway's *.example.com route (any depth) takes a.b.example.com.
  const objects = result.objects.filter((o) => !(o.kind === 'HTTPRoute' && o.spec?.hostnames?.includes('a.b.example.com')))
  const report = verifyTranslation(result, objects)
  const deep = report.differences.find((d) => d.probe.scheme === 'http' && d.probe.host === 'a.b.example.com' && d.probe.path === '/')
  t.truthy(deep)
  t.deepEqual(deep!.nginx.backends?.map((b) => b.name), ['deep'])
  t.deepEqual(deep!.envoy.backends?.map((b) => b.name), ['wild'])
  t.is(deep!.known, undefined)
})

/** One Ingress per host; `tls` adds a TLS entry, so the host gets the https-redirect route. */
function hostIngress(name: string, host: string, paths: string[], opts: {tls?: boolean; annotations?: Record<string, string>} = {}): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {name, namespace: 'app', creationTimestamp: '2024-01-01T00:00:00Z', annotations: opts.annotations ?? {}},
    spec: {
      ingressClassName: 'nginx',
      ...(opts.tls ? {tls: [{hosts: [host], secretName: `${name}-tls`}]} : {}),
      rules: [{host, http: {paths: paths.map((path) => ({path, pathType: 'Prefix', backend: {service: {name, port: {number: 80}}}}))}}],
    },
  }
}

test('a prefix-trailing-slash diagnostic does not label a lost HTTPS redirect of its Ingress', (t) => {
  const result = translate({objects: [{object: hostIngress('docs', 'd.example.com', ['/docs/', '/api'], {tls: true}), source: {}}]}, {emitGateway: true})
  t.deepEqual(result.diagnostics.filter((d) => d.code === 'prefix-trailing-slash').map((d) => [d.object, d.data]), [['Ingress app/docs', {paths: ['/docs/']}]])
  // A failed apply of the gateway owner's bundle: the https-redirect route is missing, http answers 404.
  const objects = result.objects.filter((o) => !(o.kind === 'HTTPRoute' && o.metadata.name.startsWith('https-redirect')))
  t.true(objects.length < result.objects.length)
  const report = verifyTranslation(result, objects)
  const api = report.differences.find((d) => d.probe.scheme === 'http' && d.probe.path === '/api')
  t.truthy(api)
  t.is(api!.nginx.kind, 'redirect')
  t.is(api!.known, undefined)
})

test('redirect-keeps-trailing-slash labels nginx\'s HTTPS redirect only, not a permanent-redirect target that gained a slash', (t) => {
  const objects = [
    hostIngress('shop', 's.example.com', ['/shop'], {tls: true}),
    hostIngress('moved', 'm.example.com', ['/'], {annotations: {'nginx.ingress.kubernetes.io/permanent-redirect': 'https://new.example.com/landing'}}),
  ]
  const result = translate({objects: objects.map((object) => ({object, source: {}}))}, {emitGateway: true})
  t.true(result.diagnostics.some((d) => d.code === 'redirect-keeps-trailing-slash'))
  // The moved route's redirect edited to /landing/ (someone's kubectl edit): another page for every client.
  const edited = result.objects.map((o) => (o.kind === 'HTTPRoute' && o.metadata.name === 'moved' ? JSON.parse(JSON.stringify(o).replaceAll('"/landing"', '"/landing/"')) : o))
  t.notDeepEqual(edited, result.objects)
  const report = verifyTranslation(result, edited)
  const moved = report.differences.find((d) => d.probe.scheme === 'http' && d.probe.host === 'm.example.com' && d.probe.path === '/x')
  t.truthy(moved, report.differences.map((d) => `${d.probe.host}${d.probe.path}`).join(' '))
  t.is(moved!.nginx.location, 'https://new.example.com/landing')
  t.is(moved!.envoy.location, 'https://new.example.com/landing/')
  t.is(moved!.known, undefined)
  // The HTTPS redirect of the TLS host is still labelled (nginx drops the slash, lua_ingress.lua rewrite).
  const slash = verifyTranslation(result, result.objects).differences.find((d) => d.probe.scheme === 'http' && d.probe.host === 's.example.com' && d.probe.path === '/shop/')
  t.is(slash?.known, 'redirect-keeps-trailing-slash')
})

test('a use-regex approximation (location choice) does not label the HTTPS redirect the Gateway lost', (t) => {
  const ingress = hostIngress('api', 'a.example.com', ['/api'], {tls: true, annotations: {'nginx.ingress.kubernetes.io/use-regex': 'true'}})
  const result = translate({objects: [{object: ingress, source: {}}]}, {emitGateway: true})
  t.true(result.diagnostics.some((d) => d.object === 'Ingress app/api' && d.annotation === 'nginx.ingress.kubernetes.io/use-regex' && d.fidelity === 'approximate'))
  const objects = result.objects.filter((o) => !(o.kind === 'HTTPRoute' && o.metadata.name.startsWith('https-redirect')))
  const lost = verifyTranslation(result, objects).differences.find((d) => d.probe.scheme === 'http' && d.probe.path === '/api')
  t.truthy(lost)
  t.is(lost!.nginx.reason, 'ssl-redirect')
  t.is(lost!.known, undefined)
})

test('mtls-host-under-tls-wildcard labels https of the host it names only, not another host of its Ingress reaching the wrong Service', (t) => {
  const wild: KubeObject = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {name: 'wild', namespace: 'app', creationTimestamp: '2024-01-01T00:00:00Z'},
    spec: {ingressClassName: 'nginx', tls: [{hosts: ['*.example.com'], secretName: 'wild-tls'}], rules: [{host: '*.example.com', http: {paths: [{path: '/', pathType: 'Prefix', backend: {service: {name: 'wild', port: {number: 80}}}}]}}]},
  }
  // One Ingress, auth-tls on its servers (controller.go: CertificateAuth per server), no tls section: with
  // auth-tls-match-cn no listener of its own can ask for the certificate, so the deep host a.b.example.com is not
  // attached to the wildcard's https listener and its HTTPS reaches the wildcard route (error); h.example.org is a plain host.
  const rule = (host: string) => ({host, http: {paths: [{path: '/api', svc: 'api'}, {path: '/', svc: 'web'}].map((p) => ({path: p.path, pathType: 'Prefix', backend: {service: {name: p.svc, port: {number: 80}}}}))}})
  const mtls: KubeObject = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {name: 'web', namespace: 'app', creationTimestamp: '2024-01-02T00:00:00Z', annotations: {'nginx.ingress.kubernetes.io/auth-tls-secret': 'app/client-ca', 'nginx.ingress.kubernetes.io/auth-tls-match-cn': 'CN=client'}},
    spec: {ingressClassName: 'nginx', rules: [rule('a.b.example.com'), rule('h.example.org')]},
  }
  const result = translate({objects: [wild, mtls].map((object) => ({object, source: {}}))}, {emitGateway: true})
  t.true(result.diagnostics.some((d) => d.code === 'mtls-host-under-tls-wildcard' && d.object === 'Ingress app/web'))
  const report = verifyTranslation(result, apiToWrongService(result.objects))
  const other = report.differences.find((d) => d.probe.scheme === 'http' && d.probe.host === 'h.example.org' && d.probe.path === '/api/sub')
  t.truthy(other)
  t.deepEqual(other!.differences, ['backends'])
  t.is(other!.known, undefined, 'the diagnostic names a.b.example.com over https, not h.example.org')
  const named = verifyTranslation(result, result.objects).differences.filter((d) => d.probe.host === 'a.b.example.com' && d.probe.scheme === 'https')
  t.true(named.length > 0 && named.every((d) => d.known === 'mtls-host-under-tls-wildcard'), 'the host it names keeps its label')
})

function ingress(name: string, host: string, annotations: Record<string, string>, opts: {tls?: string[]; className?: string; svc?: string} = {}): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {name, namespace: 'app', creationTimestamp: '2024-01-01T00:00:00Z', annotations: Object.fromEntries(Object.entries(annotations).map(([k, v]) => [`nginx.ingress.kubernetes.io/${k}`, v]))},
    spec: {
      ingressClassName: opts.className ?? 'nginx',
      ...(opts.tls ? {tls: [{hosts: opts.tls, secretName: `${name}-tls`}]} : {}),
      rules: [{host, http: {paths: [{path: '/', pathType: 'Prefix', backend: {service: {name: opts.svc ?? name, port: {number: 80}}}}]}}],
    },
  }
}

test('labels are decided by the diagnostics\' codes and data: the same with every message blanked', (t) => {
  // Each label here once read the message: the host force-ssl-redirect-without-tls, alias-under-tls-wildcard and
  // mtls-host-under-tls-wildcard name, the Gateway plain-hosts-https names, a relative permanent-redirect URL.
  const objects = [
    ingress('portal', 'portal.example.io', {'force-ssl-redirect': 'true'}),
    ingress('tenants', '*.example.com', {}, {tls: ['*.example.com']}),
    ingress('deep', 'a.b.example.com', {'auth-tls-secret': 'app/client-ca', 'auth-tls-match-cn': 'CN=client'}),
    ingress('plain', 'plain.example.org', {'server-alias': 'alias.example.com'}),
    ingress('moved', 'moved.example.org', {'permanent-redirect': 'elsewhere/page'}),
    ingress('inside', 'inside.example.net', {}, {className: 'internal'}),
  ]
  const result = translate({objects: objects.map((object) => ({object, source: {}}))}, {
    emitGateway: true,
    ingressClasses: ['nginx', 'internal'],
    gatewayFor: {internal: {namespace: 'gw-internal', name: 'internal'}},
  })
  const labels = (diagnostics: typeof result.diagnostics) => verifyTranslation({...result, diagnostics}, result.objects).differences.map((d) => `${d.probe.scheme}://${d.probe.host}${d.probe.path} ${d.known ?? 'unlabelled'}`)
  const withMessages = labels(result.diagnostics)
  const codes = new Set(withMessages.map((l) => l.split(' ')[1]))
  for (const code of ['force-ssl-redirect-without-tls', 'alias-under-tls-wildcard', 'mtls-host-under-tls-wildcard', 'plain-hosts-https', 'annotation-approximate']) t.true(codes.has(code), `${code} labels a difference: ${[...codes].join(', ')}`)
  t.true(withMessages.some((l) => l.startsWith('http://moved.example.org/') && l.endsWith(' annotation-approximate')), 'the relative Location\'s path difference is known')
  t.deepEqual(labels(result.diagnostics.map((d) => ({...d, message: ''}))), withMessages)
})
