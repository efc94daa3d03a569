import { z } from 'zod';
import { formatIssues, InputError } from '../../machines/support';
import type { RunReport } from '../run-scenario';
import type { SimulationResult } from '../simulation';
import { faultWindowSchema, faultWindowsFromSteps } from './fault-windows';
import { failureLines, latestFaultBefore } from './failure-summary';
import { faultAppliesTo } from './fault-scope';
import { REPORT_CSS, REPORT_JS } from './html-assets';
import { buildLanes, type Lane as LaneOf } from './lanes';
import { reproduceSchema, type Reproduce } from './reproduce';
import { counterexampleSequence, type SequenceView } from './sequence';
import { sequenceHtml } from './sequence-svg';
import { staticMapSvg } from './static-map';
import { MAP_CSS } from './system-map';
import { inRegion, regionLabel } from '../../machines/ids';
import type { RunFailure } from '../verdict';

export { faultWindowsFromSteps, type FaultWindow } from './fault-windows';

/**
 * A self-contained HTML picture of one run: a lane per record on a virtual
 * time axis, fault windows, steps, failed replies, violations and the spec's
 * state. No network: CSS, SVG and the little hover/zoom script are inline.
 */

export const traceEventSchema = z.object({
  t: z.number(),
  from: z.string(),
  to: z.string(),
  type: z.string(),
  recordId: z.number().optional(),
  success: z.boolean().optional(),
});
export type TraceEvent = z.infer<typeof traceEventSchema>;

const count = z.number().int().min(0);

export const htmlReportInputSchema = z.object({
  scenario: z.string(),
  seed: z.number(),
  verdict: z.enum(['pass', 'fail']),
  records: z.object({ published: count, delivered: count, lost: count, duplicates: count }),
  /** record ids, one list per batch: one lane per record, one group per batch */
  batches: z.array(z.array(z.number())),
  stages: z.array(z.string()).min(1),
  regions: z.array(z.number()),
  trace: z.array(traceEventSchema),
  steps: z.array(
    z.object({
      step: z.string(),
      name: z.string(),
      ok: z.boolean(),
      at: z.number(),
      commands: z.array(z.object({ target: z.string(), verb: z.string(), args: z.record(z.string(), z.unknown()).optional() })),
      detail: z.string().optional(),
    }),
  ),
  faults: z.array(faultWindowSchema),
  violations: z.array(z.object({ kind: z.string(), recordId: z.number(), component: z.string(), at: z.number(), message: z.string() })),
  spec: z.object({ coldAt: z.number().nullable(), finalState: z.string() }),
  /** records the spec still waited for at the end, and where each was */
  stuck: z.array(z.object({ recordId: z.number(), stuckAt: z.string() })).default([]),
  /** ids the destination kept (a record not among them is lost); absent: unknown */
  arrived: z.array(z.number()).optional(),
  stats: z.object({ messages: count, virtualTimeMs: z.number().min(0), wallMs: z.number().min(0) }),
  unhandledEvents: count.optional(),
  /** why the run failed, typed (system/verdict.ts): its `kind` heads the "What failed" section */
  failure: z.object({ kind: z.string() }).passthrough().optional(),
  /** how to reproduce the run from the report alone */
  reproduce: reproduceSchema.optional(),
});
export type HtmlReportInput = z.input<typeof htmlReportInputSchema>;
type Input = z.output<typeof htmlReportInputSchema>;

/** The renderer's input from what `runScenario` returns; the run must have kept its trace. */
export function buildHtmlReportInput(
  report: Pick<RunReport, 'scenario' | 'seed' | 'verdict' | 'records' | 'steps' | 'violations' | 'specState' | 'stats' | 'unhandledEvents' | 'stuck'> & Pick<Partial<RunReport>, 'failure'>,
  result: SimulationResult,
  reproduce?: Reproduce): HtmlReportInput {
  if (!result.trace) throw new InputError('html report', ['the run kept no trace: run it with keepTrace: true']);
  const source = result.layout.components.find((c) => c.kind === 'source');
  const batches = ((source?.input as { batches?: { recordId: number }[][] })?.batches ?? []).map((b) => b.map((r) => r.recordId));
  return {
    scenario: report.scenario,
    seed: report.seed,
    verdict: report.verdict,
    records: report.records,
    batches,
    stages: result.layout.stages,
    regions: result.layout.regions,
    trace: result.trace.map((line) => JSON.parse(line) as TraceEvent),
    steps: report.steps,
    // the fault injector's windows are exact; a scenario's own fail/recover steps add theirs
    faults: [
      ...result.faults
        .filter((f) => f.start !== null)
        .map((f) => ({
          id: f.id,
          kind: f.kind,
          target: f.region !== undefined && f.kind !== 'dns-offline' && f.kind !== 'slow-region' ? inRegion(f.target, f.region) : f.target,
          start: f.start!,
          end: f.end,
          label: `${f.id}: ${f.label.replace(/^[^:]+: /, '').replace(/ (at t=|when ).*$/, '')}`,
          region: f.region ?? null,
        })),
      ...faultWindowsFromSteps(report.steps),
    ],
    violations: report.violations,
    spec: { coldAt: result.final.spec.coldAt, finalState: report.specState },
    stuck: report.stuck.map((p) => ({ recordId: p.recordId, stuckAt: p.stuckAt })),
    arrived: result.final.destinationArrivals,
    stats: report.stats,
    unhandledEvents: report.unhandledEvents,
    ...(report.failure ? { failure: report.failure } : {}),
    ...(reproduce ? { reproduce } : {}),
  };
}

