/**
 * Kubeconfig selection exactly as kubectl does it (client-go clientcmd loading rules), then handed to
 * @kubernetes/client-node, whose own loader differs from kubectl on every point below:
 * - `--kubeconfig PATH`: that file only (it must exist); else `KUBECONFIG` split on `:` (missing files ignored,
 *   repeats dropped); else `~/.kube/config`.
 * - Several files are merged: for clusters, users and contexts the FIRST file that names an entry wins (client-node
 *   throws "Duplicate cluster"), and the first file that sets `current-context` wins (client-node: the last).
 * - Relative paths (certificate-authority, client-certificate, client-key, tokenFile, exec command with a `/`) are
 *   resolved against the file that holds them.
 * - `--context NAME` must exist (client-node accepts any name); namespace = `-n`, else the context's, else `default`
 *   (in a pod, a context without a namespace takes the pod's, as kubectl).
 * - No kubeconfig, but running in a pod (KUBERNETES_SERVICE_HOST/PORT and the service-account token present): the
 *   in-cluster config, https://HOST:PORT with the service-account token and CA, as kubectl. Otherwise no kubeconfig
 *   at all is an error (client-node silently falls back to http://localhost:8080).
 * - A plain-http server (`kubectl proxy` at http://127.0.0.1:8001) is used as is, as kubectl does; client-node refuses
 *   it unless insecure-skip-tls-verify is set, so that is set in memory for http: servers (TLS does not apply).
 *
 * Nothing here imports @kubernetes/client-node at module level; `loadKubeConfig` imports it lazily. `resolveNamespace`
 * (for `apply -f` / `diff -f`) and `resolveKubeconfig` only read files.
 */
import {existsSync, readFileSync, statSync} from 'node:fs'
import {homedir} from 'node:os'
import {delimiter, dirname, isAbsolute, join, resolve} from 'node:path'
import jsYaml from 'js-yaml'
import type {KubeConfig} from '@kubernetes/client-node'

/** A cluster access problem, with a one-line message ready to print (the command exits 2). */
export class ClusterError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ClusterError'
  }
}

export interface KubeconfigSelection {
  /** `--kubeconfig` */
  kubeconfig?: string
  /** `--context` */
  context?: string
  /** `-n/--namespace` */
  namespace?: string
  /** `--cluster`: the kubeconfig cluster to use instead of the context's. */
  cluster?: string
  /** `--user`: the kubeconfig user to use instead of the context's. */
  user?: string
  /** `--as` / `--as-group`: impersonation, sent as Impersonate-User / Impersonate-Group headers. */
  as?: string
  asGroups?: string[]
  /** `--request-timeout` in milliseconds (0: no timeout). */
  requestTimeoutMs?: number
}

type Named = {name: string; [key: string]: unknown}

/** Where a pod's service-account token, CA and namespace are mounted (client-go's and client-node's path). */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount'

/**
 * In-cluster config is possible, as client-go's inClusterClientConfig.Possible(): KUBERNETES_SERVICE_HOST and
 * KUBERNETES_SERVICE_PORT set and the service-account token file present. `root` prefixes the mount path (tests).
 */
export function inClusterPossible(env: NodeJS.ProcessEnv = process.env, root = ''): boolean {
  if (!env.KUBERNETES_SERVICE_HOST || !env.KUBERNETES_SERVICE_PORT) return false
  try {
    return statSync(`${root}${SERVICE_ACCOUNT_DIR}/token`).isFile()
  } catch {
    return false
  }
}

/** The in-cluster namespace, as client-go: POD_NAMESPACE, else the service account's namespace file, else default. */
function inClusterNamespace(env: NodeJS.ProcessEnv, root: string): string {
  if (env.POD_NAMESPACE) return env.POD_NAMESPACE
  try {
    const ns = readFileSync(`${root}${SERVICE_ACCOUNT_DIR}/namespace`, 'utf8').trim()
    if (ns) return ns
  } catch {
    // no namespace file
  }
  return 'default'
}

