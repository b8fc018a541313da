/**
 * cert-manager Certificates -> Ready (with Issuing and the ACME Challenges still pending for their names);
 * Issuers and ClusterIssuers -> Ready.
 *
 * cert-manager v1.21: the readiness controller sets Ready=True/Ready when the Secret holds a valid certificate
 * for the spec, else Ready=False with the policy violation as reason (DoesNotExist, MissingData, InvalidKeyPair,
 * IncorrectCertificate, Expired, ...; readiness_controller.go BuildReadyConditionFromChain, policies/constants.go);
 * Issuing=True while an issuance runs, Issuing=False with the CertificateRequest's reason when it failed and will
 * be retried with backoff (issuing_controller.go failIssueCertificate), or Issuing=False/Issued after a success when
 * the ServerSideApply feature gate is on (updateOrApplyStatus), which is no failure. A Challenge's status.state
 * follows ACME (pending, processing, valid, invalid, errored, expired; apis/acme/v1/types_order.go); its
 * spec.dnsName is the name without `*.` for a wildcard, with spec.wildcard true (apis/acme/v1/types_challenge.go).
 */
import type {KubeObject} from '../model/types.js'
import {conditionsOf, describe, findCondition, isStale, requireTrue, type Condition} from './conditions.js'
import {stateOf, type Finding, type ObjectStatus} from './model.js'

export const CERT_KINDS = new Set(['Certificate', 'Issuer', 'ClusterIssuer'])

function readyFix(cert: KubeObject, c: Condition): string {
  const secret = (cert.spec as {secretName?: string})?.secretName ?? '(unnamed)'
  switch (c.reason) {
    case 'DoesNotExist':
    case 'MissingData':
      return `Secret ${cert.metadata.namespace}/${secret} does not hold a certificate yet: until it does, HTTPS for these names fails on the Gateway`
    case 'IncorrectCertificate':
      return `Secret ${secret} was issued for another Certificate: two Certificates name the same Secret; keep one`
    case 'Expired':
      return 'the certificate in the Secret has expired and a renewal has not succeeded'
    default:
      return 'cert-manager does not consider the certificate ready (the message says why)'
  }
}

interface Challenge {
  metadata: {namespace?: string; name: string}
  spec?: {dnsName?: string; wildcard?: boolean; type?: string; solver?: {http01?: {gatewayHTTPRoute?: unknown; ingress?: unknown}; dns01?: unknown}}
  status?: {state?: string; reason?: string; presented?: boolean}
}

/** A Challenge still open for one of the certificate's names: pending or processing is waiting, the rest failed. */
function challengeFinding(ch: Challenge): Finding | undefined {
  const state = ch.status?.state ?? ''
  if (state === 'valid') return undefined
  const host = challengeName(ch)
  const scope = `challenge ${host} (${ch.spec?.type ?? 'ACME'})`
  const viaGateway = ch.spec?.solver?.http01?.gatewayHTTPRoute !== undefined
  const failed = ['invalid', 'errored', 'expired'].includes(state)
  let fix: string
  if (failed) fix = `the ACME validation of ${host} failed (${state}); cert-manager will create a new order: kubectl describe challenge -n ${ch.metadata.namespace} ${ch.metadata.name}`
  else if (viaGateway) {
    fix = `waiting for the ACME server to fetch http://${host}/.well-known/acme-challenge/... from the address public DNS gives for ${host}: while DNS still points at ingress-nginx the Gateway's solver route cannot answer; copy the existing certificate Secret first (gateway owner checklist) or use a DNS-01 solver`
  } else fix = `waiting for the ACME server to validate ${host} (${state || 'no state yet'}${ch.status?.presented === false ? ', solver not presented yet' : ''})`
  return {level: 'not-ready', scope, condition: state ? `state=${state}` : undefined, message: ch.status?.reason || undefined, fix}
}

/**
 * Challenges of the same namespace for a name the Certificate asks for. (Their owner chain, Order then
 * CertificateRequest, is not read; the request's name is cut and hashed for long Certificate names, so the name
 * prefix cannot be relied on either.)
 */
function challengesFor(cert: KubeObject, challenges: KubeObject[]): Challenge[] {
  const names = new Set<string>((cert.spec as {dnsNames?: string[]})?.dnsNames ?? [])
  return (challenges as unknown as Challenge[]).filter((ch) => ch.metadata.namespace === cert.metadata.namespace && names.has(challengeName(ch)))
}

/** The name the Certificate asked for: `*.example.com` for a wildcard Challenge of dnsName example.com. */
function challengeName(ch: Challenge): string {
  const dns = ch.spec?.dnsName ?? '?'
  return ch.spec?.wildcard === true ? `*.${dns}` : dns
}

export function evaluateCertificate(cert: KubeObject, challenges: KubeObject[]): ObjectStatus {
  const status = (cert.status ?? {}) as {conditions?: unknown; notAfter?: string; failedIssuanceAttempts?: number}
  const conds = conditionsOf(status.conditions)
  const gen = cert.metadata.generation
  const findings: Finding[] = []
  const ready = requireTrue(conds, 'Ready', gen, {absent: 'cert-manager has not evaluated the Certificate yet (is cert-manager running?)', fix: (c) => readyFix(cert, c)})
  if (ready) {
    findings.push(ready)
    const issuing = findCondition(conds, 'Issuing')
    if (issuing && !isStale(issuing, gen)) {
      if (issuing.status === 'True') findings.push({level: 'not-ready', condition: describe(issuing), message: issuing.message, fix: 'an issuance is under way'})
      else if (issuing.status === 'False' && issuing.reason !== 'Issued') {
        const attempts = status.failedIssuanceAttempts ? ` (attempt ${status.failedIssuanceAttempts})` : ''
        findings.push({level: 'not-ready', condition: describe(issuing), reason: issuing.reason, message: issuing.message, fix: `the last issuance failed${attempts}; cert-manager retries with backoff: kubectl describe certificaterequest -n ${cert.metadata.namespace}`})
      }
    }
    for (const ch of challengesFor(cert, challenges)) {
      const f = challengeFinding(ch)
      if (f) findings.push(f)
    }
  }
  const summary = findings.length === 0 ? `Ready${status.notAfter ? `, valid until ${status.notAfter}` : ''}` : ''
  return {apiVersion: cert.apiVersion, kind: 'Certificate', namespace: cert.metadata.namespace, name: cert.metadata.name, state: stateOf(findings), summary, findings}
}

export function evaluateIssuer(issuer: KubeObject): ObjectStatus {
  const conds = conditionsOf((issuer.status as {conditions?: unknown})?.conditions)
  const f = requireTrue(conds, 'Ready', issuer.metadata.generation, {
    absent: 'cert-manager has not evaluated the issuer yet (is cert-manager running?)',
    fix: () => 'the issuer cannot issue (for ACME: the account could not be registered, or the configuration is wrong): the message says why; Certificates that use it stay not ready',
  })
  const findings = f ? [f] : []
  return {apiVersion: issuer.apiVersion, kind: issuer.kind, namespace: issuer.metadata.namespace, name: issuer.metadata.name, state: stateOf(findings), summary: findings.length === 0 ? 'Ready' : '', findings}
}
