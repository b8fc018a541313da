/**
 * Reads every `<prefix>/*` annotation of an Ingress as ingress-nginx does: the serve table (annotations/serving.ts)
 * decides what an empty, invalid or too risky value does to the Ingress (ignored, group ignored, Ingress dropped,
 * locations denied). Then runs the annotation families, and gives every key exactly one fidelity with a
 * diagnostic where it is not exact.
 */
import {ALIASES} from '../annotations/all-keys.js'
import {allFamilies, registry, type RegistryEntry} from '../annotations/index.js'
import {goTrim, groupKeys, SERVE_TABLE, SNIPPET_KEYS, tooRisky, type ServeOutcome, type ServeReader, type ServingConfig} from '../annotations/serving.js'
import type {AnnotationFamily, FamilyContext, FamilyPatch, ListField, Lookup, OwnedField} from '../annotations/types.js'
import {denyEveryLocation} from './denied.js'
import {writtenValue} from '../annotations/snippets.js'
import {redactSecrets} from '../model/credentials.js'
import type {AnnotationValue, IngressModel, PolicyFragment} from '../model/ingress-model.js'
import type {Diagnostic, Fidelity, Level, TranslateOptions} from '../model/types.js'
import {about} from '../model/diagnostics.js'
import {diagnostic, type DataOf} from '../model/catalogue/diagnostic.js'
import {GROUP_TEXT} from '../model/catalogue/annotations.js'
import {findPlaceholders, fluxSubstitutes, hasPlaceholders, toSentinels} from '../annotations/placeholders.js'
import {applyNeedsSubstitution, validOnlyAfterSubstitution, whateverTheSubstitution} from './substitution.js'
import {DEFAULT_OPTIONS} from './options.js'
import {controllerDefaults, type ControllerDefaults} from '../model/controller-defaults.js'
import {fallbackOf} from '../model/settings.js'
import {authorizationLeftOut} from '../annotations/external-auth/fail-closed.js'
import {READ_PASS, SETTLEMENT} from '../model/fidelity-ledger.js'

/** ingress-nginx's own --annotations-prefix default (an Ingress written for it is ignored under another prefix). */
const DEFAULT_PREFIX = DEFAULT_OPTIONS.annotationPrefix

const LEVEL_FOR: Record<Fidelity, Level | undefined> = {
  exact: undefined,
  approximate: 'warning',
  manual: 'warning',
  ignored: 'info',
}

/** A diagnostic about the Ingress being read (object and source filled in). */
type Diag = (d: Omit<Diagnostic, 'object' | 'source'>) => void

/**
 * ingress-nginx's store never keeps the Ingress: nothing is served, and nothing is emitted for it. store.go
 * syncIngress returns before IngressWithAnnotation.Update, so a controller that stored an earlier version keeps
 * that one (ListIngresses reads that lister) until it restarts: the hint says so, for a user who sees it answer.
 */
function dropIngress(ingress: IngressModel, fullKey: string, why: DataOf<'ingress-not-served'>, hint: string, diag: Diag): void {
  ingress.served = false
  ingress.fidelity.account(fullKey, 'manual', READ_PASS)
  const stale = 'if the controller still answers for it, it serves a version of this Ingress it accepted earlier (store.go syncIngress keeps the last version it accepted) until it restarts'
  diag(diagnostic('ingress-not-served', why, {annotation: fullKey, hint: `${hint}; ${stale}`}))
}

interface Read {
  value: AnnotationValue
  entry: RegistryEntry
  /** Set from the alias only (e.g. whitelist-source-range without allowlist-source-range). */
  viaAlias: boolean
}

