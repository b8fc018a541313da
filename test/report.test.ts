/**
 * report: per-Ingress status from the translate result, the sections built from it (namespaces, histogram,
 * conflicts, tcp/udp entries, Gateway topology), the text / markdown / HTML renderers, and --fail-on on report
 * and convert.
 */
import test from 'ava'
import {buildReport, renderHtml, renderMarkdown, renderText, statusAtLeast, type MigrationReport} from '../src/output/migration-report/index.js'
import {mdText} from '../src/output/migration-report/markdown.js'
import {renderDiagnosticChunks, renderDiagnostics} from '../src/output/report.js'
import {printable} from '../src/output/printable.js'
import {failOnMessage} from '../src/cli/fail-on.js'
import {CONFLICT_CODES} from '../src/output/migration-report/conflicts.js'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {parseAllDocuments} from 'yaml'
import {visibleLength, wrap} from '../src/output/migration-report/text.js'
import {translate} from '../src/translate/index.js'
import type {Diagnostic, InputObject, KubeObject, TranslateOptions} from '../src/model/types.js'
import {ROOT, runCli} from './support/run-cli.js'

const P = 'nginx.ingress.kubernetes.io'

function ingress(name: string, annotations: Record<string, string> = {}, host = `${name}.example.com`, namespace = 'web', extra: Partial<KubeObject['metadata']> = {}): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {name, namespace, annotations, ...extra},
    spec: {ingressClassName: 'nginx', rules: [{host, http: {paths: [{path: '/', pathType: 'Prefix', backend: {service: {name, port: {number: 80}}}}]}}]},
  }
}

const inputs = (objects: KubeObject[]): InputObject[] => objects.map((object) => ({object, source: {file: 'in.yaml', line: 1}}))

function report(objects: KubeObject[], options: Partial<TranslateOptions> = {}): MigrationReport {
  const snapshot = {objects: inputs(objects), spansCluster: new Set(objects.map((o) => o.metadata.namespace)).size > 1}
  return buildReport(translate(snapshot, options), {snapshot, options})
}

const objects = [
  ingress('plain'),
  ingress('regex', {[`${P}/use-regex`]: 'true'}),
  ingress('snippet', {[`${P}/server-snippet`]: 'location /x { return 200; }'}),
  ingress('dropped', {[`${P}/canary`]: 'true', [`${P}/canary-weight`]: '10'}, 'nowhere.example.com'),
  // A controller that serves snippets (with the defaults the snippet Ingress would not be served at all).
  {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {name: 'ingress-nginx-controller', namespace: 'ingress-nginx'},
    data: {'annotations-risk-level': 'Critical', 'allow-snippet-annotations': 'true'},
  },
]

test('statuses reflect the worst fidelity of each Ingress, with the reason', (t) => {
  const r = report(objects)
  const by = Object.fromEntries(r.ingresses.map((e) => [e.ingress, e]))
  t.is(by['web/plain'].status, 'exact')
  t.is(by['web/plain'].reason, undefined)
  t.is(by['web/regex'].status, 'approximate')
  t.is(by['web/regex'].reason, 'behaves differently: use-regex')
  t.is(by['web/snippet'].status, 'manual')
  t.is(by['web/snippet'].reason, 'needs a person: server-snippet')
  // A canary whose primary does not exist has no effect: approximate at best, never exact.
  t.not(by['web/dropped'].status, 'exact')
  t.deepEqual(r.summary.byStatus, {exact: 1, approximate: 2, manual: 1, skipped: 0})
  t.is(r.summary.ingresses, 4)
  t.deepEqual(r.namespaces.map((n) => [n.name, n.ingresses]), [['web', 4]])
})

