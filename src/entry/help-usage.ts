/**
 * The USAGE line of `COMMAND --help` at any width.
 *
 * @oclif/core 4 lib/help/command.js CommandHelp.usage writes the line as `$ <bin> <%= command.id %> <flags>`, the
 * template still unrendered, and when the line is wider than the help allows cuts it at the last space that fits:
 * where that space is inside the template (`<%= command.id %>` has two), the second half is rendered on its own by
 * wrap(), whose ejs drops the lone `%>`, and the section's render of the whole fails on the first half's `<%=`
 * ("Could not find matching close tag"). With this plugin's bin `kubectl ingress2gw` that is any help width from 27 to
 * 40 columns: OCLIF_COLUMNS in that range, and every terminal narrower than 41 columns (lib/screen.js termwidth reads
 * those as 40). Our flag and summary texts play no part: the cut is always in the line's fixed start.
 *
 * `usage` is oclif's method with one change: a cut inside the template moves to the space before it (the template then
 * starts the wrapped rest, which renders whole). At every other width it writes the same bytes as oclif's
 * (test/help-width.test.ts compares them).
 */
import {CommandHelp, toConfiguredId, toStandardizedId, ux} from '@oclif/core'

const TEMPLATE = '<%= command.id %>'

/** The CommandHelp members usage() reads (protected or internal in oclif's types). */
interface UsageHelp {
  command: {id: string; usage?: string | string[]}
  config: CommandHelp['config'] & {theme?: Record<string, string | undefined>}
  opts: {maxWidth: number}
  indentSpacing: number
  defaultUsage(): string
  indent(body: string, spacing?: number): string
  wrap(body: string, spacing?: number): string
}

/** Where oclif's cut of `line` at `width` falls, moved before the template when it falls inside it. */
export function usageCut(line: string, width: number): number {
  const cut = line.slice(0, Math.max(0, width)).lastIndexOf(' ')
  const start = line.indexOf(TEMPLATE)
  if (start < 0 || cut <= start || cut >= start + TEMPLATE.length) return cut
  return line.slice(0, start).trimEnd().length
}

function usage(this: UsageHelp): string {
  const {id, usage: given} = this.command
  const standardId = toStandardizedId(id, this.config)
  const configuredId = toConfiguredId(id, this.config)
  const theme = this.config?.theme
  // oclif: `usage ? castArray(usage) : [this.defaultUsage()]`: an empty string is no usage either.
  const usages = !given ? [this.defaultUsage()] : Array.isArray(given) ? given : [given]
  return usages
    .map((u) => {
      const allowedSpacing = this.opts.maxWidth - this.indentSpacing
      const dollarSign = ux.colorize(theme?.dollarSign, '$')
      const bin = ux.colorize(theme?.bin, this.config.bin)
      const command = ux.colorize(theme?.command, TEMPLATE)
      const commandDescription = ux.colorize(
        theme?.sectionDescription,
        u.replace(TEMPLATE, '').replace(new RegExp(`^${standardId}`), '').replace(new RegExp(`^${configuredId}`), '').trim(),
      )
      const line = `${dollarSign} ${bin} ${command} ${commandDescription}`.trim()
      if (line.length > allowedSpacing) {
        const cut = usageCut(line, allowedSpacing)
        return line.slice(0, Math.max(0, cut)) + '\n' + this.indent(this.wrap(line.slice(Math.max(0, cut)), this.indentSpacing * 2))
      }
      return this.wrap(line)
    })
    .join('\n')
}

/** oclif's own CommandHelp.usage, for the comparison test. */
export const OCLIF_USAGE: () => string = (CommandHelp.prototype as unknown as {usage: () => string}).usage

/**
 * Puts `usage` in place of oclif's on CommandHelp (the class every help, `help COMMAND` included, builds: oclif runs
 * the help before any command of ours is loaded, so a subclass would need a helpClass file, which the one-file build
 * cannot import). Called by the entries (bundled.ts, and commands.ts, which oclif imports before any help of the TypeScript build).
 */
export function installHelpUsage(): void {
  ;(CommandHelp.prototype as unknown as {usage: () => string}).usage = usage as unknown as () => string
}
