/**
 * Every command of the plugin as a loader: the one-file bundle runs a command's modules only when that command runs
 * (esbuild turns each import() into a lazy initialiser in the CommonJS script), so `--help` and `--version` run none
 * of the translator (test/support/block-translator.mjs trips on its initialiser). The ids and classes
 * are those of ./commands.ts (test/distribution/bundle.test.ts checks both maps hold the same commands).
 */
import type {Command} from '@oclif/core'

export const COMMAND_LOADERS: Record<string, () => Promise<Command.Class>> = {
  apply: async () => (await import('../commands/apply.js')).default,
  convert: async () => (await import('../commands/convert.js')).default,
  cutover: async () => (await import('../commands/cutover.js')).default,
  diff: async () => (await import('../commands/diff.js')).default,
  help: async () => (await import('@oclif/plugin-help')).commands.help,
  report: async () => (await import('../commands/report.js')).default,
  status: async () => (await import('../commands/status.js')).default,
  verify: async () => (await import('../commands/verify.js')).default,
}
