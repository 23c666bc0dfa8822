import type { BundleKind } from './entries.ts';

/**
 * Size budgets for index.mjs (unzipped, KB), enforced by tests/unit/lambda-size-budget.test.ts.
 * A bundle's size is roughly its cold start's parse time, so growth should be a decision.
 *
 * Where the numbers come from: `npm run build` on 2026-11-23 (esbuild 0.28, minified), with the
 * first Lambda adapters: HTTP functions 350–376 KB, tasks 307–327 KB, schedules 300 KB,
 * platform-migrate 283 KB, platform-assets 3,154 KB (of which ~2.9 MB are the embedded
 * Swagger UI and htmx files, base64). Each budget leaves ~25–40% of room above that: normal
 * growth passes, a dependency pulled in by mistake (the AWS SDK bundled instead of left to the
 * runtime, PGlite) does not. `npm run build -- <id> --analyze` shows what a bundle holds.
 */
export const SIZE_BUDGETS_KB: {
  byKind: Record<Exclude<BundleKind, 'synthetic'>, number>;
  byId: Record<string, number>;
} = {
  byKind: { http: 500, task: 450, schedule: 400 },
  byId: { 'platform-migrate': 400, 'platform-assets': 4_000 },
};

/** The budget of one bundle: its own, else its kind's. */
export function budgetKbOf(bundle: { id: string; kind: BundleKind }): number | undefined {
  return (
    SIZE_BUDGETS_KB.byId[bundle.id] ??
    (bundle.kind === 'synthetic' ? undefined : SIZE_BUDGETS_KB.byKind[bundle.kind])
  );
}
