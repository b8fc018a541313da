import {parseEnum} from '../model/parsers.js'
import {hasSentinels, restorePlaceholders, validForSomeSubstitution} from './placeholders.js'
import type {AnnotationFamily, FamilyContext} from './types.js'
import type {ParseResult} from '../model/parsers.js'
import type {SecurityPolicySpecAuthorizationRules} from '../model/generated/index.js'
import type {PolicyFragment} from '../model/ingress-model.js'

/**
 * allowlist-source-range (alias whitelist-source-range), denylist-source-range, satisfy -> SecurityPolicy
 * authorization with clientCIDRs rules.
 *
 * nginx renders `deny <each denied>; allow <each allowed>; deny all;` in every location of the Ingress (the
 * `deny all` only when an allow-list exists), and answers 403: a Deny rule first, then an Allow rule, with
 * `defaultAction: Deny` when an allow-list exists and `Allow` otherwise, is the same first-match program. The
 * client address is `$remote_addr` after real-IP processing, so the result is exact only when the Gateway's
 * client IP detection matches the controller's (the gateway bundle derives it from the controller ConfigMap).
 */

/** Go netip.ParseAddr for IPv4: four decimal fields, no leading zeros, each at most 255. */
function parseIPv4(text: string): number[] | undefined {
  const parts = text.split('.')
  if (parts.length !== 4) return undefined
  const bytes: number[] = []
  for (const p of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(p)) return undefined
    const n = Number(p)
    if (n > 255) return undefined
    bytes.push(n)
  }
  return bytes
}

/** Go netip.ParseAddr for IPv6 (zones rejected, as net.ParseCIDR and net.ParseIP do): 16 bytes. */
function parseIPv6(text: string): number[] | undefined {
  if (!text.includes(':') || text.includes('%')) return undefined
  const halves = text.split('::')
  if (halves.length > 2) return undefined
  const groups = (s: string): number[] | undefined => {
    if (s === '') return []
    const out: number[] = []
    const fields = s.split(':')
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i]!
      if (i === fields.length - 1 && f.includes('.')) {
        const v4 = parseIPv4(f)
        if (!v4) return undefined
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!)
        continue
      }
      if (!/^[0-9a-fA-F]{1,4}$/.test(f)) return undefined
      out.push(Number.parseInt(f, 16))
    }
    return out
  }
  const head = groups(halves[0]!)
  const tail = halves.length === 2 ? groups(halves[1]!) : []
  if (!head || !tail) return undefined
  let all: number[]
  if (halves.length === 2) {
    if (head.length + tail.length > 7) return undefined
    all = [...head, ...new Array(8 - head.length - tail.length).fill(0), ...tail]
  } else {
    if (head.length !== 8) return undefined
    all = head
  }
  return all.flatMap((g) => [g >> 8, g & 0xff])
}

