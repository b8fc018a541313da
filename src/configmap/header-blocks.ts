import {EG_API_VERSION, gatewayTargetRef} from '../model/gateway-refs.js'
import {diagnostic, type Where} from '../model/catalogue/diagnostic.js'
import {luaOutage} from '../model/catalogue/configmap.js'
import type {Diagnostic} from '../model/types.js'
import {dnsName} from '../model/names.js'
import {managedMetadata} from '../model/provenance.js'
import {emitObject, truncate} from './context.js'
import {regexToLuaPatterns} from './header-blocks/lua-patterns.js'
import {blockScript, type HeaderRule} from './header-blocks/lua-script.js'
import {readMapEntries} from './header-blocks/nginx-map.js'
import type {ConfigMapContext, ConfigMapFamily, ConfigMapModel} from './types.js'

const LISTS = [
  {key: 'block-user-agents', header: 'user-agent', what: 'User-Agents', variable: '$http_user_agent'},
  {key: 'block-referers', header: 'referer', what: 'Referers', variable: '$http_referer'},
] as const

const DIFFERENCES =
  'Envoy Gateway runs the Lua filter on routed requests only, so a blocked client asking for a host or path no route serves gets 404 instead of 403, ' +
  'and after its ext_authz, basic_auth, oauth2 and jwt filters, so on routes with external or basic auth, OIDC or JWT an unauthenticated blocked client gets their 401/302 first (nginx refused it before anything else, in its server rewrite phase)'

/**
 * block-user-agents, block-referers -> a Gateway-level EnvoyExtensionPolicy with a Lua script (--nginx-defaults) that
 * answers 403 where nginx's `map` did: exact entries ignoring case, `~` / `~*` regexes translated into Lua patterns
 * that match the same values (header-blocks/lua-patterns.ts); an entry Lua patterns cannot express is refused by
 * name. block-cidrs stays in the access family's SecurityPolicy.
 */
export const headerBlocksFamily: ConfigMapFamily = {
  name: 'header-blocks',
  specs: LISTS.map(({key, what}) => ({
    key,
    summary: `${what} refused everywhere (403)`,
    fidelity: 'approximate',
    target: 'Gateway-level EnvoyExtensionPolicy lua (--nginx-defaults; Envoy Gateway v1.3+, extensionApis.enableLua from v1.9)',
    default: '',
    onInvalid: 'as-written',
    note: `the same requests get 403 (a regex Lua patterns cannot express is refused by name and not enforced); ${DIFFERENCES}`,
  })),
}

interface ListResult {
  rule?: HeaderRule
  refused: string[]
  rejected: string[]
}

/** One list's entries: the rule of its header, and the entries refused (not expressible) or rejected (by nginx). */
function readList(cm: ConfigMapContext, key: string, header: string): ListResult {
  const rule: HeaderRule = {header, key, exact: [], patterns: [], lowered: []}
  const refused: string[] = []
  const rejected: string[] = []
  for (const e of readMapEntries(cm.data[key])) {
    if (e.kind === 'exact') rule.exact.push({value: e.key, entry: e.entry})
    else if (e.kind === 'rejected') rejected.push(`"${e.entry}" (${e.reason})`)
    else if (e.kind === 'regex') {
      const t = regexToLuaPatterns(e.source, e.caseless)
      if ('refused' in t) refused.push(`"${e.entry}" (${t.refused})`)
      else (t.caseless ? rule.lowered : rule.patterns).push(...t.patterns.map((pattern) => ({pattern, entry: e.entry})))
    }
  }
  const empty = rule.exact.length + rule.patterns.length + rule.lowered.length === 0
  return {rule: empty ? undefined : rule, refused, rejected}
}

