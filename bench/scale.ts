/**
 * `npm run bench:scale [records]`: the scale point that does not fit the
 * bench's time budget, 1,000,000 records by default, in its own child process
 * with the bench's memory measurement. Prints one row and writes
 * bench/scale-results.json.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { round, scalePoint, settings } from './measure';
import { scaleTable } from './report';

export async function main(records = settings.scale.large): Promise<void> {
  const timeoutMs = settings.scale.timeoutMs[records] ?? 1_800_000;
  process.stderr.write(`  ... scale: ${records.toLocaleString('en-US')} records (timeout ${round(timeoutMs / 1000, 0)} s)\n`);
  const row = await scalePoint(records, timeoutMs);
  writeFileSync(join(__dirname, '..', '..', 'bench', 'scale-results.json'), JSON.stringify({ date: new Date().toISOString(), node: process.version, row }, null, 2) + '\n');
  console.log(scaleTable([row]));
  if (row.note) console.log(`  note: ${row.note}`);
}

if (require.main === module) {
  const arg = process.argv[2];
  const records = arg === undefined ? undefined : Number(arg);
  if (records !== undefined && (!Number.isInteger(records) || records < 10 || records % 10 !== 0)) {
    console.error('usage: npm run bench:scale [records, a multiple of 10]');
    process.exitCode = 2;
  } else
    main(records).catch((err) => {
      console.error(err);
      process.exitCode = 1;
    });
}
