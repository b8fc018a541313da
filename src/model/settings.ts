/**
 * The resolve phase: per Ingress, before any family runs, the settings several families (and the location table)
 * combine, each as the ingress-nginx v1.15.1 parser that owns it decides it: the annotation when it is valid, else
 * the controller ConfigMap's value (the parsers read `r.GetDefaultBackend()`, which template/configmap.go ReadConfig
 * decoded from the ConfigMap over config.go NewDefault), else nginx's own default. The result is frozen: a family
 * reads another's setting here instead of its raw key, and no family's order or output changes it.
 */
import type {ControllerDefaults} from './controller-defaults.js'
import type {AnnotationValue} from './ingress-model.js'

/** An Ingress's annotations as readAnnotations left them (canonical short key -> value). */
type Annotations = ReadonlyMap<string, AnnotationValue>

/** Where a setting's value comes from, for messages that name it ("false (ConfigMap ssl-redirect)"). */
export type SettingOrigin = 'annotation' | 'configmap' | 'nginx'

export interface Setting<T> {
  readonly value: T
  readonly from: SettingOrigin
}

export interface IngressSettings {
  /** rewrite/main.go Parse: ssl-redirect, else GetDefaultBackend().SSLRedirect (ConfigMap ssl-redirect, true). */
  readonly sslRedirect: Setting<boolean>
  /** rewrite/main.go Parse: force-ssl-redirect, else GetDefaultBackend().ForceSSLRedirect (ConfigMap, false). */
  readonly forceSslRedirect: Setting<boolean>
  /** rewrite/main.go Parse: use-regex, else false (no ConfigMap companion). */
  readonly useRegex: boolean
  /** rewrite/main.go Parse: rewrite-target, else "" (here undefined); nginx variables included. */
  readonly rewriteTarget: string | undefined
  /** backendprotocol/main.go Parse: backend-protocol (upper-case), else "HTTP". */
  readonly backendProtocol: string
  /** authreq/main.go Parse: a valid, non-empty auth-url (the location gets auth_request), else undefined. */
  readonly authUrl: string | undefined
  /** auth/main.go Parse: a valid auth-type (basic/digest), else undefined (no basic auth). */
  readonly authType: string | undefined
  /** proxy/main.go Parse: proxy-body-size, else GetDefaultBackend().ProxyBodySize (ConfigMap, 1m). */
  readonly proxyBodySize: Setting<string>
  /** proxy/main.go Parse: proxy-read-timeout / proxy-send-timeout, else the ConfigMap's (60 each). */
  readonly proxyReadTimeout: Setting<number>
  readonly proxySendTimeout: Setting<number>
  /** ConfigMap no-auth-locations (no annotation): path prefixes nginx.tmpl exempts from auth-url and basic auth. */
  readonly noAuthLocations: readonly string[]
}

/** The value of a present, valid annotation (the serve table decided validity in readAnnotations). */
function validValue<T>(annotations: Annotations, key: string): T | undefined {
  const a = annotations.get(key)
  return a?.valid === true ? (a.value as T) : undefined
}

/** The annotation, else the ConfigMap's value, else nginx's default (the ConfigMap reader already fell back to it). */
function withDefault<T>(annotations: Annotations, key: string, defaults: ControllerDefaults, fallback: T): Setting<T> {
  const own = validValue<T>(annotations, key)
  if (own !== undefined) return Object.freeze({value: own, from: 'annotation'})
  return sharedOf(defaults).fallback(key, fallback)
}

/**
 * What every Ingress of one controller without the annotation shares, made once per ControllerDefaults: most
 * Ingresses set none of these keys, and a copy per Ingress lived as long as the translation's result.
 */
interface SharedDefaults {
  fallback<T>(key: string, value: T): Setting<T>
  noAuthLocations: readonly string[]
}

const sharedDefaults = new WeakMap<ControllerDefaults, SharedDefaults>()

