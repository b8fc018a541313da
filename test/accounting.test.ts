/**
 * The double-accounting check the golden and family tests rely on (golden.test.ts, annotations/support.ts install
 * accountingAudit.onDoubleAccount): it must fire when a second writer (family, read pass, settlement or later pass)
 * decides a key another already did, and stay quiet when one writer decides a key twice, the settlement decides a key
 * nobody did, or a later pass revises a key by a named Revision.
 */
import test from 'ava'
import {families} from '../src/annotations/index.js'
import type {AnnotationFamily} from '../src/annotations/types.js'
import {accountingAudit, FidelityLedger, READ_PASS, type DoubleAccount} from '../src/model/fidelity-ledger.js'
import type {IngressModel} from '../src/model/ingress-model.js'
import {translate} from '../src/translate/index.js'
import type {KubeObject} from '../src/model/types.js'

const ingress: KubeObject = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: {name: 'web', namespace: 'team', annotations: {'nginx.ingress.kubernetes.io/enable-cors': 'true'}},
  spec: {ingressClassName: 'nginx', rules: [{host: 'web.example.com', http: {paths: [{path: '/', pathType: 'Prefix', backend: {service: {name: 'web', port: {number: 80}}}}]}}]},
}
const run = (object: KubeObject = ingress) => translate({objects: [{object, source: {file: 'test.yaml'}}]})

/** Runs with extra families in front of the registered ones, recording what the audit reports. */
function withFamilies(extra: AnnotationFamily[], object: KubeObject = ingress): DoubleAccount[] {
  const seen: DoubleAccount[] = []
  accountingAudit.onDoubleAccount = (c) => seen.push(c)
  families.unshift(...extra)
  try {
    run(object)
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

/** Listen to the audit while `f` runs. */
function audited(f: () => void): DoubleAccount[] {
  const seen: DoubleAccount[] = []
  accountingAudit.onDoubleAccount = (c) => seen.push(c)
  try {
    f()
  } finally {
    accountingAudit.onDoubleAccount = undefined
  }
  return seen
}

// Blind spot (a): writers outside the family context wrote the map directly (ingress.fidelity.set), where the audit,
// which saw only ctx.account, could not look. The ledger has no set: every writer is named, and tsc refuses a direct
// write (tsconfig.test.json type-checks this file).
test('no writer can bypass the ledger: it has no set or delete', (t) => {
  const model = {fidelity: new FidelityLedger('team/web')} as Pick<IngressModel, 'fidelity'>
  // @ts-expect-error FidelityLedger has no set: account(), revise() or withdraw() name the writer
  t.is(typeof model.fidelity.set, 'undefined')
  // @ts-expect-error FidelityLedger has no delete
  t.is(typeof model.fidelity.delete, 'undefined')
})

// Blind spot (b): a pass after the families (emit-routes.ts, hosts.ts, capabilities.ts, denied.ts) re-decided a key
// with fidelity.set: a family's decision was overwritten unseen. Now a later writer's account is a double account, and
// only a named revision replaces a decision.
test('a pass after the families that decides a family\'s key again is reported; a named revision is not', (t) => {
  const ledger = new FidelityLedger('team/web')
  const key = 'nginx.ingress.kubernetes.io/enable-cors'
  const seen = audited(() => {
    t.true(ledger.account(key, 'exact', 'cors'))
    t.false(ledger.account(key, 'exact', 'cors'), 'the same family again: no second decision, not reported')
    t.false(ledger.account(key, 'manual', 'emit-routes'))
  })
  t.deepEqual(seen, [{ingress: 'team/web', key, first: 'cors', second: 'emit-routes'}])
  t.is(ledger.get(key), 'exact', 'the first decision stands')
  t.deepEqual(
    audited(() => ledger.revise(key, 'manual', 'missing-crd')),
    [],
  )
  t.is(ledger.get(key), 'manual')
  t.is(ledger.decidedBy(key), 'missing-crd')
  ledger.withdraw(key)
  t.false(ledger.has(key))
  t.deepEqual(audited(() => ledger.account(key, 'ignored', 'locations-denied')), [], 'a withdrawn key is free to decide again')
})

test('the read pass is a writer: a value it ignored stays its decision, and a family accounting that key yields', (t) => {
  // "10mb" fails proxy-body-size's validator: ingress-nginx ignores it and uses the default (annotation-pass.ts
  // applyOutcome decides exact, with an error); a family accounting the key (it is still written) has no value to apply.
  const invalid = {...ingress, metadata: {...ingress.metadata, annotations: {'nginx.ingress.kubernetes.io/proxy-body-size': '10mb'}}}
  const yielding: AnnotationFamily = {name: 'yielding', specs: [], always: true, apply: (ctx) => ctx.account('proxy-body-size', 'approximate', 'yielding family')}
  const seen: DoubleAccount[] = []
  accountingAudit.onDoubleAccount = (c) => seen.push(c)
  families.unshift(yielding)
  let result: ReturnType<typeof run>
  try {
    result = run(invalid)
  } finally {
    families.splice(0, 1)
    accountingAudit.onDoubleAccount = undefined
  }
  t.deepEqual(seen, [])
  const key = 'nginx.ingress.kubernetes.io/proxy-body-size'
  t.is(result.ingresses.find((i) => i.ingress === 'team/web')?.annotations[key], 'exact')
  // One fidelity in the diagnostics too: the read pass's error; the family's message never appears.
  const about = result.diagnostics.filter((d) => d.annotation === key && d.fidelity !== undefined)
  t.deepEqual(about.map((d) => [d.code, d.fidelity]), [['invalid-annotation-value', 'exact']])
  t.false(result.diagnostics.some((d) => d.message.includes('yielding family')))
  // A key the read pass decided is a decision like any other: another writer deciding it is reported.
  const ledger = new FidelityLedger('team/web')
  ledger.account(key, 'exact', READ_PASS)
  t.deepEqual(audited(() => ledger.account(key, 'manual', 'capabilities')), [{ingress: 'team/web', key, first: READ_PASS, second: 'capabilities'}])
})
