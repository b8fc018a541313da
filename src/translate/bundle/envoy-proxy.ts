/**
 * ingress-nginx controller Service -> EnvoyProxy (provider.kubernetes.envoyService) attached to the shared Gateway
 * with spec.infrastructure.parametersRef: the new data plane's load balancer is the old one's twin.
 *
 * What Envoy Gateway v1.9 does with the fields (internal/infrastructure/kubernetes/proxy/resource_provider.go
 * ResourceRender.Service, internal/infrastructure/kubernetes/resource/resource.go ExpectedServiceSpec;
 * api/v1alpha1/shared_types.go KubernetesServiceSpec):
 * - envoyService.annotations are copied onto the Envoy Service (maps.Copy over the infrastructure annotations);
 * - loadBalancerClass, allocateLoadBalancerNodePorts, loadBalancerSourceRanges and loadBalancerIP are only set for
 *   type LoadBalancer (the CRD's CEL refuses them on other types);
 * - externalTrafficPolicy defaults to **Local** (DefaultKubernetesServiceExternalTrafficPolicy), where a Kubernetes
 *   Service, and the ingress-nginx chart, default to Cluster: the policy is always written out;
 * - sessionAffinity is always None.
 * How a Gateway-level EnvoyProxy combines with the GatewayClass's (internal/gatewayapi/envoyproxy_merge.go
 * MergeEnvoyProxyConfigs): without mergeType it replaces the GatewayClass's EnvoyProxy as a whole, so the
 * EnvoyProxy says StrategicMerge (Envoy Gateway v1.8+) to keep the platform's own settings (replicas, resources).
 * A GatewayClass EnvoyProxy with mergeGateways: true makes Envoy Gateway refuse a Gateway that has a parametersRef:
 * internal/provider/kubernetes/controller.go processGatewayParamsRef errs and the Gateway is marked Accepted=False,
 * reason InvalidParameters (not processed at all): the checklist says so.
 *
 * Security first: an internal load balancer must stay internal, the source ranges must stay, and a PROXY-protocol
 * load balancer must keep feeding listeners that expect PROXY headers. Every annotation is kept unless it is
 * known to be tooling metadata (Helm, kubectl, Argo CD, Flux) or to pin the old load balancer's address or identity
 * (which two load balancers cannot share while both run).
 * Pure: no I/O.
 */
import {compareStrings} from '../../util/hash.js'
import {aboutObject, objectRef} from '../../model/diagnostics.js'
import {diagnostic} from '../../model/catalogue/diagnostic.js'
import {dnsName} from '../../model/names.js'
import {managedMetadata} from '../../model/provenance.js'
import type {Diagnostic, DiagnosticRef, KubeObject, NamespacedName} from '../../model/types.js'
import {EG_API_VERSION} from '../../model/gateway-refs.js'
import {isObject} from '../../util/json.js'
import type {EmittedObject} from '../../model/emitted.js'
import type {EnvoyProxySpec} from '../../model/generated/index.js'
/** Metadata written by tools, not read by any load-balancer controller: dropped. */
const TOOLING_PREFIXES = [
  'meta.helm.sh/',
  'kubectl.kubernetes.io/',
  'argocd.argoproj.io/',
  'kustomize.toolkit.fluxcd.io/',
  'helm.toolkit.fluxcd.io/',
  'deployment.kubernetes.io/',
  'field.cattle.io/',
]

/**
 * Annotations that pin the old load balancer's address or publish DNS for it. While ingress-nginx runs, its load
 * balancer holds the address, so a second Service asking for it fails (or steals it); external-dns records
 * would make two Services claim one name. They move at cutover, not before.
 */
