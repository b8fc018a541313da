/**
 * The ConfigMap registry is complete and consistent, like the annotation registry: every key ingress-nginx v1.15.1
 * reads (config.go json tags + the keys template/configmap.go ReadConfig parses itself) is registered by exactly one
 * family, documented in the fresh docs/configmap.md, and exercised here: present in a ConfigMap, it ends in exactly
 * one diagnostic, never among the unknown keys.
 */
import test from 'ava'
import {readdirSync, readFileSync} from 'node:fs'
import {renderConfigMapDocs} from '../../scripts/annotation-docs.js'
import {configMapFamilies, configMapRegistry} from '../../src/configmap/index.js'
import {CONFIGMAP_KEYS, RETIRED_KEYS} from '../../src/configmap/keys.js'
import {clientTrafficFromConfigMap} from '../../src/translate/bundle/client-traffic.js'
import type {Diagnostic, KubeObject} from '../../src/model/types.js'

const ROOT = new URL('../../', import.meta.url).pathname
const GW = {namespace: 'gateway', name: 'shared'}

function run(data: Record<string, string>, nginxDefaults = false): {objects: KubeObject[]; diagnostics: Diagnostic[]} {
  const cm = {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'ingress-nginx-controller', namespace: 'ingress-nginx'}, data}
  return clientTrafficFromConfigMap(cm, {gateway: GW, clientIp: 'auto', nginxDefaults, httpsListener: 'https'})
}

/** The keys in the one configmap-keys-ignored info: [without effect, not recognised]. */
function listed(diagnostics: Diagnostic[]): [string[], string[]] {
  const info = diagnostics.find((d) => d.code === 'configmap-keys-ignored')?.message ?? ''
  const part = (label: string) => new RegExp(`${label}[^:]*: ([^;]+)`).exec(info)?.[1].split(', ') ?? []
  return [part('keys with no effect'), part('keys not recognised')]
}

/** A valid value for each key: its nginx default where that is a literal, else a typical one. */
const SAMPLES: Record<string, string> = {
  'ssl-ciphers': 'ECDHE-RSA-AES128-GCM-SHA256', 'gzip-types': 'text/plain', 'brotli-types': 'text/plain',
  'log-format-upstream': '$remote_addr $status', 'log-format-stream': '$remote_addr', 'lua-shared-dicts': 'configuration_data: 10m',
  'worker-processes': '2', 'load-balance': 'ewma', 'server-name-hash-bucket-size': '64', 'global-auth-url': 'http://auth.auth.svc.cluster.local/verify',
  'whitelist-source-range': '10.0.0.0/8', 'denylist-source-range': '192.0.2.0/24', 'block-cidrs': '203.0.113.7', 'custom-http-errors': '404,503',
  'proxy-set-headers': 'ingress-nginx/custom-headers', 'add-headers': 'ingress-nginx/response-headers', 'hide-headers': 'X-Powered-By',
  'main-snippet': 'worker_rlimit_nofile 65536;', 'http-snippet': 'map $a $b {}', 'server-snippet': 'location /x {}', 'location-snippet': 'add_header A b;',
  'stream-snippet': 'server {}', 'modsecurity-snippet': 'SecRuleEngine On', 'global-auth-signin': 'https://login.example.com',
  'block-user-agents': 'curl', 'block-referers': 'spam.example', 'bind-address': '10.0.0.1', 'debug-connections': '127.0.0.1',
  'global-allowed-response-headers': 'X-Frame-Options', 'annotation-value-word-blocklist': 'load_module,lua_package', 'app-root': '/app',
}
const sample = (key: string): string => {
  if (SAMPLES[key] !== undefined) return SAMPLES[key]
  const d = configMapRegistry.get(key)!.spec.default
  return d === '' || d.startsWith('(') || d.includes('...') ? 'x' : d
}

test('all 194 keys are registered once, by a family, and no family registers another key', (t) => {
  t.is(CONFIGMAP_KEYS.length, 194)
  t.is(new Set(CONFIGMAP_KEYS).size, 194)
  const specKeys = configMapFamilies.flatMap((f) => f.specs.map((s) => s.key))
  t.is(specKeys.length, new Set(specKeys).size, 'a key is registered by two families')
  t.deepEqual(CONFIGMAP_KEYS.filter((k) => !configMapRegistry.has(k)), [], 'keys no family registers')
  t.deepEqual(specKeys.filter((k) => !(CONFIGMAP_KEYS as readonly string[]).includes(k)), [], 'a family registers a key ingress-nginx does not read')
  t.deepEqual(RETIRED_KEYS.filter((k) => configMapRegistry.has(k)), [], 'a retired key is registered')
})

test('every family file under src/configmap is listed in the registry', (t) => {
  const helpers = new Set(['index.ts', 'types.ts', 'keys.ts', 'context.ts', 'forwarded-headers.ts'])
  const files = readdirSync(`${ROOT}src/configmap`).filter((f) => f.endsWith('.ts') && !helpers.has(f))
  t.deepEqual(files.filter((f) => !configMapFamilies.some((fam) => `${fam.name}.ts` === f)), [])
})

