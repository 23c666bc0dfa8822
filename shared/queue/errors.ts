import { AppError } from '../errors.ts';

/** A message was published with a kind no queue is bound to: it would be dropped silently. */
export class UnroutableMessageError extends AppError {
  readonly code = 'UNROUTABLE';
  readonly status = 500;
}
