import {readFileSync} from 'node:fs'
import {Flags} from '@oclif/core'
import {BaseCommand} from '../cli/base-command.js'
import {parseProbe, parseProbesFile} from '../verify/probes.js'
import type {Probe} from '../verify/outcome.js'
import {renderVerifyText, verifyJson} from '../verify/render.js'
import {liveOptionsFromFlags} from '../cli/verify-live-options.js'
import type {LiveVerifyReport} from '../verify/live-verify.js'
import type {LiveOptions} from '../verify/live/options.js'
import {verifyRun, type VerifyRun} from '../verify/run.js'
import {readAgainstDirectory} from '../sources/against.js'
import {pushAll} from '../util/arrays.js'

export default class Verify extends BaseCommand {
  static summary = 'Prove, request by request, that the converted routes answer like ingress-nginx did'
  static description =
    'Reads the same input as convert, converts it, and sends probe requests (every host and path with its variants, canary headers and cookies, http and https, plus --probe/--probes) through a model of ingress-nginx and a model of Envoy Gateway over the converted objects (or, with --against DIR, over the Gateway API and Envoy Gateway manifests under DIR, e.g. the edited convert --output-dir tree; `known` labels then still come from a fresh conversion of the input, as the summary says). Prints each probe whose outcomes differ, grouped per Ingress; differences a conversion diagnostic already names are labelled `known <code>`. With --nginx-address and --gateway-address, the same probes are sent to both live data planes instead (Host header and TLS SNI as curl --resolve sets them) and their answers compared: status, Location, CORS, HSTS, WWW-Authenticate and Content-Encoding headers, a digest of the first 64 KiB of the body, the certificate (docs/verify-live.md). Exit status: 0 no unlabelled difference (live: no difference), 1 an unlabelled difference (live: any difference), 2 could not read the input or the cluster (live: no data plane answered any probe).'
  static examples = [
    'kubectl ingress2gw verify -f manifests/ -R',
    'kubectl ingress2gw verify -A -o json',
    'kubectl ingress2gw verify -n shop --probe "GET https://shop.example.com/cart X-Canary:always"',
    'kubectl ingress2gw verify -f k8s/ --probes smoke-probes.txt',
    'kubectl ingress2gw verify -f k8s/ingresses/ -R --against gitops/gateway-routes/',
    'kubectl ingress2gw verify -A --live-routes',
    'kubectl ingress2gw verify -A --nginx-address 203.0.113.10 --gateway-address 203.0.113.20',
    'kubectl ingress2gw verify -n shop --nginx-address localhost:18080:18443 --gateway-address localhost:28080:28443 --ca-file internal-ca.pem',
  ]
  static flags = {
    output: Flags.option({char: 'o', options: ['text', 'json'] as const, description: 'output format', default: 'text'})(),
    probe: Flags.string({multiple: true, description: 'an extra probe: "[METHOD] http(s)://HOST/PATH [Header:value ...]"; repeatable'}),
    probes: Flags.string({description: 'file with one probe per line (same syntax as --probe; # comments)'}),
    against: Flags.string({
      description: 'compare against the Gateway API / Envoy Gateway manifests under this directory (read recursively) instead of the converted objects',
      exclusive: ['nginx-address', 'gateway-address', 'live-routes'],
    }),
    'live-routes': Flags.boolean({
      description: 'compare against the Gateway API and Envoy Gateway objects live in the cluster of the current context (in -n, or every namespace with -A; read only) instead of the converted objects',
      default: false,
      exclusive: ['nginx-address', 'gateway-address'],
    }),
    'only-given': Flags.boolean({description: 'send only the --probe/--probes requests, not the derived ones', default: false}),
    'nginx-address': Flags.string({description: 'live: where the ingress-nginx controller listens, HOST (ports 80 and 443) or HOST:HTTP_PORT:HTTPS_PORT; with --gateway-address'}),
    'gateway-address': Flags.string({description: 'live: where the Gateway listens, HOST or HOST:HTTP_PORT:HTTPS_PORT; with --nginx-address'}),
    insecure: Flags.boolean({description: 'live: do not verify the data planes\' certificates (their verdicts are still compared)', default: false}),
    'ca-file': Flags.string({description: 'live: PEM file of the CAs that sign the data planes\' certificates (instead of the system CAs)'}),
    parallel: Flags.integer({description: 'live: probes in flight at once (each is one request to each data plane)', default: 4, min: 1}),
    qps: Flags.string({description: 'live: probes started per second (so requests per second to each data plane)', default: '20'}),
    method: Flags.string({multiple: true, description: 'live: also send probes with this method (GET and HEAD always); repeatable'}),
    timeout: Flags.string({description: 'live: limit for each request, body included (10s, 500ms, 1m)', default: '10s'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Verify)
    let given: Probe[] = []
    let live: LiveOptions | undefined
    try {
      given = (flags.probe ?? []).map(parseProbe)
      if (flags.probes) pushAll(given, parseProbesFile(readFileSync(flags.probes, 'utf8'), flags.probes))
      live = liveOptionsFromFlags(flags)
    } catch (error) {
      this.fail((error as Error).message)
    }
    let against: VerifyRun['against']
    if (flags.against !== undefined) {
      try {
        against = {name: flags.against, objects: await readAgainstDirectory(flags.against, flags.namespace ?? 'default')}
      } catch (error) {
        this.fail((error as Error).message)
      }
    }
    const compiled = await this.compile(flags, {full: false})
    if (flags['live-routes']) against = await this.liveRoutes(flags)
    const run: VerifyRun = {snapshot: compiled.report.snapshot, options: compiled.report.options, result: compiled.result, probes: given, onlyGiven: flags['only-given'], against}
    if (live !== undefined) return this.runLive(flags.output, run, live)
    const report = verifyRun(run)
    process.stdout.write(flags.output === 'json' ? `${JSON.stringify(verifyJson(report), null, 2)}\n` : renderVerifyText(report))
    if (report.differ > report.known) process.exitCode = 1
  }

  /** --live-routes: the Gateway side listed from the cluster (sources/live-routes.ts); its notes go to stderr. */
  private async liveRoutes(flags: Record<string, any>): Promise<VerifyRun['against']> {
    try {
      const cluster = await import('../sources/cluster.js')
      const {readLiveRoutes} = await import('../sources/live-routes.js')
      const options = this.translateOptions(flags)
      const client = await cluster.ClusterClient.connect(this.selection(flags))
      const read = await readLiveRoutes(client, {allNamespaces: flags['all-namespaces'] === true, gateways: [options.gateway!, ...Object.values(options.gatewayFor ?? {})]})
      if (!flags.quiet) process.stderr.write(read.notes.map((n) => `note: ${n}\n`).join(''))
      return {name: `the live routes (${read.where})`, objects: read.objects, live: true, completeInventory: read.complete, notes: read.notes}
    } catch (error) {
      this.fail((error as Error).message)
    }
  }

  /**
   * The live mode: the same probes sent to both data planes; exit 1 on any difference, 2 when nothing answered.
   * Its module (the HTTP(S) transport) is loaded here only, so offline verify never loads it.
   */
  private async runLive(output: string, run: VerifyRun, live: LiveOptions): Promise<void> {
    const {liveRunFailure, renderVerifyLiveText, verifyLive, verifyLiveJson} = await import('../verify/live-verify.js')
    let report: LiveVerifyReport
    try {
      report = await verifyLive(run, live)
    } catch (error) {
      this.fail((error as Error).message)
    }
    process.stdout.write(output === 'json' ? `${JSON.stringify(verifyLiveJson(report), null, 2)}\n` : renderVerifyLiveText(report))
    const failure = liveRunFailure(report)
    if (failure !== undefined) this.fail(failure)
    if (report.comparison.summary.differ > 0) process.exitCode = 1
  }
}
