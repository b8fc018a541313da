/**
 * The in-process stages of the benchmark, each timed as the median of several runs, beside the floor they are
 * compared with: JSON.parse + JSON.stringify of the same documents, and js-yaml load + dump of them. A stage's ratio
 * to its floor compares across machines where milliseconds do not.
 */
import {performance} from 'node:perf_hooks'
import jsYaml from 'js-yaml'
import {parseManifestText} from '../../src/sources/parse-manifests.js'
import {translate} from '../../src/translate/index.js'
import {toJsonList, toYaml} from '../../src/output/serialize.js'
import {buildReport, renderHtml, renderJson, renderMarkdown, renderText} from '../../src/output/migration-report/index.js'
import {gitopsFiles} from '../../src/output/gitops-tree.js'
import {verifyRun} from '../../src/verify/run.js'
import {generateFixture, type FixtureCounts} from './fixture.js'

export interface StageFigure {
  stage: string
  /** Median wall time of the runs, in ms. */
  ms: number
  /** Median CPU time (user + system, every thread of the process: GC included) of the runs, in ms. */
  cpuMs: number
  /** Ingresses handled per second in this stage. */
  ingressesPerSecond: number
  /** The stage's median over each floor's median (JSON.parse+stringify; js-yaml load+dump) of the same input. */
  vsJsonFloor: number
  vsYamlFloor: number
}

export interface SizeFigures {
  ingresses: number
  counts: FixtureCounts
  inputBytes: {json: number; yaml: number}
  outputObjects: number
  diagnostics: number
  runs: number
  stages: StageFigure[]
  floors: {json: number; yaml: number}
  /** Peak resident set size of the process that ran every stage of this size, in MiB. */
  peakRssMiB: number
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

function timed<T>(runs: number, fn: () => T): {ms: number; cpuMs: number; value: T} {
  const times: number[] = []
  const cpu: number[] = []
  let value!: T
  for (let r = 0; r < runs; r++) {
    const c0 = process.cpuUsage()
    const t0 = performance.now()
    value = fn()
    times.push(performance.now() - t0)
    const c = process.cpuUsage(c0)
    cpu.push((c.user + c.system) / 1000)
  }
  return {ms: median(times), cpuMs: median(cpu), value}
}

/** The block-YAML text `kubectl get -o yaml`-like trees hold: one document per object. */
export function fixtureYaml(objects: unknown[]): string {
  return objects.map((o) => jsYaml.dump(o, {lineWidth: -1})).join('---\n')
}

export function fixtureJson(objects: unknown[]): string {
  return JSON.stringify({apiVersion: 'v1', kind: 'List', items: objects})
}

/** Every in-process stage for n Ingresses, `runs` times each. */
export function runStages(n: number, runs: number): SizeFigures {
  const fixture = generateFixture(n)
  const json = fixtureJson(fixture.objects)
  const yaml = fixtureYaml(fixture.objects)
  const floorJson = timed(runs, () => JSON.stringify(JSON.parse(json))).ms
  const floorYaml = timed(runs, () => jsYaml.loadAll(yaml).map((o) => jsYaml.dump(o)).length).ms
  const opts = {defaultNamespace: 'default', namespaceExplicit: false}
  const stages: Array<{stage: string; ms: number; cpuMs: number}> = []
  const stage = <T>(name: string, fn: () => T): T => {
    const {ms, cpuMs, value} = timed(runs, fn)
    stages.push({stage: name, ms, cpuMs})
    return value
  }
  const parsed = stage('parse JSON (List)', () => parseManifestText(json, 'bench.json', opts))
  stage('parse YAML (multi-document)', () => parseManifestText(yaml, 'bench.yaml', opts))
  const result = stage('translate', () => translate({objects: parsed.objects, spansCluster: true}, {}))
  // convert runs the offline verify by default (--no-verify skips it).
  stage('verify (convert\'s default)', () => verifyRun({snapshot: {objects: parsed.objects, spansCluster: true}, options: {}, result}))
  stage('serialize YAML', () => toYaml(result.objects))
  stage('serialize JSON', () => toJsonList(result.objects))
  const report = stage('report: build', () => buildReport(result, {snapshot: {objects: parsed.objects}}))
  stage('report: text', () => renderText(report))
  const markdown = stage('report: markdown', () => renderMarkdown(report))
  stage('report: json', () => renderJson(report))
  stage('report: html', () => renderHtml(report))
  stage('--output-dir: the tree\'s files', () => gitopsFiles(result.objects, markdown))
  const floors = {json: floorJson, yaml: floorYaml}
  return {
    ingresses: n,
    counts: fixture.counts,
    inputBytes: {json: json.length, yaml: yaml.length},
    outputObjects: result.objects.length,
    diagnostics: result.diagnostics.length,
    runs,
    floors,
    stages: stages.map((s) => ({
      stage: s.stage,
      ms: s.ms,
      cpuMs: s.cpuMs,
      ingressesPerSecond: s.ms > 0 ? (n * 1000) / s.ms : Infinity,
      vsJsonFloor: s.ms / floors.json,
      vsYamlFloor: s.ms / floors.yaml,
    })),
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
  }
}