/** Go's IPv6 text form (RFC 5952): lower case, no leading zeros, the longest run of 2+ zero groups as `::`. */
function formatIPv6(bytes: number[]): string {
  const groups: number[] = []
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i]! << 8) | bytes[i + 1]!)
  let bestStart = -1
  let bestLen = 0
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++
      continue
    }
    let j = i
    while (j < 8 && groups[j] === 0) j++
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i
      bestLen = j - i
    }
    i = j
  }
  const hex = (gs: number[]) => gs.map((g) => g.toString(16)).join(':')
  if (bestStart < 0) return hex(groups)
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLen))}`
}

function maskBytes(bytes: number[], bits: number): number[] {
  return bytes.map((b, i) => {
    const keep = Math.max(0, Math.min(8, bits - i * 8))
    return keep === 8 ? b : b & (0xff << (8 - keep)) & 0xff
  })
}

const V4_MAPPED = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]

/**
 * One entry of a source-range list, as ingress-nginx reads it (net.ParseCIDR, else net.ParseIP), in the CIDR
 * form Envoy Gateway's clientCIDRs require: host bits cleared as Go does (`10.1.2.3/8` -> `10.0.0.0/8`), a bare
 * address becomes a single-host range (`10.0.0.1` -> `10.0.0.1/32`, `2001:db8::1` -> `2001:db8::1/128`).
 */
export function normalizeSourceRange(spec: string): string | undefined {
  const text = spec.trim()
  // A Flux placeholder (read as a sentinel) stays as written when some substitution makes the entry an address or
  // a CIDR: the SecurityPolicy carries it verbatim and Flux fills it in.
  if (hasSentinels(text)) return validForSomeSubstitution(restorePlaceholders(text), (v) => normalizeSourceRange(v) !== undefined) ? text : undefined
  const slash = text.indexOf('/')
  if (slash >= 0) {
    const addr = text.slice(0, slash)
    const mask = text.slice(slash + 1)
    if (!/^\d+$/.test(mask)) return undefined
    const bits = Number(mask)
    const v4 = parseIPv4(addr)
    if (v4) return bits > 32 ? undefined : `${maskBytes(v4, bits).join('.')}/${bits}`
    const v6 = parseIPv6(addr)
    if (v6) return bits > 128 ? undefined : `${formatIPv6(maskBytes(v6, bits))}/${bits}`
    return undefined
  }
  const v4 = parseIPv4(text)
  if (v4) return `${v4.join('.')}/32`
  const v6 = parseIPv6(text)
  if (!v6) return undefined
  // net.IP.String() prints an IPv4-mapped address as IPv4, so nginx gets `allow 1.2.3.4;`.
  if (V4_MAPPED.every((b, i) => v6[i] === b)) return `${v6.slice(12).join('.')}/32`
  return `${formatIPv6(v6)}/128`
}

/** A comma list of CIDRs / addresses; one bad entry (or an empty value) makes nginx deny every location. */
export function parseSourceRanges(value: string): ParseResult<string[]> {
  if (value.trim() === '') return {ok: false, reason: 'the value is empty'}
  const out: string[] = []
  const bad: string[] = []
  for (const entry of value.split(',')) {
    const cidr = normalizeSourceRange(entry)
    if (cidr === undefined) bad.push(entry.trim())
    else if (!out.includes(cidr)) out.push(cidr)
  }
  if (bad.length > 0) return {ok: false, reason: `${bad.map((b) => `"${b}"`).join(', ')} ${bad.length > 1 ? 'are' : 'is'} not an IP address or CIDR`}
  return {ok: true, value: out}
}

/**
 * With satisfy any, what the address lists do on the Ingress's paths under the controller ConfigMap's
 * no-auth-locations (the Ingress path starts with an entry: template.go isLocationInLocationList, as emit-routes.ts
 * isNoAuthLocation tests it): nginx asked no authentication there, so the lists decided alone, and the exempt
 * paths' route gets them alone (emit-policies.ts). Empty when the Ingress has no such path.
 */
function exemptNote(ctx: FamilyContext): string {
  const entries = ctx.ingress.settings.noAuthLocations
  const rules: any[] = Array.isArray(ctx.ingress.object.spec?.rules) ? ctx.ingress.object.spec.rules : []
  const paths = rules.flatMap((r) => (Array.isArray(r?.http?.paths) ? r.http.paths : [])).map((p: any) => (typeof p?.path === 'string' && p.path !== '' ? p.path : '/'))
  const exempt = [...new Set(paths.filter((p: string) => entries.some((e) => p.startsWith(e))))].sort()
  if (exempt.length === 0) return ''
  return `; on ${exempt.join(', ')} (under the controller ConfigMap's no-auth-locations) nginx asked no authentication, so the address lists alone decided there, and they are emitted alone on the route of those paths`
}

/** denylist-source-range with satisfy any and authentication: nginx's outcome where the auth applies, and on exempt paths. */
function accountDenyUnderSatisfyAny(ctx: FamilyContext, exempt: string): void {
  const authenticated = 'nginx let a denied address in when it authenticated, and required authentication from everyone else, which the emitted authentication alone does'
  if (exempt === '') {
    ctx.account('denylist-source-range', 'ignored', `has no effect with satisfy "any": ${authenticated}`, {level: 'info', code: 'satisfy-any'})
    return
  }
  // Where the auth applies the list changes nothing, on the exempt paths it is applied: nginx's outcome on both.
  ctx.account('denylist-source-range', 'exact', `where the authentication applies it has no effect with satisfy "any": ${authenticated}${exempt}`, {level: 'info', code: 'satisfy-any'})
}

