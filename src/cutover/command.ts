/** The cutover command's three modes (plan/apply, rollback, dns) and their exit status (loaded lazily). */
import {readFileSync} from 'node:fs'
import {resolve} from 'node:path'
import type {Painter} from '../output/report.js'
import {ClusterClient, ClusterError} from '../sources/cluster.js'
import type {KubeconfigSelection} from '../sources/kubeconfig.js'
import type {NamespacedName} from '../model/types.js'
import {maskUrlCredentials} from '../model/credentials.js'
import {forcedRollback, kubectlPatchCommand, parseRollbackFile, patchService, removeRollbackFile, writeRollbackFile} from './apply.js'
import {planDns} from './dns.js'
import {readDnsFacts} from './dns-read.js'
import type {CutoverPlan, RollbackFile} from './model.js'
import {blockingRefusals, planCutover} from './plan.js'
import {readCutoverFacts} from './read.js'
import {renderDns, renderPlan} from './render.js'

export interface CutoverRun {
  selection: KubeconfigSelection
  /** The kubeconfig flags as typed, repeated in the rollback command line. */
  connectionArgs: string[]
  output: 'text' | 'json'
  paintOut: Painter
  paintErr: Painter
  env?: NodeJS.ProcessEnv
}

export const EXIT_REFUSED = 1
export const EXIT_ERROR = 2

function warn(paint: Painter, lines: string[]): void {
  for (const l of lines) process.stderr.write(paint.yellow(`warning: ${l}`) + '\n')
}

/** Runs one mode; ClusterErrors become one `error:` line and exit 2. */
async function guarded(fn: () => Promise<number>): Promise<number> {
  try {
    return await fn()
  } catch (err) {
    if (err instanceof ClusterError) {
      process.stderr.write(`error: ${err.message}\n`)
      return EXIT_ERROR
    }
    throw err
  }
}

function rollbackFileOf(plan: CutoverPlan, client: ClusterClient): RollbackFile {
  return {
    apiVersion: 'ingress2gw.io/v1',
    kind: 'ServiceCutoverRollback',
    service: {namespace: plan.service.namespace, name: plan.service.name, uid: plan.service.uid},
    gateway: plan.gateway,
    context: client.loaded.context,
    // Masked as ClusterClient.where prints it: the file is printed back (-o json, the other-cluster warning).
    server: maskUrlCredentials(client.loaded.server),
    selector: plan.selectorFrom,
    ports: plan.ports.map((m) => ({port: m.port, protocol: m.protocol, ...(m.from !== undefined ? {targetPort: m.from} : {})})),
    patch: plan.rollback,
  }
}

export async function runCutover(run: CutoverRun, opts: {service: NamespacedName; gateway: NamespacedName; apply: boolean; dryRun: 'none' | 'server'; force: boolean; rollbackFile?: string; controllerConfigMap?: string}): Promise<number> {
  return guarded(async () => {
    const client = await ClusterClient.connect(run.selection, run.env)
    const read = await readCutoverFacts(client, {service: opts.service, gateway: opts.gateway, controllerConfigMap: opts.controllerConfigMap, force: opts.force})
    const plan = planCutover(read.facts)
    const blocking = blockingRefusals(plan, opts.force)
    const file = resolve(opts.rollbackFile ?? `ingress2gw-rollback-${plan.service.namespace}-${plan.service.name}-${plan.service.resourceVersion}.json`)
    process.stdout.write(run.output === 'json' ? JSON.stringify({plan, rollbackFile: file}, null, 2) + '\n' : renderPlan(plan, run.paintOut))
    if (plan.alreadyCutOver) {
      // Nothing to send; what would have refused the switch still matters now that the traffic is on Envoy.
      warn(run.paintErr, [...plan.refusals.map((r) => r.message)])
      process.stderr.write(`Service ${plan.service.namespace}/${plan.service.name} already selects the Envoy pods of Gateway ${plan.gateway.namespace}/${plan.gateway.name}: nothing to do\n`)
      return 0
    }
    warn(run.paintErr, [...plan.warnings, ...plan.refusals.filter((r) => !blocking.includes(r)).map((r) => `overridden by --force: ${r.message}`)])
    for (const r of blocking) process.stderr.write(run.paintErr.red(`refused: ${r.message}`) + '\n')
    if (blocking.length > 0) {
      process.stderr.write(`error: the cutover of Service ${plan.service.namespace}/${plan.service.name} is refused (${[...new Set(blocking.map((r) => r.code))].join(', ')}); nothing was changed\n`)
      return EXIT_REFUSED
    }
    const svc = {namespace: plan.service.namespace, name: plan.service.name}
    if (opts.dryRun === 'server') {
      await patchService(client, svc, plan.patch, true, 'cutover')
      process.stderr.write(`service/${svc.name} patched (server dry run): the API server accepts the patch; nothing was changed\n`)
      return 0
    }
    if (!opts.apply) {
      process.stderr.write(`nothing was changed: review the patch, then run again with --apply (the rollback patch is written to ${file} first)\n`)
      return 0
    }
    writeRollbackFile(file, rollbackFileOf(plan, client))
    try {
      await patchService(client, svc, plan.patch, false, 'cutover')
    } catch (err) {
      removeRollbackFile(file)
      throw err
    }
    process.stderr.write(
      `service/${svc.name} patched: it now sends traffic to the Envoy pods of Gateway ${plan.gateway.namespace}/${plan.gateway.name}\n` +
        `rollback written to ${file}; to switch back:\n  kubectl ingress2gw cutover --rollback ${file}${run.connectionArgs.length ? ' ' + run.connectionArgs.join(' ') : ''}\n` +
        `  or, without the plugin: ${kubectlPatchCommand(svc.namespace, svc.name, plan.rollback)}\n`,
    )
    return 0
  })
}

