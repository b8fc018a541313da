/**
 * Builds nginx's view of the served hosts: one server per host, locations unioned across Ingresses with
 * "oldest Ingress wins" per host+path+pathType, host-wide regex mode, default-backend fallbacks and canaries
 * attached to their primary upstream. Linear in the number of paths (everything is indexed in maps).
 */
import {passesThrough} from './annotation-pass.js'
import {compareStrings} from '../util/hash.js'
import {crossControllerNote, crossData, serviceText} from './controllers.js'
import {about} from '../model/diagnostics.js'
import {diagnostic} from '../model/catalogue/diagnostic.js'
import type {PathOwnerReason} from '../model/catalogue/routes.js'
import type {HostModel, IngressModel, Location, MatchKind, ServiceBackend} from '../model/ingress-model.js'
import {regexSources} from './nginx-locations.js'
import type {Diagnostic, KubeObject} from '../model/types.js'
import {nginxUpstream, upstreamCreators} from './upstreams.js'
import {normalizeHost} from '../model/names.js'
import {creationSecond} from '../util/timestamp.js'
import {serverAliasNames} from '../annotations/headers.js'

export interface HostIndex {
  hosts: Map<string, HostModel>
  /** Locations per Ingress id, in the Ingress's own rule order. */
  byIngress: Map<string, Location[]>
  /** Canary per primary upstream key (namespace/service/port). */
  canaryByUpstream: Map<string, {ingress: IngressModel; backend: ServiceBackend}>
}

export function upstreamKey(b: ServiceBackend): string {
  return `${b.namespace}/${b.name}/${b.port}`
}

/**
 * The backends that resolved without a word to say (no ExternalName, no unresolved port), per backend as read: the
 * host index, the families' lookups and the upstream decisions each resolve every path, and a path resolves the same
 * each time for the same Services and namespace (the same object can sit in two Ingresses through a YAML alias).
 */
const resolvedQuietly = new WeakMap<object, {services: Map<string, KubeObject>; namespace: string; backend: ServiceBackend}>()

/**
 * Resolves an Ingress backend to a Service and port number, reporting what cannot be resolved. `where` (the field
 * path) is only read for a diagnostic: a function spares the common case building its text.
 */
export function resolveBackend(
  ingress: IngressModel,
  backend: any,
  services: Map<string, KubeObject>,
  whereOf: string | (() => string),
  diagnostics: Diagnostic[],
): ServiceBackend | undefined {
  const namespace = ingress.ref.namespace
  const known = typeof backend === 'object' && backend !== null ? resolvedQuietly.get(backend) : undefined
  if (known !== undefined && known.services === services && known.namespace === namespace) return known.backend
  const resolved = resolveAndReport(ingress, backend, services, typeof whereOf === 'string' ? whereOf : whereOf(), diagnostics)
  if (resolved.quiet && resolved.backend) resolvedQuietly.set(backend, {services, namespace, backend: resolved.backend})
  return resolved.backend
}

