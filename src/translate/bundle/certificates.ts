/**
 * Ingress cert-manager annotations (what cert-manager's ingress-shim reads) -> Certificates in the gateway
 * namespace. The shim created one Certificate per `spec.tls` entry, named after the Secret, in the Ingress's
 * namespace; certificates now terminate on the shared Gateway, so the Certificate and the Secret it issues live in
 * the gateway namespace, named `<ingress-namespace>-<secretName>` so that two namespaces using the same Secret name
 * get two Certificates.
 */
import {parseInt10} from '../../model/parsers.js'
import {shortHash} from '../../util/hash.js'
import {dnsName, normalizeHost} from '../../model/names.js'
import {managedMetadata} from '../../model/provenance.js'
import type {Diagnostic, DiagnosticRef, KubeObject, NamespacedName} from '../../model/types.js'
import {CERT_MANAGER_API_VERSION, CERT_MANAGER_GROUP, issuerCopyName} from '../../model/gateway-refs.js'
import {aboutObject, refOf} from '../../model/diagnostics.js'
import {isObject} from '../../util/json.js'
import type {EmittedObject} from '../../model/emitted.js'
import type {CertificateSpec} from '../../model/generated/index.js'
import {diagnostic} from '../../model/catalogue/diagnostic.js'
import type {CertAnnotationProblem} from '../../model/catalogue/tls.js'

export interface CertificatePlan {
  certificate: EmittedObject<'Certificate'>
  /** The Secret the Certificate issues (gateway namespace): what the https listener lists. */
  secretRef: {namespace: string; name: string}
  hosts: string[]
  /**
   * The issuer as the Ingress named it. `namespace` is set for a namespaced issuer (it lives in the Ingress's
   * namespace): the caller asks rewriteIssuers to copy it into the gateway namespace (`gatewayNamespaceNeeds`).
   */
  issuer: {kind: string; name: string; group: string; namespace?: string}
  /** The Ingress the Certificate comes from ("Ingress team-a/web"), and as data. */
  ingress: string
  ingressRef: DiagnosticRef
  /** The Secret in the Ingress's namespace that the shim's Certificate issued (what ingress-nginx served). */
  sourceSecret: {namespace: string; name: string}
  /** Other Ingresses naming the same Secret (reusing this plan), as "Ingress ns/name". */
  sharedWith: string[]
}

export interface CertificateContext {
  gateway: NamespacedName
  /** Certificate names already used in the gateway namespace; names used here are added. */
  takenNames: Set<string>
  /**
   * Certificates already planned for older Ingresses, by `<ingress namespace>/<secretName>`. cert-manager's
   * ingress-shim keeps one Certificate per Secret, named after it and owned by the Ingress that created it
   * (certificate-shim sync.go buildCertificates: "refusing to update non-owned certificate resource"), so a later
   * Ingress naming the same Secret reuses that plan instead of getting one of its own. Plans made here are added.
   */
  planned?: Map<string, CertificatePlan>
  /**
   * ssl-passthrough: nothing on the Gateway serves the certificate, the backend does (Argo CD's argocd-server-tls):
   * the Certificate stays in the Ingress's namespace under the shim's name, so cert-manager keeps renewing the
   * Secret the backend reads.
   */
  passthrough?: boolean
}

const CM = 'cert-manager.io/'
const A = {
  clusterIssuer: `${CM}cluster-issuer`,
  issuer: `${CM}issuer`,
  issuerKind: `${CM}issuer-kind`,
  issuerGroup: `${CM}issuer-group`,
  tlsAcme: 'kubernetes.io/tls-acme',
  commonName: `${CM}common-name`,
  duration: `${CM}duration`,
  renewBefore: `${CM}renew-before`,
  renewBeforePercentage: `${CM}renew-before-percentage`,
  usages: `${CM}usages`,
  privateKeyAlgorithm: `${CM}private-key-algorithm`,
  privateKeyEncoding: `${CM}private-key-encoding`,
  privateKeySize: `${CM}private-key-size`,
  privateKeyRotationPolicy: `${CM}private-key-rotation-policy`,
  revisionHistoryLimit: `${CM}revision-history-limit`,
  emailSans: `${CM}email-sans`,
  subjectSerialNumber: `${CM}subject-serialnumber`,
  secretTemplate: `${CM}secret-template`,
} as const

/** cert-manager.io/subject-* annotations (CSV with quoting) -> spec.subject fields. */
const SUBJECT_LISTS: [string, string][] = [
  [`${CM}subject-organizations`, 'organizations'],
  [`${CM}subject-organizationalunits`, 'organizationalUnits'],
  [`${CM}subject-countries`, 'countries'],
  [`${CM}subject-provinces`, 'provinces'],
  [`${CM}subject-localities`, 'localities'],
  [`${CM}subject-postalcodes`, 'postalCodes'],
  [`${CM}subject-streetaddresses`, 'streetAddresses'],
]

