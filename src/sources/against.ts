/**
 * verify --against DIR: the Gateway side read from a tree of manifests (the GitOps copy of convert --output-dir, as
 * the user edited it) instead of a fresh conversion. Reads DIR recursively with the file reader convert -f uses.
 */
import {promises as fs} from 'node:fs'
import type {KubeObject} from '../model/types.js'
import {readFileInputs} from './files.js'

/** What the Gateway model reads; Ingresses, ConfigMaps, Secrets and the rest of a tree are not the Gateway side. */
const GATEWAY_SIDE = new Set([
  'Gateway', 'GatewayClass', 'HTTPRoute', 'GRPCRoute', 'TLSRoute', 'ReferenceGrant', 'BackendTLSPolicy', 'HTTPRouteFilter',
  'BackendTrafficPolicy', 'SecurityPolicy', 'ClientTrafficPolicy', 'EnvoyExtensionPolicy', 'Backend', 'EnvoyProxy', 'Service', 'Namespace',
])

/** The Gateway-side objects under dir; throws (a message naming the file and line) on an unreadable or empty tree. */
export async function readAgainstDirectory(dir: string, defaultNamespace: string): Promise<KubeObject[]> {
  let isDirectory = false
  try {
    isDirectory = (await fs.stat(dir)).isDirectory()
  } catch {
    throw new Error(`--against ${dir}: no such directory; give the directory of Gateway API manifests (convert --output-dir)`)
  }
  if (!isDirectory) throw new Error(`--against ${dir}: not a directory; give the directory of Gateway API manifests (convert --output-dir)`)
  const read = await readFileInputs([dir], {recursive: true, defaultNamespace, namespaceExplicit: false, keepGatewayKinds: true})
  const errors = read.diagnostics.filter((d) => d.level === 'error')
  if (errors.length > 0) throw new Error(`--against ${dir}: ${errors.map((d) => d.message).join('; ')}`)
  const objects = read.objects.map((o) => o.object).filter((o) => GATEWAY_SIDE.has(o.kind))
  if (!objects.some((o) => o.kind === 'HTTPRoute' || o.kind === 'GRPCRoute' || o.kind === 'TLSRoute')) {
    throw new Error(`--against ${dir}: no HTTPRoute, GRPCRoute or TLSRoute in the ${read.filesRead} manifest file${read.filesRead === 1 ? '' : 's'} read (*.yaml, *.yml, *.json, subdirectories included)`)
  }
  return objects
}
