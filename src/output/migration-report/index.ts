/**
 * The migration report: per-Ingress status (exact / approximate / manual / skipped) built from the translate
 * result, rendered as text, markdown, JSON (docs/report-schema.json) or a self-contained HTML page.
 */
import type {MigrationReport} from './model.js'

export {buildReport, ingressStatus, type ReportContext} from './build.js'
export {renderHtml} from './html.js'
export {renderMarkdown} from './markdown.js'
export {renderText, type TextOptions} from './text.js'
export * from './model.js'

/** `-o json`: the report as documented in docs/report-schema.json, keys in a fixed order. */
export function renderJson(report: MigrationReport): string {
  return JSON.stringify(report, null, 2) + '\n'
}
