/**
 * Kubeconfig selection exactly as kubectl does it (client-go clientcmd loading rules), then handed to
 * @kubernetes/client-node, whose own loader differs from kubectl on every point below:
 * - `--kubeconfig PATH`: that file only (it must exist); else `KUBECONFIG` split on `:` (missing files ignored,
 *   repeats dropped); else `~/.kube/config`.
 * - Several files are merged: for clusters, users and contexts the FIRST file that names an entry wins (client-node
 *   throws "Duplicate cluster"), and the first file that sets `current-context` wins (client-node: the last).
 * - Relative paths (certificate-authority, client-certificate, client-key, tokenFile, exec command with a `/`) are
 *   resolved against the file that holds them.
 * - `--context NAME` must exist (client-node accepts any name); namespace = `-n`, else the context's, else `default`.
 * - No kubeconfig at all is an error (client-node silently falls back to http://localhost:8080).
 *
 * Nothing here imports @kubernetes/client-node at module level; `loadKubeConfig` imports it lazily.
 */
import {existsSync, readFileSync} from 'node:fs'
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
}

type Named = {name: string; [key: string]: unknown}

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
export function resolveKubeconfig(sel: KubeconfigSelection, env: NodeJS.ProcessEnv = process.env): ResolvedKubeconfig {
  const files = kubeconfigFiles(sel, env)
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
  const where = files.length === 1 ? files[0] : `${files.join(delimiter)}`
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
  const c = (ctx.context ?? {}) as {cluster?: string; user?: string; namespace?: string}
  const clusterEntry = c.cluster !== undefined ? clusters.get(c.cluster) : undefined
  if (!clusterEntry) throw new ClusterError(`context "${contextName}" refers to cluster "${c.cluster ?? ''}", which is not in kubeconfig ${where}`)
  const server = (clusterEntry.cluster as {server?: string} | undefined)?.server
  if (!server) throw new ClusterError(`cluster "${c.cluster}" in kubeconfig ${where} has no server`)
  if (c.user !== undefined && c.user !== '' && !users.has(c.user)) {
    throw new ClusterError(`context "${contextName}" refers to user "${c.user}", which is not in kubeconfig ${where}`)
  }
  const namespace = sel.namespace || c.namespace || 'default'
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

/** The files kubectl would read, in precedence order. Throws a ClusterError when there are none. */
export function kubeconfigFiles(sel: KubeconfigSelection, env: NodeJS.ProcessEnv = process.env): string[] {
  if (sel.kubeconfig !== undefined && sel.kubeconfig !== '') {
    if (!existsSync(sel.kubeconfig)) throw new ClusterError(`kubeconfig ${sel.kubeconfig} (from --kubeconfig) does not exist`)
    return [sel.kubeconfig]
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
    if (files.length === 0) throw new ClusterError(`no kubeconfig found: none of the files in KUBECONFIG exist (${fromEnv})`)
    return files
  }
  const home = env.HOME || env.USERPROFILE || homedir()
  const def = join(home, '.kube', 'config')
  if (existsSync(def)) return [def]
  throw new ClusterError(
    `no kubeconfig found: ${def} does not exist and KUBECONFIG is not set; pass --kubeconfig, or use -f to read files instead of a cluster`,
  )
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

/** Resolve as kubectl, then build a client-node KubeConfig from the merged result (imports client-node lazily). */
export async function loadKubeConfig(sel: KubeconfigSelection, env: NodeJS.ProcessEnv = process.env): Promise<LoadedKubeconfig> {
  const resolved = resolveKubeconfig(sel, env)
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
  const server = resolved.server
  if (server.startsWith('http:')) {
    // client-node only speaks plain http when the cluster says insecure-skip-tls-verify.
    const cl = resolved.config.clusters.find((c) => c.name === resolved.cluster)
    if ((cl?.cluster as {'insecure-skip-tls-verify'?: boolean} | undefined)?.['insecure-skip-tls-verify'] !== true) {
      throw new ClusterError(`cluster "${resolved.cluster}" uses plain http (${server}); set insecure-skip-tls-verify: true for it or use https`)
    }
  }
  try {
    kc.loadFromString(JSON.stringify({...resolved.config, users}))
  } catch (err) {
    throw new ClusterError(`invalid kubeconfig (${resolved.files.join(delimiter)}): ${firstLine((err as Error).message)}`)
  }
  kc.setCurrentContext(resolved.context)
  return {...resolved, kc}
}
