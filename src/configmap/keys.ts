/**
 * Every key of the controller ConfigMap that ingress-nginx v1.15.1 reads (194): the `json` tags of
 * internal/ingress/controller/config/config.go Configuration and of internal/ingress/defaults/main.go Backend,
 * which template/configmap.go ReadConfig decodes with mapstructure, plus the global-auth-* and bind-address keys
 * ReadConfig parses itself. Left out: the tags no ConfigMap string can set (the embedded structs, `-`) and
 * bind-address-ipv4/-ipv6, which ReadConfig derives from bind-address.
 */
import type {NoteCode} from '../model/catalogue/diagnostic.js'
export const CONFIGMAP_KEYS = [
  'access-log-params', 'access-log-path', 'add-headers', 'allow-backend-server-header',
  'allow-cross-namespace-resources', 'allow-snippet-annotations', 'annotation-value-word-blocklist',
  'annotations-risk-level', 'app-root', 'bind-address', 'block-cidrs', 'block-referers', 'block-user-agents',
  'brotli-level', 'brotli-min-length', 'brotli-types', 'client-body-buffer-size', 'client-body-timeout',
  'client-header-buffer-size', 'client-header-timeout', 'compute-full-forwarded-for', 'custom-http-errors',
  'debug-connections', 'default-type', 'denylist-source-range', 'disable-access-log', 'disable-http-access-log',
  'disable-ipv6', 'disable-ipv6-dns', 'disable-proxy-intercept-errors', 'disable-stream-access-log',
  'enable-access-log-for-default-backend', 'enable-aio-write', 'enable-auth-access-log', 'enable-brotli',
  'enable-modsecurity', 'enable-multi-accept', 'enable-ocsp', 'enable-opentelemetry', 'enable-owasp-modsecurity-crs',
  'enable-real-ip', 'enable-serial-reloads', 'enable-syslog', 'enable-underscores-in-headers', 'error-log-level',
  'error-log-path', 'force-ssl-redirect', 'forwarded-for-header', 'forwarded-for-proxy-protocol-header',
  'forwarded-host-header', 'generate-request-id', 'geoip2-autoreload-in-minutes', 'global-allowed-response-headers',
  'global-auth-always-set-cookie', 'global-auth-cache-duration', 'global-auth-cache-key', 'global-auth-method',
  'global-auth-request-redirect', 'global-auth-response-headers', 'global-auth-signin',
  'global-auth-signin-redirect-param', 'global-auth-snippet', 'global-auth-url', 'grpc-buffer-size-kb',
  'gzip-disable', 'gzip-level', 'gzip-min-length', 'gzip-types', 'hide-headers', 'hsts', 'hsts-include-subdomains',
  'hsts-max-age', 'hsts-preload', 'http-access-log-path', 'http-redirect-code', 'http-snippet',
  'http2-max-concurrent-streams', 'http2-max-field-size', 'http2-max-header-size', 'http2-max-requests',
  'ignore-invalid-headers', 'keep-alive', 'keep-alive-requests', 'large-client-header-buffers',
  'limit-conn-status-code', 'limit-conn-zone-variable', 'limit-rate', 'limit-rate-after', 'limit-req-status-code',
  'load-balance', 'location-snippet', 'log-format-escape-json', 'log-format-escape-none', 'log-format-stream',
  'log-format-upstream', 'lua-shared-dicts', 'main-snippet', 'map-hash-bucket-size', 'max-worker-connections',
  'max-worker-open-files', 'modsecurity-snippet', 'nginx-status-ipv4-whitelist', 'nginx-status-ipv6-whitelist',
  'no-auth-locations', 'no-tls-redirect-locations', 'opentelemetry-config', 'opentelemetry-operation-name',
  'opentelemetry-trust-incoming-span', 'otel-max-export-batch-size', 'otel-max-queuesize', 'otel-sampler',
  'otel-sampler-parent-based', 'otel-sampler-ratio', 'otel-schedule-delay-millis', 'otel-service-name',
  'otlp-collector-host', 'otlp-collector-port', 'preserve-trailing-slash', 'proxy-add-original-uri-header',
  'proxy-body-size', 'proxy-buffer-size', 'proxy-buffering', 'proxy-buffers-number', 'proxy-busy-buffers-size',
  'proxy-connect-timeout', 'proxy-cookie-domain', 'proxy-cookie-path', 'proxy-headers-hash-bucket-size',
  'proxy-headers-hash-max-size', 'proxy-http-version', 'proxy-max-temp-file-size', 'proxy-next-upstream',
  'proxy-next-upstream-timeout', 'proxy-next-upstream-tries', 'proxy-protocol-header-timeout', 'proxy-read-timeout',
  'proxy-real-ip-cidr', 'proxy-redirect-from', 'proxy-redirect-to', 'proxy-request-buffering', 'proxy-send-timeout',
  'proxy-set-headers', 'proxy-ssl-location-only', 'proxy-stream-next-upstream', 'proxy-stream-next-upstream-timeout',
  'proxy-stream-next-upstream-tries', 'proxy-stream-responses', 'proxy-stream-timeout', 'relative-redirects',
  'retry-non-idempotent', 'reuse-port', 'server-name-hash-bucket-size', 'server-name-hash-max-size',
  'server-snippet', 'server-tokens', 'service-upstream', 'skip-access-log-urls', 'ssl-buffer-size', 'ssl-ciphers',
  'ssl-dh-param', 'ssl-early-data', 'ssl-ecdh-curve', 'ssl-protocols', 'ssl-redirect', 'ssl-reject-handshake',
  'ssl-session-cache', 'ssl-session-cache-size', 'ssl-session-ticket-key', 'ssl-session-tickets',
  'ssl-session-timeout', 'stream-access-log-path', 'stream-snippet', 'strict-validate-path-type', 'syslog-host',
  'syslog-port', 'upstream-hash-by', 'upstream-hash-by-subset', 'upstream-hash-by-subset-size',
  'upstream-keepalive-connections', 'upstream-keepalive-requests', 'upstream-keepalive-time',
  'upstream-keepalive-timeout', 'use-forwarded-headers', 'use-geoip2', 'use-gzip', 'use-http2',
  'use-port-in-redirects', 'use-proxy-protocol', 'variables-hash-bucket-size', 'variables-hash-max-size',
  'whitelist-source-range', 'worker-cpu-affinity', 'worker-processes', 'worker-shutdown-timeout',
] as const

/**
 * Keys earlier ingress-nginx releases read and v1.15.1 no longer does (GeoIP1, VTS, the removed resolver and
 * plugins keys...): old ConfigMaps still carry them, and they had no effect; listed with the keys without effect.
 */
export const RETIRED_KEYS = [
  'enable-annotation-validation', 'enable-real-ip-recursive', 'enable-vts-status', 'limit-req-status', 'plugins', 'resolver',
  'ssl-redirect-code', 'use-geoip', 'vts-default-filter-key', 'vts-status-zone-size', 'vts-sum-key', 'worker-serial-reloads',
]

/** A retired key that gets a sentence of its own rather than a place in the no-effect list. */
export const RETIRED_NOTICES: Record<string, {level: 'info'; code: NoteCode; note: string}> = {
  'ssl-prefer-server-ciphers': {level: 'info', code: 'configmap-key-unmapped', note: 'has no ClientTrafficPolicy field; Envoy (BoringSSL) uses its own cipher preference for TLS 1.2'},
}
