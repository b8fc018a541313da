/**
 * HTTPS listeners a host gets of its own on the shared Gateway, and the certificates left on the shared `https`
 * listener. Two reasons make a host leave the shared listener:
 *
 * - client certificates (auth-tls-*): ingress-nginx verifies them per server, i.e. per host, from the first
 *   Ingress of the host that names a CA (controller.go getBackendServers, `server.CertificateAuth.CAFileName == ""`);
 *   Envoy Gateway validates them per listener (ClientTrafficPolicy tls.clientValidation). Every route of such a
 *   host attaches to its own listener only, so no route of it is reachable through the shared listener without a
 *   certificate. When the listener cannot be generated (auth-tls-match-cn, no certificate known for the host, a
 *   host-less rule) the routes still point at it and nothing is served over HTTPS for the host: fail closed.
 * - certificate overlap: Envoy Gateway accepts a listener's Secrets in order and rejects a later Secret whole when
 *   one of its certificate names, for the same key algorithm, is already taken (internal/gatewayapi/tls.go
 *   validateTLSSecretsData, "public key algorithm must be unique"), so the later Secret's other hosts lose their
 *   certificate. Secret data is never read here: two Secrets are known to overlap when their TLS entries (or
 *   Certificate dnsNames) declare the same name. ingress-nginx chose per host (the first Ingress with TLS for it,
 *   hosts.ts assignTls); a Secret whose hosts another kept Secret is declared for is left out (that Secret serves
 *   them), otherwise its hosts get listeners of their own with it alone.
 */
import {ingressIds, record, type Emitted} from './records.js'
import {compareStrings} from '../util/hash.js'
import {hostListenerName} from '../model/gateway-refs.js'
import {about, aboutGatewayKey, objectRef} from '../model/diagnostics.js'
import {diagnostic} from '../model/catalogue/diagnostic.js'
import {gatewayKey, type CertRef} from './emit-gateway.js'
import {isPassthrough, type CertManagerPlans} from './emit-bundle.js'
import type {HostIndex} from './hosts.js'
import type {ClientAuthIntent, HostModel, IngressModel} from '../model/ingress-model.js'
import type {HostListenerTraffic} from './bundle/client-traffic.js'
import {dnsName, normalizeHost} from '../model/names.js'
import {managedMetadata} from '../model/provenance.js'
import type {Diagnostic, NamespacedName, TranslateOptions} from '../model/types.js'

export interface HostListener {
  gateway: NamespacedName
  /** `https-<hostname>` (hostListenerName). */
  name: string
  hostname: string
  /** The host's Secret(s); empty when no certificate is known (then the listener is not generated). */
  certificates: CertRef[]
  /** The Ingress whose auth-tls-* settings hold for the host, with those settings. */
  clientAuth?: {ingress: IngressModel; intent: ClientAuthIntent}
  reason: 'client-certificates' | 'certificate-overlap' | 'sni-shadowed'
  /** False when the listener must not be generated: a person adds it (or nothing is served over HTTPS). */
  generated: boolean
  /** Why it is not generated. */
  missing?: string
  /** The TLS wildcard host whose certificate it presents for a deeper name (coverDeepClientAuthHost). */
  coveredBy?: string
}

export interface HttpsListenerPlan {
  /** Per Gateway key: the Secrets of the shared https listener. */
  shared: Map<string, Map<string, CertRef>>
  /** Per Gateway key: listeners of single hosts, sorted by name. */
  hostListeners: Map<string, HostListener[]>
  /** Per Gateway, the HTTPS listeners whose ClientTrafficPolicy keeps HTTP/2 explicitly (reportHttp2Downgrade). */
  keepHttp2: Map<string, Set<string>>
}

/**
 * Decides which hosts leave the shared https listener and sets `httpsListeners` / `closed` on their HostModel, so
 * that emit-routes attaches their routes to the right listeners. `certs` holds every Secret each Gateway reads (for
 * the ReferenceGrants); the plan's `shared` is what stays on the https listener.
 */
