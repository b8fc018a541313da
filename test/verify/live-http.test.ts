/**
 * Live verify over plain HTTP against two servers on 127.0.0.1 started here, one playing the ingress-nginx data
 * plane and one the Gateway's: a mis-route, a missing redirect and a missing CORS header must be reported, identical
 * answers must not; refused and timed-out requests; concurrency counted by the servers; the rate under a virtual clock.
 */
import {createHash} from 'node:crypto'
import type http from 'node:http'
import {gzipSync} from 'node:zlib'
import test from 'ava'
import {parseDataPlaneAddress} from '../../src/verify/live/address.js'
import {compareLive} from '../../src/verify/live/compare-live.js'
import {liveComparisonJson, renderLiveText} from '../../src/verify/live/render.js'
import type {Probe} from '../../src/verify/outcome.js'
import {closedPort, nginxPage, startServer, virtualClock, type TestServer} from './live-support.js'

const sha = (body: string): string => `sha256:${createHash('sha256').update(body).digest('hex')}`

/** Each data plane: Host + path -> status, headers, body. `null` answers 404 "no route". */
type Table = (host: string, path: string, method: string) => {status: number; headers?: Record<string, string>; body?: string} | null

function playing(table: Table): http.RequestListener {
  return (req, res) => {
    const answer = table(req.headers.host ?? '', req.url ?? '', req.method ?? '') ?? {status: 404, body: 'no route\n'}
    res.writeHead(answer.status, {'content-type': 'text/plain', ...answer.headers})
    res.end(answer.body ?? '')
  }
}

const CORS = {'access-control-allow-origin': 'https://app.example.test'}

const nginxTable: Table = (host, path) => {
  if (host === 'secure.example.test') return {status: 308, headers: {location: 'https://secure.example.test/', 'content-type': 'text/html'}, body: '<html>308 Permanent Redirect</html>'}
  if (host !== 'app.example.test') return null
  if (path.startsWith('/api')) return {status: 200, body: 'api backend\n'}
  if (path === '/cors') return {status: 200, headers: CORS, body: 'web backend\n'}
  return {status: 200, body: 'web backend\n'}
}

/** The Gateway: /api sent to the web backend (mis-route), no HTTPS redirect for secure.example.test, no CORS. */
const gatewayTable: Table = (host) => {
  if (host === 'secure.example.test') return {status: 200, body: 'secure site\n'}
  if (host !== 'app.example.test') return null
  return {status: 200, body: 'web backend\n'}
}

async function planes(t: {teardown(fn: () => Promise<void>): void}, nginxHandler: http.RequestListener, gatewayHandler: http.RequestListener): Promise<{nginx: TestServer; gateway: TestServer; nginxAddress: string; gatewayAddress: string}> {
  const nginx = await startServer(nginxHandler)
  const gateway = await startServer(gatewayHandler)
  t.teardown(() => nginx.close())
  t.teardown(() => gateway.close())
  // The HTTPS ports are never used by these http probes: a closed port would refuse them.
  const unused = await closedPort()
  return {nginx, gateway, nginxAddress: `127.0.0.1:${nginx.port}:${unused}`, gatewayAddress: `127.0.0.1:${gateway.port}:${unused}`}
}

const get = (host: string, path: string, extra: Partial<Probe> = {}): Probe => ({scheme: 'http', host, path, ...extra})

