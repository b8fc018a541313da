import {hostListenerName} from '../model/gateway-refs.js'
import {normalizeHost} from '../model/names.js'
import type {ClientAuthIntent} from '../model/ingress-model.js'
import {crossNamespaceAllowed, SECRET_NAME} from './basic-auth.js'
import {denyLocations} from './headers.js'
import {parseBool, parseEnum, parseInt10, parseRegexValue} from '../model/parsers.js'
import type {AnnotationFamily, FamilyContext} from './types.js'

/**
 * auth-tls-* (client certificates, mTLS) -> a Gateway listener of the host's own with a ClientTrafficPolicy
 * tls.clientValidation (https-listeners.ts plans it, the gateway bundle emits it), and every route of the host
 * attached to that listener instead of the shared `https` one.
 *
 * ingress-nginx applies these in the `server{}` of the host (ssl_client_certificate, ssl_verify_client; the first
 * Ingress of the host that names a CA wins, controller.go getBackendServers), answering a failed verification with
 * 400 (495/496 internally, or auth-tls-error-page), and a request whose Host is not the TLS server name with 421
 * (nginx's ngx_http_set_virtual_server). Envoy Gateway validates client certificates per listener, during the TLS
 * handshake; on the shared `https` listener that would force mTLS on every tenant. A host's routes therefore never
 * attach to the shared listener: without the host listener (no gateway bundle, auth-tls-match-cn, no certificate)
 * nothing is served over HTTPS for the host, which fails closed.
 */

type VerifyClient = 'on' | 'off' | 'optional' | 'optional_no_ca'

/** nginx ssl_verify_client -> EG clientValidation.mode (Go tls.ClientAuthType names). */
export const VERIFY_CLIENT_MODE: Record<Exclude<VerifyClient, 'off'>, string> = {
  on: 'RequireAndVerify',
  optional: 'VerifyIfGiven',
  optional_no_ca: 'Request',
}

const TLS_KEYS = ['auth-tls-verify-client', 'auth-tls-verify-depth', 'auth-tls-error-page', 'auth-tls-pass-certificate-to-upstream', 'auth-tls-match-cn'] as const

/**
 * Whether the Ingress's own TLS entries give a host its certificate: listed, or under a listed one-label wildcard
 * (controller.go createServers / extractTLSSecretName).
 */
function tlsHostsOf(ctx: FamilyContext): (host: string) => boolean {
  const entries: any[] = Array.isArray(ctx.ingress.object.spec?.tls) ? ctx.ingress.object.spec.tls : []
  const listed = new Set(entries.flatMap((e) => (Array.isArray(e?.hosts) ? e.hosts : [])).map((h: unknown) => normalizeHost(h)))
  return (host) => listed.has(host) || (host.indexOf('.') > 0 && listed.has(`*${host.slice(host.indexOf('.'))}`))
}

function hostsOf(ctx: FamilyContext): string[] {
  const rules: any[] = Array.isArray(ctx.ingress.object.spec?.rules) ? ctx.ingress.object.spec.rules : []
  return [...new Set(rules.map((r) => normalizeHost(r?.host)))].sort()
}

