/**
 * verify over a translation: the Gateway side is the converted objects with the gateway-owner bundle (the Gateway,
 * its listeners, the https-redirect route), so a run that did not emit the bundle is translated once more with it.
 * Pure: no I/O.
 */
import {translate} from '../translate/index.js'
import type {Snapshot, TranslateOptions, TranslateResult} from '../translate/types.js'
import type {Probe} from './outcome.js'
import {verifyTranslation, type VerifyOptions, type VerifyReport} from './verify.js'

export interface VerifyRun {
  snapshot?: Snapshot
  options?: Partial<TranslateOptions>
  /** The translation already made (reused when it carries the gateway bundle). */
  result?: TranslateResult
  probes?: Probe[]
  onlyGiven?: boolean
  /** Sees every probe's offline result (verify.ts VerifyOptions.onProbe). */
  onProbe?: VerifyOptions['onProbe']
}

export function verifyRun(run: VerifyRun): VerifyReport {
  const hasBundle = run.result?.objects.some((o) => o.kind === 'Gateway') === true
  if (!hasBundle && run.snapshot === undefined && run.result === undefined) throw new Error('verify needs the input or a translation')
  const result = hasBundle || run.snapshot === undefined ? run.result! : translate(run.snapshot, {...run.options, emitGateway: true})
  const gateway = run.options?.gateway
  return verifyTranslation(result, result.objects, {
    probes: run.probes,
    onlyGiven: run.onlyGiven,
    onProbe: run.onProbe,
    defaultGateway: gateway ? `${gateway.namespace}/${gateway.name}` : undefined,
  })
}
