import type {ObjectMeta} from './types.js'

export const MANAGED_BY = 'app.kubernetes.io/managed-by'
export const SOURCE_ANNOTATION = 'ingress2gw.io/source'
export const CONSUMED_ANNOTATION = 'ingress2gw.io/annotations'

/** Metadata every generated object carries: the managed-by label and where it came from. */
export function managedMetadata(name: string, namespace: string | undefined, sources: string[], consumed: string[] = []): ObjectMeta {
  const annotations: Record<string, string> = {[SOURCE_ANNOTATION]: [...new Set(sources)].sort().join(', ')}
  if (consumed.length > 0) annotations[CONSUMED_ANNOTATION] = [...new Set(consumed)].sort().join(',')
  const meta: ObjectMeta = {name, labels: {[MANAGED_BY]: 'ingress2gw'}, annotations}
  if (namespace !== undefined) meta.namespace = namespace
  return meta
}
