/**
 * Every object emitted by every golden case, and by the README's example command, validates against the real
 * CRD schemas in ../shared/crds (ajv with defaults applied, plus the CRDs' CEL rules; see docs/cel-coverage.md).
 */
import test from 'ava'
import jsYaml from 'js-yaml'
import {readdirSync, readFileSync, existsSync} from 'node:fs'
import {join} from 'node:path'
import {loadValidator} from './support/conformance.js'
import {runCli, ROOT} from './support/run-cli.js'

const GOLDEN = new URL('./golden/', import.meta.url).pathname

function objectsOf(text: string): any[] {
  return (jsYaml.loadAll(text) as any[]).filter((o) => o && typeof o === 'object')
}

test('every golden object validates against the CRDs', async (t) => {
  const validator = await loadValidator()
  let checked = 0
  const failures: string[] = []
  for (const name of readdirSync(GOLDEN).sort()) {
    const file = join(GOLDEN, name, 'expected.yaml')
    if (!existsSync(file)) continue
    for (const obj of objectsOf(readFileSync(file, 'utf8'))) {
      checked++
      for (const issue of validator.validate(obj)) {
        failures.push(`${name}: ${obj.kind} ${obj.metadata?.namespace ?? ''}/${obj.metadata?.name}: ${issue.path}: ${issue.message}`)
      }
    }
  }
  t.deepEqual(failures, [])
  t.true(checked > 50, `only ${checked} objects checked`)
})

test.serial('the README example output validates against the CRDs', async (t) => {
  const validator = await loadValidator()
  const result = await runCli(['convert', '-f', 'examples/', '--color', 'never'], ROOT)
  t.is(result.exitCode, 0, result.stderr)
  const objects = objectsOf(result.stdout)
  t.true(objects.length > 5)
  const failures = objects.flatMap((o) => validator.validate(o).map((i) => `${o.kind}/${o.metadata.name}: ${i.path}: ${i.message}`))
  t.deepEqual(failures, [])
})
