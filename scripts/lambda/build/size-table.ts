import type { BundleKind } from './entries.ts';

export interface SizeRow {
  id: string;
  kind: BundleKind;
  bytes: number;
  loadBytes: number;
  zipBytes: number;
}

/**
 * The table `npm run build` prints: one row per bundle, sorted by name, then the totals.
 *
 * @example
 *   formatSizeTable([{ id: 'platform-healthz', kind: 'http', bytes: 412_000, zipBytes: 120_000 }], 1234);
 */
export function formatSizeTable(rows: readonly SizeRow[], elapsedMs: number): string {
  const sorted = [...rows].sort((a, b) => a.id.localeCompare(b.id));
  const total = (key: 'bytes' | 'loadBytes' | 'zipBytes') => sorted.reduce((sum, row) => sum + row[key], 0);
  const table: string[][] = [
    ['function', 'kind', 'loaded at start KB', 'unzipped KB', 'zipped KB'],
    ...sorted.map((row) => [row.id, row.kind, kb(row.loadBytes), kb(row.bytes), kb(row.zipBytes)]),
    [`total (${sorted.length})`, '', kb(total('loadBytes')), kb(total('bytes')), kb(total('zipBytes'))],
  ];
  const widths = table[0]!.map((_, column) => Math.max(...table.map((cells) => cells[column]!.length)));
  // Names and kinds read left-aligned, numbers right-aligned so their digits line up.
  const render = (cells: string[]) =>
    cells.map((cell, column) => (column < 2 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)));
  const rule = widths.map((width) => '-'.repeat(width));
  const body = [render(table[0]!), rule, ...table.slice(1, -1).map(render), rule, render(table.at(-1)!)];
  return [
    ...body.map((cells) => cells.join('  ').trimEnd()),
    `built in ${(elapsedMs / 1000).toFixed(1)} s`,
  ].join('\n');
}

function kb(bytes: number): string {
  return (bytes / 1024).toFixed(1);
}
