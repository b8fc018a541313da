/**
 * The commands as a kubectl user meets them, in-process (oclif's entry point, dist/ as built by `npm test`) against
 * the fake API server: exit codes per command (0 ok / 1 gate or differences / 2 cannot read), the apply gates
 * (conversion errors, namespace scope, nothing to apply), empty scopes, -l on files, the namespace of namespace-less
 * objects, convert's own output given to apply -f, missing Services, and kubectl's flags.
 */
import test, {type ExecutionContext} from 'ava'
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import jsYaml from 'js-yaml'
import {FakeApiServer} from './support/fake-apiserver.js'
import {ingress, ns, service, tempDir} from './support/cluster-helpers.js'
import {runCli} from './support/run-cli.js'

async function cluster(t: ExecutionContext, opts: {namespace?: string} = {}) {
  const s = await FakeApiServer.start()
  t.teardown(() => s.close())
  const dir = tempDir(t)
  const kubeconfig = s.writeKubeconfig(dir, {namespace: opts.namespace ?? 'shop'})
  return {s, dir, kubeconfig}
}

function writeYaml(dir: string, name: string, objects: object[]): string {
  const file = join(dir, name)
  writeFileSync(file, objects.map((o) => jsYaml.dump(o)).join('---\n'))
  return file
}

const writes = (s: FakeApiServer) => s.requests.filter((q) => q.method !== 'GET')

/** An Ingress whose ext-auth Service lives in namespace auth: the plan holds a ReferenceGrant there. */
const withExtAuth = () => {
  const ing = ingress('shop', 'web', {host: 'shop.example.com'}) as any
  ing.metadata.annotations = {'nginx.ingress.kubernetes.io/auth-url': 'http://oauth.auth.svc.cluster.local/verify'}
  return ing
}

/** A backend with neither a port number nor a port name: translate/hosts.ts reports an invalid-backend error. */
const withBadBackend = () => {
  const ing = ingress('shop', 'broken', {host: 'broken.example.com'}) as any
  ing.spec.rules[0].http.paths[0].backend.service = {name: 'broken'}
  return ing
}

test.serial('exit codes, convert and report: 0 ok, 1 --fail-on tripped, 2 cannot read (also with --json, nothing on stdout)', async (t) => {
  const {s, kubeconfig} = await cluster(t)
  s.seed([ns('shop'), service('shop', 'web'), withExtAuth()])
  t.is((await runCli(['convert', '--kubeconfig', kubeconfig])).exitCode, 0)
  t.is((await runCli(['report', '--kubeconfig', kubeconfig])).exitCode, 0)
  const gate = await runCli(['report', '--kubeconfig', kubeconfig, '--fail-on', 'approximate', '-o', 'json'])
  // An auth-url to a server no form is known for is manual (Envoy allows only a 200; auth-signin is not reproduced).
  t.is(gate.exitCode, 1, 'ext-auth to an unknown server is manual, above approximate')
  t.is(JSON.parse(gate.stdout).summary.byStatus.manual, 1, '-o json is --format json')
  await s.close()
  for (const args of [['convert'], ['report'], ['report', '--json'], ['report', '--json', '--fail-on', 'manual']]) {
    const r = await runCli([...args, '--kubeconfig', kubeconfig])
    t.is(r.exitCode, 2, args.join(' '))
    t.is(r.stdout, '', `${args.join(' ')}: no oclif error object on stdout`)
    t.regex(r.stderr, /^error: cannot reach the Kubernetes API server at \S+ \(context "fake"\): connection refused\n$/)
  }
})

