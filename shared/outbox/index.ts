export { OUTBOX_CHANNEL, outboxBacklog, writeToOutbox } from './outbox.ts';
export {
  createOutboxRelay,
  DEFAULT_BATCH_SIZE,
  outboxRelayFor,
  type OutboxRelay,
  type OutboxRelayOptions,
} from './relay.ts';
