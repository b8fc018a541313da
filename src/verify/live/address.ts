/**
 * `--nginx-address` / `--gateway-address` values: where a data plane listens, as the address part of
 * `curl --resolve HOST:PORT:ADDRESS`. Pure: no I/O.
 */

/** A data plane: the address to connect to and its plain-HTTP and HTTPS ports. */
export interface DataPlaneAddress {
  /** Host name, IPv4 or IPv6 address to connect to (IPv6 without brackets). */
  host: string
  httpPort: number
  httpsPort: number
  /** As the user wrote it, for messages. */
  text: string
}

const USAGE = 'expected HOST (ports 80 and 443) or HOST:HTTP_PORT:HTTPS_PORT, IPv6 in brackets ([2001:db8::1]:8080:8443)'
const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?$/
const IPV6 = /^[0-9A-Fa-f:.]+(?:%[A-Za-z0-9_.-]+)?$/

/**
 * Parses `HOST` or `HOST:HTTP_PORT:HTTPS_PORT` (`[IPv6]` or `[IPv6]:HTTP_PORT:HTTPS_PORT`). `what` names the flag in
 * errors ("--gateway-address"). Throws an Error saying what is wrong and what is expected.
 */
export function parseDataPlaneAddress(value: string, what = 'address'): DataPlaneAddress {
  const text = value.trim()
  const fail = (problem: string): never => {
    throw new Error(`${what} "${value}": ${problem}; ${USAGE}`)
  }
  if (text === '') fail('empty')
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) fail('a URL, not an address (no scheme)')
  if (/[/?#@\s]/.test(text)) fail('an address has no path, query, user or spaces')
  let host: string
  let rest: string
  if (text.startsWith('[')) {
    const close = text.indexOf(']')
    if (close < 0) fail('"[" without "]"')
    host = text.slice(1, close)
    if (!host.includes(':') || !IPV6.test(host)) fail(`"${host}" in brackets is not an IPv6 address`)
    rest = text.slice(close + 1)
    if (rest !== '' && !rest.startsWith(':')) fail(`unexpected "${rest}" after "]"`)
    rest = rest.slice(1)
  } else {
    const parts = text.split(':')
    if (parts.length > 3) fail(IPV6.test(text) ? 'an IPv6 address must be written in brackets' : 'too many ":"')
    host = parts[0]
    rest = parts.slice(1).join(':')
    if (!HOSTNAME.test(host)) fail(`"${host}" is not a host name or IP address`)
  }
  if (rest === '') return {host, httpPort: 80, httpsPort: 443, text}
  const ports = rest.split(':')
  if (ports.length !== 2) fail('give both ports, HTTP then HTTPS')
  const [httpPort, httpsPort] = ports.map((p, i) => parsePort(p, i === 0 ? 'HTTP' : 'HTTPS', fail))
  return {host, httpPort, httpsPort, text}
}

function parsePort(text: string, which: string, fail: (problem: string) => never): number {
  if (!/^\d{1,5}$/.test(text)) return fail(`${which} port "${text}" is not a number`)
  const port = Number(text)
  if (port < 1 || port > 65535) return fail(`${which} port ${port} is outside 1-65535`)
  return port
}

/** The address with the port a scheme uses on it, as a connection target: "10.0.0.1:443", "[::1]:8443". */
export function describeEndpoint(address: DataPlaneAddress, port: number): string {
  return `${address.host.includes(':') ? `[${address.host}]` : address.host}:${port}`
}
