/**
 * SHA-256 for the writers that need it (the GitOps tree's manifest, the HTML report's Content-Security-Policy hashes).
 * node:crypto is loaded on the first hash, not with the module: loading it costs a cold start about 5 ms of CPU
 * (Node 20), and a convert to stdout, which imports both writers, hashes nothing.
 */
import type {BinaryToTextEncoding} from 'node:crypto'

export function sha256(data: string | Buffer, encoding: BinaryToTextEncoding): string {
  return process.getBuiltinModule('node:crypto').createHash('sha256').update(data).digest(encoding)
}
