/**
 * Send a cutover or rollback JSON patch to the Service, and explain a refused one.
 *
 * The patch carries its own preconditions as `test` ops (uid, resourceVersion, the port each index holds; for a
 * rollback, the selector and targetPorts the cutover set). The API server answers a failed test with 422 and a
 * generic message (apiserver handlers/patch.go applyJSPatch drops the op's error), so on 422 or 409 the Service is
 * read again and the first test that no longer holds is named.
 */
import {closeSync, openSync, unlinkSync, writeSync} from 'node:fs'
import {ApiError, type ClusterClient, ClusterError, forbiddenMessage, resourcePath} from '../sources/cluster.js'
import type {KubeObject} from '../model/types.js'
import {deepEqualJson} from './json.js'
import type {JsonPatchOp, RollbackFile} from './model.js'

export const FIELD_MANAGER = 'ingress2gw'

function pointerGet(doc: unknown, pointer: string): unknown {
  let cur: unknown = doc
  for (const raw of pointer.slice(1).split('/')) {
    const t = raw.replace(/~1/g, '/').replace(/~0/g, '~')
    if (Array.isArray(cur)) cur = cur[Number(t)]
    else if (cur && typeof cur === 'object') cur = (cur as Record<string, unknown>)[t]
    else return undefined
  }
  return cur
}

/** The first `test` op the object no longer satisfies. */
export function failingTest(ops: JsonPatchOp[], obj: unknown): {op: JsonPatchOp; actual: unknown} | undefined {
  for (const op of ops) {
    if (op.op !== 'test') continue
    const actual = pointerGet(obj, op.path)
    if (!deepEqualJson(actual, op.value)) return {op, actual}
  }
  return undefined
}

/** `kubectl patch service NAME -n NS --type json -p '[...]'` (the JSON holds no single quote: labels cannot). */
export function kubectlPatchCommand(namespace: string, name: string, ops: JsonPatchOp[]): string {
  return `kubectl patch service ${name} -n ${namespace} --type json -p '${JSON.stringify(ops)}'`
}

export async function patchService(client: ClusterClient, ref: {namespace: string; name: string}, ops: JsonPatchOp[], dryRun: boolean, what: 'cutover' | 'rollback'): Promise<KubeObject> {
  const path = resourcePath('v1', 'services', ref.namespace, ref.name)
  try {
    return await client.request('PATCH', path, {fieldManager: FIELD_MANAGER, dryRun: dryRun ? 'All' : undefined}, {contentType: 'application/json-patch+json', text: JSON.stringify(ops)})
  } catch (err) {
    if (!(err instanceof ApiError)) throw err
    const id = `${ref.namespace}/${ref.name}`
    if (err.code === 403) throw new ClusterError(forbiddenMessage({verb: 'patch', group: '', resource: 'services', namespace: ref.namespace, name: ref.name}, err))
    if (err.code === 404) throw new ClusterError(`Service ${id} no longer exists`)
    if (err.code !== 422 && err.code !== 409) throw new ClusterError(`patching Service ${id} failed (${err.code}${err.reason ? ' ' + err.reason : ''}): ${err.message}`)
    const now = await client.getOptional(path)
    const failed = now ? failingTest(ops, now) : undefined
    if (!failed) throw new ClusterError(`the API server refused the ${what} patch of Service ${id} (${err.code}): ${err.message}; nothing was changed`)
    const said = `${failed.op.path} is now ${JSON.stringify(failed.actual)}, the patch expects ${JSON.stringify(failed.op.value)}`
    if (what === 'cutover') throw new ClusterError(`Service ${id} changed since it was read (${said}); nothing was changed: run the command again to review the new patch`)
    throw new ClusterError(
      `Service ${id} is no longer as the cutover left it (${said}); nothing was changed. Someone changed it after the cutover: look at it (kubectl get service ${ref.name} -n ${ref.namespace} -o yaml) before restoring; --force applies the saved selector and targetPorts without these checks`,
    )
  }
}

/** Write the rollback file before the cutover patch is sent; never over an existing file (it may be the only way back). */
export function writeRollbackFile(path: string, file: RollbackFile): void {
  let fd: number
  try {
    fd = openSync(path, 'wx', 0o600)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'EEXIST') throw new ClusterError(`the rollback file ${path} already exists (it may be the way back from an earlier cutover): move it away or name another with --rollback-file; nothing was changed`)
    throw new ClusterError(`cannot write the rollback file ${path} (${(err as Error).message}); nothing was changed`)
  }
  try {
    writeSync(fd, JSON.stringify(file, null, 2) + '\n')
  } finally {
    closeSync(fd)
  }
}

export function removeRollbackFile(path: string): void {
  try {
    unlinkSync(path)
  } catch {
    // already gone
  }
}

/** Read and check a rollback file's shape. */
export function parseRollbackFile(text: string, path: string): RollbackFile {
  let v: RollbackFile
  try {
    v = JSON.parse(text)
  } catch (err) {
    throw new ClusterError(`${path} is not JSON: ${(err as Error).message}`)
  }
  const ok =
    v && v.kind === 'ServiceCutoverRollback' && v.apiVersion === 'ingress2gw.io/v1' && typeof v.service?.namespace === 'string' && typeof v.service?.name === 'string' && typeof v.service?.uid === 'string' && Array.isArray(v.patch)
  if (!ok) throw new ClusterError(`${path} is not a rollback file written by kubectl ingress2gw cutover --apply (kind ServiceCutoverRollback)`)
  checkRollbackOps(v, path)
  return v
}

const PORT_FIELD = /^\/spec\/ports\/(0|[1-9]\d{0,3})\/(port|targetPort)$/

/**
 * The file is sent as a JSON patch, so it may hold only what buildPatches (plan.ts) puts in a rollback: the uid test
 * first (the same Service, not one recreated under its name), tests of the selector and port fields, and the
 * restoring of spec.selector and spec.ports[].targetPort. An edited or foreign file must not rewrite any other field
 * of the Service (loadBalancerSourceRanges, type, ports...).
 */
function checkRollbackOps(v: RollbackFile, path: string): void {
  const id = `${v.service.namespace}/${v.service.name}`
  const first = v.patch[0]
  if (!first || first.op !== 'test' || first.path !== '/metadata/uid' || first.value !== v.service.uid) {
    throw new ClusterError(`${path}: the patch does not start with the uid test of Service ${id} (${v.service.uid}); nothing was changed`)
  }
  for (const op of v.patch) {
    const port = PORT_FIELD.exec(String(op?.path ?? ''))
    const targetPort = port?.[2] === 'targetPort'
    const ok =
      op?.op === 'test'
        ? op.path === '/metadata/uid' || op.path === '/spec/selector' || port !== null
        : op?.op === 'replace'
          ? (op.path === '/spec/selector' && isStringMap(op.value)) || (targetPort && (typeof op.value === 'number' || typeof op.value === 'string'))
          : op?.op === 'remove' && targetPort
    if (!ok) throw new ClusterError(`${path}: operation ${String(op?.op)} ${String(op?.path)} is not part of a cutover rollback (only spec.selector and spec.ports[].targetPort are restored); nothing was changed`)
  }
}

function isStringMap(v: unknown): boolean {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string')
}

/**
 * --force: drop the checks of what the cutover set (selector, targetPorts); keep the uid test (the same object)
 * and the port-number tests (each index still holds the port the saved targetPort belongs to).
 */
export function forcedRollback(patch: JsonPatchOp[]): JsonPatchOp[] {
  return patch.filter((op) => op.op !== 'test' || !(op.path === '/spec/selector' || op.path.endsWith('/targetPort')))
}
