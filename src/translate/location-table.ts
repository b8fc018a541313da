/**
 * The families' view of nginx's locations (Lookup.hostServed, serviceForPath, ingressesOnHost: an auth-url pointing
 * at a host of the input), read from the same table the routes are built from (hosts.ts collectLocations) and with
 * nginx's own choice of location (nginx-locations.ts renderServer + selectNginxLocation): regex mode host-wide,
 * Prefix `/p/` not serving `/p`, paths nginx skipped left out. Built before the families run, from what the resolve
 * phase settled (settings.ts: use-regex, rewrite-target, auth-url, backend-protocol), so no family's order matters.
 */
import {passesThrough} from './annotation-pass.js'
import {restorePlaceholders} from '../annotations/placeholders.js'
import {parseRedirectAnnotations} from '../annotations/redirects.js'
import type {Lookup, PassthroughServer, ServedPath} from '../annotations/types.js'
import {normalizeHost} from '../model/names.js'
import {addFallbacks, collectLocations, type LocationTable} from './hosts.js'
import type {IngressModel} from '../model/ingress-model.js'
import {renderServer, selectNginxLocation, type NginxChoice, type NginxServer} from './nginx-locations.js'
import type {KubeObject} from '../model/types.js'

export type ServedLocations = Pick<Lookup, 'hostServed' | 'serviceForPath' | 'ingressesOnHost' | 'passthroughServer'>

/**
 * Whether the Ingress's locations answer with permanent/temporal-redirect. controller.go locationApplyAnnotations
 * gives every location of the Ingress its Redirect (and the host's fallback `location /` that of the host's first
 * Ingress), and nginx.tmpl renders `return <code> <url>` before buildProxyPass: a rewrite-phase `return`, so the
 * request (an auth subrequest too) never reaches the access phase's auth_request nor the Service. Read from the
 * annotations as redirect.go Parse reads them (as verify's nginx model does), not from the redirects family's
 * intents, which must not leak into another family's answers.
 */
function answersWithRedirect(ingress: IngressModel, memo: Map<IngressModel, boolean>): boolean {
  let answers = memo.get(ingress)
  if (answers === undefined) {
    const parsed = parseRedirectAnnotations((key) => ingress.annotations.get(key)?.raw)
    answers = parsed.outcome === 'config' && parsed.config.url !== ''
    memo.set(ingress, answers)
  }
  return answers
}

/** The Service behind nginx's choice; undefined for its 301, a redirect, the default backend, or a port no Service names. */
function servedPathOf(choice: NginxChoice, redirects: Map<IngressModel, boolean>): ServedPath | undefined {
  if (!choice || !('location' in choice)) return undefined
  const loc = choice.location.location
  if (!loc?.backend || answersWithRedirect(loc.ingress, redirects)) return undefined
  const {settings} = loc.ingress
  return {
    namespace: loc.backend.namespace,
    name: loc.backend.name,
    port: loc.backend.port,
    ingress: loc.ingress.id,
    location: `${loc.match} ${loc.path}`,
    authenticated: settings.authUrl !== undefined,
    backendProtocol: settings.backendProtocol,
  }
}

/**
 * The lookups over one Gateway's served, non-canary Ingresses (hosts as keys: a `${VAR}` placeholder as written,
 * in its own case). A path whose port cannot be resolved stays a location (nginx has it) that names no Service.
 */
