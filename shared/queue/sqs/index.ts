export { createSqsDriver, type SqsDriverOptions } from './driver.ts';
export { TopologyConflictError, UnroutableMessageError } from '../errors.ts';
export { DEAD_ATTRIBUTES, MAX_DELAY_SECONDS } from './messages.ts';
export { sqsQueueNames, type SqsQueueNames } from './names.ts';
export { MAX_RECEIVE_COUNT } from './topology.ts';
