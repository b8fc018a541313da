/**
 * URL credentials never print, whoever built the diagnostic: translate masks its own (maskDiagnostic), and the two
 * places every diagnostic passes on its way out mask again: renderDiagnostics (stderr) and buildReport (every report
 * format). The sources and the commands build theirs outside translate; catalogue renders mask their data, but a
 * hint, or a message written inline, was printed as given.
 */
import test from 'ava'
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {diagnostic} from '../src/model/catalogue/diagnostic.js'
import type {Diagnostic} from '../src/model/types.js'
import {renderDiagnostics} from '../src/output/report.js'
import {buildReport} from '../src/output/migration-report/build.js'
import {renderMarkdown} from '../src/output/migration-report/markdown.js'
import {translate} from '../src/translate/index.js'
import {ClusterClient} from '../src/sources/cluster.js'
import {ClusterError} from '../src/sources/kubeconfig.js'
import {tempDir} from './support/cluster-helpers.js'

const SECRET = 's3cr3t-pw'
const URL_WITH_USERINFO = `https://admin:${SECRET}@api.example.com:6443/readyz`

/** A diagnostic as a command builds one outside translate: message written inline, hint quoting a URL. */
const inline: Diagnostic = {
  level: 'warning',
  code: 'cluster-read-failed',
  message: `could not get ${URL_WITH_USERINFO} (503): unavailable; continuing without it`,
  hint: `check ${URL_WITH_USERINFO}`,
  data: {verb: 'get', what: URL_WITH_USERINFO, status: 503, error: 'unavailable'},
}

test('diagnostic(): the hint is masked like the data and the message', (t) => {
  const d = diagnostic('kubeconfig-unreadable', {error: `cannot read ${URL_WITH_USERINFO}`}, {hint: `the server is ${URL_WITH_USERINFO}`})
  t.false(JSON.stringify(d).includes(SECRET))
  t.is(d.hint, 'the server is https://<redacted>@api.example.com:6443/readyz')
})

test('renderDiagnostics masks a diagnostic built outside translate', (t) => {
  const text = renderDiagnostics([inline, {...inline, object: 'Ingress web/app'}])
  t.false(text.includes(SECRET), text)
  t.true(text.includes('https://<redacted>@api.example.com:6443/readyz'))
})

test('the report masks the input diagnostics (sources, commands) in every part: notes, entries, JSON data', (t) => {
  const result = translate({objects: []}, {})
  const report = buildReport(result, {inputDiagnostics: [inline, {...inline, object: 'Ingress web/app', ref: {kind: 'Ingress', namespace: 'web', name: 'app'}}]})
  const json = JSON.stringify(report)
  t.false(json.includes(SECRET))
  t.true(json.includes('https://<redacted>@api.example.com:6443/readyz'))
  t.false(renderMarkdown(report).includes(SECRET))
})

test('a kubeconfig server URL with userinfo is masked in what the cluster client says (errors, lookup diagnostics)', async (t) => {
  const dir = tempDir(t)
  const kubeconfig = join(dir, 'config')
  writeFileSync(
    kubeconfig,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': 'c',
      clusters: [{name: 'c', cluster: {server: `https://admin:${SECRET}@127.0.0.1:1`}}],
      users: [{name: 'u', user: {token: 'not-printed-either'}}],
      contexts: [{name: 'c', context: {cluster: 'c', user: 'u'}}],
    }),
  )
  const client = await ClusterClient.connect({kubeconfig, requestTimeoutMs: 2000}, {HOME: dir})
  t.is(client.where, 'https://<redacted>@127.0.0.1:1 (context "c")')
  const error = await client.request('GET', '/version').then(
    () => undefined,
    (e: unknown) => e,
  )
  t.true(error instanceof ClusterError)
  t.false((error as Error).message.includes(SECRET), (error as Error).message)
  t.true((error as Error).message.includes("https://<redacted>@127.0.0.1:1"), (error as Error).message)
})
