/**
 * ingress-nginx's canary choice for one request (rootfs/etc/nginx/lua/balancer.lua route_to_alternative_balancer):
 * the canary hangs off the primary upstream (Service:port), so every location proxying to it splits the same way.
 * Order: canary-by-header (value equal -> canary; else pattern found -> canary; else `always` -> canary, `never` ->
 * primary), then canary-by-cookie (`always` / `never`), then canary-weight out of canary-weight-total (honoured
 * only above 100). Session affinity to either side is not modelled (probes carry no affinity cookie). Pure.
 */
import type {IngressModel, ServiceBackend} from '../model/ingress-model.js'
import type {BackendShare, Probe} from './outcome.js'

export interface CanaryRoute {
  ingress: IngressModel
  backend: ServiceBackend
}

function text(ingress: IngressModel, key: string): string | undefined {
  const a = ingress.annotations.get(key)
  return a?.valid === true && typeof a.value === 'string' && a.value !== '' ? a.value : undefined
}

function number(ingress: IngressModel, key: string): number | undefined {
  const a = ingress.annotations.get(key)
  return a?.valid === true && typeof a.value === 'number' ? a.value : undefined
}

/** `ngx.var["http_" .. name with - as _]`: header names compare case-insensitively, `-` and `_` alike. */
export function requestHeader(probe: Probe, name: string): string | undefined {
  const want = name.toLowerCase().replaceAll('-', '_')
  for (const [k, v] of Object.entries(probe.headers ?? {})) if (k.toLowerCase().replaceAll('-', '_') === want) return v
  return undefined
}

/** `ngx.var["cookie_" .. name]`: the first cookie of that name in the Cookie header. */
export function requestCookie(probe: Probe, name: string): string | undefined {
  const header = requestHeader(probe, 'cookie')
  if (header === undefined) return undefined
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq !== -1 && part.slice(0, eq).trim().toLowerCase() === name.toLowerCase()) return part.slice(eq + 1).trim()
  }
  return undefined
}

/** The canary's decision before the weight: true (canary), false (primary), undefined (the weight decides). */
function forcedChoice(canary: IngressModel, probe: Probe): boolean | undefined {
  const headerName = text(canary, 'canary-by-header')
  const header = headerName === undefined ? undefined : requestHeader(probe, headerName)
  if (header !== undefined) {
    const value = text(canary, 'canary-by-header-value')
    const pattern = text(canary, 'canary-by-header-pattern')
    if (value !== undefined) {
      if (header === value) return true
    } else if (pattern !== undefined) {
      // ngx.re.match: an unanchored PCRE search; a pattern JavaScript cannot compile is taken as no match.
      try {
        if (new RegExp(pattern).test(header)) return true
      } catch {
        return false
      }
    } else if (header === 'always') return true
    else if (header === 'never') return false
  }
  const cookieName = text(canary, 'canary-by-cookie')
  const cookie = cookieName === undefined ? undefined : requestCookie(probe, cookieName)
  if (cookie === 'always') return true
  if (cookie === 'never') return false
  return undefined
}

/** The Services a request to `primary` reaches, with their shares, once the canary of its upstream had its say. */
export function canaryBackends(primary: ServiceBackend, canary: CanaryRoute, probe: Probe): BackendShare[] {
  const forced = forcedChoice(canary.ingress, probe)
  const total = Math.max(100, number(canary.ingress, 'canary-weight-total') ?? 100)
  const weight = Math.min(total, Math.max(0, number(canary.ingress, 'canary-weight') ?? 0))
  const canaryWeight = forced === true ? total : forced === false ? 0 : weight
  const entry = (b: ServiceBackend, w: number): BackendShare => ({kind: 'Service', namespace: b.namespace, name: b.name, port: b.port, weight: w, share: w / total})
  return [entry(primary, total - canaryWeight), entry(canary.backend, canaryWeight)].filter((b) => b.weight > 0)
}