/** Which authentication of this Ingress takes part in `satisfy` (nginx: auth_basic/auth_digest, auth_request). */
function authenticationOf(ctx: FamilyContext): string | undefined {
  if (ctx.ingress.settings.authUrl !== undefined) return 'auth-url'
  if (ctx.ingress.settings.authType !== undefined) return 'auth-type'
  return undefined
}

function clientIpNote(ctx: FamilyContext): string {
  const mode = ctx.options.clientIp
  const described =
    mode === 'auto'
      ? 'which the gateway bundle derives from the controller ConfigMap (use-proxy-protocol, use-forwarded-headers, proxy-real-ip-cidr) unless --client-ip sets it'
      : mode === 'proxy-protocol'
        ? 'here --client-ip proxy-protocol'
        : mode === 'none'
          ? 'here --client-ip none: the TCP peer address'
          : `here --client-ip xff:${mode.xffHops}`
  return `exact as long as the Gateway finds the same client address as ingress-nginx did: see its ClientTrafficPolicy clientIPDetection, ${described}`
}

/** The address lists as a SecurityPolicy authorization: the deny-list first (nginx writes its `deny` lines first). */
function authorizationFragment(ctx: FamilyContext, allow: string[] | undefined, deny: string[] | undefined): PolicyFragment {
  const rules: SecurityPolicySpecAuthorizationRules[] = []
  const from: string[] = []
  if (deny) {
    rules.push({name: 'denylist-source-range', action: 'Deny', principal: {clientCIDRs: deny}})
    from.push(ctx.fullKey('denylist-source-range'))
  }
  if (allow) {
    rules.push({name: 'allowlist-source-range', action: 'Allow', principal: {clientCIDRs: allow}})
    from.push(ctx.fullKey('allowlist-source-range'))
  }
  if (ctx.has('satisfy')) from.push(ctx.fullKey('satisfy'))
  return {kind: 'SecurityPolicy', path: 'authorization', value: {defaultAction: allow ? 'Deny' : 'Allow', rules}, from}
}

