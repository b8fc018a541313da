import {Flags} from '@oclif/core'
import {BaseCommand} from '../cli/base-command.js'
import {parseNamespacedName} from '../translate/options.js'
import type {TranslateOptions} from '../model/types.js'

const {help, kubeconfig, context, cluster, user, as, namespace, gateway, color} = BaseCommand.baseFlags
const connection = {help, kubeconfig, context, cluster, user, as, 'as-group': BaseCommand.baseFlags['as-group'], 'request-timeout': BaseCommand.baseFlags['request-timeout']}

export default class Cutover extends BaseCommand {
  static summary = 'Move the traffic: repoint the ingress-nginx Service at the Envoy pods (and back), or list the DNS records to switch'
  static description =
    'In place (--service NS/NAME): checks that the Gateway is programmed, that every port of the Service has a listener and that Helm and the PROXY protocol allow it, then prints the JSON patch of spec.selector and spec.ports[].targetPort and its rollback. --apply sends it with the Service\'s resourceVersion as precondition after writing the rollback file; --rollback FILE applies a saved rollback. Only the named Service is ever changed, and only those two fields. Side by side (--dns): every host of the Gateway\'s routes with the address of its Service. Exit status: 0 done (or nothing to do), 1 refused by a check, 2 error.'
  static examples = [
    'kubectl ingress2gw cutover --service ingress-nginx/ingress-nginx-controller --gateway gateway/shared',
    'kubectl ingress2gw cutover --service ingress-nginx/ingress-nginx-controller --dry-run=server',
    'kubectl ingress2gw cutover --service ingress-nginx/ingress-nginx-controller --apply',
    'kubectl ingress2gw cutover --rollback ingress2gw-rollback-ingress-nginx-ingress-nginx-controller-81234.json',
    'kubectl ingress2gw cutover --dns -A',
  ]
  // Only the cluster, scope and Gateway flags (typed as the base's so oclif's static side matches).
  static baseFlags = {
    ...connection,
    namespace,
    'all-namespaces': BaseCommand.baseFlags['all-namespaces'],
    gateway,
    'controller-configmap': BaseCommand.baseFlags['controller-configmap'],
    color,
  } as unknown as typeof BaseCommand.baseFlags
  // --apply patches the ingress-nginx Service and --rollback restores it; --dns and the plan only read.
  static writesToCluster = (flags: Record<string, any>) => flags.apply === true || flags.rollback !== undefined
  static flags = {
    service: Flags.string({description: 'the ingress-nginx Service to repoint, NAMESPACE/NAME', exclusive: ['dns', 'rollback']}),
    apply: Flags.boolean({description: 'send the patch (after writing the rollback file)', default: false}),
    'dry-run': Flags.option({options: ['none', 'server'] as const, description: 'server: let the API server validate the patch without persisting it', default: 'none'})(),
    'rollback-file': Flags.string({description: 'where --apply writes the rollback (default: ./ingress2gw-rollback-<namespace>-<name>-<resourceVersion>.json)'}),
    rollback: Flags.string({description: 'apply the rollback saved in FILE', exclusive: ['dns', 'service', 'apply']}),
    force: Flags.boolean({description: 'switch although the Service is Helm-managed without helm.sh/resource-policy: keep, or the PROXY protocol settings disagree; with --rollback, restore although the Service changed since', default: false}),
    dns: Flags.boolean({description: 'list every host of the Gateway\'s routes with the address of the Gateway\'s Service (side-by-side cutover)', default: false}),
    output: Flags.option({char: 'o', options: ['text', 'json'] as const, description: 'output format', default: 'text'})(),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Cutover)
    const connectionArgs = (['kubeconfig', 'context', 'cluster', 'user', 'as'] as const).filter((f) => flags[f]).map((f) => `--${f} ${flags[f]}`)
    let selection
    try {
      selection = this.selection(flags)
    } catch (error) {
      this.fail((error as Error).message)
    }
    const cmd = await import('../cutover/command.js')
    const run = {
      selection,
      connectionArgs,
      output: flags.output,
      paintOut: this.painter(flags, process.stdout),
      paintErr: this.painter(flags),
    }
    if (!flags.rollback && !flags.dns && !flags.service) this.fail('cutover needs --service NAMESPACE/NAME (in place), --dns (side by side) or --rollback FILE')
    let code = 0
    try {
      if (flags.rollback) code = await cmd.runRollback(run, {file: flags.rollback, dryRun: flags['dry-run'], force: flags.force})
      else if (flags.dns) code = await cmd.runDns(run, {gateway: this.translateOptions(flags).gateway, allNamespaces: flags['all-namespaces']})
      else {
        const options = this.translateOptions(flags)
        code = await cmd.runCutover(run, {
          service: parseNamespacedName(flags.service!, 'service'),
          gateway: options.gateway,
          apply: flags.apply,
          dryRun: flags['dry-run'],
          force: flags.force,
          rollbackFile: flags['rollback-file'],
          controllerConfigMap: oneControllerConfigMap(options),
        })
      }
    } catch (error) {
      this.fail((error as Error).message)
    }
    if (code !== 0) this.exit(code)
  }
}

/** cutover acts on one controller's Service: the plain NAMESPACE/NAME, or the only CLASS=NAMESPACE/NAME given. */
function oneControllerConfigMap(options: TranslateOptions): string | undefined {
  const byClass = Object.values(options.controllerConfigMapFor ?? {})
  if (options.controllerConfigMap === undefined && byClass.length > 1) throw new Error('cutover reads one controller ConfigMap: give --controller-configmap once')
  return options.controllerConfigMap ?? byClass[0]
}
