/**
 * The bench's verdicts and its table: every check is a named object in one
 * list, and the table prints the list, so no row depends on a position.
 * Targets are informational: a missed one prints `missed`, never an exit code.
 */
import type { F2Fresh, F2Warm, PipelineAndPingPong, ScaleRow, SetupPerRun, TpsCheckStartup } from './measure';

/** The pipeline's messages/s in docs/benchmarks.md before this bench (run D, 25 November 2026). */
export const PIPELINE_BEFORE = 126_219;
/**
 * Run D's pipeline over bare immediate XState ping-pong, median of its rounds. The ping-pong is
 * XState alone (no project code), so this ratio compares the pipeline across days on a machine
 * whose speed drifts: run D's immediate ping-pong ran at 449,633 messages/s, later runs at
 * 314,000-371,000 (run medians) on the same kind of machine.
 */
export const OVERHEAD_RATIO_BEFORE = 0.286;

export const targets = {
  /** F2's steady schedules/s on one warm worker, at least this share of the ceiling */
  f2ShareOfCeiling: 0.7,
  /** pipeline against run D, at least this many times faster (drift-corrected: OVERHEAD_RATIO_BEFORE) */
  pipelineSpeedup: 1.5,
  /** W fresh workers on W cores, at least this share of W x one worker's rate */
  scalingEfficiency: 0.9,
  maxWallRatio100kTo10k: 11,
  maxPeakHeapMB100k: 1024,
};

export interface Measured {
  cores: number;
  f2Warm: F2Warm;
  /** W warm pooled workers (W = cores), as f2Warm on one */
  f2WarmAll?: F2Warm;
  f2One: F2Fresh;
  f2All: F2Fresh;
  tpsCheck: TpsCheckStartup | { error: string };
  pp: PipelineAndPingPong;
  setup: SetupPerRun;
  scale: { rows: ScaleRow[]; tenThousandAgain?: ScaleRow };
}

export interface Check {
  /** stable key: results.json and the docs refer to it */
  name: string;
  figure: string;
  value: number | null;
  /** how the value prints (default: 1 decimal) */
  shown?: string;
  /** absent: a figure reported, not judged */
  target?: string;
  met?: boolean | null;
  note?: string;
}

const fmt = (n: number | null | undefined, digits = 0) =>
  n === null || n === undefined || !Number.isFinite(n) ? '-' : n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** What F2 could reach if a run cost only its set-up and its messages at the bare ping-pong's rate. */
export function ceiling(m: Pick<Measured, 'f2Warm' | 'pp' | 'setup'>): { schedulesPerSecond: number; messageUs: number; f2MessageUs: number } {
  const messageUs = 1e6 / m.pp.virtualScheduler;
  const runMs = (m.f2Warm.messagesPerRun * messageUs) / 1000 + m.setup.setupMs;
  // F2's own cost per message: its steady run time, less the set-up, over its messages.
  const f2RunMs = 1000 / m.f2Warm.steadySchedulesPerSecond;
  const f2MessageUs = ((f2RunMs - m.setup.setupMs) * 1000) / m.f2Warm.messagesPerRun;
  return { schedulesPerSecond: 1000 / runMs, messageUs, f2MessageUs };
}

export function checks(m: Measured): Check[] {
  return [...f2CeilingChecks(m), ...pipelineChecks(m), ...scalingChecks(m), ...startupChecks(m), ...scaleChecks(m)];
}

