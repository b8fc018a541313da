import {Command, Flags} from '@oclif/core'
import {Chalk} from 'chalk'
import {renderDiagnostics, renderSummary, type Painter} from '../output/report.js'
import {readFileInputs} from '../sources/files.js'
import {resolveNamespace} from '../sources/kubeconfig.js'
import {sortDiagnostics} from '../translate/diagnostics.js'
import {translate} from '../translate/index.js'
import {
  DEFAULT_OPTIONS,
  type Diagnostic,
  type Fidelity,
  type InputObject,
  type KubeObject,
  type NamespacedName,
  type Snapshot,
  type TranslateOptions,
  type TranslateResult,
} from '../translate/types.js'

function parseNamespacedName(value: string, flag: string): NamespacedName {
  const m = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/([a-z0-9]([-.a-z0-9]*[a-z0-9])?)$/.exec(value)
  if (!m) throw new Error(`--${flag} expects NAMESPACE/NAME, got "${value}"`)
  return {namespace: m[1], name: m[3]}
}

/** The input, target and output flags every command shares (kubectl spellings). */
export abstract class BaseCommand extends Command {
  static baseFlags = {
    filename: Flags.string({char: 'f', multiple: true, description: 'file, directory or - (stdin) to read manifests from; repeatable. Without it, the cluster is read'}),
    recursive: Flags.boolean({char: 'R', description: 'read directories given with -f recursively', default: false}),
    kubeconfig: Flags.string({description: 'path to the kubeconfig file (default: KUBECONFIG, then ~/.kube/config)'}),
    context: Flags.string({description: 'kubeconfig context to use'}),
    namespace: Flags.string({char: 'n', description: 'namespace to read (cluster), or to give objects without one (files)'}),
    'all-namespaces': Flags.boolean({char: 'A', description: 'read every namespace', default: false, exclusive: ['namespace']}),
    selector: Flags.string({char: 'l', description: 'label selector for Ingresses (cluster input)'}),
    'ingress-class': Flags.string({multiple: true, description: 'ingress class to convert; repeatable (default: classes of controller k8s.io/ingress-nginx, and nginx)'}),
    'include-classless': Flags.boolean({description: 'also convert Ingresses without any class (ingress-nginx --watch-ingress-without-class)', default: false}),
    gateway: Flags.string({description: 'the shared Gateway routes attach to, NAMESPACE/NAME', default: 'gateway/shared'}),
    'gateway-class': Flags.string({description: 'GatewayClass of the emitted Gateway', default: 'eg'}),
    'gateway-for': Flags.string({multiple: true, description: 'CLASS=NAMESPACE/NAME: a separate shared Gateway for one ingress class; repeatable'}),
    'http-listener': Flags.string({description: 'name of the Gateway listener on port 80', default: 'http'}),
    'https-listener': Flags.string({description: 'name of the Gateway listener on port 443', default: 'https'}),
    'namespace-label': Flags.string({description: 'KEY=VALUE label that admits a namespace to the shared Gateway', default: 'shared-gateway-access=true'}),
    'annotation-prefix': Flags.string({description: 'annotation prefix the controller ran with (--annotations-prefix)', default: 'nginx.ingress.kubernetes.io'}),
    'emit-gateway': Flags.boolean({description: 'emit the gateway-owner bundle (Gateway, https-redirect route, namespace labels); default: when the input spans the cluster', allowNo: true}),
    'backend-tls': Flags.option({options: ['insecure', 'verify'] as const, description: 'backend-protocol HTTPS: skip verification as nginx did, or verify', default: 'insecure'})(),
    'client-ip': Flags.string({description: 'client IP detection: auto (from the controller ConfigMap), proxy-protocol, xff:N, none', default: 'auto'}),
    'tcp-routes': Flags.boolean({description: 'emit TCPRoute/UDPRoute for tcp-services/udp-services entries', default: false}),
    'nginx-defaults': Flags.boolean({description: 'turn the controller ConfigMap route defaults into Gateway-level policies', default: false}),
    'oauth2-proxy': Flags.option({options: ['ext-auth', 'oidc'] as const, description: 'auth-url pointing at oauth2-proxy: keep oauth2-proxy behind extAuth, or use Envoy Gateway OIDC configured from its Deployment (docs/external-auth.md)', default: 'ext-auth'})(),
    'controller-configmap': Flags.string({description: 'NAMESPACE/NAME of the ingress-nginx controller ConfigMap'}),
    'tcp-services-configmap': Flags.string({description: 'NAMESPACE/NAME of the tcp-services ConfigMap'}),
    'udp-services-configmap': Flags.string({description: 'NAMESPACE/NAME of the udp-services ConfigMap'}),
    color: Flags.option({options: ['auto', 'always', 'never'] as const, description: 'colour diagnostics', default: 'auto'})(),
  }

