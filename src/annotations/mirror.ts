import {objectRef} from '../model/diagnostics.js'
import {EG_GROUP, GATEWAY_GROUP} from '../model/gateway-refs.js'
import {dnsName} from '../model/names.js'
import {managedMetadata} from '../model/provenance.js'
import {answersWithRedirect, PRECISE_HOSTNAME} from './headers.js'
import {serviceFqdn} from './backend-protocol.js'
import {sslPassthroughOn} from './passthrough.js'
import {SERVE_TABLE} from './serving.js'
import type {AnnotationFamily, FamilyContext} from './types.js'
import type {ParseResult} from '../model/parsers.js'
import type {EmittedObject} from '../model/emitted.js'
import type {BackendSpec, HTTPRouteSpecRulesFiltersRequestMirrorBackendRef} from '../model/generated/index.js'
import {diagnostic} from '../model/catalogue/diagnostic.js'

interface MirrorUrl {
  raw: string
  scheme: 'http' | 'https'
  host: string
  port: number
  /** Everything after host[:port], e.g. `$request_uri` or `/fixed`. */
  rest: string
}

function parseMirrorUrl(value: string): ParseResult<MirrorUrl> {
  const m = /^(https?):\/\/(\[[0-9A-Fa-f:.]+\]|[^/:$?\[\]]+|\$\w+)(?::(\d+))?(.*)$/i.exec(value.trim())
  if (!m || /\s/.test(value.trim())) return {ok: false, reason: `"${value}" is not an http(s) URL`}
  const scheme = m[1].toLowerCase() as 'http' | 'https'
  const port = m[3] ? Number(m[3]) : scheme === 'https' ? 443 : 80
  if (port < 1 || port > 65535) return {ok: false, reason: `"${value}" has an invalid port`}
  // url.Hostname() (nginx's default mirror Host) drops the brackets of an IPv6 literal.
  const host = m[2].toLowerCase().replace(/^\[(.*)\]$/, '$1')
  return {ok: true, value: {raw: value.trim(), scheme, host, port, rest: m[4]}}
}

/** IPv4 as Go's netip.ParseAddr accepts it (no leading zeros), which is what Envoy Gateway's validateIP uses. */
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/
/** The Backend CRD's pattern for `ip.address` (IPv6 branch): the API server refuses other spellings. */
const IPV6_CRD = /^(([0-9a-fA-F]{1,4}:){1,7}[0-9a-fA-F]{1,4}|::|(([0-9a-fA-F]{1,4}:){0,5})?(:[0-9a-fA-F]{1,4}){1,2})$/

/** The host as a Backend `ip.address`, when it is an IP literal the Backend CRD and Envoy Gateway both accept. */
function ipLiteral(host: string): string | undefined {
  if (IPV4.test(host)) return host
  if (!host.includes(':') || !IPV6_CRD.test(host)) return undefined
  // At most one "::", and eight groups without it: the CRD pattern alone lets through a few non-addresses.
  const halves = host.split('::')
  if (halves.length > 2) return undefined
  const groups = halves.flatMap((h) => (h === '' ? [] : h.split(':')))
  return (halves.length === 2 ? groups.length <= 7 : groups.length === 8) ? host : undefined
}

/** 127.0.0.0/8 and ::1, which Envoy Gateway refuses as Backend endpoints outside the Host infrastructure. */
function isLoopback(address: string): boolean {
  if (!address.includes(':')) return /^127\.\d+\.\d+\.\d+$/.test(address)
  const [head = '', tail = ''] = address.split('::')
  const groups = [...head.split(':'), ...tail.split(':')].filter((g) => g !== '').map((g) => Number.parseInt(g, 16))
  return groups.length > 0 && groups.at(-1) === 1 && groups.slice(0, -1).every((g) => g === 0) && (address.includes('::') || groups.length === 8)
}

/**
 * Why Envoy Gateway refuses a name as a Backend fqdn endpoint (backend.go validateHostname: a DNS-1123 subdomain of
 * at least two labels, not an IP address), or undefined.
 */
