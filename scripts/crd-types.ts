/**
 * Renders TypeScript types for the spec of every kind kubectl-ingress2gw emits, from the same CRDs the conformance
 * tests validate against (../shared/crds, else .crds/ from `npm run crds`). `npm run types` writes them to
 * src/model/generated/; test/crd-types.test.ts fails when the committed files differ from what this renders.
 *
 * What is translated: object properties (required ones without a schema default are mandatory: the API server fills
 * defaults before it validates), arrays, string/integer enums as unions, integer/number, boolean, nullable,
 * x-kubernetes-int-or-string (number | string), additionalProperties (maps), x-kubernetes-preserve-unknown-fields
 * (unknown, or an open index signature beside declared properties). An object schema with neither properties nor
 * additionalProperties is an empty struct: the API server prunes anything written into it (Record<string, never>).
 * Validation-only keywords (allOf/anyOf/oneOf with `required`, patterns, CEL) are left to the conformance tests.
 */
import {existsSync, readdirSync, readFileSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import yaml from 'js-yaml'

export interface Schema {
  type?: string
  description?: string
  properties?: Record<string, Schema>
  items?: Schema
  additionalProperties?: Schema | boolean
  required?: string[]
  enum?: unknown[]
  nullable?: boolean
  default?: unknown
  'x-kubernetes-int-or-string'?: boolean
  'x-kubernetes-preserve-unknown-fields'?: boolean
}

/** A CRD source folder (under the CRD root) and the module its kinds are written to. */
interface Source {
  /** Folder under the CRD root (the conformance tests' crdDirectories, standard channel). */
  dir: string
  /** Key of scripts/crds-manifest.json `releases`. */
  release: string
  module: string
  kinds: string[]
}

/**
 * The kinds the compiler emits (every kind in test/golden/*\/expected.yaml but Namespace, plus GatewayClass's
 * neighbours the emitters may write): one generated module per CRD release.
 */
export const SOURCES: Source[] = [
  {
    dir: 'gateway-api/standard',
    release: 'gateway-api',
    module: 'gateway-api',
    kinds: ['BackendTLSPolicy', 'GRPCRoute', 'Gateway', 'HTTPRoute', 'ReferenceGrant', 'TCPRoute', 'TLSRoute', 'UDPRoute'],
  },
  {
    dir: 'envoy-gateway',
    release: 'envoy-gateway',
    module: 'envoy-gateway',
    kinds: ['Backend', 'BackendTrafficPolicy', 'ClientTrafficPolicy', 'EnvoyExtensionPolicy', 'EnvoyProxy', 'HTTPRouteFilter', 'SecurityPolicy'],
  },
  {dir: 'cert-manager', release: 'cert-manager', module: 'cert-manager', kinds: ['Certificate', 'ClusterIssuer', 'Issuer']},
]

export const GENERATED_DIR = fileURLToPath(new URL('../src/model/generated/', import.meta.url))

/** The CRD folder the conformance tests use (test/support/conformance.ts chooseCrdRoot), or undefined when neither exists. */
export function findCrdRoot(): string | undefined {
  const shared = fileURLToPath(new URL('../../shared/crds/', import.meta.url))
  const downloaded = fileURLToPath(new URL('../.crds/', import.meta.url))
  if (existsSync(shared)) return shared
  if (existsSync(downloaded)) return downloaded
  return undefined
}

interface CrdDoc {
  kind?: string
  spec?: {
    group: string
    names: {kind: string}
    versions: Array<{name: string; served: boolean; storage: boolean; schema?: {openAPIV3Schema?: Schema}}>
  }
}

interface KindSchema {
  kind: string
  apiVersion: string
  /** Every served apiVersion (group/version), sorted: the versions an emitter may write. */
  served: string[]
  file: string
  spec: Schema
}

function readKinds(root: string, source: Source): KindSchema[] {
  const dir = path.join(root, source.dir)
  const found = new Map<string, KindSchema>()
  for (const file of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort()) {
    for (const doc of yaml.loadAll(readFileSync(path.join(dir, file), 'utf8')) as CrdDoc[]) {
      if (doc?.kind !== 'CustomResourceDefinition' || !doc.spec || !source.kinds.includes(doc.spec.names.kind)) continue
      // The storage version: the schema every served version round-trips through.
      const version = doc.spec.versions.find((v) => v.storage && v.served)
      const spec = version?.schema?.openAPIV3Schema?.properties?.spec
      if (!version || !spec) throw new Error(`${source.dir}/${file}: no served storage version with a spec schema`)
      // One spec type stands for every served version: refuse a CRD whose versions' specs differ.
      const served = doc.spec.versions.filter((v) => v.served)
      const other = served.find((v) => canonical(v.schema?.openAPIV3Schema?.properties?.spec) !== canonical(spec))
      if (other) throw new Error(`${source.dir}/${file}: served version ${other.name} has another spec schema than ${version.name}`)
      const apiVersions = served.map((v) => `${doc.spec!.group}/${v.name}`).sort()
      found.set(doc.spec.names.kind, {kind: doc.spec.names.kind, apiVersion: `${doc.spec.group}/${version.name}`, served: apiVersions, file: `${source.dir}/${file}`, spec})
    }
  }
  const missing = source.kinds.filter((k) => !found.has(k))
  if (missing.length > 0) throw new Error(`no CRD for ${missing.join(', ')} in ${dir}`)
  return [...found.values()].sort((a, b) => (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0))
}

/** JSON with sorted keys: two schemas that differ only in key order are the same schema. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const object = value as Record<string, unknown>
    return `{${Object.keys(object).sort().map((k) => `${JSON.stringify(k)}:${canonical(object[k])}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'undefined'
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/

function pascal(s: string): string {
  return s.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase()).replace(/^./, (c) => c.toUpperCase())
}

/** The description's first sentence on one line, safe inside a block comment. */
function firstSentence(description: string | undefined): string | undefined {
  if (!description) return undefined
  const paragraph = description.split(/\n\s*\n/)[0]!.replace(/\s+/g, ' ').trim()
  const end = paragraph.search(/\.(\s|$)/)
  const sentence = end === -1 ? paragraph : paragraph.slice(0, end + 1)
  const text = sentence.length > 240 ? `${sentence.slice(0, 237).trimEnd()}...` : sentence
  return text.replace(/\*\//g, '*\\/') || undefined
}

function literal(v: unknown): string {
  return typeof v === 'string' ? `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'` : JSON.stringify(v)
}

/** Renders the named interfaces of one kind: `<Kind>Spec`, and `<Kind><Path>` for every nested object. */
class Renderer {
  private readonly blocks: string[] = []
  private readonly taken: Set<string>
  /** Interface body -> the first name it was written under: a later identical object becomes an alias of it. */
  private readonly bodies: Map<string, string>

  constructor(taken: Set<string>, bodies: Map<string, string>) {
    this.taken = taken
    this.bodies = bodies
  }

  render(kind: KindSchema): string[] {
    this.named(`${kind.kind}Spec`, kind.spec, `spec of ${kind.kind} (${kind.apiVersion}).`)
    return this.blocks
  }

  private uniqueName(base: string): string {
    let name = base
    for (let n = 2; this.taken.has(name); n++) name = `${base}${n}`
    this.taken.add(name)
    return name
  }

  /**
   * An object with properties becomes an interface named after its path. Returns the name nested fields refer to: the
   * first interface of the same body (the CRDs repeat shared Go types: Issuer and ClusterIssuer, local and global
   * rate-limit rules), the later one being written as an alias of it, so every path keeps its name.
   */
  private named(base: string, schema: Schema, fallbackDoc?: string): string {
    const name = this.uniqueName(base)
    const lines: string[] = []
    const doc = firstSentence(schema.description) ?? fallbackDoc
    const header = doc ? `/** ${doc} */\n` : ''
    const required = new Set(schema.required ?? [])
    const index = this.blocks.length
    this.blocks.push('') // reserve the slot: nested interfaces follow their parent
    for (const prop of Object.keys(schema.properties ?? {}).sort()) {
      const child = schema.properties![prop]!
      const childDoc = firstSentence(child.description)
      if (childDoc) lines.push(`  /** ${childDoc} */`)
      const optional = !required.has(prop) || child.default !== undefined
      const key = IDENTIFIER.test(prop) ? prop : literal(prop)
      lines.push(`  ${key}${optional ? '?' : ''}: ${this.type(`${base}${pascal(prop)}`, child)}`)
    }
    if (schema['x-kubernetes-preserve-unknown-fields']) lines.push('  [key: string]: unknown')
    else if (typeof schema.additionalProperties === 'object') lines.push(`  [key: string]: ${this.type(`${base}Value`, schema.additionalProperties)}`)
    const body = lines.join('\n')
    const same = this.bodies.get(body)
    if (same !== undefined) {
      this.blocks[index] = `${header}export type ${name} = ${same}`
      return same
    }
    this.bodies.set(body, name)
    this.blocks[index] = `${header}export interface ${name} {\n${body}${body ? '\n' : ''}}`
    return name
  }

  private type(base: string, schema: Schema): string {
    const t = this.bare(base, schema)
    return schema.nullable ? `${t} | null` : t
  }

  private bare(base: string, schema: Schema): string {
    if (schema['x-kubernetes-int-or-string']) return 'number | string'
    if (schema.enum && schema.enum.length > 0) return [...schema.enum].map(literal).join(' | ')
    switch (schema.type) {
      case 'string':
        return 'string'
      case 'integer':
      case 'number':
        return 'number'
      case 'boolean':
        return 'boolean'
      case 'array': {
        const item = schema.items ? this.type(base, schema.items) : 'unknown'
        return /^[\w.]+$/.test(item) ? `${item}[]` : `(${item})[]`
      }
      case 'object':
        return this.object(base, schema)
      case undefined:
        // A structural schema types every node but int-or-string and preserve-unknown-fields ones: anything else here
        // is a CRD the API server would refuse, not an empty struct.
        if (!schema['x-kubernetes-preserve-unknown-fields']) throw new Error(`schema without a type at ${base}`)
        return this.object(base, schema)
      default:
        throw new Error(`unsupported schema type ${schema.type} at ${base}`)
    }
  }

  private object(base: string, schema: Schema): string {
    if (schema.properties && Object.keys(schema.properties).length > 0) return this.named(base, schema)
    if (typeof schema.additionalProperties === 'object') return `Record<string, ${this.type(`${base}Value`, schema.additionalProperties)}>`
    if (schema['x-kubernetes-preserve-unknown-fields'] || schema.additionalProperties === true) {
      return schema.type === 'object' ? 'Record<string, unknown>' : 'unknown'
    }
    // An empty struct: the API server prunes whatever is written into it.
    return 'Record<string, never>'
  }
}

function releases(): Record<string, string> {
  const manifest = JSON.parse(readFileSync(new URL('./crds-manifest.json', import.meta.url), 'utf8')) as {releases: Record<string, string>}
  return manifest.releases
}

const HEADER = '// Generated by scripts/gen-types.ts (`npm run types`) from the CRDs the conformance tests load. Do not edit.'

/** Every generated file (name under src/model/generated/ -> text). */
export function renderCrdTypes(root: string): Map<string, string> {
  const out = new Map<string, string>()
  const pinned = releases()
  const index: string[] = [
    HEADER,
    '// The spec type and apiVersion (the CRD storage version) of every emitted kind, by kind.',
    '',
  ]
  const byKind: {kind: string; module: string; apiVersion: string; served: string[]}[] = []
  for (const source of SOURCES) {
    const kinds = readKinds(root, source)
    const taken = new Set<string>()
    const bodies = new Map<string, string>()
    const blocks = kinds.flatMap((k) => new Renderer(taken, bodies).render(k))
    const from = kinds.map((k) => `//   ${k.file} (${k.apiVersion} ${k.kind})`)
    out.set(`${source.module}.ts`, [HEADER, `// Release: ${source.release} ${pinned[source.release] ?? '(not in scripts/crds-manifest.json)'}`, ...from, '', blocks.join('\n\n'), ''].join('\n'))
    for (const k of kinds) byKind.push({kind: k.kind, module: source.module, apiVersion: k.apiVersion, served: k.served})
  }
  byKind.sort((a, b) => (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0))
  for (const source of SOURCES) {
    const names = byKind.filter((k) => k.module === source.module).map((k) => `${k.kind}Spec`)
    index.push(`import type {${names.join(', ')}} from './${source.module}.js'`)
  }
  index.push('', ...SOURCES.map((s) => `export type * from './${s.module}.js'`))
  index.push('', 'export interface SpecByKind {', ...byKind.map((k) => `  ${k.kind}: ${k.kind}Spec`), '}', '')
  index.push('export type GeneratedKind = keyof SpecByKind', '')
  index.push('/** The apiVersions the CRD serves for each kind (all with the same spec schema): what an emitter may write. */')
  index.push('export interface ApiVersionByKind {', ...byKind.map((k) => `  ${k.kind}: ${k.served.map(literal).join(' | ')}`), '}', '')
  index.push('/** The CRD storage version each spec type was generated from (an emitter may write another served version of the same schema). */')
  index.push('export const STORAGE_API_VERSION: Record<GeneratedKind, string> = {', ...byKind.map((k) => `  ${k.kind}: '${k.apiVersion}',`), '}', '')
  out.set('index.ts', index.join('\n'))
  return out
}
