/**
 * Several Gateways (--gateway-for) on one Envoy: what changes when the GatewayClass's EnvoyProxy sets
 * `mergeGateways: true`, which the conversion cannot see from the Ingresses.
 *
 * Envoy Gateway v1.9 with merged Gateways:
 * - requires every (protocol, hostname, port) to be unique across the merged Gateways' listeners
 *   (internal/gatewayapi/validate.go validateConflictedMergedListeners): a later listener with the same tuple is
 *   Conflicted, never Programmed (validateListenerConditions), and left out of the data plane
 *   (listener.go: `if !listener.IsReady() { continue }`), so its routes serve nothing;
 * - puts the HTTPS listeners of one port into one Envoy listener whose filter chains match the TLS server name, and
 *   Envoy picks an exact server name, then the longest wildcard, then a chain without server names (Envoy
 *   FilterChainMatch server_names): a wildcard listener of one Gateway takes the connections for a host another
 *   Gateway serves on a listener without hostname, and answers them with its own certificate and routes.
 * Under ingress-nginx each controller had its own address, so neither could happen.
 */
import {about} from '../model/diagnostics.js'
import {diagnostic} from '../model/catalogue/diagnostic.js'
import type {HostIndex} from './hosts.js'
import type {HostListener} from './https-listeners.js'
import type {Diagnostic, NamespacedName} from '../model/types.js'

interface GatewayListeners {
  key: string
  gateway: NamespacedName
  /** The hostname-less http/https listeners the Gateway has. */
  shared: {name: string; protocol: 'HTTP' | 'HTTPS'; port: number}[]
  hostListeners: HostListener[]
  index?: HostIndex
}

/** True when a listener hostname (exact, or `*.suffix`: any host ending in .suffix) covers `host`. */
function covers(listenerHost: string, host: string): boolean {
  return listenerHost.startsWith('*.') ? host.endsWith(listenerHost.slice(1)) && host.length > listenerHost.length - 1 : listenerHost === host
}

/** The diagnostics for Gateways that a mergeGateways EnvoyProxy would merge. */
export function mergedGatewayDiagnostics(gateways: GatewayListeners[]): Diagnostic[] {
  if (gateways.length < 2) return []
  const out: Diagnostic[] = []
  const names = gateways.map((g) => `${g.gateway.namespace}/${g.gateway.name}`)
  // Same (protocol, hostname, port) on several Gateways: only the first keeps it.
  const tuples = new Map<string, string[]>()
  for (const g of gateways) {
    const listed = [...g.shared.map((l) => ({name: l.name, protocol: l.protocol, port: l.port, hostname: ''})), ...g.hostListeners.filter((l) => l.generated).map((l) => ({name: l.name, protocol: 'HTTPS', port: 443, hostname: l.hostname}))]
    for (const l of listed) {
      const tuple = `${l.protocol} ${l.port}${l.hostname ? ` ${l.hostname}` : ' (no hostname)'}`
      tuples.set(tuple, [...(tuples.get(tuple) ?? []), `${g.gateway.namespace}/${g.gateway.name} ${l.name}`])
    }
  }
  const clashes = [...tuples].filter(([, where]) => where.length > 1).map(([listener, on]) => ({listener, on}))
  if (clashes.length > 0) {
    // Every pair of Gateways repeats `HTTP 80 (no hostname)`, so this fires on every multi-Gateway run, and the output
    // never sets mergeGateways: it is advice about an option, not a difference, hence info (a warning on every run
    // teaches users to skip warnings).
    out.push(
      diagnostic('merged-gateways-listener-conflict', {gateways: names, clashes}, {
        ...about('Gateway', gateways[0]!.gateway),
        hint: 'keep mergeGateways off for this GatewayClass, or give the Gateways distinct GatewayClasses',
      }),
    )
  }
  // A wildcard HTTPS listener of one Gateway and a host another Gateway serves on a listener without a hostname.
  for (const g of gateways) {
    for (const wild of g.hostListeners.filter((l) => l.generated && l.hostname.startsWith('*.'))) {
      const taken: {host: string; gateway: string}[] = []
      for (const other of gateways) {
        if (other === g || !other.index) continue
        for (const host of other.index.hosts.values()) {
          if (host.name === '' || host.tls === undefined || !covers(wild.hostname, host.name)) continue
          // The host's own listener wins when it is at least as specific (exact, or a longer wildcard).
          const own = other.hostListeners.filter((l) => l.generated && (host.httpsListeners ?? []).includes(l.name))
          if (own.some((l) => !l.hostname.startsWith('*.') || l.hostname.length >= wild.hostname.length)) continue
          taken.push({host: host.name, gateway: `${other.gateway.namespace}/${other.gateway.name}`})
        }
      }
      if (taken.length === 0) continue
      out.push(
        diagnostic('merged-gateways-wildcard-takes-host', {listener: wild.name, hostname: wild.hostname, gateway: `${g.gateway.namespace}/${g.gateway.name}`, hosts: taken}, {
          ...about('Gateway', g.gateway),
          hint: 'keep mergeGateways off for this GatewayClass (each Gateway then gets its own address), or give these hosts listeners of their own',
        }),
      )
    }
  }
  return out
}
