import type {ConfigMapFamily} from './types.js'

const stream = (level: 'info') => ({level, code: 'configmap-stream-default' as const})

/** The defaults of tcp-services / udp-services proxying (stream-services.ts translates the services themselves). */
export const streamsFamily: ConfigMapFamily = {
  name: 'streams',
  specs: [
    {key: 'proxy-stream-timeout', summary: 'Idle timeout of TCP/UDP proxied connections', fidelity: 'approximate', target: 'none', default: '600s', onInvalid: 'as-written', notice: stream('info'), note: 'was the idle timeout of tcp-/udp-services connections (nginx default 600s); Envoy closes idle TCP connections after 1h unless a ClientTrafficPolicy on the TCP listener sets timeout.tcp.idleTimeout'},
    {key: 'proxy-stream-next-upstream', summary: 'Retry a failed TCP connection on another endpoint', fidelity: 'approximate', target: 'none', default: 'true', onInvalid: 'default', notice: stream('info'), note: 'retried another endpoint when a tcp-services connection failed; Envoy retries TCP connects to another endpoint by default too'},
    {key: 'proxy-stream-next-upstream-timeout', summary: 'Time limit for stream retries', fidelity: 'ignored', target: 'none', default: '600s', onInvalid: 'as-written', notice: stream('info'), note: 'limited stream connection retries; no Envoy Gateway equivalent'},
    {key: 'proxy-stream-next-upstream-tries', summary: 'Tries for stream connections', fidelity: 'ignored', target: 'none', default: '3', onInvalid: 'default', notice: stream('info'), note: 'limited stream connection retries; no Envoy Gateway equivalent'},
    {key: 'proxy-stream-responses', summary: 'UDP datagrams expected back', fidelity: 'ignored', target: 'none', default: '1', onInvalid: 'default', notice: stream('info'), note: 'set how many UDP datagrams nginx expected back; Envoy\'s UDP proxy has no such setting'},
  ],
}
