/**
 * The location index verify routes probes with (src/verify/nginx-location-index.ts findLocation) answers as
 * selectNginxLocation (src/translate/nginx-locations.ts) does, the same location object or the same 301, for random
 * servers of exact and prefix locations with shared prefixes, twins, duplicates and trailing slashes.
 */
import test from 'ava'
import fc from 'fast-check'
import {selectNginxLocation, type NginxLocation, type NginxServer} from '../../src/translate/nginx-locations.js'
import {findLocation, indexLocations} from '../../src/verify/nginx-location-index.js'

const segment = fc.constantFrom('a', 'ab', 'b', 'api', 'x.y', '')
const path = fc.array(segment, {minLength: 0, maxLength: 3}).chain((parts) => fc.boolean().map((slash) => `/${parts.join('/')}${slash && parts.length > 0 ? '/' : ''}`.replace(/\/\/+/g, '/')))
const location = fc.record({path, modifier: fc.constantFrom<'=' | ''>('=', '', '')})

function same(t: {is: (a: unknown, b: unknown, m?: string) => void; deepEqual: (a: unknown, b: unknown, m?: string) => void}, server: NginxServer, uri: string): void {
  const want = selectNginxLocation(server, uri)
  const got = findLocation(server, indexLocations(server), uri)
  if (want === undefined || got === undefined) return t.is(got, want, uri)
  if ('slashRedirect' in want) return t.deepEqual(got, want, uri)
  t.is('location' in got ? got.location : undefined, want.location, uri)
}

test('findLocation answers as selectNginxLocation: exact, the 301 to the slash, the longest prefix (the first of its length)', (t) => {
  fc.assert(
    fc.property(fc.array(location, {minLength: 0, maxLength: 12}), fc.array(path, {minLength: 1, maxLength: 8}), (specs, uris) => {
      const locations: NginxLocation[] = specs.map((l) => ({...l}))
      const server: NginxServer = {regex: false, regexFrom: [], locations}
      for (const uri of [...uris, ...specs.map((l) => l.path), ...specs.map((l) => l.path.replace(/\/$/, ''))]) same(t, server, uri)
    }),
    {numRuns: 300},
  )
})

test('a regex server is answered by selectNginxLocation itself (no index)', (t) => {
  const locations: NginxLocation[] = [{path: '/a[0-9]+', modifier: '~*'}, {path: '/', modifier: '~*'}]
  const server: NginxServer = {regex: true, regexFrom: ['app/x'], locations}
  t.is((findLocation(server, undefined, '/A12') as {location: NginxLocation}).location, locations[0])
  t.is((findLocation(server, undefined, '/b') as {location: NginxLocation}).location, locations[1])
})
