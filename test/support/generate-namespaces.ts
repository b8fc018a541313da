/**
 * A generated platform: 40 team namespaces with 1 to 6 Ingresses each (about 140), covering every report status
 * and section: exact, approximate (regex, timeouts, canaries), manual (snippets, basic auth), skipped (an annotation
 * value ingress-nginx refuses, which drops the Ingress; an Ingress without rules), a cross-namespace path conflict,
 * an Ingress of another class, and tcp-services / udp-services entries. Deterministic: the same text every time.
 */
import jsYaml from 'js-yaml'

export const GENERATED_NAMESPACES = 40
const P = 'nginx.ingress.kubernetes.io'

function ingressesIn(i: number): number {
  return 1 + ((i * 7) % 6)
}

function service(ns: string, name: string, port = 8080): object {
  return {apiVersion: 'v1', kind: 'Service', metadata: {name, namespace: ns}, spec: {ports: [{name: 'http', port, targetPort: port}]}}
}

function ingress(ns: string, name: string, host: string, opts: {annotations?: Record<string, string>; path?: string; service?: string; tls?: boolean; created?: string} = {}): object {
  const annotations = opts.annotations ?? {}
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      name,
      namespace: ns,
      ...(opts.created ? {creationTimestamp: opts.created} : {}),
      ...(Object.keys(annotations).length > 0 ? {annotations} : {}),
    },
    spec: {
      ingressClassName: 'nginx',
      ...(opts.tls ? {tls: [{hosts: [host], secretName: `${name}-tls`}]} : {}),
      rules: [{host, http: {paths: [{path: opts.path ?? '/', pathType: 'Prefix', backend: {service: {name: opts.service ?? name, port: {number: 8080}}}}]}}],
    },
  }
}

/** The Ingress kinds the generator cycles through (by namespace and position, so every namespace differs). */
const KINDS: ((ns: string, name: string, host: string) => object)[] = [
  (ns, name, host) => ingress(ns, name, host, {tls: true}),
  (ns, name, host) => ingress(ns, name, host, {annotations: {[`${P}/use-regex`]: 'true', [`${P}/rewrite-target`]: '/$2'}, path: '/api(/|$)(.*)'}),
  (ns, name, host) => ingress(ns, name, host, {annotations: {[`${P}/configuration-snippet`]: 'more_set_headers "X-Team: ' + ns + '";'}}),
  (ns, name, host) => ingress(ns, name, host, {annotations: {[`${P}/proxy-body-size`]: '16m', [`${P}/proxy-read-timeout`]: '120'}}),
  (ns, name, host) => ingress(ns, name, host, {annotations: {[`${P}/enable-cors`]: 'true', [`${P}/cors-allow-origin`]: 'https://app.example.com'}}),
  (ns, name, host) => ingress(ns, name, host, {annotations: {[`${P}/whitelist-source-range`]: '10.0.0.0/8'}}),
  (ns, name, host) => ingress(ns, name, host, {annotations: {[`${P}/client-body-buffer-size`]: 'lots'}}),
  (ns, name, host) => ingress(ns, name, host, {annotations: {[`${P}/auth-type`]: 'basic', [`${P}/auth-secret`]: `${name}-users`}}),
  (ns, name, host) => ingress(ns, name, host, {annotations: {[`${P}/ssl-redirect`]: 'false', [`${P}/proxy-buffering`]: 'on'}}),
]

export function generatedPlatform(): string {
  const docs: object[] = []
  for (let i = 0; i < GENERATED_NAMESPACES; i++) {
    const ns = `team-${String(i + 1).padStart(2, '0')}`
    docs.push({apiVersion: 'v1', kind: 'Namespace', metadata: {name: ns}})
    const count = ingressesIn(i)
    for (let j = 0; j < count; j++) {
      const name = `app-${j + 1}`
      const host = `${name}.${ns}.example.com`
      docs.push(service(ns, name))
      // Namespaces with 4 or more Ingresses send a tenth of app-1's traffic to a canary.
      if (j === 3) {
        docs.push(service(ns, 'app-1-next'))
        docs.push(
          ingress(ns, 'app-1-canary', `app-1.${ns}.example.com`, {
            annotations: {[`${P}/canary`]: 'true', [`${P}/canary-weight`]: '10'},
            service: 'app-1-next',
            path: (i + 0) % KINDS.length === 1 ? '/api(/|$)(.*)' : '/',
          }),
        )
        continue
      }
      docs.push(KINDS[(i + j) % KINDS.length](ns, name, host))
    }
  }
  // Two teams claim the same host and path: ingress-nginx serves it from the older Ingress.
  docs.push(service('team-03', 'status'), service('team-04', 'status'))
  docs.push(ingress('team-03', 'status', 'status.example.com', {created: '2023-01-10T08:00:00Z'}))
  docs.push(ingress('team-04', 'status', 'status.example.com', {created: '2024-06-01T08:00:00Z'}))
  // Not an Ingress ingress-nginx accepts: neither rules nor a default backend.
  docs.push({apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: {name: 'empty', namespace: 'team-05'}, spec: {ingressClassName: 'nginx'}})
  // Another controller's Ingress: not part of this migration.
  docs.push({...(ingress('team-06', 'traefik-app', 'traefik.example.com') as any), spec: {...(ingress('team-06', 'x', 'traefik.example.com') as any).spec, ingressClassName: 'traefik'}})
  docs.push(service('databases', 'postgres', 5432), service('kube-system', 'dns', 53))
  docs.push({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'tcp-services', namespace: 'ingress-nginx'}, data: {'5432': 'databases/postgres:5432', '9000': 'not-a-reference'}})
  docs.push({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'udp-services', namespace: 'ingress-nginx'}, data: {'53': 'kube-system/dns:53'}})
  return docs.map((d) => jsYaml.dump(d, {noRefs: true, lineWidth: -1})).join('---\n')
}