test('a mis-route, a missing redirect and a missing CORS header are reported; identical answers are not', async (t) => {
  const {nginx, gateway, nginxAddress, gatewayAddress} = await planes(t, playing(nginxTable), playing(gatewayTable))
  const probes = [
    get('app.example.test', '/api/users?page=2'),
    get('app.example.test', '/web'),
    get('secure.example.test', '/'),
    get('app.example.test', '/cors'),
    get('app.example.test', '/web', {method: 'HEAD'}),
    get('unknown.example.test', '/'),
    get('app.example.test', '/web', {method: 'DELETE'}),
  ]
  const comparison = await compareLive(probes, {nginx: parseDataPlaneAddress(nginxAddress), gateway: parseDataPlaneAddress(gatewayAddress), clock: virtualClock()})
  t.deepEqual(
    comparison.results.map((r) => [r.request, r.differences]),
    [
      ['GET http://app.example.test/api/users?page=2', ['body']],
      ['GET http://app.example.test/web', []],
      ['GET http://secure.example.test/', ['status', 'location', 'body']],
      ['GET http://app.example.test/cors', ['header access-control-allow-origin']],
      ['HEAD http://app.example.test/web', []],
      ['GET http://unknown.example.test/', []],
      ['DELETE http://app.example.test/web', []],
    ],
  )
  t.deepEqual(comparison.summary, {probes: 7, sent: 6, notSent: 1, differ: 3, failedAlike: 0})
  t.is(comparison.results[6].notSent, 'method DELETE is not sent unless allowed (allowed: GET, HEAD)')
  const head = comparison.results[4].nginx
  t.true(head?.kind === 'response' && head.response.bodyDigest === undefined && head.response.bodyBytes === 0, 'HEAD has no body to digest')
  // Both servers saw the same requests, with the probe's Host header and path, and never the DELETE.
  const expectedSeen = probes.slice(0, 6).map((p) => ({method: p.method ?? 'GET', host: p.host, path: p.path}))
  const bySeen = (a: {path: string; host: string; method: string}, b: {path: string; host: string; method: string}): number => JSON.stringify(a).localeCompare(JSON.stringify(b))
  t.deepEqual([...nginx.seen].sort(bySeen), [...expectedSeen].sort(bySeen))
  t.deepEqual([...gateway.seen].sort(bySeen), [...expectedSeen].sort(bySeen))

  const n = `127.0.0.1:${nginx.port}`
  const g = `127.0.0.1:${gateway.port}`
  const short = (body: string): string => sha(body).slice(0, 'sha256:'.length + 12)
  t.is(
    renderLiveText(comparison),
    [
      `nginx data plane ${nginxAddress}, gateway data plane ${gatewayAddress}`,
      'GET http://app.example.test/api/users?page=2: body differs',
      `  nginx   ${n}  200  text/plain  12 B ${short('api backend\n')}`,
      `  gateway ${g}  200  text/plain  12 B ${short('web backend\n')}`,
      'GET http://secure.example.test/: status, location, body differ',
      `  nginx   ${n}  308 -> https://secure.example.test/  text/html  35 B ${short('<html>308 Permanent Redirect</html>')}`,
      `  gateway ${g}  200  text/plain  12 B ${short('secure site\n')}`,
      'GET http://app.example.test/cors: header access-control-allow-origin differs',
      `  nginx   ${n}  200  text/plain  12 B ${short('web backend\n')}`,
      `  gateway ${g}  200  text/plain  12 B ${short('web backend\n')}`,
      '  access-control-allow-origin: nginx "https://app.example.test", gateway (absent)',
      'not sent: DELETE http://app.example.test/web: method DELETE is not sent unless allowed (allowed: GET, HEAD)',
      'live: 7 probes, 6 sent, 3 differ, 1 not sent',
      '',
    ].join('\n'),
  )
  const json = JSON.parse(JSON.stringify(liveComparisonJson(comparison)))
  t.deepEqual(json.probes[0], {
    request: 'GET http://app.example.test/api/users?page=2',
    probe: probes[0],
    differences: ['body'],
    nginx: {endpoint: n, kind: 'response', response: {status: 200, headers: {}, contentType: 'text/plain', bodyDigest: sha('api backend\n'), bodyBytes: 12, bodyTruncated: false}},
    gateway: {endpoint: g, kind: 'response', response: {status: 200, headers: {}, contentType: 'text/plain', bodyDigest: sha('web backend\n'), bodyBytes: 12, bodyTruncated: false}},
  })
  t.deepEqual(json.summary, comparison.summary)
  t.is(json.nginxAddress, nginxAddress)
})

test('other methods are sent when allowed', async (t) => {
  const {nginx, gateway, nginxAddress, gatewayAddress} = await planes(t, playing(nginxTable), playing(gatewayTable))
  const comparison = await compareLive([get('app.example.test', '/web', {method: 'DELETE'})], {
    nginx: parseDataPlaneAddress(nginxAddress),
    gateway: parseDataPlaneAddress(gatewayAddress),
    methods: ['delete'],
    clock: virtualClock(),
  })
  t.deepEqual(comparison.summary, {probes: 1, sent: 1, notSent: 0, differ: 0, failedAlike: 0})
  t.deepEqual(nginx.seen, [{method: 'DELETE', host: 'app.example.test', path: '/web'}])
  t.deepEqual(gateway.seen, [{method: 'DELETE', host: 'app.example.test', path: '/web'}])
})

