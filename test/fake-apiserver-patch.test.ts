/**
 * The fake API server's plain patches and status subresource behave as the real one: JSON patch (RFC 6902) with
 * 422 on a failed op, merge patch with a resourceVersion precondition (409), status writes apart from spec writes.
 */
import test, {type ExecutionContext} from 'ava'
import {ApiError, ClusterClient} from '../src/sources/cluster.js'
import {applyJsonPatch, FakeApiServer} from './support/fake-apiserver.js'
import {tempDir} from './support/cluster-helpers.js'
import {nginxService} from './support/cutover-fixtures.js'

const PATH = '/api/v1/namespaces/ingress-nginx/services/ingress-nginx-controller'

async function setup(t: ExecutionContext) {
  const s = await FakeApiServer.start()
  t.teardown(() => s.close())
  const dir = tempDir(t)
  s.seed([{apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'ingress-nginx'}}, nginxService()])
  const client = await ClusterClient.connect({kubeconfig: s.writeKubeconfig(dir)}, {HOME: dir})
  const patch = (ct: string, body: unknown, path = PATH, query: Record<string, string> = {}) => client.request('PATCH', path, query, {contentType: ct, text: JSON.stringify(body)})
  const svc = () => s.getObject('v1', 'Service', 'ingress-nginx', 'ingress-nginx-controller')!
  return {s, client, patch, svc}
}

test('RFC 6902 ops on a copy; a failed op throws and changes nothing', (t) => {
  const doc = {a: {b: [1, 2]}, 'x/y': 1, 'm~n': 2}
  t.deepEqual(applyJsonPatch(doc, [{op: 'add', path: '/a/b/-', value: 3}, {op: 'add', path: '/a/b/0', value: 0}]), {a: {b: [0, 1, 2, 3]}, 'x/y': 1, 'm~n': 2})
  t.deepEqual(applyJsonPatch(doc, [{op: 'replace', path: '/x~1y', value: 5}, {op: 'remove', path: '/m~0n'}]), {a: {b: [1, 2]}, 'x/y': 5})
  t.deepEqual(applyJsonPatch(doc, [{op: 'move', from: '/a/b', path: '/c'}, {op: 'copy', from: '/c/1', path: '/d'}]), {a: {}, c: [1, 2], d: 2, 'x/y': 1, 'm~n': 2})
  t.throws(() => applyJsonPatch(doc, [{op: 'replace', path: '/nope', value: 1}]))
  t.throws(() => applyJsonPatch(doc, [{op: 'test', path: '/a/b', value: [2, 1]}]), {message: 'testing value /a/b failed: test failed'})
  t.deepEqual(doc, {a: {b: [1, 2]}, 'x/y': 1, 'm~n': 2})
})

test('JSON patch on the API: applied to the served object; a failed test is 422 with the generic message; dry run persists nothing', async (t) => {
  const {patch, svc} = await setup(t)
  const before = svc()
  const rv = before.metadata.resourceVersion
  const dry = await patch('application/json-patch+json', [{op: 'test', path: '/metadata/resourceVersion', value: rv}, {op: 'replace', path: '/spec/ports/0/targetPort', value: 10080}], PATH, {dryRun: 'All'})
  t.is(dry.spec.ports[0].targetPort, 10080)
  t.deepEqual(svc(), before)
  const done = await patch('application/json-patch+json', [{op: 'test', path: '/metadata/resourceVersion', value: rv}, {op: 'replace', path: '/spec/ports/0/targetPort', value: 10080}])
  t.is(done.spec.ports[0].targetPort, 10080)
  t.not(done.metadata.resourceVersion, rv)
  const err = await t.throwsAsync(patch('application/json-patch+json', [{op: 'test', path: '/metadata/resourceVersion', value: rv}, {op: 'replace', path: '/spec/ports/0/targetPort', value: 1}]), {instanceOf: ApiError})
  t.is((err as ApiError).code, 422)
  t.is(err!.message, 'the server rejected our request due to an error in our request')
  t.is(svc().spec.ports[0].targetPort, 10080)
})

test('a merge patch carrying an old resourceVersion is a 409 conflict; status goes through the status subresource only', async (t) => {
  const {patch, svc, s, client} = await setup(t)
  const rv = svc().metadata.resourceVersion
  s.setStatus('v1', 'Service', 'ingress-nginx', 'ingress-nginx-controller', {loadBalancer: {ingress: [{ip: '198.51.100.8'}]}})
  const err = await t.throwsAsync(patch('application/merge-patch+json', {metadata: {resourceVersion: rv}, spec: {type: 'NodePort'}}), {instanceOf: ApiError})
  t.is((err as ApiError).code, 409)
  t.is(err!.message, 'Operation cannot be fulfilled on services "ingress-nginx-controller": the object has been modified; please apply your changes to the latest version and try again')
  // The main resource ignores status; the subresource takes nothing else.
  await patch('application/merge-patch+json', {spec: {type: 'NodePort'}, status: {loadBalancer: {}}})
  t.is(svc().spec.type, 'NodePort')
  t.deepEqual(svc().status, {loadBalancer: {ingress: [{ip: '198.51.100.8'}]}})
  await patch('application/merge-patch+json', {spec: {type: 'ClusterIP'}, status: {loadBalancer: {ingress: [{ip: '198.51.100.9'}]}}}, `${PATH}/status`)
  t.is(svc().spec.type, 'NodePort')
  t.deepEqual(svc().status, {loadBalancer: {ingress: [{ip: '198.51.100.9'}]}})
  t.deepEqual((await client.get(`${PATH}/status`)).status, svc().status)
})