/** resolveBackend's work: `quiet` when it reported nothing. */
function resolveAndReport(
  ingress: IngressModel,
  backend: any,
  services: Map<string, KubeObject>,
  where: string,
  diagnostics: Diagnostic[],
): {backend?: ServiceBackend; quiet: boolean} {
  const subject = about('Ingress', ingress.ref)
  if (backend?.resource) {
    diagnostics.push(diagnostic('resource-backend', {where, kind: String(backend.resource.kind ?? '?'), name: String(backend.resource.name ?? '?')}, {...subject, source: ingress.source}))
    return {quiet: false}
  }
  const svc = backend?.service
  if (!svc || typeof svc.name !== 'string' || svc.name === '') {
    diagnostics.push(diagnostic('invalid-backend', {where, problem: 'no-service-name'}, {...subject, source: ingress.source}))
    return {quiet: false}
  }
  const namespace = ingress.ref.namespace
  const service = services.get(`${namespace}/${svc.name}`)
  const externalName = service?.spec?.type === 'ExternalName'
  if (externalName) {
    // backend-protocol HTTPS/GRPCS already routes through a Backend whose fqdn is the Service's cluster DNS name,
    // which the cluster DNS answers with a CNAME to the external name: nothing to create.
    const viaBackend = ingress.intents.backendOverride?.viaBackend === true
    diagnostics.push(
      diagnostic(
        'externalname-service',
        {where, namespace, name: svc.name, externalName: String(service.spec.externalName), viaBackend},
        {
          ...subject,
          level: viaBackend ? 'info' : 'warning',
          fidelity: viaBackend ? 'exact' : 'manual',
          ...(viaBackend ? {} : {hint: `create an Envoy Gateway Backend with the fqdn endpoint ${service.spec.externalName} and the path's port, and point the route's backendRef at it (group gateway.envoyproxy.io, kind Backend)`}),
          source: ingress.source,
        },
      ),
    )
  }
  const port = svc.port ?? {}
  if (typeof port.number === 'number' || (typeof port.number === 'string' && /^\d+$/.test(port.number))) {
    return {backend: {name: svc.name, namespace, port: Number(port.number)}, quiet: !externalName}
  }
  if (typeof port.name === 'string' && port.name !== '') {
    const match = (service?.spec?.ports ?? []).find((p: any) => p?.name === port.name)
    if (match && typeof match.port === 'number') return {backend: {name: svc.name, namespace, port: match.port}, quiet: !externalName}
    const problem = service ? ('no-such-port' as const) : ('service-not-in-input' as const)
    diagnostics.push(diagnostic('unresolved-port-name', {where, namespace, service: svc.name, portName: port.name, problem}, {
      ...subject,
      hint: service
        ? 'Gateway API needs a port number: name the port in the Service, or use port.number in the Ingress'
        : 'Gateway API needs a port number: add the Service to the input (Helm-generated: helm template RELEASE CHART -n NAMESPACE | kubectl ingress2gw convert -f - -f DIR), or read it from the current kube context with --lookup-cluster; or use port.number in the Ingress',
      source: ingress.source,
    }))
    return {quiet: false}
  }
  diagnostics.push(diagnostic('invalid-backend', {where, problem: 'no-port', service: svc.name}, {...subject, source: ingress.source}))
  return {quiet: false}
}

const HOSTNAME = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/

/** Why a rule host cannot become a Gateway API hostname (IPs and invalid names), or undefined. */
export function invalidHostReason(host: string): 'ip-address' | 'not-dns-name' | undefined {
  if (host === '' || host.includes('${')) return undefined
  if (/^\d+\.\d+\.\d+\.\d+$/.test(host) || host.includes(':')) return 'ip-address'
  if (!HOSTNAME.test(host) || host.length > 253) return 'not-dns-name'
  return undefined
}

function matchOf(pathType: unknown): MatchKind {
  return pathType === 'Exact' ? 'Exact' : 'Prefix'
}

/**
 * nginx's locations per host, before the host-wide decisions (fallback `/`, regex mode, TLS, aliases, canaries):
 * what both the routes (buildHosts) and the families' lookups (location-table.ts) read, built once by one code path.
 */
export interface LocationTable {
  hosts: Map<string, HostModel>
  /** Locations per Ingress id, in the Ingress's own rule order. */
  byIngress: Map<string, Location[]>
  /** host|match|path -> the location that owns it (the first Ingress in nginx order). */
  owner: Map<string, Location>
  /** host -> the first Ingress with a rule for it (createServers builds the server's `location /` from it). */
  creator: Map<string, IngressModel>
  /** The served, non-canary Ingresses, in nginx order. */
  primaries: IngressModel[]
  /** Upstream (namespace/service/port) -> the Ingress that created it (controller.go createUpstreams). */
  upstreamCreators: Map<string, IngressModel>
}

/**
 * How collectLocations treats a path whose Service port cannot be resolved (a name no Service of the input has):
 * the routes leave it out (`drop`); the lookups keep it as a location without a backend (`keep`), because nginx has
 * that location and a request for it never reaches a shorter one.
 */
export type UnresolvedPaths = 'drop' | 'keep'

/**
 * The locations of the served, non-canary Ingresses (one Gateway's: shared-gateways.ts buildHostIndexes) in nginx
 * order: the catch-all `/` of the first rule-less Ingress, every rule path (the oldest Ingress keeps a
 * host + pathType + path defined twice; a path whose upstream a canary created is skipped), then each Ingress's
 * spec.defaultBackend as the `/` of the hosts it created.
 */
