// Preloaded with --import: loading the bundle chunk that holds the translator (src/translate/index.ts, recognised by
// the module path esbuild writes as a comment into unminified output) fails loudly, proving that a code path of the
// one-file build (dist/bundle/) never imports it: --help and --version start without any command's code.
import {register} from 'node:module'

register(
  'data:text/javascript,' +
    encodeURIComponent(`
export async function load(url, context, next) {
  const loaded = await next(url, context)
  if (url.includes('/dist/bundle/') && /^\\/\\/ src\\/translate\\/index\\.ts$/m.test(String(loaded.source))) {
    throw new Error('BLOCKED: the translator was imported (bundle chunk)')
  }
  return loaded
}`),
)
