/**
 * The diagnostics catalogue (src/model/catalogue/) against what the code emits: every emitted diagnostic agrees with
 * its entry (level, fidelity), and every entry is emitted somewhere (no dead codes a CI gate could key on in vain).
 * The unit tests' sink (test/annotations/support.ts translateAll) runs the same check on every annotation test.
 */
import test from 'ava'
import {existsSync, mkdtempSync, readdirSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {CATALOGUE, CATALOGUE_AREAS} from '../src/model/catalogue/index.js'
import {catalogueContradiction, refProblem} from '../src/model/catalogue/check.js'
import type {MigrationReport, ReportDiagnostic} from '../src/output/migration-report/index.js'
import {clientTrafficFromConfigMap} from '../src/translate/bundle/client-traffic.js'
import {envoyProxyFromService} from '../src/translate/bundle/envoy-proxy.js'
import {CONFIGMAP_KEYS} from '../src/configmap/keys.js'
import {configMapRegistry} from '../src/configmap/index.js'
import {renderDiagnosticDocs} from '../scripts/diagnostic-docs.js'
import {runCli} from './support/run-cli.js'

process.env.KUBECONFIG = ''
process.env.HOME = mkdtempSync(join(tmpdir(), 'i2g-catalogue-home-'))

const ROOT = new URL('../', import.meta.url).pathname
const GOLDEN = join(ROOT, 'test/golden')

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, {withFileTypes: true}).flatMap((e) => (e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []))
}