/**
 * The namespace kubectl uses: `-n`, else the context's, else (in a pod) the pod's, else `default`. client-go's
 * DeferredLoadingClientConfig.Namespace falls back to the in-cluster namespace whenever the kubeconfig does not set one.
 */
function chooseNamespace(sel: KubeconfigSelection, contextNamespace: unknown, env: NodeJS.ProcessEnv, root: string): string {
  if (sel.namespace) return sel.namespace
  if (typeof contextNamespace === 'string' && contextNamespace !== '') return contextNamespace
  return inClusterPossible(env, root) ? inClusterNamespace(env, root) : 'default'
}

/** The merged kubeconfig (kubeconfig file shape) and what was chosen from it. */
export interface ResolvedKubeconfig {
  /** Files read, in precedence order. */
  files: string[]
  /** Merged config in kubeconfig file shape, current-context set to the chosen context, paths absolute. */
  config: {
    apiVersion: 'v1'
    kind: 'Config'
    'current-context': string
    clusters: Named[]
    users: Named[]
    contexts: Named[]
  }
  context: string
  cluster: string
  user: string
  server: string
  namespace: string
}

/**
 * Resolve the kubeconfig as kubectl would. Pure apart from reading files; `env` defaults to process.env
 * (KUBECONFIG, HOME).
 */
export function resolveKubeconfig(sel: KubeconfigSelection, env: NodeJS.ProcessEnv = process.env, serviceAccountRoot = ''): ResolvedKubeconfig {
  const files = kubeconfigFiles(sel, env)
  const {clusters, users, contexts, currentContext} = mergeFiles(files)
  const where = files.length === 1 ? files[0] : `${files.join(delimiter)}`
  const {name: contextName, context: ctx} = selectContext(sel, contexts, currentContext, where)
  const c = {...((ctx.context ?? {}) as {cluster?: string; user?: string; namespace?: string})}
  // --cluster / --user override the context's, as kubectl's ConfigOverrides do.
  if (sel.cluster) c.cluster = sel.cluster
  if (sel.user) c.user = sel.user
  const clusterEntry = c.cluster !== undefined ? clusters.get(c.cluster) : undefined
  if (!clusterEntry) throw new ClusterError(`context "${contextName}" refers to cluster "${c.cluster ?? ''}", which is not in kubeconfig ${where}`)
  const server = (clusterEntry.cluster as {server?: string} | undefined)?.server
  if (!server) throw new ClusterError(`cluster "${c.cluster}" in kubeconfig ${where} has no server`)
  if (c.user !== undefined && c.user !== '' && !users.has(c.user)) {
    throw new ClusterError(`context "${contextName}" refers to user "${c.user}", which is not in kubeconfig ${where}`)
  }
  const namespace = chooseNamespace(sel, c.namespace, env, serviceAccountRoot)
  return {
    files,
    config: {
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': contextName,
      clusters: [...clusters.values()],
      users: [...users.values()],
      contexts: [...contexts.values()],
    },
    context: contextName,
    cluster: c.cluster!,
    user: c.user ?? '',
    server,
    namespace,
  }
}

/**
 * The namespace kubectl would use for objects without one (`apply -f`, `diff -f`): `-n`, else the selected context's
 * namespace, else `default` (in a pod with no namespace from the kubeconfig: the pod's, as kubectl). Undefined when
 * there is no kubeconfig at all (and not in a pod). Reads files only, never loads @kubernetes/client-node; throws a
 * ClusterError, one line, where kubectl fails too: a missing `--kubeconfig` file, an unreadable kubeconfig, a
 * `--context` that does not exist. It does not check the context's cluster or user (no connection is made here).
 */
export function resolveNamespace(
  opts: KubeconfigSelection,
  env: NodeJS.ProcessEnv = process.env,
  serviceAccountRoot = '',
): string | undefined {
  return resolveNamespaceOrigin(opts, env, serviceAccountRoot)?.namespace
}

