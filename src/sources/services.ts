/**
 * The Services Ingresses point at: which ones the input lacks (so `diff -f` / `apply -f` can read them from the
 * cluster they write to), and a warning for every backend whose Service does not exist where the Services are
 * known (the cluster).
 *
 * A missing Service is not a translation problem, but it is an outage waiting: ingress-nginx kept the path with an
 * upstream without endpoints and answered 503 (internal/ingress/controller/controller.go createUpstreams logs
 * "Error obtaining Service" and goes on); Envoy Gateway marks the backendRef unresolved and answers 500 for the
 * rule (internal/gatewayapi/route.go processHTTPRouteRules, "no valid destination settings"). With a named port the
 * path is not converted at all (translate/hosts.ts says so); with a numeric port it converts, silently broken.
 */
import {diagnostic} from '../model/catalogue/diagnostic.js'
import type {Diagnostic, InputObject, KubeObject} from '../model/types.js'
import {about} from '../model/diagnostics.js'

export interface ServiceRef {
  namespace: string
  name: string
  port: string
}

/** The Services an Ingress's rules and default backend name. */
export function ingressServiceRefs(ingress: KubeObject): ServiceRef[] {
  const ns = ingress.metadata.namespace ?? 'default'
  const out: ServiceRef[] = []
  const add = (backend: any) => {
    const svc = backend?.service
    if (!svc || typeof svc.name !== 'string') return
    const port = svc.port?.number !== undefined ? String(svc.port.number) : svc.port?.name !== undefined ? String(svc.port.name) : ''
    out.push({namespace: ns, name: svc.name, port})
  }
  add(ingress.spec?.defaultBackend)
  for (const rule of Array.isArray(ingress.spec?.rules) ? ingress.spec.rules : []) {
    for (const p of Array.isArray(rule?.http?.paths) ? rule.http.paths : []) add(p?.backend)
  }
  return out
}

/** `namespace/name` of every Service the input holds. */
export function serviceKeys(objects: InputObject[]): Set<string> {
  return new Set(objects.filter((o) => o.object.kind === 'Service').map((o) => `${o.object.metadata.namespace ?? 'default'}/${o.object.metadata.name}`))
}

/** `namespace/name` of the Services the Ingresses name that the input does not hold, sorted. */
export function missingServices(objects: InputObject[]): string[] {
  const have = serviceKeys(objects)
  const missing = new Set<string>()
  for (const o of objects) {
    if (o.object.kind !== 'Ingress') continue
    for (const r of ingressServiceRefs(o.object)) if (!have.has(`${r.namespace}/${r.name}`)) missing.add(`${r.namespace}/${r.name}`)
  }
  return [...missing].sort()
}

/**
 * One warning per converted Ingress whose backend Service does not exist, where `known` lists every Service that
 * exists in the Ingresses' namespaces (the cluster was read). `converted` holds the `namespace/name` of the Ingresses
 * the run converts (others are not this run's concern).
 */
export function missingServiceDiagnostics(objects: InputObject[], known: Set<string>, converted: Set<string>): Diagnostic[] {
  const out: Diagnostic[] = []
  for (const o of objects) {
    const ing = o.object
    if (ing.kind !== 'Ingress' || !converted.has(`${ing.metadata.namespace}/${ing.metadata.name}`)) continue
    const absent = new Map<string, Set<string>>()
    for (const r of ingressServiceRefs(ing)) {
      // A named port on a missing Service is reported by the translation already (unresolved-port-name: not converted).
      if (known.has(`${r.namespace}/${r.name}`) || !/^\d+$/.test(r.port)) continue
      absent.set(r.name, (absent.get(r.name) ?? new Set()).add(r.port))
    }
    for (const [name, ports] of absent) {
      out.push(
        diagnostic('service-not-found', {namespace: ing.metadata.namespace!, service: name, ports: [...ports]}, {
          ...about('Ingress', {namespace: ing.metadata.namespace, name: ing.metadata.name}),
          hint: 'create the Service, or fix the backend name in the Ingress, before cutting traffic over',
          source: o.source,
        }),
      )
    }
  }
  return out
}
