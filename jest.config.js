// ESM all the way: sources are TypeScript run by Node's type stripping; see docs/adr/0001.
/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleFileExtensions: ['ts', 'js', 'cjs', 'mjs', 'json'],
  transform: { '\\.ts$': '<rootDir>/test/jest/strip-types.cjs' },
  testMatch: ['<rootDir>/{webhook,agent,shared,cli,test,bench}/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  reporters: ['default', '<rootDir>/test/jest/summary-reporter.cjs'],
  setupFiles: ['<rootDir>/test/jest/fast-check-seed.ts'],
  testTimeout: 30000,
  maxWorkers: 2,
};
