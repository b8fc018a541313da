// Preloaded with --import: any attempt to load @kubernetes/client-node fails loudly, proving a code path never
// imports it.
import {register} from 'node:module'

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