/** The ceiling (bare ping-pong plus set-up) and F2's distance from it on one warm worker. */
function f2CeilingChecks(m: Measured): Check[] {
  const c = ceiling(m);
  return [
    { name: 'pingPongVirtualScheduler', figure: 'bare ping-pong messages/s, project virtual scheduler (the ceiling)', value: m.pp.virtualScheduler, shown: fmt(m.pp.virtualScheduler) },
    { name: 'setupMsPerRun', figure: 'set-up per run, ms (1-record run less its messages)', value: m.setup.setupMs, shown: fmt(m.setup.setupMs, 2) },
    {
      name: 'f2CostPerMessage',
      figure: 'F2 cost per message / ping-pong cost per message',
      value: c.f2MessageUs / c.messageUs,
      shown: `${fmt(c.f2MessageUs / c.messageUs, 2)}x (${fmt(c.f2MessageUs, 2)} vs ${fmt(c.messageUs, 2)} µs)`,
    },
    { name: 'f2Ceiling', figure: `F2 ceiling schedules/s (${fmt(m.f2Warm.messagesPerRun)} messages + set-up)`, value: c.schedulesPerSecond, shown: fmt(c.schedulesPerSecond, 1) },
    {
      name: 'f2ShareOfCeiling',
      figure: `F2 steady schedules/s, 1 warm worker (${m.f2Warm.seeds} seeds)`,
      value: m.f2Warm.steadySchedulesPerSecond / c.schedulesPerSecond,
      shown: `${fmt(m.f2Warm.steadySchedulesPerSecond, 1)} = ${fmt((100 * m.f2Warm.steadySchedulesPerSecond) / c.schedulesPerSecond, 0)}%`,
      target: `>= ${targets.f2ShareOfCeiling * 100}% of ceiling`,
      met: m.f2Warm.steadySchedulesPerSecond >= targets.f2ShareOfCeiling * c.schedulesPerSecond,
    },
  ];
}

/** The happy-path pipeline against run D and against the ping-pong. */
function pipelineChecks(m: Measured): Check[] {
  return [
    {
      name: 'pipelineMessagesPerSecond',
      figure: `pipeline messages/s (${fmt(m.pp.pipeline.records)} records, happy-path), against run D's ${fmt(PIPELINE_BEFORE)}`,
      value: m.pp.pipeline.messagesPerSecond,
      shown: `${fmt(m.pp.pipeline.messagesPerSecond)} = ${fmt(m.pp.pipeline.messagesPerSecond / PIPELINE_BEFORE, 2)}x`,
    },
    {
      name: 'pipelineSpeedupDriftCorrected',
      figure: `pipeline speed-up on run D, drift-corrected (pipeline / immediate ping-pong vs ${OVERHEAD_RATIO_BEFORE})`,
      value: m.pp.overheadRatio / OVERHEAD_RATIO_BEFORE,
      shown: `${fmt(m.pp.overheadRatio / OVERHEAD_RATIO_BEFORE, 2)}x`,
      target: `>= ${targets.pipelineSpeedup}x`,
      met: m.pp.overheadRatio / OVERHEAD_RATIO_BEFORE >= targets.pipelineSpeedup,
    },
    { name: 'pipelineShareOfCeiling', figure: 'pipeline / ping-pong on the virtual scheduler (median of rounds)', value: m.pp.ceilingRatio, shown: fmt(m.pp.ceilingRatio, 3) },
    { name: 'overheadRatio', figure: 'pipeline / immediate ping-pong (median of rounds)', value: m.pp.overheadRatio, shown: fmt(m.pp.overheadRatio, 3) },
  ];
}