function sharedOf(defaults: ControllerDefaults): SharedDefaults {
  let shared = sharedDefaults.get(defaults)
  if (shared !== undefined) return shared
  const fallbacks = new Map<string, Setting<unknown>>()
  shared = {
    fallback<T>(key: string, value: T): Setting<T> {
      const known = fallbacks.get(key)
      // The same ControllerDefaults always gives the same value for a key; checked anyway, as a copy would be.
      if (known !== undefined && known.value === value) return known as Setting<T>
      const made: Setting<T> = Object.freeze({value, from: defaults.fromConfigMap.has(key) ? 'configmap' : 'nginx'})
      fallbacks.set(key, made)
      return made
    },
    // Not frozen: restoreDeep (placeholders.ts) writes an array's items back in place, the same strings here, since a
    // ConfigMap's values carry no placeholder sentinels (only annotation values do: annotation-pass.ts readPlaceholders).
    noAuthLocations: [...defaults.noAuthLocations],
  }
  sharedDefaults.set(defaults, shared)
  return shared
}

/** A non-empty string value (an empty one is the parser's "" default). */
function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined
}

/**
 * The frozen settings of one Ingress, from its annotations as read (readAnnotations) and its own controller's
 * ConfigMap defaults (controllerDefaults of the ConfigMap of the Ingress's class).
 */
export function resolveSettings(annotations: Annotations, defaults: ControllerDefaults): IngressSettings {
  const protocol = validValue<string>(annotations, 'backend-protocol')
  const size = validValue<{text: string}>(annotations, 'proxy-body-size')
  return Object.freeze({
    sslRedirect: withDefault(annotations, 'ssl-redirect', defaults, defaults.sslRedirect),
    forceSslRedirect: withDefault(annotations, 'force-ssl-redirect', defaults, defaults.forceSslRedirect),
    useRegex: validValue<boolean>(annotations, 'use-regex') === true,
    rewriteTarget: text(validValue(annotations, 'rewrite-target')),
    backendProtocol: typeof protocol === 'string' ? protocol.toUpperCase() : 'HTTP',
    authUrl: text(validValue(annotations, 'auth-url')),
    authType: text(validValue(annotations, 'auth-type')),
    proxyBodySize: size ? Object.freeze({value: size.text, from: 'annotation' as const}) : sharedOf(defaults).fallback('proxy-body-size', defaults.proxyBodySize),
    proxyReadTimeout: withDefault(annotations, 'proxy-read-timeout', defaults, defaults.proxyReadTimeout),
    proxySendTimeout: withDefault(annotations, 'proxy-send-timeout', defaults, defaults.proxySendTimeout),
    noAuthLocations: sharedOf(defaults).noAuthLocations,
  })
}

/**
 * The ControllerDefaults field an annotation's parser falls back to (the ConfigMap key of the same name), for the
 * keys whose default is the ConfigMap's: rewrite/main.go (ssl-redirect, force-ssl-redirect), proxy/main.go
 * (timeouts, body size, next-upstream), serviceupstream/main.go.
 */
const CONFIGMAP_FALLBACK: Record<string, (d: ControllerDefaults) => unknown> = {
  'ssl-redirect': (d) => d.sslRedirect,
  'force-ssl-redirect': (d) => d.forceSslRedirect,
  'proxy-connect-timeout': (d) => d.proxyConnectTimeout,
  'proxy-read-timeout': (d) => d.proxyReadTimeout,
  'proxy-send-timeout': (d) => d.proxySendTimeout,
  'proxy-body-size': (d) => d.proxyBodySize,
  'proxy-next-upstream': (d) => d.proxyNextUpstream.join(' '),
  'proxy-next-upstream-tries': (d) => d.proxyNextUpstreamTries,
  'service-upstream': (d) => d.serviceUpstream,
}

/**
 * The default an ignored annotation value leaves: the controller ConfigMap's value where the parser falls back to a
 * ConfigMap key the ConfigMap sets (defaultFromConfigMap names the key), else the spec's nginx default.
 */
export function fallbackOf(key: string, specDefault: string | undefined, defaults: ControllerDefaults): {default: string; defaultFromConfigMap?: string} | undefined {
  const read = CONFIGMAP_FALLBACK[key]
  if (read && defaults.fromConfigMap.has(key)) return {default: String(read(defaults)), defaultFromConfigMap: key}
  return specDefault === undefined ? undefined : {default: specDefault}
}
