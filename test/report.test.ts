/**
 * report: per-Ingress status from the translate result, in every format, and --fail-on as a CI gate.
 */
import test from 'ava'
import {buildReport, renderHtml, renderMarkdown, renderText, statusAtLeast} from '../src/output/migration-report.js'
import {translate} from '../src/translate/index.js'
import type {KubeObject} from '../src/translate/types.js'
import {ROOT, runCli} from './support/run-cli.js'

function ingress(name: string, annotations: Record<string, string> = {}, host = `${name}.example.com`): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {name, namespace: 'web', annotations},
    spec: {ingressClassName: 'nginx', rules: [{host, http: {paths: [{path: '/', pathType: 'Prefix', backend: {service: {name, port: {number: 80}}}}]}}]},
  }
}

const objects = [
  ingress('plain'),
  ingress('regex', {'nginx.ingress.kubernetes.io/use-regex': 'true'}),
  ingress('snippet', {'nginx.ingress.kubernetes.io/server-snippet': 'location /x { return 200; }'}),
  ingress('dropped', {'nginx.ingress.kubernetes.io/canary': 'true', 'nginx.ingress.kubernetes.io/canary-weight': '10'}, 'nowhere.example.com'),
].map((object) => ({object, source: {file: 'in.yaml', line: 1}}))

test('statuses reflect the worst fidelity of each Ingress', (t) => {
  const report = buildReport(translate({objects}, {}))
  const status = Object.fromEntries(report.ingresses.map((e) => [e.ingress, e.status]))
  t.is(status['web/plain'], 'exact')
  t.is(status['web/regex'], 'approximate')
  t.is(status['web/snippet'], 'manual')
  // A canary whose primary does not exist has no effect: approximate at best, never exact.
  t.not(status['web/dropped'], 'exact')
  t.is(report.summary.ingresses, 4)
  t.is(report.summary.byStatus.exact, 1)
})

test('text, markdown and HTML carry every Ingress and escape content', (t) => {
  const report = buildReport(translate({objects}, {}))
  const text = renderText(report)
  const md = renderMarkdown(report)
  const html = renderHtml(report)
  for (const name of ['web/plain', 'web/regex', 'web/snippet']) {
    t.true(text.includes(name))
    t.true(md.includes(name))
    t.true(html.includes(name))
  }
  t.true(html.startsWith('<!doctype html>'))
  t.false(html.includes('<script'))
  t.regex(md, /\| web\/regex \| approximate \|/)
})

test('statusAtLeast orders approximate < manual < skipped', (t) => {
  t.true(statusAtLeast('manual', 'approximate'))
  t.false(statusAtLeast('approximate', 'manual'))
  t.true(statusAtLeast('skipped', 'manual'))
  t.false(statusAtLeast('exact', 'approximate'))
})

test.serial('report --fail-on is a CI gate and --json prints the report', async (t) => {
  // That golden input carries a configuration-snippet: manual, never skipped.
  const input = 'test/golden/annotations-accounted/input.yaml'
  const gate = await runCli(['report', '-f', input, '--fail-on', 'manual'], ROOT)
  t.regex(gate.stdout, /^manual +web\/app/m)
  t.is(gate.exitCode, 1)
  const lenient = await runCli(['report', '-f', input, '--fail-on', 'skipped'], ROOT)
  t.is(lenient.exitCode, 0)
  const json = await runCli(['report', '-f', 'examples/', '--json'], ROOT)
  const parsed = JSON.parse(json.stdout)
  t.is(parsed.summary.ingresses, 5)
  t.true(Array.isArray(parsed.checklist))
})
