/**
 * nginx's own view of one server (host): the locations ingress-nginx renders for it, in the order and with the
 * modifiers nginx.tmpl writes, and nginx's choice of location for a request path. This is the ingress-nginx side of
 * the model that the route emitter follows in regex mode and that a `verify` command can run probes against; the
 * real-nginx harness (test/support/real-nginx.ts) checks it against nginx itself.
 *
 * The steps, all from ingress-nginx controller-v1.15.1:
 * - controller.go createServers: every server starts with a `location /`, built from the annotations of the first
 *   Ingress (in store order) with a rule for the host; a Prefix `/` path of any Ingress replaces it in place
 *   (getBackendServers), so it keeps the first position.
 * - controller.go getBackendServers: locations sorted by path, descending, then by path length, descending (both
 *   stable: equal paths keep the order the Ingresses added them).
 * - location.go updateServerLocations: a Prefix path not ending in `/`, without rewrite or use-regex, becomes
 *   `<path>/` plus an exact twin `= <path>`; the twin is left out when an Exact path equal to it exists.
 * - template.go enforceRegexModifier: once any location needs a rewrite (a rewrite-target that differs from its
 *   path, after the trailing slash was added) or has use-regex, every location is `~* "^<path>"`.
 * - template.go buildLocation / buildProxyPass: `= "<path>"`, `"<path>"` or `~* "^<path>"`; `rewrite "(?i)<path>"
 *   <target> break;` where the target differs from the path.
 */
import type {HostModel, IngressModel, Location} from '../model/ingress-model.js'
import {compareUtf8, utf8Length} from '../util/utf8.js'

export interface NginxLocation {
  /** The path as nginx.tmpl renders it (updateServerLocations may have added a trailing slash). */
  path: string
  /** `=` exact, `` prefix, `~*` the case-insensitive regex `^<path>` (host-wide regex mode). */
  modifier: '=' | '' | '~*'
  /** The model location it renders; undefined for the fallback `/` that proxies to the default backend. */
  location?: Location
  /** The Ingress whose annotations the location carries (undefined: the catch-all server's own `/`). */
  ingress?: IngressModel
  /** The rewrite target buildProxyPass renders here (`rewrite "(?i)<path>" <target> break;`). */
  rewrite?: string
  /** True for the exact twin updateServerLocations added beside a Prefix path. */
  twin?: boolean
}

export interface NginxServer {
  regex: boolean
  /** Ingresses (ids) whose locations turned regex mode on. */
  regexFrom: string[]
  locations: NginxLocation[]
}

/** rewrite-target as ingress-nginx reads it (any valid value, nginx variables included): the resolved setting. */
function rewriteTargetOf(ingress: IngressModel | undefined): string | undefined {
  return ingress?.settings.rewriteTarget
}

/** use-regex as rewrite/main.go Parse reads it (the resolved setting), whatever the families did with it. */
function useRegexOf(ingress: IngressModel | undefined): boolean {
  return ingress?.settings.useRegex === true
}

interface Draft {
  path: string
  exact: boolean
  location?: Location
  ingress?: IngressModel
  /** The catch-all server's `/` from a rule-less Ingress: controller.go keeps its Redirect and Rewrite empty. */
  bare?: boolean
}

/** The server's locations as getBackendServers has them before its sort: the `location /` first, then the others. */
function draftsOf(host: HostModel): Draft[] {
  const root = host.locations.find((l) => l.path === '/' && l.match === 'Prefix')
  return [
    root
      ? {path: '/', exact: false, location: root, ingress: root.ingress, bare: host.name === '' && root.fromDefaultBackend}
      : {path: '/', exact: false, ingress: host.name === '' ? undefined : host.fallback?.ingress},
    ...host.locations.filter((l) => l !== root).map((l) => ({path: l.path, exact: l.match === 'Exact', location: l, ingress: l.ingress})),
  ]
}

/**
 * Whether a location turns its server regex (enforceRegexModifier): its Ingress has use-regex, or a rewrite-target
 * that differs from the path as updateServerLocations renders it: as written for `/`, an Exact path or a target
 * that differs from it; `<path>/` for a Prefix path without the slash, which then differs from a target equal to
 * the path as written.
 */
function turnsRegex(d: Draft): boolean {
  if (d.bare || !d.ingress) return false
  if (useRegexOf(d.ingress)) return true
  const target = rewriteTargetOf(d.ingress)
  if (target === undefined) return false
  return target !== d.path || (!d.exact && !d.path.endsWith('/'))
}

/** The Ingresses (ids, sorted) whose locations turn the host's server regex: renderServer's regexFrom, without the rendering. */
export function regexSources(host: HostModel): string[] {
  return regexSourcesOf(draftsOf(host))
}

function regexSourcesOf(drafts: Draft[]): string[] {
  const from = new Set<string>()
  for (const d of drafts) if (turnsRegex(d)) from.add(d.ingress!.id)
  return [...from].sort()
}