/** Collect the annotations under the prefix; unknown keys under it are reported, other prefixes ignored. */
export function readAnnotations(ingress: IngressModel, prefix: string, config: ServingConfig, diagnostics: Diagnostic[], defaults: ControllerDefaults = controllerDefaults(undefined)): void {
  const annotations = ingress.object.metadata.annotations ?? {}
  const subject = about('Ingress', ingress.ref)
  const diag: Diag = (d) => diagnostics.push({...subject, source: ingress.source, ...d})
  if (prefix !== DEFAULT_PREFIX) {
    const foreign = Object.keys(annotations).filter((k) => k.startsWith(DEFAULT_PREFIX + '/')).sort()
    if (foreign.length > 0) {
      for (const k of foreign) ingress.fidelity.account(k, 'ignored', READ_PASS)
      diag(diagnostic('other-prefix-ignored', {keys: foreign, prefix, defaultPrefix: DEFAULT_PREFIX}))
    }
  }
  const keys = Object.keys(annotations).filter((k) => k.startsWith(prefix + '/')).sort()
  if (blockedWord(ingress, keys, annotations, config, diag)) {
    for (const fullKey of keys) ingress.fidelity.account(fullKey, 'ignored', READ_PASS)
    return
  }
  const reads = new Map<string, Read>()
  const written: string[] = []
  for (const fullKey of keys) {
    const short = fullKey.slice(prefix.length + 1)
    const raw = String(annotations[fullKey] ?? '')
    const entry = registry.get(short)
    if (!entry) {
      ingress.fidelity.account(fullKey, 'ignored', READ_PASS)
      // Masked as raw nginx configuration is: a misspelt snippet key may hold credentials.
      diag(diagnostic('unknown-annotation', {key: fullKey, value: redactSecrets(raw)}, {annotation: fullKey, hint: 'check the spelling; HSTS and proxy-set-headers exist only as ConfigMap keys'}))
      continue
    }
    written.push(fullKey)
    const canonical = ALIASES[short] ?? short
    const value: AnnotationValue = {key: canonical, fullKey, raw, valid: false, ...readPlaceholders(ingress, raw, entry)}
    const kept = reads.get(canonical)
    if (kept) {
      // validators.go checkAnnotation reads the canonical key, or the alias when the canonical value is empty
      // and the alias's is not.
      const [canonicalValue, aliasValue] = short === canonical ? [value, kept.value] : [kept.value, value]
      const [winner, loser] = canonicalValue.raw !== '' || aliasValue.raw === '' ? [canonicalValue, aliasValue] : [aliasValue, canonicalValue]
      ingress.fidelity.account(loser.fullKey, 'ignored', READ_PASS)
      diag(diagnostic('alias-shadowed', {key: loser.fullKey, value: writtenValue(loser), winner: winner.fullKey, canonical: `${prefix}/${canonical}`}, {annotation: loser.fullKey}))
      reads.set(canonical, {value: winner, entry, viaAlias: winner.fullKey !== `${prefix}/${canonical}`})
      continue
    }
    reads.set(canonical, {value, entry, viaAlias: short !== canonical})
  }
  for (const r of reads.values()) ingress.annotations.set(r.value.key, r.value)
  if (!refuseRiskyKeys(ingress, written, prefix, config, diag)) {
    if (!config.allowSnippets) dropSnippets(ingress, config, diag)
    applyServeTable(ingress, reads, config, defaults, diag)
  }
  // Not served: the other keys have no effect (the error on the key that dropped the Ingress says why).
  if (!ingress.served) for (const fullKey of written) ingress.fidelity.account(fullKey, 'ignored', READ_PASS)
}

/**
 * A file's `${VAR}` placeholders (Flux post-build substitution) become sentinels the validators and families read
 * as an opaque token (annotations/placeholders.ts); the value as written is kept as the template. Not on a live
 * cluster (its values are final) nor on an Ingress Flux does not substitute (`substitute: disabled`), and not where the key's own validator takes `${name}` as an nginx variable
 * (upstream-hash-by `${request_uri}`: lower-case names, as nginx's variables are).
 */
function readPlaceholders(ingress: IngressModel, raw: string, entry: RegistryEntry): Pick<AnnotationValue, 'raw' | 'template'> | undefined {
  if (!fluxSubstitutes(ingress.source.cluster, ingress.object.metadata) || !hasPlaceholders(raw)) return undefined
  if (entry.onInvalid.validate(raw) && findPlaceholders(raw).every((p) => /^[a-z_][a-z0-9_]*$/.test(p.name) && p.text === `\${${p.name}}`)) return undefined
  return {raw: toSentinels(raw), template: raw}
}

