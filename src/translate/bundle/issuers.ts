/**
 * cert-manager Issuers / ClusterIssuers: ACME HTTP-01 solvers that created Ingresses for ingress-nginx
 * (`http01.ingress`) become `http01.gatewayHTTPRoute` solvers attached to the shared Gateway's HTTP listener.
 * Every other solver (DNS-01, other ingress classes) and every solver `selector` is kept as it is.
 *
 * Namespaced Issuers that Certificates in the gateway namespace need are also copied there (named
 * `issuerCopyName(...)`, which certificates.ts uses in `issuerRef`), because a namespaced Issuer only serves
 * Certificates in its own namespace.
 */
import {MANAGED_BY, SOURCE_ANNOTATION} from '../../model/provenance.js'
import type {Diagnostic, DiagnosticRef, KubeObject, NamespacedName} from '../../model/types.js'
import {dnsName} from '../../model/names.js'
import {acmeExemptPolicyName, gatewayParentRef, issuerCopyName} from '../../model/gateway-refs.js'
import {cloneJson, isObject} from '../../util/json.js'
import {about, aboutObject, refOf} from '../../model/diagnostics.js'
import {diagnostic} from '../../model/catalogue/diagnostic.js'
import type {IssuerUser, SolverRewrite, TemplateAnnotationEffect} from '../../model/catalogue/gateway.js'
import type {EmittedObject} from '../../model/emitted.js'

/** An Issuer or ClusterIssuer as written out. */
export type IssuerObject = EmittedObject<'Issuer'> | EmittedObject<'ClusterIssuer'>
import {pushAll} from '../../util/arrays.js'

