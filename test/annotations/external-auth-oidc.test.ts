/**
 * --oauth2-proxy=oidc: Envoy Gateway OIDC filled from oauth2-proxy's Deployment (args, OAUTH2_PROXY_* env, the
 * config file mounted from a ConfigMap), and the cases where oauth2-proxy must stay (not OpenID Connect, a
 * restriction of who may sign in, identity headers the app reads, a client secret outside a Secret).
 */
import test from 'ava'
import type {KubeObject} from '../../src/model/types.js'
import {assertValid, configMap, diagnosticsFor, fidelityOf, ingressWith, objectsOf, translateAll, useValidator} from './support.js'

useValidator()

interface ProxyOptions {
  namespace?: string
  args?: string[]
  env?: unknown[]
  volumes?: unknown[]
  mounts?: unknown[]
}

/** oauth2-proxy's Deployment and Service (selector app=oauth2-proxy). */
function oauth2Proxy(o: ProxyOptions = {}): KubeObject[] {
  const namespace = o.namespace ?? 'auth'
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {name: 'oauth2-proxy', namespace},
      spec: {
        selector: {matchLabels: {app: 'oauth2-proxy'}},
        template: {
          metadata: {labels: {app: 'oauth2-proxy', version: 'v7'}},
          spec: {
            containers: [
              {name: 'sidecar', image: 'busybox'},
              {name: 'proxy', image: 'quay.io/oauth2-proxy/oauth2-proxy:v7.15.0', args: o.args ?? [], env: o.env ?? [], volumeMounts: o.mounts ?? []},
            ],
            volumes: o.volumes ?? [],
          },
        },
      },
    },
    {apiVersion: 'v1', kind: 'Service', metadata: {name: 'oauth2-proxy', namespace}, spec: {selector: {app: 'oauth2-proxy'}, ports: [{port: 4180}]}},
  ]
}

const OIDC_ARGS = ['--provider=oidc', '--oidc-issuer-url', 'https://idp.example.com/realms/main', '--email-domain=*', '--client-id=portal', '--cookie-domain=.example.com']
const SECRET_ENV = [{name: 'OAUTH2_PROXY_CLIENT_SECRET', valueFrom: {secretKeyRef: {name: 'oauth2-proxy', key: 'client-secret'}}}]

function convert(proxy: KubeObject[], annotations: Record<string, string> = {}, namespace = 'apps') {
  const app = ingressWith({'auth-url': 'http://oauth2-proxy.auth.svc.cluster.local:4180/oauth2/auth', ...annotations}, {name: 'portal', namespace, host: 'portal.example.com'})
  return translateAll([app, ...proxy], {oauth2Proxy: 'oidc'})
}

const policy = (r: ReturnType<typeof convert>) => objectsOf(r, 'SecurityPolicy').find((o) => o.metadata.name === 'portal')!

test('oidc from the Deployment\'s flags and env: issuer, client, Secret by reference with a ReferenceGrant, cookie domain, callback and sign-out on the route', (t) => {
  const r = convert(oauth2Proxy({args: OIDC_ARGS, env: SECRET_ENV}))
  const sp = policy(r)
  t.deepEqual(sp.spec.oidc, {
    provider: {issuer: 'https://idp.example.com/realms/main'},
    clientID: 'portal',
    clientSecret: {name: 'oauth2-proxy', namespace: 'auth'},
    redirectURL: '%REQ(x-forwarded-proto)%://%REQ(:authority)%/oauth2/callback',
    logoutPath: '/oauth2/sign_out',
    cookieDomain: 'example.com',
    scopes: ['openid', 'email', 'profile'],
    denyRedirect: {headers: [{name: 'Accept', type: 'RegularExpression', value: '(.*,)?[ \\t]*application/json[ \\t]*(,.*)?'}]},
  })
  t.is(sp.spec.extAuth, undefined)
  const grant = objectsOf(r, 'ReferenceGrant').find((g) => g.metadata.namespace === 'auth')!
  t.deepEqual(grant.spec, {from: [{group: 'gateway.envoyproxy.io', kind: 'SecurityPolicy', namespace: 'apps'}], to: [{group: '', kind: 'Secret', name: 'oauth2-proxy'}]})
  const route = objectsOf(r, 'HTTPRoute').find((o) => o.metadata.name === 'portal')!
  t.deepEqual(
    route.spec.rules.slice(0, 2).map((rule: any) => rule.matches),
    [[{path: {type: 'Exact', value: '/oauth2/callback'}}], [{path: {type: 'Exact', value: '/oauth2/sign_out'}}]],
  )
  t.is(fidelityOf(r, 'apps/portal', 'auth-url'), 'approximate')
  t.is(diagnosticsFor(r, 'auth-url')[0]!.code, 'oidc-oauth2-proxy')
  t.regex(r.checklist.find((c) => c.startsWith('oauth2-proxy'))!, /no longer called by these routes/)
  t.false(r.objects.some((o) => JSON.stringify(o).includes('cookie-secret')), 'only the client Secret is referenced')
  assertValid(t, r)
})