test('every catalogue entry has a doc and a code that is unique', (t) => {
  const codes = CATALOGUE_AREAS.flatMap((a) => a.definitions.map((d) => d.code as string))
  t.is(new Set(codes).size, codes.length)
  t.is(CATALOGUE.size, codes.length)
  for (const d of CATALOGUE.values()) {
    t.regex(d.code, /^[a-z0-9]+(-[a-z0-9.]+)*$/, d.code)
    t.true(d.doc.length >= 40, `${d.code}: doc too short to act on`)
    t.false(/\$\{|\? '|: undefined/.test(d.doc), `${d.code}: doc has code in it: ${d.doc}`)
  }
})

test('no dead entries: every catalogued code is written at a call site in src/', (t) => {
  const literals = new Set<string>()
  for (const file of sourceFiles(join(ROOT, 'src'))) {
    if (file.includes('/src/model/catalogue/')) continue
    const text = readFileSync(file, 'utf8')
    for (const m of text.matchAll(/'([a-z0-9.-]+)'/g)) literals.add(m[1])
    // annotation-pass.ts: the default code of an annotation's account() is `annotation-${fidelity}`.
    if (text.includes('`annotation-${fidelity}`')) for (const f of ['exact', 'approximate', 'manual', 'ignored']) literals.add(`annotation-${f}`)
  }
  const dead = [...CATALOGUE.keys()].filter((code) => !literals.has(code))
  t.deepEqual(dead, [], 'catalogue entries no code in src/ emits')
})

/** Every diagnostic a migration report carries (Ingress entries, tcp/udp entries, notes). */
function reportDiagnostics(report: MigrationReport): ReportDiagnostic[] {
  return [...report.ingresses.flatMap((e) => e.diagnostics), ...report.streamEntries.flatMap((e) => e.diagnostics), ...report.notes]
}

const cases = readdirSync(GOLDEN, {withFileTypes: true}).filter((d) => d.isDirectory() && !d.name.startsWith('error-')).map((d) => d.name).sort()

test.serial('the golden cases emit only what the catalogue declares, and name Ingresses, ConfigMaps and Services by ref', async (t) => {
  const wrong = new Map<string, string[]>()
  let seen = 0
  for (const name of cases) {
    const dir = join(GOLDEN, name)
    const input = existsSync(join(dir, 'input')) ? 'input' : 'input.yaml'
    const argsFile = join(dir, 'args')
    const args = existsSync(argsFile) ? readFileSync(argsFile, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#')) : []
    const result = await runCli(['report', '-f', input, '-o', 'json', '--no-verify', ...args], dir)
    t.is(result.exitCode, 0, `${name}: ${result.stderr}`)
    const diagnostics = reportDiagnostics(JSON.parse(result.stdout) as MigrationReport)
    seen += diagnostics.length
    for (const d of diagnostics) {
      for (const why of [catalogueContradiction(d), refProblem(d)]) if (why) wrong.set(why, [...(wrong.get(why) ?? []), name])
    }
  }
  t.true(seen > 500, `only ${seen} diagnostics in the goldens`)
  t.deepEqual([...wrong].map(([why, names]) => `${why} (${[...new Set(names)].join(', ')})`), [])
})

test('every ConfigMap key, present, is reported as the catalogue declares', (t) => {
  for (const nginxDefaults of [false, true]) {
    const data: Record<string, string> = {}
    for (const key of CONFIGMAP_KEYS) {
      const d = configMapRegistry.get(key)!.spec.default
      data[key] = d === '' || d.startsWith('(') || d.includes('...') ? 'x' : d
    }
    const cm = {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'ingress-nginx-controller', namespace: 'ingress-nginx'}, data}
    const {diagnostics} = clientTrafficFromConfigMap(cm, {gateway: {namespace: 'gateway', name: 'shared'}, clientIp: 'auto', nginxDefaults, httpsListener: 'https'})
    t.true(diagnostics.length > 100)
    t.deepEqual([...new Set(diagnostics.flatMap((d) => [catalogueContradiction(d), refProblem(d)]).filter((w) => w !== undefined))], [], `nginxDefaults ${nginxDefaults}`)
  }
})

test('docs/diagnostics.md is fresh (run `npm run docs`) and lists every code', (t) => {
  const docs = readFileSync(join(ROOT, 'docs/diagnostics.md'), 'utf8')
  t.is(docs, renderDiagnosticDocs())
  for (const code of CATALOGUE.keys()) t.true(docs.includes(`| \`${code}\` |`), code)
})

test('the controller Service diagnostics (envoy-proxy.ts) name the Service by ref, as the catalogue declares', (t) => {
  // One Service per path of envoyProxyFromService that speaks: ClusterIP, tooling/identity/address annotations,
  // loadBalancerIP, sessionAffinity, and the AWS default scheme that pins internal.
  const service = (name: string, spec: Record<string, unknown>, annotations: Record<string, string> = {}) => ({apiVersion: 'v1', kind: 'Service', metadata: {name, namespace: 'ingress-nginx', annotations}, spec})
  const services = [
    service('plain', {type: 'ClusterIP', sessionAffinity: 'ClientIP'}),
    service(
      'public',
      {type: 'LoadBalancer', loadBalancerIP: '203.0.113.7'},
      {'meta.helm.sh/release-name': 'ingress-nginx', 'external-dns.alpha.kubernetes.io/hostname': 'lb.example.com', 'service.beta.kubernetes.io/do-loadbalancer-name': 'edge', 'example.com/kept': 'yes'},
    ),
    service('aws', {type: 'LoadBalancer', loadBalancerClass: 'service.k8s.aws/nlb'}),
  ]
  const diagnostics = services.flatMap((s) => envoyProxyFromService(s, {namespace: 'gateway', name: 'shared'}).diagnostics)
  const codes = new Set<string>(diagnostics.map((d) => d.code))
  for (const code of ['controller-service-cluster-ip', 'controller-service-session-affinity', 'controller-service-annotations-kept', 'controller-service-annotations-dropped', 'controller-service-address-not-carried', 'controller-service-aws-default-scheme', 'controller-service-internal-pinned']) {
    t.true(codes.has(code), `no ${code}`)
  }
  t.true(diagnostics.every((d) => d.ref?.kind === 'Service' && d.ref.namespace === 'ingress-nginx'))
  t.deepEqual([...new Set(diagnostics.flatMap((d) => [catalogueContradiction(d), refProblem(d)]).filter((w) => w !== undefined))], [])
  // The check itself: a Service diagnostic without its ref is a problem, as an Ingress's is.
  t.is(refProblem({code: 'controller-service-cluster-ip', object: 'Service ingress-nginx/plain'}), 'controller-service-cluster-ip: Service diagnostic without ref')
})
