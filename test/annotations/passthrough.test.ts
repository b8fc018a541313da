import test from 'ava'
import type {KubeObject} from '../../src/model/types.js'
import {P, diagnosticsFor, fidelityFor, ingressFactory, ingressWith, translateAll, translateObjects, useValidator, validate} from './support.js'

const ingress = ingressFactory({name: 'argocd', namespace: 'argocd', host: 'argocd.example.com', service: 'argocd-server', port: 'https'})
useValidator()

const service: KubeObject = {apiVersion: 'v1', kind: 'Service', metadata: {name: 'argocd-server', namespace: 'argocd'}, spec: {ports: [{name: 'http', port: 80}, {name: 'https', port: 443}]}}

test('ssl-passthrough: a TLSRoute on the tls-passthrough listener to the / backend, and no HTTPRoute', (t) => {
  const r = translateObjects(ingress({'ssl-passthrough': 'true', 'force-ssl-redirect': 'true', 'backend-protocol': 'HTTPS'}), service)
  t.deepEqual(r.objects.filter((o) => ['HTTPRoute', 'GRPCRoute', 'Backend'].includes(o.kind)), [])
  const [route] = r.objects.filter((o) => o.kind === 'TLSRoute')
  t.is(route?.apiVersion, 'gateway.networking.k8s.io/v1')
  t.is(route?.metadata.name, 'argocd')
  t.deepEqual(route?.spec, {
    parentRefs: [{group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'shared', namespace: 'gateway', sectionName: 'tls-passthrough'}],
    hostnames: ['argocd.example.com'],
    rules: [{backendRefs: [{name: 'argocd-server', port: 443}]}],
  })
  t.deepEqual(validate(route), [])
  t.is(fidelityFor(r, 'ssl-passthrough'), 'manual')
  const [d] = diagnosticsFor(r, 'ssl-passthrough')
  t.regex(d!.message, /no HTTPRoute is emitted/)
  t.regex(d!.hint!, /\{name: tls-passthrough, protocol: TLS, port: 443, hostname: argocd\.example\.com, tls: \{mode: Passthrough\}/)
  t.regex(d!.hint!, /separate Gateway/)
  t.is(fidelityFor(r, 'force-ssl-redirect'), 'ignored')
  t.is(fidelityFor(r, 'backend-protocol'), 'ignored')
  t.regex(diagnosticsFor(r, 'backend-protocol')[0]!.message, /ignores the Ingress's other annotations/)
  t.deepEqual(r.diagnostics.filter((x) => x.code === 'intent-not-emitted'), [])
})

test('hosts with different / backends get one TLSRoute each; a host without / is reported', (t) => {
  const rules = [
    {host: 'a.example.com', http: {paths: [{path: '/', pathType: 'ImplementationSpecific', backend: {service: {name: 'a', port: {number: 8443}}}}]}},
    {host: 'b.example.com', http: {paths: [{path: '/', pathType: 'Prefix', backend: {service: {name: 'b', port: {number: 8443}}}}]}},
    {host: 'c.example.com', http: {paths: [{path: '/api', pathType: 'Prefix', backend: {service: {name: 'c', port: {number: 8443}}}}]}},
    {http: {paths: [{path: '/', pathType: 'Prefix', backend: {service: {name: 'd', port: {number: 8443}}}}]}},
  ]
  const r = translateObjects(ingress({'ssl-passthrough': 'true'}, {rules}))
  const routes = r.objects.filter((o) => o.kind === 'TLSRoute')
  t.deepEqual(routes.map((o) => [o.metadata.name, o.spec.hostnames, o.spec.rules[0].backendRefs[0].name]), [
    ['argocd-a-example-com', ['a.example.com'], 'a'],
    ['argocd-b-example-com', ['b.example.com'], 'b'],
  ])
  for (const o of routes) t.deepEqual(validate(o), [])
  t.deepEqual(r.diagnostics.find((d) => d.code === 'ssl-passthrough-no-root-path')!.data?.hosts, ['c.example.com'])
  t.truthy(r.diagnostics.find((d) => d.code === 'ssl-passthrough-without-host'))
})

test('ssl-passthrough false: an ordinary HTTPRoute; invalid: sslpt.Parse returns the validation error and the Ingress is dropped', (t) => {
  const off = translateObjects(ingress({'ssl-passthrough': 'false'}), service)
  t.is(fidelityFor(off, 'ssl-passthrough'), 'exact')
  t.is(off.objects.filter((o) => o.kind === 'HTTPRoute').length, 1)
  t.is(off.objects.filter((o) => o.kind === 'TLSRoute').length, 0)
  const invalid = translateObjects(ingress({'ssl-passthrough': 'yes'}), service)
  t.is(diagnosticsFor(invalid, 'ssl-passthrough')[0]?.code, 'ingress-not-served')
  t.is(invalid.objects.filter((o) => o.kind === 'HTTPRoute' || o.kind === 'TLSRoute').length, 0)
})

test('a wildcard passthrough host gets no TLSRoute: nginx matched passthrough server names exactly (tcp.go TCPProxy.Get), so it never passed it through', (t) => {
  const r = translateAll([ingress({'ssl-passthrough': 'true'}, {hosts: ['argocd.example.com', '*.example.com']}), service], {emitGateway: true})
  t.true(r.objects.some((o) => o.kind === 'Gateway' && o.spec.listeners.some((l: any) => l.hostname === 'argocd.example.com' && l.tls?.mode === 'Passthrough')), 'the bundle has the exact host\'s listener')
  const routes = r.objects.filter((o) => o.kind === 'TLSRoute')
  t.deepEqual(routes.flatMap((o) => o.spec.hostnames), ['argocd.example.com'], 'the exact host still passes through')
  t.false(r.objects.some((o) => o.kind === 'Gateway' && o.spec.listeners.some((l: any) => l.protocol === 'TLS' && l.hostname === '*.example.com')), 'no listener that would take every subdomain')
  const d = r.diagnostics.find((x) => x.code === 'ssl-passthrough-wildcard')!
  t.is(d.fidelity, 'manual')
  t.deepEqual(d.data, {key: `${P}ssl-passthrough`, hosts: ['*.example.com']})
  t.regex(d.message, /\*\.example\.com was never passed through by ingress-nginx: .*exact server name/)
  t.regex(d.hint!, /remove ssl-passthrough from this Ingress/)
})

test('a passthrough Ingress\'s use-regex turns its host regex on the HTTP side: nginx keeps its locations in the server', (t) => {
  // controller.go getBackendServers adds the locations of an ssl-passthrough Ingress like any other (only the stream
  // side treats the server apart: createServers sets server.SSLPassthrough, controller.go:666 passthrough backends),
  // and template.go enforceRegexModifier reads every location of the server: `~* "^/api"` on port 80 for the other
  // Ingress of the host too.
  const api = ingress({}, {name: 'api', service: 'api', port: 80, paths: ['/api'], created: '2024-01-02T00:00:00Z'})
  const passthrough = ingress({'ssl-passthrough': 'true', 'use-regex': 'true'}, {created: '2024-01-01T00:00:00Z'})
  const route = (objects: KubeObject[]) => objects.find((o) => o.kind === 'HTTPRoute' && o.metadata.name === 'api')
  const r = translateAll([passthrough, api, service])
  t.deepEqual(route(r.objects)?.spec.rules.flatMap((x: any) => x.matches.map((m: any) => m.path.type)), ['RegularExpression', 'RegularExpression'])
  t.true(r.diagnostics.some((d) => d.code === 'regex-mode-from-other-ingress' && d.object === 'Ingress argocd/api' && (d.data?.from as string[]).includes('argocd/argocd')))
  // Without the passthrough Ingress's use-regex, the same path is a plain prefix.
  const plain = translateAll([ingress({'ssl-passthrough': 'true'}, {created: '2024-01-01T00:00:00Z'}), api, service])
  t.deepEqual(route(plain.objects)?.spec.rules.flatMap((x: any) => x.matches.map((m: any) => m.path.type)), ['PathPrefix'])
})

// The passthrough backend is the server's, not the Ingress's: controller.go getConfiguration hands the TLS proxy the
// Service of the merged server's first location with Path `/`, which createServers builds (Prefix, no Service) and
// only a Prefix `/` path of the host's oldest Ingress replaces (getBackendServers).
const tlsRoutes = (r: ReturnType<typeof translateAll>) => r.objects.filter((o) => o.kind === 'TLSRoute')

test('an Exact / alone, or spec.defaultBackend alone, leaves nginx nothing to dial: no TLSRoute, ssl-passthrough-no-root-path', (t) => {
  const exact = translateAll([ingress({'ssl-passthrough': 'true'}, {pathType: 'Exact'}), service])
  t.deepEqual(tlsRoutes(exact), [])
  t.deepEqual(exact.diagnostics.find((d) => d.code === 'ssl-passthrough-no-root-path')?.data, {key: `${P}ssl-passthrough`, hosts: ['argocd.example.com']})
  const withDefault: KubeObject = {
    ...ingress({'ssl-passthrough': 'true'}, {rules: [{host: 'argocd.example.com'}]}),
  }
  withDefault.spec.defaultBackend = {service: {name: 'argocd-server', port: {number: 443}}}
  const viaDefault = translateAll([withDefault, service])
  t.deepEqual(tlsRoutes(viaDefault), [])
  t.deepEqual(viaDefault.diagnostics.find((d) => d.code === 'ssl-passthrough-no-root-path')?.data?.hosts, ['argocd.example.com'])
  t.regex(viaDefault.diagnostics.find((d) => d.code === 'ssl-passthrough-no-root-path')!.message, /closed every TLS connection/)
})

test('the oldest Ingress\'s Prefix / of the host is the passthrough backend, even in another namespace (ReferenceGrant), and says so', (t) => {
  const web = ingressWith({}, {name: 'web', namespace: 'web', host: 'argocd.example.com', service: 'web', port: 443, created: '2023-01-01T00:00:00Z'})
  // The passthrough Ingress's own `/` is Exact: a location of its own, never the one getConfiguration picks.
  const own = ingress({'ssl-passthrough': 'true'}, {pathType: 'Exact', created: '2024-01-01T00:00:00Z'})
  const r = translateAll([own, web, service])
  const [route] = tlsRoutes(r)
  t.deepEqual(route?.spec.rules, [{backendRefs: [{name: 'web', namespace: 'web', port: 443}]}])
  t.deepEqual(validate(route), [])
  const grant = r.objects.find((o) => o.kind === 'ReferenceGrant' && o.spec.from[0].kind === 'TLSRoute')
  t.is(grant?.metadata.namespace, 'web')
  t.deepEqual(grant?.spec, {from: [{group: 'gateway.networking.k8s.io', kind: 'TLSRoute', namespace: 'argocd'}], to: [{group: '', kind: 'Service', name: 'web'}]})
  t.deepEqual(validate(grant), [])
  t.deepEqual(r.diagnostics.find((d) => d.code === 'ssl-passthrough-root-from-other-ingress')?.data, {key: `${P}ssl-passthrough`, host: 'argocd.example.com', ingress: 'web/web', service: 'web/web:443'})
  // The same Ingress younger than the passthrough one: its Prefix `/` still takes createServers' location over.
  const younger = translateAll([own, ingressWith({}, {name: 'web', namespace: 'argocd', host: 'argocd.example.com', service: 'web', port: 443, created: '2025-01-01T00:00:00Z'}), service])
  t.deepEqual(tlsRoutes(younger)[0]?.spec.rules, [{backendRefs: [{name: 'web', port: 443}]}])
  t.false(younger.objects.some((o) => o.kind === 'ReferenceGrant'))
})

test('two ssl-passthrough Ingresses of one host: one TLSRoute, from the first in nginx order', (t) => {
  const first = ingress({'ssl-passthrough': 'true'}, {created: '2024-01-01T00:00:00Z'})
  const second = ingress({'ssl-passthrough': 'true'}, {name: 'argocd-2', service: 'other', port: 8443, paths: ['/x'], created: '2024-02-01T00:00:00Z'})
  const r = translateAll([second, first, service])
  t.deepEqual(tlsRoutes(r).map((o) => [o.metadata.name, o.spec.hostnames, o.spec.rules[0].backendRefs[0].name]), [['argocd', ['argocd.example.com'], 'argocd-server']])
  t.deepEqual(r.diagnostics.find((d) => d.code === 'ssl-passthrough-host-shared')?.data, {key: `${P}ssl-passthrough`, host: 'argocd.example.com', ingress: 'argocd/argocd', routed: true})
})

test('server-alias on a passthrough Ingress: never passed through by nginx, reported manual; another Ingress\'s aliases: ignored', (t) => {
  const r = translateAll([ingress({'ssl-passthrough': 'true', 'server-alias': 'cd.example.com'}), service])
  t.is(fidelityFor(r, 'server-alias'), 'manual')
  const [d] = diagnosticsFor(r, 'server-alias')
  t.is(d?.code, 'ssl-passthrough-alias')
  t.deepEqual(d?.data, {key: `${P}server-alias`, passthrough: `${P}ssl-passthrough`, aliases: ['cd.example.com'], hosts: ['argocd.example.com'], served: [], lost: ['Prefix / of Ingress argocd/argocd']})
  t.regex(d!.message, /no other Ingress of the host has a route to answer for it/)
  t.regex(d!.hint!, /add an Ingress without ssl-passthrough/)
  t.deepEqual(tlsRoutes(r).flatMap((o) => o.spec.hostnames), ['argocd.example.com'])
  // An older Ingress of the host named the aliases: nginx skipped this Ingress's (createServers).
  const older = ingressWith({'server-alias': 'old.example.com'}, {name: 'web', namespace: 'argocd', host: 'argocd.example.com', paths: ['/web'], created: '2023-01-01T00:00:00Z'})
  const shadowed = translateAll([ingress({'ssl-passthrough': 'true', 'server-alias': 'cd.example.com'}, {created: '2024-01-01T00:00:00Z'}), older, service])
  const passthrough = shadowed.ingresses.findIndex((i) => i.ingress === 'argocd/argocd')
  t.is(fidelityFor(shadowed, 'server-alias', passthrough), 'ignored')
  // The host model says it, as for any Ingress (hosts.ts assignAliases), and only it.
  t.deepEqual(shadowed.diagnostics.filter((x) => x.object === 'Ingress argocd/argocd' && x.annotation === `${P}server-alias`).map((x) => x.code), ['server-alias-shadowed'])
})

test('server-alias on a passthrough Ingress names the whole server: the other Ingresses\' routes of the host carry the alias', (t) => {
  // controller.go createServers takes the aliases from the passthrough Ingress too, and nginx.tmpl puts them in the
  // server_name of the server holding every Ingress's locations of the host: /web answered for cd.example.com.
  const web = ingressWith({}, {name: 'web', namespace: 'argocd', host: 'argocd.example.com', paths: ['/web'], created: '2024-02-01T00:00:00Z'})
  const r = translateAll([ingress({'ssl-passthrough': 'true', 'server-alias': 'cd.example.com'}, {created: '2024-01-01T00:00:00Z'}), web, service])
  const route = r.objects.find((o) => o.kind === 'HTTPRoute' && o.metadata.name === 'web')
  t.deepEqual(route?.spec.hostnames, ['argocd.example.com', 'cd.example.com'])
  t.deepEqual(tlsRoutes(r).flatMap((o) => o.spec.hostnames), ['argocd.example.com'])
  const [d] = diagnosticsFor(r, 'server-alias').filter((x) => x.object === 'Ingress argocd/argocd')
  t.is(d?.code, 'ssl-passthrough-alias')
  t.deepEqual(d?.data?.served, ['argocd/web'])
  t.deepEqual(d?.data?.lost, ['Prefix / of Ingress argocd/argocd'])
  t.regex(d!.message, /the routes of Ingress argocd\/web answer for it too/)
  t.deepEqual(r.diagnostics.filter((x) => x.code === 'intent-not-emitted'), [])
})

test('the second ssl-passthrough Ingress of a host does not claim a TLSRoute the first one never emitted', (t) => {
  // Equal creationTimestamps: nginx orders namespace/name descending (store.go sortIngressSlice), so b/pt-b is first;
  // its `/` names a port no Service of the input resolves: no TLSRoute for the host at all.
  const mk = (namespace: string, port: number | string) => ingressWith({'ssl-passthrough': 'true'}, {name: `pt-${namespace}`, namespace, host: 't.example.com', service: 's', port, created: '2024-01-01T00:00:00Z'})
  const a = mk('a', 443)
  const b = mk('b', 'https')
  const r = translateAll([a, b])
  t.deepEqual(tlsRoutes(r), [])
  const shared = r.diagnostics.find((d) => d.code === 'ssl-passthrough-host-shared')
  t.is(shared?.object, 'Ingress a/pt-a')
  t.is(shared?.data?.ingress, 'b/pt-b')
  t.notRegex(shared!.message, /passes through by the TLSRoute/)
  t.regex(shared!.message, /emits no TLSRoute/)
  // When the first one does emit it, the message says so.
  const routed = translateAll([mk('a', 443), mk('b', 443)]).diagnostics.find((d) => d.code === 'ssl-passthrough-host-shared')
  t.regex(routed!.message, /passes through by the TLSRoute of Ingress b\/pt-b/)
})

/** Two IngressClasses of different controllers (spec.controller) both selected (--ingress-class), on the one Gateway. */
const twoControllers = (...ingresses: KubeObject[]) => {
  const cls = (name: string, controller: string): KubeObject => ({apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: {name}, spec: {controller}})
  const internal = (o: KubeObject): KubeObject => ({...o, spec: {...o.spec, ingressClassName: 'nginx-internal'}})
  return (objects: KubeObject[]) => translateAll([cls('nginx', 'k8s.io/ingress-nginx'), cls('nginx-internal', 'k8s.io/internal-ingress-nginx'), ...ingresses.map(internal), ...objects], {ingressClasses: ['nginx', 'nginx-internal']})
}

test('two controllers on one Gateway: the passthrough root comes from the passthrough Ingress\'s own controller, never the other\'s', (t) => {
  // controller.go getConfiguration reads the server of the controller that served the Ingress: class nginx-internal's
  // controller never saw this Ingress, so its older `/` never was the passthrough backend of controller nginx.
  const internalRoot = ingressWith({}, {name: 'internal', namespace: 'argocd', host: 'argocd.example.com', service: 'internal-web', port: 443, created: '2023-01-01T00:00:00Z'})
  const run = twoControllers(internalRoot)
  const own = run([ingress({'ssl-passthrough': 'true'}, {created: '2024-01-01T00:00:00Z'}), service])
  t.deepEqual(tlsRoutes(own).map((o) => o.spec.rules[0].backendRefs[0].name), ['argocd-server'])
  t.falsy(own.diagnostics.find((d) => d.code === 'ssl-passthrough-root-from-other-ingress'))
  // Without a `/` of its own controller, nginx's TLS proxy had nothing to dial: no TLSRoute, not the other's Service.
  const none = run([ingress({'ssl-passthrough': 'true'}, {paths: ['/api'], created: '2024-01-01T00:00:00Z'}), service])
  t.deepEqual(tlsRoutes(none), [])
  t.deepEqual(none.diagnostics.find((d) => d.code === 'ssl-passthrough-no-root-path')?.data?.hosts, ['argocd.example.com'])
  t.falsy(none.diagnostics.find((d) => d.code === 'ssl-passthrough-root-from-other-ingress'))
})

test('two controllers on one Gateway: the other controller\'s HTTPS on a passthrough host is reported as passed through', (t) => {
  const internalWeb = ingressWith({}, {name: 'internal', namespace: 'argocd', host: 'argocd.example.com', service: 'internal-web', paths: ['/web'], tls: true, created: '2023-01-01T00:00:00Z'})
  const r = twoControllers(internalWeb)([ingress({'ssl-passthrough': 'true'}, {created: '2024-01-01T00:00:00Z'}), service])
  t.deepEqual(tlsRoutes(r).map((o) => o.spec.hostnames), [['argocd.example.com']])
  const d = r.diagnostics.find((x) => x.code === 'cross-controller-conflict' && x.data?.case === 'passthrough')
  t.is(d?.object, 'Ingress argocd/internal')
  t.regex(d!.message, /argocd\.example\.com/)
  t.regex(d!.message, /Prefix \/web -> Service argocd\/internal-web:80/)
  t.regex(d!.message, /argocd\/argocd-server:443/)
})
