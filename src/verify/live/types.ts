/**
 * The shapes of a live comparison: what one data plane answered to a probe, which fields two answers differ in, and
 * the whole run. JSON-safe as they stand (`-o json` prints them). Pure: no I/O.
 */
import type {Probe} from '../outcome.js'
import type {DataPlaneAddress} from './address.js'

/** The response headers compared besides Location: those migrations typically break. */
export const COMPARED_HEADERS = ['strict-transport-security', 'www-authenticate', 'content-encoding'] as const
/** Every response header whose name starts with this is compared too (CORS). */
export const COMPARED_HEADER_PREFIX = 'access-control-'
/** How much of a body is read and digested. */
export const BODY_DIGEST_LIMIT = 64 * 1024

/** The server certificate of an HTTPS answer, as the client saw it. */
export interface CertificateSummary {
  subject: string
  issuer: string
  /** `valid_to` as the certificate says it. */
  validTo: string
  /** SHA-256 fingerprint, colon-separated hex. */
  fingerprint256: string
  /** The certificate names the probe's host (subjectAltName, as curl and browsers check). */
  matchesHost: boolean
  /** The chain verifies against the trusted CAs; with `insecure` this is recorded, not enforced. */
  trusted: boolean
  /** Why it is not trusted (OpenSSL's code, e.g. DEPTH_ZERO_SELF_SIGNED_CERT). */
  trustError?: string
}

/** An HTTP answer. */
export interface LiveResponse {
  status: number
  /** The Location header, verbatim. */
  location?: string
  /** The compared headers present, lower-case names sorted, repeated headers joined with ", ". */
  headers: Record<string, string>
  /** Not compared; shown in summaries. */
  contentType?: string
  /**
   * "sha256:<hex>" of the first BODY_DIGEST_LIMIT bytes of the body, decoded from gzip, deflate or br (other codings
   * as received); absent for HEAD.
   */
  bodyDigest?: string
  /** Decoded bytes digested (at most BODY_DIGEST_LIMIT). */
  bodyBytes: number
  /** The body went on past BODY_DIGEST_LIMIT; the rest was not read. */
  bodyTruncated: boolean
  /** The body is the data plane's own error page, not a backend's (compare.ts proxyErrorPage). */
  proxyPage?: 'nginx' | 'envoy'
  /** HTTPS only. */
  certificate?: CertificateSummary
}

/** What a data plane did with one request: an HTTP answer, or no answer (connection refused, TLS failure, timeout). */
export type LiveAnswer =
  | {kind: 'response'; response: LiveResponse}
  /** `code`: the system or TLS error code (ECONNREFUSED, ERR_TLS_CERT_ALTNAME_INVALID, ...) or TIMEOUT. */
  | {kind: 'error'; code: string; message: string}

/** One request as it goes on the wire to a data plane (the same for both but for the connection target). */
export interface WireRequest {
  method: string
  scheme: 'http' | 'https'
  /** The Host header. */
  hostHeader: string
  /** The request target (path and query). */
  path: string
  /** Request headers besides Host, as sent. */
  headers: Record<string, string>
  /** TLS SNI; undefined when none is sent (IP literal host, or the probe says null). */
  sni?: string
  /** The name the certificate must carry (the URL's host, as curl checks it). */
  identity: string
  /** The probe's own port when it is not the scheme's default; else the data plane's port for the scheme is used. */
  explicitPort?: number
}

/** A compared field: `status`, `location`, `header <name>`, `body`, `certificate`, or `answer` (one side had none, or failed differently). */
export type LiveField = string

export interface LiveProbeResult<P extends Probe = Probe> {
  probe: P
  /** "GET https://a.example.com/x" plus non-default headers, as the user reads it. */
  request: string
  /** Present when the probe was not sent (method not allowed, malformed request); nothing else is then set. */
  notSent?: string
  nginx?: LiveAnswer
  gateway?: LiveAnswer
  /** Connection targets used ("10.0.0.1:443"). */
  nginxEndpoint?: string
  gatewayEndpoint?: string
  /** The fields the two answers differ in; empty when they agree (including failing alike). */
  differences: LiveField[]
}

export interface LiveSummary {
  probes: number
  sent: number
  notSent: number
  differ: number
  /** Sent probes that got no answer from either data plane, alike (not differences, but worth a look). */
  failedAlike: number
}

export interface LiveComparison<P extends Probe = Probe> {
  nginx: DataPlaneAddress
  gateway: DataPlaneAddress
  /** In the order of the probes given. */
  results: Array<LiveProbeResult<P>>
  summary: LiveSummary
}
