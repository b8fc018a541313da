/**
 * verify over a translation: the Gateway side is the converted objects with the gateway-owner bundle (the Gateway,
 * its listeners, the https-redirect route), so a run that did not emit the bundle is translated once more with it.
 * Pure: no I/O.
 */
import {translate} from '../translate/index.js'
import type {KubeObject, Snapshot, TranslateOptions, TranslateResult} from '../model/types.js'
import type {Probe} from './outcome.js'
import {verifyTranslation, type VerifyOptions, type VerifyReport} from './verify.js'
import {pushAll} from '../util/arrays.js'

export interface VerifyRun {
  snapshot?: Snapshot
  options?: Partial<TranslateOptions>
  /** The translation already made (reused when it carries the gateway bundle). */
  result?: TranslateResult
  probes?: Probe[]
  onlyGiven?: boolean
  /** Only the counts (verify.ts VerifyOptions.countsOnly). */
  countsOnly?: boolean
  /** Sees every probe's offline result (verify.ts VerifyOptions.onProbe). */
  onProbe?: VerifyOptions['onProbe']
  /**
   * verify --against: the Gateway side is these objects (read from `name`), not the translation's. The translation
   * still gives the nginx side and the `known` labels, so those labels describe a fresh conversion of the input.
   */
  against?: AgainstObjects
}

/** The Gateway side read from elsewhere: a manifest tree (--against DIR) or the cluster (--live-routes). */
export interface AgainstObjects {
  /** How the summary names the source. */
  name: string
  objects: KubeObject[]
  /**
   * The objects are what the cluster serves (--live-routes): a missing Gateway stays missing (its routes are not
   * served) instead of being replaced by the converted one, as it is for a GitOps tree without the Gateway.
   */
  live?: boolean
  /** Every Service and Namespace the routes refer to is among the objects (gateway-inventory.ts ModelOptions). */
  completeInventory?: boolean
  /** What the reader had to leave out or assume, for the report's notes. */
  notes?: string[]
}

export function verifyRun(run: VerifyRun): VerifyReport {
  const hasBundle = run.result?.objects.some((o) => o.kind === 'Gateway') === true
  if (!hasBundle && run.snapshot === undefined && run.result === undefined) throw new Error('verify needs the input or a translation')
  const result = hasBundle || run.snapshot === undefined ? run.result! : translate(run.snapshot, {...run.options, emitGateway: true})
  const gateway = run.options?.gateway
  const options: VerifyOptions = {
    probes: run.probes,
    onlyGiven: run.onlyGiven,
    onProbe: run.onProbe,
    countsOnly: run.countsOnly,
    defaultGateway: gateway ? `${gateway.namespace}/${gateway.name}` : undefined,
  }
  if (run.against === undefined) return verifyTranslation(result, result.objects, options)
  const {objects, notes} = run.against.live ? {objects: run.against.objects, notes: []} : againstObjects(run.against, result)
  const report = verifyTranslation(result, objects, {...options, gatewayModel: {completeInventory: run.against.completeInventory === true}})
  pushAll(pushAll(report.notes, notes), run.against.notes ?? [])
  report.gatewaySide = `${run.against.name} (${run.against.objects.length} objects; known labels from a fresh conversion of the input)`
  return report
}

/**
 * The --against objects, plus the converted Gateway when the tree has none (a GitOps tree often holds only the
 * application routes while the platform team owns the Gateway): the routes still need listeners to attach to.
 */
function againstObjects(against: AgainstObjects, result: TranslateResult): {objects: KubeObject[]; notes: string[]} {
  if (against.objects.some((o) => o.kind === 'Gateway')) return {objects: against.objects, notes: []}
  const gateways = result.objects.filter((o) => o.kind === 'Gateway')
  const names = gateways.map((g) => `${g.metadata.namespace}/${g.metadata.name}`).join(', ')
  return {
    objects: [...gateways, ...against.objects],
    notes: gateways.length === 0 ? [] : [`${against.name} has no Gateway: the routes were attached to the converted ${names} (listeners from the --gateway flags)`],
  }
}