export function collectLocations(ingresses: IngressModel[], services: Map<string, KubeObject>, diagnostics: Diagnostic[], unresolved: UnresolvedPaths = 'drop'): LocationTable {
  const primaries = ingresses.filter((i) => !i.isCanary && i.served)
  const table: LocationTable = {hosts: new Map(), byIngress: new Map(primaries.map((i) => [i.id, []])), owner: new Map(), creator: new Map(), primaries, upstreamCreators: upstreamCreators(ingresses)}
  addCatchAll(table, services, diagnostics)
  for (const ingress of primaries) addRulePaths(table, ingress, services, diagnostics, unresolved)
  addDefaultBackends(table, services, diagnostics)
  return table
}

/** The host's server, created by the first Ingress that names it (createServers). */
function serverFor(table: LocationTable, name: string, ingress: IngressModel): HostModel {
  let h = table.hosts.get(name)
  if (!h) {
    h = {name, gateway: ingress.gateway, locations: [], regexFrom: [], regexControllers: [], aliases: []}
    table.hosts.set(name, h)
    table.creator.set(name, ingress)
  }
  return h
}

function addLocation(table: LocationTable, loc: Location): void {
  table.owner.set(`${loc.host}|${loc.match}|${loc.path}`, loc)
  serverFor(table, loc.host, loc.ingress).locations.push(loc)
  table.byIngress.get(loc.ingress.id)!.push(loc)
}

const hasRules = (i: IngressModel) => Array.isArray(i.object.spec.rules) && i.object.spec.rules.length > 0

/**
 * The first rule-less Ingress with spec.defaultBackend becomes the catch-all server's `/` before any location is
 * added (createServers sets it up first), so it wins over host-less Prefix `/` paths whatever their age.
 */
function addCatchAll(table: LocationTable, services: Map<string, KubeObject>, diagnostics: Diagnostic[]): void {
  const withDefault = table.primaries.filter((i) => i.object.spec.defaultBackend && !hasRules(i))
  const [catchAll, ...shadowed] = withDefault
  if (!catchAll) return
  const backend = resolveBackend(catchAll, catchAll.object.spec.defaultBackend, services, 'spec.defaultBackend', diagnostics)
  if (backend) addLocation(table, {host: '', path: '/', match: 'Prefix', pathType: 'Prefix', ingress: catchAll, backend, fromDefaultBackend: true, canaries: []})
  for (const other of shadowed) {
    if (!crossControllerNote(catchAll, other)) {
      diagnostics.push(diagnostic('default-backend-shadowed', {first: catchAll.id}, {...about('Ingress', other.ref), source: other.source}))
      continue
    }
    diagnostics.push(diagnostic('cross-controller-conflict', {case: 'catch-all', ...crossData(catchAll, other)}, {...about('Ingress', other.ref), source: other.source}))
  }
}

/** The paths of every rule of one Ingress (controller.go getBackendServers), in its own order. */
function addRulePaths(table: LocationTable, ingress: IngressModel, services: Map<string, KubeObject>, diagnostics: Diagnostic[], unresolved: UnresolvedPaths): void {
  const rules: any[] = Array.isArray(ingress.object.spec.rules) ? ingress.object.spec.rules : []
  rules.forEach((rule, ruleIndex) => {
    const hostName = normalizeHost(rule?.host)
    const invalid = invalidHostReason(hostName)
    if (invalid) {
      diagnostics.push(diagnostic('invalid-host', {rule: ruleIndex, host: String(rule?.host), problem: invalid}, {...about('Ingress', ingress.ref), source: ingress.source}))
      return
    }
    serverFor(table, hostName, ingress)
    const paths: any[] = Array.isArray(rule?.http?.paths) ? rule.http.paths : []
    paths.forEach((p, pathIndex) => addRulePath(table, ingress, hostName, p, () => `rules[${ruleIndex}].http.paths[${pathIndex}]`, services, diagnostics, unresolved))
  })
}

/**
 * One rule path: its location, unless nginx skips it (not absolute, no Service, a canary's upstream, taken). `where`
 * gives the field path for a diagnostic (most paths have none to make).
 */
