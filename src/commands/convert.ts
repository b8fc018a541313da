import {Flags} from '@oclif/core'
import {count} from '../cli/progress.js'
import {buildReport, renderMarkdown, type IngressStatus} from '../output/migration-report/index.js'
import {addProbeCounts} from '../verify/report-probes.js'
import {gitopsFiles, MANIFEST_FILE, writeGitopsTree, type TreeResult} from '../output/gitops-tree.js'
import {toJsonListChunks, toYamlChunks} from '../output/serialize.js'
import {BaseCommand} from '../cli/base-command.js'
import {failOnFlag, failOnMessage} from '../cli/fail-on.js'
import {writeChunks} from '../cli/write-chunks.js'
import {verifyRun} from '../verify/run.js'
import {verifySummaryLine} from '../verify/verify.js'

export default class Convert extends BaseCommand {
  static summary = 'Compile Ingresses into Gateway API + Envoy Gateway resources for the shared Gateway'
  static description =
    'Reads Ingresses (files with -f, or the cluster) and prints HTTPRoutes, policies and, for the gateway owner, the Gateway bundle. Data goes to stdout, diagnostics to stderr (-q: errors only). --output-dir writes a GitOps tree instead: one folder per namespace and _cluster, a kustomization.yaml in each and at the root, REPORT.md; rerunning replaces only the files convert wrote and a person did not edit since (recorded in ' +
    MANIFEST_FILE +
    '). Exit status: 0 converted (read the diagnostics), 1 --fail-on tripped or --output-dir kept a file it had to write, 2 could not read the input or the cluster.'
  static examples = [
    'kubectl ingress2gw convert -n team-a',
    'kubectl ingress2gw convert -f manifests/ -R',
    'kubectl get ingress -A -o json | kubectl ingress2gw convert -f -',
    'kubectl ingress2gw convert -A --output-dir migration/ && kubectl kustomize migration/',
    'kubectl ingress2gw convert -f k8s/ -R --fail-on manual',
    'kubectl ingress2gw convert -f examples/ --gateway-for internal=gateway/internal',
  ]
  static flags = {
    output: Flags.option({char: 'o', options: ['yaml', 'json'] as const, description: 'output format', default: 'yaml'})(),
    'output-dir': Flags.string({description: 'write a GitOps tree: DIR/<namespace>/<kind>-<name>.yaml, kustomization.yaml per folder and at the root, REPORT.md'}),
    'fail-on': failOnFlag(),
    verify: Flags.boolean({description: 'check the output offline against a model of ingress-nginx and add `verify: N probes, M differ (K known)` to the summary (kubectl ingress2gw verify lists them)', default: true, allowNo: true}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Convert)
    const {objects, result, report: context, scope} = await this.compile(flags)
    // The summary line, and REPORT.md's counts (the same as `report -o markdown`).
    const verified = flags.verify && (!flags.quiet || flags['output-dir']) && scope.ingresses > 0 ? verifyRun({snapshot: context.snapshot, options: context.options, result, countsOnly: true}) : undefined
    if (verified && !flags.quiet) {
      process.stderr.write(`${verifySummaryLine(verified).trimEnd()}${verified.differ > verified.known ? ' (kubectl ingress2gw verify lists them)' : ''}\n`)
    }
    const threshold = flags['fail-on'] as IngressStatus | undefined
    const report = flags['output-dir'] || threshold ? buildReport(result, context) : undefined
    if (report && verified) addProbeCounts(report, verified)
    if (flags['output-dir']) {
      const dir = flags['output-dir']
      let tree: TreeResult
      try {
        tree = await writeGitopsTree(dir, gitopsFiles(objects, renderMarkdown(report!)), {
          onProgress: (done, total) => this.progress.update(`writing ${dir}: ${count(done)} of ${count(total)} file(s)`),
        })
      } catch (error) {
        this.progress.clear()
        this.fail((error as Error).message)
      }
      this.progress.clear()
      process.stderr.write(treeSummary(dir, tree, flags.quiet))
      if (tree.kept.some((k) => !k.stale)) process.exitCode = 1
    } else {
      await writeChunks(process.stdout, flags.output === 'json' ? toJsonListChunks(objects) : toYamlChunks(objects))
    }
    const gate = report && failOnMessage(report, threshold)
    if (gate) {
      process.stderr.write(`error: ${gate}\n`)
      process.exitCode = 1
    }
  }
}

/** One line of counts (not with -q), and a warning per file left alone. */
function treeSummary(dir: string, tree: TreeResult, quiet: boolean): string {
  const lines = quiet
    ? []
    : [`${dir}: ${tree.written.length} file(s) written, ${tree.unchanged.length} unchanged, ${tree.removed.length} removed (no longer generated)${tree.kept.length > 0 ? `, ${tree.kept.length} left as they are` : ''}\n`]
  for (const k of tree.kept) {
    const whose = k.why === 'edited' ? 'was edited after convert wrote it' : 'was not written by convert'
    const effect = k.stale ? 'it is no longer generated, and stays' : 'the new content is not written'
    lines.push(`warning: ${dir}/${k.path} ${whose}: ${effect}; delete it (or restore convert's version) to let convert manage it again\n`)
  }
  return lines.join('')
}
