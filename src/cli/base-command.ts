import {Command, Flags} from '@oclif/core'
import {Chalk} from 'chalk'
import type {ReportContext} from '../output/migration-report/index.js'
import {renderDiagnosticChunks, renderDiagnostics, renderSubstitutionLine, renderSummary, type Painter} from '../output/report.js'
import {readFileInputs} from '../sources/files.js'
import {resolveNamespaceOrigin, type KubeconfigSelection} from '../sources/kubeconfig.js'
import {parseLabelSelector} from '../sources/label-selector.js'
import {missingServiceDiagnostics, serviceKeys} from '../sources/services.js'
import {ingressCountsLine} from '../output/ingress-counts.js'
import {sortDiagnostics} from '../model/diagnostics.js'
import {diagnostic, type DataOf} from '../model/catalogue/diagnostic.js'
import {translate} from '../translate/index.js'
import {
  type Diagnostic,
  type Fidelity,
  type InputObject,
  type KubeObject,
  type Snapshot,
  type TranslateOptions,
  type TranslateResult,
} from '../model/types.js'
import {kubectlBooleanArgs, parseRequestTimeout, usageError} from './kubectl-flags.js'
import {count, Progress} from './progress.js'
import {translateFlags, translateOptionsOf} from './translate-flags.js'
import {DEFAULT_OPTIONS} from '../translate/options.js'
import {pushAll} from '../util/arrays.js'

/** Where the input came from and how far it reached: for "No Ingresses found" and the namespace-scope check. */
export interface InputScope {
  mode: 'files' | 'cluster'
  /** The one namespace the run is confined to (cluster without -A; files with -n), or undefined. */
  namespace?: string
  selector?: string
  /** Ingresses read (after -l). */
  ingresses: number
}

export interface ReadInput {
  snapshot: Snapshot
  diagnostics: Diagnostic[]
  readNothing: boolean
  /** Already-converted objects from -f (ingress2gw's own output), applied or diffed as they are. */
  converted: KubeObject[]
  scope: InputScope
  /** Every Service in the Ingresses' namespaces is known (the cluster was read): missing ones can be named. */
  servicesKnown: boolean
}

export interface Compiled {
  objects: KubeObject[]
  diagnostics: Diagnostic[]
  scope: InputScope
  /** What the migration report is built from (`buildReport(result, report)`). */
  result: TranslateResult
  report: ReportContext
}

/** The input, target and output flags every command shares (kubectl spellings). */
export abstract class BaseCommand extends Command {
  static baseFlags = {
    help: Flags.help({char: 'h', description: 'show help for the command'}),
    filename: Flags.string({char: 'f', multiple: true, description: 'file, directory or - (stdin) to read manifests from; repeatable. Without it, the cluster is read'}),
    recursive: Flags.boolean({char: 'R', description: 'read directories given with -f recursively', default: false}),
    kubeconfig: Flags.string({description: 'path to the kubeconfig file (default: KUBECONFIG, then ~/.kube/config)'}),
    context: Flags.string({description: 'kubeconfig context to use'}),
    cluster: Flags.string({description: 'kubeconfig cluster to use (instead of the context\'s)'}),
    user: Flags.string({description: 'kubeconfig user to use (instead of the context\'s)'}),
    as: Flags.string({description: 'user to impersonate for the operation'}),
    'as-group': Flags.string({multiple: true, description: 'group to impersonate (with --as; one group)'}),
    'request-timeout': Flags.string({description: 'how long to wait for each API request (0: no limit; 30s, 1m, or seconds)', default: '30s'}),
    namespace: Flags.string({char: 'n', description: 'namespace to read (cluster), or to give objects without one (files); default: the kubeconfig context\'s, else default'}),
    'all-namespaces': Flags.boolean({char: 'A', description: 'read every namespace (wins over -n, as in kubectl)', default: false}),
    selector: Flags.string({char: 'l', description: 'label selector for Ingresses (cluster and files)'}),
    quiet: Flags.boolean({char: 'q', description: 'print only errors on stderr (no warnings, notes or summary)', default: false}),
    'lookup-cluster': Flags.boolean({description: 'files (-f): read what the files lack from the current kube context, get only: the Services the Ingresses name (named ports), the IngressClasses of their classes, the controller ConfigMap; says which were read', default: false}),
    ...translateFlags,
    color: Flags.option({options: ['auto', 'always', 'never'] as const, description: 'colour diagnostics and the text report (auto: on a terminal, unless NO_COLOR is set)', default: 'auto'})(),
  }

