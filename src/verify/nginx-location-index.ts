/**
 * nginx's choice of location (src/translate/nginx-locations.ts selectNginxLocation: ngx_http_core_find_location and
 * the 301 auto-redirect) over an index of one server's locations, made once per server: verify asks it for every
 * probe, tens per server, and the scans of every location per probe were the largest part of the nginx side. Pure.
 */
import {selectNginxLocation, type NginxChoice, type NginxLocation, type NginxServer} from '../translate/nginx-locations.js'

export interface LocationIndex {
  /** `=` locations by path: the first of a path (selectNginxLocation's first loop returns the first equal one). */
  exact: Map<string, {location: NginxLocation}>
  /** The paths `<uri>` of the prefix locations `<uri>/` (its second loop: a prefix location equal to `${uri}/`). */
  slashTwins: Set<string>
  /** The prefix locations, longest path first, equal lengths in server order (stable sort), each in its choice. */
  prefixes: Array<{location: NginxLocation}>
}

/** The index of a server that is not in regex mode (a regex server is answered by selectNginxLocation itself). */
export function indexLocations(server: NginxServer): LocationIndex {
  const exact = new Map<string, {location: NginxLocation}>()
  const slashTwins = new Set<string>()
  const prefixes: Array<{location: NginxLocation}> = []
  for (const location of server.locations) {
    if (location.modifier === '=' && !exact.has(location.path)) exact.set(location.path, Object.freeze({location}))
    if (location.modifier !== '') continue
    if (location.path.endsWith('/')) slashTwins.add(location.path.slice(0, -1))
    prefixes.push(Object.freeze({location}))
  }
  prefixes.sort((a, b) => b.location.path.length - a.location.path.length)
  return {exact, slashTwins, prefixes}
}

/**
 * selectNginxLocation(server, uri), the same answer by its three steps:
 * 1. the first `=` location whose path equals the URI: `exact`, which kept the first of each path;
 * 2. a prefix location whose path is the URI plus `/` (length one more, ends with `/`, starts with the URI: exactly
 *    `${uri}/`): `slashTwins` holds those paths without the slash;
 * 3. the longest prefix location the URI starts with, the first of that length (`>` keeps the earlier): in
 *    `prefixes`, sorted by length descending and stable, the first one that matches.
 * The answers are frozen and shared (the caller only reads them), as selectNginxLocation's are made per call.
 */
export function findLocation(server: NginxServer, index: LocationIndex | undefined, uri: string): NginxChoice {
  if (index === undefined) return selectNginxLocation(server, uri)
  const exact = index.exact.get(uri)
  if (exact !== undefined) return exact
  if (index.slashTwins.has(uri)) return {slashRedirect: `${uri}/`}
  for (const choice of index.prefixes) if (uri.startsWith(choice.location.path)) return choice
  return undefined
}