/** Annotations cert-manager's ACME solver reads on an Ingress; the gatewayHTTPRoute solver has no use for them. */
const SOLVER_ANNOTATIONS = [
  'acme.cert-manager.io/http01-edit-in-place',
  'acme.cert-manager.io/http01-ingress-class',
  'acme.cert-manager.io/http01-ingress-ingressclassname',
]

/** Certificate spec.usages enum (cert-manager v1.21 CRD). */
const USAGES = new Set([
  'signing', 'digital signature', 'content commitment', 'key encipherment', 'key agreement', 'data encipherment',
  'cert sign', 'crl sign', 'encipher only', 'decipher only', 'any', 'server auth', 'client auth', 'code signing',
  'email protection', 's/mime', 'ipsec end system', 'ipsec tunnel', 'ipsec user', 'timestamping', 'ocsp signing',
  'microsoft sgc', 'netscape sgc',
])

const KNOWN = new Set<string>([...Object.values(A), ...SUBJECT_LISTS.map(([k]) => k)])

export function certificatesForIngress(ingress: KubeObject, ctx: CertificateContext): {plans: CertificatePlan[]; diagnostics: Diagnostic[]; reused: CertificatePlan[]} {
  const plans: CertificatePlan[] = []
  const reused: CertificatePlan[] = []
  if (!isObject(ingress) || !isObject(ingress.metadata)) return {plans, diagnostics: [], reused}
  const shim = readShimAnnotations(ingress)
  reportSolverAnnotations(shim)
  const selected = selectIssuer(shim, ctx)
  if (!selected) return {plans, diagnostics: withSubject(shim), reused}
  const {issuer, trigger} = selected
  // Tuning annotations -> spec fields (validated like the shim and the cert-manager webhook).
  const consumed: string[] = [trigger]
  if (shim.has(A.issuerKind)) consumed.push(A.issuerKind)
  if (shim.has(A.issuerGroup)) consumed.push(A.issuerGroup)
  const extra = tuningFields(shim, consumed)
  reportUnreadAnnotations(shim)
  const bySecret = hostsBySecret(ingress, shim, trigger)
  const issuerRef = planCertificates(shim, ctx, {issuer, trigger, extra, consumed, bySecret}, plans, reused)
  reportCertificatePlans(shim, ctx, {issuer, trigger, issuerRef}, plans)
  return {plans, diagnostics: withSubject(shim), reused}
}

/** The shim's diagnostics name the Ingress by its display text (`ref`): give them the same as data. */
function withSubject(shim: ShimIngress): Diagnostic[] {
  for (const d of shim.diagnostics) if (d.object === shim.ref && d.ref === undefined) d.ref = shim.subject.ref
  return shim.diagnostics
}

/** An Ingress as cert-manager's ingress-shim reads it: its string annotations, and where diagnostics about them go. */
interface ShimIngress {
  ref: string
  /** `ref` as data, for the diagnostics (diagnostics.ts about). */
  subject: {object: string; ref: DiagnosticRef}
  ns: string
  ingName: string
  ann: Record<string, string>
  has: (key: string) => boolean
  warnInvalid: (key: string, why: CertAnnotationProblem) => void
  diagnostics: Diagnostic[]
}

function readShimAnnotations(ingress: KubeObject): ShimIngress {
  const diagnostics: Diagnostic[] = []
  const subject = aboutObject(ingress)
  const ref = subject.object
  const ns = typeof ingress.metadata.namespace === 'string' && ingress.metadata.namespace !== '' ? ingress.metadata.namespace : 'default'
  const ingName = typeof ingress.metadata.name === 'string' ? ingress.metadata.name : ''
  const ann: Record<string, string> = {}
  if (isObject(ingress.metadata.annotations)) {
    for (const [k, v] of Object.entries(ingress.metadata.annotations)) if (typeof v === 'string') ann[k] = v
  }
  const has = (k: string): boolean => Object.prototype.hasOwnProperty.call(ann, k)
  const warnInvalid = (key: string, why: CertAnnotationProblem): void => {
    diagnostics.push(diagnostic('certmanager-annotation-invalid', {key, value: ann[key]!, ...why}, {object: ref, annotation: key, hint: `fix or remove ${key} on ${ref}`}))
  }
  return {ref, subject, ns, ingName, ann, has, warnInvalid, diagnostics}
}

