/** Jest runs TypeScript through swc (legacy decorators + metadata for inversify). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', {
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true },
        target: 'es2022',
      },
      module: { type: 'commonjs' },
    }],
  },
  // Data directories under test/fixtures hold MetaLog snapshot files (*.snap): they are not Jest snapshots.
  modulePathIgnorePatterns: ['<rootDir>/test/fixtures/.*/data/'],
  testTimeout: 60000,
  maxWorkers: 2,
};