function addRulePath(table: LocationTable, ingress: IngressModel, hostName: string, p: any, where: () => string, services: Map<string, KubeObject>, diagnostics: Diagnostic[], unresolved: UnresolvedPaths): void {
  const path = typeof p?.path === 'string' && p.path !== '' ? p.path : '/'
  if (!path.startsWith('/')) {
    diagnostics.push(diagnostic('invalid-path', {where: where(), path}, {...about('Ingress', ingress.ref), source: ingress.source}))
    return
  }
  const match = matchOf(p?.pathType)
  const backend = resolveBackend(ingress, p?.backend, services, where, diagnostics)
  const namedService = typeof p?.backend?.service?.name === 'string' && p.backend.service.name !== ''
  if (!backend && !(unresolved === 'keep' && namedService)) return
  const canary = namedService && table.upstreamCreators.get(nginxUpstream(ingress.ref.namespace, p.backend.service))
  if (canary && canary.isCanary) {
    if (backend) reportCanaryOwned(ingress, canary, backend, hostName, match, path, where(), diagnostics)
    return
  }
  const existing = table.owner.get(`${hostName}|${match}|${path}`)
  if (existing) {
    if (backend) reportConflict(existing, ingress, backend, hostName, match, path, diagnostics)
    return
  }
  addLocation(table, {host: hostName, path, match, pathType: p?.pathType ?? 'ImplementationSpecific', ingress, backend, fromDefaultBackend: false, canaries: []})
}

/**
 * With rules, spec.defaultBackend is the fallback `/` of the named hosts this Ingress created first, unless some
 * Ingress defines a Prefix `/` there; nginx never applies it to the catch-all server.
 */
function addDefaultBackends(table: LocationTable, services: Map<string, KubeObject>, diagnostics: Diagnostic[]): void {
  for (const ingress of table.primaries) {
    const db = ingress.object.spec.defaultBackend
    if (!db || !hasRules(ingress)) continue
    const rules: any[] = ingress.object.spec.rules
    const targets = [...new Set(rules.map((r) => normalizeHost(r?.host)))].filter((h) => h !== '' && table.creator.get(h) === ingress)
    for (const hostName of targets) {
      if (table.owner.has(`${hostName}|Prefix|/`)) continue
      const backend = resolveBackend(ingress, db, services, 'spec.defaultBackend', diagnostics)
      if (backend) addLocation(table, {host: hostName, path: '/', match: 'Prefix', pathType: 'Prefix', ingress, backend, fromDefaultBackend: true, canaries: []})
    }
  }
}

/**
 * Build the host index from the served, non-canary Ingresses (in nginx order) and attach the canaries. The
 * Ingresses are those of one Gateway (shared-gateways.ts buildHostIndexes): nothing here reaches across Gateways.
 */
export function buildHosts(ingresses: IngressModel[], services: Map<string, KubeObject>, diagnostics: Diagnostic[]): HostIndex {
  const table = addFallbacks(collectLocations(ingresses, services, diagnostics))
  markRegexHosts(table)
  assignTls(table.primaries, table.hosts)
  assignAliases(table.primaries, table.hosts, diagnostics)
  markPassthrough(table.primaries, table.hosts)
  const canaryByUpstream = attachCanaries(ingresses, table.owner, services, table.upstreamCreators, diagnostics)
  return {hosts: table.hosts, byIngress: table.byIngress, canaryByUpstream}
}

/**
 * The server's ssl-passthrough (controller.go createServers: any non-canary Ingress with the annotation and a rule
 * for the host, paths or none), decided by annotation-pass.ts passesThrough.
 */
function markPassthrough(primaries: IngressModel[], hosts: Map<string, HostModel>): void {
  for (const ingress of primaries) {
    if (!passesThrough(ingress)) continue
    const rules: any[] = Array.isArray(ingress.object.spec.rules) ? ingress.object.spec.rules : []
    for (const rule of rules) {
      const host = hosts.get(normalizeHost(rule?.host))
      if (host !== undefined && host.name !== '') host.passthrough ??= ingress
    }
  }
}

/**
 * Host-wide regex mode: any location of the host, the fallback `/` included, whose Ingress has use-regex or a
 * rewrite-target that differs from the location's path as nginx renders it (template.go enforceRegexModifier).
 */
function markRegexHosts(table: LocationTable): void {
  const byId = new Map(table.primaries.map((i) => [i.id, i]))
  for (const host of table.hosts.values()) {
    host.regexFrom = regexSources(host)
    host.regexControllers = [...new Set(host.regexFrom.map((id) => byId.get(id)?.controller).filter((c): c is string => c !== undefined))].sort()
  }
}

