// ESLint 9 flat config: typescript-eslint's type-checked recommended rules over all TypeScript
// sources (model, harness, CLI, benches, mutants and tests), plus "no unused code" and no `any`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'node_modules/',
      'test-output/',
      'coverage/',
      // Plain .mjs run by the docs test against the built package; not part of the TS project.
      'docs/examples/',
      // A consumer package with its own tsconfigs, type-checked by test/package.
      'test/package/consumer-app/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: {
      reportUnusedDisableDirectives: 'error',
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      // `_`-prefixed names are the deliberate "unused on purpose" marker (positional parameters,
      // destructuring that drops a key).
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
    },
  },
  {
    // A function past 80 lines does several things and its name no longer says what it does;
    // split it by responsibility (tests are exempt: a long `it` reads top to bottom).
    files: ['**/*.ts'],
    ignores: ['test/**'],
    rules: {
      'max-lines-per-function': [
        'error',
        { max: 80, skipBlankLines: true, skipComments: true, IIFEs: true },
      ],
    },
  },
  {
    // Config and other plain JavaScript files are not in the TS project.
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: {
      globals: { module: 'readonly', require: 'readonly', process: 'readonly' },
    },
  },
  {
    // The one file that reaches into XState's untyped internals (snapshot/actor fields XState
    // does not export types for); `any` is fenced in here so the rest of the code stays typed.
    // It is moving from system/ to actors/ (issue 17); both paths are listed.
    files: ['system/xstate-internals.ts', 'actors/xstate-internals.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    // Tests: the no-unsafe-* rules are off. jest's asymmetric matchers (expect.any,
    // expect.objectContaining, ...) are typed `any` in @types/jest, tests read JSON printed by
    // the CLI, and they look at events and snapshots through XState's any-typed actor refs.
    // Every other rule (no-explicit-any, no-unused-vars, no-floating-promises, ...) stays on.
    files: ['test/**'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
);
