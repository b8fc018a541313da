/** Builders for the Envoy Gateway model tests: Gateway API objects in, probes as URLs, CRD validation of fixtures. */
import test, {type ExecutionContext} from 'ava'
import type {KubeObject} from '../../src/model/types.js'
import {buildGatewayModel, routeRequest, type ModelOptions} from '../../src/verify/gateway-model.js'
import type {GatewayModel, GatewayOutcome} from '../../src/verify/gateway-types.js'
import type {Probe} from '../../src/verify/outcome.js'
import {loadValidator, type Validator} from '../support/conformance.js'

const GW = 'gateway.networking.k8s.io/v1'
let validator: Validator | undefined

/** Load the CRD validator once per test file: every fixture handed to model() must be an object the API server accepts. */
export function useValidator(): void {
  test.before(async () => {
    validator = await loadValidator()
  })
}

export interface Meta {
  namespace?: string
  /** creationTimestamp; absent as in converter output. */
  created?: string
}

function metadata(name: string, meta: Meta, fallbackNamespace: string): KubeObject['metadata'] {
  return {name, namespace: meta.namespace ?? fallbackNamespace, ...(meta.created === undefined ? {} : {creationTimestamp: meta.created})}
}

export const ALL_NAMESPACES = {namespaces: {from: 'All'}}

/** A Gateway `gateway/shared` with an `http` listener on 80 and an `https` listener on 443 (Secret in its namespace). */
export function sharedGateway(extraListeners: any[] = [], overrides: {http?: any; https?: any} = {}): KubeObject {
  return gateway('shared', [
    {name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: ALL_NAMESPACES, ...overrides.http},
    {name: 'https', port: 443, protocol: 'HTTPS', tls: {mode: 'Terminate', certificateRefs: [{kind: 'Secret', name: 'cert'}]}, allowedRoutes: ALL_NAMESPACES, ...overrides.https},
    ...extraListeners,
  ])
}

export function gateway(name: string, listeners: any[], meta: Meta = {}): KubeObject {
  return {apiVersion: GW, kind: 'Gateway', metadata: metadata(name, meta, 'gateway'), spec: {gatewayClassName: 'eg', listeners}}
}

const PARENT = {group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'shared', namespace: 'gateway'}

/** An HTTPRoute in namespace `app` (unless meta says otherwise) attached to gateway/shared's http listener. */
export function httpRoute(name: string, spec: {hostnames?: string[]; rules: any[]; sections?: string[]}, meta: Meta = {}): KubeObject {
  const sections = spec.sections ?? ['http']
  return {
    apiVersion: GW,
    kind: 'HTTPRoute',
    metadata: metadata(name, meta, 'app'),
    spec: {
      ...(spec.hostnames === undefined ? {} : {hostnames: spec.hostnames}),
      parentRefs: sections.map((sectionName) => ({...PARENT, sectionName})),
      rules: spec.rules,
    },
  }
}

export function grpcRoute(name: string, spec: {hostnames?: string[]; rules: any[]; sections?: string[]}, meta: Meta = {}): KubeObject {
  const route = httpRoute(name, spec, meta)
  return {...route, kind: 'GRPCRoute'}
}

/** A rule sending its matches to Service `backend` port 80 (name it with `to`). */
export function rule(matches: any[] | undefined, to = 'backend', extra: Record<string, unknown> = {}): any {
  return {...(matches === undefined ? {} : {matches}), backendRefs: [{name: to, port: 80}], ...extra}
}

export const prefix = (value: string) => ({path: {type: 'PathPrefix', value}})
export const exact = (value: string) => ({path: {type: 'Exact', value}})
export const regex = (value: string) => ({path: {type: 'RegularExpression', value}})

export function httpRouteFilter(name: string, spec: any, namespace = 'app'): KubeObject {
  return {apiVersion: 'gateway.envoyproxy.io/v1alpha1', kind: 'HTTPRouteFilter', metadata: {name, namespace}, spec}
}

export const extensionRef = (name: string) => ({type: 'ExtensionRef', extensionRef: {group: 'gateway.envoyproxy.io', kind: 'HTTPRouteFilter', name}})

export function namespace(name: string, labels: Record<string, string> = {}): KubeObject {
  return {apiVersion: 'v1', kind: 'Namespace', metadata: {name, labels}}
}

/** Build the model after checking every fixture against the CRDs (schema and CEL), as the API server would. */
export function model(t: ExecutionContext, objects: KubeObject[], options: ModelOptions = {}): GatewayModel {
  if (!validator) throw new Error('call useValidator() at the top of the test file')
  for (const object of objects) t.deepEqual(validator.validate(object), [], `fixture ${object.kind} ${object.metadata.name} is not valid`)
  return buildGatewayModel(objects, options)
}

/** "GET https://host/path?q" plus headers -> the model's outcome. */
export function send(m: GatewayModel, request: string, headers: Record<string, string> = {}, extra: Partial<Probe> = {}): GatewayOutcome {
  const [method, url] = request.includes(' ') ? request.split(' ') : ['GET', request]
  const at = url.indexOf('://')
  const rest = url.slice(at + 3)
  const slash = rest.indexOf('/')
  return routeRequest(m, {
    scheme: url.slice(0, at) as Probe['scheme'],
    host: slash === -1 ? rest : rest.slice(0, slash),
    path: slash === -1 ? '/' : rest.slice(slash),
    method,
    headers,
    ...extra,
  })
}

/** The deciding route as "namespace/name rule R match M" (or the outcome kind when no route decided). */
export function decidedBy(outcome: GatewayOutcome): string {
  const g = outcome.gateway
  if (g.route === undefined) return `${outcome.kind} ${outcome.status ?? ''}`.trim()
  return `${g.route.namespace}/${g.route.name} rule ${g.ruleIndex} match ${g.matchIndex}`
}

/** The Service names (namespace/name:port) the outcome forwards to. */
export function services(outcome: GatewayOutcome): string[] {
  return (outcome.backends ?? []).map((b) => `${b.kind === 'invalid' ? 'invalid ' : ''}${b.namespace}/${b.name}${b.port === undefined ? '' : `:${b.port}`}`)
}
