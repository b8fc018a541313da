/**
 * Which classes a run converts, and how what it leaves out is said (select.ts, class-skips.ts) and counted
 * (output/ingress-counts.ts). ingress-nginx's rule (store.go GetIngressClass): spec.ingressClassName must name an
 * IngressClass of the controller's --controller-class; else the kubernetes.io/ingress.class annotation must equal
 * its --ingress-class; files seldom hold the IngressClass objects, hence the warning and --all-classes.
 */
import test from 'ava'
import {ingressCountsLine} from '../src/output/ingress-counts.js'
import {translate} from '../src/translate/index.js'
import type {InputObject, KubeObject, TranslateOptions} from '../src/model/types.js'

function ing(name: string, cls: {field?: string; annotation?: string}, source: InputObject['source'] = {file: 'in.yaml', line: 1}): InputObject {
  const object: KubeObject = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {name, namespace: 'web', ...(cls.annotation ? {annotations: {'kubernetes.io/ingress.class': cls.annotation}} : {})},
    spec: {
      ...(cls.field ? {ingressClassName: cls.field} : {}),
      rules: [{host: `${name}.example.com`, http: {paths: [{path: '/', pathType: 'Prefix', backend: {service: {name, port: {number: 80}}}}]}}],
    },
  }
  return {object, source}
}

const ingressClass = (name: string, controller: string): InputObject => ({
  object: {apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: {name}, spec: {controller}},
  source: {file: 'in.yaml'},
})

const run = (objects: InputObject[], options: Partial<TranslateOptions> = {}) => translate({objects}, options)
const codes = (r: ReturnType<typeof run>, code: string) => r.diagnostics.filter((d) => d.code === code)

test('files: classes without an IngressClass are one warning with the exact --ingress-class list, keeping the classes converted now', (t) => {
  const r = run([ing('a', {field: 'nginx'}), ing('b', {field: 'internal'}), ing('c', {annotation: 'external'}), ing('d', {field: 'internal'})])
  const [w] = codes(r, 'classes-not-selected')
  t.is(w.level, 'warning')
  t.true(w.message.endsWith('add: --ingress-class nginx --ingress-class external --ingress-class internal'), w.message)
  t.is(codes(r, 'class-not-selected').length, 0)
  t.deepEqual(r.unselected, [
    {ingress: 'web/b', className: 'internal', reason: 'class-not-selected'},
    {ingress: 'web/c', className: 'external', reason: 'class-not-selected'},
    {ingress: 'web/d', className: 'internal', reason: 'class-not-selected'},
  ])
})

test('the cluster (IngressClass objects decide) and an explicit --ingress-class list keep the info line', (t) => {
  const live = run([ing('b', {field: 'internal'}, {cluster: true})])
  t.is(codes(live, 'classes-not-selected').length, 0)
  t.is(codes(live, 'class-not-selected')[0].level, 'info')
  const oneClass = run([ing('a', {field: 'internal'}), ing('b', {field: 'external'})], {ingressClasses: ['internal']})
  t.is(codes(oneClass, 'classes-not-selected').length, 0, '--ingress-class internal chose to leave external out')
  t.regex(codes(oneClass, 'class-not-selected')[0].message, /class "external"/)
})

