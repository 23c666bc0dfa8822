import { once } from 'node:events';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A pass-through HTTP proxy in front of the SQS emulator that counts the requests it forwards,
 * so the cold-start bench can tell which functions call SQS on their first invocation (they have
 * the looser target: the SDK's import and the queue look-ups are theirs to pay). Only the bench's
 * untimed first round goes through it; the timed rounds talk to the emulator directly.
 *
 * @example
 *   const counter = await startSqsCallCounter(emulator.endpoint);
 *   counter.reset(); await invokeBundle({ ..., env: { SQS_ENDPOINT: counter.endpoint } });
 *   counter.count(); // 0: the function never called SQS
 */
export interface SqsCallCounter {
  endpoint: string;
  count(): number;
  reset(): void;
  stop(): Promise<void>;
}

export async function startSqsCallCounter(target: string): Promise<SqsCallCounter> {
  const upstream = new URL(target);
  let calls = 0;
  const server: Server = createServer((incoming, outgoing) => {
    calls++;
    const forwarded = request(
      {
        hostname: upstream.hostname,
        port: upstream.port,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    forwarded.on('error', () => outgoing.destroy());
    incoming.pipe(forwarded);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    count: () => calls,
    reset: () => (calls = 0),
    stop: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