/** resolveNamespace, with where the namespace came from, in words (`kubeconfig context "prod"`). */
export function resolveNamespaceOrigin(
  opts: KubeconfigSelection,
  env: NodeJS.ProcessEnv = process.env,
  serviceAccountRoot = '',
): {namespace: string; origin: string} | undefined {
  if (opts.namespace) return {namespace: opts.namespace, origin: '-n/--namespace'}
  const located = locateFiles(opts, env)
  if ('none' in located) {
    if (opts.context !== undefined || !inClusterPossible(env, serviceAccountRoot)) return undefined
    return {namespace: inClusterNamespace(env, serviceAccountRoot), origin: "the pod's namespace (in-cluster config)"}
  }
  const {contexts, currentContext} = mergeFiles(located.files)
  const name = opts.context ?? currentContext
  if (name === undefined) return {namespace: chooseNamespace(opts, undefined, env, serviceAccountRoot), origin: 'the kubeconfig has no current context: the default namespace'}
  const where = located.files.join(delimiter)
  const {context} = selectContext(opts, contexts, currentContext, where)
  const own = (context.context as {namespace?: unknown} | undefined)?.namespace
  const namespace = chooseNamespace(opts, own, env, serviceAccountRoot)
  return {namespace, origin: typeof own === 'string' && own !== '' ? `the namespace of kubeconfig context "${name}"` : `kubeconfig context "${name}" sets no namespace: the default namespace`}
}

interface Merged {
  clusters: Map<string, Named>
  users: Map<string, Named>
  contexts: Map<string, Named>
  currentContext: string | undefined
}

/** Merge kubeconfig files as clientcmd: the first file naming an entry or setting current-context wins. */
function mergeFiles(files: string[]): Merged {
  const clusters = new Map<string, Named>()
  const users = new Map<string, Named>()
  const contexts = new Map<string, Named>()
  let currentContext: string | undefined
  for (const file of files) {
    let doc: any
    try {
      doc = jsYaml.load(readFileSync(file, 'utf8'))
    } catch (err) {
      throw new ClusterError(`cannot read kubeconfig ${file}: ${firstLine((err as Error).message)}`)
    }
    if (doc == null) continue
    if (typeof doc !== 'object' || Array.isArray(doc)) throw new ClusterError(`kubeconfig ${file} is not a kubeconfig (expected a mapping)`)
    const dir = dirname(resolve(file))
    for (const [list, into, fix] of [
      [doc.clusters, clusters, fixClusterPaths],
      [doc.users, users, fixUserPaths],
      [doc.contexts, contexts, undefined],
    ] as const) {
      if (list == null) continue
      if (!Array.isArray(list)) throw new ClusterError(`kubeconfig ${file}: clusters, users and contexts must be lists`)
      for (const entry of list) {
        if (!entry || typeof entry.name !== 'string' || entry.name === '') continue
        if (into.has(entry.name)) continue // first file wins, as kubectl
        into.set(entry.name, fix ? fix(entry, dir) : entry)
      }
    }
    if (currentContext === undefined && typeof doc['current-context'] === 'string' && doc['current-context'] !== '') {
      currentContext = doc['current-context']
    }
  }
  return {clusters, users, contexts, currentContext}
}

/** The context chosen by `--context`, else current-context; a ClusterError when there is none or it does not exist. */
function selectContext(sel: KubeconfigSelection, contexts: Map<string, Named>, currentContext: string | undefined, where: string): {name: string; context: Named} {
  const contextName = sel.context ?? currentContext
  if (contextName === undefined) {
    const names = [...contexts.keys()]
    throw new ClusterError(
      `no current context is set in kubeconfig ${where}; pass --context${names.length ? ` (available: ${names.join(', ')})` : ''}`,
    )
  }
  const ctx = contexts.get(contextName)
  if (!ctx) {
    const names = [...contexts.keys()]
    const origin = sel.context !== undefined ? 'context' : 'current-context'
    throw new ClusterError(
      `${origin} "${contextName}" does not exist in kubeconfig ${where}; available contexts: ${names.length ? names.join(', ') : '(none)'}`,
    )
  }
  return {name: contextName, context: ctx}
}