/** store.go syncIngress: a value containing a word of annotation-value-word-blocklist makes the store skip the Ingress. */
function blockedWord(ingress: IngressModel, keys: string[], annotations: Record<string, string>, config: ServingConfig, diag: Diag): boolean {
  for (const fullKey of keys) {
    const word = config.wordBlocklist.find((w) => String(annotations[fullKey] ?? '').includes(w))
    if (word === undefined) continue
    dropIngress(
      ingress,
      fullKey,
      {problem: 'blocked-word', key: fullKey, value: writtenValue({key: fullKey.slice(fullKey.lastIndexOf('/') + 1), raw: String(annotations[fullKey] ?? '')}), word},
      'remove the word from the value (or from the blocklist) if this Ingress is meant to serve traffic, then convert again',
      diag,
    )
    return true
  }
  return false
}

/** parser.CheckAnnotationRisk in every parser's Validate: one key above annotations-risk-level drops the Ingress. */
function refuseRiskyKeys(ingress: IngressModel, written: string[], prefix: string, config: ServingConfig, diag: Diag): boolean {
  for (const fullKey of written) {
    const rule = registry.get(fullKey.slice(prefix.length + 1))!.onInvalid
    if (!tooRisky(rule.risk, config)) continue
    dropIngress(
      ingress,
      fullKey,
      {problem: 'risk', key: fullKey, value: writtenValue({key: fullKey.slice(prefix.length + 1), raw: String(ingress.object.metadata.annotations?.[fullKey] ?? '')}), risk: rule.risk, ...(config.fromConfigMap ? {riskLevel: config.riskLevel} : {})},
      config.fromConfigMap
        ? 'if this Ingress is meant to serve traffic, translate the annotation by hand and remove it, then convert again'
        : 'if the controller runs with a higher annotations-risk-level, include the controller ConfigMap in the input (-f, or the cluster; --controller-configmap names it) and convert again; otherwise translate the annotation by hand and remove it',
      diag,
    )
  }
  return !ingress.served
}

/** controller.go dropSnippetDirectives: without allow-snippet-annotations the snippets are removed, the Ingress served. */
function dropSnippets(ingress: IngressModel, config: ServingConfig, diag: Diag): void {
  for (const key of SNIPPET_KEYS) {
    const a = ingress.annotations.get(key)
    if (!a) continue
    ingress.annotations.delete(key)
    ingress.fidelity.account(a.fullKey, 'ignored', READ_PASS)
    diag(
      diagnostic('snippet-not-allowed', {key: a.fullKey, value: writtenValue(a), fromConfigMap: config.fromConfigMap}, {
        annotation: a.fullKey,
        hint: config.fromConfigMap ? undefined : 'if the controller allows snippets, include the controller ConfigMap in the input (-f, or the cluster; --controller-configmap names it) and convert again',
      }),
    )
  }
}

/** True for `canary: "true"` (strconv.ParseBool): a canary's own locations are never served. */
function canaryOn(ingress: IngressModel): boolean {
  return /^(1|t|T|TRUE|true|True)$/.test(ingress.annotations.get('canary')?.raw ?? '')
}

/**
 * A value ingress-nginx reads as empty: "" (the validator is skipped), or spaces on one line that the key's
 * validator accepts and parser.normalizeString then trims to "" (parseString returns InvalidContent, as for "").
 */
function readsAsEmpty(value: AnnotationValue, entry: RegistryEntry): boolean {
  if (value.raw === '') return true
  return !value.raw.includes('\n') && goTrim(value.raw) === '' && entry.onInvalid.validate(value.raw)
}

/** Each key's place in SERVE_TABLE, made at the first Ingress. */
let serveTableOrder: ReadonlyMap<string, number> | undefined

/** The keys read that the serve table lists, in its order: from the Ingress's few keys, not from every row of the table. */
function inServeTableOrder(reads: ReadonlyMap<string, Read>): string[] {
  const order = (serveTableOrder ??= new Map([...SERVE_TABLE.keys()].map((key, i) => [key, i])))
  return [...reads.keys()].filter((key) => order.has(key)).sort((a, b) => order.get(a)! - order.get(b)!)
}

