/**
 * Runs a CommonJS script of the one-file build (dist/bundle/*.cjs, scripts/bundle.ts) with V8's code cache, built into
 * dist/bundle/code-cache.cjs. Node 20 keeps no compiled code between runs (module.enableCompileCache is Node >= 22.1,
 * and covers no vm.Script), and compiling the bundle is most of what a small `convert -f` costs beyond Node's own
 * start. So the script is compiled here with `new vm.Script(source, {cachedData})`, and the cache is written when it
 * was absent or V8 rejected it, at process exit, so that it holds the functions the command compiled lazily too.
 *
 * V8 checks a cache against the source only by its length (besides V8's version and flags): a cache made for other
 * bytes of the same length would run stale code. The cache file is therefore named by the script's CRC-32 and length,
 * V8's version and the architecture. Nor does V8 check the bytecode it deserialises (its checksum is verified only
 * under --verify-snapshot-checksum, off in release builds: SerializedCodeData::SanityCheckWithoutSource in V8's
 * src/snapshot/code-serializer.cc), and a cache with a few bytes changed crashes the process (V8_Fatal, SIGSEGV) at
 * every start; so the file begins with the CRC-32 of V8's data, and a file whose data does not match is not used.
 * It lives in the folder bin/kubectl-ingress2gw names (the user's own cache folder, never a shared temporary one where
 * another user could plant compiled code), is used only when that folder belongs to this user and no one else may
 * write to it, and only when the file opened (not the path checked before: a folder above that others may write to
 * could be swapped in between) is a plain file of this user's that no one else may write to, linked once; it is
 * written atomically (a new file of mode 0600, renamed).
 * Every failure (no home folder, a read-only one, a corrupt or truncated cache) runs the script without the cache,
 * silently. INGRESS2GW_CODE_CACHE=0 turns the cache off; INGRESS2GW_CODE_CACHE_DEBUG=1 says on stderr what happened.
 */
import {closeSync, constants, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, statSync, unlinkSync, writeFileSync, type Stats} from 'node:fs'
import {createRequire} from 'node:module'
import {basename, dirname, join} from 'node:path'
import vm from 'node:vm'
import {crc32} from 'node:zlib'

/** Node's CommonJS wrapper (one line, so the script's line numbers stay those of its file). */
const WRAPPER_START = '(function (exports, require, module, __filename, __dirname) { '
const WRAPPER_END = '\n})'

/** How old a cache of other bytes or another Node is when a new cache of the same script removes it. */
const STALE_MS = 7 * 24 * 3600 * 1000
/** How old a temporary file of a write is when it is a leftover: a write takes well under a second. */
const TEMPORARY_STALE_MS = 3600 * 1000

let cacheDir: string | undefined

/** The folder for the caches of the scripts run from now on (bin/kubectl-ingress2gw), or undefined for none. */
export function setCodeCacheDir(dir: string | undefined): void {
  cacheDir = process.env.INGRESS2GW_CODE_CACHE === '0' ? undefined : dir
}

function debug(message: string): void {
  if (process.env.INGRESS2GW_CODE_CACHE_DEBUG === '1') process.stderr.write(`code cache: ${message}\n`)
}

/** Whether `st` is this user's and no one else may write to it (POSIX); true where there are no owners (Windows). */
function ownedPrivately(st: Stats): boolean {
  if (process.getuid === undefined) return true
  return st.uid === process.getuid() && (st.mode & 0o022) === 0
}

/** Whether the folder `dir` is this user's and no one else may write to it. */
function privateFolder(dir: string): boolean {
  const st = statSync(dir)
  return st.isDirectory() && ownedPrivately(st)
}

/**
 * Whether the opened file is one this user wrote and no one else may change: a plain file of this user's, not writable
 * by others, with no second name (a hard link made elsewhere by whoever may write there).
 */
function privateFile(st: Stats): boolean {
  return st.isFile() && ownedPrivately(st) && (process.getuid === undefined || st.nlink === 1)
}

/** Before V8's data in a cache file: its CRC-32 (uint32, little-endian). */
const HEADER_BYTES = 4

const hex8 = (n: number) => n.toString(16).padStart(8, '0')

/**
 * The cache file of a script with these bytes, under this Node and these options. V8 rejects a cache made under other
 * V8 flags (its flag hash: --max-old-space-size in NODE_OPTIONS is one), and the cache written anew then is rejected
 * by the next run without them: runs with and without such options in turn would compile everything every time. So
 * the name carries a CRC-32 of Node's options (more than V8's flags: an extra cache at worst, never a wrong one).
 */
function cacheName(file: string, bytes: Buffer): string {
  const options = hex8(crc32(JSON.stringify([process.execArgv, process.env.NODE_OPTIONS ?? ''])))
  return `${basename(file)}-${hex8(crc32(bytes))}-${bytes.length}-${process.versions.v8}-${process.arch}-${options}.v8cache`
}

