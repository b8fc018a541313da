/**
 * Which Ingresses ingress-nginx serves (class selection, store.go GetIngressClass) and in which order
 * (store.go sortIngressSlice: creationTimestamp ascending, ties by namespace/name descending).
 */
import {controllerOf, NGINX_CONTROLLER} from './controllers.js'
import {objectRef} from './diagnostics.js'
import type {IngressModel} from './model.js'
import type {Diagnostic, InputObject, KubeObject, NamespacedName, TranslateOptions} from './types.js'

export {NGINX_CONTROLLER} from './controllers.js'

export interface ClassSelection {
  /** spec.ingressClassName values served: IngressClasses of controller k8s.io/ingress-nginx. */
  classes: Set<string>
  /** kubernetes.io/ingress.class values served: only the controller's --ingress-class (default nginx). */
  annotationClasses: Set<string>
  /** True when the user named the classes (then an IngressClass object is not required). */
  explicit: boolean
  /** spec.controller of the IngressClass objects in the input, by class name (see controllers.ts). */
  controllerByClass: Map<string, string>
}

/**
 * store.go GetIngressClass: the field must name an IngressClass whose controller is ingress-nginx's; the
 * annotation must equal --ingress-class. Without IngressClass objects in the input (files), `nginx` is assumed
 * for the field too, unless an IngressClass named nginx belongs to another controller (F5's nginx.org, say).
 * Without --ingress-class, a class given a Gateway of its own (--gateway-for) is converted too: naming it there
 * says an ingress-nginx served it; --ingress-class is the exact list (convert one class alone with it).
 */
export function selectClasses(ingressClasses: KubeObject[], options: TranslateOptions): ClassSelection {
  const controllerByClass = new Map<string, string>()
  for (const ic of ingressClasses) {
    if (typeof ic.spec?.controller === 'string' && ic.spec.controller !== '') controllerByClass.set(ic.metadata.name, ic.spec.controller)
  }
  if (options.ingressClasses.length > 0) {
    return {classes: new Set(options.ingressClasses), annotationClasses: new Set(options.ingressClasses), explicit: true, controllerByClass}
  }
  const ownGateway = Object.keys(options.gatewayFor)
  const classes = new Set<string>(ownGateway)
  const nginxOwnedElsewhere = ingressClasses.some((ic) => ic.metadata.name === 'nginx' && ic.spec?.controller !== NGINX_CONTROLLER)
  if (!nginxOwnedElsewhere) classes.add('nginx')
  for (const ic of ingressClasses) {
    if (ic.spec?.controller === NGINX_CONTROLLER) classes.add(ic.metadata.name)
  }
  return {classes, annotationClasses: new Set(['nginx', ...ownGateway]), explicit: false, controllerByClass}
}

/** The class an Ingress belongs to as ingress-nginx decides it: the field first, then the annotation. */
export function ingressClassOf(ingress: KubeObject): {name?: string; via: 'field' | 'annotation' | 'none'} {
  const field = ingress.spec?.ingressClassName
  if (typeof field === 'string' && field !== '') return {name: field, via: 'field'}
  const annotation = ingress.metadata.annotations?.['kubernetes.io/ingress.class']
  if (annotation !== undefined) return {name: annotation, via: 'annotation'}
  return {via: 'none'}
}

/** Structural checks ingress-nginx (or the API server) would have enforced; returns a reason or undefined. */
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/

export function invalidIngressReason(ingress: KubeObject): string | undefined {
  const name = ingress.metadata.name
  if (!name.includes('${') && (!DNS_SUBDOMAIN.test(name) || name.length > 253)) {
    return `its name "${name}" is not a DNS-1123 subdomain (lower-case letters, digits, '-' and '.'), so the API server never accepted it`
  }
  const ns = ingress.metadata.namespace
  if (ns && !ns.includes('${') && (!DNS_LABEL.test(ns) || ns.length > 63)) {
    return `its namespace "${ns}" is not a DNS-1123 label`
  }
  const spec = ingress.spec
  if (spec === undefined || spec === null || typeof spec !== 'object') return 'it has no spec'
  if (spec.rules !== undefined && !Array.isArray(spec.rules)) return 'spec.rules is not a list'
  if (!spec.defaultBackend && (!Array.isArray(spec.rules) || spec.rules.length === 0)) {
    return 'it has neither spec.rules nor spec.defaultBackend'
  }
  if (spec.tls !== undefined && !Array.isArray(spec.tls)) return 'spec.tls is not a list'
  return undefined
}

