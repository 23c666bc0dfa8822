/**
 * `npm run infra:sqs`: create (or confirm) every SQS queue and dead-letter queue the functions
 * need, on the endpoint and region the configuration names (SQS_ENDPOINT, AWS_REGION,
 * QUEUE_PREFIX). The runner does the same at start; this is for provisioning ahead of it.
 */
import { loadConfig, loadDotEnv } from '../shared/config.ts';
import { createLogger } from '../shared/observability/logger.ts';
import { createSqsDriver, sqsQueueNames } from '../shared/queue/sqs/index.ts';
import { loadManifest, topologyOf } from '../shared/runtime/manifest.ts';

loadDotEnv();
const config = loadConfig();
const log = createLogger(config.LOG_LEVEL);
const topology = topologyOf(await loadManifest());
const driver = createSqsDriver({
  region: config.AWS_REGION,
  prefix: config.QUEUE_PREFIX,
  log,
  ...(config.SQS_ENDPOINT ? { endpoint: config.SQS_ENDPOINT } : {}),
});
try {
  await driver.declare(topology);
  const names = sqsQueueNames(config.QUEUE_PREFIX);
  for (const q of topology.queues) console.log(`${names.main(q.name)}  (dead letters: ${names.dlq(q.name)})`);
} catch (err) {
  console.error('Could not create the SQS queues:', err);
  process.exitCode = 1;
} finally {
  await driver.close();
}
