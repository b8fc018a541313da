/** Diagnostics about TLS, certificates and HTTPS listeners. */
import {defineDiagnostic} from './define.js'

export const TLS = [
  defineDiagnostic({
    code: 'alias-under-tls-wildcard',
    level: 'warning',
    fidelity: 'approximate',
    doc: 'A server-alias of a host without TLS that falls under a wildcard TLS host: ingress-nginx answered its HTTPS with the wildcard\'s certificate and redirected its plain HTTP to HTTPS (lua_ingress.lua redirect_to_https), but not the main host\'s. The route carries both names, so the Gateway treats them alike; list the alias in the Ingress\'s TLS if both should be HTTPS.',
    render: (d: {alias: string; host: string; wildcard: string}) =>
      `server-alias "${d.alias}" of host "${d.host}" (no TLS): ingress-nginx answered its HTTPS with the certificate of the wildcard host ${d.wildcard} and redirected its plain HTTP to HTTPS (308; lua_ingress.lua redirect_to_https looks the request's Host up), but not plain HTTP for ${d.host}. ` +
      'The route carries both names, so the Gateway serves the alias over plain HTTP without the redirect',
  }),
  defineDiagnostic({
    code: 'catch-all-https',
    level: 'warning',
    doc: 'A backend served by ingress-nginx\'s catch-all server, which also listened on 443 with the controller\'s default certificate: an HTTPS request for any name without a server of its own reached it. The route is attached to the http listener only; if clients used HTTPS, attach it to an HTTPS listener with that certificate.',
    render: (d: {ruleless: boolean; paths: {match: string; path: string}[]; gateway: string; httpListener: string; httpsListener?: string}) =>
      `${d.ruleless ? 'its spec.defaultBackend' : 'its rules without a host'} (${d.paths.map((p) => `${p.match} ${p.path}`).join(', ')}) ${d.ruleless ? 'is' : 'are'} served by ingress-nginx's catch-all server, which also listened on 443 (default_server ssl) with the controller's default certificate: an HTTPS request for any name without a server of its own, or for the bare address, reached ${d.ruleless ? 'it' : 'them'}. ` +
      `${
        d.httpsListener !== undefined
          ? `The ${d.httpsListener} listener of ${d.gateway} takes those connections, and the route without hostnames is not attached there: they get 404`
          : `${d.gateway} has no HTTPS listener (no Ingress names a certificate, and nginx's default certificate is not in the input), so it refuses those connections`
      }; the route is attached to the ${d.httpListener} listener only`,
  }),
  defineDiagnostic({
    code: 'certificate-name-taken',
    level: 'info',
    doc: 'The Certificate name is already used in the Gateway\'s namespace (by a Secret or after shortening): this one gets another name and issues its own Secret. Nothing to do; the listener references the new Secret.',
    render: (d: {name: string; taken: string; gatewayNamespace: string}) =>
      `Certificate name ${d.taken} is already used in ${d.gatewayNamespace} (a Secret of that name there, or a name that collides after shortening): this one is ${d.name} and issues its own Secret ${d.name}`,
  }),
  defineDiagnostic({
    code: 'certificate-no-tls',
    level: 'info',
    fidelity: 'ignored',
    doc: 'A cert-manager annotation on an Ingress without spec.tls: cert-manager issued no Certificate for it, and none is generated. Add spec.tls if a certificate is wanted.',
    render: (d: {trigger: string; ingress: string}) => `${d.trigger} is set but ${d.ingress} has no spec.tls: cert-manager issued no Certificate for it, and none is generated`,
  }),
  defineDiagnostic({
    code: 'certificate-renew-before-too-long',
    level: 'warning',
    fidelity: 'ignored',
    doc: 'cert-manager.io/renew-before is not shorter than the duration: cert-manager\'s webhook rejects such a Certificate, so cert-manager never issued it. renewBefore is left out of the generated Certificate (cert-manager then renews when 1/3 of the duration is left). Fix the annotation.',
    render: (d: {key: string; value: string; durationKey: string} & ({duration: string} | {defaultDurationBecause: 'invalid' | 'not set'})) =>
      `${d.key}: "${d.value}" is not shorter than ${
        'duration' in d ? `the duration ${d.duration} (${d.durationKey})` : `the default duration 2160h (90 days), which applies as ${d.durationKey} is ${d.defaultDurationBecause}`
      }: cert-manager's webhook rejects a Certificate whose renewBefore is not shorter than its duration, so cert-manager never issued it; renewBefore is left out of the generated Certificate (cert-manager then renews when 1/3 of the duration is left)`,
  }),
  defineDiagnostic({
    code: 'certificate-shared',
    level: ['info', 'warning'],
    fidelity: ['approximate', 'exact'],
    doc: 'Several Ingresses name the same TLS Secret: cert-manager\'s ingress-shim kept one Certificate per Secret, owned by the Ingress that created it, so the others share it. Exact when they agree, approximate (warning) when this Ingress\'s hosts or issuer would have been left out.',
    render: (d: {secret: string; owner: string; certificate: string; ownerHosts: string[]; missing: string[]; otherIssuer?: {kind: string; name: string}}) => {
      const notes = [
        ...(d.missing.length > 0 ? [`its dnsNames (${d.ownerHosts.join(', ')}) do not include ${d.missing.join(', ')}, as cert-manager never added them for this Ingress`] : []),
        ...(d.otherIssuer !== undefined ? [`this Ingress's issuer (${d.otherIssuer.kind} ${d.otherIssuer.name}) had no effect on it`] : []),
      ]
      return (
        `Secret ${d.secret} is also issued for ${d.owner}: cert-manager's ingress-shim keeps one Certificate per Secret, owned by the Ingress that created it (assumed the older one) and refuses to update it for others, ` +
        `so this Ingress uses Certificate ${d.certificate} as well and gets none of its own${notes.length > 0 ? `; ${notes.join('; ')}` : ''}`
      )
    },
  }),
  defineDiagnostic({
    code: 'certificate-tls-no-hosts',
    level: 'warning',
    fidelity: 'manual',
    doc: 'A spec.tls entry with no hosts: cert-manager cannot request a certificate without DNS names, so no Certificate is generated. List the hosts in spec.tls[].hosts and rerun.',
    render: (d: {entry: number; secret: string}) =>
      `spec.tls[${d.entry}] (secret ${d.secret}) lists no hosts: cert-manager cannot request a certificate without DNS names; no Certificate is generated for it`,
  }),
  defineDiagnostic({
    code: 'certificate-tls-no-secret',
    level: 'warning',
    fidelity: 'manual',
    doc: 'A spec.tls entry without secretName: cert-manager issued nothing for it and ingress-nginx used its default certificate; no Certificate is generated. Add a secretName and rerun.',
    render: (d: {entry: number; hosts: string[]}) =>
      `spec.tls[${d.entry}] (${d.hosts.join(', ') || 'no hosts'}) has no secretName: cert-manager issued nothing for it (ingress-nginx used its default certificate); no Certificate is generated`,
  }),
  defineDiagnostic({
    code: 'certificate-wildcard-http01',
    level: 'warning',
    fidelity: 'manual',
    doc: 'A TLS entry lists a wildcard name but its issuer has only ACME HTTP-01 solvers, which cannot validate wildcard names (the CA requires DNS-01): cert-manager could not issue it under ingress-nginx either. Add a DNS-01 solver to the Issuer.',
    render: (d: {certificate: string; ingress: string; wildcards: string[]; issuer: string}) =>
      `${d.certificate} (from ${d.ingress}) lists the wildcard name${d.wildcards.length > 1 ? 's' : ''} ${d.wildcards.join(', ')}, but ${d.issuer} has only ACME HTTP-01 solvers, ` +
      'which cannot validate wildcard names (the CA requires DNS-01 for them): cert-manager could not issue this certificate under ingress-nginx, and cannot now',
  }),
  defineDiagnostic({
    code: 'certmanager-annotation-ignored',
    level: 'info',
    fidelity: 'ignored',
    doc: 'A cert-manager annotation that cert-manager\'s ingress-shim does not read: it is not carried over. Nothing to do.',
    render: (d: {key: string; value: string}) => `${d.key}: "${d.value}" is not read by cert-manager's ingress-shim; it is not carried over`,
  }),
  defineDiagnostic({
    code: 'certmanager-annotation-invalid',
    level: 'warning',
    fidelity: 'ignored',
    doc: 'A cert-manager annotation value that cert-manager\'s ingress-shim rejects: it issued no Certificate for the Ingress; here the field is left out of the Certificate. Fix or remove the annotation.',
    render: (d: {key: string; value: string} & CertAnnotationProblem) => `${d.key}: "${d.value}" ${certAnnotationProblem(d)}; cert-manager's ingress-shim rejected this value and issued no Certificate for the Ingress, here the field is left out of the Certificate`,
  }),
  defineDiagnostic({
    code: 'certmanager-certificate',
    level: 'info',
    fidelity: 'exact',
    doc: 'cert-manager annotations -> a Certificate in the Gateway\'s namespace (issuerRef as the annotation says); cert-manager issues new certificates into Secrets of the same names there, and the Secrets in the Ingress\'s namespace are left alone. When the Issuer is namespaced, a copy must exist in the Gateway\'s namespace.',
    render: (d: {trigger: string; issuer: string; certificates: string[]; gatewayNamespace: string; issuerKind: string; issuerName: string; namespace: string}) =>
      `${d.trigger}: "${d.issuer}" -> Certificate${d.certificates.length > 1 ? 's' : ''} ${d.certificates.join(', ')} in ${d.gatewayNamespace} ` +
      `(issuerRef ${d.issuerKind} ${d.issuerName}); cert-manager issues new certificates into Secrets of the same names there, the Secrets in ${d.namespace} are left alone`,
  }),
  defineDiagnostic({
    code: 'certmanager-external-issuer',
    level: 'info',
    fidelity: 'manual',
    doc: 'The Ingress uses an external cert-manager issuer (another API group): this tool cannot copy it. Create the issuer in the Gateway\'s namespace with the same configuration (or check that it is cluster-scoped), as the hint says.',
    render: (d: {ingress: string; kind: string; group: string; name: string; clusterScoped: boolean; namespace: string}) =>
      `${d.ingress} uses the external issuer ${d.kind}.${d.group} "${d.name}"${d.clusterScoped ? ' (cluster-scoped, judged from its kind)' : ` (assumed namespace-scoped in ${d.namespace})`}; this tool cannot copy external issuers`,
  }),
  defineDiagnostic({
    code: 'certmanager-issuer-conflict',
    level: 'warning',
    fidelity: 'manual',
    doc: 'The Ingress names more than one issuer (issuer, cluster-issuer, issuer-kind/group): cert-manager\'s ingress-shim refuses such an Ingress, so no Certificate was issued and none is generated. Keep one and rerun.',
    render: (d: {ingress: string; conflicts: {set: string; with: string}[]}) =>
      `${d.ingress}: ${d.conflicts.map((c) => `both ${c.set} and ${c.with} are set`).join('; ')}: cert-manager's ingress-shim refuses such an Ingress, so no Certificate was issued and none is generated`,
  }),
  defineDiagnostic({
    code: 'certmanager-passthrough-certificate',
    level: 'warning',
    fidelity: 'exact',
    doc: 'With ssl-passthrough the backend serves the certificate itself: the Certificate stays in the Ingress\'s namespace under the name cert-manager\'s ingress-shim gave it. Nothing moves to the Gateway.',
    render: (d: {trigger: string; issuer: string; namespace: string; certificates: string[]}) => {
      const many = d.certificates.length > 1
      return (
        `${d.trigger}: "${d.issuer}" with ssl-passthrough: the backend serves this certificate itself (TLS passes through the Gateway), so Certificate${many ? 's' : ''} ${d.certificates.map((c) => `${d.namespace}/${c}`).join(', ')} stay${many ? '' : 's'} in ${d.namespace} under the name${many ? 's' : ''} cert-manager's ingress-shim gave ${many ? 'them' : 'it'}; ` +
        'the shim\'s Certificate is owned by this Ingress (ownerReference), so deleting the Ingress would delete it and cert-manager would stop renewing the Secret the backend reads'
      )
    },
  }),
  defineDiagnostic({
    code: 'certmanager-solver-annotation',
    level: 'info',
    fidelity: 'ignored',
    doc: 'An acme.cert-manager.io/http01-* annotation that steered cert-manager\'s http01.ingress solver: it has no effect under the Gateway API, where challenges are answered by the Issuer\'s http01.gatewayHTTPRoute solver on the shared Gateway. Nothing to do; remove it after cutover.',
    render: (d: {key: string; value: string}) =>
      `${d.key}: "${d.value}" steered cert-manager's http01.ingress solver; it has no effect under the Gateway API: challenges are answered by the Issuer's http01.gatewayHTTPRoute solver on the shared Gateway`,
  }),
  defineDiagnostic({
    code: 'certmanager-tls-acme',
    level: 'warning',
    fidelity: 'manual',
    doc: 'kubernetes.io/tls-acme: "true" makes cert-manager issue with its default issuer (controller flags --default-issuer-name/-kind/-group, Helm ingressShim.defaultIssuerName/Kind/Group), which this tool cannot see, so no Certificate is generated for the Ingress. Find the default issuer (kubectl -n cert-manager get deploy cert-manager -o yaml | grep default-issuer), replace tls-acme with cert-manager.io/cluster-issuer (or cert-manager.io/issuer for a namespaced Issuer) and convert again.',
    render: (d: {key: string; ingress: string}) =>
      `${d.key}: "true" makes cert-manager issue with its default issuer (controller flags --default-issuer-name/--default-issuer-kind/--default-issuer-group, Helm ingressShim.defaultIssuerName/Kind/Group), which this tool cannot see: no Certificate is generated for ${d.ingress}`,
  }),
  defineDiagnostic({
    code: 'certmanager-tls-acme-redundant',
    level: 'info',
    fidelity: 'exact',
    doc: 'kubernetes.io/tls-acme: "true" beside an issuer annotation: it only selects cert-manager\'s default issuer when no issuer is named, so the named issuer wins, in cert-manager as in the generated Certificate. Nothing to do; the annotation can be removed.',
    render: (d: {key: string; trigger: string}) => `${d.key}: "true" only selects cert-manager's default issuer when no issuer annotation is set; ${d.trigger} wins`,
  }),
  defineDiagnostic({
    code: 'mtls-host-closed',
    level: 'error',
    doc: 'auth-tls-secret of this host cannot be loaded (not namespace/name, not a valid Secret name, or a Secret in another namespace without allow-cross-namespace-resources), so ingress-nginx answered 403 to every request for the host, from any Ingress: its routes attach to no generated listener and nothing is served for it, as before. Fix auth-tls-secret (namespace/name of a CA Secret in the Ingress\'s namespace) and convert again.',
    render: (d: {host: string; reason: string}) =>
      `host "${d.host || '*'}": ${d.reason}, so ingress-nginx answered 403 to every request for the host, from any Ingress; its routes attach to no generated listener, so nothing is served for it`,
  }),
  defineDiagnostic({
    code: 'mtls-host-from-other-ingress',
    level: 'info',
    doc: 'Another Ingress of the host sets auth-tls-*: ingress-nginx applies client certificate checks to the whole server, so this Ingress\'s paths there asked for client certificates too. Its routes attach to the host\'s client certificate listener as well, never to the shared https listener. Nothing to do unless those paths should be open: move them to another host.',
    render: (d: {host: string; from: string; listeners: string[]}) =>
      `host "${d.host}" asks for client certificates because of Ingress ${d.from} (ingress-nginx applies auth-tls-* to the whole server): this Ingress's routes there attach to ${d.listeners.join(', ')} as well, never to the shared https listener`,
  }),
  defineDiagnostic({
    code: 'mtls-host-settings-from-other-ingress',
    level: 'warning',
    doc: 'Several Ingresses of one host set auth-tls-*: ingress-nginx takes the server\'s client certificate settings (CA, verify mode) from the first Ingress of the host with a CA in its order, so this Ingress\'s settings had no effect; the host\'s listener uses the same ones. Make the Ingresses agree, or remove the unused settings.',
    render: (d: {host: string; from: string; ca: string; verify: string}) =>
      `host "${d.host || '*'}" takes its client certificate settings from Ingress ${d.from} (CA ${d.ca}, verify ${d.verify}), the first Ingress of the host with a CA in ingress-nginx's order; this Ingress's auth-tls-* settings have no effect there`,
  }),
  defineDiagnostic({
    code: 'mtls-host-under-tls-wildcard',
    level: ['warning', 'error'],
    doc: 'A host without TLS under a wildcard TLS host whose route takes its HTTPS requests (Gateway API hostnames match any depth): ingress-nginx answered them from the host\'s own server, asking for client certificates. A warning when the host gets a listener of its own that asks for them, with the wildcard\'s certificate (a request whose TLS server name is another name still reaches the wildcard\'s route); an error when no such listener can be generated (auth-tls-match-cn, or no certificate known), so its HTTPS reaches the wildcard\'s routes without the check. Give the host a TLS entry of its own so its listener checks client certificates.',
    render: (d: {case: 'no-listener'; host: string; names: string[]; wildcard: string; listener: string; reason: 'match-cn' | 'no-certificate'} | {case: 'own-listener'; host: string; wildcard: string; listeners: string[]; secret: string}) =>
      d.case === 'no-listener'
        ? `${hostWithAliases(d.host, d.names)} has no TLS, and the route of the wildcard host ${d.wildcard} on the ${d.listener} listener answers its HTTPS requests (Gateway API hostnames match any depth) without asking for a client certificate; ingress-nginx answered them from the host's own server, asking for client certificates. No listener of the host's own could be generated (${d.reason === 'match-cn' ? 'auth-tls-match-cn: no listener setting checks the certificate subject' : `no certificate is known for ${d.wildcard}`}), so its routes are not attached to ${d.listener}, and over HTTPS its name reaches ${d.wildcard}'s routes without the check`
        : `host "${d.host}" has no TLS, and the route of the wildcard host ${d.wildcard} would answer its HTTPS requests on the Gateway (hostnames match any depth) without asking for a client certificate; ingress-nginx answered them from the host's own server, asking for client certificates, with its default certificate (certificate.lua finds no certificate for the name). ` +
          `So ${d.host} gets listener(s) ${d.listeners.join(', ')} of its own that ask for them, with the certificate of ${d.wildcard} (Secret ${d.secret}, which does not cover ${d.host} either) where nginx presented its default certificate; plain HTTP stays served as nginx did. ` +
          `A request for ${d.host} over a connection whose TLS server name is another name (or none) still reaches the route of ${d.wildcard}, without a client certificate, where nginx answered it from the host's own server (421 for another server name, ngx_http_set_virtual_server)`,
  }),
  defineDiagnostic({
    code: 'mtls-host-without-tls',
    level: ['info', 'warning'],
    doc: 'A host with auth-tls-* but no TLS entry: ingress-nginx answered its HTTPS with its default certificate (or a TLS wildcard\'s) and asked for client certificates there. With no certificate known for a listener of its own, its routes stay on the http listener and it is not served over HTTPS. Give the host a TLS entry with its certificate and convert again: it then gets a listener that asks for client certificates.',
    render: (d: {host: string; wildcard?: string; matchCn: boolean}) =>
      `host "${d.host}" has no TLS entry: ingress-nginx answered its HTTPS with its default certificate and asked for client certificates there; ${d.wildcard !== undefined && d.matchCn ? 'no listener of its own can check auth-tls-match-cn' : 'no certificate is known for a listener of its own'}, so its routes stay on the http listener (plain HTTP, where nginx asked for no certificate either)` +
      (d.wildcard !== undefined ? `, and over HTTPS its name reaches the route of the wildcard host ${d.wildcard} without the check (mtls-host-under-tls-wildcard)` : ' and the host is not served over HTTPS'),
  }),
  defineDiagnostic({
    code: 'mtls-listener-not-generated',
    level: 'warning',
    fidelity: 'manual',
    doc: 'A host whose client certificate check needs a listener of its own, which is not generated (the message says why: no certificate is known for the host, or auth-tls-match-cn restricts the subject, which no listener setting checks). Its routes are not attached to the shared https listener, since that would serve it without the check, so nothing is served over HTTPS for it until a person adds the listener.',
    render: (d: {host: string; listener: string; missing: string; sharedListener: string}) =>
      `host "${d.host || '*'}" needs client certificates, and its listener ${d.listener} is not generated: ${d.missing}. Its routes are not attached to the shared ${d.sharedListener} listener, so nothing is served over HTTPS for it until a person adds the listener`,
  }),
  defineDiagnostic({
    code: 'plain-host-under-tls-wildcard',
    level: ['info', 'warning'],
    doc: 'A host without TLS under a wildcard TLS host: the wildcard\'s route on the HTTPS listener would answer its HTTPS requests (Gateway API hostnames match any depth, nginx\'s wildcard server names one label), where ingress-nginx answered them from the host\'s own server with its default certificate. Give the host a TLS entry if clients use HTTPS.',
    render: (d: {host: string; names: string[]; wildcard: string; listener: string; clientCertificates: boolean}) =>
      `${hostWithAliases(d.host, d.names)} has no TLS, and the route of the wildcard host ${d.wildcard} on the ${d.listener} listener would answer its HTTPS requests (Gateway API hostnames match any depth, nginx's wildcard server name one label${d.host.startsWith('*.') ? ', and nginx chose the longer wildcard server' : ''}): ` +
      `ingress-nginx answered them from the host's own server, with its default certificate. Its routes attach to ${d.listener} as well (no redirect), so HTTPS keeps reaching its own Services; the certificate is the one of the listener's that Envoy picks by SNI (the first when none names the host) where nginx presented its default certificate` +
      (d.clientCertificates ? `. ${d.listener} asks for client certificates (auth-tls-* of ${d.wildcard}), which nginx did not ask of ${d.host}: clients without one now fail the handshake` : ''),
  }),
  defineDiagnostic({
    code: 'tls-certificate-overlap',
    level: 'warning',
    fidelity: 'approximate',
    doc: 'Two TLS Secrets are declared for the same host names: on one https listener Envoy Gateway rejects the later Secret whole ("public key algorithm must be unique"), taking the certificate away from its other hosts too. So the hosts that ingress-nginx served with this Secret get listeners of their own with it, and their routes attach there. To keep a single https listener, issue one certificate per set of hosts (or one wildcard).',
    render: (d: {secret: string; names: string[]; like: string[]; hosts: string[]; listeners: string[]}) => {
      const one = d.hosts.length === 1
      return (
        `Secret ${d.secret} is declared for ${d.names.join(', ')} like ${d.like.join(', ')}: on one https listener Envoy Gateway would reject the later Secret whole ("public key algorithm must be unique") and its other hosts would lose their certificate. ` +
        `As ingress-nginx chose ${d.secret} for ${d.hosts.join(', ')}, ${one ? 'that host gets a listener' : 'those hosts get listeners'} of ${one ? 'its' : 'their'} own with it alone (${d.listeners.join(', ')}), and ${one ? 'its' : 'their'} routes attach there`
      )
    },
  }),
  defineDiagnostic({
    code: 'tls-certificate-redundant',
    level: 'info',
    fidelity: 'approximate',
    doc: 'A TLS Secret declared for host names an earlier Secret on the same https listener already covers: Envoy Gateway would reject it whole ("public key algorithm must be unique"), so it is left off the listener, and the hosts it covered get the earlier Secret (the message names them when that differs from the one ingress-nginx chose). Check those hosts\' certificates are equivalent.',
    render: (d: {secret: string; names: string[]; like: string[]; gateway: string; instead: {host: string; secret: string}[]}) =>
      `Secret ${d.secret} is declared for ${d.names.join(', ')} like ${d.like.join(', ')}, listed before it on the https listener of ${d.gateway}: Envoy Gateway would reject it whole ("public key algorithm must be unique"). ` +
      `It is left off the listener${d.instead.length > 0 ? `; ${d.instead.map((i) => `${i.host} gets ${i.secret}`).join(', ')}, declared for that name, instead of the Secret ingress-nginx chose` : ''}`,
  }),
  defineDiagnostic({
    code: 'tls-from-wildcard',
    level: 'info',
    doc: 'A host without a TLS entry that ingress-nginx served over HTTPS (and redirected to it) with the certificate of a wildcard host: the route is attached to the wildcard\'s HTTPS listener so clients get the same certificate. Add a TLS entry of its own if that was not intended.',
    render: (d: {host: string; wildcard: string; ingress: string; passthrough: boolean; certificate: {case: 'secret'; secret: string} | {case: 'entry-without-secret' | 'covering-or-default'}; redirect: 'none' | 'all' | 'some'}) => {
      const redirect =
        d.redirect === 'none'
          ? 'ssl-redirect is off for its paths, so it stays served over plain HTTP too, as nginx did'
          : d.redirect === 'all'
            ? 'its plain-HTTP requests are redirected to HTTPS (308), as nginx did'
            : 'its plain-HTTP requests are redirected to HTTPS (308) on the paths of Ingresses with ssl-redirect on, as nginx did'
      const certificate =
        d.certificate.case === 'secret'
          ? `Secret ${d.certificate.secret}`
          : d.certificate.case === 'entry-without-secret'
            ? 'the default certificate: its TLS entry names no Secret'
            : 'a Secret of its Ingress whose certificate covers it, else the default certificate'
      return d.passthrough
        ? `host "${d.host}" (ssl-passthrough) has no TLS entry in any Ingress: its TLS connections pass through to its backend, but the HTTPS redirect of its plain-HTTP requests (lua_ingress.lua redirect_to_https) asks certificate.lua, which finds the certificate of the wildcard host ${d.wildcard} (from Ingress ${d.ingress}) for its one-label wildcard name; so ${redirect}`
        : `host "${d.host}" has no TLS entry in any Ingress, and ingress-nginx served it over HTTPS with the certificate of the wildcard host ${d.wildcard} (${certificate}, from Ingress ${d.ingress}): ` +
            'certificate.lua looks a name up as itself, then as its one-label wildcard, both for the TLS handshake and for the HTTPS redirect (lua_ingress.lua redirect_to_https). ' +
            `So its routes attach to the HTTPS listener that serves ${d.wildcard}, and ${redirect}`
    },
  }),
  defineDiagnostic({
    code: 'tls-listeners-http1-only',
    level: ['info', 'warning'],
    fidelity: 'approximate',
    doc: 'HTTPS listeners carry certificates for the same names: Envoy Gateway then offers only HTTP/1.1 on them (condition OverlappingTLSConfig), so that browsers do not reuse an HTTP/2 connection across listeners. A warning when clients relied on HTTP/2; give each name one certificate.',
    render: (d: {gateway: string; listeners: string[]; pairs: string[]; grpcHosts: string[]}) =>
      `the HTTPS listeners ${d.listeners.join(', ')} of ${d.gateway} carry certificates for the same names (${d.pairs.join('; ')}): Envoy Gateway then offers HTTP/1.1 only on them (condition OverlappingTLSConfig), so that browsers do not reuse an HTTP/2 connection of one listener for the other's names; ingress-nginx served HTTP/2 on every host` +
      (d.grpcHosts.length > 0 ? `. gRPC needs HTTP/2: the gRPC routes of ${d.grpcHosts.join(', ')} fail on these listeners` : ''),
  }),
  defineDiagnostic({
    code: 'tls-listeners-http2-kept',
    level: 'info',
    doc: 'HTTPS listeners overlap only because a deeper host with client certificates presents a TLS wildcard\'s certificate on a listener of its own (the wildcard is not valid for that name): Envoy Gateway would offer only HTTP/1.1 on them, so their ClientTrafficPolicies set tls.alpnProtocols [h2, http/1.1] and HTTP/2 is served as ingress-nginx did. A client that checks certificates cannot reuse a connection across these names.',
    render: (d: {gateway: string; listeners: string[]; overlaps: {a: string; b: string; reason: string}[]; covered: {hostname: string; coveredBy: string}[]}) =>
      `the HTTPS listeners ${d.listeners.join(', ')} of ${d.gateway} carry certificates for the same names (${d.overlaps.map((o) => `${o.a} and ${o.b}: ${o.reason}`).join('; ')}) only because ${d.covered.map((c) => `${c.hostname}'s listener presents the certificate of ${c.coveredBy}`).join(', ')}; Envoy Gateway would offer HTTP/1.1 only on them (condition OverlappingTLSConfig, against HTTP/2 connection coalescing), so their ClientTrafficPolicies set tls.alpnProtocols [h2, http/1.1], which it keeps, and HTTP/2 is served as ingress-nginx did. ` +
      `No certificate of theirs is declared for ${d.covered.map((c) => c.hostname).join(', ')}: a client that checks certificates never reuses a connection across these names. The Gateway still reports OverlappingTLSConfig on these listeners`,
  }),
  defineDiagnostic({
    code: 'tls-secret-copies',
    level: 'info',
    doc: 'The https listener lists several Secrets for the same names that may be copies of one certificate: if they are, Envoy Gateway uses the first and reports the others invalid ("public key algorithm must be unique"), while their hosts are still served. Nothing in the TLS entries proves it, so each is kept. If they are copies of a wildcard certificate, list the wildcard in the hosts of their TLS entries and convert again: the copies after the first are then left off.',
    render: (d: {gateway: string; secrets: string[]}) =>
      `the https listener of ${d.gateway} lists ${d.secrets.join(', ')}: if these are copies of one certificate, Envoy Gateway uses the first and reports the others as invalid (public key algorithm must be unique), while their hosts are still served; nothing in their TLS entries shows that they are copies, so each is kept`,
  }),
  defineDiagnostic({
    code: 'tls-sni-shadowed',
    level: ['info', 'warning'],
    fidelity: ['approximate', 'exact'],
    doc: 'A host without a Secret of its own (nginx served it with its default certificate) whose TLS connections a more specific listener takes (Envoy chooses the most specific SNI match): clients get that listener\'s certificate. Info when it is the same certificate nginx served.',
    render: (d: {case: 'default-certificate'; host: string; listener: string; hostname: string; gateway: string} | {case: 'moved'; listener: string; hostname: string; hosts: string[]; listeners: string[]}) =>
      d.case === 'default-certificate'
        ? `host "${d.host}" has no Secret of its own (ingress-nginx served it with its default certificate), and the listener ${d.listener} (hostname ${d.hostname}) receives its TLS connections: Envoy chooses the most specific SNI match, and the shared ${d.gateway} https listener matches any name. Over HTTPS it reaches ${d.hostname}'s routes, not its own`
        : `listener ${d.listener} (hostname ${d.hostname}) would receive the TLS connections for ${d.hosts.join(', ')}: Envoy picks the listener of the most specific SNI match (exact name, then wildcard, then the shared https listener, which matches any name), and its routes are only ${d.hostname}'s. ` +
          `As ingress-nginx served each of these names from its own server, they get listeners of their own with the certificate they had (${d.listeners.join(', ')}), and their routes attach there`,
  }),
] as const