export const clientCertificatesFamily: AnnotationFamily = {
  name: 'client-certificates',
  owns: ['clientAuth'],
  specs: [
    {
      key: 'auth-tls-secret',
      summary: 'namespace/name of a Secret with ca.crt (and optional ca.crl): verify client certificates for the whole host',
      fidelity: 'approximate',
      target: 'an HTTPS listener of the host\'s own + ClientTrafficPolicy tls.clientValidation.caCertificateRefs (gateway bundle; the host\'s routes attach to it, never to the shared https listener)',
      note: 'a failed verification ends the TLS handshake instead of nginx\'s HTTP 400; without the gateway bundle the gateway owner adds the listener, and until then the host is not served over HTTPS',
      parse: (v) => (/^[/\-._~a-zA-Z0-9:]*$/.test(v.replaceAll(' ', '')) && v.trim() !== '' ? {ok: true, value: v.trim()} : {ok: false, reason: `"${v}" is not a Secret reference (namespace/name)`}),
    },
    {
      key: 'auth-tls-verify-client',
      summary: 'on (require a valid certificate), optional, optional_no_ca (request, do not verify), off',
      fidelity: 'exact',
      target: 'ClientTrafficPolicy tls.clientValidation.mode (RequireAndVerify, VerifyIfGiven, Request)',
      note: 'on the listener generated for auth-tls-secret: on -> RequireAndVerify, optional -> VerifyIfGiven, optional_no_ca -> Request',
      default: 'on',
      parse: parseEnum(['on', 'off', 'optional', 'optional_no_ca'] as const),
    },
    {
      key: 'auth-tls-verify-depth',
      summary: 'Maximum length of the client certificate chain (default 1: signed directly by the CA)',
      fidelity: 'approximate',
      target: 'none (Envoy Gateway has no verify-depth setting)',
      note: 'Envoy Gateway has no verify depth: Envoy also accepts client certificates issued through intermediate CAs',
      default: '1',
      parse: parseInt10,
    },
    {
      key: 'auth-tls-error-page',
      summary: 'Where to send clients whose certificate failed verification',
      fidelity: 'approximate',
      target: 'none (Envoy rejects the TLS handshake; no HTTP error page is possible)',
      note: 'Envoy fails the TLS handshake, so no error page or redirect can be shown',
      parse: parseRegexValue(/^[\-._~a-zA-Z0-9/:?&=@]+$/, 'URL'),
    },
    {
      key: 'auth-tls-pass-certificate-to-upstream',
      summary: 'Send the client certificate (URL-escaped PEM) upstream in the ssl-client-cert header',
      fidelity: 'exact',
      target: 'ClientTrafficPolicy headers.earlyRequestHeaders set ssl-client-cert: %DOWNSTREAM_PEER_CERT% (verify on); X-Forwarded-Client-Cert otherwise',
      note: 'with auth-tls-verify-client optional/optional_no_ca the certificate travels in X-Forwarded-Client-Cert instead (a header set from an absent certificate would keep a forged one)',
      default: 'false',
      parse: parseBool,
    },
    {
      key: 'auth-tls-match-cn',
      summary: 'Answer 403 unless the client certificate subject matches CN=<regex>',
      fidelity: 'manual',
      target: 'SecurityPolicy authorization rule with cel on connection.subject_peer_certificate (EG v1.9)',
      note: 'no clientValidation field matches the subject: the host listener is not generated (fail closed) until a person adds it with a SecurityPolicy authorization cel rule (EG v1.9)',
      parse: parseRegexValue(/^CN=.+$/, 'CN=<regex> value'),
    },
  ],
  apply(ctx) {
    if (ctx.ingress.isCanary) return
    const secretValue = ctx.value<string>('auth-tls-secret')
    if (secretValue === undefined) {
      for (const key of TLS_KEYS) {
        if (ctx.has(key)) ctx.account(key, 'ignored', 'has no effect without auth-tls-secret (ingress-nginx asks for no client certificate)', {level: 'info', code: 'mtls-missing-secret'})
      }
      return
    }
    const intent = readClientAuth(ctx, secretValue)
    ctx.patch.clientAuth = intent
    if (intent.denied !== undefined) {
      // authtls Parse returned LocationDenied: Extract marks the Ingress denied (503 on its paths) and sets
      // AuthTLSError, which makes the server of every host of the Ingress answer 403 (nginx.tmpl SERVER).
      denyLocations(ctx, 'auth-tls-secret', `${intent.denied}; ingress-nginx also answered 403 to every request for ${hostsOf(ctx).filter((h) => h !== '').join(', ') || 'the catch-all server'} (AuthTLSError), whichever Ingress routes it, and those hosts get no listener here`, 403)
      for (const key of TLS_KEYS) if (ctx.has(key)) ctx.account(key, 'ignored', 'has no effect: the CA could not be loaded (see auth-tls-secret)', {level: 'info', code: 'mtls-denied'})
      return
    }
    if (intent.verify === 'off') {
      // nginx.tmpl sets the ssl-client-* headers whenever the server has a CA file, whatever the verify mode: with "off"
      // ssl-client-verify is NONE and the empty subject/issuer headers are not sent, replacing what the client sent.
      const pass = ctx.value<boolean>('auth-tls-pass-certificate-to-upstream') === true
      const dropped = ['ssl-client-subject-dn', 'ssl-client-issuer-dn', ...(pass ? ['ssl-client-cert'] : [])]
      ctx.account(
        'auth-tls-secret',
        'approximate',
        `auth-tls-verify-client is "off": ingress-nginx asked no client for a certificate, but still sent ssl-client-verify: NONE upstream and dropped client-sent ${dropped.join(', ')} (nginx.tmpl, servers with a CA); through Envoy these headers reach the backend as the client sent them, so a backend that trusts ssl-client-verify can be handed a forged SUCCESS`,
        {level: 'warning', code: 'mtls-off', hint: `if the backends read ssl-client-* headers, add to the routes of ${hostsOf(ctx).filter((h) => h !== '').join(', ') || 'the Ingress'} a RequestHeaderModifier {set: [{name: ssl-client-verify, value: NONE}], remove: [${dropped.join(', ')}]}`},
      )
      ctx.account('auth-tls-verify-client', 'exact')
      for (const key of TLS_KEYS) if (ctx.has(key)) ctx.account(key, 'ignored', 'has no effect with auth-tls-verify-client "off"', {level: 'info', code: 'mtls-off'})
      return
    }
    accountClientAuth(ctx, intent)
  },
}

