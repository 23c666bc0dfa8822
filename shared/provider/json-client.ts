import { DelegateBackoff, handleWhen, retry } from 'cockatiel';
import type { Logger } from 'pino';
import type * as z from 'zod';
import { UpstreamError } from '../errors.ts';
import type { Metrics } from '../observability/metrics.ts';

/**
 * GET JSON from a provider's API the way a task should: every request with a time limit, retried
 * with exponential backoff and jitter when the failure may pass (429, 408, 5xx, a timeout, a
 * network error, a body cut short), honouring `Retry-After`, at most `maxAttempts` times; then a
 * ProviderError, and the task's own retry and dead-letter queue take over. An answer that is JSON
 * but not the expected shape is not retried: the error names the field.
 *
 * Retries and their delays come from cockatiel (a retry policy with a delegate backoff); this
 * module only decides what is worth retrying and how long to wait.
 *
 * @example
 *   const users = jsonClient({ name: 'people-users', timeoutMs: 5000, log, metrics });
 *   const page = await users.get(`${base}/users?limit=100&skip=0`, usersPageSchema);
 */

export interface JsonClientOptions {
  /** Names the provider in logs, errors and metrics (`people-users`). */
  name: string;
  /** Time limit of one request, body included. */
  timeoutMs: number;
  /** Requests per call, the first included. */
  maxAttempts?: number;
  /** Delay before the first retry; it doubles each time (up to maxDelayMs), half of it random. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** The longest Retry-After waited for here; a longer one ends the call (the task retries later). */
  maxRetryAfterMs?: number;
  fetch?: typeof fetch;
  log?: Logger;
  metrics?: Pick<Metrics, 'providerRequests'>;
}

export interface JsonClient {
  get<S extends z.ZodType>(url: string | URL, schema: S): Promise<z.infer<S>>;
}

/** A provider call that failed for good (after its retries, or at once when retrying cannot help). */
export class ProviderError extends UpstreamError {
  /** How long the provider asked to wait (Retry-After), if it did. */
  readonly retryAfterMs: number | undefined;
  /** The provider's HTTP status, when it answered one (`status` is ours: 502). */
  readonly providerStatus: number | undefined;

  constructor(
    message: string,
    readonly retryable: boolean,
    options: {
      cause?: unknown;
      details?: unknown;
      retryAfterMs?: number | undefined;
      providerStatus?: number;
    } = {},
  ) {
    super(message, options);
    this.retryAfterMs = options.retryAfterMs;
    this.providerStatus = options.providerStatus;
  }
}

export const DEFAULT_MAX_ATTEMPTS = 5;

export function jsonClient(options: JsonClientOptions): JsonClient {
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const baseDelayMs = options.baseDelayMs ?? 200;
  const maxDelayMs = options.maxDelayMs ?? 10_000;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 30_000;
  const count = (outcome: 'ok' | 'retried' | 'failed') =>
    options.metrics?.providerRequests.inc({ provider: options.name, outcome });

  const policy = retry(
    handleWhen((error) => error instanceof ProviderError && error.retryable),
    {
      maxAttempts: maxAttempts - 1,
      backoff: new DelegateBackoff((context) => {
        const failure = 'error' in context.result ? context.result.error : undefined;
        const asked = failure instanceof ProviderError ? failure.retryAfterMs : undefined;
        if (asked !== undefined) return asked;
        const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (context.attempt - 1));
        return ceiling / 2 + Math.random() * (ceiling / 2);
      }),
    },
  );
  policy.onRetry(({ delay, attempt, ...reason }) => {
    count('retried');
    const error = 'error' in reason ? (reason.error as Error).message : 'unexpected result';
    options.log?.warn(
      { provider: options.name, attempt, delayMs: Math.round(delay), error },
      'provider call retried',
    );
  });

  const attempt = async (url: URL, schema: z.ZodType): Promise<unknown> => {
    const doFetch = options.fetch ?? globalThis.fetch;
    const where = `${options.name}: GET ${url.origin}${url.pathname}`;
    let response: Response;
    let text: string;
    try {
      // The signal covers the body too: a provider that stalls mid-answer times out as well.
      const signal = AbortSignal.timeout(options.timeoutMs);
      response = await doFetch(url, { headers: { accept: 'application/json' }, signal });
      text = await response.text();
    } catch (err) {
      const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
      const why = timedOut ? `no answer within ${options.timeoutMs} ms` : `unreachable (${messageOf(err)})`;
      throw new ProviderError(`${where}: ${why}`, true, { cause: err });
    }
    if (!response.ok) {
      const retryable = response.status === 429 || response.status === 408 || response.status >= 500;
      const retryAfterMs = retryable ? retryAfter(response.headers.get('retry-after')) : undefined;
      if (retryAfterMs !== undefined && retryAfterMs > maxRetryAfterMs) {
        throw new ProviderError(
          `${where}: ${response.status}, asked to wait ${Math.round(retryAfterMs / 1000)} s (more than ${maxRetryAfterMs / 1000} s)`,
          false,
          { providerStatus: response.status },
        );
      }
      throw new ProviderError(`${where}: answered ${response.status}`, retryable, {
        retryAfterMs,
        providerStatus: response.status,
      });
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (err) {
      // Most often a body cut short by a dropped connection: worth another try.
      throw new ProviderError(
        `${where}: the answer is not JSON (${messageOf(err)}; ${text.length} bytes)`,
        true,
        {
          cause: err,
        },
      );
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path.length ? issue.path.join('.') : '(the answer)';
      throw new ProviderError(`${where}: unexpected answer: ${field}: ${issue?.message}`, false, {
        details: { issues: parsed.error.issues.slice(0, 5) },
      });
    }
    return parsed.data;
  };

  return {
    async get(url, schema) {
      try {
        const data = await policy.execute(() => attempt(new URL(url), schema));
        count('ok');
        return data as z.infer<typeof schema>;
      } catch (err) {
        count('failed');
        throw err;
      }
    },
  };
}

/** Retry-After in milliseconds: seconds, or an HTTP date; undefined when absent or unreadable. */
export function retryAfter(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
