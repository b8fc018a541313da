/**
 * Which Ingresses ingress-nginx serves (class selection, store.go GetIngressClass) and in which order
 * (store.go sortIngressSlice: creationTimestamp ascending, ties by namespace/name descending).
 */
import {controllerOf, NGINX_CONTROLLER} from './controllers.js'
import {about} from '../model/diagnostics.js'
import {diagnostic} from '../model/catalogue/diagnostic.js'
import type {InvalidIngressProblem} from '../model/catalogue/sources.js'
import type {IngressModel} from '../model/ingress-model.js'
import {controllerDefaults} from '../model/controller-defaults.js'
import {resolveSettings} from '../model/settings.js'
import {FidelityLedger} from '../model/fidelity-ledger.js'
import {otherControllerByName} from './foreign-classes.js'
import {reportSkippedClasses, type SkippedByClass} from './class-skips.js'
import {compareCreation, creationSecond} from '../util/timestamp.js'
import type {Diagnostic, InputObject, KubeObject, NamespacedName, TranslateOptions, UnselectedIngress} from '../model/types.js'

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
  /** Names of the IngressClass objects in the input (with or without spec.controller). */
  declared: Set<string>
  /**
   * Classes selected only by --all-classes (no IngressClass object in the input says otherwise): the user's word
   * that an ingress-nginx served each, and each is its own controller (controllers.ts controllerOf).
   */
  assumed: Set<string>
  /** Class names without an IngressClass object that are another controller's default name (foreign-classes.ts). */
  foreignByName: Map<string, string>
  /**
   * The one IngressClass of the input annotated ingressclass.kubernetes.io/is-default-class: "true": the class the
   * API server gives an Ingress created without one (see admittedClassOf).
   */
  defaultClass?: string
}

const IS_DEFAULT_CLASS = 'ingressclass.kubernetes.io/is-default-class'

/**
 * store.go GetIngressClass: the field must name an IngressClass whose controller is ingress-nginx's; the
 * annotation must equal --ingress-class. Without IngressClass objects in the input (files), `nginx` is assumed
 * for the field too, unless an IngressClass named nginx belongs to another controller (F5's nginx.org, say).
 * `classesFromCluster`: the Ingresses and the IngressClasses were read from the cluster (its list, non-empty).
 * Without --ingress-class, a class given a Gateway of its own (--gateway-for) is converted too: naming it there
 * says an ingress-nginx served it; --ingress-class is the exact list (convert one class alone with it).
 */
export function selectClasses(ingressClasses: KubeObject[], options: TranslateOptions, ingresses: KubeObject[] = [], classesFromCluster = false): ClassSelection {
  const controllerByClass = new Map<string, string>()
  for (const ic of ingressClasses) {
    if (typeof ic.spec?.controller === 'string' && ic.spec.controller !== '') controllerByClass.set(ic.metadata.name, ic.spec.controller)
  }
  const declared = new Set(ingressClasses.map((ic) => ic.metadata.name))
  const selection: ClassSelection = {classes: new Set(), annotationClasses: new Set(), explicit: options.ingressClasses.length > 0, controllerByClass, declared, assumed: new Set(), foreignByName: new Map()}
  // Several defaults: which one the API server picks depends on its version; no guess (the Ingress stays classless).
  const defaults = ingressClasses.filter((ic) => ic.metadata.annotations?.[IS_DEFAULT_CLASS] === 'true')
  if (defaults.length === 1) selection.defaultClass = defaults[0].metadata.name
  for (const ing of ingresses) {
    const name = ingressClassOf(ing).name
    const product = name === undefined || declared.has(name) ? undefined : otherControllerByName(name)
    if (product !== undefined) selection.foreignByName.set(name!, product)
  }
  if (selection.explicit) {
    selection.classes = new Set(options.ingressClasses)
    selection.annotationClasses = new Set(options.ingressClasses)
  } else {
    const ownGateway = Object.keys(options.gatewayFor)
    selection.classes = new Set<string>(ownGateway)
    const nginxOwnedElsewhere = ingressClasses.some((ic) => ic.metadata.name === 'nginx' && ic.spec?.controller !== NGINX_CONTROLLER)
    // The cluster's IngressClasses are the lister GetIngressClass looks the field up in: there, no IngressClass
    // nginx means no Ingress of field nginx was served (a stale one would take over its hosts). Files seldom hold them.
    if (!nginxOwnedElsewhere && !classesFromCluster) selection.classes.add('nginx')
    for (const ic of ingressClasses) {
      if (ic.spec?.controller === NGINX_CONTROLLER) selection.classes.add(ic.metadata.name)
    }
    selection.annotationClasses = new Set(['nginx', ...ownGateway])
  }
  if (options.allClasses) assumeAllClasses(selection, ingresses)
  return selection
}

