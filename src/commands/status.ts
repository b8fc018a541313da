import {Flags} from '@oclif/core'
import {BaseCommand} from '../cli/base-command.js'
import {parseDurationFlag} from '../cli/kubectl-flags.js'

/** The flags of BaseCommand that choose a cluster and a scope (status does not convert anything). */
const {help, kubeconfig, context, cluster, user, as, namespace, selector, color} = BaseCommand.baseFlags
const connection = {help, kubeconfig, context, cluster, user, as, 'as-group': BaseCommand.baseFlags['as-group'], 'request-timeout': BaseCommand.baseFlags['request-timeout']}

export default class Status extends BaseCommand {
  static summary = 'Say what the Gateway and cert-manager accepted of the applied objects, and what to do about the rest'
  static description =
    'Reads every object labelled app.kubernetes.io/managed-by=ingress2gw in the namespace (-n, -A; -l keeps the objects converted from the Ingresses it selects), the Gateways their routes attach to, and the status their controllers wrote: Gateway and listener conditions, each route parent\'s Accepted and ResolvedRefs, policy ancestors, Certificates and pending ACME challenges. Objects a controller has not written status for yet are unknown. Exit status: 0 when everything is ready, 1 when anything is not ready or unknown, 2 when the cluster cannot be read.'
  static examples = [
    'kubectl ingress2gw status -n team-a',
    'kubectl ingress2gw status -A -o json',
    'kubectl ingress2gw status -A --wait --timeout 5m',
  ]
  // Only the cluster and scope flags: the conversion flags mean nothing here (typed as the base's so oclif's
  // static side still matches; at run time only these are parsed).
  static baseFlags = {...connection, namespace, 'all-namespaces': BaseCommand.baseFlags['all-namespaces'], selector, color} as unknown as typeof BaseCommand.baseFlags
  static flags = {
    output: Flags.option({char: 'o', options: ['text', 'json'] as const, description: 'output format', default: 'text'})(),
    wait: Flags.boolean({description: 'read again until everything is ready, or the timeout passes (exit 1)', default: false}),
    timeout: Flags.string({description: 'with --wait: how long to wait (30s, 5m, 1h)', default: '5m'}),
    'poll-interval': Flags.string({description: 'with --wait: time between reads', default: '2s', hidden: true}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Status)
    let timeoutMs: number
    let intervalMs: number
    let selection
    try {
      selection = this.selection(flags)
      timeoutMs = parseDurationFlag(flags.timeout, 'timeout')
      intervalMs = Math.max(50, parseDurationFlag(flags['poll-interval'], 'poll-interval'))
    } catch (error) {
      this.fail((error as Error).message)
    }
    const {runStatus} = await import('../status/command.js')
    const code = await runStatus({
      selection,
      allNamespaces: flags['all-namespaces'],
      selector: flags.selector,
      output: flags.output,
      wait: flags.wait ? {timeoutMs, intervalMs} : undefined,
      paintOut: this.painter(flags, process.stdout),
      paintErr: this.painter(flags),
    })
    if (code !== 0) this.exit(code)
  }
}
