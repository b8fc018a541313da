import {diagnostic} from '../model/catalogue/diagnostic.js'
import {parseGoInt} from '../model/go-decode.js'
import {toGatewayDuration} from '../model/units.js'
import type {ConfigMapContext, ConfigMapFamily, ConfigMapModel} from './types.js'

const noEffect = {fidelity: 'ignored', target: 'none', onInvalid: 'default', noEffect: true} as const

/**
 * client-header-timeout, keep-alive, keep-alive-requests -> ClientTrafficPolicy timeout.http / connection (the
 * client side); proxy-connect-timeout, proxy-read-timeout, proxy-send-timeout -> the Gateway-level
 * BackendTrafficPolicy timeout with --nginx-defaults (the backend side, the defaults of the proxy-*-timeout
 * annotations: proxy/main.go falls back to them).
 */
export const timeoutsFamily: ConfigMapFamily = {
  name: 'timeouts',
  specs: [
    {key: 'client-header-timeout', summary: 'Time to receive the request headers (408)', fidelity: 'approximate', target: 'ClientTrafficPolicy timeout.http.requestHeadersReceivedTimeout', default: '60', onInvalid: 'default', note: 'Envoy starts the timer at the first header byte, nginx when it waits for the request'},
    {key: 'client-body-timeout', summary: 'Time between two reads of the request body', fidelity: 'approximate', target: 'none', default: '60', onInvalid: 'default', notice: {level: 'info', code: 'configmap-key-unmapped'}, note: 'limited the time between two reads of the request body; Envoy Gateway has no per-read body timeout (the stream idle timeout, 5m by default, covers a stalled upload)'},
    {key: 'keep-alive', summary: 'Idle timeout of client connections (0 disables keep-alive)', fidelity: 'exact', target: 'ClientTrafficPolicy timeout.http.idleTimeout (0: connection.connectionLimit.maxRequestsPerConnection 1)', default: '75', onInvalid: 'default'},
    {key: 'keep-alive-requests', summary: 'Requests per client connection', fidelity: 'exact', target: 'ClientTrafficPolicy connection.connectionLimit.maxRequestsPerConnection', default: '1000', onInvalid: 'default'},
    {key: 'proxy-connect-timeout', summary: 'Default backend connect timeout (seconds)', fidelity: 'exact', target: 'Gateway-level BackendTrafficPolicy timeout.tcp.connectTimeout (--nginx-defaults)', default: '5', onInvalid: 'default', note: 'without --nginx-defaults Envoy Gateway\'s 10s applies'},
    {key: 'proxy-read-timeout', summary: 'Default timeout between two reads from the backend (seconds)', fidelity: 'approximate', target: 'Gateway-level BackendTrafficPolicy timeout.http.streamIdleTimeout (--nginx-defaults)', default: '60', onInvalid: 'default', note: 'the larger of read and send: nginx timed reads and writes separately, Envoy times inactivity in both directions'},
    {key: 'proxy-send-timeout', summary: 'Default timeout between two writes to the backend (seconds)', fidelity: 'approximate', target: 'Gateway-level BackendTrafficPolicy timeout.http.streamIdleTimeout (--nginx-defaults)', default: '60', onInvalid: 'default', note: 'see proxy-read-timeout'},
    {key: 'upstream-keepalive-connections', summary: 'Idle keep-alive connections per worker to backends', ...noEffect, default: '320', note: 'an nginx connection pool setting; Envoy pools backend connections on its own'},
    {key: 'upstream-keepalive-requests', summary: 'Requests per backend keep-alive connection', ...noEffect, default: '10000', note: 'an nginx connection pool setting; Envoy pools backend connections on its own'},
    {key: 'upstream-keepalive-time', summary: 'Lifetime of a backend keep-alive connection', ...noEffect, default: '1h', note: 'an nginx connection pool setting; Envoy pools backend connections on its own'},
    {key: 'upstream-keepalive-timeout', summary: 'Idle timeout of backend keep-alive connections', ...noEffect, default: '60', note: 'an nginx connection pool setting; Envoy pools backend connections on its own'},
  ],
}

