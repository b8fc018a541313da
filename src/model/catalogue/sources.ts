/** Diagnostics about reading the input (files, cluster, options). */
import {defineDiagnostic} from './define.js'

/** The controller name ingress-nginx's IngressClasses carry (translate/controllers.ts NGINX_CONTROLLER). */
const NGINX_CONTROLLER = 'k8s.io/ingress-nginx'

/** Why Ingresses of one class were skipped (class-not-selected). */
export type ClassSkip =
  | {case: 'empty-class' | 'no-class'}
  /** A class with no IngressClass in the input that is another product's default class name. */
  | {case: 'foreign-default'; className: string; product: string}
  /** Its IngressClass names another controller (or none). */
  | {case: 'other-controller'; className: string; controller?: string}
  | {case: 'not-served'; className: string}

function classSkipReason(d: ClassSkip): string {
  switch (d.case) {
    case 'empty-class':
      return "their kubernetes.io/ingress.class annotation is empty, which equals no controller's --ingress-class (store.go GetIngressClass: a present annotation must equal it; only a missing one reaches --watch-ingress-without-class)"
    case 'no-class':
      return 'they name no ingress class; ingress-nginx serves those only with --watch-ingress-without-class (use --include-classless)'
    case 'foreign-default':
      return `class "${d.className}" has no IngressClass in the input and is the default class name of ${d.product}, not ingress-nginx's (use --ingress-class ${d.className} if an ingress-nginx served it all the same)`
    case 'other-controller':
      return `class "${d.className}" is not ingress-nginx's: its IngressClass names ${d.controller === undefined ? 'no spec.controller' : `controller ${d.controller}`}, not ${NGINX_CONTROLLER} (use --ingress-class ${d.className} if an ingress-nginx served it all the same)`
    case 'not-served':
      return `class "${d.className}" is not served by ingress-nginx here (spec.ingressClassName needs an IngressClass of controller ${NGINX_CONTROLLER}; the kubernetes.io/ingress.class annotation must equal the controller's --ingress-class, nginx by default; use --ingress-class ${d.className} to convert it)`
  }
}

/** Where a document was read, as data: a file and the line its document starts at, or the cluster. */
/** What --lookup-cluster loses when it cannot read a kind the files lack. */
const LOOKUP_LOST = {
  Service: 'named ports of those Services stay unresolved',
  IngressClass: 'classes without an IngressClass in the files stay unselected',
  ConfigMap: "the controller's ConfigMap is taken as nginx's defaults",
} as const
export type LookupKind = keyof typeof LOOKUP_LOST

/** Objects by kind, as `ns/name` (IngressClasses: name), sorted. */
export type LookupObjects = Partial<Record<LookupKind, string[]>>

function lookupList(objects: LookupObjects): string {
  return (['Service', 'IngressClass', 'ConfigMap'] as const)
    .filter((kind) => (objects[kind]?.length ?? 0) > 0)
    .map((kind) => `${objects[kind]!.length} ${kind}(s) (${objects[kind]!.join(', ')})`)
    .join(', ')
}

/** A kind the cluster does not serve (also apply's per-object error). */
export function notServedMessage(apiVersion: string, kind: string): string {
  return `the cluster does not serve ${kind} (${apiVersion}); is its CRD installed?`
}

export interface DocumentAt {
  file?: string
  line?: number
  cluster?: boolean
}

/** `bad.yaml:8`, `bad.yaml`, or `the cluster`. */
function atText(d: DocumentAt): string {
  if (d.cluster) return 'the cluster'
  return d.line ? `${d.file}:${d.line}` : `${d.file}`
}

/** A YAML/JSON value's type as the messages name it: `list`, or its typeof (`string`, `number`, `boolean`, `object`...). */
export type ValueType = 'list' | 'string' | 'number' | 'boolean' | 'object' | 'bigint' | 'symbol' | 'function' | 'undefined'

/**
 * invalid-object: `problem` says what is wrong. The document-level ones (the object was ignored) carry where the
 * document starts; the label/annotation ones are about an object the diagnostic names, at its source location.
 */
