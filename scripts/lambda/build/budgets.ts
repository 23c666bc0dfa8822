import type { BundleKind } from './entries.ts';

/**
 * Size budgets (KB) for what a bundle loads at a cold start: index.mjs and the chunks it imports
 * statically (chunks behind a dynamic import, such as the SQS driver and the Redis client, load on
 * first use and are not counted). Enforced by tests/unit/lambda-size-budget.test.ts. What is loaded
 * is roughly what a cold start parses, so growth should be a decision.
 *
 * Where the numbers come from: `npm run build` on 2026-11-23 (esbuild 0.28, minified), with auth
 * and the cache in every function: HTTP functions 385–400 KB, tasks 335–360 KB, schedules ~330 KB,
 * platform-migrate ~280 KB, platform-assets ~3,180 KB (~2.9 MB of it the embedded Swagger UI and
 * htmx, base64). Each budget leaves ~20–30% of room: normal growth passes, a dependency pulled
 * into the cold path by mistake (the AWS SDK or the Redis client imported statically, PGlite) does
 * not. `npm run build -- <id> --analyze` shows what a bundle holds.
 *
 * Schedules since: ~375 KB, because defineSchedule checks its cron when the module loads (croner,
 * ~33 KB, and the EventBridge conversion), so a schedule that cannot run fails before it deploys.
 *
 * HTTP since (2026-12-05): 475–510 KB. The platform grew in every function: the outbox, the
 * operator console's seams (jobs' timelines, the deployment summary) and `@opentelemetry/api`
 * (~10 KB, so a request's trace continues into its messages). The budget moved from 500 to 540 KB
 * by that decision; the cold-start work of the next issue is where it should come down again.
 *
 * Lowered (issue 15, cold start): ~68 KB less in every bundle. The multipart parser and lru-cache
 * load on first use (no Lambda cold start needs them), and the library modules our code never
 * runs are stand-ins (stand-ins.ts: pino's transports, pg's native client). `npm run build`:
 * HTTP 428–446 KB, the two console schedule routes 467–480 KB, tasks 347–379 KB, schedules
 * 370–374 KB, platform-outbox-sweep ~331 KB, platform-migrate ~293 KB. (Since tracing's dynamic
 * imports, the loaded-at-start figure had counted a dynamic chunk, ~38 KB, instead of the entry,
 * so this test passed whatever the size; bundle.ts now finds the entry by name.) The budgets
 * keep ~10–15% of room over the largest of each.
 */
export const SIZE_BUDGETS_KB: {
  byKind: Record<Exclude<BundleKind, 'synthetic'>, number>;
  byId: Record<string, number>;
} = {
  byKind: { http: 500, task: 420, schedule: 420 },
  // The outbox sweeper carries the same runtime as a schedule.
  byId: {
    'platform-migrate': 340,
    'platform-assets': 4_000,
    'platform-outbox-sweep': 380,
    // The console's schedule views compute next runs with croner (~33 KB), like a schedule bundle.
    'platform-console-page': 540,
    'platform-console-api-schedules': 540,
  },
};

/** The budget of one bundle: its own, else its kind's. */
export function budgetKbOf(bundle: { id: string; kind: BundleKind }): number | undefined {
  return (
    SIZE_BUDGETS_KB.byId[bundle.id] ??
    (bundle.kind === 'synthetic' ? undefined : SIZE_BUDGETS_KB.byKind[bundle.kind])
  );
}
