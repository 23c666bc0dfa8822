import { defineTask } from '../../shared/contract/index.ts';
import { computeAnalysis } from './lib/analysis.ts';
import { saveSnapshot } from './lib/analysis-snapshots.ts';
import { analysisParamsSchema } from './lib/schemas.ts';

export default defineTask({
  consumes: 'recompute_analytics',
  payload: analysisParamsSchema,
  concurrency: 1,
  handler: async (payload, ctx) => {
    const snapshot = await saveSnapshot(
      ctx.db,
      await computeAnalysis(ctx.db, payload),
      ctx.message.jobId ?? null,
    );
    ctx.log.info({ snapshotId: snapshot.id, term: snapshot.params.term }, 'GradCafe analysis recomputed');
    return {
      snapshotId: snapshot.id,
      computedAt: snapshot.computedAt,
      term: snapshot.params.term,
      totalEntries: snapshot.results.totalEntries,
    };
  },
});
