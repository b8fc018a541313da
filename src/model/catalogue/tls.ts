/** Diagnostics about TLS, certificates and HTTPS listeners. */
import {defineDiagnostic} from './define.js'

export const TLS = [
  defineDiagnostic({
    code: 'alias-under-tls-wildcard',
    level: 'warning',
    fidelity: 'approximate',
    doc: 'Server-alias "…" of host "…" (no TLS): ingress-nginx answered its HTTPS with the certificate of the wildcard host … and redirected its plain HTTP to HTTPS (308; lua_ingress.lua redirect_to_https looks the request\'s Host up), but not plain HTTP for …. ` + \'The route carries both names, so the Gateway serves the alias over plain HTTP without the redirect. What to do: give … and … a TLS entry (the redirect then holds for both), or move … to an Ingress of its own with the wildcard\'s Secret.',
  }),
  defineDiagnostic({
    code: 'catch-all-https',
    level: 'warning',
    doc: '… served by ingress-nginx\'s catch-all server, which also listened on 443 (default_server ssl) with the controller\'s default certificate: an HTTPS request for any name without a server of its own, or for the bare address, reached …. …; the route is attached to the … listener only. What to do: if clients or load balancer health checks use HTTPS here: …add a parentRef with sectionName … to this Ingress\'s route without hostnames, and to.',
  }),
  defineDiagnostic({
    code: 'certificate-name-taken',
    level: 'info',
    doc: 'Certificate name … is already used in … (a Secret of that name there, or a name that collides after shortening): this one is … and issues its own Secret ….',
  }),
  defineDiagnostic({
    code: 'certificate-no-tls',
    level: 'info',
    fidelity: 'ignored',
    doc: '… is set but … has no spec.tls: cert-manager issued no Certificate for it, and none is generated.',
  }),
  defineDiagnostic({
    code: 'certificate-renew-before-too-long',
    level: 'warning',
    fidelity: 'ignored',
    doc: 'Is not shorter than …: cert-manager\'s webhook rejects a Certificate whose renewBefore is not shorter than its duration, so cert-manager never issued it; renewBefore is left out of the generated Certificate (cert-manager then renews when 1/3 of the duration is left). What to do: set … below the duration (e.g. 720h), or a longer … if the issuer grants it.',
  }),
  defineDiagnostic({
    code: 'certificate-shared',
    level: ['info', 'warning'],
    fidelity: ['approximate', 'exact'],
    doc: 'Secret … is also issued for …: cert-manager\'s ingress-shim keeps one Certificate per Secret, owned by the Ingress that created it (assumed the older one) and refuses to update it for others, so this Ingress uses Certificate …/… as well and gets none of its own…. What to do: missing.length > 0 ? `list … in the TLS entry of … if they need this certificate` : undefined.',
  }),
  defineDiagnostic({
    code: 'certificate-tls-no-hosts',
    level: 'warning',
    fidelity: 'manual',
    doc: 'Spec.tls[…] (secret …) lists no hosts: cert-manager cannot request a certificate without DNS names; no Certificate is generated for it. What to do: list the hosts in spec.tls[…].hosts of … and rerun.',
  }),
  defineDiagnostic({
    code: 'certificate-tls-no-secret',
    level: 'warning',
    fidelity: 'manual',
    doc: 'Spec.tls[…] (…) has no secretName: cert-manager issued nothing for it (ingress-nginx used its default certificate); no Certificate is generated. What to do: add a secretName to spec.tls[…] of … and rerun.',
  }),
  defineDiagnostic({
    code: 'certificate-wildcard-http01',
    level: 'warning',
    fidelity: 'manual',
    doc: '… (from …) lists the wildcard name…, but … has only ACME HTTP-01 solvers, ` + \'which cannot validate wildcard names (the CA requires DNS-01 for them): cert-manager could not issue this certificate under ingress-nginx, and cannot now. What to do: add a dns01 solver covering … to ….',
  }),
  defineDiagnostic({
    code: 'certmanager-annotation-ignored',
    level: 'info',
    fidelity: 'ignored',
    doc: 'Is not read by cert-manager\'s ingress-shim; it is not carried over.',
  }),
  defineDiagnostic({
    code: 'certmanager-annotation-invalid',
    level: 'warning',
    fidelity: 'ignored',
    doc: '…; cert-manager\'s ingress-shim rejected this value and issued no Certificate for the Ingress, here the field is left out of the Certificate. What to do: fix or remove … on ….',
  }),
  defineDiagnostic({
    code: 'certmanager-certificate',
    level: 'info',
    fidelity: 'exact',
    doc: '-> Certificate… in … (issuerRef …); cert-manager issues new certificates into Secrets of the same names there, the Secrets in … are left alone. What to do: issuer.namespace !== undefined && issuer.namespace !== ctx.gateway.namespace ? `the namespaced …/… must exist in … as … (generated with the Issuers when it is in the input)` : undefined.',
  }),
  defineDiagnostic({
    code: 'certmanager-external-issuer',
    level: 'info',
    fidelity: 'manual',
    doc: '… uses the external issuer ….… "…"…; this tool cannot copy external issuers. What to do: clusterScoped ? `check that … is cluster-scoped` : `create ….… "…" in … with the same configuration: the Certificates there reference it.',
  }),
  defineDiagnostic({
    code: 'certmanager-issuer-conflict',
    level: 'warning',
    fidelity: 'manual',
    doc: '…: cert-manager\'s ingress-shim refuses such an Ingress, so no Certificate was issued and none is generated. What to do: keep either … or … (+ …/…) and rerun.',
  }),
  defineDiagnostic({
    code: 'certmanager-passthrough-certificate',
    level: 'warning',
    fidelity: 'exact',
    doc: 'With ssl-passthrough: the backend serves this certificate itself (TLS passes through the Gateway), so Certificate… stay… in … under the name… cert-manager\'s ingress-shim gave …; ` + \'th. What to do: applying this Certificate adopts the existing one; before deleting …, remove its ownerReference (see the checklist).',
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
    level: 'warning',
    doc: '… has no TLS, and the route of the wildcard host … on the … listener answers its HTTPS requests (Gateway API hostnames match any depth); ingress-nginx answered them from the host\'s own server, asking for client certificates. No listener here asks them for this host without a certificate of its own, so its routes are not attached to …: over HTTPS it reac. What to do: give … a TLS entry with its certificate and convert again: it then gets a listener of its own with the client certificate settings.',
  }),
  defineDiagnostic({
    code: 'mtls-host-without-tls',
    level: 'info',
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
    doc: '… has no TLS, and the route of the wildcard host … on the … listener would answer its HTTPS requests (Gateway API hostnames match any depth, nginx\'s wildcard server name one label…): ingress-nginx answered them from the host\'s own server, with its default certificate. Its route. What to do: give … a TLS entry with a certificate for it to serve it properly over HTTPS.',
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
    doc: 'Passthrough ? `host "…" (ssl-passthrough) has no TLS entry in any Ingress: its TLS connections pass through to its backend, but the HTTPS redirect of its plain-HTTP requests (lua_ingress.lua redirect_to_https) asks certificate.lua, which finds the certificate of the wildcard host … (from Ingress …) for its one-label wildcard name; so …` : `host. What to do: list … in a TLS entry (with the wildcard\'s Secret) to make this explicit.',
  }),
  defineDiagnostic({
    code: 'tls-listeners-http1-only',
    level: ['info', 'warning'],
    fidelity: 'approximate',
    doc: 'The HTTPS listeners … of … carry certificates for the same names (…): Envoy Gateway then offers HTTP/1.1 only on them (condition OverlappingTLSConfig), so that browsers do not reuse an HTTP/2 connection of one listener for the other\'s names; ingress-nginx served HTTP/2 on every host` + (grpc.length > 0 ? `. gRPC needs HTTP/2: the gRPC. What to do: give the hosts with listeners of their own certificates that name only them, or set tls.alpnProtocols [h2, http/1.1] in those listeners\' ClientTrafficPolicies (Envoy Gateway keeps an explicit ALPN; a browser may then send a request for one listener\'s host over the other\'s connection and get 404).',
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
    doc: 'Host "…" has no Secret of its own (ingress-nginx served it with its default certificate), and the listener … (hostname …) receives its TLS connections: Envoy chooses the most specific SNI match, and the shared … https listener matches any name. Over HTTPS it reaches …\'s routes, not its own. Or: Listener … (hostname …) would receive the TLS connections for …: Envoy picks the listener of the most specific SNI match (exact name, then wildcard, then the shared https listener, which matches any name), and its routes are only …\'s. As ingress-nginx served each of these names from its own server, they get listeners of their own with the. What to do: give … a TLS entry with its Secret and convert again, or add a listener for … with the default certificate.',
  }),
] as const