// ---------------------------------------------------------------------------

const LANE_H = 16;
/** groups longer than this are split, so a collapsed group stays a useful unit */
const MAX_GROUP = 100;
/** above this many records, groups start collapsed (except the first and any with a violation) */
const EXPAND_ALL_UP_TO = 200;

const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#b07aa1', '#76b7b2', '#edc948', '#9c755f', '#ff9da7', '#bab0ac', '#86bcb6'];
const SOURCE_COLOR = '#9aa0a6';
const DEST_COLOR = '#3f4a56';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** numbers in SVG paths: at most 2 decimals */
const n = (x: number) => String(Math.round(x * 100) / 100);
const pct = (t: number, span: number) => n((t / span) * 100);

type Lane = LaneOf<Input['violations'][number]>;

const median = (xs: number[]) => {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

/**
 * The end of the activity the timeline is about: the last message about a
 * record, fault start or heal, violation, or the spec going cold. A run can
 * go on long after it (a step waiting for its deadline); that tail is shown
 * as one "later" mark, not as an empty axis.
 */
export function activityEnd(input: Pick<Input, 'trace' | 'violations' | 'faults' | 'spec'>): number {
  let end = 1;
  for (const e of input.trace) if (e.recordId !== undefined && e.t > end) end = e.t;
  for (const v of input.violations) end = Math.max(end, v.at);
  for (const f of input.faults) end = Math.max(end, f.start, f.end ?? 0);
  return Math.max(end, input.spec.coldAt ?? 0);
}

/** "nice" tick step for about `target` ticks over `span` */
export function tickStep(span: number, target: number): number {
  const raw = span / Math.max(1, target);
  const p = 10 ** Math.floor(Math.log10(raw || 1));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}

/** What every part of the page reads: the input, the time span drawn, the lanes. */
interface View {
  input: Input;
  /** virtual ms the axis spans (the activity, a little room on the right) */
  T: number;
  /** when the run ended (may be after T) */
  runEnd: number;
  lanes: Map<number, Lane>;
  all: Lane[];
  unknownIds: number[];
  stageName: (i: number) => string;
  stageColor: (i: number) => string;
  waited: (l: Lane) => boolean;
  pause: (l: Lane) => number;
  waitThreshold: number;
  usualPause: number;
  /** the counterexample as a sequence (null for a run without a violation or a lost record) */
  sequence: SequenceView | null;
}

function makeView(input: Input): View {
  const { stages } = input;
  const stageName = (i: number) => (i < 0 ? 'source' : i >= stages.length ? 'destination' : stages[i]);
  const stageColor = (i: number) => (i < 0 ? SOURCE_COLOR : i >= stages.length ? DEST_COLOR : PALETTE[i % PALETTE.length]);
  const lastT = input.trace.length ? input.trace[input.trace.length - 1].t : 0;
  const runEnd = Math.max(1, input.stats.virtualTimeMs, lastT, ...input.steps.map((s) => s.at));
  // a little room on the right so marks at the very end stay visible
  // steps just after the activity (half of it at most) stay on the axis
  const active = activityEnd(input);
  const end = Math.max(active, ...input.steps.map((s) => s.at).filter((at) => at <= active * 1.5));
  const T = Math.ceil(Math.min(runEnd, end) * 1.03 + 2);
  const { lanes, unknownIds } = buildLanes(input);
  const all = [...lanes.values()];
  // A record "waited" when its longest pause between two hops of its own path
  // is far above the usual one (a latency or two): it sat in a queue or
  // behind a failed dependency.
  const pause = (l: Lane) => (l.wait ? l.wait.to - l.wait.from : 0);
  const usualPause = median(all.filter((l) => l.wait).map(pause));
  const waitThreshold = Math.max(50, 5 * usualPause);
  const sequence = counterexampleSequence({ ...input, lanes: all });
  return { input, T, runEnd, lanes, all, unknownIds, stageName, stageColor, pause, usualPause, waitThreshold, waited: (l) => pause(l) > waitThreshold, sequence };
}

/** The record's own lane: progress bar, hops, failed replies, violations, and where it stopped. */
function laneSvg(v: View, lane: Lane, row: number): string {
  const y = row * LANE_H;
  const parts: string[] = [];
  // progress bar: from each main-path hop to the next, in the colour of the furthest stage reached
  const bars = new Map<number, string[]>();
  const ticks = new Map<number, string[]>();
  const reps = new Map<number, string[]>();
  const push = (m: Map<number, string[]>, k: number, d: string) => (m.get(k) ?? m.set(k, []).get(k)!).push(d);
  let progress = -1;
  let prev: number | null = null;
  for (const h of lane.hops.filter((h) => !h.replication)) {
    if (prev !== null && h.t > prev) push(bars, progress, `M${n(prev)} ${y + 8}H${n(h.t)}`);
    progress = Math.max(progress, h.stage);
    prev = h.t;
  }
  for (const h of lane.hops) push(h.replication ? reps : ticks, h.stage, h.replication ? `M${n(h.t)} ${y + 11}v4` : `M${n(h.t)} ${y + 3}v10`);
  for (const [s, d] of bars) parts.push(`<path class="bar" stroke="${v.stageColor(s)}" d="${d.join('')}"/>`);
  for (const [s, d] of ticks) parts.push(`<path class="hop" stroke="${v.stageColor(s)}" d="${d.join('')}"/>`);
  for (const [s, d] of reps) parts.push(`<path class="hop rep" stroke="${v.stageColor(s)}" d="${d.join('')}"/>`);
  const fails = lane.hops.filter((h) => h.failed).map((h) => `M${n(h.t)} ${y + 1}v${LANE_H - 2}`);
  if (fails.length) parts.push(`<path class="failmark" d="${fails.join('')}"/>`);
  if (lane.violations.length) parts.push(`<path class="violmark" d="${lane.violations.map((x) => `M${n(x.at)} ${y}v${LANE_H}`).join('')}"/>`);
  if (lane.stop) {
    // where it stopped, and nothing after: a dashed line to the end
    parts.push(`<path class="stopmark ${lane.stop.status}" data-record="${lane.id}" d="M${n(lane.stop.at)} ${y + 1}v${LANE_H - 2}"/>`);
    parts.push(`<path class="afterstop" d="M${n(lane.stop.at)} ${y + 8}H${v.T}"/>`);
  }
  return parts.join('');
}

/** Fault shading, lane by lane: solid where the fault is in the record's path, faint where it only holds up its copies. */
function faultShading(v: View, gl: Lane[]): string {
  const parts: string[] = [];
  for (const f of v.input.faults) {
    const x1 = Math.min(f.end ?? v.T, v.T);
    const w = n(Math.max(x1 - f.start, 0.5));
    const hit: string[] = [];
    const copies: string[] = [];
    const edges: string[] = [];
    gl.forEach((lane, row) => {
      const applies = faultAppliesTo(f, lane.region);
      if (!applies) return;
      const y = row * LANE_H;
      (applies === 'hit' ? hit : copies).push(`M${n(f.start)} ${y}h${w}v${LANE_H}h-${w}z`);
      if (applies === 'hit') edges.push(`M${n(f.start)} ${y}v${LANE_H}${f.end !== null ? `M${n(f.end)} ${y}v${LANE_H}` : ''}`);
    });
    if (hit.length) parts.push(`<path class="fault" data-fault="${esc(f.id)}" d="${hit.join('')}"/>`);
    if (copies.length) parts.push(`<path class="fault copies" data-fault="${esc(f.id)}" d="${copies.join('')}"/>`);
    if (edges.length) parts.push(`<path class="faultedge" d="${edges.join('')}"/>`);
  }
  return parts.join('');
}

function laneLabel(v: View, lane: Lane): string {
  const life = lane.first === null ? null : lane.last! - lane.first;
  const classes = ['lbl', lane.violations.length ? 'viol' : '', v.waited(lane) ? 'slow' : '', lane.first === null ? 'none' : '', lane.stop ? 'stopped' : '']
    .filter(Boolean)
    .join(' ');
  const until = lane.stop ? v.runEnd : (lane.last ?? 0);
  const faults = v.input.faults.filter((f) => lane.first !== null && faultAppliesTo(f, lane.region) === 'hit' && f.start <= until && (f.end ?? Infinity) >= lane.first);
  const tip = [
    `record ${lane.id}${lane.region !== null ? `, region ${lane.region}` : ''}`,
    lane.first === null ? 'never seen in the trace' : `first seen t=${lane.first} ms, last t=${lane.last} ms (${life} ms); ${lane.hops.length} messages`,
    lane.stop ? `${lane.stop.status.toUpperCase()}: ${lane.stop.where} (since t=${lane.stop.at} ms)` : '',
    lane.wait && lane.wait.to - lane.wait.from > 0
      ? `longest pause: ${lane.wait.to - lane.wait.from} ms at ${v.stageName(lane.wait.stage)} (t=${lane.wait.from}-${lane.wait.to} ms)`
      : '',
    lane.failed ? `${lane.failed} failed repl${lane.failed === 1 ? 'y' : 'ies'}` : '',
    ...faults.map((f) => `during ${f.label} (t=${f.start}-${f.end ?? 'end'} ms)`),
    ...lane.violations.map((x) => `VIOLATION ${x.kind} at t=${x.at} ms in ${x.component}`),
  ].filter(Boolean);
  const badge = lane.violations.length
    ? '<b class="vb">!</b>'
    : lane.stop
      ? `<b class="${lane.stop.status === 'lost' ? 'lb' : 'sb'}">${lane.stop.status}</b>`
      : lane.failed
        ? '<b class="fb">×</b>'
        : '';
  return (
    `<div class="${classes}" id="rec-${lane.id}" data-tip="${esc(tip.join('\n'))}"><span class="rid">#${lane.id}</span>` +
    `<span class="reg">${lane.region !== null ? `r${lane.region}` : ''}</span>${badge}` +
    `<span class="life">${life === null ? '—' : `${life} ms`}</span></div>`
  );
}

/** HTML over a group's plot: the stop labels, positioned in % of the view like the axis marks. */
function stopLabels(v: View, gl: Lane[]): string {
  return gl
    .map((lane, row) => {
      if (!lane.stop) return '';
      const s = lane.stop;
      const tip = `record ${lane.id} ${s.status}: ${s.where}\nlast message there at t=${s.at} ms; nothing after it`;
      // the label starts after the record's last message, so it hides none of them
      const at = Math.max(s.at, lane.last ?? 0);
      return `<div class="stoplabel ${s.status}" data-t0="${at}" data-record="${lane.id}" style="top:${row * LANE_H}px;left:${pct(at, v.T)}%" data-tip="${esc(tip)}">■ ${s.status} in ${esc(s.component)}</div>`;
    })
    .join('');
}

function groupsHtml(v: View): string {
  const { input, lanes, T } = v;
  const groups: { title: string; ids: number[] }[] = [];
  input.batches.forEach((batch, b) => {
    for (let i = 0; i < batch.length; i += MAX_GROUP) {
      const ids = batch.slice(i, i + MAX_GROUP);
      const part = batch.length > MAX_GROUP ? ` (records ${i + 1}-${i + ids.length} of ${batch.length})` : '';
      groups.push({ title: `Batch ${b + 1}${part}`, ids });
    }
  });
  return groups
    .map((g, gi) => {
      const gl = g.ids.map((id) => lanes.get(id)!);
      const viol = gl.reduce((a, l) => a + l.violations.length, 0);
      const failed = gl.filter((l) => l.failed).length;
      const stopped = gl.filter((l) => l.stop).length;
      const slowHere = gl.filter(v.waited).length;
      const open = v.all.length <= EXPAND_ALL_UP_TO || gi === 0 || viol > 0 || stopped > 0;
      const h = gl.length * LANE_H;
      const summary = [
        `${gl.length} record${gl.length === 1 ? '' : 's'} (#${g.ids[0]}–#${g.ids[g.ids.length - 1]})`,
        slowHere ? `<span class="s-slow">${slowHere} waited</span>` : '',
        failed ? `<span class="s-fail">${failed} with failed replies</span>` : '',
        stopped ? `<span class="s-viol">${stopped} lost or stuck</span>` : '',
        viol ? `<span class="s-viol">${viol} violation${viol === 1 ? '' : 's'}</span>` : '',
      ]
        .filter(Boolean)
        .join(' · ');
      const steps = input.steps.filter((s) => s.at <= T);
      return (
        `<section class="group${open ? '' : ' collapsed'}" data-group="${gi}">` +
        `<button class="ghead" type="button" aria-expanded="${open}"><span class="caret"></span><b>${esc(g.title)}</b> <span class="gsum">${summary}</span></button>` +
        `<div class="gbody"><div class="labels">${gl.map((l) => laneLabel(v, l)).join('')}</div><div class="plotwrap">` +
        `<svg class="plot" data-ids="${g.ids.join(',')}" viewBox="0 0 ${T} ${h}" preserveAspectRatio="none" height="${h}">` +
        gl.map((l, row) => `<rect class="lane${row % 2 ? ' odd' : ''}" data-record="${l.id}" x="0" y="${row * LANE_H}" width="${T}" height="${LANE_H}"/>`).join('') +
        faultShading(v, gl) +
        (steps.length ? `<path class="stepline" d="${steps.map((s) => `M${n(s.at)} 0V${h}`).join('')}"/>` : '') +
        gl.map((l, row) => laneSvg(v, l, row)).join('') +
        `</svg><div class="overlay">${stopLabels(v, gl)}</div></div></div></section>`
      );
    })
    .join('');
}

const item = (T: number, cls: string, t0: number, t1: number | null, html: string, tip?: string) =>
  `<div class="${cls}" data-t0="${t0}"${t1 !== null ? ` data-t1="${t1}"` : ''} style="left:${pct(t0, T)}%${t1 !== null ? `;width:${pct(t1 - t0, T)}%` : ''}"${tip ? ` data-tip="${esc(tip)}"` : ''}>${html}</div>`;

type Step = Input['steps'][number];
const stepTip = (s: Step, started: number) =>
  `Step ${s.step} ${s.ok ? 'ok' : 'FAILED'} at t=${s.at} ms (started t=${started} ms)\n${s.name}` +
  s.commands.map((c) => `\ndid: ${c.verb} ${c.target}${c.args && Object.keys(c.args).length ? ' ' + JSON.stringify(c.args) : ''}`).join('') +
  (s.detail ? `\n${s.detail}` : '');

/** Step marks (steps ending at the same time share one); steps after the drawn span share one "later" mark at its end. */
function stepMarks(v: View): string[] {
  const { input, T } = v;
  const stepsAt = new Map<number, { s: Step; started: number }[]>();
  const later: { s: Step; started: number }[] = [];
  input.steps.forEach((s, i) => {
    const entry = { s, started: i === 0 ? 0 : input.steps[i - 1].at };
    if (s.at > T) later.push(entry);
    else (stepsAt.get(s.at) ?? stepsAt.set(s.at, []).get(s.at)!).push(entry);
  });
  const mark = (cls: string, at: number, list: typeof later, text: string) => {
    const bad = list.some(({ s }) => !s.ok);
    return item(T, `${cls}${bad ? ' bad' : ''}`, at, null, `<span>${esc(text)}</span>`, list.map(({ s, started }) => stepTip(s, started)).join('\n\n'));
  };
  const marks = [...stepsAt].map(([at, list]) => mark('stepmark', at, list, list.map(({ s }) => s.step).join(' · ')));
  if (later.length) {
    const [a, b] = [later[0].s.at, later[later.length - 1].s.at];
    marks.push(mark('stepmark later', T, later, `${later.map(({ s }) => s.step).join(' · ')} → t=${a === b ? a : `${a}–${b}`}`));
  }
  return marks;
}

function axisHtml(v: View): string {
  const { input, T } = v;
  const ticks: string[] = [];
  const step = tickStep(T, 12);
  for (let t = 0; t <= T; t += step) ticks.push(item(T, 'tick', t, null, `<span>${t}</span>`));
  const faultMarks = input.faults.map((f) => {
    const until = Math.min(f.end ?? T, T);
    const tip = `${f.label}\n${f.kind} on ${f.target}${f.region ? ` region ${f.region}` : ''}\nfrom t=${f.start} ms ${f.end === null ? 'to the end of the run (never recovered)' : `to t=${f.end} ms (${f.end - f.start} ms)`}`;
    return item(T, 'faultband', f.start, until, `<span>⚡ ${esc(f.label)}</span>`, tip);
  });
  const coldAt = input.spec.coldAt;
  const specParts: string[] = [];
  const hotEnd = Math.min(coldAt ?? T, T);
  specParts.push(item(T, 'spec hot', 0, hotEnd, `<span>hot</span>`, `spec hot from t=0 ms${coldAt !== null ? ` until t=${coldAt} ms` : ''}: some record not yet everywhere`));
  if (coldAt !== null && coldAt < T) specParts.push(item(T, 'spec cold', coldAt, T, `<span>cold</span>`, `spec cold from t=${coldAt} ms: every record everywhere`));
  if (input.spec.finalState === 'stuck')
    specParts.push(item(T, 'spec stuck', Math.max(0, T - T * 0.04), T, `<span>stuck</span>`, `spec stuck at the end of the run (t=${v.runEnd} ms): the system went quiescent with records pending`));
  // each violation says what it contradicts (the first one: the sequence view's link) and the latest fault before it
  const { sequence } = v;
  const violMarks = input.violations.map((x, i) => {
    const fault = latestFaultBefore(input.faults, x.at, x.component);
    const tip = [
      `VIOLATION ${x.kind}`,
      `record ${x.recordId} in ${x.component} at t=${x.at} ms`,
      x.message,
      i === 0 && sequence?.link ? `violating message: ${sequence.link.text}` : '',
      fault ? `latest fault before it: ${fault.label} at t=${fault.start} ms (${x.at - fault.start} ms earlier)` : 'no fault before it',
    ];
    return item(T, 'violmark-axis', x.at, null, '<span>!</span>', tip.filter(Boolean).join('\n'));
  });
  return `<div class="axis" id="axis">
  <div class="arow"><div class="alabel">virtual ms</div><div class="atrack ticks" id="ticks">${ticks.join('')}</div></div>
  <div class="arow packed"><div class="alabel">steps</div><div class="atrack steps-track" data-pack="19">${stepMarks(v).join('')}</div></div>
  <div class="arow packed faultrow"><div class="alabel">faults</div><div class="atrack" data-pack="24">${faultMarks.join('') || '<span class="none">none</span>'}</div></div>
  <div class="arow"><div class="alabel">spec</div><div class="atrack spec-track">${specParts.join('')}</div></div>
  ${violMarks.length ? `<div class="arow"><div class="alabel">violations</div><div class="atrack">${violMarks.join('')}</div></div>` : ''}
</div>`;
}

function headerStats(v: View): string {
  const { input } = v;
  const r = input.records;
  const failedReplies = input.trace.filter((e) => e.success === false).length;
  const stat = (label: string, value: string | number, cls = '') => `<div class="stat ${cls}"><div class="v">${esc(String(value))}</div><div class="k">${esc(label)}</div></div>`;
  return [
    stat('published', r.published),
    stat('delivered', r.delivered, r.delivered < r.published ? 'bad' : ''),
    stat('lost', r.lost, r.lost ? 'bad' : ''),
    stat('duplicates', r.duplicates, r.duplicates ? 'bad' : ''),
    stat('violations', input.violations.length, input.violations.length ? 'bad' : ''),
    stat('failed replies', failedReplies, failedReplies ? 'warn' : ''),
    stat('messages', input.stats.messages),
    stat('virtual ms', input.stats.virtualTimeMs),
    stat('spec', input.spec.finalState, input.spec.finalState === 'cold' ? '' : 'bad'),
  ].join('');
}

/** The failure's kind in a line (`data-kind` for tools): "violation: duplicate", "step-failed: deadline (step 5)". */
function failureKindHtml(f: RunFailure | undefined): string {
  if (!f) return '';
  const detail =
    f.kind === 'violation' ? `: ${f.property}` : f.kind === 'step-failed' ? `: ${f.failure} (step ${f.step})` : f.kind === 'unhandled-event' ? `: ${f.event} in ${f.actor}` : '';
  return `<p class="kind" data-kind="${esc(f.kind)}">${esc(`${f.kind}${detail}`)}</p>`;
}

/** "What failed": the property and record first, then where lost records stopped, then failed steps. */
function whyFailedHtml(v: View): string {
  const lines = failureLines(v.input, v.all, v.unknownIds);
  if (!lines.length) return '';
  return (
    `<section class="why" id="why"><h2>What failed</h2>${failureKindHtml(v.input.failure as RunFailure | undefined)}<ol>` +
    lines.map((l) => `<li>${esc(l.text)}${l.recordId !== undefined && v.lanes.has(l.recordId) ? ` <a class="goto" href="#rec-${l.recordId}">record #${l.recordId} ↓</a>` : ''}</li>`).join('') +
    `</ol></section>`
  );
}

/** Everything needed to run it again: scenario, seed, plan, machines (path and hash), trace digest, replay command. */
function reproduceHtml(input: Input): string {
  const r = input.reproduce;
  if (!r) return '';
  const row = (k: string, html: string) => `<tr><th>${esc(k)}</th><td>${html}</td></tr>`;
  const s = r.shrunkFrom;
  const sized = (z: { faults: number; records: number; messages: number }) => `${z.faults} fault${z.faults === 1 ? '' : 's'}, ${z.records} records, ${z.messages} messages`;
  return (
    `<details class="reproduce" id="reproduce"${input.verdict === 'fail' ? ' open' : ''}><summary>Reproduce this run</summary><table>` +
    (s
      ? row(
          'shrunk from',
          `${esc(s.scenario)} <b>seed ${s.seed}</b> (${sized(s.before)}) to this plan (${sized(s.after)}), failing the same way: ${esc(s.signature)}` +
            `<br>original: <code class="cmd">${esc(s.replay)}</code>`,
        )
      : '') +
    row('scenario', `${esc(input.scenario)}${r.scenarioFile !== undefined ? ` (file <code>${esc(r.scenarioFile)}</code>)` : ''}`) +
    row('seed', String(input.seed)) +
    row('latency', esc(r.latency)) +
    row('fault plan', r.plan.length ? `<ol class="plan">${r.plan.map((f) => `<li>${esc(f)}</li>`).join('')}</ol>` : 'none') +
    row('machines', r.machines ? `<code>${esc(r.machines.path)}</code> sha256 <code class="hash">${esc(r.machines.sha256)}</code>` : "the package's own (no --machines)") +
    row('trace digest', `<code class="hash" id="digest">${esc(r.traceDigest)}</code> (a replay gives the same)`) +
    row('replay', `<code class="cmd" id="replay">${esc(r.replay)}</code>`) +
    (r.planFile !== undefined
      ? row(
          'the plan as a file',
          `<details><summary>scenario file (seed, latency and topology in it): save it, run <code>tps run --scenario-file FILE${r.machines ? ` --machines ${esc(r.machines.path)}` : ''}</code></summary>` +
            `<pre id="planfile">${esc(JSON.stringify(r.planFile, null, 2))}</pre></details>`,
        )
      : '') +
    `</table></details>`
  );
}

/** The system as a picture: what each fault hit, where lost records stopped, where violations were seen. */
function mapHtml(v: View): string {
  const { input } = v;
  const failing = input.verdict === 'fail';
  return (
    `<details class="map" id="map"${failing || input.faults.length ? ' open' : ''}><summary>The system: what the faults hit${failing ? ', where records stopped, where violations were seen' : ''}</summary>` +
    `<div class="mapscroll">${staticMapSvg({ ...input, lanes: v.all })}</div>` +
    `<div class="maplegend"><span class="ml faulted">⚡ a fault hit it</span><span class="ml stopped">■ a lost or stuck record stopped in it</span><span class="ml violated">! violations seen there</span>; hover a component for the details</div></details>`
  );
}

function findingsHtml(v: View): string {
  const { input } = v;
  const fmtIds = (ids: number[]) => (ids.length > 12 ? `${ids.slice(0, 12).join(', ')} … (${ids.length})` : ids.join(', '));
  const findings: string[] = [];
  for (const f of input.faults)
    findings.push(`<li class="f-fault">⚡ <b>${esc(f.label)}</b> from t=${f.start} ms ${f.end === null ? '<b>never recovered</b>' : `to t=${f.end} ms`}</li>`);
  const waitedLanes = v.all.filter(v.waited).sort((a, b) => v.pause(b) - v.pause(a));
  if (waitedLanes.length) {
    const w = waitedLanes[0];
    findings.push(
      `<li class="f-slow"><i class="dot"></i><b>${waitedLanes.length} record${waitedLanes.length === 1 ? '' : 's'} waited over ${v.waitThreshold} ms</b> ` +
        `(usual longest pause ${v.usualPause} ms): ${esc(fmtIds(waitedLanes.map((l) => l.id).sort((a, b) => a - b)))}` +
        ` — longest: #${w.id} paused ${v.pause(w)} ms at ${esc(v.stageName(w.wait!.stage))} (t=${w.wait!.from}–${w.wait!.to} ms)</li>`,
    );
  }
  if (input.violations.length) {
    const LIST = 200;
    findings.push(
      `<li class="f-viol"><details><summary>every violation (${input.violations.length})</summary><ol>${input.violations
        .slice(0, LIST)
        .map((x) => `<li>t=${x.at} ms · record ${x.recordId} · ${esc(x.component)} · ${esc(x.kind)}: ${esc(x.message)}</li>`)
        .join('')}${input.violations.length > LIST ? `<li>… and ${input.violations.length - LIST} more</li>` : ''}</ol></details></li>`,
    );
  }
  if (v.runEnd > v.T) findings.push(`<li>The axis ends at t=${v.T} ms, where the activity ends; the run went on, idle, to t=${v.runEnd} ms.</li>`);
  return findings.length ? `<ul class="findings">${findings.join('')}</ul>` : `<ul class="findings"><li>No fault windows, slow records or violations.</li></ul>`;
}

function legendHtml(v: View): string {
  const stageKeys = [-1, ...v.input.stages.map((_, i) => i), v.input.stages.length];
  return [
    ...stageKeys.map((s) => `<span class="lg"><i class="sw" style="background:${v.stageColor(s)}"></i>${esc(v.stageName(s))}</span>`),
    `<span class="lg"><i class="sw hopsw"></i>tall tick: a message · short tick: replication</span>`,
    `<span class="lg"><i class="sw faultsw"></i>fault on the record's region</span>`,
    `<span class="lg"><i class="sw faultsw copies"></i>fault on a table its copies go to</span>`,
    `<span class="lg"><i class="sw failsw"></i>failed reply</span>`,
    `<span class="lg"><i class="sw violsw"></i>spec violation</span>`,
    `<span class="lg"><i class="sw stopsw"></i>lost / stuck: where it stopped</span>`,
    `<span class="lg"><i class="sw stepsw"></i>scenario step</span>`,
  ].join('');
}

/** Per-record hop data for the hover tooltips (names in a string table), as the page's JSON. */
function hopDataJson(v: View): string {
  const strings: string[] = [];
  const stringIndex = new Map<string, number>();
  const str = (s: string) => stringIndex.get(s) ?? (stringIndex.set(s, strings.length), strings.push(s) - 1);
  const hopData: Record<number, number[]> = {};
  for (const lane of v.all)
    hopData[lane.id] = lane.hops.flatMap((h) => {
      const e = v.input.trace[h.index];
      return [e.t, str(e.from), str(e.to), str(e.type), e.success === undefined ? 2 : e.success ? 1 : 0];
    });
  return JSON.stringify({ T: v.T, laneH: LANE_H, s: strings, r: hopData }).replace(/</g, '\\u003c');
}

const titleOf = (input: Input) => `${input.scenario} seed ${input.seed}: ${input.verdict === 'pass' ? 'PASS' : 'FAIL'}`;

/** The verdict, the scenario and seed, the run's shape, and the figures. */
function headerHtml(v: View): string {
  const { input } = v;
  const pass = input.verdict === 'pass';
  const coldAt = input.spec.coldAt;
  return `<header>
  <div class="verdict ${pass ? 'pass' : 'fail'}" id="verdict">${pass ? 'PASS' : 'FAIL'}</div>
  <div class="what"><h1>${esc(input.scenario)} <span class="seed">seed ${input.seed}</span></h1>
  <div class="sub">${v.all.length} records in ${input.batches.length} batch${input.batches.length === 1 ? '' : 'es'}; regions ${input.regions.map(regionLabel).join(', ')}; stages ${esc(input.stages.join(' → '))}${coldAt !== null ? `; spec cold at t=${coldAt} ms` : ''}</div></div>
  <div class="stats">${headerStats(v)}</div>
</header>`;
}

/** Every scenario step: when it ended, ok or failed, and why. */
function stepsTableHtml(input: Input): string {
  const rows = input.steps
    .map((s) => `<tr class="${s.ok ? '' : 'bad'}"><td>${esc(s.step)}</td><td>${s.ok ? 'ok' : 'FAIL'}</td><td>${s.at}</td><td>${esc(s.name)}${s.detail ? ` — ${esc(s.detail)}` : ''}</td></tr>`)
    .join('');
  return `<details class="steps"><summary>Scenario steps (${input.steps.length})</summary><table><thead><tr><th>step</th><th></th><th>t (ms)</th><th>what</th></tr></thead><tbody>${rows}</tbody></table></details>`;
}

/** The legend and the zoom and group buttons. */
function toolbarHtml(v: View): string {
  return `<div class="toolbar"><div class="legend">${legendHtml(v)}</div>
<div class="zoom"><button type="button" data-zoom="in" title="zoom in (+, or ctrl+wheel)">+</button><button type="button" data-zoom="out" title="zoom out (-)">−</button><button type="button" data-zoom="fit" title="whole run (0)">fit</button><span id="range"></span>
<button type="button" data-groups="open">expand all</button><button type="button" data-groups="close">collapse all</button></div></div>`;
}

/** The time axis over the record lanes, batch by batch. */
function timelineHtml(v: View): string {
  return `<main id="timeline">
${axisHtml(v)}
<div id="groups">${groupsHtml(v)}</div>
</main>`;
}

/** A whole page around its body: no network (CSS and script inline, a CSP that allows nothing else). */
function pageHtml(title: string, body: string, footer: string, data: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>${esc(title)}</title>
<style>${REPORT_CSS}${MAP_CSS}</style></head>
<body style="--label-w:150px">
${body}
<div id="tip" role="tooltip" hidden></div>
${footer}
<script id="data" type="application/json">${data}</script>
<script>${REPORT_JS}</script>
</body></html>
`;
}

/** Renders the report, section by section; throws an InputError naming the field when the input is malformed. */
export function renderHtmlReport(raw: HtmlReportInput): string {
  const parsed = htmlReportInputSchema.safeParse(raw);
  if (!parsed.success) throw new InputError('html report input', formatIssues(parsed.error));
  const input = parsed.data;
  const v = makeView(input);
  const sections = [
    headerHtml(v),
    whyFailedHtml(v),
    reproduceHtml(input),
    sequenceHtml(v.sequence),
    mapHtml(v),
    findingsHtml(v),
    stepsTableHtml(input),
    toolbarHtml(v),
    timelineHtml(v),
  ];
  const footer = `<footer>${input.stats.messages} messages · ${input.stats.virtualTimeMs} virtual ms · ${input.stats.wallMs} wall ms · generated by tps</footer>`;
  return pageHtml(titleOf(input), sections.join('\n'), footer, hopDataJson(v));
}
