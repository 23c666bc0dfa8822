import { defineConfig } from 'vitest/config';

/**
 * Four projects, so that each kind of test gets the machine it needs:
 * - `main` (unit, integration, conformance) and `lambda` share two workers: most of their time is
 *   spent waiting on Postgres, RabbitMQ and the SQS emulator, so two files at once use both cores
 *   of a CI machine (vitest would default to cores - 1 = 1 worker there).
 * - `lambda` builds every bundle once per run in its global setup (only when one of its files is
 *   selected), instead of once per test file.
 * - `chaos` (the fault scenarios, short) shares their two workers: its files mostly wait, on faults
 *   to land and recover, and its deadlines leave a margin for the load beside them.
 *   `npm run test:chaos` runs it alone, at full size.
 * - `process` (real runner and worker processes, signals, timing across restarts, the browser)
 *   runs after the others, one file at a time, so a loaded machine cannot push its children past
 *   their deadlines (two at a time made the browser journeys miss theirs).
 */
const shared = {
  // Integration tests talk to real services; leave room on a slow, shared machine.
  testTimeout: 30_000,
  hookTimeout: 60_000,
  pool: 'forks',
} as const;

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          ...shared,
          name: 'main',
          include: ['tests/{unit,integration,conformance}/**/*.test.{ts,tsx}'],
          maxWorkers: 2,
        },
      },
      {
        test: {
          ...shared,
          name: 'lambda',
          include: ['tests/lambda/**/*.test.ts'],
          globalSetup: ['tests/setup/lambda-bundles.ts'],
          maxWorkers: 2,
        },
      },
      {
        test: {
          ...shared,
          name: 'chaos',
          include: ['tests/chaos/**/*.test.ts'],
          maxWorkers: 2,
        },
      },
      {
        test: {
          ...shared,
          name: 'process',
          include: ['tests/{process,e2e}/**/*.test.ts'],
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
