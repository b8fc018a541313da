/**
 * The krew plugin manifest (krew/ingress2gw.yaml) for the archives `npm run release` built. The rules it must meet
 * are krew's own (sigs.k8s.io/krew internal/index/validation/validate.go ValidatePlugin, validatePlatform,
 * validateSelector), which test/distribution/release.test.ts checks.
 */
import jsYaml from 'js-yaml'
import {NODE_LICENSE_FILE, NOTICES_FILE} from './third-party-notices.js'

export interface KrewPlatform {
  os: string
  arch: string
  uri: string
  sha256: string
  bin: string
}

const DESCRIPTION = `Compiles ingress-nginx Ingresses and their nginx.ingress.kubernetes.io annotations, from the
cluster or from YAML, into Gateway API HTTPRoutes for one shared Envoy Gateway, with Envoy Gateway
policies and cert-manager objects beside them. It reproduces how ingress-nginx really routes (regex
mode per host, the oldest Ingress wins, canaries, the HTTPS redirect) and explains every annotation
it could not translate exactly. convert and diff only read; apply server-side applies the converted
objects when asked.
`

const CAVEATS = `convert, diff, report, verify and status only read the cluster (Ingresses, Services, the
ingress-nginx ConfigMap and what they reference); Secret data is never printed. apply writes only
the converted objects (field manager ingress2gw) and never creates, changes or deletes an Ingress,
a Service or a Secret. The one exception is asked for by name: cutover --service NS/NAME --apply
patches that Service's selector and target ports, after writing its rollback file.
On macOS the executable must be signed once before it runs (building it invalidated Node's
signature): codesign --force --sign - "$(readlink -f "$(command -v kubectl-ingress2gw)")"
Start with: kubectl ingress2gw convert -n <namespace>   (or -f <files>)
`

export function krewManifest(version: string, platforms: KrewPlatform[]): string {
  const manifest = {
    apiVersion: 'krew.googlecontainertools.github.com/v1alpha2',
    kind: 'Plugin',
    metadata: {name: 'ingress2gw'},
    spec: {
      version: `v${version}`,
      shortDescription: 'Convert ingress-nginx Ingresses to Gateway API for Envoy Gateway',
      description: DESCRIPTION,
      caveats: CAVEATS,
      platforms: platforms.map((p) => ({
        selector: {matchLabels: {os: p.os, arch: p.arch}},
        uri: p.uri,
        sha256: p.sha256,
        bin: p.bin,
        // krew's validate-krew-manifest requires a license file among the installed files.
        files: [
          {from: p.bin, to: '.'},
          {from: 'LICENSE', to: '.'},
          {from: NOTICES_FILE, to: '.'},
          {from: NODE_LICENSE_FILE, to: '.'},
        ],
      })),
    },
  }
  return jsYaml.dump(manifest, {lineWidth: -1, noRefs: true})
}
