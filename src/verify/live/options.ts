/**
 * The options of a live comparison and their defaults, apart from compare-live.ts so that parsing the verify
 * command's flags does not load the transport (node:http, node:https, node:tls): offline verify never sends a request.
 */
import type {DataPlaneAddress} from './address.js'
import type {Clock} from './pacing.js'
import type {TransportOptions} from './transport.js'
import type {LiveAnswer, LiveField, WireRequest} from './types.js'

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
