/**
 * Host-wide decisions per Gateway. Ingresses whose classes go to different Gateways never meet: each Gateway's
 * hosts, path owners, regex mode, certificates, redirects, canaries and catch-all come from its own Ingresses only,
 * so converting two classes in one run gives each Gateway the objects that converting its class alone gives.
 * Ingresses that share a Gateway share its hostnames, so they are merged as one ingress-nginx would merge them;
 * where they came from two controllers (controllers.ts), that merge is the user's choice of Gateway, and every
 * decision that now crosses controllers is a `cross-controller-conflict` warning naming both classes.
 */
import {compareStrings} from '../util/hash.js'
import {crossData, serviceText} from './controllers.js'
import type {CrossControllerConflict} from '../model/catalogue/routes.js'
import {about} from '../model/diagnostics.js'
import {diagnostic} from '../model/catalogue/diagnostic.js'
import {gatewayKey} from './emit-gateway.js'
import {isAcmeChallengePath} from './emit-routes.js'
import {normalizeHost} from '../model/names.js'
import {aliasIntent, buildHosts, upstreamKey, type HostIndex} from './hosts.js'
import type {HostModel, IngressModel, Intent, Location} from '../model/ingress-model.js'
import type {Diagnostic, KubeObject, NamespacedName} from '../model/types.js'

/** The Ingresses of one Gateway, in nginx order. */
export interface GatewayPartition {
  key: string
  gateway: NamespacedName
  ingresses: IngressModel[]
}

/** Ingresses grouped by the Gateway of their class; order within a group stays nginx's order. */
export function partitionByGateway(ingresses: IngressModel[]): GatewayPartition[] {
  const byKey = new Map<string, GatewayPartition>()
  for (const ingress of ingresses) {
    const key = gatewayKey(ingress.gateway)
    const p = byKey.get(key) ?? {key, gateway: ingress.gateway, ingresses: []}
    p.ingresses.push(ingress)
    byKey.set(key, p)
  }
  return [...byKey.values()].sort((a, b) => compareStrings(a.key, b.key))
}

export interface HostIndexes {
  /** One host index per Gateway key. */
  byGateway: Map<string, HostIndex>
  /** The host index of an Ingress's Gateway. */
  of(ingress: IngressModel): HostIndex
}

/** buildHosts per Gateway, then the notes on hosts that several Gateways or several controllers share. */
export function buildHostIndexes(
  partitions: GatewayPartition[],
  services: Map<string, KubeObject>,
  controllerByClass: Map<string, string>,
  diagnostics: Diagnostic[],
): HostIndexes {
  const byGateway = new Map<string, HostIndex>()
  for (const p of partitions) {
    const index = buildHosts(p.ingresses, services, diagnostics)
    byGateway.set(p.key, index)
    // Several controllers on one Gateway: a merge the user chose (served is final once the families have run).
    const controllers = new Set(p.ingresses.filter((i) => i.served).map((i) => i.controller))
    if (controllers.size > 1) reportCrossControllerMerges(p, index, diagnostics)
  }
  reportHostsOnSeveralGateways(partitions, byGateway, controllerByClass, diagnostics)
  const empty: HostIndex = {hosts: new Map(), byIngress: new Map(), canaryByUpstream: new Map()}
  return {byGateway, of: (ingress) => byGateway.get(gatewayKey(ingress.gateway)) ?? empty}
}

/**
 * A host on several Gateways: each Gateway gets its own routes, computed from its own Ingresses, as each
 * controller served its own. When the input's IngressClasses show that one controller served those classes
 * (same spec.controller), ingress-nginx had merged them into one server, and splitting them changes routing.
 */
function reportHostsOnSeveralGateways(
  partitions: GatewayPartition[],
  byGateway: Map<string, HostIndex>,
  controllerByClass: Map<string, string>,
  diagnostics: Diagnostic[],
): void {
  const seen = new Map<string, {partition: GatewayPartition; host: HostModel}[]>()
  for (const p of partitions) {
    for (const host of byGateway.get(p.key)!.hosts.values()) {
      if (host.name === '') continue
      const list = seen.get(host.name) ?? []
      list.push({partition: p, host})
      seen.set(host.name, list)
    }
  }
  for (const [name, list] of [...seen.entries()].sort(([a], [b]) => compareStrings(a, b))) {
    if (list.length < 2) continue
    const classesOf = (host: HostModel) => [...new Set(host.locations.map((l) => l.ingress.className ?? '(no class)'))].sort(compareStrings)
    const sides = list.map(({partition, host}) => ({gateway: partition.key, classes: classesOf(host)}))
    const declared = new Map<string, Set<string>>()
    for (const {partition, host} of list) {
      for (const cls of classesOf(host)) {
        const c = controllerByClass.get(cls)
        if (c === undefined) continue
        const keys = declared.get(c) ?? new Set<string>()
        keys.add(partition.key)
        declared.set(c, keys)
      }
    }
    const merged = [...declared.entries()].filter(([, keys]) => keys.size > 1).map(([c]) => c)
    const first = list.map(({host}) => host.locations[0]?.ingress ?? host.tls?.ingress).find((i) => i !== undefined) ?? list[0]!.partition.ingresses[0]!
    diagnostics.push(
      diagnostic('host-on-two-gateways', {host: name, gateways: sides, mergedControllers: merged}, {
        level: merged.length > 0 ? 'warning' : 'info',
        ...about('Ingress', first.ref),
        ...(merged.length > 0 ? {hint: 'check that each class really had an ingress-nginx of its own (--controller-class); if one served both, send both classes to one Gateway'} : {}),
        source: first.source,
      }),
    )
  }
}

