import type {ConfigMapFamily, ConfigMapInvalidEffect, ConfigMapSpec} from './types.js'

/** A key about nginx's own logs, metrics or traces: reported with the others in the one no-effect info. */
export function noEffect(key: string, summary: string, dflt: string, note: string, onInvalid: ConfigMapInvalidEffect = 'default'): ConfigMapSpec {
  return {key, summary, fidelity: 'ignored', target: 'none', default: dflt, onInvalid, noEffect: true, note}
}

const LOGS = 'configures nginx\'s logs; Envoy Gateway logs through EnvoyProxy spec.telemetry.accessLog'
const TRACES = 'configures nginx\'s OpenTelemetry module; Envoy Gateway traces through EnvoyProxy spec.telemetry.tracing'

/**
 * Logging, metrics and tracing of nginx itself: access and error logs, syslog, the status page, OpenTelemetry.
 * None of it has an effect on Envoy: the EnvoyProxy resource carries Envoy's telemetry.
 */
export const observabilityFamily: ConfigMapFamily = {
  name: 'observability',
  specs: [
    noEffect('access-log-path', 'Access log file', '/var/log/nginx/access.log', LOGS, 'as-written'),
    noEffect('access-log-params', 'Access log parameters (buffer, flush)', '', LOGS, 'as-written'),
    noEffect('http-access-log-path', 'HTTP access log file', '', LOGS, 'as-written'),
    noEffect('stream-access-log-path', 'Stream access log file', '', LOGS, 'as-written'),
    noEffect('error-log-path', 'Error log file', '/var/log/nginx/error.log', LOGS, 'as-written'),
    noEffect('error-log-level', 'Error log level', 'notice', LOGS, 'as-written'),
    noEffect('log-format-upstream', 'HTTP access log format', '(the nginx default format)', LOGS, 'as-written'),
    noEffect('log-format-stream', 'Stream access log format', '[$remote_addr] [$time_local] ...', LOGS, 'as-written'),
    noEffect('log-format-escape-json', 'JSON escaping in the log format', 'false', LOGS),
    noEffect('log-format-escape-none', 'No escaping in the log format', 'false', LOGS),
    noEffect('disable-access-log', 'No access log', 'false', LOGS),
    noEffect('disable-http-access-log', 'No HTTP access log', 'false', LOGS),
    noEffect('disable-stream-access-log', 'No stream access log', 'false', LOGS),
    noEffect('enable-access-log-for-default-backend', 'Log requests to the default backend', 'false', LOGS),
    noEffect('enable-auth-access-log', 'Log auth subrequests', 'false', LOGS),
    noEffect('skip-access-log-urls', 'Paths not logged', '', LOGS),
    noEffect('enable-syslog', 'Send logs to syslog', 'false', LOGS),
    noEffect('syslog-host', 'Syslog server', '', LOGS, 'as-written'),
    noEffect('syslog-port', 'Syslog port', '514', LOGS),
    noEffect('nginx-status-ipv4-whitelist', 'IPv4 clients allowed on the nginx status page', '127.0.0.1', 'protects nginx\'s status page; Envoy has its own admin interface', 'as-written'),
    noEffect('nginx-status-ipv6-whitelist', 'IPv6 clients allowed on the nginx status page', '::1', 'protects nginx\'s status page; Envoy has its own admin interface', 'as-written'),
    noEffect('debug-connections', 'Clients with debug logging', '', LOGS, 'entries-dropped'),
    noEffect('enable-opentelemetry', 'OpenTelemetry tracing', 'false', TRACES),
    noEffect('opentelemetry-config', 'OpenTelemetry module configuration file', '/etc/ingress-controller/telemetry/opentelemetry.toml', TRACES, 'as-written'),
    noEffect('opentelemetry-operation-name', 'Span name', '', TRACES, 'as-written'),
    noEffect('opentelemetry-trust-incoming-span', 'Continue incoming traces', 'true', TRACES),
    noEffect('otlp-collector-host', 'OTLP collector host', '', TRACES, 'as-written'),
    noEffect('otlp-collector-port', 'OTLP collector port', '4317', TRACES, 'as-written'),
    noEffect('otel-service-name', 'Service name of the spans', 'nginx', TRACES, 'as-written'),
    noEffect('otel-sampler', 'Sampler', 'AlwaysOn', TRACES, 'as-written'),
    noEffect('otel-sampler-ratio', 'Sampling ratio', '0.01', TRACES),
    noEffect('otel-sampler-parent-based', 'Parent-based sampling', 'true', TRACES),
    noEffect('otel-max-queuesize', 'Span queue size', '2048', TRACES),
    noEffect('otel-schedule-delay-millis', 'Export delay', '5000', TRACES),
    noEffect('otel-max-export-batch-size', 'Export batch size', '512', TRACES),
  ],
}