export type InvalidObjectData =
  | ({problem: 'not-an-object'; type: ValueType} & DocumentAt)
  | ({problem: 'no-api-version-or-kind'; missing: ('apiVersion' | 'kind')[]} & DocumentAt)
  | ({problem: 'no-name'; kind: string; metadata: boolean; nameType?: ValueType} & DocumentAt)
  | ({problem: 'namespace-not-a-string'; kind: string; name: string; type: ValueType} & DocumentAt)
  | {problem: 'map-not-a-mapping'; field: 'labels' | 'annotations'; type: ValueType}
  | {problem: 'value-coerced'; field: 'labels' | 'annotations'; key: string; type: 'null' | 'number' | 'boolean'; readAs: string}
  | {problem: 'value-dropped'; field: 'labels' | 'annotations'; key: string; type: ValueType}
  /** value: the creationTimestamp as written (a non-string as its YAML/JSON text). */
  | {problem: 'creation-timestamp-unparseable'; value: string}

function renderInvalidObject(d: InvalidObjectData): string {
  const singular = (field: 'labels' | 'annotations') => (field === 'labels' ? 'label' : 'annotation')
  switch (d.problem) {
    case 'not-an-object':
      return `Document at ${atText(d)} is a ${d.type}, not a Kubernetes object (a mapping with apiVersion, kind and metadata.name); it was ignored`
    case 'no-api-version-or-kind':
      return `Document at ${atText(d)} has no ${d.missing.join(' and ')}; it is not a Kubernetes object and was ignored`
    case 'no-name': {
      const what = !d.metadata ? 'no metadata' : d.nameType === undefined ? 'no metadata.name' : `a metadata.name that is a ${d.nameType}, not a string`
      return `${d.kind} at ${atText(d)} has ${what}; add a name (generateName is not supported), the object was ignored`
    }
    case 'namespace-not-a-string':
      return `${d.kind} ${d.name} at ${atText(d)} has a metadata.namespace that is a ${d.type}, not a string; quote it, the object was ignored`
    case 'map-not-a-mapping':
      return `metadata.${d.field} is a ${d.type}, not a mapping of strings; it was ignored (the API server would reject this object)`
    case 'value-coerced':
      return `${singular(d.field)} ${d.key} is ${d.type === 'null' ? 'empty (null)' : `a ${d.type}`}, not a string; read as "${d.readAs}" — quote the value in the manifest, the API server rejects it unquoted`
    case 'value-dropped':
      return `${singular(d.field)} ${d.key} is a ${d.type}, not a string; it was ignored — ${singular(d.field)} values must be strings`
    case 'creation-timestamp-unparseable':
      return `metadata.creationTimestamp "${d.value}" is not an RFC 3339 time (such as 2024-01-31T12:00:00Z); the object is ordered as if it had none, after every object that has one (oldest first decides which Ingress wins a path) — fix or remove it`
  }
}

