/**
 * Conformance validator for the objects kubectl-ingress2gw emits.
 *
 * Loads the real CRDs from ../shared/crds (never copied into the project) and checks an object the way
 * the API server would, as far as that is possible offline:
 *
 *  1. metadata: name is a DNS-1123 subdomain, namespace a DNS-1123 label, label/annotation keys and values;
 *  2. null pruning + defaulting (ajv `useDefaults`) on a deep clone, then JSON-schema validation with ajv over
 *     the served version's openAPIV3Schema;
 *  3. unknown fields (kubectl's default `--validate=strict` rejects them; JSON Schema does not);
 *  4. `x-kubernetes-list-type: map` key uniqueness and `x-kubernetes-list-type: set` item uniqueness;
 *  5. every `x-kubernetes-validations` CEL rule whose node is present, evaluated with @marcbachmann/cel-js on
 *     the defaulted object, with `self` bound to the node's value.
 *
 * Flux-style `${VAR}` placeholders are kept verbatim in GitOps output, so schema/CEL failures on a value whose
 * string (or subtree) contains `${` are not reported as written; the object is then checked again after substituting
 * representative values, and a path that fails for every one of them is reported (`validate`). See
 * docs/cel-coverage.md for what CEL is (not) evaluated.
 */
import {findCrdRoot} from '../../scripts/crd-types.js'
import fs from 'node:fs/promises'
import path from 'node:path'
import {Ajv, type ErrorObject, type ValidateFunction} from 'ajv'
import yaml from 'js-yaml'
import {Environment} from '@marcbachmann/cel-js'
import {findPlaceholders} from '../../src/annotations/placeholders.js'

// ---------------------------------------------------------------------------------------------------------
// Public contract

export interface ValidationIssue {
  path: string
  message: string
  rule?: string
}

export interface CelStats {
  evaluated: number
  skipped: number
  skippedReasons: Record<string, number>
}

export interface Validator {
  validate(obj: unknown): ValidationIssue[]
  celStats(): CelStats
}

export type Channel = 'standard' | 'experimental'

export interface LoadOptions {
  channel?: Channel
}

/**
 * Where the CRDs live: <repo>/../shared/crds (resolved relative to this file, test/support/) when the clone sits in
 * this workspace, else <repo>/.crds, where `npm run crds` downloads the same pinned files (scripts/crds-manifest.json).
 */
export const CRD_ROOT = chooseCrdRoot()

function chooseCrdRoot(): string {
  // The same lookup npm run types uses (../shared/crds, else the .crds/ download).
  const root = findCrdRoot()
  if (root === undefined) throw new Error('no CRDs: neither ../shared/crds nor .crds/ exists; run `npm run crds` to download the pinned CRDs into .crds/')
  return root
}

// ---------------------------------------------------------------------------------------------------------
// Schema model

export interface CelRuleSpec {
  rule: string
  message?: string
  messageExpression?: string
  fieldPath?: string
  reason?: string
}

export interface Schema {
  type?: string
  properties?: Record<string, Schema>
  items?: Schema
  additionalProperties?: Schema | boolean
  required?: string[]
  nullable?: boolean
  default?: unknown
  allOf?: Schema[]
  anyOf?: Schema[]
  oneOf?: Schema[]
  'x-kubernetes-validations'?: CelRuleSpec[]
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map'
  'x-kubernetes-list-map-keys'?: string[]
  'x-kubernetes-int-or-string'?: boolean
  'x-kubernetes-preserve-unknown-fields'?: boolean
  [key: string]: unknown
}

interface KindEntry {
  group: string
  version: string
  kind: string
  scope: 'Namespaced' | 'Cluster'
  /** CRD file, relative to CRD_ROOT. */
  file: string
  schema: Schema
  /** Compiled lazily on first use, then cached for the life of the process. */
  ajv?: ValidateFunction
}

interface Core {
  channel: Channel
  /** key: `${apiVersion}|${kind}` (apiVersion = group/version) */
  byApiVersionKind: Map<string, KindEntry>
  /** kind -> served apiVersions, for "did you mean" messages */
  servedByKind: Map<string, string[]>
  ajv: Ajv
}

const coreCache = new Map<Channel, Promise<Core>>()

/** Loads (once per channel per process) every CRD and returns a validator with its own CEL counters. */
export async function loadValidator(options: LoadOptions = {}): Promise<Validator> {
  const core = await loadCore(options.channel ?? 'standard')
  return new ConformanceValidator(core)
}

function loadCore(channel: Channel): Promise<Core> {
  let p = coreCache.get(channel)
  if (!p) {
    p = readCrds(channel)
    coreCache.set(channel, p)
    p.catch(() => coreCache.delete(channel))
  }
  return p
}

export function crdDirectories(channel: Channel): string[] {
  return [path.join('gateway-api', channel), 'envoy-gateway', 'cert-manager']
}

interface CrdDoc {
  kind?: string
  spec?: {
    group: string
    scope: 'Namespaced' | 'Cluster'
    names: {kind: string}
    versions: Array<{name: string; served: boolean; schema?: {openAPIV3Schema?: Schema}}>
  }
}

