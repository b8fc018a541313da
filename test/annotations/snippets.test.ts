import test from 'ava'
import {quoteSnippet, snippetConversions, snippetsFamily} from '../../src/annotations/snippets.js'
import type {KubeObject} from '../../src/translate/types.js'
import {diagnosticsFor, fidelityFor, ingressWith, translateAll, translateObjects, useValidator, validate} from './support.js'

useValidator()

const SNIPPET = `more_set_headers "X-Frame-Options: SAMEORIGIN" "X-Powered-By:";
proxy_set_header X-Tenant acme;
proxy_set_header Authorization "Bearer s3cr3t-token";
add_header Cache-Control "no-store";
rewrite ^/old/(.*)$ https://web.example.com/new/$1 permanent;
return 301 https://www.example.com$request_uri;
expires 1h;
`

test('configuration-snippet is manual: quoted on one line, credentials masked, recognised directives translated in the hint', (t) => {
  const r = translateObjects(ingressWith({'configuration-snippet': SNIPPET}))
  t.is(fidelityFor(r, 'configuration-snippet'), 'manual')
  const [d] = diagnosticsFor(r, 'configuration-snippet')
  t.is(d?.level, 'warning')
  t.false(d!.message.includes('\n'))
  t.regex(d!.message, /raw nginx configuration is not converted: "more_set_headers "X-Frame-Options: SAMEORIGIN" "X-Powered-By:"; proxy_set_header X-Tenant acme;/)
  t.false(d!.message.includes('s3cr3t'), 'the Authorization value is not repeated')
  t.false(d!.hint!.includes('s3cr3t'))
  t.regex(d!.message, /unless the controller allowed snippets \(allow-snippet-annotations: "true" and annotations-risk-level: Critical\), ingress-nginx did not serve this Ingress at all/)
  for (const expected of [
    /ResponseHeaderModifier set X-Frame-Options: SAMEORIGIN/,
    /ResponseHeaderModifier remove X-Powered-By/,
    /RequestHeaderModifier set X-Tenant: acme/,
    /RequestHeaderModifier set Authorization: <redacted>/,
    /add_header Cache-Control \.\.\. -> ResponseHeaderModifier add Cache-Control: no-store \(nginx added it only to 2xx\/3xx responses/,
    /rewrite \^\/old\/\(\.\*\)\$ https:\/\/web\.example\.com\/new\/\$1 permanent -> a rule matching PathPrefix \/old with RequestRedirect scheme https, hostname web\.example\.com, path ReplacePrefixMatch \/new, statusCode 301/,
    /return 301 https:\/\/www\.example\.com\$request_uri -> RequestRedirect to https:\/\/www\.example\.com keeping the request path \(no path field\), statusCode 301/,
    /anything else in the snippet: translate each directive by hand/,
  ]) t.regex(d!.hint!, expected)
  t.is(r.objects.filter((o) => o.kind === 'HTTPRoute').length, 1, 'the rest of the Ingress is converted')
})

test('quoteSnippet keeps one line of at most 300 characters', (t) => {
  const long = Array.from({length: 60}, (_, i) => `set $v${i} ${i};`).join('\n')
  const quoted = quoteSnippet(long)
  t.is(quoted.length, 301)
  t.true(quoted.endsWith('…'))
  t.false(quoted.includes('\n'))
  t.is(quoteSnippet('more_set_input_headers "Authorization: Basic dXNlcjpwYXNz";'), 'more_set_input_headers "Authorization: <redacted>";')
})

/** Each snippet with the credential it must never reveal. */
const CREDENTIAL_SNIPPETS: [string, string][] = [
  ['if ($http_x_api_key != "s3cr3t") { return 403; }', 's3cr3t'],
  ['if ($http_x_api_key != s3cr3t-bare) { return 403; }', 's3cr3t-bare'],
  ["if ($cookie_session = 'c00kie-val') { return 401; }", 'c00kie-val'],
  ['if ($http_authorization !~* "^Basic dXNlcjpwYXNz$") { return 401; }', 'dXNlcjpwYXNz'],
  ['if ($arg_token = q7token) { return 403; }', 'q7token'],
  ['proxy_set_header Authorization "Bearer abc123xyz";', 'abc123xyz'],
  ['proxy_set_header Authorization Bearer bare789xyz;', 'bare789xyz'],
  ['proxy_set_header X-Upstream-Token "t0k-9x";', 't0k-9x'],
  ['set $token "tok-4242"; proxy_set_header X-Auth $token;', 'tok-4242'],
  ['set $db_password hunter2;', 'hunter2'],
  ['more_set_input_headers "X-Api-Key: k3y-5566";', 'k3y-5566'],
  ['add_header Set-Cookie "sid=5e55ion";', '5e55ion'],
  ['proxy_pass https://admin:pa55w0rd@backend.internal/;', 'pa55w0rd'],
  ['return 301 https://deploy:hunter3@www.example.com$request_uri;', 'hunter3'],
  ['rewrite ^/old/(.*)$ https://bob:b0bpass@web.example.com/new/$1 permanent;', 'b0bpass'],
]

for (const [snippet, secret] of CREDENTIAL_SNIPPETS) {
  test(`the credential in ${JSON.stringify(snippet)} appears nowhere in the result`, (t) => {
    for (const key of ['configuration-snippet', 'server-snippet']) {
      const r = translateObjects(ingressWith({[key]: snippet}))
      t.is(fidelityFor(r, key), 'manual')
      t.regex(diagnosticsFor(r, key)[0]!.message, /<redacted>/)
      t.false(JSON.stringify(r).includes(secret), `${key}: ${secret} leaked`)
    }
  })
}

test('redaction keeps what is no secret: the comparison, the variable, the URL host', (t) => {
  t.is(quoteSnippet('if ($http_x_api_key != "s3cr3t") { return 403; }'), 'if ($http_x_api_key != <redacted>) { return 403; }')
  t.is(quoteSnippet('set $token "abc"; set $x 1;'), 'set $token <redacted>; set $x 1;')
  t.is(quoteSnippet('if ($http_user_agent ~* "badbot") { return 403; } if ($http_x_shared = "k") { return 403; }'), 'if ($http_user_agent ~* "badbot") { return 403; } if ($http_x_shared = <redacted>) { return 403; }', 'standard headers stay readable, custom ones are redacted')
  t.is(quoteSnippet('proxy_pass https://u:p@backend.internal/;'), 'proxy_pass https://<redacted>@backend.internal/;')
  t.is(quoteSnippet('proxy_set_header Cookie $http_cookie; proxy_set_header X-Api-Key "$http_x_api_key";'), 'proxy_set_header Cookie $http_cookie; proxy_set_header X-Api-Key "$http_x_api_key";', 'a variable alone carries no secret')
  t.deepEqual(snippetConversions('return 302 https://u:p@www.example.com/;'), ['return 302 https://<redacted>@www.example.com/ -> RequestRedirect to https://<redacted>@www.example.com/ with statusCode 302'])
})

test('snippetConversions: more_clear_headers, more_set_headers options, return codes', (t) => {
  t.deepEqual(snippetConversions('more_set_headers -s 404 "X-Reason: gone"; more_clear_headers Server; return 403;'), [
    'more_set_headers "X-Reason: ..." -> ResponseHeaderModifier set X-Reason: gone',
    'more_clear_headers Server -> ResponseHeaderModifier remove Server',
    'return 403 -> Envoy Gateway HTTPRouteFilter directResponse with statusCode 403',
  ])
  t.deepEqual(snippetConversions('gzip on;'), [])
})

test('with a controller ConfigMap that allows snippets the "not served" warning is left out', (t) => {
  const controller: KubeObject = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {name: 'ingress-nginx-controller', namespace: 'ingress-nginx'},
    data: {'allow-snippet-annotations': 'true', 'annotations-risk-level': 'Critical'},
  }
  const r = translateObjects(ingressWith({'server-snippet': 'location /healthz { return 200; }'}), controller)
  const [d] = diagnosticsFor(r, 'server-snippet')
  t.notRegex(d!.message, /did not serve/)
  t.regex(d!.hint!, /return 200 -> Envoy Gateway HTTPRouteFilter directResponse with statusCode 200/)
  t.regex(d!.hint!, /first Ingress of the host/)
})

test('stream-snippet and modsecurity-snippet are manual with their own hints; an empty snippet is ignored', (t) => {
  const r = translateObjects(ingressWith({'stream-snippet': 'server { listen 9000; proxy_pass db:5432; }', 'modsecurity-snippet': 'SecRuleEngine On', 'configuration-snippet': '  '}))
  t.is(fidelityFor(r, 'stream-snippet'), 'manual')
  t.regex(diagnosticsFor(r, 'stream-snippet')[0]!.hint!, /TCPRoute/)
  t.is(fidelityFor(r, 'modsecurity-snippet'), 'manual')
  t.regex(diagnosticsFor(r, 'modsecurity-snippet')[0]!.hint!, /Coraza/)
  t.is(fidelityFor(r, 'configuration-snippet'), 'ignored')
})

test('auth-snippet is left to the external-auth family', (t) => {
  t.false(snippetsFamily.specs.some((s) => s.key === 'auth-snippet'))
})

test('access control in a snippet fails closed: deny-all SecurityPolicy and an error, instead of an open route', (t) => {
  const r = translateAll([ingressWith({'configuration-snippet': 'allow 10.0.0.0/8;\ndeny all;'}, {name: 'admin'})])
  const sp = r.objects.find((o) => o.kind === 'SecurityPolicy' && o.metadata.name === 'admin')!
  t.deepEqual(sp.spec.authorization, {defaultAction: 'Deny'})
  const d = r.diagnostics.find((x) => x.code === 'snippet-access-control-fail-closed')!
  t.is(d.level, 'error')
  t.regex(d.message, /deny all/)
  t.deepEqual(validate(sp), [])
  // Headers only: no access control, the route is served and the snippet reported.
  const headers = translateAll([ingressWith({'configuration-snippet': 'more_set_headers "X-Frame-Options: DENY";'}, {name: 'site'})])
  t.false(headers.objects.some((o) => o.kind === 'SecurityPolicy'))
})

test('with the controller ConfigMap in the input and snippets not allowed, nginx refused the Ingress: nothing is emitted', (t) => {
  const cm = {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'ingress-nginx-controller', namespace: 'ingress-nginx'}, data: {'use-forwarded-headers': 'true'}}
  const r = translateAll([ingressWith({'server-snippet': 'location /x { return 200; }'}, {name: 'snip'}), cm])
  t.false(r.objects.some((o) => o.kind === 'HTTPRoute'))
  t.true(r.diagnostics.some((d) => d.code === 'ingress-not-served' && d.level === 'error'))
  const allowed = translateAll([
    ingressWith({'server-snippet': 'location /x { return 200; }'}, {name: 'snip'}),
    {...cm, data: {'allow-snippet-annotations': 'true', 'annotations-risk-level': 'Critical'}},
  ])
  t.true(allowed.objects.some((o) => o.kind === 'HTTPRoute'))
})