/** acme.cert-manager.io/http01-* -> info: the gatewayHTTPRoute solver has no use for them, whatever the trigger. */
function reportSolverAnnotations({ann, has, ref, diagnostics}: ShimIngress): void {
  for (const key of SOLVER_ANNOTATIONS) {
    if (!has(key)) continue
    diagnostics.push(
      diagnostic('certmanager-solver-annotation', {key, value: ann[key]!}, {object: ref, annotation: key}),
    )
  }
}

/**
 * cert-manager.io/cluster-issuer, issuer (+ issuer-kind/-group), kubernetes.io/tls-acme -> the Certificate's issuer,
 * with the shim's own conflict rules (issuerForIngressLike); undefined when the shim issued nothing.
 */
function selectIssuer({ann, has, ref, ns, warnInvalid, diagnostics}: ShimIngress, ctx: CertificateContext): {issuer: CertificatePlan['issuer']; trigger: string} | undefined {
  const clusterIssuer = has(A.clusterIssuer) ? ann[A.clusterIssuer] : undefined
  const issuerName = has(A.issuer) ? ann[A.issuer] : undefined
  const tlsAcme = ann[A.tlsAcme] === 'true'
  if (clusterIssuer === undefined && issuerName === undefined && !tlsAcme) return undefined

  // Issuer selection, with the shim's own conflict rules (issuerForIngressLike).
  const conflicts: {set: string; with: string}[] = []
  if (clusterIssuer !== undefined && issuerName !== undefined) conflicts.push({set: A.issuer, with: A.clusterIssuer})
  if (clusterIssuer !== undefined && has(A.issuerKind)) conflicts.push({set: A.clusterIssuer, with: A.issuerKind})
  if (clusterIssuer !== undefined && has(A.issuerGroup)) conflicts.push({set: A.clusterIssuer, with: A.issuerGroup})
  if (conflicts.length > 0) {
    diagnostics.push(
      diagnostic('certmanager-issuer-conflict', {ingress: ref, conflicts}, {
        object: ref,
        annotation: clusterIssuer !== undefined ? A.clusterIssuer : A.issuer,
        hint: `keep either ${A.clusterIssuer} or ${A.issuer} (+ ${A.issuerKind}/${A.issuerGroup}) and rerun`,
      }),
    )
    return undefined
  }

  let issuer: CertificatePlan['issuer']
  let trigger: string
  if (clusterIssuer !== undefined || issuerName !== undefined) {
    trigger = clusterIssuer !== undefined ? A.clusterIssuer : A.issuer
    const name = (clusterIssuer ?? issuerName ?? '').trim()
    if (name === '') {
      warnInvalid(trigger, {problem: 'no-issuer-name'})
      return undefined
    }
    if (clusterIssuer !== undefined) {
      issuer = {kind: 'ClusterIssuer', name, group: CERT_MANAGER_GROUP}
    } else {
      const kind = has(A.issuerKind) && ann[A.issuerKind].trim() !== '' ? ann[A.issuerKind].trim() : 'Issuer'
      const group = has(A.issuerGroup) && ann[A.issuerGroup].trim() !== '' ? ann[A.issuerGroup].trim() : CERT_MANAGER_GROUP
      const clusterScoped = group === CERT_MANAGER_GROUP ? kind === 'ClusterIssuer' : /^Cluster/.test(kind)
      issuer = {kind, name, group}
      if (!clusterScoped) issuer.namespace = ns
      if (group !== CERT_MANAGER_GROUP) {
        diagnostics.push(
          diagnostic('certmanager-external-issuer', {ingress: ref, kind, group, name, clusterScoped, namespace: ns}, {
            object: ref,
            annotation: A.issuerGroup,
            hint: clusterScoped
              ? `check that ${kind} ${name} is cluster-scoped`
              : `create ${kind}.${group} "${issuerCopyName(ctx.gateway, ns, name)}" in ${ctx.gateway.namespace} with the same configuration: the Certificates there reference it`,
          }),
        )
      }
    }
    if (tlsAcme) {
      diagnostics.push(
        diagnostic('certmanager-tls-acme-redundant', {key: A.tlsAcme, trigger}, {object: ref, annotation: A.tlsAcme}),
      )
    }
  } else {
    diagnostics.push(
      diagnostic('certmanager-tls-acme', {key: A.tlsAcme, ingress: ref}, {
        object: ref,
        annotation: A.tlsAcme,
        hint: `find the default issuer (kubectl -n cert-manager get deploy cert-manager -o yaml | grep default-issuer), then replace ${A.tlsAcme} with ${A.clusterIssuer}: <name> (or ${A.issuer}: <name> for a namespaced Issuer) on ${ref} and rerun`,
      }),
    )
    return undefined
  }
  return {issuer, trigger}
}

