import type { SequenceRow, SequenceView } from './sequence';

/** Above this many actors the text view is a list, not lanes (a terminal is about 120 columns). */
const MAX_TEXT_LANES = 14;
const COL = 6;
const TIME_W = 9;

const letter = (i: number) => (i < 26 ? String.fromCharCode(65 + i) : `${String.fromCharCode(65 + Math.floor(i / 26) - 1)}${String.fromCharCode(65 + (i % 26))}`);

function note(row: SequenceRow, view: SequenceView, i: number): string {
  const link = view.link && view.link.from === i ? `   <- ${view.link.text}` : '';
  switch (row.kind) {
    case 'message': {
      const base = `${row.type}${row.success === false ? ' (failed)' : ''}`;
      if (row.role === 'violating') return `${base}   !! ${view.violation!.kind}: ${view.violation!.message}${link}`;
      if (row.role === 'contradicted') return `${base}   <- the earlier one`;
      if (row.role === 'last-seen') return `${base}   <- last seen here`;
      return base;
    }
    case 'fault':
      return row.edge === 'start' ? `FAULT ${row.fault.label}` : `healed ${row.fault.id}`;
    case 'stop':
      return `STOPPED: ${row.text}${link}`;
    case 'gap':
      return `... ${row.skipped} messages not shown`;
  }
}

/** One row as lanes: `|` lifelines, an arrow between sender and receiver, a mark for a fault or stop. */
function laneCells(row: SequenceRow, col: Map<string, number>, n: number): string {
  const width = n * COL;
  const cells = Array.from<unknown, string>({ length: width }, (_, x) => (x % COL === 2 ? '|' : ' '));
  const at = (actor: string) => (col.get(actor) ?? 0) * COL + 2;
  if (row.kind === 'message') {
    const [a, b] = [at(row.from), at(row.to)];
    const line = row.role === 'violating' ? '=' : '-';
    for (let x = Math.min(a, b) + 1; x < Math.max(a, b); x++) cells[x] = line;
    if (a < b) cells[b - 1] = '>';
    else if (a > b) cells[b + 1] = '<';
    cells[a] = '+';
  } else if (row.kind === 'fault') cells[at(row.actor)] = row.edge === 'start' ? 'X' : 'o';
  else if (row.kind === 'stop') cells[at(row.actor)] = '@';
  else for (let x = 0; x < width; x++) cells[x] = x % COL === 2 ? ':' : ' ';
  return cells.join('');
}

/** The counterexample in a terminal: a legend of lanes, then a row per message or fault in virtual time (P's text trace, with lanes). */
export function formatSequence(view: SequenceView): string[] {
  const lines = [`Counterexample: ${view.title}`];
  const lanes = view.actors.length <= MAX_TEXT_LANES;
  const col = new Map(view.actors.map((a, i) => [a, i]));
  lines.push(`Actors: ${view.actors.map((a, i) => `${letter(i)}=${a}`).join('  ')}`);
  if (lanes) {
    lines.push(`${''.padEnd(TIME_W)}${view.actors.map((_, i) => `  ${letter(i)}`.padEnd(COL)).join('')}   (+--> a message at the time it arrived, X fault, o healed, @ stopped)`);
  }
  view.rows.forEach((row, i) => {
    const time = row.kind === 'gap' ? '' : `t=${row.t}`;
    const what =
      row.kind === 'message' && !lanes ? `${row.from} -> ${row.to}  ` : row.kind !== 'message' && row.kind !== 'gap' && !lanes ? `${row.actor}  ` : '';
    lines.push(`${time.padEnd(TIME_W)}${lanes ? `${laneCells(row, col, view.actors.length)}   ` : ''}${what}${note(row, view, i)}`.trimEnd());
  });
  return lines;
}
