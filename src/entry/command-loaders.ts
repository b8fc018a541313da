/**
 * Every command of the plugin as a loader: the one-file bundle imports a command's code only when that command runs
 * (esbuild gives each its own chunk), so `--help` and `--version` load none of the translator. The ids and classes
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
