/**
 * TLS settings shared by the ClientTrafficPolicy (controller ConfigMap ssl-protocols / ssl-ciphers) and the
 * backend TLS of the backend-protocol family (proxy-ssl-protocols / proxy-ssl-ciphers). Pure.
 */

/**
 * nginx ssl_protocols / proxy_ssl_protocols names -> Envoy Gateway TLS versions. Keys are lower case: nginx matches
 * the names case-insensitively (`tlsv1.2` is TLSv1.2).
 */
const TLS_VERSIONS: Record<string, TlsVersion> = {tlsv1: '1.0', 'tlsv1.1': '1.1', 'tlsv1.2': '1.2', 'tlsv1.3': '1.3'}
const VERSION_ORDER: TlsVersion[] = ['1.0', '1.1', '1.2', '1.3']

/** The TLS versions Envoy Gateway's minVersion/maxVersion take (besides Auto). */
export type TlsVersion = '1.0' | '1.1' | '1.2' | '1.3'

/**
 * Cipher names Envoy (BoringSSL) accepts, as listed in the Envoy Gateway CRDs (ClientTrafficPolicy tls, Backend
 * tls; OpenSSL and IANA spellings).
 */
export const ENVOY_CIPHERS = new Set([
  'ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305', 'ECDHE-RSA-CHACHA20-POLY1305', 'ECDHE-ECDSA-AES128-SHA', 'ECDHE-RSA-AES128-SHA',
  'AES128-GCM-SHA256', 'AES128-SHA', 'ECDHE-ECDSA-AES256-SHA', 'ECDHE-RSA-AES256-SHA', 'AES256-GCM-SHA384', 'AES256-SHA',
  'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256', 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
  'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA', 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', 'TLS_RSA_WITH_AES_128_GCM_SHA256',
  'TLS_RSA_WITH_AES_128_CBC_SHA', 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA', 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA',
  'TLS_RSA_WITH_AES_256_GCM_SHA384', 'TLS_RSA_WITH_AES_256_CBC_SHA',
])

export interface TlsVersionSpan {
  /** Lowest and highest version named (`1.0` ... `1.3`); undefined when none is known. */
  min?: TlsVersion
  max?: TlsVersion
  /** Names with no Envoy TLS version (SSLv2, SSLv3, typos), as written. */
  unknown: string[]
  /** Versions between min and max that the list leaves out: Envoy takes a range, so it offers them anyway. */
  missing: string[]
}

/** nginx's protocol list as the version range Envoy can express (names compared case-insensitively, as nginx does). */
export function tlsVersionSpan(protocols: string[]): TlsVersionSpan {
  const versionOf = (p: string): TlsVersion | undefined => (Object.prototype.hasOwnProperty.call(TLS_VERSIONS, p.toLowerCase()) ? TLS_VERSIONS[p.toLowerCase()] : undefined)
  const versions = protocols.map(versionOf).filter((v): v is TlsVersion => v !== undefined)
  const unknown = protocols.filter((p) => versionOf(p) === undefined)
  if (versions.length === 0) return {unknown, missing: []}
  const sorted = [...new Set(versions)].sort((a, b) => VERSION_ORDER.indexOf(a) - VERSION_ORDER.indexOf(b))
  const min = sorted[0]!
  const max = sorted[sorted.length - 1]!
  const missing = VERSION_ORDER.slice(VERSION_ORDER.indexOf(min), VERSION_ORDER.indexOf(max) + 1).filter((v) => !sorted.includes(v))
  return {min, max, unknown, missing}
}
