/**
 * What the emitters return: a record per generated object, saying what the object is for (`role`), which Ingresses
 * and annotation keys it carries, and what the target must serve for it. The passes after emission (Gateway-level
 * policy merging, redirect-before-auth, passthrough listeners, the capability check, the per-Ingress report) read
 * these fields instead of names, parsed annotations or side tables; `toObjects` turns records into objects last.
 */
import type {KubeObject, Role, TargetCapabilities} from '../model/types.js'
import type {OutputObject} from '../model/emitted.js'
import {requirementFor, type Requirement} from './capabilities.js'

export interface Emitted {
  object: OutputObject
  role: Role
  /** Ingress ids (`namespace/name`) the object came from: the report lists it under each. */
  ingresses: string[]
  /** Full annotation keys the object carries: if it is left out, those keys lose their fidelity. */
  keys: string[]
  /** Gateway-level objects: the controller ConfigMap (`ConfigMap ns/name`) and its keys the object carries. */
  configMap?: {ref: string; keys: string[]}
  /** What the target must serve for the object (undefined: any Gateway API cluster). */
  requires?: Requirement
  /** The Gateway (`namespace/name`) the object belongs to, or its routes attach to. */
  gateway?: string
  /** route-policy: fields not to inherit from the Gateway-level policy of its kind (PolicyFragment.optOut). */
  optOuts?: string[]
  /** route: the upstream (namespace/service/port) of each rule, undefined for rules without backends. */
  upstreams?: (string | undefined)[]
}

/** `Ingress ns/name` (provenance form) -> `ns/name`; other sources (ConfigMaps, Services) are not Ingresses. */
export function ingressIds(sources: Iterable<string>): string[] {
  const out = new Set<string>()
  for (const s of sources) if (s.startsWith('Ingress ')) out.add(s.slice('Ingress '.length))
  return [...out]
}

/** `object` is typed by kind (OutputObject): a field its CRD does not have fails tsc here, where it is built. */
export function record(object: OutputObject, role: Role, fields: Omit<Partial<Emitted>, 'object' | 'role'> = {}): Emitted {
  // One literal shape for every record (spreading the callers' differently shaped fields cost more than the rest).
  return {
    object,
    // A ReferenceGrant is one whoever emits it: toObjects writes it in the version the target serves.
    role: object.kind === 'ReferenceGrant' ? 'reference-grant' : role,
    ingresses: fields.ingresses ?? [],
    keys: fields.keys ?? [],
    configMap: fields.configMap,
    requires: fields.requires ?? requirementFor(object),
    gateway: fields.gateway,
    optOuts: fields.optOuts,
    upstreams: fields.upstreams,
  }
}

export function records(objects: OutputObject[], role: Role, fields: Omit<Partial<Emitted>, 'object' | 'role'> = {}): Emitted[] {
  return objects.map((o) => record(o, role, fields))
}

/**
 * The last step: records become objects. A ReferenceGrant is written in the version the target serves (v1 from
 * Gateway API v1.5, else v1beta1), whichever part of the compiler emitted it.
 */
export function toObjects(list: Emitted[], capabilities: TargetCapabilities): KubeObject[] {
  return list.map((r) => {
    if (r.role === 'reference-grant') {
      return {...r.object, apiVersion: `gateway.networking.k8s.io/${capabilities.referenceGrantVersion}`}
    }
    return r.object
  })
}
