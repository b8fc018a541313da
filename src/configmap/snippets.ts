import type {ConfigMapFamily, ConfigMapSpec} from './types.js'
import {routeDefaultNotice} from './context.js'

const snippet = {level: 'warning', code: 'configmap-snippet'} as const

const raw = (key: string, where: string): ConfigMapSpec => ({
  key,
  summary: `Raw nginx configuration (${where})`,
  fidelity: 'manual',
  target: 'none',
  default: '',
  onInvalid: 'as-written',
  notice: snippet,
  note: `is raw nginx ${key === 'stream-snippet' ? 'stream configuration' : `configuration ${where === 'main' || where === 'http' ? `(${where} context)` : `added to every ${where}`}`}; review what it did: it has no declarative equivalent`,
})

/** main-, http-, server-, location-, stream- and modsecurity-snippet, and the WAF: raw nginx, to be reviewed by hand. */
export const snippetsFamily: ConfigMapFamily = {
  name: 'snippets',
  specs: [
    raw('main-snippet', 'main'),
    raw('http-snippet', 'http'),
    raw('server-snippet', 'server'),
    raw('location-snippet', 'location'),
    raw('stream-snippet', 'stream'),
    {key: 'modsecurity-snippet', summary: 'Raw ModSecurity configuration', fidelity: 'manual', target: 'none', default: '', onInvalid: 'as-written', notice: snippet, note: 'is raw ModSecurity configuration; it has no Envoy Gateway equivalent'},
    {key: 'enable-modsecurity', summary: 'ModSecurity WAF', fidelity: 'manual', target: 'none', default: 'false', onInvalid: 'default', notice: routeDefaultNotice('manual'), note: 'ran the ModSecurity WAF; Envoy Gateway has no built-in WAF (consider an ext_proc/Wasm WAF such as Coraza)'},
    {key: 'enable-owasp-modsecurity-crs', summary: 'OWASP core rule set', fidelity: 'manual', target: 'none', default: 'false', onInvalid: 'default', notice: routeDefaultNotice('manual'), note: 'loaded the OWASP core rule set; see enable-modsecurity'},
  ],
}
