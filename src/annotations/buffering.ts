import {parseBool, parseEnum, parseInt10, parseString} from '../model/parsers.js'
import type {AnnotationFamily, FamilyContext} from './types.js'
import type {ParseResult} from '../model/parsers.js'
import {ownRequestBuffer} from './body-size.js'
import {longLivedDefault} from './timeouts.js'
import {type NginxSize, parseNginxSize} from '../model/units.js'

/**
 * proxy-buffering, proxy-buffer(s)-*, proxy-max-temp-file-size, proxy-request-buffering, proxy-http-version,
 * connection-proxy-header, http2-push-preload, access/rewrite log and OpenTelemetry switches -> nothing.
 *
 * These tune how nginx buffers, logs and traces; Envoy streams in both directions with flow control and configures
 * logging and tracing for the whole Gateway (EnvoyProxy telemetry). Values whose effect is visible to clients or
 * backends (a response header larger than Envoy accepts, HTTP/1.0 upstream, `Connection: close`, a route kept out
 * of the access log or traces) are reported with what to do instead of being silently dropped.
 */

/** Envoy's default limit on the size of response headers from a backend (max_response_headers_kb default, 60 KiB). */
const ENVOY_MAX_RESPONSE_HEADERS = 60 * 1024


function parseOnOff(value: string): ParseResult<'on' | 'off'> {
  return parseEnum(['on', 'off'] as const)(value)
}

/** ingress-nginx's validator for connection-proxy-header removes spaces before matching `^(close|keep-alive)$`. */
function parseConnectionHeader(value: string): ParseResult<'close' | 'keep-alive'> {
  const v = value.replace(/ /g, '')
  return v === 'close' || v === 'keep-alive' ? {ok: true, value: v} : {ok: false, reason: `"${value}" is not close or keep-alive`}
}

function applyRequestBuffering(ctx: FamilyContext): void {
  const mode = ctx.value<'on' | 'off'>('proxy-request-buffering')
  if (mode === undefined) return
  const own = ownRequestBuffer(ctx)
  if (mode === 'on') {
    ctx.account(
      'proxy-request-buffering',
      'ignored',
      own
        ? 'nginx read the whole request body before contacting the backend; so does Envoy here, because proxy-body-size adds requestBuffer'
        : 'nginx read the whole request body before contacting the backend (its default), which only shielded backends from slow uploads; Envoy streams request bodies and nothing depends on the difference',
    )
    return
  }
  if (own) {
    ctx.account(
      'proxy-request-buffering',
      'approximate',
      `"off" asks nginx to stream request bodies to the backend, but the requestBuffer that enforces proxy-body-size ${own.text} makes Envoy read each whole request first`,
      {hint: 'if streaming matters more than the size limit, set proxy-body-size "0" on the Ingress and convert again (no requestBuffer then)'},
    )
    return
  }
  // Streaming must not come back through the Gateway-level requestBuffer (--nginx-defaults): the route's policy
  // replaces the Gateway one without it. A long-lived ConfigMap leaves the Gateway-level policy without requestBuffer.
  const defaults = ctx.lookup.controllerDefaults()
  if (longLivedDefault(defaults)) {
    ctx.account('proxy-request-buffering', 'exact', '"off" streams request bodies to the backend, as Envoy does by default', {level: 'info', code: 'request-streaming'})
    return
  }
  ctx.patch.policies.push({kind: 'BackendTrafficPolicy', path: 'requestBuffer', value: undefined, optOut: true, from: [ctx.fullKey('proxy-request-buffering')]})
  const gatewayLimit = parseNginxSize(defaults.proxyBodySize)
  if (ctx.options.nginxDefaults && ctx.ingress.settings.proxyBodySize.from !== 'annotation' && gatewayLimit.ok && !gatewayLimit.value.unlimited) {
    ctx.account(
      'proxy-request-buffering',
      'approximate',
      `"off" streams request bodies to the backend: this route's BackendTrafficPolicy replaces the Gateway-level one without its requestBuffer, which would make Envoy read each whole request first (and refuse upgrades); the ConfigMap's proxy-body-size ${gatewayLimit.value.text} is therefore not enforced here, where nginx refused larger bodies with 413`,
    )
  } else {
    ctx.account('proxy-request-buffering', 'exact', '"off" streams request bodies to the backend, as Envoy does by default', {level: 'info', code: 'request-streaming'})
  }
}

function applyBufferSize(ctx: FamilyContext): void {
  const size = ctx.value<NginxSize>('proxy-buffer-size')
  if (size === undefined) return
  if (size.bytes > ENVOY_MAX_RESPONSE_HEADERS) {
    ctx.account(
      'proxy-buffer-size',
      'approximate',
      `"${size.text}" let nginx accept backend response headers up to ${size.text}; Envoy accepts at most 60 KiB of response headers by default and answers 502 above that`,
      {hint: 'check whether the backend really sends more than 60 KiB of headers (large Set-Cookie values); Envoy Gateway has no per-route setting for this limit'},
    )
  } else {
    ctx.account(
      'proxy-buffer-size',
      'ignored',
      `"${size.text}" is the nginx buffer for the backend's response headers (too small a buffer gave 502 "upstream sent too big header"); Envoy accepts up to 60 KiB of response headers without tuning`,
    )
  }
}

