export { OUTBOX_CHANNEL, outboxBacklog, writeToOutbox } from './outbox.ts';
export { createOutboxRelay, outboxRelayFor, type OutboxRelay, type OutboxRelayOptions } from './relay.ts';
