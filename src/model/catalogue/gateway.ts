/** Diagnostics about the Gateway, its data plane and Gateway-level policies. */
import {defineDiagnostic} from './define.js'
import {MANAGED_BY} from '../provenance.js'

/** The AWS annotations an internal NLB is pinned with (the Load Balancer Controller's, then the in-tree provider's). */
const AWS_SCHEME = 'service.beta.kubernetes.io/aws-load-balancer-scheme'
const AWS_INTERNAL = 'service.beta.kubernetes.io/aws-load-balancer-internal'
/** Which controllers read which internal-or-not key first, per provider (controller-service-internal-pinned). */
const PINNED_READERS = {
  aws: 'AWS: the Load Balancer Controller reads aws-load-balancer-scheme, the in-tree provider aws-load-balancer-internal',
  gke: 'GKE: networking.gke.io/load-balancer-type, then cloud.google.com/load-balancer-type',
  oci: 'OCI: the load balancer and the network load balancer read one key each',
} as const

/** An ACME HTTP-01 solver rewritten to gatewayHTTPRoute (issuer-rewritten): which one, what it served, where it goes now. */
export interface SolverRewrite {
  index: number
  /** http01.ingress.name: the solver edited that Ingress. */
  editsIngress?: string
  className?: string
  gateway: string
}

function solverRewrite(s: SolverRewrite): string {
  return `solvers[${s.index}] (${s.editsIngress !== undefined ? `edits Ingress "${s.editsIngress}"` : s.className !== undefined ? `class ${s.className}` : 'default class'} -> Gateway ${s.gateway})`
}

/** What an ingress-nginx annotation in a solver's ingressTemplate did to the challenge path (issuer-ingress-template-nginx). */
const TEMPLATE_ANNOTATION_EFFECTS = {
  'opened-allowlist': '(opened the ConfigMap allowlist for the challenge path, so the CA could reach it)',
  'replaced-allowlist': '(replaced the ConfigMap allowlist on the challenge path)',
  'replaced-denylist': '(replaced the ConfigMap denylist on the challenge path)',
  'global-auth': '(switched global auth for the challenge path)',
  redirect: '(controlled the HTTPS redirect of the challenge path)',
  auth: '(configured authentication of the challenge path)',
  other: '(configured the solver Ingress in ingress-nginx)',
} as const
export type TemplateAnnotationEffect = keyof typeof TEMPLATE_ANNOTATION_EFFECTS

/** An Issuer that references a Secret in the gateway namespace: one of that namespace, or the copy of another's. */
export interface IssuerUser {
  /** The Issuer as read ("Issuer team-a/le"). */
  issuer: string
  /** The copy's name in the gateway namespace, when it is a copy. */
  copy?: string
  gatewayNamespace: string
}

function issuerUser(u: IssuerUser): string {
  return u.copy !== undefined ? `Issuer ${u.gatewayNamespace}/${u.copy} (the copy of ${u.issuer})` : u.issuer
}

/** What a Secret reference holds, from where the Issuer spec names it. */
function secretRole(paths: string[]): string {
  const roles = new Set(
    paths.map((p) =>
      p === 'spec.acme.privateKeySecretRef' ? 'ACME account key' : p.startsWith('spec.acme.solvers') ? 'DNS-01 credentials' : p.startsWith('spec.acme.externalAccountBinding') ? 'ACME external account binding key' : p === 'spec.ca.secretName' ? 'CA key pair' : 'credentials',
    ),
  )
  return [...roles].join(' / ')
}

/** How the GatewayClass's EnvoyProxy, merged under the Gateway's, changes who reaches the Envoy Service. */
export type AdmissionDifference =
  | {kind: 'internal-to-public'; loadBalancerClass?: string}
  /** Another load-balancer controller serves it and need not read the annotations that keep it internal. */
  | {kind: 'class-may-ignore-internal'; loadBalancerClass: string; internal: string[]}
  | {kind: 'source-ranges'; from: string; to: string}
  | {kind: 'proxy-protocol'; from: boolean; to: boolean}
  | {kind: 'public-to-internal'}
  | {kind: 'any-source'; to: string}
  | {kind: 'foreign-class'; loadBalancerClass: string}

function admissionDifference(d: AdmissionDifference): string {
  switch (d.kind) {
    case 'internal-to-public':
      return `internal becomes public${d.loadBalancerClass !== undefined ? ` (loadBalancerClass ${d.loadBalancerClass})` : ''}`
    case 'class-may-ignore-internal':
      return `loadBalancerClass ${d.loadBalancerClass} (another load-balancer controller serves the Envoy Service, and need not read the annotations that keep it internal: ${d.internal.join(', ')})`
    case 'source-ranges':
      return `source ranges ${d.from} become ${d.to || 'any'}`
    case 'proxy-protocol':
      return `PROXY protocol ${d.from ? 'sent' : 'not sent'} becomes ${d.to ? 'sent' : 'not sent'} (every connection fails)`
    case 'public-to-internal':
      return 'public becomes internal'
    case 'any-source':
      return `any source becomes ${d.to}`
    case 'foreign-class':
      return `loadBalancerClass ${d.loadBalancerClass} (another load-balancer controller serves the Envoy Service, with its own defaults for what no annotation sets)`
  }
}

