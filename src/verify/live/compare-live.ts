/**
 * Live verify: every probe sent to the ingress-nginx data plane and to the Gateway's, the answers compared field by
 * field (compare.ts). Each probe's two requests go out together, so each data plane sees at most `parallel`
 * requests in flight and at most `qps` new requests a second. The I/O itself is transport.ts.
 */
import type {Probe} from '../outcome.js'
import type {DataPlaneAddress} from './address.js'
import {answerDifferences} from './compare.js'
import {type Clock, mapBounded, systemClock, TokenBucket} from './pacing.js'
import {describeProbe, SAFE_METHODS, wireRequest} from './request.js'
import {endpointOf, sendRequest, trustContext, type TransportOptions} from './transport.js'
import type {LiveAnswer, LiveComparison, LiveField, LiveProbeResult, WireRequest} from './types.js'

export interface LiveOptions {
  nginx: DataPlaneAddress
  gateway: DataPlaneAddress
  /** Probes in flight at once (each is one request to each data plane); default 4. */
  parallel?: number
  /** Probes started per second (so requests per second to each data plane); default 20. */
  qps?: number
  /** Probes that may start at once after an idle moment; default 1 (evenly spaced). */
  burst?: number
  /** Per request, connection to last body byte read; default 10000. */
  timeoutMs?: number
  /** Do not verify certificates (their state is still compared). */
  insecure?: boolean
  /** PEM file of the CAs to trust instead of the defaults. */
  caFile?: string
  /** Methods that may be sent besides GET and HEAD (probes with any other method are listed as not sent). */
  methods?: string[]
  /** Fields not to compare, by name as reported ("body", "header strict-transport-security", "certificate"). */
  ignore?: LiveField[]
  /** Time source for the rate limit (tests inject one). */
  clock?: Clock
  /** The sender (tests may inject one); transport.ts by default. */
  send?: (address: DataPlaneAddress, request: WireRequest, options: TransportOptions) => Promise<LiveAnswer>
}

export const LIVE_DEFAULTS = {parallel: 4, qps: 20, burst: 1, timeoutMs: 10_000}

/**
 * Sends every probe to both data planes and compares the answers. Throws before sending anything when an option is
 * out of range or the CA file is unusable; a request that fails is an answer (`kind: 'error'`), not an exception.
 */
export async function compareLive<P extends Probe>(probes: readonly P[], options: LiveOptions): Promise<LiveComparison<P>> {
  const parallel = options.parallel ?? LIVE_DEFAULTS.parallel
  const timeoutMs = options.timeoutMs ?? LIVE_DEFAULTS.timeoutMs
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1) throw new RangeError(`timeout must be a whole number of milliseconds >= 1, got ${timeoutMs}`)
  const methods = [...new Set([...SAFE_METHODS, ...(options.methods ?? []).map((m) => m.toUpperCase())])]
  const bucket = new TokenBucket(options.qps ?? LIVE_DEFAULTS.qps, options.burst ?? LIVE_DEFAULTS.burst, options.clock ?? systemClock)
  if (!Number.isInteger(parallel) || parallel < 1) throw new RangeError(`parallel must be a whole number >= 1, got ${parallel}`)
  // Loaded with --insecure too: the certificates' trust is still recorded and compared.
  const secureContext = trustContext(options.caFile)
  const transport: TransportOptions = {timeoutMs, insecure: options.insecure === true, ...(secureContext === undefined ? {} : {secureContext})}
  const send = options.send ?? sendRequest
  const ignore = new Set(options.ignore ?? [])

  const results = await mapBounded(probes, parallel, async (probe): Promise<LiveProbeResult<P>> => {
    const request = wireRequest(probe, methods)
    const described = describeProbe(probe)
    if ('notSent' in request) return {probe, request: described, notSent: request.notSent, differences: []}
    await bucket.take()
    const [nginx, gateway] = await Promise.all([send(options.nginx, request, transport), send(options.gateway, request, transport)])
    return {
      probe,
      request: described,
      nginx,
      gateway,
      nginxEndpoint: endpointOf(options.nginx, request).text,
      gatewayEndpoint: endpointOf(options.gateway, request).text,
      differences: answerDifferences(nginx, gateway, ignore),
    }
  })
  const sent = results.filter((r) => r.notSent === undefined)
  return {
    nginx: options.nginx,
    gateway: options.gateway,
    results,
    summary: {
      probes: results.length,
      sent: sent.length,
      notSent: results.length - sent.length,
      differ: sent.filter((r) => r.differences.length > 0).length,
      failedAlike: sent.filter((r) => r.differences.length === 0 && r.nginx?.kind === 'error' && r.gateway?.kind === 'error').length,
    },
  }
}
