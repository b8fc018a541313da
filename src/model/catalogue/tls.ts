/** Diagnostics about TLS, certificates and HTTPS listeners. */
import {defineDiagnostic} from './define.js'

export const TLS = [
  defineDiagnostic({
    code: 'alias-under-tls-wildcard',
    level: 'warning',
    fidelity: 'approximate',
    doc: 'A server-alias of a host without TLS that falls under a wildcard TLS host: ingress-nginx answered its HTTPS with the wildcard\'s certificate and redirected its plain HTTP to HTTPS (lua_ingress.lua redirect_to_https), but not the main host\'s. The route carries both names, so the Gateway treats them alike; list the alias in the Ingress\'s TLS if both should be HTTPS.',
  }),
  defineDiagnostic({
    code: 'catch-all-https',
    level: 'warning',
    doc: 'A backend served by ingress-nginx\'s catch-all server, which also listened on 443 with the controller\'s default certificate: an HTTPS request for any name without a server of its own reached it. The route is attached to the http listener only; if clients used HTTPS, attach it to an HTTPS listener with that certificate.',
  }),
  defineDiagnostic({
    code: 'certificate-name-taken',
    level: 'info',
    doc: 'The Certificate name is already used in the Gateway\'s namespace (by a Secret or after shortening): this one gets another name and issues its own Secret. Nothing to do; the listener references the new Secret.',
  }),
  defineDiagnostic({
    code: 'certificate-no-tls',
    level: 'info',
    fidelity: 'ignored',
    doc: 'A cert-manager annotation on an Ingress without spec.tls: cert-manager issued no Certificate for it, and none is generated. Add spec.tls if a certificate is wanted.',
  }),
  defineDiagnostic({
    code: 'certificate-renew-before-too-long',
    level: 'warning',
    fidelity: 'ignored',
    doc: 'cert-manager.io/renew-before is not shorter than the duration: cert-manager\'s webhook rejects such a Certificate, so cert-manager never issued it. renewBefore is left out of the generated Certificate (cert-manager then renews when 1/3 of the duration is left). Fix the annotation.',
  }),
  defineDiagnostic({
    code: 'certificate-shared',
    level: ['info', 'warning'],
    fidelity: ['approximate', 'exact'],
    doc: 'Several Ingresses name the same TLS Secret: cert-manager\'s ingress-shim kept one Certificate per Secret, owned by the Ingress that created it, so the others share it. Exact when they agree, approximate (warning) when this Ingress\'s hosts or issuer would have been left out.',
  }),
  defineDiagnostic({
    code: 'certificate-tls-no-hosts',
    level: 'warning',
    fidelity: 'manual',
    doc: 'A spec.tls entry with no hosts: cert-manager cannot request a certificate without DNS names, so no Certificate is generated. List the hosts in spec.tls[].hosts and rerun.',
  }),
  defineDiagnostic({
    code: 'certificate-tls-no-secret',
    level: 'warning',
    fidelity: 'manual',
    doc: 'A spec.tls entry without secretName: cert-manager issued nothing for it and ingress-nginx used its default certificate; no Certificate is generated. Add a secretName and rerun.',
  }),
  defineDiagnostic({
    code: 'certificate-wildcard-http01',
    level: 'warning',
    fidelity: 'manual',
    doc: 'A TLS entry lists a wildcard name but its issuer has only ACME HTTP-01 solvers, which cannot validate wildcard names (the CA requires DNS-01): cert-manager could not issue it under ingress-nginx either. Add a DNS-01 solver to the Issuer.',
  }),
  defineDiagnostic({
    code: 'certmanager-annotation-ignored',
    level: 'info',
    fidelity: 'ignored',
    doc: 'A cert-manager annotation that cert-manager\'s ingress-shim does not read: it is not carried over. Nothing to do.',
  }),
  defineDiagnostic({
    code: 'certmanager-annotation-invalid',
    level: 'warning',
    fidelity: 'ignored',
    doc: 'A cert-manager annotation value that cert-manager\'s ingress-shim rejects: it issued no Certificate for the Ingress; here the field is left out of the Certificate. Fix or remove the annotation.',
  }),
  defineDiagnostic({
    code: 'certmanager-certificate',
    level: 'info',
    fidelity: 'exact',
    doc: 'cert-manager annotations -> a Certificate in the Gateway\'s namespace (issuerRef as the annotation says); cert-manager issues new certificates into Secrets of the same names there, and the Secrets in the Ingress\'s namespace are left alone. When the Issuer is namespaced, a copy must exist in the Gateway\'s namespace.',
  }),
  defineDiagnostic({
    code: 'certmanager-external-issuer',
    level: 'info',
    fidelity: 'manual',
    doc: 'The Ingress uses an external cert-manager issuer (another API group): this tool cannot copy it. Create the issuer in the Gateway\'s namespace with the same configuration (or check that it is cluster-scoped), as the hint says.',
  }),
  defineDiagnostic({
    code: 'certmanager-issuer-conflict',
    level: 'warning',
    fidelity: 'manual',
    doc: 'The Ingress names more than one issuer (issuer, cluster-issuer, issuer-kind/group): cert-manager\'s ingress-shim refuses such an Ingress, so no Certificate was issued and none is generated. Keep one and rerun.',
  }),
  defineDiagnostic({
    code: 'certmanager-passthrough-certificate',
    level: 'warning',
    fidelity: 'exact',
    doc: 'With ssl-passthrough the backend serves the certificate itself: the Certificate stays in the Ingress\'s namespace under the name cert-manager\'s ingress-shim gave it. Nothing moves to the Gateway.',
  }),
  defineDiagnostic({
    code: 'certmanager-solver-annotation',
    level: 'info',
    fidelity: 'ignored',
    doc: 'Steered cert-manager\'s http01.ingress solver; it has no effect under the Gateway API: challenges are answered by the Issuer\'s http01.gatewayHTTPRoute solver on the shared Gateway.',
  }),
  defineDiagnostic({
    code: 'certmanager-tls-acme',
    level: 'warning',
    fidelity: 'manual',
    doc: '"true" makes cert-manager issue with its default issuer (controller flags --default-issuer-name/--default-issuer-kind/--default-issuer-group, Helm ingressShim.defaultIssuerName/Kind/Group), which this tool cannot see: no Certificate is generated for …. What to do: find the default issuer (kubectl -n cert-manager get deploy cert-manager -o yaml | grep default-issuer), then replace … with …: <name> (or …: <name> for a namespaced Issuer) on … and rerun.',
  }),
  defineDiagnostic({
    code: 'certmanager-tls-acme-redundant',
    level: 'info',
    fidelity: 'exact',
    doc: '"true" only selects cert-manager\'s default issuer when no issuer annotation is set; … wins.',
  }),
  defineDiagnostic({
    code: 'mtls-host-closed',
    level: 'error',
    doc: 'Host "…": …, so ingress-nginx answered 403 to every request for the host, from any Ingress; its routes attach to no generated listener, so nothing is served for it. What to do: fix auth-tls-secret (namespace/name of a Secret in the Ingress namespace) and convert again.',
  }),
  defineDiagnostic({
    code: 'mtls-host-from-other-ingress',
    level: 'info',
    doc: 'Host "…" asks for client certificates because of Ingress … (ingress-nginx applies auth-tls-* to the whole server): this Ingress\'s routes there attach to … as well, never to the shared https listener.',
  }),
  defineDiagnostic({
    code: 'mtls-host-settings-from-other-ingress',
    level: 'warning',
    doc: 'Host "…" takes its client certificate settings from Ingress … (CA …/…, verify …), the first Ingress of the host with a CA in ingress-nginx\'s order; this Ingress\'s auth-tls-* settings have no effect there.',
  }),
  defineDiagnostic({
    code: 'mtls-host-under-tls-wildcard',
    level: ['warning', 'error'],
    doc: 'A host without TLS under a wildcard TLS host whose route takes its HTTPS requests (Gateway API hostnames match any depth): ingress-nginx answered them from the host\'s own server, asking for client certificates; no listener here asks for them for this host. Give the host a TLS entry of its own so its listener checks client certificates.',
  }),
  defineDiagnostic({
    code: 'mtls-host-without-tls',
    level: ['info', 'warning'],
    doc: 'Host "…" has no TLS entry: ingress-nginx asked for client certificates only on HTTPS, which it answered with its default certificate; the host\'s routes stay on the http listener and no client certificate listener is generated.',
  }),
  defineDiagnostic({
    code: 'mtls-listener-not-generated',
    level: 'warning',
    fidelity: 'manual',
    doc: 'Host "…" needs client certificates, and its listener … is not generated: …. Its routes are not attached to the shared … listener, so nothing is served over HTTPS for it until a person adds the listener.',
  }),
  defineDiagnostic({
    code: 'plain-host-under-tls-wildcard',
    level: ['info', 'warning'],
    doc: 'A host without TLS under a wildcard TLS host: the wildcard\'s route on the HTTPS listener would answer its HTTPS requests (Gateway API hostnames match any depth, nginx\'s wildcard server names one label), where ingress-nginx answered them from the host\'s own server with its default certificate. Give the host a TLS entry if clients use HTTPS.',
  }),
  defineDiagnostic({
    code: 'tls-certificate-overlap',
    level: 'warning',
    fidelity: 'approximate',
    doc: 'Secret … is declared for … like …: on one https listener Envoy Gateway would reject the later Secret whole ("public key algorithm must be unique") and its other hosts would lose their certificate. As ingress-nginx chose … for …, …. What to do: issue one certificate per host set (or one wildcard) to keep a single https listener.',
  }),
  defineDiagnostic({
    code: 'tls-certificate-redundant',
    level: 'info',
    fidelity: 'approximate',
    doc: 'Secret … is declared for … like …, listed before it on the https listener of …: Envoy Gateway would reject it whole ("public key algorithm must be unique"). It is left off the listener….',
  }),
  defineDiagnostic({
    code: 'tls-from-wildcard',
    level: 'info',
    doc: 'A host without a TLS entry that ingress-nginx served over HTTPS (and redirected to it) with the certificate of a wildcard host: the route is attached to the wildcard\'s HTTPS listener so clients get the same certificate. Add a TLS entry of its own if that was not intended.',
  }),
  defineDiagnostic({
    code: 'tls-listeners-http1-only',
    level: ['info', 'warning'],
    fidelity: 'approximate',
    doc: 'HTTPS listeners carry certificates for the same names: Envoy Gateway then offers only HTTP/1.1 on them (condition OverlappingTLSConfig), so that browsers do not reuse an HTTP/2 connection across listeners. A warning when clients relied on HTTP/2; give each name one certificate.',
  }),
  defineDiagnostic({
    code: 'tls-listeners-http2-kept',
    level: 'info',
    doc: 'HTTPS listeners overlap only because a deeper host with client certificates presents a TLS wildcard\'s certificate on a listener of its own (the wildcard is not valid for that name): Envoy Gateway would offer only HTTP/1.1 on them, so their ClientTrafficPolicies set tls.alpnProtocols [h2, http/1.1] and HTTP/2 is served as ingress-nginx did. A client that checks certificates cannot reuse a connection across these names.',
  }),
  defineDiagnostic({
    code: 'tls-secret-copies',
    level: 'info',
    doc: 'The https listener of … lists …: if these are copies of one certificate, Envoy Gateway uses the first and reports the others as invalid (public key algorithm must be unique), while their hosts are still served; nothing in their TLS entries shows that they are copies, so each is kept. What to do: if they are copies of a wildcard certificate, list the wildcard (e.g. …) in the hosts of their TLS entries and convert again: the copies after the first are then left off the listener.',
  }),
  defineDiagnostic({
    code: 'tls-sni-shadowed',
    level: ['info', 'warning'],
    fidelity: ['approximate', 'exact'],
    doc: 'A host without a Secret of its own (nginx served it with its default certificate) whose TLS connections a more specific listener takes (Envoy chooses the most specific SNI match): clients get that listener\'s certificate. Info when it is the same certificate nginx served.',
  }),
] as const
