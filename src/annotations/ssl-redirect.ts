import {parseBool} from '../model/parsers.js'
import type {AnnotationFamily} from './types.js'

/**
 * ssl-redirect, force-ssl-redirect, preserve-trailing-slash -> the shared `https-redirect` HTTPRoute (308) on the
 * `http` listener, and which listeners the Ingress's route attaches to.
 *
 * ingress-nginx redirects plain-HTTP requests for a location when its host has a TLS entry and the Ingress
 * does not set ssl-redirect "false" (lua_ingress.lua); force-ssl-redirect redirects even without a certificate,
 * which only makes sense when TLS ends in front of the controller. Without a valid annotation both come from the
 * controller ConfigMap (rewrite/main.go Parse: GetDefaultBackend().SSLRedirect / .ForceSSLRedirect), hence `always`.
 */
export const sslRedirectFamily: AnnotationFamily = {
  name: 'ssl-redirect',
  owns: ['sslRedirect', 'forceSslRedirect'],
  always: true,
  specs: [
    {
      key: 'ssl-redirect',
      summary: 'HTTP to HTTPS redirect (308) for TLS hosts; default true',
      fidelity: 'exact',
      target: 'https-redirect HTTPRoute on the http listener; route parentRefs sectionName',
      default: 'true',
      parse: parseBool,
    },
    {
      key: 'force-ssl-redirect',
      summary: 'Redirect to HTTPS even when the host has no certificate',
      fidelity: 'exact',
      target: 'https-redirect HTTPRoute on the http listener',
      default: 'false',
      parse: parseBool,
    },
    {
      key: 'preserve-trailing-slash',
      summary: 'Keep the trailing slash in the HTTPS redirect',
      fidelity: 'exact',
      target: 'https-redirect HTTPRoute (Envoy always keeps the path as is)',
      default: 'false',
      parse: parseBool,
    },
  ],
  apply(ctx) {
    const intents = ctx.patch
    // Resolved before the families (settings.ts): the annotation, else the Ingress's own controller ConfigMap.
    intents.sslRedirect = ctx.ingress.settings.sslRedirect.value
    intents.forceSslRedirect = ctx.ingress.settings.forceSslRedirect.value
    if (ctx.has('preserve-trailing-slash') && ctx.value<boolean>('preserve-trailing-slash') === false) {
      ctx.account(
        'preserve-trailing-slash',
        'approximate',
        'nginx strips one trailing slash in its HTTPS redirect (http://h/a/ -> https://h/a); the Gateway redirect keeps the path unchanged',
      )
    }
  },
}
