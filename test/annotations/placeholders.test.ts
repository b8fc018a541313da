/**
 * Flux `${VAR}` placeholders (src/annotations/placeholders.ts): the grammar of fluxcd/pkg envsubst/parse
 * (parse.go parseAny/parseFunc, scan.go scanEscaped/scanLbrack), the sentinels the core reads, and "valid for some
 * substitution". Then what the translation does with them: opaque where the value is text, needs-substitution where
 * only a substitution can type it, refused where no substitution can make it valid.
 */
import test from 'ava'
import {
  findPlaceholders,
  hasPlaceholders,
  hasSentinels,
  restoreDeep,
  restorePlaceholders,
  toSentinels,
  validForSomeSubstitution,
} from '../../src/annotations/placeholders.js'
import {parseInt10} from '../../src/model/parsers.js'
import {parseNginxSize} from '../../src/model/units.js'
import {normalizeSourceRange} from '../../src/annotations/access-lists.js'
import {translate} from '../../src/translate/index.js'
import {fixture, P, service, translateAll} from './support.js'

test('the envsubst forms Flux substitutes are placeholders, with the default of the toDefault functions', (t) => {
  const one = (v: string) => {
    const list = findPlaceholders(v)
    t.is(list.length, 1, v)
    return list[0]!
  }
  t.like(one('https://auth.${SECRET_DOMAIN}/oauth2/auth'), {text: '${SECRET_DOMAIN}', name: 'SECRET_DOMAIN', start: 13, end: 29})
  t.is(one('${SECRET_DOMAIN}').fallback, undefined)
  // template.go lookupFunc: `=`, `:=`, `:-`, `:?`, `:+`, `-`, `+` (and `?`) all evaluate with toDefault.
  for (const op of [':=', ':-', ':?', ':+', '=', '-', '?', '+']) t.is(one(`\${TIMEOUT${op}60}`).fallback, '60', op)
  // Functions that transform the value are placeholders too (no default).
  t.like(one('${SECRET_DOMAIN/./-}-tls'), {name: 'SECRET_DOMAIN', text: '${SECRET_DOMAIN/./-}'})
  t.is(one('${SECRET_DOMAIN/./-}-tls').fallback, undefined)
  t.like(one('${#NAME}'), {name: 'NAME'})
  t.like(one('${NAME,,}'), {name: 'NAME'})
  // A default holding a placeholder: the whole text up to the matching brace, no fallback.
  t.like(one('a.${HOST:=${DOMAIN}}.b'), {text: '${HOST:=${DOMAIN}}'})
  t.is(one('a.${HOST:=${DOMAIN}}.b').fallback, undefined)
  t.deepEqual(findPlaceholders('${A}.${B}').map((p) => p.name), ['A', 'B'])
})

test('what Flux leaves alone is not a placeholder: $VAR, $${VAR}, a brace never closed, a name that is not an identifier', (t) => {
  // nginx variables are `$host`, `$request_uri`: without braces envsubst keeps them as text.
  t.false(hasPlaceholders('https://$host/oauth2/auth?rd=$escaped_request_uri'))
  // scan.go scanEscaped: `$$` is a literal `$`.
  t.false(hasPlaceholders('$${SECRET_DOMAIN}'))
  t.false(hasPlaceholders('${SECRET_DOMAIN'))
  t.false(hasPlaceholders('${1ABC}'))
  t.false(hasPlaceholders('${}'))
  t.true(hasPlaceholders('$$x ${A}'))
})

test('sentinels are lower-case DNS-label text, reversible, and every placeholder comes back as written', (t) => {
  const value = 'https://auth.${SECRET_DOMAIN}/x?a=${Q:=1}'
  const read = toSentinels(value)
  t.false(read.includes('$'))
  t.true(hasSentinels(read))
  t.regex(read.split('/')[2]!.split('.')[1]!, /^[a-z][a-z0-9]*$/)
  t.is(restorePlaceholders(read), value)
  t.is(toSentinels('no placeholder'), 'no placeholder')
  // A sentinel-looking text that does not decode to a placeholder is left alone.
  t.is(restorePlaceholders('zq6162qz'), 'zq6162qz')
  const tree = {spec: {hostnames: [toSentinels('app.${D}')], rules: [{value: 3}]}, [toSentinels('${K}')]: 'v', map: new Map([[toSentinels('${M}'), toSentinels('x${N}')]])}
  restoreDeep(tree)
  t.deepEqual(tree.spec.hostnames, ['app.${D}'])
  t.is((tree as any)['${K}'], 'v')
  t.deepEqual([...tree.map], [['${M}', 'x${N}']])
})