/** Why cert-manager's ingress-shim refused a cert-manager.io/* annotation value (certificates.ts readShimAnnotations). */
export type CertAnnotationProblem =
  | {problem: 'no-issuer-name' | 'empty' | 'common-name-too-long' | 'not-percentage' | 'not-integer' | 'not-positive-integer' | 'no-addresses' | 'not-list'}
  | {problem: 'not-one-of'; values: string[]}
  | {problem: 'key-size'; algorithm: 'RSA' | 'ECDSA'}
  | {problem: 'not-json' | 'not-json-object' | 'cert-manager-annotations'}
  | {problem: 'unknown-fields'; fields: string[]}
  | {problem: 'non-string-map'; field: string}
  | {problem: 'not-duration'; example: string}
  | {problem: 'below-minimum'; minimum: string}
  | {problem: 'combined-with'; other: string}
  | {problem: 'unknown-usages'; usages: string[]}

function certAnnotationProblem(d: CertAnnotationProblem): string {
  switch (d.problem) {
    case 'no-issuer-name':
      return 'is empty (no issuer name)'
    case 'empty':
      return 'is empty'
    case 'common-name-too-long':
      return 'is longer than 64 characters (an X.509 common name cannot be)'
    case 'not-percentage':
      return 'is not an integer between 1 and 99'
    case 'not-integer':
      return 'is not an integer'
    case 'not-positive-integer':
      return 'is not a positive integer'
    case 'no-addresses':
      return 'lists no addresses'
    case 'not-list':
      return 'is not a valid comma-separated list (check the quoting)'
    case 'not-one-of':
      return `is not one of ${d.values.join(', ')}`
    case 'key-size':
      return d.algorithm === 'RSA' ? 'is not a valid RSA key size (2048 to 8192)' : 'is not a valid ECDSA key size (256, 384, 521)'
    case 'not-json':
      return 'is not valid JSON'
    case 'not-json-object':
      return 'is not a JSON object'
    case 'unknown-fields':
      return `has unknown fields (${d.fields.join(', ')})`
    case 'non-string-map':
      return `has a non-string map in ${d.field}`
    case 'cert-manager-annotations':
      return 'sets cert-manager.io/ annotations, which cert-manager forbids there'
    case 'not-duration':
      return `is not a Go duration (e.g. ${d.example})`
    case 'below-minimum':
      return `is shorter than the ${d.minimum} minimum cert-manager accepts`
    case 'combined-with':
      return `cannot be combined with ${d.other} (the Certificate accepts only one)`
    case 'unknown-usages':
      return `contains unknown key usages (${d.usages.map((b) => `"${b}"`).join(', ')})`
  }
}

/** `host "a.example.com"`, with the server-aliases among the names a wildcard's route takes (wildcard-certificates.ts). */
function hostWithAliases(host: string, names: string[]): string {
  const aliases = names.filter((n) => n !== host)
  return `host "${host}"${aliases.length === 0 ? '' : ` (${names.includes(host) ? 'and its ' : 'for its '}server-alias ${aliases.map((n) => `"${n}"`).join(', ')})`}`
}