/** authtls Parse: the CA reference must be namespace/name (k8s.ParseNameNS), in the Ingress's namespace unless allowed. */
function readClientAuth(ctx: FamilyContext, secretValue: string): ClientAuthIntent {
  const ns = ctx.ingress.ref.namespace
  const parts = secretValue.split('/')
  const verify = ctx.value<VerifyClient>('auth-tls-verify-client') ?? 'on'
  const from = [ctx.fullKey('auth-tls-secret'), ...TLS_KEYS.filter((k) => ctx.has(k)).map((k) => ctx.fullKey(k))]
  const matchCn = ctx.value<string>('auth-tls-match-cn')
  const intent: ClientAuthIntent = {
    from,
    secret: {namespace: parts.length === 2 && parts[0] !== '' ? parts[0] : ns, name: parts.length === 2 ? parts[1] : secretValue},
    verify,
    passCertificate: ctx.value<boolean>('auth-tls-pass-certificate-to-upstream') === true,
  }
  if (matchCn !== undefined) intent.matchCn = matchCn.slice('CN='.length)
  if (parts.length !== 2 || parts[1] === '') intent.denied = `"${secretValue}" is not namespace/name, which ingress-nginx requires here (k8s.ParseNameNS)`
  else if (!SECRET_NAME.test(parts[1]!)) intent.denied = `"${secretValue}" names no Secret that can exist, so ingress-nginx's Secret lookup fails`
  else if (intent.secret.namespace !== ns && !crossNamespaceAllowed(ctx)) {
    intent.denied = `Secret ${secretValue} is in another namespace than the Ingress, which ingress-nginx refuses unless the controller ConfigMap sets allow-cross-namespace-resources: "true" (default false since v1.12)`
  }
  return intent
}

/**
 * What the host-specific listener reproduces (https-listeners.ts builds it, and the gateway bundle emits it), and
 * what it cannot: each key gets its fidelity, `manual` when the gateway owner must add the listener.
 */
