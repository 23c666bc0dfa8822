/**
 * The enqueue section's HTTP floor: a bare `node:http` server doing per request what the route's
 * design asks for and nothing else: read the JSON body, insert the job row (autocommit), publish
 * the task with a confirm, answer 202 with the job id. No framework, no auth, no validation, no
 * logging, no metrics. What it reaches is what any HTTP enqueue that records a job can reach here;
 * the raw sides, having no HTTP at all, are not a ceiling an HTTP route can approach.
 *
 * Env: DATABASE_URL, RABBITMQ_URL, BENCH_EXCHANGE, BENCH_QUEUE, BENCH_ROUTING_KEY, BENCH_KIND. Prints
 * `url http://…` once listening; SIGTERM closes it.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import amqp from 'amqplib';
import pg from 'pg';
import { declareRawRoute, insertJobRow, rawConfirmPublisher } from '../helpers.ts';
import { requiredEnv } from './env.ts';

const env = requiredEnv('bare-enqueue-server');

const KIND = env('BENCH_KIND');
// The runner's pool size (pg's default).
const pool = new pg.Pool({ connectionString: env('DATABASE_URL'), max: 10 });
const connection = await amqp.connect(env('RABBITMQ_URL'));
const channel = await connection.createConfirmChannel();
const route = {
  exchange: env('BENCH_EXCHANGE'),
  queue: env('BENCH_QUEUE'),
  routingKey: env('BENCH_ROUTING_KEY'),
};
await declareRawRoute(channel, route);
const publish = rawConfirmPublisher(channel, route);

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    void enqueue(Buffer.concat(chunks).toString('utf8')).then(
      (jobId) => answer(response, 202, { ok: true, queued: true, kind: KIND, jobId }),
      (err: unknown) => answer(response, 503, { error: String(err) }),
    );
  });
});

async function enqueue(body: string): Promise<string> {
  const payload: unknown = JSON.parse(body || '{}');
  const id = randomUUID();
  await insertJobRow(pool, id, KIND, JSON.stringify(payload));
  const envelope = { id, kind: KIND, payload, correlationId: id, createdAt: new Date().toISOString() };
  await publish(Buffer.from(JSON.stringify(envelope)), { messageId: id, type: KIND });
  return id;
}

function answer(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

server.listen(0, '127.0.0.1', () => {
  const address = server.address() as AddressInfo;
  process.stdout.write(`url http://127.0.0.1:${address.port}\n`);
});

process.once('SIGTERM', () => {
  server.close();
  void Promise.all([connection.close(), pool.end()]).then(() => process.exit(0));
});
