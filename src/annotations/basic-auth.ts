import {denyLocations} from './headers.js'
import {parseRegexValue} from '../model/parsers.js'
import {servingConfig} from './serving.js'
import type {AnnotationFamily, FamilyContext} from './types.js'
import type {ParseResult} from '../model/parsers.js'

/**
 * auth-type, auth-secret, auth-secret-type, auth-realm -> SecurityPolicy basicAuth referencing a NEW Secret
 * `<secret>-basic-auth` (key `.htpasswd`), and a RequestHeaderModifier that drops `Authorization` upstream.
 *
 * ingress-nginx writes the Secret's key `auth` (auth-file) or its user->hash pairs (auth-map) to an htpasswd file
 * for auth_basic; those hashes are usually `$apr1$` or bcrypt. Envoy's basic_auth filter accepts only `{SHA}`
 * hashes and Envoy Gateway reads them from the key `.htpasswd`, so the old Secret cannot be reused and its hashes
 * cannot be converted: the user re-creates the passwords (the Secret's data is never read here). nginx also
 * clears the Authorization header upstream (`proxy_set_header Authorization ""`); Envoy forwards it unless a
 * route filter removes it.
 */

/** A cross-namespace reference is denied (503) unless the controller ConfigMap says otherwise (default since v1.12). */
export function crossNamespaceAllowed(ctx: FamilyContext): boolean {
  return servingConfig(ctx.lookup.controllerConfigMap()).allowCrossNamespace
}

/** A Kubernetes object name (DNS-1123 subdomain): a reference to anything else can never resolve. */
export const SECRET_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/

/** `name` or `namespace/name` (cache.SplitMetaNamespaceKey). */
export function splitSecretRef(value: string, defaultNamespace: string): {namespace: string; name: string} | undefined {
  const parts = value.trim().split('/')
  if (parts.length === 1 && parts[0] !== '') return {namespace: defaultNamespace, name: parts[0]!}
  if (parts.length === 2 && parts[1] !== '') return {namespace: parts[0] || defaultNamespace, name: parts[1]!}
  return undefined
}

/** parser.BasicCharsRegex, checked with spaces removed. */
const BASIC_CHARS = /^[/\-._~a-zA-Z0-9:]*$/

function parseAuthSecret(value: string): ParseResult<string> {
  if (value.trim() === '') return {ok: false, reason: 'the value is empty'}
  if (!BASIC_CHARS.test(value.replaceAll(' ', ''))) return {ok: false, reason: `"${value}" is not a Secret name (name or namespace/name)`}
  return {ok: true, value: value.trim()}
}

/** authTypeRegex `basic|digest`, unanchored, checked with spaces removed; the value itself is used as written. */
function parseAuthType(value: string): ParseResult<string> {
  if (!/basic|digest/.test(value.replaceAll(' ', ''))) return {ok: false, reason: `"${value}" is neither basic nor digest`}
  return {ok: true, value}
}

/** The Secret the SecurityPolicy references: beside the Ingress, named after the old one. */
export function basicAuthSecretName(oldSecretName: string): string {
  return `${oldSecretName}-basic-auth`
}

function createSecretHint(secret: string, namespace: string): string {
  return (
    `create the Secret from the users' plaintext passwords (the existing hashes cannot be converted): ` +
    `htpasswd -cs auth.htpasswd USER for the first user, htpasswd -s auth.htpasswd USER for each further one ` +
    `({SHA} hashes, the only ones Envoy accepts), then kubectl create secret generic ${secret} -n ${namespace} --from-file=.htpasswd=auth.htpasswd`
  )
}

