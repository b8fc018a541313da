/**
 * A real nginx as the oracle for the ingress-nginx side of routing: the servers and locations of a set of Ingresses
 * rendered the way ingress-nginx controller-v1.15.1 renders them, nginx itself (Debian's package) on 127.0.0.1, and
 * small echo upstreams that say which upstream answered and which path it saw.
 *
 * Rendered here, each step written from the ingress-nginx source (not from the compiler, which it checks):
 * - controller.go createServers: a server per host, its `location /` from the first Ingress with a rule for the host
 *   (spec.defaultBackend or the default backend, a 404), the catch-all `_` server, server-alias (first Ingress).
 * - controller.go getBackendServers: locations per path (same path and pathType: the first Ingress keeps it; a Prefix
 *   `/` replaces the fallback in place), sorted by path descending then length descending, stable.
 * - location.go updateServerLocations, template.go enforceRegexModifier / buildLocation / buildProxyPass /
 *   buildServerName, nginx.tmpl (redirect servers first, `return <code> <url>`, `rewrite "(?i)<path>" <target>
 *   break;`, app-root's `if ($uri = /)`), ngx_srv_redirect.lua (the www redirect: same scheme, port, one trailing
 *   slash stripped).
 * The redirect configuration is what redirect.go Parse returns, read here key by key with the getters of
 * parser/main.go (written from the Go source, not taken from src/annotations/redirects.ts, which it checks); nginx
 * decides what a `return` of it answers. Canary selection (Lua) and the HTTPS redirect (Lua) stay aside.
 */
import {spawn, spawnSync, type ChildProcess} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import http from 'node:http'
import type {AddressInfo} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {KubeObject} from '../../src/model/types.js'

const PREFIX = 'nginx.ingress.kubernetes.io/'
const NGINX_CANDIDATES = ['/usr/sbin/nginx', '/usr/bin/nginx']

/** What a request got: an upstream (and the path it saw), a redirect, or another status. */
export type Answer =
  | {kind: 'upstream'; upstream: string; path: string}
  | {kind: 'redirect'; status: number; location: string}
  | {kind: 'status'; status: number}

/** The nginx binary, or undefined when it is not installed (.ci/run installs Debian's nginx-light). */
export function findNginx(): string | undefined {
  return NGINX_CANDIDATES.find((p) => existsSync(p))
}

interface RLocation {
  path: string
  exact: boolean
  /** Upstream key `namespace/service:port`, or undefined for the default backend (404). */
  upstream?: string
  ingress?: KubeObject
  /** controller.go keeps Redirect and Rewrite empty on the catch-all `/` of a rule-less Ingress. */
  bare?: boolean
  fallback?: boolean
}

interface RServer {
  name: string
  aliases: string[]
  locations: RLocation[]
  wwwRedirect: boolean
}

const ann = (ing: KubeObject | undefined, key: string): string | undefined => {
  const v = ing?.metadata.annotations?.[PREFIX + key]
  return v === undefined ? undefined : String(v)
}
const isCanary = (ing: KubeObject) => ['true', '1', 't', 'T', 'TRUE', 'True'].includes(ann(ing, 'canary') ?? '')

/** redirect.go Config. */
export interface RedirectConfig {
  url: string
  code: number
  fromToWww: boolean
  relative: boolean
}

/** What one of parser/main.go's getters returns: a value, or the error kind Extract acts on. */
type Got<T> = {value: T} | {error: 'missing' | 'validation' | 'content'}

/**
 * checkAnnotation (validator on a non-empty raw value: a ValidationError) then the typed read (an invalid or, for
 * strings, empty value after trimming each line: InvalidContent).
 */
function getter<T>(validate: (raw: string) => boolean, read: (raw: string) => T | undefined) {
  return (ing: KubeObject | undefined, key: string): Got<T> => {
    const raw = ann(ing, key)
    if (raw === undefined) return {error: 'missing'}
    if (raw !== '' && !validate(raw)) return {error: 'validation'}
    const value = read(raw)
    return value === undefined ? {error: 'content'} : {value}
  }
}
const GO_BOOL: Record<string, boolean> = {1: true, t: true, T: true, TRUE: true, true: true, True: true, 0: false, f: false, F: false, FALSE: false, false: false, False: false}
const getBool = getter((raw) => raw in GO_BOOL, (raw) => GO_BOOL[raw])
/** strconv.Atoi on 64-bit: optional sign, decimal digits, within int64. */
const atoi = (raw: string) => (/^[+-]?\d+$/.test(raw) && BigInt.asIntN(64, BigInt(raw)) === BigInt(raw) ? Number(raw) : undefined)
const getInt = getter((raw) => atoi(raw) !== undefined, atoi)
/** ValidateRegex(URLIsValidRegex): `^[-._~a-zA-Z0-9/:,?&=]*$`; then normalizeString trims every line. */
const getUrl = getter(
  (raw) => /^[-._~a-zA-Z0-9/:,?&=]*$/.test(raw),
  (raw) => raw.split('\n').map((l) => l.trim()).join('\n') || undefined,
)

