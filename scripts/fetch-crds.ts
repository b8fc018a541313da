/**
 * `npm run crds`: download the CRDs the conformance tests validate against into `.crds/` (gitignored), for clones
 * that do not sit next to `../shared/crds`. Each file is pinned by upstream commit and sha256 in crds-manifest.json;
 * a file whose bytes differ is refused and nothing of it is written, so a tampered or moved upstream cannot change
 * what the tests accept.
 *
 * INGRESS2GW_CRDS_MIRROR replaces `https://raw.githubusercontent.com/` in every URL (an internal mirror; the tests
 * use a server on 127.0.0.1).
 */
import {createHash} from 'node:crypto'
import {promises as fs} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

export interface CrdManifestFile {
  path: string
  url: string
  bytes: number
  sha256: string
}

const UPSTREAM = 'https://raw.githubusercontent.com/'
export const MANIFEST_PATH = fileURLToPath(new URL('crds-manifest.json', import.meta.url))
export const DEFAULT_DEST = fileURLToPath(new URL('../.crds/', import.meta.url))

export async function readCrdManifest(): Promise<CrdManifestFile[]> {
  const manifest = JSON.parse(await fs.readFile(MANIFEST_PATH, 'utf8')) as {files: CrdManifestFile[]}
  return manifest.files
}

function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex')
}

async function alreadyThere(file: string, expected: string): Promise<boolean> {
  try {
    return sha256(await fs.readFile(file)) === expected
  } catch {
    return false
  }
}

export interface FetchCrdsOptions {
  dest?: string
  mirror?: string
  log?: (line: string) => void
}

/** Download every manifest file not already present with the right hash; returns how many were downloaded. */
export async function fetchCrds(options: FetchCrdsOptions = {}): Promise<{downloaded: number; present: number}> {
  const dest = options.dest ?? DEFAULT_DEST
  const mirror = options.mirror ?? process.env.INGRESS2GW_CRDS_MIRROR
  const log = options.log ?? (() => {})
  let downloaded = 0
  let present = 0
  for (const file of await readCrdManifest()) {
    const target = path.join(dest, file.path)
    if (await alreadyThere(target, file.sha256)) {
      present++
      continue
    }
    const url = mirror ? mirror.replace(/\/?$/, '/') + file.url.slice(UPSTREAM.length) : file.url
    let response: Response
    try {
      response = await fetch(url, {signal: AbortSignal.timeout(60_000)})
    } catch (error) {
      const cause = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error)
      throw new Error(`${file.path}: GET ${url} failed (${cause}); set INGRESS2GW_CRDS_MIRROR to a mirror of raw.githubusercontent.com if this machine cannot reach it`)
    }
    if (!response.ok) throw new Error(`${file.path}: GET ${url} answered ${response.status}`)
    const data = new Uint8Array(await response.arrayBuffer())
    const got = sha256(data)
    if (got !== file.sha256) {
      throw new Error(`${file.path}: ${url} has sha256 ${got} (${data.length} bytes), the manifest pins ${file.sha256} (${file.bytes} bytes); not written`)
    }
    await fs.mkdir(path.dirname(target), {recursive: true})
    // Written under a temporary name and renamed, so an interrupted run never leaves a half file that looks present.
    const partial = `${target}.partial`
    await fs.writeFile(partial, data)
    await fs.rename(partial, target)
    downloaded++
    log(`${file.path} (${data.length} bytes)`)
  }
  return {downloaded, present}
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  fetchCrds({log: (line) => console.log(`downloaded ${line}`)})
    .then(({downloaded, present}) => console.log(`CRDs in ${path.relative(process.cwd(), DEFAULT_DEST) || '.'}: ${downloaded} downloaded, ${present} already present and verified`))
    .catch((error: unknown) => {
      console.error(`npm run crds: ${error instanceof Error ? error.message : String(error)}`)
      process.exitCode = 1
    })
}
