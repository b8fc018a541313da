/**
 * Inline SVG pictures of the HTML report: the status bars per namespace and the shared Gateway's topology
 * (listeners -> routes per namespace -> backends). Plain SVG elements with presentation attributes and classes
 * (the page's Content-Security-Policy allows no style attributes), sized from the data so nothing overlaps.
 */
import {escapeHtml as esc} from './html-escape.js'
import {byWorkLeft, STATUSES, type GatewaySummary, type NamespaceSummary, type StatusCounts} from './model.js'
import {maxOf, pushAll} from '../../util/arrays.js'

const BAR_ROW = 24
const BAR_LABEL = 190
const BAR_WIDTH = 420
const BAR_COUNTS = 340

function truncate(s: string, max: number): string {
  return s.length <= max ? s : s.slice(0, Math.max(1, max - 1)) + '…'
}

/** One stacked bar: exact, approximate, manual, skipped segments, each a rect with a tooltip. */
function stackedBar(counts: StatusCounts, x: number, y: number, scale: number, height: number, label: string): string {
  let at = x
  const parts: string[] = []
  for (const s of STATUSES) {
    const n = counts[s]
    if (n === 0) continue
    const w = Math.max(1, n * scale)
    parts.push(`<rect class="seg s-${s}" x="${at.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${height}" data-status="${s}" data-count="${n}"><title>${esc(label)}: ${n} ${s}</title></rect>`)
    at += w
  }
  return parts.join('')
}

function countsText(c: StatusCounts): string {
  return STATUSES.filter((s) => c[s] > 0)
    .map((s) => `${c[s]} ${s}`)
    .join(' · ')
}

/** Status bars per namespace on one scale (the largest namespace fills the width), sorted by work left. */
export function namespaceBars(namespaces: NamespaceSummary[]): string {
  const rows = byWorkLeft(namespaces)
  const max = maxOf(rows.map((n) => n.ingresses), 1)
  const scale = BAR_WIDTH / max
  const width = BAR_LABEL + BAR_WIDTH + BAR_COUNTS
  const height = rows.length * BAR_ROW + 4
  const body = rows
    .map((n, i) => {
      const y = i * BAR_ROW + 4
      return (
        `<g class="ns-bar" data-namespace="${esc(n.name)}" data-ingresses="${n.ingresses}" tabindex="0" role="button" aria-label="${esc(`${n.name}: ${countsText(n.byStatus)}; show its Ingresses`)}">` +
        `<text class="ns-label" x="${BAR_LABEL - 8}" y="${y + 14}" text-anchor="end">${esc(truncate(n.name, 26))}</text>` +
        stackedBar(n.byStatus, BAR_LABEL, y, scale, BAR_ROW - 8, n.name) +
        `<text class="ns-counts" x="${BAR_LABEL + n.ingresses * scale + 8}" y="${y + 14}">${n.ingresses}: ${esc(countsText(n.byStatus))}</text></g>`
      )
    })
    .join('\n')
  return `<svg class="bars" role="img" aria-labelledby="bars-title" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg"><title id="bars-title">Ingresses per namespace by status, most work left first</title>\n${body}\n</svg>`
}

/** The bar of the whole input, full width. */
export function totalBar(counts: StatusCounts, total: number): string {
  const width = 900
  return `<svg class="total-bar" role="img" aria-label="${esc(`${total} Ingresses: ${countsText(counts)}`)}" viewBox="0 0 ${width} 22" width="${width}" height="22" xmlns="http://www.w3.org/2000/svg">${stackedBar(counts, 0, 0, width / Math.max(1, total), 22, 'all namespaces')}</svg>`
}

// ---- topology ----------------------------------------------------------------------------------------------------

/** Up to this many routes per Gateway each route is drawn; beyond it, one node per namespace with counts. */
export const TOPOLOGY_ROUTE_LIMIT = 50
const ROW = 22
const COL_X = [10, 250, 610]
const COL_W = [190, 300, 260]
const NODE_H = 18

interface Node {
  id: string
  column: number
  y: number
  label: string
  title: string
  cls: string
}

