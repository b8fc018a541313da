// Preloaded with --import: any attempt to load @kubernetes/client-node fails loudly, proving a code path never
// imports it. The TypeScript build imports the package (an ES module hook refuses it). In the one-file build
// (dist/bundle/) the client is no package but a CommonJS script, kubernetes-client.cjs, that
// dist/bundle/code-cache.cjs reads with fs.readFileSync and compiles (src/entry/code-cache.ts): any script of
// dist/bundle/ holding the client, by the sources dist/bundle-inputs.json lists for it (scripts/bundle.ts;
// node_modules/..., or ../x/node_modules/... when node_modules is a symbolic link to another checkout's), is refused
// when read, however it is loaded.
import {createRequire, register} from 'node:module'
import {join} from 'node:path'

register(
  'data:text/javascript,' +
    encodeURIComponent(`
export async function resolve(specifier, context, next) {
  if (specifier === '@kubernetes/client-node' || specifier.includes('/@kubernetes/client-node/')) {
    throw new Error('BLOCKED: @kubernetes/client-node was imported')
  }
  return next(specifier, context)
}`),
)

const CLIENT = /^(?:\.\.\/.*)?node_modules\/@kubernetes\/client-node\//
const fs = createRequire(import.meta.url)('node:fs')
const readFileSync = fs.readFileSync

/** Whether `path` is a script of dist/bundle/ that holds the client (scripts/bundle.ts writes dist/bundle-inputs.json). */
function holdsClient(path) {
  const match = /^(.*)[/\\]dist[/\\]bundle[/\\](.+\.[cm]js)$/.exec(path)
  if (!match) return false
  const inputs = JSON.parse(readFileSync(join(match[1], 'dist', 'bundle-inputs.json'), 'utf8'))
  const own = inputs[match[2].replace(/\\/g, '/')]
  if (own === undefined) throw new Error('BLOCKED: dist/bundle-inputs.json does not list ' + path)
  return own.some((i) => CLIENT.test(i))
}

fs.readFileSync = function (path, ...rest) {
  if (typeof path === 'string' && holdsClient(path)) throw new Error('BLOCKED: @kubernetes/client-node was imported (bundle script)')
  return readFileSync.call(this, path, ...rest)
}
