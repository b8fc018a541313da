import type {ConfigMapContext, ConfigMapFamily} from './types.js'

const admission = (level: 'info' | 'warning') => ({level, code: 'configmap-annotation-admission' as const})

/**
 * The keys that decide which Ingresses and annotations ingress-nginx accepted at all (admission webhook
 * controller.go CheckIngress, store.go, the annotation parsers' security configuration). They shape no Gateway
 * object, but the annotation translations read them from the same ConfigMap to refuse what nginx refused.
 */
export const admissionFamily: ConfigMapFamily = {
  name: 'admission',
  specs: [
    {key: 'allow-cross-namespace-resources', summary: 'Let annotations name Secrets and ConfigMaps of other namespaces', fidelity: 'exact', target: 'the annotation translations (auth-secret, auth-tls-secret, proxy-ssl-secret, auth-proxy-set-headers)', default: 'false', onInvalid: 'default', notice: admission('info'), note: 'decided whether annotations may name Secrets and ConfigMaps of other namespaces (auth/main.go, authtls/main.go, proxyssl/main.go, authreq/main.go refuse them otherwise); the annotation translations apply the same rule with this value'},
    {key: 'allow-snippet-annotations', summary: 'Apply the *-snippet annotations', fidelity: 'exact', target: 'the annotation pass (annotations/serving.ts)', default: 'false', onInvalid: 'default', notice: admission('info'), note: 'decided whether snippet annotations were applied (controller.go dropSnippetDirectives removes them otherwise and serves the Ingress without them); the conversion decides the same way'},
    {key: 'annotations-risk-level', summary: 'Riskiest annotation accepted (Ingresses with riskier ones are refused)', fidelity: 'exact', target: 'the annotation pass (annotations/serving.ts)', default: 'High', onInvalid: 'as-written', notice: admission('info'), note: 'set the riskiest annotation ingress-nginx accepted (parser.CheckAnnotationRisk in every parser\'s Validate: an Ingress with a riskier key was not served); the conversion refuses the same Ingresses'},
    {key: 'global-allowed-response-headers', summary: 'Response headers the custom-headers annotation may set', fidelity: 'exact', target: 'the custom-headers annotation translation', default: '', onInvalid: 'entries-dropped', notice: admission('info'), note: 'listed the response headers the custom-headers annotation may set, matched exactly, case included (customheaders/main.go denies the locations of an Ingress whose custom-headers ConfigMap has another name: 503); the custom-headers translation applies the same list'},
    {key: 'annotation-value-word-blocklist', summary: 'Words refused in annotation values', fidelity: 'exact', target: 'the annotation pass (annotations/serving.ts)', default: '', onInvalid: 'as-written', notice: admission('info'), note: 'made ingress-nginx skip every Ingress with one of these words in an annotation value (store.go syncIngress); the conversion skips the same Ingresses'},
    {key: 'strict-validate-path-type', summary: 'Refuse Exact/Prefix paths with regex characters', fidelity: 'approximate', target: 'none', default: 'true', onInvalid: 'default', notice: admission('info'), note: 'made ingress-nginx refuse Ingresses whose Exact or Prefix paths hold characters outside a conservative set (controller.go CheckIngress, inspector.ValidatePathType); the translation does not refuse them'},
    {key: 'proxy-ssl-location-only', summary: 'Keep proxy-ssl-* on the Ingress\'s own locations', fidelity: 'exact', target: 'the proxy-ssl-* annotation translations', default: 'false', onInvalid: 'default', notice: admission('info'), note: 'decided whether an Ingress\'s proxy-ssl-* annotations applied to its own locations only or, from the first Ingress of a host with a proxy-ssl-secret, to every location of the host (controller.go getBackendServers); the backend TLS translation reads it from this ConfigMap'},
  ],
}

/**
 * The boolean admission keys: a value mapstructure cannot decode (WeaklyTypedInput: strconv.ParseBool, or "" as false)
 * keeps nginx's default false, reported once here; the decodable ones get their notice.
 */
export function applyAdmissionSwitches(cm: ConfigMapContext): void {
  for (const key of ['allow-cross-namespace-resources', 'allow-snippet-annotations', 'proxy-ssl-location-only']) {
    if (cm.has(key) && cm.data[key] !== '') cm.bool(key, false)
  }
}
