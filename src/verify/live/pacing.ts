/**
 * Pacing of live probes: a token bucket for the rate and a bounded worker pool for concurrency, so verify never
 * floods a production data plane. Time comes from an injectable Clock, which makes the rate exact under test.
 * Pure: no I/O.
 */

/** Milliseconds and a way to wait for them. */
export interface Clock {
  now(): number
  sleep(ms: number): Promise<void>
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
}

/**
 * A token bucket: `ratePerSecond` tokens a second, at most `burst` kept. take() resolves when a token is available;
 * concurrent callers are served in call order, each waiting for its own token.
 */
export class TokenBucket {
  private tokens: number
  private last: number
  private queue: Promise<void> = Promise.resolve()

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly clock: Clock,
  ) {
    if (!(ratePerSecond > 0) || !Number.isFinite(ratePerSecond)) throw new RangeError(`rate must be a positive number of requests per second, got ${ratePerSecond}`)
    if (!Number.isInteger(burst) || burst < 1) throw new RangeError(`burst must be a whole number >= 1, got ${burst}`)
    this.tokens = burst
    this.last = clock.now()
  }

  take(): Promise<void> {
    const turn = this.queue.then(() => this.takeInTurn())
    this.queue = turn.catch(() => undefined)
    return turn
  }

  private async takeInTurn(): Promise<void> {
    this.refill()
    if (this.tokens < 1) {
      await this.clock.sleep(((1 - this.tokens) * 1000) / this.ratePerSecond)
      this.refill()
      // A clock may wake early by rounding; the token is owed to this caller either way.
      this.tokens = Math.max(this.tokens, 1)
    }
    this.tokens -= 1
  }

  private refill(): void {
    const now = this.clock.now()
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.ratePerSecond) / 1000)
    this.last = now
  }
}

/** Runs `work` over `items` with at most `parallel` running at once; results in item order. */
export async function mapBounded<T, R>(items: readonly T[], parallel: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  if (!Number.isInteger(parallel) || parallel < 1) throw new RangeError(`parallel must be a whole number >= 1, got ${parallel}`)
  const results = new Array<R>(items.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++
      results[index] = await work(items[index], index)
    }
  }
  await Promise.all(Array.from({length: Math.min(parallel, items.length)}, worker))
  return results
}
