/**
 * Inputs of a large cluster's size go through without stack overflows: one `kubectl get -A -o json` file holds more
 * objects than a function call takes arguments, so nothing may spread them into push(...).
 */
import test from 'ava'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {readFileInputs} from '../../src/sources/files.js'

test('one JSON List of 150,000 objects is read whole (push(...) of them overflowed the stack)', async (t) => {
  const items: unknown[] = []
  for (let i = 0; i < 150_000; i++) items.push({apiVersion: 'v1', kind: 'Service', metadata: {name: `s${i}`, namespace: 'big'}, spec: {ports: [{port: 80}]}})
  const file = join(mkdtempSync(join(tmpdir(), 'i2gw-large-')), 'cluster.json')
  writeFileSync(file, JSON.stringify({apiVersion: 'v1', kind: 'List', items}))
  const r = await readFileInputs([file], {defaultNamespace: 'default', namespaceExplicit: false, recursive: false})
  t.is(r.objects.length, 150_000)
  t.is(r.diagnostics.filter((d) => d.level === 'error').length, 0)
})
