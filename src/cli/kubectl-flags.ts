/**
 * kubectl's flag conventions where oclif's differ: `--flag=true|false` for booleans, `--request-timeout` values,
 * and a usage error in two lines (`error: unknown flag: --foo` / `See '... -h' for help and examples`).
 */

/**
 * Rewrite `--name=true` to `--name` and `--name=false` to `--no-name` (allowNo flags) or nothing (others: false is
 * the default), for every boolean flag. Arguments after `--` are left alone.
 */
export function kubectlBooleanArgs(argv: string[], booleans: {name: string; allowNo: boolean}[]): string[] {
  const byName = new Map(booleans.map((b) => [b.name, b]))
  const out: string[] = []
  let passthrough = false
  for (const arg of argv) {
    if (passthrough || arg === '--') {
      passthrough = true
      out.push(arg)
      continue
    }
    const m = /^--([a-z][-a-z0-9]*)=(true|false)$/i.exec(arg)
    const flag = m ? byName.get(m[1]) : undefined
    if (!m || !flag) {
      out.push(arg)
      continue
    }
    if (m[2].toLowerCase() === 'true') out.push(`--${flag.name}`)
    else if (flag.allowNo) out.push(`--no-${flag.name}`)
    // else: false is the default of these flags; the argument is dropped
  }
  return out
}

/** kubectl's --request-timeout: `0` (none), a number of seconds, or a duration like `30s`, `1m`, `1m30s`, `500ms`. */
export function parseRequestTimeout(value: string): number {
  if (/^\d+$/.test(value)) return Number(value) * 1000
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy
  let total = 0
  let m: RegExpExecArray | null
  let consumed = 0
  while ((m = re.exec(value)) !== null) {
    total += Number(m[1]) * {ms: 1, s: 1000, m: 60_000, h: 3_600_000}[m[2] as 'ms' | 's' | 'm' | 'h']
    consumed = re.lastIndex
  }
  if (consumed === 0 || consumed !== value.length) {
    throw new Error(`invalid --request-timeout "${value}": give a duration such as 30s, 1m or 0 (no limit)`)
  }
  return Math.round(total)
}

/** A duration flag in kubectl's spelling (30s, 5m, 1m30s, 500ms; a bare number is seconds); errors name `--flag`. */
export function parseDurationFlag(value: string, flag: string): number {
  try {
    return parseRequestTimeout(value)
  } catch {
    throw new Error(`--${flag} expects a duration such as 30s, 5m or 1m30s, got "${value}"`)
  }
}

/**
 * A parse error as kubectl prints one: `error: unknown flag: --foo` and a pointer to the help, two lines, instead of
 * oclif's message and the whole help. Undefined when `err` is not a usage error.
 */
export function usageError(err: any, commandId: string): string | undefined {
  if (!err || typeof err !== 'object' || !('parse' in err) || typeof err.message !== 'string') return undefined
  const lines = err.message.split('\n').map((l: string) => l.replace(/\u001b\[[0-9;]*m/g, '').trim())
  // oclif's flag validation ("The following error occurred:") puts the reason on the next line.
  const first = /^The following errors? occurred:$/.test(lines[0]) && lines[1] ? lines[1] : lines[0]
  const unknown = /^Nonexistent flags?: (.+)$/.exec(first)
  const what = unknown ? `unknown flag: ${unknown[1].split(',')[0].trim()}` : first.replace(/^Parsing --/, '--')
  return `error: ${what}\nSee 'kubectl ingress2gw ${commandId} -h' for help and examples\n`
}