function applyHttpVersion(ctx: FamilyContext): void {
  const version = ctx.value<'1.0' | '1.1'>('proxy-http-version')
  if (version === '1.0') {
    ctx.account(
      'proxy-http-version',
      'approximate',
      '"1.0" made nginx speak HTTP/1.0 to the backend (no keep-alive, no chunked bodies); Envoy always speaks HTTP/1.1 to HTTP/1 backends',
      {hint: 'check that the backend accepts HTTP/1.1 requests (nearly every server does); Envoy Gateway has no HTTP/1.0 upstream option'},
    )
  } else if (version === '1.1') {
    ctx.account('proxy-http-version', 'ignored', '"1.1" is nginx\'s default; Envoy speaks HTTP/1.1 to HTTP/1 backends')
  }
}

function applyConnectionHeader(ctx: FamilyContext): void {
  const value = ctx.value<'close' | 'keep-alive'>('connection-proxy-header')
  if (value === 'keep-alive') {
    ctx.account(
      'connection-proxy-header',
      'ignored',
      'Envoy keeps upstream connections alive and manages the Connection header itself (nginx with this value also stopped forwarding WebSocket upgrades on this Ingress; Envoy forwards them)',
    )
  } else if (value === 'close') {
    ctx.account(
      'connection-proxy-header',
      'approximate',
      '"close" made nginx open a new backend connection for every request; Envoy reuses pooled connections and sets the Connection header itself',
      {hint: 'if the backend needs one request per connection, set circuitBreaker.maxRequestsPerConnection: 1 in the BackendTrafficPolicy'},
    )
  }
}

function applyObservability(ctx: FamilyContext): void {
  const access = ctx.value<boolean>('enable-access-log')
  if (access === true) ctx.account('enable-access-log', 'ignored', 'true is nginx\'s default; Envoy Gateway writes access logs for every route when they are enabled on the Gateway (EnvoyProxy telemetry.accessLog)')
  else if (access === false) {
    ctx.account('enable-access-log', 'manual', 'nginx wrote no access log for this Ingress; Envoy Gateway configures access logs for the whole Gateway, so its requests are logged', {
      level: 'info',
      hint: 'to keep these requests out of the log, add a CEL filter to the EnvoyProxy access log settings (telemetry.accessLog.settings[].matches), e.g. !(request.host == "<host>")',
    })
  }

  const enabled = ctx.value<boolean>('enable-opentelemetry')
  if (enabled !== undefined) {
    ctx.account(
      'enable-opentelemetry',
      'manual',
      enabled
        ? 'nginx traced this Ingress with OpenTelemetry; Envoy Gateway traces when the Gateway has a tracing provider (EnvoyProxy telemetry.tracing), for every route'
        : 'nginx did not trace this Ingress; Envoy Gateway traces every route once the Gateway has a tracing provider',
      {
        level: 'info',
        hint: enabled
          ? 'configure an OpenTelemetry provider in EnvoyProxy telemetry.tracing; per-route sampling is BackendTrafficPolicy telemetry.tracing.samplingFraction'
          : 'if the Gateway traces, set BackendTrafficPolicy telemetry.tracing.samplingFraction.numerator: 0 for this route',
      },
    )
  }
  const trust = ctx.value<boolean>('opentelemetry-trust-incoming-span')
  if (trust !== undefined) {
    if (enabled !== true) ctx.account('opentelemetry-trust-incoming-span', 'ignored', 'has no effect without enable-opentelemetry: "true"')
    else if (trust) ctx.account('opentelemetry-trust-incoming-span', 'ignored', 'true is nginx\'s default: Envoy also continues the trace of an incoming traceparent')
    else {
      ctx.account('opentelemetry-trust-incoming-span', 'manual', 'nginx started a new trace instead of continuing the caller\'s span; Envoy continues incoming trace context', {
        level: 'info',
        hint: 'strip traceparent/tracestate at the edge (HTTPRoute RequestHeaderModifier remove) if callers must not parent these spans',
      })
    }
  }
  const operation = ctx.value<string>('opentelemetry-operation-name')
  if (operation !== undefined) {
    if (enabled !== true) {
      ctx.account('opentelemetry-operation-name', 'ignored', 'has no effect without enable-opentelemetry: "true"')
    } else {
      ctx.account('opentelemetry-operation-name', 'manual', `nginx named this Ingress's spans "${operation}"`, {
        level: 'info',
        hint: `set BackendTrafficPolicy telemetry.tracing.spanName (server: "${operation}", client: "${operation}") once the Gateway traces`,
      })
    }
  }
}