export const GATEWAY = [
  defineDiagnostic({
    code: 'auth-exempt-location',
    level: ['info', 'warning'],
    doc: 'Paths of an Ingress with auth-url or basic auth that the controller ConfigMap\'s no-auth-locations exempted (their Ingress path starts with an entry; default /.well-known/acme-challenge): ingress-nginx asked no authentication there (nginx.tmpl wraps auth_request and auth_basic in isLocationInLocationList), and passed the client\'s own copies of the auth-response-headers to the backend. These paths get an HTTPRoute of their own that the Ingress\'s SecurityPolicy auth leaves out (CORS and address lists still apply), so they stay open: info when the listener still removes client copies of those headers (a backend that read them there no longer gets them). A warning when paths could not be left open and now require authentication (anonymous requests nginx served there are refused): move them to an Ingress of their own without auth.',
    render: (d: {paths: string[]; exempt: string[]; headers: string[]; open?: true}) =>
      d.open
        ? `${d.paths.join(', ')}: under the controller ConfigMap's no-auth-locations (${d.exempt.join(', ')}), served without authentication as ingress-nginx served them (nginx.tmpl wraps auth_request in isLocationInLocationList), through a route of their own that the auth of the Ingress's SecurityPolicy leaves out; ` +
          `ingress-nginx passed the client's own ${d.headers.join(', ')} to the backend there (it set them from the auth answer only where auth ran), and the listener now removes them for every path`
        : `${d.paths.join(', ')}: under the controller ConfigMap's no-auth-locations (${d.exempt.join(', ')}), so ingress-nginx sent no request there to the auth service (nginx.tmpl wraps auth_request in isLocationInLocationList)${d.headers.length > 0 ? `, and the backend got the client's own ${d.headers.join(', ')} (the auth answer's replaced them only where auth ran)` : ''}. ` +
          `The Ingress's SecurityPolicy targets its whole HTTPRoute: these paths now require authentication${d.headers.length > 0 ? ' and client copies of those headers are removed' : ''}, and anonymous requests nginx served there are refused`,
  }),
  defineDiagnostic({
    code: 'annotation-needs-crd',
    level: 'warning',
    fidelity: 'manual',
    doc: 'The object that carries this annotation\'s setting (a BackendTrafficPolicy, SecurityPolicy...) is left out because the target cluster does not serve its CRD: the setting is not applied and the key becomes manual. Install the CRD (Envoy Gateway) and convert again, or apply the setting another way.',
    render: (d: {key: string; objects: string[]; requires: string[]}) =>
      `${d.key}: ${d.objects.join(', ')}, which carr${d.objects.length === 1 ? 'ies' : 'y'} it, ${d.objects.length === 1 ? 'is' : 'are'} left out because the cluster does not serve ${d.requires.join(' or ')}; the setting is not applied`,
  }),
  defineDiagnostic({
    code: 'auth-headers-client-copies',
    level: ['info', 'warning'],
    fidelity: ['approximate', 'exact', 'manual'],
    doc: 'Headers the auth service adds (auth-response-headers) reach the backend; a client could send its own copies before the auth check. The listeners\' ClientTrafficPolicies remove them first (earlyRequestHeaders): exact. Approximate or manual (warning) when some listeners cannot remove them: backends that trust those headers could be fooled.',
    render: (d: {case: 'not-generated' | 'removed'; headers: string[]; sources: string[]; listeners: string[]; exposed: string[]; kept: string[]}) => {
      const what = `${d.headers.join(', ')} (the headers the external auth of ${d.sources.join(', ')} copies to the backend)`
      const why =
        "nginx replaced them with the auth answer's values and sent none the answer lacked (nginx.tmpl, buildAuthResponseHeaders), while Envoy's extAuth copies only the headers the answer has and would pass a client-sent one on"
      const sideEffect =
        d.exposed.length > 0
          ? `; ${d.listeners.length > 1 ? 'these listeners also serve' : 'this listener also serves'} requests without external auth (${d.exposed.slice(0, 8).join(', ')}${d.exposed.length > 8 ? `, and ${d.exposed.length - 8} more` : ''}): their backends no longer receive the client-sent copies of the headers removed there, which nginx passed on`
          : ''
      const keptNote = d.kept.length > 0 ? `; ${d.kept.join(', ')} ${d.kept.length > 1 ? 'are' : 'is'} not removed, because the check reads the client's own: where the answer lacks it, the client's reaches the backend` : ''
      return d.case === 'not-generated'
        ? `a client can send its own ${what} to the backend until the listeners remove them: ${why}${sideEffect}${keptNote}`
        : `the ClientTrafficPolicies of ${d.listeners.length > 1 ? 'listeners' : 'listener'} ${d.listeners.join(', ')} remove a client's ${what} before any filter runs (earlyRequestHeaders), so only the auth service's values reach the backend: ${why}${sideEffect}${keptNote}`
    },
  }),
  defineDiagnostic({
    code: 'controller-args-unresolved',
    level: 'warning',
    doc: 'The controller\'s container args use $(VAR) references to variables not set in its env: the kubelet passes them as written, so the conversion reads those flags literally too (an unknown ConfigMap or class name, say). Check the flags\' real values on the running pod.',
    render: (d: {args: string[]}) => `controller args ${d.args.join(', ')} use variables that are not set in the container's env; those flags are read as written`,
  }),
  defineDiagnostic({
    code: 'controller-configmap-not-found',
    level: 'warning',
    doc: 'The controller ConfigMap is not in the input: nginx\'s ConfigMap defaults are assumed for this Gateway. Add it to the input (or --lookup-cluster) if it changes defaults.',
    render: (d: {configMap: string; from: string; gateway: string}) =>
      `controller ConfigMap ${d.configMap} (${d.from}) is not in the input; nginx's ConfigMap defaults are assumed for Gateway ${d.gateway}`,
  }),
  defineDiagnostic({
    code: 'controller-host-network',
    level: 'error',
    fidelity: 'manual',
    doc: 'The controller runs with hostNetwork: clients (or an outside load balancer) reached nginx on the nodes\' ports 80/443, which Envoy Gateway\'s Service does not reproduce; the generated EnvoyProxy does not reach those clients, and whatever admitted them at the nodes (firewalls, security groups) does not apply to the Envoy Service. What to do: point the outside load balancer at the Envoy Service (its node ports or load balancer), or run Envoy as a DaemonSet with hostNetwork through EnvoyProxy provider.kubernetes.envoyDaemonSet patches.',
    render: (_: Record<string, never>) =>
      `the controller runs with hostNetwork: clients (or an outside load balancer) reached nginx on the nodes' ports 80/443, which Envoy Gateway's Service does not reproduce; the generated EnvoyProxy does not reach those clients, and whatever admitted them at the nodes (firewalls, security groups) does not apply to the Envoy Service`,
  }),
  defineDiagnostic({
    code: 'controller-service-address-not-carried',
    level: 'warning',
    fidelity: 'manual',
    doc: 'An annotation of the controller Service that identifies its load balancer (an EIP allocation, a static IP, a DNS name it publishes): it is not copied to the Envoy Service, because a second Service carrying it would take over that load balancer or collide with it while both run. The Envoy Service gets a load balancer of its own: move the address or DNS at cutover.',
    render: (
      d:
        | {case: 'identity'; key: string; value: string; identifies: string; envoyProxy: string}
        | {case: 'dns'; key: string; value: string; envoyProxy: string}
        | {case: 'address'; key: string; value: string; pins: string; envoyProxy: string}
        | {case: 'load-balancer-ip'; ip: string; envoyProxy: string},
    ) => {
      switch (d.case) {
        case 'identity':
          return `${d.key}: "${d.value}" identifies the ingress-nginx load balancer (its ${d.identifies}); it is not copied to ${d.envoyProxy}: a second Service carrying it would take over that load balancer or collide with it while both run, so the Envoy Service gets a load balancer of its own`
        case 'dns':
          return `${d.key}: "${d.value}" publishes DNS for the ingress-nginx load balancer; it is not copied to ${d.envoyProxy}, or external-dns would see two Services claim the same name`
        case 'address':
          return `${d.key}: "${d.value}" pins the ingress-nginx load balancer's ${d.pins}; it is not copied to ${d.envoyProxy}: both load balancers run side by side and cannot hold the same address, so the Envoy Service gets a new one`
        case 'load-balancer-ip':
          return `loadBalancerIP ${d.ip} belongs to the ingress-nginx load balancer; it is not copied to ${d.envoyProxy}: both load balancers run side by side and cannot hold the same address, so the Envoy Service gets a new one`
      }
    },
  }),
  defineDiagnostic({
    code: 'controller-service-annotations-dropped',
    level: 'info',
    doc: 'Tooling annotations of the controller Service (Helm, kubectl, GitOps metadata) are not copied to the Envoy Service: no load balancer reads them, and copying them would make those tools claim the new Service. Nothing to do.',
    render: (d: {envoyProxy: string; annotations: string[]}) =>
      `tooling annotations not copied to ${d.envoyProxy} (Helm, kubectl, GitOps metadata; no load balancer reads them): ${d.annotations.join(', ')}`,
  }),
  defineDiagnostic({
    code: 'controller-service-annotations-kept',
    level: 'info',
    doc: 'Annotations of the ingress-nginx controller Service copied to the Envoy Service (EnvoyProxy envoyService.annotations), so the load balancer is configured the same way.',
    render: (d: {envoyProxy: string; annotations: string[]}) => `annotations copied to ${d.envoyProxy} (envoyService.annotations): ${d.annotations.join(', ')}`,
  }),
  defineDiagnostic({
    code: 'controller-service-aws-default-scheme',
    level: 'warning',
    fidelity: 'approximate',
    doc: 'The controller Service sets no AWS load-balancer scheme: the AWS Load Balancer Controller made its NLB internal (v2.2+ with the default --default-load-balancer-scheme) or internet-facing (v2.0/v2.1, or that flag set), and the new Envoy Service gets the scheme of whichever controller serves it now. Set the scheme annotation explicitly on the Envoy Service to what the ingress-nginx NLB is.',
    render: (d: {service: string; why: string; eksAutoMode: boolean; envoyProxy: string}) =>
      `${d.service} has no ${AWS_SCHEME} and no ${AWS_INTERNAL} (${d.why}): ${d.eksAutoMode ? 'EKS Auto Mode made its NLB internal (its default scheme); ' : ''}the AWS Load Balancer Controller made its NLB internal if it ran v2.2 or later with the default --default-load-balancer-scheme, internet-facing under v2.0/v2.1 or with --default-load-balancer-scheme=internet-facing (and keeps an existing NLB's scheme); ${d.envoyProxy} says ${AWS_SCHEME}: internal, so that the new NLB is never public by default`,
  }),
  defineDiagnostic({
    code: 'controller-service-cluster-ip',
    level: 'warning',
    fidelity: 'manual',
    doc: 'The controller Service is ClusterIP: nginx was fronted by something else (an outside load balancer, a cloud ingress, a tunnel). The Envoy Service is ClusterIP too, so nothing reaches Envoy until that front is repointed to it.',
    render: (d: {service: string; envoyProxy: string}) =>
      `${d.service} is of type ClusterIP: nginx was not exposed by a load balancer of its own but fronted by something else (an outside load balancer, a cloud ingress, a tunnel, another proxy) through it; the Envoy Service is ClusterIP too (${d.envoyProxy}), so nothing reaches Envoy until that is repointed`,
  }),
  defineDiagnostic({
    code: 'controller-service-foreign-class',
    level: 'error',
    doc: 'The IngressClass names a controller other than k8s.io/ingress-nginx whose Deployment or DaemonSet is not in the input: the chart-labelled Service and ConfigMap belong to the default controller, so neither is used. This Gateway\'s Envoy Service is ClusterIP (not Envoy Gateway\'s default public LoadBalancer) and nginx ConfigMap defaults are assumed. Name that controller\'s Service and ConfigMap with --controller-service CLASS=NAMESPACE/NAME and --controller-configmap CLASS=NAMESPACE/NAME, or include its workload in the input.',
    render: (d: {classes: {className: string; controller: string}[]}) =>
      `the IngressClass of ${d.classes.map((f) => `${f.className} (controller ${f.controller})`).join(', ')} names a controller other than k8s.io/ingress-nginx, whose Deployment or DaemonSet is not in the input: the chart-labelled Service and ConfigMap belong to the default controller, so neither is taken: the Envoy Service of this Gateway is ClusterIP (not Envoy Gateway's default public LoadBalancer, whatever this controller's load balancer was) and nginx defaults are assumed for the ConfigMap`,
  }),
  defineDiagnostic({
    code: 'controller-service-internal-pinned',
    level: 'info',
    doc: 'The Envoy Service sets the internal load-balancer annotation beside the copied ones, so that the load balancer stays internal whichever annotation the serving controller reads first. Nothing to do.',
    render: (d: {envoyProxy: string; pinned: Record<string, string>; readers: ('aws' | 'gke' | 'oci')[]}) =>
      `${d.envoyProxy} sets ${Object.keys(d.pinned)
        .map((k) => `${k}: "${d.pinned[k]}"`)
        .join(', ')} beside the copied annotations, so that the load balancer stays internal whichever key the controller serving the Envoy Service reads first (${d.readers.map((r) => PINNED_READERS[r]).join('; ')}) and whatever a GatewayClass-level or default EnvoyProxy merged under it sets`,
  }),
  defineDiagnostic({
    code: 'controller-service-not-found',
    level: 'error',
    doc: 'The Service named by --controller-service is not in the input: its load balancer settings cannot be repeated, so this Gateway\'s Envoy Service is ClusterIP (reached from nowhere outside the cluster) rather than Envoy Gateway\'s default public LoadBalancer. Include the Service in the input (kubectl get service -n NAMESPACE NAME -o yaml) or read it from the cluster.',
    render: (d: {service: string}) =>
      `controller Service ${d.service} (--controller-service) is not in the input: its settings cannot be repeated, so the Envoy Service of this Gateway is ClusterIP (reached from nowhere outside the cluster) rather than Envoy Gateway's default public LoadBalancer`,
  }),
  defineDiagnostic({
    code: 'controller-service-session-affinity',
    level: 'warning',
    fidelity: 'approximate',
    doc: 'SessionAffinity ClientIP kept each client on one ingress-nginx pod; Envoy Gateway\'s Service always has sessionAffinity None (resource.go ExpectedServiceSpec). What to do: stickiness to backends is set per route (affinity annotations become BackendTrafficPolicy consistent hashing); stickiness to a proxy pod has no equivalent.',
    render: (_: Record<string, never>) =>
      `sessionAffinity ClientIP kept each client on one ingress-nginx pod; Envoy Gateway's Service always has sessionAffinity None (resource.go ExpectedServiceSpec)`,
  }),
  defineDiagnostic({
    code: 'controller-service-unknown',
    level: ['error', 'info', 'warning'],
    fidelity: ['manual', 'none'],
    doc: 'The ingress-nginx controller Service of this Gateway is not in the input, so whether its load balancer was internal, source-restricted or sent the PROXY protocol is unknown. Info: the live Gateway keeps the EnvoyProxy an earlier run generated. Warning (manual): the Gateway gets a ClusterIP Envoy Service, reached from nowhere outside the cluster, rather than a public LoadBalancer. Error: the Gateway already exists and its Envoy Service would take these hosts as it is. Include the Service (or read the cluster), or pass --controller-service CLASS=NAMESPACE/NAME or --public-load-balancer.',
    render: (d: {case: 'live-keeps-envoyproxy'; envoyProxy: string} | {case: 'live-gateway'} | {case: 'not-in-input'; envoyProxy: string} | {case: 'untied'; services: string[]; envoyProxy: string}) => {
      switch (d.case) {
        case 'live-keeps-envoyproxy':
          return `the ingress-nginx controller Service is not in the input; the live Gateway keeps EnvoyProxy ${d.envoyProxy}, which an earlier run generated from it`
        case 'live-gateway':
          return `the ingress-nginx controller Service of this Gateway's Ingresses is not in the input, and the Gateway already exists: its Envoy Service (whatever it is, Envoy Gateway's default being a public LoadBalancer) would take these hosts, though they may have come through an internal or source-restricted load balancer`
        case 'untied':
          return `no Ingress of the input ties one of its ingress-nginx controllers to this Gateway, and there are several (Services ${d.services.join(', ')}): which load balancer it stands for, internal, source-restricted or sending the PROXY protocol, is unknown, so rather than Envoy Gateway's default (a public LoadBalancer), EnvoyProxy ${d.envoyProxy} gives the Gateway a ClusterIP Envoy Service, which nothing outside the cluster reaches`
        case 'not-in-input':
          return `the ingress-nginx controller Service of this Gateway is not in the input, so whether its load balancer was internal, source-restricted or sent the PROXY protocol is unknown: rather than Envoy Gateway's default (a public LoadBalancer), EnvoyProxy ${d.envoyProxy} gives the Gateway a ClusterIP Envoy Service, which nothing outside the cluster reaches`
      }
    },
  }),
  defineDiagnostic({
    code: 'controller-several-services',
    level: ['error', 'warning'],
    doc: 'Several load-balancer Services select the ingress-nginx pods: Envoy Gateway gives a Gateway one Service, so only one is repeated on the Envoy Service. Name it with --controller-service; give the other its own Gateway, or create it by hand.',
    render: (d: {workload: string; services: string[]; chosen?: string; others: string[]}) =>
      `${d.services.length} load-balancer Services select the pods of ${d.workload} (${d.services.join(', ')})${d.chosen !== undefined ? `; the EnvoyProxy repeats ${d.chosen}, the one the controller publishes (--publish-service)` : ' and none is its --publish-service: none is repeated, and the Envoy Service is ClusterIP'}; Envoy Gateway gives a Gateway one Service, so ${d.others.join(', ')} ${d.others.length === 1 ? 'has' : 'have'} no twin`,
  }),
  defineDiagnostic({
    code: 'data-plane-aws-classic-elb-forwarded-for',
    level: 'warning',
    fidelity: 'manual',
    doc: 'The controller Service is an in-tree Classic ELB at layer 7, which added X-Forwarded-For, and the Gateway trusts X-Forwarded-For; where the AWS Load Balancer Controller\'s webhook takes the new Envoy Service it becomes an NLB, which adds none. Check the client-address settings (--client-ip) against the load balancer actually created.',
    render: (d: {service: string; backendProtocol: string}) =>
      `${d.service} is an in-tree Classic ELB at layer 7 (aws-load-balancer-backend-protocol: ${d.backendProtocol}), which added X-Forwarded-For, and the Gateway trusts X-Forwarded-For (ClientTrafficPolicy clientIPDetection); where the AWS Load Balancer Controller runs with its Service webhook (the default since v2.5), the new Envoy Service is given loadBalancerClass service.k8s.aws/nlb and becomes an NLB, which adds no X-Forwarded-For: the client address, and every source-range rule, would then come from a header the client writes`,
  }),
  defineDiagnostic({
    code: 'data-plane-client-address',
    level: 'warning',
    doc: 'The load balancer Service uses externalTrafficPolicy Cluster without PROXY protocol or X-Forwarded-For: the client address Envoy sees is a node\'s (kube-proxy SNAT), as nginx\'s was, so source-range rules (whitelist-source-range, denylist) match node addresses, not clients. Set externalTrafficPolicy: Local on the EnvoyProxy, or enable PROXY protocol on the load balancer and in the ClientTrafficPolicy.',
    render: (d: {ingresses: string[]}) =>
      `externalTrafficPolicy Cluster without PROXY protocol or X-Forwarded-For: the client address Envoy sees is a node's (kube-proxy SNAT), as nginx's was, so the source-range rules of ${d.ingresses.slice(0, 3).join(', ')}${d.ingresses.length > 3 ? ', ...' : ''} match node addresses, not clients`,
  }),
  defineDiagnostic({
    code: 'data-plane-ports-differ',
    level: 'warning',
    fidelity: 'manual',
    doc: 'The controller Service took clients on ports other than 80/443; the Envoy Service listens on the Gateway\'s listener ports 80 and 443, so clients of the old ports find nothing. Point them at 80/443, or add Gateway listeners on those ports.',
    render: (d: {service: string; ports: {port: string; targetPort: string}[]}) =>
      `${d.service} took clients on port(s) ${d.ports.map((p) => `${p.port} -> ${p.targetPort}`).join(', ')} (nginx's http/https listeners); the Envoy Service listens on the Gateway's listener ports 80 and 443, so clients of ${d.ports.map((p) => p.port).join(', ')} find nothing on the new load balancer`,
  }),
  defineDiagnostic({
    code: 'data-plane-proxy-protocol',
    level: 'info',
    doc: 'The load balancer sends the PROXY protocol and nginx expected it (use-proxy-protocol): the EnvoyProxy repeats the load balancer annotations and a ClientTrafficPolicy enables proxyProtocol on the listeners, so client addresses keep working. Nothing to do.',
    render: (d: {service: string; sends: string[]; envoyProxy: string; policy: string}) =>
      `PROXY protocol stays end to end: ${d.service} (${d.sends.join(', ')}) -> EnvoyProxy ${d.envoyProxy} -> ClientTrafficPolicy ${d.policy} proxyProtocol`,
  }),
  defineDiagnostic({
    code: 'data-plane-proxy-protocol-mismatch',
    level: ['error', 'warning'],
    doc: 'The load balancer and the listeners disagree on the PROXY protocol (the Service annotations send it but the listeners do not expect it, or the reverse): every connection would fail. An error when it is certain; make use-proxy-protocol / --client-ip and the Service annotations agree.',
    render: (d: {service: string} & ({case: 'not-expected'; sends: string[]} | {case: 'unknown-annotations'; policy: string; annotations: string[]; envoyProxy: string} | {case: 'sent-outside-service'; policy: string; envoyProxy: string; confirmed: boolean})) => {
      switch (d.case) {
        case 'not-expected':
          return `${d.service} makes its load balancer send the PROXY protocol (${d.sends.join(', ')}), copied to the EnvoyProxy, but the Gateway's listeners do not expect it (no proxyProtocol in its ClientTrafficPolicy): every connection would fail`
        case 'unknown-annotations':
          return `the Gateway's listeners require the PROXY protocol (ClientTrafficPolicy ${d.policy}, from use-proxy-protocol), and ${d.service} has ${d.annotations.join(', ')}, which names the PROXY protocol but which this tool does not know; EnvoyProxy ${d.envoyProxy} copies it to the Envoy Service, so its load balancer is asked for PROXY headers as the controller's was: if it does not send them, every connection is refused`
        case 'sent-outside-service':
          return (
            `the Gateway's listeners require the PROXY protocol (ClientTrafficPolicy ${d.policy}, from use-proxy-protocol), and ${d.service} has no annotation that makes its load balancer send it, so ingress-nginx got PROXY headers from a setting outside the Service (target group attributes, a load balancer in front): ` +
            `EnvoyProxy ${d.envoyProxy} repeats the annotations only, so a new load balancer for the Envoy Service sends none, and every connection through it is refused` +
            (d.confirmed ? ' (--client-ip proxy-protocol: the PROXY headers are said to come, as they must)' : '')
          )
      }
    },
  }),
  defineDiagnostic({
    code: 'data-plane-source-ranges',
    level: 'info',
    doc: 'Two layers of source ranges carry over, as with nginx: the load balancer admits only its loadBalancerSourceRanges (repeated on the EnvoyProxy), then the SecurityPolicies of the Ingresses with allow/deny lists apply their own; a client must pass both. Nothing to do.',
    render: (d: {ranges: string[]; ingresses: string[]}) =>
      `two layers of source ranges carry over, as with nginx: the load balancer admits ${d.ranges.join(', ')} (EnvoyProxy loadBalancerSourceRanges), then the SecurityPolicies of ${d.ingresses.slice(0, 3).join(', ')}${d.ingresses.length > 3 ? ', ...' : ''} apply their own lists; a client must pass both`,
  }),
  defineDiagnostic({
    code: 'envoy-service-not-changed-in-place',
    level: 'error',
    doc: 'The Gateway and its Envoy Service already exist, and the generated EnvoyProxy sets what Envoy Gateway cannot change on a running Service (its type, load-balancer class, internal or scheme annotations): the current load balancer keeps serving, now with these hosts. Generate a new Gateway for these Ingresses (--gateway or --gateway-for CLASS=NAMESPACE/NEW-NAME) so that its Envoy Service is created with these settings, or in a maintenance window apply, then delete the Envoy Service so that Envoy Gateway recreates it (the hint gives the command).',
    render: (d: {envoyProxy: string; loadBalancerClass?: string; internal: string[]; clusterIp: boolean}) => {
      const reasons = [
        ...(d.loadBalancerClass !== undefined ? [`loadBalancerClass ${d.loadBalancerClass} (Kubernetes refuses to change it on an existing LoadBalancer Service, so Envoy Gateway's server-side apply of the Service fails as a whole and none of the EnvoyProxy's settings reach it)`] : []),
        ...(d.internal.length > 0 ? [`an internal load balancer (${d.internal.join(', ')}; a cloud provider does not turn an existing load balancer internal in place: the AWS in-tree provider never changes its scheme)`] : []),
        ...(d.clusterIp ? ['type ClusterIP (the existing load balancer is deleted, and with it the address clients use)'] : []),
      ]
      return `the Gateway already exists, and so does its Envoy Service (Envoy Gateway's default, a public LoadBalancer, or its GatewayClass's EnvoyProxy's); EnvoyProxy ${d.envoyProxy} sets ${reasons.join('; and ')}: the current load balancer would keep serving, now with these hosts`
    },
  }),
  defineDiagnostic({
    code: 'forwarded-headers',
    level: ['info', 'warning'],
    fidelity: 'approximate',
    doc: 'How the listeners set X-Forwarded-For/-Host/-Port/-Proto, X-Real-IP and X-Request-ID as ingress-nginx wrote them (ClientTrafficPolicy earlyRequestHeaders). The message lists the differences (X-Original-Forwarded-*, header trust); a warning when a backend could read a different client address.',
    /**
     * The header mode (clientIpDetection, trustForwarded: use-forwarded-headers, fullForwardedFor, proxyProtocol,
     * customHeader; header: the one the client address is read from); headers and differences are prose, one entry
     * per header or difference.
     */
    render: (d: {clientIpDetection: boolean; trustForwarded: boolean; fullForwardedFor: boolean; proxyProtocol: boolean; customHeader: boolean; header: string; headers: string[]; differences: string[]}) =>
      `Forwarded request headers as ingress-nginx wrote them: the ClientTrafficPolicies set headers.earlyRequestHeaders on every HTTP listener: ${d.headers.join('; ')}. Differences: ${d.differences.join('; ')}`,
  }),
  defineDiagnostic({
    code: 'gateway-class-differs',
    level: 'warning',
    doc: 'The live Gateway\'s gatewayClassName differs from the one this run would set: the live class is kept, since changing it would move the Gateway to another controller. Pass --gateway-class with the live class to silence this, or migrate to a new Gateway if the class should change.',
    render: (d: {live: string; expected: string}) => `the live Gateway uses class "${d.live}", not "${d.expected}"; its class is kept (changing it would move the Gateway to another controller)`,
  }),
  defineDiagnostic({
    code: 'gateway-controller-access-differs',
    level: 'error',
    doc: 'Several ingress-nginx controllers share this Gateway and their ConfigMaps set access controls differently (allow/deny lists, global-auth-url...): the Gateway-wide policies come from one of them, so the other controller\'s routes get its access controls, not their own (without its global-auth-url they lose authentication nginx required). Give that class a Gateway of its own with --gateway-for CLASS=NAMESPACE/NAME.',
    render: (d: {classes: string[]; configMap?: string; keys: string[]; gatewayConfigMap?: string; globalAuthLost: boolean}) => {
      const name = (cm: string | undefined) => (cm !== undefined ? `ConfigMap ${cm}` : "nginx's defaults (no ConfigMap)")
      return `the Ingresses of class ${d.classes.join(', ')} were served by a controller whose ${name(d.configMap)} sets ${d.keys.join(', ')} otherwise than ${name(d.gatewayConfigMap)}, from which this Gateway's Gateway-wide policies come: their routes get the Gateway's access controls, not their controller's${d.globalAuthLost ? ` (without its global-auth-url they are served without the external authentication nginx required)` : ''}`
    },
  }),
  defineDiagnostic({
    code: 'gateway-listener-differs',
    level: 'warning',
    doc: 'A listener of the live Gateway has the name this run uses but another protocol or port: the live listener is kept, so routes that expect the generated one may not attach. Rename one of them, or align the live listener.',
    render: (d: {listener: string; live: {protocol: string; port: number}; expected: {protocol: string; port: number}}) =>
      `live listener "${d.listener}" is ${d.live.protocol} ${d.live.port}, the conversion expects ${d.expected.protocol} ${d.expected.port}; the live listener is kept`,
  }),
  defineDiagnostic({
    code: 'gateway-merged-envoy-service',
    level: 'error',
    doc: 'The GatewayClass merges Gateways (mergeGateways: true): Envoy Gateway refuses a Gateway with its own parametersRef, so no EnvoyProxy is attached and this Gateway shares the class\'s Envoy Service. The controller Service\'s settings are not repeated; set them on the class\'s EnvoyProxy.',
    render: (d: {className: string; classRef: string; service?: string; mapping?: string[]}) =>
      `GatewayClass ${d.className} merges Gateways (${d.classRef} mergeGateways: true): Envoy Gateway does not accept a Gateway with its own parametersRef (Accepted False, InvalidParameters), so no EnvoyProxy is attached, and this Gateway shares the Envoy Service of ${d.classRef}, ${d.service !== undefined ? `which must repeat ${d.service}: ${(d.mapping ?? []).join('; ')}` : 'though the ingress-nginx controller Service of its Ingresses is unknown (they may have come through an internal or source-restricted load balancer)'}`,
  }),
  defineDiagnostic({
    code: 'gateway-owner-needs',
    level: 'info',
    doc: 'The Gateway is not generated (no --emit-gateway) and these Ingresses need changes to it, listed in the message (listeners, certificates, allowedRoutes...): the gateway owner must add them before the routes attach. Or rerun with --emit-gateway to generate the Gateway bundle.',
    render: (d: {gateway: string; needs: string[]}) => `the gateway owner must add to ${d.gateway}: ${d.needs.join('; ')}`,
  }),
  defineDiagnostic({
    code: 'gateway-parameters-ref-kept',
    level: 'error',
    doc: 'The live Gateway already references an EnvoyProxy: it is kept, so the generated EnvoyProxy does not apply. Copy its provider.kubernetes.envoyService settings into the referenced one if they matter.',
    render: (d: {kind: string; name: string; envoyProxy: string; service?: string}) =>
      `the live Gateway already references ${d.kind} ${d.name} (spec.infrastructure.parametersRef); it is kept, so EnvoyProxy ${d.envoyProxy} does not apply and the Envoy Service does not repeat ${d.service ?? 'the ClusterIP Service it sets'}`,
  }),
  defineDiagnostic({
    code: 'gateway-several-controller-configmaps',
    level: 'warning',
    doc: 'The controllers whose classes share this Gateway name different ConfigMaps (--configmap, --tcp-services-configmap...): one is used for the whole Gateway\'s own settings (listeners, client traffic, upstreams), while each Ingress keeps its own controller\'s for its routes. Give each controller a Gateway of its own with --gateway-for, so that each keeps its own settings.',
    render: (d: {controllers: string[]; flag: string; configMaps: string[]}) =>
      `the controllers of this Gateway's classes (${d.controllers.join(', ')}) name different ${d.flag} ConfigMaps (${d.configMaps.join(', ')}); ${d.configMaps[0]} is used for the whole Gateway${d.flag === 'configmap' ? "'s own settings (listeners, client traffic, upstreams), while each Ingress keeps its own controller's for whether nginx served it and for its routes" : ''}`,
  }),
  defineDiagnostic({
    code: 'gateway-several-controller-services',
    level: ['error', 'warning'],
    doc: 'The Ingresses of this Gateway came through several load balancers, and a Gateway gets one Envoy Service: the EnvoyProxy repeats the internal or source-restricted one, so no host becomes more reachable than it was, and the others\' hosts are narrowed (an error when a host would be exposed). Give each ingress class its own Gateway with --gateway-for CLASS=NAMESPACE/NAME.',
    render: (d: {services: string[]; chosen: string; internalChosen: boolean; restrictedTo?: string; differences: LoadBalancerDifference[]}) =>
      `the Ingresses of this Gateway came through ${d.services.length} load balancers (${d.services.join(', ')}) and the Gateway gets one: the EnvoyProxy repeats ${d.chosen}` +
      (d.internalChosen ? ', the internal one, so that no internal host becomes reachable from outside; the hosts that were public are internal until the classes get Gateways of their own' : '') +
      (d.restrictedTo !== undefined ? `, the source-restricted one, so that no restricted host is reachable from more sources; the hosts that were open to any source are restricted to ${d.restrictedTo} until the classes get Gateways of their own` : '') +
      (d.differences.length > 0 ? `; the load balancers admitted clients differently, in ${d.differences.map(loadBalancerDifference).join(', ')}, so the hosts of the other ${d.services.length === 2 ? 'one' : 'ones'} are admitted otherwise than nginx admitted them` : ''),
  }),
  defineDiagnostic({
    code: 'gatewayclass-envoyproxy-changes-admission',
    level: ['error', 'warning'],
    doc: 'The GatewayClass\'s EnvoyProxy is merged under the Gateway\'s (StrategicMerge), and the merged Envoy Service differs from the ingress-nginx Service in who can reach it: an error when it opens access (internal becomes public, source ranges dropped), a warning when it narrows it. Set the differing settings explicitly on the Gateway\'s EnvoyProxy.',
    render: (d: {className: string; classRef: string; envoyProxy: string; service?: string; differences: AdmissionDifference[]}) =>
      `GatewayClass ${d.className}'s ${d.classRef} is merged under EnvoyProxy ${d.envoyProxy} (StrategicMerge: what the Gateway's leaves unset comes from the GatewayClass's), and the merged Envoy Service differs from ${d.service ?? 'the ClusterIP Service'}: ${d.differences.map(admissionDifference).join('; ')}`,
  }),
  defineDiagnostic({
    code: 'gatewayclass-envoyproxy-not-checked',
    level: 'warning',
    doc: 'The GatewayClass references an EnvoyProxy that is not in the input (or patches the Envoy Service with envoyService.patch): Envoy Gateway merges it with the generated EnvoyProxy, so its annotations, loadBalancerClass, source ranges or patch can admit clients otherwise than the ingress-nginx load balancer did. Include the GatewayClass\'s EnvoyProxy in the input (kubectl get envoyproxy -n NAMESPACE NAME -o yaml) to have the merge checked, or check its patch by hand.',
    render: (d: {case: 'not-in-input' | 'patch'; className: string; classRef: string; envoyProxy: string}) =>
      d.case === 'not-in-input'
        ? `GatewayClass ${d.className} references ${d.classRef}, which is not in the input: Envoy Gateway merges it under EnvoyProxy ${d.envoyProxy} (StrategicMerge), so its envoyService annotations, loadBalancerClass, source ranges and patch apply wherever ${d.envoyProxy} sets none, and could admit clients otherwise than the ingress-nginx load balancer`
        : `${d.classRef} (GatewayClass ${d.className}) patches the Envoy Service (envoyService.patch), which Envoy Gateway applies after EnvoyProxy ${d.envoyProxy}'s settings: it can change the type, annotations or source ranges this EnvoyProxy repeats`,
  }),
  defineDiagnostic({
    code: 'gitops-placeholders',
    level: 'info',
    doc: 'Ingresses contain template placeholders (Helm, envsubst): they are kept verbatim in the output, and schema checks of those fields happen after substitution. Render before applying.',
    render: (d: {ingresses: string[]}) =>
      `${d.ingresses.length} Ingress(es) contain \${VAR} placeholders (${d.ingresses.slice(0, 5).join(', ')}${d.ingresses.length > 5 ? ', ...' : ''}); they are kept verbatim, and schema checks of those fields happen after substitution`,
  }),
  defineDiagnostic({
    code: 'host-on-two-gateways',
    level: ['info', 'warning'],
    doc: 'A host served by Ingresses of two controllers that go to two Gateways: each Gateway gets its own routes, certificate and redirect for it, as each controller served its own. A warning when the Gateways share an Envoy (merged) and would conflict.',
    render: (d: {host: string; gateways: {gateway: string; classes: string[]}[]; mergedControllers: string[]}) =>
      `host "${d.host}" is served on ${d.gateways.map((g) => `${g.gateway} (${g.classes.join(', ') || 'no paths'})`).join(' and ')}: each Gateway gets its own routes, certificate and redirect for it, computed from its own classes' Ingresses only, as each ingress-nginx controller served its own` +
      (d.mergedControllers.length > 0
        ? `; but the input's IngressClasses give these classes one spec.controller (${d.mergedControllers.join(', ')}), and one controller serving them had merged the host into one server (oldest path wins, one certificate)`
        : ''),
  }),
  defineDiagnostic({
    code: 'https-listener-without-certificates',
    level: 'warning',
    doc: 'No Ingress names a TLS Secret, so no https listener is generated: the TLS hosts relied on the controller\'s default certificate (--default-ssl-certificate), which this tool cannot see. Add that certificate to an https listener of the Gateway before routes meant for HTTPS are served.',
    render: (d: {gateway: string}) => `no Ingress names a TLS Secret, so the https listener of ${d.gateway} is left out; its TLS hosts relied on the controller's default certificate`,
  }),
  defineDiagnostic({
    code: 'intent-not-emitted',
    level: 'warning',
    doc: 'An annotation produced a setting that no emitted object carries (its route was not emitted, or a conflicting annotation won): the setting is lost. The message names the key; check why its route is missing.',
    render: (d: {keys: string[]}) =>
      `${d.keys.join(', ')} produced a setting that no emitted object carries (the route it belongs to was not emitted, or a conflicting annotation won)`,
  }),
  defineDiagnostic({
    code: 'issuer-copied',
    level: 'info',
    fidelity: 'manual',
    doc: 'An Issuer is copied into the Gateway\'s namespace for the Certificates there; the Secrets it references (ACME account key, DNS credentials) are not copied: this tool never reads or copies Secret data. Copy them yourself.',
    render: (d: {issuer: string; gatewayNamespace: string; copy: string; accountSecret?: string; otherSecrets: string[]}) =>
      `${d.issuer} is needed by Certificates in the gateway namespace ${d.gatewayNamespace} (a namespaced Issuer only serves its own namespace): ` +
      `copied as Issuer ${d.gatewayNamespace}/${d.copy}.` +
      (d.accountSecret !== undefined ? ` Its ACME account key Secret "${d.accountSecret}" must exist in ${d.gatewayNamespace} too, or cert-manager registers a new ACME account there.` : '') +
      (d.otherSecrets.length > 0 ? ` Secrets it references that must also exist in ${d.gatewayNamespace}: ${d.otherSecrets.join(', ')}.` : ''),
  }),
  defineDiagnostic({
    code: 'issuer-ingress-template-annotations',
    level: 'info',
    fidelity: 'ignored',
    doc: 'Annotations of an Issuer\'s http01.ingress.ingressTemplate have no place on the gatewayHTTPRoute solver (only labels do) and were dropped. Check nothing relied on them.',
    render: (d: {issuer: string; solver: number; annotations: string[]}) =>
      `${d.issuer} solvers[${d.solver}] http01.ingress.ingressTemplate.metadata.annotations (${d.annotations.join(', ')}) have no place on the gatewayHTTPRoute solver (only labels do) and were dropped`,
  }),
  defineDiagnostic({
    code: 'issuer-ingress-template-nginx',
    level: 'warning',
    fidelity: 'approximate',
    doc: 'An Issuer\'s http01.ingress.ingressTemplate set ingress-nginx annotations (whitelists, auth) on cert-manager\'s temporary solver Ingress; the gatewayHTTPRoute solver\'s HTTPRoute carries no annotations, so they were dropped. Access to the challenges is handled by the Gateway-level SecurityPolicy exemption (acme-challenge-exempt).',
    render: (d: {issuer: string; solver: number; annotations: {key: string; value: string; effect: TemplateAnnotationEffect}[]; exemptPolicy: string}) =>
      `${d.issuer} solvers[${d.solver}] http01.ingress.ingressTemplate set ingress-nginx annotations on cert-manager's temporary solver Ingress: ` +
      `${d.annotations.map((a) => `${a.key}: "${a.value}" ${TEMPLATE_ANNOTATION_EFFECTS[a.effect]}`).join('; ')}. ` +
      `The gatewayHTTPRoute solver's HTTPRoute carries no annotations, and they were dropped: access to the challenges is handled by SecurityPolicy ${d.exemptPolicy} instead, which lets the solver HTTPRoutes (label acme.cert-manager.io/http01-solver) past the Gateway-level allowlist and global auth (the deny lists still apply), ` +
      "and the HTTPS redirect never catches challenges (their Exact route wins over the redirect's prefix match)",
  }),
  defineDiagnostic({
    code: 'issuer-invalid',
    level: 'warning',
    doc: 'A cert-manager Issuer or ClusterIssuer without a name: it is skipped.',
    render: (d: {issuer: string; namespaced: boolean}) => `${d.issuer} has no name${d.namespaced ? ' or namespace' : ''}; it was skipped`,
  }),
  defineDiagnostic({
    code: 'issuer-managed-by-replaced',
    level: 'warning',
    doc: 'A rewritten Issuer carried a managed-by label or annotation (Helm, GitOps): the rewritten object says ingress2gw. If that tool owns the Issuer, change the solver there instead of applying this object, or it will revert it.',
    render: (d: {issuer: string; managedBy: string}) => `${d.issuer} carried ${MANAGED_BY}: ${d.managedBy}; the rewritten object says ingress2gw`,
  }),
  defineDiagnostic({
    code: 'issuer-not-found',
    level: 'warning',
    fidelity: 'manual',
    doc: 'An Issuer named by Ingress cert-manager annotations is not in the input: the Certificates moved to the Gateway\'s namespace reference a copy of it there that was not generated, so they stay unissued. Create that Issuer in the Gateway\'s namespace with the same spec and an http01.gatewayHTTPRoute solver, or rerun with the Issuer in the input.',
    render: (d: {issuer: string; gatewayNamespace: string; copy: string}) =>
      `Issuer ${d.issuer} is referenced by Ingress cert-manager annotations but is not in the input: Certificates in ${d.gatewayNamespace} reference a copy named ${d.copy} that was not generated`,
  }),
  defineDiagnostic({
    code: 'issuer-rewritten',
    level: 'info',
    fidelity: 'exact',
    doc: 'An Issuer\'s ACME HTTP-01 solvers used http01.ingress (ingress-nginx); they now use http01.gatewayHTTPRoute on the Gateway\'s http listener, so cert-manager answers challenges with an HTTPRoute. cert-manager must run with --enable-gateway-api, the listener\'s allowedRoutes must admit the Certificate\'s namespace, and HTTP-01 only succeeds once DNS points at the Gateway: apply this Issuer at cutover and keep the ingress solver until then.',
    render: (d: {issuer: string; solvers: SolverRewrite[]; listener: string}) =>
      `${d.issuer}: ACME HTTP-01 solver${d.solvers.length > 1 ? 's' : ''} ${d.solvers.map(solverRewrite).join(', ')} used http01.ingress (ingress-nginx); ` +
      `now http01.gatewayHTTPRoute on the "${d.listener}" listener of the Gateway of the solver's class, so cert-manager answers challenges with an HTTPRoute instead of a temporary Ingress`,
  }),
  defineDiagnostic({
    code: 'issuer-secret-collision',
    level: 'warning',
    fidelity: 'manual',
    doc: 'Two Issuers copied into the Gateway\'s namespace reference Secrets of the same name from different namespaces: one Secret there cannot stand in for both. Rename one as the hint says and copy its Secret.',
    render: (d: {user: IssuerUser; keeper: IssuerUser; secret: string; paths: string[]; gatewayNamespace: string}) =>
      `${issuerUser(d.user)} and ${issuerUser(d.keeper)} both reference Secret "${d.secret}" (${d.paths.join(', ')}), which must exist in ${d.gatewayNamespace} for both: ` +
      `one Secret there cannot stand in for the ${secretRole(d.paths)} of both, which were separate Secrets in their namespaces`,
  }),
  defineDiagnostic({
    code: 'issuer-unchanged',
    level: 'info',
    fidelity: 'exact',
    doc: 'An Issuer with no ACME http01.ingress solver for ingress-nginx\'s classes: it is not rewritten for the Gateway. Nothing to do unless its solvers should use the Gateway (gatewayHTTPRoute).',
    render: (d: {issuer: string; classes: string[]; otherClasses: string[]; copyEmitted: boolean}) =>
      `${d.issuer} has no ACME http01.ingress solver for ingress-nginx (classes ${d.classes.join(', ')})${d.otherClasses.length > 0 ? `; solvers for other classes (${d.otherClasses.join(', ')}) are kept` : ''}: ${d.copyEmitted ? 'only its copy in the gateway namespace is emitted' : 'not emitted'}`,
  }),
  defineDiagnostic({
    code: 'merged-gateways-listener-conflict',
    level: 'info',
    doc: 'Gateways that would be merged into one Envoy (mergeGateways on their GatewayClass) repeat a listener\'s protocol, hostname and port: Envoy Gateway marks every repeat but the first Conflicted and serves nothing on it. Do not merge these Gateways, or rename the listeners\' hostnames.',
    render: (d: {gateways: string[]; clashes: {listener: string; on: string[]}[]}) =>
      `the Gateways ${d.gateways.join(', ')} must not be merged into one Envoy (EnvoyProxy mergeGateways: true on their GatewayClass): their listeners repeat a protocol, hostname and port (${d.clashes.map((c) => `${c.listener}: ${c.on.join(', ')}`).join('; ')}), ` +
      'and Envoy Gateway marks every repeat but the first Conflicted and does not program it (validate.go validateConflictedMergedListeners), so the routes on it serve nothing; without mergeGateways each Gateway gets an Envoy and an address of its own, as each ingress-nginx controller had',
  }),
  defineDiagnostic({
    code: 'merged-gateways-wildcard-takes-host',
    level: 'warning',
    doc: 'If the GatewayClass merges Gateways, a wildcard listener of one Gateway takes the TLS connections for hosts another Gateway serves on a listener without hostname (Envoy picks the wildcard server name first): those hosts get the wrong certificate. Do not merge these Gateways, or give the listener a hostname.',
    render: (d: {listener: string; hostname: string; gateway: string; hosts: {host: string; gateway: string}[]}) =>
      `if the GatewayClass merges Gateways (EnvoyProxy mergeGateways: true), the listener ${d.listener} (${d.hostname}) of ${d.gateway} takes the TLS connections for ${d.hosts.map((h) => `${h.host} (${h.gateway})`).join(', ')}: ` +
      'Envoy picks a wildcard server name over a listener without hostname, so these hosts get this listener\'s certificate and routes instead of their own Gateway\'s; under ingress-nginx each controller had its own address',
  }),
  defineDiagnostic({
    code: 'namespace-label-needed',
    level: 'info',
    doc: 'The shared Gateway\'s listeners admit routes only from namespaces with a label (allowedRoutes selector): the namespaces listed need it before their routes attach. Run kubectl label namespace NAME with the label the message gives.',
    render: (d: {namespaces: string[]; label: string}) => `namespaces ${d.namespaces.join(', ')} need the label ${d.label} before their routes attach to the shared Gateway`,
  }),
  defineDiagnostic({
    code: 'passthrough-listeners',
    level: 'info',
    doc: 'ssl-passthrough Ingresses get TLS passthrough listeners on 443, one per host so that Envoy separates them from the https listener by SNI, added to the Gateway; their TLSRoutes attach there. Nothing to do.',
    render: (d: {gateway: string; listeners: string[]}) =>
      `listeners ${d.listeners.join(', ')} (TLS passthrough on 443, one per host so Envoy separates them from the https listener by SNI) are added to ${d.gateway}, and the TLSRoutes attach to them`,
  }),
  defineDiagnostic({
    code: 'plain-hosts-https',
    level: 'info',
    doc: 'Hosts with no TLS in any Ingress: ingress-nginx still answered HTTPS for them with its default certificate; on the Gateway they are served on the http listener only. If clients reach them over HTTPS, add TLS entries or attach their routes to an HTTPS listener with that certificate.',
    render: (d: {gateway?: string; hosts: string[]}) =>
      `${d.gateway !== undefined ? `${d.gateway}: ` : ''}${d.hosts.length} host(s) have no TLS in any Ingress (${d.hosts.slice(0, 5).join(', ')}${d.hosts.length > 5 ? ', ...' : ''}): ingress-nginx still answered HTTPS for them with its default certificate; on the Gateway they are served on the http listener only`,
  }),
  defineDiagnostic({
    code: 'policy-field-conflict',
    level: 'warning',
    doc: 'Two annotations of the Ingress set the same field of one policy: the first one is kept. The message names both; remove the other.',
    render: (d: {keys: string[]; kind: string; path: string}) => `${d.keys.join(', ')} sets ${d.kind} ${d.path}, which another annotation of this Ingress already set; the first one is kept`,
  }),
  defineDiagnostic({
    code: 'policy-merge-type',
    level: 'info',
    doc: 'Route-level policies set mergeType StrategicMerge so that they add to the Gateway-level defaults instead of replacing them, as nginx\'s ConfigMap defaults applied beside annotations. Needs Envoy Gateway v1.4+ (BackendTrafficPolicy) and v1.8+ (SecurityPolicy).',
    render: (d: {policies: number}) =>
      `${d.policies} route-level policies set mergeType: StrategicMerge so that they add to the Gateway-level defaults instead of replacing them (as nginx's ConfigMap defaults applied beside annotations); this needs Envoy Gateway v1.4+ for BackendTrafficPolicy and v1.8+ for SecurityPolicy`,
  }),
  defineDiagnostic({
    code: 'policy-replaces-gateway-defaults',
    level: 'info',
    doc: 'A route-level policy replaces the Gateway-level one of the same kind (Envoy Gateway does not merge them): it repeats the Gateway-level settings, except those the message lists as left out for this Ingress. Check those keys\' diagnostics.',
    render: (d: {kind: 'BackendTrafficPolicy' | 'SecurityPolicy'; leftOut: string[]}) =>
      d.leftOut.length > 0
        ? `this route-level ${d.kind} replaces the Gateway-level one, whose settings it repeats except ${d.leftOut.join(', ')} (left out for this Ingress: see the diagnostics of its annotations)`
        : `this route-level ${d.kind} replaces the Gateway-level one and repeats all its settings`,
  }),
  defineDiagnostic({
    code: 'public-load-balancer-accepted',
    level: ['info', 'warning'],
    doc: '--public-load-balancer accepts that a Gateway\'s Envoy Service is public (or shared) where ingress-nginx\'s was internal or different: a warning when the exposure changes, info when the flag only confirms it.',
    render: (d: {gateway: string} & ({case: 'merged-gateways'; className: string; classRef: string} | {case: 'live-service-kept' | 'default-service'})) =>
      d.case === 'merged-gateways'
        ? `GatewayClass ${d.className} merges Gateways (${d.classRef} mergeGateways: true): this Gateway shares its Envoy Service, as --public-load-balancer ${d.gateway} accepts`
        : d.case === 'live-service-kept'
          ? `the live Gateway keeps its Envoy Service as it is, as --public-load-balancer ${d.gateway} accepts`
          : `no EnvoyProxy: as --public-load-balancer ${d.gateway} asks, the Envoy Service gets Envoy Gateway's defaults, a public LoadBalancer with externalTrafficPolicy Local`,
  }),
  defineDiagnostic({
    code: 'public-load-balancer-unused',
    level: 'warning',
    doc: '--public-load-balancer names a Gateway of no effect (its EnvoyProxy already repeats the controller Service, or no such Gateway in this run). Remove or fix the flag.',
    render: (d: {gateway: string; service: string} | {unknown: string[]; gateways: string[]}) =>
      'service' in d
        ? `--public-load-balancer ${d.gateway} has no effect: the EnvoyProxy of this Gateway repeats ${d.service}`
        : `--public-load-balancer ${d.unknown.join(', ')} names no Gateway of this run (${d.gateways.join(', ')})`,
  }),
  defineDiagnostic({
    code: 'redirect-before-auth',
    level: 'info',
    doc: 'The https-redirect routes get a SecurityPolicy of their own that lets every request through to the redirect: nginx redirected to HTTPS before its allowlist and global auth ran.',
    render: (_: Record<string, never>) =>
      'the https-redirect routes get a SecurityPolicy of their own that lets every request through to the redirect: nginx redirected to HTTPS before its allowlist and global auth ran',
  }),
  defineDiagnostic({
    code: 'redirect-keeps-trailing-slash',
    level: 'info',
    fidelity: 'approximate',
    doc: 'Nginx\'s HTTPS redirect drops one trailing slash (http://h/a/ -> https://h/a) unless preserve-trailing-slash; the https-redirect route keeps the path as it is, which backends see after the redirect.',
    render: (_: Record<string, never>) =>
      `nginx's HTTPS redirect drops one trailing slash (http://h/a/ -> https://h/a) unless preserve-trailing-slash; the https-redirect route keeps the path as it is, which backends see after the redirect`,
  }),
  defineDiagnostic({
    code: 'route-withheld-client-certificates',
    level: 'error',
    doc: 'A route is withheld: it attaches to a listener whose client-certificate check (a ClientTrafficPolicy) the cluster cannot take, so the listener would accept any client where nginx refused those without a valid certificate. Install Envoy Gateway (its CRDs) and convert again.',
    render: (d: {kind: string; name: string}) =>
      `${d.kind} ${d.name} is withheld: it attaches to a listener whose client-certificate check (a ClientTrafficPolicy) the cluster cannot take, so the listener would accept any client where nginx refused clients without a valid certificate`,
  }),
  defineDiagnostic({
    code: 'stream-configmap-not-found',
    level: 'warning',
    doc: 'The tcp-services/udp-services ConfigMap the controller names (--tcp-services-configmap) is not in the input: no stream listener is generated. Add it to the input (or use --lookup-cluster).',
    render: (d: {configMap: string; from: string; flag: 'tcp-services' | 'udp-services'}) => `${d.flag} ConfigMap ${d.configMap} (${d.from}) is not in the input`,
  }),
  defineDiagnostic({
    code: 'target-lacks-crd',
    level: 'warning',
    doc: 'Objects of a kind the target cluster does not serve (from its discovery or --target): they are left out, one warning per kind, and the keys they carried become manual (annotation-needs-crd). Install the CRDs and convert again.',
    render: (d: {kind: string; objects: string[]; requires: string; consequence: string}) =>
      `${d.objects.length} ${d.kind} object(s) left out because the cluster does not serve ${d.requires}: ${d.objects.slice(0, 5).join(', ')}${d.objects.length > 5 ? ', ...' : ''}; ${d.consequence}`,
  }),
  defineDiagnostic({
    code: 'tls-entry-ignored',
    level: 'warning',
    doc: 'A spec.tls entry that is not used (no hosts nginx serves, or another entry wins for them): it is left off the listener, as ingress-nginx did not use it either.',
    render: (d: {entry: number; hosts: string[]; secret?: string; winners: string[]}) =>
      `spec.tls[${d.entry}] (${d.hosts.join(', ') || 'no hosts'}${d.secret ? `, Secret ${d.secret}` : ''}) is not used: ${
        d.winners.length > 0
          ? `ingress-nginx takes a host's certificate from the first Ingress with TLS for it, here ${d.winners.join(', ')}`
          : 'none of its hosts has a rule in this Ingress, and ingress-nginx only takes TLS from Ingresses that route the host'
      }; it is left off the listener`,
  }),
  defineDiagnostic({
    code: 'tls-host-not-listed',
    level: 'warning',
    fidelity: 'approximate',
    doc: 'A host of the Ingress not listed in its spec.tls: ingress-nginx served it with the Ingress\'s Secret whose certificate covers the name, else its default certificate, and redirected HTTP to HTTPS; the listener gets the same certificates and Envoy picks by SNI. List every host in spec.tls.',
    render: (d: {hosts: string[]; secrets: string[]}) => {
      const one = d.hosts.length === 1
      return `${d.hosts.join(', ')} ${one ? 'is' : 'are'} not listed in spec.tls: ingress-nginx served ${one ? 'it' : 'them'} with the Ingress's Secret whose certificate covers the name, else its default certificate, and redirected HTTP to HTTPS; the listener gets ${d.secrets.length > 0 ? d.secrets.join(', ') : 'no Secret from this Ingress'} and Envoy picks by SNI`
    },
  }),
  defineDiagnostic({
    code: 'tls-without-secret',
    level: 'warning',
    doc: 'A TLS entry without secretName: ingress-nginx served its hosts with its default certificate (and redirected HTTP to HTTPS), which this tool cannot see. The gateway owner must add that certificate (the controller\'s --default-ssl-certificate) to the Gateway\'s https listener.',
    render: (d: {hosts: string[]}) => `${d.hosts.join(', ')}: the TLS entry has no secretName, so ingress-nginx served the host with its default certificate (and redirected HTTP to HTTPS)`,
  }),
  defineDiagnostic({
    code: 'too-many-certificates',
    level: 'error',
    doc: 'More TLS Secrets than Gateway API allows on one listener (64): the extra ones are left out and their hosts get no certificate. Split the hosts over hostname-specific HTTPS listeners (or ListenerSets), or use wildcard certificates.',
    render: (d: {count: number; max: number; left: string[]}) =>
      `${d.count} TLS Secrets for one https listener, and Gateway API allows ${d.max}: ${d.left.length} are left out (${d.left.slice(0, 5).join(', ')}${d.left.length > 5 ? ', ...' : ''}), so their hosts get no certificate`,
  }),
  defineDiagnostic({
    code: 'too-many-listeners',
    level: 'error',
    doc: 'The Gateway needs more listeners than Gateway API allows (64): the API server rejects it. Move hosts with listeners of their own (client certificates, passthrough) or tcp-services to a second Gateway, or use ListenerSets.',
    render: (d: {gateway: string; count: number}) => `${d.gateway} needs ${d.count} listeners and Gateway API allows 64: the API server rejects the Gateway`,
  }),
] as const

/** How the load balancers of one Gateway's controllers differ (data-plane.ts chooseAmong), with each one's value. */
export interface LoadBalancerDifference {
  aspect: 'type' | 'internal' | 'sourceRanges' | 'proxyProtocol' | 'ports'
  values: {service: string; value: string}[]
}

const ASPECT_LABELS: Record<LoadBalancerDifference['aspect'], string> = {type: 'Service type', internal: 'internal or not', sourceRanges: 'source ranges', proxyProtocol: 'PROXY protocol', ports: 'ports'}

function loadBalancerDifference(d: LoadBalancerDifference): string {
  if (d.aspect === 'internal') return ASPECT_LABELS.internal
  return `${ASPECT_LABELS[d.aspect]} (${d.values.map((v) => `${v.service}: ${v.value}`).join('; ')})`
}
