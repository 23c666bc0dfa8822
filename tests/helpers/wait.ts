export interface WaitOptions {
  /** Give up after this long. Default 5000. */
  timeoutMs?: number;
  /** Pause between two checks. Default 20. */
  intervalMs?: number;
  /** Said in the timeout error, to tell which wait failed. */
  message?: string;
}

/**
 * Poll `condition` until it returns something truthy, and return that value. A condition
 * that throws counts as "not yet"; its last error is the timeout error's `cause`, so a
 * failing assertion inside the condition explains the timeout.
 *
 * @example
 *   await waitFor(() => seen.length === 2);
 *   const depth = await waitFor(async () => (await driver.depth('q')).dead === 1 && 'dead', { timeoutMs: 10_000 });
 */
export async function waitFor<T>(
  condition: () => T | Promise<T>,
  options: WaitOptions = {},
): Promise<Exclude<T, false | 0 | '' | null | undefined>> {
  const { timeoutMs = 5_000, intervalMs = 20 } = options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await condition();
      if (value) return value as Exclude<T, false | 0 | '' | null | undefined>;
      lastError = undefined;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const what = options.message ? `: ${options.message}` : '';
      throw new Error(`waitFor timed out after ${timeoutMs} ms${what}`, { cause: lastError });
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
