/**
 * The plugin as users run it: through the real kubectl binary, with bin/ on PATH.
 */
import test from 'ava'
import {execFile} from 'node:child_process'
import {mkdtempSync, readFileSync, readdirSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {promisify} from 'node:util'
import {ROOT} from './support/run-cli.js'

const exec = promisify(execFile)
const env = {...process.env, PATH: `${ROOT}bin:${process.env.PATH}`, NO_COLOR: '1'}

async function kubectl(args: string[], extraEnv: Record<string, string> = {}, input?: string) {
  try {
    const child = exec('kubectl', args, {cwd: ROOT, env: {...env, ...extraEnv}, maxBuffer: 64 * 1024 * 1024})
    if (input !== undefined) {
      child.child.stdin!.end(input)
    }
    const {stdout, stderr} = await child
    return {stdout, stderr, code: 0}
  } catch (error: any) {
    return {stdout: error.stdout ?? '', stderr: error.stderr ?? '', code: error.code ?? 1}
  }
}

test('kubectl plugin list finds the plugin', async (t) => {
  const r = await kubectl(['plugin', 'list'])
  t.regex(r.stdout, /kubectl-ingress2gw/)
})

test('kubectl ingress2gw convert --help works and speaks kubectl', async (t) => {
  const r = await kubectl(['ingress2gw', 'convert', '--help'])
  t.is(r.code, 0)
  t.regex(r.stdout, /--filename/)
  t.regex(r.stdout, /kubectl ingress2gw convert -n team-a/)
})

test('kubectl ingress2gw convert -f examples/ prints routes on stdout and diagnostics on stderr', async (t) => {
  const r = await kubectl(['ingress2gw', 'convert', '-f', 'examples/'])
  t.is(r.code, 0, r.stderr)
  t.regex(r.stdout, /kind: HTTPRoute/)
  t.notRegex(r.stdout, /warning|error/)
  t.regex(r.stderr, /Ingress\(es\) -> \d+ object\(s\)/)
})

test('output is byte-identical across runs', async (t) => {
  const a = await kubectl(['ingress2gw', 'convert', '-f', 'examples/', '-o', 'json'])
  const b = await kubectl(['ingress2gw', 'convert', '-f', 'examples/', '-o', 'json'])
  t.is(a.stdout, b.stdout)
  const list = JSON.parse(a.stdout)
  t.is(list.kind, 'List')
  t.is(list.apiVersion, 'v1')
  t.true(list.items.length > 5)
})

test('stdin input: kubectl get -o json output piped in', async (t) => {
  const list = JSON.stringify({
    apiVersion: 'v1',
    kind: 'List',
    items: [
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: {name: 'piped', namespace: 'team-x'},
        spec: {ingressClassName: 'nginx', rules: [{host: 'p.example.com', http: {paths: [{path: '/', pathType: 'Prefix', backend: {service: {name: 'p', port: {number: 80}}}}]}}]},
      },
    ],
  })
  const r = await kubectl(['ingress2gw', 'convert', '-f', '-'], {}, list)
  t.is(r.code, 0, r.stderr)
  t.regex(r.stdout, /name: piped\n\s+namespace: team-x/)
})

test('--output-dir writes <namespace>/<kind>-<name>.yaml', async (t) => {
  const dir = join(mkdtempSync(join(tmpdir(), 'i2gw-out-')), 'tree')
  const r = await kubectl(['ingress2gw', 'convert', '-f', 'examples/', '--output-dir', dir])
  t.is(r.code, 0, r.stderr)
  t.deepEqual(readdirSync(dir).sort(), ['.ingress2gw-manifest.json', 'REPORT.md', '_cluster', 'gateway', 'kustomization.yaml', 'team-a', 'team-b'])
  t.regex(readFileSync(join(dir, 'team-a', 'httproute-storefront.yaml'), 'utf8'), /kind: HTTPRoute/)
})

test('nothing readable exits 2 with a clear message and no stack trace', async (t) => {
  const r = await kubectl(['ingress2gw', 'convert', '-f', 'does/not/exist.yaml'])
  t.is(r.code, 2)
  t.regex(r.stderr, /does\/not\/exist\.yaml/)
  t.notRegex(r.stderr, /\n\s+at /)
})

test('convert -f and --help never load @kubernetes/client-node', async (t) => {
  const block = {NODE_OPTIONS: `--import=${ROOT}test/support/block-client-node.mjs`}
  const convert = await kubectl(['ingress2gw', 'convert', '-f', 'examples/'], block)
  t.is(convert.code, 0, convert.stderr)
  t.notRegex(convert.stderr, /BLOCKED/)
  const help = await kubectl(['ingress2gw', '--help'], block)
  t.is(help.code, 0, help.stderr)
  // The block is effective: a path that does import the client fails under it.
  const proof = await exec('node', ['--import', `${ROOT}test/support/block-client-node.mjs`, '-e', "await import('@kubernetes/client-node')", '--input-type=module'], {cwd: ROOT}).then(
    () => 'loaded',
    (e) => String(e.stderr),
  )
  t.regex(proof, /BLOCKED/)
})
