/**
 * A model of the data plane decisions an Envoy Gateway SecurityPolicy describes, driven against stand-in servers
 * on 127.0.0.1 (no Envoy is available to the tests).
 *
 * Before any filter, Envoy's connection manager (source/common/http/conn_manager_utility.cc mutateRequestHeaders; Envoy
 * Gateway runs it with use_remote_address, internal/xds/translator/listener.go) appends the peer address to the
 * client's X-Forwarded-For, keeping the entries the client sent, and sets X-Forwarded-Proto to the connection's scheme.
 *
 * extAuth (HTTP ext_authz), as Envoy Gateway v1.9 configures it (internal/xds/translator/extauth.go extAuthConfig,
 * httpService) and Envoy implements it (source/extensions/filters/common/ext_authz/ext_authz_http_impl.cc):
 * - the check request has the client's method, Host, Authorization, the headers of headersToExtAuth (matched
 *   without case) and Content-Length 0 (ClientConfig::toRequestMatchers, RawHttpClientImpl::check); its path is
 *   pathOverride, or `path` + the client's path with its query (path_prefix);
 * - only a 200 allows: the request goes upstream with the headersToBackend of the answer set on it;
 * - a 5xx, or no answer, is an error: statusOnError (Envoy Gateway's default 403);
 * - any other status is a denial sent to the client with the auth service's body and every header but Host
 *   (RawHttpClientImpl::toResponse; Envoy Gateway sets no allowed_client_headers, ClientConfig::toClientMatchers).
 *
 * oidc (Envoy's oauth2 filter as internal/xds/translator/oidc.go configures it), reduced to what a browser and an
 * API client observe: the callback (the path of redirectURL) exchanges the code at the provider's token endpoint
 * and sets a session cookie; the logout path clears it; a request with the session goes upstream; other requests
 * get 401 when a denyRedirect header matches, else a 302 to the provider's authorization endpoint. The real filter
 * signs its cookies with an HMAC; the model keeps the sessions it issued in memory instead.
 */
import {request as httpRequest, createServer, type IncomingMessage, type ServerResponse} from 'node:http'

export interface StandIn {
  port: number
  /** Every request the stand-in received (method, path, lower-case headers). */
  seen: {method: string; path: string; headers: Record<string, string>}[]
  close(): Promise<void>
}

/** An HTTP server on 127.0.0.1 with a random port. */
export async function standIn(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<StandIn> {
  const seen: StandIn['seen'] = []
  const server = createServer((req, res) => {
    seen.push({method: req.method ?? 'GET', path: req.url ?? '/', headers: flat(req.headers)})
    handler(req, res)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as {port: number}).port
  return {port, seen, close: () => new Promise<void>((resolve) => server.close(() => resolve()))}
}

export interface ClientRequest {
  method?: string
  host: string
  path: string
  headers?: Record<string, string>
  /** The client's address as the Gateway sees it (default 198.51.100.7). */
  peer?: string
}

export interface Answer {
  status: number
  headers: Record<string, string>
  body: string
  /** Who produced the answer: the backend, the auth service (a denial), or Envoy itself. */
  from: 'backend' | 'auth' | 'envoy'
}

function flat(headers: IncomingMessage['headers']): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v
  return out
}

/** One HTTP exchange with a stand-in, bounded in time. */
export function send(port: number, method: string, path: string, headers: Record<string, string>, body = ''): Promise<{status: number; headers: Record<string, string>; body: string}> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({host: '127.0.0.1', port, method, path, headers: {...headers, 'content-length': String(Buffer.byteLength(body))}, agent: false, timeout: 5000}, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({status: res.statusCode ?? 0, headers: flat(res.headers), body: Buffer.concat(chunks).toString('utf8')}))
    })
    req.on('timeout', () => req.destroy(new Error(`stand-in on port ${port} did not answer in 5 s`)))
    req.on('error', reject)
    req.end(body)
  })
}

const lower = (list: string[] | undefined) => (list ?? []).map((h) => h.toLowerCase())

/** The client's request as it reaches the backend (the Host kept, as Envoy forwards it). */
async function upstream(backend: StandIn, req: ClientRequest, headers: Record<string, string>): Promise<Answer> {
  const r = await send(backend.port, req.method ?? 'GET', req.path, {host: req.host, ...headers})
  return {...r, from: 'backend'}
}

/** A listener's ClientTrafficPolicy headers.earlyRequestHeaders (only `remove` is modelled). */
export interface EarlyRequestHeaders {
  remove?: string[]
}

/**
 * The client's headers after the listener: earlyRequestHeaders first (Envoy Gateway's early_header_mutation, before
 * any filter: translator/listener.go buildEarlyHeaderMutation), then Envoy's connection manager: X-Forwarded-For with
 * the peer appended, X-Forwarded-Proto set.
 */
function edgeHeaders(req: ClientRequest, early?: EarlyRequestHeaders): Record<string, string> {
  const headers = Object.fromEntries(Object.entries(req.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]))
  for (const name of lower(early?.remove)) delete headers[name]
  const peer = req.peer ?? '198.51.100.7'
  headers['x-forwarded-for'] = headers['x-forwarded-for'] ? `${headers['x-forwarded-for']},${peer}` : peer
  headers['x-forwarded-proto'] = 'https'
  return headers
}