export function planHttpsListeners(
  index: HostIndex,
  ingresses: IngressModel[],
  certs: Map<string, Map<string, CertRef>>,
  certPlans: CertManagerPlans,
  options: TranslateOptions,
  diagnostics: Diagnostic[],
): HttpsListenerPlan {
  const plan: HttpsListenerPlan = {shared: new Map(), hostListeners: new Map(), keepHttp2: new Map()}
  for (const [key, refs] of certs) plan.shared.set(key, new Map(refs))
  const passthroughHosts = new Set<string>()
  for (const i of ingresses) if (i.served && !i.isCanary && isPassthrough(i)) for (const h of ruleHosts(i)) passthroughHosts.add(h)
  const certificateOf = (host: HostModel) => hostCertificate(host, certPlans)
  const add = (l: HostListener) => {
    const key = gatewayKey(l.gateway)
    const list = plan.hostListeners.get(key) ?? []
    if (!list.some((x) => x.name === l.name)) list.push(l)
    plan.hostListeners.set(key, list)
  }
  const own = new Set<string>()

  // Client certificates, per host, in nginx order.
  for (const [hostName, auth] of clientAuthByHost(ingresses, diagnostics)) {
    const host = index.hosts.get(hostName)
    if (!host || passthroughHosts.has(hostName)) continue
    const names = [hostName, ...host.aliases]
    if (auth.denied) {
      // nginx answered 403 for the host (AuthTLSError): its routes point at listeners that are never generated.
      host.closed = true
      host.httpsListeners = names.map(hostListenerName)
      own.add(hostName)
      continue
    }
    // Plain HTTP never asked for certificates, and without a TLS entry (the catch-all server included) nginx answered
    // HTTPS with its default certificate only: such hosts stay on the http listener (plain-hosts-https says so).
    // A first CA with verify "off" asks nobody: the host stays on the shared listener.
    if (!auth.winner || auth.winner.intent.verify === 'off' || hostName === '') continue
    if (!host.tls) {
      const covering = coveringTlsWildcard(index, host)
      const wildcardRef = covering && certificateOf(covering)
      // auth-tls-match-cn: no listener setting checks the subject; attachCoveredPlainHosts reports the host (error).
      if (covering && wildcardRef && auth.winner.intent.matchCn === undefined) {
        coverDeepClientAuthHost(host, names, covering, wildcardRef, auth.winner, add, diagnostics)
        own.add(hostName)
        continue
      }
      // nginx.tmpl SERVER: every server listens on 443 and sets ssl_verify_client from its CertificateAuth (controller.go
      // getBackendServers sets it whether or not the server has a certificate); certificate.lua serves the default one.
      // Under a TLS wildcard host the wildcard's route still answers the name over HTTPS, without the check:
      // wildcard-certificates.ts attachCoveredPlainHosts reports that as an error (mtls-host-under-tls-wildcard).
      diagnostics.push(
        diagnostic('mtls-host-without-tls', {host: hostName, ...(covering ? {wildcard: covering.name} : {}), matchCn: auth.winner.intent.matchCn !== undefined}, {
          level: 'warning',
          ...about('Ingress', auth.winner.ingress.ref),
          annotation: auth.winner.intent.from[0],
          hint: `give ${hostName} a TLS entry with its certificate and convert again: it then gets a listener of its own that asks for client certificates`,
          source: auth.winner.ingress.source,
        }),
      )
      continue
    }
    own.add(hostName)
    host.httpsListeners = names.map(hostListenerName)
    const ref = certificateOf(host)
    const missing =
      auth.winner.intent.matchCn !== undefined
        ? 'auth-tls-match-cn restricts the certificate subject, which no listener setting checks'
        : !ref
          ? `no Secret is known for ${hostName} (ingress-nginx served it with its default certificate)`
          : undefined
    for (const other of new Set(host.locations.map((l) => l.ingress))) {
      if (other === auth.winner.ingress) continue
      diagnostics.push(
        diagnostic('mtls-host-from-other-ingress', {host: hostName, from: auth.winner.ingress.id, listeners: [...host.httpsListeners]}, {...about('Ingress', other.ref), source: other.source}),
      )
    }
    names.forEach((n, i) =>
      add({
        gateway: host.gateway,
        name: host.httpsListeners![i],
        hostname: n,
        certificates: ref ? [ref] : [],
        clientAuth: auth.winner,
        reason: 'client-certificates',
        generated: missing === undefined,
        missing,
      }),
    )
  }

  // Certificate overlap on the shared listener, per Gateway.
  for (const [key, refs] of plan.shared) {
    resolveOverlaps(key, refs, index, ingresses, certPlans, own, certificateOf, add, diagnostics)
  }
  // Wildcard host listeners take the TLS connections of the more specific hosts left on the shared listener.
  for (const [key, refs] of plan.shared) {
    separateShadowedHosts(key, refs, plan.hostListeners.get(key) ?? [], index, passthroughHosts, certificateOf, add, diagnostics)
  }
  for (const list of plan.hostListeners.values()) list.sort((a, b) => compareStrings(a.name, b.name))
  for (const list of plan.hostListeners.values()) reportHostListeners(list, options, diagnostics)
  const declared = declaredNames(ingresses, certPlans)
  for (const [key, list] of plan.hostListeners) {
    const keep = reportHttp2Downgrade(key, plan.shared.get(key) ?? new Map(), list, index, declared, options, diagnostics)
    if (keep.size > 0) plan.keepHttp2.set(key, keep)
  }
  return plan
}

/**
 * The longest TLS wildcard host on the host's Gateway whose route answers the host's name at any depth (Gateway API
 * hostnames: `*.example.com` matches a.b.example.com), when the host itself has no TLS.
 */
function coveringTlsWildcard(index: HostIndex, host: HostModel): HostModel | undefined {
  const key = gatewayKey(host.gateway)
  return [...index.hosts.values()]
    .filter((w) => w.name.startsWith('*.') && w.tls && !w.closed && w.name !== host.name && gatewayKey(w.gateway) === key && host.name.endsWith(w.name.slice(1)))
    .sort((a, b) => b.name.length - a.name.length || compareStrings(a.name, b.name))[0]
}

/**
 * A host without TLS that asks for client certificates, under a TLS wildcard host that does not cover it for nginx (a
 * deeper name, or another controller's). ingress-nginx: every server listens on 443 (nginx.tmpl SERVER,
 * buildHTTPSListener) and the host's own server block sets ssl_verify_client, which nginx applies by SNI
 * (ngx_http_ssl_servername) and enforces against Host (ngx_http_set_virtual_server: 421 when the Host's server verifies
 * and differs from the SNI's); certificate.lua get_pem_cert_uid finds no certificate for the name (one wildcard label
 * only), so the handshake got the default certificate. On the Gateway the wildcard's route would answer the name over
 * HTTPS without asking for a certificate (wildcard-certificates.ts attachCoveredPlainHosts): a listener of the host's
 * own, which Envoy prefers by SNI (exact before wildcard, filter_chain_manager_impl.cc findFilterChainForServerName),
 * asks for them, with the wildcard's Secret since the default certificate is not in the input. Plain HTTP stays as
 * nginx served it (no certificate for the name: no redirect, no client certificate), so the routes keep http.
 */
