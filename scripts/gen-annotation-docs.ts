import {readFileSync, writeFileSync} from 'node:fs'
import {renderAnnotationDocs, renderConfigMapDocs, renderServingDocs} from './annotation-docs.js'
import {renderDiagnosticDocs, withRefusalDocs} from './diagnostic-docs.js'

writeFileSync(new URL('../docs/annotations.md', import.meta.url), renderAnnotationDocs())
writeFileSync(new URL('../docs/serving.md', import.meta.url), renderServingDocs())
console.log('wrote docs/annotations.md and docs/serving.md')
writeFileSync(new URL('../docs/configmap.md', import.meta.url), renderConfigMapDocs())
console.log('wrote docs/configmap.md')
writeFileSync(new URL('../docs/diagnostics.md', import.meta.url), renderDiagnosticDocs())
console.log('wrote docs/diagnostics.md')
const cutoverDocs = new URL('../docs/cutover.md', import.meta.url)
writeFileSync(cutoverDocs, withRefusalDocs(readFileSync(cutoverDocs, 'utf8')))
console.log('wrote the refusals table of docs/cutover.md')
