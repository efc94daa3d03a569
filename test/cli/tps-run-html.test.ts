import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../cli/tps';
import { fakeIo } from '../support/fake-io';


describe('tps run --html', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tps-html-cli-'));

  it('writes one self-contained page and leaves no temp file behind', async () => {
    const file = join(dir, 'f2.html');
    const { io, out } = fakeIo();
    expect(await main(['run', 'f2-fail-database', '--html', file], io)).toBe(0);
    expect(out.join('\n')).toMatch(/Verdict: PASS$/);
    const html = readFileSync(file, 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<div class="verdict pass" id="verdict">PASS</div>');
    expect(Buffer.byteLength(html)).toBeLessThan(1024 * 1024);
    expect(readdirSync(dir)).toEqual(['f2.html']);
  });

  it('refuses, before running, a directory, a missing directory, or a file given as another flag', async () => {
    const topology = join(dir, 'topology.json');
    const text = JSON.stringify({ regions: [{ region: 1, weight: 50 }, { region: 2, weight: 50 }], stages: ['inbound', 'preprocess', 'core'] });
    writeFileSync(topology, text);
    mkdirSync(join(dir, 'sub'));
    const cases: [string[], RegExp][] = [
      [['--html', join(dir, 'sub')], /--html.*is a directory/],
      [['--html', join(dir, 'nope', 'x.html')], /--html.*does not exist/],
      [['--topology', topology, '--html', topology], /--html.*also given as --topology; refusing to overwrite it/],
      [['--trace', join(dir, 'same'), '--html', join(dir, '.', 'same')], /also given as --(trace|html)/],
    ];
    for (const [flags, message] of cases) {
      const { io, err, out } = fakeIo();
      expect(await main(['run', 'f2-fail-database', ...flags], io)).toBe(2);
      expect(err.join('\n')).toMatch(message);
      expect(out).toEqual([]);
    }
    expect(readFileSync(topology, 'utf8')).toBe(text);
    expect(existsSync(join(dir, 'same'))).toBe(false);
  });

  it('tps check --html draws the first failing seed replayed; nothing when every seed passes', async () => {
    const lifo = join(__dirname, '..', '..', 'dist', 'mutants', 'queue-lifo.js');
    const file = join(dir, 'check.html');
    const { io, out } = fakeIo();
    expect(await main(['check', 'f2-fail-database', '--seeds', '3', '--workers', '1', '--no-shrink', '--machines', lifo, '--html', file], io)).toBe(1);
    expect(out.join('\n')).toContain(`HTML report of seed 1's replay: ${file}`);
    const html = readFileSync(file, 'utf8');
    expect(html).toContain('<div class="verdict fail" id="verdict">FAIL</div>');
    expect(html).toContain('seed 1');
    const passing = join(dir, 'none.html');
    const second = fakeIo();
    expect(await main(['check', 'happy-path', '--seeds', '2', '--workers', '1', '--html', passing], second.io)).toBe(0);
    expect(second.out.join('\n')).toContain('No failing seed: no HTML report written');
    expect(existsSync(passing)).toBe(false);
  });
});