test('an Ingress ingress-nginx drops (refused annotation value) and one without rules are skipped, with why', (t) => {
  // client-body-buffer-size is parsed by ingress-nginx's parser (annotations.go Extract): an invalid value drops the Ingress.
  const empty: KubeObject = {apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: {name: 'empty', namespace: 'web'}, spec: {ingressClassName: 'nginx'}}
  const r = report([ingress('refused', {[`${P}/client-body-buffer-size`]: 'lots'}), empty])
  const by = Object.fromEntries(r.ingresses.map((e) => [e.ingress, e]))
  t.is(by['web/refused'].status, 'skipped')
  t.is(by['web/refused'].outcome, 'not-served')
  t.is(by['web/refused'].reason, 'nothing is served: ingress-nginx does not serve this Ingress today (ingress-not-served: client-body-buffer-size)')
  t.is(by['web/empty'].status, 'skipped')
  t.is(by['web/empty'].outcome, 'invalid')
  t.deepEqual(by['web/empty'].annotations, [])
  t.true(by['web/empty'].diagnostics.some((d) => d.code === 'invalid-ingress'))
  t.is(r.summary.byStatus.skipped, 2)
})

test('an Ingress whose locations ingress-nginx denies is reported denied: its routes answer 503, nothing of the app is served', (t) => {
  // ipallowlist.Parse wraps the ValidationError of "office" in a LocationDeniedError: every location returns 503.
  const r = report([ingress('denied', {[`${P}/allowlist-source-range`]: 'office'})])
  const [entry] = r.ingresses
  t.is(entry!.outcome, 'denied')
  t.is(entry!.status, 'skipped')
  t.regex(entry!.reason!, /^nothing is served: ingress-nginx answers every path of this Ingress with an error status today \(locations denied\), and so do its routes \(locations-denied: allowlist-source-range\)/)
  t.true(entry!.objects.some((o) => o.kind === 'HTTPRoute'), 'the 503 route is emitted, as nginx kept the locations')
})

test('the annotation histogram counts Ingresses per key and fidelity, most used first', (t) => {
  const r = report([
    ingress('a', {[`${P}/use-regex`]: 'true', [`${P}/proxy-buffering`]: 'on'}),
    ingress('b', {[`${P}/proxy-buffering`]: 'off'}),
    ingress('c', {[`${P}/proxy-buffering`]: 'on', [`${P}/configuration-snippet`]: 'more_set_headers "A: b";'}),
  ])
  t.deepEqual(
    r.annotations.map((a) => [a.key.replace(`${P}/`, ''), a.ingresses, a.fidelity]),
    [
      // proxy-buffering has no Envoy equivalent (ignored); docs/annotations.md says so for every value.
      ['proxy-buffering', 3, {exact: 0, approximate: 0, manual: 0, ignored: 3}],
      ['configuration-snippet', 1, {exact: 0, approximate: 0, manual: 1, ignored: 0}],
      ['use-regex', 1, {exact: 0, approximate: 1, manual: 0, ignored: 0}],
    ],
  )
})

test('a path two Ingresses define is a conflict naming the host, path and the Ingress nginx keeps', (t) => {
  // hosts.ts reportConflict: the older Ingress keeps the host+path (store.go sorts by creationTimestamp).
  const r = report([
    ingress('old', {}, 'shared.example.com', 'team-a', {creationTimestamp: '2023-01-01T00:00:00Z'}),
    ingress('new', {}, 'shared.example.com', 'team-b', {creationTimestamp: '2024-01-01T00:00:00Z'}),
  ])
  t.is(r.conflicts.length, 1)
  const [c] = r.conflicts
  t.like(c, {code: 'path-conflict', level: 'warning', ingress: 'team-b/new', host: 'shared.example.com', path: '/', pathType: 'Prefix', keptBy: 'team-a/old'})
  t.is(r.summary.conflicts, 1)
  t.is(r.ingresses.find((e) => e.ingress === 'team-b/new')!.status, 'skipped', 'its only path is served by the other Ingress')
})

test('server-alias and canary effects of one Ingress on another are conflicts too (the golden inputs that show them)', (t) => {
  // hosts.ts: an alias dropped because an older Ingress of the host set the aliases (createServers), a name two hosts
  // alias (nginx keeps it for the first server), an alias that is another Ingress's www-redirect name.
  const load = (name: string) => parseAllDocuments(readFileSync(join(ROOT, 'test', 'golden', name, 'input.yaml'), 'utf8')).map((d) => d.toJS() as KubeObject).filter((o) => o)
  const codes = (r: MigrationReport) => r.conflicts.map((c) => `${c.ingress} ${c.code}`)
  const aliases = report(load('server-alias-conflicts'))
  for (const c of ['web/h-first server-alias-is-host', 'web/h-second server-alias-shadowed', 'web/zed server-alias-duplicate']) t.true(codes(aliases).includes(c), c)
  t.is(aliases.summary.conflicts, aliases.conflicts.length)
  t.deepEqual(codes(report(load('server-alias-www-redirect'))), ['web/shop server-alias-is-www-redirect'])
  // Every such code the compiler emits on an Ingress is gathered: none of these is left only under its Ingress.
  for (const code of ['canary-shadowed', 'tls-sni-shadowed']) t.true(CONFLICT_CODES.has(code), code)
})

