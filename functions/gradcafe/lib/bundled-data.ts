import { readFile } from 'node:fs/promises';

/**
 * The committed sample dataset: raw feed entries, one JSON object per line, written by
 * `scripts/generate-gradcafe-data.ts` from `entryFor(id)`. NDJSON keeps the file compact and
 * its diffs readable. Only the seed reads it (from disk), so function bundles never carry it.
 */
export const BUNDLED_DATA_FILE = new URL('../data/applicants.ndjson', import.meta.url);

export function toNdjson(entries: Iterable<unknown>): string {
  let text = '';
  for (const entry of entries) text += JSON.stringify(entry) + '\n';
  return text;
}

export function fromNdjson(text: string): unknown[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as unknown);
}

export async function readBundledEntries(file: URL = BUNDLED_DATA_FILE): Promise<unknown[]> {
  return fromNdjson(await readFile(file, 'utf8'));
}
