import {Flags} from '@oclif/core'
import {buildReport, renderHtml, renderJson, renderMarkdown, renderText, type IngressStatus, type MigrationReport} from '../output/migration-report/index.js'
import {BaseCommand} from '../cli/base-command.js'
import {addProbeCounts} from '../verify/report-probes.js'
import {verifyRun} from '../verify/run.js'
import {failOnFlag, failOnMessage} from '../cli/fail-on.js'

const FORMATS = ['text', 'markdown', 'html', 'json'] as const

export default class Report extends BaseCommand {
  static summary = 'Say what converts exactly, approximately, or needs a person, per Ingress'
  static description =
    'Reads the same input as convert and prints a migration report instead of manifests: totals, each namespace and its Ingresses (status, annotations, objects, diagnostics with hints), the annotation histogram, conflicts between Ingresses, tcp/udp-services entries and the gateway owner checklist. text (coloured and fitted to the terminal, plain when piped), markdown, json (schema: docs/report-schema.json) or html (one self-contained page). --fail-on makes it a CI gate. Exit status: 0 report printed, 1 --fail-on tripped, 2 could not read the input or the cluster (the error goes to stderr, also with --json).'
  static enableJsonFlag = true
  static examples = [
    'kubectl ingress2gw report -A',
    'kubectl ingress2gw report -f manifests/ -R -o markdown > MIGRATION.md',
    'kubectl ingress2gw report -A -o html > report.html',
    'kubectl ingress2gw report -A -o json | jq \'.namespaces[] | select(.byStatus.manual > 0) | .name\'',
    'kubectl ingress2gw report -f k8s/ --fail-on manual',
  ]
  static flags = {
    output: Flags.option({char: 'o', options: FORMATS, description: 'report format: text, markdown, html or json'})(),
    format: Flags.option({options: FORMATS, description: 'report format (alias of -o)'})(),
    'fail-on': failOnFlag(),
    verify: Flags.boolean({description: 'count, per Ingress, the verify probes that get the same answer from ingress-nginx and the Gateway (JSON: probes)', default: true, allowNo: true}),
  }

  async run(): Promise<MigrationReport> {
    const {flags} = await this.parse(Report)
    const {result, report: context} = await this.compileQuiet(flags)
    const report = buildReport(result, context)
    if (flags.verify && result.ingresses.length > 0) addProbeCounts(report, verifyRun({snapshot: context.snapshot, options: context.options, result, countsOnly: true}))
    if (!this.jsonEnabled()) {
      const format = flags.output ?? flags.format ?? 'text'
      const stdout = process.stdout
      const out =
        format === 'markdown'
          ? renderMarkdown(report)
          : format === 'html'
            ? renderHtml(report)
            : format === 'json'
              ? renderJson(report)
              : renderText(report, {colour: this.colourOn(flags, stdout), width: stdout.isTTY ? stdout.columns : undefined})
      stdout.write(out)
    }
    const gate = failOnMessage(report, flags['fail-on'] as IngressStatus | undefined)
    if (gate) {
      process.stderr.write(`error: ${gate}\n`)
      process.exitCode = 1
    }
    return report
  }
}
