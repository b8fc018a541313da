/**
 * Envoy Gateway v1.9's checks on a route's backend reference, written down from its source so that tests can ask
 * "would Envoy Gateway accept this?" without a cluster. A reference that fails them makes Envoy Gateway answer 500
 * for the whole rule (internal/gatewayapi/route.go processHTTPRouteRules), also when it is only a RequestMirror.
 *
 * - validate.go validateBackendRef -> validateBackendRefService (Service exists, not ExternalName, TCP port found)
 *   or validateBackendRefBackend (Backend exists, then backend.go validateBackend);
 * - backend.go validateBackend: validateBackendTLSSettings (a CA unless insecureSkipVerify; client certificate in the
 *   Backend's namespace), validateHostname for fqdn endpoints, validateIP for ip endpoints;
 * - validateBackendNamespace: a reference to another namespace needs a ReferenceGrant there.
 * The Backend CRD's own patterns are checked by the conformance validator, not here.
 */
import type {KubeObject} from '../../src/model/types.js'

/** Go's netip.ParseAddr for the forms Kubernetes objects carry (no zones): IPv4 without leading zeros, IPv6. */
export function goParseAddr(text: string): {v4: boolean; bytes: number[]} | undefined {
  if (!text.includes(':')) return parseV4(text)
  const parts = text.split('::')
  if (parts.length > 2) return undefined
  const groupsOf = (s: string): number[] | undefined => {
    if (s === '') return []
    const out: number[] = []
    const fields = s.split(':')
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i]!
      if (i === fields.length - 1 && f.includes('.')) {
        const v4 = parseV4(f)
        if (!v4) return undefined
        out.push((v4.bytes[0]! << 8) | v4.bytes[1]!, (v4.bytes[2]! << 8) | v4.bytes[3]!)
        continue
      }
      if (!/^[0-9a-fA-F]{1,4}$/.test(f)) return undefined
      out.push(Number.parseInt(f, 16))
    }
    return out
  }
  const head = groupsOf(parts[0]!)
  const tail = parts.length === 2 ? groupsOf(parts[1]!) : []
  if (!head || !tail) return undefined
  let groups: number[]
  if (parts.length === 2) {
    if (head.length + tail.length > 7) return undefined
    groups = [...head, ...new Array(8 - head.length - tail.length).fill(0), ...tail]
  } else {
    if (head.length !== 8) return undefined
    groups = head
  }
  return {v4: false, bytes: groups.flatMap((g) => [g >> 8, g & 0xff])}
}

function parseV4(text: string): {v4: boolean; bytes: number[]} | undefined {
  const fields = text.split('.')
  if (fields.length !== 4) return undefined
  const bytes: number[] = []
  for (const f of fields) {
    // netip: "IPv4 field has octet with leading zero", and no empty fields.
    if (!/^\d{1,3}$/.test(f) || (f.length > 1 && f.startsWith('0')) || Number(f) > 255) return undefined
    bytes.push(Number(f))
  }
  return {v4: true, bytes}
}

function isLoopback(addr: {v4: boolean; bytes: number[]}): boolean {
  return addr.v4 ? addr.bytes[0] === 127 : addr.bytes.slice(0, 15).every((b) => b === 0) && addr.bytes[15] === 1
}

/** k8s.io/apimachinery validation.IsDNS1123Subdomain. */
function isDNS1123Subdomain(value: string): boolean {
  return value.length <= 253 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(value)
}

/** backend.go validateHostname (runningOnHost false: Envoy Gateway on Kubernetes). */
export function validateHostname(hostname: string): string | undefined {
  if (!isDNS1123Subdomain(hostname.replace(/\.$/, ''))) return `hostname ${hostname} is not a valid FQDN`
  if (hostname.split('.').length < 2) return `hostname ${hostname} should be a domain with at least two segments separated by dots`
  if (goParseAddr(hostname)) return `hostname ${hostname} is an IP address`
  return undefined
}

/** backend.go validateIP (runningOnHost false). */
export function validateIP(address: string): string | undefined {
  const addr = goParseAddr(address)
  if (!addr) return `IP address ${address} is invalid`
  if (isLoopback(addr)) return `IP address ${address} in the loopback range is only supported when using the Host infrastructure`
  return undefined
}

