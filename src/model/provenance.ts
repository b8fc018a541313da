import type {ObjectMeta} from './types.js'

export const MANAGED_BY = 'app.kubernetes.io/managed-by'
export const SOURCE_ANNOTATION = 'ingress2gw.io/source'
export const CONSUMED_ANNOTATION = 'ingress2gw.io/annotations'
const MAX_LISTED_SOURCES = 20

/** Metadata every generated object carries: the managed-by label and where it came from. */
export function managedMetadata(name: string, namespace: string | undefined, sources: string[], consumed: string[] = []): ObjectMeta {
  // Objects shared by many Ingresses (the Gateway) would exceed the 256 KiB annotation limit: list the first few.
  const unique = [...new Set(sources)].sort()
  const listed = unique.length > MAX_LISTED_SOURCES ? [...unique.slice(0, MAX_LISTED_SOURCES), `(+${unique.length - MAX_LISTED_SOURCES} more)`] : unique
  const annotations: Record<string, string> = {[SOURCE_ANNOTATION]: listed.join(', ')}
  if (consumed.length > 0) annotations[CONSUMED_ANNOTATION] = [...new Set(consumed)].sort().join(',')
  const meta: ObjectMeta = {name, labels: {[MANAGED_BY]: 'ingress2gw'}, annotations}
  if (namespace !== undefined) meta.namespace = namespace
  return meta
}
