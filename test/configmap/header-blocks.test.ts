/**
 * block-user-agents / block-referers -> the Gateway-level EnvoyExtensionPolicy's Lua script, decision by decision.
 *
 * The decision tables below say, for each header value, whether ingress-nginx answered 403, reasoned from the
 * source: ReadConfig splits the list on commas (template/configmap.go splitAndTrimSpace); nginx.tmpl writes each entry
 * as `<entry> 1;` of `map $http_user_agent $block_ua` and returns 403 at server level when it is set;
 * ngx_http_map_module.c ngx_http_map / ngx_hash_add_key make plain entries exact and lower-cased, `~` a case-sensitive
 * and `~*` a caseless PCRE; ngx_http_variables.c ngx_http_map_find looks the lower-cased value up among the exact
 * entries and tries the regexes only on a non-empty value; ngx_http_variable_headers_internal joins repeated headers
 * with ", " (nginx 1.23+; ingress-nginx v1.15 builds 1.27.1, images/nginx/rootfs/build.sh).
 *
 * Real nginx (Debian's, as test/real-nginx.test.ts) must agree with every expectation, and the generated script,
 * run by Debian's lua5.1 (Envoy runs LuaJIT, Lua 5.1 semantics) under a stub of Envoy's request handle
 * (getNumValues, 0-based getAtIndex, respond: envoy source/extensions/filters/http/lua/wrappers.cc), must too, except
 * where an entry is refused (not expressible as Lua patterns): those values pass, as the diagnostic says.
 */
import test from 'ava'
import {spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {regexToLuaPatterns} from '../../src/configmap/header-blocks/lua-patterns.js'
import {blockScript, luaString} from '../../src/configmap/header-blocks/lua-script.js'
import {byteString, readMapEntries} from '../../src/configmap/header-blocks/nginx-map.js'
import {clientTrafficFromConfigMap} from '../../src/translate/bundle/client-traffic.js'
import type {Diagnostic, KubeObject} from '../../src/model/types.js'
import {findNginx} from '../support/real-nginx.js'
import {nginxAccepts, nginxMinor, renderMap, startMapNginx} from '../support/nginx-map.js'

const GW = {namespace: 'gateway', name: 'shared'}
const LUA = ['/usr/bin/lua5.1', '/usr/bin/lua'].find((p) => spawnSync(p, ['-v'], {timeout: 10_000}).status === 0)
const nginx = findNginx()

function convert(data: Record<string, string>, nginxDefaults = true): {objects: KubeObject[]; diagnostics: Diagnostic[]; checklist: unknown[]} {
  const cm = {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'ingress-nginx-controller', namespace: 'ingress-nginx'}, data}
  return clientTrafficFromConfigMap(cm, {gateway: GW, clientIp: 'auto', nginxDefaults, httpsListener: 'https'})
}

const scriptOf = (objects: KubeObject[]): string => objects.find((o) => o.kind === 'EnvoyExtensionPolicy')!.spec.lua[0].inline

interface Case {
  /** The header lines sent (undefined: no such header). */
  values: string[] | undefined
  /** Whether ingress-nginx answered 403, and why. */
  nginx: boolean
  why: string
  /** The Lua script's decision when it differs (a refused entry), with the reason. */
  lua?: boolean
}

const USER_AGENTS = [
  'curl',
  '~*python-requests',
  '~Googlebot',
  '~*\\bbots?\\b',
  '"~^Mozilla/4\\.0 \\(compatible; MSIE"',
  '~*(scrapy|wget)/[0-9]',
  '"Lynx/2.8"',
  '\\~tilde',
  '~*^$',
  '"~[A-Z]{3}Crawler"',
  '~*^(?:Java|Go-http-client)/1\\.[01]',
  '~*(ab)+bot',
  '~foo(?!bar)',
  // PCRE's [:punct:] is C's ispunct (pcre_maketables / the default chartables): "_" included.
  '~^[[:punct:]]',
  // Caseless, [:lower:] and [:upper:] (negated too) stand for [:alpha:] (pcre_compile.c compile_branch,
  // "If matching is caseless, upper and lower are converted to alpha"): values with no letter at all.
  '~*^[[:^lower:]]+$',
]

