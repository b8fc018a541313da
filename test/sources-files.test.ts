import test from 'ava'
import {mkdtemp, mkdir, rm, writeFile, readFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {aliasStats, parseManifestText, type ParseOptions} from '../src/sources/parse-manifests.js'
import {normalizeIngress} from '../src/sources/normalize.js'
import {readFileInputs} from '../src/sources/files.js'
import type {Diagnostic, KubeObject} from '../src/model/types.js'

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'sources')
const fixture = (name: string) => path.join(FIXTURES, name)
const DEFAULTS: ParseOptions = {defaultNamespace: 'default', namespaceExplicit: false}

async function parseFixture(name: string, options: ParseOptions = DEFAULTS) {
  return parseManifestText(await readFile(fixture(name), 'utf8'), name, options)
}
const codes = (ds: Diagnostic[]) => ds.map((d) => d.code)
const only = (ds: Diagnostic[], code: string) => ds.filter((d) => d.code === code)
const names = (objs: {object: KubeObject}[]) => objs.map((o) => `${o.object.kind}/${o.object.metadata.name}`)

async function tempDir(t: {teardown: (fn: () => Promise<void>) => void}): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ingress2gw-sources-'))
  t.teardown(() => rm(dir, {recursive: true, force: true}))
  return dir
}

const service = (name: string, ns?: string) =>
  `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n${ns ? `  namespace: ${ns}\n` : ''}`

// ---------------------------------------------------------------------------------------------------------
// Multi-document YAML

test('multi-doc: a broken middle document is reported with its absolute line, the others are kept', async (t) => {
  const r = await parseFixture('multi-broken.yaml')
  t.deepEqual(names(r.objects), ['Service/web', 'Ingress/web'])
  t.deepEqual(
    r.objects.map((o) => o.source),
    [
      {file: 'multi-broken.yaml', line: 2},
      {file: 'multi-broken.yaml', line: 20},
    ],
  )
  const errors = r.diagnostics.filter((d) => d.level === 'error')
  t.is(errors.length, 1)
  t.is(errors[0].code, 'yaml-syntax')
  t.deepEqual(errors[0].source, {file: 'multi-broken.yaml', line: 18})
  t.like(errors[0].data, {file: 'multi-broken.yaml', line: 18, documentLine: 11}) // documentLine: where the ignored document starts
  t.false(errors[0].message.includes('\n'), 'one line, no code snippet')
})

test('multi-doc: errors in later documents of a big stream still get the right line', (t) => {
  const docs = Array.from({length: 50}, (_, i) => service(`s${i}`, 'x'))
  docs[37] = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: "unterminated\n'
  const text = docs.join('---\n')
  const r = parseManifestText(text, 'big.yaml', DEFAULTS)
  t.is(r.objects.length, 49)
  const err = only(r.diagnostics, 'yaml-syntax')
  t.is(err.length, 1)
  // Each Service document is 5 lines + 1 separator: doc 37 starts on line 37*6+1 and is 4 lines long.
  const start = 37 * 6 + 1
  t.true(err[0].source!.line! >= start + 3 && err[0].source!.line! <= start + 4, `line ${err[0].source!.line}`)
  t.is(r.objects[37].source.line, start + 5)
})

test('multi-doc: BOM, CRLF, `--- # comment`, `...` and a comment-only document keep every line absolute', (t) => {
  // The stream is split by line offsets (splitDocuments): each document's lines, a List's item lines and an error's
  // line must still count from the top of the file, whatever came before them.
  const lines = [
    '\ufeff--- # first', 'apiVersion: v1', 'kind: Service', 'metadata:', '  name: a', '...', '# only a comment',
    '--- # second: a List', 'apiVersion: v1', 'kind: List', 'items:',
    '- apiVersion: v1', '  kind: Service', '  metadata:', '    name: b', // items at lines 12 and 16
    '- apiVersion: v1', '  kind: Service', '  metadata:', '    name: c',
    '---', 'apiVersion: v1', 'kind: Service', 'metadata:', '  name: "unterminated', // document at line 21
  ]
  const r = parseManifestText(lines.map((l) => l + '\r\n').join(''), 'crlf.yaml', DEFAULTS)
  t.deepEqual(
    r.objects.map((o) => [o.object.metadata.name, o.source.line]),
    [['a', 2], ['b', 12], ['c', 16]],
  )
  const errors = only(r.diagnostics, 'yaml-syntax')
  t.is(errors.length, 1)
  // the quoted scalar runs to the end of the stream: the line after the last line break (24 lines, then line 25)
  t.like(errors[0].data, {line: 25, column: 1, documentLine: 21})
})