  /** kubectl accepts `--all-namespaces=true` for booleans; oclif does not: rewrite before parsing. */
  async init(): Promise<void> {
    const ctor = this.ctor as unknown as {flags?: Record<string, {type?: string; allowNo?: boolean}>; baseFlags?: Record<string, {type?: string; allowNo?: boolean}>}
    const flags = {...ctor.baseFlags, ...ctor.flags}
    const booleans = Object.entries(flags)
      .filter(([, f]) => f?.type === 'boolean')
      .map(([name, f]) => ({name, allowNo: f.allowNo === true}))
    this.argv = kubectlBooleanArgs(this.argv, booleans)
    await super.init()
  }

  /**
   * Errors as kubectl prints them: one `error:` line on stderr (a usage error adds the help pointer), never the
   * whole help nor oclif's JSON error object on stdout. Usage errors and unexpected failures exit 2.
   */
  async catch(err: any): Promise<any> {
    // this.exit() (also from the help flag's parser, whose error oclif rewraps as "Parsing --help ... EEXIT: 0").
    if (typeof err?.oclif?.exit === 'number' && /EEXIT: \d+/.test(String(err?.message))) throw err
    const usage = usageError(err, this.id ?? '')
    process.stderr.write(usage ?? `error: ${String(err?.message ?? err).split('\n')[0]}\n`)
    return this.exit(2)
  }

  /** Progress on stderr while the run is long (a terminal only); set when the input is read. */
  protected progress: Progress = new Progress(process.stderr, false)

  /** --color: always, never, or auto (a terminal, unless NO_COLOR is set). */
  protected colourOn(flags: Record<string, any>, stream: NodeJS.WriteStream = process.stderr): boolean {
    return flags.color === 'always' || (flags.color === 'auto' && stream.isTTY === true && !process.env.NO_COLOR)
  }

  protected painter(flags: Record<string, any>, stream: NodeJS.WriteStream = process.stderr): Painter {
    const chalk = new Chalk({level: this.colourOn(flags, stream) ? 1 : 0})
    return {red: chalk.red, yellow: chalk.yellow, dim: chalk.dim, bold: chalk.bold, cyan: chalk.cyan}
  }

  /** The kubeconfig selection and connection flags, as kubectl reads them. */
  protected selection(flags: Record<string, any>): KubeconfigSelection {
    return {
      kubeconfig: flags.kubeconfig,
      context: flags.context,
      namespace: flags['all-namespaces'] ? undefined : flags.namespace,
      cluster: flags.cluster,
      user: flags.user,
      as: flags.as,
      asGroups: flags['as-group'],
      requestTimeoutMs: parseRequestTimeout(String(flags['request-timeout'] ?? '30s')),
    }
  }

  /** The translate options of the parsed flags (translate/options.ts declares each one once). */
  protected translateOptions(flags: Record<string, any>): TranslateOptions {
    return translateOptionsOf(flags, this.config.version ?? DEFAULT_OPTIONS.generatorVersion)
  }

  /** One `error:` line on stderr and the exit status (2: could not read or run; 1: a gate refused). */
  protected fail(message: string, code = 2): never {
    process.stderr.write(`error: ${message}\n`)
    return this.exit(code)
  }

  /**
   * Whether the command compares with or changes the live objects (apply; diff against the cluster), so that even
   * file input reads the live Gateways and missing Services from the cluster. Commands declare it.
   */
  static writesToCluster: boolean | ((flags: Record<string, any>) => boolean) = false

  protected writesToCluster(flags: Record<string, any>): boolean {
    const declared = (this.ctor as unknown as typeof BaseCommand).writesToCluster
    return typeof declared === 'function' ? declared(flags) : declared === true
  }