/**
 * --all-classes: every class the Ingresses name is an ingress-nginx one, unless an IngressClass object in the input
 * names another controller (that object is the better evidence; --ingress-class still selects it), or the class
 * has another controller's default name (foreign-classes.ts). A class selected
 * this way is its own controller: two classes were two ingress-nginx installations, each with its own
 * --ingress-class (store.go GetIngressClass compares the annotation with that one value).
 */
function assumeAllClasses(selection: ClassSelection, ingresses: KubeObject[]): void {
  const names = new Set<string>()
  for (const ing of ingresses) {
    const name = ingressClassOf(ing).name
    // An empty annotation equals no controller's --ingress-class (store.go GetIngressClass): no installation served it.
    if (name === undefined || name === '') continue
    if (selection.declared.has(name) && selection.controllerByClass.get(name) !== NGINX_CONTROLLER) continue
    if (selection.foreignByName.has(name)) continue
    names.add(name)
  }
  for (const name of names) {
    // A class already chosen (nginx, --ingress-class, --gateway-for) keeps the controller it had.
    if (!selection.declared.has(name) && !selection.classes.has(name) && !selection.annotationClasses.has(name)) selection.assumed.add(name)
    selection.classes.add(name)
    selection.annotationClasses.add(name)
  }
}

/** Why an Ingress of this class was not selected: no class, an IngressClass of another controller, or no flag chose it. */
function unselectedReason(cls: {name?: string; via: string}, selection: ClassSelection): UnselectedIngress['reason'] {
  if (cls.name === undefined) return 'no-class'
  const declared = selection.controllerByClass.get(cls.name)
  if (selection.declared.has(cls.name) && declared !== NGINX_CONTROLLER) return 'other-controller'
  if (selection.foreignByName.has(cls.name)) return 'other-controller'
  return 'class-not-selected'
}

/** The class an Ingress belongs to as ingress-nginx decides it: the field first, then the annotation. */
export function ingressClassOf(ingress: KubeObject): {name?: string; via: 'field' | 'annotation' | 'none'} {
  const field = ingress.spec?.ingressClassName
  if (typeof field === 'string' && field !== '') return {name: field, via: 'field'}
  const annotation = ingress.metadata.annotations?.['kubernetes.io/ingress.class']
  if (annotation !== undefined) return {name: annotation, via: 'annotation'}
  return {via: 'none'}
}

/**
 * The class of an Ingress once the API server admitted it. Read from files, an Ingress with neither the field nor
 * the annotation is yet to be created: the DefaultIngressClass admission plugin (kube-apiserver,
 * plugin/pkg/admission/network/defaultingressclass Admit) sets spec.ingressClassName to the IngressClass annotated
 * is-default-class "true", and ingress-nginx then judges the field (store.go GetIngressClass), not
 * --watch-ingress-without-class. Read from the cluster, it was admitted already: its class is what it says.
 */
export function admittedClassOf(input: InputObject, selection: Pick<ClassSelection, 'defaultClass'>): {name?: string; via: 'field' | 'annotation' | 'none'} {
  const cls = ingressClassOf(input.object)
  if (cls.via === 'none' && input.source.cluster !== true && selection.defaultClass !== undefined) return {name: selection.defaultClass, via: 'field'}
  return cls
}

/** Structural checks ingress-nginx (or the API server) would have enforced; returns a reason or undefined. */
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/

export function invalidIngressReason(ingress: KubeObject): InvalidIngressProblem | undefined {
  const name = ingress.metadata.name
  if (!name.includes('${') && (!DNS_SUBDOMAIN.test(name) || name.length > 253)) return {problem: 'name-not-dns-subdomain', value: name}
  const ns = ingress.metadata.namespace
  if (ns && !ns.includes('${') && (!DNS_LABEL.test(ns) || ns.length > 63)) return {problem: 'namespace-not-dns-label', value: ns}
  const spec = ingress.spec
  if (spec === undefined || spec === null || typeof spec !== 'object') return {problem: 'no-spec'}
  if (spec.rules !== undefined && !Array.isArray(spec.rules)) return {problem: 'rules-not-list'}
  if (!spec.defaultBackend && (!Array.isArray(spec.rules) || spec.rules.length === 0)) return {problem: 'no-rules-or-default-backend'}
  if (spec.tls !== undefined && !Array.isArray(spec.tls)) return {problem: 'tls-not-list'}
  return undefined
}

