import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { BAD_KINDS, generateItems, newManifest } from '../../functions/imports/lib/items-generator.ts';

const collect = (options: Parameters<typeof generateItems>[0]) => {
  const manifest = newManifest();
  const bytes = Buffer.concat([...generateItems(options, manifest)]);
  return { bytes, manifest };
};

describe('the items file generator', () => {
  it('is deterministic: the same options give the same bytes, another seed others', () => {
    const a = collect({ rows: 500, badRatio: 0.1, seed: 5 });
    expect(collect({ rows: 500, badRatio: 0.1, seed: 5 }).bytes.equals(a.bytes)).toBe(true);
    expect(collect({ rows: 500, badRatio: 0.1, seed: 6 }).bytes.equals(a.bytes)).toBe(false);
  });

  it('plants every kind of bad row, about the share asked for, each on the line it says', () => {
    const { bytes, manifest } = collect({ rows: 5_000, badRatio: 0.05, seed: 2, unclosedQuoteAtEnd: true });
    for (const kind of [...BAD_KINDS, 'unclosed_quote' as const])
      expect(manifest.bad[kind]?.length).toBeGreaterThan(0);
    const bad = Object.values(manifest.bad).reduce((n, lines) => n + lines.length, 0);
    expect(bad / 5_000).toBeGreaterThan(0.04);
    expect(bad / 5_000).toBeLessThan(0.06);
    // Physical lines: the line a kind names starts the record the kind describes.
    const lines = bytes.toString('latin1').split('\n');
    for (const at of manifest.bad.price_precision!) expect(lines[at - 1]).toMatch(/,\d+\.\d{3},/);
    for (const at of manifest.bad.sku_too_long!) expect(lines[at - 1]).toMatch(/^LONG-X{70},/);
    for (const at of manifest.bad.invalid_utf8!) expect(lines[at - 1]).toContain('\u00c3(');
    const unclosed = manifest.bad.unclosed_quote![0]!;
    expect(lines[unclosed - 1]).toMatch(/^SKU-LAST,"Never closed/);
  });

  it('streams: a large file comes in chunks of bounded size', () => {
    let chunks = 0;
    let largest = 0;
    for (const chunk of generateItems({ rows: 100_000, badRatio: 0.05 })) {
      chunks++;
      largest = Math.max(largest, chunk.length);
    }
    expect(chunks).toBeGreaterThan(40);
    expect(largest).toBeLessThan(512 * 1024);
  });

  it('writes \\r\\n line endings when asked', () => {
    const { bytes } = collect({ rows: 50, badRatio: 0, crlf: true });
    const text = bytes.toString();
    expect(text.startsWith('sku,name,category,price,quantity,updated_at\r\n')).toBe(true);
    expect(text.replaceAll('\r\n', '').replaceAll(/"[^"]*"/g, '')).not.toContain('\n');
  });

  it('matches the committed sample and its manifest (regenerate with the command in the README)', async () => {
    const { bytes, manifest } = collect({ rows: 3_000, badRatio: 0.04, seed: 7 });
    const sample = await readFile(new URL('../../functions/imports/data/sample-items.csv', import.meta.url));
    expect(bytes.equals(sample)).toBe(true);
    const committed = JSON.parse(
      await readFile(
        new URL('../../functions/imports/data/sample-items.manifest.json', import.meta.url),
        'utf8',
      ),
    ) as unknown;
    expect(committed).toEqual(manifest);
  });
});