/**
 * net/url Parse on a string of URLIsValidRegex's characters: getScheme, then the colon in a scheme-less first
 * segment and the port of an authority (the only errors those characters can reach). The scheme, lower-cased.
 */
function goUrlScheme(s: string): string | undefined {
  let scheme = ''
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!
    if (/[a-zA-Z]/.test(c)) continue
    if (/[0-9+.-]/.test(c) && i > 0) continue
    if (c === ':') {
      if (i === 0) return undefined
      scheme = s.slice(0, i).toLowerCase()
    }
    break
  }
  const rest = (scheme === '' ? s : s.slice(scheme.length + 1)).split('?')[0]!
  if (scheme === '' && !rest.startsWith('/') && rest.split('/')[0]!.includes(':')) return undefined
  if (rest.startsWith('//')) {
    const host = rest.slice(2).split('/')[0]!
    const colon = host.lastIndexOf(':')
    if (colon >= 0 && !/^\d*$/.test(host.slice(colon + 1))) return undefined
  }
  return scheme
}

/**
 * redirect.go Parse: from-to-www-redirect, relative-redirects, temporal-redirect (its code, then isValidURL, and
 * return), permanent-redirect, permanent-redirect-code. A ValidationError drops the Ingress (annotations.go
 * Extract); any other error leaves the Ingress without a redirect configuration.
 */
export function parseRedirect(ing: KubeObject | undefined): {dropped: string} | {config?: RedirectConfig} {
  const www = getBool(ing, 'from-to-www-redirect')
  const rr = getBool(ing, 'relative-redirects')
  const tr = getUrl(ing, 'temporal-redirect')
  for (const [key, got] of [['from-to-www-redirect', www], ['relative-redirects', rr], ['temporal-redirect', tr]] as const) {
    if ('error' in got && got.error === 'validation') return {dropped: key}
    if ('error' in got && got.error !== 'missing') return {}
  }
  const fromToWww = 'value' in www && www.value
  const relative = 'value' in rr && rr.value
  if ('value' in tr) {
    const trc = getInt(ing, 'temporal-redirect-code')
    if ('error' in trc && trc.error !== 'missing') return trc.error === 'validation' ? {dropped: 'temporal-redirect-code'} : {}
    const code = 'value' in trc && trc.value >= 300 && trc.value <= 307 ? trc.value : 302
    if (!goUrlScheme(tr.value)?.startsWith('http')) return {}
    return {config: {url: tr.value, code, fromToWww, relative}}
  }
  const pr = getUrl(ing, 'permanent-redirect')
  if ('error' in pr && pr.error !== 'missing') return pr.error === 'validation' ? {dropped: 'permanent-redirect'} : {}
  const prc = getInt(ing, 'permanent-redirect-code')
  if ('error' in prc && prc.error !== 'missing') return prc.error === 'validation' ? {dropped: 'permanent-redirect-code'} : {}
  const code = 'value' in prc && prc.value >= 300 && prc.value <= 308 ? prc.value : 301
  if ('value' in pr || fromToWww) return {config: {url: 'value' in pr ? pr.value : '', code, fromToWww, relative}}
  return relative ? {config: {url: '', code: 0, fromToWww, relative}} : {}
}

function redirectOf(ing: KubeObject | undefined): RedirectConfig | undefined {
  const parsed = parseRedirect(ing)
  return 'config' in parsed ? parsed.config : undefined
}

function upstreamOf(ing: KubeObject, backend: any, services: Map<string, KubeObject>): string | undefined {
  const svc = backend?.service
  if (!svc?.name) return undefined
  const ns = ing.metadata.namespace ?? 'default'
  let port = svc.port?.number
  if (port === undefined && svc.port?.name) {
    port = services.get(`${ns}/${svc.name}`)?.spec?.ports?.find((p: any) => p?.name === svc.port.name)?.port
  }
  return port === undefined ? undefined : `${ns}/${svc.name}:${port}`
}

/**
 * createUpstreams' NoServer upstreams, named as util.go upstreamName names them (the port as written): it walks every
 * Ingress, canaries included; a rule path creates its upstream only if none exists (NoServer when its Ingress is a
 * canary), a spec.defaultBackend always recreates it.
 */