async function readCrds(channel: Channel): Promise<Core> {
  const byApiVersionKind = new Map<string, KindEntry>()
  const servedByKind = new Map<string, string[]>()
  for (const dir of crdDirectories(channel)) {
    const abs = path.join(CRD_ROOT, dir)
    const names = (await fs.readdir(abs)).filter((f) => /\.ya?ml$/.test(f)).sort()
    for (const name of names) {
      const text = await fs.readFile(path.join(abs, name), 'utf8')
      for (const doc of yaml.loadAll(text) as CrdDoc[]) {
        if (!doc || doc.kind !== 'CustomResourceDefinition' || !doc.spec) continue
        const {group, scope, names: crdNames, versions} = doc.spec
        for (const v of versions) {
          const schema = v.schema?.openAPIV3Schema
          if (!v.served || !schema) continue
          const apiVersion = `${group}/${v.name}`
          byApiVersionKind.set(`${apiVersion}|${crdNames.kind}`, {
            group,
            version: v.name,
            kind: crdNames.kind,
            scope,
            file: path.join(dir, name),
            schema,
          })
          const list = servedByKind.get(crdNames.kind) ?? []
          list.push(apiVersion)
          servedByKind.set(crdNames.kind, list)
        }
      }
    }
  }
  const ajv = new Ajv({strict: false, allErrors: true, useDefaults: true, validateFormats: false})
  return {channel, byApiVersionKind, servedByKind, ajv}
}

function compiledAjv(core: Core, entry: KindEntry): ValidateFunction {
  entry.ajv ??= core.ajv.compile(entry.schema)
  return entry.ajv
}

// ---------------------------------------------------------------------------------------------------------
// Names (k8s.io/apimachinery/pkg/util/validation)

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/

export function dns1123LabelErrors(s: string): string[] {
  const errs: string[] = []
  if (s.length > 63) errs.push('must be no more than 63 characters')
  if (!DNS1123_LABEL.test(s)) errs.push("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character")
  return errs
}

export function dns1123SubdomainErrors(s: string): string[] {
  const errs: string[] = []
  if (s.length > 253) errs.push('must be no more than 253 characters')
  if (!DNS1123_SUBDOMAIN.test(s)) errs.push("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character")
  return errs
}

export function dns1035LabelErrors(s: string): string[] {
  const errs: string[] = []
  if (s.length > 63) errs.push('must be no more than 63 characters')
  if (!DNS1035_LABEL.test(s)) errs.push("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character")
  return errs
}

export function qualifiedNameErrors(s: string): string[] {
  const parts = s.split('/')
  let name = s
  const errs: string[] = []
  if (parts.length === 2) {
    const [prefix, n] = parts as [string, string]
    name = n
    if (prefix.length === 0) errs.push('prefix part must be non-empty')
    else errs.push(...dns1123SubdomainErrors(prefix).map((e) => `prefix part ${e}`))
  } else if (parts.length > 2) {
    return ["a qualified name must consist of alphanumeric characters, '-', '_' or '.', with an optional DNS subdomain prefix and '/'"]
  }
  if (name.length === 0) errs.push('name part must be non-empty')
  else if (name.length > 63) errs.push('name part must be no more than 63 characters')
  if (name.length > 0 && !QUALIFIED_NAME.test(name)) errs.push("name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character")
  return errs
}

export function labelValueErrors(s: string): string[] {
  const errs: string[] = []
  if (s.length > 63) errs.push('must be no more than 63 characters')
  if (!LABEL_VALUE.test(s)) errs.push("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character")
  return errs
}

// ---------------------------------------------------------------------------------------------------------
// Helpers

const PLACEHOLDER = '${'

function containsPlaceholder(v: unknown): boolean {
  if (typeof v === 'string') return v.includes(PLACEHOLDER)
  if (v === null || typeof v !== 'object') return false
  if (Array.isArray(v)) return v.some(containsPlaceholder)
  return Object.values(v as Record<string, unknown>).some(containsPlaceholder)
}

/**
 * Values a placeholder is replaced with to check an object as the API server sees it after Flux's substitution: a
 * number, a DNS label, a host, a CIDR, an absolute path (a field passes when one of them makes it valid).
 */
const REPRESENTATIVE_VALUES = ['1', 'a1', 'example.com', '10.0.0.0/8', '/a']

/** A copy of the object with every `${...}` placeholder of its strings (keys too) replaced by `value`. */
function substitutePlaceholders(v: unknown, value: string): unknown {
  const fill = (s: string) => {
    let out = ''
    let at = 0
    for (const p of findPlaceholders(s)) {
      out += s.slice(at, p.start) + value
      at = p.end
    }
    return out + s.slice(at)
  }
  if (typeof v === 'string') return fill(v)
  if (Array.isArray(v)) return v.map((x) => substitutePlaceholders(x, value))
  if (isPlainObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [fill(k), substitutePlaceholders(x, value)]))
  return v
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
}

function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`
  if (/^[A-Za-z_$][\w$-]*$/.test(key)) return parent ? `${parent}.${key}` : key
  return `${parent}[${JSON.stringify(key)}]`
}

function joinFieldPath(base: string, fieldPath: string | undefined): string {
  if (!fieldPath) return base
  if (fieldPath.startsWith('[')) return base + fieldPath
  const rel = fieldPath.startsWith('.') ? fieldPath.slice(1) : fieldPath
  return base ? `${base}.${rel}` : rel
}

/** Resolves an ajv instancePath (JSON pointer) against data, returning the value and a readable path. */
function resolvePointer(data: unknown, pointer: string): {value: unknown; path: string} {
  let value: unknown = data
  let p = ''
  if (!pointer) return {value, path: p}
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~')
    if (Array.isArray(value)) {
      const i = Number(seg)
      p = childPath(p, i)
      value = value[i]
    } else if (isPlainObject(value)) {
      p = childPath(p, seg)
      value = value[seg]
    } else {
      p = childPath(p, seg)
      value = undefined
    }
  }
  return {value, path: p}
}

/** Canonical JSON (sorted keys) used for set/map-key uniqueness. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`
  if (isPlainObject(v)) {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`)
      .join(',')}}`
  }
  return JSON.stringify(v) ?? 'undefined'
}

