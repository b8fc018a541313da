/**
 * `--fail-on approximate|manual|skipped` (convert and report): a CI gate on the worst Ingress status. The run still
 * prints everything; the exit status is 1 and one `error:` line names the Ingresses that tripped it.
 */
import {Flags} from '@oclif/core'
import {statusAtLeast, type IngressStatus, type MigrationReport} from '../output/migration-report/index.js'

export const failOnFlag = Flags.option({
  options: ['approximate', 'manual', 'skipped'] as const,
  description: 'exit 1 when any Ingress has this status or a worse one (approximate < manual < skipped)',
})

const LISTED = 10

/** The gate's message when it trips, else undefined. */
export function failOnMessage(report: MigrationReport, threshold: IngressStatus | undefined): string | undefined {
  if (!threshold) return undefined
  const hits = report.ingresses.filter((e) => statusAtLeast(e.status, threshold))
  if (hits.length === 0) return undefined
  const listed = hits.slice(0, LISTED).map((e) => `${e.ingress} (${e.status})`)
  const more = hits.length > LISTED ? `, and ${hits.length - LISTED} more` : ''
  const worse = threshold === 'skipped' ? 'skipped' : `${threshold} or worse`
  return `--fail-on ${threshold}: ${hits.length} of ${report.ingresses.length} Ingress(es) are ${worse}: ${listed.join(', ')}${more}`
}
