import { Cron } from 'croner';

/**
 * When a cron (UTC) fires next after `after`, as the local scheduler and EventBridge would fire it.
 * Only the console's schedule routes call it: croner stays out of the bundles that do not.
 *
 * @example
 *   nextRunOf('0 * * * *', new Date('2026-12-05T10:20:00Z')); // '2026-12-05T11:00:00.000Z'
 */
export function nextRunOf(expression: string, after = new Date()): string | null {
  return new Cron(expression, { paused: true, timezone: 'UTC' }).nextRun(after)?.toISOString() ?? null;
}

/**
 * Standard cron (what the local scheduler gives croner) → an EventBridge `cron(...)` expression.
 *
 * The two dialects differ in ways that change *when* a job runs, so the conversion is exact or
 * it throws:
 * - AWS has six fields, `min hour day-of-month month day-of-week year`, and no seconds: a seconds
 *   field is accepted only when it is 0.
 * - AWS needs `?` in exactly one of day-of-month / day-of-week. Standard cron ORs the two when
 *   both are restricted (`0 0 1 * MON` = the 1st *or* any Monday), which AWS cannot express.
 * - AWS numbers weekdays 1-7 from Sunday; standard cron 0-7 with 0 and 7 both Sunday. Weekdays
 *   are written as names (`MON-FRI`) so nobody has to remember which numbering a line uses;
 *   only `#` (nth weekday) and `L` (last weekday) forms keep AWS numbers.
 * - croner refuses `5/15`-style steps, AWS documents only that form: `*` + step becomes
 *   `<first>/<step>`, a stepped range becomes its explicit list.
 *
 * @example
 *   toAwsCron('*\/15 * * * *'); // 'cron(0/15 * * * ? *)'
 *   toAwsCron('0 9 * * 1-5'); // 'cron(0 9 ? * MON-FRI *)'
 */
export function toAwsCron(expression: string): string {
  const fields = expression.trim().split(/\s+/);
  if (fields.length < 5 || fields.length > 7) {
    throw new AwsCronError(expression, `has ${fields.length} fields; expected 5, 6 (seconds first) or 7`);
  }
  try {
    // Whatever croner (the local scheduler) rejects is not a schedule anywhere.
    new Cron(expression, { paused: true, timezone: 'UTC' });
  } catch (err) {
    throw new AwsCronError(expression, (err as Error).message);
  }
  const [seconds, minute, hour, dom, month, dow, year] =
    fields.length === 5 ? ['0', ...fields, '*'] : fields.length === 6 ? [...fields, '*'] : fields;
  const fail = (reason: string): never => {
    throw new AwsCronError(expression, reason);
  };
  if (!/^0+$/.test(seconds!))
    fail(`runs at second '${seconds}'; EventBridge schedules have minute precision`);

  const andDow = dow!.startsWith('+');
  const weekday = andDow ? dow!.slice(1) : dow!;
  const domRestricted = !isWildcard(dom!);
  const dowRestricted = !isWildcard(weekday);
  if (domRestricted && dowRestricted) {
    fail(
      andDow
        ? 'restricts day-of-month AND day-of-week; EventBridge allows only one of them'
        : 'restricts both day-of-month and day-of-week (cron runs when either matches); EventBridge ' +
            'allows only one of them: split it into two schedules',
    );
  }

  const aws = [
    numericField(minute!, MINUTE, fail),
    numericField(hour!, HOUR, fail),
    dowRestricted ? '?' : dayOfMonthField(dom!, fail),
    numericField(month!, MONTH, fail),
    dowRestricted ? dayOfWeekField(weekday, fail) : '?',
    numericField(year!, YEAR, fail),
  ];
  return `cron(${aws.join(' ')})`;
}

export class AwsCronError extends Error {
  readonly code = 'AWS_CRON_UNSUPPORTED';
  constructor(expression: string, reason: string) {
    super(`cron '${expression}' cannot be an EventBridge schedule: ${reason}`);
  }
}

type Fail = (reason: string) => never;

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const MINUTE: FieldSpec = { name: 'minute', min: 0, max: 59 };
const HOUR: FieldSpec = { name: 'hour', min: 0, max: 23 };
const DAY_OF_MONTH: FieldSpec = { name: 'day-of-month', min: 1, max: 31 };
const MONTH: FieldSpec = {
  name: 'month',
  min: 1,
  max: 12,
  names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'],
};
// croner allows years 1-9999; EventBridge only these.
const YEAR: FieldSpec = { name: 'year', min: 1970, max: 2199 };
/** Standard numbering: SUN = 0 (and 7). */
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const;
const DAY_OF_WEEK: FieldSpec = { name: 'day-of-week', min: 0, max: 7, names: WEEKDAYS };

function isWildcard(field: string): boolean {
  return field === '*' || field === '?';
}

/** A single value: a number or (month, weekday) a name, checked against the field's range. */
function valueOf(token: string, spec: FieldSpec, fail: Fail): number {
  const upper = token.toUpperCase();
  const named = spec.names?.indexOf(upper) ?? -1;
  if (named >= 0) return named + (spec.names === WEEKDAYS ? 0 : spec.min);
  if (!/^\d+$/.test(token)) return fail(`'${token}' is not a ${spec.name} value`);
  const value = Number(token);
  if (value < spec.min || value > spec.max) {
    return fail(`${spec.name} ${value} is outside ${spec.min}-${spec.max}`);
  }
  return value;
}

