import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { allDots } from './index';
import { renderSvg } from './render';
import { topologySvgFile } from '../report/system-map';
import { defaultTopology } from '../../machines/topology';

/** `npm run diagrams`: writes docs/diagrams/<name>.dot and .svg for every machine, and topology.svg (the default topology). */
async function main(): Promise<void> {
  const dir = resolve(process.argv[2] ?? join(process.cwd(), 'docs', 'diagrams'));
  mkdirSync(dir, { recursive: true });
  for (const { name, dot } of allDots()) {
    writeFileSync(join(dir, `${name}.dot`), dot);
    writeFileSync(join(dir, `${name}.svg`), await renderSvg(dot));
    process.stdout.write(`wrote ${name}.dot, ${name}.svg\n`);
  }
  writeFileSync(join(dir, 'topology.svg'), topologySvgFile(defaultTopology.stages, defaultTopology.regions.map((r) => r.region)));
  process.stdout.write('wrote topology.svg\n');
}

main().catch((err) => {
  process.stderr.write(`diagrams: ${(err as Error).stack ?? err}\n`);
  process.exitCode = 3;
});
