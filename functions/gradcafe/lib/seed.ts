import type { Logger } from 'pino';
import type { Db } from '../../../shared/db/port.ts';
import { computeAnalysis } from './analysis.ts';
import { latestSnapshot, saveSnapshot } from './analysis-snapshots.ts';
import { copyApplicants } from './applicants-store.ts';
import { readBundledEntries } from './bundled-data.ts';
import { startEmulator } from './feed-emulator.ts';
import { normalizeEntries } from './normalize.ts';
import { advanceWatermark } from './watermark.ts';

/** Advisory lock key ("grad"): two processes starting at once seed only once. */
const SEED_LOCK_KEY = 0x67726164;

/**
 * The initial load: when `gradcafe.applicants` is empty, COPY the bundled sample dataset in,
 * set the watermark to its highest id and compute a first analysis snapshot; also starts
 * the feed emulator's clock. One transaction, so a crash mid-way leaves nothing half
 * loaded. Safe to call on every start: with data present it only fills in a missing snapshot.
 *
 * @example
 *   const db = await createDb(loadConfig());
 *   const { inserted } = await seed(db, log); // 5,9xx the first time, 0 afterwards
 */
export async function seed(db: Db, log: Logger): Promise<{ inserted: number }> {
  return db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [SEED_LOCK_KEY]);
    await startEmulator(tx);
    const { rows } = await tx.query<{ present: boolean }>(
      'select exists (select 1 from gradcafe.applicants) as present',
    );
    let inserted = 0;
    if (!rows[0]?.present) {
      const { applicants, skipped } = normalizeEntries(await readBundledEntries());
      inserted = await copyApplicants(tx, applicants);
      const maxId = applicants.reduce((max, a) => Math.max(max, a.id), 0);
      if (maxId > 0) await advanceWatermark(tx, maxId);
      log.info({ inserted, skipped, watermark: maxId }, 'GradCafe sample dataset loaded');
    }
    if (!(await latestSnapshot(tx))) {
      const snapshot = await saveSnapshot(tx, await computeAnalysis(tx));
      log.info({ snapshotId: snapshot.id, term: snapshot.params.term }, 'GradCafe first analysis computed');
    }
    return { inserted };
  });
}
