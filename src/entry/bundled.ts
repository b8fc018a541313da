/**
 * Entry point of the one-file build (scripts/bundle.ts): oclif gets its root plugin ready-made, so starting the CLI
 * reads no package.json, scans no folder and imports no command file; the commands come from the explicit map
 * (./commands.ts) the TypeScript build also declares in package.json, so `--help` prints the same bytes. The
 * package.json fields oclif reads are inlined at bundle time.
 */
import {Errors, execute, Plugin, type Interfaces} from '@oclif/core'
import {dirname} from 'node:path'
import {fileURLToPath} from 'node:url'
import {COMMANDS} from './commands.js'

/** Inlined by esbuild's `define`: the package.json fields oclif reads (name, version, type, oclif). */
declare const INGRESS2GW_PJSON: Interfaces.PJSON
/** Inlined by esbuild's `define`: true in the single-executable build, which has no files beside it. */
declare const INGRESS2GW_SEA: boolean

/** The package folder (dist/bundle/../..), or the executable's folder for a single executable. */
function packageRoot(): string {
  if (INGRESS2GW_SEA) return dirname(process.execPath)
  return fileURLToPath(new URL('../../', import.meta.url))
}

async function main(): Promise<void> {
  const root = packageRoot()
  // The command map is handed over, so oclif's explicit discovery never imports its target file.
  const plugin = new Plugin({root, pjson: INGRESS2GW_PJSON, isRoot: true, ignoreManifest: true})
  ;(plugin as unknown as {commandCache: typeof COMMANDS}).commandCache = COMMANDS
  await plugin.load()
  await execute({loadOptions: {root, pjson: plugin.pjson, plugins: new Map([[plugin.name, plugin]])}})
}

// No top-level await: the single executable runs this as CommonJS. execute() reports the CLI's own errors.
main().catch(Errors.handle)
