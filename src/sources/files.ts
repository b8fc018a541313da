/**
 * The file I/O edge: expands paths (files, directories, `-` for stdin), reads them and hands the text to
 * the pure parser. Problems are diagnostics; a bad path never stops the other paths.
 */
import {promises as fs} from 'node:fs'
import path from 'node:path'
import type {Diagnostic, InputObject, SourceLocation} from '../model/types.js'
import {diagnostic} from '../model/catalogue/diagnostic.js'
import {
  dedupeObjects,
  mergeSkipped,
  parseManifestFile,
  skippedKindDiagnostics,
  type ParseOptions,
  type ParsedManifests,
  type SkippedKind,
} from './parse-manifests.js'

export interface FileInputOptions extends ParseOptions {
  recursive: boolean
  readStdin?: () => Promise<string>
}

/** How stdin is named in diagnostics and source locations. */
export const STDIN_NAME = '<stdin>'

const MANIFEST_EXT = /\.(ya?ml|json)$/i

type Entry = {kind: 'file'; path: string} | {kind: 'stdin'} | {kind: 'diagnostic'; diagnostic: Diagnostic}

function errorText(err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory'
    case 'EACCES':
    case 'EPERM':
      return 'permission denied'
    case 'EISDIR':
      return 'is a directory'
    case 'ENOTDIR':
      return 'a parent of the path is not a directory'
    case 'ELOOP':
      return 'too many levels of symbolic links'
    default: {
      const msg = err instanceof Error ? err.message : String(err)
      return msg.split('\n')[0]
    }
  }
}

function unreadable(p: string, err: unknown, action: 'read' | 'list' = 'read'): Diagnostic {
  const where = {source: {file: p}}
  if ((err as NodeJS.ErrnoException)?.code === 'ENOENT') return diagnostic('input-not-found', {path: p}, where)
  return diagnostic('input-unreadable', {path: p, action, error: errorText(err)}, where)
}

function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** Manifest files under a directory, in name order; subdirectories only when recursive. Hidden entries are skipped. */
async function expandDirectory(dir: string, recursive: boolean, visited: Set<string>, out: Entry[]): Promise<void> {
  let real: string
  let names: string[]
  try {
    real = await fs.realpath(dir)
    if (visited.has(real)) return // symlink loop or the same directory twice
    visited.add(real)
    names = (await fs.readdir(dir)).sort(byName)
  } catch (err) {
    out.push({kind: 'diagnostic', diagnostic: unreadable(dir, err, 'list')})
    return
  }
  let skippedDirs = 0
  for (const name of names) {
    if (name.startsWith('.')) continue // .git, .github workflows, editor files: never manifests
    const full = path.join(dir, name)
    let stat
    try {
      stat = await fs.stat(full)
    } catch (err) {
      out.push({kind: 'diagnostic', diagnostic: unreadable(full, err)})
      continue
    }
    if (stat.isDirectory()) {
      if (recursive) await expandDirectory(full, recursive, visited, out)
      else skippedDirs++
    } else if (stat.isFile() && MANIFEST_EXT.test(name)) {
      out.push({kind: 'file', path: full})
    }
  }
  if (skippedDirs > 0) {
    out.push({
      kind: 'diagnostic',
      diagnostic: diagnostic('subdirectories-skipped', {dir, count: skippedDirs}, {source: {file: dir}}),
    })
  }
}

async function expandPaths(paths: string[], recursive: boolean): Promise<Entry[]> {
  const out: Entry[] = []
  const visited = new Set<string>()
  for (const p of paths) {
    if (p === '-') {
      out.push({kind: 'stdin'})
      continue
    }
    let stat
    try {
      stat = await fs.stat(p)
    } catch (err) {
      out.push({kind: 'diagnostic', diagnostic: unreadable(p, err)})
      continue
    }
    if (stat.isDirectory()) await expandDirectory(p, recursive, visited, out)
    else out.push({kind: 'file', path: p})
  }
  return out
}

/**
 * Reads manifests from files, directories and `-` (stdin, through options.readStdin), in the order given
 * (directory entries in name order). Never throws for bad input: unreadable paths are error diagnostics.
 */
export async function readFileInputs(
  paths: string[],
  options: FileInputOptions,
): Promise<ParsedManifests & {filesRead: number}> {
  const parseOptions: ParseOptions = {
    defaultNamespace: options.defaultNamespace,
    namespaceExplicit: options.namespaceExplicit,
    defaultNamespaceOrigin: options.defaultNamespaceOrigin,
    keepConverted: options.keepConverted,
    keepGatewayKinds: options.keepGatewayKinds,
  }
  const objects: InputObject[] = []
  const converted: InputObject[] = []
  const diagnostics: Diagnostic[] = []
  const skipped = new Map<string, SkippedKind>()
  const seenObjects = new Map<string, SourceLocation>()
  const readFiles = new Set<string>()
  let stdinRead = false
  let filesRead = 0

  const consume = (text: string, name: string) => {
    filesRead++
    const parsed = parseManifestFile(text, name, parseOptions)
    // Loops, not push(...): one file of a large cluster (kubectl get -A -o json) holds more objects than a call
    // takes arguments.
    for (const d of parsed.diagnostics) diagnostics.push(d)
    for (const o of dedupeObjects(parsed.objects, seenObjects, diagnostics)) objects.push(o)
    for (const c of parsed.converted ?? []) converted.push(c)
    mergeSkipped(skipped, parsed.skipped)
  }

  for (const entry of await expandPaths(paths, options.recursive)) {
    if (entry.kind === 'diagnostic') {
      diagnostics.push(entry.diagnostic)
      continue
    }
    if (entry.kind === 'stdin') {
      if (stdinRead) continue
      stdinRead = true
      if (!options.readStdin) {
        diagnostics.push(diagnostic('input-unreadable', {path: '-', stdin: 'unavailable'}, {source: {file: STDIN_NAME}}))
        continue
      }
      let text: string
      try {
        text = await options.readStdin()
      } catch (err) {
        diagnostics.push(unreadable(STDIN_NAME, err))
        continue
      }
      consume(text, STDIN_NAME)
      continue
    }
    const resolved = path.resolve(entry.path)
    if (readFiles.has(resolved)) continue // given twice (e.g. as a file and through its directory)
    readFiles.add(resolved)
    let text: string
    try {
      // One decoding of the whole file: readFile(path, 'utf8') decodes it 512 KiB at a time and concatenates the pieces
      // into a rope that the parser's first look flattens, a second copy.
      text = (await fs.readFile(entry.path)).toString('utf8')
    } catch (err) {
      diagnostics.push(unreadable(entry.path, err))
      continue
    }
    consume(text, entry.path)
  }

  diagnostics.push(...skippedKindDiagnostics(skipped.values()))

  if (objects.length === 0 && converted.length === 0) {
    diagnostics.push(diagnostic('empty-input', {paths: [...paths], filesRead}))
  }

  return {objects, diagnostics, filesRead, ...(options.keepConverted ? {converted} : {})}
}
