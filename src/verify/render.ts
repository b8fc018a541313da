/**
 * verify's output: per differing probe one line (request, nginx's outcome, the Gateway's), grouped per Ingress,
 * `known <code>` where a diagnostic names the difference; then the summary line. JSON for -o json. Pure.
 */
import {describeOutcome} from './outcome.js'
import {describeProbe} from './probes.js'
import {verifySummaryLine, type ProbeResult, type VerifyReport} from './verify.js'

export function renderVerifyText(report: VerifyReport): string {
  const groups = new Map<string, ProbeResult[]>()
  for (const d of report.differences) groups.set(d.group, [...(groups.get(d.group) ?? []), d])
  const lines: string[] = []
  for (const [group, results] of sortedGroups(groups)) {
    lines.push(groupHeading(group))
    for (const r of results) {
      const label = r.known === undefined ? 'DIFFERS' : `known ${r.known}`
      lines.push(`  ${label}: ${describeProbe(r.probe)}  nginx: ${describeOutcome(r.nginx)}  gateway: ${describeOutcome(r.envoy)}`)
    }
  }
  return `${lines.map((l) => `${l}\n`).join('')}${verifySummaryLine(report)}`
}

/** The groups (an Ingress `namespace/name`, else a host) in name order. */
export function sortedGroups<T>(groups: Map<string, T>): Array<[string, T]> {
  return [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
}

/** "Ingress team-a/web:" or, for a probe no Ingress decided, "host unknown.example.com:". */
export function groupHeading(group: string): string {
  return `${group.includes('/') ? `Ingress ${group}` : `host ${group}`}:`
}

export function verifyJson(report: VerifyReport): object {
  return {
    probes: report.probes,
    differ: report.differ,
    known: report.known,
    unlabelled: report.differ - report.known,
    perIngress: Object.fromEntries([...report.perIngress].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    differences: report.differences.map((r) => ({
      gateway: r.gateway,
      request: describeProbe(r.probe),
      probe: r.probe,
      group: r.group,
      differences: r.differences,
      ...(r.known === undefined ? {} : {known: r.known}),
      nginx: {...stripProvenance(r.nginx), decision: r.nginx.nginx},
      envoy: {...stripProvenance(r.envoy), decision: {listener: r.envoy.gateway.listener, virtualHost: r.envoy.gateway.virtualHost, route: r.envoy.gateway.route, ruleIndex: r.envoy.gateway.ruleIndex}},
    })),
    notes: report.notes,
    ...(report.gatewaySide === undefined ? {} : {gatewaySide: report.gatewaySide}),
  }
}

function stripProvenance(outcome: object): object {
  const {nginx: _n, gateway: _g, ...rest} = outcome as Record<string, unknown>
  return rest
}
