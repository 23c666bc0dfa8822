/**
 * Errors with stable codes. HTTP maps them to statuses in one place (shared/http/errors.ts);
 * queue code uses them to decide between retry and dead-letter.
 */
export abstract class AppError extends Error {
  abstract readonly code: string;
  /** HTTP status when this error reaches a route. */
  abstract readonly status: number;
  readonly details?: unknown;
  constructor(message: string, options?: { cause?: unknown; details?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.details = options?.details;
  }
}

export class ValidationError extends AppError {
  readonly code = 'VALIDATION_ERROR';
  readonly status = 400;
}

export class NotFoundError extends AppError {
  readonly code = 'NOT_FOUND';
  readonly status = 404;
}

/** The broker could not take a message (unreachable, refused, no confirm in time). */
export class QueueUnavailableError extends AppError {
  readonly code = 'QUEUE_UNAVAILABLE';
  readonly status = 503;
}

/** An upstream the platform depends on (a feed, a provider API) failed; worth retrying. */
export class UpstreamError extends AppError {
  readonly code = 'UPSTREAM_ERROR';
  readonly status = 502;
}
