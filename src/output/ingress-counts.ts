/**
 * The end summary's count of Ingresses by outcome: how many were read, converted, and skipped for which reason, and
 * how many paths of converted Ingresses were dropped for a named port that could not be resolved. Without it the user
 * sees "49 Ingress(es) -> 26 object(s)" and must read every info line to learn where the others went.
 */
import {ingressIdOf} from '../model/diagnostics.js'
import type {TranslateResult, UnselectedIngress} from '../model/types.js'

const UNSELECTED_TEXT: Record<UnselectedIngress['reason'], string> = {
  'class-not-selected': 'class not selected',
  'other-controller': 'class of another controller',
  'no-class': 'without a class',
  invalid: 'invalid',
}

/**
 * `Ingresses: 9 read, 2 converted, 7 skipped: 5 class not selected (internal 3, external 2), ...`, or '' when every
 * Ingress read was converted whole.
 */
export function ingressCountsLine(result: Pick<TranslateResult, 'ingresses' | 'unselected' | 'diagnostics'>): string {
  const unselected = result.unselected ?? []
  const unresolvedPaths = new Map<string, number>()
  // An Ingress without a path left can still be reported converted: it adds its host to the shared https-redirect.
  const noPath = new Set<string>()
  for (const d of result.diagnostics) {
    const id = ingressIdOf(d)
    if (id === undefined) continue
    if (d.code === 'unresolved-port-name') unresolvedPaths.set(id, (unresolvedPaths.get(id) ?? 0) + 1)
    if (d.code === 'no-routable-paths') noPath.add(id)
  }
  const outcome = {converted: 0, canary: 0, denied: 0, notServed: 0, noRoute: 0, noRouteNamedPort: 0}
  for (const r of result.ingresses) {
    const lost = r.status === 'skipped' || ((r.status === 'converted' || r.status === 'denied') && noPath.has(r.ingress))
    if (lost && unresolvedPaths.has(r.ingress)) outcome.noRouteNamedPort++
    else if (lost) outcome.noRoute++
    else if (r.status === 'converted') outcome.converted++
    else if (r.status === 'canary') outcome.canary++
    else if (r.status === 'denied') outcome.denied++
    else if (r.status === 'not-served') outcome.notServed++
  }
  const skipped: string[] = []
  for (const reason of ['class-not-selected', 'other-controller', 'no-class', 'invalid'] as const) {
    const list = unselected.filter((u) => u.reason === reason)
    if (list.length === 0) continue
    const perClass = new Map<string, number>()
    for (const u of list) if (u.className !== undefined) perClass.set(u.className, (perClass.get(u.className) ?? 0) + 1)
    const classes = [...perClass.entries()].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1)).map(([c, n]) => `${c} ${n}`)
    skipped.push(`${list.length} ${UNSELECTED_TEXT[reason]}${classes.length > 0 ? ` (${classes.join(', ')})` : ''}`)
  }
  if (outcome.notServed > 0) skipped.push(`${outcome.notServed} not served by ingress-nginx`)
  if (outcome.noRouteNamedPort > 0) skipped.push(`${outcome.noRouteNamedPort} no path left (named port of a Service not found)`)
  if (outcome.noRoute > 0) skipped.push(`${outcome.noRoute} no path left to route`)
  const routed = new Set(result.ingresses.map((r) => r.ingress).filter((id) => !noPath.has(id)))
  const droppedPaths = [...unresolvedPaths.entries()].filter(([object]) => routed.has(object)).reduce((n, [, c]) => n + c, 0)
  if (skipped.length === 0 && droppedPaths === 0) return ''
  const converted = outcome.converted + outcome.canary + outcome.denied
  const notes = [
    outcome.canary > 0 ? `${outcome.canary} canar${outcome.canary === 1 ? 'y' : 'ies'} merged into their primary` : '',
    outcome.denied > 0 ? `${outcome.denied} answering 503 as nginx did` : '',
  ].filter((n) => n !== '')
  const read = result.ingresses.length + unselected.length
  const skippedCount = read - converted
  let line = `Ingresses: ${read} read, ${converted} converted${notes.length > 0 ? ` (${notes.join(', ')})` : ''}, ${skippedCount} skipped${skipped.length > 0 ? `: ${skipped.join(', ')}` : ''}`
  if (droppedPaths > 0) line += `; ${droppedPaths} path(s) of converted Ingresses dropped (named port of a Service not found)`
  return `${line}\n`
}
