/**
 * convert's output written chunk by chunk (src/cli/write-chunks.ts): a pipe is waited for ('drain') so that one chunk
 * is in flight, a synchronous stream (a file, a terminal) is written with no wait, and a stream that fails ends the
 * writing without hanging. Through the CLI: a reader that takes its time gets every byte, one that is gone (EPIPE)
 * ends the run quietly with status 0, as the single write of the whole text did.
 */
import test from 'ava'
import {execFile, spawn} from 'node:child_process'
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {Writable} from 'node:stream'
import {writeChunks} from '../src/cli/write-chunks.js'
import {generateFixture} from '../scripts/bench/fixture.js'
import {fixtureYaml} from '../scripts/bench/stages.js'
import {tempDir} from './support/cluster-helpers.js'
import {ROOT} from './support/run-cli.js'

const chunks = Array.from({length: 20}, (_, i) => `${String(i).padStart(3, '0')}${'x'.repeat(97)}\n`)

/** A stream that takes a chunk per turn of the event loop, as a pipe whose reader is slower than the writer. */
function slowStream(failAt?: number) {
  const written: string[] = []
  let maxPending = 0
  const stream = new Writable({
    highWaterMark: 16,
    decodeStrings: false,
    write(chunk: string, _encoding, callback) {
      if (failAt !== undefined && written.length === failAt) return setImmediate(() => callback(Object.assign(new Error('write EPIPE'), {code: 'EPIPE'})))
      written.push(chunk)
      setImmediate(callback)
    },
  })
  const write = stream.write.bind(stream)
  stream.write = ((chunk: string) => {
    const ok = write(chunk)
    maxPending = Math.max(maxPending, stream.writableLength)
    return ok
  }) as typeof stream.write
  return {stream, written, maxPending: () => maxPending}
}

test('a slow stream gets every chunk in order, with at most one waiting in memory', async (t) => {
  const {stream, written, maxPending} = slowStream()
  await writeChunks(stream, chunks)
  t.is(written.join(''), chunks.join(''))
  t.true(maxPending() <= chunks[0].length, `${maxPending()} characters were waiting`)
})

test('without the wait the same stream would hold every chunk at once (what the test above rules out)', (t) => {
  const {stream, maxPending} = slowStream()
  for (const c of chunks) stream.write(c)
  t.is(maxPending(), chunks.join('').length)
})

test('a synchronous stream is written whole before writeChunks first yields', (t) => {
  const written: string[] = []
  const stream = new Writable({decodeStrings: false, write: (chunk: string, _e, callback) => (written.push(chunk), callback())})
  // a file or terminal: Node completes the write at once and never asks for 'drain'
  const done = writeChunks(stream, chunks)
  t.is(written.join(''), chunks.join(''), 'no wait between the chunks')
  return done
})

test('a stream that fails ends the writing: the promise settles and nothing more is written', async (t) => {
  const {stream, written} = slowStream(3)
  const errors: string[] = []
  stream.on('error', (e: NodeJS.ErrnoException) => errors.push(String(e.code)))
  await writeChunks(stream, chunks)
  t.is(written.length, 3)
  t.deepEqual(errors, ['EPIPE'])
})

// --- through the CLI: 300 Ingresses write about 0.6 MB of YAML, many chunks and many times a pipe's capacity

const BIN = join(ROOT, 'bin', 'kubectl-ingress2gw')

function fixtureFile(t: import('ava').ExecutionContext): string {
  const file = join(tempDir(t), 'ingresses.yaml')
  writeFileSync(file, fixtureYaml(generateFixture(300).objects))
  return file
}

test('convert through a pipe whose reader pauses gets the bytes convert writes to a file', async (t) => {
  const file = fixtureFile(t)
  const whole = await new Promise<string>((resolve, reject) =>
    execFile(process.execPath, [BIN, 'convert', '-f', file, '-q'], {maxBuffer: 64 << 20}, (err, stdout) => (err ? reject(err) : resolve(stdout))),
  )
  t.true(whole.length > 500_000, `${whole.length} bytes`)
  const child = spawn(process.execPath, [BIN, 'convert', '-f', file, '-q'], {stdio: ['ignore', 'pipe', 'pipe']})
  const parts: Buffer[] = []
  child.stdout.on('data', (b: Buffer) => {
    parts.push(b)
    // a reader slower than the writer: the pipe fills and convert waits for it
    child.stdout.pause()
    setTimeout(() => child.stdout.resume(), 2)
  })
  let stderr = ''
  child.stderr.on('data', (b: Buffer) => (stderr += String(b)))
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  t.is(code, 0, stderr)
  t.is(Buffer.concat(parts).toString('utf8'), whole)
})

test('convert into a pipe whose reader is gone (| head) goes on quietly to its end, as the single write did', async (t) => {
  const file = fixtureFile(t)
  // --fail-on approximate trips on this input: its message comes after the output, its status is the run's
  const child = spawn(process.execPath, [BIN, 'convert', '-f', file, '--fail-on', 'approximate'], {stdio: ['ignore', 'pipe', 'pipe']})
  child.stdout.once('data', () => child.stdout.destroy())
  let stderr = ''
  child.stderr.on('data', (b: Buffer) => (stderr += String(b)))
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  t.is(code, 1, stderr)
  t.notRegex(stderr, /EPIPE|Error:|^\s+at .*:\d+:\d+\)?$/m)
  t.regex(stderr, /\nerror: --fail-on approximate: \d+ of 300 Ingress\(es\) are approximate or worse: .*\n$/)
})
