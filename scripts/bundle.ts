/**
 * Builds the one-file CLI with esbuild into dist/bundle/: kubectl-ingress2gw.cjs, the CLI as one CommonJS script, which
 * bin/kubectl-ingress2gw runs through code-cache.cjs (src/entry/code-cache.ts: V8's code cache kept between runs, which
 * Node 20 has no other way to keep), kubernetes-client.cjs, @kubernetes/client-node alone, which only the cluster
 * commands load (through the same loader), lazy/NAME.cjs for oclif's rarely used dependencies, and
 * precomputed-help.cjs. With `--sea` also dist/sea/kubectl-ingress2gw.cjs, the CommonJS script a Node single
 * executable embeds (it can load no file beside it, so everything is inlined). Usage:
 * `node --import=tsx scripts/bundle.ts [--sea]`.
 */
import {build, type BuildOptions, type Metafile, type Plugin as EsbuildPlugin} from 'esbuild'
import {spawnSync} from 'node:child_process'
import {readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {fileURLToPath} from 'node:url'
import {isDebugSwitch, recordedArgv, recordingFrom, type HelpRecording} from '../src/entry/precomputed-help.js'
import {asciiOnly} from './ascii-output.js'
import {NOTICES_FILE, thirdPartyNotices} from './third-party-notices.js'

const ROOT = fileURLToPath(new URL('../', import.meta.url))
/** The CLI's script in dist/bundle/ (bin/kubectl-ingress2gw runs it). */
export const MAIN_SCRIPT = 'kubectl-ingress2gw.cjs'

/** The package.json fields oclif reads at start; the rest (scripts, devDependencies) stays out of the bundle. */
function oclifFields(pjsonPath: string): Record<string, unknown> {
  const pjson = JSON.parse(readFileSync(pjsonPath, 'utf8'))
  return {name: pjson.name, version: pjson.version, description: pjson.description, type: pjson.type, oclif: pjson.oclif, dependencies: pjson.dependencies ?? {}}
}

/**
 * oclif's manifest of the commands (ids, summaries, flags, args: everything `--help` reads), built by oclif itself from
 * the explicit command map, as it would at every start of the TypeScript build: the bundle starts from it and imports a
 * command's code only to run it (src/entry/bundled.ts).
 */
async function commandManifest(pjson: Record<string, unknown>): Promise<unknown> {
  const {Plugin} = await import('@oclif/core')
  const {COMMANDS} = await import('../src/entry/commands.js')
  const plugin = new Plugin({root: ROOT, pjson: pjson as never, isRoot: true, ignoreManifest: true, errorOnManifestCreate: true})
  ;(plugin as unknown as {commandCache: typeof COMMANDS}).commandCache = COMMANDS
  await plugin.load()
  return plugin.manifest
}

async function common(sea: boolean): Promise<BuildOptions> {
  const pjson = oclifFields(`${ROOT}package.json`)
  return {
    absWorkingDir: ROOT,
    entryPoints: {'kubectl-ingress2gw': 'src/entry/bundled.ts'},
    bundle: true,
    platform: 'node',
    target: 'node20.19',
    logLevel: 'warning',
    // oclif reads tsconfig through TypeScript only to run .ts sources in development; the bundle never does.
    external: ['typescript'],
    legalComments: 'eof',
    define: {
      INGRESS2GW_PJSON: JSON.stringify(pjson),
      INGRESS2GW_MANIFEST: JSON.stringify(await commandManifest(pjson)),
      INGRESS2GW_SEA: String(sea),
      // oclif's start-up engines check require()s ../package.json beside its own file: there is none in a bundle, and a
      // single executable embeds its Node (Node warns about any require() of a file there).
      'process.env.OCLIF_DISABLE_ENGINE_WARNING': '"1"',
    },
  }
}

/**
 * Packages @oclif/core require()s when it loads but this CLI runs rarely or never: command discovery by glob
 * (tinyglobby), plugin matching (minimatch), package.json lookup (lilconfig), the Node version check (semver, skipped:
 * OCLIF_DISABLE_ENGINE_WARNING), spinners (cli-spinners), help templates (ejs, help only). Each is built into a CommonJS
 * file of its own, dist/bundle/lazy/NAME.cjs, and oclif's require() of it returns a stand-in that loads it on first
 * use, so that starting neither parses nor runs them.
 */
const LAZY_OCLIF_DEPENDENCIES = ['cli-spinners', 'ejs', 'lilconfig', 'minimatch', 'semver', 'tinyglobby']
const requireFromOclif = createRequire(createRequire(`${ROOT}package.json`).resolve('@oclif/core'))

/** The stand-in for a lazy package: its exports object, loaded when a property is first read. */
function lazyStandIn(name: string): string {
  const real: unknown = requireFromOclif(name)
  // oclif reads these exports as objects (calls through properties); a stand-in cannot be called itself.
  if (typeof real !== 'object' || real === null) throw new Error(`${name} exports a ${typeof real}, not an object`)
  // __esModule is read by __importDefault right at require(); answered without loading the package.
  const esModule = Boolean((real as {__esModule?: unknown}).__esModule)
  return `let real
const load = () => (real ??= __ingress2gwLazy(${JSON.stringify(name)}))
module.exports = new Proxy({}, {
  get: (_, key) => (key === '__esModule' ? ${esModule} : load()[key]),
  has: (_, key) => key in load(),
  ownKeys: () => Reflect.ownKeys(load()),
  getOwnPropertyDescriptor: (_, key) => {
    const d = Reflect.getOwnPropertyDescriptor(load(), key)
    return d && {...d, configurable: true}
  },
})
`
}

function lazyOclifDependencies(): EsbuildPlugin {
  const names = new RegExp(`^(${LAZY_OCLIF_DEPENDENCIES.join('|')})$`)
  return {
    name: 'lazy-oclif-dependencies',
    setup(b) {
      b.onResolve({filter: names}, (args) => {
        if (args.kind !== 'require-call' || !/[/\\]@oclif[/\\]core[/\\]/.test(args.importer)) return undefined
        return {path: args.path, namespace: 'lazy-oclif-dependency'}
      })
      b.onLoad({filter: /.*/, namespace: 'lazy-oclif-dependency'}, (args) => ({contents: lazyStandIn(args.path), loader: 'js'}))
    },
  }
}

/**
 * oclif's Plugin.load sorts the commands by id with String#localeCompare, whose first call builds an ICU collator
 * (25-45 ms here, a quarter of starting oclif for --help). The order of Plugin.commands decides no output of this CLI
 * (help sorts again with its own comparison, lib/help/index.js sortBy), and for the command ids, lowercase ASCII
 * words, comparing code units gives the order localeCompare gives: the bundle sorts them so; scripts/bundle.ts
 * fails if an id would break that (checkCommandIdOrder).
 */
const PLUGIN_SORT = '.sort((a, b) => a.id.localeCompare(b.id))'

function commandSortWithoutIcu(): EsbuildPlugin {
  return {
    name: 'command-sort-without-icu',
    setup(b) {
      b.onLoad({filter: /[/\\]@oclif[/\\]core[/\\]lib[/\\]config[/\\]plugin\.js$/}, (args) => {
        const source = readFileSync(args.path, 'utf8')
        if (source.split(PLUGIN_SORT).length !== 2) throw new Error(`${args.path}: expected one ${PLUGIN_SORT}`)
        return {contents: source.replace(PLUGIN_SORT, '.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))'), loader: 'js'}
      })
    },
  }
}

function checkCommandIdOrder(ids: string[]): void {
  const bad = ids.filter((id) => !/^[a-z]+$/.test(id))
  if (bad.length > 0) throw new Error(`command ids outside [a-z]+ (see commandSortWithoutIcu): ${bad.join(', ')}`)
  const byLocale = [...ids].sort((a, b) => a.localeCompare(b))
  const byCodeUnit = [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  if (byLocale.join() !== byCodeUnit.join()) throw new Error(`command ids sort differently by locale: ${byLocale.join()} / ${byCodeUnit.join()}`)
}

async function bundleLazyOclifDependencies(): Promise<Metafile[]> {
  const built = await Promise.all(
    LAZY_OCLIF_DEPENDENCIES.map((name) =>
      build({
        absWorkingDir: ROOT,
        entryPoints: [requireFromOclif.resolve(name)],
        bundle: true,
        platform: 'node',
        target: 'node20.19',
        format: 'cjs',
        outfile: `dist/bundle/lazy/${name}.cjs`,
        logLevel: 'warning',
        legalComments: 'eof',
        metafile: true,
      }),
    ),
  )
  return built.map((b) => b.metafile)
}

/**
 * dist/bundle-inputs.json: the source files each script of dist/bundle/ holds ("kubernetes-client.cjs" -> ["src/...",
 * "node_modules/..."]), from esbuild's metafile. The minified scripts name none of their sources; the tests that prove
 * a code path never loads the Kubernetes client (test/support/block-client-node.mjs) read it. Outside dist/bundle/, so
 * the npm package does not carry it.
 */
const BUNDLE_INPUTS = `${ROOT}dist/bundle-inputs.json`

function writeBundleInputs(...metafiles: Metafile[]): void {
  const inputs: Record<string, string[]> = {}
  for (const [file, output] of metafiles.flatMap((m) => Object.entries(m.outputs))) {
    if (/\.[cm]js$/.test(file)) inputs[file.replace(/^dist\/bundle\//, '')] = Object.keys(output.inputs).sort()
  }
  writeFileSync(BUNDLE_INPUTS, JSON.stringify(inputs, null, 1))
}

/** Rewrites every script under dist/bundle/ as pure ASCII (./ascii-output.ts says why); fails on what it cannot. */
function asciiBundle(): void {
  const dir = `${ROOT}dist/bundle/`
  for (const file of readdirSync(dir, {recursive: true, encoding: 'utf8'}).filter((f) => /\.[cm]js$/.test(f))) {
    const text = readFileSync(dir + file, 'utf8')
    const ascii = asciiOnly(text, `dist/bundle/${file}`)
    if (ascii !== text) writeFileSync(dir + file, ascii)
  }
}

/**
 * Less for Node to read, decode and compile: without whitespace and comments, and with esbuild's syntax shortening (a
 * small convert: 1,160M -> 1,125M instructions under callgrind, Node 20). Names stay, so stack traces and whatever
 * reads a function's or class's name see the same (minifyIdentifiers saved 0.2%).
 */
const MINIFY: BuildOptions = {minifyWhitespace: true, minifySyntax: true}

/**
 * A CommonJS script of dist/bundle/ is run by dist/bundle/code-cache.cjs with Node's module wrapper (exports, require,
 * module, __filename, __dirname; `require` resolves from dist/bundle/). import.meta is the script's URL, as it was in
 * the ES module build.
 */
const CJS_SCRIPT: BuildOptions = {
  format: 'cjs',
  // import() of a bundled module becomes a require() of it: a script run from a vm.Script has no import().
  supported: {'dynamic-import': false},
  define: {'import.meta.url': '__ingress2gwImportMetaUrl'},
  // Strict as the ES module build was (esbuild's own "use strict" would follow the banner, no longer a directive).
  banner: {js: "'use strict'; var __ingress2gwImportMetaUrl = require('node:url').pathToFileURL(__filename).href;"},
}

/** The file the Kubernetes client is built into, beside the main script. */
const CLIENT_SCRIPT = 'kubernetes-client.cjs'

/**
 * @kubernetes/client-node stays out of the main script (about 5 MB that only the cluster commands need): the main
 * script's import() of it returns the exports of dist/bundle/kubernetes-client.cjs, loaded then, with its own code
 * cache. esbuild splits no CommonJS build, so the client is an entry point of its own (kubernetesClientScript).
 */
function kubernetesClientApart(): EsbuildPlugin {
  return {
    name: 'kubernetes-client-apart',
    setup(b) {
      b.onResolve({filter: /^@kubernetes\/client-node$/}, (args) => ({path: args.path, namespace: 'kubernetes-client'}))
      b.onLoad({filter: /.*/, namespace: 'kubernetes-client'}, () => ({contents: 'module.exports = __ingress2gwClient()', loader: 'js'}))
    },
  }
}

async function kubernetesClientScript(): Promise<Metafile> {
  const {metafile} = await build({
    ...CJS_SCRIPT,
    ...MINIFY,
    absWorkingDir: ROOT,
    entryPoints: [createRequire(`${ROOT}package.json`).resolve('@kubernetes/client-node')],
    bundle: true,
    platform: 'node',
    target: 'node20.19',
    outfile: `dist/bundle/${CLIENT_SCRIPT}`,
    logLevel: 'warning',
    legalComments: 'eof',
    metafile: true,
  })
  return metafile
}

/** dist/bundle/code-cache.cjs, the loader of the scripts (src/entry/code-cache.ts). */
async function codeCacheLoader(): Promise<Metafile> {
  const {metafile} = await build({
    absWorkingDir: ROOT,
    entryPoints: ['src/entry/code-cache.ts'],
    bundle: true,
    platform: 'node',
    target: 'node20.19',
    format: 'cjs',
    outfile: 'dist/bundle/code-cache.cjs',
    logLevel: 'warning',
    metafile: true,
  })
  return metafile
}

export async function bundle(): Promise<void> {
  rmSync(`${ROOT}dist/bundle`, {recursive: true, force: true})
  rmSync(BUNDLE_INPUTS, {force: true})
  const options = await common(false)
  const define = options.define as Record<string, string>
  checkCommandIdOrder(Object.keys(JSON.parse(define.INGRESS2GW_MANIFEST).commands))
  const [{metafile}, client, loader, lazy] = await Promise.all([
    build({
      ...options,
      ...CJS_SCRIPT,
      ...MINIFY,
      define: {...define, ...CJS_SCRIPT.define},
      metafile: true,
      outfile: `dist/bundle/${MAIN_SCRIPT}`,
      plugins: [lazyOclifDependencies(), commandSortWithoutIcu(), kubernetesClientApart()],
      // __ingress2gwLazy loads dist/bundle/lazy/NAME.cjs (lazyOclifDependencies), __ingress2gwClient the Kubernetes
      // client (kubernetesClientApart). Banner code is not bundled: these require()s stay calls at run time.
      banner: {
        js:
          `${CJS_SCRIPT.banner!.js} const __ingress2gwLazy = (name) => require('./lazy/' + name + '.cjs');` +
          ` const __ingress2gwClient = () => require('./code-cache.cjs').runScript(require('node:path').join(__dirname, '${CLIENT_SCRIPT}'));`,
      },
    }),
    kubernetesClientScript(),
    codeCacheLoader(),
    bundleLazyOclifDependencies(),
  ])
  asciiBundle()
  const help = await bundlePrecomputedHelp(JSON.parse(define.INGRESS2GW_MANIFEST), JSON.parse(define.INGRESS2GW_PJSON))
  asciiBundle()
  writeBundleInputs(metafile, client, loader, help, ...lazy)
  writeNotices('dist/bundle', [metafile, client, help, ...lazy])
}

/** dist/<dir>/THIRD-PARTY-NOTICES.txt for the packages the metafiles' outputs hold (./third-party-notices.ts says why). */
function writeNotices(dir: string, metafiles: Metafile[]): void {
  const inputs = metafiles.flatMap((m) => Object.values(m.outputs).flatMap((o) => Object.keys(o.inputs)))
  writeFileSync(`${ROOT}${dir}/${NOTICES_FILE}`, thirdPartyNotices(ROOT, inputs, `kubectl-ingress2gw's ${dir === 'dist/sea' ? 'single executables' : 'npm package'}`))
}

/** Environment variables that change what oclif prints (width, colour, debug output): the recording runs without. */
function recordingEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (k === 'FORCE_COLOR' || k === 'OCLIF_COLUMNS' || k === 'NODE_OPTIONS' || isDebugSwitch(k)) continue
    env[k] = v
  }
  return env
}

/**
 * Runs the fresh bundle (oclif, stdout a pipe) for every argv of recordedArgv and keeps its stdout, cut where it printed
 * the user agent (`--version`'s line), which depends on the machine and is put back at run time.
 */
function recordHelp(manifest: {commands: Record<string, unknown>}, pjson: Record<string, unknown>): HelpRecording {
  // Node runs the CommonJS script itself here, without the code cache.
  const entry = `${ROOT}dist/bundle/${MAIN_SCRIPT}`
  const env = recordingEnv()
  const stdoutOf = (argv: string[]): string => {
    const r = spawnSync(process.execPath, [entry, ...argv], {cwd: ROOT, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']})
    if (r.status !== 0 || r.stderr !== '') throw new Error(`recording \`${argv.join(' ')}\` failed (exit ${r.status}): ${r.stderr}`)
    return r.stdout
  }
  const nameVersion = `${pjson.name}/${pjson.version}`
  const userAgent = stdoutOf(['--version']).replace(/\n$/, '')
  if (!userAgent.startsWith(`${nameVersion} `)) throw new Error(`unexpected --version output: ${userAgent}`)
  const outputs = recordedArgv(Object.keys(manifest.commands)).map((argv): [string[], string] => [argv, stdoutOf(argv)])
  return recordingFrom(nameVersion, userAgent, outputs)
}

async function bundlePrecomputedHelp(manifest: {commands: Record<string, unknown>}, pjson: Record<string, unknown>): Promise<Metafile> {
  const {texts, ...index} = recordHelp(manifest, pjson)
  writeFileSync(`${ROOT}dist/bundle/precomputed-help.json`, JSON.stringify(texts))
  // CommonJS, like the bin that requires it (an ES module would start Node's ES module loader at every start).
  const {metafile} = await build({
    ...CJS_SCRIPT,
    absWorkingDir: ROOT,
    entryPoints: {'precomputed-help': 'src/entry/precomputed-help.ts'},
    bundle: true,
    platform: 'node',
    target: 'node20.19',
    outdir: 'dist/bundle',
    outExtension: {'.js': '.cjs'},
    logLevel: 'warning',
    define: {...CJS_SCRIPT.define, INGRESS2GW_HELP_INDEX: JSON.stringify(index)},
    metafile: true,
  })
  return metafile
}

export async function bundleForSea(): Promise<string> {
  const outfile = `${ROOT}dist/sea/kubectl-ingress2gw.cjs`
  rmSync(`${ROOT}dist/sea`, {recursive: true, force: true})
  // import.meta is only read on the bundle's branch of packageRoot(), dead code here.
  const {metafile} = await build({...(await common(true)), format: 'cjs', outfile, metafile: true, supported: {'dynamic-import': false}, logOverride: {'empty-import-meta': 'silent'}})
  writeNotices('dist/sea', [metafile])
  return outfile
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await bundle()
  if (process.argv.includes('--sea')) await bundleForSea()
}
