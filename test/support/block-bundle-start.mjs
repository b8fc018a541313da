// Preloaded with --import: importing the one-file build's start file (dist/bundle/kubectl-ingress2gw.mjs, which starts
// oclif) fails loudly, proving that bin/kubectl-ingress2gw answered from dist/bundle/precomputed-help.mjs alone.
import {register} from 'node:module'

register(
  'data:text/javascript,' +
    encodeURIComponent(`
export async function load(url, context, next) {
  if (url.endsWith('/dist/bundle/kubectl-ingress2gw.mjs')) throw new Error('BLOCKED: the bundle started oclif')
  return next(url, context)
}`),
)
