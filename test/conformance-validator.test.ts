/**
 * Proves test/support/conformance.ts works: valid objects pass, and each kind of check (pattern, required,
 * CEL, list-map/set uniqueness, metadata, unknown fields, placeholders) actually produces issues.
 */
import test from 'ava'
import {
  celCoverage,
  loadValidator,
  rewriteHas,
  isIPString,
  re2ToRegExp,
  SKIP_PLACEHOLDER,
  SKIP_TRANSITION,
  type ValidationIssue,
  type Validator,
} from './support/conformance.js'
import {EMITTED_KINDS, locate} from './support/cel-coverage-report.js'

const GW = 'gateway.networking.k8s.io/v1'
const EG = 'gateway.envoyproxy.io/v1alpha1'

const clone = <T>(o: T): T => structuredClone(o)
const paths = (issues: ValidationIssue[]) => issues.map((i) => i.path).sort()
const show = (issues: ValidationIssue[]) => JSON.stringify(issues, null, 2)

function httpRoute() {
  return {
    apiVersion: GW,
    kind: 'HTTPRoute',
    metadata: {name: 'shop', namespace: 'team-a', labels: {'app.kubernetes.io/managed-by': 'kubectl-ingress2gw'}},
    spec: {
      parentRefs: [{group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'shared', namespace: 'gateway-system', sectionName: 'https'}],
      hostnames: ['shop.example.com'],
      rules: [
        {
          matches: [{path: {type: 'PathPrefix', value: '/api'}}],
          backendRefs: [{name: 'shop-api', port: 8080}],
        },
      ],
    },
  }
}

function btp() {
  return {
    apiVersion: EG,
    kind: 'BackendTrafficPolicy',
    metadata: {name: 'shop-api', namespace: 'team-a'},
    spec: {
      targetRefs: [{group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'shop'}],
      requestBuffer: {limit: '8Mi'},
      timeout: {http: {requestTimeout: '60s'}, tcp: {connectTimeout: '5s'}},
      retry: {numRetries: 3, retryOn: {triggers: ['connect-failure', 'retriable-status-codes'], httpStatusCodes: [502, 503]}},
      loadBalancer: {type: 'ConsistentHash', consistentHash: {type: 'Cookie', cookie: {name: 'route', ttl: '48h'}}},
    },
  }
}

function gateway() {
  return {
    apiVersion: GW,
    kind: 'Gateway',
    metadata: {name: 'shared', namespace: 'gateway-system'},
    spec: {
      gatewayClassName: 'eg',
      listeners: [
        {name: 'http', protocol: 'HTTP', port: 80, allowedRoutes: {namespaces: {from: 'All'}}},
        {
          name: 'https',
          protocol: 'HTTPS',
          port: 443,
          hostname: '*.example.com',
          tls: {mode: 'Terminate', certificateRefs: [{kind: 'Secret', name: 'wildcard-tls'}]},
          allowedRoutes: {namespaces: {from: 'All'}},
        },
      ],
    },
  }
}

let v: Validator
test.before(async () => {
  v = await loadValidator()
})

// ---------------------------------------------------------------------------------------------------- valid

test('valid HTTPRoute (cross-namespace parentRef with sectionName, PathPrefix, backendRef with port) is clean', (t) => {
  t.deepEqual(v.validate(httpRoute()), [])
})

test('valid BackendTrafficPolicy is clean (int-or-string quantity as string and as integer)', (t) => {
  t.deepEqual(v.validate(btp()), [])
  const asInt = btp() as any
  asInt.spec.requestBuffer.limit = 8388608
  t.deepEqual(v.validate(asInt), [])
  // int-or-string: anything else is one issue (branch errors folded into the anyOf error).
  const asBool = btp() as any
  asBool.spec.requestBuffer.limit = true
  const issues = v.validate(asBool)
  t.deepEqual(issues.map((i) => i.path), ['spec.requestBuffer.limit'], show(issues))
  t.regex(issues[0]!.message, /anyOf.*integer.*string/)
})

