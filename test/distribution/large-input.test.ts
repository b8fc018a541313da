/**
 * Inputs of a large cluster's size go through without stack overflows: one `kubectl get -A -o json` file holds more
 * objects than a function call takes arguments, so nothing may spread them into push(...), Math.max(...) or any
 * other call (src/util/arrays.ts loops instead). Each test below overflowed before.
 */
import test from 'ava'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {readFileInputs} from '../../src/sources/files.js'
import {buildReport, renderHtml, renderMarkdown, renderText} from '../../src/output/migration-report/index.js'
import {plainPainter} from '../../src/output/report.js'
import {renderStatusText} from '../../src/status/render.js'
import type {ObjectStatus} from '../../src/status/model.js'
import type {TranslateResult} from '../../src/model/types.js'
import {byteString} from '../../src/configmap/header-blocks/nginx-map.js'
import {maxOf, minOf, pushAll} from '../../src/util/arrays.js'

test('one JSON List of 150,000 objects is read whole (push(...) of them overflowed the stack)', async (t) => {
  const items: unknown[] = []
  for (let i = 0; i < 150_000; i++) items.push({apiVersion: 'v1', kind: 'Service', metadata: {name: `s${i}`, namespace: 'big'}, spec: {ports: [{port: 80}]}})
  const file = join(mkdtempSync(join(tmpdir(), 'i2gw-large-')), 'cluster.json')
  writeFileSync(file, JSON.stringify({apiVersion: 'v1', kind: 'List', items}))
  const r = await readFileInputs([file], {defaultNamespace: 'default', namespaceExplicit: false, recursive: false})
  t.is(r.objects.length, 150_000)
  t.is(r.diagnostics.filter((d) => d.level === 'error').length, 0)
})

// Past this many call arguments V8 overflows the stack (about 120,000 with the default stack); 150,000 is past it.
const MANY = 150_000

test('pushAll, maxOf and minOf take more items than a call takes arguments', (t) => {
  const items = Array.from({length: MANY}, (_, i) => i)
  t.throws(() => [].push(...(items as never[])), {instanceOf: RangeError}, 'the spread these replace does overflow here')
  const target = [-1]
  t.is(pushAll(target, items), target)
  t.is(target.length, MANY + 1)
  t.is(target[MANY], MANY - 1)
  t.is(maxOf(items), MANY - 1)
  t.is(minOf(items), 0)
  t.is(maxOf([], 7), 7)
  t.is(maxOf([3, 9]), 9)
  t.is(minOf([3, 9], 5), 3)
  t.is(minOf([]), Infinity)
})

test('the migration report of a namespace with 150,000 Ingresses renders as text, markdown and HTML', (t) => {
  const result: TranslateResult = {
    objects: [],
    diagnostics: [],
    checklist: [],
    ingresses: Array.from({length: MANY}, (_, i) => ({
      ingress: `big/ing-${String(i).padStart(6, '0')}`,
      source: {file: 'cluster.json'},
      status: 'converted' as const,
      annotations: {},
      objects: [`HTTPRoute/ing-${i}`],
    })),
  }
  const report = buildReport(result)
  t.is(report.summary.ingresses, MANY)
  const text = renderText(report, {colour: false, width: 120})
  t.true(text.includes('ing-149999'), 'the last Ingress is listed')
  t.true(renderMarkdown(report).includes('ing-149999'))
  t.true(renderHtml(report).includes('ing-149999'))
})

test('status renders a namespace of 150,000 objects', (t) => {
  const objects: ObjectStatus[] = Array.from({length: MANY}, (_, i) => ({apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', namespace: 'big', name: `route-${i}`, state: 'ready', summary: 'Accepted', findings: []}))
  const out = renderStatusText({apiVersion: 'ingress2gw.io/v1', kind: 'StatusReport', ready: MANY, notReady: 0, unknown: 0, namespaces: [{namespace: 'big', ready: MANY, notReady: 0, unknown: 0, objects}], notChecked: []}, plainPainter)
  t.true(out.includes('route-149999'))
})

test('byteString of a 1 MiB ConfigMap value (the most a ConfigMap holds) gives one char per UTF-8 byte', (t) => {
  const value = 'é'.repeat(512 * 1024)
  const bytes = byteString(value)
  t.is(bytes.length, 1024 * 1024)
  t.is(bytes.slice(0, 2), '\u00c3\u00a9')
  t.is(bytes.slice(-2), '\u00c3\u00a9')
})
