import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../cli/tps';
import { fakeIo } from '../support/fake-io';

const root = join(__dirname, '..', '..');
const mutant = join(root, 'dist', 'mutants', 'container-no-in-doubt-guard.js');
const kill = join(root, 'test', 'fixtures', 'kills', 'container-no-in-doubt-guard.json');
const unescape = (s: string) => s.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
const grab = (html: string, id: string) => unescape(new RegExp(`id="${id}">([^<]*)<`).exec(html)![1]);

/** Runs a `tps ...` command line as printed (plain words, no quoting needed here) with --json; its trace digest. */
async function digestOf(command: string, dir: string): Promise<string> {
  const args = command.split(' ').slice(1);
  const trace = args.indexOf('--trace');
  if (trace >= 0) args[trace + 1] = join(dir, 'replay.jsonl');
  const { io, out } = fakeIo();
  await main([...args, '--json', '--force'], io);
  return JSON.parse(out.join('')).traceDigest;
}

describe('a report reproduces its run from itself', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tps-reproduce-'));
  jest.setTimeout(120_000);

  it('tps run --html carries the scenario, seed, plan, machines module and its hash, trace digest and a replay command that gives the same digest', async () => {
    const file = join(dir, 'run.html');
    const { io, out } = fakeIo();
    expect(await main(['run', '--scenario-file', kill, '--machines', mutant, '--html', file, '--json'], io)).toBe(1);
    const digest = JSON.parse(out.join('')).traceDigest as string;
    const html = readFileSync(file, 'utf8');
    const section = /<details class="reproduce" id="reproduce" open>(.*?)<\/details>\n/s.exec(html)![1];
    expect(section).toContain(`(file <code>${kill}</code>)`);
    expect(section).toContain('<th>seed</th><td>5</td>');
    expect(section).toContain('f6: crash container:outbound:r1 when container:outbound:r1 is publishing');
    expect(section).toContain(createHash('sha256').update(readFileSync(mutant)).digest('hex'));
    expect(grab(html, 'digest')).toBe(digest);
    const replay = grab(html, 'replay');
    expect(replay).toBe(`tps run --scenario-file ${kill} --seed 5 --trace chaos-seed-5-5.jsonl --machines ${mutant}`);
    expect(await digestOf(replay, dir)).toBe(digest);
    // the plan embedded in the page replays without the original file
    const plan = join(dir, 'plan.json');
    writeFileSync(plan, grab(html, 'planfile'));
    expect(await digestOf(`tps run --scenario-file ${plan} --machines ${mutant}`, dir)).toBe(digest);
  });

  it('a built-in scenario is replayed by name, with its latency flags', async () => {
    const file = join(dir, 'f2.html');
    const { io } = fakeIo();
    expect(await main(['run', 'f2-fail-database', '--seed', '3', '--latency', 'heavy-tail', '--html', file], io)).toBe(0);
    const html = readFileSync(file, 'utf8');
    expect(html).toContain('<details class="reproduce" id="reproduce">');
    expect(html).toContain("the package's own (no --machines)");
    const replay = grab(html, 'replay');
    expect(replay).toBe('tps run f2-fail-database --seed 3 --trace f2-fail-database-3.jsonl --latency heavy-tail');
    expect(await digestOf(replay, dir)).toBe(grab(html, 'digest'));
  });

  it('tps check --html draws the shrunk counterexample and names the seed it came from', async () => {
    const file = join(dir, 'check.html');
    const min = join(dir, 'check-min.json');
    const { io, out } = fakeIo();
    const code = await main(['check', 'chaos', '--strategy', 'random', '--seeds', '5', '--from', '5', '--workers', '1', '--machines', mutant, '--shrink-out', min, '--html', file], io);
    expect(code).toBe(1);
    expect(out.join('\n')).toContain(`HTML report of seed 5's shrunk plan (${min}): ${file}`);
    const html = readFileSync(file, 'utf8');
    const shrunkPlan = JSON.parse(readFileSync(min, 'utf8'));
    const records = shrunkPlan.records.batches * shrunkPlan.records.size;
    expect(records).toBeLessThan(30);
    expect((html.match(/<rect class="lane/g) ?? []).length).toBe(records);
    expect(html).toMatch(/<th>shrunk from<\/th><td>chaos <b>seed 5<\/b> \(7 faults, 30 records, \d+ messages\) to this plan \(\d faults?, \d+ records/);
    expect(html).toContain(`original: <code class="cmd">tps run chaos --seed 5 --trace chaos-5.jsonl --machines ${mutant}</code>`);
    expect(grab(html, 'replay')).toContain(`--scenario-file ${min} --seed 5`);
    expect(await digestOf(grab(html, 'replay'), dir)).toBe(grab(html, 'digest'));
  });
});