/** cert-manager.io/* keys the shim does not read -> info, not carried over. */
function reportUnreadAnnotations({ann, ref, diagnostics}: ShimIngress): void {
  for (const key of Object.keys(ann).sort()) {
    if (!key.startsWith(CM) || KNOWN.has(key)) continue
    diagnostics.push(
      diagnostic('certmanager-annotation-ignored', {key, value: ann[key]!}, {object: ref, annotation: key}),
    )
  }
}

/** spec.tls -> DNS names per Secret: one Certificate per distinct secretName (entries sharing a Secret are merged). */
function hostsBySecret(ingress: KubeObject, {ref, diagnostics}: ShimIngress, trigger: string): Map<string, Set<string>> {
  const tls: unknown[] = Array.isArray(ingress.spec?.tls) ? ingress.spec.tls : []
  const bySecret = new Map<string, Set<string>>()
  tls.forEach((entry, i) => {
    const secretName = isObject(entry) && typeof entry.secretName === 'string' ? entry.secretName.trim() : ''
    const hosts = isObject(entry) && Array.isArray(entry.hosts) ? entry.hosts.filter((h: unknown): h is string => typeof h === 'string' && h.trim() !== '') : []
    if (secretName === '') {
      diagnostics.push(
        diagnostic('certificate-tls-no-secret', {entry: i, hosts}, {
          object: ref,
          annotation: trigger,
          hint: `add a secretName to spec.tls[${i}] of ${ref} and rerun`,
        }),
      )
      return
    }
    if (hosts.length === 0) {
      diagnostics.push(
        diagnostic('certificate-tls-no-hosts', {entry: i, secret: secretName}, {
          object: ref,
          annotation: trigger,
          hint: `list the hosts in spec.tls[${i}].hosts of ${ref} and rerun`,
        }),
      )
      return
    }
    const set = bySecret.get(secretName) ?? new Set<string>()
    // normalizeHost: a Flux `${VAR}` in a host keeps its case, or the substitution would not find it.
    for (const h of hosts) set.add(normalizeHost(h))
    bySecret.set(secretName, set)
  })

  if (bySecret.size === 0 && tls.length === 0) {
    diagnostics.push(
      diagnostic('certificate-no-tls', {trigger, ingress: ref}, {object: ref, annotation: trigger}),
    )
  }
  return bySecret
}

interface CertificateInputs {
  issuer: CertificatePlan['issuer']
  trigger: string
  extra: Record<string, unknown>
  consumed: string[]
  bySecret: Map<string, Set<string>>
}

/** One Certificate per Secret, or the plan an older Ingress made for the same Secret; returns the issuerRef used. */
function planCertificates(
  {ref, subject, ns, ingName, diagnostics}: ShimIngress,
  ctx: CertificateContext,
  {issuer, trigger, extra, consumed, bySecret}: CertificateInputs,
  plans: CertificatePlan[],
  reused: CertificatePlan[],
): CertificateSpec['issuerRef'] {
  const issuerRef: CertificateSpec['issuerRef'] = {
    name: issuer.namespace !== undefined && !ctx.passthrough ? issuerCopyName(ctx.gateway, issuer.namespace, issuer.name) : issuer.name,
    kind: issuer.kind,
    group: issuer.group,
  }
  for (const secretName of [...bySecret.keys()].sort()) {
    const hosts = [...bySecret.get(secretName)!].sort()
    const earlier = ctx.planned?.get(`${ns}/${secretName}`)
    if (earlier) {
      reused.push(earlier)
      if (!earlier.sharedWith.includes(ref)) earlier.sharedWith.push(ref)
      diagnostics.push(sharedCertificateDiagnostic(ref, secretName, hosts, issuerRef, earlier, trigger))
      continue
    }
    const name = ctx.passthrough ? secretName : certificateName(ns, ingName, secretName, ref, trigger, ctx, diagnostics)
    const namespace = ctx.passthrough ? ns : ctx.gateway.namespace
    const spec: CertificateSpec = {secretName: name, issuerRef: {...issuerRef}, dnsNames: hosts, ...extra}
    const certificate: EmittedObject<'Certificate'> = {
      apiVersion: CERT_MANAGER_API_VERSION,
      kind: 'Certificate',
      metadata: managedMetadata(name, namespace, [ref], consumed),
      spec,
    }
    const plan: CertificatePlan = {certificate, secretRef: {namespace, name}, hosts, issuer: {...issuer}, ingress: ref, ingressRef: subject.ref, sourceSecret: {namespace: ns, name: secretName}, sharedWith: []}
    plans.push(plan)
    ctx.planned?.set(`${ns}/${secretName}`, plan)
  }
  return issuerRef
}

