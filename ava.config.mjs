import {tmpdir} from 'node:os'
import {join} from 'node:path'

export default {
  files: ['test/**/*.test.ts'],
  extensions: {ts: 'module'},
  nodeArguments: ['--import=tsx'],
  workerThreads: false,
  timeout: '300s',
  // The CLI runs of the tests keep their V8 code caches (src/entry/code-cache.ts) out of the user's own ~/.cache: one
  // folder for all test runs, which the caches' own clean-up keeps small (tests that test the folder set their own).
  environmentVariables: {XDG_CACHE_HOME: join(tmpdir(), 'kubectl-ingress2gw-test-cache')},
}
