/**
 * The report golden cases (test/report-golden/<case>/args): CLI flags one per line, run from the repository root;
 * `@generated` stands for the generated 40-namespace platform, written to input.yaml in a temporary folder the
 * run then starts in.
 */
import {mkdtempSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {generatedPlatform} from './generate-namespaces.js'
import {ROOT} from './run-cli.js'

export const REPORT_GOLDEN = new URL('../report-golden/', import.meta.url).pathname

export function reportCases(): string[] {
  return readdirSync(REPORT_GOLDEN, {withFileTypes: true})
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
}

export function reportCaseArgs(name: string): {args: string[]; cwd: string} {
  const args = readFileSync(join(REPORT_GOLDEN, name, 'args'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
  if (!args.includes('@generated')) return {args, cwd: ROOT}
  const cwd = mkdtempSync(join(tmpdir(), 'i2g-report-generated-'))
  writeFileSync(join(cwd, 'input.yaml'), generatedPlatform())
  return {args: args.map((a) => (a === '@generated' ? 'input.yaml' : a)), cwd}
}