  /**
   * The live shared Gateway(s): with file input too, the emitted Gateway must be the union with them, or applying
   * it would drop other teams' certificates and listeners.
   */
  private async liveGateways(client: import('../sources/cluster.js').ClusterClient, flags: Record<string, any>): Promise<{objects: InputObject[]; diagnostics: Diagnostic[]}> {
    const options = this.translateOptions(flags)
    const gateways = [options.gateway, ...Object.values(options.gatewayFor)]
    const cluster = await import('../sources/cluster.js')
    const objects: InputObject[] = []
    const diagnostics: Diagnostic[] = []
    for (const gw of gateways) {
      try {
        const live = await client.getOptional(cluster.resourcePath('gateway.networking.k8s.io/v1', 'gateways', gw.namespace, gw.name))
        if (live) objects.push({object: live, source: {cluster: true}})
      } catch (error) {
        if (error instanceof cluster.ClusterError) throw error
        diagnostics.push(diagnostic('live-gateway-unreadable', {namespace: gw.namespace, name: gw.name, error: (error as Error).message}))
      }
    }
    return {objects, diagnostics}
  }

  /** The namespace objects without one go to: -n, else the kubeconfig context's (as kubectl), else default. */
  private fileNamespace(flags: Record<string, any>): {namespace: string; origin: string; diagnostics: Diagnostic[]} {
    if (flags.namespace) return {namespace: flags.namespace, origin: '-n/--namespace', diagnostics: []}
    try {
      const resolved = resolveNamespaceOrigin({kubeconfig: flags.kubeconfig, context: flags.context})
      if (resolved) return {...resolved, diagnostics: []}
      return {namespace: 'default', origin: 'no kubeconfig: the default namespace', diagnostics: []}
    } catch (error) {
      // apply/diff need the kubeconfig anyway; convert and report fall back to default and say why.
      if (this.writesToCluster(flags)) throw error
      return {namespace: 'default', origin: 'the kubeconfig could not be read: the default namespace', diagnostics: [diagnostic('kubeconfig-unreadable', {error: (error as Error).message})]}
    }
  }

  /** Reads the input (files, or the cluster loaded lazily) into a snapshot. */
  protected async readInput(flags: Record<string, any>): Promise<ReadInput> {
    if (flags.filename && flags.filename.length > 0) return this.readFiles(flags)
    for (const flag of ['all-classes', 'lookup-cluster']) {
      if (flags[flag]) throw new Error(`--${flag} applies to files (-f); reading the cluster, its IngressClasses decide which classes ingress-nginx serves and every Service is read`)
    }
    // Loaded lazily: @kubernetes/client-node costs ~0.5 s to import and `convert -f` never needs it.
    const cluster = await import('../sources/cluster.js')
    const options = this.translateOptions(flags)
    const gateways = [options.gateway, ...Object.values(options.gatewayFor)]
    const sel = this.selection(flags)
    const seen = {Ingress: 0, Service: 0}
    const namespaces = new Set<string | undefined>()
    const read = await cluster.readCluster({
      onRead: (kind, items) => {
        seen[kind] += items.length
        if (kind === 'Ingress') for (const o of items) namespaces.add(o.metadata?.namespace)
        this.progress.update(`reading the cluster: ${count(seen.Ingress)} Ingresses in ${count(namespaces.size)} namespace(s), ${count(seen.Service)} Services`)
      },
      ...sel,
      allNamespaces: flags['all-namespaces'],
      selector: flags.selector,
      controllerConfigMaps: [options.controllerConfigMap, ...Object.values(options.controllerConfigMapFor ?? {})].filter((x): x is string => x !== undefined),
      controllerServices: [options.controllerService, ...Object.values(options.controllerServiceFor ?? {})].filter((x): x is string => x !== undefined),
      tcpServicesConfigMap: options.tcpServicesConfigMap,
      udpServicesConfigMap: options.udpServicesConfigMap,
      gateways,
    })
    return {
      snapshot: {objects: read.objects as InputObject[], capabilities: read.capabilities, spansCluster: flags['all-namespaces']},
      diagnostics: read.diagnostics,
      readNothing: false,
      converted: [],
      scope: {
        mode: 'cluster',
        namespace: flags['all-namespaces'] ? undefined : read.namespace,
        selector: flags.selector,
        ingresses: read.objects.filter((o) => o.object.kind === 'Ingress').length,
      },
      servicesKnown: true,
    }
  }

