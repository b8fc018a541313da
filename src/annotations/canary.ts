import {re2Incompatibility} from '../model/re2.js'
import {parseBool, parseInt10} from '../model/parsers.js'
import type {AnnotationFamily} from './types.js'
import type {ParseResult} from '../model/parsers.js'
import {diagnostic} from '../model/catalogue/diagnostic.js'
import {writtenValue} from './snippets.js'

/** Annotations a canary Ingress keeps (balancer.lua / controller.go): everything else comes from the primary. */
const KEPT_ON_CANARY = /^(canary.*|load-balance|upstream-hash-by.*|affinity.*|session-cookie-.*)$/

/**
 * canary/main.go validates canary-by-header, -value and -cookie with parser.BasicCharsRegex after removing spaces
 * (ValidateRegex(BasicCharsRegex, true)), then GetStringAnnotation trims each line. An invalid value is emptied
 * (Parse logs it and keeps going), so balancer.lua falls back to the next rule.
 */
function parseBasicChars(what: string) {
  return (value: string): ParseResult<string> => {
    if (!/^[-._~a-zA-Z0-9/:]*$/.test(value.replaceAll(' ', ''))) {
      return {ok: false, reason: `"${value}" is not a valid ${what} for ingress-nginx (letters, digits and -._~/: only)`}
    }
    const trimmed = value.split('\n').map((l) => l.trim()).join('\n')
    return trimmed === '' ? {ok: false, reason: 'is empty'} : {ok: true, value: trimmed}
  }
}

/** canary-by-header-pattern: parser.IsValidRegex (letters, digits, -._~/: and regex characters ^$[](){}*+?|&=\). */
function parsePattern(value: string): ParseResult<string> {
  if (!/^[-._~a-zA-Z0-9/:^$[\](){}*+?|&=\\]*$/.test(value)) {
    return {ok: false, reason: `"${value}" has characters ingress-nginx does not accept in canary-by-header-pattern (no spaces, commas, !, # ...)`}
  }
  const trimmed = value.trim()
  return trimmed === '' ? {ok: false, reason: 'is empty'} : {ok: true, value: trimmed}
}

/** nginx (ignore_invalid_headers on) drops request headers whose names have characters other than these. */
const NGINX_HEADER_NAME = /^[A-Za-z0-9_-]+$/

function parseNonNegative(value: string): ParseResult<number> {
  const r = parseInt10(value)
  if (!r.ok) return r
  return r.value < 0 ? {ok: false, reason: `"${value}" is negative`} : r
}

/**
 * canary, canary-by-header(-value/-pattern), canary-by-cookie, canary-weight(-total) -> rules merged into the
 * primary's HTTPRoute: header/cookie matches and backendRef weights; the canary Ingress gets no route.
 *
 * balancer.lua order: header (always/never or value/pattern), then cookie (always/never), then weight.
 * A canary-weight-total of 100 or less acts as 100 (balancer.lua only honours larger totals).
 */
