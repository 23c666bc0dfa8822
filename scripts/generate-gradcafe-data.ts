/**
 * Regenerates the GradCafe sample dataset (functions/gradcafe/data/applicants.ndjson) from
 * the deterministic `entryFor(id)`: the same code always writes the same bytes.
 *
 *   npx tsx scripts/generate-gradcafe-data.ts           # write the file
 *   npx tsx scripts/generate-gradcafe-data.ts --check   # exit 1 if the committed file is stale
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { BUNDLED_DATA_FILE, toNdjson } from '../functions/gradcafe/lib/bundled-data.ts';
import { BUNDLED_FIRST_ID, BUNDLED_LAST_ID, entryFor } from '../functions/gradcafe/lib/entry-generator.ts';

function* bundledEntries() {
  for (let id = BUNDLED_FIRST_ID; id <= BUNDLED_LAST_ID; id++) yield entryFor(id);
}

const text = toNdjson(bundledEntries());
const file = fileURLToPath(BUNDLED_DATA_FILE);

if (process.argv.includes('--check')) {
  const committed = await readFile(file, 'utf8').catch(() => '');
  if (committed !== text) {
    console.error(`${file} is stale: run npx tsx scripts/generate-gradcafe-data.ts`);
    process.exit(1);
  }
  console.log(`${file} is up to date`);
} else {
  await writeFile(file, text);
  const count = BUNDLED_LAST_ID - BUNDLED_FIRST_ID + 1;
  console.log(`wrote ${count} entries (${(text.length / 1024).toFixed(0)} KiB) to ${file}`);
}