  private async readFiles(flags: Record<string, any>): Promise<ReadInput> {
    const writes = this.writesToCluster(flags)
    const target = this.fileNamespace(flags)
    const read = await readFileInputs(flags.filename, {
      recursive: flags.recursive,
      defaultNamespace: target.namespace,
      defaultNamespaceOrigin: target.origin,
      namespaceExplicit: flags.namespace !== undefined,
      keepConverted: writes,
      readStdin: readAllStdin,
    })
    let objects = read.objects
    if (flags.selector) {
      const matches = parseLabelSelector(flags.selector)
      objects = objects.filter((o) => o.object.kind !== 'Ingress' || matches(o.object.metadata.labels))
    }
    const converted = (read.converted ?? []).map((o) => o.object)
    if (converted.length > 0) {
      // convert's output labels namespaces for the shared Gateway without a managed-by label: apply those too.
      const {key, value} = this.translateOptions(flags).namespaceLabel
      const labelled = objects.filter((o) => o.object.kind === 'Namespace' && o.object.metadata.labels?.[key] === value)
      for (const o of labelled) converted.push(o.object)
      objects = objects.filter((o) => !labelled.includes(o))
    }
    const diagnostics = [...target.diagnostics, ...read.diagnostics]
    let servicesKnown = false
    const lookup = flags['lookup-cluster'] === true
    if (writes || lookup) {
      const cluster = await import('../sources/cluster.js')
      const {lookupMissing, lookupUnreachable} = await import('../sources/lookup-cluster.js')
      try {
        const client = await cluster.ClusterClient.connect(this.selection(flags))
        const live = writes ? await this.liveGateways(client, flags) : {objects: [], diagnostics: []}
        const looked = await lookupMissing(client, objects, {everything: lookup, configMapFlags: flags['controller-configmap'] ?? []})
        objects = [...objects, ...live.objects, ...looked.objects]
        pushAll(pushAll(diagnostics, live.diagnostics), looked.diagnostics)
        servicesKnown = looked.servicesComplete
      } catch (error) {
        // diff and apply need the cluster they compare with or write to; convert only completes the files with it.
        if (writes || !(error instanceof cluster.ClusterError)) throw error
        diagnostics.push(lookupUnreachable(error))
      }
    }
    const namespaces = new Set(objects.filter((o) => o.object.kind === 'Ingress').map((o) => o.object.metadata.namespace))
    return {
      snapshot: {objects, spansCluster: namespaces.size > 1},
      diagnostics,
      readNothing: read.objects.length === 0 && converted.length === 0,
      converted,
      scope: {
        mode: 'files',
        namespace: flags.namespace && !flags['all-namespaces'] ? flags.namespace : undefined,
        selector: flags.selector,
        ingresses: objects.filter((o) => o.object.kind === 'Ingress').length,
      },
      servicesKnown,
    }
  }

  /** Read the input and translate it; a bad flag or unreadable cluster ends the command with status 2. */
  private async readAndTranslate(flags: Record<string, any>): Promise<{input: ReadInput; result: TranslateResult; report: ReportContext}> {
    let input: ReadInput
    let options: Partial<TranslateOptions>
    this.progress = Progress.for(flags)
    try {
      options = this.translateOptions(flags)
      this.progress.update(flags.filename?.length > 0 ? 'reading manifests…' : 'reading the cluster…', true)
      input = await this.readInput(flags)
    } catch (error) {
      this.progress.clear()
      this.fail((error as Error).message)
    }
    const ingressNamespaces = new Set(input.snapshot.objects.filter((o) => o.object.kind === 'Ingress').map((o) => o.object.metadata.namespace))
    this.progress.update(`converting ${count(input.scope.ingresses)} Ingresses in ${count(ingressNamespaces.size)} namespace(s)…`, true)
    const result = translate(input.snapshot, options)
    this.progress.clear()
    if (input.servicesKnown) {
      const converted = new Set(result.ingresses.filter((r) => r.status === 'converted' || r.status === 'canary').map((r) => r.ingress))
      pushAll(input.diagnostics, missingServiceDiagnostics(input.snapshot.objects, serviceKeys(input.snapshot.objects), converted))
      result.diagnostics = result.diagnostics.map(clusterWording)
    }
    const empty = input.scope.ingresses === 0 && result.objects.length === 0 && input.converted.length === 0
    if (empty && !input.readNothing) process.stderr.write(noIngressesMessage(input.scope))
    const scope = input.scope
    const report: ReportContext = {
      inputDiagnostics: input.diagnostics,
      snapshot: input.snapshot,
      options,
      scope: {source: scope.mode, ...(scope.namespace !== undefined ? {namespace: scope.namespace} : {}), ...(scope.selector ? {selector: scope.selector} : {})},
    }
    return {input, result, report}
  }

