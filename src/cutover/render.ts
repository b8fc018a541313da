/** The cutover plan and the DNS list as people read them. */
import type {Painter} from '../output/report.js'
import {kubectlPatchCommand} from './apply.js'
import type {DnsPlan} from './dns.js'
import type {CutoverPlan} from './model.js'
import {maxOf} from '../util/arrays.js'

function labels(sel: Record<string, string>): string {
  return Object.keys(sel)
    .sort()
    .map((k) => `${k}=${sel[k]}`)
    .join(',')
}

export function renderPlan(plan: CutoverPlan, paint: Painter): string {
  const out: string[] = []
  const svc = `${plan.service.namespace}/${plan.service.name}`
  const envoy = plan.envoyService ? ` (Envoy Service ${plan.envoyService.namespace}/${plan.envoyService.name})` : ''
  out.push(paint.bold(`Service ${svc} (${plan.service.type}) -> Envoy proxy of Gateway ${plan.gateway.namespace}/${plan.gateway.name}${envoy}`))
  if (plan.gatewayProgrammed) out.push(`  gateway: Programmed (${plan.gatewayProgrammed})`)
  out.push(`  selector: ${labels(plan.selectorFrom)}`)
  if (plan.envoyService) out.push(`         -> ${labels(plan.selectorTo)}`)
  for (const m of plan.ports) out.push(`  port ${m.port}/${m.protocol}${m.name ? ` (${m.name})` : ''}: targetPort ${m.from ?? `(unset: ${m.port})`} -> ${m.to} (listener ${m.listener})`)
  if (plan.patch.length > 0) {
    out.push('', 'patch:', `  ${kubectlPatchCommand(plan.service.namespace, plan.service.name, plan.patch)}`)
    out.push('rollback patch:', `  ${kubectlPatchCommand(plan.service.namespace, plan.service.name, plan.rollback)}`)
  }
  return out.join('\n') + '\n'
}

export function renderDns(plan: DnsPlan, paint: Painter): string {
  const out: string[] = []
  out.push(paint.bold(`Gateway ${plan.gateway.namespace}/${plan.gateway.name} answers at ${plan.addresses.join(', ')} (${plan.addressSource})`))
  const rows = plan.records.map((r) => [r.host, r.type, r.values.join(','), r.now.join(',') || '-', r.ingresses.join(',') || '-'])
  const head = ['HOST', 'RECORD', 'GATEWAY', 'NOW (ingress-nginx)', 'INGRESSES']
  const widths = head.map((h, i) => maxOf(rows.map((r) => r[i].length), h.length))
  for (const r of [head, ...rows]) out.push(r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  '))
  if (plan.records.length === 0) out.push('(no route of the scope with a hostname attaches to this Gateway)')
  for (const c of plan.catchAll) out.push(`${c} has no hostnames: it answers any name pointed at the Gateway`)
  for (const e of plan.externalDns) {
    out.push('', paint.bold(`external-dns ${e.deployment}${e.version ? ` ${e.version}` : ''} (sources: ${e.sources.join(', ') || 'none'}) manages records: move each Ingress's records with its ${e.prefix}target annotation`))
    for (const c of e.commands) out.push(`  ${c.apply}`, `    ${paint.dim(`undo: ${c.undo}`)}`)
    for (const n of e.notes) out.push(`  ${paint.yellow(`note: ${n}`)}`)
  }
  for (const n of plan.notes) out.push(paint.yellow(`note: ${n}`))
  if (plan.verify) {
    out.push('', 'Before switching DNS, check that both data planes answer alike (lower the records\' TTL a day ahead, so a rollback is quick):', `  ${plan.verify}`)
  }
  return out.join('\n') + '\n'
}
