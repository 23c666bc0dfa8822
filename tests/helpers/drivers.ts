import { randomUUID } from 'node:crypto';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { GetQueueUrlCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { pino } from 'pino';
import { createMemoryDriver } from '../../shared/queue/memory.ts';
import type { QueueDriver, Topology } from '../../shared/queue/port.ts';
import { createRabbitMqDriver, topologyNames } from '../../shared/queue/rabbitmq/index.ts';
import { createSqsDriver, sqsQueueNames } from '../../shared/queue/sqs/index.ts';
import {
  closeConnectionsNamed,
  deleteRabbitNamespace,
  publishRaw,
  RABBITMQ_TEST_URL,
  uniquePrefix,
} from './rabbitmq.ts';
import { rawSqsClient, sqsTestOptions, startSqsEmulator, type SqsEmulator } from './sqs.ts';

/**
 * Every queue driver the conformance suite (tests/conformance/) runs against. A driver joins
 * the suite by adding ONE entry to `driverEntries`; every case then runs against it too.
 *
 * @example
 *   describe.each(driverEntries)('$name driver', (entry) => {
 *     it('publishes', async () => {
 *       const { driver, cleanup } = await entry.create(uniquePrefix());
 *       try { ... } finally { await cleanup(); }
 *     });
 *   });
 */

export { uniquePrefix };

/** A driver under test on its own namespace. */
export interface TestDriver {
  driver: QueueDriver;
  /**
   * Put bytes that are not an envelope straight onto a declared queue, as a buggy producer
   * would. Absent when the entry says why it cannot (`notApplicable.rawBytes`).
   */
  publishRaw?(queue: string, bytes: Buffer): Promise<void>;
  /**
   * A second driver on the same namespace, as another worker process would have, which the
   * test can crash mid-message. Absent when the entry says why (`notApplicable.peerCrash`).
   */
  attachPeer?(): Promise<Peer>;
  /** Close every driver of this namespace and delete what they declared on the broker. */
  cleanup(): Promise<void>;
}

export interface Peer {
  driver: QueueDriver;
  /** Lose this peer the way a crash does: the messages it holds unacknowledged go back to the queue. */
  crash(): Promise<void>;
}

/** Conformance cases that cannot apply to a driver, each with the reason shown in the test report. */
export interface NotApplicable {
  rawBytes?: string;
  peerCrash?: string;
}

export interface DriverEntry {
  name: QueueDriver['name'];
  /** Messages in the many-publishers/many-consumers no-loss case; an emulator may need fewer. */
  volume: number;
  /**
   * Base delay of the fixture task's retries (tests/conformance/fixtures.ts): short, yet long
   * enough for this broker to show the delays growing (SQS delays are whole seconds).
   */
  retryBaseMs: number;
  create(prefix: string): Promise<TestDriver>;
  /**
   * A driver whose broker went away after start-up: it declared `topology` while the broker
   * was there (where declaring needs it), so publish knows its route; publish and check must
   * now fail fast.
   */
  createUnreachable(topology: Topology): Promise<{ driver: QueueDriver; cleanup(): Promise<void> }>;
  notApplicable: NotApplicable;
}

const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

/** A closed driver never hangs, but one that is stuck draining a failed test's handler must not stall cleanup. */
const CLOSE_WAIT_MS = 3_000;

async function closeWithin(driver: QueueDriver): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    driver.close().catch(() => undefined),
    new Promise((resolve) => (timer = setTimeout(resolve, CLOSE_WAIT_MS))),
  ]);
  clearTimeout(timer);
}

/**
 * `driver` with `declare` spied on, so cleanup knows which queues to delete. A Proxy rather
 * than a spread keeps drivers that are class instances working.
 */
