/**
 * A driver error's message for our own error messages. Some errors have an empty message
 * (an AggregateError from a refused dual-stack connect): then their class name says more.
 */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message || err.constructor.name : String(err);
}