/**
 * createServers gives every named host a `location /` built from the annotations of the first Ingress with a rule
 * for it (a known upstream quirk, kubernetes/ingress-nginx#9435); a Prefix `/` path of any Ingress replaces it.
 * Where that Ingress answers with permanent/temporal-redirect, so does every path no location of the host matches.
 * The lookups (location-table.ts) need it too: that `location /` carries the Ingress's rewrite-target and use-regex,
 * so it alone can turn the host regex (template.go enforceRegexModifier). `not-decided`: the families (whose
 * permanent/temporal-redirect sets intents.redirect) have not run, so no fallback answers with a redirect.
 */
export function addFallbacks(table: LocationTable, redirects: 'from-intents' | 'not-decided' = 'from-intents'): LocationTable {
  const {hosts, creator, byIngress} = table
  for (const host of hosts.values()) {
    const first = creator.get(host.name)
    if (host.name === '' || !first || host.locations.some((l) => l.path === '/' && l.match === 'Prefix' && !l.fromDefaultBackend)) continue
    host.fallback = {ingress: first}
    if (redirects === 'not-decided' || !first.intents.redirect || host.locations.some((l) => l.fromDefaultBackend)) continue
    const loc: Location = {host: host.name, path: '/', match: 'Prefix', pathType: 'Prefix', ingress: first, fromDefaultBackend: true, canaries: []}
    host.locations.push(loc)
    byIngress.get(first.id)?.push(loc)
  }
  return table
}

const passthroughAliases = new WeakMap<IngressModel, IngressModel['intents']['hostAliases']>()

/**
 * An Ingress's server-alias as the host model takes it: the headers family's intent, or, for an ssl-passthrough
 * Ingress (whose HTTP families do not run: annotation-pass.ts passesThrough), the same names read from the
 * annotation. controller.go createServers takes anns.Aliases from every non-canary Ingress, ssl-passthrough or not,
 * and nginx.tmpl renders them in the server_name of the server that holds every Ingress's locations of the host, so
 * the other Ingresses' paths answer under the alias too. One object per Ingress: it is the host's aliasFrom.
 */
export function aliasIntent(ingress: IngressModel): IngressModel['intents']['hostAliases'] {
  if (ingress.intents.hostAliases !== undefined || ingress.isCanary) return ingress.intents.hostAliases
  if (!passesThrough(ingress)) return undefined
  if (passthroughAliases.has(ingress)) return passthroughAliases.get(ingress)
  const raw = ingress.annotations.get('server-alias')
  const names = raw?.valid && Array.isArray(raw.value) ? serverAliasNames(raw.value as string[]).names : []
  const intent = names.length > 0 ? {names, from: [raw!.fullKey]} : undefined
  passthroughAliases.set(ingress, intent)
  return intent
}

/**
 * server-alias is a server_name alias: the whole host (every Ingress's paths, its TLS redirect) answers under the
 * alias too. controller.go createServers: the first Ingress of the host (nginx order) whose server-alias lists any
 * name sets the host's aliases, and later Ingresses' are skipped, even when every name of the first is then dropped
 * as the host itself or another server's host. A name several hosts alias is in each server_name: nginx keeps it
 * for the first of those servers in its configuration, where getBackendServers sorts the servers by host name.
 */