function noServerUpstreams(ingresses: KubeObject[]): Set<string> {
  const canary = new Map<string, boolean>()
  const nameOf = (ing: KubeObject, svc: any) => `${ing.metadata.namespace ?? 'default'}-${svc.name}-${svc.port?.number ?? svc.port?.name}`
  for (const ing of ingresses) {
    const db = ing.spec?.defaultBackend?.service
    if (db?.name) canary.set(nameOf(ing, db), isCanary(ing))
    for (const rule of ing.spec?.rules ?? []) {
      for (const p of rule?.http?.paths ?? []) {
        const svc = p?.backend?.service
        if (svc?.name && !canary.has(nameOf(ing, svc))) canary.set(nameOf(ing, svc), isCanary(ing))
      }
    }
  }
  return new Set([...canary].filter(([, c]) => c).map(([name]) => name))
}

/** createServers + getBackendServers over the Ingresses ingress-nginx serves, in its store order. */
export function buildServers(ingresses: KubeObject[], services: Map<string, KubeObject>): RServer[] {
  const noServer = noServerUpstreams(ingresses)
  const servers = new Map<string, RServer>()
  servers.set('_', {name: '_', aliases: [], locations: [{path: '/', exact: false, fallback: true}], wwwRedirect: false})
  const primaries = ingresses.filter((i) => !isCanary(i))
  for (const ing of primaries) {
    const rules: any[] = ing.spec?.rules ?? []
    const def = ing.spec?.defaultBackend ? upstreamOf(ing, ing.spec.defaultBackend, services) : undefined
    const root = servers.get('_')!.locations[0]!
    if (def && rules.length === 0 && root.fallback) Object.assign(root, {upstream: def, ingress: ing, bare: true, fallback: false})
    for (const rule of rules) {
      const host = (rule?.host ?? '').toLowerCase() || '_'
      if (servers.has(host)) continue
      servers.set(host, {name: host, aliases: [], locations: [{path: '/', exact: false, upstream: def, ingress: ing, fallback: true}], wwwRedirect: false})
    }
  }
  // createServers: the first Ingress of a host with a non-empty alias list (alias/main.go: split on commas, trimmed,
  // unique) sets it; only then are aliases equal to the host or to another server's name dropped. A name that
  // several servers alias is rendered in each: nginx keeps it for the first server (sorted by host name).
  for (const ing of primaries) {
    const aliases = [...new Set((ann(ing, 'server-alias') ?? '').split(',').map((a) => a.trim()).filter((a) => a !== ''))].sort()
    for (const rule of ing.spec?.rules ?? []) {
      const server = servers.get((rule?.host ?? '').toLowerCase() || '_')!
      if (server.aliases.length === 0) server.aliases = aliases
    }
  }
  for (const s of servers.values()) s.aliases = s.aliases.filter((a) => a !== s.name && !servers.has(a))
  for (const ing of primaries) {
    const www = redirectOf(ing)?.fromToWww === true
    for (const rule of ing.spec?.rules ?? []) {
      const server = servers.get((rule?.host ?? '').toLowerCase() || '_')!
      for (const p of rule?.http?.paths ?? []) {
        const upstream = upstreamOf(ing, p?.backend, services)
        if (!upstream) continue
        // getBackendServers: `if ups.NoServer { continue }`.
        if (noServer.has(`${ing.metadata.namespace ?? 'default'}-${p.backend.service.name}-${p.backend.service.port?.number ?? p.backend.service.port?.name}`)) continue
        const path = p?.path || '/'
        const exact = p?.pathType === 'Exact'
        const same = server.locations.find((l) => l.path === path && l.exact === exact)
        if (same && !same.fallback) continue
        if (same) Object.assign(same, {upstream, ingress: ing, fallback: false, bare: false})
        else server.locations.push({path, exact, upstream, ingress: ing})
        if (www) server.wwwRedirect = true
      }
    }
  }
  for (const s of servers.values()) {
    s.locations = s.locations
      .map((l, i) => ({l, i}))
      .sort((a, b) => b.l.path.length - a.l.path.length || (a.l.path < b.l.path ? 1 : a.l.path > b.l.path ? -1 : 0) || a.i - b.i)
      .map((x) => x.l)
  }
  return [...servers.values()].sort((a, b) => (a.name < b.name ? -1 : 1))
}

