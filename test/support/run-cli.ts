/**
 * Runs a plugin command in-process (oclif's own entry point) with stdout/stderr captured. Callers must run
 * serially: the capture replaces process-wide writers.
 */
import {run} from '@oclif/core'
import {fileURLToPath} from 'node:url'

export const ROOT = fileURLToPath(new URL('../../', import.meta.url))

export interface CliResult {
  stdout: string
  stderr: string
  exitCode: number
}

export async function runCli(argv: string[], cwd?: string): Promise<CliResult> {
  const out: string[] = []
  const err: string[] = []
  const origOut = process.stdout.write.bind(process.stdout)
  const origErr = process.stderr.write.bind(process.stderr)
  const origCwd = process.cwd()
  const origExit = process.exitCode
  process.exitCode = undefined
  ;(process.stdout as any).write = (chunk: any) => (out.push(String(chunk)), true)
  ;(process.stderr as any).write = (chunk: any) => (err.push(String(chunk)), true)
  let exitCode = 0
  try {
    if (cwd) process.chdir(cwd)
    await run(argv, ROOT)
    exitCode = typeof process.exitCode === 'number' ? process.exitCode : 0
  } catch (error: any) {
    exitCode = error?.oclif?.exit ?? 1
    const isExit = typeof error?.message === 'string' && error.message.startsWith('EEXIT')
    if (error?.message && exitCode !== 0 && !isExit) err.push(String(error.message) + '\n')
  } finally {
    process.stdout.write = origOut
    process.stderr.write = origErr
    process.chdir(origCwd)
    process.exitCode = origExit
  }
  return {stdout: out.join(''), stderr: err.join(''), exitCode}
}
