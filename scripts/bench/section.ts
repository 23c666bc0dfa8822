import type { BenchRun } from './run.ts';
import type { BenchSettings } from './settings.ts';

/**
 * One section of `npm run bench`: it measures something of ours against a raw baseline in the same
 * run and says how to show it; the harness (scripts/bench.ts) checks what it needs, runs it, and
 * prints and writes every report the same way. A new section is one file default-exporting
 * `defineSection({...})`, listed in scripts/bench/sections.ts, or an app's
 * `functions/<app>/bench/section.ts`, found at run time.
 */
export interface BenchSection<R = unknown> {
  /** What `npm run bench -- <name>` selects, and the key of its result in results.json. */
  name: string;
  /** One line, printed as the section starts. */
  description(settings: BenchSettings): string;
  /** Checked before anything runs, so a missing service fails at once and says how to fix it. */
  needs: readonly Service[];
  run(run: BenchRun): Promise<R>;
  report(result: R, settings: BenchSettings): SectionReport;
}

export type Service = 'postgres' | 'rabbitmq' | 'redis' | 'celery';

export interface SectionReport {
  figures: Figure[];
  /** Lines printed under the table: per-side details, a section's own table. */
  details?: string[];
  /** Anything that makes a figure untrustworthy (failed requests, missing rows): voids the run. */
  problems?: string[];
}

/** One row of the results table; `raw` null where there is no baseline, `pass` null for information. */
export interface Figure {
  figure: string;
  unit: string;
  ours: number;
  raw: number | null;
  ratio: number | null;
  target: string;
  pass: boolean | null;
}

/** Keeps a section's result type across `run` and `report`. */
export const defineSection = <R>(section: BenchSection<R>): BenchSection<R> => section;

/** Ours against the raw baseline; with `atLeast` the ratio has that target, without it the row is information. */
export function versus(figure: string, unit: string, ours: number, raw: number, atLeast?: number): Figure {
  const ratio = raw > 0 ? ours / raw : 0;
  const target =
    atLeast === undefined
      ? { target: 'info', pass: null }
      : { target: `>= ${atLeast}x raw`, pass: ratio >= atLeast };
  return { figure, unit, ours, raw, ratio, ...target };
}

/** A figure with no baseline: information, or held to at most `atMost`. */
export function alone(figure: string, unit: string, ours: number, atMost?: number): Figure {
  const target =
    atMost === undefined
      ? { target: 'info', pass: null }
      : { target: `<= ${atMost} ${unit}`, pass: ours <= atMost };
  return { figure, unit, ours, raw: null, ratio: null, ...target };
}

/** The problems of sides that must each have written exactly `expected` distinct rows. */
export function rowProblems(expected: number, sides: Record<string, { rows: number; distinctRows: number }>) {
  return Object.entries(sides)
    .filter(([, side]) => side.rows !== expected || side.distinctRows !== expected)
    .map(
      ([label, side]) => `${label}: ${side.rows} rows (${side.distinctRows} distinct) for ${expected} tasks`,
    );
}
