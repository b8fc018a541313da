/**
 * `COMMAND --help` at every width. oclif 4 (lib/help/command.js CommandHelp.usage) cut the USAGE line, its
 * `<%= command.id %>` template still unrendered, at the last space that fits: from 27 to 40 columns that space is
 * inside the template and the help failed ("Could not find matching close tag for "<%="") — OCLIF_COLUMNS there, and
 * every terminal narrower than 41 columns. src/entry/help-usage.ts moves such a cut before the template.
 */
import test from 'ava'
import {spawnSync} from 'node:child_process'
import {existsSync} from 'node:fs'
import {join} from 'node:path'
import {CommandHelp, Config} from '@oclif/core'
import {OCLIF_USAGE, usageCut} from '../src/entry/help-usage.js'
import {COMMANDS} from '../src/entry/commands.js'
import {ROOT} from './support/run-cli.js'

const BIN = join(ROOT, 'bin', 'kubectl-ingress2gw')

function help(width: number, argv: string[], unbundled: boolean) {
  const env: NodeJS.ProcessEnv = {...process.env, OCLIF_COLUMNS: String(width), INGRESS2GW_UNBUNDLED: unbundled ? '1' : '0', FORCE_COLOR: '0'}
  delete env.NODE_OPTIONS
  return spawnSync(process.execPath, [BIN, ...argv], {env, encoding: 'utf8'})
}

// Through the CLI, as a user's terminal width reaches it: the TypeScript build, and the bundle where it is built.
for (const unbundled of [true, false]) {
  // The bundle starts fast: every width around the range; the TypeScript build (slow to start) at its edges and middle.
  const widths = unbundled ? [26, 27, 33, 40, 41] : Array.from({length: 19}, (_, i) => 24 + i)
  test(`convert --help prints its usage at ${widths[0]} to ${widths.at(-1)} columns (${unbundled ? 'dist/' : 'bundle'})`, (t) => {
    if (!unbundled && !existsSync(join(ROOT, 'dist', 'bundle', 'kubectl-ingress2gw.cjs'))) throw new Error('dist/bundle/ is missing: run `npm run bundle`')
    if (unbundled && !existsSync(join(ROOT, 'dist', 'entry', 'commands.js'))) throw new Error('dist/ is missing: run `npx tsc -p tsconfig.json`')
    const failed: string[] = []
    for (const width of widths) {
      const r = help(width, ['convert', '--help'], unbundled)
      if (r.status !== 0 || r.stderr !== '' || !/USAGE\n {2}\$ kubectl\s+ingress2gw\s+convert\s/.test(r.stdout)) failed.push(`${width}: ${r.status} ${r.stderr.trim().split('\n')[0]}`)
    }
    t.deepEqual(failed, [])
    const r = help(32, ['help', 'convert'], unbundled)
    t.is(r.status, 0, r.stderr)
  })
}

test('the cut moves before the template only where it would fall inside it', (t) => {
  const line = '$ kubectl ingress2gw <%= command.id %> [-h] [-f <value>...]'
  t.is(usageCut(line, 24), 20, 'not vacuous: oclif cut at 24 (inside "<%= command.id %>")')
  t.is(usageCut(line, 36), 20, 'inside, at the second space')
  t.is(usageCut(line, 23), 20, 'oclif\'s own cut before the template')
  t.is(usageCut(line, 39), 38, 'after the template: oclif\'s')
  t.is(usageCut(line, 10), 9)
})

// Every width where oclif's usage rendered: the same bytes; where it did not, a usage that renders.
test('usage writes oclif\'s bytes wherever oclif\'s rendered, for every command and width 1 to 120', async (t) => {
  const config = await Config.load(ROOT)
  let compared = 0
  let repaired = 0
  for (const id of Object.keys(COMMANDS)) {
    const command = config.findCommand(id)
    if (!command) continue
    for (let width = 1; width <= 120; width++) {
      const h = new CommandHelp(command, config, {maxWidth: width} as never) as unknown as {usage: () => string; render: (s: string) => string}
      const ours = h.usage()
      const theirs = OCLIF_USAGE.call(h)
      let theirsRenders = true
      try {
        h.render(theirs)
      } catch {
        theirsRenders = false
      }
      if (theirsRenders) {
        compared++
        if (ours !== theirs) t.fail(`${id} at ${width}: ${JSON.stringify(ours)} != ${JSON.stringify(theirs)}`)
      } else {
        repaired++
        t.notThrows(() => h.render(ours), `${id} at ${width}`)
      }
    }
  }
  t.true(repaired >= 14, `oclif's usage failed at ${repaired} widths`)
  t.true(compared > 100)
})

test('a command\'s own usage is read as oclif reads it: an empty one gives the default usage, a list one line each', async (t) => {
  const config = await Config.load(ROOT)
  const command = config.findCommand('convert')!
  for (const usage of ['', '<%= command.id %> FILE', ['<%= command.id %> -f FILE', '<%= command.id %> -k'], []] as (string | string[])[]) {
    for (const width of [80, 120]) {
      const h = new CommandHelp({...command, usage} as never, config, {maxWidth: width} as never) as unknown as {usage: () => string}
      t.is(h.usage(), OCLIF_USAGE.call(h), `${JSON.stringify(usage)} at ${width}`)
    }
  }
})
