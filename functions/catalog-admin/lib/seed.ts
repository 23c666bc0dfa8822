import type { Logger } from 'pino';
import type { Config } from '../../../shared/config.ts';
import type { Publisher } from '../../../shared/contract/index.ts';
import type { Db } from '../../../shared/db/port.ts';
import catalogAdmin from '../app.ts';
import { insertProduct } from './products.ts';
import { sampleImageUrl } from './paths.ts';
import { SAMPLES } from './samples.ts';

/**
 * The demo's products, created like any others (each with its product_created event in the
 * outbox, so the gallery gets them through the same path). Only into an empty catalog, and only
 * when CATALOG_ADMIN_SAMPLE_PRODUCTS is on; the pictures are served by this app on PORT.
 */
export async function seed(
  db: Db,
  _log: Logger,
  config: Config,
  outbox: Publisher,
): Promise<{ created: number }> {
  if (!catalogAdmin.config(config).CATALOG_ADMIN_SAMPLE_PRODUCTS) return { created: 0 };
  return db.transaction(async (tx) => {
    // Locked, so two processes starting at once seed once.
    await tx.query(`lock table catalog_admin.products in exclusive mode`);
    const { rows } = await tx.query<{ any: boolean }>(
      `select exists (select 1 from catalog_admin.products) as any`,
    );
    if (rows[0]!.any) return { created: 0 };
    const origin = `http://localhost:${config.PORT}`;
    for (const sample of SAMPLES) {
      await insertProduct(outbox, tx, { title: sample.title, image: sampleImageUrl(origin, sample.name) });
    }
    return { created: SAMPLES.length };
  });
}
