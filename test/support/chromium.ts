/**
 * Headless Chromium driven over the Chrome DevTools Protocol through --remote-debugging-pipe (file descriptors 3
 * and 4, NUL-terminated JSON messages): no WebSocket client and no port are needed. Debian's `chromium` (which
 * .ci/run installs) is started with a fresh profile and without background networking, so the only requests it
 * makes are the page's own.
 */
import {spawn, type ChildProcess} from 'node:child_process'
import {existsSync, mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {Readable, Writable} from 'node:stream'

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome']

export function findChromium(): string | undefined {
  const env = process.env.CHROMIUM_PATH
  if (env && existsSync(env)) return env
  return CANDIDATES.find((p) => existsSync(p))
}

type Handler = (params: any, sessionId?: string) => void

export class Browser {
  private nextId = 1
  private pending = new Map<number, {resolve: (v: any) => void; reject: (e: Error) => void; method: string}>()
  private handlers = new Map<string, Handler[]>()
  private buffer = ''
  private exited = false

  private constructor(
    private readonly child: ChildProcess,
    private readonly profile: string,
  ) {
    const out = child.stdio[4] as Readable
    out.setEncoding('utf8')
    out.on('data', (chunk: string) => this.receive(chunk))
    child.on('exit', () => {
      this.exited = true
      for (const p of this.pending.values()) p.reject(new Error(`chromium exited while waiting for ${p.method}`))
      this.pending.clear()
    })
  }

  static async launch(executable: string, size = {width: 1280, height: 1000}): Promise<Browser> {
    const profile = mkdtempSync(join(tmpdir(), 'i2g-chromium-'))
    const child = spawn(
      executable,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-dev-shm-usage',
        '--hide-scrollbars',
        '--mute-audio',
        `--window-size=${size.width},${size.height}`,
        `--user-data-dir=${profile}`,
        '--remote-debugging-pipe',
        'about:blank',
      ],
      {stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe']},
    )
    const browser = new Browser(child, profile)
    // The first answer proves the pipe is up (chromium prints nothing on stdout when it is).
    await browser.send('Browser.getVersion', {}, undefined, 30_000)
    return browser
  }

  private receive(chunk: string): void {
    this.buffer += chunk
    let end: number
    while ((end = this.buffer.indexOf('\0')) >= 0) {
      const message = JSON.parse(this.buffer.slice(0, end))
      this.buffer = this.buffer.slice(end + 1)
      if (message.id !== undefined) {
        const p = this.pending.get(message.id)
        if (!p) continue
        this.pending.delete(message.id)
        if (message.error) p.reject(new Error(`${p.method}: ${message.error.message}`))
        else p.resolve(message.result)
      } else {
        for (const h of this.handlers.get(message.method) ?? []) h(message.params, message.sessionId)
      }
    }
  }

  send(method: string, params: Record<string, unknown> = {}, sessionId?: string, timeoutMs = 30_000): Promise<any> {
    if (this.exited) return Promise.reject(new Error(`chromium is not running (${method})`))
    const id = this.nextId++
    const message = JSON.stringify({id, method, params, ...(sessionId ? {sessionId} : {})})
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id)
        reject(new Error(`${method}: no answer from chromium within ${timeoutMs} ms`))
      }, timeoutMs)
      this.pending.set(id, {
        method,
        resolve: (v) => (clearTimeout(timer), resolve(v)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      })
      ;(this.child.stdio[3] as Writable).write(message + '\0')
    })
  }

  on(event: string, handler: Handler): void {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), handler])
  }

  /** Resolves with the params of the next `event` (of `sessionId`) that `accept`s. */
  waitFor(event: string, sessionId?: string, timeoutMs = 30_000): Promise<any> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs)
      this.on(event, (params, sid) => {
        if (sessionId !== undefined && sid !== sessionId) return
        clearTimeout(timer)
        resolve(params)
      })
    })
  }

  /** A new tab, attached in flat mode: its commands carry the returned sessionId. */
  async newPage(): Promise<Page> {
    const {targetId} = await this.send('Target.createTarget', {url: 'about:blank'})
    const {sessionId} = await this.send('Target.attachToTarget', {targetId, flatten: true})
    return new Page(this, sessionId)
  }

  async close(): Promise<void> {
    if (!this.exited) {
      await this.send('Browser.close', {}, undefined, 10_000).catch(() => undefined)
      if (!this.exited) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => (this.child.kill('SIGKILL'), resolve()), 5_000)
          this.child.once('exit', () => (clearTimeout(timer), resolve()))
        })
      }
    }
    rmSync(this.profile, {recursive: true, force: true})
  }
}

