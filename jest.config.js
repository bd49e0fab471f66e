/**
 * Jest, in two projects: `unit` — the specs beside their code (*.spec.ts in src/,
 * connectors/, simulator/), which need no database, so no PostgreSQL is started
 * for them (`npm run test:unit`); and `integration` — test/*.test.ts, whose global
 * setup finds or starts a PostgreSQL and builds the migrated template database.
 * `npm test` runs both.
 */
const base = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', isolatedModules: true }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  // The client SDK's sources import with .js extensions (its ES module build needs them); resolve those to the .ts files.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testTimeout: 60000,
};

module.exports = {
  maxWorkers: 2,
  testTimeout: 60000,
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/connectors/**/*.spec.ts', '<rootDir>/simulator/**/*.spec.ts'] },
    {
      ...base,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
};