function assignAliases(primaries: IngressModel[], hosts: Map<string, HostModel>, diagnostics: Diagnostic[]): void {
  // pkg/util/ingress BuildRedirects checks the twin name against server names only, never aliases, and nginx.tmpl
  // renders the redirect servers first: nginx keeps the first server of a duplicate name (the alias is "ignored").
  const wwwTwins = new Map<string, string>()
  for (const ingress of primaries) for (const name of ingress.intents.wwwTwins ?? []) if (!wwwTwins.has(name)) wwwTwins.set(name, ingress.id)
  const owners = new Map<HostModel, IngressModel>()
  for (const ingress of primaries) {
    const raw = ingress.annotations.get('server-alias')
    if (!raw?.valid || !Array.isArray(raw.value) || raw.value.length === 0) continue
    const rules: any[] = Array.isArray(ingress.object.spec.rules) ? ingress.object.spec.rules : []
    for (const hostName of [...new Set(rules.map((r) => normalizeHost(r?.host)))]) {
      const host = hosts.get(hostName)
      if (!host || hostName === '') continue
      const owner = owners.get(host)
      if (!owner) {
        owners.set(host, ingress)
        continue
      }
      const a = aliasIntent(ingress)
      if (!a) continue
      ;(host.aliasesIgnored ??= []).push(a)
      if (crossControllerNote(owner, ingress)) continue // shared-gateways.ts reportAliasesAcross says it
      diagnostics.push(
        diagnostic(
          'server-alias-shadowed',
          {aliases: a.names, host: hostName, owner: owner.id, ownerAliases: owner.annotations.get('server-alias')!.raw},
          {...about('Ingress', ingress.ref), annotation: a.from[0], source: ingress.source},
        ),
      )
    }
  }
  const claims = new Map<string, HostModel[]>()
  for (const [host, ingress] of owners) {
    const a = aliasIntent(ingress)
    if (!a) continue
    for (const alias of a.names) {
      const twinOf = wwwTwins.get(alias)
      if (twinOf !== undefined) {
        diagnostics.push(diagnostic('server-alias-is-www-redirect', {alias, redirectOf: twinOf}, {...about('Ingress', ingress.ref), annotation: a.from[0], source: ingress.source}))
        continue
      }
      if (alias === host.name || hosts.has(alias)) {
        diagnostics.push(diagnostic('server-alias-is-host', {alias}, {...about('Ingress', ingress.ref), annotation: a.from[0], source: ingress.source}))
        continue
      }
      claims.set(alias, [...(claims.get(alias) ?? []), host])
    }
  }
  for (const [alias, claimants] of claims) {
    const [first, ...others] = [...claimants].sort((a, b) => compareStrings(a.name, b.name))
    first!.aliases.push(alias)
    first!.aliasFrom = aliasIntent(owners.get(first!)!)
    for (const other of others) {
      const ingress = owners.get(other)!
      diagnostics.push(
        diagnostic('server-alias-duplicate', {alias, host: other.name, firstHost: first!.name}, {...about('Ingress', ingress.ref), annotation: aliasIntent(ingress)!.from[0], source: ingress.source}),
      )
    }
  }
  for (const [host, ingress] of owners) {
    const a = aliasIntent(ingress)
    if (host.aliasFrom === undefined && a) (host.aliasesIgnored ??= []).push(a)
  }
}

/**
 * createServers: a host gets its certificate from the first Ingress (nginx order) that has a rule for the host and
 * a non-empty spec.tls: the entry listing the host, else a Secret of that Ingress whose certificate covers the
 * host, else the default certificate. Any of these makes the host an HTTPS host (listener and redirect); later
 * Ingresses' TLS for the host is ignored, and a TLS host without a rule in that Ingress counts for nothing.
 */
function assignTls(primaries: IngressModel[], hosts: Map<string, HostModel>): void {
  for (const ingress of primaries) {
    const tls: any[] = Array.isArray(ingress.object.spec.tls) ? ingress.object.spec.tls : []
    if (tls.length === 0) continue
    const rules: any[] = Array.isArray(ingress.object.spec.rules) ? ingress.object.spec.rules : []
    for (const hostName of new Set(rules.map((r) => normalizeHost(r?.host)))) {
      const host = hosts.get(hostName)
      if (!host || hostName === '' || host.tls) continue
      const index = tls.findIndex((e) => Array.isArray(e?.hosts) && e.hosts.some((h: unknown) => normalizeHost(h) === hostName))
      const entry = index >= 0 ? tls[index] : undefined
      host.tls = {
        ingress,
        entryIndex: index >= 0 ? index : undefined,
        secretName: typeof entry?.secretName === 'string' && entry.secretName !== '' ? entry.secretName : undefined,
      }
    }
  }
}

