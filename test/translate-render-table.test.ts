/**
 * The sentences the catalogue renders for the compiler's bundle and Gateway diagnostics (src/translate/), one row per
 * branch of a render, several of which no golden reaches: code and data in, the exact message the call site wrote
 * before the diagnostic became data (so `report` output and goldens keep their wording).
 */
import test from 'ava'
import {diagnostic} from '../src/model/catalogue/diagnostic.js'

const rows: {code: Parameters<typeof diagnostic>[0]; data: any; level?: 'error' | 'warning' | 'info'; message: string}[] = [
  {
    code: 'controller-service-cluster-ip',
    data: {service: 'Service ingress-nginx/ctl', envoyProxy: 'EnvoyProxy gw/ingress2gw-proxy'},
    message:
      'Service ingress-nginx/ctl is of type ClusterIP: nginx was not exposed by a load balancer of its own but fronted by something else (an outside load balancer, a cloud ingress, a tunnel, another proxy) through it; the Envoy Service is ClusterIP too (EnvoyProxy gw/ingress2gw-proxy), so nothing reaches Envoy until that is repointed',
  },
  {
    code: 'controller-service-session-affinity',
    data: {},
    message: "sessionAffinity ClientIP kept each client on one ingress-nginx pod; Envoy Gateway's Service always has sessionAffinity None (resource.go ExpectedServiceSpec)",
  },
  {
    code: 'controller-service-address-not-carried',
    data: {case: 'identity', key: 'service.beta.kubernetes.io/aws-load-balancer-eip-allocations', value: 'eipalloc-1', identifies: 'Elastic IP allocations', envoyProxy: 'EnvoyProxy gw/p'},
    message:
      'service.beta.kubernetes.io/aws-load-balancer-eip-allocations: "eipalloc-1" identifies the ingress-nginx load balancer (its Elastic IP allocations); it is not copied to EnvoyProxy gw/p: a second Service carrying it would take over that load balancer or collide with it while both run, so the Envoy Service gets a load balancer of its own',
  },
  {
    code: 'controller-service-address-not-carried',
    data: {case: 'dns', key: 'external-dns.alpha.kubernetes.io/hostname', value: 'lb.example.com', envoyProxy: 'EnvoyProxy gw/p'},
    message:
      'external-dns.alpha.kubernetes.io/hostname: "lb.example.com" publishes DNS for the ingress-nginx load balancer; it is not copied to EnvoyProxy gw/p, or external-dns would see two Services claim the same name',
  },
  {
    code: 'controller-service-address-not-carried',
    data: {case: 'address', key: 'networking.gke.io/load-balancer-ip-addresses', value: 'ip-1', pins: 'static addresses', envoyProxy: 'EnvoyProxy gw/p'},
    message:
      'networking.gke.io/load-balancer-ip-addresses: "ip-1" pins the ingress-nginx load balancer\'s static addresses; it is not copied to EnvoyProxy gw/p: both load balancers run side by side and cannot hold the same address, so the Envoy Service gets a new one',
  },
  {
    code: 'controller-service-address-not-carried',
    data: {case: 'load-balancer-ip', ip: '203.0.113.7', envoyProxy: 'EnvoyProxy gw/p'},
    message:
      'loadBalancerIP 203.0.113.7 belongs to the ingress-nginx load balancer; it is not copied to EnvoyProxy gw/p: both load balancers run side by side and cannot hold the same address, so the Envoy Service gets a new one',
  },
  {
    code: 'controller-service-annotations-kept',
    data: {envoyProxy: 'EnvoyProxy gw/p', annotations: ['a.example.com/x', 'b.example.com/y']},
    message: 'annotations copied to EnvoyProxy gw/p (envoyService.annotations): a.example.com/x, b.example.com/y',
  },
  {
    code: 'controller-service-annotations-dropped',
    data: {envoyProxy: 'EnvoyProxy gw/p', annotations: ['meta.helm.sh/release-name']},
    message: 'tooling annotations not copied to EnvoyProxy gw/p (Helm, kubectl, GitOps metadata; no load balancer reads them): meta.helm.sh/release-name',
  },
  {
    code: 'controller-service-aws-default-scheme',
    data: {service: 'Service ingress-nginx/ctl', why: 'loadBalancerClass eks.amazonaws.com/nlb without service.beta.kubernetes.io/aws-load-balancer-scheme (default internal)', eksAutoMode: true, envoyProxy: 'EnvoyProxy gw/p'},
    message:
      "Service ingress-nginx/ctl has no service.beta.kubernetes.io/aws-load-balancer-scheme and no service.beta.kubernetes.io/aws-load-balancer-internal (loadBalancerClass eks.amazonaws.com/nlb without service.beta.kubernetes.io/aws-load-balancer-scheme (default internal)): EKS Auto Mode made its NLB internal (its default scheme); the AWS Load Balancer Controller made its NLB internal if it ran v2.2 or later with the default --default-load-balancer-scheme, internet-facing under v2.0/v2.1 or with --default-load-balancer-scheme=internet-facing (and keeps an existing NLB's scheme); EnvoyProxy gw/p says service.beta.kubernetes.io/aws-load-balancer-scheme: internal, so that the new NLB is never public by default",
  },
  {
    code: 'controller-service-internal-pinned',
    data: {
      envoyProxy: 'EnvoyProxy gw/p',
      pinned: {'cloud.google.com/load-balancer-type': 'Internal', 'oci.oraclecloud.com/oci-network-load-balancer-internal': 'true'},
      readers: ['gke', 'oci'],
    },
    message:
      'EnvoyProxy gw/p sets cloud.google.com/load-balancer-type: "Internal", oci.oraclecloud.com/oci-network-load-balancer-internal: "true" beside the copied annotations, so that the load balancer stays internal whichever key the controller serving the Envoy Service reads first (GKE: networking.gke.io/load-balancer-type, then cloud.google.com/load-balancer-type; OCI: the load balancer and the network load balancer read one key each) and whatever a GatewayClass-level or default EnvoyProxy merged under it sets',
  },
]

for (const [i, row] of rows.entries()) {
  test(`${row.code} #${i}: renders the sentence the call site wrote`, (t) => {
    const d = diagnostic(row.code, row.data, row.level === undefined ? {} : {level: row.level})
    t.is(d.message, row.message)
    t.deepEqual(d.data, row.data)
  })
}
