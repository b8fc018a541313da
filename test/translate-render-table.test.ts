/**
 * The sentences the catalogue renders for the compiler's bundle and Gateway diagnostics (src/translate/), one row per
 * branch of a render, several of which no golden reaches: code and data in, the exact message the call site wrote
 * before the diagnostic became data (so `report` output and goldens keep their wording).
 */
import test from 'ava'
import {diagnostic} from '../src/model/catalogue/diagnostic.js'

const rows: {code: string; data: unknown; level?: 'error' | 'warning' | 'info'; message: string}[] = [
  {
    code: 'controller-service-cluster-ip',
    data: {service: 'Service ingress-nginx/ctl', envoyProxy: 'EnvoyProxy gw/ingress2gw-proxy'},
    message:
      'Service ingress-nginx/ctl is of type ClusterIP: nginx was not exposed by a load balancer of its own but fronted by something else (an outside load balancer, a cloud ingress, a tunnel, another proxy) through it; the Envoy Service is ClusterIP too (EnvoyProxy gw/ingress2gw-proxy), so nothing reaches Envoy until that is repointed',
  },
  {
    code: 'controller-service-session-affinity',
    data: {},
    message: "sessionAffinity ClientIP kept each client on one ingress-nginx pod; Envoy Gateway's Service always has sessionAffinity None (resource.go ExpectedServiceSpec)",
  },
  {
    code: 'controller-service-address-not-carried',
    data: {case: 'identity', key: 'service.beta.kubernetes.io/aws-load-balancer-eip-allocations', value: 'eipalloc-1', identifies: 'Elastic IP allocations', envoyProxy: 'EnvoyProxy gw/p'},
    message:
      'service.beta.kubernetes.io/aws-load-balancer-eip-allocations: "eipalloc-1" identifies the ingress-nginx load balancer (its Elastic IP allocations); it is not copied to EnvoyProxy gw/p: a second Service carrying it would take over that load balancer or collide with it while both run, so the Envoy Service gets a load balancer of its own',
  },
  {
    code: 'controller-service-address-not-carried',
    data: {case: 'dns', key: 'external-dns.alpha.kubernetes.io/hostname', value: 'lb.example.com', envoyProxy: 'EnvoyProxy gw/p'},
    message:
      'external-dns.alpha.kubernetes.io/hostname: "lb.example.com" publishes DNS for the ingress-nginx load balancer; it is not copied to EnvoyProxy gw/p, or external-dns would see two Services claim the same name',
  },
  {
    code: 'controller-service-address-not-carried',
    data: {case: 'address', key: 'networking.gke.io/load-balancer-ip-addresses', value: 'ip-1', pins: 'static addresses', envoyProxy: 'EnvoyProxy gw/p'},
    message:
      'networking.gke.io/load-balancer-ip-addresses: "ip-1" pins the ingress-nginx load balancer\'s static addresses; it is not copied to EnvoyProxy gw/p: both load balancers run side by side and cannot hold the same address, so the Envoy Service gets a new one',
  },
  {
    code: 'controller-service-address-not-carried',
    data: {case: 'load-balancer-ip', ip: '203.0.113.7', envoyProxy: 'EnvoyProxy gw/p'},
    message:
      'loadBalancerIP 203.0.113.7 belongs to the ingress-nginx load balancer; it is not copied to EnvoyProxy gw/p: both load balancers run side by side and cannot hold the same address, so the Envoy Service gets a new one',
  },
  {
    code: 'controller-service-annotations-kept',
    data: {envoyProxy: 'EnvoyProxy gw/p', annotations: ['a.example.com/x', 'b.example.com/y']},
    message: 'annotations copied to EnvoyProxy gw/p (envoyService.annotations): a.example.com/x, b.example.com/y',
  },
  {
    code: 'controller-service-annotations-dropped',
    data: {envoyProxy: 'EnvoyProxy gw/p', annotations: ['meta.helm.sh/release-name']},
    message: 'tooling annotations not copied to EnvoyProxy gw/p (Helm, kubectl, GitOps metadata; no load balancer reads them): meta.helm.sh/release-name',
  },
  {
    code: 'controller-service-aws-default-scheme',
    data: {service: 'Service ingress-nginx/ctl', why: 'loadBalancerClass eks.amazonaws.com/nlb without service.beta.kubernetes.io/aws-load-balancer-scheme (default internal)', eksAutoMode: true, envoyProxy: 'EnvoyProxy gw/p'},
    message:
      "Service ingress-nginx/ctl has no service.beta.kubernetes.io/aws-load-balancer-scheme and no service.beta.kubernetes.io/aws-load-balancer-internal (loadBalancerClass eks.amazonaws.com/nlb without service.beta.kubernetes.io/aws-load-balancer-scheme (default internal)): EKS Auto Mode made its NLB internal (its default scheme); the AWS Load Balancer Controller made its NLB internal if it ran v2.2 or later with the default --default-load-balancer-scheme, internet-facing under v2.0/v2.1 or with --default-load-balancer-scheme=internet-facing (and keeps an existing NLB's scheme); EnvoyProxy gw/p says service.beta.kubernetes.io/aws-load-balancer-scheme: internal, so that the new NLB is never public by default",
  },
  {
    code: 'controller-service-internal-pinned',
    data: {
      envoyProxy: 'EnvoyProxy gw/p',
      pinned: {'cloud.google.com/load-balancer-type': 'Internal', 'oci.oraclecloud.com/oci-network-load-balancer-internal': 'true'},
      readers: ['gke', 'oci'],
    },
    message:
      'EnvoyProxy gw/p sets cloud.google.com/load-balancer-type: "Internal", oci.oraclecloud.com/oci-network-load-balancer-internal: "true" beside the copied annotations, so that the load balancer stays internal whichever key the controller serving the Envoy Service reads first (GKE: networking.gke.io/load-balancer-type, then cloud.google.com/load-balancer-type; OCI: the load balancer and the network load balancer read one key each) and whatever a GatewayClass-level or default EnvoyProxy merged under it sets',
  },
  {code: 'issuer-invalid', data: {issuer: 'ClusterIssuer ?', namespaced: false}, message: 'ClusterIssuer ? has no name; it was skipped'},
  {code: 'issuer-invalid', data: {issuer: 'Issuer ?/le', namespaced: true}, message: 'Issuer ?/le has no name or namespace; it was skipped'},
  {
    code: 'issuer-rewritten',
    data: {
      issuer: 'ClusterIssuer le',
      solvers: [
        {index: 0, editsIngress: 'web', gateway: 'gw/a'},
        {index: 2, gateway: 'gw/b'},
      ],
      listener: 'http',
    },
    message:
      'ClusterIssuer le: ACME HTTP-01 solvers solvers[0] (edits Ingress "web" -> Gateway gw/a), solvers[2] (default class -> Gateway gw/b) used http01.ingress (ingress-nginx); now http01.gatewayHTTPRoute on the "http" listener of the Gateway of the solver\'s class, so cert-manager answers challenges with an HTTPRoute instead of a temporary Ingress',
  },
  {
    code: 'issuer-copied',
    data: {issuer: 'Issuer team/le', gatewayNamespace: 'gw', copy: 'le-team', otherSecrets: ['dns-creds']},
    message:
      'Issuer team/le is needed by Certificates in the gateway namespace gw (a namespaced Issuer only serves its own namespace): copied as Issuer gw/le-team. Secrets it references that must also exist in gw: dns-creds.',
  },
  {
    code: 'issuer-copied',
    data: {issuer: 'Issuer team/le', gatewayNamespace: 'gw', copy: 'le-team', accountSecret: 'acct', otherSecrets: []},
    message:
      'Issuer team/le is needed by Certificates in the gateway namespace gw (a namespaced Issuer only serves its own namespace): copied as Issuer gw/le-team. Its ACME account key Secret "acct" must exist in gw too, or cert-manager registers a new ACME account there.',
  },
  {
    code: 'issuer-unchanged',
    data: {issuer: 'Issuer team/le', classes: ['nginx', 'internal'], otherClasses: ['traefik'], copyEmitted: true},
    message: 'Issuer team/le has no ACME http01.ingress solver for ingress-nginx (classes nginx, internal); solvers for other classes (traefik) are kept: only its copy in the gateway namespace is emitted',
  },
  {
    code: 'issuer-not-found',
    data: {issuer: 'team/le', gatewayNamespace: 'gw', copy: 'le-team'},
    message: 'Issuer team/le is referenced by Ingress cert-manager annotations but is not in the input: Certificates in gw reference a copy named le-team that was not generated',
  },
  {
    code: 'issuer-ingress-template-nginx',
    data: {
      issuer: 'ClusterIssuer le',
      solver: 1,
      annotations: [
        {key: 'nginx.ingress.kubernetes.io/auth-url', value: 'http://a', effect: 'auth'},
        {key: 'nginx.ingress.kubernetes.io/denylist-source-range', value: '10.0.0.0/8', effect: 'replaced-denylist'},
        {key: 'nginx.ingress.kubernetes.io/enable-global-auth', value: 'false', effect: 'global-auth'},
        {key: 'nginx.ingress.kubernetes.io/proxy-body-size', value: '1m', effect: 'other'},
        {key: 'nginx.ingress.kubernetes.io/ssl-redirect', value: 'false', effect: 'redirect'},
        {key: 'nginx.ingress.kubernetes.io/whitelist-source-range', value: '10.0.0.0/8', effect: 'replaced-allowlist'},
      ],
      exemptPolicy: 'gw/acme',
    },
    message:
      'ClusterIssuer le solvers[1] http01.ingress.ingressTemplate set ingress-nginx annotations on cert-manager\'s temporary solver Ingress: nginx.ingress.kubernetes.io/auth-url: "http://a" (configured authentication of the challenge path); nginx.ingress.kubernetes.io/denylist-source-range: "10.0.0.0/8" (replaced the ConfigMap denylist on the challenge path); nginx.ingress.kubernetes.io/enable-global-auth: "false" (switched global auth for the challenge path); nginx.ingress.kubernetes.io/proxy-body-size: "1m" (configured the solver Ingress in ingress-nginx); nginx.ingress.kubernetes.io/ssl-redirect: "false" (controlled the HTTPS redirect of the challenge path); nginx.ingress.kubernetes.io/whitelist-source-range: "10.0.0.0/8" (replaced the ConfigMap allowlist on the challenge path). The gatewayHTTPRoute solver\'s HTTPRoute carries no annotations, and they were dropped: access to the challenges is handled by SecurityPolicy gw/acme instead, which lets the solver HTTPRoutes (label acme.cert-manager.io/http01-solver) past the Gateway-level allowlist and global auth (the deny lists still apply), and the HTTPS redirect never catches challenges (their Exact route wins over the redirect\'s prefix match)',
  },
  {
    code: 'issuer-ingress-template-annotations',
    data: {issuer: 'ClusterIssuer le', solver: 0, annotations: ['a.example.com/x']},
    message: 'ClusterIssuer le solvers[0] http01.ingress.ingressTemplate.metadata.annotations (a.example.com/x) have no place on the gatewayHTTPRoute solver (only labels do) and were dropped',
  },
  {
    code: 'issuer-managed-by-replaced',
    data: {issuer: 'ClusterIssuer le', managedBy: 'Helm'},
    message: 'ClusterIssuer le carried app.kubernetes.io/managed-by: Helm; the rewritten object says ingress2gw',
  },
  {
    code: 'issuer-secret-collision',
    data: {
      user: {issuer: 'Issuer b/le', copy: 'le-b', gatewayNamespace: 'gw'},
      keeper: {issuer: 'Issuer gw/own', gatewayNamespace: 'gw'},
      secret: 'acct',
      paths: ['spec.acme.privateKeySecretRef', 'spec.ca.secretName', 'spec.acme.solvers[0].dns01.x.secretRef', 'spec.acme.externalAccountBinding.keySecretRef', 'spec.vault.auth'],
      gatewayNamespace: 'gw',
    },
    message:
      'Issuer gw/le-b (the copy of Issuer b/le) and Issuer gw/own both reference Secret "acct" (spec.acme.privateKeySecretRef, spec.ca.secretName, spec.acme.solvers[0].dns01.x.secretRef, spec.acme.externalAccountBinding.keySecretRef, spec.vault.auth), which must exist in gw for both: one Secret there cannot stand in for the ACME account key / CA key pair / DNS-01 credentials / ACME external account binding key / credentials of both, which were separate Secrets in their namespaces',
  },
  {
    code: 'stream-route',
    data: {entry: 'udp-services "53": "dns/coredns:53"', listener: 'udp-53', protocol: 'UDP', port: 53, gateway: 'gw/main', routeKind: 'UDPRoute', namespace: 'dns', route: 'coredns-53', service: 'coredns', backendPort: 53},
    message: 'udp-services "53": "dns/coredns:53" -> listener udp-53 (UDP 53) on Gateway gw/main and UDPRoute dns/coredns-53 to coredns:53; the listener admits routes from namespace dns only',
  },
  {
    code: 'stream-proxy-protocol-decode',
    data: {entry: 'tcp-services "9000": "db/pg:5432:PROXY"', port: 9000, policy: 'main-tcp-9000', listener: 'tcp-9000'},
    message: 'tcp-services "9000": "db/pg:5432:PROXY": the 3rd field PROXY made nginx expect PROXY protocol on port 9000 -> ClientTrafficPolicy main-tcp-9000 with proxyProtocol: {} on listener tcp-9000',
  },
  {
    code: 'stream-proxy-protocol-encode',
    data: {entry: 'tcp-services "9000": "db/pg:5432::PROXY"', service: 'pg', namespace: 'db', route: 'pg-9000'},
    message: 'tcp-services "9000": "db/pg:5432::PROXY": the 4th field PROXY made nginx send PROXY protocol v1 to pg -> BackendTrafficPolicy db/pg-9000 with proxyProtocol.version: V1',
  },
  {
    code: 'auth-headers-client-copies',
    level: 'warning',
    data: {case: 'not-generated', headers: ['X-User', 'X-Groups'], sources: ['Ingress a/web', 'Ingress b/api'], listeners: ['http', 'https'], exposed: ['a0.example.com', 'a1.example.com', 'a2.example.com', 'a3.example.com', 'a4.example.com', 'a5.example.com', 'a6.example.com', 'a7.example.com', 'a8.example.com', 'a9.example.com'], kept: ['Authorization', 'Cookie']},
    message:
      "a client can send its own X-User, X-Groups (the headers the external auth of Ingress a/web, Ingress b/api copies to the backend) to the backend until the listeners remove them: nginx replaced them with the auth answer's values and sent none the answer lacked (nginx.tmpl, buildAuthResponseHeaders), while Envoy's extAuth copies only the headers the answer has and would pass a client-sent one on; these listeners also serve requests without external auth (a0.example.com, a1.example.com, a2.example.com, a3.example.com, a4.example.com, a5.example.com, a6.example.com, a7.example.com, and 2 more): their backends no longer receive the client-sent copies of the headers removed there, which nginx passed on; Authorization, Cookie are not removed, because the check reads the client's own: where the answer lacks it, the client's reaches the backend",
  },
  {
    code: 'auth-headers-client-copies',
    level: 'info',
    data: {case: 'removed', headers: ['X-User'], sources: ['Ingress a/web'], listeners: ['https'], exposed: [], kept: ['Cookie']},
    message:
      "the ClientTrafficPolicies of listener https remove a client's X-User (the headers the external auth of Ingress a/web copies to the backend) before any filter runs (earlyRequestHeaders), so only the auth service's values reach the backend: nginx replaced them with the auth answer's values and sent none the answer lacked (nginx.tmpl, buildAuthResponseHeaders), while Envoy's extAuth copies only the headers the answer has and would pass a client-sent one on; Cookie is not removed, because the check reads the client's own: where the answer lacks it, the client's reaches the backend",
  },
  {
    code: 'auth-headers-client-copies',
    level: 'warning',
    data: {case: 'removed', headers: ['X-User'], sources: ['Ingress a/web'], listeners: ['https'], exposed: ['web.example.com (paths /public)'], kept: []},
    message:
      "the ClientTrafficPolicies of listener https remove a client's X-User (the headers the external auth of Ingress a/web copies to the backend) before any filter runs (earlyRequestHeaders), so only the auth service's values reach the backend: nginx replaced them with the auth answer's values and sent none the answer lacked (nginx.tmpl, buildAuthResponseHeaders), while Envoy's extAuth copies only the headers the answer has and would pass a client-sent one on; this listener also serves requests without external auth (web.example.com (paths /public)): their backends no longer receive the client-sent copies of the headers removed there, which nginx passed on",
  },
  {
    code: 'auth-exempt-location',
    level: 'warning',
    data: {paths: ['web.example.com/.well-known/acme-challenge'], exempt: ['/.well-known/acme-challenge'], headers: []},
    message:
      "web.example.com/.well-known/acme-challenge: under the controller ConfigMap's no-auth-locations (/.well-known/acme-challenge), so ingress-nginx sent no request there to the auth service (nginx.tmpl wraps auth_request in isLocationInLocationList). The Ingress's SecurityPolicy targets its whole HTTPRoute: these paths now require authentication, and anonymous requests nginx served there are refused",
  },
  {
    code: 'auth-exempt-location',
    level: 'warning',
    data: {paths: ['*/public', 'web.example.com/public'], exempt: ['/public', '/status'], headers: ['X-User']},
    message:
      "*/public, web.example.com/public: under the controller ConfigMap's no-auth-locations (/public, /status), so ingress-nginx sent no request there to the auth service (nginx.tmpl wraps auth_request in isLocationInLocationList), and the backend got the client's own X-User (the auth answer's replaced them only where auth ran). The Ingress's SecurityPolicy targets its whole HTTPRoute: these paths now require authentication and client copies of those headers are removed, and anonymous requests nginx served there are refused",
  },
  {
    code: 'auth-exempt-location',
    level: 'info',
    data: {paths: ['web.example.com/healthz'], exempt: ['/healthz'], headers: ['X-User'], open: true},
    message:
      "web.example.com/healthz: under the controller ConfigMap's no-auth-locations (/healthz), served without authentication as ingress-nginx served them (nginx.tmpl wraps auth_request in isLocationInLocationList), through a route of their own that the auth of the Ingress's SecurityPolicy leaves out; ingress-nginx passed the client's own X-User to the backend there (it set them from the auth answer only where auth ran), and the listener now removes them for every path",
  },
  {
    code: 'policy-replaces-gateway-defaults',
    data: {kind: 'SecurityPolicy', leftOut: ['extAuth', 'authorization']},
    message: 'this route-level SecurityPolicy replaces the Gateway-level one, whose settings it repeats except extAuth, authorization (left out for this Ingress: see the diagnostics of its annotations)',
  },
  {code: 'policy-replaces-gateway-defaults', data: {kind: 'BackendTrafficPolicy', leftOut: []}, message: 'this route-level BackendTrafficPolicy replaces the Gateway-level one and repeats all its settings'},
  {
    code: 'policy-merge-type',
    data: {policies: 3},
    message:
      "3 route-level policies set mergeType: StrategicMerge so that they add to the Gateway-level defaults instead of replacing them (as nginx's ConfigMap defaults applied beside annotations); this needs Envoy Gateway v1.4+ for BackendTrafficPolicy and v1.8+ for SecurityPolicy",
  },
  {
    code: 'redirect-before-auth',
    data: {},
    message: 'the https-redirect routes get a SecurityPolicy of their own that lets every request through to the redirect: nginx redirected to HTTPS before its allowlist and global auth ran',
  },
  {
    code: 'class-not-selected',
    data: {ingresses: ['a/x'], case: 'empty-class'},
    message:
      "1 Ingress(es) skipped, their kubernetes.io/ingress.class annotation is empty, which equals no controller's --ingress-class (store.go GetIngressClass: a present annotation must equal it; only a missing one reaches --watch-ingress-without-class): a/x",
  },
  {
    code: 'class-not-selected',
    data: {ingresses: ['a/x', 'b/y'], case: 'no-class'},
    message: '2 Ingress(es) skipped, they name no ingress class; ingress-nginx serves those only with --watch-ingress-without-class (use --include-classless): a/x, b/y',
  },
  {
    code: 'class-not-selected',
    data: {ingresses: ['a/x'], case: 'foreign-default', className: 'traefik', product: 'Traefik'},
    message: '1 Ingress(es) skipped, class "traefik" has no IngressClass in the input and is the default class name of Traefik, not ingress-nginx\'s (use --ingress-class traefik if an ingress-nginx served it all the same): a/x',
  },
  {
    code: 'class-not-selected',
    data: {ingresses: ['a/x'], case: 'other-controller', className: 'kong'},
    message: '1 Ingress(es) skipped, class "kong" is not ingress-nginx\'s: its IngressClass names no spec.controller, not k8s.io/ingress-nginx (use --ingress-class kong if an ingress-nginx served it all the same): a/x',
  },
  {
    code: 'class-not-selected',
    data: {ingresses: ['a/x'], case: 'other-controller', className: 'kong', controller: 'ingress-controllers.konghq.com/kong'},
    message:
      '1 Ingress(es) skipped, class "kong" is not ingress-nginx\'s: its IngressClass names controller ingress-controllers.konghq.com/kong, not k8s.io/ingress-nginx (use --ingress-class kong if an ingress-nginx served it all the same): a/x',
  },
  {
    code: 'class-not-selected',
    data: {ingresses: ['a/x'], case: 'not-served', className: 'internal'},
    message:
      "1 Ingress(es) skipped, class \"internal\" is not served by ingress-nginx here (spec.ingressClassName needs an IngressClass of controller k8s.io/ingress-nginx; the kubernetes.io/ingress.class annotation must equal the controller's --ingress-class, nginx by default; use --ingress-class internal to convert it): a/x",
  },
  {
    code: 'classes-not-selected',
    data: {classes: [{className: 'internal', ingresses: ['a/x', 'b/y']}, {className: 'public', ingresses: ['c/z']}], paste: ['nginx', 'internal', 'public']},
    message:
      '3 Ingress(es) are not converted: their ingress classes have no IngressClass object in the input and no flag selected them: internal (a/x, b/y); public (c/z). If ingress-nginx served them, add: --ingress-class nginx --ingress-class internal --ingress-class public',
  },
  {
    code: 'gatewayclass-envoyproxy-changes-admission',
    level: 'error',
    data: {
      className: 'eg',
      classRef: 'EnvoyProxy eg/base',
      envoyProxy: 'main-proxy',
      differences: [
        {kind: 'internal-to-public', loadBalancerClass: 'service.k8s.aws/nlb'},
        {kind: 'class-may-ignore-internal', loadBalancerClass: 'example.com/lb', internal: ['service.beta.kubernetes.io/aws-load-balancer-internal: "true"']},
        {kind: 'source-ranges', from: '10.0.0.0/8', to: ''},
        {kind: 'proxy-protocol', from: false, to: true},
      ],
    },
    message:
      'GatewayClass eg\'s EnvoyProxy eg/base is merged under EnvoyProxy main-proxy (StrategicMerge: what the Gateway\'s leaves unset comes from the GatewayClass\'s), and the merged Envoy Service differs from the ClusterIP Service: internal becomes public (loadBalancerClass service.k8s.aws/nlb); loadBalancerClass example.com/lb (another load-balancer controller serves the Envoy Service, and need not read the annotations that keep it internal: service.beta.kubernetes.io/aws-load-balancer-internal: "true"); source ranges 10.0.0.0/8 become any; PROXY protocol not sent becomes sent (every connection fails)',
  },
  {
    code: 'gatewayclass-envoyproxy-changes-admission',
    level: 'warning',
    data: {
      className: 'eg',
      classRef: 'EnvoyProxy eg/base',
      envoyProxy: 'main-proxy',
      service: 'Service ingress-nginx/ctl',
      differences: [{kind: 'public-to-internal'}, {kind: 'any-source', to: '10.0.0.0/8'}, {kind: 'foreign-class', loadBalancerClass: 'example.com/lb'}],
    },
    message:
      "GatewayClass eg's EnvoyProxy eg/base is merged under EnvoyProxy main-proxy (StrategicMerge: what the Gateway's leaves unset comes from the GatewayClass's), and the merged Envoy Service differs from Service ingress-nginx/ctl: public becomes internal; any source becomes 10.0.0.0/8; loadBalancerClass example.com/lb (another load-balancer controller serves the Envoy Service, with its own defaults for what no annotation sets)",
  },
  {
    code: 'merged-gateways-listener-conflict',
    data: {gateways: ['gw/a', 'gw/b'], clashes: [{listener: 'HTTP 80 (no hostname)', on: ['gw/a http', 'gw/b http']}, {listener: 'HTTPS 443 web.example.com', on: ['gw/a https-web', 'gw/b https-web']}]},
    message:
      'the Gateways gw/a, gw/b must not be merged into one Envoy (EnvoyProxy mergeGateways: true on their GatewayClass): their listeners repeat a protocol, hostname and port (HTTP 80 (no hostname): gw/a http, gw/b http; HTTPS 443 web.example.com: gw/a https-web, gw/b https-web), and Envoy Gateway marks every repeat but the first Conflicted and does not program it (validate.go validateConflictedMergedListeners), so the routes on it serve nothing; without mergeGateways each Gateway gets an Envoy and an address of its own, as each ingress-nginx controller had',
  },
  {
    code: 'catch-all-https',
    data: {ruleless: false, paths: [{match: 'Exact', path: '/health'}, {match: 'Prefix', path: '/'}], gateway: 'gw/main', httpListener: 'http'},
    message:
      "its rules without a host (Exact /health, Prefix /) are served by ingress-nginx's catch-all server, which also listened on 443 (default_server ssl) with the controller's default certificate: an HTTPS request for any name without a server of its own, or for the bare address, reached them. gw/main has no HTTPS listener (no Ingress names a certificate, and nginx's default certificate is not in the input), so it refuses those connections; the route is attached to the http listener only",
  },
  {
    code: 'catch-all-https',
    data: {ruleless: true, paths: [{match: 'Prefix', path: '/'}], gateway: 'gw/main', httpListener: 'http', httpsListener: 'https'},
    message:
      "its spec.defaultBackend (Prefix /) is served by ingress-nginx's catch-all server, which also listened on 443 (default_server ssl) with the controller's default certificate: an HTTPS request for any name without a server of its own, or for the bare address, reached it. The https listener of gw/main takes those connections, and the route without hostnames is not attached there: they get 404; the route is attached to the http listener only",
  },
  {
    code: 'tls-from-wildcard',
    data: {host: 'a.example.com', wildcard: '*.example.com', ingress: 'team/wild', passthrough: true, certificate: {case: 'secret', secret: 'team/wild-tls'}, redirect: 'none'},
    message:
      'host "a.example.com" (ssl-passthrough) has no TLS entry in any Ingress: its TLS connections pass through to its backend, but the HTTPS redirect of its plain-HTTP requests (lua_ingress.lua redirect_to_https) asks certificate.lua, which finds the certificate of the wildcard host *.example.com (from Ingress team/wild) for its one-label wildcard name; so ssl-redirect is off for its paths, so it stays served over plain HTTP too, as nginx did',
  },
  {
    code: 'tls-from-wildcard',
    data: {host: 'a.example.com', wildcard: '*.example.com', ingress: 'team/wild', passthrough: false, certificate: {case: 'entry-without-secret'}, redirect: 'some'},
    message:
      'host "a.example.com" has no TLS entry in any Ingress, and ingress-nginx served it over HTTPS with the certificate of the wildcard host *.example.com (the default certificate: its TLS entry names no Secret, from Ingress team/wild): certificate.lua looks a name up as itself, then as its one-label wildcard, both for the TLS handshake and for the HTTPS redirect (lua_ingress.lua redirect_to_https). So its routes attach to the HTTPS listener that serves *.example.com, and its plain-HTTP requests are redirected to HTTPS (308) on the paths of Ingresses with ssl-redirect on, as nginx did',
  },
  {
    code: 'tls-from-wildcard',
    data: {host: 'a.example.com', wildcard: '*.example.com', ingress: 'team/wild', passthrough: false, certificate: {case: 'covering-or-default'}, redirect: 'all'},
    message:
      'host "a.example.com" has no TLS entry in any Ingress, and ingress-nginx served it over HTTPS with the certificate of the wildcard host *.example.com (a Secret of its Ingress whose certificate covers it, else the default certificate, from Ingress team/wild): certificate.lua looks a name up as itself, then as its one-label wildcard, both for the TLS handshake and for the HTTPS redirect (lua_ingress.lua redirect_to_https). So its routes attach to the HTTPS listener that serves *.example.com, and its plain-HTTP requests are redirected to HTTPS (308), as nginx did',
  },
  {
    code: 'tls-listeners-http2-kept',
    data: {
      gateway: 'gw/main',
      listeners: ['https', 'https-a'],
      overlaps: [{a: 'https', b: 'https-a', reason: 'both list Secret team/wild'}],
      covered: [{hostname: 'a.example.com', coveredBy: '*.example.com'}],
    },
    message:
      "the HTTPS listeners https, https-a of gw/main carry certificates for the same names (https and https-a: both list Secret team/wild) only because a.example.com's listener presents the certificate of *.example.com; Envoy Gateway would offer HTTP/1.1 only on them (condition OverlappingTLSConfig, against HTTP/2 connection coalescing), so their ClientTrafficPolicies set tls.alpnProtocols [h2, http/1.1], which it keeps, and HTTP/2 is served as ingress-nginx did. No certificate of theirs is declared for a.example.com: a client that checks certificates never reuses a connection across these names. The Gateway still reports OverlappingTLSConfig on these listeners",
  },
  {
    code: 'denied-location-settings',
    data: {status: 503, annotation: 'nginx.ingress.kubernetes.io/auth-url', settings: ['nginx.ingress.kubernetes.io/proxy-body-size']},
    message:
      'every path of this Ingress answers 503 because of nginx.ingress.kubernetes.io/auth-url, before ingress-nginx applies any location setting: nginx.ingress.kubernetes.io/proxy-body-size has no effect until it is fixed, in nginx as in the conversion',
  },
  {
    code: 'denied-location-settings',
    data: {status: 500, annotation: 'nginx.ingress.kubernetes.io/auth-url', settings: ['a', 'b']},
    message: 'every path of this Ingress answers 500 because of nginx.ingress.kubernetes.io/auth-url, before ingress-nginx applies any location setting: a, b have no effect until it is fixed, in nginx as in the conversion',
  },
  {
    code: 'configmap-keys-ignored',
    data: {configMap: 'ConfigMap ingress-nginx/ctl', noEffect: ['worker-processes'], unknown: ['made-up']},
    message:
      'ConfigMap ingress-nginx/ctl: keys with no effect under Envoy Gateway (nginx process, logging, admission settings): worker-processes; keys not recognised, not translated: made-up',
  },
  {code: 'configmap-keys-ignored', data: {configMap: 'ConfigMap ingress-nginx/ctl', noEffect: [], unknown: ['made-up']}, message: 'ConfigMap ingress-nginx/ctl: keys not recognised, not translated: made-up'},
  {
    code: 'host-on-two-gateways',
    level: 'warning',
    data: {host: 'web.example.com', gateways: [{gateway: 'gw/a', classes: ['nginx']}, {gateway: 'gw/b', classes: []}], mergedControllers: ['k8s.io/ingress-nginx']},
    message:
      "host \"web.example.com\" is served on gw/a (nginx) and gw/b (no paths): each Gateway gets its own routes, certificate and redirect for it, computed from its own classes' Ingresses only, as each ingress-nginx controller served its own; but the input's IngressClasses give these classes one spec.controller (k8s.io/ingress-nginx), and one controller serving them had merged the host into one server (oldest path wins, one certificate)",
  },
  {
    code: 'stream-route-unavailable',
    data: {entry: 'udp-services "53": "kube-system/dns:53"', port: 53, service: 'kube-system/dns', backendPort: 53, protocol: 'UDP', routeKind: 'UDPRoute'},
    message:
      'udp-services "53": "kube-system/dns:53": ingress-nginx exposed port 53 for Service kube-system/dns:53; on the Gateway that takes a UDP listener and a UDPRoute, which the target was not declared to serve (UDPRoute is in the Gateway API standard channel only from v1.6, in the experimental channel before): nothing is generated',
  },
  {
    code: 'certificate-renew-before-too-long',
    data: {key: 'cert-manager.io/renew-before', value: '720h', durationKey: 'cert-manager.io/duration', duration: '720h'},
    message:
      'cert-manager.io/renew-before: "720h" is not shorter than the duration 720h (cert-manager.io/duration): cert-manager\'s webhook rejects a Certificate whose renewBefore is not shorter than its duration, so cert-manager never issued it; renewBefore is left out of the generated Certificate (cert-manager then renews when 1/3 of the duration is left)',
  },
  {
    code: 'certificate-renew-before-too-long',
    data: {key: 'cert-manager.io/renew-before', value: '2400h', durationKey: 'cert-manager.io/duration', defaultDurationBecause: 'not set'},
    message:
      'cert-manager.io/renew-before: "2400h" is not shorter than the default duration 2160h (90 days), which applies as cert-manager.io/duration is not set: cert-manager\'s webhook rejects a Certificate whose renewBefore is not shorter than its duration, so cert-manager never issued it; renewBefore is left out of the generated Certificate (cert-manager then renews when 1/3 of the duration is left)',
  },
  {
    code: 'certificate-renew-before-too-long',
    data: {key: 'cert-manager.io/renew-before', value: '2400h', durationKey: 'cert-manager.io/duration', defaultDurationBecause: 'invalid'},
    message:
      'cert-manager.io/renew-before: "2400h" is not shorter than the default duration 2160h (90 days), which applies as cert-manager.io/duration is invalid: cert-manager\'s webhook rejects a Certificate whose renewBefore is not shorter than its duration, so cert-manager never issued it; renewBefore is left out of the generated Certificate (cert-manager then renews when 1/3 of the duration is left)',
  },
]

for (const [i, row] of rows.entries()) {
  test(`${row.code} #${i}: renders the sentence the call site wrote`, (t) => {
    // The table mixes codes: each row's data is checked against its render by the sentence it must give.
    const d = diagnostic(row.code as never, row.data as never, row.level === undefined ? {} : {level: row.level})
    t.is(d.message, row.message)
    t.deepEqual(d.data, row.data)
  })
}