const UA_CASES: Case[] = [
  {values: ['curl'], nginx: true, why: 'exact entry'},
  {values: ['CURL'], nginx: true, why: 'exact entries ignore case (ngx_hash_strlow)'},
  {values: ['curl/8.4.0'], nginx: false, why: 'an exact entry is the whole value'},
  {values: ['Python-Requests/2.31'], nginx: true, why: '~* ignores case'},
  {values: ['Googlebot/2.1'], nginx: true, why: '~Googlebot'},
  {values: ['googlebot/2.1'], nginx: false, why: '~ is case-sensitive; "googlebot" has no word boundary before "bot"'},
  {values: ['Mozilla/5.0 (compatible; bingbot/2.0)'], nginx: false, why: 'bingbot: no boundary before bot'},
  {values: ['my-bot/1.0'], nginx: true, why: '\\bbots?\\b: "-bot/"'},
  {values: ['Bots'], nginx: true, why: '\\bbots?\\b caseless, whole value'},
  {values: ['robots'], nginx: false, why: 'no boundary before bot'},
  {values: ['botsy'], nginx: false, why: 'no boundary after bot or bots'},
  {values: ['Mozilla/4.0 (compatible; MSIE 6.0)'], nginx: true, why: 'anchored regex, quoted entry'},
  {values: ['X Mozilla/4.0 (compatible; MSIE 6.0)'], nginx: false, why: '^ anchors at the start'},
  {values: ['mozilla/4.0 (compatible; MSIE 6.0)'], nginx: false, why: '~ is case-sensitive'},
  {values: ['Scrapy/2.11 (+https://scrapy.org)'], nginx: true, why: '(scrapy|wget)/[0-9]'},
  {values: ['Wget/1.21.4'], nginx: true, why: '(scrapy|wget)/[0-9]'},
  {values: ['wget'], nginx: false, why: 'no "/<digit>"'},
  {values: ['lynx/2.8'], nginx: true, why: 'quoted exact entry, case ignored'},
  {values: ['Lynx/2.8.9'], nginx: false, why: 'exact entry is the whole value'},
  {values: ['~tilde'], nginx: true, why: '\\~ makes an exact entry starting with ~'},
  {values: [''], nginx: false, why: 'empty value: no exact "" entry, regexes (~*^$) are not tried'},
  {values: undefined, nginx: false, why: 'absent header: empty value'},
  {values: ['ABCCrawler/1'], nginx: true, why: '[A-Z]{3}Crawler, quoted because of the braces'},
  {values: ['abcCrawler/1'], nginx: false, why: '~ is case-sensitive'},
  {values: ['Go-http-client/1.1'], nginx: true, why: '^(?:Java|Go-http-client)/1\\.[01]'},
  {values: ['JAVA/1.0'], nginx: true, why: 'caseless'},
  {values: ['java/1.8'], nginx: false, why: '1.8 is not 1.0 or 1.1'},
  {values: ['ababbot'], nginx: true, lua: false, why: '~*(ab)+bot is refused (a group repeated without bound)'},
  {values: ['foobaz'], nginx: true, lua: false, why: '~foo(?!bar) is refused (lookahead)'},
  {values: ['foobar'], nginx: false, why: 'the lookahead fails; nothing else matches'},
  {values: ['x', 'bot'], nginx: true, why: 'repeated headers joined: "x, bot" has a boundary before bot'},
  {values: ['curl', 'curl'], nginx: false, why: 'repeated headers joined: "curl, curl" is not the exact entry'},
  {values: ['_probe'], nginx: true, why: '^[[:punct:]]: "_" is punctuation for PCRE (C ispunct)'},
  {values: ['-probe'], nginx: true, why: '^[[:punct:]]'},
  {values: ['1.0 (+42)'], nginx: true, why: '~*^[[:^lower:]]+$: no letter in the value'},
  {values: ['A1.0'], nginx: false, why: '~*[[:^lower:]] is caseless: it excludes upper-case letters too'},
  {values: ['Zz'], nginx: false, why: 'letters only'},
]

const REFERERS = ['~*spam\\.example$', '""', 'https://evil.example/', '~^https?://[a-z0-9-]+\\.casino\\.']

