import { createServer, Socket, type Server } from 'node:net';

/**
 * A TCP forwarder on a port of its own, to put faults between the code under test and a shared
 * service (RabbitMQ, Postgres, the SQS emulator) without touching the service: other test files
 * keep their connections.
 *
 * `port` is reserved at once, but nothing listens on it until `start()`, so a client first finds
 * the service down. Faults:
 * - `close()`: stop listening and cut every connection (the service is unreachable);
 * - `reset()`: cut every live connection with a TCP reset, keep listening (a broker restart);
 * - `blackhole()`: accept connections and deliver nothing, either way, until `heal()` (a silent
 *   network drop: like TCP over a partition, what was sent arrives after the heal, in order, and
 *   a side that gave up meanwhile is only noticed by the other side after the heal);
 * - `slow(ms)`: deliver every chunk `ms` late.
 *
 * @example
 *   const proxy = await tcpProxy(5672);
 *   const url = `amqp://guest:guest@127.0.0.1:${proxy.port}`; // refused for now
 *   await proxy.start(); // the broker "appears"
 *   proxy.blackhole(); // ... and goes silent
 *   proxy.heal();
 *   await proxy.close();
 */
export async function tcpProxy(targetPort: number, targetHost = '127.0.0.1') {
  const port = await freePort();
  const links = new Set<{ client: Socket; upstream: Socket }>();
  // Every socket still open, including upstreams whose close waits for a heal.
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let accepted = 0;
  let delayMs = 0;
  // While a blackhole lasts, everything that would cross the proxy waits here, in order.
  let held: (() => void)[] | undefined;

  /** Forward now, later (slow), or after the heal (blackhole); order is kept in every case. */
  const deliver = (step: () => void) => {
    if (held) held.push(step);
    else if (delayMs > 0) setTimeout(step, delayMs);
    else step();
  };

  function forward(client: Socket): void {
    accepted += 1;
    const upstream = new Socket();
    const link = { client, upstream };
    links.add(link);
    client.once('close', () => links.delete(link));
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      socket.setNoDelay(true);
      socket.on('error', () => socket.destroy());
    }
    // The upstream connection is opened when it would have reached the service: after a heal.
    deliver(() => {
      if (!client.destroyed) upstream.connect(targetPort, targetHost);
    });
    client.on('data', (chunk: Buffer) => deliver(() => upstream.write(chunk)));
    upstream.on('data', (chunk: Buffer) => deliver(() => client.write(chunk)));
    client.once('close', () => deliver(() => upstream.destroy()));
    upstream.once('close', () => deliver(() => client.destroy()));
  }

  return {
    port,
    /** Listen on `port` and forward every connection to the target. */
    start(): Promise<void> {
      server = createServer(forward);
      return new Promise((resolve, reject) => {
        server!.once('error', reject);
        server!.listen(port, '127.0.0.1', () => resolve());
      });
    },
    /** Stop listening and cut every forwarded connection. */
    async close(): Promise<void> {
      held = undefined;
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      server = undefined;
    },
    /** Cut every live connection with a TCP reset; new connections are forwarded as before. */
    reset(): number {
      const cut = links.size;
      for (const { client, upstream } of links) {
        client.resetAndDestroy();
        upstream.resetAndDestroy();
      }
      return cut;
    },
    /** Deliver nothing either way (new connections included) until `heal()`. */
    blackhole(): void {
      held ??= [];
    },
    /** End a blackhole (what waited is delivered, in order) and any slowness. */
    heal(): void {
      const waiting = held ?? [];
      held = undefined;
      delayMs = 0;
      for (const step of waiting) step();
    },
    /** Deliver every chunk `ms` late. */
    slow(ms: number): void {
      delayMs = ms;
    },
    /** Client connections open right now. */
    get live(): number {
      return links.size;
    },
    /** Connections accepted since the proxy was made. */
    get accepted(): number {
      return accepted;
    },
  };
}

export type TcpProxy = Awaited<ReturnType<typeof tcpProxy>>;

/** A port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