/** The certificates planned for an Ingress -> one diagnostic: where they live and what the user must know. */
function reportCertificatePlans(
  {ref, ns, diagnostics}: ShimIngress,
  ctx: CertificateContext,
  {issuer, trigger, issuerRef}: {issuer: CertificatePlan['issuer']; trigger: string; issuerRef: CertificateSpec['issuerRef']},
  plans: CertificatePlan[],
): void {
  if (plans.length > 0 && ctx.passthrough) {
    diagnostics.push(
      diagnostic('certmanager-passthrough-certificate', {trigger, issuer: issuer.name, namespace: ns, certificates: plans.map((p) => p.secretRef.name)}, {
        object: ref,
        annotation: trigger,
        hint: `applying this Certificate adopts the existing one; before deleting ${ref}, remove its ownerReference (see the checklist)`,
      }),
    )
    return
  }
  if (plans.length > 0) {
    diagnostics.push(
      diagnostic(
        'certmanager-certificate',
        {
          trigger,
          issuer: issuer.name,
          certificates: plans.map((p) => p.secretRef.name),
          gatewayNamespace: ctx.gateway.namespace,
          issuerKind: String(issuerRef.kind),
          issuerName: issuerRef.name,
          namespace: ns,
        },
        {
          object: ref,
          annotation: trigger,
          ...(issuer.namespace !== undefined && issuer.namespace !== ctx.gateway.namespace
            ? {hint: `the namespaced ${issuer.kind} ${issuer.namespace}/${issuer.name} must exist in ${ctx.gateway.namespace} as ${issuerRef.name} (generated with the Issuers when it is in the input)`}
            : {}),
      }),
    )
  }
}


/**
 * `<namespace>-<secretName>` in the gateway namespace (two namespaces may use one Secret name); a name already
 * taken (an existing Secret there, or two names that collide once shortened) gets a hash.
 */
function certificateName(ns: string, ingName: string, secretName: string, ref: string, trigger: string, ctx: CertificateContext, diagnostics: Diagnostic[]): string {
  const base = dnsName(ns, secretName)
  let name = base
  if (ctx.takenNames.has(name)) {
    name = dnsName(ns, secretName, shortHash(`${ns}/${ingName}/${secretName}`))
    for (let n = 2; ctx.takenNames.has(name); n++) name = dnsName(ns, secretName, shortHash(`${ns}/${ingName}/${secretName}/${n}`))
    diagnostics.push(
      diagnostic('certificate-name-taken', {name, taken: base, gatewayNamespace: ctx.gateway.namespace}, {object: ref, annotation: trigger}),
    )
  }
  ctx.takenNames.add(name)
  return name
}

/**
 * A later Ingress naming a Secret an older one already issues: the shim never updated the owner's Certificate for it,
 * so its hosts are covered only where the owner listed them, and its issuer annotations had no effect.
 */
function sharedCertificateDiagnostic(
  ref: string,
  secretName: string,
  hosts: string[],
  issuerRef: CertificateSpec['issuerRef'],
  earlier: CertificatePlan,
  trigger: string,
): Diagnostic {
  const missing = hosts.filter((h) => !earlier.hosts.includes(h))
  const earlierIssuer = earlier.certificate.spec.issuerRef
  const otherIssuer = earlierIssuer.name !== issuerRef.name || earlierIssuer.kind !== issuerRef.kind || earlierIssuer.group !== issuerRef.group
  const differs = missing.length > 0 || otherIssuer
  return diagnostic(
    'certificate-shared',
    {
      secret: secretName,
      owner: earlier.ingress,
      certificate: `${earlier.secretRef.namespace}/${earlier.secretRef.name}`,
      ownerHosts: earlier.hosts,
      missing,
      ...(otherIssuer ? {otherIssuer: {kind: String(issuerRef.kind), name: issuerRef.name}} : {}),
    },
    {
      object: ref,
      annotation: trigger,
      level: differs ? 'warning' : 'info',
      fidelity: differs ? 'approximate' : 'exact',
      ...(missing.length > 0 ? {hint: `list ${missing.join(', ')} in the TLS entry of ${earlier.ingress} if they need this certificate`} : {}),
    },
  )
}

/**
 * Checks that need the issuers of the input: a wildcard DNS name cannot be validated by ACME HTTP-01 (the CA only
 * accepts DNS-01 for wildcards), so a Certificate with one whose issuer has nothing but HTTP-01 solvers was never
 * issued by cert-manager, and would not be now. Issuers that are not in the input, not ACME, or not cert-manager's
 * are not judged.
 */
