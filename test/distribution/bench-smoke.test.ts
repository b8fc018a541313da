/**
 * `npm run bench` at its smallest size, once: every stage runs and reports, the fixture carries the mix the issue
 * asks for, and the spawned CLI cases exit 0. No timing is asserted (the machine's load decides those).
 */
import test from 'ava'
import {execFile} from 'node:child_process'
import {readFileSync, mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {promisify} from 'node:util'
import {generateFixture} from '../../scripts/bench/fixture.js'
import {ROOT} from '../support/run-cli.js'

const exec = promisify(execFile)

test('the fixture is deterministic and realistic: mostly TLS, regex/rewrite, canaries, CORS, auth, rate limits, shared hosts, several paths per rule', (t) => {
  const {objects, counts} = generateFixture(1000)
  t.deepEqual(generateFixture(1000).objects, objects)
  t.is(counts.ingresses, 1000)
  t.is(objects.filter((o) => o.kind === 'Ingress').length, 1000)
  t.is(objects.filter((o) => o.kind === 'Service').length, counts.services)
  t.true(counts.tls > 700 && counts.tls < 900, `TLS ${counts.tls}`)
  t.true(counts.regex >= 50, `regex ${counts.regex}`)
  t.true(counts.canaries >= 5 && counts.cors >= 50 && counts.auth >= 25 && counts.rateLimited >= 25, JSON.stringify(counts))
  t.true(counts.sharedHost >= 200, `shared hosts ${counts.sharedHost}`)
  t.true(counts.paths / counts.ingresses > 2.5, `paths per Ingress ${counts.paths / counts.ingresses}`)
  // Every canary names the host and path of a primary Ingress in its namespace, as ingress-nginx requires.
  const ingresses = objects.filter((o) => o.kind === 'Ingress') as any[]
  const primaries = new Set(ingresses.filter((i) => !i.metadata.annotations['nginx.ingress.kubernetes.io/canary']).flatMap((i) => i.spec.rules.flatMap((r: any) => r.http.paths.map((p: any) => `${i.metadata.namespace}/${r.host}${p.path}`))))
  for (const c of ingresses.filter((i) => i.metadata.annotations['nginx.ingress.kubernetes.io/canary'])) {
    t.true(primaries.has(`${c.metadata.namespace}/${c.spec.rules[0].host}/`), c.metadata.name)
  }
})

test('npm run bench at the smallest size: every stage, both floors, the spawned CLI cases and cold start', async (t) => {
  // About 15 processes: minutes when the machine is shared.
  t.timeout(900_000)
  const out = join(mkdtempSync(join(tmpdir(), 'i2gw-bench-smoke-')), 'bench.json')
  const {stdout} = await exec(process.execPath, ['--import=tsx', 'scripts/bench.ts', '--sizes', '1000', '--runs', '1', '--cli-runs', '1', '--cold-runs', '1', '--json', out], {
    cwd: ROOT,
    maxBuffer: 16 * 1024 * 1024,
    timeout: 880_000,
  })
  const figures = JSON.parse(readFileSync(out, 'utf8'))
  const [size] = figures.sizes
  t.is(size.ingresses, 1000)
  t.true(size.outputObjects > 1000)
  t.true(size.floors.json > 0 && size.floors.yaml > 0)
  t.true(size.peakRssMiB > 0)
  const stages = size.stages.map((s: any) => s.stage)
  for (const stage of ['parse JSON (List)', 'parse YAML (multi-document)', 'translate', "verify (convert's default)", 'serialize YAML', 'serialize JSON', 'report: html']) {
    t.true(stages.includes(stage), stage)
  }
  for (const s of size.stages) t.true(s.ms >= 0 && Number.isFinite(s.vsJsonFloor) && Number.isFinite(s.vsYamlFloor), s.stage)
  const cases = figures.cli.map((c: any) => `${c.build} ${c.case}`)
  t.true(cases.some((c: string) => /^tsc convert -f 1000 Ingresses \(block YAML\)/.test(c)), cases.join('\n'))
  t.true(cases.some((c: string) => /--help$/.test(c)))
  t.true(cases.includes('node node -e 0 (floor)'))
  for (const c of figures.cli.filter((c: any) => c.build !== 'node')) t.is(c.exitCode, 0, `${c.build} ${c.case}`)
  for (const c of figures.cli.filter((c: any) => /Ingresses/.test(c.case))) t.true(c.peakRssMiB > 0, `${c.build} ${c.case}`)
  t.regex(stdout, /\| translate \| [\d.]+ \|/)
})
