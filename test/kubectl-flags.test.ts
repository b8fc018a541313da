/** kubectl's spellings the plugin accepts: boolean flags with =true/=false, --request-timeout, -l selectors. */
import test from 'ava'
import {kubectlBooleanArgs, parseRequestTimeout, usageError} from '../src/cli/kubectl-flags.js'
import {parseLabelSelector} from '../src/sources/label-selector.js'

test('--flag=true and --flag=false for booleans, as kubectl; other arguments and anything after -- untouched', (t) => {
  const booleans = [
    {name: 'all-namespaces', allowNo: false},
    {name: 'emit-gateway', allowNo: true},
  ]
  t.deepEqual(kubectlBooleanArgs(['--all-namespaces=true', '--emit-gateway=false', '--gateway=gw/x', '--all-namespaces=false'], booleans), ['--all-namespaces', '--no-emit-gateway', '--gateway=gw/x'])
  t.deepEqual(kubectlBooleanArgs(['--', '--all-namespaces=true'], booleans), ['--', '--all-namespaces=true'])
  t.deepEqual(kubectlBooleanArgs(['--unknown=true'], booleans), ['--unknown=true'])
})

test('--request-timeout: seconds, Go durations, 0 for none; anything else is refused', (t) => {
  t.is(parseRequestTimeout('0'), 0)
  t.is(parseRequestTimeout('45'), 45_000)
  t.is(parseRequestTimeout('1m30s'), 90_000)
  t.is(parseRequestTimeout('500ms'), 500)
  t.throws(() => parseRequestTimeout('soon'), {message: /invalid --request-timeout "soon"/})
  t.throws(() => parseRequestTimeout('10x'))
})

test('usage errors are two lines naming the flag and the help; other errors are not usage errors', (t) => {
  t.is(usageError({parse: {}, message: 'Nonexistent flag: --foo\nSee more help with --help'}, 'diff'), "error: unknown flag: --foo\nSee 'kubectl ingress2gw diff -h' for help and examples\n")
  t.is(usageError(new Error('boom'), 'diff'), undefined)
})

test('label selectors as kubectl -l: equality, inequality, set membership, existence', (t) => {
  const labels = {app: 'web', tier: 'front'}
  t.true(parseLabelSelector('app=web')(labels))
  t.true(parseLabelSelector('app==web,tier!=back')(labels))
  t.false(parseLabelSelector('app=web,tier=back')(labels))
  t.true(parseLabelSelector('tier in (front, mid)')(labels))
  t.false(parseLabelSelector('tier notin (front)')(labels))
  t.true(parseLabelSelector('app,!legacy')(labels))
  t.false(parseLabelSelector('legacy')(labels))
  t.false(parseLabelSelector('app=web')(undefined))
  t.throws(() => parseLabelSelector('app=(web'), {message: /invalid label selector "app=\(web"/})
})