export const SOURCES = [
  defineDiagnostic({
    code: 'kubeconfig-unreadable',
    level: 'warning',
    doc: 'The kubeconfig could not be read (file input that places objects without a namespace): the namespace "default" is used, as kubectl without a context. Check KUBECONFIG if another namespace was meant.',
    /** error: why the kubeconfig could not be read (the client library's message). */
    render: (d: {error: string}) => `${d.error}; objects without a namespace are placed in "default"`,
  }),
  defineDiagnostic({
    code: 'live-gateway-unreadable',
    level: 'warning',
    doc: 'The live Gateway (the --gateway target) could not be read from the cluster: the emitted Gateway lists only this input\'s listeners and certificates, so listeners and certificates the live Gateway holds for other inputs are missing from it. What to do: fix access to the Gateway (kubeconfig, RBAC get on gateways) and rerun before applying.',
    render: (d: {namespace: string; name: string; error: string}) =>
      `could not read the live Gateway ${d.namespace}/${d.name} (${d.error}); the emitted Gateway lists only this input's listeners and certificates`,
  }),
  defineDiagnostic({
    code: 'class-not-selected',
    level: 'info',
    doc: 'Ingresses skipped because their class is not one this run converts (--ingress-class, --all-classes, --include-classless): they belong to another controller. Nothing to do unless they should be converted.',
    render: (d: {ingresses: string[]} & ClassSkip) => `${d.ingresses.length} Ingress(es) skipped, ${classSkipReason(d)}: ${d.ingresses.join(', ')}`,
  }),
  defineDiagnostic({
    code: 'classes-not-selected',
    level: 'warning',
    doc: 'Ingresses not converted: their classes have no IngressClass in the input and no flag selected them. If ingress-nginx served them, add --ingress-class NAME (or --all-classes).',
    render: (d: {classes: {className: string; ingresses: string[]}[]; paste: string[]}) =>
      `${d.classes.reduce((n, c) => n + c.ingresses.length, 0)} Ingress(es) are not converted: their ingress classes have no IngressClass object in the input and no flag selected them: ${d.classes.map((c) => `${c.className} (${c.ingresses.join(', ')})`).join('; ')}. If ingress-nginx served them, add: ${d.paste.map((c) => `--ingress-class ${c}`).join(' ')}`,
  }),
  defineDiagnostic({
    code: 'cluster-configmap-not-found',
    level: 'warning',
    doc: 'A ConfigMap named by the controller\'s flags does not exist in the cluster: the conversion continues without it (nginx used its defaults too).',
    /** namedBy: this command's flag, or the controller workload (`Deployment ns/name`) and its flag that name it. */
    render: (d: {namespace: string; name: string; namedBy: {flag: string; workload?: string}}) =>
      `ConfigMap ${d.namespace}/${d.name} (named by ${d.namedBy.workload === undefined ? 'a flag' : `${d.namedBy.workload} ${d.namedBy.flag}`}) does not exist; continuing without it`,
  }),
  defineDiagnostic({
    code: 'cluster-forbidden',
    level: 'warning',
    doc: 'The cluster refused a read (403): the conversion continues without those objects, which can change what is emitted (Services unknown, the controller\'s settings assumed). Grant the reader the permissions of examples/rbac/ingress2gw-rbac.yaml.',
    /** resource: `plural[.group]`; namespace absent for a cluster-scoped read; user as the API server named it; without: the objects given up. */
    render: (d: ForbiddenRead & {without: string}) => `${forbiddenSentence(d)}; continuing without ${d.without}`,
  }),
  defineDiagnostic({
    code: 'cluster-lookup',
    level: 'info',
    doc: 'What --lookup-cluster read from the cluster to complete file input (Services, Secrets\' existence, the controller\'s objects). Nothing to do.',
    /** cluster: the kube context and server read from; wanted: how many objects the files lacked; read/absent by kind. */
    render: (d: {cluster: string; wanted: number; read: LookupObjects; absent: LookupObjects}) => {
      if (d.wanted === 0) return `--lookup-cluster: the files lack no Service, IngressClass or controller ConfigMap; nothing was read from ${d.cluster}`
      const missing = lookupList(d.absent)
      return `--lookup-cluster read from ${d.cluster} (get only): ${lookupList(d.read) || 'nothing'}${missing ? `; not in the cluster either: ${missing}` : ''}`
    },
  }),
  defineDiagnostic({
    code: 'cluster-lookup-failed',
    level: 'warning',
    doc: '--lookup-cluster could not read what the file input lacks (Services, the controller\'s objects): they are treated as absent. Check the kubeconfig and permissions.',
    /** kind: the kind that could not be read (error: why, RBAC or API error); without kind, the cluster could not be read at all. */
    render: (d: {kind: LookupKind; cluster: string; error: string} | {error: string}) =>
      'kind' in d
        ? `could not read the ${d.kind}s the input lacks from ${d.cluster} (${d.error}); ${LOOKUP_LOST[d.kind]}`
        : `--lookup-cluster could not read the cluster (${d.error}); nothing was looked up: ${Object.values(LOOKUP_LOST).join('; ')}`,
  }),
  defineDiagnostic({
    code: 'cluster-missing-crd',
    level: 'warning',
    doc: 'The cluster does not serve a kind the output uses: Gateway API Gateways and HTTPRoutes (v1), ReferenceGrant, or Envoy Gateway\'s policies. The output cannot be applied until the CRDs are installed (cross-namespace certificate references cannot be granted without ReferenceGrant). What to do: install the Gateway API v1.6 standard CRDs and Envoy Gateway v1.9 (which ships them).',
    /** missing: the Gateway API's Gateways and HTTPRoutes, Envoy Gateway's kinds, ReferenceGrant, or the kind of an object to diff. */
    render: (d: {missing: 'gateway-api' | 'envoy-gateway' | 'reference-grant'; group: string} | {missing: 'kind'; apiVersion: string; kind: string}) => {
      switch (d.missing) {
        case 'gateway-api':
          return `the cluster does not serve ${d.group}/v1 Gateways and HTTPRoutes (Gateway API CRDs not installed); the output cannot be applied until they are`
        case 'envoy-gateway':
          return `the cluster does not serve ${d.group} (Envoy Gateway CRDs not installed); Envoy Gateway policies in the output cannot be applied until they are`
        case 'reference-grant':
          return `the cluster does not serve ReferenceGrant (${d.group}); cross-namespace certificate references cannot be granted`
        case 'kind':
          return notServedMessage(d.apiVersion, d.kind)
      }
    },
  }),
  defineDiagnostic({
    code: 'cluster-read-failed',
    level: 'warning',
    doc: 'A cluster read failed (network, server error): the conversion continues without those objects. Rerun when the API server answers.',
    /** what: the resource (and object) read; status and error: the API server's answer. */
    render: (d: {verb: string; what: string; status: number; error: string}) => `could not ${d.verb} ${d.what} (${d.status}): ${d.error}; continuing without it`,
  }),
  defineDiagnostic({
    code: 'duplicate-object',
    level: 'warning',
    doc: 'An object defined twice in the input: the first is kept, the other ignored. Remove or rename one of them.',
    render: (d: {object: string; kept: string; ignored: string}) =>
      `${d.object} is defined twice: kept the one at ${d.kept}, ignored the one at ${d.ignored}; remove or rename one of them`,
  }),
  defineDiagnostic({
    code: 'empty-input',
    level: 'warning',
    doc: 'No manifest files were read, or they hold no Ingresses or related objects: nothing to convert. Check the path (-R for subdirectories) or the namespace.',
    /** filesRead 0: no manifest file among paths; otherwise the files hold nothing the conversion reads. */
    render: (d: {paths: string[]; filesRead: number}) =>
      d.filesRead === 0
        ? `No manifest files were read from ${d.paths.length ? d.paths.join(', ') : '(no paths)'}; directories are searched for *.yaml, *.yml and *.json files (subdirectories with -R)`
        : `No Ingresses or related objects were found in the ${d.filesRead} file${d.filesRead === 1 ? '' : 's'} read; check the paths (subdirectories need -R)`,
  }),
  defineDiagnostic({
    code: 'ingress-v1beta1',
    level: 'info',
    doc: 'An extensions/v1beta1 or networking.k8s.io/v1beta1 Ingress: it is read as networking.k8s.io/v1 (backend.serviceName/servicePort -> backend.service, spec.backend -> spec.defaultBackend). Those versions were removed in Kubernetes 1.22: update the manifest.',
    render: (d: {apiVersion: string}) =>
      `Read this ${d.apiVersion} Ingress as networking.k8s.io/v1 (backend.serviceName/servicePort -> backend.service, spec.backend -> spec.defaultBackend); ` +
      `${d.apiVersion} was removed in Kubernetes 1.22, update the manifest to networking.k8s.io/v1`,
  }),
  defineDiagnostic({
    code: 'input-not-found',
    level: 'error',
    doc: 'An input path does not exist: it is skipped and the other inputs are still read. Check the path.',
    render: (d: {path: string}) => `Cannot read ${d.path}: no such file or directory; check the path (the other inputs were still read)`,
  }),
  defineDiagnostic({
    code: 'input-unreadable',
    level: 'error',
    doc: 'An input path could not be read (permissions, a directory without -R, stdin unavailable): it is skipped and the other inputs are still read.',
    /** error: the system's reason (errno text), never file content; stdin: standard input is not available to the command. */
    render: (d: {path: string; action: 'read' | 'list'; error: string} | {path: '-'; stdin: 'unavailable'}) =>
      'stdin' in d
        ? 'Cannot read - (stdin): standard input is not available here; pass a file or directory instead'
        : `Cannot ${d.action} ${d.path}: ${d.error}; the other inputs were still read`,
  }),
  defineDiagnostic({
    code: 'invalid-ingress',
    level: 'error',
    doc: 'An Ingress the compiler cannot model (no spec, no rules nor defaultBackend, wrong types): it is skipped, and the report lists it as not converted. Fix the manifest.',
    render: (d: {namespace: string; name: string} & InvalidIngressProblem) => `Ingress ${d.namespace}/${d.name} is skipped: ${invalidIngressProblem(d)}`,
  }),
  defineDiagnostic({
    code: 'invalid-object',
    level: ['error', 'warning'],
    doc: 'An object field of the wrong type (labels or annotations not a mapping of strings, a number where a string belongs) or value (a metadata.creationTimestamp that is no RFC 3339 time: the object is ordered as if it had none): read the way the message says, or ignored; the API server would reject it. Quote or fix the value. An error when the object cannot be read at all.',
    render: renderInvalidObject,
  }),
  defineDiagnostic({
    code: 'namespace-defaulted',
    level: 'info',
    doc: 'Objects without metadata.namespace in file input are placed in the kubeconfig context\'s namespace (or "default"), as kubectl apply does. Set the namespace in the manifests if another was meant.',
    /** from: -n/--namespace (flag) or the kubeconfig context; origin: where the context's namespace came from. */
    render: (d: {count: number; file: string; namespace: string} & ({from: 'flag'} | {from: 'context'; origin: string})) =>
      `${d.count} object${d.count === 1 ? '' : 's'} in ${d.file} without metadata.namespace ${d.count === 1 ? 'was' : 'were'} placed in namespace "${d.namespace}" (${
        d.from === 'flag' ? 'given with -n/--namespace' : `${d.origin}, as kubectl does when -n is not given; pass -n NAMESPACE if they belong elsewhere`
      })`,
  }),
  defineDiagnostic({
    code: 'namespace-mismatch',
    level: 'warning',
    doc: 'An object whose namespace is not the one given with -n/--namespace: it was skipped, as kubectl refuses it too. Run with its namespace, or without -n, to include it.',
    render: (d: {object: string; at: string; namespace: string; given: string}) =>
      `${d.object} at ${d.at} is in namespace "${d.namespace}", not "${d.given}" given with -n/--namespace; it was skipped, kubectl refuses it too (run with -n ${d.namespace}, or without -n, to include it)`,
  }),
  defineDiagnostic({
    code: 'service-not-found',
    level: 'warning',
    doc: 'A Service an Ingress path sends to does not exist in the cluster: ingress-nginx answers 503 for those paths, and the HTTPRoute\'s backendRef stays unresolved (Envoy Gateway answers 500) until it exists. What to do: create the Service, or fix the backend name in the Ingress, before cutting traffic over.',
    render: (d: {namespace: string; service: string; ports: string[]}) =>
      `Service ${d.namespace}/${d.service} (port ${d.ports.join(', ')}) does not exist in the cluster: ingress-nginx answers 503 for its paths, and the HTTPRoute's backendRef stays unresolved (Envoy Gateway answers 500) until it exists`,
  }),
  defineDiagnostic({
    code: 'skipped-kind',
    level: 'info',
    doc: 'Objects of kinds the conversion does not read (Deployments, CRDs...): they are skipped. Nothing to do.',
    /** kind: `StatefulSet (apps)`; files: where they were, each once; reason: why that kind or version is not read. */
    render: (d: {count: number; kind: string; files: string[]; reason: string}) =>
      `Skipped ${d.count} ${d.kind} object${d.count === 1 ? '' : 's'}${d.files.length > 1 ? ` in ${d.files.length} files` : ` in ${d.files[0]}`}: ${d.reason}`,
  }),
  defineDiagnostic({
    code: 'subdirectories-skipped',
    level: 'info',
    doc: 'Subdirectories of an input directory were not read: pass -R/--recursive to read them.',
    render: (d: {dir: string; count: number}) =>
      `${d.count} subdirector${d.count === 1 ? 'y' : 'ies'} of ${d.dir} ${d.count === 1 ? 'was' : 'were'} not read; pass -R/--recursive to read them`,
  }),
  defineDiagnostic({
    code: 'yaml-alias-bomb',
    level: 'error',
    doc: 'A YAML document was refused because of its aliases: an alias that contains itself, or aliases that expand to far more nodes than the document holds (an alias bomb, which would exhaust memory). The other documents are still read. Write the values out instead of aliasing them.',
    render: (d: {at: string; recursive: true} | {at: string; recursive: false; expanded: number; distinct: number; limit: number; ratio: number}) =>
      d.recursive
        ? `Document at ${d.at} contains a recursive YAML alias (a node that contains itself); it was refused, remove the alias`
        : `Document at ${d.at} was refused: its YAML aliases expand to ${d.expanded} nodes from ${d.distinct} (limit ${d.limit} and ${d.ratio}x); this looks like an alias bomb, write the values out`,
  }),
  defineDiagnostic({
    code: 'yaml-syntax',
    level: 'error',
    doc: 'A YAML document is not valid YAML (the message gives file, line and the parser\'s error): that document is ignored and the others of the file are still read. Fix the syntax and run again.',
    /** reason is js-yaml's reason, never its message: that quotes the source, which may be a Secret's data. */
    render: (d: {file: string; line: number; column?: number; reason: string; documentLine: number}) =>
      `Invalid YAML at ${d.file}:${d.line}${d.column !== undefined ? `:${d.column}` : ''}: ${d.reason}; the document starting at line ${d.documentLine} was ignored, fix it and run again`,
  }),
] as const