test('oidc from the config file of a ConfigMap volume, a client ID from a Secret (clientIDRef), a flag beating the file, same namespace: no grant', (t) => {
  const cfg = configMap('apps', 'oauth2-proxy-config', {
    'oauth2_proxy.cfg': ['provider = "keycloak-oidc"', 'oidc_issuer_url = "https://sso.example.com/realms/x"', 'email_domains = [ "*" ]', 'cookie_domains = [".example.org", ".example.com"]', 'scope = "openid email"', 'proxy_prefix = "/sso"'].join('\n'),
  })
  const proxy = oauth2Proxy({
    namespace: 'apps',
    args: ['--config=/etc/oauth2-proxy/oauth2_proxy.cfg', '--scope=openid email groups'],
    env: [...SECRET_ENV.map((e) => ({...e, valueFrom: {secretKeyRef: {name: 'sso', key: 'secret'}}})), {name: 'OAUTH2_PROXY_CLIENT_ID', valueFrom: {secretKeyRef: {name: 'sso', key: 'client-id'}}}],
    volumes: [{name: 'config', configMap: {name: 'oauth2-proxy-config'}}],
    mounts: [{name: 'config', mountPath: '/etc/oauth2-proxy'}],
  })
  const app = ingressWith({'auth-url': 'http://oauth2-proxy.apps.svc.cluster.local:4180/sso/auth'}, {name: 'portal', namespace: 'apps', host: 'portal.example.com'})
  const r = translateAll([app, ...proxy, cfg], {oauth2Proxy: 'oidc'})
  const oidc = policy(r).spec.oidc
  t.deepEqual(oidc.provider, {issuer: 'https://sso.example.com/realms/x'})
  t.deepEqual(oidc.clientIDRef, {name: 'sso'})
  t.deepEqual(oidc.clientSecret, {name: 'sso'})
  t.is(oidc.cookieDomain, 'example.com', 'the cookie domain that covers the host')
  t.deepEqual(oidc.scopes, ['openid', 'email', 'groups'], 'the flag wins over the config file')
  t.is(oidc.redirectURL, '%REQ(x-forwarded-proto)%://%REQ(:authority)%/sso/callback')
  t.is(oidc.logoutPath, '/sso/sign_out')
  t.false(objectsOf(r, 'ReferenceGrant').some((g) => g.spec.to[0].kind === 'Secret'))
  // Envoy Gateway reads key client-secret; oauth2-proxy reads key secret: a person adds the key.
  t.is(fidelityOf(r, 'apps/portal', 'auth-url'), 'manual')
  t.regex(diagnosticsFor(r, 'auth-url')[0]!.hint!, /key client-secret of Secret apps\/sso, where oauth2-proxy reads key secret/)
  assertValid(t, r)
})