export const canaryFamily: AnnotationFamily = {
  name: 'canary',
  owns: ['canary'],
  specs: [
    {
      key: 'canary',
      summary: 'Mark the Ingress as a canary of the Ingress serving the same host and path',
      fidelity: 'approximate',
      target: 'extra rules and backendRef weights in the primary HTTPRoute',
      note: 'the split is merged into the primary route; as in nginx it applies to every path routed to the primary Service:port',
      default: 'false',
      parse: parseBool,
    },
    {
      key: 'canary-by-header',
      summary: 'Header whose value always/never forces the canary or the primary',
      fidelity: 'exact',
      target: 'HTTPRoute rules matching header=always (canary) and header=never (primary)',
      parse: parseBasicChars('header name'),
    },
    {
      key: 'canary-by-header-value',
      summary: 'Header value that selects the canary (with canary-by-header)',
      fidelity: 'exact',
      target: 'HTTPRoute header match type Exact',
      parse: parseBasicChars('header value'),
    },
    {
      key: 'canary-by-header-pattern',
      summary: 'PCRE the header value must contain to select the canary (ignored when -value is set)',
      fidelity: 'approximate',
      target: 'HTTPRoute header match type RegularExpression `.*(?:pattern).*`',
      note: 'the pattern runs as RE2 instead of PCRE',
      parse: parsePattern,
    },
    {
      key: 'canary-by-cookie',
      summary: 'Cookie whose value always/never forces the canary or the primary',
      fidelity: 'approximate',
      target: 'HTTPRoute RegularExpression match on the Cookie header',
      note: 'Gateway API has no cookie match; the Cookie header is matched with a regular expression, which also matches a cookie of that name sent twice',
      parse: parseBasicChars('cookie name'),
    },
    {
      key: 'canary-weight',
      summary: 'Share of requests (out of canary-weight-total) sent to the canary',
      fidelity: 'exact',
      target: 'HTTPRoute backendRef weights',
      default: '0',
      parse: parseNonNegative,
    },
    {
      key: 'canary-weight-total',
      summary: 'Total weight (honoured only above 100)',
      fidelity: 'exact',
      target: 'HTTPRoute backendRef weights',
      default: '100',
      parse: parseNonNegative,
    },
  ],
  apply(ctx) {
    const ing = ctx.ingress
    const canaryKeys = [...ing.annotations.keys()].filter((k) => k.startsWith('canary'))
    if (!ing.isCanary) {
      for (const key of canaryKeys) {
        if (key === 'canary') {
          ctx.account(key, 'exact')
          continue
        }
        ctx.account(key, 'ignored', 'set without canary: "true"; ingress-nginx drops the canary settings and serves this Ingress as a normal one, and so does the conversion', {
          level: 'warning',
          code: 'canary-not-enabled',
        })
      }
      return
    }
    const from = canaryKeys.map((k) => ctx.fullKey(k)).sort()
    let header = ctx.value<string>('canary-by-header')
    const value = ctx.value<string>('canary-by-header-value')
    let pattern = ctx.value<string>('canary-by-header-pattern')
    if (header !== undefined && !NGINX_HEADER_NAME.test(header)) {
      ctx.account('canary-by-header', 'ignored', `nginx drops request headers named like "${header}" (ignore_invalid_headers), so this header never selected the canary; no header rule is emitted`, {level: 'warning'})
      header = undefined
    }
    if (header !== undefined && value === undefined && ctx.has('canary-by-header-value')) {
      // canary/main.go emptied the invalid value: balancer.lua then tries the pattern, else always/never.
      const key = ctx.fullKey('canary-by-header-value')
      ctx.diag(diagnostic('canary-header-value-emptied', {key, value: writtenValue(ctx.ingress.annotations.get('canary-by-header-value')!), header, by: pattern !== undefined ? 'pattern' : 'always-never'}, {annotation: key}))
    }
    const re2 = pattern !== undefined && value === undefined ? re2Incompatibility(pattern) : undefined
    if (re2) {
      ctx.account('canary-by-header-pattern', 'manual', `"${pattern}" uses ${re2}, which PCRE (nginx) supports and RE2 (Envoy) does not; no rule for the pattern is emitted, so those requests follow the cookie and weight rules`, {
        hint: 'rewrite the pattern without that feature and convert again',
      })
      pattern = undefined
      header = undefined
    }
    if (header === undefined) {
      for (const k of ['canary-by-header-value', 'canary-by-header-pattern']) {
        if (ctx.has(k)) ctx.account(k, 'ignored', 'has no effect without canary-by-header', {level: 'warning'})
      }
    } else if (value !== undefined && pattern !== undefined) {
      ctx.account('canary-by-header-pattern', 'ignored', 'ignored because canary-by-header-value is set (as in ingress-nginx)', {level: 'warning'})
    }
    const total = ctx.value<number>('canary-weight-total')
    const weightTotal = total !== undefined && total > 100 ? total : 100
    if (total !== undefined && total <= 100 && total !== 100) {
      ctx.account('canary-weight-total', 'exact', `${total} acts as 100: ingress-nginx honours canary-weight-total only above 100`, {
        level: 'info',
        code: 'canary-weight-total-ignored',
      })
    }
    ctx.patch.canary = {
      from,
      header: header === undefined ? undefined : {name: header, value, pattern: value === undefined ? pattern : undefined},
      cookie: ctx.value<string>('canary-by-cookie'),
      weight: ctx.value<number>('canary-weight'),
      weightTotal,
    }
    if (header !== undefined && ctx.has('canary-by-cookie')) {
      ctx.diag(diagnostic('canary-header-and-cookie', {header, cookie: ctx.raw('canary-by-cookie') ?? ''}))
    }
    // Everything else on a canary Ingress is ignored: its locations take the primary's configuration.
    for (const a of ing.annotations.values()) {
      if (KEPT_ON_CANARY.test(a.key)) continue
      ctx.account(a.key, 'ignored', 'ignored on a canary Ingress: ingress-nginx applies the primary Ingress\'s settings to canary traffic', {
        level: 'info',
        code: 'canary-annotation-ignored',
      })
    }
  },
}
