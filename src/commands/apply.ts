import {Flags} from '@oclif/core'
import {applyObjects, formatResult} from '../output/apply.js'
import {BaseCommand} from '../cli/base-command.js'

export default class Apply extends BaseCommand {
  static summary = 'Server-side apply the converted output (field manager ingress2gw)'
  static description =
    'Applies in dependency order: namespace labels, ReferenceGrants, the Gateway bundle, routes, then policies, filters and Backends. One line per object (created, configured, unchanged); a failed object does not stop the others, and the exit status is 1 when any failed. Never creates, changes or deletes an Ingress, a Service or a Secret.'
  static examples = [
    'kubectl ingress2gw apply -n team-a --dry-run=server',
    'kubectl ingress2gw apply -n team-a',
    'kubectl ingress2gw apply -A --force-conflicts',
  ]
  static flags = {
    'dry-run': Flags.option({options: ['none', 'server', 'client'] as const, description: 'server: validate with the API server without persisting; client: only read', default: 'none'})(),
    'force-conflicts': Flags.boolean({description: 'take over fields another field manager owns (server-side apply force)', default: false}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Apply)
    const {objects} = await this.compile(flags)
    let results
    try {
      ;({results} = await applyObjects(objects, {
        dryRun: flags['dry-run'],
        forceConflicts: flags['force-conflicts'],
        kubeconfig: flags.kubeconfig,
        context: flags.context,
        namespace: flags.namespace,
      }))
    } catch (error) {
      this.fail((error as Error).message)
    }
    const paint = this.painter(flags)
    for (const r of results) {
      if (r.status === 'failed') process.stderr.write(paint.red(formatResult(r, flags['dry-run'])) + '\n')
      else process.stdout.write(formatResult(r, flags['dry-run']) + '\n')
    }
    if (results.some((r) => r.status === 'failed')) process.exitCode = 1
  }
}