test('valid for some substitution: a whole placeholder always, partly literal values when a representative passes', (t) => {
  const int = (v: string) => parseInt10(v).ok
  const size = (v: string) => parseNginxSize(v).ok
  const cidr = (v: string) => normalizeSourceRange(v) !== undefined
  t.true(validForSomeSubstitution('${TIMEOUT}', int))
  t.true(validForSomeSubstitution('${TIMEOUT}0', int))
  t.true(validForSomeSubstitution('${BODY}m', size))
  t.true(validForSomeSubstitution('10.${NET}.0.0/16', cidr))
  t.true(validForSomeSubstitution('${LAN}/24', cidr))
  // The placeholder's own default is tried first.
  t.true(validForSomeSubstitution('x${A:=-}y', (v) => v === 'x-y'))
  // No substitution makes these valid: a unit after an integer, two units after a size, a space in a CIDR.
  t.false(validForSomeSubstitution('${TIMEOUT}s', int))
  t.false(validForSomeSubstitution('${BODY}mb', size))
  t.false(validForSomeSubstitution('10.${NET} .0.0/16', cidr))
  t.false(validForSomeSubstitution('plain', int))
})

// ---------------------------------------------------------------------------------------------------- translation

const {run} = fixture({name: 'app', namespace: 'media', host: 'app.${SECRET_DOMAIN}'})

const codes = (r: ReturnType<typeof run>, code: string) => r.diagnostics.filter((d) => d.code === code)

test('auth-url with a placeholder host is an external auth URL, not an invalid value: the Ingress is served and fails closed', (t) => {
  const r = run({'auth-url': 'https://auth.${SECRET_DOMAIN}/oauth2/auth'})
  t.deepEqual(codes(r, 'ingress-not-served'), [])
  t.deepEqual(codes(r, 'invalid-annotation-value'), [])
  t.is(r.ingresses[0]!.status, 'converted')
  const route = r.objects.find((o) => o.kind === 'HTTPRoute')!
  t.deepEqual(route.spec.hostnames, ['app.${SECRET_DOMAIN}'])
  // Outside the cluster, as auth.example.com would be: the route is protected by a deny-all until the backend is set.
  const unresolved = codes(r, 'auth-url-unresolved-fail-closed')
  t.is(unresolved.length, 1)
  t.true(unresolved[0]!.message.includes('"https://auth.${SECRET_DOMAIN}/oauth2/auth"'))
  t.false(JSON.stringify(r).includes('zq'))
})

test('the same values read from a live cluster are final: ${...} is literal text there, as the API server stored it', (t) => {
  const object = fixture({name: 'app', namespace: 'media', host: 'app.example.com'}).ingress({'proxy-read-timeout': '${TIMEOUT}'})
  const r = translate({objects: [{object, source: {cluster: true}}]})
  t.deepEqual(codes(r, 'needs-substitution'), [])
  const d = codes(r, 'invalid-annotation-value')[0]!
  t.is(d.data?.value, '${TIMEOUT}')
  t.true(String(d.data?.reason).includes('"${TIMEOUT}" is not an integer'))
})

test('a number only a substitution gives is reported and left out, with the default named; never read as a sentinel', (t) => {
  const r = run({'proxy-read-timeout': '${TIMEOUT}', 'proxy-body-size': '${BODY:=8m}'})
  const found = codes(r, 'needs-substitution').filter((d) => d.annotation !== undefined)
  t.deepEqual(found.map((d) => [d.annotation, d.level, d.fidelity]), [
    [`${P}proxy-body-size`, 'warning', 'manual'],
    [`${P}proxy-read-timeout`, 'warning', 'manual'],
  ])
  t.true(found[1]!.message.includes('"${TIMEOUT}"') && found[1]!.message.includes('default (60)'))
  t.deepEqual(r.ingresses[0]!.annotations, {[`${P}proxy-body-size`]: 'manual', [`${P}proxy-read-timeout`]: 'manual'})
  t.false(JSON.stringify(r.objects).includes('zq'))
})

