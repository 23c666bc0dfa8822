/**
 * A value created on first use and shared by every caller, including callers that arrive while
 * it is being created. A failed creation is forgotten, so the next caller tries again (a database
 * that was down at the first request must not poison a warm process for good).
 *
 * @example
 *   const runtime = lazy(() => createRuntime(config));
 *   const rt = await runtime(); // created once, however many invocations ask at once
 */
export function lazy<T>(create: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () =>
    (value ??= create().catch((err: unknown) => {
      value = undefined;
      throw err;
    }));
}
