/**
 * Two live answers -> the fields they differ in. Pure: no I/O.
 *
 * Compared: the status, Location verbatim, the headers migrations break (COMPARED_HEADERS and CORS
 * `Access-Control-*`, absent on one side counts), the digest of the first 64 KiB of the body, and for HTTPS whether
 * the certificate names the host and is trusted. Not compared: headers each proxy sets its own way (Server, Date,
 * request ids), and the bodies of redirects: nginx sends an HTML page with its 3xx, Envoy an empty body, and clients
 * follow the Location without showing either; nor the bodies of the same error status when each is its proxy's own
 * page (proxyErrorPage): ingress-nginx answers a request without a route from its default server's `return 404`
 * (nginx.tmpl, "backend for when default-backend-service is not configured"), an HTML page, Envoy with an empty
 * body; a backend's own error body is still compared, so a mis-route to a backend answering 404 shows. Two failures with the same code (both refused, both timed out) are not
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
  if (a.bodyDigest !== b.bodyDigest && !(isRedirect(a) && isRedirect(b)) && !bothProxyErrorPages(a, b)) differences.push('body')
  if (a.certificate !== undefined && b.certificate !== undefined && certificateVerdict(a) !== certificateVerdict(b)) differences.push('certificate')
  return differences
}

/** The same error status, each body its own data plane's built-in page: no backend answered either. */
function bothProxyErrorPages(a: LiveResponse, b: LiveResponse): boolean {
  return a.status === b.status && a.status >= 400 && a.proxyPage !== undefined && b.proxyPage !== undefined
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

/**
 * Whether a body is a data plane's own error page rather than a backend's:
 * - nginx: the built-in page of ngx_http_special_response.c for `status` (title and h1 "<status> <reason>", the
 *   optional explanation line, the "<hr><center>nginx</center>" tail, with the version when server-tokens is on;
 *   `bgcolor="white"` in nginx before 1.17.1), the MSIE padding comments allowed after it;
 * - envoy: an Envoy local reply: the empty body of "no route" (404) and of a missing cluster (Envoy Gateway's
 *   500/503 for invalid backends, internal/xds/translator/route.go), or the router's fixed texts "no healthy
 *   upstream", "upstream request timeout", "upstream connect error or disconnect/reset before headers. ...".
 * `text` is the start of the decoded body (at least the first KiB).
 */
export function proxyErrorPage(status: number, text: string): 'nginx' | 'envoy' | undefined {
  if (status < 400) return undefined
  const nginx = NGINX_PAGE.exec(text)
  if (nginx && Number(nginx[1]) === status && nginx[2] === nginx[3]) return 'nginx'
  if (text === '' || ENVOY_LOCAL_REPLIES.includes(text) || text.startsWith('upstream connect error or disconnect/reset before headers.')) return 'envoy'
  return undefined
}

const NGINX_PAGE =
  /^<html>\r\n<head><title>(\d{3}) ([^<]*)<\/title><\/head>\r\n<body(?: bgcolor="white")?>\r\n<center><h1>\d{3} ([^<]*)<\/h1><\/center>\r\n(?:<center>[^<]*<\/center>\r\n)?<hr><center>nginx(?:\/[0-9.]+)?<\/center>\r\n<\/body>\r\n<\/html>\r\n(?:<!-- [^>]* -->\r\n)*$/
const ENVOY_LOCAL_REPLIES = ['no healthy upstream', 'upstream request timeout']
