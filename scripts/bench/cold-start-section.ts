import { benchColdStart } from './cold-start.ts';
import { coldStartMethod, coldStartProblems, formatColdStartTable } from './cold-start-report.ts';
import { defineSection, versus } from './section.ts';

/** The harness's glue around the cold-start bench; the measuring is in cold-start.ts. */
export default defineSection({
  name: 'cold-start',
  description: (s) => `Lambda cold start: build every bundle, then ${s.coldRuns} fresh processes each`,
  needs: ['postgres'],
  run: (run) => benchColdStart(run),
  report: (result) => {
    // The targets are on import + first invoke: Node's own start-up is the same for every bundle.
    const worst = result.bundles.find((row) => row.id === result.http.worst?.id);
    const hello = result.hello.importInvokeMs;
    const figures =
      worst && worst.importInvokeMs !== null && hello !== null && result.http.worst
        ? [
            {
              ...versus(
                `Lambda import + first invoke, furthest from its target (${worst.id}) [raw: hello]`,
                'ms',
                worst.importInvokeMs,
                hello,
              ),
              target: `<= ${result.http.worst.target}x hello; ${result.http.within} of ${result.http.of} HTTP functions within theirs`,
              pass: result.http.within === result.http.of,
            },
          ]
        : [];
    return {
      figures,
      details: [
        `medians of ${result.runs} fresh processes per bundle:`,
        ...formatColdStartTable(result),
        coldStartMethod(result),
      ],
      problems: coldStartProblems(result),
    };
  },
});
