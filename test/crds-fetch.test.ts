/**
 * `npm run crds` (scripts/fetch-crds.ts): the pinned manifest lists exactly the CRD files the tests read, and the
 * downloader writes byte-identical copies or refuses a file whose sha256 differs. Served from 127.0.0.1 through
 * INGRESS2GW_CRDS_MIRROR, so no test reaches the internet.
 */
import test from 'ava'
import {createHash} from 'node:crypto'
import {promises as fs} from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import {fetchCrds, readCrdManifest} from '../scripts/fetch-crds.js'
import {CRD_ROOT} from './support/conformance.js'

async function listYaml(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = []
  for (const entry of await fs.readdir(dir, {withFileTypes: true})) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name
    if (entry.isDirectory()) out.push(...(await listYaml(path.join(dir, entry.name), rel)))
    else if (entry.name.endsWith('.yaml')) out.push(rel)
  }
  return out.sort()
}

/** A mirror of raw.githubusercontent.com on 127.0.0.1 serving the local CRDs, optionally corrupting one file. */
async function mirror(corrupt?: string): Promise<{url: string; requests: string[]; close: () => Promise<void>}> {
  const byUrlPath = new Map<string, string>()
  for (const file of await readCrdManifest()) byUrlPath.set('/' + file.url.replace('https://raw.githubusercontent.com/', ''), file.path)
  const requests: string[] = []
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? '')
    const rel = byUrlPath.get(req.url ?? '')
    if (!rel) {
      res.writeHead(404).end()
      return
    }
    fs.readFile(path.join(CRD_ROOT, rel)).then(
      (data) => res.writeHead(200, {'content-type': 'text/plain'}).end(rel === corrupt ? Buffer.concat([data, Buffer.from('# appended\n')]) : data),
      () => res.writeHead(500).end(),
    )
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const {port} = server.address() as {port: number}
  return {url: `http://127.0.0.1:${port}/`, requests, close: () => new Promise((resolve) => server.close(() => resolve()))}
}

test('the manifest pins every CRD file the tests read, with the sha256 of the bytes they read', async (t) => {
  const manifest = await readCrdManifest()
  t.deepEqual(manifest.map((f) => f.path).sort(), await listYaml(CRD_ROOT))
  for (const file of manifest) {
    const data = await fs.readFile(path.join(CRD_ROOT, file.path))
    t.is(createHash('sha256').update(data).digest('hex'), file.sha256, file.path)
    t.is(data.length, file.bytes, file.path)
    // Pinned by commit, never by a moving branch or tag name.
    t.regex(file.url, /^https:\/\/raw\.githubusercontent\.com\/[^/]+\/[^/]+\/[0-9a-f]{40}\//, file.path)
  }
})

test('downloads byte-identical copies, then finds them present without downloading again', async (t) => {
  const dest = await fs.mkdtemp(path.join(os.tmpdir(), 'ingress2gw-crds-'))
  const server = await mirror()
  try {
    const manifest = await readCrdManifest()
    const first = await fetchCrds({dest, mirror: server.url})
    t.deepEqual(first, {downloaded: manifest.length, present: 0})
    for (const file of manifest) t.true((await fs.readFile(path.join(dest, file.path))).equals(await fs.readFile(path.join(CRD_ROOT, file.path))), file.path)
    const before = server.requests.length
    t.deepEqual(await fetchCrds({dest, mirror: server.url}), {downloaded: 0, present: manifest.length})
    t.is(server.requests.length, before, 'verified files are not fetched again')
  } finally {
    await server.close()
    await fs.rm(dest, {recursive: true, force: true})
  }
})

test('a file whose bytes differ from the pinned sha256 is refused and not written', async (t) => {
  const dest = await fs.mkdtemp(path.join(os.tmpdir(), 'ingress2gw-crds-'))
  const corrupt = 'gateway-api/standard/gateway.networking.k8s.io_httproutes.yaml'
  const server = await mirror(corrupt)
  try {
    const error = await t.throwsAsync(fetchCrds({dest, mirror: server.url}))
    t.regex(error!.message, /^gateway-api\/standard\/gateway\.networking\.k8s\.io_httproutes\.yaml: http:\/\/127\.0\.0\.1:\d+\/kubernetes-sigs\/gateway-api\/[0-9a-f]{40}\/config\/crd\/standard\/gateway\.networking\.k8s\.io_httproutes\.yaml has sha256 [0-9a-f]{64} \(\d+ bytes\), the manifest pins [0-9a-f]{64} \(429088 bytes\); not written$/)
    await t.throwsAsync(fs.access(path.join(dest, corrupt)))
    await t.throwsAsync(fs.access(path.join(dest, `${corrupt}.partial`)))
  } finally {
    await server.close()
    await fs.rm(dest, {recursive: true, force: true})
  }
})