/** client-header-timeout, keep-alive, keep-alive-requests -> ClientTrafficPolicy timeout.http / connection. */
export function applyClientTimeouts(cm: ConfigMapContext, model: ConfigMapModel): void {
  const {data, has} = cm
  const timeout: Record<string, any> = {}
  const connection: Record<string, any> = {}
  if (has('client-header-timeout')) {
    const n = cm.int('client-header-timeout', 60, 1)
    if (parseGoInt(data['client-header-timeout']) !== undefined && n >= 1) {
      timeout.requestHeadersReceivedTimeout = toGatewayDuration(n)
      cm.use('client-header-timeout')
      const hint = 'requestHeadersReceivedTimeout needs Envoy Gateway v1.9+; requestReceivedTimeout, which older releases accept, also counts the body and would cut slow uploads, so it is not used'
      cm.account('client-header-timeout', diagnostic('client-header-timeout', {key: 'client-header-timeout', value: data['client-header-timeout'], timeout: timeout.requestHeadersReceivedTimeout}, {hint}))
      model.checklist.push('client-header-timeout is mapped to ClientTrafficPolicy timeout.http.requestHeadersReceivedTimeout, which needs Envoy Gateway v1.9 or later')
    }
  }
  const keepAliveRaw = has('keep-alive') ? parseGoInt(data['keep-alive']) : undefined
  if (has('keep-alive')) {
    const n = cm.int('keep-alive', 75)
    if (keepAliveRaw !== undefined && keepAliveRaw >= 0) {
      cm.use('keep-alive')
      if (n === 0) {
        connection.connectionLimit = {maxRequestsPerConnection: 1}
        cm.exact('keep-alive', '"0" disabled client keep-alive -> connection.connectionLimit.maxRequestsPerConnection: 1 (idleTimeout 0 would mean "never time out" in Envoy)')
      } else {
        timeout.idleTimeout = toGatewayDuration(n)
        cm.exact('keep-alive', `"${data['keep-alive']}" -> timeout.http.idleTimeout: ${timeout.idleTimeout} (idle client connections are closed after it; Envoy's default is 1h)`)
      }
    }
  }
  if (has('keep-alive-requests')) {
    const n = cm.int('keep-alive-requests', 1000, 1)
    const raw = parseGoInt(data['keep-alive-requests'])
    if (raw !== undefined && raw >= 1) {
      cm.use('keep-alive-requests')
      if (connection.connectionLimit) cm.exact('keep-alive-requests', `"${data['keep-alive-requests']}" is moot: keep-alive is off`)
      else {
        connection.connectionLimit = {maxRequestsPerConnection: n}
        cm.note('keep-alive-requests', 'configmap-key-mapped', `"${data['keep-alive-requests']}" -> connection.connectionLimit.maxRequestsPerConnection: ${n}`, {level: 'info', fidelity: 'exact', hint: 'maxRequestsPerConnection needs Envoy Gateway v1.6+'})
      }
    }
  }
  if (Object.keys(timeout).length > 0) model.clientTraffic.timeout = {http: timeout}
  if (Object.keys(connection).length > 0) model.clientTraffic.connection = connection
}

/** proxy-connect/read/send-timeout -> Gateway-level BackendTrafficPolicy timeout (--nginx-defaults), else a note each. */
export function applyBackendTimeouts(cm: ConfigMapContext, model: ConfigMapModel): void {
  const {data, has} = cm
  const on = cm.traffic.nginxDefaults
  const secs = (key: string, dflt: number): number => {
    if (!has(key)) return dflt
    const n = parseGoInt(data[key])
    if (n === undefined || n < 0) {
      cm.account(key, diagnostic('configmap-value-invalid', {key, value: data[key], expected: 'seconds', default: dflt, gatewayPolicy: on}))
      return dflt
    }
    return n
  }
  const connect = secs('proxy-connect-timeout', 5)
  const read = secs('proxy-read-timeout', 60)
  const send = secs('proxy-send-timeout', 60)
  if (on) {
    model.backendTraffic.timeout = {tcp: {connectTimeout: toGatewayDuration(connect)}, http: {streamIdleTimeout: toGatewayDuration(Math.max(read, send))}}
    model.backendTrafficKeys.push('proxy-connect-timeout', 'proxy-read-timeout', 'proxy-send-timeout')
    cm.note('proxy-connect-timeout', 'configmap-route-default', `"${data['proxy-connect-timeout']}" -> Gateway-level BackendTrafficPolicy timeout.tcp.connectTimeout: ${toGatewayDuration(connect)}`, {level: 'info', fidelity: 'exact'})
    for (const key of ['proxy-read-timeout', 'proxy-send-timeout']) {
      cm.note(key, 'configmap-route-default-approximate', `"${data[key]}" -> Gateway-level BackendTrafficPolicy timeout.http.streamIdleTimeout: ${toGatewayDuration(Math.max(read, send))} (the larger of read and send: nginx timed reads and writes separately, Envoy times inactivity in both directions)`, {level: 'info', fidelity: 'approximate', hint: 'streamIdleTimeout in a BackendTrafficPolicy needs Envoy Gateway v1.8+'})
    }
  } else {
    cm.note('proxy-connect-timeout', 'configmap-route-default-approximate', `"${data['proxy-connect-timeout']}" was nginx's default backend connect timeout; Envoy Gateway's is 10s`, {level: 'info', fidelity: 'approximate', hint: 'rerun with --nginx-defaults for a Gateway-level BackendTrafficPolicy'})
    for (const key of ['proxy-read-timeout', 'proxy-send-timeout']) {
      cm.note(key, 'configmap-route-default-approximate', `"${data[key]}" was nginx's default inactivity timeout towards backends; Envoy Gateway's stream idle timeout is 5m`, {level: 'info', fidelity: 'approximate', hint: 'rerun with --nginx-defaults for a Gateway-level BackendTrafficPolicy'})
    }
  }
}