/** Each value's outcome by the serve table; groups an outcome ignores as a whole are discarded last. */
function applyServeTable(ingress: IngressModel, reads: Map<string, Read>, config: ServingConfig, defaults: ControllerDefaults, diag: Diag): void {
  const parsed = new Map<string, ReturnType<RegistryEntry['spec']['parse']>>()
  // Values only a substitution can type: nginx read the substituted value, so the keys it gates are read too.
  const afterSubstitution = new Set<string>()
  const passes = (key: string): boolean => {
    const r = reads.get(key)
    if (afterSubstitution.has(key)) return true
    if (!r || readsAsEmpty(r.value, r.entry) || !ingress.annotations.has(key) || !r.entry.onInvalid.validate(r.value.raw)) return false
    return parsed.get(key)?.ok ?? false
  }
  for (const [key, r] of reads) if (r.entry.onInvalid.validate(r.value.raw)) parsed.set(key, r.entry.spec.parse(r.value.raw))
  for (const [key, r] of reads) if (!(parsed.get(key)?.ok ?? false) && !readsAsEmpty(r.value, r.entry) && validOnlyAfterSubstitution(r.value, r.entry)) afterSubstitution.add(key)
  const reader: ServeReader = {raw: (k) => reads.get(k)?.value.raw, passes, namespace: ingress.ref.namespace, config}
  const ignoredGroups = new Map<string, string>()
  // The table lists each parser's keys in the order its Parse reads them: the first error it returns ends it.
  const stoppedBy = new Map<string, string>()
  for (const key of inServeTableOrder(reads)) {
    const r = reads.get(key)!
    if (!ingress.annotations.has(key)) continue
    const {value, entry} = r
    const rule = entry.onInvalid
    const result = parsed.get(key)
    let outcome: ServeOutcome | undefined
    let reason: string
    if (afterSubstitution.has(key) && !(rule.reached && !rule.reached.test(reader))) {
      applyNeedsSubstitution(ingress, value, entry, diag)
      continue
    }
    if (readsAsEmpty(value, entry)) {
      // An alias alone and empty: nginx reads the canonical key, finds nothing and uses the default.
      outcome = r.viaAlias && value.raw === '' ? 'ignored' : rule.empty
      reason = value.raw === '' ? 'the value is empty' : 'the value is only spaces, which ingress-nginx trims to empty (parser.normalizeString)'
    } else if (!rule.validate(value.raw)) {
      outcome = rule.invalid === 'never' ? undefined : rule.invalid
      const own = entry.spec.parse(value.raw)
      reason = whateverTheSubstitution(value, own.ok ? `"${value.raw}" does not pass ingress-nginx's ${rule.validator}` : own.reason)
    } else if (result && !result.ok) {
      outcome = rule.parseFailure ?? 'ignored'
      reason = whateverTheSubstitution(value, result.reason)
    } else {
      value.valid = true
      value.value = result?.ok ? result.value : undefined
      continue
    }
    if (outcome === undefined) continue
    // A family that models its parser's reading order itself (redirect.go Parse) decides for its keys.
    const hook = entry.family.invalidEffect?.(key, reader.raw)
    const stopper = stoppedBy.get(rule.group)
    if (hook !== undefined) {
      if (hook === 'default') continue
      outcome = hook
    } else if (stopper !== undefined || (rule.reached && !rule.reached.test(reader))) {
      const when = stopper !== undefined ? {stoppedBy: stopper} : {readOnlyWhen: rule.reached!.when}
      ingress.fidelity.account(value.fullKey, 'ignored', READ_PASS)
      diag(diagnostic('annotation-not-read', {key: value.fullKey, value: writtenValue(value), reason, ...when}, {annotation: value.fullKey}))
      continue
    }
    if (outcome !== 'ignored') stoppedBy.set(rule.group, value.fullKey)
    if (outcome === 'location-denied' && canaryOn(ingress)) {
      ingress.fidelity.account(value.fullKey, 'ignored', READ_PASS)
      diag(diagnostic('canary-location-denied', {key: value.fullKey, value: writtenValue(value), reason}, {annotation: value.fullKey}))
      continue
    }
    applyOutcome(ingress, value, entry, outcome, reason, fallbackOf(key, entry.spec.default, defaults), diag)
    if (outcome === 'group-ignored' && !ignoredGroups.has(rule.group)) ignoredGroups.set(rule.group, value.fullKey)
  }
  for (const [group, trigger] of ignoredGroups) {
    for (const key of groupKeys(group)) {
      const a = ingress.annotations.get(key)
      if (!a) continue
      ingress.annotations.delete(key)
      if (!ingress.fidelity.account(a.fullKey, 'ignored', READ_PASS)) continue
      diag(diagnostic('annotation-group-ignored', {key: a.fullKey, value: writtenValue(a), group, trigger}, {level: 'info', fidelity: 'ignored', annotation: a.fullKey}))
    }
  }
}