/** backend.go validateBackend, with the BackendTLSPolicies emitted beside it. */
export function validateBackend(backend: KubeObject, policies: KubeObject[]): string[] {
  const errors: string[] = []
  const spec = backend.spec ?? {}
  const tls = spec.tls
  if (tls && tls.insecureSkipVerify !== true) {
    const own = (tls.caCertificateRefs ?? []).length > 0 || tls.wellKnownCACertificates !== undefined
    const viaPolicy = policies.some(
      (p) =>
        (p.spec?.targetRefs ?? []).some((r: any) => r.group === 'gateway.envoyproxy.io' && r.kind === 'Backend' && r.name === backend.metadata.name) &&
        ((p.spec?.validation?.caCertificateRefs ?? []).length > 0 || p.spec?.validation?.wellKnownCACertificates !== undefined),
    )
    if (!own && !viaPolicy) errors.push('must specify either CACertificateRefs or WellKnownCACertificates when InsecureSkipVerify is unset or false')
  }
  const cert = tls?.clientCertificateRef
  if (cert && (cert.namespace ?? backend.metadata.namespace) !== backend.metadata.namespace) errors.push('clientCertificateRef Secret is not located in the same namespace as Backend')
  for (const ep of spec.endpoints ?? []) {
    if (ep.hostname !== undefined) {
      const e = validateHostname(ep.hostname)
      if (e) errors.push(e)
    }
    if (ep.fqdn) {
      const e = validateHostname(ep.fqdn.hostname)
      if (e) errors.push(e)
    } else if (ep.ip) {
      const e = validateIP(ep.ip.address)
      if (e) errors.push(e)
    }
  }
  return errors
}

/**
 * Why Envoy Gateway would refuse a backendRef of a route in `routeNamespace`, given every object of the input and
 * the output (Services from the input; Backends, BackendTLSPolicies and ReferenceGrants from the output).
 */
export function backendRefProblems(ref: any, routeKind: string, routeNamespace: string, objects: KubeObject[]): string[] {
  const namespace = ref.namespace ?? routeNamespace
  const kind = ref.kind ?? 'Service'
  const group = ref.group ?? ''
  const problems: string[] = []
  if (namespace !== routeNamespace) {
    const granted = objects.some(
      (g) =>
        g.kind === 'ReferenceGrant' &&
        g.metadata.namespace === namespace &&
        (g.spec?.from ?? []).some((f: any) => f.kind === routeKind && f.namespace === routeNamespace) &&
        (g.spec?.to ?? []).some((t: any) => t.kind === kind && (t.group ?? '') === group && (t.name === undefined || t.name === ref.name)),
    )
    if (!granted) problems.push(`no ReferenceGrant in ${namespace} lets ${routeKind}s of ${routeNamespace} reference ${kind} ${ref.name}`)
  }
  if (kind === 'Service' && group === '') {
    const service = objects.find((o) => o.kind === 'Service' && (o.metadata.namespace ?? 'default') === namespace && o.metadata.name === ref.name)
    if (!service) return [...problems, `service ${namespace}/${ref.name} not found`]
    if (service.spec?.type === 'ExternalName') return [...problems, `Service ${namespace}/${ref.name} is of type ExternalName, which is not supported as a backend`]
    const found = (service.spec?.ports ?? []).some((p: any) => p.port === ref.port && (p.protocol ?? 'TCP') === 'TCP')
    if (!found) problems.push(`TCP Port ${ref.port} not found on Service ${namespace}/${ref.name}`)
    return problems
  }
  if (kind === 'Backend' && group === 'gateway.envoyproxy.io') {
    const backend = objects.find((o) => o.kind === 'Backend' && o.metadata.namespace === namespace && o.metadata.name === ref.name)
    if (!backend) return [...problems, `Backend ${namespace}/${ref.name} not found`]
    return [...problems, ...validateBackend(backend, objects.filter((o) => o.kind === 'BackendTLSPolicy' && o.metadata.namespace === namespace))]
  }
  return [...problems, `Kind ${group}/${kind} is invalid`]
}
