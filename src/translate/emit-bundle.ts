/**
 * Glue between the route side and the gateway owner's bundle: cert-manager Certificates (their Secrets join the
 * https listener), rewritten Issuers, the ClientTrafficPolicy from the controller ConfigMap, and the
 * tcp-services / udp-services entries.
 */
import {certificateIssuerChecks, certificatesForIngress, type CertificatePlan} from './bundle/certificates.js'
import {clientTrafficFromConfigMap, type HostListenerTraffic} from './bundle/client-traffic.js'
import type {LoadBalancerStepId} from '../configmap/types.js'
import {rewriteIssuers} from './bundle/issuers.js'
import {streamServices} from './bundle/stream-services.js'
import {about, objectRef, refOf} from '../model/diagnostics.js'
import {diagnostic} from '../model/catalogue/diagnostic.js'
import type {GatewayController} from './controller-workloads.js'
import {gatewayKey, type CertRef} from './emit-gateway.js'
import type {IngressModel} from '../model/ingress-model.js'
import type {Diagnostic, Fidelity, KubeObject, NamespacedName, TargetCapabilities, TranslateOptions, TranslateResult} from '../model/types.js'
import type {GatewayListener, OutputObject} from '../model/emitted.js'
import {pushAll} from '../util/arrays.js'

export interface CertManagerPlans {
  /** Ingress ids whose TLS Secrets cert-manager issues (their spec.tls Secrets are replaced by the plans'). */
  ingresses: Set<string>
  /** One per Certificate in a gateway namespace, with the Ingress that owns it. */
  plans: {ingress: IngressModel; plan: CertificatePlan}[]
  /** `<ingress id>#<secretName>` -> the plan whose Secret serves that TLS entry (own or reused). */
  bySecret: Map<string, CertificatePlan>
  /** ssl-passthrough Ingresses: Certificates kept in the backend's namespace (the backend serves them). */
  backend: {ingress: IngressModel; plan: CertificatePlan}[]
}

/** True when nginx passed the Ingress's TLS through to its backend (ssl-passthrough). */
export function isPassthrough(ingress: IngressModel): boolean {
  return ingress.intents.suppressRoute !== undefined
}

export function planCertificates(ingresses: IngressModel[], secrets: KubeObject[], diagnostics: Diagnostic[]): CertManagerPlans {
  const takenNames = new Map<string, Set<string>>()
  const planned = new Map<string, Map<string, CertificatePlan>>()
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
  const out: CertManagerPlans = {ingresses: new Set(), plans: [], bySecret: new Map(), backend: []}
  // nginx order: the oldest Ingress naming a Secret is taken as the owner of the shim's Certificate.
  for (const ingress of ingresses) {
    if (!ingress.served || ingress.isCanary) continue
    const key = gatewayKey(ingress.gateway)
    const passthrough = isPassthrough(ingress)
    // Certificate and Secret names are unique per namespace, and two Gateways may share one: taken per namespace.
    const taken = takenNames.get(ingress.gateway.namespace) ?? existing(ingress.gateway.namespace)
    takenNames.set(ingress.gateway.namespace, taken)
    // Passthrough Certificates live in the Ingress's namespace under the shim's own names: they never share.
    const shared = passthrough ? undefined : (planned.get(key) ?? new Map<string, CertificatePlan>())
    if (shared) planned.set(key, shared)
    const r = certificatesForIngress(ingress.object, {gateway: ingress.gateway, takenNames: taken, planned: shared, passthrough})
    diagnostics.push(...r.diagnostics.map((d) => ({source: ingress.source, ...d})))
    for (const plan of [...r.plans, ...r.reused]) out.bySecret.set(`${ingress.id}#${plan.sourceSecret.name}`, plan)
    if (passthrough) {
      for (const plan of r.plans) out.backend.push({ingress, plan})
      continue
    }
    if (r.plans.length === 0 && r.reused.length === 0) continue
    out.ingresses.add(ingress.id)
    for (const plan of r.plans) out.plans.push({ingress, plan})
  }
  return out
}