/** F2 on one fresh worker, on W fresh workers, and on W warm ones. */
function scalingChecks(m: Measured): Check[] {
  const w = m.f2All.workers;
  const scaling = m.f2One.schedulesPerSecond > 0 ? m.f2All.schedulesPerSecond / (w * m.f2One.schedulesPerSecond) : null;
  return [
    { name: 'f2OneWorkerFresh', figure: `F2 schedules/s, 1 fresh worker (${m.f2One.seeds} seeds, start-up included)`, value: m.f2One.schedulesPerSecond },
    {
      name: 'scalingEfficiency',
      figure: `F2 schedules/s, ${w} fresh workers (${m.f2All.seeds} seeds) / ${w} x one`,
      value: scaling,
      shown: `${fmt(m.f2All.schedulesPerSecond, 1)} = ${fmt(scaling, 2)} x ${w} x one`,
      target: `>= ${targets.scalingEfficiency} x ${w} x one`,
      met: scaling === null ? null : scaling >= targets.scalingEfficiency,
      note: 'needs W idle cores: compare the load average at the start',
    },
    {
      name: 'scalingSteadyFresh',
      figure: `... the same, steady (second halves): ${fmt(m.f2All.steadySchedulesPerSecond, 1)} / ${w} x ${fmt(m.f2One.steadySchedulesPerSecond, 1)}`,
      value: m.f2One.steadySchedulesPerSecond > 0 ? m.f2All.steadySchedulesPerSecond / (w * m.f2One.steadySchedulesPerSecond) : null,
      shown: fmt(m.f2One.steadySchedulesPerSecond > 0 ? m.f2All.steadySchedulesPerSecond / (w * m.f2One.steadySchedulesPerSecond) : null, 2),
    },
    ...(m.f2WarmAll
      ? [
          {
            name: 'scalingWarm',
            figure: `F2 schedules/s, ${m.f2WarmAll.workers} warm workers (${m.f2WarmAll.seeds} seeds) / ${m.f2WarmAll.workers} x one warm (${m.f2Warm.seeds})`,
            value: m.f2WarmAll.schedulesPerSecond / (m.f2WarmAll.workers * m.f2Warm.schedulesPerSecond),
            shown: `${fmt(m.f2WarmAll.schedulesPerSecond, 1)} = ${fmt(m.f2WarmAll.schedulesPerSecond / (m.f2WarmAll.workers * m.f2Warm.schedulesPerSecond), 2)} x ${m.f2WarmAll.workers} x ${fmt(m.f2Warm.schedulesPerSecond, 1)}`,
          },
        ]
      : []),
  ];
}

/** How long a worker and `tps check` take to start. */
function startupChecks(m: Measured): Check[] {
  const startup = 'error' in m.tpsCheck ? undefined : m.tpsCheck;
  return [
    { name: 'moduleLoadMs', figure: 'worker module load, ms', value: m.f2Warm.moduleLoadMs[0] ?? null, shown: fmt(m.f2Warm.moduleLoadMs[0], 0) },
    { name: 'workerStartupMs', figure: 'worker start-up (thread + modules), ms', value: m.f2Warm.startupMs[0] ?? null, shown: fmt(m.f2Warm.startupMs[0], 0) },
    {
      name: 'tpsCheckFirstScheduleMs',
      figure: startup ? `tps check ${startup.seeds} seeds: process start to first schedule, ms` : 'tps check: process start to first schedule, ms',
      value: startup?.firstScheduleMs ?? null,
      shown: fmt(startup?.firstScheduleMs, 0),
      ...(startup ? {} : { note: (m.tpsCheck as { error: string }).error }),
    },
    {
      name: 'tpsCheckFullSpeedMs',
      figure: startup ? `... to full speed (${fmt(startup.steadySchedulesPerSecond, 1)} schedules/s on ${startup.workers}), ms` : '... to full speed, ms',
      value: startup?.fullSpeedMs ?? null,
      shown: fmt(startup?.fullSpeedMs, 0),
    },
  ];
}

