/**
 * The HTML report's stylesheet and script, inlined into the page (no external file, font or script; the page's
 * Content-Security-Policy admits exactly these two by hash). The script only filters, sorts and expands what the
 * page already holds: every Ingress is a row of the table.
 */

export const STYLE = `
:root{--exact:#1a7f37;--approximate:#b58100;--manual:#cf222e;--skipped:#6e7781;--ignored:#8c959f;--line:#d0d7de;--muted:#57606a;--bg-soft:#f6f8fa}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;margin:0;color:#1f2328;background:#fff}
main{max-width:1280px;margin:0 auto;padding:24px 28px 48px}
h1{font-size:26px;margin:0 0 4px}h2{font-size:20px;margin:36px 0 10px;padding-bottom:4px;border-bottom:1px solid var(--line)}
h3{font-size:16px;margin:18px 0 6px}
p.lead{color:var(--muted);margin:0 0 16px;max-width:920px}
code{font:12.5px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:var(--bg-soft);padding:0 3px;border-radius:3px;overflow-wrap:anywhere}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0 10px}
.card{border:1px solid var(--line);border-radius:8px;padding:10px 16px;min-width:150px}
.card .n{font-size:28px;font-weight:600;display:block}.card .l{color:var(--muted)}
.card.exact .n{color:var(--exact)}.card.approximate .n{color:var(--approximate)}.card.manual .n{color:var(--manual)}.card.skipped .n{color:var(--skipped)}
dl.legend{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:8px 0 0;max-width:920px}
dl.legend dt{font-weight:600}dl.legend dd{margin:0;color:var(--muted)}
.st{font-weight:600;white-space:nowrap}
.st-exact{color:var(--exact)}.st-approximate{color:var(--approximate)}.st-manual{color:var(--manual)}.st-skipped{color:var(--skipped)}
svg{max-width:100%;height:auto;display:block}
svg text{font:12px system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;fill:#1f2328}
.seg.s-exact{fill:var(--exact)}.seg.s-approximate{fill:#d4a72c}.seg.s-manual{fill:var(--manual)}.seg.s-skipped{fill:var(--skipped)}
.ns-bar{cursor:pointer}.ns-bar:hover .ns-label,.ns-bar:focus .ns-label{text-decoration:underline}.ns-bar:focus{outline:none}
.ns-counts{fill:var(--muted)}
.topology .column{font-weight:600}.topology .group{fill:var(--muted);font-weight:600}
.topology .node rect{fill:#fff;stroke:#8c959f}.topology .listener rect{fill:#ddf4ff;stroke:#54aeff}
.topology .route rect{fill:#fff8c5;stroke:#d4a72c}.topology .backend rect{fill:#dafbe1;stroke:#4ac26b}
.topology .edge{fill:none;stroke:#8c959f;stroke-width:1.2;opacity:.8}
.topology .edge.l0{stroke:#0969da}.topology .edge.l1{stroke:#8250df}.topology .edge.l2{stroke:#bf3989}.topology .edge.l3{stroke:#1a7f37}.topology .edge.l4{stroke:#bc4c00}.topology .edge.l5{stroke:#57606a}
.topology .edge.to-backend{stroke:#4ac26b}.topology .edge-label{fill:var(--muted);font-size:11px}
.controls{display:flex;flex-wrap:wrap;gap:10px;align-items:end;margin:10px 0;padding:10px;background:var(--bg-soft);border:1px solid var(--line);border-radius:8px;position:sticky;top:0;z-index:2}
.controls label{display:flex;flex-direction:column;font-size:12px;color:var(--muted);gap:2px}
.controls input,.controls select{font:inherit;padding:4px 6px;border:1px solid var(--line);border-radius:6px;min-width:150px}
.controls input[type=search]{min-width:260px}
.controls button{font:inherit;padding:4px 10px;border:1px solid var(--line);border-radius:6px;background:#fff;cursor:pointer}
#count{margin-left:auto;font-weight:600}
table{border-collapse:collapse;width:100%;margin:6px 0}
th,td{border-bottom:1px solid var(--line);padding:6px 8px;vertical-align:top;text-align:left}
thead th{background:var(--bg-soft);position:sticky;top:0}
th button{font:inherit;font-weight:600;border:0;background:none;padding:0;cursor:pointer;color:inherit}
th[aria-sort=ascending] button::after{content:" ▲"}th[aria-sort=descending] button::after{content:" ▼"}
td.num,th.num{text-align:right}
.chip{display:inline-block;margin:0 4px 3px 0;padding:0 6px;border-radius:10px;font-size:12.5px;border:1px solid transparent;white-space:nowrap}
.chip.f-exact{background:#dafbe1;border-color:#aceebb}.chip.f-approximate{background:#fff8c5;border-color:#eac54f}
.chip.f-manual{background:#ffebe9;border-color:#ff8182}.chip.f-ignored{background:#eaeef2;border-color:#d0d7de;color:var(--muted)}
.objects{font-size:12.5px;color:var(--muted);list-style:none;margin:0;padding:0;text-align:left}
.reason{color:var(--muted);font-size:12.5px;margin-bottom:2px}
details>summary{cursor:pointer;color:#0969da}
ul.diags{margin:4px 0 0;padding-left:18px}ul.diags li{margin:0 0 6px}
li.error .lv{color:var(--manual)}li.warning .lv{color:var(--approximate)}li.info .lv{color:var(--muted)}
li.manual{background:#fff5f5;border-left:3px solid var(--manual);padding-left:6px;list-style:none;margin-left:-18px}
.lv{font-weight:600}.hint{margin-top:2px}.hint b{color:#1f2328}
.hist svg{display:inline-block;vertical-align:middle}
ul.checklist{list-style:none;padding-left:0}ul.checklist li{margin:0 0 8px}ul.checklist input{margin-right:8px}
footer{margin-top:40px;color:var(--muted);font-size:12px}
tr[hidden]{display:none}
.empty{color:var(--muted);font-style:italic}
@media print{
  @page{margin:14mm}
  body{font-size:11px}main{max-width:none;padding:0}
  .controls,.no-print{display:none!important}
  thead{display:table-header-group}thead th{position:static}
  tr,li,.card{break-inside:avoid}h2{break-after:avoid}
  details>summary{color:inherit}
  *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
}
`

