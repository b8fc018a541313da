/**
 * The live mode's flags of the verify command turned into LiveOptions. Loads no transport: the command imports
 * this statically and live-verify.ts (which sends requests) only when the addresses are given, so offline verify
 * never loads node:http, node:https or node:tls.
 */
import {parseDurationFlag} from './kubectl-flags.js'
import {parseDataPlaneAddress} from '../verify/live/address.js'
import {LIVE_DEFAULTS, type LiveOptions} from '../verify/live/options.js'

/** The live flags of the verify command, as oclif parsed them. */
export interface LiveFlags {
  'nginx-address'?: string
  'gateway-address'?: string
  insecure?: boolean
  'ca-file'?: string
  parallel?: number
  qps?: string
  method?: string[]
  timeout?: string
}

/**
 * The live options from the flags, or undefined when neither address is given (the offline run). Throws an Error
 * naming the flag when one address comes without the other, or a value is malformed.
 */
export function liveOptionsFromFlags(flags: LiveFlags): LiveOptions | undefined {
  const nginx = flags['nginx-address']
  const gateway = flags['gateway-address']
  if (nginx === undefined && gateway === undefined) {
    const stray = (['insecure', 'ca-file', 'method'] as const).find((f) => (f === 'insecure' ? flags[f] === true : flags[f] !== undefined))
    if (stray !== undefined) throw new Error(`--${stray} applies to the live mode only: give --nginx-address and --gateway-address too`)
    return undefined
  }
  if (nginx === undefined || gateway === undefined) {
    throw new Error(`${nginx === undefined ? '--gateway-address' : '--nginx-address'} needs ${nginx === undefined ? '--nginx-address' : '--gateway-address'} too: the live mode sends every probe to both data planes`)
  }
  const timeoutMs = parseDurationFlag(flags.timeout ?? `${LIVE_DEFAULTS.timeoutMs}ms`, 'timeout')
  // 0 would mean "no limit" to --request-timeout; a probe that never ends would hold a slot for good.
  if (timeoutMs < 1) throw new Error(`--timeout must be longer than 0 (each request needs a limit), got "${flags.timeout}"`)
  const qps = Number(flags.qps ?? LIVE_DEFAULTS.qps)
  if (flags.qps !== undefined && (!/^\d+(\.\d+)?$/.test(flags.qps) || !(qps > 0))) throw new Error(`--qps expects a number of probes per second above 0, got "${flags.qps}"`)
  for (const method of flags.method ?? []) {
    if (!/^[A-Za-z]+$/.test(method)) throw new Error(`--method expects an HTTP method such as POST, got "${method}"`)
  }
  return {
    nginx: parseDataPlaneAddress(nginx, '--nginx-address'),
    gateway: parseDataPlaneAddress(gateway, '--gateway-address'),
    parallel: flags.parallel ?? LIVE_DEFAULTS.parallel,
    qps,
    timeoutMs,
    insecure: flags.insecure === true,
    ...(flags['ca-file'] === undefined ? {} : {caFile: flags['ca-file']}),
    methods: (flags.method ?? []).map((m) => m.toUpperCase()),
  }
}