const ADDRESS_KEYS: Record<string, string> = {
  'service.beta.kubernetes.io/aws-load-balancer-eip-allocations': 'Elastic IP allocations',
  'service.beta.kubernetes.io/aws-load-balancer-private-ipv4-addresses': 'private IPv4 addresses',
  'service.beta.kubernetes.io/aws-load-balancer-ipv6-addresses': 'IPv6 addresses',
  'service.beta.kubernetes.io/azure-load-balancer-ipv4': 'IPv4 address',
  'service.beta.kubernetes.io/azure-load-balancer-ipv6': 'IPv6 address',
  'service.beta.kubernetes.io/azure-pip-name': 'public IP resource',
  'service.beta.kubernetes.io/azure-pip-name-ipv6': 'public IP resource',
  'networking.gke.io/load-balancer-ip-addresses': 'reserved addresses',
  'metallb.universe.tf/loadBalancerIPs': 'addresses',
  'metallb.io/loadBalancerIPs': 'addresses',
  'kube-vip.io/loadbalancerIPs': 'addresses',
  'lbipam.cilium.io/ips': 'addresses',
  'io.cilium/lb-ipam-ips': 'addresses',
}
const DNS_PREFIX = 'external-dns.alpha.kubernetes.io/'

/**
 * Annotations that name or identify the old load balancer (or its DNS label / Private Link service). A second
 * Service carrying them would make the cloud controller adopt that load balancer (DigitalOcean's load-balancer-id,
 * Linode's nodebalancer-id), or ask for a name already taken (AWS, DigitalOcean, Hetzner, Azure DNS label and
 * Private Link service): withheld like the addresses, moved at cutover.
 */
const IDENTITY_KEYS: Record<string, string> = {
  'kubernetes.digitalocean.com/load-balancer-id': 'load balancer id',
  'service.beta.kubernetes.io/do-loadbalancer-name': 'load balancer name',
  'service.beta.kubernetes.io/aws-load-balancer-name': 'load balancer name',
  'service.beta.kubernetes.io/azure-dns-label-name': 'DNS label',
  'service.beta.kubernetes.io/azure-pls-name': 'Private Link service name',
  'service.beta.kubernetes.io/azure-pls-create': 'Private Link service',
  'service.beta.kubernetes.io/linode-loadbalancer-nodebalancer-id': 'NodeBalancer id',
  'load-balancer.hetzner.cloud/name': 'load balancer name',
}

/** The values Go's strconv.ParseBool reads as false. */
const GO_FALSE = ['0', 'f', 'F', 'false', 'FALSE', 'False']
const GO_TRUE = ['1', 't', 'T', 'true', 'TRUE', 'True']

/**
 * loadBalancerClasses that make the load balancer internal with no annotation: GKE's internal passthrough class
 * (ingress-gce / cloud-provider-gcp RegionalInternalLoadBalancerClass, and its -legacy twin).
 */
const INTERNAL_CLASSES = ['networking.gke.io/l4-regional-internal', 'networking.gke.io/l4-regional-internal-legacy']
/** GKE's external classes: external whatever the GKE type annotations say (the class selects the implementation). */
const GKE_EXTERNAL_CLASSES = ['networking.gke.io/l4-regional-external', 'networking.gke.io/l4-regional-external-legacy']

/**
 * Annotations that make a cloud load balancer internal (private addresses only). The value that does it, per
 * provider: AWS in-tree (any value but "false"; the docs write "true" or "0.0.0.0/0"), AWS Load Balancer Controller
 * scheme, GKE (both keys), Azure, OCI, OpenStack, Alibaba, IBM, Tencent.
 */
const INTERNAL_RULES: [string, (v: string) => boolean][] = [
  ['networking.gke.io/load-balancer-type', (v) => v.trim().toLowerCase() === 'internal'],
  ['cloud.google.com/load-balancer-type', (v) => v.trim().toLowerCase() === 'internal'],
  ['service.beta.kubernetes.io/azure-load-balancer-internal', (v) => v.trim().toLowerCase() === 'true'],
  // OCI: strconv.ParseBool in current releases, any non-empty value in older ones: internal unless false.
  ['service.beta.kubernetes.io/oci-load-balancer-internal', (v) => v.trim() !== '' && !GO_FALSE.includes(v.trim())],
  ['oci.oraclecloud.com/oci-network-load-balancer-internal', (v) => v.trim() !== '' && !GO_FALSE.includes(v.trim())],
  ['service.beta.kubernetes.io/openstack-internal-load-balancer', (v) => v.trim().toLowerCase() === 'true'],
  ['service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type', (v) => v.trim() === 'intranet'],
  ['service.kubernetes.io/ibm-load-balancer-cloud-provider-ip-type', (v) => v.trim() === 'private'],
  ['service.kubernetes.io/qcloud-loadbalancer-internal-subnetid', (v) => v.trim() !== ''],
]

