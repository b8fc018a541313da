/**
 * What `kubectl ingress2gw status` reports: per object, whether the controllers that own it (Envoy Gateway,
 * cert-manager) accepted it, and for everything that is not ready, what to do.
 */
import type {KubeObject} from '../model/types.js'

/** ready: the controller accepted and programmed it for its latest generation; unknown: nobody said so yet. */
export type State = 'ready' | 'not-ready' | 'unknown'

export interface Finding {
  /** not-ready and unknown decide the object's state; a warning is shown but does not. */
  level: 'not-ready' | 'unknown' | 'warning'
  /** Where in the object: `parent gateway/shared (https)`, `listener https`, `ancestor HTTPRoute team-a/web`. */
  scope?: string
  /** `Accepted=False`, `Ready=False` (the condition as the controller wrote it). */
  condition?: string
  reason?: string
  /** The controller's own message, verbatim. */
  message?: string
  /** What is wrong, in the user's terms, and what to do about it. */
  fix: string
  /** A policy the controller did not accept: what traffic is served without (printed loudly). */
  loss?: string
}

export interface ObjectStatus {
  apiVersion: string
  kind: string
  namespace?: string
  name: string
  state: State
  /** One line for the table: `Programmed, 203.0.113.10, listeners http (3 routes), https (5)`. */
  summary: string
  findings: Finding[]
  /** The Ingresses the object was converted from (its ingress2gw.io/source annotation). */
  source?: string
}

export interface NamespaceStatus {
  /** '' for cluster-scoped objects. */
  namespace: string
  ready: number
  notReady: number
  unknown: number
  objects: ObjectStatus[]
}

export interface StatusReport {
  apiVersion: 'ingress2gw.io/v1'
  kind: 'StatusReport'
  ready: number
  notReady: number
  unknown: number
  namespaces: NamespaceStatus[]
  /** Kinds that could not be read (forbidden, not served): what was not checked. */
  notChecked: string[]
}

/** The live objects and what is known about the objects they reference. */
export interface StatusInput {
  objects: KubeObject[]
  /** `<kind>/<namespace>/<name>` of referenced objects known not to exist (404). */
  missing: Set<string>
  /** `<kind>/<namespace>/<name>` of referenced objects that could not be read, with why. */
  unreadable: Map<string, string>
  /** Kinds that could not be listed, with why. */
  notChecked: string[]
}

export function refKey(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}/${namespace ?? ''}/${name}`
}

export function objectKey(o: KubeObject): string {
  return refKey(o.kind, o.metadata.namespace, o.metadata.name)
}

/** The worst state of the findings: not-ready beats unknown beats ready; warnings do not count. */
export function stateOf(findings: Finding[]): State {
  if (findings.some((f) => f.level === 'not-ready')) return 'not-ready'
  if (findings.some((f) => f.level === 'unknown')) return 'unknown'
  return 'ready'
}
