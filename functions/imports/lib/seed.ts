import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { Config } from '../../../shared/config.ts';
import type { Db } from '../../../shared/db/port.ts';
import { runImport } from './importer.ts';
import { registerImport } from './imports-store.ts';
import { importsSettings } from './settings.ts';
import { importStores, keepFile, storedFile } from './sources.ts';

const SAMPLE = new URL('../data/sample-items.csv', import.meta.url);
const INBOX_SAMPLE = new URL('../data/sample-unclosed-quote.csv', import.meta.url);

/**
 * The Imports app's demo, on a database that has no import yet: the bundled sample file (3,000
 * rows, about 4% of them bad in every way the importer knows) imported, so the history, the
 * failed rows and the items API show something at once; and a second small file left in the
 * inbox, for "Run now" to pick up. Idempotent: nothing happens once any import exists.
 *
 * @example
 *   await seed(db, log, config); // { imported: 3000 } the first time, { imported: 0 } afterwards
 */
export async function seed(db: Db, log: Logger, config: Config): Promise<{ imported: number }> {
  const { rows } = await db.query<{ any: boolean }>(`select exists (select 1 from imports.imports) as any`);
  if (rows[0]!.any) return { imported: 0 };
  const settings = importsSettings(config);
  const stores = importStores(settings);
  const kept = await keepFile(stores.files, 'sample-items.csv', [await readFile(SAMPLE)]);
  const { import: row } = await registerImport(db, {
    fileName: 'sample-items.csv',
    source: 'inbox',
    ...kept,
  });
  const outcome = await runImport(db, row.id, storedFile(stores.files, kept.objectKey), {
    log,
    leaseSeconds: settings.leaseSeconds,
  });
  const [inbox] = stores.inboxes;
  await inbox!.store.write('supplier-2026-12-05.csv', await readFile(INBOX_SAMPLE));
  log.info(
    { outcome, inbox: inbox!.store.description },
    'imports demo: sample imported, one file left in the inbox',
  );
  return { imported: outcome.status === 'loaded' ? outcome.rowsTotal : 0 };
}