function recordingDeclared(driver: QueueDriver, declared: Set<string>): QueueDriver {
  return new Proxy(driver, {
    get(target, property) {
      if (property === 'declare') {
        return async (topology: Topology) => {
          for (const queue of topology.queues) declared.add(queue.name);
          return target.declare(topology);
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

const memory: DriverEntry = {
  name: 'memory',
  volume: 10_000,
  retryBaseMs: 250,
  async create() {
    const driver = createMemoryDriver({ log });
    return { driver, cleanup: () => closeWithin(driver) };
  },
  async createUnreachable(topology) {
    // The in-process broker is "unreachable" once closed.
    const driver = createMemoryDriver({ log });
    await driver.declare(topology);
    await driver.close();
    return { driver, cleanup: async () => undefined };
  },
  notApplicable: {
    rawBytes:
      'the memory driver only takes envelopes through publish() and has no raw-bytes entry point ' +
      '(adding one means changing shared/queue/memory.ts)',
    peerCrash:
      'the memory broker lives inside the one process: no second process can share its queues, and ' +
      'a crash loses the queue together with the consumer',
  },
};

const rabbitmq: DriverEntry = {
  name: 'rabbitmq',
  volume: 10_000,
  retryBaseMs: 250,
  async create(prefix) {
    const declared = new Set<string>();
    const drivers: QueueDriver[] = [];
    const connect = (connectionName: string) => {
      const driver = createRabbitMqDriver({
        url: RABBITMQ_TEST_URL,
        prefix,
        connectionName,
        log,
        reconnect: { baseDelayMs: 100, maxDelayMs: 500 },
      });
      drivers.push(driver);
      return recordingDeclared(driver, declared);
    };
    return {
      driver: connect(`conformance ${prefix} main`),
      publishRaw: (queue, bytes) => publishRaw(topologyNames(prefix).main(queue), bytes),
      async attachPeer() {
        const connectionName = `conformance ${prefix} peer ${randomUUID()}`;
        const driver = connect(connectionName);
        // Connect now: the crash must find the connection to close.
        await driver.check();
        return {
          driver,
          async crash() {
            const closed = await closeConnectionsNamed(connectionName, 'conformance: simulated crash');
            if (closed !== 1) throw new Error(`expected to close 1 connection, closed ${closed}`);
          },
        };
      },
      async cleanup() {
        for (const driver of drivers.reverse()) await closeWithin(driver);
        await deleteRabbitNamespace(prefix, [...declared]);
      },
    };
  },
  async createUnreachable() {
    // Nothing to declare first: the broker does the routing, publish needs no local topology.
    // Port 1 (tcpmux) has no listener here: connection refused at once.
    const driver = createRabbitMqDriver({
      url: 'amqp://guest:guest@127.0.0.1:1',
      prefix: 'unreachable.',
      log,
    });
    return { driver, cleanup: () => closeWithin(driver) };
  },
  notApplicable: {},
};

// ---- sqs -------------------------------------------------------------------------------------
// One in-process fauxqs emulator per test process, started on first use; it goes with the process.
let emulator: Promise<SqsEmulator> | undefined;
const sqsEmulator = () => (emulator ??= startSqsEmulator());

/**
 * VisibilityTimeout of every queue of the sqs entry: a message a crashed peer held comes back
 * after at most this long. Short, so the peer-crash case stays fast; all drivers of a prefix
 * need the same value (SQS refuses to re-create a queue with other attributes). Handlers that
 * run longer keep their messages: the driver's heartbeat extends visibility every half of it.
 */
const SQS_VISIBILITY_SECONDS = 3;

/** Options of an sqs-entry driver on `endpoint` and `prefix`. */
const sqsEntryOptions = (endpoint: string, prefix: string) => ({
  ...sqsTestOptions(endpoint, prefix),
  visibilityTimeoutSeconds: SQS_VISIBILITY_SECONDS,
  log,
});

/** A TCP relay to an endpoint, which the test can cut as a crash cuts a process off. */
interface CuttableLink {
  /** `http://127.0.0.1:<port>` of the relay. */
  endpoint: string;
  /** Destroy every open connection and refuse new ones; idempotent. */
  cut(): Promise<void>;
}

/**
 * A crashed SQS worker simply stops talking to SQS: it neither deletes the message it holds
 * nor extends its visibility. A peer driver that reaches the emulator only through this relay
 * does exactly that once the relay is cut, with no crash hook in the driver itself.
 */
async function startCuttableLink(target: string): Promise<CuttableLink> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    // A cut resets connections mid-request: expected, and the driver reports it itself.
    socket.on('error', () => undefined);
  };
  const server = createServer((client) => {
    const upstream = connect(Number(port), hostname);
    track(client);
    track(upstream);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: linkPort } = server.address() as AddressInfo;
  let cutting: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${linkPort}`,
    cut: () =>
      (cutting ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      })),
  };
}

export const sqsEntry: DriverEntry = {
  name: 'sqs',
  // The emulator shares the test's event loop; this keeps the case to a few seconds on 2 cores.
  volume: 1_000,
  // SQS delays are whole seconds (the driver rounds): 250 ms and 500 ms would both become 1 s.
  retryBaseMs: 1_000,
  async create(prefix) {
    const { endpoint, server } = await sqsEmulator();
    const declared = new Set<string>();
    const drivers: QueueDriver[] = [];
    const links: CuttableLink[] = [];
    const driverAt = (at: string) => {
      const driver = createSqsDriver(sqsEntryOptions(at, prefix));
      drivers.push(driver);
      return recordingDeclared(driver, declared);
    };
    const names = sqsQueueNames(prefix);
    return {
      driver: driverAt(endpoint),
      async publishRaw(queue, bytes) {
        const client = rawSqsClient(endpoint);
        try {
          const { QueueUrl } = await client.send(new GetQueueUrlCommand({ QueueName: names.main(queue) }));
          await client.send(new SendMessageCommand({ QueueUrl, MessageBody: bytes.toString('utf8') }));
        } finally {
          client.destroy();
        }
      },
      async attachPeer() {
        const link = await startCuttableLink(endpoint);
        links.push(link);
        return { driver: driverAt(link.endpoint), crash: () => link.cut() };
      },
      async cleanup() {
        // Side by side: closing waits for each consumer's long poll in flight (up to 1 s).
        await Promise.all(drivers.map(closeWithin));
        await Promise.all(links.map((link) => link.cut()));
        for (const queue of declared) {
          server.deleteQueue(names.main(queue));
          server.deleteQueue(names.dlq(queue));
        }
      },
    };
  },
  async createUnreachable(topology) {
    // An emulator of its own, stopped once the driver declared: an SQS driver learns where a
    // kind goes only by declaring, so an undeclared one would answer UnroutableMessageError.
    const doomed = await startSqsEmulator();
    const driver = createSqsDriver(sqsEntryOptions(doomed.endpoint, 'unreachable.'));
    await driver.declare(topology);
    await doomed.stop();
    return { driver, cleanup: () => closeWithin(driver) };
  },
  notApplicable: {},
};

export const driverEntries: readonly DriverEntry[] = [memory, rabbitmq, sqsEntry];
