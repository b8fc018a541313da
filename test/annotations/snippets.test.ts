import test from 'ava'
import {quoteSnippet, snippetConversions, snippetsFamily} from '../../src/annotations/snippets.js'
import type {KubeObject} from '../../src/model/types.js'
import {controllerConfigMap, diagnosticsFor, fidelityFor, ingressWith, SNIPPETS_ALLOWED, translateAll, useValidator, validate} from './support.js'

useValidator()

/** The Ingress translated by a controller that serves snippets (annotations-risk-level Critical, snippets allowed). */
const translateAllowed = (...objects: KubeObject[]) => translateAll([...objects, SNIPPETS_ALLOWED])

const SNIPPET = `more_set_headers "X-Frame-Options: SAMEORIGIN" "X-Powered-By:";
proxy_set_header X-Tenant acme;
proxy_set_header Authorization "Bearer s3cr3t-token";
add_header Cache-Control "no-store";
rewrite ^/old/(.*)$ https://web.example.com/new/$1 permanent;
return 301 https://www.example.com$request_uri;
expires 1h;
`

test('configuration-snippet is manual: quoted on one line, credentials masked, recognised directives translated in the hint', (t) => {
  const r = translateAllowed(ingressWith({'configuration-snippet': SNIPPET}))
  t.is(fidelityFor(r, 'configuration-snippet'), 'manual')
  const [d] = diagnosticsFor(r, 'configuration-snippet')
  t.is(d?.level, 'warning')
  t.false(d!.message.includes('\n'))
  t.regex(d!.message, /raw nginx configuration is not converted: "more_set_headers "X-Frame-Options: SAMEORIGIN" "X-Powered-By:"; proxy_set_header X-Tenant acme;/)
  t.false(d!.message.includes('s3cr3t'), 'the Authorization value is not repeated')
  t.false(d!.hint!.includes('s3cr3t'))
  t.notRegex(d!.message, /not serve/, 'the controller served the snippet')
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
      const r = translateAllowed(ingressWith({[key]: snippet}))
      t.is(fidelityFor(r, key), 'manual')
      const d = diagnosticsFor(r, key)[0]!
      t.regex(d.message, /<redacted>/)
      // The account's data carries the value as written, masked as the message quotes it.
      t.is(d.data?.key, `nginx.ingress.kubernetes.io/${key}`)
      t.regex(String(d.data?.value), /<redacted>/)
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

test('a server-snippet served by the controller: a nested location is a rule of its own, not the whole route', (t) => {
  const r = translateAllowed(ingressWith({'server-snippet': 'location /healthz { return 200; }'}))
  const [d] = diagnosticsFor(r, 'server-snippet')
  t.notRegex(d!.message, /not serve/)
  t.regex(d!.hint!, /return 200 \(inside `location \/healthz`\) -> a rule of its own matching PathPrefix \/healthz, with Envoy Gateway HTTPRouteFilter directResponse with statusCode 200/)
  t.regex(d!.hint!, /first Ingress of the host/)
})

test('commented-out directives are not active: no hint for them, and no fail-closed policy for a commented auth_basic', (t) => {
  const snippet = '# proxy_set_header X-Old "yes";\n  #more_set_headers "X-Gone: 1";\nmore_set_headers "X-Kept: 1"; # trailing note\nadd_header X-Hash "a#b";\n# auth_basic "admin";'
  t.deepEqual(snippetConversions(snippet), [
    'more_set_headers "X-Kept: ..." -> ResponseHeaderModifier set X-Kept: 1',
    'add_header X-Hash ... -> ResponseHeaderModifier add X-Hash: a#b (nginx added it only to 2xx/3xx responses; the filter adds it to all)',
  ], 'a # inside quotes is no comment (ngx_conf_read_token)')
  const r = translateAllowed(ingressWith({'configuration-snippet': snippet}))
  t.false(r.objects.some((o) => o.kind === 'SecurityPolicy'), 'the commented auth_basic protects nothing in nginx')
  t.is(fidelityFor(translateAllowed(ingressWith({'configuration-snippet': '# more_set_headers "X: 1";'})), 'configuration-snippet'), 'ignored')
})

test('a directive inside if (...) is conditional: the hint never makes it a response for every request', (t) => {
  const [hint] = snippetConversions('if ($http_user_agent ~* "badbot") { return 403; }')
  t.is(hint, 'return 403 (inside `if ($http_user_agent ~* "badbot")`) -> only for requests where $http_user_agent ~* "badbot" (a rule of its own with a header or query match for that condition, not a filter on every rule), with Envoy Gateway HTTPRouteFilter directResponse with statusCode 403')
  t.is(snippetConversions('location = /robots.txt { more_set_headers "X-Robots-Tag: noindex"; }')[0], 'more_set_headers "X-Robots-Tag: ..." (inside `location = /robots.txt`) -> a rule of its own matching Exact /robots.txt, with ResponseHeaderModifier set X-Robots-Tag: noindex')
  t.deepEqual(snippetConversions('set $x "${host}"; return 403;'), ['return 403 -> Envoy Gateway HTTPRouteFilter directResponse with statusCode 403'], '${var} opens no block')
})

test('stream-snippet and modsecurity-snippet are manual with their own hints; an empty snippet is ignored', (t) => {
  const r = translateAllowed(ingressWith({'stream-snippet': 'server { listen 9000; proxy_pass db:5432; }', 'modsecurity-snippet': 'SecRuleEngine On', 'configuration-snippet': '  '}))
  t.is(fidelityFor(r, 'stream-snippet'), 'manual')
  t.regex(diagnosticsFor(r, 'stream-snippet')[0]!.hint!, /TCPRoute/)
  t.is(fidelityFor(r, 'modsecurity-snippet'), 'manual')
  t.regex(diagnosticsFor(r, 'modsecurity-snippet')[0]!.hint!, /Coraza/)
  // Spaces only: ValidateNull passes, parseString trims them to "" (InvalidContent): nginx ignores the key as if
  // empty, and so does the conversion (exact, with the empty-value warning).
  t.is(fidelityFor(r, 'configuration-snippet'), 'exact')
  t.is(diagnosticsFor(r, 'configuration-snippet')[0]!.code, 'empty-annotation-value')
})

test('auth-snippet is left to the external-auth family', (t) => {
  t.false(snippetsFamily.specs.some((s) => s.key === 'auth-snippet'))
})

test('access control in a snippet fails closed: deny-all SecurityPolicy and an error, instead of an open route', (t) => {
  const r = translateAllowed(ingressWith({'configuration-snippet': 'allow 10.0.0.0/8;\ndeny all;'}, {name: 'admin'}))
  const sp = r.objects.find((o) => o.kind === 'SecurityPolicy' && o.metadata.name === 'admin')!
  t.deepEqual(sp.spec.authorization, {defaultAction: 'Deny'})
  const d = r.diagnostics.find((x) => x.code === 'snippet-access-control-fail-closed')!
  t.is(d.level, 'error')
  t.regex(d.message, /deny all/)
  t.deepEqual(validate(sp), [])
  // Headers only: no access control, the route is served and the snippet reported.
  const headers = translateAllowed(ingressWith({'configuration-snippet': 'more_set_headers "X-Frame-Options: DENY";'}, {name: 'site'}))
  t.false(headers.objects.some((o) => o.kind === 'SecurityPolicy'))
})

test('serving decides by annotations-risk-level first (snippets are Critical), then allow-snippet-annotations (controller.go dropSnippetDirectives)', (t) => {
  const snippet = {'server-snippet': 'location /x { return 200; }'}
  // No ConfigMap: the defaults (High, false) drop the Ingress.
  const defaults = translateAll([ingressWith(snippet, {name: 'snip'})])
  t.false(defaults.objects.some((o) => o.kind === 'HTTPRoute'))
  t.is(defaults.ingresses[0]!.status, 'not-served')
  t.regex(diagnosticsFor(defaults, 'server-snippet')[0]!.message, /Critical-risk annotation, above the default annotations-risk-level High/)
  t.deepEqual(diagnosticsFor(defaults, 'server-snippet')[0]!.data, {problem: 'risk', key: 'nginx.ingress.kubernetes.io/server-snippet', value: 'location /x { return 200; }', risk: 'Critical'})
  // allow-snippet-annotations alone does not help: the risk level still refuses it.
  const onlyAllowed = translateAll([ingressWith(snippet, {name: 'snip'}), controllerConfigMap({'allow-snippet-annotations': 'true'})])
  t.is(onlyAllowed.ingresses[0]!.status, 'not-served')
  // Critical without allow-snippet-annotations: served, the snippet removed.
  const critical = translateAll([ingressWith(snippet, {name: 'snip'}), controllerConfigMap({'annotations-risk-level': 'Critical'})])
  t.is(critical.ingresses[0]!.status, 'converted')
  t.is(fidelityFor(critical, 'server-snippet'), 'ignored')
  t.is(diagnosticsFor(critical, 'server-snippet')[0]!.code, 'snippet-not-allowed')
  t.deepEqual(diagnosticsFor(critical, 'server-snippet')[0]!.data, {key: 'nginx.ingress.kubernetes.io/server-snippet', value: 'location /x { return 200; }', fromConfigMap: true})
  // Both: served with the snippet, reported for translation by hand.
  const allowed = translateAllowed(ingressWith(snippet, {name: 'snip'}))
  t.is(allowed.ingresses[0]!.status, 'converted')
  t.is(fidelityFor(allowed, 'server-snippet'), 'manual')
})
