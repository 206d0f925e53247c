import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['pipeline/**/*.test.ts', 'workers/**/*.test.ts', 'reports/**/*.test.ts', 'cli/**/*.test.ts', 'rules/**/*.test.ts', 'bench/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'bench/cache/**', 'dist/**', 'scratch/**'],
    env: { DOTENV_CONFIG_QUIET: 'true' },
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // natural and pdfjs are heavy; two forks match the two cores of the target machine
    maxWorkers: 2,
  },
});
