/**
 * Normalisation of input objects to the one shape the compiler reads. Pure: no I/O.
 *
 * Ingresses written against networking.k8s.io/v1beta1 or extensions/v1beta1 (removed in Kubernetes 1.22,
 * still common in old GitOps repos and Helm charts) are converted to the networking.k8s.io/v1 shape, the
 * way the API server's conversion did it:
 *   spec.backend                           -> spec.defaultBackend
 *   backend.serviceName / servicePort      -> backend.service.name / service.port.{number|name}
 *   backend.resource                       -> kept as is
 *   pathType missing                       -> stays missing (ingress-nginx treats it as ImplementationSpecific)
 */
import {diagnostic} from '../model/catalogue/diagnostic.js'
import type {Diagnostic, KubeObject} from '../model/types.js'
import {aboutObject} from '../model/diagnostics.js'

const V1 = 'networking.k8s.io/v1'
const V1BETA1_VERSIONS = new Set(['networking.k8s.io/v1beta1', 'extensions/v1beta1'])

type Json = Record<string, unknown>

function isPlainObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** v1beta1 servicePort (IntOrString) -> v1 ServiceBackendPort. A numeric string is a number (a port name needs a letter). */
function convertPort(port: unknown): {number: number} | {name: string} | undefined {
  if (port === undefined || port === null) return undefined
  if (typeof port === 'number') return {number: port}
  if (typeof port === 'string') {
    const trimmed = port.trim()
    if (/^\d+$/.test(trimmed)) return {number: Number(trimmed)}
    return {name: port}
  }
  // Anything else (a mapping, a boolean...) is malformed; keep it visible as a name so translate reports it.
  return {name: String(port)}
}

/** v1beta1 IngressBackend -> v1 IngressBackend. Already-v1 or resource-only backends are returned unchanged. */
function convertBackend(backend: unknown): unknown {
  if (!isPlainObject(backend)) return backend
  if (!('serviceName' in backend) && !('servicePort' in backend)) return backend
  const {serviceName, servicePort, ...rest} = backend
  if (rest.service !== undefined) return rest // both shapes present: the v1 one wins
  const service: Json = {}
  if (serviceName !== undefined && serviceName !== null) service.name = serviceName
  const port = convertPort(servicePort)
  if (port) service.port = port
  return {...rest, service}
}

function convertRule(rule: unknown): unknown {
  if (!isPlainObject(rule) || !isPlainObject(rule.http) || !Array.isArray(rule.http.paths)) return rule
  const paths = rule.http.paths.map((p: unknown) =>
    isPlainObject(p) && p.backend !== undefined ? {...p, backend: convertBackend(p.backend)} : p,
  )
  return {...rule, http: {...rule.http, paths}}
}

/**
 * Converts a networking.k8s.io/v1beta1 or extensions/v1beta1 Ingress to the networking.k8s.io/v1 shape.
 * Other objects (and v1 Ingresses) are returned unchanged. The input is not mutated.
 */
export function normalizeIngress(obj: KubeObject): {object: KubeObject; diagnostics: Diagnostic[]} {
  if (obj.kind !== 'Ingress' || !V1BETA1_VERSIONS.has(obj.apiVersion)) return {object: obj, diagnostics: []}

  const from = obj.apiVersion
  const out: KubeObject = {...obj, apiVersion: V1}
  if (isPlainObject(obj.spec)) {
    const spec: Json = {...obj.spec}
    if ('backend' in spec) {
      if (spec.defaultBackend === undefined) spec.defaultBackend = convertBackend(spec.backend)
      delete spec.backend
    }
    if (spec.defaultBackend !== undefined) spec.defaultBackend = convertBackend(spec.defaultBackend)
    if (Array.isArray(spec.rules)) spec.rules = spec.rules.map(convertRule)
    out.spec = spec
  }

  return {
    object: out,
    diagnostics: [
      diagnostic('ingress-v1beta1', {apiVersion: from}, aboutObject(obj)),
    ],
  }
}
