/** Diagnostics about routes, hosts and paths (nginx locations -> HTTPRoutes). */
import {GROUP_TEXT, type KeyValue} from './annotations.js'
import {defineDiagnostic} from './define.js'

/** The default an ignored annotation value leaves (model/settings.ts fallbackOf): the value, and the ConfigMap key it comes from if any. */
interface Fallback {
  default?: string
  defaultFromConfigMap?: string
}

const fallbackText = (d: Fallback) => `${d.default}${d.defaultFromConfigMap !== undefined ? `, from the controller ConfigMap's ${d.defaultFromConfigMap}` : ''}`

export const ROUTES = [
  defineDiagnostic({
    code: 'alias-shadowed',
    level: 'warning',
    fidelity: 'ignored',
    doc: 'An annotation and its alias (whitelist-source-range and allowlist-source-range, say) are both set: ingress-nginx reads the first and falls back to the alias only when it is empty, so one of them wins; the conversion takes the same one. Remove the other.',
    render: (d: KeyValue & {winner: string; canonical: string}) =>
      `${d.key} and ${d.winner} are both set; ingress-nginx reads ${d.canonical}, or its alias when it is empty, so ${d.winner} wins`,
  }),
  defineDiagnostic({
    code: 'annotation-group-ignored',
    level: ['error', 'info', 'warning'],
    fidelity: ['exact', 'ignored'],
    doc: 'An invalid value made ingress-nginx ignore a whole group of annotations parsed together (annotations.go Extract: auth, cors, rate limits...), and the conversion ignores them too. An error when the group is a security setting (the paths are open to everyone, in ingress-nginx as in the conversion): fix the value.',
    render: (d: KeyValue & {group: string} & ({trigger: string} | {reason: string})) => {
      const group = GROUP_TEXT[d.group]
      if ('trigger' in d) return `${d.key}: ingress-nginx ignores it with the rest of its ${group?.what ?? d.group} because of ${d.trigger}, and so does the conversion`
      return `${d.key}: ${d.reason}; ingress-nginx ignores the whole ${group?.what ?? d.group} of this Ingress because of it${group?.security ? ', so its paths are served without that authentication' : ''}, and so does the conversion`
    },
  }),
  defineDiagnostic({
    code: 'annotation-not-read',
    level: 'info',
    fidelity: 'ignored',
    doc: 'An annotation that ingress-nginx does not read in this case (a companion without its main key, a key of another mode): it has no effect, and the conversion leaves it out. Remove it or set the key it depends on.',
    render: (d: KeyValue & {reason: string} & ({stoppedBy: string} | {readOnlyWhen: string})) =>
      `${d.key}: ${d.reason}; ${'stoppedBy' in d ? `${d.stoppedBy} ended the parser before it` : `ingress-nginx reads it only when ${d.readOnlyWhen}`}, so it has no effect, and the conversion leaves it out`,
  }),
  defineDiagnostic({
    code: 'canary-location-denied',
    level: 'info',
    fidelity: 'ignored',
    doc: 'ingress-nginx denies the locations of this canary Ingress (an invalid annotation value), but a canary\'s own locations are never used: its backend joins the primary\'s, so the canary keeps its share of the traffic, as in the conversion. Fix the annotation anyway.',
    render: (d: KeyValue & {reason: string}) =>
      `${d.key}: ${d.reason}; ingress-nginx denies the locations of this Ingress, but a canary's own locations are never used (its backend joins the primary's), so the canary keeps its share of the traffic, as in the conversion`,
  }),
  defineDiagnostic({
    code: 'canary-path-served',
    level: 'warning',
    doc: 'A path of a canary Ingress with no primary Ingress for its host and path, whose Service port another Ingress already used: that Ingress created the upstream, so the canary\'s path was not a canary at all and ingress-nginx served it as an ordinary location (controller.go getBackendServers). The conversion emits no route for it, so that traffic is lost at cutover. Add the path to a primary Ingress if it should keep being served, then convert again.',
    render: (d: {where: string; host: string; match: string; path: string; creator: string}) =>
      `${d.where}: no primary Ingress serves host "${d.host || '*'}" ${d.match} ${d.path || '/'}, and its Service port is also used by Ingress ${d.creator}, which created the upstream, so ingress-nginx served this path as an ordinary location (controller.go getBackendServers); the conversion emits no route for it`,
  }),
  defineDiagnostic({
    code: 'canary-same-service',
    level: 'warning',
    doc: 'A canary Ingress whose backend is the same Service and port as its primary\'s: they share one upstream, so ingress-nginx has no alternative backend to send traffic to and ignores the canary; the conversion emits no weights or canary matches for it either. Point the canary at a Service of its own if a split was meant.',
    render: (d: {where: string; upstream: string}) => `${d.where}: the canary routes to the same Service as its primary (${d.upstream}); ingress-nginx ignores it`,
  }),
  defineDiagnostic({
    code: 'canary-shadowed',
    level: 'warning',
    doc: 'A second canary Ingress on an upstream that already has one: ingress-nginx keeps only the first alternative backend of an upstream (controller.go mergeAlternativeBackends), so this canary took no traffic, and the conversion leaves it out too. Merge the canaries into one, or remove the unused one.',
    render: (d: {where: string; upstream: string; canary: string}) =>
      `${d.where}: upstream ${d.upstream} already has canary ${d.canary}; ingress-nginx uses only the first alternative backend of an upstream`,
  }),
  defineDiagnostic({
    code: 'canary-unattached',
    level: 'warning',
    fidelity: 'ignored',
    doc: 'A canary Ingress that matches no primary location (no non-canary Ingress serves the same host and path): ingress-nginx ignored it, and so does the conversion.',
    render: (d: {canary: string; keys: string[]}) =>
      `canary Ingress ${d.canary} matches no primary location, so ingress-nginx attached it nowhere (controller.go mergeAlternativeBackends) and it has no effect: ${d.keys.join(', ') || 'its canary annotations'} ${d.keys.length === 1 ? 'is' : 'are'} ignored, and no split is emitted`,
  }),
  defineDiagnostic({
    code: 'canary-upstream-not-created',
    level: 'warning',
    doc: 'The canary\'s Service port is also used by another Ingress, which created the upstream first (controller.go createUpstreams): the canary\'s weight, header and cookie are set only on an upstream the canary creates, so nginx sent no traffic by canary rules. The conversion does the same. Give the canary a Service of its own.',
    /** service: the backend Service port the canary and its creator share. */
    render: (d: {where: string; service: BackendService; creator: string; creatorIsCanary: boolean; creatorOlder: boolean}) =>
      `${d.where}: ${backendServiceText(d.service)} is also used by ${d.creatorIsCanary ? 'canary ' : ''}Ingress ${d.creator} (${d.creatorOlder ? 'older' : 'first in ingress-nginx\'s order'}), which created its upstream (controller.go createUpstreams); ` +
      `the canary's weight, header and cookie are set only on an upstream the canary creates, so ${d.creatorIsCanary ? `the split of ${d.creator} applied instead` : 'ingress-nginx never routed a request of this path to the canary (balancer.lua route_to_alternative_balancer)'}; no canary split is emitted for it`,
  }),
  defineDiagnostic({
    code: 'canary-without-primary',
    level: 'warning',
    doc: 'A canary path with no primary location of the same host and path (or an empty path): ingress-nginx pairs a canary with the location of the same path as written (controller.go mergeAlternativeBackends) and ignored this one, and so does the conversion. Add the path to the primary Ingress if the canary should take traffic.',
    render: (d: {where: string; host: string; match: string; path: string}) =>
      d.path === ''
        ? `${d.where}: the canary path is empty, and ingress-nginx pairs a canary path with the location of the same path as written (controller.go mergeAlternativeBackends), which is never empty; it ignores this canary path and so does the conversion`
        : `${d.where}: no primary Ingress serves host "${d.host || '*'}" ${d.match} ${d.path}; ingress-nginx ignores this canary path and so does the conversion`,
  }),
  defineDiagnostic({
    code: 'catch-all-route',
    level: 'info',
    doc: 'Rules without a host (or spec.defaultBackend) become an HTTPRoute without hostnames: on the shared Gateway it answers every host that no other route claims, as nginx\'s catch-all server (_) did. Nothing to do, unless other teams\' routes share the Gateway: their unclaimed hosts now reach this backend too.',
    render: (_: Record<string, never>) => `rules without a host become a route without hostnames: on the shared Gateway it answers every host no other route claims, as nginx's catch-all server did`,
  }),
  defineDiagnostic({
    code: 'cross-controller-conflict',
    level: 'warning',
    doc: 'Two Ingresses of different ingress-nginx controllers claim the same default backend, path or host-wide setting on one Gateway (an ssl-passthrough host takes the other controller\'s HTTPS for that host): each controller served its own, but one Gateway can only route it once. The message says which one is kept; give each controller its own Gateway (--gateway-for) or remove the duplicate.',
    render: crossControllerText,
  }),
  defineDiagnostic({
    code: 'default-backend-shadowed',
    level: 'warning',
    doc: 'spec.defaultBackend of this Ingress is not used: the catch-all (or the host\'s default) goes to the spec.defaultBackend of the first Ingress in ingress-nginx\'s order (oldest first), and so does the conversion. Remove the unused one or make the intended one first.',
    render: (d: {first: string}) => `spec.defaultBackend of a rule-less Ingress is the catch-all backend, and Ingress ${d.first} comes first in ingress-nginx's order; this one has no effect`,
  }),
  defineDiagnostic({
    code: 'denied-location-settings',
    level: 'info',
    fidelity: 'ignored',
    doc: 'Every path of this Ingress is denied by an invalid annotation (nginx answers it with an error status before any location setting runs), so its other location annotations, listed in the message, have no effect, in nginx as in the conversion. Fix the annotation that denies the paths; the listed settings then apply and are converted.',
    render: (d: {status: number; annotation: string; settings: string[]}) =>
      `every path of this Ingress answers ${d.status} because of ${d.annotation}, before ingress-nginx applies any location setting: ${d.settings.join(', ')} ${d.settings.length === 1 ? 'has' : 'have'} no effect until it is fixed, in nginx as in the conversion`,
  }),
  defineDiagnostic({
    code: 'empty-annotation-value',
    level: 'warning',
    fidelity: 'exact',
    doc: 'An annotation with an empty value: ingress-nginx ignores it and uses its default, and so does the conversion. Remove it or set a value.',
    render: (d: KeyValue & Fallback) =>
      `${d.key} is ${d.value === '' ? 'empty' : 'only spaces (empty once ingress-nginx trims it)'}: ingress-nginx ignores it and uses the default${d.default !== undefined ? ` (${fallbackText(d)})` : ''}, and so does the conversion`,
  }),
  defineDiagnostic({
    code: 'externalname-service',
    level: ['info', 'warning'],
    fidelity: ['exact', 'manual'],
    doc: 'A backend Service of type ExternalName. The route reaches it through an Envoy Gateway Backend (FQDN) when backend-protocol needs one (exact, info); otherwise Gateway API routes cannot point at ExternalName Services and a person must create a Backend or a Service with endpoints (manual, warning).',
    render: (d: {where: string; namespace: string; name: string; externalName: string; viaBackend: boolean}) =>
      d.viaBackend
        ? `${d.where}: Service ${d.namespace}/${d.name} is of type ExternalName (${d.externalName}); the route reaches it through the Envoy Gateway Backend this conversion emits for backend-protocol (fqdn ${d.name}.${d.namespace}.svc.cluster.local, which the cluster DNS resolves to ${d.externalName})`
        : `${d.where}: Service ${d.namespace}/${d.name} is of type ExternalName (${d.externalName}); Envoy Gateway v1.9 rejects ExternalName backends`,
  }),
  defineDiagnostic({
    code: 'force-ssl-redirect-without-tls',
    level: 'warning',
    fidelity: 'manual',
    doc: 'force-ssl-redirect on a host without a TLS entry: TLS ends in front of ingress-nginx and nginx redirected on X-Forwarded-Proto. A Gateway redirect on the http listener would loop, so none is emitted and the route stays on http. Redirect to HTTPS at the load balancer that terminates TLS, or add a TLS entry so that the Gateway terminates it.',
    render: (d: {host: string; fromConfigMap: boolean}) =>
      `${d.fromConfigMap ? 'force-ssl-redirect comes from the ConfigMap force-ssl-redirect: "true": ' : ''}host ${d.host} has no TLS entry, so TLS ends in front of ingress-nginx and nginx redirected on X-Forwarded-Proto; a Gateway redirect on the http listener would loop, so none is emitted and the route stays on http`,
  }),
  defineDiagnostic({
    code: 'grpc-filter-dropped',
    level: 'warning',
    fidelity: 'manual',
    doc: 'GRPCRoute rules cannot rewrite or redirect: a rewrite or redirect annotation of a GRPC backend is dropped. Check the gRPC clients call the paths the backend serves.',
    render: (d: {filters: string[]}) => `GRPCRoute rules cannot rewrite or redirect; ${d.filters.join(', ')} dropped`,
  }),
  defineDiagnostic({
    code: 'grpc-path-untranslatable',
    level: 'warning',
    fidelity: 'manual',
    doc: 'A path of a GRPC backend with no GRPCRoute equivalent (gRPC matches are by service and method): that path is not emitted. Use Prefix / (all methods), Prefix /package.Service or Exact /package.Service/Method.',
    render: (d: {type: string; value: string}) => `${d.type} ${d.value} has no GRPCRoute equivalent (gRPC matches are by service and method); that path is not emitted`,
  }),
  defineDiagnostic({
    code: 'ingress-not-served',
    level: 'error',
    fidelity: 'manual',
    doc: 'ingress-nginx does not serve this Ingress today (an annotation value is refused by its validation, annotations-risk-level, the word blocklist...): the conversion emits nothing for it either. Fix the annotation the message names; the hint says how to check the running controller.',
    render: (d: KeyValue & ({problem: 'risk'; risk: string; riskLevel?: string} | {problem: 'blocked-word'; word: string} | {problem: 'invalid'; reason: string})) => {
      switch (d.problem) {
        case 'risk': {
          const level = d.riskLevel !== undefined ? `annotations-risk-level ${d.riskLevel} of the controller ConfigMap` : 'the default annotations-risk-level High (since v1.12; the controller ConfigMap is not in the input)'
          return `${d.key} is a ${d.risk}-risk annotation, above ${level}: ingress-nginx refused this whole Ingress (not served, and the admission webhook rejects it); the conversion emits nothing for it either`
        }
        case 'blocked-word':
          return `${d.key}: the value contains "${d.word}", a word of the controller ConfigMap's annotation-value-word-blocklist, so ingress-nginx skipped this whole Ingress (not served); the conversion emits nothing for it either`
        case 'invalid':
          return `${d.key}: ${d.reason}; ingress-nginx refused the whole Ingress because of it (not served at all); the conversion emits nothing for this Ingress, as it serves nothing today`
      }
    },
  }),
  defineDiagnostic({
    code: 'invalid-annotation-value',
    level: 'error',
    fidelity: 'exact',
    doc: 'An annotation value ingress-nginx\'s parser refuses: it ignored the value and used its default (or nothing), and so does the conversion. Fix the value if the setting was wanted.',
    render: (d: KeyValue & {reason: string} & Fallback) =>
      `${d.key}: ${d.reason}; ingress-nginx ignored this value and used ${d.default !== undefined ? `the default (${fallbackText(d)}), and so does the conversion` : 'the default, and the conversion leaves it out'}`,
  }),
  defineDiagnostic({
    code: 'invalid-backend',
    level: 'error',
    doc: 'A path whose backend names no Service, or a Service without a port number or name: the API server or ingress-nginx refused it, and the path is not converted. Give the backend service.name and service.port.',
    render: (d: {where: string; problem: 'no-service-name'} | {where: string; problem: 'no-port'; service: string}) =>
      d.problem === 'no-service-name' ? `${d.where}: backend has no service name; the path is not converted` : `${d.where}: backend service ${d.service} has no port; the path is not converted`,
  }),
  defineDiagnostic({
    code: 'invalid-host',
    level: 'error',
    doc: 'A rule\'s host is not a valid DNS name (or wildcard): the API server or ingress-nginx refused it, and the rule is not converted. Fix the host.',
    render: (d: {rule: number; host: string; problem: 'ip-address' | 'not-dns-name'}) =>
      `rules[${d.rule}].host "${d.host}" ${d.problem === 'ip-address' ? 'is an IP address, which Gateway API hostnames do not allow (nginx matched it against the Host header)' : 'is not a valid DNS name (Gateway API hostnames are lower-case DNS names, optionally with a leading *.)'}; the rule is not converted`,
  }),
  defineDiagnostic({
    code: 'invalid-path',
    level: 'error',
    doc: 'A path that does not start with / (the API server requires it; ingress-nginx never served it): the path is not converted. Fix the path in the Ingress.',
    render: (d: {where: string; path: string}) => `${d.where}: path "${d.path}" is not absolute (the API server requires a leading /); the path is not converted`,
  }),
  defineDiagnostic({
    code: 'literal-path-as-regex',
    level: 'warning',
    fidelity: 'approximate',
    doc: 'A path with characters Gateway API refuses in Exact/PathPrefix matches: it is matched as the equivalent escaped regular expression, which Envoy Gateway ranks above every PathPrefix match of the host (nginx ranked it by length among the prefixes). Check overlapping paths of the host.',
    render: (d: {match: string; path: string; regex: string}) =>
      `${d.match} ${d.path} has characters Gateway API refuses in Exact/PathPrefix matches; it is matched as the equivalent escaped regular expression ${d.regex}, which Envoy Gateway ranks above every PathPrefix match of the host (nginx ranked it by length among the prefixes)`,
  }),
  defineDiagnostic({
    code: 'needs-substitution',
    level: ['error', 'info', 'warning'],
    fidelity: ['manual', 'none'],
    doc: 'A value still holds an unrendered template placeholder (Helm, Kustomize, envsubst) that decides security or routing: rather than publish the paths without the protection, the route answers 503 (error), or nothing is emitted for a canary whose role depends on it. Render the manifests first (helm template, kustomize build) and convert the output. Info when the placeholder is kept verbatim in a field that is safe.',
    render: (d: SubstitutionNeed | {case: 'object'; kind: string; namespace?: string; name: string; placeholders: string[]}) => {
      switch (d.case) {
        case 'object':
          return `${d.kind} ${d.namespace ? `${d.namespace}/` : ''}${d.name} keeps ${d.placeholders.join(', ')} verbatim: apply it through the Flux Kustomization that substitutes these variables (postBuild.substitute / substituteFrom), or substitute them before \`kubectl apply\``
        case 'fail-closed':
          return `${d.key}: ${substitutionNeed(d)}; rather than publish these paths without the protection, the converted route answers 503 on every path of this Ingress`
        case 'canary':
          return `${d.key}: ${substitutionNeed(d)}; whether this Ingress is a canary decides whose traffic it takes, so the conversion emits nothing for it`
        case 'left-out':
          return `${d.key}: ${substitutionNeed(d)}; the conversion leaves it out and the default${d.default !== undefined ? ` (${d.default})` : ''} is in effect in the converted objects${d.routing ? ', which changes how requests reach the backend if the substituted value is not the default' : ''}`
      }
    },
  }),
  defineDiagnostic({
    code: 'no-routable-paths',
    level: 'warning',
    doc: 'Every path of this Ingress was dropped for the reasons the other diagnostics of the Ingress give, so no HTTPRoute is emitted for it: whatever it served under ingress-nginx is not served by the Gateway. Fix those first.',
    render: (d: {ingress: string}) => `Ingress ${d.ingress} has no path left to route (see the other messages); no HTTPRoute is emitted`,
  }),
  defineDiagnostic({
    code: 'object-name-taken',
    level: 'info',
    doc: 'An object this Ingress names after itself with a suffix (a route per host, `-no-auth`, `-www-redirect`, `-mirror`, `-auth-<service>`, a second policy) would have the name of another object of the same kind and namespace (another Ingress\'s, or its own for two hosts that differ only by `.` and `-`): applied together, one would replace the other. It gets the Ingress\'s namespace and name added (hashed), the same at every conversion of the same input; the other keeps its name. Nothing to do, unless a tool of yours expects the first name: renaming one of the Ingresses gives both readable names.',
    render: (d: {kind: string; namespace: string; name: string; given: string; holder: string; ingress: string}) =>
      `${d.kind} ${d.namespace}/${d.name} is taken by ${d.holder === d.ingress ? 'another object of this Ingress' : `Ingress ${d.holder}'s`}, so this one is named ${d.given}`,
  }),
  defineDiagnostic({
    code: 'object-name-duplicate',
    level: 'error',
    doc: 'Two objects of the output have one kind, namespace and name, which no rename kept apart (an Ingress in the Gateway\'s namespace named like one of the Gateway\'s own policies, such as `<gateway>-defaults`: an Ingress\'s own name is its own). Applied together, one replaces the other, and the traffic or the settings of the other are gone. Rename the Ingress and convert again.',
    render: (d: {kind: string; namespace: string; name: string; count: number}) =>
      `${d.count} objects are ${d.kind} ${d.namespace}/${d.name}: applied together, one replaces the others; rename the Ingress whose object it is and convert again`,
  }),
  defineDiagnostic({
    code: 'other-prefix-ignored',
    level: 'info',
    doc: 'The controller runs with --annotations-prefix set to another prefix, so it ignores the annotations under nginx.ingress.kubernetes.io, and so does the conversion. Nothing to do, unless the annotations were meant for this controller: rename them to its prefix.',
    render: (d: {keys: string[]; prefix: string; defaultPrefix: string}) =>
      `${d.keys.join(', ')}: a controller running with --annotations-prefix=${d.prefix} ignores annotations under ${d.defaultPrefix}, and so does the conversion`,
  }),
  defineDiagnostic({
    code: 'path-conflict',
    level: 'warning',
    doc: 'Another Ingress defines the same host, path and match: ingress-nginx serves it from one of them (oldest creation, then namespace/name) and this one\'s path is not emitted. Gateway API would break the tie by route age and name, not Ingress age: remove the duplicate before cutover.',
    render: (d: {host: string; match: string; path: string; loser: string} & PathOwnerReason) =>
      `host "${d.host || '*'}" ${d.match} ${d.path} is also defined by Ingress ${d.winner}; ingress-nginx serves it from ${d.winner} because ${pathOwnerReason(d)}; this path is not emitted for ${d.loser}`,
  }),
  defineDiagnostic({
    code: 'placeholder-lost',
    level: 'error',
    doc: 'A value carries part of a template placeholder the conversion could not put back as written into the emitted field. Render the manifests first (helm template, kustomize build) and convert the output.',
    render: (d: {kind: string; namespace?: string; name: string}) => `${d.kind} ${d.namespace ? `${d.namespace}/` : ''}${d.name} carries part of a \${VAR} placeholder the conversion could not put back as written`,
  }),
  defineDiagnostic({
    code: 'prefix-trailing-slash',
    level: 'info',
    fidelity: 'approximate',
    doc: 'A Prefix path ending in a slash (/app/): nginx answered /app with a 301 redirect to /app/, while Gateway API PathPrefix /app/ also matches /app and routes it to the backend unredirected. Check the backend answers /app (or add a redirect route for it).',
    render: (d: {paths: string[]}) => `Prefix ${d.paths.join(', ')}: nginx answers the path without its trailing slash with a 301 to the slash form; Gateway API PathPrefix ignores the trailing slash and routes it`,
  }),
  defineDiagnostic({
    code: 'regex-location-shadowed',
    level: 'warning',
    doc: 'A regex path that nginx never uses: an earlier regex location of the host (nginx tries them in order and takes the first match) matches every path it would. It is not emitted. Remove it, or reorder the paths if it was meant to win.',
    render: (d: {match: string; path: string; host: string; nginxPath: string; earlierPath: string; earlier?: {match: string; path: string; ingress: string}}) =>
      `${d.match} ${d.path} on host "${d.host || '*'}" is rendered by nginx as \`~* "^${d.nginxPath}"\` after \`~* "^${d.earlierPath}"\` (${d.earlier ? `${d.earlier.match} ${d.earlier.path} of Ingress ${d.earlier.ingress}` : 'the fallback /'}), which matches every path it would; nginx never uses it, so it is not emitted`,
  }),
  defineDiagnostic({
    code: 'regex-mode-from-other-ingress',
    level: 'info',
    doc: 'Another Ingress of the same host sets use-regex or rewrite-target, which puts the whole nginx server in regex mode: this Ingress\'s paths there match case-insensitively and as prefixes without segment boundaries (/about also matches /aboutus), and the conversion emits them that way. Anchor the paths ($) or set use-regex on purpose if that is not wanted.',
    render: (d: {host: string; from: string[]}) =>
      `host "${d.host || '*'}" is in regex mode because of Ingress ${d.from.join(', ')} (use-regex or rewrite-target): as in nginx, this Ingress's paths there match case-insensitively, as prefixes without segment boundaries (/about also matches /aboutus)`,
  }),
  defineDiagnostic({
    code: 'regex-not-re2',
    level: 'error',
    fidelity: 'manual',
    doc: 'A regex path that uses a PCRE feature (lookaround, backreferences, possessive quantifiers...) that RE2, Envoy\'s regex engine, does not support: the path is not emitted, so its traffic is not routed. Rewrite the regex without that feature and convert again.',
    render: (d: {path: string; host: string; feature: string}) => `path ${d.path} on host "${d.host || '*'}" uses ${d.feature}, which PCRE (nginx) supports and RE2 (Envoy) does not; the path is not emitted`,
  }),
  defineDiagnostic({
    code: 'regex-order-differs',
    level: 'warning',
    fidelity: 'approximate',
    doc: 'Two regex paths of a host that nginx tried in one order, while Envoy Gateway tries longer patterns first: a path both match goes to another backend. Make the patterns exclusive (or anchor them) so the order does not matter.',
    render: (d: {host: string; first: {pattern: string; match: string; path: string}; second: {pattern: string; match: string; path: string}}) =>
      `host "${d.host || '*'}": nginx tries \`^${d.first.pattern}\` before \`^${d.second.pattern}\`, but the alternation makes the Envoy pattern of the second longer, and Envoy Gateway tries longer patterns first; a path both match goes to ${d.second.match} ${d.second.path} instead of ${d.first.match} ${d.first.path}`,
  }),
  defineDiagnostic({
    code: 'regex-order-no-auth',
    level: 'warning',
    fidelity: 'approximate',
    doc: 'Two regex paths of one length on a host, one under the controller ConfigMap\'s no-auth-locations and one not: they go to two routes (with and without the Ingress\'s auth). nginx tried them in its order; Envoy Gateway tries equal-length patterns in the order of their routes (creation time, then name), so a path both match may be answered with the other path\'s authentication, or without it. Make the patterns exclusive so the order does not matter.',
    render: (d: {host: string; first: {pattern: string; match: string; path: string; exempt: boolean}; second: {pattern: string; match: string; path: string; exempt: boolean}}) => {
      const auth = (s: {exempt: boolean}) => (s.exempt ? 'without authentication (no-auth-locations)' : 'with authentication')
      return `host "${d.host || '*'}": nginx tries \`^${d.first.pattern}\` (${auth(d.first)}) before \`^${d.second.pattern}\` (${auth(d.second)}); the two are in different routes and of one length, so Envoy Gateway tries them in the routes' order (creation time, then name): a path both match may be served ${auth(d.second)} instead of ${auth(d.first)}`
    },
  }),
  defineDiagnostic({
    code: 'resource-backend',
    level: 'warning',
    doc: 'A path whose backend is a resource (apiGroup/kind/name), not a Service: ingress-nginx skips such paths, and so does the conversion. Nothing to do unless the path was meant to be served: point it at a Service.',
    render: (d: {where: string; kind: string; name: string}) =>
      `${d.where}: backend is a resource (${d.kind}/${d.name}), not a Service; ingress-nginx skips such paths and so does the conversion`,
  }),
  defineDiagnostic({
    code: 'server-alias-duplicate',
    level: 'warning',
    doc: 'A server-alias that is also an alias of another host: nginx keeps it for the first server in its order (sorted by host name), and so does the conversion. Remove the duplicate.',
    render: (d: {alias: string; host: string; firstHost: string}) =>
      `server-alias ${d.alias} of host "${d.host}" is also an alias of host "${d.firstHost}": nginx has the name in both servers and keeps it for the first one in its configuration, which ingress-nginx sorts by host name, so ${d.alias} answers as ${d.firstHost}, and so does the conversion`,
  }),
  defineDiagnostic({
    code: 'server-alias-is-host',
    level: 'info',
    doc: 'A server-alias that is also a host of its own in some Ingress: ingress-nginx drops the alias and that name is served by its own server, and the conversion does the same. Remove the alias.',
    render: (d: {alias: string}) => `server-alias ${d.alias} is already a host of its own; ingress-nginx drops such aliases and so does the conversion`,
  }),
  defineDiagnostic({
    code: 'server-alias-is-www-redirect',
    level: 'warning',
    doc: 'A server-alias that is also the name from-to-www-redirect redirects from (www. added or removed) on another Ingress: nginx renders the redirect server first and ignores the duplicate name, so the alias answers with the redirect, and the conversion leaves the alias out. Remove one of the two.',
    render: (d: {alias: string; redirectOf: string}) =>
      `server-alias ${d.alias} is also the from-to-www-redirect name of Ingress ${d.redirectOf}: nginx renders the redirect server first and ignores the duplicate name in this host's server, so ${d.alias} answers with the redirect; the conversion leaves the alias out`,
  }),
  defineDiagnostic({
    code: 'server-alias-shadowed',
    level: 'warning',
    doc: 'server-alias of a later Ingress of the host: nginx takes the host\'s aliases from the first Ingress in its order and skips later ones, and so does the conversion. Move the alias to that Ingress if it is needed.',
    render: (d: {aliases: string[]; host: string; owner: string; ownerAliases: string}) =>
      `server-alias ${d.aliases.join(', ')} is not used for host "${d.host}": Ingress ${d.owner} comes first in ingress-nginx's order and sets the host's aliases (${d.ownerAliases}); nginx skips the aliases of later Ingresses, and so does the conversion`,
  }),
  defineDiagnostic({
    code: 'snippet-not-allowed',
    level: 'warning',
    fidelity: 'ignored',
    doc: 'A snippet annotation while the controller ConfigMap has allow-snippet-annotations off: ingress-nginx serves the Ingress without the snippet (and its admission webhook refuses the Ingress when it changes); the conversion leaves it out too. If the controller does allow snippets, include its ConfigMap in the input.',
    render: (d: KeyValue & {fromConfigMap: boolean}) =>
      `${d.key}: ${d.fromConfigMap ? 'the controller ConfigMap leaves' : 'without the controller ConfigMap in the input, the default leaves'} allow-snippet-annotations off, so ingress-nginx serves this Ingress without the snippet (and its admission webhook refuses the Ingress when it is created or changed); the conversion leaves the snippet out too`,
  }),
  defineDiagnostic({
    code: 'unknown-annotation',
    level: 'warning',
    fidelity: 'ignored',
    doc: 'An annotation with the ingress-nginx prefix that ingress-nginx does not know: it ignored it, and so does the conversion. Check the spelling; HSTS and proxy-set-headers exist only as ConfigMap keys.',
    render: (d: KeyValue) => `${d.key} is not an ingress-nginx annotation; ingress-nginx ignored it and so does the conversion`,
  }),
  defineDiagnostic({
    code: 'unresolved-port-name',
    level: 'warning',
    doc: 'A backend names its Service port by name and the name cannot be resolved (the Service has no such port, or is not in the input): the path is not converted. Fix the name, or add the Service to the input (--lookup-cluster).',
    /**
     * where: the backend's place in the Ingress (as invalid-backend and externalname-service name it); service: the
     * Service's name in namespace; problem: the Service has no such port, or is not in the input (files) or not in the
     * cluster (cluster input: base-command.ts clusterWording).
     */
    render: (d: {where: string; namespace: string; service: string; portName: string; problem: 'no-such-port' | 'service-not-in-input' | 'service-not-in-cluster'}) =>
      d.problem === 'no-such-port'
        ? `${d.where}: Service ${d.namespace}/${d.service} has no port named "${d.portName}"; the path is not converted`
        : `${d.where}: port name "${d.portName}" of Service ${d.namespace}/${d.service} cannot be resolved, the Service ${d.problem === 'service-not-in-input' ? 'is not in the input' : 'does not exist in the cluster'}; the path is not converted`,
  }),
  defineDiagnostic({
    code: 'upstream-owned-by-canary',
    level: 'warning',
    doc: 'A path ingress-nginx did not serve: its Service port was first used by a canary Ingress, which created the upstream as canary-only (controller.go createUpstreams NoServer; getBackendServers skips it). The conversion emits no route for it either. Give the canary a Service of its own if the primary path should be served.',
    /** service: the path's backend Service port, whose upstream the canary created. */
    render: (d: {where: string; host: string; match: string; path: string; service: BackendService; canary: string; canaryOlder: boolean}) =>
      `${d.where}: host "${d.host || '*'}" ${d.match} ${d.path} -> ${backendServiceText(d.service)} was not served by ingress-nginx: canary Ingress ${d.canary} (${d.canaryOlder ? 'older' : 'first in ingress-nginx\'s order'}) uses the same Service port and created its upstream as a canary-only one ` +
      `(controller.go createUpstreams marks it NoServer; getBackendServers skips every path routed to it), so requests for this path got the host's other locations or the default backend (404); the path is not emitted, as nginx did not serve it`,
  }),
  defineDiagnostic({
    code: 'wildcard-host-depth',
    level: 'warning',
    fidelity: 'approximate',
    doc: 'A wildcard host (*.example.com): nginx matched it against exactly one label, while Gateway API hostnames match one or more labels, so a.b.example.com now reaches this route too. Give deeper names routes of their own if they must go elsewhere.',
    render: (_: {hosts: string[]}) => 'nginx matches a wildcard host (*.example.com) against exactly one label; Gateway API hostnames match one or more labels (a.b.example.com too)',
  }),
] as const

