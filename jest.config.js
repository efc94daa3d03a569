/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // Generous: CI machines have two cores and are often busy; no test measures time.
  testTimeout: 60_000,
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
};
