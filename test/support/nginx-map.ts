/**
 * Real nginx as the oracle for block-user-agents / block-referers: the two maps rendered as nginx.tmpl renders
 * them (`map $http_user_agent $block_ua { default 0; <entry> 1; ... }`, each entry trimmed and unquoted), a server
 * per header whose `if ($block_ua) { return 403; }` stands at server level as in nginx.tmpl, and requests with the
 * header values of a decision table. Debian's nginx (nginx-light has the map module and PCRE); .ci/run installs it.
 */
import {spawn, spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import http from 'node:http'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {freePort} from './real-nginx.js'

/** One map as nginx.tmpl writes it for a list (template/configmap.go splitAndTrimSpace entries). */
export function renderMap(variable: string, result: string, entries: string[]): string {
  return [`map ${variable} ${result} {`, '    default 0;', '', ...entries.map((e) => `    ${e.trim()} 1;`), '}'].join('\n')
}

function conf(dir: string, port: number, maps: string): string {
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `${t}_temp_path ${dir};`).join(' ')
  return [
    `daemon off; master_process off; worker_processes 1; pid ${join(dir, 'nginx.pid')}; error_log ${join(dir, 'error.log')} warn;`,
    'events { worker_connections 32; }',
    `http { access_log off; ${temp}`,
    maps,
    `server { listen 127.0.0.1:${port}; server_name ua.test; if ($block_ua) { return 403; } location / { return 200; } }`,
    `server { listen 127.0.0.1:${port}; server_name ref.test; if ($block_ref) { return 403; } location / { return 200; } }`,
    '}',
  ].join('\n')
}

/** Whether `nginx -t` accepts the configuration with these maps (false: the controller would not have reloaded). */
export function nginxAccepts(nginx: string, maps: string): {ok: boolean; stderr: string} {
  const dir = mkdtempSync(join(tmpdir(), 'i2gw-map-'))
  try {
    writeFileSync(join(dir, 'nginx.conf'), conf(dir, 1, maps))
    const r = spawnSync(nginx, ['-t', '-q', '-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], {encoding: 'utf8', timeout: 10_000})
    return {ok: r.status === 0, stderr: r.stderr}
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}

/** nginx's minor version (1.22 -> 22): from 1.23 repeated headers are joined with ", " in $http_* variables. */
export function nginxMinor(nginx: string): number {
  const r = spawnSync(nginx, ['-v'], {encoding: 'utf8', timeout: 10_000})
  return Number(/nginx\/1\.(\d+)/.exec(r.stderr)?.[1] ?? 0)
}

/** The status nginx answers; `values` undefined: the header is not sent, several: one header line each. */
function status(port: number, host: string, header: string, values: string[] | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | string[]> = {host, connection: 'close'}
    if (values !== undefined) headers[header] = values.length === 1 ? values[0] : values
    const req = http.request({host: '127.0.0.1', port, path: '/', method: 'GET', headers, timeout: 5000}, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? 0))
    })
    req.on('timeout', () => req.destroy(new Error('timeout')))
    req.on('error', reject)
    req.end()
  })
}

export interface MapNginx {
  /** 403 or 200 for a request to the server of `header` (user-agent or referer). */
  status(header: 'user-agent' | 'referer', values: string[] | undefined): Promise<number>
  stop(): Promise<void>
}

/** nginx with the two maps on 127.0.0.1 (one process, its own prefix, killed after 120 s at the latest). */
export async function startMapNginx(nginx: string, maps: string): Promise<MapNginx> {
  const dir = mkdtempSync(join(tmpdir(), 'i2gw-map-'))
  const port = await freePort()
  writeFileSync(join(dir, 'nginx.conf'), conf(dir, port, maps))
  const child = spawn(nginx, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], {stdio: 'ignore'})
  const killer = setTimeout(() => child.kill('SIGKILL'), 120_000)
  const stop = async () => {
    clearTimeout(killer)
    if (child.exitCode === null) {
      child.kill('SIGTERM')
      await new Promise((r) => child.once('exit', r))
    }
    rmSync(dir, {recursive: true, force: true})
  }
  for (let i = 0; i < 50 && child.exitCode === null; i++) {
    try {
      await status(port, 'ua.test', 'user-agent', undefined)
      return {status: (header, values) => status(port, header === 'user-agent' ? 'ua.test' : 'ref.test', header, values), stop}
    } catch {
      await new Promise((r) => setTimeout(r, 100))
    }
  }
  await stop()
  throw new Error(`nginx did not listen on 127.0.0.1:${port}`)
}
