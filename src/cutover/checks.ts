/**
 * The checks around the switch that are not about the Gateway: who else owns the Service (Helm, GitOps), how the
 * load balancer sends traffic (externalTrafficPolicy, PROXY protocol).
 */
import {parseGoBool} from '../model/go-decode.js'
import type {KubeObject} from '../model/types.js'
import {HELM_KEEP, type Refusal} from './model.js'
import {refusal} from './refusals.js'

/**
 * Helm marks what it manages with the label app.kubernetes.io/managed-by: Helm and the annotations
 * meta.helm.sh/release-name / release-namespace (Helm 3.2+; adoption checks them).
 */
export function helmRelease(svc: KubeObject): {release: string; namespace: string} | undefined {
  const labels = svc.metadata.labels ?? {}
  const ann = svc.metadata.annotations ?? {}
  if (labels['app.kubernetes.io/managed-by'] !== 'Helm' && ann['meta.helm.sh/release-name'] === undefined) return undefined
  return {release: ann['meta.helm.sh/release-name'] ?? labels['app.kubernetes.io/instance'] ?? '<release>', namespace: ann['meta.helm.sh/release-namespace'] ?? svc.metadata.namespace ?? 'default'}
}

/**
 * A Helm-managed Service must keep existing after `helm uninstall` of ingress-nginx, or the load balancer (and its
 * address) goes with it. Helm decides from the release's stored manifest (pkg/action/uninstall.go deleteRelease ->
 * filterManifestsToKeep), which lives in a Secret this tool never reads: only the live annotation can be checked.
 */
export function helmChecks(svc: KubeObject): {refusal?: Refusal; warnings: string[]} {
  const helm = helmRelease(svc)
  if (!helm) return {warnings: []}
  const id = `${svc.metadata.namespace}/${svc.metadata.name}`
  const getManifest = `helm get manifest ${helm.release} -n ${helm.namespace} | grep -n '${HELM_KEEP}'`
  const upgradeReverts = `after the cutover, a helm upgrade of release ${helm.release} puts the chart's selector and targetPorts back (its three-way merge restores what the chart renders) and sends the traffic back to the ingress-nginx pods: keep the release as it is, or move the Service out of it, until ingress-nginx is removed`
  const keep = String(svc.metadata.annotations?.[HELM_KEEP] ?? '').trim().toLowerCase() === 'keep'
  if (keep) {
    return {
      warnings: [
        `Service ${id} carries ${HELM_KEEP}: keep, but helm uninstall honours it only when the release's stored manifest has it too (${getManifest}); ingress2gw can only see the live Service (the release record is a Secret, which it never reads)`,
        upgradeReverts,
      ],
    }
  }
  return {
    refusal: refusal(
      'helm-without-keep',
      `Service ${id} belongs to Helm release ${helm.release} (namespace ${helm.namespace}) and does not carry ${HELM_KEEP}: keep: helm uninstall ${helm.release} would delete it, and with it the load balancer and its address. ` +
        `Put the annotation in the release so that its stored manifest carries it (ingress-nginx chart: helm upgrade ${helm.release} ingress-nginx/ingress-nginx -n ${helm.namespace} --reuse-values --set-string 'controller.service.annotations.helm\\.sh/resource-policy=keep'; controller.service.internal.annotations for the internal Service), then check it with ${getManifest}. ` +
        `helm uninstall reads the policy from the stored manifest, not from the live Service, and ingress2gw can only see the live Service (the release record is a Secret, which it never reads), so annotating the live Service alone is not enough. --force switches anyway`,
    ),
    warnings: [upgradeReverts],
  }
}

/** Argo CD and Flux re-apply what their source says: the patch lasts until their next sync. */
export function gitopsWarnings(svc: KubeObject): string[] {
  const labels = svc.metadata.labels ?? {}
  const ann = svc.metadata.annotations ?? {}
  const owners: string[] = []
  if (ann['argocd.argoproj.io/tracking-id'] !== undefined) owners.push(`Argo CD (${ann['argocd.argoproj.io/tracking-id'].split(':')[0]})`)
  if (labels['kustomize.toolkit.fluxcd.io/name'] !== undefined) owners.push(`Flux Kustomization ${labels['kustomize.toolkit.fluxcd.io/namespace'] ?? ''}/${labels['kustomize.toolkit.fluxcd.io/name']}`)
  if (labels['helm.toolkit.fluxcd.io/name'] !== undefined) owners.push(`Flux HelmRelease ${labels['helm.toolkit.fluxcd.io/namespace'] ?? ''}/${labels['helm.toolkit.fluxcd.io/name']}`)
  return owners.map((o) => `${o} manages Service ${svc.metadata.namespace}/${svc.metadata.name}: with self-heal or on its next sync it sets the selector and targetPorts back; change them in the source (or pause the sync) before the cutover`)
}

export function trafficPolicyWarnings(svc: KubeObject): string[] {
  const spec = (svc.spec ?? {}) as {externalTrafficPolicy?: string; healthCheckNodePort?: number}
  if (spec.externalTrafficPolicy !== 'Local') return []
  const hc = spec.healthCheckNodePort ? ` on healthCheckNodePort ${spec.healthCheckNodePort}` : ''
  return [
    `externalTrafficPolicy: Local: the load balancer sends traffic only to nodes that run a selected pod, which it finds by health checks${hc}. After the switch those are the nodes of the Envoy pods, not of the ingress-nginx pods: until the load balancer marks them healthy (its check interval times its threshold), connections that reach the other nodes are dropped. Run Envoy on the same nodes, or spread as many replicas, and switch when traffic is low`,
  ]
}

/** The load balancer sends PROXY protocol headers: the controller ConfigMap's use-proxy-protocol, or a cloud annotation. */
export function lbSendsProxyProtocol(svc: KubeObject, configMap: KubeObject | undefined, readError?: string): {sends: 'yes' | 'no' | 'unknown'; why: string; readFailed?: boolean} {
  // A key naming PROXY protocol with a value that is not off (Linode's none|v1|v2 included), or the AWS load balancer
  // controller's target-group attribute proxy_protocol_v2.enabled=true.
  const annotations = Object.entries(svc.metadata.annotations ?? {}).filter(
    ([k, v]) => (/proxy-?protocol/i.test(k) && !/^(|false|0|no|off|disabled|none)$/i.test(String(v).trim())) || /(^|,)\s*proxy_protocol_v2\.enabled\s*=\s*true\s*(,|$)/i.test(String(v)),
  )
  const data = ((configMap as {data?: Record<string, string>} | undefined)?.data ?? {}) as Record<string, string>
  const cmSays = configMap ? (parseGoBool(data['use-proxy-protocol']) ?? false) : undefined
  const cmName = configMap ? `ConfigMap ${configMap.metadata.namespace}/${configMap.metadata.name}` : ''
  if (cmSays === true) return {sends: 'yes', why: `${cmName} sets use-proxy-protocol: "${data['use-proxy-protocol']}"`}
  if (annotations.length > 0) return {sends: 'yes', why: `the Service annotation ${annotations[0][0]}: "${annotations[0][1]}"`}
  if (cmSays === false) return {sends: 'no', why: `${cmName} does not turn use-proxy-protocol on, and ingress-nginx served with that`}
  if (readError) return {sends: 'unknown', why: readError, readFailed: true}
  return {sends: 'unknown', why: 'the ingress-nginx controller ConfigMap was not found (name it with --controller-configmap)'}
}