/** The decision of an extAuth block (SecurityPolicy spec.extAuth) for one client request. */
export async function throughExtAuth(extAuth: any, auth: StandIn, backend: StandIn, req: ClientRequest, early?: EarlyRequestHeaders): Promise<Answer> {
  const client = edgeHeaders(req, early)
  const allowed = new Set(['authorization', ...lower(extAuth.headersToExtAuth)])
  const checkHeaders: Record<string, string> = {host: req.host}
  for (const [k, v] of Object.entries(client)) if (allowed.has(k)) checkHeaders[k] = v
  const http = extAuth.http
  const checkPath = http.pathOverride ?? `${http.path ?? ''}${req.path}`
  let check: {status: number; headers: Record<string, string>; body: string}
  try {
    check = await send(auth.port, req.method ?? 'GET', checkPath, checkHeaders)
  } catch {
    return {status: extAuth.statusOnError ?? 403, headers: {}, body: '', from: 'envoy'}
  }
  if (check.status >= 500) return {status: extAuth.statusOnError ?? 403, headers: {}, body: '', from: 'envoy'}
  if (check.status === 200) {
    const toBackend = new Set(lower(http.headersToBackend))
    const headers = {...client}
    for (const [k, v] of Object.entries(check.headers)) if (toBackend.has(k)) headers[k] = v
    return upstream(backend, req, headers)
  }
  const headers: Record<string, string> = {}
  for (const [k, v] of Object.entries(check.headers)) if (!['host', 'content-length', 'connection', 'date', 'transfer-encoding', 'keep-alive'].includes(k)) headers[k] = v
  return {status: check.status, headers, body: check.body, from: 'auth'}
}

/** The session store of the oidc model: the cookies it issued. */
export class OidcSessions {
  readonly issued = new Map<string, string>()
}

function cookie(req: ClientRequest, name: string): string | undefined {
  const header = Object.entries(req.headers ?? {}).find(([k]) => k.toLowerCase() === 'cookie')?.[1] ?? ''
  return header.split(';').map((c) => c.trim().split('=')).find(([k]) => k === name)?.[1]
}

function matches(rule: {type?: string; value: string}, value: string | undefined): boolean {
  if (value === undefined) return false
  switch (rule.type ?? 'Exact') {
    case 'Prefix':
      return value.startsWith(rule.value)
    case 'Suffix':
      return value.endsWith(rule.value)
    case 'RegularExpression':
      return new RegExp(`^(?:${rule.value})$`).test(value)
    default:
      return value === rule.value
  }
}

/**
 * The decision of an oidc block for one browser or API request. `idp` serves the provider (discovery, token);
 * `secrets` holds the client secret by Secret name, as Envoy Gateway would read it.
 */
export async function throughOidc(oidc: any, idp: StandIn, backend: StandIn, sessions: OidcSessions, secrets: Record<string, string>, req: ClientRequest): Promise<Answer> {
  const expand = (v: string) => v.replace('%REQ(x-forwarded-proto)%', 'https').replace('%REQ(:authority)%', req.host)
  const redirectURL = expand(oidc.redirectURL ?? '%REQ(x-forwarded-proto)%://%REQ(:authority)%/oauth2/callback')
  const redirectPath = new URL(redirectURL).pathname
  const [path, query = ''] = req.path.split('?')
  const discovery = JSON.parse((await send(idp.port, 'GET', `${new URL(oidc.provider.issuer).pathname.replace(/\/$/, '')}/.well-known/openid-configuration`, {host: new URL(oidc.provider.issuer).host})).body)
  if (path === redirectPath) {
    const params = new URLSearchParams(query)
    const state = JSON.parse(Buffer.from(params.get('state') ?? '', 'base64url').toString('utf8') || '{}')
    const form = new URLSearchParams({grant_type: 'authorization_code', code: params.get('code') ?? '', redirect_uri: redirectURL})
    const basic = Buffer.from(`${oidc.clientID}:${secrets[oidc.clientSecret.name] ?? ''}`).toString('base64')
    const token = await send(idp.port, 'POST', new URL(discovery.token_endpoint).pathname, {host: new URL(discovery.token_endpoint).host, authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded'}, form.toString())
    if (token.status !== 200) return {status: 401, headers: {}, body: 'OAuth flow failed.', from: 'envoy'}
    const id = `s${sessions.issued.size + 1}`
    sessions.issued.set(id, JSON.parse(token.body).access_token)
    return {status: 302, headers: {location: state.url ?? '/', 'set-cookie': `BearerToken=${id}; path=/; Secure; HttpOnly`}, body: '', from: 'envoy'}
  }
  if (path === (oidc.logoutPath ?? '/logout')) {
    return {status: 302, headers: {location: '/', 'set-cookie': 'BearerToken=deleted; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT'}, body: '', from: 'envoy'}
  }
  const session = cookie(req, 'BearerToken')
  if (session !== undefined && sessions.issued.has(session)) return upstream(backend, req, {...(req.headers ?? {})})
  const headers = Object.fromEntries(Object.entries(req.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]))
  if ((oidc.denyRedirect?.headers ?? []).some((h: any) => matches(h, headers[h.name.toLowerCase()]))) return {status: 401, headers: {}, body: 'OAuth flow failed.', from: 'envoy'}
  const state = Buffer.from(JSON.stringify({url: `https://${req.host}${req.path}`})).toString('base64url')
  const authorize = new URL(discovery.authorization_endpoint)
  authorize.search = new URLSearchParams({client_id: oidc.clientID, redirect_uri: redirectURL, response_type: 'code', scope: ['openid', ...(oidc.scopes ?? []).filter((s: string) => s !== 'openid')].join(' '), state}).toString()
  return {status: 302, headers: {location: authorize.toString()}, body: '', from: 'envoy'}
}