const REFERER_CASES: Case[] = [
  {values: undefined, nginx: true, why: 'the exact entry "" matches the empty value of an absent header'},
  {values: [''], nginx: true, why: 'the exact entry ""'},
  {values: ['https://www.SPAM.example'], nginx: true, why: '~* with $'},
  {values: ['https://spam.example/page'], nginx: false, why: '$ anchors at the end'},
  {values: ['HTTPS://EVIL.EXAMPLE/'], nginx: true, why: 'exact, case ignored'},
  {values: ['https://evil.example/x'], nginx: false, why: 'exact is the whole value'},
  {values: ['http://win.casino.example'], nginx: true, why: 'anchored regex'},
  {values: ['https://WIN.casino.example'], nginx: false, why: '[a-z0-9-] is case-sensitive'},
  {values: ['https://ok.example/'], nginx: false, why: 'nothing matches'},
]

/** The script's answer (true: 403) for each case, from lua5.1 under a stub of Envoy's request handle. */
function luaDecisions(script: string, header: string, cases: Case[]): boolean[] {
  const dir = mkdtempSync(join(tmpdir(), 'i2gw-lua-'))
  try {
    writeFileSync(join(dir, 'script.lua'), script)
    const list = (values: string[] | undefined) => `{${(values ?? []).map((v) => luaString(byteString(v))).join(', ')}}`
    const harness = [
      `dofile(${luaString(join(dir, 'script.lua'))})`,
      `local cases = {${cases.map((c) => list(c.values)).join(', ')}}`,
      'for _, values in ipairs(cases) do',
      `  local store = {[${luaString(header)}] = values}`,
      '  local headers = {}',
      '  function headers:getNumValues(name) return #(store[name] or {}) end',
      '  function headers:getAtIndex(name, i) return (store[name] or {})[i + 1] end',
      '  local handle = {status = "pass"}',
      '  function handle:headers() return headers end',
      '  function handle:respond(h, body) self.status = h[":status"] end',
      '  envoy_on_request(handle)',
      '  io.write(handle.status, "\\n")',
      'end',
    ].join('\n')
    writeFileSync(join(dir, 'harness.lua'), harness)
    const r = spawnSync(LUA!, [join(dir, 'harness.lua')], {encoding: 'utf8', timeout: 30_000})
    if (r.status !== 0) throw new Error(`lua5.1 failed: ${r.stderr}`)
    return r.stdout.trim().split('\n').map((s) => s === '403')
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}

const show = (c: Case) => (c.values === undefined ? '(absent)' : JSON.stringify(c.values))

for (const [key, header, entries, cases] of [
  ['block-user-agents', 'user-agent', USER_AGENTS, UA_CASES],
  ['block-referers', 'referer', REFERERS, REFERER_CASES],
] as const) {
  test(`${key}: the Lua script answers 403 where nginx's map did (lua5.1)`, (t) => {
    if (!LUA) {
      t.log('SKIPPED: lua5.1 is not installed here (.ci/run installs Debian\'s lua5.1); the script\'s decisions were not run')
      t.pass()
      return
    }
    const {objects} = convert({[key]: entries.join(', ')})
    const decisions = luaDecisions(scriptOf(objects), header, cases)
    const wrong = cases.filter((c, i) => decisions[i] !== (c.lua ?? c.nginx)).map((c) => `${show(c)}: Lua ${decisions[cases.indexOf(c)] ? '403' : 'pass'}, expected ${(c.lua ?? c.nginx) ? '403' : 'pass'} (${c.why})`)
    t.deepEqual(wrong, [])
    t.true(cases.some((c) => c.nginx) && cases.some((c) => !c.nginx), 'the table has blocked and allowed values')
  })

  test.serial(`${key}: real nginx agrees with every expectation of the table`, async (t) => {
    if (!nginx) {
      t.log('SKIPPED: nginx is not installed here (.ci/run installs Debian\'s nginx-light); the table was not checked against nginx')
      t.pass()
      return
    }
    const minor = nginxMinor(nginx)
    const maps = [renderMap('$http_user_agent', '$block_ua', key === 'block-user-agents' ? [...entries] : ['unused-entry']), renderMap('$http_referer', '$block_ref', key === 'block-referers' ? [...entries] : ['unused-entry'])].join('\n')
    const server = await startMapNginx(nginx, maps)
    try {
      const wrong: string[] = []
      for (const c of cases) {
        // Before 1.23 nginx kept the first of repeated User-Agent headers; ingress-nginx runs 1.27, which joins them.
        if ((c.values?.length ?? 0) > 1 && minor < 23) continue
        const status = await server.status(header, c.values)
        if ((status === 403) !== c.nginx) wrong.push(`${show(c)}: nginx ${status}, expected ${c.nginx ? 403 : 200} (${c.why})`)
      }
      t.deepEqual(wrong, [])
    } finally {
      await server.stop()
    }
  })
}

test('a script with both lists refuses a request when either header matches, and only then', (t) => {
  if (!LUA) {
    t.log('SKIPPED: lua5.1 is not installed here')
    t.pass()
    return
  }
  const {objects} = convert({'block-user-agents': 'curl', 'block-referers': '~*spam'})
  const script = scriptOf(objects)
  t.deepEqual(luaDecisions(script, 'user-agent', [{values: ['curl'], nginx: true, why: ''}, {values: ['firefox'], nginx: false, why: ''}]), [true, false])
  t.deepEqual(luaDecisions(script, 'referer', [{values: ['https://SPAM.example'], nginx: true, why: ''}, {values: undefined, nginx: false, why: ''}]), [true, false])
})

test('entries nginx -t rejects are the ones the conversion says nginx rejects (real nginx)', (t) => {
  if (!nginx) {
    t.log('SKIPPED: nginx is not installed here')
    t.pass()
    return
  }
  const lists = ['Mozilla/5.0 (X11)', '"Mozilla/5.0 (X11)"', 'default', 'include', '~^a{2}', '"~^a{2}"', 'a;b', 'hostnames', '#comment', "x'y", "'x y'", '"unterminated', 'curl, Curl', '\\default', '~*bot', 'curl, ,']
  const mismatches: string[] = []
  for (const list of lists) {
    const rejected = readMapEntries(list).some((e) => e.kind === 'rejected')
    const accepted = nginxAccepts(nginx, [renderMap('$http_user_agent', '$block_ua', list.split(',').filter((f) => f !== '')), renderMap('$http_referer', '$block_ref', ['x'])].join('\n'))
    if (accepted.ok === rejected) mismatches.push(`${list}: conversion says ${rejected ? 'rejected' : 'accepted'}, nginx -t ${accepted.ok ? 'accepts' : `fails: ${accepted.stderr.trim()}`}`)
  }
  t.deepEqual(mismatches, [])
})

test('regexes become Lua patterns that say the same, or are refused with the reason', (t) => {
  const patterns = (re: string, caseless = false) => {
    const r = regexToLuaPatterns(byteString(re), caseless)
    return 'refused' in r ? `refused: ${r.refused}` : r.patterns
  }
  // Magic characters escaped with %, letters lowered only for a caseless regex.
  t.deepEqual(patterns('python-requests', true), ['python%-requests'])
  t.deepEqual(patterns('Googlebot'), ['Googlebot'])
  t.deepEqual(patterns('(?i)Go-Http'), ['go%-http'])
  // Alternatives and optional groups: one pattern per alternative.
  t.deepEqual(patterns('^(a|bc)?d$'), ['^d$', '^ad$', '^bcd$'])
  // One-character alternatives repeated: one class.
  t.deepEqual(patterns('x(a|b)+y'), ['x[ab]+y'])
  // Counted repeats of one character.
  t.deepEqual(patterns('^a{2,3}$'), ['^aaa?$'])
  t.deepEqual(patterns('a{2,3}'), ['aa'])
  // \b beside a word character becomes a frontier; an optional neighbour splits the pattern.
  t.deepEqual(patterns('\\bbots?\\b', true), ['%f[0-9A-Za-z_]bot%f[^0-9A-Za-z_]', '%f[0-9A-Za-z_]bots%f[^0-9A-Za-z_]'])
  // A character before ^ never matches: that alternative is dropped.
  t.deepEqual(patterns('a^b|c'), ['c'])
  // Caseless POSIX lower/upper are alpha, negated or not (pcre_compile.c); punct is C's ispunct, "_" included.
  t.deepEqual(patterns('[[:^upper:]]', true), ['[^a-z]'])
  t.deepEqual(patterns('[^[:^lower:]]', true), ['[a-z]'])
  t.deepEqual(patterns('[[:^lower:]]'), ['[^a-z]'])
  t.true((patterns('[[:punct:]]') as string[])[0].includes('%_'))
  // Leading and trailing optional parts of an unanchored regex decide nothing for string.find: left out, so that
  // Lua (which backtracks without the match limit nginx's PCRE has) does not scan a long value from every offset.
  t.deepEqual(patterns('.*bot.*'), ['bot'])
  t.deepEqual(patterns('.+bot[0-9]+'), ['.bot[0-9]'])
  t.deepEqual(patterns('^.*bot.*$'), [['^', 'bot', '$']])
  t.deepEqual(patterns('.*'), [''])
  // A middle .* between fixed-length parts: the parts, found one after the other (linear in the value's length).
  t.deepEqual(patterns('bot.*crawler'), [['bot', 'crawler']])
  t.deepEqual(patterns('^a.*b.*c$', true), [['^a', 'b', 'c$']])
  t.deepEqual(patterns('x[0-9]+.*y'), ['x[0-9]+.*y'])
  t.regex(String(patterns('(ab)+')), /^refused: a group repeated without bound/)
  t.regex(String(patterns('a(?=b)')), /^refused: the group construct/)
  t.regex(String(patterns('(a)\\1')), /^refused: the escape "\\1"/)
  t.regex(String(patterns('a*+')), /^refused: a possessive quantifier/)
  t.regex(String(patterns('\\Bx')), /^refused: the escape "\\B"/)
  t.regex(String(patterns('(a|b|c|d)(a|b|c|d)(a|b|c|d)(ab|cd)')), /^refused: it expands to more than 64 Lua patterns/)
})

test('the EnvoyExtensionPolicy: the whole Gateway, inline Lua, provenance; refused and rejected entries named', (t) => {
  const {objects, diagnostics, checklist} = convert({'block-user-agents': 'curl, ~*(ab)+bot, Mozilla/5.0 (X11)', 'block-cidrs': '192.0.2.0/24'})
  const eep = objects.find((o) => o.kind === 'EnvoyExtensionPolicy')!
  t.is(eep.metadata.name, 'shared-defaults')
  t.is(eep.metadata.namespace, 'gateway')
  // The whole Gateway: Lua runs only in HTTP filter chains, and listener sectionNames need Envoy Gateway v1.6+.
  t.deepEqual(eep.spec.targetRefs, [{group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'shared'}])
  t.is(eep.spec.lua[0].type, 'Inline')
  t.is(eep.metadata.annotations?.['ingress2gw.io/annotations'], 'block-user-agents')
  const d = diagnostics.find((x) => x.annotation === 'block-user-agents')!
  t.is(d.fidelity, 'manual')
  t.regex(d.message, /not enforced, Lua patterns cannot express them: "~\*\(ab\)\+bot" \(a group repeated without bound/)
  t.regex(d.message, /nginx -t rejects "Mozilla\/5\.0 \(X11\)"/)
  t.true(checklist.some((l) => typeof l === 'string' && /BEFORE applying it: .*extensionApis\.enableLua: true.*500 on every route/.test(l)))
  // envoyextensionpolicy.go: with Lua disabled every route the policy covers answers 500 (no fail-open for Lua).
  t.is(diagnostics.find((x) => x.code === 'lua-needs-enable-lua')?.level, 'warning')
  t.true(checklist.some((l) => typeof l === 'string' && /block-cidrs -> SecurityPolicy gateway\/shared-defaults \(authorization rule block-cidrs\); block-user-agents -> EnvoyExtensionPolicy gateway\/shared-defaults/.test(l)))
})

test('without --nginx-defaults the lists are reported as manual and nothing is emitted', (t) => {
  const {objects, diagnostics} = convert({'block-user-agents': '~*curl', 'block-referers': 'x'}, false)
  t.is(objects.find((o) => o.kind === 'EnvoyExtensionPolicy'), undefined)
  for (const key of ['block-user-agents', 'block-referers']) {
    const d = diagnostics.find((x) => x.annotation === key)!
    t.deepEqual([d.level, d.fidelity], ['warning', 'manual'])
    t.regex(d.hint!, /--nginx-defaults/)
  }
})

test('a list with no entry (empty, a comment) blocks nothing, as nginx; blank entries broke nginx\'s map', (t) => {
  // FieldsFunc keeps " " between two commas; trimmed, it leaves the line " 1;" ("invalid number of the map parameters").
  const blank = convert({'block-user-agents': 'curl, ,'}).diagnostics.find((x) => x.annotation === 'block-user-agents')!
  t.deepEqual([blank.level, blank.fidelity], ['warning', 'manual'])
  t.regex(blank.message, /nginx -t rejects ""/)
  for (const value of ['', '#only-a-comment']) {
    const {objects, diagnostics} = convert({'block-user-agents': value})
    t.is(objects.find((o) => o.kind === 'EnvoyExtensionPolicy'), undefined, value)
    t.deepEqual([diagnostics.find((x) => x.annotation === 'block-user-agents')?.fidelity], ['exact'], value)
  }
})

test('fuzz: for regexes the translation accepts, Lua decides as the regex does on random values (lua5.1)', (t) => {
  if (!LUA) {
    t.log('SKIPPED: lua5.1 is not installed here')
    t.pass()
    return
  }
  // Regexes whose JavaScript reading equals PCRE's on ASCII values without newlines (the values a header can hold).
  const regexes = ['ab|cd', '^a[bc]+d?$', '\\bab\\b', 'a{2}b', '(a|bc)?d', 'x(a|b)+y', '[^a]b', '\\d+\\.\\d', 'a.c', '\\w+$', '(?:a|b){2,3}c', 'a\\b', 'a?b*c+', '[a-c]{1,2}$', '\\s', '(^a|b$)', '\\b[ab]', 'b\\b.', '^\\W', 'c(d|x)?\\b', 'a.*b', '^a.*b$', 'b.*c.*d', 'a.*\\bb', '\\bc.*d\\b']
  let seed = 42
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648)
  const alphabet = 'aAbBcCdDxy .1_-'
  // Random values, and a few that the rarer shapes need (two a's, digits around a dot, a run of a/b before c).
  const values = [...Array.from({length: 300}, () => Array.from({length: 1 + Math.floor(random() * 7)}, () => alphabet[Math.floor(random() * alphabet.length)]).join('')), 'xAab', 'aab', 'v12.3', '1.x', 'abac', 'BbC', 'abc', 'xbyc.d', 'a-B', 'x.a b']
  const wrong: string[] = []
  for (const caseless of [false, true]) {
    for (const source of regexes) {
      // The translator alone (a ConfigMap entry could not hold the commas of {n,m}: ReadConfig splits on them).
      const entry = `${caseless ? '~*' : '~'}${source}`
      const translated = regexToLuaPatterns(byteString(source), caseless)
      if ('refused' in translated) {
        wrong.push(`${entry} refused: ${translated.refused}`)
        continue
      }
      const items = translated.patterns.map((pattern) => ({pattern, entry}))
      const rule = {header: 'user-agent', key: 'block-user-agents', exact: [], patterns: translated.caseless ? [] : items, lowered: translated.caseless ? items : []}
      const js = new RegExp(source, caseless ? 'i' : '')
      const lua = luaDecisions(blockScript([rule], 'the fuzz test'), 'user-agent', values.map((v) => ({values: [v], nginx: js.test(v), why: ''})))
      values.forEach((v, i) => {
        if (lua[i] !== js.test(v)) wrong.push(`${entry} on ${JSON.stringify(v)}: Lua ${lua[i]}, regex ${js.test(v)}`)
      })
      // Each regex must both match and miss some values, or the comparison says little about it.
      if (!values.some((v) => js.test(v)) || values.every((v) => js.test(v))) wrong.push(`${entry}: the random values do not exercise it`)
    }
  }
  t.deepEqual(wrong.slice(0, 20), [])
})
