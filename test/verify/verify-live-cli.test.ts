/**
 * `verify --nginx-address --gateway-address` through the CLI, against two HTTP servers on 127.0.0.1 started here (one
 * playing the ingress-nginx data plane, one the Gateway's): the derived probes reach both, a mis-routed path is
 * reported under its Ingress with both answers (exit 1), identical data planes exit 0, and the flag errors (one
 * address without the other, a bad --timeout) exit 2 before anything is sent.
 */
import test from 'ava'
import type http from 'node:http'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {runCli} from '../support/run-cli.js'
import {closedPort, startServer, type TestServer} from './live-support.js'

process.env.HOME = mkdtempSync(join(tmpdir(), 'i2g-verify-live-home-'))
const dir = mkdtempSync(join(tmpdir(), 'i2g-verify-live-'))

/** One Ingress, no TLS: /api to the api Service, everything else of the host to web. */
const SHOP = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: shop, namespace: app, creationTimestamp: "2024-01-01T00:00:00Z"}
spec:
  ingressClassName: nginx
  rules:
  - host: app.example.test
    http:
      paths:
      - {path: /api, pathType: Prefix, backend: {service: {name: api, port: {number: 80}}}}
      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
`
const fixture = join(dir, 'shop.yaml')
writeFileSync(fixture, SHOP)

type Route = (host: string, path: string) => string | undefined

/**
 * ingress-nginx as it serves SHOP: Prefix /api is `location /api/` plus `= /api` (a path-segment prefix, so /apix
 * is web's), everything else of the host goes to web; an unknown host gets the default server's 404.
 */
const nginxRoute: Route = (host, path) => {
  if (host !== 'app.example.test') return undefined
  const bare = path.split('?')[0]!
  return bare === '/api' || bare.startsWith('/api/') ? 'api backend\n' : 'web backend\n'
}

/** A Gateway that lost the /api rule: everything of the host goes to web. */
const misroutingGateway: Route = (host) => (host === 'app.example.test' ? 'web backend\n' : undefined)

function plane(route: Route): http.RequestListener {
  return (req, res) => {
    const body = route(req.headers.host ?? '', req.url ?? '')
    res.writeHead(body === undefined ? 404 : 200, {'content-type': 'text/plain'})
    res.end(body ?? 'no such host\n')
  }
}

/** Faster than the default 20 probes a second (these servers are local), each request bounded. */
const PACE = ['--qps', '200', '--timeout', '5s']

interface Planes {
  nginx: TestServer
  gateway: TestServer
  args: string[]
}

/** Both data planes on 127.0.0.1; their HTTPS ports are a closed port (the https probes are refused on both alike). */
async function planes(t: {teardown(fn: () => Promise<void>): void}, nginxRoute_: Route, gatewayRoute: Route): Promise<Planes> {
  const nginx = await startServer(plane(nginxRoute_))
  const gateway = await startServer(plane(gatewayRoute))
  t.teardown(() => nginx.close())
  t.teardown(() => gateway.close())
  const https = await closedPort()
  return {nginx, gateway, args: ['--nginx-address', `127.0.0.1:${nginx.port}:${https}`, '--gateway-address', `127.0.0.1:${gateway.port}:${https}`, ...PACE]}
}

test.serial('a mis-routed path is reported under its Ingress with both answers; exit 1', async (t) => {
  const {nginx, gateway, args} = await planes(t, nginxRoute, misroutingGateway)
  const r = await runCli(['verify', '-f', fixture, ...args])
  t.is(r.exitCode, 1, r.stderr)
  t.notRegex(r.stderr, /^error:/m)
  // Every probe reached both data planes (parallel 4 interleaves them: compared as sets).
  t.true(nginx.seen.length > 10, `${nginx.seen.length} requests`)
  t.deepEqual(nginx.seen.map((s) => `${s.method} ${s.host}${s.path}`).sort(), gateway.seen.map((s) => `${s.method} ${s.host}${s.path}`).sort())
  // The expected differences: exactly the requests the two tables answer differently.
  const misrouted = nginx.seen.filter((s) => nginxRoute(s.host, s.path) !== misroutingGateway(s.host, s.path)).map((s) => `${s.method} http://${s.host}${s.path}`)
  t.true(misrouted.includes('GET http://app.example.test/api/sub'))
  t.false(misrouted.includes('GET http://app.example.test/apix'), 'a prefix sibling is web on both')
  const lines = r.stdout.split('\n')
  t.is(lines[0], `nginx data plane ${args[1]}, gateway data plane ${args[3]}`)
  t.is(lines[1], 'Ingress app/shop:')
  const differing = lines.filter((l) => /^  \S.*: body differs$/.test(l)).map((l) => l.trim().replace(/: body differs$/, ''))
  t.deepEqual(differing.sort(), misrouted.sort())
  // The response pair and the offline models' verdict (the converted routes are right: the live Gateway is not).
  const at = lines.indexOf('  GET http://app.example.test/api/sub: body differs')
  t.regex(lines[at + 1]!, new RegExp(`^    nginx   127\\.0\\.0\\.1:${nginx.port}  200  text/plain  12 B sha256:[0-9a-f]{12}$`))
  t.regex(lines[at + 2]!, new RegExp(`^    gateway 127\\.0\\.0\\.1:${gateway.port}  200  text/plain  12 B sha256:[0-9a-f]{12}$`))
  t.is(lines[at + 3], '    offline models: the same answer')
  t.true(lines.includes('no answer from either: GET https://app.example.test/: ECONNREFUSED'))
  const sent = nginx.seen.length + 2 // the two https probes were refused before a request
  t.is(lines.at(-2), `live: ${sent} probes, ${sent} sent, ${misrouted.length} differ, 2 without an answer from either data plane`)
})