test.serial('exit codes, diff and apply: 0 nothing to do, 1 differences / failed objects, 2 cannot read', async (t) => {
  const {s, kubeconfig} = await cluster(t)
  s.seed([ns('shop'), service('shop', 'web'), ingress('shop', 'web', {host: 'shop.example.com'})])
  t.is((await runCli(['diff', '--kubeconfig', kubeconfig])).exitCode, 1)
  const applied = await runCli(['apply', '--kubeconfig', kubeconfig])
  t.is(applied.exitCode, 0, applied.stderr)
  t.regex(applied.stdout, /^httproute\.gateway\.networking\.k8s\.io\/\S+ created$/m)
  t.regex(applied.stderr, /^1 of 1 object\(s\) applied: 1 created, 0 configured, 0 unchanged$/m)
  t.is((await runCli(['diff', '--kubeconfig', kubeconfig])).exitCode, 0)
  s.deny({verb: 'patch', group: 'gateway.networking.k8s.io', resource: 'httproutes'})
  s.seed([ingress('shop', 'api', {host: 'api.example.com', service: 'web'})])
  const failed = await runCli(['apply', '--kubeconfig', kubeconfig])
  t.is(failed.exitCode, 1)
  t.regex(failed.stderr, /^error: httproute\.gateway\.networking\.k8s\.io\/\S+ \(namespace shop\): forbidden: /m)
  await s.close()
  for (const cmd of ['diff', 'apply']) t.is((await runCli([cmd, '--kubeconfig', kubeconfig])).exitCode, 2, cmd)
})

test.serial('apply -n with an object of another namespace in the plan is refused before any write; --allow-cross-namespace and -A apply it', async (t) => {
  const {s, kubeconfig} = await cluster(t)
  s.seed([ns('shop'), ns('auth'), service('shop', 'web'), withExtAuth()])
  const refused = await runCli(['apply', '-n', 'shop', '--kubeconfig', kubeconfig])
  t.is(refused.exitCode, 1)
  t.is(writes(s).length, 0)
  t.regex(refused.stderr, /^error: this apply is confined to namespace "shop", but 1 object\(s\) of the plan are outside it:\n {2}referencegrant\.gateway\.networking\.k8s\.io\/ingress2gw-shop-web-ext-auth \(namespace auth\)\nerror: pass --allow-cross-namespace to apply them as listed, or -A, or -n with their namespace$/m)
  // The context namespace confines the run too (kubectl's default namespace).
  t.is((await runCli(['apply', '--kubeconfig', kubeconfig])).exitCode, 1)
  t.is(writes(s).length, 0)

  const allowed = await runCli(['apply', '-n', 'shop', '--allow-cross-namespace', '--kubeconfig', kubeconfig])
  t.is(allowed.exitCode, 0, allowed.stderr)
  t.regex(allowed.stderr, /^applying 1 object\(s\) outside namespace "shop" \(--allow-cross-namespace\):\n {2}referencegrant\.gateway\.networking\.k8s\.io\/ingress2gw-shop-web-ext-auth \(namespace auth\)$/m)
  t.truthy(s.getObject('gateway.networking.k8s.io/v1beta1', 'ReferenceGrant', 'auth', 'ingress2gw-shop-web-ext-auth'))
  // -A wins over -n (as kubectl): no namespace confinement.
  const all = await runCli(['apply', '-A', '-n', 'shop', '--emit-gateway=false', '--kubeconfig', kubeconfig])
  t.is(all.exitCode, 0, all.stderr)
  t.notRegex(all.stderr, /confined/)
})

test.serial('error findings stop apply (no write) unless --force, which prints the errors again after the per-object lines', async (t) => {
  const {s, dir, kubeconfig} = await cluster(t)
  s.seed([ns('shop')])
  const file = writeYaml(dir, 'in.yaml', [service('shop', 'web'), ingress('shop', 'web', {host: 'shop.example.com'}), withBadBackend()])
  const refused = await runCli(['apply', '-f', file, '--kubeconfig', kubeconfig])
  t.is(refused.exitCode, 1)
  t.is(writes(s).length, 0)
  t.regex(refused.stderr, /error invalid-backend: /)
  t.regex(refused.stderr, /^error: not applying: the conversion reported 1 error\(s\) \(above\); fix them, or pass --force to apply the rest anyway$/m)
  t.is(refused.stdout, '')

  const forced = await runCli(['apply', '-f', file, '--force', '--kubeconfig', kubeconfig])
  t.is(forced.exitCode, 0, forced.stderr)
  t.regex(forced.stdout, /^httproute\.gateway\.networking\.k8s\.io\/\S+ created$/m)
  const lines = forced.stderr.trimEnd().split('\n')
  const summary = lines.findIndex((l) => /object\(s\) applied/.test(l))
  const error = lines.findIndex((l) => /error invalid-backend/.test(l))
  t.true(summary >= 0 && error > summary, `errors come last:\n${forced.stderr}`)
})