function applyOutcome(
  ingress: IngressModel,
  value: AnnotationValue,
  entry: RegistryEntry,
  outcome: ServeOutcome,
  reason: string,
  fallback: ReturnType<typeof fallbackOf>,
  diag: Diag,
): void {
  const {fullKey} = value
  const facts = {key: fullKey, value: writtenValue(value)}
  const dflt = fallback ?? {}
  const fix = 'fix the value if this Ingress is meant to serve traffic, then convert again'
  switch (outcome) {
    case 'ignored':
      ingress.fidelity.account(fullKey, 'exact', READ_PASS)
      if (goTrim(value.raw) === '') {
        diag(diagnostic('empty-annotation-value', {...facts, ...dflt}, {annotation: fullKey}))
      } else {
        diag(diagnostic('invalid-annotation-value', {...facts, reason, ...dflt}, {annotation: fullKey}))
      }
      return
    case 'group-ignored': {
      const group = GROUP_TEXT[entry.onInvalid.group]
      ingress.fidelity.account(fullKey, 'exact', READ_PASS)
      diag(
        diagnostic('annotation-group-ignored', {...facts, group: entry.onInvalid.group, reason}, {
          level: group?.security ? 'error' : 'warning',
          fidelity: 'exact',
          annotation: fullKey,
          hint: group?.security ? 'fix the value: until then the paths are open to everyone, in ingress-nginx as in the conversion' : undefined,
        }),
      )
      return
    }
    case 'ingress-dropped':
      dropIngress(ingress, fullKey, {problem: 'invalid', ...facts, reason}, fix, diag)
      return
    case 'location-denied': {
      // A CertificateAuth denial also sets the server's AuthTLSError: nginx.tmpl answers 403 before any location.
      const status = entry.onInvalid.group === 'CertificateAuth' ? 403 : 503
      ingress.fidelity.account(fullKey, 'manual', READ_PASS)
      ingress.denied ??= {key: value.key, status, reason}
      diag(diagnostic('locations-denied', {...facts, reason, status}, {annotation: fullKey, hint: fix}))
    }
  }
}

/** Moved to the ledger (src/model/fidelity-ledger.ts), which sees every writer; re-exported for the tests. */
export {accountingAudit, type DoubleAccount} from '../model/fidelity-ledger.js'

/**
 * The test hook that runs the families in another order (test/family-order.test.ts): the output must not change,
 * since a family reads only the Ingress, its settings and the lookup, and the patches merge in registration order.
 */
export const familyRunOrder: {permute?: (families: readonly AnnotationFamily[]) => AnnotationFamily[]} = {}

/** One account() call, applied when the patches merge. */
interface Account {
  key: string
  fidelity: Fidelity
  message?: string
  extra?: Parameters<FamilyContext['account']>[3]
}

/** What one family produced for one Ingress: its patch, and its accounts and diagnostics in the order it made them. */
interface FamilyRun {
  family: AnnotationFamily
  patch?: FamilyPatch
  effects: ({account: Account} | {diagnostic: Diagnostic})[]
}

const emptyPatch = (): FamilyPatch => ({filters: [], extensionFilters: [], policies: [], objects: [], extraRules: [], denyAll: []})

/**
 * ssl-passthrough: nginx ignores every HTTP setting of the Ingress, so only the canary and passthrough families run
 * (the passthrough family accounts the others' keys). Decided from the annotation, not from a family's output.
 */
export function passesThrough(ingress: IngressModel): boolean {
  const a = ingress.annotations.get('ssl-passthrough')
  return !ingress.isCanary && a !== undefined && a.valid && a.value === true
}