/** Adds the Secrets of planned Certificates (gateway namespace, no ReferenceGrant needed) to the listeners. */
export function addPlannedSecrets(certs: Map<string, Map<string, CertRef>>, plans: CertManagerPlans, ingresses: IngressModel[]): void {
  // The plans of each Ingress (keys `<ingress id>#<Secret>`), in the map's order: one walk of every plan per Ingress
  // was quadratic where every Ingress asks cert-manager for its certificate.
  const plansOf = new Map<string, CertificatePlan[]>()
  for (const [id, plan] of plans.bySecret) {
    for (let hash = id.indexOf('#'); hash >= 0; hash = id.indexOf('#', hash + 1)) {
      const ingressId = id.slice(0, hash)
      const list = plansOf.get(ingressId)
      if (list) list.push(plan)
      else plansOf.set(ingressId, [plan])
    }
  }
  const sourcesOf = new Map<CertRef, Set<string>>()
  for (const ingress of ingresses) {
    if (!plans.ingresses.has(ingress.id)) continue
    const key = gatewayKey(ingress.gateway)
    const refs = certs.get(key) ?? new Map<string, CertRef>()
    certs.set(key, refs)
    for (const plan of plansOf.get(ingress.id) ?? []) {
      const refId = `${plan.secretRef.namespace}/${plan.secretRef.name}`
      const ref = refs.get(refId) ?? {namespace: plan.secretRef.namespace, name: plan.secretRef.name, sources: [], subject: about('Ingress', ingress.ref)}
      let seen = sourcesOf.get(ref)
      if (!seen) sourcesOf.set(ref, (seen = new Set(ref.sources)))
      const source = objectRef('Ingress', ingress.ref)
      if (!seen.has(source)) {
        seen.add(source)
        ref.sources.push(source)
      }
      refs.set(refId, ref)
    }
  }
}

/**
 * Cutover steps for planned Certificates.
 *
 * Gateway namespace: the new Secrets do not exist yet, and HTTP-01 through the Gateway only works once DNS points at
 * it, so the current certificate is copied first. cert-manager reissues at once when the copy's annotations name
 * another issuer or Certificate than the new Certificate (internal/controller/certificates/policies checks.go
 * SecretIssuerAnnotationsMismatch: a missing cert-manager.io/issuer-kind counts as "Issuer", so a ClusterIssuer's
 * certificate without it is "previously issued by" another issuer; SecretCertificateNameAnnotationsMismatch), and
 * that issuance fails while DNS still points at ingress-nginx. The copy therefore carries cert-manager's labels and
 * annotations with the issuer and Certificate names of the new Certificate.
 *
 * Passthrough: the shim's Certificate in the backend's namespace is owned by the Ingress (certificate-shim sync.go
 * buildCertificates, NewControllerRef): Kubernetes deletes it with the Ingress unless the ownerReference goes first.
 */
export function certificateCutoverSteps(plans: CertManagerPlans): string[] {
  const steps: string[] = []
  for (const {plan} of plans.plans) {
    const from = plan.sourceSecret
    const to = plan.secretRef
    const ref = plan.certificate.spec.issuerRef
    const annotations = `{"cert-manager.io/issuer-name": "${ref.name}", "cert-manager.io/issuer-kind": "${ref.kind}", "cert-manager.io/issuer-group": "${ref.group}", "cert-manager.io/certificate-name": "${plan.certificate.metadata.name}"}`
    steps.push(
      `before switching DNS, copy Secret ${from.namespace}/${from.name} to ${to.namespace}/${to.name} so the https listener serves the current certificate until cert-manager renews it through the Gateway; ` +
        `the copy names the new Certificate's issuer (${ref.kind} ${ref.name}) and Certificate (${plan.certificate.metadata.name}) in cert-manager's annotations, otherwise cert-manager reissues at once, which fails while DNS still points at ingress-nginx: ` +
        `kubectl get secret ${from.name} -n ${from.namespace} -o json | jq '{apiVersion, kind, type, data, metadata: {name: "${to.name}", namespace: "${to.namespace}", ` +
        `labels: ((.metadata.labels // {}) | with_entries(select(.key | startswith("controller.cert-manager.io/")))), ` +
        `annotations: (((.metadata.annotations // {}) | with_entries(select(.key | startswith("cert-manager.io/")))) + ${annotations})}}' | kubectl apply -f -`,
    )
  }
  for (const {ingress, plan} of plans.backend) {
    const c = plan.certificate.metadata
    steps.push(
      `before deleting Ingress ${ingress.id} (ssl-passthrough), detach Certificate ${c.namespace}/${c.name} from it, or Kubernetes deletes it with the Ingress and cert-manager stops renewing the certificate the backend serves: ` +
        `kubectl patch certificate ${c.name} -n ${c.namespace} --type=json -p '[{"op":"remove","path":"/metadata/ownerReferences"}]'`,
    )
  }
  return steps
}

