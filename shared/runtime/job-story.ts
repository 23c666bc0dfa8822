import type { Bindings, ChildLoggerOptions, Logger } from 'pino';
import { format } from 'node:util';
import type { JobEvent, JobLogLine } from '../contract/context.ts';

/**
 * A job's story as its worker tells it: one timeline entry per attempt, and the lines its task
 * logged. They are written to the job row with its state (shared/runtime/jobs.ts), so they survive
 * restarts and exist on Lambda too. Bounded, because a chatty handler must not bloat the jobs
 * table: the first lines of each attempt, each cut to a readable size.
 */
export const JOB_LOG_LIMITS = {
  linesPerAttempt: 50,
  /** Lines a job keeps over all its attempts; later attempts' lines are dropped past it. */
  linesPerJob: 200,
  messageChars: 500,
  fieldsChars: 2000,
} as const;

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
type Level = (typeof LEVELS)[number];
const isLevel = (name: PropertyKey): name is Level => LEVELS.includes(name as Level);
/** The job page shows these even when the log level hides them (a quiet production LOG_LEVEL). */
const KEPT_ANYWAY: ReadonlySet<Level> = new Set(['info', 'warn', 'error', 'fatal']);

/** One attempt in progress: its start, and the lines its task logs through `log`. */
export interface AttemptStory {
  attempt: number;
  startedAt: string;
  /** The task's logger: writes where the worker's logger writes, and keeps a copy of each line. */
  log: Logger;
  lines: JobLogLine[];
  /** Forget the lines so far: the handler runs again from the start (a batch run alone). */
  restart(): void;
  /** The timeline entry for how the attempt ended. */
  ended(outcome: 'succeeded' | 'failed' | 'dead', details?: { error?: string; retryInMs?: number }): JobEvent;
}

export function startAttempt(log: Logger, attempt: number): AttemptStory {
  const lines: JobLogLine[] = [];
  const record = (level: Level, args: unknown[]) => {
    if (lines.length < JOB_LOG_LIMITS.linesPerAttempt) lines.push(logLine(level, attempt, args));
  };
  const startedAt = new Date().toISOString();
  return {
    attempt,
    startedAt,
    log: capturing(log, record),
    lines,
    restart: () => void lines.splice(0),
    ended: (outcome, details = {}) => ({
      type: 'attempt',
      attempt,
      startedAt,
      finishedAt: new Date().toISOString(),
      outcome,
      ...details,
    }),
  };
}

/**
 * A logger that behaves exactly like `log` (and whose children do too) but also hands every line
 * it writes to `record`. A proxy rather than a pino hook: hooks are fixed when the root logger is
 * made, and this copy is wanted for one attempt only.
 */
function capturing(log: Logger, record: (level: Level, args: unknown[]) => void): Logger {
  return new Proxy(log, {
    get(target, property) {
      if (property === 'child') {
        return (bindings: Bindings, options?: ChildLoggerOptions) =>
          capturing(target.child(bindings, options), record);
      }
      const value: unknown = Reflect.get(target, property);
      if (isLevel(property) && typeof value === 'function') {
        return (...args: unknown[]) => {
          if (KEPT_ANYWAY.has(property) || target.isLevelEnabled(property)) record(property, args);
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** pino's call shapes: `(msg, ...args)`, `(fields, msg?, ...args)`, `(err, msg?)`. */
function logLine(level: Level, attempt: number, args: unknown[]): JobLogLine {
  const [first, ...rest] = args;
  const at = new Date().toISOString();
  if (typeof first !== 'object' || first === null) {
    return { at, attempt, level, msg: cut(format(first, ...rest), JOB_LOG_LIMITS.messageChars) };
  }
  const fallback = first instanceof Error ? first.message : '';
  const msg = rest.length > 0 ? format(...rest) : fallback;
  const fields = first instanceof Error ? { err: first.message } : first;
  return {
    at,
    attempt,
    level,
    msg: cut(msg, JOB_LOG_LIMITS.messageChars),
    fields: cut(toJson(fields), JOB_LOG_LIMITS.fieldsChars),
  };
}

function toJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_key, v: unknown) =>
      v instanceof Error ? { message: v.message } : typeof v === 'bigint' ? v.toString() : v,
    );
  } catch {
    return '"(fields that cannot be written as JSON)"';
  }
}

const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