/** A backend's Service port as data (the translation's ServiceBackend). */
export interface BackendService {
  namespace: string
  name: string
  port: number
}

/** `Service shop/web:80`, as controllers.ts serviceText writes a resolved backend. */
function backendServiceText(s: BackendService): string {
  return `Service ${s.namespace}/${s.name}:${s.port}`
}

/** Why ingress-nginx serves a contested path from the winning Ingress (hosts.ts reportConflict decides which case). */
export type PathOwnerReason = {winner: string} & (
  | {reason: 'listed-twice' | 'catch-all' | 'tie'}
  | {reason: 'older'; winnerCreated: string; loserCreated: string}
  | {reason: 'undated'; winnerCreated: string}
)

export function pathOwnerReason(d: PathOwnerReason): string {
  switch (d.reason) {
    case 'listed-twice':
      return 'the Ingress lists it twice'
    case 'catch-all':
      return `the spec.defaultBackend of rule-less Ingress ${d.winner} is the catch-all server's \`/\`, which ingress-nginx sets up before any path`
    case 'older':
      return `Ingress ${d.winner} is older (${d.winnerCreated} < ${d.loserCreated})`
    case 'undated':
      return `Ingress ${d.winner} has creationTimestamp ${d.winnerCreated} and the other has none that is an RFC 3339 time, which the conversion orders after every Ingress that has one (applied, it would be created after them)`
    case 'tie':
      return `their creationTimestamps are equal or missing, and ingress-nginx then orders by namespace/name descending, which puts ${d.winner} first`
  }
}