/** Run every family over one Ingress, merge their patches, then settle the fidelity of every key none of them accounted for. */
export function applyFamilies(ingress: IngressModel, options: TranslateOptions, lookup: Lookup, diagnostics: Diagnostic[]): void {
  const prefix = options.annotationPrefix
  const subject = about('Ingress', ingress.ref)
  const fullKeyOf = (key: string) => ingress.annotations.get(key)?.fullKey ?? `${prefix}/${key}`
  // The family whose run (or whose effects at the merge) is current; undefined: the settlement after the families.
  let current: FamilyRun | undefined
  /** account() as it takes effect: the first account of a key wins (the ledger reports one by another writer). */
  const settle = (family: string | undefined, {key, fidelity, message, extra}: Account) => {
    const fullKey = fullKeyOf(key)
    // The read pass decided the keys whose value nginx never parsed (ignored as invalid or empty, not read, awaiting
    // substitution): final, since ctx.value() gives the families nothing to apply from them. A family accounting
    // such a key (it is still written, ctx.has) accounts the key, not a value, and yields: not a double account.
    if (ingress.fidelity.decidedBy(fullKey) === READ_PASS && ingress.annotations.get(key)?.valid !== true) return
    if (!ingress.fidelity.account(fullKey, fidelity, family ?? SETTLEMENT)) return
    const level = extra?.level ?? LEVEL_FOR[fidelity]
    if (level && message) {
      const a = ingress.annotations.get(key)
      const note = a === undefined ? {key: fullKey, note: message} : {key: fullKey, value: writtenValue(a), note: message}
      diagnostics.push(diagnostic(extra?.code ?? `annotation-${fidelity}`, note, {level, ...subject, annotation: fullKey, fidelity, hint: extra?.hint, source: ingress.source}))
    }
  }
  const ctx: FamilyContext = {
    ingress,
    get patch() {
      if (!current) throw new Error('a family patch exists only while the family runs')
      return (current.patch ??= emptyPatch())
    },
    lookup,
    options,
    annotationPrefix: prefix,
    has: (key) => ingress.annotations.has(key),
    value: <T>(key: string) => {
      const a = ingress.annotations.get(key)
      return a && a.valid ? (a.value as T) : undefined
    },
    raw: (key) => ingress.annotations.get(key)?.raw,
    fullKey: fullKeyOf,
    account(key, fidelity, message, extra) {
      if (current) current.effects.push({account: {key, fidelity, message, extra}})
      else settle(undefined, {key, fidelity, message, extra})
    },
    accounted(key) {
      const fullKey = fullKeyOf(key)
      return ingress.fidelity.has(fullKey) || (current?.effects.some((e) => 'account' in e && fullKeyOf(e.account.key) === fullKey) ?? false)
    },
    diag(d) {
      const diagnostic: Diagnostic = {...subject, source: ingress.source, ...d}
      if (current) current.effects.push({diagnostic})
      else diagnostics.push(diagnostic)
    },
  }
  const before = {diagnostics: diagnostics.length, accounted: new Set(ingress.fidelity.keys())}
  const passthrough = passesThrough(ingress)
  const registered = allFamilies()
  const runs = new Map<AnnotationFamily, FamilyRun>()
  const written = familiesWritten(ingress)
  for (const family of familyRunOrder.permute?.(registered) ?? registered) {
    if (!family.apply) continue
    if (passthrough && family.name !== 'passthrough' && family.name !== 'canary') continue
    if (!family.always && !written.has(family)) continue
    current = {family, effects: []}
    family.apply(ctx)
    runs.set(family, current)
  }
  current = undefined
  const ordered = registered.filter((f) => runs.has(f)).map((f) => runs.get(f)!)
  mergePatches(ingress, ordered)
  for (const run of accountPrecedence(ingress, ordered)) {
    for (const effect of run.effects) {
      if ('account' in effect) settle(run.family.name, effect.account)
      else diagnostics.push(effect.diagnostic)
    }
  }
  combineDenials(ingress, ordered)
  combineDenyAll(ingress, ordered, (d) => diagnostics.push({...subject, source: ingress.source, ...d}))
  // Denied by a value or by a family (a Secret in another namespace, say): the server-level settings the families
  // produced stay, the location settings go.
  if (ingress.denied && !ingress.isCanary) {
    denyEveryLocation(ingress, prefix, diagnostics, before)
    return
  }
  for (const a of ingress.annotations.values()) {
    if (ingress.fidelity.has(a.fullKey)) continue
    const spec = registry.get(a.key)!.spec
    ctx.account(a.key, spec.fidelity, spec.note)
  }
}

/**
 * The families with a spec for a key the Ingress has (an alias key is not its family's spec key, so it names none):
 * from the Ingress's few keys, not from every family's specs.
 */
function familiesWritten(ingress: IngressModel): Set<AnnotationFamily> {
  const written = new Set<AnnotationFamily>()
  for (const key of ingress.annotations.keys()) {
    const entry = registry.get(key)
    if (entry !== undefined && entry.spec.key === key) written.add(entry.family)
  }
  return written
}

