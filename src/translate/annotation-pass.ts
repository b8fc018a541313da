/**
 * Parses every `<prefix>/*` annotation of an Ingress with ingress-nginx's validation, runs the annotation
 * families, and gives every key exactly one fidelity with a diagnostic where it is not exact.
 */
import {ALIASES} from '../annotations/all-keys.js'
import {allFamilies, registry} from '../annotations/index.js'
import type {FamilyContext, Lookup} from '../annotations/types.js'
import type {AnnotationValue, IngressModel} from './model.js'
import type {Diagnostic, Fidelity, Level, TranslateOptions} from './types.js'
import {objectRef} from './diagnostics.js'

const DEFAULT_PREFIX = 'nginx.ingress.kubernetes.io'

const LEVEL_FOR: Record<Fidelity, Level | undefined> = {
  exact: undefined,
  approximate: 'warning',
  manual: 'warning',
  ignored: 'info',
}

const EFFECT_TEXT = {
  default: 'ingress-nginx ignored this value and used the default',
  'ingress-dropped': 'ingress-nginx refused the whole Ingress because of it (not served at all)',
  'location-denied': 'ingress-nginx answered 503 on every path of this Ingress because of it',
  unread: 'ingress-nginx never read this key on this Ingress, so the value had no effect; the conversion ignores it too',
} as const

/** Collect the annotations under the prefix; unknown keys under it are reported, other prefixes ignored. */
export function readAnnotations(ingress: IngressModel, prefix: string, diagnostics: Diagnostic[]): void {
  const annotations = ingress.object.metadata.annotations ?? {}
  const object = objectRef('Ingress', ingress.ref)
  if (prefix !== DEFAULT_PREFIX) {
    const foreign = Object.keys(annotations).filter((k) => k.startsWith(DEFAULT_PREFIX + '/')).sort()
    if (foreign.length > 0) {
      for (const k of foreign) ingress.fidelity.set(k, 'ignored')
      diagnostics.push({
        level: 'info',
        code: 'other-prefix-ignored',
        object,
        message: `${foreign.join(', ')}: a controller running with --annotations-prefix=${prefix} ignores annotations under ${DEFAULT_PREFIX}, and so does the conversion`,
        source: ingress.source,
      })
    }
  }
  for (const fullKey of Object.keys(annotations).sort()) {
    if (!fullKey.startsWith(prefix + '/')) continue
    const short = fullKey.slice(prefix.length + 1)
    const raw = String(annotations[fullKey] ?? '')
    const entry = registry.get(short)
    if (!entry) {
      ingress.fidelity.set(fullKey, 'ignored')
      diagnostics.push({
        level: 'warning',
        code: 'unknown-annotation',
        object,
        annotation: fullKey,
        fidelity: 'ignored',
        message: `${fullKey} is not an ingress-nginx annotation; ingress-nginx ignored it and so does the conversion`,
        hint: 'check the spelling; HSTS and proxy-set-headers exist only as ConfigMap keys',
        source: ingress.source,
      })
      continue
    }
    const canonical = ALIASES[short] ?? short
    if (ingress.annotations.has(canonical)) {
      // Alias and canonical key both set: ingress-nginx reads the canonical key first.
      const kept = ingress.annotations.get(canonical)!
      ingress.fidelity.set(fullKey, 'ignored')
      diagnostics.push({
        level: 'warning',
        code: 'alias-shadowed',
        object,
        annotation: fullKey,
        fidelity: 'ignored',
        message: `${fullKey} and ${kept.fullKey} are both set; ${prefix}/${canonical} wins as in ingress-nginx`,
        source: ingress.source,
      })
      if (short === canonical) ingress.annotations.delete(canonical)
      else continue
    }
    const parsed = entry.spec.parse(raw)
    const value: AnnotationValue = {key: canonical, fullKey, raw, valid: parsed.ok, value: parsed.ok ? parsed.value : undefined}
    ingress.annotations.set(canonical, value)
    if (!parsed.ok) {
      const effect = entry.family.invalidEffect?.(canonical, (key) => rawValue(annotations, prefix, key)) ?? entry.spec.onInvalid
      const kept = effect === 'default' || effect === 'unread'
      const fidelity = effect === 'unread' ? 'ignored' : kept ? 'exact' : 'manual'
      ingress.fidelity.set(fullKey, fidelity)
      if (!kept) ingress.served = false
      diagnostics.push({
        level: effect === 'unread' ? 'warning' : 'error',
        code: kept ? 'invalid-annotation-value' : 'ingress-not-served',
        object,
        annotation: fullKey,
        fidelity,
        message:
          `${fullKey}: ${parsed.reason}; ${EFFECT_TEXT[effect]}` +
          (effect === 'unread'
            ? ''
            : effect === 'default'
            ? entry.spec.default !== undefined
              ? ` (${entry.spec.default}), and so does the conversion`
              : ', and the conversion leaves it out'
            : '; the conversion emits nothing for this Ingress, as it serves nothing today'),
        hint: effect === 'unread' ? 'fix or remove the value: ingress-nginx would read it, and might refuse the Ingress, once the annotations beside it change' : effect === 'default' ? undefined : 'fix the value if this Ingress is meant to serve traffic, then convert again',
        source: ingress.source,
      })
    }
  }
}

