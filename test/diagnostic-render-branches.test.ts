/**
 * Branches of converted diagnostics that the goldens do not reach: each render must give the sentence the inline
 * literal at 0d4a8e4 gave for the same inputs (the expected strings are those literals with the values filled in).
 */
import test from 'ava'
import {diagnostic, type RenderedCode} from '../src/model/catalogue/diagnostic.js'
import type {Diagnostic} from '../src/model/types.js'

/** data is checked by diagnostic()'s render at run time; typing it per code makes the table too complex for tsc. */
type Row = {code: RenderedCode; data: Record<string, unknown>; level?: 'info' | 'warning' | 'error'; old: string}

const ROWS: Row[] = [
  // hosts.ts / base-command.ts clusterWording: the three problems of unresolved-port-name.
  {code: 'unresolved-port-name', data: {where: 'rules[0].http.paths[0]', namespace: 'shop', service: 'web', portName: 'http', problem: 'no-such-port'}, old: 'rules[0].http.paths[0]: Service shop/web has no port named "http"; the path is not converted'},
  {code: 'unresolved-port-name', data: {where: 'rules[0].http.paths[0]', namespace: 'shop', service: 'web', portName: 'http', problem: 'service-not-in-input'}, old: 'rules[0].http.paths[0]: port name "http" of Service shop/web cannot be resolved, the Service is not in the input; the path is not converted'},
  {code: 'unresolved-port-name', data: {where: 'rules[0].http.paths[0]', namespace: 'shop', service: 'web', portName: 'http', problem: 'service-not-in-cluster'}, old: 'rules[0].http.paths[0]: port name "http" of Service shop/web cannot be resolved, the Service does not exist in the cluster; the path is not converted'},
  // canary-unattached: no keys, one key.
  {code: 'canary-unattached', data: {canary: 'shop/c', keys: []}, old: 'canary Ingress shop/c matches no primary location, so ingress-nginx attached it nowhere (controller.go mergeAlternativeBackends) and it has no effect: its canary annotations are ignored, and no split is emitted'},
  {code: 'canary-unattached', data: {canary: 'shop/c', keys: ['nginx.ingress.kubernetes.io/canary-weight']}, old: 'canary Ingress shop/c matches no primary location, so ingress-nginx attached it nowhere (controller.go mergeAlternativeBackends) and it has no effect: nginx.ingress.kubernetes.io/canary-weight is ignored, and no split is emitted'},
  // path-conflict on the catch-all host, each reason.
  {code: 'path-conflict', data: {host: '', match: 'Prefix', path: '/', loser: 'a/x', winner: 'b/y', reason: 'tie'}, old: "host \"*\" Prefix / is also defined by Ingress b/y; ingress-nginx serves it from b/y because their creationTimestamps are equal or missing, and ingress-nginx then orders by namespace/name descending, which puts b/y first; this path is not emitted for a/x"},
  {code: 'path-conflict', data: {host: 'h', match: 'Exact', path: '/a', loser: 'a/x', winner: 'b/y', reason: 'older', winnerCreated: '2024-01-01T00:00:00Z', loserCreated: '2024-01-02T00:00:00Z'}, old: 'host "h" Exact /a is also defined by Ingress b/y; ingress-nginx serves it from b/y because Ingress b/y is older (2024-01-01T00:00:00Z < 2024-01-02T00:00:00Z); this path is not emitted for a/x'},
  // canary codes: the shared Service port as data, rendered as serviceText wrote it.
  {code: 'canary-upstream-not-created', data: {where: 'rules[0].http.paths[0]', service: {namespace: 'team', name: 'web', port: 80}, creator: 'team/c1', creatorIsCanary: true, creatorOlder: false}, old: "rules[0].http.paths[0]: Service team/web:80 is also used by canary Ingress team/c1 (first in ingress-nginx's order), which created its upstream (controller.go createUpstreams); the canary's weight, header and cookie are set only on an upstream the canary creates, so the split of team/c1 applied instead; no canary split is emitted for it"},
  {code: 'upstream-owned-by-canary', data: {where: 'rules[0].http.paths[0]', host: '', match: 'Prefix', path: '/', service: {namespace: 'team', name: 'web', port: 80}, canary: 'team/c', canaryOlder: false}, old: "rules[0].http.paths[0]: host \"*\" Prefix / -> Service team/web:80 was not served by ingress-nginx: canary Ingress team/c (first in ingress-nginx's order) uses the same Service port and created its upstream as a canary-only one (controller.go createUpstreams marks it NoServer; getBackendServers skips every path routed to it), so requests for this path got the host's other locations or the default backend (404); the path is not emitted, as nginx did not serve it"},
  // tls-host-not-listed and tls-entry-ignored: one host, no Secret, no hosts.
  {code: 'tls-host-not-listed', data: {hosts: ['a.example.com'], secrets: []}, old: "a.example.com is not listed in spec.tls: ingress-nginx served it with the Ingress's Secret whose certificate covers the name, else its default certificate, and redirected HTTP to HTTPS; the listener gets no Secret from this Ingress and Envoy picks by SNI"},
  {code: 'tls-entry-ignored', data: {entry: 2, hosts: [], winners: []}, old: 'spec.tls[2] (no hosts) is not used: none of its hosts has a rule in this Ingress, and ingress-nginx only takes TLS from Ingresses that route the host; it is left off the listener'},
  // configmap-value-invalid: integer with and without a minimum, curves.
  {code: 'configmap-value-invalid', data: {key: 'worker-processes', value: '0', expected: 'integer', default: 1, min: 1}, old: 'worker-processes: "0" is not an integer >= 1 (nginx takes whole seconds/counts without units); nginx kept its default (1), and so does the translation'},
  {code: 'configmap-value-invalid', data: {key: 'k', value: 'x', expected: 'integer', default: 5, min: 0}, old: 'k: "x" is not an integer (nginx takes whole seconds/counts without units); nginx kept its default (5), and so does the translation'},
  {code: 'configmap-value-invalid', data: {key: 'ssl-ecdh-curve', value: 'brainpool', expected: 'curve', supported: ['X25519', 'P-256', 'P-384', 'P-521']}, old: 'ssl-ecdh-curve: "brainpool" names no curve Envoy supports (X25519, P-256, P-384, P-521): Envoy\'s defaults apply'},
  // configmap-compression: min-length below and at Envoy's minimum, gzip-disable while gzip is off.
  {code: 'configmap-compression', level: 'info', data: {key: 'gzip-min-length', value: '20', compressor: 'gzip', case: 'min-length', minLength: 20, envoyMinimum: 30, field: 'compressor', type: 'Gzip'}, old: 'gzip-min-length: "20": Envoy compresses from 30 bytes (its minimum), so responses of 20-29 bytes are no longer compressed'},
  {code: 'configmap-compression', level: 'info', data: {key: 'gzip-disable', value: 'msie6', compressor: 'gzip', case: 'gzip-disable', gzipOn: false}, old: 'gzip-disable: "msie6" has no effect (gzip is off, or not generated without --nginx-defaults)'},
  // sources: documents that are not objects, plural defaults.
  {code: 'invalid-object', level: 'error', data: {problem: 'no-name', kind: 'Service', metadata: true, nameType: 'number', file: 'a.yaml', line: 3}, old: 'Service at a.yaml:3 has a metadata.name that is a number, not a string; add a name (generateName is not supported), the object was ignored'},
  {code: 'invalid-object', level: 'error', data: {problem: 'not-an-object', type: 'list', cluster: true}, old: 'Document at the cluster is a list, not a Kubernetes object (a mapping with apiVersion, kind and metadata.name); it was ignored'},
  {code: 'namespace-defaulted', data: {count: 2, file: 'a.yaml', namespace: 'shop', from: 'context', origin: 'the kubeconfig context'}, old: '2 objects in a.yaml without metadata.namespace were placed in namespace "shop" (the kubeconfig context, as kubectl does when -n is not given; pass -n NAMESPACE if they belong elsewhere)'},
  {code: 'cluster-lookup', data: {cluster: 'ctx', wanted: 2, read: {}, absent: {Service: ['a/b'], ConfigMap: ['c/d']}}, old: '--lookup-cluster read from ctx (get only): nothing; not in the cluster either: 1 Service(s) (a/b), 1 ConfigMap(s) (c/d)'},
  // data-plane: more than three Ingresses, several differences between load balancers.
  {code: 'data-plane-client-address', data: {ingresses: ['a/1', 'a/2', 'a/3', 'a/4']}, old: "externalTrafficPolicy Cluster without PROXY protocol or X-Forwarded-For: the client address Envoy sees is a node's (kube-proxy SNAT), as nginx's was, so the source-range rules of a/1, a/2, a/3, ... match node addresses, not clients"},
  {code: 'envoy-service-not-changed-in-place', data: {envoyProxy: 'ep', internal: [], clusterIp: true}, old: "the Gateway already exists, and so does its Envoy Service (Envoy Gateway's default, a public LoadBalancer, or its GatewayClass's EnvoyProxy's); EnvoyProxy ep sets type ClusterIP (the existing load balancer is deleted, and with it the address clients use): the current load balancer would keep serving, now with these hosts"},
  // certificates: the invalid-value problems without a golden.
  {code: 'certmanager-annotation-invalid', data: {key: 'cert-manager.io/usages', value: 'x', problem: 'unknown-usages', usages: ['x']}, old: 'cert-manager.io/usages: "x" contains unknown key usages ("x"); cert-manager\'s ingress-shim rejected this value and issued no Certificate for the Ingress, here the field is left out of the Certificate'},
  {code: 'certmanager-passthrough-certificate', data: {trigger: 'cert-manager.io/issuer', issuer: 'le', namespace: 'shop', certificates: ['a', 'b']}, old: "cert-manager.io/issuer: \"le\" with ssl-passthrough: the backend serves this certificate itself (TLS passes through the Gateway), so Certificates shop/a, shop/b stay in shop under the names cert-manager's ingress-shim gave them; the shim's Certificate is owned by this Ingress (ownerReference), so deleting the Ingress would delete it and cert-manager would stop renewing the Secret the backend reads"},
  // cluster-forbidden (src/sources/cluster.ts optionalReader): the user named or not, a namespaced or cluster-scoped read.
  {code: 'cluster-forbidden', data: {verb: 'list', resource: 'ingressclasses.networking.k8s.io', user: 'jane', without: 'ingressclasses.networking.k8s.io'}, old: 'forbidden: user "jane" may not list ingressclasses.networking.k8s.io at the cluster scope; grant "list" on "ingressclasses.networking.k8s.io" (see examples/rbac/ingress2gw-rbac.yaml); continuing without ingressclasses.networking.k8s.io'},
  {code: 'cluster-forbidden', data: {verb: 'get', resource: 'configmaps', namespace: 'ops', without: 'configmaps ops/nginx-conf'}, old: 'forbidden: the current user may not get configmaps in namespace "ops"; grant "get" on "configmaps" (see examples/rbac/ingress2gw-rbac.yaml); continuing without configmaps ops/nginx-conf'},
  {code: 'cluster-read-failed', data: {verb: 'get', what: 'configmaps ops/nginx-conf', status: 503, error: 'the server is currently unable to handle the request'}, old: 'could not get configmaps ops/nginx-conf (503): the server is currently unable to handle the request; continuing without it'},
]

/** diagnostic() without its per-code typing (the table mixes codes). */
const build = diagnostic as unknown as (code: RenderedCode, data: unknown, where: {level?: Row['level']}) => Diagnostic

for (const [i, row] of ROWS.entries()) {
  test(`${row.code} #${i}: the render equals the old inline sentence`, (t) => {
    const d = build(row.code, row.data, row.level ? {level: row.level} : {})
    t.is(d.message, row.old)
  })
}