  /** Read and translate without printing diagnostics (report renders them itself). */
  protected async compileQuiet(flags: Record<string, any>): Promise<{result: TranslateResult; report: ReportContext}> {
    const {input, result, report} = await this.readAndTranslate(flags)
    if (input.readNothing) {
      process.stderr.write(renderDiagnostics(input.diagnostics, this.painter(flags)))
      this.exit(2)
    }
    return {result, report}
  }

  /**
   * Read, translate, print the conversion report to stderr, and add the already-converted objects of -f. Exit
   * status 2 only when nothing could be read.
   *
   * `full` (convert): every diagnostic, the summary and the gateway owner checklist. `brief` (diff, apply): errors
   * only, and one line counting what is not shown (`report` shows it all); `errorsLater` leaves the errors to the
   * caller (apply prints them after the per-object lines). `-q`: errors only, in both.
   */
  protected async compile(flags: Record<string, any>, style: {full: boolean; errorsLater?: boolean} = {full: true}): Promise<Compiled> {
    const {input, result, report} = await this.readAndTranslate(flags)
    const diagnostics = sortDiagnostics([...input.diagnostics, ...result.diagnostics])
    const paint = this.painter(flags)
    const errors = diagnostics.filter((d) => d.level === 'error')
    const full = style.full && !flags.quiet
    // Written chunk after chunk with no wait in between, as one write was: a failing stderr (a reader that is gone)
    // still ends the run where it did.
    if (full || !style.errorsLater) for (const chunk of renderDiagnosticChunks(full ? diagnostics : errors, paint)) process.stderr.write(chunk)
    const fidelity: Record<Fidelity, number> = {exact: 0, approximate: 0, manual: 0, ignored: 0}
    for (const report of result.ingresses) for (const f of Object.values(report.annotations)) fidelity[f]++
    if (!flags.quiet) {
      const summary = renderSummary({
        ingresses: input.scope.ingresses,
        objects: result.objects.length,
        fidelity,
        errors: errors.length,
        warnings: diagnostics.filter((d) => d.level === 'warning').length,
      })
      const hidden = diagnostics.length - errors.length
      process.stderr.write(full || hidden === 0 ? summary : `${summary.trimEnd()} (warnings and notes not shown: kubectl ingress2gw report)\n`)
      process.stderr.write(ingressCountsLine(result))
      process.stderr.write(renderSubstitutionLine(result.diagnostics))
    }
    if (full && result.checklist.length > 0) {
      process.stderr.write(`gateway owner checklist:\n${result.checklist.map((c) => `  [ ] ${c}\n`).join('')}`)
    }
    if (input.readNothing) this.exit(2)
    return {objects: withConverted(result.objects, input.converted), diagnostics, scope: input.scope, result, report}
  }
}

/** The translated objects plus the already-converted ones of -f (the translation wins where both have an object). */
function withConverted(objects: KubeObject[], converted: KubeObject[]): KubeObject[] {
  if (converted.length === 0) return objects
  const id = (o: KubeObject) => `${o.apiVersion.split('/')[0]}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`
  const have = new Set(objects.map(id))
  return [...objects, ...converted.filter((o) => !have.has(id(o)))]
}

/** `No Ingresses found in namespace shop matching app=web.` (kubectl's "No resources found in shop namespace."). */
function noIngressesMessage(scope: InputScope): string {
  const where = scope.namespace !== undefined ? ` in namespace ${scope.namespace}` : scope.mode === 'files' ? ' in the input' : ''
  return `No Ingresses found${where}${scope.selector ? ` matching ${scope.selector}` : ''}.\n`
}

/** Cluster input: a missing Service is missing from the cluster, not from "the input". */
function clusterWording(d: Diagnostic): Diagnostic {
  if (d.code !== 'unresolved-port-name' || d.data?.problem !== 'service-not-in-input') return d
  const data = {...(d.data as DataOf<'unresolved-port-name'>), problem: 'service-not-in-cluster' as const}
  const hint = 'Gateway API needs a port number: create the Service with that port name, or use port.number in the Ingress'
  return {...d, ...diagnostic('unresolved-port-name', data, {level: d.level, hint})}
}

async function readAllStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}