/** The files kubectl would read, in precedence order. Throws a ClusterError when there are none. */
export function kubeconfigFiles(sel: KubeconfigSelection, env: NodeJS.ProcessEnv = process.env): string[] {
  const located = locateFiles(sel, env)
  if ('none' in located) throw new ClusterError(located.none)
  return located.files
}

/**
 * The kubeconfig files, or `none` (the message to give) when there are none to read. A `--kubeconfig` file that does
 * not exist throws: it is never a reason to fall back to the in-cluster config.
 */
function locateFiles(sel: KubeconfigSelection, env: NodeJS.ProcessEnv): {files: string[]} | {none: string} {
  if (sel.kubeconfig !== undefined && sel.kubeconfig !== '') {
    if (!existsSync(sel.kubeconfig)) throw new ClusterError(`kubeconfig ${sel.kubeconfig} (from --kubeconfig) does not exist`)
    return {files: [sel.kubeconfig]}
  }
  const fromEnv = env.KUBECONFIG
  if (fromEnv !== undefined && fromEnv !== '') {
    const seen = new Set<string>()
    const files: string[] = []
    for (const f of fromEnv.split(delimiter)) {
      if (f === '' || seen.has(f)) continue
      seen.add(f)
      if (existsSync(f)) files.push(f)
    }
    if (files.length === 0) return {none: `no kubeconfig found: none of the files in KUBECONFIG exist (${fromEnv})`}
    return {files}
  }
  const home = env.HOME || env.USERPROFILE || homedir()
  const def = join(home, '.kube', 'config')
  if (existsSync(def)) return {files: [def]}
  return {
    none: `no kubeconfig found: ${def} does not exist and KUBECONFIG is not set; pass --kubeconfig, or use -f to read files instead of a cluster`,
  }
}

function absolute(dir: string, p: unknown): unknown {
  return typeof p === 'string' && p !== '' && !isAbsolute(p) ? resolve(dir, p) : p
}

function fixClusterPaths(entry: Named, dir: string): Named {
  const cluster = {...((entry.cluster as Record<string, unknown>) ?? {})}
  if ('certificate-authority' in cluster) cluster['certificate-authority'] = absolute(dir, cluster['certificate-authority'])
  return {...entry, cluster}
}

function fixUserPaths(entry: Named, dir: string): Named {
  const user = {...((entry.user as Record<string, unknown>) ?? {})}
  for (const k of ['client-certificate', 'client-key', 'tokenFile']) if (k in user) user[k] = absolute(dir, user[k])
  const exec = user.exec as {command?: string} | undefined
  if (exec?.command && exec.command.includes('/')) user.exec = {...exec, command: absolute(dir, exec.command)}
  return {...entry, user}
}

function firstLine(s: string): string {
  return s.split('\n')[0]
}

export interface LoadedKubeconfig extends ResolvedKubeconfig {
  kc: KubeConfig
}

/**
 * Resolve as kubectl, then build a client-node KubeConfig from the merged result (imports client-node lazily).
 * With no kubeconfig at all (and no `--context`), in a pod: the in-cluster config, as kubectl.
 * `serviceAccountRoot` prefixes the service-account mount path (tests).
 */
