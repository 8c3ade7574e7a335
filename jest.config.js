/**
 * Jest: ts-jest transpiles TypeScript and the ESM-only packages (middy, jose) per file without type checking;
 * the type check runs once, separately (`npm run typecheck`, part of `npm test`).
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.(t|j)sx?$': [
      'ts-jest',
      {
        diagnostics: false,
        tsconfig: {
          isolatedModules: true,
          allowJs: true,
          module: 'commonjs',
          moduleResolution: 'node10',
          target: 'es2022',
          esModuleInterop: true,
          resolveJsonModule: true,
          ignoreDeprecations: '6.0',
        },
      },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!(@middy|jose)/)'],
  setupFiles: ['<rootDir>/test/support/jest-env.ts'],
  // `npm test` runs with --coverage: the service code must stay covered (a targeted run skips the check).
  collectCoverageFrom: ['<rootDir>/functions/**/*.ts'],
  coverageReporters: ['text-summary'],
  coverageThreshold: { global: { lines: 95, branches: 90 } },
  testTimeout: 30000,
};
