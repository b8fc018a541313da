/**
 * `verify --nginx-address ... --gateway-address ...`: the probes of the offline run (derived, plus --probe/--probes)
 * sent to both live data planes (live/compareLive), the answer pairs that differ grouped per Ingress as the offline
 * output groups them, each with what the offline models said of the same probe. No I/O of its own: the requests are
 * live/transport.ts's.
 */
import {parseDurationFlag} from '../cli/kubectl-flags.js'
import {
  compareLive,
  LIVE_DEFAULTS,
  liveComparisonJson,
  parseDataPlaneAddress,
  renderLiveDifference,
  renderLivePlanes,
  renderLiveSummary,
  renderLiveUnanswered,
  type LiveComparison,
  type LiveOptions,
} from './live/index.js'
import type {Probe} from './outcome.js'
import {groupHeading, sortedGroups} from './render.js'
import {verifyRun, type VerifyRun} from './run.js'

/** The live flags of the verify command, as oclif parsed them. */
export interface LiveFlags {
  'nginx-address'?: string
  'gateway-address'?: string
  insecure?: boolean
  'ca-file'?: string
  parallel?: number
  qps?: string
  method?: string[]
  timeout?: string
}

/**
 * The live options from the flags, or undefined when neither address is given (the offline run). Throws an Error
 * naming the flag when one address comes without the other, or a value is malformed.
 */
export function liveOptionsFromFlags(flags: LiveFlags): LiveOptions | undefined {
  const nginx = flags['nginx-address']
  const gateway = flags['gateway-address']
  if (nginx === undefined && gateway === undefined) {
    const stray = (['insecure', 'ca-file', 'method'] as const).find((f) => (f === 'insecure' ? flags[f] === true : flags[f] !== undefined))
    if (stray !== undefined) throw new Error(`--${stray} applies to the live mode only: give --nginx-address and --gateway-address too`)
    return undefined
  }
  if (nginx === undefined || gateway === undefined) {
    throw new Error(`${nginx === undefined ? '--gateway-address' : '--nginx-address'} needs ${nginx === undefined ? '--nginx-address' : '--gateway-address'} too: the live mode sends every probe to both data planes`)
  }
  const timeoutMs = parseDurationFlag(flags.timeout ?? `${LIVE_DEFAULTS.timeoutMs}ms`, 'timeout')
  // 0 would mean "no limit" to --request-timeout; a probe that never ends would hold a slot for good.
  if (timeoutMs < 1) throw new Error(`--timeout must be longer than 0 (each request needs a limit), got "${flags.timeout}"`)
  const qps = Number(flags.qps ?? LIVE_DEFAULTS.qps)
  if (flags.qps !== undefined && (!/^\d+(\.\d+)?$/.test(flags.qps) || !(qps > 0))) throw new Error(`--qps expects a number of probes per second above 0, got "${flags.qps}"`)
  for (const method of flags.method ?? []) {
    if (!/^[A-Za-z]+$/.test(method)) throw new Error(`--method expects an HTTP method such as POST, got "${method}"`)
  }
  return {
    nginx: parseDataPlaneAddress(nginx, '--nginx-address'),
    gateway: parseDataPlaneAddress(gateway, '--gateway-address'),
    parallel: flags.parallel ?? LIVE_DEFAULTS.parallel,
    qps,
    timeoutMs,
    insecure: flags.insecure === true,
    ...(flags['ca-file'] === undefined ? {} : {caFile: flags['ca-file']}),
    methods: (flags.method ?? []).map((m) => m.toUpperCase()),
  }
}

/** What the offline run said of one probe: its group and the models' verdict. */
export interface OfflineVerdict {
  gateway: string
  /** The Ingress (`namespace/name`) the probe is grouped under, else its host. */
  group: string
  /** The Ingresses that decided the probe in either model. */
  ingresses: string[]
  /** The fields the two models differ in; empty when they agree. */
  differences: string[]
  /** The diagnostic code that names the models' difference. */
  known?: string
}

export interface LiveVerifyReport {
  comparison: LiveComparison
  /** The offline verdict of each probe, at the index of its result in `comparison.results`. */
  offline: OfflineVerdict[]
  /** Probes and live differences per Ingress that decided a probe in either model. */
  perIngress: Map<string, {probes: number; differ: number}>
}

