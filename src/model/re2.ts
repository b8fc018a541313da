/**
 * What an Ingress's regex may use: nginx matches paths and canary-by-header-pattern with PCRE, Envoy with RE2. Shared
 * by the route emitter (regex paths) and the canary family (header patterns). Pure.
 */

/** RE2 features PCRE has and RE2 lacks: such a regex cannot be converted. */
export function re2Incompatibility(path: string): string | undefined {
  if (/\(\?<?[=!]/.test(path)) return 'lookaround assertions'
  if (/\\[1-9]/.test(path)) return 'backreferences'
  if (/\(\?>/.test(path)) return 'atomic groups'
  if (/[*+?}][+]/.test(path)) return 'possessive quantifiers'
  return undefined
}
