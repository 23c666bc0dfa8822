import { median, type ColdStartResult, type ColdStartRow } from './cold-start.ts';

/**
 * The (e) section of the bench's report: one line per bundle, with Node's own start and the
 * hello baseline on top, both measures against hello (the whole process; import + first
 * invocation), whether the function called SQS and the target it is held to, then the summary.
 *
 * @example
 *   for (const line of formatColdStartTable(result)) console.log(line);
 */
export function formatColdStartTable(result: ColdStartResult): string[] {
  const header = [
    'function',
    'kind',
    'SQS',
    'bundle KB',
    'zipped KB',
    'total ms',
    '× hello',
    'init ms',
    '1st invoke ms',
    'init+1st ms',
    '× hello',
    'target',
    'answer',
  ];
  const baselines = [result.nodeStart, result.hello, result.floor];
  const rows = [...baselines, ...result.bundles].map(cells);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  // Names, kinds and answers read left-aligned, numbers right-aligned so their digits line up.
  const line = (row: string[]) =>
    row
      .map((cell, i) => (i >= 3 && i <= 10 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const failures = [...baselines, ...result.bundles].flatMap((row) =>
    [...new Set(row.errors)].map((error) => `  ${row.id}: ${error}`),
  );
  return [
    line(header),
    rule,
    ...rows.slice(0, baselines.length).map(line),
    rule,
    ...rows.slice(baselines.length).map(line),
    '',
    summaryLine(result),
    floorLine(result),
    ...(failures.length > 0 ? ['failed runs (not in the medians):', ...failures] : []),
  ];
}

/**
 * `HTTP functions within their target (import + 1st invoke ≤ 2.5× hello, ≤ 3.5× calling SQS): 60 of 64
 * (worst: gradcafe-page 2.83× for ≤ 2.5×)`
 */
export function summaryLine({ http, httpLimit, httpSqsLimit }: ColdStartResult): string {
  const worst = http.worst
    ? `worst: ${http.worst.id} ${http.worst.ratio.toFixed(2)}× for ≤ ${http.worst.target}×`
    : 'none measured';
  return (
    `HTTP functions within their target (import + 1st invoke ≤ ${httpLimit}× hello, ≤ ${httpSqsLimit}× ` +
    `calling SQS): ${http.within} of ${http.of} (${worst})`
  );
}

/**
 * `The floor (Hono, zod, pino, pg and one query, no platform code) is 2.31× hello; HTTP functions'
 * median is 3.62× hello, 1.57× the floor: the rest is the platform's own.`
 */
export function floorLine({ floor, bundles }: ColdStartResult): string {
  const http = bundles.filter((row) => row.kind === 'http' && row.importInvokeMs !== null);
  const medianMs = median(http.map((row) => row.importInvokeMs!));
  const medianRatio = median(http.map((row) => row.importInvokeRatio!));
  if (floor.importInvokeMs === null || medianMs === null || medianRatio === null)
    return 'floor: not measured';
  return (
    `The floor (Hono, zod, pino, pg and one query, no platform code) is ${times(floor.importInvokeRatio)} hello; ` +
    `HTTP functions' median is ${times(medianRatio)} hello, ${times(medianMs / floor.importInvokeMs)} the floor: ` +
    `the rest is the platform's own.`
  );
}

/** Failed runs make the figures untrustworthy: each bundle with one is a problem of the run. */
export function coldStartProblems(result: ColdStartResult): string[] {
  return [result.nodeStart, result.hello, result.floor, ...result.bundles]
    .filter((row) => row.errors.length > 0)
    .map((row) => `(e) ${row.id}: ${row.errors.length} of ${row.runs} cold starts failed: ${row.errors[0]}`);
}

export function coldStartMethod(result: ColdStartResult): string {
  return [
    `(e) Every bundle of \`npm run build\` (same esbuild options; built into node_modules/.cache so that`,
    `@aws-sdk/* resolves as the runtime provides it) and a hello baseline (a Hono app with one GET /hello route`,
    `behind hono/aws-lambda's handle) and a floor (hello plus zod settings, a pino logger, a pg pool and one query),`,
    `each started ${result.runs} times in a fresh Node process by`,
    `scripts/lambda/invoke.ts (a Lambda-like environment, NODE_OPTIONS=--enable-source-maps, heap cap of 1024 MB),`,
    `one process at a time, round by round across all bundles, with one realistic first event: an API Gateway`,
    `HTTP API request for the function's route (POST with {}), an SQS batch of one envelope, an EventBridge tick;`,
    `platform-assets GET /openapi.json; platform-migrate {} on the already-migrated database. The bundles talk to`,
    `this run's Postgres database and the fauxqs emulator (queues created beforehand), so a first invocation`,
    `opens its connections as on AWS. An untimed first round goes to the emulator through a counting proxy: the`,
    `SQS column says whether the first invocation called SQS. Medians: total (spawn to first result, what a caller`,
    `waits), init (the import), the first invocation, and init + first invocation per run (our code alone: Node's`,
    `own start is the same for every bundle and on Lambda is paid by the runtime before our code). Each × hello is`,
    `that measure over hello's. Node's own start (node -e 0, spawn to exit) is shown for reference. Targets, on`,
    `init + first invocation: every HTTP function within ${result.httpLimit}× of hello, ${result.httpSqsLimit}× if it calls SQS. Not`,
    `AWS: no code download, no Firecracker VM: the milliseconds are this machine's, the ratios are the comparison.`,
  ].join(' ');
}

function cells(row: ColdStartRow): string[] {
  return [
    row.id,
    row.kind,
    row.callsSqs === null ? '-' : row.callsSqs ? 'yes' : 'no',
    kb(row.bytes),
    kb(row.zipBytes),
    ms(row.totalMs),
    times(row.ratio),
    ms(row.initMs),
    ms(row.firstInvokeMs),
    ms(row.importInvokeMs),
    times(row.importInvokeRatio),
    targetOf(row),
    answerOf(row),
  ];
}

/** `≤ 2.5× met`, `≤ 3.5× MISSED`; empty for a bundle without a target. */
function targetOf(row: ColdStartRow): string {
  if (row.target === null) return '';
  return `≤ ${row.target}× ${row.meetsTarget ? 'met' : 'MISSED'}`;
}

function times(ratio: number | null): string {
  return ratio === null ? '-' : `${ratio.toFixed(2)}×`;
}

function answerOf(row: ColdStartRow): string {
  const answers = row.answers.join(', ');
  if (row.errors.length === 0) return answers;
  const failed = `FAILED ${row.errors.length}/${row.runs}`;
  return answers ? `${failed}; else ${answers}` : failed;
}

function kb(bytes: number | null): string {
  return bytes === null ? '-' : (bytes / 1024).toFixed(1);
}

function ms(value: number | null): string {
  return value === null ? '-' : value.toFixed(1);
}