export function certificateIssuerChecks(plans: CertificatePlan[], issuers: KubeObject[]): Diagnostic[] {
  const out: Diagnostic[] = []
  const byRef = new Map<string, KubeObject>()
  for (const o of Array.isArray(issuers) ? issuers : []) {
    if (!isObject(o) || !isObject(o.metadata) || typeof o.metadata.name !== 'string') continue
    if (o.kind === 'ClusterIssuer') byRef.set(`ClusterIssuer/${o.metadata.name}`, o)
    else if (o.kind === 'Issuer') byRef.set(`Issuer/${o.metadata.namespace ?? 'default'}/${o.metadata.name}`, o)
  }
  for (const plan of Array.isArray(plans) ? plans : []) {
    if (!isObject(plan) || !isObject(plan.issuer) || plan.issuer.group !== CERT_MANAGER_GROUP) continue
    const wildcards = (plan.hosts ?? []).filter((h) => typeof h === 'string' && h.startsWith('*.'))
    if (wildcards.length === 0) continue
    const key = plan.issuer.kind === 'ClusterIssuer' ? `ClusterIssuer/${plan.issuer.name}` : plan.issuer.namespace !== undefined ? `Issuer/${plan.issuer.namespace}/${plan.issuer.name}` : undefined
    const issuer = key !== undefined ? byRef.get(key) : undefined
    const solvers = issuer && isObject(issuer.spec?.acme) && Array.isArray(issuer.spec.acme.solvers) ? issuer.spec.acme.solvers.filter(isObject) : []
    if (solvers.length === 0 || !solvers.every((sv: any) => isObject(sv.http01) && sv.dns01 === undefined)) continue
    const issuerRef = refOf(issuer)
    const cert = `Certificate ${plan.certificate.metadata.namespace}/${plan.certificate.metadata.name}`
    out.push(
      diagnostic('certificate-wildcard-http01', {certificate: cert, ingress: plan.ingress, wildcards, issuer: issuerRef}, {
        object: plan.ingress,
        ref: plan.ingressRef,
        hint: `add a dns01 solver covering ${wildcards.join(', ')} to ${issuerRef}`,
      }),
    )
  }
  return out
}

/**
 * cert-manager.io tuning annotations -> Certificate spec fields, validated as the shim and the cert-manager webhook
 * validate them; invalid values are reported and left out, each valid key is added to `consumed`.
 */
function tuningFields({ann, has, warnInvalid, ref, diagnostics}: ShimIngress, consumed: string[]): Record<string, any> {
  const t: TuningReader = {
    spec: {},
    has,
    warnInvalid,
    report: (d) => {
      diagnostics.push(d)
    },
    ref,
    take: (key) => (has(key) ? ann[key] : undefined),
    ok: (key) => {
      consumed.push(key)
    },
  }
  commonNameField(t)
  lifetimeFields(t)
  usagesField(t)
  privateKeyFields(t)
  revisionHistoryField(t)
  emailAddressesField(t)
  subjectFields(t)
  secretTemplateField(t)
  return t.spec
}

interface TuningReader {
  spec: Record<string, any>
  has: (key: string) => boolean
  take: (key: string) => string | undefined
  ok: (key: string) => void
  warnInvalid: (key: string, why: CertAnnotationProblem) => void
  report: (d: Diagnostic) => void
  /** The Ingress the annotations are on, as diagnostics name it. */
  ref: string
}

/** common-name -> spec.commonName (X.509 allows at most 64 characters). */
function commonNameField({spec, take, ok, warnInvalid}: TuningReader): void {
  const cn = take(A.commonName)
  if (cn !== undefined) {
    if (cn.length > 64) warnInvalid(A.commonName, {problem: 'common-name-too-long'})
    else if (cn !== '') {
      spec.commonName = cn
      ok(A.commonName)
    } else warnInvalid(A.commonName, {problem: 'empty'})
  }
}