/** The locations of one server in nginx's order, with the regex-mode decision. */
export function renderServer(host: HostModel): NginxServer {
  const drafts = draftsOf(host)
  const regexFrom = regexSourcesOf(drafts)
  // controller.go getBackendServers: sort.SliceStable by Path descending, then by len(Path) descending
  // (Array.prototype.sort is stable too); Go's len and `>` count and compare UTF-8 bytes, not UTF-16 code units.
  const sorted = drafts.sort((a, b) => utf8Length(b.path) - utf8Length(a.path) || compareUtf8(b.path, a.path))
  const exactPaths = new Set(sorted.filter((d) => d.exact).map((d) => d.path))
  const expanded: (NginxLocation & {useRegex: boolean; target?: string})[] = []
  for (const d of sorted) {
    const target = d.bare ? undefined : rewriteTargetOf(d.ingress)
    const useRegex = !d.bare && useRegexOf(d.ingress)
    const {location, ingress} = d
    if (d.path === '/' || d.exact || useRegex || (target !== undefined && target !== d.path)) {
      expanded.push({location, ingress, useRegex, target, path: d.path, modifier: d.exact ? '=' : ''})
      continue
    }
    expanded.push({location, ingress, useRegex, target, path: d.path.endsWith('/') ? d.path : `${d.path}/`, modifier: ''})
    if (!exactPaths.has(d.path)) expanded.push({location, ingress, useRegex, target, path: d.path, modifier: '=', twin: true})
  }
  const needsRewrite = (l: {path: string; target?: string}) => l.target !== undefined && l.target !== l.path
  const regex = regexFrom.length > 0
  const locations = expanded.map((l): NginxLocation => {
    const out: NginxLocation = {path: l.path, modifier: regex ? '~*' : l.modifier, location: l.location, ingress: l.ingress}
    if (needsRewrite(l)) out.rewrite = l.target
    if (l.twin) out.twin = true
    return out
  })
  return {regex, regexFrom, locations}
}

/** nginx's `~* "^<path>"` as a JavaScript regex (PCRE and JavaScript agree on the paths Ingresses use). */
export function nginxLocationRegex(path: string): RegExp | undefined {
  try {
    return new RegExp(`^${path}`, 'i')
  } catch {
    return undefined
  }
}

/** What nginx does with a request path on this server: a location, or its 301 to the path with a slash added. */
export type NginxChoice = {location: NginxLocation} | {slashRedirect: string} | undefined

/**
 * ngx_http_core_find_location: an exact location equal to the URI, else the longest matching prefix, unless a
 * regex location matches first (in config order). A prefix location `<uri>/` with proxy_pass answers `<uri>` with
 * a 301 to `<uri>/` when nothing else matches exactly (auto_redirect).
 */
export function selectNginxLocation(server: NginxServer, uri: string): NginxChoice {
  if (server.regex) {
    const hit = server.locations.find((l) => compiled(l, 'location')?.test(uri))
    return hit ? {location: hit} : undefined
  }
  // Loops, not find/some with `${uri}/` made per location: verify asks this for every probe.
  for (const l of server.locations) if (l.modifier === '=' && l.path === uri) return {location: l}
  for (const l of server.locations) {
    if (l.modifier === '' && l.path.length === uri.length + 1 && l.path.endsWith('/') && l.path.startsWith(uri)) return {slashRedirect: `${uri}/`}
  }
  let best: NginxLocation | undefined
  for (const l of server.locations) {
    if (l.modifier === '' && uri.startsWith(l.path) && (!best || l.path.length > best.path.length)) best = l
  }
  return best ? {location: best} : undefined
}

/**
 * The request path nginx passes upstream after `rewrite "(?i)<path>" <target> break;`: the whole URI is replaced by
 * the target, `$n` taken from the captures of the first match (an unset group is empty).
 */
export function applyNginxRewrite(location: NginxLocation, uri: string): string {
  if (location.rewrite === undefined) return uri
  const regex = compiled(location, 'rewrite')
  if (!regex) return uri
  const m = regex.exec(uri)
  if (!m) return uri
  return location.rewrite.replace(/\$(\d)/g, (_r, n: string) => m![Number(n)] ?? '')
}

/**
 * A location's regexes, compiled once: verify sends dozens of probes to each server, and compiling `^<path>` for
 * every location at every probe was a good part of its time. Neither regex has the g or y flag, so test/exec keep
 * no state between probes. null: the path is not a JavaScript regex.
 */
const regexes = new WeakMap<NginxLocation, {location?: RegExp | null; rewrite?: RegExp | null}>()

function compiled(location: NginxLocation, use: 'location' | 'rewrite'): RegExp | undefined {
  let entry = regexes.get(location)
  if (!entry) regexes.set(location, (entry = {}))
  if (entry[use] === undefined) {
    if (use === 'location') entry.location = nginxLocationRegex(location.path) ?? null
    else {
      try {
        entry.rewrite = new RegExp(location.path, 'i')
      } catch {
        entry.rewrite = null
      }
    }
  }
  return entry[use] ?? undefined
}
