/**
 * Generates docs/cel-coverage.md from the CRDs in ../shared/crds and the CEL environment of conformance.ts.
 *
 *   node --import=tsx test/support/cel-coverage-report.ts            # print to stdout
 *   node --import=tsx test/support/cel-coverage-report.ts --write    # (re)write docs/cel-coverage.md
 */
import fs from 'node:fs/promises'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import yaml from 'js-yaml'
import {CRD_ROOT, celCoverage, collectRules, compileRule, toCel, usesShim, type CelCoverageRow, type Schema} from './conformance.js'

/** Kinds kubectl-ingress2gw emits (CRD-backed ones). */
export const EMITTED_KINDS = [
  'HTTPRoute', 'GRPCRoute', 'TLSRoute', 'TCPRoute', 'UDPRoute', 'Gateway', 'ReferenceGrant', 'BackendTLSPolicy',
  'BackendTrafficPolicy', 'SecurityPolicy', 'ClientTrafficPolicy', 'HTTPRouteFilter', 'Backend',
  'Certificate', 'Issuer', 'ClusterIssuer',
]

interface Totals {
  total: number
  compiled: number
  viaShim: number
  skipped: Record<string, number>
}

function sum(rows: CelCoverageRow[]): Totals {
  const t: Totals = {total: 0, compiled: 0, viaShim: 0, skipped: {}}
  for (const r of rows) {
    t.total += r.total
    t.compiled += r.compiled
    t.viaShim += r.viaShim
    for (const [k, n] of Object.entries(r.skipped)) t.skipped[k] = (t.skipped[k] ?? 0) + n
  }
  return t
}

const skippedText = (s: Record<string, number>) =>
  Object.entries(s).map(([k, n]) => `${n} × ${k}`).join('; ') || '—'

/**
 * A fully populated instance of a schema node: every property present, one item per list, defaults/first enum value,
 * '1s' for duration-patterned strings, 1 for integers. Used to prove that every compiled rule actually evaluates
 * to a bool with cel-js (no missing function or type error at run time), not just that it compiles.
 */
export function synthesize(s: Schema | undefined, depth = 0): unknown {
  if (!s || depth > 14) return undefined
  if (s.default !== undefined) return s.default
  if (Array.isArray(s.enum) && s.enum.length) return s.enum[0]
  if (s['x-kubernetes-int-or-string']) return 1
  switch (s.type) {
    case 'object': {
      const o: Record<string, unknown> = {}
      for (const [k, c] of Object.entries(s.properties ?? {})) {
        const v = synthesize(c, depth + 1)
        if (v !== undefined) o[k] = v
      }
      return o
    }
    case 'array': {
      const v = synthesize(s.items, depth + 1)
      return v === undefined ? [] : [v]
    }
    case 'string':
      return String(s.pattern ?? '').includes('(h|m|s|ms)') ? '1s' : 'a'
    case 'integer':
      return 1
    case 'number':
      return 1.5
    case 'boolean':
      return true
    default:
      return 'a'
  }
}

interface Location {
  kind: string
  apiVersion: string
  path: string
  rule: string
  /** skip reason when the rule does not compile */
  reason?: string
  shim: boolean
  /** outcome of evaluating the compiled rule on a synthesized instance: 'bool' or what went wrong */
  synthetic?: string
}

/** Every rule location of the given rows' CRD versions, with compile and synthetic-evaluation outcome. */
export async function locate(rows: CelCoverageRow[]): Promise<{texts: Set<string>; locations: Location[]}> {
  const texts = new Set<string>()
  const locations: Location[] = []
  for (const file of new Set(rows.map((r) => r.file))) {
    const docs = yaml.loadAll(await fs.readFile(path.join(CRD_ROOT, file), 'utf8')) as CrdLike[]
    for (const crd of docs) {
      if (!crd?.spec?.versions) continue
      for (const v of crd.spec.versions) {
        const schema = v.schema?.openAPIV3Schema
        const apiVersion = `${crd.spec.group}/${v.name}`
        if (!v.served || !schema) continue
        if (!rows.some((r) => r.kind === crd.spec.names.kind && r.apiVersion === apiVersion)) continue
        for (const {path: p, rule, schema: node} of collectRules(schema)) {
          texts.add(rule.rule)
          const c = compileRule(rule.rule)
          let synthetic: string | undefined
          if (c.ok) {
            try {
              const res = c.fn({self: toCel(synthesize(node), node)})
              synthetic = typeof res === 'boolean' ? 'bool' : `returned ${typeof res}`
            } catch (err) {
              synthetic = `threw: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`
            }
          }
          locations.push({kind: crd.spec.names.kind, apiVersion, path: p, rule: rule.rule, reason: c.ok ? undefined : c.reason, shim: c.ok && usesShim(rule.rule), synthetic})
        }
      }
    }
  }
  return {texts, locations}
}