test('every spec has a summary, target and nginx default; every non-exact spec says why', (t) => {
  for (const f of configMapFamilies) {
    for (const s of f.specs) {
      t.true(s.summary.length > 5, `${s.key} summary`)
      t.true(s.target.length > 2, `${s.key} target`)
      t.is(typeof s.default, 'string', `${s.key} default`)
      if (s.fidelity !== 'exact') t.true((s.note ?? '').length > 10, `${s.key} is ${s.fidelity} but has no note`)
      if (s.noEffect) t.is(s.fidelity, 'ignored', `${s.key} has no effect but is ${s.fidelity}`)
      if (s.notice || s.noEffect) t.true((s.note ?? '').length > 10, `${s.key} has no sentence`)
    }
  }
})

test('docs/configmap.md is fresh (run `npm run docs`) and documents every key', (t) => {
  const docs = readFileSync(`${ROOT}docs/configmap.md`, 'utf8')
  t.is(docs, renderConfigMapDocs())
  t.deepEqual(CONFIGMAP_KEYS.filter((k) => !docs.includes(`| \`${k}\` |`)), [])
})

for (const nginxDefaults of [false, true]) {
  test(`every key alone in a ConfigMap ends in exactly one diagnostic, never "not recognised" (nginxDefaults ${nginxDefaults})`, (t) => {
    for (const key of CONFIGMAP_KEYS) {
      const spec = configMapRegistry.get(key)!.spec
      const {diagnostics} = run({[key]: sample(key)}, nginxDefaults)
      const own = diagnostics.filter((d) => d.annotation === key)
      const [noEffect, unknown] = listed(diagnostics)
      t.false(unknown.includes(key), `${key} is reported as not recognised`)
      t.is(own.length + (noEffect.includes(key) ? 1 : 0), 1, `${key}: ${own.length} diagnostics, listed without effect: ${noEffect.includes(key)}`)
      t.is(noEffect.includes(key), spec.noEffect === true, `${key} noEffect`)
      // A key translated by a sentence gets exactly the spec's fidelity and note.
      if (spec.notice) t.deepEqual([own[0].fidelity, own[0].level, own[0].code], [spec.fidelity, spec.notice.level, spec.notice.code], key)
    }
  })
}

test('a ConfigMap with every key at once: one diagnostic per key, and the keys without effect listed together', (t) => {
  const data = Object.fromEntries(CONFIGMAP_KEYS.map((k) => [k, sample(k)]))
  const {diagnostics} = run(data, true)
  const [noEffect, unknown] = listed(diagnostics)
  t.deepEqual(unknown, [])
  const accounted = diagnostics.filter((d) => d.annotation !== undefined).map((d) => d.annotation!)
  t.is(new Set(accounted).size, accounted.length, 'a key has two diagnostics')
  t.deepEqual([...accounted, ...noEffect].sort(), [...CONFIGMAP_KEYS].sort())
})

test('an empty global-auth-url is accounted for (no global auth, as nginx), not listed as unknown', (t) => {
  const {objects, diagnostics} = run({'global-auth-url': ''}, true)
  t.is(objects.find((o) => o.kind === 'SecurityPolicy'), undefined)
  t.is(diagnostics.filter((d) => d.annotation === 'global-auth-url').length, 1)
  t.deepEqual(listed(diagnostics), [[], []])
})

test('allow-cross-namespace-resources is not "without effect": it decides which annotation references nginx accepted', (t) => {
  const {diagnostics} = run({'allow-cross-namespace-resources': 'true'})
  const d = diagnostics.find((x) => x.annotation === 'allow-cross-namespace-resources')!
  t.is(d.code, 'configmap-annotation-admission')
  t.is(d.fidelity, 'exact')
  t.deepEqual(listed(diagnostics)[0], [])
})

test('allowlist-source-range in the ConfigMap is not an allowlist: ReadConfig reads whitelist-source-range only', (t) => {
  const {objects, diagnostics} = run({'allowlist-source-range': '10.0.0.0/8'}, true)
  t.is(objects.find((o) => o.kind === 'SecurityPolicy'), undefined, 'nginx let every client in: no Allow-only policy')
  const d = diagnostics.find((x) => x.annotation === 'allowlist-source-range')!
  t.deepEqual([d.level, d.code, d.fidelity], ['warning', 'configmap-key-not-read', 'ignored'])
  t.regex(d.message, /whitelist-source-range/)
  const sp = run({'whitelist-source-range': '10.0.0.0/8'}, true).objects.find((o) => o.kind === 'SecurityPolicy' && o.metadata.name === 'shared-defaults')!
  t.deepEqual(sp.spec.authorization, {defaultAction: 'Deny', rules: [{name: 'allowlist-source-range', action: 'Allow', principal: {clientCIDRs: ['10.0.0.0/8']}}]})
})

test('enable-global-auth in the ConfigMap does not switch global auth off (authreqglobal reads it from Ingresses only)', (t) => {
  const {objects, diagnostics} = run({'global-auth-url': 'http://auth.auth.svc.cluster.local/verify', 'enable-global-auth': 'false'}, true)
  const sp = objects.find((o) => o.kind === 'SecurityPolicy' && o.metadata.name === 'shared-defaults')!
  t.deepEqual(sp.spec.extAuth.http.backendRefs, [{group: '', kind: 'Service', name: 'auth', namespace: 'auth', port: 80}])
  const d = diagnostics.find((x) => x.annotation === 'enable-global-auth')!
  t.deepEqual([d.level, d.code], ['warning', 'configmap-key-not-read'])
})
