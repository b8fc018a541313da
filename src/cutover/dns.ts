/**
 * `cutover --dns`, the side-by-side path: every host the Gateway's routes serve, the record that points it at the
 * Gateway's Service, the address it has now (the Ingress status ingress-nginx publishes), and, when external-dns
 * manages the records, the annotation that moves each Ingress's records. Pure: the facts are read beforehand.
 *
 * external-dns reads `<prefix>target` on an Ingress as the record's value instead of the Ingress status; the prefix
 * is external-dns.alpha.kubernetes.io/ up to v0.21 and external-dns.kubernetes.io/ from v0.22.0
 * (source/annotations/annotations.go DefaultAnnotationPrefix), or what --annotation-prefix sets.
 */
import type {KubeObject, NamespacedName} from '../model/types.js'
import {parentRefsOf} from '../status/routes.js'

export interface DnsFacts {
  gateway: NamespacedName
  gatewayObject?: KubeObject
  envoyServices: KubeObject[]
  /** The routes (managed by ingress2gw) of the scope. */
  routes: KubeObject[]
  /** The Ingresses of the scope. */
  ingresses: KubeObject[]
  externalDns: {deployments: KubeObject[]; error?: string}
  /** `-n team-a` or `-A`, for the verify command line. */
  scopeArgs: string
}

export interface DnsRecord {
  host: string
  type: 'A' | 'AAAA' | 'CNAME'
  values: string[]
  /** Where the host points today (the status of the Ingresses that serve it). */
  now: string[]
  /** namespace/name of those Ingresses. */
  ingresses: string[]
}

export interface ExternalDnsInfo {
  deployment: string
  version?: string
  sources: string[]
  prefix: string
  /** One command per Ingress: point its records at the Gateway (and the one that undoes it). */
  commands: {ingress: string; apply: string; undo: string}[]
  notes: string[]
}

export interface DnsPlan {
  gateway: NamespacedName
  addressSource: string
  addresses: string[]
  records: DnsRecord[]
  /** Routes without hostnames: they answer any name. */
  catchAll: string[]
  externalDns: ExternalDnsInfo[]
  notes: string[]
  verify?: string
}

function lbAddresses(o: KubeObject | undefined): string[] {
  const ing = ((o?.status as {loadBalancer?: {ingress?: {ip?: string; hostname?: string}[]}})?.loadBalancer?.ingress ?? []) as {ip?: string; hostname?: string}[]
  return ing.map((i) => i?.ip || i?.hostname).filter((x): x is string => !!x)
}

/** The Envoy Service's load-balancer address, else its external IPs, else the Gateway's status addresses. */
function gatewayAddresses(f: DnsFacts): {addresses: string[]; source: string} {
  const svc = f.envoyServices.length === 1 ? f.envoyServices[0] : undefined
  const fromLb = lbAddresses(svc)
  if (svc && fromLb.length > 0) return {addresses: fromLb, source: `Service ${svc.metadata.namespace}/${svc.metadata.name} (load balancer)`}
  const external = ((svc?.spec as {externalIPs?: string[]})?.externalIPs ?? []).filter(Boolean)
  if (svc && external.length > 0) return {addresses: external, source: `Service ${svc.metadata.namespace}/${svc.metadata.name} (externalIPs)`}
  const status = ((f.gatewayObject?.status as {addresses?: {value?: string}[]})?.addresses ?? []).map((a) => a?.value).filter((x): x is string => !!x)
  return {addresses: status, source: `Gateway ${f.gateway.namespace}/${f.gateway.name} status.addresses`}
}

function recordType(addresses: string[]): DnsRecord['type'] {
  if (addresses.every((a) => /^[0-9.]+$/.test(a))) return 'A'
  if (addresses.every((a) => a.includes(':'))) return 'AAAA'
  return 'CNAME'
}

function attachesTo(route: KubeObject, gw: NamespacedName): boolean {
  return parentRefsOf(route).some((p) => (p.kind ?? 'Gateway') === 'Gateway' && p.name === gw.name && (p.namespace ?? route.metadata.namespace) === gw.namespace)
}

function ingressHosts(ing: KubeObject): string[] {
  return (((ing.spec as {rules?: {host?: string}[]})?.rules ?? []).map((r) => r?.host).filter((h): h is string => !!h))
}

/** external-dns's version from its image tag (v0.21.0, 0.22.0). */
function versionOf(image: string): [number, number, number] | undefined {
  const m = image.match(/:v?(\d+)\.(\d+)\.(\d+)/)
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined
}

