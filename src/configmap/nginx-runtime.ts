import {noEffect} from './observability.js'
import type {ConfigMapFamily} from './types.js'

const PROCESS = 'tunes the nginx process; Envoy is sized through the EnvoyProxy resource'
const HASHES = 'sizes an nginx hash table; Envoy has none to size'

/** The rest: workers, hash tables, listening sockets, resolver and GeoIP of the nginx process itself. */
export const nginxRuntimeFamily: ConfigMapFamily = {
  name: 'nginx-runtime',
  specs: [
    noEffect('worker-processes', 'Worker processes', '(number of CPUs)', PROCESS, 'as-written'),
    noEffect('worker-cpu-affinity', 'Worker CPU affinity', '', PROCESS, 'as-written'),
    noEffect('worker-shutdown-timeout', 'Graceful shutdown of old workers', '240s', 'bounds how long old nginx workers finished requests after a reload; Envoy drains on its own', 'as-written'),
    noEffect('max-worker-connections', 'Connections per worker', '16384', PROCESS),
    noEffect('max-worker-open-files', 'Open files per worker', '0', PROCESS),
    noEffect('enable-multi-accept', 'Accept several connections at once', 'true', PROCESS),
    noEffect('enable-serial-reloads', 'Reload workers one at a time', 'false', PROCESS),
    noEffect('enable-aio-write', 'Asynchronous file writes', 'true', PROCESS),
    noEffect('reuse-port', 'SO_REUSEPORT listeners', 'true', PROCESS),
    noEffect('bind-address', 'Addresses nginx listens on', '', 'chooses nginx\'s listening addresses; the Envoy Service decides where Envoy is reached', 'entries-dropped'),
    noEffect('disable-ipv6', 'No IPv6 listeners', 'false', 'chooses nginx\'s listening sockets; the Envoy Service decides where Envoy is reached'),
    noEffect('disable-ipv6-dns', 'No IPv6 DNS answers', 'false', 'tunes nginx\'s resolver; Envoy resolves through its own settings'),
    noEffect('variables-hash-bucket-size', 'Variables hash bucket', '256', HASHES),
    noEffect('variables-hash-max-size', 'Variables hash size', '2048', HASHES),
    noEffect('map-hash-bucket-size', 'Map hash bucket', '64', HASHES),
    noEffect('server-name-hash-bucket-size', 'Server names hash bucket', '(CPU cache line)', HASHES),
    noEffect('server-name-hash-max-size', 'Server names hash size', '1024', HASHES),
    noEffect('proxy-headers-hash-bucket-size', 'Proxy headers hash bucket', '64', HASHES),
    noEffect('proxy-headers-hash-max-size', 'Proxy headers hash size', '512', HASHES),
    noEffect('server-tokens', 'nginx version in Server headers and error pages', 'false', 'chose what nginx said about itself; Envoy answers with server: envoy'),
    noEffect('default-type', 'MIME type of responses without one', 'text/html', 'typed responses nginx generated itself; Envoy\'s own responses are text/plain', 'as-written'),
    noEffect('use-geoip2', 'GeoIP2 variables', 'false', 'loaded GeoIP2 databases for nginx variables; Envoy has no GeoIP variables (rate limits by country need an external service)'),
    noEffect('geoip2-autoreload-in-minutes', 'GeoIP2 database reload', '0', 'see use-geoip2'),
  ],
}
