/**
 * `npm run imports:generate -- --rows 1000000 --bad 0.05 --out items.csv [--seed 1] [--crlf]
 *  [--unclosed-quote] [--manifest items.manifest.json]`: a supplier's items file for the Imports
 * app, deterministic, written as it is generated (a million rows take a few seconds and little
 * memory), with the share of bad rows of every kind asked for; prints where they are.
 */
import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { generateItems, newManifest } from '../functions/imports/lib/items-generator.ts';
import { runScript, UsageError } from './lib/run-script.ts';

const USAGE =
  'Usage: npm run imports:generate -- --rows N --bad RATIO --out FILE [--seed N] [--crlf] [--unclosed-quote] [--manifest FILE]';

await runScript(async () => {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string' },
      bad: { type: 'string', default: '0.05' },
      out: { type: 'string' },
      seed: { type: 'string', default: '1' },
      crlf: { type: 'boolean', default: false },
      'unclosed-quote': { type: 'boolean', default: false },
      manifest: { type: 'string' },
    },
  });
  const rows = Number(values.rows);
  const badRatio = Number(values.bad);
  const seed = Number(values.seed);
  if (
    !values.out ||
    !Number.isInteger(rows) ||
    rows < 1 ||
    !(badRatio >= 0 && badRatio <= 1) ||
    !Number.isInteger(seed)
  ) {
    throw new UsageError(USAGE);
  }
  const manifest = newManifest();
  const options = { rows, badRatio, seed, crlf: values.crlf, unclosedQuoteAtEnd: values['unclosed-quote'] };
  await pipeline(Readable.from(generateItems(options, manifest)), createWriteStream(values.out));
  if (values.manifest) await writeFile(values.manifest, JSON.stringify(manifest, null, 2) + '\n');
  const failed = Object.values(manifest.bad).reduce((n, lines) => n + lines.length, 0);
  console.log(`${values.out}: ${rows} rows, ${manifest.loaded} skus to load, ${failed} bad rows`);
  for (const [kind, lines] of Object.entries(manifest.bad)) console.log(`  ${kind}: ${lines.length}`);
});
