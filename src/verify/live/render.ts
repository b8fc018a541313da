/**
 * Live comparison -> text (per difference: the request and both answers) and the JSON shape of `-o json`.
 * Pure: no I/O.
 */
import type {Probe} from '../outcome.js'
import {certificateVerdict} from './compare.js'
import {redactProbe} from './request.js'
import type {LiveAnswer, LiveComparison, LiveProbeResult, LiveSummary} from './types.js'

/**
 * One difference, three lines and more:
 *   GET https://a.example.com/api: status, location differ
 *     nginx   10.0.0.1:443  308 -> https://a.example.com/api/  text/html 162 B sha256:0a1b2c3d4e5f
 *     gateway 10.0.0.2:443  200  text/plain 12 B sha256:9f8e7d6c5b4a
 * followed by one line per differing header, and the certificates when they differ.
 */
export function renderLiveDifference(result: LiveProbeResult<Probe>, indent = ''): string {
  const lines = [`${indent}${result.request}: ${result.differences.join(', ')} differ${result.differences.length === 1 ? 's' : ''}`]
  const sides: Array<[string, LiveAnswer | undefined, string | undefined]> = [
    ['nginx  ', result.nginx, result.nginxEndpoint],
    ['gateway', result.gateway, result.gatewayEndpoint],
  ]
  for (const [name, answer, endpoint] of sides) lines.push(`${indent}  ${name} ${endpoint ?? '?'}  ${describeAnswer(answer)}`)
  for (const field of result.differences) {
    if (field.startsWith('header ')) {
      const header = field.slice('header '.length)
      lines.push(`${indent}  ${header}: nginx ${headerValue(result.nginx, header)}, gateway ${headerValue(result.gateway, header)}`)
    }
    if (field === 'certificate') {
      lines.push(`${indent}  certificate: nginx ${certificateText(result.nginx)}; gateway ${certificateText(result.gateway)}`)
    }
  }
  return lines.join('\n') + '\n'
}

/** One answer on one line: "308 -> https://a/x  text/html 162 B sha256:0a1b2c3d4e5f", "no answer: ECONNREFUSED (...)". */
export function describeAnswer(answer: LiveAnswer | undefined): string {
  if (answer === undefined) return 'not sent'
  if (answer.kind === 'error') return `no answer: ${answer.code} (${answer.message})`
  const r = answer.response
  const body = r.bodyDigest === undefined ? 'no body (HEAD)' : `${r.bodyBytes}${r.bodyTruncated ? '+' : ''} B ${r.bodyDigest.slice(0, 'sha256:'.length + 12)}`
  const page = r.proxyPage === undefined ? undefined : r.proxyPage === 'nginx' ? '(nginx error page)' : '(Envoy local reply)'
  return [`${r.status}${r.location === undefined ? '' : ` -> ${r.location}`}`, r.contentType, body, page].filter((part) => part !== undefined).join('  ')
}

function headerValue(answer: LiveAnswer | undefined, header: string): string {
  if (answer?.kind !== 'response') return '(no answer)'
  const value = answer.response.headers[header]
  return value === undefined ? '(absent)' : JSON.stringify(value)
}

function certificateText(answer: LiveAnswer | undefined): string {
  if (answer?.kind !== 'response' || answer.response.certificate === undefined) return '(none)'
  const c = answer.response.certificate
  return `${certificateVerdict(answer.response)} (subject ${c.subject}, issuer ${c.issuer}, until ${c.validTo})`
}

/** "live: 40 probes, 38 sent, 3 differ, 1 without an answer from either data plane, 2 not sent". */
export function renderLiveSummary(summary: LiveSummary): string {
  const parts = [`${summary.probes} probe${summary.probes === 1 ? '' : 's'}`, `${summary.sent} sent`, `${summary.differ} differ`]
  if (summary.failedAlike > 0) parts.push(`${summary.failedAlike} without an answer from either data plane`)
  if (summary.notSent > 0) parts.push(`${summary.notSent} not sent`)
  return `live: ${parts.join(', ')}\n`
}

/**
 * The whole comparison as text: the data planes, every difference, the probes neither data plane answered (alike,
 * so not differences, but a wrong probe or a dead address shows here), the probes not sent, and the summary line.
 */
export function renderLiveText<P extends Probe>(comparison: LiveComparison<P>): string {
  const out = [renderLivePlanes(comparison)]
  for (const result of comparison.results) if (result.differences.length > 0) out.push(renderLiveDifference(result))
  return `${out.join('')}${renderLiveUnanswered(comparison)}${renderLiveSummary(comparison.summary)}`
}

/** The first line: which data planes were compared. */
export function renderLivePlanes<P extends Probe>(comparison: LiveComparison<P>): string {
  return `nginx data plane ${comparison.nginx.text}, gateway data plane ${comparison.gateway.text}\n`
}

/** The probes neither data plane answered (alike), then the probes not sent, one line each. */
export function renderLiveUnanswered<P extends Probe>(comparison: LiveComparison<P>): string {
  const out: string[] = []
  for (const result of comparison.results) {
    if (result.notSent === undefined && result.differences.length === 0 && result.nginx?.kind === 'error' && result.gateway?.kind === 'error') {
      out.push(`no answer from either: ${result.request}: ${result.nginx.code}\n`)
    }
  }
  for (const result of comparison.results) if (result.notSent !== undefined) out.push(`not sent: ${result.request}: ${result.notSent}\n`)
  return out.join('')
}

/** The `-o json` shape: addresses as given, the summary, then every probe with both answers and its differences. */
export function liveComparisonJson<P extends Probe>(comparison: LiveComparison<P>): object {
  return {
    nginxAddress: comparison.nginx.text,
    gatewayAddress: comparison.gateway.text,
    summary: comparison.summary,
    probes: comparison.results.map((r) => ({
      request: r.request,
      probe: redactProbe(r.probe),
      differences: r.differences,
      ...(r.notSent === undefined ? {} : {notSent: r.notSent}),
      ...(r.nginx === undefined ? {} : {nginx: {endpoint: r.nginxEndpoint, ...r.nginx}}),
      ...(r.gateway === undefined ? {} : {gateway: {endpoint: r.gatewayEndpoint, ...r.gateway}}),
    })),
  }
}