export function issuerObjects(
  issuers: KubeObject[],
  plans: CertManagerPlans,
  classes: string[],
  ingresses: IngressModel[],
  options: TranslateOptions,
  diagnostics: Diagnostic[],
): OutputObject[] {
  if (issuers.length === 0) return []
  // A namespaced Issuer is copied into the namespace of each Gateway whose Certificates reference it.
  const needs = new Map<string, {gateway: NamespacedName; needs: Set<string>}>([[options.gateway.namespace, {gateway: options.gateway, needs: new Set()}]])
  for (const {ingress, plan} of plans.plans) {
    const entry = needs.get(ingress.gateway.namespace) ?? {gateway: ingress.gateway, needs: new Set<string>()}
    needs.set(ingress.gateway.namespace, entry)
    if (plan.issuer.namespace) entry.needs.add(`${plan.issuer.namespace}/${plan.issuer.name}`)
  }
  const objects: OutputObject[] = []
  // The default Gateway's namespace first: that run also rewrites the Issuers themselves; the others add copies.
  for (const [namespace, entry] of [...needs].sort(([a], [b]) => (a === options.gateway.namespace ? -1 : b === options.gateway.namespace ? 1 : a < b ? -1 : 1))) {
    const copiesOnly = namespace !== options.gateway.namespace
    if (copiesOnly && entry.needs.size === 0) continue
    const r = rewriteIssuers(issuers, {
      gateway: entry.gateway,
      httpListener: options.httpListener,
      nginxClasses: classes,
      gatewayNamespaceNeeds: entry.needs,
      gatewayForSolver: solverGateway(ingresses, options),
      copiesOnly,
    })
    diagnostics.push(...r.diagnostics)
    objects.push(...r.objects)
  }
  pushAll(diagnostics, certificateIssuerChecks([...plans.plans, ...plans.backend].map((p) => p.plan), issuers))
  return objects
}

/**
 * cert-manager's http01.ingress solver made a temporary Ingress of the solver's class (or edited the named Ingress),
 * so the challenge was answered by the controller of that class: with `--gateway-for`, the Gateway of that class.
 * An edited Ingress is looked up by name among the input's Ingresses; when the name is ambiguous (several
 * namespaces, several Gateways) the default Gateway is kept.
 */
function solverGateway(ingresses: IngressModel[], options: TranslateOptions): (solver: {className?: string; ingressName?: string}) => NamespacedName | undefined {
  return ({className, ingressName}) => {
    if (ingressName !== undefined) {
      const gateways = new Map(ingresses.filter((i) => i.ref.name === ingressName).map((i) => [gatewayKey(i.gateway), i.gateway]))
      return gateways.size === 1 ? [...gateways.values()][0] : undefined
    }
    return className !== undefined ? options.gatewayFor[className] : undefined
  }
}

/**
 * How far a key's outcome is from what nginx did, for one ConfigMap read by several Gateways: `ignored` (not carried
 * here) ranks above `exact`, below the outcomes `--fail-on` gates on.
 */
const KEY_FIDELITY_RANK: Record<Fidelity, number> = {exact: 0, ignored: 1, approximate: 2, manual: 3}

/**
 * Files a Gateway's key fidelities under its controller ConfigMap. One ConfigMap read by two controllers (two
 * Gateways) has one table in the report: each key keeps its worst outcome across the Gateways, so a key exact on
 * one Gateway and approximate on the other trips `--fail-on approximate` (the first Gateway's table alone hid it).
 */
export function addConfigMapKeys(tables: NonNullable<TranslateResult['configMapKeys']>, configMap: string, keys: Record<string, Fidelity>): void {
  const table = tables.find((t) => t.configMap === configMap)
  if (!table) {
    tables.push({configMap, keys: {...keys}})
    return
  }
  for (const [key, fidelity] of Object.entries(keys)) {
    const before = table.keys[key]
    if (before === undefined || KEY_FIDELITY_RANK[fidelity] > KEY_FIDELITY_RANK[before]) table.keys[key] = fidelity
  }
}

/**
 * Each Gateway's ClientTrafficPolicy and Gateway-level defaults from its own controller's ConfigMap
 * (`configMap`, controller-workloads.ts; undefined: nginx defaults). Notes are said per Gateway, named when the
 * run has several. A load-balancer step the Gateway's generated EnvoyProxy already does (`done`, data-plane.ts)
 * is withdrawn by its id.
 */
