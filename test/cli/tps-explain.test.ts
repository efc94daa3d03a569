import { join } from 'node:path';
import { main } from '../../cli/tps';
import { fakeIo } from '../support/fake-io';

const root = join(__dirname, '..', '..');
const mutant = join(root, 'dist', 'mutants', 'container-no-in-doubt-guard.js');
const kill = join(root, 'test', 'fixtures', 'kills', 'container-no-in-doubt-guard.json');

describe('tps run --explain', () => {
  it('prints the counterexample after the narrative: lanes, the crash, the duplicate linked to the first send', async () => {
    const { io, out } = fakeIo();
    expect(await main(['run', '--scenario-file', kill, '--machines', mutant, '--explain'], io)).toBe(1);
    const text = out.join('\n');
    const from = text.indexOf('Counterexample: Property "duplicate" violated by record 1 in queue:outbound:r1');
    expect(from).toBeGreaterThan(text.indexOf('Verdict: FAIL'));
    const lines = text.slice(from).split('\n');
    expect(lines[1]).toMatch(/^Actors: A=\S+ /);
    expect(lines.findIndex((l) => /X .*FAULT f6: crash container:outbound:r1/.test(l))).toBeLessThan(lines.findIndex((l) => l.includes('!! duplicate')));
    expect(lines.find((l) => l.includes('!! duplicate'))).toMatch(/\+=+>\| .*queue\.send +!! duplicate: record 1: sent to queue:outbound:r1 a second time +<- the same queue\.send again/);
  });

  it('says there is nothing to explain when the run passed', async () => {
    const { io, out } = fakeIo();
    expect(await main(['run', 'happy-path', '--explain'], io)).toBe(0);
    expect(out.join('\n')).toMatch(/Verdict: PASS\n\nNothing to explain: the run passed\.$/);
  });

  it('refuses --explain with --json before running, naming the flag (exit 2)', async () => {
    const { io, out, err } = fakeIo();
    expect(await main(['run', 'f2-fail-database', '--explain', '--json'], io)).toBe(2);
    expect(out).toEqual([]);
    expect(err.join('\n')).toMatch(/--explain: prints text .*cannot be combined with --json/);
  });

  it('refuses a value given to --explain (exit 2)', async () => {
    const { io, out, err } = fakeIo();
    expect(await main(['run', 'f2-fail-database', '--explain=yes'], io)).toBe(2);
    expect(out).toEqual([]);
    expect(err.join('\n')).toMatch(/--explain/);
  });
});