/** The one diagnostic of a list. */
function listDiagnostic(cm: ConfigMapContext, list: (typeof LISTS)[number], r: ListResult, policy: string | undefined): Diagnostic {
  // {key, value, note}: the message is `<key>: <note>`, the note quoting the value on one line, cut at 120 characters.
  const shown = truncate(cm.data[list.key])
  const account = (note: string, where: Where): Diagnostic => diagnostic('configmap-header-block', {key: list.key, value: shown, note: `"${shown}"${note}`}, where)
  const notes: string[] = []
  if (r.refused.length > 0) notes.push(`not enforced, Lua patterns cannot express them: ${r.refused.join('; ')}`)
  if (r.rejected.length > 0) notes.push(`nginx -t rejects ${r.rejected.join('; ')}, so ingress-nginx never loaded a configuration with this list (it kept its previous one); the other entries are enforced as the list intended`)
  const manual = r.refused.length > 0 || r.rejected.length > 0
  const hint = manual ? `write the refused entries as Lua patterns in the script of EnvoyExtensionPolicy ${policy ?? '(generated with --nginx-defaults)'} by hand, or as exact values; fix the entries nginx rejects` : undefined
  if (!r.rule) {
    return account(` blocks nothing${notes.length > 0 ? `: ${notes.join('; ')}` : ' (no entry)'}`, {level: manual ? 'warning' : 'info', fidelity: manual ? 'manual' : 'exact', hint})
  }
  if (!policy) {
    return account(`: nginx answered 403 to requests whose ${list.what.slice(0, -1)} matched it, everywhere; Envoy Gateway lets them through unless an EnvoyExtensionPolicy blocks them`, {level: 'warning', fidelity: 'manual', hint: 'rerun with --nginx-defaults for a Gateway-level EnvoyExtensionPolicy with a Lua script that blocks them'})
  }
  const patterns = r.rule.patterns.length + r.rule.lowered.length
  const lua = [r.rule.exact.length > 0 ? `${r.rule.exact.length} exact value${r.rule.exact.length === 1 ? '' : 's'}` : '', patterns > 0 ? `${patterns} pattern${patterns === 1 ? '' : 's'}` : ''].filter(Boolean).join(' and ')
  return account(` -> EnvoyExtensionPolicy ${policy} (Lua: ${lua} on ${list.variable}), 403 for the same values as nginx's map; ${DIFFERENCES}${notes.length > 0 ? `; ${notes.join('; ')}` : ''}`, {
    level: manual ? 'warning' : 'info',
    fidelity: manual ? 'manual' : 'approximate',
    hint: hint ?? 'Lua needs extensionApis.enableLua: true in the Envoy Gateway configuration from v1.9, or every route answers 500 (see lua-needs-enable-lua)',
  })
}

/** block-user-agents / block-referers -> the Gateway-level EnvoyExtensionPolicy (--nginx-defaults), one diagnostic each. */
export function applyHeaderBlocks(cm: ConfigMapContext, model: ConfigMapModel): void {
  const gw = cm.traffic.gateway
  const policy = dnsName(gw.name, 'defaults')
  const results = LISTS.filter((l) => cm.has(l.key)).map((list) => ({list, r: readList(cm, list.key, list.header)}))
  const rules = results.flatMap(({r}) => (r.rule ? [r.rule] : []))
  const emitted = cm.traffic.nginxDefaults && rules.length > 0
  for (const {list, r} of results) cm.account(list.key, listDiagnostic(cm, list, r, emitted ? policy : undefined))
  if (!emitted) return
  const keys = rules.map((r) => r.key)
  emitObject(model, {
    apiVersion: EG_API_VERSION,
    kind: 'EnvoyExtensionPolicy',
    metadata: managedMetadata(policy, gw.namespace, cm.sources, keys),
    // The whole Gateway: a Lua filter exists only in the HTTP listeners' filter chains, so TCP and TLS passthrough
    // listeners are untouched (as nginx's servers), listeners added later are covered, and releases before v1.6 (no
    // listener sectionName for this policy, envoyextensionpolicy.go) accept it.
    spec: {targetRefs: [gatewayTargetRef(gw)], lua: [{type: 'Inline', inline: blockScript(rules, `${cm.cmRef} ${keys.join(', ')}`)}]},
  }, keys)
  // envoyextensionpolicy.go: a Lua the translator cannot build (LuaEnvoyExtensionPolicyDisabled, a failed validation)
  // turns every route the policy covers into a 500 direct response; Lua has no fail-open option.
  const outage = luaOutage(gw)
  model.general.push(diagnostic('lua-needs-enable-lua', {policy, gateway: {namespace: gw.namespace, name: gw.name}}, {...cm.cmSubject, hint: 'set extensionApis.enableLua: true and restart Envoy Gateway before applying it (Lua runs by default on v1.3 to v1.8: always before v1.7, unless disableLua: true on v1.7 and v1.8; envoygateway_helpers.go LuaDisabled); or leave this policy out and block these clients elsewhere'}))
  model.checklist.push(
    `EnvoyExtensionPolicy ${policy} answers 403 to the ConfigMap's ${keys.join(' and ')} with a Lua script on every route of the Gateway. BEFORE applying it: ${outage}; ` +
      'a route-level EnvoyExtensionPolicy replaces it on its routes (unless it sets mergeType: StrategicMerge, v1.9)',
  )
}