test('valid Gateway with two listeners is clean', (t) => {
  t.deepEqual(v.validate(gateway()), [])
})

test('core kinds get a minimal metadata check', (t) => {
  t.deepEqual(v.validate({apiVersion: 'v1', kind: 'Secret', metadata: {name: 'wildcard-tls', namespace: 'gateway-system'}, type: 'kubernetes.io/tls'}), [])
  t.deepEqual(v.validate({apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'gateway-system'}}), [])
  t.deepEqual(v.validate({apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: {name: 'a.b', namespace: 'x'}}), [])
  t.deepEqual(paths(v.validate({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'Bad_Name', namespace: 'team_a'}})), ['metadata.name', 'metadata.namespace'])
  t.deepEqual(paths(v.validate({apiVersion: 'v1', kind: 'Service', metadata: {name: '1abc', namespace: 'a'}})), ['metadata.name'])
})

// ---------------------------------------------------------------------------------------------------- bad: schema

test('BTP: quantity pattern, duration pattern, and missing targetRefs[].group', (t) => {
  const bad = btp() as any
  bad.spec.requestBuffer.limit = '8m'
  bad.spec.timeout.http.requestTimeout = '1728000s'
  delete bad.spec.targetRefs[0].group
  const issues = v.validate(bad)
  const schemaIssues = issues.filter((i) => !i.rule)
  t.deepEqual(paths(schemaIssues), ['spec.requestBuffer.limit', 'spec.targetRefs[0].group', 'spec.timeout.http.requestTimeout'], show(issues))
  t.regex(schemaIssues.find((i) => i.path === 'spec.requestBuffer.limit')!.message, /must match pattern/)
  t.regex(schemaIssues.find((i) => i.path === 'spec.timeout.http.requestTimeout')!.message, /must match pattern/)
  t.regex(schemaIssues.find((i) => i.path === 'spec.targetRefs[0].group')!.message, /required property 'group'/)
})

test('unknown apiVersion / kind, not-served version, bad names, unknown fields', (t) => {
  t.deepEqual(paths(v.validate({apiVersion: 'example.com/v1', kind: 'Widget', metadata: {name: 'a'}})), ['apiVersion'])
  const notServed = v.validate({...httpRoute(), apiVersion: 'gateway.networking.k8s.io/v1alpha9'})
  t.is(notServed.length, 1)
  t.regex(notServed[0]!.message, /not served for kind HTTPRoute.*gateway\.networking\.k8s\.io\/v1/)

  const badName = httpRoute() as any
  badName.metadata.name = 'Shop_Route'
  badName.metadata.namespace = 'team.a'
  t.deepEqual(paths(v.validate(badName)), ['metadata.name', 'metadata.namespace'])

  const longName = httpRoute() as any
  longName.metadata.name = 'a'.repeat(254)
  t.deepEqual(paths(v.validate(longName)), ['metadata.name'])

  const unknown = httpRoute() as any
  unknown.spec.rules[0].backendRefs[0].prot = 80
  const issues = v.validate(unknown)
  t.true(issues.some((i) => i.path === 'spec.rules[0].backendRefs[0].prot' && /unknown field/.test(i.message)), show(issues))

  const metaTypo = httpRoute() as any
  metaTypo.metadata.label = {a: 'b'}
  t.deepEqual(paths(v.validate(metaTypo)), ['metadata.label'])

  const badLabel = httpRoute() as any
  badLabel.metadata.labels = {'ok/key': 'x'.repeat(64)}
  t.deepEqual(paths(v.validate(badLabel)), ['metadata.labels["ok/key"]'])
})

// ---------------------------------------------------------------------------------------------------- bad: CEL

function celIssues(issues: ValidationIssue[]) {
  return issues.filter((i) => i.rule !== undefined)
}

