import {writeFileSync} from 'node:fs'
import {renderAnnotationDocs, renderConfigMapDocs} from './annotation-docs.js'

writeFileSync(new URL('../docs/annotations.md', import.meta.url), renderAnnotationDocs())
console.log('wrote docs/annotations.md')
writeFileSync(new URL('../docs/configmap.md', import.meta.url), renderConfigMapDocs())
console.log('wrote docs/configmap.md')