export const basicAuthFamily: AnnotationFamily = {
  name: 'basic-auth',
  specs: [
    {
      key: 'auth-type',
      summary: 'basic or digest authentication against the users of auth-secret (401 on failure)',
      fidelity: 'manual',
      target: 'SecurityPolicy basicAuth.users -> a new Secret <secret>-basic-auth (key .htpasswd, {SHA} hashes)',
      note: 'Envoy accepts only {SHA} htpasswd hashes under the key .htpasswd: re-create the users in a new Secret (htpasswd -s); digest has no equivalent',
      parse: parseAuthType,
    },
    {
      key: 'auth-secret',
      summary: 'Secret (name or namespace/name) holding the htpasswd users; other namespaces need allow-cross-namespace-resources',
      fidelity: 'manual',
      target: 'SecurityPolicy basicAuth.users (name <secret>-basic-auth, in the Ingress namespace)',
      note: 'the Secret\'s hashes cannot be reused (Envoy needs {SHA} under .htpasswd): create <secret>-basic-auth as the hint says',
      parse: parseAuthSecret,
    },
    {
      key: 'auth-secret-type',
      summary: 'Layout of auth-secret: auth-file (key auth = htpasswd file) or auth-map (one key per user)',
      fidelity: 'ignored',
      target: 'none (the new Secret is always an htpasswd file under .htpasswd)',
      note: 'describes how the old Secret stores its users; the new Secret has one user:{SHA}hash line per user whatever the old layout',
      default: 'auth-file',
      // The validator's regex is unanchored; auth.Parse then denies the locations unless the value is exactly one.
      parse: (v) => (['auth-file', 'auth-map'].includes(v.trim()) ? {ok: true, value: v.trim()} : {ok: false, reason: `"${v}" is neither auth-file nor auth-map`}),
    },
    {
      key: 'auth-realm',
      summary: 'Realm shown in the browser\'s login prompt (WWW-Authenticate)',
      fidelity: 'approximate',
      target: 'none (Envoy Gateway basicAuth has no realm)',
      note: 'Envoy Gateway\'s basicAuth has no realm setting; the login prompt shows Envoy\'s own realm',
      parse: parseRegexValue(/^[/\-._~a-zA-Z0-9: ]*$/, 'realm (letters, digits, spaces and -._~/:)'),
    },
  ],
  apply(ctx) {
    if (ctx.ingress.isCanary) return
    const type = ctx.value<string>('auth-type')
    const companions = ['auth-secret', 'auth-secret-type', 'auth-realm'] as const
    if (type === undefined) {
      for (const key of companions) {
        if (ctx.has(key)) {
          ctx.account(key, 'ignored', 'has no effect without auth-type (ingress-nginx applies no authentication), and the conversion emits nothing for it', {
            level: 'info',
            code: 'auth-type-missing',
          })
        }
      }
      return
    }
    const ns = ctx.ingress.ref.namespace
    const secretValue = ctx.value<string>('auth-secret')
    if (secretValue === undefined) {
      denyLocations(ctx, 'auth-type', `auth-type "${type}" without ${ctx.fullKey('auth-secret')}: ingress-nginx has no users to check`)
      return
    }
    const ref = splitSecretRef(secretValue, ns)
    if (!ref || !SECRET_NAME.test(ref.name)) {
      // cache.SplitMetaNamespaceKey refuses more than one slash; a name with other characters never resolves.
      denyLocations(ctx, 'auth-secret', ref ? `"${secretValue}" names no Secret that can exist` : `"${secretValue}" is not name or namespace/name`)
      return
    }
    if (ref.namespace !== ns && !crossNamespaceAllowed(ctx)) {
      denyLocations(
        ctx,
        'auth-secret',
        `"${secretValue}" is in another namespace, which ingress-nginx refuses unless its ConfigMap sets allow-cross-namespace-resources: "true" (the default is false since v1.12; pass the controller ConfigMap if yours allows it)`,
      )
      return
    }

    const secret = basicAuthSecretName(ref.name)
    const from = ['auth-type', ...companions].filter((k) => ctx.has(k)).map((k) => ctx.fullKey(k))
    ctx.patch.policies.push({kind: 'SecurityPolicy', path: 'basicAuth', value: {users: {name: secret}}, from})
    // nginx: proxy_set_header Authorization "" after auth_basic (both inside nginx.tmpl's no-auth-locations `if`:
    // withAuth); route filters run after Envoy's basic_auth.
    ctx.patch.filters.push({
      from: [ctx.fullKey('auth-type')],
      filter: {type: 'RequestHeaderModifier', requestHeaderModifier: {remove: ['Authorization']}},
      withAuth: true,
    })

    const hint = createSecretHint(secret, ns)
    const where = ref.namespace !== ns ? ` (the old Secret is in ${ref.namespace}; the new one goes beside the Ingress, so no ReferenceGrant is needed)` : ''
    if (type === 'basic') {
      ctx.account(
        'auth-type',
        'manual',
        `basic auth -> SecurityPolicy basicAuth with users from the new Secret ${ns}/${secret}${where}; Envoy accepts only {SHA} htpasswd hashes under the key .htpasswd, so ${ref.namespace}/${ref.name} cannot be reused; until the new Secret exists Envoy Gateway rejects the policy and the route fails closed. The Authorization header is removed before the backend, as nginx does`,
        {hint, code: 'basic-auth-secret'},
      )
    } else {
      ctx.account(
        'auth-type',
        'manual',
        `"${type}": ingress-nginx used digest authentication (auth_digest) for any auth-type other than exactly "basic"; Envoy has no digest authentication, so the route is protected with basic auth instead (fails closed): clients must send Basic credentials from the new Secret ${ns}/${secret}${where}`,
        {hint: `${hint}; clients that speak only Digest need another scheme (extAuth, oidc)`, code: 'digest-auth'},
      )
    }
    ctx.account('auth-secret', 'manual', `${ref.namespace}/${ref.name} holds nginx-format hashes Envoy cannot read; the policy references the new Secret ${ns}/${secret} instead`, {
      hint,
      code: 'basic-auth-secret',
    })
    if (ctx.has('auth-secret-type')) {
      ctx.account('auth-secret-type', 'ignored', `"${ctx.raw('auth-secret-type')}" describes the old Secret; the new Secret is one htpasswd file under .htpasswd whatever the old layout`, {
        level: 'info',
        code: 'basic-auth-secret',
      })
    }
    const realm = ctx.value<string>('auth-realm')
    if (realm !== undefined) {
      ctx.account('auth-realm', 'approximate', `"${realm}": Envoy Gateway's basicAuth has no realm setting, so the browser's login prompt shows Envoy's own realm instead`, {code: 'basic-auth-realm'})
    }
  },
}
