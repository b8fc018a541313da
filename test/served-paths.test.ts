/**
 * matchServedPath (Lookup.serviceForPath) against nginx's location choice outside regex mode: location.go
 * updateServerLocations turns Prefix `p` into `location p/` (normalizePrefixPath) plus the exact twin `location = p`
 * (skipped when an Exact `p` exists); nginx's ngx_http_core_find_static_location takes an exact location first, else
 * the longest prefix location, and answers a URI one slash short of a prefix location with 301 (auto_redirect, set by
 * proxy_pass) before any shorter prefix is used.
 */
import test from 'ava'
import {matchServedPath, type ServedLocation} from '../src/translate/served-paths.js'

const at = (name: string, path: string, exact = false): ServedLocation => ({
  path,
  exact,
  found: {namespace: 'n', name, port: 80, ingress: `n/${name}`, location: `${exact ? 'Exact' : 'Prefix'} ${path}`, authenticated: false},
})

test('a Prefix path written with a trailing slash does not serve the path without it: nginx answers 301 there', (t) => {
  const locations = [at('root', '/'), at('api', '/api/')]
  // location /api/ + location = /api/; `/api` matches neither, and nginx redirects it to /api/ (not `location /`).
  t.is(matchServedPath(locations, '/api'), undefined)
  t.is(matchServedPath(locations, '/api/')?.name, 'api')
  t.is(matchServedPath(locations, '/api/v1')?.name, 'api')
  t.is(matchServedPath(locations, '/apix')?.name, 'root')
})

test('a Prefix path without a trailing slash serves itself through its exact twin, and only whole segments below it', (t) => {
  const locations = [at('root', '/'), at('api', '/api')]
  t.is(matchServedPath(locations, '/api')?.name, 'api')
  t.is(matchServedPath(locations, '/api/')?.name, 'api')
  t.is(matchServedPath(locations, '/api/v1')?.name, 'api')
  t.is(matchServedPath(locations, '/apix')?.name, 'root')
})

test('an exact location of the path wins over the 301 of a Prefix path with a trailing slash', (t) => {
  // Another Ingress's Exact /api, or a Prefix /api's twin `= /api`, answers /api itself.
  t.is(matchServedPath([at('root', '/'), at('api', '/api/'), at('exact', '/api', true)], '/api')?.name, 'exact')
  t.is(matchServedPath([at('root', '/'), at('slash', '/api/'), at('bare', '/api')], '/api')?.name, 'bare')
  // The Exact path beats the Prefix twin of the same path (location.go skips the twin).
  t.is(matchServedPath([at('prefix', '/api'), at('exact', '/api', true)], '/api')?.name, 'exact')
})

test('the longest prefix location wins, measured as nginx writes it (with its trailing slash)', (t) => {
  const locations = [at('root', '/'), at('a', '/a'), at('ab', '/a/b/')]
  t.is(matchServedPath(locations, '/a/b/c')?.name, 'ab')
  t.is(matchServedPath(locations, '/a/c')?.name, 'a')
  t.is(matchServedPath(locations, '/a/b'), undefined, 'one slash short of /a/b/: 301, even though /a/ matches')
  t.is(matchServedPath([at('a', '/a')], '/b'), undefined)
})
