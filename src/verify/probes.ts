/**
 * The requests verify sends through both models: derived from the nginx side (every server name, alias, www twin,
 * one-label and two-label hosts under a wildcard, every location path) and from the Gateway side (every HTTPRoute
 * hostname and path match), each path with and without its trailing slash, a child, an upper-case variant and a
 * sibling sharing the prefix (`/foo` vs `/foox`), canary header and cookie values, over http and https. The user's
 * own probes come as text: `GET https://a.example.com/x H:v`. Pure: no I/O.
 */
import {topLevelBranches} from '../translate/emit-routes.js'
import type {HostModel} from '../model/ingress-model.js'
import type {KubeObject} from '../model/types.js'
import type {Probe} from './outcome.js'

/** A probe and the Gateway (and its nginx controller) it is sent to. */
export interface TargetedProbe {
  gateway: string
  probe: Probe
  /** `derived` or `user`. */
  origin: 'derived' | 'user'
}

/**
 * Request paths a (regex) Ingress path matches, as literal as possible: one per top-level alternative, plus the
 * path that ends where a group admits the end (`/api(/|$)(.*)` matches `/api/x` and `/api`).
 */
export function samplePaths(path: string): string[] {
  const out: string[] = []
  for (const branch of topLevelBranches(path)) {
    out.push(literal(firstAlternatives(branch)))
    const end = /^((?:\\.|[^\\(])*)\((?:[^()]*\|)?\$(?:\|[^()]*)?\)/.exec(branch)
    if (end) out.push(literal(firstAlternatives(end[1]!)))
  }
  return [...new Set(out)]
}

/** One string the regex matches: a class becomes its first member (`[0-9]+` -> `0`, `[^/]` -> `a`), `.*` an `x`. */
function literal(regex: string): string {
  const member = (cls: string) => (cls.startsWith('^') || cls === '' ? 'a' : cls.startsWith('\\d') ? '0' : cls.startsWith('\\') ? 'a' : cls[0]!)
  return regex
    .replace(/\\d[*+]?/g, '0')
    .replace(/\\w[*+]?/g, 'a')
    .replace(/\[([^\]]*)\]\{(\d+)\}/g, (_m, cls: string, n: string) => member(cls).repeat(Number(n)))
    .replace(/\[([^\]]*)\][*+?]?/g, (_m, cls: string) => member(cls))
    .replace(/\\(.)/g, '$1')
    .replace(/\.[*+]\??/g, 'x')
    .replace(/\{\d+(,\d*)?\}/g, '')
    .replace(/[()^$?]/g, '')
}

/**
 * A group with alternatives becomes its first one, innermost groups first: `/api(/|$)(.*)` -> `/api/(.*)`, the
 * rewrite-target idiom, so the path gets probed at all (an escaped `\\(` or `\\|` is not a group or alternative).
 */
function firstAlternatives(branch: string): string {
  let out = branch
  for (let previous = ''; previous !== out; ) {
    previous = out
    out = out.replace(/(?<!\\)\(((?:\\.|[^()|\\])*)(?<!\\)\|(?:\\.|[^()\\])*\)/, (_m, first: string) => first)
  }
  return out
}

/** The variants of one path: itself, with and without trailing slash, a child, a prefix sibling, upper case. */
export function pathVariants(path: string): string[] {
  const out: string[] = []
  for (const s of samplePaths(path)) {
    if (!s.startsWith('/')) continue
    const bare = s.replace(/\/+$/, '') || '/'
    for (const v of [s, bare, `${bare}/`, `${bare}/sub`, `${bare}x`, s.toUpperCase()]) out.push(v.replace(/\/\/+/g, '/'))
  }
  return out.filter((p) => /^\/[-A-Za-z0-9/._~]*$/.test(p))
}

/**
 * What one name is probed with: the nginx hosts and the HTTPRoutes that name it, expanded into paths only when the
 * name's turn comes, so that one name's set of paths lives at a time (a set per name, all held until the last name
 * was probed, was a fifth of verify's live heap at 10,000 Ingresses).
 */
interface HostPlan {
  /** The nginx hosts answering under the name, in hosts order. */
  hosts: HostModel[]
  /** The path values of each HTTPRoute that names the host (one shared list per route). */
  routePaths: string[][]
  /** nginx has a certificate for the name (its server's tls): every path is probed over https too. */
  tls: boolean
  /** Header and cookie variants for canary locations: extra probes with these headers on the canary paths (made for a canary's names only). */
  variants?: {paths: Set<string>; headers: Record<string, string>[]}
}

function planFor(plans: Map<string, HostPlan>, host: string): HostPlan {
  let plan = plans.get(host)
  if (!plan) plans.set(host, (plan = {hosts: [], routePaths: [], tls: false}))
  return plan
}

