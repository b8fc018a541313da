/**
 * Ingress class names that other controllers install by default. Files seldom hold the IngressClass objects, so
 * a class's name is the only evidence left of whose it was; a GitOps repository mixing Traefik or Cilium Ingresses
 * with ingress-nginx ones is common. --all-classes leaves these out (converting a Traefik Ingress with nginx's
 * path and annotation semantics would route differently), and the classes-not-selected warning does not suggest
 * them. A name that contains "nginx" is never taken for another controller's (nginx-tailscale, traefik-nginx).
 * Each name is the default of the product's chart or install guide.
 */
const DEFAULT_CLASS_NAMES: Record<string, string> = {
  traefik: 'Traefik',
  cilium: 'Cilium',
  kong: 'Kong',
  haproxy: 'HAProxy',
  alb: 'the AWS Load Balancer Controller',
  gce: 'GKE Ingress',
  'gce-internal': 'GKE Ingress',
  istio: 'Istio',
  contour: 'Contour',
  apisix: 'Apache APISIX',
  tailscale: 'Tailscale',
  'azure-application-gateway': 'the Azure Application Gateway Ingress Controller',
  'openshift-default': 'the OpenShift router',
  ambassador: 'Emissary-ingress',
  caddy: 'Caddy',
  skipper: 'Skipper',
  pomerium: 'Pomerium',
  ngrok: 'ngrok',
}

/** The product whose default class name this is (exactly, or as NAME-x / x-NAME), or undefined. */
export function otherControllerByName(className: string): string | undefined {
  if (className.includes('nginx')) return undefined
  for (const [name, product] of Object.entries(DEFAULT_CLASS_NAMES)) {
    if (className === name || className.startsWith(`${name}-`) || className.endsWith(`-${name}`)) return product
  }
  return undefined
}