const LIST_FIELDS = ['filters', 'extensionFilters', 'policies', 'objects', 'extraRules'] as const satisfies readonly ListField[]

/**
 * The families' patches into the Ingress's intents, in registration order whatever order they ran in: list fields
 * appended, owned fields set by the one family that declares them (a write a family does not own, or a field two
 * families set, is a programming error).
 */
export function mergePatches(ingress: IngressModel, runs: readonly FamilyRun[]): void {
  const intents = ingress.intents
  const setBy = new Map<string, string>()
  for (const {family, patch} of runs) {
    if (!patch) continue
    for (const field of LIST_FIELDS) if (patch[field].length > 0) (intents[field] as unknown[]).push(...patch[field])
    for (const field of Object.keys(patch)) {
      const value = (patch as unknown as Record<string, unknown>)[field]
      if (value === undefined || (LIST_FIELDS as readonly string[]).includes(field) || field === 'denied' || field === 'denyAll') continue
      if (!family.owns?.includes(field as OwnedField)) throw new Error(`annotation family ${family.name} set intents.${field}, which it does not declare in owns`)
      const other = setBy.get(field)
      if (other !== undefined) throw new Error(`intents.${field} of Ingress ${ingress.id} is set by family ${other} and by ${family.name}`)
      setBy.set(field, family.name)
      ;(intents as unknown as Record<string, unknown>)[field] = value
    }
  }
}

/**
 * Whose accounts take effect first (the first account of a key wins): on a canary Ingress the canary family's,
 * since nginx ignores every other setting of a canary (its locations take the primary's); then registration order.
 * Other families account only their own keys (the accounting audit fails a test that shows otherwise).
 */
function accountPrecedence(ingress: IngressModel, runs: readonly FamilyRun[]): FamilyRun[] {
  if (!ingress.isCanary) return [...runs]
  return [...runs.filter((r) => r.family.name === 'canary'), ...runs.filter((r) => r.family.name !== 'canary')]
}

/**
 * A denial a family found (a Secret or ConfigMap nginx cannot use), when the serve table denied nothing: nginx keeps
 * the first LocationDeniedError its parsers return, in Go map order (annotations.go Extract ranges over a map), so
 * any one is as faithful; the first in registration order makes the same input name the same key.
 */
function combineDenials(ingress: IngressModel, runs: readonly FamilyRun[]): void {
  if (ingress.denied) return
  const denial = runs.find((r) => r.patch?.denied !== undefined)?.patch!.denied
  if (denial) ingress.denied = denial
}

/**
 * Deny-all requests (auth-url failing closed, snippets with access control): one authorization with no rules and
 * `defaultAction: Deny` from all of them, put before every other authorization fragment (emit-policies keeps the first and reports
 * the rest). auth-url's also takes the place of the other authorization fragments, reported, and opts the route out
 * of a Gateway-level authorization. Done after the merge, so it holds whichever family ran first.
 */
function combineDenyAll(ingress: IngressModel, runs: readonly FamilyRun[], diag: (d: Omit<Diagnostic, 'object' | 'source'>) => void): void {
  const requests = runs.flatMap((r) => r.patch?.denyAll ?? [])
  if (requests.length === 0) return
  const policies = ingress.intents.policies
  const replacing = requests.find((r) => r.replacesAuthorization)
  if (replacing) {
    // satisfy any's lists for the no-auth-locations stay: the deny-all goes first there too (emit-policies keeps it).
    for (const f of policies.filter((p) => p.kind === 'SecurityPolicy' && p.path === 'authorization' && !p.noAuthOnly)) {
      policies.splice(policies.indexOf(f), 1)
      diag(authorizationLeftOut(f, replacing.from))
    }
  }
  // One deny-all for every request (registration order in `from`): the requests ask for the same authorization, so a
  // second fragment would only be reported as a conflict naming whichever family registered later.
  const deny: PolicyFragment = {kind: 'SecurityPolicy', path: 'authorization', value: {defaultAction: 'Deny'}, from: [...new Set(requests.map((r) => r.from))]}
  const optOuts: PolicyFragment[] = requests.filter((r) => r.replacesAuthorization).map((r) => ({kind: 'SecurityPolicy', path: 'authorization', value: undefined, optOut: true, from: [r.from]}))
  policies.unshift(deny, ...optOuts)
}