/** The names under which a server answers: itself (wildcards as one and two labels deeper), aliases, www twin. */
function hostNames(host: HostModel): string[] {
  if (host.name === '') return ['unknown.invalid']
  const names = host.name.startsWith('*.') ? [`a${host.name.slice(1)}`, `a.b${host.name.slice(1)}`] : [host.name]
  if (!host.name.startsWith('*.')) names.push(host.name.startsWith('www.') ? host.name.slice(4) : `www.${host.name}`)
  return [...names, ...host.aliases]
}

function canaryHeaders(host: HostModel): Record<string, string>[] {
  const out: Record<string, string>[] = []
  for (const location of host.locations) {
    for (const {ingress} of location.canaries) {
      const value = (key: string) => {
        const a = ingress.annotations.get(key)
        return a?.valid === true && typeof a.value === 'string' && a.value !== '' ? a.value : undefined
      }
      const header = value('canary-by-header')
      if (header !== undefined) {
        const exact = value('canary-by-header-value')
        for (const v of [...(exact === undefined ? [] : [exact]), 'always', 'never', 'other']) out.push({[header]: v})
      }
      const cookie = value('canary-by-cookie')
      if (cookie !== undefined) for (const v of ['always', 'never']) out.push({Cookie: `${cookie}=${v}`})
    }
  }
  const seen = new Set<string>()
  return out.filter((h) => !seen.has(JSON.stringify(h)) && seen.add(JSON.stringify(h)) !== undefined)
}

/**
 * Every probe derived from one Gateway's nginx hosts and the HTTPRoutes attached to it, handed to `visit` as it is
 * made (host by host in name order, http then https, paths in order): verify routes each and keeps only the differing
 * ones, so the half million probes of 10,000 Ingresses never live all at once. A callback, not a generator: resuming
 * a generator per probe was a tenth of verify.
 */
export function deriveProbes(gateway: string, hosts: Map<string, HostModel>, routes: KubeObject[], visit: (probe: Probe) => void): void {
  const plans = new Map<string, HostPlan>()
  // The same paths recur in every Ingress of a host and in the routes made from them: their variants are made once.
  const variantsOf = new Map<string, string[]>()
  const variants = (path: string): string[] => {
    let out = variantsOf.get(path)
    if (out === undefined) variantsOf.set(path, (out = pathVariants(path)))
    return out
  }
  for (const host of hosts.values()) {
    const headers = canaryHeaders(host)
    for (const name of hostNames(host)) {
      const plan = planFor(plans, name)
      // The catch-all server `_` has the default certificate and listens on 443 (controller.go createServers,
      // template.go buildHTTPSListener): its rules answered HTTPS for every name without a server, path by path.
      if (host.tls || host.name === '') plan.tls = true
      plan.hosts.push(host)
      if (headers.length > 0) {
        const canary = (plan.variants ??= {paths: new Set(), headers: []})
        for (const l of host.locations) if (l.canaries.length > 0) for (const p of variants(l.path).slice(0, 3)) canary.paths.add(p)
        canary.headers.push(...headers)
      }
    }
  }
  for (const route of routes) {
    if (route.kind !== 'HTTPRoute' || !attachedTo(route, gateway)) continue
    const names: string[] = (route.spec?.hostnames ?? []).map((h: string) => (h.startsWith('*.') ? `a${h.slice(1)}` : h))
    const paths = (route.spec?.rules ?? []).flatMap((r: any) => (r?.matches ?? []).map((m: any) => m?.path?.value).filter((v: unknown): v is string => typeof v === 'string'))
    for (const name of names.length > 0 ? names : ['unknown.invalid']) {
      const plan = planFor(plans, name)
      if (paths.length > 0) plan.routePaths.push(paths)
    }
  }
  const sorted = new SortedPaths(plans, variants)
  for (const host of [...plans.keys()].sort()) {
    const plan = plans.get(host)!
    // Sorted once for both schemes.
    const allPaths = sorted.of(plan)
    const canary = plan.variants
    const variantPaths = canary === undefined ? [] : [...canary.paths].sort()
    for (const scheme of ['http', 'https'] as const) {
      // A name without TLS in nginx gets one https probe: nginx answered it with its default certificate, and
      // whether the Gateway serves it over https at all is the one question worth asking.
      const paths = scheme === 'https' && !plan.tls ? ['/'] : allPaths
      for (const path of paths) visit({scheme, host, path})
      for (const path of scheme === 'https' && !plan.tls ? [] : variantPaths) {
        for (const headers of canary!.headers) visit({scheme, host, path, headers})
      }
    }
  }
}