/**
 * Derives the probes as the offline run does, sends them to both data planes and compares the answers. Throws when
 * the probes belong to more than one Gateway: one nginx controller and one Gateway are compared at a time.
 */
export async function verifyLive(run: VerifyRun, live: LiveOptions): Promise<LiveVerifyReport> {
  const probes: Probe[] = []
  const offline: OfflineVerdict[] = []
  verifyRun({
    ...run,
    onProbe: (r) => {
      probes.push(r.probe)
      offline.push({gateway: r.gateway, group: r.group, ingresses: r.ingresses, differences: r.differences, ...(r.known === undefined ? {} : {known: r.known})})
    },
  })
  const gateways = [...new Set(offline.map((o) => o.gateway))].sort()
  if (gateways.length > 1) {
    throw new Error(
      `the probes belong to ${gateways.length} Gateways (${gateways.join(', ')}), each with its own ingress-nginx controller; the live mode compares one pair of data planes: select one controller's Ingresses with --ingress-class`,
    )
  }
  const comparison = await compareLive(probes, live)
  const perIngress = new Map<string, {probes: number; differ: number}>()
  comparison.results.forEach((result, i) => {
    for (const id of offline[i]!.ingresses) {
      const entry = perIngress.get(id) ?? {probes: 0, differ: 0}
      entry.probes++
      if (result.differences.length > 0) entry.differ++
      perIngress.set(id, entry)
    }
  })
  return {comparison, offline, perIngress}
}

/**
 * Why a live run proves nothing, when it does not: probes were sent and neither data plane answered any of them
 * (both addresses wrong, or unreachable from here).
 */
export function liveRunFailure(report: LiveVerifyReport): string | undefined {
  const {sent, failedAlike} = report.comparison.summary
  if (sent === 0 || failedAlike < sent) return undefined
  return `no probe got an answer from either data plane (${sent} sent): check --nginx-address ${report.comparison.nginx.text} and --gateway-address ${report.comparison.gateway.text}`
}

/**
 * The text output: the data planes; per Ingress (else host) every probe whose answers differ, with both answers and
 * the offline models' verdict on it; the probes no data plane answered and those not sent; the summary line.
 */
export function renderVerifyLiveText(report: LiveVerifyReport): string {
  const {comparison, offline} = report
  const groups = new Map<string, number[]>()
  comparison.results.forEach((result, i) => {
    if (result.differences.length > 0) groups.set(offline[i]!.group, [...(groups.get(offline[i]!.group) ?? []), i])
  })
  const out = [renderLivePlanes(comparison)]
  for (const [group, indices] of sortedGroups(groups)) {
    out.push(`${groupHeading(group)}\n`)
    for (const i of indices) out.push(renderLiveDifference(comparison.results[i]!, '  '), `    offline models: ${describeOfflineVerdict(offline[i]!)}\n`)
  }
  return `${out.join('')}${renderLiveUnanswered(comparison)}${renderLiveSummary(comparison.summary)}`
}

/** "the same answer" (the difference lies past routing: a policy, a backend), "known CODE (fields)", "differ too (fields)". */
function describeOfflineVerdict(verdict: OfflineVerdict): string {
  if (verdict.differences.length === 0) return 'the same answer'
  const fields = verdict.differences.join(', ')
  return verdict.known === undefined ? `differ too (${fields})` : `known ${verdict.known} (${fields})`
}

/** `-o json`: the live comparison (live/render.ts liveComparisonJson), each probe with its group and offline verdict. */
export function verifyLiveJson(report: LiveVerifyReport): object {
  const json = liveComparisonJson(report.comparison) as {probes: object[]}
  return {
    ...json,
    perIngress: Object.fromEntries(sortedGroups(report.perIngress)),
    probes: json.probes.map((probe, i) => {
      const {gateway: _gateway, ...verdict} = report.offline[i]!
      return {...probe, group: verdict.group, ingresses: verdict.ingresses, offline: {differences: verdict.differences, ...(verdict.known === undefined ? {} : {known: verdict.known})}}
    }),
  }
}
