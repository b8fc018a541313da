/** Shared helpers for the annotation family tests: one Ingress in, the translate result out, and what to look at in it. */
import test, {type ExecutionContext} from 'ava'
import {accountingAudit} from '../../src/model/fidelity-ledger.js'
import {translate} from '../../src/translate/index.js'
import {inFamilyOrderSync, OTHER_ORDERS} from '../support/family-order.js'
import type {Diagnostic, KubeObject, TranslateOptions, TranslateResult} from '../../src/model/types.js'
import {loadValidator, type ValidationIssue, type Validator} from '../support/conformance.js'
import {catalogueContradiction, refProblem} from '../../src/model/catalogue/check.js'

export const P = 'nginx.ingress.kubernetes.io/'

const REVERSED = OTHER_ORDERS.find((o) => o.name === 'reversed')!

// Every test that converts through these helpers fails when two families account the same key (the first account
// silently wins in translate): each key's fidelity must be one family's decision.
accountingAudit.onDoubleAccount = (c) => {
  throw new Error(`${c.key} of Ingress ${c.ingress} is accounted by family ${c.first} and again by ${c.second}`)
}

/** Annotations by key, with or without the `nginx.ingress.kubernetes.io/` prefix (a key with a `/` is kept as given). */
export type Annotations = Record<string, string>

export interface PathSpec {
  path: string
  /** Defaults to the Ingress's `pathType`. */
  pathType?: string
  /** Defaults to the Ingress's `service`. */
  service?: string
  /** Defaults to the Ingress's `port`. */
  port?: number | string
}

export interface IngressOptions {
  /** Default `web`. */
  name?: string
  /** Default `team`. */
  namespace?: string
  /** The one rule's host; default `web.example.com`. */
  host?: string
  /** One rule per host, each with the same paths (instead of `host`). */
  hosts?: string[]
  /** Default one path `/`. */
  paths?: (string | PathSpec)[]
  /** Default `Prefix`. */
  pathType?: string
  /** The backend Service; default the Ingress's name. */
  service?: string
  /** The backend port: a number, or a port name; default 80. */
  port?: number | string
  /** A TLS entry for every host, with the Secret `<name>-tls`. */
  tls?: boolean
  /** `spec.rules` as given, instead of host(s) and paths. */
  rules?: unknown[]
  created?: string
}

const prefixed = (annotations: Annotations): Annotations =>
  Object.fromEntries(Object.entries(annotations).map(([k, v]) => [k.includes('/') ? k : P + k, v]))

const backendPort = (port: number | string) => (typeof port === 'number' ? {number: port} : {name: port})

/** An `nginx` class Ingress with the given annotations. */
export function ingressWith(annotations: Annotations = {}, options: IngressOptions = {}): KubeObject {
  const name = options.name ?? 'web'
  const hosts = options.hosts ?? [options.host ?? 'web.example.com']
  const paths = (options.paths ?? ['/']).map((p) => {
    const spec = typeof p === 'string' ? {path: p} : p
    const service = {name: spec.service ?? options.service ?? name, port: backendPort(spec.port ?? options.port ?? 80)}
    return {path: spec.path, pathType: spec.pathType ?? options.pathType ?? 'Prefix', backend: {service}}
  })
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      name,
      namespace: options.namespace ?? 'team',
      ...(options.created ? {creationTimestamp: options.created} : {}),
      annotations: prefixed(annotations),
    },
    spec: {
      ingressClassName: 'nginx',
      ...(options.tls ? {tls: [{hosts, secretName: `${name}-tls`}]} : {}),
      rules: options.rules ?? hosts.map((host) => ({host, http: {paths}})),
    },
  }
}

/** A test file's Ingress builder: `ingressWith` with the file's own defaults, each overridable per call. */
export function ingressFactory(defaults: IngressOptions) {
  return (annotations: Annotations = {}, options: IngressOptions = {}): KubeObject => ingressWith(annotations, {...defaults, ...options})
}

export interface RunOptions {
  /** Per-call overrides of the Ingress options. */
  ingress?: IngressOptions
  /** Objects translated after the Ingress (Services, Secrets, ConfigMaps). */
  extra?: KubeObject[]
  translate?: Partial<TranslateOptions>
}

/** A test file's Ingress builder and a `run(annotations)` that translates that one Ingress (and any extra objects). */
export function fixture(defaults: IngressOptions) {
  const ingress = ingressFactory(defaults)
  const run = (annotations: Annotations, options: RunOptions = {}): TranslateResult =>
    translateAll([ingress(annotations, options.ingress), ...(options.extra ?? [])], options.translate)
  return {ingress, run}
}

export function translateAll(objects: KubeObject[], options: Partial<TranslateOptions> = {}): TranslateResult {
  const convert = () => translate({objects: objects.map((object, i) => ({object, source: {file: 'test.yaml', line: i + 1}}))}, options)
  const result = convert()
  // Every fixture is also converted with the families reversed: the result must be the same (the families write
  // their own patches and read no other family's output). Reversed puts every pair of families in the other order,
  // so it shows any one family reading another's output; the seeded shuffles run in family-order.test.ts only, where
  // they cost a few conversions rather than one more per fixture (a third of the annotation tests' CPU).
  if (JSON.stringify(inFamilyOrderSync(REVERSED.permute, convert)) !== JSON.stringify(result)) throw new Error(`the conversion changes with the annotation families run ${REVERSED.name}`)
  // The diagnostics sink of every unit test: a diagnostic that contradicts its catalogue entry fails the test.
  const wrong = [...new Set(result.diagnostics.flatMap((d) => [catalogueContradiction(d), refProblem(d)]).filter((c) => c !== undefined))]
  if (wrong.length > 0) throw new Error(`diagnostics contradict src/model/catalogue/: ${wrong.join('; ')}`)
  return result
}

