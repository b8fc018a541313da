/** Live verify, pure parts: data plane addresses, the request a probe becomes (curl --resolve), answer comparison. */
import test from 'ava'
import {parseDataPlaneAddress} from '../../src/verify/live/address.js'
import {answerDifferences, proxyErrorPage} from '../../src/verify/live/compare.js'
import {describeProbe, redactProbe, SAFE_METHODS, wireRequest} from '../../src/verify/live/request.js'
import type {LiveAnswer, LiveResponse} from '../../src/verify/live/types.js'
import type {Probe} from '../../src/verify/outcome.js'
import {nginxPage} from './live-support.js'

test('HOST alone means ports 80 and 443', (t) => {
  t.deepEqual(parseDataPlaneAddress('10.0.0.7'), {host: '10.0.0.7', httpPort: 80, httpsPort: 443, text: '10.0.0.7'})
  t.deepEqual(parseDataPlaneAddress('envoy.gateway.svc.cluster.local'), {host: 'envoy.gateway.svc.cluster.local', httpPort: 80, httpsPort: 443, text: 'envoy.gateway.svc.cluster.local'})
})

test('HOST:HTTP_PORT:HTTPS_PORT, and IPv6 in brackets with or without ports', (t) => {
  t.deepEqual(parseDataPlaneAddress('localhost:8080:8443'), {host: 'localhost', httpPort: 8080, httpsPort: 8443, text: 'localhost:8080:8443'})
  t.deepEqual(parseDataPlaneAddress('[2001:db8::1]'), {host: '2001:db8::1', httpPort: 80, httpsPort: 443, text: '[2001:db8::1]'})
  t.deepEqual(parseDataPlaneAddress('[::1]:18080:18443'), {host: '::1', httpPort: 18080, httpsPort: 18443, text: '[::1]:18080:18443'})
})

test('malformed addresses are refused naming the flag, the value and the problem', (t) => {
  const cases: Array<[string, RegExp]> = [
    ['', /empty/],
    ['https://10.0.0.7', /a URL, not an address/],
    ['10.0.0.7/x', /no path/],
    ['10.0.0.7:8080', /give both ports, HTTP then HTTPS/],
    ['10.0.0.7:8080:x', /HTTPS port "x" is not a number/],
    ['10.0.0.7:0:443', /HTTP port 0 is outside 1-65535/],
    ['10.0.0.7:80:70000', /HTTPS port 70000 is outside 1-65535/],
    ['2001:db8::1', /IPv6 address must be written in brackets/],
    ['[2001:db8::1', /"\[" without "\]"/],
    ['[example.com]:80:443', /not an IPv6 address/],
    ['[::1]8080', /unexpected "8080" after "\]"/],
    ['bad_host!:80:443', /is not a host name or IP address/],
  ]
  for (const [value, problem] of cases) {
    const error = t.throws(() => parseDataPlaneAddress(value, '--gateway-address'), undefined, value)
    t.regex(error!.message, problem, value)
    t.true(error!.message.startsWith(`--gateway-address "${value}": `), value)
    t.regex(error!.message, /expected HOST \(ports 80 and 443\) or HOST:HTTP_PORT:HTTPS_PORT/, value)
  }
})

test('a probe becomes the request curl --resolve sends: Host from the probe, SNI the host name, none for an IP literal', (t) => {
  t.deepEqual(wireRequest({scheme: 'https', host: 'a.example.com', path: '/x?y=1', headers: {Cookie: 'canary=always'}}, SAFE_METHODS), {
    method: 'GET',
    scheme: 'https',
    hostHeader: 'a.example.com',
    path: '/x?y=1',
    headers: {'user-agent': 'kubectl-ingress2gw-verify', accept: '*/*', 'accept-encoding': 'gzip, deflate, br', cookie: 'canary=always'},
    sni: 'a.example.com',
    identity: 'a.example.com',
  })
  const ip = wireRequest({scheme: 'https', host: '192.0.2.10', path: '/'}, SAFE_METHODS)
  t.false('notSent' in ip)
  t.is((ip as {sni?: string}).sni, undefined, 'curl sends no SNI for an IP literal (RFC 6066 names only)')
  const ipv6 = wireRequest({scheme: 'https', host: '[2001:db8::5]:8443', path: '/'}, SAFE_METHODS) as {sni?: string; identity: string; explicitPort?: number}
  t.is(ipv6.sni, undefined)
  t.is(ipv6.identity, '2001:db8::5')
  t.is(ipv6.explicitPort, 8443)
  const dotted = wireRequest({scheme: 'https', host: 'a.example.com.:8443', path: '/'}, SAFE_METHODS) as {sni?: string; hostHeader: string}
  t.is(dotted.sni, 'a.example.com', 'curl drops one trailing dot from the SNI (lib/vtls/vtls.c Curl_ssl_snihost)')
  t.is(dotted.hostHeader, 'a.example.com.:8443', 'and keeps it in the Host header')
  const noSni = wireRequest({scheme: 'https', host: 'a.example.com', path: '/', sni: null}, SAFE_METHODS) as {sni?: string}
  t.is(noSni.sni, undefined)
  const plain = wireRequest({scheme: 'http', host: 'a.example.com:80', path: '/'}, SAFE_METHODS) as {sni?: string; explicitPort?: number; hostHeader: string}
  t.is(plain.sni, undefined, 'no TLS, no SNI')
  t.is(plain.explicitPort, undefined, 'the default port uses the data plane address port for the scheme')
  t.is(plain.hostHeader, 'a.example.com:80', 'the Host header is the probe host verbatim')
})