/** Annotations that make the load balancer send the PROXY protocol to its targets. */
const PROXY_RULES: [string, (v: string) => boolean][] = [
  ['service.beta.kubernetes.io/aws-load-balancer-proxy-protocol', (v) => v.trim() !== ''],
  ['service.beta.kubernetes.io/aws-load-balancer-target-group-attributes', (v) => /proxy_protocol_v2\.enabled\s*=\s*true/.test(v)],
  // DigitalOcean and Hetzner parse these with strconv.ParseBool ("1", "t", "True" send PROXY headers too).
  ['service.beta.kubernetes.io/do-loadbalancer-enable-proxy-protocol', (v) => GO_TRUE.includes(v.trim())],
  ['service.beta.kubernetes.io/linode-loadbalancer-proxy-protocol', (v) => /^v[12]$/.test(v.trim())],
  ['service.beta.kubernetes.io/scw-loadbalancer-proxy-protocol-v2', (v) => v.trim() !== '' && v.trim().toLowerCase() !== 'false'],
  ['service.beta.kubernetes.io/exoscale-loadbalancer-service-proxy-protocol', (v) => v.trim().toLowerCase() === 'true'],
  ['load-balancer.hetzner.cloud/uses-proxyprotocol', (v) => GO_TRUE.includes(v.trim())],
  ['loadbalancer.openstack.org/proxy-protocol', (v) => v.trim() !== '' && v.trim().toLowerCase() !== 'false'],
]

export interface ServiceTraits {
  internal: string[]
  proxyProtocol: string[]
}

const AWS_LBC_CLASS = 'service.k8s.aws/nlb'
/** EKS Auto Mode's NLB class: reads aws-load-balancer-scheme as the AWS Load Balancer Controller does, internal by default. */
const EKS_AUTO_CLASS = 'eks.amazonaws.com/nlb'
const AWS_SCHEME_CLASSES = [AWS_LBC_CLASS, EKS_AUTO_CLASS]
const AWS_TYPE = 'service.beta.kubernetes.io/aws-load-balancer-type'
const AWS_TARGET_TYPE = 'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type'
const AWS_SCHEME = 'service.beta.kubernetes.io/aws-load-balancer-scheme'
const AWS_INTERNAL = 'service.beta.kubernetes.io/aws-load-balancer-internal'
const AWS_PREFIX = 'service.beta.kubernetes.io/aws-load-balancer-'

/** Whether an AWS load balancer is internal, and what decided it. */
export interface AwsExposure {
  internal: boolean
  /** The annotation (and value) or default that decided it. */
  why: string
  /** No annotation decides it: the AWS Load Balancer Controller's default, which depends on its version and flags. */
  byDefault: boolean
}

/**
 * An AWS Service's exposure, as the controller that serves it decides it.
 * - The AWS Load Balancer Controller serves a Service whose loadBalancerClass is service.k8s.aws/nlb, or whose
 *   aws-load-balancer-type is nlb-ip or external with an nlb-target-type (pkg/service/service_utils.go
 *   IsServiceSupported). Its scheme (pkg/service/model_build_load_balancer.go buildLoadBalancerScheme, v2.2+):
 *   aws-load-balancer-scheme when set; else aws-load-balancer-internal parsed as a Go bool (a value like
 *   "0.0.0.0/0" fails the reconcile); else the existing NLB's scheme; else --default-load-balancer-scheme, internal
 *   unless changed. v2.0 and v2.1 (nlb-ip only) read aws-load-balancer-internal alone and defaulted to
 *   internet-facing.
 * - The in-tree provider (and the AWS cloud-controller-manager) reads aws-load-balancer-internal only: any value
 *   but "" and "false" makes the load balancer internal (legacy aws.go EnsureLoadBalancer).
 * - EKS Auto Mode (loadBalancerClass eks.amazonaws.com/nlb) reads the same annotations, internal without a scheme.
 * A Service with neither a class nor a type of the AWS Load Balancer Controller is the in-tree provider's, unless
 * that controller's webhook (webhooks/core/service_mutator.go MutateCreate, on by default since v2.5) gave it
 * loadBalancerClass service.k8s.aws/nlb when it was created, which a rendered chart does not show: it counts as
 * internal when either reading says so (fail closed).
 * Undefined when the Service shows nothing of AWS.
 */
