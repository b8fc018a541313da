/** Live verify pacing: the token bucket under an injected clock (exact, no timing), the bounded pool. */
import test from 'ava'
import {mapBounded, TokenBucket} from '../../src/verify/live/pacing.js'
import {virtualClock} from './live-support.js'

test('concurrent takes at 10 per second with burst 1 are released 100 ms apart, in call order', async (t) => {
  const clock = virtualClock()
  const bucket = new TokenBucket(10, 1, clock)
  const released: Array<[number, number]> = []
  await Promise.all([0, 1, 2, 3, 4].map((i) => bucket.take().then(() => released.push([i, clock.now()]))))
  t.deepEqual(released, [[0, 0], [1, 100], [2, 200], [3, 300], [4, 400]])
  t.deepEqual(clock.sleeps, [100, 100, 100, 100])
})

test('a burst of 3 lets three go at once, then the rate holds', async (t) => {
  const clock = virtualClock()
  const bucket = new TokenBucket(20, 3, clock)
  const released: number[] = []
  await Promise.all(Array.from({length: 6}, () => bucket.take().then(() => released.push(clock.now()))))
  t.deepEqual(released, [0, 0, 0, 50, 100, 150])
})

test('idle time refills the bucket up to the burst and no further', async (t) => {
  const clock = virtualClock()
  const bucket = new TokenBucket(4, 2, clock)
  await bucket.take()
  await bucket.take()
  clock.advance(10_000)
  const released: number[] = []
  for (let i = 0; i < 3; i++) {
    await bucket.take()
    released.push(clock.now())
  }
  t.deepEqual(released, [10_000, 10_000, 10_250], 'two tokens kept after a long idle, the third waits 1/4 s')
})

test('a partly refilled bucket waits only for the missing part of a token', async (t) => {
  const clock = virtualClock()
  const bucket = new TokenBucket(10, 1, clock)
  await bucket.take()
  clock.advance(30)
  await bucket.take()
  t.deepEqual(clock.sleeps, [70])
})

test('bucket parameters out of range are refused', (t) => {
  const clock = virtualClock()
  t.throws(() => new TokenBucket(0, 1, clock), {message: /rate must be a positive number/})
  t.throws(() => new TokenBucket(Number.NaN, 1, clock), {message: /rate must be a positive number/})
  t.throws(() => new TokenBucket(5, 0, clock), {message: /burst must be a whole number >= 1/})
})

test('mapBounded never runs more than `parallel` at once, reaches it, and keeps item order', async (t) => {
  let running = 0
  let most = 0
  const gates: Array<() => void> = []
  const done = mapBounded([1, 2, 3, 4, 5, 6, 7], 3, async (item) => {
    running++
    most = Math.max(most, running)
    await new Promise<void>((resolve) => gates.push(resolve))
    running--
    return item * 10
  })
  // Release the held items one at a time, last started first, until all are done.
  while (gates.length > 0 || running > 0) {
    await new Promise((resolve) => setImmediate(resolve))
    gates.pop()?.()
  }
  t.deepEqual(await done, [10, 20, 30, 40, 50, 60, 70])
  t.is(most, 3)
  await t.throwsAsync(mapBounded([1], 0, async () => 1), {message: /parallel must be a whole number >= 1/})
})
