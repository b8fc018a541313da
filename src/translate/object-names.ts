/**
 * The names of the objects one run emits for its Ingresses. An Ingress's route and policies take its own name; its
 * other objects add a suffix to it (`-no-auth`, `-<host>`, `-www-redirect`, `-mirror`, `-auth-<service>`, `-2`...),
 * and a suffixed name can be another Ingress's own name, or another Ingress's suffixed one (`app` split per host
 * `x.example.com` and Ingress `app-x-example-com`; `a-auth` mirroring and `a` authenticating at Service `mirror`).
 * Two documents of one kind, namespace and name: whichever is applied last replaces the other, and the traffic of
 * one Ingress goes where the other's object says. Every such name is claimed here: the first claim keeps it (an
 * Ingress's own name always goes to that Ingress), a later one adds the claiming Ingress's id, so a name that
 * collides with nothing stays as it was and the same input always gives the same names.
 */
import {about} from '../model/diagnostics.js'
import {diagnostic} from '../model/catalogue/diagnostic.js'
import type {IngressModel} from '../model/ingress-model.js'
import {dnsName} from '../model/names.js'
import type {Diagnostic, KubeObject} from '../model/types.js'
import type {BackendNames} from '../annotations/backend-protocol.js'

/** The kinds an Ingress names after itself: its route (HTTPRoute, GRPCRoute, ssl-passthrough's TLSRoute) and its policies. */
const OWN_NAME_KINDS = new Set(['HTTPRoute', 'TLSRoute', 'SecurityPolicy', 'BackendTrafficPolicy'])

/**
 * An Ingress's route is an HTTPRoute or a GRPCRoute, decided after its name: the two kinds share their names, so
 * that turning a route into the other kind never makes it take another's name.
 */
const nameKind = (kind: string) => (kind === 'GRPCRoute' ? 'HTTPRoute' : kind)

export class ObjectNames {
  /** `namespace/name` of every Ingress of the run: its own name is its, for OWN_NAME_KINDS, whenever it claims it. */
  private readonly ingresses: Set<string>
  /** `kind/namespace/name` claimed so far, and the Ingress (`namespace/name`) holding it. */
  private readonly taken = new Map<string, string>()

  constructor(
    ingresses: readonly IngressModel[],
    private readonly diagnostics: Diagnostic[],
  ) {
    this.ingresses = new Set(ingresses.map((i) => i.id))
  }

  /**
   * The name an object of `ingress` gets: `name` when no other object of its kind and namespace has it, else `name`
   * with the Ingress's id added (and a counter, should that be taken too), reported once.
   */
  claim(kind: string, namespace: string, name: string, ingress: IngressModel): string {
    let chosen = name
    for (let n = 1; this.holder(kind, namespace, chosen, ingress) !== undefined; n++) chosen = dnsName(name, ingress.id, n === 1 ? '' : String(n))
    this.taken.set(`${nameKind(kind)}/${namespace}/${chosen}`, ingress.id)
    if (chosen !== name) {
      const holder = this.holder(kind, namespace, name, ingress)!
      this.diagnostics.push(diagnostic('object-name-taken', {kind, namespace, name, given: chosen, holder, ingress: ingress.id}, {...about('Ingress', ingress.ref), source: ingress.source}))
    }
    return chosen
  }

  /** Who holds a name an Ingress asks for: an Ingress id, or undefined when it is free. */
  private holder(kind: string, namespace: string, name: string, ingress: IngressModel): string | undefined {
    const held = this.taken.get(`${nameKind(kind)}/${namespace}/${name}`)
    if (held !== undefined) return held
    const own = `${namespace}/${name}`
    return OWN_NAME_KINDS.has(nameKind(kind)) && own !== ingress.id && this.ingresses.has(own) ? own : undefined
  }

  /**
   * The registry backend-protocol names its Backends and BackendTLSPolicies in (backend-protocol.ts
   * backendOverrideFor, `<ingress>-<service>-<port>`), joined to this one: its Backend can have the name of an auth
   * Backend (`a-auth-x-443`: Ingress a-auth's Service x:443, Ingress a's https auth Service x-443) or a mirror's,
   * and one would replace the other on apply. Whichever is made first keeps the name: backend-protocol sees the
   * name taken and adds its hash, a later auth or mirror Backend is renamed here. Its keys are `namespace/name`
   * for both of its kinds, so a BackendTLSPolicy's name is kept from Backends too: a rename where none was needed,
   * never a shared name.
   */
  backendNames(): BackendNames {
    return new ClaimedBackendNames(this.taken)
  }