/** An annotation value typed only once Flux substitutes its placeholders (substitution.ts applyNeedsSubstitution). */
export type SubstitutionNeed = {key: string; template: string; validator: string; placeholders: string[]} & ({case: 'fail-closed' | 'canary'} | {case: 'left-out'; default?: string; routing: boolean})

/** What the value needs before it can be translated (also the reason of the denied locations). */
export function substitutionNeed(d: SubstitutionNeed): string {
  return `"${d.template}" becomes a value ingress-nginx's ${d.validator} accepts only once Flux substitutes ${d.placeholders.join(', ')}, and the conversion needs that value to translate ${d.key}`
}

/** An Ingress as cross-controller-conflict names it: its namespace/name and class. */
export interface ClassedIngress {
  id: string
  className?: string
}

/** The two Ingresses of a cross-controller-conflict, in the order controllers.ts crossData takes them, and their Gateway. */
interface CrossPair {
  /** The Ingress whose choice wins on the shared Gateway (first in ingress-nginx's order, the canary, the alias's host...). */
  first: ClassedIngress
  /** The Ingress of the other controller, the one the diagnostic is about. */
  second: ClassedIngress
  /** namespace/name */
  gateway: string
}

/** What crosses the controllers (hosts.ts, shared-gateways.ts decide each case). */
export type CrossControllerConflict = CrossPair &
  (
    | {case: 'catch-all'}
    | {case: 'path'; host: string; match: string; path: string; firstService: string; secondService: string; owner: PathOwnerReason}
    | {case: 'regex'; host: string; paths: string[]}
    | {case: 'tls-other-secret'; host: string; secret: string; firstSecret: string}
    | {case: 'tls-plain'; host: string; firstSecret: string; redirected: string[]; redirectedServices: string[]}
    | {case: 'canary'; service: string; canaryService: string}
    | {case: 'fallback'; host: string; rootService?: string}
    | {case: 'redirect-fallback'; host: string}
    | {case: 'alias-unused'; host: string; aliases: string[]; firstAliases: string[]}
    | {case: 'alias-is-host'; host: string; alias: string; service: string; match: string; path: string}
    | {case: 'passthrough'; host: string; service: string; paths: string[]}
  )

