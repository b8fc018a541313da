import {objectRef} from '../translate/diagnostics.js'
import {EG_GROUP, GATEWAY_GROUP} from '../translate/emit-routes.js'
import {dnsName} from '../translate/names.js'
import {managedMetadata} from '../translate/provenance.js'
import {answersWithRedirect, PRECISE_HOSTNAME} from './headers.js'
import {sslPassthroughOn} from './passthrough.js'
import type {AnnotationFamily, FamilyContext, ParseResult} from './types.js'

interface MirrorUrl {
  raw: string
  scheme: 'http' | 'https'
  host: string
  port: number
  /** Everything after host[:port], e.g. `$request_uri` or `/fixed`. */
  rest: string
}

function parseMirrorUrl(value: string): ParseResult<MirrorUrl> {
  const m = /^(https?):\/\/([^/:$?]+|\$\w+)(?::(\d+))?(.*)$/i.exec(value.trim())
  if (!m || /\s/.test(value.trim())) return {ok: false, reason: `"${value}" is not an http(s) URL`}
  const scheme = m[1].toLowerCase() as 'http' | 'https'
  const port = m[3] ? Number(m[3]) : scheme === 'https' ? 443 : 80
  if (port < 1 || port > 65535) return {ok: false, reason: `"${value}" has an invalid port`}
  return {ok: true, value: {raw: value.trim(), scheme, host: m[2].toLowerCase(), port, rest: m[4]}}
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
 * mirror-target, mirror-request-body, mirror-host -> HTTPRoute RequestMirror filter to the Service (in-cluster
 * URL) or to an Envoy Gateway Backend (other hosts, or TLS).
 *
 * nginx `mirror /_mirror-<uid>` sends a copy of each request of the Ingress to the target URL (variables like
 * `$request_uri` expanded) with `Host: <mirror-host or the target's host>`; Envoy mirrors the request as it is
 * (same path and query) and ignores the mirror's response, as nginx does.
 */
export const mirrorFamily: AnnotationFamily = {
  name: 'mirror',
  specs: [
    {
      key: 'mirror-target',
      summary: 'Send a copy of every request to this URL (may end in $request_uri)',
      fidelity: 'approximate',
      target: 'HTTPRoute RequestMirror to the Service, or to an Envoy Gateway Backend (external host or TLS)',
      note: 'the mirror receives the client\'s Host header (Envoy appends -shadow) and the request\'s own path',
      onInvalid: 'default',
      parse: parseMirrorUrl,
    },
    {
      key: 'mirror-request-body',
      summary: 'Include the request body in the mirrored request (on/off)',
      fidelity: 'exact',
      target: 'none (Envoy always mirrors the body)',
      default: 'on',
      onInvalid: 'default',
      parse: parseOnOff,
    },
    {
      key: 'mirror-host',
      summary: 'Host header of the mirrored request',
      fidelity: 'approximate',
      target: 'none (Envoy keeps the client\'s Host header)',
      note: 'Envoy sends the mirrored request with the client\'s Host header (with -shadow appended), not this value',
      default: 'the host of mirror-target',
      onInvalid: 'default',
      parse: (v) => (v.trim() !== '' ? {ok: true, value: v.trim()} : {ok: false, reason: 'empty Host'}),
    },
  ],
  apply(ctx) {
    if (ctx.ingress.isCanary || sslPassthroughOn(ctx)) return
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

/** Adds the RequestMirror filter (and the objects it needs); false when the target cannot be mirrored to. */
function applyMirrorTarget(ctx: FamilyContext, target: MirrorUrl): boolean {
  const key = ctx.fullKey('mirror-target')
  if (target.host.startsWith('$')) {
    ctx.account('mirror-target', 'manual', `"${target.raw}" takes its host from an nginx variable; a Gateway API mirror has a fixed destination, so nothing is mirrored`, {
      hint: 'use a fixed host name in mirror-target and convert again',
    })
    return false
  }
  if (!PRECISE_HOSTNAME.test(target.host)) {
    ctx.account('mirror-target', 'manual', `"${target.host}" is not a host name an Envoy Gateway Backend accepts; nothing is mirrored`, {
      hint: 'mirror to a DNS name (or a Service) and convert again',
    })
    return false
  }
  const ingress = ctx.ingress
  const sources = [objectRef('Ingress', ingress.ref)]
  const service = inClusterService(target.host)
  let backendRef: Record<string, unknown>
  let viaBackend = false
  if (service && target.scheme === 'http') {
    backendRef = {group: '', kind: 'Service', name: service.name, port: target.port}
    if (service.namespace !== ingress.ref.namespace) {
      backendRef.namespace = service.namespace
      ingress.intents.objects.push({from: [key], object: referenceGrant(ctx, service, sources, key)})
    }
  } else {
    viaBackend = true
    const name = dnsName(ingress.ref.name, 'mirror')
    const spec: Record<string, unknown> = {endpoints: [{fqdn: {hostname: target.host, port: target.port}}]}
    // nginx's proxy_pass https:// does not verify the certificate; the server name goes out as SNI so that
    // name-based TLS endpoints answer.
    if (target.scheme === 'https') spec.tls = {insecureSkipVerify: true, sni: target.host}
    ingress.intents.objects.push({
      from: [key],
      object: {apiVersion: `${EG_GROUP}/v1alpha1`, kind: 'Backend', metadata: managedMetadata(name, ingress.ref.namespace, sources, [key]), spec},
    })
    backendRef = {group: EG_GROUP, kind: 'Backend', name}
  }
  ingress.intents.filters.push({from: [key], filter: {type: 'RequestMirror', requestMirror: {backendRef}}})

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
  ctx.account('mirror-target', 'approximate', `${differences.join(', and ')}`, {
    hint: viaBackend ? 'the Envoy Gateway Backend is served only with extensionApis.enableBackend: true in the EnvoyGateway configuration' : undefined,
  })
  if (ctx.has('mirror-host')) {
    ctx.account('mirror-host', 'approximate', `Envoy cannot set the Host header of mirrored requests; the mirror receives the client's Host (with -shadow appended), not ${ctx.value<string>('mirror-host') ?? ctx.raw('mirror-host')}`)
  }
  return true
}

/** Lets the Ingress's route mirror to a Service in another namespace. */
function referenceGrant(ctx: FamilyContext, service: {name: string; namespace: string}, sources: string[], key: string) {
  const protocol = ctx.value<string>('backend-protocol')
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
