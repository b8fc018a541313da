import {dnsName} from '../translate/names.js'
import {splitSecretRef} from './basic-auth.js'
import {parseBool, parseEnum, parseInt10, parseRegexValue} from './parsers.js'
import type {AnnotationFamily, FamilyContext} from './types.js'

/**
 * auth-tls-* (client certificates, mTLS) -> manual: a dedicated Gateway listener for the host plus a
 * ClientTrafficPolicy tls.clientValidation, which only the gateway owner can add.
 *
 * ingress-nginx applies these in the `server{}` of the host (ssl_client_certificate, ssl_verify_client; the
 * oldest Ingress of the host that sets them wins), answering a failed verification with 400 (495/496 internally,
 * or auth-tls-error-page). Envoy Gateway validates client certificates per listener, during the TLS handshake;
 * on the shared `https` listener that would force mTLS on every tenant, so each mTLS host needs a listener of its
 * own, and the app's HTTPRoute must attach to it.
 */

type VerifyClient = 'on' | 'off' | 'optional' | 'optional_no_ca'

/** nginx ssl_verify_client -> EG clientValidation.mode (Go tls.ClientAuthType names). */
export const VERIFY_CLIENT_MODE: Record<Exclude<VerifyClient, 'off'>, string> = {
  on: 'RequireAndVerify',
  optional: 'VerifyIfGiven',
  optional_no_ca: 'Request',
}

const TLS_KEYS = ['auth-tls-verify-client', 'auth-tls-verify-depth', 'auth-tls-error-page', 'auth-tls-pass-certificate-to-upstream', 'auth-tls-match-cn'] as const

function hostsOf(ctx: FamilyContext): string[] {
  const rules: any[] = ctx.ingress.object.spec?.rules ?? []
  return [...new Set(rules.map((r) => (typeof r?.host === 'string' ? r.host : '')))].sort()
}

