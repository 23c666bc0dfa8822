export { createRabbitMqDriver, type RabbitMqDriverOptions } from './driver.ts';
export { TopologyConflictError, UnroutableMessageError } from '../errors.ts';
export { DEAD_HEADERS } from './messages.ts';
export { retryTierCount, topologyNames, type TopologyNames } from './names.ts';
export { DELIVERY_LIMIT } from './topology.ts';
