/** Diagnostics about routes, hosts and paths (nginx locations -> HTTPRoutes). */
import {defineDiagnostic} from './define.js'

export const ROUTES = [
  defineDiagnostic({
    code: 'alias-shadowed',
    level: 'warning',
    fidelity: 'ignored',
    doc: '… and … are both set; ingress-nginx reads …/…, or its alias when it is empty, so … wins.',
  }),
  defineDiagnostic({
    code: 'annotation-group-ignored',
    level: ['error', 'info', 'warning'],
    fidelity: ['exact', 'ignored'],
    doc: 'Ingress-nginx ignores it with the rest of its … because of …, and so does the conversion. Or: …; ingress-nginx ignores the whole … of this Ingress because of it…, and so does the conversion. What to do: group?.security ? \'fix the value: until then the paths are open to everyone, in ingress-nginx as in the conversion\' : undefined.',
  }),
  defineDiagnostic({
    code: 'annotation-not-read',
    level: 'info',
    fidelity: 'ignored',
    doc: '…; …, so it has no effect, and the conversion leaves it out.',
  }),
  defineDiagnostic({
    code: 'canary-location-denied',
    level: 'info',
    fidelity: 'ignored',
    doc: '…; ingress-nginx denies the locations of this Ingress, but a canary\'s own locations are never used (its backend joins the primary\'s), so the canary keeps its share of the traffic, as in the conversion.',
  }),
  defineDiagnostic({
    code: 'canary-path-served',
    level: 'warning',
    doc: 'No primary Ingress serves host "…" …, and its Service port is also used by Ingress …, which created the upstream, so ingress-nginx served this path as an ordinary location (controller.go getBackendServers); the conversion emits no route for it. What to do: add the path to a primary Ingress if it should keep being served, then convert again.',
  }),
  defineDiagnostic({
    code: 'canary-same-service',
    level: 'warning',
    doc: 'The canary routes to the same Service as its primary (…); ingress-nginx ignores it.',
  }),
  defineDiagnostic({
    code: 'canary-shadowed',
    level: 'warning',
    doc: 'Upstream … already has canary …; ingress-nginx uses only the first alternative backend of an upstream.',
  }),
  defineDiagnostic({
    code: 'canary-unattached',
    level: 'warning',
    doc: 'Canary Ingress … matches no primary location; it has no effect.',
  }),
  defineDiagnostic({
    code: 'canary-upstream-not-created',
    level: 'warning',
    doc: '… is also used by …Ingress … (…), which created its upstream (controller.go createUpstreams); the canary\'s weight, header and cookie are set only on an upstream the canary creates, so …. What to do: give the canary a Service (or port) of its own if it is meant to receive traffic, then convert again.',
  }),
  defineDiagnostic({
    code: 'canary-without-primary',
    level: 'warning',
    doc: 'C.path === \'\' ? `…: the canary path is empty, and ingress-nginx pairs a canary path with the location of the same path as written (controller.go mergeAlternativeBackends), which is never empty; it ignores this canary path and so does the conversion` : `…: no primary Ingress serves host "…" …; ingress-nginx ignores this canary path and so does the.',
  }),
  defineDiagnostic({
    code: 'catch-all-route',
    level: 'info',
    doc: 'Rules without a host become a route without hostnames: on the shared Gateway it answers every host no other route claims, as nginx\'s catch-all server did.',
  }),
  defineDiagnostic({
    code: 'cross-controller-conflict',
    level: 'warning',
    doc: 'Cross ? `spec.defaultBackend of rule-less Ingresses is the catch-all backend: …; there the catch-all goes to the spec.defaultBackend of …, first in ingress-nginx\'s order, and this one has no effect` : `spec.defaultBackend of a rule-less Ingress is the catch-all backend, and Ingress … comes first in ingress-nginx\'s order; this one has no effect. Or: Host "…" … is defined by … -> … and by … -> …: …; there one Ingress owns the path, as in one ingress-nginx, and … does because …: … now gets the requests the controller of … sent to …. What to do: give each class its own Gateway (--gateway-for CLASS=NS/NAME), or remove the path from one of the Ingresses.',
  }),
  defineDiagnostic({
    code: 'default-backend-shadowed',
    level: 'warning',
    doc: 'Cross ? `spec.defaultBackend of rule-less Ingresses is the catch-all backend: …; there the catch-all goes to the spec.defaultBackend of …, first in ingress-nginx\'s order, and this one has no effect` : `spec.defaultBackend of a rule-less Ingress is the catch-all backend, and Ingress … comes first in ingress-nginx\'s order; this one has no effect.',
  }),
  defineDiagnostic({
    code: 'denied-location-settings',
    level: 'info',
    fidelity: 'ignored',
    doc: 'Every path of this Ingress answers … because of …, before ingress-nginx applies any location setting: … no effect until it is fixed, in nginx as in the conversion.',
  }),
  defineDiagnostic({
    code: 'empty-annotation-value',
    level: 'warning',
    fidelity: 'exact',
    doc: '… is …: ingress-nginx ignores it and uses the default…, and so does the conversion.',
  }),
  defineDiagnostic({
    code: 'externalname-service',
    level: ['info', 'warning'],
    fidelity: ['exact', 'manual'],
    doc: 'ViaBackend ? `…: Service …/… is of type ExternalName (…); the route reaches it through the Envoy Gateway Backend this conversion emits for backend-protocol (fqdn ….….svc.cluster.local, which the cluster DNS resolves to …)` : `…: Service …/… is of type ExternalName (…. What to do: viaBackend ? undefined : `create an Envoy Gateway Backend with the fqdn endpoint … and the path\'s port, and point the route\'s backendRef at it (group gateway.envoyproxy.io, kind Backend).',
  }),
  defineDiagnostic({
    code: 'force-ssl-redirect-without-tls',
    level: 'warning',
    fidelity: 'manual',
    doc: '…host … has no TLS entry, so TLS ends in front of ingress-nginx and nginx redirected on X-Forwarded-Proto; a Gateway redirect on the http listener would loop, so none is emitted and the route stays on http. What to do: redirect to HTTPS at the load balancer that terminates TLS, or add a TLS entry so the Gateway terminates it.',
  }),
  defineDiagnostic({
    code: 'grpc-filter-dropped',
    level: 'warning',
    fidelity: 'manual',
    doc: 'GRPCRoute rules cannot rewrite or redirect; … dropped.',
  }),
  defineDiagnostic({
    code: 'grpc-path-untranslatable',
    level: 'warning',
    fidelity: 'manual',
    doc: '… has no GRPCRoute equivalent (gRPC matches are by service and method); that path is not emitted. What to do: use Prefix / (all methods), Prefix /package.Service or Exact /package.Service/Method.',
  }),
  defineDiagnostic({
    code: 'ingress-not-served',
    level: 'error',
    fidelity: 'manual',
    doc: 'TODO',
  }),
  defineDiagnostic({
    code: 'invalid-annotation-value',
    level: 'error',
    fidelity: 'exact',
    doc: '…; ingress-nginx ignored this value and used ….',
  }),
  defineDiagnostic({
    code: 'invalid-backend',
    level: 'error',
    doc: 'Backend has no service name; the path is not converted. Or: Backend service … has no port; the path is not converted.',
  }),
  defineDiagnostic({
    code: 'invalid-host',
    level: 'error',
    doc: 'Rules[…].host "…" …; the rule is not converted.',
  }),
  defineDiagnostic({
    code: 'invalid-path',
    level: 'error',
    doc: 'Path "…" is not absolute (the API server requires a leading /); the path is not converted.',
  }),
  defineDiagnostic({
    code: 'literal-path-as-regex',
    level: 'warning',
    fidelity: 'approximate',
    doc: '… has characters Gateway API refuses in Exact/PathPrefix matches; it is matched as the equivalent escaped regular expression …, which Envoy Gateway ranks above every PathPrefix match of the host (nginx ranked it by length among the prefixes).',
  }),
  defineDiagnostic({
    code: 'needs-substitution',
    level: ['error', 'info', 'warning'],
    fidelity: ['manual', 'none'],
    doc: '…; rather than publish these paths without the protection, the converted route answers 503 on every path of this Ingress. Or: …; whether this Ingress is a canary decides whose traffic it takes, so the conversion emits nothing for it. What to do: RENDER_FIRST.',
  }),
  defineDiagnostic({
    code: 'no-routable-paths',
    level: 'warning',
    doc: 'Ingress … has no path left to route (see the other messages); no HTTPRoute is emitted.',
  }),
  defineDiagnostic({
    code: 'other-prefix-ignored',
    level: 'info',
    doc: 'A controller running with --annotations-prefix=… ignores annotations under …, and so does the conversion.',
  }),
  defineDiagnostic({
    code: 'path-conflict',
    level: 'warning',
    doc: 'Host "…" … is also defined by Ingress …; ingress-nginx serves it from … because …; this path is not emitted for …. What to do: same ? undefined : \'Gateway API would break the tie by route age and name, not Ingress age: remove the duplicate path from one Ingress.',
  }),
  defineDiagnostic({
    code: 'placeholder-lost',
    level: 'error',
    doc: '… carries part of a \\… placeholder the conversion could not put back as written. What to do: RENDER_FIRST.',
  }),
  defineDiagnostic({
    code: 'prefix-trailing-slash',
    level: 'info',
    fidelity: 'approximate',
    doc: 'Prefix …: nginx answers the path without its trailing slash with a 301 to the slash form; Gateway API PathPrefix ignores the trailing slash and routes it.',
  }),
  defineDiagnostic({
    code: 'regex-location-shadowed',
    level: 'warning',
    doc: '… on host "…" is rendered by nginx as \\`~* "^…"\\` after \\`~* "^…"\\` (…), which matches every path it would; nginx never uses it, so it is not emitted. What to do: nginx tries regex locations in order and takes the first match (controller.go sorts them by path length, then as the Ingresses added them).',
  }),
  defineDiagnostic({
    code: 'regex-mode-from-other-ingress',
    level: 'info',
    doc: 'Host "…" is in regex mode because of Ingress … (use-regex or rewrite-target): as in nginx, this Ingress\'s paths there match case-insensitively, as prefixes without segment boundaries (/about also matches /aboutus).',
  }),
  defineDiagnostic({
    code: 'regex-not-re2',
    level: 'error',
    fidelity: 'manual',
    doc: 'Path … on host "…" uses …, which PCRE (nginx) supports and RE2 (Envoy) does not; the path is not emitted. What to do: rewrite the path regex without that feature and convert again.',
  }),
  defineDiagnostic({
    code: 'regex-order-differs',
    level: 'warning',
    fidelity: 'approximate',
    doc: 'Host "…": nginx tries \\`^…\\` before \\`^…\\`, but the alternation makes the Envoy pattern of the second longer, and Envoy Gateway tries longer patterns first; a path both match goes to … instead of …. What to do: make the two paths exclusive (anchor or reorder the alternatives) so the order does not matter.',
  }),
  defineDiagnostic({
    code: 'resource-backend',
    level: 'warning',
    doc: 'Backend is a resource (…/…), not a Service; ingress-nginx skips such paths and so does the conversion.',
  }),
  defineDiagnostic({
    code: 'server-alias-duplicate',
    level: 'warning',
    doc: 'Server-alias … of host "…" is also an alias of host "…": nginx has the name in both servers and keeps it for the first one in its configuration, which ingress-nginx sorts by host name, so … answers as …, and so does the conversion.',
  }),
  defineDiagnostic({
    code: 'server-alias-is-host',
    level: 'info',
    doc: 'Server-alias … is already a host of its own; ingress-nginx drops such aliases and so does the conversion.',
  }),
  defineDiagnostic({
    code: 'server-alias-is-www-redirect',
    level: 'warning',
    doc: 'Server-alias … is also the from-to-www-redirect name of Ingress …: nginx renders the redirect server first and ignores the duplicate name in this host\'s server, so … answers with the redirect; the conversion leaves the alias out.',
  }),
  defineDiagnostic({
    code: 'server-alias-shadowed',
    level: 'warning',
    doc: 'Server-alias … is not used for host "…": Ingress … comes first in ingress-nginx\'s order and sets the host\'s aliases (…); nginx skips the aliases of later Ingresses, and so does the conversion.',
  }),
  defineDiagnostic({
    code: 'snippet-not-allowed',
    level: 'warning',
    fidelity: 'ignored',
    doc: '… allow-snippet-annotations off, so ingress-nginx serves this Ingress without the snippet (and its admission webhook refuses the Ingress when it is created or changed); the conversion leaves the snippet out too. What to do: config.fromConfigMap ? undefined : \'if the controller allows snippets, include the controller ConfigMap in the input (-f, or the cluster; --controller-configmap names it) and convert again.',
  }),
  defineDiagnostic({
    code: 'unknown-annotation',
    level: 'warning',
    fidelity: 'ignored',
    doc: '… is not an ingress-nginx annotation; ingress-nginx ignored it and so does the conversion. What to do: check the spelling; HSTS and proxy-set-headers exist only as ConfigMap keys.',
  }),
  defineDiagnostic({
    code: 'unresolved-port-name',
    level: 'warning',
    doc: 'Service ? `…: Service …/… has no port named "…"; the path is not converted` : `…: port name "…" of Service …/… cannot be resolved, the Service is not in the input; the path is not converted. What to do: service ? \'Gateway API needs a port number: name the port in the Service, or use port.number in the Ingress\' : \'Gateway API needs a port number: add the Service to the input (Helm-generated: helm template RELEASE CHART -n NAMESPACE | kubectl ingress2gw convert -f - -f DIR), or read it from the current kube context with --lookup-cluster; or use port.number in the Ingress.',
  }),
  defineDiagnostic({
    code: 'upstream-owned-by-canary',
    level: 'warning',
    doc: 'Host "…" … -> … was not served by ingress-nginx: canary Ingress … (…) uses the same Service port and created its upstream as a canary-only one (controller.go createUpstreams marks it NoServer; getBackendServers skips every path routed to it), so requests for this path got the host\'s other locations or the default b. What to do: point the canary at a Service of its own (a canary on the primary\'s Service has no effect in ingress-nginx), then convert again; to serve this path as written, remove the canary annotation from ….',
  }),
  defineDiagnostic({
    code: 'wildcard-host-depth',
    level: 'warning',
    fidelity: 'approximate',
    doc: 'Nginx matches a wildcard host (*.example.com) against exactly one label; Gateway API hostnames match one or more labels (a.b.example.com too).',
  }),
] as const
