import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../cli/tps';
import { builtInScenarios } from '../../system/scenarios';
import { fakeIo } from '../support/fake-io';

// Both designs on the command line: listed apart, and never mixed up (exit 2 before anything runs).
jest.setTimeout(60_000);

const dir = mkdtempSync(join(tmpdir(), 'tps-designs-'));
const json = (name: string, value: unknown) => {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(value));
  return file;
};
const regions = [{ region: 1 }, { region: 2 }];
const aa = json('aa.json', { regions, stages: ['inbound', 'preprocess', 'core', 'postprocess', 'outbound'] });
const ap = json('ap.json', { design: 'active-passive', regions, stages: ['inbound', 'preprocess', 'core', 'postprocess', 'outbound'] });
const ap3 = json('ap3.json', { design: 'active-passive', regions: [...regions, { region: 3 }], stages: ['a'] });
const badDesign = json('bad-design.json', { design: 'active-standby', regions, stages: ['a'] });
const badLoss = json('bad-loss.json', { name: 'x', design: 'active-passive', lossOnFailover: 'ignored', steps: [{ name: 'go', final: true }] });
const lostOnAa = json('lost-on-aa.json', {
  name: 'x',
  steps: [{ name: 'go', expect: [{ lostOnFailover: { database: 'table:*', records: { batches: [1] } } }] }],
});

describe('tps and the two designs', () => {
  it('lists the scenarios grouped by design', async () => {
    const { io, out } = fakeIo();
    expect(await main(['list'], io)).toBe(0);
    const heading = (design: string) => out.findIndex((l) => l.startsWith(`${design} (`));
    expect(heading('active-active')).toBe(0);
    const passive = heading('active-passive');
    expect(passive).toBeGreaterThan(0);
    const under = (from: number, to: number) => out.slice(from + 1, to).filter((l) => l.startsWith('  ')).map((l) => l.trim().split(' ')[0]);
    const apNames = Object.values(builtInScenarios).filter((s) => s.design === 'active-passive').map((s) => s.name);
    expect(apNames.length).toBe(9);
    expect(under(passive, out.length)).toEqual(apNames);
    expect(under(0, passive)).not.toContain('active-passive');
  });

  it.each([
    [['run', 'active-passive', '--topology', aa], /design: scenario 'active-passive' is for the active-passive design; the topology is active-active/],
    [['run', 'happy-path', '--topology', ap], /design: scenario 'happy-path' is for the active-active design; the topology is active-passive/],
    [['check', 'active-passive-failover', '--seeds', '2', '--topology', aa], /scenario 'active-passive-failover' is for the active-passive design; the topology is active-active/],
    [['run', 'active-passive', '--topology', ap3], /regions: an active-passive system has exactly two regions/],
    [['run', 'active-passive', '--topology', badDesign], /design: Invalid option: expected one of "active-active"\|"active-passive"/],
    [['run', '--scenario-file', badLoss], /lossOnFailover: Invalid option/],
    [['run', '--scenario-file', lostOnAa], /expect\[0\]\.lostOnFailover: only an active-passive system fails over/],
  ])('bad input %j exits 2 naming what is wrong', async (argv, message) => {
    const { io, out, err } = fakeIo();
    expect(await main(argv, io)).toBe(2);
    expect(err.join('\n')).toMatch(message);
    expect(out).toEqual([]);
  });

  it('runs an active-passive scenario on an active-passive topology file', async () => {
    const { io, out } = fakeIo();
    expect(await main(['run', 'active-passive', '--topology', ap, '--json'], io)).toBe(0);
    const report = JSON.parse(out[0]);
    expect(report.topology.design).toBe('active-passive');
    expect(report.records).toEqual({ published: 10, delivered: 10, duplicates: 0, lost: 0 });
  });
});