test('tcp-services and udp-services entries get a status each: routed, needs a person, or skipped as nginx skipped it', (t) => {
  const tcp: KubeObject = {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'tcp-services', namespace: 'ingress-nginx'}, data: {'5432': 'db/pg:5432', '9000': 'not-a-reference'}}
  const udp: KubeObject = {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'udp-services', namespace: 'ingress-nginx'}, data: {'53': 'kube-system/dns:53'}}
  const svc = (ns: string, name: string, port: number, protocol = 'TCP'): KubeObject => ({apiVersion: 'v1', kind: 'Service', metadata: {name, namespace: ns}, spec: {ports: [{port, protocol}]}})
  const input = [tcp, udp, svc('db', 'pg', 5432), svc('kube-system', 'dns', 53, 'UDP')]
  const without = report(input)
  t.deepEqual(
    without.streamEntries.map((e) => [e.protocol, e.port, e.target, e.status]),
    [
      ['TCP', '5432', 'db/pg:5432', 'manual'],
      ['TCP', '9000', 'not-a-reference', 'skipped'],
      ['UDP', '53', 'kube-system/dns:53', 'manual'],
    ],
  )
  const routed = report(input, {tcpRoutes: true})
  t.deepEqual(
    routed.streamEntries.map((e) => [e.port, e.status]),
    [
      ['5432', 'exact'],
      ['9000', 'skipped'],
      ['53', 'exact'],
    ],
  )
  t.false(routed.notes.some((d) => d.object === 'ConfigMap ingress-nginx/tcp-services'), 'entry diagnostics are under their entry, not in the notes')
})

test('the Gateway topology lists listeners, routes per namespace and their Services; shared bundle objects are not per Ingress', (t) => {
  const tls = (o: KubeObject) => ({...o, spec: {...o.spec, tls: [{hosts: [o.spec.rules[0].host], secretName: `${o.metadata.name}-tls`}]}})
  const r = report([tls(ingress('a', {}, 'a.example.com', 'team-a')), tls(ingress('b', {}, 'b.example.com', 'team-b'))], {emitGateway: true})
  t.is(r.gateways.length, 1)
  const g = r.gateways[0]
  t.like(g, {namespace: 'gateway', name: 'shared', emitted: true})
  t.deepEqual(g.listeners.map((l) => [l.name, l.protocol, l.port, l.routes]), [['http', 'HTTP', 80, 1], ['https', 'HTTPS', 443, 2]])
  t.deepEqual(
    g.routes.map((x) => `${x.namespace}/${x.name} ${x.listeners.join(',')} -> ${x.backends.join(',')}`),
    ['gateway/https-redirect http -> ', 'team-a/a https -> Service/a:80', 'team-b/b https -> Service/b:80'],
  )
  t.deepEqual(g.namespaces, [
    {name: 'gateway', routes: 1, backends: 0},
    {name: 'team-a', routes: 1, backends: 1},
    {name: 'team-b', routes: 1, backends: 1},
  ])
  // The Gateway (both certificates) and the redirect route are produced from both Ingresses: they belong to the
  // gateway owner, not to either Ingress.
  t.deepEqual(g.shared, [
    {kind: 'Gateway', namespace: 'gateway', name: 'shared'},
    {kind: 'HTTPRoute', namespace: 'gateway', name: 'https-redirect'},
  ])
  const a = r.ingresses.find((e) => e.ingress === 'team-a/a')!
  t.false(a.objects.some((o) => o.name === 'https-redirect' || o.kind === 'Gateway'))
  t.true(a.objects.some((o) => o.kind === 'HTTPRoute' && o.namespace === 'team-a' && o.name === 'a'))
})