export function awsExposure(annotations: Record<string, string>, loadBalancerClass?: string): AwsExposure | undefined {
  const byClass = loadBalancerClass !== undefined && AWS_SCHEME_CLASSES.includes(loadBalancerClass)
  const aws = byClass || Object.keys(annotations).some((k) => k.startsWith(AWS_PREFIX))
  if (!aws) return undefined
  const type = (annotations[AWS_TYPE] ?? '').trim()
  const lbc = byClass || type === 'nlb-ip' || (type === 'external' && ['ip', 'instance'].includes((annotations[AWS_TARGET_TYPE] ?? '').trim()))
  const scheme = annotations[AWS_SCHEME]
  const internalValue = annotations[AWS_INTERNAL]
  if (scheme !== undefined && (lbc || scheme === 'internal')) return {internal: scheme === 'internal', why: `${AWS_SCHEME}: "${scheme}"`, byDefault: false}
  if (internalValue !== undefined) {
    // In-tree: anything but "" and "false"; the controller's strconv.ParseBool: its true values, and a value it cannot
    // parse fails the reconcile (no load balancer). Both counted as internal where either controller reads it so.
    const inTree = internalValue !== '' && internalValue !== 'false'
    const parsedFalse = GO_FALSE.includes(internalValue)
    return {internal: lbc ? !parsedFalse : inTree, why: `${AWS_INTERNAL}: "${internalValue}"`, byDefault: false}
  }
  if (lbc) {
    const by = byClass ? `loadBalancerClass ${loadBalancerClass}` : `${AWS_TYPE}: ${type}`
    return {internal: true, why: `${by} without ${AWS_SCHEME} (default internal)`, byDefault: true}
  }
  return {internal: false, why: `no ${AWS_INTERNAL}`, byDefault: false}
}

/**
 * Which annotations make the Service internal, and which make its load balancer send PROXY headers. For AWS, as
 * the controller serving the Service decides it (awsExposure): the AWS Load Balancer Controller's default scheme
 * counts as internal.
 */
export function serviceTraits(annotations: Record<string, string>, loadBalancerClass?: string): ServiceTraits {
  const hits = (rules: [string, (v: string) => boolean][]) => rules.filter(([k, ok]) => typeof annotations[k] === 'string' && ok(annotations[k])).map(([k]) => k)
  const gkeExternal = loadBalancerClass !== undefined && GKE_EXTERNAL_CLASSES.includes(loadBalancerClass)
  const internal = hits(INTERNAL_RULES).filter((k) => !(gkeExternal && GKE_TYPE_KEYS.includes(k)))
  if (loadBalancerClass !== undefined && INTERNAL_CLASSES.includes(loadBalancerClass)) internal.push(`loadBalancerClass ${loadBalancerClass}`)
  const aws = awsExposure(annotations, loadBalancerClass)
  if (aws?.internal) internal.unshift(aws.byDefault ? aws.why : aws.why.replace(/: ".*"$/, ''))
  return {internal, proxyProtocol: hits(PROXY_RULES)}
}

/** Whether serviceTraits knows how the controller of this loadBalancerClass reads the internal annotations. */
export function knownLoadBalancerClass(loadBalancerClass: string): boolean {
  return [...AWS_SCHEME_CLASSES, ...INTERNAL_CLASSES, ...GKE_EXTERNAL_CLASSES].includes(loadBalancerClass)
}

