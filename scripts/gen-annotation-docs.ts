import {writeFileSync} from 'node:fs'
import {renderAnnotationDocs, renderServingDocs} from './annotation-docs.js'

writeFileSync(new URL('../docs/annotations.md', import.meta.url), renderAnnotationDocs())
writeFileSync(new URL('../docs/serving.md', import.meta.url), renderServingDocs())
console.log('wrote docs/annotations.md and docs/serving.md')