function coverDeepClientAuthHost(
  host: HostModel,
  names: string[],
  covering: HostModel,
  ref: CertRef,
  winner: NonNullable<HostAuth['winner']>,
  add: (l: HostListener) => void,
  diagnostics: Diagnostic[],
): void {
  const listeners = names.map(hostListenerName)
  host.httpsAlso = listeners
  names.forEach((n, i) => add({gateway: host.gateway, name: listeners[i]!, hostname: n, certificates: [ref], clientAuth: winner, reason: 'client-certificates', generated: true, coveredBy: covering.name}))
  diagnostics.push(
    diagnostic('mtls-host-under-tls-wildcard', {case: 'own-listener', host: host.name, wildcard: covering.name, listeners, secret: `${ref.namespace}/${ref.name}`}, {
      ...about('Ingress', winner.ingress.ref),
      level: 'warning',
      annotation: winner.intent.from[0],
      hint: `give ${host.name} a TLS entry with a certificate for it and convert again: the listener then presents that certificate`,
      source: winner.ingress.source,
    }),
  )
}

/**
 * controller.go extractTLSSecretName: a host no TLS entry lists gets the first entry's Secret whose certificate covers
 * it (VerifyHostname). Secret data is never read here, but an entry declaring `*.<parent>` names the wildcard its
 * certificate carries; when that entry is the Ingress's first with a Secret, nginx took it for the host, and the host
 * is treated as listed by it. Otherwise the choice depends on certificates nobody declared, and stays unresolved.
 */
export function resolveWildcardTls(index: HostIndex): void {
  for (const host of index.hosts.values()) {
    const tls = host.tls
    if (!tls || tls.entryIndex !== undefined || host.name === '') continue
    const entries: any[] = Array.isArray(tls.ingress.object.spec?.tls) ? tls.ingress.object.spec.tls : []
    const first = entries.findIndex((e) => typeof e?.secretName === 'string' && e.secretName !== '')
    if (first < 0) continue
    const declared = new Set<string>((Array.isArray(entries[first].hosts) ? entries[first].hosts : []).map(normalizeHost))
    if (!host.name.startsWith('*.') && covers(declared, host.name)) {
      tls.entryIndex = first
      tls.secretName = entries[first].secretName
    }
  }
}

function ruleHosts(ingress: IngressModel): string[] {
  const rules: any[] = Array.isArray(ingress.object.spec?.rules) ? ingress.object.spec.rules : []
  return [...new Set(rules.map((r) => normalizeHost(r?.host)))]
}

/** The Secret serving a host on the Gateway: its TLS winner's entry, or the Certificate planned for that entry. */
function hostCertificate(host: HostModel, certPlans: CertManagerPlans): CertRef | undefined {
  const tls = host.tls
  if (!tls || !tls.secretName) return undefined
  if (certPlans.ingresses.has(tls.ingress.id)) {
    const planned = certPlans.bySecret.get(`${tls.ingress.id}#${tls.secretName}`)
    return planned ? {namespace: planned.secretRef.namespace, name: planned.secretRef.name, sources: [objectRef('Ingress', tls.ingress.ref)], subject: about('Ingress', tls.ingress.ref)} : undefined
  }
  return {namespace: tls.ingress.ref.namespace, name: tls.secretName, sources: [objectRef('Ingress', tls.ingress.ref)], subject: about('Ingress', tls.ingress.ref)}
}

interface HostAuth {
  winner?: {ingress: IngressModel; intent: ClientAuthIntent}
  denied?: {ingress: IngressModel; intent: ClientAuthIntent}
}

/**
 * controller.go getBackendServers, per rule with http (in nginx order): the first AuthTLSError of a host sticks
 * (nginx answers 403 for the host), and `server.CertificateAuth` is taken from the first Ingress whose CA loaded.
 */
function clientAuthByHost(ingresses: IngressModel[], diagnostics: Diagnostic[]): Map<string, HostAuth> {
  const byHost = new Map<string, HostAuth>()
  for (const ingress of ingresses) {
    const intent = ingress.intents.clientAuth
    if (!intent || ingress.isCanary) continue
    const rules: any[] = Array.isArray(ingress.object.spec?.rules) ? ingress.object.spec.rules : []
    for (const host of [...new Set(rules.filter((r) => r?.http || normalizeHost(r?.host) === '').map((r) => normalizeHost(r?.host)))]) {
      const state = byHost.get(host) ?? {}
      byHost.set(host, state)
      if (intent.denied) {
        state.denied ??= {ingress, intent}
        continue
      }
      if (!state.winner) {
        state.winner = {ingress, intent}
        continue
      }
      const w = state.winner
      diagnostics.push(
        diagnostic(
          'mtls-host-settings-from-other-ingress',
          {host, from: w.ingress.id, ca: `${w.intent.secret.namespace}/${w.intent.secret.name}`, verify: String(w.intent.verify)},
          {...about('Ingress', ingress.ref), annotation: intent.from[0], source: ingress.source},
        ),
      )
    }
  }
  for (const [host, state] of byHost) {
    if (!state.denied) continue
    const d = state.denied
    diagnostics.push(
      diagnostic(
        'mtls-host-closed',
        {host, reason: d.intent.denied!},
        {
          ...about('Ingress', d.ingress.ref),
          annotation: d.intent.from[0],
          hint: 'fix auth-tls-secret (namespace/name of a Secret in the Ingress namespace) and convert again',
          source: d.ingress.source,
        },
      ),
    )
  }
  return byHost
}