const quote = (s: string) => `"${s.replace(/[\\"]/g, '\\$&')}"`
const truthy = (v: string | undefined) => ['true', '1', 't', 'T', 'TRUE', 'True'].includes(v ?? '')
const rewriteTarget = (l: RLocation) => (l.bare ? undefined : ann(l.ingress, 'rewrite-target') || undefined)
const useRegex = (l: RLocation) => !l.bare && truthy(ann(l.ingress, 'use-regex'))

/** The server block's locations: updateServerLocations, enforceRegexModifier, buildLocation, buildProxyPass. */
function renderLocations(server: RServer, upstreamPort: (key: string) => number): string[] {
  const exactPaths = new Set(server.locations.filter((l) => l.exact).map((l) => l.path))
  const expanded: (RLocation & {nginxPath: string})[] = []
  for (const l of server.locations) {
    const target = rewriteTarget(l)
    if (l.path === '/' || l.exact || useRegex(l) || (target !== undefined && target !== l.path)) {
      expanded.push({...l, nginxPath: l.path})
      continue
    }
    expanded.push({...l, nginxPath: l.path.endsWith('/') ? l.path : `${l.path}/`})
    if (!exactPaths.has(l.path)) expanded.push({...l, nginxPath: l.path, exact: true})
  }
  const needsRewrite = (l: RLocation & {nginxPath: string}) => {
    const t = rewriteTarget(l)
    return t !== undefined && t !== l.nginxPath
  }
  const regex = expanded.some((l) => needsRewrite(l) || useRegex(l))
  const out: string[] = []
  for (const l of expanded) {
    // The catch-all `/` of a rule-less Ingress keeps the Rewrite config (app-root included) empty (createServers).
    const appRoot = l.bare ? undefined : ann(l.ingress, 'app-root')
    if (appRoot?.startsWith('/')) out.push(`if ($uri = /) { return 302 $scheme://$http_host${appRoot.replace(/[?#].*$/, '')}; }`)
  }
  for (const l of expanded) {
    const modifier = regex ? `~* ${quote(`^${l.nginxPath}`)}` : l.exact ? `= ${quote(l.nginxPath)}` : quote(l.nginxPath)
    const body = ['port_in_redirect off;']
    const redirect = l.bare ? undefined : redirectOf(l.ingress)
    if (redirect?.relative) body.push('absolute_redirect off;')
    if (redirect?.url) body.push(`return ${redirect.code} ${redirect.url};`)
    if (!l.upstream) body.push('return 404;')
    else {
      if (needsRewrite(l)) body.push(`rewrite ${quote(`(?i)${l.nginxPath}`)} ${rewriteTarget(l)} break;`)
      body.push(`proxy_set_header X-Upstream ${quote(l.upstream)};`, `proxy_pass http://127.0.0.1:${upstreamPort(l.upstream)};`)
    }
    out.push(`location ${modifier} { ${body.join(' ')} }`)
  }
  return out
}

/** buildServerName: `*.example.com` is the one-label regex `~^(?<subdomain>[\w-]+)\.example\.com$`. */
function serverName(host: string): string {
  if (!host.startsWith('*')) return quote(host)
  return quote(`~^(?<subdomain>[\\w-]+)\\.${host.slice(2).split('.').join('\\.')}$`)
}

/** nginx.conf for the servers: redirect servers first (nginx.tmpl), every server on one 127.0.0.1 port. */
export function renderNginxConf(servers: RServer[], listen: number, dir: string, upstreamPort: (key: string) => number): string {
  const blocks: string[] = []
  const names = new Set(servers.map((s) => s.name))
  const redirected = new Set<string>()
  for (const s of servers) {
    if (!s.wwwRedirect || s.name === '_' || s.name.startsWith('*')) continue
    const from = s.name.startsWith('www.') ? s.name.slice(4) : `www.${s.name}`
    if (names.has(from) || redirected.has(s.name)) continue
    redirected.add(s.name)
    blocks.push(
      `server { listen 127.0.0.1:${listen}; server_name ${quote(from)}; set $redirect_to $request_uri; ` +
        `if ($request_uri ~ "^(.*)/$") { set $redirect_to $1; } return 308 $scheme://${s.name}:$server_port$redirect_to; }`,
    )
  }
  for (const s of servers) {
    const name = s.name === '_' ? '"_"' : [serverName(s.name), ...s.aliases.map(quote)].join(' ')
    const listenLine = `listen 127.0.0.1:${listen}${s.name === '_' ? ' default_server' : ''};`
    blocks.push(`server { ${listenLine} server_name ${name};\n  ${renderLocations(s, upstreamPort).join('\n  ')}\n}`)
  }
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `${t}_temp_path ${join(dir, t)};`).join(' ')
  return [
    `daemon off; master_process off; worker_processes 1; pid ${join(dir, 'nginx.pid')}; error_log ${join(dir, 'error.log')} warn;`,
    'events { worker_connections 64; }',
    `http { access_log off; server_name_in_redirect off; server_names_hash_bucket_size 128; ${temp}`,
    ...blocks,
    '}',
  ].join('\n')
}

