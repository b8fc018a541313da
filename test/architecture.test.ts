/**
 * The layering of docs/architecture.md, read from the code with the TypeScript parser (ts-morph): every import of a
 * file under src/ points down or sideways (a folder may import only the folders listed for it), and no function is
 * longer than a reader can hold (issue 22).
 */
import test from 'ava'
import {readFileSync} from 'node:fs'
import path from 'node:path'
import {Node, Project, SyntaxKind, type SourceFile} from 'ts-morph'

const ROOT = new URL('../', import.meta.url).pathname
const SRC = path.join(ROOT, 'src')

const project = new Project({skipAddingFilesFromTsConfig: true, skipFileDependencyResolution: true})
project.addSourceFilesAtPaths(`${SRC}/**/*.ts`)
const files = project.getSourceFiles()

/**
 * The folders each folder of src/ may import besides itself. From the ground up: util, model (Kubernetes object types,
 * the Ingress model, diagnostics, units and parsers), the families (annotations; configmap, which reuses the
 * annotation parsers where a ConfigMap key and an annotation share nginx's code: proxy-next-upstream, source ranges,
 * global auth), the pure compiler (translate), then what reads and writes around it, the command plumbing (cli), the
 * commands and the entry point.
 */
const MAY_IMPORT: Record<string, readonly string[]> = {
  util: [],
  model: ['util'],
  annotations: ['model', 'util'],
  configmap: ['annotations', 'model', 'util'],
  translate: ['annotations', 'configmap', 'model', 'util'],
  verify: ['translate', 'annotations', 'configmap', 'model', 'util'],
  sources: ['translate', 'model', 'util'],
  output: ['sources', 'translate', 'model', 'util'],
  status: ['output', 'sources', 'model', 'util'],
  cutover: ['status', 'output', 'sources', 'translate', 'model', 'util'],
  cli: ['output', 'sources', 'translate', 'verify', 'status', 'cutover', 'model', 'util'],
  commands: ['cli', 'output', 'sources', 'translate', 'verify', 'status', 'cutover', 'model', 'util'],
  entry: ['commands'],
}

/**
 * Known arrows against the layering, each with the reason it is still there. The test also fails when one is gone,
 * so the list only shrinks.
 */
const KNOWN_UPWARD: Record<string, string> = {}

/** Every relative module a file names: import/export declarations, `import()` calls and `import('...')` types. */
function relativeSpecifiers(file: SourceFile): string[] {
  const specs = [
    ...file.getImportDeclarations().map((d) => d.getModuleSpecifierValue()),
    ...file.getExportDeclarations().map((d) => d.getModuleSpecifierValue() ?? ''),
  ]
  file.forEachDescendant((node) => {
    if (Node.isImportTypeNode(node)) {
      const arg = node.getArgument()
      if (Node.isLiteralTypeNode(arg)) specs.push(arg.getLiteral().getText().slice(1, -1))
    } else if (Node.isCallExpression(node) && node.getExpression().getKind() === SyntaxKind.ImportKeyword) {
      const arg = node.getArguments()[0]
      if (Node.isStringLiteral(arg) || Node.isNoSubstitutionTemplateLiteral(arg)) specs.push(arg.getLiteralValue())
    }
  })
  return specs.filter((s) => s.startsWith('.'))
}

const folderOf = (absolute: string) => path.relative(SRC, absolute).split(path.sep)[0]
const repoPath = (absolute: string) => path.relative(ROOT, absolute)

function arrows(of: SourceFile[]): {from: string; to: string; spec: string}[] {
  return of.flatMap((file) =>
    relativeSpecifiers(file).map((spec) => ({
      from: file.getFilePath(),
      to: path.resolve(path.dirname(file.getFilePath()), spec).replace(/\.js$/, '.ts'),
      spec,
    })),
  )
}

test('every folder of src/ is in the layering table', (t) => {
  // A file directly under src/ counts as a folder of its own, so that it cannot escape the table.
  const folders = [...new Set(files.map((f) => folderOf(f.getFilePath())))]
  t.deepEqual(folders.filter((f) => !(f in MAY_IMPORT)), [], 'add the new folder to MAY_IMPORT and docs/architecture.md')
})

/** The imports of `of` that point up the layers (one line each, naming file, import and rule), and the known ones met. */
function upwardImports(of: SourceFile[]): {offenders: string[]; known: Set<string>} {
  const offenders: string[] = []
  const known = new Set<string>()
  for (const a of arrows(of)) {
    const from = folderOf(a.from)
    const to = folderOf(a.to)
    if (from === to || to.startsWith('..')) continue
    if (MAY_IMPORT[from]?.includes(to)) continue
    const pair = `${repoPath(a.from)} -> ${repoPath(a.to)}`
    if (pair in KNOWN_UPWARD) known.add(pair)
    else offenders.push(`${repoPath(a.from)} imports '${a.spec}' (${from} -> ${to}; ${from} may import ${MAY_IMPORT[from]?.join(', ') || 'nothing outside itself'})`)
  }
  return {offenders, known}
}