/** A TLS wildcard name covers exactly one more label (`*.example.com` covers `a.example.com`). */
function covers(names: Set<string>, host: string): boolean {
  if (names.has(host)) return true
  const dot = host.indexOf('.')
  return dot > 0 && names.has(`*${host.slice(dot)}`)
}

/**
 * Names each Secret is known to carry: the hosts of every TLS entry naming it (in its namespace), or the dnsNames of
 * the Certificate planned for it.
 */
function declaredNames(ingresses: IngressModel[], certPlans: CertManagerPlans): Map<string, Set<string>> {
  const names = new Map<string, Set<string>>()
  const addAll = (id: string, hosts: unknown[]) => {
    const set = names.get(id) ?? new Set<string>()
    for (const h of hosts) if (typeof h === 'string' && h.trim() !== '') set.add(normalizeHost(h))
    names.set(id, set)
  }
  for (const i of ingresses) {
    if (!i.served || i.isCanary || isPassthrough(i)) continue
    for (const e of Array.isArray(i.object.spec?.tls) ? i.object.spec.tls : []) {
      if (typeof e?.secretName === 'string' && e.secretName !== '' && Array.isArray(e.hosts)) addAll(`${i.ref.namespace}/${e.secretName}`, e.hosts)
    }
  }
  for (const {plan} of certPlans.plans) addAll(`${plan.secretRef.namespace}/${plan.secretRef.name}`, plan.hosts)
  return names
}

function resolveOverlaps(
  key: string,
  refs: Map<string, CertRef>,
  index: HostIndex,
  ingresses: IngressModel[],
  certPlans: CertManagerPlans,
  own: Set<string>,
  certificateOf: (host: HostModel) => CertRef | undefined,
  add: (l: HostListener) => void,
  diagnostics: Diagnostic[],
): void {
  const declared = declaredNames(ingresses, certPlans)
  // The hosts each Secret serves on this Gateway, with the nginx order of the Ingress that gave it the host.
  const won = new Map<string, {host: HostModel; order: number}[]>()
  // The first (lowest) of those orders per Secret, kept as hosts are added: a wildcard Secret can serve thousands.
  const firstOrders = new Map<string, number>()
  for (const host of index.hosts.values()) {
    if (gatewayKey(host.gateway) !== key || host.name === '') continue
    const ref = certificateOf(host)
    if (!ref) continue
    const id = `${ref.namespace}/${ref.name}`
    const order = host.tls!.ingress.order
    const list = won.get(id)
    if (list) list.push({host, order})
    else won.set(id, [{host, order}])
    firstOrders.set(id, Math.min(firstOrders.get(id) ?? Number.MAX_SAFE_INTEGER, order))
  }
  const firstOrder = (id: string) => firstOrders.get(id) ?? Number.MAX_SAFE_INTEGER
  const ids = [...refs.keys()].sort((a, b) => firstOrder(a) - firstOrder(b) || compareStrings(a, b))
  const claimed = new Map<string, string>()
  const kept: string[] = []
  for (const id of ids) {
    const served = (won.get(id) ?? []).map((w) => w.host).sort((a, b) => compareStrings(a.name, b.name))
    const sharedHosts = served.filter((h) => !own.has(h.name))
    if (served.length > 0 && sharedHosts.length === 0) {
      // Every host of this Secret has a listener of its own, where the Secret is listed.
      refs.delete(id)
      continue
    }
    const names = declared.get(id) ?? new Set<string>()
    const clashes = [...names].filter((n) => claimed.has(n)).sort()
    if (clashes.length === 0) {
      kept.push(id)
      for (const n of names) claimed.set(n, id)
      continue
    }
    const others = [...new Set(clashes.map((n) => claimed.get(n)!))]
    const ref = refs.get(id)!
    const subject = ref.subject ?? {object: ref.sources[0] ?? `Secret ${id}`}
    refs.delete(id)
    const coveredBy = (h: HostModel) => kept.find((k) => covers(declared.get(k) ?? new Set(), h.name))
    if (sharedHosts.every((h) => coveredBy(h) !== undefined)) {
      const instead = sharedHosts.map((h) => ({host: h.name, secret: coveredBy(h)!}))
      diagnostics.push(diagnostic('tls-certificate-redundant', {secret: id, names: clashes, like: others, gateway: key, instead}, subject))
      continue
    }
    for (const host of sharedHosts) {
      const hostRef = {...ref, sources: [...ref.sources]}
      const listenerNames = [host.name, ...host.aliases]
      host.httpsListeners = listenerNames.map(hostListenerName)
      listenerNames.forEach((n, i) => add({gateway: host.gateway, name: host.httpsListeners![i], hostname: n, certificates: [hostRef], reason: 'certificate-overlap', generated: true}))
    }
    diagnostics.push(
      diagnostic(
        'tls-certificate-overlap',
        {secret: id, names: clashes, like: others, hosts: sharedHosts.map((h) => h.name), listeners: sharedHosts.flatMap((h) => h.httpsListeners!)},
        {...subject, hint: 'issue one certificate per host set (or one wildcard) to keep a single https listener'},
      ),
    )
  }
  reportSameNamedSecrets(key, kept, declared, diagnostics)
}

