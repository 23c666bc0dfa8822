import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Figure, SectionReport } from './section.ts';
import type { BenchSettings } from './settings.ts';

/** Everything one `npm run bench` measured: written to dist/bench/results.{json,md}. */
export interface BenchResults {
  startedAt: string;
  totalSeconds: number;
  /** `loadAverage1m` at the start: other work on the machine skews every figure. */
  machine: { cpus: number; node: string; loadAverage1m: number };
  settings: Omit<BenchSettings, 'postgresAdminUrl' | 'rabbitmqUrl' | 'redisUrl'>;
  /** By section name: the raw result, and the report made of it. */
  sections: Record<string, { result: unknown; report: SectionReport }>;
}

export function buildResults(input: {
  startedAt: Date;
  settings: BenchSettings;
  loadAverage1m: number;
  sections: BenchResults['sections'];
}): BenchResults {
  const { postgresAdminUrl: _pg, rabbitmqUrl: _amqp, redisUrl: _redis, ...settings } = input.settings;
  return {
    startedAt: input.startedAt.toISOString(),
    totalSeconds: (Date.now() - input.startedAt.getTime()) / 1000,
    machine: { cpus: availableParallelism(), node: process.version, loadAverage1m: input.loadAverage1m },
    settings,
    sections: input.sections,
  };
}

export const problemsOf = (results: BenchResults): string[] =>
  Object.values(results.sections).flatMap(({ report }) => report.problems ?? []);

const HEADER = ['figure', 'unit', 'ours', 'raw', 'ratio', 'target', 'result'];
const formatNumber = (value: number) =>
  value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(1);

const cells = (f: Figure): string[] => [
  f.figure,
  f.unit,
  formatNumber(f.ours),
  f.raw === null ? '-' : formatNumber(f.raw),
  f.ratio === null ? '-' : `${f.ratio.toFixed(2)}x`,
  f.target,
  f.pass === null ? 'info' : f.pass ? 'PASS' : 'FAIL',
];

const machineLine = ({ machine, startedAt, totalSeconds }: BenchResults) =>
  `${startedAt}, ${machine.cpus} cores, load average ${machine.loadAverage1m.toFixed(1)} at the start, ` +
  `Node ${machine.node}, ${totalSeconds.toFixed(0)} s.`;

export function printReport(results: BenchResults): void {
  const reports = Object.entries(results.sections);
  const rows = reports.flatMap(([, { report }]) => report.figures.map(cells));
  const widths = HEADER.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  // Numbers right-aligned so their digits line up.
  const line = (row: string[]) =>
    row.map((cell, i) => (i >= 2 && i <= 4 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ');
  console.log(
    ['', line(HEADER), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line), ''].join('\n'),
  );
  for (const [name, { report }] of reports) {
    if (report.details?.length) console.log(`${name}:\n${report.details.join('\n')}\n`);
  }
  console.log(machineLine(results));
  const problems = problemsOf(results);
  if (problems.length > 0) {
    console.error('!! THIS BENCH RUN IS NOT VALID: some of the work it timed failed or is missing.');
    for (const problem of problems) console.error(`!!   ${problem}`);
  }
}

/** Write the results where CI can pick them up; the markdown is the same report, to paste into docs. */
export async function writeResults(results: BenchResults): Promise<string> {
  const row = (cellsOfRow: string[]) => `| ${cellsOfRow.join(' | ')} |`;
  const reports = Object.entries(results.sections);
  const md = [`Run of ${machineLine(results)}`, '', row(HEADER), row(HEADER.map(() => '---'))];
  for (const [, { report }] of reports) md.push(...report.figures.map((f) => row(cells(f))));
  for (const [name, { report }] of reports) {
    if (report.details?.length) md.push('', `${name}:`, '', '```text', ...report.details, '```');
  }
  const problems = problemsOf(results);
  if (problems.length > 0) md.push('', '**Not valid:**', ...problems.map((p) => `- ${p}`));
  const dir = fileURLToPath(new URL('../../dist/bench/', import.meta.url));
  await mkdir(dir, { recursive: true });
  await writeFile(`${dir}results.json`, JSON.stringify(results, null, 2) + '\n');
  await writeFile(`${dir}results.md`, md.join('\n') + '\n');
  return `${dir}results.{json,md}`;
}