test('--- inside an indented block scalar is not a document separator', async (t) => {
  const r = await parseFixture('block-scalar.yaml')
  t.deepEqual(names(r.objects), ['ConfigMap/snippets', 'Service/after-block'])
  t.is(r.objects[0].object.data!['notes.md'], 'Title\n---\nbody after an indented separator-looking line\n...\nstill the same scalar\n')
  t.is(r.objects[1].source.line, 14)
  t.deepEqual(r.diagnostics, [])
})

test('empty, null and comment-only documents are skipped silently', (t) => {
  const text = '---\n# just a comment\n---\n\n---\n~\n---\nnull\n' + '---\n' + service('a', 'x') + '---\n...\n'
  const r = parseManifestText(text, 'e.yaml', DEFAULTS)
  t.deepEqual(names(r.objects), ['Service/a'])
  t.is(r.objects[0].source.line, 10)
  t.deepEqual(r.diagnostics, [])
})

test('documents that are not objects or lack apiVersion/kind/metadata.name are invalid-object errors', (t) => {
  const text = [
    '- just\n- a list\n',
    'kind: Service\nmetadata:\n  name: no-api-version\n',
    'apiVersion: v1\nkind: Service\nmetadata:\n  namespace: x\n',
    'plain string\n',
    service('ok', 'x'),
  ].join('---\n')
  const r = parseManifestText(text, 'bad.yaml', DEFAULTS)
  t.deepEqual(names(r.objects), ['Service/ok'])
  const errs = only(r.diagnostics, 'invalid-object')
  t.is(errs.length, 4)
  t.true(errs.every((d) => d.level === 'error'))
  t.deepEqual(
    errs.map((d) => d.source),
    [
      {file: 'bad.yaml', line: 1},
      {file: 'bad.yaml', line: 4},
      {file: 'bad.yaml', line: 8},
      {file: 'bad.yaml', line: 13},
    ],
  )
  t.deepEqual(
    errs.map((d) => d.data),
    [
      {problem: 'not-an-object', type: 'list', file: 'bad.yaml', line: 1},
      {problem: 'no-api-version-or-kind', missing: ['apiVersion'], file: 'bad.yaml', line: 4},
      {problem: 'no-name', kind: 'Service', metadata: true, file: 'bad.yaml', line: 8},
      {problem: 'not-an-object', type: 'string', file: 'bad.yaml', line: 13},
    ],
  )
  // The sentence names the file and line a user opens.
  t.is(errs[2].message, 'Service at bad.yaml:8 has no metadata.name; add a name (generateName is not supported), the object was ignored')
  t.false(JSON.stringify(errs[3]).includes('plain string'), 'document content is not echoed')
})

// ---------------------------------------------------------------------------------------------------------
// JSON and Lists

test('JSON List (kubectl get -o json) is expanded, kept kinds only, with item lines', async (t) => {
  const r = await parseFixture('list.json')
  t.deepEqual(names(r.objects), ['Ingress/api', 'Service/api'])
  t.deepEqual(
    r.objects.map((o) => o.source.line),
    [4, 20],
  )
  t.is(r.objects[0].object.metadata.creationTimestamp, '2023-04-01T10:00:00Z')
  const skipped = only(r.diagnostics, 'skipped-kind')
  t.is(skipped.length, 1)
  t.like(skipped[0].data, {count: 1, kind: 'StatefulSet (apps)'})
})

test('kubectl List YAML is expanded; creationTimestamp stays a string; cluster-scoped kinds get no namespace', async (t) => {
  const r = await parseFixture('list.yaml')
  t.deepEqual(names(r.objects), ['Ingress/shop', 'IngressClass/nginx'])
  t.deepEqual(
    r.objects.map((o) => o.source.line),
    [3, 12],
  )
  t.is(typeof r.objects[0].object.metadata.creationTimestamp, 'string')
  t.false('namespace' in r.objects[1].object.metadata)
  t.deepEqual(codes(r.diagnostics), ['skipped-kind'])
  t.like(r.diagnostics[0].data, {count: 1, kind: 'Pod'})
})