/** Property schema for a key of an object node (properties first, then additionalProperties). */
function propertySchema(schema: Schema | undefined, key: string): Schema | undefined {
  if (!schema) return undefined
  const p = schema.properties?.[key]
  if (p) return p
  if (isPlainObject(schema.additionalProperties)) return schema.additionalProperties as Schema
  return undefined
}

// ---------------------------------------------------------------------------------------------------------
// CEL

/** CEL reserved words: Kubernetes exposes properties with these names as `__name__` (apiextensions CEL escaping). */
const CEL_RESERVED = new Set([
  'true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if', 'import',
  'let', 'loop', 'package', 'namespace', 'return', 'var', 'void', 'while',
])

/** Kubernetes property-name escaping for CEL (k8s.io/apiserver/pkg/cel/escaping.go). undefined = not accessible. */
export function escapeCelProperty(name: string): string | undefined {
  if (CEL_RESERVED.has(name)) return `__${name}__`
  if (!/^[A-Za-z_][A-Za-z0-9_./-]*$/.test(name)) return undefined
  return name.replace(/__/g, '__underscores__').replace(/\./g, '__dot__').replace(/-/g, '__dash__').replace(/\//g, '__slash__')
}

/**
 * Converts a (defaulted) JSON value into what cel-js expects, guided by the schema: integers become BigInt
 * (CEL int), `type: number` stays a JS number (CEL double), object properties are escaped the Kubernetes way
 * and unknown properties are pruned (the API server prunes them before CEL runs).
 */
export function toCel(value: unknown, schema: Schema | undefined): unknown {
  if (typeof value === 'number') {
    if (schema?.type === 'number') return value
    return Number.isInteger(value) ? BigInt(value) : value
  }
  if (Array.isArray(value)) return value.map((v) => toCel(v, schema?.items))
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {}
    const props = schema?.properties
    const addl = isPlainObject(schema?.additionalProperties) ? (schema!.additionalProperties as Schema) : undefined
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue
      if (props && props[k]) {
        const ek = escapeCelProperty(k)
        if (ek !== undefined) out[ek] = toCel(v, props[k])
      } else if (addl) {
        out[k] = toCel(v, addl)
      } else if (!props || schema?.['x-kubernetes-preserve-unknown-fields']) {
        out[k] = toCel(v, undefined)
      }
    }
    return out
  }
  return value
}

type CompiledRule =
  | {ok: true; text: string; fn: (ctx: Record<string, unknown>) => unknown}
  | {ok: false; text: string; reason: string}

export const SKIP_TRANSITION = 'transition rule (uses oldSelf; no old object offline)'
export const SKIP_PLACEHOLDER = 'self contains a ${...} placeholder'

function isIPv4(s: string): boolean {
  const parts = s.split('.')
  return parts.length === 4 && parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255)
}

function isIPv6(s: string): boolean {
  if (s.includes('%')) return false // zones are rejected by the Kubernetes IP library
  if (!/^[0-9A-Fa-f:.]+$/.test(s)) return false
  let head = s
  const lastColon = s.lastIndexOf(':')
  if (s.slice(lastColon + 1).includes('.')) {
    if (!isIPv4(s.slice(lastColon + 1))) return false
    head = s.slice(0, lastColon + 1) + '0:0'
  }
  const dbl = head.split('::')
  if (dbl.length > 2) return false
  const groups = (part: string) => (part === '' ? [] : part.split(':'))
  const okGroup = (g: string) => /^[0-9A-Fa-f]{1,4}$/.test(g)
  if (dbl.length === 2) {
    const a = groups(dbl[0]!)
    const b = groups(dbl[1]!)
    return a.every(okGroup) && b.every(okGroup) && a.length + b.length <= 7
  }
  const g = groups(head)
  return g.length === 8 && g.every(okGroup)
}

export function isIPString(s: string): boolean {
  return isIPv4(s) || isIPv6(s)
}

export function isCIDRString(s: string): boolean {
  const i = s.indexOf('/')
  if (i < 0) return false
  const addr = s.slice(0, i)
  const bits = s.slice(i + 1)
  if (!/^(0|[1-9][0-9]{0,2})$/.test(bits)) return false
  if (isIPv4(addr)) return Number(bits) <= 32
  if (isIPv6(addr)) return Number(bits) <= 128
  return false
}

const QUANTITY = /^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$/

/** Kubernetes `format` library (k8s.io/apiserver/pkg/cel/library/format.go), as far as it is used by CRDs. */
class K8sFormatLibrary {}
class K8sNamedFormat {
  constructor(
    readonly name: string,
    readonly check: (s: string) => string[],
  ) {}
}

