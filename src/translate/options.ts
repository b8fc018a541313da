/**
 * Every translate option, declared once: its flag (name, shape, default as typed, help text) and how a flag value
 * becomes TranslateOptions fields. The CLI derives its oclif flags from this list (cli/translate-flags.ts), and
 * DEFAULT_OPTIONS is what each flag's default parses to, so a default cannot differ between `--help`, the CLI and
 * `translate()` called without options. Pure: no oclif here, the core imports it.
 */
import type {NamespacedName, TranslateOptions} from '../model/types.js'
import {parsePerClassRefs} from './controller-workloads.js'

/** How the option is written on the command line (mapped onto oclif's Flags.string/boolean/option). */
export type FlagShape =
  | {type: 'string'; multiple?: boolean; default?: string}
  | {type: 'boolean'; allowNo?: boolean; default?: boolean}
  | {type: 'option'; options: readonly string[]; default?: string}

export interface OptionDecl {
  flag: string
  shape: FlagShape
  description: string
  /**
   * The TranslateOptions fields the flag sets from its value (undefined: not given and no default). A bad value
   * throws an Error whose message the CLI prints as `error: ...`.
   */
  parse(value: any): Partial<TranslateOptions>
}

export function parseNamespacedName(value: string, flag: string): NamespacedName {
  const m = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/([a-z0-9]([-.a-z0-9]*[a-z0-9])?)$/.exec(value)
  if (!m) throw new Error(`--${flag} expects NAMESPACE/NAME, got "${value}"`)
  return {namespace: m[1], name: m[3]}
}

export function parseNamespaceLabel(value: string): TranslateOptions['namespaceLabel'] {
  const [key, labelValue] = String(value).split('=', 2)
  if (!key || labelValue === undefined) throw new Error(`--namespace-label expects KEY=VALUE, got "${value}"`)
  return {key, value: labelValue}
}

function parseClientIp(value: string): TranslateOptions['clientIp'] {
  const ci = String(value)
  if (ci === 'auto' || ci === 'proxy-protocol' || ci === 'none') return ci
  if (/^xff:[1-9]\d*$/.test(ci)) return {xffHops: Number(ci.slice(4))}
  throw new Error(`--client-ip expects auto, proxy-protocol, none or xff:N with N >= 1 trusted hops, got "${ci}"`)
}

function parseGatewayFor(values: string[] | undefined): Record<string, NamespacedName> {
  const gatewayFor: Record<string, NamespacedName> = {}
  for (const entry of values ?? []) {
    const [cls, target] = String(entry).split('=', 2)
    if (!cls || !target) throw new Error(`--gateway-for expects CLASS=NAMESPACE/NAME, got "${entry}"`)
    gatewayFor[cls] = parseNamespacedName(target, 'gateway-for')
  }
  return gatewayFor
}