/** The cache's V8 data, or undefined: none yet, the folder or the file not private, unreadable, damaged. */
function readCache(dir: string, name: string): Buffer | undefined {
  let fd: number | undefined
  try {
    if (!privateFolder(dir)) {
      debug(`${dir} is not this user's alone: not used`)
      return undefined
    }
    // O_NOFOLLOW: the file itself a symbolic link is refused (ELOOP); Windows has no such flag.
    fd = openSync(join(dir, name), constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0))
    const st = fstatSync(fd)
    if (!privateFile(st)) {
      debug(`${name}: not this user's alone: not used`)
      return undefined
    }
    const bytes = Buffer.allocUnsafe(st.size)
    let read = 0
    while (read < bytes.length) {
      const n = readSync(fd, bytes, read, bytes.length - read, null)
      if (n === 0) break
      read += n
    }
    const data = bytes.subarray(HEADER_BYTES, read)
    if (read < HEADER_BYTES || bytes.readUInt32LE(0) !== crc32(data)) {
      debug(`${name}: damaged`)
      return undefined
    }
    return data
  } catch (error) {
    debug(`${name}: ${(error as NodeJS.ErrnoException).code ?? error}`)
    return undefined
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}

/** Writes the script's code cache as it stands now (with the functions compiled so far): a private file, renamed. */
function writeCache(script: vm.Script, dir: string, file: string, name: string): void {
  const path = join(dir, name)
  const temporary = `${path}.${process.pid}-${Math.random().toString(36).slice(2)}.tmp`
  try {
    mkdirSync(dir, {recursive: true, mode: 0o700})
    if (!privateFolder(dir)) return debug(`${dir} is not this user's alone: not written`)
    const data = script.createCachedData()
    const header = Buffer.alloc(HEADER_BYTES)
    header.writeUInt32LE(crc32(data))
    const fd = openSync(temporary, 'wx', 0o600)
    try {
      writeFileSync(fd, Buffer.concat([header, data]))
    } finally {
      closeSync(fd)
    }
    renameSync(temporary, path)
    debug(`${name}: written`)
    removeStale(dir, basename(file), name)
  } catch (error) {
    debug(`${name}: not written (${(error as NodeJS.ErrnoException).code ?? error})`)
    try {
      unlinkSync(temporary)
    } catch {
      // never created
    }
  }
}

/**
 * A cache is written once and then used as it is, with the functions the run that wrote it compiled: written by a run
 * that stopped early (exit status 2: the input, a flag or the cluster could not be read) it held little more than the
 * start, and every later convert compiled the rest (a small convert: 847M instructions instead of 748M, Node 20). So
 * such a run writes none and leaves it to the next (0 ok, 1 a gate tripped or differences found: the command ran).
 */
function writeAfter(code: number, script: vm.Script, dir: string, file: string, name: string): void {
  if (code > 1) return debug(`${name}: not written (exit status ${code})`)
  writeCache(script, dir, file, name)
}

/**
 * Removes the old caches of the same script (other bytes or another Node) once they are a week old, so that upgrades
 * leave none behind for long while two installations or Node versions used in turn do not remove each other's; and the
 * temporary files of writes that never got to their rename (the process killed in between) once they are an hour old,
 * which no write in progress is.
 */
function removeStale(dir: string, script: string, name: string): void {
  let others: string[]
  try {
    others = readdirSync(dir)
  } catch {
    return
  }
  for (const other of others) {
    if (other === name || !other.startsWith(`${script}-`)) continue
    const maxAge = other.endsWith('.v8cache') ? STALE_MS : other.endsWith('.tmp') ? TEMPORARY_STALE_MS : undefined
    if (maxAge === undefined) continue
    try {
      const path = join(dir, other)
      if (Date.now() - statSync(path).mtimeMs > maxAge) unlinkSync(path)
    } catch {
      // another process removed it first
    }
  }
}

/**
 * Runs the CommonJS script `file` (an absolute path) as Node would run it as a module, and returns its exports.
 * `require` resolves from the script's folder.
 */
export function runScript(file: string): unknown {
  const bytes = readFileSync(file)
  // zlib.crc32 is Node >= 20.15 (engines asks for 20.19; without it, no cache rather than no start)
  const dir = typeof crc32 === 'function' ? cacheDir : undefined
  const name = dir === undefined ? undefined : cacheName(file, bytes)
  const cachedData = dir === undefined || name === undefined ? undefined : readCache(dir, name)
  const script = new vm.Script(WRAPPER_START + bytes.toString('utf8') + WRAPPER_END, {filename: file, cachedData})
  if (dir !== undefined && name !== undefined) {
    debug(`${name}: ${cachedData === undefined ? 'absent' : script.cachedDataRejected ? 'rejected' : 'accepted'}`)
    if (cachedData === undefined || script.cachedDataRejected) process.once('exit', (code) => writeAfter(code, script, dir, file, name))
  }
  const module = {exports: {}, id: file, filename: file, loaded: false}
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void
  wrapper.call(module.exports, module.exports, createRequire(file), module, file, dirname(file))
  module.loaded = true
  return module.exports
}