test('CEL: HTTPRoute rule with RequestRedirect filter and backendRefs', (t) => {
  const r = httpRoute() as any
  r.spec.rules[0].filters = [{type: 'RequestRedirect', requestRedirect: {scheme: 'https', statusCode: 301}}]
  const issues = v.validate(r)
  const cel = celIssues(issues)
  t.deepEqual(cel.map((i) => [i.path, i.message]), [['spec.rules[0]', 'RequestRedirect filter must not be used together with backendRefs']], show(issues))
  t.regex(cel[0]!.rule!, /requestRedirect/)
  t.is(issues.length, 1)
  // Redirect without backendRefs is fine.
  delete r.spec.rules[0].backendRefs
  t.deepEqual(v.validate(r), [])
})

test('CEL: SecurityPolicy targetRefs kind Service is rejected, HTTPRoute accepted', (t) => {
  const sp = {
    apiVersion: EG,
    kind: 'SecurityPolicy',
    metadata: {name: 'shop-cors', namespace: 'team-a'},
    spec: {
      targetRefs: [{group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'shop'}],
      cors: {allowOrigins: ['https://shop.example.com'], allowMethods: ['GET', 'POST'], maxAge: '480h'},
    },
  }
  t.deepEqual(v.validate(sp), [])
  const bad = clone(sp)
  bad.spec.targetRefs[0]!.kind = 'Service'
  const issues = v.validate(bad)
  t.true(issues.length >= 1, show(issues))
  t.true(issues.every((i) => i.rule !== undefined && i.path === 'spec'), show(issues))
  t.true(issues.some((i) => /kind/.test(i.rule!) && /Gateway/.test(i.rule!)), show(issues))
})

test('CEL: backendRef to a Service without port (kind/group come from schema defaults)', (t) => {
  const r = httpRoute() as any
  delete r.spec.rules[0].backendRefs[0].port
  const issues = v.validate(r)
  t.deepEqual(issues.map((i) => [i.path, i.message]), [['spec.rules[0].backendRefs[0]', 'Must have port for Service reference']], show(issues))
  // A non-Service backend needs no port.
  r.spec.rules[0].backendRefs[0].group = 'gateway.envoyproxy.io'
  r.spec.rules[0].backendRefs[0].kind = 'Backend'
  t.deepEqual(v.validate(r), [])
})

test("CEL: Exact path containing '//'", (t) => {
  const r = httpRoute() as any
  r.spec.rules[0].matches[0].path = {type: 'Exact', value: '/a//b'}
  const issues = v.validate(r)
  t.deepEqual(issues.map((i) => [i.path, i.message]), [['spec.rules[0].matches[0].path', "must not contain '//' when type one of ['Exact', 'PathPrefix']"]], show(issues))
  // RegularExpression paths are not subject to that rule.
  r.spec.rules[0].matches[0].path = {type: 'RegularExpression', value: '/a//b'}
  t.deepEqual(v.validate(r), [])
})

test('CEL: ClientTrafficPolicy clientIPDetection {} needs exactly one method', (t) => {
  const ctp = {
    apiVersion: EG,
    kind: 'ClientTrafficPolicy',
    metadata: {name: 'shared', namespace: 'gateway-system'},
    spec: {
      targetRefs: [{group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'shared'}],
      clientIPDetection: {xForwardedFor: {numTrustedHops: 1}},
    },
  }
  t.deepEqual(v.validate(ctp), [])
  const bad = clone(ctp) as any
  bad.spec.clientIPDetection = {}
  const issues = v.validate(bad)
  t.deepEqual(issues.map((i) => i.path), ['spec.clientIPDetection'], show(issues))
  t.regex(issues[0]!.rule!, /xForwardedFor.*customHeader.*directSourceIP/)
})