test('JSON with a syntax error falls back to YAML (flow mappings with trailing commas, comments)', (t) => {
  const text = '{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "flow", "namespace": "x",},}\n'
  const r = parseManifestText(text, 'flow.json', DEFAULTS)
  t.deepEqual(names(r.objects), ['Service/flow'])
  t.deepEqual(r.diagnostics, [])
  const broken = parseManifestText('{"apiVersion": "v1", "kind": \n', 'broken.json', DEFAULTS)
  t.deepEqual(broken.objects, [])
  t.deepEqual(codes(broken.diagnostics), ['yaml-syntax'])
  t.is(broken.diagnostics[0].source!.file, 'broken.json')
})

test('a top-level JSON array is expanded into its items', (t) => {
  const text = JSON.stringify([JSON.parse(JSON.stringify({apiVersion: 'v1', kind: 'Service', metadata: {name: 'a', namespace: 'x'}})), {apiVersion: 'v1', kind: 'Service', metadata: {name: 'b', namespace: 'x'}}], null, 2)
  const r = parseManifestText(text, 'arr.json', DEFAULTS)
  t.deepEqual(names(r.objects), ['Service/a', 'Service/b'])
  t.deepEqual(
    r.objects.map((o) => o.source.line),
    [2, 10],
  )
})

// ---------------------------------------------------------------------------------------------------------
// v1beta1 Ingress

test('networking.k8s.io/v1beta1 Ingress: int, string-number and named servicePort, resource, spec.backend', async (t) => {
  const r = await parseFixture('v1beta1.yaml')
  const legacy = r.objects[0].object
  t.is(legacy.apiVersion, 'networking.k8s.io/v1')
  t.deepEqual(legacy.spec.defaultBackend, {service: {name: 'fallback', port: {number: 8080}}})
  t.false('backend' in legacy.spec)
  const paths = legacy.spec.rules[0].http.paths
  t.deepEqual(paths[0].backend, {service: {name: 'svc-int', port: {number: 80}}})
  t.deepEqual(paths[1].backend, {service: {name: 'svc-str', port: {number: 8443}}})
  t.deepEqual(paths[2].backend, {service: {name: 'svc-named', port: {name: 'http'}}})
  t.deepEqual(paths[3].backend, {resource: {apiGroup: 'k8s.example.com', kind: 'StorageBucket', name: 'static-assets'}})
  t.false('pathType' in paths[0], 'a missing pathType stays missing')
  t.is(paths[1].pathType, 'Prefix')

  const v1b = only(r.diagnostics, 'ingress-v1beta1')
  t.is(v1b.length, 2)
  t.is(v1b[0].level, 'info')
  t.is(v1b[0].object, 'Ingress team-a/legacy')
  t.deepEqual(v1b[0].source, {file: 'v1beta1.yaml', line: 1})
  t.regex(v1b[0].message, /networking\.k8s\.io\/v1beta1.*networking\.k8s\.io\/v1\b.*1\.22/)
})

test('extensions/v1beta1 Ingress is converted too', async (t) => {
  const r = await parseFixture('v1beta1.yaml')
  const ancient = r.objects[1].object
  t.is(ancient.apiVersion, 'networking.k8s.io/v1')
  t.deepEqual(ancient.spec.rules[0].http.paths[0].backend, {service: {name: 'old', port: {name: 'web'}}})
  t.deepEqual(only(r.diagnostics, 'ingress-v1beta1')[1].data, {apiVersion: 'extensions/v1beta1'})
})

test('normalizeIngress does not mutate its input and leaves v1 alone', (t) => {
  const input: KubeObject = {
    apiVersion: 'extensions/v1beta1',
    kind: 'Ingress',
    metadata: {name: 'x', namespace: 'y'},
    spec: {backend: {serviceName: 's', servicePort: 80}},
  }
  const copy = structuredClone(input)
  const out = normalizeIngress(input)
  t.deepEqual(input, copy)
  t.deepEqual(out.object.spec, {defaultBackend: {service: {name: 's', port: {number: 80}}}})
  const v1: KubeObject = {apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: {name: 'v'}, spec: {}}
  const same = normalizeIngress(v1)
  t.is(same.object, v1)
  t.deepEqual(same.diagnostics, [])
})

// ---------------------------------------------------------------------------------------------------------
// Aliases

test('anchors and aliases are resolved, and aliased nodes are independent copies', async (t) => {
  const r = await parseFixture('anchors.yaml')
  t.deepEqual(r.diagnostics, [])
  const spec = r.objects[0].object.spec
  t.is(spec.rules[0].host, 'a.example.com')
  t.deepEqual(spec.tls[0].hosts, ['a.example.com'])
  const [p0, p1] = spec.rules[0].http.paths
  t.deepEqual(p1.backend, {service: {name: 'web', port: {number: 80}}})
  t.not(p0.backend, p1.backend)
  p0.backend.service.name = 'changed'
  t.is(p1.backend.service.name, 'web')
})