export function servedLocations(ingresses: IngressModel[], services: Map<string, KubeObject>): ServedLocations {
  // Built at the first question (most Gateways have no Ingress whose families ask), from what is final before the
  // families run: which Ingresses are served and canaries, their settings, the Services. With each named host's
  // `location /` of its first Ingress (createServers), as the routes have it, without the redirect `location /` the
  // redirects family adds to the routes' table: the families' intents must not leak into another family's answers,
  // whichever ran first. A location that answers with a redirect serves no Service either way (answersWithRedirect).
  let built: LocationTable | undefined
  const tableOf = (): LocationTable => (built ??= addFallbacks(collectLocations(ingresses, services, [], 'keep'), 'not-decided'))
  let passthrough: Map<string, PassthroughServer> | undefined
  // Per controller, only when the Gateway's Ingresses come from several (a Gateway of one controller reads the table).
  const ownTables = new Map<string, LocationTable>()
  const ownServers = new Map<string, Map<string, PassthroughServer>>()
  let oneController: boolean | undefined
  const ownTable = (controller: string): LocationTable => {
    oneController ??= ingresses.every((i) => i.controller === ingresses[0]!.controller)
    if (oneController) return tableOf()
    let table = ownTables.get(controller)
    if (!table) ownTables.set(controller, (table = collectLocations(ingresses.filter((i) => i.controller === controller), services, [], 'keep')))
    return table
  }
  const servers = new Map<string, NginxServer>()
  const redirects = new Map<IngressModel, boolean>()
  const serverOf = (host: string): NginxServer | undefined => {
    const name = normalizeHost(restorePlaceholders(host))
    let server = servers.get(name)
    const model = tableOf().hosts.get(name)
    if (!server && model) servers.set(name, (server = renderServer(model)))
    return server
  }
  return {
    hostServed: (host) => tableOf().hosts.has(normalizeHost(restorePlaceholders(host))),
    serviceForPath: (host, path) => {
      const server = serverOf(host)
      return server ? servedPathOf(selectNginxLocation(server, path), redirects) : undefined
    },
    // The Ingresses whose locations become routes on the host (a location without a Service emits none).
    ingressesOnHost: (host) => {
      const locations = tableOf().hosts.get(normalizeHost(restorePlaceholders(host)))?.locations ?? []
      const owners = new Map<string, {ingress: string; authenticated: boolean; rulePaths: boolean}>()
      for (const l of locations) {
        if (l.backend === undefined) continue
        const owner = owners.get(l.ingress.id) ?? {ingress: l.ingress.id, authenticated: l.ingress.settings.authUrl !== undefined, rulePaths: false}
        owner.rulePaths ||= !l.fromDefaultBackend
        owners.set(l.ingress.id, owner)
      }
      return [...owners.values()]
    },
    passthroughServer: (host, controller) => {
      const name = normalizeHost(restorePlaceholders(host))
      passthrough ??= passthroughServers(tableOf())
      const {passthrough: list, aliasOwner: gatewayAliasOwner} = passthrough.get(name) ?? {passthrough: []}
      // The server, its alias and its `location /` are those of the controller that served the asking Ingress: two
      // controllers sharing this Gateway never saw each other's Ingresses (controllers.ts), so neither one's `/`
      // nor server-alias was the other's. The passthrough list stays the Gateway's: it has one TLSRoute per host.
      const own = ownTable(controller)
      const aliasOwner = own === tableOf() ? gatewayAliasOwner : (ownServers.get(controller) ?? ownServers.set(controller, passthroughServers(own)).get(controller)!).get(name)?.aliasOwner
      const server: PassthroughServer = {passthrough: list}
      if (aliasOwner !== undefined) server.aliasOwner = aliasOwner
      const root = rootOf(own, name)
      if (root) server.root = root
      const firstController = list[0] === undefined || oneController ? controller : tableOf().primaries.find((i) => i.id === list[0])?.controller
      const firstRoot = firstController === undefined || firstController === controller ? root : rootOf(ownTable(firstController), name)
      if (firstRoot) server.firstRoot = firstRoot
      return server
    },
  }
}

/** The host's Prefix `/` location a rule path made (createServers' own `location /` has no Service to dial). */
function rootOf(table: LocationTable, name: string): PassthroughServer['root'] {
  const root = table.owner.get(`${name}|Prefix|/`)
  return !root || root.fromDefaultBackend ? undefined : {ingress: root.ingress.id, backend: root.backend}
}

/**
 * Per named host: its ssl-passthrough Ingresses and the Ingress whose server-alias it took, in nginx order (the
 * table's primaries). Read from the annotations, as annotation-pass.ts passesThrough and hosts.ts assignAliases do:
 * no family's output.
 */
function passthroughServers(table: LocationTable): Map<string, PassthroughServer> {
  const servers = new Map<string, PassthroughServer>()
  for (const ingress of table.primaries) {
    const passes = passesThrough(ingress)
    const alias = ingress.annotations.get('server-alias')
    const aliases = alias !== undefined && alias.valid && Array.isArray(alias.value) && alias.value.length > 0
    if (!passes && !aliases) continue
    const rules: any[] = Array.isArray(ingress.object.spec.rules) ? ingress.object.spec.rules : []
    for (const name of new Set(rules.map((r) => normalizeHost(r?.host)))) {
      if (name === '') continue
      let server = servers.get(name)
      if (!server) servers.set(name, (server = {passthrough: []}))
      if (passes) server.passthrough.push(ingress.id)
      if (aliases) server.aliasOwner ??= ingress.id
    }
  }
  return servers
}