/** Wall time and heap as the record count grows from 10k to 100k. */
function scaleChecks(m: Measured): Check[] {
  const rows = m.scale.rows;
  const at = (n: number) => rows.find((r) => r.records === n);
  const r10k = at(10_000);
  const r100k = at(100_000);
  const tenK = [r10k?.wallMs, m.scale.tenThousandAgain?.wallMs].filter((x): x is number => typeof x === 'number');
  const tenKMean = tenK.length ? tenK.reduce((a, b) => a + b, 0) / tenK.length : null;
  const wallRatio = tenKMean && r100k?.wallMs ? r100k.wallMs / tenKMean : null;
  const wallRatioAtLeast = wallRatio === null && tenKMean && r100k?.timedOutAfterMs ? r100k.timedOutAfterMs / tenKMean : null;
  const heap = r100k?.peakHeapMB ?? null;
  return [
    {
      name: 'wallRatio100kTo10k',
      figure: `wall ms 100k / 10k records${tenK.length > 1 ? ' (10k: mean of 2 runs)' : ''}`,
      value: wallRatio ?? wallRatioAtLeast,
      shown: wallRatio !== null ? `${fmt(wallRatio, 1)}x` : wallRatioAtLeast !== null ? `> ${fmt(wallRatioAtLeast, 1)}x` : '-',
      target: `<= ${targets.maxWallRatio100kTo10k}x`,
      met: wallRatio !== null ? wallRatio <= targets.maxWallRatio100kTo10k : wallRatioAtLeast !== null && wallRatioAtLeast > targets.maxWallRatio100kTo10k ? false : null,
    },
    {
      name: 'peakHeapMB100k',
      figure: 'peak heap, 100k records, MB',
      value: heap,
      shown: heap !== null ? `${fmt(heap, 1)}${r100k?.note ? ' (partial)' : ''}` : '-',
      target: `< ${targets.maxPeakHeapMB100k}`,
      met: heap === null ? null : r100k?.note && heap < targets.maxPeakHeapMB100k ? null : heap < targets.maxPeakHeapMB100k,
    },
  ];
}

export function table(rows: string[][], align: ('l' | 'r')[]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) => r.map((cell, c) => (align[c] === 'r' ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd()).join('\n');
}

const verdict = (c: Check) => (c.target === undefined ? '' : c.met === true ? 'met' : c.met === false ? 'missed' : 'n/a');

export function checksTable(list: Check[]): string {
  return table([['figure', 'value', 'target', ''], ...list.map((c) => [c.figure, c.shown ?? fmt(c.value, 1), c.target ?? '', verdict(c)])], ['l', 'r', 'l', 'l']);
}

export function scaleTable(rows: ScaleRow[]): string {
  return table(
    [
      ['records', 'messages', 'wall ms', 'messages/s', 'peak heap MB', 'live after full GC MB', 'heap at end MB', 'peak RSS MB', 'verdict'],
      ...rows.map((r) => [fmt(r.records), fmt(r.messages), fmt(r.wallMs), fmt(r.messagesPerSecond), fmt(r.peakHeapMB, 1), fmt(r.liveHeapAfterFullGcMB, 1), fmt(r.heapAtEndMB, 1), fmt(r.peakRssMB, 1), r.verdict ?? '-']),
    ],
    ['r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l'],
  );
}

/** The printed report: the checks, then the scale points, then notes. */
export function formatReport(header: string[], m: Measured, list: Check[]): string {
  const out = [...header, '', checksTable(list)];
  for (const c of list) if (c.note && c.target !== undefined) out.push(`  note: ${c.figure.split(' (')[0]}: ${c.note}`);
  const failed = [...new Set([...m.f2Warm.failedSeeds, ...(m.f2WarmAll?.failedSeeds ?? []), ...m.f2One.failedSeeds, ...m.f2All.failedSeeds])];
  if (failed.length) out.push(`  note: F2 seeds that did not pass: ${failed.join(', ')}`);
  if (m.pp.pipeline.verdict !== 'pass') out.push(`  note: the pipeline run's verdict was ${m.pp.pipeline.verdict}`);
  out.push('', 'Scale: happy-path, default topology, 10 batches, one fresh child process per point', scaleTable(m.scale.rows));
  for (const r of m.scale.rows) if (r.note) out.push(`  note: ${fmt(r.records)} records: ${r.note}`);
  const again = m.scale.tenThousandAgain;
  if (again) out.push(`  note: 10,000 records again after the 100,000-record run: ${fmt(again.wallMs)} wall ms${again.note ? ` (${again.note})` : ''}`);
  return out.join('\n');
}