test('merge keys (<<: *base) work', (t) => {
  const text = `base: &base {apiVersion: v1, kind: Service}\n---\n<<: {apiVersion: v1, kind: ConfigMap}\nmetadata: {name: merged, namespace: x}\n`
  const r = parseManifestText(text, 'm.yaml', DEFAULTS)
  t.deepEqual(names(r.objects), ['ConfigMap/merged'])
})

function billionLaughs(levels: number): string {
  const lines = ['apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: lol, namespace: x}', 'l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
  for (let i = 1; i < levels; i++) lines.push(`l${i}: &l${i} [${Array(10).fill(`*l${i - 1}`).join(',')}]`)
  lines.push(`data: {k: *l${levels - 1}}`)
  return lines.join('\n') + '\n'
}

test('an alias bomb is refused quickly with yaml-alias-bomb; the other documents still convert', (t) => {
  const text = service('before', 'x') + '---\n' + billionLaughs(9) + '---\n' + service('after', 'x')
  const started = performance.now()
  const r = parseManifestText(text, 'bomb.yaml', DEFAULTS)
  const elapsed = performance.now() - started
  t.true(elapsed < 2000, `took ${elapsed} ms`)
  t.deepEqual(names(r.objects), ['Service/before', 'Service/after'])
  const bombs = only(r.diagnostics, 'yaml-alias-bomb')
  t.is(bombs.length, 1)
  t.is(bombs[0].level, 'error')
  t.deepEqual(bombs[0].source, {file: 'bomb.yaml', line: 7})
  t.like(bombs[0].data, {at: 'bomb.yaml:7', recursive: false, limit: 100_000, ratio: 20})
  const data = bombs[0].data as {expanded: number; distinct: number; ratio: number}
  t.true(data.expanded > data.ratio * data.distinct, JSON.stringify(data))
})

test('a recursive alias is refused', (t) => {
  const r = parseManifestText('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: rec, namespace: x}\nextra: &a [1, *a]\n', 'rec.yaml', DEFAULTS)
  t.deepEqual(r.objects, [])
  t.deepEqual(codes(r.diagnostics), ['yaml-alias-bomb'])
  t.deepEqual(r.diagnostics[0].data, {at: 'rec.yaml:1', recursive: true})
})

test('legitimate alias use is not refused (small expansion, or large but with a low ratio)', (t) => {
  // 3 levels of 10 aliases: 1000 leaves, well under the limit.
  const small = parseManifestText(billionLaughs(3), 'small.yaml', DEFAULTS)
  t.is(small.objects.length, 1)
  t.deepEqual(small.diagnostics, [])
  t.is((small.objects[0].object.data as unknown as {k: unknown[]}).k.length, 10)

  // Large document (>100000 expanded nodes) where aliases add little: not a bomb.
  const shared = {a: 1}
  const big = {items: Array.from({length: 60_000}, (_, i) => ({i, s: i % 1000 === 0 ? shared : i}))}
  const stats = aliasStats(big)
  t.true(stats.shared)
  t.true(stats.expanded > 100_000)
  t.true(stats.expanded < 20 * stats.distinct)
})

// ---------------------------------------------------------------------------------------------------------
// Secrets

test('Secrets keep only apiVersion, kind, type, name and namespace; their content appears nowhere', async (t) => {
  const r = await parseFixture('secret.yaml')
  t.is(r.objects.length, 1)
  const secret = r.objects[0].object
  t.deepEqual(secret, {apiVersion: 'v1', kind: 'Secret', type: 'Opaque', metadata: {name: 'db-credentials', namespace: 'team-a'}})
  t.false('data' in secret)
  t.false('stringData' in secret)
  t.false('annotations' in secret.metadata)
  const all = JSON.stringify(r)
  for (const s of ['czNjcjN0LXAwdGF0MA==', 'SUPER-SECRET-TOKEN-9f8e7d', 's3cr3t', 'last-applied']) t.false(all.includes(s), s)
})

test('secret content does not leak through a YAML error in a Secret document', (t) => {
  const text = 'apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: x}\ndata:\n  password: TOPSECRETVALUE\n   broken: [\n'
  const r = parseManifestText(text, 's.yaml', DEFAULTS)
  t.deepEqual(codes(r.diagnostics), ['yaml-syntax'])
  t.false(JSON.stringify(r).includes('TOPSECRETVALUE'))
})

test('Secrets inside a kubectl List are stripped too', (t) => {
  const list = {
    apiVersion: 'v1',
    kind: 'List',
    items: [{apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/tls', metadata: {name: 'tls', namespace: 'x'}, data: {'tls.key': 'UFJJVkFURUtFWQ=='}}],
  }
  const r = parseManifestText(JSON.stringify(list), 'l.json', DEFAULTS)
  t.deepEqual(r.objects[0].object, {apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/tls', metadata: {name: 'tls', namespace: 'x'}})
  t.false(JSON.stringify(r).includes('UFJJVkFURUtFWQ=='))
})

// ---------------------------------------------------------------------------------------------------------
// Namespaces, duplicates, kinds

const mixed = [
  service('a'),
  service('b'),
  service('c', 'explicit'),
  'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team-z\n',
  'apiVersion: cert-manager.io/v1\nkind: ClusterIssuer\nmetadata:\n  name: letsencrypt\n  namespace: should-be-dropped\n',
  'apiVersion: cert-manager.io/v1\nkind: Issuer\nmetadata:\n  name: local\n',
].join('---\n')

test('namespace defaulting without -n: "default", one diagnostic per file, cluster-scoped untouched', (t) => {
  const r = parseManifestText(mixed, 'ns.yaml', DEFAULTS)
  const ns = Object.fromEntries(r.objects.map((o) => [`${o.object.kind}/${o.object.metadata.name}`, o.object.metadata.namespace]))
  t.deepEqual(ns, {
    'Service/a': 'default',
    'Service/b': 'default',
    'Service/c': 'explicit',
    'Namespace/team-z': undefined,
    'ClusterIssuer/letsencrypt': undefined,
    'Issuer/local': 'default',
  })
  const d = only(r.diagnostics, 'namespace-defaulted')
  t.is(d.length, 1)
  t.is(d[0].level, 'info')
  t.like(d[0].data, {count: 3, namespace: 'default', from: 'context'})
})

test('namespace defaulting with -n names the namespace and says it came from -n', (t) => {
  const r = parseManifestText(mixed, 'ns.yaml', {defaultNamespace: 'team-q', namespaceExplicit: true})
  t.deepEqual(
    r.objects.filter((o) => o.object.kind === 'Service').map((o) => o.object.metadata.namespace),
    ['team-q', 'team-q'],
  )
  const d = only(r.diagnostics, 'namespace-defaulted')
  t.is(d.length, 1)
  t.deepEqual(d[0].data, {count: 3, file: 'ns.yaml', namespace: 'team-q', from: 'flag'})
  t.is(d[0].message, '3 objects in ns.yaml without metadata.namespace were placed in namespace "team-q" (given with -n/--namespace)')
  // Service c is in namespace "explicit": -n team-q skips it, as kubectl refuses it.
  t.deepEqual(only(r.diagnostics, 'namespace-mismatch').map((x) => x.object), ['Service explicit/c'])
})

test('-n NS -f FILE skips namespaced objects in another namespace with a warning each, as kubectl refuses them', (t) => {
  const ingress = (name: string, ns?: string) =>
    `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: ${name}\n${ns ? `  namespace: ${ns}\n` : ''}spec: {}\n`
  const text = [
    ingress('mine', 'team-a'),
    ingress('theirs', 'team-b'),
    ingress('unset'),
    'apiVersion: v1\nkind: Secret\nmetadata:\n  name: tls\n  namespace: team-b\ndata:\n  tls.key: UFJJVkFURUtFWQ==\n',
    'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team-b\n',
    'apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata:\n  name: nginx\n  namespace: team-b\n',
    'apiVersion: cert-manager.io/v1\nkind: ClusterIssuer\nmetadata:\n  name: le\n  namespace: team-b\n',
    JSON.stringify({apiVersion: 'v1', kind: 'List', items: [{apiVersion: 'v1', kind: 'Service', metadata: {name: 'svc', namespace: 'team-c'}}]}) + '\n',
  ].join('---\n')
  const r = parseManifestText(text, 'apps.yaml', {defaultNamespace: 'team-a', namespaceExplicit: true})
  t.deepEqual(names(r.objects), ['Ingress/mine', 'Ingress/unset', 'Namespace/team-b', 'IngressClass/nginx', 'ClusterIssuer/le'])
  t.true(r.objects.filter((o) => o.object.kind === 'Ingress').every((o) => o.object.metadata.namespace === 'team-a'))
  const skipped = only(r.diagnostics, 'namespace-mismatch')
  t.deepEqual(
    skipped.map((d) => [d.level, d.object, d.source?.line]),
    [
      ['warning', 'Ingress team-b/theirs', 8],
      ['warning', 'Secret team-b/tls', 21],
      ['warning', 'Service team-c/svc', 46],
    ],
  )
  t.deepEqual(skipped[0].data, {object: 'Ingress team-b/theirs', at: 'apps.yaml:8', namespace: 'team-b', given: 'team-a'})
  t.false(JSON.stringify(r).includes('UFJJVkFURUtFWQ=='))
  // Without -n (the default namespace, or one from the kubeconfig context) nothing is skipped, as with kubectl.
  const implicit = parseManifestText(text, 'apps.yaml', {defaultNamespace: 'team-a', namespaceExplicit: false})
  t.is(only(implicit.diagnostics, 'namespace-mismatch').length, 0)
  t.deepEqual(names(implicit.objects), ['Ingress/mine', 'Ingress/theirs', 'Ingress/unset', 'Secret/tls', 'Namespace/team-b', 'IngressClass/nginx', 'ClusterIssuer/le', 'Service/svc'])
})

test('duplicate objects keep the first and warn with both locations; v1beta1 and v1 Ingress collide', (t) => {
  const v1beta1 = 'apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata:\n  name: web\n  namespace: team-a\nspec: {}\n'
  const v1 = 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\n  namespace: team-a\nspec: {}\n'
  const text = [service('s', 'default'), v1beta1, v1, service('s')].join('---\n')
  const r = parseManifestText(text, 'dup.yaml', DEFAULTS)
  t.deepEqual(names(r.objects), ['Service/s', 'Ingress/web'])
  t.is(r.objects[1].source.line, 7)
  const dups = only(r.diagnostics, 'duplicate-object')
  t.is(dups.length, 2)
  t.is(dups[0].level, 'warning')
  t.is(dups[0].object, 'Ingress team-a/web')
  t.deepEqual(dups[0].data, {object: 'Ingress team-a/web', kept: 'dup.yaml:7', ignored: 'dup.yaml:14'})
  t.is(dups[1].object, 'Service default/s')
  t.deepEqual(dups[1].data, {object: 'Service default/s', kept: 'dup.yaml:1', ignored: 'dup.yaml:21'})
})

test('duplicates across files are detected by readFileInputs', async (t) => {
  const dir = await tempDir(t)
  await writeFile(path.join(dir, 'a.yaml'), service('s', 'x'))
  await writeFile(path.join(dir, 'b.yaml'), service('s', 'x'))
  const r = await readFileInputs([dir], {...DEFAULTS, recursive: false})
  t.is(r.objects.length, 1)
  t.is(r.objects[0].source.file, path.join(dir, 'a.yaml'))
  const dups = only(r.diagnostics, 'duplicate-object')
  t.is(dups.length, 1)
  t.like(dups[0].data, {kept: `${path.join(dir, 'a.yaml')}:1`, ignored: `${path.join(dir, 'b.yaml')}:1`})
})

test('skipped kinds are counted once per kind, across files too', async (t) => {
  const deploy = (n: string) => `apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: ${n}\n`
  const cm = 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [a.yaml]\n'
  const text = [deploy('a'), deploy('b'), deploy('c'), cm, service('s', 'x')].join('---\n')
  const r = parseManifestText(text, 'k.yaml', DEFAULTS)
  const skipped = only(r.diagnostics, 'skipped-kind')
  t.is(skipped.length, 2)
  t.like(skipped[0].data, {count: 3, kind: 'StatefulSet (apps)', files: ['k.yaml']})
  t.like(skipped[1].data, {count: 1, kind: 'Kustomization (kustomize.config.k8s.io)'})
  t.deepEqual(skipped[0].source, {file: 'k.yaml', line: 1})
  t.false(r.diagnostics.some((d) => d.level === 'error'), 'a Kustomization without metadata.name is skipped, not an error')

  const dir = await tempDir(t)
  await writeFile(path.join(dir, '1.yaml'), deploy('a'))
  await writeFile(path.join(dir, '2.yaml'), [deploy('b'), service('s', 'x')].join('---\n'))
  const files = await readFileInputs([dir], {...DEFAULTS, recursive: false})
  const across = only(files.diagnostics, 'skipped-kind')
  t.is(across.length, 1)
  t.like(across[0].data, {count: 2, kind: 'StatefulSet (apps)'})
  t.is((across[0].data!.files as string[]).length, 2)
  t.regex(across[0].message, /^Skipped 2 StatefulSet \(apps\) objects in 2 files: /)
})

test('unsupported API versions of kept kinds are skipped with the supported versions named', (t) => {
  const text = 'apiVersion: cert-manager.io/v1alpha2\nkind: Certificate\nmetadata: {name: c, namespace: x}\n'
  const r = parseManifestText(text, 'c.yaml', DEFAULTS)
  t.deepEqual(r.objects, [])
  t.deepEqual(codes(r.diagnostics), ['skipped-kind'])
  t.regex(r.diagnostics[0].message, /cert-manager\.io\/v1alpha2.*supported: cert-manager\.io\/v1/)
})

test('Flux ${VAR} placeholders are kept verbatim and not reported', async (t) => {
  const r = await parseFixture('flux.yaml')
  t.deepEqual(r.diagnostics, [])
  const ing = r.objects[0].object
  t.is(ing.metadata.namespace, '${APP_NAMESPACE:=apps}')
  t.is(ing.metadata.annotations!['cert-manager.io/cluster-issuer'], '${CLUSTER_ISSUER}')
  t.is(ing.spec.rules[0].host, 'app.${SECRET_DOMAIN}')
  t.deepEqual(ing.spec.tls[0].hosts, ['app.${SECRET_DOMAIN}'])
})

test('non-string annotation values are coerced with a warning (the API server would reject them)', (t) => {
  const text = 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: w\n  namespace: x\n  annotations:\n    nginx.ingress.kubernetes.io/ssl-redirect: false\n    nginx.ingress.kubernetes.io/proxy-body-size: 8\n'
  const r = parseManifestText(text, 'a.yaml', DEFAULTS)
  t.deepEqual(r.objects[0].object.metadata.annotations, {
    'nginx.ingress.kubernetes.io/ssl-redirect': 'false',
    'nginx.ingress.kubernetes.io/proxy-body-size': '8',
  })
  t.deepEqual(
    r.diagnostics.map((d) => [d.level, d.code, d.annotation, d.data]),
    [
      ['warning', 'invalid-object', 'nginx.ingress.kubernetes.io/ssl-redirect', {problem: 'value-coerced', field: 'annotations', key: 'nginx.ingress.kubernetes.io/ssl-redirect', type: 'boolean', readAs: 'false'}],
      ['warning', 'invalid-object', 'nginx.ingress.kubernetes.io/proxy-body-size', {problem: 'value-coerced', field: 'annotations', key: 'nginx.ingress.kubernetes.io/proxy-body-size', type: 'number', readAs: '8'}],
    ],
  )
})

test('same input, same output', async (t) => {
  const a = await parseFixture('v1beta1.yaml')
  const b = await parseFixture('v1beta1.yaml')
  t.deepEqual(a, b)
})

// ---------------------------------------------------------------------------------------------------------
// Files, directories, stdin

async function makeTree(t: Parameters<typeof tempDir>[0]): Promise<string> {
  const dir = await tempDir(t)
  await mkdir(path.join(dir, 'sub', 'deeper'), {recursive: true})
  await mkdir(path.join(dir, '.github'), {recursive: true})
  await writeFile(path.join(dir, 'b.yaml'), service('b', 'x'))
  await writeFile(path.join(dir, 'a.yml'), service('a', 'x'))
  await writeFile(path.join(dir, 'c.json'), JSON.stringify({apiVersion: 'v1', kind: 'Service', metadata: {name: 'c', namespace: 'x'}}))
  await writeFile(path.join(dir, 'README.md'), 'apiVersion: v1\nkind: Service\nmetadata: {name: readme, namespace: x}\n')
  await writeFile(path.join(dir, 'sub', 'd.yaml'), service('d', 'x'))
  await writeFile(path.join(dir, 'sub', 'deeper', 'e.yaml'), service('e', 'x'))
  await writeFile(path.join(dir, '.github', 'ci.yml'), 'on: push\njobs: {}\n')
  return dir
}

test('directory without recursive: only its own *.yaml/*.yml/*.json files, in name order', async (t) => {
  const dir = await makeTree(t)
  const r = await readFileInputs([dir], {...DEFAULTS, recursive: false})
  t.deepEqual(names(r.objects), ['Service/a', 'Service/b', 'Service/c'])
  t.is(r.filesRead, 3)
  t.deepEqual(
    r.objects.map((o) => path.basename(o.source.file!)),
    ['a.yml', 'b.yaml', 'c.json'],
  )
  t.deepEqual(codes(r.diagnostics), ['subdirectories-skipped'])
  t.is(r.diagnostics[0].level, 'info')
})

test('directory with recursive: subdirectories too, hidden ones skipped', async (t) => {
  const dir = await makeTree(t)
  const r = await readFileInputs([dir], {...DEFAULTS, recursive: true})
  t.deepEqual(names(r.objects), ['Service/a', 'Service/b', 'Service/c', 'Service/d', 'Service/e'])
  t.is(r.filesRead, 5)
  t.deepEqual(r.diagnostics, [])
})

test('a missing path is an error naming it; the other paths are still read', async (t) => {
  const dir = await makeTree(t)
  const missing = path.join(dir, 'nope.yaml')
  const r = await readFileInputs([missing, path.join(dir, 'b.yaml')], {...DEFAULTS, recursive: false})
  t.deepEqual(names(r.objects), ['Service/b'])
  t.is(r.filesRead, 1)
  const errs = r.diagnostics.filter((d) => d.level === 'error')
  t.is(errs.length, 1)
  t.is(errs[0].code, 'input-not-found')
  t.deepEqual(errs[0].data, {path: missing})
  t.deepEqual(errs[0].source, {file: missing})
})

test('an unreadable file is an error naming it', async (t) => {
  if (process.getuid?.() === 0) {
    t.pass('running as root: permissions are not enforced')
    return
  }
  const dir = await tempDir(t)
  const locked = path.join(dir, 'locked.yaml')
  await writeFile(locked, service('l', 'x'), {mode: 0o000})
  await writeFile(path.join(dir, 'ok.yaml'), service('ok', 'x'))
  const r = await readFileInputs([locked, path.join(dir, 'ok.yaml')], {...DEFAULTS, recursive: false})
  t.deepEqual(names(r.objects), ['Service/ok'])
  t.deepEqual(codes(r.diagnostics), ['input-unreadable'])
  t.deepEqual(r.diagnostics[0].data, {path: locked, action: 'read', error: 'permission denied'})
})

test('empty input overall gives one empty-input warning', async (t) => {
  const dir = await tempDir(t)
  await writeFile(path.join(dir, 'empty.yaml'), '# nothing here\n---\n')
  const r = await readFileInputs([dir], {...DEFAULTS, recursive: false})
  t.deepEqual(r.objects, [])
  t.is(r.filesRead, 1)
  t.deepEqual(codes(r.diagnostics), ['empty-input'])
  t.is(r.diagnostics[0].level, 'warning')

  const none = await readFileInputs([await tempDir(t)], {...DEFAULTS, recursive: false})
  t.is(none.filesRead, 0)
  t.deepEqual(codes(none.diagnostics), ['empty-input'])
})

test('stdin (-) is read through readStdin, once, and named <stdin>', async (t) => {
  let calls = 0
  const readStdin = async () => {
    calls++
    return service('from-stdin')
  }
  const r = await readFileInputs(['-', '-'], {defaultNamespace: 'team-s', namespaceExplicit: true, recursive: false, readStdin})
  t.is(calls, 1)
  t.is(r.filesRead, 1)
  t.deepEqual(names(r.objects), ['Service/from-stdin'])
  t.deepEqual(r.objects[0].source, {file: '<stdin>', line: 1})
  t.is(r.objects[0].object.metadata.namespace, 'team-s')
  t.deepEqual(codes(r.diagnostics), ['namespace-defaulted'])

  const without = await readFileInputs(['-'], {...DEFAULTS, recursive: false})
  t.deepEqual(codes(without.diagnostics), ['input-unreadable', 'empty-input'])
  t.deepEqual(without.diagnostics[0].data, {path: '-', stdin: 'unavailable'})
})

test('fixtures directory reads deterministically and converts everything readable', async (t) => {
  const a = await readFileInputs([FIXTURES], {...DEFAULTS, recursive: false})
  const b = await readFileInputs([FIXTURES], {...DEFAULTS, recursive: false})
  t.deepEqual(a, b)
  t.is(a.filesRead, 8)
  t.true(a.objects.length >= 10)
  // The one broken document in multi-broken.yaml is the only error.
  t.deepEqual(
    a.diagnostics.filter((d) => d.level === 'error').map((d) => d.code),
    ['yaml-syntax'],
  )
})