export async function runRollback(run: CutoverRun, opts: {file: string; dryRun: 'none' | 'server'; force: boolean}): Promise<number> {
  return guarded(async () => {
    let text: string
    try {
      text = readFileSync(opts.file, 'utf8')
    } catch (err) {
      throw new ClusterError(`cannot read the rollback file ${opts.file}: ${(err as Error).message}`)
    }
    // A file written before the server was masked in it still holds the userinfo: masked before it is printed.
    const parsed = parseRollbackFile(text, opts.file)
    const saved = typeof parsed.server === 'string' ? {...parsed, server: maskUrlCredentials(parsed.server)} : parsed
    const client = await ClusterClient.connect(run.selection, run.env)
    if (saved.server !== maskUrlCredentials(client.loaded.server)) warn(run.paintErr, [`the rollback was written against ${saved.server} (context "${saved.context}"), this is ${client.where}: the uid check keeps it to the same Service`])
    const ops = opts.force ? forcedRollback(saved.patch) : saved.patch
    const svc = {namespace: saved.service.namespace, name: saved.service.name}
    if (run.output === 'json') process.stdout.write(JSON.stringify({rollback: saved, patch: ops}, null, 2) + '\n')
    else process.stdout.write(`${kubectlPatchCommand(svc.namespace, svc.name, ops)}\n`)
    await patchService(client, svc, ops, opts.dryRun === 'server', 'rollback')
    const ports = saved.ports.map((p) => `${p.port}/${p.protocol} -> ${p.targetPort ?? p.port}`).join(', ')
    process.stderr.write(`service/${svc.name} ${opts.dryRun === 'server' ? 'patched (server dry run): the rollback would apply; nothing was changed' : `rolled back: it selects the ingress-nginx pods again (targetPorts ${ports})`}\n`)
    return 0
  })
}

export async function runDns(run: CutoverRun, opts: {gateway: NamespacedName; allNamespaces: boolean}): Promise<number> {
  return guarded(async () => {
    const client = await ClusterClient.connect(run.selection, run.env)
    const plan = planDns(await readDnsFacts(client, opts))
    if (plan.addresses.length === 0) {
      process.stdout.write(run.output === 'json' ? JSON.stringify(plan, null, 2) + '\n' : '')
      process.stderr.write(`error: Gateway ${opts.gateway.namespace}/${opts.gateway.name} has no address yet (Programmed is False until its Service gets one): see kubectl ingress2gw status -n ${opts.gateway.namespace}\n`)
      return EXIT_REFUSED
    }
    process.stdout.write(run.output === 'json' ? JSON.stringify(plan, null, 2) + '\n' : renderDns(plan, run.paintOut))
    return 0
  })
}