test('only the first 64 KiB of a body are compared', async (t) => {
  const body = (tail: string): http.RequestListener => (_req, res) => res.end('a'.repeat(70_000) + tail.repeat(30_000))
  const {nginxAddress, gatewayAddress} = await planes(t, body('b'), body('c'))
  const comparison = await compareLive([get('big.example.test', '/')], {nginx: parseDataPlaneAddress(nginxAddress), gateway: parseDataPlaneAddress(gatewayAddress), clock: virtualClock()})
  const [result] = comparison.results
  t.deepEqual(result.differences, [], 'the bodies differ only after 64 KiB')
  t.true(result.nginx?.kind === 'response')
  if (result.nginx?.kind !== 'response') return
  t.is(result.nginx.response.bodyDigest, sha('a'.repeat(65_536)))
  t.is(result.nginx.response.bodyBytes, 65_536)
  t.true(result.nginx.response.bodyTruncated)
})

test('compression: a lost Content-Encoding is reported, bodies are compared decoded', async (t) => {
  const page = 'x'.repeat(5000)
  // nginx with gzip on (ingress-nginx use-gzip) compresses when the client accepts it; this Gateway does not.
  const gzipAt =
    (level: number): http.RequestListener =>
    (req, res) => {
      if (!/\bgzip\b/.test(req.headers['accept-encoding'] ?? '')) return res.end(page)
      res.writeHead(200, {'content-encoding': 'gzip'})
      res.end(gzipSync(page, {level}))
    }
  const plain: http.RequestListener = (_req, res) => res.end(page)
  const {nginxAddress, gatewayAddress} = await planes(t, gzipAt(9), plain)
  const options = {nginx: parseDataPlaneAddress(nginxAddress), gateway: parseDataPlaneAddress(gatewayAddress), clock: virtualClock()}
  const comparison = await compareLive([get('app.example.test', '/'), get('app.example.test', '/', {headers: {'Accept-Encoding': 'identity'}})], options)
  t.deepEqual(comparison.results.map((r) => r.differences), [['header content-encoding'], []])
  t.like(comparison.results[0].nginx, {kind: 'response', response: {headers: {'content-encoding': 'gzip'}, bodyDigest: sha(page), bodyBytes: 5000}})
  // Two compressors (here two levels) write different bytes for the same page: no body difference.
  t.notDeepEqual(gzipSync(page, {level: 1}), gzipSync(page, {level: 9}))
  const both = await planes(t, gzipAt(9), gzipAt(1))
  const levels = await compareLive([get('app.example.test', '/')], {...options, nginx: parseDataPlaneAddress(both.nginxAddress), gateway: parseDataPlaneAddress(both.gatewayAddress)})
  t.deepEqual(levels.results[0].differences, [])
  t.like(levels.results[0].gateway, {kind: 'response', response: {headers: {'content-encoding': 'gzip'}, bodyDigest: sha(page)}})
})

test('an empty body labelled gzip is an empty body; a body that does not decode is no answer', async (t) => {
  const labelled: http.RequestListener = (req, res) => {
    res.writeHead(200, {'content-encoding': 'gzip'})
    res.end(req.url === '/broken' ? 'not gzip at all' : '')
  }
  const {nginxAddress, gatewayAddress} = await planes(t, labelled, playing(() => ({status: 200})))
  const comparison = await compareLive([get('app.example.test', '/empty'), get('app.example.test', '/broken')], {
    nginx: parseDataPlaneAddress(nginxAddress),
    gateway: parseDataPlaneAddress(gatewayAddress),
    clock: virtualClock(),
  })
  t.like(comparison.results[0].nginx, {kind: 'response', response: {bodyDigest: sha(''), bodyBytes: 0}})
  t.deepEqual(comparison.results[0].differences, ['header content-encoding'])
  t.like(comparison.results[1].nginx, {kind: 'error', code: 'Z_DATA_ERROR'})
  t.regex((comparison.results[1].nginx as {message: string}).message, /^the body is not valid gzip: /)
  t.deepEqual(comparison.results[1].differences, ['answer'])
})

