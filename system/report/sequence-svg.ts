import { kindOfId, nameOfId, restOfId } from '../../machines/ids';
import type { SequenceRow, SequenceView } from './sequence';

/** The counterexample sequence as an SVG sequence diagram (one row per message or fault, in virtual time order). */

/** the time column, then a margin for the link, then the lanes */
const TIME_W = 40;
const LINK_W = 44;
const HEAD_H = 62;
const ROW_H = 22;
/** px per character at the label sizes used (a safe over-estimate, so labels never touch) */
const CHAR_W = 7;

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** "queue:postprocess-outbound:r1" as lines: the kind, the name cut after each "-", the region. */
function actorLines(actor: string): { cls: string; text: string }[] {
  const kind = kindOfId(actor);
  const name = nameOfId(actor);
  const rest = restOfId(actor);
  const parts = name ? name.split(/(?<=-)/) : [];
  return [{ cls: 'akind', text: kind }, ...parts.map((p) => ({ cls: 'aname', text: p })), ...(rest.length ? [{ cls: 'akind', text: rest.join(':') }] : [])];
}

function actorLabel(actor: string, x: number): string {
  const lines = actorLines(actor);
  return lines.map((l, i) => `<text class="${l.cls}" x="${x}" y="${HEAD_H - 8 - (lines.length - 1 - i) * 13}" text-anchor="middle">${esc(l.text)}</text>`).join('');
}

/** Lanes as wide as their longest label line, so neighbours' labels never touch. */
const laneWidth = (actors: string[]) => Math.max(84, ...actors.flatMap(actorLines).map((l) => l.text.length * CHAR_W + 14));

function rowNote(row: SequenceRow, view: SequenceView, i: number): { text: string; cls: string } {
  const link = view.link && view.link.from === i ? ` ↖ ${view.link.text}` : '';
  switch (row.kind) {
    case 'message':
      if (row.role === 'violating') return { text: `! ${view.violation!.kind}${link}`, cls: 'n-viol' };
      if (row.role === 'contradicted') return { text: 'the earlier one', cls: 'n-first' };
      if (row.role === 'last-seen') return { text: 'last seen here', cls: 'n-first' };
      return { text: '', cls: '' };
    case 'fault':
      return row.edge === 'start' ? { text: `⚡ ${row.fault.label}`, cls: 'n-fault' } : { text: `${row.fault.id} healed`, cls: 'n-heal' };
    case 'stop':
      // the full words are in the title above
      return { text: `■ ${row.text.split(':')[0]} here${link}`, cls: 'n-stop' }; // not a systemId: "record 5 stuck: ..."
    case 'gap':
      return { text: `⋯ ${row.skipped} messages not shown`, cls: 'n-gap' };
  }
}

function rowSvg(row: SequenceRow, view: SequenceView, i: number, x: (actor: string) => number, noteX: number): string {
  const y = HEAD_H + i * ROW_H + ROW_H / 2;
  const parts: string[] = [];
  if (row.kind !== 'gap') parts.push(`<text class="t" x="${TIME_W - 4}" y="${y + 4}" text-anchor="end">${row.t}</text>`);
  let tip = '';
  if (row.kind === 'message') {
    const [a, b] = [x(row.from), x(row.to)];
    const cls = `msg${row.role ? ` ${row.role}` : ''}${row.success === false ? ' failed' : ''}`;
    const label = `${row.type}${row.success === false ? ' ✗' : ''}`;
    const mid = (a + b) / 2;
    // the whole row between the two lanes answers the hover, not just the 1 px line
    parts.push(`<rect class="hit" x="${Math.min(a, b)}" y="${y - ROW_H / 2}" width="${Math.max(Math.abs(b - a), 8)}" height="${ROW_H}"/>`);
    const d = b > a ? -1 : 1;
    parts.push(`<line class="arrow" x1="${a}" y1="${y}" x2="${b + 4 * d}" y2="${y}"/><path class="ahead" d="M${b} ${y}l${8 * d} -4v8z"/>`);
    parts.push(`<text class="mlabel" x="${mid}" y="${y - 4}" text-anchor="middle">${esc(label)}</text>`);
    tip = `t=${row.t} ms (arrived)\n${row.from} → ${row.to}\n${label}`;
    parts.unshift(`<g class="${cls}" data-from="${esc(row.from)}" data-to="${esc(row.to)}" data-t="${row.t}" data-tip="${esc(tip)}">`);
  } else if (row.kind === 'fault') {
    const cx = x(row.actor);
    parts.push(
      row.edge === 'start'
        ? `<rect class="fmark" x="${cx - 8}" y="${y - 8}" width="16" height="16" rx="3"/><text class="fglyph" x="${cx}" y="${y + 4}" text-anchor="middle">⚡</text>`
        : `<circle class="hmark" cx="${cx}" cy="${y}" r="5"/>`,
    );
    tip = `${row.fault.label}\n${row.edge === 'start' ? 'started' : 'healed'} at t=${row.t} ms on ${row.actor}`;
    parts.unshift(`<g class="fault-${row.edge}" data-actor="${esc(row.actor)}" data-fault="${esc(row.fault.id)}" data-tip="${esc(tip)}">`);
  } else if (row.kind === 'stop') {
    const cx = x(row.actor);
    parts.push(`<rect class="smark" x="${cx - 7}" y="${y - 7}" width="14" height="14"/>`);
    parts.unshift(`<g class="stop" data-actor="${esc(row.actor)}" data-tip="${esc(row.text)}">`);
  } else parts.unshift(`<g class="gap">`);
  const note = rowNote(row, view, i);
  if (note.text) parts.push(`<text class="note ${note.cls}" x="${noteX}" y="${y + 4}">${esc(note.text)}</text>`);
  parts.push('</g>');
  return parts.join('');
}

