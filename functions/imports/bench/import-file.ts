/**
 * Bench worker: one whole import of a file (register, stage, load) on DATABASE_URL, in its own
 * process so its peak RSS is the import's. Prints `result {json}` and exits.
 * Args: <file path>. Env: DATABASE_URL.
 */
import { createReadStream, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import path from 'node:path';
import pino from 'pino';
import { runImport } from '../lib/importer.ts';
import { registerImport } from '../lib/imports-store.ts';
import { createPgDb } from '../../../shared/db/pg.ts';
import { peakRssMb } from '../../../scripts/bench/proc.ts';

const file = process.argv[2]!;
const db = createPgDb(process.env.DATABASE_URL!, { max: 2 });
const hash = createHash('sha256');
await pipeline(createReadStream(file), hash);
const { import: row } = await registerImport(db, {
  fileName: path.basename(file),
  source: 'upload',
  objectKey: file,
  checksum: hash.digest('hex'),
  sizeBytes: statSync(file).size,
});
const started = performance.now();
const outcome = await runImport(
  db,
  row.id,
  { open: async (offset) => createReadStream(file, { start: offset, highWaterMark: 256 * 1024 }) },
  { log: pino({ level: process.env.LOG_LEVEL ?? 'warn' }), leaseSeconds: 600 },
);
const seconds = (performance.now() - started) / 1000;
process.stdout.write(`result ${JSON.stringify({ outcome, seconds, peakRssMb: await peakRssMb() })}\n`);
await db.close();
