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

/** A message bigger than any driver can carry (256 KiB, SQS's limit): refused before it is sent. */
export class MessageTooLargeError extends AppError {
  readonly code = 'MESSAGE_TOO_LARGE';
  readonly status = 413;
}

/** An upstream the platform depends on (a feed, a provider API) failed; worth retrying. */
export class UpstreamError extends AppError {
  readonly code = 'UPSTREAM_ERROR';
  readonly status = 502;
}

/** The request carries no valid credentials (no session, a bad or expired token, wrong password). */
export class UnauthorizedError extends AppError {
  readonly code = 'UNAUTHORIZED';
  readonly status = 401;
}

/** The caller is known but may not do this (e.g. a `user` on an admin route, a failed CSRF check). */
export class ForbiddenError extends AppError {
  readonly code = 'FORBIDDEN';
  readonly status = 403;
}

/** The request clashes with existing state, e.g. an email that is already registered. */
export class ConflictError extends AppError {
  readonly code = 'CONFLICT';
  readonly status = 409;
}

/**
 * Too many attempts (e.g. failed logins); the caller may try again after `retryAfterSeconds`,
 * which is also in `details` so a JSON body carries it. HTTP should send it as `Retry-After`.
 *
 * @example
 *   throw new TooManyRequestsError('Too many failed logins; try again later', { retryAfterSeconds: 600 });
 */
export class TooManyRequestsError extends AppError {
  readonly code = 'TOO_MANY_REQUESTS';
  readonly status = 429;
  readonly retryAfterSeconds: number;
  constructor(message: string, options: { retryAfterSeconds: number; cause?: unknown }) {
    const retryAfterSeconds = Math.max(1, Math.ceil(options.retryAfterSeconds));
    super(message, { cause: options.cause, details: { retryAfterSeconds } });
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/**
 * The server is at capacity for this kind of work (e.g. password hashing) and sheds the request
 * rather than queue it without bound; worth retrying after `retryAfterSeconds` (HTTP: 503 +
 * Retry-After).
 *
 * @example
 *   throw new ServiceBusyError('too many passwords are being checked', { retryAfterSeconds: 2 });
 */
export class ServiceBusyError extends AppError {
  readonly code = 'SERVICE_BUSY';
  readonly status = 503;
  readonly retryAfterSeconds: number;
  constructor(message: string, options: { retryAfterSeconds: number; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retryAfterSeconds = Math.max(1, Math.ceil(options.retryAfterSeconds));
  }
}
