/**
 * The double-accounting check the golden and family tests rely on (golden.test.ts, annotations/support.ts install
 * accountingAudit.onDoubleAccount): it must fire when a second family accounts a key the first already did, and stay
 * quiet when one family accounts a key twice or the settlement after the families accounts a key nobody did.
 */
import test from 'ava'
import {families} from '../src/annotations/index.js'
import type {AnnotationFamily} from '../src/annotations/types.js'
import {accountingAudit, type DoubleAccount} from '../src/translate/annotation-pass.js'
import {translate} from '../src/translate/index.js'
import type {KubeObject} from '../src/model/types.js'

const ingress: KubeObject = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: {name: 'web', namespace: 'team', annotations: {'nginx.ingress.kubernetes.io/enable-cors': 'true'}},
  spec: {ingressClassName: 'nginx', rules: [{host: 'web.example.com', http: {paths: [{path: '/', pathType: 'Prefix', backend: {service: {name: 'web', port: {number: 80}}}}]}}]},
}
const run = () => translate({objects: [{object: ingress, source: {file: 'test.yaml'}}]})

/** Runs with extra families in front of the registered ones, recording what the audit reports. */
function withFamilies(extra: AnnotationFamily[]): DoubleAccount[] {
  const seen: DoubleAccount[] = []
  accountingAudit.onDoubleAccount = (c) => seen.push(c)
  families.unshift(...extra)
  try {
    run()
  } finally {
    families.splice(0, extra.length)
    accountingAudit.onDoubleAccount = undefined
  }
  return seen
}

const accounting = (name: string, times = 1): AnnotationFamily => ({
  name,
  specs: [],
  always: true,
  apply(ctx) {
    for (let i = 0; i < times; i++) ctx.account('enable-cors', 'ignored', 'test')
  },
})

test.serial('a key accounted by a second family is reported, naming both (the first account wins)', (t) => {
  const seen = withFamilies([accounting('first'), accounting('second')])
  // The cors family, registered after them, accounts enable-cors too: reported against the first as well.
  t.deepEqual(seen.slice(0, 1), [{ingress: 'team/web', key: 'nginx.ingress.kubernetes.io/enable-cors', first: 'first', second: 'second'}])
  t.true(seen.every((c) => c.first === 'first'))
})

test.serial('one family accounting its key twice, and the registered families alone, report nothing', (t) => {
  t.true(withFamilies([]).length === 0)
  const seen: DoubleAccount[] = []
  accountingAudit.onDoubleAccount = (c) => seen.push(c)
  try {
    const r = translate({objects: [{object: {...ingress, metadata: {...ingress.metadata, annotations: {}}}, source: {file: 'test.yaml'}}]})
    t.true(r.objects.length > 0)
  } finally {
    accountingAudit.onDoubleAccount = undefined
  }
  t.deepEqual(seen, [])
  // The cors family accounts enable-cors as often as it likes; only another family is a conflict.
  const self = withFamilies([{...accounting('cors-twice', 2), name: 'cors-twice'}])
  t.true(self.every((c) => c.first === 'cors-twice' && c.second !== 'cors-twice'))
})
