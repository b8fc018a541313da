/** The migration checklist's lines for auth servers: one per server and change, naming the Ingresses it protects. */
import type {IngressModel} from '../../model/ingress-model.js'

export function authServerChecklist(ingresses: IngressModel[]): string[] {
  const byLine = new Map<string, {server: string; step: string; ingresses: Set<string>}>()
  for (const ingress of ingresses) {
    if (!ingress.served || ingress.isCanary) continue
    for (const s of ingress.intents.authServerSteps ?? []) {
      const key = `${s.server}\u0000${s.step}`
      const entry = byLine.get(key) ?? {server: s.server, step: s.step, ingresses: new Set<string>()}
      entry.ingresses.add(ingress.id)
      byLine.set(key, entry)
    }
  }
  return [...byLine.values()]
    .sort((a, b) => (a.server < b.server ? -1 : a.server > b.server ? 1 : a.step < b.step ? -1 : 1))
    .map((e) => `${e.server} (auth-url of Ingress ${[...e.ingresses].sort().join(', ')}): ${e.step}`)
}