const NAMED_FORMATS: Record<string, (s: string) => string[]> = {
  dns1123Label: dns1123LabelErrors,
  dns1123Subdomain: dns1123SubdomainErrors,
  dns1035Label: dns1035LabelErrors,
  qualifiedName: qualifiedNameErrors,
  labelValue: labelValueErrors,
  dns1123LabelPrefix: (s) => dns1123LabelErrors(s.endsWith('-') ? s.slice(0, -1) : s),
  dns1123SubdomainPrefix: (s) => dns1123SubdomainErrors(s.endsWith('-') ? s.slice(0, -1) : s),
  dns1035LabelPrefix: (s) => dns1035LabelErrors(s.endsWith('-') ? s.slice(0, -1) : s),
  uuid: (s) => (/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(s) ? [] : ['does not match the UUID format']),
  byte: (s) => (/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(s) ? [] : ['invalid base64']),
  date: (s) => (/^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(s)) ? [] : ['invalid date']),
  datetime: (s) => (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(s) && !Number.isNaN(Date.parse(s)) ? [] : ['invalid datetime']),
}

function buildCelEnvironment(): Environment {
  const env = new Environment({homogeneousAggregateLiterals: false})
    .registerVariable('self', 'dyn')
    // Kubernetes IP/CIDR/URL/quantity libraries (boolean checkers only; ip()/cidr()/url()/quantity() objects are
    // not used by any rule in shared/crds and are not implemented).
    .registerFunction('isIP(string): bool', (s: string) => isIPString(s))
    .registerFunction('isCIDR(string): bool', (s: string) => isCIDRString(s))
    .registerFunction('isQuantity(string): bool', (s: string) => QUANTITY.test(s))
    .registerFunction('isURL(string): bool', (s: string) => {
      try {
        return new URL(s).protocol.length > 1
      } catch {
        return s.startsWith('/')
      }
    })
    // Kubernetes strings extension functions missing from cel-js (lowerAscii, upperAscii, split, substring,
    // indexOf, lastIndexOf, join, trim are built in).
    .registerFunction('string.replace(string, string): string', (s: string, a: string, b: string) => s.split(a).join(b))
    .registerFunction('string.replace(string, string, int): string', (s: string, a: string, b: string, n: bigint) => {
      if (n < 0n) return s.split(a).join(b)
      let out = s
      let from = 0
      for (let i = 0n; i < n; i++) {
        const at = out.indexOf(a, from)
        if (at < 0) break
        out = out.slice(0, at) + b + out.slice(at + a.length)
        from = at + b.length
      }
      return out
    })
    .registerFunction('string.charAt(int): string', (s: string, i: bigint) => {
      const cps = [...s]
      if (i < 0n || i > BigInt(cps.length)) throw new Error('index out of range')
      return cps[Number(i)] ?? ''
    })
    .registerFunction('string.reverse(): string', (s: string) => [...s].reverse().join(''))
    // RE2 flavoured matches(): cel-js's matches() hands the pattern to `new RegExp` as is, which rejects RE2
    // syntax such as a leading `(?i)` (GRPCRoute method.service). Rules call this instead (see rewriteRule).
    .registerFunction('string.__re2_matches(string): bool', (s: string, pattern: string) => re2ToRegExp(pattern).test(s))
    // has() on a select whose operand is not a plain identifier chain (e.g. has(self[0].matches)); cel-js's
    // has() macro only accepts `ident.field...`. Rules are rewritten to this function (see rewriteHas).
    .registerFunction('__k8s_has(dyn, string): bool', (obj: unknown, key: string) => {
      if (obj instanceof Map) return obj.has(key)
      if (isPlainObject(obj)) return Object.hasOwn(obj, key) && obj[key] !== undefined
      throw new Error(`has(): operand is not a map/object`)
    })
    // Kubernetes `format` library: format.<name>().validate(string). cel-go returns optional<list<string>>;
    // here validate returns null when valid and the list of errors otherwise (the only rule in shared/crds
    // using it compares the result with null).
    .registerType('k8s.FormatLibrary', K8sFormatLibrary)
    .registerType('k8s.NamedFormat', K8sNamedFormat)
    .registerConstant('format', 'k8s.FormatLibrary', new K8sFormatLibrary())
    .registerFunction('k8s.NamedFormat.validate(string): dyn', (f: K8sNamedFormat, s: string) => {
      const errs = f.check(s)
      return errs.length === 0 ? null : errs
    })
  for (const [name, check] of Object.entries(NAMED_FORMATS)) {
    env.registerFunction(`k8s.FormatLibrary.${name}(): k8s.NamedFormat`, () => new K8sNamedFormat(name, check))
  }
  return env
}

let celEnv: Environment | undefined
const ruleCache = new Map<string, CompiledRule>()

const regexCache = new Map<string, RegExp>()

/**
 * Translates the RE2 constructs that appear in Kubernetes CEL rules into a JS RegExp: a leading inline flag group
 * (`(?i)`, `(?s)`, `(?m)`, also right after `^`), `(?P<name>`, `\A` and `\z`. Anything else RE2-only throws (the
 * rule is then counted as a run-time skip).
 */
