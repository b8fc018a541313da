/**
 * nginx's choice of location (src/translate/nginx-locations.ts selectNginxLocation: ngx_http_core_find_location and
 * the 301 auto-redirect) over an index of one server's locations, made once per server: verify asks it for every
 * probe, tens per server, and the scans of every location per probe were the largest part of the nginx side. The
 * index is one map and one list per server (rendered servers are kept for the run). Pure.
 */
import {selectNginxLocation, type NginxChoice, type NginxLocation, type NginxServer} from '../translate/nginx-locations.js'

export interface LocationIndex {
  /**
   * The answer of selectNginxLocation's first two loops by URI: the first `=` location whose path is the URI, else
   * (a string) the `${uri}/` of a prefix location with that path, whose 301 the second loop answers.
   */
  byUri: Map<string, NginxLocation | string>
  /** The prefix locations, longest path first, equal lengths in server order (a stable sort). */
  prefixes: NginxLocation[]
}

/** The index of a server that is not in regex mode (a regex server is answered by selectNginxLocation itself). */
export function indexLocations(server: NginxServer): LocationIndex {
  const byUri = new Map<string, NginxLocation | string>()
  const prefixes: NginxLocation[] = []
  // The exact locations first: the first loop's answer stands before the second's.
  for (const location of server.locations) if (location.modifier === '=' && !byUri.has(location.path)) byUri.set(location.path, location)
  for (const location of server.locations) {
    if (location.modifier !== '') continue
    const uri = location.path.slice(0, -1)
    if (location.path.endsWith('/') && !byUri.has(uri)) byUri.set(uri, location.path)
    prefixes.push(location)
  }
  prefixes.sort((a, b) => b.path.length - a.path.length)
  return {byUri, prefixes}
}

/**
 * selectNginxLocation(server, uri), the same answer by its three steps:
 * 1. the first `=` location whose path equals the URI: in `byUri`, which took the first of each path;
 * 2. a prefix location whose path is the URI plus `/` (length one more, ends with `/`, starts with the URI: exactly
 *    `${uri}/`): in `byUri` under the path without its slash, where no exact location has that path;
 * 3. the longest prefix location the URI starts with, the first of that length (`>` keeps the earlier): in
 *    `prefixes`, sorted by length descending and stable, the first one that matches.
 */
export function findLocation(server: NginxServer, index: LocationIndex | undefined, uri: string): NginxChoice {
  if (index === undefined) return selectNginxLocation(server, uri)
  const known = index.byUri.get(uri)
  if (known !== undefined) return typeof known === 'string' ? {slashRedirect: known} : {location: known}
  for (const location of index.prefixes) if (uri.startsWith(location.path)) return {location}
  return undefined
}