  /**
   * The objects the families built for an Ingress (a denial's or a redirect's HTTPRouteFilter, the from-to-www
   * redirect's HTTPRoute, the mirror's and auth's Backends, ssl-passthrough's TLSRoutes, ReferenceGrants) claim
   * their names before the Ingress's routes are built; a renamed one is renamed where the Ingress's intents refer to
   * it too (a filter's extensionRef, a mirror's or an auth's backendRef), which only this Ingress's intents do.
   */
  settleObjects(ingress: IngressModel): void {
    for (const o of ingress.intents.objects) {
      const {kind, metadata} = o.object
      const namespace = metadata.namespace ?? ingress.ref.namespace
      const given = this.claim(kind, namespace, metadata.name, ingress)
      if (given === metadata.name) continue
      renameReferences(ingress, kind, namespace, metadata.name, given)
      metadata.name = given
    }
  }
}

/**
 * Renames the references to one object in the intents of its Ingress: `{kind, name}` (with `group`, and
 * `namespace` where it names one) is how Gateway API and Envoy Gateway refer to an object by name. A reference
 * without a namespace is to the namespace of the object holding it, or of the Ingress.
 */
function renameReferences(ingress: IngressModel, kind: string, namespace: string, from: string, to: string): void {
  const intents = ingress.intents
  const visit = (node: unknown, at: string): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item, at)
      return
    }
    if (node === null || typeof node !== 'object') return
    const ref = node as Record<string, unknown>
    if (ref.kind === kind && ref.name === from && (ref.namespace ?? at) === namespace) ref.name = to
    for (const value of Object.values(ref)) visit(value, at)
  }
  const ns = ingress.ref.namespace
  for (const f of intents.filters) visit(f.filter, ns)
  if (intents.redirect) visit(intents.redirect.filter, ns)
  for (const x of intents.extraRules) visit(x.rule, ns)
  for (const p of intents.policies) visit(p.value, ns)
  for (const o of intents.objects) visit(o.object, o.object.metadata.namespace ?? ns)
}

/** backend-protocol's `namespace/name` -> identity (owner, Service:port, plan source), seeing and holding Backend names of ObjectNames. */
class ClaimedBackendNames extends Map<string, string> {
  constructor(private readonly taken: Map<string, string>) {
    super()
  }

  override get(key: string): string | undefined {
    const own = super.get(key)
    if (own !== undefined) return own
    const holder = this.taken.get(`Backend/${key}`)
    // Never an identity backend-protocol makes (those start with the owner's namespace/name and a space).
    return holder === undefined ? undefined : `claimed by ${holder}`
  }

  override set(key: string, identity: string): this {
    super.set(key, identity)
    // The identity starts with the owning Ingress's namespace/name: the holder object-name-taken names.
    if (!this.taken.has(`Backend/${key}`)) this.taken.set(`Backend/${key}`, identity.slice(0, identity.indexOf(' ')))
    return this
  }
}

/**
 * The safety net under every naming rule: two objects of the output with one kind, namespace and name would replace
 * each other on apply. The names an Ingress claims here never collide; the Gateway's own objects (bundle/, configmap/)
 * are named after the Gateway and do not claim, so an Ingress of the Gateway's namespace can still share one.
 */
export function reportDuplicateNames(objects: readonly KubeObject[], diagnostics: Diagnostic[]): void {
  const count = new Map<string, {object: KubeObject; count: number}>()
  for (const o of objects) {
    const key = `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`
    const seen = count.get(key)
    if (seen) seen.count++
    else count.set(key, {object: o, count: 1})
  }
  for (const {object, count: n} of count.values()) {
    if (n < 2) continue
    const namespace = object.metadata.namespace ?? ''
    diagnostics.push(diagnostic('object-name-duplicate', {kind: object.kind, namespace, name: object.metadata.name, count: n}, about(object.kind, {namespace, name: object.metadata.name})))
  }
}
