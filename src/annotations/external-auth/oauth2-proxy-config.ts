/**
 * oauth2-proxy's configuration as the input shows it: the Deployment behind its Service (container args, env,
 * and the config file mounted from a ConfigMap). Only names and plain values are read; a value that comes from
 * a Secret is kept as a reference (Secret name and key), never read.
 *
 * Precedence as oauth2-proxy loads options (pkg/apis/options/load.go, viper): flags over OAUTH2_PROXY_* env
 * variables over the config file. Names are normalised to the flag spelling (`oidc-issuer-url`); the config
 * file and env use plural names for repeatable flags (`email_domains` for --email-domain).
 */
import type {KubeObject} from '../../model/types.js'
import type {FamilyContext} from '../types.js'

export interface SecretKeyRef {
  name: string
  key: string
}

export interface Oauth2ProxyConfig {
  /** `Deployment ns/name` */
  source: string
  namespace: string
  /** Plain values by flag name (repeatable flags keep every value). */
  values: Map<string, string[]>
  /** Values that come from a Secret, by flag name. */
  secrets: Map<string, SecretKeyRef>
}

const PLURALS: Record<string, string> = {
  'email-domains': 'email-domain',
  'cookie-domains': 'cookie-domain',
  'allowed-groups': 'allowed-group',
  'allowed-roles': 'allowed-role',
  'whitelist-domains': 'whitelist-domain',
  upstreams: 'upstream',
  'skip-auth-routes': 'skip-auth-route',
  'trusted-ips': 'trusted-ip',
}
const BOOL_FLAGS = new Set(['skip-provider-button', 'reverse-proxy', 'set-xauthrequest', 'cookie-secure', 'pass-access-token', 'skip-jwt-bearer-tokens', 'pass-user-headers', 'ssl-insecure-skip-verify', 'skip-auth-preflight'])

const normalise = (name: string) => {
  const dashed = name.toLowerCase().replace(/_/g, '-')
  return PLURALS[dashed] ?? dashed
}

/** The Deployment of the input whose pod labels match the Service's selector. */
function deploymentOf(ctx: FamilyContext, namespace: string, service: string): KubeObject | undefined {
  const selector: Record<string, string> | undefined = ctx.lookup.service(namespace, service)?.spec?.selector
  if (!selector || Object.keys(selector).length === 0) return undefined
  return ctx.lookup
    .workloads(namespace)
    .find((d) => Object.entries(selector).every(([k, v]) => d.spec?.template?.metadata?.labels?.[k] === v))
}

/** `--a=b`, `--a b`, `--flag` (booleans) from a container's command and args. */
function parseArgs(tokens: string[], into: Map<string, string[]>): void {
  for (let i = 0; i < tokens.length; i++) {
    const m = /^--?([A-Za-z0-9-_]+)(?:=(.*))?$/.exec(tokens[i]!)
    if (!m) continue
    const name = normalise(m[1]!)
    let value = m[2]
    if (value === undefined && !BOOL_FLAGS.has(name) && i + 1 < tokens.length && !tokens[i + 1]!.startsWith('-')) value = tokens[++i]
    into.set(name, [...(into.get(name) ?? []), ...(value === undefined ? ['true'] : [value])])
  }
}

/** The subset of TOML that oauth2-proxy config files use: `key = "v"`, `key = ["a", "b"]`, `key = true`. */
function parseConfigFile(text: string, into: Map<string, string[]>): void {
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Za-z0-9_]+)\s*=\s*(.+?)\s*$/.exec(line.replace(/\s#.*$/, ''))
    if (!m) continue
    const raw = m[2]!
    const values = raw.startsWith('[') ? [...raw.matchAll(/"((?:[^"\\]|\\.)*)"|'([^']*)'/g)].map((x) => x[1] ?? x[2]!) : [raw.replace(/^["']|["']$/g, '')]
    into.set(normalise(m[1]!), values)
  }
}

/** The config file named by --config, read from the ConfigMap volume mounted over its directory. */
function configFileText(ctx: FamilyContext, namespace: string, pod: any, container: any, path: string): string | undefined {
  const mount = (container.volumeMounts ?? []).find((m: any) => typeof m?.mountPath === 'string' && (path === m.mountPath || path.startsWith(`${m.mountPath.replace(/\/$/, '')}/`)))
  const volume = (pod.volumes ?? []).find((v: any) => v?.name === mount?.name)
  if (!mount || typeof volume?.configMap?.name !== 'string') return undefined
  const file = mount.subPath ?? path.slice(mount.mountPath.replace(/\/$/, '').length + 1)
  const item = (volume.configMap.items ?? []).find((it: any) => it?.path === file)
  const data = ctx.lookup.configMap(namespace, volume.configMap.name)?.data
  return data?.[item?.key ?? file]
}

/** oauth2-proxy's configuration behind Service namespace/name, when its Deployment is in the input. */
export function readOauth2ProxyConfig(ctx: FamilyContext, namespace: string, service: string): Oauth2ProxyConfig | undefined {
  const deployment = deploymentOf(ctx, namespace, service)
  const pod = deployment?.spec?.template?.spec
  const containers: any[] = Array.isArray(pod?.containers) ? pod.containers : []
  const container = containers.find((c) => /oauth2-proxy/.test(String(c?.image ?? ''))) ?? containers[0]
  if (!deployment || !container) return undefined
  const flags = new Map<string, string[]>()
  const command: string[] = Array.isArray(container.command) ? container.command.slice(1) : []
  parseArgs([...command, ...(Array.isArray(container.args) ? container.args : [])].map(String), flags)
  const env = new Map<string, string[]>()
  const secrets = new Map<string, SecretKeyRef>()
  for (const e of Array.isArray(container.env) ? container.env : []) {
    const m = /^OAUTH2_PROXY_(.+)$/.exec(String(e?.name ?? ''))
    if (!m) continue
    const name = normalise(m[1]!)
    const isList = m[1]!.toLowerCase().replace(/_/g, '-') in PLURALS
    const secretRef = e.valueFrom?.secretKeyRef
    const cmRef = e.valueFrom?.configMapKeyRef
    if (typeof e.value === 'string') env.set(name, isList ? e.value.split(',') : [e.value])
    else if (typeof secretRef?.name === 'string' && typeof secretRef?.key === 'string') secrets.set(name, {name: secretRef.name, key: secretRef.key})
    else if (typeof cmRef?.name === 'string') {
      const v = ctx.lookup.configMap(namespace, cmRef.name)?.data?.[cmRef.key]
      if (v !== undefined) env.set(name, [v])
    }
  }
  const file = new Map<string, string[]>()
  const configPath = flags.get('config')?.[0] ?? env.get('config')?.[0]
  const text = configPath ? configFileText(ctx, namespace, pod, container, configPath) : undefined
  if (text !== undefined) parseConfigFile(text, file)
  const values = new Map([...file, ...env, ...flags])
  // A flag or env value given as a literal wins over a Secret reference of a lower layer, and the other way round.
  for (const name of secrets.keys()) if (flags.has(name)) secrets.delete(name)
  for (const name of secrets.keys()) values.delete(name)
  return {source: `Deployment ${namespace}/${deployment.metadata.name}`, namespace, values, secrets}
}
