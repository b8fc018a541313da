import {readFileSync} from 'node:fs'
import {Flags} from '@oclif/core'
import {BaseCommand} from '../cli/base-command.js'
import {parseProbe, parseProbesFile} from '../verify/probes.js'
import type {Probe} from '../verify/outcome.js'
import {renderVerifyText, verifyJson} from '../verify/render.js'
import {verifyRun} from '../verify/run.js'

export default class Verify extends BaseCommand {
  static summary = 'Prove, request by request, that the converted routes answer like ingress-nginx did'
  static description =
    'Reads the same input as convert, converts it, and sends probe requests (every host and path with its variants, canary headers and cookies, http and https, plus --probe/--probes) through a model of ingress-nginx and a model of Envoy Gateway over the converted objects. Prints each probe whose outcomes differ, grouped per Ingress; differences a conversion diagnostic already names are labelled `known <code>`. Exit status: 0 no unlabelled difference, 1 an unlabelled difference, 2 could not read the input or the cluster.'
  static examples = [
    'kubectl ingress2gw verify -f manifests/ -R',
    'kubectl ingress2gw verify -A -o json',
    'kubectl ingress2gw verify -n shop --probe "GET https://shop.example.com/cart X-Canary:always"',
    'kubectl ingress2gw verify -f k8s/ --probes smoke-probes.txt',
  ]
  static flags = {
    output: Flags.option({char: 'o', options: ['text', 'json'] as const, description: 'output format', default: 'text'})(),
    probe: Flags.string({multiple: true, description: 'an extra probe: "[METHOD] http(s)://HOST/PATH [Header:value ...]"; repeatable'}),
    probes: Flags.string({description: 'file with one probe per line (same syntax as --probe; # comments)'}),
    'only-given': Flags.boolean({description: 'send only the --probe/--probes requests, not the derived ones', default: false}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Verify)
    let given: Probe[] = []
    try {
      given = (flags.probe ?? []).map(parseProbe)
      if (flags.probes) given.push(...parseProbesFile(readFileSync(flags.probes, 'utf8'), flags.probes))
    } catch (error) {
      this.fail((error as Error).message)
    }
    const compiled = await this.compile(flags, {full: false})
    const report = verifyRun({snapshot: compiled.report.snapshot, options: compiled.report.options, result: compiled.result, probes: given, onlyGiven: flags['only-given']})
    process.stdout.write(flags.output === 'json' ? `${JSON.stringify(verifyJson(report), null, 2)}\n` : renderVerifyText(report))
    if (report.differ > report.known) process.exitCode = 1
  }
}
