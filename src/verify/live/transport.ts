/**
 * The only I/O of verify: one request to one data plane over node:http / node:https, as
 * `curl --resolve HOST:PORT:ADDRESS` sends it (connect to the address, Host header and SNI from the probe, the
 * certificate checked against the probe's host), no redirect followed, a fresh connection per request, at most
 * BODY_DIGEST_LIMIT bytes of the body read. Allowed to do I/O by the architecture test
 * (test/annotations/registry.test.ts); everything else of the live mode is pure.
 */
import {createHash} from 'node:crypto'
import {readFileSync} from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import type {Readable, Transform} from 'node:stream'
import tls from 'node:tls'
import zlib from 'node:zlib'
import {describeEndpoint, type DataPlaneAddress} from './address.js'
import {proxyErrorPage} from './compare.js'
import {BODY_DIGEST_LIMIT, COMPARED_HEADER_PREFIX, COMPARED_HEADERS, type CertificateSummary, type LiveAnswer, type LiveResponse, type WireRequest} from './types.js'

export interface TransportOptions {
  timeoutMs: number
  /** Skip certificate checks (still recorded in the answer). */
  insecure: boolean
  /** Trusted CAs; built once by trustContext. */
  secureContext?: tls.SecureContext
}

/**
 * The trust store: the PEM file given (instead of the defaults, as curl --cacert), else Node's bundled CAs plus the
 * operating system's where this Node can read them (tls.getCACertificates, Node >= 22.15), plus NODE_EXTRA_CA_CERTS.
 * Throws an Error naming the file when it cannot be read or holds no certificate.
 */
export function trustContext(caFile: string | undefined): tls.SecureContext | undefined {
  if (caFile !== undefined) {
    let pem: string
    try {
      pem = readFileSync(caFile, 'utf8')
    } catch (error) {
      throw new Error(`--ca-file ${caFile}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`)
    }
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new Error(`--ca-file ${caFile}: no PEM certificate in it`)
    try {
      return tls.createSecureContext({ca: pem})
    } catch (error) {
      throw new Error(`--ca-file ${caFile}: not a usable certificate (${(error as Error).message})`)
    }
  }
  const getCACertificates = (tls as unknown as {getCACertificates?: (type: string) => string[]}).getCACertificates
  if (getCACertificates === undefined) return undefined
  return tls.createSecureContext({ca: [...getCACertificates('default'), ...getCACertificates('system')]})
}

/** The connection target of a request on a data plane: the probe's explicit port, else the plane's port for the scheme. */
export function endpointOf(address: DataPlaneAddress, request: WireRequest): {port: number; text: string} {
  const port = request.explicitPort ?? (request.scheme === 'https' ? address.httpsPort : address.httpPort)
  return {port, text: describeEndpoint(address, port)}
}

/** Sends one request and resolves with the answer or the failure; never rejects. */
export function sendRequest(address: DataPlaneAddress, request: WireRequest, options: TransportOptions): Promise<LiveAnswer> {
  return new Promise((resolve) => {
    let settled = false
    const settle = (answer: LiveAnswer): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      req.destroy()
      resolve(answer)
    }
    const fail = (error: NodeJS.ErrnoException): void => settle({kind: 'error', code: error.code ?? error.name, message: error.message})
    const common: http.RequestOptions = {
      host: address.host,
      port: endpointOf(address, request).port,
      method: request.method,
      path: request.path,
      headers: {host: request.hostHeader, ...request.headers},
      setHost: false,
      agent: false,
    }
    const req =
      request.scheme === 'https'
        ? https.request({
            ...common,
            // '' sends no SNI; left undefined, Node would derive one from the Host header even for an IP literal.
            servername: request.sni ?? '',
            rejectUnauthorized: !options.insecure,
            ...(options.secureContext === undefined ? {} : {secureContext: options.secureContext}),
            checkServerIdentity: (_connectedTo, cert) => tls.checkServerIdentity(request.identity, cert),
          })
        : http.request(common)
    const timer = setTimeout(() => fail(Object.assign(new Error(`no complete answer within ${options.timeoutMs} ms`), {code: 'TIMEOUT'})), options.timeoutMs)
    req.on('error', fail)
    req.on('response', (res) => {
      let certificate: CertificateSummary | undefined
      try {
        certificate = request.scheme === 'https' ? certificateOf(res.socket as tls.TLSSocket, request.identity) : undefined
      } catch (error) {
        return fail(error as Error)
      }
      const hash = createHash('sha256')
      let bytes = 0
      let received = 0
      const start: Buffer[] = []
      const decoder = request.method === 'HEAD' ? undefined : bodyDecoder(res.headers['content-encoding'])
      const finish = (truncated: boolean): void => {
        if (settled) return
        decoder?.destroy()
        const digest = request.method === 'HEAD' ? undefined : `sha256:${hash.digest('hex')}`
        settle({kind: 'response', response: responseSummary(res, {digest, bytes, truncated, start: Buffer.concat(start).toString('latin1')}, certificate)})
      }
      const body: Readable = decoder === undefined ? res : res.pipe(decoder)
      res.on('data', (chunk: Buffer) => (received += chunk.length))
      body.on('data', (chunk: Buffer) => {
        if (settled) return
        const take = chunk.subarray(0, BODY_DIGEST_LIMIT - bytes)
        hash.update(take)
        if (bytes < PAGE_SAMPLE) start.push(take.subarray(0, PAGE_SAMPLE - bytes))
        bytes += take.length
        if (bytes >= BODY_DIGEST_LIMIT && take.length < chunk.length) finish(true)
      })
      body.on('end', () => finish(false))
      res.on('error', fail)
      decoder?.on('error', (error: NodeJS.ErrnoException) => {
        // An empty body under a Content-Encoding (some servers label even those) is still an empty body.
        if (received === 0) return finish(false)
        fail(Object.assign(new Error(`the body is not valid ${res.headers['content-encoding']}: ${error.message}`), {code: error.code ?? 'BODY_DECODING'}))
      })
    })
    req.end()
  })
}

