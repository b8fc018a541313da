import {Flags} from '@oclif/core'
import {buildReport, renderHtml, renderMarkdown, renderText, statusAtLeast, type IngressStatus, type MigrationReport} from '../output/migration-report.js'
import {BaseCommand} from '../cli/base-command.js'

export default class Report extends BaseCommand {
  static summary = 'Say what converts exactly, approximately, or needs a person, per Ingress'
  static description =
    'Reads the same input as convert and prints a migration report instead of manifests. --fail-on makes it a CI gate. Exit status: 0 report printed, 1 --fail-on tripped, 2 could not read the input or the cluster (the error goes to stderr, also with --json).'
  static enableJsonFlag = true
  static examples = [
    'kubectl ingress2gw report -A',
    'kubectl ingress2gw report -f manifests/ -R --format markdown > MIGRATION.md',
    'kubectl ingress2gw report -A --format html > report.html',
    'kubectl ingress2gw report -f k8s/ --fail-on manual',
  ]
  static flags = {
    format: Flags.option({options: ['text', 'markdown', 'html', 'json'] as const, description: 'report format', default: 'text'})(),
    output: Flags.option({char: 'o', options: ['text', 'markdown', 'html', 'json'] as const, description: 'report format (kubectl spelling of --format)'})(),
    'fail-on': Flags.option({
      options: ['approximate', 'manual', 'skipped'] as const,
      description: 'exit 1 when any Ingress has this status or a worse one (approximate < manual < skipped)',
    })(),
  }

  async run(): Promise<MigrationReport> {
    const {flags} = await this.parse(Report)
    const {result, inputDiagnostics} = await this.compileQuiet(flags)
    const report = buildReport(result, inputDiagnostics)
    if (!this.jsonEnabled()) {
      const format = flags.output ?? flags.format
      const out =
        format === 'markdown' ? renderMarkdown(report) : format === 'html' ? renderHtml(report) : format === 'json' ? JSON.stringify(report, null, 2) + '\n' : renderText(report)
      process.stdout.write(out)
    }
    const threshold = flags['fail-on'] as IngressStatus | undefined
    if (threshold && report.ingresses.some((e) => statusAtLeast(e.status, threshold))) process.exitCode = 1
    return report
  }
}
