import { makeRecordSet } from '../../actors/record-set';
import { runScenario } from '../../system/run-scenario';

describe('deterministic simulation', () => {
  it('gives the same trace, byte for byte, for the same seed', () => {
    const a = runScenario({ scenario: 'f2-fail-database', seed: 42, keepTrace: true });
    const b = runScenario({ scenario: 'f2-fail-database', seed: 42, keepTrace: true });
    expect(a.report.traceDigest).toMatch(/^[0-9a-f]{64}$/);
    expect(b.report.traceDigest).toBe(a.report.traceDigest);
    expect(b.result.trace).toEqual(a.result.trace);
    expect(b.report.stats.messages).toBe(a.report.stats.messages);
    expect(b.report.stats.virtualTimeMs).toBe(a.report.stats.virtualTimeMs);
  });

  it('gives different interleavings for different seeds', () => {
    const digests = new Set<string>();
    const arrivals = new Set<string>();
    for (let seed = 1; seed <= 10; seed++) {
      const { report } = runScenario({ scenario: 'f2-fail-database', seed });
      expect(report.verdict).toBe('pass');
      digests.add(report.traceDigest);
      arrivals.add(report.destinationArrivals.join(','));
    }
    expect(digests.size).toBeGreaterThanOrEqual(5);
    expect(arrivals.size).toBeGreaterThanOrEqual(3);
  });

  it('draws record values from the seed: ids 1..30 in three batches, values 1..100000', () => {
    const a = makeRecordSet(7);
    expect(makeRecordSet(7)).toEqual(a);
    expect(makeRecordSet(8)).not.toEqual(a);
    expect(a.map((b) => b.map((r) => r.recordId))).toEqual([
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
      [11, 12, 13, 14, 15, 16, 17, 18, 19, 20],
      [21, 22, 23, 24, 25, 26, 27, 28, 29, 30],
    ]);
    for (const r of a.flat()) expect(r.recordValue >= 1 && r.recordValue <= 100_000).toBe(true);
    expect(new Set(a.flat().map((r) => r.recordValue)).size).toBeGreaterThan(25);
  });

  it('writes a trace of one JSON object a line, in virtual-time order', () => {
    const { result } = runScenario({ scenario: 'f2-fail-database', seed: 3, keepTrace: true });
    const lines = result.trace!.map((l) => JSON.parse(l));
    expect(lines.length).toBe(result.stats.messages);
    expect(lines[0]).toEqual(expect.objectContaining({ t: expect.any(Number), from: expect.any(String), to: expect.any(String), type: expect.any(String) }));
    for (let i = 1; i < lines.length; i++) expect(lines[i].t).toBeGreaterThanOrEqual(lines[i - 1].t);
    expect(lines.some((l) => l.type === 'table.insertCompleted' && l.success === false && l.from === 'table:preprocess:r1')).toBe(true);
  });

  it('latency models change the schedule but not the outcome', () => {
    const digests = new Set<string>();
    for (const latency of [{ model: 'uniform' as const }, { model: 'skewed' as const, slow: 'r1' }, { model: 'heavy-tail' as const }]) {
      const { report } = runScenario({ scenario: 'f2-fail-database', seed: 5, latency });
      expect(report.verdict).toBe('pass');
      digests.add(report.traceDigest);
    }
    expect(digests.size).toBe(3);
  });
});
