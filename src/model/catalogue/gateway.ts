/** Diagnostics about the Gateway, its data plane and Gateway-level policies. */
import {defineDiagnostic} from './define.js'

export const GATEWAY = [
  defineDiagnostic({
    code: 'annotation-needs-crd',
    level: 'warning',
    fidelity: 'manual',
    doc: '…, which carr… it, … left out because the cluster does not serve …; the setting is not applied. What to do: install … and convert again, or apply the setting another way.',
  }),
  defineDiagnostic({
    code: 'auth-headers-client-copies',
    level: ['info', 'warning'],
    fidelity: ['approximate', 'exact', 'manual'],
    doc: 'A client can send its own … to the backend until the listeners remove them: …. Or: The ClientTrafficPolicies of … remove a client\'s … before any filter runs (earlyRequestHeaders), so only the auth service\'s values reach the backend: …. What to do: … (the gateway owner\'s run with --emit-gateway generates them); a route\'s RequestHeaderModifier runs after extAuth and would remove the auth service\'s values too.',
  }),
  defineDiagnostic({
    code: 'controller-args-unresolved',
    level: 'warning',
    doc: 'Controller args … use variables that are not set in the container\'s env; those flags are read as written.',
  }),
  defineDiagnostic({
    code: 'controller-configmap-not-found',
    level: 'warning',
    doc: 'Controller ConfigMap … (…) is not in the input; nginx\'s ConfigMap defaults are assumed for Gateway …/….',
  }),
  defineDiagnostic({
    code: 'controller-host-network',
    level: 'error',
    fidelity: 'manual',
    doc: 'The controller runs with hostNetwork: clients (or an outside load balancer) reached nginx on the nodes\' ports 80/443, which Envoy Gateway\'s Service does not reproduce; the generated EnvoyProxy does not reach those clients, and whatever admitted them at the nodes (firewalls, security groups) does not apply to the Envoy Service. What to do: point the outside load balancer at the Envoy Service (its node ports or load balancer), or run Envoy as a DaemonSet with hostNetwork through EnvoyProxy provider.kubernetes.envoyDaemonSet patches.',
  }),
  defineDiagnostic({
    code: 'controller-service-address-not-carried',
    level: 'warning',
    fidelity: 'manual',
    doc: 'Identifies the ingress-nginx load balancer (its …); it is not copied to …: a second Service carrying it would take over that load balancer or collide with it while both run, so the Envoy Service gets a load balancer of its own. Or: Key.startsWith(DNS_PREFIX) ? `…: "…" publishes DNS for the ingress-nginx load balancer; it is not copied to …, or external-dns would see two Services claim the same name` : `…: "…" pins the ingress-nginx load balancer\'s …; it is not copied to …: both load balancers run side by side and cannot hold the same address, so the Envoy Service get. What to do: at cutover, once … no longer holds it, add … to envoyService.annotations of … if the new load balancer must carry it; or use \\`kubectl ingress2gw cutover\\` in place (the ingress-nginx Service keeps its load balancer and is repointed at the Envoy pods).',
  }),
  defineDiagnostic({
    code: 'controller-service-annotations-dropped',
    level: 'info',
    doc: 'Tooling annotations not copied to … (Helm, kubectl, GitOps metadata; no load balancer reads them): ….',
  }),
  defineDiagnostic({
    code: 'controller-service-annotations-kept',
    level: 'info',
    doc: 'Annotations copied to … (envoyService.annotations): ….',
  }),
  defineDiagnostic({
    code: 'controller-service-aws-default-scheme',
    level: 'warning',
    fidelity: 'approximate',
    doc: '… has no … and no … (…): …the AWS Load Balancer Controller made its NLB internal if it ran v2.2 or later with the default --default-load-balancer-scheme, internet-facing under v2.0/v2.1 or with --default-load-balancer-scheme=internet-facing (and ke. What to do: if the ingress-nginx NLB is internet-facing (aws elbv2 describe-load-balancers shows its Scheme), set …: internet-facing in envoyService.annotations of ….',
  }),
  defineDiagnostic({
    code: 'controller-service-cluster-ip',
    level: 'warning',
    fidelity: 'manual',
    doc: '… is of type ClusterIP: nginx was not exposed by a load balancer of its own but fronted by something else (an outside load balancer, a cloud ingress, a tunnel, another proxy) through it; the Envoy Service is ClusterIP too (…), so nothing reaches Envoy until that is repointed. What to do: repoint what fronted … (its target, backend or upstream) at the Envoy Service of this Gateway at cutover.',
  }),
  defineDiagnostic({
    code: 'controller-service-foreign-class',
    level: 'error',
    doc: 'The IngressClass of … names a controller other than k8s.io/ingress-nginx, whose Deployment or DaemonSet is not in the input: the chart-labelled Service and ConfigMap belong to the default controller, so neither is taken: the Envoy Service of this Gateway is ClusterIP (not Envoy Gateway\'s default public LoadBalancer, whatever this controller\'s load balancer was) and nginx defaults are assume. What to do: name that controller\'s Service and ConfigMap with --controller-service …=NAMESPACE/NAME and --controller-configmap …=NAMESPACE/NAME, or include its controller workload in the input.',
  }),
  defineDiagnostic({
    code: 'controller-service-internal-pinned',
    level: 'info',
    doc: '… sets … beside the copied annotations, so that the load balancer stays internal whichever key the controller serving the Envoy Service reads first (….',
  }),
  defineDiagnostic({
    code: 'controller-service-not-found',
    level: 'error',
    doc: 'Controller Service … (--controller-service) is not in the input: its settings cannot be repeated, so the Envoy Service of this Gateway is ClusterIP (reached from nowhere outside the cluster) rather than Envoy Gateway\'s default public LoadBalancer. What to do: include the Service in the input (kubectl get service -n … -o yaml), or read it from the cluster.',
  }),
  defineDiagnostic({
    code: 'controller-service-session-affinity',
    level: 'warning',
    fidelity: 'approximate',
    doc: 'SessionAffinity ClientIP kept each client on one ingress-nginx pod; Envoy Gateway\'s Service always has sessionAffinity None (resource.go ExpectedServiceSpec). What to do: stickiness to backends is set per route (affinity annotations become BackendTrafficPolicy consistent hashing); stickiness to a proxy pod has no equivalent.',
  }),
  defineDiagnostic({
    code: 'controller-service-unknown',
    level: ['error', 'info', 'warning'],
    fidelity: ['manual', 'none'],
    doc: 'The ingress-nginx controller Service is not in the input; the live Gateway keeps EnvoyProxy …, which an earlier run generated from it. Or: The ingress-nginx controller Service of this Gateway\'s Ingresses is not in the input, and the Gateway already exists: its Envoy Service (whatever it is, Envoy Gateway\'s default being a public LoadBalancer) would take these hosts, though they may have come through an internal or source-restricted load balancer. What to do: name the Service with … (keeps the live Envoy Service as it is).',
  }),
  defineDiagnostic({
    code: 'controller-several-services',
    level: ['error', 'warning'],
    doc: '… load-balancer Services select the pods of … (…)…; Envoy Gateway gives a Gateway one Service, so …. What to do: name the Service to repeat with --controller-service …=NAMESPACE/NAME; for the other, add a second Gateway (and EnvoyProxy) for the same routes by hand, e.g. the internal load balancer of the chart\'s controller.service.internal.',
  }),
  defineDiagnostic({
    code: 'data-plane-aws-classic-elb-forwarded-for',
    level: 'warning',
    fidelity: 'manual',
    doc: '… is an in-tree Classic ELB at layer 7 (aws-load-balancer-backend-protocol: …), which added X-Forwarded-For, and the Gateway trusts X-Forwarded-For (ClientTrafficPolicy clientIPDetection); where the AWS Load Balancer Controller runs with its Service webhook (the default since v2.5), the new Envoy Service is given loadBalancerClass service.k8s.aws/nlb and becomes an. What to do: after applying, check the Envoy Service (kubectl get service -n ENVOY-GATEWAY-NAMESPACE -l gateway.envoyproxy.io/owning-gateway-name=\' + plane.gateway.name + \' -o jsonpath={.items[*].spec.loadBalancerClass}): if it is service.k8s.aws/nlb, use the PROXY protocol instead (aws-load-balancer-proxy-protocol: "*" on the EnvoyProxy and --client-ip proxy-protocol), or exclude the Service from the webhook.',
  }),
  defineDiagnostic({
    code: 'data-plane-client-address',
    level: 'warning',
    doc: 'ExternalTrafficPolicy Cluster without PROXY protocol or X-Forwarded-For: the client address Envoy sees is a node\'s (kube-proxy SNAT), as nginx\'s was, so the source-range rules of … match node addresses, not clients. What to do: set externalTrafficPolicy: Local on the EnvoyProxy (the client address is kept), or enable PROXY protocol on the load balancer and in the ClientTrafficPolicy.',
  }),
  defineDiagnostic({
    code: 'data-plane-ports-differ',
    level: 'warning',
    fidelity: 'manual',
    doc: '… took clients on port(s) … (nginx\'s http/https listeners); the Envoy Service listens on the Gateway\'s listener ports 80 and 443, so clients of … find nothing on the new load balancer. What to do: point those clients at 80/443, or add Gateway listeners on those ports (their routes attach by sectionName), or put a port mapping in front.',
  }),
  defineDiagnostic({
    code: 'data-plane-proxy-protocol',
    level: 'info',
    doc: 'PROXY protocol stays end to end: … (…) -> EnvoyProxy … -> ClientTrafficPolicy … proxyProtocol.',
  }),
  defineDiagnostic({
    code: 'data-plane-proxy-protocol-mismatch',
    level: ['error', 'warning'],
    doc: '… makes its load balancer send the PROXY protocol (…), copied to the EnvoyProxy, but the Gateway\'s listeners do not expect it (no proxyProtocol in its ClientTrafficPolicy): every connection would fail. Or: The Gateway\'s listeners require the PROXY protocol (ClientTrafficPolicy …), and … has no annotation that makes its load balancer send it: connections without a PROXY header are refused. What to do: set use-proxy-protocol: "true" in the controller ConfigMap (as nginx needed to serve this load balancer), or run with --client-ip proxy-protocol.',
  }),
  defineDiagnostic({
    code: 'data-plane-source-ranges',
    level: 'info',
    doc: 'Two layers of source ranges carry over, as with nginx: the load balancer admits … (EnvoyProxy loadBalancerSourceRanges), then the SecurityPolicies of … apply their own lists; a client must pass both.',
  }),
  defineDiagnostic({
    code: 'envoy-service-not-changed-in-place',
    level: 'error',
    doc: 'The Gateway already exists, and so does its Envoy Service (Envoy Gateway\'s default, a public LoadBalancer, or its GatewayClass\'s EnvoyProxy\'s); EnvoyProxy … sets …: the current load balancer would keep serving, now with these hosts. What to do: generate a new Gateway for these Ingresses (--gateway NAMESPACE/NEW-NAME, or --gateway-for CLASS=NAMESPACE/NEW-NAME): Envoy Gateway creates its Envoy Service with these settings; or, in a maintenance window, apply, then delete the Envoy Service (kubectl delete service -n ENVOY-GATEWAY-NAMESPACE -l gateway.envoyproxy.io/owning-gateway-name=…,gateway.envoyproxy.io/owning-gateway.',
  }),
  defineDiagnostic({
    code: 'forwarded-headers',
    level: ['info', 'warning'],
    fidelity: 'approximate',
    doc: 'Forwarded request headers as ingress-nginx wrote them: the ClientTrafficPolicies set headers.earlyRequestHeaders on every HTTP listener: …. Differences: …. What to do: (mode.detected ? \'routes whose backends read X-Real-IP can set it with a RequestHeaderModifier {set: [{name: X-Real-IP, value: "%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%"}]}: route-level headers are evaluated after client IP detection. \' : \'\') + `earlyRequestHeaders needs Envoy Gateway v1.2+, requestID v1.4+….',
  }),
  defineDiagnostic({
    code: 'gateway-class-differs',
    level: 'warning',
    doc: 'The live Gateway uses class "…", not "…"; its class is kept (changing it would move the Gateway to another controller).',
  }),
  defineDiagnostic({
    code: 'gateway-controller-access-differs',
    level: 'error',
    doc: 'The Ingresses of class … were served by a controller whose … sets … otherwise than …, from which this Gateway\'s Gateway-wide policies come: their routes get the Gateway\'s access controls, not their controller\'s…. What to do: give class … a Gateway of its own with --gateway-for …=NAMESPACE/NAME, so that its Gateway repeats its own controller\'s ConfigMap.',
  }),
  defineDiagnostic({
    code: 'gateway-listener-differs',
    level: 'warning',
    doc: 'Live listener "…" is …, the conversion expects …; the live listener is kept.',
  }),
  defineDiagnostic({
    code: 'gateway-merged-envoy-service',
    level: 'error',
    doc: 'GatewayClass … merges Gateways (… mergeGateways: true): Envoy Gateway does not accept a Gateway with its own parametersRef (Accepted False, InvalidParameters), so no EnvoyProxy is attached, and this Gateway shares the Envoy Service of …, …. What to do: p.service ? `set these in provider.kubernetes.envoyService of … if every merged Gateway may share them, or give these classes a GatewayClass of their own without mergeGateways` : `name the Service with --controller-service CLASS=NAMESPACE/NAME, or --public-load-balancer … if the shared Envoy Service is right for these hosts.',
  }),
  defineDiagnostic({
    code: 'gateway-owner-needs',
    level: 'info',
    doc: 'The gateway owner must add to …: …. What to do: or rerun with --emit-gateway to generate the Gateway bundle.',
  }),
  defineDiagnostic({
    code: 'gateway-parameters-ref-kept',
    level: 'error',
    doc: 'The live Gateway already references … (spec.infrastructure.parametersRef); it is kept, so EnvoyProxy … does not apply and the Envoy Service does not repeat …. What to do: copy provider.kubernetes.envoyService of EnvoyProxy … into …, or point the Gateway at … after merging the two.',
  }),
  defineDiagnostic({
    code: 'gateway-several-controller-configmaps',
    level: 'warning',
    doc: 'The controllers of this Gateway\'s classes (…) name different … ConfigMaps (…); … is used for the whole Gateway…. What to do: give each controller a Gateway of its own with --gateway-for, so that each keeps its own settings.',
  }),
  defineDiagnostic({
    code: 'gateway-several-controller-services',
    level: ['error', 'warning'],
    doc: 'The Ingresses of this Gateway came through … load balancers (…) and the Gateway gets one: the EnvoyProxy repeats …. What to do: give each ingress class its own Gateway with --gateway-for CLASS=NAMESPACE/NAME, so that each keeps its load balancer.',
  }),
  defineDiagnostic({
    code: 'gatewayclass-envoyproxy-changes-admission',
    level: ['error', 'warning'],
    doc: 'GatewayClass …\'s … is merged under EnvoyProxy … (StrategicMerge: what the Gateway\'s leaves unset comes from the GatewayClass\'s), and the merged Envoy Service differs from …: …. What to do: set the differing settings explicitly in envoyService of EnvoyProxy … (they then win), or remove them from ….',
  }),
  defineDiagnostic({
    code: 'gatewayclass-envoyproxy-not-checked',
    level: 'warning',
    doc: 'GatewayClass … references …, which is not in the input: Envoy Gateway merges it under EnvoyProxy … (StrategicMerge), so its envoyService annotations, loadBalancerClass, source ranges and patch apply wherever … sets none, and could admit clients otherwise than the ingress-nginx load balancer. Or: … (GatewayClass …) patches the Envoy Service (envoyService.patch), which Envoy Gateway applies after EnvoyProxy …\'s settings: it can change the type, annotations or source ranges this EnvoyProxy repeats. What to do: include … in the input (kubectl get envoyproxy -n … -o yaml) to have the merge checked.',
  }),
  defineDiagnostic({
    code: 'gitops-placeholders',
    level: 'info',
    doc: '… Ingress(es) contain \\… placeholders (…); they are kept verbatim, and schema checks of those fields happen after substitution.',
  }),
  defineDiagnostic({
    code: 'host-on-two-gateways',
    level: ['info', 'warning'],
    doc: 'Host "…" is served on …: each Gateway gets its own routes, certificate and redirect for it, computed from its own classes\' Ingresses only, as each ingress-nginx controller served its own` + (merged.length > 0 ? `; but the input\'s IngressClasses give these classes one spec.controller (…), and one controller serving them had merged the host into one ser. What to do: merged.length > 0 ? \'check that each class really had an ingress-nginx of its own (--controller-class); if one served both, send both classes to one Gateway\' : undefined.',
  }),
  defineDiagnostic({
    code: 'https-listener-without-certificates',
    level: 'warning',
    doc: 'No Ingress names a TLS Secret, so the https listener of … is left out; its TLS hosts relied on the controller\'s default certificate. What to do: add the default certificate to an https listener before routes attached to it can be accepted.',
  }),
  defineDiagnostic({
    code: 'intent-not-emitted',
    level: 'warning',
    doc: '… produced a setting that no emitted object carries (the route it belongs to was not emitted, or a conflicting annotation won).',
  }),
  defineDiagnostic({
    code: 'issuer-copied',
    level: 'info',
    fidelity: 'manual',
    doc: 'What to do: copy the Secret(s) from … to … yourself (this tool never reads or copies Secret data).',
  }),
  defineDiagnostic({
    code: 'issuer-ingress-template-annotations',
    level: 'info',
    fidelity: 'ignored',
    doc: '… solvers[…] http01.ingress.ingressTemplate.metadata.annotations (…) have no place on the gatewayHTTPRoute solver (only labels do) and were dropped.',
  }),
  defineDiagnostic({
    code: 'issuer-ingress-template-nginx',
    level: 'warning',
    fidelity: 'approximate',
    doc: '… solvers[…] http01.ingress.ingressTemplate set ingress-nginx annotations on cert-manager\'s temporary solver Ingress: …. The gatewayHTTPRoute solver\'s HTTPRoute carries no annotations, and they were dropped: access to the challenges is handled by. What to do: … is generated with the Gateway-level SecurityPolicy (controller ConfigMap allowlist or global-auth-url, --nginx-defaults); without --nginx-defaults the Gateway has no such policy and nothing blocks the challenges.',
  }),
  defineDiagnostic({
    code: 'issuer-invalid',
    level: 'warning',
    doc: '… has no name…; it was skipped.',
  }),
  defineDiagnostic({
    code: 'issuer-managed-by-replaced',
    level: 'warning',
    doc: '… carried …: …; the rewritten object says ingress2gw. What to do: if … owns this Issuer (Helm chart, GitOps repository), change the solver there instead of applying this object, or … will revert it.',
  }),
  defineDiagnostic({
    code: 'issuer-not-found',
    level: 'warning',
    fidelity: 'manual',
    doc: 'Issuer … is referenced by Ingress cert-manager annotations but is not in the input: Certificates in … reference a copy named … that was not generated. What to do: create Issuer …/… with the same spec as … (with an http01.gatewayHTTPRoute solver), or rerun with the Issuer in the input.',
  }),
  defineDiagnostic({
    code: 'issuer-rewritten',
    level: 'info',
    fidelity: 'exact',
    doc: 'ACME HTTP-01 solver… used http01.ingress (ingress-nginx); now http01.gatewayHTTPRoute on the "…" listener of the Gateway of the solver\'s class, so cert-manager answers challenges with an HTTPRoute instead of a temporary Ingress. What to do: cert-manager must run with --enable-gateway-api (Helm: config.enableGatewayAPI: true); the challenge HTTPRoute is created in the \' + "Certificate\'s namespace, which the listener\'s allowedRoutes must admit. HTTP-01 through the Gateway only succeeds once DNS for the hosts " + \'points at the Gateway: apply this Issuer at cutover, and until then keep the ingress solver so renewals still validate thro.',
  }),
  defineDiagnostic({
    code: 'issuer-secret-collision',
    level: 'warning',
    fidelity: 'manual',
    doc: '… and … both reference Secret "…" (…), which must exist in … for both: one Secret there cannot stand in for the … of both, which were separate Secrets in their namespaces. What to do: … keeps the name; rename it for …: copy Secret …/… to …/… and change … of Issuer …/… to "…".',
  }),
  defineDiagnostic({
    code: 'issuer-unchanged',
    level: 'info',
    fidelity: 'exact',
    doc: '… has no ACME http01.ingress solver for ingress-nginx (classes …)…: ….',
  }),
  defineDiagnostic({
    code: 'merged-gateways-listener-conflict',
    level: 'info',
    doc: 'The Gateways … must not be merged into one Envoy (EnvoyProxy mergeGateways: true on their GatewayClass): their listeners repeat a protocol, hostname and port (…), ` + \'and Envoy Gateway marks every repeat but the first Conflicted and does not program it (validate.go validateConflictedMergedListeners), so the routes on it serve nothing; without mergeGateways e. What to do: keep mergeGateways off for this GatewayClass, or give the Gateways distinct GatewayClasses.',
  }),
  defineDiagnostic({
    code: 'merged-gateways-wildcard-takes-host',
    level: 'warning',
    doc: 'If the GatewayClass merges Gateways (EnvoyProxy mergeGateways: true), the listener … (…) of …/… takes the TLS connections for …: ` + \'Envoy picks a wildcard server name over a listener without hostname, so these hosts get this listener\'s certificate and routes instead of their own Gateway\'s; under ingress-nginx eac. What to do: keep mergeGateways off for this GatewayClass (each Gateway then gets its own address), or give these hosts listeners of their own.',
  }),
  defineDiagnostic({
    code: 'namespace-label-needed',
    level: 'info',
    doc: 'Namespaces … need the label … before their routes attach to the shared Gateway. What to do: kubectl label namespace NAME ….',
  }),
  defineDiagnostic({
    code: 'passthrough-listeners',
    level: 'info',
    doc: 'Listeners … (TLS passthrough on 443, one per host so Envoy separates them from the https listener by SNI) are added to …, and the TLSRoutes attach to them.',
  }),
  defineDiagnostic({
    code: 'plain-hosts-https',
    level: 'info',
    doc: '… host(s) have no TLS in any Ingress (…): ingress-nginx still answered HTTPS for them with its default certificate; on the Gateway they are served on the http listener only. What to do: if clients reach them over HTTPS (a wildcard --default-ssl-certificate, say), add TLS entries for them or attach their routes to the https listener with that certificate on it.',
  }),
  defineDiagnostic({
    code: 'policy-field-conflict',
    level: 'warning',
    doc: '… sets …, which another annotation of this Ingress already set; the first one is kept.',
  }),
  defineDiagnostic({
    code: 'policy-merge-type',
    level: 'info',
    doc: '… route-level policies set mergeType: StrategicMerge so that they add to the Gateway-level defaults instead of replacing them (as nginx\'s ConfigMap defaults applied beside annotations); this needs Envoy Gateway v1.4+ for BackendTrafficPolicy and v1.8+ for SecurityPolicy.',
  }),
  defineDiagnostic({
    code: 'policy-replaces-gateway-defaults',
    level: 'info',
    doc: 'LeftOut.length > 0 ? `this route-level … replaces the Gateway-level one, whose settings it repeats except … (left out for this Ingress: see the diagnostics of its annotations)` : `this route-level … replaces the Gateway-level one and repeats all its settings.',
  }),
  defineDiagnostic({
    code: 'public-load-balancer-accepted',
    level: ['info', 'warning'],
    doc: 'GatewayClass … merges Gateways (… mergeGateways: true): this Gateway shares its Envoy Service, as --public-load-balancer … accepts. Or: The live Gateway keeps its Envoy Service as it is, as --public-load-balancer … accepts.',
  }),
  defineDiagnostic({
    code: 'public-load-balancer-unused',
    level: 'warning',
    doc: '--public-load-balancer … has no effect: the EnvoyProxy of this Gateway repeats …. Or: --public-load-balancer … names no Gateway of this run (…).',
  }),
  defineDiagnostic({
    code: 'redirect-before-auth',
    level: 'info',
    doc: 'The https-redirect routes get a SecurityPolicy of their own that lets every request through to the redirect: nginx redirected to HTTPS before its allowlist and global auth ran.',
  }),
  defineDiagnostic({
    code: 'redirect-keeps-trailing-slash',
    level: 'info',
    fidelity: 'approximate',
    doc: 'Nginx\'s HTTPS redirect drops one trailing slash (http://h/a/ -> https://h/a) unless preserve-trailing-slash; the https-redirect route keeps the path as it is, which backends see after the redirect.',
  }),
  defineDiagnostic({
    code: 'route-withheld-client-certificates',
    level: 'error',
    doc: '… is withheld: it attaches to a listener whose client-certificate check (a ClientTrafficPolicy) the cluster cannot take, so the listener would accept any client where nginx refused clients without a valid certificate. What to do: install Envoy Gateway and convert again.',
  }),
  defineDiagnostic({
    code: 'stream-configmap-not-found',
    level: 'warning',
    doc: '… ConfigMap … (…) is not in the input.',
  }),
  defineDiagnostic({
    code: 'target-lacks-crd',
    level: 'warning',
    doc: '… object(s) left out because the cluster does not serve …: …; …. What to do: install … and convert again.',
  }),
  defineDiagnostic({
    code: 'tls-entry-ignored',
    level: 'warning',
    doc: 'Spec.tls[…] (…) is not used: …; it is left off the lis.',
  }),
  defineDiagnostic({
    code: 'tls-host-not-listed',
    level: 'warning',
    fidelity: 'approximate',
    doc: '… not listed in spec.tls: ingress-nginx served … with the Ingress\'s Secret whose certificate covers the name, else its default certificate, and redirected HTTP to HTTPS; the listener gets … and Envoy picks by SNI. What to do: list every host in spec.tls (or check that one of the Secrets covers it); otherwise add the default certificate to the https listener.',
  }),
  defineDiagnostic({
    code: 'tls-without-secret',
    level: 'warning',
    doc: 'The TLS entry has no secretName, so ingress-nginx served the host with its default certificate (and redirected HTTP to HTTPS). What to do: the gateway owner must add the default certificate (--default-ssl-certificate of the controller) to the https listener of ….',
  }),
  defineDiagnostic({
    code: 'too-many-certificates',
    level: 'error',
    doc: '… TLS Secrets for one https listener, and Gateway API allows …: … are left out (…), so their hosts get no certificate. What to do: split the hosts over hostname-specific HTTPS listeners (or ListenerSets), or use wildcard certificates.',
  }),
  defineDiagnostic({
    code: 'too-many-listeners',
    level: 'error',
    doc: '… needs … listeners and Gateway API allows 64: the API server rejects the Gateway. What to do: move hosts with listeners of their own (client certificates, passthrough) or tcp-services to a second Gateway, or use ListenerSets.',
  }),
] as const
