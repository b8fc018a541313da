import {Flags} from '@oclif/core'
import {writeOutputDir} from '../output/write-dir.js'
import {toJsonList, toYaml} from '../output/serialize.js'
import {BaseCommand} from '../cli/base-command.js'

export default class Convert extends BaseCommand {
  static summary = 'Compile Ingresses into Gateway API + Envoy Gateway resources for the shared Gateway'
  static description =
    'Reads Ingresses (files with -f, or the cluster) and prints HTTPRoutes, policies and, for the gateway owner, the Gateway bundle. Data goes to stdout, diagnostics to stderr (-q: errors only). Exit status: 0 converted (read the diagnostics), 2 could not read the input or the cluster.'
  static examples = [
    'kubectl ingress2gw convert -n team-a',
    'kubectl ingress2gw convert -f manifests/ -R',
    'kubectl get ingress -A -o json | kubectl ingress2gw convert -f -',
    'kubectl ingress2gw convert -A --output-dir migration/',
    'kubectl ingress2gw convert -f examples/ --gateway-for internal=gateway/internal',
  ]
  static flags = {
    output: Flags.option({char: 'o', options: ['yaml', 'json'] as const, description: 'output format', default: 'yaml'})(),
    'output-dir': Flags.string({description: 'write DIR/<namespace>/<kind>-<name>.yaml instead of printing'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Convert)
    const {objects} = await this.compile(flags)
    if (flags['output-dir']) {
      const written = await writeOutputDir(flags['output-dir'], objects)
      process.stderr.write(`wrote ${written.length} file(s) under ${flags['output-dir']}\n`)
      return
    }
    process.stdout.write(flags.output === 'json' ? toJsonList(objects) : toYaml(objects))
  }
}
