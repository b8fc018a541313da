/**
 * The verify command and convert's verify line, through the CLI: the summary line, exit status 1 for an unlabelled
 * difference, -o json, --probe parsing errors, convert --no-verify.
 */
import test from 'ava'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {runCli} from '../support/run-cli.js'

process.env.HOME = mkdtempSync(join(tmpdir(), 'i2g-verify-cli-home-'))
const dir = mkdtempSync(join(tmpdir(), 'i2g-verify-cli-'))

/** A host-less rule without TLS: nginx answers it over https with its default certificate, the Gateway has no https listener. */
const HOSTLESS = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: any, namespace: app, creationTimestamp: "2024-01-01T00:00:00Z"}
spec:
  ingressClassName: nginx
  rules:
  - http: {paths: [{path: /a, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}
`
writeFileSync(join(dir, 'hostless.yaml'), HOSTLESS)

test.serial('verify examples/: every difference is known, exit 0, the summary line last', async (t) => {
  const r = await runCli(['verify', '-f', 'examples/', '--color', 'never'])
  t.is(r.exitCode, 0, r.stderr)
  t.regex(r.stdout, /\nverify: \d+ probes, 1 differ \(1 known\)\n$/)
  t.regex(r.stdout, /^Ingress team-b\/blog:\n  known redirect-keeps-trailing-slash: GET http:\/\/www\.blog\.example\.org\/feed\/ /m)
})

test.serial('an unlabelled difference exits 1 and is listed; -o json carries it', async (t) => {
  const r = await runCli(['verify', '-f', join(dir, 'hostless.yaml'), '--only-given', '--probe', 'GET https://other.test/a/b'])
  t.is(r.exitCode, 1)
  t.is(r.stdout, 'Ingress app/any:\n  DIFFERS: GET https://other.test/a/b  nginx: -> Service app/web:80 path /a/b host other.test  gateway: no response (no listener on port 443)\nverify: 1 probes, 1 differ (0 known)\n')
  const j = await runCli(['verify', '-f', join(dir, 'hostless.yaml'), '--only-given', '--probe', 'GET https://other.test/a/b', '-o', 'json'])
  const json = JSON.parse(j.stdout)
  t.is(j.exitCode, 1)
  t.like(json, {probes: 1, differ: 1, known: 0, unlabelled: 1})
  t.deepEqual(json.differences[0].differences, ['kind', 'backends'])
})

test.serial('a malformed --probe is a usage error (exit 2) naming the probe', async (t) => {
  const r = await runCli(['verify', '-f', 'examples/', '--probe', 'GET ftp://x/'])
  t.is(r.exitCode, 2)
  t.regex(r.stderr, /probe "GET ftp:\/\/x\/": expected \[METHOD\] http\(s\):\/\/HOST\/PATH/)
})

test.serial('convert adds the verify line to its summary; --no-verify leaves it out', async (t) => {
  const on = await runCli(['convert', '-f', 'examples/', '--color', 'never'])
  t.regex(on.stderr, /^verify: \d+ probes, 1 differ \(1 known\)$/m)
  const off = await runCli(['convert', '-f', 'examples/', '--no-verify', '--color', 'never'])
  t.notRegex(off.stderr, /^verify:/m)
  t.is(on.stdout, off.stdout)
})