/**
 * The host-wide decisions of a Gateway shared by several controllers that now reach across them (path owners
 * are reported where they are decided, in buildHosts): regex mode, the host's certificate and HTTPS redirect,
 * canaries on a shared upstream, the spec.defaultBackend fallback `/` of a host, server-alias.
 */
function reportCrossControllerMerges(partition: GatewayPartition, index: HostIndex, diagnostics: Diagnostic[]): void {
  const byId = new Map(partition.ingresses.map((i) => [i.id, i]))
  const primaries = partition.ingresses.filter((i) => i.served && !i.isCanary)
  const warn: Warn = (subject, data, hint = 'give each class its own Gateway (--gateway-for CLASS=NS/NAME), or make the Ingresses of the two classes agree') =>
    diagnostics.push(
      diagnostic('cross-controller-conflict', data, {
        ...about('Ingress', subject.ref),
        hint,
        source: subject.source,
      }),
    )
  const ownTls = firstTlsPerController(primaries)
  for (const host of [...index.hosts.values()].sort((a, b) => compareStrings(a.name, b.name))) {
    const byIngress = new Map<IngressModel, Location[]>()
    for (const loc of host.locations) byIngress.set(loc.ingress, [...(byIngress.get(loc.ingress) ?? []), loc])
    reportRegexAcross(host, byIngress, byId, warn)
    reportTlsAcross(host, byIngress, ownTls, warn)
  }
  reportCanariesAcross(index, warn)
  reportFallbackAcross(primaries, index, warn)
  reportRedirectFallbackAcross(index, warn)
  reportAliasesAcross(primaries, index, warn)
  reportPassthroughAcross(primaries, index, warn)
}

type Warn = (about: IngressModel, data: CrossControllerConflict, hint?: string) => void

function reportRegexAcross(host: HostModel, byIngress: Map<IngressModel, Location[]>, byId: Map<string, IngressModel>, warn: Warn): void {
  if (host.regexFrom.length === 0) return
  const source = byId.get(host.regexFrom[0]!)!
  for (const [ingress, locs] of byIngress) {
    if (host.regexControllers.includes(ingress.controller)) continue
    const paths = locs.map((l) => `${l.match} ${l.path} -> ${serviceText(l.backend)}`)
    warn(ingress, {case: 'regex', ...crossData(source, ingress), host: host.name, paths})
  }
}

/** Where a host's certificate comes from: the Ingress, whether a tls entry lists the host, that entry's Secret. */
interface HostCertificate {
  ingress: IngressModel
  listed: boolean
  secretName?: string
}

/** Per controller and host, the first Ingress with a non-empty spec.tls and a rule for the host (assignTls's rule). */
function firstTlsPerController(primaries: IngressModel[]): Map<string, HostCertificate> {
  const out = new Map<string, HostCertificate>()
  for (const ingress of primaries) {
    const tls: any[] = Array.isArray(ingress.object.spec.tls) ? ingress.object.spec.tls : []
    if (tls.length === 0) continue
    const rules: any[] = Array.isArray(ingress.object.spec.rules) ? ingress.object.spec.rules : []
    for (const hostName of new Set(rules.map((r) => normalizeHost(r?.host)))) {
      const key = `${ingress.controller}|${hostName}`
      if (hostName === '' || out.has(key)) continue
      const entry = tls.find((e) => Array.isArray(e?.hosts) && e.hosts.some((h: unknown) => normalizeHost(h) === hostName))
      out.set(key, {ingress, listed: entry !== undefined, secretName: typeof entry?.secretName === 'string' && entry.secretName !== '' ? entry.secretName : undefined})
    }
  }
  return out
}