/** duration, renew-before, renew-before-percentage -> the lifetime fields, with the webhook's ordering rule. */
function lifetimeFields({spec, has, take, ok, warnInvalid, report, ref}: TuningReader): void {
  let durationSeconds: number | undefined
  const duration = take(A.duration)
  if (duration !== undefined) {
    const s = goDurationSeconds(duration)
    if (s === undefined) warnInvalid(A.duration, {problem: 'not-duration', example: '2160h'})
    else if (s < 3600) warnInvalid(A.duration, {problem: 'below-minimum', minimum: '1h'})
    else {
      spec.duration = duration.trim()
      durationSeconds = s
      ok(A.duration)
    }
  }

  const renewBefore = take(A.renewBefore)
  if (renewBefore !== undefined) {
    const s = goDurationSeconds(renewBefore)
    if (s === undefined) warnInvalid(A.renewBefore, {problem: 'not-duration', example: '360h'})
    else if (s < 300) warnInvalid(A.renewBefore, {problem: 'below-minimum', minimum: '5m'})
    else if (s >= (durationSeconds ?? DEFAULT_DURATION_SECONDS)) {
      const duration = durationSeconds !== undefined ? {duration: spec.duration as string} : {defaultDurationBecause: has(A.duration) ? ('invalid' as const) : ('not set' as const)}
      report(
        diagnostic(
          'certificate-renew-before-too-long',
          {key: A.renewBefore, value: renewBefore, durationKey: A.duration, ...duration},
          {object: ref, annotation: A.renewBefore, hint: `set ${A.renewBefore} below the duration (e.g. 720h), or a longer ${A.duration} if the issuer grants it`},
        ),
      )
    } else {
      spec.renewBefore = renewBefore.trim()
      ok(A.renewBefore)
    }
  }

  const pct = take(A.renewBeforePercentage)
  if (pct !== undefined) {
    const n = parseDecimal(pct)
    if (n === undefined || n <= 0 || n >= 100) warnInvalid(A.renewBeforePercentage, {problem: 'not-percentage'})
    else if (spec.renewBefore !== undefined) warnInvalid(A.renewBeforePercentage, {problem: 'combined-with', other: A.renewBefore})
    else {
      spec.renewBeforePercentage = n
      ok(A.renewBeforePercentage)
    }
  }
}

/** usages -> spec.usages (the CRD's enum). */
function usagesField({spec, take, ok, warnInvalid}: TuningReader): void {
  const usages = take(A.usages)
  if (usages !== undefined) {
    const list = usages.split(',').map((u) => u.trim())
    const bad = list.filter((u) => !USAGES.has(u))
    if (bad.length > 0) warnInvalid(A.usages, {problem: 'unknown-usages', usages: bad})
    else {
      spec.usages = [...new Set(list)]
      ok(A.usages)
    }
  }
}

/** private-key-* -> spec.privateKey (sizes checked per algorithm). */
function privateKeyFields({spec, take, ok, warnInvalid}: TuningReader): void {
  const privateKey: Record<string, any> = {}
  const oneOf = (key: string, field: string, values: string[]): void => {
    const value = take(key)
    if (value === undefined) return
    if (values.includes(value)) {
      privateKey[field] = value
      ok(key)
    } else warnInvalid(key, {problem: 'not-one-of', values})
  }
  oneOf(A.privateKeyAlgorithm, 'algorithm', ['RSA', 'ECDSA', 'Ed25519'])
  oneOf(A.privateKeyEncoding, 'encoding', ['PKCS1', 'PKCS8'])
  const size = take(A.privateKeySize)
  if (size !== undefined) {
    const n = parseDecimal(size)
    const algorithm = privateKey.algorithm ?? 'RSA'
    if (n === undefined) warnInvalid(A.privateKeySize, {problem: 'not-integer'})
    else if (algorithm === 'RSA' && (n < 2048 || n > 8192)) warnInvalid(A.privateKeySize, {problem: 'key-size', algorithm: 'RSA'})
    else if (algorithm === 'ECDSA' && ![256, 384, 521].includes(n)) warnInvalid(A.privateKeySize, {problem: 'key-size', algorithm: 'ECDSA'})
    else {
      privateKey.size = n
      ok(A.privateKeySize)
    }
  }
  oneOf(A.privateKeyRotationPolicy, 'rotationPolicy', ['Never', 'Always'])
  if (Object.keys(privateKey).length > 0) spec.privateKey = privateKey
}

/** revision-history-limit -> spec.revisionHistoryLimit. */
function revisionHistoryField({spec, take, ok, warnInvalid}: TuningReader): void {
  const rhl = take(A.revisionHistoryLimit)
  if (rhl !== undefined) {
    const n = parseDecimal(rhl)
    if (n === undefined || n < 1 || n > 2147483647) warnInvalid(A.revisionHistoryLimit, {problem: 'not-positive-integer'})
    else {
      spec.revisionHistoryLimit = n
      ok(A.revisionHistoryLimit)
    }
  }
}

/** email-sans -> spec.emailAddresses. */
function emailAddressesField({spec, take, ok, warnInvalid}: TuningReader): void {
  const emails = take(A.emailSans)
  if (emails !== undefined) {
    const list = emails.split(',').map((e) => e.trim()).filter((e) => e !== '')
    if (list.length === 0) warnInvalid(A.emailSans, {problem: 'no-addresses'})
    else {
      spec.emailAddresses = list
      ok(A.emailSans)
    }
  }
}

