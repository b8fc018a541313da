/**
 * The HTML report in a real browser (headless Chromium over the DevTools protocol, test/support/chromium.ts): what
 * it renders (counts per namespace, every Ingress a row, the topology), that the filters narrow the table and the
 * headers sort it, that notes expand and print expanded, that it logs no error and requests nothing but itself.
 * A screenshot is kept under test-artifacts/ (gitignored). .ci/run installs Debian's chromium when it is missing.
 */
import test from 'ava'
import {mkdirSync, mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'
import {byWorkLeft, type MigrationReport} from '../src/output/migration-report/index.js'
import {Browser, findChromium, type Page} from './support/chromium.js'
import {reportCaseArgs} from './support/report-cases.js'
import {ROOT, runCli} from './support/run-cli.js'

process.env.KUBECONFIG = ''
process.env.HOME = mkdtempSync(join(tmpdir(), 'i2g-report-browser-home-'))

const chromium = findChromium()
const ARTIFACTS = join(ROOT, 'test-artifacts')

async function rendered(name: string): Promise<{report: MigrationReport; url: string}> {
  const {args, cwd} = reportCaseArgs(name)
  const json = await runCli(['report', ...args, '-o', 'json'], cwd)
  const html = await runCli(['report', ...args, '-o', 'html'], cwd)
  if (json.exitCode !== 0 || html.exitCode !== 0) throw new Error(json.stderr + html.stderr)
  const file = join(mkdtempSync(join(tmpdir(), 'i2g-report-html-')), `${name}.html`)
  writeFileSync(file, html.stdout)
  return {report: JSON.parse(json.stdout), url: pathToFileURL(file).href}
}

const shown = (page: Page) => page.evaluate<number>(`Array.from(document.querySelectorAll('#ingresses tbody tr')).filter((r) => !r.hidden).length`)
const firstRows = (page: Page, n: number) =>
  page.evaluate<string[]>(`Array.from(document.querySelectorAll('#ingresses tbody tr')).filter((r) => !r.hidden).slice(0, ${n}).map((r) => r.dataset.namespace + '/' + r.dataset.name + ' ' + r.dataset.status)`)

async function select(page: Page, id: string, value: string): Promise<void> {
  await page.evaluate(`(() => { const s = document.getElementById(${JSON.stringify(id)}); s.value = ${JSON.stringify(value)}; s.dispatchEvent(new Event('change')); })()`)
}

if (!chromium) {
  test('the HTML report in a browser (skipped: chromium is not installed; .ci/run installs Debian\'s chromium)', (t) => {
    t.log('chromium not found at /usr/bin/chromium (or CHROMIUM_PATH): install it with apt-get install chromium')
    t.pass()
  })
} else {
  test.serial('the 40-namespace report renders in Chromium: bars, rows, filters, sorting, notes, print, no errors, no requests', async (t) => {
    const {report, url} = await rendered('namespaces-40')
    const browser = await Browser.launch(chromium)
    t.teardown(() => browser.close())
    const page = await browser.newPage()
    await page.send('Emulation.setDeviceMetricsOverride', {width: 1280, height: 1400, deviceScaleFactor: 1, mobile: false})
    await page.open(url)

    // Summary bars: one per namespace, most work left first, each segment's count as the report says.
    const bars = await page.evaluate<{namespace: string; counts: Record<string, number>}[]>(`Array.from(document.querySelectorAll('.ns-bar')).map((g) => ({
      namespace: g.dataset.namespace,
      counts: Object.fromEntries(Array.from(g.querySelectorAll('rect.seg')).map((r) => [r.dataset.status, Number(r.dataset.count)])),
    }))`)
    t.is(bars.length, 40)
    t.deepEqual(
      bars.map((b) => b.namespace),
      byWorkLeft(report.namespaces).map((n) => n.name),
    )
    for (const n of report.namespaces) {
      const bar = bars.find((b) => b.namespace === n.name)!
      const expected = Object.fromEntries(Object.entries(n.byStatus).filter(([, c]) => c > 0))
      t.deepEqual(bar.counts, expected, n.name)
    }
    const cards = await page.evaluate<Record<string, number>>(`Object.fromEntries(['exact', 'approximate', 'manual', 'skipped'].map((s) => [s, Number(document.getElementById('total-' + s).textContent)]))`)
    t.deepEqual(cards, report.summary.byStatus)

    // One row per Ingress, no pagination.
    t.is(await shown(page), report.ingresses.length)
    t.is(await page.evaluate(`document.getElementById('count').textContent`), `all ${report.ingresses.length} Ingresses`)

    // Typing narrows the table: "team-07" matches that namespace's Ingresses (and nothing else mentions it).
    await page.type('#f-text', 'team-07')
    const team07 = report.ingresses.filter((e) => e.namespace === 'team-07').length
    t.true(team07 > 0)
    t.is(await shown(page), team07)
    t.is(await page.evaluate(`document.getElementById('count').textContent`), `${team07} of ${report.ingresses.length} Ingresses`)
    await page.click('#f-reset')
    t.is(await shown(page), report.ingresses.length)

    // Status, namespace and annotation filters, alone and together.
    await select(page, 'f-status', 'manual')
    t.is(await shown(page), report.summary.byStatus.manual)
    await select(page, 'f-status', 'not-exact')
    t.is(await shown(page), report.ingresses.length - report.summary.byStatus.exact)
    const busiest = byWorkLeft(report.namespaces)[0]
    await select(page, 'f-namespace', busiest.name)
    t.is(await shown(page), busiest.ingresses - busiest.byStatus.exact)
    await page.click('#f-reset')
    const regex = 'nginx.ingress.kubernetes.io/use-regex'
    await select(page, 'f-annotation', regex)
    t.is(await shown(page), report.ingresses.filter((e) => e.annotations.some((a) => a.key === regex)).length)
    await page.click('#f-reset')

    // A click on a namespace bar lists that namespace's Ingresses.
    await page.click(`.ns-bar[data-namespace="${busiest.name}"] rect`)
    t.is(await page.evaluate(`document.getElementById('f-namespace').value`), busiest.name)
    t.is(await shown(page), busiest.ingresses)
    await page.click('#f-reset')

    // Sorting by status: ascending puts exact first, a second click puts skipped first.
    await page.click('th[data-sort="status"] button')
    t.regex((await firstRows(page, 1))[0], / exact$/)
    t.is(await page.evaluate(`document.querySelector('th[data-sort="status"]').getAttribute('aria-sort')`), 'ascending')
    await page.click('th[data-sort="status"] button')
    t.regex((await firstRows(page, 1))[0], / skipped$/)
    const statuses = await page.evaluate<string[]>(`Array.from(document.querySelectorAll('#ingresses tbody tr')).map((r) => r.dataset.status)`)
    const rank = {exact: 0, approximate: 1, manual: 2, skipped: 3} as Record<string, number>
    t.true(statuses.every((s, i) => i === 0 || rank[statuses[i - 1]] >= rank[s]), 'descending by status')

    // A manual Ingress's notes expand to show the hint.
    await select(page, 'f-status', 'manual')
    const hintVisible = `(() => { const d = Array.from(document.querySelectorAll('#ingresses tbody tr')).find((r) => !r.hidden).querySelector('details'); const h = d.querySelector('.hint'); return {open: d.open, visible: h.checkVisibility({visibilityProperty: true})}; })()`
    t.deepEqual(await page.evaluate(hintVisible), {open: false, visible: false})
    await page.click('#ingresses tbody tr:not([hidden]) details summary')
    t.deepEqual(await page.evaluate(hintVisible), {open: true, visible: true})
    await page.click('#f-reset')

    // The topology: the Gateway's listeners, and beyond 50 routes one box per namespace.
    const gateway = report.gateways[0]
    t.true(gateway.routes.length > 50)
    const topo = await page.evaluate<{listeners: number; routeBoxes: number}>(`({listeners: document.querySelectorAll('svg.topology .node.listener').length, routeBoxes: document.querySelectorAll('svg.topology .node.route').length})`)
    t.deepEqual(topo, {listeners: gateway.listeners.length, routeBoxes: gateway.namespaces.length})

    // Printed: the controls are hidden, every note is open, the table keeps its header on each page.
    await page.send('Emulation.setEmulatedMedia', {media: 'print'})
    await page.evaluate(`window.dispatchEvent(new Event('beforeprint'))`)
    const print = await page.evaluate(`({
      controls: getComputedStyle(document.querySelector('.controls')).display,
      closed: document.querySelectorAll('details:not([open])').length,
      thead: getComputedStyle(document.querySelector('#ingresses thead')).display,
      rows: document.querySelectorAll('#ingresses tbody tr').length,
    })`)
    t.deepEqual(print, {controls: 'none', closed: 0, thead: 'table-header-group', rows: report.ingresses.length})
    const pdf = await page.send('Page.printToPDF', {printBackground: true})
    t.is(Buffer.from(pdf.data, 'base64').subarray(0, 5).toString(), '%PDF-')
    await page.evaluate(`window.dispatchEvent(new Event('afterprint'))`)
    await page.send('Emulation.setEmulatedMedia', {media: ''})

    mkdirSync(ARTIFACTS, {recursive: true})
    await page.evaluate('window.scrollTo(0, 0)')
    writeFileSync(join(ARTIFACTS, 'report-namespaces-40.png'), await page.screenshot())
    writeFileSync(join(ARTIFACTS, 'report-namespaces-40-topology.png'), await page.screenshot('svg.topology'))
    t.log(`screenshots in ${ARTIFACTS}`)

    t.deepEqual(page.problems.console, [], 'no console errors, exceptions or CSP violations')
    t.deepEqual(page.problems.requests, [url], 'the page requests nothing but itself')
  })

  test.serial('the examples report draws every route of the Gateway and its Services', async (t) => {
    const {report, url} = await rendered('examples')
    const browser = await Browser.launch(chromium)
    t.teardown(() => browser.close())
    const page = await browser.newPage()
    await page.open(url)
    const gateway = report.gateways[0]
    t.true(gateway.routes.length <= 50)
    const topo = await page.evaluate<{routes: string[]; backends: string[]}>(`({
      routes: Array.from(document.querySelectorAll('svg.topology .node.route text')).map((e) => e.textContent),
      backends: Array.from(document.querySelectorAll('svg.topology .node.backend text')).map((e) => e.textContent).sort(),
    })`)
    t.deepEqual(topo.routes, gateway.routes.map((r) => r.name))
    const services = new Set(gateway.routes.flatMap((r) => r.backends.map((b) => `${r.namespace}/${b.slice('Service/'.length)}`)))
    t.deepEqual(topo.backends, [...services].sort())
    mkdirSync(ARTIFACTS, {recursive: true})
    writeFileSync(join(ARTIFACTS, 'report-examples.png'), await page.screenshot())
    t.deepEqual(page.problems.console, [])
    t.deepEqual(page.problems.requests, [url])

    // No Ingress at all, only tcp/udp-services entries: the page still works and lists every port.
    const streams = await rendered('tcp-udp-routed')
    const empty = await browser.newPage()
    await empty.open(streams.url)
    t.is(await empty.evaluate(`document.getElementById('count').textContent`), 'all 0 Ingresses')
    t.is(await empty.evaluate(`document.querySelectorAll('#stream tbody tr, h2#stream + table tbody tr').length`), streams.report.streamEntries.length)
    await empty.type('#f-text', 'anything')
    t.is(await shown(empty), 0)
    t.deepEqual(empty.problems.console, [])
    t.deepEqual(empty.problems.requests, [streams.url])
  })
}
