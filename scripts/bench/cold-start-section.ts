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
    const worst = result.bundles.find((row) => row.id === result.http.worst?.id);
    const hello = result.hello.totalMs;
    const figures =
      worst && worst.totalMs !== null && hello !== null
        ? [
            {
              ...versus(
                `Lambda cold start, slowest HTTP function (${worst.id}) [raw: hello]`,
                'ms',
                worst.totalMs,
                hello,
              ),
              target: `<= ${result.httpLimit}x hello`,
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
