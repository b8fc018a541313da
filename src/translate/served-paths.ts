/**
 * The locations of the served, non-canary Ingresses by host, read before the annotation pass so that a family can
 * ask where a host + path of the input goes (Lookup.serviceForPath: auth-url pointing at a host of the input).
 */
import type {ServedPath} from '../annotations/types.js'
import {normalizeHost} from './hosts.js'
import type {IngressModel} from '../model/ingress-model.js'
import type {KubeObject} from '../model/types.js'

/** One location of a served, non-canary Ingress, for Lookup.serviceForPath (port undefined: an unresolved name). */
export interface ServedLocation {
  path: string
  exact: boolean
  found: Omit<ServedPath, 'port'> & {port?: number}
}

/**
 * Every host's locations over the served, non-canary Ingresses in nginx order (the first Ingress keeps a host +
 * pathType + path defined twice), with named ports resolved through the Services of the input when possible.
 */
export function collectServedPaths(ingresses: IngressModel[], services: Map<string, KubeObject>, out: Map<string, ServedLocation[]>): void {
  const seen = new Set<string>()
  for (const ingress of ingresses) {
    if (!ingress.served || ingress.isCanary) continue
    const auth = ingress.annotations.get('auth-url')
    const authenticated = auth?.valid === true && typeof auth.value === 'string' && auth.value.trim() !== ''
    const protocol = ingress.annotations.get('backend-protocol')
    const backendProtocol = protocol?.valid === true && typeof protocol.value === 'string' ? protocol.value.toUpperCase() : undefined
    for (const rule of Array.isArray(ingress.object.spec.rules) ? ingress.object.spec.rules : []) {
      const host = normalizeHost(rule?.host)
      for (const p of Array.isArray(rule?.http?.paths) ? rule.http.paths : []) {
        const path = typeof p?.path === 'string' && p.path !== '' ? p.path : '/'
        const svc = p?.backend?.service
        if (!path.startsWith('/') || typeof svc?.name !== 'string' || svc.name === '') continue
        const exact = p?.pathType === 'Exact'
        const key = `${host}|${exact}|${path}`
        if (seen.has(key)) continue
        seen.add(key)
        const namespace = ingress.ref.namespace
        let port: number | undefined
        if (typeof svc.port?.number === 'number' || (typeof svc.port?.number === 'string' && /^\d+$/.test(svc.port.number))) port = Number(svc.port.number)
        else if (typeof svc.port?.name === 'string') {
          const named = (services.get(`${namespace}/${svc.name}`)?.spec?.ports ?? []).find((sp: any) => sp?.name === svc.port.name)
          if (typeof named?.port === 'number') port = named.port
        }
        const list = out.get(host) ?? []
        list.push({
          path,
          exact,
          found: {namespace, name: svc.name, port, ingress: ingress.id, location: `${exact ? 'Exact' : 'Prefix'} ${path}`, authenticated, ...(backendProtocol ? {backendProtocol} : {})},
        })
        out.set(host, list)
      }
    }
  }
}

/** location.go normalizePrefixPath: the nginx prefix location of a Prefix path always ends in `/`. */
function prefixLocation(path: string): string {
  return path.endsWith('/') ? path : `${path}/`
}

/**
 * nginx's choice among a host's locations (outside regex mode). location.go updateServerLocations turns Prefix `p`
 * into `location p/` (normalizePrefixPath) plus an exact twin `location = p` unless an Exact `p` exists; nginx
 * (ngx_http_core_find_static_location) takes an exact location first, else the longest prefix location. A path one
 * slash short of a prefix location (`/foo` for a Prefix `/foo/`, whose twin is `= /foo/`) reaches no Service: nginx
 * answers it with a 301 to `/foo/` (auto_redirect of a location with proxy_pass), whatever shorter prefix matches.
 */
export function matchServedPath(locations: ServedLocation[], path: string): ServedPath | undefined {
  let best = locations.find((l) => l.exact && l.path === path) ?? locations.find((l) => !l.exact && l.path === path)
  if (!best) {
    if (locations.some((l) => !l.exact && prefixLocation(l.path) === `${path}/`)) return undefined
    for (const l of locations) {
      if (l.exact || !path.startsWith(prefixLocation(l.path))) continue
      if (!best || prefixLocation(l.path).length > prefixLocation(best.path).length) best = l
    }
  }
  if (!best || best.found.port === undefined) return undefined
  return {...best.found, port: best.found.port}
}