  protected painter(flags: Record<string, any>, stream: NodeJS.WriteStream = process.stderr): Painter {
    const on = flags.color === 'always' || (flags.color === 'auto' && stream.isTTY === true && !process.env.NO_COLOR)
    const chalk = new Chalk({level: on ? 1 : 0})
    return {red: chalk.red, yellow: chalk.yellow, dim: chalk.dim, bold: chalk.bold, cyan: chalk.cyan}
  }

  protected translateOptions(flags: Record<string, any>): Partial<TranslateOptions> {
    const gatewayFor: Record<string, NamespacedName> = {}
    for (const entry of flags['gateway-for'] ?? []) {
      const [cls, target] = String(entry).split('=', 2)
      if (!cls || !target) throw new Error(`--gateway-for expects CLASS=NAMESPACE/NAME, got "${entry}"`)
      gatewayFor[cls] = parseNamespacedName(target, 'gateway-for')
    }
    const [labelKey, labelValue] = String(flags['namespace-label']).split('=', 2)
    if (!labelKey || labelValue === undefined) throw new Error(`--namespace-label expects KEY=VALUE, got "${flags['namespace-label']}"`)
    let clientIp: TranslateOptions['clientIp']
    const ci = String(flags['client-ip'])
    if (ci === 'auto' || ci === 'proxy-protocol' || ci === 'none') clientIp = ci
    else if (/^xff:[1-9]\d*$/.test(ci)) clientIp = {xffHops: Number(ci.slice(4))}
    else throw new Error(`--client-ip expects auto, proxy-protocol, none or xff:N with N >= 1 trusted hops, got "${ci}"`)
    return {
      gateway: parseNamespacedName(flags.gateway, 'gateway'),
      gatewayFor,
      gatewayClass: flags['gateway-class'],
      httpListener: flags['http-listener'],
      httpsListener: flags['https-listener'],
      namespaceLabel: {key: labelKey, value: labelValue},
      ingressClasses: flags['ingress-class'] ?? [],
      includeClassless: flags['include-classless'],
      annotationPrefix: flags['annotation-prefix'],
      emitGateway: flags['emit-gateway'] ?? 'auto',
      backendTls: flags['backend-tls'],
      clientIp,
      tcpRoutes: flags['tcp-routes'],
      nginxDefaults: flags['nginx-defaults'],
      oauth2Proxy: flags['oauth2-proxy'],
      controllerConfigMap: flags['controller-configmap'],
      tcpServicesConfigMap: flags['tcp-services-configmap'],
      udpServicesConfigMap: flags['udp-services-configmap'],
      generatorVersion: this.config.version ?? DEFAULT_OPTIONS.generatorVersion,
    }
  }

  /** One line on stderr and exit status 2 (oclif's error() wraps long messages over several lines). */
  protected fail(message: string): never {
    process.stderr.write(`error: ${message}\n`)
    return this.exit(2)
  }

  /** apply, and diff against the cluster, compare with or change the live objects, even for file input. */
  protected writesToCluster(flags: Record<string, any>): boolean {
    return this.id === 'apply' || (this.id === 'diff' && flags.against === undefined)
  }

  /**
   * The live shared Gateway(s): with file input too, the emitted Gateway must be the union with them, or applying
   * it would drop other teams' certificates and listeners.
   */
  private async liveGateways(flags: Record<string, any>): Promise<{objects: InputObject[]; diagnostics: Diagnostic[]}> {
    const options = this.translateOptions(flags)
    const gateways = [options.gateway!, ...Object.values(options.gatewayFor ?? {})]
    const cluster = await import('../sources/cluster.js')
    const client = await cluster.ClusterClient.connect({kubeconfig: flags.kubeconfig, context: flags.context, namespace: flags.namespace})
    const objects: InputObject[] = []
    const diagnostics: Diagnostic[] = []
    for (const gw of gateways) {
      try {
        const live = await client.getOptional(cluster.resourcePath('gateway.networking.k8s.io/v1', 'gateways', gw.namespace, gw.name))
        if (live) objects.push({object: live, source: {cluster: true}})
      } catch (error) {
        diagnostics.push({
          level: 'warning',
          code: 'live-gateway-unreadable',
          message: `could not read the live Gateway ${gw.namespace}/${gw.name} (${(error as Error).message}); the emitted Gateway lists only this input's listeners and certificates`,
        })
      }
    }
    return {objects, diagnostics}
  }