test('a Host header among the probe headers does not replace the probe host', (t) => {
  const request = wireRequest({scheme: 'http', host: 'a.example.com', path: '/', headers: {Host: 'evil.example.com', 'User-Agent': 'probe'}}, SAFE_METHODS) as {hostHeader: string; headers: Record<string, string>}
  t.is(request.hostHeader, 'a.example.com')
  t.deepEqual(request.headers, {'user-agent': 'probe', accept: '*/*', 'accept-encoding': 'gzip, deflate, br'})
})

test('methods other than GET and HEAD are not sent unless allowed; malformed probes are not sent', (t) => {
  t.deepEqual(wireRequest({scheme: 'http', host: 'a', path: '/', method: 'POST'}, SAFE_METHODS), {notSent: 'method POST is not sent unless allowed (allowed: GET, HEAD)'})
  t.is((wireRequest({scheme: 'http', host: 'a', path: '/', method: 'post'}, ['GET', 'POST']) as {method: string}).method, 'POST')
  t.is((wireRequest({scheme: 'http', host: 'a', path: '/', method: 'head'}, SAFE_METHODS) as {method: string}).method, 'HEAD')
  t.regex((wireRequest({scheme: 'http', host: 'a', path: 'x'}, SAFE_METHODS) as {notSent: string}).notSent, /must start with "\/"/)
  t.regex((wireRequest({scheme: 'http', host: 'a', path: '/a b'}, SAFE_METHODS) as {notSent: string}).notSent, /no spaces/)
  t.regex((wireRequest({scheme: 'http', host: 'a b', path: '/'}, SAFE_METHODS) as {notSent: string}).notSent, /not a valid Host/)
  t.regex((wireRequest({scheme: 'http', host: 'a', path: '/', headers: {'X-A': 'x\r\nInjected: 1'}}, SAFE_METHODS) as {notSent: string}).notSent, /control character/)
  t.regex((wireRequest({scheme: 'http', host: 'a', path: '/', method: 'GE T'}, ['GE T']) as {notSent: string}).notSent, /not an HTTP method/)
})

test('credentials in probe headers are sent but never printed', (t) => {
  const probe: Probe = {scheme: 'https', host: 'a.example.com', path: '/', headers: {Authorization: 'Bearer s3cret', 'proxy-authorization': 'Basic eA==', Cookie: 'canary=always'}}
  t.is(describeProbe(probe), 'GET https://a.example.com/ Authorization:<redacted> proxy-authorization:<redacted> Cookie:canary=always')
  t.deepEqual(redactProbe(probe).headers, {Authorization: '<redacted>', 'proxy-authorization': '<redacted>', Cookie: 'canary=always'})
  t.is(probe.headers!.Authorization, 'Bearer s3cret', 'the probe itself is not changed')
  t.is((wireRequest(probe, SAFE_METHODS) as {headers: Record<string, string>}).headers.authorization, 'Bearer s3cret')
})

test('describeProbe writes the probe in the --probe syntax', (t) => {
  t.is(describeProbe({scheme: 'https', host: 'a.example.com', path: '/x', headers: {'X-Canary': 'always'}}), 'GET https://a.example.com/x X-Canary:always')
  t.is(describeProbe({scheme: 'http', host: 'a.example.com', path: '/', method: 'head', port: 8080}), 'HEAD http://a.example.com:8080/')
  t.is(describeProbe({scheme: 'https', host: '10.0.0.1', path: '/', sni: 'b.example.com'}), 'GET https://10.0.0.1/ (SNI b.example.com)')
})

const response = (fields: Partial<LiveResponse>): LiveAnswer => ({kind: 'response', response: {status: 200, headers: {}, bodyDigest: 'sha256:aa', bodyBytes: 2, bodyTruncated: false, ...fields}})
const failure = (code: string): LiveAnswer => ({kind: 'error', code, message: code})

