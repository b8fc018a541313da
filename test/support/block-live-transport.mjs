// Preloaded with --import: loading verify's live transport (src/verify/live/transport.ts: node:http, node:https,
// node:tls) fails loudly, proving a code path never imports it.
import {register} from 'node:module'

register(
  'data:text/javascript,' +
    encodeURIComponent(`
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context)
  if (/\\/verify\\/live\\/transport\\.(js|ts)$/.test(resolved.url)) throw new Error('BLOCKED: the live transport was imported')
  return resolved
}`),
)