export function re2ToRegExp(pattern: string): RegExp {
  let re = regexCache.get(pattern)
  if (re) return re
  let src = pattern
  let flags = ''
  const lead = /^(\^?)\(\?([imsU]+)\)/.exec(src)
  if (lead) {
    for (const f of lead[2]!) {
      if (f === 'U') throw new Error(`RE2 flag U (ungreedy) is not supported: ${pattern}`)
      if (!flags.includes(f)) flags += f
    }
    src = lead[1]! + src.slice(lead[0].length)
  }
  if (/\(\?[imsU-]+[):]/.test(src)) throw new Error(`RE2 inline flags inside the pattern are not supported: ${pattern}`)
  src = src.replace(/\(\?P</g, '(?<').replace(/\\A/g, '^').replace(/\\z/g, '$(?![\\s\\S])')
  re = new RegExp(src, flags)
  regexCache.set(pattern, re)
  return re
}

/** Finds the index of the parenthesis closing the one opened at `open`, honouring CEL string literals. */
function matchingParen(s: string, open: number): number {
  let depth = 0
  for (let i = open; i < s.length; i++) {
    const c = s[i]
    if (c === '"' || c === "'") {
      const triple = s.startsWith(c.repeat(3), i)
      const q = triple ? c.repeat(3) : c
      const raw = i > 0 && /[rR]/.test(s[i - 1]!)
      let j = i + q.length
      while (j < s.length && !s.startsWith(q, j)) j += !raw && s[j] === '\\' ? 2 : 1
      i = j + q.length - 1
    } else if (c === '(') depth++
    else if (c === ')' && --depth === 0) return i
  }
  return -1
}

/**
 * cel-js's has() macro only accepts `ident(.field)+`. Kubernetes rules also use has(self[0].matches);
 * rewrite `has(<expr>.<field>)` whose <expr> is not a plain identifier chain to `__k8s_has(<expr>, "<field>")`.
 */
export function rewriteHas(rule: string): string {
  let out = ''
  let i = 0
  const re = /(^|[^A-Za-z0-9_.])has\s*\(/g
  for (let m = re.exec(rule); m; m = re.exec(rule)) {
    const open = m.index + m[0].length - 1
    const close = matchingParen(rule, open)
    if (close < 0) break
    const arg = rule.slice(open + 1, close).trim()
    const sel = /^([\s\S]*)\.\s*([A-Za-z_][A-Za-z0-9_]*)$/.exec(arg)
    if (sel && !/^[A-Za-z_][A-Za-z0-9_]*(\s*\.\s*[A-Za-z_][A-Za-z0-9_]*)*$/.test(sel[1]!.trim())) {
      out += rule.slice(i, m.index + m[1]!.length) + `__k8s_has(${rewriteHas(sel[1]!)}, "${sel[2]}")`
      i = close + 1
      re.lastIndex = close + 1
    }
  }
  return out + rule.slice(i)
}

/** All source rewrites applied before compiling a rule with cel-js. */
export function rewriteRule(rule: string): string {
  return rewriteHas(rule).replace(/\.matches\(/g, '.__re2_matches(')
}

function classifyCompileError(err: unknown): string {
  const msg = err instanceof Error ? err.message.split('\n')[0]! : String(err)
  const overload = /no matching overload for '(?:[\w.<>]+\.)?(\w+)\(/.exec(msg)
  if (overload) return `unsupported function: ${overload[1]}`
  const variable = /Unknown variable: (\w+)/.exec(msg)
  if (variable) return `unsupported identifier: ${variable[1]}`
  return `compile error: ${msg}`
}

export function compileRule(text: string): CompiledRule {
  const cached = ruleCache.get(text)
  if (cached) return cached
  let compiled: CompiledRule
  if (/\boldSelf\b/.test(text)) {
    compiled = {ok: false, text, reason: SKIP_TRANSITION}
  } else {
    try {
      celEnv ??= buildCelEnvironment()
      const parsed = celEnv.parse(rewriteRule(text))
      const checked = parsed.check()
      if (!checked.valid) throw checked.error
      compiled = {ok: true, text, fn: parsed as unknown as (ctx: Record<string, unknown>) => unknown}
    } catch (err) {
      compiled = {ok: false, text, reason: classifyCompileError(err)}
    }
  }
  ruleCache.set(text, compiled)
  return compiled
}

// ---------------------------------------------------------------------------------------------------------
// Static coverage (used by test/support/cel-coverage-report.ts to write docs/cel-coverage.md)

export interface CelCoverageRow {
  kind: string
  apiVersion: string
  file: string
  /** rule occurrences in the schema (one per x-kubernetes-validations entry) */
  total: number
  /** compiled and type-checked by cel-js (evaluated whenever their node is present) */
  compiled: number
  /** compiled only thanks to a shim (has() rewrite, isIP, format library) */
  viaShim: number
  skipped: Record<string, number>
}

export function collectRules(schema: Schema, p = ''): Array<{path: string; rule: CelRuleSpec; schema: Schema}> {
  const out: Array<{path: string; rule: CelRuleSpec; schema: Schema}> = []
  const walk = (s: Schema | undefined, at: string) => {
    if (!s) return
    for (const r of s['x-kubernetes-validations'] ?? []) out.push({path: at, rule: r, schema: s})
    for (const [k, c] of Object.entries(s.properties ?? {})) walk(c, childPath(at, k))
    walk(s.items, `${at}[]`)
    if (isPlainObject(s.additionalProperties)) walk(s.additionalProperties as Schema, `${at}{}`)
    for (const kw of ['allOf', 'anyOf', 'oneOf'] as const) for (const c of s[kw] ?? []) walk(c, at)
  }
  walk(schema, p)
  return out
}

export function usesShim(text: string): boolean {
  return rewriteHas(text) !== text || /\bisIP\(|\bformat\.\w+\(\)|\.matches\([^)]*\(\?[imsU]+\)/.test(text)
}

export async function celCoverage(options: LoadOptions = {}): Promise<CelCoverageRow[]> {
  const core = await loadCore(options.channel ?? 'standard')
  const rows: CelCoverageRow[] = []
  for (const entry of core.byApiVersionKind.values()) {
    const row: CelCoverageRow = {
      kind: entry.kind,
      apiVersion: `${entry.group}/${entry.version}`,
      file: entry.file,
      total: 0,
      compiled: 0,
      viaShim: 0,
      skipped: {},
    }
    for (const {rule} of collectRules(entry.schema)) {
      row.total++
      const c = compileRule(rule.rule)
      if (c.ok) {
        row.compiled++
        if (usesShim(rule.rule)) row.viaShim++
      } else row.skipped[c.reason] = (row.skipped[c.reason] ?? 0) + 1
    }
    rows.push(row)
  }
  return rows
}

// ---------------------------------------------------------------------------------------------------------
// Validator

/** Core kinds we emit alongside CRD objects: only a minimal metadata check. */
const CORE_KINDS = new Set(['v1|Namespace', 'v1|Secret', 'v1|ConfigMap', 'v1|Service', 'networking.k8s.io/v1|Ingress'])

const OBJECT_META_FIELDS = new Set([
  'name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion', 'generation', 'creationTimestamp',
  'deletionTimestamp', 'deletionGracePeriodSeconds', 'labels', 'annotations', 'ownerReferences', 'finalizers',
  'managedFields',
])

/** Ajv keywords that a `${VAR}` substitution can turn from failing into passing. */
const PLACEHOLDER_SENSITIVE_LEAF = new Set([
  'pattern', 'format', 'maxLength', 'minLength', 'type', 'enum', 'const', 'anyOf', 'oneOf', 'allOf', 'not',
  'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'if', 'then', 'else',
])
const PLACEHOLDER_SENSITIVE_SUBTREE = new Set(['anyOf', 'oneOf', 'allOf', 'not', 'if', 'then', 'else'])

class ConformanceValidator implements Validator {
  private stats: CelStats = {evaluated: 0, skipped: 0, skippedReasons: {}}

  constructor(private readonly core: Core) {}

  celStats(): CelStats {
    return {...this.stats, skippedReasons: {...this.stats.skippedReasons}}
  }

  /**
   * The issues of the object as written (failures on values holding a placeholder skipped), plus, for an object
   * with placeholders, those the API server would still report after Flux substitutes them: a path that fails for
   * every representative substitution (the API server only ever sees a substituted value).
   */
  validate(obj: unknown): ValidationIssue[] {
    const issues = this.validateAsWritten(obj)
    if (!containsPlaceholder(obj)) return issues
    const runs = REPRESENTATIVE_VALUES.map((r) => this.validateAsWritten(substitutePlaceholders(obj, r)))
    const failing = (run: ValidationIssue[], p: string) => run.some((i) => i.path === p)
    for (const issue of runs[0]!) {
      if (runs.every((run) => failing(run, issue.path)) && !failing(issues, issue.path)) issues.push({...issue, message: `${issue.message} (for every representative substitution of its \${VAR} placeholders)`})
    }
    return issues
  }

  private validateAsWritten(obj: unknown): ValidationIssue[] {
    const issues: ValidationIssue[] = []
    if (!isPlainObject(obj)) return [{path: '', message: 'object must be a mapping'}]
    const {apiVersion, kind} = obj
    if (typeof apiVersion !== 'string' || !apiVersion) issues.push({path: 'apiVersion', message: 'apiVersion is required'})
    if (typeof kind !== 'string' || !kind) issues.push({path: 'kind', message: 'kind is required'})
    if (issues.length) return issues
    const key = `${apiVersion}|${kind}`

    if (CORE_KINDS.has(key)) {
      this.checkMetadata(obj, kind as string, 'Namespaced', issues, true)
      return issues
    }
    const entry = this.core.byApiVersionKind.get(key)
    if (!entry) {
      const served = this.core.servedByKind.get(kind as string)
      issues.push({
        path: 'apiVersion',
        message: served
          ? `apiVersion ${apiVersion} is not served for kind ${kind} in the ${this.core.channel} channel (served: ${served.join(', ')})`
          : `unknown kind ${kind} (apiVersion ${apiVersion}): no CRD in ${crdDirectories(this.core.channel).join(', ')}`,
      })
      return issues
    }

    this.checkMetadata(obj, kind as string, entry.scope, issues, false)

    // Deep clone the way the object would be serialised (drops undefined, stringifies dates).
    const data = JSON.parse(JSON.stringify(obj)) as Record<string, unknown>
    pruneNulls(data, entry.schema)
    const validateFn = compiledAjv(this.core, entry)
    if (!validateFn(data)) {
      for (const e of collapseBranchErrors(validateFn.errors ?? [])) {
        const issue = this.ajvIssue(data, e)
        if (issue) issues.push(issue)
      }
    }
    checkUnknownFields(data, entry.schema, '', issues)
    checkListTypes(data, entry.schema, '', issues)
    this.checkCel(data, entry.schema, issues)
    return issues
  }

  private checkMetadata(
    obj: Record<string, unknown>,
    kind: string,
    scope: 'Namespaced' | 'Cluster',
    issues: ValidationIssue[],
    core: boolean,
  ): void {
    const md = obj.metadata
    if (!isPlainObject(md)) {
      issues.push({path: 'metadata', message: 'metadata is required'})
      return
    }
    for (const k of Object.keys(md)) {
      if (!OBJECT_META_FIELDS.has(k)) issues.push({path: childPath('metadata', k), message: `unknown field ${JSON.stringify(k)}`})
    }
    const name = md.name
    if (typeof name !== 'string' || name === '') {
      issues.push({path: 'metadata.name', message: 'metadata.name is required'})
    } else if (!name.includes(PLACEHOLDER)) {
      // Namespace names are DNS-1123 labels and Service names DNS-1035 labels in the API server; everything
      // else we emit only needs a DNS-1123 subdomain.
      const errs = core && kind === 'Namespace' ? dns1123LabelErrors(name) : core && kind === 'Service' ? dns1035LabelErrors(name) : dns1123SubdomainErrors(name)
      for (const e of errs) issues.push({path: 'metadata.name', message: `invalid name ${JSON.stringify(name)}: ${e}`})
    }
    const ns = md.namespace
    if (ns !== undefined && ns !== null) {
      if (typeof ns !== 'string') issues.push({path: 'metadata.namespace', message: 'metadata.namespace must be a string'})
      else if (!ns.includes(PLACEHOLDER)) {
        for (const e of dns1123LabelErrors(ns)) issues.push({path: 'metadata.namespace', message: `invalid namespace ${JSON.stringify(ns)}: ${e}`})
      }
      if (scope === 'Cluster' && kind !== 'Namespace' && typeof ns === 'string' && ns !== '') {
        // The API server ignores it, but it is almost certainly an emitter bug.
        issues.push({path: 'metadata.namespace', message: `${kind} is cluster-scoped and must not set metadata.namespace`})
      }
    }
    for (const field of ['labels', 'annotations'] as const) {
      const m = md[field]
      if (m === undefined || m === null) continue
      if (!isPlainObject(m)) {
        issues.push({path: `metadata.${field}`, message: `metadata.${field} must be a map of strings`})
        continue
      }
      for (const [k, v] of Object.entries(m)) {
        const p = childPath(`metadata.${field}`, k)
        if (!k.includes(PLACEHOLDER)) for (const e of qualifiedNameErrors(k)) issues.push({path: p, message: `invalid ${field === 'labels' ? 'label' : 'annotation'} key ${JSON.stringify(k)}: ${e}`})
        if (typeof v !== 'string') issues.push({path: p, message: `${field} values must be strings`})
        else if (field === 'labels' && !v.includes(PLACEHOLDER)) for (const e of labelValueErrors(v)) issues.push({path: p, message: `invalid label value ${JSON.stringify(v)}: ${e}`})
      }
    }
  }

  private ajvIssue(data: unknown, e: ErrorObject): ValidationIssue | undefined {
    const {value, path: at} = resolvePointer(data, e.instancePath)
    if (typeof value === 'string' && value.includes(PLACEHOLDER) && PLACEHOLDER_SENSITIVE_LEAF.has(e.keyword)) return undefined
    if (typeof value === 'object' && PLACEHOLDER_SENSITIVE_SUBTREE.has(e.keyword) && containsPlaceholder(value)) return undefined
    if (e.keyword === 'required') {
      const missing = (e.params as {missingProperty: string}).missingProperty
      return {path: childPath(at, missing), message: `Required value: ${e.message}`}
    }
    if (e.keyword === 'additionalProperties') {
      const extra = (e.params as {additionalProperty: string}).additionalProperty
      return {path: childPath(at, extra), message: `unknown field ${JSON.stringify(extra)}`}
    }
    if (e.keyword === 'enum') {
      return {path: at, message: `${e.message}: ${JSON.stringify((e.params as {allowedValues: unknown[]}).allowedValues)} (got ${JSON.stringify(value)})`}
    }
    const shown = typeof value === 'string' || typeof value === 'number' ? ` (got ${JSON.stringify(value)})` : ''
    return {path: at, message: `${e.message ?? e.keyword}${shown}`}
  }

  private skip(reason: string): void {
    this.stats.skipped++
    this.stats.skippedReasons[reason] = (this.stats.skippedReasons[reason] ?? 0) + 1
  }

  private checkCel(data: Record<string, unknown>, schema: Schema, issues: ValidationIssue[]): void {
    const visit = (value: unknown, s: Schema | undefined, celValue: unknown, at: string) => {
      if (!s || value === undefined || value === null) return
      for (const spec of s['x-kubernetes-validations'] ?? []) {
        const compiled = compileRule(spec.rule)
        if (!compiled.ok) {
          this.skip(compiled.reason)
          continue
        }
        let result: unknown
        try {
          result = compiled.fn({self: celValue})
        } catch (err) {
          const msg = err instanceof Error ? (err.message.split('\n')[0] ?? err.message) : String(err)
          this.skip(`runtime error: ${msg}`)
          continue
        }
        if (result === true) {
          this.stats.evaluated++
        } else if (result === false) {
          if (containsPlaceholder(value)) {
            this.skip(SKIP_PLACEHOLDER)
            continue
          }
          this.stats.evaluated++
          issues.push({
            path: joinFieldPath(at, spec.fieldPath),
            message: spec.message ?? spec.messageExpression ?? `failed rule: ${spec.rule}`,
            rule: spec.rule,
          })
        } else {
          this.skip(`runtime error: rule returned ${typeof result}, not bool`)
        }
      }
      if (Array.isArray(value)) {
        const cv = celValue as unknown[]
        value.forEach((v, i) => visit(v, s.items, cv[i], childPath(at, i)))
      } else if (isPlainObject(value)) {
        const cv = celValue as Record<string, unknown>
        for (const [k, v] of Object.entries(value)) {
          const prop = s.properties?.[k]
          if (prop) {
            const ek = escapeCelProperty(k)
            visit(v, prop, ek === undefined ? toCel(v, prop) : cv[ek], childPath(at, k))
          } else if (isPlainObject(s.additionalProperties)) {
            visit(v, s.additionalProperties as Schema, cv[k], childPath(at, k))
          }
        }
      }
    }
    visit(data, schema, toCel(data, schema), '')
  }
}

/**
 * ajv reports an anyOf/oneOf failure plus one error per branch (int-or-string: "must be integer", "must be string",
 * "must match a schema in anyOf"). Fold the branch errors into the anyOf/oneOf error's message.
 */
function collapseBranchErrors(errors: ErrorObject[]): ErrorObject[] {
  const composite = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf')
  if (composite.length === 0) return errors
  const branchOf = (e: ErrorObject) =>
    composite.find((c) => c !== e && e.instancePath === c.instancePath && e.schemaPath.startsWith(`${c.schemaPath}/`))
  const out: ErrorObject[] = []
  for (const e of errors) {
    if (branchOf(e)) continue
    if (e.keyword === 'anyOf' || e.keyword === 'oneOf') {
      const branches = [...new Set(errors.filter((b) => branchOf(b) === e).map((b) => b.message ?? b.keyword))]
      out.push(branches.length ? {...e, message: `${e.message} (${branches.join(' / ')})`} : e)
    } else out.push(e)
  }
  return out
}

/** The API server drops null values of non-nullable properties before defaulting. */
function pruneNulls(value: unknown, schema: Schema | undefined): void {
  if (!schema) return
  if (Array.isArray(value)) {
    for (const v of value) pruneNulls(v, schema.items)
  } else if (isPlainObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      const ps = propertySchema(schema, k)
      if (v === null && ps && !ps.nullable && schema.properties?.[k]) delete value[k]
      else pruneNulls(v, ps)
    }
  }
}

/** Fields not declared in a structural schema: pruned by the API server, rejected by kubectl's --validate=strict. */
function checkUnknownFields(value: unknown, schema: Schema | undefined, at: string, issues: ValidationIssue[]): void {
  if (!schema) return
  if (Array.isArray(value)) {
    value.forEach((v, i) => checkUnknownFields(v, schema.items, childPath(at, i), issues))
    return
  }
  if (!isPlainObject(value)) return
  const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true
  for (const [k, v] of Object.entries(value)) {
    const ps = propertySchema(schema, k)
    if (!ps) {
      if (schema.properties && !preserve) issues.push({path: childPath(at, k), message: `unknown field ${JSON.stringify(k)}`})
      continue
    }
    // metadata is ObjectMeta (schema says only `type: object`); checked by checkMetadata.
    if (at === '' && k === 'metadata') continue
    checkUnknownFields(v, ps, childPath(at, k), issues)
  }
}

/** x-kubernetes-list-type map/set uniqueness (not expressible in JSON Schema). */
function checkListTypes(value: unknown, schema: Schema | undefined, at: string, issues: ValidationIssue[]): void {
  if (!schema) return
  if (Array.isArray(value)) {
    const listType = schema['x-kubernetes-list-type']
    const containsPh = (v: unknown) => containsPlaceholder(v)
    if (listType === 'map') {
      const keys = schema['x-kubernetes-list-map-keys'] ?? []
      const seen = new Map<string, number>()
      value.forEach((item, i) => {
        if (!isPlainObject(item)) return
        const tuple = keys.map((k) => item[k])
        if (tuple.some(containsPh)) return
        const sig = canonical(tuple)
        const first = seen.get(sig)
        if (first !== undefined) {
          const desc = keys.map((k, j) => `${k}=${JSON.stringify(tuple[j])}`).join(', ')
          issues.push({path: childPath(at, i), message: `Duplicate value: list-map key ${desc} already used by ${childPath(at, first)}`})
        } else seen.set(sig, i)
      })
    } else if (listType === 'set') {
      const seen = new Map<string, number>()
      value.forEach((item, i) => {
        if (containsPh(item)) return
        const sig = canonical(item)
        const first = seen.get(sig)
        if (first !== undefined) issues.push({path: childPath(at, i), message: `Duplicate value: ${JSON.stringify(item)} (list-type set) already at ${childPath(at, first)}`})
        else seen.set(sig, i)
      })
    }
    value.forEach((v, i) => checkListTypes(v, schema.items, childPath(at, i), issues))
    return
  }
  if (!isPlainObject(value)) return
  for (const [k, v] of Object.entries(value)) checkListTypes(v, propertySchema(schema, k), childPath(at, k), issues)
}
