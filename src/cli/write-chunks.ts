/**
 * A large output (convert's YAML or JSON at thousands of Ingresses) written chunk by chunk, as serialize.ts makes it.
 * Node writes to a file or a terminal synchronously, but hands a pipe what its reader has not taken yet as a copy (up
 * to three bytes per character of a string) kept until the reader takes it: the whole text at once is then held twice,
 * for as long as the reader takes. Waiting for 'drain' where the stream asks for it (a pipe) keeps one chunk in
 * flight; a file or a terminal never asks, so their writes take no extra turn of the event loop.
 *
 * A stream that fails (a reader that is gone: EPIPE) ends the writing; the stream reports the error as it did for one
 * write of the whole text (oclif ignores EPIPE on stdout, @oclif/core lib/command.js).
 */
export interface ChunkStream {
  write(chunk: string): boolean
  readonly destroyed: boolean
  readonly writableNeedDrain: boolean
  readonly writableErrored?: Error | null
  once(event: 'drain' | 'close', listener: () => void): unknown
  off(event: 'drain' | 'close', listener: () => void): unknown
}

export async function writeChunks(stream: ChunkStream, chunks: readonly string[]): Promise<void> {
  for (const chunk of chunks) {
    if (failed(stream)) return
    if (!stream.write(chunk) && stream.writableNeedDrain && !failed(stream)) await drained(stream)
  }
}

function failed(stream: ChunkStream): boolean {
  return stream.destroyed || (stream.writableErrored ?? null) !== null
}

/** Resolves at 'drain', or at 'close' (the stream failed or was closed: nothing more is written). */
function drained(stream: ChunkStream): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off('drain', done)
      stream.off('close', done)
      resolve()
    }
    stream.once('drain', done)
    stream.once('close', done)
  })
}
