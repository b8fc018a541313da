/**
 * The registry is complete and consistent (typescript-eslint's docs test is the model): every key ingress-nginx
 * reads is registered once, every family file is listed in the registry, every key is documented in the fresh
 * docs/annotations.md and exercised by a test or golden input, and the core stays free of I/O.
 */
import test from 'ava'
import {readdirSync, readFileSync} from 'node:fs'
import {Node, Project, SyntaxKind} from 'ts-morph'
import {ALIASES, ALL_KEYS} from '../../src/annotations/all-keys.js'
import {allFamilies, families, registry} from '../../src/annotations/index.js'
import {renderAnnotationDocs, renderServingDocs} from '../../scripts/annotation-docs.js'

const ROOT = new URL('../../', import.meta.url).pathname

test('all 136 keys and both aliases are registered', (t) => {
  t.is(ALL_KEYS.length, 136)
  t.is(new Set(ALL_KEYS).size, 136)
  for (const key of [...ALL_KEYS, ...Object.keys(ALIASES)]) t.truthy(registry.get(key), key)
  const specKeys = allFamilies().flatMap((f) => f.specs.map((s) => s.key))
  t.is(specKeys.length, new Set(specKeys).size, 'a key is registered by two families')
  t.deepEqual(specKeys.filter((k) => !(ALL_KEYS as readonly string[]).includes(k)), [], 'a family registers a key ingress-nginx does not read')
})

test('every family file under src/annotations is listed in the registry', (t) => {
  const files = readdirSync(`${ROOT}src/annotations`).filter((f) => f.endsWith('.ts'))
  const helpers = new Set(['index.ts', 'types.ts', 'all-keys.ts', 'serving.ts', 'placeholders.ts'])
  const familyFiles = files.filter((f) => !helpers.has(f))
  const registered = new Set(families.map((f) => `${f.name}.ts`))
  t.deepEqual(familyFiles.filter((f) => !registered.has(f)), [], 'family files not registered in src/annotations/index.ts')
})

test('every non-exact spec says why (note), and every spec has a summary and target', (t) => {
  for (const f of allFamilies()) {
    for (const s of f.specs) {
      t.true(s.summary.length > 5, `${s.key} summary`)
      t.true(s.target.length > 2, `${s.key} target`)
      if (s.fidelity !== 'exact') t.true((s.note ?? '').length > 10, `${s.key} is ${s.fidelity} but has no note`)
    }
  }
})

test('docs/annotations.md is fresh (run `npm run docs`)', (t) => {
  t.is(readFileSync(`${ROOT}docs/annotations.md`, 'utf8'), renderAnnotationDocs())
})

test('docs/serving.md, the serve table, is fresh and has one row per key (run `npm run docs`)', (t) => {
  const docs = readFileSync(`${ROOT}docs/serving.md`, 'utf8')
  t.is(docs, renderServingDocs())
  for (const key of ALL_KEYS) t.true(docs.includes(`| \`${key}\``), key)
})

test('every registered key is documented and exercised by a test or a golden input', (t) => {
  const docs = readFileSync(`${ROOT}docs/annotations.md`, 'utf8')
  const corpus = [
    ...readdirSync(`${ROOT}test/annotations`).map((f) => readFileSync(`${ROOT}test/annotations/${f}`, 'utf8')),
    ...readdirSync(`${ROOT}test/golden`).flatMap((d) => {
      try {
        return [readFileSync(`${ROOT}test/golden/${d}/input.yaml`, 'utf8')]
      } catch {
        return []
      }
    }),
  ].join('\n')
  const undocumented: string[] = []
  const untested: string[] = []
  for (const key of [...ALL_KEYS, ...Object.keys(ALIASES)]) {
    if (!docs.includes(`\`${key}\``)) undocumented.push(key)
    if (!new RegExp(`(nginx\\.ingress\\.kubernetes\\.io/|['"\`])${key.replace(/-/g, '\\-')}['"\`:]`).test(corpus)) untested.push(key)
  }
  t.deepEqual(undocumented, [])
  t.deepEqual(untested, [])
})

const IO_ALLOWED = ['src/verify/live/transport.ts']

test('the compiler core and the verify models import no I/O, cluster client or colour library', (t) => {
  const project = new Project({skipAddingFilesFromTsConfig: true})
  project.addSourceFilesAtPaths([`${ROOT}src/model/**/*.ts`, `${ROOT}src/translate/**/*.ts`, `${ROOT}src/annotations/**/*.ts`, `${ROOT}src/configmap/**/*.ts`, `${ROOT}src/util/**/*.ts`, `${ROOT}src/verify/**/*.ts`])
  const offenders: string[] = []
  for (const file of project.getSourceFiles()) {
    // verify's live mode sends requests to the data planes: its one I/O file, everything else of it stays pure.
    if (IO_ALLOWED.includes(file.getFilePath().slice(ROOT.length))) continue
    const specifiers = [
      ...file.getImportDeclarations().map((d) => d.getModuleSpecifierValue()),
      ...file.getExportDeclarations().map((d) => d.getModuleSpecifierValue() ?? ''),
    ]
    // A dynamic import loads a module as surely as a declaration does: `await import('node:fs')` is I/O too.
    file.forEachDescendant((node) => {
      if (!Node.isCallExpression(node) || node.getExpression().getKind() !== SyntaxKind.ImportKeyword) return
      const arg = node.getArguments()[0]
      specifiers.push(Node.isStringLiteral(arg) || Node.isNoSubstitutionTemplateLiteral(arg) ? arg.getLiteralValue() : `import(${arg?.getText()})`)
    })
    for (const s of specifiers) {
      if (/^node:|^(fs|path|os|child_process|http|https|net)$|@kubernetes\/client-node|^chalk$|\.\.\/(commands|sources|output)\/|^import\(/.test(s)) {
        offenders.push(`${file.getFilePath().slice(ROOT.length)} imports ${s}`)
      }
    }
    if (/\bprocess\.|console\./.test(file.getFullText().replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, ''))) offenders.push(`${file.getFilePath().slice(ROOT.length)} uses process or console`)
  }
  t.deepEqual(offenders, [])
})
