import { SQSClient } from '@aws-sdk/client-sqs';
import { NotFoundError, QueueUnavailableError } from '../../errors.ts';
import { TopologyConflictError } from '../errors.ts';

export interface SqsClientSettings {
  region: string;
  endpoint?: string | undefined;
  credentials?: { accessKeyId: string; secretAccessKey: string } | undefined;
  connectTimeoutMs: number;
  requestTimeoutMs: number;
}

/**
 * The two clients of one driver. Calls that a route waits on (publish, admin) get a short
 * request timeout and one retry, so an unreachable endpoint answers 503 within ~2 s instead
 * of the SDK's default minutes. Long polls hold the connection open for `WaitTimeSeconds`,
 * so they get a client whose timeout is longer than the wait, and no SDK retries: the poll
 * loop retries with its own backoff.
 */
export interface SqsClients {
  api: SQSClient;
  poll: SQSClient;
  destroy(): void;
}

export function createSqsClients(settings: SqsClientSettings, waitTimeSeconds: number): SqsClients {
  const api = createSqsClient(settings, settings.requestTimeoutMs, 2);
  const poll = createSqsClient(settings, waitTimeSeconds * 1000 + settings.requestTimeoutMs, 1);
  return {
    api,
    poll,
    destroy() {
      api.destroy();
      poll.destroy();
    },
  };
}

export function createSqsClient(
  settings: SqsClientSettings,
  requestTimeout: number,
  maxAttempts: number,
): SQSClient {
  return new SQSClient({
    region: settings.region,
    // An explicit endpoint also keeps the SDK from sending requests to the host in a queue
    // URL, which for emulators (`sqs.us-east-1.localhost`) does not resolve.
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    ...(settings.credentials ? { credentials: settings.credentials } : {}),
    maxAttempts,
    requestHandler: {
      connectionTimeout: settings.connectTimeoutMs,
      requestTimeout,
      // Without it the SDK only logs a warning when the time is up, and a request into a network
      // that went silent (no reset, no answer) would wait forever.
      throwOnRequestTimeout: true,
    },
  });
}

/** AWS error names (the `name` the SDK gives its exceptions, or the legacy query-protocol code). */
const QUEUE_MISSING = new Set(['QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue']);
const QUEUE_CONFLICT = new Set([
  'QueueNameExists',
  'QueueAlreadyExists',
  'AWS.SimpleQueueService.QueueNameExists',
]);

export function isQueueMissing(err: unknown): boolean {
  return QUEUE_MISSING.has(errorName(err));
}

/**
 * Map an SDK failure to the platform's typed errors: a missing queue is NotFoundError, a queue
 * that exists with other attributes TopologyConflictError, anything else (network, throttling,
 * credentials, a 5xx) QueueUnavailableError, since the broker did not take the request.
 */
export function toQueueError(err: unknown, doing: string): Error {
  if (err instanceof QueueUnavailableError || err instanceof NotFoundError) return err;
  if (err instanceof TopologyConflictError) return err;
  const name = errorName(err);
  const message = err instanceof Error ? err.message : String(err);
  if (QUEUE_MISSING.has(name)) return new NotFoundError(`SQS ${doing}: queue does not exist`, { cause: err });
  if (QUEUE_CONFLICT.has(name)) {
    return new TopologyConflictError(
      `SQS ${doing}: the queue exists with different attributes (${message}); ` +
        'change them by hand (SetQueueAttributes) or use another prefix',
      { cause: err },
    );
  }
  return new QueueUnavailableError(`SQS ${doing} failed: ${message}`, { cause: err });
}

function errorName(err: unknown): string {
  if (typeof err !== 'object' || err === null) return '';
  const { name, Code } = err as { name?: unknown; Code?: unknown };
  if (typeof Code === 'string' && (QUEUE_MISSING.has(Code) || QUEUE_CONFLICT.has(Code))) return Code;
  return typeof name === 'string' ? name : '';
}
