import {Flags} from '@oclif/core'
import {applyObjects, applySummary, formatResult, type ApplyResult} from '../output/apply.js'
import {outsideNamespace, resourceString, withPlaceholders} from '../output/apply-plan.js'
import {renderDiagnostics} from '../output/report.js'
import {BaseCommand} from '../cli/base-command.js'

export default class Apply extends BaseCommand {
  static summary = 'Server-side apply the converted output (field manager ingress2gw)'
  static description =
    'Applies in dependency order: namespace labels, then what routes need (ReferenceGrants, Backends, filters, policies, certificates), then the Gateway, then the routes; a route whose policy, filter, Backend or grant failed is not applied. One line per object as it is applied (created, configured, unchanged). Refuses to apply when the conversion reported errors (--force applies anyway), and, when the run is confined to one namespace, objects outside it (--allow-cross-namespace), and objects that keep Flux ${VAR} placeholders (--allow-placeholders). Never creates, changes or deletes an Ingress, a Service or a Secret. Exit status: 0 applied, 1 refused or an object failed, 2 could not read the input or the cluster, 130 interrupted.'
  static examples = [
    'kubectl ingress2gw apply -n team-a --dry-run=server',
    'kubectl ingress2gw apply -n team-a',
    'kubectl ingress2gw apply -A --force-conflicts',
    'kubectl ingress2gw apply -f rendered/ -R',
  ]
  static writesToCluster = true
  static flags = {
    'dry-run': Flags.option({options: ['none', 'server', 'client'] as const, description: 'server: validate with the API server without persisting; client: only read', default: 'none'})(),
    'force-conflicts': Flags.boolean({description: 'take over fields another field manager owns (server-side apply force)', default: false}),
    force: Flags.boolean({description: 'apply even though the conversion reported errors', default: false}),
    'allow-cross-namespace': Flags.boolean({description: 'with -n (or the context namespace), also apply the listed objects outside that namespace', default: false}),
    'allow-placeholders': Flags.boolean({description: 'apply objects that keep Flux ${VAR} placeholders as literal text (normally Flux substitutes them)', default: false}),
    'server-side': Flags.boolean({description: 'always server-side apply (accepted for kubectl compatibility)', default: true, allowNo: true}),
    'field-manager': Flags.string({description: 'always ingress2gw (accepted for kubectl compatibility)', default: 'ingress2gw'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Apply)
    if (!flags['server-side']) this.fail('apply is always server-side (field manager ingress2gw); --server-side=false is not supported')
    if (flags['field-manager'] !== 'ingress2gw') this.fail(`the field manager is always ingress2gw (diff and later applies rely on it), not "${flags['field-manager']}"`)
    const {objects, diagnostics, scope} = await this.compile(flags, {full: false, errorsLater: true})
    const paint = this.painter(flags)
    const errors = diagnostics.filter((d) => d.level === 'error')
    const printErrors = () => process.stderr.write(renderDiagnostics(errors, paint))
    if (objects.length === 0) {
      printErrors()
      this.fail('no objects passed to apply', 1)
    }
    if (errors.length > 0 && !flags.force) {
      printErrors()
      this.fail(`not applying: the conversion reported ${errors.length} error(s) (above); fix them, or pass --force to apply the rest anyway`, 1)
    }
    const unsubstituted = withPlaceholders(objects)
    if (unsubstituted.length > 0) {
      const listed = unsubstituted.map(({object: o, placeholders}) => `  ${resourceString(o)}${o.metadata.namespace ? ` (namespace ${o.metadata.namespace})` : ''}: ${placeholders.join(', ')}\n`).join('')
      if (!flags['allow-placeholders']) {
        process.stderr.write(`error: ${unsubstituted.length} object(s) of the plan keep \${VAR} placeholders, which the API server would store as literal text:\n${listed}`)
        this.fail('apply them through the Flux Kustomization that substitutes them (postBuild.substitute), or substitute them in the input first; --allow-placeholders applies them as written', 1)
      }
      process.stderr.write(`applying ${unsubstituted.length} object(s) with \${VAR} placeholders as literal text (--allow-placeholders):\n${listed}`)
    }
    if (scope.namespace !== undefined) {
      const outside = outsideNamespace(objects, scope.namespace)
      const listed = outside.map((o) => `  ${resourceString(o)}${o.metadata.namespace ? ` (namespace ${o.metadata.namespace})` : ''}\n`).join('')
      if (outside.length > 0 && !flags['allow-cross-namespace']) {
        process.stderr.write(`error: this apply is confined to namespace "${scope.namespace}", but ${outside.length} object(s) of the plan are outside it:\n${listed}`)
        this.fail('pass --allow-cross-namespace to apply them as listed, or -A, or -n with their namespace', 1)
      }
      if (outside.length > 0) process.stderr.write(`applying ${outside.length} object(s) outside namespace "${scope.namespace}" (--allow-cross-namespace):\n${listed}`)
    }

    const abort = new AbortController()
    const onInterrupt = () => {
      process.stderr.write('interrupted: finishing the requests under way, starting no new one (Ctrl-C again to stop at once)\n')
      abort.abort()
      process.once('SIGINT', () => process.exit(130))
    }
    process.once('SIGINT', onInterrupt)
    const dryRun = flags['dry-run']
    const print = (r: ApplyResult) => {
      if (r.status === 'failed' || r.status === 'withheld' || r.status === 'interrupted') process.stderr.write(paint.red(formatResult(r, dryRun)) + '\n')
      else process.stdout.write(formatResult(r, dryRun) + '\n')
    }
    let outcome
    try {
      outcome = await applyObjects(objects, {
        dryRun,
        forceConflicts: flags['force-conflicts'],
        ...this.selection(flags),
        signal: abort.signal,
        onResult: print,
      })
    } catch (error) {
      this.fail((error as Error).message)
    } finally {
      process.removeListener('SIGINT', onInterrupt)
    }
    const {results, interrupted} = outcome
    if (!flags.quiet || interrupted || results.some((r) => r.status !== 'created' && r.status !== 'configured' && r.status !== 'unchanged')) {
      process.stderr.write(applySummary(results, dryRun, interrupted))
    }
    if (errors.length > 0) printErrors()
    if (interrupted) process.exitCode = 130
    else if (results.some((r) => r.status === 'failed' || r.status === 'withheld')) process.exitCode = 1
  }
}
