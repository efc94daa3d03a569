import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checks, ceiling, OVERHEAD_RATIO_BEFORE, targets, type Measured } from '../../bench/report';
import { edits } from '../../bench/upstream-xstate';

// The bench's verdicts from made-up measurements: no timing is taken here.
function measured(over: { f2Steady?: number; overheadRatio?: number; one?: number; all?: number } = {}): Measured {
  const f2 = (steady: number, workers = 1) => ({
    workers,
    seeds: 300 * workers,
    messagesPerRun: 2_000,
    schedulesPerSecond: steady * 0.9,
    steadySchedulesPerSecond: steady,
    firstScheduleMs: 20,
    wallMs: 1_000,
    moduleLoadMs: [100],
    startupMs: [150],
    failedSeeds: [],
  });
  const fresh = (rate: number, workers: number) => ({ workers, seeds: 150 * workers, schedulesPerSecond: rate, steadySchedulesPerSecond: rate, firstScheduleMs: 200, wallMs: 3_000, failedSeeds: [] });
  const row = (records: number, wallMs: number, peakHeapMB: number) => ({
    records,
    messages: records * 72,
    wallMs,
    peakHeapMB,
    messagesPerSecond: (records * 72) / (wallMs / 1000),
    liveHeapAfterFullGcMB: 10,
    heapAtEndMB: 10,
    peakRssMB: 100,
    verdict: 'pass' as const,
  });
  return {
    cores: 2,
    f2Warm: f2(over.f2Steady ?? 50),
    f2One: fresh(over.one ?? 50, 1),
    f2All: fresh(over.all ?? 90, 2),
    tpsCheck: { error: 'not run' },
    // 250,000 messages/s: 4 µs a message; 2,000 messages = 8 ms, plus 2 ms of set-up = 10 ms: a ceiling of 100/s.
    pp: {
      pipeline: { records: 5_000, verdict: 'pass', messages: 360_000, wallMs: 2_000, messagesPerSecond: 180_000 },
      immediate: 400_000,
      virtualClock: 200_000,
      virtualScheduler: 250_000,
      overheadRatio: over.overheadRatio ?? 0.45,
      ceilingRatio: 0.72,
      rounds: [],
    },
    setup: { setupMs: 2, wallMs: 2.4, messages: 93 },
    scale: { rows: [row(10_000, 4_000, 45), row(100_000, 42_000, 150)] },
  } as unknown as Measured;
}

const byName = (m: Measured) => Object.fromEntries(checks(m).map((c) => [c.name, c]));

describe('the bench report', () => {
  it('prices the ceiling from the ping-pong and the set-up, and judges F2 against it', () => {
    expect(ceiling(measured()).schedulesPerSecond).toBeCloseTo(100, 6);
    expect(byName(measured({ f2Steady: 70 })).f2ShareOfCeiling.met).toBe(true);
    expect(byName(measured({ f2Steady: 69 })).f2ShareOfCeiling.met).toBe(false);
    // F2 at 50/s: 20 ms a run, 18 ms after the set-up, 9 µs a message against 4.
    expect(byName(measured({ f2Steady: 50 })).f2CostPerMessage.value).toBeCloseTo(9 / 4, 6);
  });

  it('judges the pipeline drift-corrected, against run D', () => {
    const met = byName(measured({ overheadRatio: OVERHEAD_RATIO_BEFORE * targets.pipelineSpeedup + 0.001 }));
    expect(met.pipelineSpeedupDriftCorrected.met).toBe(true);
    expect(byName(measured({ overheadRatio: 0.4 })).pipelineSpeedupDriftCorrected.met).toBe(false);
    // The raw figure against run D is printed, not judged.
    expect(met.pipelineMessagesPerSecond.target).toBeUndefined();
  });

  it('judges worker scaling on W x one fresh worker', () => {
    expect(byName(measured({ one: 50, all: 90 })).scalingEfficiency.met).toBe(true);
    expect(byName(measured({ one: 50, all: 89 })).scalingEfficiency.met).toBe(false);
    expect(byName(measured()).wallRatio100kTo10k.value).toBeCloseTo(10.5, 6);
  });
});

describe('npm run bench:upstream', () => {
  it('finds each of its edits exactly once in the installed xstate', () => {
    const dir = join(__dirname, '..', '..', 'node_modules', 'xstate', 'dist');
    for (const e of edits) expect(readFileSync(join(dir, e.file), 'utf8').split(e.find).length - 1).toBe(1);
  });
});
