// Runs the plugin from src/ (oclif development mode, TypeScript through tsx), as bin/kubectl-ingress2gw runs dist/.
import {execute} from '@oclif/core'

await execute({development: true, dir: new URL('../../', import.meta.url).href})
