/**
 * Every command of the plugin, by id: oclif's explicit command discovery (package.json `oclif.commands`, strategy
 * `explicit`) reads this map instead of scanning dist/commands/ at start, and the one-file bundle hands it to oclif
 * directly. A new command is registered here (test/distribution/bundle.test.ts checks the map covers src/commands/).
 */
import type {Command} from '@oclif/core'
import {commands as helpCommands} from '@oclif/plugin-help'
import Apply from '../commands/apply.js'
import Convert from '../commands/convert.js'
import Cutover from '../commands/cutover.js'
import Diff from '../commands/diff.js'
import Report from '../commands/report.js'
import Status from '../commands/status.js'
import Verify from '../commands/verify.js'
import {installHelpUsage} from './help-usage.js'

// oclif imports this map before it prints any help of the TypeScript build (bundled.ts does the same for the bundle).
installHelpUsage()

export const COMMANDS: Record<string, Command.Class> = {
  apply: Apply,
  convert: Convert,
  cutover: Cutover,
  diff: Diff,
  // `kubectl ingress2gw help [COMMAND]`: oclif's help command, registered here rather than as a plugin so that the
  // published package needs no dependency installed (the bundle carries it) and nothing loads plugins at start.
  help: helpCommands.help,
  report: Report,
  status: Status,
  verify: Verify,
}
