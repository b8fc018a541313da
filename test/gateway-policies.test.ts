/**
 * Gateway-level defaults (--nginx-defaults) and route-level policies: merge, opt-outs, and the https-redirect
 * routes, which nginx answered before its allowlist and auth ran.
 */
import test from 'ava'
import {translate} from '../src/translate/index.js'
import type {KubeObject} from '../src/model/types.js'
import {loadValidator} from './support/conformance.js'

const P = 'nginx.ingress.kubernetes.io/'
const controller = (data: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: {name: 'ingress-nginx-controller', namespace: 'ingress-nginx'},
  data,
})
const ingress = (name: string, annotations: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: {name, namespace: 'apps', annotations: Object.fromEntries(Object.entries(annotations).map(([k, v]) => [P + k, v]))},
  spec: {
    ingressClassName: 'nginx',
    tls: [{hosts: [`${name}.example.com`], secretName: `${name}-tls`}],
    rules: [{host: `${name}.example.com`, http: {paths: [{path: '/', pathType: 'Prefix', backend: {service: {name, port: {number: 80}}}}]}}],
  },
})
const run = (...objects: KubeObject[]) =>
  translate({objects: objects.map((object) => ({object, source: {file: 'in.yaml', line: 1}}))}, {emitGateway: true, nginxDefaults: true})
const policies = (r: ReturnType<typeof run>, kind: string) => r.objects.filter((o) => o.kind === kind)

test('route policies merge into the Gateway-level defaults; an opt-out replaces them and repeats the rest', async (t) => {
  const r = run(controller({'proxy-body-size': '10m', 'proxy-connect-timeout': '7'}), ingress('api', {'proxy-read-timeout': '300'}), ingress('registry', {'proxy-body-size': '0'}))
  const btp = policies(r, 'BackendTrafficPolicy')
  const api = btp.find((o) => o.metadata.name === 'api')!
  t.is(api.spec.mergeType, 'StrategicMerge')
  const registry = btp.find((o) => o.metadata.name === 'registry')!
  t.is(registry.spec.mergeType, undefined, 'a merge would bring the 10Mi limit back')
  t.is(registry.spec.requestBuffer, undefined)
  t.deepEqual(registry.spec.timeout.tcp, {connectTimeout: '7s'}, 'the other defaults are repeated')
  const v = await loadValidator()
  t.deepEqual(btp.flatMap((o) => v.validate(o)), [])
})

test('an opt-out without Gateway-level defaults emits no empty policy', (t) => {
  const r = translate({objects: [{object: ingress('registry', {'proxy-body-size': '0'}), source: {file: 'in.yaml', line: 1}}]}, {emitGateway: true})
  t.deepEqual(policies(r, 'BackendTrafficPolicy'), [])
})

test('a Gateway-level allowlist does not reach the https-redirect routes: nginx redirected before it', async (t) => {
  const r = run(controller({'whitelist-source-range': '10.0.0.0/8'}), ingress('shop'))
  const open = policies(r, 'SecurityPolicy').find((o) => o.metadata.name.includes('https-redirect'))!
  t.deepEqual(open.spec.authorization, {defaultAction: 'Allow'})
  t.deepEqual(open.spec.targetRefs, [{group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'https-redirect'}])
  t.is(open.spec.mergeType, undefined)
  const v = await loadValidator()
  t.deepEqual(v.validate(open), [])
})

test('an Ingress denylist replaces only the ConfigMap denylist: the ConfigMap allowlist and block-cidrs still apply', (t) => {
  const r = run(
    controller({'whitelist-source-range': '10.0.0.0/8', 'block-cidrs': '203.0.113.0/24'}),
    ingress('api', {'denylist-source-range': '10.6.6.0/24'}),
  )
  const sp = policies(r, 'SecurityPolicy').find((o) => o.metadata.name === 'api')!
  t.deepEqual(sp.spec.authorization, {
    defaultAction: 'Deny',
    rules: [
      {name: 'block-cidrs', action: 'Deny', principal: {clientCIDRs: ['203.0.113.0/24']}},
      {name: 'denylist-source-range', action: 'Deny', principal: {clientCIDRs: ['10.6.6.0/24']}},
      {name: 'allowlist-source-range', action: 'Allow', principal: {clientCIDRs: ['10.0.0.0/8']}},
    ],
  })
})