test('no route on either side is no difference though nginx writes a page and Envoy none; a backend 404 is one', async (t) => {
  // ingress-nginx answers a request without a route from its default server's `return 404` (nginx.tmpl).
  const nginx: http.RequestListener = (_req, res) => {
    res.writeHead(404, {'content-type': 'text/html'})
    res.end(nginxPage(404, 'Not Found'))
  }
  // The Gateway: no route for unknown hosts (Envoy's empty 404), but /api goes to a backend that answers 404 itself.
  const gateway: http.RequestListener = (req, res) => {
    res.writeHead(404, req.url === '/api' ? {'content-type': 'application/json'} : {})
    res.end(req.url === '/api' ? '{"error":"not found"}' : '')
  }
  const {nginxAddress, gatewayAddress} = await planes(t, nginx, gateway)
  const comparison = await compareLive([get('unknown.example.test', '/'), get('app.example.test', '/api')], {nginx: parseDataPlaneAddress(nginxAddress), gateway: parseDataPlaneAddress(gatewayAddress), clock: virtualClock()})
  t.deepEqual(comparison.results.map((r) => r.differences), [[], ['body']])
  t.like(comparison.results[0], {nginx: {response: {proxyPage: 'nginx'}}, gateway: {response: {proxyPage: 'envoy', bodyBytes: 0}}})
  t.regex(renderLiveText(comparison), /\n  nginx   127\.0\.0\.1:\d+  404  text\/html  \d+ B sha256:[0-9a-f]{12}  \(nginx error page\)\n  gateway 127\.0\.0\.1:\d+  404  application\/json  21 B sha256:[0-9a-f]{12}\n/)
})

test('a connection refused on both sides is no difference; on one side it is', async (t) => {
  const nginx = await startServer(playing(nginxTable))
  t.teardown(() => nginx.close())
  const refused = await closedPort()
  const probe = [get('app.example.test', '/web')]
  const both = await compareLive(probe, {nginx: parseDataPlaneAddress(`127.0.0.1:${refused}:${refused}`), gateway: parseDataPlaneAddress(`127.0.0.1:${refused}:${refused}`), clock: virtualClock()})
  t.deepEqual(both.results[0].differences, [])
  t.like(both.results[0].nginx, {kind: 'error', code: 'ECONNREFUSED'})
  t.deepEqual(both.summary, {probes: 1, sent: 1, notSent: 0, differ: 0, failedAlike: 1})
  t.regex(renderLiveText(both), /\nno answer from either: GET http:\/\/app\.example\.test\/web: ECONNREFUSED\nlive: 1 probe, 1 sent, 0 differ, 1 without an answer from either data plane\n$/)
  const one = await compareLive(probe, {nginx: parseDataPlaneAddress(`127.0.0.1:${nginx.port}:${refused}`), gateway: parseDataPlaneAddress(`127.0.0.1:${refused}:${refused}`), clock: virtualClock()})
  t.deepEqual(one.results[0].differences, ['answer'])
  t.regex(renderLiveText(one), /  gateway 127\.0\.0\.1:\d+  no answer: ECONNREFUSED \(connect ECONNREFUSED 127\.0\.0\.1:\d+\)\n/)
})

test('a request without an answer ends at the timeout and its connection is closed', async (t) => {
  let closed = 0
  let allClosed: () => void = () => undefined
  const everyConnectionClosed = new Promise<void>((resolve) => (allClosed = resolve))
  const hang: http.RequestListener = (req) => {
    req.socket.on('close', () => {
      if (++closed === 3) allClosed()
    })
  }
  const {nginxAddress, gatewayAddress} = await planes(t, hang, hang)
  const answering = await startServer(playing(nginxTable))
  t.teardown(() => answering.close())
  const probe = [get('app.example.test', '/web')]
  const both = await compareLive(probe, {nginx: parseDataPlaneAddress(nginxAddress), gateway: parseDataPlaneAddress(gatewayAddress), timeoutMs: 200, clock: virtualClock()})
  t.deepEqual(both.results[0].differences, [], 'timing out on both sides alike')
  t.deepEqual(both.results[0].nginx, {kind: 'error', code: 'TIMEOUT', message: 'no complete answer within 200 ms'})
  // Generous, so that the answering side answers in time even on a loaded machine.
  const one = await compareLive(probe, {nginx: parseDataPlaneAddress(`127.0.0.1:${answering.port}:1`), gateway: parseDataPlaneAddress(gatewayAddress), timeoutMs: 3000, clock: virtualClock()})
  t.deepEqual(one.results[0].differences, ['answer'])
  t.like(one.results[0], {nginx: {kind: 'response'}, gateway: {kind: 'error', code: 'TIMEOUT'}})
  // The client gave up on all three hung requests: the servers see their connections close.
  await everyConnectionClosed
  t.is(closed, 3)
})