test('CEL shims: has(self[0].matches) rewrite, RE2 (?i) in matches(), isIP (GRPCRoute, TLSRoute)', async (t) => {
  t.is(rewriteHas('has(self[0].matches) && has(self.a.b)'), '__k8s_has(self[0], "matches") && has(self.a.b)')
  t.true(isIPString('10.0.0.1') && isIPString('::1') && isIPString('::ffff:10.0.0.1'))
  t.false(isIPString('010.0.0.1') || isIPString('fe80::1%eth0') || isIPString('example.com'))

  const rule = () => ({matches: Array.from({length: 9}, (_, i) => ({method: {service: 'shop.Cart', method: `M${i}`}})), backendRefs: [{name: 'grpc', port: 9000}]})
  const grpc = {apiVersion: GW, kind: 'GRPCRoute', metadata: {name: 'g', namespace: 'a'}, spec: {parentRefs: [{name: 'shared', namespace: 'gateway-system'}], rules: [rule()]}}
  const own = await loadValidator()
  t.deepEqual(own.validate(grpc), [])
  // The service rule uses RE2 `^(?i)...`, which JS RegExp rejects: it must be evaluated, not skipped.
  t.deepEqual(own.celStats().skippedReasons, {})
  const badService = clone(grpc) as any
  badService.spec.rules[0].matches[0].method.service = 'shop-Cart'
  const svcIssues = v.validate(badService)
  t.deepEqual(svcIssues.map((i) => i.path), ['spec.rules[0].matches[0].method'], show(svcIssues))
  t.regex(svcIssues[0]!.message, /service must only contain valid characters/)
  t.true(re2ToRegExp('^(?i)[a-z]+$').test('ABC'))
  const tooMany = clone(grpc) as any
  tooMany.spec.rules = Array.from({length: 15}, rule) // 135 matches
  const issues = v.validate(tooMany)
  t.deepEqual(issues.map((i) => i.path), ['spec.rules'], show(issues))
  t.regex(issues[0]!.message, /total number of matches/)

  const tls = {apiVersion: GW, kind: 'TLSRoute', metadata: {name: 't', namespace: 'a'}, spec: {parentRefs: [{name: 'shared'}], hostnames: ['db.example.com'], rules: [{backendRefs: [{name: 'db', port: 5432}]}]}}
  t.deepEqual(v.validate(tls), [])
  const ip = clone(tls) as any
  ip.spec.hostnames = ['10.1.2.3']
  const ipIssues = v.validate(ip)
  t.true(ipIssues.some((i) => i.path === 'spec.hostnames' && i.message === 'Hostnames cannot contain an IP'), show(ipIssues))
})

// ---------------------------------------------------------------------------------------------------- lists

test('list-map uniqueness: duplicate header names in requestHeaderModifier.set', (t) => {
  const r = httpRoute() as any
  r.spec.rules[0].filters = [{type: 'RequestHeaderModifier', requestHeaderModifier: {set: [{name: 'X-Forwarded-Proto', value: 'https'}, {name: 'X-Forwarded-Proto', value: 'http'}]}}]
  const issues = v.validate(r)
  t.deepEqual(issues.map((i) => i.path), ['spec.rules[0].filters[0].requestHeaderModifier.set[1]'], show(issues))
  t.regex(issues[0]!.message, /Duplicate value.*name="X-Forwarded-Proto"/)
  r.spec.rules[0].filters[0].requestHeaderModifier.set[1].name = 'X-Real-Scheme'
  t.deepEqual(v.validate(r), [])
})

test('list-set uniqueness: duplicate entries in requestHeaderModifier.remove', (t) => {
  const r = httpRoute() as any
  r.spec.rules[0].filters = [{type: 'RequestHeaderModifier', requestHeaderModifier: {remove: ['X-Debug', 'X-Debug']}}]
  t.deepEqual(v.validate(r).map((i) => i.path), ['spec.rules[0].filters[0].requestHeaderModifier.remove[1]'])
})

// ---------------------------------------------------------------------------------------------------- placeholders

test('placeholders: app.${SECRET_DOMAIN} is not an issue, app..bad is', (t) => {
  const ok = httpRoute() as any
  ok.spec.hostnames = ['app.${SECRET_DOMAIN}']
  t.deepEqual(v.validate(ok), [])
  const bad = httpRoute() as any
  bad.spec.hostnames = ['app..bad']
  const issues = v.validate(bad)
  t.deepEqual(issues.map((i) => i.path), ['spec.hostnames[0]'], show(issues))
  t.regex(issues[0]!.message, /must match pattern/)
})

