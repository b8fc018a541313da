/**
 * How ingress-nginx turns block-user-agents / block-referers into nginx's `map`, and how nginx reads each entry.
 *
 * template/configmap.go ReadConfig splits the value on commas and trims each entry (splitAndTrimSpace); nginx.tmpl
 * writes every entry unquoted as one line `<entry> 1;` of `map $http_user_agent $block_ua { default 0; ... }`, so
 * nginx's configuration tokenizer (ngx_conf_file.c ngx_conf_read_token) reads it first: quotes group, `\` escapes,
 * `#` opens a comment, `;` `{` `}` end the directive. ngx_http_map_module.c ngx_http_map then takes the first word:
 * `~` a case-sensitive PCRE regex, `~*` a caseless one, anything else (a leading `\` dropped) an exact string that
 * ngx_hash_add_key lower-cases, a second equal string (ignoring case) being a "conflicting parameter" error.
 * At request time (ngx_http_variables.c ngx_http_map_find) the value is looked up lower-cased among the exact
 * strings, then, only when it is not empty, matched against the regexes in order.
 *
 * Strings here are byte strings (one char per byte, UTF-8 encoded), as nginx sees them.
 */

export type MapEntry =
  | {entry: string; kind: 'exact'; key: string}
  | {entry: string; kind: 'regex'; source: string; caseless: boolean}
  /** The whole line is a comment: the entry does nothing in nginx. */
  | {entry: string; kind: 'comment'}
  /** nginx -t fails on it (the controller never loaded a configuration with this list). */
  | {entry: string; kind: 'rejected'; reason: string}

/** UTF-8 bytes of a string, one char per byte. */
export function byteString(value: string): string {
  const bytes = new TextEncoder().encode(value)
  // In slices: fromCharCode(...bytes) of a whole ConfigMap value (up to 1 MiB) would overflow the stack.
  let out = ''
  for (let i = 0; i < bytes.length; i += 8192) out += String.fromCharCode(...bytes.subarray(i, i + 8192))
  return out
}

/** ngx_tolower: ASCII letters only. */
export function asciiLower(value: string): string {
  return value.replace(/[A-Z]/g, (c) => c.toLowerCase())
}

/** splitAndTrimSpace(value, ","): strings.FieldsFunc on commas (empty fields dropped), then strings.TrimSpace. */
export function splitEntries(value: string): string[] {
  return value.split(',').filter((f) => f !== '').map((f) => f.trim())
}

const SPACE = new Set([' ', '\t', '\r', '\n'])

type Tokens = {args: string[]; end: ';' | '{' | '}' | 'eol'} | {error: string}

/** The words of one configuration line, as ngx_conf_read_token reads them (escapes resolved as it copies a word). */
export function readTokens(line: string): Tokens {
  const args: string[] = []
  let lastSpace = true
  let needSpace = false
  let quoted = false
  let dQuoted = false
  let sQuoted = false
  let variable = false
  let comment = false
  let start = 0
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]
    if (comment) {
      if (ch === '\n') comment = false
      continue
    }
    if (quoted) {
      quoted = false
      continue
    }
    if (needSpace) {
      if (SPACE.has(ch)) {
        lastSpace = true
        needSpace = false
        continue
      }
      if (ch === ';' || ch === '{') return {args, end: ch}
      if (ch !== ')') return {error: `unexpected "${ch}"`}
      lastSpace = true
      needSpace = false
    }
    if (lastSpace) {
      start = i
      if (SPACE.has(ch)) continue
      if (ch === ';' || ch === '{') return args.length === 0 ? {error: `unexpected "${ch}"`} : {args, end: ch}
      if (ch === '}') return args.length !== 0 ? {error: 'unexpected "}"'} : {args, end: '}'}
      if (ch === '#') {
        comment = true
        continue
      }
      lastSpace = false
      if (ch === '\\') quoted = true
      else if (ch === '"') [start, dQuoted] = [i + 1, true]
      else if (ch === "'") [start, sQuoted] = [i + 1, true]
      else if (ch === '$') variable = true
      continue
    }
    if (ch === '{' && variable) continue
    variable = false
    if (ch === '\\') {
      quoted = true
      continue
    }
    if (ch === '$') {
      variable = true
      continue
    }
    let found = false
    if (dQuoted) {
      if (ch === '"') [dQuoted, needSpace, found] = [false, true, true]
    } else if (sQuoted) {
      if (ch === "'") [sQuoted, needSpace, found] = [false, true, true]
    } else if (SPACE.has(ch) || ch === ';' || ch === '{') {
      lastSpace = true
      found = true
    }
    if (found) {
      args.push(unescapeWord(line.slice(start, i)))
      if (ch === ';' || ch === '{') return {args, end: ch}
    }
  }
  return {args, end: 'eol'}
}

/** ngx_conf_read_token's copy of a word: `\"` `\'` `\\` lose the backslash, `\t` `\r` `\n` become the control character. */
function unescapeWord(word: string): string {
  let out = ''
  for (let i = 0; i < word.length; i++) {
    if (word[i] === '\\' && i + 1 < word.length) {
      const next = word[i + 1]
      if (next === '"' || next === "'" || next === '\\') {
        out += next
        i++
        continue
      }
      const control: Record<string, string> = {t: '\t', r: '\r', n: '\n'}
      if (control[next] !== undefined) {
        out += control[next]
        i++
        continue
      }
    }
    out += word[i]
  }
  return out
}

/** The entries of a block-user-agents / block-referers value, each as nginx's map reads it. */
export function readMapEntries(value: string): MapEntry[] {
  const out: MapEntry[] = []
  const exactKeys = new Map<string, string>()
  for (const entry of splitEntries(value)) {
    const tokens = readTokens(`${byteString(entry)} 1;\n`)
    if ('error' in tokens) {
      out.push({entry, kind: 'rejected', reason: `nginx's configuration parser stops at it (${tokens.error})`})
      continue
    }
    if (tokens.args.length === 0 && entry.startsWith('#')) {
      out.push({entry, kind: 'comment'})
      continue
    }
    if (tokens.end !== ';' || tokens.args.length !== 2 || tokens.args[1] !== '1') {
      out.push({entry, kind: 'rejected', reason: `nginx reads it as ${tokens.args.length === 0 ? 'no word' : `the words ${tokens.args.map((a) => JSON.stringify(a)).join(' ')}`}, not one map key ("invalid number of the map parameters" or a broken block)`})
      continue
    }
    const key = tokens.args[0]
    if (key === 'default') {
      out.push({entry, kind: 'rejected', reason: 'the map already has "default 0" ("duplicate default map parameter")'})
    } else if (key === 'include') {
      out.push({entry, kind: 'rejected', reason: 'nginx reads "include 1" as an include of a file named 1'})
    } else if (key.startsWith('~')) {
      const caseless = key.startsWith('~*')
      out.push({entry, kind: 'regex', source: key.slice(caseless ? 2 : 1), caseless})
    } else {
      const exact = asciiLower(key.startsWith('\\') ? key.slice(1) : key)
      const earlier = exactKeys.get(exact)
      if (earlier !== undefined) {
        out.push({entry, kind: 'rejected', reason: `it is the same string as "${earlier}" ignoring case ("conflicting parameter")`})
        continue
      }
      exactKeys.set(exact, entry)
      out.push({entry, kind: 'exact', key: exact})
    }
  }
  return out
}
