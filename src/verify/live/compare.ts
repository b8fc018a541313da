/**
 * Two live answers -> the fields they differ in. Pure: no I/O.
 *
 * Compared: the status, Location verbatim, the headers migrations break (COMPARED_HEADERS and CORS
 * `Access-Control-*`, absent on one side counts), the digest of the first 64 KiB of the body, and for HTTPS whether
 * the certificate names the host and is trusted. Not compared: headers each proxy sets its own way (Server, Date,
 * request ids), and the bodies of redirects: nginx sends an HTML page with its 3xx, Envoy an empty body, and clients
 * follow the Location without showing either. Two failures with the same code (both refused, both timed out) are not
 * a difference: a probe that neither data plane answers is reported in the summary instead.
 */
import type {LiveAnswer, LiveField, LiveResponse} from './types.js'

export function answerDifferences(nginx: LiveAnswer, gateway: LiveAnswer, ignore: ReadonlySet<LiveField> = new Set()): LiveField[] {
  if (nginx.kind === 'error' || gateway.kind === 'error') {
    const alike = nginx.kind === 'error' && gateway.kind === 'error' && nginx.code === gateway.code
    return alike || ignore.has('answer') ? [] : ['answer']
  }
  return responseDifferences(nginx.response, gateway.response).filter((field) => !ignore.has(field))
}

function responseDifferences(a: LiveResponse, b: LiveResponse): LiveField[] {
  const differences: LiveField[] = []
  if (a.status !== b.status) differences.push('status')
  if (a.location !== b.location) differences.push('location')
  const names = [...new Set([...Object.keys(a.headers), ...Object.keys(b.headers)])].sort()
  for (const name of names) if (a.headers[name] !== b.headers[name]) differences.push(`header ${name}`)
  if (!(isRedirect(a) && isRedirect(b)) && a.bodyDigest !== b.bodyDigest) differences.push('body')
  if (a.certificate !== undefined && b.certificate !== undefined && certificateVerdict(a) !== certificateVerdict(b)) differences.push('certificate')
  return differences
}

function isRedirect(response: LiveResponse): boolean {
  return response.status >= 300 && response.status < 400 && response.location !== undefined
}

/** "valid", or what is wrong with the certificate: "not for this host", "untrusted (DEPTH_ZERO_SELF_SIGNED_CERT)". */
export function certificateVerdict(response: LiveResponse): string | undefined {
  const c = response.certificate
  if (c === undefined) return undefined
  const problems = [
    ...(c.matchesHost ? [] : ['not for this host']),
    ...(c.trusted ? [] : [`untrusted${c.trustError === undefined ? '' : ` (${c.trustError})`}`]),
  ]
  return problems.length === 0 ? 'valid' : problems.join(', ')
}
