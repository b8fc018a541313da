/**
 * Glue between the route side and the gateway owner's bundle: cert-manager Certificates (their Secrets join the
 * https listener), rewritten Issuers, the ClientTrafficPolicy from the controller ConfigMap, and the
 * tcp-services / udp-services entries.
 */
import {certificateIssuerChecks, certificatesForIngress, type CertificatePlan} from './bundle/certificates.js'
import {clientTrafficFromConfigMap} from './bundle/client-traffic.js'
import {rewriteIssuers} from './bundle/issuers.js'
import {findStreamConfigMap, streamServices} from './bundle/stream-services.js'
import {objectRef} from './diagnostics.js'
import {gatewayKey, type CertRef} from './emit-gateway.js'
import type {IngressModel} from './model.js'
import type {Diagnostic, KubeObject, NamespacedName, TargetCapabilities, TranslateOptions} from './types.js'

export interface CertManagerPlans {
  /** Ingress ids whose TLS Secrets cert-manager issues (their spec.tls Secrets are replaced by the plans'). */
  ingresses: Set<string>
  plans: {ingress: IngressModel; plan: CertificatePlan}[]
}

export function planCertificates(ingresses: IngressModel[], secrets: KubeObject[], diagnostics: Diagnostic[]): CertManagerPlans {
  const takenNames = new Map<string, Set<string>>()
  // Names already used by Secrets in a gateway namespace (in the input, or named by that namespace's own
  // Ingresses): a Certificate writing its Secret there would overwrite them.
  const existing = (namespace: string) => {
    const names = new Set<string>(secrets.filter((s) => s.metadata.namespace === namespace).map((s) => s.metadata.name))
    for (const i of ingresses) {
      if (i.ref.namespace !== namespace) continue
      for (const e of Array.isArray(i.object.spec.tls) ? i.object.spec.tls : []) if (typeof e?.secretName === 'string') names.add(e.secretName)
    }
    return names
  }
  const out: CertManagerPlans = {ingresses: new Set(), plans: []}
  for (const ingress of ingresses) {
    if (!ingress.served || ingress.isCanary) continue
    const taken = takenNames.get(gatewayKey(ingress.gateway)) ?? existing(ingress.gateway.namespace)
    takenNames.set(gatewayKey(ingress.gateway), taken)
    const r = certificatesForIngress(ingress.object, {gateway: ingress.gateway, takenNames: taken})
    diagnostics.push(...r.diagnostics.map((d) => ({source: ingress.source, ...d})))
    if (r.plans.length === 0) continue
    out.ingresses.add(ingress.id)
    for (const plan of r.plans) out.plans.push({ingress, plan})
  }
  return out
}

/** Adds the Secrets of planned Certificates (gateway namespace, no ReferenceGrant needed) to the listeners. */
export function addPlannedSecrets(certs: Map<string, Map<string, CertRef>>, plans: CertManagerPlans): void {
  for (const {ingress, plan} of plans.plans) {
    const key = gatewayKey(ingress.gateway)
    const refs = certs.get(key) ?? new Map<string, CertRef>()
    certs.set(key, refs)
    const id = `${plan.secretRef.namespace}/${plan.secretRef.name}`
    const ref = refs.get(id) ?? {namespace: plan.secretRef.namespace, name: plan.secretRef.name, sources: []}
    ref.sources.push(objectRef('Ingress', ingress.ref))
    refs.set(id, ref)
  }
}

export function issuerObjects(
  issuers: KubeObject[],
  plans: CertManagerPlans,
  classes: string[],
  options: TranslateOptions,
  diagnostics: Diagnostic[],
): KubeObject[] {
  if (issuers.length === 0) return []
  const needs = new Set<string>()
  for (const {plan} of plans.plans) if (plan.issuer.namespace) needs.add(`${plan.issuer.namespace}/${plan.issuer.name}`)
  const r = rewriteIssuers(issuers, {gateway: options.gateway, httpListener: options.httpListener, nginxClasses: classes, gatewayNamespaceNeeds: needs})
  diagnostics.push(...r.diagnostics, ...certificateIssuerChecks(plans.plans.map((p) => p.plan), issuers))
  return r.objects
}

/** `cm` is the controller ConfigMap (Lookup.controllerConfigMap), undefined when the input has none. */
export function clientTrafficObjects(
  cm: KubeObject | undefined,
  gateways: {gateway: NamespacedName; hasHttps: boolean}[],
  emitBundle: boolean,
  options: TranslateOptions,
  diagnostics: Diagnostic[],
  checklist: string[],
): KubeObject[] {
  if (options.controllerConfigMap && !cm) {
    diagnostics.push({
      level: 'warning',
      code: 'controller-configmap-not-found',
      message: `controller ConfigMap ${options.controllerConfigMap} is not in the input; nginx's ConfigMap defaults are assumed`,
    })
  }
  if (!cm && !emitBundle) return []
  const objects: KubeObject[] = []
  gateways.forEach(({gateway: gw, hasHttps}, i) => {
    const r = clientTrafficFromConfigMap(cm, {gateway: gw, clientIp: options.clientIp, nginxDefaults: options.nginxDefaults, httpsListener: options.httpsListener, hasHttpsListener: hasHttps})
    // The same ConfigMap speaks for every Gateway: report its keys once.
    if (i === 0) {
      diagnostics.push(...r.diagnostics)
      checklist.push(...r.checklist)
    }
    if (emitBundle) objects.push(...r.objects)
  })
  return objects
}

export interface StreamParts {
  objects: KubeObject[]
  listeners: any[]
}

export function streamParts(
  configMaps: KubeObject[],
  services: Map<string, KubeObject>,
  capabilities: TargetCapabilities,
  options: TranslateOptions,
  diagnostics: Diagnostic[],
  checklist: string[],
): StreamParts {
  const out: StreamParts = {objects: [], listeners: []}
  for (const [protocol, explicit, name, served] of [
    ['TCP', options.tcpServicesConfigMap, 'tcp-services', capabilities.tcpRoute],
    ['UDP', options.udpServicesConfigMap, 'udp-services', capabilities.udpRoute],
  ] as const) {
    const cm = findStreamConfigMap(configMaps, explicit, protocol)
    if (!cm) {
      if (explicit) diagnostics.push({level: 'warning', code: 'stream-configmap-not-found', message: `${name} ConfigMap ${explicit} is not in the input`})
      continue
    }
    const r = streamServices(cm, protocol, {gateway: options.gateway, emitRoutes: options.tcpRoutes || served, services})
    diagnostics.push(...r.diagnostics)
    checklist.push(...r.checklist)
    out.objects.push(...r.objects)
    out.listeners.push(...r.listeners)
  }
  return out
}