/**
 * Envoy Gateway gives every HTTPS listener of a port a filter chain of its own, matched by SNI with the listener's
 * hostname (xds/translator/listener.go addServerNamesMatch; none for the shared listener, which has no hostname), and
 * Envoy takes the most specific match: the exact name, then each wildcard suffix, then a chain without server names
 * (source/common/listener_manager/filter_chain_manager_impl.cc findFilterChainForServerName). A listener for
 * `*.example.com` therefore receives the connections for www.example.com even when www.example.com is served on the
 * shared listener: its route table has only the wildcard's routes, so www.example.com would reach the wildcard's
 * backend (and be asked for the wildcard's client certificate). nginx chose the server of the exact name first. Such
 * hosts get listeners of their own (exact names beat the wildcard) with the certificate they had, and a Secret no
 * host of the shared listener still uses leaves it.
 */
function separateShadowedHosts(
  key: string,
  refs: Map<string, CertRef>,
  hostListeners: HostListener[],
  index: HostIndex,
  passthroughHosts: Set<string>,
  certificateOf: (host: HostModel) => CertRef | undefined,
  add: (l: HostListener) => void,
  diagnostics: Diagnostic[],
): void {
  const wildcards = hostListeners.filter((l) => l.generated && l.hostname.startsWith('*.'))
  if (wildcards.length === 0) return
  const shadowing = (name: string): HostListener | undefined => {
    const suffix = name.startsWith('*.') ? name.slice(1) : name
    // The longest wildcard suffix wins in Envoy, as in findFilterChainForServerName.
    return wildcards
      .filter((w) => w.hostname !== name && suffix.endsWith(w.hostname.slice(1)))
      .sort((a, b) => b.hostname.length - a.hostname.length || compareStrings(a.name, b.name))[0]
  }
  const shared = [...index.hosts.values()]
    .filter((h) => gatewayKey(h.gateway) === key && h.name !== '' && h.tls && !h.httpsListeners && !h.closed && !passthroughHosts.has(h.name))
    .sort((a, b) => compareStrings(a.name, b.name))
  const moved = new Map<HostListener, string[]>()
  for (const host of shared) {
    const names = [host.name, ...host.aliases]
    const by = names.map(shadowing).find((w) => w !== undefined)
    if (!by) continue
    const ref = certificateOf(host)
    if (!ref) {
      diagnostics.push(
        diagnostic('tls-sni-shadowed', {case: 'default-certificate', host: host.name, listener: by.name, hostname: by.hostname, gateway: key}, {
          ...about('Ingress', host.tls!.ingress.ref),
          level: 'warning',
          fidelity: 'approximate',
          hint: `give ${host.name} a TLS entry with its Secret and convert again, or add a listener for ${host.name} with the default certificate`,
        }),
      )
      continue
    }
    host.httpsListeners = names.map(hostListenerName)
    names.forEach((n, i) => add({gateway: host.gateway, name: host.httpsListeners![i], hostname: n, certificates: [{...ref, sources: [...ref.sources]}], reason: 'sni-shadowed', generated: true}))
    moved.set(by, [...(moved.get(by) ?? []), ...names])
  }
  for (const [by, names] of moved) {
    diagnostics.push(
      diagnostic('tls-sni-shadowed', {case: 'moved', listener: by.name, hostname: by.hostname, hosts: names, listeners: names.map(hostListenerName)}, {...aboutGatewayKey(key), level: 'info', fidelity: 'exact'}),
    )
  }
  if (moved.size === 0) return
  // A Secret whose every host now has a listener of its own is listed there, not on the shared listener.
  const serving = new Map<string, HostModel[]>()
  for (const host of index.hosts.values()) {
    if (gatewayKey(host.gateway) !== key || host.name === '') continue
    const ref = certificateOf(host)
    if (ref) serving.set(`${ref.namespace}/${ref.name}`, [...(serving.get(`${ref.namespace}/${ref.name}`) ?? []), host])
  }
  for (const [id, hosts] of serving) if (refs.has(id) && hosts.every((h) => h.httpsListeners !== undefined)) refs.delete(id)
}

/** internal/gatewayapi/listener.go areOverlappingHostnames: equal, or a wildcard covering exactly one more label. */
function overlappingNames(a: string, b: string): boolean {
  const covers = (name: string, wildcard: string) => wildcard.startsWith('*.') && !name.startsWith('*.') && name.endsWith(wildcard.slice(1)) && !name.slice(0, -wildcard.length + 1).includes('.')
  return a === b || covers(a, b) || covers(b, a)
}

/** A certificate name valid for a host name (RFC 6125: equal, or a wildcard covering exactly one more label). */
function certificateCovers(name: string, host: string): boolean {
  return name === host || (name.startsWith('*.') && host.endsWith(name.slice(1)) && !host.slice(0, -name.length + 1).includes('.'))
}

interface TlsListenerView {
  name: string
  hostname?: string
  ids: string[]
  /** The TLS wildcard host whose certificate a deeper host's listener presents (coverDeepClientAuthHost). */
  coveredBy?: string
}

