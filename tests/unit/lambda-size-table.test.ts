import { describe, expect, it } from 'vitest';
import { formatSizeTable } from '../../scripts/lambda/build/size-table.ts';

describe('formatSizeTable', () => {
  const table = formatSizeTable(
    [
      { id: 'platform-migrate', kind: 'synthetic', loadBytes: 1024, bytes: 2048, zipBytes: 1024 },
      { id: 'gradcafe-page', kind: 'http', loadBytes: 1024, bytes: 1536, zipBytes: 512 },
    ],
    2340,
  ).split('\n');

  it('lists bundles by name with sizes in KB: loaded at start, unzipped, zipped', () => {
    const rows = table.filter((line) => /^(gradcafe|platform)-/.test(line));
    expect(rows.map((row) => row.split(/\s+/))).toEqual([
      ['gradcafe-page', 'http', '1.0', '1.5', '0.5'],
      ['platform-migrate', 'synthetic', '1.0', '2.0', '1.0'],
    ]);
  });

  it('ends with the totals and the build time', () => {
    expect(table.at(-2)?.split(/\s{2,}/)).toEqual(['total (2)', '2.0', '3.5', '1.5']);
    expect(table.at(-1)).toBe('built in 2.3 s');
  });
});
