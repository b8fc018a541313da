// Preloaded with --import: reading the one-file build's start script (dist/bundle/kubectl-ingress2gw.cjs, which starts
// oclif) fails loudly, proving that bin/kubectl-ingress2gw answered from dist/bundle/precomputed-help.cjs alone. The
// script is read with fs.readFileSync by its loader (src/entry/code-cache.ts) or by Node's CommonJS loader alike.
import {createRequire} from 'node:module'

const fs = createRequire(import.meta.url)('node:fs')
const readFileSync = fs.readFileSync
fs.readFileSync = function (path, ...rest) {
  if (/[/\\]dist[/\\]bundle[/\\]kubectl-ingress2gw\.cjs$/.test(String(path))) throw new Error('BLOCKED: the bundle started oclif')
  return readFileSync.call(this, path, ...rest)
}
