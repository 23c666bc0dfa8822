/**
 * `npm run bench [-- <section> ...]`: throughput and memory of the platform against raw baselines
 * measured in the same run, on this machine's real services. Not a test: it prints a table and
 * writes `dist/bench/results.{json,md}`, and exits non-zero only when the run itself is not valid
 * (requests failed, rows missing), not when a figure misses its target. Sections:
 * scripts/bench/sections.ts; knobs: scripts/bench/settings.ts; method: docs/performance.md.
 */
import { loadavg } from 'node:os';
import { buildResults, printReport, problemsOf, writeResults, type BenchResults } from './bench/report.ts';
import { openBenchRun } from './bench/run.ts';
import { loadSections } from './bench/sections.ts';
import { checkServices } from './bench/services.ts';
import { readBenchSettings } from './bench/settings.ts';

const known = await loadSections();
const named = process.argv.slice(2);
const unknown = named.filter((name) => !known.some((section) => section.name === name));
if (unknown.length > 0) {
  console.error(`unknown bench section ${unknown.join(', ')}; known: ${known.map((s) => s.name).join(', ')}`);
  process.exit(2);
}
const sections = named.length > 0 ? known.filter((section) => named.includes(section.name)) : known;

const startedAt = new Date();
// Taken before the bench adds its own load: anything else running skews every figure.
const [loadAverage1m] = loadavg() as [number, number, number];
const settings = readBenchSettings();
await checkServices(new Set(['postgres', 'rabbitmq', ...sections.flatMap((s) => s.needs)]), settings);
const run = await openBenchRun(settings);
console.log(`bench ${run.tag}: database ${run.tag}, queue prefix '${run.prefix}'`);

// Ctrl-C or a kill still tears down the children, the queues and the database.
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    console.error(`\n${signal}: tearing down`);
    void run.close().finally(() => process.exit(130));
  });
}

try {
  const measured: BenchResults['sections'] = {};
  for (const section of sections) {
    console.log(`${section.name}: ${section.description(settings)} ...`);
    const result = await section.run(run);
    measured[section.name] = { result, report: section.report(result, settings) };
  }
  const results = buildResults({ startedAt, settings, loadAverage1m, sections: measured });
  printReport(results);
  console.log(`results written to ${await writeResults(results)}`);
  if (problemsOf(results).length > 0) process.exitCode = 1;
} catch (err) {
  if (!interrupted) {
    console.error('bench failed:', err);
    process.exitCode = 1;
  }
} finally {
  if (!interrupted) await run.close();
}
