/**
 * Every routing golden case against real nginx: the case's Ingresses rendered as ingress-nginx renders them
 * (test/support/real-nginx.ts), nginx on 127.0.0.1 with echo upstreams, and probe requests over every host and
 * path of the case. Real nginx's answer must equal the compiler's nginx model's answer; the emitted routes must
 * give the same answer too, except where the case reports the difference with the diagnostic named for it.
 *
 * Not checked against real nginx, because ingress-nginx v1.15.1 decides it in Lua that this harness does not run
 * (nginx.tmpl renders no `return` for it; Debian has libnginx-mod-http-lua and lua-resty-core, but not
 * lua-resty-balancer, which balancer.lua requires, nor ingress-nginx's own modules' dependencies), so the nginx
 * model alone answers for it: the HTTPS redirect (lua_ingress.lua rewrite: redirect_to_https,
 * certificate.configured_for_current_request, the one trailing slash it drops, http-redirect-code), canary routing
 * by header, cookie and weight (balancer.lua route_to_alternative_balancer), and the www redirect server
 * (ngx_srv_redirect.lua, which support/real-nginx.ts renders as a `return` of its own). Probes are plain http to
 * one port. What is rendered by the template is checked: locations, regex mode, rewrite-target, permanent and
 * temporal redirects, and app-root, whose `return 302` runs in the rewrite phase before any rewrite_by_lua (so
 * over http it answers before the HTTPS redirect would, which routing-redirects shows).
 */
import test, {type ExecutionContext} from 'ava'
import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {parseManifestText} from '../src/sources/parse-manifests.js'
import {translate} from '../src/translate/index.js'
import type {KubeObject, TranslateResult} from '../src/model/types.js'
import {samplePaths} from '../src/verify/probes.js'
import {findNginx, parseRedirect, startRealNginx, type Answer} from './support/real-nginx.js'
import {gatewayAnswer, modelAnswer} from './support/routing-answers.js'

const GOLDEN = new URL('./golden/', import.meta.url).pathname
const ROUTING = /^(routing-|controllers-|regex-|rewrite-|canary-|conflict-|server-alias-|basic-paths|shared-host|hostless-and-wildcard|default-backend|catch-all-server)/
const nginx = findNginx()

const cases = existsSync(GOLDEN) ? (await import('node:fs')).readdirSync(GOLDEN).filter((n) => ROUTING.test(n)).sort() : []

function probes(result: TranslateResult, ingresses: KubeObject[]): {hosts: string[]; paths: string[]} {
  const hosts = new Set<string>(['unknown.invalid'])
  const paths = new Set<string>(['/', '/zz-unmatched', '/ZZ'])
  for (const h of result.hosts!.values()) {
    if (h.name === '') continue
    if (h.name.startsWith('*.')) {
      hosts.add(`a.${h.name.slice(2)}`)
      hosts.add(`a.b.${h.name.slice(2)}`)
    } else {
      hosts.add(h.name)
      hosts.add(h.name.startsWith('www.') ? h.name.slice(4) : `www.${h.name}`)
    }
    for (const a of h.aliases) hosts.add(a)
  }
  for (const ing of ingresses) {
    // Every alias the Ingresses name, used or not: whether nginx answers for it is what is checked.
    for (const a of String(ing.metadata.annotations?.['nginx.ingress.kubernetes.io/server-alias'] ?? '').split(',')) if (/^[a-z0-9.-]+$/.test(a.trim())) hosts.add(a.trim())
    for (const rule of ing.spec?.rules ?? []) {
      for (const p of rule?.http?.paths ?? []) {
        for (const s of samplePaths(p?.path || '/')) {
          if (!s.startsWith('/')) continue
          const bare = s.replace(/\/+$/, '') || '/'
          for (const v of [s, bare, `${bare}/`, `${bare}/sub`, `${bare}x`, s.toUpperCase(), `/v2${bare}`]) paths.add(v.replace(/\/\/+/g, '/'))
        }
      }
    }
  }
  return {hosts: [...hosts].sort(), paths: [...paths].filter((p) => /^\/[-A-Za-z0-9/._~]*$/.test(p)).sort()}
}

const show = (a: Answer) => (a.kind === 'upstream' ? `${a.upstream} ${a.path}` : a.kind === 'redirect' ? `${a.status} -> ${a.location}` : `${a.status}`)
/** nginx's www redirect drops the path `/` entirely (ngx_srv_redirect.lua); a Location without a path means `/`. */
const normalize = (a: Answer) => (a.kind === 'redirect' && /^[a-z]+:\/\/[^/]+$/.test(a.location) ? {...a, location: `${a.location}/`} : a)