test('placeholders: a field no substitution can make valid is reported, after substituting representative values', (t) => {
  const bad = httpRoute() as any
  // `app..` stays two dots whatever SECRET_DOMAIN is: the hostname pattern fails for every substitution.
  bad.spec.hostnames = ['app..${SECRET_DOMAIN}']
  const issues = v.validate(bad)
  t.deepEqual(issues.map((i) => i.path), ['spec.hostnames[0]'], show(issues))
  t.regex(issues[0]!.message, /for every representative substitution/)
  // A bare placeholder, a placeholder inside a label, a path made of one: each passes for some representative value.
  const ok = httpRoute() as any
  ok.spec.hostnames = ['${HOST}', 'x-${ENV}.${SECRET_DOMAIN}']
  ok.spec.rules[0].matches[0].path = {type: 'PathPrefix', value: '${BASE_PATH}/api'}
  t.deepEqual(v.validate(ok), [])
})

test('placeholders: a CEL failure on a subtree containing ${ is skipped and counted, not reported', async (t) => {
  const own = await loadValidator()
  const r = httpRoute() as any
  r.spec.rules[0].matches[0].path = {type: 'PathPrefix', value: '${BASE_PATH}/api'}
  t.deepEqual(own.validate(r), [])
  t.true((own.celStats().skippedReasons[SKIP_PLACEHOLDER] ?? 0) >= 1, JSON.stringify(own.celStats()))
  // The same value without the placeholder fails the "must start with /" rule.
  r.spec.rules[0].matches[0].path.value = 'BASE/api'
  t.true(own.validate(r).some((i) => i.rule !== undefined && i.path === 'spec.rules[0].matches[0].path'))
})

// ---------------------------------------------------------------------------------------------------- stats

test('celStats: evaluated > 0, skipped reasons (transition rules) are counted per validator', async (t) => {
  const own = await loadValidator()
  t.deepEqual(own.celStats(), {evaluated: 0, skipped: 0, skippedReasons: {}})
  own.validate(httpRoute())
  const afterRoute = own.celStats()
  t.true(afterRoute.evaluated > 0)
  t.is(afterRoute.skipped, 0, JSON.stringify(afterRoute))
  // GatewayClass.spec.controllerName carries `self == oldSelf` (immutability): a transition rule.
  t.deepEqual(own.validate({apiVersion: GW, kind: 'GatewayClass', metadata: {name: 'eg'}, spec: {controllerName: 'gateway.envoyproxy.io/gatewayclass-controller'}}), [])
  const stats = own.celStats()
  t.is(stats.skippedReasons[SKIP_TRANSITION], 1, JSON.stringify(stats))
  t.is(stats.skipped, Object.values(stats.skippedReasons).reduce((a, b) => a + b, 0))
})

test('experimental channel loads experimental-only kinds and is cached separately', async (t) => {
  const exp = await loadValidator({channel: 'experimental'})
  const xbe = {apiVersion: 'gateway.networking.x-k8s.io/v1alpha1', kind: 'XBackend', metadata: {name: 'b', namespace: 'a'}}
  t.deepEqual(paths(v.validate(xbe)), ['apiVersion'])
  t.false(exp.validate(xbe).some((i) => i.path === 'apiVersion'))
  t.deepEqual(exp.validate(httpRoute()), [])
})

test('every compiled CEL rule of the emitted kinds evaluates to a bool on a synthetic instance', async (t) => {
  const rows = (await celCoverage({channel: 'experimental'})).filter((r) => EMITTED_KINDS.includes(r.kind))
  const {locations} = await locate(rows)
  t.true(locations.length > 500)
  const bad = locations.filter((l) => l.synthetic !== 'bool').map((l) => `${l.kind} ${l.path}: ${l.synthetic ?? l.reason}`)
  t.deepEqual(bad, [])
})
