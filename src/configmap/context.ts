/**
 * The controller ConfigMap read as the families need it: its data as strings, and one ledger in which every present
 * key ends in exactly one diagnostic (the first account of a key wins, so an invalid value reported while parsing
 * is not overwritten by the mapping that falls back to the default).
 */
import {diagnostic} from '../model/catalogue/diagnostic.js'
import {redactSecrets} from '../model/credentials.js'
import {about, aboutObject, diag} from '../model/diagnostics.js'
import {gatewayTargetRef} from '../model/gateway-refs.js'
import {isObject} from '../util/json.js'
import {parseGoBool, parseGoInt} from '../model/go-decode.js'
import type {Diagnostic, Fidelity, KubeObject} from '../model/types.js'
import type {NoteCode} from '../model/catalogue/diagnostic.js'
import type {ClientTrafficContext, ConfigMapContext, ConfigMapModel} from './types.js'
import type {OutputObject, PolicyTargetRef} from '../model/emitted.js'

export function configMapContext(cm: KubeObject | undefined, traffic: ClientTrafficContext, entries: Map<string, Diagnostic>, consumed: string[]): ConfigMapContext {
  const present = cm !== undefined && isObject(cm)
  const cmSubject = present ? aboutObject(cm) : about('Gateway', traffic.gateway)
  const cmRef = cmSubject.object
  const data: Record<string, string> = {}
  if (present && isObject(cm.data)) {
    for (const [k, v] of Object.entries(cm.data)) {
      if (typeof v === 'string') data[k] = v
      else if (typeof v === 'number' || typeof v === 'boolean') data[k] = String(v)
    }
  }
  const has = (k: string): boolean => Object.prototype.hasOwnProperty.call(data, k)
  const ctx: ConfigMapContext = {
    data,
    traffic,
    cmRef,
    cmSubject,
    sources: present ? [cmRef] : ['ingress2gw'],
    has,
    value: (k) => (has(k) ? data[k] : ''),
    account(key, d) {
      if (!has(key) || entries.has(key)) return
      entries.set(key, diag({...d, ...cmSubject, annotation: key}))
    },
    accounted: (key) => entries.has(key),
    note(key, code, note, where = {}) {
      if (has(key)) ctx.account(key, diagnostic(code, {key, value: data[key], note}, where))
    },
    notice(key, {level, code}, fidelity, note) {
      // The value as the message quotes it (one line, cut at 120): a snippet is not copied whole into the data, and
      // credentials in it (URL userinfo, compared or assigned secrets, auth headers) are masked as in annotation
      // snippets, before the cut so a cut cannot leave half a credential unmasked.
      const shown = truncate(redactSecrets(data[key] ?? ''))
      if (has(key)) ctx.account(key, diagnostic(code, {key, value: shown, note: `"${shown}" ${note}`}, {level, fidelity}))
    },
    exact: (key, note) => ctx.note(key, 'configmap-key-mapped', note, {level: 'info', fidelity: 'exact'}),
    bool(key, dflt) {
      if (!has(key)) return dflt
      const b = parseGoBool(data[key])
      if (b === undefined) {
        ctx.account(key, diagnostic('configmap-value-invalid', {key, value: data[key], expected: 'boolean', default: dflt, scope: 'key'}))
        return dflt
      }
      return b
    },
    int(key, dflt, min = 0) {
      if (!has(key)) return dflt
      const n = parseGoInt(data[key])
      if (n === undefined || n < min) {
        ctx.account(key, diagnostic('configmap-value-invalid', {key, value: data[key], expected: 'integer', default: dflt, min}))
        return dflt
      }
      return n
    },
    use(key) {
      if (has(key)) consumed.push(key)
    },
  }
  return ctx
}

export function emptyModel(consumed: string[]): ConfigMapModel {
  return {
    clientTraffic: {},
    headerMode: {detected: false, trustForwarded: false, fullForwardedFor: false, proxyProtocol: false},
    forwardedForHeader: 'X-Forwarded-For',
    backendTraffic: {},
    backendTrafficKeys: [],
    consumed,
    objects: [],
    carried: new Map(),
    general: [],
    checklist: [],
  }
}

/** Adds a generated object to the model with the ConfigMap keys it carries (the same list its metadata names). */
export function emitObject(model: ConfigMapModel, object: OutputObject, keys: string[]): void {
  model.objects.push(object)
  model.carried.set(object, [...new Set(keys)].sort())
}

export function splitList(value: string, sep: RegExp = /[,\s]+/): string[] {
  return value.split(sep).map((s) => s.trim()).filter((s) => s !== '')
}

/** One line, at most `max` characters: snippets and long lists in messages. */
export function truncate(value: string, max = 120): string {
  const oneLine = value.replace(/\s+/g, ' ').trim()
  return oneLine.length > max ? `${oneLine.slice(0, max)}...` : oneLine
}

/**
 * The Gateway's HTTP listeners by name (http, https, the hosts' own): Gateway-level route defaults must not reach
 * TCP or TLS passthrough listeners, which a Gateway-wide SecurityPolicy's authorization does
 * (securitypolicy.go translateSecurityPolicyForListeners).
 */
export function httpListenerTargets(ctx: ClientTrafficContext): PolicyTargetRef[] {
  const names = [ctx.httpListener ?? 'http', ...(ctx.hasHttpsListener !== false ? [ctx.httpsListener] : []), ...(ctx.hostListeners ?? []).map((l) => l.name)]
  return names.map((n) => gatewayTargetRef(ctx.gateway, n))
}

const ROUTE_DEFAULT_CODES = {
  exact: 'configmap-route-default',
  approximate: 'configmap-route-default-approximate',
  manual: 'configmap-route-default-manual',
  ignored: 'configmap-route-default-ignored',
} as const

/**
 * The notice of a key that was every route's default in nginx: one code per fidelity (the catalogue's
 * configmap-route-default*), a warning when a person must carry it.
 */
export function routeDefaultNotice(fidelity: Fidelity): {level: 'info' | 'warning'; code: NoteCode} {
  return {level: fidelity === 'manual' ? 'warning' : 'info', code: ROUTE_DEFAULT_CODES[fidelity]}
}
