import {Flags} from '@oclif/core'
import {diffObjects, externalDiff, loadRenderedDir, objectKey} from '../output/diff.js'
import {renderDiagnostics} from '../output/report.js'
import type {KubeObject} from '../model/types.js'
import {BaseCommand} from '../cli/base-command.js'

export default class Diff extends BaseCommand {
  static summary = 'Show what applying the converted output would change'
  static description =
    'Compares each object the conversion produces with its live counterpart in the cluster (server-populated and defaulted fields we do not set are left out), or with a rendered directory (--against). Of the conversion report only errors are printed (-q: no summary line either; `report` shows everything). Exit status: 0 no differences, 1 differences, 2 could not read the input or the cluster, like kubectl diff. KUBECTL_EXTERNAL_DIFF is honoured.'
  static examples = [
    'kubectl ingress2gw diff -n team-a',
    'kubectl ingress2gw diff -A',
    'kubectl ingress2gw diff -f manifests/ -R --against rendered/',
    'KUBECTL_EXTERNAL_DIFF="colordiff -N -u" kubectl ingress2gw diff -n team-a',
  ]
  /** Against the cluster (no --against): the live Gateways and Services are read even for file input. */
  static writesToCluster = (flags: Record<string, any>) => flags.against === undefined
  static flags = {
    against: Flags.string({description: 'compare with a rendered directory (convert --output-dir layout) instead of the cluster'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Diff)
    const {objects} = await this.compile(flags, {full: false})
    let live: Map<string, KubeObject | undefined>
    const prune = flags.against === undefined
    try {
      if (flags.against !== undefined) {
        live = loadRenderedDir(flags.against)
      } else {
        const cluster = await import('../sources/cluster.js')
        const client = await cluster.ClusterClient.connect(this.selection(flags))
        const fetched = await cluster.fetchLive(client, objects, objectKey)
        process.stderr.write(renderDiagnostics(fetched.diagnostics, this.painter(flags)))
        live = fetched.live
      }
    } catch (error) {
      this.fail((error as Error).message)
    }
    const external = process.env.KUBECTL_EXTERNAL_DIFF
    if (external) {
      let code: number
      try {
        code = await externalDiff(live, objects, external, {prune})
      } catch (error) {
        this.fail((error as Error).message)
      }
      if (code !== 0) process.exitCode = code
      return
    }
    const color = this.colourOn(flags, process.stdout)
    const {text, changed} = diffObjects(live, objects, {color, prune})
    process.stdout.write(text)
    if (changed > 0) process.exitCode = 1
  }
}