/** Red bars on a lane while a fault holds it: from its start row to its heal row (or the last row). */
function faultBars(view: SequenceView, x: (actor: string) => number): string {
  const bars: string[] = [];
  view.rows.forEach((row, i) => {
    if (row.kind !== 'fault' || row.edge !== 'start') return;
    const end = view.rows.findIndex((r, j) => j > i && r.kind === 'fault' && r.edge === 'end' && r.fault.id === row.fault.id && r.actor === row.actor);
    const last = end >= 0 ? end : row.fault.end !== null && row.fault.end <= row.t ? i : view.rows.length - 1;
    if (last === i) return;
    const y0 = HEAD_H + i * ROW_H + ROW_H / 2;
    bars.push(`<rect class="fbar" x="${x(row.actor) - 4}" y="${y0}" width="8" height="${(last - i) * ROW_H}"/>`);
  });
  return bars.join('');
}

/** The link from the violating (or stop) row back to the row it contradicts, in the left margin. */
function linkSvg(view: SequenceView): string {
  if (!view.link) return '';
  const y1 = HEAD_H + view.link.from * ROW_H + ROW_H / 2;
  const y2 = HEAD_H + view.link.to * ROW_H + ROW_H / 2;
  const x = TIME_W + LINK_W - 4;
  const bulge = Math.min(LINK_W - 8, 10 + Math.abs(y1 - y2) / 6);
  return `<path class="seqlink" d="M${x} ${y1}C${x - bulge} ${y1} ${x - bulge} ${y2} ${x - 3} ${y2}"><title>${esc(view.link.text)}</title></path><path class="seqlinkhead" d="M${x} ${y2}l-7 -4v8z"/>`;
}

export function sequenceSvg(view: SequenceView): string {
  const n = view.actors.length;
  const laneW = laneWidth(view.actors);
  const noteX = TIME_W + LINK_W + n * laneW + 8;
  const longestNote = Math.max(0, ...view.rows.map((r, i) => rowNote(r, view, i).text.length));
  const width = noteX + longestNote * CHAR_W + 16;
  const height = HEAD_H + view.rows.length * ROW_H + 8;
  const col = new Map(view.actors.map((a, i) => [a, TIME_W + LINK_W + i * laneW + laneW / 2]));
  const x = (actor: string) => col.get(actor) ?? TIME_W;
  return (
    `<svg class="seqsvg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(view.title)}">` +
    view.actors.map((a) => `<g class="actor" data-actor="${esc(a)}">${actorLabel(a, x(a))}<line class="life" x1="${x(a)}" y1="${HEAD_H - 4}" x2="${x(a)}" y2="${height}"/></g>`).join('') +
    faultBars(view, x) +
    view.rows.map((row, i) => rowSvg(row, view, i, x, noteX)).join('') +
    linkSvg(view) +
    `</svg>`
  );
}

export function sequenceHtml(view: SequenceView | null): string {
  if (!view) return '';
  return (
    `<section class="seq" id="sequence"><h2>The counterexample as a sequence</h2>` +
    `<p class="seqtitle"><b>${esc(view.title)}</b>${view.violation ? ` — ${esc(view.violation.message)}` : ''}. The messages about record ${view.recordId} around it, ${view.actors.length} actors, ` +
    `arrows at the virtual time each arrived; ⚡ a fault on the actor it hit, the red bar while it held.</p>` +
    `<div class="seqscroll">${sequenceSvg(view)}</div></section>`
  );
}
