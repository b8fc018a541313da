/**
 * Benchmark: N Ingresses + Services (default 10,000) through each stage, as JSON (kubectl get -o json) and
 * YAML (a GitOps tree). Prints wall-clock per stage; run with `npm run bench [-- N]`. Not a test.
 */
import {performance} from 'node:perf_hooks'
import jsYaml from 'js-yaml'
import {parseManifestText} from '../src/sources/parse-manifests.js'
import {translate} from '../src/translate/index.js'
import {toJsonList, toYaml} from '../src/output/serialize.js'
import {buildReport, renderHtml, renderJson, renderMarkdown, renderText} from '../src/output/migration-report/index.js'
import {gitopsFiles} from '../src/output/gitops-tree.js'

const n = Number(process.argv[2] ?? 10000)

function fixture(count: number): any[] {
  const items: any[] = []
  for (let i = 0; i < count; i++) {
    const ns = `team-${i % 200}`
    const host = `app${i}.example.com`
    items.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {name: `svc-${i}`, namespace: ns, labels: {app: `svc-${i}`}},
      spec: {selector: {app: `svc-${i}`}, ports: [{name: 'http', port: 80, targetPort: 8080, protocol: 'TCP'}], type: 'ClusterIP'},
    })
    const annotations: Record<string, string> = {'nginx.ingress.kubernetes.io/ssl-redirect': i % 3 === 0 ? 'false' : 'true'}
    if (i % 10 === 0) annotations['nginx.ingress.kubernetes.io/use-regex'] = 'true'
    if (i % 7 === 0) annotations['nginx.ingress.kubernetes.io/rewrite-target'] = '/$2'
    if (i % 5 === 0) annotations['nginx.ingress.kubernetes.io/proxy-body-size'] = '8m'
    if (i % 4 === 0) annotations['nginx.ingress.kubernetes.io/proxy-read-timeout'] = '300'
    items.push({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: {name: `ing-${i}`, namespace: ns, creationTimestamp: new Date(1_700_000_000_000 + i * 1000).toISOString(), annotations},
      spec: {
        ingressClassName: 'nginx',
        tls: i % 2 === 0 ? [{hosts: [host], secretName: `tls-${i}`}] : undefined,
        rules: [
          {
            host,
            http: {
              paths: [
                {path: '/', pathType: 'Prefix', backend: {service: {name: `svc-${i}`, port: {name: 'http'}}}},
                {path: i % 7 === 0 ? '/api(/|$)(.*)' : '/api', pathType: 'ImplementationSpecific', backend: {service: {name: `svc-${i}`, port: {number: 80}}}},
                {path: '/static', pathType: 'Exact', backend: {service: {name: `svc-${i}`, port: {number: 80}}}},
              ],
            },
          },
        ],
      },
    })
  }
  return items
}

function time<T>(label: string, fn: () => T): T {
  const t0 = performance.now()
  const out = fn()
  console.log(`${label.padEnd(34)} ${(performance.now() - t0).toFixed(0).padStart(6)} ms`)
  return out
}

const items = fixture(n)
const json = JSON.stringify({apiVersion: 'v1', kind: 'List', items})
const yaml = items.map((o) => jsYaml.dump(o)).join('---\n')
console.log(`${n} Ingresses + ${n} Services: JSON ${(json.length / 1e6).toFixed(1)} MB, YAML ${(yaml.length / 1e6).toFixed(1)} MB`)
const opts = {defaultNamespace: 'default', namespaceExplicit: false}
const fromJson = time('parse JSON (List)', () => parseManifestText(json, 'bench.json', opts))
time('parse YAML (multi-document)', () => parseManifestText(yaml, 'bench.yaml', opts))
const result = time('translate', () => translate({objects: fromJson.objects, spansCluster: true}, {}))
console.log(`  -> ${result.objects.length} objects, ${result.diagnostics.length} diagnostics`)
time('serialize YAML', () => toYaml(result.objects))
time('serialize JSON', () => toJsonList(result.objects))
const report = time('report: build', () => buildReport(result, {snapshot: {objects: fromJson.objects}}))
time('report: text', () => renderText(report))
const markdown = time('report: markdown', () => renderMarkdown(report))
time('report: json', () => renderJson(report))
const html = time('report: html', () => renderHtml(report))
console.log(`  -> html ${(html.length / 1e6).toFixed(1)} MB, markdown ${(markdown.length / 1e6).toFixed(1)} MB`)
time('--output-dir: the tree\'s files', () => gitopsFiles(result.objects, markdown))
