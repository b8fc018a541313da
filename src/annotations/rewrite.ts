import type {IngressInput} from '../model/ingress-model.js'
import {parseBool} from '../model/parsers.js'
import type {AnnotationFamily, FamilyContext} from './types.js'
import type {ParseResult} from '../model/parsers.js'

/**
 * A rule-less Ingress (spec.defaultBackend only) serves nothing but the catch-all server's `location /`, where
 * controller.go createServers applies its annotations but restores Redirect and Rewrite ("Redirect and rewrite can
 * affect the catch all behavior, skip for now"): its redirects, app-root, rewrite-target and use-regex do nothing.
 */
export function servesOnlyCatchAll(ingress: IngressInput): boolean {
  const rules = ingress.object.spec?.rules
  return !(Array.isArray(rules) && rules.length > 0)
}

/** Accounts the present keys as ignored on a rule-less Ingress (servesOnlyCatchAll). */
export function ignoreOnCatchAll(ctx: FamilyContext, keys: string[]): void {
  for (const key of keys) {
    if (!ctx.has(key)) continue
    ctx.account(key, 'ignored', 'has no effect: this Ingress has no rules, so it serves only the catch-all server\'s `/`, where ingress-nginx leaves out its redirect and rewrite settings (controller.go createServers); the conversion leaves it out too', {
      level: 'warning',
      code: 'catch-all-annotation-ignored',
    })
  }
}

/** ingress-nginx's validator for rewrite-target (parser.RegexPathWithCapture): no query string, no escapes. */
const REWRITE_TARGET = /^\/?[-._~a-zA-Z0-9/:$]*$/

function parseRewriteTarget(value: string): ParseResult<string> {
  if (!REWRITE_TARGET.test(value)) {
    return {ok: false, reason: `"${value}" has characters ingress-nginx does not accept in a rewrite target`}
  }
  return {ok: true, value}
}

/** True when a rewrite target uses nginx variables ($host, $request_uri) rather than only numbered captures. */
export function usesNginxVariables(target: string): boolean {
  return /\$[A-Za-z_{]/.test(target)
}

/** True when a rewrite target refers to capture groups ($1..$9). */
export function usesCaptures(target: string): boolean {
  return /\$\d/.test(target)
}

/**
 * use-regex, rewrite-target, x-forwarded-prefix -> RegularExpression path matches host-wide; URLRewrite
 * ReplaceFullPath, or an Envoy Gateway HTTPRouteFilter ReplaceRegexMatch when the target uses `$n` captures.
 *
 * nginx renders `rewrite "(?i)<path>" <target> break;` inside the location: the whole URI is replaced, captures
 * come from the path regex, the query string is kept. The route emitter builds the per-path filters; this family
 * records the intent and turns on host-wide regex mode.
 */
export const rewriteFamily: AnnotationFamily = {
  name: 'rewrite',
  owns: ['rewriteTarget'],
  specs: [
    {
      key: 'use-regex',
      summary: 'Treat paths as case-insensitive regular expressions, for every Ingress on the host',
      fidelity: 'approximate',
      target: 'HTTPRoute RegularExpression path matches `(?i)<path>.*` on every route of the host',
      note: 'paths become RE2 instead of PCRE; regex rules are ordered by pattern length as nginx orders them, but ties are broken by route name instead of nginx\'s order',
      default: 'false',
      parse: parseBool,
    },
    {
      key: 'rewrite-target',
      summary: 'Replace the whole request path (captures $1..$n from the path regex); turns on regex mode host-wide',
      fidelity: 'exact',
      target: 'HTTPRoute URLRewrite ReplaceFullPath, or HTTPRouteFilter urlRewrite ReplaceRegexMatch (`\\n` captures)',
      parse: parseRewriteTarget,
    },
    {
      key: 'x-forwarded-prefix',
      summary: 'X-Forwarded-Prefix request header, sent only when a rewrite happens',
      fidelity: 'exact',
      target: 'HTTPRoute RequestHeaderModifier set X-Forwarded-Prefix',
      parse: (v) => (/^[-._~a-zA-Z0-9/:]*$/.test(v) ? {ok: true, value: v} : {ok: false, reason: `"${v}" is not a path`}),
    },
  ],
  apply(ctx) {
    const intents = ctx.patch
    if (servesOnlyCatchAll(ctx.ingress)) {
      ignoreOnCatchAll(ctx, ['use-regex', 'rewrite-target', 'x-forwarded-prefix'])
      return
    }
    // use-regex "true" turns the host's locations regex: the location table reads it from the resolved settings.
    if (ctx.has('use-regex') && ctx.value<boolean>('use-regex') === false) ctx.account('use-regex', 'exact')
    const target = ctx.value<string>('rewrite-target')
    if (target !== undefined) {
      if (usesNginxVariables(target)) {
        ctx.account('rewrite-target', 'manual', `rewrite-target "${target}" uses nginx variables, which have no Gateway API equivalent; the path is not rewritten`, {
          hint: 'replace the variables with literal values or $n captures of the path regex',
        })
      } else {
        // Regex mode is decided per path (a target equal to the path is no rewrite), by the model builder.
        intents.rewriteTarget = {target, from: [ctx.fullKey('rewrite-target')]}
      }
    }
    const prefix = ctx.value<string>('x-forwarded-prefix')
    if (prefix !== undefined) {
      if (intents.rewriteTarget) {
        // nginx sets the header inside its rewrite branch: only on paths that are actually rewritten.
        intents.rewriteTarget.forwardedPrefix = prefix
        intents.rewriteTarget.from.push(ctx.fullKey('x-forwarded-prefix'))
      } else {
        ctx.account('x-forwarded-prefix', 'ignored', 'x-forwarded-prefix has no effect without rewrite-target (nginx sends the header only when it rewrites)')
      }
    }
  },
}