/**
 * The plans' paths in order, made when the name's turn comes. A name served by one nginx host whose routes add no
 * path probes exactly that host's paths: the host's other names (www twin, aliases, a wildcard's two names) share
 * its sorted list, kept until the last of them took it.
 */
class SortedPaths {
  readonly #variants: (path: string) => string[]
  readonly #ofHost = new Map<HostModel, string[]>()
  /** How many names still to probe have exactly this one host. */
  readonly #namesLeft = new Map<HostModel, number>()

  constructor(plans: Map<string, HostPlan>, variants: (path: string) => string[]) {
    this.#variants = variants
    for (const plan of plans.values()) if (plan.hosts.length === 1) this.#namesLeft.set(plan.hosts[0]!, (this.#namesLeft.get(plan.hosts[0]!) ?? 0) + 1)
  }

  of(plan: HostPlan): string[] {
    const paths = new Set(['/', '/zz-unmatched'])
    for (const host of plan.hosts) for (const l of host.locations) for (const p of this.#variants(l.path)) paths.add(p)
    const hostPaths = paths.size
    for (const list of plan.routePaths) for (const p of list) for (const v of this.#variants(p)) paths.add(v)
    const single = plan.hosts.length === 1 ? plan.hosts[0]! : undefined
    if (single === undefined) return [...paths].sort()
    const left = this.#namesLeft.get(single)! - 1
    this.#namesLeft.set(single, left)
    // The host's last name: its list is not needed after this one, whichever list this name takes.
    const shared = left === 0 ? this.#ofHost.get(single) : undefined
    if (left === 0) this.#ofHost.delete(single)
    // A route added a path: this name's own list (the host's stays for its other names).
    if (paths.size !== hostPaths) return [...paths].sort()
    let out = shared ?? this.#ofHost.get(single)
    if (out === undefined) {
      out = [...paths].sort()
      if (left > 0) this.#ofHost.set(single, out)
    }
    return out
  }
}

function attachedTo(route: KubeObject, gateway: string): boolean {
  const namespace = route.metadata.namespace ?? 'default'
  return (route.spec?.parentRefs ?? []).some((p: any) => `${p?.namespace ?? namespace}/${p?.name}` === gateway && (p?.kind ?? 'Gateway') === 'Gateway')
}

/**
 * One probe from text: `[METHOD] URL [Name:value ...]`, e.g. `GET https://a.example.com/x?q=1 X-Canary:always`.
 * The URL's scheme is http or https, its port (if any) becomes the destination port.
 */
export function parseProbe(text: string): Probe {
  const words = text.trim().split(/\s+/).filter((w) => w !== '')
  if (words.length === 0) throw new Error('empty probe')
  let method: string | undefined
  if (!/^[a-z]+:\/\//i.test(words[0]!)) method = words.shift()!.toUpperCase()
  const url = words.shift()
  const m = url === undefined ? null : /^(https?):\/\/([^/?#]+)([^#]*)$/i.exec(url)
  if (!m) throw new Error(`probe "${text}": expected [METHOD] http(s)://HOST/PATH [Header:value ...]`)
  const headers: Record<string, string> = {}
  for (const w of words) {
    const colon = w.indexOf(':')
    if (colon <= 0) throw new Error(`probe "${text}": header "${w}" is not Name:value`)
    headers[w.slice(0, colon)] = w.slice(colon + 1)
  }
  const path = m[3] === '' ? '/' : m[3]!.startsWith('?') ? `/${m[3]}` : m[3]!
  const probe: Probe = {scheme: m[1]!.toLowerCase() as 'http' | 'https', host: m[2]!.toLowerCase(), path}
  if (method !== undefined && method !== 'GET') probe.method = method
  if (Object.keys(headers).length > 0) probe.headers = headers
  return probe
}

/** A probes file: one probe per line; blank lines and `#` comments are skipped. Errors name the line. */
export function parseProbesFile(text: string, file: string): Probe[] {
  const out: Probe[] = []
  text.split('\n').forEach((line, i) => {
    const t = line.replace(/#.*$/, '').trim()
    if (t === '') return
    try {
      out.push(parseProbe(t))
    } catch (error) {
      throw new Error(`${file}:${i + 1}: ${(error as Error).message}`)
    }
  })
  return out
}

/** `GET https://a.example.com/x H:v`: the probe as the user would write it. */
export function describeProbe(probe: Probe): string {
  const headers = Object.entries(probe.headers ?? {}).map(([k, v]) => ` ${k}:${v}`).join('')
  return `${probe.method ?? 'GET'} ${probe.scheme}://${probe.host}${probe.path}${headers}`
}