test('oauth2-proxy stays behind extAuth, with the reason, where the OIDC filter cannot stand in for it', (t) => {
  const cases: [string, KubeObject[], Record<string, string>, RegExp][] = [
    ['no Deployment', oauth2Proxy().slice(1), {}, /the Deployment behind Service auth\/oauth2-proxy is not in the input/],
    ['GitHub', oauth2Proxy({args: ['--provider=github', '--email-domain=*'], env: SECRET_ENV}), {}, /its provider is github without --oidc-issuer-url/],
    ['email domain', oauth2Proxy({args: [...OIDC_ARGS.filter((a) => a !== '--email-domain=*'), '--email-domain=example.com'], env: SECRET_ENV}), {}, /admits only some users \(--email-domain=example\.com/],
    ['group', oauth2Proxy({args: [...OIDC_ARGS, '--allowed-group=admins'], env: SECRET_ENV}), {}, /--allowed-group/],
    ['no email domain', oauth2Proxy({args: OIDC_ARGS.filter((a) => a !== '--email-domain=*'), env: SECRET_ENV}), {}, /sets no --email-domain/],
    ['identity headers', oauth2Proxy({args: OIDC_ARGS, env: SECRET_ENV}), {'auth-response-headers': 'X-Auth-Request-Email'}, /X-Auth-Request-Email from oauth2-proxy's answer/],
    ['literal secret', oauth2Proxy({args: [...OIDC_ARGS, '--client-secret=s3cr3t']}), {}, /client secret is not taken from a Secret/],
    // Ways in besides its session cookie (oauthproxy.go buildSessionChain, IsAllowedRequest): the OIDC filter has none.
    ['bearer tokens', oauth2Proxy({args: [...OIDC_ARGS, '--skip-jwt-bearer-tokens'], env: SECRET_ENV}), {}, /lets clients in without its session cookie \(--skip-jwt-bearer-tokens in Deployment auth\/oauth2-proxy\)/],
    ['htpasswd', oauth2Proxy({args: OIDC_ARGS, env: [...SECRET_ENV, {name: 'OAUTH2_PROXY_HTPASSWD_FILE', value: '/etc/htpasswd'}]}), {}, /--htpasswd-file/],
    ['trusted ip', oauth2Proxy({args: [...OIDC_ARGS, '--trusted-ip=10.0.0.0/8'], env: SECRET_ENV}), {}, /--trusted-ip/],
  ]
  for (const [label, proxy, annotations, reason] of cases) {
    const r = convert(proxy, annotations)
    const sp = policy(r)
    t.is(sp.spec.oidc, undefined, label)
    t.truthy(sp.spec.extAuth, label)
    const d = r.diagnostics.find((x) => x.code === 'oauth2-proxy-oidc-not-possible')!
    t.is(d.data?.key, 'nginx.ingress.kubernetes.io/auth-url', label)
    t.regex(String(d.data?.reason), reason, label)
    t.false(JSON.stringify(d).includes('s3cr3t'), `${label}: a secret value is never printed, nor carried in data`)
    t.false(objectsOf(r, 'HTTPRoute').some((o) => JSON.stringify(o).includes('/oauth2/callback')), label)
  }
})

test('two protected Ingresses on one host keep oauth2-proxy: their OIDC filters could not share the callback and cookies', (t) => {
  const url = 'http://oauth2-proxy.auth.svc.cluster.local:4180/oauth2/auth'
  const r = translateAll(
    [
      ingressWith({'auth-url': url}, {name: 'portal', namespace: 'apps', host: 'portal.example.com'}),
      ingressWith({'auth-url': url}, {name: 'admin', namespace: 'apps', host: 'portal.example.com', paths: ['/admin']}),
      ...oauth2Proxy({args: OIDC_ARGS, env: SECRET_ENV}),
    ],
    {oauth2Proxy: 'oidc'},
  )
  for (const name of ['portal', 'admin']) {
    const sp = objectsOf(r, 'SecurityPolicy').find((o) => o.metadata.name === name)!
    t.is(sp.spec.oidc, undefined, name)
    t.truthy(sp.spec.extAuth, name)
  }
  t.regex(String(r.diagnostics.find((d) => d.code === 'oauth2-proxy-oidc-not-possible' && d.object === 'Ingress apps/portal')!.data?.reason), /apps\/admin on portal\.example\.com also has auth-url/)
})

test('without --oauth2-proxy=oidc the Deployment is not used: oauth2-proxy stays behind extAuth', (t) => {
  const app = ingressWith({'auth-url': 'http://oauth2-proxy.auth.svc.cluster.local:4180/oauth2/auth'}, {name: 'portal', namespace: 'apps', host: 'portal.example.com'})
  const r = translateAll([app, ...oauth2Proxy({args: OIDC_ARGS, env: SECRET_ENV})])
  t.is(policy(r).spec.oidc, undefined)
  t.truthy(policy(r).spec.extAuth)
  t.false(r.diagnostics.some((d) => d.code === 'oauth2-proxy-oidc-not-possible'))
})

test('ext-auth form: skip-auth rules of the Deployment are named, since they now see the application\'s paths', (t) => {
  const app = ingressWith({'auth-url': 'http://oauth2-proxy.auth.svc.cluster.local:4180/oauth2/auth'}, {name: 'portal', namespace: 'apps', host: 'portal.example.com'})
  const r = translateAll([app, ...oauth2Proxy({args: [...OIDC_ARGS, '--skip-auth-route=GET=^/public/'], env: [{name: 'OAUTH2_PROXY_SKIP_AUTH_REGEX', value: '^/health'}]})])
  const [d] = diagnosticsFor(r, 'auth-url')
  t.regex(d!.message, /--skip-auth-route=GET=\^\/public\/, --skip-auth-regex=\^\/health \(Deployment auth\/oauth2-proxy\) now match the application's paths/)
  const plain = translateAll([app, ...oauth2Proxy({args: OIDC_ARGS})])
  t.notRegex(diagnosticsFor(plain, 'auth-url')[0]!.message, /skip-auth-route=/)
})

test('ext-auth form: --skip-auth-preflight opens OPTIONS (nginx checked with GET) and --trusted-ip admits nobody any more; both are named', (t) => {
  const app = ingressWith({'auth-url': 'http://oauth2-proxy.auth.svc.cluster.local:4180/oauth2/auth'}, {name: 'portal', namespace: 'apps', host: 'portal.example.com'})
  const r = translateAll([app, ...oauth2Proxy({args: [...OIDC_ARGS, '--skip-auth-preflight', '--trusted-ip=10.0.0.0/8'], env: [{name: 'OAUTH2_PROXY_TRUSTED_IPS', value: '192.168.0.0/16'}]})])
  const message = diagnosticsFor(r, 'auth-url')[0]!.message
  t.regex(message, /--skip-auth-preflight \(Deployment auth\/oauth2-proxy\) now lets every OPTIONS request reach the application without a session/)
  // Flags win over OAUTH2_PROXY_* env (pkg/apis/options/load.go): the flag's list is the one named.
  t.regex(message, /--trusted-ip=10\.0\.0\.0\/8 \(Deployment auth\/oauth2-proxy\) no longer lets those clients in without a session/)
  const fromEnv = translateAll([app, ...oauth2Proxy({args: OIDC_ARGS, env: [{name: 'OAUTH2_PROXY_TRUSTED_IPS', value: '10.0.0.0/8,192.168.0.0/16'}, {name: 'OAUTH2_PROXY_SKIP_AUTH_PREFLIGHT', value: 'false'}]})])
  const envMessage = diagnosticsFor(fromEnv, 'auth-url')[0]!.message
  t.regex(envMessage, /--trusted-ip=10\.0\.0\.0\/8,192\.168\.0\.0\/16 /)
  t.notRegex(envMessage, /skip-auth-preflight/)
})

test('a fixed --redirect-url that is not every protected host\'s own callback makes the OIDC form manual: the provider must accept new redirect URIs first', (t) => {
  const r = convert(oauth2Proxy({args: [...OIDC_ARGS, '--redirect-url=https://auth.example.com/oauth2/callback'], env: SECRET_ENV}))
  t.truthy(policy(r).spec.oidc)
  t.is(fidelityOf(r, 'apps/portal', 'auth-url'), 'manual')
  t.regex(diagnosticsFor(r, 'auth-url')[0]!.hint!, /register https:\/\/portal\.example\.com\/oauth2\/callback with the provider \(oauth2-proxy used https:\/\/auth\.example\.com\/oauth2\/callback for every host/)
  t.regex(r.checklist.find((c) => c.startsWith('oauth2-proxy'))!, /register https:\/\/portal\.example\.com\/oauth2\/callback/)
  // The host's own callback was already registered for oauth2-proxy: nothing to do.
  const same = convert(oauth2Proxy({args: [...OIDC_ARGS, '--redirect-url=https://portal.example.com/oauth2/callback'], env: SECRET_ENV}))
  t.is(fidelityOf(same, 'apps/portal', 'auth-url'), 'approximate')
  // A false boolean flag is no way in.
  const off = convert(oauth2Proxy({args: [...OIDC_ARGS, '--skip-jwt-bearer-tokens=false'], env: SECRET_ENV}))
  t.truthy(policy(off).spec.oidc)
})

test('denyRedirect picks the clients oauth2-proxy answers with 401: an Accept element that is exactly application/json (oauthproxy.go isAjax)', (t) => {
  const value: string = policy(convert(oauth2Proxy({args: OIDC_ARGS, env: SECRET_ENV}))).spec.oidc.denyRedirect.headers[0].value
  // Envoy's safe_regex header match is a full match (the model in test/support/ext-authz.ts anchors it the same way).
  const matches = (accept: string) => new RegExp(`^(?:${value})$`).test(accept)
  const isAjax = (accept: string) => accept.split(',').some((m) => m.trim() === 'application/json')
  for (const accept of ['application/json', 'text/plain, application/json', 'application/json ,*/*', 'text/html,application/xhtml+xml,application/json;q=0.8', 'application/jsonp', 'text/html', 'application/json-seq, text/html']) {
    t.is(matches(accept), isAjax(accept), accept)
  }
})
