import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Starts a throw-away Ceph cluster for the S3 suites, or provides SKYSIFT_S3_ENDPOINT.
    globalSetup: ['test/setup/ceph-global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 300_000,
    pool: 'forks',
    // Services started by tests log only errors unless the caller asks for more.
    env: { SKYSIFT_LOG_LEVEL: process.env.SKYSIFT_LOG_LEVEL ?? 'error' },
  },
});
