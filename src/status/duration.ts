/** kubectl's duration flags (`--timeout 5m`, `90s`, `1m30s`, `500ms`); a bare number is seconds, as kubectl wait. */
export function parseDuration(value: string, flag: string): number {
  const v = value.trim()
  if (/^\d+$/.test(v)) return Number(v) * 1000
  const units: Record<string, number> = {h: 3_600_000, m: 60_000, s: 1000, ms: 1}
  const re = /(\d+(?:\.\d+)?)(ms|h|m|s)/gy
  let total = 0
  let matched = 0
  for (let m = re.exec(v); m; m = re.exec(v)) {
    total += Number(m[1]) * units[m[2]]
    matched = re.lastIndex
  }
  if (v === '' || matched !== v.length) throw new Error(`--${flag} expects a duration such as 30s, 5m or 1m30s, got "${value}"`)
  return Math.round(total)
}