test('--all-classes selects every class without an IngressClass of another controller, each its own controller', (t) => {
  const r = run([ing('a', {field: 'nginx'}), ing('b', {field: 'internal'}), ing('c', {annotation: 'external'}), ing('d', {field: 'traefik'}), ingressClass('traefik', 'traefik.io/ingress-controller')], {allClasses: true})
  t.deepEqual(r.unselected, [{ingress: 'web/d', className: 'traefik', reason: 'other-controller'}])
  t.regex(codes(r, 'class-not-selected')[0].message, /class "traefik" is not ingress-nginx's: its IngressClass names controller traefik\.io\/ingress-controller/)
  t.deepEqual(r.ingresses.map((i) => `${i.ingress} ${i.status}`).sort(), ['web/a converted', 'web/b converted', 'web/c converted'])
})

test('--all-classes: a class whose IngressClass is ingress-nginx keeps that controller; through the annotation it is selected too', (t) => {
  // Same host and path in class internal (IngressClass of k8s.io/ingress-nginx, like nginx's default) and class
  // edge (no IngressClass: its own controller under --all-classes): only the second pair crosses controllers.
  const host = (name: string, cls: {field?: string; annotation?: string}, created: string): InputObject => {
    const i = ing(name, cls)
    i.object.metadata.creationTimestamp = created
    i.object.spec.rules[0].host = 'same.example.com'
    return i
  }
  const r = run(
    [ingressClass('internal', 'k8s.io/ingress-nginx'), host('a', {field: 'nginx'}, '2024-01-01T00:00:00Z'), host('b', {annotation: 'internal'}, '2024-01-02T00:00:00Z'), host('c', {field: 'edge'}, '2024-01-03T00:00:00Z')],
    {allClasses: true},
  )
  t.deepEqual(r.unselected, [])
  const crossing = codes(r, 'cross-controller-conflict').map((d) => d.message)
  t.is(crossing.length, 1, crossing.join('\n'))
  t.regex(crossing[0], /class nginx and class edge had separate ingress-nginx controllers/)
})

test('the summary line counts every Ingress read by outcome and is silent when all converted', (t) => {
  t.is(ingressCountsLine(run([ing('a', {field: 'nginx'})])), '')
  const r = run([ing('a', {field: 'nginx'}), ing('b', {field: 'internal'}), ing('c', {}), ing('d', {field: 'traefik'}), ingressClass('traefik', 'other.io/x')])
  t.is(ingressCountsLine(r), 'Ingresses: 4 read, 1 converted, 3 skipped: 1 class not selected (internal 1), 1 class of another controller (traefik 1), 1 without a class\n')
})

test("without an IngressClass, another controller's default class name is neither assumed by --all-classes nor suggested", (t) => {
  const objects = [ing('a', {field: 'traefik'}), ing('b', {field: 'traefik-internal'}), ing('c', {field: 'nginx-tailscale'}), ing('d', {annotation: 'internal'})]
  const all = run(objects, {allClasses: true})
  t.deepEqual(r2s(all.unselected), ['web/a traefik other-controller', 'web/b traefik-internal other-controller'])
  t.regex(codes(all, 'class-not-selected')[0].message, /class "traefik" has no IngressClass in the input and is the default class name of Traefik/)
  const plain = run(objects)
  t.true(codes(plain, 'classes-not-selected')[0].message.endsWith('add: --ingress-class internal --ingress-class nginx-tailscale'))
  // An IngressClass object is better evidence than the name: a class named traefik that is ingress-nginx's converts.
  t.deepEqual(run([...objects, ingressClass('traefik', 'k8s.io/ingress-nginx')], {allClasses: true}).unselected!.map((u) => u.ingress), ['web/b'])
})

const r2s = (list: {ingress: string; className?: string; reason: string}[] | undefined) => (list ?? []).map((u) => `${u.ingress} ${u.className} ${u.reason}`)

test('the line to paste keeps only classes this run selects: an invalid Ingress\'s class was never judged', (t) => {
  const invalid = ing('broken', {field: 'weird'})
  invalid.object.spec.rules = []
  const r = run([ing('a', {field: 'nginx'}), ing('b', {field: 'internal'}), invalid])
  t.true(codes(r, 'classes-not-selected')[0].message.endsWith('add: --ingress-class nginx --ingress-class internal'))
  t.deepEqual(r2s(r.unselected), ['web/b internal class-not-selected', 'web/broken undefined invalid'])
})

test('an empty kubernetes.io/ingress.class annotation is no class nginx serves: --all-classes does not assume it, the warning does not offer it', (t) => {
  // store.go GetIngressClass: an annotation that is present is compared with --ingress-class ("nginx" by default);
  // "" is never equal to it, and the Ingress is not served (only a missing annotation reaches --watch-ingress-without-class).
  const objects = [ing('a', {field: 'internal'}), ing('b', {})]
  objects[1].object.metadata.annotations = {'kubernetes.io/ingress.class': ''}
  const all = run(objects, {allClasses: true})
  t.deepEqual(r2s(all.unselected), ['web/b  class-not-selected'])
  t.deepEqual(all.ingresses.map((i) => i.ingress), ['web/a'])
  const plain = run(objects)
  const [w] = codes(plain, 'classes-not-selected')
  t.true(w.message.endsWith('add: --ingress-class internal'), w.message)
  t.regex(codes(plain, 'class-not-selected')[0].message, /kubernetes\.io\/ingress\.class annotation is empty/)
})

test('files: an Ingress without a class gets the default IngressClass the input declares, as the API server assigns it on create', (t) => {
  // kube-apiserver admission plugin DefaultIngressClass (plugin/pkg/admission/network/defaultingressclass, Admit):
  // an Ingress created with neither spec.ingressClassName nor the kubernetes.io/ingress.class annotation is given the
  // IngressClass annotated ingressclass.kubernetes.io/is-default-class: "true"; store.go GetIngressClass then serves
  // it through the field. The ingress-nginx chart's controller.ingressClassResource.default renders that annotation.
  const defaultClass = (name: string, controller: string): InputObject => {
    const ic = ingressClass(name, controller)
    ic.object.metadata.annotations = {'ingressclass.kubernetes.io/is-default-class': 'true'}
    return ic
  }
  const nginxDefault = run([defaultClass('internal', 'k8s.io/ingress-nginx'), ing('a', {})])
  t.deepEqual(nginxDefault.unselected, [])
  t.deepEqual(nginxDefault.ingresses.map((i) => `${i.ingress} ${i.status}`), ['web/a converted'])
  // Another controller's default takes it: --include-classless (nginx's --watch-ingress-without-class) does not
  // apply to an Ingress the API server gave a class.
  const traefikDefault = run([defaultClass('traefik', 'traefik.io/ingress-controller'), ing('a', {})], {includeClassless: true})
  t.deepEqual(r2s(traefikDefault.unselected), ['web/a traefik other-controller'])
  // Read from the cluster, the Ingress was created before (or without) the default: it still has no class.
  const live = run([defaultClass('internal', 'k8s.io/ingress-nginx'), ing('a', {}, {cluster: true})])
  t.deepEqual(r2s(live.unselected), ['web/a undefined no-class'])
})

test('read from the cluster, spec.ingressClassName: nginx without an IngressClass nginx there is served by no ingress-nginx', (t) => {
  // store.go GetIngressClass: the field is looked up in the IngressClass lister (filled from the cluster's
  // IngressClasses of --controller-class); no IngressClass nginx, no service. Only files (which seldom hold the
  // IngressClasses) assume nginx is ingress-nginx's.
  const publicClass: InputObject = {...ingressClass('public', 'k8s.io/ingress-nginx'), source: {cluster: true}}
  const r = run([publicClass, ing('stale', {field: 'nginx'}, {cluster: true}), ing('live', {field: 'public'}, {cluster: true}), ing('old', {annotation: 'nginx'}, {cluster: true})])
  t.deepEqual(r2s(r.unselected), ['web/stale nginx class-not-selected'])
  t.deepEqual(r.ingresses.map((i) => i.ingress), ['web/live', 'web/old'])
  // Files: the assumption stands (the chart's IngressClass is elsewhere).
  t.deepEqual(run([ingressClass('public', 'k8s.io/ingress-nginx'), ing('a', {field: 'nginx'})]).unselected, [])
})
