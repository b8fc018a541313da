/**
 * Live verify: every probe sent to the ingress-nginx data plane and to the Gateway's, the answers compared field by
 * field (compare.ts). Each probe's two requests go out together, so each data plane sees at most `parallel`
 * requests in flight and at most `qps` new requests a second. The I/O itself is transport.ts.
 */
import type {Probe} from '../outcome.js'
import {answerDifferences} from './compare.js'
import {LIVE_DEFAULTS, type LiveOptions} from './options.js'
import {mapBounded, systemClock, TokenBucket} from './pacing.js'
import {describeProbe, SAFE_METHODS, wireRequest} from './request.js'
import {endpointOf, sendRequest, trustContext, type TransportOptions} from './transport.js'
import type {LiveComparison, LiveProbeResult} from './types.js'

export {LIVE_DEFAULTS, type LiveOptions} from './options.js'


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
