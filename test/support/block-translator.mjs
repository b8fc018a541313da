// Preloaded with --import: running the translator's module (src/translate/index.ts) in the one-file build
// (dist/bundle/kubectl-ingress2gw.cjs) fails loudly, proving that a code path never runs it: --help and --version start
// without any command's code. The bundle is one CommonJS script in which esbuild turns each module reached by a
// command's import() into a lazy initialiser, __esm({"src/translate/index.ts"() {...}}), whose first call reads the
// one key with Object.getOwnPropertyNames (esbuild's runtime, internal/runtime/runtime.go __esm): that call is refused.
// The test that uses this shows that convert trips it, so the block cannot silently stop working.
const getOwnPropertyNames = Object.getOwnPropertyNames
Object.getOwnPropertyNames = function (object) {
  const names = getOwnPropertyNames(object)
  if (names.length === 1 && names[0] === 'src/translate/index.ts' && typeof object[names[0]] === 'function') {
    throw new Error('BLOCKED: the translator was imported (bundle module)')
  }
  return names
}
