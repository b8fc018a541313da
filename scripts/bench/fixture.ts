/**
 * A cluster-shaped benchmark input: N Ingresses with their Services, deterministic for a given N. The mix follows
 * what production clusters on ingress-nginx carry (issue 12): most Ingresses terminate TLS; a share uses regex paths
 * with rewrite-target; some hosts are shared by several Ingresses (each adding its own paths); rules have several
 * paths; canary Ingresses (weight or header) sit beside their primary; CORS, external auth, rate limits, body size,
 * timeouts, ssl-redirect, source ranges, gRPC backends and affinity appear at rates that make every family of the compiler work.
 */
export interface FixtureCounts {
  ingresses: number
  services: number
  tls: number
  regex: number
  canaries: number
  cors: number
  auth: number
  rateLimited: number
  sharedHost: number
  paths: number
}

export interface Fixture {
  objects: Array<Record<string, unknown>>
  counts: FixtureCounts
}

const A = 'nginx.ingress.kubernetes.io/'

/** Every `every`-th index (offset so the features do not all land on the same Ingresses). */
const share = (i: number, every: number, offset: number) => i % every === offset % every

function service(name: string, namespace: string, appProtocol?: string): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {name, namespace, labels: {app: name}},
    spec: {selector: {app: name}, type: 'ClusterIP', ports: [{name: 'http', port: 80, targetPort: 8080, protocol: 'TCP', ...(appProtocol ? {appProtocol} : {})}]},
  }
}

function backend(name: string, port: number | string) {
  return {service: {name, port: typeof port === 'number' ? {number: port} : {name: port}}}
}

/** The annotations of primary Ingress i: a realistic mix, several features per Ingress. */
function annotations(i: number, regex: boolean, counts: FixtureCounts): Record<string, string> {
  const a: Record<string, string> = {}
  if (share(i, 3, 0)) a[`${A}ssl-redirect`] = 'false'
  if (regex) {
    a[`${A}use-regex`] = 'true'
    a[`${A}rewrite-target`] = '/$2'
    counts.regex++
  }
  if (share(i, 12, 5)) {
    a[`${A}enable-cors`] = 'true'
    a[`${A}cors-allow-origin`] = `https://app${i}.example.com, https://admin.example.com`
    a[`${A}cors-allow-credentials`] = 'true'
    counts.cors++
  }
  if (share(i, 20, 7)) {
    a[`${A}auth-url`] = 'http://oauth2-proxy.auth.svc.cluster.local/oauth2/auth'
    a[`${A}auth-signin`] = 'https://auth.example.com/oauth2/start?rd=$escaped_request_uri'
    a[`${A}auth-response-headers`] = 'X-Auth-Request-User, X-Auth-Request-Email'
    counts.auth++
  }
  if (share(i, 20, 11)) {
    a[`${A}limit-rps`] = String(5 + (i % 50))
    counts.rateLimited++
  }
  if (share(i, 5, 2)) a[`${A}proxy-body-size`] = `${1 + (i % 64)}m`
  if (share(i, 4, 1)) a[`${A}proxy-read-timeout`] = String(30 + (i % 10) * 30)
  if (share(i, 4, 1)) a[`${A}proxy-send-timeout`] = '120'
  if (share(i, 25, 13)) a[`${A}backend-protocol`] = 'GRPC'
  if (share(i, 30, 17)) {
    a[`${A}affinity`] = 'cookie'
    a[`${A}session-cookie-name`] = 'route'
  }
  if (share(i, 15, 4)) a[`${A}whitelist-source-range`] = '10.0.0.0/8, 192.168.0.0/16'
  return a
}