export const bufferingFamily: AnnotationFamily = {
  name: 'buffering',
  specs: [
    {
      key: 'proxy-buffering',
      summary: 'Buffer backend responses in nginx (on) or pass them through (off, the ingress-nginx default)',
      fidelity: 'ignored',
      target: 'none',
      note: 'Envoy streams responses to clients with flow control; nginx response buffering only freed backends early from slow clients',
      default: 'off',
      parse: parseOnOff,
    },
    {
      key: 'proxy-buffer-size',
      summary: 'Buffer for the first part of the backend response, which must hold all response headers',
      fidelity: 'ignored',
      target: 'none (approximate above 60k: Envoy\'s response header limit)',
      note: 'nginx needed it raised for large response headers; Envoy accepts up to 60 KiB of response headers by default',
      default: '4k',
      parse: parseNginxSize,
    },
    {
      key: 'proxy-buffers-number',
      summary: 'Number of response buffers per connection',
      fidelity: 'ignored',
      target: 'none',
      note: 'nginx response buffering tuning; Envoy streams responses with its own flow-control buffers',
      default: '4',
      parse: parseInt10,
    },
    {
      key: 'proxy-busy-buffers-size',
      summary: 'Response buffers that may be busy sending to the client',
      fidelity: 'ignored',
      target: 'none',
      note: 'nginx response buffering tuning; Envoy streams responses with its own flow-control buffers',
      parse: parseNginxSize,
    },
    {
      key: 'proxy-max-temp-file-size',
      summary: 'Largest temporary file for buffered responses',
      fidelity: 'ignored',
      target: 'none',
      note: 'Envoy never spools responses to disk, so there is no file size to bound',
      default: '1024m',
      parse: parseNginxSize,
    },
    {
      key: 'proxy-request-buffering',
      summary: 'Read the whole request body before proxying (on, default) or stream it (off)',
      fidelity: 'ignored',
      target: 'none (Envoy streams request bodies unless requestBuffer is set by proxy-body-size)',
      note: 'Envoy streams request bodies by default; whole-request buffering only shielded backends from slow uploads',
      default: 'on',
      parse: parseOnOff,
    },
    {
      key: 'proxy-http-version',
      summary: 'HTTP version nginx speaks to the backend (1.0 or 1.1)',
      fidelity: 'ignored',
      target: 'none (Envoy speaks HTTP/1.1 to HTTP/1 backends)',
      note: '1.1 is what Envoy speaks; 1.0 is reported as approximate',
      default: '1.1',
      parse: parseEnum(['1.0', '1.1'] as const),
    },
    {
      key: 'connection-proxy-header',
      summary: 'Value of the Connection header sent to the backend (close or keep-alive)',
      fidelity: 'ignored',
      target: 'none (Envoy manages upstream connections and the Connection header)',
      note: 'Envoy pools upstream connections and sets Connection itself; close is reported as approximate',
      parse: parseConnectionHeader,
    },
    {
      key: 'http2-push-preload',
      summary: 'Turn Link: preload response headers into HTTP/2 server push',
      fidelity: 'ignored',
      target: 'none',
      note: 'a no-op since nginx 1.25 removed HTTP/2 push (ingress-nginx v1.12+); browsers dropped push as well, and Envoy never implemented it',
      default: 'false',
      parse: parseBool,
    },
    {
      key: 'enable-access-log',
      summary: 'Write access log lines for this Ingress (default true)',
      fidelity: 'ignored',
      target: 'none (EnvoyProxy telemetry.accessLog, Gateway-wide)',
      note: 'Envoy Gateway configures access logs for the whole Gateway; "false" is reported as manual with the CEL filter to add',
      default: 'true',
      parse: parseBool,
    },
    {
      key: 'enable-rewrite-log',
      summary: 'Log nginx rewrite processing at notice level (debugging)',
      fidelity: 'ignored',
      target: 'none',
      note: 'a debugging aid for nginx rewrite rules, which no longer exist under Envoy',
      default: 'false',
      parse: parseBool,
    },
    {
      key: 'enable-opentelemetry',
      summary: 'Trace this Ingress with OpenTelemetry (the controller must have it configured)',
      fidelity: 'manual',
      target: 'EnvoyProxy telemetry.tracing (Gateway-wide); BackendTrafficPolicy telemetry.tracing per route',
      note: 'Envoy Gateway enables tracing for the whole Gateway in EnvoyProxy telemetry.tracing; per-route sampling is BackendTrafficPolicy telemetry.tracing.samplingFraction',
      parse: parseBool,
    },
    {
      key: 'opentelemetry-trust-incoming-span',
      summary: 'Continue the caller\'s trace (default true)',
      fidelity: 'ignored',
      target: 'none (Envoy continues incoming trace context)',
      note: 'Envoy continues an incoming traceparent as nginx does by default; "false" is reported as manual',
      default: 'true',
      parse: parseBool,
    },
    {
      key: 'opentelemetry-operation-name',
      summary: 'Span name for this Ingress (letters, digits, _ and -)',
      fidelity: 'manual',
      target: 'BackendTrafficPolicy telemetry.tracing.spanName',
      note: 'set BackendTrafficPolicy telemetry.tracing.spanName once the Gateway traces (EnvoyProxy telemetry.tracing)',
      parse: parseString,
    },
  ],
  apply(ctx) {
    if (ctx.ingress.isCanary) return
    applyRequestBuffering(ctx)
    applyBufferSize(ctx)
    applyHttpVersion(ctx)
    applyConnectionHeader(ctx)
    applyObservability(ctx)
  },
}