/** Differences between nginx and the emitted routes that the case must report, by the diagnostic that says so. */
function allowedDifference(result: TranslateResult, host: string, real: Answer, gateway: Answer): string | undefined {
  const has = (code: string) => result.diagnostics.some((d) => d.code === code)
  if (real.kind === 'redirect' && real.status === 301 && real.location.endsWith('/') && has('prefix-trailing-slash')) return 'prefix-trailing-slash'
  // A name two or more labels under a wildcard host (a.b.example.com, or www.app.example.com beside app.example.com)
  // that no server of nginx has: the Gateway's wildcard hostname takes it, nginx's one-label regex does not.
  const deepUnderWildcard = [...result.hosts!.values()].some((h) => h.name.startsWith('*.') && host.endsWith(h.name.slice(1)) && host.slice(0, -h.name.length + 1).includes('.'))
  if (deepUnderWildcard && !result.hosts!.has(host) && has('wildcard-host-depth')) return 'wildcard-host-depth'
  // GRPCRoutes match gRPC services and methods, not paths: the model alone is checked for their hosts.
  if (result.objects.some((o) => o.kind === 'GRPCRoute' && (o.spec.hostnames ?? []).includes(host))) return 'GRPCRoute'
  if (real.kind === 'redirect' && gateway.kind === 'redirect' && real.location.replace(/\/$/, '') === gateway.location.replace(/\/$/, '') && has('annotation-approximate')) {
    return 'trailing slash of the www redirect (from-to-www-redirect approximate)'
  }
  return undefined
}

if (!nginx) {
  test('real nginx: every routing golden case', (t) => {
    t.log('SKIPPED: nginx is not installed here (.ci/run installs Debian\'s nginx-light); the real-nginx checks did not run')
    t.pass()
  })
}

