import { AppError } from '../errors.ts';

/**
 * The broker took the message but no queue is bound to its routing key, so nobody would
 * ever receive it. Publishing with `mandatory` turns that silent drop into this error; it is
 * a wiring bug (a kind no deployed task consumes), not an outage, hence not a 503.
 */
export class UnroutableMessageError extends AppError {
  readonly code = 'UNROUTABLE';
  readonly status = 500;
}

/**
 * A queue or exchange already exists with different arguments (AMQP 406 PRECONDITION_FAILED),
 * e.g. a classic queue where a quorum queue is declared. The broker will not change it in
 * place: delete it (after draining) or use another prefix.
 */
export class TopologyConflictError extends AppError {
  readonly code = 'QUEUE_TOPOLOGY_CONFLICT';
  readonly status = 500;
}