test.serial('an empty scope says so on stderr; convert and diff exit 0, apply has nothing to apply and exits 1', async (t) => {
  const {s, kubeconfig} = await cluster(t)
  s.seed([ns('shop'), service('shop', 'web'), ingress('shop', 'web', {labels: {app: 'web'}})])
  const none = await runCli(['convert', '-n', 'nosuch', '--kubeconfig', kubeconfig])
  t.is(none.exitCode, 0)
  t.regex(none.stderr, /^No Ingresses found in namespace nosuch\.$/m)
  const unmatched = await runCli(['diff', '-l', 'app=nothing', '--kubeconfig', kubeconfig])
  t.is(unmatched.exitCode, 0)
  t.regex(unmatched.stderr, /^No Ingresses found in namespace shop matching app=nothing\.$/m)
  const apply = await runCli(['apply', '-n', 'nosuch', '--kubeconfig', kubeconfig])
  t.is(apply.exitCode, 1)
  t.regex(apply.stderr, /^error: no objects passed to apply$/m)
  t.is(writes(s).length, 0)
})

test.serial('-l filters Ingresses read from files too; objects without a namespace go to the context namespace in convert as in apply, and it is said', async (t) => {
  const {s, dir, kubeconfig} = await cluster(t, {namespace: 'team-a'})
  s.seed([ns('team-a')])
  const a = ingress('x', 'a', {labels: {app: 'a'}}) as any
  const b = ingress('x', 'b', {labels: {app: 'b'}}) as any
  delete a.metadata.namespace
  delete b.metadata.namespace
  const file = writeYaml(dir, 'in.yaml', [a, b])
  const converted = await runCli(['convert', '-f', file, '-l', 'app=a', '--kubeconfig', kubeconfig])
  t.is(converted.exitCode, 0, converted.stderr)
  const names = (jsYaml.loadAll(converted.stdout) as any[]).filter((o) => o?.kind === 'HTTPRoute').map((o) => `${o.metadata.namespace}/${o.metadata.name}`)
  t.deepEqual(names, ['team-a/a'])
  t.regex(converted.stderr, /placed in namespace "team-a" \(the namespace of kubeconfig context "fake", as kubectl does when -n is not given/)
  // Without any kubeconfig: default, and said so.
  const home = tempDir(t)
  const prev = {HOME: process.env.HOME, KUBECONFIG: process.env.KUBECONFIG}
  process.env.HOME = home
  process.env.KUBECONFIG = ''
  t.teardown(() => Object.assign(process.env, prev))
  const bare = await runCli(['convert', '-f', file])
  t.regex(bare.stderr, /placed in namespace "default" \(no kubeconfig: the default namespace, as kubectl does/)
  t.regex(bare.stdout, /namespace: default/)
})

test.serial('apply -f of convert\'s own output applies it, in the safe order; diff -f of it is then clean', async (t) => {
  const {s, dir, kubeconfig} = await cluster(t)
  s.seed([ns('shop'), ns('auth'), ns('gateway'), service('shop', 'web')])
  const input = writeYaml(dir, 'in.yaml', [service('shop', 'web'), withExtAuth()])
  const convert = await runCli(['convert', '-f', input, '--emit-gateway', '--kubeconfig', kubeconfig])
  t.is(convert.exitCode, 0, convert.stderr)
  const rendered = join(dir, 'rendered.yaml')
  writeFileSync(rendered, convert.stdout)
  const applied = await runCli(['apply', '-f', rendered, '-A', '--kubeconfig', kubeconfig])
  t.is(applied.exitCode, 0, applied.stderr)
  const kinds = applied.stdout.trim().split('\n').map((l) => l.split('/')[0])
  t.deepEqual(kinds.slice(0, 2), ['namespace', 'namespace'], applied.stdout)
  t.true(kinds.indexOf('securitypolicy.gateway.envoyproxy.io') < kinds.indexOf('httproute.gateway.networking.k8s.io'))
  t.true(kinds.indexOf('gateway.gateway.networking.k8s.io') < kinds.indexOf('httproute.gateway.networking.k8s.io'))
  t.true(applied.stdout.trim().split('\n').every((l) => / created$/.test(l) || /^namespace\/\S+ configured$/.test(l)), applied.stdout)
  const diff = await runCli(['diff', '-f', rendered, '--kubeconfig', kubeconfig])
  t.is(diff.exitCode, 0, diff.stdout)
})

test.serial('a Service that does not exist is a warning (numeric port) and the cluster wording (named port); diff -f reads the Services the files lack', async (t) => {
  const {s, dir, kubeconfig} = await cluster(t)
  const named = ingress('shop', 'named', {host: 'named.example.com', service: 'gone-named'}) as any
  named.spec.rules[0].http.paths[0].backend.service.port = {name: 'http'}
  s.seed([ns('shop'), ingress('shop', 'ghost', {host: 'ghost.example.com', service: 'gone'}), named])
  const report = await runCli(['report', '--kubeconfig', kubeconfig, '-o', 'json'])
  const entries = JSON.parse(report.stdout).ingresses
  const ghost = entries.find((e: any) => e.ingress === 'shop/ghost')
  t.is(ghost.status, 'approximate', 'no longer "exact"')
  t.true(ghost.diagnostics.some((d: any) => d.code === 'service-not-found' && JSON.stringify(d.data) === JSON.stringify({namespace: 'shop', service: 'gone', ports: ['80']})))
  const unresolved = entries.find((e: any) => e.ingress === 'shop/named').diagnostics.find((d: any) => d.code === 'unresolved-port-name')
  t.like(unresolved.data, {namespace: 'shop', service: 'gone-named', portName: 'http', problem: 'service-not-in-cluster'})
  t.regex(unresolved.message, /port name "http" of Service shop\/gone-named cannot be resolved, the Service does not exist in the cluster/)
  t.notRegex(unresolved.hint, /input/)

  // diff -f: the named port resolves through the cluster's Service, which the file does not hold.
  s.seed([{...service('shop', 'gone-named')}])
  const file = writeYaml(dir, 'in.yaml', [named])
  const diff = await runCli(['diff', '-f', file, '--kubeconfig', kubeconfig])
  t.is(diff.exitCode, 1)
  t.regex(diff.stdout, /^\+\s+port: 80$/m)
  t.true(s.requests.some((q) => q.method === 'GET' && q.path === '/api/v1/namespaces/shop/services/gone-named'))
  t.false(s.requests.some((q) => q.path.includes('/secrets')))
})

test.serial('kubectl flags: -h, --all-namespaces=true, --as/--as-group, --request-timeout, --server-side/--field-manager, two-line usage errors', async (t) => {
  const {s, kubeconfig} = await cluster(t)
  s.seed([ns('shop'), ns('other'), service('other', 'web'), ingress('other', 'web', {host: 'other.example.com'})])
  const help = await runCli(['convert', '-h'])
  t.is(help.exitCode, 0)
  t.regex(help.stdout, /^ {2}\$ kubectl ingress2gw convert /m)
  t.notRegex(help.stdout, /kubectl-ingress2gw/)

  const all = await runCli(['convert', '--all-namespaces=true', '--kubeconfig', kubeconfig, '--as', 'jane', '--as-group', 'migrators', '--request-timeout', '5s'])
  t.is(all.exitCode, 0, all.stderr)
  t.regex(all.stdout, /namespace: other/)
  const listed = s.requests.find((q) => q.path === '/apis/networking.k8s.io/v1/ingresses')
  t.truthy(listed, 'listed across namespaces')
  t.is(listed!.headers['impersonate-user'], 'jane')
  t.is(listed!.headers['impersonate-group'], 'migrators')

  const unknown = await runCli(['diff', '--server', 'x'])
  t.is(unknown.exitCode, 2)
  t.is(unknown.stderr, "error: unknown flag: --server\nSee 'kubectl ingress2gw diff -h' for help and examples\n")
  const badTimeout = await runCli(['convert', '--kubeconfig', kubeconfig, '--request-timeout', 'soon'])
  t.is(badTimeout.exitCode, 2)
  t.regex(badTimeout.stderr, /^error: invalid --request-timeout "soon"/)
  const fm = await runCli(['apply', '--field-manager', 'kubectl', '--server-side=true', '--kubeconfig', kubeconfig])
  t.is(fm.exitCode, 2)
  t.regex(fm.stderr, /^error: the field manager is always ingress2gw/)
  const ok = await runCli(['apply', '--server-side', '--field-manager=ingress2gw', '--dry-run=client', '-n', 'other', '--kubeconfig', kubeconfig])
  t.is(ok.exitCode, 0, ok.stderr)
})

test.serial('the checklist of a run without the Gateway bundle mentions only what that run emits', async (t) => {
  const home = tempDir(t)
  const prev = {HOME: process.env.HOME, KUBECONFIG: process.env.KUBECONFIG}
  process.env.HOME = home
  process.env.KUBECONFIG = ''
  t.teardown(() => Object.assign(process.env, prev))
  const checklist = (stderr: string) => stderr.slice(stderr.indexOf('gateway owner checklist:'))
  // examples/platform.yaml holds the controller ConfigMap (HSTS on, forwarded headers): ClientTrafficPolicies.
  const owner = await runCli(['convert', '-f', 'examples/', '--emit-gateway'])
  t.regex(checklist(owner.stderr), /HSTS: .* is added on the "https" listener by a ClientTrafficPolicy/)
  t.regex(owner.stdout, /kind: ClientTrafficPolicy/)
  const team = await runCli(['convert', '-f', 'examples/', '--no-emit-gateway'])
  t.notRegex(team.stdout, /kind: ClientTrafficPolicy/)
  t.notRegex(checklist(team.stderr), /ClientTrafficPolicy shared-client|HSTS: /)
  t.regex(checklist(team.stderr), /the controller ConfigMap's Gateway-wide settings \(2 ClientTrafficPolicy\) are generated by the gateway owner's run \(--emit-gateway\), not by this one/)
})

// Flux substitutes ${VAR} placeholders at post-build; the API server stores them as literal text (an HTTPRoute for the
// hostname "shop.${SECRET_DOMAIN}" matches no request). apply names the objects and refuses unless told.
test.serial('apply refuses objects that keep ${VAR} placeholders (no write) unless --allow-placeholders', async (t) => {
  const {s, dir, kubeconfig} = await cluster(t)
  s.seed([ns('shop')])
  const file = writeYaml(dir, 'in.yaml', [service('shop', 'web'), ingress('shop', 'web', {host: 'shop.${SECRET_DOMAIN}'})])
  const refused = await runCli(['apply', '-f', file, '--kubeconfig', kubeconfig])
  t.is(refused.exitCode, 1, refused.stderr)
  t.is(writes(s).length, 0)
  t.regex(refused.stderr, /^ {2}httproute\.gateway\.networking\.k8s\.io\/web \(namespace shop\): \$\{SECRET_DOMAIN\}$/m)
  t.regex(refused.stderr, /--allow-placeholders/)
  const allowed = await runCli(['apply', '-f', file, '--allow-placeholders', '--kubeconfig', kubeconfig])
  t.is(allowed.exitCode, 0, allowed.stderr)
  t.regex(allowed.stdout, /^httproute\.gateway\.networking\.k8s\.io\/web created$/m)
})
