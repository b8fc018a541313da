/** Shared helpers for the cluster tests: temp dirs, kubectl and CLI runners, sample objects. */
import {execFile} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import type {ExecutionContext} from 'ava'

export const ROOT = fileURLToPath(new URL('../../', import.meta.url))

export function tempDir(t: ExecutionContext, prefix = 'i2g-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  t.teardown(() => rmSync(dir, {recursive: true, force: true}))
  return dir
}

export interface RunResult {
  code: number
  stdout: string
  stderr: string
}

/** Run a program asynchronously (the fake API server lives in this process, so never spawnSync). */
export function run(program: string, args: string[], opts: {env?: NodeJS.ProcessEnv; cwd?: string} = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(program, args, {env: opts.env ?? process.env, cwd: opts.cwd ?? ROOT, maxBuffer: 64 * 1024 * 1024, timeout: 240_000}, (err, stdout, stderr) => {
      const code = err ? (typeof (err as {code?: unknown}).code === 'number' ? ((err as {code: number}).code) : 99) : 0
      resolve({code, stdout: String(stdout), stderr: String(stderr)})
    })
  })
}

/** The real kubectl, with its own cache dir and HOME so nothing leaks between tests. */
export function kubectl(t: ExecutionContext, kubeconfig: string, args: string[]): Promise<RunResult> {
  const home = tempDir(t, 'i2g-kubectl-home-')
  return run('kubectl', ['--kubeconfig', kubeconfig, '--cache-dir', join(home, 'cache'), ...args], {env: {...process.env, HOME: home, KUBECONFIG: ''}})
}

/** Run the plugin from source (oclif development mode) with extra node arguments (e.g. an --import hook). */
export function cli(args: string[], opts: {env?: NodeJS.ProcessEnv; nodeArgs?: string[]} = {}): Promise<RunResult> {
  const launcher = join(ROOT, 'test', 'support', 'cli-dev.mjs')
  return run(process.execPath, [...(opts.nodeArgs ?? []), launcher, ...args], {env: {...process.env, NO_COLOR: '1', ...opts.env}})
}

export const ns = (name: string, labels?: Record<string, string>) => ({apiVersion: 'v1', kind: 'Namespace', metadata: {name, ...(labels ? {labels} : {})}})

export const ingress = (namespace: string, name: string, opts: {labels?: Record<string, string>; host?: string; service?: string} = {}) => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: {name, namespace, ...(opts.labels ? {labels: opts.labels} : {})},
  spec: {
    ingressClassName: 'nginx',
    rules: [
      {
        host: opts.host ?? `${name}.${namespace}.example.com`,
        http: {paths: [{path: '/', pathType: 'Prefix', backend: {service: {name: opts.service ?? name, port: {number: 80}}}}]},
      },
    ],
  },
})

export const service = (namespace: string, name: string) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: {name, namespace},
  spec: {ports: [{name: 'http', port: 80, targetPort: 8080}]},
})

export const httpRoute = (namespace: string, name: string, hostnames = [`${name}.example.com`]) => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'HTTPRoute',
  metadata: {name, namespace, labels: {'app.kubernetes.io/managed-by': 'ingress2gw'}},
  spec: {
    hostnames,
    parentRefs: [{name: 'shared', namespace: 'gateway', sectionName: 'http'}],
    rules: [{backendRefs: [{name, port: 80}]}],
  },
})

/** The RBAC attributes of an API request path (undefined for discovery). */
export function rbacAttributes(method: string, path: string): {verb: string; group: string; resource: string} | undefined {
  const segs = path.split('/').filter(Boolean)
  let group: string
  let rest: string[]
  if (segs[0] === 'api') [group, rest] = ['', segs.slice(2)]
  else if (segs[0] === 'apis') [group, rest] = [segs[1], segs.slice(3)]
  else return undefined
  if (rest.length === 0) return undefined
  if (rest[0] === 'namespaces' && rest.length >= 3) rest = rest.slice(2)
  const named = rest.length === 2
  const verb = method === 'GET' ? (named ? 'get' : 'list') : method === 'PATCH' ? 'patch' : method === 'POST' ? 'create' : method.toLowerCase()
  return {verb, group, resource: rest[0]}
}

interface RbacRule {
  apiGroups: string[]
  resources: string[]
  verbs: string[]
}

/** The rules of a ClusterRole read from YAML; a role the test did not find fails the test rather than allowing all. */
function rulesOf(role: Record<string, any> | undefined): RbacRule[] {
  if (!role || !Array.isArray(role.rules)) throw new Error('ClusterRole not found in examples/rbac/ingress2gw-rbac.yaml (or it has no rules)')
  return role.rules as RbacRule[]
}

/** Whether a ClusterRole in examples/rbac/ingress2gw-rbac.yaml allows verb on group/resource. */
export function roleAllows(role: Record<string, any> | undefined, verb: string, group: string, resource: string): boolean {
  return rulesOf(role).some((r) => r.apiGroups.includes(group) && r.resources.includes(resource) && r.verbs.includes(verb))
}

/** `verb group/resource` for every rule of a ClusterRole, to compare a role with what a command really sent. */
export function rolePermissions(role: Record<string, any> | undefined): string[] {
  const out = rulesOf(role).flatMap((r) => r.apiGroups.flatMap((g) => r.resources.flatMap((res) => r.verbs.map((v) => `${v} ${g}/${res}`))))
  return [...new Set(out)].sort()
}

/** `verb group/resource` of every recorded API request (discovery excluded), as RBAC sees them. */
export function usedPermissions(requests: {method: string; path: string}[]): string[] {
  const out = requests.map((q) => rbacAttributes(q.method, q.path)).filter((a) => a !== undefined).map((a) => `${a.verb} ${a.group}/${a.resource}`)
  return [...new Set(out)].sort()
}
