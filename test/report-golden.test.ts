/**
 * Report goldens: for each case of test/report-golden/ (see support/report-cases.ts), the report as text (piped:
 * plain), markdown and json. UPDATE_GOLDEN=1 rewrites them; read every rewritten file before committing it.
 */
import test from 'ava'
import {existsSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {REPORT_GOLDEN, reportCaseArgs, reportCases} from './support/report-cases.js'
import {runCli} from './support/run-cli.js'

// As in golden.test.ts: no kubeconfig, so objects without a namespace read "default" on every machine.
process.env.KUBECONFIG = ''
process.env.HOME = mkdtempSync(join(tmpdir(), 'i2g-report-golden-home-'))

const update = process.env.UPDATE_GOLDEN === '1'
const FORMATS = [
  ['text', 'expected.txt'],
  ['markdown', 'expected.md'],
  ['json', 'expected.json'],
] as const
const cases = reportCases()

test('the report goldens cover the examples, a 40-namespace platform and routed tcp/udp entries', (t) => {
  t.deepEqual(cases, ['examples', 'namespaces-40', 'tcp-udp-routed'])
})

for (const name of cases) {
  test.serial(`report golden: ${name}`, async (t) => {
    const {args, cwd} = reportCaseArgs(name)
    for (const [format, file] of FORMATS) {
      const r = await runCli(['report', ...args, '-o', format, '--color', 'never'], cwd)
      t.is(r.exitCode, 0, r.stderr)
      t.is(r.stderr, '', `${format}: nothing on stderr`)
      const expected = join(REPORT_GOLDEN, name, file)
      if (update || !existsSync(expected)) {
        writeFileSync(expected, r.stdout)
        t.log(`wrote ${name}/${file}: read it before committing`)
      }
      t.is(r.stdout, readFileSync(expected, 'utf8'), `${name}/${file} differs`)
    }
  })
}