/** `translateAll` with default options, the objects given one by one. */
export function translateObjects(...objects: KubeObject[]): TranslateResult {
  return translateAll(objects)
}

export const service = (namespace: string, name: string, ports: number | {name?: string; port: number}[]): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: {name, namespace},
  spec: {ports: typeof ports === 'number' ? [{port: ports}] : ports},
})

export const configMap = (namespace: string, name: string, data: Record<string, string>): KubeObject => ({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name, namespace}, data})

/** The ingress-nginx controller ConfigMap (found under its usual name) with these keys. */
export const controllerConfigMap = (data: Record<string, string>): KubeObject => configMap('ingress-nginx', 'ingress-nginx-controller', data)

/** A controller that serves snippet annotations: annotations-risk-level Critical and allow-snippet-annotations. */
export const SNIPPETS_ALLOWED = controllerConfigMap({'allow-snippet-annotations': 'true', 'annotations-risk-level': 'Critical'})

/** Every emitted object of a kind. */
export function objectsOf(r: TranslateResult, kind: string): KubeObject[] {
  return r.objects.filter((o) => o.kind === kind)
}

/** Every emitted route of a kind (HTTPRoute by default). */
export function routesOf(r: TranslateResult, kind = 'HTTPRoute'): KubeObject[] {
  return objectsOf(r, kind)
}

/** The (first) HTTPRoute, or the one with that name. */
export function routeOf(r: TranslateResult, name?: string): KubeObject | undefined {
  return routesOf(r).find((o) => name === undefined || o.metadata.name === name)
}

/** The first emitted object of a kind (a policy, mostly). */
export function policyOf(r: TranslateResult, kind: string): KubeObject | undefined {
  return r.objects.find((o) => o.kind === kind)
}

/** The BackendTrafficPolicy's spec. */
export function btp(r: TranslateResult): Record<string, any> | undefined {
  return policyOf(r, 'BackendTrafficPolicy')?.spec
}

/** The fidelity of an annotation on the named (`namespace/name`) Ingress. */
export function fidelityOf(r: TranslateResult, ingress: string, key: string) {
  return r.ingresses.find((i) => i.ingress === ingress)?.annotations[P + key]
}

/** The fidelity of an annotation on the first (or the index-th) Ingress of the result. */
export function fidelityFor(r: TranslateResult, key: string, index = 0) {
  return r.ingresses[index]!.annotations[P + key]
}

/** The diagnostics about one annotation. */
export function diagnosticsFor(r: TranslateResult, key: string): Diagnostic[] {
  return r.diagnostics.filter((d) => d.annotation === P + key)
}

let validator: Validator | undefined

/** Loads the CRD conformance validator before the file's tests run, for `validate` and `assertValid`. */
export function useValidator(): void {
  test.before(async () => {
    validator = await loadValidator()
  })
}

/** The conformance issues of one object (none: `[]`). */
export function validate(object: unknown): ValidationIssue[] {
  if (!validator) throw new Error('call useValidator() at the top of the test file')
  return validator.validate(object)
}

/** Every emitted object passes the CRD conformance validator. */
export function assertValid(t: ExecutionContext, r: TranslateResult, label?: string): void {
  for (const o of r.objects) t.deepEqual(validate(o), [], `${label ? `${label}: ` : ''}${o.kind} ${o.metadata.namespace}/${o.metadata.name}`)
}

/**
 * The Ingress is served with every path answering 503 (or `status`), as nginx does for a denied location: status
 * `denied`, its route's rules all point at one HTTPRouteFilter with that directResponse and have no backend, and no
 * policy carries its location settings. Returns the route.
 */
export function assertDenied(t: ExecutionContext, r: TranslateResult, label = '', index = 0, status = 503): KubeObject | undefined {
  const report = r.ingresses[index]!
  t.is(report.status, 'denied', label)
  const route = r.objects.find((o) => o.kind === 'HTTPRoute' && report.objects.includes(`HTTPRoute/${o.metadata.name}`))
  t.truthy(route, `${label}: the denied Ingress keeps its route (its paths still shadow other Ingresses)`)
  const filter = r.objects.find((o) => o.kind === 'HTTPRouteFilter' && o.spec?.directResponse)
  t.deepEqual(filter?.spec, {directResponse: {statusCode: status}}, label)
  for (const rule of route?.spec.rules ?? []) {
    t.is(rule.backendRefs, undefined, label)
    t.deepEqual(rule.filters, [{type: 'ExtensionRef', extensionRef: {group: 'gateway.envoyproxy.io', kind: 'HTTPRouteFilter', name: filter?.metadata.name}}], label)
  }
  t.false(r.objects.some((o) => ['SecurityPolicy', 'BackendTrafficPolicy', 'Backend'].includes(o.kind) && (o.metadata.annotations?.['ingress2gw.io/source'] ?? '').includes(report.ingress)), `${label}: no location setting applies`)
  t.true(r.diagnostics.some((d) => d.code === 'locations-denied' && d.level === 'error'), `${label}: the cause is an error`)
  return route
}
