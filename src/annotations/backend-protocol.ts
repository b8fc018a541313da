import {crossNamespaceAllowed} from './basic-auth.js'
import {objectRef} from '../model/diagnostics.js'
import {EG_GROUP, GATEWAY_GROUP} from '../model/gateway-refs.js'
import type {BackendOverrideIntent, BackendTlsPlan, IngressInput, ObjectIntent, ServiceBackend} from '../model/ingress-model.js'
import type {KubeObject, NamespacedName} from '../model/types.js'
import {dnsName} from '../model/names.js'
import {shortHash} from '../util/hash.js'
import {managedMetadata} from '../model/provenance.js'
import {ENVOY_CIPHERS, tlsVersionSpan, type TlsVersion} from '../model/envoy-tls.js'
import {denyLocations, PRECISE_HOSTNAME, splitNamespacedName} from './headers.js'
import {balancesByConsistentHash} from './load-balancing.js'
import {parseEnum, parseInt10} from '../model/parsers.js'
import {sslPassthroughOn} from './passthrough.js'
import type {AnnotationFamily, FamilyContext} from './types.js'
import type {ParseResult} from '../model/parsers.js'
import type {BackendRef, EmittedObject} from '../model/emitted.js'
import type {BackendSpecTls, BackendTLSPolicySpecTargetRefs} from '../model/generated/index.js'
import {diagnostic} from '../model/catalogue/diagnostic.js'
import {writtenValue} from './snippets.js'

const PROTOCOLS = ['HTTP', 'HTTPS', 'GRPC', 'GRPCS', 'FCGI', 'AUTO_HTTP'] as const
type BackendProtocol = (typeof PROTOCOLS)[number]

/** Every proxy-ssl-* key but the Secret: ingress-nginx reads them only when proxy-ssl-secret is set. */
const PROXY_SSL_SETTINGS = ['proxy-ssl-verify', 'proxy-ssl-verify-depth', 'proxy-ssl-name', 'proxy-ssl-server-name', 'proxy-ssl-protocols', 'proxy-ssl-ciphers']

const ENABLE_BACKEND_HINT = 'set extensionApis.enableBackend: true in the EnvoyGateway configuration (Helm: --set config.envoyGateway.extensionApis.enableBackend=true)'

function parseOnOff(value: string): ParseResult<'on' | 'off'> {
  return value === 'on' || value === 'off' ? {ok: true, value} : {ok: false, reason: `"${value}" is not on or off`}
}

function parseProxySslSecret(value: string): ParseResult<string> {
  return /^[A-Za-z0-9._\-/]+$/.test(value) ? {ok: true, value} : {ok: false, reason: `"${value}" has characters ingress-nginx does not accept in a Secret reference`}
}

