export { OUTBOX_CHANNEL, outboxBacklog, writeToOutbox } from './outbox.ts';
export { createOutboxRelay, type OutboxRelay, type OutboxRelayOptions } from './relay.ts';