/** `Ingress web/app (class internal)`: how cross-controller diagnostics name an Ingress. */
function describeClassed(i: ClassedIngress): string {
  return `Ingress ${i.id} (${i.className === undefined ? 'no class' : `class ${i.className}`})`
}

/** `class internal`, as controllers.ts classText writes it. */
function classOf(i: ClassedIngress): string {
  return i.className === undefined ? 'Ingresses without a class' : `class ${i.className}`
}

function crossControllerText(d: CrossControllerConflict): string {
  const note = `${classOf(d.first)} and ${classOf(d.second)} had separate ingress-nginx controllers and now share Gateway ${d.gateway}`
  const first = describeClassed(d.first)
  const second = describeClassed(d.second)
  switch (d.case) {
    case 'catch-all':
      return `spec.defaultBackend of rule-less Ingresses is the catch-all backend: ${note}; there the catch-all goes to the spec.defaultBackend of ${first}, first in ingress-nginx's order, and this one has no effect`
    case 'path':
      return `host "${d.host || '*'}" ${d.match} ${d.path} is defined by ${first} -> ${d.firstService} and by ${second} -> ${d.secondService}: ${note}; there one Ingress owns the path, as in one ingress-nginx, and ${d.first.id} does because ${pathOwnerReason(d.owner)}: ${d.firstService} now gets the requests the controller of ${d.second.id} sent to ${d.secondService}; this path is not emitted for ${d.second.id}`
    case 'regex':
      return `host "${d.host || '*'}" is in regex mode because of ${first} (use-regex or rewrite-target): ${note}; there, as in one ingress-nginx, the paths of ${second} (${d.paths.join(', ')}) match case-insensitively and as prefixes without segment boundaries (/about also matches /ABOUT and /aboutus), so these Services now also get requests that the controller of ${classOf(d.second)} routed elsewhere or answered with 404`
    case 'tls-other-secret':
      return `host "${d.host}" has ${d.secret} in ${second}: ${note}; there, as in one ingress-nginx, the host's certificate comes from the first Ingress with TLS for it, ${first}: ${d.firstSecret}, which clients of the ${classOf(d.second)} controller now get instead`
    case 'tls-plain':
      return (
        `host "${d.host}": the controller of ${classOf(d.second)} had no TLS for it and served ${second} over plain HTTP: ${note}; there, as in one ingress-nginx, the host's certificate comes from the first Ingress with TLS for it, ${first}: ${d.firstSecret}, so its paths are also served over HTTPS` +
        (d.redirected.length > 0 ? ` and plain-HTTP requests for ${d.redirected.join(', ')} are now redirected to HTTPS (308) instead of reaching ${d.redirectedServices.join(', ')}` : '')
      )
    case 'canary':
      return `canary ${first} now splits ${d.service} of ${second} off to ${d.canaryService}: ${note}; there, as in one ingress-nginx, a canary splits the Service of the location its path matches, on every location routed to that Service, so ${d.canaryService} now gets a share of ${d.second.id}'s requests, which the controller of ${classOf(d.second)} never split`
    case 'fallback':
      return (
        `spec.defaultBackend of ${second} was the fallback \`/\` of host "${d.host}" in its controller: ${note}; ` +
        (d.rootService !== undefined
          ? `there \`/\` of the host belongs to ${first}, so ${d.rootService} now gets the requests no path of ${d.second.id} matches`
          : `there ${first} created the host first, as one ingress-nginx would see it, so the fallback is not applied and requests no path matches get 404`)
      )
    case 'redirect-fallback':
      return `host "${d.host}" was first defined by ${first}, which answers with a redirect: ${note}; there, as in one ingress-nginx, the host's \`location /\` carries that Ingress's redirect, so requests for ${d.host} that no path of ${second} matches are now redirected instead of getting its controller's answer`
    case 'alias-unused':
      return `server-alias ${d.aliases.join(', ')} of host "${d.host}" in ${second} is not used: ${note}; there, as in one ingress-nginx, the host's aliases come from the first Ingress of the host that sets them, ${first} (${d.firstAliases.join(', ')})`
    case 'passthrough':
      return (
        `host "${d.host}" is passed through by the ssl-passthrough of ${first} to ${d.service}: ${note}; there the host's TLS passthrough listener takes every TLS connection whose server name is ${d.host}, ` +
        `so HTTPS requests that the controller of ${classOf(d.second)} terminated and routed (${d.paths.join(', ')}) now reach ${d.service}, still encrypted, instead; plain-HTTP requests still reach them`
      )
    case 'alias-is-host':
      return `server-alias ${d.alias} of host "${d.host}" in ${second} is a host of ${first}: ${note}; there, as in one ingress-nginx, an alias that is a host of its own is dropped, so requests for ${d.alias} go to that host's routes (${d.service} for ${d.match} ${d.path}), not to ${d.host}'s`
  }
}
