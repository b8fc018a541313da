/**
 * The annotation families do not depend on the order they run in (issue 19 item 2): each reads only its Ingress,
 * the resolved settings and the lookup, and writes its own patch, which the runner merges in registration order
 * (translate/annotation-pass.ts applyFamilies). Every golden case, converted with the families run reversed and in
 * three seeded shuffles, must give byte for byte its expected output. (The family unit fixtures are checked the same
 * way by test/annotations/support.ts translateAll.) Before the patches, the reversed order changed
 * security-auth-oauth2-proxy (external-auth's fail-closed no longer removed an allowlist rule written after it) and
 * traffic-https-stickiness (backend-protocol read load-balancing's fragments before they existed).
 */
import test from 'ava'
import {existsSync, mkdtempSync, readdirSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {allFamilies} from '../src/annotations/index.js'
import {inFamilyOrder, OTHER_ORDERS} from './support/family-order.js'
import {runCli} from './support/run-cli.js'

// As golden.test.ts: no kubeconfig, so objects without a namespace read "default".
process.env.KUBECONFIG = ''
process.env.HOME = mkdtempSync(join(tmpdir(), 'i2g-family-order-home-'))

const GOLDEN = new URL('./golden/', import.meta.url).pathname
const cases = readdirSync(GOLDEN, {withFileTypes: true})
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort()

test('the other orders really differ from the registered one', (t) => {
  const names = allFamilies().map((f) => f.name)
  for (const order of OTHER_ORDERS) t.notDeepEqual(order.permute(allFamilies()).map((f) => f.name), names, order.name)
})

for (const name of cases) {
  test.serial(`families in any order: ${name}`, async (t) => {
    const dir = join(GOLDEN, name)
    const input = existsSync(join(dir, 'input')) ? 'input' : 'input.yaml'
    const argsFile = join(dir, 'args')
    const args = existsSync(argsFile)
      ? readFileSync(argsFile, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'))
      : []
    const expectedOut = readFileSync(join(dir, 'expected.yaml'), 'utf8')
    const expectedErr = readFileSync(join(dir, 'expected-diagnostics.txt'), 'utf8')
    for (const order of OTHER_ORDERS) {
      const result = await inFamilyOrder(order.permute, () => runCli(['convert', '-f', input, '--color', 'never', ...args], dir))
      t.is(result.stdout, expectedOut, `stdout with the families ${order.name}`)
      t.is(result.stderr, expectedErr, `stderr with the families ${order.name}`)
    }
  })
}
