// Preloaded with --import: any attempt to load @kubernetes/client-node fails loudly, proving a code path never
// imports it. In the one-file build (dist/bundle/) the client is no package but a chunk, recognised by the sources
// dist/bundle-inputs.json lists for it (scripts/bundle.ts; node_modules/..., or ../x/node_modules/... when
// node_modules is a symbolic link to another checkout's).
import {register} from 'node:module'

register(
  'data:text/javascript,' +
    encodeURIComponent(`
import {readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

/** The sources a script of dist/bundle/ holds, by its URL (scripts/bundle.ts writes dist/bundle-inputs.json). */
function bundleInputs(url) {
  const at = url.indexOf('/dist/bundle/')
  const inputs = JSON.parse(readFileSync(fileURLToPath(url.slice(0, at) + '/dist/bundle-inputs.json'), 'utf8'))
  const own = inputs[url.slice(at + '/dist/bundle/'.length)]
  if (own === undefined) throw new Error('BLOCKED: dist/bundle-inputs.json does not list ' + url)
  return own
}

export async function resolve(specifier, context, next) {
  if (specifier === '@kubernetes/client-node' || specifier.includes('/@kubernetes/client-node/')) {
    throw new Error('BLOCKED: @kubernetes/client-node was imported')
  }
  return next(specifier, context)
}
export async function load(url, context, next) {
  if (url.includes('/dist/bundle/') && url.endsWith('.mjs') && bundleInputs(url).some((i) => /^(?:\\.\\.\\/.*)?node_modules\\/@kubernetes\\/client-node\\//.test(i))) {
    throw new Error('BLOCKED: @kubernetes/client-node was imported (bundle chunk)')
  }
  return next(url, context)
}`),
)
