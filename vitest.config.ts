import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    reporters: ['default', ['json', { outputFile: 'artifacts/test-results.json' }]],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.{ts,tsx}'],
          environment: 'node',
          // Some unit tests start a core and real sockets; vitest's 5 s default is a hang detector
          // too tight for them while the whole suite shares a loaded 2-core machine.
          testTimeout: 20_000,
          hookTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/e2e/global-setup.ts'],
          testTimeout: 90_000,
          hookTimeout: 120_000,
          // One Chromium at a time: the CI machine has two cores.
          fileParallelism: false,
          // expect.poll's 1 s default is shorter than a UI round trip on a loaded 2-core machine.
          expect: { poll: { timeout: 15_000 } },
        },
      },
    ],
  },
});
