import {mkdir, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import type {KubeObject} from '../translate/types.js'
import {dumpOne} from './serialize.js'

/** The file an object is written to under --output-dir: `<namespace>/<kind>-<name>.yaml` (`_cluster` when cluster-scoped). */
export function objectPath(o: KubeObject): string {
  return join(o.metadata.namespace ?? '_cluster', `${o.kind.toLowerCase()}-${o.metadata.name}.yaml`)
}

export async function writeOutputDir(dir: string, objects: KubeObject[]): Promise<string[]> {
  const written: string[] = []
  for (const o of objects) {
    const rel = objectPath(o)
    const file = join(dir, rel)
    await mkdir(join(file, '..'), {recursive: true})
    await writeFile(file, dumpOne(o))
    written.push(rel)
  }
  return written
}
