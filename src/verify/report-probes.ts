/**
 * verify's probe counts in the migration report (the `probes` fields the report schema reserves): per Ingress, the
 * probes it decided on either side, how many got a different answer from the Gateway and how many of those a
 * diagnostic names (known); the summary counts every
 * probe once. Pure.
 */
import type {VerifyReport} from './verify.js'

interface ProbeCounts {
  total: number
  same: number
  different: number
  known?: number
}

/** The parts of the migration report (src/output/migration-report/model.ts) that carry probe counts. */
export interface ReportWithProbes {
  summary: {probes?: ProbeCounts}
  ingresses: {ingress: string; probes?: ProbeCounts}[]
}

export function addProbeCounts(report: ReportWithProbes, verify: VerifyReport): void {
  for (const entry of report.ingresses) {
    const counts = verify.perIngress.get(entry.ingress)
    if (counts) entry.probes = {total: counts.probes, same: counts.probes - counts.differ, different: counts.differ, known: counts.known}
  }
  report.summary.probes = {total: verify.probes, same: verify.probes - verify.differ, different: verify.differ, known: verify.known}
}