test('at most `parallel` probes are in flight, as each server counts them, and that many are reached', async (t) => {
  const counters = [0, 1].map(() => ({inFlight: 0, most: 0}))
  // A barrier per server: requests are held until two are in flight, then both are answered. A client that sent a
  // third would raise `most` to 3; one that sent them one by one would hang until the timeout.
  const barrier = (counter: {inFlight: number; most: number}): http.RequestListener => {
    const held: http.ServerResponse[] = []
    return (_req, res) => {
      counter.inFlight++
      counter.most = Math.max(counter.most, counter.inFlight)
      held.push(res)
      if (held.length < 2) return
      for (const r of held.splice(0)) {
        counter.inFlight--
        r.end('same\n')
      }
    }
  }
  const {nginx, gateway, nginxAddress, gatewayAddress} = await planes(t, barrier(counters[0]), barrier(counters[1]))
  const probes = Array.from({length: 8}, (_, i) => get('app.example.test', `/p${i}`))
  const comparison = await compareLive(probes, {nginx: parseDataPlaneAddress(nginxAddress), gateway: parseDataPlaneAddress(gatewayAddress), parallel: 2, qps: 1000, timeoutMs: 10_000, clock: virtualClock()})
  t.deepEqual(comparison.summary, {probes: 8, sent: 8, notSent: 0, differ: 0, failedAlike: 0})
  t.deepEqual(counters, [{inFlight: 0, most: 2}, {inFlight: 0, most: 2}])
  t.is(nginx.seen.length, 8)
  t.is(gateway.seen.length, 8)
  t.deepEqual(comparison.results.map((r) => r.probe.path), probes.map((p) => p.path), 'results in probe order')
})

test('the rate: at qps 5 each data plane receives a request every 200 ms of the injected clock', async (t) => {
  const clock = virtualClock()
  const arrivals: number[][] = [[], []]
  const stamping = (list: number[]): http.RequestListener => (_req, res) => {
    list.push(clock.now())
    res.end('ok\n')
  }
  const {nginxAddress, gatewayAddress} = await planes(t, stamping(arrivals[0]), stamping(arrivals[1]))
  const probes = Array.from({length: 4}, (_, i) => get('app.example.test', `/p${i}`))
  const options = {nginx: parseDataPlaneAddress(nginxAddress), gateway: parseDataPlaneAddress(gatewayAddress), qps: 5}
  // One at a time, the virtual time at which each request reaches a server is the time its token was granted.
  await compareLive(probes, {...options, parallel: 1, clock})
  t.deepEqual(arrivals, [
    [0, 200, 400, 600],
    [0, 200, 400, 600],
  ])
  t.deepEqual(clock.sleeps, [200, 200, 200])
  // With four in flight the rate still holds: the same waits, the same virtual span for four probes.
  const parallelClock = virtualClock()
  await compareLive(probes, {...options, parallel: 4, clock: parallelClock})
  t.deepEqual(parallelClock.sleeps, [200, 200, 200])
  t.is(parallelClock.now(), 600)
})

test('options out of range are refused before anything is sent', async (t) => {
  const {nginx, gateway, nginxAddress, gatewayAddress} = await planes(t, playing(nginxTable), playing(gatewayTable))
  const base = {nginx: parseDataPlaneAddress(nginxAddress), gateway: parseDataPlaneAddress(gatewayAddress), clock: virtualClock()}
  const probe = [get('app.example.test', '/web')]
  await t.throwsAsync(compareLive(probe, {...base, parallel: 0}), {message: 'parallel must be a whole number >= 1, got 0'})
  await t.throwsAsync(compareLive(probe, {...base, qps: 0}), {message: 'rate must be a positive number of requests per second, got 0'})
  await t.throwsAsync(compareLive(probe, {...base, timeoutMs: 0}), {message: 'timeout must be a whole number of milliseconds >= 1, got 0'})
  t.is(nginx.seen.length + gateway.seen.length, 0)
})
