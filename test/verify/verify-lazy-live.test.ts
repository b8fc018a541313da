/**
 * Offline verify never loads the live mode's transport (node:http, node:https, node:tls: src/verify/live/
 * transport.ts): src/commands/verify.ts imports src/verify/live-verify.ts only when both addresses are given.
 * Run from source with a hook that fails any import of the transport; the live mode trips it, proving the hook works.
 */
import test from 'ava'
import {join} from 'node:path'
import {cli, ROOT, tempDir} from '../support/cluster-helpers.js'

const BLOCK = ['--import', join(ROOT, 'test', 'support', 'block-live-transport.mjs')]

test('offline verify runs with the live transport blocked; the live mode trips the block', async (t) => {
  const dir = tempDir(t)
  const offline = await cli(['verify', '-f', 'examples/'], {nodeArgs: BLOCK, env: {HOME: dir, KUBECONFIG: ''}})
  t.is(offline.code, 0, offline.stderr)
  t.regex(offline.stdout, /^verify: \d+ probes, \d+ differ \(\d+ known\)$/m)
  const json = await cli(['verify', '-f', 'examples/', '-o', 'json'], {nodeArgs: BLOCK, env: {HOME: dir, KUBECONFIG: ''}})
  t.is(json.code, 0, json.stderr)
  // A stray live flag is still refused without loading it.
  const stray = await cli(['verify', '-f', 'examples/', '--insecure'], {nodeArgs: BLOCK, env: {HOME: dir, KUBECONFIG: ''}})
  t.is(stray.code, 2)
  t.regex(stray.stderr, /--insecure applies to the live mode only/)
  const live = await cli(['verify', '-f', 'examples/', '--nginx-address', '127.0.0.1:9:9', '--gateway-address', '127.0.0.1:9:9', '--timeout', '1s'], {nodeArgs: BLOCK, env: {HOME: dir, KUBECONFIG: ''}})
  t.not(live.code, 0)
  t.regex(live.stderr, /BLOCKED: the live transport was imported/)
})
