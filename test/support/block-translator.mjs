// Preloaded with --import: loading the bundle chunk that holds the translator (src/translate/index.ts, by the sources
// dist/bundle-inputs.json lists for each script, scripts/bundle.ts) fails loudly, proving that a code path of the
// one-file build (dist/bundle/) never imports it: --help and --version start without any command's code.
import {register} from 'node:module'

register(
  'data:text/javascript,' +
    encodeURIComponent(`
import {readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

export async function load(url, context, next) {
  const at = url.indexOf('/dist/bundle/')
  if (at >= 0 && url.endsWith('.mjs')) {
    const inputs = JSON.parse(readFileSync(fileURLToPath(url.slice(0, at) + '/dist/bundle-inputs.json'), 'utf8'))
    const own = inputs[url.slice(at + '/dist/bundle/'.length)]
    if (own === undefined) throw new Error('BLOCKED: dist/bundle-inputs.json does not list ' + url)
    if (own.includes('src/translate/index.ts')) throw new Error('BLOCKED: the translator was imported (bundle chunk)')
  }
  return next(url, context)
}`),
)