export interface RunningNginx {
  /** Sends GET <path> with Host <host>. */
  request(host: string, path: string): Promise<Answer>
  stop(): Promise<void>
}

/** A free port on 127.0.0.1 (listen on 0, read it, close). */
export async function freePort(): Promise<number> {
  const server = http.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const {port} = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/** One echo server per upstream key: answers 200 with `{upstream, path}`. */
async function startUpstreams(keys: string[]): Promise<{ports: Map<string, number>; close(): Promise<void>}> {
  const ports = new Map<string, number>()
  const servers: http.Server[] = []
  for (const key of keys) {
    const server = http.createServer((req, res) => {
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify({upstream: key, path: req.url, marked: req.headers['x-upstream']}))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    ports.set(key, (server.address() as AddressInfo).port)
    servers.push(server)
  }
  return {ports, close: async () => void (await Promise.all(servers.map((s) => new Promise((r) => s.close(r)))))}
}

function get(port: number, host: string, path: string): Promise<{status: number; location?: string; body: string}> {
  return new Promise((resolve, reject) => {
    const req = http.request({host: '127.0.0.1', port, path, method: 'GET', headers: {host, connection: 'close'}, timeout: 5000}, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c) => (body += c))
      res.on('end', () => resolve({status: res.statusCode ?? 0, location: res.headers.location, body}))
    })
    req.on('timeout', () => req.destroy(new Error(`timeout: ${host}${path}`)))
    req.on('error', reject)
    req.end()
  })
}

/** Renders the Ingresses' servers, starts nginx (own prefix, one process, 127.0.0.1) and the echo upstreams. */
export async function startRealNginx(nginx: string, ingresses: KubeObject[], services: Map<string, KubeObject>): Promise<RunningNginx & {conf: string}> {
  const servers = buildServers(ingresses, services)
  const keys = [...new Set(servers.flatMap((s) => s.locations.map((l) => l.upstream).filter((u): u is string => u !== undefined)))]
  const upstreams = await startUpstreams(keys)
  const dir = mkdtempSync(join(tmpdir(), 'i2gw-nginx-'))
  for (const t of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir, t))
  let lastError: unknown
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort()
    const conf = renderNginxConf(servers, port, dir, (k) => upstreams.ports.get(k)!)
    writeFileSync(join(dir, 'nginx.conf'), conf)
    const check = spawnSync(nginx, ['-t', '-q', '-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], {encoding: 'utf8', timeout: 10_000})
    if (check.status !== 0) {
      await upstreams.close()
      rmSync(dir, {recursive: true, force: true})
      throw new Error(`nginx refused the rendered configuration: ${check.stderr}\n${conf}`)
    }
    const child: ChildProcess = spawn(nginx, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], {stdio: 'ignore'})
    const killer = setTimeout(() => child.kill('SIGKILL'), 120_000)
    const ready = await waitForPort(port, child)
    if (!ready) {
      clearTimeout(killer)
      child.kill('SIGKILL')
      lastError = new Error(`nginx did not listen on 127.0.0.1:${port}`)
      continue
    }
    return {
      conf,
      request: async (host, path) => toAnswer(await get(port, host, path), port),
      stop: async () => {
        clearTimeout(killer)
        if (child.exitCode === null) {
          child.kill('SIGTERM')
          await new Promise((r) => child.once('exit', r))
        }
        await upstreams.close()
        rmSync(dir, {recursive: true, force: true})
      },
    }
  }
  await upstreams.close()
  rmSync(dir, {recursive: true, force: true})
  throw lastError
}

async function waitForPort(port: number, child: ChildProcess): Promise<boolean> {
  for (let i = 0; i < 50 && child.exitCode === null; i++) {
    try {
      await get(port, 'probe.invalid', '/')
      return true
    } catch {
      await new Promise((r) => setTimeout(r, 100))
    }
  }
  return false
}

function toAnswer(r: {status: number; location?: string; body: string}, port: number): Answer {
  if (r.status === 200 && r.body.startsWith('{')) {
    const echo = JSON.parse(r.body)
    return {kind: 'upstream', upstream: echo.upstream, path: echo.path}
  }
  if (r.location !== undefined) return {kind: 'redirect', status: r.status, location: r.location.replace(`:${port}`, '')}
  return {kind: 'status', status: r.status}
}