/** The raw value of a short key (or one of its aliases) on an Ingress, as ingress-nginx's getters read it. */
function rawValue(annotations: Record<string, unknown>, prefix: string, key: string): string | undefined {
  for (const k of [key, ...Object.keys(ALIASES).filter((a) => ALIASES[a] === key)]) {
    const v = annotations[`${prefix}/${k}`]
    if (v !== undefined) return String(v ?? '')
  }
  return undefined
}

/** Run every family over one Ingress, then settle the fidelity of every key none of them accounted for. */
export function applyFamilies(ingress: IngressModel, options: TranslateOptions, lookup: Lookup, diagnostics: Diagnostic[]): void {
  const prefix = options.annotationPrefix
  const object = objectRef('Ingress', ingress.ref)
  const ctx: FamilyContext = {
    ingress,
    lookup,
    options,
    annotationPrefix: prefix,
    has: (key) => ingress.annotations.has(key),
    value: <T>(key: string) => {
      const a = ingress.annotations.get(key)
      return a && a.valid ? (a.value as T) : undefined
    },
    raw: (key) => ingress.annotations.get(key)?.raw,
    fullKey: (key) => ingress.annotations.get(key)?.fullKey ?? `${prefix}/${key}`,
    account(key, fidelity, message, extra) {
      const a = ingress.annotations.get(key)
      const fullKey = a?.fullKey ?? `${prefix}/${key}`
      if (ingress.fidelity.has(fullKey)) return
      ingress.fidelity.set(fullKey, fidelity)
      const level = extra?.level ?? LEVEL_FOR[fidelity]
      if (level && message) {
        diagnostics.push({
          level,
          code: extra?.code ?? `annotation-${fidelity}`,
          object,
          annotation: fullKey,
          fidelity,
          message: `${fullKey}: ${message}`,
          hint: extra?.hint,
          source: ingress.source,
        })
      }
    },
    diag(d) {
      diagnostics.push({object, source: ingress.source, ...d})
    },
  }
  for (const family of allFamilies()) {
    if (!family.apply) continue
    // ssl-passthrough: nginx ignores every HTTP setting of the Ingress (the passthrough family accounted them).
    if (ingress.intents.suppressRoute && family.name !== 'passthrough' && family.name !== 'canary') continue
    if (!family.always && !family.specs.some((s) => ingress.annotations.has(s.key))) continue
    family.apply(ctx)
  }
  for (const a of ingress.annotations.values()) {
    if (ingress.fidelity.has(a.fullKey)) continue
    const spec = registry.get(a.key)!.spec
    ctx.account(a.key, spec.fidelity, spec.note)
  }
}
