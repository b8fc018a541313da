/**
 * `verify --nginx-address ... --gateway-address ...`: the probes of the offline run (derived, plus --probe/--probes)
 * sent to both live data planes (live/compareLive), the answer pairs that differ grouped per Ingress as the offline
 * output groups them, each with what the offline models said of the same probe. No I/O of its own: the requests are
 * live/transport.ts's.
 */
import {
  compareLive,
  liveComparisonJson,
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
