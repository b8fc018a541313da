// Preloaded with --import: the first time the folder $SWAP_FOLDER is stat()ed, it is renamed aside and the folder
// $SWAP_WITH takes its place, once the stat has seen the original: what another user who may write to the folder
// above can do between a check of the folder and the opening of a file in it (test/distribution/code-cache.test.ts).
import {createRequire} from 'node:module'

const fs = createRequire(import.meta.url)('node:fs')
let swapped = false
for (const name of ['statSync', 'lstatSync']) {
  const original = fs[name]
  fs[name] = function (path, ...rest) {
    const st = original.call(this, path, ...rest)
    if (!swapped && String(path) === process.env.SWAP_FOLDER) {
      swapped = true
      fs.renameSync(path, `${path}.aside`)
      fs.renameSync(process.env.SWAP_WITH, path)
    }
    return st
  }
}