export async function loadKubeConfig(sel: KubeconfigSelection, env: NodeJS.ProcessEnv = process.env, serviceAccountRoot = ''): Promise<LoadedKubeconfig> {
  const located = locateFiles(sel, env)
  if ('none' in located) {
    if (sel.context === undefined && inClusterPossible(env, serviceAccountRoot)) return loadInCluster(sel, env, serviceAccountRoot)
    throw new ClusterError(located.none)
  }
  const resolved = resolveKubeconfig(sel, env, serviceAccountRoot)
  const k8s = await import('@kubernetes/client-node')
  const kc = new k8s.KubeConfig()
  // client-node reads `token-file`; kubectl's key is `tokenFile`. Read it here so both spellings work.
  const users = resolved.config.users.map((u) => {
    const user = {...((u.user as Record<string, unknown>) ?? {})}
    if (typeof user.tokenFile === 'string' && user.token === undefined && u.name === resolved.user) {
      try {
        user.token = readFileSync(user.tokenFile, 'utf8').trim()
      } catch (err) {
        throw new ClusterError(`cannot read tokenFile ${user.tokenFile} of user "${u.name}": ${firstLine((err as Error).message)}`)
      }
    }
    return {...u, user}
  })
  // kubectl talks plain http to an http: server (`kubectl proxy`); client-node refuses to unless the cluster says
  // insecure-skip-tls-verify. There is no TLS to verify, so say it, in memory only.
  const clusters = resolved.config.clusters.map((c) => {
    const cluster = (c.cluster ?? {}) as Record<string, unknown>
    return typeof cluster.server === 'string' && /^http:/i.test(cluster.server) ? {...c, cluster: {...cluster, 'insecure-skip-tls-verify': true}} : c
  })
  try {
    kc.loadFromString(JSON.stringify({...resolved.config, clusters, users}))
  } catch (err) {
    throw new ClusterError(`invalid kubeconfig (${resolved.files.join(delimiter)}): ${firstLine((err as Error).message)}`)
  }
  if (sel.cluster || sel.user) {
    // The context as overridden: client-node reads cluster and user through the current context.
    const contexts = resolved.config.contexts.map((c) =>
      c.name === resolved.context ? {...c, context: {...((c.context as object) ?? {}), cluster: resolved.cluster, user: resolved.user}} : c,
    )
    kc.loadFromString(JSON.stringify({...resolved.config, clusters, users, contexts}))
  }
  kc.setCurrentContext(resolved.context)
  return {...resolved, kc}
}

/**
 * The in-cluster config through client-node's loadFromCluster() (service-account token re-read as it rotates, CA),
 * with kubectl's server: always https://KUBERNETES_SERVICE_HOST:KUBERNETES_SERVICE_PORT (client-node switches to
 * http on ports 80, 8080 and 8001; rest.InClusterConfig never does). A missing ca.crt is left out, as client-go does.
 */
async function loadInCluster(sel: KubeconfigSelection, env: NodeJS.ProcessEnv, root: string): Promise<LoadedKubeconfig> {
  const k8s = await import('@kubernetes/client-node')
  const kc = new k8s.KubeConfig()
  kc.loadFromCluster(root)
  const host = env.KUBERNETES_SERVICE_HOST!
  const server = `https://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${env.KUBERNETES_SERVICE_PORT}`
  const [cluster] = kc.clusters
  const caFile = cluster.caFile && existsSync(cluster.caFile) ? cluster.caFile : undefined
  const namespace = sel.namespace || inClusterNamespace(env, root)
  kc.loadFromOptions({
    clusters: [{...cluster, name: 'in-cluster', server, caFile}],
    users: kc.users.map((u) => ({...u, name: 'in-cluster'})),
    contexts: [{name: 'in-cluster', cluster: 'in-cluster', user: 'in-cluster', namespace}],
    currentContext: 'in-cluster',
  })
  const tokenFile = `${root}${SERVICE_ACCOUNT_DIR}/token`
  return {
    files: [],
    config: {
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': 'in-cluster',
      clusters: [{name: 'in-cluster', cluster: {server, ...(caFile ? {'certificate-authority': caFile} : {})}}],
      users: [{name: 'in-cluster', user: {tokenFile}}],
      contexts: [{name: 'in-cluster', context: {cluster: 'in-cluster', user: 'in-cluster', namespace}}],
    },
    context: 'in-cluster',
    cluster: 'in-cluster',
    user: 'in-cluster',
    server,
    namespace,
    kc,
  }
}