/** The translate options in `--help` order. */
export const TRANSLATE_OPTIONS = [
  {
    flag: 'ingress-class',
    shape: {type: 'string', multiple: true},
    description: 'ingress class to convert; repeatable, the exact list (default: classes of controller k8s.io/ingress-nginx, nginx, and the --gateway-for classes)',
    parse: (v?: string[]) => ({ingressClasses: v ?? []}),
  },
  {
    flag: 'include-classless',
    shape: {type: 'boolean', default: false},
    description: 'also convert Ingresses without any class (ingress-nginx --watch-ingress-without-class)',
    parse: (v?: boolean) => ({includeClassless: v === true}),
  },
  {
    flag: 'all-classes',
    shape: {type: 'boolean', default: false},
    description: 'files (-f): every ingress class the Ingresses name is an ingress-nginx class, each its own controller (not those whose IngressClass in the input names another controller, nor, without one, another controller\'s default class name such as traefik)',
    parse: (v?: boolean) => ({allClasses: v === true}),
  },
  {
    flag: 'gateway',
    shape: {type: 'string', default: 'gateway/shared'},
    description: 'the shared Gateway routes attach to, NAMESPACE/NAME',
    parse: (v: string) => ({gateway: parseNamespacedName(v, 'gateway')}),
  },
  {flag: 'gateway-class', shape: {type: 'string', default: 'eg'}, description: 'GatewayClass of the emitted Gateway', parse: (v: string) => ({gatewayClass: v})},
  {
    flag: 'gateway-for',
    shape: {type: 'string', multiple: true},
    description: 'CLASS=NAMESPACE/NAME: a separate shared Gateway for one ingress class, converted as its own ingress-nginx controller; repeatable',
    parse: (v?: string[]) => ({gatewayFor: parseGatewayFor(v)}),
  },
  {flag: 'http-listener', shape: {type: 'string', default: 'http'}, description: 'name of the Gateway listener on port 80', parse: (v: string) => ({httpListener: v})},
  {flag: 'https-listener', shape: {type: 'string', default: 'https'}, description: 'name of the Gateway listener on port 443', parse: (v: string) => ({httpsListener: v})},
  {
    flag: 'namespace-label',
    shape: {type: 'string', default: 'shared-gateway-access=true'},
    description: 'KEY=VALUE label that admits a namespace to the shared Gateway',
    parse: (v: string) => ({namespaceLabel: parseNamespaceLabel(v)}),
  },
  {
    flag: 'annotation-prefix',
    shape: {type: 'string', default: 'nginx.ingress.kubernetes.io'},
    description: 'annotation prefix the controller ran with (--annotations-prefix)',
    parse: (v: string) => ({annotationPrefix: v}),
  },
  {
    flag: 'emit-gateway',
    shape: {type: 'boolean', allowNo: true},
    description: 'emit the gateway-owner bundle (Gateway, https-redirect route, namespace labels); default: when the input spans the cluster',
    parse: (v?: boolean) => ({emitGateway: v ?? 'auto'}),
  },
  {
    flag: 'backend-tls',
    shape: {type: 'option', options: ['insecure', 'verify'], default: 'insecure'},
    description: 'backend-protocol HTTPS: skip verification as nginx did, or verify',
    parse: (v: 'insecure' | 'verify') => ({backendTls: v}),
  },
  {
    flag: 'client-ip',
    shape: {type: 'string', default: 'auto'},
    description: 'client IP detection: auto (from the controller ConfigMap), proxy-protocol, xff:N, none',
    parse: (v: string) => ({clientIp: parseClientIp(v)}),
  },
  {flag: 'tcp-routes', shape: {type: 'boolean', default: false}, description: 'emit TCPRoute/UDPRoute for tcp-services/udp-services entries', parse: (v?: boolean) => ({tcpRoutes: v === true})},
  {
    flag: 'nginx-defaults',
    shape: {type: 'boolean', default: false},
    description: 'turn the controller ConfigMap route defaults into Gateway-level policies',
    parse: (v?: boolean) => ({nginxDefaults: v === true}),
  },
  {
    flag: 'oauth2-proxy',
    shape: {type: 'option', options: ['ext-auth', 'oidc'], default: 'ext-auth'},
    description: 'auth-url pointing at oauth2-proxy: keep oauth2-proxy behind extAuth, or use Envoy Gateway OIDC configured from its Deployment (docs/external-auth.md)',
    parse: (v: 'ext-auth' | 'oidc') => ({oauth2Proxy: v}),
  },
  {
    flag: 'controller-configmap',
    shape: {type: 'string', multiple: true},
    description: "NAMESPACE/NAME of the ingress-nginx controller ConfigMap (the only or default controller), or CLASS=NAMESPACE/NAME for the controller of one ingress class; repeatable (default: the controllers' --configmap args)",
    parse: (v?: string[]) => {
      const refs = parsePerClassRefs(v, 'controller-configmap')
      return {controllerConfigMap: refs.plain, controllerConfigMapFor: refs.byClass}
    },
  },
  {
    flag: 'controller-service',
    shape: {type: 'string', multiple: true},
    description: "NAMESPACE/NAME of the ingress-nginx controller's load-balancer Service (the only or default controller), or CLASS=NAMESPACE/NAME; repeatable (default: the Service selecting the controller's pods); its settings become the Gateway's EnvoyProxy",
    parse: (v?: string[]) => {
      const refs = parsePerClassRefs(v, 'controller-service')
      return {controllerService: refs.plain, controllerServiceFor: refs.byClass}
    },
  },
  {
    flag: 'public-load-balancer',
    shape: {type: 'string', multiple: true},
    description: "NAMESPACE/NAME of a Gateway whose ingress-nginx controller Service is not known: accept Envoy Gateway's default public LoadBalancer for it (default: a ClusterIP Envoy Service, never public by omission); repeatable",
    parse: (v?: string[]) => ({
      publicLoadBalancer: (v ?? []).map((g) => {
        const ref = parseNamespacedName(g, 'public-load-balancer')
        return `${ref.namespace}/${ref.name}`
      }),
    }),
  },
  {flag: 'tcp-services-configmap', shape: {type: 'string'}, description: 'NAMESPACE/NAME of the tcp-services ConfigMap', parse: (v?: string) => ({tcpServicesConfigMap: v})},
  {flag: 'udp-services-configmap', shape: {type: 'string'}, description: 'NAMESPACE/NAME of the udp-services ConfigMap', parse: (v?: string) => ({udpServicesConfigMap: v})},
] as const satisfies readonly OptionDecl[]

/** `gateway`, `annotation-prefix`, ...: the flag names of the translate options. */
export type TranslateFlagName = (typeof TRANSLATE_OPTIONS)[number]['flag']

/** TranslateOptions from parsed flag values (by flag name); an absent flag takes its declared default. */
export function optionsFromFlags(flags: Record<string, unknown>): Omit<TranslateOptions, 'generatorVersion'> {
  const out: Partial<TranslateOptions> = {}
  for (const decl of TRANSLATE_OPTIONS as readonly OptionDecl[]) Object.assign(out, decl.parse(flags[decl.flag] ?? decl.shape.default))
  return out as Omit<TranslateOptions, 'generatorVersion'>
}

/** The version stamped into generated objects when the caller does not give one (the CLI gives its own). */
const GENERATOR_VERSION = '0.1.0'

/** What every flag's default parses to: translate() without options behaves as the CLI without flags. */
export const DEFAULT_OPTIONS: TranslateOptions = {...optionsFromFlags({}), generatorVersion: GENERATOR_VERSION}
