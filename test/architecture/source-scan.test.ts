import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

/**
 * What the import graph cannot see, read from the source text (comments
 * aside): systemIds are written and parsed only by machines/ids.ts, and
 * XState's internal fields are touched only by the fence
 * (actors/xstate-internals.ts).
 */

const repo = join(__dirname, '..', '..');
const roots = ['index.ts', 'machines-entry.ts', 'machines', 'actors', 'specs', 'system', 'cli', 'bench', 'mutants'];

function sourceFiles(path: string): string[] {
  const abs = join(repo, path);
  if (statSync(abs).isFile()) return path.endsWith('.ts') ? [path] : [];
  return readdirSync(abs).flatMap((name) => sourceFiles(join(path, name)));
}
const files = roots.flatMap(sourceFiles).map((f) => relative(repo, join(repo, f)).split('\\').join('/'));

/**
 * Every node of a file with its line, but for lines that say "not a systemId"
 * (text that only looks like one, e.g. splitting "record 5 stuck: ..." at its colon).
 */
function scan(file: string, visit: (node: ts.Node, line: number) => void): void {
  const text = readFileSync(join(repo, file), 'utf8');
  const lines = text.split('\n');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const walk = (node: ts.Node) => {
    const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
    if (!lines[line - 1].includes('not a systemId')) visit(node, line);
    ts.forEachChild(node, walk);
  };
  walk(source);
}

/** A string piece that writes or parses a systemId: a kind prefix, a region suffix or the replicator suffix. */
const idPiece = /^(queue|container|table|dns):|^:r$|^:r\d|^:replicator\b/;
const idPattern = /\b(queue|container|table|dns):|:r[\\(\d[]|:replicator/;


describe('source scans', () => {
  it('systemIds are written and parsed only in machines/ids.ts', () => {
    const found: string[] = [];
    for (const file of files) {
      if (file === 'machines/ids.ts') continue;
      scan(file, (node, line) => {
        const pieces: string[] = [];
        if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) pieces.push(node.text);
        else if (ts.isTemplateExpression(node)) pieces.push(node.head.text, ...node.templateSpans.map((s) => s.literal.text));
        for (const p of pieces) if (idPiece.test(p)) found.push(`${file}:${line}: ${JSON.stringify(p)}`);
        // a pattern that matches ids: /:r(\d+)$/, /^table:/, /:replicator$/
        if (node.kind === ts.SyntaxKind.RegularExpressionLiteral && idPattern.test(node.getText())) found.push(`${file}:${line}: ${node.getText()}`);
        // `id.split(':')`: taking an id apart by hand
        if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'split') {
          const arg = node.arguments[0];
          if (arg && ts.isStringLiteral(arg) && arg.text === ':') found.push(`${file}:${line}: .split(':')`);
        }
      });
    }
    expect(found).toEqual([]);
  });

  it("XState's internal fields are used only in the fence, actors/xstate-internals.ts", () => {
    const internal = /^_(relay|clock|nodes|parent|sendInspectionEvent|transitions|processingStatus|actorScope|snapshot|syncSnapshot|systemId|logger|deferred|set|bookId|register|unregister|keyedActors|mailbox|scheduledEvents)$/;
    const found: string[] = [];
    for (const file of files) {
      if (file === 'actors/xstate-internals.ts') continue;
      scan(file, (node, line) => {
        const name = ts.isPropertyAccessExpression(node) || ts.isPropertySignature(node) ? node.name.getText() : undefined;
        if (name && internal.test(name)) found.push(`${file}:${line}: ${name}`);
      });
    }
    expect(found).toEqual([]);
  });

  it('the scans see what they look for (a scan that finds nothing anywhere proves nothing)', () => {
    const ids: string[] = [];
    scan('machines/ids.ts', (node) => {
      if (ts.isTemplateExpression(node)) ids.push(node.head.text, ...node.templateSpans.map((s) => s.literal.text));
    });
    expect(ids.filter((p) => idPiece.test(p)).length).toBeGreaterThanOrEqual(4);
    let fenceHits = 0;
    scan('actors/xstate-internals.ts', (node) => {
      if (ts.isPropertyAccessExpression(node) && node.name.getText() === '_relay') fenceHits++;
    });
    expect(fenceHits).toBeGreaterThan(0);
  });
});
