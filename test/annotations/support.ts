/** Shared helpers for the annotation family tests: one Ingress in, the translate result out. */
import {translate} from '../../src/translate/index.js'
import type {KubeObject, TranslateOptions, TranslateResult} from '../../src/translate/types.js'

export const P = 'nginx.ingress.kubernetes.io/'

export function ingressWith(
  annotations: Record<string, string>,
  options: {name?: string; host?: string; paths?: {path: string; pathType?: string; service?: string}[]; tls?: boolean; created?: string} = {},
): KubeObject {
  const name = options.name ?? 'web'
  const host = options.host ?? 'web.example.com'
  const paths = options.paths ?? [{path: '/', pathType: 'Prefix'}]
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      name,
      namespace: 'team',
      creationTimestamp: options.created,
      annotations: Object.fromEntries(Object.entries(annotations).map(([k, v]) => [P + k, v])),
    },
    spec: {
      ingressClassName: 'nginx',
      tls: options.tls ? [{hosts: [host], secretName: `${name}-tls`}] : undefined,
      rules: [
        {
          host,
          http: {
            paths: paths.map((p) => ({path: p.path, pathType: p.pathType ?? 'Prefix', backend: {service: {name: p.service ?? name, port: {number: 80}}}})),
          },
        },
      ],
    },
  }
}

export function translateAll(objects: KubeObject[], options: Partial<TranslateOptions> = {}): TranslateResult {
  return translate({objects: objects.map((object, i) => ({object, source: {file: 'test.yaml', line: i + 1}}))}, options)
}

export function routesOf(r: TranslateResult, kind = 'HTTPRoute'): KubeObject[] {
  return r.objects.filter((o) => o.kind === kind)
}

export function fidelityOf(r: TranslateResult, ingress: string, key: string) {
  return r.ingresses.find((i) => i.ingress === ingress)?.annotations[P + key]
}