/** The host's certificate (and with it the HTTPS redirect) comes from one Ingress for every controller on it. */
function reportTlsAcross(
  host: HostModel,
  byIngress: Map<IngressModel, Location[]>,
  ownTls: Map<string, HostCertificate>,
  warn: Warn,
): void {
  const winner = host.tls
  if (!winner || host.name === '') return
  const secretText = (c: HostCertificate) =>
    c.secretName ? `Secret ${c.ingress.ref.namespace}/${c.secretName}` : c.listed ? 'the default certificate' : 'a Secret of its spec.tls whose certificate covers the host, else the default certificate'
  const won: HostCertificate = {ingress: winner.ingress, listed: winner.entryIndex !== undefined, secretName: winner.secretName}
  const reported = new Set<string>()
  for (const [ingress, locs] of byIngress) {
    if (ingress.controller === winner.ingress.controller || reported.has(ingress.controller)) continue
    reported.add(ingress.controller)
    const own = ownTls.get(`${ingress.controller}|${host.name}`)
    if (own) {
      const same = own.ingress.ref.namespace === winner.ingress.ref.namespace && own.secretName === winner.secretName && own.listed === won.listed
      if (same) continue
      warn(own.ingress, {case: 'tls-other-secret', ...crossData(winner.ingress, own.ingress), host: host.name, secret: secretText(own), firstSecret: secretText(won)})
      continue
    }
    const redirected = locs.filter((l) => (l.ingress.intents.sslRedirect || l.ingress.intents.forceSslRedirect) && !isAcmeChallengePath(l.path))
    warn(ingress, {
      case: 'tls-plain',
      ...crossData(winner.ingress, ingress),
      host: host.name,
      firstSecret: secretText(won),
      redirected: redirected.map((l) => `${l.match} ${l.path}`),
      redirectedServices: [...new Set(redirected.map((l) => serviceText(l.backend)))],
    })
  }
}

/** A canary splits its upstream (Service:port) for every location routed to it (controller.go mergeAlternativeBackends). */
function reportCanariesAcross(index: HostIndex, warn: Warn): void {
  const pairs = new Map<string, {canary: IngressModel; primary: IngressModel; backend: Location['backend']; canaryBackend: Location['backend']}>()
  for (const locs of index.byIngress.values()) {
    for (const loc of locs) {
      const canary = loc.backend && index.canaryByUpstream.get(upstreamKey(loc.backend))
      if (!canary || canary.ingress.controller === loc.ingress.controller) continue
      const key = `${canary.ingress.id}|${loc.ingress.id}`
      if (!pairs.has(key)) pairs.set(key, {canary: canary.ingress, primary: loc.ingress, backend: loc.backend, canaryBackend: canary.backend})
    }
  }
  for (const {canary, primary, backend, canaryBackend} of [...pairs.values()].sort((a, b) => compareStrings(a.primary.id, b.primary.id) || compareStrings(a.canary.id, b.canary.id))) {
    warn(primary, {case: 'canary', ...crossData(canary, primary), service: serviceText(backend), canaryService: serviceText(canaryBackend)})
  }
}

/**
 * spec.defaultBackend with rules is the fallback `/` of the hosts the Ingress created first, where no Ingress has a
 * Prefix `/` (buildHosts): on a shared Gateway another controller's Ingress may have created the host first, or
 * have a Prefix `/` there.
 */
function reportFallbackAcross(primaries: IngressModel[], index: HostIndex, warn: Warn): void {
  const firstOfHost = new Map<string, IngressModel>()
  const hasRoot = new Set<string>()
  for (const ingress of primaries) {
    for (const r of Array.isArray(ingress.object.spec.rules) ? ingress.object.spec.rules : []) {
      const key = `${ingress.controller}|${normalizeHost(r?.host)}`
      if (!firstOfHost.has(key)) firstOfHost.set(key, ingress)
      const paths: any[] = Array.isArray(r?.http?.paths) ? r.http.paths : []
      if (paths.some((p) => (typeof p?.path !== 'string' || p.path === '' || p.path === '/') && p?.pathType !== 'Exact')) hasRoot.add(key)
    }
  }
  for (const ingress of primaries) {
    const rules: any[] = Array.isArray(ingress.object.spec.rules) ? ingress.object.spec.rules : []
    if (!ingress.object.spec.defaultBackend?.service?.name || rules.length === 0) continue
    for (const hostName of [...new Set(rules.map((r) => normalizeHost(r?.host)))].sort(compareStrings)) {
      const key = `${ingress.controller}|${hostName}`
      if (hostName === '' || firstOfHost.get(key) !== ingress || hasRoot.has(key)) continue
      const root = index.hosts.get(hostName)?.locations.find((l) => l.match === 'Prefix' && l.path === '/')
      if (root?.ingress === ingress) continue
      const other = root?.ingress ?? index.hosts.get(hostName)?.locations.find((l) => l.ingress.controller !== ingress.controller)?.ingress
      if (!other || other.controller === ingress.controller) continue
      // With a root, `other` is its Ingress.
      warn(ingress, {case: 'fallback', ...crossData(other, ingress), host: hostName, ...(root ? {rootService: serviceText(root.backend)} : {})})
    }
  }
}

