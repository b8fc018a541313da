/**
 * Each translate option is declared once (src/translate/options.ts): the oclif flags, the CLI's options and
 * translate()'s defaults all come from that declaration.
 */
import test from 'ava'
import Apply from '../src/commands/apply.js'
import Convert from '../src/commands/convert.js'
import Diff from '../src/commands/diff.js'
import Cutover from '../src/commands/cutover.js'
import {BaseCommand} from '../src/cli/base-command.js'
import {translateFlags} from '../src/cli/translate-flags.js'
import {DEFAULT_OPTIONS, optionsFromFlags, TRANSLATE_OPTIONS, type OptionDecl} from '../src/translate/options.js'

const decls = TRANSLATE_OPTIONS as readonly OptionDecl[]

test('translate() defaults are what the flag defaults parse to', (t) => {
  t.deepEqual(DEFAULT_OPTIONS.gateway, {namespace: 'gateway', name: 'shared'})
  t.is(DEFAULT_OPTIONS.annotationPrefix, 'nginx.ingress.kubernetes.io')
  t.deepEqual(DEFAULT_OPTIONS.namespaceLabel, {key: 'shared-gateway-access', value: 'true'})
  t.is(DEFAULT_OPTIONS.emitGateway, 'auto')
  t.is(DEFAULT_OPTIONS.clientIp, 'auto')
  // What the CLI parses when no flag is given (oclif fills in the flag defaults) is the same.
  const cliDefaults = Object.fromEntries(Object.entries(translateFlags).map(([name, flag]) => [name, flag.default]))
  t.deepEqual({...optionsFromFlags(cliDefaults), generatorVersion: DEFAULT_OPTIONS.generatorVersion}, DEFAULT_OPTIONS)
})

test('every option is an oclif flag of every converting command, with the declared default and help', (t) => {
  for (const decl of decls) {
    const flag = (BaseCommand.baseFlags as Record<string, any>)[decl.flag]
    t.truthy(flag, decl.flag)
    t.is(flag.description, decl.description)
    t.is(flag.default, decl.shape.default, decl.flag)
    t.is(flag.type, decl.shape.type === 'boolean' ? 'boolean' : 'option', decl.flag)
  }
})

test('no two declarations set the same TranslateOptions field', (t) => {
  const owner = new Map<string, string>()
  for (const decl of decls) {
    for (const field of Object.keys(decl.parse(decl.shape.default))) {
      t.false(owner.has(field), `${field} is set by --${owner.get(field)} and --${decl.flag}`)
      owner.set(field, decl.flag)
    }
  }
  t.deepEqual([...owner.keys(), 'generatorVersion'].sort(), Object.keys(DEFAULT_OPTIONS).sort())
})

test('a bad value is refused with the flag named', (t) => {
  t.throws(() => optionsFromFlags({'client-ip': 'xff:0'}), {message: /--client-ip expects auto, proxy-protocol, none or xff:N/})
  t.throws(() => optionsFromFlags({gateway: 'shared'}), {message: '--gateway expects NAMESPACE/NAME, got "shared"'})
  t.throws(() => optionsFromFlags({'namespace-label': 'x'}), {message: '--namespace-label expects KEY=VALUE, got "x"'})
  t.deepEqual(optionsFromFlags({'client-ip': 'xff:2', 'gateway-for': ['internal=gw/internal']}).gatewayFor, {internal: {namespace: 'gw', name: 'internal'}})
  t.deepEqual(optionsFromFlags({'client-ip': 'xff:2'}).clientIp, {xffHops: 2})
})

test('commands declare whether they compare with or change the cluster', (t) => {
  t.is(Apply.writesToCluster, true)
  t.is(Convert.writesToCluster, false)
  const diff = Diff.writesToCluster as (flags: Record<string, unknown>) => boolean
  t.true(diff({}))
  t.false(diff({against: 'rendered/'}))
  // cutover --apply patches the ingress-nginx Service and --rollback restores it: both change the cluster.
  const cutover = Cutover.writesToCluster as (flags: Record<string, unknown>) => boolean
  t.true(cutover({apply: true}))
  t.true(cutover({rollback: 'saved.json'}))
  t.false(cutover({dns: true, apply: false}))
})
