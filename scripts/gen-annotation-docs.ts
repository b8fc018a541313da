import {writeFileSync} from 'node:fs'
import {renderAnnotationDocs} from './annotation-docs.js'

writeFileSync(new URL('../docs/annotations.md', import.meta.url), renderAnnotationDocs())
console.log('wrote docs/annotations.md')