/**
 * createServers' `location /` of a host carries the annotations of the first Ingress of the host (hosts.ts
 * addFallbacks): where that Ingress redirects, every request no path matches is redirected, for the other
 * controller's Ingresses on the host too.
 */
function reportRedirectFallbackAcross(index: HostIndex, warn: Warn): void {
  for (const host of [...index.hosts.values()].sort((a, b) => compareStrings(a.name, b.name))) {
    const fallback = host.locations.find((l) => l.fromDefaultBackend && l.backend === undefined)
    if (!fallback) continue
    const reported = new Set<string>()
    for (const loc of host.locations) {
      if (loc.ingress.controller === fallback.ingress.controller || reported.has(loc.ingress.controller)) continue
      reported.add(loc.ingress.controller)
      warn(loc.ingress, {case: 'redirect-fallback', ...crossData(fallback.ingress, loc.ingress), host: host.name})
    }
  }
}

/**
 * server-alias: the first Ingress of the host that sets it wins (an Ingress whose every alias was dropped does
 * not count), and an alias that is a host of its own is dropped (hosts.ts assignAliases).
 */
function reportAliasesAcross(primaries: IngressModel[], index: HostIndex, warn: Warn): void {
  const firstAlias = new Set<string>()
  const setBy = new Map<Intent, IngressModel>(primaries.filter((i) => aliasIntent(i)).map((i) => [aliasIntent(i)!, i]))
  for (const ingress of primaries) {
    const aliases = aliasIntent(ingress)
    if (!aliases) continue
    const rules: any[] = Array.isArray(ingress.object.spec.rules) ? ingress.object.spec.rules : []
    for (const hostName of [...new Set(rules.map((r) => normalizeHost(r?.host)))].sort(compareStrings)) {
      const key = `${ingress.controller}|${hostName}`
      if (hostName === '' || firstAlias.has(key)) continue
      firstAlias.add(key)
      const host = index.hosts.get(hostName)
      const winner = host?.aliasFrom === undefined ? undefined : setBy.get(host.aliasFrom)
      if (winner && winner.controller !== ingress.controller && winner.order < ingress.order) {
        warn(ingress, {case: 'alias-unused', ...crossData(winner, ingress), host: hostName, aliases: [...aliases.names], firstAliases: [...host!.aliases]})
        continue
      }
      for (const alias of aliases.names) {
        const locations = index.hosts.get(alias)?.locations ?? []
        const other = locations.find((l) => l.ingress.controller !== ingress.controller)
        if (!other || locations.some((l) => l.ingress.controller === ingress.controller)) continue
        warn(ingress, {case: 'alias-is-host', ...crossData(other.ingress, ingress), host: hostName, alias, service: serviceText(other.backend), match: other.match, path: other.path})
      }
    }
  }
}

/**
 * An ssl-passthrough host's TLSRoute gets a TLS listener that Envoy picks by SNI before any https listener
 * (gateway-owner.ts passthroughListeners): every TLS connection for the host now passes through, the other
 * controller's too, whose nginx terminated them (its server had no ssl-passthrough: controller.go createServers sets
 * it from the controller's own Ingresses only). Plain HTTP still reaches that controller's routes.
 */
function reportPassthroughAcross(primaries: IngressModel[], index: HostIndex, warn: Warn): void {
  for (const ingress of primaries) {
    for (const intent of ingress.intents.objects) {
      if (intent.role !== 'passthrough-route' || intent.object.kind !== 'TLSRoute') continue
      // passthrough.ts backendRef: one rule, one backendRef, its namespace only when it is not the Ingress's.
      const ref = intent.object.spec.rules[0]?.backendRefs?.[0]
      if (ref?.port === undefined) continue
      const service = serviceText({namespace: ref.namespace ?? ingress.ref.namespace, name: ref.name, port: ref.port})
      for (const hostName of intent.object.spec?.hostnames ?? []) {
        const byController = new Map<string, Location[]>()
        for (const loc of index.hosts.get(hostName)?.locations ?? []) {
          if (loc.ingress.controller === ingress.controller) continue
          byController.set(loc.ingress.controller, [...(byController.get(loc.ingress.controller) ?? []), loc])
        }
        for (const locs of byController.values()) {
          const paths = locs.map((l) => `${l.match} ${l.path} -> ${serviceText(l.backend)}`)
          const other = locs[0]!.ingress
          warn(other, {case: 'passthrough', ...crossData(ingress, other), host: hostName, service, paths}, `give each class its own Gateway (--gateway-for ${other.className ?? 'CLASS'}=NS/NAME) to keep terminating TLS for ${hostName} on these paths; one Gateway cannot both pass a host's TLS through and terminate it`)
        }
      }
    }
  }
}