/** Why the API server would never have accepted an Ingress (select.ts invalidIngressReason). */
export type InvalidIngressProblem =
  | {problem: 'name-not-dns-subdomain'; value: string}
  | {problem: 'namespace-not-dns-label'; value: string}
  | {problem: 'no-spec' | 'rules-not-list' | 'no-rules-or-default-backend' | 'tls-not-list'}

export function invalidIngressProblem(d: InvalidIngressProblem): string {
  switch (d.problem) {
    case 'name-not-dns-subdomain':
      return `its name "${d.value}" is not a DNS-1123 subdomain (lower-case letters, digits, '-' and '.'), so the API server never accepted it`
    case 'namespace-not-dns-label':
      return `its namespace "${d.value}" is not a DNS-1123 label`
    case 'no-spec':
      return 'it has no spec'
    case 'rules-not-list':
      return 'spec.rules is not a list'
    case 'no-rules-or-default-backend':
      return 'it has neither spec.rules nor spec.defaultBackend'
    case 'tls-not-list':
      return 'spec.tls is not a list'
  }
}

/** A read the cluster refused (403): who, which verb on which resource, where. */
export interface ForbiddenRead {
  verb: string
  /** `plural` or `plural.group` */
  resource: string
  /** absent for a cluster-scoped read */
  namespace?: string
  /** the user the API server named, when it did */
  user?: string
}

/** The sentence of a refused read, shared by the optional reads' warning and the required reads' error. */
export function forbiddenSentence(d: ForbiddenRead): string {
  const scope = d.namespace !== undefined ? `in namespace "${d.namespace}"` : 'at the cluster scope'
  return `forbidden: ${d.user !== undefined ? `user "${d.user}"` : 'the current user'} may not ${d.verb} ${d.resource} ${scope}; grant "${d.verb}" on "${d.resource}" (see examples/rbac/ingress2gw-rbac.yaml)`
}
