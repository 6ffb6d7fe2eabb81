/**
 * Nest 12, TypeORM 1 and their kin are ES modules, so Jest runs in its native
 * ESM mode (`node --experimental-vm-modules`, see package.json) and ts-jest
 * emits ESM. tsconfig's isolatedModules makes ts-jest transpile file by file.
 * The resolver and the setup file in test/support/esm-bridge/ let CommonJS
 * packages (@nestjs/throttler, its Redis storage) require Nest's ES modules
 * under Jest on Node 20 (see resolver.cjs).
 */
const BRIDGE_SETUP = '<rootDir>/test/support/esm-bridge/setup.mjs';
const common = {
  testEnvironment: 'node',
  resolver: '<rootDir>/test/support/esm-bridge/resolver.cjs',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.json' }] },
};

/** @type {import('jest').Config} */
export default {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/src/**/*.spec.ts'],
      setupFilesAfterEnv: [BRIDGE_SETUP],
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      setupFilesAfterEnv: [BRIDGE_SETUP, '<rootDir>/test/support/contract-guard.ts'],
    },
  ],
  testTimeout: 60_000,
};