/** subject-* (CSV with quoting) and subject-serialnumber -> spec.subject. */
function subjectFields({spec, take, ok, warnInvalid}: TuningReader): void {
  const subject: Record<string, any> = {}
  for (const [key, field] of SUBJECT_LISTS) {
    const v = take(key)
    if (v === undefined) continue
    const list = splitCsv(v)
    if (list === undefined) warnInvalid(key, {problem: 'not-list'})
    else {
      subject[field] = list
      ok(key)
    }
  }
  const serial = take(A.subjectSerialNumber)
  if (serial !== undefined) {
    subject.serialNumber = serial
    ok(A.subjectSerialNumber)
  }
  if (Object.keys(subject).length > 0) spec.subject = subject
}

/** secret-template -> spec.secretTemplate. */
function secretTemplateField({spec, take, ok, warnInvalid}: TuningReader): void {
  const tmpl = take(A.secretTemplate)
  if (tmpl !== undefined) {
    const parsed = parseSecretTemplate(tmpl)
    if (parsed && 'problem' in parsed) warnInvalid(A.secretTemplate, parsed)
    else if (parsed) {
      spec.secretTemplate = parsed
      ok(A.secretTemplate)
    } else ok(A.secretTemplate)
  }
}

/** cert-manager's default Certificate duration (90 days) when spec.duration is unset. */
const DEFAULT_DURATION_SECONDS = 2160 * 3600

const GO_DURATION = /^(\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/
const UNIT_SECONDS: Record<string, number> = {ns: 1e-9, us: 1e-6, 'µs': 1e-6, 'μs': 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600}

/** Go time.ParseDuration (non-negative), in seconds; undefined when invalid. */
export function goDurationSeconds(value: string): number | undefined {
  let rest = value.trim()
  if (rest === '0') return 0
  if (rest.startsWith('+')) rest = rest.slice(1)
  if (rest === '' || rest.startsWith('-')) return undefined
  let total = 0
  while (rest !== '') {
    const m = GO_DURATION.exec(rest)
    if (!m) return undefined
    total += Number.parseFloat(m[1]) * UNIT_SECONDS[m[3]]
    rest = rest.slice(m[0].length)
  }
  return total
}

/** cert-manager SplitWithEscapeCSV: one CSV record (fields may be double-quoted, "" escapes a quote). */
function splitCsv(value: string): string[] | undefined {
  const out: string[] = []
  let i = 0
  const s = value
  while (i <= s.length) {
    if (s[i] === '"') {
      let field = ''
      i++
      for (;;) {
        if (i >= s.length) return undefined
        if (s[i] === '"') {
          if (s[i + 1] === '"') {
            field += '"'
            i += 2
            continue
          }
          i++
          break
        }
        field += s[i++]
      }
      if (i < s.length && s[i] !== ',') return undefined
      out.push(field)
      i++
    } else {
      const next = s.indexOf(',', i)
      const field = next === -1 ? s.slice(i) : s.slice(i, next)
      if (field.includes('"')) return undefined
      out.push(field)
      if (next === -1) break
      i = next + 1
    }
  }
  return out
}

/** cert-manager.io/secret-template: JSON {annotations?, labels?}, no unknown fields, no cert-manager.io/ annotations. */
function parseSecretTemplate(value: string): {annotations?: Record<string, string>; labels?: Record<string, string>} | undefined | CertAnnotationProblem {
  let parsed: unknown
  try {
    parsed = JSON.parse(value)
  } catch {
    return {problem: 'not-json'}
  }
  if (!isObject(parsed)) return {problem: 'not-json-object'}
  const unknown = Object.keys(parsed).filter((k) => k !== 'annotations' && k !== 'labels')
  if (unknown.length > 0) return {problem: 'unknown-fields', fields: unknown}
  const out: {annotations?: Record<string, string>; labels?: Record<string, string>} = {}
  for (const field of ['annotations', 'labels'] as const) {
    const v = parsed[field]
    if (v === undefined || v === null) continue
    if (!isObject(v) || Object.values(v).some((x) => typeof x !== 'string')) return {problem: 'non-string-map', field}
    if (field === 'annotations' && Object.keys(v).some((k) => k.startsWith(CM))) return {problem: 'cert-manager-annotations'}
    if (Object.keys(v).length > 0) out[field] = {...(v as Record<string, string>)}
  }
  return Object.keys(out).length > 0 ? out : undefined
}

/**
 * cert-manager reads its numeric annotations in base 10 (pkg/controller/certificate-shim/helper.go:
 * strconv.ParseInt(v, 10, 32) for renew-before-percentage and revision-history-limit, strconv.Atoi for
 * private-key-size); the callers' range checks keep values inside 32 bits.
 */
function parseDecimal(value: string): number | undefined {
  const r = parseInt10(value)
  return r.ok && Number.isSafeInteger(r.value) ? r.value : undefined
}