test.serial('-o json: every probe with both answers, its group and the offline verdict', async (t) => {
  const {args} = await planes(t, nginxRoute, misroutingGateway)
  const r = await runCli(['verify', '-f', fixture, ...args, '-o', 'json'])
  t.is(r.exitCode, 1, r.stderr)
  const json = JSON.parse(r.stdout)
  const sub = json.probes.find((p: any) => p.request === 'GET http://app.example.test/api/sub')
  t.like(sub, {group: 'app/shop', ingresses: ['app/shop'], differences: ['body'], offline: {differences: []}, nginx: {kind: 'response', response: {status: 200, bodyBytes: 12}}})
  t.is(json.summary.differ, json.probes.filter((p: any) => p.differences.length > 0).length)
  t.like(json.perIngress['app/shop'], {differ: json.summary.differ})
})

test.serial('identical data planes: no difference, exit 0', async (t) => {
  const {nginx, args} = await planes(t, nginxRoute, nginxRoute)
  const r = await runCli(['verify', '-f', fixture, ...args, '--probe', 'GET http://app.example.test/api/orders?page=2'])
  t.is(r.exitCode, 0, r.stderr)
  t.false(r.stdout.includes('Ingress app/shop:'))
  t.true(nginx.seen.some((s) => s.path === '/api/orders?page=2'), 'the --probe is sent with the derived ones')
  t.regex(r.stdout, /\nlive: (\d+) probes, \1 sent, 0 differ, 2 without an answer from either data plane\n$/)
})

test.serial('neither data plane answering anything is an error, not a pass (exit 2)', async (t) => {
  const closed = await closedPort()
  const r = await runCli(['verify', '-f', fixture, '--nginx-address', `127.0.0.1:${closed}:${closed}`, '--gateway-address', `127.0.0.1:${closed}:${closed}`, '--qps', '200', '--only-given', '--probe', 'GET http://app.example.test/'])
  t.is(r.exitCode, 2)
  t.regex(r.stderr, /^1 Ingress\(es\) -> 1 object\(s\);/, 'the conversion summary comes first, as offline')
  t.is(r.stderr.slice(r.stderr.indexOf('error:')), `error: no probe got an answer from either data plane (1 sent): check --nginx-address 127.0.0.1:${closed}:${closed} and --gateway-address 127.0.0.1:${closed}:${closed}\n`)
})

test.serial('one address without the other, or a bad --timeout, is a usage error (exit 2) before anything is sent', async (t) => {
  const {nginx, args} = await planes(t, nginxRoute, nginxRoute)
  const one = await runCli(['verify', '-f', fixture, '--nginx-address', args[1]!])
  t.is(one.exitCode, 2)
  t.is(one.stderr, 'error: --nginx-address needs --gateway-address too: the live mode sends every probe to both data planes\n')
  const other = await runCli(['verify', '-f', fixture, '--gateway-address', args[3]!])
  t.is(other.stderr, 'error: --gateway-address needs --nginx-address too: the live mode sends every probe to both data planes\n')
  const addresses = args.slice(0, 4)
  const timeout = await runCli(['verify', '-f', fixture, ...addresses, '--timeout', '10 seconds'])
  t.is(timeout.exitCode, 2)
  t.is(timeout.stderr, 'error: --timeout expects a duration such as 30s, 5m or 1m30s, got "10 seconds"\n')
  const zero = await runCli(['verify', '-f', fixture, ...addresses, '--timeout', '0'])
  t.is(zero.stderr, 'error: --timeout must be longer than 0 (each request needs a limit), got "0"\n')
  const address = await runCli(['verify', '-f', fixture, '--nginx-address', 'http://10.0.0.1', '--gateway-address', args[3]!])
  t.regex(address.stderr, /^error: --nginx-address "http:\/\/10\.0\.0\.1": a URL, not an address/)
  const insecure = await runCli(['verify', '-f', fixture, '--insecure'])
  t.is(insecure.stderr, 'error: --insecure applies to the live mode only: give --nginx-address and --gateway-address too\n')
  t.is(nginx.seen.length, 0)
})

test.serial('probes for two Gateways (two controllers) are refused: one pair of data planes is compared at a time', async (t) => {
  const {nginx, args} = await planes(t, nginxRoute, nginxRoute)
  const internal = join(dir, 'internal.yaml')
  writeFileSync(internal, SHOP.replace('name: shop', 'name: admin').replace('ingressClassName: nginx', 'ingressClassName: internal').replace('app.example.test', 'admin.example.test'))
  const r = await runCli(['verify', '-f', fixture, '-f', internal, '--gateway-for', 'internal=gateway/internal', ...args])
  t.is(r.exitCode, 2)
  t.is(
    r.stderr.slice(r.stderr.indexOf('error:')),
    "error: the probes belong to 2 Gateways (gateway/internal, gateway/shared), each with its own ingress-nginx controller; the live mode compares one pair of data planes: select one controller's Ingresses with --ingress-class\n",
  )
  t.is(nginx.seen.length, 0)
  const one = await runCli(['verify', '-f', fixture, '-f', internal, '--gateway-for', 'internal=gateway/internal', '--ingress-class', 'internal', ...args])
  t.is(one.exitCode, 0, one.stderr)
  t.true(nginx.seen.length > 0 && nginx.seen.every((s) => s.host.endsWith('admin.example.test')), 'only the selected controller\'s hosts are probed')
})