/**
 * Pairs of listeners known to overlap: they list one Secret, or Secrets declared (TLS entries, Certificate dnsNames)
 * for overlapping names (internal/gatewayapi/listener.go isOverlappingCertificate, areOverlappingHostnames).
 */
function overlappingListenerPairs(listeners: TlsListenerView[], declared: Map<string, Set<string>>): {a: TlsListenerView; b: TlsListenerView; reason: string}[] {
  const pairs: {a: TlsListenerView; b: TlsListenerView; reason: string}[] = []
  for (const [i, j] of candidatePairs(listeners, declared)) {
    const [a, b] = [listeners[i]!, listeners[j]!]
    let reason: string | undefined
    const common = a.ids.find((id) => b.ids.includes(id))
    if (common) reason = `both list Secret ${common}`
    else {
      outer: for (const x of a.ids) {
        for (const y of b.ids) {
          for (const n of declared.get(x) ?? []) {
            const m = [...(declared.get(y) ?? [])].find((o) => overlappingNames(n, o))
            if (m) {
              reason = `Secret ${x} is declared for ${n} and Secret ${y} for ${m}`
              break outer
            }
          }
        }
      }
    }
    if (reason) pairs.push({a, b, reason})
  }
  return pairs
}

/**
 * The listener pairs (i < j, in that order) that may overlap: those sharing a Secret or a declared name, and those
 * where one declares a name a wildcard of the other covers (overlappingNames). Checking every pair was quadratic in
 * the listeners, thousands where hosts have listeners of their own; this finds the same pairs through indexes.
 */
function candidatePairs(listeners: TlsListenerView[], declared: Map<string, Set<string>>): [number, number][] {
  const shared = new Map<string, Set<number>>()
  // The wildcard a name's first label falls under (`a.b.c` -> `*.b.c`), and the listeners declaring each wildcard.
  const covered = new Map<string, Set<number>>()
  const wildcards = new Map<string, Set<number>>()
  const addTo = <K>(map: Map<K, Set<number>>, key: K, i: number) => {
    const set = map.get(key)
    if (set) set.add(i)
    else map.set(key, new Set([i]))
  }
  listeners.forEach((l, i) => {
    for (const id of l.ids) {
      addTo(shared, `secret ${id}`, i)
      for (const n of declared.get(id) ?? []) {
        addTo(shared, `name ${n}`, i)
        if (n.startsWith('*.')) addTo(wildcards, n, i)
        else if (n.includes('.')) addTo(covered, `*${n.slice(n.indexOf('.'))}`, i)
      }
    }
  })
  const found = new Map<number, Set<number>>()
  const pair = (x: number, y: number) => {
    if (x === y) return
    const [i, j] = x < y ? [x, y] : [y, x]
    addTo(found, i, j)
  }
  for (const group of shared.values()) for (const x of group) for (const y of group) pair(x, y)
  for (const [wildcard, names] of covered) for (const x of names) for (const y of wildcards.get(wildcard) ?? []) pair(x, y)
  const out: [number, number][] = []
  for (const [i, js] of found) for (const j of js) out.push([i, j])
  return out.sort((p, q) => p[0] - q[0] || p[1] - q[1])
}

/**
 * An overlap no client that checks certificates can act on: one listener is a deeper host's (coverDeepClientAuthHost)
 * presenting a TLS wildcard's certificate, and no Secret of either listener is declared for that host's name. HTTP/2
 * connection coalescing (RFC 9113 section 9.1.1; GEP-3567, the reason xds/translator/listener.go gives for forcing
 * http/1.1) reuses a connection for another name only when the connection's certificate is valid for that name:
 * `*.example.com` is not valid for a.b.example.com, so no connection of the other listener is reused for the deep
 * host, and a client that checks certificates opens none to the deep host's listener that it could reuse elsewhere.
 */
function harmlessOverlap(pair: {a: TlsListenerView; b: TlsListenerView}, declared: Map<string, Set<string>>): boolean {
  const deep = [pair.a, pair.b].filter((l) => l.coveredBy !== undefined && l.hostname !== undefined)
  if (deep.length === 0) return false
  const names = [...pair.a.ids, ...pair.b.ids].flatMap((id) => [...(declared.get(id) ?? [])])
  return deep.every((l) => !names.some((n) => certificateCovers(n, l.hostname!)))
}

/**
 * Envoy Gateway turns HTTP/2 off on every HTTPS listener whose certificates share a name with another listener's of
 * the port (internal/gatewayapi/listener.go checkOverlappingCertificates sets TLSOverlaps and the condition
 * OverlappingTLSConfig; xds/translator/listener.go addHCMToXDSListener then offers ALPN http/1.1 only, "if ALPN is
 * explicitly set by the user using ClientTrafficPolicy, we keep it as is": `TLSOverlaps && config.ALPNProtocols ==
 * nil`), because a browser would reuse an HTTP/2 connection for the other listener's names and reach the wrong route
 * table. nginx served HTTP/2 on every server. Secret data is never read: listeners are known to overlap when they list
 * one Secret, or Secrets declared for overlapping names. gRPC needs HTTP/2, so gRPC routes on such a listener stop
 * working. When every overlap is harmless (harmlessOverlap) and every Secret on the Gateway's HTTPS listeners has
 * declared names (no overlap went unseen), the listeners returned keep HTTP/2 by an explicit tls.alpnProtocols.
 */
