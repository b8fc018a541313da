/**
 * `npm run bench [-- --sizes 1000,10000 --runs 5 --cli-runs 5 --cold-runs 10 --no-cli --json FILE]`
 *
 * Per size: every in-process stage (parse, translate, serialize, report, GitOps tree) as the median of --runs, with
 * objects/s, the peak RSS of the process that ran them (one child process per size) and the ratio to a floor
 * measured in the same run (JSON.parse + JSON.stringify; js-yaml load + dump of the same documents), so figures
 * compare across machines. Then the whole CLI as spawned processes (convert -f of the fixture as block YAML and as
 * a JSON List) and cold start (--help, convert -f of one small file), through the bundle and the TypeScript build.
 * The fixture is scripts/bench/fixture.ts. Not a test: test/bench-smoke.test.ts runs it once at the smallest size.
 */
import {spawnSync} from 'node:child_process'
import {writeFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import {bundleBuilt, coldStart, largeCases, type Build} from './bench/cli.js'
import {runStages, type SizeFigures} from './bench/stages.js'

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] : undefined
}

const runs = Number(flag('runs') ?? 5)

// A child process runs one size, so that its peak RSS is that size's.
if (flag('child')) {
  process.stdout.write(JSON.stringify(runStages(Number(flag('child')), runs)) + '\n')
  process.exit(0)
}

const sizes = (flag('sizes') ?? '1000,10000').split(',').map(Number)
const cliRuns = Number(flag('cli-runs') ?? runs)
const coldRuns = Number(flag('cold-runs') ?? 10)
const withCli = !process.argv.includes('--no-cli')
const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1))
const rate = (v: number) => (v >= 1e6 ? `${(v / 1e6).toFixed(1)}M` : v >= 1e3 ? `${(v / 1e3).toFixed(1)}k` : v.toFixed(0))

const perSize: SizeFigures[] = []
for (const n of sizes) {
  const child = spawnSync(process.execPath, ['--import=tsx', fileURLToPath(import.meta.url), '--child', String(n), '--runs', String(runs)], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  if (child.status !== 0) throw new Error(`benchmark of ${n} Ingresses failed (exit ${child.status})`)
  const figures: SizeFigures = JSON.parse(child.stdout)
  perSize.push(figures)
  const c = figures.counts
  console.log(
    `\n## ${n} Ingresses + ${c.services} Services (TLS ${c.tls}, regex/rewrite ${c.regex}, canaries ${c.canaries}, CORS ${c.cors}, auth ${c.auth}, ` +
      `rate limits ${c.rateLimited}, shared hosts ${c.sharedHost}, ${c.paths} paths): JSON ${(figures.inputBytes.json / 1e6).toFixed(1)} MB, ` +
      `YAML ${(figures.inputBytes.yaml / 1e6).toFixed(1)} MB -> ${figures.outputObjects} objects, ${figures.diagnostics} diagnostics; median of ${runs}`,
  )
  console.log(`floors: JSON.parse+stringify ${fmt(figures.floors.json)} ms, js-yaml load+dump ${fmt(figures.floors.yaml)} ms; peak RSS ${figures.peakRssMiB.toFixed(0)} MiB`)
  console.log(`| stage | ms | CPU ms | Ingresses/s | x JSON floor | x YAML floor |\n|---|---:|---:|---:|---:|---:|`)
  for (const s of figures.stages) console.log(`| ${s.stage} | ${fmt(s.ms)} | ${fmt(s.cpuMs)} | ${rate(s.ingressesPerSecond)} | ${s.vsJsonFloor.toFixed(2)} | ${s.vsYamlFloor.toFixed(2)} |`)
}
if (perSize.length > 1) {
  const [small, large] = [perSize[0], perSize[perSize.length - 1]]
  const ms = (f: SizeFigures, stage: string) => f.stages.find((s) => s.stage === stage)!.ms
  console.log(`\nlinearity (${large.ingresses} / ${small.ingresses} Ingresses, ideal ${(large.ingresses / small.ingresses).toFixed(0)}x): translate ${(ms(large, 'translate') / ms(small, 'translate')).toFixed(1)}x, parse YAML ${(ms(large, 'parse YAML (multi-document)') / ms(small, 'parse YAML (multi-document)')).toFixed(1)}x`)
}

let cli: unknown[] = []
if (withCli) {
  const builds: Build[] = bundleBuilt() ? ['bundle', 'tsc'] : ['tsc']
  if (!bundleBuilt()) console.log('\n(no dist/bundle/: run `npm run bundle` to measure the one-file build too)')
  const large = largeCases(sizes[sizes.length - 1], builds, cliRuns)
  const cold = coldStart(builds, coldRuns)
  cli = [...large, ...cold]
  console.log(`\n## whole CLI, spawned (median of ${cliRuns}; cold start median of ${coldRuns})\n| case | build | ms | peak RSS MiB | exit |\n|---|---|---:|---:|---:|`)
  for (const f of [...large, ...cold]) {
    const rss = 'peakRssMiB' in f && Number.isFinite(f.peakRssMiB) ? f.peakRssMiB.toFixed(0) : ''
    console.log(`| ${f.case} | ${f.build} | ${fmt(f.ms)} | ${rss} | ${'exitCode' in f ? f.exitCode : ''} |`)
  }
}
const out = flag('json')
if (out) writeFileSync(out, JSON.stringify({node: process.version, sizes: perSize, cli}, null, 2) + '\n')