  /** Reads the input (files, or the cluster loaded lazily) into a snapshot. */
  protected async readInput(flags: Record<string, any>): Promise<{snapshot: Snapshot; diagnostics: Diagnostic[]; readNothing: boolean}> {
    if (flags.filename && flags.filename.length > 0) {
      const read = await readFileInputs(flags.filename, {
        recursive: flags.recursive,
        // kubectl apply/diff -f put objects without a namespace into the context's namespace.
        defaultNamespace: flags.namespace ?? (this.writesToCluster(flags) ? resolveNamespace({kubeconfig: flags.kubeconfig, context: flags.context}) : undefined) ?? 'default',
        namespaceExplicit: flags.namespace !== undefined,
        readStdin: readAllStdin,
      })
      const namespaces = new Set(read.objects.filter((o) => o.object.kind === 'Ingress').map((o) => o.object.metadata.namespace))
      const live = this.writesToCluster(flags) ? await this.liveGateways(flags) : {objects: [], diagnostics: []}
      return {
        snapshot: {objects: [...read.objects, ...live.objects], spansCluster: namespaces.size > 1},
        diagnostics: [...read.diagnostics, ...live.diagnostics],
        readNothing: read.objects.length === 0,
      }
    }
    // Loaded lazily: @kubernetes/client-node costs ~0.5 s to import and `convert -f` never needs it.
    const cluster = await import('../sources/cluster.js')
    const options = this.translateOptions(flags)
    const gateways = [options.gateway!, ...Object.values(options.gatewayFor ?? {})]
    const read = await cluster.readCluster({
      kubeconfig: flags.kubeconfig,
      context: flags.context,
      namespace: flags.namespace,
      allNamespaces: flags['all-namespaces'],
      selector: flags.selector,
      controllerConfigMap: flags['controller-configmap'],
      tcpServicesConfigMap: flags['tcp-services-configmap'],
      udpServicesConfigMap: flags['udp-services-configmap'],
      gateways,
    })
    return {
      snapshot: {objects: read.objects as InputObject[], capabilities: read.capabilities, spansCluster: flags['all-namespaces']},
      diagnostics: read.diagnostics,
      readNothing: false,
    }
  }

  /** Read the input and translate it; a bad flag or unreadable cluster ends the command with status 2. */
  private async readAndTranslate(flags: Record<string, any>) {
    let input: Awaited<ReturnType<BaseCommand['readInput']>>
    let options: Partial<TranslateOptions>
    try {
      options = this.translateOptions(flags)
      input = await this.readInput(flags)
    } catch (error) {
      this.fail((error as Error).message)
    }
    return {input, result: translate(input.snapshot, options)}
  }

  /** Read and translate without printing diagnostics (report renders them itself). */
  protected async compileQuiet(flags: Record<string, any>): Promise<{result: TranslateResult; inputDiagnostics: Diagnostic[]}> {
    const {input, result} = await this.readAndTranslate(flags)
    if (input.readNothing) {
      process.stderr.write(renderDiagnostics(input.diagnostics, this.painter(flags)))
      this.exit(2)
    }
    return {result, inputDiagnostics: input.diagnostics}
  }

  /** Read, translate, print diagnostics to stderr. Exit status 2 only when nothing could be read. */
  protected async compile(flags: Record<string, any>): Promise<{objects: KubeObject[]; diagnostics: Diagnostic[]}> {
    const {input, result} = await this.readAndTranslate(flags)
    const diagnostics = sortDiagnostics([...input.diagnostics, ...result.diagnostics])
    const paint = this.painter(flags)
    process.stderr.write(renderDiagnostics(diagnostics, paint))
    const fidelity: Record<Fidelity, number> = {exact: 0, approximate: 0, manual: 0, ignored: 0}
    for (const report of result.ingresses) for (const f of Object.values(report.annotations)) fidelity[f]++
    const ingresses = input.snapshot.objects.filter((o) => o.object.kind === 'Ingress')
    process.stderr.write(
      renderSummary({
        ingresses: ingresses.length,
        objects: result.objects.length,
        fidelity,
        errors: diagnostics.filter((d) => d.level === 'error').length,
        warnings: diagnostics.filter((d) => d.level === 'warning').length,
      }),
    )
    if (result.checklist.length > 0) {
      process.stderr.write(`gateway owner checklist:\n${result.checklist.map((c) => `  [ ] ${c}\n`).join('')}`)
    }
    if (input.readNothing) this.exit(2)
    return {objects: result.objects, diagnostics}
  }
}

async function readAllStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}
