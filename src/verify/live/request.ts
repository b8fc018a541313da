/**
 * Probe -> the request sent to both data planes, as `curl --resolve HOST:PORT:ADDRESS SCHEME://HOST/PATH` sends it:
 * Host header from the probe, TLS SNI = the host (none for an IP literal), the certificate checked against the host.
 * Pure: no I/O.
 */
import {withoutTrailingDot} from '../../model/names.js'
import type {Probe} from '../outcome.js'
import type {WireRequest} from './types.js'

/** The methods sent unless the caller allows others: they change nothing on a correctly behaving backend. */
export const SAFE_METHODS = ['GET', 'HEAD']

/** The codings the transport can decode before digesting a body. */
export const ACCEPT_ENCODING = 'gzip, deflate, br'

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
const TARGET = /^\/[\x21-\x7e]*$/
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/
/**
 * Sent unless the probe sets them. Accept-Encoding as a browser sends it: without it no proxy compresses, and a
 * compression setting lost in the migration (ingress-nginx use-gzip / enable-brotli) would go unseen.
 */
const DEFAULT_HEADERS: Record<string, string> = {'user-agent': 'kubectl-ingress2gw-verify', accept: '*/*', 'accept-encoding': ACCEPT_ENCODING}

/** Host and port of a Host value: "a.example.com:8443" -> a.example.com, 8443; "[::1]" -> ::1. */
export function splitHostPort(host: string): {hostname: string; port?: number} {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(host)
  if (bracketed) return {hostname: bracketed[1], ...(bracketed[2] === undefined ? {} : {port: Number(bracketed[2])})}
  const colon = host.split(':')
  if (colon.length === 2 && /^\d+$/.test(colon[1])) return {hostname: colon[0], port: Number(colon[1])}
  return {hostname: host}
}

/** An IPv4 or IPv6 literal: curl sends no SNI for it (RFC 6066 allows host names only). */
export function isIpLiteral(hostname: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(hostname) || hostname.includes(':')
}

/**
 * The request for a probe, or why it is not sent: a method outside `allowedMethods` (upper case), or a request
 * that could not go on the wire as given (the same client-side failure on both sides would otherwise pass for
 * "failing alike").
 */
export function wireRequest(probe: Probe, allowedMethods: readonly string[]): WireRequest | {notSent: string} {
  const method = (probe.method ?? 'GET').toUpperCase()
  if (!TOKEN.test(method)) return {notSent: `method "${probe.method}" is not an HTTP method`}
  if (!allowedMethods.includes(method)) {
    return {notSent: `method ${method} is not sent unless allowed (allowed: ${allowedMethods.join(', ')})`}
  }
  if (probe.scheme !== 'http' && probe.scheme !== 'https') return {notSent: `scheme "${probe.scheme}" is neither http nor https`}
  if (!/^[^\s/?#@\\]+$/.test(probe.host)) return {notSent: `host "${probe.host}" is not a valid Host header`}
  if (!TARGET.test(probe.path)) return {notSent: `path "${probe.path}" must start with "/" and hold no spaces or control characters (percent-encode them)`}
  const {hostname, port: hostPort} = splitHostPort(probe.host)
  const headers: Record<string, string> = {...DEFAULT_HEADERS}
  for (const [name, value] of Object.entries(probe.headers ?? {})) {
    if (!TOKEN.test(name)) return {notSent: `header name "${name}" is not valid`}
    if (!HEADER_VALUE.test(value)) return {notSent: `header ${name} has a control character in its value`}
    // The Host header is the probe's host, as curl --resolve sends it.
    if (name.toLowerCase() !== 'host') headers[name.toLowerCase()] = value
  }
  const defaultPort = probe.scheme === 'https' ? 443 : 80
  const port = probe.port ?? hostPort ?? defaultPort
  // The SNI curl sends: the name without one trailing dot (lib/vtls/vtls.c Curl_ssl_snihost), as the model reads it
  // (gateway-match.ts hostFacts).
  const serverName = withoutTrailingDot(hostname)
  const sni = probe.scheme !== 'https' ? undefined : probe.sni === null ? undefined : (probe.sni ?? (isIpLiteral(serverName) ? undefined : serverName))
  return {
    method,
    scheme: probe.scheme,
    hostHeader: probe.host,
    path: probe.path,
    headers,
    ...(sni === undefined || sni === '' ? {} : {sni}),
    identity: hostname,
    ...(port === defaultPort ? {} : {explicitPort: port}),
  }
}

/** Headers whose values are credentials: sent, never printed. */
const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization'])

/** The probe as printed and in JSON: credential header values replaced by "<redacted>". */
export function redactProbe<P extends Probe>(probe: P): P {
  if (!Object.keys(probe.headers ?? {}).some((name) => CREDENTIAL_HEADERS.has(name.toLowerCase()))) return probe
  const headers = Object.fromEntries(Object.entries(probe.headers ?? {}).map(([name, value]) => [name, CREDENTIAL_HEADERS.has(name.toLowerCase()) ? '<redacted>' : value]))
  return {...probe, headers}
}

/**
 * "GET https://a.example.com/x Cookie:canary=always": the probe as the user reads it (the `--probe` syntax),
 * credentials redacted.
 */
export function describeProbe(probe: Probe): string {
  const headers = Object.entries(redactProbe(probe).headers ?? {}).map(([name, value]) => ` ${name}:${value}`).join('')
  const port = probe.port !== undefined && splitHostPort(probe.host).port === undefined && probe.port !== (probe.scheme === 'https' ? 443 : 80) ? `:${probe.port}` : ''
  const sni = probe.sni === undefined ? '' : probe.sni === null ? ' (no SNI)' : ` (SNI ${probe.sni})`
  return `${(probe.method ?? 'GET').toUpperCase()} ${probe.scheme}://${probe.host}${port}${probe.path}${headers}${sni}`
}