/** A value as AWS reads it: numbers normalised (`05` → `5`), names upper-cased. */
function render(token: string, spec: FieldSpec, fail: Fail): string {
  const value = valueOf(token, spec, fail);
  return /^\d+$/.test(token) ? String(value) : token.toUpperCase();
}

/** `a-b/n` (or `*` + `/n`) as the values it selects. */
function stepValues(range: string, step: string, spec: FieldSpec, fail: Fail): number[] {
  if (!/^\d+$/.test(step) || Number(step) < 1) fail(`'${step}' is not a ${spec.name} step`);
  const [from, to] = range === '*' ? [spec.min, spec.max] : bounds(range, spec, fail);
  const values: number[] = [];
  for (let v = from; v <= to; v += Number(step)) values.push(v);
  return values;
}

function bounds(range: string, spec: FieldSpec, fail: Fail): [number, number] {
  const parts = range.split('-');
  if (parts.length !== 2) return fail(`'${range}' is not a ${spec.name} range`);
  const [from, to] = parts.map((p) => valueOf(p, spec, fail)) as [number, number];
  if (from > to) fail(`${spec.name} range '${range}' runs backwards`);
  return [from, to];
}

/** Minute, hour, day-of-month (plain part), month and year: the syntax both dialects share. */
function numericField(field: string, spec: FieldSpec, fail: Fail): string {
  if (isWildcard(field)) return '*';
  const elements = field.split(',');
  const only = elements.length === 1 ? elements[0]! : undefined;
  // A lone `*/n` has AWS's own spelling; anything else stepped becomes a plain list.
  const loneStep = only && /^\*\/(\d+)$/.exec(only);
  if (loneStep) {
    if (spec === YEAR) fail(`a stepped year ('${field}') has no fixed start; list the years`);
    stepValues('*', loneStep[1]!, spec, fail);
    return `${spec.min}/${Number(loneStep[1])}`;
  }
  return elements
    .map((element) => {
      if (isWildcard(element)) fail(`'${field}' mixes a wildcard into a list`);
      const [range, step, extra] = element.split('/');
      if (extra !== undefined) fail(`'${element}' is not a ${spec.name} step`);
      if (step !== undefined) return stepValues(range!, step, spec, fail).join(',');
      if (range!.includes('-')) {
        bounds(range!, spec, fail);
        return range!
          .split('-')
          .map((part) => render(part, spec, fail))
          .join('-');
      }
      return render(range!, spec, fail);
    })
    .join(',');
}

/** Day-of-month adds `L` (last day), `LW` (last weekday) and `15W` (weekday nearest the 15th). */
function dayOfMonthField(field: string, fail: Fail): string {
  const upper = field.toUpperCase();
  if (upper === 'L' || upper === 'LW') return upper;
  const nearest = /^(\d+)W$/.exec(upper);
  if (nearest) return `${valueOf(nearest[1]!, DAY_OF_MONTH, fail)}W`;
  if (/[LW]/.test(upper)) fail(`day-of-month '${field}': EventBridge takes L or W only on their own`);
  return numericField(field, DAY_OF_MONTH, fail);
}

/** AWS weekday numbers: SUN = 1 … SAT = 7. */
function awsWeekdayNumber(token: string, fail: Fail): number {
  return (valueOf(token, DAY_OF_WEEK, fail) % 7) + 1;
}

function dayOfWeekField(field: string, fail: Fail): string {
  const upper = field.toUpperCase();
  if (/[#L]/.test(upper)) {
    // `5#2` second Friday, `5#L` / `5L` last Friday: AWS takes exactly one such term.
    const nth = /^(\w+?)#([1-5])$/.exec(upper);
    if (nth) return `${awsWeekdayNumber(nth[1]!, fail)}#${nth[2]}`;
    const last = /^(\w+?)#?L$/.exec(upper);
    if (last) return `${awsWeekdayNumber(last[1]!, fail)}L`;
    return fail(`day-of-week '${field}': EventBridge takes one nth (#) or last (L) weekday on its own`);
  }
  const days = new Set<number>();
  for (const element of upper.split(',')) {
    if (isWildcard(element)) fail(`'${field}' mixes a wildcard into a list`);
    const [range, step, extra] = element.split('/');
    if (extra !== undefined) fail(`'${element}' is not a day-of-week step`);
    const values =
      step !== undefined
        ? stepValues(range!, step, DAY_OF_WEEK, fail)
        : range!.includes('-')
          ? stepValues(range!, '1', DAY_OF_WEEK, fail)
          : [valueOf(range!, DAY_OF_WEEK, fail)];
    for (const value of values) days.add(value % 7);
  }
  return weekdayNames([...days].sort((a, b) => a - b));
}

/** Sorted standard weekday numbers → `MON-FRI`, `SUN,SAT`, `MON,WED-FRI`. */
function weekdayNames(days: number[]): string {
  const runs: number[][] = [];
  for (const day of days) {
    const run = runs.at(-1);
    if (run && run.at(-1) === day - 1) run.push(day);
    else runs.push([day]);
  }
  return runs
    .flatMap((run) =>
      run.length >= 3 ? [`${WEEKDAYS[run[0]!]}-${WEEKDAYS[run.at(-1)!]}`] : run.map((d) => WEEKDAYS[d]!),
    )
    .join(',');
}
