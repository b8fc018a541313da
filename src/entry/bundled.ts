/**
 * Entry point of the one-file build (scripts/bundle.ts): oclif gets its root plugin ready-made, so starting the CLI
 * reads no package.json, scans no folder and imports no command file. The command manifest (ids, summaries, flags:
 * what `--help` prints) is oclif's own, made at bundle time from the explicit map (./commands.ts) the TypeScript build
 * declares in package.json, so `--help` prints the same bytes; a command's code is imported only when it runs
 * (./command-loaders.ts). The package.json fields oclif reads are inlined at bundle time.
 */
import {Errors, execute, Plugin, type Interfaces} from '@oclif/core'
import {dirname} from 'node:path'
import {fileURLToPath} from 'node:url'
import {COMMAND_LOADERS} from './command-loaders.js'
import {installHelpUsage} from './help-usage.js'

/** Inlined by esbuild's `define`: the package.json fields oclif reads (name, version, type, oclif). */
declare const INGRESS2GW_PJSON: Interfaces.PJSON
/** Inlined by esbuild's `define`: oclif's manifest of the commands (Plugin.manifest), made by scripts/bundle.ts. */
declare const INGRESS2GW_MANIFEST: Interfaces.Manifest
/** Inlined by esbuild's `define`: true in the single-executable build, which has no files beside it. */
declare const INGRESS2GW_SEA: boolean

/** The package folder (dist/bundle/../..), or the executable's folder for a single executable. */
function packageRoot(): string {
  if (INGRESS2GW_SEA) return dirname(process.execPath)
  return fileURLToPath(new URL('../../', import.meta.url))
}

/** The oclif Plugin internals this entry fills in (explicit discovery reads `commandCache`; load() calls `_manifest`). */
interface PluginInternals {
  commandCache: Record<string, unknown>
  commandIDs: string[]
  _manifest(): Promise<Interfaces.Manifest>
}

async function main(): Promise<void> {
  installHelpUsage()
  const root = packageRoot()
  const plugin = new Plugin({root, pjson: INGRESS2GW_PJSON, isRoot: true, ignoreManifest: true})
  const internals = plugin as unknown as PluginInternals
  // The bundled manifest stands for the one oclif would build by importing every command class.
  internals._manifest = async () => {
    internals.commandIDs = Object.keys(INGRESS2GW_MANIFEST.commands)
    return INGRESS2GW_MANIFEST
  }
  internals.commandCache = {}
  const findCommand = plugin.findCommand.bind(plugin)
  // oclif's explicit discovery looks the class up in commandCache: import the command the first time it is asked for.
  plugin.findCommand = (async (id: string, opts?: {must: boolean}) => {
    const load = COMMAND_LOADERS[id]
    if (load !== undefined && internals.commandCache[id] === undefined) internals.commandCache[id] = await load()
    return findCommand(id, opts)
  }) as Plugin['findCommand']
  await plugin.load()
  await execute({loadOptions: {root, pjson: plugin.pjson, plugins: new Map([[plugin.name, plugin]])}})
}

// No top-level await: the single executable runs this as CommonJS. execute() reports the CLI's own errors.
main().catch(Errors.handle)
