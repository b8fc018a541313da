/**
 * Progress of long runs: one line rewritten in place on stderr when it is a terminal, nothing otherwise (a pipe, a
 * file, CI logs) and nothing with -q. The commands report what they read, convert and write.
 */
import test from 'ava'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {count, Progress, type ProgressStream} from '../src/cli/progress.js'
import {FakeApiServer} from './support/fake-apiserver.js'
import {ingress, ns, service, tempDir} from './support/cluster-helpers.js'
import {generatedPlatform} from './support/generate-namespaces.js'
import {runCli} from './support/run-cli.js'

process.env.KUBECONFIG = ''
process.env.HOME = mkdtempSync(join(tmpdir(), 'i2g-progress-home-'))

function stream(isTTY: boolean, columns = 40): ProgressStream & {out: string[]} {
  const out: string[] = []
  return {isTTY, columns, out, write: (s: string) => (out.push(s), true)}
}

test('on a terminal: a line rewritten in place, throttled, cut to the width, cleared at the end', (t) => {
  const tty = stream(true)
  const p = Progress.for({}, tty)
  t.true(p.enabled)
  p.update('reading manifests…', true)
  p.update('1 of 9')
  p.update('2 of 9: within 80 ms of the previous count, skipped')
  p.update('a phase change is forced', true)
  p.update('x'.repeat(100), true)
  p.clear()
  t.deepEqual(tty.out, ['\rreading manifests…\u001b[K', '\r1 of 9\u001b[K', '\ra phase change is forced\u001b[K', `\r${'x'.repeat(38)}…\u001b[K`, '\r\u001b[K'])
})

test('not a terminal, or -q: nothing at all', (t) => {
  for (const [s, flags] of [
    [stream(false), {}],
    [stream(true), {quiet: true}],
  ] as const) {
    const p = Progress.for(flags, s)
    t.false(p.enabled)
    p.update('reading', true)
    p.clear()
    t.deepEqual(s.out, [])
  }
})

/** Runs the CLI in-process with stderr posing as a terminal (the capture of runCli keeps what is written). */
async function asTerminal<T>(run: () => Promise<T>): Promise<T> {
  const stderr = process.stderr as unknown as {isTTY?: boolean; columns?: number}
  const saved = {isTTY: stderr.isTTY, columns: stderr.columns}
  stderr.isTTY = true
  stderr.columns = 120
  try {
    return await run()
  } finally {
    stderr.isTTY = saved.isTTY
    stderr.columns = saved.columns
  }
}

test.serial('convert --output-dir on a terminal shows reading, converting and writing, and leaves the line clear', async (t) => {
  const cwd = mkdtempSync(join(tmpdir(), 'i2g-progress-'))
  writeFileSync(join(cwd, 'input.yaml'), generatedPlatform())
  const r = await asTerminal(() => runCli(['convert', '-f', 'input.yaml', '--output-dir', 'out', '--color', 'never'], cwd))
  t.is(r.exitCode, 0, r.stderr)
  t.true(r.stderr.includes('\rreading manifests…\u001b[K'))
  t.true(r.stderr.includes('\rconverting 140 Ingresses in 40 namespace(s)…\u001b[K'), '140 read: 139 selected and one of another class')
  t.regex(r.stderr, /\rwriting out: \d+ of \d+ file\(s\)\u001b\[K/)
  // Every progress line is cleared before the command's own lines.
  t.regex(r.stderr, /\r\u001b\[Kout: \d+ file\(s\) written/)
  const piped = await runCli(['convert', '-f', 'input.yaml', '--output-dir', 'out2'], cwd)
  t.notRegex(piped.stderr, /[\r\u001b]/)
})

test.serial('reading a cluster on a terminal counts Ingresses, their namespaces and Services as pages arrive', async (t) => {
  const s = await FakeApiServer.start()
  t.teardown(() => s.close())
  s.seed([ns('shop'), ns('blog'), service('shop', 'web'), service('blog', 'web'), ingress('shop', 'web', {host: 'shop.example.com'}), ingress('blog', 'web', {host: 'blog.example.com'})])
  const kubeconfig = s.writeKubeconfig(tempDir(t), {namespace: 'shop'})
  const r = await asTerminal(() => runCli(['report', '-A', '--kubeconfig', kubeconfig, '-o', 'json']))
  t.is(r.exitCode, 0, r.stderr)
  t.true(r.stderr.includes('\rreading the cluster…\u001b[K'))
  // The first page to arrive is shown at once (Ingresses or Services: the lists are read in parallel); the second
  // may fall within the throttle interval.
  t.regex(r.stderr, /\rreading the cluster: (2 Ingresses in 2 namespace\(s\), [02] Services|[02] Ingresses in [02] namespace\(s\), 2 Services)\u001b\[K/)
  t.true(r.stderr.endsWith('\r\u001b[K'), 'the line is cleared')
  t.is(JSON.parse(r.stdout).summary.ingresses, 2, 'stdout holds the report only')
})

test('count groups integers exactly as toLocaleString("en-US") does, without ICU', (t) => {
  const samples = [0, 7, 999, 1000, 1001, 12_345, 999_999, 1_000_000, 10_000_000, 123_456_789, Number.MAX_SAFE_INTEGER]
  for (let n = 1; n < 2e15; n = n * 7 + 3) samples.push(n)
  for (const n of [...samples, ...samples.map((x) => -x)]) t.is(count(n), n.toLocaleString('en-US'), String(n))
  t.is(count(1234.5), '1,234.5', 'not an integer: toLocaleString itself')
})
