/**
 * Golden cases: test/golden/<case>/ holds input.yaml (or input/), args (extra CLI flags, one per line),
 * expected.yaml (stdout) and expected-diagnostics.txt (stderr). UPDATE_GOLDEN=1 rewrites the expectations;
 * every rewritten golden must be read by eye before it is committed.
 */
import test from 'ava'
import {existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {accountingAudit, type DoubleAccount} from '../src/model/fidelity-ledger.js'
import {runCli} from './support/run-cli.js'

// convert -f places objects without a namespace in the kubeconfig context's namespace, as kubectl: no kubeconfig
// here, whatever the machine has, so the goldens read "default".
process.env.KUBECONFIG = ''
process.env.HOME = mkdtempSync(join(tmpdir(), 'i2g-golden-home-'))

const GOLDEN = new URL('./golden/', import.meta.url).pathname
const update = process.env.UPDATE_GOLDEN === '1'

// Every key ends in exactly one fidelity, decided by one family: a key two families account (the first silently
// wins) fails its golden. The cases run serially, so the list belongs to the case running.
const doubleAccounted: DoubleAccount[] = []
accountingAudit.onDoubleAccount = (c) => doubleAccounted.push(c)

const cases = readdirSync(GOLDEN, {withFileTypes: true})
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort()

test('there are at least 15 golden cases', (t) => {
  t.true(cases.length >= 15, `only ${cases.length} golden cases`)
})

for (const name of cases) {
  test.serial(`golden: ${name}`, async (t) => {
    const dir = join(GOLDEN, name)
    const input = existsSync(join(dir, 'input')) ? 'input' : 'input.yaml'
    const argsFile = join(dir, 'args')
    const args = existsSync(argsFile)
      ? readFileSync(argsFile, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'))
      : []
    doubleAccounted.length = 0
    const result = await runCli(['convert', '-f', input, '--color', 'never', ...args], dir)
    t.deepEqual(doubleAccounted, [], 'a key accounted by two families')
    const expectedOut = join(dir, 'expected.yaml')
    const expectedErr = join(dir, 'expected-diagnostics.txt')
    if (update || !existsSync(expectedOut)) {
      writeFileSync(expectedOut, result.stdout)
      writeFileSync(expectedErr, result.stderr)
      t.log(`wrote ${name} expectations: read them before committing`)
    }
    t.is(result.stdout, readFileSync(expectedOut, 'utf8'), 'stdout differs from expected.yaml')
    t.is(result.stderr, readFileSync(expectedErr, 'utf8'), 'stderr differs from expected-diagnostics.txt')
    t.is(result.exitCode, name.startsWith('error-') ? 2 : 0)
  })
}