interface CrdLike {
  spec: {group: string; names: {kind: string}; versions: Array<{name: string; served: boolean; schema?: {openAPIV3Schema?: Schema}}>}
}

export async function report(): Promise<string> {
  const out: string[] = []
  const std = (await celCoverage({channel: 'standard'})).filter((r) => EMITTED_KINDS.includes(r.kind))
  const exp = (await celCoverage({channel: 'experimental'})).filter((r) => EMITTED_KINDS.includes(r.kind))
  const allStd = await celCoverage({channel: 'standard'})
  const allExp = await celCoverage({channel: 'experimental'})
  const order = (a: CelCoverageRow, b: CelCoverageRow) =>
    EMITTED_KINDS.indexOf(a.kind) - EMITTED_KINDS.indexOf(b.kind) || a.apiVersion.localeCompare(b.apiVersion)
  std.sort(order)
  exp.sort(order)
  const tStd = sum(std)
  const tExp = sum(exp)
  const dStd = await locate(std)
  const dExp = await locate(exp)
  const synthOk = (ls: Location[]) => ls.filter((l) => l.synthetic === 'bool').length
  const distinctCompiled = (texts: Set<string>) => [...texts].filter((t) => compileRule(t).ok).length
  const tAllStd = sum(allStd)
  const tAllExp = sum(allExp)

  out.push('# CEL rule coverage of the conformance validator')
  out.push('')
  out.push('<!-- Generated by `node --import=tsx test/support/cel-coverage-report.ts --write`; do not edit the numbers by hand. -->')
  out.push('')
  out.push('`test/support/conformance.ts` evaluates the `x-kubernetes-validations` CEL rules of the real CRDs in')
  out.push('`../shared/crds` (Gateway API v1.6.1, Envoy Gateway v1.9.0, cert-manager v1.21.1) with')
  out.push('[`@marcbachmann/cel-js`](https://www.npmjs.com/package/@marcbachmann/cel-js) 8. This page says exactly which rules')
  out.push('are evaluated, which are not, and why.')
  out.push('')
  out.push('## Counting')
  out.push('')
  out.push('* A **rule** is one entry of an `x-kubernetes-validations` list in the `openAPIV3Schema` of one **served** CRD')
  out.push('  version. The same text at two schema locations (e.g. `filters[]` on a rule and on a backendRef) or in two served')
  out.push('  versions (HTTPRoute `v1` and `v1beta1`) counts twice; the "distinct texts" lines count each text once.')
  out.push('* **compiled** = parsed *and* type-checked by cel-js in our environment (`self` declared `dyn`). Every compiled rule')
  out.push('  is evaluated by `validate()` whenever its schema node is present in the (defaulted) object.')
  out.push('* **via shim** = compiled rules that only work because of a function/rewrite we add (see below).')
  out.push('* **evaluate to a bool on a synthetic instance** = compiled rules that, run by cel-js with `self` bound to a')
  out.push('  fully populated instance of their schema node (every property set, one item per list, defaults / first enum')
  out.push("  value, `'1s'` for duration-patterned strings, `1` for integers), return `true` or `false` without a run-time")
  out.push('  error. This proves the functions they call exist and accept the argument types at run time, not that the')
  out.push('  verdicts match the API server on every input.')
  out.push('* **skipped** = never evaluated, with the reason. `celStats()` counts these per evaluation site at run time,')
  out.push('  together with the run-time skips described under "Run-time skips".')
  out.push('')
  out.push('## Summary')
  out.push('')
  out.push('| scope | rules | compiled (evaluated) | of which via shim | evaluate to a bool on a synthetic instance | skipped | distinct texts | distinct compiled |')
  out.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |')
  out.push(`| emitted kinds, Gateway API **standard** channel (default) | ${tStd.total} | ${tStd.compiled} | ${tStd.viaShim} | ${synthOk(dStd.locations)} | ${tStd.total - tStd.compiled} | ${dStd.texts.size} | ${distinctCompiled(dStd.texts)} |`)
  out.push(`| emitted kinds, Gateway API **experimental** channel | ${tExp.total} | ${tExp.compiled} | ${tExp.viaShim} | ${synthOk(dExp.locations)} | ${tExp.total - tExp.compiled} | ${dExp.texts.size} | ${distinctCompiled(dExp.texts)} |`)
  out.push(`| every CRD loaded, standard channel | ${tAllStd.total} | ${tAllStd.compiled} | ${tAllStd.viaShim} | | ${tAllStd.total - tAllStd.compiled} | | |`)
  out.push(`| every CRD loaded, experimental channel | ${tAllExp.total} | ${tAllExp.compiled} | ${tAllExp.viaShim} | | ${tAllExp.total - tAllExp.compiled} | | |`)
  out.push('')
  out.push(`Skipped, emitted kinds, standard: ${skippedText(tStd.skipped)}.`)
  out.push(`Skipped, emitted kinds, experimental: ${skippedText(tExp.skipped)}.`)
  out.push(`Skipped, every CRD, standard: ${skippedText(tAllStd.skipped)}; experimental: ${skippedText(tAllExp.skipped)}.`)
  out.push('')

  for (const [title, rows] of [['standard', std], ['experimental', exp]] as const) {
    out.push(`## Per kind and served version — ${title} channel`)
    out.push('')
    out.push('| kind | apiVersion | rules | compiled | via shim | skipped |')
    out.push('| --- | --- | ---: | ---: | ---: | --- |')
    for (const r of rows) out.push(`| ${r.kind} | \`${r.apiVersion}\` | ${r.total} | ${r.compiled} | ${r.viaShim} | ${skippedText(r.skipped)} |`)
    const missing = EMITTED_KINDS.filter((k) => !rows.some((r) => r.kind === k))
    if (missing.length) out.push(`| ${missing.join(', ')} | — | not found | | | |`)
    out.push('')
  }

  out.push('## Rules that are never evaluated (emitted kinds, both channels)')
  out.push('')
  const skippedLocs = new Map<string, {where: string[]; reason: string}>()
  for (const l of [...dStd.locations, ...dExp.locations]) {
    if (!l.reason) continue
    const e = skippedLocs.get(l.rule) ?? {where: [], reason: l.reason}
    const w = `${l.kind} ${l.apiVersion} \`${l.path}\``
    if (!e.where.includes(w)) e.where.push(w)
    skippedLocs.set(l.rule, e)
  }
  if (skippedLocs.size === 0) out.push('None.')
  for (const [rule, {where, reason}] of skippedLocs) {
    out.push(`* \`${rule}\` — ${reason}. At: ${where.join('; ')}.`)
  }
  out.push('')
  out.push('## Compiled rules that do not evaluate to a bool on the synthetic instance (emitted kinds, both channels)')
  out.push('')
  const badSynth = [...dStd.locations, ...dExp.locations].filter((l) => l.synthetic !== undefined && l.synthetic !== 'bool')
  if (badSynth.length === 0) out.push('None.')
  for (const l of badSynth) out.push(`* ${l.kind} ${l.apiVersion} \`${l.path}\`: \`${l.rule}\` — ${l.synthetic}`)
  out.push('')
  out.push('## Rules that compile only thanks to a shim (emitted kinds, both channels)')
  out.push('')
  const shimLocs = new Map<string, string[]>()
  for (const l of [...dStd.locations, ...dExp.locations]) {
    if (!l.shim) continue
    const w = `${l.kind} ${l.apiVersion} \`${l.path}\``
    const e = shimLocs.get(l.rule) ?? []
    if (!e.includes(w)) e.push(w)
    shimLocs.set(l.rule, e)
  }
  for (const [rule, where] of shimLocs) {
    const short = rule.length > 160 ? `${rule.slice(0, 157)}...` : rule
    out.push(`* \`${short}\` — at: ${where.join('; ')}.`)
  }
  out.push('')
  return out.join('\n')
}

