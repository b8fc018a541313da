/**
 * API groups and the references to the Gateway (targetRefs, parentRefs, listener and copy names) that the route side,
 * the gateway owner's bundle and the families write alike.
 * Pure: no I/O, never throws.
 */
import {shortHash} from '../util/hash.js'
import {dnsName} from './names.js'
import type {NamespacedName} from './types.js'
import type {ParentRef, PolicyTargetRef} from './emitted.js'

export const GATEWAY_GROUP = 'gateway.networking.k8s.io'
export const EG_GROUP = 'gateway.envoyproxy.io'
export const EG_API_VERSION = 'gateway.envoyproxy.io/v1alpha1'
/** Written once for the routes: a template of the group made a string per route, each kept by the result. */
export const GATEWAY_V1 = 'gateway.networking.k8s.io/v1' as const
export const CERT_MANAGER_GROUP = 'cert-manager.io'
export const CERT_MANAGER_API_VERSION = 'cert-manager.io/v1'

/** A policy targetRef to the Gateway (or one of its listeners). `group` is always written: it has no default. */
export function gatewayTargetRef(gateway: NamespacedName, sectionName?: string): PolicyTargetRef {
  const ref: PolicyTargetRef = {group: GATEWAY_GROUP, kind: 'Gateway', name: gateway.name}
  if (sectionName) ref.sectionName = sectionName
  return ref
}

/** A route parentRef to the Gateway (cross-namespace, so the namespace is always written). */
export function gatewayParentRef(gateway: NamespacedName, sectionName?: string): ParentRef {
  const ref: ParentRef = {group: GATEWAY_GROUP, kind: 'Gateway', name: gateway.name, namespace: gateway.namespace}
  if (sectionName) ref.sectionName = sectionName
  return ref
}

/**
 * The HTTPS listener a host gets of its own (client certificates, or a certificate that cannot share the https
 * listener): `https-<host>`, a valid listener name (DNS label) derived from the hostname.
 */
export function hostListenerName(host: string): string {
  return dnsName('https', host)
}

/**
 * Name of the copy of a namespaced Issuer in the gateway namespace. Teams often have Issuers with the same name
 * ("letsencrypt") in several namespaces, so copies carry their origin namespace; `<ns>-<name>` alone is ambiguous
 * (`team-a/le` and `team/a-le` both give `team-a-le`, and an Issuer of the gateway namespace may already be called
 * that), so every copy also gets a hash of `<ns>/<name>`. An Issuer that already lives in the gateway namespace keeps
 * its name. certificates.ts writes the same name into issuerRef.
 */
export function issuerCopyName(gateway: NamespacedName, namespace: string, name: string): string {
  return namespace === gateway.namespace ? name : dnsName(namespace, name, shortHash(`${namespace}/${name}`))
}

/**
 * The SecurityPolicy that lets cert-manager's HTTP-01 solver routes past the Gateway-level access lists and global
 * auth (client-traffic.ts); issuers.ts names it when an ingressTemplate opened the allowlist for the solver.
 */
export function acmeExemptPolicyName(gateway: NamespacedName): string {
  return dnsName(gateway.name, 'acme-exempt')
}