function backendHostnameProblem(host: string): string | undefined {
  if (/^[\d.]+$/.test(host) || host.includes(':')) return 'is not an IP address Envoy Gateway accepts (leading zeros, or an IPv6 spelling outside the Backend CRD pattern), and no host name either'
  if (host.length > 253 || !PRECISE_HOSTNAME.test(host)) return 'is not a host name an Envoy Gateway Backend accepts (DNS-1123: lower-case letters, digits, - and .)'
  if (!host.includes('.')) return 'is a single-label name, which Envoy Gateway refuses as a Backend endpoint ("should be a domain with at least two segments")'
  return undefined
}

function parseOnOff(value: string): ParseResult<'on' | 'off'> {
  return value === 'on' || value === 'off' ? {ok: true, value} : {ok: false, reason: `"${value}" is not on or off`}
}

/** `<svc>.<ns>.svc[.cluster.local]`: a Service nginx reached through cluster DNS. */
function inClusterService(host: string): {name: string; namespace: string} | undefined {
  const m = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.svc(\.cluster\.local)?$/.exec(host)
  return m ? {name: m[1], namespace: m[3]} : undefined
}

/**
 * mirror/main.go Parse keeps `Source: /_mirror-<uid>` for any mirror-target but a missing or blank one (a value its
 * validator refuses included), while buildMirrorLocations (template.go) writes the mirror location only with a
 * Target and a Host (mirror-host, else the hostname parser.StringToURL finds in the target before its first `$`).
 * Without them each location still has `mirror /_mirror-<uid>`: a subrequest nginx matches against the host's own
 * locations.
 */
function reportStrayMirror(ctx: FamilyContext): void {
  const raw = ctx.raw('mirror-target')
  const check = SERVE_TABLE.get('mirror-target')!.validate
  if (raw === undefined || raw.trim() === '' || !strayMirror(raw.trim(), check(raw), ctx.value<string>('mirror-host'))) return
  // A denied location or a redirect returns in the rewrite phase, before the mirror (precontent phase).
  if (ctx.ingress.denied || answersWithRedirect(ctx)) return
  ctx.diag(diagnostic('mirror-target-stray', {key: ctx.fullKey('mirror-target'), value: raw, validated: check(raw)}, {annotation: ctx.fullKey('mirror-target')}))
}