/** Paths of Ingress i on its host; an Ingress sharing a host adds its own prefix there. */
function paths(i: number, svc: string, regex: boolean, owner: boolean): Array<Record<string, unknown>> {
  const base = owner ? '' : `/team${i}`
  const out: Array<Record<string, unknown>> = []
  // gRPC services are routed whole: one prefix path.
  if (share(i, 25, 13)) return [{path: owner ? '/' : base, pathType: 'Prefix', backend: backend(svc, 80)}]
  if (regex) {
    out.push({path: `${base}/api(/|$)(.*)`, pathType: 'ImplementationSpecific', backend: backend(svc, 80)})
    out.push({path: `${base}/v[0-9]+/items/(.*)`, pathType: 'ImplementationSpecific', backend: backend(svc, 80)})
    return out
  }
  out.push({path: owner ? '/' : base, pathType: 'Prefix', backend: backend(svc, 'http')})
  out.push({path: `${base}/api`, pathType: 'Prefix', backend: backend(svc, 80)})
  if (i % 2 === 0) out.push({path: `${base}/healthz`, pathType: 'Exact', backend: backend(svc, 80)})
  if (i % 3 === 0) out.push({path: `${base}/static`, pathType: 'ImplementationSpecific', backend: backend(svc, 80)})
  return out
}

/**
 * N Ingresses and their Services. Ingresses come in groups of 4 in one namespace, and the third of each group
 * shares the first one's host; a canary Ingress (counted in N) follows every 25th primary.
 */
export function generateFixture(n: number): Fixture {
  const counts: FixtureCounts = {ingresses: 0, services: 0, tls: 0, regex: 0, canaries: 0, cors: 0, auth: 0, rateLimited: 0, sharedHost: 0, paths: 0}
  const objects: Array<Record<string, unknown>> = []
  const created = (i: number) => new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString()
  for (let i = 0; counts.ingresses < n; i++) {
    const namespace = `team-${Math.floor(i / 4) % 250}`
    const owner = i % 4 !== 2
    const hostOf = owner ? i : i - 2
    const host = `app${hostOf}.${namespace}.example.com`
    const svc = `svc-${i}`
    const regex = owner && share(i, 10, 3)
    objects.push(service(svc, namespace, share(i, 25, 13) ? 'kubernetes.io/h2c' : undefined))
    counts.services++
    const tls = !share(i, 5, 4)
    const rulePaths = paths(i, svc, regex, owner)
    const rules: Array<Record<string, unknown>> = [{host, http: {paths: rulePaths}}]
    if (share(i, 8, 6)) rules.push({host: `www.${host}`, http: {paths: [{path: '/', pathType: 'Prefix', backend: backend(svc, 80)}]}})
    counts.paths += rules.reduce((sum, r) => sum + (r.http as {paths: unknown[]}).paths.length, 0)
    if (tls) counts.tls++
    if (!owner) counts.sharedHost++
    objects.push({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: {name: `ing-${i}`, namespace, creationTimestamp: created(i), annotations: annotations(i, regex, counts)},
      spec: {
        ingressClassName: 'nginx',
        ...(tls ? {tls: [{hosts: rules.map((r) => r.host as string), secretName: `tls-${hostOf}`}]} : {}),
        rules,
      },
    })
    counts.ingresses++
    if (owner && !regex && share(i, 25, 8) && counts.ingresses < n) {
      const canarySvc = `${svc}-canary`
      objects.push(service(canarySvc, namespace))
      counts.services++
      const byHeader = i % 2 === 0
      objects.push({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: {
          name: `ing-${i}-canary`,
          namespace,
          creationTimestamp: created(i),
          annotations: byHeader ? {[`${A}canary`]: 'true', [`${A}canary-by-header`]: 'X-Canary'} : {[`${A}canary`]: 'true', [`${A}canary-weight`]: String(5 + (i % 20))},
        },
        spec: {ingressClassName: 'nginx', rules: [{host, http: {paths: [{path: '/', pathType: 'Prefix', backend: backend(canarySvc, 80)}]}}]},
      })
      counts.ingresses++
      counts.canaries++
      counts.paths++
    }
  }
  return {objects, counts}
}