/**
 * A decoder for the codings requested in ACCEPT_ENCODING, so that the digest compares content and not two
 * compressors' output; other codings (or several) are digested as received. Content-Encoding itself is compared.
 */
function bodyDecoder(coding: string | undefined): Transform | undefined {
  switch (coding?.trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip()
    case 'deflate':
      return zlib.createInflate()
    case 'br':
      return zlib.createBrotliDecompress()
    default:
      return undefined
  }
}

/** How much of the start of a body is kept to tell a data plane's own error page (compare.ts proxyErrorPage). */
const PAGE_SAMPLE = 2048

interface BodyRead {
  digest?: string
  bytes: number
  truncated: boolean
  /** The first PAGE_SAMPLE bytes, decoded, as latin1. */
  start: string
}

function responseSummary(res: http.IncomingMessage, body: BodyRead, certificate: CertificateSummary | undefined): LiveResponse {
  const values = new Map<string, string[]>()
  for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
    const name = res.rawHeaders[i].toLowerCase()
    if (name === 'location' || (COMPARED_HEADERS as readonly string[]).includes(name) || name.startsWith(COMPARED_HEADER_PREFIX)) {
      values.set(name, [...(values.get(name) ?? []), res.rawHeaders[i + 1]])
    }
  }
  const location = values.get('location')?.join(', ')
  values.delete('location')
  const headers = Object.fromEntries([...values.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, list]) => [name, list.join(', ')]))
  const contentType = res.headers['content-type']
  const status = res.statusCode ?? 0
  const proxyPage = body.digest === undefined ? undefined : proxyErrorPage(status, body.start)
  return {
    status,
    ...(location === undefined ? {} : {location}),
    headers,
    ...(contentType === undefined ? {} : {contentType}),
    ...(body.digest === undefined ? {} : {bodyDigest: body.digest}),
    bodyBytes: body.bytes,
    bodyTruncated: body.truncated,
    ...(proxyPage === undefined ? {} : {proxyPage}),
    ...(certificate === undefined ? {} : {certificate}),
  }
}

function certificateOf(socket: tls.TLSSocket, identity: string): CertificateSummary | undefined {
  const cert = socket.getPeerCertificate()
  if (cert === undefined || Object.keys(cert).length === 0) return undefined
  // authorizationError holds the chain error, or the host-name error when the chain verified (tls.connect order).
  const error = socket.authorizationError as unknown as string | {code?: string} | null | undefined
  const chainError = error == null ? undefined : typeof error === 'string' ? error : String(error.code ?? error)
  const trustError = chainError === 'ERR_TLS_CERT_ALTNAME_INVALID' ? undefined : chainError
  return {
    subject: distinguishedName(cert.subject),
    issuer: distinguishedName(cert.issuer),
    validTo: cert.valid_to,
    fingerprint256: cert.fingerprint256,
    matchesHost: tls.checkServerIdentity(identity, cert) === undefined,
    trusted: trustError === undefined,
    ...(trustError === undefined ? {} : {trustError}),
  }
}

function distinguishedName(name: tls.PeerCertificate['subject'] | undefined): string {
  return Object.entries(name ?? {})
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join('+') : value}`)
    .join(', ')
}