export interface EnvoyProxyPlan {
  object: EmittedObject<'EnvoyProxy'>
  traits: ServiceTraits
  /** One line per setting, for the checklist and the report ("old Service -> new EnvoyProxy"). */
  mapping: string[]
  diagnostics: Diagnostic[]
}

export function envoyProxyName(gateway: NamespacedName): string {
  return dnsName(gateway.name, 'proxy')
}

/** The EnvoyProxy whose envoyService repeats `service`, in the Gateway's namespace. */
export function envoyProxyFromService(service: KubeObject, gateway: NamespacedName): EnvoyProxyPlan {
  const {object: svc, ref} = aboutObject(service)
  const object = objectRef('EnvoyProxy', {namespace: gateway.namespace, name: envoyProxyName(gateway)})
  const diagnostics: Diagnostic[] = []
  const mapping: string[] = []
  const spec = isObject(service.spec) ? service.spec : {}
  const type: string = ['LoadBalancer', 'NodePort', 'ClusterIP'].includes(spec.type) ? spec.type : 'ClusterIP'
  const envoyService: Record<string, any> = {type}
  mapping.push(`type ${type}`)
  if (type === 'ClusterIP') {
    diagnostics.push(
      diagnostic('controller-service-cluster-ip', {service: svc, envoyProxy: object}, {
        object: svc,
        ref,
        hint: `repoint what fronted ${svc} (its target, backend or upstream) at the Envoy Service of this Gateway at cutover`,
      }),
    )
  }

  const annotations = isObject(service.metadata.annotations) ? (service.metadata.annotations as Record<string, string>) : {}
  carryServiceAnnotations(annotations, envoyService, mapping, diagnostics, svc, ref, object)

  if (type === 'LoadBalancer' || type === 'NodePort') {
    // Kubernetes' default (and the chart's) is Cluster; Envoy Gateway's is Local: say it either way.
    const etp = spec.externalTrafficPolicy === 'Local' ? 'Local' : 'Cluster'
    envoyService.externalTrafficPolicy = etp
    mapping.push(`externalTrafficPolicy ${etp}${spec.externalTrafficPolicy === undefined ? ' (Kubernetes default, written because Envoy Gateway defaults to Local)' : ''}`)
  }
  if (type === 'LoadBalancer') carryLoadBalancerFields(spec, envoyService, mapping, diagnostics, svc, ref, object)
  if (spec.sessionAffinity === 'ClientIP') {
    diagnostics.push(
      diagnostic('controller-service-session-affinity', {}, {
        object: svc,
        ref,
        hint: 'stickiness to backends is set per route (affinity annotations become BackendTrafficPolicy consistent hashing); stickiness to a proxy pod has no equivalent',
      }),
    )
  }
  const traits = serviceTraits(annotations, typeof spec.loadBalancerClass === 'string' ? spec.loadBalancerClass : undefined)
  if (traits.internal.length > 0) mapping.unshift(`internal load balancer (${traits.internal.join(', ')}), kept internal`)
  if (type === 'LoadBalancer') {
    const ranges = sourceRangesFromAnnotation(spec, annotations)
    if (ranges.length > 0) {
      envoyService.loadBalancerSourceRanges = ranges
      mapping.push(`loadBalancerSourceRanges ${ranges.join(', ')} (from the ${SOURCE_RANGES_ANNOTATION} annotation)`)
    }
    pinExposure(annotations, spec, envoyService, mapping, diagnostics, svc, ref, object)
  }
  const ipFamily = ipFamilyOf(spec)
  const envoyProxy: EmittedObject<'EnvoyProxy'> = {
    apiVersion: EG_API_VERSION,
    kind: 'EnvoyProxy',
    metadata: managedMetadata(envoyProxyName(gateway), gateway.namespace, [svc]),
    spec: {
      ...(ipFamily ? {ipFamily} : {}),
      mergeType: 'StrategicMerge',
      provider: {type: 'Kubernetes', kubernetes: {envoyService}},
    },
  }
  if (ipFamily) mapping.push(`ipFamily ${ipFamily}`)
  return {object: envoyProxy, traits, mapping, diagnostics}
}