test('text, markdown and HTML carry every Ingress and escape content', (t) => {
  const r = report([...objects, ingress('html', {[`${P}/configuration-snippet`]: '<script>alert(1)</script> | *x*'})])
  const text = renderText(r)
  const md = renderMarkdown(r)
  const html = renderHtml(r)
  for (const name of ['plain', 'regex', 'snippet', 'html']) {
    t.regex(text, new RegExp(`^  \\S+ +${name} `, 'm'))
    t.true(md.includes(`| ${name} |`), name)
    t.true(html.includes(`data-name="${name}"`), name)
  }
  t.true(html.startsWith('<!doctype html>'))
  t.false(html.includes('<script>alert'), 'Ingress content is escaped in HTML')
  t.is((html.match(/<script>/g) ?? []).length, 1, 'one script: the page its own')
  t.notRegex(md, /(^|[^\\])<script>alert/, 'and in markdown')
  t.true(md.includes('\\<script>alert(1)\\</script>'))
  t.regex(md, /\| regex \| approximate \|/)
})

test('markdown escapes what would become HTML, emphasis or a table cell outside code spans, and keeps code spans as written', (t) => {
  t.is(mdText('a | b <c> *d* _e_ with_entries'), 'a | b \\<c> \\*d\\* \\_e\\_ with_entries')
  t.is(mdText('a | b', true), 'a \\| b', 'in a table cell')
  t.is(mdText('run `~* "^/x"` first'), 'run `~* "^/x"` first')
  t.is(mdText('`a|b`', true), '`a\\|b`', 'GFM ends a cell at a pipe even inside a code span')
  t.is(mdText('one ` backquote <x>'), 'one \\` backquote \\<x>')
  t.is(mdText('line\nbreak'), 'line break')
  t.is(mdText('see [docs](https://x.example) or ![i](https://x.example/i.png)'), 'see \\[docs\\](https://x.example) or !\\[i\\](https://x.example/i.png)', 'no link or image from the input')
})

// Annotation values are anyone's text and diagnostics quote them: the reader's terminal must not run their escape
// sequences (a title change, a cleared screen, a forged line), on the report and on convert's stderr alike.
// proxy-read-timeout: a value ingress-nginx refuses (parser.GetIntAnnotation) is quoted in the diagnostic as written.
const HOSTILE_VALUE = '60\u001b]0;owned\u0007\u001b[2J\r\n  exact      forged-row  0  -\u202e'