for (const name of nginx ? cases : []) {
  test.serial(`real nginx: ${name}`, async (t) => {
    const dir = join(GOLDEN, name)
    const args = existsSync(join(dir, 'args')) ? readFileSync(join(dir, 'args'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#')) : []
    // --ingress-class picks the Ingresses; with several classes on one Gateway, one nginx serving all of them is
    // what the merged routes must answer like (the cross-controller-conflict warnings say what changed).
    // --gateway-for CLASS=NS/NAME: each Gateway is checked against an nginx serving its classes only.
    const valued = new Set(['--ingress-class', '--gateway-for'])
    const valuesOf = (flag: string) => args.flatMap((a, i) => (args[i - 1] === flag ? [a] : []))
    const ingressClasses = valuesOf('--ingress-class')
    const gatewayFor = Object.fromEntries(valuesOf('--gateway-for').map((v) => {
      const [cls, gw] = v.split('=')
      const [namespace, gwName] = gw!.split('/')
      return [cls!, {namespace: namespace!, name: gwName!}]
    }))
    t.deepEqual(args.filter((a, i) => !['--no-emit-gateway', '--emit-gateway', ...valued].includes(a) && !valued.has(args[i - 1]!)), [], 'the harness reads only the routing-neutral flags')
    const parsed = parseManifestText(readFileSync(join(dir, 'input.yaml'), 'utf8'), 'input.yaml', {defaultNamespace: 'default', namespaceExplicit: false})
    const result = translate({objects: parsed.objects}, {emitGateway: args.includes('--emit-gateway'), ingressClasses, gatewayFor})
    const served = new Set(result.ingresses.filter((i) => i.status !== 'not-served').map((i) => i.ingress))
    t.deepEqual(redirectDrops(result, parsed.objects.map((o) => o.object)), {harness: [], compiler: []}, 'the Ingresses redirect.go Parse drops, by the harness and by the compiler')
    const ingresses = parsed.objects
      .map((o) => o.object)
      .filter((o) => o.kind === 'Ingress' && served.has(`${o.metadata.namespace ?? 'default'}/${o.metadata.name}`))
      .sort(storeOrder)
    const services = new Map(parsed.objects.filter((o) => o.object.kind === 'Service').map((o) => [`${o.object.metadata.namespace ?? 'default'}/${o.object.metadata.name}`, o.object]))
    const views = result.hostsByGateway && result.hostsByGateway.size > 1 ? [...result.hostsByGateway.keys()].map((key) => gatewayView(result, ingresses, gatewayFor, key)) : [{result, ingresses}]
    for (const view of views) await compareWithNginx(t, view.result, view.ingresses, services)
  })
}

/**
 * One Gateway of a run with several: the Ingresses of the classes sent to it (one ingress-nginx controller) and
 * the routes attached to it, with that Gateway's host model.
 */
function gatewayView(result: TranslateResult, ingresses: KubeObject[], gatewayFor: Record<string, {namespace: string; name: string}>, key: string) {
  const [namespace, name] = key.split('/')
  const classOf = (o: KubeObject) => o.spec?.ingressClassName ?? o.metadata.annotations?.['kubernetes.io/ingress.class']
  const own = ingresses.filter((o) => {
    const gw = gatewayFor[classOf(o)]
    return gw ? `${gw.namespace}/${gw.name}` === key : key === 'gateway/shared'
  })
  const attached = (o: KubeObject) => !o.kind.endsWith('Route') || (o.spec?.parentRefs ?? []).some((p: any) => p.name === name && (p.namespace ?? o.metadata.namespace) === namespace)
  // The harness's Envoy Gateway model serves gateway/shared: this Gateway's routes are attached to it instead.
  const onHarnessGateway = (o: KubeObject): KubeObject =>
    o.kind.endsWith('Route') ? {...o, spec: {...o.spec, parentRefs: o.spec.parentRefs.map((p: any) => ({...p, namespace: 'gateway', name: 'shared'}))}} : o
  const objects = result.objects.filter(attached).map(onHarnessGateway)
  return {result: {...result, objects, hosts: result.hostsByGateway!.get(key)!}, ingresses: own}
}

async function compareWithNginx(t: ExecutionContext, result: TranslateResult, ingresses: KubeObject[], services: Map<string, KubeObject>): Promise<void> {
  const real = await startRealNginx(nginx!, ingresses, services)
  const wrongModel: string[] = []
  const wrongOutput: string[] = []
  const {hosts, paths} = probes(result, ingresses)
  try {
    for (const host of hosts) {
      for (const path of paths) {
        const answer = normalize(await real.request(host, path))
        const model = normalize(modelAnswer(result, host, path))
        const gateway = normalize(gatewayAnswer(result, host, path))
        if (show(model) !== show(answer)) wrongModel.push(`${host}${path}: nginx ${show(answer)}, model ${show(model)}`)
        if (show(gateway) !== show(answer) && !allowedDifference(result, host, answer, gateway)) wrongOutput.push(`${host}${path}: nginx ${show(answer)}, routes ${show(gateway)}`)
      }
    }
  } finally {
    await real.stop()
  }
  t.log(`${hosts.length * paths.length} probes`)
  t.deepEqual(wrongModel, [], `the compiler's nginx model differs from real nginx\n${real.conf}`)
  t.deepEqual(wrongOutput, [], 'the emitted routes differ from real nginx without a diagnostic saying so')
}

const REDIRECT_KEYS = ['from-to-www-redirect', 'relative-redirects', 'temporal-redirect', 'temporal-redirect-code', 'permanent-redirect', 'permanent-redirect-code']

/**
 * The Ingresses whose redirect annotations make Extract drop them, as the harness reads redirect.go Parse, that the
 * compiler still serves (`harness`), and those the compiler drops for a redirect annotation that the harness does
 * not (`compiler`).
 */
function redirectDrops(result: TranslateResult, objects: KubeObject[]): {harness: string[]; compiler: string[]} {
  const status = new Map(result.ingresses.map((i) => [i.ingress, i.status]))
  const harness: string[] = []
  const compiler: string[] = []
  for (const o of objects) {
    const id = `${o.metadata.namespace ?? 'default'}/${o.metadata.name}`
    if (o.kind !== 'Ingress' || !status.has(id)) continue
    const parsed = parseRedirect(o)
    const droppedBy = 'dropped' in parsed ? parsed.dropped : undefined
    if (droppedBy !== undefined && status.get(id) !== 'not-served') harness.push(`${id} (${droppedBy})`)
    const reported = result.diagnostics.filter((d) => d.code === 'ingress-not-served' && d.object === `Ingress ${id}` && REDIRECT_KEYS.some((k) => d.annotation?.endsWith(`/${k}`)))
    for (const d of reported) if (!d.annotation!.endsWith(`/${droppedBy}`)) compiler.push(`${id} (${d.annotation})`)
  }
  return {harness, compiler}
}

/** ingress-nginx's store order (store.go sortIngressSlice): creationTimestamp, ties by namespace/name descending. */
function storeOrder(a: KubeObject, b: KubeObject): number {
  const ta = a.metadata.creationTimestamp ?? ''
  const tb = b.metadata.creationTimestamp ?? ''
  if (ta !== tb) return ta < tb ? -1 : 1
  const ka = `${a.metadata.namespace ?? 'default'}/${a.metadata.name}`
  const kb = `${b.metadata.namespace ?? 'default'}/${b.metadata.name}`
  return ka > kb ? -1 : ka < kb ? 1 : 0
}