function reportConflict(
  winner: Location,
  loser: IngressModel,
  loserBackend: ServiceBackend,
  host: string,
  match: MatchKind,
  path: string,
  diagnostics: Diagnostic[],
): void {
  const same = winner.ingress === loser
  const wt = winner.ingress.object.metadata.creationTimestamp
  const lt = loser.object.metadata.creationTimestamp
  const owner: PathOwnerReason = same
    ? {winner: winner.ingress.id, reason: 'listed-twice'}
    : winner.fromDefaultBackend && winner.host === ''
      ? {winner: winner.ingress.id, reason: 'catch-all'}
    : createdBefore(winner.ingress, loser)
      ? {winner: winner.ingress.id, reason: 'older', winnerCreated: String(wt), loserCreated: String(lt)}
    : creationSecond(wt) !== undefined && creationSecond(lt) === undefined
      ? {winner: winner.ingress.id, reason: 'undated', winnerCreated: String(wt)}
      : {winner: winner.ingress.id, reason: 'tie'}
  if (crossControllerNote(winner.ingress, loser)) {
    const facts = {host, match, path, firstService: serviceText(winner.backend), secondService: serviceText(loserBackend), owner}
    diagnostics.push(
      diagnostic('cross-controller-conflict', {case: 'path', ...crossData(winner.ingress, loser), ...facts}, {
        ...about('Ingress', loser.ref),
        hint: 'give each class its own Gateway (--gateway-for CLASS=NS/NAME), or remove the path from one of the Ingresses',
        source: loser.source,
      }),
    )
    return
  }
  diagnostics.push(
    diagnostic('path-conflict', {host, match, path, loser: loser.id, ...owner}, {
      ...about('Ingress', loser.ref),
      ...(same ? {} : {hint: 'Gateway API would break the tie by route age and name, not Ingress age: remove the duplicate path from one Ingress'}),
      source: loser.source,
    }),
  )
}

/** Both have a creationTimestamp and `a`'s is the earlier second (nginx order had no tie to break by name). */
function createdBefore(a: IngressModel, b: IngressModel): boolean {
  const at = creationSecond(a.object.metadata?.creationTimestamp)
  const bt = creationSecond(b.object.metadata?.creationTimestamp)
  return at !== undefined && bt !== undefined && at < bt
}

/** A canary path whose upstream another Ingress created: it carries no traffic shaping (upstreams.ts upstreamCreators). */
function reportCanaryNotCreator(canary: IngressModel, creator: IngressModel, backend: ServiceBackend, where: string, diagnostics: Diagnostic[]): void {
  const creatorOlder = createdBefore(creator, canary)
  diagnostics.push(
    diagnostic(
      'canary-upstream-not-created',
      {where, service: {namespace: backend.namespace, name: backend.name, port: backend.port}, creator: creator.id, creatorIsCanary: creator.isCanary, creatorOlder},
      {...about('Ingress', canary.ref), hint: 'give the canary a Service (or port) of its own if it is meant to receive traffic, then convert again', source: canary.source},
    ),
  )
}

/** A primary's path nginx left out because a canary created its upstream (upstreams.ts canaryOwnedUpstreams). */
function reportCanaryOwned(ingress: IngressModel, canary: IngressModel, backend: ServiceBackend, host: string, match: MatchKind, path: string, where: string, diagnostics: Diagnostic[]): void {
  const canaryOlder = createdBefore(canary, ingress)
  diagnostics.push(
    diagnostic('upstream-owned-by-canary', {where, host, match, path, service: {namespace: backend.namespace, name: backend.name, port: backend.port}, canary: canary.id, canaryOlder}, {
      ...about('Ingress', ingress.ref),
      hint: `point the canary at a Service of its own (a canary on the primary's Service has no effect in ingress-nginx), then convert again; to serve this path as written, remove the canary annotation from ${canary.id}`,
      source: ingress.source,
    }),
  )
}

/**
 * Canary Ingresses never create locations: each of their paths attaches to the location with the same host,
 * path and pathType, and the canary Service becomes the alternative backend of that location's upstream
 * (first canary wins). Because the alternative hangs off the upstream, every location routed to the same
 * Service:port gets the same split (controller.go mergeAlternativeBackends).
 */
/**
 * A canary attached to no primary location has no effect in ingress-nginx (controller.go mergeAlternativeBackends
 * finds no location to hang it on): the canary family's accounts of its keys (merged into the primary route, exact
 * weights...) are withdrawn, and each key ends in `ignored`, said by one warning.
 */
