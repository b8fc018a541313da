/**
 * The catalogue of cutover refusals: every code `cutover` refuses with (in `plan.refusals[].code` of `-o json` and
 * in the `refused (...)` line), whether --force overrides it, and what it means. Like the diagnostics catalogue
 * (src/model/catalogue/), a code is defined once here: `RefusalCode` is the union of these codes, `refusal()` takes
 * `overridable` from the entry, and the table in docs/cutover.md is generated from it (`npm run docs`; a test fails
 * when it is stale).
 */
import {maskUrlCredentials} from '../model/credentials.js'
import type {Refusal} from './model.js'

export interface RefusalDefinition<C extends string = string> {
  code: C
  /** --force switches anyway: the risk is one a person can judge (a Helm uninstall later, a PROXY protocol setting). */
  overridable: boolean
  /** For a platform engineer: what was found, why switching now would fail, what to do. */
  doc: string
}

function defineRefusal<const C extends string>(definition: RefusalDefinition<C>): RefusalDefinition<C> {
  return definition
}

export const REFUSALS = [
  defineRefusal({
    code: 'no-selector',
    overridable: false,
    doc: 'The Service has no selector (or is an ExternalName Service): its endpoints are managed by hand or by another controller, so there is nothing to repoint.',
  }),
  defineRefusal({
    code: 'gateway-not-found',
    overridable: false,
    doc: 'The Gateway does not exist. Apply the Gateway bundle first (`kubectl ingress2gw apply -A`), or name the Gateway with `--gateway`.',
  }),
  defineRefusal({
    code: 'gateway-not-programmed',
    overridable: false,
    doc: 'The Gateway is not `Programmed`, has no such condition yet, or its condition is for an older generation: the traffic would reach an Envoy that cannot serve it. See `kubectl ingress2gw status`; wait.',
  }),
  defineRefusal({
    code: 'envoy-service-not-found',
    overridable: false,
    doc: 'No Service carries the owning-gateway labels of the Gateway (Envoy Gateway has not created the proxy), the Services could not be listed (grant "list" on services), or the Envoy Service has no selector: there are no pods to send to. See `kubectl ingress2gw status`.',
  }),
  defineRefusal({
    code: 'envoy-service-ambiguous',
    overridable: false,
    doc: 'Several Services carry the owning-gateway labels of the Gateway: which one selects its Envoy pods cannot be told.',
  }),
  defineRefusal({
    code: 'envoy-other-namespace',
    overridable: false,
    doc: "The Envoy Service is in another namespace than the ingress-nginx Service: a Service selects pods of its own namespace only, so the patched Service would have no endpoints. Run the Envoy proxy in the Service's namespace (Envoy Gateway's GatewayNamespace deploy mode), or switch DNS instead (`cutover --dns`).",
  }),
  defineRefusal({
    code: 'port-without-listener',
    overridable: false,
    doc: 'A port of the Service has no listener on the Gateway: connections to that port would be refused. Add the listener, or cut over a Service without that port.',
  }),
  defineRefusal({
    code: 'listener-not-programmed',
    overridable: false,
    doc: 'The listeners on a port of the Service are not programmed: connections to that port would fail. See `kubectl ingress2gw status`.',
  }),
  defineRefusal({
    code: 'port-not-on-envoy-service',
    overridable: false,
    doc: 'The Envoy Service lacks a port of the Service (Envoy Gateway adds it once the listener is programmed): which port Envoy listens on cannot be told. Wait for the listener, see `kubectl ingress2gw status`.',
  }),
  defineRefusal({
    code: 'helm-without-keep',
    overridable: true,
    doc: 'The Service is Helm-managed (`app.kubernetes.io/managed-by: Helm` or `meta.helm.sh/release-name`) and lacks `helm.sh/resource-policy: keep`: `helm uninstall` of ingress-nginx would delete the Service, its load balancer and its address. Put the annotation in the release (see "Helm and helm.sh/resource-policy: keep" below); `--force` switches anyway.',
  }),
  defineRefusal({
    code: 'proxy-protocol-mismatch',
    overridable: true,
    doc: "The load balancer sends PROXY protocol headers (the controller ConfigMap's `use-proxy-protocol`, or a `...proxy-protocol` annotation on the Service) and the listener's (HTTP, HTTPS or TLS passthrough) ClientTrafficPolicy does not expect them, or the other way round: every connection would fail. Apply the ClientTrafficPolicy `convert` emits for `use-proxy-protocol`; `--force` switches anyway.",
  }),
  defineRefusal({
    code: 'proxy-protocol-unknown',
    overridable: true,
    doc: 'Reading the controller ConfigMap, or listing the ClientTrafficPolicies of the Gateway\'s namespace, is forbidden or fails: either side may expect PROXY headers the other does not send. Grant the read (see the roles below) or name a readable ConfigMap with `--controller-configmap`; `--force` switches anyway.',
  }),
] as const

/** Every catalogued refusal code. */
export type RefusalCode = (typeof REFUSALS)[number]['code']

const BY_CODE: ReadonlyMap<string, RefusalDefinition> = new Map(REFUSALS.map((r) => [r.code, r]))

/**
 * A refusal of a catalogued code, overridable as its entry says. URL credentials in the message (a condition
 * message, a cluster error naming the server) are masked: refusals are printed to stderr and in `-o json`.
 */
export function refusal(code: RefusalCode, message: string): Refusal {
  return {code, message: maskUrlCredentials(message), overridable: BY_CODE.get(code)!.overridable}
}
