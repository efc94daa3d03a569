// Runs dependency-cruiser's API (ESM only, so jest runs this in a child process) with the
// project's rules on `files`, from the current directory; prints the violations as JSON.
// Usage: node cruise.mjs <config file> <tsconfig file or -> <file or folder>...
import { resolve } from 'node:path';
import { cruise } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';

const [config, tsconfig, ...files] = process.argv.slice(2);
const options = await extractDepcruiseOptions(resolve(config));
if (tsconfig === '-') delete options.tsConfig;
const transpile = tsconfig === '-' ? {} : { tsConfig: extractTSConfig(tsconfig) };
const result = await cruise(files, { ...options, validate: true }, undefined, transpile);
const { summary } = result.output;
process.stdout.write(
  JSON.stringify({
    modules: summary.totalCruised,
    violations: summary.violations.map((v) => ({ rule: v.rule.name, from: v.from, to: v.to, cycle: v.cycle?.map((c) => c.name) })),
  }),
);