/**
 * The controller Service's annotations -> envoyService.annotations: kept unless tooling metadata (dropped, info) or
 * the old load balancer's identity, address or DNS name (not carried, a warning saying how to keep it at cutover).
 */
function carryServiceAnnotations(annotations: Record<string, string>, envoyService: Record<string, any>, mapping: string[], diagnostics: Diagnostic[], svc: string, ref: DiagnosticRef, object: string): void {
  const kept: Record<string, string> = {}
  const dropped: string[] = []
  for (const key of Object.keys(annotations).sort(compareStrings)) {
    const value = annotations[key]
    if (typeof value !== 'string') continue
    if (TOOLING_PREFIXES.some((p) => key.startsWith(p))) dropped.push(key)
    else if (IDENTITY_KEYS[key] !== undefined) {
      diagnostics.push(
        diagnostic('controller-service-address-not-carried', {case: 'identity', key, value, identifies: IDENTITY_KEYS[key], envoyProxy: object}, {
          object: svc,
          ref,
          annotation: key,
          hint: `at cutover, once ${svc} no longer holds it, add ${key} to envoyService.annotations of ${object} if the new load balancer must carry it; or use \`kubectl ingress2gw cutover\` in place (the ingress-nginx Service keeps its load balancer and is repointed at the Envoy pods)`,
        }),
      )
      mapping.push(`annotation ${key} not carried (identity of the old load balancer)`)
    } else if (ADDRESS_KEYS[key] !== undefined || key.startsWith(DNS_PREFIX)) {
      const dns = key.startsWith(DNS_PREFIX)
      diagnostics.push(
        diagnostic('controller-service-address-not-carried', dns ? {case: 'dns', key, value, envoyProxy: object} : {case: 'address', key, value, pins: ADDRESS_KEYS[key], envoyProxy: object}, {
          object: svc,
          ref,
          annotation: key,
          hint: dns
            ? `at cutover, move the annotation from ${svc} to the Envoy Service (envoyService.annotations of ${object}), or point DNS yourself`
            : `to keep the address, use \`kubectl ingress2gw cutover\` in place (the ingress-nginx Service is repointed at the Envoy pods and keeps its load balancer), or release it from ${svc} after the DNS switch and add ${key} to envoyService.annotations of ${object}`,
        }),
      )
      mapping.push(`annotation ${key} not carried (address of the old load balancer)`)
    } else kept[key] = value
  }
  if (Object.keys(kept).length > 0) {
    envoyService.annotations = kept
    mapping.push(`annotations ${Object.keys(kept).join(', ')}`)
    diagnostics.push(diagnostic('controller-service-annotations-kept', {envoyProxy: object, annotations: Object.keys(kept)}, {object: svc, ref}))
  }
  if (dropped.length > 0) {
    diagnostics.push(diagnostic('controller-service-annotations-dropped', {envoyProxy: object, annotations: dropped}, {object: svc, ref}))
  }
}

