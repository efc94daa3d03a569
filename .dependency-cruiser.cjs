/**
 * The layers of docs/architecture.md ("Layers"), enforced: `npm run layers`.
 * Bottom to top: model (machines/, then specs/) -> runtime (actors/) ->
 * faults -> scenarios -> harness (system/*.ts) -> checker/report
 * (system/checker, system/report, system/diagrams) -> cli -> tools (bench/,
 * mutants/). index.ts and machines-entry.ts only re-export. A module may
 * import its own layer and the layers below, never one above.
 */
const entries = '^(index|machines-entry)[.]ts$';
const tools = '^(bench|mutants)/';
const checker = '^system/(checker|report|diagrams)/';
const harness = '^system/[^/]+$';
// The fence: the one module that may touch XState's internals.
const fence = '^actors/xstate-internals[.]ts$';
// What xstate exports publicly (its package "exports"); anything else under it is internal.
const xstatePublic = '^node_modules/xstate/(dist/xstate[.][^/]+|actors/dist/|guards/dist/|graph/dist/|dev/dist/|package[.]json$)';

/** A rule that `from` must not import any of `above`; `comment` says why in words. */
const notUp = (name, from, above, comment) => ({
  name,
  severity: 'error',
  comment,
  from: { path: from },
  to: { path: above.join('|') },
});

module.exports = {
  forbidden: [
    notUp('machines-not-up', '^machines/', ['^specs/', '^actors/', '^system/', '^cli/', tools, entries],
      'machines/ is the model: it must not import the spec, the runtime, the harness or anything above; move what it needs into machines/'),
    notUp('specs-not-up', '^specs/', ['^actors/', '^system/', '^cli/', tools, entries],
      'specs/ is the model (above machines/ only): it must not import the runtime, the harness or anything above; move what it needs down'),
    notUp('actors-not-up', '^actors/', ['^system/', '^cli/', tools, entries],
      'actors/ is the runtime: it must not import scenarios, faults, the harness or anything above; move what it needs down'),
    notUp('faults-not-up', '^system/faults/', ['^system/scenarios/', harness, checker, '^cli/', tools, entries],
      'system/faults/ must not import scenarios, the harness, the checker/report or the CLI (scenarios use faults, not the other way)'),
    notUp('scenarios-not-up', '^system/scenarios/', [harness, checker, '^cli/', tools, entries],
      'system/scenarios/ must not import the harness (system/*.ts), the checker/report or the CLI; move what it needs down'),
    notUp('harness-not-up', harness, [checker, '^cli/', tools, entries],
      'the harness (system/*.ts) must not import the checker, the reports, the diagrams or the CLI'),
    notUp('checker-not-up', checker, ['^cli/', tools, entries],
      'the checker, reports and diagrams must not import the CLI, bench/, mutants/ or the package entries'),
    notUp('cli-not-up', '^cli/', [tools, entries],
      'cli/ must not import bench/, mutants/ or the package entries (tools sit on top of the CLI, entries only re-export)'),
    {
      name: 'machines-entry-only-model',
      severity: 'error',
      comment: 'machines-entry.ts is the browser-safe entry: it may re-export only machines/ and the runtime (actors/), never the spec, the harness or above',
      // A direct edge is enough: the rules above keep machines/ and actors/ from reaching further up.
      from: { path: '^machines-entry[.]ts$' },
      to: { path: ['^(specs|system|cli|bench|mutants)/', entries] },
    },
    {
      name: 'model-no-node',
      severity: 'error',
      comment: 'machines/ and actors/ run in a browser (machines-entry.ts): they must not import a Node builtin; the harness reads files',
      from: { path: '^(machines|actors)/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'xstate-internals-only-via-fence',
      severity: 'error',
      comment: "only actors/xstate-internals.ts may reach into xstate's internals; import 'xstate' (or a public subpath) and use the fence's functions",
      from: { pathNot: fence },
      to: { path: '^(node_modules/)?xstate(-lowest)?/', pathNot: xstatePublic },
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'a cycle ties modules together so neither can be understood, tested or moved alone; cut it by moving the shared part down',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-orphans',
      severity: 'error',
      comment: 'a module nothing imports and that imports nothing is dead code (or a forgotten entry point): delete it or use it',
      from: { orphan: true, pathNot: ['[.]d[.]ts$', '(^|/)[.][^/]+[.](js|cjs|mjs|json)$', '^test/'] },
      to: {},
    },
    {
      name: 'not-to-test',
      severity: 'error',
      comment: 'the shipped code must not import tests or their fixtures',
      from: { pathNot: '^test/' },
      to: { path: '^test/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'this import resolves to no file: a typo, or a module that moved',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    // Type-only imports count too: a type from above is an upward edge all the same.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|test-output|node_modules)/' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['require', 'node', 'default', 'types'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