test('imports point down the layers: model <- families <- translate <- output/sources <- cli <- commands', (t) => {
  const {offenders, known} = upwardImports(files)
  t.deepEqual(offenders, [], 'an import points up the layers (docs/architecture.md, "Which folder may import which")')
  t.deepEqual(Object.keys(KNOWN_UPWARD).filter((k) => !known.has(k)), [], 'a known upward import is gone: remove it from KNOWN_UPWARD')
})

test('the check fails on upward imports of every form: import, import type, export from, import() and import types', (t) => {
  const probes = [
    project.createSourceFile(
      `${SRC}/annotations/__probe__.ts`,
      [
        "import {emitRoutes} from '../translate/emit-routes.js'",
        "import type {Flags} from '../cli/translate-flags.js'",
        "export {served} from '../sources/served-version.js'",
        "export const x = import('../output/serialize.js')",
        'export const y = import(`../commands/convert.js`)',
        "export type Z = typeof import('../verify/index.js')",
        "import {parseBool} from '../model/parsers.js'",
      ].join('\n'),
    ),
    project.createSourceFile(`${SRC}/model/__probe__.ts`, "import type {AnnotationFamily} from '../annotations/types.js'\n"),
  ]
  try {
    t.deepEqual(upwardImports(probes).offenders, [
      "src/annotations/__probe__.ts imports '../translate/emit-routes.js' (annotations -> translate; annotations may import model, util)",
      "src/annotations/__probe__.ts imports '../cli/translate-flags.js' (annotations -> cli; annotations may import model, util)",
      "src/annotations/__probe__.ts imports '../sources/served-version.js' (annotations -> sources; annotations may import model, util)",
      "src/annotations/__probe__.ts imports '../output/serialize.js' (annotations -> output; annotations may import model, util)",
      "src/annotations/__probe__.ts imports '../commands/convert.js' (annotations -> commands; annotations may import model, util)",
      "src/annotations/__probe__.ts imports '../verify/index.js' (annotations -> verify; annotations may import model, util)",
      "src/model/__probe__.ts imports '../annotations/types.js' (model -> annotations; model may import util)",
    ])
  } finally {
    for (const probe of probes) project.removeSourceFile(probe)
  }
})

test('docs/architecture.md shows the table the test enforces', (t) => {
  const doc = readFileSync(path.join(ROOT, 'docs/architecture.md'), 'utf8')
  const rows = [...doc.matchAll(/^\| `([a-z]+)\/` \| (.*) \|$/gm)].map(([, folder, may]) => [folder, may.match(/[a-z]+(?=\/`)/g) ?? []])
  t.deepEqual(Object.fromEntries(rows), Object.fromEntries(Object.entries(MAY_IMPORT).map(([k, v]) => [k, [...v]])), 'update the table in docs/architecture.md ("Which folder may import which")')
})

const MAX_FUNCTION_LINES = 120

/** Functions allowed over the limit, each with the work that brings it under. The list only shrinks. */
const LONG_FUNCTIONS: Record<string, string> = {}

function functionName(node: Node): string {
  const named = (node as {getName?: () => string | undefined}).getName?.()
  if (named) return named
  const parent = node.getParent()
  const parentName = parent && (parent as {getName?: () => string | undefined}).getName?.()
  return parentName ?? `(anonymous at line ${node.getStartLineNumber()})`
}

test(`no function, arrow or method in src/ is longer than ${MAX_FUNCTION_LINES} lines`, (t) => {
  const long: string[] = []
  const excepted = new Set<string>()
  for (const file of files) {
    file.forEachDescendant((node) => {
      if (
        !Node.isFunctionDeclaration(node) &&
        !Node.isFunctionExpression(node) &&
        !Node.isArrowFunction(node) &&
        !Node.isMethodDeclaration(node) &&
        !Node.isConstructorDeclaration(node) &&
        !Node.isGetAccessorDeclaration(node) &&
        !Node.isSetAccessorDeclaration(node)
      ) {
        return
      }
      const lines = node.getEndLineNumber() - node.getStartLineNumber() + 1
      if (lines <= MAX_FUNCTION_LINES) return
      const id = `${repoPath(file.getFilePath())} ${functionName(node)}`
      if (id in LONG_FUNCTIONS) excepted.add(id)
      else long.push(`${id}: ${lines} lines`)
    })
  }
  t.deepEqual(long, [], 'split these into functions whose names say what each part does')
  t.deepEqual(Object.keys(LONG_FUNCTIONS).filter((k) => !excepted.has(k)), [], 'an excepted function is now short: remove it from LONG_FUNCTIONS')
})