/** A LoadBalancer Service's class, node-port allocation and source ranges carry over; its loadBalancerIP cannot. */
function carryLoadBalancerFields(spec: Record<string, any>, envoyService: Record<string, any>, mapping: string[], diagnostics: Diagnostic[], svc: string, ref: DiagnosticRef, object: string): void {
  if (typeof spec.loadBalancerClass === 'string' && spec.loadBalancerClass !== '') {
    envoyService.loadBalancerClass = spec.loadBalancerClass
    mapping.push(`loadBalancerClass ${spec.loadBalancerClass}`)
  }
  if (typeof spec.allocateLoadBalancerNodePorts === 'boolean') {
    envoyService.allocateLoadBalancerNodePorts = spec.allocateLoadBalancerNodePorts
    mapping.push(`allocateLoadBalancerNodePorts ${spec.allocateLoadBalancerNodePorts}`)
  }
  const ranges = Array.isArray(spec.loadBalancerSourceRanges) ? spec.loadBalancerSourceRanges.filter((r: unknown): r is string => typeof r === 'string' && r.trim() !== '') : []
  if (ranges.length > 0) {
    envoyService.loadBalancerSourceRanges = ranges.map((r: string) => r.trim())
    mapping.push(`loadBalancerSourceRanges ${envoyService.loadBalancerSourceRanges.join(', ')}`)
  }
  if (typeof spec.loadBalancerIP === 'string' && spec.loadBalancerIP !== '') {
    diagnostics.push(
      diagnostic('controller-service-address-not-carried', {case: 'load-balancer-ip', ip: spec.loadBalancerIP, envoyProxy: object}, {
        object: svc,
        ref,
        hint: `to keep ${spec.loadBalancerIP}, use \`kubectl ingress2gw cutover\` in place (the ingress-nginx Service is repointed at the Envoy pods), or release it from ${svc} after the DNS switch and set envoyService.loadBalancerIP in ${object}`,
      }),
    )
    mapping.push(`loadBalancerIP ${spec.loadBalancerIP} not carried (address of the old load balancer)`)
  }
}

export const SOURCE_RANGES_ANNOTATION = 'service.beta.kubernetes.io/load-balancer-source-ranges'

/**
 * The source ranges of the annotation form, when the Service has no spec.loadBalancerSourceRanges: cloud providers
 * read the field first and the annotation only without it (k8s.io/cloud-provider service helpers
 * GetLoadBalancerSourceRanges; aws-load-balancer-controller pkg/service/model_build_managed_sg.go
 * buildCIDRsFromSourceRanges). Written as the field too, so that a GatewayClass-level EnvoyProxy's own
 * loadBalancerSourceRanges (merged under ours, envoyproxy_merge.go) cannot take precedence over them.
 */
function sourceRangesFromAnnotation(spec: Record<string, any>, annotations: Record<string, string>): string[] {
  if (Array.isArray(spec.loadBalancerSourceRanges) && spec.loadBalancerSourceRanges.some((r: unknown) => typeof r === 'string' && r.trim() !== '')) return []
  return (annotations[SOURCE_RANGES_ANNOTATION] ?? '').split(',').map((r) => r.trim()).filter((r) => r !== '')
}

/**
 * Keys that several controllers of one provider read for internal-or-not, the first present one deciding
 * (GKE: cloud-provider-gcp gce_annotations.go GetLoadBalancerAnnotationType reads networking.gke.io first, then the
 * deprecated cloud.google.com key, whatever its value). An internal Service gets every key of its provider set
 * to internal, so that a key added elsewhere (a GatewayClass-level EnvoyProxy merged under this one, Envoy
 * Gateway's default EnvoyProxy) cannot decide otherwise.
 */
const GKE_TYPE_KEYS = ['networking.gke.io/load-balancer-type', 'cloud.google.com/load-balancer-type']
const OCI_INTERNAL_KEYS = ['oci.oraclecloud.com/oci-network-load-balancer-internal', 'service.beta.kubernetes.io/oci-load-balancer-internal']

/**
 * Writes out, for an internal load balancer, every annotation its provider's controllers read for internal-or-not
 * (AWS: aws-load-balancer-scheme: internal, read first by the AWS Load Balancer Controller, and
 * aws-load-balancer-internal: "true", read alone by the in-tree provider; GKE: both type keys), so that the Envoy
 * Service stays internal whichever controller serves it and whatever a less specific EnvoyProxy adds.
 */
