/**
 * The tcp/udp-services family's diagnostics are built from data (catalogue render): tests assert code and data, and a
 * few rendering goldens pin the sentences the catalogue writes from that data (getStreamServices' checks,
 * internal/ingress/controller/controller.go, as the family's own comments name them).
 */
import test from 'ava'
import {diagnostic} from '../src/model/catalogue/diagnostic.js'
import {CATALOGUE} from '../src/model/catalogue/index.js'
import type {Diagnostic, KubeObject} from '../src/model/types.js'
import {streamServices} from '../src/translate/bundle/stream-services.js'

const GW = {namespace: 'gateway', name: 'shared'}
const db: KubeObject = {apiVersion: 'v1', kind: 'Service', metadata: {name: 'db', namespace: 'team-a'}, spec: {ports: [{name: 'postgres', port: 5432}]}}
const dns: KubeObject = {apiVersion: 'v1', kind: 'Service', metadata: {name: 'dns', namespace: 'team-a'}, spec: {ports: [{name: 'dns', port: 53, protocol: 'UDP'}]}}
const services = new Map([['team-a/db', db], ['team-a/dns', dns]])

function run(data: Record<string, string>, protocol: 'TCP' | 'UDP' = 'TCP'): Diagnostic[] {
  const cm: KubeObject = {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: `${protocol.toLowerCase()}-services`, namespace: 'ingress-nginx'}, data}
  return streamServices(cm, protocol, {gateway: GW, emitRoutes: true, services}).diagnostics
}

const about = (ds: Diagnostic[], key: string) => ds.filter((d) => d.annotation === key).map((d) => ({code: d.code, data: d.data, level: d.level, fidelity: d.fidelity}))

test('each skipped entry is one diagnostic with its code and data', (t) => {
  const ds = run({
    '0': 'team-a/db:5432',
    '443': 'team-a/db:5432',
    '9002': 'not-a-valid-entry',
    '9003': 'team-a/absent:postgres',
    '9004': 'team-a/db:6543',
    '9005': 'team-a/dns:53',
    '9006': 'team-a/db:99999',
  })
  const entry = (key: string, value: string) => `tcp-services "${key}": "${value}"`
  t.deepEqual(about(ds, '0'), [{code: 'stream-entry-invalid', data: {entry: entry('0', 'team-a/db:5432'), problem: 'port-key'}, level: 'warning', fidelity: 'ignored'}])
  t.deepEqual(about(ds, '443'), [{code: 'stream-port-reserved', data: {entry: entry('443', 'team-a/db:5432'), port: 443}, level: 'warning', fidelity: 'ignored'}])
  t.deepEqual(about(ds, '9002'), [{code: 'stream-entry-invalid', data: {entry: entry('9002', 'not-a-valid-entry'), problem: 'format'}, level: 'warning', fidelity: 'ignored'}])
  t.deepEqual(about(ds, '9003'), [{code: 'stream-port-name-unresolved', data: {entry: entry('9003', 'team-a/absent:postgres'), service: 'team-a/absent', portName: 'postgres'}, level: 'warning', fidelity: 'manual'}])
  t.deepEqual(about(ds, '9004'), [{code: 'stream-service-port-missing', data: {entry: entry('9004', 'team-a/db:6543'), service: 'team-a/db', port: '6543', named: false, ports: ['postgres=5432']}, level: 'warning', fidelity: 'manual'}])
  t.deepEqual(about(ds, '9005'), [{code: 'stream-service-port-protocol', data: {entry: entry('9005', 'team-a/dns:53'), service: 'team-a/dns', servicePort: 'dns', portProtocol: 'UDP', protocol: 'TCP'}, level: 'warning', fidelity: 'manual'}])
  // The Service is not in the input for 99999 either way: the number itself is refused (controller.go getStreamServices).
  t.deepEqual(about(ds, '9006').map((d) => d.code), ['stream-service-port-missing'])
  // Every one names the ConfigMap as data, and its hint (when any) is the call site's.
  for (const d of ds.filter((x) => x.data !== undefined)) t.deepEqual(d.ref, {kind: 'ConfigMap', namespace: 'ingress-nginx', name: 'tcp-services'})
  t.is(ds.find((d) => d.code === 'stream-port-name-unresolved')?.hint, 'rerun with the Service in the input (or write the port number in tcp-services)')
})

test('PROXY on a udp-services entry: code and data', (t) => {
  // The entry is still routed (stream-route): only the PROXY field is dropped.
  t.deepEqual(about(run({'53': 'team-a/dns:53:PROXY'}, 'UDP'), '53').filter((d) => d.code !== 'stream-route'), [{code: 'stream-udp-proxy-protocol', data: {entry: 'udp-services "53": "team-a/dns:53:PROXY"'}, level: 'warning', fidelity: 'ignored'}])
})

test('a field that is not PROXY, and a Service not in the input: code and data', (t) => {
  const ds = run({'9010': 'team-a/db:5432:proxy2', '9011': 'team-a/absent:7000'})
  t.deepEqual(about(ds, '9010').filter((d) => d.code !== 'stream-route'), [{code: 'stream-field-ignored', data: {entry: 'tcp-services "9010": "team-a/db:5432:proxy2"', field: 3, value: 'proxy2'}, level: 'warning', fidelity: 'ignored'}])
  t.deepEqual(about(ds, '9011').filter((d) => d.code !== 'stream-route'), [{code: 'stream-service-not-in-input', data: {entry: 'tcp-services "9011": "team-a/absent:7000"', service: 'team-a/absent', port: '7000'}, level: 'info', fidelity: undefined}])
})

test('rendering goldens: the catalogue writes these sentences from the data', (t) => {
  t.is(
    diagnostic('stream-port-reserved', {entry: 'tcp-services "443": "web/tls:443"', port: 443}).message,
    'tcp-services "443": "web/tls:443": port 443 is reserved by the ingress-nginx controller (80, 443, 442, 10254, 8181, 10245-10247), which skipped the entry; it is skipped here too',
  )
  t.is(
    diagnostic('stream-service-port-missing', {entry: 'tcp-services "9004": "team-a/db:http"', service: 'team-a/db', port: 'http', named: true, ports: []}).message,
    'tcp-services "9004": "team-a/db:http": Service team-a/db has no port named "http" (ports: none); ingress-nginx skipped the entry, and so does the translation',
  )
  t.is(diagnostic('stream-entry-invalid', {entry: 'tcp-services "1": "a/b:0"', problem: 'backend-port', backendPort: 0}).message, 'tcp-services "1": "a/b:0": 0 is not a valid port')
  t.is(
    diagnostic('stream-fields-extra', {entry: 'tcp-services "9000": "a/b:1:x:y:z:w"', fields: 6, extra: ['z', 'w'], fourthProxy: false, decode: false}).message,
    'tcp-services "9000": "a/b:1:x:y:z:w" has 6 fields, at most 4 are defined ("<namespace>/<service>:<port>[:PROXY][:PROXY]"): ingress-nginx ignored fields 5 "z", 6 "w"; the translation does the same',
  )
})

test('diagnostic() takes level and fidelity from the catalogue entry and carries the data', (t) => {
  const d = diagnostic('stream-udp-proxy-protocol', {entry: 'e'}, {object: 'ConfigMap a/b', ref: {kind: 'ConfigMap', namespace: 'a', name: 'b'}, annotation: '53'})
  t.is(d.level as string, CATALOGUE.get('stream-udp-proxy-protocol')!.level as string)
  t.is(d.fidelity, 'ignored')
  t.deepEqual(d.data, {entry: 'e'})
})