interface Edge {
  from: string
  to: string
  cls: string
}

/** Gateway listeners (left) -> routes, grouped under their namespace (middle) -> backends (right), as one SVG. */
export function topology(g: GatewaySummary): string {
  const grouped = g.routes.length > TOPOLOGY_ROUTE_LIMIT
  const nodes: Node[] = []
  const edges: Edge[] = []
  const listenerClass = new Map(g.listeners.map((l, i) => [l.name, `l${i % 6}`]))
  const middle: Node[] = []
  const right: Node[] = []
  const headers: {y: number; text: string}[] = []
  let y = 0
  const byNs = new Map<string, typeof g.routes>()
  for (const r of g.routes) byNs.set(r.namespace, [...(byNs.get(r.namespace) ?? []), r])
  const backendIds = new Map<string, Node>()
  for (const [ns, routes] of byNs) {
    if (grouped) {
      const backends = new Set(routes.flatMap((r) => r.backends.map((b) => qualify(ns, b))))
      const id = `ns:${ns}`
      const perListener = new Map<string, number>()
      for (const r of routes) for (const l of r.listeners.includes('*') ? g.listeners.map((x) => x.name) : r.listeners) perListener.set(l, (perListener.get(l) ?? 0) + 1)
      const order = new Map(g.listeners.map((l, i) => [l.name, i]))
      const split = [...perListener]
        .sort(([a], [b]) => (order.get(a) ?? 0) - (order.get(b) ?? 0))
        .map(([l, n]) => `${l} ${n}`)
        .join(', ')
      middle.push({id, column: 1, y, label: `${ns}: ${routes.length} route(s) · ${split}`, title: `${routes.length} route(s) in namespace ${ns}, by listener: ${split}`, cls: 'route'})
      if (backends.size > 0) {
        const bid = `bs:${ns}`
        right.push({id: bid, column: 2, y, label: `${backends.size} backend(s) in ${ns}`, title: [...backends].join('\n'), cls: 'backend'})
        edges.push({from: id, to: bid, cls: 'to-backend'})
      }
      for (const l of perListener.keys()) edges.push({from: `l:${l}`, to: id, cls: listenerClass.get(l) ?? 'l0'})
      y += ROW + 4
      continue
    }
    headers.push({y, text: `namespace ${ns} (${routes.length})`})
    y += ROW
    for (const r of routes) {
      const id = `r:${ns}/${r.kind}/${r.name}`
      middle.push({id, column: 1, y, label: `${r.kind === 'HTTPRoute' ? '' : r.kind + ' '}${r.name}`, title: `${r.kind} ${ns}/${r.name}`, cls: 'route'})
      for (const l of r.listeners.includes('*') ? g.listeners.map((x) => x.name) : r.listeners) edges.push({from: `l:${l}`, to: id, cls: listenerClass.get(l) ?? 'l0'})
      for (const b of r.backends) {
        const key = qualify(ns, b)
        let node = backendIds.get(key)
        if (!node) {
          node = {id: `b:${key}`, column: 2, y: 0, label: key, title: key, cls: 'backend'}
          backendIds.set(key, node)
          right.push(node)
        }
        edges.push({from: id, to: node.id, cls: 'to-backend'})
      }
      y += ROW
    }
    y += 6
  }
  placeBackends(right, middle, edges, grouped)
  const height = Math.max(y, right.length > 0 ? maxOf(right.map((n) => n.y)) + ROW : 0, g.listeners.length * (ROW + 10)) + 30
  const top = 28
  // Listeners as one block in the middle of the picture's height, so their edges fan out both ways.
  const step = g.listeners.length > 1 ? Math.min(ROW * 3, (height - 30 - ROW) / (g.listeners.length - 1)) : 0
  const offset = Math.max(0, (height - 30 - ROW - step * (g.listeners.length - 1)) / 2)
  g.listeners.forEach((l, i) => {
    const what = [l.protocol, l.port].filter((x) => x !== undefined).join(' ')
    nodes.push({
      id: `l:${l.name}`,
      column: 0,
      y: offset + i * step,
      label: `${l.name}${what ? ` (${what})` : ''}`,
      title: `listener ${l.name}${what ? ` ${what}` : ''}${l.hostname ? ` ${l.hostname}` : ''}: ${l.routes} route(s)`,
      cls: `listener ${listenerClass.get(l.name)}`,
    })
  })
  pushAll(nodes, middle)
  pushAll(nodes, right)
  const at = new Map(nodes.map((n) => [n.id, n]))
  const edgeSvg = edges
    .map((e) => {
      const a = at.get(e.from)
      const b = at.get(e.to)
      if (!a || !b) return ''
      const x1 = COL_X[a.column] + COL_W[a.column]
      const y1 = top + a.y + NODE_H / 2
      const x2 = COL_X[b.column]
      const y2 = top + b.y + NODE_H / 2
      const mid = (x1 + x2) / 2
      return `<path class="edge ${e.cls}" d="M${x1} ${y1} C${mid} ${y1} ${mid} ${y2} ${x2} ${y2}"/>`
    })
    .join('')
  const nodeSvg = nodes
    .map((n) => {
      const x = COL_X[n.column]
      const w = COL_W[n.column]
      const maxChars = Math.floor((w - 10) / 6.6)
      return `<g class="node ${n.cls}"><title>${esc(n.title)}</title><rect x="${x}" y="${top + n.y}" width="${w}" height="${NODE_H}" rx="4"/><text x="${x + 6}" y="${top + n.y + 13}">${esc(truncate(n.label, maxChars))}</text></g>`
    })
    .join('')
  const headerSvg = headers.map((h) => `<text class="group" x="${COL_X[1]}" y="${top + h.y + 14}">${esc(h.text)}</text>`).join('')
  const titles =
    `<text class="column" x="${COL_X[0]}" y="14">Listeners of ${esc(`${g.namespace}/${g.name}`)}</text>` +
    `<text class="column" x="${COL_X[1]}" y="14">${grouped ? 'Routes per namespace' : 'Routes'}</text><text class="column" x="${COL_X[2]}" y="14">Backends</text>`
  const width = COL_X[2] + COL_W[2] + 10
  const total = height + top
  return `<svg class="topology" role="img" aria-label="${esc(`Gateway ${g.namespace}/${g.name}: ${g.listeners.length} listener(s), ${g.routes.length} route(s) in ${new Set(g.routes.map((r) => r.namespace)).size} namespace(s)`)}" viewBox="0 0 ${width} ${total}" width="${width}" height="${total}" xmlns="http://www.w3.org/2000/svg">${titles}${edgeSvg}${headerSvg}${nodeSvg}</svg>`
}

