/** Which version of a kind the API server serves, asked through the REST mapper (discovery). */
import {ApiError, type ResourceMapper} from './cluster.js'

/** The served apiVersion and plural of a kind, or undefined when its CRD is not installed. */
export async function served(mapper: ResourceMapper, group: string, versions: string[], kind: string): Promise<{apiVersion: string; plural: string} | undefined> {
  for (const v of versions) {
    const apiVersion = `${group}/${v}`
    let r
    try {
      r = await mapper.resolve(apiVersion, kind)
    } catch (err) {
      if (err instanceof ApiError) continue
      throw err
    }
    if (r) return {apiVersion, plural: r.plural}
  }
  return undefined
}
