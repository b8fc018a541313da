/**
 * src/model/generated/ holds the spec types of the emitted kinds, rendered from the CRDs the conformance tests load
 * (scripts/crd-types.ts). They must match those CRDs: a stale file would let an emitter type-check against a schema
 * the API server no longer has.
 */
import {mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import test from 'ava'
import yaml from 'js-yaml'
import {findCrdRoot, GENERATED_DIR, renderCrdTypes, SOURCES} from '../scripts/crd-types.js'
import {STORAGE_API_VERSION} from '../src/model/generated/index.js'

const root = findCrdRoot()

function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys)
  if (value === null || typeof value !== 'object') return value
  return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reverseKeys(v)]))
}

if (root === undefined) {
  test.skip('src/model/generated/ is fresh: no CRDs in ../shared/crds or .crds/ (run `npm run crds`)', () => {})
} else {
  const rendered = renderCrdTypes(root)

  test('src/model/generated/ is fresh (run `npm run types`)', (t) => {
    const committed = readdirSync(GENERATED_DIR).filter((f) => f.endsWith('.ts')).sort()
    t.deepEqual(committed, [...rendered.keys()].sort())
    for (const [file, text] of rendered) t.is(readFileSync(`${GENERATED_DIR}${file}`, 'utf8'), text, `${file} is stale`)
  })

  test('the text does not depend on the order of keys in the CRDs (properties are sorted, not taken as listed)', (t) => {
    // The same CRDs with every mapping's keys reversed: schema-equivalent, so the generated files must not change.
    const reversed = mkdtempSync(path.join(tmpdir(), 'ingress2gw-crds-'))
    try {
      for (const source of SOURCES) {
        mkdirSync(path.join(reversed, source.dir), {recursive: true})
        for (const file of readdirSync(path.join(root, source.dir)).filter((f) => /\.ya?ml$/.test(f))) {
          const docs = yaml.loadAll(readFileSync(path.join(root, source.dir, file), 'utf8')).map(reverseKeys)
          writeFileSync(path.join(reversed, source.dir, file), docs.map((d) => yaml.dump(d, {lineWidth: -1})).join('---\n'))
        }
      }
      t.deepEqual([...renderCrdTypes(reversed)], [...rendered])
    } finally {
      rmSync(reversed, {recursive: true, force: true})
    }
  })

  test('the generated types carry the CRD shapes the emitters rely on', (t) => {
    const gatewayApi = rendered.get('gateway-api.ts')!
    // Required without a default: mandatory (backendRef name); a field with a default (weight: 1) is optional.
    t.regex(gatewayApi, /export interface HTTPRouteSpecRulesBackendRefs \{[^}]*\n {2}name: string\n/)
    t.regex(gatewayApi, /export interface HTTPRouteSpecRulesBackendRefs \{[^}]*\n {2}weight\?: number\n/)
    // Enums become unions; int-or-string stays both.
    t.regex(gatewayApi, /export interface HTTPRouteSpecRulesMatchesPath \{[^}]*type\?: 'Exact' \| 'PathPrefix' \| 'RegularExpression'\n/)
    const eg = rendered.get('envoy-gateway.ts')!
    // EnvoyExtensionPolicy lua[].type is required but defaults to Inline: the API server fills it, so it is optional.
    t.regex(eg, /export interface EnvoyExtensionPolicySpecLua \{[^}]*\n {2}type\?: 'Inline' \| 'ValueRef'\n/)
    t.regex(eg, /export interface BackendTrafficPolicySpecRequestBuffer \{[^}]*\n {2}limit\?: number \| string\n/)
    // A later object identical to an earlier one is an alias of it (Issuer and ClusterIssuer share cert-manager's IssuerSpec).
    t.regex(rendered.get('cert-manager.ts')!, /\nexport type IssuerSpec = ClusterIssuerSpec\n/)
    // Every served version, all with the storage version's spec: the standard channel serves TCPRoute as v1 only.
    const index = rendered.get('index.ts')!
    t.regex(index, /\n {2}TCPRoute: 'gateway\.networking\.k8s\.io\/v1'\n/)
    t.regex(index, /\n {2}ReferenceGrant: 'gateway\.networking\.k8s\.io\/v1' \| 'gateway\.networking\.k8s\.io\/v1beta1'\n/)
    t.is(STORAGE_API_VERSION.HTTPRoute, 'gateway.networking.k8s.io/v1')
    t.is(STORAGE_API_VERSION.SecurityPolicy, 'gateway.envoyproxy.io/v1alpha1')
  })
}
