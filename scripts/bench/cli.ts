/**
 * The whole-CLI cases of the benchmark: spawned processes, as users run them, through bin/kubectl-ingress2gw with the
 * one-file bundle and with the TypeScript build (INGRESS2GW_UNBUNDLED=1). Output goes to /dev/null; wall time and
 * the child's peak RSS (reported by rss-probe.mjs) are the median of the runs.
 */
import {spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {performance} from 'node:perf_hooks'
import {fileURLToPath} from 'node:url'
import {generateFixture} from './fixture.js'
import {fixtureJson, fixtureYaml, median} from './stages.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const BIN = join(ROOT, 'bin', 'kubectl-ingress2gw')
const PROBE = join(ROOT, 'scripts', 'bench', 'rss-probe.mjs')

export type Build = 'bundle' | 'tsc'

export interface CliFigure {
  case: string
  build: Build
  ms: number
  peakRssMiB: number
  exitCode: number
}

export function bundleBuilt(): boolean {
  return existsSync(join(ROOT, 'dist', 'bundle', 'kubectl-ingress2gw.cjs'))
}

/** Runs `node [probe] bin/kubectl-ingress2gw ...args` `runs` times; the median wall time and peak RSS. */
export function timeCli(name: string, args: string[], build: Build, runs: number, probe = true, extraEnv: NodeJS.ProcessEnv = {}): CliFigure {
  const dir = mkdtempSync(join(tmpdir(), 'i2gw-bench-'))
  const rssFile = join(dir, 'rss')
  const times: number[] = []
  const rss: number[] = []
  let exitCode = 0
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now()
    const child = spawnSync(process.execPath, [...(probe ? ['--import', PROBE] : []), BIN, ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'ignore'],
      env: {...process.env, NO_COLOR: '1', INGRESS2GW_UNBUNDLED: build === 'tsc' ? '1' : '', INGRESS2GW_BENCH_RSS: rssFile, ...extraEnv},
    })
    times.push(performance.now() - t0)
    exitCode = child.status ?? -1
    if (probe && existsSync(rssFile)) rss.push(Number(readFileSync(rssFile, 'utf8')) / 1024)
  }
  rmSync(dir, {recursive: true, force: true})
  return {case: name, build, ms: median(times), peakRssMiB: rss.length ? median(rss) : NaN, exitCode}
}

/** `convert -f` of the fixture as block YAML and as one JSON List, for n Ingresses. */
export function largeCases(n: number, builds: Build[], runs: number): CliFigure[] {
  const dir = mkdtempSync(join(tmpdir(), 'i2gw-bench-input-'))
  const {objects} = generateFixture(n)
  const yamlFile = join(dir, `ingresses-${n}.yaml`)
  const jsonFile = join(dir, `ingresses-${n}.json`)
  writeFileSync(yamlFile, fixtureYaml(objects))
  writeFileSync(jsonFile, fixtureJson(objects))
  const out: CliFigure[] = []
  for (const build of builds) {
    out.push(timeCli(`convert -f ${n} Ingresses (block YAML) -> YAML`, ['convert', '-f', yamlFile], build, runs))
    out.push(timeCli(`convert -f ${n} Ingresses (JSON List) -> YAML`, ['convert', '-f', jsonFile], build, runs))
  }
  rmSync(dir, {recursive: true, force: true})
  return out
}

/**
 * Cold start: `--help`, `--version`, `help convert`, `convert -f` of one small file, and bare `node -e 0` as the floor.
 * Output goes to /dev/null, so the bundle answers help and version from its recording (src/entry/precomputed-help.ts);
 * `--help (oclif)` is what a terminal gets, rendered by oclif.
 */
export function coldStart(builds: Build[], runs: number): Array<CliFigure | {case: string; build: 'node'; ms: number}> {
  const out: Array<CliFigure | {case: string; build: 'node'; ms: number}> = []
  const times: number[] = []
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now()
    spawnSync(process.execPath, ['-e', '0'], {stdio: 'ignore'})
    times.push(performance.now() - t0)
  }
  out.push({case: 'node -e 0 (floor)', build: 'node', ms: median(times)})
  for (const build of builds) {
    out.push(timeCli('--help', ['--help'], build, runs, false))
    out.push(timeCli('--version', ['--version'], build, runs, false))
    out.push(timeCli('help convert', ['help', 'convert'], build, runs, false))
    if (build === 'bundle') out.push(timeCli('--help (oclif)', ['--help'], build, runs, false, {INGRESS2GW_PRECOMPUTED_HELP: '0'}))
    out.push(timeCli('convert -f examples/team-b-blog.yaml', ['convert', '-f', 'examples/team-b-blog.yaml'], build, runs, false))
  }
  return out
}
