// Preloaded with --import: any attempt to load @kubernetes/client-node fails loudly, proving a code path never
// imports it. In the one-file build (dist/bundle/) the client is no package but a chunk, recognised by the module
// paths esbuild writes as comments into unminified output (node_modules/..., or ../x/node_modules/... when
// node_modules is a symbolic link to another checkout's).
import {register} from 'node:module'

register(
  'data:text/javascript,' +
    encodeURIComponent(`
export async function resolve(specifier, context, next) {
  if (specifier === '@kubernetes/client-node' || specifier.includes('/@kubernetes/client-node/')) {
    throw new Error('BLOCKED: @kubernetes/client-node was imported')
  }
  return next(specifier, context)
}
export async function load(url, context, next) {
  const loaded = await next(url, context)
  if (url.includes('/dist/bundle/chunks/') && /^\\/\\/ (?:\\.\\.\\/[^\\n]*)?node_modules\\/@kubernetes\\/client-node\\//m.test(String(loaded.source))) {
    throw new Error('BLOCKED: @kubernetes/client-node was imported (bundle chunk)')
  }
  return loaded
}`),
)