const PROSE = `## Why rules are skipped

* **Transition rules** (any rule mentioning \`oldSelf\`, e.g. GatewayClass \`spec.controllerName\`: \`self == oldSelf\`,
  "Value is immutable"). They compare an update with the stored object; an offline validator has no old object, and the
  API server itself does not run them on create. Skipped and counted as
  \`transition rule (uses oldSelf; no old object offline)\`. None of the emitted kinds has one in these CRD versions.
* **Unsupported functions** would be reported as \`unsupported function: <name>\` (compile-time \`no matching
  overload\`) or \`unsupported identifier: <name>\`. With the shims below, no rule in \`shared/crds\` needs one.
* **Compile errors** would be reported as \`compile error: <cel-js message>\`. None occur.

## Shims (what we add to cel-js)

cel-js 8 already provides every core CEL macro/function the rules use (\`has\`, \`all\`, \`exists\`, \`exists_one\`,
\`filter\`, \`size\`, \`matches\`, \`contains\`, \`startsWith\`, \`endsWith\`, \`duration\` with Go-style strings such as
\`1h30m\`/\`100ms\`) and the Kubernetes strings-extension functions \`lowerAscii\`, \`upperAscii\`, \`split\`,
\`substring\`, \`indexOf\`, \`lastIndexOf\`, \`join\`, \`trim\`. We register:

* \`isIP(string)\` (Kubernetes IP library; rejects IPv4 with leading zeros and IPv6 zones like the API server), plus
  \`isCIDR\`, \`isQuantity\`, \`isURL\` (boolean checkers only; the object forms \`ip()\`, \`cidr()\`, \`url()\`,
  \`quantity()\` are not used by any rule here and are not implemented).
* \`format.<name>().validate(string)\` for the Kubernetes format library names \`dns1123Label\`, \`dns1123Subdomain\`,
  \`dns1035Label\`, \`qualifiedName\`, \`labelValue\`, the \`…Prefix\` variants, \`uuid\`, \`byte\`, \`date\`, \`datetime\`.
  cel-go returns \`optional<list<string>>\`; ours returns \`null\` when valid and the error list otherwise, because the
  only rule using it (XBackend \`spec.port.name\`, experimental, not emitted) compares the result with \`null\`.
* \`string.replace\`, \`string.charAt\`, \`string.reverse\` (strings extension; unused by these CRDs, cheap to have).
* An **RE2 \`matches()\`**: cel-js passes the pattern to \`new RegExp\` unchanged, which rejects RE2's leading inline
  flag group; GRPCRoute \`matches[].method.service\` uses \`^(?i)...\`. Rules call \`.__re2_matches()\` instead, which
  turns a leading \`(?i)\`/\`(?s)\`/\`(?m)\` into JS flags and \`(?P<name>\`, \`\\A\`, \`\\z\` into JS syntax (other RE2-only
  syntax would throw and be counted as a run-time skip; none occurs in these CRDs).
* A **has() rewrite**: cel-js's \`has()\` macro only accepts \`ident.field…\`; the GRPCRoute "total number of
  matches" rule uses \`has(self[0].matches)\` and four HTTPRoute \`rules[]\` rules (ReplacePrefixMatch needs exactly
  one PathPrefix match) use \`has(self.matches[0].path)\`. Before compiling, \`has(<expr>.<field>)\` whose \`<expr>\`
  is not a plain identifier chain is rewritten to \`__k8s_has(<expr>, "<field>")\` (same semantics: the key is present
  in the object).

Kubernetes property-name escaping is applied when the object is handed to CEL (\`namespace\` → \`__namespace__\`,
\`-\` → \`__dash__\`, \`.\` → \`__dot__\`, …), unknown fields are pruned, integers become CEL \`int\` and
\`type: number\` values CEL \`double\`, exactly as the API server does before evaluating rules.

## Run-time skips (counted by \`celStats()\`, never reported as issues)

* **Evaluation errors.** A compiled rule that throws (typically \`No such key: x\` when the object is already invalid
  for another reason, e.g. a \`targetRefs[]\` entry without \`group\` that ajv reports as missing) is counted as
  \`runtime error: <message>\` and is *not* a violation. The real API server would report such a rule as failing;
  we do not, because the cause is already reported by the schema check or is an artefact of the evaluator. A rule
  returning a non-bool is counted the same way.
* **Placeholders.** A rule that evaluates to \`false\` while its \`self\` subtree contains a Flux \`\${VAR}\`
  placeholder is counted as \`self contains a \${...} placeholder\` and not reported: the real value is only known after
  substitution. (Rules whose subtree contains a placeholder but that pass are counted as evaluated.)

## What else the validator checks (besides CEL)

ajv over the served version's \`openAPIV3Schema\` (after null pruning and \`default\`s, on a deep clone): \`pattern\`,
\`required\`, \`enum\`, \`min/maxLength\`, \`min/maxItems\`, \`minimum/maximum\`, int-or-string via \`anyOf\` (\`format\` is
*not* checked: \`validateFormats: false\`). An ajv error whose instance value is a string containing \`\${\` (or, for
\`anyOf\`/\`oneOf\`/\`allOf\`/\`not\`, a subtree containing one) is dropped; \`required\` is never dropped. Also: unknown
fields (what \`kubectl apply --validate=strict\` rejects); \`x-kubernetes-list-type: map\` key and \`set\` item
uniqueness (entries whose key/value contains \`\${\` are ignored); metadata name (DNS-1123 subdomain, ≤253), namespace
(DNS-1123 label; set on a cluster-scoped kind such as ClusterIssuer is reported), label keys/values and annotation
keys. Core kinds (\`v1\` Namespace/Secret/ConfigMap/Service, \`networking.k8s.io/v1\` Ingress) get only the metadata
check (Namespace names must be DNS-1123 labels and Service names DNS-1035 labels, as in the API server).
`

async function main() {
  const text = `${await report()}\n${PROSE}`
  if (process.argv.includes('--write')) {
    const target = fileURLToPath(new URL('../../docs/cel-coverage.md', import.meta.url))
    await fs.writeFile(target, text)
    console.log(`wrote ${target}`)
  } else {
    process.stdout.write(text)
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main()