function accountClientAuth(ctx: FamilyContext, intent: ClientAuthIntent): void {
  const gw = ctx.ingress.gateway
  const emitted = ctx.options.emitGateway === true
  const hosts = hostsOf(ctx)
  const tlsListed = tlsHostsOf(ctx)
  const named = hosts.filter((h) => h !== '' && tlsListed(h))
  const listeners = named.map(hostListenerName)
  const mode = VERIFY_CLIENT_MODE[intent.verify as Exclude<VerifyClient, 'off'>]
  const ref = intent.secret
  const crossNs = ref.namespace !== gw.namespace
  const caRef = `{group: "", kind: Secret, name: ${ref.name}${crossNs ? `, namespace: ${ref.namespace}` : ''}}`
  const plain = hosts.filter((h) => h !== '' && !tlsListed(h))
  // https-listeners.ts planHttpsListeners generates no listener for a host without a certificate (under a TLS wildcard
  // host, coverDeepClientAuthHost gives it one with the wildcard's; mtls-host-under-tls-wildcard says so).
  const hostless =
    (hosts.includes('')
      ? 'rules without a host stay on the http listener (nginx\'s catch-all server had no certificate but its default one, and plain HTTP asks for no client certificate); '
      : '') +
    (plain.length === 0
      ? ''
      : `${plain.join(', ')} ${plain.length > 1 ? 'have' : 'has'} no TLS entry in this Ingress, and ingress-nginx still asked for client certificates on ${plain.length > 1 ? 'their' : 'its'} HTTPS (every server listens on 443), answered with the certificate certificate.lua finds for the name (a one-label TLS wildcard host's, else the default certificate): plain HTTP, where nginx asked for none, stays on the http listener, and HTTPS gets a listener of ${plain.length > 1 ? 'their' : 'its'} own only with a certificate from another Ingress or a TLS wildcard host above ${plain.length > 1 ? 'them' : 'it'} (mtls-host-under-tls-wildcard); without one the host is not served over HTTPS (mtls-host-without-tls). `)
  // A CA Secret with a ca.crl key made nginx refuse revoked certificates (store/backend_ssl.go reads ca.crl, nginx.tmpl
  // ssl_crl); Secret data is never read here, and Envoy Gateway fails the whole policy when crl.refs names a Secret
  // without ca.crl (clienttrafficpolicy.go buildListenerTLSParameters), so the CRL is left to the owner.
  const crl = `if Secret ${ref.namespace}/${ref.name} holds ca.crl, nginx refused revoked certificates and the listener does not until clientValidation.crl.refs lists that Secret (Envoy Gateway reads ca.crl there; a Secret without it makes the policy fail and the host answer 500)`
  const optionalHeaders =
    intent.verify === 'on'
      ? ''
      : `; the listener's ClientTrafficPolicy removes ssl-client-verify, ssl-client-subject-dn and ssl-client-issuer-dn, which nginx set (Envoy would keep a client-sent value where the certificate is absent): the backend reads the certificate subject in X-Forwarded-Client-Cert${intent.verify === 'optional_no_ca' ? ', which with optional_no_ca (mode Request) Envoy fills from any certificate the client presents, verified or not, while nginx told the backend in ssl-client-verify whether it was' : ''}`
  const differences = `a failed verification ends the TLS handshake instead of nginx's HTTP 400, and a request whose Host differs from its TLS server name gets Envoy's 404 instead of nginx's 421${optionalHeaders}; ${crl}`
  const ctp = `ClientTrafficPolicy tls.clientValidation {caCertificateRefs: [${caRef}], mode: ${mode}}${crossNs ? ` (+ a ReferenceGrant in ${ref.namespace} from ClientTrafficPolicy in ${gw.namespace})` : ''}`
  const subject = `client certificates (${intent.verify}) for ${hosts.filter((h) => h !== '').join(', ') || 'the catch-all server'}`
  const none = listeners.length === 0
  if (intent.matchCn !== undefined) {
    // Without the subject check, every certificate of the CA would pass: nothing is published until a person adds it.
    ctx.account(
      'auth-tls-secret',
      'manual',
      `${subject}, restricted by auth-tls-match-cn: ${hostless}` +
        (none ? 'no listener of a host of its own is planned' : `${hostless === '' ? "the host's routes" : `the routes of ${named.join(', ')}`} attach to ${listeners.join(', ')}, which is NOT generated because no listener setting checks the certificate subject; until the gateway owner adds it with the check, nothing is served over HTTPS for these hosts (never without the check)`),
      {code: 'mtls-listener', hint: none ? 'give the hosts a TLS entry with their certificate, then add their listeners with the subject check' : `add the listener(s) ${listeners.join(', ')} (hostname, port 443, protocol HTTPS, the host's certificate) with a ${ctp} and the subject check of auth-tls-match-cn`},
    )
  } else if (emitted) {
    ctx.account(
      'auth-tls-secret',
      'approximate',
      `${subject}${hostless === '' ? '' : `: ${hostless}`}` +
        (none ? '' : `${hostless === '' ? '' : named.join(', ')} -> HTTPS listener(s) ${listeners.join(', ')} of the host's own with ${ctp}; every route of the host attaches there, never to the shared ${ctx.options.httpsListener} listener. `) +
        `Differences: ${differences}`,
      {code: 'mtls-listener'},
    )
  } else {
    ctx.account(
      'auth-tls-secret',
      'manual',
      `${subject}: ${hostless}` +
        (none ? '' : `${hostless === '' ? "the host's routes" : `the routes of ${named.join(', ')}`} attach to listener(s) ${listeners.join(', ')} of Gateway ${gw.namespace}/${gw.name}, which the gateway owner must add; until then nothing is served over HTTPS for these hosts (never without a client certificate). `) +
        `Differences once added: ${differences}`,
      {
        code: 'mtls-listener',
        hint: none
          ? `give ${plain.join(', ')} a TLS entry with ${plain.length > 1 ? 'their certificates' : 'its certificate'} to serve ${plain.length > 1 ? 'them' : 'it'} over HTTPS behind the client certificate check, and convert again`
          : `add to Gateway ${gw.namespace}/${gw.name} ${named.map((h, i) => `a listener {name: ${listeners[i]}, hostname: ${h}, port 443, protocol HTTPS, tls.certificateRefs: the certificate of ${h}, allowedRoutes as ${ctx.options.httpsListener}}`).join(' and ')}, and per listener a ${ctp} (Envoy Gateway reads the key ca.crt), or rerun with --emit-gateway to generate them`,
      },
    )
  }
  if (ctx.has('auth-tls-verify-client')) {
    ctx.account('auth-tls-verify-client', emitted && intent.matchCn === undefined ? 'exact' : 'manual', `"${intent.verify}" -> clientValidation.mode ${mode} on the listener(s) described for auth-tls-secret`, {code: 'mtls-listener'})
  }
  const depth = ctx.value<number>('auth-tls-verify-depth')
  if (depth !== undefined) {
    ctx.account('auth-tls-verify-depth', 'approximate', `${depth}: Envoy Gateway has no verify depth, so Envoy accepts any chain up to the CA${depth <= 1 ? ' (nginx with depth 1 refused certificates issued through an intermediate CA)' : ''}`, {code: 'mtls-depth'})
  }
  const errorPage = ctx.value<string>('auth-tls-error-page')
  if (errorPage !== undefined) {
    ctx.account('auth-tls-error-page', 'approximate', `"${errorPage}" is never shown: Envoy rejects a bad client certificate during the TLS handshake, before any HTTP response`, {code: 'mtls-error-page'})
  }
  const pass = ctx.value<boolean>('auth-tls-pass-certificate-to-upstream')
  if (pass === true) {
    if (intent.verify === 'on') {
      ctx.account('auth-tls-pass-certificate-to-upstream', emitted && intent.matchCn === undefined ? 'exact' : 'manual', 'nginx sent the client certificate upstream in the ssl-client-cert header (URL-escaped PEM) -> earlyRequestHeaders set ssl-client-cert: %DOWNSTREAM_PEER_CERT% (the same URL-encoded PEM) in the listener\'s ClientTrafficPolicy', {code: 'mtls-forward-cert'})
    } else {
      ctx.account(
        'auth-tls-pass-certificate-to-upstream',
        'approximate',
        `with auth-tls-verify-client "${intent.verify}" some requests carry no certificate, and an Envoy header set from an absent certificate would leave a client-sent ssl-client-cert in place: the listener removes ssl-client-* request headers and sends the certificate in X-Forwarded-Client-Cert (xForwardedClientCert {mode: SanitizeSet, certDetailsToAdd: [Subject, Cert]}) instead; the backend must read that header`,
        {code: 'mtls-forward-cert'},
      )
    }
  } else if (pass === false) {
    ctx.account('auth-tls-pass-certificate-to-upstream', 'exact')
  }
  if (intent.matchCn !== undefined) {
    ctx.account('auth-tls-match-cn', 'manual', `"CN=${intent.matchCn}": nginx answered 403 unless the certificate subject matched; no clientValidation field checks the subject, so the listener is not generated (fail closed)`, {
      hint: `add a SecurityPolicy targeting the listener(s) ${hosts.filter((h) => h !== '').map(hostListenerName).join(', ')} with authorization {defaultAction: Deny, rules: [{action: Allow, cel: ${JSON.stringify(`connection.subject_peer_certificate.matches(${JSON.stringify(`CN=${intent.matchCn}`)})`)}}]} (cel needs Envoy Gateway v1.9; route-level SecurityPolicies of these routes need mergeType: StrategicMerge to keep it), or list the allowed names in clientValidation.subjectAltNames if they are also SANs`,
      code: 'mtls-match-cn',
    })
  }
}
