/**
 * `--fail-on approximate|manual|skipped` (convert and report): a CI gate on the worst Ingress status. The run still
 * prints everything; the exit status is 1 and one `error:` line names the Ingresses that tripped it.
 */
import {Flags} from '@oclif/core'
import {statusAtLeast, type IngressStatus, type MigrationReport} from '../output/migration-report/index.js'

export const failOnFlag = Flags.option({
  options: ['approximate', 'manual', 'skipped'] as const,
  description: 'exit 1 when any Ingress, tcp/udp-services port or controller ConfigMap key has this status or a worse one (approximate < manual < skipped)',
})

const LISTED = 10

/**
 * The gate's message when it trips, else undefined. Besides the Ingresses, a tcp/udp-services port (same statuses)
 * and a key of the controller ConfigMap (by its fidelity: approximate or manual) trip it: every Ingress can be exact
 * while a global setting such as block-cidrs is left for a person, and a passing gate must not sign that off.
 */
export function failOnMessage(report: MigrationReport, threshold: IngressStatus | undefined): string | undefined {
  if (!threshold) return undefined
  const hits = report.ingresses.filter((e) => statusAtLeast(e.status, threshold))
  const others = [
    ...report.streamEntries.filter((e) => statusAtLeast(e.status, threshold)).map((e) => `${e.protocol.toLowerCase()}-services ${e.port} (${e.status})`),
    ...(report.configMaps ?? []).flatMap((cm, _i, all) =>
      cm.keys
        .filter((k) => (k.fidelity === 'approximate' || k.fidelity === 'manual') && statusAtLeast(k.fidelity, threshold))
        .map((k) => `ConfigMap ${all.length > 1 ? `${cm.name} ` : ''}key ${k.key} (${k.fidelity})`),
    ),
  ]
  if (hits.length === 0 && others.length === 0) return undefined
  const worse = threshold === 'skipped' ? 'skipped' : `${threshold} or worse`
  const parts: string[] = []
  if (hits.length > 0) {
    const listed = hits.slice(0, LISTED).map((e) => `${e.ingress} (${e.status})`)
    const more = hits.length > LISTED ? `, and ${hits.length - LISTED} more` : ''
    parts.push(`${hits.length} of ${report.ingresses.length} Ingress(es) are ${worse}: ${listed.join(', ')}${more}`)
  }
  if (others.length > 0) {
    const more = others.length > LISTED ? `, and ${others.length - LISTED} more` : ''
    parts.push(`${hits.length > 0 ? 'and ' : ''}${others.length} port(s) or ConfigMap key(s) are ${worse}: ${others.slice(0, LISTED).join(', ')}${more}`)
  }
  return `--fail-on ${threshold}: ${parts.join('; ')}`
}
