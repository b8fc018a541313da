/**
 * translate() keeps no state between calls: what it reads from the controller ConfigMap (controller-defaults.ts
 * controllerDefaults, annotations/serving.ts servingConfig) is computed per run, so a caller that converts again
 * after the ConfigMap changed (a watch, a long-lived process, the same parsed objects edited in place) gets the
 * answer for the ConfigMap as it is now, never the previous run's.
 */
import test from 'ava'
import {translate} from '../src/translate/index.js'
import type {KubeObject} from '../src/model/types.js'

const ingress = (name: string, annotations: Record<string, string>): KubeObject => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: {name, namespace: 'web', annotations},
  spec: {
    ingressClassName: 'nginx',
    tls: [{hosts: [`${name}.example.com`], secretName: `${name}-tls`}],
    rules: [{host: `${name}.example.com`, http: {paths: [{path: '/', pathType: 'Prefix', backend: {service: {name, port: {number: 80}}}}]}}],
  },
})
const web = ingress('web', {})
const snippet = ingress('snippet', {'nginx.ingress.kubernetes.io/configuration-snippet': 'more_set_headers "X-A: b";'})

test('two runs over one ConfigMap object edited in between give independent results', (t) => {
  const cm: KubeObject = {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'ingress-nginx-controller', namespace: 'ingress-nginx'}, data: {}}
  const run = () => translate({objects: [web, snippet, cm].map((object) => ({object, source: {file: 'in.yaml', line: 1}}))}, {emitGateway: true})
  const redirects = (r: ReturnType<typeof run>) => r.objects.some((o) => o.kind === 'HTTPRoute' && JSON.stringify(o.spec).includes('RequestRedirect'))
  const first = run()
  // nginx defaults: ssl-redirect true (config.go), snippets refused (allow-snippet-annotations false).
  t.true(redirects(first))
  t.is(first.ingresses.find((i) => i.ingress === 'web/snippet')?.status, 'not-served')
  cm.data = {'ssl-redirect': 'false', 'allow-snippet-annotations': 'true', 'annotations-risk-level': 'Critical'}
  const second = run()
  t.false(redirects(second), 'ssl-redirect "false" read from the ConfigMap as it is now')
  t.not(second.ingresses.find((i) => i.ingress === 'web/snippet')?.status, 'not-served', 'snippets allowed by the ConfigMap as it is now')
})
