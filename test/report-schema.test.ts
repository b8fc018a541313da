/**
 * docs/report-schema.json is the contract of `report -o json`: every report the tool prints validates against it
 * (the report goldens, and the report of every convert golden case with its flags), its version is the code's, and
 * it is strict enough to catch a field added or renamed without it (additionalProperties: false throughout).
 */
import test from 'ava'
import {Ajv2020} from 'ajv/dist/2020.js'
import {existsSync, mkdtempSync, readdirSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {REPORT_SCHEMA_VERSION} from '../src/output/migration-report/index.js'
import {REPORT_GOLDEN, reportCases} from './support/report-cases.js'
import {ROOT, runCli} from './support/run-cli.js'

process.env.KUBECONFIG = ''
process.env.HOME = mkdtempSync(join(tmpdir(), 'i2g-report-schema-home-'))

const schema = JSON.parse(readFileSync(join(ROOT, 'docs', 'report-schema.json'), 'utf8'))
const validate = new Ajv2020({allErrors: true, strict: true}).compile(schema)
const errors = () => JSON.stringify(validate.errors?.slice(0, 5), null, 1)

test('the schema carries the version the code writes', (t) => {
  t.is(schema.properties.schemaVersion.const, REPORT_SCHEMA_VERSION)
  t.regex(REPORT_SCHEMA_VERSION, /^\d+\.\d+$/)
  t.is(schema.properties.kind.const, 'IngressMigrationReport')
})

test('every report golden validates', (t) => {
  for (const name of reportCases()) {
    const report = JSON.parse(readFileSync(join(REPORT_GOLDEN, name, 'expected.json'), 'utf8'))
    t.true(validate(report), `${name}: ${errors()}`)
    t.is(report.schemaVersion, REPORT_SCHEMA_VERSION)
  }
})

test.serial('the report of every convert golden case validates', async (t) => {
  const golden = join(ROOT, 'test', 'golden')
  const cases = readdirSync(golden, {withFileTypes: true}).filter((d) => d.isDirectory())
  let checked = 0
  for (const {name} of cases) {
    const dir = join(golden, name)
    const input = existsSync(join(dir, 'input')) ? 'input' : 'input.yaml'
    const args = existsSync(join(dir, 'args'))
      ? readFileSync(join(dir, 'args'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'))
      : []
    const r = await runCli(['report', '-f', input, '-o', 'json', ...args], dir)
    if (name.startsWith('error-')) {
      t.is(r.exitCode, 2, name)
      continue
    }
    t.is(r.exitCode, 0, `${name}: ${r.stderr}`)
    t.true(validate(JSON.parse(r.stdout)), `${name}: ${errors()}`)
    checked++
  }
  t.true(checked >= 60, `only ${checked} cases`)
})

test('the schema rejects what it does not describe', (t) => {
  const report = JSON.parse(readFileSync(join(REPORT_GOLDEN, 'examples', 'expected.json'), 'utf8'))
  const broken = (edit: (r: any) => void) => {
    const copy = structuredClone(report)
    edit(copy)
    return validate(copy)
  }
  t.true(broken(() => undefined))
  t.false(broken((r) => (r.summary.extra = 1)), 'an undocumented field')
  t.false(broken((r) => (r.ingresses[0].status = 'fine')), 'an unknown status')
  t.false(broken((r) => delete r.ingresses[0].outcome), 'a required field missing')
  t.false(broken((r) => (r.ingresses[0].diagnostics[0].level = 'fatal')), 'an unknown level')
  t.false(broken((r) => (r.schemaVersion = '2.0')), 'another version')
  t.true(broken((r) => (r.ingresses[0].probes = {total: 12, same: 11, different: 1})), 'probe counts have their place for verify')
})
