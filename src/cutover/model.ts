/**
 * `cutover`: repoint the ingress-nginx Service (its spec.selector and each spec.ports[].targetPort, nothing else)
 * at the Envoy proxy pods of a Gateway, with a rollback patch made from the values it replaces.
 */
import type {KubeObject, NamespacedName} from '../model/types.js'
import type {RefusalCode} from './refusals.js'

export interface JsonPatchOp {
  op: 'test' | 'replace' | 'add' | 'remove'
  path: string
  value?: unknown
}

export interface ServicePort {
  name?: string
  port: number
  protocol?: string
  targetPort?: number | string
  nodePort?: number
}

/** Why the cutover will not run. `overridable` refusals give way to --force (the catalogue, refusals.ts, says which). */
export interface Refusal {
  code: RefusalCode
  message: string
  overridable: boolean
}

export interface PortMove {
  port: number
  protocol: string
  name?: string
  /** targetPort before (undefined: the API server defaulted none, which means `port`). */
  from?: number | string
  to: number | string
  listener: string
}

export interface CutoverPlan {
  service: NamespacedName & {uid: string; resourceVersion: string; type: string}
  gateway: NamespacedName
  envoyService?: NamespacedName
  /** The Gateway's Programmed message (Envoy Gateway counts the available Envoy replicas in it). */
  gatewayProgrammed?: string
  selectorFrom: Record<string, string>
  selectorTo: Record<string, string>
  ports: PortMove[]
  patch: JsonPatchOp[]
  rollback: JsonPatchOp[]
  refusals: Refusal[]
  warnings: string[]
  /** The Service already selects the Envoy pods with these ports: nothing to do. */
  alreadyCutOver: boolean
}

/** Everything the plan is made from, read from the cluster beforehand (the planner does no I/O). */
export interface CutoverFacts {
  service: KubeObject
  gatewayRef: NamespacedName
  gateway?: KubeObject
  /** Services labelled with the owning-gateway labels of the Gateway (or its class when gateways are merged). */
  envoyServices: KubeObject[]
  /** The Envoy Services were found by gateway.envoyproxy.io/owning-gatewayclass (mergeGateways). */
  envoyByClass?: boolean
  /** Namespaces whose Services could not be listed while looking for the Envoy Service (cluster-wide list forbidden too). */
  envoyServicesUnread?: string[]
  /** ClientTrafficPolicies in the Gateway's namespace. */
  clientTrafficPolicies: KubeObject[]
  /** Why the ClientTrafficPolicies could not be listed (then the Gateway side of PROXY protocol is unknown). */
  clientTrafficPoliciesError?: string
  /** The ingress-nginx controller ConfigMap, when found. */
  controllerConfigMap?: KubeObject
  /** Why the controller ConfigMap could not be read (forbidden, or another failure): not the same as absent. */
  controllerConfigMapError?: string
  /** Other Services of the Service's namespace (those selecting the same pods are named). */
  siblings: KubeObject[]
  force: boolean
}

/** The rollback file `--apply` writes and `--rollback FILE` reads. */
export interface RollbackFile {
  apiVersion: 'ingress2gw.io/v1'
  kind: 'ServiceCutoverRollback'
  service: NamespacedName & {uid: string}
  gateway: NamespacedName
  /** kubeconfig context and server the cutover ran against, to warn when the rollback runs elsewhere. */
  context: string
  server: string
  /** The selector and targetPorts the cutover replaced. */
  selector: Record<string, string>
  ports: {port: number; protocol: string; targetPort?: number | string}[]
  patch: JsonPatchOp[]
}

export const HELM_KEEP = 'helm.sh/resource-policy'
