import type { ImportsBenchResult } from './section.ts';
import { alone, versus, type Figure } from '../../../scripts/bench/section.ts';

/** Targets of issue 11: at least 0.6× raw COPY's rows/s, at most 250 MB peak RSS. */
const MIN_RATIO = 0.6;
const MAX_RSS_MB = 250;

export function importsFigures(result: ImportsBenchResult): Figure[] {
  return [
    versus(
      `Imports: ${result.rows} rows, ${result.fileMb} MB, 5% bad, whole import [raw: COPY of the clean rows]`,
      'rows/s',
      result.importRowsPerSecond,
      result.rawRowsPerSecond,
      MIN_RATIO,
    ),
    // Not a target: what the hardware allows any import into the keyed table, for scale.
    versus(
      'Imports: the floor, clean rows copied straight into a table shaped like imports.items',
      'rows/s',
      result.keyedRowsPerSecond,
      result.rawRowsPerSecond,
    ),
    alone('Imports: peak RSS of the importing process', 'MB', result.peakRssMb, MAX_RSS_MB),
  ];
}

/** The run is invalid when the import did not load exactly what the generator planted. */
export function importsProblems(result: ImportsBenchResult): string[] {
  const { outcome, manifest } = result;
  if (outcome.status !== 'loaded') return [`the import did not load: ${JSON.stringify(outcome)}`];
  const problems: string[] = [];
  if (outcome.rowsTotal !== manifest.rows)
    problems.push(`rows ${outcome.rowsTotal}, expected ${manifest.rows}`);
  if (outcome.rowsLoaded !== manifest.loaded) {
    problems.push(`loaded ${outcome.rowsLoaded}, expected ${manifest.loaded}`);
  }
  if (outcome.rowsFailed !== manifest.failed)
    problems.push(`failed ${outcome.rowsFailed}, expected ${manifest.failed}`);
  if (result.rawRows !== manifest.loaded)
    problems.push(`raw COPY ${result.rawRows} rows, expected ${manifest.loaded}`);
  return problems;
}