export interface IssuerRewriteContext {
  gateway: NamespacedName
  httpListener: string
  /** Ingress classes served by ingress-nginx (empty: `nginx`). */
  nginxClasses: string[]
  /** Namespaced Issuers ('ns/name') that Certificates in the gateway namespace reference. */
  gatewayNamespaceNeeds: Set<string>
  /**
   * Only the copies into `gateway`'s namespace (and what they need): the run for another Gateway's namespace
   * already rewrote and reported the Issuers themselves.
   */
  copiesOnly?: boolean
  /**
   * The Gateway that serves a solver's challenges: the one of its ingress class (`--gateway-for CLASS=NS/NAME`), or
   * of the Ingress it edits (`http01.ingress.name`); undefined or absent: `gateway`.
   */
  gatewayForSolver?: (solver: {className?: string; ingressName?: string}) => NamespacedName | undefined
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration'
const NGINX_PREFIX = 'nginx.ingress.kubernetes.io/'

/** What an ingress-nginx annotation in a solver's ingressTemplate did to the challenge path. */
function templateAnnotationEffect(key: string, value: string): TemplateAnnotationEffect {
  const name = key.slice(NGINX_PREFIX.length)
  const all = value.split(',').map((v) => v.trim()).some((v) => v === '0.0.0.0/0' || v === '::/0')
  switch (name) {
    case 'whitelist-source-range':
    case 'allowlist-source-range':
      return all ? 'opened-allowlist' : 'replaced-allowlist'
    case 'denylist-source-range':
      return 'replaced-denylist'
    case 'enable-global-auth':
      return 'global-auth'
    case 'ssl-redirect':
    case 'force-ssl-redirect':
      return 'redirect'
    default:
      return name.startsWith('auth-') ? 'auth' : 'other'
  }
}

export function rewriteIssuers(issuers: KubeObject[], ctx: IssuerRewriteContext): {objects: IssuerObject[]; diagnostics: Diagnostic[]} {
  const objects: IssuerObject[] = []
  const diagnostics: Diagnostic[] = []
  const classes = ctx.nginxClasses.length > 0 ? ctx.nginxClasses : ['nginx']
  const seen = new Set<string>()
  /** Secrets that must exist in the gateway namespace -> the Issuers there (own or copied) that reference them. */
  const gatewaySecrets = new Map<string, SecretUser[]>()
  const addSecretUsers = (user: Omit<SecretUser, 'paths'>, refs: SecretRef[]): void => {
    const byName = new Map<string, string[]>()
    for (const r of refs) byName.set(r.name, [...(byName.get(r.name) ?? []), r.path])
    for (const [secret, paths] of byName) gatewaySecrets.set(secret, [...(gatewaySecrets.get(secret) ?? []), {...user, paths}])
  }

  const list = (Array.isArray(issuers) ? issuers : [])
    .filter((o) => isObject(o) && (o.kind === 'Issuer' || o.kind === 'ClusterIssuer'))
    .sort((a, b) => refOf(a).localeCompare(refOf(b)))

  for (const issuer of list) {
    const ref = refOf(issuer)
    const subject = aboutObject(issuer)
    const name = issuer.metadata?.name
    const namespaced = issuer.kind === 'Issuer'
    const namespace = namespaced ? issuer.metadata?.namespace : undefined
    if (typeof name !== 'string' || name === '' || (namespaced && (typeof namespace !== 'string' || namespace === ''))) {
      diagnostics.push(diagnostic('issuer-invalid', {issuer: ref, namespaced}, subject))
      continue
    }
    if (namespaced) seen.add(`${namespace}/${name}`)
    if (namespaced && namespace === ctx.gateway.namespace) addSecretUsers({ref, name, copied: false}, secretRefs(issuer.spec))

    const rewrite = rewriteSpec(issuer.spec, classes, ctx, ref, subject)
    if (!ctx.copiesOnly) diagnostics.push(...rewrite.diagnostics)

    if (rewrite.changed.length > 0 && !ctx.copiesOnly) {
      objects.push(userObject(issuer, rewrite.spec, name, namespace, ref, diagnostics))
      diagnostics.push(
        diagnostic('issuer-rewritten', {issuer: ref, solvers: rewrite.changed, listener: ctx.httpListener}, {
          ...subject,
          hint:
            'cert-manager must run with --enable-gateway-api (Helm: config.enableGatewayAPI: true); the challenge HTTPRoute is created in the ' +
            "Certificate's namespace, which the listener's allowedRoutes must admit. HTTP-01 through the Gateway only succeeds once DNS for the hosts " +
            'points at the Gateway: apply this Issuer at cutover, and until then keep the ingress solver so renewals still validate through ingress-nginx',
        }),
      )
    }

    const needKey = namespaced ? `${namespace}/${name}` : ''
    const needsCopy = namespaced && ctx.gatewayNamespaceNeeds.has(needKey) && namespace !== ctx.gateway.namespace
    if (needsCopy) {
      const copyName = issuerCopyName(ctx.gateway, namespace!, name)
      const copy = userObject(issuer, rewrite.spec, copyName, ctx.gateway.namespace, ref, [])
      objects.push(copy)
      const refs = secretRefs(issuer.spec)
      addSecretUsers({ref, name: copyName, copied: true}, refs)
      const account = isObject(issuer.spec?.acme) && isObject(issuer.spec.acme.privateKeySecretRef) ? issuer.spec.acme.privateKeySecretRef.name : undefined
      const others = [...new Set(refs.map((r) => r.name))].sort().filter((s) => s !== account)
      const facts = {issuer: ref, gatewayNamespace: ctx.gateway.namespace, copy: copyName, ...(typeof account === 'string' && account !== '' ? {accountSecret: account} : {}), otherSecrets: others}
      diagnostics.push(
        diagnostic('issuer-copied', facts, {
          ...subject,
          hint: `copy the Secret(s) from ${namespace} to ${ctx.gateway.namespace} yourself (this tool never reads or copies Secret data)`,
        }),
      )
    }

    if (rewrite.changed.length === 0 && !ctx.copiesOnly) {
      diagnostics.push(
        diagnostic('issuer-unchanged', {issuer: ref, classes, otherClasses: rewrite.otherClasses, copyEmitted: needsCopy}, subject),
      )
    }
  }

  pushAll(diagnostics, secretCollisions(gatewaySecrets, ctx.gateway))

  for (const need of [...ctx.gatewayNamespaceNeeds].sort()) {
    if (seen.has(need)) continue
    const [ns, name] = need.split('/')
    if (!ns || !name || ns === ctx.gateway.namespace) continue
    const copyName = issuerCopyName(ctx.gateway, ns, name)
    diagnostics.push(
      diagnostic('issuer-not-found', {issuer: need, gatewayNamespace: ctx.gateway.namespace, copy: copyName}, {
        ...about('Issuer', {namespace: ns, name}),
        hint: `create Issuer ${ctx.gateway.namespace}/${copyName} with the same spec as ${need} (with an http01.gatewayHTTPRoute solver), or rerun with the Issuer in the input`,
      }),
    )
  }
  return {objects, diagnostics}
}

interface SpecRewrite {
  spec: any
  /** The rewritten solvers. */
  changed: SolverRewrite[]
  otherClasses: string[]
  diagnostics: Diagnostic[]
}

function rewriteSpec(spec: any, classes: string[], ctx: IssuerRewriteContext, ref: string, subject: {object: string; ref: DiagnosticRef}): SpecRewrite {
  const out: SpecRewrite = {spec: cloneJson(spec), changed: [], otherClasses: [], diagnostics: []}
  const solvers = out.spec?.acme?.solvers
  if (!Array.isArray(solvers)) return out
  solvers.forEach((solver: any, i: number) => {
    const ingress = isObject(solver) && isObject(solver.http01) ? solver.http01.ingress : undefined
    if (!isObject(ingress)) return
    const cls = nonEmpty(ingress.ingressClassName) ?? nonEmpty(ingress.class)
    const edited = nonEmpty(ingress.name)
    if (cls !== undefined && edited === undefined && !classes.includes(cls)) {
      out.otherClasses.push(cls)
      return
    }
    // ingress-nginx served the solver's temporary Ingress on the controller of its class, so the challenge must land
    // on the Gateway of that class, where that class's hosts point.
    const target = ctx.gatewayForSolver?.({className: cls, ingressName: edited}) ?? ctx.gateway
    const route: Record<string, any> = {parentRefs: [gatewayParentRef(target, ctx.httpListener)]}
    if (ingress.serviceType !== undefined) route.serviceType = cloneJson(ingress.serviceType)
    if (ingress.podTemplate !== undefined) route.podTemplate = cloneJson(ingress.podTemplate)
    const tmpl = isObject(ingress.ingressTemplate) && isObject(ingress.ingressTemplate.metadata) ? ingress.ingressTemplate.metadata : undefined
    if (tmpl && isObject(tmpl.labels) && Object.keys(tmpl.labels).length > 0) route.labels = cloneJson(tmpl.labels)
    if (tmpl && isObject(tmpl.annotations) && Object.keys(tmpl.annotations).length > 0) {
      const keys = Object.keys(tmpl.annotations).sort()
      const nginxKeys = keys.filter((k) => k.startsWith(NGINX_PREFIX))
      const otherKeys = keys.filter((k) => !k.startsWith(NGINX_PREFIX))
      if (nginxKeys.length > 0) {
        const exempt = `${ctx.gateway.namespace}/${acmeExemptPolicyName(ctx.gateway)}`
        out.diagnostics.push(
          diagnostic(
            'issuer-ingress-template-nginx',
            {
              issuer: ref,
              solver: i,
              annotations: nginxKeys.map((k) => ({key: k, value: String(tmpl.annotations[k]), effect: templateAnnotationEffect(k, String(tmpl.annotations[k]))})),
              exemptPolicy: exempt,
            },
            {
              ...subject,
              hint: `${exempt} is generated with the Gateway-level SecurityPolicy (controller ConfigMap allowlist or global-auth-url, --nginx-defaults); without --nginx-defaults the Gateway has no such policy and nothing blocks the challenges`,
            },
          ),
        )
      }
      if (otherKeys.length > 0) {
        out.diagnostics.push(
          diagnostic('issuer-ingress-template-annotations', {issuer: ref, solver: i, annotations: otherKeys}, subject),
        )
      }
    }
    const http01: Record<string, any> = {}
    for (const [k, v] of Object.entries(solver.http01)) if (k !== 'ingress' && k !== 'gatewayHTTPRoute') http01[k] = v
    http01.gatewayHTTPRoute = route
    solver.http01 = http01
    out.changed.push({index: i, ...(edited !== undefined ? {editsIngress: edited} : {}), ...(cls !== undefined ? {className: cls} : {}), gateway: `${target.namespace}/${target.name}`})
  })
  return out
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

/** The fields a user would apply: apiVersion, kind, name/namespace/labels/annotations, spec. */
function userObject(
  issuer: KubeObject,
  spec: any,
  name: string,
  namespace: string | undefined,
  sourceRef: string,
  diagnostics: Diagnostic[],
): IssuerObject {
  const labels: Record<string, string> = {}
  const original = isObject(issuer.metadata?.labels) ? issuer.metadata.labels : {}
  for (const [k, v] of Object.entries(original)) if (typeof v === 'string') labels[k] = v
  const previous = labels[MANAGED_BY]
  if (previous !== undefined && previous !== 'ingress2gw') {
    diagnostics.push(
      diagnostic('issuer-managed-by-replaced', {issuer: sourceRef, managedBy: previous}, {
        object: sourceRef,
        hint: `if ${previous} owns this Issuer (Helm chart, GitOps repository), change the solver there instead of applying this object, or ${previous} will revert it`,
      }),
    )
  }
  labels[MANAGED_BY] = 'ingress2gw'
  const annotations: Record<string, string> = {}
  const origAnn = isObject(issuer.metadata?.annotations) ? issuer.metadata.annotations : {}
  for (const [k, v] of Object.entries(origAnn)) if (typeof v === 'string' && k !== LAST_APPLIED) annotations[k] = v
  annotations[SOURCE_ANNOTATION] = sourceRef
  const metadata: KubeObject['metadata'] = {name}
  if (namespace !== undefined) metadata.namespace = namespace
  metadata.labels = sortKeys(labels)
  metadata.annotations = sortKeys(annotations)
  // A copy of an input Issuer or ClusterIssuer (rewriteIssuers takes no other kind): its spec is the user's, which the
  // API server validated against cert-manager's CRD; only the solvers changed.
  const out = {apiVersion: typeof issuer.apiVersion === 'string' ? issuer.apiVersion : 'cert-manager.io/v1', kind: issuer.kind, metadata} as IssuerObject
  if (spec !== undefined) out.spec = cloneJson(spec)
  return out
}

function sortKeys(record: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const k of Object.keys(record).sort()) out[k] = record[k]
  return out
}

interface SecretRef {
  name: string
  /** Where the spec names it ("spec.acme.privateKeySecretRef"). */
  path: string
}

interface SecretUser {
  /** The Issuer as read ("Issuer team-a/le"). */
  ref: string
  /** Its name in the gateway namespace. */
  name: string
  copied: boolean
  paths: string[]
}

/** Secrets the Issuer spec references (ACME account key, DNS-01 credentials, CA key pair, ...), in spec order. */
function secretRefs(spec: unknown): SecretRef[] {
  const found: SecretRef[] = []
  const walk = (value: unknown, key: string, path: string): void => {
    if (Array.isArray(value)) {
      value.forEach((v, i) => walk(v, key, `${path}[${i}]`))
      return
    }
    if (!isObject(value)) {
      if (key === 'secretName' && typeof value === 'string' && value !== '') found.push({name: value, path})
      return
    }
    if (/secret/i.test(key) && typeof value.name === 'string' && value.name !== '') found.push({name: value.name, path})
    for (const [k, v] of Object.entries(value)) walk(v, k, `${path}.${k}`)
  }
  walk(spec, '', 'spec')
  return found
}

/**
 * Copied Issuers reference their Secrets by name, and those Secrets must now live in the gateway namespace: two
 * Issuers (copies, or an Issuer already there) naming the same Secret would share one object although their origin
 * namespaces held different ones (ACME account keys, DNS-01 credentials). The first user keeps the name (Issuers of
 * the gateway namespace first, then copies in source order); every other copy is told to rename its reference.
 */
function secretCollisions(secrets: Map<string, SecretUser[]>, gateway: NamespacedName): Diagnostic[] {
  const out: Diagnostic[] = []
  const describe = (u: SecretUser): string => (u.copied ? `Issuer ${gateway.namespace}/${u.name} (the copy of ${u.ref})` : u.ref)
  const user = (u: SecretUser): IssuerUser => ({issuer: u.ref, ...(u.copied ? {copy: u.name} : {}), gatewayNamespace: gateway.namespace})
  for (const secret of [...secrets.keys()].sort()) {
    const users = [...secrets.get(secret)!].sort((a, b) => Number(a.copied) - Number(b.copied) || (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0))
    if (users.length < 2 || !users.some((u) => u.copied)) continue
    const [keeper, ...others] = users
    for (const u of others) {
      if (!u.copied) continue
      const origin = u.ref.replace(/^Issuer /, '').split('/')[0]
      const renamed = dnsName(u.name, secret)
      out.push(
        diagnostic('issuer-secret-collision', {user: user(u), keeper: user(keeper), secret, paths: u.paths, gatewayNamespace: gateway.namespace}, {
          object: u.ref,
          hint:
            `${describe(keeper)} keeps the name; rename it for ${describe(u)}: copy Secret ${origin}/${secret} to ${gateway.namespace}/${renamed} ` +
            `and change ${u.paths.join(', ')} of Issuer ${gateway.namespace}/${u.name} to "${renamed}"`,
        }),
      )
    }
  }
  return out
}
