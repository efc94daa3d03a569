import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { main } from '../../cli/tps';
import { fakeIo } from '../support/fake-io';

const root = join(__dirname, '..', '..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');

/** The `node dist/cli/tps.js run ...` (or `tps run ...`) lines of a markdown file's sh blocks: arguments and comment. */
function runExamples(markdown: string, prefix = 'node dist/cli/tps.js run '): { line: string; args: string[]; comment: string }[] {
  const blocks = [...markdown.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]);
  const skip = prefix.split(' ').length - 2;
  return blocks
    .flatMap((b) => b.split('\n'))
    .filter((l) => l.startsWith(prefix))
    .map((line) => {
      const [command, ...comment] = line.split(/\s+#\s+/);
      return { line, args: command.trim().split(/\s+/).slice(skip), comment: comment.join(' # ') };
    });
}

/** Flags whose value is a file the command reads (it must exist) or writes (relative to the run's folder). */
const INPUTS = new Set(['--scenario-file', '--topology', '--machines']);

describe('the documented examples run as documented', () => {
  jest.setTimeout(180_000);

  it("README's tps run examples: each runs, and fails only where it says so", async () => {
    const examples = runExamples(read('README.md'));
    expect(examples.length).toBeGreaterThanOrEqual(8);
    // outputs (p.json, f2.jsonl, ...) go to a folder of the test's own, in order (a saved plan is then run)
    const cwd = mkdtempSync(join(tmpdir(), 'tps-readme-'));
    const here = process.cwd();
    const skipped: string[] = [];
    process.chdir(cwd);
    try {
      for (const { line, args, comment } of examples) {
        const resolved = args.map((a, i) => (INPUTS.has(args[i - 1]) && a.startsWith('dist/') ? join(root, a) : a));
        const missing = resolved.filter((a, i) => INPUTS.has(resolved[i - 1]) && !existsSync(isAbsolute(a) ? a : join(cwd, a)));
        if (missing.length) {
          skipped.push(line);
          continue;
        }
        const { io, out, err } = fakeIo();
        const code = await main(resolved, io);
        const expected = /\bfails\b/.test(comment) ? 1 : 0;
        expect({ line, code, err: err.join('\n') }).toEqual({ line, code: expected, err: '' });
        if (expected === 1) expect(out.join('\n')).toMatch(/Verdict: FAIL/);
      }
    } finally {
      process.chdir(here);
    }
    // only the examples that need a file of the reader's own
    expect(skipped).toEqual([
      'node dist/cli/tps.js run happy-path --topology my-topology.json --latency skewed --slow r2',
      'node dist/cli/tps.js run f2-fail-database --machines faulty.js  # swap in your own machines',
    ]);
  });

  it("docs/checking.md's tps run examples (the strategies' replays) run and pass on the correct model", async () => {
    const examples = runExamples(read('docs/checking.md'), 'tps run ');
    expect(examples.map((e) => e.args.slice(0, 6).join(' '))).toEqual(expect.arrayContaining(['run chaos --seed 2 --strategy targeted']));
    const cwd = mkdtempSync(join(tmpdir(), 'tps-checking-run-'));
    const here = process.cwd();
    process.chdir(cwd);
    try {
      for (const { line, args } of examples) {
        const { io, err } = fakeIo();
        expect({ line, code: await main(args, io), err: err.join('\n') }).toEqual({ line, code: 0, err: '' });
      }
    } finally {
      process.chdir(here);
    }
  });

  it('docs/scenarios.md: the --explain example is what the command prints', async () => {
    const text = read('docs/scenarios.md');
    const command = /\(`tps (run chaos --seed \d+ --machines (dist\/mutants\/[\w-]+\.js) --explain)`;/.exec(text)!;
    const block = /rows between elided\):\n\n {2}```text\n([\s\S]*?) {2}```/.exec(text)![1];
    const shown = block.split('\n').map((l) => l.replace(/^ {2}/, '')).filter((l) => l && l !== '...');
    expect(shown.length).toBe(6);
    const args = command[1].split(' ').map((a) => (a === command[2] ? join(root, a) : a));
    const { io, out } = fakeIo();
    expect(await main(args, io)).toBe(1);
    const printed = out.join('\n').split('\n');
    for (const line of shown) expect(printed).toContain(line);
  });

  it('docs/checking.md: the planted bugs die on the seeds it cites and shrink to the sizes it gives', async () => {
    const text = read('docs/checking.md').replace(/\s+/g, ' ');
    const claims = [
      ...text.matchAll(
        /`(dist\/mutants\/[\w-]+\.js)`\) (?:dies on chaos seed|shrinks from chaos seed) (\d+)(?: \(|'s )(\d+) faults, (\d+) records,? (?:and )?(\d+) messages[\s\S]*?\b(?:keeps|to) (\d+) faults?[\s\S]*?(\d+) records? and (\d+) messages,? in (\d+) runs/g,
      ),
    ];
    expect(claims.map((c) => c[1])).toEqual(['dist/mutants/container-no-in-doubt-guard.js', 'dist/mutants/container-removes-before-write.js']);
    const dir = mkdtempSync(join(tmpdir(), 'tps-checking-'));
    for (const [, module, seed, faults, records, messages, afterFaults, afterRecords, afterMessages, runs] of claims) {
      const { io, out } = fakeIo();
      const args = ['run', 'chaos', '--seed', seed, '--machines', join(root, module), '--shrink', '--shrink-out', join(dir, `${seed}.json`), '--json'];
      expect(await main(args, io)).toBe(1);
      const report = JSON.parse(out.join(''));
      expect({ module, faults: report.faults.length, records: report.records.published, messages: report.stats.messages }).toEqual({
        module,
        faults: Number(faults),
        records: Number(records),
        messages: Number(messages),
      });
      expect(report.shrunk).toMatchObject({ after: { faults: Number(afterFaults), records: Number(afterRecords), messages: Number(afterMessages) }, runs: Number(runs), replayed: true });
    }
  });
});