test('a security value only a substitution gives denies the paths (fail closed) instead of publishing them open', (t) => {
  const r = run({'auth-type': '${AUTH_TYPE}', 'auth-secret': 'basic-auth'})
  const d = codes(r, 'needs-substitution').find((x) => x.annotation === `${P}auth-type`)!
  t.is(d.level, 'error')
  t.true(d.message.includes('answers 503'))
  t.is(r.ingresses[0]!.status, 'denied')
  t.truthy(r.objects.find((o) => o.kind === 'HTTPRouteFilter' && o.spec.directResponse?.statusCode === 503))
})

test('CIDR entries with placeholders are kept verbatim in clientCIDRs; the others are normalized as before', (t) => {
  const r = run({'allowlist-source-range': '10.${NET}.0.0/16, 192.168.1.7, ${LAN}'})
  const sp = r.objects.find((o) => o.kind === 'SecurityPolicy')!
  t.deepEqual(sp.spec.authorization.rules[0].principal.clientCIDRs, ['10.${NET}.0.0/16', '192.168.1.7/32', '${LAN}'])
  t.truthy(codes(r, 'needs-substitution').find((d) => d.object === 'SecurityPolicy media/app'))
})

test('a value invalid whatever the substitution is refused as nginx refuses it, naming the value and the placeholder', (t) => {
  const r = run({'limit-rps': '${RPS}/s'})
  const d = codes(r, 'ingress-not-served')[0]!
  t.is(d.annotation, `${P}limit-rps`)
  t.is(d.data?.problem, 'invalid')
  t.is(d.data?.value, '${RPS}/s', 'the value as written, not its sentinel form')
  t.true(d.message.includes('"${RPS}/s"') && d.message.includes('whatever ${RPS} is substituted with'), d.message)
  t.is(d.object, 'Ingress media/app')
})

test('canary only a substitution decides is not converted (as a primary it would take the traffic)', (t) => {
  const r = run({canary: '${CANARY}', 'canary-weight': '10'})
  t.is(codes(r, 'needs-substitution')[0]!.annotation, `${P}canary`)
  t.deepEqual(r.objects.filter((o) => o.kind === 'HTTPRoute'), [])
})

test('nginx variables written with braces stay nginx variables where the key takes them', (t) => {
  const r = run({'upstream-hash-by': '${request_uri}'})
  t.deepEqual(codes(r, 'needs-substitution').filter((d) => d.annotation !== undefined), [])
  t.deepEqual(codes(r, 'invalid-annotation-value'), [])
})

test('hosts read from annotation values meet the rule hosts as written: a server-alias that is another host is dropped', (t) => {
  const {ingress} = fixture({namespace: 'media'})
  const r = translateAll([
    ingress({'server-alias': 'www.${SECRET_DOMAIN}, alt.${SECRET_DOMAIN}'}, {name: 'a', host: 'web.${SECRET_DOMAIN}'}),
    ingress({}, {name: 'b', host: 'www.${SECRET_DOMAIN}'}),
  ])
  t.is(codes(r, 'server-alias-is-host').length, 1)
  const a = r.objects.find((o) => o.kind === 'HTTPRoute' && o.metadata.name === 'a')!
  t.deepEqual(a.spec.hostnames, ['web.${SECRET_DOMAIN}', 'alt.${SECRET_DOMAIN}'])
})

test('a path with a placeholder stays a PathPrefix match as written (escaped into a regex, Flux would no longer fill it in)', (t) => {
  const r = run({}, {ingress: {paths: ['/${URL_PREFIX}/api']}})
  const route = r.objects.find((o) => o.kind === 'HTTPRoute')!
  t.deepEqual(route.spec.rules[0].matches, [{path: {type: 'PathPrefix', value: '/${URL_PREFIX}/api'}}])
  t.deepEqual(codes(r, 'literal-path-as-regex'), [])
})

