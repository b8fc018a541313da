/**
 * Diagnostics name their object as data (`ref`) beside the display text, and the migration report reads the data:
 * an Ingress's diagnostics land in its entry by ref, whatever the text says.
 */
import test from 'ava'
import {buildReport} from '../src/output/migration-report/index.js'
import {about, ingressIdOf} from '../src/model/diagnostics.js'
import {ingressWith, translateAll} from './annotations/support.js'

test('about() gives the display text and the same object as data', (t) => {
  t.deepEqual(about('Ingress', {namespace: 'team-a', name: 'web'}), {object: 'Ingress team-a/web', ref: {kind: 'Ingress', namespace: 'team-a', name: 'web'}})
  t.deepEqual(about('GatewayClass', {name: 'eg'}), {object: 'GatewayClass eg', ref: {kind: 'GatewayClass', name: 'eg'}})
  t.is(ingressIdOf({ref: {kind: 'Ingress', namespace: 'team-a', name: 'web'}}), 'team-a/web')
  t.is(ingressIdOf({ref: {kind: 'ConfigMap', namespace: 'team-a', name: 'web'}}), undefined)
  t.is(ingressIdOf({}), undefined)
})

test('an annotation diagnostic carries its Ingress as ref, and the report files it under that Ingress by ref', (t) => {
  const r = translateAll([ingressWith({'no-such-annotation': 'x'})])
  const d = r.diagnostics.find((x) => x.code === 'unknown-annotation')!
  t.deepEqual(d.ref, {kind: 'Ingress', namespace: 'team', name: 'web'})
  t.is(d.object, 'Ingress team/web')
  // The report does not read the text: a diagnostic whose text names nothing still lands in the entry of its ref.
  const report = buildReport({...r, diagnostics: r.diagnostics.map((x) => (x === d ? {...x, object: 'whatever the text says'} : x))})
  const entry = report.ingresses.find((e) => e.ingress === 'team/web')!
  t.true(entry.diagnostics.some((x) => x.code === 'unknown-annotation'))
  t.false(report.notes.some((x) => x.code === 'unknown-annotation'))
})

test('notes keep the object as data in the JSON report', (t) => {
  const r = translateAll([ingressWith({})])
  const report = buildReport({...r, diagnostics: [...r.diagnostics, {level: 'info', code: 'skipped-kind', message: 'm', ...about('Deployment', {namespace: 'apps', name: 'api'})}]})
  t.deepEqual(report.notes.find((n) => n.code === 'skipped-kind')?.ref, {kind: 'Deployment', namespace: 'apps', name: 'api'})
})