test('text output prints terminal escapes, newlines and bidi overrides from the input as visible text', (t) => {
  const r = report([ingress('evil', {[`${P}/proxy-read-timeout`]: HOSTILE_VALUE})])
  const sgr = /\u001b\[[0-9;]*m/g
  for (const out of [renderText(r), renderText(r, {width: 80, colour: true}).replace(sgr, ''), renderDiagnostics(translate({objects: inputs([ingress('evil', {[`${P}/proxy-read-timeout`]: HOSTILE_VALUE})])}, {}).diagnostics)]) {
    t.notRegex(out, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/, 'no control character of the input reaches the terminal')
    t.false(out.split('\n').some((l) => l.trimStart().startsWith('exact      forged-row')), 'the value cannot start a line of its own')
    t.true(out.includes('\\u001b]0;owned'), 'the escape is shown, not lost')
  }
})

test('printable: text with nothing to change is returned as it is, anything else as the three replacements make it', (t) => {
  const replaced = (s: string) =>
    s.replace(/\r?\n|\r/g, ' ').replace(/\t/g, ' ').replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
  // every code unit from 0 to 0x2100 and the bidi controls, alone and between ordinary text
  const units = [...Array.from({length: 0x2100}, (_, c) => c), 0x202a, 0x202e, 0x202f, 0x2065, 0x2066, 0x2069, 0x206a, 0xd800, 0xfeff]
  for (const c of units) {
    const s = `a${String.fromCharCode(c)}b`
    t.is(printable(s), replaced(s), `U+${c.toString(16)}`)
  }
  for (const s of [HOSTILE_VALUE, 'a\r\nb', 'a\n\rb', 'plain: nothing to do', '']) t.is(printable(s), replaced(s))
})

test('diagnostics rendered in chunks of whole lines are the rendering', (t) => {
  const diagnostics = Array.from({length: 3000}, (_, i) => ({
    code: 'annotation-approximate',
    level: i % 3 === 0 ? 'warning' : 'info',
    message: `message ${i}`,
    ...(i % 2 === 0 ? {hint: `hint ${i}`} : {}),
    ...(i % 7 === 0 ? {source: {file: 'in.yaml', line: i + 1}} : {object: `Ingress web/ing-${Math.floor(i / 4)}`}),
  })) as Diagnostic[]
  const chunks = renderDiagnosticChunks(diagnostics)
  t.true(chunks.length > 1, `${chunks.length} chunk(s)`)
  t.true(chunks.every((c) => c.endsWith('\n') && !c.startsWith('  ')), 'a chunk ends at a line\'s end and at a group\'s')
  // the lines as they were joined before chunks (plain painter): a group's header, its lines indented, hints below
  const lines: string[] = []
  const where = (d: Diagnostic) => (d.source ? ` (${d.source.file}:${d.source.line})` : '')
  for (const d of diagnostics.filter((x) => x.object === undefined)) lines.push(`${d.level} ${d.code}: ${d.message}${where(d)}`, ...(d.hint ? [`  hint: ${d.hint}`] : []))
  for (const object of new Set(diagnostics.map((d) => d.object).filter((o) => o !== undefined))) {
    lines.push(object!)
    for (const d of diagnostics.filter((x) => x.object === object)) lines.push(`  ${d.level} ${d.code}: ${d.message}`, ...(d.hint ? [`    hint: ${d.hint}`] : []))
  }
  t.is(chunks.join(''), lines.join('\n') + '\n')
  t.is(renderDiagnostics(diagnostics), chunks.join(''))
  t.deepEqual(renderDiagnosticChunks([]), [])
})

test('markdown: link and image syntax and table pipes from the input stay text (no request when a Git host renders it)', (t) => {
  const r = report([
    ingress('evil', {
      [`${P}/proxy-read-timeout`]: '![pixel](https://tracker.example/p.png) [approve](https://evil.example)',
      [`${P}/x|y`]: 'on',
    }),
  ])
  const md = renderMarkdown(r)
  t.false(md.includes('![pixel](https://tracker.example'), 'no image from an annotation value')
  t.false(md.includes('[approve](https://evil.example'), 'no link from an annotation value')
  t.true(md.includes('!\\[pixel\\](https://tracker.example/p.png)'), 'the text is kept, escaped')
  const unescapedPipes = (line: string) => line.split(/(?<!\\)\|/).length - 1
  const histogramRow = md.split('\n').find((l) => l.includes('x|y') || l.includes('x\\|y'))!
  t.is(unescapedPipes(histogramRow), 7, `a key with a pipe stays in its cell: ${histogramRow}`)
  const ingressRow = md.split('\n').find((l) => l.startsWith('| evil |'))!
  t.is(unescapedPipes(ingressRow), 5, `and in the namespace table: ${ingressRow}`)
})

test('text on a terminal is coloured and fitted to its width; piped it is plain and never cut', (t) => {
  const r = report([...objects, ingress('long-name-of-an-ingress-that-is-long', {[`${P}/proxy-body-size`]: '8m'})])
  const plain = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '')
  for (const width of [60, 80, 120]) {
    const tty = renderText(r, {width, colour: true})
    t.regex(tty, /\u001b\[3\dm/, 'ANSI colours')
    for (const line of tty.split('\n')) t.true(visibleLength(line) <= width, `${width}: ${visibleLength(line)}: ${line}`)
  }
  const piped = renderText(r)
  t.notRegex(piped, /\u001b\[/)
  t.true(Math.max(...piped.split('\n').map((l) => l.length)) > 120, 'messages stay on one line when piped')
  // Nothing is lost at 80 columns: every word of the piped text is there, but the long name, which its column wraps.
  const tty = plain(renderText(r, {width: 80, colour: true}))
  const long = 'long-name-of-an-ingress-that-is-long'
  const words = (s: string) => s.split(/\s+/).filter((w) => w.length > 0 && !long.includes(w))
  t.deepEqual(new Set(words(tty)), new Set(words(piped)))
  t.regex(tty, /  long-name-of-an-ingr +2  proxy-body-size~\n {15}ess-that-is-long\n/, 'the name column holds 20 columns (80 / 4)')
})

test('text on a terminal: a namespace name of 63 characters (the longest Kubernetes allows) wraps its title too', (t) => {
  const namespace = 'platform-observability-long-team-namespace-name-for-grafana-x12'
  t.is(namespace.length, 63)
  const r = report([ingress('grafana', {[`${P}/use-regex`]: 'true'}, 'grafana.example.com', namespace)])
  for (const width of [60, 80]) {
    const tty = renderText(r, {width, colour: true})
    for (const line of tty.split('\n')) t.true(visibleLength(line) <= width, `${width}: ${visibleLength(line)}: ${line}`)
    t.true(tty.replace(/\u001b\[[0-9;]*m/g, '').includes(namespace.slice(0, 40)), 'the name is there')
  }
})

test('wrap breaks at spaces, indents continuations and cuts a word longer than the line', (t) => {
  t.deepEqual(wrap('aaa bbb ccc', 7, '  '), ['aaa bbb', '  ccc'])
  t.deepEqual(wrap('x'.repeat(12), 5, ' '), ['xxxxx', ' xxxx', ' xxx'])
  t.deepEqual(wrap('short', Infinity, ''), ['short'])
})

test('statusAtLeast orders approximate < manual < skipped', (t) => {
  t.true(statusAtLeast('manual', 'approximate'))
  t.false(statusAtLeast('approximate', 'manual'))
  t.true(statusAtLeast('skipped', 'manual'))
  t.false(statusAtLeast('exact', 'approximate'))
})

test('--fail-on also trips on a tcp/udp port and a controller ConfigMap key at the threshold: a gate that passes signs them off too', (t) => {
  // block-cidrs denied these clients on every Ingress (ConfigMap, nginx.tmpl `deny`); the Gateway lets them through
  // until someone adds a policy: every Ingress is exact, the key is manual, and `--fail-on manual` must not pass.
  const configMap: KubeObject = {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'ingress-nginx-controller', namespace: 'ingress-nginx'}, data: {'block-cidrs': '203.0.113.0/24'}}
  const tcp: KubeObject = {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'tcp-services', namespace: 'ingress-nginx'}, data: {'5432': 'db/pg:5432'}}
  const r = report([ingress('plain'), configMap, tcp])
  t.deepEqual(r.ingresses.map((e) => e.status), ['exact'])
  t.is(r.configMap?.keys.find((k) => k.key === 'block-cidrs')?.fidelity, 'manual')
  t.is(r.streamEntries[0].status, 'manual')
  const message = failOnMessage(r, 'manual')
  t.truthy(message, 'the gate trips')
  t.regex(message!, /tcp-services 5432 \(manual\)/)
  t.regex(message!, /ConfigMap key block-cidrs \(manual\)/)
  t.is(failOnMessage(r, 'skipped'), undefined, 'nothing is skipped')
  t.is(failOnMessage(report([ingress('plain')]), 'approximate'), undefined, 'a clean input passes')
})

test.serial('report --fail-on is a CI gate naming the Ingresses; --json is -o json', async (t) => {
  // That golden input carries a configuration-snippet: manual, never skipped.
  const input = 'test/golden/annotations-accounted/input.yaml'
  const gate = await runCli(['report', '-f', input, '--fail-on', 'manual'], ROOT)
  t.regex(gate.stdout, /^ {2}manual +app /m)
  t.is(gate.exitCode, 1)
  t.regex(gate.stderr, /^error: --fail-on manual: 1 of 1 Ingress\(es\) are manual or worse: web\/app \(manual\)$/m)
  const lenient = await runCli(['report', '-f', input, '--fail-on', 'skipped'], ROOT)
  t.is(lenient.exitCode, 0)
  t.is(lenient.stderr, '')
  const json = await runCli(['report', '-f', 'examples/', '--json'], ROOT)
  const parsed = JSON.parse(json.stdout)
  t.is(parsed.summary.ingresses, 5)
  const o = await runCli(['report', '-f', 'examples/', '-o', 'json'], ROOT)
  t.deepEqual(JSON.parse(o.stdout), parsed)
  const format = await runCli(['report', '-f', 'examples/', '--format', 'markdown'], ROOT)
  t.regex(format.stdout, /^# Ingress migration report$/m, '--format stays an alias of -o')
})

test.serial('convert --fail-on prints the manifests and exits 1 when an Ingress is at the threshold or worse', async (t) => {
  const input = 'test/golden/annotations-accounted/input.yaml'
  const plain = await runCli(['convert', '-f', input], ROOT)
  const gate = await runCli(['convert', '-f', input, '--fail-on', 'approximate'], ROOT)
  t.is(gate.exitCode, 1)
  t.is(gate.stdout, plain.stdout, 'the output is written all the same')
  t.regex(gate.stderr, /^error: --fail-on approximate: 1 of 1 Ingress\(es\) are approximate or worse: web\/app \(manual\)$/m)
  const pass = await runCli(['convert', '-f', 'examples/', '--fail-on', 'manual'], ROOT)
  t.is(pass.exitCode, 0, pass.stderr)
  t.notRegex(pass.stderr, /--fail-on/)
})

test.serial('report on a terminal: coloured (unless --color never or NO_COLOR) and fitted to its columns', async (t) => {
  const stdout = process.stdout as unknown as {isTTY?: boolean; columns?: number}
  const saved = {isTTY: stdout.isTTY, columns: stdout.columns}
  stdout.isTTY = true
  stdout.columns = 70
  try {
    const tty = await runCli(['report', '-f', 'examples/'], ROOT)
    t.is(tty.exitCode, 0, tty.stderr)
    t.regex(tty.stdout, /\u001b\[3\dm/)
    for (const line of tty.stdout.split('\n')) t.true(visibleLength(line) <= 70, line)
    const never = await runCli(['report', '-f', 'examples/', '--color', 'never'], ROOT)
    t.notRegex(never.stdout, /\u001b\[/)
    t.true(never.stdout.split('\n').every((l) => l.length <= 70))
    process.env.NO_COLOR = '1'
    const noColor = await runCli(['report', '-f', 'examples/'], ROOT)
    t.is(noColor.stdout, never.stdout)
  } finally {
    delete process.env.NO_COLOR
    stdout.isTTY = saved.isTTY
    stdout.columns = saved.columns
  }
})

test.serial('verify\'s probe counts in every format: the totals line and per Ingress; --no-verify leaves them out', async (t) => {
  // examples/: the regex API Ingress decides 30 probes, 5 of which differ by nginx's HTTPS redirect dropping a
  // trailing slash (redirect-keeps-trailing-slash, known); the summary is verify's own line (verify -f examples/).
  const verify = await runCli(['verify', '-f', 'examples/'], ROOT)
  const line = /^verify: (.*)$/m.exec(verify.stdout)![1]!
  t.is(line, '116 probes, 6 differ (6 known)')
  const text = await runCli(['report', '-f', 'examples/', '--color', 'never'], ROOT)
  t.regex(text.stdout, new RegExp(`^  verify: ${line.replace(/[()]/g, '\\$&')}$`, 'm'))
  t.regex(text.stdout, /^ {2}approximate {2}api {15}2 {2}30 probes, 5 differ \(5 known\) {2}rewrite-target use-regex~$/m)
  const md = await runCli(['report', '-f', 'examples/', '-o', 'markdown'], ROOT)
  t.true(md.stdout.includes(`lists the differences): ${line}.`))
  t.regex(md.stdout, /^\| api \| approximate \| .* \| 30 probes, 5 differ \(5 known\) \|$/m)
  const html = await runCli(['report', '-f', 'examples/', '-o', 'html'], ROOT)
  t.true(html.stdout.includes(`<b>${line}</b>`))
  t.regex(html.stdout, /<tr [^>]*data-name="api"[^>]*data-differ="5" data-unlabelled="0"[^>]*>.*<td class="st st-approximate">30 probes, 5 differ \(5 known\)<\/td>/)
  t.true(html.stdout.includes('<th data-sort="verify" scope="col"><button type="button">Verify</button></th>'))
  for (const format of ['text', 'markdown', 'html']) {
    const off = await runCli(['report', '-f', 'examples/', '-o', format, '--no-verify', '--color', 'never'], ROOT)
    t.notRegex(off.stdout, /probes, \d+ differ|VERIFY|\| verify \||data-sort="verify"/, format)
  }
})
