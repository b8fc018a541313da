import test from 'ava'
import {quoteSnippet, snippetConversions, snippetsFamily} from '../../src/annotations/snippets.js'
import type {KubeObject} from '../../src/translate/types.js'
import {diagnosticsFor, fidelityFor, ingressWith, translateObjects} from './support.js'

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
