/**
 * Live verify over HTTPS against two servers on 127.0.0.1 with certificates made here by openssl (a test CA, a leaf
 * for secure.example.test, a leaf for another host): SNI as curl --resolve sends it (checked by the servers), the
 * certificate checked against the probe's host rather than the address connected to, --ca-file, --insecure.
 */
import {spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import type http from 'node:http'
import type https from 'node:https'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import test from 'ava'
import {parseDataPlaneAddress} from '../../src/verify/live/address.js'
import {compareLive} from '../../src/verify/live/compare-live.js'
import {renderLiveText} from '../../src/verify/live/render.js'
import type {Probe} from '../../src/verify/outcome.js'
import {closedPort, startServer, virtualClock} from './live-support.js'

const HAVE_OPENSSL = spawnSync('openssl', ['version']).status === 0
const dir = mkdtempSync(join(tmpdir(), 'ingress2gw-live-tls-'))
test.after.always(() => rmSync(dir, {recursive: true, force: true}))

function openssl(args: string[]): void {
  const run = spawnSync('openssl', args, {cwd: dir, encoding: 'utf8'})
  if (run.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${run.stderr}`)
}

/** A leaf certificate for `dns` signed by the test CA: {key, cert} PEM. */
function leaf(name: string, dns: string): {key: string; cert: string} {
  writeFileSync(join(dir, `${name}.ext`), `subjectAltName=DNS:${dns}\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n`)
  openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', `/CN=${dns}`, '-keyout', `${name}.key`, '-out', `${name}.csr`])
  openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-set_serial', String(Date.now()), '-days', '2', '-extfile', `${name}.ext`, '-out', `${name}.crt`])
  return {key: readFileSync(join(dir, `${name}.key`), 'utf8'), cert: readFileSync(join(dir, `${name}.crt`), 'utf8')}
}

let certs: {ca: string; secure: {key: string; cert: string}; other: {key: string; cert: string}} | undefined
test.before(() => {
  if (!HAVE_OPENSSL) return
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', '/CN=ingress2gw test CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-keyout', 'ca.key', '-out', 'ca.crt'])
  certs = {ca: join(dir, 'ca.crt'), secure: leaf('secure', 'secure.example.test'), other: leaf('other', 'other.example.test')}
})

/** An HTTPS data plane serving `cert`, recording the SNI of every handshake that sends one (Node calls SNICallback only then). */
async function tlsPlane(t: {teardown(fn: () => Promise<void>): void}, cert: {key: string; cert: string}, body: string) {
  const snis: string[] = []
  const options: https.ServerOptions = {
    ...cert,
    SNICallback: (servername, callback) => {
      snis.push(servername)
      callback(null)
    },
  }
  const handler: http.RequestListener = (_req, res) => res.end(body)
  const server = await startServer(handler, options)
  t.teardown(() => server.close())
  return {server, snis}
}

const probe = (host: string, path = '/'): Probe => ({scheme: 'https', host, path})

async function addresses(nginxPort: number, gatewayPort: number) {
  const unused = await closedPort()
  return {nginx: parseDataPlaneAddress(`127.0.0.1:${unused}:${nginxPort}`), gateway: parseDataPlaneAddress(`127.0.0.1:${unused}:${gatewayPort}`)}
}

const tlsTest = HAVE_OPENSSL ? test : test.skip
if (!HAVE_OPENSSL) test('openssl is not installed: the HTTPS checks of live verify are skipped (.ci/run installs it)', (t) => t.pass())

tlsTest('HTTPS: SNI is the probe host, the certificate is checked against it with --ca-file, not against the address', async (t) => {
  const nginx = await tlsPlane(t, certs!.secure, 'secure site\n')
  const gateway = await tlsPlane(t, certs!.secure, 'secure site\n')
  const comparison = await compareLive([probe('secure.example.test', '/x')], {...(await addresses(nginx.server.port, gateway.server.port)), caFile: certs!.ca, clock: virtualClock()})
  const [result] = comparison.results
  t.deepEqual(result.differences, [])
  t.like(result.nginx, {kind: 'response', response: {status: 200, certificate: {matchesHost: true, trusted: true, subject: 'CN=secure.example.test', issuer: 'CN=ingress2gw test CA'}}})
  t.deepEqual(nginx.snis, ['secure.example.test'])
  t.deepEqual(gateway.snis, ['secure.example.test'])
  t.deepEqual(nginx.server.seen, [{method: 'GET', host: 'secure.example.test', path: '/x'}])
})

tlsTest('HTTPS: no SNI for an IP literal host, as curl', async (t) => {
  const nginx = await tlsPlane(t, certs!.secure, 'secure site\n')
  const gateway = await tlsPlane(t, certs!.secure, 'secure site\n')
  const comparison = await compareLive([probe('127.0.0.1')], {...(await addresses(nginx.server.port, gateway.server.port)), insecure: true, clock: virtualClock()})
  t.like(comparison.results[0].nginx, {kind: 'response', response: {status: 200, certificate: {matchesHost: false, trusted: false}}})
  t.deepEqual(comparison.results[0].differences, [])
  t.deepEqual(nginx.snis, [], 'the server was asked for no name')
  t.is(nginx.server.seen.length, 1)
})

tlsTest('HTTPS without --ca-file or --insecure: a certificate from an unknown CA fails on both sides alike', async (t) => {
  const nginx = await tlsPlane(t, certs!.secure, 'secure site\n')
  const gateway = await tlsPlane(t, certs!.secure, 'secure site\n')
  const comparison = await compareLive([probe('secure.example.test')], {...(await addresses(nginx.server.port, gateway.server.port)), clock: virtualClock()})
  t.like(comparison.results[0].nginx, {kind: 'error', code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'})
  t.deepEqual(comparison.results[0].differences, [])
  t.is(comparison.summary.failedAlike, 1)
  t.is(nginx.server.seen.length, 0, 'no request is sent over an unverified connection')
})

tlsTest('HTTPS: a Gateway serving another host\'s certificate fails verification there, and is a difference', async (t) => {
  const nginx = await tlsPlane(t, certs!.secure, 'secure site\n')
  const gateway = await tlsPlane(t, certs!.other, 'secure site\n')
  const planes = await addresses(nginx.server.port, gateway.server.port)
  const verified = await compareLive([probe('secure.example.test')], {...planes, caFile: certs!.ca, clock: virtualClock()})
  t.deepEqual(verified.results[0].differences, ['answer'])
  t.like(verified.results[0].gateway, {kind: 'error', code: 'ERR_TLS_CERT_ALTNAME_INVALID'})
  t.is(gateway.server.seen.length, 0)
  // With --insecure the request goes through, and the certificate verdict still differs.
  const insecure = await compareLive([probe('secure.example.test')], {...planes, insecure: true, clock: virtualClock()})
  t.deepEqual(insecure.results[0].differences, ['certificate'])
  t.like(insecure.results[0].nginx, {kind: 'response', response: {certificate: {matchesHost: true, trusted: false, trustError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'}}})
  t.like(insecure.results[0].gateway, {kind: 'response', response: {certificate: {matchesHost: false, subject: 'CN=other.example.test'}}})
  // --insecure with --ca-file: the chain is judged against that CA, so only the host name is wrong.
  const insecureWithCa = await compareLive([probe('secure.example.test')], {...planes, insecure: true, caFile: certs!.ca, clock: virtualClock()})
  t.deepEqual(insecureWithCa.results[0].differences, ['certificate'])
  t.like(insecureWithCa.results[0].nginx, {kind: 'response', response: {certificate: {matchesHost: true, trusted: true}}})
  t.like(insecureWithCa.results[0].gateway, {kind: 'response', response: {certificate: {matchesHost: false, trusted: true}}})
  t.regex(renderLiveText(insecure), /\n  certificate: nginx untrusted \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\) \(subject CN=secure\.example\.test, issuer CN=ingress2gw test CA, until [^)]+\); gateway not for this host, untrusted \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\) \(subject CN=other\.example\.test,/)
})

test('an unusable --ca-file is refused before anything is sent', async (t) => {
  const planes = await addresses(await closedPort(), await closedPort())
  await t.throwsAsync(compareLive([probe('a.example.test')], {...planes, caFile: join(dir, 'missing.pem')}), {message: `--ca-file ${join(dir, 'missing.pem')}: cannot read it (ENOENT)`})
  writeFileSync(join(dir, 'not-a-cert.pem'), 'hello\n')
  await t.throwsAsync(compareLive([probe('a.example.test')], {...planes, caFile: join(dir, 'not-a-cert.pem')}), {message: `--ca-file ${join(dir, 'not-a-cert.pem')}: no PEM certificate in it`})
})