export function clientTrafficObjects(
  gateways: {gateway: NamespacedName; configMap: KubeObject | undefined; hasHttps: boolean; hostListeners?: HostListenerTraffic[]; httpsListenerKeepsHttp2?: boolean; stripRequestHeaders?: Map<string, string[]>}[],
  emitBundle: boolean,
  options: TranslateOptions,
  diagnostics: Diagnostic[],
  checklist: string[],
  done: (gateway: NamespacedName, step: LoadBalancerStepId) => boolean = () => false,
): {objects: OutputObject[]; configMapKeys?: TranslateResult['configMapKeys']; configMapOf: Map<OutputObject, {ref: string; keys: string[]}>} {
  const objects: OutputObject[] = []
  // Which ConfigMap each object came from and its keys the object carries: if the target cannot take it, they are lost.
  const configMapOf = new Map<OutputObject, {ref: string; keys: string[]}>()
  const seen = new Set<string>()
  // The report's ConfigMap key tables: every Gateway's controller ConfigMap, once each (gateways are sorted).
  const configMapKeys: NonNullable<TranslateResult['configMapKeys']> = []
  for (const {gateway: gw, configMap: cm, hasHttps, hostListeners, httpsListenerKeepsHttp2, stripRequestHeaders} of gateways) {
    if (!cm && !emitBundle) continue
    const r = clientTrafficFromConfigMap(cm, {
      gateway: gw,
      clientIp: options.clientIp,
      nginxDefaults: options.nginxDefaults,
      httpListener: options.httpListener,
      httpsListener: options.httpsListener,
      hasHttpsListener: hasHttps,
      hostListeners,
      httpsListenerKeepsHttp2,
      stripRequestHeaders,
    })
    if (cm) addConfigMapKeys(configMapKeys, refOf(cm), r.keys)
    // Each Gateway's notes: named when several Gateways (several controllers) are converted at once.
    const prefix = gateways.length > 1 ? `Gateway ${gw.namespace}/${gw.name}: ` : ''
    for (const d of r.diagnostics) {
      const id = `${d.code}|${d.object}|${d.annotation}|${d.message}`
      if (seen.has(`${gw.namespace}/${gw.name}|${id}`)) continue
      seen.add(`${gw.namespace}/${gw.name}|${id}`)
      // A note already filed under this Gateway needs no prefix; one filed under a ConfigMap names its Gateway.
      diagnostics.push({...d, message: (d.object === objectRef('Gateway', gw) ? '' : prefix) + d.message})
    }
    // The checklist speaks of the objects this run emits: without the bundle, only say where they come from.
    if (emitBundle) {
      for (const line of r.checklist) {
        if (typeof line === 'string') checklist.push(prefix + line)
        else if (!done(gw, line.id)) checklist.push(prefix + line.line)
      }
    }
    else if (r.objects.length > 0) {
      checklist.push(`${prefix}the controller ConfigMap's Gateway-wide settings (${r.objects.length} ${[...new Set(r.objects.map((o) => o.kind))].sort().join(', ')}) are generated by the gateway owner's run (--emit-gateway), not by this one`)
    }
    if (emitBundle) {
      objects.push(...r.objects)
      if (cm) for (const o of r.objects) configMapOf.set(o, {ref: refOf(cm), keys: r.carried.get(o) ?? []})
    }
  }
  return {objects, ...(configMapKeys.length > 0 ? {configMapKeys} : {}), configMapOf}
}

export interface StreamParts {
  objects: OutputObject[]
  /** The tcp/udp listeners, by gateway key. */
  listeners: Map<string, GatewayListener[]>
}

/** Each Gateway's tcp-services / udp-services: those of its own controller (controller-workloads.ts). */
export function streamParts(
  controllers: GatewayController[],
  configMaps: Map<string, KubeObject>,
  services: Map<string, KubeObject>,
  capabilities: TargetCapabilities,
  options: TranslateOptions,
  diagnostics: Diagnostic[],
  checklist: string[],
): StreamParts {
  const out: StreamParts = {objects: [], listeners: new Map()}
  const reported = new Set<string>()
  for (const c of controllers) {
    const key = gatewayKey(c.gateway)
    for (const [protocol, ref, name, served] of [
      ['TCP', c.tcpServices, 'tcp-services', capabilities.tcpRoute],
      ['UDP', c.udpServices, 'udp-services', capabilities.udpRoute],
    ] as const) {
      if (ref.name === undefined) continue
      const cm = configMaps.get(ref.name.includes('/') ? ref.name : `default/${ref.name}`)
      if (!cm) {
        if (!reported.has(ref.name)) diagnostics.push(diagnostic('stream-configmap-not-found', {configMap: ref.name, from: ref.from, flag: name}))
        reported.add(ref.name)
        continue
      }
      const r = streamServices(cm, protocol, {gateway: c.gateway, emitRoutes: options.tcpRoutes || served, services})
      pushAll(diagnostics, r.diagnostics)
      pushAll(checklist, r.checklist)
      pushAll(out.objects, r.objects)
      out.listeners.set(key, [...(out.listeners.get(key) ?? []), ...r.listeners])
    }
  }
  return out
}
