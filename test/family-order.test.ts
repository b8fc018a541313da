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
import {inFamilyOrder, inFamilyOrderSync, OTHER_ORDERS} from './support/family-order.js'
import {runCli} from './support/run-cli.js'
import {translate} from '../src/translate/index.js'
import type {KubeObject} from '../src/model/types.js'

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

const P = 'nginx.ingress.kubernetes.io/'
const ingress = (annotations: Record<string, string>): KubeObject => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: {name: 'web', namespace: 'team', annotations: Object.fromEntries(Object.entries(annotations).map(([k, v]) => [P + k, v]))},
  spec: {ingressClassName: 'nginx', rules: [{host: 'web.example.com', http: {paths: [{path: '/', pathType: 'Prefix', backend: {service: {name: 'web', port: {number: 80}}}}]}}]},
})
const SNIPPETS_ALLOWED: KubeObject = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: {name: 'ingress-nginx-controller', namespace: 'ingress-nginx'},
  data: {'allow-snippet-annotations': 'true', 'annotations-risk-level': 'Critical'},
}
const WEB: KubeObject = {apiVersion: 'v1', kind: 'Service', metadata: {name: 'web', namespace: 'team'}, spec: {ports: [{port: 80}]}}

/**
 * Inputs where two families' outputs meet in a combine step of the runner (annotation-pass.ts), which no golden case
 * has: the conversion must not change with the order the families run in.
 */
const MEETINGS: {name: string; annotations: Record<string, string>}[] = [
  // combineDenials: basic-auth and headers both deny the locations; the one named must not depend on the order.
  {name: 'two family denials', annotations: {'auth-type': 'basic', 'auth-secret': 'x/y/z', 'custom-headers': 'a/b/c'}},
  // combineDenyAll: auth-url failing closed, a snippet with access control, and an allowlist left out.
  {name: 'deny-all from auth-url and a snippet', annotations: {'auth-url': 'http://$host/auth', 'configuration-snippet': 'deny all;', 'allowlist-source-range': '10.0.0.0/8'}},
  // Many families writing filters, policies and objects to the same route rule.
  {
    name: 'list fields from many families',
    annotations: {'rewrite-target': '/x', 'upstream-vhost': 'up.example.com', 'enable-cors': 'true', 'limit-rps': '5', 'proxy-body-size': '0', 'configuration-snippet': 'gzip off;', 'app-root': '/app', 'from-to-www-redirect': 'true', 'mirror-target': 'http://m.team.svc.cluster.local/'},
  },
]

for (const meeting of MEETINGS) {
  test(`families in any order: ${meeting.name}`, (t) => {
    const convert = () => JSON.stringify(translate({objects: [ingress(meeting.annotations), WEB, SNIPPETS_ALLOWED].map((object, i) => ({object, source: {file: 'test.yaml', line: i + 1}}))}))
    const expected = convert()
    for (const order of OTHER_ORDERS) t.is(inFamilyOrderSync(order.permute, convert), expected, `the families ${order.name}`)
  })
}