/** What nginx order compares, taken once per object: a sort parsed both timestamps at every comparison. */
interface OrderKey {
  /** creationTimestamp as the whole second metav1.Time holds (util/timestamp.ts); undefined: missing or no time. */
  time: number | undefined
  id: string
}

function orderKey(o: KubeObject): OrderKey {
  return {time: creationSecond(o.metadata.creationTimestamp), id: `${o.metadata.namespace ?? ''}/${o.metadata.name}`}
}

/**
 * nginx order: oldest first (metav1.Time Before, instants at the second the API server keeps); equal timestamps
 * (1-second resolution, bulk applies) and missing ones (files) broken by namespace/name descending, as store.go does.
 */
function compareOrderKeys(a: OrderKey, b: OrderKey): number {
  return compareCreation(a.time, b.time) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)
}

/** The inputs in nginx order (compareOrderKeys), each one's sort key computed once. */
function inNginxOrder(inputs: InputObject[]): InputObject[] {
  const keyed = inputs.map((input) => ({input, key: orderKey(input.object)}))
  keyed.sort((a, b) => compareOrderKeys(a.key, b.key))
  return keyed.map((k) => k.input)
}

/**
 * Builds the IngressModel list (selected, valid, in nginx order) and reports what was left out and why; each left
 * out Ingress is added to `unselected` with its reason (the end summary counts them).
 */
export function selectIngresses(
  inputs: InputObject[],
  selection: ClassSelection,
  options: TranslateOptions,
  diagnostics: Diagnostic[],
  unselected: UnselectedIngress[] = [],
): IngressModel[] {
  const kept: InputObject[] = []
  const skipped: SkippedByClass[] = []
  for (const input of inputs) {
    const ing = input.object
    const ref = {namespace: ing.metadata.namespace ?? 'default', name: ing.metadata.name}
    const reason = invalidIngressReason(ing)
    if (reason) {
      diagnostics.push(diagnostic('invalid-ingress', {...ref, ...reason}, {...about('Ingress', ref), source: input.source}))
      unselected.push({ingress: `${ref.namespace}/${ref.name}`, reason: 'invalid'})
      continue
    }
    const cls = admittedClassOf(input, selection)
    let selected: boolean
    if (cls.via === 'none') selected = options.includeClassless
    else if (cls.via === 'field') selected = selection.classes.has(cls.name!)
    else selected = selection.annotationClasses.has(cls.name!)
    if (!selected) {
      const why = unselectedReason(cls, selection)
      skipped.push({id: `${ref.namespace}/${ref.name}`, className: cls.name, reason: why, fromFile: input.source.cluster !== true})
      unselected.push({ingress: `${ref.namespace}/${ref.name}`, ...(cls.name !== undefined ? {className: cls.name} : {}), reason: why})
      continue
    }
    kept.push(input)
  }
  reportSkippedClasses(skipped, selection, new Set(kept.map((k) => admittedClassOf(k, selection).name).filter((n): n is string => n !== undefined)), diagnostics)
  // Made once and shared (frozen): every Ingress starts from the settings of no annotation and no ConfigMap until
  // compileAnnotations resolves its own, which it does for every selected Ingress before anything reads them.
  const placeholderSettings = resolveSettings(new Map(), controllerDefaults(undefined))
  return inNginxOrder(kept).map((input, order) => {
    const ing = input.object
    const ref: NamespacedName = {namespace: ing.metadata.namespace ?? 'default', name: ing.metadata.name}
    const cls = admittedClassOf(input, selection)
    const id = `${ref.namespace}/${ref.name}`
    return {
      id,
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
      fidelity: new FidelityLedger(id),
      // Until compileAnnotations resolves them from the annotations and the Ingress's own controller ConfigMap.
      settings: placeholderSettings,
      intents: {
        sslRedirect: true,
        forceSslRedirect: false,
        filters: [],
        extensionFilters: [],
        extraRules: [],
        policies: [],
        objects: [],
      },
    }
  })
}
