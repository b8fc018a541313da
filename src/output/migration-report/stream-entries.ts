/**
 * tcp-services / udp-services entries: ports ingress-nginx exposed outside HTTP. translate reports each entry with
 * diagnostics on the ConfigMap (annotation = the entry's port key); the report gives every entry a status.
 */
import {findStreamConfigMap} from '../../translate/bundle/stream-services.js'
import type {Diagnostic, KubeObject, Snapshot, TranslateOptions} from '../../model/types.js'
import type {IngressStatus, StreamEntry} from './model.js'
import {reportDiagnostic} from './build.js'

export function streamEntriesOf(
  diagnostics: Diagnostic[],
  snapshot: Snapshot | undefined,
  options: Partial<TranslateOptions> | undefined,
): {entries: StreamEntry[]; rest: Diagnostic[]} {
  const configMaps = (snapshot?.objects ?? []).map((o) => o.object).filter((o): o is KubeObject => o?.kind === 'ConfigMap')
  const chosen = new Map<string, {protocol: 'TCP' | 'UDP'; cm: KubeObject}>()
  for (const [protocol, explicit] of [
    ['TCP', options?.tcpServicesConfigMap],
    ['UDP', options?.udpServicesConfigMap],
  ] as const) {
    const cm = configMaps.length > 0 ? findStreamConfigMap(configMaps, explicit, protocol) : undefined
    if (cm) chosen.set(`ConfigMap ${cm.metadata.namespace ?? 'default'}/${cm.metadata.name}`, {protocol, cm})
  }
  const byEntry = new Map<string, {protocol: 'TCP' | 'UDP'; cm: KubeObject; port: string; diagnostics: Diagnostic[]}>()
  const rest: Diagnostic[] = []
  for (const d of diagnostics) {
    const cm = d.object !== undefined && d.annotation !== undefined ? chosen.get(d.object) : undefined
    if (!cm) {
      rest.push(d)
      continue
    }
    const key = `${d.object}\u0000${d.annotation}`
    const entry = byEntry.get(key) ?? {...cm, port: d.annotation!, diagnostics: []}
    entry.diagnostics.push(d)
    byEntry.set(key, entry)
  }
  const entries = [...byEntry.values()].map((e): StreamEntry => {
    const target = e.cm.data?.[e.port]
    return {
      protocol: e.protocol,
      configMap: `${e.cm.metadata.namespace ?? 'default'}/${e.cm.metadata.name}`,
      port: e.port,
      ...(typeof target === 'string' ? {target: target.trim()} : {}),
      status: streamStatus(e.diagnostics),
      diagnostics: e.diagnostics.map((d) => reportDiagnostic(d, false)),
    }
  })
  entries.sort((a, b) => (a.protocol !== b.protocol ? (a.protocol === 'TCP' ? -1 : 1) : Number(a.port) - Number(b.port) || (a.port < b.port ? -1 : a.port > b.port ? 1 : 0)))
  return {entries, rest}
}

/**
 * An entry is converted when a listener and route were generated for it (stream-route); a field of it can still
 * differ (approximate). Not converted: manual when a person must act, skipped when ingress-nginx skipped it too.
 */
function streamStatus(diagnostics: Diagnostic[]): IngressStatus {
  const has = (f: Diagnostic['fidelity']) => diagnostics.some((d) => d.fidelity === f)
  if (diagnostics.some((d) => d.code === 'stream-route' && d.fidelity === 'exact')) return has('manual') ? 'manual' : has('approximate') ? 'approximate' : 'exact'
  if (has('manual') || !has('ignored')) return 'manual'
  return 'skipped'
}