export const accessListsFamily: AnnotationFamily = {
  name: 'access-lists',
  specs: [
    {
      key: 'allowlist-source-range',
      summary: 'Only these client CIDRs/addresses may access the Ingress (403 otherwise); replaces the ConfigMap list',
      fidelity: 'exact',
      target: 'SecurityPolicy authorization: Allow rule with principal.clientCIDRs, defaultAction Deny',
      note: 'the client address must be detected the same way (ClientTrafficPolicy clientIPDetection / --client-ip)',
      default: 'ConfigMap whitelist-source-range',
      parse: parseSourceRanges,
    },
    {
      key: 'denylist-source-range',
      summary: 'These client CIDRs/addresses get 403 (checked before the allow-list); replaces the ConfigMap list',
      fidelity: 'exact',
      target: 'SecurityPolicy authorization: Deny rule with principal.clientCIDRs, placed first',
      note: 'the client address must be detected the same way (ClientTrafficPolicy clientIPDetection / --client-ip)',
      default: 'ConfigMap denylist-source-range',
      parse: parseSourceRanges,
    },
    {
      key: 'satisfy',
      summary: 'all: address lists AND authentication must pass; any: either one suffices',
      fidelity: 'exact',
      target: 'all: SecurityPolicy authorization and authentication both apply; any: not expressible',
      default: 'all',
      parse: parseEnum(['any', 'all'] as const),
    },
  ],
  apply(ctx) {
    if (ctx.ingress.isCanary) return
    let allow = ctx.value<string[]>('allowlist-source-range')
    let deny = ctx.value<string[]>('denylist-source-range')
    const satisfy = ctx.value<'any' | 'all'>('satisfy')
    const auth = authenticationOf(ctx)
    // nginx.tmpl writes the allow/deny lines before its no-auth-locations `if` and the auth inside it: on an exempt
    // location the access module is the only access-phase handler left, so `satisfy any` enforces the lists alone
    // there (ngx_http_core_access_phase: the 403 stands when no handler returned NGX_OK). Lists dropped below are
    // kept for those locations.
    const exemptOnly = satisfy === 'any' && auth !== undefined ? {allow, deny} : undefined
    const exempt = exemptOnly && (allow || deny) ? exemptNote(ctx) : ''

    if (satisfy === 'any') {
      if (auth && allow) {
        const list = allow.join(', ')
        const hint =
          'to keep the bypass, serve the trusted clients through a separate host or Ingress without authentication; if the list was meant to restrict access, remove satisfy "any" (then both apply, as emitted for all)'
        ctx.account(
          'allowlist-source-range',
          'manual',
          `with satisfy "any", clients from ${list} got in without authenticating and everyone else had to pass ${ctx.fullKey(auth)}; Envoy Gateway applies authorization rules and authentication together (AND), never as alternatives, so ${
            exempt === '' ? 'only the authentication is emitted: clients in this list must now authenticate too' : `where the authentication applies only it is emitted: clients in this list must now authenticate there too${exempt}`
          }`,
          {hint, code: 'satisfy-any'},
        )
        ctx.account('satisfy', 'manual', `"any" (address list OR ${ctx.fullKey(auth)}) has no Envoy Gateway equivalent; see ${ctx.fullKey('allowlist-source-range')}`, {hint, code: 'satisfy-any'})
        allow = undefined
        if (deny) {
          accountDenyUnderSatisfyAny(ctx, exempt)
          deny = undefined
        }
      } else if (auth && deny) {
        accountDenyUnderSatisfyAny(ctx, exempt)
        ctx.account('satisfy', 'exact', `"any" with only a deny-list: authentication alone decides, as emitted${exempt}`, {level: 'info', code: 'satisfy-any'})
        deny = undefined
      } else {
        ctx.account('satisfy', 'ignored', '"any" only matters when the Ingress has both an allow-list and authentication (auth-type or auth-url); here it changes nothing', {
          level: 'info',
          code: 'satisfy-any',
        })
      }
    } else if (ctx.has('satisfy')) {
      ctx.account('satisfy', 'exact')
    }

    if (exemptOnly && (exemptOnly.allow || exemptOnly.deny)) ctx.patch.policies.push({...authorizationFragment(ctx, exemptOnly.allow, exemptOnly.deny), noAuthOnly: true})
    if (!allow && !deny) return
    ctx.patch.policies.push(authorizationFragment(ctx, allow, deny))

    const order = auth
      ? `; nginx checks the address first (403), Envoy Gateway runs ${auth === 'auth-url' ? 'the external auth' : 'basic auth'} before the address rules, so a client outside the list now gets the authentication's answer (401 or a sign-in redirect) instead of 403, and the auth service sees its requests`
      : ''
    for (const key of ['denylist-source-range', 'allowlist-source-range'] as const) {
      const list = key === 'allowlist-source-range' ? allow : deny
      if (!list) continue
      const raw = ctx.raw(key)!
      const rewritten = list.join(',') !== raw.split(',').map((s) => s.trim()).join(',') ? ` (as ${list.join(', ')})` : ''
      // EG securitypolicy.go buildAuthorization parses each entry (helpers.go parseCIDR, net.ParseCIDR); an error
      // there turns the route into a 500 direct response, never an open route.
      const substituted = list.some(hasSentinels)
        ? `; the entries with placeholders are kept as written: each must be substituted with one CIDR with its mask (Envoy Gateway reads clientCIDRs with net.ParseCIDR, so a bare address or a comma list in one placeholder makes the SecurityPolicy invalid, and Envoy Gateway then answers 500 on the route)`
        : ''
      const what = `${key === 'allowlist-source-range' ? 'only these clients are let in' : 'these clients get 403'}${substituted}`
      if (auth) {
        ctx.account(key, 'approximate', `${what}${rewritten}${order}`, {code: 'source-range-after-auth'})
      } else {
        ctx.account(key, 'exact', `${what}${rewritten}; ${clientIpNote(ctx)}`, {level: 'info', code: 'source-range-client-ip'})
      }
    }
  },
}