test('an Ingress split into more than 16 routes gets one policy per 16 routes: no route loses its limits', (t) => {
  const hosts = Array.from({length: 20}, (_, i) => `h${i}.example.com`)
  const many: KubeObject = {
    ...ingress('many', {'limit-rps': '50', 'whitelist-source-range': '10.0.0.0/8'}),
  }
  many.spec = {
    ingressClassName: 'nginx',
    rules: hosts.map((host, i) => ({host, http: {paths: [{path: `/p${i}`, pathType: 'Prefix', backend: {service: {name: 'many', port: {number: 80}}}}]}})),
  }
  const r = translate({objects: [{object: many, source: {file: 'in.yaml', line: 1}}]}, {})
  const routes = r.objects.filter((o) => o.kind === 'HTTPRoute').map((o) => o.metadata.name).sort()
  t.is(routes.length, 20)
  for (const kind of ['SecurityPolicy', 'BackendTrafficPolicy']) {
    const targeted = policies(r, kind).flatMap((o) => o.spec.targetRefs.map((ref: any) => ref.name)).sort()
    t.deepEqual(targeted, routes, `${kind} targets every route`)
    t.true(policies(r, kind).every((o) => o.spec.targetRefs.length <= 16))
  }
})

/**
 * Long read/send timeouts in the ConfigMap are every location's (proxy/main.go Parse falls back to
 * defBackend.ProxyReadTimeout), so every route serves WebSockets in nginx; Envoy Gateway turns upgrades off on any
 * route whose policy has requestBuffer (xds translator route.go buildUpgradeConfig), and StrategicMerge route policies
 * inherit the Gateway-level one. The Gateway-level policy therefore carries no requestBuffer, and an Ingress's own
 * proxy-body-size under those timeouts is reported as not enforced.
 */
test('a long-lived ConfigMap (proxy-read-timeout 3600) puts no requestBuffer on the Gateway: no route loses WebSockets', (t) => {
  const r = run(controller({'proxy-read-timeout': '3600', 'proxy-send-timeout': '3600'}), ingress('chat'), ingress('uploads', {'proxy-body-size': '20m'}), ingress('api', {'proxy-read-timeout': '60', 'proxy-send-timeout': '60', 'proxy-body-size': '4m'}))
  const btp = policies(r, 'BackendTrafficPolicy')
  const gateway = btp.find((o) => o.spec.targetRefs.some((ref: any) => ref.kind === 'Gateway'))!
  t.is(gateway.spec.requestBuffer, undefined)
  t.is(gateway.spec.timeout.http.streamIdleTimeout, '3600s')
  t.is(btp.find((o) => o.metadata.name === 'uploads'), undefined, 'its 20m cannot be enforced without turning upgrades off')
  const uploads = r.diagnostics.find((d) => d.annotation === P + 'proxy-body-size' && d.object === 'Ingress apps/uploads')!
  t.regex(uploads.message, /"20m" is not enforced: the ConfigMap's proxy-read-timeout 3600s marks long-lived connections/)
  const api = btp.find((o) => o.metadata.name === 'api')!
  t.deepEqual(api.spec.requestBuffer, {limit: '4Mi'}, 'short timeouts of its own: its limit applies')
  t.is(api.spec.mergeType, 'StrategicMerge')
  const gatewayNote = r.diagnostics.find((d) => d.code === 'proxy-body-size' && d.object === 'ConfigMap ingress-nginx/ingress-nginx-controller')!
  t.regex(gatewayNote.message, /is not enforced by the Gateway-level BackendTrafficPolicy: the ConfigMap's proxy-read-timeout 3600s/)
})

test('the replacement note names only what the Gateway-level policy had: no "except extAuth" without a global auth', (t) => {
  const note = (r: ReturnType<typeof run>, name: string) =>
    r.diagnostics.find((d) => d.code === 'policy-replaces-gateway-defaults' && d.object === `SecurityPolicy apps/${name}`)?.message
  const own = {'auth-url': 'http://authz.apps.svc.cluster.local:8080/check'}
  // A ConfigMap allowlist but no global-auth-url: the Gateway-level SecurityPolicy has no extAuth to leave out.
  const noGlobal = run(controller({'whitelist-source-range': '10.0.0.0/8'}), ingress('api', own))
  t.is(note(noGlobal, 'api'), 'this route-level SecurityPolicy replaces the Gateway-level one and repeats all its settings')
  // With global-auth-url the route's own auth does leave the global one out (nginx.tmpl shouldApplyGlobalAuth).
  const withGlobal = run(controller({'whitelist-source-range': '10.0.0.0/8', 'global-auth-url': 'http://authz.apps.svc.cluster.local:8080/global'}), ingress('api', own))
  t.regex(note(withGlobal, 'api') ?? '', /whose settings it repeats except extAuth \(left out for this Ingress/)
})