test('answers compare on status, Location, the listed headers, the body digest and the certificate verdict', (t) => {
  t.deepEqual(answerDifferences(response({}), response({contentType: 'text/plain'})), [], 'Content-Type is shown, not compared')
  t.deepEqual(answerDifferences(response({}), response({status: 404})), ['status'])
  t.deepEqual(answerDifferences(response({headers: {'access-control-allow-origin': '*'}}), response({headers: {'access-control-allow-origin': 'https://a'}})), ['header access-control-allow-origin'])
  t.deepEqual(answerDifferences(response({headers: {'strict-transport-security': 'max-age=1'}}), response({})), ['header strict-transport-security'], 'a header on one side only differs')
  t.deepEqual(answerDifferences(response({}), response({bodyDigest: 'sha256:bb'})), ['body'])
  t.deepEqual(answerDifferences(response({}), response({bodyDigest: 'sha256:bb'}), new Set(['body'])), [], 'ignored fields are not compared')
})

test('redirect bodies are not compared (nginx writes an HTML page, Envoy none), their status and Location are', (t) => {
  const nginx = response({status: 308, location: 'https://a.example.com/', bodyDigest: 'sha256:html'})
  t.deepEqual(answerDifferences(nginx, response({status: 308, location: 'https://a.example.com/', bodyDigest: 'sha256:empty'})), [])
  t.deepEqual(answerDifferences(nginx, response({status: 301, location: 'https://a.example.com/', bodyDigest: 'sha256:empty'})), ['status'])
  t.deepEqual(answerDifferences(nginx, response({status: 308, location: 'https://a.example.com', bodyDigest: 'sha256:empty'})), ['location'])
})

test('failing alike is no difference; failing on one side or differently is', (t) => {
  t.deepEqual(answerDifferences(failure('ECONNREFUSED'), failure('ECONNREFUSED')), [])
  t.deepEqual(answerDifferences(failure('ECONNREFUSED'), failure('TIMEOUT')), ['answer'])
  t.deepEqual(answerDifferences(failure('ECONNREFUSED'), response({})), ['answer'])
  t.deepEqual(answerDifferences(response({}), failure('ERR_TLS_CERT_ALTNAME_INVALID')), ['answer'])
})

test('the certificate verdict differs when one side does not name the host or is not trusted', (t) => {
  const cert = {subject: 'CN=a', issuer: 'CN=ca', validTo: 'x', fingerprint256: 'AA'}
  const good = response({certificate: {...cert, matchesHost: true, trusted: true}})
  t.deepEqual(answerDifferences(good, response({certificate: {...cert, matchesHost: true, trusted: true, fingerprint256: 'BB'}})), [], 'another valid certificate is fine (re-issued by cert-manager)')
  t.deepEqual(answerDifferences(good, response({certificate: {...cert, matchesHost: false, trusted: true}})), ['certificate'])
  t.deepEqual(answerDifferences(good, response({certificate: {...cert, matchesHost: true, trusted: false, trustError: 'DEPTH_ZERO_SELF_SIGNED_CERT'}})), ['certificate'])
})

test('proxyErrorPage knows nginx\'s built-in pages and Envoy\'s local replies, and nothing a backend writes', (t) => {
  t.is(proxyErrorPage(404, nginxPage(404, 'Not Found')), 'nginx')
  t.is(proxyErrorPage(503, nginxPage(503, 'Service Temporarily Unavailable', 'nginx/1.27.1')), 'nginx', 'server-tokens on adds the version')
  t.is(proxyErrorPage(404, nginxPage(404, 'Not Found').replace('<body>', '<body bgcolor="white">')), 'nginx', 'nginx before 1.17.1')
  t.is(proxyErrorPage(400, nginxPage(400, 'Bad Request').replace('<hr>', '<center>The plain HTTP request was sent to HTTPS port</center>\r\n<hr>')), 'nginx')
  t.is(proxyErrorPage(502, nginxPage(404, 'Not Found')), undefined, 'the page of another status is a backend\'s copy')
  t.is(proxyErrorPage(404, nginxPage(404, 'Not Found') + '<p>more</p>'), undefined)
  t.is(proxyErrorPage(200, ''), undefined, 'only error statuses')
  t.is(proxyErrorPage(404, ''), 'envoy', 'no route: an empty body')
  t.is(proxyErrorPage(503, 'no healthy upstream'), 'envoy')
  t.is(proxyErrorPage(504, 'upstream request timeout'), 'envoy')
  t.is(proxyErrorPage(503, 'upstream connect error or disconnect/reset before headers. reset reason: connection failure'), 'envoy')
  t.is(proxyErrorPage(404, '{"error":"not found"}'), undefined)
})

test('the same error status answered by each proxy\'s own page is no body difference; a backend\'s error body is', (t) => {
  const nginx404 = response({status: 404, bodyDigest: 'sha256:page', proxyPage: 'nginx'})
  t.deepEqual(answerDifferences(nginx404, response({status: 404, bodyDigest: 'sha256:empty', proxyPage: 'envoy'})), [])
  t.deepEqual(answerDifferences(nginx404, response({status: 404, bodyDigest: 'sha256:json'})), ['body'], 'the Gateway sent it to a backend')
  t.deepEqual(answerDifferences(nginx404, response({status: 503, bodyDigest: 'sha256:empty', proxyPage: 'envoy'})), ['status', 'body'])
})
