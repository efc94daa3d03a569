/** The inline stylesheet and script of the HTML run report (no network: everything is in the page). */

export const REPORT_CSS = `
*{box-sizing:border-box}
body{margin:0;font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#1f2328;background:#f5f6f8}
header{display:flex;flex-wrap:wrap;align-items:center;gap:14px 24px;padding:14px 20px;background:#fff;border-bottom:1px solid #d8dee4}
.verdict{font-size:34px;font-weight:800;letter-spacing:.04em;color:#fff;padding:6px 22px;border-radius:10px}
.verdict.pass{background:#1a7f37}.verdict.fail{background:#cf222e}
h1{margin:0;font-size:20px}.seed{color:#57606a;font-weight:500}
.sub{color:#57606a;font-size:13px}
.stats{display:flex;flex-wrap:wrap;gap:8px;margin-left:auto}
.stat{min-width:74px;padding:4px 10px;border:1px solid #d8dee4;border-radius:8px;text-align:center;background:#fafbfc}
.stat .v{font-size:18px;font-weight:700}.stat .k{font-size:11px;color:#57606a}
.stat.bad{border-color:#cf222e;background:#ffebe9}.stat.bad .v{color:#cf222e}
.stat.warn{border-color:#d4a72c;background:#fff8c5}
.why{margin:10px 20px 0;padding:8px 14px;background:#fff5f5;border:2px solid #cf222e;border-radius:8px}
.why h2{margin:0 0 4px;font-size:15px;color:#a40e26}.why ol{margin:0;padding-left:20px}.why li{padding:2px 0;color:#1f2328}
.why .goto{font-size:12px;color:#0969da;white-space:nowrap}
.findings{margin:10px 20px 0;padding:8px 14px;list-style:none;background:#fff;border:1px solid #d8dee4;border-radius:8px}
.findings li{padding:2px 0}.findings details{font-size:12px}.findings details summary{cursor:pointer}.findings ol{max-height:240px;overflow:auto;margin:4px 0}.findings .dot{display:inline-block;width:9px;height:9px;border-radius:50%;background:#d4a72c;margin-right:6px}.f-fault b{color:#b91c1c}.f-slow b{color:#9a6700}.f-viol{color:#a40e26}
details.reproduce{margin:10px 20px 0;background:#fff;border:1px solid #d8dee4;border-radius:8px;padding:4px 12px}
details.reproduce>summary{cursor:pointer;font-weight:600}
details.reproduce table{border-collapse:collapse;font-size:13px;margin:6px 0}
details.reproduce th{text-align:left;vertical-align:top;padding:2px 12px 2px 0;color:#57606a;font-weight:500;white-space:nowrap}
details.reproduce td{padding:2px 0;vertical-align:top}
details.reproduce code{font:12px ui-monospace,"DejaVu Sans Mono",monospace;background:#f6f8fa;padding:1px 4px;border-radius:4px}
details.reproduce code.cmd{display:inline-block;user-select:all;word-break:break-all}
details.reproduce ol.plan{margin:0;padding-left:18px}
details.reproduce pre{max-height:260px;overflow:auto;font-size:11px;background:#f6f8fa;padding:6px}
.seq{margin:10px 20px 0;padding:8px 14px;background:#fff;border:1px solid #d8dee4;border-radius:8px}
.seq h2{margin:0;font-size:15px}.seq .seqtitle{margin:2px 0 6px;font-size:13px;color:#57606a}
.seqscroll{overflow:auto;max-height:640px}
.seqsvg{display:block;font:11px system-ui,"DejaVu Sans",sans-serif}
.seqsvg .akind{fill:#57606a;font-size:10px}.seqsvg .aname{fill:#1f2328;font-weight:700;font-size:11px}
.seqsvg .life{stroke:#d0d7de;stroke-dasharray:3 3}
.seqsvg .t{fill:#57606a;font:10px ui-monospace,"DejaVu Sans Mono",monospace}
.seqsvg .arrow{stroke:#424a53;stroke-width:1.2}.seqsvg .ahead{fill:#424a53}.seqsvg .violating .ahead{fill:#c2185b}.seqsvg .contradicted .ahead,.seqsvg .last-seen .ahead{fill:#0969da}.seqsvg .failed .ahead{fill:#d62728}.seqsvg .seqlinkhead{fill:#c2185b}
.seqsvg .mlabel{fill:#424a53;font-size:10px;paint-order:stroke;stroke:#fff;stroke-width:3px}
.seqsvg .failed .arrow{stroke:#d62728}.seqsvg .failed .mlabel{fill:#d62728}
.seqsvg .violating .arrow{stroke:#c2185b;stroke-width:3}.seqsvg .violating .mlabel{fill:#c2185b;font-weight:700}
.seqsvg .contradicted .arrow,.seqsvg .last-seen .arrow{stroke:#0969da;stroke-width:2.5}.seqsvg .contradicted .mlabel,.seqsvg .last-seen .mlabel{fill:#0969da;font-weight:700}
.seqsvg .fmark{fill:#dc2626}.seqsvg .fglyph{fill:#fff;font-size:11px}.seqsvg .hmark{fill:#fff;stroke:#1a7f37;stroke-width:2}
.seqsvg .fbar{fill:rgba(220,38,38,.25)}.seqsvg .smark{fill:#111}
.seqsvg .note{font-size:11px;fill:#424a53}.seqsvg .n-viol{fill:#c2185b;font-weight:700}.seqsvg .n-first{fill:#0969da;font-weight:600}
.seqsvg .n-fault{fill:#b91c1c;font-weight:700}.seqsvg .n-heal{fill:#1a7f37}.seqsvg .n-stop{fill:#111;font-weight:700}.seqsvg .n-gap{fill:#8c959f}
.seqsvg .seqlink{fill:none;stroke:#c2185b;stroke-width:1.5;stroke-dasharray:4 2}
.seqsvg g[data-tip]{cursor:default}.seqsvg .hit{fill:transparent}.seqsvg g.msg:hover .hit{fill:rgba(9,105,218,.07)}
details.map{margin:10px 20px 0;background:#fff;border:1px solid #d8dee4;border-radius:8px;padding:4px 12px}
details.map>summary{cursor:pointer;font-weight:600}.mapscroll{overflow:auto;padding:6px 0}
.maplegend{font-size:12px;color:#57606a;padding-bottom:4px}.maplegend .ml{margin-right:14px;font-weight:600}
.maplegend .faulted{color:#cf222e}.maplegend .stopped{color:#24292f}.maplegend .violated{color:#c2185b}
details.steps{margin:8px 20px 0;background:#fff;border:1px solid #d8dee4;border-radius:8px;padding:4px 12px}
details.steps summary{cursor:pointer;font-weight:600}
details.steps table{border-collapse:collapse;font-size:13px;margin:6px 0}
details.steps td,details.steps th{padding:2px 10px 2px 0;text-align:left;vertical-align:top}
details.steps tr.bad{color:#cf222e}
.toolbar{display:flex;flex-wrap:wrap;align-items:center;gap:8px 20px;margin:10px 20px 6px}
.legend{display:flex;flex-wrap:wrap;gap:4px 14px;font-size:12px;color:#424a53}
.lg{display:inline-flex;align-items:center;gap:5px}
.sw{display:inline-block;width:14px;height:10px;border-radius:2px}
.sw.hopsw{width:10px;background:linear-gradient(90deg,transparent 4px,#424a53 4px,#424a53 6px,transparent 6px)}
.sw.faultsw{background:rgba(220,38,38,.25);border:1px dashed #dc2626}.sw.faultsw.copies{background:rgba(220,38,38,.08);border:1px dotted #e58e8e}
.sw.stopsw{width:12px;background:linear-gradient(90deg,#111 3px,transparent 3px,transparent 5px,#888 5px,#888 7px,transparent 7px,transparent 9px,#888 9px)}
.sw.failsw{width:4px;background:#d62728}.sw.violsw{width:6px;background:#c2185b}
.sw.stepsw{width:2px;background:#57606a}
.zoom{display:flex;gap:4px;align-items:center;margin-left:auto;font-size:12px;color:#57606a}
.zoom button{font:inherit;min-width:28px;padding:2px 8px;border:1px solid #d0d7de;border-radius:6px;background:#fff;cursor:pointer}
.zoom button:hover{background:#f3f4f6}
#range{min-width:150px;text-align:center}
main{margin:0 20px 20px;background:#fff;border:1px solid #d8dee4;border-radius:8px}
.axis{position:sticky;top:0;z-index:5;background:#fff;border-bottom:1px solid #d8dee4;border-radius:8px 8px 0 0}
.arow{display:flex;height:22px}.arow.faultrow{height:28px}.arow.packed{height:auto;min-height:22px}
.alabel{flex:none;width:var(--label-w);padding:0 8px;font-size:11px;color:#57606a;line-height:22px;text-transform:uppercase;letter-spacing:.03em}
.faultrow .alabel{line-height:28px}
.atrack{position:relative;flex:1;min-width:0;overflow:hidden}
.atrack .none{font-size:12px;color:#8c959f;line-height:26px}
.tick{position:absolute;top:0;bottom:0;border-left:1px solid #d0d7de;font-size:11px;color:#57606a;padding-left:3px;white-space:nowrap}
.stepmark{position:absolute;top:2px;transform:translateX(-50%);background:#424a53;color:#fff;font-size:11px;font-weight:700;padding:0 5px;border-radius:4px;line-height:17px;cursor:default;white-space:nowrap}
.stepmark.bad{background:#cf222e}.stepmark.later{background:#8c959f;transform:translateX(-100%)}.stepmark.later.bad{background:#cf222e}
.faultband{position:absolute;top:2px;height:20px;background:rgba(220,38,38,.16);border-left:2px solid #dc2626;border-right:2px dashed #dc2626;overflow:visible;cursor:default}
.faultband span{display:inline-block;white-space:nowrap;font-size:12px;font-weight:700;color:#b91c1c;padding:1px 5px;line-height:16px}
.spec{position:absolute;top:3px;bottom:3px;font-size:11px;font-weight:600;padding-left:5px;overflow:hidden;white-space:nowrap;cursor:default}
.spec.hot{background:#fde68a;color:#854d0e}.spec.cold{background:#bfdbfe;color:#1e3a8a}.spec.stuck{background:#dc2626;color:#fff}
.violmark-axis{position:absolute;top:2px;transform:translateX(-50%);width:16px;height:16px;background:#c2185b;color:#fff;border-radius:50%;text-align:center;font-size:11px;font-weight:800;line-height:16px;cursor:default}
.group{border-top:1px solid #d8dee4}
.ghead{display:block;width:100%;text-align:left;border:0;background:#eef1f4;padding:4px 10px;font:inherit;font-size:13px;cursor:pointer}
.ghead:hover{background:#e4e8ec}
.caret::before{content:"\\25BE";display:inline-block;width:14px}
.collapsed .caret::before{content:"\\25B8"}
.gsum{color:#57606a;margin-left:6px}.s-slow{color:#9a6700;font-weight:600}.s-fail{color:#b91c1c}.s-viol{color:#c2185b;font-weight:700}
.gbody{display:flex}.collapsed .gbody{display:none}
.labels{flex:none;width:var(--label-w);border-right:1px solid #d8dee4}
.lbl{height:16px;display:flex;align-items:center;gap:6px;padding:0 8px;font:11px/16px ui-monospace,"DejaVu Sans Mono",monospace;color:#424a53;cursor:default}
.lbl:nth-child(even){background:#f6f8fa}
.lbl .rid{font-weight:700;min-width:34px}.lbl .reg{color:#8c959f}
.lbl .life{margin-left:auto;color:#8c959f}
.lbl.slow .life{color:#9a6700;font-weight:700}
.lbl.viol .rid,.lbl.viol .life{color:#c2185b}
.lbl.none{opacity:.5}
.lbl b{font-size:11px;border-radius:3px;padding:0 3px;line-height:13px;color:#fff}
.lbl .vb{background:#c2185b}.lbl .fb{background:#d62728}.lbl .lb{background:#111}.lbl .sb{background:#6e7781}
.lbl:target{outline:2px solid #0969da}
.plotwrap{position:relative;flex:1;min-width:0}
.overlay{position:absolute;inset:0;overflow:hidden;pointer-events:none}
.stoplabel{position:absolute;height:16px;padding:0 4px;font:600 10px/16px ui-monospace,"DejaVu Sans Mono",monospace;color:#fff;background:#111;border-radius:3px;white-space:nowrap;pointer-events:auto;cursor:default}
.stoplabel.stuck{background:#57606a}
svg.plot{display:block;width:100%;cursor:crosshair}
svg.plot .lane{fill:transparent}svg.plot .lane.odd{fill:#f6f8fa}
svg.plot path{fill:none;vector-effect:non-scaling-stroke}
svg.plot .bar{stroke-width:4px;opacity:.45}
svg.plot .hop{stroke-width:1.3px}
svg.plot .rep{opacity:.75}
svg.plot .failmark{stroke:#d62728;stroke-width:3px}
svg.plot .violmark{stroke:#c2185b;stroke-width:5px}
svg.plot .fault{fill:rgba(220,38,38,.16)}svg.plot .fault.copies{fill:rgba(220,38,38,.05)}
svg.plot .stopmark{stroke:#111;stroke-width:4px}svg.plot .stopmark.stuck{stroke:#57606a}
svg.plot .afterstop{stroke:#8c959f;stroke-width:1px;stroke-dasharray:3 3}
svg.plot .faultedge{stroke:#dc2626;stroke-width:1px;stroke-dasharray:4 3}
svg.plot .stepline{stroke:#57606a;stroke-width:1px;stroke-dasharray:2 4;opacity:.7}
body.dragging,body.dragging svg.plot{cursor:grabbing}
#tip{position:fixed;z-index:20;max-width:520px;padding:6px 9px;border-radius:6px;background:#111827;color:#f9fafb;font:12px/1.45 ui-monospace,"DejaVu Sans Mono",monospace;white-space:pre-wrap;pointer-events:none;box-shadow:0 4px 14px rgba(0,0,0,.25)}
#tip .bad{color:#fca5a5;font-weight:700}
footer{margin:0 20px 16px;font-size:12px;color:#8c959f}
`;

