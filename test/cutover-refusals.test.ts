/**
 * The cutover refusal catalogue (src/cutover/refusals.ts): every code `cutover` refuses with is defined once, with
 * whether --force overrides it, documented in docs/cutover.md (generated; fresh), and emitted somewhere.
 */
import test from 'ava'
import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {REFUSALS, refusal} from '../src/cutover/refusals.js'
import {planCutover} from '../src/cutover/plan.js'
import type {CutoverFacts} from '../src/cutover/model.js'
import type {KubeObject} from '../src/model/types.js'
import {renderRefusalDocs, withRefusalDocs} from '../scripts/diagnostic-docs.js'
import {controllerConfigMap, envoyService, gateway, nginxService} from './support/cutover-fixtures.js'

const ROOT = join(fileURLToPath(import.meta.url), '..', '..')

test('docs/cutover.md lists every refusal code, and its table is fresh (run `npm run docs`)', (t) => {
  const docs = readFileSync(join(ROOT, 'docs/cutover.md'), 'utf8')
  t.is(docs, withRefusalDocs(docs))
  t.true(docs.includes(renderRefusalDocs()))
  for (const r of REFUSALS) t.true(docs.includes(`| \`${r.code}\` | ${r.overridable ? 'yes' : 'no'} |`), r.code)
})

test('every catalogued refusal is emitted by src/cutover, each code once in the catalogue', (t) => {
  const dir = join(ROOT, 'src/cutover')
  const source = readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && f !== 'refusals.ts')
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('\n')
  const emitted = new Set([...source.matchAll(/refusal\(\s*'([a-z-]+)'/g)].map((m) => m[1]))
  t.deepEqual([...emitted].sort(), REFUSALS.map((r) => r.code).sort())
  t.is(new Set(REFUSALS.map((r) => r.code)).size, REFUSALS.length)
})

test('refusal(): --force overrides as the catalogue says', (t) => {
  for (const r of REFUSALS) t.is(refusal(r.code, 'why').overridable, r.overridable, r.code)
})

test('a refusal message quoting a controller condition masks URL credentials (printed to stderr and in -o json)', (t) => {
  const gw = gateway({programmed: false}) as KubeObject
  const programmed = (gw.status as {conditions: {type: string; message: string}[]}).conditions.find((c) => c.type === 'Programmed')!
  programmed.message = 'cannot reach https://admin:s3cr3t-pw@registry.example.com/envoy'
  const withUid = (o: Record<string, any>): KubeObject => ({...o, metadata: {...o.metadata, uid: `uid-${o.metadata.name}`, resourceVersion: '1'}}) as KubeObject
  const facts: CutoverFacts = {
    service: withUid(nginxService({keep: true})),
    gatewayRef: {namespace: 'gateway', name: 'shared'},
    gateway: withUid(gw),
    envoyServices: [withUid(envoyService())],
    clientTrafficPolicies: [],
    controllerConfigMap: withUid(controllerConfigMap()),
    siblings: [],
    force: false,
  }
  const refused = planCutover(facts).refusals.find((r) => r.code === 'gateway-not-programmed')
  t.truthy(refused)
  t.false(JSON.stringify(refused).includes('s3cr3t-pw'))
  t.regex(refused!.message, /https:\/\/<redacted>@registry\.example\.com\/envoy/)
})
