/**
 * The report's histogram covers the controller ConfigMap: each key present counts once, in the fidelity its one
 * diagnostic ended in (keys without effect and unknown keys, listed in the configmap-keys-ignored info, as ignored).
 */
import test from 'ava'
import {buildReport, renderMarkdown, renderText} from '../../src/output/migration-report/index.js'
import {failOnMessage} from '../../src/cli/fail-on.js'
import {translate} from '../../src/translate/index.js'
import type {KubeObject} from '../../src/model/types.js'

const ingress: KubeObject = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: {name: 'web', namespace: 'web'},
  spec: {ingressClassName: 'nginx', rules: [{host: 'web.example.com', http: {paths: [{path: '/', pathType: 'Prefix', backend: {service: {name: 'web', port: {number: 80}}}}]}}]},
}

function reportWith(data?: Record<string, string>) {
  const objects: KubeObject[] = [ingress]
  if (data) objects.push({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'ingress-nginx-controller', namespace: 'ingress-nginx'}, data})
  const snapshot = {objects: objects.map((object) => ({object, source: {file: 'in.yaml', line: 1}})), spansCluster: true}
  return buildReport(translate(snapshot, {}), {snapshot, options: {}})
}

test('each ConfigMap key counts once, in the fidelity of its diagnostic', (t) => {
  const r = reportWith({
    'ssl-protocols': 'TLSv1.2 TLSv1.3', // exact: tls.minVersion/maxVersion
    'use-forwarded-headers': 'true', // approximate: numTrustedHops 1 instead of nginx's every hop
    'server-snippet': 'location /x {}', // manual: raw nginx
    'worker-processes': '4', // ignored: in the no-effect info
    'not-a-key': 'x', // ignored: in the same info, as not recognised
  })
  t.deepEqual(r.summary.configMapKeys, {exact: 1, approximate: 1, manual: 1, ignored: 2})
  t.deepEqual(r.configMap, {
    name: 'ingress-nginx/ingress-nginx-controller',
    keys: [
      {key: 'not-a-key', fidelity: 'ignored'},
      {key: 'server-snippet', fidelity: 'manual'},
      {key: 'ssl-protocols', fidelity: 'exact'},
      {key: 'use-forwarded-headers', fidelity: 'approximate'},
      {key: 'worker-processes', fidelity: 'ignored'},
    ],
  })
  t.regex(renderText(r), /controller ConfigMap ingress-nginx\/ingress-nginx-controller: 5 key\(s\): 1 exact, 1 approximate, 1 manual, 2 ignored/)
  t.regex(renderMarkdown(r), /Controller ConfigMap `ingress-nginx\/ingress-nginx-controller`: 5 keys, 1 exact, 1 approximate, 1 manual, 2 ignored\./)
})

test('without a controller ConfigMap the report has no ConfigMap histogram', (t) => {
  const r = reportWith()
  t.is(r.summary.configMapKeys, undefined)
  t.is(r.configMap, undefined)
})

// Two controllers (controller-workloads.ts): the default Gateway reads ingress-nginx/ingress-nginx-controller, the
// internal one (--gateway-for internal=..., --controller-configmap-for internal=...) its own ConfigMap. Each set
// the defaults of its own Ingresses, so each gets its table; the gate trips on a manual key of either.
test('with two controllers every controller ConfigMap has its table, and the gate names the ConfigMap', (t) => {
  const internal: KubeObject = {...ingress, metadata: {name: 'wiki', namespace: 'corp'}, spec: {...ingress.spec, ingressClassName: 'internal'}}
  const objects: KubeObject[] = [
    ingress,
    internal,
    {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'ingress-nginx-controller', namespace: 'ingress-nginx'}, data: {'ssl-protocols': 'TLSv1.2 TLSv1.3'}},
    {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'settings', namespace: 'ingress-internal'}, data: {'server-snippet': 'location /x {}', 'worker-processes': '4'}},
  ]
  const snapshot = {objects: objects.map((object) => ({object, source: {file: 'in.yaml', line: 1}})), spansCluster: true}
  const options = {ingressClasses: ['nginx', 'internal'], gatewayFor: {internal: {namespace: 'gw-internal', name: 'internal'}}, controllerConfigMapFor: {internal: 'ingress-internal/settings'}}
  const result = translate(snapshot, options)
  t.deepEqual(result.configMapKeys?.map((c) => c.configMap), ['ConfigMap ingress-nginx/ingress-nginx-controller', 'ConfigMap ingress-internal/settings'])
  const r = buildReport(result, {snapshot, options: {}})
  t.deepEqual(r.configMaps, [
    {name: 'ingress-nginx/ingress-nginx-controller', keys: [{key: 'ssl-protocols', fidelity: 'exact'}]},
    {name: 'ingress-internal/settings', keys: [{key: 'server-snippet', fidelity: 'manual'}, {key: 'worker-processes', fidelity: 'ignored'}]},
  ])
  t.deepEqual(r.configMap, r.configMaps?.[0])
  t.deepEqual(r.summary.configMapKeys, {exact: 1, approximate: 0, manual: 1, ignored: 1})
  t.regex(renderText(r), /controller ConfigMap ingress-internal\/settings: 2 key\(s\): 0 exact, 0 approximate, 1 manual, 1 ignored/)
  t.regex(renderMarkdown(r), /Controller ConfigMap `ingress-internal\/settings`: 2 keys/)
  t.regex(failOnMessage(r, 'manual') ?? '', /ConfigMap ingress-internal\/settings key server-snippet \(manual\)/)
})
