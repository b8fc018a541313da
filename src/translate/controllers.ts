/**
 * Which ingress-nginx controller served an Ingress. The controller is the unit of nginx semantics: everything
 * host-wide or first-Ingress-wins is decided over the Ingresses one controller sees, never across controllers.
 *
 * How ingress-nginx decides what one controller sees (internal/ingress/controller/store/store.go):
 * - ingressClassEventHandler keeps in the controller's lister only the IngressClasses whose spec.controller equals
 *   its --controller-class (default k8s.io/ingress-nginx; plus the one named --ingress-class with
 *   --ingress-class-by-name);
 * - GetIngressClass then accepts an Ingress whose spec.ingressClassName names a class in that lister, else one
 *   whose kubernetes.io/ingress.class annotation equals --ingress-class (default nginx), else, with
 *   --watch-ingress-without-class, one with neither.
 * So every IngressClass with one spec.controller is served by one controller, and two controllers
 * (docs/user-guide/multiple-ingress.md: distinct --controller-class and --ingress-class) never see each other's
 * Ingresses.
 *
 * Here, an Ingress's controller is:
 * - the spec.controller of its class's IngressClass when the input has that object: every controller of that
 *   --controller-class keeps all those IngressClasses, so classes sharing a spec.controller were merged by one
 *   controller, whichever Gateways they are sent to now;
 * - else its class alone when the class has a Gateway of its own (--gateway-for CLASS=...), or was selected by
 *   --all-classes alone (select.ts assumeAllClasses): the user says so;
 * - else the default controller (k8s.io/ingress-nginx): the other --ingress-class values (one controller unless
 *   IngressClass objects say otherwise), annotation classes without an IngressClass object, classless Ingresses.
 */
import type {IngressModel, ServiceBackend} from '../model/ingress-model.js'
import type {ClassSelection} from './select.js'
import type {ClassedIngress} from '../model/catalogue/routes.js'
import type {TranslateOptions} from '../model/types.js'

export const NGINX_CONTROLLER = 'k8s.io/ingress-nginx'

export function controllerOf(className: string | undefined, selection: ClassSelection, options: TranslateOptions): string {
  const declared = className === undefined ? undefined : selection.controllerByClass.get(className)
  if (declared !== undefined) return `controller ${declared}`
  if (className !== undefined && Object.prototype.hasOwnProperty.call(options.gatewayFor, className)) return `class ${className}`
  if (className !== undefined && selection.assumed.has(className)) return `class ${className}`
  return DEFAULT_CONTROLLER
}

/** Made once: most Ingresses have it, and each kept its own copy. */
const DEFAULT_CONTROLLER = `controller ${NGINX_CONTROLLER}`

/** "Service web/app:80"; a location without a Service answers with its Ingress's redirect (hosts.ts addFallbacks). */
export function serviceText(b: ServiceBackend | undefined): string {
  return b ? `Service ${b.namespace}/${b.name}:${b.port}` : 'the redirect of its Ingress'
}

/**
 * Undefined when both Ingresses belong to one controller; otherwise the sentence every cross-controller warning
 * shares: the two controllers never saw each other's Ingresses, and their classes now share a Gateway.
 */
export function crossControllerNote(a: IngressModel, b: IngressModel): string | undefined {
  if (a.controller === b.controller) return undefined
  return `${classText(a)} and ${classText(b)} had separate ingress-nginx controllers and now share Gateway ${a.gateway.namespace}/${a.gateway.name}`
}

/** The two Ingresses and the Gateway of a cross-controller-conflict (catalogue/routes.ts renders the note from them). */
export function crossData(a: IngressModel, b: IngressModel): {first: ClassedIngress; second: ClassedIngress; gateway: string} {
  const classed = (i: IngressModel): ClassedIngress => (i.className === undefined ? {id: i.id} : {id: i.id, className: i.className})
  return {first: classed(a), second: classed(b), gateway: `${a.gateway.namespace}/${a.gateway.name}`}
}

/** "class internal", or "Ingresses without a class". */
export function classText(i: IngressModel): string {
  return i.className === undefined ? 'Ingresses without a class' : `class ${i.className}`
}