/** Hover tooltips, collapsible groups, zoom and pan. Plain ES2017, no libraries. */
export const REPORT_JS = `
(function(){
'use strict';
var D = JSON.parse(document.getElementById('data').textContent);
var T = D.T, LH = D.laneH;
var view = {a: 0, b: T};
var plots = Array.prototype.slice.call(document.querySelectorAll('svg.plot'));
var items = Array.prototype.slice.call(document.querySelectorAll('.atrack [data-t0], .overlay [data-t0]'));
var packed = Array.prototype.slice.call(document.querySelectorAll('[data-pack]'));
var ticks = document.getElementById('ticks');
var tip = document.getElementById('tip');
var range = document.getElementById('range');
plots.forEach(function(svg){ svg._ids = svg.getAttribute('data-ids').split(',').map(Number); svg._h = Number(svg.getAttribute('height')); });

function nice(span, target){
  var raw = span / Math.max(1, target), p = Math.pow(10, Math.floor(Math.log10(raw || 1)));
  var ms = [1, 2, 5, 10];
  for (var i = 0; i < ms.length; i++) if (ms[i] * p >= raw) return ms[i] * p;
  return 10 * p;
}
function apply(){
  var span = view.b - view.a;
  plots.forEach(function(svg){ svg.setAttribute('viewBox', view.a + ' 0 ' + span + ' ' + svg._h); });
  items.forEach(function(el){
    var t0 = Number(el.getAttribute('data-t0')), t1 = el.getAttribute('data-t1');
    el.style.left = ((t0 - view.a) / span * 100) + '%';
    if (t1 !== null) {
      el.style.width = ((Number(t1) - t0) / span * 100) + '%';
      // a band that starts left of the view keeps its label in sight
      var lbl = el.firstElementChild, tw = el.parentNode.getBoundingClientRect().width;
      if (lbl) lbl.style.marginLeft = t0 < view.a ? ((view.a - t0) / span * tw) + 'px' : '';
    } else if (el.classList.contains('stoplabel')) {
      // a stop label reads rightwards from its mark, leftwards near the right edge
      el.style.transform = (t0 - view.a) / span > 0.7 ? 'translateX(-100%)' : 'none';
    } else if (!el.classList.contains('later')) {
      // keep a centred mark whole at the track's edges
      var p = (t0 - view.a) / span;
      el.style.transform = p < 0.02 ? 'none' : p > 0.98 ? 'translateX(-100%)' : '';
    }
  });
  var w = ticks.getBoundingClientRect().width || 1000;
  var step = nice(span, w / 90), html = '';
  for (var t = Math.ceil(view.a / step) * step; t <= view.b; t += step) {
    var v = Math.round(t * 1000) / 1000;
    html += '<div class="tick" style="left:' + ((t - view.a) / span * 100) + '%"><span>' + v + '</span></div>';
  }
  ticks.innerHTML = html;
  packed.forEach(pack);
  range.textContent = Math.round(view.a) + '–' + Math.round(view.b) + ' ms' + (span < T ? ' (x' + (T / span).toFixed(1) + ')' : '');
}
// Marks of a packed track go to the first row where they overlap nothing (label included): labels never overprint.
function pack(track){
  var rowH = Number(track.getAttribute('data-pack')), ends = [];
  var els = Array.prototype.slice.call(track.children).filter(function(el){ return el.hasAttribute('data-t0'); });
  els.forEach(function(el){ el.style.top = '2px'; });
  var boxes = els.map(function(el){
    var r = el.getBoundingClientRect(), lbl = el.firstElementChild, right = r.right;
    if (lbl) right = Math.max(right, lbl.getBoundingClientRect().right);
    return {el: el, left: r.left, right: right};
  }).sort(function(x, y){ return x.left - y.left; });
  boxes.forEach(function(b){
    var row = 0;
    while (row < ends.length && ends[row] > b.left - 3) row++;
    ends[row] = b.right;
    b.el.style.top = (2 + row * rowH) + 'px';
    b.el.setAttribute('data-row', row);
  });
  track.style.height = (Math.max(1, ends.length) * rowH + 4) + 'px';
}
function setView(a, b){
  var span = Math.min(T, Math.max(2, b - a));
  a = Math.max(0, Math.min(a, T - span));
  view.a = a; view.b = a + span; apply();
}
function zoom(f, at){
  if (at === undefined) at = (view.a + view.b) / 2;
  var span = (view.b - view.a) / f;
  setView(at - (at - view.a) / f, at - (at - view.a) / f + span);
}
function timeAt(el, clientX){
  var r = el.getBoundingClientRect();
  return view.a + (clientX - r.left) / r.width * (view.b - view.a);
}
document.querySelectorAll('[data-zoom]').forEach(function(b){
  b.addEventListener('click', function(){
    var z = b.getAttribute('data-zoom');
    if (z === 'in') zoom(2); else if (z === 'out') zoom(0.5); else setView(0, T);
  });
});
document.addEventListener('keydown', function(e){
  if (e.target && /INPUT|TEXTAREA/.test(e.target.tagName)) return;
  var span = view.b - view.a;
  if (e.key === '+' || e.key === '=') zoom(2);
  else if (e.key === '-') zoom(0.5);
  else if (e.key === '0') setView(0, T);
  else if (e.key === 'ArrowLeft') setView(view.a - span / 5, view.b - span / 5);
  else if (e.key === 'ArrowRight') setView(view.a + span / 5, view.b + span / 5);
});
var timeline = document.getElementById('timeline');
timeline.addEventListener('wheel', function(e){
  var track = e.target.closest && e.target.closest('svg.plot, .atrack');
  if (!track) return;
  if (e.ctrlKey || e.metaKey) { e.preventDefault(); zoom(e.deltaY < 0 ? 1.25 : 0.8, timeAt(track, e.clientX)); }
  else if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) {
    e.preventDefault();
    var d = (e.deltaX || e.deltaY) / track.getBoundingClientRect().width * (view.b - view.a);
    setView(view.a + d, view.b + d);
  }
}, {passive: false});
var drag = null;
timeline.addEventListener('mousedown', function(e){
  var track = e.target.closest && e.target.closest('svg.plot, .atrack');
  if (!track || e.button !== 0) return;
  drag = {x: e.clientX, a: view.a, b: view.b, w: track.getBoundingClientRect().width, moved: false};
});
window.addEventListener('mousemove', function(e){
  if (!drag) return;
  var dx = e.clientX - drag.x;
  if (!drag.moved && Math.abs(dx) < 4) return;
  drag.moved = true; document.body.classList.add('dragging'); hide();
  var d = -dx / drag.w * (drag.b - drag.a);
  setView(drag.a + d, drag.b + d);
});
window.addEventListener('mouseup', function(){ drag = null; document.body.classList.remove('dragging'); });

function show(text, x, y){
  tip.textContent = text;
  tip.hidden = false;
  var w = tip.offsetWidth, h = tip.offsetHeight;
  var left = x + 14, top = y + 14;
  if (left + w > window.innerWidth - 8) left = Math.max(8, x - w - 14);
  if (top + h > window.innerHeight - 8) top = Math.max(8, y - h - 14);
  tip.style.left = left + 'px'; tip.style.top = top + 'px';
}
function hide(){ tip.hidden = true; }
function hopTip(svg, e){
  var r = svg.getBoundingClientRect();
  var row = Math.floor((e.clientY - r.top) / LH);
  var id = svg._ids[row];
  var hops = D.r[id];
  if (id === undefined || !hops || !hops.length) return null;
  var t = timeAt(svg, e.clientX);
  var lo = 0, hi = hops.length / 5 - 1;
  while (lo < hi) { var mid = (lo + hi) >> 1; if (hops[mid * 5] < t) lo = mid + 1; else hi = mid; }
  var best = lo;
  if (lo > 0 && Math.abs(hops[(lo - 1) * 5] - t) <= Math.abs(hops[lo * 5] - t)) best = lo - 1;
  var bt = hops[best * 5];
  var px = Math.abs(bt - t) / (view.b - view.a) * r.width;
  if (px > 6) return null;
  var first = best; while (first > 0 && hops[(first - 1) * 5] === bt) first--;
  var lines = ['t=' + bt + ' ms  record ' + id], shown = 0, k = first;
  for (; k < hops.length / 5 && hops[k * 5] === bt; k++) {
    if (shown === 4) { lines.push('…'); break; }
    var s = hops[k * 5 + 4];
    lines.push(D.s[hops[k * 5 + 1]] + ' → ' + D.s[hops[k * 5 + 2]]);
    lines.push('  ' + D.s[hops[k * 5 + 3]] + (s === 2 ? '' : '  success: ' + (s === 1)));
    shown++;
  }
  return lines.join('\\n');
}
document.addEventListener('mousemove', function(e){
  if (drag && drag.moved) return;
  var el = e.target;
  var svg = el.closest && el.closest('svg.plot');
  if (svg) { var text = hopTip(svg, e); if (text) show(text, e.clientX, e.clientY); else hide(); return; }
  var tipped = el.closest && el.closest('[data-tip]');
  if (tipped) show(tipped.getAttribute('data-tip'), e.clientX, e.clientY); else hide();
});
document.addEventListener('mouseleave', hide);

function setOpen(g, open){ g.classList.toggle('collapsed', !open); g.querySelector('.ghead').setAttribute('aria-expanded', String(open)); }
document.querySelectorAll('.group .ghead').forEach(function(h){
  h.addEventListener('click', function(){ var g = h.parentNode; setOpen(g, g.classList.contains('collapsed')); });
});
document.querySelectorAll('[data-groups]').forEach(function(b){
  b.addEventListener('click', function(){
    var open = b.getAttribute('data-groups') === 'open';
    document.querySelectorAll('.group').forEach(function(g){ setOpen(g, open); });
  });
});
document.querySelectorAll('a.goto').forEach(function(a){
  a.addEventListener('click', function(){
    var lbl = document.querySelector(a.getAttribute('href'));
    var g = lbl && lbl.closest('.group');
    if (g) setOpen(g, true);
  });
});
window.addEventListener('resize', apply);
apply();
})();
`;
