/** Helpers for the live verify tests: a virtual clock, data planes played by servers on 127.0.0.1. */
import http from 'node:http'
import https from 'node:https'
import type {AddressInfo, Socket} from 'node:net'
import type {Clock} from '../../src/verify/live/pacing.js'

/** A clock that only moves when someone sleeps: every wait is recorded and takes no real time. */
export function virtualClock(): Clock & {sleeps: number[]; advance(ms: number): void} {
  let now = 0
  const sleeps: number[] = []
  return {
    sleeps,
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms)
      now += ms
    },
    advance: (ms) => {
      now += ms
    },
  }
}

export interface TestServer {
  port: number
  /** Requests seen, in arrival order: method, Host header, path. */
  seen: Array<{method: string; host: string; path: string}>
  close(): Promise<void>
}

/** Starts an HTTP (or, with tls options, HTTPS) server on 127.0.0.1 on a free port; close() ends every connection. */
export async function startServer(handler: http.RequestListener, tlsOptions?: https.ServerOptions): Promise<TestServer> {
  const seen: TestServer['seen'] = []
  const sockets = new Set<Socket>()
  const listener: http.RequestListener = (req, res) => {
    seen.push({method: req.method ?? '', host: req.headers.host ?? '', path: req.url ?? ''})
    handler(req, res)
  }
  const server = tlsOptions === undefined ? http.createServer(listener) : https.createServer(tlsOptions, listener)
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as AddressInfo).port,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}

/** A port on 127.0.0.1 nobody listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = http.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const {port} = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/** nginx's built-in error page as ngx_http_special_response.c assembles it (page, then tail), server-tokens off. */
export const nginxPage = (status: number, reason: string, tail = 'nginx'): string =>
  `<html>\r\n<head><title>${status} ${reason}</title></head>\r\n<body>\r\n<center><h1>${status} ${reason}</h1></center>\r\n<hr><center>${tail}</center>\r\n</body>\r\n</html>\r\n`
