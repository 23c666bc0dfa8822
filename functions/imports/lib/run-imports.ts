import type { OwnTransactionsTaskCtx } from '../../../shared/contract/index.ts';
import { runImport, type ImportOutcome } from './importer.ts';
import { activeImports, findImport } from './imports-store.ts';
import { importsSettings } from './settings.ts';
import { collectInboxes, importStores, storedFile } from './sources.ts';

/** Message kinds of the app: the daily run (inboxes, then every queued import) and one import. */
export const DAILY_KIND = 'imports.daily';
export const FILE_KIND = 'imports.file';

type Ctx = Pick<OwnTransactionsTaskCtx, 'db' | 'log' | 'config' | 'jobs' | 'message'>;

export interface DailySummary {
  registered: number;
  duplicates: number;
  imports: ImportOutcome[];
  skipped?: string;
}

/**
 * The daily import: register the inboxes' new files, then run every queued import (the new ones
 * and any upload still waiting), one after another. A second daily run while one is running
 * does nothing: the importer's leases already keep one import from running twice, and this keeps
 * two runs from collecting the same inbox file at once.
 */
export async function runDaily(ctx: Ctx): Promise<DailySummary> {
  const others = await ctx.jobs.recent({ kinds: [DAILY_KIND], limit: 5 });
  const running = others.find((job) => job.status === 'running' && job.id !== ctx.message.jobId);
  if (running) {
    ctx.log.info({ otherJobId: running.id }, 'another daily import is running: nothing to do');
    return { registered: 0, duplicates: 0, imports: [], skipped: `daily import ${running.id} is running` };
  }
  const stores = storesOf(ctx);
  const registered = await collectInboxes(ctx.db, stores, ctx.log);
  const imports: ImportOutcome[] = [];
  // Queued ones, and running ones whose worker crashed (their lease expires: the claim decides).
  for (const active of await activeImports(ctx.db)) imports.push(await importOne(ctx, active.id));
  return {
    registered: registered.length,
    duplicates: registered.filter((row) => row.status === 'duplicate').length,
    imports,
  };
}

/**
 * Run one registered import (an upload, or a re-run of one that crashed). An import another
 * worker holds comes back `busy`: the one-import task retries then (after a crash, the message
 * is redelivered at once, before the dead worker's lease has expired).
 */
export async function importOne(ctx: Ctx, importId: string): Promise<ImportOutcome> {
  const row = await findImport(ctx.db, importId);
  if (!row) return { status: 'skipped', importId, reason: `import ${importId} does not exist` };
  const settings = importsSettings(ctx.config);
  return runImport(ctx.db, importId, storedFile(storesOf(ctx).files, row.objectKey), {
    log: ctx.log,
    leaseSeconds: settings.leaseSeconds,
    jobId: ctx.message.jobId,
  });
}

export function storesOf(ctx: Pick<Ctx, 'config'>) {
  return importStores(importsSettings(ctx.config));
}