/** Filter, sort, expand: vanilla DOM, no dependency. Row data lives in data-* attributes of the table rows. */
export const SCRIPT = `
(function () {
  'use strict';
  var table = document.getElementById('ingresses');
  if (!table) return;
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var text = document.getElementById('f-text');
  var ns = document.getElementById('f-namespace');
  var status = document.getElementById('f-status');
  var annotation = document.getElementById('f-annotation');
  var count = document.getElementById('count');
  var RANK = {exact: 0, approximate: 1, manual: 2, skipped: 3};

  function matches(r, words) {
    var d = r.dataset;
    if (ns.value && d.namespace !== ns.value) return false;
    if (status.value === 'not-exact' ? d.status === 'exact' : status.value && d.status !== status.value) return false;
    if (annotation.value && (' ' + d.annotations + ' ').indexOf(' ' + annotation.value + ' ') < 0) return false;
    for (var i = 0; i < words.length; i++) if (d.search.indexOf(words[i]) < 0) return false;
    return true;
  }
  function apply() {
    var words = text.value.toLowerCase().split(/\\s+/).filter(Boolean);
    var shown = 0;
    rows.forEach(function (r) { var ok = matches(r, words); r.hidden = !ok; if (ok) shown++; });
    count.textContent = shown === rows.length ? 'all ' + rows.length + ' Ingresses' : shown + ' of ' + rows.length + ' Ingresses';
    count.setAttribute('data-shown', String(shown));
  }
  [text, ns, status, annotation].forEach(function (el) { el.addEventListener('input', apply); el.addEventListener('change', apply); });
  document.getElementById('f-reset').addEventListener('click', function () { text.value = ''; ns.value = ''; status.value = ''; annotation.value = ''; apply(); });

  var KEYS = {
    namespace: function (r) { return r.dataset.namespace; },
    name: function (r) { return r.dataset.name; },
    status: function (r) { return RANK[r.dataset.status]; },
    annotations: function (r) { return Number(r.dataset.annotationCount); },
    objects: function (r) { return Number(r.dataset.objects); },
    notes: function (r) { return Number(r.dataset.notes); },
    verify: function (r) { return Number(r.dataset.unlabelled || 0) * 100000 + Number(r.dataset.differ || 0); }
  };
  function compare(a, b) { return a < b ? -1 : a > b ? 1 : 0; }
  Array.prototype.forEach.call(table.tHead.querySelectorAll('th[data-sort] button'), function (button) {
    button.addEventListener('click', function () {
      var th = button.parentNode;
      var key = KEYS[th.getAttribute('data-sort')];
      var dir = th.getAttribute('aria-sort') === 'ascending' ? -1 : 1;
      Array.prototype.forEach.call(table.tHead.querySelectorAll('th[aria-sort]'), function (h) { h.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', dir === 1 ? 'ascending' : 'descending');
      rows.sort(function (a, b) {
        return dir * compare(key(a), key(b)) || compare(a.dataset.namespace, b.dataset.namespace) || compare(a.dataset.name, b.dataset.name);
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });

  function showNamespace(name) {
    ns.value = name;
    apply();
    table.scrollIntoView();
  }
  Array.prototype.forEach.call(document.querySelectorAll('.ns-bar'), function (g) {
    g.addEventListener('click', function () { showNamespace(g.getAttribute('data-namespace')); });
    g.addEventListener('keydown', function (e) { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); showNamespace(g.getAttribute('data-namespace')); } });
  });

  var expand = document.getElementById('f-expand');
  expand.addEventListener('click', function () {
    var all = document.querySelectorAll('#ingresses details');
    var open = expand.getAttribute('aria-pressed') !== 'true';
    Array.prototype.forEach.call(all, function (d) { d.open = open; });
    expand.setAttribute('aria-pressed', String(open));
    expand.textContent = open ? 'Collapse notes' : 'Expand notes';
  });

  // Printed (or saved as PDF), every note is shown: closed details would hide the hints.
  var closed = [];
  window.addEventListener('beforeprint', function () {
    closed = Array.prototype.filter.call(document.querySelectorAll('details'), function (d) { return !d.open; });
    closed.forEach(function (d) { d.open = true; });
  });
  window.addEventListener('afterprint', function () { closed.forEach(function (d) { d.open = false; }); closed = []; });
  apply();
})();
`