function reportHttp2Downgrade(
  key: string,
  shared: Map<string, CertRef>,
  hostListeners: HostListener[],
  index: HostIndex,
  declared: Map<string, Set<string>>,
  options: TranslateOptions,
  diagnostics: Diagnostic[],
): Set<string> {
  const listeners: TlsListenerView[] = [
    ...(shared.size > 0 ? [{name: options.httpsListener, ids: [...shared.keys()]}] : []),
    ...hostListeners.filter((l) => l.generated).map((l) => ({name: l.name, hostname: l.hostname, ids: l.certificates.map((c) => `${c.namespace}/${c.name}`), coveredBy: l.coveredBy})),
  ]
  const pairs = overlappingListenerPairs(listeners, declared)
  if (pairs.length === 0) return new Set()
  const affectedNames = new Set(pairs.flatMap((p) => [p.a.name, p.b.name]))
  const affected = listeners.filter((l) => affectedNames.has(l.name))
  const described = pairs.map((p) => `${p.a.name} and ${p.b.name}: ${p.reason}`)
  const allDeclared = listeners.every((l) => l.ids.every((id) => (declared.get(id)?.size ?? 0) > 0))
  if (allDeclared && pairs.every((p) => harmlessOverlap(p, declared))) {
    const deep = affected.filter((l) => l.coveredBy !== undefined)
    const facts = {
      gateway: key,
      listeners: affected.map((l) => l.name),
      overlaps: pairs.map((p) => ({a: p.a.name, b: p.b.name, reason: p.reason})),
      covered: deep.map((l) => ({hostname: l.hostname!, coveredBy: l.coveredBy!})),
    }
    diagnostics.push(
      diagnostic('tls-listeners-http2-kept', facts, {
        ...aboutGatewayKey(key),
        hint: `if a Secret listed there also names ${deep.map((l) => l.hostname).join(', ')} (not declared in any TLS entry), remove tls.alpnProtocols from those ClientTrafficPolicies; better, give each such host a TLS entry with a certificate for it`,
      }),
    )
    return new Set(affected.map((l) => l.name))
  }
  // The TLS hosts each listener serves, indexed once (index order kept): a walk of every host per listener was
  // quadratic where many hosts have listeners of their own.
  const onShared: HostModel[] = []
  const byName = new Map<string, HostModel[]>()
  for (const h of index.hosts.values()) {
    if (gatewayKey(h.gateway) !== key || h.tls === undefined || h.name === '') continue
    if (h.httpsListeners === undefined) onShared.push(h)
    for (const name of new Set([h.name, ...h.aliases])) {
      const list = byName.get(name)
      if (list) list.push(h)
      else byName.set(name, [h])
    }
  }
  const hostsOn = (l: TlsListenerView) => (l.hostname === undefined ? onShared : (byName.get(l.hostname) ?? []))
  const grpc = [...new Set(affected.flatMap((l) => hostsOn(l).filter((h) => h.locations.some((loc) => loc.ingress.intents.grpc !== undefined)).map((h) => h.name)))].sort()
  diagnostics.push(
    diagnostic('tls-listeners-http1-only', {gateway: key, listeners: affected.map((l) => l.name), pairs: described, grpcHosts: grpc}, {
      ...aboutGatewayKey(key),
      level: grpc.length > 0 ? 'warning' : 'info',
      hint:
        'give the hosts with listeners of their own certificates that name only them, or set tls.alpnProtocols [h2, http/1.1] in those listeners\' ClientTrafficPolicies (Envoy Gateway keeps an explicit ALPN; a browser may then send a request for one listener\'s host over the other\'s connection and get 404)',
    }),
  )
  return new Set()
}

/**
 * Secrets of one name in several namespaces are often copies of one certificate (a replicated wildcard). When their
 * TLS entries declare no common name, nothing here proves it, so all stay on the listener (correct whether or not they
 * are copies); if they are copies, Envoy Gateway serves the first and reports the others (PartiallyInvalidCertificateRef).
 */
function reportSameNamedSecrets(key: string, kept: string[], declared: Map<string, Set<string>>, diagnostics: Diagnostic[]): void {
  const byName = new Map<string, string[]>()
  for (const id of kept) {
    const name = id.slice(id.indexOf('/') + 1)
    byName.set(name, [...(byName.get(name) ?? []), id])
  }
  for (const ids of byName.values()) {
    if (ids.length < 2) continue
    const wildcards = [...new Set(ids.flatMap((id) => [...(declared.get(id) ?? [])]).map((h) => `*${h.slice(h.indexOf('.'))}`))].sort()
    diagnostics.push(
      diagnostic('tls-secret-copies', {gateway: key, secrets: ids}, {
        ...aboutGatewayKey(key),
        hint: `if they are copies of a wildcard certificate, list the wildcard (e.g. ${wildcards[0] ?? '*.example.com'}) in the hosts of their TLS entries and convert again: the copies after the first are then left off the listener`,
      }),
    )
  }
}

/** What each host listener needs, once per listener: generated, or what a person must add. */
function reportHostListeners(list: HostListener[], options: TranslateOptions, diagnostics: Diagnostic[]): void {
  for (const l of list) {
    if (l.generated || !l.clientAuth) continue
    const {ingress} = l.clientAuth
    diagnostics.push(
      diagnostic(
        'mtls-listener-not-generated',
        {host: l.hostname, listener: l.name, missing: String(l.missing), sharedListener: options.httpsListener},
        {...about('Ingress', ingress.ref), annotation: l.clientAuth.intent.from[0], source: ingress.source},
      ),
    )
  }
}

