import type {AnnotationFamily, AnnotationSpec} from './types.js'
import type {AnnotationValue} from '../model/ingress-model.js'
import {SNIPPET_KEYS} from './serving.js'
import {isCredentialName, maskUrlCredentials, onlyVariables, redactSecrets, REDACTED} from '../model/credentials.js'

const QUOTE_LIMIT = 300

/**
 * An annotation's value as written (placeholders, not their sentinels), for diagnostic data: credentials in raw
 * nginx configuration masked, as in messages, and URL credentials (userinfo, credential query values) in any value.
 */
export function writtenValue(a: Pick<AnnotationValue, 'key' | 'raw' | 'template'>): string {
  const written = a.template ?? a.raw
  return SNIPPET_KEYS.includes(a.key) ? redactSecrets(written) : maskUrlCredentials(written)
}

/** One line, credentials masked, cut at QUOTE_LIMIT characters. */
export function quoteSnippet(snippet: string): string {
  const line = redactSecrets(snippet.replace(/\s+/g, ' ').trim())
  return line.length > QUOTE_LIMIT ? `${line.slice(0, QUOTE_LIMIT)}…` : line
}

/** Arguments of an nginx directive, quotes removed (no escapes or variables interpreted). */
function directiveArgs(args: string): string[] {
  return [...args.matchAll(/"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3])
}

/** `Name: value` header arguments of more_set_headers / more_set_input_headers (-s/-t options skipped). */
function headerArgs(args: string): {name: string; value: string}[] {
  const out: {name: string; value: string}[] = []
  const list = directiveArgs(args)
  for (let i = 0; i < list.length; i++) {
    if (list[i] === '-s' || list[i] === '-t') {
      i++
      continue
    }
    const m = /^([^:\s]+):\s*(.*)$/.exec(list[i])
    if (m) out.push({name: m[1], value: m[2]})
  }
  return out
}

/** One directive of a snippet and the blocks it sits in (`if ($http_x = y)`, `location = /robots.txt`). */
export interface SnippetDirective {
  name: string
  args: string
  blocks: string[]
}

/**
 * The directives of a snippet as nginx reads them (ngx_conf_file.c ngx_conf_read_token): `#` starts a comment
 * only at the start of a word and outside quotes, `{` opens a block (but not in `${var}`), `;` ends a directive.
 * Commented-out lines are not active, so they yield nothing.
 */
export function snippetDirectives(text: string): SnippetDirective[] {
  const out: SnippetDirective[] = []
  const stack: string[] = []
  let word = ''
  let quote = ''
  let variable = false
  const flush = () => {
    const t = word.trim()
    word = ''
    const m = /^(\S+)\s*([\s\S]*)$/.exec(t)
    if (m) out.push({name: m[1]!, args: m[2]!, blocks: [...stack]})
  }
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (quote) {
      word += c
      if (c === '\\' && i + 1 < text.length) word += text[++i]
      else if (c === quote) quote = ''
      continue
    }
    if (variable) {
      word += c
      if (c === '}') variable = false
      continue
    }
    if (c === '"' || c === "'") {
      quote = c
      word += c
    } else if (c === '#' && (word === '' || /\s$/.test(word))) {
      while (i + 1 < text.length && text[i + 1] !== '\n') i++
    } else if (c === '{' && word.endsWith('$')) {
      variable = true
      word += c
    } else if (c === ';') flush()
    else if (c === '{') {
      stack.push(word.trim().replace(/\s+/g, ' '))
      word = ''
    } else if (c === '}') {
      if (word.trim() !== '') flush()
      stack.pop()
    } else word += c
  }
  // A last directive without `;` (or ModSecurity's line syntax) still counts as content.
  if (word.trim() !== '') flush()
  return out
}

/** The snippet with its comments removed, as nginx reads it. */
function activeText(snippet: string): string {
  return snippetDirectives(snippet).map((d) => `${d.blocks.map((b) => `${b} { `).join('')}${d.name} ${d.args};`).join('\n')
}

/**
 * Where a directive inside blocks applies, as a Gateway API rule: a `location` is a path match of its own; an
 * `if` is a condition the whole route must not inherit (a filter on every rule would apply it to every request).
 */
function scopeOf(blocks: string[]): string {
  const parts = blocks.map((b) => {
    const loc = /^location\s+(=|\^~|~\*?)?\s*(\S+)$/.exec(b)
    if (loc) {
      const kind = loc[1] === '=' ? 'Exact' : loc[1]?.startsWith('~') ? 'RegularExpression' : 'PathPrefix'
      return `a rule of its own matching ${kind} ${loc[2]}`
    }
    const cond = /^if\s*\((.*)\)$/.exec(b)
    if (cond) return `only for requests where ${cond[1]!.trim()} (a rule of its own with a header or query match for that condition, not a filter on every rule)`
    return `the \`${b}\` block only`
  })
  return parts.join(', within it ')
}

/** The Gateway API form of the directives we recognise in a snippet (comments skipped), one hint each. */
export function snippetConversions(snippet: string): string[] {
  const hints: string[] = []
  for (const d of snippetDirectives(snippet)) {
    const forms = directiveForms(d.name, d.args)
    if (d.blocks.length === 0) {
      hints.push(...forms)
      continue
    }
    // Inside `if (...)` or `location ...`: the form applies to those requests only, never to the whole route.
    const where = d.blocks.map((b) => `\`${b}\``).join(' > ')
    for (const form of forms) hints.push(form.replace(' -> ', ` (inside ${where}) -> ${scopeOf(d.blocks)}, with `))
  }
  // Header values are masked by name above; URLs, comparisons and assignments anywhere in a hint here.
  return [...new Set(hints.map((h) => redactSecrets(h, false)))]
}

/** The Gateway API forms of one directive (none for directives without a declarative equivalent). */
function directiveForms(directive: string, args: string): string[] {
  const hints: string[] = []
  const mask = (name: string, value: string) => (isCredentialName(name) && !onlyVariables(value) ? REDACTED : value)
  const variable = (value: string) => (value.includes('$') ? ' (the value uses nginx variables: replace them by fixed text)' : '')
  const list = directiveArgs(args)
  switch (directive) {
    case 'more_set_headers':
    case 'more_set_input_headers': {
      const filter = directive === 'more_set_headers' ? 'ResponseHeaderModifier' : 'RequestHeaderModifier'
      for (const h of headerArgs(args)) {
        hints.push(h.value === '' ? `${directive} "${h.name}:" -> ${filter} remove ${h.name}` : `${directive} "${h.name}: ..." -> ${filter} set ${h.name}: ${mask(h.name, h.value)}${variable(h.value)}`)
      }
      break
    }
    case 'more_clear_headers':
    case 'more_clear_input_headers':
    case 'proxy_hide_header': {
      const filter = directive === 'more_clear_input_headers' ? 'RequestHeaderModifier' : 'ResponseHeaderModifier'
      for (const name of list.filter((a) => !a.startsWith('-'))) hints.push(`${directive} ${name} -> ${filter} remove ${name}`)
      break
    }
    case 'proxy_set_header':
      if (list.length >= 2) {
        const value = list.slice(1).join(' ')
        hints.push(value === '' ? `proxy_set_header ${list[0]} "" -> RequestHeaderModifier remove ${list[0]}` : `proxy_set_header ${list[0]} ... -> RequestHeaderModifier set ${list[0]}: ${mask(list[0]!, value)}${variable(value)}`)
      }
      break
    case 'add_header':
      if (list.length >= 2) {
        const always = list[2] === 'always'
        hints.push(`add_header ${list[0]} ... -> ResponseHeaderModifier add ${list[0]}: ${mask(list[0]!, list[1]!)}${variable(list[1]!)}${always ? '' : ' (nginx added it only to 2xx/3xx responses; the filter adds it to all)'}`)
      }
      break
    case 'rewrite':
      if (list.length >= 3 && (list[2] === 'redirect' || list[2] === 'permanent') && /^(https?:\/\/|\/)/.test(list[1]!)) {
        hints.push(`rewrite ${list[0]} ${list[1]} ${list[2]} -> ${redirectForm(list[0]!, list[1]!, list[2] === 'permanent' ? 301 : 302)}`)
      } else if (list.length >= 2) {
        hints.push(`rewrite ${list[0]} ${list[1]} -> URLRewrite (ReplaceFullPath / ReplacePrefixMatch) or an Envoy Gateway HTTPRouteFilter ReplaceRegexMatch (\\1 for $1)`)
      }
      break
    case 'gzip':
    case 'brotli':
      if (list[0] === 'off') hints.push(`${directive} off -> this Ingress's routes leave ${directive === 'gzip' ? 'Gzip' : 'Brotli'} out of the Gateway-level BackendTrafficPolicy compression (--nginx-defaults: their policy repeats the Gateway-level one without it)`)
      break
    case 'return': {
      const code = Number(list[0])
      if ([301, 302, 303, 307, 308].includes(code) && list[1]) {
        const keepsUri = /\$request_uri$/.test(list[1])
        const base = list[1].replace(/\$request_uri$/, '')
        hints.push(
          keepsUri && !base.includes('$')
            ? `return ${code} ${list[1]} -> RequestRedirect to ${base} keeping the request path (no path field), statusCode ${code}`
            : `return ${code} ${list[1]} -> RequestRedirect to ${list[1]} with statusCode ${code}${list[1].includes('$') ? ' (nginx variables: replace them by fixed values)' : ''}`,
        )
      } else if (Number.isInteger(code)) {
        hints.push(`return ${list.join(' ')} -> Envoy Gateway HTTPRouteFilter directResponse with statusCode ${code}`)
      }
      break
    }
  }
  return hints
}

/**
 * The RequestRedirect for `rewrite <regex> <url> redirect|permanent`: the common prefix move `^/old/(.*)$` ->
 * `<url>/new/$1` is a PathPrefix match with ReplacePrefixMatch; other captures have no Gateway API form.
 */
function redirectForm(regex: string, target: string, code: number): string {
  const prefix = /^\^(\/[-\w./]*?)\/?\(\.\*\)\$?$/.exec(regex)
  // A RequestRedirect hostname has no userinfo (`user:pass@`): it is left out.
  const to = /^(?:(https?):\/\/(?:[^/@]*@)?([^/@]+))?(\/[^$]*?)\/?\$1$/.exec(target)
  if (prefix && to) {
    const where = to[2] ? `scheme ${to[1]}, hostname ${to[2]}, ` : ''
    return `a rule matching PathPrefix ${prefix[1] || '/'} with RequestRedirect ${where}path ReplacePrefixMatch ${to[3] || '/'}, statusCode ${code}`
  }
  if (!target.includes('$')) return `RequestRedirect to ${target} with statusCode ${code}`
  return `RequestRedirect with statusCode ${code} (the captures in ${target} have no Gateway API form: redirect per path, or keep the request path by leaving path unset)`
}

const GENERIC_HINT: Record<string, string> = {
  'configuration-snippet': 'translate each directive by hand: header changes -> RequestHeaderModifier/ResponseHeaderModifier filters, redirects -> RequestRedirect, rewrites -> URLRewrite or an Envoy Gateway HTTPRouteFilter; anything else -> an EnvoyExtensionPolicy (Lua) or drop it',
  'server-snippet': 'server-level directives applied to the whole host (only the first Ingress of the host counts): move them to the filters of every route of the host, a ClientTrafficPolicy (listener settings) or an EnvoyExtensionPolicy (Lua)',
  'stream-snippet': 'TCP/UDP stream configuration: use a TCPRoute/UDPRoute on a dedicated Gateway listener',
  'modsecurity-snippet': 'Envoy Gateway has no ModSecurity: run the rules in a WAF, e.g. Coraza as a Wasm EnvoyExtensionPolicy, or an external WAF',
}

function snippetSpec(key: string, summary: string): AnnotationSpec<string> {
  return {
    key,
    summary,
    fidelity: 'manual',
    target: 'none: reported with the snippet and the Gateway API form of the directives recognised in it',
    note: 'raw nginx configuration has no Gateway API equivalent; translate it by hand',
    parse: (v) => ({ok: true, value: v}),
  }
}

/**
 * `gzip off;` / `brotli off;` at the top of a configuration-snippet: every location of the Ingress turns off the
 * compression the controller ConfigMap turned on in the http block (a location-level directive overrides it), so
 * its routes opt out of that compressor of the Gateway-level BackendTrafficPolicy (`compressor.<Type>`, or
 * `compression.<Type>` under the older name).
 */
export function compressionOptOuts(snippet: string): ('Gzip' | 'Brotli')[] {
  const off = snippetDirectives(snippet).filter((d) => d.blocks.length === 0 && (d.name === 'gzip' || d.name === 'brotli') && directiveArgs(d.args)[0] === 'off')
  return [...new Set(off.map((d) => (d.name === 'gzip' ? ('Gzip' as const) : ('Brotli' as const))))]
}

/** Authentication and allowlist directives whose loss would open the route to everyone, or undefined. */
export function accessControl(snippet: string): string | undefined {
  const text = activeText(snippet)
  const found = [
    [/\bauth_basic\s+(?!off\b)/, 'auth_basic'],
    [/\bauth_request\s+(?!off\b)/, 'auth_request'],
    [/\bdeny\s+all\b/, 'deny all'],
    // 401 asks for credentials (an API-key check, say); a conditional 403 is usually a block rule for a few
    // clients, where denying everyone would be the outage, so it stays a warning.
    [/\breturn\s+401\b/, 'return 401'],
  ].filter(([re]) => (re as RegExp).test(text)).map(([, what]) => what as string)
  return found.length > 0 ? found.join(', ') : undefined
}

/**
 * configuration-snippet, server-snippet, stream-snippet, modsecurity-snippet -> reported with the snippet quoted
 * (credentials masked) and the Gateway API form of the directives recognised in it (more_set_headers,
 * proxy_set_header, add_header, rewrite ... redirect, return 301). auth-snippet belongs to the external-auth
 * family.
 *
 * Snippets are Critical-risk annotations: ingress-nginx drops the whole Ingress unless annotations-risk-level is
 * Critical (default High since v1.12), and serves it without the snippets unless allow-snippet-annotations is
 * "true" (default false since v1.9). The annotation pass decides both (serving.ts); a snippet reaching this family
 * was in effect.
 */
export const snippetsFamily: AnnotationFamily = {
  name: 'snippets',
  specs: [
    snippetSpec('configuration-snippet', 'Raw nginx directives added to every location of the Ingress'),
    snippetSpec('server-snippet', 'Raw nginx directives added to the server of each host (first Ingress of the host wins)'),
    snippetSpec('stream-snippet', 'Raw nginx directives added to the stream (TCP/UDP) block'),
    snippetSpec('modsecurity-snippet', 'ModSecurity rules for the Ingress\'s locations'),
  ],
  apply(ctx) {
    if (ctx.ingress.isCanary) return
    for (const key of Object.keys(GENERIC_HINT)) {
      const snippet = ctx.raw(key)
      if (snippet === undefined) continue
      if (activeText(snippet).trim() === '') {
        ctx.account(key, 'ignored', snippet.trim() === '' ? 'the snippet is empty' : 'the snippet has only comments')
        continue
      }
      const conversions = snippetConversions(snippet)
      const optOuts = key === 'configuration-snippet' ? compressionOptOuts(snippet) : []
      // The Gateway-level policy names its compressors compressor or compression (configmap/compression.ts): both.
      for (const type of optOuts) {
        for (const field of ['compressor', 'compression'] as const) ctx.patch.policies.push({kind: 'BackendTrafficPolicy', path: `${field}.${type}`, value: undefined, optOut: true, from: [ctx.fullKey(key)]})
      }
      if (optOuts.length > 0 && snippetDirectives(snippet).length === optOuts.length) {
        ctx.account(key, 'exact', `${conversions.join('; ')}`)
        continue
      }
      const guard = key !== 'stream-snippet' ? accessControl(snippet) : undefined
      if (guard) {
        // Authentication or access control in raw nginx: publishing the route without it would open it. The route
        // denies every request until a person writes the equivalent policy.
        ctx.patch.denyAll.push({from: ctx.fullKey(key), replacesAuthorization: false})
        ctx.account(key, 'manual', `raw nginx configuration with access control (${guard}) is not converted, so the route denies every request (fail closed) until the equivalent policy is written: "${quoteSnippet(snippet)}"`, {
          level: 'error',
          code: 'snippet-access-control-fail-closed',
          hint: `write the access control as a SecurityPolicy (authorization, basicAuth or extAuth) in place of the deny-all authorization; ${conversions.length > 0 ? conversions.join('; ') + '; ' : ''}${GENERIC_HINT[key]}`,
        })
        continue
      }
      ctx.account(key, 'manual', `raw nginx configuration is not converted: "${quoteSnippet(snippet)}"`, {
        hint: conversions.length > 0 ? `${conversions.join('; ')}; anything else in the snippet: ${GENERIC_HINT[key]}` : GENERIC_HINT[key],
      })
    }
  },
}
