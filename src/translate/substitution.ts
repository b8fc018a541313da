/**
 * What the conversion does with Flux `${VAR}` placeholders (annotations/placeholders.ts) once they are read:
 * annotation values that only a substitution can type (a number, a size, an address), and the emitted objects that
 * carry a placeholder and must go through Flux's substitution (or be substituted) before they are applied.
 */
import {describePlaceholders, placeholderTexts, restoreDeep, validForSomeSubstitution} from '../annotations/placeholders.js'
import type {RegistryEntry} from '../annotations/index.js'
import type {AnnotationValue, IngressModel} from '../model/ingress-model.js'
import type {Diagnostic, KubeObject} from '../model/types.js'
import {about} from '../model/diagnostics.js'
import {diagnostic} from '../model/catalogue/diagnostic.js'
import {substitutionNeed} from '../model/catalogue/routes.js'
import {READ_PASS} from '../model/fidelity-ledger.js'

/** A diagnostic about the Ingress being read (object and source filled in by the caller). */
type Diag = (d: Omit<Diagnostic, 'object' | 'source'>) => void

/**
 * Keys whose absence would publish paths nginx protected: a value the conversion cannot read before substitution
 * denies the Ingress's locations (503) instead of leaving the protection out.
 */
// auth-tls-match-cn too: left out, every certificate of the CA would pass where nginx answered 403 (authtls main.go).
const FAIL_CLOSED = new Set(['auth-url', 'auth-type', 'auth-secret', 'auth-tls-secret', 'auth-tls-match-cn', 'allowlist-source-range', 'denylist-source-range'])

/** What is left of a sentinel that restorePlaceholders could not decode (zq + hex, annotations/placeholders.ts). */
const SENTINEL_LEFT = /zq(?:[0-9a-f]{2}){4,}/

/** Keys whose default, in place of an unknown value, can send requests elsewhere or in another protocol: errors. */
const ROUTING = new Set(['backend-protocol', 'ssl-passthrough', 'use-regex', 'rewrite-target', 'canary-weight', 'canary-weight-total'])

const RENDER_FIRST = 'render the manifests with their variables first (`flux build kustomization NAME --path DIR | kubectl ingress2gw convert -f -`, or `flux envsubst`) and convert the result'

/**
 * True when a value that fails ingress-nginx's validator or the converter's parser as read (placeholders as opaque
 * tokens) passes both for some substitution: its meaning is only known after Flux fills it in.
 */
export function validOnlyAfterSubstitution(value: AnnotationValue, entry: RegistryEntry): boolean {
  if (value.template === undefined) return false
  return validForSomeSubstitution(value.template, (v) => entry.onInvalid.validate(v) && entry.spec.parse(v).ok)
}

/** The reason of a value refused with placeholders in it: no substitution can make it valid. */
export function whateverTheSubstitution(value: AnnotationValue, reason: string): string {
  return value.template === undefined ? reason : `${reason}, whatever ${describePlaceholders(value.template)} is substituted with`
}

/**
 * A value that is valid only once substituted, where the translation needs it typed (integer, size, duration,
 * boolean, option, CIDR list): the conversion cannot translate it. Security keys deny the Ingress's locations (fail
 * closed); `canary` leaves the Ingress out (read as a primary, its route would take the primary's traffic); any other
 * key is left out, its default in effect, with a diagnostic naming the value and what to do.
 */
export function applyNeedsSubstitution(ingress: IngressModel, value: AnnotationValue, entry: RegistryEntry, diag: Diag): void {
  const {fullKey, key} = value
  const template = value.template!
  const need = {key: fullKey, template, validator: entry.onInvalid.validator, placeholders: placeholderTexts(template)}
  ingress.fidelity.account(fullKey, 'manual', READ_PASS)
  if (FAIL_CLOSED.has(key)) {
    ingress.denied ??= {key, status: 503, reason: `${substitutionNeed({...need, case: 'fail-closed'})} (not substituted yet)`}
    diag(diagnostic('needs-substitution', {...need, case: 'fail-closed'}, {level: 'error', annotation: fullKey, fidelity: 'manual', hint: RENDER_FIRST}))
    return
  }
  if (key === 'canary') {
    ingress.served = false
    diag(diagnostic('needs-substitution', {...need, case: 'canary'}, {level: 'error', annotation: fullKey, fidelity: 'manual', hint: RENDER_FIRST}))
    return
  }
  ingress.annotations.delete(key)
  const routing = ROUTING.has(key)
  diag(
    diagnostic('needs-substitution', {...need, case: 'left-out', ...(entry.spec.default !== undefined ? {default: String(entry.spec.default)} : {}), routing}, {
      level: routing ? 'error' : 'warning',
      annotation: fullKey,
      fidelity: 'manual',
      hint: `${RENDER_FIRST}, or set ${entry.spec.target} by hand once the value is known`,
    }),
  )
}

/**
 * Emitted objects that carry a `${VAR}` placeholder: they are valid only once Flux substitutes them (applied through
 * the Kustomization with postBuild.substitute), so each is named, once.
 */
export function reportObjectsNeedingSubstitution(objects: KubeObject[], diagnostics: Diagnostic[]): number {
  let count = 0
  for (const o of objects) {
    const json = JSON.stringify(o)
    // A sentinel cut or changed on its way (a name shortened, a value re-encoded) cannot be restored: say so.
    if (SENTINEL_LEFT.test(json)) {
      diagnostics.push(
        diagnostic('placeholder-lost', {kind: o.kind, ...(o.metadata.namespace ? {namespace: o.metadata.namespace} : {}), name: o.metadata.name}, {
          ...about(o.kind, {namespace: o.metadata.namespace ?? '', name: o.metadata.name}),
          hint: RENDER_FIRST,
        }),
      )
    }
    const texts = placeholdersOf(json)
    if (texts.length === 0) continue
    count++
    diagnostics.push(
      diagnostic('needs-substitution', {case: 'object', kind: o.kind, ...(o.metadata.namespace ? {namespace: o.metadata.namespace} : {}), name: o.metadata.name, placeholders: texts}, {
        ...about(o.kind, {namespace: o.metadata.namespace ?? '', name: o.metadata.name}),
        level: 'info',
      }),
    )
  }
  return count
}

/** The Flux `${VAR}` placeholders an emitted object (or its JSON) keeps, as written. */
export function placeholdersOf(object: KubeObject | string): string[] {
  return placeholderTexts(typeof object === 'string' ? object : JSON.stringify(object))
}

/** Every sentinel in the translation's output back to the placeholder text it stands for. */
export function restoreOutput<T>(value: T): T {
  return restoreDeep(value)
}