function externalDnsInfo(dep: KubeObject, records: DnsRecord[], ingresses: KubeObject[], target: string): ExternalDnsInfo {
  const containers = ((dep.spec as {template?: {spec?: {containers?: {image?: string; args?: string[]; command?: string[]}[]}}})?.template?.spec?.containers ?? []).filter(Boolean)
  const c = containers.find((x) => /external-dns/.test(x.image ?? '')) ?? containers[0] ?? {}
  const args = [...(c.command ?? []), ...(c.args ?? [])]
  const flag = (name: string) => args.flatMap((a, i) => (a.startsWith(`--${name}=`) ? [a.slice(name.length + 3)] : a === `--${name}` && args[i + 1] ? [args[i + 1]] : []))
  const sources = flag('source')
  const version = versionOf(c.image ?? '')
  const notes: string[] = []
  let prefix = flag('annotation-prefix')[0]
  if (!prefix) {
    if (version) prefix = version[0] > 0 || version[1] >= 22 ? 'external-dns.kubernetes.io/' : 'external-dns.alpha.kubernetes.io/'
    else {
      prefix = 'external-dns.alpha.kubernetes.io/'
      notes.push('its version is unknown: from v0.22.0 the annotation prefix is external-dns.kubernetes.io/ (use that one if it runs v0.22 or later)')
    }
  }
  const hosts = new Set(records.map((r) => r.host))
  const serving = ingresses.filter((i) => ingressHosts(i).some((h) => hosts.has(h)))
  const commands = sources.includes('ingress')
    ? serving.map((i) => ({
        ingress: `${i.metadata.namespace}/${i.metadata.name}`,
        apply: `kubectl annotate ingress ${i.metadata.name} -n ${i.metadata.namespace} ${prefix}target=${target} --overwrite`,
        undo: `kubectl annotate ingress ${i.metadata.name} -n ${i.metadata.namespace} ${prefix}target-`,
      }))
    : []
  if (!sources.includes('ingress')) notes.push(`it does not read Ingresses (--source ${sources.join(', ') || 'not set'}): the records of these hosts come from elsewhere`)
  const routeSources = sources.filter((s) => /^gateway-/.test(s))
  if (sources.includes('ingress') && routeSources.length > 0) {
    notes.push(`it reads both Ingresses and routes (${routeSources.join(', ')}): both claim these hosts with different addresses until the Ingresses' target annotation points at the Gateway`)
  }
  return {deployment: `${dep.metadata.namespace}/${dep.metadata.name}`, ...(version ? {version: `v${version.join('.')}`} : {}), sources, prefix, commands, notes}
}

export function planDns(f: DnsFacts): DnsPlan {
  const {addresses, source} = gatewayAddresses(f)
  const routes = f.routes.filter((r) => attachesTo(r, f.gateway))
  const hosts = [...new Set(routes.flatMap((r) => ((r.spec as {hostnames?: string[]})?.hostnames ?? []).filter(Boolean)))].sort()
  const type = recordType(addresses)
  const records: DnsRecord[] = hosts.map((host) => {
    const serving = f.ingresses.filter((i) => ingressHosts(i).includes(host))
    return {
      host,
      type,
      values: type === 'CNAME' ? addresses.slice(0, 1) : addresses,
      now: [...new Set(serving.flatMap((i) => lbAddresses(i)))].sort(),
      ingresses: serving.map((i) => `${i.metadata.namespace}/${i.metadata.name}`).sort(),
    }
  })
  const notes: string[] = []
  if (type === 'CNAME') notes.push('the Gateway answers at a host name: a zone apex cannot be a CNAME (use the DNS provider\'s ALIAS record there)')
  if (type === 'CNAME' && addresses.length > 1) notes.push(`the Gateway has several host names (${addresses.join(', ')}): a CNAME takes one`)
  if (f.externalDns.error) notes.push(`could not check whether external-dns runs (${f.externalDns.error}); if it manages these records, change them through it`)
  const catchAll = routes.filter((r) => ((r.spec as {hostnames?: string[]})?.hostnames ?? []).length === 0).map((r) => `${r.kind} ${r.metadata.namespace}/${r.metadata.name}`)
  const nginx = [...new Set(records.flatMap((r) => r.now))]
  const verify = addresses.length > 0 ? `kubectl ingress2gw verify ${f.scopeArgs} --nginx-address ${nginx[0] ?? '<ingress-nginx address>'} --gateway-address ${addresses[0]}` : undefined
  return {
    gateway: f.gateway,
    addressSource: source,
    addresses,
    records,
    catchAll,
    externalDns: addresses.length > 0 ? f.externalDns.deployments.map((d) => externalDnsInfo(d, records, f.ingresses, addresses[0])) : [],
    notes,
    ...(verify ? {verify} : {}),
  }
}
