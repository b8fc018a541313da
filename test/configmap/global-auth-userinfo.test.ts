/**
 * global-auth-url (and its companions) may carry credentials in the URL's userinfo (`https://user:token@host/`):
 * the diagnostics quote the URL, in their message and in their data, and the checklist names it, so the userinfo is
 * masked there as redactSecrets masks it in snippets. The Service an in-cluster URL names is still found (the
 * userinfo is not part of it): clusterServiceUrl reads the URL as written.
 */
import test from 'ava'
import {clientTrafficFromConfigMap} from '../../src/translate/bundle/client-traffic.js'

function convert(data: Record<string, string>, nginxDefaults: boolean) {
  const cm = {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'ingress-nginx-controller', namespace: 'ingress-nginx'}, data}
  return clientTrafficFromConfigMap(cm, {gateway: {namespace: 'gateway', name: 'shared'}, clientIp: 'auto', nginxDefaults, httpsListener: 'https'})
}

const CASES = [
  {url: 'https://alice:s3cret-token@auth.example.com/verify', nginxDefaults: true, shown: 'https://<redacted>@auth.example.com/verify'},
  {url: 'https://alice:s3cret-token@auth.example.com/verify', nginxDefaults: false, shown: 'https://<redacted>@auth.example.com/verify'},
  {url: 'http://alice:s3cret-token@auth.shop.svc.cluster.local/verify', nginxDefaults: true, shown: 'http://<redacted>@auth.shop.svc.cluster.local/verify'},
  {url: 'http://alice:s3cret-token@auth.shop.svc.cluster.local/verify', nginxDefaults: false, shown: 'http://<redacted>@auth.shop.svc.cluster.local/verify'},
]

for (const c of CASES) {
  test(`global-auth-url ${c.shown} (--nginx-defaults ${c.nginxDefaults}): the userinfo appears nowhere in the result, the masked URL is quoted`, (t) => {
    const r = convert({'global-auth-url': c.url, 'global-auth-signin': 'https://bob:other-s3cret@login.example.com/start'}, c.nginxDefaults)
    const all = JSON.stringify(r)
    t.false(all.includes('s3cret'), 'no credential of the URLs is in the objects, diagnostics or checklist')
    const d = r.diagnostics.find((x) => x.code === 'global-auth-url')!
    t.true(d.message.includes(`"${c.shown}"`))
    if (d.data !== undefined) t.is(d.data.value, c.shown)
  })
}

test('an in-cluster global-auth-url with userinfo still names its Service in the extAuth', (t) => {
  const r = convert({'global-auth-url': 'http://alice:s3cret-token@auth.shop.svc.cluster.local:8080/verify'}, true)
  t.true(JSON.stringify(r).includes('"backendRefs":[{"group":"","kind":"Service","name":"auth","namespace":"shop","port":8080}]'))
})