/** `Service/web:80` in namespace shop -> `shop/web:80` (a qualified `Service/other/web:80` keeps its namespace). */
function qualify(namespace: string, backend: string): string {
  const slash = backend.indexOf('/')
  const kind = backend.slice(0, slash)
  const rest = backend.slice(slash + 1)
  const name = rest.includes('/') ? rest : `${namespace}/${rest}`
  return kind === 'Service' ? name : `${kind} ${name}`
}

/**
 * Each backend sits at the height of the first route that uses it, pushed down so none overlap: edges then run
 * mostly level, and a backend shared by several routes fans in.
 */
function placeBackends(right: Node[], middle: Node[], edges: Edge[], grouped: boolean): void {
  const firstUse = new Map<string, number>()
  const y = new Map(middle.map((n) => [n.id, n.y]))
  for (const e of edges) {
    if (e.cls !== 'to-backend') continue
    const from = y.get(e.from) ?? 0
    if (!firstUse.has(e.to) || from < firstUse.get(e.to)!) firstUse.set(e.to, from)
  }
  right.sort((a, b) => (firstUse.get(a.id) ?? 0) - (firstUse.get(b.id) ?? 0) || (a.label < b.label ? -1 : 1))
  let next = 0
  for (const n of right) {
    n.y = Math.max(next, firstUse.get(n.id) ?? 0)
    next = n.y + (grouped ? ROW + 4 : ROW)
  }
}
