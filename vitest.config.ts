import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['src/test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: process.env.CI ? ['default'] : ['default'],
    projects: [
      {
        extends: true,
        test: { name: 'server', include: ['src/**/*.test.ts'], exclude: ['src/web/**', 'node_modules/**', 'dist/**'] },
      },
      {
        extends: true,
        test: { name: 'e2e', include: ['src/web/e2e/**/*.e2e.test.ts'], fileParallelism: false },
      },
    ],
  },
});