export const clientCertificatesFamily: AnnotationFamily = {
  name: 'client-certificates',
  specs: [
    {
      key: 'auth-tls-secret',
      summary: 'namespace/name of a Secret with ca.crt (and optional ca.crl): verify client certificates for the whole host',
      fidelity: 'manual',
      target: 'a host-specific Gateway listener + ClientTrafficPolicy tls.clientValidation.caCertificateRefs (gateway owner)',
      note: 'mTLS is per listener in Envoy Gateway: the gateway owner adds a listener for the host and a ClientTrafficPolicy with clientValidation',
      onInvalid: 'ingress-dropped',
      parse: (v) => (/^[/\-._~a-zA-Z0-9:]*$/.test(v.replaceAll(' ', '')) && v.trim() !== '' ? {ok: true, value: v.trim()} : {ok: false, reason: `"${v}" is not a Secret reference (namespace/name)`}),
    },
    {
      key: 'auth-tls-verify-client',
      summary: 'on (require a valid certificate), optional, optional_no_ca (request, do not verify), off',
      fidelity: 'manual',
      target: 'ClientTrafficPolicy tls.clientValidation.mode (RequireAndVerify, VerifyIfGiven, Request)',
      note: 'goes with the listener the gateway owner adds for auth-tls-secret: on -> RequireAndVerify, optional -> VerifyIfGiven, optional_no_ca -> Request',
      default: 'on',
      onInvalid: 'default',
      parse: parseEnum(['on', 'off', 'optional', 'optional_no_ca'] as const),
    },
    {
      key: 'auth-tls-verify-depth',
      summary: 'Maximum length of the client certificate chain (default 1: signed directly by the CA)',
      fidelity: 'approximate',
      target: 'none (Envoy Gateway has no verify-depth setting)',
      note: 'Envoy Gateway has no verify depth: Envoy also accepts client certificates issued through intermediate CAs',
      default: '1',
      onInvalid: 'default',
      parse: parseInt10,
    },
    {
      key: 'auth-tls-error-page',
      summary: 'Where to send clients whose certificate failed verification',
      fidelity: 'approximate',
      target: 'none (Envoy rejects the TLS handshake; no HTTP error page is possible)',
      note: 'Envoy fails the TLS handshake, so no error page or redirect can be shown',
      onInvalid: 'ingress-dropped',
      parse: parseRegexValue(/^[\-._~a-zA-Z0-9/:?&=@]+$/, 'URL'),
    },
    {
      key: 'auth-tls-pass-certificate-to-upstream',
      summary: 'Send the client certificate (URL-escaped PEM) upstream in the ssl-client-cert header',
      fidelity: 'manual',
      target: 'ClientTrafficPolicy headers.xForwardedClientCert {mode: SanitizeSet, certDetailsToAdd: [Cert]} (gateway owner)',
      note: 'Envoy sends the certificate in X-Forwarded-Client-Cert (Cert="...") when the listener\'s ClientTrafficPolicy sets xForwardedClientCert; the backend must read that header',
      default: 'false',
      onInvalid: 'ingress-dropped',
      parse: parseBool,
    },
    {
      key: 'auth-tls-match-cn',
      summary: 'Answer 403 unless the client certificate subject matches CN=<regex>',
      fidelity: 'manual',
      target: 'SecurityPolicy authorization rule with cel on connection.subject_peer_certificate (EG v1.9)',
      note: 'no clientValidation field matches the subject; a SecurityPolicy authorization cel rule (EG v1.9) can',
      onInvalid: 'ingress-dropped',
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
    const verify = ctx.value<VerifyClient>('auth-tls-verify-client') ?? 'on'
    if (verify === 'off') {
      ctx.account('auth-tls-secret', 'ignored', 'auth-tls-verify-client is "off": ingress-nginx does not ask clients for a certificate, so there is nothing to reproduce', {level: 'info', code: 'mtls-off'})
      ctx.account('auth-tls-verify-client', 'exact')
      for (const key of TLS_KEYS) if (ctx.has(key)) ctx.account(key, 'ignored', 'has no effect with auth-tls-verify-client "off"', {level: 'info', code: 'mtls-off'})
      return
    }
    const ns = ctx.ingress.ref.namespace
    const ref = splitSecretRef(secretValue, ns) ?? {namespace: ns, name: secretValue}
    const gw = ctx.ingress.gateway
    const hosts = hostsOf(ctx)
    const mode = VERIFY_CLIENT_MODE[verify]
    const listeners = hosts.map((h) => (h === '' ? ctx.options.httpsListener : dnsName('https', h)))
    const hostText = hosts.map((h) => (h === '' ? '(any host: the whole https listener)' : h)).join(', ')
    const crossNs = ref.namespace !== gw.namespace
    const notes: string[] = []
    if (!secretValue.includes('/')) notes.push(`ingress-nginx expects namespace/name here; "${secretValue}" without a namespace fails its Secret lookup`)
    else if (ref.namespace !== ns) notes.push(`the Secret is in ${ref.namespace}, another namespace than the Ingress: ingress-nginx refuses that unless allow-cross-namespace-resources is "true"`)
    const listenerText = hosts
      .map((h, i) =>
        h === ''
          ? `the existing listener ${listeners[i]}`
          : `a listener {name: ${listeners[i]}, hostname: ${h}, port and protocol of ${ctx.options.httpsListener}, tls.certificateRefs: the certificate of ${h}, allowedRoutes as ${ctx.options.httpsListener}}`,
      )
      .join(' and ')
    const ctp =
      `a ClientTrafficPolicy in ${gw.namespace} with targetRefs [${listeners.map((l) => `{group: gateway.networking.k8s.io, kind: Gateway, name: ${gw.name}, sectionName: ${l}}`).join(', ')}] ` +
      `and tls.clientValidation {caCertificateRefs: [{kind: Secret, name: ${ref.name}${crossNs ? `, namespace: ${ref.namespace}` : ''}}], mode: ${mode}} (Envoy Gateway reads the key ca.crt; add crl.refs to the same Secret if it has ca.crl)` +
      (crossNs ? `, plus a ReferenceGrant in ${ref.namespace} from ClientTrafficPolicy in ${gw.namespace} to that Secret` : '')
    const hint =
      `the gateway owner adds to Gateway ${gw.namespace}/${gw.name} ${listenerText}, and ${ctp}; then the HTTPRoute of this Ingress attaches to ${listeners.map((l) => `sectionName ${l}`).join(', ')} instead of ${ctx.options.httpsListener}`
    ctx.account(
      'auth-tls-secret',
      'manual',
      `client certificates (${verify}) for ${hostText}: ingress-nginx verifies them per host, Envoy Gateway per listener, and a ClientTrafficPolicy on the shared ${ctx.options.httpsListener} listener would demand certificates from every host on it; a failed verification ends the TLS handshake instead of nginx's HTTP 400, and nginx's ssl-client-verify / ssl-client-subject-dn / ssl-client-issuer-dn headers are not sent (xForwardedClientCert with certDetailsToAdd [Subject] carries the subject)${notes.length ? `; ${notes.join('; ')}` : ''}`,
      {hint, code: 'mtls-listener'},
    )
    if (ctx.has('auth-tls-verify-client')) {
      ctx.account('auth-tls-verify-client', 'manual', `"${verify}" -> clientValidation.mode ${mode} on the listener described for auth-tls-secret`, {
        hint: `set mode: ${mode} in the ClientTrafficPolicy (on -> RequireAndVerify, optional -> VerifyIfGiven, optional_no_ca -> Request)`,
        code: 'mtls-listener',
      })
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
      ctx.account(
        'auth-tls-pass-certificate-to-upstream',
        'manual',
        'nginx sent the client certificate upstream in the ssl-client-cert header (URL-escaped PEM); Envoy sends it in X-Forwarded-Client-Cert (Cert="<URL-escaped PEM>") when the listener asks for it',
        {
          hint: `the gateway owner adds headers.xForwardedClientCert {mode: SanitizeSet, certDetailsToAdd: [Cert]} to the ClientTrafficPolicy of ${listeners.join(', ')}; the backend must read X-Forwarded-Client-Cert instead of ssl-client-cert`,
          code: 'mtls-forward-cert',
        },
      )
    } else if (pass === false) {
      ctx.account('auth-tls-pass-certificate-to-upstream', 'exact')
    }
    const matchCn = ctx.value<string>('auth-tls-match-cn')
    if (matchCn !== undefined) {
      const pattern = matchCn.slice('CN='.length)
      ctx.account('auth-tls-match-cn', 'manual', `"${matchCn}": nginx answered 403 unless the certificate subject matched; no clientValidation field checks the subject`, {
        hint: `add to the SecurityPolicy of this route an authorization rule {action: Allow, cel: ${JSON.stringify(`connection.subject_peer_certificate.matches(${JSON.stringify(`CN=${pattern}`)})`)}} with defaultAction Deny (cel needs Envoy Gateway v1.9), or list the allowed names in clientValidation.subjectAltNames if they are also SANs`,
        code: 'mtls-match-cn',
      })
    }
  },
}