/**
 * nginx order: oldest first; equal timestamps (1-second resolution, bulk applies) and missing ones (files)
 * broken by namespace/name descending, as store.go does.
 */
export function nginxOrder(a: KubeObject, b: KubeObject): number {
  const ta = a.metadata.creationTimestamp ?? ''
  const tb = b.metadata.creationTimestamp ?? ''
  if (ta !== tb) {
    if (ta === '') return 1
    if (tb === '') return -1
    return Date.parse(ta) - Date.parse(tb) || (ta < tb ? -1 : 1)
  }
  const ka = `${a.metadata.namespace ?? ''}/${a.metadata.name}`
  const kb = `${b.metadata.namespace ?? ''}/${b.metadata.name}`
  return ka < kb ? 1 : ka > kb ? -1 : 0
}

/** Builds the IngressModel list (selected, valid, in nginx order) and reports what was left out and why. */
export function selectIngresses(
  inputs: InputObject[],
  selection: ClassSelection,
  options: TranslateOptions,
  diagnostics: Diagnostic[],
): IngressModel[] {
  const kept: InputObject[] = []
  const skippedByClass = new Map<string, string[]>()
  for (const input of inputs) {
    const ing = input.object
    const ref = {namespace: ing.metadata.namespace ?? 'default', name: ing.metadata.name}
    const reason = invalidIngressReason(ing)
    if (reason) {
      diagnostics.push({
        level: 'error',
        code: 'invalid-ingress',
        object: objectRef('Ingress', ref),
        message: `Ingress ${ref.namespace}/${ref.name} is skipped: ${reason}`,
        source: input.source,
      })
      continue
    }
    const cls = ingressClassOf(ing)
    let selected: boolean
    if (cls.via === 'none') selected = options.includeClassless
    else if (cls.via === 'field') selected = selection.classes.has(cls.name!)
    else selected = selection.annotationClasses.has(cls.name!)
    if (!selected) {
      const label = cls.via === 'none' ? '(no class)' : cls.name!
      const list = skippedByClass.get(label) ?? []
      list.push(`${ref.namespace}/${ref.name}`)
      skippedByClass.set(label, list)
      continue
    }
    kept.push(input)
  }
  for (const [cls, names] of [...skippedByClass.entries()].sort()) {
    const why =
      cls === '(no class)'
        ? 'they name no ingress class; ingress-nginx serves those only with --watch-ingress-without-class (use --include-classless)'
        : `class "${cls}" is not served by ingress-nginx here (spec.ingressClassName needs an IngressClass of controller ${NGINX_CONTROLLER}; the kubernetes.io/ingress.class annotation must equal the controller's --ingress-class, nginx by default; use --ingress-class ${cls} to convert it)`
    diagnostics.push({
      level: 'info',
      code: 'class-not-selected',
      message: `${names.length} Ingress(es) skipped, ${why}: ${names.sort().join(', ')}`,
    })
  }
  kept.sort((a, b) => nginxOrder(a.object, b.object))
  return kept.map((input, order) => {
    const ing = input.object
    const ref: NamespacedName = {namespace: ing.metadata.namespace ?? 'default', name: ing.metadata.name}
    const cls = ingressClassOf(ing)
    return {
      id: `${ref.namespace}/${ref.name}`,
      ref,
      object: ing,
      source: input.source,
      order,
      className: cls.name,
      controller: controllerOf(cls.name, selection, options),
      gateway: (cls.name && options.gatewayFor[cls.name]) || options.gateway,
      annotations: new Map(),
      served: true,
      isCanary: false,
      fidelity: new Map(),
      intents: {
        sslRedirect: true,
        forceSslRedirect: false,
        useRegex: false,
        filters: [],
        extensionFilters: [],
        extraRules: [],
        policies: [],
        objects: [],
      },
    }
  })
}