function reportUnattachedCanary(canary: IngressModel, diagnostics: Diagnostic[]): void {
  const subject = about('Ingress', canary.ref)
  const keys = [...canary.annotations.values()].filter((a) => a.key === 'canary' || a.key.startsWith('canary-')).map((a) => a.fullKey).sort(compareStrings)
  const own = new Set(keys)
  for (let i = diagnostics.length - 1; i >= 0; i--) {
    const d = diagnostics[i]!
    if (d.object === subject.object && d.annotation !== undefined && own.has(d.annotation)) diagnostics.splice(i, 1)
  }
  for (const key of keys) canary.fidelity.revise(key, 'ignored', 'canary-unattached')
  diagnostics.push(diagnostic('canary-unattached', {canary: canary.id, keys}, {...subject, ...(keys.length > 0 ? {annotation: keys[0]} : {}), source: canary.source}))
}

function attachCanaries(
  ingresses: IngressModel[],
  owner: Map<string, Location>,
  services: Map<string, KubeObject>,
  creators: Map<string, IngressModel>,
  diagnostics: Diagnostic[],
): Map<string, {ingress: IngressModel; backend: ServiceBackend}> {
  const byUpstream = new Map<string, {ingress: IngressModel; backend: ServiceBackend}>()
  for (const canary of ingresses.filter((i) => i.isCanary && i.served)) {
    const subject = about('Ingress', canary.ref)
    let attached = 0
    const rules: any[] = Array.isArray(canary.object.spec.rules) ? canary.object.spec.rules : []
    const candidates: {host: string; path: string; match: MatchKind; backend: any; where: string}[] = []
    rules.forEach((rule, ri) => {
      const paths: any[] = Array.isArray(rule?.http?.paths) ? rule.http.paths : []
      paths.forEach((p, pi) =>
        candidates.push({
          host: normalizeHost(rule?.host),
          // mergeAlternativeBackends compares the canary's path as written with the location's (an empty path
          // became `/` there): a canary path left empty never matches, even beside a primary path left empty.
          path: typeof p?.path === 'string' ? p.path : '',
          match: matchOf(p?.pathType),
          backend: p?.backend,
          where: `rules[${ri}].http.paths[${pi}]`,
        }),
      )
    })
    if (canary.object.spec.defaultBackend) {
      candidates.push({host: '', path: '/', match: 'Prefix', backend: canary.object.spec.defaultBackend, where: 'spec.defaultBackend'})
    }
    for (const c of candidates) {
      const primary = c.path === '' ? undefined : owner.get(`${c.host}|${c.match}|${c.path}`)
      const creator = c.backend?.service ? creators.get(nginxUpstream(canary.ref.namespace, c.backend.service)) : undefined
      if (!primary && creator && !creator.isCanary) {
        // The upstream is not NoServer: getBackendServers adds the canary's path like any Ingress's (canaries are set
        // aside only after their locations are added), on its host's server or, without one, the catch-all server.
        diagnostics.push(
          diagnostic(
            'canary-path-served',
            {where: c.where, host: c.host, match: c.match, path: c.path, creator: creator.id},
            {...subject, hint: 'add the path to a primary Ingress if it should keep being served, then convert again', source: canary.source},
          ),
        )
        continue
      }
      if (!primary) {
        diagnostics.push(diagnostic('canary-without-primary', {where: c.where, host: c.host, match: c.match, path: c.path}, {...subject, source: canary.source}))
        continue
      }
      const backend = resolveBackend(canary, c.backend, services, c.where, diagnostics)
      if (!backend) continue
      if (upstreamKey(backend) === upstreamKey(primary.backend!)) {
        diagnostics.push(diagnostic('canary-same-service', {where: c.where, upstream: upstreamKey(backend)}, {...subject, source: canary.source}))
        continue
      }
      if (creator && creator !== canary) {
        reportCanaryNotCreator(canary, creator, backend, c.where, diagnostics)
        continue
      }
      const key = upstreamKey(primary.backend!)
      const existing = byUpstream.get(key)
      if (existing && existing.ingress !== canary) {
        diagnostics.push(diagnostic('canary-shadowed', {where: c.where, upstream: key, canary: existing.ingress.id}, {...subject, source: canary.source}))
        continue
      }
      if (!existing) byUpstream.set(key, {ingress: canary, backend})
      primary.canaries.push({ingress: canary, backend})
      attached++
    }
    if (attached === 0 && candidates.length > 0) reportUnattachedCanary(canary, diagnostics)
  }
  return byUpstream
}
