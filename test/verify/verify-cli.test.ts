/**
 * The verify command and convert's verify line, through the CLI: the summary line, exit status 1 for an unlabelled
 * difference, -o json, --probe parsing errors, convert --no-verify.
 */
import test from 'ava'
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {runCli} from '../support/run-cli.js'

process.env.HOME = mkdtempSync(join(tmpdir(), 'i2g-verify-cli-home-'))
const dir = mkdtempSync(join(tmpdir(), 'i2g-verify-cli-'))

/** A host-less rule without TLS: nginx answers it over https with its default certificate, the Gateway has no https listener. */
const HOSTLESS = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: any, namespace: app, creationTimestamp: "2024-01-01T00:00:00Z"}
spec:
  ingressClassName: nginx
  rules:
  - http: {paths: [{path: /a, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}
`
writeFileSync(join(dir, 'hostless.yaml'), HOSTLESS)

test.serial('verify examples/: every difference is known, exit 0, the summary line last', async (t) => {
  const r = await runCli(['verify', '-f', 'examples/', '--color', 'never'])
  t.is(r.exitCode, 0, r.stderr)
  // The regex API Ingress's and the blog's http -> https redirects of paths with a trailing slash (nginx drops it).
  t.regex(r.stdout, /\nverify: \d+ probes, 6 differ \(6 known\)\n$/)
  t.regex(r.stdout, /^Ingress team-a\/api:\n  known redirect-keeps-trailing-slash: GET http:\/\/shop\.example\.com\/api\/  nginx: 308 -> https:\/\/shop\.example\.com\/api  gateway: 308 -> https:\/\/shop\.example\.com\/api\/$/m)
  t.regex(r.stdout, /^Ingress team-b\/blog:\n  known redirect-keeps-trailing-slash: GET http:\/\/www\.blog\.example\.org\/feed\/ /m)
})

test.serial('a host-less rule over https is a known difference (catch-all-https), exit 0', async (t) => {
  const r = await runCli(['verify', '-f', join(dir, 'hostless.yaml'), '--only-given', '--probe', 'GET https://other.test/a/b'])
  t.is(r.exitCode, 0, r.stderr)
  t.is(r.stdout, 'Ingress app/any:\n  known catch-all-https: GET https://other.test/a/b  nginx: -> Service app/web:80 path /a/b host other.test  gateway: no response (no listener on port 443)\nverify: 1 probes, 1 differ (1 known)\n')
})

/** The host-less route of HOSTLESS as a user edited it: /a now goes to another Service, which nginx never did. */
const EDITED_HOSTLESS_ROUTE = `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: any, namespace: app}
spec:
  parentRefs: [{group: gateway.networking.k8s.io, kind: Gateway, name: shared, namespace: gateway, sectionName: http}]
  rules:
  - matches: [{path: {type: PathPrefix, value: /a}}]
    backendRefs: [{name: other, port: 80}]
`

test.serial('an unlabelled difference exits 1 and is listed; -o json carries it', async (t) => {
  const tree = join(dir, 'hostless-edited')
  mkdirSync(tree, {recursive: true})
  writeFileSync(join(tree, 'route.yaml'), EDITED_HOSTLESS_ROUTE)
  const args = ['verify', '-f', join(dir, 'hostless.yaml'), '--against', tree, '--only-given', '--probe', 'GET http://other.test/a/b']
  const r = await runCli(args)
  t.is(r.exitCode, 1)
  t.regex(r.stdout, /^Ingress app\/any:\n  DIFFERS: GET http:\/\/other\.test\/a\/b  nginx: -> Service app\/web:80 path \/a\/b host other\.test  gateway: -> Service app\/other:80 path \/a\/b host other\.test\nverify: 1 probes, 1 differ \(0 known\)/)
  const j = await runCli([...args, '-o', 'json'])
  const json = JSON.parse(j.stdout)
  t.is(j.exitCode, 1)
  t.like(json, {probes: 1, differ: 1, known: 0, unlabelled: 1})
  t.deepEqual(json.differences[0].differences, ['backends'])
})

test.serial('a malformed --probe is a usage error (exit 2) naming the probe', async (t) => {
  const r = await runCli(['verify', '-f', 'examples/', '--probe', 'GET ftp://x/'])
  t.is(r.exitCode, 2)
  t.regex(r.stderr, /probe "GET ftp:\/\/x\/": expected \[METHOD\] http\(s\):\/\/HOST\/PATH/)
})

test.serial('convert adds the verify line to its summary; --no-verify leaves it out', async (t) => {
  const on = await runCli(['convert', '-f', 'examples/', '--color', 'never'])
  t.regex(on.stderr, /^verify: \d+ probes, 6 differ \(6 known\)$/m)
  const off = await runCli(['convert', '-f', 'examples/', '--no-verify', '--color', 'never'])
  t.notRegex(off.stderr, /^verify:/m)
  t.is(on.stdout, off.stdout)
})

/** One host, two Services: the edit below sends /cart to the wrong one, which nginx never did. */
const SHOP = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: shop, namespace: shop, creationTimestamp: "2024-01-01T00:00:00Z"}
spec:
  ingressClassName: nginx
  rules:
  - host: shop.example.com
    http:
      paths:
      - {path: /cart, pathType: Prefix, backend: {service: {name: cart, port: {number: 8080}}}}
      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
`

test.serial('verify --against the convert --output-dir tree: 0 differences; an edited backend differs (exit 1); empty/absent DIR exits 2', async (t) => {
  const input = join(dir, 'shop.yaml')
  writeFileSync(input, SHOP)
  const tree = join(dir, 'gitops')
  const converted = await runCli(['convert', '-f', input, '--output-dir', tree, '--emit-gateway', '--color', 'never'])
  t.is(converted.exitCode, 0, converted.stderr)

  // The unedited tree routes exactly as the fresh conversion does: the same (known, plain-hosts-https) lines.
  const fresh = await runCli(['verify', '-f', input])
  const same = await runCli(['verify', '-f', input, '--against', tree])
  t.is(same.exitCode, 0, same.stdout + same.stderr)
  t.regex(fresh.stdout, /\nverify: 20 probes, 2 differ \(2 known\)\n$/)
  // 6: two Namespaces, Gateway, ClientTrafficPolicy, HTTPRoute, and the EnvoyProxy that keeps the Envoy Service
  // ClusterIP while the controller Service is unknown (data-plane.ts, fail closed).
  t.is(same.stdout, fresh.stdout.replace(/\n$/, `; gateway side: ${tree} (6 objects; known labels from a fresh conversion of the input)\n`))

  // The user's edit in the GitOps tree: /cart now goes to web:80.
  const routeFile = join(tree, 'shop', 'httproute-shop.yaml')
  const route = readFileSync(routeFile, 'utf8')
  const edited = route.replace(/name: cart\n(\s+)port: 8080/, 'name: web\n$1port: 80')
  t.not(edited, route, 'the fixture route carries the cart backend')
  writeFileSync(routeFile, edited)
  const differs = await runCli(['verify', '-f', input, '--against', tree, '-o', 'json'])
  t.is(differs.exitCode, 1, differs.stderr)
  const json = JSON.parse(differs.stdout)
  t.true(json.unlabelled > 0)
  const cart = json.differences.find((d: {request: string}) => d.request === 'GET http://shop.example.com/cart')
  t.truthy(cart, json.differences.map((d: {request: string}) => d.request).join('\n'))
  t.true(cart.differences.includes('backends'))
  t.is(cart.group, 'shop/shop')

  // A GitOps tree without the Gateway (the platform team owns it): the routes attach to the converted Gateway, said in a note.
  rmSync(join(tree, 'gateway'), {recursive: true})
  const noGateway = JSON.parse((await runCli(['verify', '-f', input, '--against', tree, '-o', 'json'])).stdout)
  t.true(noGateway.notes.includes(`${tree} has no Gateway: the routes were attached to the converted gateway/shared (listeners from the --gateway flags)`))
  t.is(noGateway.unlabelled, json.unlabelled)

  const empty = join(dir, 'empty-tree')
  mkdirSync(empty)
  const none = await runCli(['verify', '-f', input, '--against', empty])
  t.is(none.exitCode, 2)
  t.regex(none.stderr, /--against .*empty-tree: no HTTPRoute, GRPCRoute or TLSRoute in the 0 manifest files read/)
  const absent = await runCli(['verify', '-f', input, '--against', join(dir, 'no-such-dir')])
  t.is(absent.exitCode, 2)
  t.regex(absent.stderr, /--against .*no-such-dir: no such directory/)
})

test.serial('verify --against names the file and line of a malformed manifest (exit 2)', async (t) => {
  const tree = join(dir, 'broken-tree')
  mkdirSync(join(tree, 'shop'), {recursive: true})
  writeFileSync(join(tree, 'shop', 'route.yaml'), 'apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: x\n')
  const r = await runCli(['verify', '-f', join(dir, 'shop.yaml'), '--against', tree])
  t.is(r.exitCode, 2)
  t.regex(r.stderr, /broken-tree\/shop\/route\.yaml:\d+/)
})
