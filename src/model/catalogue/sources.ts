/** Diagnostics about reading the input (files, cluster, options). */
import {defineDiagnostic} from './define.js'

export const SOURCES = [
  defineDiagnostic({
    code: 'kubeconfig-unreadable',
    level: 'warning',
    doc: 'TODO',
  }),
  defineDiagnostic({
    code: 'live-gateway-unreadable',
    level: 'warning',
    doc: 'Could not read the live Gateway …/… (…); the emitted Gateway lists only this input\'s listeners and certificates.',
  }),
  defineDiagnostic({
    code: 'class-not-selected',
    level: 'info',
    doc: '… Ingress(es) skipped, …: ….',
  }),
  defineDiagnostic({
    code: 'classes-not-selected',
    level: 'warning',
    doc: '… Ingress(es) are not converted: their ingress classes have no IngressClass object in the input and no flag selected them: …. If ingress-nginx served them, add: …. What to do: or --all-classes (every class in these files is ingress-nginx\'s, each its own controller, as separate installations are); --gateway-for CLASS=NAMESPACE/NAME gives a class a Gateway of its own; --lookup-cluster reads the IngressClasses from the cluster instead.',
  }),
  defineDiagnostic({
    code: 'cluster-configmap-not-found',
    level: 'warning',
    doc: 'ConfigMap … (named by …) does not exist; continuing without it.',
  }),
  defineDiagnostic({
    code: 'cluster-forbidden',
    level: 'warning',
    doc: 'Err.code === 403 ? `…; continuing without …` : `could not … (…): …; continuing without it.',
  }),
  defineDiagnostic({
    code: 'cluster-lookup',
    level: 'info',
    doc: 'TODO',
  }),
  defineDiagnostic({
    code: 'cluster-lookup-failed',
    level: 'warning',
    doc: 'Could not read the …s the input lacks from … (…); …. Or: --lookup-cluster could not read the cluster (…); nothing was looked up: ….',
  }),
  defineDiagnostic({
    code: 'cluster-missing-crd',
    level: 'warning',
    doc: 'The cluster does not serve …/v1 Gateways and HTTPRoutes (Gateway API CRDs not installed); the output cannot be applied until they are. Or: The cluster does not serve … (Envoy Gateway CRDs not installed); Envoy Gateway policies in the output cannot be applied until they are. What to do: install the Gateway API v1.6 standard CRDs (Envoy Gateway v1.9 ships them).',
  }),
  defineDiagnostic({
    code: 'cluster-read-failed',
    level: 'warning',
    doc: 'Err.code === 403 ? `…; continuing without …` : `could not … (…): …; continuing without it.',
  }),
  defineDiagnostic({
    code: 'duplicate-object',
    level: 'warning',
    doc: '… is defined twice: kept the one at …, ignored the one at …; remove or rename one of them.',
  }),
  defineDiagnostic({
    code: 'empty-input',
    level: 'warning',
    doc: 'FilesRead === 0 ? `No manifest files were read from …; directories are searched for *.yaml, *.yml and *.json files (subdirectories with -R)` : `No Ingresses or related objects were found in the … file… read; check the paths (subdirectories need -R).',
  }),
  defineDiagnostic({
    code: 'ingress-v1beta1',
    level: 'info',
    doc: 'Read this … Ingress as … (backend.serviceName/servicePort -> backend.service, spec.backend -> spec.defaultBackend); … was removed in Kubernetes 1.22, update the manifest to ….',
  }),
  defineDiagnostic({
    code: 'input-not-found',
    level: 'error',
    doc: 'NotFound ? `Cannot read …: no such file or directory; check the path (the other inputs were still read)` : `Cannot …: …; the other inputs were still read.',
  }),
  defineDiagnostic({
    code: 'input-unreadable',
    level: 'error',
    doc: 'NotFound ? `Cannot read …: no such file or directory; check the path (the other inputs were still read)` : `Cannot …: …; the other inputs were still read. Or: Cannot read - (stdin): standard input is not available here; pass a file or directory instead.',
  }),
  defineDiagnostic({
    code: 'invalid-ingress',
    level: 'error',
    doc: 'Ingress …/… is skipped: ….',
  }),
  defineDiagnostic({
    code: 'invalid-object',
    level: ['error', 'warning'],
    doc: 'Metadata.… is …, not a mapping of strings; it was ignored (the API server would reject this object). Or: … is …, not a string; read as "…" — quote the value in the manifest, the API server rejects it unquoted.',
  }),
  defineDiagnostic({
    code: 'namespace-defaulted',
    level: 'info',
    doc: '… object… in … without metadata.namespace … placed in namespace "…" (…).',
  }),
  defineDiagnostic({
    code: 'namespace-mismatch',
    level: 'warning',
    doc: '… at … is in namespace "…", not "…" given with -n/--namespace; it was skipped, kubectl refuses it too (run with -n …, or without -n, to include it).',
  }),
  defineDiagnostic({
    code: 'service-not-found',
    level: 'warning',
    doc: 'Service …/… (port …) does not exist in the cluster: ingress-nginx answers 503 for its paths, and the HTTPRoute\'s backendRef stays unresolved (Envoy Gateway answers 500) until it exists. What to do: create the Service, or fix the backend name in the Ingress, before cutting traffic over.',
  }),
  defineDiagnostic({
    code: 'skipped-kind',
    level: 'info',
    doc: 'Skipped … object…: ….',
  }),
  defineDiagnostic({
    code: 'subdirectories-skipped',
    level: 'info',
    doc: '… subdirector… of … not read; pass -R/--recursive to read them.',
  }),
  defineDiagnostic({
    code: 'yaml-alias-bomb',
    level: 'error',
    doc: 'Document at … contains a recursive YAML alias (a node that contains itself); it was refused, remove the alias. Or: Document at … was refused: its YAML aliases expand to … nodes from … (limit … and …x); this looks like an alias bomb, write the values out.',
  }),
  defineDiagnostic({
    code: 'yaml-syntax',
    level: 'error',
    doc: 'Invalid YAML at …:…: …; the document starting at line … was ignored, fix it and run again.',
  }),
] as const
