import {mkdirSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {findCrdRoot, GENERATED_DIR, renderCrdTypes} from './crd-types.js'

const root = findCrdRoot()
if (!root) {
  console.error('no CRDs: neither ../shared/crds nor .crds/ exists; run `npm run crds` first')
  process.exit(1)
}
mkdirSync(GENERATED_DIR, {recursive: true})
for (const [file, text] of renderCrdTypes(root)) {
  writeFileSync(path.join(GENERATED_DIR, file), text)
  console.log(`wrote src/model/generated/${file}`)
}