/** Target refused (Parse keeps Source, Target empty), or accepted with no Host to reach it. */
function strayMirror(target: string, valid: boolean, mirrorHost: string | undefined): boolean {
  if (!valid) return true
  if (mirrorHost !== undefined && mirrorHost !== '') return false
  // parser.StringToURL on the part before the first `$`: a scheme and a host whose hostname is not empty.
  const m = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/(?:[^/?#@]*@)?(\[[^\]]*\]|[^/?#:]*)/.exec(target.split('$')[0]!)
  return !m || m[1] === ''
}

/**
 * mirror-target, mirror-request-body, mirror-host -> HTTPRoute RequestMirror filter to the Service (in-cluster URL
 * of a Service in the input), or to an Envoy Gateway Backend: an `ip` endpoint for an IP address, an `fqdn`
 * endpoint for other hosts, for the name an ExternalName Service stands for, for a Service the input lacks, and for TLS.
 *
 * nginx `mirror /_mirror-<uid>` sends a copy of each request of the Ingress to the target URL (variables like
 * `$request_uri` expanded) with `Host: <mirror-host or the target's host>`; Envoy mirrors the request as it is
 * (same path and query) and ignores the mirror's response, as nginx does. Unlike nginx's side request, a mirror
 * Envoy Gateway cannot resolve fails the whole rule with 500: a target it would refuse is left out and reported.
 */
export const mirrorFamily: AnnotationFamily = {
  name: 'mirror',
  specs: [
    {
      key: 'mirror-target',
      summary: 'Send a copy of every request to this URL (may end in $request_uri)',
      fidelity: 'approximate',
      target: 'HTTPRoute RequestMirror to the Service, or to an Envoy Gateway Backend (IP address, external host, ExternalName, TLS)',
      note: 'the mirror receives the client\'s Host header (Envoy appends -shadow) and the request\'s own path; a target Envoy Gateway would refuse (loopback, single-label name, missing Service port) is left out, because a mirror that does not resolve turns every path of the route into a 500',
      parse: parseMirrorUrl,
    },
    {
      key: 'mirror-request-body',
      summary: 'Include the request body in the mirrored request (on/off)',
      fidelity: 'exact',
      target: 'none (Envoy always mirrors the body)',
      default: 'on',
      parse: parseOnOff,
    },
    {
      key: 'mirror-host',
      summary: 'Host header of the mirrored request',
      fidelity: 'approximate',
      target: 'none (Envoy keeps the client\'s Host header)',
      note: 'Envoy sends the mirrored request with the client\'s Host header (with -shadow appended), not this value',
      default: 'the host of mirror-target',
      parse: (v) => (v.trim() !== '' ? {ok: true, value: v.trim()} : {ok: false, reason: 'empty Host'}),
    },
  ],
  apply(ctx) {
    if (ctx.ingress.isCanary || sslPassthroughOn(ctx)) return
    reportStrayMirror(ctx)
    const target = ctx.value<MirrorUrl>('mirror-target')
    if (target === undefined) {
      for (const k of ['mirror-request-body', 'mirror-host']) {
        if (ctx.has(k)) ctx.account(k, 'ignored', 'has no effect without mirror-target')
      }
      return
    }
    if (answersWithRedirect(ctx)) {
      for (const k of ['mirror-target', 'mirror-request-body', 'mirror-host']) {
        if (ctx.has(k)) ctx.account(k, 'ignored', 'the Ingress answers every path with a redirect (permanent/temporal-redirect), which nginx returns before mirroring')
      }
      return
    }
    if (!applyMirrorTarget(ctx, target)) {
      for (const k of ['mirror-request-body', 'mirror-host']) {
        if (ctx.has(k)) ctx.account(k, 'ignored', 'mirror-target is not converted, so this has no effect')
      }
      return
    }
    if (ctx.value<string>('mirror-request-body') === 'off') {
      ctx.account('mirror-request-body', 'approximate', 'Envoy mirrors the request with its body; nginx sent the mirror without it')
    }
  },
}

/**
 * Where the mirrored copies go: a Service backendRef, or an Envoy Gateway Backend with an `ip` or `fqdn` endpoint.
 * `unsafe` when Envoy Gateway would refuse the reference: a RequestMirror whose backend does not resolve makes
 * Envoy Gateway answer 500 on every match of the rule (internal/gatewayapi/route.go processHTTPRouteRules: a filter
 * error sets a 500 direct response), where nginx's mirror was a side request that never touched the response.
 */
type MirrorDestination =
  | {kind: 'service'; service: {name: string; namespace: string}; port: number}
  | {kind: 'backend'; endpoint: {ip: {address: string; port: number}} | {fqdn: {hostname: string; port: number}}; sni?: string; what: string}
  | {kind: 'unsafe'; why: string; hint: string}

/**
 * The target as Envoy Gateway accepts it (backend.go validateBackend: validateIP, validateHostname; validate.go
 * validateBackendRefService), or why it cannot be mirrored to without risking the main traffic.
 */
function mirrorDestination(ctx: FamilyContext, target: MirrorUrl): MirrorDestination {
  if (isLoopback(target.host)) return loopback(target.host)
  const address = ipLiteral(target.host)
  if (address !== undefined) return ipDestination(address, target.port)
  const service = inClusterService(target.host)
  if (service) return serviceDestination(ctx, service, target)
  const invalid = backendHostnameProblem(target.host)
  if (invalid) {
    return {kind: 'unsafe', why: `"${target.host}" ${invalid}`, hint: 'mirror to a fully qualified name (<service>.<namespace>.svc.cluster.local for a Service) and convert again'}
  }
  return {kind: 'backend', endpoint: {fqdn: {hostname: target.host, port: target.port}}, sni: target.host, what: `host ${target.host}`}
}

function loopback(address: string): MirrorDestination {
  return {
    kind: 'unsafe',
    why: `${address} is a loopback address: nginx mirrored to its own pod, and Envoy Gateway refuses loopback Backend endpoints ("only supported when using the Host infrastructure", backend.go validateIP)`,
    hint: 'mirror to the address or name of the service that should receive the copies',
  }
}

function ipDestination(address: string, port: number): MirrorDestination {
  return isLoopback(address) ? loopback(address) : {kind: 'backend', endpoint: {ip: {address, port}}, what: `IP address ${address}`}
}

function serviceDestination(ctx: FamilyContext, service: {name: string; namespace: string}, target: MirrorUrl): MirrorDestination {
  const ref = `${service.namespace}/${service.name}`
  const object = ctx.lookup.service(service.namespace, service.name)
  const viaDns = (why: string): MirrorDestination => ({
    kind: 'backend',
    endpoint: {fqdn: {hostname: serviceFqdn(service), port: target.port}},
    sni: target.scheme === 'https' ? target.host : undefined,
    what: `Service ${ref} (${why})`,
  })
  if (!object) {
    // A Service backendRef to a Service that is missing at apply time fails the whole rule; its cluster DNS name
    // fails only the copies, as in nginx, which resolved the same name.
    return viaDns('not in the input, so it is reached through its cluster DNS name as nginx reached it: if it does not exist, only the copies are lost')
  }
  if (object.spec?.type === 'ExternalName') {
    const external = String(object.spec?.externalName ?? '').trim().toLowerCase().replace(/\.$/, '')
    const address = ipLiteral(external)
    if (address !== undefined) return ipDestination(address, target.port)
    const invalid = backendHostnameProblem(external)
    if (invalid) {
      return {kind: 'unsafe', why: `Service ${ref} is an ExternalName Service for "${external}", which ${invalid}`, hint: 'point the mirror at a fully qualified name and convert again'}
    }
    // Envoy Gateway refuses ExternalName Services as backends (validate.go validateBackendRefService): the name
    // they stand for becomes the Backend's endpoint, which is what nginx resolved.
    return {kind: 'backend', endpoint: {fqdn: {hostname: external, port: target.port}}, sni: target.scheme === 'https' ? external : undefined, what: `${external} (the name ExternalName Service ${ref} stands for)`}
  }
  const ports: any[] = Array.isArray(object.spec?.ports) ? object.spec.ports : []
  if (!ports.some((p) => p?.port === target.port && (p?.protocol ?? 'TCP') === 'TCP')) {
    return {
      kind: 'unsafe',
      why: `Service ${ref} has no TCP port ${target.port}: nginx's mirrored requests never reached it, and a RequestMirror to that port would make every path of the route answer 500`,
      hint: `correct the port in mirror-target (Service ports: ${ports.map((p) => p?.port).filter((p) => p !== undefined).join(', ') || 'none'}) and convert again`,
    }
  }
  if (target.scheme === 'https') return viaDns('over TLS without verification, which only a Backend can express')
  return {kind: 'service', service, port: target.port}
}

/** Adds the RequestMirror filter (and the objects it needs); false when the target cannot be mirrored to safely. */
function applyMirrorTarget(ctx: FamilyContext, target: MirrorUrl): boolean {
  const key = ctx.fullKey('mirror-target')
  if (target.host.startsWith('$')) {
    ctx.account('mirror-target', 'manual', `"${target.raw}" takes its host from an nginx variable; a Gateway API mirror has a fixed destination, so nothing is mirrored`, {
      hint: 'use a fixed host name in mirror-target and convert again',
    })
    return false
  }
  const destination = mirrorDestination(ctx, target)
  if (destination.kind === 'unsafe') {
    ctx.account('mirror-target', 'manual', `${destination.why}; the mirror is left out so that the main traffic is not put at risk (nginx's mirror never affected the response)`, {
      hint: destination.hint,
      code: 'mirror-left-out',
    })
    return false
  }
  const ingress = ctx.ingress
  const sources = [objectRef('Ingress', ingress.ref)]
  let backendRef: HTTPRouteSpecRulesFiltersRequestMirrorBackendRef
  if (destination.kind === 'service') {
    const {service} = destination
    backendRef = {group: '', kind: 'Service', name: service.name, port: destination.port}
    if (service.namespace !== ingress.ref.namespace) {
      backendRef.namespace = service.namespace
      ctx.patch.objects.push({from: [key], object: referenceGrant(ctx, service, sources, key)})
    }
  } else {
    const name = dnsName(ingress.ref.name, 'mirror')
    const spec: BackendSpec = {endpoints: [destination.endpoint]}
    // nginx's proxy_pass https:// does not verify the certificate; a server name goes out as SNI so that
    // name-based TLS endpoints answer (an IP address cannot be an SNI name).
    if (target.scheme === 'https') spec.tls = destination.sni ? {insecureSkipVerify: true, sni: destination.sni} : {insecureSkipVerify: true}
    ctx.patch.objects.push({
      from: [key],
      object: {apiVersion: `${EG_GROUP}/v1alpha1`, kind: 'Backend', metadata: managedMetadata(name, ingress.ref.namespace, sources, [key]), spec},
    })
    backendRef = {group: EG_GROUP, kind: 'Backend', name}
  }
  ctx.patch.filters.push({from: [key], filter: {type: 'RequestMirror', requestMirror: {backendRef}}})

  // ingress-nginx defaults the mirror's Host to the target URL's Hostname() (no port).
  const host = ctx.value<string>('mirror-host') ?? target.host
  const differences = [`the mirrored request keeps the client's Host header (Envoy appends -shadow) where nginx sent Host: ${host}`]
  if (target.rest === '$request_uri') {
    // The mirror gets the original URI: what Envoy sends anyway.
  } else if (target.rest.includes('$')) {
    differences.push(`it gets the request's own path and query where nginx built "${target.rest}"`)
  } else {
    differences.push(`it gets the request's own path and query where nginx sent ${target.rest === '' ? 'its internal mirror location path (/_mirror-...)' : `"${target.rest}"`}`)
  }
  if (destination.kind === 'backend') differences.push(`the copies go to ${destination.what} through an Envoy Gateway Backend`)
  ctx.account('mirror-target', 'approximate', `${differences.join(', and ')}`, {
    hint:
      destination.kind === 'backend'
        ? 'the Envoy Gateway Backend is served only with extensionApis.enableBackend: true in the EnvoyGateway configuration; enable it before applying this route, because a RequestMirror to a Backend Envoy Gateway does not serve makes every path of the route answer 500'
        : undefined,
  })
  if (ctx.has('mirror-host')) {
    ctx.account('mirror-host', 'approximate', `Envoy cannot set the Host header of mirrored requests; the mirror receives the client's Host (with -shadow appended), not ${ctx.value<string>('mirror-host') ?? ctx.raw('mirror-host')}`)
  }
  return true
}

/** Lets the Ingress's route mirror to a Service in another namespace. */
function referenceGrant(ctx: FamilyContext, service: {name: string; namespace: string}, sources: string[], key: string): EmittedObject<'ReferenceGrant'> {
  const protocol = ctx.ingress.settings.backendProtocol
  const grpc = protocol === 'GRPC' || protocol === 'GRPCS'
  return {
    apiVersion: `${GATEWAY_GROUP}/v1beta1`,
    kind: 'ReferenceGrant',
    metadata: managedMetadata(dnsName('mirror-from', ctx.ingress.ref.namespace, ctx.ingress.ref.name), service.namespace, sources, [key]),
    spec: {
      from: [{group: GATEWAY_GROUP, kind: grpc ? 'GRPCRoute' : 'HTTPRoute', namespace: ctx.ingress.ref.namespace}],
      to: [{group: '', kind: 'Service', name: service.name}],
    },
  }
}