/** The Gateway listener of one host: HTTPS on 443 with the host's certificate, admitting routes as the https listener. */
export function hostListenerObject(l: HostListener, options: TranslateOptions): Record<string, any> {
  return {
    name: l.name,
    hostname: l.hostname,
    port: 443,
    protocol: 'HTTPS',
    allowedRoutes: {namespaces: {from: 'Selector', selector: {matchLabels: {[options.namespaceLabel.key]: options.namespaceLabel.value}}}},
    tls: {
      mode: 'Terminate',
      certificateRefs: l.certificates.map((c) => {
        const ref: Record<string, string> = {group: '', kind: 'Secret', name: c.name}
        if (c.namespace !== l.gateway.namespace) ref.namespace = c.namespace
        return ref
      }),
    },
  }
}

/**
 * What the listener's ClientTrafficPolicy adds for client certificates: tls.clientValidation, and the headers nginx
 * sent upstream on such servers (nginx.tmpl: ssl-client-verify, ssl-client-subject-dn, ssl-client-issuer-dn, and
 * ssl-client-cert with auth-tls-pass-certificate-to-upstream). With verify "on" every request carries a verified
 * certificate, so they are set from Envoy's format strings (%DOWNSTREAM_PEER_SUBJECT% is RFC 2253 like nginx's
 * $ssl_client_s_dn; %DOWNSTREAM_PEER_CERT% is the URL-encoded PEM like $ssl_client_escaped_cert). With an optional
 * mode a request may carry none, and Envoy skips a header whose value comes out empty, which would keep a
 * client-sent one: they are removed instead and the certificate details travel in X-Forwarded-Client-Cert.
 */
export function hostListenerTraffic(l: HostListener, verifyModes: Record<string, string>): HostListenerTraffic {
  const sources = [...new Set(l.certificates.flatMap((c) => c.sources))]
  if (!l.clientAuth) return {name: l.name, sources}
  const {intent, ingress} = l.clientAuth
  const ca: Record<string, string> = {group: '', kind: 'Secret', name: intent.secret.name}
  if (intent.secret.namespace !== l.gateway.namespace) ca.namespace = intent.secret.namespace
  // clientValidation.mode exists from Envoy Gateway v1.8; the forms older releases accept come first: no mode is
  // RequireAndVerify, `optional: true` is VerifyIfGiven (clienttrafficpolicy.go buildListenerTLSParameters).
  const clientValidation: Record<string, any> = {caCertificateRefs: [ca]}
  if (intent.verify === 'optional') clientValidation.optional = true
  else if (intent.verify !== 'on') clientValidation.mode = verifyModes[intent.verify]
  const out: HostListenerTraffic = {
    name: l.name,
    clientValidation,
    sources: [...new Set([...sources, objectRef('Ingress', ingress.ref)])],
  }
  if (intent.verify === 'on') {
    const set = [
      {name: 'ssl-client-verify', value: 'SUCCESS'},
      {name: 'ssl-client-subject-dn', value: '%DOWNSTREAM_PEER_SUBJECT%'},
      {name: 'ssl-client-issuer-dn', value: '%DOWNSTREAM_PEER_ISSUER%'},
    ]
    if (intent.passCertificate) set.push({name: 'ssl-client-cert', value: '%DOWNSTREAM_PEER_CERT%'})
    out.earlyRequestHeaders = {set}
  } else {
    out.earlyRequestHeaders = {remove: ['ssl-client-verify', 'ssl-client-subject-dn', 'ssl-client-issuer-dn', ...(intent.passCertificate ? ['ssl-client-cert'] : [])]}
    out.xForwardedClientCert = {mode: 'SanitizeSet', certDetailsToAdd: intent.passCertificate ? ['Subject', 'Cert'] : ['Subject']}
  }
  return out
}

/** ReferenceGrants letting the host listeners' ClientTrafficPolicies read CA Secrets of other namespaces. */
export function caReferenceGrants(listeners: HostListener[]): Emitted[] {
  const byNamespace = new Map<string, {gateway: NamespacedName; names: Set<string>; sources: Set<string>}>()
  for (const l of listeners) {
    if (!l.clientAuth || !l.generated) continue
    const {secret} = l.clientAuth.intent
    if (secret.namespace === l.gateway.namespace) continue
    const key = `${secret.namespace}|${gatewayKey(l.gateway)}`
    const entry = byNamespace.get(key) ?? {gateway: l.gateway, names: new Set<string>(), sources: new Set<string>()}
    entry.names.add(secret.name)
    entry.sources.add(objectRef('Ingress', l.clientAuth.ingress.ref))
    byNamespace.set(key, entry)
  }
  return [...byNamespace.entries()]
    .sort(([a], [b]) => compareStrings(a, b))
    .map(([key, {gateway, names, sources}]) =>
      record(
        {
          apiVersion: 'gateway.networking.k8s.io/v1beta1',
          kind: 'ReferenceGrant',
          metadata: managedMetadata(dnsName('ingress2gw', gateway.namespace, gateway.name, 'client-ca'), key.split('|')[0], [...sources]),
          spec: {
            from: [{group: 'gateway.envoyproxy.io', kind: 'ClientTrafficPolicy', namespace: gateway.namespace}],
            to: [...names].sort().map((name) => ({group: '', kind: 'Secret', name})),
          },
        },
        'reference-grant',
        {ingresses: ingressIds(sources), gateway: gatewayKey(gateway)},
      ),
    )
}
