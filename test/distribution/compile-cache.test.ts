/**
 * bin/kubectl-ingress2gw turns on Node's compile cache (Node >= 22.1) in the user's own cache folder. Node 20 has no
 * module.enableCompileCache, so a preload stands in for it and prints the folder bin asks for: the folder must be
 * absolute (a relative $XDG_CACHE_HOME or $HOME would put compiled code into whatever folder the user runs in, a
 * GitOps checkout say; the XDG Base Directory spec says to ignore a relative path), and $NODE_COMPILE_CACHE, which
 * Node reads itself at start, is left to Node.
 */
import test from 'ava'
import {join} from 'node:path'
import {run, tempDir} from '../support/cluster-helpers.js'
import {ROOT} from '../support/run-cli.js'

const BIN = join(ROOT, 'bin', 'kubectl-ingress2gw')
const STAND_IN =
  'data:text/javascript,' +
  encodeURIComponent(`import module from 'node:module'
module.enableCompileCache = (dir) => { process.stderr.write('compile cache: ' + JSON.stringify(dir ?? null) + '\\n'); return {status: 0} }`)

async function cacheDirs(env: NodeJS.ProcessEnv): Promise<string[]> {
  const r = await run(process.execPath, ['--import', STAND_IN, BIN, '--version'], {env: {PATH: process.env.PATH, ...env}})
  if (r.code !== 0) throw new Error(r.stderr)
  return [...r.stderr.matchAll(/^compile cache: (.*)$/gm)].map((m) => JSON.parse(m[1]) as string)
}

test('the compile cache goes to $XDG_CACHE_HOME or ~/.cache, never to a relative folder, and not at all under $NODE_COMPILE_CACHE', async (t) => {
  if (process.platform === 'win32' || process.platform === 'darwin') return t.pass('the Linux folders are tested on Linux')
  const home = tempDir(t)
  const inHome = join(home, '.cache', 'kubectl-ingress2gw', 'node-compile-cache')
  t.deepEqual(await cacheDirs({HOME: home}), [inHome])
  t.deepEqual(await cacheDirs({HOME: home, XDG_CACHE_HOME: join(home, 'xdg')}), [join(home, 'xdg', 'kubectl-ingress2gw', 'node-compile-cache')])
  t.deepEqual(await cacheDirs({HOME: home, XDG_CACHE_HOME: 'relative/cache'}), [inHome], 'a relative $XDG_CACHE_HOME is ignored')
  t.deepEqual(await cacheDirs({HOME: 'relative-home'}), [], 'no absolute folder: no cache')
  t.deepEqual(await cacheDirs({HOME: home, NODE_COMPILE_CACHE: join(home, 'own')}), [], 'Node uses $NODE_COMPILE_CACHE itself')
})