export interface PageProblems {
  /** console.error / console.warn calls, uncaught exceptions, and browser log errors (CSP violations...). */
  console: string[]
  /** Every URL the page requested, its own document included. */
  requests: string[]
}

export class Page {
  readonly problems: PageProblems = {console: [], requests: []}

  constructor(
    readonly browser: Browser,
    readonly sessionId: string,
  ) {
    browser.on('Runtime.consoleAPICalled', (p, sid) => {
      if (sid !== sessionId || (p.type !== 'error' && p.type !== 'warning' && p.type !== 'assert')) return
      this.problems.console.push(`console.${p.type}: ${(p.args ?? []).map((a: any) => a.value ?? a.description).join(' ')}`)
    })
    browser.on('Runtime.exceptionThrown', (p, sid) => {
      if (sid === sessionId) this.problems.console.push(`exception: ${p.exceptionDetails?.exception?.description ?? p.exceptionDetails?.text}`)
    })
    browser.on('Log.entryAdded', (p, sid) => {
      if (sid === sessionId && (p.entry.level === 'error' || p.entry.level === 'warning')) this.problems.console.push(`log ${p.entry.source}: ${p.entry.text}`)
    })
    browser.on('Network.requestWillBeSent', (p, sid) => {
      if (sid === sessionId) this.problems.requests.push(p.request.url)
    })
  }

  send(method: string, params: Record<string, unknown> = {}): Promise<any> {
    return this.browser.send(method, params, this.sessionId)
  }

  async open(url: string): Promise<void> {
    for (const domain of ['Page', 'Runtime', 'Log', 'Network']) await this.send(`${domain}.enable`)
    const loaded = this.browser.waitFor('Page.loadEventFired', this.sessionId)
    const nav = await this.send('Page.navigate', {url})
    if (nav.errorText) throw new Error(`could not open ${url}: ${nav.errorText}`)
    await loaded
  }

  /** Evaluates an expression in the page and returns its JSON value (a thrown error fails the call). */
  async evaluate<T = any>(expression: string): Promise<T> {
    const r = await this.send('Runtime.evaluate', {expression, returnByValue: true, awaitPromise: true})
    if (r.exceptionDetails) throw new Error(`in the page: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`)
    return r.result.value as T
  }

  /** A real mouse click at the centre of the first element matching `selector` (scrolled into view first). */
  async click(selector: string): Promise<void> {
    const box = await this.evaluate<{x: number; y: number} | null>(`(() => {
      const el = document.querySelector(${JSON.stringify(selector)});
      if (!el) return null;
      el.scrollIntoView({block: 'center'});
      const r = el.getBoundingClientRect();
      return {x: r.left + r.width / 2, y: r.top + r.height / 2};
    })()`)
    if (!box) throw new Error(`no element matches ${selector}`)
    for (const type of ['mouseMoved', 'mousePressed', 'mouseReleased']) {
      await this.send('Input.dispatchMouseEvent', {type, x: box.x, y: box.y, button: 'left', clickCount: type === 'mouseMoved' ? 0 : 1})
    }
  }

  /** Focus an input and type into it as a user does (input events fire per insertion). */
  async type(selector: string, text: string): Promise<void> {
    await this.evaluate(`document.querySelector(${JSON.stringify(selector)}).focus()`)
    await this.send('Input.insertText', {text})
  }

  /** The viewport, or the part of the page an element covers (`selector`). */
  async screenshot(selector?: string): Promise<Buffer> {
    let clip: Record<string, number> | undefined
    if (selector) {
      clip = await this.evaluate(`(() => {
        const r = document.querySelector(${JSON.stringify(selector)}).getBoundingClientRect();
        return {x: r.left + window.scrollX, y: r.top + window.scrollY, width: r.width, height: r.height, scale: 1};
      })()`)
    }
    const {data} = await this.send('Page.captureScreenshot', {format: 'png', ...(clip ? {clip, captureBeyondViewport: true} : {})})
    return Buffer.from(data, 'base64')
  }
}