function pinExposure(annotations: Record<string, string>, spec: Record<string, any>, envoyService: Record<string, any>, mapping: string[], diagnostics: Diagnostic[], svc: string, ref: DiagnosticRef, object: string): void {
  const pinned: Record<string, string> = {}
  const aws = awsExposure(annotations, typeof spec.loadBalancerClass === 'string' ? spec.loadBalancerClass : undefined)
  if (aws?.internal) {
    if (annotations[AWS_SCHEME] !== 'internal') pinned[AWS_SCHEME] = 'internal'
    if (annotations[AWS_INTERNAL] !== 'true') pinned[AWS_INTERNAL] = 'true'
    if (aws.byDefault) {
      diagnostics.push(
        diagnostic('controller-service-aws-default-scheme', {service: svc, why: aws.why, eksAutoMode: spec.loadBalancerClass === EKS_AUTO_CLASS, envoyProxy: object}, {
          object: svc,
          ref,
          hint: `if the ingress-nginx NLB is internet-facing (aws elbv2 describe-load-balancers shows its Scheme), set ${AWS_SCHEME}: internet-facing in envoyService.annotations of ${object}`,
        }),
      )
    }
  }
  const gke = GKE_TYPE_KEYS.find((k) => annotations[k] !== undefined)
  if (gke !== undefined && ['Internal', 'internal'].includes(annotations[gke])) {
    for (const k of GKE_TYPE_KEYS) if (annotations[k] !== 'Internal') pinned[k] = 'Internal'
  }
  // OCI: the load balancer reads oci-load-balancer-internal, the network load balancer (oci.oraclecloud.com/
  // load-balancer-type: nlb, which a less specific EnvoyProxy may add) its own key: both written when either is internal.
  const oci = INTERNAL_RULES.filter(([k, ok]) => OCI_INTERNAL_KEYS.includes(k) && typeof annotations[k] === 'string' && ok(annotations[k]))
  if (oci.length > 0) {
    for (const k of OCI_INTERNAL_KEYS) if (annotations[k] !== 'true') pinned[k] = 'true'
  }
  const keys = Object.keys(pinned).sort(compareStrings)
  if (keys.length === 0) return
  envoyService.annotations = Object.fromEntries(Object.entries({...(envoyService.annotations ?? {}), ...pinned}).sort(([a], [b]) => compareStrings(a, b)))
  mapping.push(`internal written out for every controller: ${keys.map((k) => `${k}: ${pinned[k]}`).join(', ')}`)
  const readers = [...(aws?.internal ? ['aws' as const] : []), ...(keys.some((k) => GKE_TYPE_KEYS.includes(k)) ? ['gke' as const] : []), ...(keys.some((k) => OCI_INTERNAL_KEYS.includes(k)) ? ['oci' as const] : [])]
  diagnostics.push(diagnostic('controller-service-internal-pinned', {envoyProxy: object, pinned: Object.fromEntries(keys.map((k) => [k, pinned[k]])), readers}, {object: svc, ref}))
}

/**
 * The EnvoyProxy of a Gateway whose ingress-nginx controller Service is not known: a ClusterIP Envoy Service, so
 * that nothing is published until the user says which load balancer it must be (fail closed: Envoy Gateway's
 * default would be a public LoadBalancer, whatever the old one was).
 */
export function clusterIpEnvoyProxy(gateway: NamespacedName): EmittedObject<'EnvoyProxy'> {
  return {
    apiVersion: EG_API_VERSION,
    kind: 'EnvoyProxy',
    metadata: managedMetadata(envoyProxyName(gateway), gateway.namespace, [objectRef('Gateway', gateway)]),
    spec: {mergeType: 'StrategicMerge', provider: {type: 'Kubernetes', kubernetes: {envoyService: {type: 'ClusterIP'}}}},
  }
}

/** Service ipFamilies -> EnvoyProxy ipFamily (undefined for IPv4 only, Envoy Gateway's default). */
function ipFamilyOf(spec: Record<string, any>): EnvoyProxySpec['ipFamily'] {
  const families: string[] = Array.isArray(spec.ipFamilies) ? spec.ipFamilies : []
  const dual = spec.ipFamilyPolicy === 'RequireDualStack' || (spec.ipFamilyPolicy === 'PreferDualStack' && families.length === 2)
  if (dual) return 'DualStack'
  if (families[0] === 'IPv6') return 'IPv6'
  return undefined
}