test('a Service named by an annotation value with a placeholder is found under the same name in the input', (t) => {
  // auth-url `svc.ns` (url.ts classifyAuthUrl) is a Service only when that Service is in the input.
  const auth = {'auth-url': 'http://${APP}-auth.media:4180/oauth2/auth'}
  const found = run(auth, {extra: [service('media', '${APP}-auth', 4180)]})
  const sp = found.objects.find((o) => o.kind === 'SecurityPolicy')!
  t.deepEqual(sp.spec.extAuth.http.backendRefs, [{name: '${APP}-auth', port: 4180}])
  const missing = run(auth)
  t.is(codes(missing, 'auth-url-unresolved-fail-closed').length, 1)
})

test('a routing setting only a substitution gives is an error: its default can send requests in another protocol', (t) => {
  const r = run({'backend-protocol': '${PROTOCOL:=HTTPS}'})
  const d = codes(r, 'needs-substitution').find((x) => x.annotation === `${P}backend-protocol`)!
  t.is(d.level, 'error')
  t.true(d.message.includes('"${PROTOCOL:=HTTPS}"') && d.hint!.includes('flux build'))
  // The route is still emitted, with the default (HTTP) backend.
  t.truthy(r.objects.find((o) => o.kind === 'HTTPRoute'))
})

test('auth-tls-match-cn only a substitution gives denies the paths: left out, every certificate of the CA would pass', (t) => {
  // client-certificates.ts: a literal CN keeps the mTLS listener out (no listener field checks the subject); the
  // placeholder must not fall back to "no CN check", which nginx (authtls main.go, matchCN -> 403) never did.
  const r = run({'auth-tls-secret': 'media/ca', 'auth-tls-match-cn': '${ALLOWED_CN}'}, {ingress: {host: 'api.example.com', tls: true}, translate: {emitGateway: true}})
  const d = codes(r, 'needs-substitution').find((x) => x.annotation === `${P}auth-tls-match-cn`)!
  t.is(d.level, 'error')
  t.is(r.ingresses[0]!.status, 'denied')
  t.truthy(r.objects.find((o) => o.kind === 'HTTPRouteFilter' && o.spec.directResponse?.statusCode === 503))
})

test('an Ingress with kustomize.toolkit.fluxcd.io/substitute: disabled is not substituted: ${...} is literal text', (t) => {
  // fluxcd/pkg kustomize/kustomize_varsub.go SubstituteVariables returns before envsubst when the resource's label or
  // annotation kustomize.toolkit.fluxcd.io/substitute is "disabled": the API server and nginx get the text as written.
  for (const where of ['annotation', 'label'] as const) {
    const object = fixture({name: 'app', namespace: 'media', host: 'app.example.com'}).ingress({'proxy-read-timeout': '${TIMEOUT}', ...(where === 'annotation' ? {'kustomize.toolkit.fluxcd.io/substitute': 'disabled'} : {})})
    if (where === 'label') object.metadata.labels = {'kustomize.toolkit.fluxcd.io/substitute': 'disabled'}
    const r = translateAll([object])
    t.deepEqual(codes(r, 'needs-substitution'), [], where)
    t.deepEqual(codes(r, 'gitops-placeholders'), [], where)
    t.true(codes(r, 'invalid-annotation-value')[0]?.message.includes('"${TIMEOUT}" is not an integer'), where)
  }
})

test('an empty substitution is one Flux makes: a value valid once the placeholder is empty is not "invalid whatever"', (t) => {
  // kustomize_varsub.go varSubstitution: without strict mode an unset variable is "" (the mapping returns vars[s], true).
  const size = (v: string) => parseNginxSize(v).ok
  t.true(validForSomeSubstitution('8m${BODY_SUFFIX}', size))
  const r = run({'allowlist-source-range': '10.0.0.0/8${MORE_CIDRS}', 'proxy-body-size': '8m${BODY_SUFFIX}'})
  t.deepEqual(codes(r, 'locations-denied'), [])
  t.deepEqual(codes(r, 'invalid-annotation-value'), [])
  // Kept as written: "" gives 10.0.0.0/8; a ",..." list in the entry fails Envoy Gateway's ParseCIDR (500, closed).
  const sp = r.objects.find((o) => o.kind === 'SecurityPolicy')!
  t.deepEqual(sp.spec.authorization.rules[0].principal.clientCIDRs, ['10.0.0.0/8${MORE_CIDRS}'])
  t.is(codes(r, 'needs-substitution').find((x) => x.annotation === `${P}proxy-body-size`)?.level, 'warning')
})
