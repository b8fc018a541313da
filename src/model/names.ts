import {shortHash} from '../util/hash.js'

/** Longest name we generate: a DNS-1123 label, valid for every kind and usable as a label value. */
export const MAX_NAME = 63

/**
 * A DNS-1123 label built from parts, stable across runs. When the joined name is too long or had to be
 * sanitised, it is cut and suffixed with a hash of the original parts, so distinct inputs never collide.
 */
export function dnsName(...parts: string[]): string {
  const joined = parts.filter((p) => p !== '').join('-')
  const clean = sanitize(joined)
  // Hostnames only lose their dots (and `*.`): readable, and a rare collision is caught where names are used.
  const readable = /^(\*\.)?[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/.test(joined) && !joined.includes('--')
  if (readable && clean.length <= MAX_NAME) return clean
  const hash = shortHash(joined)
  const room = MAX_NAME - hash.length - 1
  const head = clean.slice(0, room).replace(/-+$/, '')
  return head === '' ? hash : `${head}-${hash}`
}

/** Lower-case, map invalid characters to '-', trim leading/trailing '-'. `*.` of a wildcard host becomes `wildcard-`. */
export function sanitize(value: string): string {
  return value
    .toLowerCase()
    .replace(/^\*\./, 'wildcard-')
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+|-+$/g, '')
}

/**
 * A host name without one trailing dot: nginx serves `a.example.com.` as `a.example.com` (ngx_http_request.c
 * ngx_http_validate_host: `if (dot_pos == host_len - 1) host_len--`), and curl sends it so as SNI (lib/vtls/vtls.c
 * Curl_ssl_snihost). A name of only a dot stays as it is (nginx refuses it).
 */
export function withoutTrailingDot(name: string): string {
  return name.length > 1 && name.endsWith('.') ? name.slice(0, -1) : name
}

/** Hosts are case-insensitive; `${VAR}` placeholders keep their case so substitution still works. */
export function normalizeHost(host: unknown): string {
  if (typeof host !== 'string') return ''
  // Without a `$` there is no placeholder: the whole name is text (what the replace below gives, without its callbacks).
  if (!host.includes('$')) return host.trim().toLowerCase()
  return host.trim().replace(/(\$\{[^}]*\})|([^$]+|\$)/g, (_m, placeholder: string, text: string) => placeholder ?? text.toLowerCase())
}