function parseServerName(value: string): ParseResult<string> {
  const v = value.trim()
  return /^(\*\.)?[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?(\.[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?)*$/.test(v)
    ? {ok: true, value: v.toLowerCase()}
    : {ok: false, reason: `"${value}" is not a server name`}
}

/** proxyssl/main.go proxySSLProtocolRegex (spaces removed first) and sortProtocols: v1.15 accepts only TLSv1.2 and TLSv1.3. */
function parseProtocols(value: string): ParseResult<string[]> {
  if (!/^(TLSv1\.2|TLSv1\.3)*$/.test(value.replace(/ /g, ''))) return {ok: false, reason: `"${value}" is not a list of TLSv1.2 and TLSv1.3 (the only versions ingress-nginx v1.12+ accepts)`}
  const list = [...new Set(value.split(' ').filter((s) => s !== ''))].sort()
  return list.length > 0 ? {ok: true, value: list} : {ok: false, reason: 'empty'}
}

function parseCiphers(value: string): ParseResult<string> {
  return /^[A-Za-z0-9+:_\-!]*$/.test(value) ? {ok: true, value} : {ok: false, reason: `"${value}" is not an OpenSSL cipher list`}
}

function parseVerifyDepth(value: string): ParseResult<number> {
  const r = parseInt10(value)
  if (!r.ok) return r
  return r.value < 0 ? {ok: false, reason: `"${value}" is negative`} : {ok: true, value: r.value === 0 ? 1 : r.value}
}

/** The cluster DNS name Envoy resolves to reach a Service through an Envoy Gateway Backend. */
export function serviceFqdn(service: {name: string; namespace: string}): string {
  return `${service.name}.${service.namespace}.svc.cluster.local`
}

/**
 * A BackendTlsPlan while the family decides it: the Ingress whose proxy-ssl-* settings it follows (this one, or the
 * one a host inherits them from) instead of a ref, and what is only reported.
 */
interface TlsPlan extends Omit<BackendTlsPlan, 'inheritedFrom' | 'caConfigMap'> {
  source: IngressInput
  /** The CA must come from this ConfigMap (in the Ingress namespace), which the user creates. */
  caConfigMap?: string
  /** The client certificate nginx presented is in this Secret (ns/name) of another namespace, out of a Backend's reach. */
  clientCertificateElsewhere?: string
}

/**
 * backend-protocol, proxy-ssl-* -> GRPCRoute (GRPC/GRPCS); for HTTPS/GRPCS an Envoy Gateway Backend with
 * `tls.insecureSkipVerify` (nginx's default: no verification), or a BackendTLSPolicy that verifies when
 * proxy-ssl-verify is on (or --backend-tls=verify).
 *
 * nginx renders `proxy_pass https://` (or `grpc_pass grpcs://`) without proxy_ssl_verify, so self-signed backends
 * work; Gateway API has no "do not verify" switch, hence the Backend. One Secret (proxy-ssl-secret) can serve nginx
 * twice: `ca.crt` is the trust anchor (used only with proxy-ssl-verify on) and `tls.crt`/`tls.key`, when present,
 * the client certificate. The conversion never reads Secret data, and Envoy Gateway rejects a Backend whose
 * clientCertificateRef names a Secret without tls.crt, so each role is decided from the annotations: with
 * proxy-ssl-verify on the Secret is the CA only (the common CA-only Secret) and the report says how to add the
 * client certificate by hand; with it off the Secret can only have been given for the client certificate.
 */
export const backendProtocolFamily: AnnotationFamily = {
  name: 'backend-protocol',
  owns: ['grpc', 'backendOverride'],
  specs: [
    {
      key: 'backend-protocol',
      summary: 'Protocol to the backend: HTTP, HTTPS, GRPC, GRPCS, FCGI, AUTO_HTTP (case-insensitive)',
      fidelity: 'approximate',
      target: 'GRPCRoute (GRPC/GRPCS); Envoy Gateway Backend with TLS (HTTPS/GRPCS) or BackendTLSPolicy (verification)',
      note: 'HTTPS goes through an Envoy Gateway Backend (the Service\'s cluster DNS name) because Gateway API cannot skip certificate verification',
      default: 'HTTP',
      parse: parseEnum(PROTOCOLS, true),
    },
    {
      key: 'proxy-ssl-secret',
      summary: 'Secret (namespace/name) with ca.crt to verify the backend and tls.crt/tls.key presented to it',
      fidelity: 'approximate',
      target: 'BackendTLSPolicy caCertificateRefs (proxy-ssl-verify on) or Backend tls.clientCertificateRef (off)',
      note: 'the Secret is not read: with proxy-ssl-verify on it is referenced as the CA only, and a client certificate it may also hold has to be added to the Backend by hand',
      parse: parseProxySslSecret,
    },
    {
      key: 'proxy-ssl-verify',
      summary: 'Verify the backend certificate (on/off); read only with proxy-ssl-secret',
      fidelity: 'exact',
      target: 'BackendTLSPolicy (on) or Backend tls.insecureSkipVerify (off)',
      default: 'off',
      parse: parseOnOff,
    },
    {
      key: 'proxy-ssl-verify-depth',
      summary: 'Maximum certificate chain depth when verifying the backend',
      fidelity: 'approximate',
      target: 'none (Envoy Gateway does not limit the chain depth)',
      note: 'Envoy Gateway verifies chains of any length',
      default: '1',
      parse: parseVerifyDepth,
    },
    {
      key: 'proxy-ssl-name',
      summary: 'Name verified in the backend certificate and sent as SNI (with proxy-ssl-server-name on)',
      fidelity: 'exact',
      target: 'BackendTLSPolicy validation.hostname, Backend tls.sni',
      parse: parseServerName,
    },
    {
      key: 'proxy-ssl-server-name',
      summary: 'Send SNI to the backend (on/off)',
      fidelity: 'exact',
      target: 'Backend tls.sni / BackendTLSPolicy validation.hostname',
      default: 'off',
      parse: parseOnOff,
    },
    {
      key: 'proxy-ssl-protocols',
      summary: 'TLS versions offered to the backend',
      fidelity: 'exact',
      target: 'Backend tls.minVersion / maxVersion',
      default: 'TLSv1.2',
      parse: parseProtocols,
    },
    {
      key: 'proxy-ssl-ciphers',
      summary: 'OpenSSL cipher list for the backend connection',
      fidelity: 'exact',
      target: 'Backend tls.ciphers',
      default: 'DEFAULT',
      parse: parseCiphers,
    },
  ],
  apply(ctx) {
    if (ctx.ingress.isCanary || sslPassthroughOn(ctx)) return
    const protocol = ctx.value<BackendProtocol>('backend-protocol') ?? 'HTTP'
    const key = 'backend-protocol'
    const bp = ctx.fullKey(key)
    const tlsToBackend = protocol === 'HTTPS' || protocol === 'GRPCS'
    const secret = readProxySslSecret(ctx)
    if (secret === 'denied') return
    if (secret === undefined) accountProxySslUnused(ctx, protocol, false)
    else if (!tlsToBackend) accountProxySslUnused(ctx, protocol, true)

    switch (protocol) {
      case 'HTTP':
        // Also reached when only proxy-ssl-* keys are set: account backend-protocol only when it is written.
        if (ctx.has(key)) ctx.account(key, 'exact')
        return
      case 'AUTO_HTTP':
        ctx.account(key, 'approximate', 'nginx connected to the backend with the client\'s scheme (TLS for HTTPS requests); the route always speaks plain HTTP to the Service')
        return
      case 'FCGI':
        ctx.account(key, 'manual', 'Envoy Gateway cannot speak FastCGI to a backend; the route sends HTTP to the Service, which a FastCGI server (php-fpm) does not understand', {
          hint: 'put an HTTP server in front of the FastCGI process (nginx or caddy next to php-fpm) and point the route\'s backendRef at it',
        })
        return
      case 'GRPC':
        ctx.patch.grpc = {from: [bp], tls: false}
        ctx.account(key, 'approximate', 'the route becomes a GRPCRoute: only the paths /, /package.Service and Exact /package.Service/Method have a gRPC form, and rewrite or redirect filters are dropped')
        return
      case 'HTTPS':
      case 'GRPCS': {
        if (protocol === 'GRPCS') ctx.patch.grpc = {from: [bp], tls: true}
        const hashed = balancesByConsistentHash(ctx)
        const own = planBackendTls(ctx, ctx.ingress, secret, hashed)
        const inherited = secret === undefined ? inheritedPlans(ctx, hashed) : new Map<string, TlsPlan>()
        ctx.patch.backendOverride = backendTlsOverride(ctx, own, inherited)
        if (own.viaBackend || [...inherited.values()].some((p) => p.viaBackend)) {
          ctx.diag(diagnostic('backend-needs-enable-backend', {key: bp, value: writtenValue(ctx.ingress.annotations.get(key)!)}, {annotation: bp, hint: ENABLE_BACKEND_HINT}))
        }
        accountInheritedTls(ctx, protocol, inherited)
        accountTls(ctx, protocol, own)
        return
      }
    }
  },
}

/**
 * The Secret a valid proxy-ssl-secret names, or why nginx denied every location of the Ingress instead
 * (proxyssl/main.go Parse: not namespace/name, or another namespace without allow-cross-namespace-resources).
 */
export function proxySslSecretOf(ingress: IngressInput, allowCrossNamespace: boolean): {namespace: string; name: string} | {problem: string} | undefined {
  const a = ingress.annotations.get('proxy-ssl-secret')
  if (!a?.valid) return undefined
  const raw = a.value as string
  const ref = splitNamespacedName(raw, '')
  if (!ref || ref.namespace === '') return {problem: `"${raw}" is not namespace/name`}
  if (ref.namespace !== ingress.ref.namespace && !allowCrossNamespace) {
    return {problem: `Secret ${raw} is in another namespace, which ingress-nginx refuses unless the controller ConfigMap sets allow-cross-namespace-resources: "true" (default false since v1.12; include the ConfigMap in the input if it does)`}
  }
  return ref
}

/** proxy-ssl-secret as namespace/name (another namespace only with allow-cross-namespace-resources); 'denied' when nginx denied every location. */
function readProxySslSecret(ctx: FamilyContext): {namespace: string; name: string} | undefined | 'denied' {
  const ref = proxySslSecretOf(ctx.ingress, crossNamespaceAllowed(ctx))
  if (ref === undefined) return undefined
  if ('problem' in ref) {
    denyLocations(ctx, 'proxy-ssl-secret', ref.problem)
    return 'denied'
  }
  return ref
}

/** proxy-ssl-* without TLS to the backend, or without the Secret that makes nginx read them. */
function accountProxySslUnused(ctx: FamilyContext, protocol: BackendProtocol, withSecret: boolean): void {
  const why = withSecret
    ? `backend-protocol is ${protocol}, so nginx does not use TLS to the backend and the proxy_ssl settings have no effect`
    : 'ingress-nginx reads proxy-ssl-* only when proxy-ssl-secret is set'
  if (withSecret) ctx.account('proxy-ssl-secret', 'ignored', why)
  for (const k of PROXY_SSL_SETTINGS) {
    if (!ctx.has(k)) continue
    const verifyOn = k === 'proxy-ssl-verify' && ctx.value<string>(k) === 'on'
    ctx.account(k, 'ignored', verifyOn ? `${why}: nginx did not verify the backend certificate, and neither does the conversion` : why, {
      level: verifyOn ? 'warning' : undefined,
    })
  }
}

/**
 * How the Gateway reaches this Ingress's TLS backends, following the proxy-ssl-* of `source` (this Ingress, or the
 * Ingress whose settings nginx copied to the host's server block). `hashed`: the routes balance by consistent hash,
 * which needs Envoy to see the pods, so a verified connection goes to the Service with a BackendTLSPolicy on it
 * instead of through a Backend (one endpoint: the Service's cluster DNS name).
 */
function planBackendTls(ctx: FamilyContext, source: IngressInput, secret: {namespace: string; name: string} | undefined, hashed: boolean): TlsPlan {
  const read = <T>(key: string): T | undefined => {
    const a = source.annotations.get(key)
    return a?.valid ? (a.value as T) : undefined
  }
  // Without the Secret nginx reads no proxy-ssl-* key, so none of them shaped the objects; another Ingress's keys are
  // named through its source instead.
  const own = source === ctx.ingress
  const keys = (secret === undefined || !own ? ['backend-protocol'] : ['backend-protocol', 'proxy-ssl-secret', ...PROXY_SSL_SETTINGS]).filter((k) => ctx.has(k))
  const verifyOn = secret !== undefined && read<string>('proxy-ssl-verify') === 'on'
  const plan: TlsPlan = {
    verify: ctx.options.backendTls === 'verify' || verifyOn,
    viaBackend: false,
    clientCertificate: false,
    http1: ctx.value<BackendProtocol>('backend-protocol') === 'HTTPS',
    from: keys.map((k) => ctx.fullKey(k)).sort(),
    source,
  }
  if (secret === undefined) {
    plan.viaBackend = !plan.verify
    if (plan.verify) plan.caConfigMap = caConfigMapName(ctx)
    return plan
  }
  // nginx presents tls.crt/tls.key whenever the Secret has them, but Envoy Gateway rejects a clientCertificateRef to
  // a Secret without them, and the Secret is never read: with verify on (a CA-only Secret is the common case) it is
  // the CA only; with verify off nginx used nothing else from it, so it must have been given for the client certificate.
  plan.clientCertificate = !verifyOn
  if (secret.namespace === ctx.ingress.ref.namespace) plan.secret = secret.name
  else {
    // A BackendTLSPolicy and a Backend reference Secrets of their own namespace only.
    if (plan.verify) plan.caConfigMap = caConfigMapName(ctx)
    if (plan.clientCertificate) plan.clientCertificateElsewhere = `${secret.namespace}/${secret.name}`
  }
  // Only a Backend can carry a client certificate; with verify on it stays, so that one can be added by hand, unless
  // the routes hash onto pods, which a Backend (one endpoint) would defeat.
  plan.viaBackend = !(plan.verify && hashed)
  plan.serverName = read<string>('proxy-ssl-name')
  if (read<string>('proxy-ssl-server-name') === 'on' && plan.serverName && !plan.serverName.startsWith('*.')) plan.sni = plan.serverName
  // nginx renders proxy_ssl_protocols (default TLSv1.2, proxyssl defaultProxySSLProtocols) only with the Secret's
  // ca.crt (nginx.tmpl), which verification implies; otherwise nginx's own default (TLSv1.2 TLSv1.3) applies, as Envoy's.
  const protocols = read<string[]>('proxy-ssl-protocols') ?? (verifyOn ? ['TLSv1.2'] : undefined)
  if (protocols) {
    const versions = tlsVersionRange(protocols)
    plan.minVersion = versions.min
    plan.maxVersion = versions.max
  }
  const ciphers = read<string>('proxy-ssl-ciphers')
  if (ciphers !== undefined && plan.minVersion !== '1.3') {
    const list = ciphers.split(':').filter((c) => c !== '')
    if (list.length > 0 && list.every((c) => ENVOY_CIPHERS.has(c))) plan.ciphers = list
  }
  return plan
}

/**
 * Hosts of this Ingress (which has no proxy-ssl-secret of its own) whose server block carries another Ingress's
 * proxy-ssl-* (controller.go getBackendServers, unless proxy-ssl-location-only): nginx verified and presented client
 * certificates for every location of the host with them, so the plan for those hosts follows that Ingress.
 */
function inheritedPlans(ctx: FamilyContext, hashed: boolean): Map<string, TlsPlan> {
  const shared = ctx.lookup.sharedSettings()
  const plans = new Map<string, TlsPlan>()
  const bySource = new Map<IngressInput, TlsPlan>()
  for (const {host} of shared.backendsOf(ctx.ingress)) {
    const source = shared.serverProxySsl(ctx.ingress, host)
    if (!source || source === ctx.ingress || plans.has(host)) continue
    const secret = proxySslSecretOf(source, crossNamespaceAllowed(ctx))
    if (!secret || 'problem' in secret) continue
    const plan = bySource.get(source) ?? planBackendTls(ctx, source, secret, hashed)
    bySource.set(source, plan)
    plans.set(host, plan)
  }
  return plans
}

/**
 * Whether this Ingress's TLS backends are verified (a BackendTLSPolicy can then route to the Service itself),
 * undefined when it does not speak TLS to its backends.
 */
export function tlsBackendVerified(ctx: FamilyContext): boolean | undefined {
  const protocol = ctx.value<BackendProtocol>('backend-protocol')
  if ((protocol !== 'HTTPS' && protocol !== 'GRPCS') || ctx.ingress.isCanary) return undefined
  if (ctx.options.backendTls === 'verify') return true
  const own = proxySslSecretOf(ctx.ingress, crossNamespaceAllowed(ctx))
  if (own) return 'problem' in own ? undefined : ctx.value<string>('proxy-ssl-verify') === 'on'
  const shared = ctx.lookup.sharedSettings()
  const hosts = [...new Set(shared.backendsOf(ctx.ingress).map((b) => b.host))]
  return hosts.length > 0 && hosts.every((host) => {
    const source = shared.serverProxySsl(ctx.ingress, host)
    return source !== undefined && source !== ctx.ingress && source.annotations.get('proxy-ssl-verify')?.value === 'on'
  })
}

/** nginx's protocol list (TLSv1.2 and/or TLSv1.3) as Envoy's version range, emitted only where it differs from 1.2-1.3. */
function tlsVersionRange(protocols: string[]): {min?: TlsVersion; max?: TlsVersion} {
  const {min, max} = tlsVersionSpan(protocols)
  return min === undefined || (min === '1.2' && max === '1.3') ? {} : {min, max}
}

/**
 * The backendRef replacement as data: the plans (this Ingress's, and per host an inherited one), which
 * backendOverrideFor turns into refs and objects where the route emitter resolves each Service:port (canary backends
 * included, since nginx's proxy_pass of the location applies to them too).
 */
function backendTlsOverride(ctx: FamilyContext, own: TlsPlan, byHost: Map<string, TlsPlan>): BackendOverrideIntent {
  const facts = (plan: TlsPlan): BackendTlsPlan => {
    const {source, caConfigMap, clientCertificateElsewhere: _elsewhere, ...rest} = plan
    return {...rest, ...(source !== ctx.ingress ? {inheritedFrom: source.ref} : {}), caConfigMap: caConfigMap ?? caConfigMapName(ctx)}
  }
  return {
    from: own.from,
    viaBackend: own.viaBackend && [...byHost.values()].every((p) => p.viaBackend),
    own: facts(own),
    byHost: new Map([...byHost].map(([host, plan]) => [host, facts(plan)])),
  }
}

/**
 * The backendRef of Service:port `svc` on a location of `host` of Ingress `owner` (undefined: the Service itself),
 * and the objects it needs (a Backend, a BackendTLSPolicy), each named once per owner, Service, port and plan source.
 * `service` is the Service as read (its port names), if the input has it.
 */
export function backendOverrideFor(
  override: BackendOverrideIntent,
  owner: NamespacedName,
  svc: ServiceBackend,
  host: string,
  service: KubeObject | undefined,
  taken?: BackendNames,
): {ref?: BackendRef; objects: ObjectIntent[]} {
  const plan = override.byHost.get(host) ?? override.own
  const inherited = plan.inheritedFrom
  const base = dnsName(owner.name, svc.name, String(svc.port), inherited ? inherited.name : '')
  const namespaces = [...(plan.viaBackend ? [owner.namespace] : []), ...(plan.verify && !plan.viaBackend ? [svc.namespace] : [])]
  const identity = `${owner.namespace}/${owner.name} ${svc.namespace}/${svc.name}:${svc.port} ${inherited ? `${inherited.namespace}/${inherited.name}` : ''}`
  const name = claimName(taken, namespaces, base, identity)
  const sources = [objectRef('Ingress', owner), ...(inherited ? [objectRef('Ingress', inherited)] : [])]
  const objects: ObjectIntent[] = []
  if (plan.viaBackend) objects.push({from: plan.from, sources, object: backendObject(name, owner.namespace, svc, plan, sources)})
  if (plan.verify) objects.push({from: plan.from, sources, object: backendTlsPolicy(name, owner, svc, plan, sources, service)})
  return {...(plan.viaBackend ? {ref: {group: EG_GROUP, kind: 'Backend', name}} : {}), objects}
}

/** Who holds each `namespace/name` of a Backend or BackendTLSPolicy made so far (owner, Service:port, plan source). */
export type BackendNames = Map<string, string>

/**
 * `base` unless another owner, Service:port or plan source holds it in one of `namespaces`, where the readable name
 * cannot tell them apart: Ingress `web` with Service `api-v1` and Ingress `web-api` with Service `v1` both make
 * `web-api-v1-<port>`; a canary of another namespace with the primary's Service name (controller.go
 * mergeAlternativeBackends joins it by host and path, upstreamName keeps its namespace); two hosts of one Ingress
 * inheriting proxy-ssl-* from `a/x` and `b/x` (getBackendServers). One name for two would send one's traffic to the
 * other's Service or TLS settings. The later one gets a hash of its identity; the same identity, the same name.
 */
function claimName(taken: BackendNames | undefined, namespaces: string[], base: string, identity: string): string {
  if (!taken) return base
  const free = namespaces.every((ns) => (taken.get(`${ns}/${base}`) ?? identity) === identity)
  const name = free ? base : dnsName(base, shortHash(identity))
  for (const ns of namespaces) taken.set(`${ns}/${name}`, identity)
  return name
}

function backendObject(name: string, namespace: string, svc: ServiceBackend, plan: BackendTlsPlan, sources: string[]): EmittedObject<'Backend'> {
  const tls: BackendSpecTls = {}
  if (!plan.verify) tls.insecureSkipVerify = true
  if (plan.secret && plan.clientCertificate) tls.clientCertificateRef = {group: '', kind: 'Secret', name: plan.secret}
  if (plan.sni && !plan.verify) tls.sni = plan.sni
  if (plan.minVersion) tls.minVersion = plan.minVersion
  if (plan.maxVersion) tls.maxVersion = plan.maxVersion
  if (plan.ciphers) tls.ciphers = plan.ciphers
  if (plan.http1) tls.alpnProtocols = ['http/1.1']
  return {
    apiVersion: `${EG_GROUP}/v1alpha1`,
    kind: 'Backend',
    metadata: managedMetadata(name, namespace, sources, plan.from),
    // Verified without client certificate: the BackendTLSPolicy alone makes the connection TLS.
    spec: {endpoints: [{fqdn: {hostname: serviceFqdn(svc), port: svc.port}}], ...(Object.keys(tls).length > 0 ? {tls} : {})},
  }
}

/** Name of the ConfigMap the user must create with the backend CA when --backend-tls=verify has no Secret to use. */
function caConfigMapName(ctx: FamilyContext): string {
  return dnsName(ctx.ingress.ref.name, 'backend-ca')
}

function backendTlsPolicy(name: string, owner: NamespacedName, svc: ServiceBackend, plan: BackendTlsPlan, sources: string[], service: KubeObject | undefined): EmittedObject<'BackendTLSPolicy'> {
  let targetRef: BackendTLSPolicySpecTargetRefs
  if (plan.viaBackend) {
    targetRef = {group: EG_GROUP, kind: 'Backend', name}
  } else {
    targetRef = {group: '', kind: 'Service', name: svc.name}
    // Without sectionName the policy would cover every port of the Service.
    const port = (service?.spec?.ports ?? []).find((p: any) => p?.port === svc.port)
    if (typeof port?.name === 'string' && port.name !== '') targetRef.sectionName = port.name
  }
  const hostname = plan.serverName && PRECISE_HOSTNAME.test(plan.serverName) ? plan.serverName : serviceFqdn(svc)
  const caRef = plan.secret ? {group: '', kind: 'Secret', name: plan.secret} : {group: '', kind: 'ConfigMap', name: plan.caConfigMap}
  return {
    apiVersion: `${GATEWAY_GROUP}/v1`,
    kind: 'BackendTLSPolicy',
    metadata: managedMetadata(name, plan.viaBackend ? owner.namespace : svc.namespace, sources, plan.from),
    spec: {targetRefs: [targetRef], validation: {caCertificateRefs: [caRef], hostname}},
  }
}

/**
 * Hosts whose server block carried another Ingress's proxy-ssl-* (see inheritedPlans): what nginx did there, and what
 * the output does. Manual where the settings live in another namespace, out of reach of a Backend or BackendTLSPolicy.
 */
function accountInheritedTls(ctx: FamilyContext, protocol: 'HTTPS' | 'GRPCS', inherited: Map<string, TlsPlan>): void {
  if (inherited.size === 0) return
  const ns = ctx.ingress.ref.namespace
  const hostsOf = new Map<TlsPlan, string[]>()
  for (const [host, plan] of inherited) hostsOf.set(plan, [...(hostsOf.get(plan) ?? []), host === '' ? '*' : host])
  const lines: string[] = []
  const hints: string[] = []
  for (const [plan, hosts] of hostsOf) {
    const source = plan.source
    const secret = proxySslSecretOf(source, crossNamespaceAllowed(ctx)) as {namespace: string; name: string}
    const secretRef = `${secret.namespace}/${secret.name}`
    const verified = source.annotations.get('proxy-ssl-verify')?.value === 'on'
    let here: string
    if (verified) {
      here = plan.caConfigMap
        ? `here a BackendTLSPolicy verifies them against ConfigMap ${ns}/${plan.caConfigMap}, which does not exist yet (a BackendTLSPolicy cannot reference a Secret of namespace ${secret.namespace})`
        : `and so does the BackendTLSPolicy here`
      if (plan.caConfigMap) hints.push(`create ConfigMap ${ns}/${plan.caConfigMap} with the CA certificate (ca.crt) of Secret ${secretRef} under the key ca.crt`)
    } else {
      here = plan.clientCertificateElsewhere
        ? 'the Backend cannot present it (a Backend references Secrets of its own namespace only), so it presents none'
        : 'and so does the Backend here (spec.tls.clientCertificateRef)'
      if (plan.clientCertificateElsewhere) hints.push(`copy Secret ${secretRef} into namespace ${ns} and add spec.tls.clientCertificateRef to the Backends named ${ctx.ingress.ref.name}-<service>-<port>-${source.ref.name}`)
    }
    const nginx = verified
      ? `verified this Ingress's backends against ca.crt of Secret ${secretRef}${plan.serverName ? ` for the name ${plan.serverName}` : ''}`
      : `presented the client certificate of Secret ${secretRef} to this Ingress's backends, without verifying them (if that Secret has ca.crt; without it getBackendServers keeps copying the proxy-ssl settings of each later Ingress of the host, so the host's last Ingress decided, which the conversion cannot tell without reading the Secret)`
    lines.push(
      `on ${hosts.join(', ')} nginx applied the proxy-ssl-* settings of Ingress ${source.id} to every location (controller.go getBackendServers copies the first Ingress's proxy-ssl-secret of a host to its server block unless the ConfigMap sets proxy-ssl-location-only): it ${nginx}; ${here}`,
    )
  }
  const manual = hints.length > 0
  const hostCount = new Set(ctx.lookup.sharedSettings().backendsOf(ctx.ingress).map((b) => b.host)).size
  const grpc = protocol === 'GRPCS' ? 'the route becomes a GRPCRoute; ' : ''
  const message = `${grpc}${lines.join('; ')}`
  if (manual || inherited.size === hostCount) {
    ctx.account('backend-protocol', manual ? 'manual' : 'approximate', message, {code: 'proxy-ssl-host-wide', hint: manual ? hints.join('; ') : undefined})
  } else {
    // The same {key, value, note} as the account above: the note is prose (one clause per inheriting host), not data.
    const key = ctx.fullKey('backend-protocol')
    const written = ctx.ingress.annotations.get('backend-protocol')
    ctx.diag(diagnostic('proxy-ssl-host-wide', {key, ...(written ? {value: writtenValue(written)} : {}), note: message}, {level: 'warning', annotation: key, fidelity: 'approximate'}))
  }
}

function accountTls(ctx: FamilyContext, protocol: 'HTTPS' | 'GRPCS', plan: TlsPlan): void {
  const grpc = protocol === 'GRPCS' ? 'the route becomes a GRPCRoute (only /, /package.Service and Exact /package.Service/Method have a gRPC form); ' : ''
  const clusterIp = 'Envoy connects to the Service\'s cluster DNS name through an Envoy Gateway Backend, so kube-proxy balances connections instead of Envoy balancing requests across pods'
  const sniNote = plan.sni ? '' : plan.verify ? '' : ', and Envoy sends the request\'s Host as SNI where nginx sent none'
  const http1 = plan.http1 ? '; HTTP/1.1 as nginx (proxy_http_version 1.1): the Backend offers only http/1.1 by ALPN, where Envoy would otherwise negotiate HTTP/2 with backends that offer it' : ''
  const http1Hint = plan.http1 ? 'tls.alpnProtocols on a Backend needs Envoy Gateway v1.6+' : undefined
  // The Ingress's own Secret of another namespace (allow-cross-namespace-resources): verified like a Secret of its own.
  const own = plan.source === ctx.ingress && !plan.secret ? proxySslSecretOf(ctx.ingress, crossNamespaceAllowed(ctx)) : undefined
  const elsewhere = own !== undefined && !('problem' in own) && (plan.caConfigMap !== undefined || plan.clientCertificateElsewhere !== undefined)
  if (!plan.viaBackend && (plan.secret || elsewhere)) {
    // Consistent hashing needs the pods: a verified connection goes to the Service with a BackendTLSPolicy on it.
    ctx.account(
      'backend-protocol',
      'approximate',
      `${grpc}the backend certificate is verified by a BackendTLSPolicy on the Service, and the route reaches the Service itself so that Envoy balances across its pods, which the consistent hash (affinity or upstream-hash-by) needs; a Backend, which could carry a client certificate, would reach one address only${plan.http1 ? '; Envoy negotiates HTTP/2 by ALPN with backends that offer it, where nginx spoke HTTP/1.1 (a BackendTLSPolicy cannot pin the protocol)' : ''}`,
    )
    if (!plan.secret) return accountSecretElsewhere(ctx, plan)
    accountProxySslSecret(ctx, plan, plan.secret)
    accountProxySslSettings(ctx, plan)
    return
  }
  if (!plan.viaBackend) {
    // --backend-tls=verify without a Secret: verification nginx never did, with a CA the user has to provide.
    const cm = caConfigMapName(ctx)
    const h2 = plan.http1 ? '; Envoy negotiates HTTP/2 by ALPN with backends that offer it, where nginx spoke HTTP/1.1 (a BackendTLSPolicy cannot pin the protocol)' : ''
    ctx.account('backend-protocol', 'manual', `${grpc}--backend-tls=verify: a BackendTLSPolicy verifies the backend certificate (nginx never did: no proxy-ssl-secret) against the CA in ConfigMap ${ctx.ingress.ref.namespace}/${cm}, which does not exist yet${h2}`, {
      hint: `kubectl create configmap -n ${ctx.ingress.ref.namespace} ${cm} --from-file=ca.crt=<CA that signed the backend certificates>; the certificates must carry the name <service>.<namespace>.svc.cluster.local (or rerun with --backend-tls=insecure to skip verification as nginx did)`,
    })
    return
  }
  if (plan.verify) {
    const why = plan.clientCertificate ? 'which presents the client certificate' : 'kept so that a client certificate can be added to it, see proxy-ssl-secret'
    const tls12 = plan.secret && ctx.value('proxy-ssl-protocols') === undefined ? '; TLS 1.2 only, nginx\'s proxy-ssl-protocols default beside the CA (TLSv1.2)' : ''
    ctx.account('backend-protocol', 'approximate', `${grpc}the backend certificate is verified by a BackendTLSPolicy on an Envoy Gateway Backend (${why}); ${clusterIp}${tls12}${http1}`, {hint: http1Hint})
  } else {
    ctx.account('backend-protocol', 'approximate', `${grpc}TLS to the backend without certificate verification, as nginx did; ${clusterIp}${sniNote}${http1}`, {hint: http1Hint})
  }
  if (!plan.secret) {
    if (elsewhere) accountSecretElsewhere(ctx, plan)
    return
  }
  accountProxySslSecret(ctx, plan, plan.secret)
  accountProxySslSettings(ctx, plan)
}

/**
 * The Ingress's own proxy-ssl-secret in another namespace, which allow-cross-namespace-resources let nginx read:
 * a BackendTLSPolicy and a Backend reference Secrets of their own namespace only, so what nginx took from it has to
 * be provided beside them.
 */
function accountSecretElsewhere(ctx: FamilyContext, plan: TlsPlan): void {
  const ns = ctx.ingress.ref.namespace
  const raw = ctx.value<string>('proxy-ssl-secret')
  const [secretNs, secretName] = (raw ?? '/').split('/')
  const what: string[] = []
  const hints: string[] = []
  if (plan.caConfigMap) {
    what.push(`the BackendTLSPolicy verifies the backend against ConfigMap ${ns}/${plan.caConfigMap}, which does not exist yet (until it does, Envoy Gateway refuses the TLS settings and the paths fail closed)`)
    hints.push(`kubectl get secret -n ${secretNs} ${secretName} -o jsonpath='{.data.ca\\.crt}' | base64 -d > ca.crt && kubectl create configmap -n ${ns} ${plan.caConfigMap} --from-file=ca.crt`)
  }
  if (plan.clientCertificateElsewhere) {
    what.push(`the Backend presents no client certificate, where nginx presented the Secret's tls.crt/tls.key`)
    hints.push(`copy tls.crt and tls.key of ${raw} into a kubernetes.io/tls Secret of ${ns} and add spec.tls.clientCertificateRef to the Backend`)
  }
  ctx.account('proxy-ssl-secret', 'manual', `Secret ${raw} is in another namespace, which allow-cross-namespace-resources let nginx read; Envoy Gateway references Secrets of a BackendTLSPolicy's or Backend's own namespace only, so ${what.join(', and ')}`, {
    hint: hints.join('; '),
    code: 'proxy-ssl-secret-elsewhere',
  })
  accountProxySslSettings(ctx, plan)
}

/**
 * Which role the one Secret plays, said plainly: the conversion never reads it, so what it may hold beyond the
 * referenced role is left to the user, with the exact field to add or delete.
 */
function accountProxySslSecret(ctx: FamilyContext, plan: TlsPlan, secret: string): void {
  const ns = ctx.ingress.ref.namespace
  const backends = backendNames(ctx)
  const clientRef = `spec.tls.clientCertificateRef: {group: "", kind: Secret, name: ${secret}}`
  const inspect = `kubectl describe secret -n ${ns} ${secret} lists its keys without their values`
  if (!plan.clientCertificate && !plan.viaBackend) {
    ctx.account(
      'proxy-ssl-secret',
      'approximate',
      `nginx verified the backend against ca.crt of Secret ${secret}, and so does the BackendTLSPolicy (spec.validation.caCertificateRefs); if the Secret also holds tls.crt/tls.key, nginx presented them to the backend as a client certificate, which the conversion cannot see (it never reads Secret data) and which a BackendTLSPolicy on the Service cannot present`,
      {hint: `if ${ns}/${secret} has tls.crt and tls.key (${inspect}) and the backend requires them, route through an Envoy Gateway Backend with ${clientRef} instead, at the cost of the stickiness (a Backend reaches the Service's one address), or give the backend a headless Service for the Backend to resolve every pod`},
    )
    return
  }
  if (!plan.clientCertificate) {
    ctx.account(
      'proxy-ssl-secret',
      'approximate',
      `nginx verified the backend against ca.crt of Secret ${secret}, and so does the BackendTLSPolicy (spec.validation.caCertificateRefs); if the Secret also holds tls.crt/tls.key, nginx presented them to the backend as a client certificate, which the conversion cannot see (it never reads Secret data) and does not configure, because Envoy Gateway rejects a Backend whose clientCertificateRef names a Secret without tls.crt`,
      {hint: `if ${ns}/${secret} has tls.crt and tls.key (${inspect}), add ${clientRef} to ${backends}`},
    )
    return
  }
  if (plan.verify) {
    // --backend-tls=verify with proxy-ssl-verify off: nginx took only the client certificate from the Secret.
    ctx.account(
      'proxy-ssl-secret',
      'approximate',
      `with proxy-ssl-verify off nginx took only tls.crt/tls.key from Secret ${secret}, presented as a client certificate (the Backend's spec.tls.clientCertificateRef); --backend-tls=verify makes the BackendTLSPolicy also read ca.crt from the same Secret (spec.validation.caCertificateRefs), which nginx never used: one Secret in both roles, each reference reading only its own keys`,
      {
        hint: `if ${ns}/${secret} has no ca.crt (${inspect}), point the BackendTLSPolicy's spec.validation.caCertificateRefs at a ConfigMap holding the backend CA under ca.crt, or rerun with --backend-tls=insecure; if it has no tls.crt/tls.key, delete spec.tls.clientCertificateRef from ${backends}`,
      },
    )
    return
  }
  ctx.account(
    'proxy-ssl-secret',
    'approximate',
    `with proxy-ssl-verify off nginx took only tls.crt/tls.key from Secret ${secret}, presented to the backend as a client certificate: the Backend's spec.tls.clientCertificateRef; its ca.crt, if any, is unused, as in nginx (nothing is verified)`,
    {hint: `if ${ns}/${secret} has no tls.crt/tls.key (${inspect}), nginx presented no client certificate: delete spec.tls.clientCertificateRef from ${backends}, which Envoy Gateway rejects otherwise`},
  )
}

/**
 * The Backends this Ingress's own rules produce (the names backendTlsOverride gives them), for hints; a Service port
 * given by a name the input does not resolve is covered by the name pattern.
 */
function backendNames(ctx: FamilyContext): string {
  const ingress = ctx.ingress
  const names = new Set<string>()
  let unresolved = false
  const add = (service: any) => {
    if (typeof service?.name !== 'string') return
    let port: unknown = service.port?.number
    if (port === undefined && typeof service.port?.name === 'string') {
      port = (ctx.lookup.service(ingress.ref.namespace, service.name)?.spec?.ports ?? []).find((p: any) => p?.name === service.port.name)?.port
    }
    if (typeof port === 'number') names.add(`${ingress.ref.namespace}/${dnsName(ingress.ref.name, service.name, String(port))}`)
    else unresolved = true
  }
  const spec = ingress.object.spec ?? {}
  add(spec.defaultBackend?.service)
  for (const rule of Array.isArray(spec.rules) ? spec.rules : []) {
    for (const path of Array.isArray(rule?.http?.paths) ? rule.http.paths : []) add(path?.backend?.service)
  }
  const list = [...names].sort()
  const pattern = `the Backends named ${ingress.ref.name}-<service>-<port> in ${ingress.ref.namespace}`
  if (list.length === 0) return pattern
  return `Backend${list.length > 1 ? 's' : ''} ${list.join(', ')}${unresolved ? ` (and ${pattern})` : ''}`
}

function accountProxySslSettings(ctx: FamilyContext, plan: TlsPlan): void {
  if (ctx.has('proxy-ssl-verify')) {
    if (plan.verify && ctx.value<string>('proxy-ssl-verify') !== 'on') {
      ctx.account('proxy-ssl-verify', 'approximate', '--backend-tls=verify: the backend certificate is verified although nginx did not verify it')
    } else ctx.account('proxy-ssl-verify', 'exact')
  }
  if (ctx.has('proxy-ssl-verify-depth')) {
    if (plan.verify) ctx.account('proxy-ssl-verify-depth', 'approximate', `Envoy Gateway verifies certificate chains of any length; nginx rejected chains deeper than ${ctx.value<number>('proxy-ssl-verify-depth') ?? 1}`)
    else ctx.account('proxy-ssl-verify-depth', 'ignored', 'nothing is verified (proxy-ssl-verify is off), so the depth has no effect')
  }
  const name = ctx.value<string>('proxy-ssl-name')
  const serverNameOn = ctx.value<string>('proxy-ssl-server-name') === 'on'
  if (ctx.has('proxy-ssl-name')) {
    if (name === undefined) {
      // Invalid value: the framework already reported it.
    } else if (name.startsWith('*.')) {
      ctx.account('proxy-ssl-name', 'manual', `"${name}" is a wildcard; BackendTLSPolicy and Backend need an exact name, so the Service's cluster DNS name is used instead`, {
        hint: 'set the exact name the backend certificate carries in the BackendTLSPolicy validation.hostname (and Backend tls.sni)',
      })
    } else if (plan.verify) {
      ctx.account('proxy-ssl-name', 'exact')
    } else if (serverNameOn) {
      ctx.account('proxy-ssl-name', 'exact')
    } else {
      ctx.account('proxy-ssl-name', 'ignored', 'nginx used it only to verify the certificate and as SNI, and both are off (proxy-ssl-verify, proxy-ssl-server-name)')
    }
  }
  if (ctx.has('proxy-ssl-server-name') && ctx.value<string>('proxy-ssl-server-name') !== undefined) {
    if (plan.verify && !serverNameOn) {
      ctx.account('proxy-ssl-server-name', 'approximate', 'a BackendTLSPolicy always sends its validation hostname as SNI; nginx sent none')
    } else if (plan.verify || plan.sni) {
      ctx.account('proxy-ssl-server-name', 'exact')
    } else if (serverNameOn) {
      ctx.account('proxy-ssl-server-name', 'approximate', 'without proxy-ssl-name nginx sent its internal upstream name as SNI; Envoy sends the request\'s Host')
    } else {
      ctx.account('proxy-ssl-server-name', 'approximate', 'nginx sent no SNI; Envoy Gateway sends the request\'s Host as SNI')
    }
  }
  if (ctx.has('proxy-ssl-protocols') && ctx.value<string[]>('proxy-ssl-protocols') !== undefined) ctx.account('proxy-ssl-protocols', 'exact')
  const ciphers = ctx.value<string>('proxy-ssl-ciphers')
  if (ctx.has('proxy-ssl-ciphers') && ciphers !== undefined) {
    if (plan.minVersion === '1.3') ctx.account('proxy-ssl-ciphers', 'ignored', 'only TLS 1.3 is offered, whose cipher suites are not configurable')
    else if (plan.ciphers) ctx.account('proxy-ssl-ciphers', 'exact')
    else if (ciphers === 'DEFAULT' || ciphers === '') ctx.account('proxy-ssl-ciphers', 'ignored', 'OpenSSL\'s DEFAULT list; Envoy uses its own default cipher list')
    else {
      ctx.account('proxy-ssl-ciphers', 'approximate', `"${ciphers}" is an OpenSSL cipher expression (or names Envoy does not know); Envoy's default cipher list is used`, {
        hint: `list explicit cipher names in the Backend's tls.ciphers (e.g. ECDHE-RSA-AES128-GCM-SHA256)`,
      })
    }
  }
}
