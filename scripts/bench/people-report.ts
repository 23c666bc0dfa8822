import type { PeopleBenchResult } from './people.ts';
import type { Figure } from './report.ts';

/** Target of issue 12: the sync at 0.8× or more of the hand-written fetch + upsert. */
const MIN_RATIO = 0.8;

export function peopleFigures(result: PeopleBenchResult): Figure[] {
  const ratio = result.ours.usersPerSecond / result.raw.usersPerSecond;
  return [
    {
      figure: `(h) People: users sync of ${result.users} provider users over HTTP [raw: fetch + one upsert per page]`,
      unit: 'users/s',
      ours: Math.round(result.ours.usersPerSecond),
      raw: Math.round(result.raw.usersPerSecond),
      ratio,
      target: `>= ${MIN_RATIO}x`,
      pass: ratio >= MIN_RATIO,
    },
  ];
}

/** The run is invalid when either side did not write every user. */
export function peopleProblems(result: PeopleBenchResult): string[] {
  return [
    ...(result.ours.inserted === result.users
      ? []
      : [`(h) ours inserted ${result.ours.inserted} of ${result.users}`]),
    ...(result.raw.inserted === result.users
      ? []
      : [`(h) raw wrote ${result.raw.inserted} of ${result.users}`]),
  ];
}
