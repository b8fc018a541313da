/**
 * Label selectors as `kubectl -l` takes them (apimachinery labels.Parse): `k=v`, `k==v`, `k!=v`, `k in (a,b)`,
 * `k notin (a,b)`, `k` (exists) and `!k` (does not exist), comma-separated, all required. Used to filter Ingresses
 * read from files the way the API server filters a list.
 */

export type LabelSelector = (labels: Record<string, string> | undefined) => boolean

const KEY = String.raw`(?:[a-z0-9A-Z](?:[-a-z0-9A-Z_.]*[a-z0-9A-Z])?\/)?[a-z0-9A-Z](?:[-a-z0-9A-Z_.]*[a-z0-9A-Z])?`
const VALUE = String.raw`(?:[a-z0-9A-Z](?:[-a-z0-9A-Z_.]*[a-z0-9A-Z])?)?`

/** Split on commas outside parentheses. */
function requirements(selector: string): string[] {
  const out: string[] = []
  let depth = 0
  let current = ''
  for (const c of selector) {
    if (c === '(') depth++
    if (c === ')') depth--
    if (c === ',' && depth === 0) {
      out.push(current)
      current = ''
    } else current += c
  }
  out.push(current)
  return out.map((s) => s.trim())
}

/** Parse a selector; throws an Error naming the part that is not valid (the command exits 2, as kubectl). */
export function parseLabelSelector(selector: string): LabelSelector {
  const checks: LabelSelector[] = []
  for (const part of requirements(selector)) {
    if (part === '') continue
    let m: RegExpMatchArray | null
    if ((m = part.match(new RegExp(`^(${KEY})\\s*(==|=|!=)\\s*(${VALUE})$`)))) {
      const [, k, op, v] = m
      checks.push(op === '!=' ? (l) => l?.[k] !== v : (l) => l?.[k] === v)
    } else if ((m = part.match(new RegExp(`^(${KEY})\\s+(in|notin)\\s*\\(([^)]*)\\)$`)))) {
      const [, k, op, list] = m
      const values = list.split(',').map((x) => x.trim())
      if (values.some((v) => !new RegExp(`^${VALUE}$`).test(v))) throw new Error(`invalid label selector "${selector}": bad value in "${part}"`)
      checks.push(op === 'in' ? (l) => l?.[k] !== undefined && values.includes(l[k]) : (l) => l?.[k] === undefined || !values.includes(l[k]))
    } else if ((m = part.match(new RegExp(`^!(${KEY})$`)))) {
      const k = m[1]
      checks.push((l) => l?.[k] === undefined)
    } else if ((m = part.match(new RegExp(`^(${KEY})$`)))) {
      const k = m[1]
      checks.push((l) => l?.[k] !== undefined)
    } else {
      throw new Error(`invalid label selector "${selector}": cannot parse "${part}"`)
    }
  }
  return (labels) => checks.every((c) => c(labels))
}
