import type { Db } from '../../shared/db/port.ts';
import type { QueueDriver } from '../../shared/queue/port.ts';

/**
 * The chaos suite's shared parts: its scale, and a total-queue checker in the manner of Jepsen's
 * (every message that went in comes out, exactly once).
 *
 * `npm test` runs each scenario short; `npm run test:chaos` (CHAOS=full) runs them at the size
 * the reliability table in the README reports.
 */
const chaosFull = process.env.CHAOS === 'full';

/** `short` in `npm test`, `full` in `npm run test:chaos`. */
export const atScale = <T>(short: T, full: T): T => (chaosFull ? full : short);

export interface QueueHistory {
  /** Keys whose enqueue the system confirmed (a 202, a resolved publish). */
  enqueued: Iterable<string>;
  /** Keys whose enqueue failed or was never answered: they may or may not have run. */
  indeterminate?: Iterable<string>;
  /** How many times each key's effect committed. */
  effects: Map<string, number>;
  /** Keys found in the dead-letter queue. */
  dead?: Iterable<string>;
}

/** Jepsen's total-queue verdict, plus the dead-letter queue (a message given up on is not lost). */
export interface QueueVerdict {
  enqueued: number;
  /** Confirmed and done exactly once. */
  ok: number;
  /** Confirmed, and neither done nor dead-lettered. */
  lost: string[];
  /** Done more than once. */
  duplicated: string[];
  /** Confirmed and in the dead-letter queue. */
  deadLettered: string[];
  /** Not confirmed (an error answer) and done anyway: allowed, the caller could not know. */
  recovered: string[];
  /** Done, but never enqueued at all. */
  unexpected: string[];
}

export function checkQueue(history: QueueHistory): QueueVerdict {
  const enqueued = new Set(history.enqueued);
  const indeterminate = new Set(history.indeterminate ?? []);
  const dead = new Set(history.dead ?? []);
  const verdict: QueueVerdict = {
    enqueued: enqueued.size,
    ok: 0,
    lost: [],
    duplicated: [],
    deadLettered: [],
    recovered: [],
    unexpected: [],
  };
  for (const key of enqueued) {
    const times = history.effects.get(key) ?? 0;
    if (times === 1) verdict.ok += 1;
    else if (times === 0) (dead.has(key) ? verdict.deadLettered : verdict.lost).push(key);
  }
  for (const [key, times] of history.effects) {
    if (times > 1) verdict.duplicated.push(key);
    if (enqueued.has(key)) continue;
    if (indeterminate.has(key)) verdict.recovered.push(key);
    else verdict.unexpected.push(key);
  }
  return verdict;
}

/** One line per scenario, printed to the test output: counts, and the first few keys of each fault. */
export function printVerdict(scenario: string, verdict: QueueVerdict, extra: Record<string, unknown> = {}) {
  const count = (keys: string[]) =>
    keys.length > 0 ? `${keys.length} (${keys.slice(0, 3).join(', ')}…)` : 0;
  const figures = {
    enqueued: verdict.enqueued,
    ok: verdict.ok,
    lost: count(verdict.lost),
    duplicated: count(verdict.duplicated),
    'dead-lettered': count(verdict.deadLettered),
    recovered: count(verdict.recovered),
    unexpected: count(verdict.unexpected),
    ...extra,
  };
  const text = Object.entries(figures)
    .map(([name, value]) => `${name} ${String(value)}`)
    .join(' · ');
  console.log(`[chaos] ${scenario}: ${text}`);
}

/** How many times each key's effect committed, from a table with a `value` column. */
export async function effectCounts(db: Db, table = 'test_effects'): Promise<Map<string, number>> {
  const { rows } = await db.query<{ value: string; times: number }>(
    `select value, count(*)::int as times from ${table} group by value`,
  );
  return new Map(rows.map((row) => [row.value, row.times]));
}

/** The keys (`payload.value`) of the messages in a queue's dead-letter queue, and why each died. */
export async function deadKeys(driver: QueueDriver, queue: string): Promise<Map<string, string>> {
  const dead = await driver.listDead(queue, 10_000);
  const keys = new Map<string, string>();
  for (const letter of dead) {
    const value = (letter.envelope?.payload as { value?: unknown } | undefined)?.value;
    keys.set(typeof value === 'string' ? value : `raw:${letter.deadId}`, letter.error);
  }
  return keys;
}
