/**
 * What class selection left out, said once per class: why ingress-nginx (or this run) does not serve it, and for
 * file input the flags that would convert it.
 *
 * Files rarely hold the IngressClass objects (the controller's Helm chart creates them), so a class such as
 * `internal` has nothing that says whether an ingress-nginx served it: one warning names every such class with the
 * line to paste, instead of an info per class the user has to read to learn why Ingresses are missing. In a cluster
 * the IngressClass objects decide (store.go GetIngressClass), and a class without one was served by no
 * ingress-nginx: an info, as before.
 */
import {diagnostic} from '../model/catalogue/diagnostic.js'
import type {ClassSkip} from '../model/catalogue/sources.js'
import type {ClassSelection} from './select.js'
import type {Diagnostic, UnselectedIngress} from '../model/types.js'

export interface SkippedByClass {
  /** `namespace/name` */
  id: string
  className?: string
  reason: UnselectedIngress['reason']
  /** Read from a file (not from the cluster). */
  fromFile: boolean
}

/** `converting` is the classes of the Ingresses this run converts (the line to paste keeps them). */
export function reportSkippedClasses(skipped: SkippedByClass[], selection: ClassSelection, converting: Set<string>, diagnostics: Diagnostic[]): void {
  const unknown = new Map<string, string[]>()
  const byLabel = new Map<string, SkippedByClass[]>()
  for (const s of skipped) {
    // --ingress-class is the exact list: a class left out of it is the user's choice (one class alone), not a surprise.
    // An empty annotation cannot be pasted as a class: no controller's --ingress-class is empty.
    if (s.fromFile && !selection.explicit && s.reason === 'class-not-selected' && s.className !== '' && !selection.declared.has(s.className!)) {
      unknown.set(s.className!, [...(unknown.get(s.className!) ?? []), s.id])
      continue
    }
    const label = s.className ?? '(no class)'
    byLabel.set(label, [...(byLabel.get(label) ?? []), s])
  }
  if (unknown.size > 0) diagnostics.push(unknownClassesWarning(unknown, converting))
  for (const [label, list] of [...byLabel.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const names = list.map((s) => s.id).sort()
    diagnostics.push(diagnostic('class-not-selected', {ingresses: names, ...skipReason(label, list[0].reason, selection)}))
  }
}

function skipReason(label: string, reason: UnselectedIngress['reason'], selection: ClassSelection): ClassSkip {
  if (label === '') return {case: 'empty-class'}
  if (label === '(no class)') return {case: 'no-class'}
  const product = selection.foreignByName.get(label)
  if (reason === 'other-controller' && product !== undefined) return {case: 'foreign-default', className: label, product}
  if (reason === 'other-controller') {
    const controller = selection.controllerByClass.get(label)
    return {case: 'other-controller', className: label, ...(controller === undefined ? {} : {controller})}
  }
  return {case: 'not-served', className: label}
}

/**
 * One warning for every class of the files without an IngressClass object: the classes with their Ingresses, and
 * the exact --ingress-class list to paste. That list is the exact list once given, so it keeps the classes this run
 * converts already (nginx, say), or pasting it would drop them.
 */
function unknownClassesWarning(unknown: Map<string, string[]>, converting: Set<string>): Diagnostic {
  const classes = [...unknown.keys()].sort()
  const keep = [...converting].filter((c) => !unknown.has(c)).sort()
  const list = classes.map((c) => ({className: c, ingresses: unknown.get(c)!.sort()}))
  return diagnostic('classes-not-selected', {classes: list, paste: [...keep, ...classes]}, {
    hint: `or --all-classes (every class in these files is ingress-nginx's, each its own controller, as separate installations are); --gateway-for CLASS=NAMESPACE/NAME gives a class a Gateway of its own; --lookup-cluster reads the IngressClasses from the cluster instead`,
  })
}
